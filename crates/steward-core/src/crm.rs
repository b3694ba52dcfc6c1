//! The everyday CRM: finding a customer, opening their profile for a stated
//! purpose, correcting their data, and recording purchases, notes, tasks,
//! tags and loyalty points.
//!
//! Three rules hold for every call here:
//! - the role's scope (`access`) decides which view type is built, so a
//!   field the role may not see never leaves the core;
//! - data is written only for a purpose the customer agreed to
//!   ([`RECORD_PURPOSES`], and for catalog fields the purposes that list
//!   them in the notice the customer agreed to), else `ConsentMissing`;
//! - every read and change appends its audit entry (who, which customers,
//!   why, which fields) in the same transaction: no caller can forget it.
//!   A read's "why" is the purpose of access given; a change's is the
//!   purpose the record is kept for (`RECORD_PURPOSES`).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use crate::access::{self, AccessPurpose, ViewKind};
use crate::audit::{AuditEvent, Outcome};
use crate::auth::Session;
use crate::catalog::{self, validate_free_text, FieldSpec, NAME_FIELD};
use crate::consent::{self, ConsentState};
use crate::error::{Error, Result};
use crate::language::Lang;
use crate::permissions::Action;
use crate::purposes::{self, MEMBERSHIP};
use crate::search;
use crate::time::format_ts;
use crate::vault::Vault;
use crate::views::{
    AudiencePage, CustomerProfile, Fields, FullHit, FullProfile, Hits, Loyalty, MarketingProfile,
    Note, Purchase, PurchaseItem, PurchaseStats, SearchResults, Task, TillHit, TillProfile,
};

/// The purpose that loyalty points and the loyalty number are kept for.
pub const LOYALTY: &str = "loyalty";
/// The purpose whose fields a delivery may show to staff.
pub const HOME_DELIVERY: &str = "home-delivery";

/// What each kind of record about a customer is kept for. Writing one needs
/// the customer's current consent to that purpose; withdrawing the purpose
/// erases the records (membership: with the whole customer).
pub const RECORD_PURPOSES: &[(&str, &str)] = &[
    ("purchases", MEMBERSHIP),
    ("notes", MEMBERSHIP),
    ("tasks", MEMBERSHIP),
    ("tags", MEMBERSHIP),
    ("loyalty", LOYALTY),
];

/// The purposes whose consent means "contact me through this channel".
const CONTACT_CHANNELS: &[(&str, &str)] = &[("email-offers", "email"), ("sms-offers", "sms")];

/// One loyalty point per whole unit of currency spent.
const CENTS_PER_POINT: i64 = 100;
const AUDIENCE_PAGE: i64 = 50;
const MAX_ITEMS: usize = 50;
const MAX_TAGS: usize = 20;

/// A purchase to record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPurchase {
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub date: Option<String>,
    pub items: Vec<NewItem>,
}

/// One line of a purchase to record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewItem {
    pub description: String,
    pub quantity: i64,
    pub unit_cents: i64,
}

/// A follow-up task to add.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTask {
    pub title: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: Option<String>,
}

fn record_purpose(kind: &str) -> &'static str {
    RECORD_PURPOSES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(MEMBERSHIP, |(_, p)| p)
}

fn customer_subject(id: i64) -> String {
    format!("customer:{id}")
}

/// A list of customers as one audit subject (`customer:3 customer:9`).
fn customers_subject(ids: &[i64]) -> Option<String> {
    (!ids.is_empty()).then(|| {
        ids.iter()
            .map(|id| customer_subject(*id))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

fn granted_states(conn: &Connection, customer_ref: &str) -> Result<Vec<ConsentState>> {
    Ok(consent::current_state(conn, customer_ref)?
        .into_iter()
        .filter(|s| s.granted)
        .collect())
}

fn require_purpose(granted: &[ConsentState], purpose: &str) -> Result<()> {
    if granted.iter().any(|s| s.purpose == purpose) {
        Ok(())
    } else {
        Err(Error::ConsentMissing {
            purpose: purpose.to_owned(),
        })
    }
}

fn customer_lang(conn: &Connection, customer_id: i64) -> Result<Lang> {
    conn.prepare_cached("SELECT lang FROM customer WHERE id = ?1")
        .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)).optional())
        .map_err(Error::db("find the customer"))?
        .ok_or(Error::CustomerNotFound)
}

