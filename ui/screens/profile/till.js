//! The till view (staff): the name, contact preference, loyalty and tags,
//! the delivery details if the core sent them, and the recent purchases,
//! notes and open tasks. The core leaves out everything else (no birth
//! date, no e-mail), so there is no place here for it to appear.

import { h } from '../../components/dom.js';
import { t } from '../../i18n.js';
import { panel, fieldList } from './parts.js';
import { header } from './header.js';
import { loyaltyPanel } from './loyalty.js';
import { tagsPanel } from './tags.js';
import { purchasesPanel } from './purchases.js';
import { notesPanel } from './notes.js';
import { tasksPanel } from './tasks.js';

/** The panels of till view `p`, as the core sent it. */
export function tillView(profile, p) {
  return [
    header(profile, p.name, p),
    h('div', { class: 'profile-grid' }, loyaltyPanel(profile, p.loyalty), tagsPanel(profile, p.tags)),
    p.delivery ? panel('profile-delivery', t('profile.deliveryTitle'), fieldList(profile, 'profile-delivery-fields', p.delivery)) : null,
    purchasesPanel(p.recentPurchases, null),
    h('div', { class: 'profile-grid' }, notesPanel(profile, p.recentNotes), tasksPanel(profile, p.openTasks)),
  ];
}
