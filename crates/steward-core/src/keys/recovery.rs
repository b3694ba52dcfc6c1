//! The recovery key: the owner's way back into the vault when this
//! computer's keyring has lost the database key (new computer, reinstalled
//! OS). At setup the owner is shown a random recovery key once; the database
//! key is encrypted ("wrapped") with a key derived from it by Argon2id and
//! saved next to the vault as `<vault>.recovery.json`. That file is useless
//! without the recovery key, and holds no personal data.

use std::io::Read;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::keystore::DbKey;
use crate::error::{Error, Result};
use crate::files::write_atomic;

const FORMAT: &str = "steward-recovery-v1";
/// Crockford's base32 alphabet: no I, L, O or U, so it survives handwriting.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 20 random bytes = 160 bits = 32 base32 characters.
const KEY_BYTES: usize = 20;

/// Argon2id cost for unwrapping. Far above OWASP's minimum: it runs once per
/// recovery, never on a normal open.
const KDF_M_KIB: u32 = 64 * 1024;
const KDF_T: u32 = 3;
const KDF_P: u32 = 1;

/// A recovery key as shown to the owner: eight groups of four characters.
/// Zeroized on drop; `Debug` hides it.
pub struct RecoveryKey(Zeroizing<String>);

impl RecoveryKey {
    fn generate() -> RecoveryKey {
        let mut raw = Zeroizing::new([0u8; KEY_BYTES]);
        rand::rngs::OsRng.fill_bytes(raw.as_mut());
        let mut out = String::with_capacity(40);
        // 160 bits read 5 at a time, most significant first.
        for i in 0..(KEY_BYTES * 8 / 5) {
            let bit = i * 5;
            let mut v = 0u8;
            for b in bit..bit + 5 {
                v = (v << 1) | ((raw[b / 8] >> (7 - b % 8)) & 1);
            }
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(ALPHABET[v as usize] as char);
        }
        RecoveryKey(Zeroizing::new(out))
    }

    /// Parses what a person typed: case, spaces and dashes do not matter,
    /// and the look-alikes O/I/L are read as 0/1/1.
    pub fn parse(typed: &str) -> Result<RecoveryKey> {
        let mut out = Zeroizing::new(String::with_capacity(40));
        let mut n = 0;
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' | '\t' | '\r' | '\n' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Error::InvalidInput {
                    field: "recovery key",
                    reason: "contains characters that are not in a recovery key",
                });
            }
            if n > 0 && n % 4 == 0 {
                out.push('-');
            }
            out.push(c);
            n += 1;
        }
        if n != KEY_BYTES * 8 / 5 {
            return Err(Error::InvalidInput {
                field: "recovery key",
                reason: "must be 32 characters (eight groups of four)",
            });
        }
        Ok(RecoveryKey(out))
    }

    /// The key as printed for the owner.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

/// The file saved next to the vault.
#[derive(Serialize, Deserialize)]
struct RecoveryFile {
    format: String,
    vault_id: String,
    kdf: KdfParams,
    nonce: String,
    wrapped_key: String,
}

#[derive(Serialize, Deserialize)]
struct KdfParams {
    alg: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

/// Where the recovery file of a vault lives.
pub fn recovery_path(vault: &Path) -> PathBuf {
    let mut name = vault.as_os_str().to_owned();
    name.push(".recovery.json");
    PathBuf::from(name)
}

/// Whether KDF parameters read from a file are ones Steward could have
/// written: a crafted file must not make `recover` allocate gigabytes or
/// run for hours before it is refused. The window is generous around what
/// Steward writes (64 MiB, 3 passes, 1 lane).
fn kdf_params_plausible(kdf: &KdfParams) -> bool {
    (8 * 1024..=1024 * 1024).contains(&kdf.m_kib)
        && (1..=10).contains(&kdf.t)
        && (1..=4).contains(&kdf.p)
}

/// Derives the key that wraps the database key; `None` when the parameters
/// (read from a possibly damaged file) are unusable.
fn derive_wrapping_key(
    key: &RecoveryKey,
    salt: &[u8],
    kdf: &KdfParams,
) -> Option<Zeroizing<[u8; 32]>> {
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(key.as_str().as_bytes(), salt, out.as_mut())
        .ok()?;
    Some(out)
}

/// Makes a new recovery key for `db_key` and writes the recovery file next
/// to `vault`. Returns the key, to be shown to the owner exactly once.
pub fn create(vault: &Path, vault_id: &str, db_key: &DbKey) -> Result<RecoveryKey> {
    let key = RecoveryKey::generate();
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let kdf = KdfParams {
        alg: "argon2id".into(),
        m_kib: KDF_M_KIB,
        t: KDF_T,
        p: KDF_P,
        salt: hex::encode(salt),
    };
    // Invariant: the parameters are our own constants and the salt is 16
    // bytes, both within Argon2's limits.
    let wrapping =
        derive_wrapping_key(&key, &salt, &kdf).expect("constant Argon2 parameters are valid");
    let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: db_key.as_bytes(),
                aad: vault_id.as_bytes(),
            },
        )
        // Invariant: encrypting 32 bytes with a 32-byte key and a 24-byte
        // nonce cannot fail.
        .expect("XChaCha20-Poly1305 encryption of a short message");
    let file = RecoveryFile {
        format: FORMAT.into(),
        vault_id: vault_id.into(),
        kdf,
        nonce: hex::encode(nonce),
        wrapped_key: hex::encode(wrapped),
    };
    // Invariant: a struct of strings and integers always serializes.
    let json = serde_json::to_vec_pretty(&file).expect("recovery file serializes");
    write_atomic(&recovery_path(vault), &json)?;
    Ok(key)
}

