//! The retention schedule at work: what ran out is erased, one customer per
//! transaction, with the same verified erasure as a customer's own request.
//!
//! - Membership's period ended: the customer is erased as a whole (their
//!   tombstone stays), with an erasure confirmation worded for the end of a
//!   period.
//! - Another purpose's period ended: the ledger records that it ended
//!   (`expire`), with a signed notice, and the values only it covered go,
//!   as after a withdrawal.
//! - A customer under a legal hold, or who asked for their record to be
//!   restricted (Art. 18: often to keep it for a claim of their own), is
//!   kept and counted.
//!
//! A run begins by writing its journal of intent (`runs`: the moment it
//! erases up to); each customer's transaction adds to the run's counts and
//! to its destruction record. A run killed at any point leaves every
//! customer whole or wholly erased, and the next run resumes it. At the end
//! the journal is emptied and the whole vault is read back, decrypted, for
//! every value the run erased: the destruction record keeps the result.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use zeroize::Zeroizing;

use super::due::{all_due, due_for, Due, Rules};
use super::invitations;
use super::keeping;
use super::runs::{self, Counts, Removed, RetentionRunSummary, RunTrigger};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::coverage;
use crate::consent::ledger;
use crate::consent::notices::Notice;
use crate::consent::record::{record_decisions, Act, RETENTION_SCHEDULE};
use crate::consent::{CollectionMethod, Decision, IdentityCheck};
use crate::error::{Error, Result, Warning};
use crate::language::Lang;
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::LOYALTY;
use crate::records::erasure::{self as tombstones, NewRecord};
use crate::records::{customer, fields, legal_hold, loyalty, restriction};
use crate::rights::erasure::{bury_customer, rows_held, values_to_check};
use crate::store::Vault;
use crate::Role;

/// The audit log's reason for everything the schedule does.
pub(super) const REASON: &str = "retention-schedule";
/// The ground of an erasure on schedule (GDPR Art. 17(1)(a)).
const GROUND: &str = "no-longer-needed";

/// Who asks for a run.
pub enum RunBy<'a> {
    /// The owner, now (`Action::RunRetention`).
    Owner(&'a mut Session),
    /// The schedule: the app's background task or an OS timer. Needs no
    /// session: it only erases what the shop promised to erase by now.
    Schedule,
}

/// A run under way: what is left to do. Made by [`Vault::begin_retention`],
/// worked through by [`Vault::retention_step`], closed by
/// [`Vault::finish_retention`].
pub struct RetentionRun {
    id: i64,
    as_of: DateTime<Utc>,
    by: Option<(i64, Role)>,
    queue: VecDeque<i64>,
    planned: u64,
    /// The values erased by this process, to look for at the end; wiped on
    /// drop.
    erased_values: Vec<Zeroizing<String>>,
    /// Read once per run: the purposes' periods, and the current notice in
    /// each language the run's receipts are worded in.
    rules: Rules,
    notices: HashMap<Lang, Notice>,
}

impl RetentionRun {
    /// Customers due when the run began (or resumed).
    pub fn planned(&self) -> u64 {
        self.planned
    }

    /// Customers handled so far.
    pub fn done(&self) -> u64 {
        self.planned - self.queue.len() as u64
    }

    pub fn id(&self) -> i64 {
        self.id
    }
}

/// What the schedule will do up to a moment (the owner's preview), or
/// would do now (a dry run).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPreview {
    /// Everything whose period ends by then is counted.
    pub until: DateTime<Utc>,
    /// Customers to be erased (their membership's period ends), by number,
    /// with when.
    pub customers_to_erase: Vec<ScheduledErasure>,
    /// Per purpose other than membership, how many customers' agreements
    /// end (for the customers not erased).
    pub purposes_ending: BTreeMap<String, u64>,
    /// Customers due but kept: under a legal hold.
    pub kept_held: Vec<i64>,
    /// Customers due but kept: their record is restricted.
    pub kept_restricted: Vec<i64>,
    /// What the record-keeping rules remove by then (sales records of
    /// customers who left, audit entries, destruction records).
    pub records_removed: Removed,
    /// Invitations whose waiting period ends by then (erased, no one
    /// named in the record).
    pub invitations_expiring: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledErasure {
    pub customer_id: i64,
    pub on: DateTime<Utc>,
}

impl Vault {
    /// What the schedule will erase in the next `days` days (0: what is due
    /// now). Owner and auditor; reads only.
    pub fn retention_preview(
        &mut self,
        session: &mut Session,
        days: u32,
    ) -> Result<RetentionPreview> {
        self.authorize(session, Action::ViewRetention)?;
        self.retention_due_until(self.now() + Duration::days(i64::from(days)))
    }

