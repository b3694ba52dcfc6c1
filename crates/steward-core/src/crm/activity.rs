//! What happens at the till: purchases (with the loyalty points they
//! earn), notes, follow-up tasks and redeeming points. Each is written only
//! under the consent its record is kept for (`purpose_id::RECORD_PURPOSES`),
//! and free text that looks like a card number is refused. None of them
//! writes to a restricted record (`records::restriction`).

use chrono::NaiveDate;
use serde::Deserialize;

use super::granted_states;
use super::require_purpose;
use super::views::{Loyalty, Note, Purchase, PurchaseItem, Task};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::validate_free_text;
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::{self, LOYALTY};
use crate::records::restriction::ensure_not_restricted;
use crate::records::{customer, loyalty, notes, purchases, tasks};
use crate::shop;
use crate::store::Vault;
use crate::time::format_ts;

/// One loyalty point per whole unit of currency spent.
const CENTS_PER_POINT: i64 = 100;
const MAX_ITEMS: usize = 50;
/// The most a price or an amount spent may be: 1,000,000.00.
const MAX_CENTS: i64 = 100_000_000;

/// A purchase to record: either its lines, or only the amount spent (the
/// shop's till already knows the lines; Steward needs the total for the
/// customer's history and points). Never both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPurchase {
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub items: Vec<NewItem>,
    /// The amount spent, in cents, for a purchase recorded without lines.
    #[serde(default)]
    pub amount_cents: Option<i64>,
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

pub(super) fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate> {
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
    if let Some(amount) = new.amount_cents {
        if !new.items.is_empty() {
            return Err(Error::InvalidInput {
                field: "items",
                reason: "a purchase is recorded by its lines or by the amount spent, not both",
            });
        }
        if !(1..=MAX_CENTS).contains(&amount) {
            return Err(Error::InvalidInput {
                field: "amount",
                reason: "it must be more than 0 and at most 1,000,000.00",
            });
        }
        return Ok(CheckedPurchase {
            date,
            items: Vec::new(),
            total_cents: amount,
        });
    }
    if new.items.is_empty() || new.items.len() > MAX_ITEMS {
        return Err(Error::InvalidInput {
            field: "items",
            reason: "a purchase has 1 to 50 lines, or only the amount spent",
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
        if !(0..=MAX_CENTS).contains(&item.unit_cents) {
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

impl Vault {
    /// Records a purchase (lines, quantities, prices; never a card number)
    /// and, when the customer collects points, the points it earns.
    pub fn add_purchase(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        new: &NewPurchase,
    ) -> Result<Purchase> {
        self.authorize(session, Action::RecordPurchase)?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "purchase.add")?;
        let granted = granted_states(&self.conn, &customer_ref)?;
        require_purpose(&granted, purpose_id::of_record("purchases"))?;
        let checked = check_purchase(new, self.now().date_naive())?;
        let collects_points = granted.iter().any(|s| s.purpose == LOYALTY);
        let currency = shop::currency(&self.conn)?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("record a purchase", |tx| {
            let conn = tx.conn();
            let id = purchases::insert(
                conn,
                customer_id,
                &checked.date.format("%Y-%m-%d").to_string(),
                &checked.items,
                checked.total_cents,
                &currency,
                tx.now,
                user_id,
            )?;
            let points = (collects_points && checked.total_cents >= CENTS_PER_POINT)
                .then_some(checked.total_cents / CENTS_PER_POINT);
            if let Some(points) = points {
                loyalty::add_entry(
                    conn,
                    customer_id,
                    tx.now,
                    points,
                    "purchase",
                    Some(id),
                    user_id,
                )?;
            }
            let mut touched = vec!["purchases"];
            if points.is_some() {
                touched.push("loyalty");
            }
            tx.audit(
                AuditEvent::new("purchase.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("purchases"))
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
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "note.add")?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            purpose_id::of_record("notes"),
        )?;
        let text = validate_free_text("note", text, 2000, true)?;
        let (user_id, role) = (session.user_id(), session.role());
        let by = session.username().to_owned();
        self.transact("add a note", |tx| {
            let id = notes::insert(tx.conn(), customer_id, &text, tx.now, user_id)?;
            tx.audit(
                AuditEvent::new("note.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("notes"))
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
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "task.add")?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            purpose_id::of_record("tasks"),
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
            let id = tasks::insert(
                tx.conn(),
                customer_id,
                &title,
                due.as_deref(),
                tx.now,
                user_id,
            )?;
            tx.audit(
                AuditEvent::new("task.add", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("tasks"))
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
        customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "task.done")?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("complete a task", |tx| {
            if !tasks::complete(tx.conn(), customer_id, task_id, tx.now)? {
                return Err(Error::TaskNotFound);
            }
            tx.audit(
                AuditEvent::new("task.done", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("tasks"))
                    .touching(["tasks"]),
            )
        })
    }

    /// Spends `points` of the customer's loyalty points.
    pub fn redeem_points(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        points: i64,
    ) -> Result<Loyalty> {
        self.authorize(session, Action::RedeemPoints)?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "loyalty.redeem")?;
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
            let account = loyalty::account(conn, customer_id)?.ok_or(Error::ConsentMissing {
                purpose: LOYALTY.to_owned(),
            })?;
            if account.points < points {
                return Err(Error::NotEnoughPoints {
                    balance: account.points,
                });
            }
            loyalty::add_entry(conn, customer_id, tx.now, -points, "redeem", None, user_id)?;
            tx.audit(
                AuditEvent::new("loyalty.redeem", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("loyalty"))
                    .touching(["loyalty"]),
            )?;
            Ok(Loyalty {
                number: account.number,
                points: account.points - points,
            })
        })
    }
}
