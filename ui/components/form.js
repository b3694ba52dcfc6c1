//! Form building blocks: labelled fields, buttons, and the regions where
//! errors (`role="alert"`) and notices (`role="status"`) appear. Errors from
//! the core are shown as the localized sentence for their code; the core's own
//! message is added as a detail only where it says something the sentence
//! cannot (how long to wait, which field, why).

import { h, replace, focus } from './dom.js';
import { t, has, currentLanguage } from '../i18n.js';
import { dateHintVars } from './format.js';

/** Codes whose core message carries specifics worth showing under the sentence. */
const DETAIL_CODES = new Set([
  'too_many_attempts',
  'weak_passphrase',
  'invalid_input',
  'forbidden',
  'keyring_unavailable',
  'not_a_vault',
  'vault_damaged',
  'newer_schema',
  'recovery_file_missing',
  'field_not_consented',
  'field_disabled',
  'card_number_refused',
  'consent_missing',
  'not_enough_points',
  'receipt_invalid',
  'search_limit_reached',
  'internal',
]);

/**
 * Inputs the core reads as a calendar day (`YYYY-MM-DD`), by the name it
 * gives in `field`: the label that names each, and whether the day may not
 * be in the future.
 */
const DATE_FIELDS = new Map([
  ['birth_date', { label: 'field.birth_date', past: true }],
  ['date', { label: 'profile.col.date', past: true }],
  ['agreement date', { label: 'settings.recipients.agreementDate', past: true }],
  ['due', { label: 'profile.taskDueLabel', past: false }],
  ['from', { label: 'log.from', past: false }],
  ['to', { label: 'log.to', past: false }],
]);

/**
 * The localized sentence for an error (falls back to the core's message).
 * A refused input the core names gets a sentence about that input ("Date
 * of birth: check the date. Type it as day/month/year, …"), never the
 * core's English reason.
 */
export function errorSentence(err) {
  const code = err && typeof err.code === 'string' ? err.code : 'internal';
  if (code === 'invalid_input' && err.field) {
    const date = DATE_FIELDS.get(err.field);
    if (date) return t(date.past ? 'error.invalidPastDate' : 'error.invalidDate', { field: t(date.label), ...dateHintVars() });
    if (has(`field.${err.field}`)) return t('error.invalidField', { field: t(`field.${err.field}`) });
  }
  const key = `error.${code}`;
  if (has(key)) return t(key);
  return err && err.message ? err.message : t('error.internal');
}

function errorDetail(err) {
  if (!err || !err.message) return null;
  // The core's detail is English, and for an input it names, already said
  // in the sentence: other languages, and named inputs, go without it.
  if (currentLanguage() !== 'en') return null;
  if (err.code === 'invalid_input' && err.field && (DATE_FIELDS.has(err.field) || has(`field.${err.field}`))) return null;
  const known = has(`error.${err.code}`);
  return known && DETAIL_CODES.has(err.code) ? err.message : null;
}

/** The sentence for `err` followed by the core's detail where it helps, as one line. */
export function errorText(err) {
  const detail = errorDetail(err);
  return detail ? `${errorSentence(err)} ${t('common.details', { message: detail })}` : errorSentence(err);
}

/** An empty alert region; screen readers announce what is put in it. */
export function alertRegion(id) {
  return h('div', { id, class: 'alert', role: 'alert' });
}

/** An empty polite notice region for confirmations ("Saved."). */
export function statusRegion(id) {
  return h('div', { id, class: 'notice', role: 'status' });
}

/** Shows `err` (an `ApiError` or `{code, message}`) in an alert region. */
export function showError(region, err) {
  const detail = errorDetail(err);
  replace(
    region,
    h('p', { class: 'alert__text' }, errorSentence(err)),
    detail ? h('p', { class: 'alert__detail' }, t('common.details', { message: detail })) : null,
  );
}

/**
 * Shows `err` on a customer-facing screen: the sentence `customer.error.<code>`
 * in the customer's language (`tr` from `translator()`), else the core's own
 * message. No English detail is added: the customer could not use it.
 */
export function showCustomerError(region, err, tr) {
  const key = `customer.error.${err && err.code}`;
  const text = tr.has(key) ? tr.t(key) : err && err.message ? err.message : tr.t('customer.error.internal');
  replace(region, h('p', { class: 'alert__text' }, text));
}

/** Shows a plain sentence in an alert or notice region. */
export function showText(region, text) {
  replace(region, h('p', {}, text));
}

/** Empties an alert or notice region. */
export function clear(region) {
  region.replaceChildren();
}

/**
 * A button; `kind` is `primary`, `secondary` or `danger`. `shortcut`
 * (e.g. `"Alt+P"`) is shown on the button and announced as its
 * `aria-keyshortcuts`; the screen handles the keys.
 */
