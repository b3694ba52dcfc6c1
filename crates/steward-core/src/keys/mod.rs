//! The vault's secrets: the database key and where it lives between
//! sessions (`keystore`: the OS keyring), its copy wrapped by the recovery
//! key (`recovery`), and the keys derived from it that chain the audit log
//! and the consent ledger (`chain`).
//!
//! Nothing here touches the database or knows what a shop, a user or a
//! customer is. No key ever reaches a log, an error or a file in the clear.

pub mod chain;
pub mod keystore;
pub mod recovery;
