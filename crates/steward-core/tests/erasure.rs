//! Erasure with zero residue (issue 12 §3, issue 11 §8), on real vault
//! files: a customer with a marker in every field, note, task, purchase,
//! restriction and loyalty number is erased; after the vault is closed and
//! opened again, the residue scan reads every decrypted page (free pages,
//! the journal and its shared memory included) and finds none of them,
//! while it does find the markers of a customer who was kept. The same
//! for a correction and a withdrawal.

mod common;

use common::{in_store_form as form, signature, Shop};
use steward_core::{
    CollectionMethod, ErasureGround, ErasureRequest, FieldChange, IdentityCheck, NewItem,
    NewPurchase, NewTask, Residue, Role, Session, Vault, Withdrawal,
};

/// Markers that occur nowhere else; each starts differently, so that none
/// shares a prefix with another in the search index.
const NAME: &str = "Quorvath Plimsendow";
const EMAIL: &str = "zelbrix.unmoor@example.cat";
const PHONE: &str = "+34 611 987 253";
/// How the vault keeps that number (digits only).
const PHONE_STORED: &str = "611987253";
const ADDRESS: &str = "Carrer Vextrumbal 77";
const PREFERENCES: &str = "Pa de Jorxlimber";
const NOTE: &str = "Wants the Kravnolith loaf";
const TASK: &str = "Call Yomplerash back";
const ITEM: &str = "Coca de Fizzbendor";
const REASON: &str = "Says Glimtharow is wrong";

const KEPT_NAME: &str = "Brannoch Teskewill";

fn scene() -> (Shop, Vault, Session, i64, i64) {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for f in ["phone", "postal_address", "preferences"] {
        v.set_field_enabled(&mut owner, f, true).unwrap();
    }
    let f = form(
        &mut v,
        &mut owner,
        &[
            "membership",
            "loyalty",
            "email-offers",
            "home-delivery",
            "recommendations",
        ],
        &[
            ("name", NAME),
            ("email", EMAIL),
            ("phone", PHONE),
            ("postal_address", ADDRESS),
            ("preferences", PREFERENCES),
        ],
    );
    let erased = v.join_customer(&mut owner, f).unwrap().customer_id;
    let f = form(&mut v, &mut owner, &["membership"], &[("name", KEPT_NAME)]);
    let kept = v.join_customer(&mut owner, f).unwrap().customer_id;
    v.add_note(&mut owner, erased, NOTE).unwrap();
    let task = NewTask {
        title: TASK.into(),
        due: None,
    };
    v.add_task(&mut owner, erased, &task).unwrap();
    v.set_tags(&mut owner, erased, &["regular".to_owned()])
        .unwrap();
    let purchase = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: ITEM.into(),
            quantity: 2,
            unit_cents: 450,
        }],
        ..Default::default()
    };
    v.add_purchase(&mut owner, erased, &purchase).unwrap();
    v.restrict_customer(
        &mut owner,
        erased,
        steward_core::RestrictionCategory::AccuracyContested,
        Some(REASON),
    )
    .unwrap();
    (shop, v, owner, erased, kept)
}

fn request() -> ErasureRequest {
    ErasureRequest {
        lang: None,
        ground: ErasureGround::CustomerRequest,
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::IdDocument,
        signature: signature(),
    }
}

/// The customer's signed withdrawal of one purpose, on the shop's screen.
fn withdrawal(purpose: &str) -> Withdrawal {
    Withdrawal {
        lang: None,
        purposes: vec![purpose.into()],
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::KnownCustomer,
        signature: signature(),
        form_id: None,
    }
}

/// The residue scan, run by the owner on the vault as it is now.
fn found(v: &mut Vault, s: &mut Session, text: &str) -> bool {
    v.residue_scan(s, text).unwrap().found
}

