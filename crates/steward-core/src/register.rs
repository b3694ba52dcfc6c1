//! The register of customer data: every table (and index) that can hold
//! anything about a customer, listed once with what it holds, how the
//! customer's rows are found and exported, what they are kept for, and what
//! erasing the customer does to them. The customer's rights (export,
//! erasure) and retention walk this list; nothing enumerates tables by
//! hand. A test compares it with the live schema, so a table added later
//! without an entry fails the tests, not a customer's rights.
//!
//! Each entry's export calls the module that owns the table: the SQL stays
//! with its owner.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::audit::{self, Subject};
use crate::consent::{ledger, receipts};
use crate::error::{Error, Result};
use crate::invitations::table as invitations;
use crate::purpose_id::{LOYALTY, MEMBERSHIP};
use crate::records::{
    customer, erasure, fields, legal_hold, loyalty, notes, purchases, recipients, restriction,
    search, signatures, tags, tasks,
};

/// The two ways a customer is named in the vault: their number (in the
/// customer's own tables and the audit log) and their random public id (in
/// the consent ledger and on receipts).
#[derive(Debug, Clone)]
pub(crate) struct CustomerKey {
    pub id: i64,
    pub public_id: String,
}

/// What a table's rows are kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeptFor {
    /// Kept while the customer agrees to this purpose, for at most its
    /// retention period; withdrawing it erases the rows.
    Purpose(&'static str),
    /// Each value is kept for the purposes that list its field (in the
    /// notice the customer agreed to); a value no granted purpose needs is
    /// erased.
    FieldPurposes,
    /// Kept because the customer asked (a restriction, Art. 18) and only
    /// while that request stands; lifting it deletes the row.
    CustomerRequest,
    /// Derived from other rows (the search index): follows them.
    Derived,
    /// Proof of what the customer decided and was told, which the shop must
    /// be able to show; names the customer by their random id only.
    ProofOfConsent,
    /// Who accessed the customer's data and why (accountability); names
    /// the customer by number only.
    Accountability,
    /// Kept while a dispute or a claim needs it (a legal hold); lifting it
    /// deletes the row.
    LegalClaim,
    /// That the customer was erased, when and on which ground: exists only
    /// after the erasure, names them by number and random id only.
    ProofOfErasure,
}

/// What erasing the customer does to a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Erasure {
    /// The rows are deleted by their owner (`secure_delete` zeroes them).
    Delete,
    /// The rows are deleted with the row they hang off (`ON DELETE CASCADE`).
    CascadeFrom(&'static str),
    /// The rows stay: they hold no contact data, only a pseudonymous
    /// reference, and are needed as proof or for accountability.
    Kept,
}

/// One table in the register.
pub(crate) struct Holding {
    /// The table's (or index's) name in the schema.
    pub table: &'static str,
    /// What it holds, in words.
    pub holds: &'static str,
    pub kept_for: KeptFor,
    pub erasure: Erasure,
    /// The customer's rows, for their own export.
    pub export: fn(&Connection, &CustomerKey) -> Result<Vec<Value>>,
}

