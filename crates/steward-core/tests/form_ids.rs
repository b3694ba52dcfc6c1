//! Issue 11 §7: a consent form submitted twice (a retry after an error, a
//! double click, a reply that never arrived) records one act, not two. Each
//! form carries a random id; a second submission under it gets the first
//! one's result with nothing written, and one that says something else is
//! refused.

mod common;

use common::{in_store_form as form, signature, Shop};
use steward_core::{
    CollectionMethod, Error, FormId, HandedTo, IdentityCheck, Role, Warning, Withdrawal,
};

/// Rows in every table a consent act writes to (and the audit log): a
/// repeated submission must leave them all as they were.
fn written_rows(shop: &Shop) -> Vec<(&'static str, i64)> {
    let c = shop.raw_connection();
    [
        "customer",
        "customer_field",
        "consent_event",
        "consent_receipt",
        "consent_signature",
        "loyalty_account",
        "audit_event",
    ]
    .into_iter()
    .map(|t| {
        let n = c
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap();
        (t, n)
    })
    .collect()
}

fn withdrawal(purposes: &[&str], form_id: &FormId) -> Withdrawal {
    Withdrawal {
        lang: None,
        purposes: purposes.iter().map(|p| p.to_string()).collect(),
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::KnownCustomer,
        signature: signature(),
        form_id: Some(form_id.clone()),
    }
}

#[test]
fn a_join_submitted_twice_with_the_same_form_id_records_one_customer() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    v.enter_customer_mode(&mut sam, HandedTo::NewCustomer)
        .unwrap();
    let form_id = FormId::generate();
    let mut f = form(
        &mut v,
        &mut sam,
        &["membership", "email-offers"],
        &[("name", "Núria"), ("email", "nuria@example.cat")],
    );
    f.form_id = Some(form_id.clone());

    let first = v.join_customer(&mut sam, f.clone()).unwrap();
    assert!(!first.repeated);
    let before = written_rows(&shop);
    // The reply was lost; the form sends the same submission again (the
    // screen is now bound to the customer who joined).
    let second = v.join_customer(&mut sam, f.clone()).unwrap();
    assert_eq!(
        written_rows(&shop),
        before,
        "a repeated join wrote something"
    );
    assert!(second.repeated);
    assert_eq!(second.customer_id, first.customer_id);
    assert_eq!(second.receipt.receipt_id, first.receipt.receipt_id);
    assert_eq!(second.receipt.json, first.receipt.json);
    assert_eq!(v.customer_count().unwrap(), 1);

    // The same from staff (e.g. after the screen was taken back).
    let mut owner = shop.owner(&mut v);
    let third = v.join_customer(&mut owner, f).unwrap();
    assert_eq!(third.customer_id, first.customer_id);
    assert_eq!(third.receipt.receipt_id, first.receipt.receipt_id);
    assert_eq!(v.customer_count().unwrap(), 1);
    let verdict = v.verify_audit_log(&mut owner).unwrap();
    assert!(verdict.intact, "{}", verdict.message);
}

#[test]
fn a_join_without_a_form_id_submitted_twice_still_records_two_customers() {
    // Today's behaviour for scripts that give no id: each run is a new
    // form. The app always gives one.
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = form(&mut v, &mut owner, &["membership"], &[("name", "Núria")]);
    v.join_customer(&mut owner, f.clone()).unwrap();
    v.join_customer(&mut owner, f).unwrap();
    assert_eq!(v.customer_count().unwrap(), 2);
}

#[test]
fn a_reused_form_id_with_other_answers_is_refused_and_records_nothing() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let form_id = FormId::generate();
    let mut f = form(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[("name", "Núria"), ("email", "nuria@example.cat")],
    );
    f.form_id = Some(form_id.clone());
    let first = v.join_customer(&mut owner, f.clone()).unwrap();
    let before = written_rows(&shop);

    let mut other_email = f.clone();
    other_email.fields[1].1 = "nuria.p@example.cat".into();
    let mut fewer_purposes = f.clone();
    fewer_purposes.granted = vec!["membership".into()];
    fewer_purposes.fields.truncate(1);
    let mut other_signature = f.clone();
    other_signature.signature = Some(steward_core::Signature::Drawn(vec![vec![
        [0.2, 0.2],
        [0.3, 0.9],
    ]]));
    let mut other_check = f.clone();
    other_check.identity_check = IdentityCheck::SelfDeclared;
    for (what, changed) in [
        ("another e-mail", other_email),
        ("fewer purposes", fewer_purposes),
        ("another signature", other_signature),
        ("another identity check", other_check),
    ] {
        let err = v.join_customer(&mut owner, changed).unwrap_err();
        assert!(
            matches!(&err, Error::FormAlreadyRecorded { receipt_id } if *receipt_id == first.receipt.receipt_id),
            "{what}: {err:?}"
        );
        assert_eq!(err.code(), "form_already_recorded");
        let text = err.to_string();
        assert!(!text.contains("nuria"), "{what}: personal data in {text}");
        assert_eq!(written_rows(&shop), before, "{what}: something was written");
    }
    assert_eq!(v.customer_count().unwrap(), 1);
    // The same answers still get the first result.
    let again = v.join_customer(&mut owner, f).unwrap();
    assert_eq!(again.customer_id, first.customer_id);
}

