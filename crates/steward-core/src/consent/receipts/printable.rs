//! A receipt worded for people, in the customer's language: the same
//! content for the app's print view and the PDF. The receipt is verified
//! first, so what prints is what was signed.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Local};
use serde::Serialize;
use serde_json::Value;

use super::{fingerprint, invalid, verify_json, Receipt, SIGNATURE_MEMBER};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::Result;
use crate::language::{Lang, Pack};
use crate::people::access::{scope, ViewKind};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::signatures::{self, Stored};
use crate::store::Vault;

/// A receipt worded for printing, in the customer's language: the same
/// content for the app's print view and the PDF.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrintableReceipt {
    pub receipt_id: String,
    pub lang: Lang,
    pub title: String,
    pub intro: String,
    /// (label, value) lines: shop, date, receipt number...
    pub details: Vec<(String, String)>,
    pub sections: Vec<PrintableSection>,
    /// Closing sentences (how to change it, who signed).
    pub notes: Vec<String>,
    /// What the QR code holds: the receipt id and its signature.
    pub qr_text: String,
    /// The QR code's modules, row by row (true = dark).
    pub qr_modules: Vec<Vec<bool>>,
    pub qr_caption: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrintableSection {
    pub heading: String,
    pub items: Vec<PrintableItem>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrintableItem {
    pub name: String,
    pub description: String,
    /// "Data used: …" and "Kept for: …", worded.
    pub details: Vec<String>,
}

/// Words a signed receipt for printing. The receipt is verified first, so
/// what prints is what was signed.
pub fn printable(receipt_json: &str) -> Result<PrintableReceipt> {
    printable_with(receipt_json, None)
}

/// How the customer signed, worded: the kind the signed receipt records
/// (a receipt from before typed signatures with a signature's SHA-256 was
/// drawn), and the name they typed when the shop holds it and the reader
/// may see it. `None` for a receipt nobody signed on screen.
fn signed_how(pack: &Pack, steward: &Value, typed_name: Option<&str>) -> Option<String> {
    let kind = match steward["signature"]["kind"].as_str() {
        Some(kind) => kind,
        None if steward["signatureSha256"].is_string() => "drawn",
        None => return None,
    };
    Some(match (kind, typed_name) {
        ("typed", Some(name)) => pack.text("receipt.signature_typed_name", &[("name", name)]),
        ("typed", None) => pack.text("receipt.signature_typed", &[]),
        _ => pack.text("receipt.signature_drawn", &[]),
    })
}

/// [`printable`], with the name the customer typed to sign it, which the
/// signed JSON never holds (it goes with the customer at an erasure, the
/// receipt stays): read from the vault at the time of printing.
pub(crate) fn printable_with(
    receipt_json: &str,
    typed_name: Option<&str>,
) -> Result<PrintableReceipt> {
    let (verified, public) = verify_json(receipt_json.as_bytes())?;
    let v: Value = serde_json::from_str(receipt_json).map_err(|_| invalid("it does not parse"))?;
    let s = |path: &[&str]| -> String {
        path.iter()
            .try_fold(&v, |node, k| node.get(*k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let lang = Lang::parse(&s(&["language"])).unwrap_or(Lang::En);
    let pack = lang.pack();
    let steward = &v["steward"];
    let erasure = steward["kind"] == "erasure";
    let expiry = steward["kind"] == "expiry";
    let withdrawal = erasure || expiry || steward["kind"] == "withdrawal";
    // An erasure because membership's period ran out, not at the
    // customer's request.
    let erasure_on_expiry = erasure
        && steward["decisions"]
            .as_array()
            .is_some_and(|ds| ds.iter().all(|d| d["decision"] == "expire"));
    let shop = verified.shop.clone();
    let contact = v["piiControllers"][0]["contact"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // People read the time on this computer's clock; the signed JSON keeps UTC.
    let time = s(&["steward", "time"]);
    let when = DateTime::parse_from_rfc3339(&time)
        .map(|t| {
            t.with_timezone(&Local)
                .format(&pack.text("export.time_format", &[]))
                .to_string()
        })
        .unwrap_or(time);
    let notice_hash: String = s(&["steward", "noticeSha256"]).chars().take(16).collect();
    let mut details = vec![
        (pack.text("receipt.shop", &[]), shop.clone()),
        (pack.text("receipt.date", &[]), when),
        (
            pack.text("receipt.receipt_id", &[]),
            short_reference(&verified.receipt_id),
        ),
        (
            pack.text("receipt.customer", &[]),
            short_reference(&s(&["piiPrincipalId"])),
        ),
        (
            pack.text("receipt.notice", &[]),
            pack.text(
                "receipt.notice_value",
                &[("version", &steward["noticeVersion"].to_string())],
            ),
        ),
        (pack.text("receipt.method", &[]), s(&["collectionMethod"])),
        (
            pack.text("receipt.identity", &[]),
            s(&["steward", "identityCheckText"]),
        ),
    ];
    if let Some(how) = signed_how(pack, steward, typed_name) {
        details.push((pack.text("receipt.signature", &[]), how));
    }
    let kantara_purposes = v["services"][0]["purposes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let item_for = |id: &str, name: &str| -> PrintableItem {
        let p = kantara_purposes
            .iter()
            .find(|p| p["stewardPurposeId"].as_str() == Some(id));
        let mut details = Vec::new();
        let mut description = String::new();
        if let Some(p) = p {
            description = p["purpose"].as_str().unwrap_or_default().to_owned();
            let data: Vec<&str> = p["piiCategory"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let data = if data.is_empty() {
                pack.text("receipt.none", &[])
            } else {
                data.join(", ")
            };
            details.push(format!("{}: {data}", pack.text("receipt.data_used", &[])));
            if !withdrawal {
                details.push(format!(
                    "{}: {}",
                    pack.text("receipt.kept_for", &[]),
                    p["termination"].as_str().unwrap_or_default()
                ));
            }
        }
        PrintableItem {
            name: name.to_owned(),
            description,
            details,
        }
    };
    let mut sections = Vec::new();
    for (decision, heading) in [
        ("grant", "receipt.granted"),
        ("renew", "receipt.renewed"),
        ("withdraw", "receipt.withdrawn"),
        ("expire", "receipt.expired"),
        ("refuse", "receipt.refused"),
    ] {
        let items: Vec<PrintableItem> = steward["decisions"]
            .as_array()
            .map(|ds| {
                ds.iter()
                    .filter(|d| d["decision"] == decision)
                    .map(|d| {
                        item_for(
                            d["purpose"].as_str().unwrap_or_default(),
                            d["name"].as_str().unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !items.is_empty() {
            sections.push(PrintableSection {
                heading: pack.text(heading, &[]),
                items,
            });
        }
    }
    let mut notes = Vec::new();
    if erasure {
        let fields: Vec<String> = steward["erasedFields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|k| pack.text(&format!("fields.{k}"), &[]))
                    .collect()
            })
            .unwrap_or_default();
        let fields = if fields.is_empty() {
            pack.text("receipt.none", &[])
        } else {
            fields.join(", ")
        };
        sections.push(PrintableSection {
            heading: pack.text("receipt.erased_heading", &[]),
            items: vec![PrintableItem {
                name: pack.text("receipt.erased_all", &[]),
                description: pack.text("receipt.erased_all_details", &[("fields", &fields)]),
                details: Vec::new(),
            }],
        });
        notes.push(pack.text("receipt.erasure_kept", &[]));
    }
    if v["sensitive"] == true {
        notes.push(pack.text("receipt.sensitive", &[]));
    }
    if !erasure {
        // Nothing is left to change after an erasure.
        notes.push(pack.text("receipt.change", &[("contact", &contact)]));
    }
    notes.push(pack.text(
        "receipt.signed",
        &[("shop", &shop), ("fingerprint", &fingerprint(&public))],
    ));
    notes.push(pack.text("receipt.notice_fingerprint", &[("hash", &notice_hash)]));
    let signature = v[SIGNATURE_MEMBER]["value"].as_str().unwrap_or_default();
    let sig_url = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(B64.decode(signature).unwrap_or_default());
    let qr_text = format!("STEWARD-RECEIPT:{}:{sig_url}", verified.receipt_id);
    let qr_modules = qr_modules(&qr_text)?;
    Ok(PrintableReceipt {
        receipt_id: verified.receipt_id,
        lang,
        title: pack.text(
            if erasure {
                "receipt.title_erasure"
            } else if expiry {
                "receipt.title_expiry"
            } else if withdrawal {
                "receipt.title_withdrawal"
            } else {
                "receipt.title"
            },
            &[],
        ),
        intro: pack.text(
            if erasure_on_expiry {
                "receipt.intro_erasure_expiry"
            } else if erasure {
                "receipt.intro_erasure"
            } else if expiry {
                "receipt.intro_expiry"
            } else if withdrawal {
                "receipt.intro_withdrawal"
            } else {
                "receipt.intro"
            },
            &[],
        ),
        details,
        sections,
        notes,
        qr_text,
        qr_modules,
        qr_caption: pack.text("receipt.qr", &[]),
    })
}

impl Vault {
    /// A stored receipt worded for printing (the app's print view), with
    /// the name the customer typed to sign it where that may be shown.
    pub fn printable_receipt(
        &mut self,
        session: &mut Session,
        receipt_id: &str,
    ) -> Result<PrintableReceipt> {
        let (receipt, typed_name) = self.receipt_to_word(session, receipt_id, true)?;
        printable_with(&receipt.json, typed_name.as_deref())
    }

    /// A stored receipt and, when `with_name`, the name the customer typed
    /// to sign it: only while the shop holds it (it goes with the
    /// customer) and only for a role whose view of a customer holds their
    /// name (never the auditor's). The audit entry says when it was read.
    pub(super) fn receipt_to_word(
        &mut self,
        session: &mut Session,
        receipt_id: &str,
        with_name: bool,
    ) -> Result<(Receipt, Option<String>)> {
        self.authorize(session, Action::ViewReceipt)?;
        crate::consent::handover::check_receipt_for(self, session, receipt_id)?;
        let receipt = self.stored_receipt(receipt_id)?;
        let names = matches!(scope(session.role()).view, ViewKind::Full | ViewKind::Till);
        let typed_name = match signatures::of_receipt(&self.conn, receipt_id)? {
            Some(Stored::Typed { name }) if with_name && names => Some(name),
            _ => None,
        };
        self.log_standalone(
            AuditEvent::new("receipt.view", Outcome::Ok)
                .by(session.user_id(), session.role())
                .on(Subject::Receipt(receipt_id.to_owned()))
                .touching(typed_name.as_ref().map(|_| "typed_signature")),
        )?;
        Ok((receipt, typed_name))
    }
}

/// A random id (a UUID) as people can read it out and compare: its first
/// eight characters in two groups (`3F9A-1C2E`). The receipt's JSON and its
/// QR code keep the whole id.
pub(crate) fn short_reference(id: &str) -> String {
    let head: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    if head.len() == 8 {
        format!("{}-{}", &head[..4], &head[4..])
    } else {
        head
    }
}

fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| invalid("its QR code cannot be made"))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect())
}
