//! The Retention part of Settings (owner and auditor: `view_retention`):
//! what the retention schedule will erase in the next 30 days (customers by
//! number, and per purpose how many agreements end), who is kept and why,
//! the latest runs in words and local time, and, for the owner
//! (`run_retention`), "Erase what is due now" with a progress bar. The
//! schedule also runs by itself every hour while Steward is open; what is
//! due and how it is erased are the core's rules (`retention_overview`,
//! `retention_run_now`, `retention_progress`).

import { h, replace } from '../../components/dom.js';
import { alertRegion, statusRegion, button, showError, showText, submitWith } from '../../components/form.js';
import { purposeNames, purposeName } from '../../components/labels.js';
import { may } from '../../components/roles.js';
import { call } from '../../api.js';
import { t, tn, currentLanguage, formatNumber } from '../../i18n.js';

/** A UTC time from the core as the user's local date (and time). */
function localWhen(iso, withTime = true) {
  const options = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return h('time', { datetime: iso }, new Intl.DateTimeFormat(currentLanguage(), options).format(new Date(iso)));
}

/** "customers 4, 9 and 12" in the app's language. */
function numbers(ids) {
  const list = new Intl.ListFormat(currentLanguage(), { type: 'conjunction' });
  return list.format(ids.map((id) => String(id)));
}

/** One run in words: what it erased and kept. */
function runSentence(run) {
  const r = run.removed ?? {};
  const removedAny = (r.salesRecords ?? 0) + (r.auditEntries ?? 0) + (r.destructionRecords ?? 0);
  if (run.customersErased + run.purposesExpired + run.keptHeld + run.keptRestricted + removedAny === 0 && run.finishedAt) {
    return t('settings.retention.runNothing');
  }
  const parts = [tn('settings.retention.runErased', run.customersErased, { n: formatNumber(run.customersErased) })];
  if (run.purposesExpired > 0) parts.push(tn('settings.retention.runEnded', run.purposesExpired, { n: formatNumber(run.purposesExpired) }));
  if (run.keptHeld > 0) parts.push(tn('settings.retention.runHeld', run.keptHeld, { n: formatNumber(run.keptHeld) }));
  if (run.keptRestricted > 0) parts.push(tn('settings.retention.runRestricted', run.keptRestricted, { n: formatNumber(run.keptRestricted) }));
  const removed = run.removed ?? { salesRecords: 0, auditEntries: 0, destructionRecords: 0 };
  if (removed.salesRecords > 0) parts.push(tn('settings.retention.runSales', removed.salesRecords, { n: formatNumber(removed.salesRecords) }));
  if (removed.auditEntries > 0) parts.push(tn('settings.retention.runAudit', removed.auditEntries, { n: formatNumber(removed.auditEntries) }));
  if (removed.destructionRecords > 0) {
    parts.push(tn('settings.retention.runRecords', removed.destructionRecords, { n: formatNumber(removed.destructionRecords) }));
  }
  let text = parts.join(', ');
  if (!run.finishedAt) text += ` ${t('settings.retention.runInterrupted')}`;
  return text;
}

/** The Retention panel, loading. */
export function retentionPanel(session) {
  const alert = alertRegion('retention-error');
  const status = statusRegion('retention-status');
  const body = h('div', { id: 'retention-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.retention.loading')));
  const bar = h('progress', { id: 'retention-progress', max: '1', value: '0', hidden: true });
  const barText = h('p', { id: 'retention-progress-text', class: 'muted', 'aria-live': 'polite' });
  let names = new Map();

  function showProgress(p) {
    bar.hidden = !p.running;
    bar.max = String(Math.max(p.planned, 1));
    bar.value = String(p.done);
    replace(
      barText,
      p.running ? t('settings.retention.progress', { done: formatNumber(p.done), planned: formatNumber(p.planned) }) : '',
    );
  }

  function show(overview) {
    body.setAttribute('aria-busy', 'false');
    const { preview, runs } = overview;
    const due = [];
    const erase = preview.customersToErase;
    due.push(
      h(
        'p',
        { id: 'retention-to-erase' },
        erase.length === 0
          ? t('settings.retention.noneToErase')
          : tn('settings.retention.toErase', erase.length, {
              n: formatNumber(erase.length),
              customers: numbers(erase.map((e) => e.customerId)),
            }),
      ),
    );
    const ending = Object.entries(preview.purposesEnding);
    if (ending.length > 0) {
      due.push(
        h(
          'ul',
          { id: 'retention-ending' },
          ending.map(([purpose, n]) =>
            h('li', {}, tn('settings.retention.ending', n, { n: formatNumber(n), purpose: purposeName(names, purpose) })),
          ),
        ),
      );
    }
    if (preview.keptHeld.length > 0) {
      due.push(h('p', { id: 'retention-held' }, t('settings.retention.keptHeld', { customers: numbers(preview.keptHeld) })));
    }
    if (preview.keptRestricted.length > 0) {
      due.push(
        h('p', { id: 'retention-restricted' }, t('settings.retention.keptRestricted', { customers: numbers(preview.keptRestricted) })),
      );
    }
    const history =
      runs.length === 0
        ? h('p', { id: 'retention-runs', class: 'muted' }, t('settings.retention.noRuns'))
        : h(
            'ul',
            { id: 'retention-runs' },
            runs.map((r) => h('li', {}, localWhen(r.startedAt), ': ', runSentence(r))),
          );
    replace(
      body,
      h('h3', {}, t('settings.retention.dueTitle')),
      ...due,
      h('h3', {}, t('settings.retention.runsTitle')),
      history,
    );
    showProgress(overview.progress);
  }

  async function load() {
    try {
      const [overview, purposes] = await Promise.all([call('retention_overview'), call('purposes_list')]);
      names = purposeNames(purposes);
      show(overview);
    } catch (err) {
      body.setAttribute('aria-busy', 'false');
      showError(alert, err);
    }
  }

  const actions = [];
  if (may(session, 'run_retention')) {
    const run = button(t('settings.retention.runNow'), {
      id: 'retention-run',
      kind: 'secondary',
      onclick: () =>
        submitWith({ alert, status, busy: run, busyLabel: t('settings.retention.running') }, async () => {
          // The run works on a worker thread; the bar follows it.
          const poll = setInterval(() => {
            call('retention_progress').then(showProgress, () => {});
          }, 400);
          try {
            const summary = await call('retention_run_now');
            showText(status, summary ? runSentence(summary) : t('settings.retention.alreadyRunning'));
          } finally {
            clearInterval(poll);
          }
          await load();
        }),
    });
    actions.push(h('div', { class: 'actions actions--start' }, run));
  }

  load();
  return h(
    'section',
    { id: 'settings-retention', class: 'panel', 'aria-labelledby': 'settings-retention-title' },
    h('h2', { id: 'settings-retention-title' }, t('settings.retention.title')),
    h('p', {}, t('settings.retention.intro')),
    alert,
    status,
    bar,
    barText,
    body,
    ...actions,
  );
}
