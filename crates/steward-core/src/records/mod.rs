//! Everything recorded about a customer, one file per table: the customer
//! row (`customer`), their field values (`fields`), the search index
//! (`search`), purchases, notes, tasks, tags, the loyalty account and the
//! strokes of their signatures, and whether their record is restricted
//! (`restriction`, which also states the one rule every writer obeys).
//! Each file owns its table's SQL; nothing
//! else in the core reads or writes these tables.
//!
//! The functions here take a connection inside the caller's transaction and
//! decide nothing: who may read or write what, and under which consent, is
//! decided by `consent` and `crm`, which call them. Each table is listed,
//! with how to export and erase it, in the register of customer data
//! (`register`).

pub mod bookkeeping;
pub mod customer;
pub mod erasure;
pub mod fields;
pub mod legal_hold;
pub mod loyalty;
pub mod notes;
pub mod purchases;
pub mod recipients;
pub mod restriction;
pub mod search;
pub mod signatures;
pub mod tags;
pub mod tasks;

use std::collections::BTreeMap;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ToSql};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Held catalog fields, by key (`name`, `email`...).
pub type Fields = BTreeMap<&'static str, String>;

/// A customer's loyalty account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Loyalty {
    pub number: String,
    pub points: i64,
}

/// One line of a purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseItem {
    pub description: String,
    pub quantity: i64,
    pub unit_cents: i64,
}

/// A recorded purchase (never how it was paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    pub id: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub total_cents: i64,
    pub currency: String,
    pub items: Vec<PurchaseItem>,
    /// Loyalty points it earned (when the customer collects points).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
}

/// A note about an interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: i64,
    pub at: String,
    /// The username of who wrote it.
    pub by: String,
    pub text: String,
}

/// A follow-up task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: i64,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub done: bool,
    pub created_at: String,
}

/// Totals instead of purchases, for marketing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseStats {
    pub count: i64,
    pub total_cents: i64,
    /// The shop's currency.
    pub currency: String,
    /// `YYYY-MM` of the latest purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_month: Option<String>,
}

/// Brings one customer's search index row up to date with their data (or
/// removes it when the customer is gone). Runs inside the caller's
/// transaction, after every change to a name, e-mail, phone or loyalty
/// number.
pub(crate) fn sync_search(conn: &Connection, customer_id: i64) -> Result<()> {
    if !customer::exists(conn, customer_id)? {
        return search::remove(conn, customer_id);
    }
    let loyalty = loyalty::account(conn, customer_id)?.map(|a| a.number);
    search::put(
        conn,
        customer_id,
        &search::Terms {
            name: fields::value(conn, customer_id, "name")?.unwrap_or_default(),
            email: fields::value(conn, customer_id, "email")?.unwrap_or_default(),
            phone: fields::value(conn, customer_id, "phone")?.unwrap_or_default(),
            loyalty: loyalty.unwrap_or_default(),
        },
    )
}

/// Every row `sql` returns (bound to `arg`), as JSON objects keyed by
/// column name: how a table's rows go into the customer's own export.
/// Blobs are written as lowercase hex.
pub(crate) fn rows_as_json(conn: &Connection, sql: &str, arg: &dyn ToSql) -> Result<Vec<Value>> {
    let err = Error::db("read the customer's data for an export");
    let mut stmt = conn.prepare_cached(sql).map_err(err)?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt
        .query([arg])
        .map_err(Error::db("read the customer's data for an export"))?;
    let mut out = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(Error::db("read the customer's data for an export"))?
    {
        let mut map = Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row
                .get_ref(i)
                .map_err(Error::db("read the customer's data for an export"))?
            {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => Value::from(x),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::from(hex::encode(b)),
            };
            map.insert(name.clone(), value);
        }
        out.push(Value::Object(map));
    }
    Ok(out)
}
