//! Whole copies of the database under another key (backups) and putting a
//! copy back in place of the vault's file (restores). SQLCipher disables
//! SQLite's online backup API for encrypted databases, so a copy is made
//! with `sqlcipher_export` into an attached file keyed with its own raw
//! key, inside one transaction: what it holds is one consistent moment.
//! Like the rest of the store, this knows no domain: what goes with a copy
//! (its audit entry, its header) is the caller's.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use zeroize::Zeroizing;

use super::file::{self, shm_path, wal_path};
use super::migrate::{self, Migration};
use super::{Tx, Vault};
use crate::audit::{self, anchor};
use crate::error::{Error, Result};
use crate::files::restrict_to_owner;
use crate::keys::chain::{ChainKey, Head};
use crate::keys::keystore::DbKey;
use crate::keys::recovery;

/// The raw key of a SQLCipher file, with the salt its first page gets when
/// one is given (a restored vault keeps its vault id, which is its salt).
fn raw_key(key: &DbKey, salt_hex: Option<&str>) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "x'{}{}'",
        key.to_hex().as_str(),
        salt_hex.unwrap_or("")
    ))
}

/// Attaches the new file `dest` keyed with `key` (and `salt_hex`) as
/// `steward_copy`. SQLite refuses ATTACH inside a transaction, so this
/// comes before the transaction that exports.
fn attach(conn: &Connection, dest: &Path, key: &DbKey, salt_hex: Option<&str>) -> Result<()> {
    let dest_str = dest.to_str().ok_or(Error::InvalidInput {
        field: "folder",
        reason: "the folder's name is not valid Unicode; choose another folder",
    })?;
    // The vault's connection may not create files (it opens an existing
    // one), so the copy's file is made here, empty and owner-only.
    crate::files::owner_only(fs::OpenOptions::new().write(true).create_new(true))
        .open(dest)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::FileExists,
            _ => Error::io("create the copy of the vault")(e),
        })?;
    conn.execute(
        "ATTACH DATABASE ?1 AS steward_copy KEY ?2",
        rusqlite::params![dest_str, raw_key(key, salt_hex).as_str()],
    )
    .map_err(Error::db("create the copy of the vault"))?;
    Ok(())
}

/// Copies the main database into the attached `steward_copy`, with the
/// schema version and application id (`sqlcipher_export` does not copy
/// them).
fn export(conn: &Connection) -> Result<()> {
    let op = "copy the vault";
    let version: i64 = conn
        .query_row("PRAGMA main.user_version", [], |r| r.get(0))
        .map_err(Error::db(op))?;
    conn.query_row("SELECT sqlcipher_export('steward_copy')", [], |_| Ok(()))
        .map_err(Error::db(op))?;
    conn.execute_batch(&format!(
        "PRAGMA steward_copy.user_version = {version};
         PRAGMA steward_copy.application_id = {};",
        file::APPLICATION_ID
    ))
    .map_err(Error::db(op))
}

fn detach(conn: &Connection) -> Result<()> {
    conn.execute_batch("DETACH DATABASE steward_copy")
        .map_err(Error::db("finish the copy of the vault"))
}

impl Vault {
    /// Copies the whole database, consistently, into the new file `dest`
    /// keyed with `key`. `during` runs first in the same transaction (its
    /// audit entry and what it reads land in the copy); the change it makes
    /// is committed only if the copy was made.
    pub(crate) fn export_copy<T>(
        &mut self,
        dest: &Path,
        key: &DbKey,
        during: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        attach(&self.conn, dest, key, None)?;
        let res = self.transact("copy the vault", |tx| {
            let value = during(tx)?;
            export(tx.conn())?;
            Ok(value)
        });
        let detached = detach(&self.conn);
        let res = res.and_then(|v| detached.map(|()| v));
        if res.is_err() {
            let _ = fs::remove_file(dest);
        }
        res
    }

    /// Puts the database file `copy` (keyed with this vault's key) in place
    /// of the vault's, keeping its salt and so its vault id, and opens it:
    /// the old file is kept aside until the new one opens, and put back if
    /// it does not. Migrates the copy to this build's schema.
    pub(crate) fn replace_database(&mut self, copy: &Path, migrations: &[Migration]) -> Result<()> {
        let aside = sibling(&self.path, ".before-restore");
        // The old connection closes (and folds its journal back) before its
        // file moves: nothing may write to the moved file afterwards.
        let placeholder = Connection::open_in_memory().map_err(Error::db("restore the vault"))?;
        let old = std::mem::replace(&mut self.conn, placeholder);
        old.close()
            .map_err(|(_, e)| Error::db("close the vault before restoring")(e))?;
        let _ = fs::remove_file(&aside);
        fs::rename(&self.path, &aside).map_err(Error::io("set the old vault file aside"))?;
        for p in [wal_path(&self.path), shm_path(&self.path)] {
            let _ = fs::remove_file(p);
        }
        let opened = fs::rename(copy, &self.path)
            .map_err(Error::io("put the restored vault in place"))
            .and_then(|()| restrict_to_owner(&self.path))
            .and_then(|()| self.open_in_place(migrations));
        match opened {
            Ok(conn) => {
                self.conn = conn;
                let _ = fs::remove_file(&aside);
                Ok(())
            }
            Err(e) => {
                let _ = fs::remove_file(&self.path);
                for p in [wal_path(&self.path), shm_path(&self.path)] {
                    let _ = fs::remove_file(p);
                }
                fs::rename(&aside, &self.path).map_err(Error::io("put the old vault file back"))?;
                self.conn = self.open_in_place(migrations)?;
                Err(e)
            }
        }
    }

