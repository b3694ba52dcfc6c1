//! The unattended schedule (issue 13 §2): an OS timer runs the retention
//! schedule while nobody is signed in, through a key slot the owner
//! switches on. What it opens can only run the schedule; it opens nothing
//! without the keyring's schedule secret, a changed slot is refused as
//! damaged, and switching it off, recovering without the sign-in file or
//! retiring the computer leave nothing that opens the vault.

mod common;

use chrono::Duration;
use common::{in_store_form as form, pass, Shop, OWNER, OWNER_PASS};
use steward_core::{
    device_account, raw_key_reads_file_for_tests, schedule_account, DbKey, Error, KeyStore,
    MemoryKeyStore, Role, RETIRE_CONFIRMATION,
};

const NAME: &str = "Quillabeth Strodmaine";

/// A shop with one member whose membership ends in three years.
fn shop_with_a_member() -> Shop {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = form(&mut v, &mut owner, &["membership"], &[("name", NAME)]);
    v.join_customer(&mut owner, f).unwrap();
    v.logout(owner).unwrap();
    shop
}

fn enable(shop: &Shop) {
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.enable_unattended_schedule(&mut owner, &shop.keys)
        .unwrap();
    assert!(v.unattended_schedule_on(&mut owner, &shop.keys).unwrap());
    v.logout(owner).unwrap();
}

fn unattended_error(shop: &Shop, keys: &dyn KeyStore) -> Error {
    match shop.closed().open_unattended(keys) {
        Ok(_) => panic!("the unattended schedule opened the vault"),
        Err(e) => e,
    }
}

#[test]
fn the_unattended_schedule_erases_an_expired_member_with_nobody_signed_in() {
    let shop = shop_with_a_member();
    enable(&shop);
    // Switching it on is logged (read now: the run three years on removes
    // access-log entries older than the shop's access-log period).
    {
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        let log = v
            .access_log(&mut owner, &steward_core::LogFilter::default())
            .unwrap();
        assert!(log.iter().any(|e| e.action == "retention.schedule_on"));
    }
    shop.clock.advance(Duration::days(3 * 366 + 30));
    let mut scheduled = shop.closed().open_unattended(&shop.keys).unwrap();
    let due = scheduled.due_now().unwrap();
    assert_eq!(due.customers_to_erase, 1);
    let (summary, _) = scheduled.run_retention(&mut |_, _| {}).unwrap();
    assert_eq!(summary.customers_erased, 1);
    assert_eq!(summary.trigger, "schedule");
    assert_eq!(scheduled.due_now().unwrap().customers_to_erase, 0);
    drop(scheduled);

    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert!(!v.residue_scan(&mut owner, NAME).unwrap().found);
    let log = v
        .access_log(&mut owner, &steward_core::LogFilter::default())
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"retention.run"), "{actions:?}");
}

#[test]
fn the_schedule_slot_opens_nothing_without_the_keyrings_schedule_secret() {
    let shop = shop_with_a_member();
    // Never switched on.
    assert!(matches!(
        unattended_error(&shop, &shop.keys),
        Error::ScheduleNotEnabled
    ));
    enable(&shop);
    let vault_id = shop.closed().vault_id().to_owned();
    // The slot file and the device secret, without the schedule secret.
    let without = MemoryKeyStore::new();
    let device = shop.keys.get(&device_account(&vault_id)).unwrap().unwrap();
    without.set(&device_account(&vault_id), &device).unwrap();
    let e = unattended_error(&shop, &without);
    assert!(matches!(e, Error::ScheduleNotEnabled), "{e}");
    assert!(e.to_string().contains("retention schedule enable"), "{e}");
    // Another schedule secret in its place.
    without
        .set(&schedule_account(&vault_id), &DbKey::generate())
        .unwrap();
    assert!(matches!(
        unattended_error(&shop, &without),
        Error::KeySlotsDamaged(_)
    ));
    // Neither secret is the database key.
    let secret = shop
        .keys
        .get(&schedule_account(&vault_id))
        .unwrap()
        .unwrap();
    for key in [secret, device] {
        assert!(!raw_key_reads_file_for_tests(&shop.path, &key));
    }
}

