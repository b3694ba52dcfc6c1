//! After this computer was retired (`AppStatus.state` is `retired`): when
//! the vault was destroyed, in local time, whether everything went, the
//! core's destruction certificate as it wrote it, "Save the certificate"
//! into a folder the owner names (`retire_certificate_save`: never over a
//! file already there), and "Close Steward" (`retired_close`). Nothing else
//! is left to open.

import { h } from '../components/dom.js';
import { textField, form, button, alertRegion, statusRegion, showText, fieldError, submitWith } from '../components/form.js';
import { call } from '../api.js';
import { t, currentLanguage } from '../i18n.js';

export function render(ctx, { certificate }) {
  const when = new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'long', timeStyle: 'medium' }).format(new Date(certificate.destroyedAt));
  const alert = alertRegion('retired-error');
  const status = statusRegion('retired-status');
  const folder = textField({ id: 'retired-folder', label: t('retired.folder'), hint: t('retired.folderHint'), className: 'input--mono' });
  const save = button(t('retired.save'), { id: 'retired-save', type: 'submit' });
  const close = button(t('retired.close'), {
    id: 'retired-close',
    kind: 'secondary',
    onclick: () => call('retired_close').catch(() => {}),
  });

  return h(
    'section',
    { id: 'retired', class: 'screen screen--card', 'aria-labelledby': 'retired-title' },
    h(
      'div',
      { class: 'card card--wide' },
      h('p', { class: 'card__brand' }, t('app.name')),
      h('h1', { id: 'retired-title', class: 'card__title', tabindex: '-1' }, t('retired.title')),
      h('p', { id: 'retired-when' }, t('retired.destroyedAt', { when })),
      h(
        'p',
        { id: 'retired-complete', class: certificate.complete ? 'notice' : 'alert' },
        certificate.complete ? t('retired.complete') : t('retired.incomplete'),
      ),
      h('h2', {}, t('retired.certificateTitle')),
      h('pre', { id: 'retired-certificate', class: 'certificate', tabindex: '0', 'aria-label': t('retired.certificateLabel') }, certificate.text),
      h('h2', { class: 'no-print' }, t('retired.saveTitle')),
      alert,
      status,
      form(
        {
          id: 'retired-save-form',
          label: t('retired.saveTitle'),
          className: 'no-print',
          onSubmit: () =>
            submitWith(
              {
                alert,
                status,
                fields: { folder },
                check: () => folder.input.value.trim() || fieldError(folder, t('retired.folderRequired')),
                busy: save,
                busyLabel: t('retired.saving'),
              },
              async (typed) => {
                const saved = await call('retire_certificate_save', { folder: typed });
                showText(status, t('retired.saved', { path: saved.path }));
              },
            ),
        },
        folder.element,
        h(
          'div',
          { class: 'actions actions--start' },
          save,
          button(t('retired.print'), { id: 'retired-print', kind: 'secondary', onclick: () => window.print() }),
        ),
      ),
      h('p', { class: 'muted no-print' }, t('retired.closeHint')),
      h('div', { class: 'actions actions--end no-print' }, close),
    ),
  );
}
