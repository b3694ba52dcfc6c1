//! The shop's receipt-signing key (table `shop_signing_key`): an Ed25519
//! key generated when the vault is set up and kept inside it, and its
//! fingerprint, which the notice and every receipt print so that a customer
//! can tell the shop's signature from anyone else's.
//!
//! It sits below both `notices` (which prints the fingerprint) and
//! `receipts` (which signs with the key), so neither has to import the
//! other for it. It never hands the secret half out of the core.

use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::audit::{AuditEvent, Outcome};
use crate::error::{Error, Result};
use crate::store::Tx;
use crate::time::format_ts;

/// How many hex digits a fingerprint has (16 bytes of SHA-256).
const FINGERPRINT_DIGITS: usize = 32;

/// Whether the vault has its receipt-signing key yet.
pub(crate) fn has_signing_key(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT count(*) FROM shop_signing_key", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
    .map_err(Error::db("read the signing key"))
}

/// Creates the shop's signing key if the vault has none yet.
pub(crate) fn ensure_signing_key(tx: &mut Tx<'_>) -> Result<()> {
    if has_signing_key(tx.conn())? {
        return Ok(());
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let secret = zeroize::Zeroizing::new(key.to_bytes());
    tx.conn()
        .execute(
            "INSERT INTO shop_signing_key (id, secret, public, created_at) VALUES (1, ?1, ?2, ?3)",
            params![
                secret.as_slice(),
                key.verifying_key().as_bytes().as_slice(),
                format_ts(tx.now)
            ],
        )
        .map_err(Error::db("save the signing key"))?;
    tx.audit(AuditEvent::new("receipt.key_create", Outcome::Ok))
}

/// The shop's signing key.
pub(crate) fn load_signing_key(conn: &Connection) -> Result<SigningKey> {
    let secret: zeroize::Zeroizing<Vec<u8>> = conn
        .query_row(
            "SELECT secret FROM shop_signing_key WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read the signing key"))?
        .map(zeroize::Zeroizing::new)
        .ok_or(Error::VaultDamaged {
            reason: "the receipt signing key is missing",
        })?;
    let bytes: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| Error::VaultDamaged {
            reason: "the receipt signing key is damaged",
        })?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// The fingerprint of the shop's signing key.
pub(crate) fn key_fingerprint(conn: &Connection) -> Result<String> {
    Ok(fingerprint(&load_signing_key(conn)?.verifying_key()))
}

/// A short, readable fingerprint of a public key: the first 16 bytes of its
/// SHA-256 in groups of four hex digits (`3f2a 9c01 …`, eight groups).
pub fn fingerprint(public: &VerifyingKey) -> String {
    let digest = Sha256::digest(public.as_bytes());
    group(&hex::encode(&digest[..16]))
}

/// A fingerprint as someone typed or pasted it, in the form
/// [`fingerprint`] prints: spaces (and other separators) and letter case
/// do not matter, but it must be exactly the 32 hex digits.
pub fn parse_fingerprint(typed: &str) -> Result<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == ':' || *c == '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if digits.len() != FINGERPRINT_DIGITS || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::InvalidInput {
            field: "key fingerprint",
            reason: "give the 32 hex digits printed on the shop's notice or receipts (spaces do not matter)",
        });
    }
    Ok(group(&digits))
}

fn group(hex_digits: &str) -> String {
    hex_digits
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_fingerprint_ignores_spaces_and_case_but_not_missing_digits() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let printed = fingerprint(&key.verifying_key());
        assert_eq!(printed.len(), FINGERPRINT_DIGITS + 7);
        let squashed = printed.replace(' ', "").to_uppercase();
        assert_eq!(parse_fingerprint(&squashed).unwrap(), printed);
        assert_eq!(
            parse_fingerprint(&format!("  {printed} ")).unwrap(),
            printed
        );
        let not_hex = format!("zz{}", &squashed[2..]);
        for bad in ["", "abcd", &printed[..printed.len() - 1], &not_hex] {
            assert_eq!(
                parse_fingerprint(bad).unwrap_err().code(),
                "invalid_input",
                "{bad}"
            );
        }
    }
}
