//! Accounts, roles and sessions, through the same public API the app and
//! the CLI use.

mod common;

use chrono::Duration;
use common::*;
use steward_core::oversight::LogFilter;
use steward_core::{
    people::access, AccessPurpose, Action, CollectionMethod, ConsentForm, Error, FieldChange,
    IdentityCheck, Lang, NewItem, NewPurchase, NewTask, Objection, RestrictionCategory, Role,
    Session, Vault,
};

/// A paper consent form for a new member, as the CLI records it.
fn paper_form(v: &mut Vault, s: &mut Session) -> steward_core::Result<ConsentForm> {
    Ok(ConsentForm {
        lang: Lang::En,
        notice_version: v.notice(s, Lang::En, None)?.version,
        granted: vec!["membership".into()],
        fields: vec![("name".into(), "Jordi".into())],
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::KnownCustomer,
        signature: None,
        form_id: None,
    })
}

/// Tries `action` as `s` through the operation that needs it; true if the
/// core allowed it, false if it answered `Forbidden`.
fn attempt(
    v: &mut Vault,
    s: &mut Session,
    action: Action,
    own_pass: &str,
    receipt_id: &str,
) -> bool {
    let res = match action {
        Action::ViewHome => v.touch(s),
        Action::ChangeOwnPassphrase => v
            .change_own_passphrase(s, &pass(own_pass), &pass(&format!("{own_pass} again")))
            .map(|_| ()),
        Action::ChooseOwnLanguage => v.set_own_language(s, Some(Lang::Ca)),
        Action::ListUsers => v.list_users(s).map(|_| ()),
        Action::ManageUsers => v.set_role(s, "target", Role::Staff).map(|_| ()),
        Action::ChangeSettings => v.set_autolock_seconds(s, 300),
        Action::VerifyAuditLog => v.verify_audit_log(s).map(|_| ()),
        Action::ViewNotice => v.notice(s, Lang::Ca, None).map(|_| ()),
        Action::ManagePurposes => v.set_field_enabled(s, "sizes", true),
        Action::RecordConsent => paper_form(v, s)
            .and_then(|f| v.join_customer(s, f))
            .map(|_| ()),
        Action::ViewConsentHistory => v.consent_history(s, 1).map(|_| ()),
        Action::ViewReceipt => v.receipt(s, receipt_id).map(|_| ()),
        Action::SearchCustomers => v.search_customers(s, "Jordi").map(|_| ()),
        Action::ViewCustomer => {
            // Each role with its own purpose of access (the auditor has none).
            let purpose = access::scope(s.role())
                .access_purposes
                .first()
                .copied()
                .unwrap_or(AccessPurpose::ServeAtTill);
            v.customer_profile(s, 1, purpose).map(|_| ())
        }
        Action::EditCustomer => v
            .correct_customer(
                s,
                1,
                &[FieldChange {
                    field: "name".into(),
                    value: Some("Jordi Pujol".into()),
                }],
            )
            .map(|_| ()),
        Action::RecordPurchase => v
            .add_purchase(
                s,
                1,
                &NewPurchase {
                    date: None,
                    items: vec![NewItem {
                        description: "Bread".into(),
                        quantity: 1,
                        unit_cents: 250,
                    }],
                    ..Default::default()
                },
            )
            .map(|_| ()),
        Action::AddNote => v.add_note(s, 1, "Prefers rye").map(|_| ()),
        Action::ManageTasks => v
            .add_task(
                s,
                1,
                &NewTask {
                    title: "Call back".into(),
                    due: None,
                },
            )
            .map(|_| ()),
        Action::RedeemPoints => v.redeem_points(s, 1, 1).map(|_| ()),
        Action::ViewAudience => v.marketing_audience(s, "email-offers", 0).map(|_| ()),
        Action::ViewAccessLog => v.access_log(s, &LogFilter::default()).map(|_| ()),
        Action::ManageRecipients => v.recipients(s).map(|_| ()),
        // Restrict and lift at once, so customer 1 stays usable for the
        // rows that follow.
        Action::RestrictCustomer => v
            .restrict_customer(s, 1, RestrictionCategory::AccuracyContested, None)
            .and_then(|_| v.lift_restriction(s, 1)),
        // The first role allowed withdraws the marketing purposes; for the
        // next, there is nothing left to withdraw, past the permission check.
        Action::ObjectToMarketing => match v.object_to_marketing(
            s,
            1,
            Objection {
                lang: None,
                method: CollectionMethod::Paper,
                identity_check: IdentityCheck::KnownCustomer,
                signature: None,
            },
        ) {
            Err(Error::NotConsented { .. }) => Ok(()),
            other => other.map(|_| ()),
        },
        Action::ExportForCustomer => v.export_for_customer(s, 1, None, None).map(|_| ()),
        // A number nobody has: the check of the role comes first, and the
        // other roles' operations keep customer 1.
        Action::EraseCustomer => match v.erase_customer(
            s,
            999,
            steward_core::ErasureRequest {
                lang: None,
                ground: steward_core::ErasureGround::CustomerRequest,
                method: CollectionMethod::Paper,
                identity_check: IdentityCheck::KnownCustomer,
                signature: None,
            },
        ) {
            Err(Error::CustomerNotFound) => Ok(()),
            other => other.map(|_| ()),
        },
        Action::ScanForResidue => v.residue_scan(s, "Jordi").map(|_| ()),
        Action::ViewDestructionRecords => v.destruction_records(s).map(|_| ()),
        Action::ManageLegalHold => v.legal_holds(s).map(|_| ()),
        Action::RunRetention => v
            .run_retention(steward_core::RunBy::Owner(s), &mut |_, _| {})
            .map(|_| ()),
        Action::ViewRetention => v.retention_preview(s, 30).map(|_| ()),
        // Whether it is on: reads only, so the rows that follow are unchanged.
        Action::ManageUnattendedSchedule => v
            .unattended_schedule_on(s, &steward_core::MemoryKeyStore::new())
            .map(|_| ()),
        Action::ViewRecordKeeping => v.record_keeping(s).map(|_| ()),
        Action::ManageRecordKeeping => v
            .set_record_keeping_rule(
                s,
                steward_core::RecordCategory::AccessLog,
                steward_core::Period::years(3),
            )
            .map(|_| ()),
        Action::ViewDashboard => v.dashboard(s, 12).map(|_| ()),
        Action::ImportInvitations => v
            .preview_invitations(
                s,
                &mut &b"name\nAnna Puig\n"[..],
                &steward_core::ColumnMapping::default(),
            )
            .map(|_| ()),
        // No such invitation: the check of the role comes first.
        Action::ServeInvitations => match v.open_invitation(s, 999_999) {
            Err(Error::InvitationNotFound) => Ok(()),
            other => other.map(|_| ()),
        },
        Action::ViewInvitationCounts => v.invitation_status(s).map(|_| ()),
        Action::MakeBackup => v.backup_now(s, Some(&backup_dir())).map(|_| ()),
        Action::VerifyBackups => v.backups(s, Some(&backup_dir())).map(|_| ()),
        // A file that is not there: the check of the role comes first, and
        // nothing is replaced.
        Action::RestoreBackup => match v.restore_backup(s, &backup_dir().join("none")) {
            Err(Error::BackupInvalid { .. }) => Ok(()),
            other => other.map(|_| ()),
        },
        // A wrong confirmation word: the check of the role comes first, and
        // nothing is destroyed.
        Action::RetireComputer => match v.approve_retirement(s, &pass(""), "no") {
            Err(Error::RetirementNotConfirmed) => Ok(()),
            other => other.map(|_| ()),
        },
    };
    match res {
        Ok(()) => true,
        Err(Error::Forbidden { action: a, role }) => {
            assert_eq!((a, role), (action, s.role()));
            false
        }
        Err(e) => panic!("{action} as {}: unexpected {e}", s.role()),
    }
}

