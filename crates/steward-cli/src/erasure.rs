//! Erasure from the command line: `customers erase ID --verified-by CHECK
//! [--reason GROUND] [--confirmation-out FILE.pdf]` (owner, manager),
//! `residue-scan [--json]` (owner, auditor; the text to look for on
//! standard input) and `erasures` (the destruction records). The core
//! erases, checks and records; this file asks, writes the confirmation and
//! prints.

use std::path::PathBuf;

use clap::Args;
use steward_core::files::write_new_atomic;
use steward_core::{
    CollectionMethod, ErasureGround, ErasureRequest, IdentityCheck, Lang, Session, Vault,
};

use crate::consent::{check_writable, parse_lang};
use crate::secrets::Secrets;
use crate::{fail, output, warn, Failure};

/// `customers erase`: everything held about a customer, erased at their
/// request.
#[derive(Args)]
pub struct EraseArgs {
    /// The customer's number.
    pub id: i64,
    /// How the customer's identity was checked: id-document,
    /// known-customer, phone-code, email-code or self-declared.
    #[arg(long, value_parser = |s: &str| IdentityCheck::parse(s).map_err(|e| e.to_string()))]
    pub verified_by: IdentityCheck,
    /// The ground for erasing (a word, kept in the destruction record):
    /// customer-request, consent-withdrawn, objection, no-longer-needed,
    /// unlawful or legal-obligation.
    #[arg(long, default_value = "customer-request", value_parser = |s: &str| ErasureGround::parse(s).map_err(|e| e.to_string()))]
    pub reason: ErasureGround,
    /// Where to write the customer's signed erasure confirmation (PDF);
    /// refused if the file exists.
    #[arg(long, value_name = "FILE.pdf")]
    pub confirmation_out: Option<PathBuf>,
    /// The confirmation's language (default: the customer's own).
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

/// Checks what can be checked before anything is erased.
pub fn check(args: &EraseArgs) -> Result<(), Failure> {
    args.confirmation_out
        .as_deref()
        .map_or(Ok(()), check_writable)
}

/// Erases the customer and writes the confirmation.
pub fn erase(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    args: &EraseArgs,
) -> Result<(), Failure> {
    let erased = vault.erase_customer(
        session,
        args.id,
        ErasureRequest {
            lang: args.lang,
            ground: args.reason,
            // On paper: the request the customer signed at the counter.
            method: CollectionMethod::Paper,
            identity_check: args.verified_by,
            signature: None,
        },
    )?;
    erased.warnings.iter().copied().for_each(warn);
    if let Some(path) = &args.confirmation_out {
        // The erasure stands whatever happens here: say so.
        let written = vault
            .receipt_pdf(session, &erased.receipt.receipt_id)
            .and_then(|pdf| write_new_atomic(path, &pdf));
        if let Err(e) = written {
            return Err(fail(format!(
                "customer {} was erased, but the confirmation could not be written: {e}; print it again with `steward receipt reprint {}`",
                args.id, erased.receipt.receipt_id
            )));
        }
    }
    let record = &erased.destruction_record;
    output(json, &erased, || {
        let rows: u64 = record.rows.values().sum();
        let mut text = format!(
            "Customer {} was erased: {rows} rows in {} tables; residue check: {}.",
            args.id,
            record.rows.len(),
            record.residue.as_str()
        );
        if erased.recipients_to_tell > 0 {
            text.push_str(&format!(
                " {} recipient(s) received some of this customer's data and must be told: see `steward recipients to-tell`.",
                erased.recipients_to_tell
            ));
        }
        if let Some(path) = &args.confirmation_out {
            text.push_str(&format!(" Confirmation written to {}.", path.display()));
        }
        text
    });
    Ok(())
}

/// `residue-scan`: reads the text from standard input and says where it is.
pub fn residue_scan(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    secrets: &mut Secrets,
) -> Result<bool, Failure> {
    let text = secrets.read_stdin_line("text to look for")?;
    let scan = vault.residue_scan(session, &text)?;
    drop(text);
    output(json, &scan, || {
        let read = format!(
            "{} pages of the vault ({} free) and {} frames of its journal read",
            scan.read.vault_pages, scan.read.free_pages, scan.read.journal_frames
        );
        if scan.found {
            let places: Vec<String> = scan
                .places
                .iter()
                .map(|p| {
                    format!(
                        "{} page {}{} ({})",
                        serde_json::to_value(p.file)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        p.page,
                        if p.free_page { ", a free page" } else { "" },
                        scan.forms.get(p.form).copied().unwrap_or_default()
                    )
                })
                .collect();
            format!(
                "Found in {} place(s): {}. {read}.",
                places.len(),
                places.join("; ")
            )
        } else {
            format!("Not found. {read}.")
        }
    });
    Ok(scan.found)
}

/// `erasures`: the destruction records, newest first.
pub fn erasures(json: bool, vault: &mut Vault, session: &mut Session) -> Result<(), Failure> {
    let records = vault.destruction_records(session)?;
    output(json, &records, || {
        if records.is_empty() {
            return "No erasures yet.".to_owned();
        }
        records
            .iter()
            .map(|r| {
                let rows: u64 = r.rows.values().sum();
                format!(
                    "{}  {}  {} ({}), by {}: {rows} rows; residue check {}",
                    r.id,
                    r.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
                    r.ground,
                    r.trigger,
                    r.by_role.as_deref().unwrap_or("the schedule"),
                    r.residue.as_str()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
