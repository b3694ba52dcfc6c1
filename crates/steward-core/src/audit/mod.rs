//! The audit log (table `audit_event`): an append-only, hash-chained record
//! of who did what, when, why and with what outcome. It names people and
//! records only by id ([`Subject`]), never by name or value, so the log
//! itself holds no personal data and never has to be erased.
//!
//! Each entry's hash is an HMAC-SHA256, keyed with a key derived from the
//! vault key, over the previous entry's hash and the entry's fields: editing,
//! deleting or reordering rows breaks the chain. The newest (seq, hash) is
//! also written to an anchor file next to the vault (`anchor`), so cutting
//! entries off the end is detected too. The retention schedule removes the
//! oldest entries once the shop's access-log period ends, behind a
//! checkpoint (`checkpoint`) from which verification continues.
//!
//! This module owns `audit_event`: no other module writes or reads it with
//! SQL. It must never be given a name, an e-mail or any other value from a
//! person's record: callers pass ids and field names only.

pub mod anchor;
pub(crate) mod checkpoint;
mod subject;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::keys::chain::{chain_link, ChainKey, Head};
use crate::permissions::Role;
use crate::time::format_ts;

pub use subject::Subject;

/// The label that derives the audit chain's key from the vault key.
pub(crate) const CHAIN_LABEL: &[u8] = b"steward audit chain v1";

/// The hash that stands before the first entry.
const GENESIS: [u8; 32] = [0u8; 32];

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It was done.
    Ok,
    /// It was refused (no permission, locked, back-off).
    Denied,
    /// It was attempted and failed (e.g. a wrong passphrase).
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One event to append. Only ids and fixed labels go in here.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// The acting user and their role, if someone was logged in.
    pub actor: Option<(i64, Role)>,
    /// What was attempted, e.g. `login`, `user.add`.
    pub action: &'static str,
    /// What it was done to, as ids (`user:7`, `customer:3 customer:9`),
    /// in the stored form of a [`Subject`]. Never a name.
    pub subject: Option<String>,
    /// Why (e.g. `autolock`, `serve-at-till`), from a fixed list.
    pub purpose: Option<&'static str>,
    /// The names of the fields read or changed (`name`, `email`,
    /// `purchases`...), never their values. Empty when no personal data was
    /// touched.
    pub fields: Vec<&'static str>,
    pub outcome: Outcome,
}

impl AuditEvent {
    pub fn new(action: &'static str, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            actor: None,
            action,
            subject: None,
            purpose: None,
            fields: Vec::new(),
            outcome,
        }
    }

    pub fn by(mut self, user_id: i64, role: Role) -> AuditEvent {
        self.actor = Some((user_id, role));
        self
    }

    pub fn on(mut self, subject: Subject) -> AuditEvent {
        self.subject = subject.stored();
        self
    }

    pub fn because(mut self, purpose: &'static str) -> AuditEvent {
        self.purpose = Some(purpose);
        self
    }

    /// Names the fields this access read or changed.
    pub fn touching(mut self, fields: impl IntoIterator<Item = &'static str>) -> AuditEvent {
        self.fields.extend(fields);
        self
    }

    /// The stored form of `fields`: comma separated, `None` when empty.
    fn fields_column(&self) -> Option<String> {
        (!self.fields.is_empty()).then(|| self.fields.join(","))
    }
}

