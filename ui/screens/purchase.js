//! Add a purchase for the customer whose profile was open, saved with
//! `purchase_add`: by default only the amount spent (the shop's till
//! already has the lines: type it, Enter saves), or, after "Itemise",
//! item lines (what, how many, the price of one). Made for the keyboard:
//! Enter moves along a line, Enter in the price of the last line starts a
//! new one, Ctrl+Enter saves, Escape goes back. Prices are typed
//! as people write them ("3,20" or "3.20") and sent as whole cents; what a
//! purchase may hold, its total and the points it earns are the core's,
//! and the profile then says what was recorded.

import { h, replace, focus } from '../components/dom.js';
import { textField, form, button, showError, showErrorOn, errorText, markInvalid, unmarkInvalid, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { formatMoney, formatAmount, parseMoney, parseWhole } from '../components/money.js';
import { dateHintVars, dateInvalid, parseDate } from '../components/format.js';
import { call } from '../api.js';
import { t, tn, formatNumber } from '../i18n.js';

/**
 * `params`: `customerId`, `purpose` (to go back to the profile as it was
 * opened), `name` (as the profile showed it) and `currency` (the shop's,
 * from the session, to show the total while typing).
 */
export function render(ctx, params = {}) {
  const { customerId, purpose, name, currency } = params;
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'purchase',
    current: 'customers',
    title: t('purchase.title'),
    params,
  });
  const back = (notice) => ctx.navigate('profile', { customerId, purpose, notice });

  if (!Number.isSafeInteger(customerId)) {
    showError(alert, { code: 'customer_not_found', message: '' });
    return root;
  }

  /** Whether the purchase is typed as the amount spent (else as lines). */
  let byAmount = true;
  const amount = textField({
    id: 'purchase-amount',
    label: t('purchase.amount'),
    hint: t('purchase.amountHint'),
    className: 'input--short input--amount',
    inputmode: 'decimal',
  });
  amount.input.dataset.autofocus = '';

  /** The item lines: `{ row, description, quantity, price, error }` (inputs and the line's error slot). */
  const lines = [];
  let made = 0;
  const linesBox = h('div', { id: 'purchase-lines', class: 'purchase-lines' });
  const total = h('p', { id: 'purchase-total', class: 'purchase-total' });
  const date = textField({
    id: 'purchase-date',
    label: t('purchase.date'),
    hint: t('purchase.dateHint', dateHintVars()),
    className: 'input--short',
    inputmode: 'numeric',
  });

  function newLine() {
    const n = made++;
    const input = (kind, attrs = {}) =>
      h('input', {
        id: `purchase-${kind}-${n}`,
        type: 'text',
        class: `input purchase-line__${kind}`,
        autocomplete: 'off',
        spellcheck: kind === 'description' ? 'true' : 'false',
        'aria-describedby': `purchase-line-${n}-error`,
        dataset: { kind },
        ...attrs,
      });
    const line = {
      n,
      description: input('description'),
      quantity: input('quantity', { inputmode: 'numeric', value: '1' }),
      price: input('price', { inputmode: 'decimal' }),
      error: h('p', { id: `purchase-line-${n}-error`, class: 'field__error purchase-line__error' }),
    };
    const remove = button(t('purchase.removeLine'), {
      kind: 'secondary',
      onclick: () => removeLine(line),
    });
    remove.classList.add('purchase-line__remove');
    line.remove = remove;
    line.row = h(
      'div',
      { class: 'purchase-line', dataset: { line: n } },
      h('label', { for: line.description.id, class: 'visually-hidden', dataset: { label: 'description' } }),
      line.description,
      h('label', { for: line.quantity.id, class: 'visually-hidden', dataset: { label: 'quantity' } }),
      line.quantity,
      h('label', { for: line.price.id, class: 'visually-hidden', dataset: { label: 'price' } }),
      line.price,
      remove,
      line.error,
    );
    for (const el of [line.description, line.quantity, line.price]) {
      el.addEventListener('input', () => {
        unmarkInvalid(el, line.error.id);
        if (![line.description, line.quantity, line.price].some((x) => x.getAttribute('aria-invalid') === 'true')) {
          line.error.replaceChildren();
        }
        showTotal();
      });
    }
    lines.push(line);
    linesBox.append(line.row);
    relabel();
    return line;
  }

  function removeLine(line) {
    const i = lines.indexOf(line);
    if (i < 0 || lines.length === 1) return;
    lines.splice(i, 1);
    line.row.remove();
    relabel();
    showTotal();
    focus((lines[i] || lines[i - 1]).description);
  }

  /** Labels say the line's number as it is now; a single line cannot be removed. */
  function relabel() {
    lines.forEach((line, i) => {
      for (const label of line.row.querySelectorAll('label[data-label]')) {
        label.textContent = t(`purchase.${label.dataset.label}Line`, { n: i + 1 });
      }
      line.remove.setAttribute('aria-label', t('purchase.removeLineN', { n: i + 1 }));
      line.remove.hidden = lines.length === 1;
    });
  }

  function isBlank(line) {
    return !line.description.value.trim() && !line.price.value.trim() && ['', '1'].includes(line.quantity.value.trim());
  }

  /** The total of what is typed so far, only as a help while typing. */
  function showTotal() {
    let cents = 0;
    for (const line of lines) {
      const q = parseWhole(line.quantity.value);
      const p = parseMoney(line.price.value);
      if (q !== null && p !== null) cents += q * p;
    }
    total.textContent = t('purchase.total', { total: currency ? formatMoney(cents, currency) : formatAmount(cents) });
  }

  function lineError(line, el, text) {
    replace(line.error, text);
    markInvalid(el, line.error.id);
  }

  /**
   * Puts the typed date (in the language's order) into `purchase` as
   * `YYYY-MM-DD`; false after marking the date input if it is not a date.
   */
  function readDate(purchase) {
    const typed = date.input.value.trim();
    if (!typed) return true;
    const iso = parseDate(typed);
    if (!iso) {
      date.setError(dateInvalid());
      focus(date.input);
      return false;
    }
    purchase.date = iso;
    return true;
  }

  /** The purchase as typed, or null after marking the first line that is not a purchase line. */
  function readPurchase() {
    if (byAmount) {
      const cents = parseMoney(amount.input.value);
      if (cents === null || cents <= 0) {
        amount.setError(t('purchase.amountInvalid'));
        focus(amount.input);
        return null;
      }
      const purchase = { amountCents: cents };
      if (!readDate(purchase)) return null;
      return { purchase, used: [] };
    }
    const used = lines.filter((line) => !isBlank(line));
    const items = [];
    let firstBad = null;
    for (const line of used) {
      line.error.replaceChildren();
      const quantity = parseWhole(line.quantity.value);
      const unitCents = parseMoney(line.price.value);
      if (unitCents === null) {
        lineError(line, line.price, t('purchase.priceInvalid'));
        firstBad = firstBad || line.price;
      } else if (quantity === null) {
        lineError(line, line.quantity, t('purchase.quantityInvalid'));
        firstBad = firstBad || line.quantity;
      }
      items.push({ description: line.description.value, quantity, unitCents });
    }
    if (firstBad) {
      focus(firstBad);
      return null;
    }
    const purchase = { items };
    if (!readDate(purchase)) return null;
    return { purchase, used };
  }

  function save() {
    /** The lines sent, for placing a refusal. */
    let sent = [];
    return submitWith(
      {
        alert,
        fields: [date, amount],
        check: () => {
          const read = readPurchase();
          if (read) sent = read.used;
          return read;
        },
      },
      async ({ purchase }) => {
        const saved = await call('purchase_add', { customerId, purchase });
        const amount = formatMoney(saved.totalCents, saved.currency);
        const notice =
          saved.points === undefined || saved.points === null
            ? t('purchase.saved', { total: amount })
            : tn('purchase.savedPoints', saved.points, { total: amount, points: formatNumber(saved.points) });
        back(notice);
      },
      (err) => showCoreError(err, sent),
    );
  }

  /**
   * A refusal about an item's description, quantity or price names the
   * kind of input, not the line: it is shown on the line when there is
   * only one, else above the form.
   */
  function showCoreError(err, used) {
    const kind = err.field;
    if (byAmount && kind === 'amount') {
      amount.setError(errorText(err));
      focus(amount.input);
      return;
    }
    if (['description', 'quantity', 'price'].includes(kind) && used.length === 1) {
      const line = used[0];
      lineError(line, line[kind], errorText(err));
      focus(line[kind]);
      return;
    }
    if (kind === 'items') {
      const line = lines[0];
      lineError(line, line.description, errorText(err));
      focus(line.description);
      return;
    }
    if (!showErrorOn(alert, err, { date })) focus(lines[0].description);
  }

  const linesPart = h(
    'div',
    { id: 'purchase-lines-part', hidden: true },
    h(
      'div',
      { class: 'purchase-line purchase-line--head', 'aria-hidden': 'true' },
      h('span', {}, t('purchase.description')),
      h('span', {}, t('purchase.quantity')),
      h('span', {}, t('purchase.price')),
    ),
    linesBox,
    h(
      'div',
      { class: 'actions actions--start purchase-more' },
      button(t('purchase.addLine'), {
        id: 'purchase-add-line',
        kind: 'secondary',
        onclick: () => focus(newLine().description),
      }),
      h('p', { class: 'muted purchase-more__hint' }, t('purchase.enterHint')),
    ),
    total,
  );
  const amountPart = h('div', { id: 'purchase-amount-part' }, amount.element);
  const switchMode = button(t('purchase.itemise'), {
    id: 'purchase-mode',
    kind: 'secondary',
    onclick: () => {
      byAmount = !byAmount;
      amountPart.hidden = !byAmount;
      linesPart.hidden = byAmount;
      switchMode.textContent = t(byAmount ? 'purchase.itemise' : 'purchase.amountOnly');
      focus(byAmount ? amount.input : lines[0].description);
    },
  });

  const purchaseForm = form(
    { id: 'purchase-form', label: t('purchase.title'), onSubmit: save },
    amountPart,
    linesPart,
    h('div', { class: 'actions actions--start' }, switchMode),
    date.element,
    h(
      'div',
      { class: 'actions' },
      button(t('purchase.cancel'), { id: 'purchase-cancel', kind: 'secondary', shortcut: 'Esc', onclick: () => back() }),
      button(t('purchase.save'), { id: 'purchase-save', type: 'submit', shortcut: 'Ctrl+Enter' }),
    ),
  );

  purchaseForm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      back();
      return;
    }
    if (event.key !== 'Enter' || event.altKey || event.metaKey) return;
    if (event.ctrlKey) {
      event.preventDefault();
      purchaseForm.requestSubmit();
      return;
    }
    // Enter along a line: item, quantity, price, then the next line (new if
    // this was the last one).
    const kind = event.target.dataset && event.target.dataset.kind;
    if (!kind) return;
    event.preventDefault();
    const i = lines.findIndex((line) => line[kind] === event.target);
    const line = lines[i];
    if (kind === 'description') focus(line.quantity);
    else if (kind === 'quantity') focus(line.price);
    else if (i === lines.length - 1) focus(newLine().description);
    else focus(lines[i + 1].description);
  });

  content.append(
    h('p', { id: 'purchase-for', class: 'lead' }, t('purchase.for', { name: name || '', number: customerId })),
    h('section', { class: 'panel', 'aria-label': t('purchase.title') }, purchaseForm),
  );
  newLine();
  showTotal();
  return root;
}
