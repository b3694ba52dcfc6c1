// Signing without drawing (issue 14): a customer who cannot draw joins in
// Spanish and, at the signature, chooses "type my name instead". The pad
// gives way to a name field and a checkbox that nothing ticks in advance;
// the way back to drawing is one button and forgets the typed name. Saving
// without the tick is refused in Spanish with the checkbox marked and
// focused; ticked from the keyboard, the form is saved and the receipt, on
// screen and as a signed PDF, says the customer signed by typing their
// name and confirmed it. Later she withdraws membership the same way: the
// erasure confirmation says she signed by typing, without the name, which
// went with her record, and nothing of her is left in the vault. Its own
// vault and app session; screenshots 110-….

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, SHOTS, ALT, useApp, login, shot, openStaffLogin } from './helpers.mjs';

const vault = join(mkdtempSync(join(tmpdir(), 'steward-e2e-typed-')), 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const NAME = 'Aina Vilaró';
const TAB = '\uE004';
const SPACE = '\uE00D';
/** What the receipt says, in Spanish, about how Aina signed. */
const SIGNED_BY_TYPING = 'Firmado escribiendo su nombre, «Aina Vilaró», que usted confirmó que es su firma.';
/** The same, once her record (and so the name) was erased. */
const SIGNED_BY_TYPING_ERASED = 'Firmado escribiendo su nombre, que usted confirmó que es su firma.';
/** The number of the customer who joined. */
let customerId = 0;

const app = useApp({
  vault,
  port: 4456,
  prepare() {
    const init = spawnSync(
      CLI,
      ['--vault', vault, '--passphrase-stdin', 'init', '--shop', SHOP, '--owner', OWNER],
      { input: `${OWNER_PASS}\n`, encoding: 'utf8' },
    );
    assert.equal(init.status, 0, init.stderr);
  },
});

const checked = (css) => app.execute('return document.querySelector(arguments[0]).checked', [css]);
const focused = () => app.execute('return document.activeElement ? document.activeElement.id : null');
const attr = (css, name) =>
  app.execute('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null', [css, name]);

test('a customer who cannot draw signs by typing their name and the receipt says so', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.keys([ALT, 'n']);
  await app.waitFor('#consent-start');
  await app.waitFor('#consent-id-known-customer');
  await app.check('#consent-lang-es');
  await app.check('#consent-id-known-customer');
  await app.click('#consent-handover');

  await app.waitFor('#consent-form');
  await app.click('#consent-next');
  await app.waitFor('#purpose-membership');
  await app.check('#purpose-membership');
  await app.click('#consent-next');
  await app.waitFor('#field-name');
  await app.type('#field-name', NAME);
  await app.click('#consent-next');
  await app.waitFor('#review-details');
  await app.click('#consent-next');

  // The pad, and the way to sign without drawing right under it.
  await app.waitFor('#signature-pad');
  assert.match(await app.text('#signature-type-instead'), /No puedo firmar dibujando/);
  assert.equal(await app.isDisplayed('#signature-typed-name'), false);
  await shot('109-consent-sign-or-type');
  await app.click('#signature-type-instead');

  // The name field takes the pad's place, with the cursor in it; nothing is ticked.
  await app.waitFor('#signature-typed-name');
  assert.equal(await focused(), 'signature-typed-name');
  assert.equal(await app.isDisplayed('#signature-pad'), false);
  assert.equal(await checked('#signature-typed-confirm'), false, 'nothing is ticked in advance');
  assert.match(await app.text('label[for="signature-typed-confirm"]'), /Escribir mi nombre aquí es mi firma/);
  assert.match(await app.text('label[for="signature-typed-name"]'), /Su nombre/);

  // Back to drawing is one button, and forgets what was typed.
  await app.type('#signature-typed-name', 'Aina');
  await app.click('#signature-draw-instead');
  await app.waitFor('#signature-pad');
  assert.equal(await focused(), 'signature-type-instead');
  await app.click('#signature-type-instead');
  await app.waitFor('#signature-typed-name');
  assert.equal(await app.execute("return document.getElementById('signature-typed-name').value"), '');

  // Without the tick the core refuses, in Spanish, and the tick is marked.
  await app.type('#signature-typed-name', NAME);
  await shot('110-consent-typed-signature');
  await app.click('#consent-submit');
  await app.waitForText('#consent-error', (t) => /marque «Escribir mi nombre aquí es mi firma»/.test(t));
  assert.match(await app.text('#consent-error'), /No se ha guardado nada/);
  assert.equal(await attr('#signature-typed-confirm', 'aria-invalid'), 'true');
  assert.equal(await focused(), 'signature-typed-confirm');
  await shot('111-consent-typed-signature-unticked');

  // From the keyboard: back to the name, on to the checkbox, Space ticks it.
  await app.execute("document.getElementById('signature-typed-name').focus()");
  await app.keys([TAB]);
  assert.equal(await focused(), 'signature-typed-confirm');
  await app.keys([SPACE]);
  assert.equal(await checked('#signature-typed-confirm'), true);
  assert.equal(await attr('#signature-typed-confirm', 'aria-invalid'), null);
  await app.click('#consent-submit');

  // The receipt says how she signed, with what she typed.
  await app.waitForText('#receipt-title', (t) => /Justificante de consentimiento/.test(t), 30000);
  const receipt = await app.text('#receipt');
  assert.ok(receipt.includes(SIGNED_BY_TYPING), receipt);
  assert.match(receipt, /firmado escribiendo el nombre/);
  await app.execute(
    "const d = [...document.querySelectorAll('#receipt dd')].find((e) => e.textContent.includes('escribiendo su nombre')); d.scrollIntoView({ block: 'center' })",
  );
  await shot('112-receipt-typed-signature');

  await app.click('#receipt-save-pdf');
  const saved = await app.waitForText('#receipt-saved', (t) => /\.pdf/.test(t), 30000);
  const pdf = /(\/\S+\.pdf)/.exec(saved)[1];
  assert.ok(existsSync(pdf), `the PDF exists at ${pdf}`);
  const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.ok(text.stdout.split(/\s+/).join(' ').includes(SIGNED_BY_TYPING), text.stdout);
  const render = spawnSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', pdf, join(SHOTS, '113-receipt-typed-signature-pdf')], {
    encoding: 'utf8',
  });
  assert.equal(render.status, 0, render.stderr);
});

