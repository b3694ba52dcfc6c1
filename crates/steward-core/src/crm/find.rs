//! Finding a customer by name, phone, e-mail or loyalty number. What a
//! query may match is the role's (`SearchMatch`: staff find names by prefix
//! and contact details only whole); the hits are the role's search view, at
//! most the role's cap; a restricted record is found only by the owner and
//! a manager, marked. The search is logged with the customers it showed,
//! the fields it matched on and the fields it showed of them, never the
//! query. The hourly search limit (`search_limit`) is checked here, in the
//! same transaction, so no caller can search around it.

use std::collections::BTreeSet;

use super::search_limit::{self, Before};
use super::views::{FullHit, Hits, SearchResults, TillHit};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::NAME_FIELD;
use crate::error::{Error, Result};
use crate::invitations::table::{self as invitations, Wanted};
use crate::invitations::InvitedHit;
use crate::people::access::{self, ViewKind};
use crate::people::Session;
use crate::permissions::{is_allowed, Action};
use crate::records::search::{Matcher, Plain};
use crate::records::{fields, loyalty, restriction, search};
use crate::store::Vault;

/// The waiting (not expired) invitations a till search finds: names by
/// the beginning of their words, a phone or an e-mail address only whole.
fn invited_matching(
    conn: &rusqlite::Connection,
    matcher: &Matcher,
    now: chrono::DateTime<chrono::Utc>,
    limit: usize,
) -> Result<Vec<InvitedHit>> {
    let since = invitations::expiry_cutoff(conn, now)?;
    let plain = matcher.plain();
    let wanted = match &plain {
        Plain::Email(e) => Wanted::Email(e),
        Plain::Number(d) => Wanted::Number(d),
        Plain::Words(w) => Wanted::Words(w),
    };
    Ok(invitations::matching(conn, &wanted, since, limit)?
        .into_iter()
        .map(|(id, name)| InvitedHit { id, name })
        .collect())
}

impl Vault {
    /// Finds customers by name, phone, e-mail or loyalty number (accents and
    /// case ignored). Owner and manager match every word as a prefix of any
    /// of them; staff match name words as prefixes and a phone, e-mail or
    /// loyalty number only whole. Every word needs at least three letters
    /// or digits. The hits are the role's search view, at most the role's
    /// cap. The search is logged with the customers it showed, the fields
    /// it matched on and the fields it showed of them, never the query.
    ///
    /// For a manager or staff, a search that would take the different
    /// customers their searches showed within the hour past the shop's
    /// limit is refused whole (`SearchLimitReached`), and so is every search
    /// of theirs for the next hour; the owner sees an alert
    /// ([`Vault::search_limit_alerts`]).
    pub fn search_customers(
        &mut self,
        session: &mut Session,
        query: &str,
    ) -> Result<SearchResults> {
        self.authorize(session, Action::SearchCustomers)?;
        let scope = access::scope(session.role());
        let matcher = search::match_expression(query, scope.search_match)?;
        let (user_id, role) = (session.user_id(), session.role());
        let found = self.transact("search customers", |tx| {
            let budget = match search_limit::before_search(tx, user_id, role)? {
                Before::Refused(refusal) => return Ok(Err(refusal)),
                Before::Within(budget) => Some(budget),
                Before::Unlimited => None,
            };
            let conn = tx.conn();
            // A restricted record is kept but not used: staff do not find
            // it; the owner and a manager do, marked.
            let restricted = restriction::restricted_ids(conn)?;
            let hidden = |id: &i64| scope.view != ViewKind::Full && restricted.contains(id);
            let fetch = scope.search_cap
                + 1
                + if scope.view == ViewKind::Full {
                    0
                } else {
                    restricted.len()
                };
            let mut ids: Vec<i64> = search::matching_customers(conn, &matcher, fetch)?
                .into_iter()
                .filter(|id| !hidden(id))
                .collect();
            if let Some(email) = &matcher.exact_email {
                let mut whole = Vec::with_capacity(ids.len());
                for id in ids {
                    let held = fields::value(conn, id, "email")?;
                    if held.is_some_and(|v| v.to_lowercase() == *email) {
                        whole.push(id);
                    }
                }
                ids = whole;
            }
            let mut truncated = ids.len() > scope.search_cap;
            ids.truncate(scope.search_cap);
            // People on the shop's imported list, for those who serve at
            // the till: shown apart, never as customers.
            let mut invited = if is_allowed(role, Action::ServeInvitations) {
                invited_matching(conn, &matcher, tx.now, scope.search_cap + 1)?
            } else {
                Vec::new()
            };
            truncated |= invited.len() > scope.search_cap;
            invited.truncate(scope.search_cap);
            let invited_ids: Vec<i64> = invited.iter().map(|h| h.id).collect();
            if let Some(budget) = &budget {
                if let Some(refusal) =
                    search_limit::after_search(tx, user_id, role, budget, &ids, &invited_ids)?
                {
                    return Ok(Err(refusal));
                }
            }
            let conn = tx.conn();
            // The fields the query was matched on are touched too, shown or not.
            let mut shown: BTreeSet<&'static str> = search::matched_fields(conn, &matcher, &ids)?
                .into_iter()
                .collect();
            if !invited.is_empty() {
                shown.insert(NAME_FIELD);
            }
            let hits = match scope.view {
                ViewKind::Full => {
                    let mut hits = Vec::with_capacity(ids.len());
                    for id in &ids {
                        let fields = fields::held(conn, *id)?;
                        let loyalty = loyalty::account(conn, *id)?;
                        shown.insert(NAME_FIELD);
                        shown.extend(
                            ["email", "phone"]
                                .into_iter()
                                .filter(|k| fields.contains_key(k)),
                        );
                        if loyalty.is_some() {
                            shown.insert("loyalty");
                        }
                        hits.push(FullHit {
                            id: *id,
                            name: fields.get(NAME_FIELD).cloned().unwrap_or_default(),
                            email: fields.get("email").cloned(),
                            phone: fields.get("phone").cloned(),
                            loyalty_number: loyalty.map(|l| l.number),
                            restricted: restricted.contains(id),
                        });
                    }
                    Hits::Full(hits)
                }
                ViewKind::Till => {
                    let mut hits = Vec::with_capacity(ids.len());
                    for id in &ids {
                        let name = fields::value(conn, *id, NAME_FIELD)?.unwrap_or_default();
                        let loyalty = loyalty::account(conn, *id)?;
                        shown.insert(NAME_FIELD);
                        if loyalty.is_some() {
                            shown.insert("loyalty");
                        }
                        hits.push(TillHit {
                            id: *id,
                            name,
                            loyalty_number: loyalty.map(|l| l.number),
                        });
                    }
                    Hits::Till(hits)
                }
                ViewKind::Marketing | ViewKind::None => {
                    return Err(Error::Forbidden {
                        action: Action::SearchCustomers,
                        role,
                    })
                }
            };
            let mut event = AuditEvent::new("customer.search", Outcome::Ok)
                .by(user_id, role)
                .because("find-customer")
                .touching(shown);
            event = event.on(Subject::Found {
                customers: ids,
                invitations: invited_ids,
            });
            tx.audit(event)?;
            Ok(Ok(SearchResults {
                hits,
                truncated,
                ignored_words: matcher.ignored_words,
                invited,
            }))
        })?;
        found
    }
}
