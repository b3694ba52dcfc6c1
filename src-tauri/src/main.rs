//! Steward's desktop app: a thin Tauri shell. It opens the vault named on the
//! command line (`--vault PATH`) or the default one, keeps the open vault and
//! the current session in state, and exposes one command per core call
//! (src/commands.rs). Every rule lives in `steward-core`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backups;
#[cfg(test)]
mod command_matrix;
mod commands;
mod dashboard;
mod invitations;
mod moving;
mod purposes;
mod quick_switch;
mod retention;
mod state;

use std::path::PathBuf;

use tauri::Manager;

/// The vault path from `--vault PATH` (or `--vault=PATH`), else the default.
fn vault_path_from_args() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--vault" {
            return args.next().map(PathBuf::from);
        }
        if let Some(p) = arg.to_str().and_then(|a| a.strip_prefix("--vault=")) {
            return Some(PathBuf::from(p));
        }
    }
    steward_core::default_location()
}

/// The app's state and every command the UI may call, on any runtime (the
/// real window, or the mock one of the command-boundary tests).
fn with_commands<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: state::AppState,
) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::setup,
            commands::login,
            commands::change_passphrase,
            commands::logout,
            commands::lock,
            commands::touch,
            commands::users_list,
            commands::users_add,
            commands::users_disable,
            commands::users_set_role,
            commands::users_set_language,
            commands::own_language_set,
            commands::settings_set_staff_language,
            commands::settings_set_autolock,
            commands::settings_set_close_after_lock,
            commands::settings_set_currency,
            commands::settings_set_search_limit,
            commands::search_limit_alerts,
            commands::audit_verify,
            commands::recover,
            commands::consent_form,
            commands::enter_customer_mode,
            commands::leave_customer_mode,
            quick_switch::login_pin,
            quick_switch::leave_customer_mode_pin,
            quick_switch::quick_switch_set,
            quick_switch::pin_set_own,
            quick_switch::pin_clear,
            quick_switch::users_with_pin,
            commands::join_customer,
            commands::grant_consent,
            commands::withdraw_consent,
            commands::consent_history,
            commands::receipt_customer,
            commands::receipt_printable,
            commands::receipt_save_pdf,
            commands::fields_list,
            commands::field_set_enabled,
            commands::purposes_list,
            purposes::purposes_overview,
            purposes::purpose_preview,
            purposes::purpose_add,
            purposes::purpose_edit,
            commands::shop_profile,
            commands::shop_profile_set,
            commands::customer_search,
            commands::customer_profile,
            commands::customer_correct,
            commands::purchase_add,
            commands::note_add,
            commands::task_add,
            commands::task_complete,
            commands::tags_set,
            commands::points_redeem,
            commands::audience_list,
            commands::access_log,
            commands::customer_restrict,
            commands::customer_unrestrict,
            commands::customer_object_marketing,
            commands::export_folder,
            commands::customer_export,
            commands::customer_erase,
            commands::recipients_list,
            commands::recipients_add,
            commands::recipients_remove,
            commands::recipients_hand_over,
            commands::recipients_to_tell,
            commands::recipients_told,
            retention::retention_overview,
            retention::retention_progress,
            retention::retention_run_now,
            retention::record_keeping,
            retention::record_keeping_set_rule,
            retention::record_keeping_set_jurisdiction,
            retention::legal_hold_get,
            retention::legal_hold_place,
            retention::legal_hold_lift,
            backups::backups_overview,
            backups::backup_folder_set,
            backups::backup_now,
            moving::move_preview,
            moving::move_restore,
            moving::retire_computer,
            moving::retire_certificate_save,
            moving::retired_close,
            dashboard::dashboard,
            invitations::invitations_preview,
            invitations::invitations_import,
            invitations::invitations_import_progress,
            invitations::invitations_status,
            invitations::settings_set_invitation_expiry,
            invitations::invitation_open,
            invitations::invitation_refuse,
            invitations::join_invited_customer,
        ])
}

fn main() {
    // WebKitGTK's DMA-BUF renderer shows a blank window on some drivers and
    // under Xvfb; the software path is fine for a form-based app.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }

    let Some(vault_path) = vault_path_from_args() else {
        eprintln!("steward-app: no per-user data folder on this system; start with --vault PATH");
        std::process::exit(2);
    };

    let builder = tauri::Builder::default()
        // Opening Steward a second time focuses the window already open.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    let app =
        with_commands(builder, state::AppState::open(vault_path)).build(tauri::generate_context!());
    match app {
        Ok(app) => {
            // Every few seconds: lock an idle session, close a vault left
            // locked past the owner's limit (see `AppState::tick`).
            let handle = app.handle().clone();
            // The retention schedule, while the vault is open.
            retention::spawn_scheduler(app.handle().clone());
            // The day's backup into the owner's folder, while the vault is open.
            backups::spawn_scheduler(app.handle().clone());
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(5));
                handle
                    .state::<state::AppState>()
                    .tick(std::time::Instant::now());
            });
            app.run(|_, _| {})
        }
        Err(e) => {
            eprintln!("steward-app: could not start the window: {e}");
            std::process::exit(1);
        }
    }
}
