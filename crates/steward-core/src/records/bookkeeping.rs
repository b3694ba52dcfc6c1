//! The bookkeeping copy of the purchases of customers who left (table
//! `sales_record`), kept where the shop's law requires its sales records
//! (`record_keeping`'s `sales-records` rule). A row holds the day, the
//! total and the currency, nothing else: no customer, no purchase number
//! (the audit log names purchases of a customer number), no item lines
//! (staff type them freely and could name someone, and the law asks for
//! the sale, not the basket). The rows are pseudonymised, not anonymous:
//! they still fall under data protection, kept under a legal obligation.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};

use super::purchases;
use serde::Serialize;

use crate::error::{Error, Result};

/// Copies a customer's purchases, without the customer, before their
/// record is erased (in the erasure's transaction). Returns how many.
pub(crate) fn keep_without_customer(conn: &Connection, customer_id: i64) -> Result<u64> {
    let sales = purchases::days_and_totals(conn, customer_id)?;
    for (day, total_cents, currency) in &sales {
        conn.prepare_cached(
            "INSERT INTO sales_record (sold_on, total_cents, currency) VALUES (?1, ?2, ?3)",
        )
        .and_then(|mut s| s.execute(params![day, total_cents, currency]))
        .map_err(Error::db("keep the sales records"))?;
    }
    Ok(sales.len() as u64)
}

/// Deletes the rows sold before `day` (`YYYY-MM-DD`, exclusive); returns
/// how many.
pub(crate) fn delete_before(conn: &Connection, day: &str) -> Result<u64> {
    let n = conn
        .execute("DELETE FROM sales_record WHERE sold_on < ?1", [day])
        .map_err(Error::db("delete old sales records"))?;
    Ok(n as u64)
}

/// How many rows were sold before `day`.
pub(crate) fn count_before(conn: &Connection, day: &str) -> Result<u64> {
    conn.query_row(
        "SELECT count(*) FROM sales_record WHERE sold_on < ?1",
        [day],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
    .map_err(Error::db("read the sales records"))
}

/// Sales in one currency: those of current customers and those kept
/// without a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesTotal {
    pub currency: String,
    /// Purchases of current customers.
    pub purchases: u64,
    /// Sales kept without a customer (customers who left).
    pub kept_without_customer: u64,
    /// Everything, in minor units.
    pub total_cents: i64,
}

/// The shop's sales totals per currency, both tables together.
pub(crate) fn totals(conn: &Connection) -> Result<Vec<SalesTotal>> {
    let mut out: BTreeMap<String, SalesTotal> = BTreeMap::new();
    let kept: Vec<(String, i64, i64)> = conn
        .prepare_cached(
            "SELECT currency, count(*), coalesce(sum(total_cents), 0) FROM sales_record
             GROUP BY currency",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(Error::db("read the sales totals"))?;
    for (rows, kept) in [(purchases::totals_by_currency(conn)?, false), (kept, true)] {
        for (currency, n, cents) in rows {
            let t = out.entry(currency.clone()).or_insert_with(|| SalesTotal {
                currency,
                ..SalesTotal::default()
            });
            if kept {
                t.kept_without_customer += n.max(0) as u64;
            } else {
                t.purchases += n.max(0) as u64;
            }
            t.total_cents += cents;
        }
    }
    Ok(out.into_values().collect())
}
