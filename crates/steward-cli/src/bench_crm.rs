//! `steward bench crm`: the everyday CRM on a generated shop of 100,000
//! customers and about a million purchases, measured against raw rusqlite
//! queries on the same SQLCipher file in the same run:
//!
//! 1. search: `Vault::search_customers` (role scope, hit views, the audited
//!    entry naming the customers shown) vs the same FTS5 MATCH plus the
//!    same columns read directly;
//! 2. profile read: `Vault::customer_profile` at the till, including its
//!    audit append, vs reading the same rows directly;
//! 3. the audit append's own cost per read (the difference);
//! 4. insert throughput: `Vault::add_purchase` vs the same rows inserted
//!    directly, one transaction each.
//!
//! The generated data is written with plain SQL into a fresh vault (the
//! consent ledger's rows carry placeholder hashes: this vault is for
//! timing only and is deleted afterwards).

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};
use steward_core::records::search::{match_expression, phone_terms};
use steward_core::{
    AccessPurpose, KeyStore, MemoryKeyStore, NewItem, NewPurchase, Passphrase, Role, Vault,
};

use crate::Failure;

const FIRST: &[&str] = &[
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
const LAST: &[&str] = &[
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

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn internal(e: impl std::fmt::Display) -> Failure {
    Failure {
        code: 1,
        message: format!("benchmark failed: {e}"),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let p = |q: usize| ms(samples[(samples.len() * q / 100).min(samples.len() - 1)]);
    (p(50), p(95))
}

fn raw_connection(
    path: &Path,
    keys: &MemoryKeyStore,
    vault_id: &str,
) -> Result<Connection, Failure> {
    let key = keys
        .get(vault_id)?
        .ok_or_else(|| internal("key vanished"))?;
    let c = Connection::open(path).map_err(internal)?;
    c.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cache_size = -65536; PRAGMA foreign_keys = ON;",
        key.to_hex().as_str()
    ))
    .map_err(internal)?;
    Ok(c)
}

/// Fills the vault with `customers` customers (name, e-mail, phone), their
/// consents (everyone membership; half loyalty with an account; a third
/// e-mail offers), `purchases` purchases on average with one to three
/// lines, and the search index.
fn generate(c: &mut Connection, customers: usize, purchases: usize) -> rusqlite::Result<()> {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let tx = c.transaction()?;
    let now = "2026-11-23T09:00:00.000Z";
    let notice: i64 = tx.query_row("SELECT max(version) FROM notice_version", [], |r| r.get(0))?;
    {
        let mut customer = tx.prepare(
            "INSERT INTO customer (id, public_id, lang, identity_check, created_at, created_by)
             VALUES (?1, ?2, 'ca', 'known-customer', ?3, 1)",
        )?;
        let mut field = tx.prepare(
            "INSERT INTO customer_field (customer_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO consent_event (receipt_id, customer_ref, at, kind, purpose, notice_version,
                 notice_sha256, lang, method, identity_check, recorded_by, prev_hash, hash)
             VALUES (?1, ?2, ?3, 'grant', ?4, ?5, zeroblob(32), 'ca', 'imported', 'known-customer', 1,
                     zeroblob(32), zeroblob(32))",
        )?;
        let mut loyalty = tx.prepare(
            "INSERT INTO loyalty_account (customer_id, number, created_at) VALUES (?1, ?2, ?3)",
        )?;
        let mut purchase = tx.prepare(
            "INSERT INTO purchase (customer_id, bought_on, total_cents, currency, created_at, created_by)
             VALUES (?1, ?2, ?3, 'EUR', ?4, 1)",
        )?;
        let mut item = tx.prepare(
            "INSERT INTO purchase_item (purchase_id, position, description, quantity, unit_cents)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut points = tx.prepare(
            "INSERT INTO loyalty_entry (customer_id, at, points, reason, purchase_id, created_by)
             VALUES (?1, ?2, ?3, 'purchase', ?4, 1)",
        )?;
        let mut index = tx.prepare(
            "INSERT INTO customer_search (rowid, name, email, phone, loyalty) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for id in 1..=customers as i64 {
            let public = format!("00000000-0000-4000-8000-{id:012}");
            customer.execute(params![id, public, now])?;
            let name = format!("{} {} {}", rng.pick(FIRST), rng.pick(LAST), rng.pick(LAST));
            let email = format!("client{id}@example.cat");
            let phone = format!("+346{:08}", rng.below(100_000_000));
            field.execute(params![id, "name", name, now])?;
            field.execute(params![id, "email", email, now])?;
            field.execute(params![id, "phone", phone, now])?;
            let receipt = format!("r-{id}");
            event.execute(params![receipt, public, now, "membership", notice])?;
            let number = if id % 2 == 0 {
                event.execute(params![receipt, public, now, "loyalty", notice])?;
                let n = format!("{}", 100_000_000 + id * 7);
                loyalty.execute(params![id, n, now])?;
                n
            } else {
                String::new()
            };
            if id % 3 == 0 {
                event.execute(params![receipt, public, now, "email-offers", notice])?;
            }
            index.execute(params![id, name, email, phone_terms(&phone), number])?;
            let n_purchases = rng.below(2 * purchases + 1);
            for p in 0..n_purchases {
                let day = format!("2026-{:02}-{:02}", 1 + rng.below(11), 1 + rng.below(28));
                let lines = 1 + rng.below(3);
                let mut total = 0;
                let mut rows = Vec::with_capacity(lines);
                for l in 0..lines {
                    let unit = 100 + rng.below(3000) as i64;
                    let qty = 1 + rng.below(3) as i64;
                    total += unit * qty;
                    rows.push((l as i64, format!("Item {}", rng.below(500)), qty, unit));
                }
                purchase.execute(params![id, day, total, now])?;
                let pid = tx.last_insert_rowid();
                for (pos, desc, qty, unit) in rows {
                    item.execute(params![pid, pos, desc, qty, unit])?;
                }
                if id % 2 == 0 {
                    points.execute(params![id, now, total / 100, pid])?;
                }
                let _ = p;
            }
        }
    }
    tx.commit()
}

