// Staff screens in the user's language (issue 14). A fresh vault (CLI) with
// a staff member, Marta, whose screens speak Catalan, and one customer. In
// the app Marta logs in and finds everything in Catalan: the menu, the
// search, the profile; she records a purchase of "6,40" on a date typed the
// Catalan way ("12/04/2025") and reads "6,40 €" and "12 d’abr. 2025"; a
// date typed wrong is refused in a Catalan sentence that says the order.
// No English text of the app is on any of these screens. At the till she
// finds Anna and records an amount within the keypress budget. She then
// switches her own screens to Spanish and reads the purchases in Spanish. Screenshots i18n-* go to
// target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, ENTER, useApp, login, shot, assertFitsWindow } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-i18n-'));
const vault = join(dir, 'shop.steward');

const SHOP = 'Forn de la Plaça';
const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const STAFF = 'marta';
const STAFF_INITIAL = 'initial pass for marta';
const STAFF_PASS = 'pa amb tomàquet cada dia';
const CUSTOMER = 'Anna Vidal';

const app = useApp({
  vault,
  port: 4454,
  prepare() {
    const run = (args, input = `${OWNER_PASS}\n`) =>
      spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', ...args], { input, encoding: 'utf8' });
    const ok = (res) => assert.equal(res.status, 0, res.stderr);
    ok(run(['init', '--shop', SHOP, '--owner', OWNER]));
    ok(run(['--user', OWNER, 'users', 'add', STAFF, '--role', 'staff', '--lang', 'ca'], `${OWNER_PASS}\n${STAFF_INITIAL}\n`));
    ok(run(['--user', STAFF, 'passwd'], `${STAFF_INITIAL}\n${STAFF_PASS}\n`));
    ok(
      run([
        '--user', OWNER, '--json', 'customers', 'join', '--lang', 'ca', '--method', 'paper', '--verified-by', 'id-document',
        '--purpose', 'membership', '--purpose', 'loyalty', '--field', `name=${CUSTOMER}`,
        '--receipt-out', join(dir, 'receipt.json'),
      ]),
    );
  },
});

/** The texts of a UI language file by key (plural forms as `key.one`…). */
function texts(lang) {
  const file = new URL(`../../ui/i18n/${lang}.json`, import.meta.url);
  const out = new Map();
  const walk = (node, prefix) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') out.set(prefix + k, v);
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')), '');
  return out;
}

/**
 * The app's English texts that Catalan writes differently, as whole
 * sentences or labels (placeholders cut out): none of them may be on a
 * Catalan screen.
 */
const ENGLISH = (() => {
  const en = texts('en');
  const ca = texts('ca');
  const pieces = new Set();
  for (const [key, text] of en) {
    if (ca.get(key) === text || key.startsWith('consent.languages.')) continue;
    for (const piece of text.split(/\{\w+\}/)) {
      const words = piece.trim();
      // Short pieces ("No.", "Role") could be part of a Catalan word or a name.
      if (words.length >= 8 && /\s/.test(words)) pieces.add(words);
    }
  }
  return [...pieces];
})();

/** Spaces as one plain space: Intl writes "6,40 €" with a no-break space. */
const plain = (text) => String(text).replace(/\s+/g, ' ');

async function assertNoEnglish(where) {
  const page = plain(await app.execute('return document.body.innerText'));
  const found = ENGLISH.filter((english) => page.includes(english));
  assert.deepEqual(found, [], `${where}: English on a Catalan screen`);
}

const activeId = () => app.execute('return document.activeElement && document.activeElement.id');
const profileLoaded = async () => {
  await app.waitFor('#profile');
  await until(
    async () => (await app.execute("const b = document.getElementById('profile-body'); return b && b.getAttribute('aria-busy')")) === 'false',
    15000,
    'the profile to load',
  );
};

test('a staff member whose language is Catalan logs in to Catalan screens', async () => {
  // Before anyone signs in, the window speaks the computer's language or English.
  await login(STAFF, STAFF_PASS);
  // Staff start on the search, as at the till.
  await app.waitFor('#customers');
  assert.equal(await app.execute('return document.documentElement.lang'), 'ca');
  assert.equal((await app.text('#nav-customers')).trim(), 'Clients');
  assert.equal((await app.text('#nav-passphrase')).trim(), 'La meva frase de pas');
  assert.match(plain(await app.text('#topbar-user')), /marta \(Dependent\)/);
  await assertNoEnglish('the search');
  await shot('i18n-01-search-ca');
});

