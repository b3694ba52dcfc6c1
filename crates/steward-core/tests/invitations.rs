//! Coming from a spreadsheet without breaking consent (issue 15 §3): a
//! shop's old list becomes invitations, never customers. Previewed first,
//! with bad rows reported by row number and never by value; found at the
//! till as "invited, not yet joined"; consumed by the person's own join,
//! erased when they refuse or when the owner's period ends, leaving no
//! residue in the vault's pages.

mod common;

use std::io::Read;

use chrono::Duration;
use common::{in_store_form as form, Shop};
use steward_core::invitations::{Problem, MAX_LINE_BYTES};
use steward_core::{ColumnMapping, Error, ImportReport, Residue, Role, RunBy, Session, Vault};

const NURIA: &str = "Núria Puigdomènech";
const NURIA_EMAIL: &str = "nuria.puig@example.cat";
const NURIA_NOTE: &str = "Prefers the rye loaf on Fridays";
const MARTA: &str = "Martabel Rocaverd";

/// The shop's old list, saved by a spreadsheet in Catalan (`;`): two good
/// rows and every kind of bad one.
fn old_list() -> String {
    [
        "Nom;Correu electrònic;Telèfon;Notes",
        &format!("{NURIA};{NURIA_EMAIL};+34 600 123 456;{NURIA_NOTE}"),
        ";nobody.here@example.cat;;",
        "Pere Soler;not-an-address;;",
        "Jordi Vidal;JORDI.V@example.cat;;",
        &format!("{MARTA};marta.rv@example.cat;;"),
        "Marta Again;MARTA.RV@example.cat;;",
        "Card Holder;;;4111 1111 1111 1111",
        ";;;",
    ]
    .join("\n")
}

struct Scene {
    shop: Shop,
    v: Vault,
    owner: Session,
}

/// A shop that collects phone numbers, with one customer (Jordi) who is
/// also on the old list.
fn scene() -> Scene {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_field_enabled(&mut owner, "phone", true).unwrap();
    let f = form(
        &mut v,
        &mut owner,
        &["membership"],
        &[("name", "Jordi Vidal"), ("email", "jordi.v@example.cat")],
    );
    v.join_customer(&mut owner, f).unwrap();
    Scene { shop, v, owner }
}

fn import(v: &mut Vault, s: &mut Session, csv: &str) -> ImportReport {
    v.import_invitations(
        s,
        &mut csv.as_bytes(),
        &ColumnMapping::default(),
        &mut |_, _| {},
    )
    .unwrap()
}

fn waiting(v: &mut Vault, owner: &mut Session) -> u64 {
    v.invitation_status(owner).unwrap().waiting
}

