//! Purposes: why the shop collects each piece of data (tables `purpose`,
//! `purpose_text`), and which catalog fields the shop collects at all
//! (table `field_setting`, "what we collect").
//!
//! The owner configures purposes (name and description per language, legal
//! basis, retention, the fields each needs) and switches catalog fields on
//! and off. Every change that alters what a customer would read publishes a
//! new notice version (`notices`).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::clock::default_clock;
pub use super::clock::RetentionClock;
use super::coverage;
use super::notices::publish_if_changed;
use super::purpose_checks::{check_change, check_new, CheckedChange, CheckedNew};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::{self, FieldSpec, CATALOG};
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::{self, MEMBERSHIP};
use crate::store::{Tx, Vault};
use crate::time::format_ts;

/// Why the shop may process data for a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// The customer agreed, and may refuse or withdraw.
    Consent,
    /// A law requires the record (e.g. invoices); not asked for, but told.
    LegalObligation,
}

impl LegalBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegalObligation => "legal_obligation",
        }
    }

    pub fn parse(s: &str) -> Result<LegalBasis> {
        match s {
            "consent" => Ok(LegalBasis::Consent),
            "legal_obligation" | "legal-obligation" => Ok(LegalBasis::LegalObligation),
            _ => Err(Error::InvalidInput {
                field: "legal basis",
                reason: "use consent or legal-obligation",
            }),
        }
    }
}

/// A purpose's name and description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeText {
    pub name: String,
    pub description: String,
}

/// A purpose as configured by the owner.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Purpose {
    pub id: String,
    pub legal_basis: LegalBasis,
    /// Required to become a customer (only membership).
    pub required: bool,
    pub retention_days: u32,
    /// What starts the retention period.
    pub retention_clock: RetentionClock,
    /// Catalog keys this purpose needs.
    pub fields: Vec<String>,
    /// Offered on forms and listed in the notice.
    pub active: bool,
    /// A marketing purpose: the marketing role sees only customers who
    /// granted one, and only the fields such purposes list.
    pub marketing: bool,
    pub texts: BTreeMap<Lang, PurposeText>,
}

/// A new purpose. Texts for languages left out are copied from the first
/// given, so every language has one (the owner then translates them).
#[derive(Debug, Clone)]
pub struct NewPurpose {
    pub id: String,
    pub legal_basis: LegalBasis,
    pub retention_days: u32,
    pub fields: Vec<String>,
    pub marketing: bool,
    pub texts: BTreeMap<Lang, PurposeText>,
}

/// Changes to a purpose; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct PurposeChange {
    pub retention_days: Option<u32>,
    pub retention_clock: Option<RetentionClock>,
    pub fields: Option<Vec<String>>,
    pub active: Option<bool>,
    pub marketing: Option<bool>,
    pub texts: BTreeMap<Lang, PurposeText>,
}

/// A catalog field with the owner's switch and the purposes that use it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSetting {
    #[serde(flatten)]
    pub spec: FieldSpec,
    pub enabled: bool,
    pub used_by: Vec<String>,
}

/// The purposes that ship with Steward: (id, basis, required, retention
/// days, fields). Their texts come from the language packs.
const DEFAULT_PURPOSES: &[(&str, LegalBasis, bool, u32, &[&str])] = &[
    (
        MEMBERSHIP,
        LegalBasis::Consent,
        true,
        3 * 365,
        &["name", "email", "phone"],
    ),
    (
        purpose_id::LOYALTY,
        LegalBasis::Consent,
        false,
        3 * 365,
        &[],
    ),
    (
        purpose_id::EMAIL_OFFERS,
        LegalBasis::Consent,
        false,
        2 * 365,
        &["email"],
    ),
    (
        purpose_id::SMS_OFFERS,
        LegalBasis::Consent,
        false,
        2 * 365,
        &["phone"],
    ),
    (
        purpose_id::BIRTHDAY_OFFER,
        LegalBasis::Consent,
        false,
        2 * 365,
        &["birth_date", "email"],
    ),
    (
        purpose_id::RECOMMENDATIONS,
        LegalBasis::Consent,
        false,
        2 * 365,
        &["preferences", "sizes", "dietary_needs"],
    ),
    (
        purpose_id::HOME_DELIVERY,
        LegalBasis::Consent,
        false,
        365,
        &["postal_address", "postal_code", "phone"],
    ),
    (
        purpose_id::SALES_RECORDS,
        LegalBasis::LegalObligation,
        false,
        6 * 365,
        &[],
    ),
];

