//! The audit log: an append-only, hash-chained record of who did what, when,
//! why and with what outcome. It names people and records only by id
//! (`user:7`), never by name or value, so the log itself holds no personal
//! data and never has to be erased.
//!
//! Each entry's hash is an HMAC-SHA256, keyed with a key derived from the
//! vault key, over the previous entry's hash and the entry's fields: editing,
//! deleting or reordering rows breaks the chain. The newest (seq, hash) is
//! also written to an anchor file next to the vault (`<vault>.audit-head`),
//! MACed with the same key, so cutting entries off the end is detected too.
//! The anchor may lag behind the table after a crash (it is written after the
//! commit); a log longer than its anchor is fine, a shorter one is not.
//!
//! This module must never be given a name, an e-mail or any other value from
//! a person's record: callers pass ids and field names only.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::keystore::DbKey;
use crate::permissions::Role;
use crate::time::format_ts;

type HmacSha256 = Hmac<Sha256>;

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
    /// What it was done to, as an id, e.g. `user:7`. Never a name.
    pub subject: Option<String>,
    /// Why (e.g. `autolock`), from a fixed list.
    pub purpose: Option<&'static str>,
    pub outcome: Outcome,
}

impl AuditEvent {
    pub fn new(action: &'static str, outcome: Outcome) -> AuditEvent {
        AuditEvent {
            actor: None,
            action,
            subject: None,
            purpose: None,
            outcome,
        }
    }

    pub fn by(mut self, user_id: i64, role: Role) -> AuditEvent {
        self.actor = Some((user_id, role));
        self
    }

    pub fn on(mut self, subject: String) -> AuditEvent {
        self.subject = Some(subject);
        self
    }

    pub fn because(mut self, purpose: &'static str) -> AuditEvent {
        self.purpose = Some(purpose);
        self
    }
}

/// The key that chains and anchors the log, derived from the vault key.
pub(crate) struct ChainKey(Zeroizing<[u8; 32]>);

impl ChainKey {
    pub(crate) fn derive(db_key: &DbKey) -> ChainKey {
        let mut mac = mac_with(db_key.as_bytes());
        mac.update(b"steward audit chain v1");
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        ChainKey(out)
    }
}

fn mac_with(key: &[u8]) -> HmacSha256 {
    // Invariant: HMAC accepts keys of any length.
    HmacSha256::new_from_slice(key).expect("HMAC takes any key length")
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
    outcome: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

fn entry_hash(key: &ChainKey, prev: &[u8], row: &Row) -> [u8; 32] {
    let mut mac = mac_with(key.0.as_ref());
    mac.update(prev);
    // Every field is length-prefixed (absent = u64::MAX) so that no two
    // different entries can serialize to the same bytes.
    let mut field = |v: Option<&[u8]>| match v {
        Some(b) => {
            mac.update(&(b.len() as u64).to_be_bytes());
            mac.update(b);
        }
        None => mac.update(&u64::MAX.to_be_bytes()),
    };
    let user = row.user_id.map(|u| u.to_string());
    field(Some(row.seq.to_string().as_bytes()));
    field(Some(row.at.as_bytes()));
    field(user.as_deref().map(str::as_bytes));
    field(row.role.as_deref().map(str::as_bytes));
    field(Some(row.action.as_bytes()));
    field(row.subject.as_deref().map(str::as_bytes));
    field(row.purpose.as_deref().map(str::as_bytes));
    field(Some(row.outcome.as_bytes()));
    mac.finalize().into_bytes().into()
}

/// Appends `ev` inside the caller's transaction; returns its (seq, hash) for
/// the anchor, to be written once the transaction has committed.
pub(crate) fn append(
    conn: &Connection,
    key: &ChainKey,
    at: DateTime<Utc>,
    ev: &AuditEvent,
) -> Result<(i64, [u8; 32])> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::db("read the audit log head"))?;
    let (seq, prev) = match last {
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
        outcome: ev.outcome.as_str().to_owned(),
        prev_hash: prev,
        hash: Vec::new(),
    };
    let hash = entry_hash(key, &row.prev_hash, &row);
    row.hash = hash.to_vec();
    conn.execute(
        "INSERT INTO audit_event (seq, at, user_id, role, action, subject, purpose, outcome, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            row.seq, row.at, row.user_id, row.role, row.action, row.subject, row.purpose,
            row.outcome, row.prev_hash, row.hash
        ],
    )
    .map_err(Error::db("append to the audit log"))?;
    Ok((seq, hash))
}

