//! What the app holds between commands: the vault (held from start to exit,
//! opened by the first sign-in, or why not) and the session of whoever is
//! logged in. Nothing else.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use steward_core::{ClosedVault, Error, KeyStore, OsKeyring, Session, Vault, VaultCover};

pub struct AppState {
    pub vault_path: PathBuf,
    /// Where vault keys live: the OS keyring (an in-memory store in the
    /// command-boundary tests).
    pub keystore: Arc<dyn KeyStore>,
    inner: Mutex<Inner>,
}

pub struct Inner {
    /// The vault held since start (its lock taken, so a second window is
    /// refused at once) but not opened: nothing in it is readable before a
    /// sign-in. `None` on first run and once the vault is open.
    pub closed: Option<ClosedVault>,
    /// What the login screen shows before the vault is open (the shop name).
    pub cover: Option<VaultCover>,
    /// The open vault; `None` until someone signs in (or sets up).
    pub vault: Option<Vault>,
    /// Why the vault could not be opened (shown until recovered).
    pub open_error: Option<Error>,
    pub session: Option<Session>,
}

impl AppState {
    /// Takes hold of the vault at start-up and reads what the login screen
    /// needs. A missing vault means first run (the setup wizard); any other
    /// failure (a second window, no device secret in the keyring, a damaged
    /// file) is kept and shown.
    pub fn open(vault_path: PathBuf) -> AppState {
        AppState::open_with(vault_path, Arc::new(OsKeyring))
    }

    /// Like [`AppState::open`], with the given key store.
    pub fn open_with(vault_path: PathBuf, keystore: Arc<dyn KeyStore>) -> AppState {
        let (closed, cover, open_error) = match ClosedVault::take(&vault_path) {
            Ok(closed) => match closed.cover(keystore.as_ref()) {
                Ok(cover) => (Some(closed), Some(cover), None),
                // Kept held: the recovery key opens it.
                Err(e) => (Some(closed), None, Some(e)),
            },
            Err(Error::NoVault(_)) => (None, None, None),
            Err(e) => (None, None, Some(e)),
        };
        AppState {
            vault_path,
            keystore,
            inner: Mutex::new(Inner {
                closed,
                cover,
                vault: None,
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
