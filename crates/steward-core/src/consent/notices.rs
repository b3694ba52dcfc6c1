//! The privacy notice customers read before they decide (tables
//! `notice_version`, `notice_text`). It is generated from the purposes, the
//! fields switched on and the shop's details (with the fingerprint of its
//! receipt-signing key), in every language, and published as a numbered
//! version that is kept forever with its SHA-256.
//! Any change that alters what a customer would read publishes a new
//! version; nothing shown to customers is ever changed silently. A consent
//! records the version and hash the customer saw.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::purposes::{enabled_fields, load_purposes, LegalBasis, PurposeText, RetentionClock};
use super::signing_key::key_fingerprint;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::Sensitivity;
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::people::Session;
use crate::permissions::Action;
use crate::record_keeping;
use crate::records::recipients;
use crate::shop::{self, ShopProfile};
use crate::store::{Tx, Vault};
use crate::time::format_ts;

/// A published notice in one language.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub version: i64,
    pub lang: Lang,
    /// SHA-256 of `body` as stored, hex.
    pub sha256: String,
    pub published_at: String,
    pub body: NoticeBody,
}

/// The notice's content, fully worded in its language. Serialized as stored
/// and hashed, so its field order is part of the format: append only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeBody {
    pub lang: Lang,
    pub shop: ShopProfile,
    pub title: String,
    pub intro: String,
    pub sections: Vec<NoticeSection>,
    pub purposes: Vec<NoticePurpose>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeSection {
    /// Which section this is: `who`, `what`, `law`, `keep`, `others`,
    /// `rights` or `withdraw`.
    pub key: String,
    pub heading: String,
    pub text: String,
}

/// A purpose as the notice words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticePurpose {
    pub id: String,
    pub name: String,
    pub description: String,
    pub legal_basis: LegalBasis,
    pub legal_basis_text: String,
    pub required: bool,
    pub retention_days: u32,
    pub retention_text: String,
    pub fields: Vec<NoticeField>,
}

/// A field as the notice and the form show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeField {
    pub key: String,
    pub label: String,
    pub kind: String,
    pub sensitive: bool,
}

impl NoticeBody {
    /// The purpose with this id, if the notice lists it.
    pub fn purpose(&self, id: &str) -> Option<&NoticePurpose> {
        self.purposes.iter().find(|p| p.id == id)
    }
}

/// Words the notice for the current configuration in `lang`.
fn render(conn: &Connection, lang: Lang) -> Result<NoticeBody> {
    let pack = lang.pack();
    let shop = shop::profile(conn)?;
    // Until the owner enters a contact line, customers write to the shop by name.
    let contact = shop.contact_or_name().to_owned();
    // Printed so that a customer can tell the shop's receipts from receipts
    // anyone could sign with a key of their own.
    let key = key_fingerprint(conn)?;
    let vars = [
        ("shop", shop.name.as_str()),
        ("contact", contact.as_str()),
        ("fingerprint", key.as_str()),
    ];
    let enabled = enabled_fields(conn)?;
    let purposes: Vec<NoticePurpose> = load_purposes(conn)?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| {
            let text = p
                .texts
                .get(&lang)
                .or_else(|| p.texts.values().next())
                .cloned()
                .unwrap_or(PurposeText {
                    name: p.id.clone(),
                    description: String::new(),
                });
            let fields = enabled
                .iter()
                .filter(|f| p.fields.iter().any(|k| k == f.key))
                .map(|f| NoticeField {
                    key: f.key.to_owned(),
                    label: pack.text(&format!("fields.{}", f.key), &[]),
                    kind: serde_json::to_value(f.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    sensitive: f.sensitivity == Sensitivity::Sensitive,
                })
                .collect();
            NoticePurpose {
                legal_basis_text: pack
                    .text(&format!("legal_basis.{}", p.legal_basis.as_str()), &[]),
                retention_text: match p.retention_clock {
                    RetentionClock::Consent => pack.period(p.retention_days),
                    RetentionClock::LastVisit => pack.text(
                        "period.after_last_visit",
                        &[("period", &pack.period(p.retention_days))],
                    ),
                },
                name: text.name,
                description: text.description,
                legal_basis: p.legal_basis,
                required: p.required,
                retention_days: p.retention_days,
                fields,
                id: p.id,
            }
        })
        .collect();
    let has_legal = purposes
        .iter()
        .any(|p| p.legal_basis == LegalBasis::LegalObligation);
    let mut section_keys = vec!["who", "what"];
    if has_legal {
        section_keys.push("law");
    }
    section_keys.extend(["keep", "others", "rights", "withdraw"]);
    let recipients_text = recipients_text(conn, lang, &purposes)?;
    let keep_text = keep_text(conn, lang, &vars)?;
    let sections = section_keys
        .into_iter()
        .map(|k| NoticeSection {
            key: k.to_owned(),
            heading: pack.text(&format!("notice.{k}_heading"), &vars),
            text: match (k, &recipients_text) {
                ("others", Some(text)) => text.clone(),
                ("keep", _) => keep_text.clone(),
                _ => pack.text(&format!("notice.{k}_text"), &vars),
            },
        })
        .collect();
    Ok(NoticeBody {
        lang,
        title: pack.text("notice.title", &vars),
        intro: pack.text("notice.intro", &vars),
        shop,
        sections,
        purposes,
    })
}

