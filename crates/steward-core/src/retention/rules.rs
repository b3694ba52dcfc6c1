//! The record-keeping rules as the owner sees and changes them: the shop's
//! jurisdiction, how long it keeps sales records of customers who left,
//! the access log and destruction records (`record_keeping` owns the
//! table and the defaults), with the shop's sales totals, which count the
//! sales kept without a customer. The owner alone changes them; owner and
//! auditor read them. A change customers would read about (the
//! sales-records rule, the jurisdiction) publishes a new notice version.

use serde::Serialize;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::notices::publish_if_changed;
use crate::error::Result;
use crate::people::Session;
use crate::permissions::Action;
use crate::record_keeping::{self as rules, Category, Jurisdiction, Period};
use crate::records::bookkeeping::{self, SalesTotal};
use crate::shop;
use crate::store::Vault;

/// One rule, with what the shop's jurisdiction suggests.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordKeepingRule {
    pub category: Category,
    pub period: Period,
    /// The jurisdiction's default, to compare with.
    pub default_period: Period,
}

/// Everything the owner's record-keeping panel shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordKeeping {
    pub jurisdiction: Jurisdiction,
    pub rules: Vec<RecordKeepingRule>,
    /// The proof of consent of customers who left (the ledger and their
    /// receipts) is kept while the shop may have to prove consent; this is
    /// shown, not edited, and not pruned by the schedule yet.
    pub consent_proof_kept: &'static str,
    /// Sales per currency, those of customers who left included.
    pub sales: Vec<SalesTotal>,
}

/// What the panel says of the consent proof.
const CONSENT_PROOF: &str = "while-the-shop-may-have-to-prove-consent";

impl Vault {
    /// The shop's record-keeping rules and sales totals (owner, auditor).
    pub fn record_keeping(&mut self, session: &mut Session) -> Result<RecordKeeping> {
        self.authorize(session, Action::ViewRecordKeeping)?;
        self.read_record_keeping()
    }

    fn read_record_keeping(&self) -> Result<RecordKeeping> {
        let jurisdiction = Jurisdiction::from_stored(&shop::profile(&self.conn)?.jurisdiction);
        let defaults = jurisdiction.defaults();
        let rules = rules::all(&self.conn)?
            .into_iter()
            .map(|r| RecordKeepingRule {
                category: r.category,
                period: r.period,
                default_period: defaults
                    .iter()
                    .find(|(c, _)| *c == r.category)
                    .map_or(r.period, |(_, p)| *p),
            })
            .collect();
        Ok(RecordKeeping {
            jurisdiction,
            rules,
            consent_proof_kept: CONSENT_PROOF,
            sales: bookkeeping::totals(&self.conn)?,
        })
    }

    /// Changes how long one category is kept (owner). A change to the
    /// sales-records rule publishes a new notice version, which tells
    /// customers how long their purchases are kept after they leave.
    pub fn set_record_keeping_rule(
        &mut self,
        session: &mut Session,
        category: Category,
        period: Period,
    ) -> Result<RecordKeeping> {
        self.authorize(session, Action::ManageRecordKeeping)?;
        let period = period.validate(category)?;
        self.transact("change a record-keeping rule", |tx| {
            rules::set(tx.conn(), category, period, session.user_id(), tx.now)?;
            tx.audit(
                AuditEvent::new("record_keeping.rule", Outcome::Ok)
                    .by(session.user_id(), session.role())
                    .on(Subject::Setting(category.as_str())),
            )?;
            publish_if_changed(tx, Some(session))?;
            Ok(())
        })?;
        self.read_record_keeping()
    }

    /// Sets the shop's jurisdiction (owner), and with `apply_defaults` its
    /// default periods for every category. Publishes a new notice version
    /// when customers would read something different.
    pub fn set_jurisdiction(
        &mut self,
        session: &mut Session,
        jurisdiction: Jurisdiction,
        apply_defaults: bool,
    ) -> Result<RecordKeeping> {
        self.authorize(session, Action::ManageRecordKeeping)?;
        self.transact("change the jurisdiction", |tx| {
            shop::set_jurisdiction(tx.conn(), jurisdiction.as_str())?;
            if apply_defaults {
                for (category, period) in jurisdiction.defaults() {
                    rules::set(tx.conn(), category, period, session.user_id(), tx.now)?;
                }
            }
            tx.audit(
                AuditEvent::new("record_keeping.jurisdiction", Outcome::Ok)
                    .by(session.user_id(), session.role())
                    .on(Subject::Setting("jurisdiction")),
            )?;
            publish_if_changed(tx, Some(session))?;
            Ok(())
        })?;
        self.read_record_keeping()
    }
}
