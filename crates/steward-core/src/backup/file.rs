//! A backup file on disk: one file, so that a USB stick holds whole
//! backups. `MAGIC` (16 bytes), the header's length (4 bytes, big-endian),
//! the header (JSON, no personal data), an HMAC-SHA256 of everything before
//! it under a key derived from the backup key (32 bytes), then the
//! database: a SQLCipher file keyed with the backup's own random key.
//!
//! The backup key is wrapped (XChaCha20-Poly1305) under a key derived from
//! the vault's database key, so this vault lists and verifies its backups;
//! the header also carries a copy of the vault's recovery file (the
//! database key wrapped under the owner's recovery key), so on a new
//! computer the recovery key alone unwraps the database key, which unwraps
//! the backup key. Without either, the file is ciphertext.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::Mac;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::files::owner_only;
use crate::keys::chain::{ChainKey, Head};
use crate::keys::keystore::DbKey;
use crate::records::erasure::Tombstone;

const MAGIC: &[u8; 16] = b"STEWARD BACKUP\n\x01";
pub(crate) const FORMAT: &str = "steward-backup-v1";
/// The file name's ending.
pub(crate) const EXTENSION: &str = "stewardbackup";
/// A header larger than this is not Steward's (a million tombstones fit).
const MAX_HEADER: u32 = 256 << 20;
const WRAP_LABEL: &[u8] = b"steward backup key wrap v1";
const MAC_LABEL: &[u8] = b"steward backup header v1";

/// The newest row of a chained table, as a header states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub(crate) fn of(head: &Head) -> ChainHead {
        ChainHead {
            seq: head.0,
            hash: hex::encode(&head.1),
        }
    }

    pub(crate) fn to_head(&self) -> Result<Head> {
        Ok((
            self.seq,
            hex::decode(&self.hash).map_err(|_| damaged_header())?,
        ))
    }
}

/// The header: what the backup is, with no personal data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Header {
    pub format: String,
    /// Random: names the backup in the audit log.
    pub backup_id: String,
    pub vault_id: String,
    pub created_at: String,
    pub schema_version: i64,
    pub audit_head: ChainHead,
    pub ledger_head: Option<ChainHead>,
    /// The erasure tombstones when the backup was made.
    pub tombstones: Vec<Tombstone>,
    /// The backup key wrapped under the vault's database key.
    pub key_nonce: String,
    pub wrapped_key: String,
    /// The vault's recovery file, as it was.
    pub recovery_file: String,
    /// The database's length and SHA-256.
    pub body_bytes: u64,
    pub body_sha256: String,
}

/// A backup file whose header was read, not yet authenticated.
pub(crate) struct Unsealed {
    pub path: PathBuf,
    pub header: Header,
    header_bytes: Vec<u8>,
    mac: [u8; 32],
    body_offset: u64,
}

fn damaged_header() -> Error {
    Error::BackupInvalid {
        reason: "its header is damaged",
    }
}

fn truncated() -> Error {
    Error::BackupInvalid {
        reason: "the file is truncated",
    }
}

/// The key that wraps backup keys, derived from the vault's database key.
fn wrapping_key(db_key: &DbKey) -> Zeroizing<[u8; 32]> {
    let mut mac = ChainKey::derive_for(db_key, WRAP_LABEL).mac();
    mac.update(b"wrap");
    Zeroizing::new(mac.finalize().into_bytes().into())
}

fn aad(vault_id: &str, backup_id: &str) -> Vec<u8> {
    format!("{FORMAT}\n{vault_id}\n{backup_id}").into_bytes()
}

/// Wraps `backup_key` for the header: (nonce, ciphertext), hex.
pub(crate) fn wrap_key(
    db_key: &DbKey,
    backup_key: &DbKey,
    vault_id: &str,
    backup_id: &str,
) -> (String, String) {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let wrapping = wrapping_key(db_key);
    let wrapped = XChaCha20Poly1305::new(wrapping.as_ref().into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: backup_key.as_bytes(),
                aad: &aad(vault_id, backup_id),
            },
        )
        // Invariant: encrypting 32 bytes with a 32-byte key and a 24-byte
        // nonce cannot fail.
        .expect("XChaCha20-Poly1305 encryption of a short message");
    (hex::encode(nonce), hex::encode(wrapped))
}

fn header_mac(backup_key: &DbKey, len: &[u8; 4], header: &[u8]) -> [u8; 32] {
    let mut mac = ChainKey::derive_for(backup_key, MAC_LABEL).mac();
    mac.update(MAGIC);
    mac.update(len);
    mac.update(header);
    mac.finalize().into_bytes().into()
}

/// Writes a backup file: header, MAC and the database file `body`.
pub(crate) fn write(
    out: &mut File,
    header: &Header,
    backup_key: &DbKey,
    body: &Path,
) -> Result<()> {
    // Invariant: strings, integers and lists of them always serialize.
    let bytes = serde_json::to_vec(header).expect("backup header serializes");
    let len = (bytes.len() as u32).to_be_bytes();
    let mac = header_mac(backup_key, &len, &bytes);
    let io = Error::io("write the backup");
    out.write_all(MAGIC)
        .and_then(|()| out.write_all(&len))
        .and_then(|()| out.write_all(&bytes))
        .and_then(|()| out.write_all(&mac))
        .map_err(io)?;
    let mut body = File::open(body).map_err(Error::io("read the copy of the vault"))?;
    std::io::copy(&mut body, out).map_err(Error::io("write the backup"))?;
    Ok(())
}

