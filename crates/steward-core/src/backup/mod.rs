//! Encrypted backups that honour erasure (issue 13 §3): `backup now`
//! copies the open vault consistently into one file under a fresh random
//! key (`file` says what the file holds and how it is sealed), then
//! deletes this vault's backups older than the longest retention period,
//! with a destruction record; `backups` lists a folder's backups, `verify`
//! checks one all the way down (its seal, its database's integrity and its
//! audit log up to the head its header states), and `restore` (in
//! `restore`) puts one back and replays every erasure the backup does not
//! know, so that no erased customer comes back.
//!
//! What is logged: who made, verified or restored which backup (by its
//! random id), never a path: folders and file names are the owner's choice.

mod file;
mod restore;
mod schedule;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::audit::{self, AuditEvent, Outcome, Subject};
use crate::consent::{ledger, purposes};
use crate::error::{Error, Result};
use crate::keys::keystore::DbKey;
use crate::people::Session;
use crate::permissions::{Action, Role};
use crate::records::erasure::{self as tombstones, NewRecord};
use crate::shop;
use crate::store::{open_copy, Vault};
use crate::time::{format_ts, parse_ts};

pub use restore::{BackupPreview, Restored};
pub use schedule::{BackupsOverview, SCHEDULE_EVERY_HOURS, WARN_AFTER_DAYS};

/// A backup just made.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupMade {
    pub path: PathBuf,
    pub file_name: String,
    pub backup_id: String,
    pub created_at: DateTime<Utc>,
    pub bytes: u64,
    /// How many older backups were deleted (older than the longest
    /// retention period), and the destruction record that says so.
    pub pruned: usize,
    pub destruction_record: Option<i64>,
}

/// A backup as `backup list` shows it (from its header, whose seal was
/// checked with this vault's key).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub file_name: String,
    pub backup_id: String,
    pub created_at: DateTime<Utc>,
    pub schema_version: i64,
    pub bytes: u64,
    /// Customers erased before it was made.
    pub tombstones: usize,
}

/// What `backup verify` found: all of it checked. Counts only.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedBackup {
    pub file_name: String,
    pub backup_id: String,
    pub created_at: DateTime<Utc>,
    pub schema_version: i64,
    pub audit_entries: i64,
    pub customers: i64,
    pub tombstones: usize,
}

/// `event` as done by `actor`, or by the schedule (no actor) when `None`.
fn made_by(event: AuditEvent, actor: Option<(i64, Role)>) -> AuditEvent {
    match actor {
        Some((by, role)) => event.by(by, role),
        None => event,
    }
}

/// The time stamp in a backup's file name: local time, sortable.
fn file_name(vault_id: &str, now: DateTime<Utc>, n: usize) -> String {
    let local = now.with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S");
    let short = &vault_id[..vault_id.len().min(8)];
    let extra = if n == 0 {
        String::new()
    } else {
        format!("-{n}")
    };
    format!("steward-backup-{short}-{local}{extra}.{}", file::EXTENSION)
}

/// A temporary file of ours, removed when dropped (a copy still encrypted).
pub(crate) struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn temp_in(dir: &Path, what: &str) -> TempFile {
    TempFile(dir.join(format!(
        ".steward-{what}-{}.tmp",
        uuid::Uuid::new_v4().simple()
    )))
}

/// A backup opened and checked all the way: its header, key, database
/// (extracted next to `scratch`, still encrypted) and audit log.
pub(crate) struct Opened {
    pub header: file::Header,
    pub key: DbKey,
    pub db: TempFile,
    pub audit_entries: i64,
    pub customers: i64,
    /// The shop's name in the backup (the shop's, never a customer's).
    pub shop_name: String,
}

/// Checks a backup all the way down with the vault's database key.
pub(crate) fn open_verified(
    path: &Path,
    db_key: &DbKey,
    vault_id: &str,
    scratch: &Path,
) -> Result<Opened> {
    let unsealed = file::read(path)?;
    let key = unsealed.open(db_key, vault_id)?;
    let db = temp_in(scratch, "backup-check");
    unsealed.extract_body(&db.0)?;
    let conn = open_copy(&db.0, &key)?;
    let header = unsealed.header;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| Error::BackupInvalid {
            reason: "its database is damaged",
        })?;
    if check != "ok" {
        return Err(Error::BackupInvalid {
            reason: "its database is damaged",
        });
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::db("read the backup's schema version"))?;
    if version != header.schema_version {
        return Err(Error::BackupInvalid {
            reason: "its database is not the one its header describes",
        });
    }
    let chain_key = crate::keys::chain::ChainKey::derive_for(db_key, audit::CHAIN_LABEL);
    let verdict = audit::verify_chain(&conn, &chain_key)?;
    if !verdict.intact {
        return Err(Error::BackupInvalid {
            reason: "its audit log is broken",
        });
    }
    if audit::head(&conn)?.as_ref() != Some(&header.audit_head.to_head()?) {
        return Err(Error::BackupInvalid {
            reason: "its audit log does not end where its header says",
        });
    }
    let ledger_head = header
        .ledger_head
        .as_ref()
        .map(|h| h.to_head())
        .transpose()?;
    if ledger::head(&conn)? != ledger_head {
        return Err(Error::BackupInvalid {
            reason: "its consent ledger does not end where its header says",
        });
    }
    if tombstones::tombstones(&conn)? != header.tombstones {
        return Err(Error::BackupInvalid {
            reason: "its erasure tombstones differ from its header's",
        });
    }
    let customers = crate::records::customer::count(&conn)?;
    let shop_name = shop::name(&conn)?;
    drop(conn);
    Ok(Opened {
        header,
        key,
        db,
        audit_entries: verdict.entries,
        customers,
        shop_name,
    })
}

