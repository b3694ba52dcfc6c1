//! Managing accounts: the owner adds people, disables them and changes
//! their roles (never leaving the shop without an active owner); everyone
//! changes their own passphrase; the recovery key lets an owner set a new
//! one after forgetting theirs. Each change to a passphrase or an account's
//! standing changes its key slot with it (see `keys::slots`); a role change
//! needs none, as the role lives in the vault.

use super::accounts::{self, UserRow, UserSummary};
use super::passphrase::Passphrase;
use super::session::Session;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::keys::slots::SlotBackup;
use crate::language::Lang;
use crate::permissions::{Action, Role};
use crate::store::Vault;

impl Vault {
    /// replaces the initial one the owner gave them).
    pub fn change_own_passphrase(
        &mut self,
        session: &mut Session,
        current: &Passphrase,
        replacement: &Passphrase,
    ) -> Result<()> {
        self.authorize(session, Action::ChangeOwnPassphrase)?;
        replacement.check_strength()?;
        let Some(user) = accounts::by_id(&self.conn, session.user_id())? else {
            return Err(Error::SessionLocked);
        };
        if !current.verify(&user.passphrase_hash) {
            self.log_standalone(
                AuditEvent::new("user.change_passphrase", Outcome::Failed)
                    .by(session.user_id, session.role)
                    .on(Subject::User(session.user_id)),
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
        let username = user.username.clone();
        self.with_key_slot_change(
            |v| v.put_key_slot(&username, replacement.as_str(), &hash),
            |v| {
                v.transact("change a passphrase", |tx| {
                    accounts::set_passphrase_hash(tx.conn(), id, &hash, false)?;
                    tx.audit(
                        AuditEvent::new("user.change_passphrase", Outcome::Ok)
                            .by(id, role)
                            .on(Subject::User(id)),
                    )
                })
            },
        )?;
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
        let user = accounts::find(&self.conn, username)?.ok_or(Error::UserNotFound)?;
        if user.role != Role::Owner || user.disabled {
            return Err(Error::InvalidInput {
                field: "username",
                reason: "the recovery key can only reset an active owner's passphrase",
            });
        }
        let hash = replacement.hash()?;
        self.with_key_slot_change(
            |v| v.put_key_slot(&user.username, replacement.as_str(), &hash),
            |v| {
                v.transact("reset a passphrase", |tx| {
                    accounts::set_passphrase_hash(tx.conn(), user.id, &hash, true)?;
                    tx.audit(
                        AuditEvent::new("user.reset_passphrase", Outcome::Ok)
                            .on(Subject::User(user.id))
                            .because("recovery key"),
                    )
                })
            },
        )
    }

    /// Changes a key slot, then the account: if the account change cannot
    /// be saved, the slot is put back, so that the slots never open the
    /// vault with a passphrase the account does not have.
    fn with_key_slot_change<T>(
        &mut self,
        slot_change: impl FnOnce(&mut Vault) -> Result<Option<SlotBackup>>,
        account_change: impl FnOnce(&mut Vault) -> Result<T>,
    ) -> Result<T> {
        let backup = slot_change(self)?;
        match account_change(self) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.restore_key_slot(backup);
                Err(e)
            }
        }
    }

    /// All accounts, for the owner (and the auditor, who reads the log by
    /// account).
    pub fn list_users(&mut self, session: &mut Session) -> Result<Vec<UserSummary>> {
        self.authorize(session, Action::ListUsers)?;
        accounts::list(&self.conn)
    }

    /// Adds an account. The new user must replace `initial` at first login.
    pub fn add_user(
        &mut self,
        session: &mut Session,
        username: &str,
        role: Role,
        initial: &Passphrase,
    ) -> Result<UserSummary> {
        self.add_user_speaking(session, username, role, initial, None)
    }

    /// Adds an account whose screens speak `language` (`None`: the shop's
    /// default). The new user must replace `initial` at first login.
    pub fn add_user_speaking(
        &mut self,
        session: &mut Session,
        username: &str,
        role: Role,
        initial: &Passphrase,
        language: Option<Lang>,
    ) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let username = accounts::validate_username(username)?;
        initial.check_strength()?;
        if accounts::find(&self.conn, &username)?.is_some()
            || accounts::looks_taken(&self.conn, &username)?
        {
            return Err(Error::UserExists);
        }
        let hash = initial.hash()?;
        let (actor, actor_role) = (session.user_id, session.role);
        self.with_key_slot_change(
            |v| v.put_key_slot(&username, initial.as_str(), &hash),
            |v| {
                v.transact("add an account", |tx| {
                    let id = accounts::insert(tx.conn(), &username, role, &hash, true, tx.now)?;
                    accounts::set_language(tx.conn(), id, language)?;
                    tx.audit(
                        AuditEvent::new("user.add", Outcome::Ok)
                            .by(actor, actor_role)
                            .on(Subject::User(id)),
                    )
                })
            },
        )?;
        accounts::summary(&self.conn, &username)
    }

    /// Whether `user` is the only active owner left.
    fn is_last_active_owner(&self, user: &UserRow) -> Result<bool> {
        if user.role != Role::Owner || user.disabled {
            return Ok(false);
        }
        Ok(accounts::active_owner_count(&self.conn)? <= 1)
    }

    /// Disables an account: it can no longer log in; its history stays.
    pub fn disable_user(&mut self, session: &mut Session, username: &str) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let user = accounts::find(&self.conn, username)?.ok_or(Error::UserNotFound)?;
        if self.is_last_active_owner(&user)? {
            return Err(Error::LastOwner);
        }
        let (actor, actor_role) = (session.user_id, session.role);
        // Its key slot goes first: a disabled account opens nothing.
        self.with_key_slot_change(
            |v| v.remove_key_slot(&user.username),
            |v| {
                v.transact("disable an account", |tx| {
                    accounts::disable(tx.conn(), user.id)?;
                    tx.audit(
                        AuditEvent::new("user.disable", Outcome::Ok)
                            .by(actor, actor_role)
                            .on(Subject::User(user.id)),
                    )
                })
            },
        )?;
        accounts::summary(&self.conn, username.trim())
    }

    /// Changes an account's role.
    pub fn set_role(
        &mut self,
        session: &mut Session,
        username: &str,
        role: Role,
    ) -> Result<UserSummary> {
        self.authorize(session, Action::ManageUsers)?;
        let user = accounts::find(&self.conn, username)?.ok_or(Error::UserNotFound)?;
        if role != Role::Owner && self.is_last_active_owner(&user)? {
            return Err(Error::LastOwner);
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a role", |tx| {
            accounts::set_role(tx.conn(), user.id, role)?;
            tx.audit(
                AuditEvent::new("user.set_role", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::User(user.id)),
            )
        })?;
        accounts::summary(&self.conn, username.trim())
    }
}
