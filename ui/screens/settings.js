//! Settings: the auto-lock delay (a choice of one minute to an hour), the
//! currency (by name, `components/currencies.js`), the hourly search limit,
//! the audit log check, the shop details
//! customers read on notices and receipts, which details the shop
//! collects, the purposes customers are asked about (`settings/purposes.js`),
//! the recipients the shop hands data to with the notices
//! still to give them (`settings/recipients.js`), what the retention
//! schedule erases (`settings/retention.js`), and the backups
//! (`settings/backups.js`; Home links here with `{ section: 'backups' }`, and
//! to the retention panel with `{ section: 'retention' }`), and, for the
//! owner, retiring this computer (`settings/retire.js`). A panel leads to
//! the import of a customer list as invitations (`invitations-import.js`). The allowed ranges, who
//! may change what, and whether a change publishes a new notice are the
//! core's; this screen sends what was chosen and reports the notice version
//! the core now shows customers.

import { h, replace, focus } from '../components/dom.js';
import {
  textField,
  selectField,
  form,
  button,
  alertRegion,
  statusRegion,
  showError,
  showText,
  clear,
  fieldError,
  markRefused,
  submitWith,
  optionElements,
} from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { languageOptions, languageName } from '../components/languages.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t, tn, has, formatNumber, currentLanguage } from '../i18n.js';
import { currencyOptions, currencyName } from '../components/currencies.js';
import { recipientsPanels } from './settings/recipients.js';
import { retentionPanel } from './settings/retention.js';
import { recordKeepingPanel } from './settings/record-keeping.js';
import { backupsPanel } from './settings/backups.js';
import { retirePanel } from './settings/retire.js';
import { quickSwitchPanel } from './settings/quick-switch.js';
import { purposesPanel } from './settings/purposes.js';

