//! The loyalty account (tables `loyalty_account` and `loyalty_entry`): a
//! random nine-digit number and the points earned and spent. It exists only
//! while the customer agrees to loyalty (`consent` opens and closes it).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::Loyalty;
use crate::error::{Error, Result};
use crate::time::format_ts;

/// The account and its balance, if the customer has one.
pub(crate) fn account(conn: &Connection, customer_id: i64) -> Result<Option<Loyalty>> {
    conn.prepare_cached(
        "SELECT a.number, coalesce((SELECT sum(points) FROM loyalty_entry e WHERE e.customer_id = a.customer_id), 0)
         FROM loyalty_account a WHERE a.customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(Loyalty {
                number: r.get(0)?,
                points: r.get(1)?,
            })
        })
        .optional()
    })
    .map_err(Error::db("read the loyalty account"))
}

fn new_number(conn: &Connection) -> Result<String> {
    loop {
        // Nine digits: far too short to be mistaken for a card number.
        let n = uuid::Uuid::new_v4().as_u128() % 900_000_000 + 100_000_000;
        let number = n.to_string();
        let taken: i64 = conn
            .query_row(
                "SELECT count(*) FROM loyalty_account WHERE number = ?1",
                [&number],
                |r| r.get(0),
            )
            .map_err(Error::db("open a loyalty account"))?;
        if taken == 0 {
            return Ok(number);
        }
    }
}

/// Opens an account with a fresh number.
pub(crate) fn open(conn: &Connection, customer_id: i64, now: DateTime<Utc>) -> Result<()> {
    let number = new_number(conn)?;
    conn.execute(
        "INSERT INTO loyalty_account (customer_id, number, created_at) VALUES (?1, ?2, ?3)",
        params![customer_id, number, format_ts(now)],
    )
    .map_err(Error::db("open a loyalty account"))?;
    Ok(())
}

/// Closes the account; its points go with it.
pub(crate) fn close(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.execute(
        "DELETE FROM loyalty_account WHERE customer_id = ?1",
        [customer_id],
    )
    .map_err(Error::db("close the loyalty account"))?;
    Ok(())
}

/// Adds points (or, negative, spends them). `reason`: `purchase` (with the
/// purchase) or `redeem`.
pub(crate) fn add_entry(
    conn: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
    points: i64,
    reason: &'static str,
    purchase_id: Option<i64>,
    recorded_by: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO loyalty_entry (customer_id, at, points, reason, purchase_id, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            format_ts(now),
            points,
            reason,
            purchase_id,
            recorded_by
        ])
    })
    .map_err(Error::db("record loyalty points"))?;
    Ok(())
}

/// The points a purchase earned, if any.
pub(crate) fn points_for_purchase(conn: &Connection, purchase_id: i64) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT sum(points) FROM loyalty_entry WHERE purchase_id = ?1")
        .and_then(|mut s| s.query_row([purchase_id], |r| r.get(0)))
        .map_err(Error::db("read the customer's purchases"))
}

pub(crate) fn export_account(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT number, created_at FROM loyalty_account WHERE customer_id = ?1",
        &customer_id,
    )
}

pub(crate) fn export_entries(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT at, points, reason, purchase_id FROM loyalty_entry WHERE customer_id = ?1 ORDER BY id",
        &customer_id,
    )
}

/// Whether any row's `number` contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM loyalty_account WHERE instr(number, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}
