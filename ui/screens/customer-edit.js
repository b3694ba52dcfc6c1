//! Edit details (full view only): corrects what the shop holds about a
//! customer with `customer_correct`. One input per field the profile holds
//! and per catalog field the shop has switched on (`fields_list`); an
//! emptied input removes the value. Only the fields that changed are sent,
//! all at once: the core checks every value (format, card numbers, whether
//! the field is switched on and a purpose the customer agreed to covers it)
//! and stores all or nothing. A refusal about one field is shown on it.

import { h, focus } from '../components/dom.js';
import { textField, textAreaField, form, button, showError, showText, submitWith, fieldError } from '../components/form.js';
import { dateForInput, dateHint, dateInvalid, parseDate } from '../components/format.js';
import { sessionLayout } from '../components/layout.js';
import { fieldLabel } from '../components/labels.js';
import { call } from '../api.js';
import { t, has } from '../i18n.js';

/** Input types by field kind; other kinds are one line of text. */
const INPUT_TYPES = { email: 'email', phone: 'tel' };

/** `params`: `customerId`, `purpose` and `profile` (the full view just shown). */
export function render(ctx, params = {}) {
  const { customerId, purpose, profile } = params;
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'customer-edit',
    current: 'customers',
    title: t('edit.title'),
    params,
  });
  const back = () => ctx.navigate('profile', { customerId, purpose });

  if (!profile || profile.view !== 'full') {
    showText(alert, t('edit.noProfile'));
    content.append(h('div', { class: 'actions actions--start' }, button(t('edit.back'), { id: 'edit-back', kind: 'secondary', onclick: back })));
    return root;
  }

  const held = profile.fields;
  const body = h('div', { id: 'edit-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('edit.loading')));
  content.append(
    h('p', { id: 'edit-intro', class: 'lead' }, t('edit.intro', { name: held.name || '', number: customerId })),
    body,
  );

  function hintFor(setting, isHeld) {
    const parts = [];
    if (has(`edit.hint.${setting.kind}`)) parts.push(setting.kind === 'date' ? dateHint('edit.hint.date') : t(`edit.hint.${setting.kind}`));
    if (setting.sensitivity === 'sensitive') parts.push(t('edit.hintSensitive'));
    if (!setting.enabled && isHeld) parts.push(t('edit.hintSwitchedOff'));
    return parts.length > 0 ? parts.join(' ') : null;
  }

  async function load() {
    let settings;
    try {
      settings = await call('fields_list');
    } catch (err) {
      body.replaceChildren();
      showError(alert, err);
      return;
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
    const shown = settings.filter((s) => s.enabled || Object.prototype.hasOwnProperty.call(held, s.key));
    /** The inputs by field key, as the core names them in `error.field`. */
    const inputs = {};
    for (const s of shown) {
      const isHeld = Object.prototype.hasOwnProperty.call(held, s.key);
      // A date is shown, and typed, in the language's order.
      const shownValue = isHeld ? (s.kind === 'date' ? dateForInput(held[s.key]) : held[s.key]) : '';
      const common = { id: `edit-${s.key}`, label: fieldLabel(s.key), hint: hintFor(s, isHeld), value: shownValue };
      inputs[s.key] =
        s.kind === 'multiline_text'
          ? textAreaField({ ...common, rows: 3 })
          : textField({ ...common, type: INPUT_TYPES[s.kind] || 'text', inputmode: s.kind === 'date' ? 'numeric' : undefined });
      inputs[s.key].input.dataset.field = s.key;
    }
    const dates = new Set(shown.filter((s) => s.kind === 'date').map((s) => s.key));
    // An emptied input is a value to remove; one left as it was is not sent.
    // A date goes to the core as YYYY-MM-DD, whatever order it was typed in;
    // one that cannot be read is marked here (null is returned).
    const changes = () => {
      const list = [];
      for (const [key, f] of Object.entries(inputs)) {
        const isHeld = Object.prototype.hasOwnProperty.call(held, key);
        const before = isHeld ? (dates.has(key) ? dateForInput(held[key]) : held[key]) : '';
        const now = f.input.value;
        if (now.trim() === before.trim()) continue;
        if (now.trim() === '') {
          list.push({ field: key, value: null });
        } else if (dates.has(key)) {
          const iso = parseDate(now);
          if (!iso) {
            fieldError(f, dateInvalid());
            return null;
          }
          list.push({ field: key, value: iso });
        } else {
          list.push({ field: key, value: now });
        }
      }
      return list;
    };

    const editForm = form(
      {
        id: 'edit-form',
        label: t('edit.title'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              status,
              fields: inputs,
              check: () => {
                const list = changes();
                if (list && list.length === 0) showText(status, t('edit.nothing'));
                return list && list.length > 0 ? list : null;
              },
            },
            async (list) => {
              const changed = await call('customer_correct', { customerId, changes: list });
              // Say what happened to each detail: changed, or removed.
              const removed = new Set(list.filter((c) => c.value === null).map((c) => c.field));
              const named = (keys) => keys.map(fieldLabel).join(', ');
              const kept = changed.filter((k) => !removed.has(k));
              const gone = changed.filter((k) => removed.has(k));
              const notice = [kept.length ? t('edit.saved', { fields: named(kept) }) : '', gone.length ? t('edit.removed', { fields: named(gone) }) : '']
                .filter(Boolean)
                .join(' ');
              ctx.navigate('profile', { customerId, purpose, notice });
            },
          ),
      },
      Object.values(inputs).map((f) => f.element),
      h(
        'div',
        { class: 'actions' },
        button(t('edit.cancel'), { id: 'edit-cancel', kind: 'secondary', shortcut: 'Esc', onclick: back }),
        button(t('edit.save'), { id: 'edit-save', type: 'submit', shortcut: 'Ctrl+Enter' }),
      ),
    );
    editForm.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        back();
      } else if (event.key === 'Enter' && event.ctrlKey) {
        event.preventDefault();
        editForm.requestSubmit();
      }
    });
    body.replaceChildren(h('div', { class: 'panel' }, editForm));
    const first = shown[0] && inputs[shown[0].key];
    if (first) focus(first.input);
  }

  load();
  return root;
}