#[test]
fn permission_matrix_is_enforced_by_the_core_for_every_role_and_action() {
    use Action::*;
    // The expected matrix: rows are actions, columns the roles in Role::ALL
    // order (owner, manager, staff, marketing, auditor).
    let expected: &[(Action, [bool; 5])] = &[
        (ViewHome, [true, true, true, true, true]),
        (ChangeOwnPassphrase, [true, true, true, true, true]),
        (ChooseOwnLanguage, [true, true, true, true, true]),
        (ListUsers, [true, false, false, false, true]),
        (ManageUsers, [true, false, false, false, false]),
        (ChangeSettings, [true, false, false, false, false]),
        (VerifyAuditLog, [true, false, false, false, true]),
        (ViewNotice, [true, true, true, true, true]),
        (ManagePurposes, [true, false, false, false, false]),
        (RecordConsent, [true, true, true, false, false]),
        (ViewConsentHistory, [true, true, true, false, true]),
        (ViewReceipt, [true, true, true, false, true]),
        (SearchCustomers, [true, true, true, false, false]),
        (ViewCustomer, [true, true, true, true, false]),
        (EditCustomer, [true, true, false, false, false]),
        (RecordPurchase, [true, true, true, false, false]),
        (AddNote, [true, true, true, false, false]),
        (ManageTasks, [true, true, true, false, false]),
        (RedeemPoints, [true, true, true, false, false]),
        (ViewAudience, [true, false, false, true, false]),
        (ViewAccessLog, [true, false, false, false, true]),
        (ManageRecipients, [true, false, false, false, false]),
        (RestrictCustomer, [true, true, false, false, false]),
        (ObjectToMarketing, [true, true, true, false, false]),
        (ExportForCustomer, [true, true, false, false, false]),
        (EraseCustomer, [true, true, false, false, false]),
        (ScanForResidue, [true, false, false, false, true]),
        (ViewDestructionRecords, [true, false, false, false, true]),
        (ManageLegalHold, [true, false, false, false, false]),
        (RunRetention, [true, false, false, false, false]),
        (ViewRetention, [true, false, false, false, true]),
        (ManageUnattendedSchedule, [true, false, false, false, false]),
        (ViewRecordKeeping, [true, false, false, false, true]),
        (ManageRecordKeeping, [true, false, false, false, false]),
        (MakeBackup, [true, true, false, false, false]),
        (VerifyBackups, [true, true, false, false, true]),
        (RestoreBackup, [true, false, false, false, false]),
        (RetireComputer, [true, false, false, false, false]),
        (ViewDashboard, [true, true, false, false, false]),
        (ImportInvitations, [true, false, false, false, false]),
        (ServeInvitations, [true, true, true, false, false]),
        (ViewInvitationCounts, [true, true, false, false, false]),
    ];
    assert_eq!(expected.len(), Action::ALL.len(), "every action has a row");

    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.add_user(
        &mut owner,
        "target",
        Role::Staff,
        &pass("target passphrase"),
    )
    .unwrap();
    // The first customer collects points and agreed to e-mail offers, so
    // every role's operation has something to work on.
    let mut first = paper_form(&mut v, &mut owner).unwrap();
    first.granted = vec!["membership".into(), "loyalty".into(), "email-offers".into()];
    first
        .fields
        .push(("email".into(), "jordi@example.cat".into()));
    let receipt_id = v
        .join_customer(&mut owner, first)
        .unwrap()
        .receipt
        .receipt_id;
    let points = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: "Cake".into(),
            quantity: 1,
            unit_cents: 2000,
        }],
        ..Default::default()
    };
    v.add_purchase(&mut owner, 1, &points).unwrap();
    v.logout(owner).unwrap();

    let mut table = format!("{:<24}", "action \\ role");
    for role in Role::ALL {
        table += &format!("{:<11}", role.as_str());
    }
    table += "\n";
    for (action, row) in expected {
        table += &format!("{:<24}", action.as_str());
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let name = format!("as-{role}-{action:?}");
            let mut s = shop.user(&mut v, &name, role);
            let allowed = attempt(
                &mut v,
                &mut s,
                *action,
                &format!("{name} own passphrase"),
                &receipt_id,
            );
            assert_eq!(allowed, row[i], "{role} × {action}");
            table += &format!("{:<11}", if allowed { "allow" } else { "DENY" });
            v.logout(s).unwrap();
        }
        table += "\n";
    }
    println!("{table}");
}

