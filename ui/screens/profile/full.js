//! The full view (owner, manager): every held detail, loyalty and tags,
//! purchases, notes and tasks, the customer's consents and the record's
//! own facts (reference, language, since when, how identity was checked),
//! and whether it is restricted (with Restrict/Lift and Stop marketing),
//! the export for the customer (`export.js`), a legal hold
//! (`legal-hold.js`) and, last, their erasure (`erasure.js`).

import { h } from '../../components/dom.js';
import { labelOr, timeCell } from '../../components/labels.js';
import { t } from '../../i18n.js';
import { panel, fieldList } from './parts.js';
import { header } from './header.js';
import { loyaltyPanel } from './loyalty.js';
import { tagsPanel } from './tags.js';
import { purchasesPanel } from './purchases.js';
import { notesPanel } from './notes.js';
import { tasksPanel } from './tasks.js';
import { consentsPanel } from './consents.js';
import { restrictionPanel } from './restriction.js';
import { exportPanel } from './export.js';
import { legalHoldPanel } from './legal-hold.js';
import { erasurePanel } from './erasure.js';

/** The panels of full view `p`, as the core sent it. */
export function fullView(profile, p) {
  return [
    header(profile, p.fields.name, p),
    p.restriction || profile.allowed('restrict_customer') || profile.allowed('object_to_marketing') ? restrictionPanel(profile, p) : null,
    panel('profile-details', t('profile.detailsTitle'), fieldList(profile, 'profile-fields', p.fields)),
    h('div', { class: 'profile-grid' }, loyaltyPanel(profile, p.loyalty), tagsPanel(profile, p.tags)),
    purchasesPanel(p.purchases, p.purchaseCount),
    h('div', { class: 'profile-grid' }, notesPanel(profile, p.notes), tasksPanel(profile, p.tasks)),
    consentsPanel(profile, p.consents),
    panel(
      'profile-record',
      t('profile.recordTitle'),
      h(
        'dl',
        { id: 'profile-record-list', class: 'summary' },
        h('dt', {}, t('consents.reference')),
        h('dd', { class: 'path' }, p.customerRef),
        h('dt', {}, t('consents.language')),
        h('dd', {}, labelOr('consent.languages', p.lang)),
        h('dt', {}, t('profile.since')),
        h('dd', {}, timeCell(p.since)),
        h('dt', {}, t('profile.identityCheck')),
        h('dd', {}, labelOr('consents.identity', p.identityCheck)),
      ),
    ),
    profile.allowed('export_for_customer') ? exportPanel(profile, p) : null,
    profile.allowed('manage_legal_hold') ? legalHoldPanel(profile) : null,
    // Last: the one step that cannot be undone.
    profile.allowed('erase_customer') ? erasurePanel(profile) : null,
  ];
}
