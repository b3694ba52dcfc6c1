//! The process that gets killed: it signs in to the vault as the owner and
//! makes random changes through the core's public API, as the app would,
//! until its parent kills it. Before each change it prints `doing …`, and
//! `committed …` only once the core has returned it as saved, so the
//! parent knows every change that must survive and the one that may or
//! may not have.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use steward_core::{
    CollectionMethod, ConsentForm, ErasureGround, ErasureRequest, IdentityCheck, Lang, NewItem,
    NewPurchase, Result, RunBy, Session, Vault, Withdrawal,
};

use crate::common::{pass, signature, FileKeyStore, OWNER, OWNER_PASS};

/// The purposes a join may grant besides membership, and a withdrawal
/// may take back (withdrawing membership is an erasure, its own change).
pub const OPTIONAL_PURPOSES: &[&str] = &["loyalty", "email-offers"];

/// What a change needs: the vault, the owner's session, the dice, and the
/// customers the child knows to exist.
pub struct Ctx {
    pub vault: Vault,
    pub owner: Session,
    pub rng: StdRng,
    pub live: Vec<i64>,
}

/// One kind of change: its name, how often it is picked (relative), and
/// the change itself. It prints its own `doing` line and returns the words
/// of its `committed` line, or `None` when there was nothing to do it on.
pub type Change = (&'static str, u32, fn(&mut Ctx) -> Result<Option<String>>);

/// Every change the harness makes. A new one is one more line here and
/// one more arm in the parent's `model::apply` (and `settle`).
pub const CHANGES: &[Change] = &[
    ("join", 4, join),
    ("purchase", 5, purchase),
    ("withdraw", 2, withdraw),
    ("erase", 2, erase),
    ("retention", 1, retention),
];

/// Runs the child: the vault and key store paths, the seed and the file
/// listing the customers that exist come from the environment.
pub fn run() {
    let env = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let vault = PathBuf::from(env("CRASH_VAULT"));
    let keys = FileKeyStore(PathBuf::from(env("CRASH_KEYS")));
    let seed: u64 = env("CRASH_SEED").parse().unwrap();
    let live = std::fs::read_to_string(env("CRASH_LIVE"))
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    let max_changes: usize = env("CRASH_MAX_CHANGES").parse().unwrap();
    let (vault, owner) = Vault::open(&vault, &keys, OWNER, &pass(OWNER_PASS))
        .unwrap_or_else(|e| fail(&format!("open: {}", e.code())));
    say("opened");
    let mut ctx = Ctx {
        vault,
        owner,
        rng: StdRng::seed_from_u64(seed),
        live,
    };
    let total: u32 = CHANGES.iter().map(|c| c.1).sum();
    for _ in 0..max_changes {
        let mut pick = ctx.rng.gen_range(0..total);
        let (name, _, change) = CHANGES
            .iter()
            .find(|c| {
                let hit = pick < c.1;
                pick = pick.saturating_sub(c.1);
                hit
            })
            .expect("a change is picked");
        match change(&mut ctx) {
            Ok(Some(words)) => say(&format!("committed {name} {words}")),
            Ok(None) => {}
            Err(e) => fail(&format!("{name}: {} ({e})", e.code())),
        }
    }
    say("done");
}

/// One line to the parent, written through before the next change starts.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|_| out.flush()).unwrap();
}

fn fail(why: &str) -> ! {
    say(&format!("failed {why}"));
    std::process::exit(1);
}

fn pick_customer(ctx: &mut Ctx) -> Option<i64> {
    if ctx.live.is_empty() {
        return None;
    }
    let i = ctx.rng.gen_range(0..ctx.live.len());
    Some(ctx.live[i])
}

/// A made-up one-word name that occurs nowhere else, so that the residue
/// scan can look for it after an erasure.
fn marker(rng: &mut StdRng) -> String {
    let tail: String = (0..9)
        .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
        .collect();
    format!("Zq{tail}")
}

fn join(ctx: &mut Ctx) -> Result<Option<String>> {
    let name = marker(&mut ctx.rng);
    let mut granted = vec!["membership".to_owned()];
    let mut fields = BTreeMap::from([("name".to_owned(), name.clone())]);
    for p in OPTIONAL_PURPOSES {
        if ctx.rng.gen_bool(0.5) {
            granted.push((*p).to_owned());
        }
    }
    if granted.iter().any(|p| p == "email-offers") {
        fields.insert(
            "email".into(),
            format!("{}@example.cat", name.to_lowercase()),
        );
    }
    let notice = ctx.vault.notice(&mut ctx.owner, Lang::Ca, None)?;
    let purposes = purpose_list(&granted[1..]);
    say(&format!("doing join {name} {purposes}"));
    let form = ConsentForm {
        lang: Lang::Ca,
        notice_version: notice.version,
        granted: granted.clone(),
        fields: fields.into_iter().collect(),
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::IdDocument,
        signature: signature(),
        form_id: None,
    };
    let id = ctx.vault.join_customer(&mut ctx.owner, form)?.customer_id;
    ctx.live.push(id);
    Ok(Some(format!("{name} {purposes} {id}")))
}

