//! The user interface's words. Every visible string comes from
//! `i18n/<lang>.json` through `t()`; a screen never writes English itself.
//! Keys are dot paths into the JSON (`"login.submit"`), placeholders are
//! `{name}`, and plurals are objects keyed by `Intl.PluralRules` categories
//! (`one`, `other`, ...) picked with `tn()`.
//!
//! Staff screens use the one language loaded with `loadLanguage()`.
//! Customer-facing screens (consent form, receipt) speak the customer's
//! language instead: `translator(lang)` gives them their own `t`, without
//! changing the language of the rest of the app.

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

function lookupIn(table, key) {
  let node = table;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !own(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function lookup(key) {
  return lookupIn(strings, key);
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

/** Language files already fetched for `translator()`, by language code. */
const loaded = new Map();

async function fetchStrings(lang) {
  if (!loaded.has(lang)) {
    const pending = fetch(`i18n/${lang}.json`).then((res) => {
      if (!res.ok) throw new Error(`i18n/${lang}.json: HTTP ${res.status}`);
      return res.json();
    });
    loaded.set(lang, pending);
    // A failed load may be retried later rather than remembered.
    pending.catch(() => loaded.delete(lang));
  }
  return loaded.get(lang);
}

/**
 * The words of one language for one part of the screen (the customer's
 * form and receipt), whatever language the app itself speaks. Loads
 * `i18n/<lang>.json`; a key missing there falls back to English, then to the
 * key itself. Resolves with `{ lang, t, tn, has }`, which work like the
 * module's own functions; throws if the language file cannot be loaded.
 */
export async function translator(lang) {
  const table = await fetchStrings(lang);
  const english = lang === 'en' ? table : await fetchStrings('en').catch(() => ({}));
  const rules = new Intl.PluralRules(lang);
  const find = (key) => {
    const text = lookupIn(table, key);
    return text === undefined ? lookupIn(english, key) : text;
  };
  return {
    lang,
    has: (key) => typeof find(key) === 'string',
    t(key, vars) {
      const text = find(key);
      return typeof text === 'string' ? fill(text, vars) : key;
    },
    tn(key, count, vars = {}) {
      const forms = find(key);
      if (forms === null || typeof forms !== 'object') return key;
      const category = rules.select(count);
      const text = own(forms, category) ? forms[category] : forms.other;
      return typeof text === 'string' ? fill(text, { count, ...vars }) : key;
    },
  };
}
