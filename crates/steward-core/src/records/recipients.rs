//! The shop's recipients (table `recipient`) and what was handed to each
//! (table `disclosure`: which customer, which fields, when, by whom; never
//! the values).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::time::format_ts;

/// A recipient bound to one purpose by an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    /// What they receive, in the owner's words ("name and delivery address").
    pub receives: String,
    /// The purpose they receive it for; the only one.
    pub purpose: String,
    /// Where they process it (ISO 3166 alpha-2).
    pub country: String,
    /// When the agreement binding them to Steward's rules was signed.
    pub agreement_date: NaiveDate,
    /// The agreement's reference (a contract number, a file name).
    pub agreement_ref: String,
}

/// One hand-over of one customer's data to a recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Disclosure {
    pub recipient_id: i64,
    pub recipient: String,
    pub fields: Vec<String>,
    pub at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, receives, purpose, country, agreement_date, agreement_ref";

fn recipient_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Recipient> {
    let date: String = r.get(5)?;
    Ok(Recipient {
        id: r.get(0)?,
        name: r.get(1)?,
        receives: r.get(2)?,
        purpose: r.get(3)?,
        country: r.get(4)?,
        agreement_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
        })?,
        agreement_ref: r.get(6)?,
    })
}

pub(crate) struct NewRow<'a> {
    pub name: &'a str,
    pub receives: &'a str,
    pub purpose: &'a str,
    pub country: &'a str,
    pub agreement_date: NaiveDate,
    pub agreement_ref: &'a str,
}

pub(crate) fn insert(conn: &Connection, row: &NewRow<'_>, now: DateTime<Utc>) -> Result<i64> {
    conn.execute(
        "INSERT INTO recipient (name, receives, purpose, country, agreement_date, agreement_ref, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.name,
            row.receives,
            row.purpose,
            row.country,
            row.agreement_date.format("%Y-%m-%d").to_string(),
            row.agreement_ref,
            format_ts(now)
        ],
    )
    .map_err(Error::db("add a recipient"))?;
    Ok(conn.last_insert_rowid())
}

/// The recipients in force (not removed), oldest first.
pub(crate) fn current(conn: &Connection) -> Result<Vec<Recipient>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM recipient WHERE removed_at IS NULL ORDER BY id"
    ))
    .and_then(|mut s| s.query_map([], recipient_row)?.collect())
    .map_err(Error::db("read the recipients"))
}

/// A recipient in force.
pub(crate) fn find(conn: &Connection, id: i64) -> Result<Option<Recipient>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM recipient WHERE id = ?1 AND removed_at IS NULL"),
        [id],
        recipient_row,
    )
    .optional()
    .map_err(Error::db("read a recipient"))
}

/// Ends a recipient's agreement; what they received stays on record.
pub(crate) fn remove(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE recipient SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
            params![id, format_ts(now)],
        )
        .map_err(Error::db("remove a recipient"))?;
    Ok(n == 1)
}

/// Records that `fields` of `customer_id` went to `recipient_id`.
pub(crate) fn record_disclosure(
    conn: &Connection,
    recipient_id: i64,
    customer_id: i64,
    fields: &[&str],
    by_user: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    // Invariant: a list of strings always serializes.
    let fields = serde_json::to_string(fields).expect("field keys serialize");
    conn.execute(
        "INSERT INTO disclosure (recipient_id, customer_id, fields, at, by_user)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![recipient_id, customer_id, fields, format_ts(now), by_user],
    )
    .map_err(Error::db("record a hand-over"))?;
    Ok(())
}

/// Something a recipient must be told about a customer whose data it
/// received (Art. 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipientNotice {
    pub id: i64,
    pub recipient_id: i64,
    pub recipient: String,
    pub customer: i64,
    /// `corrected`, `restricted` or `erased`.
    pub event: String,
    /// The fields concerned that the recipient received.
    pub fields: Vec<String>,
    pub since: DateTime<Utc>,
    pub told_at: Option<DateTime<Utc>>,
}

