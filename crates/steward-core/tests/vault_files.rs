//! The vault on disk: encrypted, opened only with its key, and every way a
//! file can be wrong gets its own clear error with nothing lost.

mod common;

use std::fs;

use common::*;
use steward_core::{
    device_account, keyring_account, DbKey, Error, KeyStore, MemoryKeyStore, RecoveryKey, Vault,
};

fn open_err(shop: &Shop) -> Error {
    open_as_owner(&shop.path, &shop.keys)
        .err()
        .expect("open should fail")
}

#[test]
fn marker_is_absent_from_the_raw_files_and_the_vault_opens_only_with_its_key() {
    let shop = Shop::new();
    let marker = "MARKER-Puigdomènech-7731";
    {
        let mut v = shop.open();
        let mut owner = shop.owner(&mut v);
        // The shop name is stored like any other text value.
        v.add_user(
            &mut owner,
            "marker",
            steward_core::Role::Staff,
            &pass(&format!("{marker} passphrase")),
        )
        .unwrap();
        let mut v2_owner = owner;
        v.list_users(&mut v2_owner).unwrap();
    }
    // Shop name and the new username are in the vault; neither appears raw.
    for suffix in ["", "-wal"] {
        let bytes = fs::read(shop.file(suffix)).unwrap_or_default();
        for needle in ["Forn de la", "marker", "SQLite format 3"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} found in the raw file {suffix:?}"
            );
        }
    }
    // With this computer's device secret and a passphrase it opens; with
    // another device secret it does not.
    drop(shop.open());
    let vault_id = shop.open().vault_id().to_owned();
    shop.keys
        .set(&device_account(&vault_id), &DbKey::generate())
        .unwrap();
    assert!(matches!(open_err(&shop), Error::KeySlotsDamaged(_)));
    // And plain SQLite (no key at all) cannot read it either.
    let plain = rusqlite::Connection::open(&shop.path).unwrap();
    assert!(plain
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r
            .get::<_, i64>(0))
        .is_err());
}

#[test]
fn missing_keyring_entry_points_to_the_recovery_key() {
    let shop = Shop::new();
    let id = shop.open().vault_id().to_owned();
    shop.keys.delete(&device_account(&id)).unwrap();
    let e = open_err(&shop);
    assert!(matches!(e, Error::KeyMissing), "{e}");
    assert!(e.to_string().contains("steward recover"));
}

#[test]
fn keyring_not_running_is_reported_with_what_to_do() {
    let shop = Shop::new();
    shop.keys.set_unavailable(true);
    let e = open_err(&shop);
    assert_eq!(e.code(), "keyring_unavailable");
    assert!(e.to_string().contains("recovery key"), "{e}");
}

#[test]
fn recovery_key_reopens_the_vault_and_restores_the_keyring_entry() {
    let shop = Shop::new();
    let id = shop.open().vault_id().to_owned();
    let fresh_keyring = MemoryKeyStore::new();
    let v = Vault::recover(&shop.path, &fresh_keyring, &shop.recovery_key).unwrap();
    assert_eq!(v.shop_name().unwrap(), "Forn de la Plaça");
    drop(v);
    assert!(fresh_keyring.get(&device_account(&id)).unwrap().is_some());
    open_as_owner(&shop.path, &fresh_keyring).unwrap();
}

#[test]
fn recovery_key_opens_the_vault_even_when_the_keyring_is_down() {
    let shop = Shop::new();
    let down = MemoryKeyStore::new();
    down.set_unavailable(true);
    let v = Vault::recover(&shop.path, &down, &shop.recovery_key).unwrap();
    assert!(!v.keyring_restored());
    assert_eq!(v.shop_name().unwrap(), "Forn de la Plaça");
}

#[test]
fn wrong_recovery_key_is_refused_and_the_vault_untouched() {
    let shop = Shop::new();
    let before = fs::read(&shop.path).unwrap();
    let wrong = RecoveryKey::parse("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789").unwrap();
    let e = Vault::recover(&shop.path, &MemoryKeyStore::new(), &wrong)
        .err()
        .unwrap();
    assert!(matches!(e, Error::WrongRecoveryKey), "{e}");
    assert_eq!(fs::read(&shop.path).unwrap(), before);
}

