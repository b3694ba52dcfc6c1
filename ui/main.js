//! The router. Asks the core where the app stands (`app_status`) and shows
//! the matching screen; owns the current session (as the core last reported
//! it), the auto-lock watch and which logged-in screen is shown (the screens
//! of `screens/registry.js`; the addressable ones also as
//! `index.html#/<screen>`). Screens receive `ctx` and never switch screens
//! themselves except through it.
//!
//! While the core reports the session in customer mode, only the customer
//! screens are shown (`customer-mode.js`): no menu, no shortcuts, no other
//! screen, until someone logs in through the staff panel. The keyboard
//! shortcuts are `shortcuts.js`'s.
//!
//! The staff screens speak the session's language (`SessionInfo.language`:
//! the user's own choice, else the shop's default). Before anyone signs in,
//! the login screen speaks the shop's default as the last session reported
//! it, else the computer's language when Steward has it, else English.

import { call, onSessionLost, isSessionLost } from './api.js';
import { loadLanguage, currentLanguage, t, tn } from './i18n.js';
import { createAutolock } from './autolock.js';
import { createCustomerMode } from './customer-mode.js';
import { createShortcuts } from './shortcuts.js';
import { screen as sessionScreen, addressable, screensFor } from './screens/registry.js';
import * as setupScreen from './screens/setup.js';
import * as moveScreen from './screens/move.js';
import * as retiredScreen from './screens/retired.js';
import * as recoveryScreen from './screens/recovery-key.js';
import * as loginScreen from './screens/login.js';
import * as unavailableScreen from './screens/unavailable.js';

const root = document.getElementById('app');

/** The session as the core last described it (`SessionInfo`), or null. */
let session = null;
let shopName = null;
let currentScreen = null;
/** The shop's default language for the staff screens, once a session told it. */
let shopLanguage = null;

/** The languages the staff screens are written in (`i18n/<lang>.json`). */
const LANGUAGES = ['en', 'ca', 'es', 'id'];

/** The login screen's language: the shop's, else the computer's if Steward has it, else English. */
function loginLanguage() {
  if (shopLanguage) return shopLanguage;
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag || '').toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/**
 * Speaks `lang` from now on (a no-op if it already does). A file that
 * cannot be loaded leaves the current language: the screens still work.
 */
async function useLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === currentLanguage()) return;
  try {
    await loadLanguage(lang);
  } catch {
    // Keep the words already loaded.
  }
}
/**
 * The purpose of access this session opens profiles for, once someone chose
 * one other than their role's first; forgotten when the session ends. The
 * core checks and logs the purpose with every visit, whichever it is.
 */
let chosenPurpose = null;
/** The login screen may take a PIN: the vault is open and the shop allows it. */
let quickSwitch = false;

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
  /**
   * What the registry of screens offers this session: `offers(name)`,
   * `keyOf(name)`, `menu()`, `keyList()` (see `screens/registry.js`).
   */
  get screens() {
    return screensFor(session);
  },
  /**
   * Why this session opens customers' profiles: the one chosen last, else
   * the first the core lets the role give ("Serve at the till" for staff);
   * null when the role opens none.
   */
  get accessPurpose() {
    const offered = (session && session.accessPurposes) || [];
    return offered.includes(chosenPurpose) ? chosenPurpose : offered[0] || null;
  },
  /** Remembers `purpose` for the rest of the session (see `accessPurpose`). */
  chooseAccessPurpose(purpose) {
    chosenPurpose = purpose;
  },
  /** Whether the login screen may take a PIN (see `quickSwitch`). */
  get quickSwitch() {
    return quickSwitch;
  },
  /** Asks the core for its state again and shows the matching screen. */
  refresh,
  /** Shows the screen for an `AppStatus` (e.g. the one `recover` returns). */
  route,
  /**
   * Goes to a logged-in screen: `home`, `consent`, `consents`
   * (`params.customerId`), `receipt` (`params.receiptId`), `users`,
   * `settings`, `passphrase`, `customers`, `profile` (`params.customerId`,
   * `params.purpose`), `customer-edit` and `purchase` (the same, from a
   * profile), `audiences`, `access-log`.
   */
  navigate,
  /**
   * After `enter_customer_mode`: takes the core's new `SessionInfo` and shows
   * customer screen `screen` (`form` or `withdraw`). `params`: `lang`, `tr`,
   * `notice`, `identityCheck`; `flow` (`join`, `grant`, `withdraw`), and for
   * an existing customer `customerId` and `granted` (purpose ids).
   */
  customerModeEntered(info, params, screen = 'form') {
    if (!session) return;
    session = info;
    // A customer gets the longer idle limit the core gives customer mode.
    autolock.setDelay(info.autolockSeconds);
    if (info.customerMode) {
      customerMode.begin(params, screen);
    } else {
      // Only the core's word puts the screen in customer mode.
      refresh();
    }
  },
  /**
   * Shows a customer screen (`form`, `withdraw`, `receipt`, `ended`) while in
   * customer mode; the receipt's `params` carry `receiptId` and `customerId`.
   */
  showCustomer(name, params) {
    return customerMode.show(name, params);
  },
  /**
   * After `leave_customer_mode`: the staff member's new session starts where
   * the visit leads: the customer's consents after they withdrew or agreed to
   * more (or cancelled that), home otherwise, with a word on what happened.
   */
  customerModeLeft(info) {
    const next = customerMode.end(info);
    beginSession(info, next.screen, next.params);
  },
  /**
   * Registers the Alt+<letter> shortcuts (`{ p: () => ... }`) of the screen
   * whose root element is `owner`, for as long as that screen is shown.
   */
  screenKeys(owner, keys) {
    shortcuts.screenKeys(owner, keys);
  },
  /** Sets the window title again after a screen changed its heading. */
  retitle() {
    setTitle(root);
  },
  /** After `login`: starts the session. */
  loggedIn(info) {
    beginSession(info, 'home');
  },
  /**
   * After a command returned a fresh `SessionInfo` (passphrase, settings,
   * language). Resolves once the session's language is loaded; a screen
   * whose language changed shows itself again (`navigate`).
   */
  async sessionUpdated(info) {
    if (!session) return;
    session = info;
    quickSwitch = Boolean(info.quickSwitch);
    shopName = info.shopName || shopName;
    shopLanguage = info.staffLanguage || shopLanguage;
    autolock.setDelay(info.autolockSeconds);
    await useLanguage(info.language);
  },
  lock() {
    return endSession('lock', { reason: 'manual' }, () => t('login.lockedManually'));
  },
  logout() {
    return endSession('logout', {}, () => t('login.loggedOut'));
  },
  /** From the setup wizard: moving the shop here from another computer. */
  showMove() {
    show(moveScreen.render(ctx));
  },
  /** After `setup`: the one-time recovery key screen. */
  showRecoveryKey(recoveryKey, newShopName) {
    shopName = newShopName;
    show(recoveryScreen.render(ctx, { recoveryKey, shopName: newShopName }));
  },
};

