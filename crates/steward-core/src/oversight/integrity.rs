//! `audit verify`: recomputes the audit log's chain and checks its anchor,
//! then the consent ledger's chain and anchored head, then that every
//! customer record has a granted membership in the ledger and that no
//! erased customer still has rows in a table their erasure empties. The
//! first problem found is the verdict.

use crate::audit::{self, anchor, AuditEvent, Outcome, Verdict};
use crate::consent::ledger;
use crate::error::Result;
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::MEMBERSHIP;
use crate::records::customer;
use crate::register;
use crate::store::Vault;

impl Vault {
    /// Checks the audit log's hash chain and its anchor, the consent
    /// ledger, and that no customer exists without membership.
    pub fn verify_audit_log(&mut self, session: &mut Session) -> Result<Verdict> {
        self.authorize(session, Action::VerifyAuditLog)?;
        let verdict = self.verify_records()?;
        let outcome = if verdict.intact {
            Outcome::Ok
        } else {
            Outcome::Failed
        };
        self.log_standalone(
            AuditEvent::new("audit.verify", outcome).by(session.user_id(), session.role()),
        )?;
        Ok(verdict)
    }

    /// The checks of [`Vault::verify_audit_log`], without a session.
    pub(crate) fn verify_records(&self) -> Result<Verdict> {
        let mut verdict = audit::verify_chain(&self.conn, self.audit_chain_key())?;
        if !verdict.intact {
            return Ok(verdict);
        }
        let anchored = anchor::check(&self.conn, self.audit_chain_key(), self.path())?;
        let alarm = match anchored.alarm {
            Some(alarm) => Some(alarm),
            None => ledger::check_anchored(&self.conn, anchored.ledger.as_ref())?,
        };
        if let Some(alarm) = alarm {
            verdict.intact = false;
            verdict.message = format!("not intact: {alarm}");
            return Ok(verdict);
        }
        let ledger_key = self.chain_key_for(ledger::CHAIN_LABEL);
        match ledger::verify(&self.conn, &ledger_key)? {
            Ok(records) => verdict.consent_records = records,
            Err((seq, why)) => {
                verdict.intact = false;
                verdict.message = format!("the consent ledger is broken at record {seq}: {why}");
                return Ok(verdict);
            }
        }
        let members = ledger::holders(&self.conn, MEMBERSHIP)?;
        let orphans = customer::all(&self.conn)?
            .iter()
            .filter(|(_, public_id)| !members.contains(public_id))
            .count();
        if orphans > 0 {
            verdict.intact = false;
            verdict.message = format!(
                "{orphans} customer record(s) have no granted membership in the consent ledger"
            );
            return Ok(verdict);
        }
        let half_erased = register::erased_still_held(&self.conn)?;
        if half_erased > 0 {
            verdict.intact = false;
            verdict.message = format!(
                "{half_erased} erased customer(s) still have data in the vault: their erasure did not finish"
            );
            return Ok(verdict);
        }
        verdict.message = format!(
            "intact ({} entries, {} consent records)",
            verdict.entries, verdict.consent_records
        );
        Ok(verdict)
    }
}
