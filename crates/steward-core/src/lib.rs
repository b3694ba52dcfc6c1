//! Steward's domain core: the encrypted vault, user accounts and roles,
//! sessions, the audit log, consent-first intake (purposes, notices,
//! the consent ledger and signed receipts) and the everyday CRM (search,
//! role-limited views, purchases, notes, tasks, loyalty). Every rule of Steward lives here and is
//! enforced here: the Tauri shell, the `steward` CLI and the tests all go
//! through this crate's public API, which is the only way to the database.
//!
//! This crate knows nothing about Tauri or any UI, never prints, and never
//! puts personal data into an error, a log or a panic message.

#![forbid(unsafe_code)]

pub mod access;
pub mod access_log;
pub mod audit;
pub mod auth;
#[cfg(feature = "bench")]
pub mod bench_data;
pub mod catalog;
pub mod consent;
pub mod crm;
pub mod error;
pub mod files;
pub mod keystore;
pub mod language;
pub mod permissions;
pub mod purposes;
mod receipt_pdf;
pub mod receipts;
pub mod recovery;
pub mod search;
pub mod time;
pub mod vault;
pub mod views;

pub use access::AccessPurpose;
pub use audit::{Outcome, Verdict};
pub use auth::{Passphrase, Session, UserSummary};
pub use consent::{
    CollectionMethod, ConsentForm, ConsentHistory, Decision, IdentityCheck, Recorded, Signature,
    Withdrawal,
};
pub use crm::{FieldChange, NewItem, NewPurchase, NewTask};
pub use error::{Error, Result};
#[cfg(any(test, feature = "test-support"))]
pub use keystore::MemoryKeyStore;
pub use keystore::{DbKey, KeyStore, OsKeyring};
pub use language::Lang;
pub use permissions::{Action, Role};
pub use purposes::{LegalBasis, NewPurpose, Notice, Purpose, PurposeChange, PurposeText};
pub use receipts::{verify_receipt, PrintableReceipt, Receipt, VerifiedReceipt};
pub use recovery::RecoveryKey;
pub use vault::{Vault, VaultStatus};
pub use views::{CustomerProfile, SearchResults};
