//! Money on the staff screens. The core keeps amounts as whole cents with
//! an ISO currency code (`unitCents`, `totalCents`, `currency`); this module
//! only writes them for people (`Intl.NumberFormat`) and reads what someone
//! typed into a price box ("3,20", "3.20", "3") back into cents. Whether an
//! amount is acceptable is the core's to say.

import { currentLanguage } from '../i18n.js';

/** `cents` in `currency` for display ("€3.20"); an unknown code is written after the number. */
export function formatMoney(cents, currency) {
  const amount = Number(cents) / 100;
  try {
    return new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency }).format(amount);
  } catch {
    return `${formatAmount(cents)} ${currency || ''}`.trim();
  }
}

/** `cents` as a plain amount with two decimals ("1,234.50"), for totals given without a currency. */
export function formatAmount(cents) {
  return new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    Number(cents) / 100,
  );
}

/**
 * Reads a typed price into whole cents: digits, optionally a decimal comma
 * or point and one or two more digits ("3,20", "3.2", "12"). Spaces are
 * ignored. Returns null for anything else, so the form can point at it.
 */
export function parseMoney(text) {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(String(text).replace(/\s+/g, ''));
  if (!m) return null;
  const fraction = (m[2] || '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(fraction);
}

/** Reads a typed whole number ("2"), or null. */
export function parseWhole(text) {
  const m = /^\d{1,9}$/.exec(String(text).trim());
  return m ? Number(m[0]) : null;
}
