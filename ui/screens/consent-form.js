//! The consent form, as the customer fills it in on the shop's screen, in
//! their own language: the notice, their choices, their details, a check,
//! their signature. Everything on it comes from the notice the core
//! published (`consent_form`): which purposes there are, which are asked
//! for and which only told, which fields each one uses, what is required.
//! The form decides nothing; the core accepts or refuses what is signed
//! (`join_customer`), and a refusal is shown in the customer's words.
//!
//! What the customer types lives only in this screen until they sign: going
//! back and forth keeps it, unticking a purpose forgets the details only it
//! needed, and Cancel forgets everything (nothing was ever sent).

import { h, replace, focus } from '../components/dom.js';
import { form, button, alertRegion, clear, showCustomerError } from '../components/form.js';
import { signaturePad } from '../components/signature-pad.js';
import { call, isSessionLost } from '../api.js';

const STEPS = ['notice', 'choices', 'details', 'review', 'sign'];

/** The input type for a field's kind; other kinds are one line of text. */
const INPUT_TYPES = { email: 'email', phone: 'tel', date: 'date' };

/** The step where the customer can put right what the core refused. */
const STEP_TO_FIX = {
  consent_missing: 'choices',
  purpose_not_found: 'choices',
  field_not_consented: 'details',
  field_disabled: 'details',
  card_number_refused: 'details',
  invalid_input: 'details',
};

/**
 * `params`: `lang` and `tr` (the customer's language and its words),
 * `notice` (from `consent_form`) and `identityCheck` (chosen by staff).
 */
