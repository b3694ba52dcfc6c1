//! The vault: one SQLCipher database file per shop, its key in the OS
//! keyring, an exclusive lock so that only one window or command has it open,
//! embedded schema migrations, and the transaction helper that makes every
//! change and its audit entry land together.
//!
//! Files of a vault at `PATH`: `PATH` (the encrypted database; its first 16
//! bytes are SQLCipher's random salt, which doubles as the vault id that
//! names the keyring entry), `PATH-wal`/`PATH-shm` (SQLite's, encrypted too),
//! `PATH.lock` (the exclusive lock), `PATH.recovery.json` (the database key
//! wrapped with the recovery key) and `PATH.audit-head` (the audit anchor).
//!
//! The vault must never hand out its connection: callers get typed results.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, ErrorCode, OpenFlags};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit::{self, AuditEvent, ChainKey, Outcome, Verdict};
use crate::error::{Error, Result};
use crate::keystore::{DbKey, KeyStore};
use crate::recovery::{self, RecoveryKey};
use crate::time::{format_ts, system_clock, Clock};

/// Marks a database as a Steward vault (`PRAGMA application_id`): "STWD".
const APPLICATION_ID: i32 = 0x5354_5744;
/// The schema migrations, applied in order; `user_version` counts them.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_foundation.sql"),
    include_str!("../migrations/002_consent.sql"),
    include_str!("../migrations/003_crm.sql"),
];
/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
const PLAIN_SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
const PAGE_SIZE: u64 = 4096;

/// An open, unlocked vault. Holds the exclusive lock until dropped.
pub struct Vault {
    pub(crate) conn: Connection,
    path: PathBuf,
    vault_id: String,
    pub(crate) chain_key: ChainKey,
    /// Chains the consent ledger (see `consent`).
    ledger_key: ChainKey,
    pub(crate) clock: Clock,
    /// Set when this vault was opened with the recovery key; allows the owner's
    /// passphrase to be reset (see `Vault::reset_owner_passphrase`).
    pub(crate) opened_by_recovery: bool,
    keyring_restored: bool,
    /// Set when the audit anchor disagreed with the log at open (a cut or a
    /// forgery); written into every later anchor so it cannot be hidden.
    audit_alarm: Option<String>,
    /// Released when the vault is dropped (the OS drops the lock with the file).
    _lock: File,
}

/// What `steward status` shows: no personal data.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    pub path: PathBuf,
    pub vault_id: String,
    pub schema_version: i64,
    pub shop_name: String,
    pub users: i64,
    pub active_users: i64,
    pub audit_entries: i64,
    pub customers: i64,
    pub consent_records: i64,
    /// Fingerprint of the key that signs this shop's consent receipts.
    pub receipt_key: String,
}

fn lock_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the exclusive lock of an existing vault, or reports that it is
/// already open. A vault that does not exist (first run: not even its folder
/// may exist yet) is `NoVault`, and no lock file is left behind for it.
fn take_existing_lock(vault: &Path) -> Result<File> {
    match fs::metadata(vault) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoVault(vault.to_owned())),
        _ => take_lock(vault),
    }
}

