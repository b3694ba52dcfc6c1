//! Every role × every customer-data command, called the way the UI calls
//! them: through Tauri's IPC (argument parsing, the capability's `allow-*`
//! permissions, the command function, the error mapping) on the mock
//! runtime, against a real SQLCipher vault. The expected table is written
//! out here, independently of the core's matrix, and the JSON each role
//! receives for a customer is checked key by key.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{json, Value};
use steward_core::{
    CollectionMethod, ConsentForm, IdentityCheck, KeyStore, Lang, MemoryKeyStore, Passphrase, Role,
    Vault,
};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

use crate::state::AppState;

const OWNER: (&str, &str) = ("olga", "owner passphrase 1");

fn own_pass(name: &str) -> String {
    format!("{name} own passphrase")
}

/// A shop with one user per role and one customer (number 1) who agreed to
/// everything and gave every field.
fn shop(dir: &std::path::Path) -> (std::path::PathBuf, Arc<MemoryKeyStore>) {
    let (path, keys, _) = shop_with_recovery_key(dir);
    (path, keys)
}

/// [`shop`], and its recovery key.
fn shop_with_recovery_key(
    dir: &std::path::Path,
) -> (std::path::PathBuf, Arc<MemoryKeyStore>, String) {
    let path = dir.join("shop.steward");
    let keys = Arc::new(MemoryKeyStore::new());
    let store: &dyn KeyStore = keys.as_ref();
    let pass = |s: &str| Passphrase::new(s.to_owned());
    let (mut v, recovery_key) =
        Vault::create(&path, store, "Forn", OWNER.0, &pass(OWNER.1)).unwrap();
    let mut owner = v.login(OWNER.0, &pass(OWNER.1)).unwrap();
    for field in ["phone", "birth_date", "postal_address", "postal_code"] {
        v.set_field_enabled(&mut owner, field, true).unwrap();
    }
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Owner) {
        let name = role.as_str();
        v.add_user(&mut owner, name, role, &pass("initial passphrase"))
            .unwrap();
        let mut s = v.login(name, &pass("initial passphrase")).unwrap();
        v.change_own_passphrase(&mut s, &pass("initial passphrase"), &pass(&own_pass(name)))
            .unwrap();
        v.logout(s).unwrap();
    }
    let notice = v.notice(&mut owner, Lang::En, None).unwrap();
    let granted = [
        "membership",
        "loyalty",
        "email-offers",
        "sms-offers",
        "birthday-offer",
        "home-delivery",
    ];
    let fields = [
        ("name", "Núria Puigdomènech"),
        ("email", "nuria@example.cat"),
        ("phone", "+34600123456"),
        ("birth_date", "1990-04-12"),
        ("postal_address", "Carrer Major 1"),
        ("postal_code", "ES 08500"),
    ];
    v.join_customer(
        &mut owner,
        ConsentForm {
            lang: Lang::En,
            notice_version: notice.version,
            granted: granted.iter().map(|p| p.to_string()).collect(),
            fields: fields
                .iter()
                .map(|(k, x)| (k.to_string(), x.to_string()))
                .collect(),
            method: CollectionMethod::Paper,
            identity_check: IdentityCheck::IdDocument,
            signature: None,
            form_id: None,
        },
    )
    .unwrap();
    v.logout(owner).unwrap();
    (path, keys, recovery_key.as_str().to_owned())
}

fn app(
    path: std::path::PathBuf,
    keys: Arc<MemoryKeyStore>,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state = AppState::open_with(path, keys);
    let app = crate::with_commands(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap(),
    };
    (app, window)
}

/// Calls `cmd` with `args` as the UI does; the rejection value on error.
fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn login(window: &WebviewWindow<MockRuntime>, role: Role) -> Value {
    let (name, pass) = if role == Role::Owner {
        (OWNER.0.to_owned(), OWNER.1.to_owned())
    } else {
        (role.as_str().to_owned(), own_pass(role.as_str()))
    };
    invoke(
        window,
        "login",
        json!({ "username": name, "passphrase": pass }),
    )
    .unwrap()
}

