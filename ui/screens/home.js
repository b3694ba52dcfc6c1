//! Home: the logged-in start screen. Welcomes the user and offers what the
//! core allows this session (`allowed`): finding a customer, the consent
//! form for a new customer, a customer's consents, marketing audiences and
//! the access log; and lists the keyboard shortcuts.

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
  { name: 'customers', needs: 'search_customers' },
  { name: 'search', needs: 'search_customers' },
  { name: 'newCustomer', needs: 'record_consent' },
  { name: 'consents', needs: 'view_consent_history' },
  { name: 'audiences', needs: 'view_audience' },
  { name: 'accessLog', needs: 'view_access_log' },
  { name: 'home' },
  { name: 'users', needs: ['list_users'] },
  { name: 'settings', needs: ['change_settings', 'verify_audit_log', 'manage_purposes'] },
  { name: 'lock' },
];

export function render(ctx, params = {}) {
  const { root, content } = sessionLayout(ctx, { screenId: 'home', current: 'home', title: t('home.title'), params });
  const shop = ctx.session.shopName || ctx.shopName || t('app.name');
  const searches = may(ctx.session, 'search_customers');
  const records = may(ctx.session, 'record_consent');
  const views = may(ctx.session, 'view_consent_history');
  if (searches || records || views) {
    /** The first button offered is the screen's main one. */
    let first = true;
    const large = (label, { id, hint, shortcut, screen }) => {
      const b = button(label, {
        id,
        kind: first ? 'primary' : 'secondary',
        describedBy: hint,
        shortcut,
        onclick: () => ctx.navigate(screen),
      });
      b.classList.add('button--large');
      first = false;
      return b;
    };
    const find = searches
      ? large(t('home.findCustomer'), { id: 'home-find-customer', hint: 'home-find-customer-hint', shortcut: 'Alt+F', screen: 'customers' })
      : null;
    const start = records
      ? large(t('home.newCustomer'), { id: 'home-new-customer', hint: 'home-new-customer-hint', shortcut: 'Alt+N', screen: 'consent' })
      : null;
    const consents = views
      ? large(t('home.consents'), { id: 'home-consents', hint: 'home-consents-hint', shortcut: 'Alt+C', screen: 'consents' })
      : null;
    content.append(
      h(
        'section',
        { class: 'panel panel--action', 'aria-labelledby': 'home-customers-title' },
        h('h2', { id: 'home-customers-title' }, t('home.newCustomerTitle')),
        searches ? h('p', { id: 'home-find-customer-hint' }, t('home.findCustomerIntro')) : null,
        records ? h('p', { id: 'home-new-customer-hint' }, t('home.newCustomerIntro')) : null,
        views ? h('p', { id: 'home-consents-hint' }, t('home.consentsIntro')) : null,
        h('div', { class: 'actions actions--start' }, find, start, consents),
      ),
    );
  }
  const audiences = may(ctx.session, 'view_audience');
  const log = may(ctx.session, 'view_access_log');
  if (audiences || log) {
    content.append(
      h(
        'section',
        { class: 'panel panel--action', 'aria-labelledby': 'home-records-title' },
        h('h2', { id: 'home-records-title' }, t(audiences && !log ? 'home.marketingTitle' : 'home.recordsTitle')),
        audiences ? h('p', { id: 'home-audiences-hint' }, t('home.audiencesIntro')) : null,
        log ? h('p', { id: 'home-access-log-hint' }, t('home.accessLogIntro')) : null,
        h(
          'div',
          { class: 'actions actions--start' },
          audiences
            ? button(t('home.audiences'), {
                id: 'home-audiences',
                kind: searches || records ? 'secondary' : 'primary',
                describedBy: 'home-audiences-hint',
                shortcut: 'Alt+M',
                onclick: () => ctx.navigate('audiences'),
              })
            : null,
          log
            ? button(t('home.accessLog'), {
                id: 'home-access-log',
                kind: 'secondary',
                describedBy: 'home-access-log-hint',
                shortcut: 'Alt+G',
                onclick: () => ctx.navigate('access-log'),
              })
            : null,
        ),
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
        SHORTCUTS.filter((s) => !s.needs || [s.needs].flat().some((a) => may(ctx.session, a))).map(({ name }) => [
          h('dt', {}, h('kbd', {}, t(`home.shortcuts.${name}.keys`))),
          h('dd', {}, t(`home.shortcuts.${name}.label`)),
        ]),
      ),
    ),
  );
  return root;
}
