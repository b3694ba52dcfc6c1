//! The consent form, as the customer fills it in on the shop's screen, in
//! their own language: the notice, their choices, their details, a check,
//! their signature. Everything on it comes from the notice the core
//! published (`consent_form`): which purposes there are, which are asked
//! for and which only told, which fields each one uses, what is required.
//! The form decides nothing; the core accepts or refuses what is signed, and
//! a refusal is shown in the customer's words (and, when it is about one
//! detail, on that detail's input).
//!
//! Two modes. `join`: a new customer (`join_customer`), every purpose asked.
//! A join may start from an invitation (the shop's imported list): its
//! details are filled in on the details step for the customer to check and
//! correct, and the join is recorded with `join_invited_customer`, which
//! consumes the invitation.
//! `grant`: an existing customer agrees to more (`grant_consent`): only the
//! purposes they have not agreed to are offered, and only the details the
//! newly ticked ones use and no purpose they already agreed to uses are
//! asked for (what the shop holds is never shown here).
//!
//! What the customer types lives only in this screen until they sign: going
//! back and forth keeps it, unticking a purpose forgets the details only it
//! needed, and Cancel forgets everything (nothing was ever sent).

import { h, replace, focus } from '../components/dom.js';
import { form, button, alertRegion, clear, showCustomerError, markInvalid, unmarkInvalid, submitWith } from '../components/form.js';
import { customerSignature } from '../components/signature-pad.js';
import { renderSteps } from '../components/customer-steps.js';
import { call, isSessionLost } from '../api.js';
import { dateHintVars, parseDate } from '../components/format.js';

const STEPS = ['notice', 'choices', 'details', 'review', 'sign'];

/**
 * The input type for a field's kind; other kinds are one line of text. A
 * date is typed as text in the customer's order (`12/04/1990` in ca, es and
 * id) and sent to the core as `YYYY-MM-DD`.
 */
const INPUT_TYPES = { email: 'email', phone: 'tel' };

/** `text` with its first letter a capital (a hint that starts with "day/month/year"). */
const capitalized = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** The step where the customer can put right what the core refused. */
const STEP_TO_FIX = {
  consent_missing: 'choices',
  purpose_not_found: 'choices',
  field_not_consented: 'details',
  field_disabled: 'details',
  card_number_refused: 'details',
  invalid_input: 'details',
};

/** The id of the region where the form's errors appear. */
const ERROR_ID = 'consent-error';

/**
 * `params`: `lang` and `tr` (the customer's language and its words),
 * `notice` and `formId` (from `consent_form`: the id this form is sent
 * with, every time, so a retry records it once) and `identityCheck`
 * (chosen by staff);
 * `mode` (`join`, the default, or `grant`), and for `grant` the
 * `customerId` and the purposes the customer has `granted` now (ids, from
 * `consent_history`); for a join from an invitation, `invitation`
 * (`{ id, fields }`).
 */
