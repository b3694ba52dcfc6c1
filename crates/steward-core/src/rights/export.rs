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

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write};

use chrono::{DateTime, Datelike, Local, NaiveDate, Timelike, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use super::manifest::{sha256_hex, signed_manifest, MANIFEST};
use super::report::{item, section, Report};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::ledger;
use crate::consent::notices::read_notice;
use crate::consent::receipts::{fingerprint, render_pdf, PrintableSection};
use crate::consent::signing_key::load_signing_key;
use crate::error::{Error, Result};
use crate::language::{Lang, Pack};
use crate::people::access::{self, AccessPurpose};
use crate::people::{Passphrase, Session};
use crate::permissions::Action;
use crate::records::{customer, fields};
use crate::register::{self, KeptFor, REGISTER};
use crate::shop;
use crate::store::Vault;
use crate::time::{format_ts, parse_ts};

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

/// A time for the customer: their local time, in their language's format.
fn local_time(pack: &Pack, stored: &str) -> String {
    match parse_ts(stored) {
        Some(t) => t
            .with_timezone(&Local)
            .format(&pack.text("export.time_format", &[]))
            .to_string(),
        None => local_date(pack, stored),
    }
}

/// A date (`YYYY-MM-DD`, or the date of a timestamp) in the language's format.
fn local_date(pack: &Pack, stored: &str) -> String {
    if let Some(t) = parse_ts(stored) {
        return t
            .with_timezone(&Local)
            .format(&pack.text("export.date_format", &[]))
            .to_string();
    }
    NaiveDate::parse_from_str(stored, "%Y-%m-%d")
        .map(|d| d.format(&pack.text("export.date_format", &[])).to_string())
        .unwrap_or_else(|_| stored.to_owned())
}

/// An amount in minor units, written for people (`12,50 EUR`).
fn money(pack: &Pack, minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}{}{:02} {currency}",
        abs / 100,
        pack.text("export.decimal", &[]),
        abs % 100
    )
}

fn s<'v>(row: &'v Value, key: &str) -> &'v str {
    row.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn n(row: &Value, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or_default()
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
    }
}

/// Everything the export needs, read in one transaction.
struct Gathered {
    tables: BTreeMap<&'static str, Vec<Value>>,
    shop: crate::shop::ShopProfile,
    currency: String,
    public_id: String,
    since: String,
    /// Each held field's key, for the audit entry.
    field_keys: Vec<&'static str>,
    /// Field key → (purpose name, retention) of each granted purpose that
    /// lists it in the notice the customer agreed to.
    field_purposes: BTreeMap<String, Vec<(String, String)>>,
    /// Field key → its label in the customer's language.
    field_labels: BTreeMap<String, String>,
    /// Purpose id → its name in the notices the customer saw.
    purpose_names: BTreeMap<String, String>,
    /// The notices the customer agreed to (version, language), worded.
    notices: Vec<crate::consent::notices::Notice>,
}

fn gather(conn: &Connection, customer_id: i64, lang: Lang) -> Result<Gathered> {
    let header = customer::header(conn, customer_id)?;
    let tables = register::export_all(conn, customer_id)?;
    let held = fields::held(conn, customer_id)?;
    let states = ledger::current_state(conn, &header.public_id)?;
    let mut field_purposes: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut field_labels = BTreeMap::new();
    let mut purpose_names = BTreeMap::new();
    // The notices the customer agreed to: every version a grant or renewal
    // was recorded under, in the language they read it in.
    let mut agreed: BTreeSet<(i64, String)> = BTreeSet::new();
    for e in tables.get("consent_event").into_iter().flatten() {
        if matches!(s(e, "kind"), "grant" | "renew") {
            agreed.insert((n(e, "notice_version"), s(e, "lang").to_owned()));
        }
    }
    let mut notices = Vec::new();
    for (version, code) in &agreed {
        let notice_lang = Lang::parse(code).unwrap_or(lang);
        let notice = read_notice(conn, notice_lang, Some(*version))?;
        for p in &notice.body.purposes {
            purpose_names.insert(p.id.clone(), p.name.clone());
        }
        notices.push(notice);
    }
    for state in states.iter().filter(|st| st.granted) {
        // The purpose's words in the customer's language where that version
        // has them, else in the language they agreed in.
        let notice = read_notice(conn, lang, Some(state.notice_version))
            .or_else(|_| read_notice(conn, header.lang, Some(state.notice_version)))?;
        if let Some(p) = notice.body.purpose(&state.purpose) {
            purpose_names.insert(p.id.clone(), p.name.clone());
            for f in &p.fields {
                field_labels.insert(f.key.clone(), f.label.clone());
                field_purposes
                    .entry(f.key.clone())
                    .or_default()
                    .push((p.name.clone(), p.retention_text.clone()));
            }
        }
    }
    Ok(Gathered {
        tables,
        shop: shop::profile(conn)?,
        currency: shop::currency(conn)?,
        public_id: header.public_id,
        since: header.since,
        field_keys: held.keys().copied().collect(),
        field_purposes,
        field_labels,
        purpose_names,
        notices,
    })
}

