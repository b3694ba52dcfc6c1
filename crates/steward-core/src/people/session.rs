//! Sessions: who is at the shop computer and what their role lets them do
//! right now. A [`Session`] can only be made by a successful login; every
//! operation takes it and goes through [`Vault::authorize`], which checks
//! auto-lock, a pending passphrase change, that the account is still active,
//! customer mode, and the permission matrix, in that order. Failed logins
//! slow down exponentially, and the back-off is stored in the vault so that
//! restarting the app does not reset it.

use chrono::{DateTime, Duration, Utc};

use super::accounts;
use super::passphrase::{decoy_hash, Passphrase};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::permissions::{is_allowed, Action, Role};
use crate::shop;
use crate::store::Vault;

pub use crate::keys::slots::backoff_after;
use crate::keys::slots::wait_until;

/// The least a session in customer mode waits before it locks: 15 minutes,
/// for a customer who reads the notice slowly.
pub const CUSTOMER_MODE_IDLE_SECS: u32 = 15 * 60;

/// A logged-in user at the shop computer. Only [`Vault::login`] makes one.
#[derive(Debug)]
pub struct Session {
    pub(super) user_id: i64,
    pub(super) username: String,
    pub(super) role: Role,
    pub(super) must_change_passphrase: bool,
    pub(super) last_active: DateTime<Utc>,
    pub(super) locked: bool,
    /// Set while the screen is handed to a customer: who it was handed to.
    pub(super) customer_mode: Option<HandedTo>,
    /// Opened with a PIN (quick switch), not the passphrase: see
    /// `Action::needs_passphrase`.
    pub(super) by_pin: bool,
}

/// Who the screen was handed to (customer mode). Every consent act in
/// customer mode must be about this customer, and only this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandedTo {
    /// Someone joining: the form may record one new customer.
    NewCustomer,
    /// An existing customer (by number), to agree to more or withdraw.
    Customer(i64),
}

impl Session {
    /// A session that a sign-in has just proved.
    pub(super) fn opened(
        user_id: i64,
        username: String,
        role: Role,
        must_change_passphrase: bool,
        now: DateTime<Utc>,
        by_pin: bool,
    ) -> Session {
        Session {
            user_id,
            username,
            role,
            must_change_passphrase,
            last_active: now,
            locked: false,
            customer_mode: None,
            by_pin,
        }
    }
    /// True when the session was opened with a PIN (quick switch).
    pub fn by_pin(&self) -> bool {
        self.by_pin
    }
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn username(&self) -> &str {
        &self.username
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn must_change_passphrase(&self) -> bool {
        self.must_change_passphrase
    }
    /// True while the screen is handed to a customer (see
    /// `Vault::enter_customer_mode`).
    pub fn in_customer_mode(&self) -> bool {
        self.customer_mode.is_some()
    }
    /// Who the screen is handed to, while in customer mode.
    pub fn handed_to(&self) -> Option<HandedTo> {
        self.customer_mode
    }
    /// Binds customer mode to `to` (see `consent::handover`).
    pub(crate) fn hand_to(&mut self, to: HandedTo) {
        self.customer_mode = Some(to);
    }
    /// What this session may do now: its role's actions, narrowed to the
    /// consent form while in customer mode. For a UI that shows only what
    /// can be used; every call is still checked.
    pub fn allowed_actions(&self) -> Vec<Action> {
        crate::permissions::allowed_actions(self.role)
            .into_iter()
            .filter(|a| self.customer_mode.is_none() || a.allowed_in_customer_mode())
            .filter(|a| !(self.by_pin && a.needs_passphrase()))
            .collect()
    }
    pub fn is_locked(&self) -> bool {
        self.locked
    }
}

impl Vault {
    /// Logs a user in on the open vault (a user switch at the till, or
    /// after a lock). Wrong usernames and wrong passphrases get the same
    /// error and take the same time; repeated failures lock the account out
    /// for a doubling time that survives restarts. A user who has no key
    /// slot yet (the vault was moved to slots or recovered since they last
    /// signed in) gets one now, so that they can open it next time.
    pub fn login(&mut self, username: &str, passphrase: &Passphrase) -> Result<Session> {
        let session = self.login_checked(username, passphrase, false)?;
        let hash = accounts::passphrase_hash_of(&self.conn, session.user_id)?;
        if !self.key_slot_matches(username, &hash) {
            // Best effort: the sign-in stands; without a slot this user
            // needs someone else to open the vault, and the next sign-in
            // tries again.
            let _ = self.put_key_slot(username, passphrase.as_str(), &hash);
        }
        Ok(session)
    }

