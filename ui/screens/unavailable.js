//! Shown when the core cannot open the shop's data (`AppStatus.state` is
//! `unavailable`): the reason in plain words, where the data file is, a way
//! to try again, and, when the vault key is what is missing, the form to open
//! the vault with the recovery key.

import { h } from '../components/dom.js';
import { textField, form, button, alertRegion, showError, fieldError, markRefused, submitWith } from '../components/form.js';
import { call } from '../api.js';
import { t } from '../i18n.js';

/** Errors after which the recovery key opens the vault (see the core's messages). */
const RECOVERABLE = new Set(['key_missing', 'keyring_unavailable', 'wrong_key', 'key_slots_damaged']);

export function render(ctx, { status }) {
  const error = status.error || { code: 'internal', message: '' };
  const alert = alertRegion('unavailable-error');
  showError(alert, error);

  const card = h(
    'div',
    { class: 'card card--wide' },
    h('p', { class: 'card__brand' }, status.shopName || t('app.name')),
    h('h1', { id: 'unavailable-title', class: 'card__title', tabindex: '-1' }, t('unavailable.title')),
    alert,
    status.vaultPath ? h('p', { class: 'muted path' }, t('unavailable.dataFile', { path: status.vaultPath })) : null,
  );

  if (RECOVERABLE.has(error.code)) card.append(recoverForm(ctx));

  card.append(
    h(
      'div',
      { class: 'actions actions--start' },
      button(t('unavailable.retry'), { id: 'unavailable-retry', kind: 'secondary', onclick: () => ctx.refresh() }),
    ),
  );

  return h('section', { id: 'unavailable', class: 'screen screen--card', 'aria-labelledby': 'unavailable-title' }, card);
}

function recoverForm(ctx) {
  const key = textField({
    id: 'recover-key',
    label: t('unavailable.recoverKey'),
    hint: t('unavailable.recoverKeyHint'),
    className: 'input--mono',
    autofocus: true,
  });
  const recoverAlert = alertRegion('recover-error');
  const submit = button(t('unavailable.recoverSubmit'), { id: 'recover-submit', type: 'submit' });
  return h(
    'section',
    { class: 'panel panel--inset', 'aria-labelledby': 'recover-title' },
    h('h2', { id: 'recover-title' }, t('unavailable.recoverTitle')),
    h('p', {}, t('unavailable.recoverIntro')),
    recoverAlert,
    form(
      {
        id: 'recover-form',
        label: t('unavailable.recoverTitle'),
        onSubmit: () =>
          submitWith(
            {
              alert: recoverAlert,
              fields: [key],
              check: () => key.input.value.trim() || fieldError(key, t('unavailable.recoverKeyRequired')),
              // Checking the key takes the core a second or two on purpose.
              busy: submit,
              busyLabel: t('unavailable.recovering'),
            },
            async (typed) => {
              const next = await call('recover', { recoveryKey: typed });
              key.input.value = '';
              ctx.route(next);
            },
            (err) => {
              showError(recoverAlert, err);
              markRefused(key);
            },
          ),
      },
      key.element,
      h('div', { class: 'actions actions--start' }, submit),
    ),
  );
}
