//! A full disk (issue 13 §5), on a real small volume: a tmpfs mounted with
//! `size=` (root only; CI runs as root). The vault grows until a change
//! fails: that change fails with `disk_full` and a sentence saying so,
//! nothing saved before it is lost, and once space is freed the same open
//! vault takes changes again, and so does the vault reopened. Without
//! root (or where `mount` is refused) these tests say so and pass without
//! running.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{in_store_form, pass, OWNER, OWNER_PASS};
use steward_core::{AccessPurpose, MemoryKeyStore, Session, Vault};

/// A tmpfs of a few MiB mounted on a fresh temporary folder; unmounted
/// when dropped.
pub struct SmallVolume {
    dir: tempfile::TempDir,
}

impl SmallVolume {
    /// `None` (after saying why) where a tmpfs cannot be mounted.
    pub fn mount(mib: u32) -> Option<SmallVolume> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!(
                "full disk test skipped: cannot mount a tmpfs here (run as root, as CI does)"
            );
            return None;
        }
        Some(SmallVolume { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the volume with a file of zeros until the disk is full,
    /// leaving `spare` bytes unwritten; returns the file, whose removal
    /// frees the space.
    pub fn fill(&self, spare: u64) -> PathBuf {
        use std::io::Write;
        let filler = self.path().join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        drop(f);
        let len = std::fs::metadata(&filler).unwrap().len();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&filler)
            .unwrap();
        f.set_len(len.saturating_sub(spare)).unwrap();
        filler
    }
}

impl Drop for SmallVolume {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn join(v: &mut Vault, owner: &mut Session, name: &str) -> steward_core::Result<i64> {
    let form = in_store_form(v, owner, &["membership"], &[("name", name)]);
    v.join_customer(owner, form).map(|r| r.customer_id)
}

fn name_of(v: &mut Vault, owner: &mut Session, id: i64) -> String {
    match v
        .customer_profile(owner, id, AccessPurpose::CustomerRequest)
        .unwrap()
    {
        steward_core::CustomerProfile::Full(p) => p.fields["name"].clone(),
        _ => panic!("the owner sees the full profile"),
    }
}

#[test]
fn a_full_disk_refuses_a_change_clearly_loses_nothing_saved_and_works_again_once_freed() {
    let Some(volume) = SmallVolume::mount(8) else {
        return;
    };
    let path = volume.path().join("shop.steward");
    let keys = MemoryKeyStore::new();
    let (mut v, _recovery) =
        Vault::create(&path, &keys, "Forn de la Plaça", OWNER, &pass(OWNER_PASS)).unwrap();
    let mut owner = v.login(OWNER, &pass(OWNER_PASS)).unwrap();
    let filler = volume.fill(256 * 1024);

    // The vault grows into the last free space until a change fails.
    let mut saved = Vec::new();
    let err = loop {
        let name = format!("Client {}", saved.len() + 1);
        match join(&mut v, &mut owner, &name) {
            Ok(id) => saved.push((id, name)),
            Err(e) => break e,
        }
        assert!(saved.len() < 5_000, "the disk never filled up");
    };
    assert!(
        !saved.is_empty(),
        "some customers fit before the disk filled"
    );
    assert_eq!(err.code(), "disk_full", "{err}");
    assert_eq!(
        err.to_string(),
        "the disk is full; nothing was saved. Free some space and try again"
    );
    // Everything saved is still there, and the refused change is not.
    let customers = v.status().unwrap().customers;
    assert_eq!(customers, saved.len() as i64);
    let (last_id, last_name) = saved.last().unwrap().clone();
    assert_eq!(name_of(&mut v, &mut owner, last_id), last_name);

    // Space freed: the same open vault takes the change now.
    std::fs::remove_file(&filler).unwrap();
    let id = join(&mut v, &mut owner, "Client after").unwrap();
    assert_eq!(name_of(&mut v, &mut owner, id), "Client after");
    assert!(v.warnings().is_empty(), "{:?}", v.warnings());
    drop(v);

    // Reopened: all there, audit log and ledger intact.
    let (mut v, mut owner) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    assert_eq!(v.status().unwrap().customers, saved.len() as i64 + 1);
    for (id, name) in saved.iter().step_by(7).chain(saved.last()) {
        assert_eq!(&name_of(&mut v, &mut owner, *id), name);
    }
    let verdict = v.verify_audit_log(&mut owner).unwrap();
    assert!(verdict.intact, "{}", verdict.message);
}

#[test]
fn a_vault_closed_on_a_full_disk_opens_again_with_everything_saved() {
    let Some(volume) = SmallVolume::mount(8) else {
        return;
    };
    let path = volume.path().join("shop.steward");
    let keys = MemoryKeyStore::new();
    let (mut v, _recovery) =
        Vault::create(&path, &keys, "Forn de la Plaça", OWNER, &pass(OWNER_PASS)).unwrap();
    let mut owner = v.login(OWNER, &pass(OWNER_PASS)).unwrap();
    let first = join(&mut v, &mut owner, "Client first").unwrap();
    let filler = volume.fill(0);
    assert_eq!(
        join(&mut v, &mut owner, "Client refused")
            .unwrap_err()
            .code(),
        "disk_full"
    );
    drop(v);

    // Opening needs a little space (the sign-in file, the journal); on a
    // full disk it says so, and once space is freed it opens.
    if let Err(e) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)) {
        assert_eq!(e.code(), "disk_full", "{e}");
    }
    std::fs::remove_file(&filler).unwrap();
    let (mut v, mut owner) = Vault::open(&path, &keys, OWNER, &pass(OWNER_PASS)).unwrap();
    assert_eq!(v.status().unwrap().customers, 1);
    assert_eq!(name_of(&mut v, &mut owner, first), "Client first");
    let verdict = v.verify_audit_log(&mut owner).unwrap();
    assert!(verdict.intact, "{}", verdict.message);
}
