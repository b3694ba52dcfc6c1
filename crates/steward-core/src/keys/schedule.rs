//! The unattended schedule's key slot: what lets an OS timer run the
//! retention schedule (and the scheduled backup) while nobody is signed in.
//!
//! It is off unless the owner switches it on. Then a random **schedule
//! secret** is kept in this computer's keyring under its own entry (next to
//! the device secret), and the sign-in file gets one more slot: the
//! database key wrapped under a key derived from the device secret *and*
//! the schedule secret. Neither secret alone, nor the file alone, opens it.
//! The slot is part of the file the device secret authenticates, so a
//! changed slot is refused as damaged like any other change.
//!
//! What the slot opens is decided above this module: the core hands the
//! unattended open a type that can only run the schedule (`unattended`).
//! Whoever can use the OS account's unlocked keyring *and* has their own
//! tools can still unwrap the database key from it; that is the trade the
//! owner accepts by switching it on (README, threat model).

use hmac::Mac;
use zeroize::Zeroizing;

use super::keystore::{DbKey, KeyStore};
use super::slots::{seal, unseal, KeySlots};
use crate::error::{Error, Result};

/// The keyring account that holds a vault's schedule secret.
pub fn schedule_account(vault_id: &str) -> String {
    format!("schedule-{vault_id}")
}

fn schedule_aad(vault_id: &str) -> Vec<u8> {
    [b"steward schedule slot v1:".as_slice(), vault_id.as_bytes()].concat()
}

impl KeySlots {
    /// Whether the sign-in file holds a schedule slot.
    pub(crate) fn has_schedule(&self) -> bool {
        self.body.schedule.is_some()
    }

    /// The key that wraps the schedule slot: both secrets, bound to the
    /// vault.
    fn schedule_kek(&self, secret: &DbKey) -> Zeroizing<[u8; 32]> {
        let mut mac = self
            .device()
            .mac(b"steward schedule slot kek v1:", &self.body.vault_id);
        mac.update(secret.as_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// Switches the schedule on: a fresh schedule secret in the keyring and
    /// a fresh slot wrapping `db_key`, saved. Switching it on again
    /// replaces both, so an older copy of the secret opens nothing.
    pub(crate) fn enable_schedule(
        &mut self,
        keystore: &dyn KeyStore,
        db_key: &DbKey,
    ) -> Result<()> {
        let secret = DbKey::generate();
        let vault_id = self.body.vault_id.clone();
        keystore.set(&schedule_account(&vault_id), &secret)?;
        let kek = self.schedule_kek(&secret);
        let previous =
            self.body
                .schedule
                .replace(seal(&kek, db_key.as_bytes(), &schedule_aad(&vault_id)));
        if let Err(e) = self.save() {
            // The file keeps its old slot; the new secret in the keyring
            // opens nothing without the new slot.
            self.body.schedule = previous;
            return Err(e);
        }
        Ok(())
    }

    /// Switches the schedule off: the slot leaves the file first (from then
    /// on nothing opens through it), then the secret leaves the keyring.
    /// Returns whether there was a slot.
    pub(crate) fn disable_schedule(&mut self, keystore: &dyn KeyStore) -> Result<bool> {
        let had = self.body.schedule.take();
        if had.is_some() {
            if let Err(e) = self.save() {
                self.body.schedule = had;
                return Err(e);
            }
        }
        keystore.delete(&schedule_account(&self.body.vault_id))?;
        Ok(had.is_some())
    }

    /// Unwraps the database key through the schedule slot:
    /// `ScheduleNotEnabled` when there is no slot or the keyring holds no
    /// schedule secret, `KeySlotsDamaged` when they do not fit together
    /// (a slot or a secret changed outside Steward).
    pub(crate) fn unlock_schedule(&self, keystore: &dyn KeyStore) -> Result<DbKey> {
        let sealed = self
            .body
            .schedule
            .as_ref()
            .ok_or(Error::ScheduleNotEnabled)?;
        let secret = keystore
            .get(&schedule_account(&self.body.vault_id))?
            .ok_or(Error::ScheduleNotEnabled)?;
        let kek = self.schedule_kek(&secret);
        let key = unseal(
            &kek,
            &sealed.nonce,
            &sealed.wrapped,
            &schedule_aad(&self.body.vault_id),
        )
        .ok_or_else(|| Error::KeySlotsDamaged(self.path.clone()))?;
        Ok(DbKey::from_bytes(*key))
    }
}
