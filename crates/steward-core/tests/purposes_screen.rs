//! The owner's purposes screen through the public core API, on real vault
//! files: each purpose as customers read it with who agrees to it, and the
//! preview of a change, which says what saving would do and keeps nothing.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::{in_store_form as form, Shop};
use steward_core::{
    Error, HandedTo, Lang, LegalBasis, NewPurpose, PurposeChange, PurposeText, Role, Session, Vault,
};

fn text(name: &str, description: &str) -> PurposeText {
    PurposeText {
        name: name.into(),
        description: description.into(),
    }
}

/// Workshop invitations, written in Catalan only.
fn workshops() -> NewPurpose {
    NewPurpose {
        id: "workshops".into(),
        legal_basis: LegalBasis::Consent,
        retention_days: 400,
        fields: vec!["email".into()],
        marketing: false,
        texts: BTreeMap::from([(
            Lang::Ca,
            text(
                "Tallers de pa",
                "Us convidem als tallers de pa del dissabte.",
            ),
        )]),
    }
}

/// A shop with one customer who joined with membership and e-mail offers.
fn shop_with_a_customer() -> (Shop, Vault, Session) {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = form(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        &[("name", "Anna Vidal"), ("email", "anna@example.cat")],
    );
    v.join_customer(&mut owner, f).unwrap();
    (shop, v, owner)
}

fn notice_version(v: &mut Vault, s: &mut Session) -> i64 {
    v.notice(s, Lang::En, None).unwrap().version
}

#[test]
fn the_overview_shows_each_purpose_as_customers_read_it_and_how_many_agree() {
    let (_shop, mut v, mut owner) = shop_with_a_customer();
    let o = v.purposes_overview(&mut owner, Lang::Ca).unwrap();
    assert_eq!(o.notice_version, notice_version(&mut v, &mut owner));
    let membership = o
        .purposes
        .iter()
        .find(|p| p.purpose.id == "membership")
        .unwrap();
    let shown = membership.shown.as_ref().unwrap();
    assert_eq!(shown.name, "Condició de soci");
    assert!(shown.required);
    // Field names in words, as the notice prints them, and when the clock starts.
    assert!(
        shown.fields.iter().any(|f| f.label == "Nom i cognoms"),
        "{shown:?}"
    );
    assert!(
        shown.retention_text.contains("última visita"),
        "{}",
        shown.retention_text
    );
    assert_eq!(membership.holders, Some(1));
    assert!(membership.untranslated.is_empty());
    let loyalty = o
        .purposes
        .iter()
        .find(|p| p.purpose.id == "loyalty")
        .unwrap();
    assert_eq!(loyalty.holders, Some(0));
}

#[test]
fn staff_and_a_screen_handed_to_a_customer_see_the_purposes_without_counts() {
    let (shop, mut v, _owner) = shop_with_a_customer();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let o = v.purposes_overview(&mut staff, Lang::En).unwrap();
    assert!(o.purposes.iter().all(|p| p.holders.is_none()));
    for refused in [
        v.preview_new_purpose(&mut staff, workshops()).map(drop),
        v.preview_purpose_change(&mut staff, "loyalty", PurposeChange::default())
            .map(drop),
        v.add_purpose(&mut staff, workshops()).map(drop),
    ] {
        assert!(
            matches!(refused, Err(Error::Forbidden { .. })),
            "{refused:?}"
        );
    }
    let mut manager = shop.user(&mut v, "mia", Role::Manager);
    let o = v.purposes_overview(&mut manager, Lang::En).unwrap();
    assert!(o.purposes.iter().all(|p| p.holders.is_some()));
    assert!(matches!(
        v.preview_new_purpose(&mut manager, workshops()),
        Err(Error::Forbidden { .. })
    ));
    // The screen handed to a customer reads the purposes, never the counts.
    v.enter_customer_mode(&mut manager, HandedTo::NewCustomer)
        .unwrap();
    let o = v.purposes_overview(&mut manager, Lang::En).unwrap();
    assert!(o.purposes.iter().all(|p| p.holders.is_none()));
}