/// The anchor file's content. `alarm`, once set, is carried forward by
/// every later write: a detected cut or forgery stays on record.
#[derive(Serialize, Deserialize)]
struct AnchorFile {
    seq: i64,
    hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alarm: Option<String>,
    mac: String,
}

/// Where the anchor of a vault's audit log lives.
pub fn anchor_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".audit-head");
    PathBuf::from(name)
}

fn anchor_mac(key: &ChainKey, seq: i64, hash: &[u8], alarm: Option<&str>) -> [u8; 32] {
    let mut mac = mac_with(key.0.as_ref());
    mac.update(b"anchor v1");
    mac.update(&seq.to_be_bytes());
    mac.update(&(hash.len() as u64).to_be_bytes());
    mac.update(hash);
    if let Some(a) = alarm {
        mac.update(a.as_bytes());
    }
    mac.finalize().into_bytes().into()
}

/// Records the newest (seq, hash) next to the vault, with the sticky alarm.
pub(crate) fn write_anchor(
    vault: &Path,
    key: &ChainKey,
    seq: i64,
    hash: &[u8; 32],
    alarm: Option<&str>,
) -> Result<()> {
    let anchor = AnchorFile {
        seq,
        hash: hex::encode(hash),
        alarm: alarm.map(str::to_owned),
        mac: hex::encode(anchor_mac(key, seq, hash, alarm)),
    };
    // Invariant: integers and strings always serialize.
    let json = serde_json::to_vec(&anchor).expect("anchor serializes");
    write_atomic(&anchor_path(vault), &json)
}

/// Compares the anchor with the end of the table. Returns `Ok(None)` when
/// they agree (the table may run ahead of the anchor after a crash), else a
/// sentence saying what is wrong (the alarm to record), including an alarm
/// carried over from earlier.
pub(crate) fn check_anchor(
    conn: &Connection,
    key: &ChainKey,
    vault: &Path,
) -> Result<Option<String>> {
    let anchor: Option<AnchorFile> = match std::fs::read(anchor_path(vault)) {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("read the audit anchor")(e)),
    };
    let Some(anchor) = anchor else {
        return Ok(Some(
            "the audit anchor next to the vault was missing, so entries cut off the end cannot be ruled out".into(),
        ));
    };
    let hash = hex::decode(&anchor.hash).unwrap_or_default();
    let expected_mac = anchor_mac(key, anchor.seq, &hash, anchor.alarm.as_deref());
    if hex::decode(&anchor.mac).ok().as_deref() != Some(&expected_mac[..]) {
        return Ok(Some(
            "the audit anchor next to the vault was altered".into(),
        ));
    }
    if let Some(alarm) = anchor.alarm {
        return Ok(Some(alarm));
    }
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT hash FROM audit_event WHERE seq = ?1",
            [anchor.seq],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read the audit log"))?;
    Ok(match stored {
        None => Some(format!(
            "entries were cut off the end of the log (entry {} is gone)",
            anchor.seq
        )),
        Some(h) if h != hash => Some(format!(
            "entry {} no longer matches the audit anchor",
            anchor.seq
        )),
        Some(_) => None,
    })
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
    /// A sentence for the person who asked.
    pub message: String,
}

/// Recomputes the whole chain, then checks it against the anchor.
pub(crate) fn verify(conn: &Connection, key: &ChainKey, vault: &Path) -> Result<Verdict> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, at, user_id, role, action, subject, purpose, outcome, prev_hash, hash
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
            })
        })
        .map_err(Error::db("read the audit log"))?;

    let broken = |seq: i64, why: &str| Verdict {
        intact: false,
        entries: 0,
        first_broken: Some(seq),
        message: format!("broken at entry {seq}: {why}"),
    };

    let mut prev = GENESIS.to_vec();
    let mut entries = 0;
    for row in rows {
        let row = row.map_err(Error::db("read the audit log"))?;
        let expected_seq = entries + 1;
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
    if let Some(alarm) = check_anchor(conn, key, vault)? {
        return Ok(Verdict {
            intact: false,
            entries,
            first_broken: None,
            message: format!("not intact: {alarm}"),
        });
    }
    Ok(Verdict {
        intact: true,
        entries,
        first_broken: None,
        message: format!("intact ({entries} entries)"),
    })
}
