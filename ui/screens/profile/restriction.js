//! The restriction panel (full view): whether the record is restricted
//! (kept but not used), since when and why, with Lift for whoever the
//! session's `allowed` lists `restrict_customer` for, or the form to
//! restrict it; and "Stop marketing" (`object_to_marketing`): the
//! customer's objection, withdrawing every marketing purpose in one step.
//! What a restriction stops is the core's rule; this panel only asks.

import { h } from '../../components/dom.js';
import { button, form, selectField, textAreaField, showText, submitWith } from '../../components/form.js';
import { labelOr, timeCell } from '../../components/labels.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

const CATEGORIES = ['accuracy-contested', 'objection-pending', 'unlawful-but-kept', 'legal-claim'];
const IDENTITY = ['id-document', 'known-customer', 'phone-code', 'email-code', 'self-declared'];

/** The restriction panel for full view `p` (its `restriction` is set while restricted). */
export function restrictionPanel(profile, p) {
  const { customerId, alert, status, allowed, load } = profile;
  const r = p.restriction;
  const parts = [];
  if (r) {
    parts.push(
      h(
        'p',
        { id: 'profile-restricted', class: 'notice', role: 'note' },
        h('strong', {}, t('profile.restriction.since')),
        ' ',
        timeCell(r.since),
        ', ',
        t('profile.restriction.because', { category: labelOr('profile.restriction.category', r.category) }),
        r.reason ? [': ', h('span', { id: 'profile-restricted-reason' }, r.reason)] : null,
      ),
      h('p', { class: 'muted' }, t('profile.restriction.effect')),
    );
    if (allowed('restrict_customer')) {
      const lift = button(t('profile.restriction.lift'), {
        id: 'profile-unrestrict',
        kind: 'secondary',
        onclick: () =>
          submitWith({ alert, status, busy: lift }, async () => {
            await call('customer_unrestrict', { customerId });
            showText(status, t('profile.restriction.lifted'));
            await load({ focusId: 'profile-restriction-title' });
          }),
      });
      parts.push(h('div', { class: 'actions actions--start' }, lift));
    }
  } else {
    parts.push(h('p', { id: 'profile-restricted', class: 'muted' }, t('profile.restriction.none')));
    if (allowed('restrict_customer')) {
      const category = selectField({
        id: 'profile-restrict-category',
        label: t('profile.restriction.categoryLabel'),
        options: CATEGORIES.map((c) => ({ value: c, label: labelOr('profile.restriction.category', c) })),
        value: CATEGORIES[0],
      });
      const reason = textAreaField({
        id: 'profile-restrict-reason',
        label: t('profile.restriction.reasonLabel'),
        hint: t('profile.restriction.reasonHint'),
        rows: 2,
      });
      parts.push(
        form(
          {
            id: 'profile-restrict-form',
            label: t('profile.restriction.restrict'),
            onSubmit: () =>
              submitWith({ alert, status, fields: { reason } }, async () => {
                const text = reason.input.value.trim();
                await call('customer_restrict', {
                  customerId,
                  category: category.input.value,
                  reason: text === '' ? null : text,
                });
                showText(status, t('profile.restriction.done'));
                await load({ focusId: 'profile-restriction-title' });
              }),
          },
          category.element,
          reason.element,
          h(
            'div',
            { class: 'actions actions--start' },
            button(t('profile.restriction.restrict'), { id: 'profile-restrict', kind: 'secondary', type: 'submit' }),
          ),
        ),
      );
    }
  }
  if (allowed('object_to_marketing')) {
    const identity = selectField({
      id: 'profile-object-identity',
      label: t('profile.objection.identityLabel'),
      options: IDENTITY.map((c) => ({ value: c, label: labelOr('consent.identity', c) })),
      value: 'known-customer',
    });
    parts.push(
      form(
        {
          id: 'profile-object-form',
          label: t('profile.objection.title'),
          onSubmit: () =>
            submitWith({ alert, status }, async () => {
              const recorded = await call('customer_object_marketing', {
                customerId,
                identityCheck: identity.input.value,
              });
              showText(status, t('profile.objection.done'));
              await load({ focusId: 'profile-restriction-title' });
              return recorded;
            }),
        },
        h('h3', {}, t('profile.objection.title')),
        h('p', { class: 'muted' }, t('profile.objection.hint')),
        identity.element,
        h(
          'div',
          { class: 'actions actions--start' },
          button(t('profile.objection.submit'), { id: 'profile-object-marketing', kind: 'secondary', type: 'submit' }),
        ),
      ),
    );
  }
  return panel('profile-restriction', t('profile.restriction.title'), ...parts);
}
