//! The owner's settings for the till: the auto-lock delay and the
//! currency. The values live in the shop's record (`shop`).

use super::session::Session;
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::error::{Error, Result};
use crate::permissions::Action;
use crate::shop;
use crate::store::Vault;

/// Auto-lock delay bounds, in seconds (the default, 300, is in the schema).
pub const AUTOLOCK_RANGE: std::ops::RangeInclusive<u32> = 5..=3600;

impl Vault {
    /// Sets the auto-lock delay, in seconds.
    pub fn set_autolock_seconds(&mut self, session: &mut Session, seconds: u32) -> Result<()> {
        self.authorize(session, Action::ChangeSettings)?;
        if !AUTOLOCK_RANGE.contains(&seconds) {
            return Err(Error::InvalidInput {
                field: "auto-lock delay",
                reason: "choose between 5 and 3600 seconds",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_autolock_seconds(tx.conn(), seconds)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("autolock_seconds")),
            )
        })
    }

    /// Sets the currency the till records amounts in (ISO 4217: three
    /// capital letters, e.g. `EUR`, `IDR`). Purchases already recorded keep
    /// the currency they were recorded in.
    pub fn set_currency(&mut self, session: &mut Session, code: &str) -> Result<String> {
        self.authorize(session, Action::ChangeSettings)?;
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::InvalidInput {
                field: "currency",
                reason: "give the three-letter ISO 4217 code, e.g. EUR or IDR",
            });
        }
        let (actor, actor_role) = (session.user_id, session.role);
        self.transact("change a setting", |tx| {
            shop::set_currency(tx.conn(), &code)?;
            tx.audit(
                AuditEvent::new("settings.change", Outcome::Ok)
                    .by(actor, actor_role)
                    .on(Subject::Setting("currency")),
            )
        })?;
        Ok(code)
    }
}
