//! A customer's profile, opened for a purpose of access (`customer_profile`).
//! The core decides which view this role gets and what is in it: `full`
//! (owner, manager), `till` (staff) or `marketing`; this screen shows each
//! view's keys as they arrive and nothing else, so a detail the core left
//! out has no place to appear.
//!
//! The actions on the profile are offered when the session's `allowed`
//! lists them, each with its shortcut: Edit details (Alt+E, full view),
//! Add purchase (Alt+P), Add note (Alt+O), Add task (Alt+T), ticking off a
//! task, tags, redeeming points and the customer's consents. After any
//! change the profile is read again with the same purpose.

import { h, replace, focus } from '../components/dom.js';
import {
  textField,
  textAreaField,
  form,
  button,
  showError,
  showErrorOn,
  errorText,
  showText,
  fieldError,
  submitWith,
} from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { may } from '../components/roles.js';
import { labelOr, fieldLabel, accessPurposeLabel, purposeNames, purposeName, timeCell } from '../components/labels.js';
import { formatMoney, parseWhole } from '../components/money.js';
import { call } from '../api.js';
import { t, tn, formatNumber } from '../i18n.js';

/**
 * `params`: `customerId` and `purpose` (an access purpose the session may
 * give), and optionally `notice` (what just happened, e.g. after a purchase).
 */
