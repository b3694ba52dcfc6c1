//! The vault's schema: the numbered migrations, each its SQL and, where
//! existing rows need filling in, the data step registered next to it. A
//! shipped migration is never edited; a change is a new one. The store
//! applies them in order (`PRAGMA user_version` counts them).

use crate::consent::acts::upgrade_to_schema_3;
use crate::store::Migration;

/// The migrations, in order.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("../migrations/001_foundation.sql"),
        data: None,
    },
    Migration {
        sql: include_str!("../migrations/002_consent.sql"),
        data: None,
    },
    Migration {
        sql: include_str!("../migrations/003_crm.sql"),
        // Schema 3 brings loyalty accounts and the search index: existing
        // customers get theirs.
        data: Some(upgrade_to_schema_3),
    },
    Migration {
        sql: include_str!("../migrations/004_close_after_lock.sql"),
        data: None,
    },
    Migration {
        sql: include_str!("../migrations/005_recipients.sql"),
        data: None,
    },
    Migration {
        sql: include_str!("../migrations/006_restriction.sql"),
        data: None,
    },
    Migration {
        sql: include_str!("../migrations/007_search_limit.sql"),
        data: None,
    },
    Migration {
        // Consent form ids (issue 11 §7); nothing to fill in: earlier
        // receipts were issued without one.
        sql: include_str!("../migrations/008_consent_form_ids.sql"),
        data: None,
    },
    Migration {
        // Erasure tombstones and destruction records (issue 12 §3).
        sql: include_str!("../migrations/009_erasure.sql"),
        data: None,
    },
    Migration {
        // Legal holds (issue 13 §1).
        sql: include_str!("../migrations/010_legal_hold.sql"),
        data: None,
    },
    Migration {
        // The retention schedule: what starts each purpose's clock, and the
        // runs' journal (issue 13 §1–2).
        sql: include_str!("../migrations/011_retention.sql"),
        data: None,
    },
    Migration {
        // The backup folder setting and the destruction records of
        // replayed erasures and pruned backups (issue 13 §3).
        sql: include_str!("../migrations/012_backups.sql"),
        data: None,
    },
    Migration {
        // The jurisdiction's record-keeping rules, sales records kept
        // without the customer, and the audit log's checkpoints (issue 13
        // §1).
        sql: include_str!("../migrations/013_record_keeping.sql"),
        data: None,
    },
    Migration {
        // Each account's language for the staff screens, and the shop's
        // default (issue 14).
        sql: include_str!("../migrations/014_user_language.sql"),
        data: None,
    },
    Migration {
        // Quick switch at the till: per-user PINs (issue 14).
        sql: include_str!("../migrations/015_quick_switch.sql"),
        data: None,
    },
    Migration {
        // A shop's old list kept as invitations, apart from customers,
        // and how long they wait (issue 15 §3).
        sql: include_str!("../migrations/016_invitations.sql"),
        data: None,
    },
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
