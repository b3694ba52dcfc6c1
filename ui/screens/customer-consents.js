//! Customer's consents (staff): finds a customer by number and shows what
//! the core's consent ledger says about them: the current state of each
//! purpose and every decision recorded, each with its receipt (opened on the
//! receipt screen). Nothing here is worked out on this side:
//! `consent_history` gives the states and entries, `consent_form` in the
//! customer's language names the purposes as the customer read them.
//! Histories name customers only by number and random reference, never by
//! contact details.
//!
//! To those the core allows to record consent it offers the two ways to
//! hand the screen to the customer: to withdraw consents, or to agree to
//! more. Everything the customer's screen needs (the history as it is now,
//! the notice, the words of their language) is loaded while the screen is
//! still the staff's, so a failure is shown here.

import { h, replace, focus } from '../components/dom.js';
import { textField, form, button, radioGroup, showError, markInvalid, unmarkInvalid, fieldError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { labelOr, timeCell } from '../components/labels.js';
import { call } from '../api.js';
import { t, translator } from '../i18n.js';

/** `params.customerId`: show this customer at once (e.g. back from a receipt). */
export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'customer-consents',
    regionPrefix: 'consents',
    current: 'consents',
    title: t('consents.title'),
    params,
  });
  const errorId = alert.id;
  const records = may(ctx.session, 'record_consent');

  const number = textField({
    id: 'consents-customer-id',
    label: t('consents.number'),
    hint: t('consents.numberHint'),
    value: Number.isSafeInteger(params.customerId) ? params.customerId : undefined,
    autofocus: !Number.isSafeInteger(params.customerId),
  });
  const show = button(t('consents.show'), { id: 'consents-show', type: 'submit' });
  // The button sits right of the input, under the field's label and hint.
  const row = h('div', { class: 'lookup' });
  number.input.replaceWith(row);
  row.append(number.input, show);
  const result = h('div', { id: 'consents-result' });
  /** Names found for what was typed, to choose from. */
  const hits = h('ul', { id: 'consents-hits', class: 'hits', hidden: true });

  content.append(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'consents-find-title' },
      h('h2', { id: 'consents-find-title' }, t('consents.findTitle')),
      h('p', { class: 'muted' }, t('consents.intro')),
      form(
        {
          id: 'consents-find',
          label: t('consents.findTitle'),
          onSubmit: () => {
            unmarkInvalid(number.input, errorId);
            return submitWith(
              {
                alert,
                status,
                fields: [number],
                check: () => {
                  const typed = number.input.value.trim();
                  if (!typed) return fieldError(number, t('consents.numberInvalid'));
                  return typed;
                },
              },
              (typed) => find(typed),
            );
          },
        },
        number.element,
      ),
      hits,
    ),
    result,
  );

  /**
   * Finds the customer from what was typed: their number, the number
   * printed on one of their receipts (`0EE4-F31D`), or (for those who may
   * search) a name, which lists the customers found to choose from.
   */
  async function find(typed) {
    hits.hidden = true;
    if (/^\d{1,15}$/.test(typed) && Number(typed) >= 1) return load(Number(typed), { focusResult: true });
    if (/^[0-9a-f]{4}-?[0-9a-f]{4}$/i.test(typed)) {
      try {
        return load(await call('receipt_customer', { reference: typed }), { focusResult: true });
      } catch (err) {
        fieldError(number, t(err.code === 'customer_not_found' ? 'consents.receiptErased' : 'consents.receiptUnknown'));
        return undefined;
      }
    }
    if (!may(ctx.session, 'search_customers')) return fieldError(number, t('consents.numberInvalid'));
    const res = await call('customer_search', { query: typed });
    if (res.hits.length === 0) return fieldError(number, t('consents.nobodyFound'));
    if (res.hits.length === 1) return load(res.hits[0].id, { focusResult: true });
    replace(
      hits,
      res.hits.map((hit) =>
        h(
          'li',
          { class: 'hit' },
          button(t('search.hitLabel', { name: hit.name, number: hit.id }), {
            id: `consents-hit-${hit.id}`,
            kind: 'secondary',
            onclick: () => {
              hits.hidden = true;
              number.input.value = String(hit.id);
              load(hit.id, { focusResult: true });
            },
          }),
        ),
      ),
    );
    hits.hidden = false;
    return undefined;
  }

  /**
   * Asks the core for the customer's history and the notice in their
   * language, and shows them; a refusal (no such customer, not allowed) is
   * shown in `#consents-error` and the number is marked.
   */
  async function load(customerId, { focusResult = false } = {}) {
    result.setAttribute('aria-busy', 'true');
    replace(result, h('p', { class: 'muted' }, t('consents.loading')));
    try {
      const history = await call('consent_history', { customerId });
      const formInfo = await call('consent_form', { lang: history.lang });
      replace(result, ...historyView(history, formInfo));
      if (focusResult) focus(document.getElementById('consents-customer-title'));
    } catch (err) {
      replace(result);
      showError(alert, err);
      if (err.code === 'customer_not_found' || err.code === 'invalid_input') {
        markInvalid(number.input, errorId);
        focus(number.input);
      }
    } finally {
      result.setAttribute('aria-busy', 'false');
    }
  }

  /** The customer's summary, the hand-over panel (if allowed) and the ledger. */
  function historyView(history, formInfo) {
    const notice = formInfo.notice;
    const purposes = new Map(notice.body.purposes.map((p) => [p.id, p]));
    // In the order the customer's notice lists the purposes; any it no longer lists last.
    const position = (id) => {
      const i = notice.body.purposes.findIndex((p) => p.id === id);
      return i < 0 ? notice.body.purposes.length : i;
    };
    const currentRows = [...history.current].sort((a, b) => position(a.purpose) - position(b.purpose));
    const language = labelOr('consent.languages', history.lang);

    /** The purpose as the customer's notice names it, with its id. */
    const purposeCell = (id) =>
      h(
        'td',
        {},
        purposes.has(id) ? h('span', { lang: history.lang, class: 'purpose-name' }, purposes.get(id).name) : null,
        h('span', { class: purposes.has(id) ? 'table__note purpose-id' : 'purpose-id' }, id),
      );

    const current = h(
      'table',
      { id: 'consents-current', class: 'table' },
      h('caption', { class: 'visually-hidden' }, t('consents.currentCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['purpose', 'status', 'decision', 'since', 'notice'].map((key) => h('th', { scope: 'col' }, t(`consents.col.${key}`))),
        ),
      ),
      h(
        'tbody',
        {},
        currentRows.map((c) =>
          h(
            'tr',
            { dataset: { purpose: c.purpose, granted: c.granted ? 'yes' : 'no' } },
            purposeCell(c.purpose),
            h(
              'td',
              {},
              h(
                'span',
                { class: c.granted ? 'state state--on' : 'state state--off' },
                c.granted ? t('consents.status.granted') : t('consents.status.notGranted'),
              ),
            ),
            h('td', {}, labelOr('consents.decision', c.decision)),
            h('td', {}, timeCell(c.since)),
            h('td', {}, String(c.noticeVersion)),
          ),
        ),
      ),
    );

    const summary = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'consents-customer-title' },
      h(
        'h2',
        { id: 'consents-customer-title', tabindex: '-1' },
        t('consents.customerTitle', { number: history.customerId }),
      ),
      h(
        'dl',
        { id: 'consents-summary', class: 'summary' },
        h('dt', {}, t('consents.number')),
        h('dd', {}, String(history.customerId)),
        h('dt', {}, t('consents.reference')),
        h('dd', { class: 'path' }, history.customerRef),
        h('dt', {}, t('consents.language')),
        h('dd', { lang: history.lang }, language),
      ),
      h('h3', { id: 'consents-current-title' }, t('consents.currentTitle')),
      h('div', { class: 'table-wrap' }, current),
    );

    const ledger = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'consents-history-title' },
      h('h2', { id: 'consents-history-title' }, t('consents.historyTitle')),
      history.entries.length === 0
        ? h('p', { class: 'muted' }, t('consents.noEntries'))
        : h('div', { class: 'table-wrap' }, ledgerTable(history, purposeCell)),
    );

    return [summary, records ? handOver(history, formInfo, language) : null, ledger];
  }

  function ledgerTable(history, purposeCell) {
    return h(
      'table',
      { id: 'consents-history', class: 'table table--ledger' },
      h('caption', { class: 'visually-hidden' }, t('consents.historyCaption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['seq', 'at', 'decision', 'purpose', 'notice', 'method', 'identity', 'by', 'receipt'].map((key) =>
            h('th', { scope: 'col' }, t(`consents.col.${key}`)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        history.entries.map((e) =>
          h(
            'tr',
            { dataset: { seq: e.seq, decision: e.decision, purpose: e.purpose } },
            h('th', { scope: 'row' }, String(e.seq)),
            h('td', {}, timeCell(e.at)),
            h('td', {}, labelOr('consents.decision', e.decision)),
            purposeCell(e.purpose),
            h('td', {}, String(e.noticeVersion)),
            h('td', {}, labelOr('consents.method', e.method)),
            h('td', {}, labelOr('consents.identity', e.identityCheck)),
            h('td', {}, e.recordedBy),
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'button button--secondary button--small receipt-link',
                  dataset: { receipt: e.receiptId },
                  // The visible start of the id, and all of it for assistive technology.
                  'aria-label': t('consents.openReceipt', { id: e.receiptId }),
                  title: t('consents.openReceipt', { id: e.receiptId }),
                  onclick: () => ctx.navigate('receipt', { receiptId: e.receiptId, customerId: history.customerId }),
                },
                e.receiptId.slice(0, 8),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** How staff checked who the customer is, and the two ways to hand over. */
  function handOver(history, { notice, identityChecks }, language) {
    // The same choice as for a new customer; which checks exist is the core's list.
    const identity = radioGroup({
      id: 'consents-id',
      legend: t('consent.idLegend'),
      options: identityChecks.map((value) => ({ value, label: labelOr('consent.identity', value) })),
    });
    const granted = new Set(history.current.filter((c) => c.granted).map((c) => c.purpose));
    // Whether the notice asks about anything the customer has not agreed to.
    const more = notice.body.purposes.some((p) => p.legalBasis === 'consent' && !granted.has(p.id));
    const withdraw = button(t('consents.withdraw'), {
      id: 'consents-withdraw',
      onclick: () => start('withdraw', withdraw),
    });
    const grant = more
      ? button(t('consents.grant'), { id: 'consents-grant', onclick: () => start('grant', grant) })
      : null;

    /** Loads what the customer's screen needs, then hands the screen over. */
    function start(flow, trigger) {
      return submitWith(
        {
          alert,
          fields: [identity],
          check: () => {
            const identityCheck = identity.value();
            if (!identityCheck) {
              identity.setError(t('consent.idRequired'));
              focus(identity.inputs[0]);
              return null;
            }
            // A second click while the first is still handing over does nothing.
            return trigger.getAttribute('aria-busy') === 'true' ? null : identityCheck;
          },
          busy: trigger,
          busyLabel: t('consents.handingOver'),
        },
        async (identityCheck) => {
          const fresh = await call('consent_history', { customerId: history.customerId });
          const [formInfo, tr] = await Promise.all([call('consent_form', { lang: fresh.lang }), translator(fresh.lang)]);
          const info = await call('enter_customer_mode', { customerId: history.customerId });
          ctx.customerModeEntered(
            info,
            {
              lang: fresh.lang,
              tr,
              notice: formInfo.notice,
              formId: formInfo.formId,
              identityCheck,
              flow,
              mode: flow,
              customerId: fresh.customerId,
              granted: fresh.current.filter((c) => c.granted).map((c) => c.purpose),
            },
            flow === 'withdraw' ? 'withdraw' : 'form',
          );
        },
        (err) => {
          showError(alert, err);
          focus(trigger);
        },
      );
    }

    return h(
      'section',
      { class: 'panel panel--action', 'aria-labelledby': 'consents-hand-title' },
      h('h2', { id: 'consents-hand-title' }, t('consents.handTitle')),
      h('p', {}, t('consents.handIntro', { language })),
      identity.element,
      h('p', { class: 'note' }, t('consent.idNote')),
      h(
        'div',
        { class: 'actions actions--start' },
        withdraw,
        grant,
      ),
      more ? null : h('p', { id: 'consents-nothing-more', class: 'muted' }, t('consents.nothingToAdd')),
    );
  }

  if (Number.isSafeInteger(params.customerId)) load(params.customerId);
  return root;
}
