//! The retention schedule in the app: a background thread that, while the
//! vault is open, runs the core's schedule soon after the first sign-in and
//! then every hour, a few customers at a time, so that the vault is never
//! held for long and the window stays responsive; the owner's "run now";
//! the overview the Retention screen shows; the record-keeping rules; and
//! the legal-hold commands of the profile. Every rule is the core's: who may see or run what, what is
//! due, how it is erased.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use steward_core::{
    Jurisdiction, LegalHold, Period, RecordCategory, RecordKeeping, RetentionPreview, RetentionRun,
    RetentionRunSummary, RunBy, Session, Vault,
};
use tauri::{Manager, Runtime, State};

use crate::commands::{not_logged_in, with_session, worker_stopped, Res};
use crate::state::AppState;

/// Customers handled each time the background task holds the vault.
const STEP: usize = 25;
/// How often the schedule looks for what is due while the vault is open.
const EVERY: Duration = Duration::from_secs(60 * 60);
/// How long after start (or a sign-in) before the first look.
const FIRST_LOOK: Duration = Duration::from_secs(15);

/// Where a run stands, for the progress bar (no personal data: counts).
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub running: bool,
    pub done: u64,
    pub planned: u64,
}

/// The progress of the run under way, shared by the background task and
/// the commands. At most one run at a time.
#[derive(Default)]
pub struct Schedule {
    progress: Mutex<Progress>,
}

impl Schedule {
    fn progress(&self) -> Progress {
        *self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a run as started; false when one is already running.
    fn claim(&self) -> bool {
        let mut p = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        if p.running {
            return false;
        }
        *p = Progress {
            running: true,
            done: 0,
            planned: 0,
        };
        true
    }

    fn report(&self, run: &RetentionRun) {
        let mut p = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        p.done = run.done();
        p.planned = run.planned();
    }

    fn release(&self) {
        self.progress
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .running = false;
    }
}

/// Starts the background task: every minute it checks whether the vault is
/// open and an hour has passed since its last look (or it never looked),
/// and if something is due, works through it.
pub fn spawn_scheduler<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || {
        let mut last_look: Option<Instant> = None;
        let started = Instant::now();
        loop {
            std::thread::sleep(Duration::from_secs(60).min(FIRST_LOOK));
            let now = Instant::now();
            if now.duration_since(started) < FIRST_LOOK
                || last_look.is_some_and(|t| now.duration_since(t) < EVERY)
            {
                continue;
            }
            let state = app.state::<AppState>();
            if state.lock().vault.is_none() {
                continue;
            }
            last_look = Some(now);
            // An error leaves the run unfinished; the next look resumes it.
            let _ = run_in_steps(
                &state,
                |vault, _| Ok(vault.begin_retention(RunBy::Schedule)?),
                true,
            );
        }
    });
}

/// Runs the schedule a few customers at a time, releasing the vault between
/// steps. `only_if_due`: the background task asks the core first, so that
/// an idle hour leaves no trace.
fn run_in_steps(
    state: &AppState,
    begin: impl FnOnce(&mut Vault, Option<&mut Session>) -> Res<RetentionRun>,
    only_if_due: bool,
) -> Res<Option<RetentionRunSummary>> {
    if only_if_due {
        let inner = state.lock();
        match inner.vault.as_ref() {
            Some(vault) if vault.retention_due()? => {}
            _ => return Ok(None),
        }
    }
    if !state.schedule.claim() {
        return Ok(None);
    }
    let result = (|| -> Res<Option<RetentionRunSummary>> {
        let mut run = {
            let mut guard = state.lock();
            let inner = &mut *guard;
            let Some(vault) = inner.vault.as_mut() else {
                return Ok(None);
            };
            begin(vault, inner.session.as_mut())?
        };
        state.schedule.report(&run);
        loop {
            let more = {
                let mut inner = state.lock();
                // Closed meanwhile (locked too long): the run is resumed at
                // the next look.
                let Some(vault) = inner.vault.as_mut() else {
                    return Ok(None);
                };
                vault.retention_step(&mut run, STEP)?
            };
            state.schedule.report(&run);
            if !more {
                break;
            }
        }
        let mut inner = state.lock();
        let Some(vault) = inner.vault.as_mut() else {
            return Ok(None);
        };
        let (summary, _warnings) = vault.finish_retention(run)?;
        Ok(Some(summary))
    })();
    state.schedule.release();
    result
}

