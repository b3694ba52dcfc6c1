//! Recipients: the firms the shop hands customer data to (a delivery firm,
//! an e-mail service, an accountant), each bound by a written agreement to
//! one purpose, and the hand-overs themselves. A hand-over holds only the
//! customers who agree to that purpose now, each with only the fields the
//! purpose covered in the notice they agreed to; every one is recorded (who,
//! which fields, to whom) so the shop can tell each recipient of a later
//! correction or erasure (GDPR Art. 19) and show the customer who received
//! their data.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use super::restriction::customers_usable_for;
use super::{consented_fields, granted_states, only};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::has_direction_control;
use crate::consent::notices;
use crate::consent::purposes::load_purposes;
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::recipients::{self, Disclosure, NewRow, Recipient, RecipientNotice};
use crate::records::{customer, fields, Fields};
use crate::store::Vault;

/// A recipient as the owner enters it.
#[derive(Debug, Clone)]
pub struct NewRecipient {
    pub name: String,
    pub receives: String,
    pub purpose: String,
    pub country: String,
    /// `YYYY-MM-DD`.
    pub agreement_date: String,
    pub agreement_ref: String,
}

/// One hand-over: to whom, for which purpose, which fields, which customers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandOver {
    pub recipient: Recipient,
    /// Every field any row holds, in catalog-key order (the CSV's columns).
    pub fields: Vec<&'static str>,
    pub rows: Vec<HandOverRow>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandOverRow {
    /// The customer's number, so the recipient can refer back to them.
    pub customer: i64,
    pub fields: Fields,
}

fn one_line(field: &'static str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Error::InvalidInput {
            field,
            reason: "give one line of text, not too long",
        });
    }
    if value.chars().any(char::is_control) || has_direction_control(value) {
        return Err(Error::InvalidInput {
            field,
            reason: "contains control or text-direction characters",
        });
    }
    Ok(value.to_owned())
}

