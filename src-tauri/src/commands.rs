//! The commands the UI may call, one per core call: parse the arguments,
//! call `steward-core`, map its error to `{code, message}`. No rule is
//! decided here; the contract is docs/ui-commands.md.
//!
//! The commands are synchronous on purpose: they run on the main thread,
//! one at a time, and the OS keyring's blocking D-Bus client must not run
//! inside the async runtime. The exception is long work that never touches
//! the keyring (`customer_export`, `recipients_hand_over`): it runs on a
//! blocking worker thread so that the window stays responsive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use steward_core::crm::views::{AudiencePage, Loyalty, Note, Purchase, Task};
use steward_core::oversight::{LogEntry, LogFilter, SearchLimitAlert};
use steward_core::people::access::{self, ViewKind};
use steward_core::{
    AccessPurpose, CollectionMethod, ConsentForm, ConsentHistory, CustomerProfile, ErasureGround,
    ErasureRequest, Error, ErrorKind, FieldChange, FormId, IdentityCheck, Lang, NewPurchase,
    NewRecipient, NewTask, Notice, Objection, Passphrase, PrintableReceipt, Purpose, Recipient,
    RecipientNotice, Recorded, RecoveryKey, Restriction, RestrictionCategory, Role, SearchResults,
    Session, Signature, UserSummary, Vault, Verdict, Warning, Withdrawal,
};
use steward_core::{FieldSetting, HandedTo, Paper, ShopProfile};
use tauri::{Manager, State};

use crate::state::{AppState, Inner};

/// What a rejected command gives the UI: a stable code and a sentence.
#[derive(Debug, Serialize)]
pub struct CommandError {
    code: &'static str,
    /// The kind of failure (`session_lost`, `not_permitted`...), so the UI
    /// handles whole kinds alike, as the core classifies them.
    kind: &'static str,
    message: String,
    /// The input the error is about (e.g. `email`), for the form to point at.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl From<Error> for CommandError {
    fn from(e: Error) -> CommandError {
        CommandError {
            code: e.code(),
            kind: e.kind().as_str(),
            message: e.to_string(),
            field: e.field().map(str::to_owned),
        }
    }
}

/// Something the UI should show about a change that was saved (not an
/// error: the change stands): a stable code and a sentence.
#[derive(Debug, Serialize)]
pub struct WarningInfo {
    code: &'static str,
    message: String,
}

impl From<Warning> for WarningInfo {
    fn from(w: Warning) -> WarningInfo {
        WarningInfo {
            code: w.code(),
            message: w.to_string(),
        }
    }
}

pub(crate) fn not_logged_in() -> CommandError {
    CommandError {
        code: "not_logged_in",
        kind: ErrorKind::SessionLost.as_str(),
        message: "log in first".into(),
        field: None,
    }
}

pub(crate) fn no_vault(state: &AppState) -> CommandError {
    Error::NoVault(state.vault_path.clone()).into()
}

pub(crate) type Res<T> = Result<T, CommandError>;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    username: String,
    role: Role,
    shop_name: String,
    autolock_seconds: u32,
    /// How long the app may stay locked before it closes the vault.
    close_after_locked_minutes: u32,
    must_change_passphrase: bool,
    /// True while the screen is handed to a customer.
    customer_mode: bool,
    /// What this role may do, from the core's matrix, so the UI shows only
    /// what can be used. The core still checks every call.
    allowed: Vec<steward_core::Action>,
    /// Which view of a customer this role gets (`full`, `till`,
    /// `marketing`, `none`).
    customer_view: ViewKind,
    /// The purposes of access this role may give when opening a profile.
    access_purposes: &'static [AccessPurpose],
    /// The currency amounts are recorded in (ISO 4217).
    currency: String,
    /// How many different customers the searches of one manager or staff
    /// account may show within an hour (the owner's setting).
    search_limit_per_hour: u32,
    /// Whether the shop lets users unlock and switch with a PIN.
    quick_switch: bool,
    /// This session was opened with a PIN: what changes the shop is not
    /// in `allowed` and asks for the passphrase.
    by_pin: bool,
    /// The language the staff screens speak for this user: their own
    /// choice, or else the shop's default.
    language: Lang,
    /// The user's own choice of language, if they made one.
    own_language: Option<Lang>,
    /// The shop's default language for the staff screens.
    staff_language: Lang,
}