#[test]
fn recovery_without_the_recovery_file_says_so() {
    let shop = Shop::new();
    fs::remove_file(shop.file(".recovery.json")).unwrap();
    let e = Vault::recover(&shop.path, &MemoryKeyStore::new(), &shop.recovery_key)
        .err()
        .unwrap();
    assert_eq!(e.code(), "recovery_file_missing");
}

/// Issue 11 §11: a crafted recovery file asked Argon2 for 4 TiB of memory
/// (an abort) or billions of passes (a hang). Parameters Steward could not
/// have written are refused before any key derivation runs.
#[test]
fn a_recovery_file_with_impossible_key_parameters_is_refused_at_once() {
    let shop = Shop::new();
    let path = shop.file(".recovery.json");
    let genuine: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    for (param, value) in [
        ("m_kib", serde_json::json!(4_294_967_295u32)),
        ("t", serde_json::json!(4_000_000_000u32)),
        ("p", serde_json::json!(0)),
        ("m_kib", serde_json::json!(8)),
        ("salt", serde_json::json!("00")),
    ] {
        let mut crafted = genuine.clone();
        crafted["kdf"][param] = value;
        fs::write(&path, serde_json::to_vec(&crafted).unwrap()).unwrap();
        let e = Vault::recover(&shop.path, &MemoryKeyStore::new(), &shop.recovery_key)
            .err()
            .unwrap();
        assert_eq!(e.code(), "recovery_file_missing", "{param}");
    }
    // The genuine file still works.
    fs::write(&path, serde_json::to_vec(&genuine).unwrap()).unwrap();
    Vault::recover(&shop.path, &MemoryKeyStore::new(), &shop.recovery_key).unwrap();
}

/// Issue 11 §11: the recovery file was read whole, at every open, however
/// large; a crafted multi-gigabyte one stalled or aborted Steward. A file
/// far larger than any Steward writes is refused unread.
#[test]
fn an_oversized_recovery_file_is_refused() {
    let shop = Shop::new();
    let path = shop.file(".recovery.json");
    let mut padded = fs::read(&path).unwrap();
    // Still valid JSON: only the size gives it away.
    padded.extend(std::iter::repeat_n(b' ', 1024 * 1024));
    fs::write(&path, &padded).unwrap();
    let e = Vault::recover(&shop.path, &MemoryKeyStore::new(), &shop.recovery_key)
        .err()
        .unwrap();
    assert_eq!(e.code(), "recovery_file_missing");
}

#[test]
fn owner_who_forgot_the_passphrase_resets_it_with_the_recovery_key() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        // Not without the recovery key.
        assert!(v
            .reset_owner_passphrase(OWNER, &pass("brand new passphrase"))
            .is_err());
    }
    let mut v = Vault::recover(&shop.path, &shop.keys, &shop.recovery_key).unwrap();
    shop.clock.install(&mut v);
    v.reset_owner_passphrase(OWNER, &pass("brand new passphrase"))
        .unwrap();
    assert_eq!(
        v.login(OWNER, &pass(OWNER_PASS)).unwrap_err().code(),
        "wrong_credentials"
    );
    shop.clock.advance(chrono::Duration::seconds(2));
    v.login(OWNER, &pass("brand new passphrase")).unwrap();
}

/// Each kind of wrong file, and the error code it must get.
#[test]
fn files_that_are_not_vaults_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let check = |name: &str, content: &dyn Fn(&std::path::Path), expected: &str| {
        let p = dir.path().join(name);
        content(&p);
        let before = fs::read(&p).unwrap_or_default();
        let e = open_as_owner(&p, &keys).err().expect(name);
        assert_eq!(e.code(), expected, "{name}: {e}");
        assert_eq!(
            fs::read(&p).unwrap_or_default(),
            before,
            "{name} was modified"
        );
    };
    check("missing.steward", &|_| {}, "no_vault");
    check(
        "empty.steward",
        &|p| fs::write(p, b"").unwrap(),
        "not_a_vault",
    );
    check(
        "tiny.steward",
        &|p| fs::write(p, b"hello").unwrap(),
        "not_a_vault",
    );
    check(
        "random.steward",
        &|p| {
            fs::write(
                p,
                (0..8192u32)
                    .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                    .collect::<Vec<_>>(),
            )
            .unwrap()
        },
        "not_a_vault",
    );
    check(
        "plain.steward",
        &|p| {
            let c = rusqlite::Connection::open(p).unwrap();
            c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
                .unwrap();
        },
        "not_a_vault",
    );
}

