//! Consent-first intake through the public core API, on real vault files:
//! no customer without membership, no field without a purpose, an
//! append-only ledger, derived consent state, notice versions, receipts.

mod common;

use std::collections::BTreeSet;

use common::Shop;
use proptest::prelude::*;
use steward_core::consent::receipts::forgery::ForeignKey;
use steward_core::PurposeText;
use steward_core::{
    verify_receipt, verify_receipt_against, AccessPurpose, CollectionMethod, Error, HandedTo,
    IdentityCheck, Lang, PurposeChange, Role, Session, Signature, Vault, Withdrawal,
};

const MARKER_NAME: &str = "Zyxwvut Quimbobble";
const MARKER_EMAIL: &str = "zyxwvut.quimbobble@example.cat";

use common::{in_store_form as form, signature};

fn withdrawal(purposes: &[&str]) -> Withdrawal {
    Withdrawal {
        lang: None,
        purposes: purposes.iter().map(|p| p.to_string()).collect(),
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::KnownCustomer,
        signature: signature(),
        form_id: None,
    }
}

/// What `audit verify` says when the owner runs it on a freshly opened vault.
fn owner_verdict(shop: &Shop) -> steward_core::Verdict {
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.verify_audit_log(&mut owner).unwrap()
}

/// Rows in the tables a join writes to, to show that nothing was stored.
fn stored_rows(shop: &Shop) -> (i64, i64, i64, i64, i64) {
    let c = shop.raw_connection();
    let n = |t: &str| -> i64 {
        c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (
        n("customer"),
        n("customer_field"),
        n("consent_event"),
        n("consent_receipt"),
        n("consent_signature"),
    )
}

fn granted(v: &mut Vault, s: &mut Session, id: i64) -> BTreeSet<String> {
    v.consent_history(s, id)
        .unwrap()
        .current
        .into_iter()
        .filter(|c| c.granted)
        .map(|c| c.purpose)
        .collect()
}

#[test]
fn a_customer_who_agrees_to_membership_is_recorded_with_a_verifiable_receipt() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.user(&mut v, "sam", Role::Staff);
    let f = form(
        &mut v,
        &mut s,
        &["membership", "email-offers"],
        &[
            ("name", "Núria Puigdomènech"),
            ("email", "nuria@example.cat"),
        ],
    );
    let joined = v.join_customer(&mut s, f).unwrap();
    assert!(joined.customer_id > 0);

    let checked = verify_receipt(joined.receipt.json.as_bytes()).unwrap();
    assert_eq!(checked.shop, "Forn de la Plaça");
    assert_eq!(checked.receipt_id, joined.receipt.receipt_id);
    assert_eq!(
        checked.key_fingerprint,
        v.receipt_key_fingerprint().unwrap()
    );

    let receipt: serde_json::Value = serde_json::from_str(&joined.receipt.json).unwrap();
    assert_eq!(receipt["version"], "KI-CR-v1.1.0");
    assert_eq!(receipt["language"], "ca");
    assert_eq!(receipt["jurisdiction"], "EU");
    for field in [
        "consentTimestamp",
        "collectionMethod",
        "consentReceiptID",
        "piiPrincipalId",
        "piiControllers",
        "policyUrl",
        "services",
        "sensitive",
        "spiCat",
    ] {
        assert!(receipt.get(field).is_some(), "receipt lacks {field}");
    }
    // The receipt names the customer only by a random id and holds no values.
    assert!(!joined.receipt.json.contains("Núria"));
    assert!(!joined.receipt.json.contains("nuria@"));

    let history = v.consent_history(&mut s, joined.customer_id).unwrap();
    assert_eq!(history.customer_ref, receipt["piiPrincipalId"]);
    let state = |p: &str| {
        history
            .current
            .iter()
            .find(|c| c.purpose == p)
            .unwrap()
            .granted
    };
    assert!(state("membership"));
    assert!(state("email-offers"));
    // Offered and left unticked: recorded as refused, not granted.
    assert!(!state("sms-offers"));
    assert!(history
        .entries
        .iter()
        .all(|e| e.receipt_id == joined.receipt.receipt_id && e.method == "in-store-form"));
    assert!(
        {
            let mut o = shop.owner(&mut v);
            v.verify_audit_log(&mut o)
        }
        .unwrap()
        .intact
    );
}

#[test]
fn no_customer_record_exists_without_membership_consent() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let before = stored_rows(&shop);
    let f = form(
        &mut v,
        &mut s,
        &["email-offers"],
        &[("name", "Núria"), ("email", "nuria@example.cat")],
    );
    let err = v.join_customer(&mut s, f).unwrap_err();
    assert!(
        matches!(&err, Error::ConsentMissing { purpose } if purpose == "membership"),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was stored"));
    assert_eq!(stored_rows(&shop), before);
    // Abandoning the form (never submitting it) stores nothing either.
    let _abandoned = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
    assert_eq!(stored_rows(&shop), before);
}

#[test]
fn a_value_for_a_field_no_granted_purpose_needs_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    v.set_field_enabled(&mut s, "birth_date", true).unwrap();
    let before = stored_rows(&shop);
    // Birth date is needed only by the birthday offer, which was not ticked.
    let f = form(
        &mut v,
        &mut s,
        &["membership"],
        &[("name", "Núria"), ("birth_date", "1990-02-28")],
    );
    let err = v.join_customer(&mut s, f).unwrap_err();
    assert!(
        matches!(&err, Error::FieldNotConsented { field } if field == "birth_date"),
        "{err}"
    );
    assert!(!err.to_string().contains("1990"));
    assert_eq!(stored_rows(&shop), before);

    let f = form(
        &mut v,
        &mut s,
        &["membership", "birthday-offer"],
        &[("name", "Núria"), ("birth_date", "1990-02-28")],
    );
    v.join_customer(&mut s, f).unwrap();
}

