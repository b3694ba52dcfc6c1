//! Signing by typing (issue 14): a customer who cannot draw types their
//! name and confirms that it is their signature. The receipt says they
//! signed so (the signed JSON records the kind, never the name); the name
//! is kept like a drawing — with the customer, in their export, erased with
//! them — and a name without the confirmation is refused. Drawings stored
//! before typed signatures existed still read.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use common::{in_store_form as form, Shop};
use serde_json::Value;
use sha2::{Digest, Sha256};
use steward_core::{
    verify_receipt, CollectionMethod, ErasureGround, ErasureRequest, FormId, IdentityCheck,
    Residue, Role, Session, Signature, Vault, Withdrawal,
};

/// A name that occurs nowhere else in the vault.
const TYPED: &str = "Xavrine Quelldorp";
const TYPED_SENTENCE: &str =
    "Signed by typing your name, “Xavrine Quelldorp”, which you confirmed is your signature.";

fn typed() -> Option<Signature> {
    Some(Signature::typed(TYPED, true))
}

/// A customer who joined in English and signed by typing their name.
fn joined_by_typing(v: &mut Vault, s: &mut Session) -> steward_core::Recorded {
    let mut f = form(v, s, &["membership", "loyalty"], &[("name", "Xavrine Q.")]);
    f.lang = steward_core::Lang::En;
    f.notice_version = v.notice(s, steward_core::Lang::En, None).unwrap().version;
    f.signature = typed();
    v.join_customer(s, f).unwrap()
}

fn receipt_json(recorded: &steward_core::Recorded) -> Value {
    serde_json::from_str(&recorded.receipt.json).unwrap()
}

/// The printable receipt's "Signature" line, as a person reads it.
fn signature_line(v: &mut Vault, s: &mut Session, receipt_id: &str) -> String {
    let p = v.printable_receipt(s, receipt_id).unwrap();
    p.details
        .iter()
        .find(|(label, _)| label == "Signature")
        .map(|(_, value)| value.clone())
        .expect("the receipt says how the customer signed")
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.insert(file.name().to_owned(), data);
    }
    out
}

#[test]
fn a_customer_who_signs_by_typing_their_name_gets_a_receipt_that_says_so() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let joined = joined_by_typing(&mut v, &mut sam);

    // The signed JSON records how, for any verifier, and never the name.
    let json = receipt_json(&joined);
    assert_eq!(json["steward"]["signature"]["kind"], "typed");
    assert_eq!(json["steward"]["signature"]["confirmedByCustomer"], true);
    assert_eq!(
        json["collectionMethod"],
        "on the shop's screen, signed by typing the name"
    );
    assert!(json["steward"]["signatureSha256"].is_string());
    assert!(!joined.receipt.json.contains("Xavrine"));
    assert!(verify_receipt(joined.receipt.json.as_bytes()).is_ok());

    // The receipt the customer is shown names what they typed.
    let id = &joined.receipt.receipt_id;
    assert_eq!(signature_line(&mut v, &mut sam, id), TYPED_SENTENCE);

    // The auditor checks receipts but sees no customer's name.
    let mut audrey = shop.user(&mut v, "audrey", Role::Auditor);
    assert_eq!(
        signature_line(&mut v, &mut audrey, id),
        "Signed by typing your name, which you confirmed is your signature."
    );

    // A drawn signature says it was drawn.
    let f = form(
        &mut v,
        &mut sam,
        &["membership"],
        &[("name", "Drawn Person")],
    );
    let drawn = v.join_customer(&mut sam, f).unwrap();
    assert_eq!(
        receipt_json(&drawn)["steward"]["signature"]["kind"],
        "drawn"
    );
    let line = v
        .printable_receipt(&mut sam, &drawn.receipt.receipt_id)
        .unwrap()
        .details;
    assert!(
        line.iter()
            .any(|(_, value)| value == "Dibuixada per vostè a la pantalla de la botiga."),
        "{line:?}"
    );
}

