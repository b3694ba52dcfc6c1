//! A shop's old list in the app: the owner's preview and import (the CSV's
//! text, read by the window from the file the owner picked; the import runs
//! on a worker thread and the window polls `invitations_import_progress`
//! for its progress bar), how many invitations wait, how long they wait,
//! and at the till opening one for the consent form, joining from it and
//! refusing it. Every rule is the core's; invitations found by a search
//! come with `customer_search` (`invited`).

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use steward_core::{
    Column, ColumnMapping, HeaderRow, ImportPreview, ImportReport, Invitation, InvitationRefused,
    InvitationStatus,
};
use tauri::{Manager, Runtime, State};

use crate::commands::{with_session, worker_stopped, FormInput, RecordedInfo, Res};
use crate::state::AppState;

/// Where an import stands, for the progress bar (counts only).
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub running: bool,
    pub done: u64,
    pub total: u64,
}

/// The import under way, if any.
#[derive(Default)]
pub struct Imports(Mutex<ImportProgress>);

impl Imports {
    fn set(&self, p: ImportProgress) {
        // A poisoned lock only means a progress update was lost.
        if let Ok(mut held) = self.0.lock() {
            *held = p;
        }
    }

    fn get(&self) -> ImportProgress {
        self.0.lock().map(|p| *p).unwrap_or_default()
    }
}

/// Which column holds what, as the Import screen sends it: a header's
/// title or a position ("1" is the first column); absent fields are found
/// from the header row.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MappingInput {
    /// `detect` (default), `present` or `absent`.
    header: Option<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    notes: Option<String>,
}

impl MappingInput {
    fn parse(self) -> Result<ColumnMapping, steward_core::Error> {
        let header = match self.header.as_deref() {
            None | Some("detect") => HeaderRow::Detect,
            Some("present") => HeaderRow::Present,
            Some("absent") => HeaderRow::Absent,
            Some(_) => {
                return Err(steward_core::Error::InvalidInput {
                    field: "header",
                    reason: "use detect, present or absent",
                })
            }
        };
        let column = |c: Option<String>| {
            c.filter(|c| !c.trim().is_empty())
                .map(|c| Column::parse(&c))
        };
        Ok(ColumnMapping {
            header,
            name: column(self.name),
            email: column(self.email),
            phone: column(self.phone),
            notes: column(self.notes),
        })
    }
}

/// What importing the list would do (owner); nothing is stored.
#[tauri::command]
pub fn invitations_preview(
    state: State<'_, AppState>,
    csv: String,
    mapping: Option<MappingInput>,
) -> Res<ImportPreview> {
    let mapping = mapping.unwrap_or_default().parse()?;
    with_session(&state, |vault, session| {
        vault.preview_invitations(session, &mut csv.as_bytes(), &mapping)
    })
}

/// Imports the list as invitations (owner), on a worker thread; the window
/// polls `invitations_import_progress` meanwhile.
#[tauri::command]
pub async fn invitations_import<R: Runtime>(
    app: tauri::AppHandle<R>,
    csv: String,
    mapping: Option<MappingInput>,
) -> Res<ImportReport> {
    let mapping = mapping.unwrap_or_default().parse()?;
    let work = tauri::async_runtime::spawn_blocking(move || -> Res<ImportReport> {
        let state = app.state::<AppState>();
        let imports = &state.imports;
        let res = with_session(&state, |vault, session| {
            vault.import_invitations(
                session,
                &mut csv.as_bytes(),
                &mapping,
                &mut |done, total| {
                    imports.set(ImportProgress {
                        running: true,
                        done,
                        total,
                    })
                },
            )
        });
        imports.set(ImportProgress::default());
        res
    });
    work.await.map_err(|_| worker_stopped("the import"))?
}

/// The import under way, for the progress bar. It does not wait for the
/// vault, which the import holds until it is done (one transaction), so it
/// asks for no session: it gives counts only, and nothing when no import
/// runs.
#[tauri::command]
pub fn invitations_import_progress(state: State<'_, AppState>) -> Res<ImportProgress> {
    Ok(state.imports.get())
}

/// How many invitations wait and when the next ones go (owner, manager).
#[tauri::command]
pub fn invitations_status(state: State<'_, AppState>) -> Res<InvitationStatus> {
    with_session(&state, |vault, session| vault.invitation_status(session))
}

/// How many days invitations wait (owner; 1–365).
#[tauri::command]
pub fn settings_set_invitation_expiry(state: State<'_, AppState>, days: u32) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.set_invitation_expiry_days(session, days)
    })
}

/// Opens an invitation to start the consent form with it (whoever serves
/// at the till; logged).
#[tauri::command]
pub fn invitation_open(state: State<'_, AppState>, invitation_id: i64) -> Res<Invitation> {
    with_session(&state, |vault, session| {
        vault.open_invitation(session, invitation_id)
    })
}

/// The person refused to join: the invitation is erased (whoever serves at
/// the till).
#[tauri::command]
pub fn invitation_refuse(state: State<'_, AppState>, invitation_id: i64) -> Res<InvitationRefused> {
    with_session(&state, |vault, session| {
        vault.refuse_invitation(session, invitation_id)
    })
}

/// The person joins from their invitation: `join_customer`, and the
/// invitation is consumed in the same transaction.
#[tauri::command]
pub fn join_invited_customer(
    state: State<'_, AppState>,
    invitation_id: i64,
    form: FormInput,
) -> Res<RecordedInfo> {
    let form = form.parse()?;
    let recorded = with_session(&state, |vault, session| {
        vault.join_invited_customer(session, invitation_id, form)
    })?;
    Ok(recorded.into())
}
