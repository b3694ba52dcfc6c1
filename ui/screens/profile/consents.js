//! The consents panel (full view): each purpose with whether the customer
//! agrees, since when and under which version of the notice.

import { h } from '../../components/dom.js';
import { purposeName, timeCell } from '../../components/labels.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

/** The consents panel for `consents` (`{ purpose, granted, since, noticeVersion }`). */
export function consentsPanel({ names }, consents) {
  return panel(
    'profile-consents',
    t('profile.consentsTitle'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'profile-consents-table', class: 'table table--compact' },
        h('caption', { class: 'visually-hidden' }, t('consents.currentCaption')),
        h('thead', {}, h('tr', {}, ['purpose', 'status', 'since', 'notice'].map((k) => h('th', { scope: 'col' }, t(`consents.col.${k}`))))),
        h(
          'tbody',
          {},
          consents.map((c) =>
            h(
              'tr',
              { dataset: { purpose: c.purpose, granted: c.granted ? 'yes' : 'no' } },
              h(
                'td',
                {},
                h('span', { class: 'purpose-name' }, purposeName(names, c.purpose)),
                h('span', { class: 'table__note purpose-id' }, c.purpose),
              ),
              h(
                'td',
                {},
                h(
                  'span',
                  { class: c.granted ? 'state state--on' : 'state state--off' },
                  c.granted ? t('consents.status.granted') : t('consents.status.notGranted'),
                ),
              ),
              h('td', {}, timeCell(c.since)),
              h('td', {}, String(c.noticeVersion)),
            ),
          ),
        ),
      ),
    ),
  );
}

