//! No data lost to a crash (issue 13 §5): a child process signs in to a
//! real SQLCipher vault and makes random changes (joins, purchases,
//! withdrawals, erasures) through the core, reporting each one only after
//! the core returned it as saved; this process kills it with SIGKILL at a
//! random moment, reopens the vault and checks that it opens, that
//! `audit verify` finds the audit log and the consent ledger intact (and
//! no erased customer's data left behind), that every change reported is
//! there, that the one in flight was saved whole or not at all, and that
//! an erased customer's name is nowhere in the vault's pages or journal.
//! The same vault goes on to the next iteration, so it accumulates.
//!
//! `STEWARD_CRASH_ITERATIONS` (20 by default; `make crash-test` runs
//! hundreds) and `STEWARD_CRASH_SEED` (random by default, printed) steer
//! it. This test has its own `main` (no test harness): the child is this
//! same executable, started with `CRASH_CHILD` set.

#[path = "../common/mod.rs"]
mod common;

mod child;
mod model;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use steward_core::Vault;

use common::{pass, FileKeyStore, OWNER, OWNER_PASS};
use model::Model;

/// The most changes one child makes before it stops by itself.
const MAX_CHANGES: usize = 16;
/// Customers checked besides those the child touched, per iteration.
const SAMPLE: usize = 4;
/// A child that says nothing for this long is stuck.
const STUCK: Duration = Duration::from_secs(60);

fn main() {
    match std::env::var("CRASH_CHILD").as_deref() {
        Ok("random") => return child::run(),
        Ok("erase-with-journal-held") => return child::erase_with_journal_held(),
        _ => {}
    }
    if std::env::args().any(|a| a == "--list") {
        println!("crash: test");
        return;
    }
    let iterations: usize = std::env::var("STEWARD_CRASH_ITERATIONS")
        .ok()
        .map(|n| n.parse().expect("STEWARD_CRASH_ITERATIONS is a number"))
        .unwrap_or(20);
    let seed: u64 = std::env::var("STEWARD_CRASH_SEED")
        .ok()
        .map(|n| n.parse().expect("STEWARD_CRASH_SEED is a number"))
        .unwrap_or_else(|| rand::thread_rng().gen());
    println!("crash harness: {iterations} kills, seed {seed}");
    if let Err(why) = a_journal_left_by_a_crash_after_an_erasure_is_emptied_at_open() {
        eprintln!("crash harness FAILED: {why}");
        std::process::exit(1);
    }
    let started = Instant::now();
    match run(iterations, seed) {
        Ok(stats) => println!(
            "crash harness: {iterations} kills survived in {:.1} s ({} changes committed, {} customers, {} erased); seed {seed}",
            started.elapsed().as_secs_f64(),
            stats.committed,
            stats.customers,
            stats.erased,
        ),
        Err((i, why)) => {
            eprintln!("crash harness FAILED after kill {i}: {why}");
            eprintln!("repeat it with STEWARD_CRASH_SEED={seed} STEWARD_CRASH_ITERATIONS={iterations}");
            std::process::exit(1);
        }
    }
}

struct Stats {
    committed: usize,
    customers: usize,
    erased: usize,
}

fn run(iterations: usize, seed: u64) -> Result<Stats, (usize, String)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("shop.steward");
    let keys = FileKeyStore(dir.path().join("keyring.txt"));
    let (mut made, _recovery) =
        Vault::create(&vault, &keys, "Forn de la Plaça", OWNER, &pass(OWNER_PASS)).unwrap();
    // E-mail offers kept one day: the child's retention run (its clock two
    // days on) ends every customer's agreement to them.
    let mut owner = made.login(OWNER, &pass(OWNER_PASS)).unwrap();
    made.edit_purpose(
        &mut owner,
        "email-offers",
        steward_core::PurposeChange {
            retention_days: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    made.logout(owner).unwrap();
    drop(made);
    let mut model = Model::default();
    let mut committed = 0;
    for i in 1..=iterations {
        let lines = run_child(&vault, &keys, dir.path(), &model, &mut rng).map_err(|e| (i, e))?;
        committed +=
            check_after_kill(&vault, &keys, &mut model, &lines, &mut rng).map_err(|e| (i, e))?;
    }
    Ok(Stats {
        committed,
        customers: model.live.len(),
        erased: model.erased.len(),
    })
}

/// The first thing the harness found (and `Vault` now folds back a
/// journal a crash left at open): an erasure saved, the journal not yet
/// emptied, the process killed. Reopened, the erased name must be nowhere.
fn a_journal_left_by_a_crash_after_an_erasure_is_emptied_at_open() -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("shop.steward");
    let keys = FileKeyStore(dir.path().join("keyring.txt"));
    drop(Vault::create(&vault, &keys, "Forn de la Plaça", OWNER, &pass(OWNER_PASS)).unwrap());
    let name = "Zqjournalheld";
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("CRASH_CHILD", "erase-with-journal-held")
        .env("CRASH_VAULT", &vault)
        .env("CRASH_KEYS", &keys.0)
        .env("CRASH_NAME", name)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let report = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| !l.starts_with("doing "))
        .unwrap_or_default();
    let _ = child.kill();
    child.wait().unwrap();
    if !report.starts_with("committed erase") {
        return Err(format!("the child did not erase: {report}"));
    }
    let (mut v, mut owner) = Vault::open(&vault, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    let scan = v.residue_scan(&mut owner, name).unwrap();
    if scan.found {
        return Err(format!(
            "an erased name outlived a crash in the journal: {:?}",
            scan.places
        ));
    }
    Ok(())
}

