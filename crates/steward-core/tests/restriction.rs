//! Restriction (Art. 18) and objection to marketing (Art. 21) through the
//! public core API: a restricted record is kept but not used — not found by
//! staff, in no audience, not changed by any writer — while withdrawing
//! and objecting still work; the reason typed about the customer never
//! reaches the audit log; an objection withdraws every marketing purpose
//! in one act with one receipt.

mod common;

use common::Shop;
use steward_core::oversight::LogFilter;
use steward_core::{
    AccessPurpose, CollectionMethod, CustomerProfile, Decision, Error, FieldChange, IdentityCheck,
    NewItem, NewPurchase, NewTask, Objection, RestrictionCategory, Role, Session, Vault,
    Withdrawal,
};

const REASON: &str = "Says the phone number belongs to her ex-husband";

fn join(v: &mut Vault, s: &mut Session, granted: &[&str], fields: &[(&str, &str)]) -> i64 {
    let form = common::in_store_form(v, s, granted, fields);
    v.join_customer(s, form).unwrap().customer_id
}

fn purchase(cents: i64) -> NewPurchase {
    NewPurchase {
        date: None,
        items: vec![NewItem {
            description: "Coca".into(),
            quantity: 1,
            unit_cents: cents,
        }],
        ..Default::default()
    }
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort();
    ids
}

fn objection() -> Objection {
    Objection {
        lang: None,
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::KnownCustomer,
        signature: None,
    }
}

/// Núria (membership, loyalty and every marketing purpose, with points and
/// an open task) and Pere (membership and e-mail offers).
struct Scene {
    shop: Shop,
    v: Vault,
    owner: Session,
    nuria: i64,
    pere: i64,
    task: i64,
}

fn scene() -> Scene {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_field_enabled(&mut owner, "phone", true).unwrap();
    let nuria = join(
        &mut v,
        &mut owner,
        &[
            "membership",
            "loyalty",
            "email-offers",
            "sms-offers",
            "birthday-offer",
            "recommendations",
        ],
        &[
            ("name", "Núria Puigdomènech"),
            ("email", "nuria@example.cat"),
            ("phone", "+34 600 123 456"),
        ],
    );
    let pere = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[("name", "Pere Puig"), ("email", "pere@example.cat")],
    );
    v.add_purchase(&mut owner, nuria, &purchase(5000)).unwrap();
    let task = v
        .add_task(
            &mut owner,
            nuria,
            &NewTask {
                title: "Call back".into(),
                due: None,
            },
        )
        .unwrap()
        .id;
    Scene {
        shop,
        v,
        owner,
        nuria,
        pere,
        task,
    }
}

fn restrict(sc: &mut Scene) {
    let r =
        sc.v.restrict_customer(
            &mut sc.owner,
            sc.nuria,
            RestrictionCategory::AccuracyContested,
            Some(REASON),
        )
        .unwrap();
    assert_eq!(r.category, RestrictionCategory::AccuracyContested);
    assert_eq!(r.reason.as_deref(), Some(REASON));
}

#[test]
fn staff_do_not_find_a_restricted_customer_and_the_owner_and_manager_see_them_marked() {
    let mut sc = scene();
    let mut staff = sc.shop.user(&mut sc.v, "sam", Role::Staff);
    let mut manager = sc.shop.user(&mut sc.v, "maria", Role::Manager);
    assert_eq!(
        sorted(
            sc.v.search_customers(&mut staff, "Puig")
                .unwrap()
                .hits
                .ids()
        ),
        vec![sc.nuria, sc.pere]
    );
    restrict(&mut sc);

    assert_eq!(
        sorted(
            sc.v.search_customers(&mut staff, "Puig")
                .unwrap()
                .hits
                .ids()
        ),
        vec![sc.pere],
        "staff found a restricted customer"
    );
    // Not by a whole phone number or loyalty number either.
    let staff_phone = sc.v.search_customers(&mut staff, "+34600123456").unwrap();
    assert!(staff_phone.hits.is_empty());
    for s in [&mut sc.owner, &mut manager] {
        let found = sc.v.search_customers(s, "Puig").unwrap();
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(sorted(found.hits.ids()), vec![sc.nuria, sc.pere]);
        for hit in json["hits"].as_array().unwrap() {
            assert_eq!(hit["restricted"], hit["id"] == sc.nuria, "{hit}");
        }
    }

    // The till view is refused, and the refusal logged; the full profile
    // shows the restriction.
    let err =
        sc.v.customer_profile(&mut staff, sc.nuria, AccessPurpose::ServeAtTill)
            .unwrap_err();
    assert!(matches!(err, Error::CustomerRestricted), "{err}");
    assert_eq!(err.code(), "customer_restricted");
    match sc
        .v
        .customer_profile(&mut manager, sc.nuria, AccessPurpose::CustomerRequest)
        .unwrap()
    {
        CustomerProfile::Full(p) => {
            let r = p.restriction.expect("the profile says it is restricted");
            assert_eq!(r.category, RestrictionCategory::AccuracyContested);
            assert_eq!(r.reason.as_deref(), Some(REASON));
        }
        other => panic!("expected the full view, got {other:?}"),
    }

    // Lifted: staff find and serve her again.
    sc.v.lift_restriction(&mut sc.owner, sc.nuria).unwrap();
    assert_eq!(
        sorted(
            sc.v.search_customers(&mut staff, "Puig")
                .unwrap()
                .hits
                .ids()
        ),
        vec![sc.nuria, sc.pere]
    );
    sc.v.customer_profile(&mut staff, sc.nuria, AccessPurpose::ServeAtTill)
        .unwrap();
    assert!(matches!(
        sc.v.lift_restriction(&mut sc.owner, sc.nuria),
        Err(Error::NotRestricted)
    ));
}

