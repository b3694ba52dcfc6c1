//! The signature pad of the consent form: a canvas the customer signs on
//! with a finger, a stylus or the mouse (pointer events, so all three work
//! alike). It keeps the strokes, not the picture: each stroke is a list of
//! `[x, y]` points relative to the pad (0..1, four decimals), which is what
//! the core stores, so the signature redraws at any size. Whether a
//! signature is good enough is the core's to decide, never the pad's.
//!
//! `customerSignature` is what the customer forms show: the pad, or, for
//! someone who cannot draw, their name typed and a tick that typing it is
//! their signature, with a button each way.

import { h, focus } from './dom.js';
import { button, markInvalid, unmarkInvalid } from './form.js';

/** Points closer than this (in pad units) to the last one add nothing. */
const MIN_STEP = 0.002;
const INK = '#111827';
const LINE_WIDTH_PX = 2.5;

const round4 = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1e4) / 1e4;

/**
 * Builds the pad. `label` names the canvas for assistive technology, `clear`
 * labels the button that wipes it, `emptyText`/`signedText` are announced
 * when the pad changes. `onChange(strokes)` runs after each stroke and after
 * clearing. Returns `{ element, canvas, strokes(), clear() }`.
 */
export function signaturePad({ id, clearId, label, clear: clearLabel, emptyText, signedText, onChange }) {
  /** The strokes so far, in pad units. */
  let strokes = [];
  /** The stroke being drawn and the pointer drawing it, or null. */
  let current = null;
  let pointerId = null;

  const canvas = h('canvas', { id, class: 'signature-pad__canvas', role: 'img', 'aria-label': label });
  const state = h('p', { id: `${id}-state`, class: 'signature-pad__state', role: 'status' }, emptyText);
  const clearButton = button(clearLabel, { id: clearId, kind: 'secondary', onclick: () => clear() });
  const element = h(
    'div',
    { class: 'signature-pad' },
    h('div', { class: 'signature-pad__frame' }, canvas),
    h('div', { class: 'signature-pad__bar' }, state, clearButton),
  );

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [round4((event.clientX - box.left) / box.width), round4((event.clientY - box.top) / box.height)];
  }

  /** Matches the canvas's pixels to its size on screen and redraws. */
  function resize() {
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(box.width * ratio));
    const height = Math.max(1, Math.round(box.height * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    redraw();
  }

  function redraw() {
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const stroke of strokes) drawStroke(ctx, stroke);
    if (current) drawStroke(ctx, current);
  }

  function drawStroke(ctx, stroke) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.width;
    const ht = canvas.height;
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = LINE_WIDTH_PX * ratio;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    if (stroke.length === 1) {
      // A tap leaves a dot.
      ctx.beginPath();
      ctx.arc(stroke[0][0] * w, stroke[0][1] * ht, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(stroke[0][0] * w, stroke[0][1] * ht);
    for (const [x, y] of stroke.slice(1)) ctx.lineTo(x * w, y * ht);
    ctx.stroke();
  }

  function addPoint(p) {
    const last = current[current.length - 1];
    if (last && Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP) return;
    current.push(p);
  }

  function announce() {
    state.textContent = strokes.length > 0 ? signedText : emptyText;
    if (onChange) onChange(strokes);
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (current || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    pointerId = event.pointerId;
    canvas.setPointerCapture(pointerId);
    current = [point(event)];
    redraw();
  });

  canvas.addEventListener('pointermove', (event) => {
    if (!current || event.pointerId !== pointerId) return;
    event.preventDefault();
    // Fast strokes deliver several positions per event; keep them all.
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const e of events.length > 0 ? events : [event]) addPoint(point(e));
    redraw();
  });

  function finish(event) {
    if (!current || event.pointerId !== pointerId) return;
    if (event.type === 'pointerup') addPoint(point(event));
    strokes.push(current);
    current = null;
    pointerId = null;
    redraw();
    announce();
  }
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  /** Wipes the pad. */
  function clear() {
    strokes = [];
    current = null;
    pointerId = null;
    redraw();
    announce();
  }

  // Size the canvas once it is on screen, and again whenever its box changes.
  new ResizeObserver(resize).observe(canvas);

  return {
    element,
    canvas,
    /** A copy of the strokes: arrays of `[x, y]` in 0..1 with four decimals. */
    strokes: () => strokes.map((s) => s.map(([x, y]) => [x, y])),
    clear,
  };
}

