//! The retention schedule's last step: what the shop kept for its own
//! obligations (`record_keeping`'s rules) goes once its period ends —
//! sales records of customers who left, counted from the day of the sale;
//! the audit log's oldest entries, behind a checkpoint that keeps the rest
//! verifiable; destruction records, never the running schedule's own. One
//! transaction, counted in the run's summary and its destruction record.
//!
//! None of it is personal data that names anyone: sales records hold a
//! day, a total and a currency; the audit log and destruction records hold
//! numbers and fixed words. So no residue check is needed for them (the
//! run's check still covers every value it erased from customers).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::run::{add_to_record, REASON};
use super::runs::{self, Removed};
use crate::audit::{checkpoint, AuditEvent, Outcome};
use crate::error::Result;
use crate::record_keeping::{self as rules, Category};
use crate::records::{bookkeeping, erasure as tombstones};
use crate::store::Vault;
use crate::Role;

/// The first day whose sales are still kept at `as_of`.
fn sales_cutoff_day(conn: &rusqlite::Connection, as_of: DateTime<Utc>) -> Result<String> {
    let period = rules::get(conn, Category::SalesRecords)?;
    Ok(period.cutoff(as_of).format("%Y-%m-%d").to_string())
}

/// What the rules would remove at `as_of` (for the preview and for
/// whether the schedule has work).
pub(super) fn due(conn: &rusqlite::Connection, as_of: DateTime<Utc>) -> Result<Removed> {
    let sales = bookkeeping::count_before(conn, &sales_cutoff_day(conn, as_of)?)?;
    let audit_cutoff = rules::get(conn, Category::AccessLog)?.cutoff(as_of);
    let records_cutoff = rules::get(conn, Category::DestructionRecords)?.cutoff(as_of);
    Ok(Removed {
        sales_records: sales,
        audit_entries: checkpoint::count_before(conn, audit_cutoff)?,
        destruction_records: tombstones::ids_before(conn, records_cutoff, None)?.len() as u64,
    })
}

/// Whether anything kept is past its period now: cheap enough for the
/// app's hourly look.
pub(super) fn anything_due(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<bool> {
    let sales = bookkeeping::count_before(conn, &sales_cutoff_day(conn, now)?)? > 0;
    let audit_cutoff = rules::get(conn, Category::AccessLog)?.cutoff(now);
    let records_cutoff = rules::get(conn, Category::DestructionRecords)?.cutoff(now);
    Ok(sales
        || checkpoint::oldest_before(conn, audit_cutoff)?
        || !tombstones::ids_before(conn, records_cutoff, None)?.is_empty())
}

impl Vault {
    /// Removes what the record-keeping rules no longer keep at `as_of`, in
    /// one transaction with the run's counts and destruction record.
    pub(super) fn remove_kept_records(
        &mut self,
        run_id: i64,
        as_of: DateTime<Utc>,
        by: Option<(i64, Role)>,
    ) -> Result<Removed> {
        self.transact("remove records past their keeping period", |tx| {
            let conn = tx.conn();
            let own_record = runs::destruction_record(conn, run_id)?;
            let sales = bookkeeping::delete_before(conn, &sales_cutoff_day(conn, as_of)?)?;
            let records_cutoff = rules::get(conn, Category::DestructionRecords)?.cutoff(as_of);
            let old_records = tombstones::ids_before(conn, records_cutoff, own_record)?;
            runs::forget_destruction_records(conn, &old_records)?;
            let records = tombstones::delete_records(conn, &old_records)?;
            let audit_cutoff = rules::get(conn, Category::AccessLog)?.cutoff(as_of);
            let audit = tx.remove_old_audit_entries(audit_cutoff)?;
            let removed = Removed {
                sales_records: sales,
                audit_entries: audit,
                destruction_records: records,
            };
            if removed == Removed::default() {
                return Ok(removed);
            }
            let rows: BTreeMap<String, u64> = [
                ("sales_record", sales),
                ("audit_event", audit),
                ("destruction_record", records),
            ]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| (t.to_owned(), n))
            .collect();
            add_to_record(tx.conn(), run_id, by, &rows, tx.now)?;
            runs::add_kept_records_removed(tx.conn(), run_id, removed)?;
            let mut event = AuditEvent::new("retention.records", Outcome::Ok).because(REASON);
            if let Some((user, role)) = by {
                event = event.by(user, role);
            }
            tx.audit(event)?;
            Ok(removed)
        })
    }
}
