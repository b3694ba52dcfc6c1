//! The customer's export: what the customer takes home, read back from the
//! ZIP as they (or a program) would read it.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use common::*;
use serde_json::Value;
use steward_core::{
    verify_export, AccessPurpose, Error, ErrorKind, Lang, NewItem, NewPurchase, NewTask, Role,
    Session, Vault,
};

/// A member who collects points, with rows in every table of the register.
fn busy_customer(v: &mut Vault, owner: &mut Session, name: &str, marker: &str) -> i64 {
    let form = in_store_form(
        v,
        owner,
        &["membership", "loyalty"],
        &[("name", name), ("email", &format!("{marker}@example.cat"))],
    );
    let id = v.join_customer(owner, form).unwrap().customer_id;
    let purchase = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: format!("Coca {marker}"),
            quantity: 2,
            unit_cents: 450,
        }],
        ..Default::default()
    };
    v.add_purchase(owner, id, &purchase).unwrap();
    v.add_note(owner, id, &format!("Note {marker}")).unwrap();
    let task = NewTask {
        title: format!("Task {marker}"),
        due: None,
    };
    v.add_task(owner, id, &task).unwrap();
    v.set_tags(owner, id, &[format!("tag{}", marker.to_lowercase())])
        .unwrap();
    id
}

/// Every file in the ZIP, by name.
fn unzip(bytes: &[u8], passphrase: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = match passphrase {
            Some(p) => archive.by_index_decrypt(i, p.as_bytes()).unwrap(),
            None => archive.by_index(i).unwrap(),
        };
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.insert(file.name().to_owned(), data);
    }
    out
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

/// A structural check of `value` against the JSON Schema subset that
/// `docs/export-schema.json` uses: type, const, enum, required, properties,
/// additionalProperties, items and local `$ref`s.
fn check(schema: &Value, root: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let path = r.trim_start_matches("#/");
            path.split('/').fold(root, |node, k| &node[k])
        }
        None => schema,
    };
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            problems.push(format!("{at}: expected {t}, found {value}"));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            problems.push(format!("{at}: expected {c}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            problems.push(format!("{at}: {value} not one of {options:?}"));
        }
    }
    if let Some(map) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten() {
            if !map.contains_key(key.as_str().unwrap()) {
                problems.push(format!("{at}: missing {key}"));
            }
        }
        for (k, v) in map {
            let sub = schema
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
            match sub {
                Some(sub) => check(sub, root, v, &format!("{at}.{k}"), problems),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    problems.push(format!("{at}: unexpected key {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check(items, root, v, &format!("{at}[{i}]"), problems);
        }
    }
}

#[test]
fn every_table_in_the_register_appears_in_data_json_with_the_customers_rows() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    let export = v.export_for_customer(&mut owner, id, None, None).unwrap();
    let files = unzip(&export.zip, None);
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let tables = data["tables"].as_object().unwrap();
    // The register's tables, as `register.rs` lists them; each must be in
    // the export with at least one row for a customer who has rows in all.
    for table in [
        "customer",
        "customer_field",
        "customer_search",
        "consent_signature",
        "purchase",
        "purchase_item",
        "customer_note",
        "customer_task",
        "customer_tag",
        "loyalty_account",
        "loyalty_entry",
        "consent_event",
        "consent_receipt",
        "audit_event",
    ] {
        let rows = tables[table]["rows"].as_array();
        assert!(
            rows.is_some_and(|r| !r.is_empty()),
            "{table} is missing or empty in data.json"
        );
        let csv = tables[table]["csv"].as_str().unwrap();
        assert!(files.contains_key(csv), "{csv} is not in the ZIP");
        assert_eq!(export.rows[table], rows.unwrap().len());
    }
    assert_eq!(data["language"], "ca", "the customer's own language");
    assert_eq!(data["tables"]["purchase"]["rows"][0]["total_cents"], 900);
    assert_eq!(data["tables"]["purchase"]["rows"][0]["currency"], "EUR");
}

