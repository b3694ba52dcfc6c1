//! Writing files that people rely on (recovery files, audit anchors, later
//! receipts and exports): written to a temporary file in the same folder,
//! flushed to disk, then renamed over the target, so a crash or a full disk
//! never leaves half a file behind.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Atomically replaces `path` with `bytes`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or(Error::InvalidInput {
            field: "path",
            reason: "names a folder, not a file",
        })?
        .to_string_lossy();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let res = (|| {
        let mut f = owner_only(
            fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true),
        )
        .open(&tmp)
        .map_err(Error::io("create a temporary file"))?;
        f.write_all(bytes).map_err(Error::io("write a file"))?;
        f.sync_all().map_err(Error::io("flush a file to disk"))?;
        fs::rename(&tmp, path).map_err(Error::io("replace a file"))
    })();
    if res.is_err() {
        // Best effort: the temporary file is ours and useless now.
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// Writes `bytes` to `path`, which must not exist yet: written to a
/// temporary file in the same folder, flushed, then linked into place, so
/// the file appears whole or not at all and an existing file is never
/// replaced ([`Error::FileExists`]).
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_new_atomic_with(path, |f| {
        f.write_all(bytes).map_err(Error::io("write a file"))
    })
}

/// [`write_new_atomic`] for a file written piece by piece (a backup): `write`
/// fills the temporary file, which then appears under `path` whole, or
/// not at all.
pub fn write_new_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> Result<()>,
) -> Result<()> {
    if path.exists() {
        return Err(Error::FileExists);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(Error::InvalidInput {
            field: "path",
            reason: "names a folder, not a file",
        });
    }
    let tmp = dir.join(format!(
        ".steward-new.tmp-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let res = (|| {
        let mut f = owner_only(fs::OpenOptions::new().write(true).create_new(true))
            .open(&tmp)
            .map_err(Error::io("create a temporary file"))?;
        write(&mut f)?;
        f.sync_all().map_err(Error::io("flush a file to disk"))?;
        // A hard link, unlike a rename, fails when the target exists: the
        // check above and the write cannot race another writer into
        // replacing a file.
        match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::FileExists),
            // Some file systems (a FAT USB stick) have no hard links: fall
            // back to a rename, after checking again that nothing appeared.
            Err(_) if !path.exists() => {
                fs::rename(&tmp, path).map_err(Error::io("put the file in place"))
            }
            Err(_) => Err(Error::FileExists),
        }
    })();
    // Best effort: the temporary name is ours and useless now.
    let _ = fs::remove_file(&tmp);
    res
}

/// Saves a document for a person (a receipt, an export) into `folder`,
/// creating the folder if needed, and returns where it went.
pub fn save_document(folder: &Path, file_name: &str, bytes: &[u8]) -> Result<std::path::PathBuf> {
    fs::create_dir_all(folder).map_err(Error::io("create the folder for documents"))?;
    let path = folder.join(file_name);
    write_atomic(&path, bytes)?;
    Ok(path)
}

/// Makes `options` create files that only their owner may read or write
/// (0600 on Unix): a vault, its journal, its recovery file, its anchor and
/// the documents Steward saves hold data nobody else on the computer should
/// read. On Windows the user profile's folder permissions apply instead.
pub fn owner_only(options: &mut fs::OpenOptions) -> &mut fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Narrows a file to its owner (0600 on Unix); a file that does not exist
/// is left so. A no-op elsewhere.
pub fn restrict_to_owner(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match fs::set_permissions(path, fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("make a file private to its owner")(e))
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
