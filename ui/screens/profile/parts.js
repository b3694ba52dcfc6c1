//! What the profile's views and panels share: `profile` (the state of the
//! profile on show, built by `customer-profile.js` and passed to every view
//! and panel) is documented here, with the two building blocks every view
//! uses: a titled panel and the list of held fields.
//!
//! `profile`: `ctx` (the router's), `customerId`, `purpose` (the purpose of
//! access), `alert` and `status` (the screen's regions), `allowed(action)`
//! (whether the session's `allowed` lists it), `load({ focusId })` (reads the
//! profile again and shows it), `fieldOrder` (the catalog's order of field
//! keys), `names` (purpose names by id), `editDetails()`, `addPurchase()` and
//! `focusInput(id)`.

import { h } from '../../components/dom.js';
import { fieldLabel } from '../../components/labels.js';
import { formatDate } from '../../components/format.js';
import { t } from '../../i18n.js';

/** A panel `#<id>` under a heading `#<id>-title` reading `title`. */
export function panel(id, title, ...children) {
  return h(
    'section',
    { id, class: 'panel', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, tabindex: '-1' }, title),
    ...children,
  );
}

/** The held fields (`{ key: value }`) as a list `#<id>`, name first, then in the catalog's order. */
export function fieldList(profile, id, fields) {
  const { fieldOrder, dateFields } = profile;
  const shown = (k) => (dateFields && dateFields.has(k) ? formatDate(fields[k]) : fields[k]);
  const keys = Object.keys(fields);
  const rank = (k) => {
    const i = fieldOrder.indexOf(k);
    return i < 0 ? fieldOrder.length : i;
  };
  keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (keys.length === 0) return h('p', { id, class: 'muted' }, t('profile.noFields'));
  return h(
    'dl',
    { id, class: 'summary' },
    keys.map((k) => [h('dt', {}, fieldLabel(k)), h('dd', { dataset: { field: k }, class: 'profile__value' }, shown(k))]),
  );
}
