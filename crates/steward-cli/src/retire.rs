//! `steward --user OWNER retire --confirm RETIRE [--certificate-out FILE]`:
//! retiring this computer. The core checks the owner, their passphrase and
//! the word, destroys and writes the certificate's content; this file asks,
//! writes the certificate where the owner said, and prints it.

use std::path::{Path, PathBuf};

use clap::Args;
use steward_core::{ClosedVault, Error, OsKeyring, RETIRE_CONFIRMATION};

use crate::secrets::Secrets;
use crate::{fail, output, Failure};

#[derive(Args)]
pub struct RetireArgs {
    /// The word RETIRE (asked for when missing).
    #[arg(long, value_name = "WORD")]
    pub confirm: Option<String>,
    /// Also write the destruction certificate to this new file (JSON when
    /// its name ends in .json, plain text otherwise).
    #[arg(long, value_name = "FILE")]
    pub certificate_out: Option<PathBuf>,
}

/// Refuses a certificate file that could not be written, before anything
/// is destroyed.
fn check_out(out: &Path) -> Result<(), Failure> {
    if out.exists() {
        return Err(fail(format!(
            "{} already exists; choose another file for the certificate; nothing was destroyed",
            out.display()
        )));
    }
    match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(fail(
            "the certificate's folder does not exist; nothing was destroyed",
        )),
        _ => Ok(()),
    }
}

pub fn retire(
    json: bool,
    vault_path: &Path,
    user: &str,
    secrets: &mut Secrets,
    args: &RetireArgs,
) -> Result<(), Failure> {
    if let Some(out) = &args.certificate_out {
        check_out(out)?;
    }
    let closed = ClosedVault::take(vault_path)?;
    let passphrase = secrets.passphrase(&format!("Passphrase for {user}: "))?;
    let (mut vault, mut session) = closed.sign_in(&OsKeyring, user, &passphrase)?;
    let word = match &args.confirm {
        Some(w) => zeroize::Zeroizing::new(w.clone()),
        None => {
            eprintln!(
                "This destroys the vault on this computer for good: its data, its keys and the keyring entry. Backups made before are not touched. Type {RETIRE_CONFIRMATION} to go on:"
            );
            secrets.read_stdin_line("confirmation")?
        }
    };
    let approval = match vault.approve_retirement(&mut session, &passphrase, &word) {
        Ok(a) => a,
        Err(e) => {
            let _ = vault.logout(session);
            return Err(match e {
                Error::RetirementNotConfirmed => fail(e.to_string()),
                e => e.into(),
            });
        }
    };
    drop(session);
    let cert = vault.retire(&OsKeyring, approval)?;
    let text = cert.to_text();
    if let Some(out) = &args.certificate_out {
        let bytes = if out.extension().is_some_and(|e| e == "json") {
            serde_json::to_vec_pretty(&cert).map_err(anyhow::Error::from)?
        } else {
            text.clone().into_bytes()
        };
        if let Err(e) = steward_core::files::write_new_atomic(out, &bytes) {
            eprintln!("steward: the computer was retired, but the certificate could not be written ({e}); it follows on standard output");
        }
    }
    output(json, &cert, || text.clone());
    if !cert.complete {
        return Err(Failure::from(anyhow::anyhow!(
            "some files could not be overwritten or deleted (see the certificate); delete them by hand"
        )));
    }
    Ok(())
}
