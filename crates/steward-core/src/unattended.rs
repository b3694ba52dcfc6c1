//! The unattended schedule: the retention schedule (and the scheduled
//! backup) run by an OS timer while Steward is closed and nobody is signed
//! in. The owner switches it on or off (`Action::ManageUnattendedSchedule`);
//! the key slot that makes it possible is `keys::schedule`'s.
//!
//! What the unattended open can do is decided here, by type: it returns a
//! [`ScheduledVault`], which runs the schedule and says how much is due,
//! and has no `Session`, no sign-in and no way to hand out the open
//! [`Vault`]. Nothing it returns names a customer or holds their data:
//! counts, run and record numbers, the backup file made.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{AuditEvent, Outcome};
use crate::backup::BackupMade;
use crate::error::{Result, Warning};
use crate::keys::keystore::KeyStore;
use crate::people::Session;
use crate::permissions::Action;
use crate::retention::{RetentionRunSummary, RunBy};
use crate::setup::open_and_check;
use crate::store::{ClosedVault, Unlock, Vault};

/// A vault opened by the unattended schedule. It can run the retention
/// schedule, say how much is due and make the scheduled backup, and
/// nothing else: it never gives out a session or the vault inside it.
pub struct ScheduledVault {
    vault: Vault,
}

/// What an unattended dry run says is due now: how many, never who.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledDue {
    /// Customers whose membership's period is over: erased whole.
    pub customers_to_erase: usize,
    /// Per purpose, how many agreements end (for the customers not erased).
    pub purposes_ending: BTreeMap<String, u64>,
    /// Customers due but kept under a legal hold.
    pub kept_held: usize,
    /// Customers due but kept because their record is restricted.
    pub kept_restricted: usize,
}

impl ClosedVault {
    /// Opens the vault for the unattended schedule, with no one signed in:
    /// this computer's device secret and schedule secret (keyring) open
    /// the schedule slot. `ScheduleNotEnabled` when the owner has not
    /// switched it on here; `KeySlotsDamaged` when the slot or the file
    /// was changed outside Steward. A vault the app holds is refused
    /// earlier, when it is taken (`AlreadyOpen`): the app keeps the
    /// schedule itself while it runs.
    pub fn open_unattended(&self, keystore: &dyn KeyStore) -> Result<ScheduledVault> {
        let vault = open_and_check(self, Unlock::Schedule(keystore))?;
        vault.log_standalone(
            AuditEvent::new("vault.open", Outcome::Ok).because("unattended schedule"),
        )?;
        Ok(ScheduledVault { vault })
    }
}

impl ScheduledVault {
    /// What is due now, in counts (the unattended `--dry-run`). Reads only.
    pub fn due_now(&self) -> Result<ScheduledDue> {
        let preview = self.vault.retention_due_until(self.vault.now())?;
        Ok(ScheduledDue {
            customers_to_erase: preview.customers_to_erase.len(),
            purposes_ending: preview.purposes_ending,
            kept_held: preview.kept_held.len(),
            kept_restricted: preview.kept_restricted.len(),
        })
    }

    /// Runs the retention schedule to the end (or resumes an unfinished
    /// run), recorded as the schedule's, as the app's background task does.
    pub fn run_retention(
        &mut self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(RetentionRunSummary, Vec<Warning>)> {
        self.vault.run_retention(RunBy::Schedule, progress)
    }

    /// The scheduled backup into the owner's backup folder, when one is
    /// due (see `backup::schedule`); `Ok(None)` when none is, or no folder
    /// is set.
    pub fn backup_if_due(&mut self) -> Result<Option<BackupMade>> {
        self.vault.backup_if_due()
    }
}

impl Vault {
    /// Switches the unattended schedule on (owner): a new schedule secret
    /// in `keystore` and a new schedule slot in the sign-in file (switching
    /// it on again replaces both). Logged.
    pub fn enable_unattended_schedule(
        &mut self,
        session: &mut Session,
        keystore: &dyn KeyStore,
    ) -> Result<()> {
        self.authorize(session, Action::ManageUnattendedSchedule)?;
        self.put_schedule_slot(keystore)?;
        self.log_standalone(
            AuditEvent::new("retention.schedule_on", Outcome::Ok)
                .by(session.user_id(), session.role()),
        )
    }

    /// Switches the unattended schedule off (owner): the slot leaves the
    /// sign-in file, then the secret leaves the keyring. Returns whether it
    /// was on. Logged.
    pub fn disable_unattended_schedule(
        &mut self,
        session: &mut Session,
        keystore: &dyn KeyStore,
    ) -> Result<bool> {
        self.authorize(session, Action::ManageUnattendedSchedule)?;
        let was_on = self.remove_schedule_slot(keystore)?;
        self.log_standalone(
            AuditEvent::new("retention.schedule_off", Outcome::Ok)
                .by(session.user_id(), session.role()),
        )?;
        Ok(was_on)
    }

    /// Whether an unattended run would open the vault on this computer now
    /// (owner).
    pub fn unattended_schedule_on(
        &mut self,
        session: &mut Session,
        keystore: &dyn KeyStore,
    ) -> Result<bool> {
        self.authorize(session, Action::ManageUnattendedSchedule)?;
        self.schedule_slot_opens(keystore)
    }
}