/// Takes the exclusive lock of a vault, or reports that it is already open.
fn take_lock(vault: &Path) -> Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
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
fn read_vault_id(path: &Path) -> Result<String> {
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
fn key_connection(conn: &Connection, key: &DbKey) -> Result<()> {
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
fn configure_connection(conn: &Connection) -> Result<()> {
    // The page cache holds decrypted pages, so only the first read of a page
    // pays for decryption; 64 MiB keeps a 100k-customer shop in memory.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
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

/// Applies the migrations this vault has not seen yet, each in a transaction.
fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::db("read the schema version"))?;
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn
            .transaction()
            .map_err(Error::db("start a schema migration"))?;
        tx.execute_batch(sql)
            .map_err(Error::db("apply a schema migration"))?;
        if i + 1 == 3 {
            // Schema 3 brings loyalty accounts and the search index: give
            // existing customers theirs.
            crate::crm::upgrade_customers(&tx, chrono::Utc::now())?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(Error::db("record the schema version"))?;
        tx.commit()
            .map_err(Error::db("commit a schema migration"))?;
    }
    Ok(())
}

/// Opens the database file with `key` and checks that it really is our vault.
/// `wrong_key` is the error to report when the key does not open it.
fn open_keyed(path: &Path, key: &DbKey, wrong_key: fn() -> Error) -> Result<Connection> {
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

fn wal_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

impl Vault {
    /// Creates a new vault for a shop: a fresh random key (stored in the
    /// keyring), the schema, the shop and its owner account, and the recovery
    /// file. Returns the vault and the recovery key, to be shown once.
    ///
    /// Nothing is left behind if any step fails.
    pub fn create(
        path: &Path,
        keystore: &dyn KeyStore,
        shop_name: &str,
        owner_username: &str,
        owner_passphrase: &crate::auth::Passphrase,
    ) -> Result<(Vault, RecoveryKey)> {
        let shop_name = crate::auth::validate_shop_name(shop_name)?;
        let owner_username = crate::auth::validate_username(owner_username)?;
        owner_passphrase.check_strength()?;
        // Hash before touching the disk: it is the slow step and can't fail later.
        let owner_hash = owner_passphrase.hash()?;

        if fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false) {
            return Err(Error::VaultExists(path.to_owned()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(Error::io("create the vault folder"))?;
        }
        let lock = take_lock(path)?;
        let res = Self::create_locked(
            path,
            keystore,
            &shop_name,
            &owner_username,
            &owner_hash,
            lock,
        );
        if res.is_err() {
            // The vault is brand new: nothing of the owner's is lost by removing it.
            for p in [
                path.to_owned(),
                wal_path(path),
                recovery::recovery_path(path),
                audit::anchor_path(path),
            ] {
                let _ = fs::remove_file(p);
            }
        }
        res
    }

    fn create_locked(
        path: &Path,
        keystore: &dyn KeyStore,
        shop_name: &str,
        owner_username: &str,
        owner_hash: &str,
        lock: File,
    ) -> Result<(Vault, RecoveryKey)> {
        let key = DbKey::generate();
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(Error::db("create the vault file"))?;
        key_connection(&conn, &key)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(Error::db("mark the file as a Steward vault"))?;
        // The schema is written before switching to WAL so that the file
        // header (and with it the salt that names the vault) is on disk now.
        migrate(&mut conn)?;
        let vault_id = read_vault_id(path)?;
        configure_connection(&conn)?;
        keystore.set(&vault_id, &key)?;
        let recovery_key = match recovery::create(path, &vault_id, &key) {
            Ok(k) => k,
            Err(e) => {
                let _ = keystore.delete(&vault_id);
                return Err(e);
            }
        };
        let mut vault = Vault {
            conn,
            path: path.to_owned(),
            vault_id,
            chain_key: ChainKey::derive(&key),
            ledger_key: crate::consent::ledger_key(&key),
            clock: system_clock(),
            opened_by_recovery: false,
            keyring_restored: true,
            audit_alarm: None,
            _lock: lock,
        };
        let created = vault.transact("set up the shop", |tx| {
            let now = format_ts(tx.now);
            tx.conn()
                .execute(
                    "INSERT INTO shop (id, name, created_at) VALUES (1, ?1, ?2)",
                    params![shop_name, now],
                )
                .map_err(Error::db("save the shop"))?;
            tx.conn()
                .execute(
                    "INSERT INTO user_account (username, role, passphrase_hash, created_at)
                     VALUES (?1, 'owner', ?2, ?3)",
                    params![owner_username, owner_hash, now],
                )
                .map_err(Error::db("save the owner account"))?;
            let owner_id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditEvent::new("vault.create", Outcome::Ok)
                    .by(owner_id, crate::Role::Owner)
                    .on(format!("user:{owner_id}")),
            )
        });
        if let Err(e) = created.and_then(|()| vault.ensure_consent_setup()) {
            let _ = keystore.delete(&vault.vault_id);
            return Err(e);
        }
        Ok((vault, recovery_key))
    }

    /// Opens an existing vault with the key from the keyring.
    pub fn open(path: &Path, keystore: &dyn KeyStore) -> Result<Vault> {
        let lock = take_existing_lock(path)?;
        let vault_id = read_vault_id(path)?;
        let has_recovery_file =
            recovery::vault_id_of_recovery_file(path).as_deref() == Some(vault_id.as_str());
        let key = match keystore.get(&vault_id)? {
            Some(k) => k,
            None if has_recovery_file => return Err(Error::KeyMissing),
            None => {
                return Err(Error::NotAVault {
                    reason: "this computer's keyring has no key for it and there is no recovery file next to it",
                })
            }
        };
        let vault = Self::finish_open(path, vault_id, &key, lock, || Error::WrongKey)?;
        vault.log_standalone(AuditEvent::new("vault.open", Outcome::Ok))?;
        Ok(vault)
    }

    /// Opens a vault with its recovery key, and puts the database key back
    /// into this computer's keyring (e.g. after moving to a new computer).
    ///
    /// If the keyring service is not running, the vault still opens for this
    /// run (that is what the recovery key is for) and
    /// [`Vault::keyring_restored`] says that the key could not be stored.
    pub fn recover(
        path: &Path,
        keystore: &dyn KeyStore,
        recovery_key: &RecoveryKey,
    ) -> Result<Vault> {
        let lock = take_existing_lock(path)?;
        let vault_id = read_vault_id(path)?;
        let key = recovery::unwrap(path, &vault_id, recovery_key)?;
        let mut vault = Self::finish_open(path, vault_id, &key, lock, || Error::WrongRecoveryKey)?;
        vault.opened_by_recovery = true;
        let event = AuditEvent::new("vault.recover", Outcome::Ok);
        match keystore.set(&vault.vault_id, &key) {
            Ok(()) => vault.log_standalone(event)?,
            Err(Error::KeyringUnavailable { .. }) => {
                vault.keyring_restored = false;
                vault.log_standalone(event.because("keyring unavailable"))?;
            }
            Err(e) => return Err(e),
        }
        Ok(vault)
    }

    /// False when the vault was opened with the recovery key but the keyring
    /// could not store its key: the recovery key will be needed again.
    pub fn keyring_restored(&self) -> bool {
        self.keyring_restored
    }

    fn finish_open(
        path: &Path,
        vault_id: String,
        key: &DbKey,
        lock: File,
        wrong_key: fn() -> Error,
    ) -> Result<Vault> {
        let mut conn = open_keyed(path, key, wrong_key)?;
        configure_connection(&conn)?;
        migrate(&mut conn)?;
        let chain_key = ChainKey::derive(key);
        let audit_alarm = audit::check_anchor(&conn, &chain_key, path)?;
        let mut vault = Vault {
            conn,
            path: path.to_owned(),
            vault_id,
            chain_key,
            ledger_key: crate::consent::ledger_key(key),
            clock: system_clock(),
            opened_by_recovery: false,
            keyring_restored: true,
            audit_alarm,
            _lock: lock,
        };
        if vault.audit_alarm.is_some() {
            vault.log_standalone(AuditEvent::new("audit.anchor_check", Outcome::Failed))?;
        }
        vault.ensure_consent_setup()?;
        Ok(vault)
    }

    /// Replaces the clock (tests and benchmarks move time without sleeping).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The id that names this vault's keyring entry (not secret, not personal).
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The shop's name (shown on the login screen, so readable without login).
    pub fn shop_name(&self) -> Result<String> {
        self.conn
            .query_row("SELECT name FROM shop WHERE id = 1", [], |r| r.get(0))
            .map_err(Error::db("read the shop name"))
    }

    /// The currency the till records amounts in (ISO 4217, e.g. `EUR`).
    pub fn currency(&self) -> Result<String> {
        self.conn
            .query_row("SELECT currency FROM shop WHERE id = 1", [], |r| r.get(0))
            .map_err(Error::db("read the shop's currency"))
    }

    /// Counts and versions for `steward status`. Needs no login: it shows no
    /// personal data.
    pub fn status(&self) -> Result<VaultStatus> {
        let count = |sql: &str| -> Result<i64> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(Error::db("count records"))
        };
        Ok(VaultStatus {
            path: self.path.clone(),
            vault_id: self.vault_id.clone(),
            schema_version: count("PRAGMA user_version")?,
            shop_name: self.shop_name()?,
            users: count("SELECT count(*) FROM user_account")?,
            active_users: count("SELECT count(*) FROM user_account WHERE disabled = 0")?,
            audit_entries: count("SELECT count(*) FROM audit_event")?,
            customers: count("SELECT count(*) FROM customer")?,
            consent_records: count("SELECT count(*) FROM consent_event")?,
            receipt_key: self.receipt_key_fingerprint()?,
        })
    }

    /// Runs `f` in one transaction; its audit entries land with its changes,
    /// or not at all. The audit anchor is moved after the commit.
    pub(crate) fn transact<T>(
        &mut self,
        op: &'static str,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let tx = self.conn.transaction().map_err(Error::db(op))?;
        let mut wrapped = Tx {
            tx,
            chain_key: &self.chain_key,
            ledger_key: &self.ledger_key,
            now,
            head: None,
            ledger_head: None,
        };
        let value = f(&mut wrapped)?;
        let head = wrapped.head;
        let ledger_head = match wrapped.ledger_head.take() {
            Some(h) => Some(h),
            None if head.is_some() => crate::consent::ledger_head(&wrapped.tx)?,
            None => None,
        };
        wrapped.tx.commit().map_err(Error::db(op))?;
        if let Some((seq, hash)) = head {
            audit::write_anchor(
                &self.path,
                &self.chain_key,
                seq,
                &hash,
                ledger_head.as_ref(),
                self.audit_alarm.as_deref(),
            )?;
        }
        Ok(value)
    }

    /// Gives a vault made before the consent capability (or a new one) its
    /// receipt-signing key, default purposes and first notice, and publishes
    /// a new notice version if this release words it differently.
    fn ensure_consent_setup(&mut self) -> Result<()> {
        let has_key: i64 = self
            .conn
            .query_row("SELECT count(*) FROM shop_signing_key", [], |r| r.get(0))
            .map_err(Error::db("read the signing key"))?;
        self.transact("set up consent", |tx| {
            if has_key == 0 {
                crate::receipts::ensure_signing_key(tx)?;
                crate::purposes::seed_defaults(tx)?;
            }
            // A new release may word the notice differently: customers are
            // then shown (and consent to) a newly published version.
            crate::purposes::publish_if_changed(tx, None)?;
            Ok(())
        })
    }

    /// Appends one audit entry on its own (for refusals and events that change
    /// nothing else).
    pub(crate) fn log_standalone(&self, ev: AuditEvent) -> Result<()> {
        let now = self.now();
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(Error::db("append to the audit log"))?;
        let (seq, hash) = audit::append(&tx, &self.chain_key, now, &ev)?;
        tx.commit().map_err(Error::db("append to the audit log"))?;
        let ledger_head = crate::consent::ledger_head(&self.conn)?;
        audit::write_anchor(
            &self.path,
            &self.chain_key,
            seq,
            &hash,
            ledger_head.as_ref(),
            self.audit_alarm.as_deref(),
        )
    }

    /// Checks the audit log's chain and anchor (no permission check; the
    /// session-checked entry point is `Vault::verify_audit_log`).
    /// Also checks the consent ledger's chain and that every customer record
    /// has a granted membership in it.
    pub(crate) fn verify_chain(&self) -> Result<Verdict> {
        let mut verdict = audit::verify(&self.conn, &self.chain_key, &self.path)?;
        if !verdict.intact {
            return Ok(verdict);
        }
        match crate::consent::verify_ledger(&self.conn, &self.ledger_key)? {
            Ok(records) => verdict.consent_records = records,
            Err((seq, why)) => {
                verdict.intact = false;
                verdict.message = format!("the consent ledger is broken at record {seq}: {why}");
                return Ok(verdict);
            }
        }
        let orphans = crate::consent::customers_without_membership(&self.conn)?;
        if orphans > 0 {
            verdict.intact = false;
            verdict.message = format!(
                "{orphans} customer record(s) have no granted membership in the consent ledger"
            );
            return Ok(verdict);
        }
        verdict.message = format!(
            "intact ({} entries, {} consent records)",
            verdict.entries, verdict.consent_records
        );
        Ok(verdict)
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        // Fold the WAL back into the file and empty it, so no old page
        // lingers in it after close. Failure is harmless: SQLite replays the
        // WAL on the next open.
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

/// A transaction with the audit log at hand.
pub(crate) struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    chain_key: &'c ChainKey,
    ledger_key: &'c ChainKey,
    pub(crate) now: DateTime<Utc>,
    head: Option<(i64, [u8; 32])>,
    ledger_head: Option<audit::Head>,
}

impl Tx<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    pub(crate) fn audit(&mut self, ev: AuditEvent) -> Result<()> {
        self.head = Some(audit::append(&self.tx, self.chain_key, self.now, &ev)?);
        Ok(())
    }

    pub(crate) fn ledger_key(&self) -> &ChainKey {
        self.ledger_key
    }

    /// Notes the ledger's new head for the anchor written after commit.
    pub(crate) fn set_ledger_head(&mut self, head: audit::Head) {
        self.ledger_head = Some(head);
    }
}

/// Where the app and the CLI keep the vault unless told otherwise: the OS's
/// per-user data folder (`~/.local/share/steward` on Linux, `~/Library/
/// Application Support/steward` on macOS, `%APPDATA%\steward` on Windows).
pub fn default_location() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "steward").map(|d| d.data_dir().join("vault.steward"))
}
