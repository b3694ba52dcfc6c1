//! `steward-bench open`: what encryption costs, measured against a raw
//! rusqlite baseline in the same run on the same machine. Reported as
//! times and ratios; never asserted in tests.
//!
//! 1. Opening a vault by a user's sign-in through the core (lock file,
//!    header, key slot, schema and anchor checks, the account check, the
//!    audited entries), with key slots and as before them (key from the
//!    keyring, passphrase checked against the account), vs opening a plain
//!    SQLite file and running its first query, and vs a bare SQLCipher open
//!    with the raw key.
//! 2. Writing, scanning and looking up `rows` rows in a SQLCipher file vs a
//!    plain SQLite file with the same settings (WAL, secure_delete).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::Connection;
use steward_core::{
    keyring_account, DbKey, KeyStore, MemoryKeyStore, OsKeyring, Passphrase, Role, Vault,
};

const OPEN_ROUNDS: usize = 40;
/// Fresh file pairs for the read/write comparison; the median is reported.
const ROUNDS: usize = 5;

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = ms(samples[samples.len() / 2]);
    let p95 = ms(samples[(samples.len() * 95 / 100).min(samples.len() - 1)]);
    (median, p95)
}

fn plain_connection(path: &Path) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    c.execute_batch(SETTINGS)?;
    Ok(c)
}

/// The vault's per-connection settings (see `configure_connection` in the
/// core), applied to both files so that only encryption differs.
const SETTINGS: &str =
    "PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;";

fn cipher_connection(path: &Path, key: &DbKey) -> rusqlite::Result<Connection> {
    let c = Connection::open(path)?;
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str()))?;
    c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    c.execute_batch(SETTINGS)?;
    Ok(c)
}

pub fn open(rows: u32) -> Result<()> {
    let dir = tempfile::tempdir().context("create a temporary folder")?;
    println!("Steward benchmark: SQLCipher vault vs plain SQLite, same run, same machine");
    println!();

    // 1. Open + sign in. A staff member opens the vault: with key slots
    //    (device secret + their passphrase through Argon2id, then the
    //    account check), and as before key slots (the database key straight
    //    from the keyring, then the passphrase checked against the account's
    //    Argon2id hash), on two copies of the same vault in the same run.
    let keys = MemoryKeyStore::new();
    let vault_path = dir.path().join("bench.steward");
    let owner_pass = Passphrase::new("benchmark owner passphrase".into());
    let staff_pass = Passphrase::new("benchmark staff passphrase".into());
    let (mut vault, _recovery) =
        Vault::create(&vault_path, &keys, "Bench shop", "owner", &owner_pass)?;
    let mut owner = vault.login("owner", &owner_pass)?;
    vault.add_user(&mut owner, "till", Role::Staff, &staff_pass)?;
    vault.logout(owner)?;
    let vault_id = vault.vault_id().to_owned();
    let key = vault.database_key_for_tests();
    drop(vault);
    // The copy made to look as vaults did before key slots: no sign-in file,
    // the database key itself in the keyring.
    let legacy_path = dir.path().join("legacy.steward");
    for suffix in ["", ".recovery.json", ".audit-head"] {
        let from = format!("{}{suffix}", vault_path.display());
        let to = format!("{}{suffix}", legacy_path.display());
        std::fs::copy(&from, &to).with_context(|| format!("copy the vault file {suffix:?}"))?;
    }

    let plain_path = dir.path().join("plain.sqlite");
    plain_connection(&plain_path)
        .and_then(|c| c.execute_batch("CREATE TABLE t(x)"))
        .context("create the plain SQLite file")?;

    let mut slot_open = Vec::new();
    let mut legacy_open = Vec::new();
    let mut cipher_open = Vec::new();
    let mut plain_open = Vec::new();
    for _ in 0..OPEN_ROUNDS {
        let t = Instant::now();
        let (v, s) = Vault::open(&vault_path, &keys, "till", &staff_pass)?;
        slot_open.push(t.elapsed());
        drop((s, v));

        // The copy shares the vault id, and a sign-in with slots removes a
        // leftover database key from the keyring: put it back, untimed.
        keys.set(&keyring_account(&vault_id), &key)?;
        let t = Instant::now();
        let (v, s) = Vault::open(&legacy_path, &keys, "till", &staff_pass)?;
        legacy_open.push(t.elapsed());
        drop((s, v));

        let t = Instant::now();
        let c = cipher_connection(&vault_path, &key)
            .context("open the vault with a bare SQLCipher connection")?;
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .context("query the bare SQLCipher connection")?;
        cipher_open.push(t.elapsed());
        drop(c);

        let t = Instant::now();
        let c = plain_connection(&plain_path).context("open the plain SQLite file")?;
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .context("query the plain SQLite file")?;
        plain_open.push(t.elapsed());
        drop(c);
    }
    let (sm, sp) = stats(slot_open);
    let (lm, lp) = stats(legacy_open);
    let (cm, cp) = stats(cipher_open);
    let (pm, pp) = stats(plain_open);
    println!(
        "Open + sign in ({OPEN_ROUNDS} rounds; secrets from an in-memory store)  median     p95"
    );
    println!("  Steward, key slot (device secret + passphrase)    {sm:8.2} ms {sp:7.2} ms");
    println!("  Steward before key slots (key from keyring)      {lm:8.2} ms {lp:7.2} ms");
    println!("  bare SQLCipher, raw key, first query             {cm:8.2} ms {cp:7.2} ms");
    println!("  plain SQLite, first query (baseline)             {pm:8.2} ms {pp:7.2} ms");
    println!(
        "  ratio key slot / before key slots (median)       {:8.2}x",
        sm / lm
    );
    println!(
        "  ratio vault / plain (median)                     {:8.1}x",
        sm / pm
    );
    println!("  (both sign-ins run Argon2id once: the slot's, or the account's hash)");

    // The OS keyring adds one round trip; measured only when it is reachable.
    let os = OsKeyring;
    let probe = DbKey::generate();
    if os.set("bench-probe", &probe).is_ok() {
        let mut lookups = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let _ = os.get("bench-probe");
            lookups.push(t.elapsed());
        }
        let _ = os.delete("bench-probe");
        let (km, kp) = stats(lookups);
        println!("  + OS keyring lookup (Secret Service)              {km:8.2} ms {kp:7.2} ms");
    } else {
        println!("  + OS keyring lookup: not measured (no keyring reachable)");
    }
    println!();

    // 2. Read/write overhead.
    let c = rows_workload(
        dir.path(),
        "rows.steward",
        &|p| cipher_connection(p, &key),
        rows,
    )
    .context("read/write rounds on SQLCipher files")?;
    let p = rows_workload(dir.path(), "rows.sqlite", &|p| plain_connection(p), rows)
        .context("read/write rounds on plain SQLite files")?;
    let (c, p) = (&c, &p);
    println!(
        "Read/write, {rows} rows, median of {ROUNDS} fresh files   SQLCipher      plain    ratio"
    );
    for (label, cv, pv) in [
        ("insert (one transaction)", c.insert, p.insert),
        ("full scan, page cache warm", c.scan, p.scan),
        ("full scan, fresh connection", c.cold_scan, p.cold_scan),
        ("10,000 lookups by id", c.lookups, p.lookups),
    ] {
        println!(
            "  {label:<30} {:8.1} ms {:8.1} ms {:7.2}x",
            cv.as_secs_f64() * 1e3,
            pv.as_secs_f64() * 1e3,
            cv.as_secs_f64() / pv.as_secs_f64()
        );
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let everyday = [
        ratio(c.insert, p.insert),
        ratio(c.scan, p.scan),
        ratio(c.lookups, p.lookups),
    ]
    .into_iter()
    .fold(0.0, f64::max);
    let cold = ratio(c.cold_scan, p.cold_scan);
    println!(
        "  target <= 1.3x: insert, warm scan, lookups worst {everyday:.2}x ({}); first scan after open {cold:.2}x ({})",
        if everyday <= 1.3 { "met" } else { "NOT met" },
        if cold <= 1.3 { "met" } else { "NOT met: every page is decrypted and authenticated once" }
    );
    Ok(())
}

