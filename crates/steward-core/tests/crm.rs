//! The everyday CRM through the public core API, on real vault files:
//! accent-insensitive search that cannot list the customer base, one view
//! type per role, writes only for consented purposes, and an audit entry
//! (purpose, field names, never values) for every read and change.

mod common;

use std::collections::BTreeSet;

use common::Shop;
use proptest::prelude::*;
use steward_core::oversight::LogFilter;
use steward_core::{
    AccessPurpose, CollectionMethod, CustomerProfile, Error, FieldChange, IdentityCheck, NewItem,
    NewPurchase, NewTask, Role, Session, Vault, Withdrawal,
};

fn join(v: &mut Vault, s: &mut Session, granted: &[&str], fields: &[(&str, &str)]) -> i64 {
    let form = common::in_store_form(v, s, granted, fields);
    v.join_customer(s, form).unwrap().customer_id
}

/// A shop collecting every catalog field, with Núria (who agreed to
/// everything) and Pere (membership only).
struct Scene {
    shop: Shop,
    v: Vault,
    owner: Session,
    nuria: i64,
    pere: i64,
}

const NURIA_FIELDS: &[(&str, &str)] = &[
    ("name", "Núria Puigdomènech"),
    ("email", "nuria@example.cat"),
    ("phone", "+34 600 123 456"),
    ("postal_address", "Carrer Major 1\nVic"),
    ("postal_code", "ES 08500"),
    ("birth_date", "1990-04-12"),
    ("preferences", "Pa de sègol"),
    ("sizes", "M"),
    ("dietary_needs", "Celiac"),
];

fn scene() -> Scene {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for f in [
        "phone",
        "postal_address",
        "postal_code",
        "birth_date",
        "preferences",
        "sizes",
        "dietary_needs",
    ] {
        v.set_field_enabled(&mut owner, f, true).unwrap();
    }
    let all = [
        "membership",
        "loyalty",
        "email-offers",
        "sms-offers",
        "birthday-offer",
        "recommendations",
        "home-delivery",
    ];
    let nuria = join(&mut v, &mut owner, &all, NURIA_FIELDS);
    let pere = join(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", "Pere Soler"), ("email", "pere@example.cat")],
    );
    Scene {
        shop,
        v,
        owner,
        nuria,
        pere,
    }
}

/// Every object key in a JSON value, recursively, as `path.key`
/// (array elements share their parent's path).
fn keys(value: &serde_json::Value) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.insert(p.clone());
                    walk(child, &p, out);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(value, "", &mut out);
    out
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn purchase(desc: &str, cents: i64) -> NewPurchase {
    NewPurchase {
        date: None,
        items: vec![NewItem {
            description: desc.into(),
            quantity: 1,
            unit_cents: cents,
        }],
        ..Default::default()
    }
}

#[test]
fn search_ignores_accents_and_case_and_finds_by_phone_email_and_loyalty_number() {
    let Scene {
        shop: _shop,
        mut v,
        mut owner,
        nuria,
        pere,
        ..
    } = scene();
    let ids =
        |v: &mut Vault, s: &mut Session, q: &str| v.search_customers(s, q).unwrap().hits.ids();
    assert_eq!(ids(&mut v, &mut owner, "nuria"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "NÚRIA"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "puigdomenech"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "nur puig"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "600 123"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "+34600123456"), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, "pere@example"), vec![pere]);
    assert!(ids(&mut v, &mut owner, "nuria soler").is_empty());

    let profile = v
        .customer_profile(&mut owner, nuria, AccessPurpose::CustomerRequest)
        .unwrap();
    let CustomerProfile::Full(full) = profile else {
        panic!("the owner gets the full view")
    };
    let number = full.loyalty.expect("Núria collects points").number;
    assert_eq!(number.len(), 9);
    assert_eq!(ids(&mut v, &mut owner, &number), vec![nuria]);
    assert_eq!(ids(&mut v, &mut owner, &number[..4]), vec![nuria]);
}

