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
use crate::people::{accounts, Passphrase, Session};
use crate::permissions::Role;
use crate::records::customer;
use crate::schema::MIGRATIONS;
use crate::shop;
use crate::store::{ClosedVault, Unlock, Vault};

/// What `steward status` shows after a sign-in: no personal data.
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

/// What can be known of a vault before anyone signs in: its name on the
/// login screen, read from the sign-in file beside it (authenticated with
/// this computer's device secret). No personal data.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultCover {
    pub path: PathBuf,
    pub vault_id: String,
    /// `None` for a vault made before key slots (its name is inside the
    /// encrypted file until the owner's next sign-in moves it to slots).
    pub shop_name: Option<String>,
    /// The fingerprint of the key that signs the shop's receipts (as
    /// printed on its notice); `None` as for `shop_name`.
    pub receipt_key: Option<String>,
    /// How many users can open the vault on this computer.
    pub sign_in_slots: usize,
    /// Whether the owner switched the unattended schedule on (its slot is
    /// in the sign-in file).
    pub unattended_schedule: bool,
    /// True until the owner's next sign-in moves an older vault to slots.
    pub upgrade_pending: bool,
}

impl ClosedVault {
    /// What the login screen shows: `KeyMissing` when this computer's
    /// keyring has no device secret for the vault (a new computer: the
    /// recovery key is the way in), `KeySlotsDamaged` when the sign-in file
    /// was changed outside Steward.
    pub fn cover(&self, keystore: &dyn KeyStore) -> Result<VaultCover> {
        let slots = self.key_slots(keystore)?;
        let known = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        Ok(VaultCover {
            path: self.path().to_owned(),
            vault_id: self.vault_id().to_owned(),
            shop_name: slots.as_ref().and_then(|s| known(s.shop_name())),
            receipt_key: slots.as_ref().and_then(|s| known(s.receipt_key())),
            sign_in_slots: slots.as_ref().map_or(0, |s| s.slot_count()),
            unattended_schedule: slots.as_ref().is_some_and(|s| s.has_schedule()),
            upgrade_pending: slots.is_none(),
        })
    }

    /// Opens the vault by signing a user in: this computer's device secret
    /// (keyring) and the user's passphrase open their key slot, so neither
    /// alone opens anything. Wrong usernames and passphrases get one error
    /// and a doubling wait that survives restarts.
    ///
    /// A vault made before key slots opens with the key the keyring held;
    /// when its owner signs in it moves to slots and the keyring entry that
    /// held the database key is removed.
    pub fn sign_in(
        &self,
        keystore: &dyn KeyStore,
        username: &str,
        passphrase: &Passphrase,
    ) -> Result<(Vault, Session)> {
        let unlock = Unlock::SignIn {
            keystore,
            username,
            passphrase: passphrase.as_str(),
        };
        let mut vault = open_and_check(self, unlock)?;
        vault.log_standalone(AuditEvent::new("vault.open", Outcome::Ok))?;
        let session = if vault.opened_by_legacy_keyring() {
            // The key came from the keyring alone: the passphrase is checked
            // against the account, as before slots.
            let session = vault.login(username, passphrase)?;
            if session.role() == Role::Owner {
                let hash = accounts::passphrase_hash_of(&vault.conn, session.user_id())?;
                let shop_name = shop::name(&vault.conn)?;
                let receipt_key = signing_key::key_fingerprint(&vault.conn)?;
                vault.start_key_slots(
                    keystore,
                    (username, passphrase.as_str(), &hash),
                    (&shop_name, &receipt_key),
                )?;
                vault.log_standalone(
                    AuditEvent::new("vault.key_slots", Outcome::Ok)
                        .by(session.user_id(), Role::Owner)
                        .because("upgraded: the keyring alone no longer opens the vault"),
                )?;
            }
            session
        } else {
            vault.login_by_key_slot(username, passphrase)?
        };
        Ok((vault, session))
    }

    /// Opens the vault with its recovery key, and puts the device secret
    /// back into this computer's keyring (a new computer, a lost keyring),
    /// so that every user's slot opens it again.
    ///
    /// If the keyring service is not running, the vault still opens for this
    /// run (that is what the recovery key is for) and
    /// [`Vault::keyring_restored`] says that nothing could be stored.
    pub fn recover(&self, keystore: &dyn KeyStore, recovery_key: &RecoveryKey) -> Result<Vault> {
        let vault = open_and_check(self, Unlock::Recovery(keystore, recovery_key))?;
        let event = AuditEvent::new("vault.recover", Outcome::Ok);
        if vault.keyring_restored() {
            vault.log_standalone(event)?;
        } else {
            vault.log_standalone(event.because("keyring unavailable"))?;
        }
        Ok(vault)
    }
}

impl Vault {
    /// Creates a new vault for a shop: a fresh random database key, a device
    /// secret in the keyring, the owner's key slot, the schema, the shop and
    /// its owner account, and the recovery file. Returns the vault and the
    /// recovery key, to be shown once.
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
            consent::ensure_setup(vault)?;
            sync_cover(vault)?;
            vault.put_key_slot(&owner_username, owner_passphrase.as_str(), &owner_hash)?;
            Ok(())
        })
    }

    /// Opens the vault at `path` by signing a user in (see
    /// [`ClosedVault::sign_in`]): the CLI's way in, one command at a time.
    pub fn open(
        path: &Path,
        keystore: &dyn KeyStore,
        username: &str,
        passphrase: &Passphrase,
    ) -> Result<(Vault, Session)> {
        ClosedVault::take(path)?.sign_in(keystore, username, passphrase)
    }

    /// Opens the vault at `path` with its recovery key (see
    /// [`ClosedVault::recover`]).
    pub fn recover(
        path: &Path,
        keystore: &dyn KeyStore,
        recovery_key: &RecoveryKey,
    ) -> Result<Vault> {
        ClosedVault::take(path)?.recover(keystore, recovery_key)
    }

    /// Counts and versions for `steward status` (after a sign-in: nothing
    /// in the vault is readable before one). No personal data.
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
pub(crate) fn open_and_check(closed: &ClosedVault, unlock: Unlock<'_>) -> Result<Vault> {
    let (mut vault, anchored_ledger) = Vault::open_store(closed, unlock, MIGRATIONS)?;
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
    sync_cover(&mut vault)?;
    Ok(vault)
}

/// Copies what the login screen and `receipt verify` need before a sign-in
/// into the sign-in file beside the vault.
fn sync_cover(vault: &mut Vault) -> Result<()> {
    let shop_name = shop::name(&vault.conn)?;
    let receipt_key = signing_key::key_fingerprint(&vault.conn)?;
    vault.sync_key_slots_cover(&shop_name, &receipt_key)
}
