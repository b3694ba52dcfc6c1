//! Short labels on a customer (table `customer_tag`).

use rusqlite::{params, Connection};
use serde_json::Value;

use crate::error::{Error, Result};

/// Replaces the customer's tags with `tags`.
pub(crate) fn replace<'a>(
    conn: &Connection,
    customer_id: i64,
    tags: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    conn.execute(
        "DELETE FROM customer_tag WHERE customer_id = ?1",
        [customer_id],
    )
    .map_err(Error::db("tag a customer"))?;
    for tag in tags {
        conn.execute(
            "INSERT INTO customer_tag (customer_id, tag) VALUES (?1, ?2)",
            params![customer_id, tag],
        )
        .map_err(Error::db("tag a customer"))?;
    }
    Ok(())
}

/// The customer's tags, sorted.
pub(crate) fn list(conn: &Connection, customer_id: i64) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM customer_tag WHERE customer_id = ?1 ORDER BY tag")
        .and_then(|mut s| s.query_map([customer_id], |r| r.get(0))?.collect())
        .map_err(Error::db("read the customer's tags"))
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT tag FROM customer_tag WHERE customer_id = ?1 ORDER BY tag",
        &customer_id,
    )
}
