//! The languages the staff screens speak, for the pickers that choose one:
//! each named in its own language ("Català", "Español"), so that whoever
//! reads it finds theirs whatever the screen speaks now. An empty value
//! means "the shop's default"; the core stores the choice.

import { t } from '../i18n.js';

/** The staff screens' languages, in the order the pickers show them. */
export const STAFF_LANGUAGES = ['ca', 'es', 'en', 'id'];

/** A language's own name ("Català" for `ca`). */
export function languageName(code) {
  return t(`consent.languages.${code}`);
}

/**
 * `[{ value, label }]` for a `selectField`: first "The shop's language
 * (Català)" (value `""`) when `shopDefault` is given, then every language.
 */
export function languageOptions(shopDefault) {
  const own = STAFF_LANGUAGES.map((code) => ({ value: code, label: languageName(code) }));
  return shopDefault ? [{ value: '', label: t('language.default', { language: languageName(shopDefault) }) }, ...own] : own;
}
