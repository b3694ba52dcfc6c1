//! The owner's settings for the till: the auto-lock delay, how long a
//! locked app keeps the vault open, the currency and the hourly search
//! limit. The values live in the shop's record (`shop`).

use super::session::Session;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::permissions::Action;
use crate::shop;
use crate::store::Vault;

/// Auto-lock delay bounds, in seconds (the default, 300, is in the schema).
pub const AUTOLOCK_RANGE: std::ops::RangeInclusive<u32> = 5..=3600;

/// Bounds of how long, in minutes, the app may stay locked before it closes
/// the vault (the default, 15, is in the schema).
pub const CLOSE_AFTER_LOCKED_RANGE: std::ops::RangeInclusive<u32> = 1..=1440;

/// Search limit bounds: how many different customers one manager's or
/// staff member's searches may show within an hour (the default, 60, is in
/// the schema; the owner is not limited, see `access::RoleScope`).
pub const SEARCH_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

impl Vault {
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
            shop::set_autolock_seconds(tx.conn(), seconds)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("autolock_seconds")),
            )
        })
    }

    /// Sets how long, in minutes, the app may stay locked before it closes
    /// the vault. Shorter is safer (the key leaves memory sooner); longer
    /// spares staff the slower sign-in that opens the vault.
    pub fn set_close_after_locked_minutes(
        &mut self,
        session: &mut Session,
        minutes: u32,
    ) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        if !CLOSE_AFTER_LOCKED_RANGE.contains(&minutes) {
            return Err(Error::InvalidInput {
                field: "close after locked",
                reason: "choose between 1 and 1440 minutes",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_close_after_locked_minutes(tx.conn(), minutes)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("close_after_locked_minutes")),
            )
        })
    }

    /// Sets how many different customers the searches of one manager or
    /// staff account may show within an hour (1 to 1000). A lower limit
    /// applies at once, to the searches of the last hour too.
    pub fn set_search_limit_per_hour(&mut self, session: &mut Session, limit: u32) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        if !SEARCH_LIMIT_RANGE.contains(&limit) {
            return Err(Error::InvalidInput {
                field: "search limit",
                reason: "choose between 1 and 1000 customers per hour",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_search_limit_per_hour(tx.conn(), limit)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("search_limit_per_hour")),
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
            shop::set_currency(tx.conn(), &code)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("currency")),
            )
        })?;
        Ok(code)
    }

    /// Sets the folder backups go to when none is given (a USB disk, a
    /// synced folder), or clears it with `None`. The folder must exist; it
    /// is stored inside the encrypted vault, and the audit log names only
    /// the setting, never the path (the owner's choice, which may say
    /// anything).
    pub fn set_backup_folder(
        &mut self,
        session: &mut Session,
        folder: Option<&std::path::Path>,
    ) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        let folder = match folder {
            Some(f) => {
                let abs = dunce::canonicalize(f).map_err(|_| Error::InvalidInput {
                    field: "backup folder",
                    reason: "the folder does not exist; create it (or plug in the disk) first",
                })?;
                if !abs.is_dir() {
                    return Err(Error::InvalidInput {
                        field: "backup folder",
                        reason: "that is a file, not a folder",
                    });
                }
                Some(abs.to_str().map(str::to_owned).ok_or(Error::InvalidInput {
                    field: "backup folder",
                    reason: "the folder's name is not valid Unicode; choose another folder",
                })?)
            }
            None => None,
        };
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_backup_folder(tx.conn(), folder.as_deref())?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("backup_folder")),
            )
        })
    }

    /// The backup folder the owner set, if any.
    pub fn backup_folder(&mut self, session: &mut Session) -> Result<Option<std::path::PathBuf>> {
        self.authorize(session, Action::MakeBackup)?;
        Ok(shop::backup_folder(&self.conn)?.map(std::path::PathBuf::from))
    }
}
