//! Steward's domain core: the encrypted vault, user accounts and roles,
//! sessions, and the audit log. Every rule of Steward lives here and is
//! enforced here: the Tauri shell, the `steward` CLI and the tests all go
//! through this crate's public API, which is the only way to the database.
//!
//! This crate knows nothing about Tauri or any UI, never prints, and never
//! puts personal data into an error, a log or a panic message.

#![forbid(unsafe_code)]

pub mod audit;
pub mod auth;
pub mod error;
pub mod files;
pub mod keystore;
pub mod permissions;
pub mod recovery;
pub mod time;
pub mod vault;

pub use audit::{Outcome, Verdict};
pub use auth::{Passphrase, Session, UserSummary};
pub use error::{Error, Result};
pub use keystore::{DbKey, KeyStore, MemoryKeyStore, OsKeyring};
pub use permissions::{Action, Role};
pub use recovery::RecoveryKey;
pub use vault::{Vault, VaultStatus};
