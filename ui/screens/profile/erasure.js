//! The erasure panel (full view, for whoever the session's `allowed` lists
//! `erase_customer` for: owner and manager): erase everything held about
//! the customer at their request. Staff choose how the customer's identity
//! was checked and the ground, tick that the customer asked and that it
//! cannot be undone, then press Erase. What is erased, what stays, the
//! residue check and the destruction record are the core's
//! (`customer_erase`); afterwards the signed erasure confirmation is shown
//! to print or save for the customer.

import { h } from '../../components/dom.js';
import { button, form, selectField, checkboxField, showText, submitWith } from '../../components/form.js';
import { labelOr } from '../../components/labels.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

const IDENTITY = ['id-document', 'known-customer', 'phone-code', 'email-code', 'self-declared'];
const GROUNDS = ['customer-request', 'consent-withdrawn', 'objection', 'no-longer-needed', 'unlawful', 'legal-obligation'];

/** The erasure panel for the profile on show. */
export function erasurePanel(profile) {
  const { ctx, customerId, alert, status } = profile;
  const identity = selectField({
    id: 'profile-erase-identity',
    label: t('profile.erasure.identityLabel'),
    options: IDENTITY.map((c) => ({ value: c, label: labelOr('consent.identity', c) })),
    value: 'id-document',
  });
  const ground = selectField({
    id: 'profile-erase-ground',
    label: t('profile.erasure.groundLabel'),
    options: GROUNDS.map((g) => ({ value: g, label: labelOr('profile.erasure.ground', g) })),
    value: GROUNDS[0],
  });
  const confirm = checkboxField({ id: 'profile-erase-confirm', label: t('profile.erasure.confirm') });
  const erase = button(t('profile.erasure.submit'), { id: 'profile-erase', kind: 'danger', type: 'submit' });
  return panel(
    'profile-erasure',
    t('profile.erasure.title'),
    h('p', { class: 'muted' }, t('profile.erasure.intro')),
    form(
      {
        id: 'profile-erase-form',
        label: t('profile.erasure.title'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              status,
              busy: erase,
              busyLabel: t('profile.erasure.busy'),
              check: () => {
                if (confirm.input.checked) return true;
                showText(alert, t('profile.erasure.confirmFirst'));
                confirm.input.focus();
                return false;
              },
            },
            async () => {
              const erased = await call('customer_erase', {
                customerId,
                identityCheck: identity.input.value,
                ground: ground.input.value,
              });
              ctx.navigate('receipt', { receiptId: erased.receiptId, erased });
            },
          ),
      },
      identity.element,
      ground.element,
      confirm.element,
      h('div', { class: 'actions actions--start' }, erase),
    ),
  );
}
