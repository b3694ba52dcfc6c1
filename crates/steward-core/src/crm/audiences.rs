//! Marketing audiences: one page at a time of the customers who currently
//! agree to one marketing purpose (a restricted customer is in none), each with only the fields that purpose
//! covers and purchase totals. Every page is logged with the customers it
//! listed.

use std::collections::BTreeSet;

use super::keys_of;
use super::profile::marketing_profile;
use super::restriction::customers_usable_for;
use super::views::AudiencePage;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::purposes::load_purposes;
use crate::error::{Error, Result};
use crate::people::access::AccessPurpose;
use crate::people::Session;
use crate::permissions::Action;
use crate::store::Vault;

const AUDIENCE_PAGE: usize = 50;

impl Vault {
    /// One page (50) of the customers who currently agree to the marketing
    /// purpose `purpose`, each with only the fields that purpose covers and
    /// purchase totals. Logged with the customers listed.
    pub fn marketing_audience(
        &mut self,
        session: &mut Session,
        purpose: &str,
        offset: i64,
    ) -> Result<AudiencePage> {
        self.authorize(session, Action::ViewAudience)?;
        let found = load_purposes(&self.conn)?
            .into_iter()
            .find(|p| p.id == purpose)
            .ok_or_else(|| Error::PurposeNotFound {
                purpose: purpose.to_owned(),
            })?;
        if !found.marketing {
            return Err(Error::InvalidInput {
                field: "purpose",
                reason: "it is not a marketing purpose",
            });
        }
        let offset = offset.max(0);
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("list an audience", |tx| {
            let conn = tx.conn();
            // The customers who agree now and are not restricted, by number.
            let consenting = customers_usable_for(conn, &found.id)?;
            let total = consenting.len() as i64;
            let ids: Vec<i64> = consenting
                .into_iter()
                .skip(offset as usize)
                .take(AUDIENCE_PAGE)
                .collect();
            let mut customers = Vec::with_capacity(ids.len());
            let mut touched: BTreeSet<&'static str> = BTreeSet::new();
            for id in &ids {
                if let Some(p) = marketing_profile(conn, *id, Some(&found.id))? {
                    touched.extend(keys_of(&p.fields));
                    customers.push(p);
                }
            }
            touched.insert("purchase_totals");
            let mut event = AuditEvent::new("marketing.audience", Outcome::Ok)
                .by(user_id, role)
                .because(AccessPurpose::Campaign.as_str())
                .touching(touched);
            event = event.on(Subject::Customers(ids));
            tx.audit(event)?;
            Ok(AudiencePage {
                purpose: found.id.clone(),
                total,
                offset,
                customers,
            })
        })
    }
}
