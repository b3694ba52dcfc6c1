//! The three acts of a customer: joining (a new customer record, only with
//! membership), agreeing to more purposes, and withdrawing. Each act is one
//! transaction that writes the field values, the ledger rows, the drawn
//! signature, the signed receipt and its audit entry together, and brings
//! the records kept per purpose (the loyalty account, the search index) in
//! line with the consents that now hold. A refused or abandoned form writes
//! nothing at all.
//!
//! Invariants kept here:
//! - no `customer` row exists without a granted membership in the ledger;
//! - a field value is stored only if the shop has the field switched on and
//!   a purpose the customer granted (in the notice they saw) needs it;
//! - withdrawing a purpose erases the values no remaining purpose needs.
//!
//! It never writes a field value into an error, the audit log or the ledger.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::coverage;
use super::forms::{
    CollectionMethod, ConsentForm, ConsentState, Decision, IdentityCheck, Objection, Recorded,
    Signature, Withdrawal,
};
use super::handover;
use super::ledger::{self, LedgerRow};
use super::notices::{read_notice, Notice};
use super::purposes::{enabled_fields, load_purposes, LegalBasis};
use super::receipts::{self, Receipt};
use super::signing_key;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::{self, NAME_FIELD};
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::people::{HandedTo, Session};
use crate::permissions::{is_allowed, Action};
use crate::purpose_id::{LOYALTY, MEMBERSHIP};
use crate::records::{self, customer, fields, loyalty, restriction, signatures};
use crate::shop;
use crate::store::{Tx, Vault};

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
    let enabled = enabled_fields(conn)?;
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
        fields::put(tx.conn(), customer_id, key, value, tx.now)?;
    }
    Ok(())
}