/// The most a recovery file is read of. Steward writes well under 1 KiB; a
/// larger file is not Steward's, and reading a crafted multi-gigabyte one
/// (at every open, to tell whether a recovery file is there) would stall
/// or abort.
const MAX_FILE_BYTES: u64 = 16 * 1024;

fn read_file(vault: &Path) -> Result<RecoveryFile> {
    let path = recovery_path(vault);
    let bytes = read_bytes(vault)?;
    parse(&bytes).ok_or(Error::RecoveryFileMissing(path))
}

/// The recovery file's bytes as they are (a backup carries a copy).
pub(crate) fn read_bytes(vault: &Path) -> Result<Vec<u8>> {
    let path = recovery_path(vault);
    let missing = || Error::RecoveryFileMissing(path.clone());
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|_| missing())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(missing());
    }
    Ok(bytes)
}

fn parse(bytes: &[u8]) -> Option<RecoveryFile> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return None;
    }
    let file: RecoveryFile = serde_json::from_slice(bytes).ok()?;
    (file.format == FORMAT).then_some(file)
}

/// Unwraps the database key of the vault `vault_id` from a copy of its
/// recovery file (a backup's). `None` when the copy is not a recovery file
/// of that vault; `WrongRecoveryKey` when the key does not open it.
pub(crate) fn unwrap_copy(
    bytes: &[u8],
    vault_id: &str,
    key: &RecoveryKey,
) -> Option<Result<DbKey>> {
    let file = parse(bytes).filter(|f| f.vault_id == vault_id)?;
    match unwrap_file(&file, vault_id, key) {
        Err(Error::RecoveryFileMissing(_)) => None,
        other => Some(other),
    }
}

/// The vault id the recovery file next to `vault` belongs to, if there is one.
pub fn vault_id_of_recovery_file(vault: &Path) -> Option<String> {
    read_file(vault).ok().map(|f| f.vault_id)
}

/// Unwraps the database key of the vault `vault_id` with a recovery key.
pub fn unwrap(vault: &Path, vault_id: &str, key: &RecoveryKey) -> Result<DbKey> {
    let file = read_file(vault)?;
    if file.vault_id != vault_id {
        return Err(Error::RecoveryFileMissing(recovery_path(vault)));
    }
    unwrap_file(&file, vault_id, key).map_err(|e| match e {
        Error::RecoveryFileMissing(_) => Error::RecoveryFileMissing(recovery_path(vault)),
        e => e,
    })
}

fn unwrap_file(file: &RecoveryFile, vault_id: &str, key: &RecoveryKey) -> Result<DbKey> {
    let damaged = || Error::RecoveryFileMissing(PathBuf::new());
    let salt = hex::decode(&file.kdf.salt).map_err(|_| damaged())?;
    let nonce = hex::decode(&file.nonce).map_err(|_| damaged())?;
    let wrapped = hex::decode(&file.wrapped_key).map_err(|_| damaged())?;
    if file.kdf.alg != "argon2id"
        || nonce.len() != 24
        || wrapped.len() != 32 + 16
        || !(16..=64).contains(&salt.len())
        || !kdf_params_plausible(&file.kdf)
    {
        return Err(damaged());
    }
    let wrapping = derive_wrapping_key(key, &salt, &file.kdf).ok_or_else(damaged)?;
    let cipher = XChaCha20Poly1305::new(wrapping.as_ref().into());
    let mut plain = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &wrapped,
                aad: vault_id.as_bytes(),
            },
        )
        .map_err(|_| Error::WrongRecoveryKey)?;
    let res = <[u8; 32]>::try_from(plain.as_slice())
        .map(DbKey::from_bytes)
        .map_err(|_| damaged());
    plain.zeroize();
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_keys_are_32_unambiguous_characters_in_groups_of_four() {
        let k = RecoveryKey::generate();
        assert_eq!(k.as_str().len(), 39);
        assert_eq!(k.as_str().split('-').count(), 8);
        assert!(k
            .as_str()
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
    }

    #[test]
    fn a_typed_key_is_read_forgivingly() {
        let k = RecoveryKey::generate();
        let typed = k.as_str().to_lowercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&typed).unwrap().as_str(), k.as_str());
        assert!(RecoveryKey::parse("ABCD").is_err());
        assert!(RecoveryKey::parse(&format!("{}!", k.as_str())).is_err());
    }
}
