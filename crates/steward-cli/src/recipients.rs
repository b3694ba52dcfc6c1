//! `steward recipients …`: the firms the shop hands data to, the hand-overs
//! themselves (a CSV written where the owner says, never over a file), and
//! who received a customer's data.

use std::path::PathBuf;

use clap::Subcommand;
use steward_core::files::write_atomic;
use steward_core::{NewRecipient, Session, Vault};

use crate::consent::check_writable;
use crate::{output, Failure};

#[derive(Subcommand)]
pub enum RecipientsCommand {
    /// Add a recipient bound to one purpose by a signed agreement (owner).
    Add {
        #[arg(long)]
        name: String,
        /// What they receive, in your words.
        #[arg(long)]
        receives: String,
        /// The one purpose they receive it for (a purpose id).
        #[arg(long)]
        purpose: String,
        /// Where they process it: two-letter country code.
        #[arg(long)]
        country: String,
        /// When the agreement was signed (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        agreement_date: String,
        /// The agreement's reference.
        #[arg(long, value_name = "REF")]
        agreement_ref: String,
    },
    /// The recipients in force.
    List,
    /// End a recipient's agreement: nothing more is handed to them.
    Remove { id: i64 },
    /// Write what goes to a recipient now (customers who agree to its
    /// purpose, only the fields it covers) as CSV, and record it.
    HandOver {
        id: i64,
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
    },
    /// Who received a customer's data, which fields and when (to tell them
    /// of a correction or an erasure).
    Received { customer_id: i64 },
    /// What recipients must still be told: customers they received data of
    /// were corrected, restricted or erased since.
    ToTell,
    /// Record that a recipient was told (the notice's number from to-tell).
    Told { notice_id: i64 },
}

pub fn recipients(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &RecipientsCommand,
) -> Result<(), Failure> {
    match cmd {
        RecipientsCommand::Add {
            name,
            receives,
            purpose,
            country,
            agreement_date,
            agreement_ref,
        } => {
            let r = vault.add_recipient(
                session,
                &NewRecipient {
                    name: name.clone(),
                    receives: receives.clone(),
                    purpose: purpose.clone(),
                    country: country.clone(),
                    agreement_date: agreement_date.clone(),
                    agreement_ref: agreement_ref.clone(),
                },
            )?;
            output(json, &r, || {
                format!("Added recipient {} ({}, for {}).", r.id, r.name, r.purpose)
            });
        }
        RecipientsCommand::List => {
            let list = vault.recipients(session)?;
            output(json, &list, || {
                let mut out = format!(
                    "{:<4} {:<28} {:<16} {:<3} AGREEMENT",
                    "ID", "NAME", "PURPOSE", ""
                );
                for r in &list {
                    out += &format!(
                        "\n{:<4} {:<28} {:<16} {:<3} {} ({})",
                        r.id, r.name, r.purpose, r.country, r.agreement_ref, r.agreement_date
                    );
                }
                out
            });
        }
        RecipientsCommand::Remove { id } => {
            vault.remove_recipient(session, *id)?;
            output(json, &serde_json::json!({ "removed": id }), || {
                format!("Recipient {id} removed: nothing more is handed to them.")
            });
        }
        RecipientsCommand::HandOver { id, out } => {
            check_writable(out)?;
            let handed = vault.hand_over(session, *id)?;
            write_atomic(out, handed.to_csv().as_bytes())?;
            let summary = serde_json::json!({
                "recipient": handed.recipient.id,
                "customers": handed.rows.len(),
                "fields": handed.fields,
                "file": out,
            });
            output(json, &summary, || {
                format!(
                    "Wrote {} customers ({}) for {} to {}.",
                    handed.rows.len(),
                    handed.fields.join(", "),
                    handed.recipient.name,
                    out.display()
                )
            });
        }
        RecipientsCommand::ToTell => {
            let list = vault.recipients_to_tell(session)?;
            output(json, &list, || {
                if list.is_empty() {
                    return "No recipient needs to be told of anything.".to_owned();
                }
                list.iter()
                    .map(|n| {
                        format!(
                            "{:<4} tell {} that customer {} was {} ({}), since {}",
                            n.id,
                            n.recipient,
                            n.customer,
                            n.event,
                            n.fields.join(", "),
                            n.since.format("%Y-%m-%d")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RecipientsCommand::Told { notice_id } => {
            vault.mark_recipient_told(session, *notice_id)?;
            output(json, &serde_json::json!({ "told": notice_id }), || {
                format!("Noted: notice {notice_id} was given.")
            });
        }
        RecipientsCommand::Received { customer_id } => {
            let list = vault.disclosures(session, *customer_id)?;
            output(json, &list, || {
                if list.is_empty() {
                    return "No recipient has received this customer's data.".to_owned();
                }
                list.iter()
                    .map(|d| {
                        format!(
                            "{}  {}  {}",
                            d.at.format("%Y-%m-%d"),
                            d.recipient,
                            d.fields.join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
