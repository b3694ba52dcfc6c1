//! Names for the ids the core sends (field keys, access purposes, consent
//! purposes, contact channels) and the `<time>` cell for its timestamps.
//! An id the language file does not name is shown as it is, so nothing the
//! core sends is ever hidden by a missing word.

import { h } from './dom.js';
import { t, has } from '../i18n.js';

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
 * shown as `2025-03-01 09:30:12`; a narrow column breaks it between the date
 * and the time only.
 */
export function timeCell(at) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(String(at));
  return h(
    'time',
    { datetime: String(at) },
    m ? [h('span', { class: 'nowrap' }, m[1]), ' ', h('span', { class: 'nowrap' }, m[2])] : String(at),
  );
}
