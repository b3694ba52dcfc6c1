//! First start, "Move from another computer": the owner names the backup
//! file and types the recovery key (eight hidden groups, as printed), sees
//! what the backup holds (`move_preview`: the shop, when it was made, how
//! many customers, how many erasures made since will be made again), then
//! restores it (`move_restore`, on a worker; a progress bar meanwhile), is
//! told what was erased again, and goes on to sign in, with the last step
//! said plainly: retire the old computer. What opens a backup and what is
//! replayed are the core's rules.

import { h, replace, focus } from '../components/dom.js';
import { textField, checkboxField, form, button, alertRegion, fieldError, markRefused, submitWith } from '../components/form.js';
import { renderSteps } from '../components/customer-steps.js';
import { workingBar } from '../components/progress.js';
import { call } from '../api.js';
import { t, tn, formatNumber, currentLanguage } from '../i18n.js';

const STEPS = ['setup.move.step.backup', 'setup.move.step.check', 'setup.move.step.restore'];
const GROUPS = 8;

/** A UTC time from the core in the user's local date and time. */
function localWhen(iso) {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}

/**
 * The recovery key as eight hidden boxes of four; typing the fourth
 * character of a group goes on to the next, and a pasted key fills them
 * all. `value()` is the key with dashes; `clear()` empties every box.
 */
function keyBoxes() {
  const hintId = 'move-key-hint';
  const errorId = 'move-key-error';
  const boxes = Array.from({ length: GROUPS }, (_, i) =>
    h('input', {
      id: `move-key-${i + 1}`,
      type: 'password',
      class: 'input input--mono key-group__box',
      autocomplete: 'off',
      autocapitalize: 'characters',
      spellcheck: 'false',
      'aria-label': t('setup.move.keyGroup', { n: i + 1 }),
      'aria-describedby': `${hintId} ${errorId}`,
    }),
  );
  const spread = (from, text) => {
    const chars = text.replace(/[^0-9a-zA-Z]/g, '');
    for (let i = from, at = 0; i < GROUPS && at < chars.length; i += 1, at += 4) {
      boxes[i].value = chars.slice(at, at + 4);
    }
    const next = boxes.find((b) => b.value.length < 4);
    focus(next || boxes[GROUPS - 1]);
  };
  boxes.forEach((box, i) => {
    box.addEventListener('paste', (event) => {
      const text = event.clipboardData ? event.clipboardData.getData('text') : '';
      if (!text) return;
      event.preventDefault();
      spread(i, text);
    });
    box.addEventListener('input', () => {
      const chars = box.value.replace(/[^0-9a-zA-Z]/g, '');
      if (chars.length > 4) spread(i, chars);
      else if (chars.length === 4 && i + 1 < GROUPS && boxes[i + 1].value === '') focus(boxes[i + 1]);
    });
  });
  const show = checkboxField({ id: 'move-key-show', label: t('setup.move.keyShow') });
  show.input.addEventListener('change', () => {
    for (const b of boxes) b.type = show.input.checked ? 'text' : 'password';
  });
  const error = h('p', { id: errorId, class: 'field__error' });
  const element = h(
    'fieldset',
    { class: 'field key-group' },
    h('legend', { class: 'field__label' }, t('setup.move.key')),
    h('p', { id: hintId, class: 'field__hint' }, t('setup.move.keyHint')),
    // Two rows of four groups, each group's dash as on the paper.
    ...[0, 4].map((from) =>
      h(
        'div',
        { class: 'key-group__boxes' },
        ...boxes.slice(from, from + 4).flatMap((b, i) => (i === 0 ? [b] : [h('span', { class: 'key-group__dash', 'aria-hidden': 'true' }, '–'), b])),
      ),
    ),
    error,
    show.element,
  );
  return {
    element,
    first: boxes[0],
    value: () => boxes.map((b) => b.value.trim()).join('-'),
    complete: () => boxes.every((b) => b.value.replace(/[^0-9a-zA-Z]/g, '').length === 4),
    clear: () => boxes.forEach((b) => (b.value = '')),
    setError(text) {
      error.textContent = text;
      boxes.forEach((b) => b.setAttribute('aria-invalid', 'true'));
    },
    clearError() {
      error.textContent = '';
      boxes.forEach((b) => b.removeAttribute('aria-invalid'));
    },
    markRefused() {
      boxes.forEach((b) => b.setAttribute('aria-invalid', 'true'));
      focus(boxes[0]);
    },
  };
}