/// A stored row, as read back for verification.
struct Row {
    seq: i64,
    at: String,
    user_id: Option<i64>,
    role: Option<String>,
    action: String,
    subject: Option<String>,
    purpose: Option<String>,
    fields: Option<String>,
    outcome: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

fn entry_hash(key: &ChainKey, prev: &[u8], row: &Row) -> [u8; 32] {
    let user = row.user_id.map(|u| u.to_string());
    let seq = row.seq.to_string();
    let mut parts: Vec<Option<&[u8]>> = vec![
        Some(seq.as_bytes()),
        Some(row.at.as_bytes()),
        user.as_deref().map(str::as_bytes),
        row.role.as_deref().map(str::as_bytes),
        Some(row.action.as_bytes()),
        row.subject.as_deref().map(str::as_bytes),
        row.purpose.as_deref().map(str::as_bytes),
        Some(row.outcome.as_bytes()),
    ];
    // Entries written before field names were logged (schema 2) have no
    // such part and keep their hash; clearing `fields` on a newer entry
    // changes its input and so breaks the chain.
    if let Some(fields) = row.fields.as_deref() {
        parts.push(Some(fields.as_bytes()));
    }
    chain_link(key, prev, &parts)
}

/// Appends `ev` inside the caller's transaction; returns its (seq, hash) for
/// the anchor, to be written once the transaction has committed.
pub(crate) fn append(
    conn: &Connection,
    key: &ChainKey,
    at: DateTime<Utc>,
    ev: &AuditEvent,
) -> Result<(i64, [u8; 32])> {
    let (seq, prev) = match head(conn)? {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let mut row = Row {
        seq,
        at: format_ts(at),
        user_id: ev.actor.map(|a| a.0),
        role: ev.actor.map(|a| a.1.as_str().to_owned()),
        action: ev.action.to_owned(),
        subject: ev.subject.clone(),
        purpose: ev.purpose.map(str::to_owned),
        fields: ev.fields_column(),
        outcome: ev.outcome.as_str().to_owned(),
        prev_hash: prev,
        hash: Vec::new(),
    };
    let hash = entry_hash(key, &row.prev_hash, &row);
    row.hash = hash.to_vec();
    conn.prepare_cached(
        "INSERT INTO audit_event (seq, at, user_id, role, action, subject, purpose, fields, outcome, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut stmt| stmt.execute(params![
            row.seq, row.at, row.user_id, row.role, row.action, row.subject, row.purpose,
            row.fields, row.outcome, row.prev_hash, row.hash
        ]))
    .map_err(Error::db("append to the audit log"))?;
    Ok((seq, hash))
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// True when every entry chains to the one before and the anchor agrees.
    pub intact: bool,
    /// How many entries the table holds.
    pub entries: i64,
    /// The first entry (by seq) found broken, if the chain itself is broken.
    pub first_broken: Option<i64>,
    /// How many consent-ledger records were checked.
    pub consent_records: i64,
    /// A sentence for the person who asked.
    pub message: String,
}

/// Recomputes the whole chain. A broken chain is reported with its first
/// broken entry; the anchor is checked separately (`anchor::check`).
pub(crate) fn verify_chain(conn: &Connection, key: &ChainKey) -> Result<Verdict> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, user_id, role, action, subject, purpose, outcome, prev_hash, hash, fields
             FROM audit_event ORDER BY seq",
        )
        .map_err(Error::db("read the audit log"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Row {
                seq: r.get(0)?,
                at: r.get(1)?,
                user_id: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                purpose: r.get(6)?,
                outcome: r.get(7)?,
                prev_hash: r.get(8)?,
                hash: r.get(9)?,
                fields: r.get(10)?,
            })
        })
        .map_err(Error::db("read the audit log"))?;

    let broken = |seq: i64, why: &str| Verdict {
        intact: false,
        entries: 0,
        first_broken: Some(seq),
        consent_records: 0,
        message: format!("broken at entry {seq}: {why}"),
    };

    // After the retention schedule removed old entries, the chain goes on
    // from its checkpoint.
    let (start_seq, mut prev) = match checkpoint::latest(conn, key)? {
        Ok(Some(c)) => (c.through_seq, c.through_hash),
        Ok(None) => (0, GENESIS.to_vec()),
        Err(why) => return Ok(broken(1, why)),
    };
    let mut entries = 0;
    for row in rows {
        let row = row.map_err(Error::db("read the audit log"))?;
        let expected_seq = start_seq + entries + 1;
        if row.seq != expected_seq {
            return Ok(broken(expected_seq, "an entry is missing or out of order"));
        }
        if row.prev_hash != prev {
            return Ok(broken(row.seq, "it does not follow the entry before it"));
        }
        if entry_hash(key, &prev, &row).as_slice() != row.hash.as_slice() {
            return Ok(broken(row.seq, "its content was changed"));
        }
        prev = row.hash;
        entries += 1;
    }
    Ok(Verdict {
        intact: true,
        entries,
        first_broken: None,
        consent_records: 0,
        message: format!("intact ({entries} entries)"),
    })
}