    /// What the schedule will erase by `until`, with no check of who asks:
    /// for [`Vault::retention_preview`] and the unattended schedule's dry
    /// run, which shows only counts.
    pub(crate) fn retention_due_until(&self, until: DateTime<Utc>) -> Result<RetentionPreview> {
        let held = legal_hold::all(&self.conn)?;
        let restricted = restriction::restricted_ids(&self.conn)?;
        let mut preview = RetentionPreview {
            until,
            customers_to_erase: Vec::new(),
            purposes_ending: BTreeMap::new(),
            kept_held: Vec::new(),
            kept_restricted: Vec::new(),
            records_removed: keeping::due(&self.conn, until)?,
            invitations_expiring: invitations::expired_by(&self.conn, until)?,
        };
        for due in all_due(&self.conn, until)? {
            let id = due.customer_id;
            if held.iter().any(|h| h.customer_id == id) {
                preview.kept_held.push(id);
            } else if restricted.contains(&id) {
                preview.kept_restricted.push(id);
            } else if due.erases_customer() {
                preview.customers_to_erase.push(ScheduledErasure {
                    customer_id: id,
                    on: due.first_end(),
                });
            } else {
                for purpose in due.ended.keys() {
                    *preview.purposes_ending.entry(purpose.clone()).or_default() += 1;
                }
            }
        }
        Ok(preview)
    }

    /// Whether the schedule has work: something is due now, or a run was
    /// left unfinished. Needs no session and says nothing else (the app's
    /// background task asks before it begins a run).
    pub fn retention_due(&self) -> Result<bool> {
        if runs::unfinished(&self.conn)?.is_some()
            || keeping::anything_due(&self.conn, self.now())?
            || invitations::any_expired(&self.conn, self.now())?
        {
            return Ok(true);
        }
        // Customers kept under a legal hold or a restriction stay due for as
        // long as that lasts: they alone start no run.
        let held = legal_hold::all(&self.conn)?;
        let restricted = restriction::restricted_ids(&self.conn)?;
        Ok(all_due(&self.conn, self.now())?.iter().any(|d| {
            !restricted.contains(&d.customer_id)
                && !held.iter().any(|h| h.customer_id == d.customer_id)
        }))
    }

    /// Starts a run (or resumes the one a stopped process left): writes its
    /// journal of intent and lists the customers due.
    pub fn begin_retention(&mut self, by: RunBy<'_>) -> Result<RetentionRun> {
        let (trigger, by) = match by {
            RunBy::Owner(session) => {
                self.authorize(session, Action::RunRetention)?;
                (RunTrigger::Owner, Some((session.user_id(), session.role())))
            }
            RunBy::Schedule => (RunTrigger::Schedule, None),
        };
        let (id, as_of) = match runs::unfinished(&self.conn)? {
            Some(resumed) => resumed,
            None => {
                let as_of = self.now();
                let planned = all_due(&self.conn, as_of)?.len() as u64;
                let id = self.transact("start the retention run", |tx| {
                    let id = runs::start(tx.conn(), tx.now, as_of, trigger, by, planned)?;
                    let mut event = AuditEvent::new("retention.run", Outcome::Ok).because(REASON);
                    if let Some((user, role)) = by {
                        event = event.by(user, role);
                    }
                    tx.audit(event)?;
                    Ok(id)
                })?;
                (id, as_of)
            }
        };
        let queue: VecDeque<i64> = all_due(&self.conn, as_of)?
            .into_iter()
            .map(|d| d.customer_id)
            .collect();
        Ok(RetentionRun {
            id,
            as_of,
            by,
            planned: queue.len() as u64,
            queue,
            erased_values: Vec::new(),
            rules: Rules::load(&self.conn)?,
            notices: HashMap::new(),
        })
    }

    /// Handles up to `max` customers of the run, each in its own
    /// transaction. Returns true while customers are left.
    pub fn retention_step(&mut self, run: &mut RetentionRun, max: usize) -> Result<bool> {
        for _ in 0..max {
            let Some(customer_id) = run.queue.pop_front() else {
                break;
            };
            // Read again: the customer may have come back, renewed or been
            // erased since the run began.
            if let Some(due) = due_for(&self.conn, &run.rules, customer_id, run.as_of)? {
                self.handle_due(run, &due)?;
            }
        }
        Ok(!run.queue.is_empty())
    }