fn count(shop: &Shop, sql: &str) -> i64 {
    shop.raw_connection()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_list_is_previewed_with_bad_rows_by_number_then_imported_as_invitations_not_customers() {
    let Scene {
        shop,
        mut v,
        mut owner,
    } = scene();
    let preview = v
        .preview_invitations(
            &mut owner,
            &mut old_list().as_bytes(),
            &ColumnMapping::default(),
        )
        .unwrap();
    assert_eq!(
        (
            preview.rows,
            preview.ready,
            preview.invalid,
            preview.duplicates,
            preview.empty
        ),
        (8, 2, 3, 2, 1)
    );
    let problems: Vec<(u64, &str, Problem)> = preview
        .problems
        .iter()
        .map(|p| (p.row, p.field, p.problem))
        .collect();
    assert_eq!(
        problems,
        [
            (3, "name", Problem::Missing),
            (4, "email", Problem::Invalid),
            (5, "email", Problem::AlreadyCustomer),
            (7, "email", Problem::RepeatedInFile),
            (8, "notes", Problem::CardNumber),
        ]
    );
    // The header's words found every column; no value is in the report.
    assert_eq!(
        (
            preview.columns.name,
            preview.columns.email,
            preview.columns.phone,
            preview.columns.notes
        ),
        (1, Some(2), Some(3), Some(4))
    );
    let text = serde_json::to_string(&preview).unwrap();
    for value in ["nobody.here", "not-an-address", "JORDI", "MARTA", "4111"] {
        assert!(!text.contains(value), "{value} is in the preview");
    }
    // A preview stores nothing.
    assert_eq!(waiting(&mut v, &mut owner), 0);

    let mut seen = Vec::new();
    let report = v
        .import_invitations(
            &mut owner,
            &mut old_list().as_bytes(),
            &ColumnMapping::default(),
            &mut |done, total| seen.push((done, total)),
        )
        .unwrap();
    assert_eq!(report.stored, 2);
    assert_eq!(seen.first(), Some(&(0, 2)));
    assert_eq!(seen.last(), Some(&(2, 2)));
    assert_eq!(waiting(&mut v, &mut owner), 2);

    // Nobody became a customer: one member, as before, and the owner's
    // search shows Núria only as invited.
    assert_eq!(count(&shop, "SELECT count(*) FROM customer"), 1);
    assert_eq!(v.dashboard(&mut owner, 1).unwrap().members, 1);
    let found = v.search_customers(&mut owner, "nuria").unwrap();
    assert!(found.hits.is_empty());
    assert_eq!(found.invited.len(), 1);
    assert_eq!(found.invited[0].name, NURIA);
    // Nor does anyone on the list reach a marketing audience.
    let audience = v.marketing_audience(&mut owner, "email-offers", 0).unwrap();
    assert!(!serde_json::to_string(&audience).unwrap().contains("Puig"));

    // The same file again: everyone on it is already invited or a customer.
    let again = import(&mut v, &mut owner, &old_list());
    assert_eq!((again.stored, again.preview.duplicates), (0, 4));
    assert!(again
        .preview
        .problems
        .iter()
        .any(|p| p.row == 2 && p.problem == Problem::AlreadyInvited));
}

#[test]
fn staff_find_an_invitation_at_the_till_and_the_person_joins_from_it() {
    let Scene {
        shop,
        mut v,
        mut owner,
    } = scene();
    import(&mut v, &mut owner, &old_list());
    let mut staff = shop.user(&mut v, "sam", Role::Staff);

    // Names by the beginning of a word, accents ignored; a phone with or
    // without its country code, an e-mail address only whole.
    for query in ["puigdom", "+34 600 123 456", "600123456", NURIA_EMAIL] {
        let found = v.search_customers(&mut staff, query).unwrap();
        let ids: Vec<i64> = found.invited.iter().map(|h| h.id).collect();
        assert_eq!(ids.len(), 1, "{query}");
    }
    assert!(v
        .search_customers(&mut staff, "nuria.puig@example")
        .unwrap()
        .invited
        .is_empty());
    let id = v.search_customers(&mut staff, "núria").unwrap().invited[0].id;

    // Staff open it with its fields for the form, not the list's notes; the
    // owner sees the notes. Each opening is logged with its purpose.
    let opened = v.open_invitation(&mut staff, id).unwrap();
    assert_eq!(opened.fields.get("name").map(String::as_str), Some(NURIA));
    assert_eq!(
        opened.fields.get("phone").map(String::as_str),
        Some("+34600123456")
    );
    assert_eq!(opened.notes, None);
    let json = serde_json::to_value(&opened).unwrap();
    assert!(json.get("notes").is_none());
    assert_eq!(
        v.open_invitation(&mut owner, id).unwrap().notes.as_deref(),
        Some(NURIA_NOTE)
    );
    assert_eq!(
        count(
            &shop,
            &format!(
                "SELECT count(*) FROM audit_event WHERE action = 'invitation.view'
                 AND subject = 'invitation:{id}' AND purpose = 'invite-to-join'"
            )
        ),
        2
    );

    // The person corrects their e-mail address and joins.
    let mut f = form(
        &mut v,
        &mut staff,
        &["membership"],
        &[("name", NURIA), ("email", "nuria@example.cat")],
    );
    f.fields.push(("phone".into(), "+34 600 123 456".into()));
    let joined = v.join_invited_customer(&mut staff, id, f).unwrap();
    assert!(joined.warnings.is_empty(), "{:?}", joined.warnings);
    // The invitation is gone in the same act; the person is a customer.
    assert_eq!(count(&shop, "SELECT count(*) FROM invitation"), 1);
    assert_eq!(
        v.open_invitation(&mut staff, id).unwrap_err().code(),
        "invitation_not_found"
    );
    let found = v.search_customers(&mut staff, "puigdomenech").unwrap();
    assert_eq!(found.hits.ids(), vec![joined.customer_id]);
    assert!(found.invited.is_empty());
    // Their old address is nowhere: only the corrected one is kept.
    assert!(!v.residue_scan(&mut owner, NURIA_EMAIL).unwrap().found);
    // A join naming an invitation that is gone writes nothing.
    let f = form(
        &mut v,
        &mut staff,
        &["membership"],
        &[("name", "Someone Else")],
    );
    assert_eq!(
        v.join_invited_customer(&mut staff, id, f)
            .unwrap_err()
            .code(),
        "invitation_not_found"
    );
    assert_eq!(count(&shop, "SELECT count(*) FROM customer"), 2);
}

#[test]
fn a_refusal_erases_the_invitation_and_leaves_no_residue() {
    let Scene {
        shop: _shop,
        mut v,
        mut owner,
    } = scene();
    import(&mut v, &mut owner, &old_list());
    let id = v.search_customers(&mut owner, "nuria").unwrap().invited[0].id;
    let refused = v.refuse_invitation(&mut owner, id).unwrap();
    let record = refused.destruction_record;
    assert_eq!(record.rows.get("invitation"), Some(&1));
    assert_eq!(
        (record.trigger.as_str(), record.ground.as_str()),
        ("customer-request", "invitation-refused")
    );
    assert_eq!(record.residue, Residue::Clean);
    assert!(record.values_checked >= 3);
    assert!(!serde_json::to_string(&record).unwrap().contains("Puig"));
    for text in [NURIA, NURIA_EMAIL, NURIA_NOTE, "+34600123456"] {
        assert!(!v.residue_scan(&mut owner, text).unwrap().found, "{text}");
    }
    assert!(v
        .search_customers(&mut owner, "nuria")
        .unwrap()
        .invited
        .is_empty());
    assert_eq!(waiting(&mut v, &mut owner), 1);
}

#[test]
fn only_the_owner_imports_and_a_refused_import_stores_nothing() {
    let Scene {
        shop,
        mut v,
        mut owner,
    } = scene();
    for role in [Role::Manager, Role::Staff] {
        let mut s = shop.user(&mut v, &format!("{role}1"), role);
        let err = v
            .import_invitations(
                &mut s,
                &mut old_list().as_bytes(),
                &ColumnMapping::default(),
                &mut |_, _| {},
            )
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden { .. }), "{role}: {err}");
    }
    let mut marketing = shop.user(&mut v, "mia", Role::Marketing);
    assert!(matches!(
        v.open_invitation(&mut marketing, 1).unwrap_err(),
        Error::Forbidden { .. }
    ));
    assert_eq!(waiting(&mut v, &mut owner), 0);
}

