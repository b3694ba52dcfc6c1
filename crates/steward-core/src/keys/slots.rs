//! Key slots: why the keyring alone does not open a vault.
//!
//! The database key is never kept in the keyring. It is wrapped once per
//! user in a *slot*, under a key made from two secrets: a random **device
//! secret** kept in this computer's keyring, and the user's **passphrase**
//! stretched by Argon2id. Whoever reads the keyring gets the device secret
//! and nothing they can open; whoever copies the files gets slots that need
//! the device secret too. The recovery key is a slot of its own (see
//! `recovery`), and works without the keyring.
//!
//! The slots live in `PATH.keys.json` beside the vault, with the little the
//! login screen needs before anything is open (the shop's name) and the
//! failed-sign-in back-off, so that a restart does not reset it. The whole
//! file is authenticated with a key derived from the device secret: a file
//! edited by hand (a back-off wiped, a slot swapped) is refused as damaged.
//! Slots are named by an HMAC of the username under the device secret, so
//! the file does not list who works at the shop. It holds no personal data.
//!
//! The device secret is also kept in the file wrapped by the database key
//! (its *escrow*): opening with the recovery key on a new computer puts the
//! same device secret into the new keyring and every slot works again.

use std::io::Read;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::keystore::{DbKey, KeyStore};
use crate::error::{Error, Result};
use crate::files::write_atomic;

type HmacSha256 = Hmac<Sha256>;

const FORMAT: &str = "steward-keyslots-v1";
/// Argon2id cost of a slot: OWASP's recommended minimum for Argon2id
/// (19 MiB, 2 passes, 1 lane), the same as the passphrase hash, so that
/// signing in costs what it cost before slots existed.
const SLOT_M_KIB: u32 = 19 * 1024;
const SLOT_T: u32 = 2;
const SLOT_P: u32 = 1;
/// Steward writes well under 64 KiB even for a shop with many users.
const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Back-off entries kept (the newest); older ones have long expired.
const MAX_BACKOFF_ENTRIES: usize = 64;
/// Longest wait imposed after failed sign-ins.
const MAX_BACKOFF_SECS: i64 = 15 * 60;

/// How long to wait after `failures` consecutive failed sign-ins: 1 s, 2 s,
/// 4 s, ... doubling up to 15 minutes.
pub fn backoff_after(failures: u32) -> Duration {
    let secs = 1i64
        .checked_shl(failures.saturating_sub(1))
        .unwrap_or(MAX_BACKOFF_SECS)
        .min(MAX_BACKOFF_SECS);
    Duration::seconds(secs)
}

/// The refusal of a sign-in tried before `until`: how many whole seconds
/// to wait (at least one).
pub(crate) fn wait_until(until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    let secs = (until - now)
        .num_milliseconds()
        .max(0)
        .unsigned_abs()
        .div_ceil(1000);
    Error::TooManyAttempts {
        retry_after_secs: secs.max(1),
    }
}

/// Where the key slots of a vault live.
pub fn slots_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".keys.json");
    PathBuf::from(name)
}

/// The keyring account that holds a vault's device secret.
pub fn device_account(vault_id: &str) -> String {
    format!("device-{vault_id}")
}

/// This computer's half of every slot: 32 random bytes in the OS keyring.
/// Zeroized on drop; `Debug` hides it.
#[derive(Clone)]
pub(crate) struct DeviceSecret(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecret(<redacted>)")
    }
}

impl DeviceSecret {
    pub(crate) fn generate() -> DeviceSecret {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DeviceSecret(bytes)
    }

    /// The device secret of `vault_id` in the keyring, if there is one.
    pub(crate) fn load(keystore: &dyn KeyStore, vault_id: &str) -> Result<Option<DeviceSecret>> {
        Ok(keystore
            .get(&device_account(vault_id))?
            .map(|k| DeviceSecret(Zeroizing::new(*k.as_bytes()))))
    }

    pub(crate) fn store(&self, keystore: &dyn KeyStore, vault_id: &str) -> Result<()> {
        keystore.set(&device_account(vault_id), &DbKey::from_bytes(*self.0))
    }

