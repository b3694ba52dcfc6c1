//! A form submitted twice (a retry, a double click, a lost reply) is
//! recorded once: each form carries a random id (`FormId`), its receipt
//! keeps it, and a second submission under that id gets the first result
//! again, with nothing written, or is refused (`FormAlreadyRecorded`) when
//! it says something else. Saying "the same" is decided without keeping
//! the typed values anywhere new: the receipt keeps a digest of the rest of
//! the form, and the values (a typed signature's name too) are compared
//! with those the customer's record holds.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::forms::{CollectionMethod, FormId, IdentityCheck, Recorded, Withdrawal};
use super::handover;
use super::receipts::{self, FormMark};
use super::signature::Signature;
use crate::catalog;
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::people::Session;
use crate::records::signatures::{self, Stored};
use crate::records::{self, customer, fields};
use crate::store::Vault;

/// A form as submitted, for recognising a second submission of it.
pub(crate) struct Submission<'a> {
    /// `join`, `grant` or `withdraw`.
    pub act: &'static str,
    /// The customer acted on (`None` for a join).
    pub customer_id: Option<i64>,
    pub lang: Option<Lang>,
    pub notice_version: Option<i64>,
    pub purposes: &'a [String],
    pub fields: &'a [(String, String)],
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub signature: Option<&'a Signature>,
}

impl Submission<'_> {
    /// A digest of everything the submission says except the typed values
    /// (which are compared with the stored ones instead, so that no copy of
    /// them outlives an erasure): purposes and field names in sorted order.
    pub(crate) fn digest(&self) -> [u8; 32] {
        let mut purposes: Vec<&str> = self.purposes.iter().map(String::as_str).collect();
        purposes.sort_unstable();
        purposes.dedup();
        let mut keys: Vec<&str> = self
            .fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, _)| k.as_str())
            .collect();
        keys.sort_unstable();
        let signature = self.signature.map(Signature::form_digest_part);
        let doc = serde_json::json!({
            "act": self.act,
            "customer": self.customer_id,
            "lang": self.lang.map(Lang::code),
            "notice": self.notice_version,
            "purposes": purposes,
            "fields": keys,
            "method": self.method.as_str(),
            "identityCheck": self.identity_check.as_str(),
            "signature": signature,
        });
        Sha256::digest(doc.to_string().as_bytes()).into()
    }
}

/// Whether every value a submission typed is the one the customer's record
/// holds for that field now (as validated when it was stored).
fn values_held(conn: &Connection, customer_id: i64, given: &[(String, String)]) -> Result<bool> {
    for (key, raw) in given.iter().filter(|(_, v)| !v.trim().is_empty()) {
        let Some(value) = catalog::spec(key)
            .ok()
            .and_then(|spec| catalog::validate(spec, raw).ok().map(|v| (spec.key, v)))
        else {
            return Ok(false);
        };
        if fields::value(conn, customer_id, value.0)?.as_deref() != Some(value.1.as_str()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether a typed signature is the one stored with the receipt `receipt_id`
/// (the digest says only that a name was typed). When the shop no longer
/// holds it — the customer was erased — there is nothing to tell them
/// apart, and nothing a repeated result could reveal: it counts as the same.
fn signature_held(conn: &Connection, receipt_id: &str, given: Option<&Signature>) -> Result<bool> {
    let Some(Signature::Typed(typed)) = given else {
        return Ok(true);
    };
    let Ok(name) = typed.checked_name() else {
        return Ok(false);
    };
    Ok(match signatures::of_receipt(conn, receipt_id)? {
        Some(Stored::Typed { name: stored }) => stored == name,
        Some(Stored::Drawn) => false,
        None => true,
    })
}

/// A form's id, seen or not: the first result again, or the mark to keep
/// with the new act's receipt.
pub(crate) enum FormSeen {
    Recorded(Recorded),
    New(Option<OwnedFormMark>),
}

/// A form's id and the digest of what it said, owned.
pub(crate) struct OwnedFormMark {
    form_id: String,
    sha256: [u8; 32],
}

impl OwnedFormMark {
    pub(crate) fn as_mark(&self) -> FormMark<'_> {
        FormMark {
            form_id: &self.form_id,
            sha256: self.sha256,
        }
    }
}

impl Vault {
    /// The result of the form `form_id` if it was recorded already, given
    /// again without writing anything; `None` for a form not seen before. A
    /// submission that says something else under a recorded id is refused
    /// (`FormAlreadyRecorded`): recording it would make a second act the
    /// customer signed once, and dropping it silently would lose what they
    /// changed. In customer mode only the customer the screen is bound to
    /// (after a join, the one who joined) gets the result.
    fn recorded_form(
        &self,
        session: &Session,
        form_id: Option<&FormId>,
        submission: &Submission<'_>,
    ) -> Result<Option<Recorded>> {
        let Some(form_id) = form_id else {
            return Ok(None);
        };
        let Some(found) = receipts::for_form(&self.conn, form_id.as_str())? else {
            return Ok(None);
        };
        // A withdrawal of membership erased the customer: their number is
        // on the tombstone.
        let customer_id = match customer::id_of(&self.conn, &found.customer_ref) {
            Err(Error::CustomerNotFound) => {
                records::erasure::erased_number(&self.conn, &found.customer_ref)?
                    .ok_or(Error::CustomerNotFound)?
            }
            other => other?,
        };
        handover::check_act_for(session, Some(customer_id))?;
        let same = found.form_sha256 == submission.digest()
            && values_held(&self.conn, customer_id, submission.fields)?
            && signature_held(&self.conn, &found.receipt.receipt_id, submission.signature)?;
        if !same {
            return Err(Error::FormAlreadyRecorded {
                receipt_id: found.receipt.receipt_id,
            });
        }
        Ok(Some(Recorded {
            customer_id,
            erased_fields: receipts::erased_fields(&found.receipt.json),
            receipt: found.receipt,
            warnings: self.warnings(),
            repeated: true,
        }))
    }

    /// Whether this form was seen: the first result again, or the mark for
    /// a new act (`None` when the form has no id).
    pub(crate) fn form_seen(
        &self,
        session: &Session,
        form_id: Option<&FormId>,
        submission: &Submission<'_>,
    ) -> Result<FormSeen> {
        if let Some(again) = self.recorded_form(session, form_id, submission)? {
            return Ok(FormSeen::Recorded(again));
        }
        Ok(FormSeen::New(form_id.map(|id| OwnedFormMark {
            form_id: id.as_str().to_owned(),
            sha256: submission.digest(),
        })))
    }

    /// [`Vault::form_seen`] for a withdrawal form.
    pub(crate) fn withdrawal_seen(
        &self,
        session: &Session,
        customer_id: i64,
        request: &Withdrawal,
    ) -> Result<FormSeen> {
        let submission = Submission {
            act: "withdraw",
            customer_id: Some(customer_id),
            lang: request.lang,
            notice_version: None,
            purposes: &request.purposes,
            fields: &[],
            method: request.method,
            identity_check: request.identity_check,
            signature: request.signature.as_ref(),
        };
        self.form_seen(session, request.form_id.as_ref(), &submission)
    }
}
