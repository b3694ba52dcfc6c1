//! Settings → What customers are asked: every purpose as customers read it
//! in the chosen language of the current notice (`purposes_overview`): its
//! name and text, the details it asks for in words, how long they are kept
//! and from when, whether membership needs it, and how many customers agree
//! to it now (for the roles the core gives that count). A language whose
//! text is a copy of another's is marked, on the switcher too. The owner
//! (`manage_purposes`) adds and changes purposes in `purpose-editor.js`;
//! what a change would do and every refusal are the core's.

import { h, replace, focus } from '../../components/dom.js';
import { alertRegion, statusRegion, button, radioGroup, showError, showText } from '../../components/form.js';
import { languageName, STAFF_LANGUAGES } from '../../components/languages.js';
import { may } from '../../components/roles.js';
import { call } from '../../api.js';
import { t, tn, has, currentLanguage, formatNumber } from '../../i18n.js';
import { purposeEditor } from './purpose-editor.js';

const fieldLabel = (key) => (has(`field.${key}`) ? t(`field.${key}`) : key);

/** The panel, loading in the staff screens' language. */
export function purposesPanel(ctx) {
  const owner = may(ctx.session, 'manage_purposes');
  const alert = alertRegion('purposes-error');
  const status = statusRegion('purposes-status');
  const body = h('div', { id: 'purposes-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('settings.purposes.loading')));
  const start = STAFF_LANGUAGES.includes(currentLanguage()) ? currentLanguage() : 'en';
  let lang = start;
  let overview = null;

  const switcherSlot = h('div', { id: 'purposes-languages' });
  const addButton = owner
    ? button(t('settings.purposes.add'), { id: 'purposes-add', kind: 'secondary', onclick: () => openEditor(null) })
    : null;

  function switcher() {
    const toTranslate = (code) => overview.purposes.filter((p) => p.untranslated.includes(code)).length;
    const group = radioGroup({
      id: 'purposes-lang',
      legend: t('settings.purposes.language'),
      hint: t('settings.purposes.languageHint'),
      value: lang,
      options: STAFF_LANGUAGES.map((code) => {
        const n = toTranslate(code);
        return {
          value: code,
          label: n > 0 ? tn('settings.purposes.languageToTranslate', n, { language: languageName(code), n: formatNumber(n) }) : languageName(code),
        };
      }),
    });
    for (const input of group.inputs) {
      input.addEventListener('change', () => {
        if (input.checked) load(input.value, input.id);
      });
    }
    return group.element;
  }

  function card(p) {
    const shown = p.shown;
    const text = p.texts[lang] || Object.values(p.texts)[0] || { name: p.id, description: '' };
    const headingId = `purpose-${p.id}-name`;
    const flags = [];
    if (p.required) flags.push(h('span', { class: 'badge badge--required' }, t('settings.purposes.required')));
    if (p.legalBasis === 'legal_obligation') flags.push(h('span', { class: 'badge' }, t('settings.purposes.byLaw')));
    if (!p.active) flags.push(h('span', { class: 'badge' }, t('settings.purposes.retired')));
    if (p.marketing) flags.push(h('span', { class: 'badge' }, t('settings.purposes.marketing')));
    const copies = p.untranslated.filter((code) => code !== lang).map(languageName);
    const fields = shown ? shown.fields.map((f) => f.label) : p.fields.map(fieldLabel);
    const facts = [
      h('dt', {}, t('settings.purposes.asksFor')),
      h('dd', { dataset: { fact: 'fields' } }, fields.length > 0 ? fields.join(', ') : t('settings.purposes.asksNothing')),
      h('dt', {}, t('settings.purposes.keptFor')),
      h(
        'dd',
        { dataset: { fact: 'retention' } },
        shown ? shown.retentionText : tn('settings.purposes.days', p.retentionDays, { n: formatNumber(p.retentionDays) }),
      ),
    ];
    if (p.holders !== null && p.holders !== undefined) {
      facts.push(
        h('dt', {}, t('settings.purposes.holders')),
        h('dd', { dataset: { fact: 'holders' } }, formatNumber(p.holders)),
      );
    }
    const edit = owner
      ? button(t('settings.purposes.edit'), { id: `purpose-${p.id}-edit`, kind: 'secondary', describedBy: headingId, onclick: () => openEditor(p) })
      : null;
    return h(
      'li',
      { class: 'recipient purpose-card', dataset: { purpose: p.id } },
      h('h3', { id: headingId, class: 'recipient__name', lang }, shown ? shown.name : text.name),
      flags.length > 0 ? h('p', { class: 'purpose-card__flags' }, flags) : null,
      h('p', { class: 'purpose-card__text', lang }, shown ? shown.description : text.description),
      p.untranslated.includes(lang)
        ? h('p', { class: 'table__note table__note--sensitive', dataset: { fact: 'untranslated' } }, t('settings.purposes.untranslated', { languages: copies.join(', ') }))
        : null,
      h('dl', { class: 'summary recipient__facts' }, facts),
      edit ? h('div', { class: 'row-actions' }, edit) : null,
    );
  }

  function show() {
    replace(switcherSlot, switcher());
    replace(
      body,
      h('p', { id: 'purposes-version', class: 'muted' }, t('settings.purposes.version', { version: formatNumber(overview.noticeVersion) })),
      h('ul', { id: 'purposes-list', class: 'recipients', 'aria-labelledby': 'settings-purposes-title' }, overview.purposes.map(card)),
      addButton ? h('div', { class: 'actions actions--start' }, addButton) : null,
    );
  }

  /** Loads the purposes in `next`; `refocus` is the id of the control to focus again after. */
  async function load(next = lang, refocus = null) {
    body.setAttribute('aria-busy', 'true');
    try {
      overview = await call('purposes_overview', { lang: next });
      lang = next;
      show();
      if (refocus) focus(document.getElementById(refocus));
    } catch (err) {
      showError(alert, err);
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  function openEditor(purpose) {
    const back = (sentence) => {
      panel.classList.remove('is-editing');
      editorSlot.replaceChildren();
      listPart.hidden = false;
      if (sentence) showText(status, sentence);
      load(lang).then(() => focus(document.getElementById(purpose ? `purpose-${purpose.id}-edit` : 'purposes-add')));
    };
    const fields = call('fields_list');
    listPart.hidden = true;
    replace(status);
    replace(alert);
    replace(editorSlot, purposeEditor({ purpose, lang, fields, onDone: back }));
    focus(editorSlot.querySelector('input, textarea, select'));
  }

  const listPart = h('div', { id: 'purposes-list-part' }, switcherSlot, body);
  const editorSlot = h('div', { id: 'purposes-editor-slot' });
  const panel = h(
    'section',
    { id: 'settings-purposes', class: 'panel', 'aria-labelledby': 'settings-purposes-title' },
    h('h2', { id: 'settings-purposes-title' }, t('settings.purposes.title')),
    h('p', {}, t(owner ? 'settings.purposes.introOwner' : 'settings.purposes.intro')),
    alert,
    status,
    listPart,
    editorSlot,
  );
  load(start);
  return panel;
}