#[test]
fn a_field_the_shop_switched_off_is_never_stored() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let fields = v.list_fields(&mut s).unwrap();
    let enabled: Vec<&str> = fields
        .iter()
        .filter(|f| f.enabled)
        .map(|f| f.spec.key)
        .collect();
    assert_eq!(
        enabled,
        ["name", "email"],
        "only a name and one contact channel by default"
    );

    let before = stored_rows(&shop);
    let f = form(
        &mut v,
        &mut s,
        &["membership", "sms-offers"],
        &[("name", "Núria"), ("phone", "+34 612 34 56 78")],
    );
    let err = v.join_customer(&mut s, f).unwrap_err();
    assert!(
        matches!(&err, Error::FieldDisabled { field } if field == "phone"),
        "{err}"
    );
    assert_eq!(stored_rows(&shop), before);

    let err = v.set_field_enabled(&mut s, "name", false).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[test]
fn a_card_number_typed_into_any_field_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let before = stored_rows(&shop);
    let f = form(
        &mut v,
        &mut s,
        &["membership"],
        &[("name", "Núria 4111 1111 1111 1111")],
    );
    let err = v.join_customer(&mut s, f).unwrap_err();
    assert_eq!(err.code(), "card_number_refused");
    assert!(!err.to_string().contains("4111"));
    assert_eq!(stored_rows(&shop), before);
}

#[test]
fn changing_what_customers_read_publishes_a_new_notice_version_and_keeps_the_old() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let first = v.notice(&mut s, Lang::Es, None).unwrap();
    assert_eq!(first.version, 1);

    let mut change = PurposeChange::default();
    change.texts.insert(
        Lang::Es,
        PurposeText {
            name: "Ofertas por correo".into(),
            description: "Le enviamos ofertas una vez al mes.".into(),
        },
    );
    v.edit_purpose(&mut s, "email-offers", change).unwrap();
    let second = v.notice(&mut s, Lang::Es, None).unwrap();
    assert_eq!(second.version, 2);
    assert_ne!(second.sha256, first.sha256);
    assert_eq!(
        second.body.purpose("email-offers").unwrap().description,
        "Le enviamos ofertas una vez al mes."
    );
    // The old version is kept, word for word, with its hash.
    let old = v.notice(&mut s, Lang::Es, Some(1)).unwrap();
    assert_eq!(old.sha256, first.sha256);
    assert_eq!(old.body, first.body);

    // Saving the same settings again publishes nothing new.
    v.set_shop_profile(&mut s, "", "EU").unwrap();
    assert_eq!(v.notice(&mut s, Lang::Es, None).unwrap().version, 2);
    // The shop's contact line is part of the notice.
    v.set_shop_profile(&mut s, "Plaça Major 3, Vic · hola@forn.cat", "ES")
        .unwrap();
    let third = v.notice(&mut s, Lang::Ca, None).unwrap();
    assert_eq!(third.version, 3);
    assert!(third.body.sections[0].text.contains("hola@forn.cat"));
}

#[test]
fn the_notice_in_every_language_and_the_printed_receipt_show_the_shops_key_fingerprint() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let key = v.receipt_key_fingerprint().unwrap();
    for lang in Lang::ALL {
        let who = &v.notice(&mut s, lang, None).unwrap().body.sections[0];
        assert_eq!(who.key, "who");
        assert!(who.text.contains(&key), "{lang}: {}", who.text);
    }
    let f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
    let joined = v.join_customer(&mut s, f).unwrap();
    let printed = v
        .printable_receipt(&mut s, &joined.receipt.receipt_id)
        .unwrap();
    assert!(
        printed
            .notes
            .iter()
            .any(|n| n.contains("Forn de la Plaça") && n.contains(&key)),
        "{:?}",
        printed.notes
    );
}

#[test]
fn a_form_that_showed_an_outdated_notice_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
    v.set_field_enabled(&mut s, "phone", true).unwrap();
    let before = stored_rows(&shop);
    let err = v.join_customer(&mut s, f).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoticeOutdated {
                shown: 1,
                current: 2
            }
        ),
        "{err}"
    );
    assert_eq!(stored_rows(&shop), before);
}

#[test]
fn the_on_screen_form_needs_the_customers_signature_but_paper_does_not() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let mut f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
    f.signature = None;
    assert!(matches!(
        v.join_customer(&mut s, f.clone()),
        Err(Error::SignatureRequired)
    ));
    f.signature = Some(Signature::Drawn(vec![vec![[0.5, 0.5]]]));
    assert!(matches!(
        v.join_customer(&mut s, f.clone()),
        Err(Error::SignatureRequired)
    ));
    f.signature = Some(Signature::Drawn(vec![vec![[0.5, 0.5], [1.5, 0.5]]]));
    assert_eq!(
        v.join_customer(&mut s, f.clone()).unwrap_err().code(),
        "invalid_input"
    );
    f.signature = None;
    f.method = CollectionMethod::Paper;
    v.join_customer(&mut s, f).unwrap();
}