#[test]
fn a_stored_value_changed_since_the_form_makes_its_repeat_refused() {
    // The record no longer holds what the form said (corrected since):
    // whether it is the same form cannot be told, so it is refused rather
    // than recorded a second time.
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let mut f = form(&mut v, &mut owner, &["membership"], &[("name", "Núria")]);
    f.form_id = Some(FormId::generate());
    let first = v.join_customer(&mut owner, f.clone()).unwrap();
    v.correct_customer(
        &mut owner,
        first.customer_id,
        &[steward_core::FieldChange {
            field: "name".into(),
            value: Some("Núria P.".into()),
        }],
    )
    .unwrap();
    let err = v.join_customer(&mut owner, f).unwrap_err();
    assert_eq!(err.code(), "form_already_recorded");
    assert_eq!(v.customer_count().unwrap(), 1);
}

#[test]
fn a_form_id_of_another_customer_is_refused_on_a_screen_handed_to_someone_new() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let mut f = form(&mut v, &mut sam, &["membership"], &[("name", "Núria")]);
    f.form_id = Some(FormId::generate());
    v.join_customer(&mut sam, f.clone()).unwrap();

    // The next person is handed the screen; the page replays Núria's form
    // to get her number and receipt.
    v.enter_customer_mode(&mut sam, HandedTo::NewCustomer)
        .unwrap();
    let err = v.join_customer(&mut sam, f).unwrap_err();
    assert_eq!(err.code(), "handed_to_another_customer", "{err}");
    assert_eq!(v.customer_count().unwrap(), 1);
}

#[test]
fn a_grant_and_a_withdrawal_submitted_twice_are_each_recorded_once() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_field_enabled(&mut owner, "birth_date", true).unwrap();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    let f = form(&mut v, &mut sam, &["membership"], &[("name", "Núria")]);
    let id = v.join_customer(&mut sam, f).unwrap().customer_id;

    v.enter_customer_mode(&mut sam, HandedTo::Customer(id))
        .unwrap();
    let mut grant = form(
        &mut v,
        &mut sam,
        &["birthday-offer"],
        &[("birth_date", "1990-02-28")],
    );
    grant.form_id = Some(FormId::generate());
    let first = v.grant_consent(&mut sam, id, grant.clone()).unwrap();
    let before = written_rows(&shop);
    let second = v.grant_consent(&mut sam, id, grant.clone()).unwrap();
    assert_eq!(
        written_rows(&shop),
        before,
        "a repeated grant wrote something"
    );
    assert!(second.repeated);
    assert_eq!(second.receipt.receipt_id, first.receipt.receipt_id);

    let withdraw_id = FormId::generate();
    let first = v
        .withdraw_consent(&mut sam, id, withdrawal(&["birthday-offer"], &withdraw_id))
        .unwrap();
    assert_eq!(first.erased_fields, vec!["birth_date".to_owned()]);
    let before = written_rows(&shop);
    // Without the id this would be refused: the offer is withdrawn already.
    let second = v
        .withdraw_consent(&mut sam, id, withdrawal(&["birthday-offer"], &withdraw_id))
        .unwrap();
    assert_eq!(
        written_rows(&shop),
        before,
        "a repeated withdrawal wrote something"
    );
    assert_eq!(second.receipt.receipt_id, first.receipt.receipt_id);
    assert_eq!(second.erased_fields, first.erased_fields);

    // A grant's id reused for a withdrawal is another form's: refused.
    let mut reused = withdrawal(&["birthday-offer"], &withdraw_id);
    reused.form_id = grant.form_id.clone();
    assert_eq!(
        v.withdraw_consent(&mut sam, id, reused).unwrap_err().code(),
        "form_already_recorded"
    );
}

#[test]
fn a_form_id_must_be_a_random_uuid() {
    for bad in [
        "",
        "1",
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
    ] {
        let err = FormId::parse(bad).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{bad:?}");
    }
    let id = FormId::parse("6F9619FF8B86D011B42D00C04FC964FF").unwrap();
    assert_eq!(id.as_str(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
    assert_ne!(FormId::generate(), FormId::generate());
}

#[test]
fn a_join_whose_anchor_could_not_be_written_carries_the_warning() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let anchor = shop.file(".audit-head");
    std::fs::remove_file(&anchor).unwrap();
    std::fs::create_dir(&anchor).unwrap();
    let mut f = form(&mut v, &mut owner, &["membership"], &[("name", "Núria")]);
    f.form_id = Some(FormId::generate());
    let joined = v.join_customer(&mut owner, f.clone()).unwrap();
    assert_eq!(joined.warnings, vec![Warning::AuditAnchorPending]);
    assert_eq!(v.warnings(), vec![Warning::AuditAnchorPending]);
    // A retry after the warning records nothing more.
    v.join_customer(&mut owner, f).unwrap();
    assert_eq!(v.customer_count().unwrap(), 1);

    std::fs::remove_dir(&anchor).unwrap();
    let mut f = form(&mut v, &mut owner, &["membership"], &[("name", "Pere")]);
    f.form_id = Some(FormId::generate());
    let joined = v.join_customer(&mut owner, f).unwrap();
    assert!(joined.warnings.is_empty(), "{:?}", joined.warnings);
    assert!(v.warnings().is_empty());
}
