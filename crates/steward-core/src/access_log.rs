//! Reading the audit log back: the owner's and the auditor's filtered view
//! of who did what to which customer, why, and which fields it touched
//! ([`Vault::access_log`]); filtered by customer it is that customer's own
//! access history. Entries hold ids and field names only, so reading them
//! shows no customer's data.

use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditEvent, Outcome};
use crate::auth::Session;
use crate::error::{Error, Result};
use crate::permissions::Action;
use crate::vault::Vault;

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
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(user) = &filter.user {
        let id: i64 = conn
            .query_row(
                "SELECT id FROM user_account WHERE username = ?1",
                [user.trim()],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Error::UserNotFound,
                e => Error::db("read the audit log")(e),
            })?;
        clauses.push("a.user_id = ?");
        args.push(Value::Integer(id));
    }
    if let Some(customer) = filter.customer {
        // A search lists several customers in one subject.
        clauses.push("(' ' || a.subject || ' ') LIKE ?");
        args.push(Value::Text(format!("% customer:{customer} %")));
    }
    if let Some(action) = filter
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
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
        clauses.push("(a.action = ? OR a.action LIKE ?)");
        args.push(Value::Text(action.to_owned()));
        args.push(Value::Text(format!("{action}.%")));
    }
    if let Some(from) = &filter.from {
        clauses.push("a.at >= ?");
        args.push(Value::Text(
            day("from", from)?.format("%Y-%m-%d").to_string(),
        ));
    }
    if let Some(to) = &filter.to {
        let next = day("to", to)?.succ_opt().ok_or(Error::InvalidInput {
            field: "to",
            reason: "it is too far in the future",
        })?;
        clauses.push("a.at < ?");
        args.push(Value::Text(next.format("%Y-%m-%d").to_string()));
    }
    if let Some(before) = filter.before {
        clauses.push("a.seq < ?");
        args.push(Value::Integer(before));
    }
    let limit = filter.limit.unwrap_or(100).clamp(1, 500);
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT a.seq, a.at, coalesce(u.username, 'user:' || a.user_id), a.role, a.action,
                a.subject, a.purpose, a.fields, a.outcome
         FROM audit_event a LEFT JOIN user_account u ON u.id = a.user_id
         {where_sql} ORDER BY a.seq DESC LIMIT {limit}"
    );
    let mut stmt = conn
        .prepare(&sql)
        .map_err(Error::db("read the audit log"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            let fields: Option<String> = r.get(7)?;
            Ok(LogEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                purpose: r.get(6)?,
                fields: fields
                    .map(|f| f.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                outcome: r.get(8)?,
            })
        })
        .map_err(Error::db("read the audit log"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read the audit log"))
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
