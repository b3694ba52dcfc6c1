//! The router. Asks the core where the app stands (`app_status`) and shows
//! the matching screen; owns the current session (as the core last reported
//! it), the auto-lock watch, which logged-in screen is shown (also reachable
//! as `index.html#/<screen>`) and the keyboard shortcuts. Screens receive `ctx` and never
//! switch screens themselves except through it.

import { call, onSessionLost, isSessionLost } from './api.js';
import { loadLanguage, t, tn } from './i18n.js';
import { createAutolock } from './autolock.js';
import * as setupScreen from './screens/setup.js';
import * as recoveryScreen from './screens/recovery-key.js';
import * as loginScreen from './screens/login.js';
import * as changePassphraseScreen from './screens/change-passphrase.js';
import * as homeScreen from './screens/home.js';
import * as usersScreen from './screens/users.js';
import * as settingsScreen from './screens/settings.js';
import * as unavailableScreen from './screens/unavailable.js';

/** Logged-in screens by the name used in `#/<name>`. */
const SESSION_SCREENS = new Map([
  ['home', homeScreen.render],
  ['users', usersScreen.render],
  ['settings', settingsScreen.render],
  ['passphrase', changePassphraseScreen.render],
]);

/** Alt+<letter> shortcuts while logged in. */
const SHORTCUTS = new Map([
  ['h', () => navigate('home')],
  ['u', () => navigate('users')],
  ['s', () => navigate('settings')],
  ['l', () => ctx.lock()],
]);

const root = document.getElementById('app');

/** The session as the core last described it (`SessionInfo`), or null. */
let session = null;
let shopName = null;
let currentScreen = null;

const autolock = createAutolock({
  touch: () => call('touch'),
  onIdle: lockForInactivity,
});

/** What screens may use: the session, and the ways to move on. */
const ctx = {
  get session() {
    return session;
  },
  get shopName() {
    return shopName;
  },
  /** Asks the core for its state again and shows the matching screen. */
  refresh,
  /** Shows the screen for an `AppStatus` (e.g. the one `recover` returns). */
  route,
  /** Goes to a logged-in screen: `home`, `users`, `settings`, `passphrase`. */
  navigate,
  /** After `login`: starts the session. */
  loggedIn(info) {
    beginSession(info, 'home');
  },
  /** After a command returned a fresh `SessionInfo` (passphrase, settings). */
  sessionUpdated(info) {
    if (!session) return;
    session = info;
    shopName = info.shopName || shopName;
    autolock.setDelay(info.autolockSeconds);
  },
  lock() {
    return endSession('lock', { reason: 'manual' }, t('login.lockedManually'));
  },
  logout() {
    return endSession('logout', {}, t('login.loggedOut'));
  },
  /** After `setup`: the one-time recovery key screen. */
  showRecoveryKey(recoveryKey, newShopName) {
    shopName = newShopName;
    show(recoveryScreen.render(ctx, { recoveryKey, shopName: newShopName }));
  },
};

function show(el) {
  root.replaceChildren(el);
  const heading = el.querySelector('h1');
  document.title = heading ? t('app.titleWithScreen', { screen: heading.textContent }) : t('app.name');
  const target = el.querySelector('[data-autofocus]') || heading;
  if (target) target.focus();
}

async function refresh(params = {}) {
  let status;
  try {
    status = await call('app_status');
  } catch (err) {
    status = { state: 'unavailable', shopName: null, vaultPath: '', session: null, error: { code: err.code, message: err.message } };
  }
  route(status, params);
}

function route(status, params = {}) {
  if (status.shopName) shopName = status.shopName;
  switch (status.state) {
    case 'needs_setup':
      endLocalSession();
      show(setupScreen.render(ctx));
      break;
    case 'locked':
      endLocalSession();
      showLogin(params);
      break;
    case 'unlocked':
      if (status.session) {
        beginSession(status.session, params.screen || hashScreen() || 'home', params);
      } else {
        endLocalSession();
        showLogin(params);
      }
      break;
    default:
      endLocalSession();
      show(unavailableScreen.render(ctx, { status }));
  }
}

function showLogin(params = {}) {
  currentScreen = 'login';
  show(loginScreen.render(ctx, params));
}

function beginSession(info, screen, params = {}) {
  session = info;
  shopName = info.shopName || shopName;
  autolock.start(info.autolockSeconds);
  navigate(screen, params);
}

/** Forgets the session on this side (the core has ended it or is told to). */
function endLocalSession() {
  autolock.stop();
  session = null;
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

async function endSession(command, args, notice) {
  if (!session) return;
  const screen = currentScreen;
  endLocalSession();
  try {
    await call(command, args);
  } catch (err) {
    if (!isSessionLost(err)) {
      // The core could not end the session (e.g. the disk is full): show
      // whatever state it is really in, with the reason.
      await refresh({ error: err, screen });
      return;
    }
  }
  showLogin({ notice });
}

async function lockForInactivity(seconds) {
  if (!session) return;
  endLocalSession();
  try {
    await call('lock', { reason: 'autolock' });
  } catch {
    // The core may have locked the idle session already; either way it is locked.
  }
  showLogin({ notice: tn('login.autolocked', seconds, { seconds }) });
}

function hashScreen() {
  const m = /^#\/([a-z-]+)$/.exec(location.hash);
  return m && SESSION_SCREENS.has(m[1]) ? m[1] : null;
}

/**
 * Shows a logged-in screen. The address is only read (`#/<name>` at start and
 * on `hashchange`, so a screen can be opened directly), never written: there
 * is no browser history to keep in a desktop window.
 */
function navigate(name, params = {}) {
  if (!session) return;
  renderSessionScreen(SESSION_SCREENS.has(name) ? name : 'home', params);
}

function onHashChange() {
  if (!session) return;
  const name = hashScreen();
  if (name) renderSessionScreen(name, {});
}

function renderSessionScreen(name, params) {
  if (session.mustChangePassphrase) {
    // Nothing else works until the user has chosen their own passphrase.
    currentScreen = 'passphrase';
    show(changePassphraseScreen.render(ctx, { ...params, forced: true }));
    return;
  }
  currentScreen = name;
  show(SESSION_SCREENS.get(name)(ctx, params));
}

function onKeydown(event) {
  if (!session || session.mustChangePassphrase) return;
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  // The physical key (`code`) works on any layout, including ones where
  // Alt+U types another character; `key` covers events without a code.
  const letter = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3).toLowerCase() : String(event.key).toLowerCase();
  const action = SHORTCUTS.get(letter);
  if (action) {
    event.preventDefault();
    action();
  }
}

async function start() {
  try {
    await loadLanguage('en');
  } catch {
    // Without the language file there are no words to show; this one
    // sentence is the only text not in it.
    root.textContent = 'Steward could not load its texts (i18n/en.json). Reinstall Steward.';
    return;
  }
  onSessionLost(() => {
    if (!session) return;
    endLocalSession();
    showLogin({ notice: t('login.sessionEnded') });
  });
  window.addEventListener('hashchange', onHashChange);
  document.addEventListener('keydown', onKeydown);
  await refresh();
}

start();
