//! Withdrawing consent, as the customer does it on the shop's screen, in
//! their own language: as easy as agreeing, two steps. First they tick what
//! they want to withdraw among what they have agreed to (nothing ticked in
//! advance), then they sign. The list is what the core's ledger says is
//! granted now (`consent_history`, loaded by staff before handing over),
//! named and described by the current notice; the core decides whether a
//! withdrawal is possible (`withdraw_consent`: withdrawing membership erases
//! the whole record, and its receipt is the erasure confirmation) and which
//! details it erases, and words the receipt.
//!
//! Nothing is sent before the customer signs; Cancel on either step changes
//! nothing.

import { h, replace, focus } from '../components/dom.js';
import { form, button, alertRegion, clear, showCustomerError, submitWith } from '../components/form.js';
import { customerSignature } from '../components/signature-pad.js';
import { renderSteps } from '../components/customer-steps.js';
import { call, isSessionLost } from '../api.js';

const STEPS = ['choose', 'sign'];

/** Refusals the customer puts right by changing what they ticked. */
const BACK_TO_CHOOSE = new Set(['not_consented', 'purpose_not_found', 'under_legal_hold']);

/**
 * `params`: `lang` and `tr` (the customer's language and its words),
 * `notice` and `formId` (from `consent_form` in that language; the id is
 * sent with every try, so a retry records the withdrawal once), `identityCheck` (chosen
 * by staff), `customerId` and the purposes the customer has `granted` now
 * (ids, from `consent_history`).
 */