    /// An HMAC keyed with a key derived from the device secret for `label`.
    pub(super) fn mac(&self, label: &[u8], vault_id: &str) -> HmacSha256 {
        let mut derive = new_mac(self.0.as_ref());
        derive.update(label);
        derive.update(vault_id.as_bytes());
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&derive.finalize().into_bytes());
        new_mac(key.as_ref())
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // Invariant: HMAC accepts keys of any length.
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length")
}

#[derive(Clone, Serialize, Deserialize)]
struct Slot {
    id: String,
    /// Ties the slot to the account's passphrase hash at the time it was
    /// made: a slot left over from an older passphrase (a copy of an old
    /// file put back) no longer counts as proof of the passphrase.
    account_tag: String,
    salt: String,
    m_kib: u32,
    t: u32,
    p: u32,
    nonce: String,
    wrapped_key: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct Backoff {
    id: String,
    failures: u32,
    not_before: DateTime<Utc>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Sealed {
    pub(super) nonce: String,
    pub(super) wrapped: String,
}

/// What the MAC covers: everything in the file but the MAC itself.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Body {
    format: String,
    pub(super) vault_id: String,
    shop_name: String,
    /// The fingerprint of the shop's receipt-signing key (public: printed
    /// on every notice), so receipts are checked without a sign-in.
    receipt_key: String,
    /// The device secret wrapped by the database key.
    device_escrow: Sealed,
    slots: Vec<Slot>,
    backoff: Vec<Backoff>,
    /// The unattended schedule's slot (see `schedule`); absent, and so
    /// outside the MAC's bytes, until the owner switches it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) schedule: Option<Sealed>,
}

#[derive(Serialize, Deserialize)]
struct OnDisk {
    #[serde(flatten)]
    body: Body,
    mac: String,
}

/// A vault's key slots, read and authenticated (or new), with the device
/// secret that opens them.
pub(crate) struct KeySlots {
    pub(super) path: PathBuf,
    device: DeviceSecret,
    pub(super) body: Body,
}

pub(super) fn seal(key: &[u8; 32], msg: &[u8], aad: &[u8]) -> Sealed {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let wrapped = XChaCha20Poly1305::new(key.into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad })
        // Invariant: encrypting a short message with a 32-byte key and a
        // 24-byte nonce cannot fail.
        .expect("XChaCha20-Poly1305 encryption of a short message");
    Sealed {
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
    }
}

/// Opens a sealed 32-byte secret; `None` if the key is wrong or the text
/// was changed.
pub(super) fn unseal(
    key: &[u8; 32],
    nonce: &str,
    wrapped: &str,
    aad: &[u8],
) -> Option<Zeroizing<[u8; 32]>> {
    let nonce = hex::decode(nonce).ok().filter(|n| n.len() == 24)?;
    let wrapped = hex::decode(wrapped).ok().filter(|w| w.len() == 32 + 16)?;
    let mut plain = XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad })
        .ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    let ok = plain.len() == 32;
    if ok {
        out.copy_from_slice(&plain);
    }
    plain.zeroize();
    ok.then_some(out)
}

fn escrow_aad(vault_id: &str) -> Vec<u8> {
    [b"steward device escrow v1:".as_slice(), vault_id.as_bytes()].concat()
}

fn slot_aad(vault_id: &str, slot_id: &str) -> Vec<u8> {
    [
        b"steward key slot v1:".as_slice(),
        vault_id.as_bytes(),
        b":",
        slot_id.as_bytes(),
    ]
    .concat()
}

/// Stretches a passphrase for a slot; `None` for parameters outside what
/// Steward writes (a crafted file must not make sign-in allocate gigabytes).
fn stretch(
    passphrase: &str,
    salt: &[u8],
    m_kib: u32,
    t: u32,
    p: u32,
) -> Option<Zeroizing<[u8; 32]>> {
    if !((8 * 1024..=256 * 1024).contains(&m_kib)
        && (1..=10).contains(&t)
        && (1..=4).contains(&p)
        && (16..=64).contains(&salt.len()))
    {
        return None;
    }
    let params = Params::new(m_kib, t, p, Some(32)).ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .ok()?;
    Some(out)
}

