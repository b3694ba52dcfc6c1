//! The backup schedule: when the next backup into the owner's folder is
//! due (one a day), whether the shop has gone too long without one (the
//! owner's home screen warns after a week), and the scheduled backup
//! itself, made without a session like the retention schedule. The folder
//! is the only record of what succeeded: a backup counts once it is there,
//! sealed under this vault's key.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::{sealed_in, BackupInfo, BackupMade};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::shop;
use crate::store::Vault;

/// A backup is made by the schedule once this long after the last one.
pub const SCHEDULE_EVERY_HOURS: i64 = 24;
/// The owner is warned when no backup has been made for this long.
pub const WARN_AFTER_DAYS: i64 = 7;

/// What the Backups panel and the owner's home screen show. No personal
/// data: the folder is the owner's own setting.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupsOverview {
    /// The owner's backup folder; `None` when none is set (no schedule).
    pub folder: Option<PathBuf>,
    /// Whether the folder could be read now (a USB disk may be unplugged).
    pub reachable: bool,
    /// This vault's backups in the folder, newest first.
    pub backups: Vec<BackupInfo>,
    /// When the next scheduled backup is due (now or earlier: at the next
    /// look while the app is open); `None` without a folder.
    pub next_at: Option<DateTime<Utc>>,
    /// No backup in the folder made within `WARN_AFTER_DAYS` (or the folder
    /// cannot be read, so none can be shown).
    pub overdue: bool,
}

/// The folder's backups, newest first, and whether it could be read.
fn newest_first(vault: &Vault, folder: &std::path::Path) -> Result<Vec<BackupInfo>> {
    let mut all = sealed_in(folder, vault.db_key(), vault.vault_id())?
        .into_iter()
        .map(|(path, h, bytes)| BackupInfo {
            file_name: super::name_of(&path),
            created_at: crate::time::parse_ts(&h.created_at).unwrap_or_default(),
            backup_id: h.backup_id,
            schema_version: h.schema_version,
            bytes,
            tombstones: h.tombstones.len(),
        })
        .collect::<Vec<_>>();
    all.reverse();
    Ok(all)
}

fn due_after(newest: Option<&BackupInfo>, now: DateTime<Utc>) -> DateTime<Utc> {
    newest
        .map(|b| b.created_at + Duration::hours(SCHEDULE_EVERY_HOURS))
        .unwrap_or(now)
}

impl Vault {
    /// The backup folder, its backups, the next scheduled one and whether
    /// the owner should be warned (owner, manager: who may make backups).
    pub fn backups_overview(&mut self, session: &mut Session) -> Result<BackupsOverview> {
        self.authorize(session, Action::MakeBackup)?;
        let now = self.now();
        let Some(folder) = shop::backup_folder(&self.conn)?.map(PathBuf::from) else {
            return Ok(BackupsOverview {
                folder: None,
                reachable: false,
                backups: Vec::new(),
                next_at: None,
                overdue: true,
            });
        };
        let (backups, reachable) = match newest_first(self, &folder) {
            Ok(b) => (b, true),
            Err(Error::InvalidInput { .. }) => (Vec::new(), false),
            Err(e) => return Err(e),
        };
        let newest = backups.first();
        let overdue = newest.is_none_or(|b| now - b.created_at > Duration::days(WARN_AFTER_DAYS));
        Ok(BackupsOverview {
            next_at: Some(due_after(newest, now)),
            folder: Some(folder),
            reachable,
            overdue,
            backups,
        })
    }

    /// The schedule's backup: made into the owner's folder when one is set
    /// and the newest backup there is `SCHEDULE_EVERY_HOURS` old (or there
    /// is none). Needs no session, like the retention schedule: it only
    /// copies the vault, encrypted, where the owner asked. `Ok(None)`: not
    /// due, or no folder set; an unreachable folder is an error to show.
    /// The backup made is verified all the way down before it counts.
    pub fn backup_if_due(&mut self) -> Result<Option<BackupMade>> {
        let Some(folder) = shop::backup_folder(&self.conn)?.map(PathBuf::from) else {
            return Ok(None);
        };
        let backups = newest_first(self, &folder)?;
        if due_after(backups.first(), self.now()) > self.now() {
            return Ok(None);
        }
        if !folder.is_dir() {
            return Err(Error::InvalidInput {
                field: "backup folder",
                reason: "the folder does not exist (is the disk plugged in?)",
            });
        }
        let made = self.make_backup(None, &folder)?;
        // Checked all the way down at once, so that the list can say so.
        let res = super::open_verified(&made.path, self.db_key(), self.vault_id(), &folder);
        let outcome = if res.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Failed
        };
        self.log_standalone(
            AuditEvent::new("backup.verify", outcome).on(Subject::Backup(made.backup_id.clone())),
        )?;
        res?;
        Ok(Some(made))
    }
}
