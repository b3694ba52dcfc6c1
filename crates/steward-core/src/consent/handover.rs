//! Handing the screen to a customer (customer mode). Staff hand it over for
//! exactly one person: someone joining, or one existing customer. Until a
//! staff member logs in again the session can only show the notice, take
//! that person's form and show that person's receipts: a consent act or a
//! receipt about anyone else is refused, whatever the page asks for.

use super::receipts;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::{HandedTo, Session};
use crate::permissions::Action;
use crate::records::customer;
use crate::store::Vault;

impl Vault {
    /// Hands the screen to `to`. Only someone who may record consent can do
    /// this; an existing customer must exist.
    pub fn enter_customer_mode(&mut self, session: &mut Session, to: HandedTo) -> Result<()> {
        self.authorize(session, Action::RecordConsent)?;
        let mut event = AuditEvent::new("customer_mode.enter", Outcome::Ok)
            .by(session.user_id(), session.role());
        if let HandedTo::Customer(id) = to {
            customer::public_id(&self.conn, id)?;
            event = event.on(Subject::Customer(id));
        }
        session.hand_to(to);
        self.log_standalone(event)
    }
}

/// Refuses a consent act on `customer_id` (`None`: a new customer) unless
/// the session is not in customer mode or the screen was handed over for
/// exactly that customer.
pub(crate) fn check_act_for(session: &Session, customer_id: Option<i64>) -> Result<()> {
    match (session.handed_to(), customer_id) {
        (None, _) => Ok(()),
        (Some(HandedTo::NewCustomer), None) => Ok(()),
        (Some(HandedTo::Customer(bound)), Some(id)) if bound == id => Ok(()),
        _ => Err(Error::HandedToAnotherCustomer),
    }
}

/// Refuses, in customer mode, a receipt that is not about the customer the
/// screen was handed over for.
pub(crate) fn check_receipt_for(vault: &Vault, session: &Session, receipt_id: &str) -> Result<()> {
    let Some(handed_to) = session.handed_to() else {
        return Ok(());
    };
    let HandedTo::Customer(id) = handed_to else {
        return Err(Error::HandedToAnotherCustomer);
    };
    let owner_ref = receipts::customer_ref_of(&vault.conn, receipt_id)?;
    // A customer who withdrew membership on this screen was erased: their
    // erasure confirmation is still theirs to see.
    let bound = match customer::public_id(&vault.conn, id) {
        Err(Error::CustomerNotFound) => crate::records::erasure::erased_public_id(&vault.conn, id)?
            .ok_or(Error::CustomerNotFound)?,
        other => other?,
    };
    if owner_ref.as_deref() == Some(bound.as_str()) {
        Ok(())
    } else {
        Err(Error::HandedToAnotherCustomer)
    }
}
