//! The store: one SQLCipher database file per shop, its key wrapped in
//! per-user key slots (device secret in the OS keyring + passphrase), an
//! exclusive lock so that only one window or command has it
//! open, the schema migrations, and the transaction helper that makes every
//! change and its audit entry land together.
//!
//! Files of a vault at `PATH`: `PATH` (the encrypted database; its first 16
//! bytes are SQLCipher's random salt, which doubles as the vault id that
//! names the keyring entry), `PATH-wal`/`PATH-shm` (SQLite's, encrypted too),
//! `PATH.lock` (the exclusive lock), `PATH.keys.json` (the key slots, the
//! shop name and the sign-in back-off), `PATH.recovery.json` (the database
//! key wrapped with the recovery key) and `PATH.audit-head` (the audit
//! anchor).
//! `PATH` is the file's canonical path (links and `..` resolved), so a
//! vault reached by two paths is still one vault with one lock.
//!
//! The store knows no domain: it imports only `keys` and `audit` (both
//! below it), and what a new vault holds or a migration fills in is handed
//! to it by `setup` and `schema`. It never hands out its connection outside
//! the core.

mod closed;
mod copy;
mod erase;
mod file;
mod migrate;
pub(crate) mod pages;

use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::audit::{self, anchor, AuditEvent};
use crate::error::{Error, Result, Warning};
use crate::files::{owner_only, restrict_to_owner};
use crate::keys::chain::{ChainKey, Head};
use crate::keys::keystore::{keyring_account, DbKey, KeyStore};
use crate::keys::recovery::{self, RecoveryKey};
use crate::keys::schedule::schedule_account;
use crate::keys::slots::{self, DeviceSecret, KeySlots};
use crate::time::{system_clock, Clock};

#[cfg(feature = "test-support")]
pub use closed::raw_key_reads_file_for_tests;
pub use closed::ClosedVault;
pub(crate) use copy::{install_copy, open_copy, rekey_copy, sibling};
pub use erase::DestroyedFile;
pub(crate) use file::wal_path;
pub(crate) use migrate::Migration;

/// An open, unlocked vault. Holds the exclusive lock until dropped.
pub struct Vault {
    pub(crate) conn: Connection,
    /// The vault file's one name (absolute, no links): the lock and the
    /// files beside the vault are named from it.
    path: PathBuf,
    vault_id: String,
    /// Kept (zeroizing) to derive the keys of the chained tables and to
    /// wrap new key slots.
    db_key: DbKey,
    /// The users' key slots; `None` on a vault made before them (until the
    /// owner signs in) or recovered while the keyring was away.
    key_slots: Option<KeySlots>,
    /// Opened with the database key the keyring held before key slots.
    legacy_keyring: bool,
    chain_key: ChainKey,
    pub(crate) clock: Clock,
    /// Set when this vault was opened with the recovery key; allows the owner's
    /// passphrase to be reset (see `Vault::reset_owner_passphrase`).
    pub(crate) opened_by_recovery: bool,
    keyring_restored: bool,
    /// Set when the audit anchor disagreed with the log at open (a cut or a
    /// forgery); written into every later anchor so it cannot be hidden.
    audit_alarm: Option<String>,
    /// The consent ledger's newest (seq, hash), anchored with the audit
    /// log's; kept up to date by transactions that append to the ledger.
    ledger_head: Option<Head>,
    /// Set when the anchor could not be written after a commit (a full
    /// disk, a file held by another program): the change is saved, the
    /// anchor lags behind the log, and the next write brings it up to date.
    anchor_pending: Cell<bool>,
    /// Released when the vault is dropped (the OS drops the lock with the file).
    _lock: File,
}

/// Which secret opens an existing vault.
pub(crate) enum Unlock<'a> {
    /// A user signing in: the device secret from this computer's keyring
    /// and the user's passphrase open their key slot. A vault made before
    /// key slots is opened with the database key the keyring then held.
    SignIn {
        keystore: &'a dyn KeyStore,
        username: &'a str,
        passphrase: &'a str,
    },
    /// The recovery key; the device secret is then put (back) into the keyring.
    Recovery(&'a dyn KeyStore, &'a RecoveryKey),
    /// The unattended schedule: the device secret and the schedule secret
    /// from the keyring open the schedule slot (see `keys::schedule`).
    Schedule(&'a dyn KeyStore),
}

