//! Consent-first intake: customers, the consent ledger, and the three
//! decisions a customer makes (join, grant more, withdraw).
//!
//! Invariants this module owns:
//! - no `customer` row exists without a granted membership consent in the
//!   ledger: both are written in one transaction, and a refused or abandoned
//!   form writes nothing at all;
//! - a field value is stored only if the shop has the field switched on and
//!   a purpose the customer granted needs it; withdrawing a purpose erases the
//!   values only that purpose needed;
//! - the ledger is append-only and HMAC-chained; a customer's current consent
//!   is always derived from it, never stored where it could diverge.
//!
//! It never writes a field value into an error, the audit log or the ledger.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{chain_link, AuditEvent, ChainKey, Head, Outcome};
use crate::auth::Session;
use crate::catalog::{self, NAME_FIELD};
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::permissions::Action;
use crate::purposes::{self, LegalBasis, Notice, MEMBERSHIP};
use crate::receipts::{self, Receipt};
use crate::time::format_ts;
use crate::vault::{Tx, Vault};

/// How the shop checked who the customer is. The document number itself is
/// never recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityCheck {
    IdDocument,
    KnownCustomer,
    PhoneCode,
    EmailCode,
    SelfDeclared,
}

impl IdentityCheck {
    pub const ALL: [IdentityCheck; 5] = [
        IdentityCheck::IdDocument,
        IdentityCheck::KnownCustomer,
        IdentityCheck::PhoneCode,
        IdentityCheck::EmailCode,
        IdentityCheck::SelfDeclared,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityCheck::IdDocument => "id-document",
            IdentityCheck::KnownCustomer => "known-customer",
            IdentityCheck::PhoneCode => "phone-code",
            IdentityCheck::EmailCode => "email-code",
            IdentityCheck::SelfDeclared => "self-declared",
        }
    }

    pub fn parse(s: &str) -> Result<IdentityCheck> {
        IdentityCheck::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "identity check",
                reason: "use id-document, known-customer, phone-code, email-code or self-declared",
            })
    }
}

/// How the consent was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollectionMethod {
    /// The customer filled in the on-screen form and signed it.
    InStoreForm,
    /// The customer filled in and signed the shop's printed form.
    Paper,
    /// Carried over from an earlier record.
    Imported,
}

impl CollectionMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionMethod::InStoreForm => "in-store-form",
            CollectionMethod::Paper => "paper",
            CollectionMethod::Imported => "imported",
        }
    }

    pub fn parse(s: &str) -> Result<CollectionMethod> {
        [
            CollectionMethod::InStoreForm,
            CollectionMethod::Paper,
            CollectionMethod::Imported,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
        .ok_or(Error::InvalidInput {
            field: "collection method",
            reason: "use in-store-form, paper or imported",
        })
    }
}

/// One decision on one purpose, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Grant,
    Refuse,
    Withdraw,
    /// A grant for a purpose already granted (e.g. under a newer notice).
    Renew,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Grant => "grant",
            Decision::Refuse => "refuse",
            Decision::Withdraw => "withdraw",
            Decision::Renew => "renew",
        }
    }

    fn parse(s: &str) -> Option<Decision> {
        [
            Decision::Grant,
            Decision::Refuse,
            Decision::Withdraw,
            Decision::Renew,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }

    /// Whether the purpose is granted after this decision.
    pub fn grants(self) -> bool {
        matches!(self, Decision::Grant | Decision::Renew)
    }
}

/// The customer's hand-drawn signature: strokes of points, each coordinate
/// between 0 and 1 relative to the pad (so it redraws at any size).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Signature(pub Vec<Vec<[f64; 2]>>);

impl Signature {
    const MAX_STROKES: usize = 200;
    const MAX_POINTS: usize = 20_000;