    fn open_in_place(&self, migrations: &[Migration]) -> Result<Connection> {
        let mut conn = file::open_keyed(&self.path, &self.db_key, || Error::WrongKey)?;
        file::configure_connection(&conn)?;
        migrate::migrate(&mut conn, migrations, self.now())?;
        Ok(conn)
    }
}

/// Copies the database file `src`, keyed with `src_key`, into the new file
/// `dest` keyed with `dest_key` and the salt `dest_salt_hex` (a restore
/// makes this vault's file from a backup's).
pub(crate) fn rekey_copy(
    src: &Path,
    src_key: &DbKey,
    dest: &Path,
    dest_key: &DbKey,
    dest_salt_hex: &str,
) -> Result<()> {
    let conn = open_copy(src, src_key)?;
    let res = attach(&conn, dest, dest_key, Some(dest_salt_hex)).and_then(|()| {
        let exported = export(&conn);
        detach(&conn).and(exported)
    });
    drop(conn);
    if res.is_err() {
        let _ = fs::remove_file(dest);
    }
    res
}

/// Makes a vault at `path`, where there is none, from a copy: `fill`
/// writes the database file (keyed with `db_key` and the vault's salt) at
/// the name it is given, then the recovery file (the backup's copy of it)
/// and the audit anchor for `heads` (the audit log's and the ledger's, as
/// the verified backup states them) are put beside it. Holds the vault's
/// lock meanwhile; nothing is left behind if a step fails. Returns the
/// vault's canonical path, to be opened with the recovery key.
pub(crate) fn install_copy(
    path: &Path,
    db_key: &DbKey,
    recovery_file: &[u8],
    heads: (&Head, Option<&Head>),
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(Error::io("create the vault folder"))?;
    }
    let path = file::canonical_path(path);
    let _lock = file::take_lock(&path)?;
    let unfinished = file::unfinished_path(&path);
    if !unfinished.exists() && fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false) {
        return Err(Error::VaultExists(path));
    }
    crate::files::write_atomic(&unfinished, b"a Steward restore is under way\n")?;
    let res = (|| {
        let tmp = sibling(&path, ".restoring");
        let _ = fs::remove_file(&tmp);
        fill(&tmp)?;
        fs::rename(&tmp, &path).map_err(Error::io("put the restored vault in place"))?;
        restrict_to_owner(&path)?;
        crate::files::write_atomic(&recovery::recovery_path(&path), recovery_file)?;
        let chain_key = ChainKey::derive_for(db_key, audit::CHAIN_LABEL);
        let (seq, hash) = heads.0;
        let hash: [u8; 32] = hash
            .as_slice()
            .try_into()
            .map_err(|_| Error::BackupInvalid {
                reason: "its audit log head is damaged",
            })?;
        anchor::write(&path, &chain_key, *seq, &hash, heads.1, None)
    })();
    match res {
        Ok(()) => {
            fs::remove_file(&unfinished).map_err(Error::io("finish restoring the vault"))?;
            Ok(path)
        }
        Err(e) => {
            super::remove_new_vault_files(&path);
            let _ = fs::remove_file(sibling(&path, ".restoring"));
            let _ = fs::remove_file(&unfinished);
            Err(e)
        }
    }
}

/// Opens a copy (a backup's database) read-only with its key, checking
/// that the key opens it and that it is a Steward database.
pub(crate) fn open_copy(path: &Path, key: &DbKey) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        // Read-write: a restore attaches its new file to this connection.
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(Error::db("open the backup"))?;
    file::key_connection(&conn, key)?;
    let code = |e: &rusqlite::Error| match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| match code(&e) {
            Some(ErrorCode::NotADatabase) => Error::BackupInvalid {
                reason: "its database does not open with the key in its header",
            },
            Some(ErrorCode::DatabaseCorrupt) => Error::BackupInvalid {
                reason: "its database is damaged",
            },
            _ => Error::db("open the backup")(e),
        })?;
    if app_id != file::APPLICATION_ID {
        return Err(Error::BackupInvalid {
            reason: "its database is not a Steward vault",
        });
    }
    Ok(conn)
}

/// A name beside the vault's file.
pub(crate) fn sibling(vault: &Path, suffix: &str) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
