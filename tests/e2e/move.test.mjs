// Moving the shop to a new computer and retiring a computer (issue 13 §4),
// as the owner meets them in the app. The old computer (CLI): a shop with
// two customers, a backup, one customer erased, a later backup. The new
// computer (the app on a path with no vault): "I have a backup from my old
// computer", a folder, a file that is not a backup and a mistyped key refused in
// words, what the backup holds, the restore, the erased customer erased
// again and said so, the last step named, the sign-in, the erased customer
// not found. Then Settings → Retire this computer: the certificate shown,
// saved, and the vault's files gone. Screenshots 97-… go to
// target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, useApp, login, shot, assertFitsWindow } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-move-'));
const oldVault = join(dir, 'old computer', 'shop.steward');
const usb = join(dir, 'usb-disk');
const papers = join(dir, 'papers');
// The new computer: nothing there yet, not even the folder.
const newFolder = join(dir, 'new computer', 'data');
const vault = join(newFolder, 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const ERASED = 'Anna Vidal';
const KEPT = 'Pere Serra';

let recoveryKey = '';
let firstBackup = '';

const app = useApp({
  vault,
  port: 4454,
  prepare() {
    const run = (args, input = `${OWNER_PASS}\n`) => {
      const r = spawnSync(CLI, ['--vault', oldVault, '--passphrase-stdin', ...args], { input, encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    mkdirSync(join(dir, 'old computer'));
    recoveryKey = JSON.parse(run(['--json', 'init', '--shop', SHOP, '--owner', OWNER])).recoveryKey;
    const join1 = (name, email) =>
      JSON.parse(
        run([
          '--user', OWNER, '--json', 'customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document',
          '--purpose', 'membership', '--field', `name=${name}`, '--field', `email=${email}`,
          '--receipt-out', join(dir, `receipt-${email}.json`),
        ]),
      ).customerId;
    const erased = join1(ERASED, 'anna.vidal@example.cat');
    join1(KEPT, 'pere.serra@example.cat');
    mkdirSync(usb);
    mkdirSync(papers);
    run(['--user', OWNER, 'backup', 'now', '--to', usb]);
    [firstBackup] = readdirSync(usb);
    run(['--user', OWNER, 'customers', 'erase', String(erased), '--verified-by', 'id-document']);
    // The later backup knows the erasure: restoring the first replays it.
    run(['--user', OWNER, 'backup', 'now', '--to', usb]);
    assert.equal(readdirSync(usb).length, 2);
    writeFileSync(join(usb, 'shopping-list.txt'), 'flour, olives\n');
  },
});

const attr = (css, name) =>
  app.execute('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null', [css, name]);
const toTop = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })`, [css]);
const groups = (key) => key.split('-');

/** Types the recovery key group by group, as the owner reads it off the paper. */
async function typeKey(key) {
  const parts = groups(key);
  for (let i = 0; i < parts.length; i += 1) {
    await app.clear(`#move-key-${i + 1}`);
    await app.type(`#move-key-${i + 1}`, parts[i]);
  }
}

test('a first start offers the move; a folder, a file that is not a backup and a mistyped key are refused in words', async () => {
  await app.waitFor('#setup');
  assert.match(await app.text('#setup'), /I have a backup from my old computer/);
  await shot('97a-setup-move-offer');
  await assertFitsWindow('setup with the move offered', 1024, 700);
  await app.click('#setup-move');
  await app.waitFor('#move');
  await shot('97-move-backup');
  await assertFitsWindow('the move: backup step', 1024, 700);

  // A folder instead of a file.
  await app.type('#move-file', usb);
  await typeKey(recoveryKey);
  await app.click('#move-check');
  await app.waitForText('#move-error', (t) => /That is a folder/.test(t), 30000);
  assert.equal(await attr('#move-file', 'aria-invalid'), 'true');

  await app.clear('#move-file');
  await app.type('#move-file', join(usb, 'shopping-list.txt'));
  await typeKey(recoveryKey);
  assert.equal(await attr('#move-key-1', 'type'), 'password', 'the key stays hidden');
  await app.click('#move-check');
  await app.waitForText('#move-error', (t) => /cannot restore that file/.test(t), 30000);

  // One character wrong.
  const last = recoveryKey.slice(-1);
  const wrong = recoveryKey.slice(0, -1) + (last === '2' ? '3' : '2');
  await app.clear('#move-file');
  await app.type('#move-file', join(usb, firstBackup));
  await typeKey(wrong);
  await app.click('#move-check');
  await app.waitForText('#move-error', (t) => /recovery key does not open this backup/.test(t), 30000);
  assert.equal(await attr('#move-key-1', 'aria-invalid'), 'true');
  assert.equal(existsSync(vault), false, 'nothing was restored');
});

