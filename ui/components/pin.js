//! Telling a PIN from a passphrase in the one box of the login screen and
//! the staff panel under customer screens: 4 to 8 digits is a PIN (a
//! passphrase has at least 10 characters), sent to the PIN command while
//! the shop has quick switch on. Which one may sign in is the core's.

/** Whether `secret` is a PIN rather than a passphrase. */
export function looksLikePin(secret) {
  return /^\d{4,8}$/.test(secret);
}
