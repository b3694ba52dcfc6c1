//! Quick switch at the till: a short PIN per user that unlocks a locked
//! session or switches the user while the vault stays open, so that a
//! queue at the counter does not wait for a 10-character passphrase.
//!
//! What it trades, and how it is bounded (see `docs/threat-model.md`):
//! - off until the owner switches it on for the shop; switching it off
//!   removes every PIN;
//! - a PIN never opens the vault: it works only while the app has the
//!   vault open (locked, before it closes after `close_after_locked_minutes`).
//!   At start, and once the vault closed, the passphrase is needed;
//! - five wrong PINs in a row and the account's PIN stops working until
//!   that user signs in with their passphrase (the passphrase back-off
//!   applies to PIN sign-ins too);
//! - a session opened with a PIN serves customers; what changes the shop
//!   (`Action::needs_passphrase`) asks for the passphrase;
//! - PINs are stored as Argon2id hashes, like passphrases, inside the
//!   encrypted vault; each use, failure and block is in the audit log.

use zeroize::Zeroizing;

use super::accounts;
use super::passphrase::{decoy_hash, Passphrase};
use super::session::Session;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::keys::slots::wait_until;
use crate::permissions::Action;
use crate::shop;
use crate::store::Vault;

/// Wrong PINs in a row after which the PIN stops working.
pub const MAX_PIN_FAILURES: u32 = 5;
const MIN_PIN_DIGITS: usize = 4;
const MAX_PIN_DIGITS: usize = 8;

/// A PIN in memory: wiped on drop, never printed.
pub struct Pin(Zeroizing<String>);

impl Pin {
    pub fn new(text: String) -> Pin {
        Pin(Zeroizing::new(text))
    }