#[test]
fn a_restricted_customer_is_in_no_marketing_audience_and_not_found_by_marketing() {
    let mut sc = scene();
    let mut marketing = sc.shop.user(&mut sc.v, "mia", Role::Marketing);
    let ids = |v: &mut Vault, s: &mut Session| -> Vec<i64> {
        let page = v.marketing_audience(s, "email-offers", 0).unwrap();
        sorted(page.customers.iter().map(|c| c.id).collect())
    };
    assert_eq!(ids(&mut sc.v, &mut marketing), vec![sc.nuria, sc.pere]);
    restrict(&mut sc);
    assert_eq!(ids(&mut sc.v, &mut marketing), vec![sc.pere]);
    assert_eq!(
        sc.v.marketing_audience(&mut marketing, "email-offers", 0)
            .unwrap()
            .total,
        1
    );
    assert!(matches!(
        sc.v.customer_profile(&mut marketing, sc.nuria, AccessPurpose::Campaign),
        Err(Error::CustomerNotFound)
    ));
}

/// Every writer of a customer's record, as the owner (who may use them all).
fn writers(nuria: i64, task: i64) -> Vec<(&'static str, WriteFn)> {
    vec![
        (
            "correct",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.correct_customer(
                    s,
                    nuria,
                    &[FieldChange {
                        field: "email".into(),
                        value: Some("nuria@example.org".into()),
                    }],
                )
                .map(|_| ())
            }),
        ),
        (
            "tags",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.set_tags(s, nuria, &["regular".to_owned()]).map(|_| ())
            }),
        ),
        (
            "purchase",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.add_purchase(s, nuria, &purchase(300)).map(|_| ())
            }),
        ),
        (
            "note",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.add_note(s, nuria, "Asked about rye").map(|_| ())
            }),
        ),
        (
            "task",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.add_task(
                    s,
                    nuria,
                    &NewTask {
                        title: "Order".into(),
                        due: None,
                    },
                )
                .map(|_| ())
            }),
        ),
        (
            "complete task",
            Box::new(move |v: &mut Vault, s: &mut Session| v.complete_task(s, nuria, task)),
        ),
        (
            "redeem",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                v.redeem_points(s, nuria, 1).map(|_| ())
            }),
        ),
        (
            "consent grant",
            Box::new(move |v: &mut Vault, s: &mut Session| {
                let form = common::in_store_form(v, s, &["home-delivery"], &[]);
                v.grant_consent(s, nuria, form).map(|_| ())
            }),
        ),
    ]
}

type WriteFn = Box<dyn Fn(&mut Vault, &mut Session) -> steward_core::Result<()>>;

#[test]
fn a_restricted_record_cannot_be_changed_by_any_writer_until_lifted() {
    let mut sc = scene();
    restrict(&mut sc);
    let before = sc.v.status().unwrap().audit_entries;
    for (name, write) in writers(sc.nuria, sc.task) {
        let err = write(&mut sc.v, &mut sc.owner).unwrap_err();
        assert!(
            matches!(err, Error::CustomerRestricted),
            "{name} on a restricted record: {err}"
        );
    }
    // Each refusal is logged, with the fixed reason only.
    let n = writers(sc.nuria, sc.task).len() as i64;
    assert_eq!(sc.v.status().unwrap().audit_entries, before + n);
    let denied =
        sc.v.access_log(
            &mut sc.owner,
            &LogFilter {
                customer: Some(sc.nuria),
                ..LogFilter::default()
            },
        )
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome == "denied")
        .count();
    assert_eq!(denied as i64, n);
    // The other customer is not affected.
    sc.v.add_note(&mut sc.owner, sc.pere, "Fine").unwrap();

    sc.v.lift_restriction(&mut sc.owner, sc.nuria).unwrap();
    for (name, write) in writers(sc.nuria, sc.task) {
        write(&mut sc.v, &mut sc.owner).unwrap_or_else(|e| panic!("{name} after lifting: {e}"));
    }
}

