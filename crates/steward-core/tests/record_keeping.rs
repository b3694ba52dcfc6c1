//! What the shop's law makes it keep (issue 13 §1), on real vault files
//! with the test clock moved past each period: under Spanish rules an
//! erased customer's purchases stay as sales records without them and go
//! six years after each sale; under the general EU default they go with
//! the customer; the retention run removes old audit entries and the log
//! still verifies, while a row removed by hand is still a break; the
//! jurisdiction offers its defaults; only the owner changes the rules; and
//! the notice tells customers how long purchase records are kept.

mod common;

use chrono::Duration;
use common::{in_store_form as form, Shop};
use steward_core::{
    CollectionMethod, ErasureGround, ErasureRequest, Error, IdentityCheck, Jurisdiction, Lang,
    NewItem, NewPurchase, Period, RecordCategory, Role, RunBy, Session, Vault,
};

const NAME: &str = "Quelbrannt Mossivey";
/// An item line that would name the customer if it were kept.
const ITEM: &str = "Cake for Quelbrannt's wedding";

fn request() -> ErasureRequest {
    ErasureRequest {
        lang: None,
        ground: ErasureGround::CustomerRequest,
        method: CollectionMethod::Paper,
        identity_check: IdentityCheck::KnownCustomer,
        signature: None,
    }
}

fn purchase(cents: i64) -> NewPurchase {
    NewPurchase {
        date: None,
        items: vec![NewItem {
            description: ITEM.into(),
            quantity: 1,
            unit_cents: cents,
        }],
        ..Default::default()
    }
}

/// A customer with two purchases (12.50 and 30.00); returns their number.
fn customer_with_purchases(v: &mut Vault, owner: &mut Session) -> i64 {
    let f = form(v, owner, &["membership"], &[("name", NAME)]);
    let id = v.join_customer(owner, f).unwrap().customer_id;
    v.add_purchase(owner, id, &purchase(1250)).unwrap();
    v.add_purchase(owner, id, &purchase(3000)).unwrap();
    id
}

/// (purchases of current customers, sales kept without a customer, total)
/// in the shop's currency.
fn sales(v: &mut Vault, owner: &mut Session) -> (u64, u64, i64) {
    let kept = v.record_keeping(owner).unwrap();
    kept.sales.first().map_or((0, 0, 0), |t| {
        (t.purchases, t.kept_without_customer, t.total_cents)
    })
}

fn run(v: &mut Vault, owner: &mut Session) -> steward_core::RetentionRunSummary {
    v.run_retention(RunBy::Owner(owner), &mut |_, _| {})
        .unwrap()
        .0
}

