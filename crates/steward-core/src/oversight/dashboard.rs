//! The owner's dashboard: how the shop is doing, in counts only — members,
//! sign-ups, consents (decisions per week, and how many customers agreed
//! to each purpose at the end of each week), purchases and spend per week (weeks begin on Monday
//! in the computer's time zone), birthdays in the next seven days of the
//! customers who agreed to the birthday offer, the last backup and what
//! the retention schedule will erase soon.
//!
//! It reads through the modules that own the tables; each view writes one
//! audit entry naming what it touched (and, when birthdays were shown,
//! which customers, for the birthday-offer purpose, never their values).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::NAME_FIELD;
use crate::consent::ledger;
use crate::error::{Error, Result};
use crate::people::access::{self, ViewKind};
use crate::people::Session;
use crate::permissions::{is_allowed, Action};
use crate::purpose_id::{BIRTHDAY_OFFER, MEMBERSHIP};
use crate::records::{customer, fields, purchases, restriction};
use crate::shop;
use crate::store::Vault;
use crate::time::{format_ts, parse_ts};

/// How many weeks a dashboard shows at most.
pub const MAX_WEEKS: u32 = 53;
/// How far ahead the retention numbers look, in days.
pub const RETENTION_DAYS: u32 = 30;
/// How far ahead birthdays are shown, in days (today included).
pub const BIRTHDAY_DAYS: i64 = 7;

