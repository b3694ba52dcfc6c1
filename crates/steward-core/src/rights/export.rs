//! The copy of everything held about a customer, made for them: one ZIP
//! with `data.json` (the register walked table by table, the shape in
//! `docs/export-schema.json`), one CSV per table, `index.html` and
//! `report.pdf` (the same, worded in the customer's language and local
//! time, with who accessed their data, when and why), every receipt issued
//! to them (JSON and PDF) and `manifest.json` (every file's SHA-256, signed
//! with the shop's receipt key). Optionally encrypted with AES-256.
//!
//! Steward keeps no copy: the bytes go to the caller, who writes them where
//! the user chose. The export is logged as a disclosure to the customer,
//! naming the tables and fields handed over, never their values.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use chrono::{DateTime, Datelike, Local, Timelike, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::contents::{build_report, gather, rows, s, Gathered};
use super::manifest::{sha256_hex, signed_manifest, MANIFEST};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::receipts::{fingerprint, render_pdf};
use crate::consent::signing_key::load_signing_key;
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::people::access::{self, AccessPurpose};
use crate::people::{Passphrase, Session};
use crate::permissions::Action;
use crate::records::customer;
use crate::register::{KeptFor, REGISTER};
use crate::store::Vault;
use crate::time::format_ts;

/// The file each register table is written to, as CSV, inside the ZIP.
/// Fixed names: nothing in a file name says whom the export is about.
const CSV_NAMES: &[(&str, &str)] = &[
    ("customer", "customer.csv"),
    ("customer_field", "fields.csv"),
    ("customer_search", "search_index.csv"),
    ("consent_signature", "signatures.csv"),
    ("purchase", "purchases.csv"),
    ("purchase_item", "purchase_items.csv"),
    ("customer_note", "notes.csv"),
    ("customer_task", "tasks.csv"),
    ("customer_tag", "tags.csv"),
    ("loyalty_account", "loyalty_account.csv"),
    ("loyalty_entry", "loyalty_points.csv"),
    ("consent_event", "consents.csv"),
    ("consent_receipt", "receipts.csv"),
    ("audit_event", "access_history.csv"),
];

/// The CSV file a table goes to; a table added to the register later
/// without a name here still gets one.
fn csv_name(table: &str) -> String {
    CSV_NAMES
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or_else(|| format!("{table}.csv"))
}

/// One file in the export.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    /// Its fixed name inside the ZIP (`data.json`, `receipts/<id>.pdf`).
    pub name: String,
    pub bytes: usize,
    pub sha256: String,
}

/// A customer's export: the ZIP's bytes and what is in it.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerExport {
    /// A random id, also in the manifest.
    pub export_id: String,
    pub lang: Lang,
    /// Whether the ZIP is encrypted (AES-256, WinZip AE-2).
    pub encrypted: bool,
    /// Every file in the ZIP but the manifest, which lists them.
    pub files: Vec<ExportedFile>,
    /// How many rows each register table contributed.
    pub rows: BTreeMap<String, usize>,
    /// The ZIP itself; never serialized.
    #[serde(skip)]
    pub zip: Vec<u8>,
}

impl std::fmt::Debug for CustomerExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The ZIP holds the customer's data: never in a debug print.
        f.debug_struct("CustomerExport")
            .field("export_id", &self.export_id)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

