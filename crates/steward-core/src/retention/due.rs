//! When each agreement's retention period ends: the purpose's period
//! counted from what starts its clock (`RetentionClock`): the customer's
//! latest agreement to it, or the later of that and their last purchase.
//! Reads only; what to do about it is `run`'s.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;

use crate::consent::ledger;
use crate::consent::purposes::{load_purposes, RetentionClock};
use crate::error::Result;
use crate::purpose_id::MEMBERSHIP;
use crate::records::{customer, purchases};
use crate::time::parse_ts;

/// A customer some of whose agreements have run out.
#[derive(Debug, Clone)]
pub(crate) struct Due {
    pub customer_id: i64,
    pub public_id: String,
    /// The purposes whose period has ended, with when it ended.
    pub ended: BTreeMap<String, DateTime<Utc>>,
}

impl Due {
    /// Membership ran out: the whole customer is erased.
    pub fn erases_customer(&self) -> bool {
        self.ended.contains_key(MEMBERSHIP)
    }

    /// When the first of its periods ended.
    pub fn first_end(&self) -> DateTime<Utc> {
        // Invariant: a `Due` is only made with at least one ended purpose.
        *self
            .ended
            .values()
            .min()
            .expect("a due customer has an ended purpose")
    }
}

/// Each purpose's period and what starts it, read once per run.
pub(crate) struct Rules(HashMap<String, (u32, RetentionClock)>);

impl Rules {
    pub(crate) fn load(conn: &Connection) -> Result<Rules> {
        Ok(Rules(
            load_purposes(conn)?
                .into_iter()
                .map(|p| (p.id, (p.retention_days, p.retention_clock)))
                .collect(),
        ))
    }

    /// When the agreement to `purpose` made at `agreed` ends, given the
    /// customer's last purchase day; `None` for a purpose the shop no longer
    /// has (its agreement is kept until the customer withdraws it).
    fn end(
        &self,
        purpose: &str,
        agreed: &str,
        last_purchase: Option<&str>,
    ) -> Option<DateTime<Utc>> {
        let (days, clock) = self.0.get(purpose)?;
        let agreed = parse_ts(agreed)?;
        let start = match (clock, last_purchase.and_then(purchase_day_start)) {
            (RetentionClock::LastVisit, Some(visit)) if visit > agreed => visit,
            _ => agreed,
        };
        Some(start + Duration::days(i64::from(*days)))
    }
}

/// A purchase is recorded by its day: its clock starts at that day's end,
/// so the customer is never counted short.
fn purchase_day_start(day: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(23, 59, 59)?.and_utc())
}

/// Every customer with an agreement whose period ends by `as_of`, by
/// number. One read of the ledger and the purchases for the whole vault.
pub(crate) fn all_due(conn: &Connection, as_of: DateTime<Utc>) -> Result<Vec<Due>> {
    let rules = Rules::load(conn)?;
    let numbers: HashMap<String, i64> = customer::all(conn)?
        .into_iter()
        .map(|(id, public_id)| (public_id, id))
        .collect();
    let last_purchase = purchases::last_purchase_days(conn)?;
    let mut due: BTreeMap<i64, Due> = BTreeMap::new();
    for (public_id, purpose, agreed) in ledger::agreements(conn)? {
        // The ledger outlives erased customers; they have no number here.
        let Some(&id) = numbers.get(&public_id) else {
            continue;
        };
        let Some(end) = rules.end(
            &purpose,
            &agreed,
            last_purchase.get(&id).map(String::as_str),
        ) else {
            continue;
        };
        if end <= as_of {
            due.entry(id)
                .or_insert_with(|| Due {
                    customer_id: id,
                    public_id: public_id.clone(),
                    ended: BTreeMap::new(),
                })
                .ended
                .insert(purpose, end);
        }
    }
    Ok(due.into_values().collect())
}

/// One customer's agreements that end by `as_of`, read afresh (a run checks
/// again just before it acts: the customer may have come back since).
pub(crate) fn due_for(
    conn: &Connection,
    rules: &Rules,
    customer_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Option<Due>> {
    if !customer::exists(conn, customer_id)? {
        return Ok(None);
    }
    let public_id = customer::public_id(conn, customer_id)?;
    let last_purchase = purchases::last_purchase_day(conn, customer_id)?;
    let mut ended = BTreeMap::new();
    for state in ledger::current_state(conn, &public_id)? {
        if !state.granted {
            continue;
        }
        if let Some(end) = rules.end(&state.purpose, &state.since, last_purchase.as_deref()) {
            if end <= as_of {
                ended.insert(state.purpose, end);
            }
        }
    }
    Ok((!ended.is_empty()).then_some(Due {
        customer_id,
        public_id,
        ended,
    }))
}
