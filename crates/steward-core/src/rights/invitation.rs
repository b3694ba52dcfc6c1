//! What a person on the shop's imported list decides. Joining from their
//! invitation consumes it in the join's transaction, so what they agreed
//! to keep (as they corrected it) lives only in their new record; the old
//! values are then looked for in the vault's pages like an erasure's.
//! Refusing erases it at once, with the erasure's guarantees
//! (`secure_delete`, the journal emptied, every page of the tables that
//! held it read back for its values) and a destruction record that names
//! no one (one row of `invitation`, when, by which account, on which
//! ground).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::{ConsentForm, Recorded};
use crate::error::{Error, Result, Warning};
use crate::invitations::table;
use crate::invitations::PURPOSE;
use crate::people::Session;
use crate::permissions::Action;
use crate::records::erasure::{self as tombstones, DestructionRecord, NewRecord};
use crate::store::Vault;

/// How an invitation is destroyed, as its destruction record states it.
const METHOD: &str = "row deleted with secure_delete (freed space zeroed), journal checkpointed and truncated, pages checked for residue";

/// What refusing did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationRefused {
    pub destruction_record: DestructionRecord,
    pub warnings: Vec<Warning>,
}

impl Vault {
    /// Records a new customer from a consent form started from invitation
    /// `invitation`: the join of [`Vault::join_customer`] (whoever records
    /// consent), and in the same transaction the invitation is erased.
    /// Then the journal is emptied and the pages are read back for the
    /// invitation's values that the new record does not hold (an address
    /// the person corrected).
    pub fn join_invited_customer(
        &mut self,
        session: &mut Session,
        invitation: i64,
        form: ConsentForm,
    ) -> Result<Recorded> {
        let Some(found) = table::get(&self.conn, invitation)? else {
            self.authorize(session, Action::RecordConsent)?;
            return Err(Error::InvitationNotFound);
        };
        let values = table::values_of(found.values);
        let (user_id, role) = (session.user_id(), session.role());
        let mut recorded = self.join_customer_then(session, form, |tx, _| {
            if !table::delete(tx.conn(), invitation)? {
                return Err(Error::InvitationNotFound);
            }
            tx.audit(
                AuditEvent::new("invitation.join", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Invitation(invitation))
                    .because(PURPOSE),
            )
        })?;
        if !recorded.repeated {
            let mut warnings = Vec::new();
            self.check_erased(&values, "consume an invitation", &mut warnings)?;
            for w in warnings {
                if !recorded.warnings.contains(&w) {
                    recorded.warnings.push(w);
                }
            }
        }
        Ok(recorded)
    }

    /// Erases invitation `id` because the person refused to join (said at
    /// the till, or by any other means). Whoever serves at the till.
    pub fn refuse_invitation(
        &mut self,
        session: &mut Session,
        id: i64,
    ) -> Result<InvitationRefused> {
        self.authorize(session, Action::ServeInvitations)?;
        let found = table::get(&self.conn, id)?.ok_or(Error::InvitationNotFound)?;
        let values = table::values_of(found.values);
        let (user_id, role) = (session.user_id(), session.role());
        let record_id = self.transact("erase a refused invitation", |tx| {
            if !table::delete(tx.conn(), id)? {
                return Err(Error::InvitationNotFound);
            }
            let rows = BTreeMap::from([("invitation".to_owned(), 1)]);
            let record_id = tombstones::record(
                tx.conn(),
                &NewRecord {
                    trigger: "customer-request",
                    ground: "invitation-refused",
                    by: Some((user_id, role)),
                    rows: &rows,
                    method: Some(METHOD),
                },
                tx.now,
            )?;
            tx.audit(
                AuditEvent::new("invitation.refuse", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Invitation(id))
                    .because("invitation-refused"),
            )?;
            Ok(record_id)
        })?;
        let mut warnings = self.warnings();
        let (residue, checked) =
            self.check_erased(&values, "erase a refused invitation", &mut warnings)?;
        drop(values);
        tombstones::set_residue(&self.conn, record_id, residue, checked)?;
        let destruction_record =
            tombstones::find(&self.conn, record_id)?.ok_or(Error::VaultDamaged {
                reason: "a destruction record just written cannot be read back",
            })?;
        Ok(InvitationRefused {
            destruction_record,
            warnings,
        })
    }
}
