// The recipients the shop hands data to (issue 12 §4), as the owner meets
// them in Settings. Before the app opens the vault (CLI): the shop collects
// phone numbers and postal addresses; Anna joins with home delivery, Pere
// with membership only, Marc with home delivery but his record is then
// restricted. In the app the owner adds a delivery firm for home delivery
// (a date in the future is refused on its input; customers will see the
// change: a new notice version), hands it data (the CSV, in the folder
// named, holds Anna alone, with only what home delivery uses), corrects
// Anna's phone number on her profile and then finds the notice to give the
// firm in Settings (field names, never values) and marks it told, and
// removes the firm. Its own vault in a fresh folder; screenshots 90-… go
// to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, ENTER, useApp, login, shot, assertFitsWindow, openedFor } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-recipients-'));
const vault = join(dir, 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const FIRM = 'Missatgers Ràpids SL';
const ANNA = {
  name: 'Anna Vidal',
  email: 'anna.vidal@example.cat',
  phone: '+34600111222',
  address: 'Carrer del Pou 7',
  postcode: 'ES 08500',
};
const ANNA_NEW_PHONE = '+34600999888';
const PERE = { name: 'Pere Soler', email: 'pere.soler@example.cat', phone: '+34611222333' };
const MARC = {
  name: 'Marc Riera',
  email: 'marc.riera@example.cat',
  phone: '+34622333444',
  address: 'Plaça Major 3',
  postcode: 'ES 08501',
};

/** Customer numbers, from the CLI's joins. */
let annaId = 0;
let pereId = 0;
let marcId = 0;
/** The firm's number, once added. */
let firmId = 0;

/** Runs the CLI as the owner; its parsed `--json` output. */
function steward(...args) {
  const r = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', '--json', ...args], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `steward ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? null : JSON.parse(r.stdout);
}

function joinOnPaper(name, purposes, fields) {
  const joined = steward(
    'customers', 'join', '--lang', 'en', '--method', 'paper', '--verified-by', 'id-document',
    ...purposes.flatMap((p) => ['--purpose', p]),
    ...Object.entries(fields).flatMap(([k, v]) => ['--field', `${k}=${v}`]),
    '--receipt-out', join(dir, `${name}-receipt.json`),
  );
  assert.ok(joined.customerId > 0);
  return joined.customerId;
}

const app = useApp({
  vault,
  port: 4450,
  prepare() {
    const init = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', 'init', '--shop', SHOP, '--owner', OWNER], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    assert.equal(init.status, 0, init.stderr);
    for (const field of ['phone', 'postal_address', 'postal_code']) steward('fields', 'enable', field);
    const contact = (c) => ({ name: c.name, email: c.email, phone: c.phone });
    const address = (c) => ({ postal_address: c.address, postal_code: c.postcode });
    annaId = joinOnPaper('anna', ['membership', 'home-delivery'], { ...contact(ANNA), ...address(ANNA) });
    pereId = joinOnPaper('pere', ['membership'], contact(PERE));
    marcId = joinOnPaper('marc', ['membership', 'home-delivery'], { ...contact(MARC), ...address(MARC) });
    // Marc contests his details: kept, but not used, so not handed over.
    steward('customers', 'restrict', String(marcId), '--category', 'accuracy-contested');
  },
});

const attr = (css, name) =>
  app.execute('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null', [css, name]);
const activeId = () => app.execute('return document.activeElement && document.activeElement.id');
const centre = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })`, [css]);
/** Scrolls `css` to the top of the window (a panel, heading first). */
const toTop = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })`, [css]);
/** Everything the window holds: its markup and the value of every input. */
const wholePage = () =>
  app.execute(
    "return document.documentElement.outerHTML + '\\n' + [...document.querySelectorAll('input, textarea, select')].map((e) => e.value).join('\\n')",
  );