#[test]
fn a_refusal_is_recorded_in_the_audit_log() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let before = v.status().unwrap().audit_entries;
    assert_eq!(v.list_users(&mut staff).unwrap_err().code(), "forbidden");
    assert_eq!(v.status().unwrap().audit_entries, before + 1);
}

#[test]
fn new_user_must_choose_their_own_passphrase_before_anything_else() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let added = v
        .add_user(
            &mut owner,
            "nuria",
            Role::Auditor,
            &pass("given passphrase"),
        )
        .unwrap();
    assert!(added.must_change_passphrase);
    let mut s = v.login("nuria", &pass("given passphrase")).unwrap();
    assert!(s.must_change_passphrase());
    assert!(matches!(
        v.list_users(&mut s),
        Err(Error::PassphraseChangeRequired)
    ));
    v.change_own_passphrase(
        &mut s,
        &pass("given passphrase"),
        &pass("nuria's own phrase"),
    )
    .unwrap();
    v.list_users(&mut s).unwrap();
}

#[test]
fn failed_logins_back_off_exponentially_and_survive_a_restart() {
    let shop = Shop::new();
    {
        let mut v = shop.open();
        assert!(matches!(
            v.login(OWNER, &pass("wrong guess 1")),
            Err(Error::WrongCredentials)
        ));
        // Within the 1 s back-off even the right passphrase is refused.
        assert!(matches!(
            v.login(OWNER, &pass(OWNER_PASS)),
            Err(Error::TooManyAttempts { .. })
        ));
        shop.clock.advance(Duration::seconds(1));
        assert!(v.login(OWNER, &pass("wrong guess 2")).is_err());
        shop.clock.advance(Duration::seconds(2));
        assert!(v.login(OWNER, &pass("wrong guess 3")).is_err());
    }
    // Restarting the app does not reset it: third failure means 4 s, and
    // the sign-in that opens the vault again waits too.
    let closed = shop.closed();
    shop.clock.advance(Duration::seconds(3));
    match closed.sign_in(&shop.keys, OWNER, &pass(OWNER_PASS)) {
        Err(Error::TooManyAttempts { retry_after_secs }) => assert_eq!(retry_after_secs, 1),
        other => panic!("expected back-off, got {:?}", other.err()),
    }
    shop.clock.advance(Duration::seconds(1));
    let (mut v, owner) = closed
        .sign_in(&shop.keys, OWNER, &pass(OWNER_PASS))
        .unwrap();
    v.logout(owner).unwrap();
    // A success clears it.
    assert!(v.login(OWNER, &pass("wrong guess 4")).is_err());
    shop.clock.advance(Duration::seconds(1));
    v.login(OWNER, &pass(OWNER_PASS)).unwrap();
}

