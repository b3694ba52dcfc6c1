//! The retention schedule (issue 13 §1–2), on real vault files with the
//! test clock moved past each period: what the notice promised is erased
//! (the residue scan finds none of it once the vault is closed and opened
//! again), a regular customer's membership runs from their last visit, and
//! customers under a legal hold or a restriction are kept. A run stopped
//! half-way resumes where it stopped.

mod common;

use chrono::Duration;
use common::{in_store_form as form, Shop};
use steward_core::{
    AccessPurpose, Decision, DestructionRecord, NewItem, NewPurchase, Residue, RestrictionCategory,
    RetentionRunSummary, Role, RunBy, Session, Vault,
};

const ANNA: &str = "Annabrix Quellmoor";
const ANNA_ADDRESS: &str = "Carrer Zumbravell 12";
const ANNA_EMAIL: &str = "annabrix.q@example.cat";
const BERTA: &str = "Bertolde Vanskimmer";
const CARLES: &str = "Carlestro Hubbinwey";
const DORA: &str = "Dorabeth Oxlunder";

struct Scene {
    shop: Shop,
    v: Vault,
    owner: Session,
    /// Membership, loyalty and home delivery (1 year); never comes back.
    anna: i64,
    /// Membership only; buys something after two and a half years.
    berta: i64,
    /// Membership only; under a legal hold.
    carles: i64,
    /// Membership only; asked for her record to be restricted.
    dora: i64,
}