/// An endless line: a "2 GB line" that is never read into memory.
struct Endless;

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        buf.fill(b'a');
        Ok(buf.len())
    }
}

#[test]
fn a_file_that_is_not_a_list_is_refused_whole_with_a_specific_reason() {
    let Scene {
        shop: _shop,
        mut v,
        mut owner,
    } = scene();
    let long = format!("name\n{}\n", "a".repeat(MAX_LINE_BYTES + 1));
    let cases: &[(&[u8], &str, Option<u64>)] = &[
        (
            b"name,email\nN\xffria,a@example.cat\n",
            "not UTF-8",
            Some(2),
        ),
        (
            b"name,email\nAnna Puig,anna@example.cat\nBea Roig,bea@example.cat,extra\n",
            "different number of columns",
            Some(3),
        ),
        (
            b"Anna Puig,anna@example.cat\n",
            "first row is not a header row",
            Some(1),
        ),
        (b"", "it is empty", None),
        (long.as_bytes(), "longer than 64 KiB", None),
    ];
    let check = |v: &mut Vault, owner: &mut Session, input: &mut dyn Read, reason: &str, row| {
        let err = v
            .import_invitations(owner, input, &ColumnMapping::default(), &mut |_, _| {})
            .unwrap_err();
        match err {
            Error::ImportFileInvalid { reason: r, row: at } => {
                assert!(r.contains(reason), "{r}");
                assert_eq!(at, row, "{reason}");
            }
            other => panic!("{reason}: unexpected {other}"),
        }
    };
    for (input, reason, row) in cases {
        check(&mut v, &mut owner, &mut &input[..], reason, *row);
    }
    check(
        &mut v,
        &mut owner,
        &mut Endless,
        "longer than 64 KiB",
        Some(1),
    );
    let mut header_then_endless = Read::chain(&b"name\n"[..], Endless);
    check(
        &mut v,
        &mut owner,
        &mut header_then_endless,
        "longer than 64 KiB",
        None,
    );
    // A good row before the broken one is not stored either.
    assert_eq!(waiting(&mut v, &mut owner), 0);
    // Columns given by position read a file with no header.
    let mapping = ColumnMapping {
        header: steward_core::HeaderRow::Absent,
        name: Some(steward_core::Column::parse("1")),
        email: Some(steward_core::Column::parse("2")),
        ..ColumnMapping::default()
    };
    let report = v
        .import_invitations(
            &mut owner,
            &mut &b"Anna Puig,anna@example.cat\n"[..],
            &mapping,
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(report.stored, 1);
}

#[test]
fn invitations_expire_after_the_owners_period_and_the_retention_run_erases_them_without_residue() {
    let Scene {
        shop,
        mut v,
        mut owner,
    } = scene();
    import(&mut v, &mut owner, &old_list());
    let status = v.invitation_status(&mut owner).unwrap();
    assert_eq!((status.waiting, status.expire_after_days), (2, 90));
    let imported = shop.clock.now();
    // Stored to the millisecond.
    let about = |at: Option<chrono::DateTime<chrono::Utc>>, days: i64| {
        let off = at.unwrap() - (imported + Duration::days(days));
        off.num_milliseconds().abs() < 1
    };
    assert!(about(status.next_expiry, 90));
    // The owner's setting has bounds, and moves the expiry of those
    // already waiting.
    assert_eq!(
        v.set_invitation_expiry_days(&mut owner, 0)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    v.set_invitation_expiry_days(&mut owner, 30).unwrap();
    let status = v.invitation_status(&mut owner).unwrap();
    assert!(about(status.next_expiry, 30));
    v.set_invitation_expiry_days(&mut owner, 90).unwrap();

    // Nothing goes before the period ends.
    let (run, _) = v.run_retention(RunBy::Schedule, &mut |_, _| {}).unwrap();
    assert_eq!(run.destruction_record, None);
    assert_eq!(waiting(&mut v, &mut owner), 2);

    shop.clock.advance(Duration::days(85));
    owner = shop.owner(&mut v);
    let soon = v.invitation_status(&mut owner).unwrap();
    assert_eq!(soon.expiring_within_week, 2);
    assert_eq!(
        v.retention_preview(&mut owner, 30)
            .unwrap()
            .invitations_expiring,
        2
    );
    shop.clock.advance(Duration::days(6));
    owner = shop.owner(&mut v);
    // Expired, they are no longer found or opened, even before the run.
    assert!(v
        .search_customers(&mut owner, "nuria")
        .unwrap()
        .invited
        .is_empty());
    assert!(v.retention_due().unwrap());
    let (run, warnings) = v.run_retention(RunBy::Schedule, &mut |_, _| {}).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(waiting(&mut v, &mut owner), 0);
    assert_eq!(v.invitation_status(&mut owner).unwrap().next_expiry, None);
    let record = v
        .destruction_records(&mut owner)
        .unwrap()
        .into_iter()
        .find(|r| Some(r.id) == run.destruction_record)
        .expect("the run's destruction record");
    assert_eq!(record.rows.get("invitation"), Some(&2));
    assert_eq!(record.residue, Residue::Clean);
    let text = serde_json::to_string(&record).unwrap();
    assert!(!text.contains("Puig") && !text.contains("Martabel"));
    // Closed and opened again, the vault's pages hold none of it.
    drop(v);
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for value in [
        NURIA,
        NURIA_EMAIL,
        NURIA_NOTE,
        MARTA,
        "marta.rv@example.cat",
    ] {
        assert!(!v.residue_scan(&mut owner, value).unwrap().found, "{value}");
    }
    // The customer who was never an invitation is untouched.
    assert_eq!(
        v.search_customers(&mut owner, "jordi").unwrap().hits.len(),
        1
    );
}

#[test]
fn invitations_a_search_shows_count_towards_the_hourly_limit() {
    let Scene {
        shop,
        mut v,
        mut owner,
    } = scene();
    v.set_search_limit_per_hour(&mut owner, 2).unwrap();
    import(&mut v, &mut owner, &old_list());
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    assert_eq!(
        v.search_customers(&mut staff, "nuria")
            .unwrap()
            .invited
            .len(),
        1
    );
    assert_eq!(
        v.search_customers(&mut staff, "jordi").unwrap().hits.len(),
        1
    );
    assert_eq!(
        v.search_customers(&mut staff, "martabel")
            .unwrap_err()
            .code(),
        "search_limit_reached"
    );
}
