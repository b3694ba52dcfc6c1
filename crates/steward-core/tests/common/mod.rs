//! Shared set-up for the core's tests: a real SQLCipher vault in a temp dir,
//! an in-memory key store, and a clock the test can move.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use steward_core::{
    CollectionMethod, ConsentForm, IdentityCheck, Lang, MemoryKeyStore, Passphrase, RecoveryKey,
    Role, Session, Signature, Vault,
};

pub const OWNER: &str = "olga";
pub const OWNER_PASS: &str = "owner passphrase 1";

pub fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned())
}

/// A clock that only moves when told to.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(Mutex::new(Utc::now())))
    }
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    pub fn advance(&self, d: Duration) {
        *self.0.lock().unwrap() += d;
    }
    pub fn install(&self, vault: &mut Vault) {
        let me = self.clone();
        vault.set_clock(Arc::new(move || *me.0.lock().unwrap()));
    }
}

pub struct Shop {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub keys: MemoryKeyStore,
    pub recovery_key: RecoveryKey,
    pub clock: TestClock,
    /// The database key (no longer in the keyring: see `keys::slots`), for
    /// raw SQLCipher reads of the file.
    pub db_key: steward_core::DbKey,
}

impl Shop {
    /// Sets up a shop and closes the vault again.
    pub fn new() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.steward");
        let keys = MemoryKeyStore::new();
        let (vault, recovery_key) =
            Vault::create(&path, &keys, "Forn de la Plaça", OWNER, &pass(OWNER_PASS)).unwrap();
        let db_key = vault.database_key_for_tests();
        drop(vault);
        Shop {
            dir,
            path,
            keys,
            recovery_key,
            clock: TestClock::new(),
            db_key,
        }
    }

    /// Opens the vault as the owner signing in (the only way in), then
    /// logs the owner out again: tests log in whom they need.
    pub fn open(&self) -> Vault {
        let (mut v, owner) = self
            .closed()
            .sign_in(&self.keys, OWNER, &pass(OWNER_PASS))
            .unwrap();
        v.logout(owner).unwrap();
        v
    }

    /// The vault held but not opened (as at the login screen), on the
    /// test's clock.
    pub fn closed(&self) -> steward_core::ClosedVault {
        let mut closed = steward_core::ClosedVault::take(&self.path).unwrap();
        let me = self.clock.clone();
        closed.set_clock(Arc::new(move || *me.0.lock().unwrap()));
        closed
    }

    pub fn owner(&self, v: &mut Vault) -> Session {
        v.login(OWNER, &pass(OWNER_PASS)).unwrap()
    }

    /// Adds a user with `role` who has already chosen their own passphrase,
    /// and returns their logged-in session.
    pub fn user(&self, v: &mut Vault, name: &str, role: Role) -> Session {
        let mut owner = self.owner(v);
        v.add_user(&mut owner, name, role, &pass("initial passphrase"))
            .unwrap();
        v.logout(owner).unwrap();
        let mut s = v.login(name, &pass("initial passphrase")).unwrap();
        v.change_own_passphrase(
            &mut s,
            &pass("initial passphrase"),
            &pass(&format!("{name} own passphrase")),
        )
        .unwrap();
        s
    }

    /// The vault opened with plain rusqlite and its key, bypassing Steward,
    /// as someone who got hold of the key would (for tampering tests and for
    /// counting rows). Reads see what Steward has committed.
    pub fn raw_connection(&self) -> rusqlite::Connection {
        // Works while the vault is open elsewhere in the test.
        let c = rusqlite::Connection::open(&self.path).unwrap();
        c.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\";",
            self.db_key.to_hex().as_str()
        ))
        .unwrap();
        c
    }

    pub fn file(&self, suffix: &str) -> PathBuf {
        let mut p = self.path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    }
}

/// A few strokes standing in for a customer's hand-drawn signature.
pub fn signature() -> Option<Signature> {
    Some(Signature::Drawn(vec![vec![
        [0.1, 0.5],
        [0.4, 0.2],
        [0.8, 0.6],
    ]]))
}

/// The on-screen consent form in Catalan, under the current notice, with
/// `granted` ticked and `fields` filled in, checked by id document and signed.
pub fn in_store_form(
    v: &mut Vault,
    s: &mut Session,
    granted: &[&str],
    fields: &[(&str, &str)],
) -> ConsentForm {
    let notice = v.notice(s, Lang::Ca, None).unwrap();
    ConsentForm {
        lang: Lang::Ca,
        notice_version: notice.version,
        granted: granted.iter().map(|p| p.to_string()).collect(),
        fields: fields
            .iter()
            .map(|(k, val)| (k.to_string(), val.to_string()))
            .collect(),
        method: CollectionMethod::InStoreForm,
        identity_check: IdentityCheck::IdDocument,
        signature: signature(),
        form_id: None,
    }
}

/// Opens the vault at `path` by the owner's sign-in and logs them out again.
pub fn open_as_owner(
    path: &std::path::Path,
    keys: &dyn steward_core::KeyStore,
) -> steward_core::Result<Vault> {
    let (mut v, owner) = Vault::open(path, keys, OWNER, &pass(OWNER_PASS))?;
    v.logout(owner)?;
    Ok(v)
}

/// A key store kept in a file, so that two processes (a test and the child
/// it kills) share one "keyring". Lines of `account hex`; replaced whole
/// with a rename, so a process killed mid-write leaves the old file.
pub struct FileKeyStore(pub PathBuf);

impl FileKeyStore {
    fn entries(&self) -> Vec<(String, String)> {
        let text = match std::fs::read_to_string(&self.0) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => panic!("the test key store cannot be read: {e}"),
        };
        text.lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(a, k)| (a.to_owned(), k.to_owned()))
            .collect()
    }

    fn save(&self, entries: &[(String, String)]) {
        let text: String = entries.iter().map(|(a, k)| format!("{a} {k}\n")).collect();
        let tmp = self.0.with_extension("tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &self.0).unwrap();
    }
}

impl steward_core::KeyStore for FileKeyStore {
    fn get(&self, account: &str) -> steward_core::Result<Option<steward_core::DbKey>> {
        Ok(self
            .entries()
            .into_iter()
            .find(|(a, _)| a == account)
            .and_then(|(_, k)| steward_core::DbKey::from_hex(&k)))
    }

    fn set(&self, account: &str, key: &steward_core::DbKey) -> steward_core::Result<()> {
        let mut entries = self.entries();
        entries.retain(|(a, _)| a != account);
        entries.push((account.to_owned(), key.to_hex().to_string()));
        self.save(&entries);
        Ok(())
    }

    fn delete(&self, account: &str) -> steward_core::Result<()> {
        let mut entries = self.entries();
        entries.retain(|(a, _)| a != account);
        self.save(&entries);
        Ok(())
    }
}
