//! The consent ledger (table `consent_event`): one row per decision on one
//! purpose, with the notice version and hash the customer saw, the language,
//! how consent was collected and identity checked, who recorded it and the
//! hash of the drawn signature. Append-only (triggers) and HMAC-chained with
//! its own key; its head is anchored with the audit log's. A customer's
//! current consent is always derived from it, never stored beside it.
//!
//! The ledger names a customer only by their random public id.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::forms::{CollectionMethod, ConsentState, Decision, IdentityCheck};
use super::notices::Notice;
use crate::error::{Error, Result};
use crate::keys::chain::{chain_link, ChainKey, Head};
use crate::store::Tx;
use crate::time::format_ts;

/// The label that derives the ledger chain's key from the vault key.
pub(crate) const CHAIN_LABEL: &[u8] = b"steward consent ledger v1";

/// A row to append to the ledger.
pub(crate) struct LedgerRow<'a> {
    pub receipt_id: &'a str,
    pub customer_ref: &'a str,
    pub decision: Decision,
    pub purpose: &'a str,
    pub notice: &'a Notice,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub recorded_by: i64,
    pub signature_sha256: Option<&'a [u8]>,
}

const GENESIS: [u8; 32] = [0u8; 32];

#[allow(clippy::too_many_arguments)]
fn row_hash(
    key: &ChainKey,
    prev: &[u8],
    seq: i64,
    receipt_id: &str,
    customer_ref: &str,
    at: &str,
    decision: &str,
    purpose: &str,
    notice_version: i64,
    notice_sha256: &[u8],
    lang: &str,
    method: &str,
    identity_check: &str,
    recorded_by: i64,
    signature_sha256: Option<&[u8]>,
) -> [u8; 32] {
    chain_link(
        key,
        prev,
        &[
            Some(seq.to_string().as_bytes()),
            Some(receipt_id.as_bytes()),
            Some(customer_ref.as_bytes()),
            Some(at.as_bytes()),
            Some(decision.as_bytes()),
            Some(purpose.as_bytes()),
            Some(notice_version.to_string().as_bytes()),
            Some(notice_sha256),
            Some(lang.as_bytes()),
            Some(method.as_bytes()),
            Some(identity_check.as_bytes()),
            Some(recorded_by.to_string().as_bytes()),
            signature_sha256,
        ],
    )
}

/// The ledger's newest (seq, hash), for the anchor.
pub(crate) fn head(conn: &Connection) -> Result<Option<Head>> {
    conn.query_row(
        "SELECT seq, hash FROM consent_event ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .map_err(Error::db("read the consent ledger"))
}

pub(crate) fn append(tx: &mut Tx<'_>, row: &LedgerRow<'_>) -> Result<()> {
    let (seq, prev) = match head(tx.conn())? {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let at = format_ts(tx.now);
    let notice_sha = hex::decode(&row.notice.sha256).unwrap_or_default();
    let lang = row.notice.lang.code();
    let hash = row_hash(
        &tx.chain_key_for(CHAIN_LABEL),
        &prev,
        seq,
        row.receipt_id,
        row.customer_ref,
        &at,
        row.decision.as_str(),
        row.purpose,
        row.notice.version,
        &notice_sha,
        lang,
        row.method.as_str(),
        row.identity_check.as_str(),
        row.recorded_by,
        row.signature_sha256,
    );
    tx.conn()
        .execute(
            "INSERT INTO consent_event (seq, receipt_id, customer_ref, at, kind, purpose, notice_version,
                 notice_sha256, lang, method, identity_check, recorded_by, signature_sha256, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                seq,
                row.receipt_id,
                row.customer_ref,
                at,
                row.decision.as_str(),
                row.purpose,
                row.notice.version,
                notice_sha,
                lang,
                row.method.as_str(),
                row.identity_check.as_str(),
                row.recorded_by,
                row.signature_sha256,
                prev,
                hash.as_slice()
            ],
        )
        .map_err(Error::db("append to the consent ledger"))?;
    tx.set_ledger_head((seq, hash.to_vec()));
    Ok(())
}

/// What checking the ledger found: `Ok(records)` or the first broken record
/// and why.
pub(crate) fn verify(
    conn: &Connection,
    key: &ChainKey,
) -> Result<std::result::Result<i64, (i64, &'static str)>> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, receipt_id, customer_ref, at, kind, purpose, notice_version, notice_sha256,
                    lang, method, identity_check, recorded_by, signature_sha256, prev_hash, hash
             FROM consent_event ORDER BY seq",
        )
        .map_err(Error::db("read the consent ledger"))?;
    let mut rows = stmt
        .query([])
        .map_err(Error::db("read the consent ledger"))?;
    let mut prev = GENESIS.to_vec();
    let mut n = 0i64;
    while let Some(r) = rows.next().map_err(Error::db("read the consent ledger"))? {
        let get = |e| Error::db("read the consent ledger")(e);
        let seq: i64 = r.get(0).map_err(get)?;
        if seq != n + 1 {
            return Ok(Err((n + 1, "a record is missing or out of order")));
        }
        let prev_hash: Vec<u8> = r.get(13).map_err(get)?;
        if prev_hash != prev {
            return Ok(Err((seq, "it does not follow the record before it")));
        }
        let sig: Option<Vec<u8>> = r.get(12).map_err(get)?;
        let expected = row_hash(
            key,
            &prev,
            seq,
            &r.get::<_, String>(1).map_err(get)?,
            &r.get::<_, String>(2).map_err(get)?,
            &r.get::<_, String>(3).map_err(get)?,
            &r.get::<_, String>(4).map_err(get)?,
            &r.get::<_, String>(5).map_err(get)?,
            r.get(6).map_err(get)?,
            &r.get::<_, Vec<u8>>(7).map_err(get)?,
            &r.get::<_, String>(8).map_err(get)?,
            &r.get::<_, String>(9).map_err(get)?,
            &r.get::<_, String>(10).map_err(get)?,
            r.get(11).map_err(get)?,
            sig.as_deref(),
        );
        let hash: Vec<u8> = r.get(14).map_err(get)?;
        if hash != expected {
            return Ok(Err((seq, "its content was changed")));
        }
        prev = hash;
        n += 1;
    }
    Ok(Ok(n))
}

