//! Time in the core: always UTC, stored as RFC 3339 text with milliseconds
//! (`2026-11-23T08:42:00.000Z`), which sorts as text. The clock can be
//! replaced so that tests can move time forward without sleeping.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

/// Where the core gets "now" from.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The real clock.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Formats a timestamp the way the vault stores it.
pub fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; `None` if it is not one.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
