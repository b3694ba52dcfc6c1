//! What the app holds between commands: the vault (open, or why not) and the
//! session of whoever is logged in. Nothing else.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use steward_core::{Error, KeyStore, OsKeyring, Session, Vault};

pub struct AppState {
    pub vault_path: PathBuf,
    /// Where vault keys live: the OS keyring (an in-memory store in the
    /// command-boundary tests).
    pub keystore: Arc<dyn KeyStore>,
    inner: Mutex<Inner>,
}

pub struct Inner {
    /// The open vault; `None` until set up, or when it could not be opened.
    pub vault: Option<Vault>,
    /// Why the vault could not be opened (shown until recovered).
    pub open_error: Option<Error>,
    pub session: Option<Session>,
}

impl AppState {
    /// Opens the vault at start-up with the key from the OS keyring. A
    /// missing vault means first run (the setup wizard); any other failure
    /// is kept and shown.
    pub fn open(vault_path: PathBuf) -> AppState {
        AppState::open_with(vault_path, Arc::new(OsKeyring))
    }

    /// Like [`AppState::open`], with the given key store.
    pub fn open_with(vault_path: PathBuf, keystore: Arc<dyn KeyStore>) -> AppState {
        let (vault, open_error) = match Vault::open(&vault_path, keystore.as_ref()) {
            Ok(v) => (Some(v), None),
            Err(Error::NoVault(_)) => (None, None),
            Err(e) => (None, Some(e)),
        };
        AppState {
            vault_path,
            keystore,
            inner: Mutex::new(Inner {
                vault,
                open_error,
                session: None,
            }),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the vault as SQLite left it
        // (transactions roll back), so the state is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
