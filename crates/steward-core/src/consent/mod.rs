//! Consent-first intake: why the shop collects data (`purposes`), the
//! notice customers read (`notices`), the consent ledger (`ledger`), the
//! three acts of a customer — join, agree to more, withdraw — (`acts`), a
//! customer's history (`history`) and the signed receipts they take home
//! (`receipts`). `forms` holds the words these share.
//!
//! Invariants this module owns:
//! - no `customer` row exists without a granted membership consent in the
//!   ledger: both are written in one transaction, and a refused or abandoned
//!   form writes nothing at all;
//! - a field value is stored only if the shop has the field switched on and
//!   a purpose the customer granted needs it; withdrawing a purpose erases
//!   the values only that purpose needed;
//! - the ledger, the published notices and the issued receipts are
//!   append-only; a customer's current consent is always derived from the
//!   ledger, never stored where it could diverge.
//!
//! It never writes a field value into an error, the audit log, the ledger
//! or a receipt. It knows nothing of the everyday CRM (`crm`), which sits
//! above it.

pub(crate) mod acts;
pub mod clock;
pub(crate) mod coverage;
pub mod forms;
pub(crate) mod handover;
mod history;
pub(crate) mod ledger;
pub mod notices;
pub(crate) mod once;
pub(crate) mod purpose_checks;
pub mod purposes;
pub mod receipts;
pub(crate) mod record;
pub mod signature;
pub(crate) mod signing_key;

pub use forms::{
    CollectionMethod, ConsentForm, ConsentHistory, ConsentState, Decision, FormId, IdentityCheck,
    LedgerEntry, Objection, Recorded, Withdrawal,
};
pub use signature::{Signature, TypedSignature, MAX_TYPED_NAME_CHARS};

use crate::error::Result;
use crate::store::Vault;

/// Gives a vault made before the consent capability (or a new one) its
/// receipt-signing key, default purposes and first notice, and publishes
/// a new notice version if this release words it differently.
pub(crate) fn ensure_setup(vault: &mut Vault) -> Result<()> {
    let has_key = signing_key::has_signing_key(&vault.conn)?;
    vault.transact("set up consent", |tx| {
        if !has_key {
            signing_key::ensure_signing_key(tx)?;
            purposes::seed_defaults(tx)?;
        }
        // A new release may word the notice differently: customers are
        // then shown (and consent to) a newly published version.
        notices::publish_if_changed(tx, None)?;
        Ok(())
    })
}
