//! Finding a customer from the paper they bring: the short receipt number
//! printed on a receipt (`0EE4-F31D`, the first eight characters of its
//! random id) leads staff to that customer's consents, so nobody has to
//! know their customer number.

use rusqlite::params;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::customer;
use crate::store::Vault;

/// Characters of a receipt id printed for people.
const SHORT: usize = 8;

impl Vault {
    /// The customer number a receipt was issued to, from the short number
    /// printed on it (hyphen and case do not matter). Refused in customer
    /// mode; the lookup is in the access log.
    pub fn customer_of_receipt(&mut self, session: &mut Session, reference: &str) -> Result<i64> {
        self.authorize(session, Action::ViewConsentHistory)?;
        if session.in_customer_mode() {
            return Err(Error::CustomerMode);
        }
        let typed: String = reference
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        if typed.chars().count() != SHORT || !typed.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::InvalidInput {
                field: "reference",
                reason: "type the receipt number as printed, e.g. 0EE4-F31D",
            });
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT customer_ref FROM consent_receipt WHERE substr(receipt_id, 1, 8) = ?1 LIMIT 2",
            )
            .map_err(Error::db("find a receipt"))?;
        let owners: Vec<String> = stmt
            .query_map(params![typed], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(Error::db("find a receipt"))?;
        let [owner] = owners.as_slice() else {
            return Err(if owners.is_empty() {
                Error::ReceiptNotFound
            } else {
                // Two customers' receipts share the short number (one in
                // four billion): the number alone cannot tell them apart.
                Error::InvalidInput {
                    field: "reference",
                    reason: "two receipts start so; use the customer number",
                }
            });
        };
        // An erased customer's receipts stay (proof of consent); they lead nowhere.
        let id = customer::id_of(&self.conn, owner)?;
        self.log_standalone(
            AuditEvent::new("receipt.lookup", Outcome::Ok)
                .by(session.user_id(), session.role())
                .on(Subject::Customer(id)),
        )?;
        Ok(id)
    }
}