    /// Checks the shape and returns the stored form (rounded coordinates).
    fn normalised(&self) -> Result<String> {
        let invalid = |reason| Error::InvalidInput {
            field: "signature",
            reason,
        };
        let points: usize = self.0.iter().map(Vec::len).sum();
        if self.0.is_empty() || points < 2 {
            return Err(Error::SignatureRequired);
        }
        if self.0.len() > Self::MAX_STROKES || points > Self::MAX_POINTS {
            return Err(invalid("it has too many strokes or points"));
        }
        let in_pad = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if !self
            .0
            .iter()
            .flatten()
            .all(|[x, y]| in_pad(*x) && in_pad(*y))
        {
            return Err(invalid("a point lies outside the signature pad"));
        }
        let rounded: Vec<Vec<[f64; 2]>> = self
            .0
            .iter()
            .map(|s| {
                s.iter()
                    .map(|[x, y]| [(x * 1e4).round() / 1e4, (y * 1e4).round() / 1e4])
                    .collect()
            })
            .collect();
        serde_json::to_string(&rounded).map_err(|_| invalid("it cannot be encoded"))
    }
}

/// What the customer decided on a form: the ticked purposes and the values
/// for their fields, under the notice version they were shown.
#[derive(Debug, Clone)]
pub struct ConsentForm {
    pub lang: Lang,
    /// The notice version the form showed; must still be the current one.
    pub notice_version: i64,
    /// Purposes the customer ticked.
    pub granted: Vec<String>,
    /// Field values, by catalog key. Empty values count as not given.
    pub fields: Vec<(String, String)>,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    /// Required for the on-screen form; the paper form is signed on paper.
    pub signature: Option<Signature>,
}

/// A customer's request to withdraw purposes.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// The receipt's language; `None` for the language the customer joined in.
    pub lang: Option<Lang>,
    pub purposes: Vec<String>,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub signature: Option<Signature>,
}

/// The outcome of a recorded decision.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    pub customer_id: i64,
    pub receipt: Receipt,
    /// Catalog keys whose values were erased (withdrawals).
    pub erased_fields: Vec<String>,
}

/// A customer's consent to one purpose, derived from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentState {
    pub purpose: String,
    pub granted: bool,
    /// The last decision and when it was made.
    pub decision: Decision,
    pub since: String,
    pub notice_version: i64,
}

/// One ledger row, as shown in a history (no contact data in it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    pub seq: i64,
    pub at: String,
    pub decision: Decision,
    pub purpose: String,
    pub notice_version: i64,
    pub notice_sha256: String,
    pub lang: String,
    pub method: String,
    pub identity_check: String,
    /// The username of who recorded it (`user:<id>` if the account is gone).
    pub recorded_by: String,
    pub receipt_id: String,
}

/// A customer's consent history.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentHistory {
    pub customer_id: i64,
    /// The random id that names the customer on receipts and in the ledger.
    pub customer_ref: String,
    /// The language the customer chose when joining (for their forms and
    /// receipts).
    pub lang: Lang,
    pub current: Vec<ConsentState>,
    pub entries: Vec<LedgerEntry>,
}

/// A row to append to the ledger.
pub(crate) struct LedgerRow<'a> {
    pub receipt_id: &'a str,
    pub customer_ref: &'a str,
    pub decision: Decision,
    pub purpose: &'a str,
    pub notice: &'a Notice,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub recorded_by: i64,
    pub signature_sha256: Option<&'a [u8]>,
}

/// The key that chains the consent ledger.
pub(crate) fn ledger_key(db_key: &crate::keystore::DbKey) -> ChainKey {
    ChainKey::derive_for(db_key, b"steward consent ledger v1")
}

const GENESIS: [u8; 32] = [0u8; 32];

