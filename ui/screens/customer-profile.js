//! A customer's profile, opened for a purpose of access (`customer_profile`).
//! The core decides which view this role gets and what is in it: `full`
//! (owner, manager), `till` (staff) or `marketing`; this screen picks the
//! module that shows that view (`profile/full.js`, `profile/till.js`,
//! `profile/marketing.js`, built from the panels in `profile/`), which shows
//! the view's keys as they arrive and nothing else, so a detail the core
//! left out has no place to appear.
//!
//! The profile opens for the session's purpose of access (`ctx.accessPurpose`);
//! "Change" (Alt+W) by the purpose asks another and opens it again for that.
//!
//! The actions on the profile are offered when the session's `allowed`
//! lists them, each with its shortcut: Edit details (Alt+E, full view),
//! Add purchase (Alt+P), Add note (Alt+O), Add task (Alt+T), ticking off a
//! task, tags, redeeming points, the customer's consents and (full view)
//! the export for the customer. After any change the profile is read again
//! with the same purpose.

import { h, replace, focus } from '../components/dom.js';
import { button, showError, showText } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { purposeNames } from '../components/labels.js';
import { askAccessPurpose } from '../components/purpose-picker.js';
import { call } from '../api.js';
import { t } from '../i18n.js';
import { fullView } from './profile/full.js';
import { tillView } from './profile/till.js';
import { marketingView } from './profile/marketing.js';

/** The module that shows each view the core may send, by `view`. */
const VIEWS = new Map([
  ['full', fullView],
  ['till', tillView],
  ['marketing', marketingView],
]);

/**
 * `params`: `customerId` and `purpose` (an access purpose the session may
 * give), and optionally `notice` (what just happened, e.g. after a purchase).
 */
export function render(ctx, params = {}) {
  const { customerId } = params;
  // Opened without one (after a sign-up): the session's purpose of access.
  const purpose = params.purpose || ctx.accessPurpose;
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'profile',
    current: 'customers',
    title: t('profile.title'),
    params,
  });
  const body = h('div', { id: 'profile-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('profile.loading')));
  content.append(body);
  const allowed = (action) => may(ctx.session, action);

  /** The profile as the core last sent it. */
  let found = null;

  /** What the views and panels work with (see `profile/parts.js`). */
  const profile = {
    ctx,
    customerId,
    purpose,
    alert,
    status,
    allowed,
    load,
    fieldOrder: [],
    /** The keys of the fields that hold a calendar day, shown as the language writes it. */
    dateFields: new Set(),
    names: new Map(),
    editDetails() {
      ctx.navigate('customer-edit', { customerId, purpose, profile: found });
    },
    addPurchase() {
      ctx.navigate('purchase', {
        customerId,
        purpose,
        name: found.view === 'full' ? found.fields.name : found.name,
        currency: ctx.session.currency,
      });
    },
    /**
     * Asks why the record is open now (the current purpose chosen), keeps
     * the answer for the session and opens the profile again for it: a
     * new visit in the access log.
     */
    async changePurpose(trigger) {
      const offered = ctx.session.accessPurposes || [];
      if (offered.length < 2) return;
      const chosen = await askAccessPurpose({
        host: root,
        purposes: offered,
        current: purpose,
        customer: found && found.view === 'full' ? found.fields.name : (found && found.name) || t('profile.customerNumber', { number: customerId }),
        returnFocus: trigger || document.getElementById('profile-purpose-change'),
      });
      if (!chosen || chosen === purpose) return;
      ctx.chooseAccessPurpose(chosen);
      ctx.navigate('profile', { customerId, purpose: chosen });
    },
    focusInput(id) {
      const el = document.getElementById(id);
      if (!el) return;
      el.scrollIntoView({ block: 'center' });
      focus(el);
    },
  };

  ctx.screenKeys(root, {
    e: () => found && found.view === 'full' && allowed('edit_customer') && profile.editDetails(),
    p: () => found && allowed('record_purchase') && profile.addPurchase(),
    o: () => profile.focusInput('profile-note-text'),
    t: () => profile.focusInput('profile-task-title'),
    w: () => profile.changePurpose(),
  });

  if (!Number.isSafeInteger(customerId) || typeof purpose !== 'string') {
    replace(body, backToSearch());
    showText(alert, t('profile.noCustomer'));
    return root;
  }

  /**
   * Reads the profile again (same purpose) and shows it; `focusId` names
   * the element the cursor goes back to (else it stays where it was).
   */
  async function load({ focusId } = {}) {
    body.setAttribute('aria-busy', 'true');
    try {
      const [sent, fields, purposes] = await Promise.all([
        call('customer_profile', { customerId, purpose }),
        // Only to name and order things; the profile shows without them.
        call('fields_list').catch(() => []),
        call('purposes_list').catch(() => []),
      ]);
      found = sent;
      profile.fieldOrder = fields.map((f) => f.key);
      profile.dateFields = new Set(fields.filter((f) => f.kind === 'date').map((f) => f.key));
      profile.names = purposeNames(purposes);
      const view = VIEWS.get(sent.view);
      replace(body, ...(view ? view(profile, sent) : [h('p', { class: 'muted' }, t('profile.unknownView'))]));
      if (focusId) focus(document.getElementById(focusId));
    } catch (err) {
      found = null;
      replace(body, backToSearch());
      showError(alert, err);
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function backToSearch() {
    return allowed('search_customers')
      ? h(
          'div',
          { class: 'actions actions--start' },
          button(t('profile.backToSearch'), { id: 'profile-back', kind: 'secondary', onclick: () => ctx.navigate('customers') }),
        )
      : null;
  }

  load();
  return root;
}
