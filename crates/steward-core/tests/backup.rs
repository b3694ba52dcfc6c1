//! Encrypted backups that honour erasure (issue 13 §3), on real vault
//! files: a backup made, listed, verified and restored; damaged, foreign
//! and truncated files refused with nothing lost; a backup made before an
//! erasure and restored after it does not bring the customer back; the
//! recovery key alone restores into an empty folder; the file holds no
//! customer's value in the clear; old backups are pruned on record.

mod common;

use std::path::{Path, PathBuf};

use chrono::Duration;
use common::{in_store_form as form, signature, Shop};
use steward_core::{
    CollectionMethod, ErasureGround, ErasureRequest, Error, IdentityCheck, MemoryKeyStore, Session,
    Vault,
};

const NAME: &str = "Zumbrella Quistopher";
const EMAIL: &str = "quistopher.zumb@example.cat";
const LATER: &str = "Vintrovar Plessingham";

fn join(v: &mut Vault, s: &mut Session, name: &str, email: Option<&str>) -> i64 {
    let mut fields = vec![("name", name)];
    if let Some(e) = email {
        fields.push(("email", e));
    }
    let f = form(v, s, &["membership", "email-offers"], &fields);
    v.join_customer(s, f).unwrap().customer_id
}

fn erase(v: &mut Vault, s: &mut Session, id: i64) {
    v.erase_customer(
        s,
        id,
        ErasureRequest {
            lang: None,
            ground: ErasureGround::CustomerRequest,
            method: CollectionMethod::InStoreForm,
            identity_check: IdentityCheck::IdDocument,
            signature: signature(),
        },
    )
    .unwrap();
}

/// A shop with one customer, a backup folder beside the vault.
fn scene() -> (Shop, Vault, Session, i64, PathBuf) {
    let shop = Shop::new();
    let mut v = shop.open();
    shop.clock.install(&mut v);
    let mut owner = shop.owner(&mut v);
    let id = join(&mut v, &mut owner, NAME, Some(EMAIL));
    let dir = shop.dir.path().join("usb");
    std::fs::create_dir(&dir).unwrap();
    (shop, v, owner, id, dir)
}

fn customers(v: &mut Vault) -> i64 {
    v.status().unwrap().customers
}

fn found(v: &mut Vault, s: &mut Session, text: &str) -> bool {
    v.residue_scan(s, text).unwrap().found
}

#[test]
fn a_backup_is_listed_verified_and_restored_with_the_data_it_was_made_with() {
    let (shop, mut v, mut owner, _, dir) = scene();
    let made = v.backup_now(&mut owner, Some(&dir)).unwrap();
    assert!(made.file_name.starts_with("steward-backup-"));
    assert!(made.file_name.ends_with(".stewardbackup"));
    assert!(!made.file_name.contains("Zumbrella"));
    let list = v.backups(&mut owner, Some(&dir)).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].backup_id, made.backup_id);
    let checked = v.verify_backup(&mut owner, &made.path).unwrap();
    assert_eq!(checked.customers, 1);
    assert!(checked.audit_entries > 0);

    join(&mut v, &mut owner, LATER, None);
    assert_eq!(customers(&mut v), 2);
    let restored = v.restore_backup(&mut owner, &made.path).unwrap();
    assert!(restored.replayed.is_empty());
    assert_eq!(customers(&mut v), 1);
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
    v.logout(owner).unwrap();
    drop(v);
    // The restored vault opens again as it did, with the same key.
    let mut v = shop.open();
    assert_eq!(customers(&mut v), 1);
    let mut owner = shop.owner(&mut v);
    assert!(found(&mut v, &mut owner, NAME));
    assert!(!found(&mut v, &mut owner, LATER));
}

#[test]
fn a_backup_file_holds_no_customer_value_in_the_clear() {
    let (_shop, mut v, mut owner, _, dir) = scene();
    let made = v.backup_now(&mut owner, Some(&dir)).unwrap();
    let bytes = std::fs::read(&made.path).unwrap();
    for text in [NAME, EMAIL, "Zumbrella", "example.cat", "SQLite format 3"] {
        assert!(
            !bytes.windows(text.len()).any(|w| w == text.as_bytes()),
            "{text} is in the backup"
        );
    }
}

