// The installed package, as a shop meets it on a fresh computer account:
// `scripts/package-test.sh` installs the .deb with apt, gives this file a
// home folder nobody has used, and points STEWARD_APP and STEWARD_CLI at
// /usr/bin/steward-app and /usr/bin/steward. The app is started with no
// `--vault`, as the desktop entry starts it, so the vault goes where the
// package's users will find it. It also reads the memory the app and its
// WebKit helper processes hold on the wizard and on an open profile
// (printed as `MEMORY …` lines for docs/packaging.md; nothing is asserted
// about them). Screenshots p01-… go to the screenshots folder.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, until } from './webdriver.mjs';
import { APP, CLI, ENTER, app, login, shot, openedFor } from './helpers.mjs';

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const NAME = 'Pere Soler';

/** Where Steward keeps the vault on Linux for this (fresh) home folder. */
const DATA = join(process.env.XDG_DATA_HOME || join(homedir(), '.local/share'), 'steward');
const VAULT = join(DATA, 'vault.steward');

/** Runs the installed `steward` with `args`, the passphrase on stdin. */
function steward(args, input = '') {
  return spawnSync(CLI, args, { input, encoding: 'utf8', timeout: 60000 });
}

/** The numbers of a `/proc/PID/status` or `smaps_rollup` line, in kB. */
function procKb(pid, file, field) {
  try {
    const line = readFileSync(`/proc/${pid}/${file}`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The installed app's process and its children (WebKitGTK runs the page
 * and the network in their own processes), with each one's resident and
 * proportional memory in kB.
 */
function appProcesses() {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const main = appPids();
  assert.equal(main.length, 1, `one ${APP} process is running`);
  const ppid = (p) => procKb(p, 'status', 'PPid');
  const children = pids.filter((p) => String(ppid(p)) === main[0]);
  const row = (p) => ({
    name: readFileSync(`/proc/${p}/comm`, 'utf8').trim(),
    rss: procKb(p, 'status', 'VmRSS'),
    pss: procKb(p, 'smaps_rollup', 'Pss'),
  });
  return [row(main[0]), ...children.map(row)];
}

/** Prints what the app holds in memory now, as one `MEMORY` line. */
function reportMemory(when) {
  const procs = appProcesses();
  const mb = (kb) => Math.round(kb / 1024);
  const sum = (k) => procs.reduce((n, p) => n + p[k], 0);
  const each = procs.map((p) => `${p.name} ${mb(p.rss)}`).join(', ');
  console.log(
    `MEMORY ${when}: app alone RSS ${mb(procs[0].rss)} MB; with its ${procs.length - 1} WebKit processes RSS ${mb(sum('rss'))} MB, PSS ${mb(sum('pss'))} MB (${each})`,
  );
}

/** The installed app's running processes (its pid), by their program file. */
function appPids() {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/exe`) === APP;
      } catch {
        return false;
      }
    });
}

/** The processes (pid and name) that hold a file open. */
function holders(file) {
  const out = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${p}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
    if (holds) out.push(`${p} ${readFileSync(`/proc/${p}/comm`, 'utf8').trim()}`);
  }
  return out;
}

let driver;
/** Each start gets its own driver ports, so a driver still ending is never asked. */
let port = 4470;

/** Starts the installed app the way its desktop entry does: no arguments. */
async function startApp() {
  driver = await startDriver(port);
  port += 2;
  await app.open(driver.base, APP, []);
}

/**
 * Ends the session and waits until the app has quit and let go of the vault.
 * WebDriver's end of a session closes the window, but WebKitWebDriver does
 * not always wait for the app to exit (on a busy machine it can be left
 * running without a window): then it is ended as the desktop ends it at a
 * log-out, with SIGTERM.
 */
async function stopApp() {
  await app.close();
  driver?.stop();
  driver = null;
  try {
    await until(() => appPids().length === 0, 10000, 'the installed app to quit');
  } catch {
    for (const pid of appPids()) process.kill(Number(pid), 'SIGTERM');
    await until(() => appPids().length === 0, 20000, 'the installed app to end');
  }
  // The vault is free once no process holds its lock file open (the app's
  // WebKit processes end a moment after it).
  const lock = `${VAULT}.lock`;
  if (existsSync(lock)) {
    await until(() => holders(lock).length === 0, 20000, `the vault's lock to be let go (held by ${holders(lock).join(', ')})`);
  }
}

after(stopApp);

test('the installed steward command says plainly there is no vault yet', () => {
  assert.ok(APP.startsWith('/usr/bin/') && CLI.startsWith('/usr/bin/'), 'run through scripts/package-test.sh');
  assert.equal(existsSync(DATA), false, 'the home folder is fresh');
  const res = steward(['status']);
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /no vault at .*vault\.steward; run setup first \(`steward init`\)/);
  assert.ok(res.stderr.includes(VAULT), `it names the default place: ${res.stderr}`);
});

test('the installed app opens on the setup wizard and creates the vault in the user data folder', async () => {
  await startApp();
  await app.waitFor('#setup');
  await shot('p01-installed-setup');
  reportMemory('on the setup wizard');
  await app.type('#setup-shop-name', SHOP);
  await app.click('#setup-next');
  await app.type('#setup-owner-username', OWNER);
  await app.type('#setup-owner-passphrase', OWNER_PASS);
  await app.type('#setup-owner-passphrase-confirm', OWNER_PASS);
  await app.click('#setup-next');
  await app.click('#setup-create');
  await app.waitForText('#recovery-key', (t) => t.trim().length > 0, 30000);
  await app.check('#recovery-stored');
  await app.click('#recovery-continue');
  await app.waitFor('#login');
  await stopApp();
  assert.ok(existsSync(VAULT), 'the vault is in the user data folder');
  // Owner-only: nobody else on the computer reads the vault file.
  assert.equal(statSync(VAULT).mode & 0o777, 0o600);
});

test('the installed steward command finds the vault the app made and signs a customer up', () => {
  const res = steward(['status']);
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, new RegExp(`^shop: ${SHOP}$`, 'm'));
  assert.match(res.stdout, /^users who can sign in on this computer: 1$/m);
  const joined = steward(
    [
      '--user', OWNER, '--passphrase-stdin', '--json',
      'customers', 'join', '--lang', 'ca', '--method', 'paper', '--verified-by', 'id-document',
      '--purpose', 'membership', '--field', `name=${NAME}`,
      '--receipt-out', join(mkdtempSync(join(tmpdir(), 'steward-installed-')), 'receipt.json'),
    ],
    `${OWNER_PASS}\n`,
  );
  assert.equal(joined.status, 0, joined.stderr);
  assert.ok(JSON.parse(joined.stdout).customerId > 0);
});

test('the owner signs in to the installed app and opens the customer', async () => {
  await startApp();
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  reportMemory('signed in, on the home screen');
  await app.click('#nav-customers');
  await app.waitFor('#customers');
  await app.type('#customers-query', 'soler');
  await app.waitFor('#customers-results [role="option"]');
  await app.keys([ENTER]);
  await openedFor('customer-request');
  assert.equal((await app.text('#profile-name')).trim(), NAME);
  await shot('p02-installed-profile');
  reportMemory('with a customer profile open');
  await stopApp();
});
