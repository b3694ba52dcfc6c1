//! The owner's dashboard through the public core API, on a real vault file:
//! its counts match a shop seeded over three weeks, only the owner and the
//! manager see it, birthdays are shown only of customers who agree to the
//! birthday offer, and its audit entry names fields, never values.

mod common;

use chrono::{Duration, Local, NaiveDate};
use common::Shop;
use steward_core::oversight::LogFilter;
use steward_core::{
    CollectionMethod, Error, IdentityCheck, NewPurchase, Role, Session, Vault, Withdrawal,
};

fn join(v: &mut Vault, s: &mut Session, granted: &[&str], fields: &[(&str, &str)]) -> i64 {
    let form = common::in_store_form(v, s, granted, fields);
    v.join_customer(s, form).unwrap().customer_id
}

fn spend(v: &mut Vault, s: &mut Session, customer: i64, cents: i64) {
    let purchase = NewPurchase {
        amount_cents: Some(cents),
        ..NewPurchase::default()
    };
    v.add_purchase(s, customer, &purchase).unwrap();
}

fn withdraw(v: &mut Vault, s: &mut Session, customer: i64, purpose: &str) {
    let request = Withdrawal {
        lang: None,
        purposes: vec![purpose.into()],
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::KnownCustomer,
        signature: None,
        form_id: None,
    };
    v.withdraw_consent(s, customer, request).unwrap();
}

/// A birth date in 1988 (a leap year) whose birthday is `days` from today
/// (the test clock starts at the real now).
fn born(days: i64) -> String {
    let day = Local::now().date_naive() + Duration::days(days);
    format!("1988-{}", day.format("%m-%d"))
}

/// Moves the clock a week on; the owner, locked out by then, signs in again.
fn a_week_later(shop: &Shop, v: &mut Vault, owner: Session) -> Session {
    shop.clock.advance(Duration::days(7));
    let _ = v.logout(owner);
    shop.owner(v)
}

struct Seeded {
    shop: Shop,
    v: Vault,
    owner: Session,
    nuria: i64,
    jordi: i64,
    marta: i64,
}

/// Three weeks of a shop: Núria, Pere and Jordi join in the first week
/// (Núria and Jordi to the birthday offer, both with a birthday in the
/// coming days), Pere buys twice in the second, Marta joins in the third,
/// Pere withdraws from e-mail offers and Jordi from the birthday offer.
fn seeded() -> Seeded {
    let shop = Shop::new();
    let mut v = shop.open();
    shop.clock.install(&mut v);
    let mut owner = shop.owner(&mut v);
    v.set_field_enabled(&mut owner, "birth_date", true).unwrap();
    // The clock is moved 14 days on below: birthdays counted from then.
    let nuria_born = born(14 + 2);
    let jordi_born = born(14 + 1);
    let marta_born = born(14 + 20);
    let nuria = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers", "birthday-offer"],
        &[
            ("name", "Núria Puigdomènech"),
            ("email", "nuria@example.cat"),
            ("birth_date", &nuria_born),
        ],
    );
    let pere = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[("name", "Pere Vilaseca"), ("email", "pere@example.cat")],
    );
    let jordi = join(
        &mut v,
        &mut owner,
        &["membership", "birthday-offer"],
        &[("name", "Jordi Casals"), ("birth_date", &jordi_born)],
    );
    spend(&mut v, &mut owner, nuria, 1000);
    let mut owner = a_week_later(&shop, &mut v, owner);
    spend(&mut v, &mut owner, pere, 250);
    spend(&mut v, &mut owner, pere, 300);
    let mut owner = a_week_later(&shop, &mut v, owner);
    let marta = join(
        &mut v,
        &mut owner,
        &["membership", "birthday-offer"],
        &[("name", "Marta Soler"), ("birth_date", &marta_born)],
    );
    spend(&mut v, &mut owner, nuria, 640);
    withdraw(&mut v, &mut owner, pere, "email-offers");
    withdraw(&mut v, &mut owner, jordi, "birthday-offer");
    Seeded {
        shop,
        v,
        owner,
        nuria,
        jordi,
        marta,
    }
}