/// The command and its arguments for a customer-data action; the purpose
/// of access is the role's own first one (from its session info). An
/// export goes into `folder`.
fn call(cmd: &str, session: &Value, folder: &std::path::Path) -> Value {
    let purpose = session["accessPurposes"][0]
        .as_str()
        .unwrap_or("serve-at-till");
    match cmd {
        "customer_search" => json!({ "query": "nuria" }),
        "customer_profile" => json!({ "customerId": 1, "purpose": purpose }),
        "customer_correct" => {
            json!({ "customerId": 1, "changes": [{ "field": "phone", "value": "+34600123457" }] })
        }
        "purchase_add" => {
            json!({ "customerId": 1, "purchase": { "items": [{ "description": "Bread", "quantity": 1, "unitCents": 250 }] } })
        }
        "note_add" => json!({ "customerId": 1, "text": "Prefers rye" }),
        "task_add" => json!({ "customerId": 1, "task": { "title": "Call back" } }),
        "tags_set" => json!({ "customerId": 1, "tags": ["regular"] }),
        "points_redeem" => json!({ "customerId": 1, "points": 1 }),
        "audience_list" => json!({ "purpose": "email-offers" }),
        "access_log" => json!({ "filter": { "customer": 1 } }),
        "consent_history" => json!({ "customerId": 1 }),
        // A number nobody has: past the permission check to "not found".
        "receipt_customer" => json!({ "reference": "0000-0000" }),
        "customer_restrict" => json!({ "customerId": 1, "category": "accuracy-contested" }),
        "customer_unrestrict" => json!({ "customerId": 1 }),
        "customer_object_marketing" => {
            json!({ "customerId": 1, "identityCheck": "known-customer" })
        }
        "customer_export" => json!({ "customerId": 1, "folder": folder }),
        // A number nobody has: the role is checked first, and customer 1
        // stays for the other rows.
        "customer_erase" => {
            json!({ "customerId": 999, "identityCheck": "id-document", "ground": "customer-request" })
        }
        "recipients_add" => json!({ "recipient": {
            "name": "Missatgers Ràpids",
            "receives": "Delivery address and phone number",
            "purpose": "home-delivery",
            "country": "ES",
            "agreementDate": "2025-01-15",
            "agreementRef": "MR-2025-014",
        } }),
        // The recipient the owner's row of `recipients_add` added.
        "recipients_hand_over" => json!({ "recipientId": 1, "folder": folder }),
        // Numbers nobody has: the role is checked first.
        "recipients_remove" => json!({ "recipientId": 999 }),
        "recipients_told" => json!({ "noticeId": 999 }),
        "legal_hold_get" | "legal_hold_lift" => json!({ "customerId": 1 }),
        "legal_hold_place" => json!({ "customerId": 1, "reason": "A claim about an order" }),
        "record_keeping_set_rule" => {
            json!({ "category": "access-log", "period": { "amount": 3, "unit": "years" } })
        }
        "record_keeping_set_jurisdiction" => {
            json!({ "jurisdiction": "EU", "applyDefaults": false })
        }
        "purposes_overview" => json!({ "lang": "ca" }),
        "purpose_preview" | "purpose_add" => json!({ "purpose": {
            "id": "tallers",
            "texts": { "ca": { "name": "Tallers de pa", "description": "Us convidem als tallers del dissabte." } },
            "retentionDays": 400,
        } }),
        // The purpose the owner's row of `purpose_add` added.
        "purpose_edit" => json!({ "id": "tallers", "purpose": { "retentionDays": 500 } }),
        "settings_set_currency" => json!({ "code": "EUR" }),
        "settings_set_staff_language" => json!({ "language": "en" }),
        "users_set_language" => json!({ "username": OWNER.0, "language": "en" }),
        // Back to the shop's default, so the other rows see it.
        "own_language_set" => json!({ "language": null }),
        "settings_set_close_after_lock" => json!({ "minutes": 15 }),
        // The default, so the other rows are searched under the usual limit.
        "settings_set_search_limit" => json!({ "customers": 60 }),
        "users_list"
        | "audit_verify"
        | "fields_list"
        | "purposes_list"
        | "search_limit_alerts"
        | "export_folder"
        | "recipients_list"
        | "recipients_to_tell"
        | "retention_overview"
        | "retention_progress"
        | "retention_run_now"
        | "record_keeping"
        | "backups_overview"
        | "backup_now"
        | "dashboard" => json!({}),
        "backup_folder_set" => json!({ "folder": folder.join("backups") }),
        // Not the word: the role is checked first, and nothing is destroyed.
        "retire_computer" => json!({ "passphrase": "not the passphrase", "confirmation": "no" }),
        // Off: the rows after it run as before (and it removes no PIN).
        "quick_switch_set" => json!({ "on": false }),
        "users_with_pin" => json!({}),
        "pin_clear" => json!({ "username": OWNER.0 }),
        // With quick switch off, past the permission check to "not now".
        "pin_set_own" => json!({ "passphrase": "not checked here", "pin": "7391" }),
        "invitations_preview" | "invitations_import" => json!({ "csv": "name\nAnna Puig\n" }),
        "invitations_import_progress" | "invitations_status" => json!({}),
        "settings_set_invitation_expiry" => json!({ "days": 90 }),
        "invitation_open" | "invitation_refuse" => json!({ "invitationId": 999 }),
        "join_invited_customer" => json!({ "invitationId": 999, "form": {
            "lang": "ca",
            "noticeVersion": 1,
            "granted": ["membership"],
            "fields": { "name": "Anna Puig" },
            "identityCheck": "id-document",
            "formId": "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        } }),
        other => panic!("no arguments for {other}"),
    }
}

#[test]
fn every_role_and_command_is_allowed_or_forbidden_at_the_command_boundary() {
    // Columns: owner, manager, staff, marketing, auditor (Role::ALL order).
    let expected: &[(&str, [bool; 5])] = &[
        ("customer_search", [true, true, true, false, false]),
        ("customer_profile", [true, true, true, true, false]),
        ("customer_correct", [true, true, false, false, false]),
        ("purchase_add", [true, true, true, false, false]),
        ("note_add", [true, true, true, false, false]),
        ("task_add", [true, true, true, false, false]),
        ("tags_set", [true, true, false, false, false]),
        ("points_redeem", [true, true, true, false, false]),
        ("audience_list", [true, false, false, true, false]),
        ("access_log", [true, false, false, false, true]),
        ("consent_history", [true, true, true, false, true]),
        ("receipt_customer", [true, true, true, false, true]),
        ("users_list", [true, false, false, false, true]),
        ("settings_set_currency", [true, false, false, false, false]),
        (
            "settings_set_staff_language",
            [true, false, false, false, false],
        ),
        ("users_set_language", [true, false, false, false, false]),
        ("own_language_set", [true, true, true, true, true]),
        (
            "settings_set_close_after_lock",
            [true, false, false, false, false],
        ),
        (
            "settings_set_search_limit",
            [true, false, false, false, false],
        ),
        ("search_limit_alerts", [true, false, false, false, true]),
        ("audit_verify", [true, false, false, false, true]),
        ("fields_list", [true, true, true, true, true]),
        ("purposes_list", [true, true, true, true, true]),
        ("purposes_overview", [true, true, true, true, true]),
        ("purpose_preview", [true, false, false, false, false]),
        ("purpose_add", [true, false, false, false, false]),
        ("purpose_edit", [true, false, false, false, false]),
        ("export_folder", [true, true, true, true, true]),
        ("customer_export", [true, true, false, false, false]),
        ("customer_erase", [true, true, false, false, false]),
        ("recipients_list", [true, false, false, false, false]),
        ("recipients_add", [true, false, false, false, false]),
        ("recipients_hand_over", [true, false, false, false, false]),
        ("recipients_to_tell", [true, false, false, false, false]),
        ("recipients_told", [true, false, false, false, false]),
        ("recipients_remove", [true, false, false, false, false]),
        ("retention_overview", [true, false, false, false, true]),
        ("retention_progress", [true, true, true, true, true]),
        ("retention_run_now", [true, false, false, false, false]),
        ("record_keeping", [true, false, false, false, true]),
        (
            "record_keeping_set_rule",
            [true, false, false, false, false],
        ),
        (
            "record_keeping_set_jurisdiction",
            [true, false, false, false, false],
        ),
        ("legal_hold_get", [true, false, false, false, false]),
        // The owner places a hold on customer 1, then lifts it.
        ("legal_hold_place", [true, false, false, false, false]),
        ("legal_hold_lift", [true, false, false, false, false]),
        // The owner sets the folder first: the backup rows need it.
        ("backup_folder_set", [true, false, false, false, false]),
        ("backups_overview", [true, true, false, false, false]),
        ("backup_now", [true, true, false, false, false]),
        ("retire_computer", [true, false, false, false, false]),
        ("dashboard", [true, true, false, false, false]),
        ("quick_switch_set", [true, false, false, false, false]),
        ("users_with_pin", [true, false, false, false, true]),
        ("pin_clear", [true, false, false, false, false]),
        ("pin_set_own", [true, true, true, true, true]),
        ("invitations_preview", [true, false, false, false, false]),
        // The owner imports one invitation; the others are refused.
        ("invitations_import", [true, false, false, false, false]),
        (
            "invitations_import_progress",
            [true, true, true, true, true],
        ),
        ("invitations_status", [true, true, false, false, false]),
        (
            "settings_set_invitation_expiry",
            [true, false, false, false, false],
        ),
        // A number nobody has: past the permission check to "not found".
        ("invitation_open", [true, true, true, false, false]),
        ("invitation_refuse", [true, true, true, false, false]),
        ("join_invited_customer", [true, true, true, false, false]),
        // Last: they change customer 1 for the rows after them. The first
        // role to lift or object does it; the next gets past the permission
        // check to "nothing to lift" or "nothing to withdraw".
        ("customer_restrict", [true, true, false, false, false]),
        ("customer_unrestrict", [true, true, false, false, false]),
        (
            "customer_object_marketing",
            [true, true, true, false, false],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (app, window) = app(path, keys);
    // The capability names the main window only: another window's call is
    // refused by Tauri's ACL before any command runs.
    let intruder = tauri::WebviewWindowBuilder::new(&app, "intruder", Default::default())
        .build()
        .unwrap();
    let refused = invoke(&intruder, "app_status", json!({})).unwrap_err();
    assert!(
        refused["code"].is_null(),
        "refused by the ACL, not by a command: {refused}"
    );
    // Points to redeem.
    login(&window, Role::Owner);
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    std::fs::create_dir(folder.join("backups")).unwrap();
    for _ in 0..2 {
        invoke(
            &window,
            "purchase_add",
            call("purchase_add", &json!({}), &folder),
        )
        .unwrap();
    }

    let mut table = String::new();
    for (cmd, row) in expected {
        table += &format!("{cmd:<18}");
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let session = login(&window, role);
            let allowed = match invoke(&window, cmd, call(cmd, &session, &folder)) {
                Ok(_) => true,
                Err(e) if e["code"] == "forbidden" => false,
                Err(e) if e["code"] == "not_restricted" || e["code"] == "not_consented" => true,
                // Past the permission check to a number nobody has.
                Err(e) if cmd == &"customer_erase" && e["code"] == "customer_not_found" => true,
                Err(e) if cmd == &"recipients_remove" && e["code"] == "recipient_not_found" => true,
                Err(e) if cmd == &"recipients_told" && e["field"] == "notice" => true,
                Err(e) if cmd == &"retire_computer" && e["code"] == "retirement_not_confirmed" => {
                    true
                }
                Err(e) if cmd == &"pin_set_own" && e["code"] == "pin_not_available" => true,
                Err(e) if cmd == &"receipt_customer" && e["code"] == "receipt_not_found" => true,
                Err(e) if e["code"] == "invitation_not_found" => true,
                Err(e) => panic!("{cmd} as {role}: unexpected {e}"),
            };
            assert_eq!(allowed, row[i], "{role} × {cmd}");
            table += if allowed { " allow" } else { " DENY " };
        }
        table += "\n";
    }
    println!("{table}");
}

#[test]
fn a_search_past_the_limit_is_refused_at_the_command_boundary_and_the_owner_is_alerted() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let owner = login(&window, Role::Owner);
    assert_eq!(owner["searchLimitPerHour"], 60);
    let info = invoke(
        &window,
        "settings_set_search_limit",
        json!({ "customers": 1 }),
    )
    .unwrap();
    assert_eq!(info["searchLimitPerHour"], 1);
    let refused = invoke(
        &window,
        "settings_set_search_limit",
        json!({ "customers": 0 }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");

    login(&window, Role::Staff);
    let found = invoke(&window, "customer_search", json!({ "query": "nuria p" })).unwrap();
    assert_eq!(found["hits"].as_array().unwrap().len(), 1);
    assert_eq!(found["ignoredWords"], 1);
    // One customer shown: the limit of 1 is reached, so the next is refused.
    let err = invoke(&window, "customer_search", json!({ "query": "nuria" })).unwrap_err();
    assert_eq!(err["code"], "search_limit_reached");
    assert_eq!(err["kind"], "not_permitted");
    assert!(!err.to_string().contains("Núria"), "{err}");

    login(&window, Role::Owner);
    let alerts = invoke(&window, "search_limit_alerts", json!({})).unwrap();
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["user"], "staff");
    assert_eq!(alerts[0]["revealed"], 1);
    assert_eq!(alerts[0]["limit"], 1);
    assert_eq!(alerts[0]["paused"], true);
    assert!(!alerts[0].to_string().contains("customer:"));
}

fn keys(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                keys(child, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys(i, prefix, out)),
        _ => {}
    }
}

fn key_set(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    keys(v, "", &mut out);
    out
}

#[test]
fn each_role_receives_only_its_permitted_customer_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let profile = |role: Role, purpose: &str| {
        login(&window, role);
        invoke(
            &window,
            "customer_profile",
            json!({ "customerId": 1, "purpose": purpose }),
        )
    };
    let fields_of = |v: &Value, part: &str| -> Vec<String> {
        v[part]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };

    for role in [Role::Owner, Role::Manager] {
        let v = profile(role, "customer-request").unwrap();
        assert_eq!(v["view"], "full");
        assert_eq!(
            fields_of(&v, "fields"),
            [
                "birth_date",
                "email",
                "name",
                "phone",
                "postal_address",
                "postal_code"
            ]
        );
    }

    let till = profile(Role::Staff, "serve-at-till").unwrap();
    let till_keys: BTreeSet<String> = till.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        till_keys,
        [
            "contactPreference",
            "id",
            "loyalty",
            "name",
            "openTasks",
            "recentNotes",
            "recentPurchases",
            "tags",
            "view"
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    );
    let all = key_set(&till);
    for hidden in [
        "birth_date",
        "email",
        "phone",
        "postal_address",
        "postal_code",
        "fields",
        "delivery",
        "consents",
    ] {
        assert!(
            !all.iter().any(|k| k.ends_with(hidden)),
            "staff received {hidden}"
        );
    }
    assert!(!till.to_string().contains("1990-04-12"));
    let delivery = profile(Role::Staff, "delivery").unwrap();
    assert_eq!(
        fields_of(&delivery, "delivery"),
        ["phone", "postal_address", "postal_code"]
    );
    assert_eq!(
        profile(Role::Staff, "complaint").unwrap_err()["code"],
        "purpose_not_allowed"
    );

    let mk = profile(Role::Marketing, "campaign").unwrap();
    assert_eq!(mk["view"], "marketing");
    assert_eq!(fields_of(&mk, "fields"), ["birth_date", "email", "phone"]);
    assert!(mk.get("name").is_none() && !mk.to_string().contains("Núria"));

    assert_eq!(
        profile(Role::Auditor, "serve-at-till").unwrap_err()["code"],
        "forbidden"
    );

    // Staff search hits carry a name and a loyalty number, nothing else.
    login(&window, Role::Staff);
    let hits = invoke(
        &window,
        "customer_search",
        json!({ "query": "puigdomenech" }),
    )
    .unwrap();
    assert_eq!(hits["view"], "till");
    let hit_keys: Vec<&String> = hits["hits"][0].as_object().unwrap().keys().collect();
    assert_eq!(hit_keys, ["id", "loyaltyNumber", "name"]);
    let short = invoke(&window, "customer_search", json!({ "query": "nu" })).unwrap_err();
    assert_eq!(short["code"], "query_too_short");
}

/// Issue 11 §3 at the command boundary: the person holding a screen handed
/// over for someone joining calls `withdraw_consent` on customer 1 from the
/// page; the core refuses it, and the UI gets the refusal's kind.
#[test]
fn a_screen_handed_to_someone_joining_cannot_withdraw_another_customers_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let before = invoke(&window, "consent_history", json!({ "customerId": 1 })).unwrap_err();
    assert_eq!(before["kind"], "session_lost", "{before}");
    login(&window, Role::Staff);
    let info = invoke(&window, "enter_customer_mode", json!({})).unwrap();
    assert_eq!(info["customerMode"], true);
    let refused = invoke(
        &window,
        "withdraw_consent",
        json!({
            "customerId": 1,
            "lang": "en",
            "purposes": ["email-offers"],
            "identityCheck": "known-customer",
            "signature": [[[0.1, 0.5], [0.4, 0.2], [0.8, 0.6]]],
            "formId": "0d7c3f6e-55b1-4b8e-9a41-2f7d8c1e9b20",
        }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "handed_to_another_customer", "{refused}");
    assert_eq!(refused["kind"], "not_permitted", "{refused}");
}

/// The consent form as the UI submits it, on the notice and with the form
/// id `consent_form` gave.
fn join_form(form: &Value, name: &str) -> Value {
    json!({
        "form": {
            "lang": "en",
            "noticeVersion": form["notice"]["version"],
            "granted": ["membership"],
            "fields": { "name": name },
            "identityCheck": "id-document",
            "signature": [[[0.1, 0.5], [0.4, 0.2], [0.8, 0.6]]],
            "formId": form["formId"],
        }
    })
}

/// Issue 14 at the command boundary: the typed signature as the UI sends
/// it (`{kind: "typed", name, confirmed}`) is refused without the tick, with
/// the field to mark and without the name, and recorded with it; the
/// receipt's printable form says how the customer signed.
#[test]
fn a_typed_signature_is_refused_without_its_tick_and_shown_on_the_receipt_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    login(&window, Role::Staff);
    let form = invoke(&window, "consent_form", json!({ "lang": "en" })).unwrap();
    invoke(&window, "enter_customer_mode", json!({})).unwrap();
    let typed = |confirmed: bool| {
        let mut args = join_form(&form, "Pere");
        args["form"]["signature"] =
            json!({ "kind": "typed", "name": "Pere Vallmitjana", "confirmed": confirmed });
        args
    };
    let refused = invoke(&window, "join_customer", typed(false)).unwrap_err();
    assert_eq!(refused["code"], "signature_not_confirmed", "{refused}");
    assert_eq!(refused["field"], "signatureConfirmed", "{refused}");
    assert!(!refused.to_string().contains("Vallmitjana"), "{refused}");

    let joined = invoke(&window, "join_customer", typed(true)).unwrap();
    let printable = invoke(
        &window,
        "receipt_printable",
        json!({ "receiptId": joined["receiptId"] }),
    )
    .unwrap();
    assert!(
        printable["details"].as_array().unwrap().iter().any(|d| d[1]
            == "Signed by typing your name, \u{201c}Pere Vallmitjana\u{201d}, which you confirmed is your signature."),
        "{printable}"
    );
}

/// Issue 11 §7 at the command boundary: the join form sent twice (its reply
/// lost) records one customer and gets the same number and receipt; a
/// submission without the form's id is refused; a change saved while the
/// audit anchor could not be written comes back as saved, with the lagging
/// anchor as a warning in the result and in the app's status.
#[test]
fn a_join_sent_twice_records_one_customer_and_a_lagging_anchor_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let mut anchor = path.clone().into_os_string();
    anchor.push(".audit-head");
    let (_app, window) = app(path, keys);
    login(&window, Role::Staff);
    let form = invoke(&window, "consent_form", json!({ "lang": "en" })).unwrap();
    assert_eq!(form["formId"].as_str().map(str::len), Some(36), "{form}");
    let other = invoke(&window, "consent_form", json!({ "lang": "en" })).unwrap();
    assert_ne!(form["formId"], other["formId"], "each form gets its own id");
    invoke(&window, "enter_customer_mode", json!({})).unwrap();

    let mut no_id = join_form(&form, "Pere");
    no_id["form"].as_object_mut().unwrap().remove("formId");
    let refused = invoke(&window, "join_customer", no_id).unwrap_err();
    assert_eq!(refused["code"], "invalid_input", "{refused}");

    // The anchor cannot be written (a folder where its file goes).
    std::fs::remove_file(&anchor).unwrap();
    std::fs::create_dir(&anchor).unwrap();
    let first = invoke(&window, "join_customer", join_form(&form, "Pere")).unwrap();
    assert_eq!(first["customerId"], 2, "{first}");
    assert_eq!(first["repeated"], false);
    assert_eq!(
        first["warnings"][0]["code"], "audit_anchor_pending",
        "{first}"
    );
    let status = invoke(&window, "app_status", json!({})).unwrap();
    assert_eq!(
        status["warnings"][0]["code"], "audit_anchor_pending",
        "{status}"
    );
    assert!(
        !status["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Pere"),
        "{status}"
    );

    let second = invoke(&window, "join_customer", join_form(&form, "Pere")).unwrap();
    assert_eq!(second["customerId"], first["customerId"], "{second}");
    assert_eq!(second["receiptId"], first["receiptId"], "{second}");
    assert_eq!(second["repeated"], true);
    let changed = invoke(&window, "join_customer", join_form(&form, "Pau")).unwrap_err();
    assert_eq!(changed["code"], "form_already_recorded", "{changed}");

    // The next change (showing the receipt is logged) repairs the anchor;
    // the warning goes.
    std::fs::remove_dir(&anchor).unwrap();
    let receipt = invoke(
        &window,
        "receipt_printable",
        json!({ "receiptId": first["receiptId"] }),
    )
    .unwrap();
    assert!(receipt.is_object());
    let status = invoke(&window, "app_status", json!({})).unwrap();
    assert_eq!(status["warnings"], json!([]), "{status}");
}

