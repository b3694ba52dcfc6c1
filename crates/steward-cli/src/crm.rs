//! The everyday-CRM commands: `customers search|show|correct`,
//! `purchases add`, `notes add`, `tasks add|done`, `audience` and
//! `audit log`. Each prints exactly the view the core builds for the acting
//! user's role (the same types the app receives; `--json` prints them as
//! they are), and is refused the same way.

use clap::{Args, Subcommand};
use steward_core::crm::views::{CustomerProfile, Hits, Purchase};
use steward_core::oversight::{LogEntry, LogFilter};
use steward_core::{AccessPurpose, FieldChange, NewItem, NewPurchase, NewTask, Session, Vault};

use crate::{output, Failure};

#[derive(Args)]
pub struct ShowArgs {
    /// The customer number.
    id: i64,
    /// Why you open the profile (written to the audit log).
    #[arg(long, value_parser = parse_purpose)]
    purpose: AccessPurpose,
}

#[derive(Args)]
pub struct CorrectArgs {
    /// The customer number.
    id: i64,
    /// A corrected value, as `key=value` (repeat).
    #[arg(long = "field", value_name = "KEY=VALUE", value_parser = crate::consent::parse_field)]
    fields: Vec<(String, String)>,
    /// A field whose value to remove (repeat).
    #[arg(long = "clear", value_name = "KEY")]
    clear: Vec<String>,
}

