//! What is left after an erasure (tables `erasure_tombstone` and
//! `destruction_record`), neither holding personal data: a tombstone per
//! erased customer (their number, random public id, when, on which ground)
//! and a destruction record per erasure (categories and row counts, when,
//! why, by whom, how, and the residue check's result; no customer at all).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};
use crate::Role;

/// What a residue check found after an erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Residue {
    /// None of the erased values is anywhere in the vault's pages, its
    /// journal or its shared memory.
    Clean,
    /// At least one erased value was still found.
    Found,
    /// The check could not run (e.g. the journal could not be emptied).
    NotChecked,
}

impl Residue {
    pub fn as_str(self) -> &'static str {
        match self {
            Residue::Clean => "clean",
            Residue::Found => "found",
            Residue::NotChecked => "not-checked",
        }
    }

    fn parse(s: &str) -> Residue {
        match s {
            "clean" => Residue::Clean,
            "found" => Residue::Found,
            _ => Residue::NotChecked,
        }
    }
}

/// How an erasure destroys data, as the record states it.
pub(crate) const METHOD: &str =
    "rows deleted with secure_delete (freed space zeroed), search index entries removed with FTS5 secure-delete, journal checkpointed and truncated, pages checked for residue";

/// One destruction record, as read back.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestructionRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `customer-request` or `retention`.
    pub trigger: String,
    /// The ground (GDPR Art. 17(1)), as a word.
    pub ground: String,
    pub by_user: Option<i64>,
    pub by_role: Option<String>,
    pub method: String,
    /// Rows deleted, per table.
    pub rows: BTreeMap<String, u64>,
    pub residue: Residue,
    /// How many erased values the residue check looked for.
    pub values_checked: u64,
}

/// A destruction record about to be written.
pub(crate) struct NewRecord<'a> {
    /// `customer-request`, `retention`, `restore-replay` or `backup-prune`.
    pub trigger: &'static str,
    pub ground: &'a str,
    pub by: Option<(i64, Role)>,
    pub rows: &'a BTreeMap<String, u64>,
    /// How the data was destroyed; `None` for an erasure's [`METHOD`].
    pub method: Option<&'static str>,
}

/// An erasure tombstone as a backup carries it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    /// The erased customer's number (never given to anyone else).
    pub customer_id: i64,
    /// Their random public id.
    pub public_id: String,
    pub erased_at: String,
    /// The ground, as a word.
    pub ground: String,
}

/// Every tombstone, by number.
pub(crate) fn tombstones(conn: &Connection) -> Result<Vec<Tombstone>> {
    conn.prepare_cached(
        "SELECT customer_id, public_id, erased_at, ground FROM erasure_tombstone ORDER BY customer_id",
    )
    .and_then(|mut s| {
        s.query_map([], |r| {
            Ok(Tombstone {
                customer_id: r.get(0)?,
                public_id: r.get(1)?,
                erased_at: r.get(2)?,
                ground: r.get(3)?,
            })
        })?
        .collect()
    })
    .map_err(Error::db("read the erasure tombstones"))
}

/// Leaves the tombstone of an erased customer.
pub(crate) fn bury(
    conn: &Connection,
    customer_id: i64,
    public_id: &str,
    ground: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO erasure_tombstone (customer_id, public_id, erased_at, ground)
         VALUES (?1, ?2, ?3, ?4)",
        params![customer_id, public_id, format_ts(now), ground],
    )
    .map_err(Error::db("record the erasure"))?;
    Ok(())
}

/// The number an erased customer had, from their public id.
pub(crate) fn erased_number(conn: &Connection, public_id: &str) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT customer_id FROM erasure_tombstone WHERE public_id = ?1")
        .and_then(|mut s| s.query_row([public_id], |r| r.get(0)).optional())
        .map_err(Error::db("read the erasure tombstones"))
}

/// The public id an erased customer had, from their number.
pub(crate) fn erased_public_id(conn: &Connection, customer_id: i64) -> Result<Option<String>> {
    conn.prepare_cached("SELECT public_id FROM erasure_tombstone WHERE customer_id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)).optional())
        .map_err(Error::db("read the erasure tombstones"))
}

/// The highest customer number ever given, erased ones included (a new
/// customer gets the next: an erased customer's number, which the audit log
/// still names, is never given to someone else).
pub(crate) fn highest_number(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT max(coalesce((SELECT max(id) FROM customer), 0),
                    coalesce((SELECT max(customer_id) FROM erasure_tombstone), 0))",
        [],
        |r| r.get(0),
    )
    .map_err(Error::db("number the new customer"))
}

