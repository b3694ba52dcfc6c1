//! The words of a consent decision: how identity was checked, how consent
//! was collected, the decisions, the forms a customer fills in (signed as
//! `signature` says), and what a recorded decision and a consent history
//! look like when they leave the core.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, Warning};
use crate::language::Lang;

use super::receipts::Receipt;
use super::signature::Signature;

/// How the shop checked who the customer is. The document number itself is
/// never recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityCheck {
    IdDocument,
    KnownCustomer,
    PhoneCode,
    EmailCode,
    SelfDeclared,
    /// Nobody's identity was checked because nobody asked: Steward itself
    /// recorded that a retention period ran out. Never chosen by staff.
    #[serde(skip_deserializing)]
    NotNeeded,
}

impl IdentityCheck {
    pub const ALL: [IdentityCheck; 5] = [
        IdentityCheck::IdDocument,
        IdentityCheck::KnownCustomer,
        IdentityCheck::PhoneCode,
        IdentityCheck::EmailCode,
        IdentityCheck::SelfDeclared,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityCheck::IdDocument => "id-document",
            IdentityCheck::KnownCustomer => "known-customer",
            IdentityCheck::PhoneCode => "phone-code",
            IdentityCheck::EmailCode => "email-code",
            IdentityCheck::SelfDeclared => "self-declared",
            IdentityCheck::NotNeeded => "not-needed",
        }
    }

    pub fn parse(s: &str) -> Result<IdentityCheck> {
        IdentityCheck::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "identity check",
                reason: "use id-document, known-customer, phone-code, email-code or self-declared",
            })
    }
}

/// How the consent was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollectionMethod {
    /// The customer filled in the on-screen form and signed it.
    InStoreForm,
    /// The customer filled in and signed the shop's printed form.
    Paper,
    /// Carried over from an earlier record.
    Imported,
    /// Recorded by Steward itself when a retention period ran out (no
    /// customer or staff member acted). Never chosen by staff.
    #[serde(skip_deserializing)]
    RetentionSchedule,
}

impl CollectionMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionMethod::InStoreForm => "in-store-form",
            CollectionMethod::Paper => "paper",
            CollectionMethod::Imported => "imported",
            CollectionMethod::RetentionSchedule => "retention-schedule",
        }
    }

    pub fn parse(s: &str) -> Result<CollectionMethod> {
        [
            CollectionMethod::InStoreForm,
            CollectionMethod::Paper,
            CollectionMethod::Imported,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
        .ok_or(Error::InvalidInput {
            field: "collection method",
            reason: "use in-store-form, paper or imported",
        })
    }
}

/// One decision on one purpose, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Grant,
    Refuse,
    Withdraw,
    /// A grant for a purpose already granted (e.g. under a newer notice).
    Renew,
    /// The purpose's retention period ran out: what it covered is erased,
    /// as after a withdrawal. Recorded by the retention schedule only.
    #[serde(skip_deserializing)]
    Expire,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Grant => "grant",
            Decision::Refuse => "refuse",
            Decision::Withdraw => "withdraw",
            Decision::Renew => "renew",
            Decision::Expire => "expire",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Decision> {
        [
            Decision::Grant,
            Decision::Refuse,
            Decision::Withdraw,
            Decision::Renew,
            Decision::Expire,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }

    /// Whether the purpose is granted after this decision.
    pub fn grants(self) -> bool {
        matches!(self, Decision::Grant | Decision::Renew)
    }
}

/// The random id a consent form gets when it is shown (`FormId::generate`,
/// by the core) and carries with its submission. A form submitted twice (a
/// retry after an error, a double click, a reply that never arrived) is
/// recorded once: the second submission gets the first one's result, or is
/// refused (`FormAlreadyRecorded`) if it says something else. Not personal
/// data; a UUID, stored in its hyphenated lower-case form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FormId(String);

impl FormId {
    /// A new random id (UUID v4: 122 random bits).
    pub fn generate() -> FormId {
        FormId(uuid::Uuid::new_v4().hyphenated().to_string())
    }

    /// Reads an id a form or a script gives: a UUID, hyphenated or as 32
    /// hexadecimal digits (e.g. from `uuidgen`). The all-zero and all-one
    /// UUIDs are refused: they are not random.
    pub fn parse(s: &str) -> Result<FormId> {
        let invalid = || Error::InvalidInput {
            field: "form id",
            reason: "give a random UUID, e.g. from `uuidgen`",
        };
        let id = uuid::Uuid::try_parse(s.trim()).map_err(|_| invalid())?;
        if id.is_nil() || id.is_max() {
            return Err(invalid());
        }
        Ok(FormId(id.hyphenated().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FormId {
    type Error = Error;
    fn try_from(s: String) -> Result<FormId> {
        FormId::parse(&s)
    }
}

impl From<FormId> for String {
    fn from(id: FormId) -> String {
        id.0
    }
}

/// What the customer decided on a form: the ticked purposes and the values
/// for their fields, under the notice version they were shown.
#[derive(Debug, Clone)]
pub struct ConsentForm {
    pub lang: Lang,
    /// The notice version the form showed; must still be the current one.
    pub notice_version: i64,
    /// Purposes the customer ticked.
    pub granted: Vec<String>,
    /// Field values, by catalog key. Empty values count as not given.
    pub fields: Vec<(String, String)>,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    /// Required for the on-screen form; the paper form is signed on paper.
    pub signature: Option<Signature>,
    /// The form's id, so that submitting it twice records it once (the app
    /// always gives one; a script may).
    pub form_id: Option<FormId>,
}

/// A customer's request to withdraw purposes.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// The receipt's language; `None` for the language the customer joined in.
    pub lang: Option<Lang>,
    pub purposes: Vec<String>,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub signature: Option<Signature>,
    /// The form's id, as for [`ConsentForm::form_id`].
    pub form_id: Option<FormId>,
}

/// A customer's objection to marketing (Art. 21): withdraws every
/// marketing purpose they agree to.
#[derive(Debug, Clone)]
pub struct Objection {
    /// The receipt's language; `None` for the language the customer joined in.
    pub lang: Option<Lang>,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    pub signature: Option<Signature>,
}

/// The outcome of a recorded decision.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    pub customer_id: i64,
    pub receipt: Receipt,
    /// Catalog keys whose values were erased (withdrawals).
    pub erased_fields: Vec<String>,
    /// What the shop should know about this change, which was saved (the
    /// journal still holds erased data, the audit anchor lags behind).
    pub warnings: Vec<Warning>,
    /// True when this is the result of an earlier submission of the same
    /// form, returned again: nothing new was recorded.
    pub repeated: bool,
}

/// A customer's consent to one purpose, derived from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentState {
    pub purpose: String,
    pub granted: bool,
    /// The last decision and when it was made.
    pub decision: Decision,
    pub since: String,
    pub notice_version: i64,
}

/// One ledger row, as shown in a history (no contact data in it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    pub seq: i64,
    pub at: String,
    pub decision: Decision,
    pub purpose: String,
    pub notice_version: i64,
    pub notice_sha256: String,
    pub lang: String,
    pub method: String,
    pub identity_check: String,
    /// The username of who recorded it (`user:<id>` if the account is gone).
    pub recorded_by: String,
    pub receipt_id: String,
}

/// A customer's consent history.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentHistory {
    pub customer_id: i64,
    /// The random id that names the customer on receipts and in the ledger.
    pub customer_ref: String,
    /// The language the customer chose when joining (for their forms and
    /// receipts).
    pub lang: Lang,
    pub current: Vec<ConsentState>,
    pub entries: Vec<LedgerEntry>,
}
