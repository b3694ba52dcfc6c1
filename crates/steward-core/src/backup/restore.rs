//! Restoring a backup: into the open vault (its data replaced, owner
//! only), or, with the recovery key, as the vault of a computer that has
//! none. Either way every erasure the backup does not know is replayed:
//! those of the vault being replaced (if any) and those carried by every
//! other backup of the vault in the same folder whose seal holds. A
//! customer still in the restored data is erased again with the same
//! erasure (`restore-replay`, a destruction record each); one who joined
//! after the backup only gets their tombstone back, so their number is
//! never given to someone new.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::{file, open_verified, sealed_in};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::ledger;
use crate::error::{Error, Result, Warning};
use crate::keys::keystore::{DbKey, KeyStore};
use crate::keys::recovery::{self, RecoveryKey};
use crate::people::{accounts, Session};
use crate::permissions::{Action, Role};
use crate::records::customer;
use crate::records::erasure::{self as tombstones, Tombstone};
use crate::schema::MIGRATIONS;
use crate::store::{install_copy, rekey_copy, sibling, Vault};

/// What a restore did: numbers only.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    pub backup_id: String,
    /// When the restored backup was made.
    pub backup_made_at: String,
    /// The customers in the backup who had been erased since, and were
    /// erased again (their numbers).
    pub replayed: Vec<i64>,
    /// The destruction records of those erasures.
    pub destruction_records: Vec<i64>,
    /// Tombstones put back for customers who joined after the backup and
    /// were erased since (nothing of theirs was in it).
    pub tombstones_added: usize,
    /// How many other backups in the folder lent their tombstones.
    pub other_backups_read: usize,
    pub warnings: Vec<Warning>,
}

/// What a backup holds, shown before it is restored on a computer with no
/// vault: the shop's name, dates and counts, never a customer's data.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupPreview {
    /// When the backup was made.
    pub backup_made_at: String,
    pub shop_name: String,
    /// Customers in the backup.
    pub customers: i64,
    /// Customers erased before the backup was made.
    pub erased_before: usize,
    /// Erasures made after it that the other backups in its folder carry:
    /// the restore makes them again.
    pub erasures_to_replay: usize,
    /// How many backups of this vault in the folder were read.
    pub other_backups_read: usize,
}

/// The database key of the backup's vault, from the backup's copy of the
/// recovery file and the owner's recovery key.
fn key_by_recovery(unsealed: &file::Unsealed, recovery_key: &RecoveryKey) -> Result<DbKey> {
    recovery::unwrap_copy(
        unsealed.header.recovery_file.as_bytes(),
        &unsealed.header.vault_id,
        recovery_key,
    )
    .ok_or(Error::BackupInvalid {
        reason: "its copy of the recovery file is damaged",
    })?
}

