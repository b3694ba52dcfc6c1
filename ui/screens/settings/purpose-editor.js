//! Adding or changing a purpose (owner), inside Settings → What customers
//! are asked: its name and text in each language, how long its data is
//! kept and from when, the details it asks for (from the details the shop
//! collects), whether it is offered and whether it is marketing — what
//! `steward purposes add|edit` can set. "Review the change" asks the core
//! what saving would do (`purpose_preview`, the same checks and steps,
//! kept nowhere) and says it in words; only then can it be saved
//! (`purpose_add`, `purpose_edit`). The id of a new purpose is made from
//! its name; the core checks it like every other input.

import { h, replace, focus } from '../../components/dom.js';
import {
  alertRegion,
  button,
  checkboxField,
  radioGroup,
  selectField,
  textAreaField,
  textField,
  showError,
  submitWith,
} from '../../components/form.js';
import { languageName, STAFF_LANGUAGES } from '../../components/languages.js';
import { call } from '../../api.js';
import { t, tn, has, formatNumber } from '../../i18n.js';

const fieldLabel = (key) => (has(`field.${key}`) ? t(`field.${key}`) : key);
const DAYS_IN_YEAR = 365;

/** A purpose id from a name: lowercase letters, digits and dashes, at most 40. */
function idFrom(name) {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return /^[a-z]/.test(slug) ? slug : `p-${slug}`.slice(0, 40).replace(/-+$/, '');
}

/** "2 years" or "45 days", in the staff screens' words. */
function periodWords(days) {
  return days % DAYS_IN_YEAR === 0
    ? tn('settings.purposes.years', days / DAYS_IN_YEAR, { n: formatNumber(days / DAYS_IN_YEAR) })
    : tn('settings.purposes.days', days, { n: formatNumber(days) });
}

/** The sentences saying what saving would do, from the core's `ChangeEffects`. */
function effectSentences(e, { copiedTo }) {
  const list = (keys) => keys.map(fieldLabel).join(', ');
  const out = [];
  if (e.publishesVersion !== null) {
    out.push(t(e.adds ? 'settings.purposes.effect.publishesNew' : 'settings.purposes.effect.publishes', { version: formatNumber(e.publishesVersion) }));
  } else {
    out.push(t('settings.purposes.effect.sameNotice', { version: formatNumber(e.noticeVersion) }));
  }
  if (e.adds && copiedTo.length > 0) {
    out.push(t('settings.purposes.effect.copied', { languages: copiedTo.map(languageName).join(', ') }));
  }
  if (e.fieldsAdded.length > 0) {
    out.push(
      e.holders > 0
        ? tn('settings.purposes.effect.askAgain', e.holders, { n: formatNumber(e.holders), fields: list(e.fieldsAdded) })
        : t('settings.purposes.effect.asked', { fields: list(e.fieldsAdded) }),
    );
  }
  if (e.fieldsRemoved.length > 0) out.push(t('settings.purposes.effect.notAsked', { fields: list(e.fieldsRemoved) }));
  if (e.erasesFromCustomers > 0) {
    out.push(tn('settings.purposes.effect.erases', e.erasesFromCustomers, { n: formatNumber(e.erasesFromCustomers), fields: list(e.erasedFields) }));
  }
  if (e.retentionChanged) {
    out.push(
      t(e.retentionClock === 'last-visit' ? 'settings.purposes.effect.retentionVisit' : 'settings.purposes.effect.retentionConsent', {
        period: periodWords(e.retentionDays),
      }),
    );
  }
  if (e.endsNow > 0) {
    out.push(tn(e.required ? 'settings.purposes.effect.erasesCustomers' : 'settings.purposes.effect.endsAgreements', e.endsNow, { n: formatNumber(e.endsNow) }));
  }
  return out;
}

/**
 * The editor for `purpose` (null: a new one), its texts shown first in
 * `lang`; `fields` is the pending `fields_list`; `onDone(sentence)` goes
 * back to the list (with what was saved, or null when cancelled).
 */
