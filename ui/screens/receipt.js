//! The consent receipt, right after the customer signed: everything on it
//! (title, details, decisions, notes, QR code) comes from the core already
//! worded in the customer's language (`receipt_printable`), verified against
//! its signature. The customer can print it (the print stylesheet prints
//! only the receipt) or save the signed PDF (`receipt_save_pdf`). The staff
//! panel below takes the screen back.

import { h, replace } from '../components/dom.js';
import { button, alertRegion, statusRegion, showText, clear, showCustomerError } from '../components/form.js';
import { qrSvg } from '../components/qr-code.js';
import { leaveCustomerModePanel } from '../components/leave-customer-mode.js';
import { call, isSessionLost } from '../api.js';

/** `params`: `lang` and `tr` (the customer's language and words), `receiptId`. */
export function render(ctx, { lang, tr, receiptId }) {
  const { t } = tr;
  const title = h('h1', { id: 'receipt-title', class: 'receipt__title', tabindex: '-1' }, t('customer.receipt.loading'));
  const alert = alertRegion('receipt-error');
  const body = h('div', { class: 'receipt__body', 'aria-busy': 'true' });
  const receipt = h('article', { class: 'receipt printable', 'aria-labelledby': 'receipt-title' }, title, body);

  const saved = statusRegion('receipt-saved');
  let saving = false;
  const tools = h(
    'div',
    { class: 'receipt__tools no-print', hidden: true },
    h(
      'div',
      { class: 'actions actions--start' },
      button(t('customer.receipt.print'), { id: 'receipt-print', kind: 'secondary', onclick: () => window.print() }),
      button(t('customer.receipt.savePdf'), { id: 'receipt-save-pdf', kind: 'secondary', onclick: savePdf }),
    ),
    saved,
  );

  const root = h(
    'section',
    { id: 'receipt', class: 'screen screen--customer', 'aria-labelledby': 'receipt-title' },
    h(
      'div',
      { class: 'customer', lang },
      h('p', { class: 'customer__lead no-print' }, t('customer.receipt.thanks')),
      alert,
      receipt,
      tools,
    ),
    h('div', { class: 'customer-staff' }, leaveCustomerModePanel(ctx)),
  );

  function show(printable) {
    receipt.setAttribute('lang', printable.lang || lang);
    title.textContent = printable.title;
    replace(
      body,
      h('p', { class: 'receipt__intro' }, printable.intro),
      h(
        'dl',
        { class: 'receipt__details' },
        printable.details.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
      ),
      printable.sections.map((section) =>
        h(
          'section',
          { class: 'receipt__section' },
          h('h2', {}, section.heading),
          h(
            'ul',
            { class: 'receipt__items' },
            section.items.map((item) =>
              h(
                'li',
                { class: 'receipt__item' },
                h('h3', { class: 'receipt__item-name' }, item.name),
                item.description ? h('p', {}, item.description) : null,
                item.details.map((line) => h('p', { class: 'receipt__item-detail' }, line)),
              ),
            ),
          ),
        ),
      ),
      printable.notes.map((note) => h('p', { class: 'receipt__note' }, note)),
      h(
        'figure',
        { class: 'receipt__qr' },
        qrSvg(printable.qrModules, { id: 'receipt-qr', label: t('customer.receipt.qrLabel') }),
        h('figcaption', {}, printable.qrCaption),
      ),
    );
    body.setAttribute('aria-busy', 'false');
    tools.hidden = false;
    ctx.retitle();
  }

  async function load() {
    try {
      show(await call('receipt_printable', { receiptId }));
    } catch (err) {
      if (isSessionLost(err)) return;
      body.setAttribute('aria-busy', 'false');
      showCustomerError(alert, err, tr);
    }
  }

  async function savePdf() {
    if (saving) return;
    saving = true;
    clear(alert);
    showText(saved, t('customer.receipt.saving'));
    try {
      const res = await call('receipt_save_pdf', { receiptId });
      showText(saved, t('customer.receipt.saved', { path: res.path }));
    } catch (err) {
      clear(saved);
      if (!isSessionLost(err)) showCustomerError(alert, err, tr);
    } finally {
      saving = false;
    }
  }

  load();
  return root;
}
