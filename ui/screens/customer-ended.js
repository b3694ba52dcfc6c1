//! Shown in customer mode when the customer cancelled the form (or the
//! window was reloaded before anything was signed): a short sentence in the
//! customer's language that nothing was saved, and below it the panel where
//! a member of staff logs in to take the screen back.

import { h } from '../components/dom.js';
import { leaveCustomerModePanel } from '../components/leave-customer-mode.js';

export function render(ctx, { lang, tr }) {
  return h(
    'section',
    { id: 'customer-ended', class: 'screen screen--customer', 'aria-labelledby': 'customer-ended-title' },
    h(
      'div',
      { class: 'customer', lang },
      h(
        'div',
        { class: 'customer__message' },
        h('h1', { id: 'customer-ended-title', class: 'customer__title', tabindex: '-1' }, tr.t('customer.ended.title')),
        h('p', { class: 'customer__lead' }, tr.t('customer.ended.text')),
      ),
    ),
    h('div', { class: 'customer-staff' }, leaveCustomerModePanel(ctx)),
  );
}
