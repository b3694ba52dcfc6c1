//! Submitting a sign-in form: a username and one box for the passphrase or,
//! while the shop has quick switch on and the vault is open, the user's PIN.
//! Shared by the login screen and the staff panel under customer screens.
//! Who may sign in, and the back-off after wrong attempts, are the core's.

import { focus } from './dom.js';
import { showError, fieldError, submitWith } from './form.js';
import { looksLikePin } from './pin.js';
import { call } from '../api.js';

/**
 * The form's `onSubmit`. Both boxes must be filled (`missing.username`,
 * `missing.secret`: the texts saying so); 4 to 8 digits go to
 * `commands.pin` when `pinToo`, anything else to `commands.passphrase`.
 * The secret box is emptied whatever the answer; the new session goes to
 * `signedIn`, and a refusal is shown in `alert` (after `failed()`, for
 * what the caller clears) with the cursor back in the secret box.
 */
export function signInSubmit({ alert, username, passphrase, pinToo, missing, commands, signedIn, failed = () => {} }) {
  return () =>
    submitWith(
      {
        alert,
        fields: [username, passphrase],
        check: () => {
          const name = username.input.value.trim();
          const secret = passphrase.input.value;
          if (!name) return fieldError(username, missing.username);
          if (!secret) return fieldError(passphrase, missing.secret);
          return { name, secret };
        },
      },
      async ({ name, secret }) => {
        const info =
          pinToo && looksLikePin(secret)
            ? await call(commands.pin, { username: name, pin: secret })
            : await call(commands.passphrase, { username: name, passphrase: secret });
        passphrase.input.value = '';
        signedIn(info);
      },
      (err) => {
        passphrase.input.value = '';
        failed();
        showError(alert, err);
        focus(passphrase.input);
      },
    );
}
