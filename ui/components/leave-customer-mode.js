//! The staff-login panel shown under every customer-mode screen: the only
//! way back from the customer's form to the rest of Steward. Any active
//! user may log in here (`leave_customer_mode`); who that is, and the
//! back-off after wrong passphrases, are the core's. It speaks the staff's
//! language, not the customer's.

import { h, focus } from './dom.js';
import { textField, form, button, alertRegion, showError, fieldError, submitWith } from './form.js';
import { call } from '../api.js';
import { t } from '../i18n.js';

/** The panel; on success the router gets the new session (`ctx.customerModeLeft`). */
export function leaveCustomerModePanel(ctx) {
  const username = textField({ id: 'leave-username', label: t('leave.username'), autocomplete: 'off' });
  const passphrase = textField({
    id: 'leave-passphrase',
    label: t('leave.passphrase'),
    type: 'password',
    autocomplete: 'off',
  });
  const alert = alertRegion('leave-error');

  return h(
    'section',
    { class: 'panel staff-panel no-print', lang: 'en', 'aria-labelledby': 'leave-title' },
    h('h2', { id: 'leave-title' }, t('leave.title')),
    h('p', { class: 'muted' }, t('leave.intro')),
    alert,
    form(
      {
        id: 'leave-customer-mode',
        label: t('leave.formLabel'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              fields: [username, passphrase],
              check: () => {
                const name = username.input.value.trim();
                const secret = passphrase.input.value;
                if (!name) return fieldError(username, t('leave.usernameRequired'));
                if (!secret) return fieldError(passphrase, t('leave.passphraseRequired'));
                return { name, secret };
              },
            },
            async ({ name, secret }) => {
              const info = await call('leave_customer_mode', { username: name, passphrase: secret });
              passphrase.input.value = '';
              ctx.customerModeLeft(info);
            },
            (err) => {
              passphrase.input.value = '';
              showError(alert, err);
              focus(passphrase.input);
            },
          ),
      },
      h('div', { class: 'form-row' }, username.element, passphrase.element),
      h('div', { class: 'actions actions--start' }, button(t('leave.submit'), { id: 'leave-submit', type: 'submit' })),
    ),
  );
}