/// A customer's current consents, derived from the ledger.
pub(crate) fn current_state(conn: &Connection, customer_ref: &str) -> Result<Vec<ConsentState>> {
    let mut stmt = conn
        .prepare(
            "SELECT e.purpose, e.kind, e.at, e.notice_version FROM consent_event e
             WHERE e.customer_ref = ?1 AND e.seq = (
                 SELECT max(seq) FROM consent_event
                 WHERE customer_ref = e.customer_ref AND purpose = e.purpose)
             ORDER BY e.purpose",
        )
        .map_err(Error::db("read the consent ledger"))?;
    let rows = stmt
        .query_map([customer_ref], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .map_err(Error::db("read the consent ledger"))?;
    let mut out = Vec::new();
    for row in rows {
        let (purpose, kind, since, notice_version) =
            row.map_err(Error::db("read the consent ledger"))?;
        let decision = Decision::parse(&kind).ok_or(Error::VaultDamaged {
            reason: "the consent ledger holds an unknown decision",
        })?;
        out.push(ConsentState {
            purpose,
            granted: decision.grants(),
            decision,
            since,
            notice_version,
        });
    }
    Ok(out)
}

pub(crate) fn granted(conn: &Connection, customer_ref: &str) -> Result<BTreeSet<String>> {
    Ok(current_state(conn, customer_ref)?
        .into_iter()
        .filter(|s| s.granted)
        .map(|s| s.purpose)
        .collect())
}

/// The public ids of the customers whose latest decision on `purpose`
/// grants it.
pub(crate) fn holders(conn: &Connection, purpose: &str) -> Result<BTreeSet<String>> {
    conn.prepare_cached(
        "SELECT e.customer_ref FROM consent_event e
         WHERE e.purpose = ?1 AND e.kind IN ('grant', 'renew') AND e.seq = (
             SELECT max(seq) FROM consent_event
             WHERE customer_ref = e.customer_ref AND purpose = e.purpose)",
    )
    .and_then(|mut s| s.query_map([purpose], |r| r.get(0))?.collect())
    .map_err(Error::db("read the consent ledger"))
}

/// Every purpose a customer currently agrees to, with when they last agreed
/// to it (a renewal counts): `(customer_ref, purpose, at)`. What the
/// retention schedule counts from.
pub(crate) fn agreements(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    conn.prepare_cached(
        "SELECT e.customer_ref, e.purpose, e.at FROM consent_event e
         WHERE e.kind IN ('grant', 'renew') AND e.seq = (
             SELECT max(seq) FROM consent_event
             WHERE customer_ref = e.customer_ref AND purpose = e.purpose)",
    )
    .and_then(|mut s| {
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .map_err(Error::db("read the consent ledger"))
}

/// Compares the ledger's end with the head the audit anchor vouches for;
/// returns the alarm to record when records were cut off or changed.
pub(crate) fn check_anchored(conn: &Connection, anchored: Option<&Head>) -> Result<Option<String>> {
    let Some((lseq, lhash)) = anchored else {
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
        Some(h) if &h != lhash => Some(format!(
            "consent record {lseq} no longer matches the anchor"
        )),
        Some(_) => None,
    })
}

/// How many decisions the ledger holds.
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0))
        .map_err(Error::db("count records"))
}