const customerMode = createCustomerMode({
  ctx,
  session: () => session,
  display(name, el) {
    currentScreen = name;
    show(el);
  },
});

const shortcuts = createShortcuts({ ctx, root });

function setTitle(el) {
  const heading = el.querySelector('h1');
  document.title = heading ? t('app.titleWithScreen', { screen: heading.textContent }) : t('app.name');
}

function show(el) {
  root.replaceChildren(el);
  setTitle(el);
  // A new screen starts at its top, wherever the last one was scrolled to.
  window.scrollTo(0, 0);
  const heading = el.querySelector('h1');
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
  quickSwitch = Boolean(status.quickSwitch);
  switch (status.state) {
    case 'needs_setup':
      endLocalSession();
      show(setupScreen.render(ctx));
      break;
    case 'locked':
      endLocalSession();
      showLogin(params);
      break;
    case 'retired':
      // The vault is gone: the certificate, and closing, are all that is left.
      endLocalSession();
      currentScreen = 'retired';
      show(retiredScreen.render(ctx, { certificate: status.certificate }));
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

async function showLogin(params = {}) {
  currentScreen = 'login';
  await useLanguage(loginLanguage());
  // A notice may be a function, so that it is written in the login
  // screen's language rather than the one of the session that ended.
  const notice = typeof params.notice === 'function' ? params.notice() : params.notice;
  show(loginScreen.render(ctx, { ...params, notice }));
}

async function beginSession(info, screen, params = {}) {
  session = info;
  // The vault stays open after this session locks: a PIN may sign in then.
  quickSwitch = Boolean(info.quickSwitch);
  shopName = info.shopName || shopName;
  shopLanguage = info.staffLanguage || shopLanguage;
  await useLanguage(info.language);
  if (session !== info) return;
  // The auto-lock applies in customer mode too: activity keeps it open.
  autolock.start(info.autolockSeconds);
  if (info.customerMode) {
    customerMode.resume();
  } else {
    navigate(screen, params);
  }
}

/** Forgets the session on this side (the core has ended it or is told to). */
function endLocalSession() {
  autolock.stop();
  session = null;
  chosenPurpose = null;
  customerMode.forget();
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
  showLogin({ notice: () => tn('login.autolocked', seconds, { seconds }) });
}

function hashScreen() {
  const m = /^#\/([a-z-]+)$/.exec(location.hash);
  return m && addressable(m[1]) ? m[1] : null;
}

/**
 * Shows a logged-in screen. The address is only read (`#/<name>` at start and
 * on `hashchange`, so a screen can be opened directly), never written: there
 * is no browser history to keep in a desktop window.
 */
function navigate(name, params = {}) {
  if (!session || session.customerMode) return;
  renderSessionScreen(sessionScreen(name) ? name : 'home', params);
}

function onHashChange() {
  if (!session || session.customerMode) return;
  const name = hashScreen();
  if (name) renderSessionScreen(name, {});
}

function renderSessionScreen(name, params) {
  if (session.customerMode) {
    customerMode.resume();
    return;
  }
  if (session.mustChangePassphrase) {
    // Nothing else works until the user has chosen their own passphrase.
    currentScreen = 'passphrase';
    show(sessionScreen('passphrase').render(ctx, { ...params, forced: true }));
    return;
  }
  currentScreen = name;
  show(sessionScreen(name).render(ctx, params));
}

async function start() {
  try {
    await loadLanguage(loginLanguage()).catch(() => loadLanguage('en'));
  } catch {
    // Without the language file there are no words to show; this one
    // sentence is the only text not in it.
    root.textContent = 'Steward could not load its texts (i18n/en.json). Reinstall Steward.';
    return;
  }
  onSessionLost(() => {
    if (!session) return;
    endLocalSession();
    showLogin({ notice: () => t('login.sessionEnded') });
  });
  window.addEventListener('hashchange', onHashChange);
  shortcuts.start();
  await refresh();
}

start();
