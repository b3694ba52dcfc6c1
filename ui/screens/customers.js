//! Customers: find a customer by name, phone, e-mail or loyalty number and
//! open their profile. The box searches as one types (after a short pause);
//! what a hit shows, how many hits come back and how short a query may be
//! are the core's (`customer_search`): a query it finds too short gets a
//! calm hint under the box, and "more match" when it cut the list.
//!
//! Keyboard: the cursor stays in the box; Up and Down choose a hit (the
//! first is chosen), Enter opens it for the session's purpose of access
//! (`ctx.accessPurpose`: "Serve at the till" for staff until someone
//! changes it on a profile). "/" from anywhere comes back to the box. What
//! was typed is never stored.
//!
//! People on the shop's imported list who have not joined (`invited` hits)
//! are listed apart, under their own heading, each marked "invited, not yet
//! joined": they are not customers. Opening one shows the invitation
//! (`screens/invitation.js`).

import { h, replace } from '../components/dom.js';
import { button, showError, markInvalid, unmarkInvalid, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t, tn } from '../i18n.js';

/** How long typing must pause before the box searches, in milliseconds. */
const DEBOUNCE_MS = 200;

/**
 * `params`: `query` (what was typed in the top bar's search box: the box
 * here takes it, and the cursor, over), `home` (shown as staff's home),
 * and the router's `notice` and `error`.
 */
