//! The recovery key, shown once right after setup. The owner prints it or
//! writes it down and confirms having stored it before going on to log in.
//! The key lives only in this screen's DOM; it is gone once the screen is.

import { h } from '../components/dom.js';
import { button, checkboxField } from '../components/form.js';
import { t } from '../i18n.js';

export function render(ctx, { recoveryKey, shopName }) {
  const stored = checkboxField({ id: 'recovery-stored', label: t('recovery.stored') });
  const hintId = 'recovery-continue-hint';
  const proceed = button(t('recovery.continue'), {
    id: 'recovery-continue',
    disabled: true,
    describedBy: hintId,
    onclick: () => {
      if (stored.input.checked) ctx.refresh();
    },
  });
  stored.input.addEventListener('change', () => {
    proceed.disabled = !stored.input.checked;
  });

  return h(
    'section',
    { id: 'recovery', class: 'screen screen--card', 'aria-labelledby': 'recovery-title' },
    h(
      'div',
      { class: 'card card--wide' },
      h(
        'div',
        { class: 'printable' },
        h('p', { class: 'card__brand' }, t('recovery.printHeading', { shop: shopName })),
        h('h1', { id: 'recovery-title', class: 'card__title', tabindex: '-1' }, t('recovery.title')),
        h('p', { class: 'recovery-key__label' }, t('recovery.keyLabel')),
        h('p', { id: 'recovery-key', class: 'recovery-key' }, recoveryKey),
        h('p', {}, t('recovery.explainWhat')),
        h('p', {}, t('recovery.explainKeep')),
        h('p', { class: 'recovery-once' }, t('recovery.explainOnce')),
      ),
      h(
        'div',
        { class: 'no-print' },
        h('div', { class: 'actions actions--start' }, button(t('recovery.print'), { id: 'recovery-print', kind: 'secondary', onclick: () => window.print() })),
        stored.element,
        h('p', { id: hintId, class: 'field__hint' }, t('recovery.continueHint')),
        h('div', { class: 'actions actions--end' }, proceed),
      ),
    ),
  );
}
