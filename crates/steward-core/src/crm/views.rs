//! The views of a customer that leave the core: one type per role's scope
//! (`access::ViewKind`). A field a role may not see has no place in its
//! type, so it can never be serialized to the UI or the CLI by mistake.
//! Catalog fields are maps keyed by field name, so what a view holds is
//! visible in its JSON keys.

use serde::Serialize;

use crate::consent::ConsentState;
pub use crate::invitations::InvitedHit;
use crate::language::Lang;

pub use crate::records::restriction::{Restriction, RestrictionCategory};
pub use crate::records::{Fields, Loyalty, Note, Purchase, PurchaseItem, PurchaseStats, Task};

/// A search hit for the owner and the manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullHit {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty_number: Option<String>,
    /// The record is restricted (kept but not used): staff do not find it.
    pub restricted: bool,
}

/// A search hit for staff: enough to pick the right person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TillHit {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty_number: Option<String>,
}

/// Search hits, as the role may see them.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "view", content = "hits", rename_all = "lowercase")]
pub enum Hits {
    Full(Vec<FullHit>),
    Till(Vec<TillHit>),
}

impl Hits {
    pub fn len(&self) -> usize {
        match self {
            Hits::Full(h) => h.len(),
            Hits::Till(h) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The customer numbers of the hits, in order.
    pub fn ids(&self) -> Vec<i64> {
        match self {
            Hits::Full(h) => h.iter().map(|x| x.id).collect(),
            Hits::Till(h) => h.iter().map(|x| x.id).collect(),
        }
    }
}

/// What a search returns.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    #[serde(flatten)]
    pub hits: Hits,
    /// More customers matched than the role may see at once: type more.
    pub truncated: bool,
    /// How many words of the query were shorter than three letters or
    /// digits and so were left out of the search (not matched at all).
    pub ignored_words: usize,
    /// People on the shop's imported list who match: invited, not yet
    /// joined (never customers; opened with `Vault::open_invitation`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<InvitedHit>,
}

/// The whole record, for the owner and the manager.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullProfile {
    pub id: i64,
    /// The random id on the customer's receipts.
    pub customer_ref: String,
    pub lang: Lang,
    pub since: String,
    pub identity_check: String,
    pub fields: Fields,
    pub consents: Vec<ConsentState>,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<Loyalty>,
    pub purchases: Vec<Purchase>,
    pub purchase_count: i64,
    pub notes: Vec<Note>,
    pub tasks: Vec<Task>,
    /// Set while the record is restricted: since when, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restriction>,
}

/// What staff see at the till.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TillProfile {
    pub id: i64,
    pub name: String,
    /// The channels the customer agreed to be contacted through (`email`,
    /// `sms`), not the addresses.
    pub contact_preference: Vec<&'static str>,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loyalty: Option<Loyalty>,
    pub recent_purchases: Vec<Purchase>,
    pub recent_notes: Vec<Note>,
    pub open_tasks: Vec<Task>,
    /// Only when the profile was opened for a delivery and the customer
    /// agreed to home delivery: the fields that purpose covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Fields>,
}

/// What marketing sees of a customer who agreed to marketing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketingProfile {
    pub id: i64,
    /// The marketing purposes the customer currently agrees to.
    pub purposes: Vec<String>,
    /// The fields those purposes cover, as held.
    pub fields: Fields,
    pub purchases: PurchaseStats,
}

/// A customer's profile, as the role may see it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "view", rename_all = "lowercase")]
pub enum CustomerProfile {
    Full(FullProfile),
    Till(TillProfile),
    Marketing(MarketingProfile),
}

/// One page of a marketing audience.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AudiencePage {
    pub purpose: String,
    /// Customers currently agreeing to the purpose.
    pub total: i64,
    pub offset: i64,
    pub customers: Vec<MarketingProfile>,
}
