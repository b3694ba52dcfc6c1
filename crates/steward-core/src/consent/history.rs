//! A customer's consent history: their current consents (derived from the
//! ledger) and every decision they made, with who recorded it.

use super::forms::{ConsentHistory, LedgerEntry};
use super::ledger;
use super::record::RETENTION_SCHEDULE;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::Result;
use crate::people::{accounts, Session};
use crate::permissions::Action;
use crate::records::customer;
use crate::store::Vault;

impl Vault {
    /// A customer's consent history and current consents, from the ledger.
    pub fn consent_history(
        &mut self,
        session: &mut Session,
        customer_id: i64,
    ) -> Result<ConsentHistory> {
        self.authorize(session, Action::ViewConsentHistory)?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        let lang = customer::lang(&self.conn, customer_id)?;
        let current = ledger::current_state(&self.conn, &customer_ref)?;
        let entries = ledger::decisions_of(&self.conn, &customer_ref)?
            .into_iter()
            .map(|d| {
                Ok(LedgerEntry {
                    seq: d.seq,
                    at: d.at,
                    decision: d.decision,
                    purpose: d.purpose,
                    notice_version: d.notice_version,
                    notice_sha256: hex::encode(d.notice_sha256),
                    lang: d.lang,
                    method: d.method,
                    identity_check: d.identity_check,
                    recorded_by: if d.recorded_by == RETENTION_SCHEDULE {
                        "the retention schedule".to_owned()
                    } else {
                        accounts::display_name(&self.conn, d.recorded_by)?
                    },
                    receipt_id: d.receipt_id,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.log_standalone(
            AuditEvent::new("consent.history", Outcome::Ok)
                .by(session.user_id(), session.role())
                .on(Subject::Customer(customer_id)),
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
        customer::count(&self.conn)
    }
}
