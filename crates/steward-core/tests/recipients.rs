//! Issue 12 §4: recipients bound to one purpose, hand-overs holding only
//! consenting customers and only the fields that purpose covers, and the
//! record of who received whose data (for Art. 19 and the customer).

mod common;

use common::*;
use steward_core::{CollectionMethod, Error, IdentityCheck, NewRecipient, Role, Vault, Withdrawal};

fn mailer() -> NewRecipient {
    NewRecipient {
        name: "Correus Ràpids SL".into(),
        receives: "the e-mail address, to send the shop's offers".into(),
        purpose: "email-offers".into(),
        country: "es".into(),
        agreement_date: "2026-10-01".into(),
        agreement_ref: "DPA-2026-07".into(),
    }
}

fn join(
    v: &mut Vault,
    s: &mut steward_core::Session,
    purposes: &[&str],
    name: &str,
    email: &str,
) -> i64 {
    let f = in_store_form(v, s, purposes, &[("name", name), ("email", email)]);
    v.join_customer(s, f).unwrap().customer_id
}

#[test]
fn a_hand_over_holds_only_customers_who_agree_and_only_what_the_purpose_covers() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let anna = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        "Anna Puig",
        "anna@example.cat",
    );
    let pere = join(
        &mut v,
        &mut owner,
        &["membership"],
        "Pere Roca",
        "pere@example.cat",
    );
    let mailer = v.add_recipient(&mut owner, &mailer()).unwrap();
    assert_eq!(mailer.country, "ES");

    let out = v.hand_over(&mut owner, mailer.id).unwrap();
    assert_eq!(out.fields, ["email"]);
    assert_eq!(out.rows.len(), 1);
    assert_eq!(out.rows[0].customer, anna);
    let csv = out.to_csv();
    assert!(csv.contains("anna@example.cat"), "{csv}");
    for absent in ["Anna", "Pere", "pere@example.cat"] {
        assert!(!csv.contains(absent), "{absent} in {csv}");
    }
    // Who received what is on record for Anna, for nobody else.
    let told = v.disclosures(&mut owner, anna).unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].recipient, "Correus Ràpids SL");
    assert_eq!(told[0].fields, ["email"]);
    assert!(v.disclosures(&mut owner, pere).unwrap().is_empty());

    // Once Anna withdraws, the next hand-over leaves her out.
    v.withdraw_consent(
        &mut owner,
        anna,
        Withdrawal {
            lang: None,
            purposes: vec!["email-offers".into()],
            method: CollectionMethod::InStoreForm,
            identity_check: IdentityCheck::KnownCustomer,
            signature: signature(),
            form_id: None,
        },
    )
    .unwrap();
    assert!(v.hand_over(&mut owner, mailer.id).unwrap().rows.is_empty());
    // The earlier hand-over stays on record, to tell the recipient.
    assert_eq!(v.disclosures(&mut owner, anna).unwrap().len(), 1);
}

#[test]
fn only_the_owner_keeps_recipients_and_hands_data_over() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let bound = v.add_recipient(&mut owner, &mailer()).unwrap();
    v.logout(owner).unwrap();
    for role in [Role::Manager, Role::Staff, Role::Marketing, Role::Auditor] {
        let name = format!("{}-user", role.as_str());
        let mut s = shop.user(&mut v, &name, role);
        assert!(
            matches!(v.hand_over(&mut s, bound.id), Err(Error::Forbidden { .. })),
            "{role:?}"
        );
        assert!(
            matches!(
                v.add_recipient(&mut s, &mailer()),
                Err(Error::Forbidden { .. })
            ),
            "{role:?}"
        );
        v.logout(s).unwrap();
    }
}

#[test]
fn a_recipient_is_refused_without_a_real_purpose_a_country_or_a_past_agreement() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    type Change = fn(&mut NewRecipient);
    let cases: [(&str, Change); 4] = [
        ("purpose_not_found", |r| {
            r.purpose = "no-such-purpose".into()
        }),
        ("invalid_input", |r| r.country = "Spain".into()),
        ("invalid_input", |r| r.agreement_date = "2999-01-01".into()),
        ("invalid_input", |r| r.name = "Mail\u{202E}er".into()),
    ];
    for (code, change) in cases {
        let mut r = mailer();
        change(&mut r);
        assert_eq!(v.add_recipient(&mut owner, &r).unwrap_err().code(), code);
    }
    assert!(v.recipients(&mut owner).unwrap().is_empty());
    // A removed recipient receives nothing more.
    let removed = v.add_recipient(&mut owner, &mailer()).unwrap();
    v.remove_recipient(&mut owner, removed.id).unwrap();
    assert_eq!(
        v.hand_over(&mut owner, removed.id).unwrap_err().code(),
        "recipient_not_found"
    );
}

