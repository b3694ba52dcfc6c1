// The owner's dashboard on Home (issue 14), for a shop seeded with the CLI:
// three members (Anna and Pere this week, Marc with a birthday but no
// birthday offer), purchases this week and two weeks ago. The owner sees
// the headline numbers (members, new members and spend this week in the
// shop's currency), four charts drawn, Anna's birthday (she asked for the
// birthday offer) and not Marc's, and the last backup and retention lines
// leading to Settings. Screenshots 97-… go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, useApp, login, shot } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-dashboard-'));
const vault = join(dir, 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';

/** `YYYY-MM-DD` of the UTC day `days` from today (the CLI's "today"). */
const day = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
/** A birth date in 1988 whose birthday is `days` from today. */
const born = (days) => `1988-${day(days).slice(5)}`;

const steward = (...args) => {
  const r = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', '--user', OWNER, '--json', ...args], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const join_ = (purposes, fields) => {
  const args = ['customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document'];
  for (const p of purposes) args.push('--purpose', p);
  for (const [k, v] of Object.entries(fields)) args.push('--field', `${k}=${v}`);
  args.push('--receipt-out', join(dir, `receipt-${fields.name.split(' ')[0]}.json`));
  return JSON.parse(steward(...args)).customerId;
};

let anna;
const app = useApp({
  vault,
  port: 4454,
  prepare() {
    const init = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', 'init', '--shop', SHOP, '--owner', OWNER], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    assert.equal(init.status, 0, init.stderr);
    steward('fields', 'enable', 'birth_date');
    anna = join_(['membership', 'email-offers', 'birthday-offer'], {
      name: 'Anna Vidal',
      email: 'anna.vidal@example.cat',
      birth_date: born(2),
    });
    const pere = join_(['membership'], { name: 'Pere Soler' });
    // Marc asked for nothing but membership: his birthday is his own.
    join_(['membership'], { name: 'Marc Ferrer' });
    steward('purchases', 'add', String(anna), '--amount', '12.50');
    steward('purchases', 'add', String(pere), '--amount', '6.40');
    steward('purchases', 'add', String(pere), '--amount', '20.00', '--date', day(-14));
  },
});

const text = (css) => app.execute('const e = document.querySelector(arguments[0]); return e ? e.textContent : null', [css]);

test("the owner's Home shows the shop's numbers, four charts and the birthdays of those who agreed", async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home-dashboard');
  await until(
    async () => {
      const state = await app.execute(
        "return [document.querySelector('#home-dashboard .dash-body').dataset.drawn || '', document.querySelector('#dash-error').textContent]",
      );
      assert.equal(state[1], '', 'the dashboard shows no error');
      return state[0] === 'true';
    },
    15000,
    'the dashboard to be drawn',
  );
  assert.equal(await text('#dash-members .dash-stat__value'), '3');
  // Anna and Pere (and Marc) joined today.
  assert.equal(await text('#dash-signups-week .dash-stat__value'), '3');
  assert.equal(await text('#dash-spend-week .dash-stat__value'), '€18.90');
  assert.equal(await text('#dash-purchases-week .dash-stat__value'), '2');

  // Four charts, each a drawn canvas with a table of the same numbers.
  const charts = await app.execute(`
    return [...document.querySelectorAll('#home-dashboard figure.dash-chart')].map((f) => {
      const c = f.querySelector('canvas');
      return { id: f.id, canvas: !!c && c.width > 0 && c.height > 0, rows: f.querySelectorAll('table tbody tr').length };
    });
  `);
  assert.deepEqual(
    charts.map((c) => c.id),
    ['dash-chart-signups', 'dash-chart-spend', 'dash-chart-consents-weeks', 'dash-chart-consents'],
  );
  assert.ok(charts.every((c) => c.canvas && c.rows > 0), JSON.stringify(charts));
  // Purposes by their names, not ids.
  const consentRows = await app.execute(
    "return [...document.querySelectorAll('#dash-chart-consents tbody th')].map((th) => th.textContent)",
  );
  assert.ok(!consentRows.includes('email-offers'), consentRows.join(', '));
  // Week by week: nobody agreed to anything before this week; now three
  // members, one of them to e-mail offers. Each line has its key.
  const weekly = await app.execute(`
    const f = document.getElementById('dash-chart-consents-weeks');
    const cells = (tr) => [...tr.children].map((c) => c.textContent);
    return {
      head: cells(f.querySelector('thead tr')),
      rows: [...f.querySelectorAll('tbody tr')].map(cells),
      key: [...f.querySelectorAll('.dash-legend li')].map((li) => li.textContent),
    };
  `);
  assert.equal(weekly.rows.length, 12);
  const membership = weekly.head.indexOf('Membership');
  assert.ok(membership > 0, weekly.head.join(' | '));
  assert.equal(weekly.rows[11][membership], '3');
  assert.ok(weekly.rows.slice(0, 11).every((r) => r.slice(1).every((n) => n === '0')), JSON.stringify(weekly.rows));
  assert.deepEqual(weekly.key, weekly.head.slice(1));

  const birthdays = await app.execute("return [...document.querySelectorAll('#dash-birthdays li')].map((li) => li.textContent)");
  assert.equal(birthdays.length, 1, birthdays.join(' | '));
  assert.match(birthdays[0], new RegExp(`^Anna \\(customer ${anna}\\): `));
  assert.ok(!birthdays.join(' ').includes('Marc'));

  assert.match(await text('#dash-backup'), /No backup folder is set/);
  assert.match(await text('#dash-retention'), /next 30 days/);
  await shot('97-home-dashboard');
});

test('the retention line leads to the Retention panel in Settings', async () => {
  await app.execute("document.querySelector('#dash-retention-open').scrollIntoView({ block: 'center' })");
  await app.click('#dash-retention-open');
  await app.waitFor('#settings');
});