/// Queues a notice to every recipient that received any of `fields` of the
/// customer (all fields for an erasure: `fields` = `None`). Returns how
/// many recipients are to be told.
pub(crate) fn queue_notices(
    conn: &Connection,
    customer_id: i64,
    event: &str,
    fields: Option<&[&str]>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut received: std::collections::BTreeMap<i64, std::collections::BTreeSet<String>> =
        Default::default();
    for d in disclosures_of(conn, customer_id)? {
        received.entry(d.recipient_id).or_default().extend(d.fields);
    }
    let mut queued = 0;
    for (recipient_id, got) in received {
        let concerned: Vec<&String> = got
            .iter()
            .filter(|f| fields.is_none_or(|changed| changed.contains(&f.as_str())))
            .collect();
        if concerned.is_empty() {
            continue;
        }
        // Invariant: a list of strings always serializes.
        let concerned = serde_json::to_string(&concerned).expect("field keys serialize");
        conn.execute(
            "INSERT INTO recipient_notice (recipient_id, customer_id, event, fields, since)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![recipient_id, customer_id, event, concerned, format_ts(now)],
        )
        .map_err(Error::db("note whom to tell"))?;
        queued += 1;
    }
    Ok(queued)
}

const NOTICES: &str =
    "SELECT n.id, n.recipient_id, r.name, n.customer_id, n.event, n.fields, n.since, n.told_at
     FROM recipient_notice n JOIN recipient r ON r.id = n.recipient_id";

fn notice_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecipientNotice> {
    let fields: String = r.get(5)?;
    let since: String = r.get(6)?;
    let told: Option<String> = r.get(7)?;
    Ok(RecipientNotice {
        id: r.get(0)?,
        recipient_id: r.get(1)?,
        recipient: r.get(2)?,
        customer: r.get(3)?,
        event: r.get(4)?,
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        since: crate::time::parse_ts(&since).unwrap_or_default(),
        told_at: told.as_deref().and_then(crate::time::parse_ts),
    })
}

/// The notices not yet given, oldest first.
pub(crate) fn open_notices(conn: &Connection) -> Result<Vec<RecipientNotice>> {
    conn.prepare_cached(&format!("{NOTICES} WHERE n.told_at IS NULL ORDER BY n.id"))
        .and_then(|mut s| s.query_map([], notice_row)?.collect())
        .map_err(Error::db("read whom to tell"))
}

/// Marks a notice as given; false if there is no such open notice.
pub(crate) fn mark_told(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE recipient_notice SET told_at = ?2 WHERE id = ?1 AND told_at IS NULL",
            params![id, format_ts(now)],
        )
        .map_err(Error::db("mark a recipient as told"))?;
    Ok(n == 1)
}

pub(crate) fn export_notices(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT n.recipient_id, r.name, n.event, n.fields, n.since, n.told_at
         FROM recipient_notice n JOIN recipient r ON r.id = n.recipient_id
         WHERE n.customer_id = ?1 ORDER BY n.id",
        &customer_id,
    )
}

const DISCLOSURES: &str = "SELECT d.recipient_id, r.name, d.fields, d.at
     FROM disclosure d JOIN recipient r ON r.id = d.recipient_id
     WHERE d.customer_id = ?1 ORDER BY d.id";

/// Every hand-over of the customer's data, oldest first.
pub(crate) fn disclosures_of(conn: &Connection, customer_id: i64) -> Result<Vec<Disclosure>> {
    conn.prepare_cached(DISCLOSURES)
        .and_then(|mut s| {
            s.query_map([customer_id], |r| {
                let fields: String = r.get(2)?;
                let at: String = r.get(3)?;
                Ok(Disclosure {
                    recipient_id: r.get(0)?,
                    recipient: r.get(1)?,
                    fields: serde_json::from_str(&fields).unwrap_or_default(),
                    at: crate::time::parse_ts(&at).unwrap_or_default(),
                })
            })?
            .collect()
        })
        .map_err(Error::db("read who received a customer's data"))
}

pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(conn, DISCLOSURES, &customer_id)
}