/// Everything that can hold a customer's data.
pub(crate) const REGISTER: &[Holding] = &[
    Holding {
        table: "customer",
        holds:
            "the customer's random id, language, how their identity was checked, when they joined",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::Delete,
        export: |c, k| customer::export(c, k.id),
    },
    Holding {
        table: "customer_field",
        holds: "the values of the catalog fields (name, e-mail, phone, address...)",
        kept_for: KeptFor::FieldPurposes,
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| fields::export(c, k.id),
    },
    Holding {
        table: "customer_search",
        holds: "a copy of the name, e-mail, phone and loyalty number for search",
        kept_for: KeptFor::Derived,
        erasure: Erasure::Delete,
        export: |c, k| search::export(c, k.id),
    },
    Holding {
        table: "consent_signature",
        holds: "the signatures given on consent forms: drawn strokes, or the name the customer typed and confirmed",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| signatures::export(c, k.id),
    },
    Holding {
        table: "purchase",
        holds: "purchases: date, total, currency",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| purchases::export(c, k.id),
    },
    Holding {
        table: "purchase_item",
        holds: "the lines of each purchase",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("purchase"),
        export: |c, k| purchases::export_items(c, k.id),
    },
    Holding {
        table: "customer_note",
        holds: "notes about interactions",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| notes::export(c, k.id),
    },
    Holding {
        table: "customer_task",
        holds: "follow-up tasks",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| tasks::export(c, k.id),
    },
    Holding {
        table: "customer_tag",
        holds: "tags",
        kept_for: KeptFor::Purpose(MEMBERSHIP),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| tags::export(c, k.id),
    },
    Holding {
        table: "loyalty_account",
        holds: "the loyalty number",
        kept_for: KeptFor::Purpose(LOYALTY),
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| loyalty::export_account(c, k.id),
    },
    Holding {
        table: "loyalty_entry",
        holds: "points earned and spent",
        kept_for: KeptFor::Purpose(LOYALTY),
        erasure: Erasure::CascadeFrom("loyalty_account"),
        export: |c, k| loyalty::export_entries(c, k.id),
    },
    Holding {
        table: "customer_restriction",
        holds: "whether the record is restricted (kept but not used), why (a category and what staff typed), since when",
        kept_for: KeptFor::CustomerRequest,
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| restriction::export(c, k.id),
    },
    Holding {
        table: "consent_event",
        holds: "every consent decision, with the notice version seen",
        kept_for: KeptFor::ProofOfConsent,
        erasure: Erasure::Kept,
        export: |c, k| ledger::export(c, &k.public_id),
    },
    Holding {
        table: "consent_receipt",
        holds: "the signed receipts issued",
        kept_for: KeptFor::ProofOfConsent,
        erasure: Erasure::Kept,
        export: |c, k| receipts::export(c, &k.public_id),
    },
    Holding {
        table: "audit_event",
        holds: "who read or changed the customer's data, when, why and which fields",
        kept_for: KeptFor::Accountability,
        erasure: Erasure::Kept,
        export: export_access_history,
    },
    Holding {
        table: "disclosure",
        holds: "which of the customer's fields were handed to which recipient, and when (never the values)",
        kept_for: KeptFor::Accountability,
        erasure: Erasure::Kept,
        export: |c, k| recipients::export(c, k.id),
    },
    Holding {
        table: "recipient_notice",
        holds: "which recipients were, or must be, told of a correction, restriction or erasure (field names only)",
        kept_for: KeptFor::Accountability,
        erasure: Erasure::Kept,
        export: |c, k| recipients::export_notices(c, k.id),
    },
    Holding {
        table: "legal_hold",
        holds: "whether the customer's data is kept for a dispute or a claim, why (what the owner typed), since when",
        kept_for: KeptFor::LegalClaim,
        erasure: Erasure::CascadeFrom("customer"),
        export: |c, k| legal_hold::export(c, k.id),
    },
    Holding {
        table: "erasure_tombstone",
        holds: "that the customer was erased: their number, random id, when and on which ground",
        kept_for: KeptFor::ProofOfErasure,
        erasure: Erasure::Kept,
        export: |c, k| erasure::export(c, k.id),
    },
];

/// A table that holds people who are not customers (yet): nobody's
/// customer data, so no customer's export or erasure walks it, but personal
/// data all the same, held for a stated reason and erased on a stated
/// event.
pub(crate) struct NotYetCustomers {
    pub table: &'static str,
    pub holds: &'static str,
    /// Why it is held.
    pub kept_for: &'static str,
    /// When and how it goes.
    pub goes: &'static str,
}