/// The customer's held catalog fields.
fn held_fields(conn: &Connection, customer_id: i64) -> Result<Fields> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached("SELECT field, value FROM customer_field WHERE customer_id = ?1")
        .and_then(|mut s| {
            s.query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(Error::db("read the customer's data"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(k, v)| catalog::spec(&k).ok().map(|s| (s.key, v)))
        .collect())
}

fn only(fields: &Fields, keys: &BTreeSet<String>) -> Fields {
    fields
        .iter()
        .filter(|(k, _)| keys.contains(**k))
        .map(|(k, v)| (*k, v.clone()))
        .collect()
}

/// The fields each granted purpose covered in the notice the customer
/// agreed to (a field added to a purpose later needs the consent renewed).
fn consented_fields(
    conn: &Connection,
    lang: Lang,
    granted: &[ConsentState],
) -> Result<Vec<(String, BTreeSet<String>)>> {
    let mut out = Vec::new();
    for state in granted {
        let notice = purposes::read_notice(conn, lang, Some(state.notice_version))?;
        let fields = notice
            .body
            .purposes
            .iter()
            .find(|p| p.id == state.purpose)
            .map(|p| p.fields.iter().map(|f| f.key.clone()).collect())
            .unwrap_or_default();
        out.push((state.purpose.clone(), fields));
    }
    Ok(out)
}

fn loyalty_of(conn: &Connection, customer_id: i64) -> Result<Option<Loyalty>> {
    conn.prepare_cached(
        "SELECT a.number, coalesce((SELECT sum(points) FROM loyalty_entry e WHERE e.customer_id = a.customer_id), 0)
         FROM loyalty_account a WHERE a.customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(Loyalty {
                number: r.get(0)?,
                points: r.get(1)?,
            })
        })
        .optional()
    })
    .map_err(Error::db("read the loyalty account"))
}

fn tags_of(conn: &Connection, customer_id: i64) -> Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM customer_tag WHERE customer_id = ?1 ORDER BY tag")
        .and_then(|mut s| s.query_map([customer_id], |r| r.get(0))?.collect())
        .map_err(Error::db("read the customer's tags"))
}

fn purchases_of(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Purchase>> {
    let heads: Vec<(i64, String, i64, String, Option<i64>)> = conn
        .prepare_cached(
            "SELECT p.id, p.bought_on, p.total_cents, p.currency,
                    (SELECT sum(points) FROM loyalty_entry e WHERE e.purchase_id = p.id)
             FROM purchase p WHERE p.customer_id = ?1
             ORDER BY p.bought_on DESC, p.id DESC LIMIT ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![customer_id, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .map_err(Error::db("read the customer's purchases"))?;
    let mut out = Vec::with_capacity(heads.len());
    for (id, date, total_cents, currency, points) in heads {
        let items = conn
            .prepare_cached(
                "SELECT description, quantity, unit_cents FROM purchase_item
                 WHERE purchase_id = ?1 ORDER BY position",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok(PurchaseItem {
                        description: r.get(0)?,
                        quantity: r.get(1)?,
                        unit_cents: r.get(2)?,
                    })
                })?
                .collect()
            })
            .map_err(Error::db("read the customer's purchases"))?;
        out.push(Purchase {
            id,
            date,
            total_cents,
            currency,
            items,
            points,
        });
    }
    Ok(out)
}

fn purchase_stats(conn: &Connection, customer_id: i64) -> Result<PurchaseStats> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(total_cents), 0), substr(max(bought_on), 1, 7),
                (SELECT currency FROM shop WHERE id = 1)
         FROM purchase WHERE customer_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([customer_id], |r| {
            Ok(PurchaseStats {
                count: r.get(0)?,
                total_cents: r.get(1)?,
                currency: r.get(3)?,
                last_month: r.get(2)?,
            })
        })
    })
    .map_err(Error::db("read the customer's purchases"))
}

