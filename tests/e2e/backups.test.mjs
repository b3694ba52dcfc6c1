// Backups in the app (issue 13 §3), as the owner meets them. A fresh vault
// with one customer (CLI). In the app the owner is warned on Home that no
// backup was ever made, follows the warning to the Backups panel in
// Settings, is told in words when a folder does not exist, sets a folder
// that does, backs up now ("Backing up…" meanwhile), sees the backup listed
// (local date and time, size, verified) and the next one, and Home no
// longer warns. Screenshots 95-… go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, useApp, login, shot, assertFitsWindow } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-backups-'));
const vault = join(dir, 'shop.steward');
const usb = join(dir, 'usb-disk');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const CUSTOMER = 'Anna Vidal';

const app = useApp({
  vault,
  port: 4452,
  prepare() {
    const run = (args) =>
      spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', ...args], { input: `${OWNER_PASS}\n`, encoding: 'utf8' });
    const init = run(['init', '--shop', SHOP, '--owner', OWNER]);
    assert.equal(init.status, 0, init.stderr);
    const joined = run([
      '--user', OWNER, '--json', 'customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document',
      '--purpose', 'membership', '--field', `name=${CUSTOMER}`, '--field', 'email=anna.vidal@example.cat',
      '--receipt-out', join(dir, 'receipt.json'),
    ]);
    assert.equal(joined.status, 0, joined.stderr);
    mkdirSync(usb);
  },
});

const attr = (css, name) =>
  app.execute('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null', [css, name]);
const hidden = (css) => app.execute('const e = document.querySelector(arguments[0]); return !e || e.hidden', [css]);
const toTop = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })`, [css]);

/** Waits until the Backups panel has read the folder. */
const panelLoaded = () => until(async () => (await attr('#backups-summary', 'aria-busy')) === 'false', 15000, 'the backups to load');

test('the owner is warned on Home that no backup was ever made and is taken to the Backups panel', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await until(async () => !(await hidden('#home-backup')), 15000, 'the backup warning');
  assert.match(await app.text('#home-backup-text'), /No backup folder is set/);
  await shot('95-home-backup-warning');
  await app.click('#home-backup-open');
  await app.waitFor('#settings-backups');
  await panelLoaded();
  assert.match(await app.text('#backups-last'), /No backup has been made yet/);
  assert.match(await app.text('#backups-next'), /No backups are made until a backup folder is chosen/);
});

test('a folder that does not exist is refused in words; the owner sets one, backs up now and sees it listed', async () => {
  await toTop('#settings-backups');
  await app.type('#backups-folder', join(dir, 'not-there'));
  await app.click('#backups-folder-save');
  await app.waitForText('#backups-folder-error', (t) => /does not exist/.test(t));
  assert.equal(await attr('#backups-folder', 'aria-invalid'), 'true');

  await app.clear('#backups-folder');
  await app.type('#backups-folder', usb);
  await app.click('#backups-folder-save');
  await app.waitForText('#backups-status', (t) => /Backup folder saved/.test(t));
  await app.waitForText('#backups-next', (t) => /Next backup/.test(t));

  await toTop('#settings-backups');
  await app.click('#backups-now');
  await app.waitForText('#backups-status', (t) => /Backup made and checked/.test(t), 60000);
  await app.waitFor('#backups-now[aria-busy="false"]');
  await app.waitFor('#backups-table');
  const rows = await app.execute(
    "return [...document.querySelectorAll('#backups-table tbody tr')].map((r) => [r.dataset.verified, ...[...r.cells].map((c) => c.textContent)])",
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], 'true');
  assert.match(rows[0][2], /(B|kB|MB)$/);
  assert.equal(rows[0][3], 'Verified in full');
  assert.match(await app.text('#backups-last'), /^Last backup: .+\d, .*B$/);
  assert.match(await app.text('#backups-next'), /^Next backup: /);
  assert.equal(await hidden('#backups-failure'), true);

  // One encrypted file in the folder, named by the date only.
  const files = readdirSync(usb);
  assert.equal(files.length, 1, files.join(', '));
  assert.match(files[0], /^steward-backup-[0-9a-f]+-\d{8}-\d{6}\.stewardbackup$/);

  const was = await app.windowRect();
  await app.setWindowSize(1024, 700);
  try {
    await until(async () => (await app.execute('return window.innerWidth')) <= 1024, 5000, 'the window to be 1024 wide');
    await toTop('#settings-backups');
    await shot('96-settings-backups');
  } finally {
    await app.setWindowSize(was.width, was.height);
  }
  await assertFitsWindow('the backups panel', 1024, 700);
});

test('with a backup made today Home shows no backup warning', async () => {
  await app.keys([ALT, 'h']);
  await app.waitFor('#home');
  // The warning stays hidden once the overview has answered.
  await until(async () => (await attr('#home-backup', 'data-checked')) === 'true', 15000, 'the backup check on Home');
  assert.equal(await hidden('#home-backup'), true);
});

test('after the app closes, the CLI lists the backup and it verifies', async () => {
  // Closed here, and waited for, as in the other files: an app left
  // running holds the test runner's output open.
  await app.close();
  await until(() => {
    const r = spawnSync(CLI, ['--vault', vault, '--json', 'status'], { encoding: 'utf8' });
    return !/already open/.test(r.stderr) && r.status === 0;
  }, 15000, 'the app to release the vault');
  const [file] = readdirSync(usb);
  const verify = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'backup', 'verify', join(usb, file)], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(verify.status, 0, verify.stderr);
});
