//! Retiring this computer (issue 13 §4) on real vault files: the owner,
//! with their passphrase and the word RETIRE, destroys the vault, its key
//! material and the keyring entry, and gets a certificate without customer
//! data; a wrong word or passphrase, or another role, destroys nothing; a
//! backup made before still moves the shop to a new computer with the
//! recovery key.

mod common;

use std::path::PathBuf;

use common::{in_store_form as form, pass, Shop, OWNER, OWNER_PASS};
use steward_core::{device_account, ClosedVault, Error, KeyStore, MemoryKeyStore, Role, Vault};

const NAME: &str = "Quimeta Farrandolis";

/// A shop with one customer, the owner signed in; its files as they are.
fn scene() -> (Shop, Vault, steward_core::Session) {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = form(&mut v, &mut owner, &["membership"], &[("name", NAME)]);
    v.join_customer(&mut owner, f).unwrap();
    (shop, v, owner)
}

/// Every file Steward keeps beside the vault, and the vault.
fn vault_files(shop: &Shop) -> Vec<PathBuf> {
    [
        "",
        "-wal",
        "-shm",
        ".lock",
        ".keys.json",
        ".recovery.json",
        ".audit-head",
    ]
    .iter()
    .map(|s| shop.file(s))
    .collect()
}

fn device_secret_kept(shop: &Shop, vault_id: &str) -> bool {
    shop.keys.get(&device_account(vault_id)).unwrap().is_some()
}

#[test]
fn retiring_destroys_every_file_and_the_keyring_entry_and_the_vault_no_longer_opens() {
    let (shop, mut v, mut owner) = scene();
    let vault_id = v.vault_id().to_owned();
    assert!(device_secret_kept(&shop, &vault_id));
    let ok = v
        .approve_retirement(&mut owner, &pass(OWNER_PASS), "RETIRE")
        .unwrap();
    let cert = v.retire(&shop.keys, ok).unwrap();

    for p in vault_files(&shop) {
        assert!(!p.exists(), "{} is still there", p.display());
    }
    assert!(!device_secret_kept(&shop, &vault_id));
    assert!(cert.complete);
    assert_eq!(cert.vault_id, vault_id);
    assert_eq!(cert.shop_name, "Forn de la Plaça");
    assert_eq!(cert.keyring_entries, vec![device_account(&vault_id)]);
    let names: Vec<&str> = cert.files.iter().map(|f| f.name.as_str()).collect();
    for n in [
        "shop.steward",
        "shop.steward.keys.json",
        "shop.steward.recovery.json",
    ] {
        assert!(names.contains(&n), "{n} not on the certificate: {names:?}");
    }
    assert!(cert.files.iter().all(|f| f.overwritten && f.deleted));
    assert!(cert.to_text().contains("NIST SP 800-88"));

    match ClosedVault::take(&shop.path) {
        Err(e @ Error::NoVault(_)) => assert!(e.to_string().contains("no vault")),
        Err(other) => panic!("expected no vault, got {other}"),
        Ok(_) => panic!("the vault still opens"),
    }
    // The recovery key opens nothing either: its file is gone.
    assert!(Vault::recover(&shop.path, &shop.keys, &shop.recovery_key).is_err());
}

#[test]
fn the_certificate_holds_no_customer_data_no_user_name_and_no_folder() {
    let (shop, mut v, mut owner) = scene();
    let ok = v
        .approve_retirement(&mut owner, &pass(OWNER_PASS), "RETIRE")
        .unwrap();
    let cert = v.retire(&shop.keys, ok).unwrap();
    let text = cert.to_text();
    let json = serde_json::to_string(&cert).unwrap();
    let folder = shop.dir.path().to_string_lossy().into_owned();
    for printed in [&text, &json] {
        assert!(!printed.contains(NAME));
        assert!(!printed.contains("Quimeta"));
        assert!(!printed.contains(OWNER));
        assert!(!printed.contains(&folder));
        assert!(printed.contains("Backups made before"));
        assert!(printed.contains("wear levelling"));
    }
}

#[test]
fn a_wrong_confirmation_or_passphrase_destroys_nothing_and_the_vault_stays_open() {
    let (shop, mut v, mut owner) = scene();
    let vault_id = v.vault_id().to_owned();
    for (passphrase, word, expected) in [
        (OWNER_PASS, "retire", "retirement_not_confirmed"),
        (OWNER_PASS, "", "retirement_not_confirmed"),
        ("not the passphrase", "RETIRE", "wrong_credentials"),
    ] {
        let err = v
            .approve_retirement(&mut owner, &pass(passphrase), word)
            .err()
            .expect("refused");
        assert_eq!(err.code(), expected);
    }
    // Still usable, and every file and the keyring entry are still there.
    assert_eq!(v.status().unwrap().customers, 1);
    v.logout(owner).unwrap();
    drop(v);
    for p in [".keys.json", ".recovery.json", ".audit-head", ""] {
        assert!(shop.file(p).exists(), "{p}");
    }
    assert!(device_secret_kept(&shop, &vault_id));
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn nobody_but_the_owner_may_retire_this_computer() {
    let (shop, mut v, owner) = scene();
    v.logout(owner).unwrap();
    for role in [Role::Manager, Role::Staff, Role::Marketing, Role::Auditor] {
        let name = format!("user{}", role.as_str());
        let mut s = shop.user(&mut v, &name, role);
        let own = format!("{name} own passphrase");
        let err = v
            .approve_retirement(&mut s, &pass(&own), "RETIRE")
            .err()
            .expect("refused");
        assert!(matches!(err, Error::Forbidden { .. }), "{role:?}: {err}");
        v.logout(s).unwrap();
    }
    drop(v);
    assert!(shop.path.exists());
}

#[test]
fn a_keyring_that_cannot_be_reached_destroys_nothing() {
    let (shop, mut v, mut owner) = scene();
    let ok = v
        .approve_retirement(&mut owner, &pass(OWNER_PASS), "RETIRE")
        .unwrap();
    shop.keys.set_unavailable(true);
    let err = v.retire(&shop.keys, ok).expect_err("refused");
    assert_eq!(err.code(), "keyring_unavailable");
    shop.keys.set_unavailable(false);
    for p in [".keys.json", ".recovery.json", ""] {
        assert!(shop.file(p).exists(), "{p}");
    }
    let v = shop.open();
    assert_eq!(v.status().unwrap().customers, 1);
}

#[test]
fn a_backup_made_before_retiring_moves_the_shop_to_a_new_computer_with_the_recovery_key() {
    let (shop, mut v, mut owner) = scene();
    let usb = tempfile::tempdir().unwrap();
    let made = v.backup_now(&mut owner, Some(usb.path())).unwrap();
    let ok = v
        .approve_retirement(&mut owner, &pass(OWNER_PASS), "RETIRE")
        .unwrap();
    v.retire(&shop.keys, ok).unwrap();
    assert!(made.path.exists(), "the backup on the stick is not touched");

    let new_computer = tempfile::tempdir().unwrap();
    let new_path = new_computer.path().join("shop.steward");
    let keys = MemoryKeyStore::new();
    let (mut v, _) =
        Vault::restore_backup_new(&new_path, &keys, &made.path, &shop.recovery_key).unwrap();
    let mut owner = v.login(OWNER, &pass(OWNER_PASS)).unwrap();
    assert_eq!(v.status().unwrap().customers, 1);
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}
