//! Home: the logged-in start screen. Customers arrive in a later version, so
//! for now it welcomes the user and lists the keyboard shortcuts.

import { h } from '../components/dom.js';
import { sessionLayout } from '../components/layout.js';
import { t } from '../i18n.js';

/** Shortcut entries in `home.shortcuts.<name>` ({ keys, label }); main.js handles the keys. */
const SHORTCUTS = ['home', 'users', 'settings', 'lock'];

export function render(ctx, params = {}) {
  const { root, content } = sessionLayout(ctx, { screenId: 'home', current: 'home', title: t('home.title'), params });
  const shop = ctx.session.shopName || ctx.shopName || t('app.name');
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
        SHORTCUTS.map((name) => [
          h('dt', {}, h('kbd', {}, t(`home.shortcuts.${name}.keys`))),
          h('dd', {}, t(`home.shortcuts.${name}.label`)),
        ]),
      ),
    ),
  );
  return root;
}
