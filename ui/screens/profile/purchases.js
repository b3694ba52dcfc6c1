//! The purchases panel: the purchases the view holds (all with their count
//! in the full view, the recent ones at the till), as a table that scrolls
//! in its own box.

import { h } from '../../components/dom.js';
import { formatMoney } from '../../components/money.js';
import { formatDate } from '../../components/format.js';
import { t, tn, formatNumber } from '../../i18n.js';
import { panel } from './parts.js';

/** The purchases panel: `purchases` as the view holds them, `count` (all there are) or null. */
export function purchasesPanel(purchases, count) {
  const caption =
    purchases.length === 0
      ? null
      : count === null
        ? tn('profile.recentPurchases', purchases.length)
        : t('profile.purchasesShown', { shown: formatNumber(purchases.length), count: formatNumber(count) });
  const table =
    purchases.length === 0
      ? h('p', { class: 'muted' }, t('profile.noPurchases'))
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'profile-purchases', class: 'table table--compact' },
            h('caption', { class: 'visually-hidden' }, caption),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['date', 'items', 'total', 'points'].map((k) =>
                  h('th', { scope: 'col', class: k === 'total' || k === 'points' ? 'num' : null }, t(`profile.col.${k}`)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              purchases.map((pu) =>
                h(
                  'tr',
                  { dataset: { purchase: pu.id } },
                  h('td', { class: 'nowrap' }, formatDate(pu.date)),
                  h(
                    'td',
                    {},
                    pu.items.length === 0
                      ? h('span', { class: 'muted' }, t('profile.amountOnly'))
                      : h(
                      'ul',
                      { class: 'plain-list' },
                      pu.items.map((it) =>
                        h(
                          'li',
                          {},
                          t('profile.itemLine', {
                            quantity: formatNumber(it.quantity),
                            description: it.description,
                            price: formatMoney(it.unitCents, pu.currency),
                          }),
                        ),
                      ),
                    ),
                  ),
                  h('td', { class: 'num nowrap' }, formatMoney(pu.totalCents, pu.currency)),
                  h('td', { class: 'num' }, pu.points === undefined || pu.points === null ? '–' : formatNumber(pu.points)),
                ),
              ),
            ),
          ),
        );
  return panel('profile-purchases-panel', t('profile.purchasesTitle'), caption ? h('p', { class: 'muted' }, caption) : null, table);
}

