//! Users: the shop's accounts, adding one, changing a role or the language
//! of someone's screens, disabling one.
//! Any role can open this screen; the core decides who may list or change
//! accounts, and a refusal (`forbidden`) is shown as is.

import { h, replace, focus } from '../components/dom.js';
import { textField, selectField, form, button, showError, showText, fieldError, markRefused, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { roleLabel, roleOptions, may } from '../components/roles.js';
import { languageOptions, languageName } from '../components/languages.js';
import { call } from '../api.js';
import { t } from '../i18n.js';

export function render(ctx, params = {}) {
  const { root, alert, status, content } = sessionLayout(ctx, {
    screenId: 'users',
    current: 'users',
    title: t('users.title'),
    params,
  });
  const heading = root.querySelector('h1');

  // ---- Adding a user ----
  const username = textField({ id: 'user-add-username', label: t('users.username'), autofocus: true });
  const role = selectField({ id: 'user-add-role', label: t('users.role'), options: roleOptions(), value: 'staff' });
  const shopLanguage = (ctx.session && ctx.session.staffLanguage) || 'en';
  const language = selectField({ id: 'user-add-language', label: t('users.language'), options: languageOptions(shopLanguage), value: '' });
  const passphrase = textField({
    id: 'user-add-passphrase',
    label: t('users.initialPassphrase'),
    hint: t('users.initialPassphraseHint'),
    type: 'password',
    autocomplete: 'new-password',
  });
  const addForm = form(
    {
      id: 'user-add-form',
      label: t('users.addTitle'),
      onSubmit: () =>
        submitWith(
          {
            alert,
            status,
            fields: [username, role, passphrase],
            check: () => {
              const name = username.input.value.trim();
              if (!name) return fieldError(username, t('users.usernameRequired'));
              if (!passphrase.input.value) return fieldError(passphrase, t('common.passphraseRequired'));
              return name;
            },
          },
          async (name) => {
            const added = await call('users_add', {
              username: name,
              role: role.input.value,
              initialPassphrase: passphrase.input.value,
              language: language.input.value || null,
            });
            username.input.value = '';
            passphrase.input.value = '';
            role.input.value = 'staff';
            language.input.value = '';
            showText(status, t('users.added', { username: added.username, role: roleLabel(added.role) }));
            await load();
            focus(username.input);
          },
          (err) => {
            showError(alert, err);
            if (err.code === 'user_exists' || err.code === 'invalid_input') markRefused(username);
            else if (err.code === 'weak_passphrase') markRefused(passphrase);
          },
        ),
    },
    h('div', { class: 'form-row' }, username.element, role.element, language.element, passphrase.element),
    h('div', { class: 'actions actions--start' }, button(t('users.add'), { id: 'user-add-submit', type: 'submit' })),
  );
  const addSection = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'users-add-title' },
    h('h2', { id: 'users-add-title' }, t('users.addTitle')),
    addForm,
  );

  // ---- The list ----
  const listBody = h('div', { class: 'table-wrap', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('users.loading')));
  const listSection = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'users-list-title' },
    h('h2', { id: 'users-list-title' }, t('users.listTitle')),
    listBody,
  );

  // Only a role the core allows to manage accounts gets the add form and the
  // row actions; the auditor sees the list only.
  const manages = may(ctx.session, 'manage_users');
  content.append(...(manages ? [addSection] : []), listSection);

  /** Reloads the list; resolves false (and shows why) when the core refuses. */
  async function load() {
    listBody.setAttribute('aria-busy', 'true');
    try {
      const users = await call('users_list');
      replace(listBody, table(users));
      return true;
    } catch (err) {
      showError(alert, err);
      if (err.code === 'forbidden') {
        // Nothing on this screen is available to this role: leave only the refusal.
        const hadFocus = root.contains(document.activeElement) && document.activeElement !== heading;
        addSection.remove();
        listSection.remove();
        if (hadFocus) focus(heading);
      } else {
        replace(listBody);
      }
      return false;
    } finally {
      listBody.setAttribute('aria-busy', 'false');
    }
  }

  function table(users) {
    if (users.length === 0) return h('p', { class: 'muted' }, t('users.none'));
    return h(
      'table',
      { class: 'table' },
      h('caption', { class: 'visually-hidden' }, t('users.caption')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['users.col.username', 'users.col.role', 'users.col.language', 'users.col.status', 'users.col.mustChange', 'users.col.actions'].map((key) =>
            h('th', { scope: 'col' }, t(key)),
          ),
        ),
      ),
      h('tbody', {}, users.map((user, i) => row(user, i))),
    );
  }

  function row(user, index) {
    const actions = h('td', { class: 'table__actions' });
    const tr = h(
      'tr',
      { 'data-username': user.username, class: user.disabled ? 'is-disabled' : null },
      h('th', { scope: 'row' }, user.username),
      h('td', {}, roleLabel(user.role)),
      manages && !user.disabled ? languageCell(user, index) : h('td', {}, user.language ? languageName(user.language) : t('users.languageDefault')),
      h('td', {}, user.disabled ? t('users.status.disabled') : t('users.status.active')),
      h('td', {}, user.mustChangePassphrase ? t('common.yes') : t('common.no')),
      actions,
    );
    if (manages) showRowActions(user, index, actions);
    return tr;
  }

  /** The owner's choice of the language of `user`'s screens, in its cell. */
  function languageCell(user, index) {
    const selectId = `user-language-${index}`;
    const select = h(
      'select',
      { id: selectId, class: 'input input--compact', 'data-field': 'language' },
      // The shop's default without its name, to keep the column narrow.
      [{ value: '', label: t('users.languageDefault') }, ...languageOptions(null)].map((o) => h('option', { value: o.value }, o.label)),
    );
    select.value = user.language || '';
    const save = button(t('users.changeLanguage'), {
      kind: 'secondary',
      onclick: () => changeLanguage(user, select.value),
    });
    save.dataset.action = 'set-language';
    return h(
      'td',
      {},
      h(
        'div',
        { class: 'row-actions' },
        h('label', { for: selectId, class: 'visually-hidden' }, t('users.languageFor', { username: user.username })),
        select,
        save,
      ),
    );
  }

  function changeLanguage(user, code) {
    return submitWith({ alert, status }, async () => {
      const updated = await call('users_set_language', { username: user.username, language: code || null });
      const name = updated.language ? languageName(updated.language) : t('users.languageDefault');
      showText(status, t('users.languageChanged', { username: updated.username, language: name }));
      if (await load()) focusRow(updated.username, 'set-language');
    });
  }

  function showRowActions(user, index, cell) {
    const selectId = `user-role-${index}`;
    const select = h(
      'select',
      { id: selectId, class: 'input input--compact', 'data-field': 'role' },
      roleOptions().map((o) => h('option', { value: o.value }, o.label)),
    );
    select.value = user.role;
    const setRole = button(t('users.changeRole'), {
      kind: 'secondary',
      onclick: () => changeRole(user, select.value),
    });
    setRole.dataset.action = 'set-role';
    const parts = [
      h('label', { for: selectId, class: 'visually-hidden' }, t('users.roleFor', { username: user.username })),
      select,
      setRole,
    ];
    if (!user.disabled) {
      const disable = button(t('users.disable'), {
        kind: 'danger',
        onclick: () => askDisable(user, index, cell),
      });
      disable.dataset.action = 'disable';
      parts.push(disable);
    }
    replace(cell, h('div', { class: 'row-actions' }, parts));
  }

  /** Confirmation in place of the row's buttons, instead of a blocking dialog. */
  function askDisable(user, index, cell) {
    const questionId = `user-disable-question-${index}`;
    const back = () => {
      showRowActions(user, index, cell);
      focus(cell.querySelector('[data-action="disable"]'));
    };
    const yes = button(t('users.disableConfirm', { username: user.username }), {
      kind: 'danger',
      describedBy: questionId,
      onclick: () => disable(user, index, cell),
    });
    yes.dataset.action = 'confirm-disable';
    const no = button(t('users.disableCancel'), { kind: 'secondary', onclick: back });
    no.dataset.action = 'cancel-disable';
    const box = h(
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
      h('p', { id: questionId, class: 'confirm__question' }, t('users.disableQuestion', { username: user.username })),
      h('div', { class: 'row-actions' }, yes, no),
    );
    replace(cell, box);
    focus(no);
  }

  function changeRole(user, newRole) {
    return submitWith({ alert, status }, async () => {
      const updated = await call('users_set_role', { username: user.username, role: newRole });
      showText(status, t('users.roleChanged', { username: updated.username, role: roleLabel(updated.role) }));
      if (await load()) focusRow(updated.username, 'set-role');
    });
  }

  function disable(user, index, cell) {
    return submitWith(
      { alert, status },
      async () => {
        const updated = await call('users_disable', { username: user.username });
        showText(status, t('users.disabled', { username: updated.username }));
        if (await load()) focusRow(updated.username, 'set-role');
      },
      (err) => {
        showError(alert, err);
        showRowActions(user, index, cell);
        focus(cell.querySelector('[data-action="disable"]'));
      },
    );
  }

  /** After the table is rebuilt, puts focus back on the same row. */
  function focusRow(name, action) {
    const tr = [...listBody.querySelectorAll('tr[data-username]')].find((el) => el.dataset.username === name);
    focus(tr ? tr.querySelector(`[data-action="${action}"]`) : heading);
  }

  load();
  return root;
}