#[test]
fn the_owner_sees_members_sign_ups_consents_and_spend_per_week_of_the_seeded_shop() {
    let Seeded {
        mut v, mut owner, ..
    } = seeded();
    let d = v.dashboard(&mut owner, 12).unwrap();
    assert_eq!(d.members, 4);
    assert_eq!(d.currency, "EUR");
    assert_eq!(d.weeks.len(), 12);
    let last = &d.weeks[9..];
    assert_eq!(
        last.iter().map(|w| w.signups).collect::<Vec<_>>(),
        [3, 0, 1]
    );
    assert_eq!(
        last.iter().map(|w| w.purchases).collect::<Vec<_>>(),
        [1, 2, 1]
    );
    assert_eq!(
        last.iter().map(|w| w.spend_cents).collect::<Vec<_>>(),
        [1000, 550, 640]
    );
    assert!(d.weeks[..9]
        .iter()
        .all(|w| w.signups == 0 && w.purchases == 0));
    let mondays: Vec<NaiveDate> = d
        .weeks
        .iter()
        .map(|w| NaiveDate::parse_from_str(&w.starts_on, "%Y-%m-%d").unwrap())
        .collect();
    assert!(mondays.windows(2).all(|p| p[1] - p[0] == Duration::days(7)));

    let purpose = |id: &str| d.consents.iter().find(|c| c.purpose == id).unwrap();
    assert_eq!(purpose("membership").agreeing, 4);
    assert_eq!(purpose("email-offers").agreeing, 1);
    assert_eq!(purpose("email-offers").grants[9..], [2, 0, 0]);
    assert_eq!(purpose("email-offers").withdrawals[9..], [0, 0, 1]);
    assert_eq!(purpose("birthday-offer").agreeing, 2);
    assert_eq!(purpose("birthday-offer").grants[9..], [2, 0, 1]);
    assert_eq!(purpose("birthday-offer").withdrawals[9..], [0, 0, 1]);

    // The owner makes backups and sees the retention schedule.
    let backup = d.backup.unwrap();
    assert_eq!(backup.last_at, None);
    assert!(!backup.folder_set);
    let retention = d.retention.unwrap();
    assert_eq!(retention.days, 30);
    assert_eq!(retention.customers_to_erase, 0);
}

#[test]
fn how_many_customers_agree_to_each_purpose_is_shown_week_by_week_from_the_ledger() {
    let shop = Shop::new();
    let mut v = shop.open();
    shop.clock.install(&mut v);
    let mut owner = shop.owner(&mut v);
    // Two weeks ago: Núria and Pere join, both to e-mail offers.
    let nuria = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[
            ("name", "Núria Puigdomènech"),
            ("email", "nuria@example.cat"),
        ],
    );
    let pere = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[("name", "Pere Vilaseca"), ("email", "pere@example.cat")],
    );
    // Last week: Núria withdraws from e-mail offers; Laia joins, without them.
    let mut owner = a_week_later(&shop, &mut v, owner);
    withdraw(&mut v, &mut owner, nuria, "email-offers");
    let laia = join(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", "Laia Serra")],
    );
    // This week: Núria agrees again, Laia agrees too, and Pere leaves the
    // shop altogether.
    let mut owner = a_week_later(&shop, &mut v, owner);
    for (customer, email) in [(nuria, "nuria@example.cat"), (laia, "laia@example.cat")] {
        let form =
            common::in_store_form(&mut v, &mut owner, &["email-offers"], &[("email", email)]);
        v.grant_consent(&mut owner, customer, form).unwrap();
    }
    withdraw(&mut v, &mut owner, pere, "membership");

    let d = v.dashboard(&mut owner, 4).unwrap();
    let holding = |id: &str| {
        d.consents
            .iter()
            .find(|c| c.purpose == id)
            .unwrap()
            .holding
            .clone()
    };
    assert_eq!(holding("membership"), [0, 2, 3, 2]);
    assert_eq!(holding("email-offers"), [0, 2, 1, 2]);
    // The week that ends now agrees with who agrees now.
    for c in &d.consents {
        assert_eq!(c.holding.len(), 4, "{}", c.purpose);
        assert_eq!(c.holding[3], c.agreeing, "{}", c.purpose);
    }
}

