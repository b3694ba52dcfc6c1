//! A shop's old list from the command line: `invitations import FILE.csv`
//! (owner; `--dry-run` only previews; column flags say which column holds
//! what, by header title or by position), `invitations status` (owner,
//! manager: how many wait and when they go) and `invitations expire-after
//! DAYS` (owner). The core reads and checks the file and stores it; this
//! file asks and prints. Nobody on the list becomes a customer.

use std::fs::File;
use std::path::PathBuf;

use chrono::Local;
use clap::Subcommand;
use steward_core::{Column, ColumnMapping, HeaderRow, ImportPreview, Session, Vault};

use crate::retention::Progress;
use crate::{fail, output, warn, Failure};

#[derive(Subcommand)]
pub enum InvitationsCommand {
    /// Import a list (CSV, UTF-8) as invitations, never as customers
    /// (owner): each person is invited to join at the till, and the
    /// invitation expires after the shop's period. The columns are found
    /// from the header row's titles unless given.
    Import {
        /// The CSV file (its name is never stored or logged).
        file: PathBuf,
        /// The column with the name: its header title, or its position (1
        /// is the first).
        #[arg(long, value_name = "COLUMN")]
        name_column: Option<String>,
        /// The column with the e-mail address.
        #[arg(long, value_name = "COLUMN")]
        email_column: Option<String>,
        /// The column with the phone number (international: +, country
        /// code, number).
        #[arg(long, value_name = "COLUMN")]
        phone_column: Option<String>,
        /// The column with notes (for the owner and managers).
        #[arg(long, value_name = "COLUMN")]
        notes_column: Option<String>,
        /// The first row is data, not titles: give the columns by position.
        #[arg(long)]
        no_header: bool,
        /// Only say what importing would do: nothing is stored.
        #[arg(long)]
        dry_run: bool,
    },
    /// How many invitations wait, and when the next ones expire (owner,
    /// manager).
    Status,
    /// How many days an invitation waits before the retention schedule
    /// erases it (owner; 1 to 365, 90 to begin with). Applies to those
    /// already waiting too.
    ExpireAfter { days: u32 },
}

pub fn invitations(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    command: &InvitationsCommand,
) -> Result<(), Failure> {
    match command {
        InvitationsCommand::Import {
            file,
            name_column,
            email_column,
            phone_column,
            notes_column,
            no_header,
            dry_run,
        } => {
            let column = |c: &Option<String>| c.as_deref().map(Column::parse);
            let mapping = ColumnMapping {
                header: if *no_header {
                    HeaderRow::Absent
                } else {
                    HeaderRow::Detect
                },
                name: column(name_column),
                email: column(email_column),
                phone: column(phone_column),
                notes: column(notes_column),
            };
            // The file's name may be a person's: it is not repeated.
            let mut input =
                File::open(file).map_err(|e| fail(format!("the file cannot be opened: {e}")))?;
            if *dry_run {
                let preview = vault.preview_invitations(session, &mut input, &mapping)?;
                output(json, &preview, || {
                    format!(
                        "{}\nNothing was stored (dry run).",
                        describe(&preview, "to import")
                    )
                });
            } else {
                let mut bar = Progress::labelled("Importing invitations");
                let report = vault.import_invitations(
                    session,
                    &mut input,
                    &mapping,
                    &mut |done, total| bar.show(done, total),
                )?;
                bar.end();
                report.warnings.iter().copied().for_each(warn);
                output(json, &report, || {
                    format!(
                        "{}\nImported {} invitation(s): each waits {} days for the person to join at the till.",
                        describe(&report.preview, "imported"),
                        report.stored,
                        report.preview.expire_after_days
                    )
                });
            }
        }
        InvitationsCommand::Status => {
            let status = vault.invitation_status(session)?;
            output(json, &status, || {
                match status.next_expiry {
                None => format!(
                    "No invitation is waiting. Invitations wait {} days.",
                    status.expire_after_days
                ),
                Some(next) => format!(
                    "{} invitation(s) waiting; the next expire on {} ({} within the next 7 days). Invitations wait {} days.",
                    status.waiting,
                    next.with_timezone(&Local).format("%Y-%m-%d"),
                    status.expiring_within_week,
                    status.expire_after_days
                ),
            }
            });
        }
        InvitationsCommand::ExpireAfter { days } => {
            vault.set_invitation_expiry_days(session, *days)?;
            output(
                json,
                &serde_json::json!({ "expireAfterDays": days }),
                || format!("Invitations now wait {days} days before they are erased."),
            );
        }
    }
    Ok(())
}

/// What a preview found, in words: counts, then the first problems by row.
fn describe(p: &ImportPreview, ready: &str) -> String {
    let mut lines = vec![format!(
        "Read {} row(s): {} {ready}, {} left out for a value that fails its check, {} already known, {} empty.",
        p.rows, p.ready, p.invalid, p.duplicates, p.empty
    )];
    for field in &p.skipped_fields {
        lines.push(format!(
            "The column for {field} was left out: the shop does not collect it."
        ));
    }
    for problem in &p.problems {
        lines.push(format!(
            "Row {}, {}: {}.",
            problem.row, problem.field, problem.reason
        ));
    }
    if p.problem_count > p.problems.len() as u64 {
        lines.push(format!(
            "... and {} more (--json lists the first {}).",
            p.problem_count - p.problems.len() as u64,
            p.problems.len()
        ));
    }
    lines.join("\n")
}