/// The files in `folder`, by name.
fn file_names(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue 12 §1 at the command boundary: a manager's export of customer 1
/// lands in the folder chosen as a whole, signed ZIP named by the date and
/// the customer number (nothing of the customer's in the name); a second
/// one gets a name of its own and leaves the first untouched; a folder that
/// is not a whole path to an existing folder and a ZIP passphrase under 8
/// characters are refused on their inputs with nothing written; staff may
/// not export.
#[test]
fn an_export_lands_in_the_folder_chosen_named_without_personal_data_and_never_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let folder = dir.path().join("for the customer");
    std::fs::create_dir(&folder).unwrap();
    let export = |args: Value| invoke(&window, "customer_export", args);

    assert_eq!(
        invoke(&window, "export_folder", json!({})).unwrap_err()["code"],
        "not_logged_in"
    );
    login(&window, Role::Manager);
    let start = invoke(&window, "export_folder", json!({})).unwrap();
    assert!(
        std::path::Path::new(start["path"].as_str().unwrap()).is_absolute(),
        "{start}"
    );

    let first = export(json!({ "customerId": 1, "folder": folder })).unwrap();
    let first_path = std::path::PathBuf::from(first["path"].as_str().unwrap());
    assert_eq!(first_path.parent(), Some(folder.as_path()));
    let name = first_path.file_name().unwrap().to_str().unwrap();
    let date = name
        .strip_prefix("steward-export-")
        .and_then(|rest| rest.strip_suffix("-customer-1.zip"))
        .unwrap_or_else(|| panic!("named by the date and the number: {name}"));
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        "{name}"
    );
    assert_eq!(first["lang"], "en", "the customer's own language");
    assert_eq!(first["encrypted"], false);
    let bytes = std::fs::read(&first_path).unwrap();
    let verified = steward_core::verify_export(&bytes, None, None).unwrap();
    assert_eq!(verified.export_id, first["exportId"].as_str().unwrap());
    assert_eq!(
        verified.files + 1,
        first["files"].as_u64().unwrap() as usize
    );

    let second = export(json!({
        "customerId": 1,
        "folder": folder,
        "lang": "ca",
        "zipPassphrase": "for Núria only",
    }))
    .unwrap();
    let second_path = second["path"].as_str().unwrap();
    assert!(second_path.ends_with("-customer-1-2.zip"), "{second_path}");
    assert_eq!(second["lang"], "ca");
    assert_eq!(second["encrypted"], true);
    let encrypted = std::fs::read(second_path).unwrap();
    assert!(steward_core::verify_export(&encrypted, Some("for Núria only"), None).is_ok());
    assert_eq!(
        std::fs::read(&first_path).unwrap(),
        bytes,
        "the first export is untouched"
    );

    for (args, field) in [
        (json!({ "customerId": 1, "folder": "exports" }), "folder"),
        (
            json!({ "customerId": 1, "folder": folder.join("missing") }),
            "folder",
        ),
        (
            json!({ "customerId": 1, "folder": folder, "zipPassphrase": "short" }),
            "zip passphrase",
        ),
    ] {
        let refused = export(args.clone()).unwrap_err();
        assert_eq!(refused["code"], "invalid_input", "{args}: {refused}");
        assert_eq!(refused["field"], field, "{args}: {refused}");
    }
    login(&window, Role::Staff);
    let refused = export(json!({ "customerId": 1, "folder": folder })).unwrap_err();
    assert_eq!(refused["code"], "forbidden", "{refused}");

    // Only the two exports: no temporary file left, no name of the customer's.
    let names = file_names(&folder);
    assert_eq!(names.len(), 2, "{names:?}");
    for name in &names {
        let lower = name.to_lowercase();
        assert!(
            !lower.contains("nuria") && !lower.contains("núria") && !lower.contains("puig"),
            "{name}"
        );
    }
}

