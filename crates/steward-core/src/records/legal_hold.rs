//! Legal holds (table `legal_hold`): a customer whose data must be kept
//! for a dispute or a claim, why (what the owner typed: personal data,
//! kept here only), since when and set by whom. Lifting deletes the row;
//! the audit log keeps that it happened, never the reason. The rule (no
//! erasure while held, on request or on schedule) is stated here once:
//! [`ensure_not_held`].

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::time::format_ts;

/// A customer's legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegalHold {
    pub customer_id: i64,
    pub reason: String,
    pub since: String,
}

/// Refuses (`UnderLegalHold`) when the customer is held.
pub(crate) fn ensure_not_held(conn: &Connection, customer_id: i64) -> Result<()> {
    match get(conn, customer_id)? {
        Some(_) => Err(Error::UnderLegalHold),
        None => Ok(()),
    }
}

/// Places (or replaces the reason of) a customer's hold.
pub(crate) fn set(
    conn: &Connection,
    customer_id: i64,
    reason: &str,
    now: DateTime<Utc>,
    set_by: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO legal_hold (customer_id, reason, since, set_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (customer_id) DO UPDATE SET reason = excluded.reason",
        params![customer_id, reason, format_ts(now), set_by],
    )
    .map_err(Error::db("place the legal hold"))?;
    Ok(())
}

/// Lifts a hold; false when there was none.
pub(crate) fn lift(conn: &Connection, customer_id: i64) -> Result<bool> {
    let n = conn
        .execute(
            "DELETE FROM legal_hold WHERE customer_id = ?1",
            [customer_id],
        )
        .map_err(Error::db("lift the legal hold"))?;
    Ok(n > 0)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LegalHold> {
    Ok(LegalHold {
        customer_id: r.get(0)?,
        reason: r.get(1)?,
        since: r.get(2)?,
    })
}

/// The customer's hold, if any.
pub(crate) fn get(conn: &Connection, customer_id: i64) -> Result<Option<LegalHold>> {
    conn.prepare_cached("SELECT customer_id, reason, since FROM legal_hold WHERE customer_id = ?1")
        .and_then(|mut s| s.query_row([customer_id], row).optional())
        .map_err(Error::db("read the legal hold"))
}

/// Every hold, oldest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<LegalHold>> {
    conn.prepare_cached(
        "SELECT customer_id, reason, since FROM legal_hold ORDER BY since, customer_id",
    )
    .and_then(|mut s| s.query_map([], row)?.collect())
    .map_err(Error::db("read the legal holds"))
}

/// The customer's hold, for their export.
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT reason, since FROM legal_hold WHERE customer_id = ?1",
        &customer_id,
    )
}

/// Whether any hold's reason contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM legal_hold WHERE instr(reason, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}