/// One stored ledger row, as a history shows it.
pub(crate) struct StoredDecision {
    pub seq: i64,
    pub at: String,
    pub decision: Decision,
    pub purpose: String,
    pub notice_version: i64,
    pub notice_sha256: Vec<u8>,
    pub lang: String,
    pub method: String,
    pub identity_check: String,
    pub recorded_by: i64,
    pub receipt_id: String,
}

/// Every decision of one customer, oldest first.
pub(crate) fn decisions_of(conn: &Connection, customer_ref: &str) -> Result<Vec<StoredDecision>> {
    conn.prepare(
        "SELECT seq, at, kind, purpose, notice_version, notice_sha256, lang,
                method, identity_check, recorded_by, receipt_id
         FROM consent_event WHERE customer_ref = ?1 ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map([customer_ref], |r| {
            let kind: String = r.get(2)?;
            Ok(StoredDecision {
                seq: r.get(0)?,
                at: r.get(1)?,
                decision: Decision::parse(&kind).unwrap_or(Decision::Refuse),
                purpose: r.get(3)?,
                notice_version: r.get(4)?,
                notice_sha256: r.get(5)?,
                lang: r.get(6)?,
                method: r.get(7)?,
                identity_check: r.get(8)?,
                recorded_by: r.get(9)?,
                receipt_id: r.get(10)?,
            })
        })?
        .collect()
    })
    .map_err(Error::db("read the consent ledger"))
}

/// The customer's decisions, for their own export.
pub(crate) fn export(conn: &Connection, customer_ref: &str) -> Result<Vec<Value>> {
    crate::records::rows_as_json(
        conn,
        "SELECT seq, at, kind, purpose, notice_version, lang, method, identity_check, receipt_id
         FROM consent_event WHERE customer_ref = ?1 ORDER BY seq",
        &customer_ref,
    )
}

/// Every grant and withdrawal recorded at or after `since` (a stored
/// timestamp), as `(purpose, kind, at)`: no customer, for counting.
pub(crate) fn decisions_since(
    conn: &Connection,
    since: &str,
) -> Result<Vec<(String, String, String)>> {
    conn.prepare_cached(
        "SELECT purpose, kind, at FROM consent_event
         WHERE at >= ?1 AND kind IN ('grant', 'withdraw') ORDER BY seq",
    )
    .and_then(|mut s| {
        s.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .map_err(Error::db("read the consent ledger"))
}

/// For each purpose, how many customers held it just before each of `ends`
/// (stored timestamps, oldest first): the ledger replayed decision by
/// decision, a grant or renewal holding the purpose and any other decision
/// (withdrawal, expiry, refusal) ending it. Counts only: no customer leaves
/// this function. An end in the future counts every decision so far, so it
/// matches `holders` today.
pub(crate) fn holding_at(conn: &Connection, ends: &[String]) -> Result<BTreeMap<String, Vec<u64>>> {
    let mut stmt = conn
        .prepare_cached("SELECT customer_ref, purpose, kind, at FROM consent_event ORDER BY seq")
        .map_err(Error::db("read the consent ledger"))?;
    let mut rows = stmt
        .query([])
        .map_err(Error::db("read the consent ledger"))?;
    let mut held: BTreeSet<(String, String)> = BTreeSet::new();
    let mut now: BTreeMap<String, u64> = BTreeMap::new();
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    // Copies today's counts into every end the decisions have passed.
    let snapshot = |now: &BTreeMap<String, u64>, out: &mut BTreeMap<String, Vec<u64>>, k: usize| {
        for (purpose, n) in now {
            out.entry(purpose.clone())
                .or_insert_with(|| vec![0; ends.len()])[k] = *n;
        }
    };
    let mut next = 0;
    while let Some(r) = rows.next().map_err(Error::db("read the consent ledger"))? {
        let read = |i| {
            r.get::<_, String>(i)
                .map_err(Error::db("read the consent ledger"))
        };
        let (customer_ref, purpose, kind, at) = (read(0)?, read(1)?, read(2)?, read(3)?);
        while next < ends.len() && at >= ends[next] {
            snapshot(&now, &mut out, next);
            next += 1;
        }
        let holds = Decision::parse(&kind).is_some_and(Decision::grants);
        let key = (customer_ref, purpose);
        let count = now.entry(key.1.clone()).or_insert(0);
        if holds && held.insert(key.clone()) {
            *count += 1;
        } else if !holds && held.remove(&key) {
            *count -= 1;
        }
    }
    for k in next..ends.len() {
        snapshot(&now, &mut out, k);
    }
    Ok(out)
}
