//! The record-keeping rules from the command line: `retention rules`
//! (owner, auditor) shows the shop's jurisdiction, how long it keeps sales
//! records, the access log and destruction records (with the
//! jurisdiction's defaults) and its sales totals; `retention rules set
//! CATEGORY --years N|--days N` and `settings jurisdiction ES|ID|EU
//! [--apply-defaults]` (owner) change them. The core decides; this file
//! asks and prints.

use clap::Subcommand;
use steward_core::{Jurisdiction, Period, RecordCategory, RecordKeeping, Session, Unit, Vault};

use crate::{output, Failure};

#[derive(Subcommand)]
pub enum RulesCommand {
    /// How long one category is kept (owner): sales-records, access-log or
    /// destruction-records. A change to sales-records publishes a new
    /// notice version.
    Set {
        category: String,
        #[arg(long, conflicts_with = "days", required_unless_present = "days")]
        years: Option<u32>,
        #[arg(long)]
        days: Option<u32>,
    },
}

pub fn rules(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    command: Option<&RulesCommand>,
) -> Result<(), Failure> {
    let kept = match command {
        None => vault.record_keeping(session)?,
        Some(RulesCommand::Set {
            category,
            years,
            days,
        }) => {
            let category = RecordCategory::parse(category)?;
            let period = match (years, days) {
                (Some(y), _) => Period::years(*y),
                (None, Some(d)) => Period::days(*d),
                (None, None) => Period::years(0),
            };
            vault.set_record_keeping_rule(session, category, period)?
        }
    };
    output(json, &kept, || describe(&kept));
    Ok(())
}

pub fn jurisdiction(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    code: &str,
    apply_defaults: bool,
) -> Result<(), Failure> {
    let j = Jurisdiction::parse(code)?;
    let kept = vault.set_jurisdiction(session, j, apply_defaults)?;
    output(json, &kept, || {
        let mut text = describe(&kept);
        if !apply_defaults && kept.rules.iter().any(|r| r.period != r.default_period) {
            text.push_str(
                "\nThe rules were not changed. Run again with --apply-defaults to use this jurisdiction's defaults.",
            );
        }
        text
    });
    Ok(())
}

fn period(p: Period) -> String {
    match (p.amount, p.unit) {
        (0, _) => "not kept".to_owned(),
        (1, Unit::Years) => "1 year".to_owned(),
        (n, Unit::Years) => format!("{n} years"),
        (1, Unit::Days) => "1 day".to_owned(),
        (n, Unit::Days) => format!("{n} days"),
    }
}

fn describe(k: &RecordKeeping) -> String {
    let mut lines = vec![format!("Jurisdiction: {}", k.jurisdiction.as_str())];
    for r in &k.rules {
        let what = match r.category {
            RecordCategory::SalesRecords => {
                "Sales records of customers who left (day, total, currency; from each sale)"
            }
            RecordCategory::AccessLog => "Access log (who accessed or changed what)",
            RecordCategory::DestructionRecords => "Destruction records",
        };
        let mut line = format!("{what}: {}", period(r.period));
        if r.period != r.default_period {
            line.push_str(&format!(" (default: {})", period(r.default_period)));
        }
        lines.push(line);
    }
    lines.push(
        "Proof of consent of customers who left: kept while the shop may have to prove consent."
            .to_owned(),
    );
    for t in &k.sales {
        lines.push(format!(
            "Sales in {}: {} of current customers, {} kept without a customer, {:.2} in all.",
            t.currency,
            t.purchases,
            t.kept_without_customer,
            t.total_cents as f64 / 100.0
        ));
    }
    lines.push(
        "These are defaults to check with your adviser; Steward is not your invoicing system."
            .to_owned(),
    );
    lines.join("\n")
}
