//! The router. Asks the core where the app stands (`app_status`) and shows
//! the matching screen; owns the current session (as the core last reported
//! it), the auto-lock watch and which logged-in screen is shown (the screens
//! of `screens/registry.js`; the addressable ones also as
//! `index.html#/<screen>`). The keyboard shortcuts are `shortcuts.js`'s.
//! Screens receive `ctx` and never switch screens themselves except through
//! it.
//!
//! While the core reports the session in customer mode (`customerMode`: the
//! screen is handed to a customer), only the customer screens are shown: no
//! menu, no shortcuts, no other screen, until someone logs in through the
//! staff panel. A visit in customer mode is one `flow`: `join` (a new
//! customer), `grant` (an existing customer agrees to more) or `withdraw`.
//! Across a reload it remembers only the flow, the customer's language, the
//! customer number and, once one was issued, the receipt number (no personal
//! data), so it can show the receipt again or say that nothing was saved or
//! changed; and when staff take the screen back, it opens that customer's
//! consents (or, after a join, tells them the new customer's number).

import { call, onSessionLost, isSessionLost } from './api.js';
import { loadLanguage, translator, t, tn } from './i18n.js';
import { createAutolock } from './autolock.js';
import { may } from './components/roles.js';
import { createShortcuts } from './shortcuts.js';
import { screen as sessionScreen, addressable, screensFor } from './screens/registry.js';
import * as setupScreen from './screens/setup.js';
import * as recoveryScreen from './screens/recovery-key.js';
import * as loginScreen from './screens/login.js';
import * as consentFormScreen from './screens/consent-form.js';
import * as withdrawFormScreen from './screens/withdraw-form.js';
import * as receiptScreen from './screens/receipt.js';
import * as customerEndedScreen from './screens/customer-ended.js';
import * as unavailableScreen from './screens/unavailable.js';

/**
 * Screens shown in customer mode, by name. Each gets `params.tr`, a
 * translator for the customer's language (`params.lang`).
 */
const CUSTOMER_SCREENS = new Map([
  ['form', consentFormScreen.render],
  ['withdraw', withdrawFormScreen.render],
  ['receipt', receiptScreen.render],
  ['ended', customerEndedScreen.render],
]);

/**
 * Where customer mode keeps `{ flow, lang, customerId, receiptId }` across a
 * reload of the window.
 */
const CUSTOMER_MEMORY = 'steward.customerMode';

const root = document.getElementById('app');

/** The session as the core last described it (`SessionInfo`), or null. */
let session = null;
let shopName = null;
let currentScreen = null;
/** The customer-mode visit: `{ flow, lang, customerId, receiptId }` (see CUSTOMER_MEMORY). */
let visit = {};

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
    if (info.customerMode) {
      visit = { flow: params.flow || 'join', customerId: params.customerId };
      showCustomerScreen(screen, params);
    } else {
      // Only the core's word puts the screen in customer mode.
      refresh();
    }
  },
  /**
   * Shows a customer screen (`form`, `withdraw`, `receipt`, `ended`) while in
   * customer mode; the receipt's `params` carry `receiptId` and `customerId`.
   */
  showCustomer: showCustomerScreen,
  /**
   * After `leave_customer_mode`: the staff member's new session starts where
   * the visit leads: the customer's consents after they withdrew or agreed to
   * more (or cancelled that), home otherwise, with a word on what happened.
   */
  customerModeLeft(info) {
    const { flow, customerId, receiptId } = visit;
    forgetCustomerMode();
    if (customerId && may(info, 'view_consent_history')) {
      if (flow === 'join') {
        beginSession(info, 'home', { notice: t('home.joined', { number: customerId }) });
      } else {
        const notice = receiptId ? t('consents.recorded', { receipt: receiptId }) : t('consents.unchanged');
        beginSession(info, 'consents', { customerId, notice });
      }
      return;
    }
    beginSession(info, 'home');
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
  // The auto-lock applies in customer mode too: activity keeps it open.
  autolock.start(info.autolockSeconds);
  if (info.customerMode) {
    resumeCustomerMode();
  } else {
    navigate(screen, params);
  }
}

/** Forgets the session on this side (the core has ended it or is told to). */
function endLocalSession() {
  autolock.stop();
  session = null;
  forgetCustomerMode();
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
    resumeCustomerMode();
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

/**
 * Shows customer screen `name` in the customer's language (`params.lang`),
 * loading its words unless `params.tr` already holds them. Does nothing
 * unless the session is in customer mode.
 */
async function showCustomerScreen(name, params = {}) {
  if (!session || !session.customerMode || !CUSTOMER_SCREENS.has(name)) return;
  let { lang, tr } = params;
  if (typeof lang !== 'string' || !/^[a-z]{2}$/.test(lang)) lang = 'en';
  if (!tr) {
    try {
      tr = await translator(lang);
    } catch {
      // Without that language file the customer still gets English.
      lang = 'en';
      tr = await translator('en');
    }
    if (!session || !session.customerMode) return;
  }
  visit = {
    flow: visit.flow || 'join',
    lang,
    customerId: params.customerId ?? visit.customerId,
    receiptId: name === 'receipt' ? params.receiptId : undefined,
  };
  rememberCustomerMode(visit);
  currentScreen = `customer-${name}`;
  show(CUSTOMER_SCREENS.get(name)(ctx, { ...params, lang, tr }));
}

/**
 * Shows what fits a customer-mode session the window has just met (after a
 * reload): the receipt if one was issued, else "nothing was saved" (or, for
 * an existing customer, "nothing was changed"). A form half filled in before
 * the reload was never sent, so nothing was stored.
 */
function resumeCustomerMode() {
  const memory = recallCustomerMode();
  visit = { flow: memory.flow, customerId: memory.customerId };
  if (memory.receiptId) {
    showCustomerScreen('receipt', memory);
  } else {
    showCustomerScreen('ended', { lang: memory.lang, variant: endedVariant(memory.flow) });
  }
}

/** The "nothing happened" message for a flow: an existing customer's consents stay `unchanged`. */
function endedVariant(flow) {
  return flow === 'grant' || flow === 'withdraw' ? 'unchanged' : 'unsaved';
}

function rememberCustomerMode(memory) {
  try {
    sessionStorage.setItem(CUSTOMER_MEMORY, JSON.stringify(memory));
  } catch {
    // Without storage a reload shows the staff panel in English: still safe.
  }
}

function recallCustomerMode() {
  try {
    const memory = JSON.parse(sessionStorage.getItem(CUSTOMER_MEMORY) || '{}');
    if (!memory || typeof memory !== 'object') return {};
    // Only the expected shapes are taken back from storage.
    return {
      flow: ['join', 'grant', 'withdraw'].includes(memory.flow) ? memory.flow : 'join',
      lang: typeof memory.lang === 'string' ? memory.lang : undefined,
      customerId: Number.isSafeInteger(memory.customerId) ? memory.customerId : undefined,
      receiptId: typeof memory.receiptId === 'string' ? memory.receiptId : undefined,
    };
  } catch {
    return {};
  }
}

function forgetCustomerMode() {
  visit = {};
  try {
    sessionStorage.removeItem(CUSTOMER_MEMORY);
  } catch {
    // Nothing was stored.
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
  shortcuts.start();
  await refresh();
}

start();