/// Everything held about people who have not joined.
pub(crate) const NOT_YET_CUSTOMERS: &[NotYetCustomers] = &[NotYetCustomers {
    table: "invitation",
    holds: "a name, e-mail address, phone number and notes from the shop's own old list (a spreadsheet, another till's export), checked like a customer's; who imported it and when",
    kept_for: "to invite the person to join at the till, with the consent form pre-filled for them to check, correct and sign",
    goes: "consumed when the person joins (in the join's transaction), erased when they refuse, and erased by the retention schedule once the owner's period ends (default 90 days from the import); secure_delete, journal emptied, pages checked for residue, a destruction record with counts only",
}];

/// The tables that hold nothing about any customer, and why.
pub(crate) const HOLDS_NO_CUSTOMER_DATA: &[(&str, &str)] = &[
    ("shop", "the shop's own details and settings"),
    ("user_account", "the accounts of the shop's staff"),
    ("shop_signing_key", "the key that signs receipts"),
    ("purpose", "the purposes the shop configured"),
    ("purpose_text", "the purposes' names and descriptions"),
    ("field_setting", "which catalog fields the shop collects"),
    ("notice_version", "the published notice versions"),
    ("notice_text", "the published notice texts"),
    (
        "recipient",
        "the firms the shop hands data to, and their agreements",
    ),
    (
        "retention_run",
        "each run of the retention schedule: when, how many customers erased or kept; no customer",
    ),
    (
        "destruction_record",
        "what each erasure destroyed: categories, row counts, when, why, how; no customer",
    ),
    (
        "record_keeping_rule",
        "how long the shop keeps sales records, the access log and destruction records",
    ),
    (
        "sales_record",
        "sales of customers who left, kept for the law: day, total, currency; no customer, no items",
    ),
    (
        "audit_checkpoint",
        "where the audit log starts after old entries were removed: an entry number and hash",
    ),
    (
        "invitation_policy",
        "how many days an invitation waits before it expires",
    ),
];

/// Whether a live record still holds `text` somewhere (another customer's
/// field, note, task, restriction reason, loyalty number or typed
/// signature): after an
/// erasure such a match is theirs, not residue.
pub(crate) fn still_held(conn: &Connection, text: &str) -> Result<bool> {
    Ok(fields::any_contains(conn, text)?
        || notes::any_contains(conn, text)?
        || tasks::any_contains(conn, text)?
        || restriction::any_contains(conn, text)?
        || loyalty::any_contains(conn, text)?
        || legal_hold::any_contains(conn, text)?
        || invitations::any_contains(conn, text)?
        || signatures::any_contains(conn, text)?)
}

/// How many erased customers still have rows in a table that erasing
/// deletes: each is half-erased (`audit verify` reports them; an erasure is
/// one transaction, so this is 0 unless something broke it).
pub(crate) fn erased_still_held(conn: &Connection) -> Result<usize> {
    let mut half = 0;
    for (id, public_id) in erasure::buried(conn)? {
        let key = CustomerKey { id, public_id };
        for h in REGISTER.iter().filter(|h| h.erasure != Erasure::Kept) {
            if !(h.export)(conn, &key)?.is_empty() {
                half += 1;
                break;
            }
        }
    }
    Ok(half)
}

/// Column names that tie a row to a customer.
const CUSTOMER_COLUMNS: &[&str] = &["customer_id", "customer_ref", "public_id", "subject"];

/// Shadow tables SQLite's FTS5 keeps for each full-text index.
const FTS5_SHADOWS: &[&str] = &["data", "idx", "content", "docsize", "config"];

fn export_access_history(conn: &Connection, key: &CustomerKey) -> Result<Vec<Value>> {
    let subject = Subject::Customer(key.id);
    let entries = audit::read(
        conn,
        &audit::Query {
            subject: Some(&subject),
            limit: u32::MAX,
            ..audit::Query::default()
        },
    )?;
    Ok(entries
        .into_iter()
        .rev()
        .map(|e| {
            json!({
                "seq": e.seq, "at": e.at, "userId": e.user_id, "role": e.role,
                "action": e.action, "purpose": e.purpose, "fields": e.fields,
                "outcome": e.outcome,
            })
        })
        .collect())
}

