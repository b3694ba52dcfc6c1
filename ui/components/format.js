//! Dates and times for people, in the language of the staff screens and the
//! computer's time zone. The core stores times in UTC (`2025-04-12T09:30:00Z`)
//! and calendar days as `YYYY-MM-DD`; this module writes them the way the
//! language does (`Intl.DateTimeFormat`) and reads a typed date in the
//! language's own order (`12/04/2025` is 12 April in ca, es and id, and
//! `04/12/2025` in en) back into `YYYY-MM-DD` for the core. Amounts are
//! `money.js`'s.

import { currentLanguage, t } from '../i18n.js';

const ORDERS = ['dmy', 'mdy', 'ymd'];
const EXAMPLE = { d: '12', m: '04', y: '2025' };

/**
 * The order of day, month and year in the language's numeric dates:
 * `dmy`, `mdy` or `ymd`, read from `Intl.DateTimeFormat().formatToParts`.
 */
export function dateOrder(lang = currentLanguage()) {
  const parts = new Intl.DateTimeFormat(lang, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(2025, 3, 12),
  );
  const order = parts
    .filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year')
    .map((p) => p.type[0])
    .join('');
  return ORDERS.includes(order) ? order : 'ymd';
}

function separator(order) {
  return order === 'ymd' ? '-' : '/';
}

/**
 * `{ order, example }` for the texts that say how to type a date
 * ("day/month/year", "12/04/2025"); `lang` and `tr` (a `translator()`'s
 * `t`) for a customer's language instead of the staff screens'.
 */
export function dateHintVars(lang = currentLanguage(), tr = t) {
  const order = dateOrder(lang);
  return {
    order: tr(`format.order.${order}`),
    example: order.split('').map((c) => EXAMPLE[c]).join(separator(order)),
  };
}

/**
 * How to type a date, in plain words: "Day/month/year, for example
 * 12/04/2025." (the text `key`, which starts with the order, as a sentence).
 */
export function dateHint(key = 'format.dateHint') {
  const text = t(key, dateHintVars());
  return text.charAt(0).toLocaleUpperCase(currentLanguage()) + text.slice(1);
}

/** The sentence for a date that could not be read. */
export function dateInvalid() {
  return t('format.dateInvalid', dateHintVars());
}

const pad = (n, width) => String(n).padStart(width, '0');

/**
 * Reads a typed date into `YYYY-MM-DD`: the language's order with `/`, `.`,
 * `-` or spaces between the numbers (`12/04/2025`, `12.4.2025`), or ISO
 * (`2025-04-12`, also any input that starts with a four-digit year). The
 * year has four digits. Returns null for anything else, or a day that does
 * not exist (`31/04/2025`). An empty text is null too: the caller decides
 * whether a date is needed. `lang`: whose order (the staff screens' by
 * default; a customer's on their form).
 */
export function parseDate(text, lang = currentLanguage()) {
  const m = /^(\d{1,4})[/.\-\s]+(\d{1,2})[/.\-\s]+(\d{1,4})$/.exec(String(text || '').trim());
  if (!m) return null;
  const order = m[1].length === 4 ? 'ymd' : dateOrder(lang);
  const part = (c) => m[1 + order.indexOf(c)];
  if (part('y').length !== 4) return null;
  const [y, mo, d] = [Number(part('y')), Number(part('m')), Number(part('d'))];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
}

/** A calendar day from the core (`2025-04-12`) as typed in the language (`12/04/2025`), for an input's value. */
export function dateForInput(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) return String(iso || '');
  const order = dateOrder();
  const value = { y: m[1], m: m[2], d: m[3] };
  return order.split('').map((c) => value[c]).join(separator(order));
}

function calendarDay(iso) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(String(iso || ''));
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1)) : null;
}

/** A calendar day from the core (`2025-04-12`) for reading: "12 d’abr. 2025". Not shifted by the time zone. */
export function formatDate(iso) {
  const day = calendarDay(iso);
  if (!day) return String(iso || '');
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(day);
}

/** A month from the core (`2025-04`) for reading: "abril de 2025". */
export function formatMonth(yearMonth) {
  const day = calendarDay(yearMonth);
  if (!day) return String(yearMonth || '');
  return new Intl.DateTimeFormat(currentLanguage(), { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(day);
}

/**
 * A time from the core (UTC, RFC 3339) in this computer's time zone, as
 * `{ date, time }` texts of the language ("12 d’abr. 2025", "11:30"), or
 * null if it is not a time.
 */
export function localParts(at) {
  const when = new Date(String(at || ''));
  if (Number.isNaN(when.getTime())) return null;
  const lang = currentLanguage();
  return {
    date: new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(when),
    time: new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(when),
  };
}

/** A time from the core (UTC) as one local text: "12 d’abr. 2025, 11:30". */
export function formatDateTime(at) {
  const when = new Date(String(at || ''));
  if (Number.isNaN(when.getTime())) return String(at || '');
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(when);
}