/// What the Retention screen shows: what is due in the next 30 days, the
/// latest runs, and the run under way (owner, auditor).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    preview: RetentionPreview,
    runs: Vec<RetentionRunSummary>,
    progress: Progress,
}

#[tauri::command]
pub fn retention_overview(state: State<'_, AppState>) -> Res<Overview> {
    let (preview, runs) = with_session(&state, |vault, session| {
        Ok((
            vault.retention_preview(session, 30)?,
            vault.retention_runs(session, 5)?,
        ))
    })?;
    Ok(Overview {
        preview,
        runs,
        progress: state.schedule.progress(),
    })
}

/// The record-keeping rules, the shop's jurisdiction and its sales totals
/// (owner, auditor).
#[tauri::command]
pub fn record_keeping(state: State<'_, AppState>) -> Res<RecordKeeping> {
    with_session(&state, |vault, session| vault.record_keeping(session))
}

/// The owner changes how long one category is kept.
#[tauri::command]
pub fn record_keeping_set_rule(
    state: State<'_, AppState>,
    category: RecordCategory,
    period: Period,
) -> Res<RecordKeeping> {
    with_session(&state, |vault, session| {
        vault.set_record_keeping_rule(session, category, period)
    })
}

/// The owner sets the shop's jurisdiction, and with `applyDefaults` its
/// default rules.
#[tauri::command]
pub fn record_keeping_set_jurisdiction(
    state: State<'_, AppState>,
    jurisdiction: Jurisdiction,
    apply_defaults: bool,
) -> Res<RecordKeeping> {
    with_session(&state, |vault, session| {
        vault.set_jurisdiction(session, jurisdiction, apply_defaults)
    })
}

/// The run under way, for the progress bar (any signed-in session: counts
/// only).
#[tauri::command]
pub fn retention_progress(state: State<'_, AppState>) -> Res<Progress> {
    with_session(&state, |_, _| Ok(()))?;
    Ok(state.schedule.progress())
}

/// The owner runs the schedule now. Runs on a worker thread, a few
/// customers at a time; the window polls `retention_progress`. Returns the
/// run's summary (`None` when a run was already under way).
#[tauri::command]
pub async fn retention_run_now<R: Runtime>(
    app: tauri::AppHandle<R>,
) -> Res<Option<RetentionRunSummary>> {
    let work = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        // The core checks the owner's session when the run begins.
        run_in_steps(
            &state,
            |vault, session| {
                let session = session.ok_or_else(not_logged_in)?;
                Ok(vault.begin_retention(RunBy::Owner(session))?)
            },
            false,
        )
    });
    work.await
        .map_err(|_| worker_stopped("the retention run"))?
}

/// A customer's legal hold, if any (owner).
#[tauri::command]
pub fn legal_hold_get(state: State<'_, AppState>, customer_id: i64) -> Res<Option<LegalHold>> {
    with_session(&state, |vault, session| {
        Ok(vault
            .legal_holds(session)?
            .into_iter()
            .find(|h| h.customer_id == customer_id))
    })
}

/// Places a legal hold (owner), with the reason the owner typed.
#[tauri::command]
pub fn legal_hold_place(
    state: State<'_, AppState>,
    customer_id: i64,
    reason: String,
) -> Res<LegalHold> {
    with_session(&state, |vault, session| {
        vault.place_legal_hold(session, customer_id, &reason)
    })
}

/// Lifts a legal hold (owner).
#[tauri::command]
pub fn legal_hold_lift(state: State<'_, AppState>, customer_id: i64) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.lift_legal_hold(session, customer_id)
    })
}