export function render(ctx, { lang, tr, notice, formId, identityCheck, customerId, granted = [] }) {
  const { t } = tr;
  const body = notice.body;
  const onNotice = new Set(body.purposes.map((p) => p.id));
  /**
   * What the customer has agreed to, in the notice's order; a purpose the
   * notice no longer lists can still be withdrawn, under its id.
   */
  const agreed = [
    ...body.purposes.filter((p) => granted.includes(p.id)),
    ...granted.filter((id) => !onNotice.has(id)).map((id) => ({ id, name: id, description: '', fields: [], required: false })),
  ];
  /** The ids the customer ticked to withdraw. */
  const chosen = new Set();
  let pad = null;

  const steps = h('ol', { class: 'steps steps--customer', 'aria-label': t('customer.withdraw.stepsLabel') });
  const alert = alertRegion('withdraw-error');
  const view = h('div', { class: 'customer__view' });
  const root = h(
    'section',
    { id: 'withdraw-form', class: 'screen screen--customer', lang, 'aria-labelledby': 'withdraw-form-title' },
    h('div', { class: 'customer' }, h('p', { class: 'customer__shop' }, body.shop.name), steps, view),
  );

  function say(text) {
    replace(alert, h('p', { class: 'alert__text' }, text));
  }

  function cancel() {
    chosen.clear();
    if (pad) pad.clear();
    pad = null;
    ctx.showCustomer('ended', { lang, tr, variant: 'unchanged' });
  }

  /** The ticked purposes, in the order they are listed. */
  const ticked = () => agreed.filter((p) => chosen.has(p.id));

  /**
   * Shows one step: its heading, the error region, `parts`, the row of
   * buttons (`actions`) and Cancel below. `onNext` runs on Enter or the
   * step's main button.
   */
  function frame(name, title, parts, actions, onNext) {
    const n = STEPS.indexOf(name);
    renderSteps(
      steps,
      STEPS.map((key) => t(`customer.withdraw.step.${key}`)),
      n,
    );
    clear(alert);
    replace(
      view,
      form(
        { id: 'withdraw-step', label: title, onSubmit: onNext, className: `customer__step customer__step--${name}` },
        h('p', { class: 'customer__progress' }, t('customer.stepOf', { n: n + 1, total: STEPS.length })),
        h('h1', { id: 'withdraw-form-title', class: 'customer__title', tabindex: '-1' }, title),
        alert,
        parts,
        h('div', { class: 'actions customer__actions' }, actions),
        h(
          'div',
          { class: 'customer__cancel' },
          button(t('customer.cancelChange'), { id: 'withdraw-cancel', kind: 'danger', onclick: cancel }),
        ),
      ),
    );
  }

  function goTo(name) {
    ({ choose: chooseStep, sign: signStep })[name]();
    ctx.retitle();
    window.scrollTo(0, 0);
    focus(document.getElementById('withdraw-form-title'));
  }

  // ---- 1. What to withdraw ----

  function item(p) {
    const nameId = `withdraw-${p.id}-name`;
    const labelId = `withdraw-${p.id}-label`;
    const aboutId = `withdraw-${p.id}-about`;
    const box = h('input', {
      id: `withdraw-${p.id}`,
      type: 'checkbox',
      class: 'purpose__box',
      value: p.id,
      checked: chosen.has(p.id),
      // Heard as "Withdraw this consent: <purpose>", then what it is.
      'aria-labelledby': `${labelId} ${nameId}`,
      'aria-describedby': aboutId,
    });
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(p.id);
      else chosen.delete(p.id);
    });
    const fields = p.fields.map((f) => f.label).join(', ');
    return h(
      'li',
      { class: 'purpose purpose--withdraw', dataset: { purpose: p.id } },
      h('h2', { id: nameId, class: 'purpose__name purpose__title' }, p.name),
      h(
        'div',
        { id: aboutId, class: 'purpose__about purpose__about--flush' },
        p.description ? h('p', {}, p.description) : null,
        fields ? h('p', { class: 'purpose__meta' }, t('customer.choices.uses', { fields })) : null,
        p.required ? h('p', { class: 'purpose__meta purpose__warning' }, t('customer.withdraw.requiredNote')) : null,
      ),
      h(
        'div',
        { class: 'purpose__head purpose__head--withdraw' },
        box,
        h('label', { id: labelId, for: box.id, class: 'purpose__label' }, t('customer.withdraw.box')),
      ),
    );
  }

  function chooseStep() {
    frame(
      'choose',
      t('customer.withdraw.title'),
      [
        h('p', { class: 'customer__lead' }, t('customer.withdraw.intro')),
        h('ul', { class: 'purposes', 'aria-label': t('customer.withdraw.listLabel') }, agreed.map(item)),
      ],
      [h('span'), button(t('customer.next'), { id: 'withdraw-next', type: 'submit' })],
      () => {
        if (chosen.size === 0) {
          say(t('customer.withdraw.noneTicked'));
          focus(agreed.length > 0 ? document.getElementById(`withdraw-${agreed[0].id}`) : null);
          return;
        }
        goTo('sign');
      },
    );
  }

  // ---- 2. The signature ----

  function signStep() {
    pad = customerSignature(t, { drawIntro: t('customer.withdraw.signConfirm'), errorId: 'withdraw-error' });
    const submit = button(t('customer.withdraw.submit'), { id: 'withdraw-submit', type: 'submit' });
    frame(
      'sign',
      t('customer.withdraw.signTitle'),
      [
        h('p', { class: 'customer__lead' }, t('customer.withdraw.signIntro')),
        h('ul', { id: 'withdraw-summary', class: 'review__list' }, ticked().map((p) => h('li', {}, p.name))),
        // Withdrawing membership erases the whole record: said again here,
        // before the signature that does it.
        ticked().some((p) => p.required) ? h('p', { id: 'withdraw-erases', class: 'customer__lead' }, h('strong', {}, t('customer.withdraw.requiredNote'))) : null,
        pad.element,
      ],
      [button(t('customer.back'), { id: 'withdraw-back', kind: 'secondary', onclick: () => goTo('choose') }), submit],
      () =>
        submitWith(
          { alert, busy: submit, busyLabel: t('customer.sign.saving') },
          async () => {
            // Membership withdrawn: the record is gone, the receipt is the
            // erasure confirmation.
            const erased = ticked().some((p) => p.required);
            const recorded = await call('withdraw_consent', {
              customerId,
              lang,
              purposes: ticked().map((p) => p.id),
              identityCheck,
              signature: pad.value(),
              formId,
            });
            chosen.clear();
            pad = null;
            // Saved: a warning (say, the journal still to be cleared of the
            // erased details) goes with the receipt, never on this form.
            ctx.showCustomer('receipt', {
              lang,
              tr,
              receiptId: recorded.receiptId,
              customerId: recorded.customerId,
              warnings: recorded.warnings,
              erased,
            });
          },
          (err) => {
            // A lost session has already taken the screen to the login.
            if (isSessionLost(err)) return;
            if (pad && pad.markRefused(err.field)) {
              // A typed signature's name or tick, refused: marked there.
              showCustomerError(alert, err, tr);
            } else if (err.field === 'purposes') {
              goTo('choose');
              say(t('customer.withdraw.noneTicked'));
            } else if (BACK_TO_CHOOSE.has(err.code)) {
              goTo('choose');
              showCustomerError(alert, err, tr);
            } else {
              showCustomerError(alert, err, tr);
              focus(submit);
            }
          },
        ),
    );
  }

  chooseStep();
  return root;
}
