//! Follow-up tasks about a customer (table `customer_task`).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde_json::Value;

use super::Task;
use crate::error::{Error, Result};
use crate::time::format_ts;

/// Adds a task; returns its number.
pub(crate) fn insert(
    conn: &Connection,
    customer_id: i64,
    title: &str,
    due_on: Option<&str>,
    now: DateTime<Utc>,
    created_by: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO customer_task (customer_id, title, due_on, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![customer_id, title, due_on, format_ts(now), created_by],
    )
    .map_err(Error::db("add a task"))?;
    Ok(conn.last_insert_rowid())
}

/// Ticks a task off; false when the customer has no such open task.
pub(crate) fn complete(
    conn: &Connection,
    customer_id: i64,
    task_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE customer_task SET done_at = ?1 WHERE id = ?2 AND customer_id = ?3 AND done_at IS NULL",
            params![format_ts(now), task_id, customer_id],
        )
        .map_err(Error::db("complete a task"))?;
    Ok(n > 0)
}

/// The customer's tasks (open ones first), or only the open ones.
pub(crate) fn list(conn: &Connection, customer_id: i64, open_only: bool) -> Result<Vec<Task>> {
    conn.prepare_cached(
        "SELECT id, title, due_on, done_at IS NOT NULL, created_at FROM customer_task
         WHERE customer_id = ?1 AND (?2 = 0 OR done_at IS NULL)
         ORDER BY done_at IS NOT NULL, coalesce(due_on, '9999'), id",
    )
    .and_then(|mut s| {
        s.query_map(params![customer_id, open_only], |r| {
            Ok(Task {
                id: r.get(0)?,
                title: r.get(1)?,
                due: r.get(2)?,
                done: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?
        .collect()
    })
    .map_err(Error::db("read the customer's tasks"))
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT id, title, due_on, done_at, created_at FROM customer_task WHERE customer_id = ?1 ORDER BY id",
        &customer_id,
    )
}

/// Whether any row's `title` contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_task WHERE instr(title, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}
