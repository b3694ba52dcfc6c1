//! Change one's own passphrase. Forced (no way around it but logging out)
//! right after logging in with a passphrase the owner handed out; otherwise
//! reachable from the menu. Strength rules are the core's. Below it, the
//! language of one's own screens (also on the forced screen, so that a new
//! user reads the rest in their language).

import { h } from '../components/dom.js';
import { textField, selectField, form, button, alertRegion, showError, fieldError, markRefused, submitWith } from '../components/form.js';
import { languageOptions, languageName } from '../components/languages.js';
import { sessionLayout } from '../components/layout.js';
import { call } from '../api.js';
import { t } from '../i18n.js';
import { ownPinPanel } from './settings/quick-switch.js';

export function render(ctx, params = {}) {
  const forced = params.forced === true;
  const current = textField({
    id: 'cp-current',
    label: t('cp.current'),
    hint: forced ? t('cp.currentHintForced') : null,
    type: 'password',
    autocomplete: 'current-password',
    autofocus: true,
  });
  const replacement = textField({
    id: 'cp-new',
    label: t('cp.new'),
    hint: t('common.passphraseHint'),
    type: 'password',
    autocomplete: 'new-password',
  });
  const confirm = textField({
    id: 'cp-confirm',
    label: t('cp.confirm'),
    type: 'password',
    autocomplete: 'new-password',
  });

  // The forced screen has no top bar, so it gets its own alert region and a
  // way out; the voluntary one lives in the usual frame.
  let root;
  let alert;
  let container;
  /** Where the language choice goes: its own panel, or the card's end. */
  let languageBox;
  if (forced) {
    alert = alertRegion('change-passphrase-error');
    container = h('div', { class: 'card card--wide' });
    root = h('section', { id: 'change-passphrase', class: 'screen screen--card', 'aria-labelledby': 'change-passphrase-title' }, container);
    container.append(
      h('p', { class: 'card__brand' }, ctx.shopName || t('app.name')),
      h('h1', { id: 'change-passphrase-title', class: 'card__title', tabindex: '-1' }, t('cp.titleForced')),
      h('p', { class: 'lead' }, t('cp.introForced')),
      alert,
    );
  } else {
    const frame = sessionLayout(ctx, { screenId: 'change-passphrase', current: 'passphrase', title: t('cp.title'), params });
    root = frame.root;
    alert = frame.alert;
    container = h('section', { class: 'panel' });
    languageBox = h('section', { class: 'panel', 'aria-labelledby': 'own-language-title' });
    frame.content.append(container, languageBox);
    // The PIN for quick switching, when the owner allows PINs.
    if (ctx.session.quickSwitch) frame.content.append(ownPinPanel(ctx));
  }

  const actions = forced
    ? [
        button(t('cp.logout'), { id: 'cp-logout', kind: 'secondary', onclick: () => ctx.logout() }),
        button(t('cp.submit'), { id: 'cp-submit', type: 'submit' }),
      ]
    : [
        button(t('common.cancel'), { id: 'cp-cancel', kind: 'secondary', onclick: () => ctx.navigate('home') }),
        button(t('cp.submit'), { id: 'cp-submit', type: 'submit' }),
      ];

  container.append(
    form(
      {
        id: 'cp-form',
        label: forced ? t('cp.titleForced') : t('cp.title'),
        onSubmit: () =>
          submitWith(
            {
              alert,
              fields: [current, replacement, confirm],
              check: () => {
                if (!current.input.value) return fieldError(current, t('cp.currentRequired'));
                if (!replacement.input.value) return fieldError(replacement, t('common.passphraseRequired'));
                if (confirm.input.value !== replacement.input.value) return fieldError(confirm, t('common.passphraseMismatch'));
                return true;
              },
            },
            async () => {
              const info = await call('change_passphrase', {
                current: current.input.value,
                replacement: replacement.input.value,
              });
              ctx.sessionUpdated(info);
              ctx.navigate('home', { notice: t('cp.done') });
            },
            (err) => {
              showError(alert, err);
              if (err.code === 'wrong_credentials') {
                current.input.value = '';
                markRefused(current);
              } else if (err.code === 'weak_passphrase') {
                replacement.input.value = '';
                confirm.input.value = '';
                markRefused(replacement);
              }
            },
          ),
      },
      current.element,
      replacement.element,
      confirm.element,
      h('div', { class: 'actions' }, actions),
    ),
  );
  (languageBox || container).append(
    h('h2', { id: 'own-language-title' }, t('language.label')),
    languageForm(ctx, alert, forced),
  );
  return root;
}

/** The choice of the language of one's own screens. */
function languageForm(ctx, alert, forced) {
  const session = ctx.session || {};
  const picker = selectField({
    id: 'own-language',
    label: t('users.col.language'),
    hint: t('language.hint'),
    options: languageOptions(session.staffLanguage || 'en'),
    value: session.ownLanguage || '',
  });
  return form(
    {
      id: 'own-language-form',
      label: t('language.label'),
      onSubmit: () =>
        submitWith({ alert }, async () => {
          const info = await call('own_language_set', { language: picker.input.value || null });
          await ctx.sessionUpdated(info);
          const notice = t('language.saved', { language: languageName(info.language) });
          ctx.navigate(forced ? 'home' : 'passphrase', { notice });
        }),
    },
    picker.element,
    h('div', { class: 'actions actions--start' }, button(t('language.save'), { id: 'own-language-save', kind: 'secondary', type: 'submit' })),
  );
}