export function button(label, { id, kind = 'primary', type = 'button', onclick, disabled, describedBy, shortcut } = {}) {
  return h(
    'button',
    {
      id,
      type,
      class: `button button--${kind}`,
      onclick,
      disabled,
      'aria-describedby': describedBy,
      'aria-keyshortcuts': shortcut ? shortcut.replace(/\s+/g, '').replace(/^Ctrl\+/, 'Control+') : null,
    },
    label,
    shortcut ? [' ', h('kbd', { class: 'button__kbd', 'aria-hidden': 'true' }, shortcut)] : null,
  );
}

function describedBy(...ids) {
  const list = ids.filter(Boolean).join(' ');
  return list || null;
}

/**
 * A labelled input with an optional hint and a slot for its own error.
 * Returns `{ element, input, setError(text), clearError() }`.
 * `autofocus: true` marks it as the field the router focuses first.
 */
export function textField({
  id,
  label,
  type = 'text',
  hint,
  value,
  autocomplete = 'off',
  autofocus = false,
  inputmode,
  min,
  max,
  step,
  className,
}) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name: id,
    type,
    class: className ? `input ${className}` : 'input',
    autocomplete,
    autocapitalize: 'off',
    spellcheck: 'false',
    inputmode,
    min,
    max,
    step,
    'aria-describedby': describedBy(hintId, errorId),
    dataset: autofocus ? { autofocus: '' } : null,
  });
  if (value !== undefined && value !== null) input.value = String(value);
  return withError(input, id, label, hintId ? h('p', { id: hintId, class: 'field__hint' }, hint) : null);
}

/**
 * A labelled multi-line text box, like `textField` (same return value).
 * `rows` sets its height in lines.
 */
export function textAreaField({ id, label, hint, value, rows = 3, autofocus = false, className }) {
  const hintId = hint ? `${id}-hint` : null;
  const area = h('textarea', {
    id,
    name: id,
    rows,
    class: className ? `input input--multiline ${className}` : 'input input--multiline',
    autocomplete: 'off',
    spellcheck: 'true',
    'aria-describedby': describedBy(hintId, `${id}-error`),
    dataset: autofocus ? { autofocus: '' } : null,
  });
  if (value !== undefined && value !== null) area.value = String(value);
  return withError(area, id, label, hintId ? h('p', { id: hintId, class: 'field__hint' }, hint) : null);
}

/** The `<option>`s (and `<optgroup>`s) of the items `selectField` takes. */
export function optionElements(items) {
  return items.map((o) =>
    o.group !== undefined
      ? h('optgroup', { label: o.group }, o.options.map((g) => h('option', { value: g.value }, g.label)))
      : h('option', { value: o.value }, o.label),
  );
}

/**
 * A labelled `<select>`; `options` is `[{ value, label }]`, where an item
 * `{ group, options }` is a labelled group of such options.
 */
export function selectField({ id, label, options, value, hint, autofocus = false }) {
  const hintId = hint ? `${id}-hint` : null;
  const select = h(
    'select',
    {
      id,
      name: id,
      class: 'input',
      'aria-describedby': describedBy(hintId, `${id}-error`),
      dataset: autofocus ? { autofocus: '' } : null,
    },
    optionElements(options),
  );
  if (value !== undefined) select.value = value;
  return withError(select, id, label, hintId ? h('p', { id: hintId, class: 'field__hint' }, hint) : null);
}

function withError(control, id, label, hintEl) {
  const error = h('p', { id: `${id}-error`, class: 'field__error' });
  const element = h('div', { class: 'field' }, h('label', { for: id, class: 'field__label' }, label), hintEl, error, control);
  return {
    element,
    input: control,
    setError(text) {
      replace(error, text);
      control.setAttribute('aria-invalid', 'true');
    },
    clearError() {
      error.replaceChildren();
      control.removeAttribute('aria-invalid');
    },
  };
}

/** A checkbox with its label to the right. Returns `{ element, input }`. */
export function checkboxField({ id, label, autofocus = false }) {
  const input = h('input', { id, name: id, type: 'checkbox', class: 'check__box', dataset: autofocus ? { autofocus: '' } : null });
  const element = h('div', { class: 'check' }, input, h('label', { for: id, class: 'check__label' }, label));
  return { element, input };
}

/**
 * Radio buttons in a fieldset whose legend names the choice. `options` is
 * `[{ value, label, lang }]` (`lang` marks a label written in another
 * language); each radio's id is `<id>-<value>`. Returns `{ element, inputs,
 * value(), setError(text), clearError() }`; `value()` is `''` until one is chosen.
 */
