// Coming from a spreadsheet (issue 15 §3). A fresh vault (CLI) with the
// owner and a member of staff. The owner imports the shop's old list, a CSV
// with good and bad rows, through the Import screen: the check names each
// bad row (its number, the detail and why, in words), the import reports
// how many invitations were stored and how many wait. At the till the
// member of staff searches: the person is found apart from customers,
// marked "Invited, not yet joined"; opening the invitation starts the
// consent form with the imported details filled in, the customer checks
// them, signs and joins; searching again finds a customer, not an
// invitation. Another invited person does not want to join: the invitation
// is erased after a confirmation, and no search finds it any more.
// Screenshots invitations-* go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, useApp, login, shot, openStaffLogin } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-invitations-'));
const vault = join(dir, 'shop.steward');
const csvPath = join(dir, 'old-customers.csv');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const STAFF = 'pere';
const STAFF_INITIAL = 'initial pass for pere';
const STAFF_PASS = 'coca de recapte cada dia';

const JOINS = { name: 'Laia Ferrer', email: 'laia.ferrer@example.cat' };
const REFUSES = { name: 'Jordi Soler', email: 'jordi.soler@example.cat' };

/** The old list: two good rows, then a row with no name, a bad e-mail and a repeat. */
const CSV = [
  'Name,E-mail,Phone,Notes',
  `${JOINS.name},${JOINS.email},,Buys sourdough on Fridays`,
  `${REFUSES.name},${REFUSES.email},,`,
  ',nobody@example.cat,,',
  'Marc Riera,not an e-mail,,',
  `Laia F.,${JOINS.email},,`,
].join('\n');

/** A signature: a zigzag across the pad, in fractions of its box. */
const SCRIBBLE = [
  [0.08, 0.6],
  [0.2, 0.3],
  [0.35, 0.7],
  [0.5, 0.35],
  [0.65, 0.68],
  [0.8, 0.38],
  [0.92, 0.5],
];

const app = useApp({
  vault,
  port: 4460,
  prepare() {
    const run = (args, input = `${OWNER_PASS}\n`) =>
      spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', ...args], { input, encoding: 'utf8' });
    const ok = (res) => assert.equal(res.status, 0, res.stderr);
    ok(run(['init', '--shop', SHOP, '--owner', OWNER]));
    ok(run(['--user', OWNER, 'users', 'add', STAFF, '--role', 'staff', '--lang', 'en'], `${OWNER_PASS}\n${STAFF_INITIAL}\n`));
    ok(run(['--user', STAFF, 'passwd'], `${STAFF_INITIAL}\n${STAFF_PASS}\n`));
    writeFileSync(csvPath, CSV);
  },
});

/** Spaces as one plain space. */
const plain = (text) => String(text).replace(/\s+/g, ' ').trim();

/** Types `query` in the Customers search and waits for its answer. */
async function search(query) {
  await app.waitFor('#customers-query');
  // The answer to an earlier search must not pass for this one's.
  await app.execute("document.getElementById('customers-hint').dataset.state = 'asked'");
  await app.type('#customers-query', query);
  await until(
    async () =>
      (await app.execute(
        "const l = document.getElementById('customers-results'); const h = document.getElementById('customers-hint'); return l.getAttribute('aria-busy') === 'false' && ['hits', 'none'].includes(h.dataset.state)",
      )) === true,
    15000,
    `the search for ${query}`,
  );
}

/** What the search shows: customer hits' names and the invited people's texts. */
function found() {
  return app.execute(
    `const hits = [...document.querySelectorAll('#customers-results .hit__name')].map((e) => e.textContent);
     const section = document.getElementById('customers-invited');
     const invited = section.hidden ? [] : [...document.querySelectorAll('#customers-invited-list .hit')].map((e) => e.textContent);
     return { hits, invited };`,
  );
}

