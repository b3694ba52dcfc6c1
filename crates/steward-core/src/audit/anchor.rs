//! The audit anchor: the newest (seq, hash) of the audit log, and of the
//! consent ledger, written to a file next to the vault (`PATH.audit-head`)
//! and MACed with the audit chain's key, so cutting entries off the end of
//! either is detected. The anchor may lag behind the tables after a crash
//! (it is written after the commit); a log longer than its anchor is fine, a
//! shorter one is not. Once a check finds a problem, the alarm is carried
//! into every later anchor, so new entries cannot hide it.
//!
//! This module checks the audit log's part; the consent ledger checks its
//! own part against the head [`check`] returns.

use std::path::{Path, PathBuf};

use hmac::Mac;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::keys::chain::{ChainKey, Head};

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

/// Where the anchor of a vault's audit log lives.
pub fn path(vault: &Path) -> PathBuf {
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
    let mut mac = key.mac();
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
pub(crate) fn write(
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
    write_atomic(&path(vault), &json)
}

/// What reading the anchor found.
pub(crate) struct AnchorCheck {
    /// What is wrong with the anchor or the audit log's end (the alarm to
    /// record), including an alarm carried over from earlier.
    pub alarm: Option<String>,
    /// The consent ledger's head the anchor vouches for, for the ledger to
    /// check against its table (only when there is no alarm).
    pub ledger: Option<Head>,
}

/// Compares the anchor with the end of the audit log.
pub(crate) fn check(
    conn: &rusqlite::Connection,
    key: &ChainKey,
    vault: &Path,
) -> Result<AnchorCheck> {
    let alarm = |s: String| {
        Ok(AnchorCheck {
            alarm: Some(s),
            ledger: None,
        })
    };
    let anchor: Option<AnchorFile> = match std::fs::read(path(vault)) {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("read the audit anchor")(e)),
    };
    let Some(anchor) = anchor else {
        return alarm(
            "the audit anchor next to the vault was missing, so entries cut off the end cannot be ruled out".into(),
        );
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
        return alarm("the audit anchor next to the vault was altered".into());
    }
    if let Some(carried) = anchor.alarm {
        return alarm(carried);
    }
    let audit_problem = match super::hash_at(conn, anchor.seq)? {
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
    if let Some(problem) = audit_problem {
        return alarm(problem);
    }
    Ok(AnchorCheck {
        alarm: None,
        ledger,
    })
}