#[test]
fn an_erased_customer_leaves_no_trace_in_any_page_of_the_vault_or_its_journal() {
    let (shop, mut v, mut owner, erased, kept) = scene();
    let loyalty = v
        .customer_profile(
            &mut owner,
            erased,
            steward_core::AccessPurpose::CustomerRequest,
        )
        .unwrap();
    let loyalty = serde_json::to_value(&loyalty).unwrap()["loyalty"]["number"]
        .as_str()
        .expect("the customer collects points")
        .to_owned();
    // The scan finds what is there: every marker before the erasure, in
    // every form (the search index keeps the name folded: "quorvath").
    let markers = [
        NAME,
        EMAIL,
        PHONE_STORED,
        ADDRESS,
        PREFERENCES,
        NOTE,
        TASK,
        ITEM,
        REASON,
    ];
    for m in markers {
        assert!(
            found(&mut v, &mut owner, m),
            "{m} not found before the erasure"
        );
    }
    assert!(found(&mut v, &mut owner, "quorvath"));

    let done = v.erase_customer(&mut owner, erased, request()).unwrap();
    assert_eq!(done.destruction_record.residue, Residue::Clean);
    assert!(done.destruction_record.values_checked >= 8);
    assert!(done.warnings.is_empty(), "{:?}", done.warnings);
    drop(v);

    // Closed, opened again, scanned from the files.
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for m in markers
        .iter()
        .copied()
        .chain([loyalty.as_str(), "quorvath", "plimsendow"])
    {
        let scan = v.residue_scan(&mut owner, m).unwrap();
        assert!(!scan.found, "{m} is still in the vault: {:?}", scan.places);
        assert!(scan.read.vault_pages > 10);
    }
    // The kept customer's name is still there, so the scan can see it.
    assert!(found(&mut v, &mut owner, KEPT_NAME));
    assert!(v
        .customer_profile(
            &mut owner,
            kept,
            steward_core::AccessPurpose::CustomerRequest
        )
        .is_ok());
    let err = v
        .customer_profile(
            &mut owner,
            erased,
            steward_core::AccessPurpose::CustomerRequest,
        )
        .unwrap_err();
    assert_eq!(err.code(), "customer_not_found");
}

