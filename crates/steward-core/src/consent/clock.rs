//! What starts a purpose's retention period (column `purpose.retention_clock`,
//! owned by `purposes`): the notice prints it with the period, and the
//! retention schedule counts from it.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::purpose_id::{LOYALTY, MEMBERSHIP};

/// What starts a purpose's retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetentionClock {
    /// The customer's latest agreement to the purpose (a renewal restarts
    /// it): for marketing, whose consent goes stale.
    Consent,
    /// The later of that agreement and the customer's last purchase: for
    /// membership and loyalty, which a regular customer keeps using.
    LastVisit,
}

impl RetentionClock {
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionClock::Consent => "consent",
            RetentionClock::LastVisit => "last-visit",
        }
    }

    pub fn parse(s: &str) -> Result<RetentionClock> {
        match s {
            "consent" => Ok(RetentionClock::Consent),
            "last-visit" => Ok(RetentionClock::LastVisit),
            _ => Err(Error::InvalidInput {
                field: "retention clock",
                reason: "use consent or last-visit",
            }),
        }
    }
}

/// What starts a default purpose's retention period: membership and
/// loyalty run from the customer's last visit (a regular is never erased
/// for having joined long ago), the others from the agreement.
pub(crate) fn default_clock(id: &str) -> RetentionClock {
    if id == MEMBERSHIP || id == LOYALTY {
        RetentionClock::LastVisit
    } else {
        RetentionClock::Consent
    }
}
