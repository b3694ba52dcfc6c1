//! Quick switch at the till: signing in with a PIN while the vault is open
//! (after a lock, or to switch user, or to take the screen back from a
//! customer), the owner's switch, and each user's own PIN. Every rule is the
//! core's (`steward_core::people::pin`); these commands only translate.

use tauri::State;

use steward_core::{Error, Passphrase, Pin};

use crate::commands::{no_vault, not_logged_in, session_info, with_session, Res, SessionInfo};
use crate::state::AppState;

/// Signs in with a PIN. Only while the vault is open: once it closed (at
/// start, or after the close-after-lock delay) the passphrase opens it.
#[tauri::command]
pub fn login_pin(state: State<'_, AppState>, username: String, pin: String) -> Res<SessionInfo> {
    let pin = Pin::new(pin);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let Some(vault) = inner.vault.as_mut() else {
        return Err(if inner.closed.is_some() {
            Error::PinNotAvailable.into()
        } else {
            no_vault(&state)
        });
    };
    let session = vault.login_with_pin(&username, &pin)?;
    if let Some(previous) = inner.session.take() {
        vault.logout(previous)?;
    }
    let info = session_info(vault, &session)?;
    inner.session = Some(session);
    Ok(info)
}

/// Takes the screen back from a customer with a PIN.
#[tauri::command]
pub fn leave_customer_mode_pin(
    state: State<'_, AppState>,
    username: String,
    pin: String,
) -> Res<SessionInfo> {
    let pin = Pin::new(pin);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let vault = inner.vault.as_mut().ok_or_else(|| no_vault(&state))?;
    let session = inner.session.as_mut().ok_or_else(not_logged_in)?;
    let next = vault.leave_customer_mode_with_pin(session, &username, &pin)?;
    let info = session_info(vault, &next)?;
    inner.session = Some(next);
    Ok(info)
}

/// The owner switches quick switch on or off (off removes every PIN).
#[tauri::command]
pub fn quick_switch_set(state: State<'_, AppState>, on: bool) -> Res<()> {
    with_session(&state, |vault, session| vault.set_quick_switch(session, on))
}

/// Sets the signed-in user's PIN (their passphrase asked again).
#[tauri::command]
pub fn pin_set_own(state: State<'_, AppState>, passphrase: String, pin: String) -> Res<()> {
    let (passphrase, pin) = (Passphrase::new(passphrase), Pin::new(pin));
    with_session(&state, |vault, session| {
        vault.set_own_pin(session, &passphrase, &pin)
    })
}

/// The owner removes a user's PIN.
#[tauri::command]
pub fn pin_clear(state: State<'_, AppState>, username: String) -> Res<()> {
    with_session(&state, |vault, session| vault.clear_pin(session, &username))
}

/// Who has a PIN (the owner's list of users).
#[tauri::command]
pub fn users_with_pin(state: State<'_, AppState>) -> Res<Vec<String>> {
    with_session(&state, |vault, session| vault.users_with_pin(session))
}
