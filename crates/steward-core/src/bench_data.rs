//! Generated shops for `steward-bench` (feature `bench`; never part of the
//! app or the `steward` command). Owns the one piece of SQL outside the
//! table owners that writes Steward's own tables: the bulk rows of a
//! benchmark shop (the register and the tidy rules name it as the exception). Living in the core, it breaks at compile or test time
//! when the schema changes instead of timing a stale shape.
//!
//! What is real and what is synthetic in a generated shop:
//!
//! - **Real** (made by the core's own code): the first [`JOINED`] customers
//!   join through [`Vault::join_customer`] (fields validated, consent ledger
//!   rows chained, receipts signed, audited), one per consent pattern used
//!   below; every customer's loyalty account and search row are made by
//!   `consent::record::sync_purpose_records`, the same code every consent act
//!   runs.
//! - **Synthetic** (plain SQL here, no audit entries): the other customers'
//!   `customer` and `customer_field` rows (values of the same shape as the
//!   joined ones, not validated again); their consent ledger rows, which copy
//!   the decisions, notice version and hash, language, method and identity
//!   check of the joined customer with the same pattern, but whose chain
//!   links (`prev_hash`, `hash`) are zeros and whose `receipt_id`s name no
//!   stored receipt, so `audit verify` reports the ledger broken at the first
//!   synthetic record (tested below); every purchase, purchase line and
//!   loyalty point entry.
//!
//! The core internals this file uses beyond the public API (adapt these
//! paths when modules move): `Vault::conn`, `Vault::now`,
//! `consent::record::sync_purpose_records`, `Error::db`.

use rusqlite::params;

use crate::consent::record::sync_purpose_records;
use crate::error::{Error, Result};
use crate::time::format_ts;
use crate::{CollectionMethod, ConsentForm, IdentityCheck, Lang, Session, Vault};

/// First names the generated customers get (Catalan, Spanish, Indonesian).
pub const FIRST_NAMES: &[&str] = &[
    "Núria",
    "Jordi",
    "Montserrat",
    "Pere",
    "Laia",
    "Oriol",
    "Mercè",
    "Àlex",
    "Siti",
    "Budi",
    "Dewi",
    "Agus",
    "Putri",
    "Wayan",
    "Lucía",
    "Javier",
    "Carmen",
    "Andrés",
    "Marta",
    "Joan",
    "Ramon",
    "Aina",
    "Pau",
    "Queralt",
    "Èlia",
    "Iñaki",
    "Begoña",
    "Rizky",
    "Ayu",
    "Nyoman",
];

/// Family names; every generated customer has two.
pub const LAST_NAMES: &[&str] = &[
    "Puigdomènech",
    "Vilaseca",
    "Soler",
    "Ferrer",
    "Casals",
    "Pujol",
    "Martí",
    "Riera",
    "Font",
    "Roca",
    "Santoso",
    "Wijaya",
    "Susanto",
    "Hidayat",
    "Pratama",
    "Kusuma",
    "Setiawan",
    "García",
    "Fernández",
    "López",
    "Muñoz",
    "Giménez",
    "Sánchez",
    "Batlle",
    "Comas",
    "Güell",
    "Serra",
    "Vidal",
    "Prats",
    "Oliveras",
    "Nugroho",
    "Saragih",
    "Castells",
    "Bosch",
    "Camps",
    "Parés",
];

/// How many customers join for real; the first six customers cover every
/// consent pattern (see [`pattern`]).
pub const JOINED: usize = 6;

/// A small deterministic generator (xorshift), so runs are comparable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What [`generate`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The customers' ids, in the order they were made; the first
    /// `min(customers, JOINED)` joined for real.
    pub customer_ids: Vec<i64>,
    pub purchases: i64,
}

/// The consents of the `n`th customer (1-based): everyone membership; every
/// second one loyalty (with an account); every third one e-mail offers.
fn pattern(n: usize) -> (bool, bool) {
    (n.is_multiple_of(2), n.is_multiple_of(3))
}

fn granted(pattern: (bool, bool)) -> Vec<String> {
    let mut out = vec!["membership".to_owned()];
    if pattern.0 {
        out.push("loyalty".to_owned());
    }
    if pattern.1 {
        out.push("email-offers".to_owned());
    }
    out
}

