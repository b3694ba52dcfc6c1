//! A bar that moves while the core works on something that reports no
//! steps of its own (an export, a hand-over, a restore), with the sentence
//! that says what it is doing. Hidden until the caller shows it.

import { h } from './dom.js';

/** The bar and its sentence (`text`), in a block with the id `id`. */
export function workingBar(id, text) {
  return h(
    'div',
    { id, class: 'working', hidden: true },
    h('progress', { class: 'working__bar', 'aria-labelledby': `${id}-text` }),
    h('p', { id: `${id}-text`, class: 'muted' }, text),
  );
}
