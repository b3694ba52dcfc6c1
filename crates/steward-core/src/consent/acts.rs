//! The three acts of a customer: joining (a new customer record, only with
//! membership), agreeing to more purposes, and withdrawing. Each act is one
//! transaction that writes the field values, the ledger rows, the drawn
//! signature, the signed receipt and its audit entry together, and brings
//! the records kept per purpose (the loyalty account, the search index) in
//! line with the consents that now hold. A refused or abandoned form writes
//! nothing at all.
//!
//! A form submitted twice is recorded once (`once`); the rows of an act
//! are written by `record`.
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

use super::coverage;
use super::forms::{
    CollectionMethod, ConsentForm, ConsentState, Decision, Objection, Recorded, Withdrawal,
};
use super::handover;
use super::ledger;
use super::notices::{read_notice, Notice};
use super::once::{FormSeen, OwnedFormMark, Submission};
use super::purposes::{enabled_fields, load_purposes, LegalBasis};
use super::record::{record_decisions, sync_purpose_records, Act};
use super::signature::{Checked, Signature};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::{self, NAME_FIELD};
use crate::error::{Error, Result, Warning};
use crate::language::Lang;
use crate::people::{HandedTo, Session};
use crate::permissions::{is_allowed, Action};
use crate::purpose_id::{LOYALTY, MEMBERSHIP};
use crate::records::{customer, fields, restriction};
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

/// The signature a form needs, checked: the on-screen form must be signed
/// (drawn, or a typed name the customer confirmed); the paper form is
/// signed on paper, though a signature given with it is checked all the same.
pub(crate) fn checked_signature(
    method: CollectionMethod,
    signature: Option<&Signature>,
) -> Result<Option<Checked>> {
    match (method, signature) {
        (CollectionMethod::InStoreForm, None) => Err(Error::SignatureRequired),
        (_, Some(s)) => s.checked().map(Some),
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

    pub(crate) fn current_notice_for(&self, lang: Lang, shown: Option<i64>) -> Result<Notice> {
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
        self.join_customer_then(session, form, |_, _| Ok(()))
    }

    /// [`Vault::join_customer`], with `then` run inside the join's
    /// transaction once the customer is written (given their number): what
    /// must happen with the join or not at all (an invitation consumed).
    pub(crate) fn join_customer_then(
        &mut self,
        session: &mut Session,
        form: ConsentForm,
        then: impl FnOnce(&mut Tx<'_>, i64) -> Result<()>,
    ) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        let submission = Submission {
            act: "join",
            customer_id: None,
            lang: Some(form.lang),
            notice_version: Some(form.notice_version),
            purposes: &form.granted,
            fields: &form.fields,
            method: form.method,
            identity_check: form.identity_check,
            signature: form.signature.as_ref(),
        };
        let mark = match self.form_seen(session, form.form_id.as_ref(), &submission)? {
            FormSeen::Recorded(again) => return Ok(again),
            FormSeen::New(mark) => mark,
        };
        let form_mark = mark.as_ref().map(OwnedFormMark::as_mark);
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
                    signature: signature.as_ref(),
                    form: form_mark.as_ref(),
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
            then(tx, customer_id)?;
            Ok(Recorded {
                customer_id,
                receipt,
                erased_fields: Vec::new(),
                warnings: Vec::new(),
                repeated: false,
            })
        })?;
        let recorded = Recorded {
            warnings: self.warnings(),
            ..recorded
        };
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
        let submission = Submission {
            act: "grant",
            customer_id: Some(customer_id),
            lang: Some(form.lang),
            notice_version: Some(form.notice_version),
            purposes: &form.granted,
            fields: &form.fields,
            method: form.method,
            identity_check: form.identity_check,
            signature: form.signature.as_ref(),
        };
        let mark = match self.form_seen(session, form.form_id.as_ref(), &submission)? {
            FormSeen::Recorded(again) => return Ok(again),
            FormSeen::New(mark) => mark,
        };
        let form_mark = mark.as_ref().map(OwnedFormMark::as_mark);
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
        let recorded = self.transact("record a consent", |tx| {
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
                    signature: signature.as_ref(),
                    form: form_mark.as_ref(),
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
                warnings: Vec::new(),
                repeated: false,
            })
        })?;
        Ok(Recorded {
            warnings: self.warnings(),
            ..recorded
        })
    }

    /// Withdraws purposes other than membership at the customer's request
    /// and erases the field values no remaining purpose needs; the caller
    /// (`Vault::withdraw_consent`, which sends a withdrawal of membership to
    /// the erasure instead) has authorized it.
    ///
    /// A restricted customer may still withdraw: it stops a use of their
    /// data rather than making one (`records::restriction`).
    pub(crate) fn withdraw_purposes(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: Withdrawal,
    ) -> Result<Recorded> {
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
                // An objection is one button, not a form: pressed twice,
                // the second finds no marketing consent left to withdraw.
                form_id: None,
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
        let mark = match self.withdrawal_seen(session, customer_id, &request)? {
            FormSeen::Recorded(again) => return Ok(again),
            FormSeen::New(mark) => mark,
        };
        let form_mark = mark.as_ref().map(OwnedFormMark::as_mark);
        handover::check_act_for(session, Some(customer_id))?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        if request.purposes.is_empty() {
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "name at least one purpose to withdraw",
            });
        }
        if request.purposes.iter().any(|p| p == MEMBERSHIP) {
            // Invariant: `Vault::withdraw_consent` sends a withdrawal of
            // membership to the erasure; it never reaches here.
            return Err(Error::InvalidInput {
                field: "purposes",
                reason: "withdrawing membership erases the customer",
            });
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
                    signature: signature.as_ref(),
                    form: form_mark.as_ref(),
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
                warnings: Vec::new(),
                repeated: false,
            })
        })?;
        let mut warnings = self.warnings();
        // secure_delete zeroes the erased values in the database pages;
        // fold the WAL back and empty it so no older copy of those pages
        // stays in it. The withdrawal is saved whatever happens here, so a
        // journal that could not be emptied is a warning with the receipt,
        // not an error: a retry would find nothing left to withdraw.
        if !recorded.erased_fields.is_empty()
            && self.checkpoint_wal("erase withdrawn data").is_err()
        {
            warnings.push(Warning::JournalNotCleared);
        }
        Ok(Recorded {
            warnings,
            ..recorded
        })
    }
}

/// Schema 3's data step: gives every existing customer the records schema 3
/// introduced (their loyalty account, their search index row).
pub(crate) fn upgrade_to_schema_3(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    for (id, _) in customer::all(conn)? {
        sync_purpose_records(conn, id, now)?;
    }
    Ok(())
}
