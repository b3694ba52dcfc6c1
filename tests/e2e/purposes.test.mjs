// What customers are asked (issue 14's purposes screen), as the owner meets
// it in Settings. A fresh shop (CLI). The owner reads the purposes as
// customers do, adds one written in Catalan only with a retention of 400
// days, reviews what that does (a new notice version) and saves it; sees it
// listed, marked as not translated in the other languages; changes its
// retention to two years, counted from the last visit; then hands the
// screen to a customer in Catalan, whose consent form offers the new
// purpose. Screenshots 110-115 go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { CLI, ALT, useApp, login, shot } from './helpers.mjs';

const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-purposes-'));
const vault = join(dir, 'shop.steward');

const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
/** The id the editor makes from the Catalan name. */
const ID = 'tallers-de-pa';
const CARD = `li[data-purpose="${ID}"]`;

const app = useApp({
  vault,
  port: 4456,
  prepare() {
    const init = spawnSync(CLI, ['--vault', vault, '--passphrase-stdin', 'init', '--shop', 'Forn de la Plaça', '--owner', OWNER], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    assert.equal(init.status, 0, init.stderr);
  },
});

const toTop = (css) => app.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })`, [css]);
const loaded = () => app.execute("const b = document.getElementById('purposes-body'); return !!b && b.getAttribute('aria-busy') === 'false' && !!document.getElementById('purposes-list')");

const waitLoaded = () => until(loaded, 15000, 'the purposes to load');

test('the owner reads the purposes as customers do', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.keys([ALT, 's']);
  await app.waitFor('#settings-purposes');
  await waitLoaded();
  const membership = 'li[data-purpose="membership"]';
  assert.match(await app.text(membership), /Membership/);
  assert.match(await app.text(membership), /Required for membership/);
  assert.match(await app.text(`${membership} [data-fact="fields"]`), /Full name/);
  assert.match(await app.text(`${membership} [data-fact="retention"]`), /3 years after your last visit or purchase/);
  assert.equal(await app.text(`${membership} [data-fact="holders"]`), '0');
  // In Catalan, as a Catalan customer reads it.
  await app.check('#purposes-lang-ca');
  await app.waitForText(`${membership} h3`, (t) => /Condició de soci/.test(t));
  await toTop('#settings-purposes');
  await shot('110-settings-purposes');
});

test('the owner adds a purpose in Catalan with a retention, after reading what it does', async () => {
  await app.click('#purposes-add');
  await app.waitFor('#purpose-editor');
  // The texts start with the language chosen on the list: Catalan.
  await app.type('#purpose-editor-name-ca', 'Tallers de pa');
  await app.type('#purpose-editor-description-ca', 'Us convidem als tallers de pa del dissabte al matí.');
  await app.type('#purpose-editor-retention', '400');
  await app.selectOption('#purpose-editor-retention-unit', 'days');
  await app.waitFor('#purpose-editor-field-email');
  await app.check('#purpose-editor-field-email');
  // The other languages fold away, to be translated later.
  assert.equal(await app.execute("return document.getElementById('purpose-editor-lang-es').open"), false);
  await toTop('#purpose-editor');
  await shot('111-settings-purpose-new-form');
  await app.click('#purpose-editor-review-button');
  const effects = await app.waitForText('#purpose-editor-effects', (t) => /publishes version \d+ of the notice/.test(t));
  assert.match(effects, /Nobody agrees to it yet/);
  assert.match(effects, /Languages without a text show these words/);
  await toTop('#purpose-editor-review');
  await shot('112-settings-purpose-new-review');
  await app.click('#purpose-editor-save');
  await app.waitForText('#purposes-status', (t) => /“Tallers de pa” was added/.test(t));
  await waitLoaded();
  await app.waitFor(CARD);
  assert.match(await app.text(`${CARD} [data-fact="retention"]`), /400 dies/);
  assert.match(await app.text(`${CARD} [data-fact="fields"]`), /correu/);
  // Written in Catalan only: the other languages show a copy, to translate.
  assert.match(await app.text('#purposes-languages'), /Català \(1 to translate\)/);
  await app.check('#purposes-lang-en');
  await app.waitForText(`${CARD} [data-fact="untranslated"]`, (t) => /Not translated yet: the same words as in Català/.test(t));
  await app.execute(`document.querySelector('${CARD}').scrollIntoView({ block: 'center' })`);
  await shot('113-settings-purposes-to-translate');
});

test('the owner changes its retention to two years from the last visit', async () => {
  await app.check('#purposes-lang-ca');
  await app.waitForText(`${CARD} [data-fact="retention"]`, (t) => /dies/.test(t));
  await app.click(`#purpose-${ID}-edit`);
  await app.waitFor('#purpose-editor');
  assert.equal(await app.execute("return document.getElementById('purpose-editor-name-ca').value"), 'Tallers de pa');
  await app.type('#purpose-editor-retention', '2');
  await app.selectOption('#purpose-editor-retention-unit', 'years');
  await app.check('#purpose-editor-clock-last-visit');
  await app.click('#purpose-editor-review-button');
  const effects = await app.waitForText('#purpose-editor-effects', (t) => /publishes version \d+/.test(t));
  assert.match(effects, /kept for 2 years after the customer’s last visit or purchase/);
  assert.match(effects, /keep their agreement/);
  await toTop('#purpose-editor-review');
  await shot('114-settings-purpose-edit-review');
  await app.click('#purpose-editor-save');
  await app.waitForText('#purposes-status', (t) => /was changed/.test(t));
  await waitLoaded();
  await app.waitForText(`${CARD} [data-fact="retention"]`, (t) => /2 anys/.test(t));
});

test("a customer's consent form in Catalan offers the new purpose", async () => {
  await app.keys([ALT, 'n']);
  await app.waitFor('#consent-start');
  await app.waitFor('#consent-id-id-document');
  await app.check('#consent-lang-ca');
  await app.check('#consent-id-id-document');
  await app.click('#consent-handover');
  await app.waitFor('#consent-form');
  await app.click('#consent-next');
  await app.waitFor(`#purpose-${ID}`);
  const offered = await app.execute(`return document.getElementById('purpose-${ID}').closest('.purpose').textContent`);
  assert.match(offered, /Tallers de pa/);
  assert.match(offered, /2 anys/);
  assert.equal(await app.execute(`return document.getElementById('purpose-${ID}').checked`), false);
  await app.execute(`document.getElementById('purpose-${ID}').scrollIntoView({ block: 'center' })`);
  await shot('115-consent-form-new-purpose');
});
