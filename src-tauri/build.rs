// Declares the app's commands so that each one needs an explicit `allow-*`
// permission in capabilities/main.json, and reads the root tauri.conf.json.

/// Every command the UI may call (see src/commands.rs and docs/ui-commands.md).
const COMMANDS: &[&str] = &[
    "app_status",
    "setup",
    "login",
    "change_passphrase",
    "logout",
    "lock",
    "touch",
    "users_list",
    "users_add",
    "users_disable",
    "users_set_role",
    "settings_set_autolock",
    "settings_set_close_after_lock",
    "settings_set_currency",
    "settings_set_search_limit",
    "search_limit_alerts",
    "audit_verify",
    "recover",
    "consent_form",
    "enter_customer_mode",
    "leave_customer_mode",
    "join_customer",
    "grant_consent",
    "withdraw_consent",
    "consent_history",
    "receipt_printable",
    "receipt_save_pdf",
    "fields_list",
    "field_set_enabled",
    "purposes_list",
    "shop_profile",
    "shop_profile_set",
    "customer_search",
    "customer_profile",
    "customer_correct",
    "purchase_add",
    "note_add",
    "task_add",
    "task_complete",
    "tags_set",
    "points_redeem",
    "audience_list",
    "access_log",
    "customer_restrict",
    "customer_unrestrict",
    "customer_object_marketing",
    "export_folder",
    "customer_export",
    "customer_erase",
    "recipients_list",
    "recipients_add",
    "recipients_remove",
    "recipients_hand_over",
    "recipients_to_tell",
    "recipients_told",
    "retention_overview",
    "retention_progress",
    "retention_run_now",
    "legal_hold_get",
    "legal_hold_place",
    "legal_hold_lift",
    "backups_overview",
    "backup_folder_set",
    "backup_now",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
