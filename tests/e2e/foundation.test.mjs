// The foundation, as a shop owner and a staff member meet it: the real app
// window (Xvfb), the real keyring (gnome-keyring in dbus-run-session), a real
// SQLCipher vault. Screenshots go to target/e2e-screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './webdriver.mjs';
import { APP, CLI, ALT, useApp, login, shot, reopenApp } from './helpers.mjs';

// Inside a folder that does not exist yet, as on a first run.
const vault = join(mkdtempSync(join(tmpdir(), 'steward-e2e-')), 'data', 'shop.steward');

const OWNER = 'olga';
const OWNER_PASS = 'bread and olives 42';
const STAFF = 'sam';
const STAFF_INITIAL = 'given by the owner 1';
const STAFF_OWN = 'sam chooses this one';

const app = useApp({ vault });

test('owner completes the setup wizard and is shown the recovery key once', async () => {
  await app.waitFor('#setup');
  await shot('01-setup-shop');
  await app.type('#setup-shop-name', 'Forn de la Plaça');
  await app.click('#setup-next');
  await app.type('#setup-owner-username', OWNER);
  await app.type('#setup-owner-passphrase', OWNER_PASS);
  await app.type('#setup-owner-passphrase-confirm', OWNER_PASS);
  await shot('02-setup-owner');
  await app.click('#setup-next');
  await app.click('#setup-create');
  const key = await app.waitForText('#recovery-key', (t) => t.trim().length > 0, 30000);
  assert.match(key.trim(), /^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
  await shot('03-recovery-key');
  await app.check('#recovery-stored');
  await app.click('#recovery-continue');
  await app.waitFor('#login');
  // The vault on disk is encrypted.
  assert.notEqual(readFileSync(vault).subarray(0, 15).toString(), 'SQLite format 3');
});

test('owner logs in, sees the shop and role, logs out and in again', async () => {
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  assert.equal((await app.text('#topbar-shop')).trim(), 'Forn de la Plaça');
  assert.match(await app.text('#topbar-user'), /olga/);
  assert.match(await app.text('#topbar-user'), /Owner/);
  await shot('04-home-owner');
  await app.click('#logout-button');
  await app.waitFor('#login');
  await login(OWNER, 'not the passphrase');
  await app.waitForText('#login-error', (t) => /wrong username or passphrase/i.test(t));
  await shot('05-login-wrong-passphrase');
  // The failed attempt earns a one-second back-off: the core refuses even
  // the right passphrase until it has passed, then lets the owner in.
  await until(async () => {
    await login(OWNER, OWNER_PASS);
    await app.waitFor('#home', 2000);
    return true;
  }, 15000, 'the back-off to pass and the owner to be let in');
});

test('opening Steward a second time leaves the first window in charge', async () => {
  // The second process hands over to the first (single instance) and exits;
  // it never opens the vault, which the first window holds.
  const second = spawnSync(APP, ['--vault', vault], { encoding: 'utf8', timeout: 30000 });
  assert.equal(second.error, undefined, 'the second instance exited by itself');
  assert.equal(second.status, 0, second.stderr);
  await app.waitFor('#home');
  assert.match(await app.text('#topbar-user'), /olga/);
});

test('owner adds a staff user and chooses when Steward locks', async () => {
  await app.click('#nav-users');
  await app.waitFor('#users');
  await app.type('#user-add-username', STAFF);
  await app.selectOption('#user-add-role', 'staff');
  await app.type('#user-add-passphrase', STAFF_INITIAL);
  await app.click('#user-add-submit');
  await app.waitFor(`[data-username="${STAFF}"]`);
  await shot('06-users-owner');

  await app.click('#nav-settings');
  // The delay is a choice in words, from one minute to an hour.
  const choices = await app.execute(
    "return [...document.querySelectorAll('#settings-autolock option')].map((o) => o.textContent)",
  );
  assert.deepEqual(choices, [
    'After 1 minute',
    'After 2 minutes',
    'After 5 minutes',
    'After 10 minutes',
    'After 15 minutes',
    'After 30 minutes',
    'After 1 hour',
  ]);
  assert.equal(await app.execute("return document.getElementById('settings-autolock').value"), '300');
  await app.selectOption('#settings-autolock', '60');
  await app.click('#settings-save');
  await app.waitForText('#settings-status', (t) => /locks after 1 minute without use/.test(t));
  await app.type('#settings-close-after', '30');
  await app.click('#settings-close-after-save');
  await app.waitForText('#settings-status', (t) => /After 30 minutes locked/.test(t));
  await shot('07-settings-close-after-lock');
  await app.click('#audit-verify');
  const verdict = await app.waitForText('#audit-result', (t) => /intact/.test(t));
  assert.match(verdict, /intact \(\d+ entries/);
  await shot('07-settings-owner');
  await app.click('#logout-button');
});

test('with the app closed, the owner sets a six-second auto-lock with the steward command, and Settings shows it', async () => {
  // Shorter than any choice on screen: the core allows it (5 s to 1 h),
  // and it keeps the next test's wait for the lock short.
  const run = await reopenApp(vault, () => {
    const r = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'settings', 'autolock', '6'], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    return /already open/.test(r.stderr) ? false : r;
  });
  assert.equal(run.status, 0, run.stderr);
  await login(OWNER, OWNER_PASS);
  await app.waitFor('#home');
  await app.click('#nav-settings');
  // A delay set outside the choices is shown as it is, in its place.
  const chosen = await app.execute(
    "const s = document.getElementById('settings-autolock'); return [s.value, s.options[s.selectedIndex].textContent, s.options[0].value]",
  );
  assert.deepEqual(chosen, ['6', 'After 6 seconds', '6']);
  await app.click('#logout-button');
  await app.waitFor('#login');
});

test('staff chooses a passphrase, is refused user management by the core, and auto-locks', async () => {
  await login(STAFF, STAFF_INITIAL);
  await app.waitFor('#change-passphrase');
  await shot('08-staff-choose-passphrase');
  await app.type('#cp-current', STAFF_INITIAL);
  await app.type('#cp-new', STAFF_OWN);
  await app.type('#cp-confirm', STAFF_OWN);
  await app.click('#cp-submit');
  // Staff's home is the customer search.
  await app.waitFor('#customers');
  assert.match(await app.text('#topbar-user'), /Staff/);
  assert.equal(await app.isDisplayed('#nav-users'), false, 'no Users entry for staff');

  // Like the menu, the keyboard offers staff no Users screen: Alt+U does nothing.
  await app.keys([ALT, 'u']);
  assert.equal(await app.isDisplayed('#customers'), true, 'Alt+U leaves staff on home (the search)');
  assert.equal((await app.findAll('#users')).length, 0, 'Alt+U leads nowhere for staff');

  // Go to the user screen anyway (its address): the core refuses.
  await app.execute("location.hash = '#/users'");
  await app.waitFor('#users');
  const refusal = await app.waitForText('#users-error', (t) => t.trim().length > 0);
  assert.match(refusal, /not allowed|may not|permission/i);
  assert.equal((await app.findAll(`[data-username="${OWNER}"]`)).length, 0, 'no user list shown');
  await shot('09-staff-users-refused');

  // No input for longer than the 6 s auto-lock: back to the login screen.
  await app.waitFor('#login', 20000);
  await app.waitForText('#login-notice', (t) => /inactivity/.test(t));
  await shot('10-auto-locked');
});

test('after the app closes, the owner opens the same vault with the CLI and the audit log is intact', async () => {
  await app.close();
  // The window closes at once, the process a moment later: until then the
  // CLI is told the vault is already open, which is the lock doing its job.
  const status = await until(() => {
    // Counts need a sign-in: the keyring alone opens nothing.
    const run = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'status'], {
      input: `${OWNER_PASS}\n`,
      encoding: 'utf8',
    });
    if (/already open/.test(run.stderr)) return false;
    return run;
  }, 15000, 'the app to release the vault');
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /users: 2 \(2 active\)/);
  const verify = spawnSync(CLI, ['--vault', vault, '--user', OWNER, '--passphrase-stdin', 'audit', 'verify'], {
    input: `${OWNER_PASS}\n`,
    encoding: 'utf8',
  });
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /^intact \(\d+ entries/);
});
