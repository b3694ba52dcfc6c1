//! The legal-hold panel (owner: `manage_legal_hold`): whether the customer's
//! data is kept for a dispute or a claim, since when and why, with Lift, or
//! the form to place a hold. While held, nothing of the customer is erased,
//! at their request or on schedule: that rule is the core's; this panel
//! only asks (`legal_hold_get`, `legal_hold_place`, `legal_hold_lift`).

import { h, replace } from '../../components/dom.js';
import { button, form, textAreaField, showText, showError, submitWith } from '../../components/form.js';
import { timeCell } from '../../components/labels.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

/** The panel, filled in once the hold is read. */
export function legalHoldPanel(profile) {
  const { customerId, alert, status } = profile;
  const body = h('div', { id: 'profile-hold-body', 'aria-busy': 'true' });

  function showHold(hold) {
    body.removeAttribute('aria-busy');
    if (hold) {
      const lift = button(t('profile.hold.lift'), {
        id: 'profile-hold-lift',
        kind: 'secondary',
        onclick: () =>
          submitWith({ alert, status, busy: lift }, async () => {
            await call('legal_hold_lift', { customerId });
            showText(status, t('profile.hold.lifted'));
            showHold(null);
          }),
      });
      replace(
        body,
        h(
          'p',
          { id: 'profile-held', class: 'notice', role: 'note' },
          h('strong', {}, t('profile.hold.since')),
          ' ',
          timeCell(hold.since),
          ': ',
          h('span', { id: 'profile-held-reason' }, hold.reason),
        ),
        h('p', { class: 'muted' }, t('profile.hold.effect')),
        h('div', { class: 'actions actions--start' }, lift),
      );
      return;
    }
    const reason = textAreaField({
      id: 'profile-hold-reason',
      label: t('profile.hold.reasonLabel'),
      hint: t('profile.hold.reasonHint'),
      rows: 2,
    });
    replace(
      body,
      h('p', { id: 'profile-held', class: 'muted' }, t('profile.hold.none')),
      form(
        {
          id: 'profile-hold-form',
          label: t('profile.hold.place'),
          onSubmit: () =>
            submitWith({ alert, status, fields: { reason } }, async () => {
              const hold = await call('legal_hold_place', { customerId, reason: reason.input.value.trim() });
              showText(status, t('profile.hold.placed'));
              showHold(hold);
            }),
        },
        reason.element,
        h(
          'div',
          { class: 'actions actions--start' },
          button(t('profile.hold.place'), { id: 'profile-hold-place', kind: 'secondary', type: 'submit' }),
        ),
      ),
    );
  }

  call('legal_hold_get', { customerId }).then(showHold, (err) => {
    body.removeAttribute('aria-busy');
    showError(alert, err);
  });
  return panel('profile-hold', t('profile.hold.title'), body);
}
