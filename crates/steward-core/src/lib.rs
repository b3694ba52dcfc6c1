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
//!   transactions), then `shop` (the shop's own record);
//! - `people` (accounts, sessions, roles' scopes), then `records` (the
//!   tables about a customer), then `consent`, then `crm`;
//! - on top: `oversight` (access log, integrity), `schema` (migrations),
//!   `setup` (creating and opening a vault) and `register` (everything held
//!   about a customer).
//!
//! This crate knows nothing about Tauri or any UI, never prints, and never
//! puts personal data into an error, a log or a panic message.

#![forbid(unsafe_code)]

pub mod audit;
#[cfg(feature = "bench")]
pub mod bench_data;
pub mod catalog;
pub mod consent;
pub mod crm;
pub mod error;
pub mod files;
pub mod keys;
pub mod language;
pub mod oversight;
pub mod people;
pub mod permissions;
pub mod purpose_id;
pub mod records;
// Until the customer's rights and retention walk it (the next issues),
// only its tests use the register.
#[allow(dead_code)]
mod register;
pub mod schema;
pub mod setup;
pub mod shop;
pub mod store;
pub mod time;

pub use audit::{Outcome, Subject, Verdict};
pub use consent::notices::Notice;
pub use consent::purposes::{
    FieldSetting, LegalBasis, NewPurpose, Purpose, PurposeChange, PurposeText,
};
pub use consent::receipts::{
    verify_receipt, verify_receipt_against, PrintableReceipt, Receipt, VerifiedReceipt,
};
pub use consent::{
    CollectionMethod, ConsentForm, ConsentHistory, Decision, FormId, IdentityCheck, Recorded,
    Signature, Withdrawal,
};
pub use crm::views::{CustomerProfile, SearchResults};
pub use crm::{FieldChange, NewItem, NewPurchase, NewTask};
pub use error::{Error, ErrorKind, Result, Warning};
#[cfg(any(test, feature = "test-support"))]
pub use keys::keystore::MemoryKeyStore;
pub use keys::keystore::{DbKey, KeyStore, OsKeyring};
pub use keys::recovery::RecoveryKey;
pub use language::Lang;
pub use oversight::{LogEntry, LogFilter};
pub use people::access::{AccessPurpose, SearchMatch};
pub use people::{HandedTo, Passphrase, Session, UserSummary};
pub use permissions::{Action, Role};
pub use schema::SCHEMA_VERSION;
pub use setup::VaultStatus;
pub use shop::ShopProfile;
pub use store::{default_location, Vault};