/// A cell for a spreadsheet: a text that starts like a formula gets a
/// leading apostrophe, so opening the CSV never runs what someone typed
/// into a note (`data.json` keeps the exact text).
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(t) => {
            if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{t}")
            } else {
                t.clone()
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn csv_of(rows: &[Value]) -> Result<Vec<u8>> {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        if let Some(map) = row.as_object() {
            for k in map.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let fail = |_| Error::InvalidInput {
        field: "export",
        reason: "a table could not be written as CSV",
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    if !columns.is_empty() {
        w.write_record(&columns).map_err(fail)?;
    }
    for row in rows {
        w.write_record(
            columns
                .iter()
                .map(|c| cell(row.get(c).unwrap_or(&Value::Null))),
        )
        .map_err(fail)?;
    }
    w.into_inner().map_err(|_| Error::InvalidInput {
        field: "export",
        reason: "a table could not be written as CSV",
    })
}

fn kept_for_json(k: KeptFor) -> Value {
    match k {
        KeptFor::Purpose(p) => json!({ "kind": "purpose", "purpose": p }),
        KeptFor::FieldPurposes => json!({ "kind": "field-purposes" }),
        KeptFor::CustomerRequest => json!({ "kind": "customer-request" }),
        KeptFor::Derived => json!({ "kind": "derived" }),
        KeptFor::ProofOfConsent => json!({ "kind": "proof-of-consent" }),
        KeptFor::Accountability => json!({ "kind": "accountability" }),
        KeptFor::ProofOfErasure => json!({ "kind": "proof-of-erasure" }),
        KeptFor::LegalClaim => json!({ "kind": "legal-claim" }),
    }
}

/// The machine-readable copy (`data.json`), shaped as
/// `docs/export-schema.json` says.
fn data_json(g: &Gathered, export_id: &str, made_at: &str, lang: Lang) -> Value {
    let tables: serde_json::Map<String, Value> = REGISTER
        .iter()
        .map(|h| {
            (
                h.table.to_owned(),
                json!({
                    "holds": h.holds,
                    "keptFor": kept_for_json(h.kept_for),
                    "csv": csv_name(h.table),
                    "rows": rows(g, h.table),
                }),
            )
        })
        .collect();
    json!({
        "format": "steward-customer-export",
        "formatVersion": 1,
        "exportId": export_id,
        "createdAt": made_at,
        "language": lang.code(),
        "shop": {
            "name": g.shop.name,
            "contact": g.shop.contact_or_name(),
            "jurisdiction": g.shop.jurisdiction,
            "currency": g.currency,
        },
        "customer": { "publicId": g.public_id, "since": g.since },
        "amounts": "integers in minor units (cents) of the currency on the purchase; purchase_item amounts are in their purchase's currency",
        "tables": tables,
    })
}

fn zip_time(at: DateTime<Utc>) -> zip::DateTime {
    let t = at.with_timezone(&Local);
    zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).unwrap_or(1980),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

fn zip_all(
    files: &[(String, Vec<u8>)],
    at: DateTime<Utc>,
    passphrase: Option<&Passphrase>,
) -> Result<Vec<u8>> {
    let fail = |_| Error::InvalidInput {
        field: "export",
        reason: "the ZIP could not be written",
    };
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let base = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(at))
        .unix_permissions(0o600);
    for (name, bytes) in files {
        let options = match passphrase {
            Some(p) => base.with_aes_encryption(zip::AesMode::Aes256, p.as_str()),
            None => base,
        };
        w.start_file(name.as_str(), options).map_err(fail)?;
        w.write_all(bytes).map_err(|_| Error::InvalidInput {
            field: "export",
            reason: "the ZIP could not be written",
        })?;
    }
    Ok(w.finish().map_err(fail)?.into_inner())
}

/// Every file but the pages, in the ZIP's order after them: `data.json`,
/// then (as the rest) one CSV per register table and each receipt as JSON
/// and PDF.
#[allow(clippy::type_complexity)]
fn other_files(
    g: &Gathered,
    key: &ed25519_dalek::SigningKey,
    export_id: &str,
    made_at: &str,
    lang: Lang,
) -> Result<(Vec<u8>, Vec<(String, Vec<u8>)>)> {
    let data =
        serde_json::to_vec_pretty(&data_json(g, export_id, made_at, lang)).map_err(|_| {
            Error::InvalidInput {
                field: "export",
                reason: "data.json could not be written",
            }
        })?;
    let mut files = Vec::new();
    for h in REGISTER {
        files.push((csv_name(h.table), csv_of(rows(g, h.table))?));
    }
    for r in rows(g, "consent_receipt") {
        let id = s(r, "receipt_id");
        let json = s(r, "json");
        // Receipt ids are random UUIDs: safe as file names.
        files.push((format!("receipts/{id}.json"), json.as_bytes().to_vec()));
        // The customer's own copy: with the name they typed to sign, if so.
        let typed_name = rows(g, "consent_signature")
            .iter()
            .find(|sig| s(sig, "receipt_id") == id)
            .map(|sig| s(sig, "typed_name"))
            .filter(|name| !name.is_empty());
        files.push((
            format!("receipts/{id}.pdf"),
            render_pdf(key, json, typed_name)?,
        ));
    }
    Ok((data, files))
}

impl Vault {
    /// Makes the copy of everything held about a customer, for them, in
    /// `lang` (their own language when `None`): the ZIP's bytes, encrypted
    /// with AES-256 when a `zip_passphrase` is given. For the owner and the
    /// manager, as a customer's request (the access purpose
    /// `customer-request`); logged as a disclosure to the customer with the
    /// tables and fields handed over. Steward keeps no copy. Times in the
    /// pages are in this computer's time zone (the shop's, where the
    /// customer asks); `data.json` keeps them in UTC.
    pub fn export_for_customer(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        lang: Option<Lang>,
        zip_passphrase: Option<&Passphrase>,
    ) -> Result<CustomerExport> {
        self.authorize(session, Action::ExportForCustomer)?;
        let role = session.role();
        let purpose = AccessPurpose::CustomerRequest;
        access::check_purpose(role, purpose)?;
        if let Some(p) = zip_passphrase {
            if p.as_str().chars().count() < 8 {
                return Err(Error::InvalidInput {
                    field: "zip passphrase",
                    reason: "use at least 8 characters",
                });
            }
        }
        let user_id = session.user_id();
        let now = self.now();
        let made_at = format_ts(now);
        let export_id = uuid::Uuid::new_v4().to_string();
        self.transact("export a customer's data", |tx| {
            let conn = tx.conn();
            let lang = match lang {
                Some(l) => l,
                None => customer::lang(conn, customer_id)?,
            };
            let g = gather(conn, customer_id, lang)?;
            let key = load_signing_key(conn)?;
            let key_fp = fingerprint(&key.verifying_key());
            let report = build_report(&g, lang, &made_at, &key_fp);
            // The report's PDF is most of an export's work: it is laid out
            // on a thread of its own while this one writes the other files.
            let (pdf, html, rest) = std::thread::scope(|scope| {
                let pdf = scope.spawn(|| report.pdf());
                let html = report.html().into_bytes();
                let rest = other_files(&g, &key, &export_id, &made_at, lang);
                (pdf.join(), html, rest)
            });
            let pdf = pdf.map_err(|_| Error::InvalidInput {
                field: "export",
                reason: "report.pdf could not be produced",
            })??;
            let (data, rest) = rest?;
            let mut files: Vec<(String, Vec<u8>)> = vec![
                ("index.html".into(), html),
                ("report.pdf".into(), pdf),
                ("data.json".into(), data),
            ];
            files.extend(rest);
            let manifest = signed_manifest(&key, &export_id, &made_at, &g.shop.name, &files)?;
            let listed: Vec<ExportedFile> = files
                .iter()
                .map(|(name, bytes)| ExportedFile {
                    name: name.clone(),
                    bytes: bytes.len(),
                    sha256: sha256_hex(bytes),
                })
                .collect();
            files.push((MANIFEST.into(), manifest));
            let zip = zip_all(&files, now, zip_passphrase)?;
            let mut disclosed: Vec<&'static str> = g.field_keys.clone();
            disclosed.extend(
                REGISTER
                    .iter()
                    .filter(|h| !rows(&g, h.table).is_empty())
                    .map(|h| h.table),
            );
            tx.audit(
                AuditEvent::new("customer.export", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose.as_str())
                    .touching(disclosed),
            )?;
            Ok(CustomerExport {
                export_id: export_id.clone(),
                lang,
                encrypted: zip_passphrase.is_some(),
                files: listed,
                rows: g
                    .tables
                    .iter()
                    .map(|(t, r)| ((*t).to_owned(), r.len()))
                    .collect(),
                zip,
            })
        })
    }
}