#[test]
fn a_new_purpose_previews_the_next_notice_version_and_saving_publishes_that_version() {
    let (_shop, mut v, mut owner) = shop_with_a_customer();
    let before = notice_version(&mut v, &mut owner);
    let effects = v.preview_new_purpose(&mut owner, workshops()).unwrap();
    assert!(effects.adds);
    assert_eq!(effects.notice_version, before);
    assert_eq!(effects.publishes_version, Some(before + 1));
    assert_eq!(effects.holders, 0);
    assert_eq!(effects.retention_days, 400);
    // The preview kept nothing: no purpose, no new notice.
    assert_eq!(notice_version(&mut v, &mut owner), before);
    assert!(!v
        .list_purposes(&mut owner)
        .unwrap()
        .iter()
        .any(|p| p.id == "workshops"));

    v.add_purpose(&mut owner, workshops()).unwrap();
    assert_eq!(notice_version(&mut v, &mut owner), before + 1);
    // Written in Catalan only: every language carries the same words.
    let o = v.purposes_overview(&mut owner, Lang::Es).unwrap();
    let added = o
        .purposes
        .iter()
        .find(|p| p.purpose.id == "workshops")
        .unwrap();
    assert_eq!(added.untranslated.len(), 4);
    assert_eq!(added.shown.as_ref().unwrap().name, "Tallers de pa");
    // A preview refuses what saving refuses: the id is taken now.
    assert!(matches!(
        v.preview_new_purpose(&mut owner, workshops()),
        Err(Error::PurposeExists { .. })
    ));
}

#[test]
fn adding_a_field_to_a_purpose_is_previewed_as_asking_its_holders_again() {
    let (_shop, mut v, mut owner) = shop_with_a_customer();
    v.set_field_enabled(&mut owner, "phone", true).unwrap();
    let change = PurposeChange {
        fields: Some(vec!["email".into(), "phone".into()]),
        ..PurposeChange::default()
    };
    let effects = v
        .preview_purpose_change(&mut owner, "email-offers", change)
        .unwrap();
    assert_eq!(effects.fields_added, ["phone"]);
    assert!(effects.fields_removed.is_empty());
    assert_eq!(effects.holders, 1);
    assert_eq!(effects.erases_from_customers, 0);
    assert!(effects.publishes_version.is_some());
}

#[test]
fn taking_a_field_off_is_previewed_with_the_customers_it_erases_and_erases_nothing_yet() {
    let (shop, mut v, mut owner) = shop_with_a_customer();
    let change = || PurposeChange {
        fields: Some(vec!["name".into(), "phone".into()]),
        ..PurposeChange::default()
    };
    // E-mail offers still cover the e-mail: taking it off membership erases nothing.
    let effects = v
        .preview_purpose_change(&mut owner, "membership", change())
        .unwrap();
    assert_eq!(effects.fields_removed, ["email"]);
    assert_eq!(effects.erases_from_customers, 0);
    // Off e-mail offers as well: the e-mail would go.
    let effects = v
        .preview_purpose_change(
            &mut owner,
            "email-offers",
            PurposeChange {
                fields: Some(vec![]),
                ..PurposeChange::default()
            },
        )
        .unwrap();
    assert_eq!(effects.fields_removed, ["email"]);
    assert_eq!(
        effects.erases_from_customers, 0,
        "membership still lists it"
    );
    v.edit_purpose(&mut owner, "membership", change()).unwrap();
    let effects = v
        .preview_purpose_change(
            &mut owner,
            "email-offers",
            PurposeChange {
                fields: Some(vec![]),
                ..PurposeChange::default()
            },
        )
        .unwrap();
    assert_eq!(effects.erases_from_customers, 1);
    assert_eq!(effects.erased_fields, ["email"]);
    // Previewed only: the value is still held.
    let held: i64 = shop
        .raw_connection()
        .query_row(
            "SELECT count(*) FROM customer_field WHERE field = 'email'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(held, 1);
}

#[test]
fn shortening_membership_is_previewed_with_the_customers_the_next_run_would_erase() {
    let (shop, mut v, owner) = shop_with_a_customer();
    v.logout(owner).unwrap();
    shop.clock.advance(Duration::days(100));
    let mut owner = shop.owner(&mut v);
    let effects = v
        .preview_purpose_change(
            &mut owner,
            "membership",
            PurposeChange {
                retention_days: Some(30),
                ..PurposeChange::default()
            },
        )
        .unwrap();
    assert!(effects.required);
    assert!(effects.retention_changed);
    assert_eq!(effects.ends_now, 1);
    let longer = v
        .preview_purpose_change(
            &mut owner,
            "membership",
            PurposeChange {
                retention_days: Some(2000),
                ..PurposeChange::default()
            },
        )
        .unwrap();
    assert_eq!(longer.ends_now, 0);
    // Membership keeps the name, in the preview as in saving.
    let refused = v.preview_purpose_change(
        &mut owner,
        "membership",
        PurposeChange {
            fields: Some(vec!["email".into()]),
            ..PurposeChange::default()
        },
    );
    assert!(
        matches!(
            refused,
            Err(Error::InvalidInput {
                field: "fields",
                ..
            })
        ),
        "{refused:?}"
    );
}
