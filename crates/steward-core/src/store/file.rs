//! The vault's files on disk: the one name a vault file goes by, the
//! exclusive lock (`PATH.lock`), the header
//! that tells a vault from any other file (SQLCipher's random salt, which
//! doubles as the vault id), keying a connection, the per-connection
//! settings, and the checks that a file opened with a key really is an
//! undamaged Steward vault.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::files::owner_only;
use crate::keys::keystore::DbKey;

/// Marks a database as a Steward vault (`PRAGMA application_id`): "STWD".
pub(super) const APPLICATION_ID: i32 = 0x5354_5744;
const PLAIN_SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// SQLCipher's page size (also how the WAL is laid out).
pub(super) const PAGE_SIZE: u64 = 4096;

/// The one name of a vault file, however it was reached: a symbolic link,
/// `dir/../dir/vault` or a relative path all lead to the same absolute path
/// without links. The lock, the recovery file and the audit anchor are named
/// from it, so a second open of the same file by another path finds the
/// lock taken, and every path finds the same files beside the vault.
///
/// A vault not created yet has its folder resolved and its name kept; a
/// path that cannot be resolved at all (a folder that does not exist) is
/// kept as given, and opening it reports what is missing. Two hard links to
/// one file still have two names (and so two locks): Steward never makes
/// them, and a file lock on the database itself would fight SQLite's own
/// locks (on Windows they are mandatory and would block its reads).
pub(super) fn canonical_path(vault: &Path) -> PathBuf {
    // `dunce` gives the same result as `fs::canonicalize`, but on Windows
    // without the `\\?\` prefix that SQLite and people would stumble over.
    if let Ok(p) = dunce::canonicalize(vault) {
        return p;
    }
    let (Some(dir), Some(name)) = (vault.parent(), vault.file_name()) else {
        return vault.to_owned();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dunce::canonicalize(dir)
        .map(|d| d.join(name))
        .unwrap_or_else(|_| vault.to_owned())
}

pub(super) fn lock_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the exclusive lock of an existing vault, or reports that it is
/// already open. A vault that does not exist (first run: not even its folder
/// may exist yet) is `NoVault`, and no lock file is left behind for it.
pub(super) fn take_existing_lock(vault: &Path) -> Result<File> {
    match fs::metadata(vault) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoVault(vault.to_owned())),
        _ => {
            let lock = take_lock(vault)?;
            // A setup that was cut off (power, a killed process) left a
            // file nobody can open: it is no vault, and setup starts again.
            if unfinished_path(vault).exists() {
                return Err(Error::NoVault(vault.to_owned()));
            }
            Ok(lock)
        }
    }
}

/// The marker a setup writes before it creates a vault's first file and
/// removes when the vault is complete.
pub(super) fn unfinished_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".setup-unfinished");
    PathBuf::from(name)
}

/// Takes the exclusive lock of a vault, or reports that it is already open.
/// `vault` must be the vault's [`canonical_path`].
pub(super) fn take_lock(vault: &Path) -> Result<File> {
    let file = owner_only(OpenOptions::new().create(true).truncate(false).write(true))
        .open(lock_path(vault))
        .map_err(Error::io("create the vault lock file"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(Error::AlreadyOpen),
        Err(fs::TryLockError::Error(e)) => Err(Error::io("lock the vault")(e)),
    }
}

/// Reads the vault id (SQLCipher's salt) from the file header, rejecting
/// files that cannot be a vault before any key is tried.
pub(super) fn read_vault_id(path: &Path) -> Result<String> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NoVault(path.to_owned()))
        }
        Err(e) => return Err(Error::io("open the vault file")(e)),
    };
    let len = file
        .metadata()
        .map_err(Error::io("read the vault file size"))?
        .len();
    if len == 0 {
        return Err(Error::NotAVault {
            reason: "the file is empty",
        });
    }
    let mut header = [0u8; 16];
    if len < 16 {
        return Err(Error::NotAVault {
            reason: "the file is far too short",
        });
    }
    file.read_exact(&mut header)
        .map_err(Error::io("read the vault file header"))?;
    if &header == PLAIN_SQLITE_MAGIC {
        return Err(Error::NotAVault {
            reason: "it is an unencrypted SQLite database",
        });
    }
    Ok(hex::encode(header))
}