/// Issue 11 §9: the checkpoint after an erasure was assumed to empty the
/// write-ahead log. While another program holds a read transaction on the
/// vault it cannot, and the erased value's older page stays in the log: the
/// withdrawal is saved, and the shop owner is told the erasure is not
/// finished yet and what to do.
#[test]
fn an_erasure_the_journal_cannot_be_emptied_of_is_reported() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    v.set_field_enabled(&mut s, "birth_date", true).unwrap();
    let f = form(
        &mut v,
        &mut s,
        &["membership", "birthday-offer"],
        &[
            ("name", "Núria"),
            ("email", "nuria@example.cat"),
            ("birth_date", "1990-02-28"),
        ],
    );
    let id = v.join_customer(&mut s, f).unwrap().customer_id;

    // Another program reading the vault file (here: plain rusqlite with the
    // key) holds a read transaction open across the erasure.
    let reader = shop.raw_connection();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM customer", [], |r| r.get(0))
        .unwrap();
    // The withdrawal is saved, so it is reported as done, with its receipt
    // (issue 11 §7: a retry would find nothing left to withdraw) and the
    // unfinished clearing as a warning beside it.
    let recorded = v
        .withdraw_consent(&mut s, id, withdrawal(&["birthday-offer"]))
        .unwrap();
    assert_eq!(recorded.erased_fields, vec!["birth_date".to_owned()]);
    assert_eq!(
        recorded.warnings,
        vec![steward_core::Warning::JournalNotCleared]
    );
    let warning = steward_core::Warning::JournalNotCleared;
    assert_eq!(warning.code(), "journal_not_cleared");
    assert!(warning.to_string().contains("close"), "{warning}");
    assert!(!granted(&mut v, &mut s, id).contains("birthday-offer"));
    v.receipt(&mut s, &recorded.receipt.receipt_id).unwrap();

    // Once the other program lets go, closing the vault empties the log.
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    drop(v);
    assert_eq!(
        std::fs::metadata(shop.file("-wal"))
            .map(|m| m.len())
            .unwrap_or(0),
        0
    );
}

#[test]
fn withdrawing_a_purpose_erases_only_the_fields_no_remaining_purpose_needs() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    v.set_field_enabled(&mut s, "birth_date", true).unwrap();
    v.set_field_enabled(&mut s, "phone", true).unwrap();
    let f = form(
        &mut v,
        &mut s,
        &["membership", "birthday-offer", "email-offers", "sms-offers"],
        &[
            ("name", "Núria"),
            ("email", "nuria@example.cat"),
            ("birth_date", "1990-02-28"),
            ("phone", "+34612345678"),
        ],
    );
    let id = v.join_customer(&mut s, f).unwrap().customer_id;

    // Birthday offer needs birth date and e-mail; e-mail offers still need the e-mail.
    let out = v
        .withdraw_consent(&mut s, id, withdrawal(&["birthday-offer"]))
        .unwrap();
    assert_eq!(out.erased_fields, ["birth_date"]);
    // The erased birth date left no older page copy in the write-ahead log.
    assert_eq!(
        std::fs::metadata(shop.file("-wal"))
            .map(|m| m.len())
            .unwrap_or(0),
        0
    );
    let receipt = verify_receipt(out.receipt.json.as_bytes()).unwrap();
    assert_eq!(receipt.receipt_id, out.receipt.receipt_id);
    // Worded as a withdrawal, in the language the customer joined in.
    let printed = v
        .printable_receipt(&mut s, &out.receipt.receipt_id)
        .unwrap();
    assert_eq!(printed.title, "Comprovant de retirada del consentiment");
    assert!(printed.intro.contains("ha retirat"), "{}", printed.intro);
    assert!(!granted(&mut v, &mut s, id).contains("birthday-offer"));

    // Withdrawing e-mail offers leaves the e-mail: membership uses it too.
    let out = v
        .withdraw_consent(&mut s, id, withdrawal(&["email-offers"]))
        .unwrap();
    assert!(out.erased_fields.is_empty());
    // Membership lists the phone as well, so it stays after SMS offers go.
    let out = v
        .withdraw_consent(&mut s, id, withdrawal(&["sms-offers"]))
        .unwrap();
    assert!(out.erased_fields.is_empty());

    let held: Vec<String> = {
        let c = shop.raw_connection();
        let mut stmt = c
            .prepare("SELECT field FROM customer_field WHERE customer_id = ?1 ORDER BY field")
            .unwrap();
        let rows = stmt.query_map([id], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(held, ["email", "name", "phone"]);

    let err = v
        .withdraw_consent(&mut s, id, withdrawal(&["birthday-offer"]))
        .unwrap_err();
    assert!(matches!(err, Error::NotConsented { .. }), "{err}");
}

/// Issue 11 §2: the customer joined while the phone was not collected,
/// the shop switched it on, they gave it for SMS offers only and then
/// withdrew those. Membership lists the phone *now*, but not in the notice
/// they agreed to: the number must go.
#[test]
fn withdrawing_erases_what_the_notices_the_customer_agreed_to_no_longer_cover() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let f = form(
        &mut v,
        &mut s,
        &["membership", "email-offers"],
        &[("name", "Núria"), ("email", "nuria@example.cat")],
    );
    let id = v.join_customer(&mut s, f).unwrap().customer_id;
    v.set_field_enabled(&mut s, "phone", true).unwrap();
    let f = form(
        &mut v,
        &mut s,
        &["sms-offers"],
        &[("phone", "+34600111222")],
    );
    v.grant_consent(&mut s, id, f).unwrap();
    assert_eq!(
        v.search_customers(&mut s, "600111222").unwrap().hits.len(),
        1
    );

    let out = v
        .withdraw_consent(&mut s, id, withdrawal(&["sms-offers"]))
        .unwrap();
    assert_eq!(out.erased_fields, ["phone"]);
    assert!(out
        .receipt
        .json
        .contains("\"erasedFields\": [\n      \"phone\""));
    let profile = v
        .customer_profile(&mut s, id, AccessPurpose::CustomerRequest)
        .unwrap();
    let shown = serde_json::to_string(&profile).unwrap();
    assert!(!shown.contains("600111222"), "the phone is still held");
    assert!(
        shown.contains("nuria@example.cat"),
        "the e-mail is still covered"
    );
    assert!(v
        .search_customers(&mut s, "600111222")
        .unwrap()
        .hits
        .is_empty());
}

