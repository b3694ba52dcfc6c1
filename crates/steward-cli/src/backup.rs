//! Backups from the command line: `backup now [--to DIR]` (owner,
//! manager), `backup list [--folder DIR]` and `backup verify FILE` (owner,
//! manager, auditor), `backup restore FILE [--yes]` (owner; replaces the
//! vault's data after a typed confirmation) and `backup restore FILE
//! --recovery-key-stdin` (a computer with no vault yet). The core makes,
//! checks, restores and replays; this file asks and prints, numbers only.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use steward_core::{OsKeyring, RecoveryKey, Restored, Session, Vault};

use crate::secrets::Secrets;
use crate::{output, warn, Failure};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Make an encrypted backup of the whole vault now, then delete this
    /// vault's backups there older than the longest retention period.
    Now {
        /// The folder (default: the backup folder set with `settings
        /// backup-folder`).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Run as the OS timer does: no --user, no passphrase, into the
        /// backup folder, only when a backup is due (one a day), through
        /// the schedule the owner switched on (`retention schedule enable`).
        #[arg(long, conflicts_with = "to")]
        unattended: bool,
    },
    /// This vault's backups in a folder (default: the backup folder).
    List {
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
    },
    /// Check a backup all the way down: its seal, its database and its
    /// audit log.
    Verify { file: PathBuf },
    /// Replace the vault's data with a backup's (owner), replaying every
    /// erasure made since; or, with --recovery-key-stdin, set the vault up
    /// from a backup on a computer that has none.
    Restore {
        file: PathBuf,
        /// Do not ask for the typed confirmation.
        #[arg(long)]
        yes: bool,
        /// Restore where there is no vault yet, with the recovery key read
        /// from standard input.
        #[arg(long)]
        recovery_key_stdin: bool,
    },
}

/// The word the owner types to confirm that the vault's data is replaced.
const CONFIRM: &str = "RESTORE";

/// The commands that run on a signed-in vault.
pub fn backup(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    secrets: &mut Secrets,
    cmd: &BackupCommand,
) -> Result<(), Failure> {
    match cmd {
        BackupCommand::Now { to, .. } => {
            let made = vault.backup_now(session, to.as_deref())?;
            output(json, &made, || {
                let mut text = format!("Backup written: {} ({} bytes)", made.file_name, made.bytes);
                if made.pruned > 0 {
                    text.push_str(&format!(
                        "\nDeleted {} backup(s) older than the longest retention period (destruction record {}).",
                        made.pruned,
                        made.destruction_record.unwrap_or_default()
                    ));
                }
                text
            });
        }
        BackupCommand::List { folder } => {
            let list = vault.backups(session, folder.as_deref())?;
            output(json, &list, || {
                if list.is_empty() {
                    return "No backups of this vault there.".to_owned();
                }
                list.iter()
                    .map(|b| {
                        format!(
                            "{}  made {}  {} bytes  schema {}",
                            b.file_name,
                            b.created_at
                                .with_timezone(&chrono::Local)
                                .format("%Y-%m-%d %H:%M"),
                            b.bytes,
                            b.schema_version
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        BackupCommand::Verify { file } => {
            let v = vault.verify_backup(session, file)?;
            output(json, &v, || {
                format!(
                    "The backup is intact: made {}, {} customers, {} audit entries, {} erasures before it.",
                    v.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                    v.customers,
                    v.audit_entries,
                    v.tombstones
                )
            });
        }
        BackupCommand::Restore { file, yes, .. } => {
            if !yes {
                eprintln!(
                    "This replaces all of the vault's data with the backup's. Type {CONFIRM} to go on:"
                );
                let typed = secrets.read_stdin_line("confirmation")?;
                if typed.trim() != CONFIRM {
                    return Err(crate::fail("not confirmed; nothing was changed"));
                }
            }
            let restored = vault.restore_backup(session, file)?;
            report(json, &restored);
        }
    }
    Ok(())
}

/// `backup restore FILE --recovery-key-stdin`: the vault set up from a
/// backup where there is none.
pub fn restore_new(
    json: bool,
    vault_path: &Path,
    secrets: &mut Secrets,
    file: &Path,
) -> Result<(), Failure> {
    let typed = secrets.read_stdin_line("recovery key")?;
    let key = RecoveryKey::parse(&typed)?;
    let (vault, restored) = Vault::restore_backup_new(vault_path, &OsKeyring, file, &key)?;
    report(json, &restored);
    if !json {
        println!("The vault is at {}.", vault.path().display());
        println!(
            "Nobody can sign in on this computer yet: run `steward --user NAME recover` once."
        );
    }
    Ok(())
}

fn report(json: bool, r: &Restored) {
    r.warnings.iter().copied().for_each(warn);
    output(json, r, || {
        let mut text = format!("Restored the backup made {}.", r.backup_made_at);
        if r.replayed.is_empty() && r.tombstones_added == 0 {
            text.push_str("\nNo erasure made since had to be replayed.");
        } else {
            let ids: Vec<String> = r.replayed.iter().map(|i| i.to_string()).collect();
            text.push_str(&format!(
                "\nErasures replayed: {} customer(s) erased again ({}); {} tombstone(s) of customers who joined later put back.",
                r.replayed.len(),
                if ids.is_empty() { "none".to_owned() } else { format!("numbers {}", ids.join(", ")) },
                r.tombstones_added
            ));
        }
        text
    });
}