impl Vault {
    /// A grant or renewal gives the values its purposes need; it may not
    /// change a value already recorded unless the acting role may correct
    /// records (a stored value given again unchanged just confirms it). The
    /// refusal is logged with the field, never the values.
    fn check_no_correction(
        &self,
        session: &Session,
        customer_id: i64,
        values: &[(&'static str, String)],
    ) -> Result<()> {
        if is_allowed(session.role(), Action::EditCustomer) {
            return Ok(());
        }
        for (key, value) in values {
            if fields::value(&self.conn, customer_id, key)?.is_some_and(|stored| &stored != value) {
                self.log_standalone(
                    AuditEvent::new("consent.grant", Outcome::Denied)
                        .by(session.user_id(), session.role())
                        .on(Subject::Customer(customer_id))
                        .because("would change a recorded value")
                        .touching([*key]),
                )?;
                return Err(Error::ValueAlreadyRecorded { field: key });
            }
        }
        Ok(())
    }

    fn current_notice_for(&self, lang: Lang, shown: Option<i64>) -> Result<Notice> {
        let notice = read_notice(&self.conn, lang, None)?;
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
        handover::check_act_for(session, None)?;
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
        let recorded = self.transact("record a new customer", |tx| {
            let customer_ref = uuid::Uuid::new_v4().to_string();
            let customer_id = customer::insert(
                tx.conn(),
                &customer_ref,
                form.lang,
                form.identity_check.as_str(),
                tx.now,
                user_id,
            )?;
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
                    .on(Subject::Customer(customer_id))
                    .because(form.method.as_str())
                    .touching(values.iter().map(|(k, _)| *k)),
            )?;
            Ok(Recorded {
                customer_id,
                receipt,
                erased_fields: Vec::new(),
            })
        })?;
        if session.in_customer_mode() {
            // The person who just joined may see their receipt, and nothing
            // else: the hand-over now binds to the customer they became.
            session.hand_to(HandedTo::Customer(recorded.customer_id));
        }
        Ok(recorded)
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
        handover::check_act_for(session, Some(customer_id))?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        restriction::ensure_not_restricted(self, session, customer_id, "consent.grant")?;
        let notice = self.current_notice_for(form.lang, Some(form.notice_version))?;
        let ticked = checked_purposes(&notice, &form.granted)?;
        if ticked.is_empty() {
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "tick at least one purpose",
            });
        }
        let already = ledger::granted(&self.conn, &customer_ref)?;
        let mut granted = already.clone();
        granted.extend(ticked.iter().cloned());
        let values = checked_fields(&self.conn, &notice, &granted, &form.fields)?;
        self.check_no_correction(session, customer_id, &values)?;
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
                    .on(Subject::Customer(customer_id))
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
    ///
    /// A restricted customer may still withdraw: it stops a use of their
    /// data rather than making one (`records::restriction`).
    pub fn withdraw_consent(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: Withdrawal,
    ) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        self.withdraw(session, customer_id, request, "consent.withdraw")
    }

    /// Records a customer's objection to marketing (GDPR Art. 21): in one
    /// act, with one receipt, withdraws every marketing purpose they agree
    /// to and erases the values only those purposes needed. Allowed while
    /// the record is restricted. `NotConsented` (purpose `marketing`) when
    /// they agree to none.
    pub fn object_to_marketing(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        objection: Objection,
    ) -> Result<Recorded> {
        self.authorize(session, Action::ObjectToMarketing)?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        let granted = ledger::granted(&self.conn, &customer_ref)?;
        let purposes: Vec<String> = load_purposes(&self.conn)?
            .into_iter()
            .filter(|p| p.marketing && granted.contains(&p.id))
            .map(|p| p.id)
            .collect();
        if purposes.is_empty() {
            return Err(Error::NotConsented {
                purpose: "marketing".to_owned(),
            });
        }
        self.withdraw(
            session,
            customer_id,
            Withdrawal {
                lang: objection.lang,
                purposes,
                method: objection.method,
                identity_check: objection.identity_check,
                signature: objection.signature,
            },
            "marketing.object",
        )
    }

    /// A withdrawal, logged under `label`; the caller has authorized it.
    fn withdraw(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: Withdrawal,
        label: &'static str,
    ) -> Result<Recorded> {
        handover::check_act_for(session, Some(customer_id))?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        if request.purposes.is_empty() {
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "name at least one purpose to withdraw",
            });
        }
        if request.purposes.iter().any(|p| p == MEMBERSHIP) {
            return Err(Error::ErasureNotAvailable);
        }
        let granted = ledger::granted(&self.conn, &customer_ref)?;
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
        // The consents as they will stand: what they cover is kept, in the
        // notice versions the customer agreed to (`coverage`).
        let remaining: Vec<ConsentState> = ledger::current_state(&self.conn, &customer_ref)?
            .into_iter()
            .filter(|s| s.granted && !withdrawn.contains(&s.purpose))
            .collect();
        let decisions: Vec<(String, Decision)> = withdrawn
            .iter()
            .map(|p| (p.clone(), Decision::Withdraw))
            .collect();
        let (user_id, role) = (session.user_id(), session.role());
        let recorded = self.transact("record a withdrawal", |tx| {
            let mut erased = coverage::erase_uncovered(tx.conn(), customer_id, &remaining)?;
            // Withdrawing loyalty closes the account (`sync_purpose_records`
            // below): its number and points go.
            if withdrawn.iter().any(|p| p == LOYALTY) {
                erased.push(LOYALTY.to_owned());
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
                AuditEvent::new(label, Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(request.method.as_str())
                    .touching(erased.iter().filter_map(|k| {
                        if k == LOYALTY {
                            Some(LOYALTY)
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
            self.checkpoint_wal("erase withdrawn data")?;
        }
        Ok(recorded)
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
        signatures::insert(tx.conn(), &receipt_id, customer_id, strokes)?;
    }
    for (purpose, decision) in decisions {
        ledger::append(
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
    let shop = shop::profile(tx.conn())?;
    let key = signing_key::load_signing_key(tx.conn())?;
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
    receipts::store(tx.conn(), &receipt_id, customer_ref, tx.now, &json)?;
    sync_purpose_records(tx.conn(), customer_id, tx.now)?;
    Ok(Receipt { receipt_id, json })
}

/// Brings the records kept for a purpose in line with the customer's
/// current consents after a grant or a withdrawal: opens the loyalty
/// account when `loyalty` is granted, erases it (and its points) when it is
/// not, and refreshes the search index. Runs in the consent transaction.
pub(crate) fn sync_purpose_records(
    conn: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let customer_ref = customer::public_id(conn, customer_id)?;
    let loyalty_granted = ledger::granted(conn, &customer_ref)?.contains(LOYALTY);
    let has_account = loyalty::account(conn, customer_id)?.is_some();
    if loyalty_granted && !has_account {
        loyalty::open(conn, customer_id, now)?;
    } else if !loyalty_granted && has_account {
        loyalty::close(conn, customer_id)?;
    }
    records::sync_search(conn, customer_id)
}

/// Schema 3's data step: gives every existing customer the records schema 3
/// introduced (their loyalty account, their search index row).
pub(crate) fn upgrade_to_schema_3(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    for (id, _) in customer::all(conn)? {
        sync_purpose_records(conn, id, now)?;
    }
    Ok(())
}
