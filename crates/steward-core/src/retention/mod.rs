//! Keeping data only as long as promised (issue 13): every notice and
//! receipt tells the customer how long each purpose keeps their data; the
//! retention schedule (`run`) makes that true, erasing what ran out with the
//! verified erasure of the customer's rights. `due` works out when each
//! agreement ends, `runs` owns the runs' journal and summaries, `hold` the
//! legal holds under which nothing of a customer is erased, `rules` the
//! record-keeping rules the owner sees and edits (the shop's jurisdiction
//! and how long it keeps sales records, the access log and destruction
//! records), which `keeping` applies at the end of each run; `invitations`
//! erases the invitations the owner's period no longer keeps.

pub(crate) mod due;
mod hold;
mod invitations;
mod keeping;
mod rules;
mod run;
mod runs;

pub use crate::records::legal_hold::LegalHold;
pub use rules::{RecordKeeping, RecordKeepingRule};
pub use run::{RetentionPreview, RetentionRun, RunBy, ScheduledErasure};
pub use runs::{Removed, RetentionRunSummary, RunTrigger};