/// Fills a fresh vault with `customers` customers (name, e-mail, phone;
/// consents as in [`pattern`]) and `purchases` purchases each on average,
/// of one to three lines, with loyalty points for loyalty members. Switches
/// the phone field on. `owner` must be allowed to change the fields and to
/// record consent. See the module documentation for what is real.
pub fn generate(
    vault: &mut Vault,
    owner: &mut Session,
    customers: usize,
    purchases: usize,
) -> Result<Generated> {
    const OP: &str = "generate a benchmark shop";
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut people: Vec<(String, String, String)> = Vec::with_capacity(customers);
    for n in 1..=customers {
        let name = format!(
            "{} {} {}",
            rng.pick(FIRST_NAMES),
            rng.pick(LAST_NAMES),
            rng.pick(LAST_NAMES)
        );
        let phone = format!("+346{:08}", rng.below(100_000_000));
        people.push((name, format!("client{n}@example.cat"), phone));
    }

    vault.set_field_enabled(owner, "phone", true)?;
    let notice = vault.notice(owner, Lang::Ca, None)?;
    let mut customer_ids = Vec::with_capacity(customers);
    for (i, (name, email, phone)) in people.iter().enumerate().take(JOINED) {
        let form = ConsentForm {
            lang: Lang::Ca,
            notice_version: notice.version,
            granted: granted(pattern(i + 1)),
            fields: vec![
                ("name".into(), name.clone()),
                ("email".into(), email.clone()),
                ("phone".into(), phone.clone()),
            ],
            method: CollectionMethod::Imported,
            identity_check: IdentityCheck::KnownCustomer,
            signature: None,
            form_id: None,
        };
        customer_ids.push(vault.join_customer(owner, form)?.customer_id);
    }

    let now_at = vault.now();
    let now = format_ts(now_at);
    let currency = vault.currency()?;
    let user = owner.user_id();
    let tx = vault.conn.transaction().map_err(Error::db(OP))?;
    let mut n_purchases = 0i64;
    {
        let template_refs: Vec<String> = customer_ids
            .iter()
            .map(|id| {
                tx.query_row("SELECT public_id FROM customer WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
            })
            .collect::<rusqlite::Result<_>>()
            .map_err(Error::db(OP))?;
        let mut customer = tx
            .prepare(
                "INSERT INTO customer (public_id, lang, identity_check, created_at, created_by)
                 SELECT ?1, lang, identity_check, ?2, created_by FROM customer WHERE id = ?3",
            )
            .map_err(Error::db(OP))?;
        let mut field = tx
            .prepare(
                "INSERT INTO customer_field (customer_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(Error::db(OP))?;
        let mut ledger = tx
            .prepare(
                "INSERT INTO consent_event (receipt_id, customer_ref, at, kind, purpose, notice_version,
                     notice_sha256, lang, method, identity_check, recorded_by, signature_sha256,
                     prev_hash, hash)
                 SELECT ?1, ?2, at, kind, purpose, notice_version, notice_sha256, lang, method,
                        identity_check, recorded_by, signature_sha256, zeroblob(32), zeroblob(32)
                 FROM consent_event WHERE customer_ref = ?3 ORDER BY seq",
            )
            .map_err(Error::db(OP))?;
        let mut purchase = tx
            .prepare(
                "INSERT INTO purchase (customer_id, bought_on, total_cents, currency, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(Error::db(OP))?;
        let mut item = tx
            .prepare(
                "INSERT INTO purchase_item (purchase_id, position, description, quantity, unit_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(Error::db(OP))?;
        let mut points = tx
            .prepare(
                "INSERT INTO loyalty_entry (customer_id, at, points, reason, purchase_id, created_by)
                 VALUES (?1, ?2, ?3, 'purchase', ?4, ?5)",
            )
            .map_err(Error::db(OP))?;

        for (i, (name, email, phone)) in people.iter().enumerate() {
            let n = i + 1;
            let id = if n <= JOINED {
                customer_ids[i]
            } else {
                // The joined customer with the same consents.
                let t = (1..=JOINED).position(|k| pattern(k) == pattern(n)).ok_or(
                    Error::InvalidInput {
                        field: "customers",
                        reason: "no joined customer has this consent pattern",
                    },
                )?;
                let public_id = uuid::Uuid::new_v4().to_string();
                customer
                    .execute(params![public_id, now, customer_ids[t]])
                    .map_err(Error::db(OP))?;
                let id = tx.last_insert_rowid();
                for (key, value) in [("name", name), ("email", email), ("phone", phone)] {
                    field
                        .execute(params![id, key, value, now])
                        .map_err(Error::db(OP))?;
                }
                let receipt_id = uuid::Uuid::new_v4().to_string();
                ledger
                    .execute(params![receipt_id, public_id, template_refs[t]])
                    .map_err(Error::db(OP))?;
                sync_purpose_records(&tx, id, now_at)?;
                customer_ids.push(id);
                id
            };
            for _ in 0..rng.below(2 * purchases + 1) {
                let day = format!("2026-{:02}-{:02}", 1 + rng.below(11), 1 + rng.below(28));
                let lines: Vec<(i64, String, i64, i64)> = (0..1 + rng.below(3))
                    .map(|l| {
                        let unit = 100 + rng.below(3000) as i64;
                        let qty = 1 + rng.below(3) as i64;
                        (l as i64, format!("Item {}", rng.below(500)), qty, unit)
                    })
                    .collect();
                let total: i64 = lines.iter().map(|(_, _, q, u)| q * u).sum();
                purchase
                    .execute(params![id, day, total, currency, now, user])
                    .map_err(Error::db(OP))?;
                let pid = tx.last_insert_rowid();
                for (pos, desc, qty, unit) in lines {
                    item.execute(params![pid, pos, desc, qty, unit])
                        .map_err(Error::db(OP))?;
                }
                if pattern(n).0 {
                    points
                        .execute(params![id, now, total / 100, pid, user])
                        .map_err(Error::db(OP))?;
                }
                n_purchases += 1;
            }
        }
    }
    tx.commit().map_err(Error::db(OP))?;
    Ok(Generated {
        customer_ids,
        purchases: n_purchases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccessPurpose, CustomerProfile, MemoryKeyStore, Passphrase};

    #[test]
    fn a_generated_shop_is_searchable_and_audit_verify_names_its_first_synthetic_record() {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let pass = Passphrase::new("bench owner passphrase".into());
        let path = dir.path().join("bench.steward");
        let (mut vault, _) = Vault::create(&path, &keys, "Bench shop", "owner", &pass).unwrap();
        let mut owner = vault.login("owner", &pass).unwrap();

        let shop = generate(&mut vault, &mut owner, 40, 2).unwrap();
        assert_eq!(shop.customer_ids.len(), 40);
        assert!(shop.purchases > 0);

        // A synthetic customer with loyalty: found by e-mail and by name,
        // with the account and the search row the core made.
        let id = shop.customer_ids[7];
        let hits = vault.search_customers(&mut owner, "client8").unwrap();
        assert_eq!(hits.hits.ids(), [id]);
        let CustomerProfile::Full(p) = vault
            .customer_profile(&mut owner, id, AccessPurpose::ServeAtTill)
            .unwrap()
        else {
            panic!("the owner gets the full profile");
        };
        assert!(p.loyalty.is_some(), "the 8th customer has loyalty");
        let granted: Vec<_> = p.consents.iter().filter(|c| c.granted).collect();
        assert_eq!(granted.len(), 2, "membership and loyalty: {granted:?}");
        assert_eq!(vault.customer_count().unwrap(), 40);

        let joined_rows: i64 = vault
            .conn
            .query_row(
                "SELECT count(*) FROM consent_event e JOIN customer c ON c.public_id = e.customer_ref
                 WHERE c.id <= ?1",
                [shop.customer_ids[JOINED - 1]],
                |r| r.get(0),
            )
            .unwrap();
        let verdict = vault.verify_audit_log(&mut owner).unwrap();
        assert!(!verdict.intact);
        assert_eq!(
            verdict.message,
            format!(
                "the consent ledger is broken at record {}: it does not follow the record before it",
                joined_rows + 1
            )
        );
    }
}