test('she finds a customer and records 6,40 on a date typed day/month/year, and reads it in Catalan', async () => {
  assert.equal(await activeId(), 'customers-query');
  for (const ch of 'Vidal') await app.keys([ch]);
  await until(async () => (await app.findAll('#customers-results li')).length === 1, 15000, 'one hit');
  await app.keys([ENTER]);
  await profileLoaded();
  await assertNoEnglish('the profile');

  await app.keys([ALT, 'p']);
  await app.waitFor('#purchase');
  assert.equal(plain(await app.text('#purchase-date-hint')), "Deixi-ho en blanc per a avui, o escrigui la data com a dia/mes/any, per exemple 12/04/2025.");
  await app.type('#purchase-amount', '6,40');
  // A day that does not exist is refused on the input, in Catalan.
  await app.type('#purchase-date', '31/04/2025');
  await app.click('#purchase-save');
  await app.waitForText('#purchase-date-error', (t) => t.length > 0);
  assert.equal(plain(await app.text('#purchase-date-error')), 'Escrigui la data com a dia/mes/any, per exemple 12/04/2025.');
  assert.equal(await activeId(), 'purchase-date');
  await assertNoEnglish('the purchase form');
  await shot('i18n-02-purchase-date-refused');

  await app.clear('#purchase-date');
  await app.type('#purchase-date', '12/04/2025');
  await app.click('#purchase-save');
  await profileLoaded();
  const notice = plain(await app.waitForText('#profile-status', (t) => t.length > 0));
  assert.match(notice, /^S'ha desat una compra de 6,40 €\. Ha sumat 6 punts\.$/);
  const purchases = plain(await app.text('#profile-purchases'));
  assert.match(purchases, /12 d.abr\. 2025/, purchases);
  assert.match(purchases, /6,40 €/, purchases);
  assert.ok(!purchases.includes('2025-04-12'), purchases);
  await assertNoEnglish('the profile after the purchase');
  await app.execute("document.getElementById('profile-purchases-panel').scrollIntoView({ block: 'center' })");
  await shot('i18n-03-profile-after-purchase');
  await assertFitsWindow('the Catalan profile', 1024, 700);
});

test('at the Catalan till she finds Anna and records 3,20 within the budget of six keypresses besides the name and the amount', async () => {
  // From the profile she is on, every key that is not part of the name or
  // the amount counts.
  let presses = 0;
  const press = async (...combo) => {
    presses += 1;
    await app.keys(combo);
  };
  await press('/');
  assert.equal(await activeId(), 'topbar-search', '"/" puts the cursor in the search box of the top bar');
  for (const ch of 'Vidal') await app.keys([ch]);
  await app.waitFor('#customers');
  await until(async () => (await app.findAll('#customers-results li')).length === 1, 15000, 'one hit');
  assert.equal(await activeId(), 'customers-query', 'the typing went on in the search');
  await press(ENTER);
  await profileLoaded();
  await press(ALT, 'p');
  await app.waitFor('#purchase');
  assert.equal(await activeId(), 'purchase-amount');
  for (const ch of '3,20') await app.keys([ch]);
  await press(ENTER);
  await profileLoaded();
  const notice = plain(await app.waitForText('#profile-status', (t) => t.length > 0));
  assert.match(notice, /^S'ha desat una compra de 3,20 €\. Ha sumat 3 punts\.$/);
  assert.ok(presses <= 6, `${presses} keypresses`);
  assert.equal(presses, 4);
  await assertNoEnglish('the profile after a purchase at the till');
});

test('she switches her own screens to Spanish, and the next screen speaks it', async () => {
  await app.click('#nav-passphrase');
  await app.waitFor('#own-language');
  assert.equal(await app.execute("return document.getElementById('own-language').value"), 'ca');
  await assertNoEnglish('My passphrase');
  await shot('i18n-04-my-passphrase-ca');
  await app.selectOption('#own-language', 'es');
  await app.click('#own-language-save');
  await app.waitForText('#nav-customers', (t) => t.trim() === 'Clientes');
  assert.equal(await app.execute('return document.documentElement.lang'), 'es');
  assert.match(plain(await app.text('#change-passphrase')), /Guardado: ahora sus pantallas están en Español\./);
  await shot('i18n-05-my-passphrase-es');
});

test('in Spanish, her customer\'s purchases read 6,40 € and 3,20 € with Spanish dates', async () => {
  await app.click('#nav-customers');
  await app.waitFor('#customers-query');
  await app.type('#customers-query', 'Vidal');
  await until(async () => (await app.findAll('#customers-results li')).length === 1, 15000, 'one hit');
  await app.keys([ENTER]);
  await profileLoaded();
  const purchases = plain(await app.text('#profile-purchases'));
  assert.match(purchases, /6,40 €/, purchases);
  assert.match(purchases, /3,20 €/, purchases);
  assert.match(purchases, /12 abr\.? 2025/, purchases);
  assert.equal((await app.text('#nav-customers')).trim(), 'Clientes');
  await app.execute("document.getElementById('profile-purchases-panel').scrollIntoView({ block: 'center' })");
  await shot('i18n-05b-profile-es');
  await assertFitsWindow('the Spanish profile', 1024, 700);
});

test('after she logs out the login screen speaks the shop’s language; the owner sets languages in Users and Settings', async () => {
  await app.click('#logout-button');
  await app.waitFor('#login');
  assert.equal(await app.execute('return document.documentElement.lang'), 'en', 'the shop’s default');
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#nav-users');
  await app.click('#nav-users');
  await app.waitFor('tr[data-username="marta"] select[data-field="language"]');
  assert.equal(await app.execute('return document.querySelector(\'tr[data-username="marta"] select[data-field="language"]\').value'), 'es');
  await app.selectOption('tr[data-username="marta"] select[data-field="language"]', 'ca');
  await app.click('tr[data-username="marta"] [data-action="set-language"]');
  await app.waitForText('#users-status', (t) => /marta's screens now speak Català/.test(t));
  await shot('i18n-06-users-languages');
  await assertFitsWindow('Users with languages', 1024, 700);

  await app.click('#nav-settings');
  await app.waitFor('#settings-language');
  assert.equal(await app.execute("return document.getElementById('settings-language').value"), 'en');
  await app.selectOption('#settings-language', 'ca');
  await app.click('#settings-language-save');
  // The owner chose no language of their own: their screens follow the shop's.
  await app.waitForText('#nav-settings', (t) => t.trim() === 'Configuració');
  assert.match(plain(await app.text('#settings')), /Desat: ara les pantalles del personal són en Català/);
  await assertNoEnglish('Settings');
  await app.execute("document.getElementById('settings-language').scrollIntoView({ block: 'center' })");
  await shot('i18n-07-settings-language-ca');
});