export function render(ctx, params = {}) {
  const { customerId, purpose } = params;
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'profile',
    current: 'customers',
    title: t('profile.title'),
    params,
  });
  const body = h('div', { id: 'profile-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('profile.loading')));
  content.append(body);
  const allowed = (action) => may(ctx.session, action);

  /** The profile as the core last sent it, the catalog order of fields, purpose names. */
  let profile = null;
  let fieldOrder = [];
  let names = new Map();

  ctx.screenKeys(root, {
    e: () => profile && profile.view === 'full' && allowed('edit_customer') && editDetails(),
    p: () => profile && allowed('record_purchase') && addPurchase(),
    o: () => focusInput('profile-note-text'),
    t: () => focusInput('profile-task-title'),
  });

  function focusInput(id) {
    const el = document.getElementById(id);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    focus(el);
  }

  function editDetails() {
    ctx.navigate('customer-edit', { customerId, purpose, profile });
  }

  function addPurchase() {
    ctx.navigate('purchase', {
      customerId,
      purpose,
      name: profile.view === 'full' ? profile.fields.name : profile.name,
      currency: ctx.session.currency,
    });
  }

  if (!Number.isSafeInteger(customerId) || typeof purpose !== 'string') {
    replace(body, backToSearch());
    showText(alert, t('profile.noCustomer'));
    return root;
  }

  /**
   * Reads the profile again (same purpose) and shows it; `focusId` names
   * the element the cursor goes back to (else it stays where it was).
   */
  async function load({ focusId } = {}) {
    body.setAttribute('aria-busy', 'true');
    try {
      const [found, fields, purposes] = await Promise.all([
        call('customer_profile', { customerId, purpose }),
        // Only to name and order things; the profile shows without them.
        call('fields_list').catch(() => []),
        call('purposes_list').catch(() => []),
      ]);
      profile = found;
      fieldOrder = fields.map((f) => f.key);
      names = purposeNames(purposes);
      replace(body, ...view(found));
      if (focusId) focus(document.getElementById(focusId));
    } catch (err) {
      profile = null;
      replace(body, backToSearch());
      showError(alert, err);
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function backToSearch() {
    return allowed('search_customers')
      ? h(
          'div',
          { class: 'actions actions--start' },
          button(t('profile.backToSearch'), { id: 'profile-back', kind: 'secondary', onclick: () => ctx.navigate('customers') }),
        )
      : null;
  }

  /** The panels of the view the core sent. */
  function view(p) {
    switch (p.view) {
      case 'full':
        return fullView(p);
      case 'till':
        return tillView(p);
      case 'marketing':
        return marketingView(p);
      default:
        return [h('p', { class: 'muted' }, t('profile.unknownView'))];
    }
  }

  // ---- The views ----

  function fullView(p) {
    return [
      header(p.fields.name, p),
      panel('profile-details', t('profile.detailsTitle'), fieldList('profile-fields', p.fields)),
      h('div', { class: 'profile-grid' }, loyaltyPanel(p.loyalty), tagsPanel(p.tags)),
      purchasesPanel(p.purchases, p.purchaseCount),
      h('div', { class: 'profile-grid' }, notesPanel(p.notes), tasksPanel(p.tasks)),
      consentsPanel(p.consents),
      panel(
        'profile-record',
        t('profile.recordTitle'),
        h(
          'dl',
          { id: 'profile-record-list', class: 'summary' },
          h('dt', {}, t('consents.reference')),
          h('dd', { class: 'path' }, p.customerRef),
          h('dt', {}, t('consents.language')),
          h('dd', {}, labelOr('consent.languages', p.lang)),
          h('dt', {}, t('profile.since')),
          h('dd', {}, timeCell(p.since)),
          h('dt', {}, t('profile.identityCheck')),
          h('dd', {}, labelOr('consents.identity', p.identityCheck)),
        ),
      ),
    ];
  }

  function tillView(p) {
    return [
      header(p.name, p),
      h('div', { class: 'profile-grid' }, loyaltyPanel(p.loyalty), tagsPanel(p.tags)),
      p.delivery ? panel('profile-delivery', t('profile.deliveryTitle'), fieldList('profile-delivery-fields', p.delivery)) : null,
      purchasesPanel(p.recentPurchases, null),
      h('div', { class: 'profile-grid' }, notesPanel(p.recentNotes), tasksPanel(p.openTasks)),
    ];
  }

  function marketingView(p) {
    const stats = p.purchases;
    return [
      header(null, p),
      panel(
        'profile-purposes',
        t('profile.marketingPurposesTitle'),
        h(
          'ul',
          { id: 'profile-purposes-list', class: 'plain-list' },
          p.purposes.map((id) => h('li', { dataset: { purpose: id } }, purposeName(names, id))),
        ),
      ),
      panel('profile-details', t('profile.detailsTitle'), fieldList('profile-fields', p.fields)),
      panel(
        'profile-totals',
        t('profile.totalsTitle'),
        h(
          'dl',
          { id: 'profile-totals-list', class: 'summary' },
          h('dt', {}, t('profile.totalsCount')),
          h('dd', {}, formatNumber(stats.count)),
          h('dt', {}, t('profile.totalsSpent')),
          h('dd', {}, formatMoney(stats.totalCents, stats.currency)),
          stats.lastMonth ? [h('dt', {}, t('profile.totalsLast')), h('dd', {}, stats.lastMonth)] : null,
        ),
      ),
    ];
  }

  // ---- Parts ----

  function panel(id, title, ...children) {
    return h(
      'section',
      { id, class: 'panel', 'aria-labelledby': `${id}-title` },
      h('h2', { id: `${id}-title`, tabindex: '-1' }, title),
      ...children,
    );
  }

  /** The customer's name (if this view has it), why the record is open, and the actions. */
  function header(name, p) {
    const actions = [];
    if (p.view === 'full' && allowed('edit_customer')) {
      actions.push(button(t('profile.edit'), { id: 'profile-edit', shortcut: 'Alt+E', onclick: editDetails }));
    }
    if (allowed('record_purchase')) {
      actions.push(
        button(t('profile.addPurchase'), {
          id: 'profile-add-purchase',
          kind: actions.length > 0 ? 'secondary' : 'primary',
          shortcut: 'Alt+P',
          onclick: addPurchase,
        }),
      );
    }
    if (allowed('add_note')) {
      actions.push(
        button(t('profile.addNote'), {
          id: 'profile-add-note',
          kind: 'secondary',
          shortcut: 'Alt+O',
          onclick: () => focusInput('profile-note-text'),
        }),
      );
    }
    if (allowed('manage_tasks')) {
      actions.push(
        button(t('profile.addTask'), {
          id: 'profile-add-task',
          kind: 'secondary',
          shortcut: 'Alt+T',
          onclick: () => focusInput('profile-task-title'),
        }),
      );
    }
    if (p.view === 'marketing' && allowed('view_audience')) {
      actions.push(
        button(t('profile.audiences'), {
          id: 'profile-audiences',
          kind: 'secondary',
          shortcut: 'Alt+M',
          onclick: () => ctx.navigate('audiences'),
        }),
      );
    }
    if (allowed('view_consent_history')) {
      actions.push(
        button(t('profile.consents'), {
          id: 'profile-consents-link',
          kind: 'secondary',
          onclick: () => ctx.navigate('consents', { customerId: p.id }),
        }),
      );
    }
    return h(
      'section',
      { id: 'profile-header', class: 'panel panel--action profile-header', 'aria-labelledby': 'profile-name' },
      h('h2', { id: 'profile-name', class: 'profile-header__name', tabindex: '-1' }, name || t('profile.customerNumber', { number: p.id })),
      h(
        'p',
        { id: 'profile-context', class: 'muted' },
        name
          ? t('profile.context', { number: p.id, purpose: accessPurposeLabel(purpose) })
          : t('profile.contextNoName', { purpose: accessPurposeLabel(purpose) }),
      ),
      p.view === 'till'
        ? h(
            'p',
            { id: 'profile-contact', class: 'profile-header__contact' },
            h('span', { class: 'profile-header__label' }, `${t('profile.contact')}: `),
            p.contactPreference.length > 0 ? p.contactPreference.map((c) => labelOr('contact', c)).join(', ') : t('contact.none'),
          )
        : null,
      actions.length > 0 ? h('div', { class: 'actions actions--start profile-actions' }, actions) : null,
    );
  }

  /** The held fields, name first, then in the catalog's order. */
  function fieldList(id, fields) {
    const keys = Object.keys(fields);
    const rank = (k) => {
      const i = fieldOrder.indexOf(k);
      return i < 0 ? fieldOrder.length : i;
    };
    keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    if (keys.length === 0) return h('p', { id, class: 'muted' }, t('profile.noFields'));
    return h(
      'dl',
      { id, class: 'summary' },
      keys.map((k) => [h('dt', {}, fieldLabel(k)), h('dd', { dataset: { field: k }, class: 'profile__value' }, fields[k])]),
    );
  }

  function loyaltyPanel(loyalty) {
    if (!loyalty) {
      return panel('profile-loyalty', t('profile.loyaltyTitle'), h('p', { class: 'muted' }, t('profile.noLoyalty')));
    }
    const parts = [
      h(
        'dl',
        { id: 'profile-loyalty-list', class: 'summary' },
        h('dt', {}, t('profile.loyaltyNumber')),
        h('dd', { class: 'path' }, loyalty.number),
        h('dt', {}, t('profile.points')),
        h('dd', { id: 'profile-points' }, formatNumber(loyalty.points)),
      ),
    ];
    if (allowed('redeem_points')) parts.push(redeemForm());
    return panel('profile-loyalty', t('profile.loyaltyTitle'), ...parts);
  }

  function redeemForm() {
    const points = textField({
      id: 'profile-redeem-points',
      label: t('profile.redeemPoints'),
      inputmode: 'numeric',
      className: 'input--short',
    });
    const row = h('div', { class: 'lookup' });
    points.input.replaceWith(row);
    row.append(points.input, button(t('profile.redeem'), { id: 'profile-redeem', kind: 'secondary', type: 'submit' }));
    return form(
      {
        id: 'profile-redeem-form',
        label: t('profile.redeemTitle'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              status,
              fields: { points },
              check: () => {
                const n = parseWhole(points.input.value);
                // Zero is a number too: the check passes it on boxed.
                return n === null ? fieldError(points, t('profile.pointsInvalid')) : { n };
              },
            },
            async ({ n }) => {
              const loyalty = await call('points_redeem', { customerId, points: n });
              showText(status, tn('profile.redeemed', n, { points: formatNumber(n), balance: formatNumber(loyalty.points) }));
              await load({ focusId: 'profile-redeem-points' });
            },
            (err) => {
              // The form has one input: a shortage of points is about it.
              if (err.code === 'not_enough_points') fieldError(points, errorText(err));
              else showErrorOn(alert, err, { points });
            },
          ),
      },
      points.element,
    );
  }

  function tagsPanel(tags) {
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

  function purchasesPanel(purchases, count) {
    const caption =
      purchases.length === 0
        ? null
        : count === null
          ? tn('profile.recentPurchases', purchases.length)
          : t('profile.purchasesShown', { shown: formatNumber(purchases.length), count: formatNumber(count) });
    const table =
      purchases.length === 0
        ? h('p', { class: 'muted' }, t('profile.noPurchases'))
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'profile-purchases', class: 'table table--compact' },
              h('caption', { class: 'visually-hidden' }, caption),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['date', 'items', 'total', 'points'].map((k) =>
                    h('th', { scope: 'col', class: k === 'total' || k === 'points' ? 'num' : null }, t(`profile.col.${k}`)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                purchases.map((pu) =>
                  h(
                    'tr',
                    { dataset: { purchase: pu.id } },
                    h('td', { class: 'nowrap' }, pu.date),
                    h(
                      'td',
                      {},
                      h(
                        'ul',
                        { class: 'plain-list' },
                        pu.items.map((it) =>
                          h(
                            'li',
                            {},
                            t('profile.itemLine', {
                              quantity: formatNumber(it.quantity),
                              description: it.description,
                              price: formatMoney(it.unitCents, pu.currency),
                            }),
                          ),
                        ),
                      ),
                    ),
                    h('td', { class: 'num nowrap' }, formatMoney(pu.totalCents, pu.currency)),
                    h('td', { class: 'num' }, pu.points === undefined || pu.points === null ? '–' : formatNumber(pu.points)),
                  ),
                ),
              ),
            ),
          );
    return panel('profile-purchases-panel', t('profile.purchasesTitle'), caption ? h('p', { class: 'muted' }, caption) : null, table);
  }

  function notesPanel(notes) {
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

  function tasksPanel(tasks) {
    const ticks = allowed('manage_tasks');
    const list =
      tasks.length === 0
        ? h('p', { class: 'muted' }, t('profile.noTasks'))
        : h(
            'ul',
            { id: 'profile-tasks', class: 'entries' },
            tasks.map((task) =>
              h(
                'li',
                { class: task.done ? 'entry entry--done' : 'entry', dataset: { task: task.id, done: task.done ? 'yes' : 'no' } },
                h('p', { class: 'entry__text' }, task.title),
                h(
                  'p',
                  { class: 'entry__meta' },
                  task.due ? t('profile.taskDue', { date: task.due }) : t('profile.taskNoDue'),
                  task.done ? ` · ${t('profile.taskDone')}` : null,
                ),
                ticks && !task.done
                  ? button(t('profile.taskComplete'), {
                      kind: 'secondary',
                      onclick: () => completeTask(task),
                    })
                  : null,
              ),
            ),
          );
    if (!ticks) return panel('profile-tasks-panel', t('profile.tasksTitle'), list);
    const title = textField({ id: 'profile-task-title', label: t('profile.taskNew') });
    const due = textField({
      id: 'profile-task-due',
      label: t('profile.taskDueLabel'),
      hint: t('profile.dateHint'),
      className: 'input--short',
      inputmode: 'numeric',
    });
    const taskForm = form(
      {
        id: 'profile-task-form',
        label: t('profile.addTask'),
        onSubmit: () =>
          submitWith({ alert, status, fields: { title, due } }, async () => {
            const task = { title: title.input.value };
            if (due.input.value.trim()) task.due = due.input.value.trim();
            await call('task_add', { customerId, task });
            showText(status, t('profile.taskAdded'));
            await load({ focusId: 'profile-task-title' });
          }),
      },
      h('div', { class: 'form-row' }, title.element, due.element),
      h('div', { class: 'actions actions--start' }, button(t('profile.taskSave'), { id: 'profile-task-save', kind: 'secondary', type: 'submit' })),
    );
    return panel('profile-tasks-panel', t('profile.tasksTitle'), list, taskForm);
  }

  function completeTask(task) {
    return submitWith({ alert, status }, async () => {
      await call('task_complete', { customerId, taskId: task.id });
      showText(status, t('profile.taskCompleted', { title: task.title }));
      await load({ focusId: 'profile-tasks-panel-title' });
    });
  }

  function consentsPanel(consents) {
    return panel(
      'profile-consents',
      t('profile.consentsTitle'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'profile-consents-table', class: 'table table--compact' },
          h('caption', { class: 'visually-hidden' }, t('consents.currentCaption')),
          h('thead', {}, h('tr', {}, ['purpose', 'status', 'since', 'notice'].map((k) => h('th', { scope: 'col' }, t(`consents.col.${k}`))))),
          h(
            'tbody',
            {},
            consents.map((c) =>
              h(
                'tr',
                { dataset: { purpose: c.purpose, granted: c.granted ? 'yes' : 'no' } },
                h(
                  'td',
                  {},
                  h('span', { class: 'purpose-name' }, purposeName(names, c.purpose)),
                  h('span', { class: 'table__note purpose-id' }, c.purpose),
                ),
                h(
                  'td',
                  {},
                  h(
                    'span',
                    { class: c.granted ? 'state state--on' : 'state state--off' },
                    c.granted ? t('consents.status.granted') : t('consents.status.notGranted'),
                  ),
                ),
                h('td', {}, timeCell(c.since)),
                h('td', {}, String(c.noticeVersion)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  load();
  return root;
}