    /// Logs in the user whose key slot just opened the vault. A slot made
    /// for the account's current passphrase has proved it (Argon2id ran
    /// once, there), so only the account is checked (active, back-off); a
    /// slot left from an older passphrase proves nothing, and the
    /// passphrase is checked against the account as on an open vault.
    pub(crate) fn login_by_key_slot(
        &mut self,
        username: &str,
        passphrase: &Passphrase,
    ) -> Result<Session> {
        self.login_checked(username, passphrase, true)
    }

    /// `slot_opened`: the user's key slot opened the vault just now.
    fn login_checked(
        &mut self,
        username: &str,
        passphrase: &Passphrase,
        slot_opened: bool,
    ) -> Result<Session> {
        let now = self.now();
        let Some(user) = accounts::find(&self.conn, username)? else {
            if !slot_opened {
                passphrase.verify(decoy_hash());
            }
            self.log_standalone(AuditEvent::new("login", Outcome::Failed))?;
            return Err(Error::WrongCredentials);
        };
        if let Some(until) = user.retry_not_before.filter(|t| *t > now) {
            self.log_standalone(
                AuditEvent::new("login", Outcome::Denied)
                    .on(Subject::User(user.id))
                    .because("back-off"),
            )?;
            return Err(wait_until(until, now));
        }
        let proven = slot_opened && self.key_slot_matches(username, &user.passphrase_hash);
        if !proven && !passphrase.verify(&user.passphrase_hash) {
            let failures = user.failed_logins.saturating_add(1);
            let until = now + backoff_after(failures);
            self.transact("record a failed login", |tx| {
                accounts::record_failed_login(tx.conn(), user.id, failures, until)?;
                tx.audit(AuditEvent::new("login", Outcome::Failed).on(Subject::User(user.id)))
            })?;
            return Err(Error::WrongCredentials);
        }
        self.refuse_if_disabled(&user)?;
        self.transact("record a login", |tx| {
            accounts::clear_failed_logins(tx.conn(), user.id)?;
            tx.audit(AuditEvent::new("login", Outcome::Ok).by(user.id, user.role))
        })?;
        Ok(Session::opened(
            user.id,
            user.username,
            user.role,
            user.must_change_passphrase,
            now,
            false,
        ))
    }

    /// A sign-in that proved who it is still ends here if the owner
    /// disabled the account: refused, and logged.
    pub(super) fn refuse_if_disabled(&mut self, user: &accounts::UserRow) -> Result<()> {
        if !user.disabled {
            return Ok(());
        }
        self.log_standalone(
            AuditEvent::new("login", Outcome::Denied)
                .on(Subject::User(user.id))
                .because("account disabled"),
        )?;
        Err(Error::AccountDisabled)
    }