test('the owner checks a list with good and bad rows, sees the bad rows named, and imports the good ones', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.click('#nav-settings');
  await app.waitFor('#settings-invitations-open');
  await app.execute("document.getElementById('settings-invitations-open').scrollIntoView({ block: 'center' })");
  await app.click('#settings-invitations-open');
  await app.waitFor('#invitations-import');
  await app.waitForText('#invitations-waiting-count', (t) => /0 invitations are waiting/.test(t));
  await shot('invitations-01-import');

  // The file, chosen as the owner would in the file picker.
  const input = await app.find('#import-file');
  await app.cmd('POST', `/element/${input}/value`, { text: csvPath });
  await app.waitForText('#import-file-state', (t) => /The file is read/.test(t));
  await app.click('#import-check');

  await app.waitFor('#import-preview-title');
  assert.equal(plain(await app.text('#import-ready')), '2');
  const problems = await app.execute(
    "return [...document.querySelectorAll('#import-problems tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))",
  );
  assert.deepEqual(problems, [
    ['4', 'Full name', 'Missing: every invitation needs a name'],
    ['5', 'E-mail address', 'Not valid: check how it is written'],
    ['6', 'E-mail address', 'An earlier row of this file has it'],
  ]);
  // Words only: no value of a bad row is repeated on the screen.
  const preview = await app.text('#import-preview');
  assert.ok(!preview.includes('not an e-mail') && !preview.includes('nobody@example.cat'), 'no value of a refused row is shown');
  assert.match(await app.text('#import-columns'), /E-mail address: column 2/);
  await shot('invitations-02-preview');
  await app.execute("document.getElementById('import-problems').scrollIntoView({ block: 'center' })");
  await shot('invitations-02-problems');

  await app.execute("document.getElementById('import-go').scrollIntoView({ block: 'center' })");
  assert.equal(plain(await app.text('#import-go')), 'Import 2 invitations');
  await app.click('#import-go');
  await app.waitForText('#import-done', (t) => /2 invitations were imported/.test(t), 30000);
  await app.waitForText('#invitations-waiting-count', (t) => /2 invitations are waiting/.test(t));
  assert.equal(await app.execute("return document.getElementById('import-file').value"), '', 'the file is let go of');
  await shot('invitations-03-imported');
  await app.click('#logout-button');
});

test('at the till, staff find an invitation apart from customers, and the customer joins from it', async () => {
  await login(STAFF, STAFF_PASS);
  await search('Laia');
  let now = await found();
  assert.deepEqual(now.hits, [], 'nobody on the old list is a customer');
  assert.equal(now.invited.length, 1);
  assert.match(now.invited[0], /Laia Ferrer/);
  assert.match(now.invited[0], /Invited, not yet joined/);
  await shot('invitations-04-search-invited');

  await app.click('#customers-invited-list button');
  await app.waitFor('#invitation-details');
  assert.equal(plain(await app.text('#invitation-name')), JOINS.name);
  assert.equal(plain(await app.text('#invitation-email')), JOINS.email);
  assert.equal((await app.findAll('#invitation-notes')).length, 0, 'staff do not see the owner\u2019s notes');
  await shot('invitations-05-invitation');

  await app.click('#invitation-start');
  await app.waitFor('#consent-start');
  assert.match(await app.text('#consent-invitation'), /Laia Ferrer/);
  await app.waitFor('#consent-id-id-document');
  await app.check('#consent-lang-en');
  await app.check('#consent-id-id-document');
  await shot('invitations-06-consent-start');
  await app.click('#consent-handover');

  await app.waitFor('#consent-form');
  await app.click('#consent-next');
  await app.waitFor('#purpose-membership');
  await app.check('#purpose-membership');
  await app.click('#consent-next');
  // The details the shop imported, filled in for the customer to check.
  await app.waitFor('#field-name');
  assert.equal(await app.execute("return document.getElementById('field-name').value"), JOINS.name);
  assert.equal(await app.execute("return document.getElementById('field-email').value"), JOINS.email);
  assert.match(await app.text('#details-imported'), /already filled in/);
  await shot('invitations-07-details-prefilled');
  await app.click('#consent-next');

  await app.waitFor('#review-details');
  assert.match(await app.text('#review-details'), /Laia Ferrer/);
  await app.click('#consent-next');
  await app.pointerDrag('#signature-pad', SCRIBBLE);
  await app.waitForText('#signature-pad-state', (t) => /^Signed/.test(t.trim()));
  await app.click('#consent-submit');
  await app.waitForText('#receipt-title', (t) => t.trim() !== '', 30000);
  await shot('invitations-08-receipt');

  await openStaffLogin();
  await app.type('#leave-username', STAFF);
  await app.type('#leave-passphrase', STAFF_PASS);
  await app.click('#leave-submit');
  await app.waitFor('.screen--session');

  // Joining used the invitation up: Laia is a customer now, and only that.
  await app.keys(['\uE00A', 'f']);
  await search('Laia');
  now = await found();
  assert.deepEqual(now.hits, [JOINS.name]);
  assert.deepEqual(now.invited, []);
  await shot('invitations-09-search-customer');
});

test('someone who does not want to join has their invitation erased', async () => {
  await search('Jordi');
  let now = await found();
  assert.equal(now.invited.length, 1);
  await app.click('#customers-invited-list button');
  await app.waitFor('#invitation-details');
  await app.click('#invitation-refuse');
  await app.waitFor('#invitation-refuse-confirm');
  await shot('invitations-10-refuse-confirm');
  await app.click('#invitation-refuse-confirm');
  await app.waitFor('#customers-query');
  assert.match(await app.text('#customers-status'), /The invitation was erased/);
  await shot('invitations-11-refused');

  await search('Jordi');
  now = await found();
  assert.deepEqual(now, { hits: [], invited: [] });
});