/// Issue 11 §2: when the shop stops collecting a field, the values held
/// for it go too, with one audit entry naming the customers and the field.
#[test]
fn switching_a_field_off_erases_the_values_held_for_it() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    v.set_field_enabled(&mut s, "phone", true).unwrap();
    let f = form(
        &mut v,
        &mut s,
        &["membership", "sms-offers"],
        &[("name", "Pere"), ("phone", "+34600999888")],
    );
    let id = v.join_customer(&mut s, f).unwrap().customer_id;
    v.set_field_enabled(&mut s, "phone", false).unwrap();
    let profile = v
        .customer_profile(&mut s, id, AccessPurpose::CustomerRequest)
        .unwrap();
    assert!(!serde_json::to_string(&profile)
        .unwrap()
        .contains("600999888"));
    assert!(v
        .search_customers(&mut s, "600999888")
        .unwrap()
        .hits
        .is_empty());
    let log = v
        .access_log(
            &mut s,
            &steward_core::LogFilter {
                action: Some("consent.erase_uncovered".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].subject.as_deref(),
        Some(format!("customer:{id}").as_str())
    );
    assert_eq!(log[0].fields, ["phone"]);
}

#[test]
fn the_consent_ledger_refuses_edits_and_deletes() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        let mut s = shop.owner(&mut v);
        let f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
        v.join_customer(&mut s, f).unwrap();
    }
    let c = shop.raw_connection();
    for sql in [
        "UPDATE consent_event SET kind = 'grant' WHERE kind = 'refuse'",
        "DELETE FROM consent_event WHERE seq = 1",
        "UPDATE consent_receipt SET json = '{}'",
        "DELETE FROM notice_text",
    ] {
        let err = c.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("kept unchanged") || err.to_string().contains("append-only"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn a_forged_consent_record_is_detected_by_the_audit_check() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        let mut s = shop.owner(&mut v);
        let f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
        v.join_customer(&mut s, f).unwrap();
    }
    {
        // Someone with the key turns a refusal into a grant behind the core's back.
        let c = shop.raw_connection();
        c.execute_batch(
            "DROP TRIGGER consent_event_is_append_only_update;
             UPDATE consent_event SET kind = 'grant' WHERE purpose = 'email-offers';",
        )
        .unwrap();
    }
    let verdict = owner_verdict(&shop);
    assert!(!verdict.intact);
    assert!(
        verdict.message.contains("consent ledger is broken"),
        "{}",
        verdict.message
    );
}

#[test]
fn consent_records_cut_off_the_end_of_the_ledger_are_detected() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        let mut s = shop.owner(&mut v);
        for name in ["Núria", "Jordi"] {
            let f = form(&mut v, &mut s, &["membership"], &[("name", name)]);
            v.join_customer(&mut s, f).unwrap();
        }
    }
    {
        let c = shop.raw_connection();
        c.execute_batch(
            "DROP TRIGGER consent_event_is_append_only_delete;
             DELETE FROM consent_event WHERE seq = (SELECT max(seq) FROM consent_event);",
        )
        .unwrap();
    }
    let verdict = owner_verdict(&shop);
    assert!(!verdict.intact);
    assert!(
        verdict.message.contains("consent record"),
        "{}",
        verdict.message
    );
}

#[test]
fn a_customer_row_inserted_behind_the_cores_back_is_reported() {
    let shop = Shop::new();
    {
        let c = shop.raw_connection();
        c.execute(
            "INSERT INTO customer (public_id, lang, identity_check, created_at, created_by)
             VALUES ('forged', 'en', 'self-declared', '2026-01-01T00:00:00.000Z', 1)",
            [],
        )
        .unwrap();
    }
    let verdict = owner_verdict(&shop);
    assert!(!verdict.intact);
    assert!(
        verdict.message.contains("no granted membership"),
        "{}",
        verdict.message
    );
}