#[test]
fn a_typed_name_without_the_customers_confirmation_is_refused_and_nothing_is_stored() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let before = v.status().unwrap();
    let cases = [
        (
            Signature::typed(TYPED, false),
            "signature_not_confirmed",
            "signatureConfirmed",
        ),
        (
            Signature::typed("   ", true),
            "typed_signature_invalid",
            "typedName",
        ),
        (
            Signature::typed("Xavrine ".repeat(40), true),
            "typed_signature_invalid",
            "typedName",
        ),
    ];
    for (signature, code, field) in cases {
        let mut f = form(
            &mut v,
            &mut sam,
            &["membership"],
            &[("name", "Someone Else")],
        );
        f.signature = Some(signature);
        let err = v.join_customer(&mut sam, f).unwrap_err();
        assert_eq!(err.code(), code);
        assert_eq!(err.field(), Some(field));
        assert!(!err.to_string().contains("Xavrine"), "{err}");
    }
    let after = v.status().unwrap();
    assert_eq!(after.customers, before.customers);
    assert_eq!(after.consent_records, before.consent_records);
    let raw = shop.raw_connection();
    let n: i64 = raw
        .query_row("SELECT count(*) FROM consent_signature", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    // Nor did the attempts reach the audit log.
    let log: String = raw
        .query_row(
            "SELECT coalesce(group_concat(coalesce(action,'') || coalesce(purpose,'') || coalesce(fields,''), '|'), '') FROM audit_event",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!log.contains("Xavrine"));
}

#[test]
fn a_drawing_stored_as_a_stroke_array_before_typed_signatures_still_reads() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    // The app sends a drawing as it always has: a bare array of strokes.
    let wire: Signature = serde_json::from_str("[[[0.1,0.5],[0.4,0.2],[0.8,0.6]]]").unwrap();
    let mut f = form(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", "Older Member")],
    );
    f.signature = Some(wire);
    let joined = v.join_customer(&mut owner, f).unwrap();
    drop(v);

    // What every earlier version of Steward stored, and vaults and
    // backups hold: the stroke array itself. A row written that way by
    // hand reads the same.
    let legacy = "[[[0.1,0.5],[0.4,0.2],[0.8,0.6]]]";
    let raw = shop.raw_connection();
    let stored: String = raw
        .query_row("SELECT strokes FROM consent_signature", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, legacy);
    raw.execute(
        "UPDATE consent_signature SET strokes = ?1",
        ["[[[0.1,0.5],[0.4,0.2],[0.8,0.6]]]"],
    )
    .unwrap();
    drop(raw);

    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let id = &joined.receipt.receipt_id;
    let p = v.printable_receipt(&mut owner, id).unwrap();
    assert!(p
        .details
        .iter()
        .any(|(_, value)| value == "Dibuixada per vostè a la pantalla de la botiga."));
    let export = v
        .export_for_customer(&mut owner, joined.customer_id, None, None)
        .unwrap();
    let data: Value = serde_json::from_slice(&unzip(&export.zip)["data.json"]).unwrap();
    let rows = data["tables"]["consent_signature"]["rows"]
        .as_array()
        .or_else(|| data["tables"]["consent_signature"].as_array())
        .cloned()
        .expect("the signatures are in the export");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["kind"], "drawn");
    assert_eq!(rows[0]["strokes"], legacy);
    assert_eq!(
        hex::encode(Sha256::digest(rows[0]["stored_form"].as_str().unwrap())),
        receipt_json(&joined)["steward"]["signatureSha256"]
            .as_str()
            .unwrap()
    );
}

