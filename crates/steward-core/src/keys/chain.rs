//! Keys that chain rows of an append-only table (the audit log, the consent
//! ledger), and the link that ties one row to the one before. Each key is
//! derived from the vault's database key with its own label, so the chains
//! cannot be confused with each other.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::keystore::DbKey;

type HmacSha256 = Hmac<Sha256>;

/// The newest row of a chained table: (seq, hash).
pub(crate) type Head = (i64, Vec<u8>);

/// A key that chains one table's rows (and, for the audit log, MACs the
/// anchor file). Wiped on drop.
pub(crate) struct ChainKey(Zeroizing<[u8; 32]>);

impl ChainKey {
    /// The key of the chained table named by `label` (e.g. `steward audit
    /// chain v1`); the label keeps the keys of different tables apart.
    pub(crate) fn derive_for(db_key: &DbKey, label: &[u8]) -> ChainKey {
        let mut mac = mac_with(db_key.as_bytes());
        mac.update(label);
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        ChainKey(out)
    }

    /// An HMAC-SHA256 keyed with this key, for MACs over other data.
    pub(crate) fn mac(&self) -> HmacSha256 {
        mac_with(self.0.as_ref())
    }
}

/// The hash that chains one row to the one before: an HMAC over the previous
/// hash and the row's fields. Every field is length-prefixed (absent =
/// `u64::MAX`) so that no two different rows serialize to the same bytes.
pub(crate) fn chain_link(key: &ChainKey, prev: &[u8], fields: &[Option<&[u8]>]) -> [u8; 32] {
    let mut mac = key.mac();
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
