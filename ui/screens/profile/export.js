//! The export panel (full view): the copy of everything held about the
//! customer, made for them at their request (`customer_export`), shown when
//! the session's `allowed` lists `export_for_customer`. A copy is made only
//! on a profile opened for the customer's request; opened for anything
//! else, the panel says so and offers to open the profile again for that
//! purpose. The form asks for the folder to save in (it starts at the
//! user's Documents or home folder, from `export_folder`), the language of
//! the pages and an optional ZIP passphrase; the core checks all three and
//! names the file. While the core works the form is busy; afterwards the
//! panel says where the file is and that Steward keeps no copy.

import { h, replace, focus } from '../../components/dom.js';
import { alertRegion, button, form, selectField, textField, submitWith } from '../../components/form.js';
import { labelOr, accessPurposeLabel } from '../../components/labels.js';
import { workingBar } from '../../components/progress.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

const REQUEST = 'customer-request';
const LANGS = ['en', 'ca', 'es', 'id'];

/** The export panel for full view `p`. */
export function exportPanel(profile, p) {
  const { ctx, customerId, purpose } = profile;
  if (purpose !== REQUEST) {
    const canReopen = (ctx.session.accessPurposes || []).includes(REQUEST);
    return panel(
      'profile-export',
      t('profile.export.title'),
      h(
        'p',
        { id: 'profile-export-needs-request', class: 'muted' },
        t('profile.export.needsRequest', { purpose: accessPurposeLabel(REQUEST), current: accessPurposeLabel(purpose) }),
      ),
      canReopen
        ? h(
            'div',
            { class: 'actions actions--start' },
            button(t('profile.export.reopen', { purpose: accessPurposeLabel(REQUEST) }), {
              id: 'profile-export-reopen',
              kind: 'secondary',
              onclick: () => ctx.navigate('profile', { customerId, purpose: REQUEST }),
            }),
          )
        : null,
    );
  }

  const area = h('div', { id: 'profile-export-area', class: 'export__area' });
  const start = button(t('profile.export.start'), {
    id: 'profile-export-start',
    kind: 'secondary',
    onclick: () => {
      const open = document.getElementById('profile-export-folder');
      if (open) focus(open);
      else openForm(profile, p, area, start);
    },
  });
  start.setAttribute('aria-expanded', 'false');
  start.setAttribute('aria-controls', 'profile-export-area');
  return panel(
    'profile-export',
    t('profile.export.title'),
    h('p', { class: 'muted' }, t('profile.export.intro')),
    h('div', { class: 'actions actions--start' }, start),
    area,
  );
}

/** Shows the export form in `area` (the folder field first, with the cursor in it). */
async function openForm(profile, p, area, start) {
  const { customerId } = profile;
  const alert = alertRegion('profile-export-error');
  const folder = textField({
    id: 'profile-export-folder',
    label: t('profile.export.folderLabel'),
    hint: t('profile.export.folderHint'),
  });
  const lang = selectField({
    id: 'profile-export-lang',
    label: t('profile.export.langLabel'),
    options: LANGS.map((l) => ({ value: l, label: labelOr('consent.languages', l) })),
    value: LANGS.includes(p.lang) ? p.lang : 'en',
  });
  const passphrase = textField({
    id: 'profile-export-passphrase',
    label: t('profile.export.passphraseLabel'),
    hint: t('profile.export.passphraseHint'),
    type: 'password',
    autocomplete: 'new-password',
  });
  // The core reports no steps: an indeterminate bar while it works.
  const progress = workingBar('profile-export-progress', t('profile.export.working'));
  const submit = button(t('profile.export.submit'), { id: 'profile-export-submit', type: 'submit' });
  const cancel = button(t('common.cancel'), {
    id: 'profile-export-cancel',
    kind: 'secondary',
    onclick: () => {
      area.replaceChildren();
      start.setAttribute('aria-expanded', 'false');
      focus(start);
    },
  });
  const exportForm = form(
    {
      id: 'profile-export-form',
      label: t('profile.export.title'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            fields: { folder, 'zip passphrase': passphrase, language: lang },
            busy: submit,
            busyLabel: t('profile.export.busy'),
          },
          async () => {
            progress.hidden = false;
            area.setAttribute('aria-busy', 'true');
            try {
              const saved = await call('customer_export', {
                customerId,
                folder: folder.input.value,
                lang: lang.input.value,
                zipPassphrase: passphrase.input.value === '' ? null : passphrase.input.value,
              });
              passphrase.input.value = '';
              showDone(area, start, saved);
              return saved;
            } finally {
              progress.hidden = true;
              area.setAttribute('aria-busy', 'false');
            }
          },
        ),
    },
    folder.element,
    lang.element,
    passphrase.element,
    progress,
    h('div', { class: 'actions actions--start' }, submit, cancel),
  );
  replace(area, alert, exportForm);
  start.setAttribute('aria-expanded', 'true');
  area.scrollIntoView({ block: 'nearest' });
  focus(folder.input);
  try {
    const suggested = await call('export_folder');
    // Whatever the user typed meanwhile stays.
    if (folder.input.value === '') folder.input.value = suggested.path;
  } catch {
    // The field stays empty: the user types the folder.
  }
}

/** Replaces the form with where the file went, and that Steward keeps no copy. */
function showDone(area, start, saved) {
  const done = h(
    'div',
    { id: 'profile-export-done', class: 'notice export__done', role: 'status', tabindex: '-1' },
    h('p', {}, h('strong', {}, t('profile.export.done'))),
    h('p', { id: 'profile-export-path', class: 'path' }, saved.path),
    h(
      'p',
      {},
      t(saved.encrypted ? 'profile.export.encrypted' : 'profile.export.notEncrypted', {
        files: saved.files,
        lang: labelOr('consent.languages', saved.lang),
      }),
    ),
    h('p', {}, t('profile.export.noCopy')),
  );
  replace(area, done);
  start.setAttribute('aria-expanded', 'false');
  done.scrollIntoView({ block: 'nearest' });
  focus(done);
}
