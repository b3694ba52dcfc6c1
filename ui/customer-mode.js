//! Customer mode on the UI side: while the core reports the session in
//! customer mode (`customerMode`: the screen is handed to a customer), only
//! the customer screens are shown, in the customer's language. A visit is
//! one `flow`: `join` (a new customer), `grant` (an existing customer agrees
//! to more) or `withdraw`.
//!
//! Across a reload it remembers (in sessionStorage) only the flow, the
//! customer's language, the customer number and, once one was issued, the
//! receipt number and the codes of any warnings the core gave with it (no
//! personal data), so it can show the receipt again or
//! say that nothing was saved or changed; and when staff take the screen
//! back, it says where their session starts: that customer's consents (or,
//! after a join, home with the new customer's number), with those warnings
//! in staff words (the decision was saved; the shop has something to do,
//! e.g. an audit anchor to repair). Whether the session
//! is in customer mode is the core's word alone; this module only reads it.

import { translator, t } from './i18n.js';
import { may } from './components/roles.js';
import * as consentFormScreen from './screens/consent-form.js';
import * as withdrawFormScreen from './screens/withdraw-form.js';
import * as receiptScreen from './screens/receipt.js';
import * as customerEndedScreen from './screens/customer-ended.js';

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

/**
 * `ctx`: what the screens get; `session()`: the session as the core last
 * described it (or null); `display(name, el)`: puts screen `el` (named
 * `name`) on show.
 */
export function createCustomerMode({ ctx, session, display }) {
  /** The visit: `{ flow, lang, customerId, receiptId }` (see CUSTOMER_MEMORY). */
  let visit = {};

  const inCustomerMode = () => {
    const info = session();
    return Boolean(info && info.customerMode);
  };

  /**
   * Shows customer screen `name` in the customer's language (`params.lang`),
   * loading its words unless `params.tr` already holds them. Does nothing
   * unless the session is in customer mode.
   */
  async function show(name, params = {}) {
    if (!inCustomerMode() || !CUSTOMER_SCREENS.has(name)) return;
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
      if (!inCustomerMode()) return;
    }
    visit = {
      flow: visit.flow || 'join',
      lang,
      customerId: params.customerId ?? visit.customerId,
      receiptId: name === 'receipt' ? params.receiptId : undefined,
      warnings: name === 'receipt' ? warningCodes(params.warnings) : [],
      erased: name === 'receipt' ? Boolean(params.erased ?? visit.erased) : false,
    };
    remember(visit);
    display(`customer-${name}`, CUSTOMER_SCREENS.get(name)(ctx, { ...params, lang, tr }));
  }

  /**
   * A visit starts (the core has just put the session in customer mode):
   * shows customer screen `screen` with `params` (see `ctx.customerModeEntered`).
   */
  function begin(params, screen) {
    visit = { flow: params.flow || 'join', customerId: params.customerId };
    show(screen, params);
  }

  /**
   * Shows what fits a customer-mode session the window has just met (after a
   * reload): the receipt if one was issued, else "nothing was saved" (or, for
   * an existing customer, "nothing was changed"). A form half filled in before
   * the reload was never sent, so nothing was stored.
   */
  function resume() {
    const memory = recall();
    visit = { flow: memory.flow, customerId: memory.customerId, erased: memory.erased };
    if (memory.receiptId) {
      show('receipt', { ...memory, warnings: memory.warnings.map((code) => ({ code })) });
    } else {
      show('ended', { lang: memory.lang, variant: endedVariant(memory.flow) });
    }
  }

  /**
   * The visit is over (staff took the screen back with session `info`):
   * forgets it and returns where the staff session starts, `{ screen,
   * params }`: the customer's consents after they withdrew or agreed to
   * more (or cancelled that), home otherwise, with a word on what happened.
   */
  function end(info) {
    const { flow, customerId, receiptId, erased, warnings = [] } = visit;
    forget();
    const also = warnings.map((code) => ` ${t(`warning.${code}`)}`).join('');
    // The customer withdrew membership: there are no consents left to show.
    if (erased) return { screen: 'home', params: { notice: t('home.erased', { number: customerId }) + also } };
    // A new customer: straight to their profile, where the till goes on.
    if (customerId && flow === 'join' && may(info, 'view_customer') && (info.accessPurposes || []).length > 0) {
      return { screen: 'profile', params: { customerId, notice: t('profile.joined') + also } };
    }
    if (customerId && may(info, 'view_consent_history')) {
      if (flow === 'join') return { screen: 'home', params: { notice: t('home.joined', { number: customerId }) + also } };
      const notice = receiptId ? t('consents.recorded', { receipt: receiptId }) : t('consents.unchanged');
      return { screen: 'consents', params: { customerId, notice: notice + also } };
    }
    return { screen: 'home', params: also ? { notice: also.trim() } : {} };
  }

  /** Forgets the visit, here and in storage. */
  function forget() {
    visit = {};
    try {
      sessionStorage.removeItem(CUSTOMER_MEMORY);
    } catch {
      // Nothing was stored.
    }
  }

  return { show, begin, resume, end, forget };
}

/** The warnings the UI knows words for, as codes (the core's `{ code, message }`). */
const WARNINGS = ['audit_anchor_pending', 'journal_not_cleared'];

function warningCodes(list) {
  if (!Array.isArray(list)) return [];
  return list.map((w) => (w && typeof w === 'object' ? w.code : w)).filter((code) => WARNINGS.includes(code));
}

/** The "nothing happened" message for a flow: an existing customer's consents stay `unchanged`. */
function endedVariant(flow) {
  return flow === 'grant' || flow === 'withdraw' ? 'unchanged' : 'unsaved';
}

function remember(memory) {
  try {
    sessionStorage.setItem(CUSTOMER_MEMORY, JSON.stringify(memory));
  } catch {
    // Without storage a reload shows the staff panel in English: still safe.
  }
}

function recall() {
  try {
    const memory = JSON.parse(sessionStorage.getItem(CUSTOMER_MEMORY) || '{}');
    if (!memory || typeof memory !== 'object') return {};
    // Only the expected shapes are taken back from storage.
    return {
      flow: ['join', 'grant', 'withdraw'].includes(memory.flow) ? memory.flow : 'join',
      lang: typeof memory.lang === 'string' ? memory.lang : undefined,
      customerId: Number.isSafeInteger(memory.customerId) ? memory.customerId : undefined,
      receiptId: typeof memory.receiptId === 'string' ? memory.receiptId : undefined,
      warnings: warningCodes(memory.warnings),
      erased: memory.erased === true,
    };
  } catch {
    return {};
  }
}