export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'settings',
    current: 'settings',
    title: t('settings.title'),
    params,
  });

  // ---- Auto-lock ----
  // Plain choices; the core stores seconds and checks the bounds. A delay
  // set another way (the CLI takes any number of seconds the core allows)
  // is shown as it is, among the choices.
  const delay = selectField({
    id: 'settings-autolock',
    label: t('settings.autolock'),
    hint: t('settings.autolockHint'),
    options: autolockOptions(ctx.session.autolockSeconds),
    value: String(ctx.session.autolockSeconds),
    autofocus: true,
  });
  const autolockForm = form(
    {
      id: 'settings-autolock-form',
      label: t('settings.autolockTitle'),
      onSubmit: () =>
        submitWith(
          { alert, status, fields: [delay] },
          async () => {
            const info = await call('settings_set_autolock', { seconds: Number(delay.input.value) });
            ctx.sessionUpdated(info);
            const seconds = info.autolockSeconds;
            replace(delay.input, ...optionElements(autolockOptions(seconds)));
            delay.input.value = String(seconds);
            showText(status, t('settings.autolockSaved', { duration: duration(seconds) }));
          },
          (err) => {
            showError(alert, err);
            if (err.code === 'invalid_input') markRefused(delay);
          },
        ),
    },
    delay.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.save'), { id: 'settings-save', type: 'submit' })),
  );

  // ---- Closing the data after a long lock ----
  const closeAfter = textField({
    id: 'settings-close-after',
    label: t('settings.closeAfter'),
    hint: t('settings.closeAfterHint'),
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: 1440,
    step: 1,
    value: ctx.session.closeAfterLockedMinutes,
  });
  const closeAfterForm = form(
    {
      id: 'settings-close-after-form',
      label: t('settings.closeAfter'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status,
            fields: [closeAfter],
            check: () => {
              const raw = closeAfter.input.value.trim();
              return /^\d+$/.test(raw) ? raw : fieldError(closeAfter, t('settings.closeAfterNotWhole'));
            },
          },
          async (raw) => {
            const info = await call('settings_set_close_after_lock', { minutes: Number(raw) });
            ctx.sessionUpdated(info);
            closeAfter.input.value = String(info.closeAfterLockedMinutes);
            const minutes = info.closeAfterLockedMinutes;
            showText(status, tn('settings.closeAfterSaved', minutes, { minutes }));
          },
          (err) => {
            showError(alert, err);
            if (err.code === 'invalid_input') markRefused(closeAfter);
          },
        ),
    },
    closeAfter.element,
    h(
      'div',
      { class: 'actions actions--start' },
      button(t('settings.closeAfterSave'), { id: 'settings-close-after-save', type: 'submit' }),
    ),
  );

  // ---- Currency ----
  // Named in the user's language, the usual ones where the shop is first
  // (once the shop's details arrive); the core checks the code it is sent.
  const currencyLabels = { usualLabel: t('settings.currencyUsual'), allLabel: t('settings.currencyAll') };
  const currencyChoices = (jurisdiction, current) =>
    currencyOptions(currentLanguage(), jurisdiction, current, currencyLabels);
  const currency = selectField({
    id: 'settings-currency',
    label: t('settings.currency'),
    hint: t('settings.currencyHint'),
    options: currencyChoices(null, ctx.session.currency),
    value: ctx.session.currency,
  });
  let shopJurisdiction = null;
  const showCurrencies = (current) => {
    replace(currency.input, ...optionElements(currencyChoices(shopJurisdiction, current)));
    currency.input.value = current;
  };
  const currencyStatus = h('p', { id: 'settings-currency-status', class: 'note', role: 'status' });
  const currencyForm = form(
    {
      id: 'settings-currency-form',
      label: t('settings.currencyTitle'),
      onSubmit: () =>
        submitWith(
          { alert, status: currencyStatus, fields: [currency] },
          async () => {
            const info = await call('settings_set_currency', { code: currency.input.value });
            ctx.sessionUpdated(info);
            showCurrencies(info.currency);
            showText(currencyStatus, t('settings.currencySaved', { currency: currencyName(info.currency, currentLanguage()) }));
          },
          (err) => {
            showError(alert, err);
            if (err.code === 'invalid_input') markRefused(currency);
          },
        ),
    },
    currency.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.save'), { id: 'settings-currency-save', type: 'submit' })),
    currencyStatus,
  );
  if (may(ctx.session, 'change_settings')) {
    call('shop_profile')
      .then((profile) => {
        shopJurisdiction = profile.jurisdiction;
        // The owner may have chosen another already: keep their choice.
        const chosen = currency.input.value;
        showCurrencies(chosen);
        currency.input.dataset.ready = 'true';
      })
      .catch(() => {
        // The list stays, only not ordered for the shop's country.
        currency.input.dataset.ready = 'true';
      });
  }

  // ---- The staff screens' language ----
  const staffLanguage = selectField({
    id: 'settings-language',
    label: t('settings.language'),
    hint: t('settings.languageHint'),
    options: languageOptions(null),
    value: ctx.session.staffLanguage || 'en',
  });
  const languageForm = form(
    {
      id: 'settings-language-form',
      label: t('settings.languageTitle'),
      onSubmit: () =>
        submitWith({ alert }, async () => {
          const info = await call('settings_set_staff_language', { language: staffLanguage.input.value });
          await ctx.sessionUpdated(info);
          // Shown again, in the owner's language if it followed the shop's.
          ctx.navigate('settings', { notice: t('settings.languageSaved', { language: languageName(info.staffLanguage) }) });
        }),
    },
    staffLanguage.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.languageSave'), { id: 'settings-language-save', type: 'submit' })),
  );

  // ---- Search limit ----
  const searchLimit = textField({
    id: 'settings-search-limit',
    label: t('settings.searchLimit'),
    hint: t('settings.searchLimitHint'),
    type: 'number',
    inputmode: 'numeric',
    min: 1,
    max: 1000,
    step: 1,
    value: ctx.session.searchLimitPerHour,
  });
  const searchLimitStatus = h('p', { id: 'settings-search-limit-status', class: 'note', role: 'status' });
  const searchLimitForm = form(
    {
      id: 'settings-search-limit-form',
      label: t('settings.searchLimitTitle'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status: searchLimitStatus,
            fields: [searchLimit],
            check: () => {
              const raw = searchLimit.input.value.trim();
              return /^\d+$/.test(raw) ? raw : fieldError(searchLimit, t('settings.searchLimitNotWhole'));
            },
          },
          async (raw) => {
            const info = await call('settings_set_search_limit', { customers: Number(raw) });
            ctx.sessionUpdated(info);
            searchLimit.input.value = String(info.searchLimitPerHour);
            showText(searchLimitStatus, tn('settings.searchLimitSaved', info.searchLimitPerHour));
          },
          (err) => {
            showError(alert, err);
            if (err.code === 'invalid_input') markRefused(searchLimit);
          },
        ),
    },
    searchLimit.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.save'), { id: 'settings-search-limit-save', type: 'submit' })),
    searchLimitStatus,
  );

  // ---- Audit log ----
  const result = h('div', { id: 'audit-result', class: 'result', role: 'status' });
  const verify = button(t('settings.auditVerify'), { id: 'audit-verify', kind: 'secondary', onclick: checkAudit });
  let checking = false;

  async function checkAudit() {
    if (checking) return;
    checking = true;
    await submitWith(
      { alert },
      async () => {
        result.className = 'result';
        showText(result, t('settings.auditChecking'));
        const res = await call('audit_verify');
        result.className = res.intact ? 'result result--ok' : 'result result--bad';
        replace(
          result,
          h(
            'p',
            { class: 'result__headline' },
            res.intact
              ? tn('settings.auditIntact', res.entries, { entries: formatNumber(res.entries) })
              : t('settings.auditBroken'),
          ),
          // The core's own words only when something is wrong: they say where.
          !res.intact && res.message ? h('p', { class: 'result__detail' }, res.message) : null,
        );
      },
      (err) => {
        clear(result);
        showError(alert, err);
      },
    );
    checking = false;
  }

  // Each panel is offered only to a role the core allows to use it.
  if (may(ctx.session, 'change_settings')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-autolock-title' },
        h('h2', { id: 'settings-autolock-title' }, t('settings.autolockTitle')),
        autolockForm,
        closeAfterForm,
      ),
      quickSwitchPanel(ctx),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-currency-title' },
        h('h2', { id: 'settings-currency-title' }, t('settings.currencyTitle')),
        currencyForm,
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-language-title' },
        h('h2', { id: 'settings-language-title' }, t('settings.languageTitle')),
        languageForm,
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-search-limit-title' },
        h('h2', { id: 'settings-search-limit-title' }, t('settings.searchLimitTitle')),
        searchLimitForm,
      ),
    );
  }
  // ---- Notice versions ----
  /** The notice version customers are shown now, as the core last said. */
  let noticeVersion = null;

  async function currentNoticeVersion() {
    const info = await call('consent_form', { lang: 'en' });
    return info.notice.version;
  }

  /** After a change: says in `region` whether customers now read a new notice version. */
  async function reportNotice(region, sentence) {
    let line = sentence;
    try {
      const version = await currentNoticeVersion();
      if (noticeVersion !== null) {
        line += ` ${version !== noticeVersion ? t('settings.noticePublished', { version }) : t('settings.noticeUnchanged')}`;
      }
      noticeVersion = version;
    } catch {
      // The change itself was saved; only the version could not be read.
    }
    showText(region, line);
  }

  // ---- Shop details on notices and receipts ----
  // These panels are long, so each reports next to itself.
  const shopAlert = alertRegion('shop-error');
  const shopStatus = statusRegion('shop-status');
  const contact = textField({
    id: 'shop-contact',
    label: t('settings.shopContact'),
    hint: t('settings.shopContactHint'),
  });
  const jurisdiction = textField({
    id: 'shop-jurisdiction',
    label: t('settings.shopJurisdiction'),
    hint: t('settings.shopJurisdictionHint'),
    className: 'input--short',
  });
  const shopForm = form(
    {
      id: 'shop-form',
      label: t('settings.shopTitle'),
      onSubmit: () =>
        // For invalid_input the core's detail (in the alert) names the field it refused.
        submitWith({ alert: shopAlert, status: shopStatus, fields: [contact, jurisdiction] }, async () => {
          const profile = await call('shop_profile_set', {
            contact: contact.input.value,
            jurisdiction: jurisdiction.input.value,
          });
          contact.input.value = profile.contact;
          jurisdiction.input.value = profile.jurisdiction;
          await reportNotice(shopStatus, t('settings.shopSaved'));
        }),
    },
    contact.element,
    jurisdiction.element,
    h('div', { class: 'actions actions--start' }, button(t('settings.shopSave'), { id: 'shop-save', type: 'submit' })),
  );

  // ---- What we collect ----
  const collectAlert = alertRegion('collect-error');
  const collectStatus = statusRegion('collect-status');
  const collectBody = h('div', { class: 'table-wrap', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.collectLoading')));
  /** Purpose names (English) by id, for the "Used for" column. */
  let purposeNames = new Map();

  const fieldLabel = (key) => (has(`field.${key}`) ? t(`field.${key}`) : key);

  function fieldsTable(fields) {
    return h(
      'table',
      { id: 'fields-table', class: 'table table--fields' },
      h('caption', { class: 'visually-hidden' }, t('settings.collectCaption')),
      h(
        'thead',
        {},
        h('tr', {}, ['collect', 'field', 'usedBy', 'notes'].map((key) => h('th', { scope: 'col' }, t(`settings.col.${key}`)))),
      ),
      h('tbody', {}, fields.map(fieldRow)),
    );
  }

  function fieldRow(field) {
    const label = fieldLabel(field.key);
    const switchId = `field-switch-${field.key}`;
    const box = h('input', {
      id: switchId,
      type: 'checkbox',
      class: 'check__box',
      checked: field.enabled,
      disabled: field.alwaysEnabled,
      'data-field': field.key,
    });
    box.addEventListener('change', () => setField(field, box));
    const notes = [];
    if (field.alwaysEnabled) notes.push(t('settings.alwaysCollected'));
    if (field.sensitivity === 'sensitive') {
      notes.push(field.spiCategory ? t('settings.sensitive', { category: field.spiCategory }) : t('settings.sensitiveNoCategory'));
    }
    const usedBy = field.usedBy.map((id) => purposeNames.get(id) || id);
    return h(
      'tr',
      { 'data-field': field.key, class: field.enabled ? null : 'is-disabled' },
      h(
        'td',
        {},
        box,
        h('label', { for: switchId, class: 'visually-hidden' }, t('settings.collectSwitch', { field: label })),
      ),
      h('th', { scope: 'row' }, label),
      h('td', {}, usedBy.length > 0 ? usedBy.join(', ') : h('span', { class: 'muted' }, t('settings.usedByNone'))),
      h(
        'td',
        {},
        notes.map((note) => h('p', { class: field.sensitivity === 'sensitive' ? 'table__note table__note--sensitive' : 'table__note' }, note)),
      ),
    );
  }

  function setField(field, box) {
    const enabled = box.checked;
    return submitWith(
      { alert: collectAlert, status: collectStatus },
      async () => {
        const fields = await call('field_set_enabled', { key: field.key, enabled });
        replace(collectBody, fieldsTable(fields));
        focus(document.getElementById(`field-switch-${field.key}`));
        const label = fieldLabel(field.key);
        await reportNotice(collectStatus, enabled ? t('settings.fieldOn', { field: label }) : t('settings.fieldOff', { field: label }));
      },
      (err) => {
        box.checked = !enabled;
        showError(collectAlert, err);
      },
    );
  }

  async function loadCollect() {
    try {
      const [fields, purposes, profile, version] = await Promise.all([
        call('fields_list'),
        call('purposes_list'),
        call('shop_profile'),
        currentNoticeVersion(),
      ]);
      purposeNames = new Map(purposes.map((p) => [p.id, (p.texts.en && p.texts.en.name) || p.id]));
      replace(collectBody, fieldsTable(fields));
      contact.input.value = profile.contact;
      jurisdiction.input.value = profile.jurisdiction;
      noticeVersion = version;
    } catch (err) {
      replace(collectBody);
      showError(collectAlert, err);
    } finally {
      collectBody.setAttribute('aria-busy', 'false');
    }
  }

  if (may(ctx.session, 'verify_audit_log')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-audit-title' },
        h('h2', { id: 'settings-audit-title' }, t('settings.auditTitle')),
        h('p', {}, t('settings.auditIntro')),
        h('div', { class: 'actions actions--start' }, verify),
        result,
      ),
    );
  }
  if (may(ctx.session, 'manage_purposes')) {
    content.append(
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-shop-title' },
        h('h2', { id: 'settings-shop-title' }, t('settings.shopTitle')),
        h('p', {}, t('settings.shopIntro')),
        shopAlert,
        shopStatus,
        shopForm,
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'settings-collect-title' },
        h('h2', { id: 'settings-collect-title' }, t('settings.collectTitle')),
        h('p', {}, t('settings.collectIntro')),
        collectAlert,
        collectStatus,
        collectBody,
      ),
    );
    loadCollect();
  }
  if (may(ctx.session, 'view_notice')) {
    // What customers are asked: everyone here reads it, the owner changes it.
    content.append(purposesPanel(ctx));
  }
  if (may(ctx.session, 'manage_recipients')) {
    content.append(...recipientsPanels({ reportNotice }));
  }
  if (may(ctx.session, 'view_retention')) {
    const panel = retentionPanel(ctx.session);
    content.append(panel);
    if (params.section === 'retention') requestAnimationFrame(() => panel.scrollIntoView({ block: 'start' }));
  }
  if (may(ctx.session, 'view_record_keeping')) {
    content.append(recordKeepingPanel(ctx.session));
  }
  if (may(ctx.session, 'make_backup')) {
    const panel = backupsPanel(ctx.session);
    content.append(panel);
    if (params.section === 'backups') requestAnimationFrame(() => panel.scrollIntoView({ block: 'start' }));
  }
  if (may(ctx.session, 'import_invitations') || may(ctx.session, 'view_invitation_counts')) {
    content.append(
      h(
        'section',
        { id: 'settings-invitations', class: 'panel', 'aria-labelledby': 'settings-invitations-title' },
        h('h2', { id: 'settings-invitations-title' }, t('settings.invitations.title')),
        h('p', {}, t('settings.invitations.intro')),
        h(
          'div',
          { class: 'actions actions--start' },
          button(may(ctx.session, 'import_invitations') ? t('settings.invitations.open') : t('settings.invitations.openStatus'), {
            id: 'settings-invitations-open',
            kind: 'secondary',
            onclick: () => ctx.navigate('invitations'),
          }),
        ),
      ),
    );
  }
  if (may(ctx.session, 'retire_computer')) {
    // Last: it ends the shop's life on this computer.
    content.append(retirePanel(ctx));
  }
  return root;
}

/** The auto-lock delays offered, in seconds: one minute to one hour. */
const AUTOLOCK_CHOICES = [60, 120, 300, 600, 900, 1800, 3600];

/** "5 minutes", "1 hour", "6 seconds": a delay in the largest whole unit. */
function duration(seconds) {
  if (seconds % 3600 === 0) return tn('settings.duration.hours', seconds / 3600, { count: formatNumber(seconds / 3600) });
  if (seconds % 60 === 0) return tn('settings.duration.minutes', seconds / 60, { count: formatNumber(seconds / 60) });
  return tn('settings.duration.seconds', seconds, { count: formatNumber(seconds) });
}

/** The choices of auto-lock delay, with `current` among them in its place. */
function autolockOptions(current) {
  const choices = AUTOLOCK_CHOICES.includes(current) ? AUTOLOCK_CHOICES : [...AUTOLOCK_CHOICES, current].sort((a, b) => a - b);
  return choices.map((seconds) => ({ value: String(seconds), label: t('settings.autolockChoice', { duration: duration(seconds) }) }));
}

