//! New customer, staff side: choose the customer's language and how their
//! identity was checked, then hand the screen over. Handing over asks the
//! core for the current notice in that language and puts the session in
//! customer mode (`enter_customer_mode`); from then on the router shows only
//! the customer's form. Which identity checks exist is the core's list.
//!
//! Started from an invitation (`params.invitation`: `{ id, fields }` from
//! `invitation_open`, see `screens/invitation.js`), it says so, and hands
//! the invitation on: the customer's form starts with those details filled
//! in for the customer to check, and records the join with the invitation.

import { h, replace, focus } from '../components/dom.js';
import { form, button, radioGroup, showError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { call } from '../api.js';
import { t, has, translator } from '../i18n.js';

/** The languages the customer's form is offered in, in the order shown. */
const LANGUAGES = ['ca', 'es', 'id', 'en'];

export function render(ctx, params = {}) {
  const invitation = params.invitation && params.invitation.id ? params.invitation : null;
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'consent-start',
    current: 'consent',
    title: t('consent.title'),
    params,
  });

  const language = radioGroup({
    id: 'consent-lang',
    legend: t('consent.langLegend'),
    hint: t('consent.langHint'),
    // Each language is named in itself, so the customer can point at theirs.
    options: LANGUAGES.map((code) => ({ value: code, label: t(`consent.languages.${code}`), lang: code })),
    autofocus: true,
  });

  /** The identity-check choice, once the core has listed the checks. */
  let identity = null;
  const identitySlot = h('div', { class: 'identity-slot', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('consent.loading')));

  const handover = button(t('consent.handover'), { id: 'consent-handover', type: 'submit' });

  content.append(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'consent-start-title' },
      h('p', {}, t('consent.intro')),
      invitation
        ? h('p', { id: 'consent-invitation', class: 'note' }, t('consent.fromInvitation', { name: invitation.fields.name }))
        : null,
      form(
        {
          id: 'consent-start-form',
          label: t('consent.title'),
          onSubmit: () =>
            submitWith(
              {
                alert,
                fields: identity ? [language, identity] : [language],
                check: () => {
                  const lang = language.value();
                  if (!lang) {
                    language.setError(t('consent.langRequired'));
                    focus(language.inputs[0]);
                    return null;
                  }
                  if (!identity) return null;
                  const identityCheck = identity.value();
                  if (!identityCheck) {
                    identity.setError(t('consent.idRequired'));
                    focus(identity.inputs[0]);
                    return null;
                  }
                  return { lang, identityCheck };
                },
                busy: handover,
                busyLabel: t('consent.handingOver'),
              },
              async ({ lang, identityCheck }) => {
                // Everything the customer's screen needs is loaded while the
                // screen is still the staff's, so a failure is shown here.
                const [formInfo, tr] = await Promise.all([call('consent_form', { lang }), translator(lang)]);
                const info = await call('enter_customer_mode');
                ctx.customerModeEntered(info, { lang, tr, notice: formInfo.notice, formId: formInfo.formId, identityCheck, invitation });
              },
              (err) => {
                showError(alert, err);
                focus(handover);
              },
            ),
        },
        language.element,
        identitySlot,
        h('div', { class: 'actions actions--start' }, handover),
      ),
    ),
  );

  async function loadChecks() {
    try {
      const info = await call('consent_form', { lang: 'en' });
      identity = radioGroup({
        id: 'consent-id',
        legend: t('consent.idLegend'),
        options: info.identityChecks.map((value) => ({
          value,
          label: has(`consent.identity.${value}`) ? t(`consent.identity.${value}`) : value,
        })),
      });
      replace(identitySlot, identity.element, h('p', { id: 'consent-id-note', class: 'note' }, t('consent.idNote')));
    } catch (err) {
      replace(identitySlot);
      showError(alert, err);
    } finally {
      identitySlot.setAttribute('aria-busy', 'false');
    }
  }

  loadChecks();
  return root;
}