/// Everything held about one customer, table by table (the core of the
/// customer's own export).
pub(crate) fn export_all(
    conn: &Connection,
    customer_id: i64,
) -> Result<BTreeMap<&'static str, Vec<Value>>> {
    let key = CustomerKey {
        id: customer_id,
        public_id: customer::public_id(conn, customer_id)?,
    };
    REGISTER
        .iter()
        .map(|h| Ok((h.table, (h.export)(conn, &key)?)))
        .collect()
}

/// Compares the register with the live schema. Returns one sentence per
/// problem: a table that can hold customer data but is not registered, a
/// table in neither list, a registered table that does not exist.
pub(crate) fn check(conn: &Connection) -> Result<Vec<String>> {
    let err = Error::db("read the schema");
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_schema
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(err)?;
    let virtual_tables: Vec<&str> = tables
        .iter()
        .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
        .map(|(name, _)| name.as_str())
        .collect();
    let is_shadow = |name: &str| {
        virtual_tables.iter().any(|v| {
            name.strip_prefix(v)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|suffix| FTS5_SHADOWS.contains(&suffix))
        })
    };
    let registered = |name: &str| {
        REGISTER.iter().any(|h| h.table == name)
            || NOT_YET_CUSTOMERS.iter().any(|h| h.table == name)
    };
    let mut problems = Vec::new();
    for (name, _) in &tables {
        if is_shadow(name) || registered(name) {
            continue;
        }
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
            .map_err(Error::db("read the schema"))?;
        let references: Vec<String> = conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")
            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
            .map_err(Error::db("read the schema"))?;
        let links_customer = columns
            .iter()
            .any(|c| CUSTOMER_COLUMNS.contains(&c.as_str()))
            || references.iter().any(|t| registered(t))
            || virtual_tables.contains(&name.as_str());
        let declared_free = HOLDS_NO_CUSTOMER_DATA.iter().any(|(t, _)| t == name);
        if links_customer {
            problems.push(format!(
                "table {name} can hold a customer's data but is not in the register"
            ));
        } else if !declared_free {
            problems.push(format!(
                "table {name} is neither in the register nor listed as holding no customer data"
            ));
        }
    }
    let listed = REGISTER
        .iter()
        .map(|h| h.table)
        .chain(NOT_YET_CUSTOMERS.iter().map(|h| h.table));
    for table in listed {
        if !tables.iter().any(|(name, _)| name == table) {
            problems.push(format!(
                "the register lists {}, which the schema lacks",
                table
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{CollectionMethod, ConsentForm, IdentityCheck, Signature};
    use crate::crm::{FieldChange, NewItem, NewPurchase, NewRecipient, NewTask};
    use crate::keys::keystore::MemoryKeyStore;
    use crate::language::Lang;
    use crate::people::Passphrase;
    use crate::store::Vault;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let pass = Passphrase::new("owner passphrase 1".into());
        let (vault, _) = Vault::create(
            &dir.path().join("shop.steward"),
            &keys,
            "Forn de la Plaça",
            "olga",
            &pass,
        )
        .unwrap();
        (dir, vault)
    }

    #[test]
    fn every_table_that_can_hold_customer_data_is_in_the_register() {
        let (_dir, vault) = vault();
        assert_eq!(check(&vault.conn).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_table_added_without_a_register_entry_fails_the_check() {
        let (_dir, vault) = vault();
        // What a careless later migration might add: a table keyed on the
        // customer, one hanging off a registered table, a second search
        // index, and a table nobody classified.
        vault
            .conn
            .execute_batch(
                "CREATE TABLE gift_card (id INTEGER PRIMARY KEY,
                     customer_id INTEGER REFERENCES customer (id)) STRICT;
                 CREATE TABLE wishlist_item (id INTEGER PRIMARY KEY,
                     purchase_id INTEGER REFERENCES purchase (id)) STRICT;
                 CREATE VIRTUAL TABLE note_search USING fts5 (body);
                 CREATE TABLE opening_hours (day TEXT) STRICT;",
            )
            .unwrap();
        let problems = check(&vault.conn).unwrap();
        for table in ["gift_card", "wishlist_item", "note_search"] {
            assert!(
                problems.contains(&format!(
                    "table {table} can hold a customer's data but is not in the register"
                )),
                "{table} not caught: {problems:?}"
            );
        }
        assert!(problems.contains(
            &"table opening_hours is neither in the register nor listed as holding no customer data"
                .to_owned()
        ));
        // The new index's FTS5 shadow tables are not reported on their own.
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn a_customer_with_rows_everywhere_is_exported_from_every_registered_table() {
        let (_dir, mut v) = vault();
        let mut owner = v
            .login("olga", &Passphrase::new("owner passphrase 1".into()))
            .unwrap();
        let notice = v.notice(&mut owner, Lang::Ca, None).unwrap();
        let form = ConsentForm {
            lang: Lang::Ca,
            notice_version: notice.version,
            granted: vec!["membership".into(), "loyalty".into(), "email-offers".into()],
            fields: vec![
                ("name".into(), "Núria Puigdomènech".into()),
                ("email".into(), "nuria@example.cat".into()),
            ],
            method: CollectionMethod::InStoreForm,
            identity_check: IdentityCheck::IdDocument,
            signature: Some(Signature::Drawn(vec![vec![
                [0.1, 0.5],
                [0.4, 0.2],
                [0.8, 0.6],
            ]])),
            form_id: None,
        };
        let mut other = form.clone();
        other.fields = vec![("name".into(), "Pere Soler".into())];
        let id = v.join_customer(&mut owner, form).unwrap().customer_id;
        let other_id = v.join_customer(&mut owner, other).unwrap().customer_id;
        v.add_note(&mut owner, other_id, "Pere's own note").unwrap();
        let purchase = NewPurchase {
            date: None,
            items: vec![NewItem {
                description: "Coca de llardons".into(),
                quantity: 2,
                unit_cents: 450,
            }],
            ..Default::default()
        };
        v.add_purchase(&mut owner, id, &purchase).unwrap();
        v.add_note(&mut owner, id, "Prefers the morning bake")
            .unwrap();
        let task = NewTask {
            title: "Call about the order".into(),
            due: None,
        };
        v.add_task(&mut owner, id, &task).unwrap();
        v.set_tags(&mut owner, id, &["regular".to_owned()]).unwrap();
        // Handed to a recipient, then corrected: a disclosure and a notice.
        let mailer = NewRecipient {
            name: "Correus Ràpids SL".into(),
            receives: "the e-mail address".into(),
            purpose: "email-offers".into(),
            country: "ES".into(),
            agreement_date: "2026-10-01".into(),
            agreement_ref: "DPA-7".into(),
        };
        let mailer = v.add_recipient(&mut owner, &mailer).unwrap();
        v.hand_over(&mut owner, mailer.id).unwrap();
        let email = FieldChange {
            field: "email".into(),
            value: Some("nuria.p@example.cat".into()),
        };
        v.correct_customer(&mut owner, id, &[email]).unwrap();
        v.restrict_customer(
            &mut owner,
            id,
            crate::records::restriction::RestrictionCategory::AccuracyContested,
            Some("Says the e-mail is an old one"),
        )
        .unwrap();
        v.place_legal_hold(&mut owner, id, "A claim about an order")
            .unwrap();
        let exported = export_all(&v.conn, id).unwrap();
        // The tombstone exists only once the customer is erased.
        for h in REGISTER
            .iter()
            .filter(|h| h.kept_for != KeptFor::ProofOfErasure)
        {
            assert!(
                !exported[h.table].is_empty(),
                "{} exported nothing for a customer who has rows in it",
                h.table
            );
        }
        // Another customer's rows never appear in this one's export.
        let text = serde_json::to_string(&exported).unwrap();
        assert!(text.contains("Núria Puigdomènech"));
        assert!(text.contains("Correus Ràpids SL"));
        assert!(
            !text.contains("Pere"),
            "another customer's data leaked into the export"
        );
    }
}