fn notes_of(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Note>> {
    conn.prepare_cached(
        "SELECT n.id, n.created_at, coalesce(u.username, 'user:' || n.created_by), n.body
         FROM customer_note n LEFT JOIN user_account u ON u.id = n.created_by
         WHERE n.customer_id = ?1 ORDER BY n.id DESC LIMIT ?2",
    )
    .and_then(|mut s| {
        s.query_map(params![customer_id, limit as i64], |r| {
            Ok(Note {
                id: r.get(0)?,
                at: r.get(1)?,
                by: r.get(2)?,
                text: r.get(3)?,
            })
        })?
        .collect()
    })
    .map_err(Error::db("read the customer's notes"))
}

fn tasks_of(conn: &Connection, customer_id: i64, open_only: bool) -> Result<Vec<Task>> {
    conn.prepare_cached(
        "SELECT id, title, due_on, done_at IS NOT NULL, created_at FROM customer_task
         WHERE customer_id = ?1 AND (?2 = 0 OR done_at IS NULL)
         ORDER BY done_at IS NOT NULL, coalesce(due_on, '9999'), id",
    )
    .and_then(|mut s| {
        s.query_map(params![customer_id, open_only], |r| {
            Ok(Task {
                id: r.get(0)?,
                title: r.get(1)?,
                due: r.get(2)?,
                done: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?
        .collect()
    })
    .map_err(Error::db("read the customer's tasks"))
}

/// The field names of `fields`, for the audit entry.
fn keys_of(fields: &Fields) -> impl Iterator<Item = &'static str> + '_ {
    fields.keys().copied()
}

fn full_profile(conn: &Connection, customer_id: i64, recent: usize) -> Result<FullProfile> {
    let (customer_ref, lang, since, identity_check): (String, Lang, String, String) = conn
        .prepare_cached(
            "SELECT public_id, lang, created_at, identity_check FROM customer WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([customer_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
        })
        .map_err(Error::db("read the customer"))?
        .ok_or(Error::CustomerNotFound)?;
    Ok(FullProfile {
        id: customer_id,
        consents: consent::current_state(conn, &customer_ref)?,
        customer_ref,
        lang,
        since,
        identity_check,
        fields: held_fields(conn, customer_id)?,
        tags: tags_of(conn, customer_id)?,
        loyalty: loyalty_of(conn, customer_id)?,
        purchases: purchases_of(conn, customer_id, recent)?,
        purchase_count: conn
            .prepare_cached("SELECT count(*) FROM purchase WHERE customer_id = ?1")
            .and_then(|mut s| s.query_row([customer_id], |r| r.get(0)))
            .map_err(Error::db("read the customer's purchases"))?,
        notes: notes_of(conn, customer_id, recent)?,
        tasks: tasks_of(conn, customer_id, false)?,
    })
}

fn till_profile(
    conn: &Connection,
    customer_id: i64,
    purpose: AccessPurpose,
    recent: usize,
) -> Result<TillProfile> {
    let customer_ref = consent::customer_ref(conn, customer_id)?;
    let granted = granted_states(conn, &customer_ref)?;
    let fields = held_fields(conn, customer_id)?;
    let delivery = if purpose == AccessPurpose::Delivery
        && granted.iter().any(|s| s.purpose == HOME_DELIVERY)
    {
        let lang = customer_lang(conn, customer_id)?;
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
        tags: tags_of(conn, customer_id)?,
        loyalty: loyalty_of(conn, customer_id)?,
        recent_purchases: purchases_of(conn, customer_id, recent)?,
        recent_notes: notes_of(conn, customer_id, recent)?,
        open_tasks: tasks_of(conn, customer_id, true)?,
        delivery,
    })
}

/// The marketing view of a customer, limited to the marketing purposes in
/// `only_purpose` (or all of them); `None` when the customer agrees to none.
fn marketing_profile(
    conn: &Connection,
    customer_id: i64,
    only_purpose: Option<&str>,
) -> Result<Option<MarketingProfile>> {
    let customer_ref = consent::customer_ref(conn, customer_id)?;
    let marketing: BTreeSet<String> = purposes::load_purposes(conn)?
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
    let lang = customer_lang(conn, customer_id)?;
    let covered: BTreeSet<String> = consented_fields(conn, lang, &granted)?
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    Ok(Some(MarketingProfile {
        id: customer_id,
        purposes: granted.into_iter().map(|s| s.purpose).collect(),
        fields: only(&held_fields(conn, customer_id)?, &covered),
        purchases: purchase_stats(conn, customer_id)?,
    }))
}

fn new_loyalty_number(conn: &Connection) -> Result<String> {
    loop {
        // Nine digits: far too short to be mistaken for a card number.
        let n = uuid::Uuid::new_v4().as_u128() % 900_000_000 + 100_000_000;
        let number = n.to_string();
        let taken: i64 = conn
            .query_row(
                "SELECT count(*) FROM loyalty_account WHERE number = ?1",
                [&number],
                |r| r.get(0),
            )
            .map_err(Error::db("open a loyalty account"))?;
        if taken == 0 {
            return Ok(number);
        }
    }
}

/// Brings the records kept for a purpose in line with the customer's
/// current consents after a grant or a withdrawal: opens the loyalty
/// account when `loyalty` is granted, erases it (and its points) when it is
/// not, and refreshes the search index. Runs in the consent transaction.
pub(crate) fn after_consent_change(
    conn: &Connection,
    customer_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let customer_ref = consent::customer_ref(conn, customer_id)?;
    let loyalty_granted = granted_states(conn, &customer_ref)?
        .iter()
        .any(|s| s.purpose == LOYALTY);
    let has_account = loyalty_of(conn, customer_id)?.is_some();
    if loyalty_granted && !has_account {
        let number = new_loyalty_number(conn)?;
        conn.execute(
            "INSERT INTO loyalty_account (customer_id, number, created_at) VALUES (?1, ?2, ?3)",
            params![customer_id, number, format_ts(now)],
        )
        .map_err(Error::db("open a loyalty account"))?;
    } else if !loyalty_granted && has_account {
        conn.execute(
            "DELETE FROM loyalty_account WHERE customer_id = ?1",
            [customer_id],
        )
        .map_err(Error::db("close the loyalty account"))?;
    }
    search::reindex(conn, customer_id)
}

/// Gives every existing customer the records schema 3 introduced (their
/// loyalty account, their search index row).
pub(crate) fn upgrade_customers(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM customer ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(Error::db("upgrade customer records"))?;
    for id in ids {
        after_consent_change(conn, id, now)?;
    }
    Ok(())
}

fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| Error::InvalidInput {
        field,
        reason: "it is not a date (expected YYYY-MM-DD)",
    })
}

/// A checked purchase: its date, lines and total.
struct CheckedPurchase {
    date: NaiveDate,
    items: Vec<PurchaseItem>,
    total_cents: i64,
}

fn check_purchase(new: &NewPurchase, today: NaiveDate) -> Result<CheckedPurchase> {
    let date = match new.date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date("date", d)?,
        None => today,
    };
    let oldest = today
        .checked_sub_months(chrono::Months::new(12 * 10))
        .unwrap_or(today);
    if date > today || date < oldest {
        return Err(Error::InvalidInput {
            field: "date",
            reason: "a purchase is dated today or in the last ten years",
        });
    }
    if new.items.is_empty() || new.items.len() > MAX_ITEMS {
        return Err(Error::InvalidInput {
            field: "items",
            reason: "a purchase has 1 to 50 lines",
        });
    }
    let mut items = Vec::with_capacity(new.items.len());
    let mut total: i64 = 0;
    for item in &new.items {
        let description = validate_free_text("description", &item.description, 200, false)?;
        if !(1..=10_000).contains(&item.quantity) {
            return Err(Error::InvalidInput {
                field: "quantity",
                reason: "it must be a whole number from 1 to 10000",
            });
        }
        if !(0..=100_000_000).contains(&item.unit_cents) {
            return Err(Error::InvalidInput {
                field: "price",
                reason: "it must be from 0 to 1,000,000.00",
            });
        }
        total += item.quantity * item.unit_cents;
        items.push(PurchaseItem {
            description,
            quantity: item.quantity,
            unit_cents: item.unit_cents,
        });
    }
    Ok(CheckedPurchase {
        date,
        items,
        total_cents: total,
    })
}