#[test]
fn a_receipt_with_any_changed_content_fails_verification() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let f = form(
        &mut v,
        &mut s,
        &["membership", "loyalty"],
        &[("name", "Núria")],
    );
    let joined = v.join_customer(&mut s, f).unwrap();
    let json = joined.receipt.json;
    verify_receipt(json.as_bytes()).unwrap();

    // Change one character of the signed content, anywhere it matters.
    let tampered = [
        json.replacen("\"jurisdiction\": \"EU\"", "\"jurisdiction\": \"EV\"", 1),
        json.replacen("\"EXPLICIT\"", "\"IMPLICIT\"", 1),
        json.replacen("Forn de la Plaça", "Forn de la Placa", 1),
        json.replacen("\"grant\"", "\"renew\"", 1),
    ];
    for t in &tampered {
        assert_ne!(t, &json);
        let err = verify_receipt(t.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "receipt_invalid", "{err}");
    }
    // A receipt whose signature was removed, or that is not a receipt at all.
    let mut unsigned: serde_json::Value = serde_json::from_str(&json).unwrap();
    unsigned.as_object_mut().unwrap().remove("stewardSignature");
    assert!(verify_receipt(unsigned.to_string().as_bytes()).is_err());
    assert!(verify_receipt(b"not a receipt").is_err());
    assert!(verify_receipt(b"{\"version\": 1}").is_err());

    // The QR code printed on the receipt checks out against the shop's copy;
    // a code with another signature, or for a number never issued, does not.
    let code = v
        .printable_receipt(&mut s, &joined.receipt.receipt_id)
        .unwrap()
        .qr_text;
    let genuine = v.check_receipt_code(&mut s, &code).unwrap();
    assert_eq!(genuine.receipt_id, joined.receipt.receipt_id);
    let last = if code.ends_with('A') { "B" } else { "A" };
    let forged_sig = format!("{}{last}", &code[..code.len() - 1]);
    for bad in [
        forged_sig.as_str(),
        "STEWARD-RECEIPT:00000000-0000-0000-0000-000000000000:AAAA",
        "hello",
    ] {
        assert_eq!(
            v.check_receipt_code(&mut s, bad).unwrap_err().code(),
            "receipt_invalid",
            "{bad}"
        );
    }

    // The PDF: flip one byte of the page content.
    let pdf = v.receipt_pdf(&mut s, &joined.receipt.receipt_id).unwrap();
    assert_eq!(verify_receipt(&pdf).unwrap().format, "pdf");
    let mut flipped = pdf.clone();
    let at = pdf.len() / 3;
    flipped[at] ^= 0x01;
    assert_eq!(
        verify_receipt(&flipped).unwrap_err().code(),
        "receipt_invalid"
    );
}

/// What a forger does with a withdrawal receipt: turns every withdrawal
/// into a grant and signs the result with their own key.
fn withdrawal_forged_into_a_grant(json: &str, key: &ForeignKey) -> String {
    let mut receipt: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(receipt["steward"]["kind"], "withdrawal");
    receipt["steward"]["kind"] = "consent".into();
    for d in receipt["steward"]["decisions"].as_array_mut().unwrap() {
        assert_eq!(d["decision"], "withdraw");
        d["decision"] = "grant".into();
    }
    key.sign_json(&receipt)
}

