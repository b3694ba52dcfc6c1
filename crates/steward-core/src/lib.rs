//! Steward's domain core: the encrypted vault, user accounts and roles,
//! sessions, the audit log, consent-first intake (purposes, notices, the
//! consent ledger and signed receipts) and the everyday CRM (search,
//! role-limited views, purchases, notes, tasks, loyalty). Every rule of
//! Steward lives here and is enforced here: the Tauri shell, the `steward`
//! CLI and the tests all go through this crate's public API, which is the
//! only way to the database.
//!
//! The modules form layers; a module only uses the ones above it in this
//! list, never one below (ARCHITECTURE.md draws the map):
//! - base: `error`, `time`, `language`, `files`, `permissions`, `catalog`,
//!   `purpose_id`, `keys`;
//! - `audit` (the log and its anchor), then `store` (the file, the
//!   transactions), then `shop` (the shop's own record) and
//!   `record_keeping` (what the shop's law makes it keep, for how long);
//! - `people` (accounts, sessions, roles' scopes), then `records` (the
//!   tables about a customer), then `consent`, then `invitations` (a shop's
//!   old list, held apart until each person joins or refuses), then `crm`;
//! - on top: `oversight` (access log, integrity), `schema` (migrations),
//!   `setup` (creating and opening a vault), `register` (everything held
//!   about a customer), `rights` (the customer's export) and `backup`
//!   (encrypted backups that honour erasure), `retire` (destroying the
//!   vault on this computer, with a certificate), `unattended` (the
//!   schedule run by an OS timer, opened into a type that can do nothing
//!   else).
//!
//! This crate knows nothing about Tauri or any UI, never prints, and never
//! puts personal data into an error, a log or a panic message.

#![forbid(unsafe_code)]

pub mod audit;
pub mod backup;
#[cfg(feature = "bench")]
pub mod bench_data;
pub mod catalog;
pub mod consent;
pub mod crm;
pub mod error;
pub mod files;
pub mod invitations;
pub mod keys;
pub mod language;
pub mod oversight;
pub mod people;
pub mod permissions;
pub mod purpose_id;
pub mod record_keeping;
pub mod records;
// The export walks it; erasure (issue 12 §3) does not yet, so what erasing
// does to each table and the schema check are used by tests only.
#[allow(dead_code)]
mod register;
pub mod retention;
pub mod retire;
pub mod rights;
pub mod schema;
pub mod setup;
pub mod shop;
pub mod store;
pub mod time;
pub mod unattended;

pub use audit::{Outcome, Subject, Verdict};
pub use backup::{
    BackupInfo, BackupMade, BackupPreview, BackupsOverview, Restored, VerifiedBackup,
};
pub use consent::notices::Notice;
pub use consent::purposes::{
    FieldSetting, LegalBasis, NewPurpose, Purpose, PurposeChange, PurposeText, RetentionClock,
};
pub use consent::receipts::{
    verify_receipt, verify_receipt_against, Paper, PrintableReceipt, Receipt, VerifiedReceipt,
};
pub use consent::{
    CollectionMethod, ConsentForm, ConsentHistory, Decision, FormId, IdentityCheck, Objection,
    Recorded, Signature, TypedSignature, Withdrawal, MAX_TYPED_NAME_CHARS,
};
pub use crm::views::{CustomerProfile, SearchResults};
pub use crm::{FieldChange, HandOver, NewItem, NewPurchase, NewRecipient, NewTask};
pub use error::{Error, ErrorKind, Result, Warning};
pub use invitations::{
    Column, ColumnMapping, HeaderRow, ImportPreview, ImportReport, Invitation, InvitationStatus,
    InvitedHit, RowProblem,
};
#[cfg(any(test, feature = "test-support"))]
pub use keys::keystore::MemoryKeyStore;
pub use keys::keystore::{keyring_account, DbKey, KeyStore, OsKeyring};
pub use keys::recovery::RecoveryKey;
pub use keys::schedule::schedule_account;
pub use keys::slots::{device_account, slots_path};
pub use language::Lang;
pub use oversight::ResidueScan;
pub use oversight::{LogEntry, LogFilter};
pub use people::access::{AccessPurpose, SearchMatch};
pub use people::{HandedTo, Passphrase, Pin, Session, UserSummary, MAX_PIN_FAILURES};
pub use permissions::{Action, Role};
pub use record_keeping::{Category as RecordCategory, Jurisdiction, Period, Unit};
pub use records::bookkeeping::SalesTotal;
pub use records::erasure::{DestructionRecord, Residue};
pub use records::recipients::{Disclosure, Recipient, RecipientNotice};
pub use records::restriction::{Restriction, RestrictionCategory};
pub use retention::{
    LegalHold, RecordKeeping, RecordKeepingRule, Removed, RetentionPreview, RetentionRun,
    RetentionRunSummary, RunBy, RunTrigger, ScheduledErasure,
};
pub use retire::{DestructionCertificate, RetirementApproval, RETIRE_CONFIRMATION};
pub use rights::{
    verify_export, CustomerExport, Erased, ErasureGround, ErasureRequest, ExportedFile,
    InvitationRefused, VerifiedExport,
};
pub use schema::SCHEMA_VERSION;
pub use setup::{VaultCover, VaultStatus};
pub use shop::ShopProfile;
pub use store::pages::{PageFile, Place};
#[cfg(feature = "test-support")]
pub use store::raw_key_reads_file_for_tests;
pub use store::{default_location, ClosedVault, DestroyedFile, Vault};
pub use unattended::{ScheduledDue, ScheduledVault};
