//! Names for the ids the core sends (field keys, access purposes, consent
//! purposes, contact channels) and the `<time>` cell for its timestamps.
//! An id the language file does not name is shown as it is, so nothing the
//! core sends is ever hidden by a missing word.

import { h } from './dom.js';
import { t, has } from '../i18n.js';
import { localParts } from './format.js';

/** A label from `<prefix>.<value>` in the language file, or the value itself. */
export function labelOr(prefix, value) {
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : String(value);
}

/** The staff label of a catalog field ("Date of birth" for `birth_date`). */
export function fieldLabel(key) {
  return labelOr('field', key);
}

/** The label of a purpose of access ("Serve at the till"). */
export function accessPurposeLabel(id) {
  return labelOr('accessPurpose', id);
}

/**
 * Consent purpose names (English, as the shop set them) by id, from
 * `purposes_list`; `purposeName` falls back to the id.
 */
export function purposeNames(purposes) {
  return new Map((purposes || []).map((p) => [p.id, (p.texts && p.texts.en && p.texts.en.name) || p.id]));
}

export function purposeName(names, id) {
  return (names && names.get(id)) || String(id);
}

/**
 * A `<time>` for one of the core's times (UTC, `2025-03-01T09:30:12.345Z`),
 * shown in this computer's time zone as the language writes it
 * ("1 de març 2025 10:30"); a narrow column breaks it between the date and
 * the time only.
 */
export function timeCell(at) {
  const local = localParts(at);
  return h(
    'time',
    { datetime: String(at) },
    local ? [h('span', { class: 'nowrap' }, local.date), ' ', h('span', { class: 'nowrap' }, local.time)] : String(at),
  );
}
