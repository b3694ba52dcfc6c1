//! Quick switch at the till: the owner's switch in Settings
//! (`quick_switch_set`; off removes every PIN) and each user's own PIN on
//! the "My passphrase" screen (`pin_set_own`, their passphrase asked
//! again). What a PIN may do, and the five-tries limit, are the core's.

import { h, focus } from '../../components/dom.js';
import { textField, form, button, alertRegion, statusRegion, showError, showText, fieldError, submitWith, checkboxField } from '../../components/form.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';

/** The owner's panel: switch quick switch on or off. */
export function quickSwitchPanel(ctx) {
  const status = statusRegion('settings-quick-switch-status');
  const alert = alertRegion('settings-quick-switch-error');
  const box = checkboxField({ id: 'settings-quick-switch', label: t('quick.switchLabel') });
  box.input.checked = Boolean(ctx.session.quickSwitch);
  box.input.addEventListener('change', async () => {
    const on = box.input.checked;
    try {
      await call('quick_switch_set', { on });
      ctx.sessionUpdated({ ...ctx.session, quickSwitch: on });
      showText(status, t(on ? 'quick.switchedOn' : 'quick.switchedOff'));
    } catch (err) {
      box.input.checked = !on;
      showError(alert, err);
    }
  });
  return h(
    'section',
    { id: 'settings-quick-switch-panel', class: 'panel', 'aria-labelledby': 'settings-quick-switch-title' },
    h('h2', { id: 'settings-quick-switch-title' }, t('quick.title')),
    h('p', {}, t('quick.intro')),
    h('p', { class: 'muted' }, t('quick.trade')),
    alert,
    box.element,
    status,
  );
}

/** The user's own PIN: their passphrase, the PIN twice. */
export function ownPinPanel(ctx) {
  const alert = alertRegion('pin-error');
  const status = statusRegion('pin-status');
  const passphrase = textField({ id: 'pin-passphrase', label: t('quick.passphrase'), type: 'password', autocomplete: 'current-password' });
  const pin = textField({ id: 'pin-new', label: t('quick.pin'), hint: t('quick.pinHint'), type: 'password', inputmode: 'numeric', autocomplete: 'off', className: 'input--short' });
  const again = textField({ id: 'pin-again', label: t('quick.pinAgain'), type: 'password', inputmode: 'numeric', autocomplete: 'off', className: 'input--short' });
  const pinForm = form(
    {
      id: 'pin-form',
      label: t('quick.ownTitle'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status,
            fields: { passphrase, pin },
            check: () => {
              if (!passphrase.input.value) return fieldError(passphrase, t('quick.passphraseRequired'));
              if (!/^\d{4,8}$/.test(pin.input.value)) return fieldError(pin, t('quick.pinDigits'));
              if (pin.input.value !== again.input.value) return fieldError(again, t('quick.pinMismatch'));
              return { passphrase: passphrase.input.value, pin: pin.input.value };
            },
          },
          async (values) => {
            await call('pin_set_own', values);
            for (const f of [passphrase, pin, again]) f.input.value = '';
            showText(status, t('quick.pinSaved'));
          },
          (err) => {
            for (const f of [passphrase, pin, again]) f.input.value = '';
            showError(alert, err);
            focus(err.code === 'weak_pin' ? pin.input : passphrase.input);
          },
        ),
    },
    passphrase.element,
    h('div', { class: 'form-row' }, pin.element, again.element),
    h('div', { class: 'actions actions--start' }, button(t('quick.pinSave'), { id: 'pin-save', type: 'submit' })),
  );
  return h(
    'section',
    { id: 'pin-panel', class: 'panel', 'aria-labelledby': 'pin-title' },
    h('h2', { id: 'pin-title' }, t('quick.ownTitle')),
    h('p', {}, t('quick.ownIntro')),
    alert,
    status,
    pinForm,
  );
}