impl KeySlots {
    /// New slots for a vault, with no user's slot yet (and no cover: see
    /// [`KeySlots::set_cover`]).
    pub(crate) fn new(
        vault: &Path,
        vault_id: &str,
        device: DeviceSecret,
        db_key: &DbKey,
    ) -> KeySlots {
        let device_escrow = seal(db_key.as_bytes(), device.0.as_ref(), &escrow_aad(vault_id));
        KeySlots {
            path: slots_path(vault),
            device,
            body: Body {
                format: FORMAT.into(),
                vault_id: vault_id.into(),
                shop_name: String::new(),
                receipt_key: String::new(),
                device_escrow,
                slots: Vec::new(),
                backoff: Vec::new(),
                schedule: None,
            },
        }
    }

    /// Whether the vault has a slots file at all (vaults made before slots
    /// have none until the owner's next sign-in upgrades them).
    pub(crate) fn exist(vault: &Path) -> bool {
        slots_path(vault).exists()
    }

    fn read_on_disk(vault: &Path, vault_id: &str) -> Result<OnDisk> {
        let path = slots_path(vault);
        let damaged = || Error::KeySlotsDamaged(path.clone());
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(Error::io("read the sign-in file beside the vault"))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(damaged());
        }
        let on_disk: OnDisk = serde_json::from_slice(&bytes).map_err(|_| damaged())?;
        if on_disk.body.format != FORMAT || on_disk.body.vault_id != vault_id {
            return Err(damaged());
        }
        Ok(on_disk)
    }

    fn authenticated(vault: &Path, on_disk: OnDisk, device: DeviceSecret) -> Result<KeySlots> {
        let path = slots_path(vault);
        let mac = hex::decode(&on_disk.mac).map_err(|_| Error::KeySlotsDamaged(path.clone()))?;
        let mut check = device.mac(b"steward key slots mac v1:", &on_disk.body.vault_id);
        check.update(&body_bytes(&on_disk.body));
        check
            .verify_slice(&mac)
            .map_err(|_| Error::KeySlotsDamaged(path.clone()))?;
        Ok(KeySlots {
            path,
            device,
            body: on_disk.body,
        })
    }

    /// Reads and authenticates the slots of `vault` with this computer's
    /// device secret: `KeyMissing` when the keyring has none for the vault,
    /// `KeySlotsDamaged` when the file was changed outside Steward.
    pub(crate) fn read(vault: &Path, vault_id: &str, keystore: &dyn KeyStore) -> Result<KeySlots> {
        let on_disk = Self::read_on_disk(vault, vault_id)?;
        let device = DeviceSecret::load(keystore, vault_id)?.ok_or(Error::KeyMissing)?;
        Self::authenticated(vault, on_disk, device)
    }

    /// Reads the slots with the database key (opened by the recovery key):
    /// the device secret comes out of its escrow. `None` when the file is
    /// missing or damaged; the caller then starts new slots.
    pub(crate) fn read_with_db_key(
        vault: &Path,
        vault_id: &str,
        db_key: &DbKey,
    ) -> Option<KeySlots> {
        let on_disk = Self::read_on_disk(vault, vault_id).ok()?;
        let secret = unseal(
            db_key.as_bytes(),
            &on_disk.body.device_escrow.nonce,
            &on_disk.body.device_escrow.wrapped,
            &escrow_aad(vault_id),
        )?;
        Self::authenticated(vault, on_disk, DeviceSecret(secret)).ok()
    }

    /// Writes the file (atomically, owner-only), with a fresh MAC.
    pub(crate) fn save(&self) -> Result<()> {
        let mut mac = self
            .device
            .mac(b"steward key slots mac v1:", &self.body.vault_id);
        mac.update(&body_bytes(&self.body));
        let on_disk = OnDisk {
            body: self.body.clone(),
            mac: hex::encode(mac.finalize().into_bytes()),
        };
        // Invariant: strings, integers and dates always serialize.
        let json = serde_json::to_vec_pretty(&on_disk).expect("key slots serialize");
        write_atomic(&self.path, &json)
    }

    pub(crate) fn device(&self) -> &DeviceSecret {
        &self.device
    }

    pub(crate) fn shop_name(&self) -> &str {
        &self.body.shop_name
    }

    pub(crate) fn receipt_key(&self) -> &str {
        &self.body.receipt_key
    }

    /// Sets what is known before a sign-in (the shop name the login screen
    /// shows, the receipt key's fingerprint); true if it changed.
    pub(crate) fn set_cover(&mut self, shop_name: &str, receipt_key: &str) -> bool {
        let changed = self.body.shop_name != shop_name || self.body.receipt_key != receipt_key;
        self.body.shop_name = shop_name.to_owned();
        self.body.receipt_key = receipt_key.to_owned();
        changed
    }

    pub(crate) fn slot_count(&self) -> usize {
        self.body.slots.len()
    }

    fn slot_id(&self, username: &str) -> String {
        let mut mac = self
            .device
            .mac(b"steward key slot id v1:", &self.body.vault_id);
        // Usernames match without regard to ASCII case, as the accounts
        // table compares them (`COLLATE NOCASE`).
        mac.update(username.trim().to_ascii_lowercase().as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    fn kek(&self, stretched: &[u8; 32], slot_id: &str) -> Zeroizing<[u8; 32]> {
        let mut mac = self
            .device
            .mac(b"steward key slot kek v1:", &self.body.vault_id);
        mac.update(stretched);
        mac.update(slot_id.as_bytes());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    fn account_tag(&self, account_hash: &str) -> String {
        let mut mac = self
            .device
            .mac(b"steward key slot account v1:", &self.body.vault_id);
        mac.update(account_hash.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Whether `username`'s slot was made for the account's current
    /// passphrase hash (`account_hash`, read from the vault once open).
    pub(crate) fn matches_account(&self, username: &str, account_hash: &str) -> bool {
        let (id, tag) = (self.slot_id(username), self.account_tag(account_hash));
        self.body
            .slots
            .iter()
            .any(|s| s.id == id && s.account_tag == tag)
    }

    /// Adds or replaces `username`'s slot, wrapping `db_key` under this
    /// passphrase (whose hash in the vault is `account_hash`), and saves.
    /// Returns the slot it replaced, if any, so a caller whose next step
    /// fails can put it back.
    pub(crate) fn put(
        &mut self,
        username: &str,
        passphrase: &str,
        account_hash: &str,
        db_key: &DbKey,
    ) -> Result<SlotBackup> {
        let id = self.slot_id(username);
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        // Invariant: our own constants and a 16-byte salt are valid.
        let stretched = stretch(passphrase, &salt, SLOT_M_KIB, SLOT_T, SLOT_P)
            .expect("constant Argon2 parameters are valid");
        let kek = self.kek(&stretched, &id);
        let sealed = seal(&kek, db_key.as_bytes(), &slot_aad(&self.body.vault_id, &id));
        let slot = Slot {
            id: id.clone(),
            account_tag: self.account_tag(account_hash),
            salt: hex::encode(salt),
            m_kib: SLOT_M_KIB,
            t: SLOT_T,
            p: SLOT_P,
            nonce: sealed.nonce,
            wrapped_key: sealed.wrapped,
        };
        let previous = self
            .body
            .slots
            .iter()
            .position(|s| s.id == id)
            .map(|i| self.body.slots.remove(i));
        self.body.slots.push(slot);
        self.save()?;
        Ok(SlotBackup { id, slot: previous })
    }

    /// Puts back what [`KeySlots::put`] or [`KeySlots::remove`] replaced.
    pub(crate) fn restore(&mut self, backup: SlotBackup) -> Result<()> {
        self.body.slots.retain(|s| s.id != backup.id);
        if let Some(slot) = backup.slot {
            self.body.slots.push(slot);
        }
        self.save()
    }

    /// Removes `username`'s slot (a disabled account) and saves.
    pub(crate) fn remove(&mut self, username: &str) -> Result<SlotBackup> {
        let id = self.slot_id(username);
        let previous = self
            .body
            .slots
            .iter()
            .position(|s| s.id == id)
            .map(|i| self.body.slots.remove(i));
        self.save()?;
        Ok(SlotBackup { id, slot: previous })
    }

    /// Unwraps the database key with `username`'s passphrase. Wrong or
    /// unknown usernames and wrong passphrases get the same error and take
    /// the same time; failures are counted per slot id and wait a doubling
    /// time that survives restarts (the file is saved before answering).
    pub(crate) fn unlock(
        &mut self,
        username: &str,
        passphrase: &str,
        now: DateTime<Utc>,
    ) -> Result<DbKey> {
        let id = self.slot_id(username);
        if let Some(wait) = self
            .body
            .backoff
            .iter()
            .find(|b| b.id == id && b.not_before > now)
        {
            return Err(wait_until(wait.not_before, now));
        }
        let opened = match self.body.slots.iter().find(|s| s.id == id) {
            Some(slot) => {
                let salt = hex::decode(&slot.salt).unwrap_or_default();
                stretch(passphrase, &salt, slot.m_kib, slot.t, slot.p).and_then(|stretched| {
                    let kek = self.kek(&stretched, &id);
                    unseal(
                        &kek,
                        &slot.nonce,
                        &slot.wrapped_key,
                        &slot_aad(&self.body.vault_id, &id),
                    )
                })
            }
            None => {
                // The same work as a real slot, so that timing does not tell
                // whether the name has one.
                let _ = stretch(passphrase, &[0u8; 16], SLOT_M_KIB, SLOT_T, SLOT_P);
                None
            }
        };
        match opened {
            Some(bytes) => {
                let had_backoff = self.body.backoff.iter().any(|b| b.id == id);
                self.body.backoff.retain(|b| b.id != id);
                if had_backoff {
                    self.save()?;
                }
                Ok(DbKey::from_bytes(*bytes))
            }
            None => {
                let failures = self
                    .body
                    .backoff
                    .iter()
                    .find(|b| b.id == id)
                    .map_or(0, |b| b.failures)
                    .saturating_add(1);
                self.body.backoff.retain(|b| b.id != id);
                self.body.backoff.push(Backoff {
                    id,
                    failures,
                    not_before: now + backoff_after(failures),
                });
                // Keep the newest entries: the oldest have long expired.
                if self.body.backoff.len() > MAX_BACKOFF_ENTRIES {
                    self.body
                        .backoff
                        .sort_by_key(|b| std::cmp::Reverse(b.not_before));
                    self.body.backoff.truncate(MAX_BACKOFF_ENTRIES);
                }
                self.save()?;
                Err(Error::WrongCredentials)
            }
        }
    }
}

/// A slot as it was before a change, to undo the change.
pub(crate) struct SlotBackup {
    id: String,
    slot: Option<Slot>,
}

fn body_bytes(body: &Body) -> Vec<u8> {
    // Invariant: strings, integers and dates always serialize.
    serde_json::to_vec(body).expect("key slots serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_fifteen_minutes() {
        let secs: Vec<i64> = (1..=12).map(|n| backoff_after(n).num_seconds()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(backoff_after(200).num_seconds(), 900);
    }

    fn fresh(dir: &Path) -> (KeySlots, DbKey) {
        let key = DbKey::generate();
        let slots = KeySlots::new(&dir.join("v"), "abcd", DeviceSecret::generate(), &key);
        (slots, key)
    }

    #[test]
    fn a_slot_opens_with_its_passphrase_only() {
        let dir = tempfile::tempdir().unwrap();
        let (mut slots, key) = fresh(dir.path());
        slots
            .put("anna", "correct horse battery", "$argon2id$test", &key)
            .unwrap();
        let now = Utc::now();
        assert!(slots.unlock("anna", "correct horse battery", now).unwrap() == key);
        assert!(matches!(
            slots.unlock("anna", "wrong horse battery", now),
            Err(Error::WrongCredentials)
        ));
        // The failure waits, even with the right passphrase.
        assert!(matches!(
            slots.unlock("anna", "correct horse battery", now),
            Err(Error::TooManyAttempts { .. })
        ));
        assert!(matches!(
            slots.unlock("nobody", "correct horse battery", now),
            Err(Error::WrongCredentials)
        ));
    }

    #[test]
    fn a_slot_made_with_another_device_secret_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let (mut slots, key) = fresh(dir.path());
        slots
            .put("anna", "correct horse battery", "$argon2id$test", &key)
            .unwrap();
        slots.device = DeviceSecret::generate();
        assert!(matches!(
            slots.unlock("anna", "correct horse battery", Utc::now()),
            Err(Error::WrongCredentials)
        ));
    }
}
