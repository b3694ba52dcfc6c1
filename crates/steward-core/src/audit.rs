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

    pub fn on(mut self, subject: String) -> AuditEvent {
        self.subject = Some(subject);
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

/// The key that chains and anchors the log, derived from the vault key.
pub(crate) struct ChainKey(Zeroizing<[u8; 32]>);

impl ChainKey {
    /// The key of the audit log's chain and of the anchor file.
    pub(crate) fn derive(db_key: &DbKey) -> ChainKey {
        ChainKey::derive_for(db_key, b"steward audit chain v1")
    }

    /// A key for another chained table (`label` keeps the keys apart).
    pub(crate) fn derive_for(db_key: &DbKey, label: &[u8]) -> ChainKey {
        let mut mac = mac_with(db_key.as_bytes());
        mac.update(label);
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        ChainKey(out)
    }
}

/// The hash that chains one row to the one before: an HMAC over the previous
/// hash and the row's fields. Every field is length-prefixed (absent =
/// `u64::MAX`) so that no two different rows serialize to the same bytes.
pub(crate) fn chain_link(key: &ChainKey, prev: &[u8], fields: &[Option<&[u8]>]) -> [u8; 32] {
    let mut mac = mac_with(key.0.as_ref());
    mac.update(prev);
    for field in fields {
        match field {
            Some(b) => {
                mac.update(&(b.len() as u64).to_be_bytes());
                mac.update(b);
            }
            None => mac.update(&u64::MAX.to_be_bytes()),
        }
    }
    mac.finalize().into_bytes().into()
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
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        .and_then(|mut stmt| {
            stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
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

/// The anchor file's content. `alarm`, once set, is carried forward by
/// every later write: a detected cut or forgery stays on record.
#[derive(Serialize, Deserialize)]
struct AnchorFile {
    seq: i64,
    hash: String,
    /// The consent ledger's newest (seq, hash), once it has entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ledger_seq: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ledger_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alarm: Option<String>,
    mac: String,
}

/// The newest row of a chained table: (seq, hash).
pub(crate) type Head = (i64, Vec<u8>);

/// Where the anchor of a vault's audit log lives.
pub fn anchor_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".audit-head");
    PathBuf::from(name)
}

fn anchor_mac(
    key: &ChainKey,
    seq: i64,
    hash: &[u8],
    ledger: Option<(i64, &[u8])>,
    alarm: Option<&str>,
) -> [u8; 32] {
    let mut mac = mac_with(key.0.as_ref());
    mac.update(b"anchor v1");
    mac.update(&seq.to_be_bytes());
    mac.update(&(hash.len() as u64).to_be_bytes());
    mac.update(hash);
    // Anchors written before the consent ledger existed have no ledger part
    // and keep their MAC.
    if let Some((lseq, lhash)) = ledger {
        mac.update(b"ledger");
        mac.update(&lseq.to_be_bytes());
        mac.update(&(lhash.len() as u64).to_be_bytes());
        mac.update(lhash);
    }
    if let Some(a) = alarm {
        mac.update(a.as_bytes());
    }
    mac.finalize().into_bytes().into()
}

/// Records the newest (seq, hash) of the audit log and of the consent
/// ledger next to the vault, with the sticky alarm.
pub(crate) fn write_anchor(
    vault: &Path,
    key: &ChainKey,
    seq: i64,
    hash: &[u8; 32],
    ledger: Option<&Head>,
    alarm: Option<&str>,
) -> Result<()> {
    let ledger_ref = ledger.map(|(s, h)| (*s, h.as_slice()));
    let anchor = AnchorFile {
        seq,
        hash: hex::encode(hash),
        ledger_seq: ledger.map(|l| l.0),
        ledger_hash: ledger.map(|l| hex::encode(&l.1)),
        alarm: alarm.map(str::to_owned),
        mac: hex::encode(anchor_mac(key, seq, hash, ledger_ref, alarm)),
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
    let ledger = match (anchor.ledger_seq, anchor.ledger_hash.as_deref()) {
        (Some(s), Some(h)) => Some((s, hex::decode(h).unwrap_or_default())),
        _ => None,
    };
    let expected_mac = anchor_mac(
        key,
        anchor.seq,
        &hash,
        ledger.as_ref().map(|(s, h)| (*s, h.as_slice())),
        anchor.alarm.as_deref(),
    );
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
    let audit_problem = match stored {
        None => Some(format!(
            "entries were cut off the end of the log (entry {} is gone)",
            anchor.seq
        )),
        Some(h) if h != hash => Some(format!(
            "entry {} no longer matches the audit anchor",
            anchor.seq
        )),
        Some(_) => None,
    };
    if audit_problem.is_some() {
        return Ok(audit_problem);
    }
    let Some((lseq, lhash)) = ledger else {
        return Ok(None);
    };
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT hash FROM consent_event WHERE seq = ?1",
            [lseq],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read the consent ledger"))?;
    Ok(match stored {
        None => Some(format!(
            "consent records were cut off the end of the ledger (record {lseq} is gone)"
        )),
        Some(h) if h != lhash => Some(format!(
            "consent record {lseq} no longer matches the anchor"
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
    /// How many consent-ledger records were checked.
    pub consent_records: i64,
    /// A sentence for the person who asked.
    pub message: String,
}

/// Recomputes the whole chain, then checks it against the anchor.
pub(crate) fn verify(conn: &Connection, key: &ChainKey, vault: &Path) -> Result<Verdict> {
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
            consent_records: 0,
            message: format!("not intact: {alarm}"),
        });
    }
    Ok(Verdict {
        intact: true,
        entries,
        first_broken: None,
        consent_records: 0,
        message: format!("intact ({entries} entries)"),
    })
}
