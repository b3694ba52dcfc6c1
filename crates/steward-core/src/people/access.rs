//! What each role sees of a customer, as data: the view the core builds
//! for it, how a search is limited, and the purposes of access it may give
//! when opening a profile. `permissions` says *whether* a role may take an
//! action; this module says *how much* of a customer that action shows.
//! The UI only displays the view types of `views`, which hold nothing else.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::permissions::Role;

/// Why someone opens a customer's profile: picked from this short list and
/// written to the audit log with the access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessPurpose {
    /// Serving the customer at the till (purchases, points, notes).
    ServeAtTill,
    /// Preparing a home delivery: shows the delivery address, if the
    /// customer agreed to home delivery.
    Delivery,
    /// The customer asked for something (a correction, what we hold).
    CustomerRequest,
    /// Handling a complaint.
    Complaint,
    /// Working on a follow-up task.
    FollowUp,
    /// Preparing a campaign the customer agreed to (marketing).
    Campaign,
}

impl AccessPurpose {
    pub const ALL: [AccessPurpose; 6] = [
        AccessPurpose::ServeAtTill,
        AccessPurpose::Delivery,
        AccessPurpose::CustomerRequest,
        AccessPurpose::Complaint,
        AccessPurpose::FollowUp,
        AccessPurpose::Campaign,
    ];

    /// The stable id used in the audit log, the CLI and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessPurpose::ServeAtTill => "serve-at-till",
            AccessPurpose::Delivery => "delivery",
            AccessPurpose::CustomerRequest => "customer-request",
            AccessPurpose::Complaint => "complaint",
            AccessPurpose::FollowUp => "follow-up",
            AccessPurpose::Campaign => "campaign",
        }
    }

    pub fn parse(s: &str) -> Result<AccessPurpose> {
        AccessPurpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "purpose",
                reason: "expected serve-at-till, delivery, customer-request, complaint, follow-up or campaign",
            })
    }
}

/// Which view of a customer a role gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// The whole record: every held field, consents, history, notes.
    Full,
    /// What serving at the till needs: name, how they like to be contacted,
    /// points, recent purchases and notes, open tasks; the delivery address
    /// only for a delivery.
    Till,
    /// Only what the marketing purposes the customer agreed to cover, and
    /// purchase totals instead of purchases.
    Marketing,
    /// No customer data at all (the auditor sees customer numbers in logs).
    None,
}

/// What a role's search may match a query against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMatch {
    /// Every word as a prefix of a name, e-mail, phone or loyalty number:
    /// for roles that see all of these anyway.
    Full,
    /// Name words as prefixes of the name only; a phone, e-mail or loyalty
    /// number only when the query is the whole value, so a search cannot
    /// recover a detail the till view hides, a digit at a time.
    Till,
    /// No search.
    None,
}

/// How much of the customer base one role may reach.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleScope {
    pub role: Role,
    pub view: ViewKind,
    /// The most search hits returned at once (more matches are cut, and the
    /// result says so): nobody browses the customer list through search.
    pub search_cap: usize,
    /// What a search may match the query against.
    pub search_match: SearchMatch,
    /// Whether the shop's hourly search limit applies: how many different
    /// customers this role's searches may show within an hour (a shop
    /// setting, `Vault::search_limit_per_hour`).
    pub hourly_search_limit: bool,
    /// The purposes of access this role may give when opening a profile.
    pub access_purposes: &'static [AccessPurpose],
    /// How many recent purchases and notes the profile shows.
    pub recent_items: usize,
}

/// Shortest word of a search query, in letters or digits, for every role
/// and every word, so a search finds someone rather than lists.
pub const MIN_QUERY_CHARS: usize = 3;
/// Longest search query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

const SHOP_PURPOSES: &[AccessPurpose] = &[
    AccessPurpose::ServeAtTill,
    AccessPurpose::Delivery,
    AccessPurpose::CustomerRequest,
    AccessPurpose::Complaint,
    AccessPurpose::FollowUp,
];

/// The scope of every role. Why:
/// - owner and manager run the shop and handle requests and complaints:
///   the full record, up to 50 hits, any word a prefix of any field;
/// - the hourly search limit holds for the manager and staff, not for the
///   owner: she holds the keys, sets the limit and can lift it, and can
///   list consenting customers as audiences anyway, so a limit on her would
///   protect nothing (her searches are logged like everyone's) and would
///   stop the one person who can answer the alert (marketing and the
///   auditor do not search at all);
/// - staff serve at the till: the till view, 10 hits, names by prefix and
///   contact details only by their whole value, and only the purposes
///   of the shop floor (a complaint or a customer's request goes to a
///   manager);
/// - marketing prepares campaigns for customers who agreed to them: the
///   marketing view, through audiences rather than search;
/// - the auditor checks records, never customers.
pub const SCOPES: [RoleScope; 5] = [
    RoleScope {
        role: Role::Owner,
        view: ViewKind::Full,
        search_cap: 50,
        search_match: SearchMatch::Full,
        hourly_search_limit: false,
        access_purposes: SHOP_PURPOSES,
        recent_items: 50,
    },
    RoleScope {
        role: Role::Manager,
        view: ViewKind::Full,
        search_cap: 50,
        search_match: SearchMatch::Full,
        hourly_search_limit: true,
        access_purposes: SHOP_PURPOSES,
        recent_items: 50,
    },
    RoleScope {
        role: Role::Staff,
        view: ViewKind::Till,
        search_cap: 10,
        search_match: SearchMatch::Till,
        hourly_search_limit: true,
        access_purposes: &[
            AccessPurpose::ServeAtTill,
            AccessPurpose::Delivery,
            AccessPurpose::FollowUp,
        ],
        recent_items: 5,
    },
    RoleScope {
        role: Role::Marketing,
        view: ViewKind::Marketing,
        search_cap: 0,
        search_match: SearchMatch::None,
        hourly_search_limit: false,
        access_purposes: &[AccessPurpose::Campaign],
        recent_items: 0,
    },
    RoleScope {
        role: Role::Auditor,
        view: ViewKind::None,
        search_cap: 0,
        search_match: SearchMatch::None,
        hourly_search_limit: false,
        access_purposes: &[],
        recent_items: 0,
    },
];

/// The scope of `role`.
pub fn scope(role: Role) -> &'static RoleScope {
    // Invariant: SCOPES has one entry per role (tested below).
    SCOPES
        .iter()
        .find(|s| s.role == role)
        .expect("every role has a scope")
}

/// Checks that `role` may open a profile for `purpose`.
pub(crate) fn check_purpose(role: Role, purpose: AccessPurpose) -> Result<()> {
    if scope(role).access_purposes.contains(&purpose) {
        Ok(())
    } else {
        Err(Error::PurposeNotAllowed {
            purpose: purpose.as_str(),
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_exactly_one_scope() {
        for role in Role::ALL {
            assert_eq!(
                SCOPES.iter().filter(|s| s.role == role).count(),
                1,
                "{role}"
            );
        }
    }

    #[test]
    fn purpose_ids_round_trip() {
        for p in AccessPurpose::ALL {
            assert_eq!(AccessPurpose::parse(p.as_str()).unwrap(), p);
        }
        assert!(AccessPurpose::parse("curiosity").is_err());
    }
}
