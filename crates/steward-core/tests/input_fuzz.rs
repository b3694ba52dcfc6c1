//! Whatever a person types (any Unicode, control characters, very long
//! text, SQL syntax), the core answers with a specific error code or a
//! result, never a panic, and the error message never repeats the input.

mod common;

use common::*;
use proptest::prelude::*;
use steward_core::{RecoveryKey, Role};

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,80}",
        "[\\x00-\\x1f'\";%_\\-\\\\ ]{0,40}",
        "(?s).{0,4000}",
        Just("x'; DROP TABLE user_account; --".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn recovery_key_input_never_panics(typed in any_text()) {
        match RecoveryKey::parse(&typed) {
            Ok(k) => prop_assert_eq!(k.as_str().len(), 39),
            Err(e) => {
                prop_assert_eq!(e.code(), "invalid_input");
                if typed.chars().count() > 3 {
                    prop_assert!(!e.to_string().contains(typed.as_str()));
                }
            }
        }
    }

    #[test]
    fn passphrase_strength_check_never_panics(text in any_text()) {
        let res = pass(&text).check_strength();
        if let Err(e) = res {
            prop_assert_eq!(e.code(), "weak_passphrase");
        }
    }
}

/// The vault-backed inputs share one vault (opening is the slow part).
#[test]
fn usernames_and_login_input_get_specific_errors_never_panics() {
    let shop = Shop::new();
    let mut v = shop.open();
    let owner = shop.owner(&mut v);
    // The runner takes a shared closure; the vault and session are used one
    // case at a time.
    let state = std::cell::RefCell::new((v, owner));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    runner
        .run(&any_text(), |name| {
            let (v, owner) = &mut *state.borrow_mut();
            match v.add_user(owner, &name, Role::Staff, &pass("a fine passphrase")) {
                Ok(u) => prop_assert_eq!(u.username, name.trim()),
                Err(e) => {
                    prop_assert!(matches!(e.code(), "invalid_input" | "user_exists"), "{}", e);
                    if name.trim().chars().count() > 3 {
                        prop_assert!(!e.to_string().contains(name.trim()));
                    }
                }
            }
            // Unknown or odd usernames at login: the same single answer.
            if v.login(&name, &pass("definitely wrong")).is_ok() {
                return Err(TestCaseError::fail("logged in with a wrong passphrase"));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn shop_names_are_validated_before_anything_is_written() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    });
    runner
        .run(&any_text(), |name| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("v.steward");
            let keys = steward_core::MemoryKeyStore::new();
            match steward_core::Vault::create(
                &path,
                &keys,
                &name,
                "owner",
                &pass("owner passphrase"),
            ) {
                Ok((v, _)) => prop_assert_eq!(v.shop_name().unwrap(), name.trim()),
                Err(e) => {
                    prop_assert_eq!(e.code(), "invalid_input");
                    prop_assert!(!path.exists());
                }
            }
            Ok(())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every catalog field answers any text with a normalised value or a
    /// specific error that names the field and never repeats the value.
    #[test]
    fn field_values_get_a_specific_error_or_a_clean_value(text in any_text()) {
        for spec in steward_core::catalog::CATALOG {
            match steward_core::catalog::validate(spec, &text) {
                Ok(v) => {
                    prop_assert!(!v.is_empty() && v.chars().count() <= spec.max_chars);
                    prop_assert!(!steward_core::catalog::contains_card_number(&v));
                }
                Err(e) => {
                    prop_assert!(["invalid_input", "card_number_refused"].contains(&e.code()));
                    prop_assert!(e.to_string().contains(spec.key));
                    let trimmed = text.trim();
                    if trimmed.chars().count() > 3 {
                        prop_assert!(!e.to_string().contains(trimmed));
                    }
                }
            }
        }
    }

    /// A receipt file of any bytes is judged valid or invalid, never a panic.
    #[test]
    fn any_bytes_given_as_a_receipt_are_rejected_cleanly(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        as_pdf in any::<bool>(),
    ) {
        let mut input = bytes;
        if as_pdf {
            let mut pdf = b"%PDF-1.7\n".to_vec();
            pdf.extend_from_slice(&input);
            input = pdf;
        }
        let err = steward_core::verify_receipt(&input).unwrap_err();
        prop_assert_eq!(err.code(), "receipt_invalid");
    }
}

/// A consent form filled with anything at all (odd purposes, unknown or
/// switched-off fields, any text, broken signatures) is recorded or refused
/// with a specific error; a refusal stores nothing and repeats no value.
#[test]
fn any_consent_form_is_recorded_or_refused_cleanly_and_a_refusal_stores_nothing() {
    use steward_core::{CollectionMethod, ConsentForm, IdentityCheck, Lang, Signature};
    let shop = Shop::new();
    let mut v = shop.open();
    let owner = shop.owner(&mut v);
    let state = std::cell::RefCell::new((v, owner));
    let purpose = prop_oneof![
        Just("membership".to_owned()),
        Just("email-offers".to_owned()),
        Just("birthday-offer".to_owned()),
        Just("sales-records".to_owned()),
        "[a-z-]{1,12}",
    ];
    let field = prop_oneof![
        Just("name".to_owned()),
        Just("email".to_owned()),
        Just("phone".to_owned()),
        Just("birth_date".to_owned()),
        ".{0,12}",
    ];
    let point = (-0.5f64..1.5, -0.5f64..1.5).prop_map(|(x, y)| [x, y]);
    let signature = prop::option::of(prop::collection::vec(
        prop::collection::vec(point, 0..5),
        0..3,
    ));
    let form = (
        prop::collection::vec(purpose, 0..4),
        prop::collection::vec((field, any_text()), 0..4),
        signature,
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&form, |(granted, fields, strokes)| {
            let (v, owner) = &mut *state.borrow_mut();
            let before = v.status().unwrap();
            let notice_version = v.notice(owner, Lang::Id, None).unwrap().version;
            let res = v.join_customer(
                owner,
                ConsentForm {
                    lang: Lang::Id,
                    notice_version,
                    granted,
                    fields: fields.clone(),
                    method: CollectionMethod::InStoreForm,
                    identity_check: IdentityCheck::SelfDeclared,
                    signature: strokes.map(Signature::Drawn),
                    form_id: None,
                },
            );
            let after = v.status().unwrap();
            match res {
                Ok(r) => {
                    prop_assert_eq!(after.customers, before.customers + 1);
                    prop_assert!(steward_core::verify_receipt(r.receipt.json.as_bytes()).is_ok());
                }
                Err(e) => {
                    prop_assert!(
                        [
                            "invalid_input",
                            "consent_missing",
                            "field_not_consented",
                            "field_disabled",
                            "card_number_refused",
                            "signature_required",
                            "purpose_not_found",
                        ]
                        .contains(&e.code()),
                        "{}",
                        e
                    );
                    prop_assert_eq!(after.customers, before.customers);
                    prop_assert_eq!(after.consent_records, before.consent_records);
                    for (_, value) in &fields {
                        let value = value.trim();
                        if value.chars().count() > 3 {
                            prop_assert!(!e.to_string().contains(value));
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Whatever a customer types as their signature, with or without their
/// tick, the form is recorded only with a name and the tick, and is
/// otherwise refused with a specific error that never repeats the name.
#[test]
fn any_typed_signature_is_recorded_or_refused_cleanly_without_repeating_it() {
    use steward_core::Signature;
    let shop = Shop::new();
    let mut v = shop.open();
    let owner = shop.owner(&mut v);
    let state = std::cell::RefCell::new((v, owner));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&(any_text(), any::<bool>()), |(name, confirmed)| {
            let (v, owner) = &mut *state.borrow_mut();
            // A name long enough, and with a letter or digit, to be told
            // apart from the receipt's and the message's own words.
            let telling =
                name.trim().chars().count() > 3 && name.chars().any(char::is_alphanumeric);
            let before = v.status().unwrap();
            let mut form = in_store_form(v, owner, &["membership"], &[("name", "Fuzz Person")]);
            form.signature = Some(Signature::typed(name.clone(), confirmed));
            let res = v.join_customer(owner, form);
            let after = v.status().unwrap();
            match res {
                Ok(r) => {
                    prop_assert!(confirmed && !name.trim().is_empty());
                    prop_assert_eq!(after.customers, before.customers + 1);
                    prop_assert!(steward_core::verify_receipt(r.receipt.json.as_bytes()).is_ok());
                    if telling {
                        prop_assert!(!r.receipt.json.contains(name.trim()));
                    }
                }
                Err(e) => {
                    prop_assert!(
                        [
                            "signature_not_confirmed",
                            "typed_signature_invalid",
                            "card_number_refused"
                        ]
                        .contains(&e.code()),
                        "{}",
                        e
                    );
                    prop_assert_eq!(after.customers, before.customers);
                    if telling {
                        prop_assert!(!e.to_string().contains(name.trim()));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}
