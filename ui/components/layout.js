//! The frame of every screen used while logged in: the top bar (shop, a
//! search box for those who find customers, who is signed in, Lock, Log
//! out), the navigation, and the content area with its heading, alert
//! region and notice region.

import { h } from './dom.js';
import { alertRegion, statusRegion, button, showError, showText } from './form.js';
import { roleLabel, may } from './roles.js';
import { t } from '../i18n.js';

/**
 * Builds a logged-in screen. `screenId` becomes the root's id and prefixes the
 * regions (`#<screenId>-error`, `#<screenId>-status`; `regionPrefix`, if
 * given, prefixes them instead); `current` is the nav
 * entry to mark; `params.error` and `params.notice` (from the router, e.g.
 * "Your passphrase was changed.") are shown at once. Returns `{ root, alert, status, content }`; `content` already
 * holds the heading and the regions, the screen appends the rest.
 *
 * The menu lists the screens of `screens/registry.js` (through
 * `ctx.screens`); an entry is shown when the core's list of allowed actions
 * for the session (`session.allowed`) includes one it needs; the core
 * refuses the actions behind it to other roles whatever the menu shows.
 */
export function sessionLayout(ctx, { screenId, current, title, params = {}, regionPrefix = screenId, search = true }) {
  const session = ctx.session;
  const headingId = `${screenId}-title`;

  const topbar = h(
    'header',
    { class: 'topbar' },
    h('p', { id: 'topbar-shop', class: 'topbar__shop' }, session.shopName || ctx.shopName || t('app.name')),
    search && may(session, 'search_customers') ? topbarSearch(ctx) : null,
    h(
      'p',
      { id: 'topbar-user', class: 'topbar__user' },
      t('topbar.signedInAs', { username: session.username, role: roleLabel(session.role) }),
    ),
    h(
      'div',
      { class: 'topbar__actions' },
      button(t('topbar.lock'), { id: 'lock-button', kind: 'secondary', onclick: () => ctx.lock() }),
      button(t('topbar.logout'), { id: 'logout-button', kind: 'secondary', onclick: () => ctx.logout() }),
    ),
  );

  const nav = h(
    'nav',
    { class: 'nav', 'aria-label': t('nav.label') },
    h(
      'ul',
      { class: 'nav__list' },
      ctx.screens.menu().map((item) =>
        h(
          'li',
          { class: 'nav__item', hidden: item.hidden },
          h(
            'a',
            {
              id: item.id,
              class: 'nav__link',
              href: `#/${item.name}`,
              'aria-current': item.name === current ? 'page' : null,
              onclick: (event) => {
                // Switch screens in place instead of changing the address
                // (see main.js `navigate`).
                event.preventDefault();
                ctx.navigate(item.name);
              },
            },
            t(item.label),
          ),
        ),
      ),
    ),
  );

  const alert = alertRegion(`${regionPrefix}-error`);
  const status = statusRegion(`${regionPrefix}-status`);
  if (params.error) showError(alert, params.error);
  if (params.notice) showText(status, params.notice);
  const content = h(
    'div',
    { class: 'content', role: 'region', 'aria-labelledby': headingId },
    h('h1', { id: headingId, class: 'content__title', tabindex: '-1' }, title),
    alert,
    status,
  );
  const root = h('div', { id: screenId, class: 'screen screen--session' }, topbar, h('div', { class: 'session' }, nav, content));
  return { root, alert, status, content };
}

/**
 * The search box in the top bar of every screen but Customers: the first
 * letter typed opens Customers with it, where the search goes on in that
 * screen's box (so a name typed anywhere finds the customer).
 */
function topbarSearch(ctx) {
  const box = h('input', {
    id: 'topbar-search',
    type: 'search',
    class: 'input topbar__search',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    placeholder: t('topbar.searchPlaceholder'),
    'aria-label': t('topbar.searchLabel'),
    'aria-keyshortcuts': '/',
    oninput: () => {
      if (box.value.trim() !== '') ctx.navigate('customers', { query: box.value });
    },
  });
  return h('div', { role: 'search', class: 'topbar__find' }, box);
}