/** The pad as the customer forms show it, worded by the customer's translator `t`. */
export function customerSignaturePad(t) {
  return signaturePad({
    id: 'signature-pad',
    clearId: 'signature-clear',
    label: t('customer.sign.padLabel'),
    clear: t('customer.sign.clear'),
    emptyText: t('customer.sign.empty'),
    signedText: t('customer.sign.signed'),
  });
}

/**
 * How the customer signs a form, worded by their translator `t`: the pad
 * (with `drawIntro`, the sentence that says how to sign in it), or, after
 * "I can't sign by drawing", their name in a text field and a checkbox
 * saying that typing it is their signature. Nothing is ticked in advance;
 * switching either way forgets what the other way held, and a button goes
 * back. `errorId` is the form's error region, which a refused input points
 * at.
 *
 * Returns `{ element, value(), clear(), markRefused(field) }`: `value()` is
 * what the core reads (the strokes, or `{ kind: 'typed', name, confirmed }`);
 * `markRefused` marks and focuses the input a refusal's `field` names
 * (`typedName`, `signatureConfirmed`) and says whether it did. Whether the
 * signature is enough is the core's to decide.
 */
export function customerSignature(t, { drawIntro, errorId }) {
  const pad = customerSignaturePad(t);
  let typing = false;

  const name = h('input', {
    id: 'signature-typed-name',
    name: 'signature-typed-name',
    type: 'text',
    class: 'input',
    // A shared shop computer must not offer one customer's name to the next.
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'signature-typed-name-hint',
  });
  const confirmed = h('input', { id: 'signature-typed-confirm', type: 'checkbox', class: 'purpose__box' });
  for (const control of [name, confirmed]) {
    const event = control === name ? 'input' : 'change';
    control.addEventListener(event, () => {
      // Once changed, the input is no longer the one the core refused.
      if (control.getAttribute('aria-invalid') === 'true') unmarkInvalid(control, errorId);
    });
  }

  const toTyped = button(t('customer.sign.typeInstead'), { id: 'signature-type-instead', kind: 'secondary', onclick: () => show(true) });
  const toDrawn = button(t('customer.sign.drawInstead'), { id: 'signature-draw-instead', kind: 'secondary', onclick: () => show(false) });

  const drawing = h(
    'div',
    { id: 'signature-drawing', class: 'signature__way' },
    drawIntro ? h('p', { class: 'customer__lead' }, drawIntro) : null,
    pad.element,
    h('p', { class: 'signature__switch' }, toTyped),
  );
  const typed = h(
    'div',
    { id: 'signature-typed', class: 'signature__way', hidden: true },
    h('p', { class: 'customer__lead' }, t('customer.sign.typedIntro')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: name.id, class: 'field__label' }, t('customer.sign.typedName')),
      h('p', { id: 'signature-typed-name-hint', class: 'field__hint' }, t('customer.sign.typedNameHint')),
      name,
    ),
    h(
      'div',
      { class: 'signature__confirm' },
      confirmed,
      h('label', { for: confirmed.id, class: 'purpose__label signature__confirm-label' }, t('customer.sign.typedConfirm')),
    ),
    h('p', { class: 'signature__switch' }, toDrawn),
  );

  /** Shows one way of signing, forgetting the other's, and moves the focus there. */
  function show(typeName) {
    typing = typeName;
    if (typing) pad.clear();
    else {
      name.value = '';
      confirmed.checked = false;
      unmarkInvalid(name, errorId);
      unmarkInvalid(confirmed, errorId);
    }
    drawing.hidden = typing;
    typed.hidden = !typing;
    focus(typing ? name : toTyped);
  }

  return {
    element: h('div', { class: 'signature' }, drawing, typed),
    value: () => (typing ? { kind: 'typed', name: name.value, confirmed: confirmed.checked } : pad.strokes()),
    clear() {
      pad.clear();
      name.value = '';
      confirmed.checked = false;
    },
    markRefused(field) {
      const control = { typedName: name, signatureConfirmed: confirmed }[field];
      if (!control || !typing) return false;
      markInvalid(control, errorId);
      focus(control);
      return true;
    },
  };
}
