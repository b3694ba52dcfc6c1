//! Moving the shop to a new computer and retiring the old one (issue 13
//! §4), in the app. On a computer with no vault, the setup wizard's "Move
//! from another computer" shows what a backup holds (`move_preview`) and
//! restores it with the owner's recovery key (`move_restore`), both on a
//! worker thread; the vault is then open and the login screen shows. On
//! the old computer, the owner retires it from Settings
//! (`retire_computer`), then keeps the destruction certificate
//! (`retire_certificate_save`) and closes the app (`retired_close`): the
//! vault is gone, and a restart finds none and shows the setup wizard.
//!
//! Every rule is the core's: what opens a backup, what a restore replays,
//! who may retire and with which confirmation, what is destroyed and what
//! the certificate says. The certificate is kept in memory only until the
//! app closes.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_core::{
    BackupPreview, ClosedVault, DestructionCertificate, Error, Passphrase, RecoveryKey, Vault,
};
use tauri::{Manager, Runtime, State};

use crate::commands::{
    export_folder_checked, local_date, with_session, worker_stopped, write_numbered, Res,
    SavedFile, WarningInfo,
};
use crate::state::{AppState, Inner};

/// Runs `work` on a thread of its own, outside the async runtime (the OS
/// keyring's client blocks), and waits for it off the main thread, so the
/// window stays responsive.
async fn on_worker<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Res<T> + Send + 'static,
) -> Res<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    tauri::async_runtime::spawn_blocking(move || rx.recv())
        .await
        .map_err(|_| worker_stopped(what))?
        .map_err(|_| worker_stopped(what))?
}

/// Refuses a move when this computer already has a vault (or has just
/// retired it).
fn ensure_no_vault(state: &AppState, inner: &Inner) -> Res<()> {
    if inner.vault.is_some() || inner.closed.is_some() || inner.retired.is_some() {
        return Err(Error::VaultExists(state.vault_path.clone()).into());
    }
    Ok(())
}

/// The backup file the owner typed: a whole path.
fn backup_path(typed: &str) -> Res<PathBuf> {
    let path = PathBuf::from(typed.trim());
    if !path.is_absolute() {
        return Err(Error::InvalidInput {
            field: "backup",
            reason: "give the whole path of the backup file, starting from the top",
        }
        .into());
    }
    if path.is_dir() {
        return Err(Error::InvalidInput {
            field: "backup",
            reason: "that is a folder: add the backup file's name",
        }
        .into());
    }
    Ok(path)
}

/// What the backup at `backup` holds, checked all the way down with the
/// recovery key (no vault here yet): the shop's name, when it was made,
/// how many customers, and how many erasures made since the restore will
/// make again.
#[tauri::command]
pub async fn move_preview<R: Runtime>(
    app: tauri::AppHandle<R>,
    backup: String,
    recovery_key: String,
) -> Res<BackupPreview> {
    let key = RecoveryKey::parse(&recovery_key)?;
    let backup = backup_path(&backup)?;
    on_worker("the backup check", move || {
        let state = app.state::<AppState>();
        ensure_no_vault(&state, &state.lock())?;
        Ok(Vault::preview_backup_new(&state.vault_path, &backup, &key)?)
    })
    .await
}

/// What a move restored: counts and the backup's date, no customer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    backup_made_at: String,
    /// Customers in the backup who were erased since, erased again.
    erased_again: usize,
    /// Customers who joined after the backup and were erased since: their
    /// numbers are kept from being given to someone new.
    tombstones_added: usize,
    warnings: Vec<WarningInfo>,
}

