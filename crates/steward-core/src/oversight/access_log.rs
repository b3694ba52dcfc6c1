//! Reading the audit log back: the owner's and the auditor's filtered view
//! of who did what to which customer, why, and which fields it touched
//! ([`Vault::access_log`]); filtered by customer it is that customer's own
//! access history. Entries hold ids and field names only, so reading them
//! shows no customer's data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::{accounts, Session};
use crate::permissions::Action;
use crate::store::Vault;

/// What to show of the log. Every part is optional; they combine with AND.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LogFilter {
    /// Only entries by this username.
    pub user: Option<String>,
    /// Only entries about this customer number.
    pub customer: Option<i64>,
    /// Only this action (`customer.view`) or family (`customer`).
    pub action: Option<String>,
    /// From this day (`YYYY-MM-DD`, UTC) on.
    pub from: Option<String>,
    /// Up to and including this day.
    pub to: Option<String>,
    /// Only entries older than this sequence number (the next page).
    pub before: Option<i64>,
    /// How many entries at most (100 when absent, 500 at most).
    pub limit: Option<u32>,
}

/// One entry of the log as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub seq: i64,
    pub at: String,
    /// The username (or `user:<id>` if the account is gone).
    pub user: Option<String>,
    pub role: Option<String>,
    pub action: String,
    /// What it was done to, as ids (`customer:12`, `user:3`).
    pub subject: Option<String>,
    pub purpose: Option<String>,
    /// The names of the fields read or changed.
    pub fields: Vec<String>,
    pub outcome: String,
}

fn day(field: &'static str, raw: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| Error::InvalidInput {
        field,
        reason: "it is not a date (expected YYYY-MM-DD)",
    })
}

/// Reads entries matching `filter`, newest first.
fn query(conn: &rusqlite::Connection, filter: &LogFilter) -> Result<Vec<LogEntry>> {
    let user_id = filter
        .user
        .as_deref()
        .map(|u| accounts::id_of(conn, u))
        .transpose()?;
    let subject = filter.customer.map(Subject::Customer);
    let action = filter
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if let Some(action) = action {
        if action.len() > 40
            || !action
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        {
            return Err(Error::InvalidInput {
                field: "action",
                reason:
                    "an action is lower-case letters, dots and underscores (e.g. customer.view)",
            });
        }
    }
    let from = filter
        .from
        .as_deref()
        .map(|f| day("from", f).map(|d| d.format("%Y-%m-%d").to_string()))
        .transpose()?;
    let until = filter
        .to
        .as_deref()
        .map(|t| {
            let next = day("to", t)?.succ_opt().ok_or(Error::InvalidInput {
                field: "to",
                reason: "it is too far in the future",
            })?;
            Ok(next.format("%Y-%m-%d").to_string())
        })
        .transpose()?;
    let entries = audit::read(
        conn,
        &audit::Query {
            user_id,
            subject: subject.as_ref(),
            action,
            from,
            until,
            before_seq: filter.before,
            limit: filter.limit.unwrap_or(100).clamp(1, 500),
        },
    )?;
    entries
        .into_iter()
        .map(|e| {
            Ok(LogEntry {
                seq: e.seq,
                at: e.at,
                user: e
                    .user_id
                    .map(|id| accounts::display_name(conn, id))
                    .transpose()?,
                role: e.role,
                action: e.action,
                subject: e.subject,
                purpose: e.purpose,
                fields: e.fields,
                outcome: e.outcome,
            })
        })
        .collect()
}

impl Vault {
    /// The audit log, filtered, newest first (owner and auditor). Reading it
    /// is itself logged.
    pub fn access_log(
        &mut self,
        session: &mut Session,
        filter: &LogFilter,
    ) -> Result<Vec<LogEntry>> {
        self.authorize(session, Action::ViewAccessLog)?;
        let entries = query(&self.conn, filter)?;
        self.log_standalone(
            AuditEvent::new("audit.read", Outcome::Ok).by(session.user_id(), session.role()),
        )?;
        Ok(entries)
    }
}
