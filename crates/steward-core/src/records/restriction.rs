//! Restriction of processing (GDPR Art. 18), table `customer_restriction`:
//! whether a customer's record is kept but not used, why (a category and
//! the free text staff typed), since when and set by whom. Lifting deletes
//! the row; the audit log keeps the history (labels and category only).
//!
//! **The rule, in one place.** While a customer is restricted their data is
//! kept but not used:
//! - staff searches do not find them; the owner and a manager do, marked
//!   (`crm::find`); staff cannot open their till view (`crm::profile`);
//! - they are in no marketing audience and in no hand-over to a recipient:
//!   whoever picks customers to use data for a purpose asks
//!   `crm::customers_usable_for` (marketing audiences do; a recipient
//!   export must);
//! - their record cannot be changed: every writer of a customer's record
//!   (corrections, tags, purchases, notes, tasks, points, consent grants)
//!   calls [`ensure_not_restricted`] before it writes. The only changes
//!   allowed are lifting the restriction, withdrawing consent (including
//!   an objection to marketing) and erasing the customer
//!   (`erase_customer`): those never call it, as each stops or ends a use
//!   rather than making one.
//!
//! The free-text reason is personal data: it stays in this table, shown
//! only on the full profile, never in the audit log, an error or a log.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::collections::BTreeSet;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::store::Vault;
use crate::time::format_ts;

/// Why a customer's record is restricted (Art. 18(1) a–d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestrictionCategory {
    /// The customer contests the accuracy of their data, while it is checked.
    AccuracyContested,
    /// The customer objected, while the shop checks its grounds.
    ObjectionPending,
    /// The use was unlawful, but the customer asked to keep the data rather
    /// than erase it.
    UnlawfulButKept,
    /// The shop no longer needs it, but the customer needs it kept for a
    /// legal claim.
    LegalClaim,
}

impl RestrictionCategory {
    pub const ALL: [RestrictionCategory; 4] = [
        RestrictionCategory::AccuracyContested,
        RestrictionCategory::ObjectionPending,
        RestrictionCategory::UnlawfulButKept,
        RestrictionCategory::LegalClaim,
    ];

    /// The stable id stored, logged (as the audit entry's "why") and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionCategory::AccuracyContested => "accuracy-contested",
            RestrictionCategory::ObjectionPending => "objection-pending",
            RestrictionCategory::UnlawfulButKept => "unlawful-but-kept",
            RestrictionCategory::LegalClaim => "legal-claim",
        }
    }

    pub fn parse(s: &str) -> Result<RestrictionCategory> {
        RestrictionCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "category",
                reason:
                    "use accuracy-contested, objection-pending, unlawful-but-kept or legal-claim",
            })
    }
}

impl rusqlite::types::FromSql for RestrictionCategory {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        RestrictionCategory::parse(value.as_str()?)
            .map_err(|_| rusqlite::types::FromSqlError::InvalidType)
    }
}

/// A customer's restriction, as the full profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restriction {
    pub category: RestrictionCategory,
    /// What staff typed about it, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub since: String,
}

/// Restricts the customer (or replaces the reason of a restriction in place).
pub(crate) fn set(
    conn: &Connection,
    customer_id: i64,
    category: RestrictionCategory,
    reason: Option<&str>,
    now: DateTime<Utc>,
    set_by: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO customer_restriction (customer_id, category, reason, since, set_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (customer_id) DO UPDATE SET category = ?2, reason = ?3",
        params![
            customer_id,
            category.as_str(),
            reason,
            format_ts(now),
            set_by
        ],
    )
    .map_err(Error::db("restrict a customer"))?;
    Ok(())
}

/// Lifts the customer's restriction; false if there was none.
pub(crate) fn lift(conn: &Connection, customer_id: i64) -> Result<bool> {
    conn.execute(
        "DELETE FROM customer_restriction WHERE customer_id = ?1",
        [customer_id],
    )
    .map(|n| n > 0)
    .map_err(Error::db("lift a restriction"))
}

/// The customer's restriction, if any.
pub(crate) fn get(conn: &Connection, customer_id: i64) -> Result<Option<Restriction>> {
    conn.prepare_cached(
        "SELECT category, reason, since FROM customer_restriction WHERE customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(Restriction {
                category: r.get(0)?,
                reason: r.get(1)?,
                since: r.get(2)?,
            })
        })
        .optional()
    })
    .map_err(Error::db("read a restriction"))
}

pub(crate) fn is_restricted(conn: &Connection, customer_id: i64) -> Result<bool> {
    conn.prepare_cached("SELECT count(*) FROM customer_restriction WHERE customer_id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get::<_, i64>(0)))
        .map(|n| n > 0)
        .map_err(Error::db("read a restriction"))
}

/// Every restricted customer's number.
pub(crate) fn restricted_ids(conn: &Connection) -> Result<BTreeSet<i64>> {
    conn.prepare_cached("SELECT customer_id FROM customer_restriction")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(Error::db("read restrictions"))
}

/// The rule every writer of a customer's record calls first (see the
/// module's doc): refuses with `CustomerRestricted`, and logs the refusal
/// under the writer's audit label, while the customer is restricted.
pub(crate) fn ensure_not_restricted(
    vault: &Vault,
    session: &Session,
    customer_id: i64,
    action: &'static str,
) -> Result<()> {
    if !is_restricted(&vault.conn, customer_id)? {
        return Ok(());
    }
    vault.log_standalone(
        AuditEvent::new(action, Outcome::Denied)
            .by(session.user_id(), session.role())
            .on(Subject::Customer(customer_id))
            .because("restricted"),
    )?;
    Err(Error::CustomerRestricted)
}

/// The row, for the customer's own export.
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    super::rows_as_json(
        conn,
        "SELECT category, reason, since FROM customer_restriction WHERE customer_id = ?1",
        &customer_id,
    )
}

/// Whether any row's `reason` contains `text` (a residue check's "still
/// held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_restriction WHERE instr(reason, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}
