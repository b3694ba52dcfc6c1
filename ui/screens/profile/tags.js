//! The tags panel: the customer's tags, and (when the session's `allowed`
//! lists `edit_customer`) the form to set them.

import { h } from '../../components/dom.js';
import { textField, form, button, showText, submitWith } from '../../components/form.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

/** The tags panel for `tags` (strings). */
export function tagsPanel({ customerId, alert, status, allowed, load }, tags) {
  const chips =
    tags.length > 0
      ? h('ul', { id: 'profile-tags', class: 'tags' }, tags.map((tag) => h('li', { class: 'tag' }, tag)))
      : h('p', { id: 'profile-tags', class: 'muted' }, t('profile.noTags'));
  if (!allowed('edit_customer')) return panel('profile-tags-panel', t('profile.tagsTitle'), chips);
  const input = textField({
    id: 'profile-tags-input',
    label: t('profile.tagsEdit'),
    hint: t('profile.tagsHint'),
    value: tags.join(', '),
  });
  const editor = form(
    {
      id: 'profile-tags-form',
      label: t('profile.tagsTitle'),
      onSubmit: () =>
        submitWith({ alert, status, fields: { tags: input } }, async () => {
          const list = input.input.value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          const saved = await call('tags_set', { customerId, tags: list });
          showText(status, saved.length > 0 ? t('profile.tagsSaved', { tags: saved.join(', ') }) : t('profile.tagsCleared'));
          await load({ focusId: 'profile-tags-input' });
        }),
    },
    input.element,
    h('div', { class: 'actions actions--start' }, button(t('profile.tagsSave'), { id: 'profile-tags-save', kind: 'secondary', type: 'submit' })),
  );
  return panel('profile-tags-panel', t('profile.tagsTitle'), chips, editor);
}