/// Issue 12 §4 at the command boundary: the owner adds a delivery firm for
/// home delivery (the notice customers read changes); refused inputs are
/// named by their field. A hand-over lands in the folder chosen as a CSV
/// named by the date and the recipient number, holding only the fields
/// home delivery covers (never the customer's name or e-mail); a second
/// gets a name of its own. Correcting a field the firm received is a
/// notice to give (field names, never values), correcting one it did not
/// receive is not; once marked told it goes. Removed, the firm is no longer
/// listed, the notice changes again, and nothing more can be handed to it.
#[test]
fn a_hand_over_holds_only_what_its_purpose_covers_and_a_correction_is_a_notice_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let folder = dir.path().join("for the courier");
    std::fs::create_dir(&folder).unwrap();
    login(&window, Role::Owner);
    let notice_version = || {
        invoke(&window, "consent_form", json!({ "lang": "en" })).unwrap()["notice"]["version"]
            .clone()
    };
    let firm = json!({
        "name": "Missatgers Ràpids",
        "receives": "Delivery address and phone number",
        "purpose": "home-delivery",
        "country": "es",
        "agreementDate": "2025-01-15",
        "agreementRef": "MR-2025-014",
    });

    for (key, value, field) in [
        ("country", "Spain", "country"),
        ("agreementDate", "15/01/2025", "agreement date"),
        ("agreementDate", "2999-01-01", "agreement date"),
        ("name", " ", "name"),
    ] {
        let mut wrong = firm.clone();
        wrong[key] = json!(value);
        let refused = invoke(&window, "recipients_add", json!({ "recipient": wrong })).unwrap_err();
        assert_eq!(refused["code"], "invalid_input", "{key}={value}: {refused}");
        assert_eq!(refused["field"], field, "{key}={value}: {refused}");
    }
    let mut wrong = firm.clone();
    wrong["purpose"] = json!("no-such-purpose");
    let refused = invoke(&window, "recipients_add", json!({ "recipient": wrong })).unwrap_err();
    assert_eq!(refused["code"], "purpose_not_found", "{refused}");
    assert_eq!(
        invoke(&window, "recipients_list", json!({})).unwrap(),
        json!([])
    );

    let before = notice_version();
    let added = invoke(&window, "recipients_add", json!({ "recipient": firm })).unwrap();
    assert_eq!(added["country"], "ES");
    assert_eq!(added["agreementDate"], "2025-01-15");
    assert_eq!(added["purpose"], "home-delivery");
    let after_add = notice_version();
    assert_ne!(after_add, before, "the notice names the new recipient");
    let id = added["id"].as_i64().unwrap();
    assert_eq!(
        invoke(&window, "recipients_list", json!({})).unwrap(),
        json!([added])
    );

    let refused = invoke(
        &window,
        "recipients_hand_over",
        json!({ "recipientId": id, "folder": "for the courier" }),
    )
    .unwrap_err();
    assert_eq!(refused["field"], "folder", "{refused}");
    let first = invoke(
        &window,
        "recipients_hand_over",
        json!({ "recipientId": id, "folder": folder }),
    )
    .unwrap();
    assert_eq!(first["recipientId"], id);
    assert_eq!(first["customers"], 1);
    assert_eq!(
        first["fields"],
        json!(["phone", "postal_address", "postal_code"])
    );
    let first_path = std::path::PathBuf::from(first["path"].as_str().unwrap());
    assert_eq!(first_path.parent(), Some(folder.as_path()));
    let name = first_path.file_name().unwrap().to_str().unwrap();
    let date = name
        .strip_prefix("steward-handover-")
        .and_then(|rest| rest.strip_suffix(&format!("-recipient-{id}.csv")))
        .unwrap_or_else(|| panic!("named by the date and the number: {name}"));
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        "{name}"
    );
    let csv = std::fs::read_to_string(&first_path).unwrap();
    assert_eq!(
        csv,
        "customer,phone,postal_address,postal_code\r\n1,'+34600123456,Carrer Major 1,ES 08500\r\n"
    );
    let second = invoke(
        &window,
        "recipients_hand_over",
        json!({ "recipientId": id, "folder": folder }),
    )
    .unwrap();
    assert!(
        second["path"]
            .as_str()
            .unwrap()
            .ends_with(&format!("-recipient-{id}-2.csv")),
        "{second}"
    );
    assert_eq!(std::fs::read_to_string(&first_path).unwrap(), csv);
    assert_eq!(file_names(&folder).len(), 2, "no temporary file left");

    // The firm never received the name: correcting it tells nobody.
    assert_eq!(
        invoke(&window, "recipients_to_tell", json!({})).unwrap(),
        json!([])
    );
    let change = |field: &str, value: &str| {
        invoke(
            &window,
            "customer_correct",
            json!({ "customerId": 1, "changes": [{ "field": field, "value": value }] }),
        )
        .unwrap();
    };
    change("name", "Núria Puigdomènech i Soler");
    assert_eq!(
        invoke(&window, "recipients_to_tell", json!({})).unwrap(),
        json!([])
    );
    change("phone", "+34600999888");
    let to_tell = invoke(&window, "recipients_to_tell", json!({})).unwrap();
    let notices = to_tell.as_array().unwrap();
    assert_eq!(notices.len(), 1, "{to_tell}");
    assert_eq!(notices[0]["recipientId"], id);
    assert_eq!(notices[0]["recipient"], "Missatgers Ràpids");
    assert_eq!(notices[0]["customer"], 1);
    assert_eq!(notices[0]["event"], "corrected");
    assert_eq!(notices[0]["fields"], json!(["phone"]));
    assert!(!to_tell.to_string().contains("600"), "no value: {to_tell}");
    let notice_id = notices[0]["id"].clone();
    invoke(&window, "recipients_told", json!({ "noticeId": notice_id })).unwrap();
    assert_eq!(
        invoke(&window, "recipients_to_tell", json!({})).unwrap(),
        json!([])
    );
    let again = invoke(&window, "recipients_told", json!({ "noticeId": notice_id })).unwrap_err();
    assert_eq!(again["field"], "notice", "{again}");

    invoke(&window, "recipients_remove", json!({ "recipientId": id })).unwrap();
    assert_eq!(
        invoke(&window, "recipients_list", json!({})).unwrap(),
        json!([])
    );
    assert_ne!(notice_version(), after_add, "the notice no longer names it");
    for cmd in ["recipients_remove", "recipients_hand_over"] {
        let refused =
            invoke(&window, cmd, json!({ "recipientId": id, "folder": folder })).unwrap_err();
        assert_eq!(refused["code"], "recipient_not_found", "{cmd}: {refused}");
    }
    assert_eq!(file_names(&folder).len(), 2);
}