#[test]
fn a_restricted_customer_can_still_withdraw_and_object() {
    let mut sc = scene();
    restrict(&mut sc);
    sc.v.withdraw_consent(
        &mut sc.owner,
        sc.nuria,
        Withdrawal {
            lang: None,
            purposes: vec!["loyalty".into()],
            method: CollectionMethod::Paper,
            identity_check: IdentityCheck::KnownCustomer,
            signature: None,
            form_id: None,
        },
    )
    .unwrap();
    sc.v.object_to_marketing(&mut sc.owner, sc.nuria, objection())
        .unwrap();
}

#[test]
fn the_reason_typed_about_a_customer_never_reaches_the_audit_log() {
    let mut sc = scene();
    restrict(&mut sc);
    let mut staff = sc.shop.user(&mut sc.v, "sam", Role::Staff);
    let _ = sc.v.add_note(&mut staff, sc.nuria, "x");
    sc.v.lift_restriction(&mut sc.owner, sc.nuria).unwrap();

    let log =
        sc.v.access_log(
            &mut sc.owner,
            &LogFilter {
                action: Some("customer".into()),
                ..LogFilter::default()
            },
        )
        .unwrap();
    let set = log
        .iter()
        .find(|e| e.action == "customer.restrict")
        .unwrap();
    assert_eq!(set.purpose.as_deref(), Some("accuracy-contested"));
    assert!(log.iter().any(|e| e.action == "customer.unrestrict"));
    // Nowhere in the raw log table, in any column.
    let raw = sc.shop.raw_connection();
    let rows: Vec<String> = raw
        .prepare(
            "SELECT coalesce(action, '') || coalesce(subject, '') || coalesce(purpose, '')
                    || coalesce(fields, '') || coalesce(outcome, '') FROM audit_event",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| !r.contains("ex-husband")));
}

#[test]
fn a_reason_holding_a_card_number_is_refused() {
    let mut sc = scene();
    let err =
        sc.v.restrict_customer(
            &mut sc.owner,
            sc.nuria,
            RestrictionCategory::LegalClaim,
            Some("card 4111 1111 1111 1111"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "card_number_refused");
    assert!(matches!(
        RestrictionCategory::parse("because"),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn objecting_to_marketing_withdraws_every_marketing_purpose_in_one_act_with_one_receipt() {
    let mut sc = scene();
    let mut staff = sc.shop.user(&mut sc.v, "sam", Role::Staff);
    let recorded =
        sc.v.object_to_marketing(&mut staff, sc.nuria, objection())
            .unwrap();
    let history = sc.v.consent_history(&mut sc.owner, sc.nuria).unwrap();
    let granted: Vec<&str> = history
        .current
        .iter()
        .filter(|c| c.granted)
        .map(|c| c.purpose.as_str())
        .collect();
    let mut granted = granted;
    granted.sort();
    assert_eq!(granted, vec!["loyalty", "membership"]);
    let withdrawn: Vec<&str> = history
        .entries
        .iter()
        .filter(|e| e.decision == Decision::Withdraw)
        .map(|e| {
            assert_eq!(e.receipt_id, recorded.receipt.receipt_id, "one receipt");
            e.purpose.as_str()
        })
        .collect();
    let mut withdrawn = withdrawn;
    withdrawn.sort();
    assert_eq!(
        withdrawn,
        vec![
            "birthday-offer",
            "email-offers",
            "recommendations",
            "sms-offers"
        ]
    );
    // One act in the log, under its own label.
    let log =
        sc.v.access_log(
            &mut sc.owner,
            &LogFilter {
                action: Some("marketing.object".into()),
                ..LogFilter::default()
            },
        )
        .unwrap();
    assert_eq!(log.len(), 1);
    // Nothing left to object to.
    assert!(matches!(
        sc.v.object_to_marketing(&mut staff, sc.nuria, objection()),
        Err(Error::NotConsented { .. })
    ));
    // Pere still gets his e-mail offers.
    let pere = sc.v.consent_history(&mut sc.owner, sc.pere).unwrap();
    assert!(pere
        .current
        .iter()
        .any(|c| c.purpose == "email-offers" && c.granted));
}