#[test]
fn unknown_username_gets_the_same_answer_as_a_wrong_passphrase() {
    let shop = Shop::new();
    let mut v = shop.open();
    let unknown = v.login("nobody", &pass(OWNER_PASS)).unwrap_err();
    let wrong = v.login(OWNER, &pass("not the passphrase")).unwrap_err();
    assert_eq!(unknown.to_string(), wrong.to_string());
}

#[test]
fn session_locks_after_the_configured_inactivity() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert_eq!(
        v.autolock_seconds().unwrap(),
        300,
        "default is five minutes"
    );
    v.set_autolock_seconds(&mut owner, 30).unwrap();
    shop.clock.advance(Duration::seconds(29));
    v.touch(&mut owner).unwrap();
    shop.clock.advance(Duration::seconds(29));
    v.list_users(&mut owner).unwrap();
    shop.clock.advance(Duration::seconds(31));
    assert!(matches!(
        v.list_users(&mut owner),
        Err(Error::SessionLocked)
    ));
    // Once locked it stays locked, even if time goes back to normal use.
    assert!(matches!(v.touch(&mut owner), Err(Error::SessionLocked)));
    assert!(owner.is_locked());
}

/// Issue 14: a customer reading the notice slowly does not lose their form
/// to the staff's short auto-lock; customer mode has its own, longer limit.
#[test]
fn a_customer_filling_in_the_form_gets_a_longer_idle_limit_than_staff() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_autolock_seconds(&mut owner, 30).unwrap();
    let mut sam = shop.user(&mut v, "sam", Role::Staff);
    v.enter_customer_mode(&mut sam, steward_core::HandedTo::NewCustomer)
        .unwrap();
    assert_eq!(v.idle_limit_secs(&sam).unwrap(), 15 * 60);
    shop.clock.advance(Duration::minutes(10));
    v.touch(&mut sam).unwrap();
    shop.clock
        .advance(Duration::minutes(15) + Duration::seconds(1));
    assert!(matches!(v.touch(&mut sam), Err(Error::SessionLocked)));
    // Staff keep the shop's limit.
    let mut sam = v.login("sam", &pass("sam own passphrase")).unwrap();
    assert_eq!(v.idle_limit_secs(&sam).unwrap(), 30);
    shop.clock.advance(Duration::seconds(31));
    assert!(matches!(v.touch(&mut sam), Err(Error::SessionLocked)));
}

#[test]
fn autolock_delay_outside_the_range_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for bad in [0, 4, 3601] {
        assert_eq!(
            v.set_autolock_seconds(&mut owner, bad).unwrap_err().code(),
            "invalid_input"
        );
    }
}