/// Sets the connection-wide settings that every vault connection needs.
pub(super) fn key_connection(conn: &Connection, key: &DbKey) -> Result<()> {
    // A wrong key would otherwise make SQLCipher print HMAC failures to stderr.
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .or_else(ignore_no_rows)
        .map_err(Error::db("configure encryption logging"))?;
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\"", key.to_hex().as_str()));
    conn.execute_batch(&pragma)
        .map_err(Error::db("set the vault key"))?;
    Ok(())
}

fn ignore_no_rows(e: rusqlite::Error) -> rusqlite::Result<()> {
    match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(()),
        e => Err(e),
    }
}

/// Settings that hold per connection and must be set on every open.
pub(super) fn configure_connection(conn: &Connection) -> Result<()> {
    // The page cache holds decrypted pages, so only the first read of a page
    // pays for decryption; 64 MiB keeps a 100k-customer shop in memory.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )
    .map_err(Error::db("configure the vault"))?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(Error::db("switch the vault to write-ahead logging"))?;
    Ok(())
}

fn sqlite_code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// Opens the database file with `key` and checks that it really is our vault.
/// `wrong_key` is the error to report when the key does not open it.
pub(super) fn open_keyed(path: &Path, key: &DbKey, wrong_key: fn() -> Error) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(Error::db("open the vault file"))?;
    key_connection(&conn, key)?;
    // SQLCipher accepts any key at PRAGMA key; the first read tells.
    let app_id: i32 = match conn.query_row("PRAGMA application_id", [], |r| r.get(0)) {
        Ok(v) => v,
        Err(e) if sqlite_code(&e) == Some(ErrorCode::NotADatabase) => return Err(wrong_key()),
        Err(e) if sqlite_code(&e) == Some(ErrorCode::DatabaseCorrupt) => {
            return Err(Error::VaultDamaged {
                reason: "its pages do not decrypt",
            })
        }
        Err(e) if sqlite_code(&e) == Some(ErrorCode::SystemIoFailure) && no_room_beside(path) => {
            return Err(Error::DiskFull)
        }
        Err(e) => return Err(Error::db("read the vault header")(e)),
    };
    if app_id != APPLICATION_ID {
        return Err(Error::NotAVault {
            reason: "it is an encrypted database of another program",
        });
    }
    check_not_truncated(&conn, path)?;
    Ok(conn)
}

/// Whether the vault's folder has no room left for SQLite's shared-memory
/// file (32 KiB): SQLite reports a full disk met while making that file at
/// open as a plain I/O error, which would tell the shop nothing.
fn no_room_beside(path: &Path) -> bool {
    let probe = path.with_extension("space-check");
    let full = fs::write(&probe, [0u8; 32 * 1024])
        .is_err_and(|e| e.kind() == std::io::ErrorKind::StorageFull);
    let _ = fs::remove_file(&probe);
    full
}

/// A vault cut short (a copy interrupted, a disk error) opens, but its header
/// promises more pages than the file holds.
fn check_not_truncated(conn: &Connection, path: &Path) -> Result<()> {
    let len = fs::metadata(path)
        .map_err(Error::io("read the vault file size"))?
        .len();
    if len % PAGE_SIZE != 0 {
        return Err(Error::VaultDamaged {
            reason: "the file is truncated",
        });
    }
    let pages: i64 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .map_err(|e| match sqlite_code(&e) {
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                Error::VaultDamaged {
                    reason: "the file is truncated",
                }
            }
            _ => Error::db("count the vault's pages")(e),
        })?;
    let wal_len = fs::metadata(wal_path(path)).map(|m| m.len()).unwrap_or(0);
    if (pages as u64) * PAGE_SIZE > len && wal_len == 0 {
        return Err(Error::VaultDamaged {
            reason: "the file is truncated",
        });
    }
    Ok(())
}

pub(crate) fn wal_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

pub(super) fn shm_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push("-shm");
    PathBuf::from(name)
}
