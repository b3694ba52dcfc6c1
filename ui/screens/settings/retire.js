//! Settings → Retire this computer (owner: `retire_computer`): what retiring
//! does in plain words (cryptographic erase, what is destroyed and what is
//! not, the limits of SSDs), the owner's passphrase typed again and the
//! confirmation word. The core checks the role, the passphrase and the word
//! and destroys; the router then shows the certificate (`screens/retired.js`).

import { h } from '../../components/dom.js';
import { textField, form, button, alertRegion, showError, fieldError, markRefused, submitWith, clearFieldErrors } from '../../components/form.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';

/** The word the core asks for; the screen shows its own language's word. */
const CORE_WORD = 'RETIRE';

export function retirePanel(ctx) {
  const word = t('settings.retire.word');
  const alert = alertRegion('retire-error');
  const passphrase = textField({
    id: 'retire-passphrase',
    label: t('settings.retire.passphrase'),
    hint: t('settings.retire.passphraseHint'),
    type: 'password',
    autocomplete: 'current-password',
  });
  const confirm = textField({
    id: 'retire-confirm',
    label: t('settings.retire.confirm', { word }),
    hint: t('settings.retire.confirmHint'),
  });
  const submit = button(t('settings.retire.submit'), { id: 'retire-submit', type: 'submit', kind: 'danger' });

  return h(
    'section',
    { id: 'settings-retire', class: 'panel panel--alert', 'aria-labelledby': 'settings-retire-title' },
    h('h2', { id: 'settings-retire-title' }, t('settings.retire.title')),
    h('p', {}, t('settings.retire.intro')),
    h('p', {}, t('settings.retire.what')),
    h('p', {}, t('settings.retire.after')),
    h('p', {}, t('settings.retire.kept')),
    h('p', { class: 'muted' }, t('settings.retire.limits')),
    h('p', {}, h('strong', {}, t('settings.retire.checkFirst'))),
    alert,
    form(
      {
        id: 'retire-form',
        label: t('settings.retire.title'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              fields: [passphrase, confirm],
              check: () => {
                clearFieldErrors(passphrase, confirm);
                if (!passphrase.input.value) return fieldError(passphrase, t('common.passphraseRequired'));
                const typed = confirm.input.value.trim();
                if (!typed) return fieldError(confirm, t('settings.retire.confirmRequired', { word }));
                // The word shown is the language's; the core's is sent when
                // it matches, anything else as typed, for the core to refuse.
                return { passphrase: passphrase.input.value, confirmation: typed === word ? CORE_WORD : typed };
              },
              busy: submit,
              busyLabel: t('settings.retire.working'),
            },
            async (typed) => {
              await call('retire_computer', typed);
              passphrase.input.value = '';
              await ctx.refresh();
            },
            (err) => {
              if (err.code === 'retirement_not_confirmed') {
                fieldError(confirm, t('settings.retire.confirmRequired', { word }));
                return;
              }
              passphrase.input.value = '';
              showError(alert, err);
              if (err.code === 'wrong_credentials') markRefused(passphrase);
            },
          ),
      },
      passphrase.element,
      confirm.element,
      h('div', { class: 'actions actions--start' }, submit),
    ),
  );
}