/// The length and SHA-256 (hex) of a file.
pub(crate) fn digest(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).map_err(Error::io("read the copy of the vault"))?;
    let mut hasher = Sha256::new();
    let n = std::io::copy(&mut f, &mut hasher).map_err(Error::io("read the copy of the vault"))?;
    Ok((n, hex::encode(hasher.finalize())))
}

/// Reads a backup's header. Checks only what needs no key: that it is a
/// backup, whole, and that its header parses.
pub(crate) fn read(path: &Path) -> Result<Unsealed> {
    let mut f = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::BackupInvalid {
            reason: "there is no file with that name",
        },
        _ => Error::io("open the backup")(e),
    })?;
    let file_len = f
        .metadata()
        .map_err(Error::io("read the backup's size"))?
        .len();
    let mut magic = [0u8; 16];
    let got = read_up_to(&mut f, &mut magic)?;
    if got < MAGIC.len() || &magic != MAGIC {
        return Err(if got > 0 && MAGIC.starts_with(&magic[..got]) {
            truncated()
        } else {
            Error::BackupInvalid {
                reason: "the file is not a Steward backup",
            }
        });
    }
    let mut len = [0u8; 4];
    if read_up_to(&mut f, &mut len)? < 4 {
        return Err(truncated());
    }
    let header_len = u32::from_be_bytes(len);
    if header_len > MAX_HEADER {
        return Err(damaged_header());
    }
    let body_offset = 16 + 4 + header_len as u64 + 32;
    if file_len < body_offset {
        return Err(truncated());
    }
    let mut header_bytes = vec![0u8; header_len as usize];
    f.read_exact(&mut header_bytes)
        .map_err(Error::io("read the backup's header"))?;
    let mut mac = [0u8; 32];
    f.read_exact(&mut mac)
        .map_err(Error::io("read the backup's header"))?;
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| damaged_header())?;
    if header.format != FORMAT {
        return Err(Error::BackupInvalid {
            reason: "it was made by another version of Steward",
        });
    }
    let body_len = file_len - body_offset;
    if body_len < header.body_bytes {
        return Err(truncated());
    }
    if body_len > header.body_bytes {
        return Err(Error::BackupInvalid {
            reason: "the file has bytes added at its end",
        });
    }
    Ok(Unsealed {
        path: path.to_owned(),
        header,
        header_bytes,
        mac,
        body_offset,
    })
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(Error::io("read the backup")(e)),
        }
    }
    Ok(n)
}

impl Unsealed {
    /// Unwraps the backup key with the vault's database key and checks the
    /// header's MAC. `BackupOfAnotherVault` when the backup is another
    /// vault's.
    pub(crate) fn open(&self, db_key: &DbKey, vault_id: &str) -> Result<DbKey> {
        let h = &self.header;
        if h.vault_id != vault_id {
            return Err(Error::BackupOfAnotherVault);
        }
        let nonce = hex::decode(&h.key_nonce).map_err(|_| damaged_header())?;
        let wrapped = hex::decode(&h.wrapped_key).map_err(|_| damaged_header())?;
        if nonce.len() != 24 {
            return Err(damaged_header());
        }
        let wrapping = wrapping_key(db_key);
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(wrapping.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &wrapped,
                        aad: &aad(&h.vault_id, &h.backup_id),
                    },
                )
                .map_err(|_| Error::BackupInvalid {
                    reason: "its key does not open with this vault's key (the header was changed)",
                })?,
        );
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| damaged_header())?;
        let key = DbKey::from_bytes(bytes);
        let len = (self.header_bytes.len() as u32).to_be_bytes();
        let expected = header_mac(&key, &len, &self.header_bytes);
        if !subtle_eq(&expected, &self.mac) {
            return Err(Error::BackupInvalid {
                reason: "its header was changed after it was made",
            });
        }
        Ok(key)
    }

    /// Checks the database's digest and copies it out to `dest` (a new
    /// file, owner-only), where SQLCipher can open it. It stays encrypted
    /// under the backup key.
    pub(crate) fn extract_body(&self, dest: &Path) -> Result<()> {
        let mut f = File::open(&self.path).map_err(Error::io("open the backup"))?;
        f.seek(SeekFrom::Start(self.body_offset))
            .map_err(Error::io("read the backup"))?;
        let mut out = owner_only(std::fs::OpenOptions::new().write(true).create_new(true))
            .open(dest)
            .map_err(Error::io("create a temporary file"))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f.read(&mut buf).map_err(Error::io("read the backup"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(Error::io("write a temporary file"))?;
        }
        if hex::encode(hasher.finalize()) != self.header.body_sha256 {
            return Err(Error::BackupInvalid {
                reason: "its database was changed or damaged after it was made",
            });
        }
        Ok(())
    }
}

/// Compares two MACs in constant time.
fn subtle_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
