//! Invitations at the till and in the owner's settings: opening one to
//! pre-fill the consent form (logged like opening a customer), how many
//! wait and when they go, and how long they may wait. The join that
//! consumes one and the refusal that erases one are the person's acts
//! (`rights::invitation`).

use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::table;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::people::access::{self, ViewKind};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::Fields;
use crate::store::Vault;

/// How long an invitation may wait, in days (the default, 90, is in the
/// schema).
pub const EXPIRE_AFTER_RANGE: RangeInclusive<u32> = 1..=365;

/// Why invitations are read, as the audit log says it.
pub(crate) const PURPOSE: &str = "invite-to-join";

/// An invitation among a search's hits: "invited, not yet joined".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitedHit {
    pub id: i64,
    pub name: String,
}

/// An invitation opened at the till: what the consent form starts with,
/// for the person to check, correct and sign.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: i64,
    /// The imported values by catalog key (`name`, `email`, `phone`).
    pub fields: Fields,
    /// The list's notes, for the owner and a manager only (staff serve
    /// the person in front of them, not the old list's remarks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub imported_at: DateTime<Utc>,
    /// When the retention schedule erases it if the person has not joined.
    pub expires_at: DateTime<Utc>,
}

/// How many invitations wait and when they go (counts only).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationStatus {
    pub waiting: u64,
    pub expire_after_days: u32,
    /// When the oldest waiting invitations expire (the retention
    /// schedule's next run after it erases them).
    pub next_expiry: Option<DateTime<Utc>>,
    /// How many expire within the next seven days.
    pub expiring_within_week: u64,
}

impl Vault {
    /// Opens an invitation to start the consent form with it. Logged with
    /// its purpose and the fields shown, like opening a customer.
    pub fn open_invitation(&mut self, session: &mut Session, id: i64) -> Result<Invitation> {
        self.authorize(session, Action::ServeInvitations)?;
        let (user_id, role) = (session.user_id(), session.role());
        let with_notes = access::scope(role).view == ViewKind::Full;
        self.transact("open an invitation", |tx| {
            let conn = tx.conn();
            let days = table::expire_after_days(conn)?;
            let found = table::get(conn, id)?.ok_or(Error::InvitationNotFound)?;
            let expires_at = found.imported_at + Duration::days(i64::from(days));
            if expires_at <= tx.now {
                // Due to be erased: no longer used, even before the run.
                return Err(Error::InvitationNotFound);
            }
            let v = found.values;
            let mut fields = Fields::new();
            fields.insert("name", v.name);
            if let Some(email) = v.email {
                fields.insert("email", email);
            }
            if let Some(phone) = v.phone {
                fields.insert("phone", phone);
            }
            let notes = v.notes.filter(|_| with_notes);
            let shown: Vec<&'static str> = fields
                .keys()
                .copied()
                .chain(notes.as_ref().map(|_| "notes"))
                .collect();
            tx.audit(
                AuditEvent::new("invitation.view", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Invitation(id))
                    .because(PURPOSE)
                    .touching(shown),
            )?;
            Ok(Invitation {
                id,
                fields,
                notes,
                imported_at: found.imported_at,
                expires_at,
            })
        })
    }

    /// How many invitations wait and when the next ones go.
    pub fn invitation_status(&mut self, session: &mut Session) -> Result<InvitationStatus> {
        self.authorize(session, Action::ViewInvitationCounts)?;
        let days = table::expire_after_days(&self.conn)?;
        let period = Duration::days(i64::from(days));
        let (waiting, oldest) = table::waiting(&self.conn)?;
        let week = self.now() + Duration::days(7);
        Ok(InvitationStatus {
            waiting,
            expire_after_days: days,
            next_expiry: oldest.map(|t| t + period),
            expiring_within_week: table::count_before(&self.conn, week - period)?,
        })
    }

    /// How long invitations wait before the retention schedule erases
    /// them, in days (1 to 365; default 90). Applies to those already
    /// waiting too. Owner (a shop setting).
    pub fn set_invitation_expiry_days(&mut self, session: &mut Session, days: u32) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        if !EXPIRE_AFTER_RANGE.contains(&days) {
            return Err(Error::InvalidInput {
                field: "invitation expiry",
                reason: "choose between 1 and 365 days",
            });
        }
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("change a setting", |tx| {
            table::set_expire_after_days(tx.conn(), days)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Setting("invitation_expire_after_days")),
            )
        })
    }
}
