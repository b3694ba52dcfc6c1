// A small W3C WebDriver client (Node's built-in fetch, no dependencies) for
// driving the real Steward window through tauri-driver + WebKitWebDriver.

import { spawn } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Starts tauri-driver and waits until it answers. */
export async function startDriver(port = Number(process.env.STEWARD_E2E_PORT || 4444)) {
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

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(base, application, args = []) {
    const res = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    return new Session(base, res.sessionId);
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

  async click(css) {
    const el = await this.waitFor(css);
    await this.cmd('POST', `/element/${el}/click`, {});
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

  async selectOption(css, value) {
    await this.click(`${css} option[value="${value}"]`);
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

  async close() {
    try {
      await this.cmd('DELETE', '');
    } catch {
      // The app may already be gone.
    }
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