#[test]
fn nobody_can_list_customers_through_search() {
    let Scene {
        shop,
        mut v,
        mut owner,
        ..
    } = scene();
    for i in 0..14 {
        join(
            &mut v,
            &mut owner,
            &["membership"],
            &[("name", &format!("Marta Vila {i}"))],
        );
    }
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    for q in ["", " ", "ma", "m a r", "%", "*", "\"\"", "-- ", "..."] {
        let err = v.search_customers(&mut staff, q).unwrap_err();
        assert_eq!(err.code(), "query_too_short", "{q:?}");
    }
    let res = v.search_customers(&mut staff, "marta").unwrap();
    assert_eq!(res.hits.len(), 10, "staff see ten hits at most");
    assert!(res.truncated, "and are told there were more");
    let res = v.search_customers(&mut owner, "marta").unwrap();
    assert_eq!(res.hits.len(), 14);
    assert!(!res.truncated);

    let mut marketing = shop.user(&mut v, "mia", Role::Marketing);
    let mut auditor = shop.user(&mut v, "aud", Role::Auditor);
    assert_eq!(
        v.search_customers(&mut marketing, "marta")
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        v.search_customers(&mut auditor, "marta")
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[test]
fn each_role_receives_exactly_its_view_of_a_customer() {
    let Scene {
        shop,
        mut v,
        mut owner,
        nuria,
        ..
    } = scene();
    v.add_purchase(&mut owner, nuria, &purchase("Coca de recapte", 1250))
        .unwrap();
    v.add_note(&mut owner, nuria, "Asked for rye bread on Fridays")
        .unwrap();
    v.add_task(
        &mut owner,
        nuria,
        &NewTask {
            title: "Call when the rye arrives".into(),
            due: Some("2030-01-01".into()),
        },
    )
    .unwrap();
    v.set_tags(&mut owner, nuria, &["regular".into()]).unwrap();

    let mut manager = shop.user(&mut v, "max", Role::Manager);
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let mut marketing = shop.user(&mut v, "mia", Role::Marketing);
    let mut auditor = shop.user(&mut v, "aud", Role::Auditor);

    let purchase_keys = [
        "id",
        "date",
        "totalCents",
        "currency",
        "items",
        "items.description",
        "items.quantity",
        "items.unitCents",
        "points",
    ];
    let with = |prefix: &str, inner: &[&str]| -> Vec<String> {
        inner.iter().map(|k| format!("{prefix}.{k}")).collect()
    };
    let note_keys = ["id", "at", "by", "text"];
    let task_keys = ["id", "title", "due", "done", "createdAt"];
    let field_keys: Vec<&str> = NURIA_FIELDS.iter().map(|(k, _)| *k).collect();

    // Owner and manager: the whole record.
    let mut full: BTreeSet<String> = set(&[
        "view",
        "id",
        "customerRef",
        "lang",
        "since",
        "identityCheck",
        "fields",
        "consents",
        "consents.purpose",
        "consents.granted",
        "consents.decision",
        "consents.since",
        "consents.noticeVersion",
        "tags",
        "loyalty",
        "loyalty.number",
        "loyalty.points",
        "purchases",
        "purchaseCount",
        "notes",
        "tasks",
    ]);
    full.extend(with("fields", &field_keys));
    full.extend(with("purchases", &purchase_keys));
    full.extend(with("notes", &note_keys));
    full.extend(with("tasks", &task_keys));
    for s in [&mut owner, &mut manager] {
        let p = v
            .customer_profile(s, nuria, AccessPurpose::Complaint)
            .unwrap();
        assert_eq!(keys(&serde_json::to_value(&p).unwrap()), full);
    }

    // Staff at the till: name, contact channels, points, recent history.
    let mut till: BTreeSet<String> = set(&[
        "view",
        "id",
        "name",
        "contactPreference",
        "tags",
        "loyalty",
        "loyalty.number",
        "loyalty.points",
        "recentPurchases",
        "recentNotes",
        "openTasks",
    ]);
    till.extend(with("recentPurchases", &purchase_keys));
    till.extend(with("recentNotes", &note_keys));
    till.extend(with("openTasks", &task_keys));
    let p = v
        .customer_profile(&mut staff, nuria, AccessPurpose::ServeAtTill)
        .unwrap();
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(keys(&json), till);
    let text = json.to_string();
    for hidden in [
        "1990-04-12",
        "Carrer Major",
        "08500",
        "Celiac",
        "nuria@example.cat",
        "600123456",
    ] {
        assert!(!text.contains(hidden), "staff must not receive {hidden}");
    }
    assert_eq!(
        json["contactPreference"],
        serde_json::json!(["email", "sms"])
    );

    // For a delivery, staff also get what home delivery covers, no more.
    let p = v
        .customer_profile(&mut staff, nuria, AccessPurpose::Delivery)
        .unwrap();
    let json = serde_json::to_value(&p).unwrap();
    let mut delivery = till.clone();
    delivery.extend(set(&[
        "delivery",
        "delivery.postal_address",
        "delivery.postal_code",
        "delivery.phone",
    ]));
    assert_eq!(keys(&json), delivery);
    assert!(!json.to_string().contains("1990-04-12"));

    // Staff may not open a profile for a complaint (a manager's task).
    let err = v
        .customer_profile(&mut staff, nuria, AccessPurpose::Complaint)
        .unwrap_err();
    assert_eq!(err.code(), "purpose_not_allowed");

    // Marketing: the fields of the marketing purposes she agreed to, and
    // purchase totals instead of purchases.
    let p = v
        .customer_profile(&mut marketing, nuria, AccessPurpose::Campaign)
        .unwrap();
    let json = serde_json::to_value(&p).unwrap();
    let mut mk: BTreeSet<String> = set(&[
        "view",
        "id",
        "purposes",
        "fields",
        "purchases",
        "purchases.count",
        "purchases.totalCents",
        "purchases.currency",
        "purchases.lastMonth",
    ]);
    mk.extend(with(
        "fields",
        &[
            "email",
            "phone",
            "birth_date",
            "preferences",
            "sizes",
            "dietary_needs",
        ],
    ));
    assert_eq!(keys(&json), mk);
    assert!(
        !json.to_string().contains("Núria"),
        "no name: no marketing purpose covers it"
    );

    // The auditor never opens a profile.
    for purpose in AccessPurpose::ALL {
        let err = v
            .customer_profile(&mut auditor, nuria, purpose)
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
    }
}

#[test]
fn marketing_sees_only_customers_who_agreed_to_marketing() {
    let Scene {
        shop,
        mut v,
        nuria,
        pere,
        ..
    } = scene();
    let mut marketing = shop.user(&mut v, "mia", Role::Marketing);
    let err = v
        .customer_profile(&mut marketing, pere, AccessPurpose::Campaign)
        .unwrap_err();
    assert_eq!(
        err.code(),
        "customer_not_found",
        "Pere agreed to no marketing"
    );
    let page = v
        .marketing_audience(&mut marketing, "email-offers", 0)
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.customers.len(), 1);
    assert_eq!(page.customers[0].id, nuria);
    // Only what e-mail offers cover.
    assert_eq!(
        page.customers[0].fields.keys().copied().collect::<Vec<_>>(),
        vec!["email"]
    );
    assert_eq!(
        v.marketing_audience(&mut marketing, "membership", 0)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    // The refused look at Pere is on record.
    let mut owner = shop.owner(&mut v);
    let log = v
        .access_log(
            &mut owner,
            &LogFilter {
                customer: Some(pere),
                action: Some("customer.view".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(log[0].outcome, "denied");
    assert_eq!(log[0].user.as_deref(), Some("mia"));
}

#[test]
fn data_is_written_only_for_purposes_the_customer_agreed_to() {
    let Scene {
        shop,
        mut v,
        mut owner,
        pere,
        ..
    } = scene();
    let change = |field: &str, value: &str| {
        vec![FieldChange {
            field: field.into(),
            value: Some(value.into()),
        }]
    };
    // Pere agreed to membership only: no birth date, no address.
    match v.correct_customer(&mut owner, pere, &change("birth_date", "1980-02-02")) {
        Err(Error::ConsentMissing { purpose }) => assert_eq!(purpose, "birthday-offer"),
        other => panic!("expected ConsentMissing, got {other:?}"),
    }
    match v.correct_customer(&mut owner, pere, &change("postal_address", "Plaça 2")) {
        Err(Error::ConsentMissing { purpose }) => assert_eq!(purpose, "home-delivery"),
        other => panic!("expected ConsentMissing, got {other:?}"),
    }
    match v.redeem_points(&mut owner, pere, 1) {
        Err(Error::ConsentMissing { purpose }) => assert_eq!(purpose, "loyalty"),
        other => panic!("expected ConsentMissing, got {other:?}"),
    }
    // A purchase is recorded, but earns no points without loyalty.
    let p = v
        .add_purchase(&mut owner, pere, &purchase("Croissant", 150))
        .unwrap();
    assert_eq!(p.points, None);
    // Membership covers the phone: it may be added.
    v.correct_customer(&mut owner, pere, &change("phone", "+34 611 22 33 44"))
        .unwrap();

    let c = shop.raw_connection();
    let held: i64 = c
        .query_row(
            "SELECT count(*) FROM customer_field WHERE customer_id = ?1",
            [pere],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        held, 3,
        "name, email and the phone; nothing refused was stored"
    );
}

#[test]
fn corrections_are_validated_field_by_field_and_all_or_nothing() {
    let Scene {
        shop: _shop,
        mut v,
        mut owner,
        nuria,
        ..
    } = scene();
    let bad = [
        ("email", "nuria at example", "e-mail"),
        ("phone", "600123456", "international"),
        ("postal_code", "ES 0850", "Spanish postal code"),
        ("postal_code", "08500", "country code"),
        ("postal_code", "NL 1012", "Dutch"),
        ("birth_date", "2090-01-01", "date in the past"),
        ("birth_date", "12/04/1990", "YYYY-MM-DD"),
        ("preferences", "card 4111 1111 1111 1111", "card number"),
    ];
    for (field, value, says) in bad {
        let err = v
            .correct_customer(
                &mut owner,
                nuria,
                &[
                    FieldChange {
                        field: "sizes".into(),
                        value: Some("L".into()),
                    },
                    FieldChange {
                        field: field.into(),
                        value: Some(value.into()),
                    },
                ],
            )
            .unwrap_err();
        assert_eq!(err.field(), Some(field), "{field}");
        let msg = err.to_string();
        assert!(msg.contains(says), "{field}: {msg}");
        assert!(
            !msg.contains(value),
            "the error must not repeat the value: {msg}"
        );
    }
    let CustomerProfile::Full(p) = v
        .customer_profile(&mut owner, nuria, AccessPurpose::CustomerRequest)
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        p.fields["sizes"], "M",
        "no change stored when one value fails"
    );

    let changed = v
        .correct_customer(
            &mut owner,
            nuria,
            &[
                FieldChange {
                    field: "postal_code".into(),
                    value: Some("es 08001".into()),
                },
                FieldChange {
                    field: "sizes".into(),
                    value: None,
                },
            ],
        )
        .unwrap();
    assert_eq!(changed, vec!["postal_code", "sizes"]);
    let CustomerProfile::Full(p) = v
        .customer_profile(&mut owner, nuria, AccessPurpose::CustomerRequest)
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(p.fields["postal_code"], "ES 08001");
    assert!(!p.fields.contains_key("sizes"));
    let err = v
        .correct_customer(
            &mut owner,
            nuria,
            &[FieldChange {
                field: "name".into(),
                value: None,
            }],
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn a_purchase_can_be_recorded_as_the_amount_spent_alone() {
    let Scene {
        shop, mut v, nuria, ..
    } = scene();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let amount = |cents| NewPurchase {
        amount_cents: Some(cents),
        ..Default::default()
    };
    let p = v.add_purchase(&mut staff, nuria, &amount(1250)).unwrap();
    assert_eq!(p.total_cents, 1250);
    assert!(p.items.is_empty(), "no lines were made up for it");
    assert_eq!(p.points, Some(12));

    for refused in [0, -5, 100_000_001] {
        assert_eq!(
            v.add_purchase(&mut staff, nuria, &amount(refused))
                .unwrap_err()
                .field(),
            Some("amount"),
            "{refused} cents"
        );
    }
    let both = NewPurchase {
        amount_cents: Some(500),
        ..purchase("Coca", 500)
    };
    assert_eq!(
        v.add_purchase(&mut staff, nuria, &both)
            .unwrap_err()
            .field(),
        Some("items")
    );
    assert_eq!(
        v.add_purchase(&mut staff, nuria, &NewPurchase::default())
            .unwrap_err()
            .field(),
        Some("items")
    );
}

#[test]
fn purchases_earn_points_and_free_text_never_holds_a_card_number() {
    let Scene {
        shop,
        mut v,
        mut owner,
        nuria,
        ..
    } = scene();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let p = v
        .add_purchase(
            &mut staff,
            nuria,
            &NewPurchase {
                date: None,
                items: vec![
                    NewItem {
                        description: "Pa de sègol".into(),
                        quantity: 2,
                        unit_cents: 320,
                    },
                    NewItem {
                        description: "Coca".into(),
                        quantity: 1,
                        unit_cents: 1275,
                    },
                ],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(p.total_cents, 1915);
    assert_eq!(p.points, Some(19));
    let after = v.redeem_points(&mut staff, nuria, 5).unwrap();
    assert_eq!(after.points, 14);
    assert_eq!(
        v.redeem_points(&mut staff, nuria, 15).unwrap_err().code(),
        "not_enough_points"
    );

    let card = "paid with 4111-1111-1111-1111";
    assert_eq!(
        v.add_note(&mut staff, nuria, card).unwrap_err().code(),
        "card_number_refused"
    );
    assert_eq!(
        v.add_purchase(&mut staff, nuria, &purchase(card, 100))
            .unwrap_err()
            .code(),
        "card_number_refused"
    );
    assert_eq!(
        v.add_task(
            &mut staff,
            nuria,
            &NewTask {
                title: card.into(),
                due: None
            }
        )
        .unwrap_err()
        .code(),
        "card_number_refused"
    );
    assert_eq!(
        v.set_tags(&mut owner, nuria, &["4111111111111111".into()])
            .unwrap_err()
            .code(),
        "card_number_refused"
    );
    // A long order number that fails the Luhn check is fine.
    v.add_note(&mut staff, nuria, "Order 1234567890123456 ready")
        .unwrap();
    let raw = shop.raw_connection();
    let stored: String = raw
        .query_row("SELECT group_concat(body) FROM customer_note", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!stored.contains("4111"));

    // Staff may not correct records or tag customers.
    assert_eq!(
        v.set_tags(&mut staff, nuria, &["vip".into()])
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let task = v
        .add_task(
            &mut staff,
            nuria,
            &NewTask {
                title: "Deliver the cake".into(),
                due: None,
            },
        )
        .unwrap();
    v.complete_task(&mut staff, nuria, task.id).unwrap();
    assert_eq!(
        v.complete_task(&mut staff, nuria, task.id)
            .unwrap_err()
            .code(),
        "task_not_found"
    );
}

#[test]
fn every_read_and_change_is_logged_with_its_purpose_and_field_names_only() {
    let Scene {
        shop,
        mut v,
        mut owner,
        nuria,
        pere,
    } = scene();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let found = v.search_customers(&mut staff, "soler").unwrap();
    assert_eq!(found.hits.ids(), vec![pere]);
    v.customer_profile(&mut staff, nuria, AccessPurpose::Delivery)
        .unwrap();
    v.add_purchase(&mut staff, nuria, &purchase("Ensaïmada", 900))
        .unwrap();

    let log = v
        .access_log(
            &mut owner,
            &LogFilter {
                user: Some("sam".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let search = log.iter().find(|e| e.action == "customer.search").unwrap();
    assert_eq!(
        search.subject.as_deref(),
        Some(format!("customer:{pere}").as_str())
    );
    assert_eq!(search.purpose.as_deref(), Some("find-customer"));
    assert_eq!(search.fields, vec!["name"]);
    let view = log.iter().find(|e| e.action == "customer.view").unwrap();
    assert_eq!(view.purpose.as_deref(), Some("delivery"));
    for f in [
        "name",
        "purchases",
        "postal_address",
        "postal_code",
        "phone",
    ] {
        assert!(
            view.fields.iter().any(|x| x == f),
            "{f} in {:?}",
            view.fields
        );
    }
    assert!(!view.fields.iter().any(|x| x == "birth_date"));
    let add = log.iter().find(|e| e.action == "purchase.add").unwrap();
    assert_eq!(add.fields, vec!["purchases", "loyalty"]);

    // Filters: by customer (a search naming several customers counts for
    // each), by action family, by day.
    let about_pere = v
        .access_log(
            &mut owner,
            &LogFilter {
                customer: Some(pere),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(about_pere.iter().any(|e| e.action == "customer.search"));
    assert!(about_pere.iter().all(|e| e
        .subject
        .as_deref()
        .unwrap()
        .contains(&format!("customer:{pere}"))));
    let views = v
        .access_log(
            &mut owner,
            &LogFilter {
                action: Some("customer".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(views.iter().all(|e| e.action.starts_with("customer.")));
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    assert!(v
        .access_log(
            &mut owner,
            &LogFilter {
                from: Some(tomorrow),
                ..Default::default()
            }
        )
        .unwrap()
        .is_empty());
    assert_eq!(
        v.access_log(
            &mut owner,
            &LogFilter {
                user: Some("nobody".into()),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        "user_not_found"
    );
    assert_eq!(
        v.access_log(&mut staff, &LogFilter::default())
            .unwrap_err()
            .code(),
        "forbidden"
    );

    // The log holds no value from any record, and still verifies.
    let raw = shop.raw_connection();
    let dump: String = raw
        .query_row(
            "SELECT group_concat(coalesce(subject,'') || purpose || coalesce(fields,''), '|') FROM audit_event",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for (_, value) in NURIA_FIELDS {
        assert!(!dump.contains(value), "the audit log holds {value}");
    }
    assert!(!dump.contains("soler"));
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn a_changed_name_leaves_the_search_index_and_a_withdrawn_loyalty_takes_its_number() {
    let Scene {
        shop,
        mut v,
        mut owner,
        nuria,
        ..
    } = scene();
    let CustomerProfile::Full(p) = v
        .customer_profile(&mut owner, nuria, AccessPurpose::CustomerRequest)
        .unwrap()
    else {
        panic!()
    };
    let number = p.loyalty.unwrap().number;
    v.correct_customer(
        &mut owner,
        nuria,
        &[FieldChange {
            field: "name".into(),
            value: Some("Núria Vilaseca".into()),
        }],
    )
    .unwrap();
    assert!(v
        .search_customers(&mut owner, "puigdomenech")
        .unwrap()
        .hits
        .is_empty());
    assert_eq!(
        v.search_customers(&mut owner, "vilaseca")
            .unwrap()
            .hits
            .ids(),
        vec![nuria]
    );

    v.withdraw_consent(
        &mut owner,
        nuria,
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
    assert!(v
        .search_customers(&mut owner, &number)
        .unwrap()
        .hits
        .is_empty());
    drop(v);

    // secure-delete: the old terms are gone from the index's pages too.
    let raw = shop.raw_connection();
    let mut stmt = raw
        .prepare("SELECT block FROM customer_search_data")
        .unwrap();
    let blocks: Vec<Vec<u8>> = stmt
        .query_map([], |r| {
            r.get::<_, Option<Vec<u8>>>(0)
                .map(|b| b.unwrap_or_default())
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let holds = |needle: &[u8]| {
        blocks
            .iter()
            .any(|b| b.windows(needle.len()).any(|w| w == needle))
    };
    assert!(holds(b"vilaseca"), "the check can see terms in the index");
    assert!(!holds(b"puigdomenech"), "the old name left the index");
    assert!(
        !holds(number.as_bytes()),
        "the loyalty number left the index"
    );
    let accounts: i64 = raw
        .query_row("SELECT count(*) FROM loyalty_account", [], |r| r.get(0))
        .unwrap();
    assert_eq!(accounts, 0);
    let entries: i64 = raw
        .query_row("SELECT count(*) FROM loyalty_entry", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text typed into the search box gives hits or a clear refusal;
    /// never a panic, a database error, or an error that repeats the query.
    #[test]
    fn any_search_input_is_answered_safely(query in prop_oneof![
        any::<String>(),
        "[\\PC]{0,300}",
        "[\"*():^{}+\\-. ]{0,40}(NEAR|AND|OR|NOT)?[a-z\"*]{0,20}",
        "[a-zA-Z0-9àèéíòóúüïç·' %_]{3,40}",
    ]) {
        let shop = search_fixture();
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        match v.search_customers(&mut owner, &query) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(matches!(e.code(), "query_too_short" | "invalid_input"), "{}", e);
                let trimmed = query.trim();
                prop_assert!(trimmed.chars().count() < 4 || !e.to_string().contains(trimmed));
            }
        }
    }

    /// Any value typed into any field is stored or refused with a message
    /// that names the field and never the value.
    #[test]
    fn any_correction_is_answered_safely(field in prop::sample::select(vec![
        "name", "email", "phone", "postal_code", "birth_date", "preferences", "postal_address",
    ]), value in prop_oneof![any::<String>(), "[\\PC]{0,600}", "[0-9 -]{10,30}"]) {
        let shop = search_fixture();
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        let res = v.correct_customer(&mut owner, 1, &[FieldChange { field: field.into(), value: Some(value.clone()) }]);
        if let Err(e) = res {
            prop_assert!(matches!(e.code(), "invalid_input" | "card_number_refused"), "{}", e);
            prop_assert_eq!(e.field(), Some(field));
            let trimmed = value.trim();
            prop_assert!(trimmed.chars().count() < 4 || !e.to_string().contains(trimmed));
        }
    }
}

/// One shop for all property cases (setting up a vault takes a while),
/// used by one case at a time.
fn search_fixture() -> std::sync::MutexGuard<'static, Shop> {
    use std::sync::{Mutex, OnceLock};
    static FIXTURE: OnceLock<Mutex<Shop>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let s = scene();
            drop(s.v);
            Mutex::new(s.shop)
        })
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

#[test]
fn words_the_tokenizer_drops_are_answered_safely() {
    let shop = search_fixture();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    // Characters Rust counts as letters or digits that FTS5's tokenizer may
    // treat as separators or fold away: the query must find nothing, not fail.
    for q in [
        "\u{345}\u{345}\u{345}",
        "ⅠⅡⅢ",
        "ǅǅǅ",
        "𝟘𝟙𝟚",
        "ªºª",
        "²³¹",
        "ﷺﷺﷺ",
        "ⓐⓑⓒ",
        "\u{0e31}\u{0e31}\u{0e31}",
    ] {
        match v.search_customers(&mut owner, q) {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(e.code(), "query_too_short" | "invalid_input"),
                "{q:?}: {e}"
            ),
        }
    }
}

#[test]
fn the_owner_sets_the_currency_new_purchases_are_recorded_in() {
    let Scene {
        shop,
        mut v,
        mut owner,
        pere,
        ..
    } = scene();
    let before = v
        .add_purchase(&mut owner, pere, &purchase("Pa", 250))
        .unwrap();
    assert_eq!(before.currency, "EUR");
    assert_eq!(v.set_currency(&mut owner, " idr ").unwrap(), "IDR");
    let after = v
        .add_purchase(&mut owner, pere, &purchase("Roti", 1_500_000))
        .unwrap();
    assert_eq!(after.currency, "IDR");
    let err = v.set_currency(&mut owner, "rupiah").unwrap_err();
    assert_eq!(err.field(), Some("currency"));
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    assert_eq!(
        v.set_currency(&mut staff, "USD").unwrap_err().code(),
        "forbidden"
    );
    // The one recorded before keeps its currency.
    let CustomerProfile::Full(p) = v
        .customer_profile(&mut owner, pere, AccessPurpose::CustomerRequest)
        .unwrap()
    else {
        panic!()
    };
    let currencies: Vec<&str> = p.purchases.iter().map(|x| x.currency.as_str()).collect();
    assert!(currencies.contains(&"EUR") && currencies.contains(&"IDR"));
}

#[path = "crm/search.rs"]
mod search;
