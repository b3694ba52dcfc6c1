//! Quick switch at the till: a PIN unlocks or switches the user while the
//! vault is open, only when the owner allows it, stops after five wrong
//! tries, and never does what changes the shop.

mod common;

use common::*;
use steward_core::{Action, Error, Pin, Role, Session, MAX_PIN_FAILURES};

fn pin(s: &str) -> Pin {
    Pin::new(s.into())
}

/// A shop that allows PINs, where staff member sam set the PIN 2580.
fn shop_where_sam_has_a_pin() -> (Shop, steward_core::Vault, Session, Session) {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_quick_switch(&mut owner, true).unwrap();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    v.set_own_pin(&mut sam, &pass("sam own passphrase"), &pin("2580"))
        .unwrap();
    (shop, v, owner, sam)
}

#[test]
fn a_pin_signs_in_only_after_the_owner_allows_pins_and_the_user_sets_one() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);

    // Off by default: nobody can set or use a PIN.
    assert!(matches!(
        v.set_own_pin(&mut sam, &pass("sam own passphrase"), &pin("2580")),
        Err(Error::PinNotAvailable)
    ));
    assert!(matches!(
        v.login_with_pin("sam", &pin("2580")),
        Err(Error::PinNotAvailable)
    ));

    let mut owner = shop.owner(&mut v);
    assert!(matches!(
        v.set_quick_switch(&mut sam, true),
        Err(Error::Forbidden { .. })
    ));
    v.set_quick_switch(&mut owner, true).unwrap();
    assert!(v.quick_switch_enabled().unwrap());

    // The passphrase is asked again, and an easy PIN is refused.
    assert!(matches!(
        v.set_own_pin(&mut sam, &pass("not sam's passphrase"), &pin("2580")),
        Err(Error::WrongCredentials)
    ));
    assert!(matches!(
        v.set_own_pin(&mut sam, &pass("sam own passphrase"), &pin("1234")),
        Err(Error::WeakPin(_))
    ));
    v.set_own_pin(&mut sam, &pass("sam own passphrase"), &pin("2580"))
        .unwrap();

    v.lock_session(&mut sam, "manual").unwrap();
    let back = v.login_with_pin("sam", &pin("2580")).unwrap();
    assert_eq!(back.username(), "sam");
    assert!(back.by_pin());
    assert_eq!(
        v.users_with_pin(&mut owner).unwrap(),
        vec!["sam".to_owned()]
    );

    // Someone without a PIN, and an unknown name, get nothing.
    assert!(matches!(
        v.login_with_pin("olga", &pin("2580")),
        Err(Error::PinNotAvailable)
    ));
    assert!(matches!(
        v.login_with_pin("nobody", &pin("2580")),
        Err(Error::WrongCredentials)
    ));
}

#[test]
fn five_wrong_pins_stop_the_pin_until_the_passphrase_is_used() {
    // `_shop` keeps the vault's folder for the whole test.
    let (_shop, mut v, mut owner, mut sam) = shop_where_sam_has_a_pin();
    v.lock_session(&mut sam, "manual").unwrap();

    for _ in 1..MAX_PIN_FAILURES {
        assert!(matches!(
            v.login_with_pin("sam", &pin("9999")),
            Err(Error::WrongCredentials)
        ));
    }
    assert!(matches!(
        v.login_with_pin("sam", &pin("9999")),
        Err(Error::PinBlocked)
    ));
    // Even the right PIN no longer works.
    assert!(matches!(
        v.login_with_pin("sam", &pin("2580")),
        Err(Error::PinBlocked)
    ));
    // The passphrase does, and gives the PIN back.
    v.login("sam", &pass("sam own passphrase")).unwrap();
    assert!(v.login_with_pin("sam", &pin("2580")).is_ok());

    // Every wrong PIN and the block are in the audit log, without the PIN.
    let log = v
        .access_log(&mut owner, &steward_core::oversight::LogFilter::default())
        .unwrap();
    let text = serde_json::to_string(&log).unwrap();
    assert!(text.contains("pin blocked"), "{text}");
    assert!(!text.contains("2580") && !text.contains("9999"));
}

#[test]
fn a_session_opened_with_a_pin_serves_customers_but_does_not_change_the_shop() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_quick_switch(&mut owner, true).unwrap();
    v.set_own_pin(&mut owner, &pass(OWNER_PASS), &pin("7391"))
        .unwrap();
    v.lock_session(&mut owner, "manual").unwrap();

    let mut quick = v.login_with_pin(OWNER, &pin("7391")).unwrap();
    assert!(v.search_customers(&mut quick, "anyone").is_ok());
    assert!(matches!(
        v.set_autolock_seconds(&mut quick, 300),
        Err(Error::PassphraseNeeded {
            action: Action::ChangeSettings
        })
    ));
    assert!(matches!(
        v.set_quick_switch(&mut quick, false),
        Err(Error::PassphraseNeeded { .. })
    ));
    // What the UI is offered leaves those out.
    let allowed = quick.allowed_actions();
    assert!(allowed.contains(&Action::RecordPurchase));
    assert!(!allowed.contains(&Action::ChangeSettings));
    assert!(!allowed.contains(&Action::EraseCustomer));

    // With the passphrase, the owner switches PINs off: every PIN goes.
    let mut owner = shop.owner(&mut v);
    v.set_quick_switch(&mut owner, false).unwrap();
    assert!(v.users_with_pin(&mut owner).unwrap().is_empty());
    v.set_quick_switch(&mut owner, true).unwrap();
    assert!(matches!(
        v.login_with_pin(OWNER, &pin("7391")),
        Err(Error::PinNotAvailable)
    ));
}

#[test]
fn a_disabled_account_cannot_use_its_pin() {
    let (_shop, mut v, mut owner, _sam) = shop_where_sam_has_a_pin();
    v.disable_user(&mut owner, "sam").unwrap();
    assert!(matches!(
        v.login_with_pin("sam", &pin("2580")),
        Err(Error::AccountDisabled)
    ));
}
