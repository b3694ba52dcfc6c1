//! Importing a list: a preview first (what would be stored, what is left
//! out and why), then the rows stored in one transaction, in batches that
//! report progress. People who are already customers, already invited, or
//! on an earlier row of the same file are left out and reported.

use std::collections::HashSet;
use std::io::Read;

use serde::Serialize;

use super::parse::{self, ColumnMapping, Problem, ResolvedColumns, RowProblem, LISTED_PROBLEMS};
use super::table::{self, Values};
use crate::audit::{AuditEvent, Outcome};
use crate::consent::purposes::enabled_fields;
use crate::error::{Result, Warning};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::fields;
use crate::store::Vault;
use crate::time::format_ts;

/// Rows stored between two progress reports.
const BATCH: usize = 1000;

/// What importing a file would do, before anything is stored.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The columns read, and the header's titles if the file has one.
    pub columns: ResolvedColumns,
    /// Fields the header names but the shop does not collect: left out.
    pub skipped_fields: Vec<&'static str>,
    /// Data rows in the file (the header row not counted).
    pub rows: u64,
    /// Rows that would become invitations.
    pub ready: u64,
    /// Rows left out for a value that fails its check.
    pub invalid: u64,
    /// Rows left out because the person is already a customer, already
    /// invited, or on an earlier row.
    pub duplicates: u64,
    /// Empty rows, skipped.
    pub empty: u64,
    /// The first problems, by row (all are counted above).
    pub problems: Vec<RowProblem>,
    /// How many problems there are in all.
    pub problem_count: u64,
    /// How long the invitations will wait, in days.
    pub expire_after_days: u32,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    #[serde(flatten)]
    pub preview: ImportPreview,
    /// Invitations stored.
    pub stored: u64,
    pub warnings: Vec<Warning>,
}

/// A file examined against the vault: the rows to store, and the preview.
struct Checked {
    rows: Vec<Values>,
    preview: ImportPreview,
}

impl Vault {
    /// Reads a list and says what importing it would do: nothing is stored.
    /// Owner only.
    pub fn preview_invitations(
        &mut self,
        session: &mut Session,
        input: &mut dyn Read,
        mapping: &ColumnMapping,
    ) -> Result<ImportPreview> {
        self.authorize(session, Action::ImportInvitations)?;
        Ok(self.check_import(input, mapping)?.preview)
    }

    /// Imports a list as invitations: every good row that is nobody
    /// already known, in one transaction (a file is stored whole or not at
    /// all), calling `progress(stored, to_store)` after each batch. Owner
    /// only. A file that cannot be read as a list stores nothing.
    pub fn import_invitations(
        &mut self,
        session: &mut Session,
        input: &mut dyn Read,
        mapping: &ColumnMapping,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport> {
        self.authorize(session, Action::ImportInvitations)?;
        let Checked { rows, preview } = self.check_import(input, mapping)?;
        let (user_id, role) = (session.user_id(), session.role());
        let total = rows.len() as u64;
        let columns = preview.columns.clone();
        progress(0, total);
        let stored = self.transact("import invitations", |tx| {
            let mut done = 0u64;
            let now = format_ts(tx.now);
            for batch in rows.chunks(BATCH) {
                for values in batch {
                    table::insert(tx.conn(), values, &now, user_id)?;
                }
                done += batch.len() as u64;
                progress(done, total);
            }
            let touched = [
                Some("name"),
                columns.email.map(|_| "email"),
                columns.phone.map(|_| "phone"),
                columns.notes.map(|_| "notes"),
            ];
            // The entry says who imported how many, never whom.
            tx.audit(
                AuditEvent::new("invitation.import", Outcome::Ok)
                    .by(user_id, role)
                    .because("invite-to-join")
                    .touching(touched.into_iter().flatten()),
            )?;
            Ok(done)
        })?;
        Ok(ImportReport {
            preview,
            stored,
            warnings: self.warnings(),
        })
    }

    /// Reads the file, checks every row, and leaves out those already known.
    fn check_import(&self, input: &mut dyn Read, mapping: &ColumnMapping) -> Result<Checked> {
        let collected = enabled_fields(&self.conn)?;
        let mut skipped_fields = Vec::new();
        let examined = parse::examine(input, mapping, &collected, &mut skipped_fields)?;
        let lower = |v: &String| v.to_lowercase();
        let customer_emails: HashSet<String> = fields::all_values_of(&self.conn, "email")?
            .iter()
            .map(lower)
            .collect();
        let customer_phones: HashSet<String> = fields::all_values_of(&self.conn, "phone")?
            .into_iter()
            .collect();
        let (invited_emails, invited_phones) = table::contacts(&self.conn)?;
        let mut seen_emails: HashSet<String> = HashSet::new();
        let mut seen_phones: HashSet<String> = HashSet::new();
        let mut problems = examined.problems;
        let mut rows = Vec::with_capacity(examined.rows.len());
        let mut duplicates = 0u64;
        for (row, values) in examined.rows {
            let email = values.email.as_ref().map(lower);
            let known = |field: &'static str,
                         value: Option<&String>,
                         customers: &HashSet<String>,
                         invited: &HashSet<String>,
                         seen: &HashSet<String>| {
                let value = value?;
                let (problem, reason) = if customers.contains(value) {
                    (Problem::AlreadyCustomer, "a customer already has it")
                } else if invited.contains(value) {
                    (
                        Problem::AlreadyInvited,
                        "a waiting invitation already has it",
                    )
                } else if seen.contains(value) {
                    (Problem::RepeatedInFile, "an earlier row of the file has it")
                } else {
                    return None;
                };
                Some(RowProblem {
                    row,
                    field,
                    problem,
                    reason,
                })
            };
            let found = known(
                "email",
                email.as_ref(),
                &customer_emails,
                &invited_emails,
                &seen_emails,
            )
            .or_else(|| {
                known(
                    "phone",
                    values.phone.as_ref(),
                    &customer_phones,
                    &invited_phones,
                    &seen_phones,
                )
            });
            if let Some(problem) = found {
                duplicates += 1;
                problems.push(problem);
                continue;
            }
            seen_emails.extend(email);
            seen_phones.extend(values.phone.clone());
            rows.push(values);
        }
        problems.sort_by_key(|p| p.row);
        let problem_count = problems.len() as u64;
        problems.truncate(LISTED_PROBLEMS);
        let preview = ImportPreview {
            columns: examined.columns,
            skipped_fields,
            rows: examined.read,
            ready: rows.len() as u64,
            invalid: examined.invalid,
            duplicates,
            empty: examined.empty,
            problems,
            problem_count,
            expire_after_days: table::expire_after_days(&self.conn)?,
        };
        Ok(Checked { rows, preview })
    }
}
