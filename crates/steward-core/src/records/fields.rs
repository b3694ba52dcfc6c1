//! The customer's values for the catalog fields (table `customer_field`):
//! one row per field held. Which fields may be stored, and for how long, is
//! decided by the consents (`consent`); this module only reads and writes.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::Fields;
use crate::catalog;
use crate::error::{Error, Result};
use crate::time::format_ts;

/// Stores (or replaces) one value.
pub(crate) fn put(
    conn: &Connection,
    customer_id: i64,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO customer_field (customer_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (customer_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .and_then(|mut s| s.execute(params![customer_id, key, value, format_ts(now)]))
    .map_err(Error::db("save the customer's data"))?;
    Ok(())
}

/// Removes one value (secure_delete zeroes it in the page).
pub(crate) fn remove(conn: &Connection, customer_id: i64, key: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM customer_field WHERE customer_id = ?1 AND field = ?2")
        .and_then(|mut s| s.execute(params![customer_id, key]))
        .map_err(Error::db("erase the customer's data"))?;
    Ok(())
}

/// One value, if held.
pub(crate) fn value(conn: &Connection, customer_id: i64, key: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM customer_field WHERE customer_id = ?1 AND field = ?2")
        .and_then(|mut s| {
            s.query_row(params![customer_id, key], |r| r.get(0))
                .optional()
        })
        .map_err(Error::db("read the customer's data"))
}

/// The keys of the fields held, sorted.
pub(crate) fn held_keys(conn: &Connection, customer_id: i64) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT field FROM customer_field WHERE customer_id = ?1 ORDER BY field")
        .and_then(|mut s| s.query_map([customer_id], |r| r.get(0))?.collect())
        .map_err(Error::db("read the customer's data"))
}

/// Every value held, by catalog key.
pub(crate) fn held(conn: &Connection, customer_id: i64) -> Result<Fields> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached("SELECT field, value FROM customer_field WHERE customer_id = ?1")
        .and_then(|mut s| {
            s.query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(Error::db("read the customer's data"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, v)| catalog::spec(&k).ok().map(|s| (s.key, v)))
        .collect())
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT field, value, updated_at FROM customer_field WHERE customer_id = ?1 ORDER BY field",
        &customer_id,
    )
}

/// Whether any row's `value` contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_field WHERE instr(value, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}

/// Every customer's value of one field (e-mail addresses, phone numbers),
/// to tell whether someone on an imported list is already a customer.
pub(crate) fn all_values_of(conn: &Connection, key: &str) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT value FROM customer_field WHERE field = ?1")
        .and_then(|mut s| s.query_map([key], |r| r.get(0))?.collect())
        .map_err(Error::db("read the customer's data"))
}
