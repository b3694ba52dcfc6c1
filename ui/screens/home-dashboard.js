//! The dashboard at the top of the owner's and manager's Home: the core's
//! `dashboard` counts as headline numbers (members, sign-ups and spend
//! this week), four charts drawn by the vendored uPlot (sign-ups per
//! week; purchases and spend per week; how many customers agreed to each
//! purpose at the end of each week; how many agree now), the week's birthdays of customers who agreed to the
//! birthday offer, the last backup and what the retention schedule will
//! erase in the next 30 days, each with the way to its Settings panel.
//!
//! Every chart has a text alternative: the canvas is hidden from screen
//! readers and a visually-hidden table beside it holds the same numbers.
//! Colours come from the stylesheet (`--chart-*`, lighter on a dark
//! screen; redrawn when the computer switches), and series also differ by
//! more than hue: line dashes and hollow or filled markers, outlined or
//! filled bars.
//! Dates are shown in the user's language and the computer's time zone;
//! purposes by their names (`purposes_list`), never by id.

import { h, replace } from '../components/dom.js';
import { button, alertRegion, showError } from '../components/form.js';
import { purposeNames, purposeName } from '../components/labels.js';
import { formatMoney } from '../components/money.js';
import { call } from '../api.js';
import { t, currentLanguage } from '../i18n.js';

/**
 * uPlot, loaded when a dashboard is first shown (not with the app: staff
 * never need it, and an error while it loads must not keep the app's
 * first screen from showing).
 */
let uPlotLoading = null;
function loadUPlot() {
  // uPlot makes an `Intl.NumberFormat(navigator.language)` when it loads,
  // which throws where the system locale is not a valid language tag (the
  // "C" locale of a bare Linux session reads as "c"): then the page's own
  // language is offered instead, for this page only.
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => currentLanguage() });
  }
  uPlotLoading ||= import('../vendor/uplot/uPlot.esm.js').then((m) => m.default);
  return uPlotLoading;
}

/** How many series styles there are; a ninth purpose starts again. */
const STYLES = 8;
/** Line dashes, in turn: solid, dashed, dotted, dash-dot. */
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

/** The chart colours of the stylesheet for the light or dark screen now in use. */
function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    text: v('--text'),
    grid: v('--line'),
    surface: v('--surface'),
    series: Array.from({ length: STYLES }, (_, i) => v(`--chart-${i + 1}`)),
  };
}

/** The look of series `i`: colour, dash, and a filled or hollow marker. */
function lineStyle(colors, i) {
  const k = i % STYLES;
  return {
    color: colors.series[k],
    dash: DASHES[k % DASHES.length],
    // Filled and hollow alternate, the other way round for the second
    // round of dashes, so that no two series of one dash look alike.
    hollow: k % 2 === 1 !== k >= DASHES.length,
  };
}