/// What the dashboard shows. Counts, except the birthdays list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Customer records held now.
    pub members: i64,
    /// The shop currency the spend is in (ISO 4217).
    pub currency: String,
    /// One entry per week, oldest first; the last is the current week.
    pub weeks: Vec<Week>,
    /// Per purpose: who agrees now, grants and withdrawals per week, and
    /// how many agreed at the end of each week (aligned with `weeks`).
    pub consents: Vec<PurposeCounts>,
    /// Birthdays in the next seven days, of customers who agree to the
    /// birthday offer (and whose record is not restricted), soonest first.
    pub birthdays: Vec<Birthday>,
    /// Backups, for the roles that make them.
    pub backup: Option<BackupSummary>,
    /// What retention will erase in the next 30 days, for the roles that
    /// may see it.
    pub retention: Option<RetentionSoon>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Week {
    /// The Monday the week begins on (`YYYY-MM-DD`, local).
    pub starts_on: String,
    /// The ISO week number.
    pub iso_week: u32,
    pub signups: u64,
    pub purchases: u64,
    pub spend_cents: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeCounts {
    pub purpose: String,
    pub agreeing: u64,
    pub grants: Vec<u64>,
    pub withdrawals: Vec<u64>,
    /// How many customers held the purpose at the end of each week (for
    /// the current week: now), replayed from the ledger's grants,
    /// renewals, withdrawals and expiries.
    pub holding: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Birthday {
    pub customer_id: i64,
    /// The first word of the name, for the roles whose view holds names.
    pub first_name: Option<String>,
    /// The day of the birthday in the coming week (`YYYY-MM-DD`).
    pub on: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupSummary {
    pub last_at: Option<DateTime<Utc>>,
    pub folder_set: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionSoon {
    pub days: u32,
    /// Customers whose records will be erased.
    pub customers_to_erase: usize,
    /// Agreements (other than membership) that will end.
    pub agreements_ending: u64,
    /// Customers due but kept (legal hold or restriction).
    pub kept: usize,
}

impl Vault {
    /// The dashboard over the last `weeks` weeks (1 to 53). Owner and
    /// manager.
    pub fn dashboard(&mut self, session: &mut Session, weeks: u32) -> Result<Dashboard> {
        self.authorize(session, Action::ViewDashboard)?;
        if weeks == 0 || weeks > MAX_WEEKS {
            return Err(Error::InvalidInput {
                field: "weeks",
                reason: "choose between 1 and 53 weeks",
            });
        }
        let role = session.role();
        let backup = if is_allowed(role, Action::MakeBackup) {
            let o = self.backups_overview(session)?;
            Some(BackupSummary {
                last_at: o.backups.first().map(|b| b.created_at),
                folder_set: o.folder.is_some(),
                overdue: o.overdue,
            })
        } else {
            None
        };
        let retention = if is_allowed(role, Action::ViewRetention) {
            let p = self.retention_preview(session, RETENTION_DAYS)?;
            Some(RetentionSoon {
                days: RETENTION_DAYS,
                customers_to_erase: p.customers_to_erase.len(),
                agreements_ending: p.purposes_ending.values().sum(),
                kept: p.kept_held.len() + p.kept_restricted.len(),
            })
        } else {
            None
        };
        let today = self.now().with_timezone(&Local).date_naive();
        let names = matches!(access::scope(role).view, ViewKind::Full | ViewKind::Till);
        let user_id = session.user_id();
        self.transact("show the dashboard", |tx| {
            let conn = tx.conn();
            let first = today
                - Duration::days(i64::from(today.weekday().num_days_from_monday()))
                - Duration::weeks(i64::from(weeks) - 1);
            let index = |day: NaiveDate| -> Option<usize> {
                let d = (day - first).num_days();
                (d >= 0 && d < i64::from(weeks) * 7).then_some((d / 7) as usize)
            };
            let mut out_weeks: Vec<Week> = (0..weeks)
                .map(|i| {
                    let start = first + Duration::weeks(i64::from(i));
                    Week {
                        starts_on: start.to_string(),
                        iso_week: start.iso_week().week(),
                        signups: 0,
                        purchases: 0,
                        spend_cents: 0,
                    }
                })
                .collect();
            let currency = shop::currency(conn)?;
            for (day, n, cents) in purchases::per_day_since(conn, &first.to_string(), &currency)? {
                let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                    continue;
                };
                if let Some(i) = index(day) {
                    out_weeks[i].purchases += n as u64;
                    out_weeks[i].spend_cents += cents;
                }
            }
            let mut consents: BTreeMap<String, PurposeCounts> = BTreeMap::new();
            let blank = |purpose: &str| PurposeCounts {
                purpose: purpose.to_owned(),
                agreeing: 0,
                grants: vec![0; weeks as usize],
                withdrawals: vec![0; weeks as usize],
                holding: vec![0; weeks as usize],
            };
            for (_, purpose, _) in ledger::agreements(conn)? {
                consents
                    .entry(purpose.clone())
                    .or_insert_with(|| blank(&purpose))
                    .agreeing += 1;
            }
            for (purpose, kind, at) in
                ledger::decisions_since(conn, &format_ts(local_midnight(first)))?
            {
                let Some(i) =
                    parse_ts(&at).and_then(|t| index(t.with_timezone(&Local).date_naive()))
                else {
                    continue;
                };
                let counts = consents
                    .entry(purpose.clone())
                    .or_insert_with(|| blank(&purpose));
                if kind == "grant" {
                    counts.grants[i] += 1;
                    if purpose == MEMBERSHIP {
                        out_weeks[i].signups += 1;
                    }
                } else {
                    counts.withdrawals[i] += 1;
                }
            }
            // Each week ends at midnight before the next Monday, local time.
            let ends: Vec<String> = (1..=i64::from(weeks))
                .map(|i| format_ts(local_midnight(first + Duration::weeks(i))))
                .collect();
            for (purpose, holding) in ledger::holding_at(conn, &ends)? {
                consents
                    .entry(purpose.clone())
                    .or_insert_with(|| blank(&purpose))
                    .holding = holding;
            }
            let birthdays = birthdays_soon(conn, today, names)?;
            let members = customer::count(conn)?;
            let mut event = AuditEvent::new("dashboard.view", Outcome::Ok)
                .by(user_id, role)
                .touching(["members", "consents", "purchases"]);
            if !birthdays.is_empty() {
                let mut touched = vec!["birth_date"];
                if names {
                    touched.push(NAME_FIELD);
                }
                event = event
                    .on(Subject::Customers(
                        birthdays.iter().map(|b| b.customer_id).collect(),
                    ))
                    .because(BIRTHDAY_OFFER)
                    .touching(touched);
            }
            tx.audit(event)?;
            Ok(Dashboard {
                members,
                currency,
                weeks: out_weeks,
                consents: consents.into_values().collect(),
                birthdays,
                backup,
                retention,
            })
        })
    }
}

/// Midnight at the start of `day` in the computer's time zone.
fn local_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Local
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// The birthdays in the `BIRTHDAY_DAYS` days from `today`, of customers who
/// agree to the birthday offer now and whose record is not restricted.
fn birthdays_soon(
    conn: &rusqlite::Connection,
    today: NaiveDate,
    names: bool,
) -> Result<Vec<Birthday>> {
    let restricted = restriction::restricted_ids(conn)?;
    let mut out = Vec::new();
    for public_id in ledger::holders(conn, BIRTHDAY_OFFER)? {
        let id = match customer::id_of(conn, &public_id) {
            Ok(id) => id,
            Err(Error::CustomerNotFound) => continue,
            Err(e) => return Err(e),
        };
        if restricted.contains(&id) {
            continue;
        }
        let Some(born) = fields::value(conn, id, "birth_date")?
            .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok())
        else {
            continue;
        };
        let Some(on) = (0..BIRTHDAY_DAYS)
            .map(|d| today + Duration::days(d))
            .find(|day| is_birthday(born, *day))
        else {
            continue;
        };
        let first_name = if names {
            fields::value(conn, id, NAME_FIELD)?
                .and_then(|n| n.split_whitespace().next().map(str::to_owned))
        } else {
            None
        };
        out.push(Birthday {
            customer_id: id,
            first_name,
            on: on.to_string(),
        });
    }
    out.sort_by(|a, b| (&a.on, a.customer_id).cmp(&(&b.on, b.customer_id)));
    Ok(out)
}

/// Whether `day` is the birthday of someone born on `born` (29 February
/// counts on 28 February in other years).
fn is_birthday(born: NaiveDate, day: NaiveDate) -> bool {
    if born.month() == day.month() && born.day() == day.day() {
        return true;
    }
    let leap = NaiveDate::from_ymd_opt(day.year(), 2, 29).is_some();
    born.month() == 2 && born.day() == 29 && !leap && day.month() == 2 && day.day() == 28
}