#[test]
fn data_json_has_the_shape_its_published_schema_describes() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    let export = v
        .export_for_customer(&mut owner, id, Some(Lang::Es), None)
        .unwrap();
    let files = unzip(&export.zip, None);
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/export-schema.json")).unwrap();
    let mut problems = Vec::new();
    check(&schema, &schema, &data, "data", &mut problems);
    assert_eq!(problems, Vec::<String>::new());
    // And the check is not vacuous: a broken copy fails it.
    let mut broken = data.clone();
    broken["tables"].as_object_mut().unwrap().remove("purchase");
    broken["formatVersion"] = Value::from("one");
    let mut problems = Vec::new();
    check(&schema, &schema, &broken, "data", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn the_access_history_shows_a_staff_members_view_with_purpose_and_fields_but_never_their_username()
{
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    let mut staff = shop.user(&mut v, "bartomeu", Role::Staff);
    v.search_customers(&mut staff, "puigdom").unwrap();
    v.customer_profile(&mut staff, id, AccessPurpose::ServeAtTill)
        .unwrap();
    // The owner is account 1; the shop assistant the next one.
    let staff_id = 2;
    let export = v
        .export_for_customer(&mut owner, id, Some(Lang::En), None)
        .unwrap();
    let files = unzip(&export.zip, None);
    for name in ["index.html", "data.json", "access_history.csv"] {
        let t = text(&files, name);
        assert!(!t.contains("bartomeu"), "{name} names the staff member");
        assert!(!t.contains(OWNER), "{name} names the owner");
    }
    let html = text(&files, "index.html");
    let line = format!("staff member {staff_id} (shop assistant)");
    // The search and the view, each its own entry.
    let entries: Vec<&str> = html
        .match_indices(&line)
        .map(|(at, _)| &html[at..html[at..].find("</li>").unwrap() + at])
        .collect();
    let entry = entries
        .iter()
        .find(|e| e.contains("What: opened your record"))
        .expect("the staff member's view is listed");
    assert!(entries
        .iter()
        .any(|e| e.contains("What: found you in a search")));
    assert!(entry.contains("Why: serving you at the till"), "{entry}");
    assert!(entry.contains("Which data: "), "{entry}");
    assert!(entry.contains("loyalty number and points"), "{entry}");
    // Every reason is in words: the search says why in the customer's
    // terms, and no code of the log is left in the page.
    assert!(html.contains("Why: looking you up"), "{html}");
    for code in [
        "find-customer",
        "in-store-form",
        "customer.view",
        "serve-at-till",
    ] {
        assert!(!html.contains(code), "index.html shows the code {code}");
    }
    let pdf = &files["report.pdf"];
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn index_html_runs_nothing_and_fetches_nothing_and_escapes_what_was_typed() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    v.add_note(
        &mut owner,
        id,
        "<script>alert(1)</script><img src=\"https://evil.example/x.png\">",
    )
    .unwrap();
    let export = v.export_for_customer(&mut owner, id, None, None).unwrap();
    let html = text(&unzip(&export.zip, None), "index.html");
    // The typed markup is shown as text, escaped...
    let typed = "&lt;img src=&quot;https://evil.example/x.png&quot;&gt;";
    assert!(html.contains(typed));
    // ...and apart from that text, the page refers to nothing outside it.
    let lower = html.replace(typed, "").to_lowercase();
    assert!(!lower.contains("<script"), "a script in the page");
    assert!(!lower.contains("<img"), "an image in the page");
    assert!(!lower.contains("http://") && !lower.contains("https://"));
    assert!(!lower.contains("src=") && !lower.contains("href="));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Núria Puigdomènech"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ca\">"));
}

#[test]
fn only_the_owner_and_the_manager_may_export_a_customers_data() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    for (name, role) in [
        ("bartomeu", Role::Staff),
        ("mar", Role::Marketing),
        ("aina", Role::Auditor),
    ] {
        let mut s = shop.user(&mut v, name, role);
        let err = v.export_for_customer(&mut s, id, None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotPermitted, "{role}");
        assert!(matches!(err, Error::Forbidden { .. }));
    }
    let mut manager = shop.user(&mut v, "marta", Role::Manager);
    v.export_for_customer(&mut manager, id, None, None).unwrap();
}

#[test]
fn one_customers_export_holds_nothing_of_another_customer() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIAMARK");
    let other = busy_customer(&mut v, &mut owner, "Pere Soler", "PEREMARK");
    v.customer_profile(&mut owner, other, AccessPurpose::Complaint)
        .unwrap();
    let export = v.export_for_customer(&mut owner, id, None, None).unwrap();
    let files = unzip(&export.zip, None);
    let mut nuria_seen = false;
    for (name, bytes) in &files {
        let t = String::from_utf8_lossy(bytes).to_lowercase();
        for marker in ["peremark", "pere soler", &format!("customer:{other}")] {
            assert!(
                !t.contains(marker),
                "{name} holds another customer's {marker}"
            );
        }
        nuria_seen |= t.contains("nuriamark");
    }
    assert!(nuria_seen);
    // The other customer's public id is in none of the files either.
    let theirs = v
        .export_for_customer(&mut owner, other, None, None)
        .unwrap();
    let their_data: Value = serde_json::from_slice(&unzip(&theirs.zip, None)["data.json"]).unwrap();
    let their_ref = their_data["customer"]["publicId"].as_str().unwrap();
    for (name, bytes) in &files {
        assert!(
            !String::from_utf8_lossy(bytes).contains(their_ref),
            "{name} holds the other customer's reference"
        );
    }
}

