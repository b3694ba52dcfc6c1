//! What the app holds between commands: the vault (held from start to exit,
//! opened by the first sign-in, or why not) and the session of whoever is
//! logged in. Nothing else.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use steward_core::{ClosedVault, Error, KeyStore, OsKeyring, Session, Vault, VaultCover};

pub struct AppState {
    pub vault_path: PathBuf,
    /// Where vault keys live: the OS keyring (an in-memory store in the
    /// command-boundary tests).
    pub keystore: Arc<dyn KeyStore>,
    /// The retention schedule's run under way, if any (its progress).
    pub schedule: crate::retention::Schedule,
    /// The backup under way, if any, and the last one that failed.
    pub backups: crate::backups::Backups,
    /// The import of a list under way, if any (its progress).
    pub imports: crate::invitations::Imports,
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
    /// Since when the open vault has had nobody signed in (see
    /// [`AppState::tick`]).
    pub locked_since: Option<Instant>,
    /// This computer was retired in this run: the vault is gone, the
    /// destruction certificate is kept until the app closes.
    pub retired: Option<crate::moving::CertificateView>,
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
            schedule: crate::retention::Schedule::default(),
            backups: crate::backups::Backups::default(),
            imports: crate::invitations::Imports::default(),
            inner: Mutex::new(Inner {
                closed,
                cover,
                vault: None,
                open_error,
                session: None,
                locked_since: None,
                retired: None,
            }),
        }
    }

    /// Run every few seconds by the app: locks a session idle past the
    /// auto-lock delay (even if the window stopped asking), and closes a
    /// vault nobody has been signed in to for longer than the owner's
    /// close-after-lock setting, so that its key and decrypted pages leave
    /// memory; the lock on the file is kept, and the next sign-in opens it
    /// again from the key slots. A vault that could not be opened that way
    /// (no key slots on this computer) stays open.
    pub fn tick(&self, now: Instant) {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let Some(vault) = inner.vault.as_mut() else {
            inner.locked_since = None;
            return;
        };
        if let Some(session) = inner.session.as_mut() {
            // A failure to write the lock's audit entry leaves the session
            // as it was; the next tick tries again.
            if matches!(vault.lock_if_idle(session), Ok(true)) {
                inner.session = None;
            }
        }
        if inner.session.is_some() {
            inner.locked_since = None;
            return;
        }
        let since = *inner.locked_since.get_or_insert(now);
        let minutes = vault.close_after_locked_minutes().unwrap_or(15);
        if now.saturating_duration_since(since) < Duration::from_secs(u64::from(minutes) * 60)
            || vault.sign_in_slots().unwrap_or(0) == 0
        {
            return;
        }
        let held = match inner.closed.take() {
            Some(closed) => closed,
            None => match vault.hold() {
                Ok(closed) => closed,
                Err(_) => return,
            },
        };
        match held.cover(self.keystore.as_ref()) {
            Ok(cover) => {
                inner.cover = Some(cover);
                inner.closed = Some(held);
                // Dropping the vault checkpoints it and wipes its key.
                inner.vault = None;
                inner.locked_since = None;
            }
            // This computer could not open it again: keep it open.
            Err(_) => inner.closed = Some(held),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the vault as SQLite left it
        // (transactions roll back), so the state is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_core::{MemoryKeyStore, Passphrase};

    /// Issue 11 §13: a locked app kept the vault open, its key and up to
    /// 64 MiB of decrypted pages in memory, until it exited.
    #[test]
    fn a_vault_locked_longer_than_the_owners_limit_is_closed_and_opens_again_at_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.steward");
        let keys = Arc::new(MemoryKeyStore::new());
        let pass = Passphrase::new("owner passphrase 1".into());
        let (mut vault, _) = Vault::create(&path, keys.as_ref(), "Forn", "olga", &pass).unwrap();
        let mut owner = vault.login("olga", &pass).unwrap();
        vault.set_close_after_locked_minutes(&mut owner, 2).unwrap();
        vault.logout(owner).unwrap();
        drop(vault);

        let state = AppState::open_with(path.clone(), keys.clone());
        let closed = state.lock().closed.take().unwrap();
        let (vault, session) = closed.sign_in(keys.as_ref(), "olga", &pass).unwrap();
        {
            let mut inner = state.lock();
            inner.closed = Some(closed);
            inner.vault = Some(vault);
            inner.session = Some(session);
        }
        let t0 = Instant::now();
        // Signed in: nothing closes, however long.
        state.tick(t0 + Duration::from_secs(3600));
        assert!(state.lock().vault.is_some());
        // Locked: a short lock keeps the vault open...
        let session = state.lock().session.take().unwrap();
        state
            .lock()
            .vault
            .as_mut()
            .unwrap()
            .logout(session)
            .unwrap();
        state.tick(t0);
        state.tick(t0 + Duration::from_secs(60));
        assert!(state.lock().vault.is_some());
        // ...past the owner's two minutes it is closed, the lock still held.
        state.tick(t0 + Duration::from_secs(121));
        assert!(state.lock().vault.is_none());
        assert!(matches!(
            steward_core::ClosedVault::take(&path),
            Err(Error::AlreadyOpen)
        ));
        let inner = state.lock();
        let cover = inner.cover.as_ref().unwrap();
        assert_eq!(cover.shop_name.as_deref(), Some("Forn"));
        // The next sign-in opens it again.
        let (vault, _) = inner
            .closed
            .as_ref()
            .unwrap()
            .sign_in(keys.as_ref(), "olga", &pass)
            .unwrap();
        assert_eq!(vault.shop_name().unwrap(), "Forn");
    }
}