#[test]
fn a_backup_made_before_an_erasure_does_not_bring_the_customer_back() {
    let (_shop, mut v, mut owner, id, dir) = scene();
    let before = v.backup_now(&mut owner, Some(&dir)).unwrap();
    erase(&mut v, &mut owner, id);
    assert_eq!(customers(&mut v), 0);

    let restored = v.restore_backup(&mut owner, &before.path).unwrap();
    assert_eq!(restored.replayed, vec![id]);
    assert_eq!(restored.destruction_records.len(), 1);
    assert_eq!(customers(&mut v), 0);
    assert!(!found(&mut v, &mut owner, NAME));
    assert!(!found(&mut v, &mut owner, EMAIL));
    let records = v.destruction_records(&mut owner).unwrap();
    assert_eq!(records[0].trigger, "restore-replay");
    assert_eq!(records[0].ground, "customer-request");
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn erasures_carried_by_a_later_backup_in_the_folder_are_replayed_too() {
    let (_shop, mut v, mut owner, id, dir) = scene();
    let before = v.backup_now(&mut owner, Some(&dir)).unwrap();
    let later = join(&mut v, &mut owner, LATER, None);
    erase(&mut v, &mut owner, id);
    erase(&mut v, &mut owner, later);
    // The later backup knows both erasures; then the vault is restored
    // from the earlier one, over data that knows them too.
    v.backup_now(&mut owner, Some(&dir)).unwrap();
    let restored = v.restore_backup(&mut owner, &before.path).unwrap();
    assert_eq!(restored.replayed, vec![id]);
    assert_eq!(restored.tombstones_added, 1);
    assert_eq!(restored.other_backups_read, 2);
    assert_eq!(customers(&mut v), 0);
    // The later customer's number is never given to someone new.
    let next = join(&mut v, &mut owner, "Orlanda Fent", None);
    assert!(next > later);
}

#[test]
fn the_recovery_key_alone_restores_into_an_empty_folder_without_the_erased_customer() {
    let (shop, mut v, mut owner, id, dir) = scene();
    let before = v.backup_now(&mut owner, Some(&dir)).unwrap();
    erase(&mut v, &mut owner, id);
    v.backup_now(&mut owner, Some(&dir)).unwrap();
    v.logout(owner).unwrap();
    drop(v);

    let elsewhere = tempfile::tempdir().unwrap();
    let new_path = elsewhere.path().join("new").join("shop.steward");
    let keys = MemoryKeyStore::new();
    let (mut v, restored) =
        Vault::restore_backup_new(&new_path, &keys, &before.path, &shop.recovery_key).unwrap();
    assert_eq!(restored.replayed, vec![id]);
    assert_eq!(customers(&mut v), 0);
    assert_eq!(v.vault_id(), shop_vault_id(&shop));
    // The owner signs in on the new computer once (their account came
    // with the backup), then as usual.
    let owner = v
        .login(common::OWNER, &common::pass(common::OWNER_PASS))
        .unwrap();
    v.logout(owner).unwrap();
    drop(v);
    let mut v = common::open_as_owner(&new_path, &keys).unwrap();
    let mut owner = v
        .login(common::OWNER, &common::pass(common::OWNER_PASS))
        .unwrap();
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
    assert!(!found(&mut v, &mut owner, NAME));
}

#[test]
fn before_restoring_on_a_new_computer_the_owner_sees_what_the_backup_holds_and_nothing_is_written()
{
    let (shop, mut v, mut owner, id, dir) = scene();
    join(&mut v, &mut owner, LATER, None);
    let before = v.backup_now(&mut owner, Some(&dir)).unwrap();
    erase(&mut v, &mut owner, id);
    v.backup_now(&mut owner, Some(&dir)).unwrap();
    v.logout(owner).unwrap();
    drop(v);

    let elsewhere = tempfile::tempdir().unwrap();
    let new_path = elsewhere.path().join("shop.steward");
    let seen = Vault::preview_backup_new(&new_path, &before.path, &shop.recovery_key).unwrap();
    assert_eq!(seen.shop_name, "Forn de la Plaça");
    assert_eq!(seen.customers, 2);
    assert_eq!(seen.erased_before, 0);
    assert_eq!(seen.erasures_to_replay, 1);
    assert_eq!(
        seen.backup_made_at,
        before
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    // Nothing is left where the vault will go, and it holds no customer value.
    let left: Vec<_> = std::fs::read_dir(elsewhere.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!format!("{seen:?}").contains(NAME));

    let other = Shop::new();
    let err = Vault::preview_backup_new(&new_path, &before.path, &other.recovery_key).unwrap_err();
    assert!(matches!(err, Error::WrongRecoveryKey), "{err}");
    let not_a_backup = dir.join("notes.stewardbackup");
    std::fs::write(&not_a_backup, b"shopping list").unwrap();
    let err = Vault::preview_backup_new(&new_path, &not_a_backup, &shop.recovery_key).unwrap_err();
    assert!(matches!(err, Error::BackupInvalid { .. }), "{err}");
}

fn shop_vault_id(shop: &Shop) -> String {
    steward_core::ClosedVault::take(&shop.path)
        .unwrap()
        .vault_id()
        .to_owned()
}

#[test]
fn a_wrong_key_does_not_restore_a_backup_into_an_empty_folder() {
    let (shop, mut v, mut owner, _, dir) = scene();
    let made = v.backup_now(&mut owner, Some(&dir)).unwrap();
    let other = Shop::new();
    let new_path = shop.dir.path().join("elsewhere.steward");
    let err = Vault::restore_backup_new(
        &new_path,
        &MemoryKeyStore::new(),
        &made.path,
        &other.recovery_key,
    )
    .err()
    .unwrap();
    assert!(matches!(err, Error::WrongRecoveryKey), "{err}");
    assert!(!new_path.exists());
}

/// Tries to restore `file`; expects `check` to accept the error, and the
/// vault to be as it was.
fn refused(v: &mut Vault, s: &mut Session, file: &Path, check: impl Fn(&Error) -> bool) {
    let n = customers(v);
    let verified = v.verify_backup(s, file).expect_err("verify refuses it");
    assert!(check(&verified), "verify: {verified}");
    let err = v.restore_backup(s, file).expect_err("restore refuses it");
    assert!(check(&err), "restore: {err}");
    assert_eq!(customers(v), n);
    assert!(found(v, s, NAME));
}

#[test]
fn damaged_truncated_foreign_and_other_files_are_refused_and_nothing_is_lost() {
    let (_shop, mut v, mut owner, _, dir) = scene();
    let made = v.backup_now(&mut owner, Some(&dir)).unwrap();
    let bytes = std::fs::read(&made.path).unwrap();
    let put = |name: &str, b: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, b).unwrap();
        p
    };
    let reason = |want: &'static str| move |e: &Error| matches!(e, Error::BackupInvalid { reason } if reason.contains(want));
    let truncated = put("cut.stewardbackup", &bytes[..bytes.len() - 4096]);
    refused(&mut v, &mut owner, &truncated, reason("truncated"));
    let short = put("short.stewardbackup", &bytes[..10]);
    refused(&mut v, &mut owner, &short, reason("truncated"));
    let mut flipped = bytes.clone();
    let at = bytes.len() - 100;
    flipped[at] ^= 1;
    let flipped = put("flipped.stewardbackup", &flipped);
    refused(&mut v, &mut owner, &flipped, reason("changed or damaged"));
    let text = put("notes.txt", b"just some text, not a backup at all");
    refused(&mut v, &mut owner, &text, reason("not a Steward backup"));
    let missing = dir.join("none.stewardbackup");
    refused(&mut v, &mut owner, &missing, reason("no file"));
    // Another shop's backup.
    let other = Shop::new();
    let mut ov = other.open();
    let mut oo = other.owner(&mut ov);
    let foreign = ov.backup_now(&mut oo, Some(&dir)).unwrap();
    refused(&mut v, &mut owner, &foreign.path, |e| {
        matches!(e, Error::BackupOfAnotherVault)
    });
    // The list reads headers only: this vault's backups whose header is
    // sealed and whose length is whole (the one with a flipped byte in its
    // database too; `verify` finds that), none of the others.
    let mut listed: Vec<String> = v
        .backups(&mut owner, Some(&dir))
        .unwrap()
        .into_iter()
        .map(|b| b.file_name)
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec!["flipped.stewardbackup".to_owned(), made.file_name]
    );
}