fn check_tag(raw: &str) -> Result<String> {
    let tag = validate_free_text("tags", raw, 30, false)?;
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(Error::InvalidInput {
            field: "tags",
            reason: "a tag holds letters, digits, spaces and dashes only",
        });
    }
    Ok(tag.to_lowercase())
}

/// One correction to a customer's recorded data: a new value, or `None` to
/// remove the value.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub value: Option<String>,
}

impl Vault {
    /// Finds customers by name, phone, e-mail or loyalty number (accents and
    /// case ignored; every word a prefix). The hits are the role's search
    /// view, at most the role's cap; a query needs a word of at least three
    /// letters or digits. The search is logged with the customers it showed
    /// and the fields it showed of them, never the query.
    pub fn search_customers(
        &mut self,
        session: &mut Session,
        query: &str,
    ) -> Result<SearchResults> {
        self.authorize(session, Action::SearchCustomers)?;
        let scope = access::scope(session.role());
        let expression = search::match_expression(query)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("search customers", |tx| {
            let conn = tx.conn();
            let mut ids = search::matching_customers(conn, &expression, scope.search_cap + 1)?;
            let truncated = ids.len() > scope.search_cap;
            ids.truncate(scope.search_cap);
            let mut shown: BTreeSet<&'static str> = BTreeSet::new();
            let hits = match scope.view {
                ViewKind::Full => {
                    let mut hits = Vec::with_capacity(ids.len());
                    for id in &ids {
                        let fields = held_fields(conn, *id)?;
                        let loyalty = loyalty_of(conn, *id)?;
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
                        });
                    }
                    Hits::Full(hits)
                }
                ViewKind::Till => {
                    let mut hits = Vec::with_capacity(ids.len());
                    for id in &ids {
                        let name: String = conn
                            .prepare_cached(
                                "SELECT coalesce((SELECT value FROM customer_field WHERE customer_id = ?1 AND field = 'name'), '')",
                            )
                            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
                            .map_err(Error::db("search customers"))?;
                        let loyalty = loyalty_of(conn, *id)?;
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
            event.subject = customers_subject(&ids);
            tx.audit(event)?;
            Ok(SearchResults { hits, truncated })
        })
    }

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
        let profile = self.transact("open a customer's profile", |tx| {
            let conn = tx.conn();
            let (profile, touched): (Option<CustomerProfile>, Vec<&'static str>) = match scope.view
            {
                ViewKind::Full => {
                    let p = full_profile(conn, customer_id, scope.recent_items)?;
                    let mut touched: Vec<&'static str> = keys_of(&p.fields).collect();
                    touched.extend(["consents", "tags", "loyalty", "purchases", "notes", "tasks"]);
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
                        .on(customer_subject(customer_id))
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
                        .on(customer_subject(customer_id))
                        .because("no marketing consent"),
                )?;
                Err(Error::CustomerNotFound)
            }
        }
    }

    /// Corrects a customer's recorded data (accuracy): every value is
    /// checked first and nothing is stored if one fails. A value may be
    /// set only if the field is switched on and a purpose the customer
    /// agreed to covers it (`ConsentMissing` names the purpose to ask for);
    /// removing a value is always allowed, except the name. Returns the
    /// fields changed. The old values leave the file and its WAL.
    pub fn correct_customer(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        changes: &[FieldChange],
    ) -> Result<Vec<&'static str>> {
        self.authorize(session, Action::EditCustomer)?;
        if changes.is_empty() {
            return Err(Error::InvalidInput {
                field: "fields",
                reason: "name at least one field to correct",
            });
        }
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        let lang = customer_lang(&self.conn, customer_id)?;
        let granted = granted_states(&self.conn, &customer_ref)?;
        let covered = consented_fields(&self.conn, lang, &granted)?;
        let enabled = purposes::enabled_fields(&self.conn)?;
        let all_purposes = purposes::load_purposes(&self.conn)?;
        let mut checked: Vec<(&'static FieldSpec, Option<String>)> = Vec::new();
        for change in changes {
            let spec = catalog::spec(&change.field)?;
            if checked.iter().any(|(s, _)| s.key == spec.key) {
                return Err(Error::InvalidInput {
                    field: spec.key,
                    reason: "it is named twice",
                });
            }
            let value = match change.value.as_deref() {
                None => {
                    if spec.key == NAME_FIELD {
                        return Err(Error::InvalidInput {
                            field: NAME_FIELD,
                            reason: "a customer record needs the customer's name",
                        });
                    }
                    None
                }
                Some(raw) => {
                    if !enabled.iter().any(|f| f.key == spec.key) {
                        return Err(Error::FieldDisabled {
                            field: spec.key.to_owned(),
                        });
                    }
                    let value = catalog::validate(spec, raw)?;
                    if !covered.iter().any(|(_, f)| f.contains(spec.key)) {
                        let asked = all_purposes
                            .iter()
                            .find(|p| p.active && p.fields.iter().any(|f| f == spec.key));
                        return Err(match asked {
                            Some(p) => Error::ConsentMissing {
                                purpose: p.id.clone(),
                            },
                            None => Error::FieldNotConsented {
                                field: spec.key.to_owned(),
                            },
                        });
                    }
                    Some(value)
                }
            };
            checked.push((spec, value));
        }
        let (user_id, role) = (session.user_id(), session.role());
        let changed = self.transact("correct a customer's data", |tx| {
            let conn = tx.conn();
            for (spec, value) in &checked {
                match value {
                    Some(v) => conn
                        .execute(
                            "INSERT INTO customer_field (customer_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)
                             ON CONFLICT (customer_id, field) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                            params![customer_id, spec.key, v, format_ts(tx.now)],
                        )
                        .map_err(Error::db("correct a customer's data"))?,
                    None => conn
                        .execute(
                            "DELETE FROM customer_field WHERE customer_id = ?1 AND field = ?2",
                            params![customer_id, spec.key],
                        )
                        .map_err(Error::db("correct a customer's data"))?,
                };
            }
            search::reindex(conn, customer_id)?;
            let keys: Vec<&'static str> = checked.iter().map(|(s, _)| s.key).collect();
            tx.audit(
                AuditEvent::new("customer.correct", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because("correction")
                    .touching(keys.clone()),
            )?;
            Ok(keys)
        })?;
        self.checkpoint_wal("correct a customer's data")?;
        Ok(changed)
    }

    /// Records a purchase (lines, quantities, prices; never a card number)
    /// and, when the customer collects points, the points it earns.
    pub fn add_purchase(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        new: &NewPurchase,
    ) -> Result<Purchase> {
        self.authorize(session, Action::RecordPurchase)?;
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        let granted = granted_states(&self.conn, &customer_ref)?;
        require_purpose(&granted, record_purpose("purchases"))?;
        let checked = check_purchase(new, self.now().date_naive())?;
        let collects_points = granted.iter().any(|s| s.purpose == LOYALTY);
        let currency: String = self
            .conn
            .query_row("SELECT currency FROM shop WHERE id = 1", [], |r| r.get(0))
            .map_err(Error::db("read the shop's currency"))?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("record a purchase", |tx| {
            let conn = tx.conn();
            conn.execute(
                "INSERT INTO purchase (customer_id, bought_on, total_cents, currency, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    customer_id,
                    checked.date.format("%Y-%m-%d").to_string(),
                    checked.total_cents,
                    currency,
                    format_ts(tx.now),
                    user_id
                ],
            )
            .map_err(Error::db("record a purchase"))?;
            let id = conn.last_insert_rowid();
            for (position, item) in checked.items.iter().enumerate() {
                conn.execute(
                    "INSERT INTO purchase_item (purchase_id, position, description, quantity, unit_cents)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, position as i64, item.description, item.quantity, item.unit_cents],
                )
                .map_err(Error::db("record a purchase"))?;
            }
            let points = (collects_points && checked.total_cents >= CENTS_PER_POINT)
                .then_some(checked.total_cents / CENTS_PER_POINT);
            if let Some(points) = points {
                conn.execute(
                    "INSERT INTO loyalty_entry (customer_id, at, points, reason, purchase_id, created_by)
                     VALUES (?1, ?2, ?3, 'purchase', ?4, ?5)",
                    params![customer_id, format_ts(tx.now), points, id, user_id],
                )
                .map_err(Error::db("record a purchase"))?;
            }
            let mut touched = vec!["purchases"];
            if points.is_some() {
                touched.push("loyalty");
            }
            tx.audit(
                AuditEvent::new("purchase.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("purchases"))
                    .touching(touched),
            )?;
            Ok(Purchase {
                id,
                date: checked.date.format("%Y-%m-%d").to_string(),
                total_cents: checked.total_cents,
                currency: currency.clone(),
                items: checked.items.clone(),
                points,
            })
        })
    }

    /// Adds a note about an interaction (free text; a card number in it is
    /// refused).
    pub fn add_note(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        text: &str,
    ) -> Result<Note> {
        self.authorize(session, Action::AddNote)?;
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            record_purpose("notes"),
        )?;
        let text = validate_free_text("note", text, 2000, true)?;
        let (user_id, role) = (session.user_id(), session.role());
        let by = session.username().to_owned();
        self.transact("add a note", |tx| {
            tx.conn()
                .execute(
                    "INSERT INTO customer_note (customer_id, body, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
                    params![customer_id, text, format_ts(tx.now), user_id],
                )
                .map_err(Error::db("add a note"))?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditEvent::new("note.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("notes"))
                    .touching(["notes"]),
            )?;
            Ok(Note {
                id,
                at: format_ts(tx.now),
                by: by.clone(),
                text: text.clone(),
            })
        })
    }

    /// Adds a follow-up task for a customer.
    pub fn add_task(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        new: &NewTask,
    ) -> Result<Task> {
        self.authorize(session, Action::ManageTasks)?;
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            record_purpose("tasks"),
        )?;
        let title = validate_free_text("title", &new.title, 200, false)?;
        let due = new
            .due
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date("due", d).map(|d| d.format("%Y-%m-%d").to_string()))
            .transpose()?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("add a task", |tx| {
            tx.conn()
                .execute(
                    "INSERT INTO customer_task (customer_id, title, due_on, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![customer_id, title, due, format_ts(tx.now), user_id],
                )
                .map_err(Error::db("add a task"))?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditEvent::new("task.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("tasks"))
                    .touching(["tasks"]),
            )?;
            Ok(Task {
                id,
                title: title.clone(),
                due: due.clone(),
                done: false,
                created_at: format_ts(tx.now),
            })
        })
    }

