//! Access log (owner, auditor): who did what, to which customer, why and
//! which fields it touched, newest first (`access_log`), filtered by user,
//! customer number, action and days; "Older entries" pages on with `before`
//! (the last entry's number). At the top, the core's verdict on the whole
//! log (`audit_verify`). Entries hold ids and field names only.

import { h, replace, focus } from '../components/dom.js';
import { textField, form, button, showError, showErrorOn, fieldError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { timeCell } from '../components/labels.js';
import { dateHint, dateInvalid, parseDate } from '../components/format.js';
import { call } from '../api.js';
import { t, tn, formatNumber } from '../i18n.js';

/**
 * An id such as `marketing.audience`, breakable after its dots (and, as
 * any text, at spaces and hyphens) so a narrow column never splits a word.
 */
function code(text) {
  const parts = String(text).split(/(?<=\.)/);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [h('wbr'), part]));
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
        res.message ? h('p', { class: 'result__detail' }, res.message) : null,
      );
    } catch (err) {
      verdict.replaceChildren();
      showError(alert, err);
    }
  }

  // ---- The filter ----
  const user = textField({ id: 'log-user', label: t('log.user'), hint: t('log.userHint') });
  const customer = textField({ id: 'log-customer', label: t('log.customer'), hint: t('log.customerHint'), inputmode: 'numeric' });
  const action = textField({ id: 'log-action', label: t('log.action'), hint: t('log.actionHint') });
  const from = textField({ id: 'log-from', label: t('log.from'), hint: dateHint('log.dateHint'), inputmode: 'numeric' });
  const to = textField({ id: 'log-to', label: t('log.to'), hint: dateHint('log.dateHint'), inputmode: 'numeric' });
  const inputs = { user, customer, action, from, to };
  user.input.dataset.autofocus = '';

  const result = h('div', { id: 'log-result' });
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
    if (text(action)) filter.action = text(action);
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
                  ['seq', 'at', 'user', 'role', 'action', 'subject', 'purpose', 'fields', 'outcome'].map((k) =>
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
                    { dataset: { seq: e.seq, action: e.action, user: e.user || '', purpose: e.purpose || '', outcome: e.outcome } },
                    h('th', { scope: 'row' }, String(e.seq)),
                    h('td', {}, timeCell(e.at)),
                    h('td', {}, e.user || '–'),
                    h('td', {}, e.role || '–'),
                    h('td', { class: 'log__code' }, code(e.action)),
                    h('td', { class: 'log__code' }, e.subject || '–'),
                    h('td', { class: 'log__code' }, e.purpose ? code(e.purpose) : '–'),
                    h('td', { class: 'log__fields' }, e.fields.length > 0 ? e.fields.join(', ') : '–'),
                    h('td', {}, h('span', { class: e.outcome === 'ok' ? 'state state--on' : 'state state--off' }, e.outcome)),
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
  load({}, false);
  return root;
}