/// The raw baseline of a staff search: the same match, the same cap, the
/// same columns.
fn raw_search(c: &Connection, expression: &str, cap: usize) -> rusqlite::Result<usize> {
    let mut m = c.prepare_cached(
        "SELECT rowid FROM customer_search WHERE customer_search MATCH ?1 ORDER BY rank LIMIT ?2",
    )?;
    let ids: Vec<i64> = m
        .query_map(params![expression, (cap + 1) as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut name = c.prepare_cached(
        "SELECT value FROM customer_field WHERE customer_id = ?1 AND field = 'name'",
    )?;
    let mut loyalty =
        c.prepare_cached("SELECT number FROM loyalty_account WHERE customer_id = ?1")?;
    let mut n = 0;
    for id in ids.iter().take(cap) {
        let _: String = name.query_row([id], |r| r.get(0))?;
        let _: Option<String> = loyalty.query_row([id], |r| r.get(0)).ok();
        n += 1;
    }
    Ok(n)
}

/// The raw baseline of the till profile: the same rows, read directly.
fn raw_profile(c: &Connection, id: i64) -> rusqlite::Result<()> {
    let mut fields =
        c.prepare_cached("SELECT field, value FROM customer_field WHERE customer_id = ?1")?;
    let _: Vec<(String, String)> = fields
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut consents = c.prepare_cached(
        "SELECT e.purpose, e.kind FROM consent_event e, customer c WHERE c.id = ?1 AND e.customer_ref = c.public_id
           AND e.seq = (SELECT max(seq) FROM consent_event WHERE customer_ref = e.customer_ref AND purpose = e.purpose)",
    )?;
    let _: Vec<(String, String)> = consents
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut loyalty = c.prepare_cached(
        "SELECT a.number, (SELECT sum(points) FROM loyalty_entry e WHERE e.customer_id = a.customer_id)
         FROM loyalty_account a WHERE a.customer_id = ?1",
    )?;
    let _ = loyalty.query_row([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
    });
    let mut purchases = c.prepare_cached(
        "SELECT id, bought_on, total_cents FROM purchase WHERE customer_id = ?1 ORDER BY bought_on DESC, id DESC LIMIT 5",
    )?;
    let ids: Vec<i64> = purchases
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut items = c.prepare_cached(
        "SELECT description, quantity, unit_cents FROM purchase_item WHERE purchase_id = ?1 ORDER BY position",
    )?;
    for pid in ids {
        let _: Vec<(String, i64, i64)> = items
            .query_map([pid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
    }
    let mut notes = c.prepare_cached(
        "SELECT id, body FROM customer_note WHERE customer_id = ?1 ORDER BY id DESC LIMIT 5",
    )?;
    let _: Vec<(i64, String)> = notes
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tasks = c.prepare_cached(
        "SELECT id, title FROM customer_task WHERE customer_id = ?1 AND done_at IS NULL",
    )?;
    let _: Vec<(i64, String)> = tasks
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tags = c.prepare_cached("SELECT tag FROM customer_tag WHERE customer_id = ?1")?;
    let _: Vec<String> = tags
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(())
}

pub fn crm(customers: usize, purchases: usize, rounds: usize) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("bench.steward");
    let keys = MemoryKeyStore::new();
    let owner_pass = Passphrase::new("benchmark owner passphrase".into());
    let (mut vault, _) = Vault::create(&path, &keys, "Bench shop", "owner", &owner_pass)?;
    let vault_id = vault.vault_id().to_owned();
    let mut owner = vault.login("owner", &owner_pass)?;
    let staff_pass = Passphrase::new("benchmark staff passphrase".into());
    vault.add_user(&mut owner, "till", Role::Staff, &staff_pass)?;
    drop(owner);
    drop(vault);

    println!("Steward CRM benchmark: {customers} customers, ~{purchases} purchases each, same run, same machine");
    let t = Instant::now();
    let mut raw = raw_connection(&path, &keys, &vault_id)?;
    generate(&mut raw, customers, purchases).map_err(internal)?;
    let n_purchases: i64 = raw
        .query_row("SELECT count(*) FROM purchase", [], |r| r.get(0))
        .map_err(internal)?;
    println!(
        "  generated {customers} customers and {n_purchases} purchases in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut vault = Vault::open(&path, &keys)?;
    let mut staff = vault.login("till", &staff_pass)?;
    let new_pass = Passphrase::new("benchmark staff own passphrase".into());
    vault.change_own_passphrase(&mut staff, &staff_pass, &new_pass)?;

    // Queries a till would type: three to five letters of a name, or the
    // middle digits of a phone number.
    let mut rng = Rng(42);
    let queries: Vec<String> = (0..rounds)
        .map(|i| {
            if i % 5 == 4 {
                format!("{:04}", rng.below(10_000))
            } else {
                let word = if i % 2 == 0 {
                    rng.pick(FIRST)
                } else {
                    rng.pick(LAST)
                };
                word.chars().take(3 + rng.below(3)).collect()
            }
        })
        .collect();
    // Warm the vault's page cache (the raw side is warmed before its run).
    for q in &queries {
        vault.search_customers(&mut staff, q)?;
    }
    // Each side runs its rounds in a row: a write by one connection (the
    // audit entries) empties the other connection's page cache, which would
    // make interleaved raw reads pay for decrypting pages again.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for q in &queries {
        let t = Instant::now();
        vault.search_customers(&mut staff, q)?;
        ours.push(t.elapsed());
    }
    for q in &queries {
        let e = match_expression(q)?;
        raw_search(&raw, &e, 10).map_err(internal)?;
    }
    for q in &queries {
        let e = match_expression(q)?;
        let t = Instant::now();
        raw_search(&raw, &e, 10).map_err(internal)?;
        theirs.push(t.elapsed());
    }
    let (o50, o95) = percentiles(ours);
    let (r50, r95) = percentiles(theirs);
    println!();
    println!("Search at the till ({rounds} queries, 10 hits max)        p50        p95");
    println!("  Steward (scope, views, audited)              {o50:8.2} ms {o95:8.2} ms");
    println!("  raw FTS5 MATCH + same columns (baseline)     {r50:8.2} ms {r95:8.2} ms");
    println!(
        "  ratio p95                                    {:8.2}x",
        o95 / r95
    );
    println!(
        "  target p95 < 10 ms and <= 1.5x raw           {}",
        if o95 < 10.0 && o95 / r95 <= 1.5 {
            "met"
        } else {
            "NOT met"
        }
    );

    let ids: Vec<i64> = (0..rounds)
        .map(|_| 1 + rng.below(customers) as i64)
        .collect();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for id in &ids {
        vault.customer_profile(&mut staff, *id, AccessPurpose::ServeAtTill)?;
    }
    for id in &ids {
        let t = Instant::now();
        vault.customer_profile(&mut staff, *id, AccessPurpose::ServeAtTill)?;
        ours.push(t.elapsed());
    }
    for id in &ids {
        raw_profile(&raw, *id).map_err(internal)?;
    }
    for id in &ids {
        let t = Instant::now();
        raw_profile(&raw, *id).map_err(internal)?;
        theirs.push(t.elapsed());
    }
    let (o50, o95) = percentiles(ours.clone());
    let (r50, r95) = percentiles(theirs.clone());
    let (a50, a95) = (o50 - r50, o95 - r95);
    println!();
    println!("Profile at the till ({rounds} customers)                   p50        p95");
    println!("  Steward (view + audit append)                {o50:8.2} ms {o95:8.2} ms");
    println!("  raw reads of the same rows (baseline)        {r50:8.2} ms {r95:8.2} ms");
    println!("  difference: checks, views and audit append   {a50:8.2} ms {a95:8.2} ms");
    println!(
        "  target profile read incl. audit < 5 ms       {}",
        if o95 < 5.0 { "met (p95)" } else { "NOT met" }
    );

    let purchase = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: "Pa de sègol".into(),
            quantity: 2,
            unit_cents: 320,
        }],
    };
    let n = rounds.min(500);
    let t = Instant::now();
    for i in 0..n {
        vault.add_purchase(&mut staff, 2 + 2 * i as i64, &purchase)?;
    }
    let ours = t.elapsed();
    let t = Instant::now();
    for i in 0..n {
        let tx = raw.transaction().map_err(internal)?;
        let id = 2 + 2 * i as i64;
        tx.execute(
            "INSERT INTO purchase (customer_id, bought_on, total_cents, currency, created_at, created_by)
             VALUES (?1, '2026-11-23', 640, 'EUR', '2026-11-23T09:00:00.000Z', 1)",
            [id],
        )
        .map_err(internal)?;
        let pid = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO purchase_item (purchase_id, position, description, quantity, unit_cents) VALUES (?1, 0, 'Pa', 2, 320)",
            [pid],
        )
        .map_err(internal)?;
        tx.execute(
            "INSERT INTO loyalty_entry (customer_id, at, points, reason, purchase_id, created_by) VALUES (?1, '2026-11-23', 6, 'purchase', ?2, 1)",
            params![id, pid],
        )
        .map_err(internal)?;
        tx.commit().map_err(internal)?;
    }
    let theirs = t.elapsed();
    println!();
    println!("Recording purchases ({n}, one transaction each)       per second");
    println!(
        "  Steward (consent check, audited)             {:8.0}",
        n as f64 / ours.as_secs_f64()
    );
    println!(
        "  raw inserts of the same rows (baseline)      {:8.0}",
        n as f64 / theirs.as_secs_f64()
    );
    println!(
        "  ratio (time)                                 {:8.2}x",
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
    Ok(())
}
