//! The people at the shop computer: their accounts and passphrases, the
//! sessions they log in to, what each role may do and see (`access`: the
//! scope of each role over customer data), the language of each one's
//! screens, and the owner's till settings.
//!
//! Every operation of the core takes a [`Session`] and passes
//! `Vault::authorize` (in `session`) first; nothing here knows about
//! customers, consents or purchases.

pub mod access;
pub(crate) mod accounts;
pub mod passphrase;
pub mod pin;
mod screen_language;
pub mod session;
pub mod settings;
mod users;

pub use accounts::UserSummary;
pub use passphrase::{Passphrase, MIN_PASSPHRASE_CHARS};
pub use pin::{Pin, MAX_PIN_FAILURES};
pub use session::{backoff_after, HandedTo, Session};
pub use settings::AUTOLOCK_RANGE;