#[derive(Subcommand)]
pub enum PurchasesCommand {
    /// Record a purchase for a customer (never how it was paid).
    Add {
        /// The customer number.
        id: i64,
        /// A line as `[QUANTITY x ]DESCRIPTION @ PRICE`, e.g.
        /// `2 x Rye bread @ 3.20` (repeat).
        #[arg(long = "item", value_name = "LINE", required_unless_present = "amount", value_parser = parse_item)]
        items: Vec<NewItem>,
        /// Only the amount spent, e.g. `12.50`, instead of the lines (the
        /// till already has them).
        #[arg(long, value_name = "AMOUNT", conflicts_with = "items", value_parser = parse_amount)]
        amount: Option<i64>,
        /// The day of the purchase, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum NotesCommand {
    /// Add a note about an interaction with a customer.
    Add {
        /// The customer number.
        id: i64,
        /// The note.
        text: String,
    },
}

#[derive(Subcommand)]
pub enum TasksCommand {
    /// Add a follow-up task for a customer.
    Add {
        id: i64,
        title: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
    },
    /// Tick off a task.
    Done { id: i64, task: i64 },
}

fn parse_purpose(s: &str) -> Result<AccessPurpose, String> {
    AccessPurpose::parse(s).map_err(|e| e.to_string())
}

/// Parses a price like `3.20`, `3,2` or `3` into cents.
fn parse_cents(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (units, fraction) = s.split_once('.').unwrap_or((&s, ""));
    if units.is_empty() || fraction.len() > 2 || !units.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{fraction:0<2}").parse::<i64>().ok()?;
    units
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

fn parse_item(s: &str) -> Result<NewItem, String> {
    const USAGE: &str = "expected [QUANTITY x ]DESCRIPTION @ PRICE, e.g. `2 x Rye bread @ 3.20`";
    let (rest, price) = s.rsplit_once('@').ok_or(USAGE)?;
    let unit_cents = parse_cents(price).ok_or(USAGE)?;
    let (quantity, description) = match rest.split_once(" x ") {
        Some((q, d)) if q.trim().parse::<i64>().is_ok() => (q.trim().parse().unwrap_or(1), d),
        _ => (1, rest),
    };
    Ok(NewItem {
        description: description.trim().to_owned(),
        quantity,
        unit_cents,
    })
}

fn parse_amount(s: &str) -> Result<i64, String> {
    parse_cents(s).ok_or_else(|| "expected an amount such as 12.50".to_owned())
}

fn money(cents: i64, currency: &str) -> String {
    format!("{}.{:02} {currency}", cents / 100, cents % 100)
}

fn purchase_line(p: &Purchase) -> String {
    let items: Vec<String> = p
        .items
        .iter()
        .map(|i| format!("{} x {}", i.quantity, i.description))
        .collect();
    let points = p
        .points
        .map(|n| format!(" (+{n} points)"))
        .unwrap_or_default();
    let items = if items.is_empty() {
        vec!["amount spent".to_owned()]
    } else {
        items
    };
    format!(
        "{}  {}  {}{points}",
        p.date,
        money(p.total_cents, &p.currency),
        items.join(", ")
    )
}

pub fn search(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    query: &str,
) -> Result<(), Failure> {
    let res = vault.search_customers(session, query)?;
    output(json, &res, || {
        let mut out = String::new();
        match &res.hits {
            Hits::Full(hits) => {
                for h in hits {
                    out += &format!(
                        "{:>6}  {}  {}  {}  {}{}\n",
                        h.id,
                        h.name,
                        h.email.as_deref().unwrap_or("-"),
                        h.phone.as_deref().unwrap_or("-"),
                        h.loyalty_number.as_deref().unwrap_or("-"),
                        if h.restricted { "  [restricted]" } else { "" }
                    );
                }
            }
            Hits::Till(hits) => {
                for h in hits {
                    out += &format!(
                        "{:>6}  {}  {}\n",
                        h.id,
                        h.name,
                        h.loyalty_number.as_deref().unwrap_or("-")
                    );
                }
            }
        }
        if res.hits.is_empty() {
            out += "No customer matches.\n";
        }
        if res.truncated {
            out += "More customers match: type more of the name.\n";
        }
        if res.ignored_words > 0 {
            out += "Words shorter than 3 letters or digits were left out of the search.\n";
        }
        out.trim_end().to_owned()
    });
    Ok(())
}

fn profile_text(p: &CustomerProfile) -> String {
    let mut out = String::new();
    let mut line = |k: &str, v: String| out += &format!("{k:<18} {v}\n");
    match p {
        CustomerProfile::Full(p) => {
            line("customer", p.id.to_string());
            line("since", p.since.clone());
            if let Some(r) = &p.restriction {
                let why = match &r.reason {
                    Some(text) => format!("{}: {}", r.category.as_str(), text.replace('\n', " ")),
                    None => r.category.as_str().to_owned(),
                };
                line("RESTRICTED", format!("since {}, because {why}", r.since));
            }
            for (k, v) in &p.fields {
                line(k, v.replace('\n', ", "));
            }
            let granted: Vec<&str> = p
                .consents
                .iter()
                .filter(|c| c.granted)
                .map(|c| c.purpose.as_str())
                .collect();
            line("agreed to", granted.join(", "));
            line("tags", p.tags.join(", "));
            if let Some(l) = &p.loyalty {
                line("loyalty", format!("{} ({} points)", l.number, l.points));
            }
            line("purchases", p.purchase_count.to_string());
            for pu in &p.purchases {
                line("", purchase_line(pu));
            }
            for n in &p.notes {
                line("note", format!("{} {}: {}", n.at, n.by, n.text));
            }
            for t in &p.tasks {
                let mark = if t.done { "[x]" } else { "[ ]" };
                line("task", format!("{mark} {} {}", t.id, t.title));
            }
        }
        CustomerProfile::Till(p) => {
            line("customer", p.id.to_string());
            line("name", p.name.clone());
            let contact = if p.contact_preference.is_empty() {
                "no marketing contact".to_owned()
            } else {
                p.contact_preference.join(", ")
            };
            line("contact", contact);
            line("tags", p.tags.join(", "));
            if let Some(l) = &p.loyalty {
                line("loyalty", format!("{} ({} points)", l.number, l.points));
            }
            for pu in &p.recent_purchases {
                line("purchase", purchase_line(pu));
            }
            for n in &p.recent_notes {
                line("note", format!("{} {}: {}", n.at, n.by, n.text));
            }
            for t in &p.open_tasks {
                line("task", format!("{} {}", t.id, t.title));
            }
            if let Some(d) = &p.delivery {
                for (k, v) in d {
                    line(k, v.replace('\n', ", "));
                }
            }
        }
        CustomerProfile::Marketing(p) => {
            line("customer", p.id.to_string());
            line("agreed to", p.purposes.join(", "));
            for (k, v) in &p.fields {
                line(k, v.replace('\n', ", "));
            }
            line(
                "purchases",
                format!(
                    "{} (total {} cents, last {})",
                    p.purchases.count,
                    p.purchases.total_cents,
                    p.purchases.last_month.as_deref().unwrap_or("-")
                ),
            );
        }
    }
    out.trim_end().to_owned()
}

pub fn show(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    args: &ShowArgs,
) -> Result<(), Failure> {
    let profile = vault.customer_profile(session, args.id, args.purpose)?;
    output(json, &profile, || profile_text(&profile));
    Ok(())
}

pub fn correct(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    args: &CorrectArgs,
) -> Result<(), Failure> {
    let mut changes: Vec<FieldChange> = args
        .fields
        .iter()
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            value: Some(v.clone()),
        })
        .collect();
    changes.extend(args.clear.iter().map(|k| FieldChange {
        field: k.clone(),
        value: None,
    }));
    let changed = vault.correct_customer(session, args.id, &changes)?;
    output(json, &changed, || {
        format!("Corrected: {}.", changed.join(", "))
    });
    Ok(())
}

