//! Destroying a vault on this computer (retirement): the keyring entries
//! that hold this computer's half of every sign-in go first, then every
//! file named after the vault is overwritten with random bytes, flushed to
//! disk and deleted. What was destroyed is reported by name and size only.
//! The store knows no domain: who may do this, and the certificate, are
//! `retire`'s.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use rand::RngCore;
use rusqlite::Connection;

use super::file::{self, shm_path, wal_path};
use super::{sibling, Vault};
use crate::audit::anchor;
use crate::error::{Error, Result};
use crate::keys::keystore::{keyring_account, KeyStore};
use crate::keys::schedule::schedule_account;
use crate::keys::{recovery, slots};

/// One file of the vault, as destroyed.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestroyedFile {
    /// The file's name, without its folder (a folder can name a person).
    pub name: String,
    pub bytes: u64,
    /// Its content was overwritten with random bytes before it was deleted.
    pub overwritten: bool,
    /// It no longer exists.
    pub deleted: bool,
}

/// What `destroy` did.
pub(crate) struct Destruction {
    /// The keyring entries removed (account names under service `steward`).
    pub keyring_entries: Vec<String>,
    pub files: Vec<DestroyedFile>,
}

impl Vault {
    /// Removes the vault from this computer for good. The keyring entries
    /// go first: when the keyring cannot be reached, nothing is destroyed
    /// and the vault is returned closed. Then the connection closes (its
    /// journal folded back), and each file named after the vault is
    /// overwritten and deleted; a file that resists is reported, and the
    /// others are still destroyed.
    pub(crate) fn destroy(mut self, keystore: &dyn KeyStore) -> Result<Destruction> {
        let mut keyring_entries = Vec::new();
        for account in [
            slots::device_account(&self.vault_id),
            schedule_account(&self.vault_id),
            keyring_account(&self.vault_id),
        ] {
            // A malformed entry is still an entry to remove.
            let present = !matches!(keystore.get(&account), Ok(None));
            keystore.delete(&account)?;
            if present {
                keyring_entries.push(account);
            }
        }
        let _ = self.checkpoint_wal("close the vault before destroying it");
        let placeholder = Connection::open_in_memory().map_err(Error::db("close the vault"))?;
        let old = std::mem::replace(&mut self.conn, placeholder);
        old.close()
            .map_err(|(_, e)| Error::db("close the vault before destroying it")(e))?;
        let path = self.path.clone();
        let mut files = Vec::new();
        // The key material first (slots, recovery file), then the database
        // and what SQLite and Steward keep beside it; the lock last.
        for p in [
            slots::slots_path(&path),
            recovery::recovery_path(&path),
            path.clone(),
            wal_path(&path),
            shm_path(&path),
            anchor::path(&path),
            sibling(&path, ".before-restore"),
            sibling(&path, ".restoring"),
            file::unfinished_path(&path),
            file::lock_path(&path),
        ] {
            if let Some(done) = overwrite_and_delete(&p) {
                files.push(done);
            }
        }
        if let Some(dir) = path.parent() {
            // Makes the deletions durable where the OS allows syncing a folder.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        drop(self);
        Ok(Destruction {
            keyring_entries,
            files,
        })
    }
}

/// Overwrites `path` with random bytes, flushes it, and deletes it; `None`
/// when there is no such file.
fn overwrite_and_delete(path: &Path) -> Option<DestroyedFile> {
    let bytes = fs::metadata(path).ok()?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let overwritten = overwrite(path, bytes).is_ok();
    let _ = fs::remove_file(path);
    Some(DestroyedFile {
        name,
        bytes,
        overwritten,
        deleted: !path.exists(),
    })
}

fn overwrite(path: &Path, bytes: u64) -> std::io::Result<()> {
    let mut f = OpenOptions::new().write(true).open(path)?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        rand::rngs::OsRng.fill_bytes(&mut chunk[..n]);
        f.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    f.sync_all()
}
