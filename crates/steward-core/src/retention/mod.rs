//! Keeping data only as long as promised (issue 13). Today: the legal
//! hold (`hold`), under which nothing of a customer is erased, on request
//! or (once the scheduler exists) on schedule.

mod hold;

pub use crate::records::legal_hold::LegalHold;
pub(crate) use hold::ensure_not_held;
