//! Notes about interactions with the customer (table `customer_note`).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde_json::Value;

use super::Note;
use crate::error::{Error, Result};
use crate::people::accounts;
use crate::time::format_ts;

/// Adds a note; returns its number.
pub(crate) fn insert(
    conn: &Connection,
    customer_id: i64,
    body: &str,
    now: DateTime<Utc>,
    written_by: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO customer_note (customer_id, body, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
        params![customer_id, body, format_ts(now), written_by],
    )
    .map_err(Error::db("add a note"))?;
    Ok(conn.last_insert_rowid())
}

/// The latest notes, newest first, at most `limit`, each with who wrote it.
pub(crate) fn recent(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Note>> {
    let rows: Vec<(i64, String, i64, String)> = conn
        .prepare_cached(
            "SELECT id, created_at, created_by, body FROM customer_note
             WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![customer_id, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect()
        })
        .map_err(Error::db("read the customer's notes"))?;
    rows.into_iter()
        .map(|(id, at, by, text)| {
            Ok(Note {
                id,
                at,
                by: accounts::display_name(conn, by)?,
                text,
            })
        })
        .collect()
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT id, body, created_at FROM customer_note WHERE customer_id = ?1 ORDER BY id",
        &customer_id,
    )
}

/// Whether any row's `body` contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_note WHERE instr(body, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}
