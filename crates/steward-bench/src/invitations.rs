//! `steward-bench invitations`: importing a shop's old list (100,000 rows
//! by default) as invitations, against raw inserts of the same rows into a
//! table of the same shape in a SQLCipher file keyed the same way, in the
//! same run.
//!
//! The list is generated here (synthetic names, e-mail addresses, phone
//! numbers and a note on every tenth row, all valid and all different). Two
//! measurements of the core: `Vault::preview_invitations` (the CSV read with
//! the `csv` crate, every value checked by the customer catalog's rules,
//! duplicates looked up; nothing stored) and `Vault::import_invitations`
//! (the same, then every row stored in one transaction with its audit
//! entry). The baseline is what storing must at least do: one prepared
//! insert per row, in one transaction, with the same indexes. Targets
//! (issue 15 §3): at least 50,000 rows/s read and checked, 20,000 stored.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use steward_core::{ColumnMapping, MemoryKeyStore, Passphrase, Vault};

/// The generated list, with a header row.
fn list(rows: usize) -> String {
    let first = [
        "Núria", "Pere", "Aina", "Jordi", "Wayan", "Lucía", "Marc", "Siti",
    ];
    let last = [
        "Puig", "Soler", "Vidal", "Santoso", "García", "Roca", "Ferrer",
    ];
    let mut csv = String::with_capacity(rows * 80);
    csv.push_str("name,email,phone,notes\n");
    for i in 0..rows {
        let note = if i % 10 == 0 {
            "Prefers the rye loaf"
        } else {
            ""
        };
        csv.push_str(&format!(
            "{} {} {i},person{i}@example.cat,+34 6{i:08},{note}\n",
            first[i % first.len()],
            last[i % last.len()]
        ));
    }
    csv
}

/// The rows as the raw baseline inserts them (already checked: the
/// baseline measures storing only).
fn raw_rows(rows: usize) -> Vec<(String, String, String, Option<&'static str>)> {
    (0..rows)
        .map(|i| {
            (
                format!("Name {i}"),
                format!("person{i}@example.cat"),
                format!("+346{i:08}"),
                (i % 10 == 0).then_some("Prefers the rye loaf"),
            )
        })
        .collect()
}

fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

pub fn invitations(rows: usize) -> Result<()> {
    anyhow::ensure!(rows >= 1, "give at least one row");
    let dir = tempfile::tempdir().context("create a temporary folder")?;
    let path = dir.path().join("bench.steward");
    let keys = MemoryKeyStore::new();
    let owner_pass = Passphrase::new("benchmark owner passphrase".into());
    let (mut vault, _) = Vault::create(&path, &keys, "Bench shop", "owner", &owner_pass)?;
    let key = vault.database_key_for_tests();
    let mut owner = vault.login("owner", &owner_pass)?;
    vault.set_field_enabled(&mut owner, "phone", true)?;
    let csv = list(rows);
    println!(
        "Steward invitations benchmark: a {rows}-row list ({:.1} MB of CSV), same run, same machine",
        csv.len() as f64 / 1e6
    );
    let mapping = ColumnMapping::default();

    let t = Instant::now();
    let preview = vault.preview_invitations(&mut owner, &mut csv.as_bytes(), &mapping)?;
    let checked = t.elapsed();
    anyhow::ensure!(
        preview.ready == rows as u64,
        "{} of {rows} rows would be imported: {:?}",
        preview.ready,
        preview.problems.first()
    );

    let t = Instant::now();
    let report =
        vault.import_invitations(&mut owner, &mut csv.as_bytes(), &mapping, &mut |_, _| {})?;
    let imported = t.elapsed();
    anyhow::ensure!(report.stored == rows as u64, "stored {}", report.stored);
    vault.logout(owner)?;
    drop(vault);

    // The baseline: a table of the same shape, in a file keyed the same way.
    let raw_path = dir.path().join("raw.steward");
    let mut raw = Connection::open(&raw_path).context("open the baseline file")?;
    raw.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cache_size = -65536; PRAGMA secure_delete = ON;
         PRAGMA journal_mode = WAL;
         CREATE TABLE invitation (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT,
             phone TEXT, notes TEXT, name_key TEXT NOT NULL, email_key TEXT,
             imported_at TEXT NOT NULL, imported_by INTEGER NOT NULL) STRICT;
         CREATE UNIQUE INDEX invitation_by_email ON invitation (email_key) WHERE email_key IS NOT NULL;
         CREATE UNIQUE INDEX invitation_by_phone ON invitation (phone) WHERE phone IS NOT NULL;
         CREATE INDEX invitation_by_age ON invitation (imported_at);",
        key.to_hex().as_str()
    ))
    .context("set up the baseline file")?;
    let data = raw_rows(rows);
    let now = chrono::Utc::now().to_rfc3339();
    let t = Instant::now();
    let tx = raw.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO invitation (name, email, phone, notes, name_key, email_key, imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?1, ?2, ?5, 1)",
        )?;
        for (name, email, phone, notes) in &data {
            insert.execute(params![name, email, phone, notes, now])?;
        }
    }
    tx.commit()?;
    let baseline = t.elapsed();

    let raw_rate = rate(rows, baseline);
    let checked_rate = rate(rows, checked);
    let imported_rate = rate(rows, imported);
    println!(
        "  read + checked (preview, nothing stored)  {checked_rate:9.0} rows/s  ({:.2} s)  target >= 50000",
        checked.as_secs_f64()
    );
    println!(
        "  imported (read, checked, stored, audited) {imported_rate:9.0} rows/s  ({:.2} s)  target >= 20000",
        imported.as_secs_f64()
    );
    println!(
        "  raw inserts, one transaction              {raw_rate:9.0} rows/s  ({:.2} s)",
        baseline.as_secs_f64()
    );
    println!(
        "  ratio checked / raw inserts (rows/s)      {:9.2}x",
        checked_rate / raw_rate
    );
    println!(
        "  ratio imported / raw inserts (rows/s)     {:9.2}x",
        imported_rate / raw_rate
    );
    Ok(())
}