#[test]
fn a_withdrawal_re_signed_as_a_grant_with_another_key_is_never_called_the_shops() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let f = form(
        &mut v,
        &mut s,
        &["membership", "email-offers"],
        &[("name", "Núria"), ("email", "nuria@example.cat")],
    );
    let id = v.join_customer(&mut s, f).unwrap().customer_id;
    let withdrawn = v
        .withdraw_consent(&mut s, id, withdrawal(&["email-offers"]))
        .unwrap();
    let shop_key = v.receipt_key_fingerprint().unwrap();
    let forger = ForeignKey::generate();
    let forged = withdrawal_forged_into_a_grant(&withdrawn.receipt.json, &forger);
    let forged_pdf = forger.sign_pdf(&forged).unwrap();

    // The genuine receipt, checked against the shop's key, is the shop's;
    // checked alone, it is intact but its key is not vouched for.
    let genuine =
        verify_receipt_against(withdrawn.receipt.json.as_bytes(), Some(&shop_key)).unwrap();
    assert!(genuine.shop_key_confirmed);
    assert_eq!(genuine.key_fingerprint, shop_key);
    let alone = verify_receipt(withdrawn.receipt.json.as_bytes()).unwrap();
    assert!(!alone.shop_key_confirmed);
    assert_eq!(alone.key_fingerprint, shop_key);

    for (bytes, format) in [(forged.as_bytes(), "json"), (&forged_pdf[..], "pdf")] {
        // Alone, the forgery is intact: all a check can say is which key
        // signed it, and that is the forger's, never the shop's.
        let seen = verify_receipt(bytes).unwrap();
        assert_eq!(seen.format, format);
        assert_eq!(
            seen.shop, "Forn de la Plaça",
            "the name is the forger's to write"
        );
        assert_eq!(seen.key_fingerprint, forger.fingerprint());
        assert_ne!(seen.key_fingerprint, shop_key);
        assert!(!seen.shop_key_confirmed, "{format}");

        // Against the shop's key, however it was typed, it is refused.
        let typed = [
            shop_key.clone(),
            shop_key.replace(' ', "").to_uppercase(),
            format!(" {} ", shop_key.replace(' ', "  ")),
        ];
        for expected in &typed {
            let err = verify_receipt_against(bytes, Some(expected)).unwrap_err();
            assert_eq!(err.code(), "receipt_invalid", "{format}");
            assert_eq!(
                err.to_string(),
                format!(
                    "signed by key {}, which is not this shop's key ({shop_key})",
                    forger.fingerprint()
                )
            );
        }
    }
    // The genuine PDF is the shop's too; a key that is not a fingerprint
    // is a mistake to correct, not a verdict on the receipt.
    let pdf = v
        .receipt_pdf(&mut s, &withdrawn.receipt.receipt_id)
        .unwrap();
    assert!(
        verify_receipt_against(&pdf, Some(&shop_key))
            .unwrap()
            .shop_key_confirmed
    );
    assert_eq!(
        verify_receipt_against(&pdf, Some("abcd 1234"))
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

#[test]
fn only_people_who_serve_customers_record_consent_and_auditors_see_no_contact_data() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = form(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", MARKER_NAME)],
    );
    let id = v.join_customer(&mut owner, f.clone()).unwrap().customer_id;
    for (name, role, may_record) in [
        ("mia", Role::Manager, true),
        ("sam", Role::Staff, true),
        ("mark", Role::Marketing, false),
        ("ada", Role::Auditor, false),
    ] {
        let mut s = shop.user(&mut v, name, role);
        let f = form(&mut v, &mut s, &["membership"], &[("name", "Jordi")]);
        let res = v.join_customer(&mut s, f);
        assert_eq!(res.is_ok(), may_record, "{role}");
        if !may_record {
            assert_eq!(res.unwrap_err().code(), "forbidden");
        }
        let history = v.consent_history(&mut s, id);
        assert_eq!(history.is_ok(), role != Role::Marketing, "{role}");
        if let Ok(h) = history {
            let shown = serde_json::to_string(&h).unwrap();
            assert!(!shown.contains(MARKER_NAME), "{role} saw a name");
        }
    }
    let mut ada = v.login("ada", &common::pass("ada own passphrase")).unwrap();
    assert_eq!(
        v.set_field_enabled(&mut ada, "phone", true)
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[test]
fn in_customer_mode_the_screen_only_takes_the_form_until_staff_log_in() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    v.enter_customer_mode(&mut sam, HandedTo::NewCustomer)
        .unwrap();
    assert!(sam.in_customer_mode());
    assert!(v.list_fields(&mut sam).is_ok());
    assert!(matches!(
        v.consent_history(&mut sam, 1),
        Err(Error::CustomerMode)
    ));
    assert!(matches!(v.list_users(&mut sam), Err(Error::CustomerMode)));
    let f = form(&mut v, &mut sam, &["membership"], &[("name", "Núria")]);
    let joined = v.join_customer(&mut sam, f).unwrap();
    v.receipt(&mut sam, &joined.receipt.receipt_id).unwrap();

    let err = v
        .leave_customer_mode(&mut sam, "sam", &common::pass("wrong passphrase"))
        .unwrap_err();
    assert_eq!(err.code(), "wrong_credentials");
    assert!(sam.in_customer_mode() && !sam.is_locked());
    shop.clock.advance(chrono::Duration::seconds(2));
    let mut back = v
        .leave_customer_mode(&mut sam, "sam", &common::pass("sam own passphrase"))
        .unwrap();
    assert!(!back.in_customer_mode());
    assert!(sam.is_locked());
    v.consent_history(&mut back, joined.customer_id).unwrap();
}

/// Issue 11 §3: the person holding the screen could call the consent
/// commands on any customer number and overwrite or withdraw another
/// customer's data. Customer mode is bound to one customer.
#[test]
fn a_screen_handed_to_one_customer_cannot_act_on_another() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let f = form(
        &mut v,
        &mut sam,
        &["membership", "email-offers"],
        &[("name", "Pere Soler"), ("email", "pere@example.cat")],
    );
    let pere = v.join_customer(&mut sam, f).unwrap();
    let f = form(&mut v, &mut sam, &["membership"], &[("name", "Núria")]);
    let nuria = v.join_customer(&mut sam, f).unwrap();
    let records_before = v.status().unwrap().consent_records;

    // Handed over for Núria: Pere is out of reach, whatever the page asks.
    v.enter_customer_mode(&mut sam, HandedTo::Customer(nuria.customer_id))
        .unwrap();
    let overwrite = form(
        &mut v,
        &mut sam,
        &["membership"],
        &[("name", "Mallory"), ("email", "mallory@example.com")],
    );
    for err in [
        v.grant_consent(&mut sam, pere.customer_id, overwrite.clone())
            .unwrap_err(),
        v.withdraw_consent(&mut sam, pere.customer_id, withdrawal(&["email-offers"]))
            .unwrap_err(),
        v.join_customer(&mut sam, overwrite.clone()).unwrap_err(),
        v.receipt(&mut sam, &pere.receipt.receipt_id).unwrap_err(),
    ] {
        assert!(matches!(err, Error::HandedToAnotherCustomer), "{err:?}");
    }
    assert_eq!(v.status().unwrap().consent_records, records_before);
    v.receipt(&mut sam, &nuria.receipt.receipt_id).unwrap();
    let mut back = v
        .leave_customer_mode(&mut sam, "sam", &common::pass("sam own passphrase"))
        .unwrap();
    let pere_now = v
        .customer_profile(&mut back, pere.customer_id, AccessPurpose::ServeAtTill)
        .unwrap();
    let shown = serde_json::to_string(&pere_now).unwrap();
    assert!(shown.contains("Pere Soler") && !shown.contains("Mallory"));

    // Handed over for someone joining: one join, then only their own receipt.
    let mut sam = back;
    v.enter_customer_mode(&mut sam, HandedTo::NewCustomer)
        .unwrap();
    assert!(matches!(
        v.grant_consent(&mut sam, nuria.customer_id, overwrite.clone()),
        Err(Error::HandedToAnotherCustomer)
    ));
    assert!(matches!(
        v.receipt(&mut sam, &nuria.receipt.receipt_id),
        Err(Error::HandedToAnotherCustomer)
    ));
    let f = form(&mut v, &mut sam, &["membership"], &[("name", "Aina")]);
    let aina = v.join_customer(&mut sam, f).unwrap();
    v.receipt(&mut sam, &aina.receipt.receipt_id).unwrap();
    let f = form(&mut v, &mut sam, &["membership"], &[("name", "Another")]);
    assert!(matches!(
        v.join_customer(&mut sam, f),
        Err(Error::HandedToAnotherCustomer)
    ));
    // An unknown customer cannot be handed the screen.
    let mut owner = shop.owner(&mut v);
    assert!(matches!(
        v.enter_customer_mode(&mut owner, HandedTo::Customer(999)),
        Err(Error::CustomerNotFound)
    ));
}

