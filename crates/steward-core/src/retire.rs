//! Retiring this computer: the owner, with their passphrase typed again
//! and the word `RETIRE`, destroys the vault on this computer for good by
//! cryptographic erase (the keyring's half of every sign-in, every key
//! slot, the recovery file, the database and every file beside it), and
//! gets a destruction certificate that names what was destroyed and how.
//! Moving to a new computer is a backup restored there with the recovery
//! key (`backup`), then this.
//!
//! Owns the approval (who, which confirmation) and the certificate; the
//! destroying itself is the store's. It never touches a backup elsewhere,
//! and the certificate never holds a customer's data, a user's name or a
//! folder's path.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::audit::{AuditEvent, Outcome};
use crate::error::{Error, Result};
use crate::keys::keystore::KeyStore;
use crate::people::{accounts, Passphrase, Session};
use crate::permissions::Action;
use crate::shop;
use crate::store::{DestroyedFile, Vault};

/// The word the owner types to confirm that this computer is retired.
pub const RETIRE_CONFIRMATION: &str = "RETIRE";

/// The method, as NIST SP 800-88 Rev. 1 names it.
pub const METHOD: &str = "Purge by cryptographic erase (NIST SP 800-88 Rev. 1, section 2.6 and appendix A): every copy of the keys that open the vault on this computer was destroyed (the device secret and any unattended-schedule secret in the system keyring, every key slot, the recovery file), then the encrypted database, its journal and every file beside it were overwritten once with random bytes and deleted.";

/// What cryptographic erase cannot promise, said on every certificate.
pub const LIMITS: &[&str] = &[
    "On SSDs, flash memory and copy-on-write or journaling file systems, wear levelling and snapshots may keep old blocks of these files that an overwrite does not reach; what such blocks hold is encrypted under a key that no longer exists anywhere on this computer.",
    "The system keyring may keep its own copies (its backups, a synced keychain); the entry was removed through the keyring itself.",
    "Backups made before (on a USB stick, in a synced folder) are not touched: each still opens with the shop's recovery key, and should be kept safe or destroyed separately.",
    "The recovery key on paper still opens those backups: keep it while the backups are needed, then destroy it.",
];

/// Proof that the owner asked to retire this computer, with their
/// passphrase and the typed confirmation; only
/// [`Vault::approve_retirement`] makes one.
pub struct RetirementApproval {
    vault_id: String,
    _private: (),
}

/// The record of a retirement: no customer data, no user's name, no path.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestructionCertificate {
    pub certificate_id: String,
    /// When the destruction finished (UTC).
    pub destroyed_at: DateTime<Utc>,
    pub vault_id: String,
    pub shop_name: String,
    /// The role that retired it (always the owner).
    pub by_role: String,
    pub steward_version: String,
    /// The keyring entries removed (service `steward`).
    pub keyring_entries: Vec<String>,
    pub files: Vec<DestroyedFile>,
    /// Every file was overwritten and is gone, and so is every keyring entry.
    pub complete: bool,
    pub method: String,
    pub limits: Vec<String>,
}

impl Vault {
    /// Checks that the owner may retire this computer now: their role,
    /// their passphrase typed again, and the word `RETIRE`. Nothing is
    /// destroyed, and the vault stays open, whatever the answer.
    pub fn approve_retirement(
        &mut self,
        session: &mut Session,
        passphrase: &Passphrase,
        confirmation: &str,
    ) -> Result<RetirementApproval> {
        self.authorize(session, Action::RetireComputer)?;
        let refused = |v: &Vault, why: &'static str| {
            v.log_standalone(
                AuditEvent::new("computer.retire", Outcome::Failed)
                    .by(session.user_id(), session.role())
                    .because(why),
            )
        };
        if confirmation.trim() != RETIRE_CONFIRMATION {
            refused(self, "not confirmed")?;
            return Err(Error::RetirementNotConfirmed);
        }
        let Some(user) = accounts::by_id(&self.conn, session.user_id())? else {
            return Err(Error::SessionLocked);
        };
        if !passphrase.verify(&user.passphrase_hash) {
            refused(self, "wrong passphrase")?;
            return Err(Error::WrongCredentials);
        }
        Ok(RetirementApproval {
            vault_id: self.vault_id().to_owned(),
            _private: (),
        })
    }

    /// Destroys this vault on this computer for good (see the module
    /// comment) and returns the certificate. When the keyring cannot be
    /// reached nothing is destroyed (`KeyringUnavailable`).
    pub fn retire(
        self,
        keystore: &dyn KeyStore,
        approval: RetirementApproval,
    ) -> Result<DestructionCertificate> {
        if approval.vault_id != self.vault_id() {
            return Err(Error::InvalidInput {
                field: "approval",
                reason: "the approval was given for another vault",
            });
        }
        let shop_name = shop::name(&self.conn)?;
        let vault_id = self.vault_id().to_owned();
        let clock = self.clock.clone();
        let done = self.destroy(keystore)?;
        let keyring_left = done
            .keyring_entries
            .iter()
            .any(|a| !matches!(keystore.get(a), Ok(None)));
        let complete = !keyring_left && done.files.iter().all(|f| f.overwritten && f.deleted);
        Ok(DestructionCertificate {
            certificate_id: uuid::Uuid::new_v4().to_string(),
            destroyed_at: clock(),
            vault_id,
            shop_name,
            by_role: "owner".to_owned(),
            steward_version: env!("CARGO_PKG_VERSION").to_owned(),
            keyring_entries: done.keyring_entries,
            files: done.files,
            complete,
            method: METHOD.to_owned(),
            limits: LIMITS.iter().map(|s| (*s).to_owned()).collect(),
        })
    }
}

impl DestructionCertificate {
    /// The certificate as plain text, to print or keep.
    pub fn to_text(&self) -> String {
        let mut t = String::from("STEWARD DESTRUCTION CERTIFICATE\n\n");
        t += &format!("Certificate: {}\n", self.certificate_id);
        t += &format!(
            "Destroyed at: {} (UTC)\n",
            self.destroyed_at.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        t += &format!("Shop: {}\n", self.shop_name);
        t += &format!("Vault id: {}\n", self.vault_id);
        t += &format!("Retired by: the {}\n", self.by_role);
        t += &format!("Steward version: {}\n", self.steward_version);
        t += &format!(
            "Result: {}\n\n",
            if self.complete {
                "complete"
            } else {
                "INCOMPLETE: see the files below that were not overwritten or not deleted"
            }
        );
        t += "Keyring entries removed (service \"steward\"):\n";
        if self.keyring_entries.is_empty() {
            t += "  (none was there)\n";
        }
        for a in &self.keyring_entries {
            t += &format!("  {a}\n");
        }
        t += "\nFiles destroyed:\n";
        for f in &self.files {
            t += &format!(
                "  {}  {} bytes  {}{}\n",
                f.name,
                f.bytes,
                if f.overwritten {
                    "overwritten"
                } else {
                    "NOT overwritten"
                },
                if f.deleted {
                    ", deleted"
                } else {
                    ", NOT deleted"
                }
            );
        }
        t += &format!("\nMethod: {}\n\nLimits:\n", self.method);
        for l in &self.limits {
            t += &format!("  - {l}\n");
        }
        t
    }
}
