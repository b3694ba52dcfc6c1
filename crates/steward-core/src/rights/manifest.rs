//! The export's `manifest.json`: every other file in the ZIP with its
//! SHA-256, signed with the shop's receipt key (Ed25519) over the
//! manifest's canonical JSON, like a receipt. Checking an export
//! recomputes every hash, refuses a file the manifest does not list (or a
//! listed file that is missing), checks the signature and, when the shop's
//! key fingerprint is given, that the shop signed it.

use std::io::{Cursor, Read};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::consent::receipts::{
    canonical, fingerprint, parse_fingerprint, signature_parts, signing_input,
};
use crate::error::{Error, Result};

/// The manifest's fixed name inside the ZIP.
pub(super) const MANIFEST: &str = "manifest.json";
/// What the manifest says it is.
pub(super) const FORMAT: &str = "steward-customer-export-v1";
const DOMAIN: &[u8] = b"steward customer export manifest v1\n";
const SIGNATURE_MEMBER: &str = "stewardSignature";

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The signed manifest for `files` (name, bytes), in their order.
pub(super) fn signed_manifest(
    key: &SigningKey,
    export_id: &str,
    created_at: &str,
    shop: &str,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let listed: Vec<Value> = files
        .iter()
        .map(|(name, bytes)| json!({ "name": name, "sha256": sha256_hex(bytes), "bytes": bytes.len() }))
        .collect();
    let mut manifest = json!({
        "format": FORMAT,
        "exportId": export_id,
        "createdAt": created_at,
        "shop": shop,
        "publicKey": B64.encode(key.verifying_key().as_bytes()),
        "files": listed,
    });
    let signature = key.sign(&signing_input(DOMAIN, &canonical(&manifest)));
    if let Value::Object(map) = &mut manifest {
        map.insert(
            SIGNATURE_MEMBER.into(),
            json!({ "alg": "Ed25519", "value": B64.encode(signature.to_bytes()) }),
        );
    }
    serde_json::to_vec_pretty(&manifest).map_err(|_| invalid("the manifest cannot be encoded"))
}

/// What checking an export proved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedExport {
    pub export_id: String,
    /// The shop the manifest names (signed, but written by whoever signed:
    /// it says who signed only when `shop_key_confirmed`).
    pub shop: String,
    pub created_at: String,
    /// The fingerprint of the key that signed the manifest.
    pub key_fingerprint: String,
    /// Whether that key was compared with the shop's and is the shop's.
    pub shop_key_confirmed: bool,
    /// How many files the manifest lists (all present and intact).
    pub files: usize,
    /// Whether the ZIP was encrypted.
    pub encrypted: bool,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::ExportInvalid {
        reason: reason.into(),
    }
}

/// Checks a customer's export ZIP: every file the signed manifest lists is
/// present with its SHA-256, nothing else is in the ZIP, and the manifest's
/// signature matches. With `shop_key` (a fingerprint), also that the shop
/// signed it ([`Error::ReceiptNotSignedByShop`] otherwise, as for a
/// receipt). An encrypted ZIP needs its `passphrase`.
pub fn verify_export(
    zip_bytes: &[u8],
    passphrase: Option<&str>,
    shop_key: Option<&str>,
) -> Result<VerifiedExport> {
    let shop_key = shop_key.map(parse_fingerprint).transpose()?;
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes))
        .map_err(|_| invalid("it is not a ZIP file, or it is damaged"))?;
    let encrypted = (0..archive.len()).any(|i| {
        archive
            .by_index_raw(i)
            .map(|f| f.encrypted())
            .unwrap_or(false)
    });
    if encrypted && passphrase.is_none() {
        return Err(invalid("it is encrypted: give its passphrase"));
    }
    let read = |archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Result<Vec<u8>> {
        let opened = match passphrase.filter(|_| encrypted) {
            Some(pass) => archive.by_name_decrypt(name, pass.as_bytes()),
            None => archive.by_name(name),
        };
        let mut file = match opened {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(invalid(format!(
                    "the file {name} listed in the manifest is missing"
                )))
            }
            Err(zip::result::ZipError::InvalidPassword) => {
                return Err(invalid("the passphrase does not open it"))
            }
            Err(_) => return Err(invalid(format!("the file {name} cannot be read"))),
        };
        let mut out = Vec::new();
        file.read_to_end(&mut out).map_err(|_| {
            invalid(format!(
                "the file {name} cannot be read (wrong passphrase, or changed)"
            ))
        })?;
        Ok(out)
    };
    let manifest_bytes = read(&mut archive, MANIFEST)?;
    let mut manifest: Value = serde_json::from_slice(&manifest_bytes)
        .map_err(|_| invalid("its manifest does not parse"))?;
    let map = manifest
        .as_object_mut()
        .ok_or_else(|| invalid("its manifest is not a JSON object"))?;
    let sig = map
        .remove(SIGNATURE_MEMBER)
        .ok_or_else(|| invalid("its manifest carries no signature"))?;
    if map.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(invalid("it is not a Steward customer export"));
    }
    let text = |name: &str| -> Result<String> {
        map.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| invalid(format!("the manifest's {name} is missing")))
    };
    let export_id = text("exportId")?;
    let shop = text("shop")?;
    let created_at = text("createdAt")?;
    let (public, signature) = signature_parts(&text("publicKey")?, &sig).map_err(invalid)?;
    public
        .verify_strict(&signing_input(DOMAIN, &canonical(&manifest)), &signature)
        .map_err(|_| invalid("the manifest's signature does not match it (it was changed)"))?;
    let listed: Vec<(String, String)> = manifest["files"]
        .as_array()
        .ok_or_else(|| invalid("the manifest lists no files"))?
        .iter()
        .map(|f| {
            Some((
                f.get("name")?.as_str()?.to_owned(),
                f.get("sha256")?.as_str()?.to_owned(),
            ))
        })
        .collect::<Option<_>>()
        .ok_or_else(|| invalid("the manifest's file list is malformed"))?;
    let present: Vec<String> = archive.file_names().map(str::to_owned).collect();
    for name in &present {
        if name != MANIFEST && !listed.iter().any(|(n, _)| n == name) {
            return Err(invalid(format!(
                "the file {name} is not listed in the manifest (it was added)"
            )));
        }
    }
    for (name, expected) in &listed {
        let bytes = read(&mut archive, name)?;
        if sha256_hex(&bytes) != *expected {
            return Err(invalid(format!(
                "the file {name} does not match the manifest (it was changed)"
            )));
        }
    }
    let found = fingerprint(&public);
    let mut shop_key_confirmed = false;
    if let Some(expected) = shop_key {
        if found != expected {
            return Err(Error::ReceiptNotSignedByShop { found, expected });
        }
        shop_key_confirmed = true;
    }
    Ok(VerifiedExport {
        export_id,
        shop,
        created_at,
        key_fingerprint: found,
        shop_key_confirmed,
        files: listed.len(),
        encrypted,
    })
}