export function render(ctx, params = {}) {
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'customers',
    current: params.home ? 'home' : 'customers',
    title: t('search.title'),
    params,
    search: false,
  });

  const box = h('input', {
    id: 'customers-query',
    type: 'search',
    class: 'input input--search',
    role: 'combobox',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'customers-results',
    'aria-describedby': 'customers-hint customers-keys',
    'aria-keyshortcuts': 'Alt+F /',
    dataset: { autofocus: '' },
  });
  const hint = h('p', { id: 'customers-hint', class: 'field__hint search__hint', role: 'status' }, t('search.hint'));
  const list = h('ul', { id: 'customers-results', class: 'hits', role: 'listbox', 'aria-label': t('search.resultsLabel') });
  const more = h('p', { id: 'customers-more', class: 'search__more', role: 'status' });
  const invitedList = h('ul', { id: 'customers-invited-list', class: 'hits hits--invited', 'aria-labelledby': 'customers-invited-title' });
  const invited = h(
    'section',
    { id: 'customers-invited', class: 'search__invited', 'aria-labelledby': 'customers-invited-title', hidden: true },
    h('h2', { id: 'customers-invited-title', class: 'search__invited-title' }, t('search.invitedTitle')),
    h('p', { class: 'muted' }, t('search.invitedIntro')),
    invitedList,
  );

  /** The hits shown now (`FullHit`/`TillHit`), and which one is chosen. */
  let hits = [];
  let selected = -1;
  /** Each search gets a number; only the answer to the latest is shown. */
  let asked = 0;
  let timer = null;
  /** The search in flight (a promise), so Enter can wait for it. */
  let pending = null;

  box.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      pending = search();
    }, DEBOUNCE_MS);
  });

  box.addEventListener('keydown', async (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (hits.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      choose((selected + step + hits.length) % hits.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Typed and pressed Enter before the pause ended: search now, then open.
      if (timer) {
        clearTimeout(timer);
        timer = null;
        pending = search();
      }
      if (pending) await pending;
      if (selected >= 0 && hits[selected]) open(hits[selected]);
    }
  });

  async function search() {
    const query = box.value;
    const mine = ++asked;
    unmarkInvalid(box, alert.id);
    const typed = () => {
      if (query.trim() !== '') return true;
      showHits([], false);
      showInvited([]);
      setHint(t('search.hint'), 'idle');
      return false;
    };
    list.setAttribute('aria-busy', 'true');
    await submitWith(
      { alert, check: typed },
      async () => {
        const res = await call('customer_search', { query });
        if (mine !== asked) return;
        showHits(res.hits, res.truncated, res.ignoredWords);
        showInvited(res.invited || []);
        const none = res.hits.length === 0;
        setHint(none ? (res.invited && res.invited.length > 0 ? t('search.noneButInvited') : t('search.none')) : t('search.chooseHint'), none ? 'none' : 'hits');
      },
      (err) => {
        if (mine !== asked) return;
        showHits([], false);
        showInvited([]);
        if (err.code === 'query_too_short') {
          // Not a mistake: the core needs a little more to find someone.
          setHint(t('error.query_too_short'), 'too-short');
        } else {
          setHint(t('search.hint'), 'idle');
          showError(alert, err);
          if (err.code === 'invalid_input') markInvalid(box, alert.id);
        }
      },
    );
    if (mine === asked) list.setAttribute('aria-busy', 'false');
  }

  function setHint(text, state) {
    hint.textContent = text;
    hint.dataset.state = state;
  }

  function showHits(found, truncated, ignoredWords = 0) {
    hits = found;
    replace(list, found.map((hit, i) => hitItem(hit, i)));
    list.hidden = found.length === 0;
    box.setAttribute('aria-expanded', found.length > 0 ? 'true' : 'false');
    more.textContent = [truncated ? t('search.truncated') : '', ignoredWords > 0 ? tn('search.ignoredWords', ignoredWords) : '']
      .filter(Boolean)
      .join(' ');
    choose(found.length > 0 ? 0 : -1);
  }

  /**
   * The people on the imported list the search found: a list of its own,
   * each a button that opens the invitation (never a customer's profile).
   */
  function showInvited(found) {
    replace(
      invitedList,
      found.map((person) =>
        h(
          'li',
          { class: 'hit hit--invited' },
          h(
            'button',
            {
              type: 'button',
              id: `customers-invited-${person.id}`,
              class: 'hit__open',
              dataset: { invitationId: person.id },
              onclick: () => ctx.navigate('invitation', { invitationId: person.id }),
            },
            h('span', { class: 'hit__name' }, person.name),
            h('span', { class: 'hit__details badge badge--invited' }, t('search.invitedMark')),
          ),
        ),
      ),
    );
    invited.hidden = found.length === 0;
  }

  function hitItem(hit, i) {
    // Only what the core sent is shown: a till hit has no e-mail or phone.
    const details = [
      t('search.number', { number: hit.id }),
      hit.loyaltyNumber ? t('search.loyalty', { number: hit.loyaltyNumber }) : null,
      hit.email || null,
      hit.phone || null,
      // Only the owner's and a manager's hits carry it: staff never get a restricted record.
      hit.restricted ? t('search.restricted') : null,
    ].filter(Boolean);
    return h(
      'li',
      {
        id: `customers-hit-${hit.id}`,
        class: 'hit',
        role: 'option',
        'aria-selected': 'false',
        dataset: { customerId: hit.id },
        onclick: () => {
          choose(i);
          open(hit);
        },
      },
      h('span', { class: 'hit__name' }, hit.name),
      h('span', { class: 'hit__details' }, details.join(' · ')),
    );
  }

  function choose(i) {
    selected = i;
    [...list.children].forEach((li, n) => li.setAttribute('aria-selected', n === i ? 'true' : 'false'));
    const current = list.children[i];
    if (current) {
      box.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else {
      box.removeAttribute('aria-activedescendant');
    }
  }

  function open(hit) {
    const purpose = ctx.accessPurpose;
    if (purpose) ctx.navigate('profile', { customerId: hit.id, purpose });
  }

  if (typeof params.query === 'string' && params.query !== '') {
    box.value = params.query;
    // The cursor goes on after what was typed in the top bar.
    box.addEventListener('focus', () => box.setSelectionRange(box.value.length, box.value.length), { once: true });
    pending = search();
  }

  const label = h('label', { for: 'customers-query', class: 'field__label' }, t('search.label'));
  content.append(
    h(
      'section',
      { class: 'panel search', role: 'search', 'aria-labelledby': 'customers-find-title' },
      h('h2', { id: 'customers-find-title', class: 'visually-hidden' }, t('search.label')),
      h('div', { class: 'field field--search' }, label, box, hint),
      more,
      list,
      invited,
      h(
        'p',
        { id: 'customers-keys', class: 'keys muted' },
        h('kbd', {}, '↑'),
        ' ',
        h('kbd', {}, '↓'),
        ` ${t('search.keysChoose')} · `,
        h('kbd', {}, 'Enter'),
        ` ${t('search.keysOpen')} · `,
        h('kbd', {}, '/'),
        ` ${t('search.keysBack')}`,
      ),
    ),
  );
  list.hidden = true;
  if (may(ctx.session, 'record_consent')) {
    content.append(
      h(
        'p',
        { class: 'search__new muted' },
        t('search.newCustomerHint'),
        ' ',
        button(t('search.newCustomer'), { id: 'customers-new', kind: 'secondary', shortcut: 'Alt+N', onclick: () => ctx.navigate('consent') }),
      ),
    );
  }
  return root;
}