#[test]
fn the_signed_manifest_lists_every_file_and_a_changed_byte_fails_the_check() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIA");
    let export = v.export_for_customer(&mut owner, id, None, None).unwrap();
    let files = unzip(&export.zip, None);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for expected in [
        "index.html",
        "report.pdf",
        "data.json",
        "manifest.json",
        "purchases.csv",
        "notes.csv",
        "tasks.csv",
        "tags.csv",
        "access_history.csv",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    let receipts: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("receipts/"))
        .map(|n| n.to_string())
        .collect();
    assert_eq!(receipts.len(), 2, "the joining receipt as JSON and PDF");
    for r in receipts {
        steward_core::verify_receipt_against(
            &files[&r],
            Some(&v.receipt_key_fingerprint().unwrap()),
        )
        .unwrap();
    }
    let fp = v.receipt_key_fingerprint().unwrap();
    let ok = verify_export(&export.zip, None, Some(&fp)).unwrap();
    assert!(ok.shop_key_confirmed);
    assert_eq!(ok.files, files.len() - 1);
    assert_eq!(ok.export_id, export.export_id);
    // Another shop's key is refused.
    let other = Shop::new();
    let other_fp = other.open().receipt_key_fingerprint().unwrap();
    assert!(matches!(
        verify_export(&export.zip, None, Some(&other_fp)),
        Err(Error::ReceiptNotSignedByShop { .. })
    ));
    // A file changed inside, repacked: the manifest no longer matches.
    let mut changed = files.clone();
    changed.get_mut("data.json").unwrap()[10] ^= 1;
    let repacked = repack(&changed);
    let err = verify_export(&repacked, None, None).unwrap_err();
    assert_eq!(err.code(), "export_invalid");
    // A file added that the manifest does not list.
    let mut added = files.clone();
    added.insert("extra.txt".into(), b"hello".to_vec());
    assert!(verify_export(&repack(&added), None, None).is_err());
    // One byte flipped in the middle of the stored bytes of any file of the
    // ZIP itself (a flip in a header's timestamp, or in the padding bits of
    // a tiny compressed stream, changes no content, and may pass).
    let mut archive = zip::ZipArchive::new(Cursor::new(export.zip.clone())).unwrap();
    let spans: Vec<(String, u64, u64)> = (0..archive.len())
        .map(|i| {
            let f = archive.by_index(i).unwrap();
            (f.name().to_owned(), f.data_start(), f.compressed_size())
        })
        .collect();
    for (name, start, size) in spans.into_iter().filter(|(_, _, size)| *size > 16) {
        let at = (start + size / 2) as usize;
        let mut flipped = export.zip.clone();
        flipped[at] ^= 0x40;
        assert!(
            verify_export(&flipped, None, None).is_err(),
            "{name}, byte {at}"
        );
    }
}

fn repack(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn an_export_with_a_passphrase_is_encrypted_and_opens_only_with_it() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIAMARK");
    let export = v
        .export_for_customer(&mut owner, id, None, Some(&pass("a long zip passphrase")))
        .unwrap();
    assert!(export.encrypted);
    let raw = String::from_utf8_lossy(&export.zip).to_lowercase();
    assert!(!raw.contains("nuriamark"));
    let mut archive = zip::ZipArchive::new(Cursor::new(&export.zip[..])).unwrap();
    assert!(archive.by_index_raw(0).unwrap().encrypted());
    let files = unzip(&export.zip, Some("a long zip passphrase"));
    assert!(text(&files, "index.html").contains("NURIAMARK@example.cat"));
    assert!(verify_export(&export.zip, None, None).is_err());
    assert!(verify_export(&export.zip, Some("wrong passphrase"), None).is_err());
    let ok = verify_export(&export.zip, Some("a long zip passphrase"), None).unwrap();
    assert!(ok.encrypted);
    // Too short a passphrase is refused before anything is made.
    let err = v
        .export_for_customer(&mut owner, id, None, Some(&pass("short")))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[test]
fn the_export_is_logged_as_a_disclosure_with_fields_never_values() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = busy_customer(&mut v, &mut owner, "Núria Puigdomènech", "NURIAMARK");
    v.export_for_customer(&mut owner, id, None, None).unwrap();
    let log = v
        .access_log(&mut owner, &steward_core::LogFilter::default())
        .unwrap();
    let text = serde_json::to_string(&log).unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == "customer.export")
        .expect("the export is in the access log");
    let entry_text = serde_json::to_string(entry).unwrap();
    assert!(entry_text.contains("customer-request"), "{entry_text}");
    assert!(entry_text.contains("email"), "{entry_text}");
    assert!(entry_text.contains("purchase"), "{entry_text}");
    assert!(!text.to_lowercase().contains("nuriamark"));
}

#[test]
fn a_customer_who_does_not_exist_cannot_be_exported() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let err = v
        .export_for_customer(&mut owner, 999, None, None)
        .unwrap_err();
    assert_eq!(err.code(), "customer_not_found");
}
