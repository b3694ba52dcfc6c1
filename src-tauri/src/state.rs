//! What the app holds between commands: the vault (open, or why not) and the
//! session of whoever is logged in. Nothing else.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use steward_core::{Error, OsKeyring, Session, Vault};

pub struct AppState {
    pub vault_path: PathBuf,
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
        let (vault, open_error) = match Vault::open(&vault_path, &OsKeyring) {
            Ok(v) => (Some(v), None),
            Err(Error::NoVault(_)) => (None, None),
            Err(e) => (None, Some(e)),
        };
        AppState {
            vault_path,
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