#[test]
fn birthdays_this_week_are_only_of_customers_who_agree_to_the_birthday_offer() {
    let Seeded {
        mut v,
        mut owner,
        nuria,
        jordi,
        marta,
        ..
    } = seeded();
    let d = v.dashboard(&mut owner, 12).unwrap();
    let shown: Vec<(i64, Option<&str>)> = d
        .birthdays
        .iter()
        .map(|b| (b.customer_id, b.first_name.as_deref()))
        .collect();
    // Jordi's birthday is tomorrow, but he withdrew from the offer; Marta's
    // is three weeks away.
    assert_eq!(shown, [(nuria, Some("Núria"))]);
    assert!(!shown.iter().any(|(id, _)| *id == jordi || *id == marta));
}

#[test]
fn the_manager_sees_the_dashboard_without_the_retention_schedule() {
    let Seeded { shop, mut v, .. } = seeded();
    let mut manager = shop.user(&mut v, "mireia", Role::Manager);
    let d = v.dashboard(&mut manager, 4).unwrap();
    assert_eq!(d.members, 4);
    assert_eq!(d.weeks.len(), 4);
    assert!(d.backup.is_some());
    assert!(d.retention.is_none());
}

#[test]
fn staff_marketing_and_the_auditor_are_refused_the_dashboard() {
    let Seeded { shop, mut v, .. } = seeded();
    for (name, role) in [
        ("marc", Role::Staff),
        ("laia", Role::Marketing),
        ("anna", Role::Auditor),
    ] {
        let mut s = shop.user(&mut v, name, role);
        match v.dashboard(&mut s, 12) {
            Err(Error::Forbidden { role: r, .. }) => assert_eq!(r, role),
            other => panic!("{role} got {other:?}"),
        }
        v.logout(s).unwrap();
    }
}

#[test]
fn a_dashboard_of_no_weeks_or_of_years_is_refused_with_a_reason() {
    let Seeded {
        mut v, mut owner, ..
    } = seeded();
    for weeks in [0, 54] {
        assert!(matches!(
            v.dashboard(&mut owner, weeks),
            Err(Error::InvalidInput { field: "weeks", .. })
        ));
    }
}

#[test]
fn the_dashboard_view_is_logged_once_with_field_names_and_never_names_or_dates() {
    let Seeded {
        shop,
        mut v,
        mut owner,
        nuria,
        ..
    } = seeded();
    v.dashboard(&mut owner, 12).unwrap();
    let filter = LogFilter {
        action: Some("dashboard".into()),
        ..LogFilter::default()
    };
    let log = v.access_log(&mut owner, &filter).unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(entry.action, "dashboard.view");
    assert_eq!(entry.purpose.as_deref(), Some("birthday-offer"));
    assert_eq!(
        entry.subject.as_deref(),
        Some(&*format!("customer:{nuria}"))
    );
    assert!(entry.fields.iter().any(|f| f == "birth_date"));

    // Nothing in the stored row is a name or a date of birth.
    let raw = shop.raw_connection();
    let row: String = raw
        .query_row(
            "SELECT coalesce(subject, '') || ' ' || coalesce(purpose, '') || ' ' ||
                    coalesce(fields, '') FROM audit_event WHERE action = 'dashboard.view'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for secret in ["Núria", "Puigdomènech", "1990-"] {
        assert!(!row.contains(secret), "{row}");
    }
}
