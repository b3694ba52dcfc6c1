//! The customer's rights over their data, each walking the register of
//! customer data (`register`) so that a table added later is covered or
//! breaks a test: today the copy of everything held about a customer,
//! made for them (`export`: access, GDPR Art. 15, and portability,
//! Art. 20), and its check (`verify_export`).
//!
//! This module reads through the table owners and the register; it never
//! holds SQL of its own, never keeps a copy of what it hands over, and
//! never writes a value into the audit log (only which data was disclosed).

mod contents;
pub(crate) mod erasure;
mod export;
mod invitation;
mod manifest;
mod report;

pub(crate) use erasure::stored_forms;
pub use erasure::{Erased, ErasureGround, ErasureRequest};
pub use export::{CustomerExport, ExportedFile};
pub use invitation::InvitationRefused;
pub use manifest::{verify_export, VerifiedExport};
