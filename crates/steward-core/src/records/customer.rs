//! The customer row (table `customer`): the random public id that names
//! the customer on receipts and in the consent ledger, the language they
//! chose, how their identity was checked, and when and by whom they were
//! recorded. Every other table about the customer hangs off this row.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::language::Lang;
use crate::time::format_ts;

/// The customer's row as the full profile shows it.
pub(crate) struct Header {
    pub public_id: String,
    pub lang: Lang,
    pub since: String,
    pub identity_check: String,
}

/// Records a new customer; returns their number.
pub(crate) fn insert(
    conn: &Connection,
    public_id: &str,
    lang: Lang,
    identity_check: &str,
    now: DateTime<Utc>,
    recorded_by: i64,
) -> Result<i64> {
    // An erased customer's number stays theirs: the audit log and the
    // disclosures still name it, so it is never given to someone new.
    let id = super::erasure::highest_number(conn)? + 1;
    conn.execute(
        "INSERT INTO customer (id, public_id, lang, identity_check, created_at, created_by)
         VALUES (?6, ?1, ?2, ?3, ?4, ?5)",
        params![
            public_id,
            lang.code(),
            identity_check,
            format_ts(now),
            recorded_by,
            id
        ],
    )
    .map_err(Error::db("record a new customer"))?;
    Ok(conn.last_insert_rowid())
}

/// Deletes the customer's row; every table hanging off it goes along.
pub(crate) fn delete(conn: &Connection, customer_id: i64) -> Result<()> {
    let deleted = conn
        .execute("DELETE FROM customer WHERE id = ?1", [customer_id])
        .map_err(Error::db("erase the customer"))?;
    if deleted == 0 {
        return Err(Error::CustomerNotFound);
    }
    Ok(())
}

/// The customer's public id, or `CustomerNotFound`.
pub(crate) fn public_id(conn: &Connection, customer_id: i64) -> Result<String> {
    conn.prepare_cached("SELECT public_id FROM customer WHERE id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)).optional())
        .map_err(Error::db("find the customer"))?
        .ok_or(Error::CustomerNotFound)
}

/// The number of the customer with this public id, or `CustomerNotFound`.
pub(crate) fn id_of(conn: &Connection, public_id: &str) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM customer WHERE public_id = ?1")
        .and_then(|mut s| s.query_row([public_id], |r| r.get(0)).optional())
        .map_err(Error::db("find the customer"))?
        .ok_or(Error::CustomerNotFound)
}

/// The language the customer chose, or `CustomerNotFound`.
pub(crate) fn lang(conn: &Connection, customer_id: i64) -> Result<Lang> {
    conn.prepare_cached("SELECT lang FROM customer WHERE id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)).optional())
        .map_err(Error::db("find the customer"))?
        .ok_or(Error::CustomerNotFound)
}

pub(crate) fn exists(conn: &Connection, customer_id: i64) -> Result<bool> {
    conn.prepare_cached("SELECT count(*) FROM customer WHERE id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get::<_, i64>(0)))
        .map(|n| n > 0)
        .map_err(Error::db("find the customer"))
}

pub(crate) fn header(conn: &Connection, customer_id: i64) -> Result<Header> {
    conn.prepare_cached(
        "SELECT public_id, lang, created_at, identity_check FROM customer WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(Header {
                public_id: r.get(0)?,
                lang: r.get(1)?,
                since: r.get(2)?,
                identity_check: r.get(3)?,
            })
        })
        .optional()
    })
    .map_err(Error::db("read the customer"))?
    .ok_or(Error::CustomerNotFound)
}

/// How many customer records the vault holds.
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))
        .map_err(Error::db("count customers"))
}

/// Every customer's (number, public id), by number.
pub(crate) fn all(conn: &Connection) -> Result<Vec<(i64, String)>> {
    conn.prepare("SELECT id, public_id FROM customer ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::db("list customer records"))
}

/// The row, for the customer's own export.
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT id, public_id, lang, identity_check, created_at FROM customer WHERE id = ?1",
        &customer_id,
    )
}