/** The refusal in this screen's own words where it has them. */
function showMoveError(region, err) {
  const code = err && err.code;
  const missing = code === 'backup_invalid' && /no file with that name/.test(err.message || '');
  const folder = code === 'invalid_input' && err.field === 'backup' && /folder/.test(err.message || '');
  const key = missing ? 'setup.move.error.no_file' : folder ? 'setup.move.error.folder' : `setup.move.error.${code}`;
  const own = ['wrong_recovery_key', 'backup_invalid', 'vault_exists'].includes(code) || missing || folder;
  replace(
    region,
    h(
      'p',
      { class: 'alert__text' },
      own ? t(key) : code === 'invalid_input' ? t('setup.move.error.invalid_input', { message: err.message }) : err.message || t('error.internal'),
    ),
    code === 'backup_invalid' && !missing ? h('p', { class: 'alert__detail' }, t('common.details', { message: err.message })) : null,
  );
}

export function render(ctx) {
  // What has been typed so far; the key leaves memory once restored.
  const state = { backup: '', key: '', preview: null };

  const steps = h('ol', { class: 'steps', 'aria-label': t('setup.move.stepsLabel') });
  const alert = alertRegion('move-error');
  const body = h('div', { class: 'wizard__body' });

  const root = h(
    'section',
    { id: 'move', class: 'screen screen--card', 'aria-labelledby': 'move-title' },
    h(
      'div',
      { class: 'card card--wide' },
      h('p', { class: 'card__brand' }, t('app.name')),
      h('h1', { id: 'move-title', class: 'card__title', tabindex: '-1' }, t('setup.move.title')),
      h('p', { class: 'lead' }, t('setup.move.intro')),
      steps,
      alert,
      body,
    ),
  );

  function showStep(n, view) {
    renderSteps(steps, STEPS.map((key) => t(key)), n - 1);
    replace(body, view.element);
    if (view.first) focus(view.first);
    return view;
  }

  function heading(n) {
    return h('h2', { class: 'wizard__heading' }, t('setup.move.stepOf', { n, total: STEPS.length, name: t(STEPS[n - 1]) }));
  }


  function backupStep() {
    const file = textField({
      id: 'move-file',
      label: t('setup.move.file'),
      hint: t('setup.move.fileHint'),
      value: state.backup,
      className: 'input--mono',
      autofocus: true,
    });
    const key = keyBoxes();
    const check = button(t('setup.move.check'), { id: 'move-check', type: 'submit' });
    const bar = workingBar('move-checking', t('setup.move.checkingLong'));
    const element = form(
      {
        id: 'move-backup-form',
        label: t('setup.move.step.backup'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              fields: { backup: file, 'recovery key': key },
              check: () => {
                const path = file.input.value.trim();
                if (!path) return fieldError(file, t('setup.move.fileRequired'));
                if (!key.complete()) {
                  key.setError(t('setup.move.keyRequired'));
                  return focus(key.first);
                }
                return { path, key: key.value() };
              },
              busy: check,
              busyLabel: t('setup.move.checking'),
            },
            async (typed) => {
              bar.hidden = false;
              try {
                const preview = await call('move_preview', { backup: typed.path, recoveryKey: typed.key });
                state.backup = typed.path;
                state.key = typed.key;
                state.preview = preview;
                key.clear();
                showStep(2, checkStep());
              } finally {
                bar.hidden = true;
              }
            },
            (err) => {
              showMoveError(alert, err);
              if (err.code === 'wrong_recovery_key' || err.field === 'recovery key') key.markRefused();
              else if (err.field === 'backup' || err.code === 'backup_invalid') markRefused(file);
            },
          ),
      },
      heading(1),
      file.element,
      key.element,
      bar,
      h(
        'div',
        { class: 'actions' },
        button(t('setup.move.newShop'), { id: 'move-new-shop', kind: 'secondary', onclick: () => ctx.refresh() }),
        check,
      ),
    );
    return { element, first: file.input };
  }

  function checkStep() {
    const p = state.preview;
    const restore = button(t('setup.move.restore'), { id: 'move-restore', type: 'submit' });
    const bar = workingBar('move-restoring', t('setup.move.restoringLong'));
    const back = button(t('common.back'), {
      id: 'move-back',
      kind: 'secondary',
      onclick: () => {
        state.key = '';
        showStep(1, backupStep());
      },
    });
    const element = form(
      {
        id: 'move-check-form',
        label: t('setup.move.step.check'),
        onSubmit: () =>
          submitWith(
            { alert, busy: restore, busyLabel: t('setup.move.restoring') },
            async () => {
              bar.hidden = false;
              back.disabled = true;
              try {
                const moved = await call('move_restore', { backup: state.backup, recoveryKey: state.key });
                state.key = '';
                showStep(3, doneStep(moved));
              } finally {
                bar.hidden = true;
                back.disabled = false;
              }
            },
            (err) => {
              showMoveError(alert, err);
              focus(restore);
            },
          ),
      },
      heading(2),
      h('p', {}, t('setup.move.checkIntro')),
      h(
        'dl',
        { id: 'move-summary', class: 'summary' },
        h('dt', {}, t('setup.move.shop')),
        h('dd', { id: 'move-shop' }, p.shopName),
        h('dt', {}, t('setup.move.madeAt')),
        h('dd', { id: 'move-made-at' }, h('time', { datetime: p.backupMadeAt }, localWhen(p.backupMadeAt))),
        h('dt', {}, t('setup.move.customers')),
        h('dd', { id: 'move-customers' }, formatNumber(p.customers)),
        h('dt', {}, t('setup.move.erasedBefore')),
        h('dd', {}, formatNumber(p.erasedBefore)),
        h('dt', {}, t('setup.move.toReplay')),
        h('dd', { id: 'move-to-replay' }, p.erasuresToReplay > 0 ? formatNumber(p.erasuresToReplay) : t('setup.move.toReplayNone')),
      ),
      h('p', { class: 'field__hint' }, t('setup.move.toReplayHint')),
      bar,
      h('div', { class: 'actions' }, back, restore),
    );
    return { element, first: restore };
  }

  function doneStep(moved) {
    const signIn = button(t('setup.move.signIn'), { id: 'move-sign-in', onclick: () => ctx.refresh() });
    const element = h(
      'div',
      { id: 'move-done' },
      h('h2', { class: 'wizard__heading' }, t('setup.move.doneTitle')),
      h('p', {}, t('setup.move.doneMadeAt', { when: localWhen(moved.backupMadeAt) })),
      h(
        'p',
        { id: 'move-replayed' },
        moved.erasedAgain > 0 ? tn('setup.move.replayed', moved.erasedAgain, { count: formatNumber(moved.erasedAgain) }) : t('setup.move.replayedNone'),
      ),
      moved.tombstonesAdded > 0
        ? h('p', {}, tn('setup.move.tombstones', moved.tombstonesAdded, { count: formatNumber(moved.tombstonesAdded) }))
        : null,
      h('p', {}, t('setup.move.signInNext')),
      h('p', { id: 'move-retire-old', class: 'move__last-step' }, t('setup.move.retireOld')),
      h('div', { class: 'actions actions--end' }, signIn),
    );
    return { element, first: signIn };
  }

  showStep(1, backupStep());
  return root;
}