#[test]
fn backup_now_without_a_folder_says_so_and_uses_the_owners_setting() {
    let (_shop, mut v, mut owner, _, dir) = scene();
    let err = v.backup_now(&mut owner, None).err().unwrap();
    assert!(matches!(err, Error::NoBackupFolder), "{err}");
    v.set_backup_folder(&mut owner, Some(&dir)).unwrap();
    let made = v.backup_now(&mut owner, None).unwrap();
    assert!(made.path.starts_with(std::fs::canonicalize(&dir).unwrap()));
}

#[test]
fn backups_older_than_the_longest_retention_period_are_deleted_on_record() {
    let (shop, mut v, mut owner, _, dir) = scene();
    let old = v.backup_now(&mut owner, Some(&dir)).unwrap();
    assert_eq!(old.pruned, 0);
    let longest = v
        .list_purposes(&mut owner)
        .unwrap()
        .iter()
        .map(|p| p.retention_days)
        .max()
        .unwrap();
    shop.clock.advance(Duration::days(i64::from(longest) + 1));
    // Keep the session alive across the jump.
    let mut owner = shop.owner(&mut v);
    let new = v.backup_now(&mut owner, Some(&dir)).unwrap();
    assert_eq!(new.pruned, 1);
    assert!(!old.path.exists());
    assert!(new.path.exists());
    let records = v.destruction_records(&mut owner).unwrap();
    let record = records
        .iter()
        .find(|r| Some(r.id) == new.destruction_record)
        .unwrap();
    assert_eq!(record.trigger, "backup-prune");
    assert_eq!(record.rows.get("backup files"), Some(&1));
}