#[test]
fn the_customers_export_holds_their_typed_name_and_their_receipt_shows_it() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let joined = joined_by_typing(&mut v, &mut owner);
    let export = v
        .export_for_customer(&mut owner, joined.customer_id, None, None)
        .unwrap();
    let files = unzip(&export.zip);
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    let table = &data["tables"]["consent_signature"];
    let rows = table["rows"]
        .as_array()
        .or_else(|| table.as_array())
        .unwrap();
    assert_eq!(rows[0]["kind"], "typed");
    assert_eq!(rows[0]["typed_name"], TYPED);
    assert_eq!(rows[0]["confirmed_by_customer"], true);
    // Whoever holds the export can check the receipt's hash of it.
    assert_eq!(
        hex::encode(Sha256::digest(rows[0]["stored_form"].as_str().unwrap())),
        receipt_json(&joined)["steward"]["signatureSha256"]
            .as_str()
            .unwrap()
    );
    assert!(String::from_utf8_lossy(&files["signatures.csv"]).contains(TYPED));
    let pdf = &files[&format!("receipts/{}.pdf", joined.receipt.receipt_id)];
    assert_eq!(verify_receipt(pdf).unwrap().format, "pdf");
}

#[test]
fn a_typed_name_is_erased_with_the_customer_and_left_nowhere_in_the_vault() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let joined = joined_by_typing(&mut v, &mut owner);
    assert!(v.residue_scan(&mut owner, TYPED).unwrap().found);

    // The erasure request itself is signed by typing another name.
    let done = v
        .erase_customer(
            &mut owner,
            joined.customer_id,
            ErasureRequest {
                lang: None,
                ground: ErasureGround::CustomerRequest,
                method: CollectionMethod::InStoreForm,
                identity_check: IdentityCheck::IdDocument,
                signature: Some(Signature::typed("Zumbrelt Oskavine", true)),
            },
        )
        .unwrap();
    assert_eq!(done.destruction_record.residue, Residue::Clean);
    assert_eq!(done.destruction_record.rows["consent_signature"], 1);
    let confirmation: Value = serde_json::from_str(&done.receipt.json).unwrap();
    assert_eq!(confirmation["steward"]["signature"]["kind"], "typed");
    // The shop no longer holds the name: the confirmation says how, not what.
    let p = v
        .printable_receipt(&mut owner, &done.receipt.receipt_id)
        .unwrap();
    assert!(p
        .details
        .iter()
        .any(|(_, value)| value
            == "Signed by typing your name, which you confirmed is your signature."));
    assert_eq!(
        signature_line(&mut v, &mut owner, &joined.receipt.receipt_id),
        "Signed by typing your name, which you confirmed is your signature."
    );
    drop(v);

    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for text in [TYPED, "Zumbrelt Oskavine", "Xavrine", "Oskavine"] {
        let scan = v.residue_scan(&mut owner, text).unwrap();
        assert!(
            !scan.found,
            "{text} is still in the vault: {:?}",
            scan.places
        );
    }
}

#[test]
fn withdrawing_by_typing_is_recorded_once_and_another_name_under_its_form_id_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let joined = joined_by_typing(&mut v, &mut sam);
    let form_id = FormId::generate();
    let withdrawal = |name: &str| Withdrawal {
        lang: None,
        purposes: vec!["loyalty".into()],
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::KnownCustomer,
        signature: Some(Signature::typed(name, true)),
        form_id: Some(form_id.clone()),
    };
    let first = v
        .withdraw_consent(&mut sam, joined.customer_id, withdrawal(TYPED))
        .unwrap();
    assert_eq!(
        receipt_json(&first)["steward"]["signature"]["kind"],
        "typed"
    );
    // The same form again (a lost reply): the first result, nothing new.
    let again = v
        .withdraw_consent(
            &mut sam,
            joined.customer_id,
            withdrawal(&format!(" {TYPED} ")),
        )
        .unwrap();
    assert!(again.repeated);
    assert_eq!(again.receipt.receipt_id, first.receipt.receipt_id);
    // The same form id with another name is another act: refused.
    let err = v
        .withdraw_consent(&mut sam, joined.customer_id, withdrawal("Someone Else"))
        .unwrap_err();
    assert_eq!(err.code(), "form_already_recorded");
    assert!(!err.to_string().contains("Someone"));
}
