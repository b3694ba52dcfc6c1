//! Consent receipts: what a customer takes home after every decision.
//!
//! A receipt is a JSON document with the fields of the Kantara Initiative
//! Consent Receipt Specification v1.1, plus a `steward` member with the
//! ledger details (decisions, notice version and hash, identity check).
//! It is signed by the shop's Ed25519 key (`signing_key`), which is
//! generated when the vault is set up and kept inside it. The signature
//! covers the receipt's canonical form (keys sorted, no whitespace,
//! `stewardSignature` left out), so any change to its content invalidates
//! it. The PDF version carries the
//! signed JSON and a second signature over the PDF's own bytes.
//!
//! Receipts name the customer only by a random id and list field names,
//! never values: a receipt that is lost reveals no contact data.
//!
//! This module owns the receipts issued (table `consent_receipt`, kept
//! byte for byte and never changed); `printable` words a receipt for people
//! and `pdf` lays it out.

#[cfg(any(test, feature = "test-support"))]
pub mod forgery;
mod lookup;
pub(crate) mod pdf;
mod printable;
mod signed_pdf;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::forms::{CollectionMethod, Decision, IdentityCheck};
use super::notices::{Notice, NoticePurpose};
use super::signing_key::key_fingerprint;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::signatures::SignatureKind;
use crate::shop::ShopProfile;
use crate::store::Vault;
use crate::time::format_ts;

pub use super::signing_key::{fingerprint, parse_fingerprint};
pub use pdf::Paper;
pub(crate) use printable::printable_with;
pub use printable::{printable, PrintableItem, PrintableReceipt, PrintableSection};
pub(crate) use signed_pdf::render_pdf;

/// The Kantara specification version the receipts follow.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";
pub(super) const SIGNATURE_MEMBER: &str = "stewardSignature";
const JSON_DOMAIN: &[u8] = b"steward consent receipt v1\n";
const PDF_DOMAIN: &[u8] = b"steward consent receipt pdf v1\n";
const PDF_RECEIPT_LINE: &str = "%steward-receipt ";
const PDF_SIGNATURE_LINE: &str = "%steward-pdf-signature ";

/// A signed receipt as issued and stored.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub receipt_id: String,
    /// The signed JSON, exactly as given to the customer.
    pub json: String,
}

/// What checking a receipt file proved: it is intact (its content is
/// exactly what the key with `key_fingerprint` signed) and, only when
/// `shop_key_confirmed`, that this key is the shop's.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedReceipt {
    pub receipt_id: String,
    /// The shop the receipt names. Covered by the signature, but written by
    /// whoever signed it: it says who signed only when `shop_key_confirmed`.
    pub shop: String,
    /// The fingerprint of the key that signed it ([`fingerprint`]).
    pub key_fingerprint: String,
    /// Whether the signing key was compared with the shop's and is the
    /// shop's. `false` means it was not compared: anyone can make a key and
    /// sign any content with it, so an intact receipt alone proves only
    /// which key signed it. (A key that was compared and differs is an
    /// error, [`Error::ReceiptNotSignedByShop`], never a `VerifiedReceipt`.)
    pub shop_key_confirmed: bool,
    /// `json` or `pdf`.
    pub format: &'static str,
}

/// Everything a receipt states, gathered by the consent module.
pub(crate) struct ReceiptFacts<'a> {
    pub receipt_id: &'a str,
    pub at: DateTime<Utc>,
    pub customer_ref: &'a str,
    pub shop: &'a ShopProfile,
    pub notice: &'a Notice,
    pub decisions: &'a [(String, Decision)],
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub recorded_by: i64,
    pub signature_sha256: Option<&'a [u8]>,
    /// How the customer signed (never what: no strokes, no typed name).
    pub signature_kind: Option<SignatureKind>,
    pub erased_fields: &'a [String],
}

