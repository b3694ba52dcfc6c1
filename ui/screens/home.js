//! Home: the logged-in start screen. For staff it is the customer search
//! with "New customer" (`customers.js`). For the others it welcomes the user and offers the
//! screens the core allows this session (`allowed`, read through
//! `ctx.screens`, the registry of screens): finding a customer, the consent
//! form for a new customer, a customer's consents, marketing audiences and
//! the access log; and lists the keyboard shortcuts the session may use.
//! For those who read the access log (the owner, the auditor) it first shows
//! the core's search-limit alerts of the last 24 hours, if there are any;
//! for the owner, a warning when no backup has been made for a week (the
//! core's `overdue`), with a way to the Backups panel in Settings. The
//! owner and the manager see the dashboard at the top (`home-dashboard.js`).

import { h, replace } from '../components/dom.js';
import { button, alertRegion, showError } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t, has, currentLanguage } from '../i18n.js';
import * as customersScreen from './customers.js';
import { dashboardPanel } from './home-dashboard.js';

/** A stored UTC time as the user's local date and time. */
function localTime(iso) {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/**
 * The search-limit alerts panel: empty and hidden until the core reports
 * an alert, so a quiet day shows nothing.
 */
function alertsPanel() {
  const list = h('ul', { id: 'home-alerts-list', 'aria-label': t('home.alertsCaption') });
  const problem = alertRegion('home-alerts-error');
  const panel = h(
    'section',
    { id: 'home-alerts', class: 'panel panel--alert', 'aria-labelledby': 'home-alerts-title', hidden: true },
    h('h2', { id: 'home-alerts-title' }, t('home.alertsTitle')),
    h('p', {}, t('home.alertsIntro')),
    problem,
    list,
  );
  call('search_limit_alerts')
    .then((alerts) => {
      if (alerts.length === 0) return;
      replace(
        list,
        alerts.map((a) =>
          h(
            'li',
            { dataset: { seq: a.seq, paused: String(a.paused) } },
            t(a.paused ? 'home.alertPaused' : 'home.alertOver', {
              user: a.user,
              role: a.role && has(`role.${a.role}`) ? t(`role.${a.role}`) : a.role || '',
              revealed: a.revealed,
              limit: a.limit,
              at: localTime(a.at),
              until: localTime(a.pausedUntil),
            }),
          ),
        ),
      );
      panel.hidden = false;
    })
    .catch((err) => {
      showError(problem, err);
      panel.hidden = false;
    });
  return panel;
}

/**
 * The backup warning: hidden unless the core says no backup was made in
 * the last week (or none can be seen), with the way to Settings.
 */
function backupWarning(ctx) {
  const text = h('p', { id: 'home-backup-text' });
  const open = button(t('home.backupOpen'), {
    id: 'home-backup-open',
    kind: 'secondary',
    onclick: () => ctx.navigate('settings', { section: 'backups' }),
  });
  const panel = h(
    'section',
    { id: 'home-backup', class: 'panel panel--alert', 'aria-labelledby': 'home-backup-title', hidden: true },
    h('h2', { id: 'home-backup-title' }, t('home.backupTitle')),
    text,
    h('div', { class: 'actions actions--start' }, open),
  );
  call('backups_overview')
    .then((o) => {
      // Answered: the warning is shown or stays hidden for good.
      panel.dataset.checked = 'true';
      if (!o.overdue) return;
      const last = o.backups[0];
      let sentence;
      if (!o.folder) sentence = t('home.backupNoFolder');
      else if (!o.reachable) sentence = t('home.backupUnreachable');
      else if (last) sentence = t('home.backupOld', { at: localTime(last.createdAt) });
      else sentence = t('home.backupNone');
      replace(text, sentence);
      panel.hidden = false;
    })
    .catch(() => {
      // The Backups panel in Settings says what went wrong.
    });
  return panel;
}

export function render(ctx, params = {}) {
  // At the till the start screen is the search (and "New customer"): a
  // name typed at once, nothing to read first.
  if (ctx.session.role === 'staff' && ctx.screens.offers('customers')) {
    return customersScreen.render(ctx, { ...params, home: true });
  }
  const { root, content } = sessionLayout(ctx, { screenId: 'home', current: 'home', title: t('home.title'), params });
  const shop = ctx.session.shopName || ctx.shopName || t('app.name');
  const screens = ctx.screens;
  // The owner and the manager see how the shop is doing first.
  if (may(ctx.session, 'view_dashboard')) content.append(dashboardPanel(ctx));
  if (may(ctx.session, 'view_access_log')) content.append(alertsPanel());
  // The owner sets the backup folder, so the owner is the one warned.
  if (may(ctx.session, 'change_settings') && may(ctx.session, 'make_backup')) content.append(backupWarning(ctx));
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
