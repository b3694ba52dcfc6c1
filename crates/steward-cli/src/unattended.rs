//! What an OS timer runs while Steward is closed and nobody is signed in:
//! `retention run --unattended [--dry-run]` and `backup now --unattended`.
//! The core opens the vault through the schedule slot the owner switched on
//! (`retention schedule enable`) into a type that can only run the schedule;
//! this file asks it and prints counts. When the app (or another command)
//! holds the vault, the app keeps the schedule itself: that is not an error.

use std::path::Path;

use steward_core::{ClosedVault, Error, OsKeyring, ScheduledDue, ScheduledVault};

use crate::retention::{describe_run, Progress};
use crate::{output, warn, Failure};

/// Opens the vault for the schedule; `None` (after saying so) when the app
/// or another command has it open.
fn open(json: bool, vault_path: &Path) -> Result<Option<ScheduledVault>, Failure> {
    let closed = match ClosedVault::take(vault_path) {
        Ok(closed) => closed,
        Err(Error::AlreadyOpen) => {
            output(
                json,
                &serde_json::json!({ "ran": false, "reason": "already_open" }),
                || {
                    "Steward has this vault open and keeps the schedule itself while it runs: nothing to do.".to_owned()
                },
            );
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Some(closed.open_unattended(&OsKeyring)?))
}

/// `retention run --unattended [--dry-run]`.
pub fn retention(json: bool, vault_path: &Path, dry_run: bool) -> Result<(), Failure> {
    let Some(mut vault) = open(json, vault_path)? else {
        return Ok(());
    };
    if dry_run {
        let due = vault.due_now()?;
        output(json, &due, || describe_due(&due));
        return Ok(());
    }
    let mut bar = Progress::new();
    let (summary, warnings) = vault.run_retention(&mut |done, planned| bar.show(done, planned))?;
    bar.end();
    warnings.into_iter().for_each(warn);
    output(json, &summary, || describe_run(&summary));
    Ok(())
}

/// `backup now --unattended`: the scheduled backup into the owner's folder,
/// when one is due.
pub fn backup(json: bool, vault_path: &Path) -> Result<(), Failure> {
    let Some(mut vault) = open(json, vault_path)? else {
        return Ok(());
    };
    let made = vault.backup_if_due()?;
    output(json, &made, || match &made {
        Some(m) => format!("Backup written: {} ({} bytes)", m.file_name, m.bytes),
        None => {
            "No backup is due (one a day), or no backup folder is set (`settings backup-folder`)."
                .to_owned()
        }
    });
    Ok(())
}

fn describe_due(d: &ScheduledDue) -> String {
    let mut text = format!(
        "Due now: {} customer(s) to be erased, their membership's period over",
        d.customers_to_erase
    );
    for (purpose, n) in &d.purposes_ending {
        text.push_str(&format!("; {n} agreement(s) to {purpose} end"));
    }
    if d.kept_held > 0 {
        text.push_str(&format!("; {} kept under a legal hold", d.kept_held));
    }
    if d.kept_restricted > 0 {
        text.push_str(&format!(
            "; {} kept because their record is restricted",
            d.kept_restricted
        ));
    }
    text.push('.');
    text
}