/// Sets this computer's vault up from the backup with the recovery key,
/// replaying every erasure the other backups in its folder carry, and
/// keeps it open for the first sign-in (which gives that user a key slot
/// on this computer).
#[tauri::command]
pub async fn move_restore<R: Runtime>(
    app: tauri::AppHandle<R>,
    backup: String,
    recovery_key: String,
) -> Res<Moved> {
    let key = RecoveryKey::parse(&recovery_key)?;
    let backup = backup_path(&backup)?;
    on_worker("the restore", move || {
        let state = app.state::<AppState>();
        ensure_no_vault(&state, &state.lock())?;
        // Not under the state's lock: the restore can take minutes, and
        // the core holds the vault's own lock meanwhile.
        let (vault, restored) =
            Vault::restore_backup_new(&state.vault_path, state.keystore.as_ref(), &backup, &key)?;
        let mut inner = state.lock();
        inner.vault = Some(vault);
        inner.open_error = None;
        Ok(Moved {
            backup_made_at: restored.backup_made_at,
            erased_again: restored.replayed.len(),
            tombstones_added: restored.tombstones_added,
            warnings: restored.warnings.into_iter().map(Into::into).collect(),
        })
    })
    .await
}

/// The destruction certificate as the app shows it: the core's text, and
/// the time to show in local time.
#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct CertificateView {
    destroyed_at: DateTime<Utc>,
    /// Every file overwritten and deleted, every keyring entry gone.
    complete: bool,
    files: usize,
    text: String,
}

impl From<&DestructionCertificate> for CertificateView {
    fn from(c: &DestructionCertificate) -> CertificateView {
        CertificateView {
            destroyed_at: c.destroyed_at,
            complete: c.complete,
            files: c.files.len(),
            text: c.to_text(),
        }
    }
}

/// Retires this computer (owner, with their passphrase and the core's
/// confirmation word): the core destroys the vault here and returns the
/// certificate, kept until the app closes.
#[tauri::command]
pub async fn retire_computer<R: Runtime>(
    app: tauri::AppHandle<R>,
    passphrase: String,
    confirmation: String,
) -> Res<CertificateView> {
    let passphrase = Passphrase::new(passphrase);
    on_worker("retiring this computer", move || {
        let state = app.state::<AppState>();
        let approval = with_session(&state, |vault, session| {
            vault.approve_retirement(session, &passphrase, &confirmation)
        })?;
        let mut guard = state.lock();
        let inner = &mut *guard;
        let vault = inner
            .vault
            .take()
            .ok_or_else(crate::commands::not_logged_in)?;
        inner.session = None;
        match vault.retire(state.keystore.as_ref(), approval) {
            Ok(cert) => {
                let view = CertificateView::from(&cert);
                inner.closed = None;
                inner.cover = None;
                inner.retired = Some(view.clone());
                Ok(view)
            }
            Err(e) => {
                // Nothing was destroyed (the keyring could not be reached):
                // hold the vault again for the next sign-in.
                if inner.closed.is_none() {
                    if let Ok(closed) = ClosedVault::take(&state.vault_path) {
                        inner.cover = closed.cover(state.keystore.as_ref()).ok();
                        inner.closed = Some(closed);
                    }
                }
                Err(e.into())
            }
        }
    })
    .await
}

/// Writes the certificate into `folder` (a whole path to a folder that
/// exists), named by the date only, never over a file already there.
#[tauri::command]
pub fn retire_certificate_save(state: State<'_, AppState>, folder: String) -> Res<SavedFile> {
    let text = match &state.lock().retired {
        Some(view) => view.text.clone(),
        None => {
            return Err(Error::InvalidInput {
                field: "certificate",
                reason: "this computer has not been retired, so there is no certificate",
            }
            .into())
        }
    };
    let folder = export_folder_checked(&folder)?;
    let stem = format!("steward-destruction-certificate-{}", local_date());
    let path = write_numbered(Path::new(&folder), &stem, "txt", text.as_bytes())?;
    Ok(SavedFile::at(&path))
}

/// Closes the app once this computer is retired (there is nothing left to
/// open).
#[tauri::command]
pub fn retired_close<R: Runtime>(app: tauri::AppHandle<R>) -> Res<()> {
    if app.state::<AppState>().lock().retired.is_none() {
        return Err(Error::InvalidInput {
            field: "app",
            reason: "only a retired computer's app closes this way",
        }
        .into());
    }
    app.exit(0);
    Ok(())
}
