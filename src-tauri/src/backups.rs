//! Backups in the app: a background thread that, while the vault is open,
//! asks the core once a minute for the day's scheduled backup into the
//! owner's folder; the owner's or manager's "back up now" on a worker
//! thread; the folder setting; and the overview the Backups panel and the
//! owner's home screen show. When a backup is due, where it goes, how it is
//! sealed and who may make one are the core's rules.
//!
//! The folder is the record of what succeeded (its backups, sealed under
//! this vault's key, with the time each was made). What this app run keeps
//! in memory is only what the folder cannot say: the last failure, to show
//! it, and which backups were checked all the way down.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use steward_core::{BackupMade, Error};
use tauri::{Manager, Runtime, State};

use crate::commands::{with_session, worker_stopped, Res};
use crate::state::AppState;

/// How often the background thread asks whether a backup is due.
const LOOK_EVERY: Duration = Duration::from_secs(60);
/// How long after a failed scheduled backup before the next attempt, so
/// that an unplugged disk does not fill the audit log.
const RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// A backup that failed: when, and the core's code and sentence (which
/// never hold personal data).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    at: DateTime<Utc>,
    code: &'static str,
    message: String,
}

#[derive(Default)]
struct Inner {
    running: bool,
    last_failure: Option<Failure>,
    failed_at: Option<Instant>,
    /// Ids of the backups checked all the way down since the app started.
    verified: HashSet<String>,
}

/// The backup under way, the last failure and what was verified; shared by
/// the background thread and the commands.
#[derive(Default)]
pub struct Backups {
    inner: Mutex<Inner>,
}

impl Backups {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a backup as started; false when one is already running.
    fn claim(&self) -> bool {
        let mut inner = self.lock();
        !std::mem::replace(&mut inner.running, true)
    }

    /// Ends the backup under way with its outcome.
    fn finish(&self, res: Result<Option<&BackupMade>, &Error>) {
        let mut inner = self.lock();
        inner.running = false;
        match res {
            Ok(Some(made)) => {
                inner.last_failure = None;
                inner.failed_at = None;
                inner.verified.insert(made.backup_id.clone());
            }
            Ok(None) => {}
            Err(e) => {
                inner.last_failure = Some(Failure {
                    at: Utc::now(),
                    code: e.code(),
                    message: e.to_string(),
                });
                inner.failed_at = Some(Instant::now());
            }
        }
    }

    fn release(&self) {
        self.lock().running = false;
    }

    fn may_try(&self, now: Instant) -> bool {
        let inner = self.lock();
        !inner.running
            && inner
                .failed_at
                .is_none_or(|t| now.duration_since(t) >= RETRY_AFTER)
    }
}

/// Starts the background thread: once a minute, while the vault is open,
/// the core makes the day's backup if one is due (a failure is kept for
/// the panel and tried again an hour later).
pub fn spawn_scheduler<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(LOOK_EVERY);
        let state = app.state::<AppState>();
        if !state.backups.may_try(Instant::now()) || !state.backups.claim() {
            continue;
        }
        let res = {
            let mut inner = state.lock();
            match inner.vault.as_mut() {
                Some(vault) => vault.backup_if_due(),
                None => Ok(None),
            }
        };
        state.backups.finish(res.as_ref().map(Option::as_ref));
    });
}

/// One backup as the panel lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupRow {
    file_name: String,
    created_at: DateTime<Utc>,
    bytes: u64,
    /// Checked all the way down since the app started (its seal alone was
    /// checked to list it).
    verified: bool,
}

/// What the Backups panel and the owner's home screen show.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// The owner's folder, `null` when none is set.
    folder: Option<String>,
    reachable: bool,
    /// This vault's latest backups there, newest first (at most 10).
    backups: Vec<BackupRow>,
    /// How many there are in all.
    count: usize,
    next_at: Option<DateTime<Utc>>,
    /// No backup made within the last week (or none can be seen).
    overdue: bool,
    running: bool,
    last_failure: Option<Failure>,
}