/** A member of staff takes the screen back with the passphrase. */
async function takeScreenBack() {
  await openStaffLogin();
  await app.type('#leave-username', OWNER);
  await app.type('#leave-passphrase', OWNER_PASS);
  await app.click('#leave-submit');
}

test('she withdraws membership by typing her name; the confirmation says so without it', async () => {
  await takeScreenBack();
  const context = await app.text('#profile-context');
  customerId = Number((/Customer (\d+)/.exec(context) || [])[1]);
  assert.ok(customerId > 0, context);
  await app.keys([ALT, 'c']);
  await app.waitFor('#customer-consents');
  await app.type('#consents-customer-id', String(customerId));
  await app.click('#consents-show');
  await app.waitFor('#consents-current');
  await app.check('#consents-id-known-customer');
  await app.click('#consents-withdraw');
  await app.waitFor('#withdraw-form');
  await app.check('#withdraw-membership');
  await app.click('#withdraw-next');
  await app.waitFor('#withdraw-erases');
  await app.click('#signature-type-instead');
  await app.waitFor('#signature-typed-name');
  assert.equal(await focused(), 'signature-typed-name');
  await app.type('#signature-typed-name', NAME);
  await app.check('#signature-typed-confirm');
  await shot('114-withdraw-typed-signature');
  await app.click('#withdraw-submit');

  await app.waitForText('#receipt-title', (t) => /Confirmación de borrado/i.test(t), 30000);
  const receipt = await app.text('#receipt');
  assert.ok(receipt.includes(SIGNED_BY_TYPING_ERASED), receipt);
  assert.ok(!receipt.includes('Vilaró'), 'the erased name is not on the confirmation');
  await takeScreenBack();
  await app.waitFor('#home');
});

test('after the app closes, nothing of her typed name is left in the vault', async () => {
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
  assert.equal(JSON.parse(run.stdout).customers, 0);
  for (const text of [NAME, 'Vilaró', 'vilaro']) {
    const scan = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', '--json', 'residue-scan'], {
      input: `${OWNER_PASS}\n${text}\n`,
      encoding: 'utf8',
    });
    assert.equal(scan.status, 0, scan.stderr);
    assert.equal(JSON.parse(scan.stdout).found, false, `${text} is still in the vault`);
  }
});
