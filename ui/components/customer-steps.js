//! The row of numbered steps above a form in steps ("1 Information,
//! 2 Your choices, …"): the steps already done, the current one (marked
//! with `aria-current="step"` for assistive technology) and those to come.
//! Shared by the customer's consent and withdrawal forms, the set-up wizard
//! and the move from another computer.

import { h, replace } from './dom.js';

/**
 * Fills the list `list` (an `<ol>`) with one item per label of `labels`, in
 * order; `current` is the index of the step shown now (0-based).
 */
export function renderSteps(list, labels, current) {
  replace(
    list,
    labels.map((label, i) =>
      h(
        'li',
        {
          class: i === current ? 'steps__item steps__item--current' : i < current ? 'steps__item steps__item--done' : 'steps__item',
          'aria-current': i === current ? 'step' : null,
        },
        h('span', { class: 'steps__number' }, String(i + 1)),
        h('span', { class: 'steps__label' }, label),
      ),
    ),
  );
}
