//! Access log (owner, auditor): who did what, to which customer, why and
//! which fields it touched, newest first (`access_log`), filtered by user,
//! customer number, action and days; "Older entries" pages on with `before`
//! (the last entry's number). At the top, the core's verdict on the whole
//! log (`audit_verify`). Entries hold ids and field names only; each is
//! shown in words ("sam (Staff) opened the profile of customer 2 — Serve at
//! the till — Name, Points"), in local time, and keeps the codes in its
//! `data-*` attributes.

import { h, replace, focus } from '../components/dom.js';
import { textField, selectField, form, button, showError, showErrorOn, fieldError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may, roleLabel } from '../components/roles.js';
import { timeCell, labelOr, fieldLabel, accessPurposeLabel, purposeNames } from '../components/labels.js';
import { dateHint, dateInvalid, parseDate } from '../components/format.js';
import { call } from '../api.js';
import { t, tn, has, formatNumber } from '../i18n.js';

/** The kinds of entry the filter offers, as the core's action prefixes. */
const KINDS = ['', 'customer.view', 'customer.search', 'purchase', 'consent', 'customer.correct', 'customer.export', 'customer.erase', 'login'];

/** "customer 12" for `customer:12`, "account 3" for `user:3`. */
function subjectWords(subject) {
  const m = /^(customer|user):(\d+)$/.exec(subject || '');
  return m ? t(`log.subject.${m[1]}`, { number: m[2] }) : subject || '';
}

/** Who did it: "sam (Staff)". */
function whoWords(e) {
  if (!e.user) return t('log.nobody');
  return e.role ? t('log.who', { user: e.user, role: roleLabel(e.role) }) : e.user;
}

/** What happened, as a sentence part: "opened the profile of customer 12". */
function whatWords(e) {
  const subject = subjectWords(e.subject);
  const key = `log.did.${e.action.replace(/\./g, '_')}`;
  return has(key) ? t(key, { subject }) : t('log.didOther', { action: e.action, subject });
}

/** Why: a purpose of access, a consent purpose by its name, or the reason given. */
function whyWords(purpose, names) {
  if (!purpose) return '–';
  if (has(`accessPurpose.${purpose}`)) return accessPurposeLabel(purpose);
  if (names.has(purpose)) return names.get(purpose);
  return labelOr('log.reason', purpose);
}

/** Which details, by their names. */
function detailWords(fields) {
  if (fields.length === 0) return '–';
  return fields.map((f) => (has(`field.${f}`) ? fieldLabel(f) : labelOr('log.field', f))).join(', ');
}

/** Entries asked for at a time. */
const PAGE = 50;