test('the owner sees what the backup holds, restores it, and is told the erasure made since was made again', async () => {
  await typeKey(recoveryKey);
  await app.click('#move-check');
  await app.waitFor('#move-summary', 60000);
  assert.equal(await app.text('#move-shop'), SHOP);
  assert.equal(await app.text('#move-customers'), '2');
  assert.equal(await app.text('#move-to-replay'), '1');
  // Local time, in words: no UTC stamp.
  assert.doesNotMatch(await app.text('#move-made-at'), /T\d\d:|Z$/);
  await shot('98-move-check');
  await assertFitsWindow('the move: check step', 1024, 700);

  await app.click('#move-restore');
  await app.waitFor('#move-done', 120000);
  assert.equal(await app.text('#move-replayed'), '1 customer erased since this backup was erased again.');
  assert.match(await app.text('#move-retire-old'), /retire the old computer\. On it, open Settings → Retire this computer/);
  await shot('99-move-done');
  await assertFitsWindow('the move: done', 1024, 700);
  assert.ok(existsSync(vault), 'the vault is on the new computer');
});

test('the owner signs in on the new computer; the erased customer is not found, the other one is', async () => {
  await app.click('#move-sign-in');
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.keys([ALT, 'f']);
  await app.waitFor('#customers');
  await app.type('#customers-query', 'Anna Vidal');
  await until(async () => (await attr('#customers-hint', 'data-state')) === 'none', 15000, 'no hit for the erased customer');
  await app.clear('#customers-query');
  await app.type('#customers-query', 'Pere Serra');
  await until(async () => (await attr('#customers-hint', 'data-state')) === 'hits', 15000, 'the kept customer');
  assert.match(await app.text('#customers-results'), /Pere Serra/);
});

test('the owner retires this computer from Settings, sees and saves the certificate, and the vault is gone', async () => {
  await app.keys([ALT, 's']);
  await app.waitFor('#settings-retire');
  await toTop('#settings-retire');
  assert.match(await app.text('#settings-retire'), /cryptographic erase/);
  assert.match(await app.text('#settings-retire'), /SSDs/);
  await shot('100-settings-retire');
  await assertFitsWindow('Settings with Retire this computer', 1024, 700);

  // The word is checked before anything is destroyed.
  await app.type('#retire-passphrase', OWNER_PASS);
  await app.type('#retire-confirm', 'retire');
  await app.click('#retire-submit');
  await app.waitForText('#retire-confirm-error', (t) => /Type RETIRE to confirm/.test(t), 30000);
  assert.ok(existsSync(vault), 'nothing was destroyed');

  await app.clear('#retire-confirm');
  await app.type('#retire-confirm', 'RETIRE');
  await app.click('#retire-submit');
  await app.waitFor('#retired', 60000);
  assert.match(await app.text('#retired-certificate'), /^STEWARD DESTRUCTION CERTIFICATE/);
  assert.match(await app.text('#retired-certificate'), /Result: complete/);
  assert.match(await app.text('#retired-when'), /destroyed on this computer on .+\d/);
  assert.doesNotMatch(await app.text('#retired-when'), /UTC/);
  await shot('101-retired-certificate');
  await assertFitsWindow('the certificate', 1024, 700);

  // Every file of the vault is gone from the new computer's folder.
  const left = readdirSync(newFolder).filter((f) => f.startsWith('shop.steward'));
  assert.deepEqual(left, []);

  await app.type('#retired-folder', papers);
  await app.click('#retired-save');
  await app.waitForText('#retired-status', (t) => /^Saved as /.test(t), 15000);
  const [saved] = readdirSync(papers);
  assert.match(saved, /^steward-destruction-certificate-\d{4}-\d{2}-\d{2}\.txt$/);
  assert.match(readFileSync(join(papers, saved), 'utf8'), /^STEWARD DESTRUCTION CERTIFICATE/);
  await shot('102-retired-saved');
});

test('after the app closes, nothing of the vault is left and the lock is released', async () => {
  // Closed here, and waited for, as in the other files.
  await app.close();
  await until(() => {
    const r = spawnSync(CLI, ['--vault', vault, 'status'], { encoding: 'utf8' });
    return !/already open/.test(r.stderr);
  }, 15000, 'the app to release the vault');
  assert.deepEqual(
    readdirSync(newFolder).filter((f) => f.startsWith('shop.steward')),
    [],
  );
});
