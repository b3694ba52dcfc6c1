//! The vault before and around a sign-in: [`ClosedVault`] (the lock held,
//! nothing opened: what the login screen has), and the open vault's key
//! slots — adding, replacing and removing a user's slot, the move of an
//! older vault to slots, and the cover (shop name, receipt key) the sign-in
//! file carries for the login screen.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{file, Vault};
use crate::error::{Error, Result};
use crate::keys::keystore::{keyring_account, KeyStore};
use crate::keys::slots::{DeviceSecret, KeySlots, SlotBackup};
use crate::time::{system_clock, Clock};

/// A vault this process holds (its lock is taken) but has not opened: what
/// there is before anyone signs in. The app keeps one from start to exit,
/// so a second window is refused at once; its data opens only with a
/// user's sign-in or the recovery key.
pub struct ClosedVault {
    pub(super) path: PathBuf,
    pub(super) vault_id: String,
    pub(super) lock: File,
    /// The clock sign-in back-off is measured by, handed to the vault it opens.
    pub(super) clock: Clock,
}

/// Whether `key`, used directly as the SQLCipher key, reads the file at
/// `path`: what someone with their own tools would try (feature
/// `test-support` only; the CLI's tests try what the real keyring holds).
#[cfg(feature = "test-support")]
pub fn raw_key_reads_file_for_tests(path: &Path, key: &crate::keys::keystore::DbKey) -> bool {
    let Ok(conn) = rusqlite::Connection::open(path) else {
        return false;
    };
    file::key_connection(&conn, key).is_ok()
        && conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok()
}

impl ClosedVault {
    /// Takes the lock of the vault at `path` and reads its id: `NoVault`
    /// when there is none, `AlreadyOpen` when another window or command
    /// has it, `NotAVault` for a file that cannot be one.
    pub fn take(path: &Path) -> Result<ClosedVault> {
        let path = file::canonical_path(path);
        let lock = file::take_existing_lock(&path)?;
        let vault_id = file::read_vault_id(&path)?;
        Ok(ClosedVault {
            path,
            vault_id,
            lock,
            clock: system_clock(),
        })
    }

    /// Replaces the clock (tests move time without sleeping); the vault it
    /// opens keeps it.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The vault file's canonical path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's id (not secret, not personal).
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The key slots, read with this computer's device secret; `None` for a
    /// vault made before key slots.
    pub(crate) fn key_slots(&self, keystore: &dyn KeyStore) -> Result<Option<KeySlots>> {
        if !KeySlots::exist(&self.path) {
            return Ok(None);
        }
        KeySlots::read(&self.path, &self.vault_id, keystore).map(Some)
    }
}

impl Vault {
    /// The database key, for tests and benchmarks that read the file with a
    /// raw SQLCipher connection (feature `test-support` only: a normal
    /// build cannot get a vault's key out of it).
    #[cfg(feature = "test-support")]
    pub fn database_key_for_tests(&self) -> crate::keys::keystore::DbKey {
        self.db_key.clone()
    }

    /// A hold on this vault that outlives it: the app keeps one, closes the
    /// vault after a long lock (the key leaves memory), and signs in again
    /// through it, without ever letting go of the lock.
    pub fn hold(&self) -> Result<ClosedVault> {
        Ok(ClosedVault {
            path: self.path.clone(),
            vault_id: self.vault_id.clone(),
            lock: self
                ._lock
                .try_clone()
                .map_err(Error::io("hold the vault lock"))?,
            clock: self.clock.clone(),
        })
    }

    /// True when the vault was opened with the database key the keyring held
    /// before key slots existed: the owner's sign-in moves it to slots.
    pub(crate) fn opened_by_legacy_keyring(&self) -> bool {
        self.legacy_keyring
    }

    /// Moves a vault made before key slots to them: a device secret in the
    /// keyring, then the sign-in file with its first slot (for `owner`, who
    /// is signing in now, whose passphrase hash is `owner_hash`) and the
    /// login screen's cover, written once and whole, and only then the
    /// database key removed from the keyring, so that the keyring alone no
    /// longer opens it. Until the file is written the vault stays as it was.
    pub(crate) fn start_key_slots(
        &mut self,
        keystore: &dyn KeyStore,
        owner: (&str, &str, &str),
        cover: (&str, &str),
    ) -> Result<()> {
        let (username, passphrase, owner_hash) = owner;
        let device = DeviceSecret::generate();
        device.store(keystore, &self.vault_id)?;
        let mut slots = KeySlots::new(&self.path, &self.vault_id, device, &self.db_key);
        slots.set_cover(cover.0, cover.1);
        slots.put(username, passphrase, owner_hash, &self.db_key)?;
        self.key_slots = Some(slots);
        self.legacy_keyring = false;
        keystore.delete(&keyring_account(&self.vault_id))
    }