#[test]
fn a_changed_schedule_slot_is_refused_as_damaged() {
    let shop = shop_with_a_member();
    enable(&shop);
    let file = shop.file(".keys.json");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    let wrapped = json["schedule"]["wrapped"].as_str().unwrap().to_owned();
    let flipped = if wrapped.starts_with('0') { "1" } else { "0" };
    json["schedule"]["wrapped"] = format!("{flipped}{}", &wrapped[1..]).into();
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    assert!(matches!(
        unattended_error(&shop, &shop.keys),
        Error::KeySlotsDamaged(_)
    ));
    // A slot taken out of the file by hand is a change too.
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    json.as_object_mut().unwrap().remove("schedule");
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    assert!(matches!(
        unattended_error(&shop, &shop.keys),
        Error::KeySlotsDamaged(_)
    ));
    std::fs::write(&file, original).unwrap();
    assert!(shop.closed().open_unattended(&shop.keys).is_ok());
}

#[test]
fn switching_the_schedule_off_removes_its_slot_and_secret_and_is_logged() {
    let shop = shop_with_a_member();
    enable(&shop);
    let vault_id = shop.closed().vault_id().to_owned();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert!(v
        .disable_unattended_schedule(&mut owner, &shop.keys)
        .unwrap());
    assert!(!v.unattended_schedule_on(&mut owner, &shop.keys).unwrap());
    assert!(shop
        .keys
        .get(&schedule_account(&vault_id))
        .unwrap()
        .is_none());
    let text = std::fs::read_to_string(shop.file(".keys.json")).unwrap();
    assert!(!text.contains("\"schedule\""), "{text}");
    let log = v
        .access_log(&mut owner, &steward_core::LogFilter::default())
        .unwrap();
    assert!(log.iter().any(|e| e.action == "retention.schedule_off"));
    v.logout(owner).unwrap();
    drop(v);
    assert!(matches!(
        unattended_error(&shop, &shop.keys),
        Error::ScheduleNotEnabled
    ));
}

#[test]
fn only_the_owner_switches_the_schedule_and_a_new_passphrase_keeps_it_working() {
    let shop = shop_with_a_member();
    let mut v = shop.open();
    for role in [Role::Manager, Role::Staff, Role::Marketing, Role::Auditor] {
        let mut s = shop.user(&mut v, role.as_str(), role);
        let e = v
            .enable_unattended_schedule(&mut s, &shop.keys)
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{role}: {e}");
        v.logout(s).unwrap();
    }
    let mut owner = shop.owner(&mut v);
    v.enable_unattended_schedule(&mut owner, &shop.keys)
        .unwrap();
    v.change_own_passphrase(
        &mut owner,
        &pass(OWNER_PASS),
        &pass("a new owner passphrase"),
    )
    .unwrap();
    v.logout(owner).unwrap();
    drop(v);
    // The schedule slot holds no passphrase: it still opens, for the
    // schedule only.
    assert!(shop.closed().open_unattended(&shop.keys).is_ok());
    assert!(shop
        .closed()
        .sign_in(&shop.keys, OWNER, &pass(OWNER_PASS))
        .is_err());
}

#[test]
fn recovering_without_the_sign_in_file_leaves_no_schedule_behind() {
    let shop = shop_with_a_member();
    enable(&shop);
    let vault_id = shop.closed().vault_id().to_owned();
    std::fs::remove_file(shop.file(".keys.json")).unwrap();
    let v = shop
        .closed()
        .recover(&shop.keys, &shop.recovery_key)
        .unwrap();
    drop(v);
    assert!(shop
        .keys
        .get(&schedule_account(&vault_id))
        .unwrap()
        .is_none());
    assert!(matches!(
        unattended_error(&shop, &shop.keys),
        Error::ScheduleNotEnabled
    ));
}

#[test]
fn retiring_the_computer_removes_the_schedule_secret_from_the_keyring() {
    let shop = shop_with_a_member();
    enable(&shop);
    let vault_id = shop.closed().vault_id().to_owned();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let approval = v
        .approve_retirement(&mut owner, &pass(OWNER_PASS), RETIRE_CONFIRMATION)
        .unwrap();
    let cert = v.retire(&shop.keys, approval).unwrap();
    assert!(cert.complete);
    assert!(cert.keyring_entries.contains(&schedule_account(&vault_id)));
    assert!(shop
        .keys
        .get(&schedule_account(&vault_id))
        .unwrap()
        .is_none());
}