/// Writes a destruction record; its residue is `not-checked` until
/// [`set_residue`]. Returns its number.
pub(crate) fn record(conn: &Connection, new: &NewRecord<'_>, now: DateTime<Utc>) -> Result<i64> {
    // Invariant: a map of strings to numbers always serializes.
    let rows = serde_json::to_string(new.rows).expect("row counts serialize");
    conn.execute(
        "INSERT INTO destruction_record
             (at, trigger, ground, by_user, by_role, method, rows, residue)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'not-checked')",
        params![
            format_ts(now),
            new.trigger,
            new.ground,
            new.by.map(|(id, _)| id),
            new.by.map(|(_, role)| role.as_str()),
            new.method.unwrap_or(METHOD),
            rows,
        ],
    )
    .map_err(Error::db("write the destruction record"))?;
    Ok(conn.last_insert_rowid())
}

/// Adds rows deleted to destruction record `id` (a retention run's, which
/// grows with each customer it erases, in that customer's transaction).
pub(crate) fn add_rows(conn: &Connection, id: i64, more: &BTreeMap<String, u64>) -> Result<()> {
    let rows: String = conn
        .query_row(
            "SELECT rows FROM destruction_record WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .map_err(Error::db("write the destruction record"))?;
    let mut rows: BTreeMap<String, u64> = serde_json::from_str(&rows).unwrap_or_default();
    for (table, n) in more {
        *rows.entry(table.clone()).or_default() += n;
    }
    // Invariant: a map of strings to numbers always serializes.
    let rows = serde_json::to_string(&rows).expect("row counts serialize");
    conn.execute(
        "UPDATE destruction_record SET rows = ?2 WHERE id = ?1",
        params![id, rows],
    )
    .map_err(Error::db("write the destruction record"))?;
    Ok(())
}

/// Records what the residue check after erasure `id` found.
pub(crate) fn set_residue(
    conn: &Connection,
    id: i64,
    residue: Residue,
    values_checked: usize,
) -> Result<()> {
    conn.execute(
        "UPDATE destruction_record SET residue = ?2, values_checked = ?3 WHERE id = ?1",
        params![id, residue.as_str(), values_checked as i64],
    )
    .map_err(Error::db("write the destruction record"))?;
    Ok(())
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DestructionRecord> {
    let at: String = r.get(1)?;
    let rows: String = r.get(7)?;
    let residue: String = r.get(8)?;
    Ok(DestructionRecord {
        id: r.get(0)?,
        at: parse_ts(&at).unwrap_or_default(),
        trigger: r.get(2)?,
        ground: r.get(3)?,
        by_user: r.get(4)?,
        by_role: r.get(5)?,
        method: r.get(6)?,
        rows: serde_json::from_str(&rows).unwrap_or_default(),
        residue: Residue::parse(&residue),
        values_checked: r.get::<_, i64>(9)?.max(0) as u64,
    })
}

const RECORDS: &str = "SELECT id, at, trigger, ground, by_user, by_role, method, rows, residue,
        values_checked FROM destruction_record";

/// One destruction record.
pub(crate) fn find(conn: &Connection, id: i64) -> Result<Option<DestructionRecord>> {
    conn.prepare_cached(&format!("{RECORDS} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], row).optional())
        .map_err(Error::db("read the destruction records"))
}

/// Every destruction record, newest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<DestructionRecord>> {
    conn.prepare_cached(&format!("{RECORDS} ORDER BY id DESC"))
        .and_then(|mut s| s.query_map([], row)?.collect())
        .map_err(Error::db("read the destruction records"))
}

/// The destruction records written before `cutoff`, but never `except`
/// (the running schedule's own record).
pub(crate) fn ids_before(
    conn: &Connection,
    cutoff: DateTime<Utc>,
    except: Option<i64>,
) -> Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT id FROM destruction_record WHERE at < ?1 AND id IS NOT ?2 ORDER BY id",
    )
    .and_then(|mut s| {
        s.query_map(params![format_ts(cutoff), except], |r| r.get(0))?
            .collect()
    })
    .map_err(Error::db("read the destruction records"))
}

/// Deletes the destruction records `ids` (nothing refers to them any more).
pub(crate) fn delete_records(conn: &Connection, ids: &[i64]) -> Result<u64> {
    let mut n = 0;
    for id in ids {
        n += conn
            .prepare_cached("DELETE FROM destruction_record WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(Error::db("delete old destruction records"))?;
    }
    Ok(n as u64)
}

/// Every erased customer: their number and random id.
pub(crate) fn buried(conn: &Connection) -> Result<Vec<(i64, String)>> {
    conn.prepare_cached("SELECT customer_id, public_id FROM erasure_tombstone ORDER BY customer_id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(Error::db("read the erasure tombstones"))
}

/// The tombstone of a customer, for their (empty) export: none while the
/// customer exists.
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<serde_json::Value>> {
    conn.prepare_cached(
        "SELECT public_id, erased_at, ground FROM erasure_tombstone WHERE customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_map([customer_id], |r| {
            Ok(serde_json::json!({
                "publicId": r.get::<_, String>(0)?,
                "erasedAt": r.get::<_, String>(1)?,
                "ground": r.get::<_, String>(2)?,
            }))
        })?
        .collect()
    })
    .map_err(Error::db("read the erasure tombstones"))
}