#[test]
fn only_the_owner_sets_how_long_a_locked_app_keeps_the_vault_open() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    assert_eq!(v.close_after_locked_minutes().unwrap(), 15);
    assert!(matches!(
        v.set_close_after_locked_minutes(&mut staff, 1),
        Err(Error::Forbidden { .. })
    ));
    let mut owner = shop.owner(&mut v);
    for bad in [0, 1441] {
        assert_eq!(
            v.set_close_after_locked_minutes(&mut owner, bad)
                .unwrap_err()
                .code(),
            "invalid_input"
        );
    }
    v.set_close_after_locked_minutes(&mut owner, 2).unwrap();
    assert_eq!(v.close_after_locked_minutes().unwrap(), 2);
}

#[test]
fn an_idle_session_is_locked_by_a_check_that_is_not_activity() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert!(!v.lock_if_idle(&mut owner).unwrap());
    shop.clock.advance(Duration::seconds(299));
    // Checking is not activity: the delay keeps running from the last use.
    assert!(!v.lock_if_idle(&mut owner).unwrap());
    shop.clock.advance(Duration::seconds(2));
    assert!(v.lock_if_idle(&mut owner).unwrap());
    assert!(matches!(v.touch(&mut owner), Err(Error::SessionLocked)));
}

#[test]
fn disabled_user_cannot_log_in_and_their_open_session_stops() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let mut owner = shop.owner(&mut v);
    v.disable_user(&mut owner, "sam").unwrap();
    assert!(matches!(v.touch(&mut staff), Err(Error::AccountDisabled)));
    assert!(matches!(
        v.login("sam", &pass("sam own passphrase")),
        Err(Error::AccountDisabled)
    ));
}

#[test]
fn role_change_applies_to_an_open_session() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut aud = shop.user(&mut v, "ana", Role::Auditor);
    v.list_users(&mut aud).unwrap();
    let mut owner = shop.owner(&mut v);
    v.set_role(&mut owner, "ana", Role::Staff).unwrap();
    assert_eq!(v.list_users(&mut aud).unwrap_err().code(), "forbidden");
}

#[test]
fn the_last_active_owner_cannot_be_disabled_or_demoted() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert!(matches!(
        v.disable_user(&mut owner, OWNER),
        Err(Error::LastOwner)
    ));
    assert!(matches!(
        v.set_role(&mut owner, OWNER, Role::Manager),
        Err(Error::LastOwner)
    ));
    v.add_user(
        &mut owner,
        "second",
        Role::Owner,
        &pass("second owner pass"),
    )
    .unwrap();
    v.set_role(&mut owner, OWNER, Role::Manager).unwrap();
}

/// Issue 11 §12: a Cyrillic `оlga` beside the owner `olga` reads the same
/// in the user list and the access log.
#[test]
fn a_username_that_looks_like_an_existing_one_is_refused() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for look_alike in ["\u{043E}lga", "o1ga", "0LGA"] {
        let err = v
            .add_user(
                &mut owner,
                look_alike,
                Role::Staff,
                &pass("some passphrase"),
            )
            .unwrap_err();
        assert_eq!(err.code(), "user_exists", "{look_alike:?}");
    }
    v.add_user(&mut owner, "oriol", Role::Staff, &pass("some passphrase"))
        .unwrap();
}

#[test]
fn usernames_are_unique_regardless_of_case_and_validated() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert_eq!(
        v.add_user(&mut owner, "OLGA", Role::Staff, &pass("some passphrase"))
            .unwrap_err()
            .code(),
        "user_exists"
    );
    assert_eq!(
        v.add_user(
            &mut owner,
            "has space",
            Role::Staff,
            &pass("some passphrase")
        )
        .unwrap_err()
        .code(),
        "invalid_input"
    );
    assert_eq!(
        v.add_user(&mut owner, "x", Role::Staff, &pass("short"))
            .unwrap_err()
            .code(),
        "weak_passphrase"
    );
}

#[test]
fn locked_session_cannot_be_used() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.lock_session(&mut owner, "manual").unwrap();
    assert!(matches!(
        v.list_users(&mut owner),
        Err(Error::SessionLocked)
    ));
}