/// The optional purposes granted, as one word (`-` for none).
fn purpose_list(purposes: &[String]) -> String {
    if purposes.is_empty() {
        "-".to_owned()
    } else {
        purposes.join(",")
    }
}

fn purchase(ctx: &mut Ctx) -> Result<Option<String>> {
    let Some(id) = pick_customer(ctx) else {
        return Ok(None);
    };
    let new = NewPurchase {
        date: None,
        items: vec![NewItem {
            description: "Pa de pagès".into(),
            quantity: ctx.rng.gen_range(1..4),
            unit_cents: ctx.rng.gen_range(50..3000),
        }],
        ..Default::default()
    };
    say(&format!("doing purchase {id}"));
    let done = ctx.vault.add_purchase(&mut ctx.owner, id, &new)?;
    Ok(Some(format!("{id} {}", done.id)))
}

fn withdraw(ctx: &mut Ctx) -> Result<Option<String>> {
    let Some(id) = pick_customer(ctx) else {
        return Ok(None);
    };
    let history = ctx.vault.consent_history(&mut ctx.owner, id)?;
    let granted: Vec<String> = history
        .current
        .iter()
        .filter(|s| s.granted && OPTIONAL_PURPOSES.contains(&s.purpose.as_str()))
        .map(|s| s.purpose.clone())
        .collect();
    if granted.is_empty() {
        return Ok(None);
    }
    let purpose = granted[ctx.rng.gen_range(0..granted.len())].clone();
    say(&format!("doing withdraw {id} {purpose}"));
    let request = Withdrawal {
        lang: None,
        purposes: vec![purpose.clone()],
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::KnownCustomer,
        signature: signature(),
        form_id: None,
    };
    ctx.vault.withdraw_consent(&mut ctx.owner, id, request)?;
    Ok(Some(format!("{id} {purpose}")))
}

/// A run of the retention schedule two days on: e-mail offers are kept one
/// day (set by the parent), so every customer's agreement to them ends, one
/// customer per transaction. Killed half-way, some have ended and some not,
/// never half of one; the next run finishes it.
fn retention(ctx: &mut Ctx) -> Result<Option<String>> {
    say("doing retention");
    let later = chrono::Utc::now() + chrono::Duration::days(2);
    ctx.vault.set_clock(std::sync::Arc::new(move || later));
    let run = ctx.vault.run_retention(RunBy::Schedule, &mut |_, _| {});
    ctx.vault.set_clock(steward_core::time::system_clock());
    let (summary, _) = run?;
    Ok(Some(summary.purposes_expired.to_string()))
}

fn erase(ctx: &mut Ctx) -> Result<Option<String>> {
    let Some(id) = pick_customer(ctx) else {
        return Ok(None);
    };
    say(&format!("doing erase {id}"));
    let request = ErasureRequest {
        lang: None,
        ground: ErasureGround::CustomerRequest,
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::IdDocument,
        signature: signature(),
    };
    ctx.vault.erase_customer(&mut ctx.owner, id, request)?;
    ctx.live.retain(|c| *c != id);
    Ok(Some(id.to_string()))
}

/// The case the harness found, made certain: a customer is erased while
/// another program reads the vault, so the journal cannot be emptied (the
/// erasure's warning), and the process is killed before its close would
/// empty it; the journal a crash leaves holds the erased name. Reports
/// `committed erase ID`, then waits to be killed.
pub fn erase_with_journal_held() {
    let env = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let path = PathBuf::from(env("CRASH_VAULT"));
    let keys = FileKeyStore(PathBuf::from(env("CRASH_KEYS")));
    let name = env("CRASH_NAME");
    let (vault, owner) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    let mut ctx = Ctx {
        vault,
        owner,
        rng: StdRng::seed_from_u64(0),
        live: Vec::new(),
    };
    let notice = ctx.vault.notice(&mut ctx.owner, Lang::Ca, None).unwrap();
    let form = ConsentForm {
        lang: Lang::Ca,
        notice_version: notice.version,
        granted: vec!["membership".into()],
        fields: vec![("name".into(), name)],
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::IdDocument,
        signature: signature(),
        form_id: None,
    };
    let id = ctx
        .vault
        .join_customer(&mut ctx.owner, form)
        .unwrap()
        .customer_id;
    let reader = rusqlite::Connection::open(&path).unwrap();
    let key = ctx.vault.database_key_for_tests();
    reader
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; BEGIN; SELECT count(*) FROM customer;",
            key.to_hex().as_str()
        ))
        .unwrap();
    ctx.live.push(id);
    erase(&mut ctx).unwrap();
    say(&format!("committed erase {id}"));
    std::thread::sleep(std::time::Duration::from_secs(600));
}
