//! Names for the ids the core sends (field keys, access purposes, consent
//! purposes, contact channels) and the `<time>` cell for its timestamps.
//! An id the language file does not name is shown as it is, so nothing the
//! core sends is ever hidden by a missing word.

import { h } from './dom.js';
import { t, has, currentLanguage } from '../i18n.js';

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
 * A `<time>` for one of the core's times (stored in UTC,
 * `2025-03-01T09:30:12.345Z`), shown in this computer's time zone and the
 * user's language ("1 Mar 2025 10:30"); a narrow column breaks it between
 * the date and the time only. A day alone (`2025-03-01`) is shown as a date.
 */
export function timeCell(at) {
  const text = String(at);
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) return h('time', { datetime: text }, text);
  const lang = currentLanguage();
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: dayOnly ? 'UTC' : undefined }).format(when);
  if (dayOnly) return h('time', { datetime: text }, h('span', { class: 'nowrap' }, date));
  const time = new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(when);
  return h('time', { datetime: text }, h('span', { class: 'nowrap' }, date), ' ', h('span', { class: 'nowrap' }, time));
}