export function purposeEditor({ purpose, lang, fields, onDone }) {
  const adding = purpose === null;
  const alert = alertRegion('purpose-editor-error');
  const prefix = 'purpose-editor';
  const order = [lang, ...STAFF_LANGUAGES.filter((code) => code !== lang)];

  // ---- Texts, one language after the other ----
  const texts = new Map(
    order.map((code) => {
      const was = purpose ? purpose.texts[code] : null;
      const name = textField({ id: `${prefix}-name-${code}`, label: t('settings.purposes.name'), value: was ? was.name : '' });
      const description = textAreaField({ id: `${prefix}-description-${code}`, label: t('settings.purposes.description'), value: was ? was.description : '', rows: 2 });
      const copy = purpose && purpose.untranslated.includes(code);
      const fieldset = h(
        'fieldset',
        { class: 'fieldset purpose-editor__lang', lang: code },
        h('legend', { class: 'fieldset__legend', lang: null }, languageName(code)),
        copy ? h('p', { class: 'field__hint' }, t('settings.purposes.copyHint')) : null,
        name.element,
        description.element,
      );
      // The language chosen on the list is open; the others fold away.
      const element =
        code === lang
          ? fieldset
          : h(
              'details',
              { class: 'purpose-editor__other', id: `${prefix}-lang-${code}` },
              h('summary', {}, copy ? t('settings.purposes.summaryCopy', { language: languageName(code) }) : languageName(code)),
              fieldset,
            );
      return [code, { name, description, was, element }];
    }),
  );

  // ---- How long, and from when ----
  const days = purpose ? purpose.retentionDays : DAYS_IN_YEAR;
  const inYears = days % DAYS_IN_YEAR === 0;
  const amount = textField({
    id: `${prefix}-retention`,
    label: t('settings.purposes.retention'),
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    value: inYears ? days / DAYS_IN_YEAR : days,
  });
  const unit = selectField({
    id: `${prefix}-retention-unit`,
    label: t('settings.purposes.retentionUnit'),
    options: [
      { value: 'years', label: t('settings.purposes.unitYears') },
      { value: 'days', label: t('settings.purposes.unitDays') },
    ],
    value: inYears ? 'years' : 'days',
  });
  const clock = adding
    ? null
    : radioGroup({
        id: `${prefix}-clock`,
        legend: t('settings.purposes.clock'),
        value: purpose.retentionClock,
        options: [
          { value: 'consent', label: t('settings.purposes.clockConsent') },
          { value: 'last-visit', label: t('settings.purposes.clockVisit') },
        ],
      });

  // ---- The details it asks for: what the shop collects, plus what it lists now ----
  const fieldsSlot = h('div', { id: `${prefix}-fields-slot`, 'aria-busy': 'true' });
  const boxes = new Map();
  fields
    .then((all) => {
      const listed = new Set(purpose ? purpose.fields : []);
      const offered = all.filter((f) => f.enabled || listed.has(f.key));
      replace(
        fieldsSlot,
        h(
          'fieldset',
          { id: `${prefix}-fields`, class: 'fieldset' },
          h('legend', { class: 'fieldset__legend' }, t('settings.purposes.fields')),
          h('p', { class: 'field__hint' }, t('settings.purposes.fieldsHint')),
          offered.map((f) => {
            const box = checkboxField({
              id: `${prefix}-field-${f.key}`,
              label: f.enabled ? fieldLabel(f.key) : t('settings.purposes.fieldOff', { field: fieldLabel(f.key) }),
            });
            box.input.checked = listed.has(f.key);
            box.input.dataset.field = f.key;
            box.input.addEventListener('change', stale);
            boxes.set(f.key, box.input);
            return box.element;
          }),
        ),
      );
    })
    .catch((err) => showError(alert, err))
    .finally(() => fieldsSlot.setAttribute('aria-busy', 'false'));

  // ---- Offered, marketing, basis ----
  const active = !adding && !purpose.required ? checkboxField({ id: `${prefix}-active`, label: t('settings.purposes.active') }) : null;
  if (active) active.input.checked = purpose.active;
  const marketing = adding || !purpose.required ? checkboxField({ id: `${prefix}-marketing`, label: t('settings.purposes.isMarketing') }) : null;
  if (marketing) marketing.input.checked = Boolean(purpose && purpose.marketing);
  const basis = adding
    ? selectField({
        id: `${prefix}-basis`,
        label: t('settings.purposes.basis'),
        options: [
          { value: 'consent', label: t('settings.purposes.basisConsent') },
          { value: 'legal_obligation', label: t('settings.purposes.basisLaw') },
        ],
        value: 'consent',
      })
    : null;

  /** What the form says, as the core takes it: for a change only what changed. */
  function input() {
    const out = { texts: {} };
    let first = null;
    for (const [code, f] of texts) {
      const name = f.name.input.value.trim();
      const description = f.description.input.value.trim();
      const changed = f.was ? name !== f.was.name || description !== f.was.description : name !== '' || description !== '';
      if (changed) out.texts[code] = { name, description };
      if (!first && name !== '') first = name;
    }
    const n = Number.parseInt(amount.input.value, 10);
    const retention = Number.isFinite(n) && n > 0 ? (unit.input.value === 'years' ? n * DAYS_IN_YEAR : n) : 0;
    const chosen = [...boxes].filter(([, box]) => box.checked).map(([key]) => key);
    if (adding) {
      out.id = idFrom(first || '');
      out.legalBasis = basis.input.value;
      out.retentionDays = retention;
      out.fields = chosen;
      out.marketing = marketing.input.checked;
      return out;
    }
    if (retention !== purpose.retentionDays) out.retentionDays = retention;
    if (clock && clock.value() !== purpose.retentionClock) out.retentionClock = clock.value();
    const was = purpose.fields.join('\n');
    if (chosen.join('\n') !== was && boxes.size > 0) out.fields = chosen;
    if (active && active.input.checked !== purpose.active) out.active = active.input.checked;
    if (marketing && marketing.input.checked !== purpose.marketing) out.marketing = marketing.input.checked;
    return out;
  }

  // ---- Review, then save ----
  const review = h('div', { id: `${prefix}-review`, class: 'panel panel--inset', hidden: true, tabindex: '-1' });
  const reviewButton = button(t('settings.purposes.review'), { id: `${prefix}-review-button`, type: 'submit' });
  const cancel = button(t('settings.purposes.cancel'), { id: `${prefix}-cancel`, kind: 'secondary', onclick: () => onDone(null) });
  let reviewed = null;

  /** Anything typed after a review needs reviewing again. */
  function stale() {
    reviewed = null;
    review.hidden = true;
    review.replaceChildren();
  }

  const copiedTo = () => [...texts].filter(([, f]) => f.name.input.value.trim() === '' && f.description.input.value.trim() === '').map(([code]) => code);

  function reviewChange() {
    const sent = input();
    return submitWith({ alert, busy: reviewButton }, async () => {
      const effects = await call('purpose_preview', { id: adding ? null : purpose.id, purpose: sent });
      reviewed = sent;
      const save = button(t(adding ? 'settings.purposes.saveNew' : 'settings.purposes.save'), { id: `${prefix}-save`, onclick: () => saveChange(save) });
      replace(
        review,
        h('h3', { class: 'recipient__area-title' }, t('settings.purposes.reviewTitle')),
        h('ul', { id: `${prefix}-effects`, class: 'review__list' }, effectSentences(effects, { copiedTo: copiedTo() }).map((s) => h('li', {}, s))),
        h('div', { class: 'actions actions--start' }, save),
      );
      review.hidden = false;
      focus(review);
    });
  }

  function saveChange(save) {
    if (!reviewed) return undefined;
    const sent = reviewed;
    return submitWith({ alert, busy: save }, async () => {
      const saved = adding ? await call('purpose_add', { purpose: sent }) : await call('purpose_edit', { id: purpose.id, purpose: sent });
      const name = (saved.texts[lang] && saved.texts[lang].name) || saved.id;
      onDone(t(adding ? 'settings.purposes.added' : 'settings.purposes.saved', { name }));
    });
  }

  const form = h(
    'form',
    { id: prefix, class: 'form purpose-editor', novalidate: true, 'aria-labelledby': `${prefix}-title` },
    h('h3', { id: `${prefix}-title` }, adding ? t('settings.purposes.addTitle') : t('settings.purposes.editTitle', { name: texts.get(lang).was.name })),
    alert,
    [...texts.values()].map((f) => f.element),
    h('div', { class: 'inline-fields' }, amount.element, unit.element),
    clock ? clock.element : h('p', { class: 'field__hint' }, t('settings.purposes.clockNew')),
    fieldsSlot,
    basis ? basis.element : null,
    marketing ? marketing.element : null,
    active ? active.element : null,
    h('div', { class: 'actions actions--start' }, reviewButton, cancel),
    review,
  );
  form.addEventListener('input', stale);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    reviewChange();
  });
  return form;
}