export function render(ctx, { lang, tr, notice, identityCheck }) {
  const { t } = tr;
  const body = notice.body;
  const asked = body.purposes.filter((p) => p.legalBasis === 'consent');
  const told = body.purposes.filter((p) => p.legalBasis === 'legal_obligation');

  /** The customer's answers so far: ticked purpose ids and typed values by field key. */
  const answers = { granted: new Set(), values: new Map() };
  let pad = null;
  let step = 'notice';

  const steps = h('ol', { class: 'steps steps--customer', 'aria-label': t('customer.stepsLabel') });
  const alert = alertRegion('consent-error');
  const view = h('div', { class: 'customer__view' });
  const root = h(
    'section',
    { id: 'consent-form', class: 'screen screen--customer', lang, 'aria-labelledby': 'consent-form-title' },
    h('div', { class: 'customer' }, h('p', { class: 'customer__shop' }, body.shop.name), steps, view),
  );

  /** The fields the ticked purposes use: each once, in the notice's order. */
  function neededFields() {
    const seen = new Map();
    for (const p of asked) {
      if (!answers.granted.has(p.id)) continue;
      for (const f of p.fields) if (!seen.has(f.key)) seen.set(f.key, f);
    }
    return [...seen.values()];
  }

  /** Forgets the values of fields that no ticked purpose uses any more. */
  function dropUnneeded() {
    const keep = new Set(neededFields().map((f) => f.key));
    for (const key of [...answers.values.keys()]) if (!keep.has(key)) answers.values.delete(key);
  }

  function discard() {
    answers.granted.clear();
    answers.values.clear();
    if (pad) pad.clear();
    pad = null;
  }

  function cancel() {
    discard();
    ctx.showCustomer('ended', { lang, tr });
  }

  function fieldLabels(purpose) {
    return purpose.fields.map((f) => f.label).join(', ');
  }

  // ---- The frame of every step ----

  /**
   * Shows one step: its heading, the error region, `parts`, and the row of
   * buttons (`actions`) with Cancel below. `onNext` runs on Enter or Next.
   */
  function frame(name, title, parts, actions, onNext) {
    const n = STEPS.indexOf(name) + 1;
    replace(
      steps,
      STEPS.map((key, i) =>
        h(
          'li',
          {
            class: i + 1 === n ? 'steps__item steps__item--current' : i + 1 < n ? 'steps__item steps__item--done' : 'steps__item',
            'aria-current': i + 1 === n ? 'step' : null,
          },
          h('span', { class: 'steps__number' }, String(i + 1)),
          h('span', { class: 'steps__label' }, t(`customer.step.${key}`)),
        ),
      ),
    );
    clear(alert);
    replace(
      view,
      form(
        { id: 'consent-step', label: title, onSubmit: onNext, className: `customer__step customer__step--${name}` },
        h('p', { class: 'customer__progress' }, t('customer.stepOf', { n, total: STEPS.length })),
        h('h1', { id: 'consent-form-title', class: 'customer__title', tabindex: '-1' }, title),
        alert,
        parts,
        h('div', { class: 'actions customer__actions' }, actions),
        h(
          'div',
          { class: 'customer__cancel' },
          button(t('customer.cancel'), { id: 'consent-cancel', kind: 'danger', onclick: cancel }),
        ),
      ),
    );
  }

  const backButton = (to, label = t('customer.back')) =>
    button(label, { id: 'consent-back', kind: 'secondary', onclick: () => goTo(to) });
  const nextButton = (label = t('customer.next')) => button(label, { id: 'consent-next', type: 'submit' });

  function goTo(name) {
    if (step === 'choices' && name !== 'choices') dropUnneeded();
    step = name;
    ({ notice: noticeStep, choices: choicesStep, details: detailsStep, review: reviewStep, sign: signStep })[name]();
    ctx.retitle();
    window.scrollTo(0, 0);
    focus(document.getElementById('consent-form-title'));
  }

  // ---- a. The notice ----

  function toldList() {
    return h(
      'ul',
      { class: 'purposes purposes--told', 'aria-label': t('customer.notice.lawListLabel') },
      told.map((p) =>
        h(
          'li',
          { class: 'purpose purpose--told', id: `told-${p.id}` },
          h('h3', { class: 'purpose__name' }, p.name),
          p.description ? h('p', {}, p.description) : null,
          h('p', { class: 'purpose__meta' }, t('customer.notice.basis', { basis: p.legalBasisText })),
          h('p', { class: 'purpose__meta' }, t('customer.notice.keptFor', { period: p.retentionText })),
          p.fields.length > 0 ? h('p', { class: 'purpose__meta' }, t('customer.choices.uses', { fields: fieldLabels(p) })) : null,
        ),
      ),
    );
  }

  function noticeStep() {
    // The "law" section introduces the records the law requires, so their
    // list follows it.
    let placed = told.length === 0;
    const sections = body.sections.map((section) => {
      const introducesList = !placed && section.key === 'law';
      if (introducesList) placed = true;
      return h(
        'section',
        { class: 'notice-section' },
        h('h2', {}, section.heading),
        h('p', {}, section.text),
        introducesList ? toldList() : null,
      );
    });
    frame(
      'notice',
      body.title,
      [h('p', { class: 'customer__lead' }, body.intro), sections, placed ? null : toldList()],
      [h('span'), nextButton()],
      () => goTo('choices'),
    );
  }

  // ---- b. The choices ----

  function choicesStep() {
    const items = asked.map((p) => {
      const aboutId = `purpose-${p.id}-about`;
      const box = h('input', {
        id: `purpose-${p.id}`,
        type: 'checkbox',
        class: 'purpose__box',
        value: p.id,
        checked: answers.granted.has(p.id),
        'aria-describedby': aboutId,
      });
      box.addEventListener('change', () => {
        if (box.checked) answers.granted.add(p.id);
        else answers.granted.delete(p.id);
      });
      return h(
        'li',
        { class: p.required ? 'purpose purpose--required' : 'purpose' },
        h(
          'div',
          { class: 'purpose__head' },
          box,
          h(
            'label',
            { for: box.id, class: 'purpose__label' },
            h('span', { class: 'purpose__name' }, p.name),
            h(
              'span',
              { class: p.required ? 'badge badge--required' : 'badge' },
              p.required ? t('customer.choices.required') : t('customer.choices.optional'),
            ),
          ),
        ),
        h(
          'div',
          { id: aboutId, class: 'purpose__about' },
          p.description ? h('p', {}, p.description) : null,
          h(
            'p',
            { class: 'purpose__meta' },
            p.fields.length > 0 ? t('customer.choices.uses', { fields: fieldLabels(p) }) : t('customer.choices.usesNothing'),
          ),
          h('p', { class: 'purpose__meta' }, t('customer.choices.keptFor', { period: p.retentionText })),
        ),
      );
    });
    frame(
      'choices',
      t('customer.choices.title'),
      [h('p', { class: 'customer__lead' }, t('customer.choices.intro')), h('ul', { class: 'purposes' }, items)],
      [backButton('notice'), nextButton()],
      () => goTo('details'),
    );
  }

  // ---- c. The details ----

  function detailField(f) {
    const id = `field-${f.key}`;
    const hint = f.kind === 'phone' ? t('customer.details.phoneHint') : f.sensitive ? t('customer.details.sensitiveHint') : null;
    const hintId = hint ? `${id}-hint` : null;
    const common = {
      id,
      name: id,
      class: 'input',
      // A shared shop computer must not offer one customer's details to the next.
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': hintId,
    };
    const control =
      f.kind === 'multiline_text'
        ? h('textarea', { ...common, class: 'input input--multiline', rows: 3 })
        : h('input', { ...common, type: INPUT_TYPES[f.kind] || 'text' });
    control.value = answers.values.get(f.key) ?? '';
    control.addEventListener('input', () => answers.values.set(f.key, control.value));
    return h(
      'div',
      { class: 'field' },
      h('label', { for: id, class: 'field__label' }, f.label),
      hintId ? h('p', { id: hintId, class: 'field__hint' }, hint) : null,
      control,
    );
  }

  function detailsStep() {
    const fields = neededFields();
    frame(
      'details',
      t('customer.details.title'),
      fields.length > 0
        ? [h('p', { class: 'customer__lead' }, t('customer.details.intro')), fields.map(detailField)]
        : [h('p', { class: 'customer__lead' }, t('customer.details.none'))],
      [backButton('choices'), nextButton()],
      () => goTo('review'),
    );
  }

  // ---- d. The check ----

  function nameList(purposes, id) {
    return purposes.length > 0
      ? h('ul', { id, class: 'review__list' }, purposes.map((p) => h('li', {}, p.name)))
      : h('p', { id }, t('customer.review.nothing'));
  }

  function reviewStep() {
    const filled = neededFields().filter((f) => (answers.values.get(f.key) ?? '').trim() !== '');
    frame(
      'review',
      t('customer.review.title'),
      [
        h('p', { class: 'customer__lead' }, t('customer.review.intro')),
        h('h2', {}, t('customer.review.detailsHeading')),
        filled.length > 0
          ? h(
              'dl',
              { id: 'review-details', class: 'summary review__details' },
              filled.map((f) => [h('dt', {}, f.label), h('dd', { class: 'review__value' }, answers.values.get(f.key))]),
            )
          : h('p', { id: 'review-details' }, t('customer.review.noDetails')),
        h('h2', {}, t('customer.review.agreeHeading')),
        nameList(asked.filter((p) => answers.granted.has(p.id)), 'review-granted'),
        h('h2', {}, t('customer.review.refuseHeading')),
        nameList(asked.filter((p) => !answers.granted.has(p.id)), 'review-refused'),
      ],
      [
        h(
          'div',
          { class: 'actions__group' },
          backButton('details', t('customer.review.changeDetails')),
          button(t('customer.review.changeChoices'), {
            id: 'consent-change-choices',
            kind: 'secondary',
            onclick: () => goTo('choices'),
          }),
        ),
        nextButton(t('customer.review.confirm')),
      ],
      () => goTo('sign'),
    );
  }

  // ---- e. The signature ----

  function signStep() {
    // A signature confirms the choices as they are now: changing anything
    // after signing means signing again.
    pad = signaturePad({
      id: 'signature-pad',
      clearId: 'signature-clear',
      label: t('customer.sign.padLabel'),
      clear: t('customer.sign.clear'),
      emptyText: t('customer.sign.empty'),
      signedText: t('customer.sign.signed'),
    });
    const submit = button(t('customer.sign.submit'), { id: 'consent-submit', type: 'submit' });
    frame(
      'sign',
      t('customer.sign.title'),
      [h('p', { class: 'customer__lead' }, t('customer.sign.intro')), pad.element],
      [backButton('review'), submit],
      async () => {
        clear(alert);
        submit.textContent = t('customer.sign.saving');
        const fields = {};
        for (const f of neededFields()) {
          const value = answers.values.get(f.key) ?? '';
          if (value.trim() !== '') fields[f.key] = value;
        }
        const consentForm = {
          lang,
          noticeVersion: notice.version,
          granted: asked.filter((p) => answers.granted.has(p.id)).map((p) => p.id),
          fields,
          identityCheck,
          signature: pad.strokes(),
        };
        try {
          const recorded = await call('join_customer', { form: consentForm });
          discard();
          ctx.showCustomer('receipt', { lang, tr, receiptId: recorded.receiptId });
        } catch (err) {
          // A lost session has already taken the screen to the login.
          if (isSessionLost(err)) return;
          submit.textContent = t('customer.sign.submit');
          const fix = STEP_TO_FIX[err.code];
          if (fix) goTo(fix);
          showCustomerError(alert, err, tr);
          if (!fix) focus(submit);
        }
      },
    );
  }

  noticeStep();
  return root;
}
