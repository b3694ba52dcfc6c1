//! Legal holds: the owner keeps a customer's data for a dispute or a claim
//! (GDPR Art. 17(3)(e)). While held, the customer cannot be erased, not at
//! their request, by withdrawing membership or on schedule (each asks
//! `records::legal_hold::ensure_not_held`); everything else goes on as
//! usual. Placing
//! and lifting are logged, the reason never is.

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::{customer, legal_hold};
use crate::store::Vault;

use super::LegalHold;

/// The longest reason, in characters.
const MAX_REASON_CHARS: usize = 300;

impl Vault {
    /// Places a legal hold on a customer, or changes its reason (owner).
    pub fn place_legal_hold(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        reason: &str,
    ) -> Result<LegalHold> {
        self.authorize(session, Action::ManageLegalHold)?;
        if reason.trim().is_empty() {
            return Err(Error::InvalidInput {
                field: "reason",
                reason: "say in a few words why the data must be kept",
            });
        }
        let reason = crate::catalog::validate_free_text("reason", reason, MAX_REASON_CHARS, true)?;
        let reason = reason.as_str();
        if !customer::exists(&self.conn, customer_id)? {
            return Err(Error::CustomerNotFound);
        }
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("place a legal hold", |tx| {
            legal_hold::set(tx.conn(), customer_id, reason, tx.now, user_id)?;
            tx.audit(
                AuditEvent::new("customer.legal_hold", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id)),
            )
        })?;
        legal_hold::get(&self.conn, customer_id)?.ok_or(Error::CustomerNotFound)
    }

    /// Lifts a customer's legal hold (owner); `NotHeld` when there is none.
    pub fn lift_legal_hold(&mut self, session: &mut Session, customer_id: i64) -> Result<()> {
        self.authorize(session, Action::ManageLegalHold)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("lift a legal hold", |tx| {
            if !legal_hold::lift(tx.conn(), customer_id)? {
                return Err(Error::NotHeld);
            }
            tx.audit(
                AuditEvent::new("customer.legal_hold_lift", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id)),
            )
        })
    }

    /// Every legal hold (owner).
    pub fn legal_holds(&mut self, session: &mut Session) -> Result<Vec<LegalHold>> {
        self.authorize(session, Action::ManageLegalHold)?;
        legal_hold::all(&self.conn)
    }
}