/// Fills a new (or newly migrated) vault with the default purposes, field
/// switches and the first notice. Does nothing if purposes already exist.
pub(crate) fn seed_defaults(tx: &mut Tx<'_>) -> Result<()> {
    let existing: i64 = tx
        .conn()
        .query_row("SELECT count(*) FROM purpose", [], |r| r.get(0))
        .map_err(Error::db("read purposes"))?;
    if existing > 0 {
        return Ok(());
    }
    let now = format_ts(tx.now);
    for spec in CATALOG {
        tx.conn()
            .execute(
                "INSERT INTO field_setting (field, enabled) VALUES (?1, ?2)",
                params![spec.key, spec.enabled_by_default],
            )
            .map_err(Error::db("save the field settings"))?;
    }
    for (position, (id, basis, required, days, fields)) in DEFAULT_PURPOSES.iter().enumerate() {
        let fields_json = serde_json::to_string(fields).map_err(|_| Error::InvalidInput {
            field: "fields",
            reason: "cannot be encoded",
        })?;
        tx.conn()
            .execute(
                "INSERT INTO purpose (id, legal_basis, required, retention_days, fields, position, created_at, marketing, retention_clock)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, basis.as_str(), required, days, fields_json, position as i64, now,
                        purpose_id::MARKETING.contains(id), default_clock(id).as_str()],
            )
            .map_err(Error::db("save the default purposes"))?;
        for lang in Lang::ALL {
            let pack = lang.pack();
            save_text(
                tx.conn(),
                id,
                lang,
                &PurposeText {
                    name: pack.text(&format!("purposes.{id}.name"), &[]),
                    description: pack.text(&format!("purposes.{id}.description"), &[]),
                },
            )?;
        }
    }
    publish_if_changed(tx, None)?;
    Ok(())
}

fn save_text(conn: &Connection, purpose: &str, lang: Lang, text: &PurposeText) -> Result<()> {
    conn.execute(
        "INSERT INTO purpose_text (purpose, lang, name, description) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (purpose, lang) DO UPDATE SET name = excluded.name, description = excluded.description",
        params![purpose, lang.code(), text.name, text.description],
    )
    .map_err(Error::db("save a purpose's text"))?;
    Ok(())
}

pub(crate) fn load_purposes(conn: &Connection) -> Result<Vec<Purpose>> {
    let mut stmt = conn
        .prepare(
            "SELECT id, legal_basis, required, retention_days, fields, active, marketing,
                    retention_clock
             FROM purpose ORDER BY position, id",
        )
        .map_err(Error::db("read purposes"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .map_err(Error::db("read purposes"))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::db("read purposes"))?;
    let mut texts_stmt = conn
        .prepare("SELECT lang, name, description FROM purpose_text WHERE purpose = ?1")
        .map_err(Error::db("read purposes"))?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, basis, required, retention_days, fields, active, marketing, clock) in rows {
        let texts = texts_stmt
            .query_map([&id], |r| {
                Ok((
                    r.get::<_, Lang>(0)?,
                    PurposeText {
                        name: r.get(1)?,
                        description: r.get(2)?,
                    },
                ))
            })
            .map_err(Error::db("read purposes"))?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()
            .map_err(Error::db("read purposes"))?;
        out.push(Purpose {
            legal_basis: LegalBasis::parse(&basis)?,
            required,
            retention_days,
            retention_clock: RetentionClock::parse(&clock)?,
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            active,
            marketing,
            texts,
            id,
        });
    }
    Ok(out)
}

/// Which catalog fields are switched on.
pub(crate) fn enabled_fields(conn: &Connection) -> Result<Vec<&'static FieldSpec>> {
    let mut stmt = conn
        .prepare("SELECT field FROM field_setting WHERE enabled = 1")
        .map_err(Error::db("read the field settings"))?;
    let on: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(Error::db("read the field settings"))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read the field settings"))?;
    Ok(CATALOG
        .iter()
        .filter(|f| f.always_enabled || on.iter().any(|k| k == f.key))
        .collect())
}

