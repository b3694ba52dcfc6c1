//! Marketing audiences: the customers who agree now to one marketing
//! purpose, 50 at a time (`audience_list`), each with only the details that
//! purpose covers and their purchase totals. Which purposes are marketing,
//! who is in an audience and what is shown of them are the core's; this
//! screen lists the active marketing purposes (`purposes_list`) to choose
//! from and pages with `offset`.

import { h, replace, focus } from '../components/dom.js';
import { selectField, form, button, showError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { fieldLabel, purposeNames, purposeName } from '../components/labels.js';
import { formatMoney } from '../components/money.js';
import { formatDate, formatMonth } from '../components/format.js';
import { call } from '../api.js';
import { t, formatNumber } from '../i18n.js';

export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'audiences',
    current: 'audiences',
    title: t('audience.title'),
    params,
  });
  const chooser = h('div', { id: 'audience-chooser', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('audience.loading')));
  const result = h('div', { id: 'audience-result' });
  content.append(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'audience-choose-title' },
      h('h2', { id: 'audience-choose-title' }, t('audience.chooseTitle')),
      h('p', { class: 'muted' }, t('audience.intro')),
      chooser,
    ),
    result,
  );

  /** Marketing purposes by id (`Purpose`), and their names. */
  let purposes = new Map();
  let names = new Map();
  /** Field kinds by key (`fields_list`), so dates and numbers are not split across lines. */
  let kinds = new Map();

  async function start() {
    try {
      const [list, fields] = await Promise.all([call('purposes_list'), call('fields_list').catch(() => [])]);
      names = purposeNames(list);
      kinds = new Map(fields.map((f) => [f.key, f.kind]));
      const marketing = list.filter((p) => p.marketing && p.active);
      purposes = new Map(marketing.map((p) => [p.id, p]));
      if (marketing.length === 0) {
        replace(chooser, h('p', { class: 'muted' }, t('audience.noPurposes')));
        return;
      }
      const choice = selectField({
        id: 'audience-purpose',
        label: t('audience.purpose'),
        options: marketing.map((p) => ({ value: p.id, label: purposeName(names, p.id) })),
        value: marketing[0].id,
      });
      const row = h('div', { class: 'lookup' });
      choice.input.replaceWith(row);
      row.append(choice.input, button(t('audience.show'), { id: 'audience-show', type: 'submit' }));
      replace(
        chooser,
        form(
          {
            id: 'audience-form',
            label: t('audience.chooseTitle'),
            onSubmit: () => load(choice.input.value, 0, { focusResult: true }),
          },
          choice.element,
        ),
      );
      focus(choice.input);
    } catch (err) {
      replace(chooser);
      showError(alert, err);
    } finally {
      chooser.setAttribute('aria-busy', 'false');
    }
  }

  function load(purpose, offset, { focusResult = false, focusId } = {}) {
    return submitWith(
      { alert, status, busy: result },
      async () => {
        const page = await call('audience_list', { purpose, offset });
        replace(result, pageView(page));
        if (focusId) focus(document.getElementById(focusId));
        else if (focusResult) focus(document.getElementById('audience-result-title'));
      },
      (err) => {
        replace(result);
        showError(alert, err);
      },
    );
  }

  function pageView(page) {
    const purpose = purposes.get(page.purpose);
    // The purpose's own fields first, in its order; anything else the core sent after them.
    const keys = purpose ? [...purpose.fields] : [];
    for (const c of page.customers) for (const k of Object.keys(c.fields)) if (!keys.includes(k)) keys.push(k);
    const first = page.customers.length > 0 ? page.offset + 1 : 0;
    const last = page.offset + page.customers.length;
    const opens = may(ctx.session, 'view_customer') && (ctx.session.accessPurposes || []).length > 0;

    const table = h(
      'table',
      { id: 'audience-table', class: 'table table--compact', dataset: { purpose: page.purpose } },
      h('caption', { class: 'visually-hidden' }, t('audience.caption', { purpose: purposeName(names, page.purpose) })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('audience.col.customer')),
          keys.map((k) => h('th', { scope: 'col' }, fieldLabel(k))),
          h('th', { scope: 'col', class: 'num' }, t('audience.col.count')),
          h('th', { scope: 'col', class: 'num' }, t('audience.col.total')),
          h('th', { scope: 'col' }, t('audience.col.last')),
          opens ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('audience.col.open'))) : null,
        ),
      ),
      h(
        'tbody',
        {},
        page.customers.map((c) =>
          h(
            'tr',
            { dataset: { customerId: c.id } },
            h('th', { scope: 'row' }, String(c.id)),
            keys.map((k) =>
              h(
                'td',
                { dataset: { field: k }, class: ['date', 'phone', 'postal_code'].includes(kinds.get(k)) ? 'nowrap' : null },
                Object.prototype.hasOwnProperty.call(c.fields, k)
                  ? kinds.get(k) === 'date'
                    ? formatDate(c.fields[k])
                    : c.fields[k]
                  : h('span', { class: 'muted' }, '–'),
              ),
            ),
            h('td', { class: 'num' }, formatNumber(c.purchases.count)),
            h('td', { class: 'num nowrap' }, formatMoney(c.purchases.totalCents, c.purchases.currency)),
            h('td', { class: 'nowrap' }, c.purchases.lastMonth ? formatMonth(c.purchases.lastMonth) : '–'),
            opens
              ? h(
                  'td',
                  {},
                  button(t('audience.open'), {
                    kind: 'secondary',
                    onclick: () => openProfile(c),
                  }),
                )
              : null,
          ),
        ),
      ),
    );

    const previous =
      page.offset > 0
        ? button(t('audience.previous'), {
            id: 'audience-previous',
            kind: 'secondary',
            onclick: () => load(page.purpose, Math.max(0, page.offset - 50), { focusId: 'audience-previous' }),
          })
        : null;
    const next =
      last < page.total
        ? button(t('audience.next'), {
            id: 'audience-next',
            kind: 'secondary',
            onclick: () => load(page.purpose, last, { focusId: 'audience-next' }),
          })
        : null;

    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'audience-result-title', dataset: { purpose: page.purpose } },
      h('h2', { id: 'audience-result-title', tabindex: '-1' }, purposeName(names, page.purpose)),
      h(
        'p',
        { id: 'audience-count', class: 'muted' },
        page.total === 0
          ? t('audience.empty')
          : t('audience.count', { first: formatNumber(first), last: formatNumber(last), total: formatNumber(page.total) }),
      ),
      page.customers.length > 0 ? h('div', { class: 'table-wrap' }, table) : null,
      previous || next ? h('div', { class: 'actions actions--start' }, previous, next) : null,
    );
  }

  function openProfile(customer) {
    const purpose = ctx.accessPurpose;
    if (purpose) ctx.navigate('profile', { customerId: customer.id, purpose });
  }

  start();
  return root;
}
