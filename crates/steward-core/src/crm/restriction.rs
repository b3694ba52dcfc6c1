//! Restricting a customer's record (GDPR Art. 18): the owner or a manager
//! marks it kept-but-not-used, with a category and optional free text, and
//! lifts it again. What a restriction stops is written once, in
//! `records::restriction`; this module sets and lifts it and answers the
//! question every use of data for a purpose must ask:
//! [`customers_usable_for`].
//!
//! The audit entries carry fixed labels and the category, never the free
//! text (personal data about the customer, kept in the vault only).

use rusqlite::Connection;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::validate_free_text;
use crate::consent::ledger;
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::restriction::{self, Restriction, RestrictionCategory};
use crate::records::{customer, recipients};
use crate::store::Vault;

/// The customers whose data may be used for `purpose` now, by number:
/// those who currently agree to it and whose record is not restricted.
/// Every list of customers to use data for a purpose goes through it:
/// marketing audiences, and the hand-over of data to a recipient
/// (issue 12 §4), which must call it rather than read the ledger itself.
pub(crate) fn customers_usable_for(conn: &Connection, purpose: &str) -> Result<Vec<i64>> {
    let holders = ledger::holders(conn, purpose)?;
    let restricted = restriction::restricted_ids(conn)?;
    Ok(customer::all(conn)?
        .into_iter()
        .filter(|(id, public_id)| holders.contains(public_id) && !restricted.contains(id))
        .map(|(id, _)| id)
        .collect())
}

impl Vault {
    /// Restricts a customer's record (owner, manager): kept, but not found
    /// by staff, in no audience or hand-over, and not changed until lifted
    /// (`records::restriction` has the whole rule). `reason` is optional
    /// free text kept in the vault only. Restricting an already restricted
    /// record replaces its category and reason. Logged with the category.
    pub fn restrict_customer(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        category: RestrictionCategory,
        reason: Option<&str>,
    ) -> Result<Restriction> {
        self.authorize(session, Action::RestrictCustomer)?;
        customer::public_id(&self.conn, customer_id)?;
        let reason = reason
            .filter(|r| !r.trim().is_empty())
            .map(|r| validate_free_text("reason", r, 500, true))
            .transpose()?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("restrict a customer", |tx| {
            let conn = tx.conn();
            restriction::set(
                conn,
                customer_id,
                category,
                reason.as_deref(),
                tx.now,
                user_id,
            )?;
            // Recipients that received their data must be told (Art. 19).
            recipients::queue_notices(conn, customer_id, "restricted", None, tx.now)?;
            tx.audit(
                AuditEvent::new("customer.restrict", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(category.as_str())
                    .touching(["restriction"]),
            )?;
            restriction::get(tx.conn(), customer_id)?.ok_or(Error::NotRestricted)
        })
    }

    /// Lifts a customer's restriction (owner, manager): their record is
    /// used again. `NotRestricted` if it was not. Logged. The free text
    /// leaves the vault with the row.
    pub fn lift_restriction(&mut self, session: &mut Session, customer_id: i64) -> Result<()> {
        self.authorize(session, Action::RestrictCustomer)?;
        customer::public_id(&self.conn, customer_id)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("lift a restriction", |tx| {
            if !restriction::lift(tx.conn(), customer_id)? {
                return Err(Error::NotRestricted);
            }
            tx.audit(
                AuditEvent::new("customer.unrestrict", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because("lifted")
                    .touching(["restriction"]),
            )
        })?;
        // The reason typed about the customer leaves the WAL too.
        self.checkpoint_wal("lift a restriction")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{CollectionMethod, ConsentForm, IdentityCheck};
    use crate::keys::keystore::MemoryKeyStore;
    use crate::language::Lang;
    use crate::people::Passphrase;

    #[test]
    fn a_restricted_customer_is_left_out_of_any_export_to_a_recipient() {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let pass = Passphrase::new("owner passphrase 1".into());
        let (mut v, _) = Vault::create(
            &dir.path().join("shop.steward"),
            &keys,
            "Forn",
            "olga",
            &pass,
        )
        .unwrap();
        let mut owner = v.login("olga", &pass).unwrap();
        let notice = v.notice(&mut owner, Lang::En, None).unwrap();
        let form = |name: &str| ConsentForm {
            lang: Lang::En,
            notice_version: notice.version,
            granted: vec!["membership".into(), "home-delivery".into()],
            fields: vec![("name".into(), name.into())],
            method: CollectionMethod::Paper,
            identity_check: IdentityCheck::KnownCustomer,
            signature: None,
            form_id: None,
        };
        let kept = v
            .join_customer(&mut owner, form("Anna"))
            .unwrap()
            .customer_id;
        let paused = v
            .join_customer(&mut owner, form("Biel"))
            .unwrap()
            .customer_id;
        assert_eq!(
            customers_usable_for(&v.conn, "home-delivery").unwrap(),
            vec![kept, paused]
        );
        v.restrict_customer(&mut owner, paused, RestrictionCategory::LegalClaim, None)
            .unwrap();
        assert_eq!(
            customers_usable_for(&v.conn, "home-delivery").unwrap(),
            vec![kept]
        );
        v.lift_restriction(&mut owner, paused).unwrap();
        assert_eq!(
            customers_usable_for(&v.conn, "home-delivery").unwrap(),
            vec![kept, paused]
        );
    }
}
