//! Opening a customer's profile for a stated purpose of access: the role's
//! scope decides which view type is built (`views`), so a field the role
//! may not see never leaves the core. The opening is logged with the
//! purpose and the fields shown.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::views::{CustomerProfile, FullProfile, MarketingProfile, TillProfile};
use super::{consented_fields, granted_states, keys_of, only};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::NAME_FIELD;
use crate::consent::ledger;
use crate::consent::purposes::load_purposes;
use crate::consent::ConsentState;
use crate::error::{Error, Result};
use crate::people::access::{self, AccessPurpose, ViewKind};
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::{CONTACT_CHANNELS, HOME_DELIVERY};
use crate::records::{customer, fields, loyalty, notes, purchases, restriction, tags, tasks};
use crate::shop;
use crate::store::Vault;

fn full_profile(conn: &Connection, customer_id: i64, recent: usize) -> Result<FullProfile> {
    let header = customer::header(conn, customer_id)?;
    Ok(FullProfile {
        id: customer_id,
        consents: ledger::current_state(conn, &header.public_id)?,
        customer_ref: header.public_id,
        lang: header.lang,
        since: header.since,
        identity_check: header.identity_check,
        fields: fields::held(conn, customer_id)?,
        tags: tags::list(conn, customer_id)?,
        loyalty: loyalty::account(conn, customer_id)?,
        purchases: purchases::recent(conn, customer_id, recent)?,
        purchase_count: purchases::count(conn, customer_id)?,
        notes: notes::recent(conn, customer_id, recent)?,
        tasks: tasks::list(conn, customer_id, false)?,
        restriction: restriction::get(conn, customer_id)?,
    })
}

fn till_profile(
    conn: &Connection,
    customer_id: i64,
    purpose: AccessPurpose,
    recent: usize,
) -> Result<TillProfile> {
    let customer_ref = customer::public_id(conn, customer_id)?;
    let granted = granted_states(conn, &customer_ref)?;
    let fields = fields::held(conn, customer_id)?;
    let delivery = if purpose == AccessPurpose::Delivery
        && granted.iter().any(|s| s.purpose == HOME_DELIVERY)
    {
        let lang = customer::lang(conn, customer_id)?;
        let covered = consented_fields(conn, lang, &granted)?
            .into_iter()
            .find(|(p, _)| p == HOME_DELIVERY)
            .map(|(_, f)| f)
            .unwrap_or_default();
        Some(only(&fields, &covered))
    } else {
        None
    };
    Ok(TillProfile {
        id: customer_id,
        name: fields.get(NAME_FIELD).cloned().unwrap_or_default(),
        contact_preference: CONTACT_CHANNELS
            .iter()
            .filter(|(p, _)| granted.iter().any(|s| s.purpose == *p))
            .map(|(_, channel)| *channel)
            .collect(),
        tags: tags::list(conn, customer_id)?,
        loyalty: loyalty::account(conn, customer_id)?,
        recent_purchases: purchases::recent(conn, customer_id, recent)?,
        recent_notes: notes::recent(conn, customer_id, recent)?,
        open_tasks: tasks::list(conn, customer_id, true)?,
        delivery,
    })
}

/// The marketing view of a customer, limited to the marketing purposes in
/// `only_purpose` (or all of them); `None` when the customer agrees to none.
pub(super) fn marketing_profile(
    conn: &Connection,
    customer_id: i64,
    only_purpose: Option<&str>,
) -> Result<Option<MarketingProfile>> {
    let customer_ref = customer::public_id(conn, customer_id)?;
    if restriction::is_restricted(conn, customer_id)? {
        return Ok(None);
    }
    let marketing: BTreeSet<String> = load_purposes(conn)?
        .into_iter()
        .filter(|p| p.marketing && only_purpose.is_none_or(|only| only == p.id))
        .map(|p| p.id)
        .collect();
    let granted: Vec<ConsentState> = granted_states(conn, &customer_ref)?
        .into_iter()
        .filter(|s| marketing.contains(&s.purpose))
        .collect();
    if granted.is_empty() {
        return Ok(None);
    }
    let lang = customer::lang(conn, customer_id)?;
    let covered: BTreeSet<String> = consented_fields(conn, lang, &granted)?
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    Ok(Some(MarketingProfile {
        id: customer_id,
        purposes: granted.into_iter().map(|s| s.purpose).collect(),
        fields: only(&fields::held(conn, customer_id)?, &covered),
        purchases: purchases::stats(conn, customer_id, shop::currency(conn)?)?,
    }))
}

impl Vault {
    /// Opens a customer's profile for `purpose`: the owner and manager get
    /// the full record, staff the till view (with the delivery address only
    /// for a delivery), marketing the marketing view of a customer who
    /// agreed to marketing (any other customer is "not found" to it).
    /// Logged with the purpose and the fields shown.
    pub fn customer_profile(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        purpose: AccessPurpose,
    ) -> Result<CustomerProfile> {
        self.authorize(session, Action::ViewCustomer)?;
        let role = session.role();
        access::check_purpose(role, purpose)?;
        let scope = access::scope(role);
        let user_id = session.user_id();
        // A restricted record is not used: only the full view (owner,
        // manager) opens it, marked; the till view is refused, and to
        // marketing it is "not found" below.
        if scope.view == ViewKind::Till {
            restriction::ensure_not_restricted(self, session, customer_id, "customer.view")?;
        }
        let profile = self.transact("open a customer's profile", |tx| {
            let conn = tx.conn();
            let (profile, touched): (Option<CustomerProfile>, Vec<&'static str>) = match scope.view
            {
                ViewKind::Full => {
                    let p = full_profile(conn, customer_id, scope.recent_items)?;
                    let mut touched: Vec<&'static str> = keys_of(&p.fields).collect();
                    touched.extend(["consents", "tags", "loyalty", "purchases", "notes", "tasks"]);
                    if p.restriction.is_some() {
                        touched.push("restriction");
                    }
                    (Some(CustomerProfile::Full(p)), touched)
                }
                ViewKind::Till => {
                    let p = till_profile(conn, customer_id, purpose, scope.recent_items)?;
                    let mut touched = vec![NAME_FIELD, "contact_preference", "tags", "loyalty"];
                    touched.extend(["purchases", "notes", "tasks"]);
                    if let Some(d) = &p.delivery {
                        touched.extend(keys_of(d).filter(|k| *k != NAME_FIELD));
                    }
                    (Some(CustomerProfile::Till(p)), touched)
                }
                ViewKind::Marketing => match marketing_profile(conn, customer_id, None)? {
                    Some(p) => {
                        let mut touched: Vec<&'static str> = keys_of(&p.fields).collect();
                        touched.push("purchase_totals");
                        (Some(CustomerProfile::Marketing(p)), touched)
                    }
                    None => (None, Vec::new()),
                },
                ViewKind::None => {
                    return Err(Error::Forbidden {
                        action: Action::ViewCustomer,
                        role,
                    })
                }
            };
            if profile.is_some() {
                tx.audit(
                    AuditEvent::new("customer.view", Outcome::Ok)
                        .by(user_id, role)
                        .on(Subject::Customer(customer_id))
                        .because(purpose.as_str())
                        .touching(touched),
                )?;
            }
            Ok(profile)
        })?;
        match profile {
            Some(p) => Ok(p),
            None => {
                self.log_standalone(
                    AuditEvent::new("customer.view", Outcome::Denied)
                        .by(user_id, role)
                        .on(Subject::Customer(customer_id))
                        .because("no marketing consent"),
                )?;
                Err(Error::CustomerNotFound)
            }
        }
    }
}
