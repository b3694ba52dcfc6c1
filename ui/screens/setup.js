//! First start: a three-step wizard (shop name, owner account, confirm) that
//! calls `setup` and then shows the one-time recovery key. The passphrase
//! rules are the core's; this screen only checks that fields are filled in
//! and that the passphrase was typed the same twice. A shop that already
//! uses Steward on an old computer is offered the move instead
//! (`screens/move.js`).

import { h, replace, focus } from '../components/dom.js';
import {
  textField,
  form,
  button,
  alertRegion,
  showError,
  clear,
  fieldError,
  clearFieldErrors,
  markRefused,
  submitWith,
} from '../components/form.js';
import { renderSteps } from '../components/customer-steps.js';
import { call } from '../api.js';
import { t } from '../i18n.js';

const STEPS = ['setup.step.shop', 'setup.step.owner', 'setup.step.confirm'];

export function render(ctx) {
  // What has been typed so far, kept while moving between steps.
  const state = { shopName: '', ownerUsername: '', passphrase: '', confirm: '' };

  const steps = h('ol', { class: 'steps', 'aria-label': t('setup.stepsLabel') });
  const alert = alertRegion('setup-error');
  const body = h('div', { class: 'wizard__body' });

  const root = h(
    'section',
    { id: 'setup', class: 'screen screen--card', 'aria-labelledby': 'setup-title' },
    h(
      'div',
      { class: 'card card--wide' },
      h('p', { class: 'card__brand' }, t('app.name')),
      h('h1', { id: 'setup-title', class: 'card__title', tabindex: '-1' }, t('setup.title')),
      h('p', { class: 'lead' }, t('setup.intro')),
      h(
        'div',
        { class: 'setup__move' },
        h('p', {}, h('strong', {}, t('setup.moveOffer')), ' ', t('setup.moveOfferHint')),
        button(t('setup.moveStart'), { id: 'setup-move', kind: 'secondary', onclick: () => ctx.showMove() }),
      ),
      steps,
      alert,
      body,
    ),
  );

  function showStep(n) {
    renderSteps(steps, STEPS.map((key) => t(key)), n - 1);
    const view = [shopStep, ownerStep, confirmStep][n - 1]();
    replace(body, view.element);
    return view;
  }

  function stepHeading(n) {
    return h('h2', { class: 'wizard__heading' }, t('setup.stepOf', { n, total: STEPS.length, name: t(STEPS[n - 1]) }));
  }

  function shopStep() {
    const shop = textField({
      id: 'setup-shop-name',
      label: t('setup.shopName'),
      hint: t('setup.shopNameHint'),
      value: state.shopName,
      autocomplete: 'organization',
      autofocus: true,
    });
    const element = form(
      {
        id: 'setup-shop-form',
        label: t('setup.step.shop'),
        onSubmit: () => {
          clearFieldErrors(shop);
          const value = shop.input.value.trim();
          if (!value) return fieldError(shop, t('setup.shopNameRequired'));
          state.shopName = value;
          clear(alert);
          goTo(2);
        },
      },
      stepHeading(1),
      shop.element,
      h('div', { class: 'actions actions--end' }, button(t('common.next'), { id: 'setup-next', type: 'submit' })),
    );
    return { element, first: shop.input };
  }

  function ownerStep() {
    const username = textField({
      id: 'setup-owner-username',
      label: t('setup.ownerUsername'),
      hint: t('setup.ownerUsernameHint'),
      value: state.ownerUsername,
      autocomplete: 'username',
      autofocus: true,
    });
    const passphrase = textField({
      id: 'setup-owner-passphrase',
      label: t('setup.ownerPassphrase'),
      hint: t('common.passphraseHint'),
      type: 'password',
      value: state.passphrase,
      autocomplete: 'new-password',
    });
    const confirm = textField({
      id: 'setup-owner-passphrase-confirm',
      label: t('setup.ownerPassphraseConfirm'),
      type: 'password',
      value: state.confirm,
      autocomplete: 'new-password',
    });
    const keep = () => {
      state.ownerUsername = username.input.value.trim();
      state.passphrase = passphrase.input.value;
      state.confirm = confirm.input.value;
    };
    const element = form(
      {
        id: 'setup-owner-form',
        label: t('setup.step.owner'),
        onSubmit: () => {
          clearFieldErrors(username, passphrase, confirm);
          keep();
          if (!state.ownerUsername) return fieldError(username, t('setup.ownerUsernameRequired'));
          if (!state.passphrase) return fieldError(passphrase, t('common.passphraseRequired'));
          if (state.confirm !== state.passphrase) return fieldError(confirm, t('common.passphraseMismatch'));
          clear(alert);
          goTo(3);
        },
      },
      stepHeading(2),
      username.element,
      passphrase.element,
      confirm.element,
      h(
        'div',
        { class: 'actions' },
        button(t('common.back'), {
          id: 'setup-back',
          kind: 'secondary',
          onclick: () => {
            keep();
            goTo(1);
          },
        }),
        button(t('common.next'), { id: 'setup-next', type: 'submit' }),
      ),
    );
    return { element, first: username.input, passphrase };
  }

  function confirmStep() {
    const summaryId = 'setup-summary';
    const create = button(t('setup.create'), { id: 'setup-create', type: 'submit', describedBy: summaryId });
    const element = form(
      {
        id: 'setup-confirm-form',
        label: t('setup.step.confirm'),
        onSubmit: () =>
          submitWith(
            { alert, busy: create, busyLabel: t('setup.creating') },
            async () => {
              const res = await call('setup', {
                shopName: state.shopName,
                ownerUsername: state.ownerUsername,
                ownerPassphrase: state.passphrase,
              });
              state.passphrase = '';
              state.confirm = '';
              ctx.showRecoveryKey(res.recoveryKey, state.shopName);
            },
            (err) => {
              if (err.code === 'weak_passphrase') {
                // The passphrase is on step 2: go back there and point at it.
                markRefused(goTo(2).passphrase);
              } else {
                focus(create);
              }
              showError(alert, err);
            },
          ),
      },
      stepHeading(3),
      h('p', {}, t('setup.confirmIntro')),
      h(
        'dl',
        { id: summaryId, class: 'summary' },
        h('dt', {}, t('setup.shopName')),
        h('dd', {}, state.shopName),
        h('dt', {}, t('setup.ownerUsername')),
        h('dd', {}, state.ownerUsername),
        h('dt', {}, t('setup.ownerPassphrase')),
        h('dd', {}, t('setup.passphraseNotShown')),
      ),
      h(
        'div',
        { class: 'actions' },
        button(t('common.back'), { id: 'setup-back', kind: 'secondary', onclick: () => goTo(2) }),
        create,
      ),
    );
    return { element, first: create };
  }

  function goTo(n) {
    const view = showStep(n);
    focus(view.first);
    return view;
  }

  showStep(1);
  return root;
}
