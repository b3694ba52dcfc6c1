//! Accounts, passphrases and sessions: who is at the shop computer and what
//! their role lets them do.
//!
//! Passphrases are stored only as Argon2id hashes (OWASP parameters) and held
//! in memory as [`Passphrase`], which wipes itself. Failed logins slow down
//! exponentially, and the back-off is stored in the vault so that restarting
//! the app does not reset it. A [`Session`] can only be made by a successful
//! login; every operation takes it and goes through [`Vault::authorize`],
//! which checks auto-lock, a pending passphrase change, that the account is
//! still active, and the permission matrix, in that order.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit::{AuditEvent, Outcome, Verdict};
use crate::error::{Error, Result};
use crate::permissions::{is_allowed, Action, Role};
use crate::time::{format_ts, parse_ts};
use crate::vault::Vault;

/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
const MAX_PASSPHRASE_CHARS: usize = 1024;
/// Longest wait imposed after failed logins.
const MAX_BACKOFF_SECS: i64 = 15 * 60;
/// Auto-lock delay bounds, in seconds (the default, 300, is in the schema).
pub const AUTOLOCK_RANGE: std::ops::RangeInclusive<u32> = 5..=3600;

/// A passphrase in memory: wiped on drop, never printed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(Zeroizing::new(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The minimum every new passphrase must meet.
    pub fn check_strength(&self) -> Result<()> {
        let n = self.0.chars().count();
        if n < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase("use at least 10 characters"));
        }
        if n > MAX_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase("use at most 1024 characters"));
        }
        if self.0.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase(
                "use at least 10 characters besides spaces",
            ));
        }
        Ok(())
    }

    /// An Argon2id PHC string of this passphrase with a fresh salt.
    pub(crate) fn hash(&self) -> Result<String> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        hasher()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| Error::WeakPassphrase("it cannot be hashed"))
    }

    fn verify(&self, phc: &str) -> bool {
        PasswordHash::new(phc)
            .map(|h| hasher().verify_password(self.0.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Argon2id with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    // Invariant: constant parameters within Argon2's limits.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash verified against when the username is unknown, so that a wrong
/// username takes as long as a wrong passphrase.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        Passphrase::new("steward decoy passphrase".into())
            .hash()
            .unwrap_or_default()
    })
}

pub(crate) fn validate_username(name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |reason| Error::InvalidInput {
        field: "username",
        reason,
    };
    if name.is_empty() || name.chars().count() > 64 {
        return Err(bad("use 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(bad("use letters, digits, '.', '_' or '-' only"));
    }
    Ok(name.to_owned())
}

pub(crate) fn validate_shop_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::InvalidInput {
            field: "shop name",
            reason: "use 1 to 100 printable characters",
        });
    }
    Ok(name.to_owned())
}

/// How long to wait after `failures` consecutive failed logins: 1 s, 2 s,
/// 4 s, ... doubling up to 15 minutes.
pub fn backoff_after(failures: u32) -> Duration {
    let secs = 1i64
        .checked_shl(failures.saturating_sub(1))
        .unwrap_or(MAX_BACKOFF_SECS)
        .min(MAX_BACKOFF_SECS);
    Duration::seconds(secs)
}

/// A logged-in user at the shop computer. Only [`Vault::login`] makes one.
#[derive(Debug)]
pub struct Session {
    user_id: i64,
    username: String,
    role: Role,
    must_change_passphrase: bool,
    last_active: DateTime<Utc>,
    locked: bool,
    customer_mode: bool,
}

impl Session {
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
        self.customer_mode
    }
    /// What this session may do now: its role's actions, narrowed to the
    /// consent form while in customer mode. For a UI that shows only what
    /// can be used; every call is still checked.
    pub fn allowed_actions(&self) -> Vec<Action> {
        crate::permissions::allowed_actions(self.role)
            .into_iter()
            .filter(|a| !self.customer_mode || a.allowed_in_customer_mode())
            .collect()
    }
    pub fn is_locked(&self) -> bool {
        self.locked
    }
}

/// A user account as the owner sees it in the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_passphrase: bool,
    pub created_at: String,
}

struct UserRow {
    id: i64,
    username: String,
    role: Role,
    passphrase_hash: String,
    must_change_passphrase: bool,
    disabled: bool,
    failed_logins: u32,
    retry_not_before: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "id, role, passphrase_hash, must_change_passphrase, disabled, \
     failed_logins, retry_not_before, username";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    let retry: Option<String> = r.get(6)?;
    Ok(UserRow {
        id: r.get(0)?,
        role: r.get(1)?,
        passphrase_hash: r.get(2)?,
        must_change_passphrase: r.get(3)?,
        disabled: r.get(4)?,
        failed_logins: r.get(5)?,
        retry_not_before: retry.as_deref().and_then(parse_ts),
        username: r.get(7)?,
    })
}

