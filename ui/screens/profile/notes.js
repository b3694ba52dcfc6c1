//! The notes panel: the customer's notes, and (when the session's `allowed`
//! lists `add_note`) the form to add one (Enter starts a new line,
//! Ctrl+Enter adds it).

import { h } from '../../components/dom.js';
import { textAreaField, form, button, showText, submitWith } from '../../components/form.js';
import { timeCell } from '../../components/labels.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

/** The notes panel for `notes` (`{ id, text, at, by }`). */
export function notesPanel({ customerId, alert, status, allowed, load }, notes) {
  const list =
    notes.length === 0
      ? h('p', { class: 'muted' }, t('profile.noNotes'))
      : h(
          'ul',
          { id: 'profile-notes', class: 'entries' },
          notes.map((n) =>
            h(
              'li',
              { class: 'entry', dataset: { note: n.id } },
              h('p', { class: 'entry__text' }, n.text),
              h('p', { class: 'entry__meta' }, timeCell(n.at), ` · ${n.by}`),
            ),
          ),
        );
  if (!allowed('add_note')) return panel('profile-notes-panel', t('profile.notesTitle'), list);
  const text = textAreaField({ id: 'profile-note-text', label: t('profile.noteNew'), hint: t('profile.noteHint'), rows: 2 });
  const noteForm = form(
    {
      id: 'profile-note-form',
      label: t('profile.addNote'),
      onSubmit: () =>
        submitWith({ alert, status, fields: { note: text } }, async () => {
          await call('note_add', { customerId, text: text.input.value });
          showText(status, t('profile.noteAdded'));
          await load({ focusId: 'profile-note-text' });
        }),
    },
    text.element,
    h(
      'div',
      { class: 'actions actions--start' },
      button(t('profile.noteSave'), { id: 'profile-note-save', kind: 'secondary', type: 'submit', shortcut: 'Ctrl+Enter' }),
    ),
  );
  // Enter starts a new line in a note; Ctrl+Enter adds it.
  text.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.ctrlKey) {
      event.preventDefault();
      noteForm.requestSubmit();
    }
  });
  return panel('profile-notes-panel', t('profile.notesTitle'), list, noteForm);
}