/// Builds, signs and serializes a receipt.
pub(crate) fn issue(key: &SigningKey, facts: &ReceiptFacts<'_>) -> Result<String> {
    let lang = facts.notice.lang;
    let pack = lang.pack();
    let body = &facts.notice.body;
    // A withdrawal, or a period that ran out: either way the purposes end.
    let is_withdrawal = facts
        .decisions
        .iter()
        .all(|(_, d)| matches!(d, Decision::Withdraw | Decision::Expire));
    let is_expiry = facts.decisions.iter().all(|(_, d)| *d == Decision::Expire);
    let about: Vec<&NoticePurpose> = facts
        .decisions
        .iter()
        .filter(|(_, d)| *d != Decision::Refuse)
        .filter_map(|(id, _)| body.purpose(id))
        .collect();
    let kantara_purposes: Vec<Value> = about
        .iter()
        .map(|p| {
            json!({
                "purpose": p.description,
                "purposeCategory": [p.name],
                "consentType": "EXPLICIT",
                "piiCategory": p.fields.iter().map(|f| f.label.clone()).collect::<Vec<_>>(),
                "primaryPurpose": p.required,
                "termination": p.retention_text,
                "thirdPartyDisclosure": false,
                "stewardPurposeId": p.id,
            })
        })
        .collect();
    let sensitive_fields: Vec<&str> = about
        .iter()
        .flat_map(|p| p.fields.iter())
        .filter(|f| f.sensitive)
        .filter_map(|f| {
            crate::catalog::spec(&f.key)
                .ok()
                .and_then(|s| s.spi_category)
        })
        .collect();
    let mut spi_cat: Vec<&str> = sensitive_fields.clone();
    spi_cat.sort_unstable();
    spi_cat.dedup();
    let decisions: Vec<Value> = facts
        .decisions
        .iter()
        .map(|(id, d)| {
            let name = body
                .purpose(id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.clone());
            json!({ "purpose": id, "name": name, "decision": d.as_str() })
        })
        .collect();
    let contact = if facts.shop.contact.trim().is_empty() {
        facts.shop.name.clone()
    } else {
        facts.shop.contact.clone()
    };
    let mut receipt = json!({
        "version": KANTARA_VERSION,
        "jurisdiction": facts.shop.jurisdiction,
        "consentTimestamp": facts.at.timestamp(),
        "collectionMethod": pack.text(&method_text_key(facts.method, facts.signature_kind), &[]),
        "consentReceiptID": facts.receipt_id,
        "publicKey": B64.encode(key.verifying_key().as_bytes()),
        "language": lang.code(),
        "piiPrincipalId": facts.customer_ref,
        "piiControllers": [{
            "piiController": facts.shop.name,
            "contact": contact,
            "address": contact,
        }],
        "policyUrl": format!("urn:steward:notice:v{}:sha256:{}", facts.notice.version, facts.notice.sha256),
        "services": [{ "service": facts.shop.name, "purposes": kantara_purposes }],
        "sensitive": !spi_cat.is_empty(),
        "spiCat": spi_cat,
        "steward": {
            // Withdrawing membership (or its period running out) erases
            // the customer: that receipt is their erasure confirmation.
            "kind": if !is_withdrawal {
                "consent"
            } else if facts.decisions.iter().any(|(p, _)| p == crate::purpose_id::MEMBERSHIP) {
                "erasure"
            } else if is_expiry {
                "expiry"
            } else {
                "withdrawal"
            },
            "time": format_ts(facts.at),
            "decisions": decisions,
            "noticeVersion": facts.notice.version,
            "noticeSha256": facts.notice.sha256,
            "method": facts.method.as_str(),
            "identityCheck": facts.identity_check.as_str(),
            "identityCheckText": pack.text(&format!("identity_checks.{}", facts.identity_check.as_str()), &[]),
            "recordedBy": format!("user:{}", facts.recorded_by),
            "signatureSha256": facts.signature_sha256.map(hex::encode),
            "signature": facts.signature_kind.map(signature_member),
            "erasedFields": facts.erased_fields,
        },
    });
    let signature = key.sign(&signing_input(JSON_DOMAIN, &canonical(&receipt)));
    if let Value::Object(map) = &mut receipt {
        map.insert(
            SIGNATURE_MEMBER.into(),
            json!({ "alg": "Ed25519", "value": B64.encode(signature.to_bytes()) }),
        );
    }
    serde_json::to_string_pretty(&receipt).map_err(|_| Error::InvalidInput {
        field: "receipt",
        reason: "cannot be encoded",
    })
}

/// The text key of how consent was collected: the on-screen form signed
/// by a typed name says so instead of "signed by hand".
fn method_text_key(method: CollectionMethod, kind: Option<SignatureKind>) -> String {
    match (method, kind) {
        (CollectionMethod::InStoreForm, Some(SignatureKind::Typed)) => {
            "methods.in-store-form-typed".to_owned()
        }
        _ => format!("methods.{}", method.as_str()),
    }
}

