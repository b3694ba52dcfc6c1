//! The hourly search limit (issue 11 §5): the searches of one manager or
//! staff account may show at most the shop's limit of different customers
//! (`search_limit_per_hour`, default 60) within the last hour, so nobody
//! lists the customer base ten names at a time. The owner is not limited
//! (`RoleScope::hourly_search_limit` says why).
//!
//! The count is read from the audit log, whose `customer.search` entries
//! already name every customer each search showed, in the same transaction
//! as the search; the log is append-only and chained, so the count cannot be
//! reset by editing a table, and no second record of who saw whom is kept.
//!
//! The rules, checked inside `search_customers` so no caller can skip them:
//! - a customer shown again within the hour counts once;
//! - a search that would take the count past the limit is refused as a
//!   whole, before anything of it is shown: cutting its hits down to the
//!   limit would still show customers, picked by rank rather than by need;
//! - the first refused search pauses searching for that account for an hour
//!   and writes the owner's alert, one `customer.search_limit` entry naming
//!   the account, how many customers it had shown and the limit (never a
//!   customer or a query); while paused, every search is refused and logged
//!   as a denied `customer.search`, whatever it would have found.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

use crate::audit::{self, AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::access;
use crate::permissions::Role;
use crate::shop;
use crate::store::Tx;
use crate::time::parse_ts;

/// The audit action of the owner's alert.
pub(crate) const ALERT_ACTION: &str = "customer.search_limit";

/// The audit action whose entries name the customers a search showed.
const SEARCH_ACTION: &str = "customer.search";

/// Why a search was refused, as the audit log says it.
const REASON: &str = "hourly search limit";

/// The rolling span the limit counts over, and how long a pause lasts.
pub(crate) fn window() -> Duration {
    Duration::hours(1)
}

/// How many more customers an account's next search may show.
pub(crate) struct Budget {
    limit: u32,
    /// The customers its searches showed in the last hour.
    shown: BTreeSet<i64>,
    /// The invitations they showed (people too: they count alike).
    shown_invited: BTreeSet<i64>,
}

impl Budget {
    fn count(&self) -> usize {
        self.shown.len() + self.shown_invited.len()
    }
}

/// What the limit says before a search runs.
pub(crate) enum Before {
    /// The role is not limited.
    Unlimited,
    /// Run the search, then check its hits against the budget.
    Within(Budget),
    /// Refused: report this once the refusal's audit entries are saved.
    Refused(Error),
}

/// Checks the account's budget before its search runs. A paused account is
/// refused; one that has already shown `limit` customers is paused now
/// (the alert is written).
pub(crate) fn before_search(tx: &mut Tx<'_>, user_id: i64, role: Role) -> Result<Before> {
    if !access::scope(role).hourly_search_limit {
        return Ok(Before::Unlimited);
    }
    let conn = tx.conn();
    let now = tx.now;
    let limit = shop::search_limit_per_hour(conn)?;
    let since = now - window();
    let alerts = audit::by_user_after(conn, user_id, ALERT_ACTION, Outcome::Denied, since)?;
    if let Some((at, _)) = alerts.last() {
        // An unreadable time (never written by Steward) pauses from now:
        // the safe side.
        let until = parse_ts(at).unwrap_or(now) + window();
        tx.audit(
            AuditEvent::new(SEARCH_ACTION, Outcome::Denied)
                .by(user_id, role)
                .because(REASON),
        )?;
        return Ok(Before::Refused(refusal(limit, until, now)));
    }
    let mut shown = BTreeSet::new();
    let mut shown_invited = BTreeSet::new();
    for (_, subject) in audit::by_user_after(conn, user_id, SEARCH_ACTION, Outcome::Ok, since)? {
        let Some(subject) = subject.as_deref() else {
            continue;
        };
        shown.extend(Subject::customers_in(subject));
        shown_invited.extend(Subject::invitations_in(subject));
    }
    let budget = Budget {
        limit,
        shown,
        shown_invited,
    };
    if budget.count() >= limit as usize {
        return pause(tx, user_id, role, &budget).map(Before::Refused);
    }
    Ok(Before::Within(budget))
}

/// Checks a search's hits against the budget: `Some(refusal)` (and the
/// pause begins) when they would take the count past the limit.
pub(crate) fn after_search(
    tx: &mut Tx<'_>,
    user_id: i64,
    role: Role,
    budget: &Budget,
    hits: &[i64],
    invited: &[i64],
) -> Result<Option<Error>> {
    let new = |hits: &[i64], shown: &BTreeSet<i64>| {
        hits.iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter(|id| !shown.contains(id))
            .count()
    };
    let new = new(hits, &budget.shown) + new(invited, &budget.shown_invited);
    if budget.count() + new > budget.limit as usize {
        return pause(tx, user_id, role, budget).map(Some);
    }
    Ok(None)
}

/// Pauses searching for the account from now on, with the owner's alert.
fn pause(tx: &mut Tx<'_>, user_id: i64, role: Role, budget: &Budget) -> Result<Error> {
    tx.audit(
        AuditEvent::new(ALERT_ACTION, Outcome::Denied)
            .by(user_id, role)
            .because(REASON)
            .on(Subject::SearchLimit {
                user: user_id,
                revealed: u32::try_from(budget.count()).unwrap_or(u32::MAX),
                limit: budget.limit,
            }),
    )?;
    Ok(refusal(budget.limit, tx.now + window(), tx.now))
}

/// The error for a search refused until `until`, in whole minutes
/// (rounded up, so "try again in N minutes" is never too early).
fn refusal(limit: u32, until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    let secs = (until - now).num_seconds().max(1);
    Error::SearchLimitReached {
        limit,
        retry_after_mins: (secs + 59) / 60,
    }
}
