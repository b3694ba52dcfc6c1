//! The user interface's words. Every visible string comes from
//! `i18n/<lang>.json` through `t()`; a screen never writes English itself.
//! Keys are dot paths into the JSON (`"login.submit"`), placeholders are
//! `{name}`, and plurals are objects keyed by `Intl.PluralRules` categories
//! (`one`, `other`, ...) picked with `tn()`.

let strings = {};
const own = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
let language = 'en';
let plurals = new Intl.PluralRules('en');

/** Loads the strings of `lang` (e.g. `"en"`); throws if the file is missing or invalid. */
export async function loadLanguage(lang) {
  const res = await fetch(`i18n/${lang}.json`);
  if (!res.ok) throw new Error(`i18n/${lang}.json: HTTP ${res.status}`);
  strings = await res.json();
  language = lang;
  plurals = new Intl.PluralRules(lang);
  document.documentElement.lang = lang;
}

/** The language loaded last (`"en"`). */
export function currentLanguage() {
  return language;
}

function lookup(key) {
  let node = strings;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !own(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function fill(text, vars) {
  // One pass, so a value that itself contains "{x}" is never expanded again.
  return text.replace(/\{(\w+)\}/g, (whole, name) => (vars && own(vars, name) ? String(vars[name]) : whole));
}

/** Whether `key` names a string. */
export function has(key) {
  return typeof lookup(key) === 'string';
}

/**
 * The string for `key` with `{name}` placeholders replaced from `vars`.
 * A missing key shows as the key itself, so it is noticed and reported.
 */
export function t(key, vars) {
  const text = lookup(key);
  return typeof text === 'string' ? fill(text, vars) : key;
}

/** The plural form of `key` for `count` (also available as `{count}`). */
export function tn(key, count, vars = {}) {
  const forms = lookup(key);
  if (forms === null || typeof forms !== 'object') return key;
  const category = plurals.select(count);
  const text = own(forms, category) ? forms[category] : forms.other;
  return typeof text === 'string' ? fill(text, { count, ...vars }) : key;
}

/** Formats a number for the current language (e.g. "1,234"). */
export function formatNumber(n) {
  return new Intl.NumberFormat(language).format(n);
}
