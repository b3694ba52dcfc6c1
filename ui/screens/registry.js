//! The one list of logged-in screens. Each entry names the screen (as in
//! `#/<name>`), its menu entry (element id and label key), its Alt+<letter>
//! shortcut and the line that lists it on home (`home.shortcuts.<help>`),
//! the actions of which the session needs at least one to be offered it,
//! whether `#/<name>` may open it, and the function that renders it.
//!
//! The menu (`components/layout.js`), home's buttons and list of shortcuts
//! (`screens/home.js`, both through `ctx.screens`) and the keyboard
//! (`shortcuts.js`) all read this list, and offer a screen exactly when the
//! core's list of allowed actions for the session (`session.allowed`)
//! includes one it needs. The UI decides nothing else: the router opens any
//! screen it is asked for, and the core refuses what the role may not do.

import { may } from '../components/roles.js';
import * as homeScreen from './home.js';
import * as usersScreen from './users.js';
import * as settingsScreen from './settings.js';
import * as changePassphraseScreen from './change-passphrase.js';
import * as consentStartScreen from './consent-start.js';
import * as customerConsentsScreen from './customer-consents.js';
import * as receiptScreen from './receipt.js';
import * as customersScreen from './customers.js';
import * as profileScreen from './customer-profile.js';
import * as customerEditScreen from './customer-edit.js';
import * as purchaseScreen from './purchase.js';
import * as audiencesScreen from './audiences.js';
import * as accessLogScreen from './access-log.js';
import * as invitationScreen from './invitation.js';
import * as invitationsImportScreen from './invitations-import.js';

/**
 * The logged-in screens; those with a menu entry (`nav`) in menu order.
 * `key`: the Alt+<letter> that opens it; `help`: its line in home's list
 * of shortcuts, `also`: further lines listed after it (keys handled in
 * `shortcuts.js`); `needs`: the actions of which the session needs at least
 * one (empty: everyone); `addressable`: whether `#/<name>` opens it (a
 * screen that needs what another screen passes on cannot be).
 */
export const SCREENS = [
  { name: 'home', nav: 'nav-home', label: 'nav.home', key: 'h', help: 'home', needs: [], addressable: true, render: homeScreen.render },
  {
    name: 'customers',
    nav: 'nav-customers',
    label: 'nav.customers',
    key: 'f',
    help: 'customers',
    also: [{ keys: '/', help: 'search' }],
    needs: ['search_customers'],
    addressable: true,
    render: customersScreen.render,
  },
  {
    name: 'consent',
    nav: 'nav-consent',
    label: 'nav.consent',
    key: 'n',
    help: 'newCustomer',
    needs: ['record_consent'],
    addressable: true,
    render: consentStartScreen.render,
  },
  {
    name: 'consents',
    nav: 'nav-consents',
    label: 'nav.consents',
    key: 'c',
    help: 'consents',
    needs: ['view_consent_history'],
    addressable: true,
    render: customerConsentsScreen.render,
  },
  {
    name: 'audiences',
    nav: 'nav-audiences',
    label: 'nav.audiences',
    key: 'm',
    help: 'audiences',
    needs: ['view_audience'],
    addressable: true,
    render: audiencesScreen.render,
  },
  {
    name: 'access-log',
    nav: 'nav-access-log',
    label: 'nav.accessLog',
    key: 'g',
    help: 'accessLog',
    needs: ['view_access_log'],
    addressable: true,
    render: accessLogScreen.render,
  },
  { name: 'users', nav: 'nav-users', label: 'nav.users', key: 'u', help: 'users', needs: ['list_users'], addressable: true, render: usersScreen.render },
  {
    name: 'settings',
    nav: 'nav-settings',
    label: 'nav.settings',
    key: 's',
    help: 'settings',
    needs: ['change_settings', 'verify_audit_log', 'manage_purposes', 'manage_recipients', 'view_retention', 'view_record_keeping', 'make_backup', 'retire_computer', 'import_invitations', 'view_invitation_counts'],
    addressable: true,
    render: settingsScreen.render,
  },
  // The owner's import of a customer list as invitations; Settings links to it.
  { name: 'invitations', needs: ['import_invitations', 'view_invitation_counts'], addressable: true, render: invitationsImportScreen.render },
  { name: 'passphrase', nav: 'nav-passphrase', label: 'nav.passphrase', needs: [], addressable: true, render: changePassphraseScreen.render },
  // Opened from another screen, with what it passes on.
  { name: 'receipt', needs: [], addressable: false, render: receiptScreen.renderForStaff },
  { name: 'profile', needs: [], addressable: false, render: profileScreen.render },
  { name: 'customer-edit', needs: [], addressable: false, render: customerEditScreen.render },
  { name: 'purchase', needs: [], addressable: false, render: purchaseScreen.render },
  { name: 'invitation', needs: [], addressable: false, render: invitationScreen.render },
];

/** Alt+<letter> shortcuts that open no screen, listed on home after the screens'. */
export const COMMANDS = [{ key: 'l', help: 'lock', run: (ctx) => ctx.lock() }];

const BY_NAME = new Map(SCREENS.map((s) => [s.name, s]));

/** The entry of screen `name`, or undefined. */
export function screen(name) {
  return BY_NAME.get(name);
}

/** Whether `#/<name>` opens a screen. */
export function addressable(name) {
  const entry = BY_NAME.get(name);
  return Boolean(entry && entry.addressable);
}

/** Whether the session is offered `entry`: its `allowed` includes an action the entry needs. */
export function offered(session, entry) {
  return entry.needs.length === 0 || entry.needs.some((action) => may(session, action));
}

/** The screen (entry) or command that Alt+`letter` stands for, or null. */
export function byKey(letter) {
  return SCREENS.find((s) => s.key === letter) || COMMANDS.find((c) => c.key === letter) || null;
}

/** How a key is written on screen: `Alt+F`. */
export function keyText(letter) {
  return `Alt+${letter.toUpperCase()}`;
}

/**
 * What one session is offered, for the screens (`ctx.screens`): `offers(name)`,
 * `keyOf(name)` (`Alt+F`, or null), `menu()` (every menu entry, with `hidden`
 * set on those not offered) and `keyList()` (home's list of shortcuts:
 * `{ keys, help }`, offered ones only).
 */
export function screensFor(session) {
  const offers = (name) => {
    const entry = BY_NAME.get(name);
    return Boolean(entry) && offered(session, entry);
  };
  return {
    offers,
    keyOf(name) {
      const entry = BY_NAME.get(name);
      return entry && entry.key ? keyText(entry.key) : null;
    },
    menu() {
      return SCREENS.filter((s) => s.nav).map((s) => ({ name: s.name, id: s.nav, label: s.label, hidden: !offered(session, s) }));
    },
    keyList() {
      const screens = SCREENS.filter((s) => s.key && offered(session, s)).flatMap((s) => [
        { keys: keyText(s.key), help: s.help },
        ...(s.also || []),
      ]);
      return [...screens, ...COMMANDS.map((c) => ({ keys: keyText(c.key), help: c.help }))];
    },
  };
}