fn scene() -> Scene {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_field_enabled(&mut owner, "postal_address", true)
        .unwrap();
    let f = form(
        &mut v,
        &mut owner,
        &["membership", "loyalty", "home-delivery"],
        &[
            ("name", ANNA),
            ("email", ANNA_EMAIL),
            ("postal_address", ANNA_ADDRESS),
        ],
    );
    let anna = v.join_customer(&mut owner, f).unwrap().customer_id;
    let join = |v: &mut Vault, owner: &mut Session, name: &str| {
        let f = form(v, owner, &["membership"], &[("name", name)]);
        v.join_customer(owner, f).unwrap().customer_id
    };
    let berta = join(&mut v, &mut owner, BERTA);
    let carles = join(&mut v, &mut owner, CARLES);
    let dora = join(&mut v, &mut owner, DORA);
    v.place_legal_hold(&mut owner, carles, "Claim about a wedding cake")
        .unwrap();
    v.restrict_customer(
        &mut owner,
        dora,
        RestrictionCategory::AccuracyContested,
        None,
    )
    .unwrap();
    Scene {
        shop,
        v,
        owner,
        anna,
        berta,
        carles,
        dora,
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn exists(v: &mut Vault, owner: &mut Session, id: i64) -> bool {
    match v.customer_profile(owner, id, AccessPurpose::CustomerRequest) {
        Ok(_) => true,
        Err(e) if e.code() == "customer_not_found" => false,
        Err(e) => panic!("unexpected {e}"),
    }
}

/// The destruction record a run of the schedule wrote.
fn run_record(v: &mut Vault, owner: &mut Session, run: &RetentionRunSummary) -> DestructionRecord {
    v.destruction_records(owner)
        .unwrap()
        .into_iter()
        .find(|r| Some(r.id) == run.destruction_record)
        .expect("the run's destruction record")
}

fn found(v: &mut Vault, owner: &mut Session, text: &str) -> bool {
    v.residue_scan(owner, text).unwrap().found
}

#[test]
fn what_the_notice_promised_is_erased_when_its_period_ends_and_held_customers_stay() {
    let Scene {
        shop,
        mut v,
        mut owner,
        anna,
        berta,
        carles,
        dora,
    } = scene();
    // Nothing is due on the first day.
    let (first, _) = v
        .run_retention(RunBy::Owner(&mut owner), &mut |_, _| {})
        .unwrap();
    assert_eq!(
        (
            first.planned,
            first.customers_erased,
            first.purposes_expired
        ),
        (0, 0, 0)
    );

    // A year and a day later, home delivery (kept for 1 year from the
    // agreement) has ended for Anna: her address goes, she stays.
    shop.clock.advance(days(340));
    // Sessions lock while time passes: sign in again.
    owner = shop.owner(&mut v);
    let preview = v.retention_preview(&mut owner, 30).unwrap();
    assert_eq!(preview.purposes_ending.get("home-delivery"), Some(&1));
    assert!(preview.customers_to_erase.is_empty());
    shop.clock.advance(days(26));
    // Sessions lock while time passes: sign in again.
    owner = shop.owner(&mut v);
    let (run, warnings) = v.run_retention(RunBy::Schedule, &mut |_, _| {}).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((run.purposes_expired, run.customers_erased), (1, 0));
    assert_eq!(run.trigger, "schedule");
    assert!(run.finished_at.is_some());
    let history = v.consent_history(&mut owner, anna).unwrap();
    let ended = history.entries.last().unwrap();
    assert_eq!(
        (ended.purpose.as_str(), ended.decision),
        ("home-delivery", Decision::Expire)
    );
    assert_eq!(ended.recorded_by, "the retention schedule");
    // The customer's notice says the period ended, in her language.
    let notice = v.printable_receipt(&mut owner, &ended.receipt_id).unwrap();
    assert_eq!(notice.title, "Avís de fi de termini");
    let record = run_record(&mut v, &mut owner, &run);
    assert_eq!(record.trigger, "retention");
    assert_eq!(record.rows.get("customer_field"), Some(&1));
    assert_eq!(record.residue, Residue::Clean);
    assert!(exists(&mut v, &mut owner, anna));

    // Berta comes back to buy after two and a half years: her membership
    // counts from that visit.
    shop.clock.advance(days(548));
    // Sessions lock while time passes: sign in again.
    owner = shop.owner(&mut v);
    let purchase = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: "Pa de pagès".into(),
            quantity: 1,
            unit_cents: 320,
        }],
        ..Default::default()
    };
    v.add_purchase(&mut owner, berta, &purchase).unwrap();

    // Ten days before three years: the preview names Anna (membership counts
    // from her joining, she never came back); Carles and Dora are due too
    // but kept.
    shop.clock.advance(days(3 * 365 - 914 - 10));
    // Sessions lock while time passes: sign in again.
    owner = shop.owner(&mut v);
    let preview = v.retention_preview(&mut owner, 30).unwrap();
    let to_erase: Vec<i64> = preview
        .customers_to_erase
        .iter()
        .map(|e| e.customer_id)
        .collect();
    assert_eq!(to_erase, vec![anna]);
    assert_eq!(preview.kept_held, vec![carles]);
    assert_eq!(preview.kept_restricted, vec![dora]);

    shop.clock.advance(days(11));

    // Sessions lock while time passes: sign in again.

    owner = shop.owner(&mut v);
    let (run, warnings) = v
        .run_retention(RunBy::Owner(&mut owner), &mut |_, _| {})
        .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        (run.customers_erased, run.kept_held, run.kept_restricted),
        (1, 1, 1)
    );
    assert_eq!(run.trigger, "owner");
    let record = run_record(&mut v, &mut owner, &run);
    assert_eq!(record.residue, Residue::Clean);
    assert_eq!(record.rows.get("customer"), Some(&1));
    assert_eq!(record.by_role.as_deref(), Some("owner"));
    assert!(!exists(&mut v, &mut owner, anna));
    for kept in [berta, carles, dora] {
        assert!(exists(&mut v, &mut owner, kept), "customer {kept} was kept");
    }
    // Run again: nothing more is due, and the app's hourly look starts no
    // run for the kept customers alone.
    let (again, _) = v.run_retention(RunBy::Schedule, &mut |_, _| {}).unwrap();
    assert_eq!(again.customers_erased, 0);
    assert!(!v.retention_due().unwrap());
    drop(v);

    // From the files, closed and opened again: none of Anna's data is
    // anywhere; the kept customers' names still are.
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    for gone in [ANNA, ANNA_ADDRESS, ANNA_EMAIL, "annabrix", "quellmoor"] {
        assert!(!found(&mut v, &mut owner, gone), "{gone} is still there");
    }
    for kept in [BERTA, CARLES, DORA] {
        assert!(found(&mut v, &mut owner, kept), "{kept} was kept");
    }
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn a_run_stopped_half_way_resumes_and_never_leaves_a_customer_half_erased() {
    let Scene {
        shop,
        mut v,
        mut owner,
        carles,
        dora,
        ..
    } = scene();
    v.lift_legal_hold(&mut owner, carles).unwrap();
    v.lift_restriction(&mut owner, dora).unwrap();
    shop.clock.advance(days(3 * 365 + 1));
    let mut run = v.begin_retention(RunBy::Schedule).unwrap();
    assert_eq!(run.planned(), 4);
    let first_id = run.id();
    // Two customers done, then the process "dies": the run is dropped
    // without being finished, and the vault closed.
    assert!(v.retention_step(&mut run, 2).unwrap());
    drop(run);
    drop(v);

    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let alive: Vec<i64> = (1..=4)
        .filter(|id| exists(&mut v, &mut owner, *id))
        .collect();
    assert_eq!(alive.len(), 2, "two customers erased, two whole");
    let (resumed, _) = v.run_retention(RunBy::Schedule, &mut |_, _| {}).unwrap();
    assert_eq!(resumed.id, first_id, "the stopped run is resumed");
    assert_eq!(resumed.customers_erased, 4);
    assert!(resumed.finished_at.is_some());
    for id in 1..=4 {
        assert!(!exists(&mut v, &mut owner, id));
    }
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn only_the_owner_runs_the_schedule_and_only_owner_and_auditor_see_what_is_due() {
    let Scene { shop, mut v, .. } = scene();
    let mut staff = shop.user(&mut v, "sara", Role::Staff);
    let err = v
        .run_retention(RunBy::Owner(&mut staff), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        v.retention_preview(&mut staff, 30).unwrap_err().code(),
        "forbidden"
    );
    let mut auditor = shop.user(&mut v, "aina", Role::Auditor);
    assert!(v.retention_preview(&mut auditor, 30).is_ok());
    assert!(v.retention_runs(&mut auditor, 10).is_ok());
}