/// The folder, its latest backups, the next scheduled one (owner, manager).
#[tauri::command]
pub fn backups_overview(state: State<'_, AppState>) -> Res<Overview> {
    overview(&state)
}

fn overview(state: &AppState) -> Res<Overview> {
    let seen = with_session(state, |vault, session| vault.backups_overview(session))?;
    let inner = state.backups.lock();
    Ok(Overview {
        folder: seen.folder.map(|f| f.display().to_string()),
        reachable: seen.reachable,
        count: seen.backups.len(),
        backups: seen
            .backups
            .into_iter()
            .take(10)
            .map(|b| BackupRow {
                verified: inner.verified.contains(&b.backup_id),
                file_name: b.file_name,
                created_at: b.created_at,
                bytes: b.bytes,
            })
            .collect(),
        next_at: seen.next_at,
        overdue: seen.overdue,
        running: inner.running,
        last_failure: inner.last_failure.clone(),
    })
}

/// Sets the backup folder (owner), or clears it with an empty one; the
/// schedule uses it from its next look.
#[tauri::command]
pub fn backup_folder_set(state: State<'_, AppState>, folder: String) -> Res<Overview> {
    let folder = folder.trim();
    let folder = (!folder.is_empty()).then(|| PathBuf::from(folder));
    with_session(&state, |vault, session| {
        vault.set_backup_folder(session, folder.as_deref())
    })?;
    overview(&state)
}

/// A backup just made, and checked.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Made {
    file_name: String,
    created_at: DateTime<Utc>,
    bytes: u64,
}

/// Makes a backup into the owner's folder now (owner, manager) and checks
/// it all the way down. Runs on a worker thread, so the window stays
/// responsive; `null` when a backup was already under way.
#[tauri::command]
pub async fn backup_now<R: Runtime>(app: tauri::AppHandle<R>) -> Res<Option<Made>> {
    let work = tauri::async_runtime::spawn_blocking(move || -> Res<Option<Made>> {
        let state = app.state::<AppState>();
        if !state.backups.claim() {
            return Ok(None);
        }
        let res = with_session(&state, |vault, session| {
            let res = vault.backup_now(session, None).and_then(|made| {
                vault.verify_backup(session, &made.path)?;
                Ok(made)
            });
            state.backups.finish(res.as_ref().map(Some));
            res
        });
        // Not signed in: nothing was tried.
        state.backups.release();
        let made = res?;
        Ok(Some(Made {
            file_name: made.file_name,
            created_at: made.created_at,
            bytes: made.bytes,
        }))
    });
    work.await.map_err(|_| worker_stopped("the backup"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(id: &str) -> BackupMade {
        BackupMade {
            path: PathBuf::from("backup.stewardbackup"),
            file_name: "backup.stewardbackup".into(),
            backup_id: id.into(),
            created_at: Utc::now(),
            bytes: 1,
            pruned: 0,
            destruction_record: None,
        }
    }

    #[test]
    fn a_failed_backup_is_kept_for_the_panel_retried_an_hour_later_and_cleared_by_a_success() {
        let backups = Backups::default();
        let t0 = Instant::now();
        assert!(backups.may_try(t0));
        assert!(backups.claim());
        assert!(!backups.claim(), "one backup at a time");
        assert!(!backups.may_try(t0));
        backups.finish(Err(&Error::NoBackupFolder));
        let failure = backups.lock().last_failure.clone().unwrap();
        assert_eq!(failure.code, "no_backup_folder");
        assert!(!backups.may_try(Instant::now() + Duration::from_secs(60)));
        assert!(backups.may_try(Instant::now() + RETRY_AFTER));

        assert!(backups.claim());
        backups.finish(Ok(Some(&made("b-1"))));
        let inner = backups.lock();
        assert!(inner.last_failure.is_none() && !inner.running);
        assert!(inner.verified.contains("b-1"));
    }
}
