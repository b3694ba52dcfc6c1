// A small W3C WebDriver client (Node's built-in fetch, no dependencies) for
// driving the real Steward window through tauri-driver + WebKitWebDriver.

import { spawn } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts tauri-driver and waits until it answers. `STEWARD_E2E_PORT_OFFSET`
 * moves every file's ports (its driver's and the native driver's), so that
 * two suites can run side by side on one machine.
 */
export async function startDriver(given = Number(process.env.STEWARD_E2E_PORT || 4444)) {
  const port = given + Number(process.env.STEWARD_E2E_PORT_OFFSET || 0);
  const native = process.env.WEBKIT_WEBDRIVER || '/usr/bin/WebKitWebDriver';
  const args = ['--port', String(port), '--native-port', String(port + 1), '--native-driver', native];
  const proc = spawn('tauri-driver', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await until(async () => {
    try {
      const res = await fetch(`${base}/status`);
      return res.ok;
    } catch {
      return false;
    }
  }, 20000, 'tauri-driver to start');
  return { base, stop: () => proc.kill('SIGTERM') };
}

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function until(check, ms, what) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await delay(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Scrolls the element (`arguments[0]`) to the middle of the window, both
 * ways, and reports what a click at its centre would land on: itself (or
 * something inside it or its label), or another element covering it.
 * An `<option>` is chosen through its `<select>`, which is scrolled instead.
 */
const CENTRE = `
  const e = arguments[0];
  const target = e.tagName === 'OPTION' ? e.closest('select') || e : e;
  target.scrollIntoView({ block: 'center', inline: 'center' });
  if (target !== e) return { ok: true };
  const b = e.getBoundingClientRect();
  const x = b.left + b.width / 2;
  const y = b.top + b.height / 2;
  const inside = x >= 0 && y >= 0 && x < window.innerWidth && y < window.innerHeight;
  const top = inside ? document.elementFromPoint(x, y) : null;
  const mine = (n) => !!n && (n === e || e.contains(n) || [...(e.labels || [])].some((l) => l.contains(n)));
  const name = (n) => (n ? n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\\s+/).join('.') : '') : 'nothing');
  return { ok: mine(top), on: inside ? name(top) : 'a point outside the window (' + Math.round(x) + ', ' + Math.round(y) + ')' };
`;

export class Session {
  /** An unconnected session; `open` connects it. */
  constructor(base = null, id = null) {
    this.base = base;
    this.id = id;
  }

  /** Starts `application` with `args` through the driver at `base`. */
  async open(base, application, args = []) {
    const res = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    this.base = base;
    this.id = res.sessionId;
    return this;
  }

  async cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => e[ELEMENT]);
  }

  async isDisplayed(css) {
    const ids = await this.findAll(css);
    if (ids.length === 0) return false;
    return this.cmd('GET', `/element/${ids[0]}/displayed`);
  }

  /** Waits until an element matching `css` is displayed. */
  async waitFor(css, ms = 15000) {
    await until(() => this.isDisplayed(css), ms, css);
    return this.find(css);
  }

  /**
   * Clicks `css` at its centre, after scrolling it to the middle of the
   * window; fails at once, saying what is in the way, when something else
   * covers that point (the click would land there instead).
   */
  async click(css) {
    const el = await this.waitFor(css);
    const hit = await this.execute(CENTRE, [{ [ELEMENT]: el }]);
    if (!hit.ok) throw new Error(`a click on ${css} would land on ${hit.on}`);
    await this.cmd('POST', `/element/${el}/click`, {});
  }

  /**
   * Ticks the checkbox or chooses the radio button `css` with a click, then
   * waits until it is checked; fails, saying so, if the click did not do it.
   */
  async check(css, ms = 5000) {
    await this.click(css);
    const isChecked = () => this.execute('const e = document.querySelector(arguments[0]); return !!e && e.checked === true', [css]);
    await until(isChecked, ms, `${css} to be checked after a click on it`);
  }

  async type(css, text) {
    const el = await this.waitFor(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** Empties the input `css` (as the user would, selecting all and deleting). */
  async clear(css) {
    const el = await this.waitFor(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
  }

  async text(css) {
    const el = await this.waitFor(css);
    return this.cmd('GET', `/element/${el}/text`);
  }

  /** Waits until the text of `css` satisfies `test`. */
  async waitForText(css, test, ms = 15000) {
    return until(async () => {
      const t = await this.text(css);
      return test(t) ? t : false;
    }, ms, `text of ${css}`);
  }

  /** Chooses `value` in the `<select>` `css` with a click, then waits until it is chosen. */
  async selectOption(css, value, ms = 5000) {
    await this.click(`${css} option[value="${value}"]`);
    const chosen = () => this.execute('const e = document.querySelector(arguments[0]); return !!e && e.value === arguments[1]', [css, value]);
    await until(chosen, ms, `${css} to hold "${value}" after a click on it`);
  }

  /** The window's position and outer size, `{ x, y, width, height }`. */
  async windowRect() {
    return this.cmd('GET', '/window/rect');
  }

  /**
   * Sets the window's outer size and waits until the window has it and the
   * page's viewport fits in it.
   */
  async setWindowSize(width, height) {
    await this.cmd('POST', '/window/rect', { width, height });
    await until(
      async () => {
        const r = await this.windowRect();
        const [w, h] = await this.execute('return [window.innerWidth, window.innerHeight]');
        return r.width === width && r.height === height && w <= width && h <= height;
      },
      5000,
      `the window to be ${width}×${height}`,
    );
  }

  /** Presses a key combination with real key events, e.g. ['\uE00A', 'u'] for Alt+U. */
  async keys(combo) {
    const down = combo.map((k) => ({ type: 'keyDown', value: k }));
    const up = [...combo].reverse().map((k) => ({ type: 'keyUp', value: k }));
    await this.cmd('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions: [...down, ...up] }],
    });
    await this.cmd('DELETE', '/actions');
  }

  /**
   * Draws with the mouse through `css` (W3C pointer actions): presses at the
   * first point of `path`, moves through the others, releases. Points are
   * fractions of the element's box, `[0.1, 0.5]` being 10% across, half down.
   */
  async pointerDrag(css, path) {
    const el = await this.waitFor(css);
    const box = await this.cmd('POST', '/execute/sync', {
      script:
        "const e = arguments[0]; e.scrollIntoView({ block: 'center' }); const b = e.getBoundingClientRect(); return { x: b.left, y: b.top, w: b.width, h: b.height };",
      args: [{ [ELEMENT]: el }],
    });
    const at = ([fx, fy]) => ({ x: Math.round(box.x + fx * box.w), y: Math.round(box.y + fy * box.h) });
    const actions = [
      { type: 'pointerMove', duration: 0, origin: 'viewport', ...at(path[0]) },
      { type: 'pointerDown', button: 0 },
      ...path.slice(1).map((p) => ({ type: 'pointerMove', duration: 40, origin: 'viewport', ...at(p) })),
      { type: 'pointerUp', button: 0 },
    ];
    await this.cmd('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }],
    });
    await this.cmd('DELETE', '/actions');
  }

  /** Runs `script` in the page with `args`; resolves with what it returns. */
  async execute(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /**
   * Runs `script` in the page; it ends by calling its last argument (the
   * callback WebDriver adds after `args`) with the result.
   */
  async executeAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async pageText() {
    return this.cmd('POST', '/execute/sync', { script: 'return document.body.innerText', args: [] });
  }

  async screenshot(path) {
    // Under Xvfb, WebKitWebDriver answers a screenshot request only after the
    // page's next repaint, and a still page (no caret blinking) never
    // repaints. Toggle an invisible outline for a while after asking, so one
    // comes whenever the request is taken up (a single toggle can land
    // before it, and the request then waits for the auto-lock).
    await this.cmd('POST', '/execute/sync', {
      script:
        "const s = document.documentElement.style; let n = 0; const id = setInterval(() => { n += 1; s.outline = n % 2 ? '1px solid transparent' : ''; if (n >= 60) { clearInterval(id); s.outline = ''; } }, 50);",
      args: [],
    });
    const b64 = await this.cmd('GET', '/screenshot');
    await mkdir(path.substring(0, path.lastIndexOf('/')), { recursive: true });
    await writeFile(path, Buffer.from(b64, 'base64'));
  }

  /** Ends the session (the app quits); does nothing if it has ended already. */
  async close() {
    if (!this.id) return;
    try {
      await this.cmd('DELETE', '');
    } catch {
      // The app may already be gone.
    }
    this.id = null;
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value || {};
    throw new Error(`${method} ${path}: ${v.error || res.status} ${v.message || ''}`);
  }
  return json.value;
}
