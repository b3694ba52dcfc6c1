//! Home: the logged-in start screen. Welcomes the user and offers the
//! screens the core allows this session (`allowed`, read through
//! `ctx.screens`, the registry of screens): finding a customer, the consent
//! form for a new customer, a customer's consents, marketing audiences and
//! the access log; and lists the keyboard shortcuts the session may use.

import { h } from '../components/dom.js';
import { button } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { t } from '../i18n.js';

export function render(ctx, params = {}) {
  const { root, content } = sessionLayout(ctx, { screenId: 'home', current: 'home', title: t('home.title'), params });
  const shop = ctx.session.shopName || ctx.shopName || t('app.name');
  const screens = ctx.screens;
  const searches = screens.offers('customers');
  const records = screens.offers('consent');
  const views = screens.offers('consents');
  if (searches || records || views) {
    /** The first button offered is the screen's main one. */
    let first = true;
    const large = (label, { id, hint, screen }) => {
      const b = button(label, {
        id,
        kind: first ? 'primary' : 'secondary',
        describedBy: hint,
        shortcut: screens.keyOf(screen),
        onclick: () => ctx.navigate(screen),
      });
      b.classList.add('button--large');
      first = false;
      return b;
    };
    const find = searches
      ? large(t('home.findCustomer'), { id: 'home-find-customer', hint: 'home-find-customer-hint', screen: 'customers' })
      : null;
    const start = records
      ? large(t('home.newCustomer'), { id: 'home-new-customer', hint: 'home-new-customer-hint', screen: 'consent' })
      : null;
    const consents = views
      ? large(t('home.consents'), { id: 'home-consents', hint: 'home-consents-hint', screen: 'consents' })
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
  const audiences = screens.offers('audiences');
  const log = screens.offers('access-log');
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
                shortcut: screens.keyOf('audiences'),
                onclick: () => ctx.navigate('audiences'),
              })
            : null,
          log
            ? button(t('home.accessLog'), {
                id: 'home-access-log',
                kind: 'secondary',
                describedBy: 'home-access-log-hint',
                shortcut: screens.keyOf('access-log'),
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
        screens.keyList().map(({ keys, help }) => [h('dt', {}, h('kbd', {}, keys)), h('dd', {}, t(`home.shortcuts.${help}`))]),
      ),
    ),
  );
  return root;
}
