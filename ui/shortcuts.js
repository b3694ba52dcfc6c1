//! The keyboard shortcuts while logged in (never in customer mode, nor while
//! the user must choose a passphrase): Alt+<letter> for the screens and
//! commands of `screens/registry.js`, each acting only when the session is
//! offered it (the same test as the menu's: its `allowed` includes an action
//! the entry needs); "/" for the customer search; "?" for the list of keys
//! (`components/key-help.js`); and the Alt+<letter> keys a
//! screen registers for itself while it is shown (`ctx.screenKeys`), which
//! take precedence.

import { byKey, offered, screen, screensFor } from './screens/registry.js';
import { showKeyHelp, screenKeysOf } from './components/key-help.js';

/**
 * `ctx`: what the screens get (its `session`, `navigate` and the commands'
 * actions); `root`: the element screens are shown in.
 */
export function createShortcuts({ ctx, root }) {
  /**
   * The keys the screen on show registered: `owner` is the screen's root;
   * they apply only while it is on show.
   */
  let own = { owner: null, keys: new Map() };

  /** What Alt+`letter` does now, or null: the screen's own key, else the registry's. */
  function actionFor(letter) {
    const mine = own.owner && root.contains(own.owner) ? own.keys.get(letter) : null;
    if (mine) return mine;
    const entry = byKey(letter);
    if (!entry) return null;
    if (entry.run) return () => entry.run(ctx);
    // Known keys are taken even when not offered, so they never type a character.
    return () => offered(ctx.session, entry) && ctx.navigate(entry.name);
  }

  function onKeydown(event) {
    const session = ctx.session;
    if (!session || session.mustChangePassphrase || session.customerMode) return;
    if (event.defaultPrevented) return;
    // "?" anywhere but in a text box: the list of keys.
    if (event.key === '?' && !event.altKey && !event.ctrlKey && !event.metaKey && !takesText(event.target)) {
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      const shown = root.firstElementChild || root;
      showKeyHelp(shown, screensFor(session).keyList(), screenKeysOf(shown));
      return;
    }
    // "/" anywhere but in a text box: the customer search, cursor in its box.
    if (event.key === '/' && !event.altKey && !event.ctrlKey && !event.metaKey && !takesText(event.target)) {
      if (!offered(session, screen('customers')) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      const box = document.getElementById('customers-query') || document.getElementById('topbar-search');
      if (box) box.focus();
      else ctx.navigate('customers');
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    // The physical key (`code`) works on any layout, including ones where
    // Alt+U types another character; `key` covers events without a code.
    const letter = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3).toLowerCase() : String(event.key).toLowerCase();
    const action = actionFor(letter);
    if (action) {
      event.preventDefault();
      // A modal question (the purpose of access) is answered first.
      if (document.querySelector('dialog[open]')) return;
      action();
    }
  }

  return {
    /**
     * Registers the Alt+<letter> shortcuts (`{ p: () => ... }`) of the screen
     * whose root element is `owner`, for as long as that screen is shown.
     */
    screenKeys(owner, keys) {
      own = { owner, keys: new Map(Object.entries(keys)) };
    },
    /** Starts listening to the keyboard. */
    start() {
      document.addEventListener('keydown', onKeydown);
    },
  };
}

/** Whether `el` takes typed text (so "/" there is a character, not a shortcut). */
function takesText(el) {
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
}

