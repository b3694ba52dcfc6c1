//! The alerts the owner sees where she looks first (her home screen, and
//! the access log, where each is an entry too): accounts whose searches
//! reached the hourly search limit (`crm::search_limit`). An alert names
//! the account, how many different customers its searches had shown and
//! the limit; never a customer or a query.

use chrono::Duration;
use serde::Serialize;

use crate::audit::{self, Subject};
use crate::crm::search_limit::{self, ALERT_ACTION};
use crate::error::Result;
use crate::people::{accounts, Session};
use crate::permissions::Action;
use crate::store::Vault;
use crate::time::{format_ts, parse_ts};

/// How long an alert stays on the home screen; the access log keeps it.
pub fn alert_span() -> Duration {
    Duration::hours(24)
}

/// One account that reached the hourly search limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchLimitAlert {
    /// The alert's entry in the access log.
    pub seq: i64,
    /// When the limit was reached (the first refused search).
    pub at: String,
    /// The account's username (or `user:<id>` if it is gone).
    pub user: String,
    pub role: Option<String>,
    /// How many different customers its searches had shown in that hour.
    pub revealed: u32,
    /// The limit at the time.
    pub limit: u32,
    /// Until when its searches are refused.
    pub paused_until: String,
    /// True while they still are.
    pub paused: bool,
}

impl Vault {
    /// The search-limit alerts of the last 24 hours, newest first (owner and
    /// auditor, who read the access log). Shows no personal data, so
    /// reading it is not itself logged.
    pub fn search_limit_alerts(&mut self, session: &mut Session) -> Result<Vec<SearchLimitAlert>> {
        self.authorize(session, Action::ViewAccessLog)?;
        let now = self.now();
        let entries = audit::read(
            &self.conn,
            &audit::Query {
                action: Some(ALERT_ACTION),
                from: Some(format_ts(now - alert_span())),
                limit: 100,
                ..Default::default()
            },
        )?;
        let mut alerts = Vec::with_capacity(entries.len());
        for e in entries {
            let Some(Subject::SearchLimit {
                user,
                revealed,
                limit,
            }) = e.subject.as_deref().and_then(Subject::parse_search_limit)
            else {
                continue;
            };
            let until = parse_ts(&e.at).unwrap_or(now) + search_limit::window();
            alerts.push(SearchLimitAlert {
                seq: e.seq,
                at: e.at,
                user: accounts::display_name(&self.conn, user)?,
                role: e.role,
                revealed,
                limit,
                paused_until: format_ts(until),
                paused: now < until,
            });
        }
        Ok(alerts)
    }
}
