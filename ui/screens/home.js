//! Home: the logged-in start screen. Welcomes the user, offers the consent
//! form for a new customer to those the core allows to record consent and a
//! customer's consents to those it allows to see them, and lists the
//! keyboard shortcuts.

import { h } from '../components/dom.js';
import { button } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { t } from '../i18n.js';

/**
 * Shortcut entries in `home.shortcuts.<name>` ({ keys, label }), with the
 * action the session must be allowed (if any) for the entry to be listed;
 * main.js handles the keys.
 */
const SHORTCUTS = [
  { name: 'newCustomer', needs: 'record_consent' },
  { name: 'consents', needs: 'view_consent_history' },
  { name: 'home' },
  { name: 'users' },
  { name: 'settings' },
  { name: 'lock' },
];

export function render(ctx, params = {}) {
  const { root, content } = sessionLayout(ctx, { screenId: 'home', current: 'home', title: t('home.title'), params });
  const shop = ctx.session.shopName || ctx.shopName || t('app.name');
  const records = may(ctx.session, 'record_consent');
  const views = may(ctx.session, 'view_consent_history');
  if (records || views) {
    let start = null;
    if (records) {
      start = button(t('home.newCustomer'), {
        id: 'home-new-customer',
        describedBy: 'home-new-customer-hint',
        onclick: () => ctx.navigate('consent'),
      });
      start.classList.add('button--large');
    }
    const consents = views
      ? button(t('home.consents'), {
          id: 'home-consents',
          kind: records ? 'secondary' : 'primary',
          describedBy: 'home-consents-hint',
          onclick: () => ctx.navigate('consents'),
        })
      : null;
    if (consents) consents.classList.add('button--large');
    content.append(
      h(
        'section',
        { class: 'panel panel--action', 'aria-labelledby': 'home-customers-title' },
        h('h2', { id: 'home-customers-title' }, t('home.newCustomerTitle')),
        records ? h('p', { id: 'home-new-customer-hint' }, t('home.newCustomerIntro')) : null,
        views ? h('p', { id: 'home-consents-hint' }, t('home.consentsIntro')) : null,
        h('div', { class: 'actions actions--start' }, start, consents),
      ),
    );
  }
  content.append(
    h(
      'section',
      { class: 'panel panel--welcome', 'aria-labelledby': 'home-welcome-title' },
      h('h2', { id: 'home-welcome-title' }, t('home.welcome', { shop })),
      h('p', {}, t('home.empty')),
      h('p', { class: 'muted' }, t('home.later')),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'home-shortcuts-title' },
      h('h2', { id: 'home-shortcuts-title' }, t('home.shortcutsTitle')),
      h(
        'dl',
        { class: 'shortcuts' },
        SHORTCUTS.filter((s) => !s.needs || may(ctx.session, s.needs)).map(({ name }) => [
          h('dt', {}, h('kbd', {}, t(`home.shortcuts.${name}.keys`))),
          h('dd', {}, t(`home.shortcuts.${name}.label`)),
        ]),
      ),
    ),
  );
  return root;
}