#[test]
fn an_erasure_keeps_a_tombstone_and_a_destruction_record_without_personal_data() {
    let (shop, mut v, mut owner, erased, _kept) = scene();
    let public_id = v.consent_history(&mut owner, erased).unwrap().customer_ref;
    let done = v.erase_customer(&mut owner, erased, request()).unwrap();
    let record = &done.destruction_record;
    assert_eq!(record.trigger, "customer-request");
    assert_eq!(record.ground, "customer-request");
    assert_eq!(record.by_role.as_deref(), Some("owner"));
    assert_eq!(record.rows["customer"], 1);
    assert_eq!(record.rows["customer_note"], 1);
    assert_eq!(record.rows["purchase_item"], 1);
    assert_eq!(record.rows["loyalty_account"], 1);
    assert_eq!(record.rows["customer_restriction"], 1);
    assert!(record.rows["customer_field"] >= 5);
    assert!(
        !record.rows.contains_key("consent_event"),
        "the ledger is kept"
    );

    let raw = shop.raw_connection();
    let text: String = raw
        .query_row(
            "SELECT group_concat(at || trigger || ground || method || rows || residue, '|')
             FROM destruction_record",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for m in [
        NAME,
        EMAIL,
        NOTE,
        public_id.as_str(),
        &format!("customer:{erased}"),
    ] {
        assert!(!text.contains(m), "the destruction record holds {m}");
    }
    let (tomb_id, ground): (i64, String) = raw
        .query_row(
            "SELECT customer_id, ground FROM erasure_tombstone WHERE public_id = ?1",
            [&public_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((tomb_id, ground.as_str()), (erased, "customer-request"));
    // The ledger keeps the decisions (no values), closed by a withdrawal of
    // every purpose; the confirmation is a signed receipt of kind erasure.
    let withdrawn: i64 = raw
        .query_row(
            "SELECT count(*) FROM consent_event WHERE customer_ref = ?1 AND kind = 'withdraw'",
            [&public_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(withdrawn, 5);
    let receipt: serde_json::Value = serde_json::from_str(&done.receipt.json).unwrap();
    assert_eq!(receipt["steward"]["kind"], "erasure");
    let printed = steward_core::consent::receipts::printable(&done.receipt.json).unwrap();
    assert_eq!(printed.title, "Confirmació d'esborrament");
    assert!(!done.receipt.json.contains(NAME));
    // The number is never given to someone new: the audit log names it.
    let f = form(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", "Anna Serra")],
    );
    let next = v.join_customer(&mut owner, f).unwrap().customer_id;
    assert!(next > erased.max(_kept), "number {erased} was given again");
    assert_eq!(v.destruction_records(&mut owner).unwrap().len(), 1);
}

#[test]
fn only_the_owner_and_a_manager_erase_and_only_the_owner_and_the_auditor_scan() {
    let (shop, mut v, owner, erased, _) = scene();
    v.logout(owner).unwrap();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let err = v.erase_customer(&mut staff, erased, request()).unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        v.residue_scan(&mut staff, NAME).unwrap_err().code(),
        "forbidden"
    );
    v.logout(staff).unwrap();
    let mut auditor = shop.user(&mut v, "aina", Role::Auditor);
    assert!(v.residue_scan(&mut auditor, NAME).unwrap().found);
    assert_eq!(
        v.erase_customer(&mut auditor, erased, request())
            .unwrap_err()
            .code(),
        "forbidden"
    );
    v.logout(auditor).unwrap();
    let mut manager = shop.user(&mut v, "marc", Role::Manager);
    v.erase_customer(&mut manager, erased, request()).unwrap();
    // The scan is logged, never the text looked for.
    let raw = shop.raw_connection();
    let logged: String = raw
        .query_row(
            "SELECT group_concat(action || coalesce(purpose, ''), '|') FROM audit_event",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(logged.contains("vault.residue_scan"));
    assert!(!logged.contains("Quorvath"));
}

#[test]
fn withdrawing_membership_erases_the_whole_record_with_an_erasure_confirmation() {
    let (_shop, mut v, mut owner, erased, _) = scene();
    let recorded = v
        .withdraw_consent(&mut owner, erased, withdrawal("membership"))
        .unwrap();
    assert!(recorded.erased_fields.contains(&"name".to_owned()));
    let receipt: serde_json::Value = serde_json::from_str(&recorded.receipt.json).unwrap();
    assert_eq!(receipt["steward"]["kind"], "erasure");
    assert!(!found(&mut v, &mut owner, NAME));
    assert!(!found(&mut v, &mut owner, NOTE));
    let record = &v.destruction_records(&mut owner).unwrap()[0];
    assert_eq!(record.ground, "consent-withdrawn");
    assert_eq!(record.residue, Residue::Clean);
}

#[test]
fn a_corrected_value_and_a_withdrawn_one_leave_no_trace_either() {
    let (shop, mut v, mut owner, erased, _) = scene();
    v.lift_restriction(&mut owner, erased).unwrap();
    let change = FieldChange {
        field: "name".into(),
        value: Some("Anna Serra".into()),
    };
    v.correct_customer(&mut owner, erased, &[change]).unwrap();
    // Withdrawing home delivery erases the postal address.
    v.withdraw_consent(&mut owner, erased, withdrawal("home-delivery"))
        .unwrap();
    drop(v);
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for m in [NAME, "quorvath", "plimsendow", ADDRESS, "vextrumbal"] {
        let scan = v.residue_scan(&mut owner, m).unwrap();
        assert!(!scan.found, "{m} is still in the vault: {:?}", scan.places);
    }
    assert!(found(&mut v, &mut owner, "Anna Serra"));
    assert!(
        found(&mut v, &mut owner, EMAIL),
        "the e-mail is still agreed to"
    );
}

#[test]
fn a_restricted_customer_can_be_erased_and_an_erased_one_is_not_found() {
    let (_shop, mut v, mut owner, erased, _) = scene();
    v.erase_customer(&mut owner, erased, request()).unwrap();
    let err = v.erase_customer(&mut owner, erased, request()).unwrap_err();
    assert_eq!(err.code(), "customer_not_found");
    let err = v.residue_scan(&mut owner, "abc").unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[test]
fn a_legal_hold_keeps_everything_until_the_owner_lifts_it() {
    let (shop, mut v, mut owner, erased, _) = scene();
    const HOLD: &str = "Invoice dispute Vortmallen, claim 2026-17";
    let hold = v.place_legal_hold(&mut owner, erased, HOLD).unwrap();
    assert_eq!(hold.reason, HOLD);
    // Neither a request nor a withdrawal of membership erases them now.
    let err = v.erase_customer(&mut owner, erased, request()).unwrap_err();
    assert_eq!(err.code(), "under_legal_hold");
    let err = v
        .withdraw_consent(&mut owner, erased, withdrawal("membership"))
        .unwrap_err();
    assert_eq!(err.code(), "under_legal_hold");
    assert!(found(&mut v, &mut owner, NAME), "nothing was erased");
    assert!(v.destruction_records(&mut owner).unwrap().is_empty());
    // Only the owner places or lifts a hold.
    v.logout(owner).unwrap();
    let mut manager = shop.user(&mut v, "marc", Role::Manager);
    let err = v.place_legal_hold(&mut manager, erased, "x").unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        v.lift_legal_hold(&mut manager, erased).unwrap_err().code(),
        "forbidden"
    );
    v.logout(manager).unwrap();
    let mut owner = shop.owner(&mut v);
    assert_eq!(v.legal_holds(&mut owner).unwrap().len(), 1);
    v.lift_legal_hold(&mut owner, erased).unwrap();
    assert_eq!(
        v.lift_legal_hold(&mut owner, erased).unwrap_err().code(),
        "not_held"
    );
    v.erase_customer(&mut owner, erased, request()).unwrap();
    // The hold's reason went with the customer, and never reached the log.
    assert!(!found(&mut v, &mut owner, "Vortmallen"));
    let raw = shop.raw_connection();
    let logged: String = raw
        .query_row(
            "SELECT group_concat(action || coalesce(purpose, ''), '|') FROM audit_event",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(logged.contains("customer.legal_hold"));
    assert!(logged.contains("customer.legal_hold_lift"));
    assert!(!logged.contains("Vortmallen"));
}

#[test]
fn audit_verify_reports_an_erased_customer_whose_rows_came_back() {
    let (shop, mut v, mut owner, erased, _kept) = scene();
    v.erase_customer(&mut owner, erased, request()).unwrap();
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
    // What a half-done erasure (or a restore of an old copy) would leave:
    // the tombstone, and the customer's row in the search index again.
    shop.raw_connection()
        .execute(
            "INSERT INTO customer_search (rowid, name, email, phone, loyalty)
             VALUES (?1, 'Quorvath', '', '', '')",
            [erased],
        )
        .unwrap();
    let verdict = v.verify_audit_log(&mut owner).unwrap();
    assert!(!verdict.intact);
    assert_eq!(
        verdict.message,
        "1 erased customer(s) still have data in the vault: their erasure did not finish"
    );
}

/// Found by the crash harness, and no crash is needed: SQLite rebuilds a
/// b-tree page when it balances it (`rebuildPage`) by packing its cells at
/// the page's end, and leaves their old bytes in the gap between the cell
/// pointers and the cells, which `secure_delete` never zeroes. A customer
/// whose search row (or field) was moved that way leaves a copy of their
/// name there, on a page that is not free, after the row itself is
/// deleted and zeroed. A fixed run of joins, withdrawals and erasures that
/// makes it happen (the 80th erasure, customer 116, left its name in a
/// `customer_search_content` page's gap); each erasure must find its values
/// nowhere, and rewrite the file when they are.
#[test]
fn an_erased_name_left_in_a_rebuilt_pages_gap_is_scrubbed_too() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    let mut rng = StdRng::seed_from_u64(1);
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let mut live: Vec<(i64, String)> = Vec::new();
    let mut erased: Vec<String> = Vec::new();
    for _ in 0..400 {
        let pick = rng.gen_range(0..8);
        if pick < 4 || live.len() < 5 {
            let len = rng.gen_range(3..30);
            let tail: String = (0..len)
                .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
                .collect();
            let name = format!("Zq{tail}");
            let email = format!("{}@example.cat", name.to_lowercase());
            let mut granted = vec!["membership"];
            let mut fields = vec![("name", name.as_str())];
            if rng.gen_bool(0.5) {
                granted.push("loyalty");
            }
            if rng.gen_bool(0.5) {
                granted.push("email-offers");
                fields.push(("email", email.as_str()));
            }
            let f = form(&mut v, &mut owner, &granted, &fields);
            let id = v.join_customer(&mut owner, f).unwrap().customer_id;
            live.push((id, name));
        } else if pick < 6 {
            let (id, _) = live[rng.gen_range(0..live.len())].clone();
            let purpose = if rng.gen_bool(0.5) {
                "loyalty"
            } else {
                "email-offers"
            };
            // Refused when the customer does not grant it: nothing changes.
            let _ = v.withdraw_consent(&mut owner, id, withdrawal(purpose));
        } else {
            let (id, name) = live.remove(rng.gen_range(0..live.len()));
            let done = v.erase_customer(&mut owner, id, request()).unwrap();
            assert_eq!(
                done.destruction_record.residue,
                Residue::Clean,
                "customer {id}'s erasure left residue"
            );
            erased.push(name);
        }
    }
    assert!(erased.len() > 80, "{} erased", erased.len());
    for name in &erased {
        let scan = v.residue_scan(&mut owner, name).unwrap();
        assert!(
            !scan.found,
            "{name} is still in the vault: {:?}",
            scan.places
        );
    }
}