const SUMMARY_COLUMNS: &str = "username, role, disabled, must_change_passphrase, created_at";

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserSummary> {
    Ok(UserSummary {
        username: r.get(0)?,
        role: r.get(1)?,
        disabled: r.get(2)?,
        must_change_passphrase: r.get(3)?,
        created_at: r.get(4)?,
    })
}

fn user_subject(id: i64) -> String {
    format!("user:{id}")
}

impl Vault {
    fn find_user(&self, username: &str) -> Result<Option<UserRow>> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM user_account WHERE username = ?1"),
                [username.trim()],
                user_row,
            )
            .optional()
            .map_err(Error::db("look up an account"))
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM user_account WHERE id = ?1"),
                [id],
                user_row,
            )
            .optional()
            .map_err(Error::db("look up an account"))
    }

    /// Logs a user in. Wrong usernames and wrong passphrases get the same
    /// error and take the same time; repeated failures lock the account out
    /// for a doubling time that survives restarts.
    pub fn login(&mut self, username: &str, passphrase: &Passphrase) -> Result<Session> {
        let now = self.now();
        let Some(user) = self.find_user(username)? else {
            passphrase.verify(decoy_hash());
            self.log_standalone(AuditEvent::new("login", Outcome::Failed))?;
            return Err(Error::WrongCredentials);
        };
        if let Some(until) = user.retry_not_before.filter(|t| *t > now) {
            self.log_standalone(
                AuditEvent::new("login", Outcome::Denied)
                    .on(user_subject(user.id))
                    .because("back-off"),
            )?;
            let secs = (until - now)
                .num_milliseconds()
                .max(0)
                .unsigned_abs()
                .div_ceil(1000);
            return Err(Error::TooManyAttempts {
                retry_after_secs: secs.max(1),
            });
        }
        if !passphrase.verify(&user.passphrase_hash) {
            let failures = user.failed_logins.saturating_add(1);
            let until = now + backoff_after(failures);
            self.transact("record a failed login", |tx| {
                tx.conn()
                    .execute(
                        "UPDATE user_account SET failed_logins = ?1, retry_not_before = ?2 WHERE id = ?3",
                        params![failures, format_ts(until), user.id],
                    )
                    .map_err(Error::db("record a failed login"))?;
                tx.audit(AuditEvent::new("login", Outcome::Failed).on(user_subject(user.id)))
            })?;
            return Err(Error::WrongCredentials);
        }
        if user.disabled {
            self.log_standalone(
                AuditEvent::new("login", Outcome::Denied)
                    .on(user_subject(user.id))
                    .because("account disabled"),
            )?;
            return Err(Error::AccountDisabled);
        }
        self.transact("record a login", |tx| {
            tx.conn()
                .execute(
                    "UPDATE user_account SET failed_logins = 0, retry_not_before = NULL WHERE id = ?1",
                    [user.id],
                )
                .map_err(Error::db("record a login"))?;
            tx.audit(AuditEvent::new("login", Outcome::Ok).by(user.id, user.role))
        })?;
        Ok(Session {
            user_id: user.id,
            username: user.username,
            role: user.role,
            must_change_passphrase: user.must_change_passphrase,
            last_active: now,
            locked: false,
            customer_mode: false,
        })
    }

    /// The auto-lock delay in seconds (a shop setting, default 5 minutes).
    pub fn autolock_seconds(&self) -> Result<u32> {
        self.conn
            .query_row("SELECT autolock_seconds FROM shop WHERE id = 1", [], |r| {
                r.get(0)
            })
            .map_err(Error::db("read the auto-lock setting"))
    }

    /// The gate every operation passes: refuses a locked, idle, disabled or
    /// unpermitted session, and records refusals in the audit log. On success
    /// it counts as activity for the auto-lock.
    pub fn authorize(&mut self, session: &mut Session, action: Action) -> Result<()> {
        if session.locked {
            return Err(Error::SessionLocked);
        }
        let now = self.now();
        let idle_limit = Duration::seconds(i64::from(self.autolock_seconds()?));
        if now - session.last_active > idle_limit {
            self.lock_session(session, "autolock")?;
            return Err(Error::SessionLocked);
        }
        // Re-read the account: the owner may have disabled it or changed its
        // role since this session began.
        let Some(user) = self.user_by_id(session.user_id)? else {
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
        // typing slowly on the change screen does not lock them out.
        if session.must_change_passphrase
            && !matches!(action, Action::ChangeOwnPassphrase | Action::ViewHome)
        {
            return Err(Error::PassphraseChangeRequired);
        }
        if session.customer_mode && !action.allowed_in_customer_mode() {
            self.log_standalone(
                AuditEvent::new(action.audit_label(), Outcome::Denied)
                    .by(session.user_id, session.role)
                    .because("customer mode"),
            )?;
            return Err(Error::CustomerMode);
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

    /// Hands the screen to a customer: until a staff member logs in again,
    /// the session can only show the notice, take the consent form and show
    /// its receipt. Only someone who may record consent can do this.
    pub fn enter_customer_mode(&mut self, session: &mut Session) -> Result<()> {
        self.authorize(session, Action::RecordConsent)?;
        session.customer_mode = true;
        self.log_standalone(
            AuditEvent::new("customer_mode.enter", Outcome::Ok).by(session.user_id, session.role),
        )
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
        session.locked = true;
        self.log_standalone(
            AuditEvent::new("customer_mode.leave", Outcome::Ok).by(next.user_id, next.role),
        )?;
        Ok(next)
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

    /// Changes the session user's own passphrase (also how a new user
    /// replaces the initial one the owner gave them).
    pub fn change_own_passphrase(
        &mut self,
        session: &mut Session,
        current: &Passphrase,
        replacement: &Passphrase,
    ) -> Result<()> {
        self.authorize(session, Action::ChangeOwnPassphrase)?;
        replacement.check_strength()?;
        let Some(user) = self.user_by_id(session.user_id)? else {
            return Err(Error::SessionLocked);
        };
        if !current.verify(&user.passphrase_hash) {
            self.log_standalone(
                AuditEvent::new("user.change_passphrase", Outcome::Failed)
                    .by(session.user_id, session.role)
                    .on(user_subject(session.user_id)),
            )?;
            return Err(Error::WrongCredentials);
        }
        if current.as_str() == replacement.as_str() {
            return Err(Error::WeakPassphrase(
                "choose a passphrase different from the current one",
            ));
        }
        let hash = replacement.hash()?;
        let (id, role) = (session.user_id, session.role);
        self.transact("change a passphrase", |tx| {
            tx.conn()
                .execute(
                    "UPDATE user_account SET passphrase_hash = ?1, must_change_passphrase = 0 WHERE id = ?2",
                    params![hash, id],
                )
                .map_err(Error::db("change a passphrase"))?;
            tx.audit(AuditEvent::new("user.change_passphrase", Outcome::Ok).by(id, role).on(user_subject(id)))
        })?;
        session.must_change_passphrase = false;
        Ok(())
    }

    /// After opening with the recovery key, the owner may set a new passphrase
    /// for an owner account (they forgot theirs). Refused on a vault opened
    /// normally: the recovery key is the proof.
    pub fn reset_owner_passphrase(
        &mut self,
        username: &str,
        replacement: &Passphrase,
    ) -> Result<()> {
        if !self.opened_by_recovery {
            return Err(Error::Forbidden {
                action: Action::ManageUsers,
                role: Role::Owner,
            });
        }
        replacement.check_strength()?;
        let user = self.find_user(username)?.ok_or(Error::UserNotFound)?;
        if user.role != Role::Owner || user.disabled {
            return Err(Error::InvalidInput {
                field: "username",
                reason: "the recovery key can only reset an active owner's passphrase",
            });
        }
        let hash = replacement.hash()?;
        self.transact("reset a passphrase", |tx| {
            tx.conn()
                .execute(
                    "UPDATE user_account SET passphrase_hash = ?1, must_change_passphrase = 0,
                     failed_logins = 0, retry_not_before = NULL WHERE id = ?2",
                    params![hash, user.id],
                )
                .map_err(Error::db("reset a passphrase"))?;
            tx.audit(
                AuditEvent::new("user.reset_passphrase", Outcome::Ok)
                    .on(user_subject(user.id))
                    .because("recovery key"),
            )
        })
    }

    /// All accounts, for the owner (and the auditor, who reads the log by
    /// account).
    pub fn list_users(&mut self, session: &mut Session) -> Result<Vec<UserSummary>> {
        self.authorize(session, Action::ListUsers)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM user_account ORDER BY username COLLATE NOCASE"
            ))
            .map_err(Error::db("list accounts"))?;
        let users = stmt
            .query_map([], summary_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(Error::db("list accounts"))?;
        Ok(users)
    }

    fn summary(&self, username: &str) -> Result<UserSummary> {
        self.conn
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS} FROM user_account WHERE username = ?1"),
                [username],
                summary_row,
            )
            .optional()
            .map_err(Error::db("read an account"))?
            .ok_or(Error::UserNotFound)
    }

    /// Adds an account. The new user must replace `initial` at first login.
    pub fn add_user(
        &mut self,
        session: &mut Session,
        username: &str,
        role: Role,
        initial: &Passphrase,
    ) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let username = validate_username(username)?;
        initial.check_strength()?;
        if self.find_user(&username)?.is_some() {
            return Err(Error::UserExists);
        }
        let hash = initial.hash()?;
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("add an account", |tx| {
            tx.conn()
                .execute(
                    "INSERT INTO user_account (username, role, passphrase_hash, must_change_passphrase, created_at)
                     VALUES (?1, ?2, ?3, 1, ?4)",
                    params![username, role.as_str(), hash, format_ts(tx.now)],
                )
                .map_err(Error::db("add an account"))?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(AuditEvent::new("user.add", Outcome::Ok).by(actor, actor_role).on(user_subject(id)))
        })?;
        self.summary(&username)
    }

    /// Whether `user` is the only active owner left.
    fn is_last_active_owner(&self, user: &UserRow) -> Result<bool> {
        if user.role != Role::Owner || user.disabled {
            return Ok(false);
        }
        let owners: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM user_account WHERE role = 'owner' AND disabled = 0",
                [],
                |r| r.get(0),
            )
            .map_err(Error::db("count owners"))?;
        Ok(owners <= 1)
    }

    /// Disables an account: it can no longer log in; its history stays.
    pub fn disable_user(&mut self, session: &mut Session, username: &str) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let user = self.find_user(username)?.ok_or(Error::UserNotFound)?;
        if self.is_last_active_owner(&user)? {
            return Err(Error::LastOwner);
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("disable an account", |tx| {
            tx.conn()
                .execute(
                    "UPDATE user_account SET disabled = 1 WHERE id = ?1",
                    [user.id],
                )
                .map_err(Error::db("disable an account"))?;
            tx.audit(
                AuditEvent::new("user.disable", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(user_subject(user.id)),
            )
        })?;
        self.summary(username.trim())
    }

    /// Changes an account's role.
    pub fn set_role(
        &mut self,
        session: &mut Session,
        username: &str,
        role: Role,
    ) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let user = self.find_user(username)?.ok_or(Error::UserNotFound)?;
        if role != Role::Owner && self.is_last_active_owner(&user)? {
            return Err(Error::LastOwner);
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a role", |tx| {
            tx.conn()
                .execute(
                    "UPDATE user_account SET role = ?1 WHERE id = ?2",
                    params![role.as_str(), user.id],
                )
                .map_err(Error::db("change a role"))?;
            tx.audit(
                AuditEvent::new("user.set_role", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(user_subject(user.id)),
            )
        })?;
        self.summary(username.trim())
    }

    /// Sets the auto-lock delay, in seconds.
    pub fn set_autolock_seconds(&mut self, session: &mut Session, seconds: u32) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        if !AUTOLOCK_RANGE.contains(&seconds) {
            return Err(Error::InvalidInput {
                field: "auto-lock delay",
                reason: "choose between 5 and 3600 seconds",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            tx.conn()
                .execute(
                    "UPDATE shop SET autolock_seconds = ?1 WHERE id = 1",
                    [seconds],
                )
                .map_err(Error::db("change a setting"))?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on("setting:autolock_seconds".into()),
            )
        })
    }

    /// Sets the currency the till records amounts in (ISO 4217: three
    /// capital letters, e.g. `EUR`, `IDR`). Purchases already recorded keep
    /// the currency they were recorded in.
    pub fn set_currency(&mut self, session: &mut Session, code: &str) -> Result<String> {
        self.authorize(session, Action::ChangeSettings)?;
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::InvalidInput {
                field: "currency",
                reason: "give the three-letter ISO 4217 code, e.g. EUR or IDR",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            tx.conn()
                .execute("UPDATE shop SET currency = ?1 WHERE id = 1", [&code])
                .map_err(Error::db("change a setting"))?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on("setting:currency".into()),
            )
        })?;
        Ok(code)
    }

    /// Checks the audit log's hash chain and its anchor.
    pub fn verify_audit_log(&mut self, session: &mut Session) -> Result<Verdict> {
        self.authorize(session, Action::VerifyAuditLog)?;
        let verdict = self.verify_chain()?;
        let outcome = if verdict.intact {
            Outcome::Ok
        } else {
            Outcome::Failed
        };
        self.log_standalone(
            AuditEvent::new("audit.verify", outcome).by(session.user_id, session.role),
        )?;
        Ok(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_fifteen_minutes() {
        let secs: Vec<i64> = (1..=12).map(|n| backoff_after(n).num_seconds()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(backoff_after(200).num_seconds(), 900);
    }

    #[test]
    fn passphrase_debug_hides_the_secret() {
        let p = Passphrase::new("correct horse battery".into());
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(Passphrase::new("short".into()).check_strength().is_err());
        assert!(Passphrase::new("          x".into())
            .check_strength()
            .is_err());
        assert!(Passphrase::new("long enough phrase".into())
            .check_strength()
            .is_ok());
    }
}