impl Vault {
    /// Adds a recipient, bound to one purpose by the agreement named.
    pub fn add_recipient(
        &mut self,
        session: &mut Session,
        new: &NewRecipient,
    ) -> Result<Recipient> {
        self.authorize(session, Action::ManageRecipients)?;
        let name = one_line("name", &new.name, 120)?;
        let receives = one_line("receives", &new.receives, 300)?;
        let agreement_ref = one_line("agreement", &new.agreement_ref, 120)?;
        let country = new.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::InvalidInput {
                field: "country",
                reason: "give the two-letter country code, e.g. ES or ID",
            });
        }
        let agreement_date = NaiveDate::parse_from_str(new.agreement_date.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d <= self.now().date_naive())
            .ok_or(Error::InvalidInput {
                field: "agreement date",
                reason: "give the date the agreement was signed (YYYY-MM-DD), not in the future",
            })?;
        if !load_purposes(&self.conn)?
            .iter()
            .any(|p| p.id == new.purpose)
        {
            return Err(Error::PurposeNotFound {
                purpose: new.purpose.clone(),
            });
        }
        let (user_id, role) = (session.user_id(), session.role());
        let row = NewRow {
            name: &name,
            receives: &receives,
            purpose: &new.purpose,
            country: &country,
            agreement_date,
            agreement_ref: &agreement_ref,
        };
        let actor: &Session = session;
        let id = self.transact("add a recipient", |tx| {
            let id = recipients::insert(tx.conn(), &row, tx.now)?;
            tx.audit(
                AuditEvent::new("recipient.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Purpose(new.purpose.clone())),
            )?;
            // The notice names every recipient: a new version, in the same
            // transaction, so no customer is told an outdated "who else".
            notices::publish_if_changed(tx, Some(actor))?;
            Ok(id)
        })?;
        recipients::find(&self.conn, id)?.ok_or(Error::RecipientNotFound)
    }

    /// The recipients in force.
    pub fn recipients(&mut self, session: &mut Session) -> Result<Vec<Recipient>> {
        self.authorize(session, Action::ManageRecipients)?;
        recipients::current(&self.conn)
    }

    /// Ends a recipient's agreement: no more hand-overs; what they received
    /// stays on record.
    pub fn remove_recipient(&mut self, session: &mut Session, id: i64) -> Result<()> {
        self.authorize(session, Action::ManageRecipients)?;
        let (user_id, role) = (session.user_id(), session.role());
        let actor: &Session = session;
        self.transact("remove a recipient", |tx| {
            if !recipients::remove(tx.conn(), id, tx.now)? {
                return Err(Error::RecipientNotFound);
            }
            tx.audit(AuditEvent::new("recipient.remove", Outcome::Ok).by(user_id, role))?;
            notices::publish_if_changed(tx, Some(actor)).map(|_| ())
        })
    }

    /// What goes to recipient `id` now: the customers who agree to its
    /// purpose and whose record is not restricted, each with only the
    /// fields that purpose covered in the
    /// notice they agreed to. Recorded, customer by customer, as a
    /// disclosure, and logged with the customers and fields (never values).
    pub fn hand_over(&mut self, session: &mut Session, id: i64) -> Result<HandOver> {
        self.authorize(session, Action::ManageRecipients)?;
        let recipient = recipients::find(&self.conn, id)?.ok_or(Error::RecipientNotFound)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("hand data to a recipient", |tx| {
            let conn = tx.conn();
            let mut rows = Vec::new();
            let mut columns: BTreeSet<&'static str> = BTreeSet::new();
            // Those who agree now and whose record is not restricted: the
            // one rule for every use of data for a purpose.
            for customer_id in customers_usable_for(conn, &recipient.purpose)? {
                let public_id = customer::public_id(conn, customer_id)?;
                let granted: Vec<_> = granted_states(conn, &public_id)?
                    .into_iter()
                    .filter(|s| s.purpose == recipient.purpose)
                    .collect();
                let lang = customer::lang(conn, customer_id)?;
                let covered: BTreeSet<String> = consented_fields(conn, lang, &granted)?
                    .into_iter()
                    .flat_map(|(_, f)| f)
                    .collect();
                let held = only(&fields::held(conn, customer_id)?, &covered);
                if held.is_empty() {
                    continue;
                }
                let keys: Vec<&str> = held.keys().copied().collect();
                recipients::record_disclosure(conn, id, customer_id, &keys, user_id, tx.now)?;
                columns.extend(held.keys().copied());
                rows.push(HandOverRow {
                    customer: customer_id,
                    fields: held,
                });
            }
            let ids = rows.iter().map(|r| r.customer).collect();
            tx.audit(
                AuditEvent::new("recipient.hand_over", Outcome::Ok)
                    .by(user_id, role)
                    .because("hand-over-to-recipient")
                    .touching(columns.iter().copied())
                    .on(Subject::Customers(ids)),
            )?;
            Ok(HandOver {
                recipient: recipient.clone(),
                fields: columns.into_iter().collect(),
                rows,
            })
        })
    }

    /// What recipients must still be told: a customer whose data they
    /// received was corrected (or restricted, or erased) since.
    pub fn recipients_to_tell(&mut self, session: &mut Session) -> Result<Vec<RecipientNotice>> {
        self.authorize(session, Action::ManageRecipients)?;
        recipients::open_notices(&self.conn)
    }

    /// Records that the recipient was told (notice `id`).
    pub fn mark_recipient_told(&mut self, session: &mut Session, id: i64) -> Result<()> {
        self.authorize(session, Action::ManageRecipients)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("mark a recipient as told", |tx| {
            if !recipients::mark_told(tx.conn(), id, tx.now)? {
                return Err(Error::InvalidInput {
                    field: "notice",
                    reason: "there is no open notice with that number",
                });
            }
            tx.audit(AuditEvent::new("recipient.told", Outcome::Ok).by(user_id, role))
        })
    }

    /// Who received the customer's data, which fields and when: the
    /// recipients to tell of a correction or an erasure (Art. 19).
    pub fn disclosures(
        &mut self,
        session: &mut Session,
        customer_id: i64,
    ) -> Result<Vec<Disclosure>> {
        self.authorize(session, Action::ManageRecipients)?;
        recipients::disclosures_of(&self.conn, customer_id)
    }
}

impl HandOver {
    /// The hand-over as CSV: a header of field keys, one row per customer.
    /// A value that a spreadsheet would run as a formula (`=`, `+`, `-`,
    /// `@` first) is quoted with a leading apostrophe.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("customer");
        for f in &self.fields {
            out.push(',');
            out.push_str(&csv_cell(f));
        }
        out.push_str("\r\n");
        for row in &self.rows {
            out.push_str(&row.customer.to_string());
            for f in &self.fields {
                out.push(',');
                out.push_str(&csv_cell(row.fields.get(f).map_or("", String::as_str)));
            }
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_never_run_as_a_formula() {
        assert_eq!(csv_cell("anna@example.cat"), "anna@example.cat");
        assert_eq!(csv_cell("Puig, Anna"), "\"Puig, Anna\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+34600111222"), "'+34600111222");
    }
}
