//! Issue 11 §1: the keyring alone opened the whole vault. Now the database
//! key is wrapped per user under the device secret (keyring) and the user's
//! passphrase: neither alone opens anything, and every account change keeps
//! the slots in step.

mod common;

use std::fs;

use chrono::Duration;
use common::*;
use steward_core::{
    device_account, keyring_account, slots_path, Error, KeyStore, MemoryKeyStore, Role, Vault,
};

/// Whether a raw SQLCipher connection keyed with `key_hex` reads the file.
fn raw_key_opens(shop: &Shop, key_hex: &str) -> bool {
    let c = rusqlite::Connection::open(&shop.path).unwrap();
    c.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\";"))
        .unwrap();
    c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok()
}

#[test]
fn what_the_keyring_holds_does_not_open_the_vault() {
    let shop = Shop::new();
    let id = shop.open().vault_id().to_owned();
    // The only entry is the device secret; the database key is not there.
    assert!(shop.keys.get(&keyring_account(&id)).unwrap().is_none());
    let device = shop.keys.get(&device_account(&id)).unwrap().unwrap();
    assert!(!raw_key_opens(&shop, device.to_hex().as_str()));
    // The database key does (the test's control), and nothing on disk
    // beside the vault holds it in the clear.
    let db_key = shop.db_key.to_hex();
    assert!(raw_key_opens(&shop, db_key.as_str()));
    // The helper the CLI's test uses tells the two apart as well.
    assert!(steward_core::raw_key_reads_file_for_tests(
        &shop.path,
        &shop.db_key
    ));
    assert!(!steward_core::raw_key_reads_file_for_tests(
        &shop.path, &device
    ));
    for entry in fs::read_dir(shop.dir.path()).unwrap() {
        let text = fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&text);
        assert!(!text.contains(db_key.as_str()));
        assert!(!text.contains(device.to_hex().as_str()));
    }
    // And the device secret with a wrong passphrase opens nothing.
    let e = shop
        .closed()
        .sign_in(&shop.keys, OWNER, &pass("a wrong passphrase"))
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
}

#[test]
fn the_slots_file_names_nobody_and_the_login_screen_still_shows_the_shop() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        shop.user(&mut v, "marta.puig", Role::Staff);
    }
    let text = fs::read_to_string(slots_path(&shop.path)).unwrap();
    assert!(!text.contains("marta"), "{text}");
    assert!(!text.to_lowercase().contains(OWNER));
    let cover = shop.closed().cover(&shop.keys).unwrap();
    assert_eq!(cover.shop_name.as_deref(), Some("Forn de la Plaça"));
    assert_eq!(cover.sign_in_slots, 2);
    assert!(!cover.upgrade_pending);
    // On a computer without the device secret, the recovery key is the way.
    let e = shop.closed().cover(&MemoryKeyStore::new()).err().unwrap();
    assert!(matches!(e, Error::KeyMissing), "{e}");
}

#[test]
fn every_account_change_keeps_its_slot_in_step() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        v.add_user(&mut owner, "pau", Role::Staff, &pass("initial passphrase"))
            .unwrap();
    }
    // A new user opens the vault with the initial passphrase...
    let (mut v, mut pau) = shop
        .closed()
        .sign_in(&shop.keys, "pau", &pass("initial passphrase"))
        .unwrap();
    assert!(pau.must_change_passphrase());
    v.change_own_passphrase(
        &mut pau,
        &pass("initial passphrase"),
        &pass("pau chose this one"),
    )
    .unwrap();
    drop(v);
    // ...and after changing it, only with the new one.
    let e = shop
        .closed()
        .sign_in(&shop.keys, "pau", &pass("initial passphrase"))
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
    shop.clock.advance(Duration::seconds(2));
    let closed = shop.closed();
    let (mut v, pau) = closed
        .sign_in(&shop.keys, "PAU", &pass("pau chose this one"))
        .unwrap();
    assert_eq!(pau.role(), Role::Staff);
    v.logout(pau).unwrap();
    // A role change needs no new slot.
    let mut owner = shop.owner(&mut v);
    v.set_role(&mut owner, "pau", Role::Manager).unwrap();
    drop(v);
    drop(closed);
    let (mut v, pau) = shop
        .closed()
        .sign_in(&shop.keys, "pau", &pass("pau chose this one"))
        .unwrap();
    assert_eq!(pau.role(), Role::Manager);
    // Disabling removes the slot: the passphrase opens nothing any more.
    v.logout(pau).unwrap();
    let mut owner = shop.owner(&mut v);
    v.disable_user(&mut owner, "pau").unwrap();
    drop(v);
    let e = shop
        .closed()
        .sign_in(&shop.keys, "pau", &pass("pau chose this one"))
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
}

#[test]
fn an_old_copy_of_the_sign_in_file_does_not_bring_back_an_old_passphrase() {
    let shop = Shop::new();
    drop(shop.open());
    let old_file = fs::read(slots_path(&shop.path)).unwrap();
    {
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        v.change_own_passphrase(&mut owner, &pass(OWNER_PASS), &pass("the owner's new one"))
            .unwrap();
    }
    // The old file (genuine, so it passes its check) is put back.
    fs::write(slots_path(&shop.path), &old_file).unwrap();
    // Its slot still unwraps the key, but no longer proves the passphrase:
    // the account's own check refuses the old one.
    let e = open_as_owner_with(&shop, OWNER_PASS).err().unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
}