/** A day the core sends as `YYYY-MM-DD` (a local date), as "23 Nov". */
function shortDay(day) {
  return new Intl.DateTimeFormat(currentLanguage(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** A day as "Thursday 3 December". */
function longDay(day) {
  return new Intl.DateTimeFormat(currentLanguage(), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${day}T00:00:00Z`));
}

/** A stored UTC time in the computer's time zone. */
function localTime(iso) {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

function count(n) {
  return new Intl.NumberFormat(currentLanguage()).format(n);
}

/** One headline number with its label. */
function stat(id, label, value) {
  return h('div', { class: 'dash-stat', id }, h('span', { class: 'dash-stat__value' }, value), h('span', { class: 'dash-stat__label' }, label));
}

/**
 * A chart with its caption and a visually-hidden table of the same
 * numbers. `rows` are `[label, ...values]`; `columns` the column titles.
 */
function figure(id, caption, columns, rows) {
  const plot = h('div', { class: 'dash-chart__plot', 'aria-hidden': 'true' });
  const table = h(
    'table',
    { class: 'visually-hidden' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      rows.map(([label, ...values]) => h('tr', {}, h('th', { scope: 'row' }, label), values.map((v) => h('td', {}, v)))),
    ),
  );
  const fig = h('figure', { class: 'dash-chart', id }, h('figcaption', { class: 'dash-chart__title' }, caption), plot, table);
  return { fig, plot };
}

/** Axis settings readable on the app's panels, light or dark. */
function axis(colors, values, extra = {}) {
  return {
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: '12px system-ui, sans-serif',
    values,
    ...extra,
  };
}

/** Makes the chart follow the window (a 1024-px till screen, a wider office one). */
function followWidth(chart, plot, width, height) {
  if (typeof ResizeObserver !== 'function') return;
  let last = width;
  new ResizeObserver(() => {
    const now = Math.max(240, plot.clientWidth || last);
    if (now !== last) {
      last = now;
      chart.setSize({ width: now, height });
    }
  }).observe(plot);
}

/**
 * Draws a bar chart into `plot` once it is on screen: `labels` along the
 * bottom, one or two `series` of `{ label, values, scale, outlined }` (an
 * outlined series is drawn as hollow bars, so it differs by more than
 * colour).
 */
function drawBars(uPlot, colors, plot, labels, series, { height = 170 } = {}) {
  const xs = labels.map((_, i) => i);
  const n = series.length;
  const opts = {
    width: Math.max(240, plot.clientWidth || 320),
    height,
    legend: { show: n > 1, live: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.6, labels.length - 0.4] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      money: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
    },
    axes: [
      axis(colors, (_u, ticks) => ticks.map((i) => (Number.isInteger(i) && labels[i] !== undefined ? labels[i] : '')), {
        incrs: [1, 2, 3, 4, 6],
        space: 44,
      }),
      axis(colors, (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? count(v) : '')), { scale: 'y', size: 44 }),
    ],
    series: [{ label: '' }],
  };
  series.forEach((s, k) => {
    const color = colors.series[k];
    opts.series.push({
      label: s.label,
      scale: s.scale || 'y',
      stroke: color,
      fill: s.outlined ? colors.surface : color,
      width: s.outlined ? 2 : 0,
      paths: uPlot.paths.bars({ size: [n > 1 ? 0.4 : 0.6, 60], align: n > 1 ? (k === 0 ? -1 : 1) : 0 }),
      points: { show: false },
      value: (_u, v) => (v === null || v === undefined ? '' : s.format ? s.format(v) : count(v)),
    });
    if (s.scale === 'money') {
      opts.axes.push(
        axis(colors, (_u, ticks) => ticks.map((v) => s.format(v)), { scale: 'money', side: 1, size: 70, grid: { show: false } }),
      );
    }
  });
  const chart = new uPlot(opts, [xs, ...series.map((s) => s.values)], plot);
  followWidth(chart, plot, opts.width, height);
}

/**
 * Draws one line per series into `plot`: `labels` along the bottom,
 * `series` of `{ label, values }`, each in its own colour, dash and marker
 * (`lineStyle`); the legend is `lineLegend`, outside the canvas.
 */
function drawLines(uPlot, colors, plot, labels, series, { height = 210 } = {}) {
  const opts = {
    width: Math.max(240, plot.clientWidth || 320),
    height,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.3, labels.length - 0.7] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
    },
    axes: [
      axis(colors, (_u, ticks) => ticks.map((i) => (Number.isInteger(i) && labels[i] !== undefined ? labels[i] : '')), {
        incrs: [1, 2, 3, 4, 6],
        space: 44,
      }),
      axis(colors, (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? count(v) : '')), { size: 44 }),
    ],
    series: [{ label: '' }],
  };
  series.forEach((s, k) => {
    const look = lineStyle(colors, k);
    opts.series.push({
      label: s.label,
      stroke: look.color,
      width: 2,
      dash: look.dash,
      points: { show: true, size: 8, width: 2, stroke: look.color, fill: look.hollow ? colors.surface : look.color },
    });
  });
  const chart = new uPlot(opts, [labels.map((_, i) => i), ...series.map((s) => s.values)], plot);
  followWidth(chart, plot, opts.width, height);
}

const SVG = 'http://www.w3.org/2000/svg';

function svgElement(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** The key of a line chart: each series' name beside a sample of its line and marker. */
function lineLegend(colors, labels) {
  return h(
    'ul',
    { class: 'dash-legend', 'aria-hidden': 'true' },
    labels.map((label, k) => {
      const look = lineStyle(colors, k);
      const sample = svgElement('svg', { width: 40, height: 14, viewBox: '0 0 40 14', class: 'dash-legend__sample' });
      sample.append(
        svgElement('line', {
          x1: 1,
          y1: 7,
          x2: 39,
          y2: 7,
          stroke: look.color,
          'stroke-width': 2,
          'stroke-dasharray': look.dash.length ? look.dash.join(' ') : 'none',
        }),
        svgElement('circle', { cx: 20, cy: 7, r: 3.5, stroke: look.color, 'stroke-width': 2, fill: look.hollow ? colors.surface : look.color }),
      );
      return h('li', { class: 'dash-legend__item' }, sample, h('span', {}, label));
    }),
  );
}

function backupLine(ctx, backup) {
  let sentence;
  if (!backup.folderSet) sentence = t('dashboard.backupNoFolder');
  else if (backup.lastAt) sentence = t('dashboard.backupLast', { at: localTime(backup.lastAt) });
  else sentence = t('dashboard.backupNone');
  return h(
    'div',
    { class: 'dash-line', id: 'dash-backup' },
    h('p', { class: backup.overdue ? 'dash-line__text dash-line__text--warn' : 'dash-line__text' }, sentence),
    button(t('dashboard.backupOpen'), {
      id: 'dash-backup-open',
      kind: 'secondary',
      onclick: () => ctx.navigate('settings', { section: 'backups' }),
    }),
  );
}

function retentionLine(ctx, retention) {
  const nothing = retention.customersToErase === 0 && retention.agreementsEnding === 0;
  const sentence = nothing
    ? t('dashboard.retentionNothing', { days: retention.days })
    : t('dashboard.retentionSoon', {
        days: retention.days,
        customers: count(retention.customersToErase),
        agreements: count(retention.agreementsEnding),
      });
  return h(
    'div',
    { class: 'dash-line', id: 'dash-retention' },
    h('p', { class: 'dash-line__text' }, sentence),
    button(t('dashboard.retentionOpen'), {
      id: 'dash-retention-open',
      kind: 'secondary',
      onclick: () => ctx.navigate('settings', { section: 'retention' }),
    }),
  );
}

function birthdaysList(birthdays) {
  if (birthdays.length === 0) return h('p', { id: 'dash-birthdays', class: 'muted' }, t('dashboard.birthdaysNone'));
  return h(
    'ul',
    { id: 'dash-birthdays', class: 'dash-birthdays' },
    birthdays.map((b) =>
      h(
        'li',
        { dataset: { customer: b.customerId } },
        t(b.firstName ? 'dashboard.birthdayNamed' : 'dashboard.birthdayNumber', {
          name: b.firstName || '',
          number: b.customerId,
          day: longDay(b.on),
        }),
      ),
    ),
  );
}

/** Fills the panel with the core's numbers. */
function fill(ctx, body, d, names, uPlot) {
  const weeks = d.weeks;
  const now = weeks[weeks.length - 1] || { signups: 0, purchases: 0, spendCents: 0 };
  const money = (cents) => formatMoney(cents, d.currency);
  const labels = weeks.map((w) => shortDay(w.startsOn));
  const weekOf = (w) => t('dashboard.weekOf', { day: shortDay(w.startsOn) });

  const headline = h(
    'div',
    { class: 'dash-stats' },
    stat('dash-members', t('dashboard.members'), count(d.members)),
    stat('dash-signups-week', t('dashboard.signupsWeek'), count(now.signups)),
    stat('dash-purchases-week', t('dashboard.purchasesWeek'), count(now.purchases)),
    stat('dash-spend-week', t('dashboard.spendWeek'), money(now.spendCents)),
  );

  const signups = figure(
    'dash-chart-signups',
    t('dashboard.chartSignups'),
    [t('dashboard.week'), t('dashboard.signups')],
    weeks.map((w) => [weekOf(w), count(w.signups)]),
  );
  const spend = figure(
    'dash-chart-spend',
    t('dashboard.chartSpend'),
    [t('dashboard.week'), t('dashboard.purchases'), t('dashboard.spend')],
    weeks.map((w) => [weekOf(w), count(w.purchases), money(w.spendCents)]),
  );
  const agreeing = d.consents.filter((c) => c.agreeing > 0 || c.grants.some((g) => g > 0));
  const consents = figure(
    'dash-chart-consents',
    t('dashboard.chartConsents'),
    [t('dashboard.purpose'), t('dashboard.agreeing'), t('dashboard.granted'), t('dashboard.withdrawn')],
    agreeing.map((c) => [
      purposeName(names, c.purpose),
      count(c.agreeing),
      count(c.grants.reduce((a, b) => a + b, 0)),
      count(c.withdrawals.reduce((a, b) => a + b, 0)),
    ]),
  );
  // Week by week: the purposes anyone agreed to in these weeks.
  const held = d.consents.filter((c) => c.holding.some((n) => n > 0));
  const heldNames = held.map((c) => purposeName(names, c.purpose));
  const overTime = figure(
    'dash-chart-consents-weeks',
    t('dashboard.chartConsentsWeeks'),
    [t('dashboard.week'), ...heldNames],
    weeks.map((w, i) => [weekOf(w), ...held.map((c) => count(c.holding[i]))]),
  );
  overTime.fig.classList.add('dash-chart--wide');
  const colors = palette();
  overTime.fig.append(lineLegend(colors, heldNames));

  const side = [h('h3', { class: 'dash-sub' }, t('dashboard.birthdaysTitle')), birthdaysList(d.birthdays)];
  if (d.backup) side.push(backupLine(ctx, d.backup));
  if (d.retention) side.push(retentionLine(ctx, d.retention));

  replace(
    body,
    headline,
    h('div', { class: 'dash-grid' }, signups.fig, spend.fig, overTime.fig, consents.fig, h('div', { class: 'dash-side' }, side)),
  );
  // Drawn once laid out, at the width the grid gives each chart.
  requestAnimationFrame(() => {
    drawBars(uPlot, colors, signups.plot, labels, [{ label: t('dashboard.signups'), values: weeks.map((w) => w.signups) }]);
    drawBars(uPlot, colors, spend.plot, labels, [
      { label: t('dashboard.purchases'), values: weeks.map((w) => w.purchases) },
      {
        label: t('dashboard.spend'),
        // An empty week has no outline to draw (rather than a flat one).
        values: weeks.map((w) => (w.spendCents === 0 ? null : w.spendCents / 100)),
        scale: 'money',
        outlined: true,
        format: (v) => money(Math.round(v * 100)),
      },
    ]);
    drawLines(
      uPlot,
      colors,
      overTime.plot,
      labels,
      held.map((c, k) => ({ label: heldNames[k], values: c.holding })),
    );
    const short = (s) => (s.length > 16 ? `${s.slice(0, 15)}…` : s);
    drawBars(
      uPlot,
      colors,
      consents.plot,
      agreeing.map((c) => short(purposeName(names, c.purpose))),
      [{ label: t('dashboard.agreeing'), values: agreeing.map((c) => c.agreeing) }],
      { height: 190 },
    );
    body.dataset.drawn = 'true';
  });
}

/** The dashboard panel; it fills itself from the core. */
export function dashboardPanel(ctx) {
  const problem = alertRegion('dash-error');
  const body = h('div', { class: 'dash-body' }, h('p', { class: 'muted' }, t('dashboard.loading')));
  const panel = h(
    'section',
    { id: 'home-dashboard', class: 'panel dash', 'aria-labelledby': 'home-dashboard-title' },
    h('h2', { id: 'home-dashboard-title' }, t('dashboard.title')),
    problem,
    body,
  );
  Promise.all([call('dashboard', { weeks: 12 }), call('purposes_list').catch(() => []), loadUPlot()])
    .then(([d, purposes, uPlot]) => {
      const draw = () => fill(ctx, body, d, purposeNames(purposes), uPlot);
      draw();
      // The computer turned dark or light: drawn again in the other colours.
      const scheme = window.matchMedia('(prefers-color-scheme: dark)');
      const again = () => (body.isConnected ? draw() : scheme.removeEventListener('change', again));
      scheme.addEventListener('change', again);
    })
    .catch((err) => {
      replace(body);
      showError(problem, err);
    });
  return panel;
}