/** Saves a screenshot at `width`×`height` (checking it does not scroll sideways), then restores the window. */
async function shotAt(name, width, height) {
  const was = await app.windowRect();
  await app.setWindowSize(width, height);
  try {
    await until(async () => (await app.execute('return window.innerWidth')) <= width, 5000, `the window to be ${width} wide`);
    await shot(name);
  } finally {
    await app.setWindowSize(was.width, was.height);
  }
}

/** Opens Settings and waits until both recipient panels have loaded. */
async function openSettings() {
  await app.keys([ALT, 's']);
  await app.waitFor('#settings');
  await until(
    async () => (await attr('#recipients-body', 'aria-busy')) === 'false' && (await attr('#recipient-notices-body', 'aria-busy')) === 'false',
    15000,
    'the recipients to load',
  );
}

test('the owner adds a delivery firm in Settings and is told customers will see the change', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await openSettings();
  await app.waitFor('#recipients-none');
  await app.waitFor('#recipient-notices-none');
  // The purposes are offered by their names.
  const offered = await app.execute(
    "return [...document.querySelectorAll('#recipient-purpose option')].map((o) => [o.value, o.textContent])",
  );
  assert.deepEqual(
    offered.find(([value]) => value === 'home-delivery'),
    ['home-delivery', 'Home delivery'],
  );

  await app.type('#recipient-name', FIRM);
  await app.type('#recipient-receives', 'Your delivery address and phone number');
  await app.selectOption('#recipient-purpose', 'home-delivery');
  await app.type('#recipient-country', 'es');
  // The two letters are named as they are typed.
  await app.waitForText('#recipient-country-name', (t) => /ES is Spain/.test(t));
  await app.type('#recipient-agreement-ref', 'MR-2025-014');
  // An agreement signed in the future is refused on its input; nothing is added.
  await app.type('#recipient-agreement-date', '2999-01-15');
  await app.click('#recipient-add-submit');
  await until(async () => (await attr('#recipient-agreement-date', 'aria-invalid')) === 'true', 15000, 'the date to be marked');
  assert.equal(await activeId(), 'recipient-agreement-date');
  assert.match(await app.text('#recipient-agreement-date-error'), /not in the future/);
  assert.equal((await app.findAll('#recipients-list')).length, 0);
  await centre('#recipient-add-form');
  await shot('90-recipient-date-refused');

  // With the real date, Enter in the last field adds the firm.
  await app.type('#recipient-agreement-date', '2025-01-15');
  await app.click('#recipient-agreement-ref');
  await app.keys([ENTER]);
  const card = await app.waitFor('#recipients-list li[data-recipient]');
  assert.ok(card);
  firmId = Number(await attr('#recipients-list li[data-recipient]', 'data-recipient'));
  assert.ok(firmId > 0);
  const said = await app.waitForText('#recipients-status', (t) => /Customers will see the change/.test(t));
  assert.match(said, new RegExp(`${FIRM} was added`));
  assert.match(said, /read the updated notice \(version \d+\)/);
  assert.equal(await activeId(), `recipient-${firmId}-hand-over`, 'the cursor is on the new firm');
  assert.equal(await app.text(`#recipient-${firmId}-name`), FIRM);
  const fact = (key) => app.text(`li[data-recipient="${firmId}"] dd[data-fact="${key}"]`);
  assert.equal(await fact('purpose'), 'Home delivery');
  assert.equal(await fact('country'), 'Spain (ES)');
  const agreement = await fact('agreement');
  assert.match(agreement, /^MR-2025-014, signed /);
  assert.match(agreement, /2025/);
  assert.ok(!agreement.includes('2025-01-15'), `the date as people write it: ${agreement}`);
  // The form is empty again.
  assert.equal(await app.execute("return document.getElementById('recipient-name').value"), '');
  await toTop('#settings-recipients');
  await shot('91-recipient-added');
  await shotAt('92-recipient-added-1024x700', 1024, 700);
});

