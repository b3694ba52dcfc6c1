//! The retention schedule from the command line: `retention run
//! [--dry-run]` (owner; a progress bar on standard error), `retention
//! preview [--days N]`, `retention rules` and `retention runs` (owner,
//! auditor; `retention rules set` owner), and `retention schedule
//! enable|disable|status` (owner: the unattended schedule an OS timer runs
//! with `--unattended`, see `unattended.rs`). The core decides what is due
//! and erases it; this file asks and prints.

use std::io::{IsTerminal, Write};

use chrono::Local;
use clap::Subcommand;
use steward_core::{OsKeyring, RetentionPreview, RetentionRunSummary, RunBy, Session, Vault};

use crate::{output, warn, Failure};

#[derive(Subcommand)]
pub enum RetentionCommand {
    /// Erase what the notice's retention periods no longer allow to keep
    /// (owner). With --dry-run, only say what is due now.
    Run {
        #[arg(long)]
        dry_run: bool,
        /// Run as the OS timer does: no --user, no passphrase, through the
        /// schedule the owner switched on (`retention schedule enable`).
        #[arg(long)]
        unattended: bool,
    },
    /// What the schedule will erase in the next days: customers by number,
    /// and per purpose how many agreements end (owner, auditor).
    Preview {
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// How long the shop keeps sales records of customers who left, the
    /// access log and destruction records (owner, auditor); `set` changes
    /// one (owner).
    Rules {
        #[command(subcommand)]
        set: Option<crate::record_keeping::RulesCommand>,
    },
    /// The latest runs of the schedule and what each did (owner, auditor).
    Runs {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// The unattended schedule, for an OS timer while Steward is closed
    /// (owner). Switching it on lets anyone who can use this computer
    /// account run the schedule, and only that: see the README.
    #[command(subcommand)]
    Schedule(ScheduleCommand),
}

#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Switch it on: `retention run --unattended` and `backup now
    /// --unattended` then work without a sign-in on this computer.
    Enable,
    /// Switch it off: its key leaves the keyring and the sign-in file.
    Disable,
    /// Whether it is on.
    Status,
}

pub fn retention(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    command: &RetentionCommand,
) -> Result<(), Failure> {
    match command {
        RetentionCommand::Run {
            unattended: true, ..
        } => {
            return Err(crate::fail(
                "--unattended signs nobody in: leave out --user",
            ))
        }
        RetentionCommand::Run { dry_run: true, .. } => {
            let preview = vault.retention_preview(session, 0)?;
            output(json, &preview, || describe_preview(&preview, "now"));
        }
        RetentionCommand::Run { dry_run: false, .. } => {
            let mut bar = Progress::new();
            let (summary, warnings) = vault
                .run_retention(RunBy::Owner(session), &mut |done, planned| {
                    bar.show(done, planned)
                })?;
            bar.end();
            warnings.into_iter().for_each(warn);
            output(json, &summary, || describe_run(&summary));
        }
        RetentionCommand::Preview { days } => {
            let preview = vault.retention_preview(session, *days)?;
            let when = match days {
                0 => "now".to_owned(),
                1 => "by tomorrow".to_owned(),
                n => format!("in the next {n} days"),
            };
            output(json, &preview, || describe_preview(&preview, &when));
        }
        RetentionCommand::Rules { set } => {
            crate::record_keeping::rules(json, vault, session, set.as_ref())?;
        }
        RetentionCommand::Runs { limit } => {
            let runs = vault.retention_runs(session, *limit)?;
            output(json, &runs, || {
                if runs.is_empty() {
                    return "The retention schedule has not run yet.".to_owned();
                }
                runs.iter()
                    .map(|r| {
                        format!(
                            "{}  {}",
                            r.started_at.with_timezone(&Local).format("%Y-%m-%d %H:%M"),
                            describe_run(r)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RetentionCommand::Schedule(ScheduleCommand::Enable) => {
            vault.enable_unattended_schedule(session, &OsKeyring)?;
            output(json, &serde_json::json!({ "enabled": true }), || {
                "The unattended schedule is on: an OS timer can now run `steward retention run --unattended` on this computer account (see the README for the timer and what this trades).".to_owned()
            });
        }
        RetentionCommand::Schedule(ScheduleCommand::Disable) => {
            let was_on = vault.disable_unattended_schedule(session, &OsKeyring)?;
            output(json, &serde_json::json!({ "enabled": false }), || {
                if was_on {
                    "The unattended schedule is off: its key is gone from the keyring and the sign-in file.".to_owned()
                } else {
                    "The unattended schedule was not on.".to_owned()
                }
            });
        }
        RetentionCommand::Schedule(ScheduleCommand::Status) => {
            let on = vault.unattended_schedule_on(session, &OsKeyring)?;
            output(json, &serde_json::json!({ "enabled": on }), || {
                if on {
                    "The unattended schedule is on for this computer account.".to_owned()
                } else {
                    "The unattended schedule is off: retention runs while Steward is open, or with `retention run` as the owner.".to_owned()
                }
            });
        }
    }
    Ok(())
}

fn describe_preview(p: &RetentionPreview, when: &str) -> String {
    let mut lines = Vec::new();
    if p.customers_to_erase.is_empty() {
        lines.push(format!("No customer is due to be erased {when}."));
    } else {
        let list: Vec<String> = p
            .customers_to_erase
            .iter()
            .map(|e| {
                format!(
                    "{} (due {})",
                    e.customer_id,
                    e.on.with_timezone(&Local).format("%Y-%m-%d")
                )
            })
            .collect();
        lines.push(format!(
            "{} customer(s) to be erased {when}, their membership's period over: {}.",
            list.len(),
            list.join(", ")
        ));
    }
    for (purpose, n) in &p.purposes_ending {
        lines.push(format!(
            "{n} agreement(s) to {purpose} end {when}: the data only they cover goes."
        ));
    }
    if !p.kept_held.is_empty() {
        lines.push(format!(
            "Kept under a legal hold: customer(s) {}.",
            join(&p.kept_held)
        ));
    }
    if !p.kept_restricted.is_empty() {
        lines.push(format!(
            "Kept because their record is restricted: customer(s) {}.",
            join(&p.kept_restricted)
        ));
    }
    let r = &p.records_removed;
    if r.sales_records + r.audit_entries + r.destruction_records > 0 {
        lines.push(format!(
            "Past their keeping period {when}: {} sales record(s), {} access-log entries, {} destruction record(s).",
            r.sales_records, r.audit_entries, r.destruction_records
        ));
    }
    lines.join("\n")
}

pub(crate) fn describe_run(r: &RetentionRunSummary) -> String {
    let mut text = format!(
        "{} customer(s)' data erased on schedule, {} other agreement(s) ended",
        r.customers_erased, r.purposes_expired
    );
    if r.kept_held > 0 {
        text.push_str(&format!(", {} kept under legal hold", r.kept_held));
    }
    if r.kept_restricted > 0 {
        text.push_str(&format!(", {} kept because restricted", r.kept_restricted));
    }
    let removed = &r.removed;
    if removed.sales_records > 0 {
        text.push_str(&format!(
            ", {} sales record(s) past their keeping period deleted",
            removed.sales_records
        ));
    }
    if removed.audit_entries > 0 {
        text.push_str(&format!(
            ", {} access-log entries past their keeping period removed",
            removed.audit_entries
        ));
    }
    if removed.destruction_records > 0 {
        text.push_str(&format!(
            ", {} old destruction record(s) removed",
            removed.destruction_records
        ));
    }
    if r.finished_at.is_none() {
        text.push_str(" (interrupted: the next run resumes it)");
    }
    text.push('.');
    if let Some(record) = r.destruction_record {
        text.push_str(&format!(
            " Destruction record {record} (`steward erasures`)."
        ));
    }
    text
}

fn join(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A progress bar on standard error, drawn only on a terminal (a timer's
/// log gets the summary alone).
pub(crate) struct Progress {
    label: &'static str,
    terminal: bool,
    drawn: bool,
}

impl Progress {
    pub(crate) fn new() -> Progress {
        Progress::labelled("Erasing on schedule")
    }

    /// A bar that says what is going on (`label`) before it.
    pub(crate) fn labelled(label: &'static str) -> Progress {
        Progress {
            label,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    pub(crate) fn show(&mut self, done: u64, planned: u64) {
        if !self.terminal || planned == 0 {
            return;
        }
        let width = 30;
        let filled = (done * width / planned.max(1)) as usize;
        eprint!(
            "\r{} [{}{}] {done}/{planned}",
            self.label,
            "#".repeat(filled),
            " ".repeat(width as usize - filled)
        );
        let _ = std::io::stderr().flush();
        self.drawn = true;
    }

    pub(crate) fn end(&self) {
        if self.drawn {
            eprintln!();
        }
    }
}