/// The receipt's `steward.signature`: the kind of signature, and for a
/// typed name that the customer confirmed it as their signature (a name
/// without that confirmation is never recorded).
fn signature_member(kind: SignatureKind) -> Value {
    match kind {
        SignatureKind::Drawn => json!({ "kind": kind.as_str() }),
        SignatureKind::Typed => json!({ "kind": kind.as_str(), "confirmedByCustomer": true }),
    }
}

pub(crate) fn signing_input(domain: &[u8], content: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(domain.len() + content.len());
    v.extend_from_slice(domain);
    v.extend_from_slice(content);
    v
}

/// The canonical bytes of a JSON value: object keys sorted, no whitespace.
/// Written out here rather than relying on serde_json's map order, which a
/// crate feature elsewhere in the build could change.
pub(crate) fn canonical(value: &Value) -> Vec<u8> {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out.into_bytes()
}

/// The public key (base64) and the signature member (`{alg, value}`) of a
/// signed document, read back: the reason they are unusable otherwise. One
/// reading for receipts and the export manifest.
pub(crate) fn signature_parts(
    public_b64: &str,
    sig: &Value,
) -> std::result::Result<(VerifyingKey, ed25519_dalek::Signature), &'static str> {
    let public: [u8; 32] = B64
        .decode(public_b64)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("its public key is malformed")?;
    let public = VerifyingKey::from_bytes(&public).map_err(|_| "its public key is malformed")?;
    if sig.get("alg").and_then(Value::as_str) != Some("Ed25519") {
        return Err("its signature is not Ed25519");
    }
    let sig_bytes: [u8; 64] = sig
        .get("value")
        .and_then(Value::as_str)
        .and_then(|s| B64.decode(s).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or("its signature is malformed")?;
    Ok((public, ed25519_dalek::Signature::from_bytes(&sig_bytes)))
}

pub(super) fn invalid(reason: impl Into<String>) -> Error {
    Error::ReceiptInvalid {
        reason: reason.into(),
    }
}

/// Checks a receipt file, JSON or PDF, without knowing the shop's key: the
/// signature must match the content exactly. Needs no vault: anyone holding
/// the receipt can check it. The result says which key signed it and never
/// that the key is the shop's (`shop_key_confirmed` is `false`); for that,
/// see [`verify_receipt_against`].
pub fn verify_receipt(bytes: &[u8]) -> Result<VerifiedReceipt> {
    verify_receipt_against(bytes, None)
}

/// Checks a receipt file, JSON or PDF, and, when `shop_key` is given (a
/// fingerprint as [`fingerprint`] prints it; spaces and letter case do not
/// matter), that the shop signed it:
/// - content changed after signing: [`Error::ReceiptInvalid`];
/// - intact, but signed by another key: [`Error::ReceiptNotSignedByShop`]
///   with both fingerprints;
/// - intact and signed by `shop_key`: `shop_key_confirmed` is `true`;
/// - intact and no `shop_key` given: `shop_key_confirmed` is `false`.
///
/// A `shop_key` that is not a fingerprint at all is
/// [`Error::InvalidInput`], before the file is looked at.
pub fn verify_receipt_against(bytes: &[u8], shop_key: Option<&str>) -> Result<VerifiedReceipt> {
    let shop_key = shop_key.map(parse_fingerprint).transpose()?;
    let mut verified = if bytes.starts_with(b"%PDF-") {
        verify_pdf(bytes)?
    } else {
        verify_json(bytes)?.0
    };
    if let Some(expected) = shop_key {
        if verified.key_fingerprint != expected {
            return Err(Error::ReceiptNotSignedByShop {
                found: verified.key_fingerprint,
                expected,
            });
        }
        verified.shop_key_confirmed = true;
    }
    Ok(verified)
}

pub(super) fn verify_json(bytes: &[u8]) -> Result<(VerifiedReceipt, VerifyingKey)> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| invalid("it is neither a PDF nor UTF-8 JSON"))?;
    let mut value: Value = serde_json::from_str(text)
        .map_err(|_| invalid("it is not a JSON receipt (it does not parse)"))?;
    let map: &mut Map<String, Value> = value
        .as_object_mut()
        .ok_or_else(|| invalid("it is not a JSON object"))?;
    let sig = map
        .remove(SIGNATURE_MEMBER)
        .ok_or_else(|| invalid("it carries no signature"))?;
    if map.get("version").and_then(Value::as_str) != Some(KANTARA_VERSION) {
        return Err(invalid(format!(
            "it is not a {KANTARA_VERSION} consent receipt"
        )));
    }
    let str_field = |name: &str| -> Result<String> {
        map.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| invalid(format!("the field {name} is missing")))
    };
    let receipt_id = str_field("consentReceiptID")?;
    let public_b64 = str_field("publicKey")?;
    let shop = map
        .get("piiControllers")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("piiController"))
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("the field piiControllers is missing"))?
        .to_owned();
    let (public, signature) = signature_parts(&public_b64, &sig).map_err(invalid)?;
    public
        .verify_strict(&signing_input(JSON_DOMAIN, &canonical(&value)), &signature)
        .map_err(|_| {
            invalid("the signature does not match its content (it was changed after signing)")
        })?;
    Ok((
        VerifiedReceipt {
            receipt_id,
            shop,
            key_fingerprint: fingerprint(&public),
            shop_key_confirmed: false,
            format: "json",
        },
        public,
    ))
}

