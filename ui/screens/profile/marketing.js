//! The marketing view: no name, the marketing purposes the customer agrees
//! to, the details those purposes cover and purchase totals.

import { h } from '../../components/dom.js';
import { purposeName } from '../../components/labels.js';
import { formatMoney } from '../../components/money.js';
import { formatMonth } from '../../components/format.js';
import { t, formatNumber } from '../../i18n.js';
import { panel, fieldList } from './parts.js';
import { header } from './header.js';

/** The panels of marketing view `p`, as the core sent it. */
export function marketingView(profile, p) {
  const stats = p.purchases;
  return [
    header(profile, null, p),
    panel(
      'profile-purposes',
      t('profile.marketingPurposesTitle'),
      h(
        'ul',
        { id: 'profile-purposes-list', class: 'plain-list' },
        p.purposes.map((id) => h('li', { dataset: { purpose: id } }, purposeName(profile.names, id))),
      ),
    ),
    panel('profile-details', t('profile.detailsTitle'), fieldList(profile, 'profile-fields', p.fields)),
    panel(
      'profile-totals',
      t('profile.totalsTitle'),
      h(
        'dl',
        { id: 'profile-totals-list', class: 'summary' },
        h('dt', {}, t('profile.totalsCount')),
        h('dd', {}, formatNumber(stats.count)),
        h('dt', {}, t('profile.totalsSpent')),
        h('dd', {}, formatMoney(stats.totalCents, stats.currency)),
        stats.lastMonth ? [h('dt', {}, t('profile.totalsLast')), h('dd', {}, formatMonth(stats.lastMonth))] : null,
      ),
    ),
  ];
}
