//! Where the audit log starts (table `audit_checkpoint`). The retention
//! schedule removes entries older than the shop's access-log rule; before
//! it does, it writes a checkpoint: the last removed entry's number and
//! hash and how many entries went, MACed with the audit chain's key.
//! Verification starts from the newest checkpoint, so what remains is
//! still one unbroken chain, and removing entries any other way (or
//! removing or forging a checkpoint) is still a break. The table is
//! append-only, and the log's delete trigger refuses entries after the
//! newest checkpoint.

use chrono::{DateTime, Utc};
use hmac::Mac;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::keys::chain::ChainKey;
use crate::time::format_ts;

/// The point the chain continues from.
pub(crate) struct Checkpoint {
    /// The last removed entry's number: the log goes on at the next.
    pub through_seq: i64,
    /// Its hash: the next entry's `prev_hash`.
    pub through_hash: Vec<u8>,
}

/// A stored checkpoint: (at, through_seq, through_hash, removed, mac).
type StoredRow = (String, i64, Vec<u8>, i64, Vec<u8>);

fn checkpoint_mac(
    key: &ChainKey,
    at: &str,
    through_seq: i64,
    through_hash: &[u8],
    removed: i64,
) -> [u8; 32] {
    let mut mac = key.mac();
    mac.update(b"audit checkpoint v1");
    mac.update(&(at.len() as u64).to_be_bytes());
    mac.update(at.as_bytes());
    mac.update(&through_seq.to_be_bytes());
    mac.update(&(through_hash.len() as u64).to_be_bytes());
    mac.update(through_hash);
    mac.update(&removed.to_be_bytes());
    mac.finalize().into_bytes().into()
}

/// The newest checkpoint: `Ok(None)` when the log was never cut,
/// `Err(why)` when the checkpoint's MAC does not hold.
pub(crate) fn latest(
    conn: &Connection,
    key: &ChainKey,
) -> Result<std::result::Result<Option<Checkpoint>, &'static str>> {
    let row: Option<StoredRow> = conn
        .query_row(
            "SELECT at, through_seq, through_hash, removed, mac FROM audit_checkpoint
             ORDER BY through_seq DESC, id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .map_err(Error::db("read the audit log's starting point"))?;
    let Some((at, through_seq, through_hash, removed, mac)) = row else {
        return Ok(Ok(None));
    };
    if checkpoint_mac(key, &at, through_seq, &through_hash, removed).as_slice() != mac.as_slice() {
        return Ok(Err("the record of where the log starts was altered"));
    }
    Ok(Ok(Some(Checkpoint {
        through_seq,
        through_hash,
    })))
}

/// Removes the entries made before `cutoff`, never the newest, behind a
/// new checkpoint (inside the caller's transaction). Returns how many went.
pub(crate) fn remove_before(
    conn: &Connection,
    key: &ChainKey,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_event
             WHERE at < ?1 AND seq < (SELECT max(seq) FROM audit_event)
             ORDER BY seq DESC LIMIT 1",
            [format_ts(cutoff)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::db("read the audit log"))?;
    let Some((through_seq, through_hash)) = last else {
        return Ok(0);
    };
    let removed: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_event WHERE seq <= ?1",
            [through_seq],
            |r| r.get(0),
        )
        .map_err(Error::db("read the audit log"))?;
    let at = format_ts(now);
    conn.execute(
        "INSERT INTO audit_checkpoint (at, through_seq, through_hash, removed, mac)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            at,
            through_seq,
            through_hash,
            removed,
            checkpoint_mac(key, &at, through_seq, &through_hash, removed).to_vec()
        ],
    )
    .map_err(Error::db("record where the audit log starts"))?;
    conn.execute("DELETE FROM audit_event WHERE seq <= ?1", [through_seq])
        .map_err(Error::db("remove old audit entries"))?;
    Ok(removed.max(0) as u64)
}

/// How many entries were made before `cutoff` (never counting the newest).
pub(crate) fn count_before(conn: &Connection, cutoff: DateTime<Utc>) -> Result<u64> {
    conn.query_row(
        "SELECT count(*) FROM audit_event
         WHERE seq <= (SELECT max(seq) FROM audit_event WHERE at < ?1
                       AND seq < (SELECT max(seq) FROM audit_event))",
        [format_ts(cutoff)],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
    .map_err(Error::db("read the audit log"))
}

/// Whether the log's oldest entry (never the newest) was made before
/// `cutoff`: one row read, for the app's hourly look.
pub(crate) fn oldest_before(conn: &Connection, cutoff: DateTime<Utc>) -> Result<bool> {
    let oldest: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, at FROM audit_event ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::db("read the audit log"))?;
    let newest = super::head(conn)?.map(|(seq, _)| seq);
    Ok(oldest.is_some_and(|(seq, at)| Some(seq) != newest && at < format_ts(cutoff)))
}
