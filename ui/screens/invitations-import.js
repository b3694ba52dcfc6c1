//! Coming from a spreadsheet (owner; Settings links here): the shop's old
//! customer list becomes invitations, never customers. The owner chooses a
//! CSV file (read here, sent as text) or pastes rows copied from a
//! spreadsheet, says which column holds what (found from the header row
//! unless told), checks the file (`invitations_preview`: counts, and each
//! row left out with its row number, the detail in words and why), then
//! imports (`invitations_import`, on the core's worker; the bar follows
//! `invitations_import_progress`). Below: how many invitations wait and
//! when the next ones go (`invitations_status`, owner and manager), and how
//! long they wait (`settings_set_invitation_expiry`, owner). Every check,
//! count and limit is the core's; nothing of the file is kept here once it
//! is imported.

import { h, replace, focus } from '../components/dom.js';
import { textField, textAreaField, selectField, form, button, alertRegion, statusRegion, showError, showText, clear, fieldError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { fieldLabel } from '../components/labels.js';
import { formatDateTime } from '../components/format.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t, tn, has, formatNumber } from '../i18n.js';

/** How often the progress bar asks how far the import is, in milliseconds. */
const PROGRESS_MS = 200;

/** The columns an invitation can take from the file, in the order asked. */
const COLUMNS = ['name', 'email', 'phone', 'notes'];

export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'invitations',
    current: 'settings',
    title: t('invitations.title'),
    params,
  });

  const owner = may(ctx.session, 'import_invitations');
  /** How many days invitations wait: set by the owner, filled in from the status. */
  const expiryDays = owner
    ? textField({ id: 'invitations-expiry-days', label: t('invitations.expiryDays'), hint: t('invitations.expiryHint'), type: 'number', inputmode: 'numeric', min: 1, max: 365, step: 1, className: 'input--short' })
    : null;
  const statusPanel = may(ctx.session, 'view_invitation_counts') ? waitingPanel() : null;
  if (owner) content.append(importPanel());
  if (statusPanel) content.append(statusPanel.element);
  if (owner) content.append(expiryPanel());
  return root;

  // ---- The import ----

  function importPanel() {
    /** The chosen file's text (it never leaves this screen but to the core). */
    let fileText = '';
    const file = h('input', {
      id: 'import-file',
      type: 'file',
      class: 'input input--file',
      accept: '.csv,text/csv,text/plain',
      'aria-describedby': 'import-file-hint',
      dataset: { autofocus: '' },
    });
    const fileState = h('p', { id: 'import-file-state', class: 'field__hint', role: 'status' });
    file.addEventListener('change', async () => {
      const chosen = file.files && file.files[0];
      fileState.textContent = chosen ? t('invitations.fileReading') : '';
      fileText = chosen ? await chosen.text() : '';
      fileState.textContent = chosen ? t('invitations.fileRead') : '';
      forgetPreview();
    });
    const paste = textAreaField({ id: 'import-paste', label: t('invitations.paste'), hint: t('invitations.pasteHint'), rows: 3 });
    paste.input.spellcheck = false;
    paste.input.addEventListener('input', forgetPreview);
    const header = selectField({
      id: 'import-header',
      label: t('invitations.header'),
      options: ['detect', 'present', 'absent'].map((value) => ({ value, label: t(`invitations.headerChoice.${value}`) })),
      value: 'detect',
    });
    const columns = COLUMNS.map((key) =>
      textField({ id: `import-column-${key}`, label: columnLabel(key), className: 'input--short' }),
    );
    for (const c of [header, ...columns]) c.input.addEventListener('change', forgetPreview);

    const check = button(t('invitations.check'), { id: 'import-check', type: 'submit' });
    const result = h('div', { id: 'import-preview', 'aria-live': 'polite' });
    const importAlert = alertRegion('import-error');
    const importStatus = statusRegion('import-status');

    /** What the last check was made with, so the import sends the same. */
    let checked = null;

    function forgetPreview() {
      checked = null;
      replace(result);
    }

    function source() {
      // Pasted rows win over a file: the owner chose them last, on this screen.
      return paste.input.value.trim() !== '' ? paste.input.value : fileText;
    }

    function mapping() {
      const out = { header: header.input.value };
      columns.forEach((c, i) => {
        if (c.input.value.trim() !== '') out[COLUMNS[i]] = c.input.value.trim();
      });
      return out;
    }

    const checkForm = form(
      {
        id: 'import-form',
        label: t('invitations.importTitle'),
        onSubmit: () =>
          submitWith(
            {
              alert: importAlert,
              status: importStatus,
              check: () => {
                clear(importStatus);
                const csv = source();
                if (csv.trim() === '') return fieldError(paste, t('invitations.nothingChosen'));
                paste.clearError();
                return { csv, mapping: mapping() };
              },
              busy: check,
              busyLabel: t('invitations.checking'),
            },
            async (args) => {
              const preview = await call('invitations_preview', args);
              checked = args;
              showPreview(preview);
            },
            (err) => {
              forgetPreview();
              showError(importAlert, err);
            },
          ),
      },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'import-file', class: 'field__label' }, t('invitations.file')),
        h('p', { id: 'import-file-hint', class: 'field__hint' }, t('invitations.fileHint')),
        file,
        fileState,
      ),
      paste.element,
      h(
        'fieldset',
        { class: 'fieldset import__columns' },
        h('legend', { class: 'fieldset__legend' }, t('invitations.columnsLegend')),
        h('p', { class: 'field__hint' }, t('invitations.columnsHint')),
        header.element,
        h('div', { class: 'import__column-grid' }, columns.map((c) => c.element)),
      ),
      h('div', { class: 'actions actions--start' }, check),
    );

    function showPreview(p) {
      const counts = h(
        'dl',
        { id: 'import-counts', class: 'summary' },
        h('dt', {}, t('invitations.countRows')),
        h('dd', {}, formatNumber(p.rows)),
        h('dt', {}, t('invitations.countReady')),
        h('dd', { id: 'import-ready' }, formatNumber(p.ready)),
        h('dt', {}, t('invitations.countInvalid')),
        h('dd', { id: 'import-invalid' }, formatNumber(p.invalid)),
        h('dt', {}, t('invitations.countDuplicates')),
        h('dd', {}, formatNumber(p.duplicates)),
        h('dt', {}, t('invitations.countEmpty')),
        h('dd', {}, formatNumber(p.empty)),
      );
      const used = COLUMNS.filter((key) => p.columns[key] !== null && p.columns[key] !== undefined).map((key) => {
        const n = p.columns[key];
        const title = p.columns.header && p.columns.header[n - 1];
        return title
          ? t('invitations.columnUsedTitled', { field: columnLabel(key), n: formatNumber(n), title })
          : t('invitations.columnUsed', { field: columnLabel(key), n: formatNumber(n) });
      });
      const skipped = (p.skippedFields || []).map((key) => t('invitations.columnSkipped', { field: columnLabel(key) }));
      const problems =
        p.problems.length > 0
          ? [
              h('h3', { id: 'import-problems-title' }, tn('invitations.problemsTitle', p.problemCount, { count: formatNumber(p.problemCount) })),
              h(
                'div',
                { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': 'import-problems-title' },
                h(
                  'table',
                  { id: 'import-problems', class: 'table' },
                  h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('invitations.problemRow')), h('th', { scope: 'col' }, t('invitations.problemField')), h('th', { scope: 'col' }, t('invitations.problemWhy')))),
                  h(
                    'tbody',
                    {},
                    p.problems.map((pr) =>
                      h('tr', {}, h('td', {}, formatNumber(pr.row)), h('td', {}, columnLabel(pr.field)), h('td', {}, problemText(pr))),
                    ),
                  ),
                ),
              ),
              p.problemCount > p.problems.length
                ? h('p', { class: 'muted' }, t('invitations.problemsMore', { shown: formatNumber(p.problems.length) }))
                : null,
            ]
          : [h('p', { id: 'import-no-problems' }, t('invitations.noProblems'))];

      const bar = h('progress', { id: 'import-progress', class: 'import__bar', max: 1, value: 0, 'aria-labelledby': 'import-progress-text' });
      const barText = h('p', { id: 'import-progress-text', class: 'muted' }, t('invitations.importing'));
      const working = h('div', { class: 'working', hidden: true }, bar, barText);
      const go =
        p.ready > 0
          ? button(tn('invitations.importButton', p.ready, { count: formatNumber(p.ready) }), { id: 'import-go', onclick: () => runImport(go, working, bar, barText) })
          : null;
      replace(
        result,
        h('h3', { id: 'import-preview-title', tabindex: '-1' }, t('invitations.previewTitle')),
        counts,
        used.length > 0 || skipped.length > 0 ? h('ul', { id: 'import-columns', class: 'import__columns-used' }, [...used, ...skipped].map((text) => h('li', {}, text))) : null,
        problems,
        h('p', {}, tn('invitations.expireNote', p.expireAfterDays, { count: formatNumber(p.expireAfterDays) })),
        go ? h('div', { class: 'actions actions--start' }, go) : h('p', { id: 'import-nothing' }, t('invitations.nothingToImport')),
        working,
      );
      focus(document.getElementById('import-preview-title'));
    }

    async function runImport(go, working, bar, barText) {
      if (!checked) return;
      const args = checked;
      working.hidden = false;
      const poll = setInterval(async () => {
        try {
          const now = await call('invitations_import_progress');
          if (now.total > 0) {
            bar.max = now.total;
            bar.value = now.done;
            barText.textContent = t('invitations.importingCount', { done: formatNumber(now.done), total: formatNumber(now.total) });
          }
        } catch {
          // The bar only informs: a missed answer is made up by the next one.
        }
      }, PROGRESS_MS);
      await submitWith(
        { alert: importAlert, status: importStatus, busy: go, busyLabel: t('invitations.importing') },
        async () => {
          const report = await call('invitations_import', args);
          clearInterval(poll);
          // The file is no longer needed here once it is in the vault.
          fileText = '';
          file.value = '';
          paste.input.value = '';
          checked = null;
          replace(
            result,
            h(
              'p',
              { id: 'import-done', class: 'import__done', tabindex: '-1' },
              tn('invitations.imported', report.stored, { count: formatNumber(report.stored) }),
            ),
            report.invalid + report.duplicates > 0
              ? h('p', {}, tn('invitations.leftOut', report.invalid + report.duplicates, { count: formatNumber(report.invalid + report.duplicates) }))
              : null,
          );
          focus(document.getElementById('import-done'));
          if (statusPanel) await statusPanel.load();
        },
        (err) => {
          clearInterval(poll);
          working.hidden = true;
          showError(importAlert, err);
        },
      );
      clearInterval(poll);
    }

    return h(
      'section',
      { id: 'invitations-import', class: 'panel', 'aria-labelledby': 'invitations-import-title' },
      h('h2', { id: 'invitations-import-title' }, t('invitations.importTitle')),
      h('p', {}, t('invitations.intro')),
      h('p', { class: 'muted' }, t('invitations.introJoin')),
      importAlert,
      importStatus,
      checkForm,
      result,
    );
  }

  // ---- How many wait ----

  function waitingPanel() {
    const body = h('div', { id: 'invitations-waiting-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('invitations.loading')));
    const panelAlert = alertRegion('invitations-waiting-error');
    async function load() {
      body.setAttribute('aria-busy', 'true');
      try {
        const s = await call('invitations_status');
        replace(
          body,
          h('p', { id: 'invitations-waiting-count' }, tn('invitations.waiting', s.waiting, { count: formatNumber(s.waiting) })),
          s.nextExpiry ? h('p', {}, t('invitations.nextExpiry', { when: formatDateTime(s.nextExpiry) })) : null,
          s.expiringWithinWeek > 0 ? h('p', {}, tn('invitations.withinWeek', s.expiringWithinWeek, { count: formatNumber(s.expiringWithinWeek) })) : null,
          h('p', { class: 'muted' }, tn('invitations.waitPeriod', s.expireAfterDays, { count: formatNumber(s.expireAfterDays) })),
        );
        if (expiryDays) expiryDays.input.value = String(s.expireAfterDays);
      } catch (err) {
        replace(body);
        showError(panelAlert, err);
      } finally {
        body.setAttribute('aria-busy', 'false');
      }
    }
    load();
    return {
      load,
      element: h(
        'section',
        { id: 'invitations-waiting', class: 'panel', 'aria-labelledby': 'invitations-waiting-title' },
        h('h2', { id: 'invitations-waiting-title' }, t('invitations.waitingTitle')),
        panelAlert,
        body,
      ),
    };
  }

  // ---- How long they wait ----

  function expiryPanel() {
    const save = button(t('invitations.expirySave'), { id: 'invitations-expiry-save', type: 'submit', kind: 'secondary' });
    return h(
      'section',
      { id: 'invitations-expiry', class: 'panel', 'aria-labelledby': 'invitations-expiry-title' },
      h('h2', { id: 'invitations-expiry-title' }, t('invitations.expiryTitle')),
      form(
        {
          id: 'invitations-expiry-form',
          label: t('invitations.expiryTitle'),
          onSubmit: () =>
            submitWith(
              {
                alert,
                status,
                fields: [expiryDays],
                check: () => {
                  const days = Number(expiryDays.input.value);
                  if (!Number.isInteger(days) || days < 1 || days > 365) return fieldError(expiryDays, t('invitations.expiryRange'));
                  return days;
                },
                busy: save,
              },
              async (days) => {
                await call('settings_set_invitation_expiry', { days });
                showText(status, tn('invitations.expirySaved', days, { count: formatNumber(days) }));
                if (statusPanel) await statusPanel.load();
              },
              (err) => showError(alert, err),
            ),
        },
        expiryDays.element,
        h('div', { class: 'actions actions--start' }, save),
      ),
    );
  }
}

/** A column's name in words ("E-mail address", "Notes"). */
function columnLabel(key) {
  return key === 'notes' ? t('invitations.notes') : fieldLabel(key);
}

/** Why a row was left out, in words (the core's English if the code is new). */
function problemText(pr) {
  const key = `invitations.problem.${pr.problem}`;
  return has(key) ? t(key) : pr.reason;
}
