// Records the law requires (issue 13 §1), as the owner meets them in
// Settings. A fresh vault (general EU defaults) with one customer who
// bought something (CLI). The owner sees the three periods and the sales
// total, switches the shop to Spain with its defaults and sees six years
// for the sales of customers who left; the panel fits 1024×700. After the
// app closes, the CLI shows the same rules. Screenshot 97 goes to
// target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, useApp, login, shot, assertFitsWindow } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-records-'));
const vault = join(dir, 'shop.steward');

const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';

const run = (args) =>
  spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', ...args], { input: `${OWNER_PASS}\n`, encoding: 'utf8' });

const app = useApp({
  vault,
  port: 4454,
  prepare() {
    const init = run(['init', '--shop', 'Forn de la Plaça', '--owner', OWNER]);
    assert.equal(init.status, 0, init.stderr);
    const joined = run([
      '--user', OWNER, '--json', 'customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document',
      '--purpose', 'membership', '--field', 'name=Anna Vidal', '--receipt-out', join(dir, 'receipt.json'),
    ]);
    assert.equal(joined.status, 0, joined.stderr);
    const id = JSON.parse(joined.stdout).customerId;
    const bought = run(['--user', OWNER, 'purchases', 'add', String(id), '--item', 'Coca @ 12.50']);
    assert.equal(bought.status, 0, bought.stderr);
  },
});

const toTop = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })`, [css]);

test('the owner sees what the law keeps, switches to Spain with its defaults, and the panel fits the window', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.keys([ALT, 's']);
  await app.waitFor('#settings-record-keeping');
  await app.waitForText('#record-keeping-sales-records', (t) => /not kept/.test(t), 15000);
  assert.match(await app.text('#record-keeping-access-log'), /3 years/);
  assert.match(await app.text('#settings-record-keeping'), /12\.50 in all: 1 purchases of current customers/);

  await toTop('#settings-record-keeping');
  await app.selectOption('#record-keeping-jurisdiction', 'ES');
  await app.click('#record-keeping-apply-defaults');
  await app.click('#record-keeping-jurisdiction-save');
  await app.waitForText('#record-keeping-status', (t) => /this jurisdiction's periods/.test(t));
  await app.waitForText('#record-keeping-sales-records', (t) => /Kept for: 6 years\.$/.test(t));
  assert.match(await app.text('#record-keeping-destruction-records'), /6 years/);

  const was = await app.windowRect();
  await app.setWindowSize(1024, 700);
  try {
    await until(async () => (await app.execute('return window.innerWidth')) <= 1024, 5000, 'the window to be 1024 wide');
    await toTop('#settings-record-keeping');
    await shot('97-settings-record-keeping');
  } finally {
    await app.setWindowSize(was.width, was.height);
  }
  await assertFitsWindow('the record-keeping panel', 1024, 700);
});

test('after the app closes, the CLI shows the same rules', async () => {
  await app.close();
  await until(() => {
    const r = spawnSync(CLI, ['--vault', vault, '--json', 'status'], { encoding: 'utf8' });
    return !/already open/.test(r.stderr) && r.status === 0;
  }, 15000, 'the app to release the vault');
  const rules = run(['--user', OWNER, '--json', 'retention', 'rules']);
  assert.equal(rules.status, 0, rules.stderr);
  const kept = JSON.parse(rules.stdout);
  assert.equal(kept.jurisdiction, 'ES');
  assert.deepEqual(kept.rules[0].period, { amount: 6, unit: 'years' });
});
