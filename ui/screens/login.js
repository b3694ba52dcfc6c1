//! Log in: username and passphrase (or, with quick switch on and the vault
//! open, the user's PIN) for the shop named on the screen. Also
//! where the app lands after a lock, a logout or a lost session, with a
//! notice saying why. Back-off after failed attempts is the core's.

import { h, focus } from '../components/dom.js';
import {
  textField,
  form,
  button,
  alertRegion,
  statusRegion,
  showError,
  showText,
  clear,
  fieldError,
  submitWith,
} from '../components/form.js';
import { looksLikePin } from '../components/pin.js';
import { call } from '../api.js';
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
      onSubmit: () =>
        submitWith(
          {
            alert,
            fields: [username, passphrase],
            check: () => {
              const name = username.input.value.trim();
              const secret = passphrase.input.value;
              if (!name) return fieldError(username, t('login.usernameRequired'));
              if (!secret) return fieldError(passphrase, t('login.passphraseRequired'));
              return { name, secret };
            },
          },
          async ({ name, secret }) => {
            const info =
              pinToo && looksLikePin(secret)
                ? await call('login_pin', { username: name, pin: secret })
                : await call('login', { username: name, passphrase: secret });
            passphrase.input.value = '';
            ctx.loggedIn(info);
          },
          (err) => {
            passphrase.input.value = '';
            clear(notice);
            showError(alert, err);
            focus(passphrase.input);
          },
        ),
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
