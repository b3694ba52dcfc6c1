//! Settings: the auto-lock delay and the audit log check. The allowed range
//! and who may change it are the core's; this screen only makes sure it sends
//! a whole number.

import { h, replace, focus } from '../components/dom.js';
import { textField, form, button, showError, showText, clear, fieldError, clearFieldErrors } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t, tn, formatNumber } from '../i18n.js';

export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'settings',
    current: 'settings',
    title: t('settings.title'),
    params,
  });

  // ---- Auto-lock ----
  const delay = textField({
    id: 'settings-autolock',
    label: t('settings.autolock'),
    hint: t('settings.autolockHint'),
    type: 'number',
    inputmode: 'numeric',
    min: 5,
    max: 3600,
    step: 1,
    value: ctx.session.autolockSeconds,
    autofocus: true,
  });
  const autolockForm = form(
    {
      id: 'settings-autolock-form',
      label: t('settings.autolockTitle'),
      onSubmit: async () => {
        clear(alert);
        clear(status);
        clearFieldErrors(delay);
        const raw = delay.input.value.trim();
        if (!/^\d+$/.test(raw)) return fieldError(delay, t('settings.notWhole'));
        try {
          const info = await call('settings_set_autolock', { seconds: Number(raw) });
          ctx.sessionUpdated(info);
          delay.input.value = String(info.autolockSeconds);
          showText(status, tn('settings.saved', info.autolockSeconds, { seconds: info.autolockSeconds }));
        } catch (err) {
          showError(alert, err);
          if (err.code === 'invalid_input') {
            delay.input.setAttribute('aria-invalid', 'true');
            focus(delay.input);
          }
        }
      },
    },
    delay.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.save'), { id: 'settings-save', type: 'submit' })),
  );

  // ---- Audit log ----
  const result = h('div', { id: 'audit-result', class: 'result', role: 'status' });
  const verify = button(t('settings.auditVerify'), { id: 'audit-verify', kind: 'secondary', onclick: checkAudit });
  let checking = false;

  async function checkAudit() {
    if (checking) return;
    checking = true;
    clear(alert);
    result.className = 'result';
    showText(result, t('settings.auditChecking'));
    try {
      const res = await call('audit_verify');
      result.className = res.intact ? 'result result--ok' : 'result result--bad';
      replace(
        result,
        h(
          'p',
          { class: 'result__headline' },
          res.intact
            ? tn('settings.auditIntact', res.entries, { entries: formatNumber(res.entries) })
            : t('settings.auditBroken'),
        ),
        res.message ? h('p', { class: 'result__detail' }, res.message) : null,
      );
    } catch (err) {
      clear(result);
      showError(alert, err);
    } finally {
      checking = false;
    }
  }

  // Each panel is offered only to a role the core allows to use it.
  if (may(ctx.session, 'change_settings')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-autolock-title' },
        h('h2', { id: 'settings-autolock-title' }, t('settings.autolockTitle')),
        autolockForm,
      ),
    );
  }
  if (may(ctx.session, 'verify_audit_log')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-audit-title' },
        h('h2', { id: 'settings-audit-title' }, t('settings.auditTitle')),
        h('p', {}, t('settings.auditIntro')),
        h('div', { class: 'actions actions--start' }, verify),
        result,
      ),
    );
  }
  return root;
}