test('the owner hands the firm only customers who agree to home delivery, with only what it uses', async () => {
  const handDir = join(dir, 'for the courier');
  mkdirSync(handDir);
  await app.click(`#recipient-${firmId}-hand-over`);
  await app.waitFor('#recipient-handover-form');
  assert.equal(await attr(`#recipient-${firmId}-hand-over`, 'aria-expanded'), 'true');
  assert.equal(await activeId(), 'recipient-handover-folder', 'the cursor is in the folder field');
  const suggested = await until(
    () => app.execute("return document.getElementById('recipient-handover-folder').value"),
    15000,
    'the folder field to be filled in',
  );
  assert.ok(suggested.startsWith('/'), `a whole path: ${suggested}`);
  // A folder that is not a whole path is refused on its input; nothing is written.
  await app.clear('#recipient-handover-folder');
  await app.type('#recipient-handover-folder', 'for the courier');
  await app.click('#recipient-handover-submit');
  await until(async () => (await attr('#recipient-handover-folder', 'aria-invalid')) === 'true', 15000, 'the folder to be marked');
  assert.deepEqual(readdirSync(handDir), []);

  await app.clear('#recipient-handover-folder');
  await app.type('#recipient-handover-folder', handDir);
  await centre('#recipient-handover-form');
  await shot('93-recipient-handover-form');
  await app.click('#recipient-handover-submit');
  await app.waitFor('#recipient-handover-done', 60000);
  assert.equal(await activeId(), 'recipient-handover-done');
  assert.equal(await attr(`#recipient-${firmId}-hand-over`, 'aria-expanded'), 'false');
  assert.match(await app.text('#recipient-handover-summary'), /^It holds 1 customer, with: Phone number, Postal address, Postal code\.$/);
  assert.match(await app.text('#recipient-handover-done'), /Steward keeps no copy/);

  // Named by the date and the firm's number, in the folder chosen.
  const written = (await app.text('#recipient-handover-path')).trim();
  assert.equal(dirname(written), handDir);
  assert.match(basename(written), new RegExp(`^steward-handover-\\d{4}-\\d{2}-\\d{2}-recipient-${firmId}\\.csv$`));
  assert.deepEqual(readdirSync(handDir), [basename(written)]);
  // Anna alone (Pere does not agree, Marc is restricted), with only what
  // home delivery uses: no name, no e-mail.
  const lines = readFileSync(written, 'utf8').split('\r\n').filter((l) => l !== '');
  assert.deepEqual(lines, ['customer,phone,postal_address,postal_code', `${annaId},'${ANNA.phone},${ANNA.address},${ANNA.postcode}`]);
  const csv = lines.join('\n');
  for (const held of [ANNA.name, ANNA.email, ...Object.values(PERE), ...Object.values(MARC)]) {
    assert.ok(!csv.includes(held), `the file holds "${held}"`);
  }
  // The window shows counts and names of details, never a value.
  const page = await wholePage();
  for (const value of [ANNA.phone, ANNA.address, ANNA.postcode]) assert.ok(!page.includes(value), `the page shows "${value}"`);
  await centre('#recipient-handover-done');
  await shot('94-recipient-handed-over');
  await shotAt('95-recipient-handed-over-1024x700', 1024, 700);
});