#[test]
fn first_run_in_a_data_folder_that_does_not_exist_yet_is_a_new_shop_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-yet").join("vault.steward");
    let e = open_as_owner(&path, &MemoryKeyStore::new()).err().unwrap();
    assert_eq!(e.code(), "no_vault", "{e}");
    assert!(
        !dir.path().join("not-yet").exists(),
        "nothing created before setup"
    );
    Vault::create(
        &path,
        &MemoryKeyStore::new(),
        "Shop",
        "owner",
        &pass("owner passphrase"),
    )
    .unwrap();
}

#[test]
fn an_encrypted_database_of_another_program_is_not_a_vault() {
    let shop = Shop::new();
    let other = shop.dir.path().join("other.db");
    let key = DbKey::generate();
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; CREATE TABLE t(x);",
            key.to_hex().as_str()
        ))
        .unwrap();
    }
    let id = hex::encode(&fs::read(&other).unwrap()[..16]);
    // As a vault made before key slots would be found: its key in the keyring.
    shop.keys.set(&keyring_account(&id), &key).unwrap();
    let e = open_as_owner(&other, &shop.keys).err().unwrap();
    assert_eq!(e.code(), "not_a_vault", "{e}");
}

#[test]
fn truncated_vault_is_reported_as_damaged() {
    let shop = Shop::new();
    let bytes = fs::read(&shop.path).unwrap();
    assert!(bytes.len() >= 3 * 4096, "vault unexpectedly small");
    for cut in [bytes.len() / 2, 4096 * 2, 4096 + 100] {
        fs::write(&shop.path, &bytes[..cut]).unwrap();
        let e = open_err(&shop);
        assert_eq!(e.code(), "vault_damaged", "cut at {cut}: {e}");
    }
}

#[test]
fn vault_from_a_newer_version_is_refused_without_changes() {
    let shop = Shop::new();
    shop.raw_connection()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let e = open_err(&shop);
    assert!(matches!(e, Error::NewerSchema { found: 99, .. }), "{e}");
}

#[test]
fn second_instance_is_told_the_vault_is_already_open() {
    let shop = Shop::new();
    let first = shop.open();
    let e = open_err(&shop);
    assert!(matches!(e, Error::AlreadyOpen), "{e}");
    assert!(e.to_string().contains("already open in another window"));
    drop(first);
    shop.open();
}

#[test]
fn setup_refuses_to_overwrite_an_existing_vault() {
    let shop = Shop::new();
    let before = fs::read(&shop.path).unwrap();
    let e = Vault::create(
        &shop.path,
        &shop.keys,
        "Other",
        "x",
        &pass("another passphrase"),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "vault_exists");
    assert_eq!(fs::read(&shop.path).unwrap(), before);
}

#[test]
fn setup_with_keyring_down_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.steward");
    let keys = MemoryKeyStore::new();
    keys.set_unavailable(true);
    let e = Vault::create(&path, &keys, "Shop", "owner", &pass("owner passphrase"))
        .err()
        .unwrap();
    assert_eq!(e.code(), "keyring_unavailable");
    assert!(!path.exists());
    assert!(!dir.path().join("v.steward.recovery.json").exists());
}

#[test]
fn weak_owner_passphrase_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.steward");
    let e = Vault::create(
        &path,
        &MemoryKeyStore::new(),
        "Shop",
        "owner",
        &pass("short"),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), "weak_passphrase");
    assert!(!path.exists());
}

#[test]
fn status_shows_counts_and_no_personal_data() {
    let shop = Shop::new();
    let v = shop.open();
    let s = v.status().unwrap();
    assert_eq!(s.schema_version, steward_core::SCHEMA_VERSION);
    assert_eq!(s.users, 1);
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains(OWNER));
}

/// Issue 11 §13: the vault, its journal, recovery file, lock and anchor were
/// created readable by every account on the computer (0644).
#[cfg(unix)]
#[test]
fn every_file_of_a_vault_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let f = in_store_form(&mut v, &mut owner, &["membership"], &[("name", "Núria")]);
    v.join_customer(&mut owner, f).unwrap();
    let mut seen = 0;
    for entry in fs::read_dir(shop.dir.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "{} is open to others ({mode:o})",
            entry.file_name().to_string_lossy()
        );
        seen += 1;
    }
    // The vault, its -wal and -shm, the lock, the recovery file, the anchor.
    assert!(seen >= 6, "only {seen} files");
}

