//! Writing one act of a customer (joining, granting, withdrawing, an
//! erasure's withdrawal of everything): its ledger rows, the customer's
//! signature (drawn or typed), the signed receipt, and the records kept per purpose brought
//! in line with the consents that now hold. Used by `acts` and by
//! `rights::erasure`, always inside their transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::forms::{CollectionMethod, Decision, IdentityCheck};
use super::ledger::{self, LedgerRow};
use super::notices::Notice;
use super::receipts::{self, FormMark, Receipt};
use super::signature::Checked;
use super::signing_key;
use crate::error::Result;
use crate::purpose_id::LOYALTY;
use crate::records::{self, customer, loyalty, signatures};
use crate::shop;
use crate::store::Tx;

/// The "recorded by" of what the retention schedule records (a period that
/// ended): no account has this number.
pub(crate) const RETENTION_SCHEDULE: i64 = 0;

/// One act of a customer (joining, granting, withdrawing): the same for
/// every ledger row it writes.
pub(crate) struct Act<'a> {
    pub customer_id: i64,
    pub customer_ref: &'a str,
    pub notice: &'a Notice,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub recorded_by: i64,
    /// The customer's signature, checked, if any.
    pub signature: Option<&'a Checked>,
    /// The form this act was submitted on, if it had an id.
    pub form: Option<&'a FormMark<'a>>,
}

/// Appends one ledger row per decision, stores the signature, signs and
/// stores the receipt, and brings the records kept per purpose (loyalty
/// account, search row) in line with the new consents. Returns the receipt.
pub(crate) fn record_decisions(
    tx: &mut Tx<'_>,
    act: &Act<'_>,
    decisions: &[(String, Decision)],
    erased_fields: &[String],
) -> Result<Receipt> {
    let Act {
        customer_id,
        customer_ref,
        notice,
        method,
        identity_check,
        recorded_by,
        signature,
        form,
    } = *act;
    let receipt_id = uuid::Uuid::new_v4().to_string();
    let signature_sha = signature.map(|s| Sha256::digest(s.stored.as_bytes()).to_vec());
    if let Some(s) = signature {
        signatures::insert(tx.conn(), &receipt_id, customer_id, &s.stored)?;
    }
    for (purpose, decision) in decisions {
        ledger::append(
            tx,
            &LedgerRow {
                receipt_id: &receipt_id,
                customer_ref,
                decision: *decision,
                purpose,
                notice,
                method,
                identity_check,
                recorded_by,
                signature_sha256: signature_sha.as_deref(),
            },
        )?;
    }
    let shop = shop::profile(tx.conn())?;
    let key = signing_key::load_signing_key(tx.conn())?;
    let json = receipts::issue(
        &key,
        &receipts::ReceiptFacts {
            receipt_id: &receipt_id,
            at: tx.now,
            customer_ref,
            shop: &shop,
            notice,
            decisions,
            method,
            identity_check,
            recorded_by,
            signature_sha256: signature_sha.as_deref(),
            signature_kind: signature.map(|s| s.kind),
            erased_fields,
        },
    )?;
    receipts::store(tx.conn(), &receipt_id, customer_ref, tx.now, &json, form)?;
    sync_purpose_records(tx.conn(), customer_id, tx.now)?;
    Ok(Receipt { receipt_id, json })
}

/// Brings the records kept for a purpose in line with the customer's
/// current consents after a grant or a withdrawal: opens the loyalty
/// account when `loyalty` is granted, erases it (and its points) when it is
/// not, and refreshes the search index. Runs in the consent transaction.
pub(crate) fn sync_purpose_records(
    conn: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let customer_ref = customer::public_id(conn, customer_id)?;
    let loyalty_granted = ledger::granted(conn, &customer_ref)?.contains(LOYALTY);
    let has_account = loyalty::account(conn, customer_id)?.is_some();
    if loyalty_granted && !has_account {
        loyalty::open(conn, customer_id, now)?;
    } else if !loyalty_granted && has_account {
        loyalty::close(conn, customer_id)?;
    }
    records::sync_search(conn, customer_id)
}
