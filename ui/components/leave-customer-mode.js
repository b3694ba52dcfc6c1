//! The way back from the customer's screens to the rest of Steward: a small
//! "Staff" button under every customer-mode screen that opens the staff
//! login (closed again with Escape or "Close"), so the customer sees their
//! own screen and not a login form. Any active user may log in here
//! (`leave_customer_mode`); who that is, and the back-off after wrong
//! passphrases, are the core's. It speaks the staff's language, not the
//! customer's.

import { h, focus } from './dom.js';
import { textField, form, button, alertRegion } from './form.js';
import { signInSubmit } from './sign-in.js';
import { t, currentLanguage } from '../i18n.js';

/** The panel; on success the router gets the new session (`ctx.customerModeLeft`). */
export function leaveCustomerModePanel(ctx) {
  const username = textField({ id: 'leave-username', label: t('leave.username'), autocomplete: 'off' });
  const pinToo = Boolean(ctx.session && ctx.session.quickSwitch);
  const passphrase = textField({
    id: 'leave-passphrase',
    label: t(pinToo ? 'login.passphraseOrPin' : 'leave.passphrase'),
    type: 'password',
    autocomplete: 'off',
  });
  const alert = alertRegion('leave-error');

  const open = button(t('leave.open'), {
    id: 'leave-open',
    kind: 'secondary',
    onclick: () => {
      panel.hidden = false;
      open.hidden = true;
      focus(username.input);
    },
  });
  open.setAttribute('aria-controls', 'leave-panel');
  const close = () => {
    username.input.value = '';
    passphrase.input.value = '';
    alert.replaceChildren();
    panel.hidden = true;
    open.hidden = false;
    focus(open);
  };

  const panel = h(
    'section',
    { id: 'leave-panel', class: 'panel staff-panel', 'aria-labelledby': 'leave-title', hidden: true },
    h('h2', { id: 'leave-title' }, t('leave.title')),
    h('p', { class: 'muted' }, t('leave.intro')),
    alert,
    form(
      {
        id: 'leave-customer-mode',
        label: t('leave.formLabel'),
        onSubmit: signInSubmit({
          alert,
          username,
          passphrase,
          pinToo,
          missing: { username: t('leave.usernameRequired'), secret: t('leave.passphraseRequired') },
          commands: { pin: 'leave_customer_mode_pin', passphrase: 'leave_customer_mode' },
          signedIn: (info) => ctx.customerModeLeft(info),
        }),
      },
      h('div', { class: 'form-row' }, username.element, passphrase.element),
      h(
        'div',
        { class: 'actions actions--start' },
        button(t('leave.submit'), { id: 'leave-submit', type: 'submit' }),
        button(t('leave.close'), { id: 'leave-close', kind: 'secondary', onclick: close }),
      ),
    ),
  );
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  return h('div', { class: 'staff-way-back no-print', lang: currentLanguage() }, open, panel);
}