/// Issue 13 §4 in the app: the shop moved to a computer with no vault
/// through the commands (what the backup holds first, then the restore
/// with the recovery key, the erasure made since replayed), signed in,
/// then that computer retired from the owner's session: the certificate is
/// all that is left, and a restart finds no vault (the setup wizard).
#[test]
fn a_shop_moved_through_the_commands_signs_in_and_once_retired_restarts_into_setup() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys, recovery_key) = shop_with_recovery_key(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // The old computer: a backup, then customer 1 erased, then a backup
    // that knows it.
    let first_backup = {
        let (_app, window) = app(path, keys);
        login(&window, Role::Owner);
        invoke(&window, "backup_folder_set", json!({ "folder": usb })).unwrap();
        let made = invoke(&window, "backup_now", json!({})).unwrap();
        invoke(
            &window,
            "customer_erase",
            json!({ "customerId": 1, "identityCheck": "id-document", "ground": "customer-request" }),
        )
        .unwrap();
        invoke(&window, "backup_now", json!({})).unwrap();
        usb.join(made["fileName"].as_str().unwrap())
    };

    // The new computer: its own keyring, no vault.
    let new_path = dir.path().join("new computer").join("shop.steward");
    let new_keys = Arc::new(MemoryKeyStore::new());
    let (_app, window) = app(new_path.clone(), new_keys.clone());
    assert_eq!(
        invoke(&window, "app_status", json!({})).unwrap()["state"],
        "needs_setup"
    );
    let args = json!({ "backup": first_backup, "recoveryKey": recovery_key });
    // Another shop's recovery key.
    let (_, other_key) = Vault::create(
        &dir.path().join("other.steward"),
        &MemoryKeyStore::new(),
        "Other",
        OWNER.0,
        &Passphrase::new(OWNER.1.to_owned()),
    )
    .unwrap();
    let wrong = json!({ "backup": first_backup, "recoveryKey": other_key.as_str() });
    let refused = invoke(&window, "move_preview", wrong).unwrap_err();
    assert_eq!(refused["code"], "wrong_recovery_key");
    let seen = invoke(&window, "move_preview", args.clone()).unwrap();
    assert_eq!(seen["shopName"], "Forn");
    assert_eq!(seen["customers"], 1);
    assert_eq!(seen["erasuresToReplay"], 1);
    assert!(!new_path.exists(), "a preview writes no vault");
    let moved = invoke(&window, "move_restore", args.clone()).unwrap();
    assert_eq!(moved["erasedAgain"], 1);
    assert_eq!(
        invoke(&window, "app_status", json!({})).unwrap()["state"],
        "locked"
    );
    let again = invoke(&window, "move_restore", args).unwrap_err();
    assert_eq!(again["code"], "vault_exists");
    login(&window, Role::Owner);
    let hits = invoke(&window, "customer_search", json!({ "query": "nuria" })).unwrap();
    assert!(!hits.to_string().contains("Núria"), "{hits}");

    // Retired: a wrong word destroys nothing; the right one leaves only
    // the certificate.
    let not_yet = invoke(
        &window,
        "retire_computer",
        json!({ "passphrase": OWNER.1, "confirmation": "RETIRED" }),
    )
    .unwrap_err();
    assert_eq!(not_yet["code"], "retirement_not_confirmed");
    assert!(new_path.exists());
    let cert = invoke(
        &window,
        "retire_computer",
        json!({ "passphrase": OWNER.1, "confirmation": "RETIRE" }),
    )
    .unwrap();
    assert_eq!(cert["complete"], true);
    assert!(cert["text"]
        .as_str()
        .unwrap()
        .starts_with("STEWARD DESTRUCTION CERTIFICATE"));
    assert!(!new_path.exists());
    let status = invoke(&window, "app_status", json!({})).unwrap();
    assert_eq!(status["state"], "retired");
    assert_eq!(status["certificate"]["text"], cert["text"]);
    let out = dir.path().join("papers");
    std::fs::create_dir(&out).unwrap();
    let saved = invoke(&window, "retire_certificate_save", json!({ "folder": out })).unwrap();
    let again = invoke(&window, "retire_certificate_save", json!({ "folder": out })).unwrap();
    assert_ne!(saved["path"], again["path"], "never over the first");
    let text = std::fs::read_to_string(saved["path"].as_str().unwrap()).unwrap();
    assert_eq!(text, cert["text"].as_str().unwrap());
    drop(window);
    drop(_app);

    // Restarted: no vault here, the setup wizard.
    let (_app, window) = app(new_path, new_keys);
    assert_eq!(
        invoke(&window, "app_status", json!({})).unwrap()["state"],
        "needs_setup"
    );
}

