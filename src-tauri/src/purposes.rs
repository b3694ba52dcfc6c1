//! Settings → What customers are asked: the purposes as customers read
//! them (`purposes_overview`), what adding or changing one would do
//! (`purpose_preview`), and the change itself (`purpose_add`,
//! `purpose_edit`). Each passes the UI's input to the core as it came;
//! every check and every refusal is the core's.

use std::collections::BTreeMap;

use serde::Deserialize;
use steward_core::oversight::{ChangeEffects, PurposesOverview};
use steward_core::{Error, RetentionClock};
use steward_core::{Lang, LegalBasis, NewPurpose, Purpose, PurposeChange, PurposeText};
use tauri::State;

use crate::commands::{with_session, Res};
use crate::state::AppState;

/// A purpose as the editor sends it: for a new one `id`, a text in at
/// least one language and the retention; for a change, only what changes
/// (absent: left as it is; `fields` replaces the list).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeInput {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    legal_basis: Option<String>,
    #[serde(default)]
    retention_days: Option<u32>,
    #[serde(default)]
    retention_clock: Option<String>,
    #[serde(default)]
    fields: Option<Vec<String>>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(default)]
    marketing: Option<bool>,
    #[serde(default)]
    texts: BTreeMap<Lang, PurposeText>,
}

impl PurposeInput {
    /// As the CLI's `purposes add`: consent unless said otherwise, a year
    /// unless said otherwise.
    fn into_new(self) -> Result<NewPurpose, Error> {
        Ok(NewPurpose {
            id: self.id.unwrap_or_default(),
            legal_basis: LegalBasis::parse(self.legal_basis.as_deref().unwrap_or("consent"))?,
            retention_days: self.retention_days.unwrap_or(365),
            fields: self.fields.unwrap_or_default(),
            marketing: self.marketing.unwrap_or(false),
            texts: self.texts,
        })
    }

    fn into_change(self) -> Result<PurposeChange, Error> {
        Ok(PurposeChange {
            retention_days: self.retention_days,
            retention_clock: self
                .retention_clock
                .as_deref()
                .map(RetentionClock::parse)
                .transpose()?,
            fields: self.fields,
            active: self.active,
            marketing: self.marketing,
            texts: self.texts,
        })
    }
}

/// The purposes as customers read them in `lang`, with their settings
/// (everyone who may read the notice; counts for owner and manager).
#[tauri::command]
pub fn purposes_overview(state: State<'_, AppState>, lang: Lang) -> Res<PurposesOverview> {
    with_session(&state, |vault, session| {
        vault.purposes_overview(session, lang)
    })
}

/// What saving would do: a new purpose when `id` is absent, else a change
/// to purpose `id` (owner).
#[tauri::command]
pub fn purpose_preview(
    state: State<'_, AppState>,
    id: Option<String>,
    purpose: PurposeInput,
) -> Res<ChangeEffects> {
    with_session(&state, |vault, session| match id {
        None => vault.preview_new_purpose(session, purpose.into_new()?),
        Some(id) => vault.preview_purpose_change(session, &id, purpose.into_change()?),
    })
}

/// Adds a purpose and publishes the notice (owner).
#[tauri::command]
pub fn purpose_add(state: State<'_, AppState>, purpose: PurposeInput) -> Res<Purpose> {
    with_session(&state, |vault, session| {
        vault.add_purpose(session, purpose.into_new()?)
    })
}

/// Changes purpose `id` (owner).
#[tauri::command]
pub fn purpose_edit(state: State<'_, AppState>, id: String, purpose: PurposeInput) -> Res<Purpose> {
    with_session(&state, |vault, session| {
        vault.edit_purpose(session, &id, purpose.into_change()?)
    })
}