/// Starts a child on the vault and kills it at a random moment: mostly
/// a few milliseconds after one of its reports (so inside a change or
/// between two), sometimes while it is still signing in. Returns what it
/// printed.
fn run_child(
    vault: &Path,
    keys: &FileKeyStore,
    dir: &Path,
    model: &Model,
    rng: &mut StdRng,
) -> Result<Vec<String>, String> {
    let live = dir.join("live.txt");
    let ids: String = model.live.keys().map(|id| format!("{id}\n")).collect();
    std::fs::write(&live, ids).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("CRASH_CHILD", "random")
        .env("CRASH_VAULT", vault)
        .env("CRASH_KEYS", &keys.0)
        .env("CRASH_LIVE", &live)
        .env("CRASH_SEED", rng.gen::<u64>().to_string())
        .env("CRASH_MAX_CHANGES", MAX_CHANGES.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut lines = Vec::new();
    if rng.gen_bool(0.1) {
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..400)));
    } else {
        // Reports come in pairs (doing, committed): any of them, the
        // opening included, is where the kill starts counting.
        let after = rng.gen_range(1..=2 * MAX_CHANGES + 1);
        while lines.len() < after {
            match rx.recv_timeout(STUCK) {
                Ok(line) => lines.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("the child said nothing for {STUCK:?}"));
                }
            }
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..25_000)));
    }
    // SIGKILL on Unix: nothing in the child runs after it.
    let _ = child.kill();
    let status = child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(rx.try_iter());
    let errors = errors.join().unwrap();
    if let Some(failed) = lines.iter().find(|l| l.starts_with("failed ")) {
        return Err(format!(
            "the child's change failed: {failed}; stderr: {errors}"
        ));
    }
    if status.success() && lines.last().map(String::as_str) != Some("done") {
        return Err(format!("the child stopped early; stderr: {errors}"));
    }
    if !status.success() && status.code().is_some() {
        return Err(format!("the child exited with {status}; stderr: {errors}"));
    }
    Ok(lines)
}

/// Reopens the vault after a kill and checks it against the model, after
/// applying the child's reports. Returns how many changes it reported.
fn check_after_kill(
    vault: &Path,
    keys: &FileKeyStore,
    model: &mut Model,
    lines: &[String],
    rng: &mut StdRng,
) -> Result<usize, String> {
    let mut touched = BTreeSet::new();
    let mut in_flight = None;
    let mut committed = 0;
    for line in lines {
        if let Some(doing) = line.strip_prefix("doing ") {
            in_flight = Some(doing.to_owned());
        } else if let Some(done) = line.strip_prefix("committed ") {
            touched.insert(model.apply(done)?);
            in_flight = None;
            committed += 1;
        }
    }
    let (mut v, mut owner) = Vault::open(vault, keys, OWNER, &pass(OWNER_PASS))
        .map_err(|e| format!("the vault does not open after the kill: {e}"))?;
    let verdict = v
        .verify_audit_log(&mut owner)
        .map_err(|e| format!("audit verify failed to run: {e}"))?;
    if !verdict.intact {
        return Err(format!("audit verify: {}", verdict.message));
    }
    if let Some(doing) = in_flight {
        touched.extend(model.settle(&mut v, &mut owner, &doing)?);
    }
    model.check(&mut v, &mut owner, &touched, SAMPLE, rng)?;
    Ok(committed)
}