/// After the shop changed what it collects: erases, for every customer,
/// the values no agreement covers any more (`coverage`), with one audit
/// entry naming the customers and fields (never a value), and empties the
/// WAL once committed (`Vault::transact` does not, so the caller's
/// `checkpoint_wal` follows).
fn erase_uncovered_after_change(
    tx: &mut Tx<'_>,
    session: &Session,
) -> Result<(Vec<i64>, BTreeSet<&'static str>)> {
    let (customers, fields) = coverage::erase_uncovered_everywhere(tx.conn())?;
    if customers.is_empty() {
        return Ok((customers, fields));
    }
    tx.audit(
        AuditEvent::new("consent.erase_uncovered", Outcome::Ok)
            .by(session.user_id(), session.role())
            .on(Subject::Customers(customers.clone()))
            .because("no agreement covers them")
            .touching(fields.clone()),
    )?;
    Ok((customers, fields))
}

/// What saving a purpose did: the notice version customers now read, and
/// the customers and fields whose values no agreement covers any more
/// (erased).
pub(crate) struct Saved {
    pub notice_version: i64,
    pub erased_customers: Vec<i64>,
    pub erased_fields: BTreeSet<&'static str>,
}

/// Saves a checked new purpose and publishes the notice.
pub(crate) fn insert_purpose(
    tx: &mut Tx<'_>,
    session: &Session,
    new: &CheckedNew,
) -> Result<Saved> {
    let id = &new.id;
    let exists: bool = tx
        .conn()
        .query_row("SELECT count(*) FROM purpose WHERE id = ?1", [id], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(Error::db("add a purpose"))?
        > 0;
    if exists {
        return Err(Error::PurposeExists {
            purpose: id.clone(),
        });
    }
    let fields_json = serde_json::to_string(&new.fields).unwrap_or_else(|_| "[]".into());
    tx.conn()
        .execute(
            "INSERT INTO purpose (id, legal_basis, required, retention_days, fields, position, created_at, marketing)
             VALUES (?1, ?2, 0, ?3, ?4, (SELECT coalesce(max(position), 0) + 1 FROM purpose), ?5, ?6)",
            params![id, new.legal_basis.as_str(), new.retention_days, fields_json, format_ts(tx.now), new.marketing],
        )
        .map_err(Error::db("add a purpose"))?;
    for (lang, t) in &new.texts {
        save_text(tx.conn(), id, *lang, t)?;
    }
    tx.audit(
        AuditEvent::new("purpose.add", Outcome::Ok)
            .by(session.user_id(), session.role())
            .on(Subject::Purpose(id.to_owned())),
    )?;
    Ok(Saved {
        notice_version: publish_if_changed(tx, Some(session))?,
        erased_customers: Vec::new(),
        erased_fields: BTreeSet::new(),
    })
}

/// Saves a checked change to purpose `id`, publishes the notice if
/// customers would now read something different, and erases the values no
/// agreement covers any more (the caller empties the WAL after commit).
pub(crate) fn apply_change(
    tx: &mut Tx<'_>,
    session: &Session,
    id: &str,
    change: &CheckedChange,
) -> Result<Saved> {
    let set = |tx: &mut Tx<'_>, sql: &str, value: &dyn rusqlite::ToSql| -> Result<()> {
        tx.conn()
            .execute(sql, params![value, id])
            .map_err(Error::db("edit a purpose"))?;
        Ok(())
    };
    if let Some(days) = change.retention_days {
        set(
            tx,
            "UPDATE purpose SET retention_days = ?1 WHERE id = ?2",
            &days,
        )?;
    }
    if let Some(clock) = change.retention_clock {
        set(
            tx,
            "UPDATE purpose SET retention_clock = ?1 WHERE id = ?2",
            &clock.as_str(),
        )?;
    }
    if let Some(fields) = &change.fields {
        let json = serde_json::to_string(fields).unwrap_or_else(|_| "[]".into());
        set(tx, "UPDATE purpose SET fields = ?1 WHERE id = ?2", &json)?;
    }
    if let Some(active) = change.active {
        set(tx, "UPDATE purpose SET active = ?1 WHERE id = ?2", &active)?;
    }
    if let Some(marketing) = change.marketing {
        set(
            tx,
            "UPDATE purpose SET marketing = ?1 WHERE id = ?2",
            &marketing,
        )?;
    }
    for (lang, t) in &change.texts {
        save_text(tx.conn(), id, *lang, t)?;
    }
    tx.audit(
        AuditEvent::new("purpose.edit", Outcome::Ok)
            .by(session.user_id(), session.role())
            .on(Subject::Purpose(id.to_owned())),
    )?;
    let notice_version = publish_if_changed(tx, Some(session))?;
    let (erased_customers, erased_fields) = erase_uncovered_after_change(tx, session)?;
    Ok(Saved {
        notice_version,
        erased_customers,
        erased_fields,
    })
}