fn verify_pdf(bytes: &[u8]) -> Result<VerifiedReceipt> {
    let sig_at = find_last(bytes, PDF_SIGNATURE_LINE.as_bytes())
        .ok_or_else(|| invalid("this PDF carries no Steward signature"))?;
    let (signed, sig_line) = bytes.split_at(sig_at);
    let sig_text = std::str::from_utf8(&sig_line[PDF_SIGNATURE_LINE.len()..])
        .map_err(|_| invalid("its PDF signature is malformed"))?
        .trim_end();
    let sig_bytes: [u8; 64] = B64
        .decode(sig_text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| invalid("its PDF signature is malformed"))?;
    let receipt_at = find_last(signed, PDF_RECEIPT_LINE.as_bytes())
        .ok_or_else(|| invalid("this PDF carries no receipt"))?;
    let receipt_b64 = std::str::from_utf8(&signed[receipt_at + PDF_RECEIPT_LINE.len()..])
        .map_err(|_| invalid("its embedded receipt is malformed"))?
        .trim_end();
    let receipt_json = B64
        .decode(receipt_b64)
        .map_err(|_| invalid("its embedded receipt is malformed"))?;
    let (mut verified, public) = verify_json(&receipt_json)?;
    public
        .verify_strict(
            &signing_input(PDF_DOMAIN, signed),
            &ed25519_dalek::Signature::from_bytes(&sig_bytes),
        )
        .map_err(|_| invalid("the PDF was changed after it was signed"))?;
    verified.format = "pdf";
    Ok(verified)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Appends the receipt and the signature over the whole PDF to `pdf`.
/// Both are PDF comments after the end marker, which readers ignore.
pub(super) fn seal_pdf(key: &SigningKey, mut pdf: Vec<u8>, receipt_json: &str) -> Vec<u8> {
    if !pdf.ends_with(b"\n") {
        pdf.push(b'\n');
    }
    pdf.extend_from_slice(PDF_RECEIPT_LINE.as_bytes());
    pdf.extend_from_slice(B64.encode(receipt_json.as_bytes()).as_bytes());
    pdf.push(b'\n');
    let signature = key.sign(&signing_input(PDF_DOMAIN, &pdf));
    pdf.extend_from_slice(PDF_SIGNATURE_LINE.as_bytes());
    pdf.extend_from_slice(B64.encode(signature.to_bytes()).as_bytes());
    pdf.push(b'\n');
    pdf
}

/// The public id of the customer a stored receipt was issued to.
pub(crate) fn customer_ref_of(conn: &Connection, receipt_id: &str) -> Result<Option<String>> {
    conn.query_row(
        "SELECT customer_ref FROM consent_receipt WHERE receipt_id = ?1",
        [receipt_id],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("read a receipt"))
}

/// The form a receipt was issued for: its id and the digest of what was
/// submitted (no typed values), to answer a second submission of it.
pub(crate) struct FormMark<'a> {
    pub form_id: &'a str,
    pub sha256: [u8; 32],
}

/// Stores an issued receipt, exactly as given to the customer, with the
/// form it answers if the form had an id.
pub(crate) fn store(
    conn: &Connection,
    receipt_id: &str,
    customer_ref: &str,
    at: DateTime<Utc>,
    json: &str,
    form: Option<&FormMark<'_>>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO consent_receipt (receipt_id, customer_ref, at, json, form_id, form_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            receipt_id,
            customer_ref,
            format_ts(at),
            json,
            form.map(|f| f.form_id),
            form.map(|f| f.sha256.as_slice()),
        ],
    )
    .map_err(Error::db("save the receipt"))?;
    Ok(())
}