#[test]
fn login_is_case_insensitive_and_the_session_shows_the_stored_username() {
    let shop = Shop::new();
    let mut v = shop.open();
    let s = v.login("OLGA", &pass(OWNER_PASS)).unwrap();
    assert_eq!(s.username(), OWNER);
}

#[test]
fn a_refusal_names_the_role_and_the_action_but_no_person() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let e = v
        .add_user(&mut staff, "eve", Role::Owner, &pass("eve passphrase"))
        .unwrap_err();
    assert_eq!(e.to_string(), "your role (staff) may not manage users");
}

#[test]
fn a_new_user_typing_slowly_on_the_passphrase_screen_stays_unlocked() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.add_user(&mut owner, "nuria", Role::Staff, &pass("given passphrase"))
        .unwrap();
    let mut s = v.login("nuria", &pass("given passphrase")).unwrap();
    // Activity (touch) counts even before the passphrase is changed.
    for _ in 0..3 {
        shop.clock.advance(Duration::seconds(200));
        v.touch(&mut s).unwrap();
    }
    v.change_own_passphrase(
        &mut s,
        &pass("given passphrase"),
        &pass("nuria's own phrase"),
    )
    .unwrap();
}

#[test]
fn the_actions_offered_to_each_role_are_exactly_those_the_core_allows() {
    use steward_core::permissions::{allowed_actions, is_allowed};
    for role in Role::ALL {
        for action in Action::ALL {
            assert_eq!(
                allowed_actions(role).contains(&action),
                is_allowed(role, action),
                "{role} {action}"
            );
        }
    }
    assert_eq!(allowed_actions(Role::Owner).len(), Action::ALL.len());
}

#[test]
fn an_unknown_role_in_a_damaged_row_grants_nothing() {
    let shop = Shop::new();
    shop.raw_connection()
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE user_account SET role = 'superuser' WHERE username = 'olga';",
        )
        .unwrap();
    // The account cannot be read as any role, so it cannot sign in at all.
    let e = open_as_owner(&shop.path, &shop.keys).err().unwrap();
    assert_eq!(e.code(), "internal", "{e}");
}

/// A folder for the matrix test's backups, the same for the whole run.
fn backup_dir() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap())
        .path()
        .to_owned()
}

#[test]
fn each_user_sees_their_own_language_or_else_the_shops_default() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    assert_eq!(
        v.session_language(&owner).unwrap(),
        Lang::En,
        "a new shop speaks English"
    );
    let added = v
        .add_user_speaking(
            &mut owner,
            "marta",
            Role::Staff,
            &pass("initial passphrase"),
            Some(Lang::Ca),
        )
        .unwrap();
    assert_eq!(added.language, Some(Lang::Ca));
    v.set_staff_language(&mut owner, Lang::Es).unwrap();
    v.logout(owner).unwrap();

    let mut marta = v.login("marta", &pass("initial passphrase")).unwrap();
    assert_eq!(v.session_language(&marta).unwrap(), Lang::Ca);
    // Before choosing a passphrase, a new user may still choose the
    // language of the screen that asks for it.
    v.set_own_language(&mut marta, None).unwrap();
    assert_eq!(
        v.session_language(&marta).unwrap(),
        Lang::Es,
        "the shop's default"
    );
    v.set_own_language(&mut marta, Some(Lang::Id)).unwrap();
    assert_eq!(v.own_language(&marta).unwrap(), Some(Lang::Id));
    v.logout(marta).unwrap();

    let mut owner = shop.owner(&mut v);
    let changed = v
        .set_user_language(&mut owner, "marta", Some(Lang::Ca))
        .unwrap();
    assert_eq!(changed.language, Some(Lang::Ca));
    assert_eq!(v.session_language(&owner).unwrap(), Lang::Es);
    assert!(matches!(
        v.set_user_language(&mut owner, "nobody", None),
        Err(Error::UserNotFound)
    ));
}

#[test]
fn only_the_owner_sets_other_peoples_language_and_the_shops_default() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    assert!(matches!(
        v.set_staff_language(&mut staff, Lang::Ca),
        Err(Error::Forbidden {
            action: Action::ChangeSettings,
            ..
        })
    ));
    assert!(matches!(
        v.set_user_language(&mut staff, OWNER, Some(Lang::Ca)),
        Err(Error::Forbidden {
            action: Action::ManageUsers,
            ..
        })
    ));
    v.set_own_language(&mut staff, Some(Lang::Ca)).unwrap();
    assert_eq!(v.session_language(&staff).unwrap(), Lang::Ca);
}