fn rows<'g>(g: &'g Gathered, table: &str) -> &'g [Value] {
    g.tables.get(table).map(Vec::as_slice).unwrap_or_default()
}

fn word(pack: &Pack, path: &str, fallback: &str) -> String {
    let text = pack.text(path, &[]);
    if text == path {
        fallback.to_owned()
    } else {
        text
    }
}

fn build_report(g: &Gathered, lang: Lang, made_at: &str, key_fp: &str) -> Report {
    let pack = lang.pack();
    let t = |path: &str, vars: &[(&str, &str)]| pack.text(path, vars);
    let shop = &g.shop.name;
    let made = local_time(pack, made_at);
    let details = vec![
        (t("export.shop", &[]), shop.clone()),
        (
            t("export.contact", &[]),
            g.shop.contact_or_name().to_owned(),
        ),
        (t("export.made_on", &[]), made.clone()),
        (t("export.customer", &[]), g.public_id.clone()),
        (t("export.joined", &[]), local_date(pack, &g.since)),
    ];
    let mut sections: Vec<PrintableSection> = Vec::new();

    // Every field held, with what it is kept for and how long.
    let field_items = rows(g, "customer_field")
        .iter()
        .map(|f| {
            let key = s(f, "field");
            let label = g
                .field_labels
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_owned());
            let kept = g.field_purposes.get(key);
            let (purposes, periods) = match kept {
                Some(list) if !list.is_empty() => (
                    list.iter()
                        .map(|(p, _)| p.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    list.iter()
                        .map(|(_, r)| r.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                _ => (t("export.no_purpose", &[]), String::new()),
            };
            let mut details = vec![t("export.kept_for", &[("purposes", &purposes)])];
            if !periods.is_empty() {
                details.push(t("export.kept_until", &[("periods", &periods)]));
            }
            item(label, s(f, "value").to_owned(), details)
        })
        .collect();
    sections.push(section(lang, t("export.fields", &[]), field_items));

    // Purchases with their lines.
    let mut lines: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for i in rows(g, "purchase_item") {
        lines.entry(n(i, "purchase_id")).or_default().push(t(
            "export.item",
            &[
                ("quantity", &n(i, "quantity").to_string()),
                ("description", s(i, "description")),
                ("price", &money(pack, n(i, "unit_cents"), &g.currency)),
            ],
        ));
    }
    let purchases = rows(g, "purchase")
        .iter()
        .map(|p| {
            let total = money(pack, n(p, "total_cents"), s(p, "currency"));
            item(
                t(
                    "export.purchase",
                    &[
                        ("date", &local_date(pack, s(p, "bought_on"))),
                        ("total", &total),
                    ],
                ),
                String::new(),
                lines.remove(&n(p, "id")).unwrap_or_default(),
            )
        })
        .collect();
    sections.push(section(lang, t("export.purchases", &[]), purchases));

    let notes = rows(g, "customer_note")
        .iter()
        .map(|x| {
            item(
                local_time(pack, s(x, "created_at")),
                s(x, "body").to_owned(),
                vec![],
            )
        })
        .collect();
    sections.push(section(lang, t("export.notes", &[]), notes));

    let tasks = rows(g, "customer_task")
        .iter()
        .map(|x| {
            let mut details = Vec::new();
            if !s(x, "due_on").is_empty() {
                details.push(t(
                    "export.task_due",
                    &[("date", &local_date(pack, s(x, "due_on")))],
                ));
            }
            details.push(if s(x, "done_at").is_empty() {
                t("export.task_open", &[])
            } else {
                t(
                    "export.task_done",
                    &[("date", &local_date(pack, s(x, "done_at")))],
                )
            });
            item(s(x, "title").to_owned(), String::new(), details)
        })
        .collect();
    sections.push(section(lang, t("export.tasks", &[]), tasks));

    let tags = rows(g, "customer_tag")
        .iter()
        .map(|x| item(s(x, "tag").to_owned(), String::new(), vec![]))
        .collect();
    sections.push(section(lang, t("export.tags", &[]), tags));

    let points: i64 = rows(g, "loyalty_entry")
        .iter()
        .map(|e| n(e, "points"))
        .sum();
    let loyalty = rows(g, "loyalty_account")
        .iter()
        .map(|a| {
            item(
                t(
                    "export.loyalty_number",
                    &[("number", s(a, "number")), ("points", &points.to_string())],
                ),
                String::new(),
                rows(g, "loyalty_entry")
                    .iter()
                    .map(|e| {
                        t(
                            "export.loyalty_entry",
                            &[
                                ("date", &local_date(pack, s(e, "at"))),
                                ("points", &n(e, "points").to_string()),
                                ("reason", s(e, "reason")),
                            ],
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    sections.push(section(lang, t("export.loyalty", &[]), loyalty));

    let purpose_name = |id: &str| {
        g.purpose_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    };
    let consents = rows(g, "consent_event")
        .iter()
        .map(|e| {
            let kind = s(e, "kind");
            item(
                t(
                    "export.consent_line",
                    &[
                        ("date", &local_time(pack, s(e, "at"))),
                        (
                            "decision",
                            &word(pack, &format!("export.decisions.{kind}"), kind),
                        ),
                        ("purpose", &purpose_name(s(e, "purpose"))),
                        ("version", &n(e, "notice_version").to_string()),
                    ],
                ),
                String::new(),
                vec![],
            )
        })
        .collect();
    sections.push(section(lang, t("export.consents", &[]), consents));

    // The full text of every notice version they agreed to.
    let notices = g
        .notices
        .iter()
        .map(|notice| {
            let body = &notice.body;
            let mut details: Vec<String> = body
                .sections
                .iter()
                .map(|sec| format!("{}: {}", sec.heading, sec.text))
                .collect();
            details.extend(
                body.purposes
                    .iter()
                    .map(|p| format!("{}: {} ({})", p.name, p.description, p.retention_text)),
            );
            item(
                format!(
                    "{} — {}",
                    body.title,
                    t(
                        "export.notice_version",
                        &[
                            ("version", &notice.version.to_string()),
                            ("date", &local_date(pack, &notice.published_at)),
                        ],
                    )
                ),
                body.intro.clone(),
                details,
            )
        })
        .collect();
    sections.push(section(lang, t("export.notices", &[]), notices));

    // Who accessed their data, when and why: people by role and number.
    let access = rows(g, "audit_event")
        .iter()
        .map(|e| {
            let role = s(e, "role");
            let who = match e.get("userId").and_then(Value::as_i64) {
                Some(id) => t("export.staff_member", &[("n", &id.to_string())]),
                None => t("export.system", &[]),
            };
            let action = s(e, "action");
            let action_text = word(
                pack,
                &format!("export.actions.{}", action.replace('.', "_")),
                &t("export.actions.other", &[("code", action)]),
            );
            let mut details = vec![t("export.what", &[("action", &action_text)])];
            let purpose = s(e, "purpose");
            if !purpose.is_empty() {
                let why = if AccessPurpose::parse(purpose).is_ok() {
                    word(pack, &format!("export.access_purposes.{purpose}"), purpose)
                } else {
                    purpose.to_owned()
                };
                details.push(t("export.why", &[("purpose", &why)]));
            }
            let fields: Vec<String> = e
                .get("fields")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|f| {
                            g.field_labels
                                .get(f)
                                .cloned()
                                .unwrap_or_else(|| f.to_owned())
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !fields.is_empty() {
                details.push(t("export.which", &[("fields", &fields.join(", "))]));
            }
            if s(e, "outcome") != "ok" {
                details.push(t("export.refused", &[]));
            }
            item(
                t(
                    "export.access_line",
                    &[
                        ("date", &local_time(pack, s(e, "at"))),
                        ("who", &who),
                        ("role", &word(pack, &format!("export.roles.{role}"), role)),
                    ],
                ),
                String::new(),
                details,
            )
        })
        .collect();
    let mut access_section = section(lang, t("export.access", &[]), access);
    access_section.items.insert(
        0,
        item(String::new(), t("export.access_intro", &[]), vec![]),
    );
    sections.push(access_section);

    let receipts = rows(g, "consent_receipt")
        .iter()
        .map(|r| {
            item(
                t(
                    "export.receipt_line",
                    &[
                        ("date", &local_time(pack, s(r, "at"))),
                        ("id", s(r, "receipt_id")),
                    ],
                ),
                String::new(),
                vec![],
            )
        })
        .collect();
    sections.push(section(lang, t("export.receipts", &[]), receipts));

    Report {
        lang,
        title: t("export.title", &[("shop", shop)]),
        intro: t("export.intro", &[("shop", shop), ("date", &made)]),
        details,
        sections,
        notes: vec![
            t("export.files", &[]),
            t("export.signed", &[("shop", shop), ("fingerprint", key_fp)]),
        ],
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
            let data = serde_json::to_vec_pretty(&data_json(&g, &export_id, &made_at, lang))
                .map_err(|_| Error::InvalidInput {
                    field: "export",
                    reason: "data.json could not be written",
                })?;
            let mut files: Vec<(String, Vec<u8>)> = vec![
                ("index.html".into(), report.html().into_bytes()),
                ("report.pdf".into(), report.pdf()?),
                ("data.json".into(), data),
            ];
            for h in REGISTER {
                files.push((csv_name(h.table), csv_of(rows(&g, h.table))?));
            }
            for r in rows(&g, "consent_receipt") {
                let id = s(r, "receipt_id");
                let json = s(r, "json");
                // Receipt ids are random UUIDs: safe as file names.
                files.push((format!("receipts/{id}.json"), json.as_bytes().to_vec()));
                files.push((format!("receipts/{id}.pdf"), render_pdf(&key, json)?));
            }
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
