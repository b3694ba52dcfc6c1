// What every end-to-end test file shares: the app session it drives (one
// per file, started in `before` and closed in `after`), logging in, and
// screenshots that also check the screen does not scroll sideways.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDriver, Session, until } from './webdriver.mjs';

export const APP = process.env.STEWARD_APP;
export const CLI = process.env.STEWARD_CLI;
export const SHOTS = process.env.STEWARD_SCREENSHOTS;

/** WebDriver key codes for `app.keys`. */
export const ALT = '\uE00A';
export const CTRL = '\uE009';
export const ENTER = '\uE007';

/** The window this file drives; it is connected in `before`. */
export const app = new Session();

/**
 * Registers the `before` and `after` of a test file: `prepare()` (if given,
 * e.g. setting up the vault with the CLI) runs first, then tauri-driver is
 * started on `port` and the app opened on `vault`; afterwards both end.
 * Each file uses its own port, so nothing is left over from the one before.
 */
/** This file's tauri-driver, once `useApp`'s `before` started it. */
let driver;

export function useApp({ vault, port, prepare }) {
  before(async () => {
    assert.ok(APP && CLI && SHOTS, 'run through scripts/e2e.sh');
    if (prepare) await prepare();
    driver = await startDriver(port);
    await app.open(driver.base, APP, ['--vault', vault]);
  });
  after(async () => {
    await app.close();
    driver?.stop();
  });
  return app;
}

/**
 * Closes the app, then runs `between()` until it returns something other
 * than false (false: the app has not let go of the vault yet), as an owner
 * would use the `steward` command with the app closed, and opens the app
 * on `vault` again. Resolves with what `between` returned.
 */
export async function reopenApp(vault, between) {
  await app.close();
  const done = await until(() => between(), 15000, 'the app to let go of the vault');
  await app.open(driver.base, APP, ['--vault', vault]);
  return done;
}

/** Types `username` and `passphrase` on the login screen and submits. */
export async function login(username, passphrase) {
  await app.waitFor('#login');
  await app.type('#login-username', username);
  await app.type('#login-passphrase', passphrase);
  await app.click('#login-submit');
}

/**
 * Measures the page's width against the window's, and names the outermost
 * elements that stick out on the right (for the message when they do).
 */
const SIDEWAYS = `
  const d = document.documentElement;
  const out = [...document.body.querySelectorAll('*')].filter((e) => {
    const r = e.getBoundingClientRect();
    if (r.right <= d.clientWidth + 0.5) return false;
    const p = e.parentElement && e.parentElement.getBoundingClientRect();
    return !p || p.right <= d.clientWidth + 0.5;
  });
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  return {
    scroll: d.scrollWidth,
    client: d.clientWidth,
    inner: window.innerWidth,
    out: out.slice(0, 5).map((e) => name(e) + ' (right edge at ' + Math.round(e.getBoundingClientRect().right) + 'px)'),
  };
`;

/**
 * Asserts the screen does not scroll sideways: what does not fit scrolls
 * inside its own box (a table in its `.table-wrap`), never the page.
 */
export async function assertNoSidewaysScroll(where) {
  const m = await app.execute(SIDEWAYS);
  assert.ok(
    m.scroll <= m.client && m.scroll <= m.inner,
    `${where}: the page is ${m.scroll}px wide in a window ${m.inner}px wide (${m.client}px without the scroll bar); ` +
      `sticking out: ${m.out.join(', ')}`,
  );
}

/**
 * Checks that the screen on show fits `width`×`height` (the window is set to
 * that size, then back to what it was) without scrolling sideways.
 */
export async function assertFitsWindow(where, width, height) {
  const was = await app.windowRect();
  await app.setWindowSize(width, height);
  try {
    await assertNoSidewaysScroll(`${where} at ${width}×${height}`);
  } finally {
    await app.setWindowSize(was.width, was.height);
  }
}

/** axe-core, the accessibility checker (test-only: `tests/e2e/package.json`). */
const AXE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The WCAG levels every screen must pass: 2.0, 2.1 and 2.2, A and AA. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Checks the screen on show with axe-core for WCAG 2.2 AA and fails with
 * each rule broken, where, and how many times.
 */
export async function assertAccessible(where) {
  // WebDriver runs the checker's source itself: the window's CSP allows no
  // eval and no script from elsewhere.
  if (!(await app.execute('return !!window.axe'))) {
    await app.execute(`${AXE}\n;if (typeof axe !== 'undefined') window.axe = axe; return !!window.axe;`);
  }
  const found = await app.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.axe
       .run(document, { runOnly: { type: 'tag', values: arguments[1] }, resultTypes: ['violations'] })
       .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), count: v.nodes.length }))))
       .catch((e) => done([{ id: 'axe-error', help: String(e), nodes: [], count: 1 }]));`,
    [null, WCAG_AA],
  );
  // STEWARD_AXE_REPORT=1 lists what every screen breaks instead of failing.
  if (process.env.STEWARD_AXE_REPORT) {
    if (found.length > 0) console.log(`AXE ${where}: ${JSON.stringify(found)}`);
    return;
  }
  assert.deepEqual(
    found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.count}× e.g. ${v.nodes.join(' | ')}`),
    [],
    `${where}: accessibility violations`,
  );
}

/**
 * Saves a screenshot `<name>.png`, after checking the screen does not scroll
 * sideways at the window's size and on a 1024×700 till screen, and passes
 * axe-core's WCAG 2.2 AA rules (every screen shot is checked).
 */
export async function shot(name) {
  await assertNoSidewaysScroll(`screenshot ${name}`);
  await assertFitsWindow(`screenshot ${name}`, 1024, 700);
  await assertAccessible(`screenshot ${name}`);
  await app.screenshot(join(SHOTS, `${name}.png`));
}

/**
 * After a hit was opened: waits for the profile, and when the session's
 * purpose of access is not `purpose`, changes it (Alt+W, the purpose, Open)
 * and waits for the profile opened again for it.
 */
export async function openedFor(purpose) {
  const loaded = () =>
    app.execute(
      "const b = document.getElementById('profile-body'); const c = document.getElementById('profile-context'); return b && c && b.getAttribute('aria-busy') === 'false' ? c.dataset.purpose : null",
    );
  let now = null;
  await until(async () => (now = await loaded()) !== null, 15000, 'the profile to load');
  if (now === purpose) return;
  await app.keys([ALT, 'w']);
  await app.waitFor('#purpose-picker');
  await app.check(`#access-purpose-${purpose}`);
  await app.click('#purpose-picker-open');
  await until(async () => (await loaded()) === purpose, 15000, `the profile opened for ${purpose}`);
}

/**
 * Under a customer screen: opens the staff login behind the small "Staff"
 * button (unless it is open already).
 */
export async function openStaffLogin() {
  if (await app.isDisplayed('#leave-username')) return;
  await app.click('#leave-open');
  await app.waitFor('#leave-username');
}
