// Consent-first intake, as a shop and its customers meet it: the owner sets
// up what the shop collects, a customer reads the notice in Catalan, joins
// with membership only, signs on the screen and gets the receipt (on screen
// and as a signed PDF); a form without membership is refused in Catalan; a
// form cancelled halfway or cut short by a reload stores nothing; a detail
// the core refuses is marked on its input. Then the customer who joined
// changes their mind, in Catalan: staff open the customer's consents, the
// customer agrees to e-mail offers too, starts withdrawing membership (the
// sign step says it erases the whole record; cancelled, nothing changes),
// withdraws e-mail offers in two steps with a withdrawal receipt, and
// finally withdraws membership: the record is erased, the receipt is the
// erasure confirmation, and a residue scan finds nothing of her. Its own vault in a fresh folder, set up with the CLI;
// its own app session. Screenshots (20-…, 40-…) go to
// target/e2e-screenshots/ after foundation's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, SHOTS, ALT, useApp, login, shot, assertFitsWindow, openStaffLogin } from './helpers.mjs';

const vault = join(mkdtempSync(join(tmpdir(), 'steward-e2e-consent-')), 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const NAME = 'Núria Puigdomènech';
const EMAIL = 'nuria.puigdomenech@example.cat';
/** A signature: a zigzag across the pad, in fractions of its box. */
const SCRIBBLE = [
  [0.08, 0.6],
  [0.18, 0.3],
  [0.28, 0.7],
  [0.42, 0.35],
  [0.55, 0.68],
  [0.7, 0.38],
  [0.82, 0.62],
  [0.92, 0.45],
];

/** How many purposes the form asks about (one ledger record each per join). */
let askedPurposes = 0;
/** The number of the customer who joined, as home reports it to staff. */
let customerId = 0;

const app = useApp({
  vault,
  port: 4446,
  // The shop is set up by the CLI, as a script would; the app then opens the
  // vault with the key the CLI put in the keyring.
  prepare() {
    const init = spawnSync(
      CLI,
      ['--vault', vault, '--passphrase-stdin', 'init', '--shop', SHOP, '--owner', OWNER],
      { input: `${OWNER_PASS}\n`, encoding: 'utf8' },
    );
    assert.equal(init.status, 0, init.stderr);
  },
});

/** From home: the staff screen, the customer's language, the ID check, hand over. */
async function startForm(lang) {
  // From any staff screen (after a sign-up it is the new customer's profile).
  await app.waitFor('.screen--session');
  await app.keys([ALT, 'n']);
  await app.waitFor('#consent-start');
  await app.waitFor('#consent-id-id-document');
  await app.check(`#consent-lang-${lang}`);
  await app.check('#consent-id-id-document');
  await app.click('#consent-handover');
  await app.waitFor('#consent-form');
}

/** A member of staff logs in on the panel under a customer screen. */
async function takeScreenBack() {
  await openStaffLogin();
  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', OWNER_PASS);
  await app.click('#leave-submit');
  await app.waitFor('#home');
}

/** A member of staff logs in after a customer changed their consents: back on that customer's consents. */
async function takeScreenBackToConsents() {
  await openStaffLogin();
  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', OWNER_PASS);
  await app.click('#leave-submit');
  await app.waitFor('#customer-consents');
  await app.waitFor('#consents-current');
}

/** Signs on the pad and waits until the pad says so (in `signed`, the customer's word). */
async function sign(signed) {
  await app.pointerDrag('#signature-pad', SCRIBBLE);
  await app.waitForText('#signature-pad-state', (t) => signed.test(t.trim()));
}

const checked = (css) => app.execute('return document.querySelector(arguments[0]).checked', [css]);
const attr = (css, name) =>
  app.execute('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null', [css, name]);
/** The row of `purpose` in the table `#<table>` of the customer's consents. */
const rowOf = (table, purpose) => `#${table} tbody tr[data-purpose="${purpose}"]`;
const count = async (css) => (await app.findAll(css)).length;

test('owner sets the shop details and what the shop collects', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.click('#nav-settings');
  await app.waitFor('#fields-table');
  await app.type('#shop-contact', 'Plaça Major 3, Vic · hola@forndelaplaca.example');
  await app.type('#shop-jurisdiction', 'es');
  await app.click('#shop-save');
  await app.waitForText('#shop-status', (t) => /saved/.test(t));
  assert.equal(await app.execute("return document.getElementById('shop-jurisdiction').value"), 'ES');

  // The name is always collected; dietary needs (health data) only when switched on.
  assert.equal(await app.execute("return document.getElementById('field-switch-name').disabled"), true);
  assert.equal(await checked('#field-switch-dietary_needs'), false);
  assert.match(await app.text('tr[data-field="dietary_needs"]'), /Sensitive/);
  await app.check('#field-switch-dietary_needs');
  const status = await app.waitForText('#collect-status', (t) => /Dietary needs is now collected/.test(t));
  assert.match(status, /read the updated notice \(version \d+\)/);
  assert.equal(await checked('#field-switch-dietary_needs'), true);
  await app.execute("document.getElementById('settings-collect-title').scrollIntoView()");
  await shot('20-settings-what-we-collect');
});

