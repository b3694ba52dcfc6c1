//! The audit log is tamper-evident: editing, deleting, reordering or cutting
//! off entries in the raw database is detected by `audit verify`.

mod common;

use std::fs;

use common::*;
use steward_core::{Role, Verdict};

/// Runs `sql` against the raw database with its key, as someone holding the
/// key but bypassing Steward would (dropping the append-only triggers first).
fn tamper(shop: &Shop, sql: &str) {
    shop.raw_connection()
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS audit_event_is_append_only_update;
             DROP TRIGGER IF EXISTS audit_event_is_append_only_delete;
             {sql}"
        ))
        .unwrap();
}

fn verify(shop: &Shop) -> Verdict {
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.verify_audit_log(&mut owner).unwrap()
}

/// A shop with some history: logins, a user added, a role changed.
fn shop_with_history() -> Shop {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.add_user(&mut owner, "sam", Role::Staff, &pass("sam passphrase"))
        .unwrap();
    v.set_role(&mut owner, "sam", Role::Manager).unwrap();
    v.logout(owner).unwrap();
    shop
}

#[test]
fn untouched_log_verifies_as_intact() {
    let shop = shop_with_history();
    let verdict = verify(&shop);
    assert!(verdict.intact, "{}", verdict.message);
    assert_eq!(
        verdict.message,
        format!(
            "intact ({} entries, {} consent records)",
            verdict.entries, verdict.consent_records
        )
    );
    assert!(verdict.entries >= 6);
}

#[test]
fn the_audit_log_refuses_updates_and_deletes_through_sql() {
    let shop = shop_with_history();
    let c = shop.raw_connection();
    let e = c
        .execute("UPDATE audit_event SET outcome = 'ok' WHERE seq = 1", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"));
    assert!(c.execute("DELETE FROM audit_event", []).is_err());
}

/// Each tampering, and the first entry `verify` must name (None: the
/// anchor check catches it).
#[test]
fn tampering_with_raw_rows_is_detected() {
    let cases: &[(&str, &str, Option<i64>)] = &[
        ("edit", "UPDATE audit_event SET outcome = 'denied' WHERE seq = 3", Some(3)),
        ("edit actor", "UPDATE audit_event SET user_id = 99 WHERE seq = 2", Some(2)),
        ("delete middle", "DELETE FROM audit_event WHERE seq = 3", Some(3)),
        (
            "delete middle and renumber",
            "DELETE FROM audit_event WHERE seq = 3; UPDATE audit_event SET seq = seq - 1 WHERE seq > 3",
            Some(3),
        ),
        (
            "swap two entries",
            "UPDATE audit_event SET seq = -1 WHERE seq = 2;
             UPDATE audit_event SET seq = 2 WHERE seq = 3;
             UPDATE audit_event SET seq = 3 WHERE seq = -1;",
            Some(2),
        ),
    ];
    for (name, sql, first) in cases {
        let shop = shop_with_history();
        tamper(&shop, sql);
        let verdict = verify(&shop);
        assert!(!verdict.intact, "{name}: not detected");
        assert_eq!(verdict.first_broken, *first, "{name}: {}", verdict.message);
        assert!(
            verdict.message.starts_with("broken at entry"),
            "{name}: {}",
            verdict.message
        );
    }
}

#[test]
fn truncating_the_end_of_the_log_is_detected_by_the_anchor() {
    let shop = shop_with_history();
    let n: i64 = shop.open().status().unwrap().audit_entries;
    // `verify` itself appends a login; cut off the newest entries.
    tamper(
        &shop,
        &format!("DELETE FROM audit_event WHERE seq > {}", n - 2),
    );
    // Later appends (this open and login) must not hide it.
    for _ in 0..2 {
        let verdict = verify(&shop);
        assert!(!verdict.intact);
        assert!(
            verdict.message.contains("cut off the end"),
            "{}",
            verdict.message
        );
    }
}

#[test]
fn a_forged_anchor_is_reported_and_stays_reported() {
    let shop = shop_with_history();
    let anchor = shop.file(".audit-head");
    let mut json: serde_json::Value = serde_json::from_slice(&fs::read(&anchor).unwrap()).unwrap();
    json["seq"] = serde_json::json!(2);
    fs::write(&anchor, serde_json::to_vec(&json).unwrap()).unwrap();
    for _ in 0..2 {
        let verdict = verify(&shop);
        assert!(!verdict.intact);
        assert!(verdict.message.contains("altered"), "{}", verdict.message);
    }
}

#[test]
fn a_deleted_anchor_is_reported() {
    let shop = shop_with_history();
    fs::remove_file(shop.file(".audit-head")).unwrap();
    let verdict = verify(&shop);
    assert!(!verdict.intact);
    assert!(verdict.message.contains("missing"), "{}", verdict.message);
}

#[test]
fn no_names_or_passphrases_reach_the_audit_log() {
    let shop = shop_with_history();
    let c = shop.raw_connection();
    let mut stmt = c
        .prepare("SELECT coalesce(role,'')||action||coalesce(subject,'')||coalesce(purpose,'')||outcome FROM audit_event")
        .unwrap();
    let all: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let text = all.join("\n");
    for secret in [OWNER, "sam", "Forn", "passphrase"] {
        assert!(!text.contains(secret), "{secret:?} found in the audit log");
    }
    assert!(text.contains("user:"), "subjects are ids");
}

/// Issue 11 §7: the change was committed, then the anchor could not be
/// written (a full disk, a file held by another program) and the form said
/// "nothing was saved"; a retry made a duplicate. A committed change is
/// reported as done, the lagging anchor as its own warning, and the next
/// write repairs it.
#[test]
fn a_change_saved_before_its_anchor_failed_is_reported_as_saved() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    // Make the anchor unwritable: a folder where its file goes.
    let anchor = shop.file(".audit-head");
    fs::remove_file(&anchor).unwrap();
    fs::create_dir(&anchor).unwrap();
    let f = in_store_form(&mut v, &mut owner, &["membership"], &[("name", "Núria")]);
    let joined = v.join_customer(&mut owner, f);
    assert!(
        joined.is_ok(),
        "a saved customer was reported as failed: {joined:?}"
    );
    assert!(v.audit_anchor_pending());
    assert_eq!(v.customer_count().unwrap(), 1);

    fs::remove_dir(&anchor).unwrap();
    v.add_user(&mut owner, "sam", Role::Staff, &pass("initial passphrase"))
        .unwrap();
    assert!(
        !v.audit_anchor_pending(),
        "the next write repairs the anchor"
    );
    drop(v);
    let verdict = verify(&shop);
    assert!(verdict.intact, "{}", verdict.message);
}