/// The headers of the backups of vault `vault_id` in `folder` whose seal
/// holds under `db_key`, with their file names; anything else there (other
/// files, other vaults' backups, damaged ones) is passed over.
pub(crate) fn sealed_in(
    folder: &Path,
    db_key: &DbKey,
    vault_id: &str,
) -> Result<Vec<(PathBuf, file::Header, u64)>> {
    let entries = match fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::InvalidInput {
                field: "backup folder",
                reason: "the folder does not exist (is the disk plugged in?)",
            })
        }
        Err(e) => return Err(Error::io("read the backup folder")(e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some(file::EXTENSION) {
            continue;
        }
        let Ok(unsealed) = file::read(&path) else {
            continue;
        };
        if unsealed.open(db_key, vault_id).is_ok() {
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.push((path, unsealed.header, bytes));
        }
    }
    out.sort_by(|a, b| a.1.created_at.cmp(&b.1.created_at));
    Ok(out)
}

pub(crate) fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Vault {
    /// The folder `backup now` uses when given none: the owner's setting.
    fn backup_folder_or(&self, to: Option<&Path>) -> Result<PathBuf> {
        match to {
            Some(p) => Ok(p.to_owned()),
            None => shop::backup_folder(&self.conn)?
                .map(PathBuf::from)
                .ok_or(Error::NoBackupFolder),
        }
    }

    fn scratch_dir(&self) -> PathBuf {
        self.path()
            .parent()
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Makes an encrypted backup of the whole vault in `to` (or the backup
    /// folder the owner set), never over an existing file, then deletes
    /// this vault's backups there that are older than the longest
    /// retention period (a destruction record says how many).
    pub fn backup_now(&mut self, session: &mut Session, to: Option<&Path>) -> Result<BackupMade> {
        self.authorize(session, Action::MakeBackup)?;
        let folder = self.backup_folder_or(to)?;
        self.make_backup(Some((session.user_id(), session.role())), &folder)
    }

    /// Makes the backup in `folder` for `actor` (`None`: the schedule),
    /// then prunes the folder.
    fn make_backup(&mut self, actor: Option<(i64, Role)>, folder: &Path) -> Result<BackupMade> {
        if !folder.is_dir() {
            return Err(Error::InvalidInput {
                field: "backup folder",
                reason: "the folder does not exist (is the disk plugged in?)",
            });
        }
        let backup_id = uuid::Uuid::new_v4().to_string();
        let backup_key = DbKey::generate();
        let copy = temp_in(folder, "backup-db");
        let vault_id = self.vault_id().to_owned();
        let recovery_file = crate::keys::recovery::read_bytes(self.path())?;
        let recovery_file = String::from_utf8(recovery_file).map_err(|_| {
            Error::RecoveryFileMissing(crate::keys::recovery::recovery_path(self.path()))
        })?;
        let id = backup_id.clone();
        let (created_at, mut header) = self.export_copy(&copy.0, &backup_key, |tx| {
            tx.audit(
                made_by(AuditEvent::new("backup.make", Outcome::Ok), actor)
                    .on(Subject::Backup(id.clone())),
            )?;
            let conn = tx.conn();
            let audit_head = audit::head(conn)?.ok_or(Error::VaultDamaged {
                reason: "the audit log is empty",
            })?;
            let schema_version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(Error::db("read the schema version"))?;
            let header = file::Header {
                format: file::FORMAT.into(),
                backup_id: id.clone(),
                vault_id: vault_id.clone(),
                created_at: format_ts(tx.now),
                schema_version,
                audit_head: file::ChainHead::of(&audit_head),
                ledger_head: ledger::head(conn)?.as_ref().map(file::ChainHead::of),
                tombstones: tombstones::tombstones(conn)?,
                key_nonce: String::new(),
                wrapped_key: String::new(),
                recovery_file,
                body_bytes: 0,
                body_sha256: String::new(),
            };
            Ok((tx.now, header))
        })?;
        let (nonce, wrapped) = file::wrap_key(self.db_key(), &backup_key, &vault_id, &backup_id);
        header.key_nonce = nonce;
        header.wrapped_key = wrapped;
        (header.body_bytes, header.body_sha256) = file::digest(&copy.0)?;
        let mut n = 0;
        let path = loop {
            let candidate = folder.join(file_name(&vault_id, created_at, n));
            let res = crate::files::write_new_atomic_with(&candidate, |out| {
                file::write(out, &header, &backup_key, &copy.0)
            });
            match res {
                Ok(()) => break candidate,
                Err(Error::FileExists) if n < 100 => n += 1,
                Err(e) => {
                    // The entry in the log says a backup was made: say it was not.
                    let _ = self.log_standalone(
                        made_by(AuditEvent::new("backup.make", Outcome::Failed), actor)
                            .on(Subject::Backup(backup_id.clone())),
                    );
                    return Err(e);
                }
            }
        };
        drop(copy);
        let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let (pruned, destruction_record) = self.prune_backups(actor, folder, &path)?;
        Ok(BackupMade {
            file_name: name_of(&path),
            path,
            backup_id,
            created_at,
            bytes,
            pruned,
            destruction_record,
        })
    }

    /// Deletes this vault's backups in `folder` older than the longest
    /// retention period of any purpose (never `keep`, the one just made),
    /// and writes a destruction record when any went.
    fn prune_backups(
        &mut self,
        actor: Option<(i64, Role)>,
        folder: &Path,
        keep: &Path,
    ) -> Result<(usize, Option<i64>)> {
        let longest = purposes::load_purposes(&self.conn)?
            .iter()
            .map(|p| p.retention_days)
            .max()
            .unwrap_or(0);
        if longest == 0 {
            return Ok((0, None));
        }
        let cutoff = self.now() - Duration::days(i64::from(longest));
        let mut deleted = 0usize;
        for (path, header, _) in sealed_in(folder, self.db_key(), self.vault_id())? {
            let made = parse_ts(&header.created_at).unwrap_or(cutoff);
            if made < cutoff && path != keep && fs::remove_file(&path).is_ok() {
                deleted += 1;
            }
        }
        if deleted == 0 {
            return Ok((0, None));
        }
        let rows = BTreeMap::from([("backup files".to_owned(), deleted as u64)]);
        let id = self.transact("record deleted backups", |tx| {
            let id = tombstones::record(
                tx.conn(),
                &NewRecord {
                    trigger: "backup-prune",
                    ground: "no-longer-needed",
                    by: actor,
                    rows: &rows,
                    method: Some(PRUNE_METHOD),
                },
                tx.now,
            )?;
            tx.audit(
                made_by(AuditEvent::new("backup.prune", Outcome::Ok), actor)
                    .because("older than the longest retention period"),
            )?;
            Ok(id)
        })?;
        Ok((deleted, Some(id)))
    }

    /// This vault's backups in `folder` (or the owner's backup folder),
    /// oldest first; other files there are passed over.
    pub fn backups(
        &mut self,
        session: &mut Session,
        folder: Option<&Path>,
    ) -> Result<Vec<BackupInfo>> {
        self.authorize(session, Action::VerifyBackups)?;
        let folder = self.backup_folder_or(folder)?;
        Ok(sealed_in(&folder, self.db_key(), self.vault_id())?
            .into_iter()
            .map(|(path, h, bytes)| BackupInfo {
                file_name: name_of(&path),
                created_at: parse_ts(&h.created_at).unwrap_or_default(),
                backup_id: h.backup_id,
                schema_version: h.schema_version,
                bytes,
                tombstones: h.tombstones.len(),
            })
            .collect())
    }

    /// Checks a backup all the way down: its seal under this vault's key,
    /// that its database opens under its own key and passes SQLite's
    /// integrity check, and that its audit log's chain holds up to the
    /// head its header states. Any failure is a specific `BackupInvalid`
    /// (or `BackupOfAnotherVault`); the verdict is logged either way.
    pub fn verify_backup(&mut self, session: &mut Session, path: &Path) -> Result<VerifiedBackup> {
        self.authorize(session, Action::VerifyBackups)?;
        let res = open_verified(path, self.db_key(), self.vault_id(), &self.scratch_dir());
        let ev = AuditEvent::new(
            "backup.verify",
            if res.is_ok() {
                Outcome::Ok
            } else {
                Outcome::Failed
            },
        )
        .by(session.user_id(), session.role());
        let ev = match &res {
            Ok(o) => ev.on(Subject::Backup(o.header.backup_id.clone())),
            Err(_) => ev,
        };
        self.log_standalone(ev)?;
        let o = res?;
        Ok(VerifiedBackup {
            file_name: name_of(path),
            created_at: parse_ts(&o.header.created_at).unwrap_or_default(),
            backup_id: o.header.backup_id,
            schema_version: o.header.schema_version,
            audit_entries: o.audit_entries,
            customers: o.customers,
            tombstones: o.header.tombstones.len(),
        })
    }
}

/// How a pruned backup is destroyed, as the destruction record states it.
const PRUNE_METHOD: &str = "backup files deleted from the backup folder; each was encrypted under its own random key, wrapped only under the vault's key and the owner's recovery key";