impl Vault {
    /// Creates the vault file at `path`: a fresh random key wrapped by a new
    /// recovery key, a device secret in the keyring and an empty set of key
    /// slots, the schema, then `fill` writes what a new shop starts with
    /// (its owner's slot among it). Nothing is left behind (files, keyring
    /// entry) if any step fails.
    pub(crate) fn create_store(
        path: &Path,
        keystore: &dyn KeyStore,
        migrations: &[Migration],
        fill: impl FnOnce(&mut Vault) -> Result<()>,
    ) -> Result<(Vault, RecoveryKey)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(Error::io("create the vault folder"))?;
        }
        let path = &file::canonical_path(path);
        let lock = file::take_lock(path)?;
        let unfinished = file::unfinished_path(path);
        if unfinished.exists() {
            // What a cut-off setup left: no vault anyone could open.
            remove_new_vault_files(path);
        } else if fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false) {
            return Err(Error::VaultExists(path.to_owned()));
        }
        crate::files::write_atomic(&unfinished, b"a Steward setup is under way\n")?;
        let mut made_vault_id = None;
        let res = Self::create_locked(path, keystore, migrations, lock, &mut made_vault_id, fill);
        match &res {
            Ok(_) => {
                // The vault is complete: from now on it opens, and a setup
                // over it is refused.
                fs::remove_file(&unfinished).map_err(Error::io("finish setting up the vault"))?;
            }
            Err(_) => {
                // The vault is brand new: nothing of the owner's is lost by
                // removing it.
                remove_new_vault_files(path);
                let _ = fs::remove_file(&unfinished);
                if let Some(id) = made_vault_id {
                    let _ = keystore.delete(&slots::device_account(&id));
                }
            }
        }
        res
    }

    fn create_locked(
        path: &Path,
        keystore: &dyn KeyStore,
        migrations: &[Migration],
        lock: File,
        made_vault_id: &mut Option<String>,
        fill: impl FnOnce(&mut Vault) -> Result<()>,
    ) -> Result<(Vault, RecoveryKey)> {
        let key = DbKey::generate();
        let clock = system_clock();
        // Create the file owner-only before SQLite opens it: SQLite gives its
        // journal files (`-wal`, `-shm`) the database file's permissions.
        owner_only(OpenOptions::new().write(true).create(true).truncate(false))
            .open(path)
            .map_err(Error::io("create the vault file"))?;
        restrict_to_owner(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(Error::db("create the vault file"))?;
        file::key_connection(&conn, &key)?;
        conn.pragma_update(None, "application_id", file::APPLICATION_ID)
            .map_err(Error::db("mark the file as a Steward vault"))?;
        // The schema is written before switching to WAL so that the file
        // header (and with it the salt that names the vault) is on disk now.
        migrate::migrate(&mut conn, migrations, clock())?;
        let vault_id = file::read_vault_id(path)?;
        file::configure_connection(&conn)?;
        let device = DeviceSecret::generate();
        *made_vault_id = Some(vault_id.clone());
        device.store(keystore, &vault_id)?;
        let key_slots = KeySlots::new(path, &vault_id, device, &key);
        key_slots.save()?;
        let recovery_key = recovery::create(path, &vault_id, &key)?;
        let mut vault = Vault {
            conn,
            path: path.to_owned(),
            vault_id,
            chain_key: ChainKey::derive_for(&key, audit::CHAIN_LABEL),
            db_key: key,
            key_slots: Some(key_slots),
            legacy_keyring: false,
            clock,
            opened_by_recovery: false,
            keyring_restored: true,
            audit_alarm: None,
            ledger_head: None,
            anchor_pending: Cell::new(false),
            _lock: lock,
        };
        fill(&mut vault)?;
        Ok((vault, recovery_key))
    }

    /// Opens a held vault with `unlock`, migrates it, and checks the audit
    /// log's end against its anchor. Returns the vault and the
    /// consent-ledger head the anchor vouches for, which the caller checks
    /// against the ledger.
    pub(crate) fn open_store(
        closed: &ClosedVault,
        unlock: Unlock<'_>,
        migrations: &[Migration],
    ) -> Result<(Vault, Option<Head>)> {
        let path = closed.path.as_path();
        let vault_id = closed.vault_id.clone();
        let lock = closed
            .lock
            .try_clone()
            .map_err(Error::io("hold the vault lock"))?;
        let clock = closed.clock.clone();
        let mut keyring_restored = true;
        let by_recovery = matches!(unlock, Unlock::Recovery(..));
        let (key, key_slots, legacy_keyring, wrong_key): (_, _, _, fn() -> Error) = match unlock {
            Unlock::SignIn {
                keystore,
                username,
                passphrase,
            } => match closed.key_slots(keystore)? {
                Some(mut slots) => {
                    let key = slots.unlock(username, passphrase, clock())?;
                    // A move to slots whose last step (removing the old
                    // database key from the keyring) failed finishes now.
                    let _ = keystore.delete(&keyring_account(&vault_id));
                    (key, Some(slots), false, || Error::WrongKey)
                }
                None => {
                    let has_recovery_file = recovery::vault_id_of_recovery_file(path).as_deref()
                        == Some(vault_id.as_str());
                    match keystore.get(&keyring_account(&vault_id))? {
                        Some(k) => (k, None, true, || Error::WrongKey),
                        None if has_recovery_file => return Err(Error::KeyMissing),
                        None => return Err(Error::NotAVault {
                            reason: "this computer's keyring has no key for it and there is no recovery file next to it",
                        }),
                    }
                }
            },
            Unlock::Recovery(keystore, recovery_key) => {
                let key = recovery::unwrap(path, &vault_id, recovery_key)?;
                // The slots' device secret comes back out of its escrow; if
                // the file is gone, new slots start (each user's next
                // sign-in on the open vault makes theirs).
                let escrowed = KeySlots::read_with_db_key(path, &vault_id, &key);
                let from_escrow = escrowed.is_some();
                let slots = escrowed.unwrap_or_else(|| {
                    KeySlots::new(path, &vault_id, DeviceSecret::generate(), &key)
                });
                let slots = match slots.device().store(keystore, &vault_id) {
                    Ok(()) => {
                        slots.save()?;
                        if !from_escrow {
                            // New slots have no schedule slot: a schedule
                            // secret left in the keyring would wrap nothing.
                            let _ = keystore.delete(&schedule_account(&vault_id));
                        }
                        let _ = keystore.delete(&keyring_account(&vault_id));
                        Some(slots)
                    }
                    Err(Error::KeyringUnavailable { .. }) => {
                        keyring_restored = false;
                        // Slots made under a device secret no keyring holds
                        // would open nothing: keep the file as it was.
                        from_escrow.then_some(slots)
                    }
                    Err(e) => return Err(e),
                };
                (key, slots, false, || Error::WrongRecoveryKey)
            }
            Unlock::Schedule(keystore) => {
                let slots = closed
                    .key_slots(keystore)?
                    .ok_or(Error::ScheduleNotEnabled)?;
                let key = slots.unlock_schedule(keystore)?;
                (key, Some(slots), false, || Error::WrongKey)
            }
        };
        // Vaults made before files were created owner-only are narrowed
        // now, with every file beside them (a journal a crash left too).
        for p in [
            path.to_owned(),
            wal_path(path),
            file::shm_path(path),
            file::lock_path(path),
            recovery::recovery_path(path),
            slots::slots_path(path),
            anchor::path(path),
        ] {
            restrict_to_owner(&p)?;
        }
        let mut conn = file::open_keyed(path, &key, wrong_key)?;
        file::configure_connection(&conn)?;
        migrate::migrate(&mut conn, migrations, clock())?;
        let chain_key = ChainKey::derive_for(&key, audit::CHAIN_LABEL);
        let checked = anchor::check(&conn, &chain_key, path)?;
        let vault = Vault {
            conn,
            path: path.to_owned(),
            vault_id,
            db_key: key,
            key_slots,
            legacy_keyring,
            chain_key,
            clock,
            opened_by_recovery: by_recovery,
            keyring_restored,
            audit_alarm: checked.alarm,
            ledger_head: None,
            anchor_pending: Cell::new(false),
            _lock: lock,
        };
        // A journal a crash left behind (the process killed after a commit,
        // before the journal was folded back) still holds older pages,
        // values erased since among them: fold it back and empty it before
        // anything else. No other Steward holds the file (the lock is ours);
        // if another program reads it, nothing is lost, SQLite reads the
        // journal, and the next erasure or the close tries again.
        let _ = vault.checkpoint_wal("open the vault");
        Ok((vault, checked.ledger))
    }

    /// Records a problem found with the anchored heads (at open): from now
    /// on it is written into every anchor.
    pub(crate) fn raise_audit_alarm(&mut self, alarm: String) {
        self.audit_alarm.get_or_insert(alarm);
    }

    pub(crate) fn audit_alarm(&self) -> Option<&str> {
        self.audit_alarm.as_deref()
    }

    /// Sets the consent ledger's head as read at open.
    pub(crate) fn set_ledger_head(&mut self, head: Option<Head>) {
        self.ledger_head = head;
    }

    /// False when the vault was opened with the recovery key but the keyring
    /// could not store its device secret: the recovery key will be needed
    /// again.
    pub fn keyring_restored(&self) -> bool {
        self.keyring_restored
    }

    /// Replaces the clock (tests and benchmarks move time without sleeping).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The vault file's canonical path: absolute, links and `..` resolved.
    /// The database key, for reading the vault's pages decrypted
    /// (`pages`: residue checks).
    pub(crate) fn db_key(&self) -> &DbKey {
        &self.db_key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The id that names this vault's keyring entry (not secret, not personal).
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The key of a chained table (`label` names the table's chain).
    pub(crate) fn chain_key_for(&self, label: &[u8]) -> ChainKey {
        ChainKey::derive_for(&self.db_key, label)
    }

    /// The audit chain's key (for `oversight` to verify the log).
    pub(crate) fn audit_chain_key(&self) -> &ChainKey {
        &self.chain_key
    }

    /// Runs `f` in one transaction; its audit entries land with its changes,
    /// or not at all. The audit anchor is moved after the commit.
    pub(crate) fn transact<T>(
        &mut self,
        op: &'static str,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let (value, head, ledger_head) = {
            let mut wrapped = self.begin(op)?;
            let value = f(&mut wrapped)?;
            let Tx {
                tx,
                head,
                ledger_head,
                ..
            } = wrapped;
            tx.commit().map_err(Error::db(op))?;
            (value, head, ledger_head)
        };
        if ledger_head.is_some() {
            self.ledger_head = ledger_head;
        }
        if let Some((seq, hash)) = head {
            self.move_anchor(seq, &hash);
        }
        Ok(value)
    }

    /// Runs `f` in a transaction that is always rolled back: what a change
    /// would do, found by doing it, with nothing kept (its audit entries
    /// neither). The anchor is not moved.
    pub(crate) fn rehearse<T>(
        &mut self,
        op: &'static str,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut wrapped = self.begin(op)?;
        let value = f(&mut wrapped);
        wrapped.tx.rollback().map_err(Error::db(op))?;
        value
    }

    /// A transaction with what its steps need: the keys, and the time the
    /// change is recorded at (read once, so every row of it agrees).
    fn begin(&mut self, op: &'static str) -> Result<Tx<'_>> {
        let now = self.now();
        let tx = self.conn.transaction().map_err(Error::db(op))?;
        Ok(Tx {
            tx,
            chain_key: &self.chain_key,
            db_key: &self.db_key,
            now,
            head: None,
            ledger_head: None,
        })
    }

    /// Writes the anchor for the log's new head. The change it follows is
    /// already committed, so a failure here must not report the change as
    /// failed: it is noted ([`Vault::audit_anchor_pending`]) and the next
    /// write repairs it. A log ahead of its anchor is what a crash leaves
    /// too, and is not a break.
    fn move_anchor(&self, seq: i64, hash: &[u8; 32]) {
        let written = anchor::write(
            &self.path,
            &self.chain_key,
            seq,
            hash,
            self.ledger_head.as_ref(),
            self.audit_alarm.as_deref(),
        );
        self.anchor_pending.set(written.is_err());
    }

    /// True when the audit anchor next to the vault could not be updated
    /// after the last change (which was saved). The next change retries;
    /// until then, entries cut off the log's end would go unnoticed.
    pub fn audit_anchor_pending(&self) -> bool {
        self.anchor_pending.get()
    }

    /// What the shop should know about the vault now, though every change
    /// was saved: today, an audit anchor that lags behind the log.
    pub fn warnings(&self) -> Vec<Warning> {
        if self.audit_anchor_pending() {
            vec![Warning::AuditAnchorPending]
        } else {
            Vec::new()
        }
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
        self.move_anchor(seq, &hash);
        Ok(())
    }

    /// Folds the WAL back into the file and empties it, so that a value
    /// just removed or replaced leaves no older page behind. A checkpoint
    /// that could not empty it (another program holds a read transaction
    /// on the file) is `JournalNotCleared`, never assumed to have worked.
    pub(crate) fn checkpoint_wal(&self, op: &'static str) -> Result<()> {
        // The row is (busy, frames in the log, frames checkpointed); after a
        // TRUNCATE that finished, busy is 0 and the log is empty.
        let (busy, log, checkpointed): (i64, i64, i64) = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(Error::db(op))?;
        let wal_len = match fs::metadata(wal_path(&self.path)) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(Error::io("check the vault's journal")(e)),
        };
        if busy != 0 || log != checkpointed || wal_len != 0 {
            return Err(Error::JournalNotCleared);
        }
        Ok(())
    }

    /// Rewrites the whole file from its live rows (`VACUUM`), then empties
    /// the journal. `secure_delete` zeroes a row's bytes where the row
    /// was, but when SQLite rebuilds a b-tree page to balance it
    /// (`rebuildPage`), it packs the cells at the page's end and leaves
    /// their old bytes in the gap between the cell pointers and the cells:
    /// copies of rows that are live at the time, still there after those
    /// rows are deleted. Only building every page anew removes them. A pass
    /// over the whole vault: for residue found, not for every change.
    pub(crate) fn rewrite_file(&self, op: &'static str) -> Result<()> {
        self.conn.execute_batch("VACUUM").map_err(Error::db(op))?;
        self.checkpoint_wal(op)
    }

    /// The schema version the vault is at.
    pub(crate) fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(Error::db("read the schema version"))
    }
}