#[test]
fn a_sign_in_file_edited_by_hand_is_refused() {
    let shop = Shop::new();
    drop(shop.open());
    let path = slots_path(&shop.path);
    let genuine: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    // Two wrong passphrases start a back-off...
    for guess in ["guess one here", "guess two here"] {
        let _ = shop.closed().sign_in(&shop.keys, OWNER, &pass(guess));
        shop.clock.advance(Duration::seconds(1));
    }
    let with_backoff: serde_json::Value =
        serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(with_backoff["backoff"].as_array().unwrap().len(), 1);
    // ...that wiping it by hand does not reset: the file no longer checks.
    let mut wiped = with_backoff.clone();
    wiped["backoff"] = serde_json::json!([]);
    fs::write(&path, serde_json::to_vec(&wiped).unwrap()).unwrap();
    let e = open_as_owner(&shop.path, &shop.keys).err().unwrap();
    assert!(matches!(e, Error::KeySlotsDamaged(_)), "{e}");
    // A renamed shop on the login screen is refused alike.
    let mut renamed = genuine.clone();
    renamed["shop_name"] = serde_json::json!("Another Shop");
    fs::write(&path, serde_json::to_vec(&renamed).unwrap()).unwrap();
    let e = shop.closed().cover(&shop.keys).err().unwrap();
    assert_eq!(e.code(), "key_slots_damaged");
    // The recovery key repairs it: the device secret comes out of its
    // escrow and the owner's slot works again.
    fs::write(&path, serde_json::to_vec(&genuine).unwrap()).unwrap();
    shop.clock.advance(Duration::seconds(5));
    open_as_owner(&shop.path, &shop.keys).unwrap();
}

#[test]
fn on_a_new_computer_the_recovery_key_brings_every_slot_back() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        shop.user(&mut v, "pau", Role::Staff);
    }
    let new_computer = MemoryKeyStore::new();
    let e = open_as_owner(&shop.path, &new_computer).err().unwrap();
    assert!(matches!(e, Error::KeyMissing), "{e}");
    drop(Vault::recover(&shop.path, &new_computer, &shop.recovery_key).unwrap());
    // The same device secret is back, so staff sign in without the owner.
    let (_, pau) = Vault::open(
        &shop.path,
        &new_computer,
        "pau",
        &pass("pau own passphrase"),
    )
    .unwrap();
    assert_eq!(pau.role(), Role::Staff);
}

#[test]
fn without_its_sign_in_file_a_recovered_vault_gives_each_user_a_slot_at_their_next_login() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        shop.user(&mut v, "pau", Role::Staff);
    }
    fs::remove_file(slots_path(&shop.path)).unwrap();
    let mut v = Vault::recover(&shop.path, &shop.keys, &shop.recovery_key).unwrap();
    shop.clock.install(&mut v);
    // Signing in on the open vault (the passphrase checked against the
    // account) makes the slot that opens it next time.
    let owner = v.login(OWNER, &pass(OWNER_PASS)).unwrap();
    v.logout(owner).unwrap();
    drop(v);
    open_as_owner(&shop.path, &shop.keys).unwrap();
    // Pau has not signed in since: the vault stays closed to him.
    let e = shop
        .closed()
        .sign_in(&shop.keys, "pau", &pass("pau own passphrase"))
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
}

#[test]
fn a_vault_made_before_slots_is_moved_to_them_by_its_owner() {
    let shop = Shop::new();
    let id = shop.open().vault_id().to_owned();
    // Make it look as vaults did before key slots.
    fs::remove_file(slots_path(&shop.path)).unwrap();
    shop.keys.delete(&device_account(&id)).unwrap();
    shop.keys.set(&keyring_account(&id), &shop.db_key).unwrap();
    assert!(shop.closed().cover(&shop.keys).unwrap().upgrade_pending);
    // A wrong passphrase still opens nothing of the people in it.
    let e = open_as_owner_with(&shop, "a wrong passphrase")
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongCredentials), "{e}");
    shop.clock.advance(Duration::seconds(2));
    drop(open_as_owner_with(&shop, OWNER_PASS).unwrap());
    assert!(shop.keys.get(&keyring_account(&id)).unwrap().is_none());
    let cover = shop.closed().cover(&shop.keys).unwrap();
    assert!(!cover.upgrade_pending);
    assert_eq!(cover.shop_name.as_deref(), Some("Forn de la Plaça"));
    // Had removing the old entry failed, the next sign-in removes it.
    shop.keys.set(&keyring_account(&id), &shop.db_key).unwrap();
    drop(open_as_owner_with(&shop, OWNER_PASS).unwrap());
    assert!(shop.keys.get(&keyring_account(&id)).unwrap().is_none());
}

fn open_as_owner_with(shop: &Shop, passphrase: &str) -> steward_core::Result<Vault> {
    shop.closed()
        .sign_in(&shop.keys, OWNER, &pass(passphrase))
        .map(|(v, _)| v)
}
