//! Purchases (tables `purchase` and `purchase_item`): the lines, quantities,
//! prices in minor units, the currency and the date; never how it was paid.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde_json::Value;

use super::{loyalty, Purchase, PurchaseItem, PurchaseStats};
use crate::error::{Error, Result};
use crate::time::format_ts;

/// Records a purchase and its lines; returns its number.
#[allow(clippy::too_many_arguments)] // one per column written
pub(crate) fn insert(
    conn: &Connection,
    customer_id: i64,
    bought_on: &str,
    items: &[PurchaseItem],
    total_cents: i64,
    currency: &str,
    now: DateTime<Utc>,
    recorded_by: i64,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO purchase (customer_id, bought_on, total_cents, currency, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            customer_id,
            bought_on,
            total_cents,
            currency,
            format_ts(now),
            recorded_by
        ])
    })
    .map_err(Error::db("record a purchase"))?;
    let id = conn.last_insert_rowid();
    for (position, item) in items.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO purchase_item (purchase_id, position, description, quantity, unit_cents)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut s| {
            s.execute(params![
                id,
                position as i64,
                item.description,
                item.quantity,
                item.unit_cents
            ])
        })
        .map_err(Error::db("record a purchase"))?;
    }
    Ok(id)
}

/// The day of each customer's last purchase (`YYYY-MM-DD`), by number;
/// customers who never bought are left out.
pub(crate) fn last_purchase_days(conn: &Connection) -> Result<HashMap<i64, String>> {
    conn.prepare_cached("SELECT customer_id, max(bought_on) FROM purchase GROUP BY customer_id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::db("read the purchases"))
}

/// The day of one customer's last purchase, if they ever bought.
pub(crate) fn last_purchase_day(conn: &Connection, customer_id: i64) -> Result<Option<String>> {
    conn.prepare_cached("SELECT max(bought_on) FROM purchase WHERE customer_id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)))
        .map_err(Error::db("read the purchases"))
}

/// The customer's latest purchases, newest first, at most `limit`.
pub(crate) fn recent(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Purchase>> {
    let heads: Vec<(i64, String, i64, String)> = conn
        .prepare_cached(
            "SELECT id, bought_on, total_cents, currency FROM purchase WHERE customer_id = ?1
             ORDER BY bought_on DESC, id DESC LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![customer_id, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect()
        })
        .map_err(Error::db("read the customer's purchases"))?;
    let mut out = Vec::with_capacity(heads.len());
    for (id, date, total_cents, currency) in heads {
        let items = conn
            .prepare_cached(
                "SELECT description, quantity, unit_cents FROM purchase_item
                 WHERE purchase_id = ?1 ORDER BY position",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok(PurchaseItem {
                        description: r.get(0)?,
                        quantity: r.get(1)?,
                        unit_cents: r.get(2)?,
                    })
                })?
                .collect()
            })
            .map_err(Error::db("read the customer's purchases"))?;
        out.push(Purchase {
            id,
            date,
            total_cents,
            currency,
            items,
            points: loyalty::points_for_purchase(conn, id)?,
        });
    }
    Ok(out)
}

/// How many purchases the customer has.
pub(crate) fn count(conn: &Connection, customer_id: i64) -> Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM purchase WHERE customer_id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)))
        .map_err(Error::db("read the customer's purchases"))
}

/// Totals instead of purchases (for marketing), in the shop's `currency`.
pub(crate) fn stats(
    conn: &Connection,
    customer_id: i64,
    currency: String,
) -> Result<PurchaseStats> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(total_cents), 0), substr(max(bought_on), 1, 7)
         FROM purchase WHERE customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(PurchaseStats {
                count: r.get(0)?,
                total_cents: r.get(1)?,
                currency,
                last_month: r.get(2)?,
            })
        })
    })
    .map_err(Error::db("read the customer's purchases"))
}

/// The day, total and currency of each of the customer's purchases, oldest
/// first (the bookkeeping copy kept when they leave).
pub(crate) fn days_and_totals(
    conn: &Connection,
    customer_id: i64,
) -> Result<Vec<(String, i64, String)>> {
    conn.prepare_cached(
        "SELECT substr(bought_on, 1, 10), total_cents, currency FROM purchase
         WHERE customer_id = ?1 ORDER BY bought_on, id",
    )
    .and_then(|mut s| {
        s.query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .map_err(Error::db("read the customer's purchases"))
}

/// Every customer's purchases together, per currency: (currency, count,
/// total in minor units).
pub(crate) fn totals_by_currency(conn: &Connection) -> Result<Vec<(String, i64, i64)>> {
    conn.prepare_cached(
        "SELECT currency, count(*), coalesce(sum(total_cents), 0) FROM purchase GROUP BY currency",
    )
    .and_then(|mut s| {
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .map_err(Error::db("read the sales totals"))
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT id, bought_on, total_cents, currency, created_at FROM purchase
         WHERE customer_id = ?1 ORDER BY bought_on, id",
        &customer_id,
    )
}

pub(crate) fn export_items(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT i.purchase_id, i.position, i.description, i.quantity, i.unit_cents
         FROM purchase_item i JOIN purchase p ON p.id = i.purchase_id
         WHERE p.customer_id = ?1 ORDER BY i.purchase_id, i.position",
        &customer_id,
    )
}

/// Purchases per day from `since` (`YYYY-MM-DD`) on, in `currency`:
/// `(day, how many, total cents)`. No customer, for counting.
pub(crate) fn per_day_since(
    conn: &Connection,
    since: &str,
    currency: &str,
) -> Result<Vec<(String, i64, i64)>> {
    conn.prepare_cached(
        "SELECT bought_on, count(*), sum(total_cents) FROM purchase
         WHERE bought_on >= ?1 AND currency = ?2
         GROUP BY bought_on ORDER BY bought_on",
    )
    .and_then(|mut s| {
        s.query_map([since, currency], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .map_err(Error::db("count purchases"))
}
