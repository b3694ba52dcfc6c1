//! The Records-the-law-requires part of Settings (owner and auditor:
//! `view_record_keeping`): the shop's jurisdiction, how long it keeps the
//! sales records of customers who left, the access log and destruction
//! records (with the jurisdiction's defaults beside them), how proof of
//! consent is kept, and the sales totals. The owner
//! (`manage_record_keeping`) changes the jurisdiction (optionally with its
//! defaults) and each period. The rules, their limits and the notice
//! versions they publish are the core's (`record_keeping`,
//! `record_keeping_set_rule`, `record_keeping_set_jurisdiction`).

import { h, replace } from '../../components/dom.js';
import {
  alertRegion,
  statusRegion,
  button,
  checkboxField,
  selectField,
  textField,
  showError,
  showText,
  submitWith,
} from '../../components/form.js';
import { formatMoney } from '../../components/money.js';
import { may } from '../../components/roles.js';
import { call } from '../../api.js';
import { t, tn, formatNumber } from '../../i18n.js';

const JURISDICTIONS = ['ES', 'ID', 'EU'];

/** "6 years", "30 days" or "not kept", in words. */
function periodText(period) {
  if (period.amount === 0) return t('settings.recordKeeping.notKept');
  return tn(`settings.recordKeeping.${period.unit}`, period.amount, { n: formatNumber(period.amount) });
}

/** One rule: what it keeps, for how long, and (for the owner) a way to change it. */
function ruleRow(rule, owner, { alert, status, show }) {
  const key = rule.category.replace(/-(.)/g, (_, c) => c.toUpperCase());
  const heading = h('h3', {}, t(`settings.recordKeeping.category.${key}`));
  const what = h('p', { class: 'muted' }, t(`settings.recordKeeping.about.${key}`));
  const current = h(
    'p',
    { id: `record-keeping-${rule.category}` },
    t('settings.recordKeeping.keptFor', { period: periodText(rule.period) }),
    rule.period.amount === rule.defaultPeriod.amount && rule.period.unit === rule.defaultPeriod.unit
      ? ''
      : ` ${t('settings.recordKeeping.default', { period: periodText(rule.defaultPeriod) })}`,
  );
  if (!owner) return h('div', { class: 'record-rule' }, heading, what, current);
  const amount = textField({
    id: `record-keeping-${rule.category}-amount`,
    label: t('settings.recordKeeping.amount'),
    type: 'number',
    inputmode: 'numeric',
    min: '0',
    max: '10950',
    value: rule.period.amount,
  });
  const unit = selectField({
    id: `record-keeping-${rule.category}-unit`,
    label: t('settings.recordKeeping.unit'),
    options: [
      { value: 'years', label: t('settings.recordKeeping.unitYears') },
      { value: 'days', label: t('settings.recordKeeping.unitDays') },
    ],
    value: rule.period.unit,
  });
  const save = button(t('settings.recordKeeping.save'), {
    id: `record-keeping-${rule.category}-save`,
    kind: 'secondary',
    onclick: () =>
      submitWith({ alert, status, busy: save, fields: [amount] }, async () => {
        const n = Number.parseInt(amount.input.value, 10);
        const kept = await call('record_keeping_set_rule', {
          category: rule.category,
          period: { amount: Number.isFinite(n) ? n : -1, unit: unit.input.value },
        });
        show(kept);
        showText(status, t('settings.recordKeeping.saved'));
      }),
  });
  return h(
    'div',
    { class: 'record-rule' },
    heading,
    what,
    current,
    h('div', { class: 'inline-fields' }, amount.element, unit.element, save),
  );
}

/** The panel, loading. */
export function recordKeepingPanel(session) {
  const alert = alertRegion('record-keeping-error');
  const status = statusRegion('record-keeping-status');
  const body = h('div', { id: 'record-keeping-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.recordKeeping.loading')));
  const owner = may(session, 'manage_record_keeping');

  function jurisdictionPart(kept) {
    const label = (code) => t(`settings.recordKeeping.jurisdiction.${code}`);
    if (!owner) {
      return h('p', { id: 'record-keeping-jurisdiction' }, t('settings.recordKeeping.jurisdictionIs', { name: label(kept.jurisdiction) }));
    }
    const select = selectField({
      id: 'record-keeping-jurisdiction',
      label: t('settings.recordKeeping.jurisdictionLabel'),
      options: JURISDICTIONS.map((code) => ({ value: code, label: label(code) })),
      value: kept.jurisdiction,
    });
    const defaults = checkboxField({ id: 'record-keeping-apply-defaults', label: t('settings.recordKeeping.applyDefaults') });
    const save = button(t('settings.recordKeeping.saveJurisdiction'), {
      id: 'record-keeping-jurisdiction-save',
      kind: 'secondary',
      onclick: () =>
        submitWith({ alert, status, busy: save }, async () => {
          const next = await call('record_keeping_set_jurisdiction', {
            jurisdiction: select.input.value,
            applyDefaults: defaults.input.checked,
          });
          show(next);
          showText(status, t(defaults.input.checked ? 'settings.recordKeeping.defaultsApplied' : 'settings.recordKeeping.jurisdictionSaved'));
        }),
    });
    return h('div', { class: 'inline-fields' }, select.element, defaults.element, save);
  }

  function show(kept) {
    body.setAttribute('aria-busy', 'false');
    const sales =
      kept.sales.length === 0
        ? [h('p', { class: 'muted' }, t('settings.recordKeeping.noSales'))]
        : kept.sales.map((s) =>
            h(
              'p',
              { class: 'record-sales' },
              t('settings.recordKeeping.sales', {
                total: formatMoney(s.totalCents, s.currency),
                current: formatNumber(s.purchases),
                kept: formatNumber(s.keptWithoutCustomer),
              }),
            ),
          );
    replace(
      body,
      jurisdictionPart(kept),
      ...kept.rules.map((rule) => ruleRow(rule, owner, { alert, status, show })),
      h('h3', {}, t('settings.recordKeeping.category.consentProof')),
      h('p', { id: 'record-keeping-consent-proof' }, t('settings.recordKeeping.consentProof')),
      h('h3', {}, t('settings.recordKeeping.salesTitle')),
      ...sales,
    );
  }

  call('record_keeping').then(show, (err) => {
    body.setAttribute('aria-busy', 'false');
    showError(alert, err);
  });

  return h(
    'section',
    { id: 'settings-record-keeping', class: 'panel', 'aria-labelledby': 'settings-record-keeping-title' },
    h('h2', { id: 'settings-record-keeping-title' }, t('settings.recordKeeping.title')),
    h('p', {}, t('settings.recordKeeping.intro')),
    alert,
    status,
    body,
  );
}