/// The receipt issued for a form already recorded.
pub(crate) struct FormReceipt {
    pub receipt: Receipt,
    pub customer_ref: String,
    pub form_sha256: Vec<u8>,
}

/// The receipt issued for the form with this id, if that form was recorded.
pub(crate) fn for_form(conn: &Connection, form_id: &str) -> Result<Option<FormReceipt>> {
    conn.query_row(
        "SELECT receipt_id, customer_ref, json, form_sha256 FROM consent_receipt WHERE form_id = ?1",
        [form_id],
        |r| {
            Ok(FormReceipt {
                receipt: Receipt {
                    receipt_id: r.get(0)?,
                    json: r.get(2)?,
                },
                customer_ref: r.get(1)?,
                form_sha256: r.get(3)?,
            })
        },
    )
    .optional()
    .map_err(Error::db("look up a consent form"))
}

/// The catalog keys a stored receipt says were erased (a withdrawal's).
pub(crate) fn erased_fields(json: &str) -> Vec<String> {
    serde_json::from_str::<Value>(json)
        .ok()
        .and_then(|v| v.pointer("/steward/erasedFields").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// The receipts issued to a customer, for their own export.
pub(crate) fn export(conn: &Connection, customer_ref: &str) -> Result<Vec<Value>> {
    crate::records::rows_as_json(
        conn,
        "SELECT receipt_id, at, json FROM consent_receipt WHERE customer_ref = ?1 ORDER BY at, receipt_id",
        &customer_ref,
    )
}

impl Vault {
    pub(super) fn stored_receipt(&self, receipt_id: &str) -> Result<Receipt> {
        let json: String = self
            .conn
            .query_row(
                "SELECT json FROM consent_receipt WHERE receipt_id = ?1",
                [receipt_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::db("read a receipt"))?
            .ok_or(Error::ReceiptNotFound)?;
        Ok(Receipt {
            receipt_id: receipt_id.to_owned(),
            json,
        })
    }

    /// A stored receipt, exactly as first issued (to show or print again).
    pub fn receipt(&mut self, session: &mut Session, receipt_id: &str) -> Result<Receipt> {
        Ok(self.receipt_to_word(session, receipt_id, false)?.0)
    }

    /// Checks the code scanned from a printed receipt's QR code against the
    /// receipt this shop issued under that number: genuine only if the
    /// signature in the code is the one the shop made.
    pub fn check_receipt_code(
        &mut self,
        session: &mut Session,
        code: &str,
    ) -> Result<VerifiedReceipt> {
        self.authorize(session, Action::ViewReceipt)?;
        if session.in_customer_mode() {
            // Checking a printed code is staff work, never the customer's.
            return Err(Error::CustomerMode);
        }
        let mut parts = code.trim().splitn(3, ':');
        let (Some("STEWARD-RECEIPT"), Some(receipt_id), Some(sig)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid("it is not a Steward receipt code"));
        };
        let scanned = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| invalid("its signature part is malformed"))?;
        let stored = match self.stored_receipt(receipt_id) {
            Ok(r) => r,
            Err(Error::ReceiptNotFound) => {
                return Err(invalid("this shop issued no receipt with that number"))
            }
            Err(e) => return Err(e),
        };
        let value: Value =
            serde_json::from_str(&stored.json).map_err(|_| invalid("it does not parse"))?;
        let issued = value[SIGNATURE_MEMBER]["value"]
            .as_str()
            .and_then(|s| B64.decode(s).ok())
            .unwrap_or_default();
        self.log_standalone(
            AuditEvent::new("receipt.check_code", Outcome::Ok)
                .by(session.user_id(), session.role())
                .on(Subject::Receipt(receipt_id.to_owned())),
        )?;
        if issued.is_empty() || issued != scanned {
            return Err(invalid(
                "the code does not match the receipt this shop issued under that number",
            ));
        }
        self.verify_receipt(stored.json.as_bytes())
    }

    /// The fingerprint of this shop's receipt-signing key (not secret).
    pub fn receipt_key_fingerprint(&self) -> Result<String> {
        key_fingerprint(&self.conn)
    }

    /// Checks a receipt file against this shop's key
    /// ([`verify_receipt_against`]): `Ok` only if it is intact and this
    /// shop signed it. Needs no login: it reads only the public key.
    pub fn verify_receipt(&self, bytes: &[u8]) -> Result<VerifiedReceipt> {
        verify_receipt_against(bytes, Some(&self.receipt_key_fingerprint()?))
    }
}
