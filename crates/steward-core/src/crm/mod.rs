//! The everyday CRM: finding a customer, opening their profile for a stated
//! purpose, correcting their data, and recording purchases, notes, tasks,
//! tags and loyalty points; restricting a record (`restriction`).
//!
//! Three rules hold for every call here:
//! - the role's scope (`access`) decides which view type is built, so a
//!   field the role may not see never leaves the core;
//! - data is written only for a purpose the customer agreed to
//!   ([`RECORD_PURPOSES`], and for catalog fields the purposes that list
//!   them in the notice the customer agreed to), else `ConsentMissing`;
//! - every read and change appends its audit entry (who, which customers,
//!   why, which fields) in the same transaction: no caller can forget it.
//!   A read's "why" is the purpose of access given; a change's is the
//!   purpose the record is kept for (`RECORD_PURPOSES`).
//!
//! The records themselves are written and read by `records` (one file per
//! table); this module decides who sees what and under which consent.

mod activity;
mod audiences;
mod corrections;
mod find;
mod profile;
mod recipients;
mod restriction;
pub(crate) mod search_limit;
pub mod views;

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::consent::ledger;
use crate::consent::ConsentState;
use crate::error::{Error, Result};

pub use activity::{NewItem, NewPurchase, NewTask};
pub use corrections::FieldChange;
pub use recipients::{HandOver, HandOverRow, NewRecipient};
use views::Fields;

pub(super) fn granted_states(conn: &Connection, customer_ref: &str) -> Result<Vec<ConsentState>> {
    Ok(ledger::current_state(conn, customer_ref)?
        .into_iter()
        .filter(|s| s.granted)
        .collect())
}

pub(super) fn require_purpose(granted: &[ConsentState], purpose: &str) -> Result<()> {
    if granted.iter().any(|s| s.purpose == purpose) {
        Ok(())
    } else {
        Err(Error::ConsentMissing {
            purpose: purpose.to_owned(),
        })
    }
}

pub(super) fn only(fields: &Fields, keys: &BTreeSet<String>) -> Fields {
    fields
        .iter()
        .filter(|(k, _)| keys.contains(**k))
        .map(|(k, v)| (*k, v.clone()))
        .collect()
}

/// The fields each granted purpose covered in the notice the customer
/// agreed to (`consent::coverage`).
pub(super) use crate::consent::coverage::agreed_fields as consented_fields;

/// The field names of `fields`, for the audit entry.
pub(super) fn keys_of(fields: &Fields) -> impl Iterator<Item = &'static str> + '_ {
    fields.keys().copied()
}
