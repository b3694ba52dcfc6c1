//! The tasks panel: the customer's follow-up tasks, and (when the session's
//! `allowed` lists `manage_tasks`) a button to tick each open one off and
//! the form to add one.

import { h } from '../../components/dom.js';
import { textField, form, button, showText, submitWith, fieldError } from '../../components/form.js';
import { dateHint, dateInvalid, formatDate, parseDate } from '../../components/format.js';
import { call } from '../../api.js';
import { t } from '../../i18n.js';
import { panel } from './parts.js';

/** The tasks panel for `tasks` (`{ id, title, due, done }`). */
export function tasksPanel(profile, tasks) {
  const { customerId, alert, status, allowed, load } = profile;
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
                task.due ? t('profile.taskDue', { date: formatDate(task.due) }) : t('profile.taskNoDue'),
                task.done ? ` · ${t('profile.taskDone')}` : null,
              ),
              ticks && !task.done
                ? button(t('profile.taskComplete'), {
                    kind: 'secondary',
                    onclick: () => completeTask(profile, task),
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
    hint: dateHint('profile.dateHint'),
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
          if (due.input.value.trim()) {
            task.due = parseDate(due.input.value);
            if (!task.due) {
              fieldError(due, dateInvalid());
              return;
            }
          }
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

function completeTask({ customerId, alert, status, load }, task) {
  return submitWith({ alert, status }, async () => {
    await call('task_complete', { customerId, taskId: task.id });
    showText(status, t('profile.taskCompleted', { title: task.title }));
    await load({ focusId: 'profile-tasks-panel-title' });
  });
}

