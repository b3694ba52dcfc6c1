//! The Recipients part of Settings (the owner: `manage_recipients`): the
//! firms the shop hands customer data to, each bound by a written agreement
//! to one purpose (`recipients_list`, `recipients_add`, `recipients_remove`);
//! handing a firm what it may receive now, as a CSV file in a folder the
//! owner names (`recipients_hand_over`); and the notices still to give
//! (`recipients_to_tell`, `recipients_told`): a firm that received a
//! customer's details must be told when they are corrected, restricted or
//! erased (GDPR Art. 19). The core decides who and what is handed over and
//! writes the file; these panels show counts and the names of details,
//! never a value. Adding or removing a firm changes the notice customers
//! read, and the panel says so in plain words.

import { h, replace, focus } from '../../components/dom.js';
import {
  alertRegion,
  statusRegion,
  button,
  form,
  selectField,
  textField,
  fieldError,
  showError,
  showText,
  submitWith,
} from '../../components/form.js';
import { fieldLabel, labelOr, purposeNames, purposeName } from '../../components/labels.js';
import { dateHint, dateHintVars, parseDate } from '../../components/format.js';
import { workingBar } from '../../components/progress.js';
import { call } from '../../api.js';
import { t, tn, currentLanguage } from '../../i18n.js';

/** "Spain" for `ES`, in the app's language; null when the system does not know the code. */
function countryName(code) {
  try {
    const name = new Intl.DisplayNames([currentLanguage()], { type: 'region', fallback: 'none' }).of(code);
    return name && name !== code ? name : null;
  } catch {
    return null;
  }
}

/** "Spain (ES)", or the code alone. */
function countryLabel(code) {
  const name = countryName(code);
  return name ? t('settings.recipients.countryWithCode', { name, code }) : code;
}

/** An agreement date (`YYYY-MM-DD`, a calendar day) as the user writes dates. */
function localDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day));
  if (!m) return String(day);
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium' }).format(date);
}

/**
 * A `<time>` for one of the core's UTC times, in the user's local date and
 * time; a narrow column breaks it between the two only.
 */
function localTime(iso) {
  const at = new Date(iso);
  const lang = currentLanguage();
  return h(
    'time',
    { datetime: iso },
    h('span', { class: 'nowrap' }, new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(at)),
    ' ',
    h('span', { class: 'nowrap' }, new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(at)),
  );
}

/** Catalog keys as the names staff read ("Phone number, Postal code"). */
function fieldNames(keys) {
  return keys.map(fieldLabel).join(t('settings.recipients.listSeparator'));
}

/**
 * The two panels (the recipients, the notices to give), loading. After
 * adding or removing a firm, `reportNotice(region, sentence)` shows the
 * sentence and whether customers now read a new notice version.
 */
