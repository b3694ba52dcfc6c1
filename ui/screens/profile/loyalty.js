//! The loyalty panel: the customer's loyalty number and points, and (when
//! the session's `allowed` lists `redeem_points`) the form to redeem points.

import { h } from '../../components/dom.js';
import { textField, form, button, showErrorOn, errorText, showText, fieldError, submitWith } from '../../components/form.js';
import { parseWhole } from '../../components/money.js';
import { call } from '../../api.js';
import { t, tn, formatNumber } from '../../i18n.js';
import { panel } from './parts.js';

/** The loyalty panel for `loyalty` (`{ number, points }`, or null: not a loyalty member). */
export function loyaltyPanel(profile, loyalty) {
  if (!loyalty) {
    return panel('profile-loyalty', t('profile.loyaltyTitle'), h('p', { class: 'muted' }, t('profile.noLoyalty')));
  }
  const parts = [
    h(
      'dl',
      { id: 'profile-loyalty-list', class: 'summary' },
      h('dt', {}, t('profile.loyaltyNumber')),
      h('dd', { class: 'path' }, loyalty.number),
      h('dt', {}, t('profile.points')),
      h('dd', { id: 'profile-points' }, formatNumber(loyalty.points)),
    ),
  ];
  if (profile.allowed('redeem_points')) parts.push(redeemForm(profile));
  return panel('profile-loyalty', t('profile.loyaltyTitle'), ...parts);
}

function redeemForm({ customerId, alert, status, load }) {
  const points = textField({
    id: 'profile-redeem-points',
    label: t('profile.redeemPoints'),
    inputmode: 'numeric',
    className: 'input--short',
  });
  const row = h('div', { class: 'lookup' });
  points.input.replaceWith(row);
  row.append(points.input, button(t('profile.redeem'), { id: 'profile-redeem', kind: 'secondary', type: 'submit' }));
  return form(
    {
      id: 'profile-redeem-form',
      label: t('profile.redeemTitle'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status,
            fields: { points },
            check: () => {
              const n = parseWhole(points.input.value);
              // Wrapped, so that 0 points (falsy) still counts as checked.
              return n === null ? fieldError(points, t('profile.pointsInvalid')) : { n };
            },
          },
          async ({ n }) => {
            const loyalty = await call('points_redeem', { customerId, points: n });
            showText(status, tn('profile.redeemed', n, { points: formatNumber(n), balance: formatNumber(loyalty.points) }));
            await load({ focusId: 'profile-redeem-points' });
          },
          (err) => {
            // The form has one input: a shortage of points is about it.
            if (err.code === 'not_enough_points') fieldError(points, errorText(err));
            else showErrorOn(alert, err, { points });
          },
        ),
    },
    points.element,
  );
}