export function render(ctx, params = {}) {
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'access-log',
    current: 'access-log',
    title: t('log.title'),
    params,
  });

  // ---- The verdict ----
  const verdict = h('div', { id: 'log-verdict', class: 'result', role: 'status' });

  async function verify() {
    verdict.className = 'result';
    replace(verdict, h('p', {}, t('settings.auditChecking')));
    try {
      const res = await call('audit_verify');
      verdict.className = res.intact ? 'result result--ok' : 'result result--bad';
      verdict.dataset.intact = res.intact ? 'yes' : 'no';
      replace(
        verdict,
        h(
          'p',
          { class: 'result__headline' },
          res.intact ? tn('settings.auditIntact', res.entries, { entries: formatNumber(res.entries) }) : t('settings.auditBroken'),
        ),
        // The core's own words only when something is wrong: they say where.
          !res.intact && res.message ? h('p', { class: 'result__detail' }, res.message) : null,
      );
    } catch (err) {
      verdict.replaceChildren();
      showError(alert, err);
    }
  }

  // ---- The filter ----
  const user = textField({ id: 'log-user', label: t('log.user'), hint: t('log.userHint') });
  const customer = textField({ id: 'log-customer', label: t('log.customer'), hint: t('log.customerHint'), inputmode: 'numeric' });
  const action = selectField({
    id: 'log-action',
    label: t('log.action'),
    // Keys of the language file have no dots: `customer.view` is `customer_view` there.
    options: KINDS.map((value) => ({ value, label: t(`log.kind.${(value || 'all').replace(/\./g, '_')}`) })),
  });
  const from = textField({ id: 'log-from', label: t('log.from'), hint: dateHint('log.dateHint'), inputmode: 'numeric' });
  const to = textField({ id: 'log-to', label: t('log.to'), hint: dateHint('log.dateHint'), inputmode: 'numeric' });
  const inputs = { user, customer, action, from, to };
  user.input.dataset.autofocus = '';

  const result = h('div', { id: 'log-result' });
  /** Consent purposes by name, to say why in words (filled in as it arrives). */
  let names = new Map();
  const namesRead = call('purposes_list')
    .then((list) => {
      names = purposeNames(list);
    })
    .catch(() => {});
  /** The filter of the entries shown, to page on with. */
  let shown = null;
  /** The rows shown so far (pages are appended). */
  let rows = [];

  function readFilter() {
    const filter = {};
    const text = (f) => f.input.value.trim();
    if (text(user)) filter.user = text(user);
    if (text(customer)) {
      if (!/^\d{1,15}$/.test(text(customer))) {
        fieldError(customer, t('log.customerInvalid'));
        return null;
      }
      filter.customer = Number(text(customer));
    }
    if (action.input.value) filter.action = action.input.value;
    for (const [name, field] of [['from', from], ['to', to]]) {
      if (!text(field)) continue;
      const iso = parseDate(text(field));
      if (!iso) {
        fieldError(field, dateInvalid());
        return null;
      }
      filter[name] = iso;
    }
    return filter;
  }

  function search() {
    return submitWith({ alert, fields: inputs, check: readFilter }, (filter) => load(filter, false));
  }

  async function load(filter, older) {
    result.setAttribute('aria-busy', 'true');
    const before = older && rows.length > 0 ? rows[rows.length - 1].seq : undefined;
    try {
      const entries = await call('access_log', { filter: { ...filter, before, limit: PAGE } });
      shown = filter;
      rows = older ? [...rows, ...entries] : entries;
      replace(result, table(rows, entries.length === PAGE));
      if (older) focus(document.getElementById(entries.length === PAGE ? 'log-older' : 'log-result-title'));
    } catch (err) {
      if (err.code === 'user_not_found') fieldError(user, t('log.userUnknown'));
      else showErrorOn(alert, err, inputs);
    } finally {
      result.setAttribute('aria-busy', 'false');
    }
  }

  function table(entries, maybeMore) {
    const body =
      entries.length === 0
        ? h('p', { id: 'log-none', class: 'muted' }, t('log.none'))
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'log-table', class: 'table table--ledger table--log' },
              h('caption', { class: 'visually-hidden' }, t('log.caption')),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['seq', 'at', 'user', 'action', 'purpose', 'fields', 'outcome'].map((k) =>
                    h('th', { scope: 'col' }, t(`log.col.${k}`)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                entries.map((e) =>
                  h(
                    'tr',
                    {
                      dataset: {
                        seq: e.seq,
                        action: e.action,
                        user: e.user || '',
                        role: e.role || '',
                        subject: e.subject || '',
                        purpose: e.purpose || '',
                        fields: e.fields.join(','),
                        outcome: e.outcome,
                      },
                    },
                    h('th', { scope: 'row' }, String(e.seq)),
                    h('td', {}, timeCell(e.at)),
                    h('td', { class: 'log__who' }, whoWords(e)),
                    h('td', { class: 'log__what' }, whatWords(e)),
                    h('td', { class: 'log__why' }, whyWords(e.purpose, names)),
                    h('td', { class: 'log__fields' }, detailWords(e.fields)),
                    h('td', {}, h('span', { class: e.outcome === 'ok' ? 'state state--on' : 'state state--off' }, labelOr('log.outcome', e.outcome))),
                  ),
                ),
              ),
            ),
          );
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'log-result-title' },
      h('h2', { id: 'log-result-title', tabindex: '-1' }, t('log.resultTitle')),
      h('p', { id: 'log-count', class: 'muted' }, tn('log.count', entries.length, { count: formatNumber(entries.length) })),
      body,
      maybeMore
        ? h(
            'div',
            { class: 'actions actions--start' },
            button(t('log.older'), { id: 'log-older', kind: 'secondary', onclick: () => load(shown, true) }),
          )
        : null,
    );
  }

  if (may(ctx.session, 'verify_audit_log')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'log-verdict-title' },
        h('h2', { id: 'log-verdict-title' }, t('log.verdictTitle')),
        verdict,
      ),
    );
    verify();
  }
  content.append(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'log-filter-title' },
      h('h2', { id: 'log-filter-title' }, t('log.filterTitle')),
      h('p', { class: 'muted' }, t('log.intro')),
      form(
        { id: 'log-filter', label: t('log.filterTitle'), onSubmit: search },
        h('div', { class: 'form-row' }, user.element, customer.element, action.element),
        h('div', { class: 'form-row' }, from.element, to.element),
        h('div', { class: 'actions actions--start' }, button(t('log.show'), { id: 'log-show', type: 'submit' })),
      ),
    ),
    result,
  );
  namesRead.then(() => load({}, false));
  return root;
}
