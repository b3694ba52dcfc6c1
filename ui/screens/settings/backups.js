//! The Backups part of Settings (owner and manager: `make_backup`): the
//! folder backups go to (the owner sets it: `change_settings`), the last
//! backup and the next one in words and local time, "Back up now", this
//! vault's latest backups in the folder, and what went wrong in plain
//! words. Steward backs up once a day by itself while it is open; when a
//! backup is due, how it is sealed and who may make one are the core's
//! rules (`backups_overview`, `backup_folder_set`, `backup_now`).

import { h, replace } from '../../components/dom.js';
import { textField, form, button, alertRegion, statusRegion, showError, showText, submitWith } from '../../components/form.js';
import { may } from '../../components/roles.js';
import { call } from '../../api.js';
import { t, has, currentLanguage } from '../../i18n.js';

/** A UTC time from the core as the user's local date and time. */
export function localWhen(iso) {
  const text = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  return h('time', { datetime: iso }, text);
}

/** A file's size in words: "2.3 MB". */
export function size(bytes) {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  return new Intl.NumberFormat(currentLanguage(), {
    style: 'unit',
    unit: units[i],
    unitDisplay: i === 0 ? 'long' : 'short',
    maximumFractionDigits: i === 0 ? 0 : 1,
  }).format(n);
}

/** The failure's sentence: the code's own text, else the core's. */
function failureText(f) {
  const key = `error.${f.code}`;
  return has(key) ? t(key) : f.message;
}

/** The Backups panel, loading. */
export function backupsPanel(session) {
  const alert = alertRegion('backups-error');
  const status = statusRegion('backups-status');
  const summary = h('div', { id: 'backups-summary', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.backups.loading')));
  const list = h('div', { id: 'backups-list' });
  const owner = may(session, 'change_settings');
  const folder = owner
    ? textField({ id: 'backups-folder', label: t('settings.backups.folderLabel'), hint: t('settings.backups.folderHint') })
    : null;
  const folderShown = h('p', { id: 'backups-folder-shown' });

  function show(o) {
    summary.setAttribute('aria-busy', 'false');
    if (folder && document.activeElement !== folder.input) folder.input.value = o.folder || '';
    replace(folderShown, owner ? '' : o.folder ? t('settings.backups.folderIs', { folder: o.folder }) : t('settings.backups.noFolder'));
    const lines = [];
    const last = o.backups[0];
    lines.push(
      h(
        'p',
        { id: 'backups-last', class: o.overdue ? 'backups__overdue' : null },
        last
          ? [t('settings.backups.lastLabel'), ' ', localWhen(last.createdAt), ', ', size(last.bytes)]
          : t(o.folder && !o.reachable ? 'settings.backups.lastUnknown' : 'settings.backups.none'),
      ),
    );
    if (!o.folder) {
      lines.push(h('p', { id: 'backups-next' }, t('settings.backups.noSchedule')));
    } else if (o.nextAt) {
      const due = new Date(o.nextAt) <= new Date();
      lines.push(
        h('p', { id: 'backups-next' }, due ? t('settings.backups.nextSoon') : [t('settings.backups.nextLabel'), ' ', localWhen(o.nextAt)]),
      );
    }
    if (o.folder && !o.reachable) {
      lines.push(h('p', { id: 'backups-unreachable', class: 'alert__text' }, t('settings.backups.unreachable')));
    }
    if (o.lastFailure) {
      lines.push(
        h(
          'p',
          { id: 'backups-failure', class: 'alert__text' },
          t('settings.backups.failedLabel'),
          ' ',
          localWhen(o.lastFailure.at),
          ': ',
          failureText(o.lastFailure),
        ),
      );
    }
    if (o.running) lines.push(h('p', { id: 'backups-running', class: 'muted' }, t('settings.backups.running')));
    replace(summary, ...lines);

    if (o.backups.length === 0) {
      replace(list);
      return;
    }
    replace(
      list,
      h(
        'table',
        { id: 'backups-table', class: 'table' },
        h('caption', {}, t('settings.backups.listCaption', { shown: o.backups.length, count: o.count })),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('settings.backups.colWhen')), h('th', { scope: 'col' }, t('settings.backups.colSize')), h('th', { scope: 'col' }, t('settings.backups.colChecked'))),
        ),
        h(
          'tbody',
          {},
          o.backups.map((b) =>
            h(
              'tr',
              { dataset: { verified: String(b.verified) } },
              h('td', {}, localWhen(b.createdAt)),
              h('td', {}, size(b.bytes)),
              h('td', {}, t(b.verified ? 'settings.backups.verified' : 'settings.backups.sealed')),
            ),
          ),
        ),
      ),
    );
  }

  async function load() {
    try {
      show(await call('backups_overview'));
    } catch (err) {
      summary.setAttribute('aria-busy', 'false');
      replace(summary);
      showError(alert, err);
    }
  }

  const parts = [];
  if (folder) {
    const save = button(t('settings.backups.folderSave'), { id: 'backups-folder-save', type: 'submit', kind: 'secondary' });
    parts.push(
      form(
        {
          id: 'backups-folder-form',
          label: t('settings.backups.folderLabel'),
          onSubmit: () =>
            submitWith({ alert, status, fields: { 'backup folder': folder }, busy: save }, async () => {
              const o = await call('backup_folder_set', { folder: folder.input.value });
              show(o);
              showText(status, o.folder ? t('settings.backups.folderSaved') : t('settings.backups.folderCleared'));
            }),
        },
        folder.element,
        h('div', { class: 'actions actions--start' }, save),
      ),
    );
  } else {
    parts.push(folderShown);
  }
  const now = button(t('settings.backups.now'), {
    id: 'backups-now',
    onclick: () =>
      submitWith({ alert, status, busy: now, busyLabel: t('settings.backups.running') }, async () => {
        try {
          const made = await call('backup_now');
          if (made) {
            replace(status, h('p', {}, t('settings.backups.made'), ' ', localWhen(made.createdAt), ', ', size(made.bytes)));
          } else {
            showText(status, t('settings.backups.alreadyRunning'));
          }
        } finally {
          await load();
        }
      }),
  });

  load();
  return h(
    'section',
    { id: 'settings-backups', class: 'panel', 'aria-labelledby': 'settings-backups-title' },
    h('h2', { id: 'settings-backups-title' }, t('settings.backups.title')),
    h('p', {}, t('settings.backups.intro')),
    alert,
    status,
    ...parts,
    summary,
    h('div', { class: 'actions actions--start' }, now),
    list,
  );
}