#[test]
fn the_owner_reviews_adds_and_changes_a_purpose_through_the_commands_and_staff_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, keys) = shop(dir.path());
    let (_app, window) = app(path, keys);
    let workshops = json!({
        "id": "tallers",
        "texts": { "ca": { "name": "Tallers de pa", "description": "Us convidem als tallers del dissabte." } },
        "retentionDays": 400,
        "fields": ["email"],
    });

    login(&window, Role::Staff);
    let seen = invoke(&window, "purposes_overview", json!({ "lang": "ca" })).unwrap();
    assert!(seen["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["holders"].is_null()));
    for (cmd, args) in [
        ("purpose_preview", json!({ "purpose": workshops })),
        ("purpose_add", json!({ "purpose": workshops })),
        (
            "purpose_edit",
            json!({ "id": "loyalty", "purpose": { "retentionDays": 30 } }),
        ),
    ] {
        let refused = invoke(&window, cmd, args).unwrap_err();
        assert_eq!(refused["code"], "forbidden", "{cmd}: {refused}");
    }

    login(&window, Role::Owner);
    let before = invoke(&window, "purposes_overview", json!({ "lang": "ca" })).unwrap();
    let version = before["noticeVersion"].as_i64().unwrap();
    let membership = &before["purposes"][0];
    assert_eq!(membership["id"], "membership");
    assert_eq!(membership["shown"]["name"], "Condició de soci");
    assert_eq!(membership["holders"], 1);
    assert!(membership["shown"]["retentionText"].is_string());

    let effects = invoke(&window, "purpose_preview", json!({ "purpose": workshops })).unwrap();
    assert_eq!(effects["adds"], true);
    assert_eq!(effects["publishesVersion"], version + 1);
    let added = invoke(&window, "purpose_add", json!({ "purpose": workshops })).unwrap();
    assert_eq!(added["retentionDays"], 400);
    assert_eq!(added["texts"]["es"]["name"], "Tallers de pa");

    let change = json!({ "retentionDays": 730, "retentionClock": "last-visit" });
    let effects = invoke(
        &window,
        "purpose_preview",
        json!({ "id": "tallers", "purpose": change }),
    )
    .unwrap();
    assert_eq!(effects["retentionChanged"], true);
    assert_eq!(effects["publishesVersion"], version + 2);
    invoke(
        &window,
        "purpose_edit",
        json!({ "id": "tallers", "purpose": change }),
    )
    .unwrap();
    let after = invoke(&window, "purposes_overview", json!({ "lang": "es" })).unwrap();
    let tallers = after["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "tallers")
        .unwrap();
    assert_eq!(tallers["retentionDays"], 730);
    assert_eq!(tallers["holders"], 0);
    assert_eq!(tallers["untranslated"].as_array().unwrap().len(), 4);
    assert!(tallers["shown"]["retentionText"]
        .as_str()
        .unwrap()
        .contains("2 años"));

    // Refused as the CLI is: membership keeps the name.
    let refused = invoke(
        &window,
        "purpose_preview",
        json!({ "id": "membership", "purpose": { "fields": ["email"] } }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
}