export function render(ctx, { lang, tr, notice, formId, identityCheck, mode = 'join', customerId, granted = [], invitation = null }) {
  const { t } = tr;
  const body = notice.body;
  const grant = mode === 'grant';
  const held = new Set(grant ? granted : []);
  const consentPurposes = body.purposes.filter((p) => p.legalBasis === 'consent');
  /** The purposes to tick or not: all of them, or those not agreed to yet. */
  const asked = consentPurposes.filter((p) => !held.has(p.id));
  /** What the customer has already agreed to, as the notice names it. */
  const already = consentPurposes.filter((p) => held.has(p.id));
  const told = body.purposes.filter((p) => p.legalBasis === 'legal_obligation');
  /** Fields a purpose the customer already agreed to uses: never asked again. */
  const known = new Set(already.flatMap((p) => p.fields.map((f) => f.key)));

  /** The customer's answers so far: ticked purpose ids and typed values by field key. */
  const answers = { granted: new Set(), values: new Map() };
  /** What the shop imported, offered on the details step until the customer changes it. */
  const imported = new Map(grant || !invitation ? [] : Object.entries(invitation.fields || {}).filter(([, v]) => typeof v === 'string' && v !== ''));
  let pad = null;
  let step = 'notice';

  const steps = h('ol', { class: 'steps steps--customer', 'aria-label': t('customer.stepsLabel') });
  const alert = alertRegion(ERROR_ID);
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
      for (const f of p.fields) if (!seen.has(f.key) && !known.has(f.key)) seen.set(f.key, f);
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
    imported.clear();
    if (pad) pad.clear();
    pad = null;
  }

  function cancel() {
    discard();
    ctx.showCustomer('ended', { lang, tr, variant: grant ? 'unchanged' : 'unsaved' });
  }

  /** Shows one sentence of the customer's language in the error region. */
  function say(text) {
    replace(alert, h('p', { class: 'alert__text' }, text));
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
    renderSteps(
      steps,
      STEPS.map((key) => t(`customer.step.${key}`)),
      n - 1,
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
          button(grant ? t('customer.cancelChange') : t('customer.cancel'), {
            id: 'consent-cancel',
            kind: 'danger',
            onclick: cancel,
          }),
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
    // An existing customer first sees what they agree to already, then what they can add.
    const intro = grant
      ? [
          h('h2', {}, t('customer.grant.alreadyHeading')),
          nameList(already, 'choices-already'),
          h('h2', {}, t('customer.grant.addHeading')),
          h('p', {}, t('customer.grant.choicesIntro')),
        ]
      : [h('p', { class: 'customer__lead' }, t('customer.choices.intro'))];
    frame(
      'choices',
      grant ? t('customer.grant.choicesTitle') : t('customer.choices.title'),
      [intro, h('ul', { class: 'purposes', 'aria-label': t('customer.step.choices') }, items)],
      [backButton('notice'), nextButton()],
      () => {
        // An existing customer's form records only what is ticked: with
        // nothing ticked there is nothing to sign.
        if (grant && answers.granted.size === 0) {
          say(t('customer.grant.noneTicked'));
          focus(asked.length > 0 ? document.getElementById(`purpose-${asked[0].id}`) : null);
          return;
        }
        goTo('details');
      },
    );
  }

  // ---- c. The details ----

  function detailField(f) {
    const id = `field-${f.key}`;
    const hints = [
      f.kind === 'phone' ? t('customer.details.phoneHint') : null,
      f.kind === 'date' ? capitalized(t('format.dateHint', dateHintVars(lang, t))) : null,
      f.sensitive ? t('customer.details.sensitiveHint') : null,
    ].filter(Boolean);
    const hint = hints.length > 0 ? hints.join(' ') : null;
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
        : h('input', { ...common, type: INPUT_TYPES[f.kind] || 'text', inputmode: f.kind === 'date' ? 'numeric' : undefined });
    control.value = answers.values.get(f.key) ?? '';
    control.addEventListener('input', () => {
      answers.values.set(f.key, control.value);
      // Once changed, the input is no longer the one the core refused.
      if (control.getAttribute('aria-invalid') === 'true') unmarkInvalid(control, ERROR_ID);
    });
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
    for (const f of fields) if (!answers.values.has(f.key) && imported.has(f.key)) answers.values.set(f.key, imported.get(f.key));
    frame(
      'details',
      t('customer.details.title'),
      fields.length > 0
        ? [
            h('p', { class: 'customer__lead' }, grant ? t('customer.grant.detailsIntro') : t('customer.details.intro')),
            imported.size > 0 ? h('p', { id: 'details-imported', class: 'note' }, t('customer.details.imported')) : null,
            fields.map(detailField),
          ]
        : [h('p', { id: 'details-none', class: 'customer__lead' }, grant ? t('customer.grant.detailsNone') : t('customer.details.none'))],
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
        h('h2', {}, grant ? t('customer.grant.agreeHeading') : t('customer.review.agreeHeading')),
        nameList(asked.filter((p) => answers.granted.has(p.id)), 'review-granted'),
        // Joining records every purpose left unticked as refused; agreeing
        // to more records only what is ticked, and keeps what was agreed.
        grant
          ? [h('h2', {}, t('customer.grant.stillHeading')), nameList(already, 'review-already')]
          : [h('h2', {}, t('customer.review.refuseHeading')), nameList(asked.filter((p) => !answers.granted.has(p.id)), 'review-refused')],
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
    pad = customerSignature(t, { drawIntro: t('customer.sign.intro'), errorId: ERROR_ID });
    const submit = button(t('customer.sign.submit'), { id: 'consent-submit', type: 'submit' });
    frame(
      'sign',
      t('customer.sign.title'),
      [pad.element],
      [backButton('review'), submit],
      () =>
        submitWith(
          { alert, busy: submit, busyLabel: t('customer.sign.saving') },
          async () => {
            const fields = {};
            for (const f of neededFields()) {
              const value = answers.values.get(f.key) ?? '';
              // A date the form cannot read goes as typed: the core's
              // refusal names the field, and the form points at it.
              if (value.trim() !== '') fields[f.key] = f.kind === 'date' ? parseDate(value, lang) || value : value;
            }
            const consentForm = {
              lang,
              noticeVersion: notice.version,
              granted: asked.filter((p) => answers.granted.has(p.id)).map((p) => p.id),
              fields,
              identityCheck,
              signature: pad.value(),
              formId,
            };
            const recorded = grant
              ? await call('grant_consent', { customerId, form: consentForm })
              : invitation
                ? await call('join_invited_customer', { invitationId: invitation.id, form: consentForm })
                : await call('join_customer', { form: consentForm });
            discard();
            ctx.showCustomer('receipt', {
              lang,
              tr,
              receiptId: recorded.receiptId,
              customerId: recorded.customerId,
              warnings: recorded.warnings,
            });
          },
          (err) => {
            // A lost session has already taken the screen to the login.
            if (!isSessionLost(err)) showRefusal(err, submit);
          },
        ),
    );
  }

  // ---- A refusal from the core ----

  /**
   * Takes the customer to the step where they can put right what the core
   * refused and says why there; a refusal about one detail (`err.field`)
   * marks that input and puts the cursor in it.
   */
  function showRefusal(err, submit) {
    // A typed signature the core refused: its name or its tick, marked.
    if (pad && pad.markRefused(err.field)) {
      showCustomerError(alert, err, tr);
      return;
    }
    if (err.field === 'purposes') {
      goTo('choices');
      say(grant ? t('customer.grant.noneTicked') : t('customer.error.internal'));
      return;
    }
    const fix = err.field === 'signature' ? null : STEP_TO_FIX[err.code];
    if (fix) goTo(fix);
    const control = fix === 'details' && err.field ? document.getElementById(`field-${err.field}`) : null;
    const spec = control ? neededFields().find((f) => f.key === err.field) : null;
    if (spec && err.code === 'invalid_input') {
      // The generic sentence lists examples; this one names the detail.
      say(t('customer.error.invalidField', { field: spec.label }));
    } else {
      showCustomerError(alert, err, tr);
    }
    if (control) {
      markInvalid(control, ERROR_ID);
      focus(control);
    } else if (!fix) {
      focus(submit);
    }
  }

  noticeStep();
  return root;
}
