// Dark mode, as a shop whose computer is set to a dark theme sees Steward:
// the app follows the system (`prefers-color-scheme`), and every screen
// shot here passes the same checks as in light mode, colour contrast
// included (axe-core). The dark theme is GTK's own (GTK_THEME=Adwaita:dark,
// which WebKitGTK reports to the page as a dark colour scheme), given to the
// app through tauri-driver's environment. The owner's dashboard, a
// customer's profile and the consent form handed to a customer.
// Screenshots 99-… go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, ENTER, useApp, login, shot } from './helpers.mjs';

// Read by tauri-driver, WebKitWebDriver and the app they start in `before`.
process.env.GTK_THEME = 'Adwaita:dark';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-dark-'));
const vault = join(dir, 'shop.steward');

const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';

const steward = (...args) => {
  const r = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', '--user', OWNER, '--json', ...args], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

let anna;
const app = useApp({
  vault,
  port: 4458,
  prepare() {
    const init = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', 'init', '--shop', 'Forn de la Plaça', '--owner', OWNER], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    assert.equal(init.status, 0, init.stderr);
    const join_ = (purposes, fields, file) => {
      const args = ['customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document'];
      for (const p of purposes) args.push('--purpose', p);
      for (const [k, v] of Object.entries(fields)) args.push('--field', `${k}=${v}`);
      args.push('--receipt-out', join(dir, file));
      return JSON.parse(steward(...args)).customerId;
    };
    anna = join_(['membership', 'email-offers'], { name: 'Anna Vidal', email: 'anna.vidal@example.cat' }, 'anna.json');
    join_(['membership'], { name: 'Pere Soler' }, 'pere.json');
    steward('purchases', 'add', String(anna), '--amount', '12.50');
  },
});

const dark = () => app.execute("return window.matchMedia('(prefers-color-scheme: dark)').matches");

test('with the system in dark mode the dashboard is dark and passes the contrast checks', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home-dashboard');
  assert.equal(await dark(), true, 'the page is told the system is in dark mode');
  // The page's own background is the dark one, not white.
  const background = await app.execute('return getComputedStyle(document.body).backgroundColor');
  assert.notEqual(background, 'rgb(255, 255, 255)');
  await until(
    () => app.execute("return document.querySelector('#home-dashboard .dash-body').dataset.drawn === 'true'"),
    15000,
    'the dashboard to be drawn',
  );
  // The charts take the dark palette (light lines on the dark panel).
  const line = await app.execute("return getComputedStyle(document.documentElement).getPropertyValue('--chart-1').trim()");
  assert.equal(line, '#7fb0ee');
  await shot('99-dark-home-dashboard');
});

test("a customer's profile in dark mode", async () => {
  await app.click('#nav-customers');
  await app.waitFor('#customers-query');
  await app.type('#customers-query', 'Anna');
  await app.waitFor(`#customers-hit-${anna}`);
  await app.keys([ENTER]);
  await app.waitFor('#profile-name');
  await until(
    () => app.execute("const b = document.getElementById('profile-body'); return !!b && b.getAttribute('aria-busy') === 'false'"),
    15000,
    'the profile to load',
  );
  assert.match(await app.text('#profile-name'), /Anna Vidal/);
  await shot('99-dark-customer-profile');
});

test('the consent form handed to a customer, in dark mode', async () => {
  await app.keys([ALT, 'n']);
  await app.waitFor('#consent-start');
  await app.waitFor('#consent-id-id-document');
  await app.check('#consent-lang-en');
  await app.check('#consent-id-id-document');
  await shot('99-dark-consent-start');
  await app.click('#consent-handover');
  await app.waitFor('#consent-form');
  assert.equal(await dark(), true);
  await shot('99-dark-consent-form');
});