pub(crate) fn session_info(vault: &Vault, session: &Session) -> Res<SessionInfo> {
    Ok(SessionInfo {
        username: session.username().to_owned(),
        role: session.role(),
        shop_name: vault.shop_name()?,
        // In customer mode, the longer limit that session has.
        autolock_seconds: vault.idle_limit_secs(session)?,
        close_after_locked_minutes: vault.close_after_locked_minutes()?,
        must_change_passphrase: session.must_change_passphrase(),
        customer_mode: session.in_customer_mode(),
        allowed: session.allowed_actions(),
        customer_view: access::scope(session.role()).view,
        access_purposes: access::scope(session.role()).access_purposes,
        currency: vault.currency()?,
        search_limit_per_hour: vault.search_limit_per_hour()?,
        quick_switch: vault.quick_switch_enabled()?,
        by_pin: session.by_pin(),
        language: vault.session_language(session)?,
        own_language: vault.own_language(session)?,
        staff_language: vault.staff_language()?,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    state: &'static str,
    shop_name: Option<String>,
    vault_path: String,
    session: Option<SessionInfo>,
    error: Option<CommandError>,
    /// What the shop should know though every change was saved (an audit
    /// anchor that lags behind the log until the next change).
    warnings: Vec<WarningInfo>,
    /// After this computer was retired (state `retired`): the destruction
    /// certificate, until the app closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<crate::moving::CertificateView>,
    /// The login screen may offer a PIN: the vault is open (locked) and
    /// the shop switched quick switch on.
    quick_switch: bool,
}

fn status_of(state: &AppState, inner: &Inner) -> Res<AppStatus> {
    let vault_path = state.vault_path.display().to_string();
    if let Some(certificate) = &inner.retired {
        // The vault is gone: only the certificate is left to show.
        return Ok(AppStatus {
            state: "retired",
            shop_name: None,
            vault_path,
            session: None,
            error: None,
            warnings: Vec::new(),
            certificate: Some(certificate.clone()),
            quick_switch: false,
        });
    }
    Ok(match (&inner.vault, &inner.open_error) {
        // Held, not opened yet: the login screen, with the shop's name from
        // the sign-in file.
        (None, None) if inner.closed.is_some() => AppStatus {
            state: "locked",
            shop_name: inner.cover.as_ref().and_then(|c| c.shop_name.clone()),
            vault_path,
            session: None,
            error: None,
            warnings: Vec::new(),
            certificate: None,
            quick_switch: false,
        },
        (Some(vault), _) => {
            let session = match &inner.session {
                Some(s) if !s.is_locked() => Some(session_info(vault, s)?),
                _ => None,
            };
            AppStatus {
                state: if session.is_some() {
                    "unlocked"
                } else {
                    "locked"
                },
                shop_name: Some(vault.shop_name()?),
                vault_path,
                session,
                error: None,
                warnings: vault.warnings().into_iter().map(Into::into).collect(),
                certificate: None,
                quick_switch: vault.quick_switch_enabled()?,
            }
        }
        (None, Some(e)) => AppStatus {
            state: "unavailable",
            shop_name: None,
            vault_path,
            session: None,
            error: Some(CommandError {
                code: e.code(),
                kind: e.kind().as_str(),
                message: e.to_string(),
                field: None,
            }),
            warnings: Vec::new(),
            certificate: None,
            quick_switch: false,
        },
        (None, None) => AppStatus {
            state: "needs_setup",
            shop_name: None,
            vault_path,
            session: None,
            error: None,
            warnings: Vec::new(),
            certificate: None,
            quick_switch: false,
        },
    })
}

/// Runs `f` with the open vault and the logged-in session. A session the
/// core has locked (idle, disabled) is dropped, so the UI returns to login.
pub(crate) fn with_session<T>(
    state: &AppState,
    f: impl FnOnce(&mut Vault, &mut Session) -> Result<T, Error>,
) -> Res<T> {
    let mut guard = state.lock();
    let inner = &mut *guard;
    let vault = match inner.vault.as_mut() {
        Some(vault) => vault,
        // Held but not opened: nobody has signed in yet.
        None if inner.closed.is_some() => return Err(not_logged_in()),
        None => return Err(no_vault(state)),
    };
    let session = inner.session.as_mut().ok_or_else(not_logged_in)?;
    let res = f(vault, session);
    if session.is_locked() {
        inner.session = None;
    }
    Ok(res?)
}

#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Res<AppStatus> {
    status_of(&state, &state.lock())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupResult {
    recovery_key: String,
}

#[tauri::command]
pub fn setup(
    state: State<'_, AppState>,
    shop_name: String,
    owner_username: String,
    owner_passphrase: String,
) -> Res<SetupResult> {
    let passphrase = Passphrase::new(owner_passphrase);
    let mut inner = state.lock();
    if inner.vault.is_some() || inner.closed.is_some() {
        return Err(Error::VaultExists(state.vault_path.clone()).into());
    }
    let (vault, recovery_key) = Vault::create(
        &state.vault_path,
        state.keystore.as_ref(),
        &shop_name,
        &owner_username,
        &passphrase,
    )?;
    inner.vault = Some(vault);
    inner.open_error = None;
    Ok(SetupResult {
        recovery_key: recovery_key.as_str().to_owned(),
    })
}

#[tauri::command]
pub fn login(state: State<'_, AppState>, username: String, passphrase: String) -> Res<SessionInfo> {
    let passphrase = Passphrase::new(passphrase);
    let mut guard = state.lock();
    let inner = &mut *guard;
    if inner.vault.is_none() {
        // The first sign-in opens the vault: this user's key slot, under
        // the device secret from the keyring and their passphrase.
        let closed = inner.closed.as_ref().ok_or_else(|| no_vault(&state))?;
        let (vault, session) = closed.sign_in(state.keystore.as_ref(), &username, &passphrase)?;
        let info = session_info(&vault, &session)?;
        inner.vault = Some(vault);
        inner.session = Some(session);
        return Ok(info);
    }
    let vault = inner.vault.as_mut().ok_or_else(|| no_vault(&state))?;
    if let Some(previous) = inner.session.take() {
        vault.logout(previous)?;
    }
    let session = vault.login(&username, &passphrase)?;
    let info = session_info(vault, &session)?;
    inner.session = Some(session);
    Ok(info)
}

#[tauri::command]
pub fn change_passphrase(
    state: State<'_, AppState>,
    current: String,
    replacement: String,
) -> Res<SessionInfo> {
    let (current, replacement) = (Passphrase::new(current), Passphrase::new(replacement));
    with_session(&state, |vault, session| {
        vault.change_own_passphrase(session, &current, &replacement)
    })?;
    current_session_info(&state)
}

fn current_session_info(state: &AppState) -> Res<SessionInfo> {
    let inner = state.lock();
    match (&inner.vault, &inner.session) {
        (Some(vault), Some(session)) => session_info(vault, session),
        _ => Err(not_logged_in()),
    }
}

#[tauri::command]
pub fn logout(state: State<'_, AppState>) -> Res<()> {
    let mut guard = state.lock();
    let inner = &mut *guard;
    if let (Some(vault), Some(session)) = (inner.vault.as_mut(), inner.session.take()) {
        vault.logout(session)?;
    }
    Ok(())
}

#[tauri::command]
pub fn lock(state: State<'_, AppState>, reason: String) -> Res<()> {
    let reason = match reason.as_str() {
        "autolock" => "autolock",
        _ => "manual",
    };
    let mut guard = state.lock();
    let inner = &mut *guard;
    if let (Some(vault), Some(mut session)) = (inner.vault.as_mut(), inner.session.take()) {
        vault.lock_session(&mut session, reason)?;
    }
    Ok(())
}

#[tauri::command]
pub fn touch(state: State<'_, AppState>) -> Res<()> {
    with_session(&state, |vault, session| vault.touch(session))
}

#[tauri::command]
pub fn users_list(state: State<'_, AppState>) -> Res<Vec<UserSummary>> {
    with_session(&state, |vault, session| vault.list_users(session))
}

#[tauri::command]
pub fn users_add(
    state: State<'_, AppState>,
    username: String,
    role: String,
    initial_passphrase: String,
    language: Option<String>,
) -> Res<UserSummary> {
    let initial = Passphrase::new(initial_passphrase);
    let role = parse_role(&role)?;
    let language = parse_language(language.as_deref())?;
    with_session(&state, |vault, session| {
        vault.add_user_speaking(session, &username, role, &initial, language)
    })
}

/// `None` or an empty choice: the shop's default.
fn parse_language(code: Option<&str>) -> Res<Option<Lang>> {
    match code.filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(Lang::parse(code)?)),
        None => Ok(None),
    }
}