    /// Closes the run: empties the journal, reads the whole vault back for
    /// the values it erased, and writes the result to its destruction
    /// record. Returns the run's summary and any warning.
    pub fn finish_retention(
        &mut self,
        mut run: RetentionRun,
    ) -> Result<(RetentionRunSummary, Vec<Warning>)> {
        while self.retention_step(&mut run, usize::MAX)? {}
        // After the customers: what the shop kept for its own obligations.
        self.remove_kept_records(run.id, run.as_of, run.by)?;
        // And the invitations nobody took up within the owner's period.
        self.expire_invitations(run.id, run.as_of, run.by, &mut run.erased_values)?;
        let mut warnings = self.warnings();
        if let Some(record) = runs::destruction_record(&self.conn, run.id)? {
            let (residue, checked) =
                self.check_erased(&run.erased_values, "erase data on schedule", &mut warnings)?;
            tombstones::set_residue(&self.conn, record, residue, checked)?;
        }
        run.erased_values.clear();
        let now = self.now();
        runs::finish(&self.conn, run.id, now)?;
        let summary = runs::find(&self.conn, run.id)?.ok_or(Error::VaultDamaged {
            reason: "a retention run just written cannot be read back",
        })?;
        Ok((summary, warnings))
    }

    /// Runs the schedule to the end, calling `progress(done, planned)`
    /// after each few customers (the CLI's progress bar).
    pub fn run_retention(
        &mut self,
        by: RunBy<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(RetentionRunSummary, Vec<Warning>)> {
        let mut run = self.begin_retention(by)?;
        progress(run.done(), run.planned());
        while self.retention_step(&mut run, 50)? {
            progress(run.done(), run.planned());
        }
        progress(run.done(), run.planned());
        self.finish_retention(run)
    }

    /// The latest runs of the schedule, newest first (owner, auditor).
    pub fn retention_runs(
        &mut self,
        session: &mut Session,
        limit: usize,
    ) -> Result<Vec<RetentionRunSummary>> {
        self.authorize(session, Action::ViewRetention)?;
        runs::recent(&self.conn, limit)
    }

    /// The current notice in the customer's language, read once per run.
    fn run_notice(&self, run: &mut RetentionRun, customer_id: i64) -> Result<Notice> {
        let lang = customer::lang(&self.conn, customer_id)?;
        if let Some(notice) = run.notices.get(&lang) {
            return Ok(notice.clone());
        }
        let notice = self.current_notice_for(lang, None)?;
        run.notices.insert(lang, notice.clone());
        Ok(notice)
    }

    /// One customer whose agreements ran out.
    fn handle_due(&mut self, run: &mut RetentionRun, due: &Due) -> Result<()> {
        let customer_id = due.customer_id;
        let kept = if legal_hold::ensure_not_held(&self.conn, customer_id).is_err() {
            Some(Counts {
                held: 1,
                ..Counts::default()
            })
        } else if restriction::is_restricted(&self.conn, customer_id)? {
            Some(Counts {
                restricted: 1,
                ..Counts::default()
            })
        } else {
            None
        };
        if let Some(counts) = kept {
            let run_id = run.id;
            return self.transact("keep a customer's data", |tx| {
                runs::add(tx.conn(), run_id, counts)
            });
        }
        if due.erases_customer() {
            self.erase_on_schedule(run, due)
        } else {
            self.expire_purposes(run, due)
        }
    }

    /// Membership's period ended: the customer is erased as a whole.
    fn erase_on_schedule(&mut self, run: &mut RetentionRun, due: &Due) -> Result<()> {
        let customer_id = due.customer_id;
        let public_id = due.public_id.as_str();
        let notice = self.run_notice(run, customer_id)?;
        let decisions: Vec<(String, Decision)> = ledger::granted(&self.conn, public_id)?
            .into_iter()
            .map(|p| (p, Decision::Expire))
            .collect();
        let erased_fields = fields::held_keys(&self.conn, customer_id)?;
        let rows = rows_held(&self.conn, customer_id, public_id)?;
        let values = values_to_check(&self.conn, customer_id)?;
        let (run_id, by) = (run.id, run.by);
        self.transact("erase a customer on schedule", |tx| {
            bury_customer(
                tx,
                &scheduled_act(customer_id, public_id, &notice),
                &decisions,
                &erased_fields,
                GROUND,
            )?;
            add_to_record(tx.conn(), run_id, by, &rows, tx.now)?;
            runs::add(
                tx.conn(),
                run_id,
                Counts {
                    erased: 1,
                    ..Counts::default()
                },
            )?;
            tx.audit(actor(
                AuditEvent::new("customer.erase", Outcome::Ok)
                    .on(Subject::Customer(customer_id))
                    .because(REASON)
                    .touching(
                        erased_fields
                            .iter()
                            .filter_map(|k| crate::catalog::spec(k).ok().map(|s| s.key)),
                    ),
                by,
            ))
        })?;
        run.erased_values.extend(values);
        Ok(())
    }

    /// Other agreements ended: the ledger records it, with a signed notice
    /// for the customer, and the values only they covered are erased.
    fn expire_purposes(&mut self, run: &mut RetentionRun, due: &Due) -> Result<()> {
        let customer_id = due.customer_id;
        let public_id = due.public_id.as_str();
        let notice = self.run_notice(run, customer_id)?;
        let remaining: Vec<_> = ledger::current_state(&self.conn, public_id)?
            .into_iter()
            .filter(|s| s.granted && !due.ended.contains_key(&s.purpose))
            .collect();
        let decisions: Vec<(String, Decision)> = due
            .ended
            .keys()
            .map(|p| (p.clone(), Decision::Expire))
            .collect();
        let values_before = fields::held(&self.conn, customer_id)?;
        let loyalty_number = loyalty::account(&self.conn, customer_id)?.map(|l| l.number);
        let rows_before = rows_held(&self.conn, customer_id, public_id)?;
        let (run_id, by) = (run.id, run.by);
        let ended_loyalty = due.ended.contains_key(LOYALTY);
        let erased = self.transact("end agreements on schedule", |tx| {
            let mut erased = coverage::erase_uncovered(tx.conn(), customer_id, &remaining)?;
            if ended_loyalty {
                erased.push(LOYALTY.to_owned());
            }
            record_decisions(
                tx,
                &scheduled_act(customer_id, public_id, &notice),
                &decisions,
                &erased,
            )?;
            let rows_after = rows_held(tx.conn(), customer_id, public_id)?;
            let gone: BTreeMap<String, u64> = rows_before
                .iter()
                .filter_map(|(table, n)| {
                    let left = rows_after.get(table).copied().unwrap_or(0);
                    (*n > left).then(|| (table.clone(), n - left))
                })
                .collect();
            if !gone.is_empty() {
                add_to_record(tx.conn(), run_id, by, &gone, tx.now)?;
            }
            runs::add(
                tx.conn(),
                run_id,
                Counts {
                    expired: decisions.len() as u64,
                    ..Counts::default()
                },
            )?;
            tx.audit(actor(
                AuditEvent::new("consent.expire", Outcome::Ok)
                    .on(Subject::Customer(customer_id))
                    .because(REASON)
                    .touching(erased.iter().filter_map(|k| {
                        if k == LOYALTY {
                            Some(LOYALTY)
                        } else {
                            crate::catalog::spec(k).ok().map(|s| s.key)
                        }
                    })),
                by,
            ))?;
            Ok(erased)
        })?;
        for key in &erased {
            if key == LOYALTY {
                run.erased_values
                    .extend(loyalty_number.clone().map(Zeroizing::new));
            } else if let Some(v) = values_before.get(key.as_str()) {
                run.erased_values.push(Zeroizing::new(v.clone()));
            }
        }
        Ok(())
    }
}

/// What the schedule records for a customer: no one acted, no identity
/// was checked, nothing was signed.
fn scheduled_act<'a>(customer_id: i64, public_id: &'a str, notice: &'a Notice) -> Act<'a> {
    Act {
        customer_id,
        customer_ref: public_id,
        notice,
        method: CollectionMethod::RetentionSchedule,
        identity_check: IdentityCheck::NotNeeded,
        recorded_by: RETENTION_SCHEDULE,
        signature: None,
        form: None,
    }
}

/// Sets the audit event's actor when a person started the run.
fn actor(event: AuditEvent, by: Option<(i64, Role)>) -> AuditEvent {
    match by {
        Some((user, role)) => event.by(user, role),
        None => event,
    }
}

/// Adds rows erased to the run's destruction record, writing it on the
/// run's first erasure.
pub(super) fn add_to_record(
    conn: &rusqlite::Connection,
    run_id: i64,
    by: Option<(i64, Role)>,
    rows: &BTreeMap<String, u64>,
    now: DateTime<Utc>,
) -> Result<()> {
    match runs::destruction_record(conn, run_id)? {
        Some(record) => tombstones::add_rows(conn, record, rows),
        None => {
            let record = tombstones::record(
                conn,
                &NewRecord {
                    trigger: "retention",
                    ground: GROUND,
                    by,
                    rows,
                    method: None,
                },
                now,
            )?;
            runs::set_destruction_record(conn, run_id, record)
        }
    }
}
