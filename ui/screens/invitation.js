//! An invitation at the till: someone from the shop's imported list who has
//! not joined (found by the Customers search as "invited, not yet joined").
//! It shows what the shop imported (`invitation_open`, which the core logs)
//! and offers the two honest ways on: the consent form, pre-filled with
//! those details for the person to check, correct and sign
//! (`consent-start.js` with the invitation; the form then records the join
//! with `join_invited_customer`), or, when they do not want to join,
//! erasing the invitation at once (`invitation_refuse`, after a
//! confirmation). Whether someone may do either is the core's word.

import { h, replace, focus } from '../components/dom.js';
import { button, showError, submitWith } from '../components/form.js';
import { sessionLayout } from '../components/layout.js';
import { fieldLabel } from '../components/labels.js';
import { formatDateTime } from '../components/format.js';
import { may } from '../components/roles.js';
import { call } from '../api.js';
import { t } from '../i18n.js';

/** The details an invitation may carry, in the order shown. */
const FIELDS = ['name', 'email', 'phone'];

/** `params.invitationId`: an `invited` hit of `customer_search`. */
export function render(ctx, params = {}) {
  const { root, alert, content } = sessionLayout(ctx, {
    screenId: 'invitation',
    current: 'customers',
    title: t('invitation.title'),
    params,
  });

  const body = h('div', { id: 'invitation-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('invitation.loading')));
  const actions = h('div', { id: 'invitation-actions' });
  content.append(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'invitation-what-title' },
      h('h2', { id: 'invitation-what-title' }, t('invitation.whatTitle')),
      h('p', {}, t('invitation.intro')),
      body,
      actions,
    ),
  );

  async function load() {
    try {
      const invitation = await call('invitation_open', { invitationId: params.invitationId });
      show(invitation);
    } catch (err) {
      replace(body);
      showError(alert, err);
      replace(actions, backButton());
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function backButton() {
    return button(t('invitation.back'), { id: 'invitation-back', kind: 'secondary', onclick: () => ctx.navigate('customers') });
  }

  function show(invitation) {
    const rows = FIELDS.filter((key) => invitation.fields[key]).map((key) => [
      h('dt', {}, fieldLabel(key)),
      h('dd', { id: `invitation-${key}` }, invitation.fields[key]),
    ]);
    // Notes reach only the owner and managers; the core leaves them out for staff.
    if (invitation.notes) rows.push([h('dt', {}, t('invitation.notes')), h('dd', { id: 'invitation-notes' }, invitation.notes)]);
    rows.push([h('dt', {}, t('invitation.importedAt')), h('dd', {}, formatDateTime(invitation.importedAt))]);
    rows.push([h('dt', {}, t('invitation.expiresAt')), h('dd', {}, formatDateTime(invitation.expiresAt))]);
    replace(body, h('dl', { id: 'invitation-details', class: 'summary' }, rows));

    const start = may(ctx.session, 'record_consent')
      ? button(t('invitation.start'), {
          id: 'invitation-start',
          onclick: () => ctx.navigate('consent', { invitation: { id: invitation.id, fields: invitation.fields } }),
        })
      : null;
    const refuse = button(t('invitation.refuse'), { id: 'invitation-refuse', kind: 'danger', onclick: () => askRefuse() });
    const area = h('div', { id: 'invitation-confirm-area', class: 'invitation__confirm' });
    refuse.setAttribute('aria-expanded', 'false');
    refuse.setAttribute('aria-controls', area.id);
    replace(
      actions,
      h('p', { class: 'muted' }, t('invitation.startHint')),
      h('div', { class: 'actions actions--start' }, start, refuse, backButton()),
      area,
    );
    focus(start || refuse);

    function askRefuse() {
      const questionId = 'invitation-refuse-question';
      const back = () => {
        replace(area);
        refuse.setAttribute('aria-expanded', 'false');
        focus(refuse);
      };
      const yes = button(t('invitation.refuseConfirm'), {
        id: 'invitation-refuse-confirm',
        kind: 'danger',
        describedBy: questionId,
        onclick: () =>
          submitWith(
            { alert, busy: yes },
            async () => {
              await call('invitation_refuse', { invitationId: invitation.id });
              ctx.navigate('customers', { notice: t('invitation.refused') });
            },
            (err) => {
              showError(alert, err);
              back();
            },
          ),
      });
      const no = button(t('invitation.refuseCancel'), { id: 'invitation-refuse-cancel', kind: 'secondary', onclick: back });
      refuse.setAttribute('aria-expanded', 'true');
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
          h('p', { id: questionId, class: 'confirm__question' }, t('invitation.refuseQuestion')),
          h('p', {}, t('invitation.refuseExplain')),
          h('div', { class: 'row-actions' }, yes, no),
        ),
      );
      area.scrollIntoView({ block: 'nearest' });
      focus(no);
    }
  }

  load();
  return root;
}
