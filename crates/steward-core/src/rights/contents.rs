//! What a customer's export holds, gathered in one read and worded in
//! their language: every registered table's rows, what each field is kept
//! for and how long, the notices they agreed to, and the pages
//! (`index.html`, `report.pdf`) built from it. `export` packs it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Local, NaiveDate};
use rusqlite::Connection;
use serde_json::Value;

use super::report::{item, section, Report};
use crate::consent::ledger;
use crate::consent::notices::read_notice;
use crate::consent::receipts::PrintableSection;
use crate::error::Result;
use crate::language::{Lang, Pack};
use crate::people::access::AccessPurpose;
use crate::purpose_id::LOYALTY;
use crate::records::{customer, fields};
use crate::register;
use crate::shop;
use crate::time::parse_ts;

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

pub(super) fn s<'v>(row: &'v Value, key: &str) -> &'v str {
    row.get(key).and_then(Value::as_str).unwrap_or_default()
}

pub(super) fn n(row: &Value, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or_default()
}

/// Everything the export needs, read in one transaction.
pub(super) struct Gathered {
    pub(super) tables: BTreeMap<&'static str, Vec<Value>>,
    pub(super) shop: crate::shop::ShopProfile,
    pub(super) currency: String,
    pub(super) public_id: String,
    pub(super) since: String,
    /// Each held field's key, for the audit entry.
    pub(super) field_keys: Vec<&'static str>,
    /// Field key → (purpose name, retention) of each granted purpose that
    /// lists it in the notice the customer agreed to.
    pub(super) field_purposes: BTreeMap<String, Vec<(String, String)>>,
    /// Field key → its label in the customer's language.
    pub(super) field_labels: BTreeMap<String, String>,
    /// Purpose id → its name in the notices the customer saw.
    pub(super) purpose_names: BTreeMap<String, String>,
    /// The notices the customer agreed to (version, language), worded.
    pub(super) notices: Vec<crate::consent::notices::Notice>,
}

pub(super) fn gather(conn: &Connection, customer_id: i64, lang: Lang) -> Result<Gathered> {
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

pub(super) fn rows<'g>(g: &'g Gathered, table: &str) -> &'g [Value] {
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

pub(super) fn build_report(g: &Gathered, lang: Lang, made_at: &str, key_fp: &str) -> Report {
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
                    // The other reasons the core logs, as words (never a
                    // code the customer cannot read when there is one).
                    let key = purpose.replace(' ', "-");
                    word(pack, &format!("export.reasons.{key}"), purpose)
                };
                details.push(t("export.why", &[("purpose", &why)]));
            }
            let fields: Vec<String> = e
                .get("fields")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|f| match g.field_labels.get(f) {
                            Some(label) => label.clone(),
                            None if f == LOYALTY => t("export.loyalty_field", &[]),
                            None => f.to_owned(),
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
