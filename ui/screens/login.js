//! Log in: username and passphrase (or, with quick switch on and the vault
//! open, the user's PIN) for the shop named on the screen. Also
//! where the app lands after a lock, a logout or a lost session, with a
//! notice saying why. Back-off after failed attempts is the core's.

import { h } from '../components/dom.js';
import { textField, form, button, alertRegion, statusRegion, showError, showText, clear } from '../components/form.js';
import { signInSubmit } from '../components/sign-in.js';
import { t } from '../i18n.js';

export function render(ctx, params = {}) {
  const username = textField({
    id: 'login-username',
    label: t('login.username'),
    autocomplete: 'username',
    autofocus: true,
  });
  // While the vault is open and the shop allows it, a PIN signs in too.
  const pinToo = Boolean(ctx.quickSwitch);
  const passphrase = textField({
    id: 'login-passphrase',
    label: t(pinToo ? 'login.passphraseOrPin' : 'login.passphrase'),
    type: 'password',
    autocomplete: 'current-password',
  });
  const notice = statusRegion('login-notice');
  const alert = alertRegion('login-error');
  if (params.notice) showText(notice, params.notice);
  if (params.error) showError(alert, params.error);

  const loginForm = form(
    {
      id: 'login-form',
      label: t('login.title'),
      onSubmit: signInSubmit({
        alert,
        username,
        passphrase,
        pinToo,
        missing: { username: t('login.usernameRequired'), secret: t('login.passphraseRequired') },
        commands: { pin: 'login_pin', passphrase: 'login' },
        signedIn: (info) => ctx.loggedIn(info),
        failed: () => clear(notice),
      }),
    },
    username.element,
    passphrase.element,
    h('div', { class: 'actions actions--end' }, button(t('login.submit'), { id: 'login-submit', type: 'submit' })),
  );

  return h(
    'section',
    { id: 'login', class: 'screen screen--card', 'aria-labelledby': 'login-title' },
    h(
      'div',
      { class: 'card' },
      h('p', { id: 'login-shop', class: 'card__brand' }, ctx.shopName || t('app.name')),
      h('h1', { id: 'login-title', class: 'card__title', tabindex: '-1' }, t('login.title')),
      notice,
      alert,
      loginForm,
    ),
  );
}