/// Issue 11 §4: staff may not correct records, but a renewal with other
/// values used to overwrite the name and e-mail. A grant gives values only
/// where none is recorded, or confirms them unchanged.
#[test]
fn a_renewal_by_staff_cannot_overwrite_recorded_values() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let f = form(
        &mut v,
        &mut sam,
        &["membership"],
        &[("name", "Pere Soler"), ("email", "pere@example.cat")],
    );
    let id = v.join_customer(&mut sam, f).unwrap().customer_id;
    let records = v.status().unwrap().consent_records;
    let overwrite = form(
        &mut v,
        &mut sam,
        &["membership"],
        &[("name", "Mallory Evil"), ("email", "mallory@example.com")],
    );
    let err = v
        .grant_consent(&mut sam, id, overwrite.clone())
        .unwrap_err();
    assert!(
        matches!(err, Error::ValueAlreadyRecorded { field: "name" }),
        "{err:?}"
    );
    assert_eq!(err.field(), Some("name"));
    assert_eq!(
        v.status().unwrap().consent_records,
        records,
        "nothing was recorded"
    );
    let shown = |v: &mut Vault, s: &mut Session| {
        serde_json::to_string(
            &v.customer_profile(s, id, AccessPurpose::ServeAtTill)
                .unwrap(),
        )
        .unwrap()
    };
    assert!(shown(&mut v, &mut sam).contains("Pere Soler"));

    // The same values again only confirm them.
    let same = form(
        &mut v,
        &mut sam,
        &["membership"],
        &[("name", "Pere Soler"), ("email", "pere@example.cat")],
    );
    v.grant_consent(&mut sam, id, same).unwrap();

    // A manager, who corrects records, may.
    let mut mia = shop.user(&mut v, "mia", Role::Manager);
    v.grant_consent(&mut mia, id, overwrite).unwrap();
    assert!(shown(&mut v, &mut mia).contains("Mallory Evil"));
}

/// Issue 11 §12: a right-to-left override (U+202E) makes stored text read
/// differently from what it is — in a name, an e-mail address, or the
/// shop's contact line that signed receipts and notices carry.
#[test]
fn text_direction_controls_are_refused_wherever_text_is_stored() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let records = v.status().unwrap().consent_records;
    for (field, value) in [
        ("name", "Núria\u{202E}lanif"),
        ("email", "nuria\u{2066}@example.cat"),
    ] {
        let mut fields = vec![("name", "Núria"), ("email", "nuria@example.cat")];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        let f = form(&mut v, &mut s, &["membership"], &fields);
        let err = v.join_customer(&mut s, f).unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid_input", Some(field)));
    }
    assert_eq!(v.status().unwrap().consent_records, records);
    let err = v
        .set_shop_profile(&mut s, "Plaça Major 1, Vic\u{202E}", "ES")
        .unwrap_err();
    assert_eq!(err.field(), Some("contact"));
    let f = form(&mut v, &mut s, &["membership"], &[("name", "Núria")]);
    let id = v.join_customer(&mut s, f).unwrap().customer_id;
    assert_eq!(
        v.add_note(&mut s, id, "call back \u{202E}tomorrow")
            .unwrap_err()
            .field(),
        Some("note")
    );
}

#[test]
fn no_field_value_reaches_the_audit_log_the_ledger_or_a_receipt() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        let mut s = shop.owner(&mut v);
        let f = form(
            &mut v,
            &mut s,
            &["membership", "email-offers"],
            &[("name", MARKER_NAME), ("email", MARKER_EMAIL)],
        );
        let id = v.join_customer(&mut s, f).unwrap().customer_id;
        v.withdraw_consent(&mut s, id, withdrawal(&["email-offers"]))
            .unwrap();
        v.consent_history(&mut s, id).unwrap();
    }
    let c = shop.raw_connection();
    for table in [
        "audit_event",
        "consent_event",
        "consent_receipt",
        "notice_text",
    ] {
        let mut stmt = c.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let text = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => continue,
                };
                assert!(
                    !text.contains("Zyxwvut") && !text.contains("quimbobble"),
                    "{table}"
                );
            }
        }
    }
}

/// One step a customer can take on a purpose.
#[derive(Debug, Clone)]
enum Step {
    Grant(usize),
    Withdraw(usize),
}

const OPTIONAL: [&str; 4] = [
    "loyalty",
    "email-offers",
    "birthday-offer",
    "recommendations",
];

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            (0..OPTIONAL.len()).prop_map(Step::Grant),
            (0..OPTIONAL.len()).prop_map(Step::Withdraw),
        ],
        0..12,
    )
}

#[test]
fn the_current_consent_always_matches_the_ledger_after_any_sequence_of_decisions() {
    let shop = Shop::new();
    let mut v = shop.open();
    let s = shop.owner(&mut v);
    let state = std::cell::RefCell::new((v, s));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    });
    runner
        .run(&steps(), |steps| {
            let mut guard = state.borrow_mut();
            let (v, s) = &mut *guard;
            let (v, s): (&mut Vault, &mut Session) = (v, s);
            let f = form(v, s, &["membership"], &[("name", "Núria")]);
            let id = v.join_customer(s, f).unwrap().customer_id;
            let mut model: BTreeSet<String> = BTreeSet::from(["membership".to_owned()]);
            for step in steps {
                match step {
                    Step::Grant(i) => {
                        let mut f = form(v, s, &[OPTIONAL[i]], &[]);
                        f.method = CollectionMethod::Paper;
                        f.signature = None;
                        v.grant_consent(s, id, f).unwrap();
                        model.insert(OPTIONAL[i].to_owned());
                    }
                    Step::Withdraw(i) => {
                        let res = v.withdraw_consent(s, id, withdrawal(&[OPTIONAL[i]]));
                        if model.remove(OPTIONAL[i]) {
                            res.unwrap();
                        } else {
                            let refused = matches!(res, Err(Error::NotConsented { .. }));
                            prop_assert!(refused);
                        }
                    }
                }
                prop_assert_eq!(granted(v, s, id), model.clone());
            }
            Ok(())
        })
        .unwrap();
    let (mut v, mut s) = state.into_inner();
    assert!(v.verify_audit_log(&mut s).unwrap().intact);
}