struct Workload {
    insert: Duration,
    scan: Duration,
    cold_scan: Duration,
    lookups: Duration,
}

fn scan(conn: &Connection) -> rusqlite::Result<Duration> {
    let t = Instant::now();
    let _: i64 = conn.query_row(
        "SELECT sum(length(name) + length(email) + points) FROM customer",
        [],
        |r| r.get(0),
    )?;
    Ok(t.elapsed())
}

fn lookups(conn: &Connection, rows: u32) -> rusqlite::Result<Duration> {
    let t = Instant::now();
    let mut stmt = conn.prepare_cached("SELECT name, email, points FROM customer WHERE id = ?1")?;
    let mut id: u64 = 12345;
    for _ in 0..10_000 {
        // A fixed pseudo-random walk, the same for both files.
        id = id
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            % u64::from(rows.max(1));
        let _: (String, String, i64) =
            stmt.query_row([id as i64 + 1], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    }
    Ok(t.elapsed())
}

/// One round on a fresh file: insert `rows`, scan with a warm cache, look
/// up 10,000 rows, then scan again from a fresh connection.
fn rows_round(
    path: &Path,
    open: &dyn Fn(&Path) -> rusqlite::Result<Connection>,
    rows: u32,
) -> rusqlite::Result<Workload> {
    let conn = open(path)?;
    conn.execute_batch(
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, points INTEGER NOT NULL) STRICT",
    )?;
    let t = Instant::now();
    {
        let tx = conn.unchecked_transaction()?;
        let mut stmt =
            tx.prepare("INSERT INTO customer (id, name, email, points) VALUES (?1, ?2, ?3, ?4)")?;
        for i in 0..rows {
            stmt.execute(rusqlite::params![
                i64::from(i) + 1,
                format!("Customer number {i}"),
                format!("customer{i}@example.org"),
                i64::from(i % 1000)
            ])?;
        }
        drop(stmt);
        tx.commit()?;
    }
    let insert = t.elapsed();
    let scan_warm = scan(&conn)?;
    let lookups = lookups(&conn, rows)?;
    drop(conn);
    let cold_scan = scan(&open(path)?)?;
    Ok(Workload {
        insert,
        scan: scan_warm,
        cold_scan,
        lookups,
    })
}

/// The per-metric median over `ROUNDS` fresh files.
fn rows_workload(
    dir: &Path,
    name: &str,
    open: &dyn Fn(&Path) -> rusqlite::Result<Connection>,
    rows: u32,
) -> rusqlite::Result<Workload> {
    let runs = (0..ROUNDS)
        .map(|k| rows_round(&dir.join(format!("{name}-{k}")), open, rows))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let median = |f: fn(&Workload) -> Duration| {
        let mut v: Vec<Duration> = runs.iter().map(f).collect();
        v.sort();
        v[v.len() / 2]
    };
    Ok(Workload {
        insert: median(|w| w.insert),
        scan: median(|w| w.scan),
        cold_scan: median(|w| w.cold_scan),
        lookups: median(|w| w.lookups),
    })
}
