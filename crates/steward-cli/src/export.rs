//! The customer's export from the command line: `customers export ID --out
//! FILE.zip` (owner, manager) and `export verify FILE.zip`. The core makes
//! the ZIP and checks it; this file reads the ZIP passphrase, writes the
//! file where it was asked (never over an existing one) and prints.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use steward_core::files::write_new_atomic;
use steward_core::{verify_export, ClosedVault, Lang, OsKeyring, Passphrase, Session, Vault};

use crate::consent::parse_lang;
use crate::secrets::Secrets;
use crate::{fail, output, Failure};

/// `customers export`: everything held about a customer, for them.
#[derive(Args)]
pub struct ExportArgs {
    /// The customer's number.
    pub id: i64,
    /// Where to write the ZIP; refused if the file exists. Choose a name
    /// that does not say whom it is about if it may be seen by others.
    #[arg(long, value_name = "FILE.zip")]
    pub out: PathBuf,
    /// The language of the pages inside (en, ca, es, id); the customer's
    /// own by default.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Encrypt the ZIP (AES-256) with a passphrase read from standard
    /// input (after the user's passphrase with --passphrase-stdin).
    #[arg(long)]
    pub zip_passphrase_stdin: bool,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Check a customer's export: every file against the signed manifest
    /// and the signature. With --vault PATH (no login) or --key
    /// FINGERPRINT, also that the shop's key signed it.
    Verify {
        file: PathBuf,
        /// The fingerprint of the shop's receipt key, as printed on its
        /// notice.
        #[arg(long, value_name = "FINGERPRINT")]
        key: Option<String>,
        /// The export is encrypted: read its passphrase from standard input.
        #[arg(long)]
        zip_passphrase_stdin: bool,
    },
}

fn zip_passphrase(secrets: &mut Secrets, wanted: bool) -> Result<Option<Passphrase>, Failure> {
    if !wanted {
        return Ok(None);
    }
    let line = secrets.read_stdin_line("ZIP passphrase")?;
    Ok(Some(Passphrase::new(line.to_string())))
}

/// Refuses an `--out` that exists before anything is asked or read.
pub fn check_out(args: &ExportArgs) -> Result<(), Failure> {
    if args.out.exists() {
        return Err(Failure {
            code: 1,
            message: "the --out file already exists; choose another name: nothing was written"
                .into(),
        });
    }
    Ok(())
}

pub fn export(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    secrets: &mut Secrets,
    args: &ExportArgs,
) -> Result<(), Failure> {
    let pass = zip_passphrase(secrets, args.zip_passphrase_stdin)?;
    let export = vault.export_for_customer(session, args.id, args.lang, pass.as_ref())?;
    write_new_atomic(&args.out, &export.zip)?;
    output(json, &export, || {
        let mut out = format!(
            "Wrote the customer's export ({} files{}, in {}) to {}.",
            export.files.len() + 1,
            if export.encrypted {
                ", encrypted with AES-256"
            } else {
                ""
            },
            export.lang,
            args.out.display()
        );
        out += "\nSteward keeps no copy. Hand it to the customer; `steward export verify FILE` checks it.";
        out
    });
    Ok(())
}

pub fn verify(
    json: bool,
    secrets: &mut Secrets,
    cmd: &ExportCommand,
    vault: Option<&Path>,
) -> Result<(), Failure> {
    let ExportCommand::Verify {
        file,
        key,
        zip_passphrase_stdin,
    } = cmd;
    if vault.is_some() && key.is_some() {
        return Err(fail(
            "give the shop's key one way: --vault PATH or --key FINGERPRINT",
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| Failure {
        code: 1,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    let pass = zip_passphrase(secrets, *zip_passphrase_stdin)?;
    let shop_key = match vault {
        // The shop's fingerprint is read from beside the vault: no sign-in.
        Some(path) => Some(ClosedVault::take(path)?.cover(&OsKeyring)?.receipt_key.ok_or_else(|| {
            fail("this vault was made by an older Steward: sign in once as its owner, then verify again")
        })?),
        None => key.clone(),
    };
    let v = verify_export(
        &bytes,
        pass.as_ref().map(Passphrase::as_str),
        shop_key.as_deref(),
    )?;
    output(json, &v, || {
        if v.shop_key_confirmed {
            format!(
                "valid, signed by the shop {}: export {} of {}, {} files intact, key {}",
                v.shop, v.export_id, v.created_at, v.files, v.key_fingerprint
            )
        } else {
            format!(
                "intact: export {} ({} files) is exactly as signed by key {}\n\
                 not checked: whether this key is the shop's. Run again with --vault PATH \
                 (on the shop's computer) or --key FINGERPRINT.",
                v.export_id, v.files, v.key_fingerprint
            )
        }
    });
    Ok(())
}