#[test]
fn a_vault_made_before_consent_existed_gains_purposes_a_notice_and_a_signing_key() {
    use common::{pass, OWNER, OWNER_PASS};
    use steward_core::{keyring_account, DbKey, KeyStore, MemoryKeyStore};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.steward");
    let key = DbKey::generate();
    let owner_hash = pass(OWNER_PASS).phc_hash_for_tests().unwrap();
    {
        // A schema-1 vault, written the way the foundation release wrote it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
            .unwrap();
        c.execute_batch(include_str!("../migrations/001_foundation.sql"))
            .unwrap();
        c.execute_batch(
            "PRAGMA application_id = 1398036292; PRAGMA user_version = 1;
             INSERT INTO shop (id, name, created_at) VALUES (1, 'Forn de la Plaça', '2026-11-01T09:00:00.000Z');",
        )
        .unwrap();
        c.execute(
            "INSERT INTO user_account (username, role, passphrase_hash, created_at)
             VALUES (?1, 'owner', ?2, '2026-11-01T09:00:00.000Z')",
            [OWNER, owner_hash.as_str()],
        )
        .unwrap();
    }
    let id = hex::encode(&std::fs::read(&path).unwrap()[..16]);
    let keys = MemoryKeyStore::new();
    // Before key slots, the keyring held the database key itself.
    keys.set(&keyring_account(&id), &key).unwrap();

    let (v, _owner) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    let status = v.status().unwrap();
    assert_eq!(status.schema_version, steward_core::SCHEMA_VERSION);
    assert_eq!(status.customers, 0);
    assert_eq!(status.receipt_key.len(), 39);
    drop(v);

    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))
        .unwrap();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(n("SELECT count(*) FROM purpose"), 8);
    assert_eq!(n("SELECT count(*) FROM notice_text WHERE version = 1"), 4);
    assert_eq!(n("SELECT count(*) FROM field_setting WHERE enabled = 1"), 2);
    // Opening again changes nothing: the set-up runs once.
    drop(c);
    let (v, _owner) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    assert_eq!(v.status().unwrap().receipt_key, status.receipt_key);
    // The owner's first sign-in moved the vault to key slots: the keyring
    // no longer holds the database key.
    assert!(keys.get(&keyring_account(&id)).unwrap().is_none());
}

#[test]
fn a_release_that_words_the_notice_differently_publishes_a_new_version_at_open() {
    let shop = Shop::new();
    {
        // The latest stored notice reads differently from what this release
        // would write (as after an upgrade that reworded a section).
        let c = shop.raw_connection();
        c.execute_batch(
            "INSERT INTO notice_version (version, created_at) VALUES (2, '2026-11-01T00:00:00.000Z');
             INSERT INTO notice_text (version, lang, body, sha256)
               SELECT 2, lang, replace(body, 'Nobody else', 'No one else'), sha256 FROM notice_text WHERE version = 1;",
        )
        .unwrap();
    }
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    let current = v.notice(&mut s, Lang::En, None).unwrap();
    assert_eq!(current.version, 3);
    assert!(current
        .body
        .sections
        .iter()
        .any(|x| x.text.starts_with("Nobody else")));
    drop(v);
    // Opening again publishes nothing more.
    let mut v = shop.open();
    let mut s = shop.owner(&mut v);
    assert_eq!(v.notice(&mut s, Lang::En, None).unwrap().version, 3);
}

/// Issue 14: the short number printed on a receipt leads staff to the
/// customer it was issued to; a malformed, unknown or erased one does not.
#[test]
fn the_number_printed_on_a_receipt_finds_its_customer() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let form = common::in_store_form(
        &mut v,
        &mut staff,
        &["membership"],
        &[("name", "Pere Soler")],
    );
    let joined = v.join_customer(&mut staff, form).unwrap();
    let printed: String = joined.receipt.receipt_id.chars().take(8).collect();
    let printed = format!("{}-{}", &printed[..4], &printed[4..]).to_uppercase();
    assert_eq!(
        v.customer_of_receipt(&mut staff, &printed).unwrap(),
        joined.customer_id
    );
    assert_eq!(
        v.customer_of_receipt(&mut staff, "not a receipt")
            .unwrap_err()
            .field(),
        Some("reference")
    );
    assert_eq!(
        v.customer_of_receipt(&mut staff, "0000-0000")
            .unwrap_err()
            .code(),
        "receipt_not_found"
    );
    let mut owner = shop.owner(&mut v);
    v.erase_customer(
        &mut owner,
        joined.customer_id,
        steward_core::ErasureRequest {
            lang: None,
            ground: steward_core::ErasureGround::CustomerRequest,
            method: CollectionMethod::Paper,
            identity_check: IdentityCheck::IdDocument,
            signature: None,
        },
    )
    .unwrap();
    assert_eq!(
        v.customer_of_receipt(&mut staff, &printed)
            .unwrap_err()
            .code(),
        "customer_not_found"
    );
}
