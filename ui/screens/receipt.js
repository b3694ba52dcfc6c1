//! A consent receipt. Everything on it (title, details, decisions, notes,
//! QR code) comes from the core already worded in the customer's language
//! (`receipt_printable`), verified against its signature; a withdrawal's
//! receipt is titled as one by the core. It can be printed (the print
//! stylesheet prints only the receipt) or saved as the signed PDF
//! (`receipt_save_pdf`).
//!
//! Two screens show it. `render`: in customer mode, right after the customer
//! signed, with the staff panel below that takes the screen back.
//! `renderForStaff`: a logged-in screen opened from a customer's consents,
//! in the staff's frame, with the way back to those consents.

import { h, replace } from '../components/dom.js';
import { button, alertRegion, statusRegion, showText, clear, showCustomerError, showError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { qrSvg } from '../components/qr-code.js';
import { leaveCustomerModePanel } from '../components/leave-customer-mode.js';
import { call, isSessionLost } from '../api.js';
import { t as staffT, tn as staffTn, has as staffHas } from '../i18n.js';

/**
 * The receipt and its tools. `tr` gives the words around it (print, save,
 * the QR code's label); `headingLevel` is the title's (`h1` on its own
 * screen, `h2` under a staff screen's heading); `alert` is where errors go
 * and `showFailure(region, err)` how. Returns `{ element, load() }`;
 * `onLoaded` runs once the receipt is shown.
 */
function receiptView({ tr, receiptId, headingLevel, alert, showFailure, onLoaded }) {
  const { t } = tr;
  const title = h(headingLevel, { id: 'receipt-title', class: 'receipt__title', tabindex: '-1' }, t('customer.receipt.loading'));
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
      button(t('customer.receipt.printTill'), { id: 'receipt-print-till', kind: 'secondary', onclick: printOnTillRoll }),
      button(t('customer.receipt.savePdf'), { id: 'receipt-save-pdf', kind: 'secondary', onclick: () => savePdf('a4') }),
      button(t('customer.receipt.savePdfTill'), { id: 'receipt-save-pdf-till', kind: 'secondary', onclick: () => savePdf('till80') }),
    ),
    saved,
  );

  function show(printable) {
    if (printable.lang) receipt.setAttribute('lang', printable.lang);
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
          h(headingLevel === 'h1' ? 'h2' : 'h3', { class: 'receipt__section-title' }, section.heading),
          h(
            'ul',
            { class: 'receipt__items' },
            section.items.map((item) =>
              h(
                'li',
                { class: 'receipt__item' },
                h(headingLevel === 'h1' ? 'h3' : 'h4', { class: 'receipt__item-name' }, item.name),
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
    if (onLoaded) onLoaded();
  }

  async function load() {
    try {
      show(await call('receipt_printable', { receiptId }));
    } catch (err) {
      if (isSessionLost(err)) return;
      body.setAttribute('aria-busy', 'false');
      title.textContent = '';
      showFailure(alert, err);
    }
  }

  async function savePdf(paper) {
    if (saving) return;
    saving = true;
    await submitWith(
      { alert },
      async () => {
        showText(saved, t('customer.receipt.saving'));
        const res = await call('receipt_save_pdf', { receiptId, paper });
        showText(saved, t('customer.receipt.saved', { path: res.path }));
      },
      (err) => {
        clear(saved);
        if (!isSessionLost(err)) showFailure(alert, err);
      },
    );
    saving = false;
  }

  return { element: [receipt, tools], load };
}

/**
 * Prints on a till printer's 80 mm roll: the page size is set for this one
 * print (through the style sheet's rules: the window's CSP allows no inline
 * style element) and the narrow layout (`print-till` in `styles.css`).
 */
function printOnTillRoll() {
  const sheet = [...document.styleSheets].find((s) => s.href && s.href.endsWith('styles.css'));
  const at = sheet ? sheet.insertRule('@page { size: 80mm 297mm; margin: 4mm; }', sheet.cssRules.length) : -1;
  document.body.classList.add('print-till');
  try {
    window.print();
  } finally {
    document.body.classList.remove('print-till');
    if (sheet && at >= 0) sheet.deleteRule(at);
  }
}

/**
 * In customer mode. `params`: `lang` and `tr` (the customer's language and
 * words), `receiptId`, and the `warnings` the core gave with the saved
 * decision (`{ code, message }`), each shown in the customer's words above
 * the receipt (not printed): the decision stands, staff have something to do.
 */
export function render(ctx, { lang, tr, receiptId, warnings = [] }) {
  const alert = alertRegion('receipt-error');
  const notes = statusRegion('receipt-warnings');
  notes.classList.add('no-print');
  const said = warnings
    .map((w) => `customer.warning.${w.code}`)
    .filter((key) => tr.has(key))
    .map((key) => h('p', {}, tr.t(key)));
  if (said.length > 0) replace(notes, ...said);
  const view = receiptView({
    tr,
    receiptId,
    headingLevel: 'h1',
    alert,
    showFailure: (region, err) => showCustomerError(region, err, tr),
    onLoaded: () => ctx.retitle(),
  });
  const root = h(
    'section',
    { id: 'receipt', class: 'screen screen--customer', 'aria-labelledby': 'receipt-title' },
    h(
      'div',
      { class: 'customer', lang },
      h('p', { class: 'customer__lead no-print' }, tr.t('customer.receipt.thanks')),
      notes,
      alert,
      view.element,
    ),
    h('div', { class: 'customer-staff' }, leaveCustomerModePanel(ctx)),
  );
  view.load();
  return root;
}

/**
 * For staff, opened from a customer's consents. `params`: `receiptId` and
 * `customerId` (whose consents "Back" shows again). The receipt itself
 * stays in the customer's language; the screen around it is the staff's.
 */
export function renderForStaff(ctx, params = {}) {
  // `erased`: what `customer_erase` returned, when this is the erasure
  // confirmation just made (the customer is gone: back goes to customers).
  const { receiptId, customerId, erased } = params;
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'staff-receipt',
    regionPrefix: 'receipt',
    current: erased ? 'customers' : 'consents',
    title: staffT(erased ? 'receiptView.erasedTitle' : 'receiptView.title'),
    params,
  });
  root.classList.add('screen--staff-receipt');
  const back = erased
    ? button(staffT('receiptView.backToCustomers'), { id: 'receipt-back', kind: 'secondary', onclick: () => ctx.navigate('customers') })
    : button(staffT('receiptView.back'), {
        id: 'receipt-back',
        kind: 'secondary',
        onclick: () => ctx.navigate('consents', { customerId }),
      });
  content.append(h('div', { class: 'actions actions--start no-print receipt__back' }, back));
  if (erased) {
    content.append(
      h(
        'div',
        { id: 'receipt-erased', class: 'notice no-print', role: 'status' },
        h(
          'p',
          {},
          staffT('receiptView.erased', {
            number: erased.customerId,
            rows: erased.rows,
            residue: staffT(`receiptView.residue.${erased.residue}`),
          }),
        ),
        erased.recipientsToTell > 0 ? h('p', {}, staffT('receiptView.erasedTell')) : null,
      ),
    );
  }
  if (typeof receiptId !== 'string' || receiptId === '') {
    showText(alert, staffT('receiptView.none'));
    return root;
  }
  content.append(h('p', { class: 'muted no-print' }, staffT('receiptView.intro')));
  const view = receiptView({
    // The staff's own words around the receipt.
    tr: { lang: 'en', t: staffT, tn: staffTn, has: staffHas },
    receiptId,
    headingLevel: 'h2',
    alert,
    showFailure: showError,
  });
  content.append(...view.element);
  view.load();
  return root;
}
