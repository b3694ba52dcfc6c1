//! The profile's header panel: the customer's name (if the view has it),
//! why the record is open, the contact preference (till view) and the
//! actions the session's `allowed` lists, each with its shortcut (the keys
//! themselves are registered by `customer-profile.js`).

import { h } from '../../components/dom.js';
import { button } from '../../components/form.js';
import { labelOr, accessPurposeLabel } from '../../components/labels.js';
import { t } from '../../i18n.js';

/** The header of profile `p` (as the core sent it); `name` is null in a view without one. */
export function header(profile, name, p) {
  const { ctx, purpose, allowed } = profile;
  const actions = [];
  if (p.view === 'full' && allowed('edit_customer')) {
    actions.push(button(t('profile.edit'), { id: 'profile-edit', shortcut: 'Alt+E', onclick: profile.editDetails }));
  }
  if (allowed('record_purchase')) {
    actions.push(
      button(t('profile.addPurchase'), {
        id: 'profile-add-purchase',
        kind: actions.length > 0 ? 'secondary' : 'primary',
        shortcut: 'Alt+P',
        onclick: profile.addPurchase,
      }),
    );
  }
  if (allowed('add_note')) {
    actions.push(
      button(t('profile.addNote'), {
        id: 'profile-add-note',
        kind: 'secondary',
        shortcut: 'Alt+O',
        onclick: () => profile.focusInput('profile-note-text'),
      }),
    );
  }
  if (allowed('manage_tasks')) {
    actions.push(
      button(t('profile.addTask'), {
        id: 'profile-add-task',
        kind: 'secondary',
        shortcut: 'Alt+T',
        onclick: () => profile.focusInput('profile-task-title'),
      }),
    );
  }
  if (p.view === 'marketing' && allowed('view_audience')) {
    actions.push(
      button(t('profile.audiences'), {
        id: 'profile-audiences',
        kind: 'secondary',
        shortcut: ctx.screens.keyOf('audiences'),
        onclick: () => ctx.navigate('audiences'),
      }),
    );
  }
  if (allowed('view_consent_history')) {
    actions.push(
      button(t('profile.consents'), {
        id: 'profile-consents-link',
        kind: 'secondary',
        onclick: () => ctx.navigate('consents', { customerId: p.id }),
      }),
    );
  }
  return h(
    'section',
    { id: 'profile-header', class: 'panel panel--action profile-header', 'aria-labelledby': 'profile-name' },
    h('h2', { id: 'profile-name', class: 'profile-header__name', tabindex: '-1' }, name || t('profile.customerNumber', { number: p.id })),
    h(
      'p',
      { class: 'profile-header__context' },
      h(
        'span',
        { id: 'profile-context', class: 'muted', dataset: { purpose } },
        name
          ? t('profile.context', { number: p.id, purpose: accessPurposeLabel(purpose) })
          : t('profile.contextNoName', { purpose: accessPurposeLabel(purpose) }),
      ),
      (ctx.session.accessPurposes || []).length > 1
        ? button(t('profile.changePurpose'), {
            id: 'profile-purpose-change',
            kind: 'secondary',
            shortcut: 'Alt+W',
            onclick: (event) => profile.changePurpose(event.currentTarget),
          })
        : null,
    ),
    p.view === 'till'
      ? h(
          'p',
          { id: 'profile-contact', class: 'profile-header__contact' },
          h('span', { class: 'profile-header__label' }, `${t('profile.contact')}: `),
          p.contactPreference.length > 0 ? p.contactPreference.map((c) => labelOr('contact', c)).join(', ') : t('contact.none'),
        )
      : null,
    actions.length > 0 ? h('div', { class: 'actions actions--start profile-actions' }, actions) : null,
  );
}
