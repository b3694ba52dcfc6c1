//! The vault's secrets: the database key, wrapped per user under the
//! device secret from the OS keyring and the user's passphrase (`slots`),
//! and once more by the recovery key (`recovery`) and, when the owner
//! switches the unattended schedule on, by the schedule's own secret
//! (`schedule`); the keyring itself
//! (`keystore`); and the keys derived from the database key that chain the
//! audit log and the consent ledger (`chain`).
//!
//! Nothing here touches the database or knows what a shop, a user or a
//! customer is. No key ever reaches a log, an error or a file in the clear.

pub mod chain;
pub mod keystore;
pub mod recovery;
pub mod schedule;
pub mod slots;