    /// What a new PIN must be: 4 to 8 digits, not one digit repeated and
    /// not a run up or down (`1234`, `8765`), the first guesses anyone tries.
    pub fn check_strength(&self) -> Result<()> {
        let digits: Vec<u32> = self.0.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits.len() != self.0.chars().count() {
            return Err(Error::WeakPin("use digits only"));
        }
        if !(MIN_PIN_DIGITS..=MAX_PIN_DIGITS).contains(&digits.len()) {
            return Err(Error::WeakPin("use 4 to 8 digits"));
        }
        let steps: Vec<i64> = digits
            .windows(2)
            .map(|w| i64::from(w[1]) - i64::from(w[0]))
            .collect();
        if steps.iter().all(|s| *s == 0) {
            return Err(Error::WeakPin("not the same digit repeated"));
        }
        if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1) {
            return Err(Error::WeakPin("not a run of digits such as 1234"));
        }
        Ok(())
    }

    /// The same Argon2id hashing as passphrases.
    fn as_passphrase(&self) -> Passphrase {
        Passphrase::new(self.0.to_string())
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl Vault {
    /// Whether the shop lets its users set a PIN for quick switching.
    pub fn quick_switch_enabled(&self) -> Result<bool> {
        shop::quick_switch(&self.conn)
    }

    /// Switches quick switch on or off for the shop (owner, with a
    /// passphrase sign-in). Off removes every PIN at once.
    pub fn set_quick_switch(&mut self, session: &mut Session, on: bool) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("change the quick-switch setting", |tx| {
            shop::set_quick_switch(tx.conn(), on)?;
            if !on {
                accounts::clear_all_pins(tx.conn())?;
            }
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(user_id, role)
                    .touching(vec!["quick_switch"]),
            )
        })
    }

    /// Sets the signed-in user's own PIN; their passphrase is asked again,
    /// so that someone at an unlocked till cannot set one for them.
    pub fn set_own_pin(
        &mut self,
        session: &mut Session,
        passphrase: &Passphrase,
        pin: &Pin,
    ) -> Result<()> {
        self.authorize(session, Action::ChangeOwnPassphrase)?;
        if !shop::quick_switch(&self.conn)? {
            return Err(Error::PinNotAvailable);
        }
        let hash = accounts::passphrase_hash_of(&self.conn, session.user_id())?;
        if !passphrase.verify(&hash) {
            return Err(Error::WrongCredentials);
        }
        pin.check_strength()?;
        let pin_hash = pin.as_passphrase().hash()?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("set a PIN", |tx| {
            accounts::set_pin_hash(tx.conn(), user_id, Some(&pin_hash))?;
            tx.audit(
                AuditEvent::new("user.pin_set", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::User(user_id)),
            )
        })
    }

    /// Removes a user's PIN (the owner: a PIN seen over a shoulder, a
    /// member of staff leaving).
    pub fn clear_pin(&mut self, session: &mut Session, username: &str) -> Result<()> {
        self.authorize(session, Action::ManageUsers)?;
        let id = accounts::id_of(&self.conn, username)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("remove a PIN", |tx| {
            accounts::set_pin_hash(tx.conn(), id, None)?;
            tx.audit(
                AuditEvent::new("user.pin_clear", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::User(id)),
            )
        })
    }

    /// The usernames that have a PIN (owner: the list of users).
    pub fn users_with_pin(&mut self, session: &mut Session) -> Result<Vec<String>> {
        self.authorize(session, Action::ListUsers)?;
        accounts::with_pin(&self.conn)
    }

    /// Signs a user in with their PIN on the open vault (unlocking after a
    /// lock, or switching user at the till). Unknown users and wrong PINs
    /// get the same error; the fifth wrong PIN in a row blocks the PIN.
    /// The session it makes is marked as opened with a PIN.
    pub fn login_with_pin(&mut self, username: &str, pin: &Pin) -> Result<Session> {
        if !shop::quick_switch(&self.conn)? {
            return Err(Error::PinNotAvailable);
        }
        let now = self.now();
        let Some(user) = accounts::find(&self.conn, username)? else {
            pin.as_passphrase().verify(decoy_hash());
            self.log_standalone(AuditEvent::new("login", Outcome::Failed).because("pin"))?;
            return Err(Error::WrongCredentials);
        };
        let (pin_hash, failures) = accounts::pin_of(&self.conn, user.id)?;
        let Some(pin_hash) = pin_hash else {
            return Err(Error::PinNotAvailable);
        };
        if failures >= MAX_PIN_FAILURES {
            return Err(Error::PinBlocked);
        }
        if let Some(until) = user.retry_not_before.filter(|t| *t > now) {
            return Err(wait_until(until, now));
        }
        if !pin.as_passphrase().verify(&pin_hash) {
            let failures = failures + 1;
            let blocked = failures >= MAX_PIN_FAILURES;
            self.transact("record a wrong PIN", |tx| {
                accounts::record_pin_failure(tx.conn(), user.id, failures)?;
                tx.audit(
                    AuditEvent::new("login", Outcome::Failed)
                        .on(Subject::User(user.id))
                        .because(if blocked { "pin blocked" } else { "pin" }),
                )
            })?;
            return Err(if blocked {
                Error::PinBlocked
            } else {
                Error::WrongCredentials
            });
        }
        self.refuse_if_disabled(&user)?;
        self.transact("record a login", |tx| {
            accounts::record_pin_failure(tx.conn(), user.id, 0)?;
            tx.audit(
                AuditEvent::new("login", Outcome::Ok)
                    .by(user.id, user.role)
                    .because("pin"),
            )
        })?;
        Ok(Session::opened(
            user.id,
            user.username,
            user.role,
            user.must_change_passphrase,
            now,
            true,
        ))
    }

    /// Leaves customer mode with a PIN: as [`Vault::leave_customer_mode`].
    pub fn leave_customer_mode_with_pin(
        &mut self,
        session: &mut Session,
        username: &str,
        pin: &Pin,
    ) -> Result<Session> {
        let next = self.login_with_pin(username, pin)?;
        self.hand_back(session, &next)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easy_pins_are_refused_and_others_accepted() {
        for weak in ["123", "123456789", "12a4", "0000", "1234", "9876", "45678"] {
            assert!(
                Pin::new(weak.into()).check_strength().is_err(),
                "{weak} accepted"
            );
        }
        for fine in ["2580", "7391", "120634", "00112233"] {
            assert!(
                Pin::new(fine.into()).check_strength().is_ok(),
                "{fine} refused"
            );
        }
    }

    #[test]
    fn pin_debug_hides_the_secret() {
        assert!(!format!("{:?}", Pin::new("7391".into())).contains("7391"));
    }
}