#[allow(clippy::too_many_arguments)]
fn row_hash(
    key: &ChainKey,
    prev: &[u8],
    seq: i64,
    receipt_id: &str,
    customer_ref: &str,
    at: &str,
    decision: &str,
    purpose: &str,
    notice_version: i64,
    notice_sha256: &[u8],
    lang: &str,
    method: &str,
    identity_check: &str,
    recorded_by: i64,
    signature_sha256: Option<&[u8]>,
) -> [u8; 32] {
    chain_link(
        key,
        prev,
        &[
            Some(seq.to_string().as_bytes()),
            Some(receipt_id.as_bytes()),
            Some(customer_ref.as_bytes()),
            Some(at.as_bytes()),
            Some(decision.as_bytes()),
            Some(purpose.as_bytes()),
            Some(notice_version.to_string().as_bytes()),
            Some(notice_sha256),
            Some(lang.as_bytes()),
            Some(method.as_bytes()),
            Some(identity_check.as_bytes()),
            Some(recorded_by.to_string().as_bytes()),
            signature_sha256,
        ],
    )
}

/// The ledger's newest (seq, hash), for the anchor.
pub(crate) fn ledger_head(conn: &Connection) -> Result<Option<Head>> {
    conn.query_row(
        "SELECT seq, hash FROM consent_event ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .map_err(Error::db("read the consent ledger"))
}

fn append(tx: &mut Tx<'_>, row: &LedgerRow<'_>) -> Result<()> {
    let (seq, prev) = match ledger_head(tx.conn())? {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let at = format_ts(tx.now);
    let notice_sha = hex::decode(&row.notice.sha256).unwrap_or_default();
    let lang = row.notice.lang.code();
    let hash = row_hash(
        tx.ledger_key(),
        &prev,
        seq,
        row.receipt_id,
        row.customer_ref,
        &at,
        row.decision.as_str(),
        row.purpose,
        row.notice.version,
        &notice_sha,
        lang,
        row.method.as_str(),
        row.identity_check.as_str(),
        row.recorded_by,
        row.signature_sha256,
    );
    tx.conn()
        .execute(
            "INSERT INTO consent_event (seq, receipt_id, customer_ref, at, kind, purpose, notice_version,
                 notice_sha256, lang, method, identity_check, recorded_by, signature_sha256, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                seq,
                row.receipt_id,
                row.customer_ref,
                at,
                row.decision.as_str(),
                row.purpose,
                row.notice.version,
                notice_sha,
                lang,
                row.method.as_str(),
                row.identity_check.as_str(),
                row.recorded_by,
                row.signature_sha256,
                prev,
                hash.as_slice()
            ],
        )
        .map_err(Error::db("append to the consent ledger"))?;
    tx.set_ledger_head((seq, hash.to_vec()));
    Ok(())
}

/// What checking the ledger found: `Ok(records)` or the first broken record
/// and why.
pub(crate) fn verify_ledger(
    conn: &Connection,
    key: &ChainKey,
) -> Result<std::result::Result<i64, (i64, &'static str)>> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, receipt_id, customer_ref, at, kind, purpose, notice_version, notice_sha256,
                    lang, method, identity_check, recorded_by, signature_sha256, prev_hash, hash
             FROM consent_event ORDER BY seq",
        )
        .map_err(Error::db("read the consent ledger"))?;
    let mut rows = stmt
        .query([])
        .map_err(Error::db("read the consent ledger"))?;
    let mut prev = GENESIS.to_vec();
    let mut n = 0i64;
    while let Some(r) = rows.next().map_err(Error::db("read the consent ledger"))? {
        let get = |e| Error::db("read the consent ledger")(e);
        let seq: i64 = r.get(0).map_err(get)?;
        if seq != n + 1 {
            return Ok(Err((n + 1, "a record is missing or out of order")));
        }
        let prev_hash: Vec<u8> = r.get(13).map_err(get)?;
        if prev_hash != prev {
            return Ok(Err((seq, "it does not follow the record before it")));
        }
        let sig: Option<Vec<u8>> = r.get(12).map_err(get)?;
        let expected = row_hash(
            key,
            &prev,
            seq,
            &r.get::<_, String>(1).map_err(get)?,
            &r.get::<_, String>(2).map_err(get)?,
            &r.get::<_, String>(3).map_err(get)?,
            &r.get::<_, String>(4).map_err(get)?,
            &r.get::<_, String>(5).map_err(get)?,
            r.get(6).map_err(get)?,
            &r.get::<_, Vec<u8>>(7).map_err(get)?,
            &r.get::<_, String>(8).map_err(get)?,
            &r.get::<_, String>(9).map_err(get)?,
            &r.get::<_, String>(10).map_err(get)?,
            r.get(11).map_err(get)?,
            sig.as_deref(),
        );
        let hash: Vec<u8> = r.get(14).map_err(get)?;
        if hash != expected {
            return Ok(Err((seq, "its content was changed")));
        }
        prev = hash;
        n += 1;
    }
    Ok(Ok(n))
}

