//! The owner's and manager's dashboard on the home screen: what the core's
//! `Vault::dashboard` counts, passed on as it is.

use steward_core::oversight::Dashboard;
use tauri::State;

use crate::commands::{with_session, Res};
use crate::state::AppState;

/// The dashboard over the last `weeks` weeks (12 when absent; owner,
/// manager).
#[tauri::command]
pub fn dashboard(state: State<'_, AppState>, weeks: Option<u32>) -> Res<Dashboard> {
    with_session(&state, |vault, session| {
        vault.dashboard(session, weeks.unwrap_or(12))
    })
}