/// The "how long we keep it" text: where the shop keeps sales records of
/// customers who left, for how long after each purchase.
fn keep_text(conn: &Connection, lang: Lang, vars: &[(&str, &str)]) -> Result<String> {
    let pack = lang.pack();
    let mut text = pack.text("notice.keep_text", vars);
    let sales = record_keeping::get(conn, record_keeping::Category::SalesRecords)?;
    if sales.keeps() {
        let days = match sales.unit {
            record_keeping::Unit::Days => sales.amount,
            record_keeping::Unit::Years => sales.amount * 365,
        };
        text.push(' ');
        text.push_str(&pack.text(
            "notice.keep_sales_records",
            &[("period", &pack.period(days))],
        ));
    }
    Ok(text)
}

/// The "who else gets it" text when the shop has recipients: each one, what
/// it receives and for which purpose (named as this notice names it).
/// `None` when there are none: nobody else gets anything.
fn recipients_text(
    conn: &Connection,
    lang: Lang,
    purposes: &[NoticePurpose],
) -> Result<Option<String>> {
    let list = recipients::current(conn)?;
    if list.is_empty() {
        return Ok(None);
    }
    let pack = lang.pack();
    let mut text = pack.text("notice.others_text_recipients", &[]);
    for r in list {
        let purpose = purposes
            .iter()
            .find(|p| p.id == r.purpose)
            .map_or(r.purpose.as_str(), |p| p.name.as_str());
        text.push(' ');
        text.push_str(&pack.text(
            "notice.others_recipient",
            &[
                ("name", r.name.as_str()),
                ("country", r.country.as_str()),
                ("receives", r.receives.as_str()),
                ("purpose", purpose),
            ],
        ));
    }
    Ok(Some(text))
}