#[test]
fn the_schedule_backs_up_once_a_day_into_the_owners_folder_and_the_owner_is_warned_after_a_week() {
    let (shop, mut v, mut owner, _, dir) = scene();
    // No folder: nothing scheduled, and the owner is warned.
    assert!(v.backup_if_due().unwrap().is_none());
    let seen = v.backups_overview(&mut owner).unwrap();
    assert!(seen.folder.is_none() && seen.overdue && seen.next_at.is_none());

    v.set_backup_folder(&mut owner, Some(&dir)).unwrap();
    let made = v.backup_if_due().unwrap().expect("none yet: due at once");
    assert!(v.backup_if_due().unwrap().is_none(), "one a day");
    let seen = v.backups_overview(&mut owner).unwrap();
    assert!(seen.reachable && !seen.overdue);
    assert_eq!(seen.backups.len(), 1);
    assert_eq!(seen.backups[0].backup_id, made.backup_id);
    assert_eq!(
        seen.next_at,
        Some(seen.backups[0].created_at + Duration::hours(24))
    );

    shop.clock.advance(Duration::hours(25));
    let second = v.backup_if_due().unwrap().expect("a day later");
    // Idle that long, the owner signs in again.
    let mut owner = shop.owner(&mut v);
    let seen = v.backups_overview(&mut owner).unwrap();
    assert_eq!(seen.backups[0].backup_id, second.backup_id, "newest first");

    shop.clock.advance(Duration::days(8));
    let mut owner = shop.owner(&mut v);
    assert!(v.backups_overview(&mut owner).unwrap().overdue);

    // The disk unplugged: the schedule says so, the overview shows it.
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(v.backup_if_due(), Err(Error::InvalidInput { .. })));
    let seen = v.backups_overview(&mut owner).unwrap();
    assert!(!seen.reachable && seen.overdue && seen.backups.is_empty());
}

#[test]
fn staff_and_auditors_see_no_backup_overview() {
    let (shop, mut v, _, _, _) = scene();
    let mut staff = shop.user(&mut v, "sol", steward_core::Role::Staff);
    assert!(matches!(
        v.backups_overview(&mut staff),
        Err(Error::Forbidden { .. })
    ));
}