export function recipientsPanels({ reportNotice }) {
  // ---- The recipients ----
  const alert = alertRegion('recipients-error');
  const status = statusRegion('recipients-status');
  const listBody = h('div', { id: 'recipients-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.recipients.loading')));
  /** Purpose names by id, and the purposes a firm may be bound to. */
  let names = new Map();
  let purposes = [];

  const name = textField({ id: 'recipient-name', label: t('settings.recipients.name'), hint: t('settings.recipients.nameHint') });
  const receives = textField({
    id: 'recipient-receives',
    label: t('settings.recipients.receives'),
    hint: t('settings.recipients.receivesHint'),
  });
  const purpose = selectField({
    id: 'recipient-purpose',
    label: t('settings.recipients.purpose'),
    hint: t('settings.recipients.purposeHint'),
    options: [{ value: '', label: t('settings.recipients.purposeChoose') }],
    value: '',
  });
  const country = textField({
    id: 'recipient-country',
    label: t('settings.recipients.country'),
    hint: t('settings.recipients.countryHint'),
    className: 'input--short',
    autocomplete: 'off',
  });
  country.input.maxLength = 2;
  // Says which country the two letters name, as they are typed.
  const countrySays = h('p', { id: 'recipient-country-name', class: 'field__hint', 'aria-live': 'polite' });
  country.element.append(countrySays);
  country.input.setAttribute('aria-describedby', `${country.input.getAttribute('aria-describedby')} recipient-country-name`);
  country.input.addEventListener('input', () => {
    const code = country.input.value.trim().toUpperCase();
    const known = /^[A-Z]{2}$/.test(code) ? countryName(code) : null;
    replace(countrySays, known ? t('settings.recipients.countryIs', { name: known, code }) : '');
  });
  const agreementDate = textField({
    id: 'recipient-agreement-date',
    label: t('settings.recipients.agreementDate'),
    hint: dateHint('settings.recipients.agreementDateHint'),
    className: 'input--short',
    inputmode: 'numeric',
  });
  const agreementRef = textField({
    id: 'recipient-agreement-ref',
    label: t('settings.recipients.agreementRef'),
    hint: t('settings.recipients.agreementRefHint'),
  });
  const addButton = button(t('settings.recipients.add'), { id: 'recipient-add-submit', type: 'submit' });
  const addFields = { name, receives, country, 'agreement date': agreementDate, agreement: agreementRef, purpose };

  const addForm = form(
    {
      id: 'recipient-add-form',
      label: t('settings.recipients.addTitle'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status,
            fields: addFields,
            busy: addButton,
            check: () => {
              if (!name.input.value.trim()) return fieldError(name, t('settings.recipients.nameRequired'));
              if (!receives.input.value.trim()) return fieldError(receives, t('settings.recipients.receivesRequired'));
              if (!purpose.input.value) return fieldError(purpose, t('settings.recipients.purposeRequired'));
              if (!/^[A-Za-z]{2}$/.test(country.input.value.trim())) return fieldError(country, t('settings.recipients.countryWrong'));
              if (!parseDate(agreementDate.input.value)) {
                return fieldError(agreementDate, t('settings.recipients.agreementDateWrong', dateHintVars()));
              }
              if (!agreementRef.input.value.trim()) return fieldError(agreementRef, t('settings.recipients.agreementRefRequired'));
              return true;
            },
          },
          async () => {
            const added = await call('recipients_add', {
              recipient: {
                name: name.input.value,
                receives: receives.input.value,
                purpose: purpose.input.value,
                country: country.input.value,
                agreementDate: parseDate(agreementDate.input.value),
                agreementRef: agreementRef.input.value,
              },
            });
            for (const f of [name, receives, country, agreementDate, agreementRef]) f.input.value = '';
            purpose.input.value = '';
            replace(countrySays, '');
            await load();
            focus(document.getElementById(`recipient-${added.id}-hand-over`) || name.input);
            await reportNotice(status, t('settings.recipients.added', { name: added.name }));
          },
        ),
    },
    h('div', { class: 'form-row' }, name.element, purpose.element),
    receives.element,
    h('div', { class: 'form-row' }, country.element, agreementDate.element, agreementRef.element),
    h('div', { class: 'actions actions--start' }, addButton),
  );

  const recipientsPanel = h(
    'section',
    { id: 'settings-recipients', class: 'panel', 'aria-labelledby': 'settings-recipients-title' },
    h('h2', { id: 'settings-recipients-title', tabindex: '-1' }, t('settings.recipients.title')),
    h('p', {}, t('settings.recipients.intro')),
    alert,
    status,
    listBody,
    h('h3', { id: 'recipient-add-title', class: 'panel__subtitle' }, t('settings.recipients.addTitle')),
    h('p', { class: 'muted' }, t('settings.recipients.addIntro')),
    addForm,
  );

  /** Reloads the list; resolves false (and says why) when it could not. */
  async function load() {
    listBody.setAttribute('aria-busy', 'true');
    try {
      const list = await call('recipients_list');
      replace(
        listBody,
        list.length === 0
          ? h('p', { id: 'recipients-none', class: 'muted' }, t('settings.recipients.none'))
          : h('ul', { id: 'recipients-list', class: 'recipients', 'aria-labelledby': 'settings-recipients-title' }, list.map(card)),
      );
      return true;
    } catch (err) {
      replace(listBody);
      showError(alert, err);
      return false;
    } finally {
      listBody.setAttribute('aria-busy', 'false');
    }
  }

  function card(r) {
    const headingId = `recipient-${r.id}-name`;
    const area = h('div', { id: `recipient-${r.id}-area`, class: 'recipient__area' });
    const handOver = button(t('settings.recipients.handOver'), {
      id: `recipient-${r.id}-hand-over`,
      kind: 'secondary',
      describedBy: headingId,
      onclick: () => openHandOver(r, area, handOver),
    });
    handOver.setAttribute('aria-expanded', 'false');
    handOver.setAttribute('aria-controls', area.id);
    const remove = button(t('settings.recipients.remove'), {
      id: `recipient-${r.id}-remove`,
      kind: 'danger',
      describedBy: headingId,
      onclick: () => askRemove(r, area, remove),
    });
    return h(
      'li',
      { class: 'recipient', dataset: { recipient: r.id } },
      h('h3', { id: headingId, class: 'recipient__name' }, r.name),
      h(
        'dl',
        { class: 'summary recipient__facts' },
        h('dt', {}, t('settings.recipients.receivesShort')),
        h('dd', { dataset: { fact: 'receives' } }, r.receives),
        h('dt', {}, t('settings.recipients.purposeShort')),
        h('dd', { dataset: { fact: 'purpose' } }, purposeName(names, r.purpose)),
        h('dt', {}, t('settings.recipients.countryShort')),
        h('dd', { dataset: { fact: 'country' } }, countryLabel(r.country)),
        h('dt', {}, t('settings.recipients.agreementShort')),
        h(
          'dd',
          { dataset: { fact: 'agreement' } },
          t('settings.recipients.agreementLine', { ref: r.agreementRef, date: localDay(r.agreementDate) }),
        ),
      ),
      h('div', { class: 'row-actions' }, handOver, remove),
      area,
    );
  }

  /** Closes whatever form is open in `area` and gives the focus back to `opener`. */
  function closeArea(area, opener) {
    area.replaceChildren();
    if (opener.hasAttribute('aria-expanded')) opener.setAttribute('aria-expanded', 'false');
    focus(opener);
  }

  /** The hand-over form in the firm's card: the folder first, with the cursor in it. */
  async function openHandOver(r, area, opener) {
    if (document.getElementById('recipient-handover-form') && area.contains(document.getElementById('recipient-handover-form'))) {
      focus(document.getElementById('recipient-handover-folder'));
      return;
    }
    // One form at a time: the one open in another card goes.
    for (const other of listBody.querySelectorAll('.recipient__area')) if (other !== area) other.replaceChildren();
    for (const b of listBody.querySelectorAll('[aria-expanded="true"]')) b.setAttribute('aria-expanded', 'false');
    const handAlert = alertRegion('recipient-handover-error');
    const folder = textField({
      id: 'recipient-handover-folder',
      label: t('settings.recipients.folderLabel'),
      hint: t('settings.recipients.folderHint'),
    });
    const progress = workingBar('recipient-handover-progress', t('settings.recipients.handOverWorking'));
    const submit = button(t('settings.recipients.handOverSubmit'), { id: 'recipient-handover-submit', type: 'submit' });
    const cancel = button(t('common.cancel'), {
      id: 'recipient-handover-cancel',
      kind: 'secondary',
      onclick: () => closeArea(area, opener),
    });
    const handForm = form(
      {
        id: 'recipient-handover-form',
        label: t('settings.recipients.handOverTitle', { name: r.name }),
        onSubmit: () =>
          submitWith(
            { alert: handAlert, fields: { folder }, busy: submit, busyLabel: t('settings.recipients.handOverBusy') },
            async () => {
              progress.hidden = false;
              area.setAttribute('aria-busy', 'true');
              try {
                const saved = await call('recipients_hand_over', { recipientId: r.id, folder: folder.input.value });
                showHandedOver(r, area, opener, saved);
                return saved;
              } finally {
                progress.hidden = true;
                area.setAttribute('aria-busy', 'false');
              }
            },
          ),
      },
      folder.element,
      progress,
      h('div', { class: 'actions actions--start' }, submit, cancel),
    );
    replace(
      area,
      h(
        'div',
        { class: 'panel panel--inset', role: 'group', 'aria-labelledby': 'recipient-handover-title' },
        h('h4', { id: 'recipient-handover-title', class: 'recipient__area-title' }, t('settings.recipients.handOverTitle', { name: r.name })),
        h('p', {}, t('settings.recipients.handOverIntro', { purpose: purposeName(names, r.purpose) })),
        handAlert,
        handForm,
      ),
    );
    opener.setAttribute('aria-expanded', 'true');
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

  /** Replaces the hand-over form with where the file went and what it holds. */
  function showHandedOver(r, area, opener, saved) {
    const done = h(
      'div',
      { id: 'recipient-handover-done', class: 'notice export__done', role: 'status', tabindex: '-1' },
      h('p', {}, h('strong', {}, t('settings.recipients.handedOver', { name: r.name }))),
      h('p', { id: 'recipient-handover-path', class: 'path' }, saved.path),
      h(
        'p',
        { id: 'recipient-handover-summary' },
        saved.customers === 0
          ? t('settings.recipients.handedNobody', { purpose: purposeName(names, r.purpose) })
          : tn('settings.recipients.handedCount', saved.customers, { fields: fieldNames(saved.fields) }),
      ),
      h('p', {}, t('settings.recipients.handedNext', { name: r.name })),
    );
    replace(area, done);
    opener.setAttribute('aria-expanded', 'false');
    done.scrollIntoView({ block: 'nearest' });
    focus(done);
  }

  /** A confirmation in the firm's card instead of a blocking dialog. */
  function askRemove(r, area, opener) {
    for (const b of listBody.querySelectorAll('[aria-expanded="true"]')) b.setAttribute('aria-expanded', 'false');
    const questionId = `recipient-${r.id}-remove-question`;
    const back = () => closeArea(area, opener);
    const yes = button(t('settings.recipients.removeConfirm', { name: r.name }), {
      id: 'recipient-remove-confirm',
      kind: 'danger',
      describedBy: questionId,
      onclick: () =>
        submitWith(
          { alert, status, busy: yes },
          async () => {
            await call('recipients_remove', { recipientId: r.id });
            await load();
            focus(document.getElementById('settings-recipients-title'));
            await reportNotice(status, t('settings.recipients.removed', { name: r.name }));
          },
          (err) => {
            showError(alert, err);
            back();
          },
        ),
    });
    const no = button(t('settings.recipients.removeCancel'), { id: 'recipient-remove-cancel', kind: 'secondary', onclick: back });
    replace(
      area,
      h(
        'div',
        {
          class: 'confirm',
          role: 'group',
          'aria-labelledby': questionId,
          onkeydown: (event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              back();
            }
          },
        },
        h('p', { id: questionId, class: 'confirm__question' }, t('settings.recipients.removeQuestion', { name: r.name })),
        h('p', {}, t('settings.recipients.removeExplain')),
        h('div', { class: 'row-actions' }, yes, no),
      ),
    );
    area.scrollIntoView({ block: 'nearest' });
    focus(no);
  }

  // ---- The notices to give ----
  const tellAlert = alertRegion('recipient-notices-error');
  const tellStatus = statusRegion('recipient-notices-status');
  const tellBody = h('div', { id: 'recipient-notices-body', class: 'table-wrap', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.recipients.noticesLoading')));
  const refresh = button(t('settings.recipients.noticesRefresh'), {
    id: 'recipient-notices-refresh',
    kind: 'secondary',
    onclick: () => submitWith({ alert: tellAlert, status: tellStatus, busy: refresh }, () => loadNotices()),
  });
  const noticesPanel = h(
    'section',
    { id: 'settings-recipient-notices', class: 'panel', 'aria-labelledby': 'settings-recipient-notices-title' },
    h('h2', { id: 'settings-recipient-notices-title', tabindex: '-1' }, t('settings.recipients.noticesTitle')),
    h('p', {}, t('settings.recipients.noticesIntro')),
    tellAlert,
    tellStatus,
    tellBody,
    h('div', { class: 'actions actions--start' }, refresh),
  );

  async function loadNotices() {
    tellBody.setAttribute('aria-busy', 'true');
    try {
      const notices = await call('recipients_to_tell');
      replace(tellBody, notices.length === 0 ? h('p', { id: 'recipient-notices-none', class: 'muted' }, t('settings.recipients.noticesNone')) : noticesTable(notices));
      return notices;
    } catch (err) {
      replace(tellBody);
      showError(tellAlert, err);
      return null;
    } finally {
      tellBody.setAttribute('aria-busy', 'false');
    }
  }

  function noticesTable(notices) {
    return h(
      'table',
      { id: 'recipient-notices-table', class: 'table table--compact table--notices' },
      h('caption', { class: 'visually-hidden' }, t('settings.recipients.noticesCaption')),
      h(
        'thead',
        {},
        h('tr', {}, ['recipient', 'customer', 'event', 'fields', 'since', 'action'].map((key) => h('th', { scope: 'col' }, t(`settings.recipients.col.${key}`)))),
      ),
      h('tbody', {}, notices.map(noticeRow)),
    );
  }

  function noticeRow(n) {
    const whatId = `recipient-notice-${n.id}-what`;
    const told = button(t('settings.recipients.told'), {
      id: `recipient-notice-${n.id}-told`,
      kind: 'secondary',
      describedBy: whatId,
      onclick: () => markTold(n, told),
    });
    told.dataset.action = 'told';
    return h(
      'tr',
      { dataset: { notice: n.id, customer: n.customer, event: n.event } },
      h('th', { scope: 'row' }, n.recipient),
      h('td', { class: 'nowrap' }, t('settings.recipients.customerNumber', { number: n.customer })),
      h('td', {}, labelOr('settings.recipients.event', n.event)),
      h('td', { dataset: { fields: n.fields.join(' ') } }, fieldNames(n.fields)),
      h('td', {}, localTime(n.since)),
      h(
        'td',
        {},
        h(
          'span',
          { id: whatId, class: 'visually-hidden' },
          t('settings.recipients.toldWhat', {
            name: n.recipient,
            number: n.customer,
            event: labelOr('settings.recipients.event', n.event),
          }),
        ),
        told,
      ),
    );
  }

  function markTold(n, told) {
    return submitWith({ alert: tellAlert, status: tellStatus, busy: told }, async () => {
      await call('recipients_told', { noticeId: n.id });
      const left = await loadNotices();
      showText(
        tellStatus,
        t('settings.recipients.toldDone', {
          name: n.recipient,
          number: n.customer,
          event: labelOr('settings.recipients.event', n.event),
        }),
      );
      const next = left && left.length > 0 ? document.querySelector('#recipient-notices-table [data-action="told"]') : null;
      focus(next || document.getElementById('settings-recipient-notices-title'));
    });
  }

  async function start() {
    try {
      purposes = (await call('purposes_list')).filter((p) => p.active !== false);
      names = purposeNames(purposes);
      for (const p of purposes) purpose.input.append(h('option', { value: p.id }, purposeName(names, p.id)));
    } catch (err) {
      showError(alert, err);
    }
    await Promise.all([load(), loadNotices()]);
  }
  start();

  return [recipientsPanel, noticesPanel];
}