    /// Wraps the database key in `username`'s slot under this passphrase,
    /// whose hash in the account is `account_hash` (replacing their old
    /// slot). `Ok(None)` when the vault has no slots (made before them, or
    /// recovered while the keyring was away).
    pub(crate) fn put_key_slot(
        &mut self,
        username: &str,
        passphrase: &str,
        account_hash: &str,
    ) -> Result<Option<SlotBackup>> {
        match self.key_slots.as_mut() {
            Some(slots) => slots
                .put(username, passphrase, account_hash, &self.db_key)
                .map(Some),
            None => Ok(None),
        }
    }

    /// Whether `username`'s slot was made for the passphrase whose hash the
    /// account now holds (false without slots).
    pub(crate) fn key_slot_matches(&self, username: &str, account_hash: &str) -> bool {
        self.key_slots
            .as_ref()
            .is_some_and(|s| s.matches_account(username, account_hash))
    }

    /// Removes `username`'s slot (their account was disabled).
    pub(crate) fn remove_key_slot(&mut self, username: &str) -> Result<Option<SlotBackup>> {
        match self.key_slots.as_mut() {
            Some(slots) => slots.remove(username).map(Some),
            None => Ok(None),
        }
    }

    /// Undoes a slot change whose account change could not be saved.
    pub(crate) fn restore_key_slot(&mut self, backup: Option<SlotBackup>) {
        if let (Some(slots), Some(backup)) = (self.key_slots.as_mut(), backup) {
            // Best effort: the account change failed and is reported; a slot
            // left behind opens the vault with the old passphrase, which the
            // account's own check still refuses once open.
            let _ = slots.restore(backup);
        }
    }

    /// Keeps what is known before a sign-in (outside the encrypted file:
    /// the shop name, the receipt key's fingerprint) in step with the vault.
    pub(crate) fn sync_key_slots_cover(
        &mut self,
        shop_name: &str,
        receipt_key: &str,
    ) -> Result<()> {
        if let Some(slots) = self.key_slots.as_mut() {
            if slots.set_cover(shop_name, receipt_key) {
                slots.save()?;
            }
        }
        Ok(())
    }

    /// Puts (or replaces) the unattended schedule's slot and its secret in
    /// the keyring. `KeyMissing` on a vault without key slots (recovered
    /// while the keyring was away): there is no device secret to bind it to.
    pub(crate) fn put_schedule_slot(&mut self, keystore: &dyn KeyStore) -> Result<()> {
        let slots = self.key_slots.as_mut().ok_or(Error::KeyMissing)?;
        slots.enable_schedule(keystore, &self.db_key)
    }

    /// Removes the unattended schedule's slot and its keyring secret;
    /// whether there was a slot.
    pub(crate) fn remove_schedule_slot(&mut self, keystore: &dyn KeyStore) -> Result<bool> {
        match self.key_slots.as_mut() {
            Some(slots) => slots.disable_schedule(keystore),
            None => Ok(false),
        }
    }

    /// Whether an unattended run would open this vault now: the slot is in
    /// the sign-in file and this keyring's schedule secret unwraps it.
    pub(crate) fn schedule_slot_opens(&self, keystore: &dyn KeyStore) -> Result<bool> {
        let Some(slots) = self.key_slots.as_ref().filter(|s| s.has_schedule()) else {
            return Ok(false);
        };
        match slots.unlock_schedule(keystore) {
            Ok(key) => Ok(key == self.db_key),
            Err(Error::ScheduleNotEnabled | Error::KeySlotsDamaged(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// How many users can open the vault on this computer; `None` when the
    /// vault has no key slots (made before them, or the keyring was away).
    pub fn sign_in_slots(&self) -> Option<usize> {
        self.key_slots.as_ref().map(KeySlots::slot_count)
    }
}
