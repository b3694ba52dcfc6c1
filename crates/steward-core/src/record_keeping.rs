//! What the shop's law requires it to keep, and for how long (table
//! `record_keeping_rule`): one period per category of record the shop keeps
//! for its own obligations — sales records of customers who left, the
//! access log, the destruction records — and the defaults each
//! jurisdiction offers. It holds no personal data and knows nothing of
//! sessions: who may read or change the rules is decided by
//! `retention::rules`, the retention schedule applies them, and the notice
//! words the sales-records rule for customers.
//!
//! The defaults are starting points the owner must check with their
//! adviser; Steward is not the shop's invoicing or accounting system.

use chrono::{DateTime, Months, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::format_ts;

/// Where the shop operates, as far as record keeping goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Jurisdiction {
    /// Spain.
    #[serde(rename = "ES")]
    Es,
    /// Indonesia.
    #[serde(rename = "ID")]
    Id,
    /// The general default for the European Union.
    #[serde(rename = "EU")]
    Eu,
}

impl Jurisdiction {
    pub const ALL: [Jurisdiction; 3] = [Jurisdiction::Es, Jurisdiction::Id, Jurisdiction::Eu];

    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Es => "ES",
            Jurisdiction::Id => "ID",
            Jurisdiction::Eu => "EU",
        }
    }

    /// Parses `ES`, `ID` or `EU` (any case).
    pub fn parse(s: &str) -> Result<Jurisdiction> {
        let s = s.trim().to_uppercase();
        Jurisdiction::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "jurisdiction",
                reason: "say ES (Spain), ID (Indonesia) or EU (the general European default)",
            })
    }

    /// The jurisdiction a stored code names; anything else is the general
    /// default.
    pub(crate) fn from_stored(s: &str) -> Jurisdiction {
        Jurisdiction::parse(s).unwrap_or(Jurisdiction::Eu)
    }

    /// The periods this jurisdiction suggests, and why.
    ///
    /// - Sales records: Spain's Código de Comercio (art. 30) keeps books,
    ///   correspondence and supporting documents six years; Indonesia's
    ///   UU KUP (art. 28(11)) keeps books, records and documents ten years.
    ///   The general default keeps none: purchases go with the customer.
    /// - The access log: three years everywhere, the time in which the shop
    ///   may have to show who accessed what (Spain's LOPDGDD art. 72 gives
    ///   three years for the most serious infringements).
    /// - Destruction records: as long as the sales records they may have to
    ///   explain (six years ES, ten ID), five years in general.
    pub fn defaults(self) -> [(Category, Period); 3] {
        let years = |n| Period {
            amount: n,
            unit: Unit::Years,
        };
        let (sales, destruction) = match self {
            Jurisdiction::Es => (6, 6),
            Jurisdiction::Id => (10, 10),
            Jurisdiction::Eu => (0, 5),
        };
        [
            (Category::SalesRecords, years(sales)),
            (Category::AccessLog, years(3)),
            (Category::DestructionRecords, years(destruction)),
        ]
    }
}

/// A category of record kept for the shop's own obligations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The purchases of customers who left, without the customer.
    SalesRecords,
    /// The audit log's entries (who accessed or changed what).
    AccessLog,
    /// The records of what each erasure destroyed.
    DestructionRecords,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::SalesRecords,
        Category::AccessLog,
        Category::DestructionRecords,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::SalesRecords => "sales-records",
            Category::AccessLog => "access-log",
            Category::DestructionRecords => "destruction-records",
        }
    }

    pub fn parse(s: &str) -> Result<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or(Error::InvalidInput {
                field: "category",
                reason: "say sales-records, access-log or destruction-records",
            })
    }
}

/// The unit a period is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Days,
    Years,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Years => "years",
        }
    }
}

/// How long a category is kept. Years are calendar years (a leap day
/// never shortens a legal period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
}

/// The longest period the owner may set: longer than any law here asks.
const MAX_YEARS: u32 = 30;

impl Period {
    pub fn days(amount: u32) -> Period {
        Period {
            amount,
            unit: Unit::Days,
        }
    }

    pub fn years(amount: u32) -> Period {
        Period {
            amount,
            unit: Unit::Years,
        }
    }

    /// Whether the category is kept at all.
    pub fn keeps(self) -> bool {
        self.amount > 0
    }

    /// What was made before the returned moment is past its period at `now`.
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.unit {
            Unit::Days => now - chrono::Duration::days(i64::from(self.amount)),
            Unit::Years => now
                .checked_sub_months(Months::new(12 * self.amount))
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        }
    }

    /// Checks a period the owner asks for, for `category`: at most 30
    /// years; the access log and destruction records are kept at least a
    /// day (the schedule's own records must outlive its run).
    pub(crate) fn validate(self, category: Category) -> Result<Period> {
        let days = match self.unit {
            Unit::Days => self.amount,
            Unit::Years => self.amount.saturating_mul(366),
        };
        if days > MAX_YEARS * 366 {
            return Err(Error::InvalidInput {
                field: "period",
                reason: "at most 30 years",
            });
        }
        if category != Category::SalesRecords && self.amount == 0 {
            return Err(Error::InvalidInput {
                field: "period",
                reason: "the access log and destruction records are kept at least one day",
            });
        }
        Ok(self)
    }
}

/// One rule as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRule {
    pub category: Category,
    pub period: Period,
}

/// Every rule, in [`Category::ALL`] order.
pub(crate) fn all(conn: &Connection) -> Result<Vec<StoredRule>> {
    Category::ALL
        .into_iter()
        .map(|c| {
            Ok(StoredRule {
                category: c,
                period: get(conn, c)?,
            })
        })
        .collect()
}

/// The period of one category.
pub(crate) fn get(conn: &Connection, category: Category) -> Result<Period> {
    let (amount, unit): (i64, String) = conn
        .prepare_cached("SELECT amount, unit FROM record_keeping_rule WHERE category = ?1")
        .and_then(|mut s| s.query_row([category.as_str()], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(Error::db("read the record-keeping rules"))?;
    Ok(Period {
        amount: u32::try_from(amount).unwrap_or(0),
        unit: if unit == "days" {
            Unit::Days
        } else {
            Unit::Years
        },
    })
}

/// Sets the period of one category (already validated).
pub(crate) fn set(
    conn: &Connection,
    category: Category,
    period: Period,
    by: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE record_keeping_rule SET amount = ?2, unit = ?3, changed_at = ?4, changed_by = ?5
         WHERE category = ?1",
        params![
            category.as_str(),
            period.amount,
            period.unit.as_str(),
            format_ts(now),
            by
        ],
    )
    .map_err(Error::db("change a record-keeping rule"))?;
    Ok(())
}