/// Publishes a new notice version if the configuration now words any
/// language's notice differently from the latest version. Returns the
/// current version number.
pub(crate) fn publish_if_changed(tx: &mut Tx<'_>, actor: Option<&Session>) -> Result<i64> {
    let latest: Option<i64> = tx
        .conn()
        .query_row("SELECT max(version) FROM notice_version", [], |r| r.get(0))
        .map_err(Error::db("read the notice"))?;
    let mut bodies = Vec::with_capacity(Lang::ALL.len());
    let mut changed = latest.is_none();
    for lang in Lang::ALL {
        let body =
            serde_json::to_string(&render(tx.conn(), lang)?).map_err(|_| Error::InvalidInput {
                field: "notice",
                reason: "cannot be encoded",
            })?;
        if let Some(v) = latest {
            let stored: Option<String> = tx
                .conn()
                .query_row(
                    "SELECT body FROM notice_text WHERE version = ?1 AND lang = ?2",
                    params![v, lang.code()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(Error::db("read the notice"))?;
            changed |= stored.as_deref() != Some(body.as_str());
        }
        bodies.push((lang, body));
    }
    if let (false, Some(current)) = (changed, latest) {
        return Ok(current);
    }
    let version = latest.unwrap_or(0) + 1;
    tx.conn()
        .execute(
            "INSERT INTO notice_version (version, created_at) VALUES (?1, ?2)",
            params![version, format_ts(tx.now)],
        )
        .map_err(Error::db("publish the notice"))?;
    for (lang, body) in bodies {
        let hash = Sha256::digest(body.as_bytes());
        tx.conn()
            .execute(
                "INSERT INTO notice_text (version, lang, body, sha256) VALUES (?1, ?2, ?3, ?4)",
                params![version, lang.code(), body, hash.as_slice()],
            )
            .map_err(Error::db("publish the notice"))?;
    }
    let mut ev = AuditEvent::new("notice.publish", Outcome::Ok).on(Subject::Notice(version));
    if let Some(s) = actor {
        ev = ev.by(s.user_id(), s.role());
    }
    tx.audit(ev)?;
    Ok(version)
}

/// Reads a published notice (the latest when `version` is `None`).
pub(crate) fn read_notice(conn: &Connection, lang: Lang, version: Option<i64>) -> Result<Notice> {
    let row: Option<(i64, String, Vec<u8>, String)> = conn
        .query_row(
            "SELECT t.version, t.body, t.sha256, v.created_at
             FROM notice_text t JOIN notice_version v ON v.version = t.version
             WHERE t.lang = ?1 AND (?2 IS NULL OR t.version = ?2)
             ORDER BY t.version DESC LIMIT 1",
            params![lang.code(), version],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
        .map_err(Error::db("read the notice"))?;
    let Some((version, body, sha256, published_at)) = row else {
        return Err(Error::InvalidInput {
            field: "notice version",
            reason: "no such version has been published",
        });
    };
    let parsed: NoticeBody = serde_json::from_str(&body).map_err(|_| Error::VaultDamaged {
        reason: "a stored notice cannot be read",
    })?;
    Ok(Notice {
        version,
        lang,
        sha256: hex::encode(sha256),
        published_at,
        body: parsed,
    })
}

impl Vault {
    /// The shop's details as shown in notices and receipts.
    pub fn shop_profile(&mut self, session: &mut Session) -> Result<ShopProfile> {
        self.authorize(session, Action::ViewNotice)?;
        shop::profile(&self.conn)
    }

    /// Changes the contact line and jurisdiction shown to customers, and
    /// publishes a new notice.
    pub fn set_shop_profile(
        &mut self,
        session: &mut Session,
        contact: &str,
        jurisdiction: &str,
    ) -> Result<ShopProfile> {
        self.authorize(session, Action::ManagePurposes)?;
        let contact = contact.trim();
        if contact.chars().count() > 300 || contact.chars().any(|c| c.is_control()) {
            return Err(Error::InvalidInput {
                field: "contact",
                reason: "at most 300 characters on one line",
            });
        }
        if crate::catalog::has_direction_control(contact) {
            return Err(Error::InvalidInput {
                field: "contact",
                reason: crate::catalog::DIRECTION_CONTROL_REASON,
            });
        }
        let jurisdiction = crate::record_keeping::Jurisdiction::parse(jurisdiction)?.as_str();
        self.transact("change the shop's details", |tx| {
            shop::set_contact(tx.conn(), contact, jurisdiction)?;
            tx.audit(
                AuditEvent::new("shop.profile", Outcome::Ok).by(session.user_id(), session.role()),
            )?;
            publish_if_changed(tx, Some(session))?;
            Ok(())
        })?;
        shop::profile(&self.conn)
    }

    /// The notice in `lang`: the latest, or an earlier `version`.
    pub fn notice(
        &mut self,
        session: &mut Session,
        lang: Lang,
        version: Option<i64>,
    ) -> Result<Notice> {
        self.authorize(session, Action::ViewNotice)?;
        read_notice(&self.conn, lang, version)
    }
}