/// The newest entry's (seq, hash), if the log has any.
pub(crate) fn head(conn: &Connection) -> Result<Option<Head>> {
    conn.prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        .and_then(|mut stmt| {
            stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(Error::db("read the audit log head"))
}

/// The stored hash of entry `seq`, if it exists.
pub(crate) fn hash_at(conn: &Connection, seq: i64) -> Result<Option<Vec<u8>>> {
    conn.query_row("SELECT hash FROM audit_event WHERE seq = ?1", [seq], |r| {
        r.get(0)
    })
    .optional()
    .map_err(Error::db("read the audit log"))
}

/// How many entries the log holds.
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM audit_event", [], |r| r.get(0))
        .map_err(Error::db("count records"))
}

/// The time and subject of every entry by `user_id` for exactly `action`
/// that ended with `outcome`, after `after` (a stored timestamp,
/// exclusive), oldest first. Cheap for a short span: the schema indexes the
/// log by user, action and time (for the hourly search limit).
pub(crate) fn by_user_after(
    conn: &Connection,
    user_id: i64,
    action: &str,
    outcome: Outcome,
    after: DateTime<Utc>,
) -> Result<Vec<(String, Option<String>)>> {
    conn.prepare_cached(
        "SELECT at, subject FROM audit_event
         WHERE user_id = ?1 AND action = ?2 AND at > ?3 AND outcome = ?4
         ORDER BY at, seq",
    )
    .and_then(|mut s| {
        s.query_map(
            params![user_id, action, format_ts(after), outcome.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .collect()
    })
    .map_err(Error::db("read the audit log"))
}

/// Which entries to read back (see `oversight::access_log`). Every part
/// is optional; they combine with AND.
#[derive(Debug, Default)]
pub(crate) struct Query<'a> {
    pub user_id: Option<i64>,
    pub subject: Option<&'a Subject>,
    /// An action (`customer.view`) or family (`customer`), already checked.
    pub action: Option<&'a str>,
    /// Stored timestamps from (inclusive) and up to (exclusive).
    pub from: Option<String>,
    pub until: Option<String>,
    pub before_seq: Option<i64>,
    pub limit: u32,
}

/// One stored entry as read back.
pub(crate) struct StoredEntry {
    pub seq: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub action: String,
    pub subject: Option<String>,
    pub purpose: Option<String>,
    pub fields: Vec<String>,
    pub outcome: String,
}

/// Reads the entries matching `q`, newest first.
pub(crate) fn read(conn: &Connection, q: &Query<'_>) -> Result<Vec<StoredEntry>> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(id) = q.user_id {
        clauses.push("user_id = ?");
        args.push(Value::Integer(id));
    }
    if let Some(subject) = q.subject {
        // A search lists several customers in one subject.
        clauses.push("(' ' || subject || ' ') LIKE ?");
        args.push(Value::Text(subject.like_pattern()));
    }
    if let Some(action) = q.action {
        clauses.push("(action = ? OR action LIKE ?)");
        args.push(Value::Text(action.to_owned()));
        args.push(Value::Text(format!("{action}.%")));
    }
    if let Some(from) = &q.from {
        clauses.push("at >= ?");
        args.push(Value::Text(from.clone()));
    }
    if let Some(until) = &q.until {
        clauses.push("at < ?");
        args.push(Value::Text(until.clone()));
    }
    if let Some(before) = q.before_seq {
        clauses.push("seq < ?");
        args.push(Value::Integer(before));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT seq, at, user_id, role, action, subject, purpose, fields, outcome
         FROM audit_event {where_sql} ORDER BY seq DESC LIMIT {}",
        q.limit
    );
    let mut stmt = conn
        .prepare(&sql)
        .map_err(Error::db("read the audit log"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            let fields: Option<String> = r.get(7)?;
            Ok(StoredEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                user_id: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                purpose: r.get(6)?,
                fields: fields
                    .map(|f| f.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                outcome: r.get(8)?,
            })
        })
        .map_err(Error::db("read the audit log"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read the audit log"))
}