    /// The gate every operation passes: refuses a locked, idle, disabled or
    /// unpermitted session, and records refusals in the audit log. On success
    /// it counts as activity for the auto-lock.
    pub fn authorize(&mut self, session: &mut Session, action: Action) -> Result<()> {
        if session.locked {
            return Err(Error::SessionLocked);
        }
        if self.lock_if_idle(session)? {
            return Err(Error::SessionLocked);
        }
        let now = self.now();
        // Re-read the account: the owner may have disabled it or changed its
        // role since this session began.
        let Some(user) = accounts::by_id(&self.conn, session.user_id)? else {
            session.locked = true;
            return Err(Error::SessionLocked);
        };
        if user.disabled {
            self.lock_session(session, "account disabled")?;
            return Err(Error::AccountDisabled);
        }
        session.role = user.role;
        session.must_change_passphrase = user.must_change_passphrase;
        // Until they choose their own passphrase a new user may do nothing
        // but that; staying on the home screen (activity) is allowed so that
        // typing slowly on the change screen does not lock them out, and so
        // is choosing the language that screen speaks.
        if session.must_change_passphrase
            && !matches!(
                action,
                Action::ChangeOwnPassphrase | Action::ViewHome | Action::ChooseOwnLanguage
            )
        {
            return Err(Error::PassphraseChangeRequired);
        }
        if session.customer_mode.is_some() && !action.allowed_in_customer_mode() {
            self.log_standalone(
                AuditEvent::new(action.audit_label(), Outcome::Denied)
                    .by(session.user_id, session.role)
                    .because("customer mode"),
            )?;
            return Err(Error::CustomerMode);
        }
        if session.by_pin && action.needs_passphrase() && is_allowed(session.role, action) {
            self.log_standalone(
                AuditEvent::new(action.audit_label(), Outcome::Denied)
                    .by(session.user_id, session.role)
                    .because("signed in with a PIN"),
            )?;
            return Err(Error::PassphraseNeeded { action });
        }
        if !is_allowed(session.role, action) {
            self.log_standalone(
                AuditEvent::new(action.audit_label(), Outcome::Denied)
                    .by(session.user_id, session.role)
                    .because("not permitted for role"),
            )?;
            return Err(Error::Forbidden {
                action,
                role: session.role,
            });
        }
        session.last_active = now;
        Ok(())
    }

    /// Leaves customer mode: a staff member logs in (any active user, with
    /// the usual back-off on wrong passphrases) and gets a fresh session.
    /// The customer-mode session ends either way only on success.
    pub fn leave_customer_mode(
        &mut self,
        session: &mut Session,
        username: &str,
        passphrase: &Passphrase,
    ) -> Result<Session> {
        let next = self.login(username, passphrase)?;
        self.hand_back(session, &next)?;
        Ok(next)
    }

    /// The customer-mode session `session` ends: `next` took the screen back.
    pub(super) fn hand_back(&mut self, session: &mut Session, next: &Session) -> Result<()> {
        session.locked = true;
        self.log_standalone(
            AuditEvent::new("customer_mode.leave", Outcome::Ok).by(next.user_id, next.role),
        )
    }

    /// Locks the session if it has been idle longer than the auto-lock
    /// delay (the app checks this on its own, so a session locks even when
    /// the window stops asking); true if it is locked now. Not activity.
    /// How long `session` may stay idle before it locks: the shop's
    /// auto-lock, or, while a customer reads and fills in their form, at
    /// least [`CUSTOMER_MODE_IDLE_SECS`] (a half-filled form is not lost to
    /// the staff's short auto-lock; nothing of it is saved either way).
    pub fn idle_limit_secs(&self, session: &Session) -> Result<u32> {
        let shop = shop::autolock_seconds(&self.conn)?;
        Ok(if session.customer_mode.is_some() {
            shop.max(CUSTOMER_MODE_IDLE_SECS)
        } else {
            shop
        })
    }

    pub fn lock_if_idle(&mut self, session: &mut Session) -> Result<bool> {
        if session.locked {
            return Ok(true);
        }
        let idle_limit = Duration::seconds(i64::from(self.idle_limit_secs(session)?));
        if self.now() - session.last_active > idle_limit {
            self.lock_session(session, "autolock")?;
        }
        Ok(session.locked)
    }

    /// Marks the user as active without doing anything else (the UI calls it
    /// on keyboard and pointer activity). Fails once the session has locked.
    pub fn touch(&mut self, session: &mut Session) -> Result<()> {
        self.authorize(session, Action::ViewHome)
    }

    /// Locks the session (`reason`: "manual" or "autolock"); it cannot be
    /// used again, the user logs in anew.
    pub fn lock_session(&mut self, session: &mut Session, reason: &'static str) -> Result<()> {
        if session.locked {
            return Ok(());
        }
        session.locked = true;
        self.log_standalone(
            AuditEvent::new("lock", Outcome::Ok)
                .by(session.user_id, session.role)
                .because(reason),
        )
    }

    /// Ends the session.
    pub fn logout(&mut self, mut session: Session) -> Result<()> {
        let was_locked = session.locked;
        session.locked = true;
        if was_locked {
            return Ok(());
        }
        self.log_standalone(
            AuditEvent::new("logout", Outcome::Ok).by(session.user_id, session.role),
        )
    }
}