/// Issue 11 §9: the one-window lock was keyed on the path as typed, so the
/// same vault reached through a symbolic link, or through `dir/../dir`,
/// opened a second time beside the first.
#[cfg(unix)]
#[test]
fn the_same_vault_reached_by_another_path_is_already_open() {
    let shop = Shop::new();
    let link = shop.dir.path().join("link.steward");
    std::os::unix::fs::symlink(&shop.path, &link).unwrap();
    fs::create_dir(shop.dir.path().join("sub")).unwrap();
    let roundabout = shop.dir.path().join("sub").join("..").join("shop.steward");

    let first = shop.open();
    for other in [&link, &roundabout] {
        let e = open_as_owner(other, &shop.keys)
            .err()
            .expect("a second open");
        assert!(matches!(e, Error::AlreadyOpen), "{}: {e}", other.display());
    }
    drop(first);
    let via_link = open_as_owner(&link, &shop.keys).unwrap();
    let e = open_as_owner(&shop.path, &shop.keys)
        .err()
        .expect("a second open");
    assert!(matches!(e, Error::AlreadyOpen), "{e}");
    drop(via_link);
}

/// Issue 11 §9: opened through a symbolic link, the vault looked for its
/// audit anchor and recovery file beside the link, raised a false alarm and
/// could not be recovered.
#[cfg(unix)]
#[test]
fn a_vault_opened_through_a_link_keeps_using_the_files_beside_it() {
    let shop = Shop::new();
    let link = shop.dir.path().join("link.steward");
    std::os::unix::fs::symlink(&shop.path, &link).unwrap();
    {
        let mut v = open_as_owner(&link, &shop.keys).unwrap();
        let mut owner = shop.owner(&mut v);
        let verdict = v.verify_audit_log(&mut owner).unwrap();
        assert!(verdict.intact, "{}", verdict.message);
    }
    drop(Vault::recover(&link, &MemoryKeyStore::new(), &shop.recovery_key).unwrap());
    let beside_link: Vec<_> = fs::read_dir(shop.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("link.steward") && n != "link.steward")
        .collect();
    assert!(beside_link.is_empty(), "{beside_link:?}");
}

/// Issue 11 §13: a vault made before files were created owner-only kept
/// its recovery file, lock and journal readable by everyone after an
/// upgrade: only the database file itself was narrowed at open.
#[cfg(unix)]
#[test]
fn an_older_vaults_files_are_made_owner_only_when_it_is_opened() {
    use std::os::unix::fs::PermissionsExt;
    let shop = Shop::new();
    let mut widened = 0;
    for entry in fs::read_dir(shop.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        widened += 1;
    }
    // The vault, the lock, the recovery file, the anchor.
    assert!(widened >= 4, "only {widened} files");
    let v = shop.open();
    for entry in fs::read_dir(shop.dir.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "{} is still open to others ({mode:o})",
            entry.file_name().to_string_lossy()
        );
    }
    drop(v);
}

/// Issue 11 §10: a setup killed halfway left a file that could neither be
/// opened nor set up again. Setup marks its work until the vault is
/// complete; what a cut-off setup leaves is no vault, and setup starts over.
#[test]
fn a_setup_cut_off_halfway_can_be_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.steward");
    let keys = MemoryKeyStore::new();
    drop(Vault::create(&path, &keys, "Shop", OWNER, &pass(OWNER_PASS)).unwrap());
    let marker = dir.path().join("v.steward.setup-unfinished");
    assert!(!marker.exists(), "a finished setup leaves no marker");
    // As if the process had died before the setup finished.
    fs::write(&marker, b"").unwrap();
    let e = open_as_owner(&path, &keys).err().unwrap();
    assert_eq!(e.code(), "no_vault", "{e}");
    drop(Vault::create(&path, &keys, "Forn nou", OWNER, &pass(OWNER_PASS)).unwrap());
    assert!(!marker.exists());
    let v = open_as_owner(&path, &keys).unwrap();
    assert_eq!(v.shop_name().unwrap(), "Forn nou");
}