test('a customer reads the notice in Catalan, joins with membership only, signs and gets the receipt', async () => {
  await app.click('#nav-home');
  await app.waitFor('#home-new-customer');
  await shot('21-home-new-customer');

  await app.keys([ALT, 'n']);
  await app.waitFor('#consent-start');
  await app.waitFor('#consent-id-id-document');
  assert.match(await app.text('#consent-start'), /never a document number/);
  await app.check('#consent-lang-ca');
  await app.check('#consent-id-id-document');
  await shot('22-consent-start');
  await app.click('#consent-handover');

  // a. The notice, in Catalan, with nothing of the staff's screens around it.
  await app.waitFor('#consent-form');
  assert.match(await app.text('#consent-form-title'), /Com cuida Forn de la Plaça les seves dades/);
  assert.equal(await app.execute("return document.getElementById('consent-form').lang"), 'ca');
  assert.equal((await app.findAll('#nav-home, .topbar')).length, 0, 'no menu in customer mode');
  // Invoices are kept by law: told, not asked.
  assert.match(await app.text('#told-sales-records'), /Factures/);
  await shot('23-consent-notice');
  await app.execute("document.getElementById('told-sales-records').scrollIntoView({ block: 'center' })");
  await shot('23-consent-notice-law');
  // The staff shortcuts do nothing while the customer has the screen.
  await app.keys([ALT, 'h']);
  assert.equal(await app.isDisplayed('#consent-form'), true);
  await app.click('#consent-next');

  // b. The choices: nothing ticked in advance; membership marked as required.
  await app.waitFor('#purpose-membership');
  const boxes = await app.execute(
    "return [...document.querySelectorAll('input[id^=\"purpose-\"]')].map((b) => [b.id, b.checked])",
  );
  assert.ok(boxes.length > 1, 'several purposes are offered');
  assert.deepEqual(boxes.filter(([, on]) => on), [], 'nothing is ticked in advance');
  assert.ok(!boxes.some(([id]) => id === 'purpose-sales-records'), 'no checkbox for a legal obligation');
  askedPurposes = boxes.length;
  assert.match(await app.text('.purpose--required'), /Necessari per ser soci/);
  await app.check('#purpose-membership');
  await shot('24-consent-choices');
  await app.click('#consent-next');

  // c. The details: only what membership uses, and only what is switched on.
  await app.waitFor('#field-name');
  assert.equal(await app.execute("return document.getElementById('field-email').type"), 'email');
  assert.equal((await app.findAll('#field-phone, #field-dietary_needs, #field-birth_date')).length, 0);
  await app.type('#field-name', NAME);
  await app.type('#field-email', EMAIL);
  await shot('25-consent-details');
  await app.click('#consent-next');

  // d. Is this right?
  await app.waitFor('#review-details');
  assert.match(await app.text('#review-details'), new RegExp(NAME));
  assert.match(await app.text('#review-details'), new RegExp(EMAIL.replace(/\./g, '\\.')));
  assert.match(await app.text('#review-granted'), /Condició de soci/);
  assert.match(await app.text('#review-refused'), /Punts de fidelitat/);
  await shot('26-consent-review');
  await app.click('#consent-next');

  // e. The signature, drawn with the mouse.
  await app.waitFor('#signature-pad');
  assert.match(await app.text('#signature-pad-state'), /Encara no ha signat/);
  await app.pointerDrag('#signature-pad', SCRIBBLE);
  await app.waitForText('#signature-pad-state', (t) => /^Signat/.test(t.trim()));
  await shot('27-consent-signature');
  await app.click('#consent-submit');

  // The receipt, worded by the core in Catalan, with its QR code.
  await app.waitForText('#receipt-title', (t) => /Comprovant de consentiment/.test(t), 30000);
  const receipt = await app.text('#receipt');
  assert.match(receipt, /Condició de soci/);
  assert.match(receipt, /No ha acceptat/);
  const modules = await app.execute("return document.querySelectorAll('#receipt svg#receipt-qr rect').length");
  assert.ok(modules > 20, `the QR code is drawn (${modules} rectangles)`);
  await shot('28-receipt');
  await app.execute("document.getElementById('receipt-qr').scrollIntoView({ block: 'center' })");
  await shot('28-receipt-qr');

  await app.click('#receipt-save-pdf');
  const saved = await app.waitForText('#receipt-saved', (t) => /\.pdf/.test(t), 30000);
  const pdf = /(\/\S+\.pdf)/.exec(saved)[1];
  assert.ok(existsSync(pdf), `the PDF exists at ${pdf}`);
  const render = spawnSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdf, join(SHOTS, '29-receipt-pdf')], {
    encoding: 'utf8',
  });
  assert.equal(render.status, 0, render.stderr);
  assert.ok(readdirSync(SHOTS).some((f) => f.startsWith('29-receipt-pdf') && f.endsWith('.png')));
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /Condició de soci/);

  // A reload shows the same receipt again (the window remembers its number only).
  await app.execute("document.getElementById('receipt').dataset.beforeReload = 'yes'; setTimeout(() => location.reload(), 0)");
  await until(
    () =>
      app.execute(
        "const r = document.getElementById('receipt'); return !!r && !r.dataset.beforeReload && /Comprovant de consentiment/.test(document.getElementById('receipt-title').textContent)",
      ),
    15000,
    'the receipt again after a reload',
  );
  assert.equal((await app.findAll('#nav-home, .topbar')).length, 0, 'still no menu after the reload');

  await openStaffLogin();

  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', OWNER_PASS);
  await app.click('#leave-submit');
  // Staff land on the new customer's profile, where the till goes on.
  await app.waitFor('#profile-context');
  assert.match(await app.text('#topbar-user'), /olga/);
  assert.match(await app.text('#profile-status'), /they have joined/);
  const context = await app.text('#profile-context');
  customerId = Number((/Customer (\d+)/.exec(context) || [])[1]);
  assert.ok(customerId > 0, `the profile names the customer number: ${context}`);
  await shot('40-profile-after-joining');
});