test("after Anna's phone number is corrected, the firm is to be told; the owner marks it told", async () => {
  await app.keys([ALT, 'f']);
  await app.waitFor('#customers');
  await app.type('#customers-query', 'vidal');
  await app.waitFor(`#customers-hit-${annaId}`);
  await app.keys([ENTER]);
  await openedFor('customer-request');
  await app.waitFor('#profile-name');
  await until(async () => (await attr('#profile-body', 'aria-busy')) === 'false', 15000, 'the profile to load');
  assert.equal(await app.text('#profile-name'), ANNA.name);
  await app.keys([ALT, 'e']);
  await app.waitFor('#edit-form');
  assert.equal(await app.execute("return document.getElementById('edit-phone').value"), ANNA.phone);
  await app.type('#edit-phone', ANNA_NEW_PHONE);
  await app.click('#edit-save');
  await app.waitForText('#profile-status', (t) => /Saved: Phone number\./.test(t));

  await openSettings();
  const row = `#recipient-notices-table tr[data-customer="${annaId}"]`;
  await app.waitFor(row);
  assert.equal((await app.findAll('#recipient-notices-table tbody tr')).length, 1, 'one notice: the firm, about Anna');
  const cells = await app.execute(
    'return [...document.querySelector(arguments[0]).children].map((c) => c.textContent)',
    [row],
  );
  assert.equal(cells[0], FIRM);
  assert.equal(cells[1], `Customer ${annaId}`);
  assert.equal(cells[2], 'Corrected');
  assert.equal(cells[3], 'Phone number');
  assert.ok(/\d/.test(cells[4]) && !/T\d\d:/.test(cells[4]), `a local date and time: ${cells[4]}`);
  // Field names in words, never the values, old or new.
  const page = await wholePage();
  for (const value of [ANNA.phone, ANNA_NEW_PHONE]) assert.ok(!page.includes(value), `Settings shows "${value}"`);
  await centre('#settings-recipient-notices');
  await shot('96-recipient-to-tell');
  await shotAt('97-recipient-to-tell-1024x700', 1024, 700);
  await assertFitsWindow('the notices to give', 1024, 700);

  const told = await app.execute(`return document.querySelector('${row} [data-action="told"]').id`);
  await app.click(`#${told}`);
  await app.waitFor('#recipient-notices-none');
  assert.match(
    await app.waitForText('#recipient-notices-status', (t) => /was told/.test(t)),
    new RegExp(`${FIRM} was told about customer ${annaId} \\(Corrected\\)`),
  );
  assert.equal(await activeId(), 'settings-recipient-notices-title');
});

test('the owner removes the firm; customers will see the change, what it received stays on record', async () => {
  await app.click(`#recipient-${firmId}-remove`);
  await app.waitFor('#recipient-remove-confirm');
  assert.equal(await activeId(), 'recipient-remove-cancel', 'the cursor starts on Keep');
  assert.match(await app.text(`#recipient-${firmId}-area`), /customers will see the change/);
  await centre(`#recipient-${firmId}-area`);
  await shot('98-recipient-remove-confirm');
  // Keep leaves it as it was.
  await app.click('#recipient-remove-cancel');
  await until(async () => (await app.findAll('#recipient-remove-confirm')).length === 0, 5000, 'the question to go');
  assert.equal(await activeId(), `recipient-${firmId}-remove`);

  await app.click(`#recipient-${firmId}-remove`);
  await app.click('#recipient-remove-confirm');
  await app.waitFor('#recipients-none');
  const said = await app.waitForText('#recipients-status', (t) => /was removed/.test(t));
  assert.match(said, /Customers will see the change: from now on the notice they read no longer names/);
  assert.match(said, /read the updated notice \(version \d+\)/);
  await toTop('#settings-recipients');
  await shot('99-recipient-removed');
});

test('after the app closes, the CLI agrees: no firm in force, what it received on record, the log intact', async () => {
  await app.close();
  await until(() => {
    const r = spawnSync(CLI, ['--vault', vault, '--json', 'status'], { encoding: 'utf8' });
    return !/already open/.test(r.stderr) && r.status === 0;
  }, 15000, 'the app to release the vault');
  assert.deepEqual(steward('recipients', 'list'), []);
  assert.deepEqual(steward('recipients', 'to-tell'), []);
  const received = steward('recipients', 'received', String(annaId));
  assert.equal(received.length, 1, JSON.stringify(received));
  assert.equal(received[0].recipient, FIRM);
  assert.deepEqual(received[0].fields, ['phone', 'postal_address', 'postal_code']);
  for (const other of [pereId, marcId]) assert.deepEqual(steward('recipients', 'received', String(other)), []);
  const verify = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'audit', 'verify'], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /^intact/);
});