/// The purpose `id` as configured.
pub(crate) fn purpose(conn: &Connection, id: &str) -> Result<Purpose> {
    load_purposes(conn)?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::PurposeNotFound {
            purpose: id.to_owned(),
        })
}

impl Vault {
    /// The shop's purposes, in form order.
    pub fn list_purposes(&mut self, session: &mut Session) -> Result<Vec<Purpose>> {
        self.authorize(session, Action::ViewNotice)?;
        load_purposes(&self.conn)
    }

    /// Adds a purpose (asked for by consent) and publishes a new notice.
    pub fn add_purpose(&mut self, session: &mut Session, new: NewPurpose) -> Result<Purpose> {
        self.authorize(session, Action::ManagePurposes)?;
        let new = check_new(&new)?;
        self.transact("add a purpose", |tx| insert_purpose(tx, session, &new))?;
        self.purpose(&new.id)
    }

    /// Changes a purpose; publishes a new notice version if customers would
    /// now read something different. Membership stays required and active.
    pub fn edit_purpose(
        &mut self,
        session: &mut Session,
        id: &str,
        change: PurposeChange,
    ) -> Result<Purpose> {
        self.authorize(session, Action::ManagePurposes)?;
        let current = self.purpose(id)?;
        let change = check_change(&current, &change)?;
        self.transact("edit a purpose", |tx| {
            apply_change(tx, session, id, &change)
        })?;
        // Values erased above leave the WAL too.
        self.checkpoint_wal("erase data no agreement covers")?;
        self.purpose(id)
    }

    fn purpose(&self, id: &str) -> Result<Purpose> {
        purpose(&self.conn, id)
    }

    /// The field catalog with the shop's switches and the purposes using
    /// each field.
    pub fn list_fields(&mut self, session: &mut Session) -> Result<Vec<FieldSetting>> {
        self.authorize(session, Action::ViewNotice)?;
        let enabled = enabled_fields(&self.conn)?;
        let purposes = load_purposes(&self.conn)?;
        Ok(CATALOG
            .iter()
            .map(|spec| FieldSetting {
                spec: *spec,
                enabled: enabled.iter().any(|f| f.key == spec.key),
                used_by: purposes
                    .iter()
                    .filter(|p| p.fields.iter().any(|k| k == spec.key))
                    .map(|p| p.id.clone())
                    .collect(),
            })
            .collect())
    }

    /// Switches a catalog field on or off. Switching a field off stops new
    /// values being stored and erases the values held (no agreement covers
    /// a field the shop no longer collects).
    pub fn set_field_enabled(
        &mut self,
        session: &mut Session,
        key: &str,
        enabled: bool,
    ) -> Result<()> {
        self.authorize(session, Action::ManagePurposes)?;
        let spec = catalog::spec(key)?;
        if spec.always_enabled && !enabled {
            return Err(Error::InvalidInput {
                field: "field",
                reason: "the name is always collected: a customer record needs it",
            });
        }
        self.transact("change a field setting", |tx| {
            tx.conn()
                .execute(
                    "INSERT INTO field_setting (field, enabled) VALUES (?1, ?2)
                     ON CONFLICT (field) DO UPDATE SET enabled = excluded.enabled",
                    params![spec.key, enabled],
                )
                .map_err(Error::db("change a field setting"))?;
            tx.audit(
                AuditEvent::new(
                    if enabled {
                        "field.enable"
                    } else {
                        "field.disable"
                    },
                    Outcome::Ok,
                )
                .by(session.user_id(), session.role())
                .on(Subject::Field(spec.key)),
            )?;
            publish_if_changed(tx, Some(session))?;
            erase_uncovered_after_change(tx, session).map(drop)
        })?;
        // Values erased above leave the WAL too.
        self.checkpoint_wal("erase data no agreement covers")
    }
}