/// The folder beside the vault at `vault_path` (where a restore works).
fn vault_folder(vault_path: &Path) -> std::path::PathBuf {
    vault_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

/// The tombstones of the other backups of this vault in `backup`'s folder.
fn folder_tombstones(backup: &Path, db_key: &DbKey, vault_id: &str) -> (Vec<Tombstone>, usize) {
    let folder = match backup.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(others) = sealed_in(folder, db_key, vault_id) else {
        return (Vec::new(), 0);
    };
    let n = others.len();
    (
        others
            .into_iter()
            .flat_map(|(_, h, _)| h.tombstones)
            .collect(),
        n,
    )
}

impl Vault {
    /// Replaces the open vault's data with the backup at `path`, which
    /// must be this vault's and verify all the way down (nothing is
    /// touched otherwise), then replays every erasure it does not know.
    /// Owner only.
    pub fn restore_backup(&mut self, session: &mut Session, path: &Path) -> Result<Restored> {
        self.authorize(session, Action::RestoreBackup)?;
        let by = (session.user_id(), session.role());
        let scratch = self.scratch_dir();
        let opened = match open_verified(path, self.db_key(), self.vault_id(), &scratch) {
            Ok(o) => o,
            Err(e) => {
                self.log_standalone(
                    AuditEvent::new("backup.restore", Outcome::Failed).by(by.0, by.1),
                )?;
                return Err(e);
            }
        };
        let mut known = tombstones::tombstones(&self.conn)?;
        let (others, n_others) = folder_tombstones(path, self.db_key(), self.vault_id());
        known.extend(others);
        let new_file = sibling(self.path(), ".restoring");
        let _ = std::fs::remove_file(&new_file);
        rekey_copy(
            &opened.db.0,
            &opened.key,
            &new_file,
            self.db_key(),
            self.vault_id(),
        )?;
        self.replace_database(&new_file, MIGRATIONS)?;
        let head = ledger::head(&self.conn)?;
        self.set_ledger_head(head);
        self.finish_restore(by, &opened.header, known, n_others)
    }

    /// Makes the vault at `vault_path` (none may be there) from the backup
    /// at `backup`, opened with the owner's recovery key alone: the key
    /// opens the copy of the recovery file the backup carries, which opens
    /// the database key, which opens the backup. Then opens it as
    /// `recover` does (this computer's keyring gets its device secret) and
    /// replays the erasures other backups in the same folder carry.
    pub fn restore_backup_new(
        vault_path: &Path,
        keystore: &dyn KeyStore,
        backup: &Path,
        recovery_key: &RecoveryKey,
    ) -> Result<(Vault, Restored)> {
        let unsealed = file::read(backup)?;
        let vault_id = unsealed.header.vault_id.clone();
        let db_key = key_by_recovery(&unsealed, recovery_key)?;
        let scratch = vault_folder(vault_path);
        std::fs::create_dir_all(&scratch).map_err(Error::io("create the vault folder"))?;
        let opened = open_verified(backup, &db_key, &vault_id, &scratch)?;
        let audit_head = opened.header.audit_head.to_head()?;
        let ledger_head = opened
            .header
            .ledger_head
            .as_ref()
            .map(|h| h.to_head())
            .transpose()?;
        let path = install_copy(
            vault_path,
            &db_key,
            unsealed.header.recovery_file.as_bytes(),
            (&audit_head, ledger_head.as_ref()),
            |dest| rekey_copy(&opened.db.0, &opened.key, dest, &db_key, &vault_id),
        )?;
        let (known, n_others) = folder_tombstones(backup, &db_key, &vault_id);
        drop(db_key);
        let mut vault = Vault::recover(&path, keystore, recovery_key)?;
        // The recovery key is the owner's: the first active owner acts.
        let owner = accounts::first_active_owner(&vault.conn)?.unwrap_or(0);
        let restored =
            vault.finish_restore((owner, Role::Owner), &opened.header, known, n_others)?;
        Ok((vault, restored))
    }

    /// What the backup at `backup` holds, checked all the way down with
    /// the owner's recovery key alone, before [`Vault::restore_backup_new`]
    /// puts it at `vault_path`: nothing is written but a scratch copy
    /// beside `vault_path`, removed at once.
    pub fn preview_backup_new(
        vault_path: &Path,
        backup: &Path,
        recovery_key: &RecoveryKey,
    ) -> Result<BackupPreview> {
        let unsealed = file::read(backup)?;
        let vault_id = unsealed.header.vault_id.clone();
        let db_key = key_by_recovery(&unsealed, recovery_key)?;
        let scratch = vault_folder(vault_path);
        std::fs::create_dir_all(&scratch).map_err(Error::io("create the vault folder"))?;
        let opened = open_verified(backup, &db_key, &vault_id, &scratch)?;
        let (known, n_others) = folder_tombstones(backup, &db_key, &vault_id);
        let present: BTreeSet<&str> = opened
            .header
            .tombstones
            .iter()
            .map(|t| t.public_id.as_str())
            .collect();
        let to_replay: BTreeSet<&str> = known
            .iter()
            .map(|t| t.public_id.as_str())
            .filter(|id| !present.contains(id))
            .collect();
        Ok(BackupPreview {
            backup_made_at: opened.header.created_at.clone(),
            shop_name: opened.shop_name.clone(),
            customers: opened.customers,
            erased_before: present.len(),
            erasures_to_replay: to_replay.len(),
            other_backups_read: n_others,
        })
    }

    /// Logs the restore and replays the erasures in `known` that the
    /// restored data does not have.
    fn finish_restore(
        &mut self,
        by: (i64, Role),
        header: &file::Header,
        mut known: Vec<Tombstone>,
        other_backups_read: usize,
    ) -> Result<Restored> {
        let backup_id = header.backup_id.clone();
        self.transact("restore a backup", |tx| {
            tx.audit(
                AuditEvent::new("backup.restore", Outcome::Ok)
                    .by(by.0, by.1)
                    .on(Subject::Backup(backup_id.clone())),
            )
        })?;
        known.sort_by(|a, b| a.erased_at.cmp(&b.erased_at));
        let present: BTreeSet<String> = tombstones::tombstones(&self.conn)?
            .into_iter()
            .map(|t| t.public_id)
            .collect();
        let mut seen = BTreeSet::new();
        let mut replayed = Vec::new();
        let mut destruction_records = Vec::new();
        let mut warnings = Vec::new();
        let mut to_bury = Vec::new();
        for t in known {
            if present.contains(&t.public_id) || !seen.insert(t.public_id.clone()) {
                continue;
            }
            match customer::id_of(&self.conn, &t.public_id) {
                Ok(id) => {
                    let erased = self.replay_erasure(by, id, &t.ground)?;
                    replayed.push(id);
                    destruction_records.push(erased.destruction_record.id);
                    warnings.extend(erased.warnings);
                }
                Err(Error::CustomerNotFound) => to_bury.push(t),
                Err(e) => return Err(e),
            }
        }
        let tombstones_added = self.transact("restore a backup", |tx| {
            let mut n = 0;
            for t in &to_bury {
                // A number the restored data gave someone else (a backup of
                // a timeline since replaced) is left to them.
                if customer::exists(tx.conn(), t.customer_id)?
                    || tombstones::erased_public_id(tx.conn(), t.customer_id)?.is_some()
                {
                    continue;
                }
                let at = crate::time::parse_ts(&t.erased_at).unwrap_or(tx.now);
                tombstones::bury(tx.conn(), t.customer_id, &t.public_id, &t.ground, at)?;
                n += 1;
            }
            if n > 0 {
                tx.audit(
                    AuditEvent::new("backup.restore_tombstones", Outcome::Ok)
                        .by(by.0, by.1)
                        .on(Subject::Backup(backup_id.clone())),
                )?;
            }
            Ok(n)
        })?;
        warnings.extend(self.warnings());
        warnings.sort();
        warnings.dedup();
        Ok(Restored {
            backup_id: header.backup_id.clone(),
            backup_made_at: header.created_at.clone(),
            replayed,
            destruction_records,
            tombstones_added,
            other_backups_read,
            warnings,
        })
    }
}
