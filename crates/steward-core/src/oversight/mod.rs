//! Oversight: what the owner and the auditor use to check the shop's
//! records — the access log (who did what to which customer, why, which
//! fields; `access_log`) and the integrity check behind `audit verify`
//! (`integrity`: the audit chain and its anchor, the consent ledger's chain
//! and anchor, and that no customer record exists without a granted
//! membership), and the alerts on the owner's home screen (`alerts`:
//! accounts that reached the hourly search limit), and the dashboard on
//! the owner's and manager's home screen (`dashboard`: counts per week),
//! and the purposes as the owner reviews them, with what a change to one
//! would do before it is saved (`purposes`).
//!
//! It reads through the modules that own the tables and changes nothing but
//! the audit log's own entries.

pub mod access_log;
pub mod alerts;
pub mod dashboard;
mod integrity;
pub mod purposes;
pub mod residue;

pub use access_log::{LogEntry, LogFilter};
pub use alerts::SearchLimitAlert;
pub use dashboard::Dashboard;
pub use purposes::{ChangeEffects, PurposeOverview, PurposesOverview};
pub use residue::ResidueScan;