/// Art. 19: a recipient that received a field is to be told when it is
/// corrected; one that did not receive it is not.
#[test]
fn correcting_a_handed_over_field_lists_the_recipient_to_tell() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let anna = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        "Anna Puig",
        "anna@example.cat",
    );
    let mailer = v.add_recipient(&mut owner, &mailer()).unwrap();
    v.hand_over(&mut owner, mailer.id).unwrap();
    let change = |field: &str, value: &str| steward_core::FieldChange {
        field: field.into(),
        value: Some(value.into()),
    };
    // The name never went to the mailer: nobody to tell.
    v.correct_customer(&mut owner, anna, &[change("name", "Anna Puig i Soler")])
        .unwrap();
    assert!(v.recipients_to_tell(&mut owner).unwrap().is_empty());
    v.correct_customer(
        &mut owner,
        anna,
        &[change("email", "anna.puig@example.cat")],
    )
    .unwrap();
    let open = v.recipients_to_tell(&mut owner).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].customer, open[0].event.as_str()),
        (anna, "corrected")
    );
    assert_eq!(open[0].fields, ["email"]);
    assert_eq!(open[0].recipient, "Correus Ràpids SL");
    v.mark_recipient_told(&mut owner, open[0].id).unwrap();
    assert!(v.recipients_to_tell(&mut owner).unwrap().is_empty());
    assert_eq!(
        v.mark_recipient_told(&mut owner, open[0].id)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
}

/// The notice's "who else gets it" names every recipient, what it receives
/// and for which purpose, in the customer's language; adding or removing
/// one publishes a new version.
#[test]
fn the_notice_names_each_recipient_and_a_change_publishes_a_new_version() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let others = |v: &mut Vault, s: &mut steward_core::Session, lang| {
        let n = v.notice(s, lang, None).unwrap();
        let text = n
            .body
            .sections
            .iter()
            .find(|x| x.key == "others")
            .unwrap()
            .text
            .clone();
        (n.version, text)
    };
    let (before, text) = others(&mut v, &mut owner, steward_core::Lang::Ca);
    assert!(text.starts_with("Ningú més"), "{text}");
    let mailer = v.add_recipient(&mut owner, &mailer()).unwrap();
    let (after, text) = others(&mut v, &mut owner, steward_core::Lang::Ca);
    assert_eq!(after, before + 1);
    assert!(
        text.contains("Correus Ràpids SL (ES) rep the e-mail address, to send the shop's offers"),
        "{text}"
    );
    let (_, en) = others(&mut v, &mut owner, steward_core::Lang::En);
    assert!(en.starts_with("Only the firms below"), "{en}");
    v.remove_recipient(&mut owner, mailer.id).unwrap();
    let (last, text) = others(&mut v, &mut owner, steward_core::Lang::Ca);
    assert_eq!(last, after + 1);
    assert!(text.starts_with("Ningú més"), "{text}");
}

/// Issue 12 §2 with §4: a restricted customer is kept out of every
/// hand-over, and the recipients that received their data are to be told.
#[test]
fn a_restricted_customer_is_left_out_of_the_hand_over_and_its_recipients_are_to_be_told() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let anna = join(
        &mut v,
        &mut owner,
        &["membership", "email-offers"],
        "Anna Puig",
        "anna@example.cat",
    );
    let mailer = v.add_recipient(&mut owner, &mailer()).unwrap();
    assert_eq!(v.hand_over(&mut owner, mailer.id).unwrap().rows.len(), 1);
    v.restrict_customer(
        &mut owner,
        anna,
        steward_core::RestrictionCategory::ObjectionPending,
        None,
    )
    .unwrap();
    assert!(v.hand_over(&mut owner, mailer.id).unwrap().rows.is_empty());
    let open = v.recipients_to_tell(&mut owner).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].customer, open[0].event.as_str()),
        (anna, "restricted")
    );
    assert_eq!(open[0].fields, ["email"]);
    v.lift_restriction(&mut owner, anna).unwrap();
    assert_eq!(v.hand_over(&mut owner, mailer.id).unwrap().rows.len(), 1);
}