test('without membership the core refuses, in Catalan, and nothing is stored', async () => {
  await startForm('ca');
  await app.click('#consent-next');
  await app.waitFor('#purpose-membership');
  await app.check('#purpose-email-offers');
  await app.click('#consent-next');
  await app.waitFor('#field-email');
  assert.equal((await app.findAll('#field-name')).length, 0, 'only the fields of ticked purposes');
  await app.type('#field-email', 'algu@example.cat');
  await app.click('#consent-next');
  await app.waitFor('#review-details');
  await app.click('#consent-next');
  await app.pointerDrag('#signature-pad', SCRIBBLE);
  await app.waitForText('#signature-pad-state', (t) => /^Signat/.test(t.trim()));
  await app.click('#consent-submit');

  const refusal = await app.waitForText('#consent-error', (t) => t.trim().length > 0);
  assert.match(refusal, /Per fer-se soci, marqui/);
  assert.match(refusal, /No s'ha desat res/);
  // Back on the choices, so the customer can tick membership or cancel.
  await app.waitFor('#purpose-membership');
  assert.equal(await checked('#purpose-membership'), false);
  await shot('30-consent-refused');

  await app.click('#consent-cancel');
  await app.waitFor('#customer-ended');
  assert.match(await app.text('#customer-ended-title'), /No s'ha desat res/);
  await shot('31-consent-cancelled');
  await takeScreenBack();
});

test('a form cancelled halfway stores nothing', async () => {
  await startForm('es');
  assert.match(await app.text('#consent-next'), /Siguiente/);
  await app.click('#consent-next');
  await app.check('#purpose-membership');
  await app.click('#consent-next');
  await app.type('#field-name', 'Pere Abandonat');
  await app.click('#consent-cancel');
  await app.waitFor('#customer-ended');
  assert.match(await app.text('#customer-ended-title'), /No se ha guardado nada/);
  assert.doesNotMatch(await app.pageText(), /Pere Abandonat/);
  await takeScreenBack();
});

test('a reload in customer mode keeps the screen locked to the customer and stores nothing', async () => {
  await startForm('id');
  await app.click('#consent-next');
  await app.check('#purpose-membership');
  await app.click('#consent-next');
  await app.type('#field-name', 'Budi Santoso');
  await app.execute('setTimeout(() => location.reload(), 0)');
  await app.waitFor('#customer-ended');
  assert.match(await app.text('#customer-ended-title'), /Tidak ada yang disimpan/);
  assert.equal((await app.findAll('#nav-home, .topbar')).length, 0, 'still no menu after the reload');
  assert.doesNotMatch(await app.pageText(), /Budi Santoso/);

  // A wrong passphrase does not leave customer mode.
  await openStaffLogin();
  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', 'not the passphrase');
  await app.click('#leave-submit');
  await app.waitForText('#leave-error', (t) => /wrong username or passphrase/i.test(t));
  await shot('32-customer-mode-after-reload');
  // The failed attempt earns a one-second back-off; then the owner is let in.
  await until(async () => {
    // The last try may have let the owner in after the wait for home ended.
    if ((await app.findAll('#home')).length > 0) return true;
    await openStaffLogin();
    await app.type('#leave-username', OWNER);
    await app.type('#leave-passphrase', OWNER_PASS);
    await app.click('#leave-submit');
    await app.waitFor('#home', 2000);
    return true;
  }, 15000, 'the back-off to pass and the owner to take the screen back');
});

test('a detail the core refuses is marked on its input, with the cursor in it', async () => {
  await startForm('es');
  await app.click('#consent-next');
  await app.check('#purpose-membership');
  await app.click('#consent-next');
  await app.type('#field-name', 'Pere Prova');
  await app.type('#field-email', 'pere-sin-arroba');
  await app.click('#consent-next');
  await app.waitFor('#review-details');
  await app.click('#consent-next');
  await sign(/^Firmado/);
  await app.click('#consent-submit');

  const refusal = await app.waitForText('#consent-error', (t) => t.trim().length > 0);
  assert.match(refusal, /Revise «Dirección de correo electrónico»/);
  assert.match(refusal, /No se ha guardado nada/);
  await app.waitFor('#field-email');
  assert.equal(await attr('#field-email', 'aria-invalid'), 'true');
  assert.match(await attr('#field-email', 'aria-describedby'), /\bconsent-error\b/);
  assert.equal(await app.execute('return document.activeElement && document.activeElement.id'), 'field-email');
  assert.equal(await attr('#field-name', 'aria-invalid'), null, 'only the refused detail is marked');
  await shot('41-consent-detail-refused');

  await app.click('#consent-cancel');
  await app.waitFor('#customer-ended');
  await takeScreenBack();
});

test("staff open the customer's consents; the customer agrees to e-mail offers too", async () => {
  assert.ok(customerId > 0, 'the customer who joined');
  await app.waitFor('#home');
  await app.keys([ALT, 'c']);
  await app.waitFor('#customer-consents');
  assert.equal(await attr('#nav-consents', 'aria-current'), 'page');

  // A number that is no customer's: the core says so.
  await app.type('#consents-customer-id', String(customerId + 1000));
  await app.click('#consents-show');
  await app.waitForText('#consents-error', (t) => /no customer with that number/.test(t));
  assert.equal(await attr('#consents-customer-id', 'aria-invalid'), 'true');

  await app.type('#consents-customer-id', String(customerId));
  await app.click('#consents-show');
  await app.waitFor('#consents-current');
  assert.equal(await app.execute("return document.getElementById('consents-error').textContent"), '');
  assert.equal(await attr(rowOf('consents-current', 'membership'), 'data-granted'), 'yes');
  assert.match(await app.text(rowOf('consents-current', 'membership')), /Condició de soci/);
  assert.equal(await attr(rowOf('consents-current', 'email-offers'), 'data-granted'), 'no');
  // One ledger entry per purpose asked on the form the customer signed.
  assert.equal(await count('#consents-history tbody tr'), askedPurposes);
  assert.equal(await count('#consents-history tbody tr[data-decision="grant"][data-purpose="membership"]'), 1);
  await shot('42-customer-consents');
  // The ledger's wide table scrolls in its own box, even in a smaller window.
  await assertFitsWindow("the customer's consents", 1024, 700);

  await app.check('#consents-id-id-document');
  await app.execute("document.getElementById('consents-hand-title').scrollIntoView()");
  await shot('43-customer-consents-handover');
  await app.click('#consents-grant');
  await app.waitFor('#consent-form');
  assert.equal(await app.execute("return document.getElementById('consent-form').lang"), 'ca');
  assert.equal(await count('#nav-home, .topbar'), 0, 'no menu in customer mode');
  await app.click('#consent-next');

  // Only what the customer has not agreed to yet, nothing ticked.
  await app.waitFor('#purpose-email-offers');
  assert.equal(await count('#purpose-membership'), 0, 'membership is not asked again');
  assert.match(await app.text('#choices-already'), /Condició de soci/);
  assert.equal(await checked('#purpose-email-offers'), false);
  await app.check('#purpose-email-offers');
  await shot('44-grant-choices');
  await app.click('#consent-next');

  // The e-mail address was asked for on joining: nothing more to fill in.
  assert.match(await app.text('#details-none'), /no cal omplir res més/);
  assert.equal(await count('#consent-form input[id^="field-"], #consent-form textarea[id^="field-"]'), 0);
  await shot('45-grant-details-none');
  await app.click('#consent-next');

  await app.waitFor('#review-granted');
  assert.match(await app.text('#review-granted'), /Ofertes per correu electrònic/);
  assert.match(await app.text('#review-already'), /Condició de soci/);
  await shot('46-grant-review');
  await app.click('#consent-next');
  await sign(/^Signat/);
  await app.click('#consent-submit');

  await app.waitForText('#receipt-title', (t) => /Comprovant de consentiment/.test(t), 30000);
  assert.match(await app.text('#receipt'), /Ofertes per correu electrònic/);
  await shot('47-grant-receipt');

  await takeScreenBackToConsents();
  assert.match(await app.text('#consents-status'), /decision was recorded/);
  assert.equal(await attr(rowOf('consents-current', 'email-offers'), 'data-granted'), 'yes');
  assert.equal(await count('#consents-history tbody tr[data-decision="grant"][data-purpose="email-offers"]'), 1);
  await shot('48-consents-after-grant');
});

test('withdrawing membership says, before the signature, that it erases the record; cancel changes nothing', async () => {
  const entries = await count('#consents-history tbody tr');
  await app.check('#consents-id-id-document');
  await app.click('#consents-withdraw');
  await app.waitFor('#withdraw-form');
  assert.equal(await app.execute("return document.getElementById('withdraw-form').lang"), 'ca');
  // Two steps, as easy as agreeing; only what is agreed now; nothing ticked.
  assert.equal(await count('#withdraw-form .steps__item'), 2);
  const boxes = await app.execute(
    "return [...document.querySelectorAll('#withdraw-form input[type=checkbox]')].map((b) => [b.id, b.checked])",
  );
  assert.deepEqual(boxes.map(([id]) => id).sort(), ['withdraw-email-offers', 'withdraw-membership']);
  assert.deepEqual(boxes.filter(([, on]) => on), [], 'nothing is ticked in advance');

  await app.check('#withdraw-membership');
  await app.click('#withdraw-next');
  await app.waitFor('#signature-pad');
  assert.match(await app.text('#withdraw-erases'), /s'esborra tota la seva fitxa de client/);
  await shot('49-withdraw-membership-erases');

  await app.click('#withdraw-cancel');
  await app.waitFor('#customer-ended');
  assert.match(await app.text('#customer-ended-title'), /No s'ha canviat res/);
  await shot('50-withdraw-cancelled');

  await takeScreenBackToConsents();
  assert.match(await app.text('#consents-status'), /nothing was changed/);
  assert.equal(await count('#consents-history tbody tr'), entries, 'no entry was added');
  assert.equal(await attr(rowOf('consents-current', 'membership'), 'data-granted'), 'yes');
  assert.equal(await attr(rowOf('consents-current', 'email-offers'), 'data-granted'), 'yes');
});

test('the customer withdraws e-mail offers in two steps: tick, sign', async () => {
  await app.check('#consents-id-id-document');
  await app.click('#consents-withdraw');
  await app.waitFor('#withdraw-email-offers');
  await app.check('#withdraw-email-offers');
  await shot('51-withdraw-choose');
  await app.click('#withdraw-next');

  await app.waitFor('#signature-pad');
  assert.match(await app.text('#withdraw-summary'), /Ofertes per correu electrònic/);
  assert.doesNotMatch(await app.text('#withdraw-summary'), /Condició de soci/);
  await sign(/^Signat/);
  await shot('52-withdraw-sign');
  await app.click('#withdraw-submit');

  await app.waitForText('#receipt-title', (t) => /Comprovant de retirada del consentiment/.test(t), 30000);
  assert.match(await app.text('#receipt'), /Ofertes per correu electrònic/);
  await shot('53-withdraw-receipt');

  await takeScreenBackToConsents();
  const withdrawn = '#consents-history tbody tr[data-decision="withdraw"][data-purpose="email-offers"]';
  assert.equal(await count(withdrawn), 1);
  assert.match(await app.text(withdrawn), /Withdrawn/);
  assert.equal(await attr(rowOf('consents-current', 'email-offers'), 'data-granted'), 'no');
  assert.equal(await attr(rowOf('consents-current', 'membership'), 'data-granted'), 'yes');
  await app.execute("document.getElementById('consents-history-title').scrollIntoView()");
  await shot('54-consents-after-withdrawal');

  // The entry's receipt opens on the receipt screen, for staff.
  await app.click(`${withdrawn} .receipt-link`);
  await app.waitForText('#receipt-title', (t) => /Comprovant de retirada del consentiment/.test(t));
  assert.equal(await app.isDisplayed('#nav-consents'), true, 'in the staff frame');
  await shot('55-staff-receipt');
  await app.click('#receipt-back');
  await app.waitFor('#consents-current');
});

/** Purposes still agreed to when the customer withdrew membership. */
let grantedAtErasure = 0;

test('withdrawing membership erases the whole record; the receipt is the erasure confirmation', async () => {
  grantedAtErasure = await count('#consents-current tbody tr[data-granted="yes"]');
  assert.ok(grantedAtErasure >= 1);
  await app.check('#consents-id-id-document');
  await app.click('#consents-withdraw');
  await app.waitFor('#withdraw-membership');
  await app.check('#withdraw-membership');
  await app.click('#withdraw-next');
  await app.waitFor('#withdraw-erases');
  await sign(/^Signat/);
  await app.click('#withdraw-submit');

  await app.waitForText('#receipt-title', (t) => /Confirmació d'esborrament/.test(t), 30000);
  const receipt = await app.text('#receipt');
  assert.match(receipt, /Què s'ha esborrat/);
  assert.match(receipt, /Condició de soci/);
  await shot('56-erasure-confirmation');

  // Staff take the screen back to Home: there are no consents left to show.
  await openStaffLogin();
  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', OWNER_PASS);
  await app.click('#leave-submit');
  await app.waitFor('#home');
  await app.waitForText('#home-status', (t) => /everything held about them was erased/.test(t));
  await shot('57-home-after-erasure');
});

test('after the app closes, the vault holds no customer and nothing of the one who was erased', async () => {
  await app.close();
  const run = await until(() => {
    // Counts need a sign-in: the keyring alone opens nothing.
    const r = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', '--json', 'status'], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    if (/already open/.test(r.stderr)) return false;
    return r;
  }, 15000, 'the app to release the vault');
  assert.equal(run.status, 0, run.stderr);
  const status = JSON.parse(run.stdout);
  assert.equal(status.customers, 0);
  // One ledger record per purpose asked on the one form that was signed,
  // one for agreeing to e-mail offers and one for withdrawing them, then
  // one per purpose still agreed to when membership was withdrawn.
  assert.ok(askedPurposes > 0);
  const records = askedPurposes + 2 + grantedAtErasure;
  assert.equal(status.consentRecords, records);

  const verify = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'audit', 'verify'], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, new RegExp(`^intact \\(\\d+ entries, ${records} consent records\\)`));
  // Nothing of her is left in any page of the vault or its journal.
  for (const text of [NAME, 'Puigdomènech', 'puigdomenech']) {
    const scan = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', '--json', 'residue-scan'], {
      input: `${OWNER_PASS}\n${text}\n`,
      encoding: 'utf8',
    });
    assert.equal(scan.status, 0, scan.stderr);
    assert.equal(JSON.parse(scan.stdout).found, false, `${text} is still in the vault`);
  }
});