    /// Ticks off a customer's task.
    pub fn complete_task(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        task_id: i64,
    ) -> Result<()> {
        self.authorize(session, Action::ManageTasks)?;
        consent::customer_ref(&self.conn, customer_id)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("complete a task", |tx| {
            let n = tx
                .conn()
                .execute(
                    "UPDATE customer_task SET done_at = ?1 WHERE id = ?2 AND customer_id = ?3 AND done_at IS NULL",
                    params![format_ts(tx.now), task_id, customer_id],
                )
                .map_err(Error::db("complete a task"))?;
            if n == 0 {
                return Err(Error::TaskNotFound);
            }
            tx.audit(
                AuditEvent::new("task.done", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("tasks"))
                    .touching(["tasks"]),
            )
        })
    }

    /// Replaces a customer's tags (short labels: letters, digits, spaces
    /// and dashes). Returns them as stored (lower case, sorted).
    pub fn set_tags(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        tags: &[String],
    ) -> Result<Vec<String>> {
        self.authorize(session, Action::EditCustomer)?;
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            record_purpose("tags"),
        )?;
        if tags.len() > MAX_TAGS {
            return Err(Error::InvalidInput {
                field: "tags",
                reason: "a customer has 20 tags at most",
            });
        }
        let tags: BTreeSet<String> = tags.iter().map(|t| check_tag(t)).collect::<Result<_>>()?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("tag a customer", |tx| {
            let conn = tx.conn();
            conn.execute(
                "DELETE FROM customer_tag WHERE customer_id = ?1",
                [customer_id],
            )
            .map_err(Error::db("tag a customer"))?;
            for tag in &tags {
                conn.execute(
                    "INSERT INTO customer_tag (customer_id, tag) VALUES (?1, ?2)",
                    params![customer_id, tag],
                )
                .map_err(Error::db("tag a customer"))?;
            }
            tx.audit(
                AuditEvent::new("customer.tags", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("tags"))
                    .touching(["tags"]),
            )
        })?;
        Ok(tags.into_iter().collect())
    }

    /// Spends `points` of the customer's loyalty points.
    pub fn redeem_points(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        points: i64,
    ) -> Result<Loyalty> {
        self.authorize(session, Action::RedeemPoints)?;
        let customer_ref = consent::customer_ref(&self.conn, customer_id)?;
        require_purpose(&granted_states(&self.conn, &customer_ref)?, LOYALTY)?;
        if points <= 0 {
            return Err(Error::InvalidInput {
                field: "points",
                reason: "redeem a positive number of points",
            });
        }
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("redeem points", |tx| {
            let conn = tx.conn();
            let account = loyalty_of(conn, customer_id)?.ok_or(Error::ConsentMissing {
                purpose: LOYALTY.to_owned(),
            })?;
            if account.points < points {
                return Err(Error::NotEnoughPoints {
                    balance: account.points,
                });
            }
            conn.execute(
                "INSERT INTO loyalty_entry (customer_id, at, points, reason, created_by) VALUES (?1, ?2, ?3, 'redeem', ?4)",
                params![customer_id, format_ts(tx.now), -points, user_id],
            )
            .map_err(Error::db("redeem points"))?;
            tx.audit(
                AuditEvent::new("loyalty.redeem", Outcome::Ok)
                    .by(user_id, role)
                    .on(customer_subject(customer_id))
                    .because(record_purpose("loyalty"))
                    .touching(["loyalty"]),
            )?;
            Ok(Loyalty {
                number: account.number,
                points: account.points - points,
            })
        })
    }

    /// One page (50) of the customers who currently agree to the marketing
    /// purpose `purpose`, each with only the fields that purpose covers and
    /// purchase totals. Logged with the customers listed.
    pub fn marketing_audience(
        &mut self,
        session: &mut Session,
        purpose: &str,
        offset: i64,
    ) -> Result<AudiencePage> {
        self.authorize(session, Action::ViewAudience)?;
        let found = purposes::load_purposes(&self.conn)?
            .into_iter()
            .find(|p| p.id == purpose)
            .ok_or_else(|| Error::PurposeNotFound {
                purpose: purpose.to_owned(),
            })?;
        if !found.marketing {
            return Err(Error::InvalidInput {
                field: "purpose",
                reason: "it is not a marketing purpose",
            });
        }
        let offset = offset.max(0);
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("list an audience", |tx| {
            let conn = tx.conn();
            const CONSENTING: &str = "FROM customer c WHERE coalesce((
                 SELECT kind FROM consent_event e
                 WHERE e.customer_ref = c.public_id AND e.purpose = ?1
                 ORDER BY seq DESC LIMIT 1), '') IN ('grant', 'renew')";
            let total: i64 = conn
                .query_row(&format!("SELECT count(*) {CONSENTING}"), [&found.id], |r| {
                    r.get(0)
                })
                .map_err(Error::db("list an audience"))?;
            let ids: Vec<i64> = conn
                .prepare(&format!(
                    "SELECT c.id {CONSENTING} ORDER BY c.id LIMIT ?2 OFFSET ?3"
                ))
                .and_then(|mut s| {
                    s.query_map(params![found.id, AUDIENCE_PAGE, offset], |r| r.get(0))?
                        .collect()
                })
                .map_err(Error::db("list an audience"))?;
            let mut customers = Vec::with_capacity(ids.len());
            let mut touched: BTreeSet<&'static str> = BTreeSet::new();
            for id in &ids {
                if let Some(p) = marketing_profile(conn, *id, Some(&found.id))? {
                    touched.extend(keys_of(&p.fields));
                    customers.push(p);
                }
            }
            touched.insert("purchase_totals");
            let mut event = AuditEvent::new("marketing.audience", Outcome::Ok)
                .by(user_id, role)
                .because(AccessPurpose::Campaign.as_str())
                .touching(touched);
            event.subject = customers_subject(&ids);
            tx.audit(event)?;
            Ok(AudiencePage {
                purpose: found.id.clone(),
                total,
                offset,
                customers,
            })
        })
    }

    /// Folds the WAL back into the file and empties it, so that a value
    /// just removed or replaced leaves no older page behind.
    pub(crate) fn checkpoint_wal(&self, op: &'static str) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(Error::db(op))
    }
}