/// Customers whose record exists without a granted membership in the
/// ledger (must always be zero; counted by `audit verify`).
pub(crate) fn customers_without_membership(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM customer c WHERE coalesce((
             SELECT kind FROM consent_event e
             WHERE e.customer_ref = c.public_id AND e.purpose = ?1
             ORDER BY seq DESC LIMIT 1), '') NOT IN ('grant', 'renew')",
        [MEMBERSHIP],
        |r| r.get(0),
    )
    .map_err(Error::db("check customers against the ledger"))
}

/// A customer's current consents, derived from the ledger.
pub(crate) fn current_state(conn: &Connection, customer_ref: &str) -> Result<Vec<ConsentState>> {
    let mut stmt = conn
        .prepare(
            "SELECT e.purpose, e.kind, e.at, e.notice_version FROM consent_event e
             WHERE e.customer_ref = ?1 AND e.seq = (
                 SELECT max(seq) FROM consent_event
                 WHERE customer_ref = e.customer_ref AND purpose = e.purpose)
             ORDER BY e.purpose",
        )
        .map_err(Error::db("read the consent ledger"))?;
    let rows = stmt
        .query_map([customer_ref], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .map_err(Error::db("read the consent ledger"))?;
    let mut out = Vec::new();
    for row in rows {
        let (purpose, kind, since, notice_version) =
            row.map_err(Error::db("read the consent ledger"))?;
        let decision = Decision::parse(&kind).ok_or(Error::VaultDamaged {
            reason: "the consent ledger holds an unknown decision",
        })?;
        out.push(ConsentState {
            purpose,
            granted: decision.grants(),
            decision,
            since,
            notice_version,
        });
    }
    Ok(out)
}

fn granted_purposes(conn: &Connection, customer_ref: &str) -> Result<BTreeSet<String>> {
    Ok(current_state(conn, customer_ref)?
        .into_iter()
        .filter(|s| s.granted)
        .map(|s| s.purpose)
        .collect())
}

/// The customer's public id, or `CustomerNotFound`.
pub(crate) fn customer_ref(conn: &Connection, customer_id: i64) -> Result<String> {
    conn.query_row(
        "SELECT public_id FROM customer WHERE id = ?1",
        [customer_id],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("find the customer"))?
    .ok_or(Error::CustomerNotFound)
}

fn customer_subject(id: i64) -> String {
    format!("customer:{id}")
}

/// The purposes on `notice` a customer may tick (asked for by consent).
fn checked_purposes(notice: &Notice, ids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        match notice.body.purpose(id) {
            Some(p) if p.legal_basis == LegalBasis::Consent => {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
            _ => {
                return Err(Error::PurposeNotFound {
                    purpose: id.clone(),
                })
            }
        }
    }
    Ok(out)
}

/// Validates field values against the switches and the granted purposes.
/// Returns (key, value) pairs ready to store.
fn checked_fields(
    conn: &Connection,
    notice: &Notice,
    granted: &BTreeSet<String>,
    fields: &[(String, String)],
) -> Result<Vec<(&'static str, String)>> {
    let enabled = purposes::enabled_fields(conn)?;
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (key, raw) in fields {
        let spec = catalog::spec(key)?;
        if raw.trim().is_empty() {
            continue;
        }
        if out.iter().any(|(k, _)| *k == spec.key) {
            return Err(Error::InvalidInput {
                field: spec.key,
                reason: "it was given twice",
            });
        }
        if !enabled.iter().any(|f| f.key == spec.key) {
            return Err(Error::FieldDisabled {
                field: spec.key.to_owned(),
            });
        }
        let needed = notice
            .body
            .purposes
            .iter()
            .filter(|p| granted.contains(&p.id))
            .any(|p| p.fields.iter().any(|f| f.key == spec.key));
        if !needed {
            return Err(Error::FieldNotConsented {
                field: spec.key.to_owned(),
            });
        }
        out.push((spec.key, catalog::validate(spec, raw)?));
    }
    Ok(out)
}

fn checked_signature(
    method: CollectionMethod,
    signature: Option<&Signature>,
) -> Result<Option<String>> {
    match (method, signature) {
        (CollectionMethod::InStoreForm, None) => Err(Error::SignatureRequired),
        (_, Some(s)) => s.normalised().map(Some),
        (_, None) => Ok(None),
    }
}

fn store_fields(tx: &Tx<'_>, customer_id: i64, values: &[(&'static str, String)]) -> Result<()> {
    for (key, value) in values {
        tx.conn()
            .execute(
                "INSERT INTO customer_field (customer_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (customer_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![customer_id, key, value, format_ts(tx.now)],
            )
            .map_err(Error::db("save the customer's data"))?;
    }
    Ok(())
}

