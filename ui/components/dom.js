//! Builds DOM nodes safely. `h()` is the only way screens create elements:
//! text always becomes a text node and attributes go through `setAttribute`
//! or a known property, so data can never be parsed as HTML, and the CSP's
//! ban on inline handlers and styles cannot be broken by accident.

/** Attributes that would turn data into markup, script or inline style. */
const FORBIDDEN = new Set(['innerhtml', 'outerhtml', 'srcdoc', 'style']);

/** Attributes set as properties, because the property is the live state. */
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required', 'readOnly', 'multiple']);

/**
 * Creates an element.
 *
 * `attrs` keys:
 * - `class`: the class name(s);
 * - `onclick`, `onsubmit`, ... (a function): an event listener;
 * - `dataset`: an object of `data-*` values;
 * - `value`, `checked`, `disabled`, `hidden`, ...: set as properties;
 * - anything else: an attribute (`true` sets it empty, `false`/`null`/`undefined` leaves it out).
 *
 * `children` may be strings (added as text), nodes, arrays of them, or
 * `null`/`false` (skipped), so optional parts can be written inline.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    const lower = key.toLowerCase();
    if (FORBIDDEN.has(lower)) {
      throw new Error(`h(): the attribute "${key}" is not allowed`);
    }
    if (lower.startsWith('on')) {
      if (typeof value !== 'function') {
        throw new Error(`h(): "${key}" must be a function`);
      }
      el.addEventListener(lower.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      for (const [name, v] of Object.entries(value)) el.dataset[name] = String(v);
    } else if (PROPERTIES.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (strings as text nodes, nodes, nested arrays; skips null/false). */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
  return parent;
}

/** Replaces all children of `parent` with `children`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Moves keyboard focus to `el` (if any) without scrolling surprises. */
export function focus(el) {
  if (el && typeof el.focus === 'function') el.focus();
}
