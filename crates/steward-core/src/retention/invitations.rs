//! Invitations whose period ran out (the owner's setting, default 90 days
//! from their import) are erased by the retention run, like a customer's
//! data whose period ended: in one transaction, counted in the run's
//! destruction record (rows of `invitation`, no one named), and their
//! values are looked for in every page afterwards by the run's own residue
//! check.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use super::run::{add_to_record, REASON};
use crate::audit::{AuditEvent, Outcome};
use crate::error::Result;
use crate::invitations::table;
use crate::store::Vault;
use crate::Role;

/// Whether any invitation has expired at `now`.
pub(super) fn any_expired(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<bool> {
    Ok(table::count_before(conn, table::expiry_cutoff(conn, now)?)? > 0)
}

/// How many invitations will have expired at `until`.
pub(super) fn expired_by(conn: &rusqlite::Connection, until: DateTime<Utc>) -> Result<u64> {
    table::count_before(conn, table::expiry_cutoff(conn, until)?)
}

impl Vault {
    /// Erases the invitations expired at `as_of`, adding them to run
    /// `run_id`'s destruction record and their values to `erased_values`
    /// (the run checks them all at its end). Returns how many went.
    pub(super) fn expire_invitations(
        &mut self,
        run_id: i64,
        as_of: DateTime<Utc>,
        by: Option<(i64, Role)>,
        erased_values: &mut Vec<Zeroizing<String>>,
    ) -> Result<u64> {
        let cutoff = table::expiry_cutoff(&self.conn, as_of)?;
        if table::count_before(&self.conn, cutoff)? == 0 {
            return Ok(0);
        }
        let values = table::values_before(&self.conn, cutoff)?;
        let erased = self.transact("erase expired invitations", |tx| {
            let n = table::delete_before(tx.conn(), cutoff)?;
            let rows = BTreeMap::from([("invitation".to_owned(), n)]);
            add_to_record(tx.conn(), run_id, by, &rows, tx.now)?;
            // The entry says how many by the destruction record, never whom.
            let mut event = AuditEvent::new("invitation.expire", Outcome::Ok).because(REASON);
            if let Some((user, role)) = by {
                event = event.by(user, role);
            }
            tx.audit(event)?;
            Ok(n)
        })?;
        erased_values.extend(values);
        Ok(erased)
    }
}
