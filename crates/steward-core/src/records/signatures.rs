//! The strokes of the signatures a customer drew on the consent form
//! (table `consent_signature`), one per receipt. The ledger keeps only
//! their SHA-256.

use rusqlite::{params, Connection};
use serde_json::Value;

use crate::error::{Error, Result};

pub(crate) fn insert(
    conn: &Connection,
    receipt_id: &str,
    customer_id: i64,
    strokes: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO consent_signature (receipt_id, customer_id, strokes) VALUES (?1, ?2, ?3)",
        params![receipt_id, customer_id, strokes],
    )
    .map_err(Error::db("save the signature"))?;
    Ok(())
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT receipt_id, strokes FROM consent_signature WHERE customer_id = ?1 ORDER BY receipt_id",
        &customer_id,
    )
}