#[tauri::command]
pub fn users_set_language(
    state: State<'_, AppState>,
    username: String,
    language: Option<String>,
) -> Res<UserSummary> {
    let language = parse_language(language.as_deref())?;
    with_session(&state, |vault, session| {
        vault.set_user_language(session, &username, language)
    })
}

#[tauri::command]
pub fn own_language_set(state: State<'_, AppState>, language: Option<String>) -> Res<SessionInfo> {
    let language = parse_language(language.as_deref())?;
    with_session(&state, |vault, session| {
        vault.set_own_language(session, language)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn settings_set_staff_language(
    state: State<'_, AppState>,
    language: String,
) -> Res<SessionInfo> {
    let language = Lang::parse(&language)?;
    with_session(&state, |vault, session| {
        vault.set_staff_language(session, language)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn users_disable(state: State<'_, AppState>, username: String) -> Res<UserSummary> {
    with_session(&state, |vault, session| {
        vault.disable_user(session, &username)
    })
}

#[tauri::command]
pub fn users_set_role(
    state: State<'_, AppState>,
    username: String,
    role: String,
) -> Res<UserSummary> {
    let role = parse_role(&role)?;
    with_session(&state, |vault, session| {
        vault.set_role(session, &username, role)
    })
}

fn parse_role(role: &str) -> Res<Role> {
    Role::parse(role).ok_or_else(|| {
        Error::InvalidInput {
            field: "role",
            reason: "not one of the five roles",
        }
        .into()
    })
}

#[tauri::command]
pub fn settings_set_autolock(state: State<'_, AppState>, seconds: u32) -> Res<SessionInfo> {
    with_session(&state, |vault, session| {
        vault.set_autolock_seconds(session, seconds)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn settings_set_close_after_lock(state: State<'_, AppState>, minutes: u32) -> Res<SessionInfo> {
    with_session(&state, |vault, session| {
        vault.set_close_after_locked_minutes(session, minutes)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn settings_set_currency(state: State<'_, AppState>, code: String) -> Res<SessionInfo> {
    with_session(&state, |vault, session| vault.set_currency(session, &code))?;
    current_session_info(&state)
}

#[tauri::command]
pub fn settings_set_search_limit(state: State<'_, AppState>, customers: u32) -> Res<SessionInfo> {
    with_session(&state, |vault, session| {
        vault.set_search_limit_per_hour(session, customers)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn search_limit_alerts(state: State<'_, AppState>) -> Res<Vec<SearchLimitAlert>> {
    with_session(&state, |vault, session| vault.search_limit_alerts(session))
}

#[tauri::command]
pub fn audit_verify(state: State<'_, AppState>) -> Res<Verdict> {
    with_session(&state, |vault, session| vault.verify_audit_log(session))
}

#[tauri::command]
pub fn recover(state: State<'_, AppState>, recovery_key: String) -> Res<AppStatus> {
    let key = RecoveryKey::parse(&recovery_key)?;
    let mut guard = state.lock();
    if guard.vault.is_none() {
        let vault = match guard.closed.as_ref() {
            Some(closed) => closed.recover(state.keystore.as_ref(), &key)?,
            None => Vault::recover(&state.vault_path, state.keystore.as_ref(), &key)?,
        };
        guard.vault = Some(vault);
        guard.open_error = None;
    }
    status_of(&state, &guard)
}

// --- Consent-first intake -------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentFormInfo {
    notice: Notice,
    /// A new random id for the form about to be shown; its submission
    /// carries it, so that sending it twice records it once.
    form_id: FormId,
    /// The identity checks staff may record, in the order to offer them.
    identity_checks: Vec<&'static str>,
}

#[tauri::command]
pub fn consent_form(state: State<'_, AppState>, lang: String) -> Res<ConsentFormInfo> {
    let lang = Lang::parse(&lang)?;
    let notice = with_session(&state, |vault, session| vault.notice(session, lang, None))?;
    Ok(ConsentFormInfo {
        notice,
        form_id: FormId::generate(),
        identity_checks: IdentityCheck::ALL.iter().map(|c| c.as_str()).collect(),
    })
}

/// Hands the screen over: to someone joining (`customer_id` absent) or to
/// that one existing customer.
#[tauri::command]
pub fn enter_customer_mode(
    state: State<'_, AppState>,
    customer_id: Option<i64>,
) -> Res<SessionInfo> {
    let to = customer_id.map_or(HandedTo::NewCustomer, HandedTo::Customer);
    with_session(&state, |vault, session| {
        vault.enter_customer_mode(session, to)
    })?;
    current_session_info(&state)
}

#[tauri::command]
pub fn leave_customer_mode(
    state: State<'_, AppState>,
    username: String,
    passphrase: String,
) -> Res<SessionInfo> {
    let passphrase = Passphrase::new(passphrase);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let vault = inner.vault.as_mut().ok_or_else(|| no_vault(&state))?;
    let session = inner.session.as_mut().ok_or_else(not_logged_in)?;
    let next = vault.leave_customer_mode(session, &username, &passphrase)?;
    let info = session_info(vault, &next)?;
    inner.session = Some(next);
    Ok(info)
}

/// A consent form as the UI sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormInput {
    lang: String,
    notice_version: i64,
    granted: Vec<String>,
    fields: BTreeMap<String, String>,
    identity_check: String,
    /// Strokes of [x, y] points between 0 and 1.
    signature: Option<Signature>,
    /// The `formId` `consent_form` gave when the form was shown (required).
    form_id: Option<String>,
}

/// The form id a submission must carry (`invalid_input` when missing).
fn form_id(given: Option<&str>) -> Result<FormId, Error> {
    FormId::parse(given.unwrap_or_default())
}

impl FormInput {
    pub(crate) fn parse(self) -> Result<ConsentForm, Error> {
        Ok(ConsentForm {
            lang: Lang::parse(&self.lang)?,
            notice_version: self.notice_version,
            granted: self.granted,
            fields: self.fields.into_iter().collect(),
            method: CollectionMethod::InStoreForm,
            identity_check: IdentityCheck::parse(&self.identity_check)?,
            signature: self.signature,
            form_id: Some(form_id(self.form_id.as_deref())?),
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedInfo {
    customer_id: i64,
    receipt_id: String,
    erased_fields: Vec<String>,
    /// Saved, but the shop should know (`journal_not_cleared`,
    /// `audit_anchor_pending`): shown with the receipt, never as a failure.
    warnings: Vec<WarningInfo>,
    /// True when the form had been recorded already and this is that
    /// result again (nothing new was written).
    repeated: bool,
}

impl From<Recorded> for RecordedInfo {
    fn from(r: Recorded) -> RecordedInfo {
        RecordedInfo {
            customer_id: r.customer_id,
            receipt_id: r.receipt.receipt_id,
            erased_fields: r.erased_fields,
            warnings: r.warnings.into_iter().map(Into::into).collect(),
            repeated: r.repeated,
        }
    }
}

#[tauri::command]
pub fn join_customer(state: State<'_, AppState>, form: FormInput) -> Res<RecordedInfo> {
    let form = form.parse()?;
    let recorded = with_session(&state, |vault, session| vault.join_customer(session, form))?;
    Ok(recorded.into())
}

#[tauri::command]
pub fn grant_consent(
    state: State<'_, AppState>,
    customer_id: i64,
    form: FormInput,
) -> Res<RecordedInfo> {
    let form = form.parse()?;
    let recorded = with_session(&state, |vault, session| {
        vault.grant_consent(session, customer_id, form)
    })?;
    Ok(recorded.into())
}

#[tauri::command]
pub fn withdraw_consent(
    state: State<'_, AppState>,
    customer_id: i64,
    lang: String,
    purposes: Vec<String>,
    identity_check: String,
    signature: Option<Signature>,
    form_id: Option<String>,
) -> Res<RecordedInfo> {
    let request = Withdrawal {
        lang: Some(Lang::parse(&lang)?),
        purposes,
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::parse(&identity_check)?,
        signature,
        form_id: Some(self::form_id(form_id.as_deref())?),
    };
    let recorded = with_session(&state, |vault, session| {
        vault.withdraw_consent(session, customer_id, request)
    })?;
    Ok(recorded.into())
}

#[tauri::command]
pub fn consent_history(state: State<'_, AppState>, customer_id: i64) -> Res<ConsentHistory> {
    with_session(&state, |vault, session| {
        vault.consent_history(session, customer_id)
    })
}

/// The customer a receipt was issued to, from the short number printed on it.
#[tauri::command]
pub fn receipt_customer(state: State<'_, AppState>, reference: String) -> Res<i64> {
    with_session(&state, |vault, session| {
        vault.customer_of_receipt(session, &reference)
    })
}

#[tauri::command]
pub fn receipt_printable(state: State<'_, AppState>, receipt_id: String) -> Res<PrintableReceipt> {
    with_session(&state, |vault, session| {
        vault.printable_receipt(session, &receipt_id)
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    path: String,
}

impl SavedFile {
    pub(crate) fn at(path: &Path) -> SavedFile {
        SavedFile {
            path: path.display().to_string(),
        }
    }
}

/// Saves the receipt's signed PDF in a `receipts` folder next to the vault
/// (named by the receipt's random id, never by the customer).
#[tauri::command]
pub fn receipt_save_pdf(
    state: State<'_, AppState>,
    receipt_id: String,
    paper: Option<Paper>,
) -> Res<SavedFile> {
    let paper = paper.unwrap_or_default();
    let pdf = with_session(&state, |vault, session| {
        vault.receipt_pdf_on(session, &receipt_id, paper)
    })?;
    let suffix = if paper == Paper::Till80 { "-80mm" } else { "" };
    let folder = state
        .vault_path
        .parent()
        .map(|p| p.join("receipts"))
        .unwrap_or_else(|| "receipts".into());
    let path = steward_core::files::save_document(
        &folder,
        &format!("receipt-{receipt_id}{suffix}.pdf"),
        &pdf,
    )?;
    Ok(SavedFile {
        path: path.display().to_string(),
    })
}

#[tauri::command]
pub fn fields_list(state: State<'_, AppState>) -> Res<Vec<FieldSetting>> {
    with_session(&state, |vault, session| vault.list_fields(session))
}

#[tauri::command]
pub fn field_set_enabled(
    state: State<'_, AppState>,
    key: String,
    enabled: bool,
) -> Res<Vec<FieldSetting>> {
    with_session(&state, |vault, session| {
        vault.set_field_enabled(session, &key, enabled)?;
        vault.list_fields(session)
    })
}

#[tauri::command]
pub fn purposes_list(state: State<'_, AppState>) -> Res<Vec<Purpose>> {
    with_session(&state, |vault, session| vault.list_purposes(session))
}

#[tauri::command]
pub fn shop_profile(state: State<'_, AppState>) -> Res<ShopProfile> {
    with_session(&state, |vault, session| vault.shop_profile(session))
}

#[tauri::command]
pub fn shop_profile_set(
    state: State<'_, AppState>,
    contact: String,
    jurisdiction: String,
) -> Res<ShopProfile> {
    with_session(&state, |vault, session| {
        vault.set_shop_profile(session, &contact, &jurisdiction)
    })
}

// --- Everyday CRM -----------------------------------------------------------

#[tauri::command]
pub fn customer_search(state: State<'_, AppState>, query: String) -> Res<SearchResults> {
    with_session(&state, |vault, session| {
        vault.search_customers(session, &query)
    })
}

#[tauri::command]
pub fn customer_profile(
    state: State<'_, AppState>,
    customer_id: i64,
    purpose: String,
) -> Res<CustomerProfile> {
    let purpose = AccessPurpose::parse(&purpose)?;
    with_session(&state, |vault, session| {
        vault.customer_profile(session, customer_id, purpose)
    })
}

#[tauri::command]
pub fn customer_correct(
    state: State<'_, AppState>,
    customer_id: i64,
    changes: Vec<FieldChange>,
) -> Res<Vec<&'static str>> {
    with_session(&state, |vault, session| {
        vault.correct_customer(session, customer_id, &changes)
    })
}

#[tauri::command]
pub fn purchase_add(
    state: State<'_, AppState>,
    customer_id: i64,
    purchase: NewPurchase,
) -> Res<Purchase> {
    with_session(&state, |vault, session| {
        vault.add_purchase(session, customer_id, &purchase)
    })
}

#[tauri::command]
pub fn note_add(state: State<'_, AppState>, customer_id: i64, text: String) -> Res<Note> {
    with_session(&state, |vault, session| {
        vault.add_note(session, customer_id, &text)
    })
}

#[tauri::command]
pub fn task_add(state: State<'_, AppState>, customer_id: i64, task: NewTask) -> Res<Task> {
    with_session(&state, |vault, session| {
        vault.add_task(session, customer_id, &task)
    })
}

#[tauri::command]
pub fn task_complete(state: State<'_, AppState>, customer_id: i64, task_id: i64) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.complete_task(session, customer_id, task_id)
    })
}

#[tauri::command]
pub fn tags_set(
    state: State<'_, AppState>,
    customer_id: i64,
    tags: Vec<String>,
) -> Res<Vec<String>> {
    with_session(&state, |vault, session| {
        vault.set_tags(session, customer_id, &tags)
    })
}

#[tauri::command]
pub fn points_redeem(state: State<'_, AppState>, customer_id: i64, points: i64) -> Res<Loyalty> {
    with_session(&state, |vault, session| {
        vault.redeem_points(session, customer_id, points)
    })
}

#[tauri::command]
pub fn customer_restrict(
    state: State<'_, AppState>,
    customer_id: i64,
    category: String,
    reason: Option<String>,
) -> Res<Restriction> {
    let category = RestrictionCategory::parse(&category)?;
    with_session(&state, |vault, session| {
        vault.restrict_customer(session, customer_id, category, reason.as_deref())
    })
}

#[tauri::command]
pub fn customer_unrestrict(state: State<'_, AppState>, customer_id: i64) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.lift_restriction(session, customer_id)
    })
}

/// The customer's objection to marketing, told to the person at the
/// profile (no signature on screen): recorded as a request on paper.
#[tauri::command]
pub fn customer_object_marketing(
    state: State<'_, AppState>,
    customer_id: i64,
    identity_check: String,
) -> Res<RecordedInfo> {
    let objection = Objection {
        lang: None,
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::parse(&identity_check)?,
        signature: None,
    };
    let recorded = with_session(&state, |vault, session| {
        vault.object_to_marketing(session, customer_id, objection)
    })?;
    Ok(recorded.into())
}

/// What an erasure did, for the profile's Erase button: the erasure
/// confirmation's receipt (to show and print it for the customer), the rows
/// destroyed, the residue check, and whom to tell.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasedInfo {
    customer_id: i64,
    receipt_id: String,
    rows: u64,
    tables: usize,
    /// `clean`, `found` or `not-checked`.
    residue: &'static str,
    recipients_to_tell: usize,
    warnings: Vec<WarningInfo>,
}

/// Erases everything held about a customer at their request, told at the
/// profile (no signature on screen): recorded as a request on paper, with
/// how their identity was checked and the ground (a word).
#[tauri::command]
pub fn customer_erase(
    state: State<'_, AppState>,
    customer_id: i64,
    identity_check: String,
    ground: String,
) -> Res<ErasedInfo> {
    let request = ErasureRequest {
        lang: None,
        ground: ErasureGround::parse(&ground)?,
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::parse(&identity_check)?,
        signature: None,
    };
    let erased = with_session(&state, |vault, session| {
        vault.erase_customer(session, customer_id, request)
    })?;
    let record = &erased.destruction_record;
    Ok(ErasedInfo {
        customer_id: erased.customer_id,
        receipt_id: erased.receipt.receipt_id.clone(),
        rows: record.rows.values().sum(),
        tables: record.rows.len(),
        residue: record.residue.as_str(),
        recipients_to_tell: erased.recipients_to_tell,
        warnings: erased.warnings.iter().copied().map(Into::into).collect(),
    })
}

#[tauri::command]
pub fn audience_list(
    state: State<'_, AppState>,
    purpose: String,
    offset: Option<i64>,
) -> Res<AudiencePage> {
    with_session(&state, |vault, session| {
        vault.marketing_audience(session, &purpose, offset.unwrap_or(0))
    })
}

#[tauri::command]
pub fn access_log(state: State<'_, AppState>, filter: Option<LogFilter>) -> Res<Vec<LogEntry>> {
    let filter = filter.unwrap_or_default();
    with_session(&state, |vault, session| vault.access_log(session, &filter))
}

// --- The customer's rights --------------------------------------------------

/// Where the export's folder field starts: the user's Documents folder,
/// else their home folder (empty when the system names neither).
#[tauri::command]
pub fn export_folder<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Res<SavedFile> {
    if app.state::<AppState>().lock().session.is_none() {
        return Err(not_logged_in());
    }
    let paths = app.path();
    let folder = paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok())
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    Ok(SavedFile { path: folder })
}

/// Where a customer's export went and what is in it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportSaved {
    /// The file written: in the folder chosen, named by the date and the
    /// customer number only.
    path: String,
    export_id: String,
    lang: Lang,
    encrypted: bool,
    /// How many files the ZIP holds (its manifest included).
    files: usize,
}

/// The folder an export goes to: a whole path to a folder that exists.
pub(crate) fn export_folder_checked(folder: &str) -> Result<PathBuf, Error> {
    let path = PathBuf::from(folder.trim());
    if !path.is_absolute() {
        return Err(Error::InvalidInput {
            field: "folder",
            reason: "give the whole path of a folder, starting from the top",
        });
    }
    if !path.is_dir() {
        return Err(Error::InvalidInput {
            field: "folder",
            reason: "there is no folder there",
        });
    }
    Ok(path)
}

/// Writes `bytes` into `folder` as `<stem>.<ext>` (`<stem>-2.<ext>`,
/// `-3`... when that name is taken): never over an existing file, never
/// half a file. Callers build `stem` from a date and a number only, never
/// from anything personal.
pub(crate) fn write_numbered(
    folder: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, Error> {
    for n in 1..=99 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = folder.join(name);
        match steward_core::files::write_new_atomic(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(Error::FileExists) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::FileExists)
}

/// Today's local date, as a file name starts with it.
pub(crate) fn local_date() -> String {
    chrono::Local::now().format("%Y-%m-%d").to_string()
}

/// The rejection when a worker thread ended without a result.
pub(crate) fn worker_stopped(what: &str) -> CommandError {
    CommandError {
        code: "internal",
        kind: ErrorKind::Other.as_str(),
        message: format!("{what} stopped before it was written; nothing was saved"),
        field: None,
    }
}

/// The customer's export (owner, manager; the core records it as their
/// request): made by the core, written into `folder`. Runs on a worker
/// thread, so the window stays responsive while the ZIP is made; the vault
/// is busy meanwhile.
#[tauri::command]
pub async fn customer_export<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    customer_id: i64,
    folder: String,
    lang: Option<String>,
    zip_passphrase: Option<String>,
) -> Res<ExportSaved> {
    let lang = lang.as_deref().map(Lang::parse).transpose()?;
    let passphrase = zip_passphrase
        .filter(|p| !p.is_empty())
        .map(Passphrase::new);
    let folder = export_folder_checked(&folder)?;
    let work = tauri::async_runtime::spawn_blocking(move || -> Res<ExportSaved> {
        let state = app.state::<AppState>();
        let export = with_session(&state, |vault, session| {
            vault.export_for_customer(session, customer_id, lang, passphrase.as_ref())
        })?;
        // Named by the date and the customer number only.
        let stem = format!("steward-export-{}-customer-{customer_id}", local_date());
        let path = write_numbered(&folder, &stem, "zip", &export.zip)?;
        Ok(ExportSaved {
            path: path.display().to_string(),
            export_id: export.export_id,
            lang: export.lang,
            encrypted: export.encrypted,
            files: export.files.len() + 1,
        })
    });
    work.await.map_err(|_| worker_stopped("the export"))?
}

// --- Recipients (the firms the shop hands data to) ---------------------------

/// A recipient as the owner enters it in Settings.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipientInput {
    name: String,
    receives: String,
    /// A purpose id.
    purpose: String,
    /// The two-letter country code.
    country: String,
    /// `YYYY-MM-DD`.
    agreement_date: String,
    agreement_ref: String,
}

/// The recipients in force (owner).
#[tauri::command]
pub fn recipients_list(state: State<'_, AppState>) -> Res<Vec<Recipient>> {
    with_session(&state, |vault, session| vault.recipients(session))
}

/// Adds a recipient (owner); the core publishes a new notice version that
/// names it.
#[tauri::command]
pub fn recipients_add(state: State<'_, AppState>, recipient: RecipientInput) -> Res<Recipient> {
    let new = NewRecipient {
        name: recipient.name,
        receives: recipient.receives,
        purpose: recipient.purpose,
        country: recipient.country,
        agreement_date: recipient.agreement_date,
        agreement_ref: recipient.agreement_ref,
    };
    with_session(&state, |vault, session| vault.add_recipient(session, &new))
}

/// Ends a recipient's agreement (owner); the core publishes a new notice
/// version without it. What it received stays on record.
#[tauri::command]
pub fn recipients_remove(state: State<'_, AppState>, recipient_id: i64) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.remove_recipient(session, recipient_id)
    })
}

/// What recipients must still be told (owner): customers whose data they
/// received were corrected, restricted or erased since (Art. 19).
#[tauri::command]
pub fn recipients_to_tell(state: State<'_, AppState>) -> Res<Vec<RecipientNotice>> {
    with_session(&state, |vault, session| vault.recipients_to_tell(session))
}

/// Records that a recipient was told (owner; a notice from
/// `recipients_to_tell`).
#[tauri::command]
pub fn recipients_told(state: State<'_, AppState>, notice_id: i64) -> Res<()> {
    with_session(&state, |vault, session| {
        vault.mark_recipient_told(session, notice_id)
    })
}

/// Where a hand-over went and what it holds: counts and field keys, never
/// a value (those go to the file only).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandOverSaved {
    /// The file written: in the folder chosen, named by the date and the
    /// recipient number only.
    path: String,
    recipient_id: i64,
    /// How many customers it holds.
    customers: usize,
    /// The fields it holds (catalog keys, the CSV's columns).
    fields: Vec<&'static str>,
}

/// Hands data to a recipient (owner): the core picks the customers who
/// agree to its purpose now and are not restricted, with only the fields
/// that purpose covers, and records the disclosure; the CSV is written into
/// `folder`. Runs on a worker thread, like `customer_export`.
#[tauri::command]
pub async fn recipients_hand_over<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    recipient_id: i64,
    folder: String,
) -> Res<HandOverSaved> {
    // Checked before the core records anything as handed over.
    let folder = export_folder_checked(&folder)?;
    let work = tauri::async_runtime::spawn_blocking(move || -> Res<HandOverSaved> {
        let state = app.state::<AppState>();
        let handed = with_session(&state, |vault, session| {
            vault.hand_over(session, recipient_id)
        })?;
        let stem = format!("steward-handover-{}-recipient-{recipient_id}", local_date());
        let path = write_numbered(&folder, &stem, "csv", handed.to_csv().as_bytes())?;
        Ok(HandOverSaved {
            path: path.display().to_string(),
            recipient_id: handed.recipient.id,
            customers: handed.rows.len(),
            fields: handed.fields,
        })
    });
    work.await.map_err(|_| worker_stopped("the hand-over"))?
}
