//! The keyboard's help: "?" (anywhere but in a text box) opens a dialog
//! listing the shortcuts this session may use — the screens' Alt+<letter>
//! keys from the registry, "/" for the search, and the keys of the screen on
//! show — so that the buttons themselves carry no key chips.

import { h, focus } from './dom.js';
import { button } from './form.js';
import { t } from '../i18n.js';

/** The keys every screen with a form or a list also understands. */
const GENERAL = [
  { keys: 'Enter', help: 'keys.enter' },
  { keys: 'Esc', help: 'keys.escape' },
  { keys: '?', help: 'keys.help' },
];

/**
 * Opens the help dialog over `host` for `list` (`ctx.screens.keyList()`:
 * `{ keys, help }` of `home.shortcuts.<help>`), plus the screen's own keys
 * (`own`: `{ keys, label }` read from its buttons' `aria-keyshortcuts`).
 */
export function showKeyHelp(host, list, own) {
  if (document.getElementById('key-help')) return;
  const returnTo = document.activeElement;
  const dialog = h('dialog', { id: 'key-help', class: 'dialog', 'aria-labelledby': 'key-help-title' });
  const row = (keys, text) => [h('dt', {}, h('kbd', {}, keys)), h('dd', {}, text)];
  dialog.append(
    h('h2', { id: 'key-help-title', class: 'dialog__title' }, t('keys.title')),
    own.length > 0 ? h('h3', {}, t('keys.thisScreen')) : null,
    own.length > 0 ? h('dl', { class: 'shortcuts' }, own.map((k) => row(k.keys, k.label))) : null,
    h('h3', {}, t('keys.everywhere')),
    h(
      'dl',
      { class: 'shortcuts' },
      list.map(({ keys, help }) => row(keys, t(`home.shortcuts.${help}`))),
      GENERAL.map(({ keys, help }) => row(keys, t(help))),
    ),
    h('div', { class: 'actions actions--end' }, button(t('keys.close'), { id: 'key-help-close', onclick: () => dialog.close() })),
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (returnTo instanceof HTMLElement) focus(returnTo);
  });
  host.append(dialog);
  dialog.showModal();
  focus(document.getElementById('key-help-close'));
}

/** The shortcuts of the buttons on show (`aria-keyshortcuts`), named by their labels. */
export function screenKeysOf(root) {
  return [...root.querySelectorAll('button[aria-keyshortcuts]')]
    .filter((b) => b.offsetParent !== null)
    .map((b) => ({
      keys: b.getAttribute('aria-keyshortcuts').replace('Control+', 'Ctrl+'),
      label: [...b.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim(),
    }));
}
