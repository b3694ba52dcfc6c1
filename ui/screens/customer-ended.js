//! Shown in customer mode when the customer cancelled a form (or the window
//! was reloaded before anything was signed): a short sentence in the
//! customer's language, and below it the panel where a member of staff logs
//! in to take the screen back. A new customer is told that nothing was saved
//! (`variant: 'unsaved'`, the default); an existing customer who cancelled a
//! withdrawal or agreeing to more, that nothing was changed (`'unchanged'`).

import { h } from '../components/dom.js';
import { leaveCustomerModePanel } from '../components/leave-customer-mode.js';

/** The words of each variant: `customer.ended.<title>` and `customer.ended.<text>`. */
const VARIANTS = {
  unsaved: { title: 'title', text: 'text' },
  unchanged: { title: 'unchangedTitle', text: 'unchangedText' },
};

export function render(ctx, { lang, tr, variant = 'unsaved' }) {
  const words = VARIANTS[variant] || VARIANTS.unsaved;
  return h(
    'section',
    { id: 'customer-ended', class: 'screen screen--customer', 'aria-labelledby': 'customer-ended-title' },
    h(
      'div',
      { class: 'customer', lang },
      h(
        'div',
        { class: 'customer__message' },
        h('h1', { id: 'customer-ended-title', class: 'customer__title', tabindex: '-1' }, tr.t(`customer.ended.${words.title}`)),
        h('p', { class: 'customer__lead' }, tr.t(`customer.ended.${words.text}`)),
      ),
    ),
    h('div', { class: 'customer-staff' }, leaveCustomerModePanel(ctx)),
  );
}
