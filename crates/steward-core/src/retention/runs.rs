//! The runs of the retention schedule (table `retention_run`): each run's
//! journal of intent while it works (the moment it erases up to, so a run
//! killed half-way resumes with the same list) and its summary once done.
//! No customer is named here.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};
use crate::Role;

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunTrigger {
    /// The schedule itself (the app's background task, or an OS timer
    /// running `steward … retention run`).
    Schedule,
    /// The owner, on demand.
    Owner,
}

impl RunTrigger {
    fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Schedule => "schedule",
            RunTrigger::Owner => "owner",
        }
    }
}

/// One run of the retention schedule, as the owner reads it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionRunSummary {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    /// Everything whose period ended by then was due.
    pub as_of: DateTime<Utc>,
    pub trigger: String,
    /// Customers due when the run started.
    pub planned: u64,
    /// Customers erased because their membership's period ended.
    pub customers_erased: u64,
    /// Other agreements that ended (what only they covered was erased).
    pub purposes_expired: u64,
    /// Customers whose data was kept because of a legal hold.
    pub kept_held: u64,
    /// Customers whose data was kept because they asked for it to be
    /// restricted (e.g. for a claim of their own).
    pub kept_restricted: u64,
    /// Records removed because their record-keeping period ended.
    pub removed: Removed,
    /// The run's destruction record, when it erased anything.
    pub destruction_record: Option<i64>,
    /// `None` while the run is under way (or was interrupted).
    pub finished_at: Option<DateTime<Utc>>,
}

/// What a run removed under the record-keeping rules (none of it personal
/// data about anyone who could be named).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Removed {
    /// Sales records of customers who left, past the sales-records period.
    pub sales_records: u64,
    /// Audit log entries past the access-log period.
    pub audit_entries: u64,
    /// Destruction records past their period.
    pub destruction_records: u64,
}

/// What one customer's turn in a run added to it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub erased: u64,
    pub expired: u64,
    pub held: u64,
    pub restricted: u64,
}

/// Starts a run; returns its number.
pub(crate) fn start(
    conn: &Connection,
    now: DateTime<Utc>,
    as_of: DateTime<Utc>,
    trigger: RunTrigger,
    by: Option<(i64, Role)>,
    planned: u64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO retention_run (started_at, as_of, trigger, by_user, planned)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            format_ts(now),
            format_ts(as_of),
            trigger.as_str(),
            by.map(|(id, _)| id),
            planned as i64
        ],
    )
    .map_err(Error::db("start the retention run"))?;
    Ok(conn.last_insert_rowid())
}

/// The run that was started and never finished (the process stopped), if
/// any: its number and the moment it erases up to.
pub(crate) fn unfinished(conn: &Connection) -> Result<Option<(i64, DateTime<Utc>)>> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, as_of FROM retention_run WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::db("read the retention runs"))?;
    Ok(row.and_then(|(id, as_of)| parse_ts(&as_of).map(|t| (id, t))))
}

/// Adds one customer's outcome to the run (in that customer's transaction).
pub(crate) fn add(conn: &Connection, id: i64, c: Counts) -> Result<()> {
    conn.execute(
        "UPDATE retention_run SET customers_erased = customers_erased + ?2,
             purposes_expired = purposes_expired + ?3, kept_held = kept_held + ?4,
             kept_restricted = kept_restricted + ?5
         WHERE id = ?1",
        params![
            id,
            c.erased as i64,
            c.expired as i64,
            c.held as i64,
            c.restricted as i64
        ],
    )
    .map_err(Error::db("update the retention run"))?;
    Ok(())
}

/// The run's destruction record, if it has one yet.
pub(crate) fn destruction_record(conn: &Connection, id: i64) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT destruction_record FROM retention_run WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .map_err(Error::db("read the retention run"))
}

pub(crate) fn set_destruction_record(conn: &Connection, id: i64, record: i64) -> Result<()> {
    conn.execute(
        "UPDATE retention_run SET destruction_record = ?2 WHERE id = ?1",
        params![id, record],
    )
    .map_err(Error::db("update the retention run"))?;
    Ok(())
}

/// Forgets the destruction records `ids` in the runs that wrote them, before
/// the records themselves are deleted (the run's counts stay).
pub(crate) fn forget_destruction_records(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        conn.prepare_cached(
            "UPDATE retention_run SET destruction_record = NULL WHERE destruction_record = ?1",
        )
        .and_then(|mut s| s.execute([id]))
        .map_err(Error::db("update the retention runs"))?;
    }
    Ok(())
}

/// Adds what a run removed under the record-keeping rules.
pub(crate) fn add_kept_records_removed(conn: &Connection, id: i64, r: Removed) -> Result<()> {
    conn.execute(
        "UPDATE retention_run SET sales_records_deleted = sales_records_deleted + ?2,
             audit_entries_removed = audit_entries_removed + ?3,
             destruction_records_removed = destruction_records_removed + ?4
         WHERE id = ?1",
        params![
            id,
            r.sales_records as i64,
            r.audit_entries as i64,
            r.destruction_records as i64
        ],
    )
    .map_err(Error::db("update the retention run"))?;
    Ok(())
}

pub(crate) fn finish(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE retention_run SET finished_at = ?2 WHERE id = ?1",
        params![id, format_ts(now)],
    )
    .map_err(Error::db("finish the retention run"))?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RetentionRunSummary> {
    let ts = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
    };
    let n = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
    Ok(RetentionRunSummary {
        id: r.get(0)?,
        started_at: ts(1)?.unwrap_or_default(),
        as_of: ts(2)?.unwrap_or_default(),
        trigger: r.get(3)?,
        planned: n(4)?,
        customers_erased: n(5)?,
        purposes_expired: n(6)?,
        kept_held: n(7)?,
        kept_restricted: n(8)?,
        destruction_record: r.get(9)?,
        finished_at: ts(10)?,
        removed: Removed {
            sales_records: n(11)?,
            audit_entries: n(12)?,
            destruction_records: n(13)?,
        },
    })
}

/// The latest runs, newest first.
pub(crate) fn recent(conn: &Connection, limit: usize) -> Result<Vec<RetentionRunSummary>> {
    conn.prepare_cached(
        "SELECT id, started_at, as_of, trigger, planned, customers_erased, purposes_expired,
                kept_held, kept_restricted, destruction_record, finished_at,
                sales_records_deleted, audit_entries_removed, destruction_records_removed
         FROM retention_run ORDER BY id DESC LIMIT ?1",
    )
    .and_then(|mut s| s.query_map([limit as i64], row)?.collect())
    .map_err(Error::db("read the retention runs"))
}

/// One run.
pub(crate) fn find(conn: &Connection, id: i64) -> Result<Option<RetentionRunSummary>> {
    conn.prepare_cached(
        "SELECT id, started_at, as_of, trigger, planned, customers_erased, purposes_expired,
                kept_held, kept_restricted, destruction_record, finished_at,
                sales_records_deleted, audit_entries_removed, destruction_records_removed
         FROM retention_run WHERE id = ?1",
    )
    .and_then(|mut s| s.query_row([id], row).optional())
    .map_err(Error::db("read the retention runs"))
}