#[test]
fn erasing_a_customer_in_spain_keeps_their_sales_without_them_until_six_years_after_each_sale() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let kept = v
        .set_jurisdiction(&mut owner, Jurisdiction::Es, true)
        .unwrap();
    assert_eq!(kept.rules[0].period, Period::years(6));
    let id = customer_with_purchases(&mut v, &mut owner);
    assert_eq!(sales(&mut v, &mut owner), (2, 0, 4250));

    v.erase_customer(&mut owner, id, request()).unwrap();

    // The customer is gone, export included...
    let gone = v.customer_profile(&mut owner, id, steward_core::AccessPurpose::CustomerRequest);
    assert!(matches!(gone, Err(Error::CustomerNotFound)));
    assert!(v.export_for_customer(&mut owner, id, None, None).is_err());
    // ...but their sales still count, without them.
    assert_eq!(sales(&mut v, &mut owner), (0, 2, 4250));
    let raw = shop.raw_connection();
    let columns: Vec<String> = raw
        .prepare("SELECT name FROM pragma_table_info('sales_record')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns, ["id", "sold_on", "total_cents", "currency"]);
    let item_left: i64 = raw
        .query_row(
            "SELECT count(*) FROM purchase_item WHERE description = ?1",
            [ITEM],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(item_left, 0, "the item lines went with the customer");
    drop(raw);

    // Kept for six years from the day of each sale: not a day less...
    shop.clock.advance(Duration::days(6 * 365));
    let mut owner = shop.owner(&mut v);
    let first = run(&mut v, &mut owner);
    assert_eq!(first.removed.sales_records, 0);
    assert_eq!(sales(&mut v, &mut owner), (0, 2, 4250));

    // ...then deleted by the schedule, and said so.
    shop.clock.advance(Duration::days(3));
    let mut owner = shop.owner(&mut v);
    assert!(v.retention_due().unwrap());
    let preview = v.retention_preview(&mut owner, 0).unwrap();
    assert_eq!(preview.records_removed.sales_records, 2);
    let later = run(&mut v, &mut owner);
    assert_eq!(later.removed.sales_records, 2);
    let record = v
        .destruction_records(&mut owner)
        .unwrap()
        .into_iter()
        .find(|r| Some(r.id) == later.destruction_record)
        .expect("the run's destruction record");
    assert_eq!(record.rows["sales_record"], 2);
    assert_eq!(sales(&mut v, &mut owner), (0, 0, 0));
    assert!(v.verify_audit_log(&mut owner).unwrap().intact);
}

#[test]
fn under_the_general_eu_default_purchases_go_with_the_customer() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let kept = v.record_keeping(&mut owner).unwrap();
    assert_eq!(kept.jurisdiction, Jurisdiction::Eu);
    assert_eq!(kept.rules[0].period, Period::years(0));
    let id = customer_with_purchases(&mut v, &mut owner);
    v.erase_customer(&mut owner, id, request()).unwrap();
    assert_eq!(sales(&mut v, &mut owner), (0, 0, 0));
    let left: i64 = shop
        .raw_connection()
        .query_row("SELECT count(*) FROM sales_record", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// A shop whose access log is kept 30 days, after a run 31 days on removed
/// the older entries; closed. Returns how many the run removed.
fn shop_with_a_trimmed_log() -> (Shop, u64) {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.set_record_keeping_rule(&mut owner, RecordCategory::AccessLog, Period::days(30))
        .unwrap();
    customer_with_purchases(&mut v, &mut owner);
    shop.clock.advance(Duration::days(31));
    let mut owner = shop.owner(&mut v);
    let summary = run(&mut v, &mut owner);
    v.logout(owner).unwrap();
    (shop, summary.removed.audit_entries)
}

fn verify(shop: &Shop) -> steward_core::Verdict {
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    v.verify_audit_log(&mut owner).unwrap()
}

fn oldest_entry(shop: &Shop) -> i64 {
    shop.raw_connection()
        .query_row("SELECT min(seq) FROM audit_event", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_run_removes_audit_entries_older_than_the_rule_and_the_log_still_verifies() {
    let (shop, removed) = shop_with_a_trimmed_log();
    assert!(removed >= 5, "removed {removed}");
    // What is left starts after the removed entries.
    assert_eq!(oldest_entry(&shop), removed as i64 + 1);
    let verdict = verify(&shop);
    assert!(verdict.intact, "{}", verdict.message);
    // The log stays append-only for everything after the checkpoint.
    let raw = shop.raw_connection();
    let refused = raw.execute(
        "DELETE FROM audit_event WHERE seq = (SELECT min(seq) FROM audit_event)",
        [],
    );
    assert!(refused.is_err());
}

#[test]
fn removing_audit_entries_or_checkpoints_by_hand_is_still_detected() {
    let cases: &[(&str, &str)] = &[
        (
            "the oldest remaining entry",
            "DROP TRIGGER audit_event_is_append_only_delete;
             DELETE FROM audit_event WHERE seq = (SELECT min(seq) FROM audit_event)",
        ),
        (
            "the checkpoint",
            "DROP TRIGGER audit_checkpoint_is_append_only_delete;
             DELETE FROM audit_checkpoint",
        ),
        (
            "a checkpoint moved forward",
            "DROP TRIGGER audit_checkpoint_is_append_only_update;
             UPDATE audit_checkpoint SET through_seq = through_seq + 1",
        ),
    ];
    for (what, sql) in cases {
        let (shop, _) = shop_with_a_trimmed_log();
        shop.raw_connection().execute_batch(sql).unwrap();
        let verdict = verify(&shop);
        assert!(!verdict.intact, "{what} removed by hand went unnoticed");
    }
}

#[test]
fn switching_jurisdiction_shows_its_defaults_and_applies_them_when_asked() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    // (jurisdiction, sales records, access log, destruction records)
    let table = [
        (Jurisdiction::Es, 6, 3, 6),
        (Jurisdiction::Id, 10, 3, 10),
        (Jurisdiction::Eu, 0, 3, 5),
    ];
    for (j, sales, log, records) in table {
        let years = [
            Period::years(sales),
            Period::years(log),
            Period::years(records),
        ];
        // Switching alone shows the defaults but changes no rule.
        let shown = v.set_jurisdiction(&mut owner, j, false).unwrap();
        assert_eq!(shown.jurisdiction, j);
        let defaults: Vec<Period> = shown.rules.iter().map(|r| r.default_period).collect();
        assert_eq!(defaults, years, "{j:?}");
        let applied = v.set_jurisdiction(&mut owner, j, true).unwrap();
        let periods: Vec<Period> = applied.rules.iter().map(|r| r.period).collect();
        assert_eq!(periods, years, "{j:?}");
    }
    assert_eq!(
        v.shop_profile(&mut owner).unwrap().jurisdiction,
        "EU",
        "the notice's shop details follow"
    );
    assert!(Jurisdiction::parse("FR").is_err());
    assert!(v.set_shop_profile(&mut owner, "", "FR").is_err());
}

#[test]
fn only_the_owner_changes_the_rules_and_the_auditor_reads_them() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut staff = shop.user(&mut v, "sam", Role::Staff);
    let forbidden =
        v.set_record_keeping_rule(&mut staff, RecordCategory::SalesRecords, Period::years(1));
    assert!(matches!(forbidden, Err(Error::Forbidden { .. })));
    let forbidden = v.set_jurisdiction(&mut staff, Jurisdiction::Es, true);
    assert!(matches!(forbidden, Err(Error::Forbidden { .. })));
    assert!(matches!(
        v.record_keeping(&mut staff),
        Err(Error::Forbidden { .. })
    ));
    v.logout(staff).unwrap();
    let mut auditor = shop.user(&mut v, "aud", Role::Auditor);
    assert!(v.record_keeping(&mut auditor).is_ok());
    let forbidden =
        v.set_record_keeping_rule(&mut auditor, RecordCategory::AccessLog, Period::days(1));
    assert!(matches!(forbidden, Err(Error::Forbidden { .. })));
    v.logout(auditor).unwrap();
    // Nothing changed.
    let mut owner = shop.owner(&mut v);
    assert_eq!(
        v.record_keeping(&mut owner).unwrap().rules[0].period,
        Period::years(0)
    );
    // A period the schedule could not honour is refused.
    let zero = v.set_record_keeping_rule(&mut owner, RecordCategory::AccessLog, Period::days(0));
    assert!(matches!(zero, Err(Error::InvalidInput { .. })));
}

fn keep_section(v: &mut Vault, owner: &mut Session, lang: Lang) -> (i64, String) {
    let notice = v.notice(owner, lang, None).unwrap();
    let text = notice
        .body
        .sections
        .iter()
        .find(|s| s.key == "keep")
        .expect("a section on keeping")
        .text
        .clone();
    (notice.version, text)
}

#[test]
fn the_notice_tells_customers_how_long_their_purchase_records_are_kept_after_they_leave() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut owner = shop.owner(&mut v);
    let (before, text) = keep_section(&mut v, &mut owner, Lang::En);
    assert!(!text.contains("purchases"), "{text}");

    v.set_jurisdiction(&mut owner, Jurisdiction::Es, true)
        .unwrap();
    let (after, text) = keep_section(&mut v, &mut owner, Lang::En);
    assert_eq!(after, before + 1, "a new notice version");
    assert!(text.contains("6 years from each purchase"), "{text}");
    for (lang, words) in [
        (Lang::Es, "6 años"),
        (Lang::Ca, "6 anys"),
        (Lang::Id, "6 tahun"),
    ] {
        let (_, text) = keep_section(&mut v, &mut owner, lang);
        assert!(text.contains(words), "{lang:?}: {text}");
    }

    v.set_record_keeping_rule(&mut owner, RecordCategory::SalesRecords, Period::years(10))
        .unwrap();
    let (again, text) = keep_section(&mut v, &mut owner, Lang::En);
    assert_eq!(again, after + 1);
    assert!(text.contains("10 years from each purchase"), "{text}");

    // A rule customers do not read about publishes nothing.
    v.set_record_keeping_rule(&mut owner, RecordCategory::AccessLog, Period::years(4))
        .unwrap();
    assert_eq!(keep_section(&mut v, &mut owner, Lang::En).0, again);
}