impl Vault {
    fn current_notice_for(&self, lang: Lang, shown: Option<i64>) -> Result<Notice> {
        let notice = purposes::read_notice(&self.conn, lang, None)?;
        if let Some(shown) = shown {
            if shown != notice.version {
                return Err(Error::NoticeOutdated {
                    shown,
                    current: notice.version,
                });
            }
        }
        Ok(notice)
    }

    /// Records a new customer from a consent form. Refused, with nothing
    /// stored, unless the customer ticked membership; every field value must
    /// be switched on and needed by a ticked purpose. The purposes left
    /// unticked are recorded as refused. Returns the new customer's id and
    /// the signed receipt.
    pub fn join_customer(&mut self, session: &mut Session, form: ConsentForm) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        let notice = self.current_notice_for(form.lang, Some(form.notice_version))?;
        let granted_list = checked_purposes(&notice, &form.granted)?;
        if !granted_list.iter().any(|p| p == MEMBERSHIP) {
            return Err(Error::ConsentMissing {
                purpose: MEMBERSHIP.to_owned(),
            });
        }
        let granted: BTreeSet<String> = granted_list.iter().cloned().collect();
        let values = checked_fields(&self.conn, &notice, &granted, &form.fields)?;
        if !values.iter().any(|(k, _)| *k == NAME_FIELD) {
            return Err(Error::InvalidInput {
                field: NAME_FIELD,
                reason: "a customer record needs the customer's name",
            });
        }
        let signature = checked_signature(form.method, form.signature.as_ref())?;
        let decisions: Vec<(String, Decision)> = notice
            .body
            .purposes
            .iter()
            .filter(|p| p.legal_basis == LegalBasis::Consent)
            .map(|p| {
                let d = if granted.contains(&p.id) {
                    Decision::Grant
                } else {
                    Decision::Refuse
                };
                (p.id.clone(), d)
            })
            .collect();
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("record a new customer", |tx| {
            let customer_ref = uuid::Uuid::new_v4().to_string();
            tx.conn()
                .execute(
                    "INSERT INTO customer (public_id, lang, identity_check, created_at, created_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        customer_ref,
                        form.lang.code(),
                        form.identity_check.as_str(),
                        format_ts(tx.now),
                        user_id
                    ],
                )
                .map_err(Error::db("record a new customer"))?;
            let customer_id = tx.conn().last_insert_rowid();
            store_fields(tx, customer_id, &values)?;
            let receipt = record_decisions(
                tx,
                &Act {
                    customer_id,
                    customer_ref: &customer_ref,
                    notice: &notice,
                    method: form.method,
                    identity_check: form.identity_check,
                    recorded_by: user_id,
                    signature: signature.as_deref(),
                },
                &decisions,
                &[],
            )?;
            tx.audit(
                AuditEvent::new("customer.join", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(form.method.as_str())
                    .touching(values.iter().map(|(k, _)| *k)),
            )?;
            Ok(Recorded {
                customer_id,
                receipt,
                erased_fields: Vec::new(),
            })
        })
    }

    /// Records more consents from an existing customer (or renews ones
    /// already given, e.g. under a newer notice), with the fields they need.
    pub fn grant_consent(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        form: ConsentForm,
    ) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        let customer_ref = customer_ref(&self.conn, customer_id)?;
        let notice = self.current_notice_for(form.lang, Some(form.notice_version))?;
        let ticked = checked_purposes(&notice, &form.granted)?;
        if ticked.is_empty() {
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "tick at least one purpose",
            });
        }
        let already = granted_purposes(&self.conn, &customer_ref)?;
        let mut granted = already.clone();
        granted.extend(ticked.iter().cloned());
        let values = checked_fields(&self.conn, &notice, &granted, &form.fields)?;
        let signature = checked_signature(form.method, form.signature.as_ref())?;
        let decisions: Vec<(String, Decision)> = ticked
            .iter()
            .map(|p| {
                let d = if already.contains(p) {
                    Decision::Renew
                } else {
                    Decision::Grant
                };
                (p.clone(), d)
            })
            .collect();
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("record a consent", |tx| {
            store_fields(tx, customer_id, &values)?;
            let receipt = record_decisions(
                tx,
                &Act {
                    customer_id,
                    customer_ref: &customer_ref,
                    notice: &notice,
                    method: form.method,
                    identity_check: form.identity_check,
                    recorded_by: user_id,
                    signature: signature.as_deref(),
                },
                &decisions,
                &[],
            )?;
            tx.audit(
                AuditEvent::new("consent.grant", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(form.method.as_str())
                    .touching(values.iter().map(|(k, _)| *k)),
            )?;
            Ok(Recorded {
                customer_id,
                receipt,
                erased_fields: Vec::new(),
            })
        })
    }

    /// Withdraws purposes at the customer's request and erases the field
    /// values no remaining purpose needs. Withdrawing membership would erase
    /// the whole record, which comes with the customer-rights capability;
    /// until then it is refused and nothing changes.
    pub fn withdraw_consent(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: Withdrawal,
    ) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        let customer_ref = customer_ref(&self.conn, customer_id)?;
        if request.purposes.is_empty() {
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "name at least one purpose to withdraw",
            });
        }
        if request.purposes.iter().any(|p| p == MEMBERSHIP) {
            return Err(Error::ErasureNotAvailable);
        }
        let granted = granted_purposes(&self.conn, &customer_ref)?;
        let mut withdrawn: Vec<String> = Vec::new();
        for p in &request.purposes {
            if !granted.contains(p) {
                return Err(Error::NotConsented { purpose: p.clone() });
            }
            if !withdrawn.contains(p) {
                withdrawn.push(p.clone());
            }
        }
        let signature = checked_signature(request.method, request.signature.as_ref())?;
        let lang = match request.lang {
            Some(l) => l,
            None => self
                .conn
                .query_row(
                    "SELECT lang FROM customer WHERE id = ?1",
                    [customer_id],
                    |r| r.get(0),
                )
                .map_err(Error::db("find the customer"))?,
        };
        let notice = self.current_notice_for(lang, None)?;
        // Fields still needed by a purpose that stays granted, per the
        // current purpose settings.
        let keep: BTreeSet<String> = purposes::load_purposes(&self.conn)?
            .into_iter()
            .filter(|p| granted.contains(&p.id) && !withdrawn.contains(&p.id))
            .flat_map(|p| p.fields)
            .collect();
        let decisions: Vec<(String, Decision)> = withdrawn
            .iter()
            .map(|p| (p.clone(), Decision::Withdraw))
            .collect();
        let (user_id, role) = (session.user_id(), session.role());
        let recorded = self.transact("record a withdrawal", |tx| {
            let held: Vec<String> = {
                let mut stmt = tx
                    .conn()
                    .prepare(
                        "SELECT field FROM customer_field WHERE customer_id = ?1 ORDER BY field",
                    )
                    .map_err(Error::db("record a withdrawal"))?;
                let rows = stmt
                    .query_map([customer_id], |r| r.get(0))
                    .map_err(Error::db("record a withdrawal"))?;
                rows.collect::<rusqlite::Result<_>>()
                    .map_err(Error::db("record a withdrawal"))?
            };
            let mut erased: Vec<String> = held.into_iter().filter(|f| !keep.contains(f)).collect();
            // Withdrawing loyalty closes the account: its number and points go.
            if withdrawn.iter().any(|p| p == crate::crm::LOYALTY) {
                erased.push(crate::crm::LOYALTY.to_owned());
            }
            for field in &erased {
                tx.conn()
                    .execute(
                        "DELETE FROM customer_field WHERE customer_id = ?1 AND field = ?2",
                        params![customer_id, field],
                    )
                    .map_err(Error::db("erase withdrawn data"))?;
            }
            let receipt = record_decisions(
                tx,
                &Act {
                    customer_id,
                    customer_ref: &customer_ref,
                    notice: &notice,
                    method: request.method,
                    identity_check: request.identity_check,
                    recorded_by: user_id,
                    signature: signature.as_deref(),
                },
                &decisions,
                &erased,
            )?;
            tx.audit(
                AuditEvent::new("consent.withdraw", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(request.method.as_str())
                    .touching(erased.iter().filter_map(|k| {
                        if k == crate::crm::LOYALTY {
                            Some(crate::crm::LOYALTY)
                        } else {
                            catalog::spec(k).ok().map(|s| s.key)
                        }
                    })),
            )?;
            Ok(Recorded {
                customer_id,
                receipt,
                erased_fields: erased,
            })
        })?;
        if !recorded.erased_fields.is_empty() {
            // secure_delete zeroes the erased values in the database pages;
            // fold the WAL back and empty it so no older copy of those pages
            // stays in it.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(Error::db("erase withdrawn data"))?;
        }
        Ok(recorded)
    }

    /// A customer's consent history and current consents, from the ledger.
    pub fn consent_history(
        &mut self,
        session: &mut Session,
        customer_id: i64,
    ) -> Result<ConsentHistory> {
        self.authorize(session, Action::ViewConsentHistory)?;
        let customer_ref = customer_ref(&self.conn, customer_id)?;
        let lang: Lang = self
            .conn
            .query_row(
                "SELECT lang FROM customer WHERE id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .map_err(Error::db("find the customer"))?;
        let current = current_state(&self.conn, &customer_ref)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT e.seq, e.at, e.kind, e.purpose, e.notice_version, e.notice_sha256, e.lang,
                        e.method, e.identity_check,
                        coalesce(u.username, 'user:' || e.recorded_by), e.receipt_id
                 FROM consent_event e LEFT JOIN user_account u ON u.id = e.recorded_by
                 WHERE e.customer_ref = ?1 ORDER BY e.seq",
            )
            .map_err(Error::db("read the consent ledger"))?;
        let entries = stmt
            .query_map([&customer_ref], |r| {
                let kind: String = r.get(2)?;
                Ok(LedgerEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    decision: Decision::parse(&kind).unwrap_or(Decision::Refuse),
                    purpose: r.get(3)?,
                    notice_version: r.get(4)?,
                    notice_sha256: hex::encode(r.get::<_, Vec<u8>>(5)?),
                    lang: r.get(6)?,
                    method: r.get(7)?,
                    identity_check: r.get(8)?,
                    recorded_by: r.get(9)?,
                    receipt_id: r.get(10)?,
                })
            })
            .map_err(Error::db("read the consent ledger"))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::db("read the consent ledger"))?;
        drop(stmt);
        self.log_standalone(
            AuditEvent::new("consent.history", Outcome::Ok)
                .by(session.user_id(), session.role())
                .on(customer_subject(customer_id)),
        )?;
        Ok(ConsentHistory {
            customer_id,
            customer_ref,
            lang,
            current,
            entries,
        })
    }

    /// How many customer records the vault holds (no personal data).
    pub fn customer_count(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT count(*) FROM customer", [], |r| r.get(0))
            .map_err(Error::db("count customers"))
    }
}

