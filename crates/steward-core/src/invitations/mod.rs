//! Invitations: a shop's old list (a spreadsheet, another till's export)
//! brought in without breaking consent. Nobody on such a list agreed to
//! anything in Steward, so nobody on it becomes a customer: each row
//! becomes an invitation, held in the encrypted vault apart from the
//! customers (tables `invitation`, `invitation_policy`, owned by `table`),
//! until the person joins at the till (the consent form is pre-filled from
//! it, and the join consumes it in the same transaction), refuses (it is
//! erased: `rights::invitation`), or the owner's period runs out (the
//! retention schedule erases it: `retention::invitations`).
//!
//! Importing (`import`) reads the file with the `csv` crate (`parse`),
//! checks every value with the customer catalog's own rules, reports the
//! rows left out by row number and field (never a value), and leaves out
//! people who are already customers or already invited. Finding one at
//! the till is part of the customers' search (`crm::find`), under its
//! hourly limit; opening one (`serve`) is logged like opening a customer.
//!
//! Invariants kept here:
//! - an invitation is never a customer: it is in no customer list,
//!   search view, audience, hand-over to a recipient, customer export or
//!   dashboard count; its only way into `customer` is the person's own
//!   consent form;
//! - every read of an invitation's values is logged with its purpose, in
//!   the same transaction; no value reaches an error, a log or a file name.

mod import;
mod parse;
mod serve;
pub(crate) mod table;

pub use import::{ImportPreview, ImportReport};
pub use parse::{
    Column, ColumnMapping, HeaderRow, Problem, ResolvedColumns, RowProblem, LISTED_PROBLEMS,
    MAX_LINE_BYTES, MAX_ROWS,
};
pub(crate) use serve::PURPOSE;
pub use serve::{Invitation, InvitationStatus, InvitedHit, EXPIRE_AFTER_RANGE};