export function radioGroup({ id, legend, options, hint, value, autofocus = false }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const inputs = options.map((o, i) =>
    h('input', {
      id: `${id}-${o.value}`,
      name: id,
      type: 'radio',
      class: 'radio__input',
      value: o.value,
      checked: o.value === value,
      dataset: autofocus && i === 0 ? { autofocus: '' } : null,
    }),
  );
  const error = h('p', { id: errorId, class: 'field__error' });
  const element = h(
    'fieldset',
    { id, class: 'fieldset', 'aria-describedby': describedBy(hintId, errorId) },
    h('legend', { class: 'fieldset__legend' }, legend),
    hintId ? h('p', { id: hintId, class: 'field__hint' }, hint) : null,
    error,
    h(
      'div',
      { class: 'radios' },
      options.map((o, i) =>
        h('div', { class: 'radio' }, inputs[i], h('label', { for: inputs[i].id, class: 'radio__label', lang: o.lang }, o.label)),
      ),
    ),
  );
  return {
    element,
    inputs,
    value() {
      const chosen = inputs.find((input) => input.checked);
      return chosen ? chosen.value : '';
    },
    setError(text) {
      replace(error, text);
      element.setAttribute('aria-invalid', 'true');
    },
    clearError() {
      error.replaceChildren();
      element.removeAttribute('aria-invalid');
    },
  };
}

/**
 * A form that never reloads the page: Enter in any field submits it, and
 * `onSubmit` runs at most once at a time (a second Enter while the core is
 * still working is ignored). Buttons are not disabled while busy, so keyboard
 * focus stays where it was.
 */
export function form({ id, label, onSubmit, className }, ...children) {
  const el = h('form', {
    id,
    class: className ? `form ${className}` : 'form',
    novalidate: true,
    'aria-label': label,
    onsubmit: async (event) => {
      event.preventDefault();
      if (el.getAttribute('aria-busy') === 'true') return;
      el.setAttribute('aria-busy', 'true');
      try {
        await onSubmit(event);
      } finally {
        el.setAttribute('aria-busy', 'false');
      }
    },
  });
  return replace(el, ...children);
}

/**
 * Marks `control` invalid (`aria-invalid`) and adds `errorId`, the element
 * that says what is wrong, to what describes it. `unmarkInvalid` undoes both.
 */
export function markInvalid(control, errorId) {
  control.setAttribute('aria-invalid', 'true');
  const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!ids.includes(errorId)) control.setAttribute('aria-describedby', [...ids, errorId].join(' '));
}

/** Undoes `markInvalid(control, errorId)`. */
export function unmarkInvalid(control, errorId) {
  control.removeAttribute('aria-invalid');
  const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && id !== errorId);
  if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

/** Clears the field errors of `fields` (from `textField`/`selectField`). */
export function clearFieldErrors(...fields) {
  for (const f of fields) f.clearError();
}

/**
 * Shows a refusal from the core where it belongs: when `err.field` names
 * one of `fields` (an object of `textField` results keyed by the names the
 * core uses, e.g. `{ email, birth_date }`), on that field (`aria-invalid`,
 * described by the error, cursor in it); otherwise in the alert `region`.
 * Returns the field marked, or null.
 */
export function showErrorOn(region, err, fields) {
  const key = err && typeof err.field === 'string' ? err.field : null;
  const target = key && Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : null;
  if (!target) {
    showError(region, err);
    return null;
  }
  fieldError(target, errorText(err));
  return target;
}

/** Marks `field` invalid with `text` and puts the cursor in it. */
export function fieldError(field, text) {
  field.setError(text);
  focus(field.input);
}

/**
 * Marks the input of `field` invalid (`aria-invalid`) without a text of its
 * own, for a refusal shown in the alert region, and puts the cursor in it.
 */
export function markRefused(field) {
  field.input.setAttribute('aria-invalid', 'true');
  focus(field.input);
}

/**
 * One submission to the core, the same way on every screen:
 *
 * 1. empties `alert` and `status` (either may be left out) and the errors of
 *    `fields` (`textField`-like results, an array or an object keyed by the
 *    names the core uses in `err.field`);
 * 2. runs `check()`, if given: it returns what was typed, checked (passed on
 *    to `work`), or nothing after marking what is wrong, which ends the
 *    submission there;
 * 3. runs `work(checked)`, with `busy` (an element, usually the button) marked
 *    `aria-busy` and, if `busyLabel` is given, showing it as its text;
 * 4. if `work` fails, `onError(err)` says so when given; otherwise the
 *    refusal is shown on the field `err.field` names (among `fields` given as
 *    an object: `aria-invalid`, the cursor in it) or in `alert`.
 *
 * Resolves to what `work` returned, or undefined when it stopped or failed.
 */
export async function submitWith({ alert, status, fields = [], check, busy, busyLabel }, work, onError) {
  if (alert) clear(alert);
  if (status) clear(status);
  clearFieldErrors(...Object.values(fields));
  let checked;
  if (check) {
    checked = check();
    if (!checked) return undefined;
  }
  const label = busy ? busy.textContent : null;
  if (busy) {
    busy.setAttribute('aria-busy', 'true');
    if (busyLabel) busy.textContent = busyLabel;
  }
  try {
    return await work(checked);
  } catch (err) {
    if (onError) onError(err);
    else showErrorOn(alert, err, Array.isArray(fields) ? {} : fields);
    return undefined;
  } finally {
    if (busy) {
      if (busyLabel) busy.textContent = label;
      busy.setAttribute('aria-busy', 'false');
    }
  }
}