/// One act of a customer (joining, granting, withdrawing): the same for
/// every ledger row it writes.
struct Act<'a> {
    customer_id: i64,
    customer_ref: &'a str,
    notice: &'a Notice,
    method: CollectionMethod,
    identity_check: IdentityCheck,
    recorded_by: i64,
    /// The stored form of the customer's drawn signature, if any.
    signature: Option<&'a str>,
}

/// Appends one ledger row per decision, stores the signature, signs and
/// stores the receipt, and brings the records kept per purpose (loyalty
/// account, search row) in line with the new consents. Returns the receipt.
fn record_decisions(
    tx: &mut Tx<'_>,
    act: &Act<'_>,
    decisions: &[(String, Decision)],
    erased_fields: &[String],
) -> Result<Receipt> {
    let Act {
        customer_id,
        customer_ref,
        notice,
        method,
        identity_check,
        recorded_by,
        signature,
    } = *act;
    let receipt_id = uuid::Uuid::new_v4().to_string();
    let signature_sha = signature.map(|s| Sha256::digest(s.as_bytes()).to_vec());
    if let Some(strokes) = signature {
        tx.conn()
            .execute(
                "INSERT INTO consent_signature (receipt_id, customer_id, strokes) VALUES (?1, ?2, ?3)",
                params![receipt_id, customer_id, strokes],
            )
            .map_err(Error::db("save the signature"))?;
    }
    for (purpose, decision) in decisions {
        append(
            tx,
            &LedgerRow {
                receipt_id: &receipt_id,
                customer_ref,
                decision: *decision,
                purpose,
                notice,
                method,
                identity_check,
                recorded_by,
                signature_sha256: signature_sha.as_deref(),
            },
        )?;
    }
    let shop = purposes::shop_profile(tx.conn())?;
    let key = receipts::load_signing_key(tx.conn())?;
    let json = receipts::issue(
        &key,
        &receipts::ReceiptFacts {
            receipt_id: &receipt_id,
            at: tx.now,
            customer_ref,
            shop: &shop,
            notice,
            decisions,
            method,
            identity_check,
            recorded_by,
            signature_sha256: signature_sha.as_deref(),
            erased_fields,
        },
    )?;
    tx.conn()
        .execute(
            "INSERT INTO consent_receipt (receipt_id, customer_ref, at, json) VALUES (?1, ?2, ?3, ?4)",
            params![receipt_id, customer_ref, format_ts(tx.now), json],
        )
        .map_err(Error::db("save the receipt"))?;
    crate::crm::after_consent_change(tx.conn(), customer_id, tx.now)?;
    Ok(Receipt { receipt_id, json })
}