pub fn purchases(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &PurchasesCommand,
) -> Result<(), Failure> {
    let PurchasesCommand::Add {
        id,
        items,
        amount,
        date,
    } = cmd;
    let purchase = vault.add_purchase(
        session,
        *id,
        &NewPurchase {
            date: date.clone(),
            items: items.clone(),
            amount_cents: *amount,
        },
    )?;
    output(json, &purchase, || {
        format!(
            "Recorded purchase {}: {}",
            purchase.id,
            purchase_line(&purchase)
        )
    });
    Ok(())
}

pub fn notes(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &NotesCommand,
) -> Result<(), Failure> {
    let NotesCommand::Add { id, text } = cmd;
    let note = vault.add_note(session, *id, text)?;
    output(json, &note, || {
        format!("Added note {} for customer {id}.", note.id)
    });
    Ok(())
}

pub fn tasks(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &TasksCommand,
) -> Result<(), Failure> {
    match cmd {
        TasksCommand::Add { id, title, due } => {
            let task = vault.add_task(
                session,
                *id,
                &NewTask {
                    title: title.clone(),
                    due: due.clone(),
                },
            )?;
            output(json, &task, || {
                format!("Added task {} for customer {id}.", task.id)
            });
        }
        TasksCommand::Done { id, task } => {
            vault.complete_task(session, *id, *task)?;
            output(json, &serde_json::json!({ "done": task }), || {
                format!("Task {task} is done.")
            });
        }
    }
    Ok(())
}

pub fn audience(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    purpose: &str,
    offset: i64,
) -> Result<(), Failure> {
    let page = vault.marketing_audience(session, purpose, offset)?;
    output(json, &page, || {
        let mut out = format!(
            "{} customers agree to {}; showing {} from {}.\n",
            page.total,
            page.purpose,
            page.customers.len(),
            page.offset
        );
        for c in &page.customers {
            let fields: Vec<String> = c.fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out += &format!("{:>6}  {}\n", c.id, fields.join("  "));
        }
        out.trim_end().to_owned()
    });
    Ok(())
}

#[derive(Args)]
pub struct LogArgs {
    /// Only entries by this username.
    #[arg(long = "by")]
    by: Option<String>,
    /// Only entries about this customer number.
    #[arg(long)]
    customer: Option<i64>,
    /// Only this action (`customer.view`) or family (`customer`).
    #[arg(long)]
    action: Option<String>,
    /// From this day (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Up to this day (YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// How many entries (newest first; 500 at most).
    #[arg(long, default_value_t = 100)]
    limit: u32,
}

fn log_line(e: &LogEntry) -> String {
    format!(
        "{:>6} {} {:<10} {:<9} {:<20} {:<24} {:<16} {:<7} {}",
        e.seq,
        e.at,
        e.user.as_deref().unwrap_or("-"),
        e.role.as_deref().unwrap_or("-"),
        e.action,
        e.subject.as_deref().unwrap_or("-"),
        e.purpose.as_deref().unwrap_or("-"),
        e.outcome,
        e.fields.join(",")
    )
}

pub fn log(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    args: &LogArgs,
) -> Result<(), Failure> {
    let entries = vault.access_log(
        session,
        &LogFilter {
            user: args.by.clone(),
            customer: args.customer,
            action: args.action.clone(),
            from: args.from.clone(),
            to: args.to.clone(),
            before: None,
            limit: Some(args.limit),
        },
    )?;
    output(json, &entries, || {
        entries.iter().map(log_line).collect::<Vec<_>>().join("\n")
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_lines_parse() {
        assert_eq!(parse_cents("3.20"), Some(320));
        assert_eq!(parse_cents("3,2"), Some(320));
        assert_eq!(parse_cents("12"), Some(1200));
        assert_eq!(parse_cents("1.234"), None);
        assert_eq!(parse_cents("-1"), None);
        let item = parse_item("2 x Rye bread @ 3.20").unwrap();
        assert_eq!(
            (item.quantity, item.description.as_str(), item.unit_cents),
            (2, "Rye bread", 320)
        );
        let item = parse_item("Coca de recapte@12").unwrap();
        assert_eq!((item.quantity, item.unit_cents), (1, 1200));
        assert!(parse_item("no price").is_err());
    }
}