impl Drop for Vault {
    fn drop(&mut self) {
        // Fold the WAL back into the file and empty it, so no old page
        // lingers in it after close. A failure cannot be reported from here,
        // and need not be: nothing is lost (SQLite replays the WAL on the
        // next open), SQLite checkpoints and removes the WAL itself when the
        // last connection to the file closes, and an erasure whose
        // checkpoint failed was already reported when it happened.
        let _ = self.checkpoint_wal("close the vault");
    }
}

/// Removes the files of a vault whose setup did not finish.
fn remove_new_vault_files(path: &Path) {
    for p in [
        path.to_owned(),
        wal_path(path),
        file::shm_path(path),
        recovery::recovery_path(path),
        slots::slots_path(path),
        anchor::path(path),
    ] {
        let _ = fs::remove_file(p);
    }
}

/// A transaction with the audit log at hand.
pub(crate) struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    chain_key: &'c ChainKey,
    db_key: &'c DbKey,
    pub(crate) now: DateTime<Utc>,
    head: Option<(i64, [u8; 32])>,
    ledger_head: Option<Head>,
}

impl Tx<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    pub(crate) fn audit(&mut self, ev: AuditEvent) -> Result<()> {
        self.head = Some(audit::append(&self.tx, self.chain_key, self.now, &ev)?);
        Ok(())
    }

    /// The key of a chained table (`label` names the table's chain).
    pub(crate) fn chain_key_for(&self, label: &[u8]) -> ChainKey {
        ChainKey::derive_for(self.db_key, label)
    }

    /// Removes the audit log's entries made before `cutoff` (never the
    /// newest) behind a checkpoint; returns how many went.
    pub(crate) fn remove_old_audit_entries(&mut self, cutoff: DateTime<Utc>) -> Result<u64> {
        audit::checkpoint::remove_before(&self.tx, self.chain_key, cutoff, self.now)
    }

    /// Notes the consent ledger's new head for the anchor written after commit.
    pub(crate) fn set_ledger_head(&mut self, head: Head) {
        self.ledger_head = Some(head);
    }
}

/// Where the app and the CLI keep the vault unless told otherwise: the OS's
/// per-user data folder (`~/.local/share/steward` on Linux, `~/Library/
/// Application Support/steward` on macOS, `%APPDATA%\steward` on Windows).
pub fn default_location() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "steward").map(|d| d.data_dir().join("vault.steward"))
}
