//! Changing why profiles are opened: a small modal dialog, from the
//! profile's "Change" (Alt+W), listing the purposes the core lets this role
//! give (`SessionInfo.accessPurposes`, in the core's order) with the
//! current one chosen; the arrow keys choose another, Enter takes it,
//! Escape cancels. The session remembers the choice (`ctx.accessPurpose`);
//! `customer_profile` checks it and writes it to the access log with each
//! visit.

import { h, focus } from './dom.js';
import { button, radioGroup, form } from './form.js';
import { accessPurposeLabel } from './labels.js';
import { t } from '../i18n.js';

/**
 * Asks why the record is opened. `host` is the screen's root (the dialog
 * lives and dies with it), `purposes` the session's `accessPurposes`,
 * `customer` the words naming the customer ("Núria Puigdomènech, no. 2"),
 * `returnFocus` where the cursor goes back if the question is cancelled.
 * Resolves with the chosen purpose id, or null when cancelled.
 */
export function askAccessPurpose({ host, purposes, current, customer, returnFocus }) {
  return new Promise((resolve) => {
    let chosen = null;
    const choice = radioGroup({
      id: 'access-purpose',
      legend: t('picker.legend'),
      options: purposes.map((value) => ({ value, label: accessPurposeLabel(value) })),
      value: purposes.includes(current) ? current : purposes[0],
    });
    const dialog = h('dialog', {
      id: 'purpose-picker',
      class: 'dialog',
      'aria-labelledby': 'purpose-picker-title',
      'aria-describedby': 'purpose-picker-intro',
    });
    const picker = form(
      {
        id: 'purpose-picker-form',
        label: t('picker.title'),
        onSubmit: async () => {
          chosen = choice.value() || null;
          dialog.close();
        },
      },
      choice.element,
      h(
        'div',
        { class: 'actions actions--end' },
        button(t('picker.cancel'), { id: 'purpose-picker-cancel', kind: 'secondary', shortcut: 'Esc', onclick: () => dialog.close() }),
        button(t('picker.open'), { id: 'purpose-picker-open', type: 'submit', shortcut: 'Enter' }),
      ),
    );
    // Enter on a radio button opens, as Enter in a text box would submit.
    picker.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type === 'radio') {
        event.preventDefault();
        picker.requestSubmit();
      }
    });
    dialog.append(
      h('h2', { id: 'purpose-picker-title', class: 'dialog__title' }, t('picker.title')),
      h('p', { id: 'purpose-picker-intro' }, t('picker.intro', { customer })),
      picker,
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (!chosen) focus(returnFocus);
      resolve(chosen);
    });
    host.append(dialog);
    dialog.showModal();
    focus(choice.inputs.find((input) => input.checked) || choice.inputs[0]);
  });
}
