//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), which holds each vault's device secret (see
//! `slots`): 32 random bytes, useless without a user's passphrase. Vaults
//! made before key slots kept their database key itself there, under
//! [`keyring_account`]; the owner's next sign-in moves them to slots and
//! removes that entry. Secrets are held in memory only in types that wipe
//! themselves when dropped.
//!
//! The app and the CLI always use [`OsKeyring`]. `MemoryKeyStore` (tests and
//! benchmarks) and the key's hex form exist only with the `test-support`
//! feature: a normal build has no way to read a vault key out of a [`DbKey`].

use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// The keyring service name under which every Steward vault key is stored.
pub const KEYRING_SERVICE: &str = "steward";

/// A vault's 256-bit database key. Zeroized on drop; its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    /// A fresh key from the OS random number generator.
    pub fn generate() -> DbKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        DbKey(bytes)
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> DbKey {
        let mut bytes = bytes;
        let key = DbKey(Zeroizing::new(bytes));
        bytes.zeroize();
        key
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, as stored in the keyring and given to SQLCipher.
    /// Public only with `test-support`, for tests and benchmarks that open
    /// the file with a raw SQLCipher connection.
    #[cfg(feature = "test-support")]
    pub fn to_hex(&self) -> Zeroizing<String> {
        self.encode_hex()
    }

    #[cfg(not(feature = "test-support"))]
    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        self.encode_hex()
    }

    /// Parses the keyring's hex form; `None` if it is not 64 hex digits.
    /// Public only with `test-support`.
    #[cfg(feature = "test-support")]
    pub fn from_hex(text: &str) -> Option<DbKey> {
        DbKey::decode_hex(text)
    }

    #[cfg(not(feature = "test-support"))]
    pub(crate) fn from_hex(text: &str) -> Option<DbKey> {
        DbKey::decode_hex(text)
    }

    fn encode_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    fn decode_hex(text: &str) -> Option<DbKey> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).ok()?;
        Some(DbKey(bytes))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// A place to keep 32-byte secrets, addressed by account name
/// (`device-VAULTID`, or the legacy `vault-VAULTID`).
pub trait KeyStore: Send + Sync {
    /// The secret under `account`: `Ok(None)` when there is none,
    /// `Err(KeyringUnavailable)` when the store cannot be reached.
    fn get(&self, account: &str) -> Result<Option<DbKey>>;
    /// Stores (or replaces) the secret under `account`.
    fn set(&self, account: &str, key: &DbKey) -> Result<()>;
    /// Removes the secret under `account`; removing a missing one is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

/// The keyring account under which vaults made before key slots kept their
/// database key (read once more, to upgrade them).
pub fn keyring_account(vault_id: &str) -> String {
    format!("vault-{vault_id}")
}

/// The operating system's keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

fn keyring_error(e: keyring::Error) -> Error {
    // The keyring's own messages describe the platform failure (e.g. "no
    // Secret Service provider"); they hold no secret and no personal data.
    Error::KeyringUnavailable {
        detail: e.to_string(),
    }
}

impl KeyStore for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<DbKey>> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(keyring_error)?;
        match entry.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                // A malformed entry is treated like a wrong key: the recovery
                // key is the way out, and it overwrites the entry.
                Ok(Some(DbKey::from_hex(&text).ok_or(Error::WrongKey)?))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, account: &str, key: &DbKey) -> Result<()> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(keyring_error)?;
        entry.set_password(&key.to_hex()).map_err(keyring_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(keyring_error)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

#[cfg(any(test, feature = "test-support"))]
pub use memory::MemoryKeyStore;

/// Tests' and benchmarks' key store (feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
mod memory {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::{DbKey, KeyStore};
    use crate::error::{Error, Result};

    /// An in-memory key store for tests and benchmarks. Can simulate an
    /// unreachable keyring.
    #[derive(Debug, Default)]
    pub struct MemoryKeyStore {
        keys: Mutex<HashMap<String, DbKey>>,
        unavailable: Mutex<bool>,
    }

    impl MemoryKeyStore {
        pub fn new() -> MemoryKeyStore {
            MemoryKeyStore::default()
        }

        /// Makes every call fail as if the keyring service were not running.
        pub fn set_unavailable(&self, unavailable: bool) {
            *lock(&self.unavailable) = unavailable;
        }

        fn check(&self) -> Result<()> {
            if *lock(&self.unavailable) {
                return Err(Error::KeyringUnavailable {
                    detail: "test keyring switched off".into(),
                });
            }
            Ok(())
        }
    }

    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        // A poisoned lock only means another test thread panicked; the map itself
        // is still consistent, so carry on with it.
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    impl KeyStore for MemoryKeyStore {
        fn get(&self, account: &str) -> Result<Option<DbKey>> {
            self.check()?;
            Ok(lock(&self.keys).get(account).cloned())
        }

        fn set(&self, account: &str, key: &DbKey) -> Result<()> {
            self.check()?;
            lock(&self.keys).insert(account.to_owned(), key.clone());
            Ok(())
        }

        fn delete(&self, account: &str) -> Result<()> {
            self.check()?;
            lock(&self.keys).remove(account);
            Ok(())
        }
    }
}
