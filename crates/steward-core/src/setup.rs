//! Creating, opening and recovering a vault: the store opens the file, and
//! this module wires in the rest — the shop's record and the owner's
//! account on a new vault, the consent ledger's check against the audit
//! anchor, the consent set-up (signing key, purposes, notice) — and logs
//! the event. It is the top of the core: everything below it is unaware of
//! how a vault comes to be open.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::audit::{self, AuditEvent, Outcome, Subject};
use crate::consent::{self, ledger, signing_key};
use crate::error::Result;
use crate::keys::keystore::KeyStore;
use crate::keys::recovery::RecoveryKey;
use crate::people::{accounts, Passphrase};
use crate::permissions::Role;
use crate::records::customer;
use crate::schema::MIGRATIONS;
use crate::shop;
use crate::store::{Unlock, Vault};

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
        owner_passphrase: &Passphrase,
    ) -> Result<(Vault, RecoveryKey)> {
        let shop_name = shop::validate_name(shop_name)?;
        let owner_username = accounts::validate_username(owner_username)?;
        owner_passphrase.check_strength()?;
        // Hash before touching the disk: it is the slow step and can't fail later.
        let owner_hash = owner_passphrase.hash()?;
        Vault::create_store(path, keystore, MIGRATIONS, |vault| {
            vault.transact("set up the shop", |tx| {
                shop::insert(tx.conn(), &shop_name, tx.now)?;
                let owner_id = accounts::insert(
                    tx.conn(),
                    &owner_username,
                    Role::Owner,
                    &owner_hash,
                    false,
                    tx.now,
                )?;
                tx.audit(
                    AuditEvent::new("vault.create", Outcome::Ok)
                        .by(owner_id, Role::Owner)
                        .on(Subject::User(owner_id)),
                )
            })?;
            consent::ensure_setup(vault)
        })
    }

    /// Opens an existing vault with the key from the keyring.
    pub fn open(path: &Path, keystore: &dyn KeyStore) -> Result<Vault> {
        let vault = open_and_check(path, Unlock::Keyring(keystore))?;
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
        let vault = open_and_check(path, Unlock::Recovery(keystore, recovery_key))?;
        let event = AuditEvent::new("vault.recover", Outcome::Ok);
        if vault.keyring_restored() {
            vault.log_standalone(event)?;
        } else {
            vault.log_standalone(event.because("keyring unavailable"))?;
        }
        Ok(vault)
    }

    /// Counts and versions for `steward status`. Needs no login: it shows no
    /// personal data.
    pub fn status(&self) -> Result<VaultStatus> {
        let (users, active_users) = accounts::counts(&self.conn)?;
        Ok(VaultStatus {
            path: self.path().to_owned(),
            vault_id: self.vault_id().to_owned(),
            schema_version: self.schema_version()?,
            shop_name: shop::name(&self.conn)?,
            users,
            active_users,
            audit_entries: audit::count(&self.conn)?,
            customers: customer::count(&self.conn)?,
            consent_records: ledger::count(&self.conn)?,
            receipt_key: signing_key::key_fingerprint(&self.conn)?,
        })
    }
}

/// Opens the store, checks the consent ledger's end against the anchor
/// (a cut or a forgery raises the sticky alarm, which is logged), and
/// brings the consent set-up up to date.
fn open_and_check(path: &Path, unlock: Unlock<'_>) -> Result<Vault> {
    let (mut vault, anchored_ledger) = Vault::open_store(path, unlock, MIGRATIONS)?;
    vault.set_ledger_head(ledger::head(&vault.conn)?);
    if vault.audit_alarm().is_none() {
        if let Some(alarm) = ledger::check_anchored(&vault.conn, anchored_ledger.as_ref())? {
            vault.raise_audit_alarm(alarm);
        }
    }
    if vault.audit_alarm().is_some() {
        vault.log_standalone(AuditEvent::new("audit.anchor_check", Outcome::Failed))?;
    }
    consent::ensure_setup(&mut vault)?;
    Ok(vault)
}
