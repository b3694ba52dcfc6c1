//! `steward`: the scripting interface to a Steward vault. A thin driver: it
//! parses arguments, reads passphrases (from a prompt, or from standard input
//! with `--passphrase-stdin`; never from argv or the environment), calls
//! `steward-core`, and prints the result. Every rule is the core's.
//!
//! Exit codes: 0 success, 1 error, 2 usage, 3 not permitted, 4 wrong
//! credentials or locked out, 5 the vault cannot be opened (key, keyring,
//! file, already open).

mod backup;
mod consent;
mod crm;
mod erasure;
mod export;
mod invitations;
mod recipients;
mod record_keeping;
mod retention;
mod retire;
mod secrets;
mod unattended;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::cell::RefCell;
use std::collections::BTreeSet;
use steward_core::default_location;
use steward_core::{
    ClosedVault, Error, ErrorKind, OsKeyring, Passphrase, RecoveryKey, Role, Session, Vault,
    Warning,
};

use crate::secrets::Secrets;

#[derive(Parser)]
#[command(
    name = "steward",
    version,
    about = "Steward: a customer vault that respects the customer"
)]
struct Cli {
    /// The vault file (default: the per-user data folder).
    #[arg(long, global = true, value_name = "PATH")]
    vault: Option<PathBuf>,
    /// Act as this user (asks for their passphrase).
    #[arg(long, global = true, value_name = "USERNAME")]
    user: Option<String>,
    /// Read passphrases from standard input, one per line, instead of a prompt.
    #[arg(long, global = true)]
    passphrase_stdin: bool,
    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a new shop: creates the vault, stores its key in the keyring,
    /// and prints the recovery key once.
    Init {
        #[arg(long, value_name = "NAME")]
        shop: String,
        #[arg(long, value_name = "USERNAME")]
        owner: String,
    },
    /// The vault's path, shop and receipt key (no login); with --user, also
    /// schema version and counts. No personal data either way.
    Status,
    /// Open the vault with the recovery key and put this computer's half of
    /// every sign-in back into its keyring; with --user, also sign that user
    /// in once (so they can open the vault again if the sign-in file was lost).
    Recover {
        /// Read the recovery key from standard input instead of a prompt.
        #[arg(long)]
        recovery_key_stdin: bool,
        /// Also set a new passphrase for this owner account (forgotten
        /// passphrase); read after the recovery key.
        #[arg(long, value_name = "USERNAME")]
        reset_passphrase: Option<String>,
    },
    /// Manage user accounts (owner).
    #[command(subcommand)]
    Users(UsersCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Shop settings (owner).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Change your own passphrase (needed after the owner created your account).
    Passwd,
    /// The purposes customers are asked to agree to.
    #[command(subcommand)]
    Purposes(consent::PurposesCommand),
    /// The customer fields the shop may collect, and which are switched on.
    #[command(subcommand)]
    Fields(consent::FieldsCommand),
    /// The privacy notice customers read before deciding.
    #[command(subcommand)]
    Notice(consent::NoticeCommand),
    /// Customers.
    #[command(subcommand)]
    Customers(consent::CustomersCommand),
    /// A customer's consent decisions.
    #[command(subcommand)]
    Consent(consent::ConsentCommand),
    /// Consent receipts.
    #[command(subcommand)]
    Receipt(consent::ReceiptCommand),
    /// Customers' exports (`customers export` makes one).
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Purchases at the till.
    #[command(subcommand)]
    Purchases(crm::PurchasesCommand),
    /// Notes about interactions with customers.
    #[command(subcommand)]
    Notes(crm::NotesCommand),
    /// Follow-up tasks.
    #[command(subcommand)]
    Tasks(crm::TasksCommand),
    /// The customers who agree to a marketing purpose, with only the data it
    /// covers (marketing, owner); 50 per page.
    Audience {
        purpose: String,
        #[arg(long, default_value_t = 0)]
        offset: i64,
    },
    /// Look for a text in every page of the vault, decrypted (free pages
    /// and the journal included), e.g. after an erasure (owner, auditor).
    /// The text is read from standard input (the line after the passphrase
    /// with --passphrase-stdin) and never logged.
    ResidueScan,
    /// The destruction records: what each erasure destroyed, when, why, by
    /// whom, and its residue check; no customer data (owner, auditor).
    Erasures,
    /// The firms the shop hands data to, and the hand-overs (owner).
    #[command(subcommand)]
    Recipients(recipients::RecipientsCommand),
    /// The retention schedule: erase what the notice's periods no longer
    /// allow to keep, see what is due, read past runs.
    #[command(subcommand)]
    Retention(retention::RetentionCommand),
    /// A shop's old list, imported as invitations to join (never as
    /// customers): import, status, how long they wait.
    #[command(subcommand)]
    Invitations(invitations::InvitationsCommand),
    /// Encrypted backups of the whole vault: make, list, verify, restore.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Retire this computer (owner): destroy the vault, its keys and the
    /// keyring entry for good, and print a destruction certificate.
    /// Backups made before are not touched.
    Retire(retire::RetireArgs),
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Add a user; they choose their own passphrase at first login.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The language of their screens (en, ca, es, id); without it, the
        /// shop's default.
        #[arg(long, value_parser = consent::parse_lang)]
        lang: Option<steward_core::Lang>,
    },
    /// List the accounts.
    List,
    /// Disable an account (it can no longer log in; its history stays).
    Disable { name: String },
    /// Change an account's role.
    SetRole {
        name: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Set your own PIN for quick switching at the till (asks your
    /// passphrase again, then the PIN; the owner must have switched quick
    /// switch on).
    SetPin,
    /// Remove a user's PIN (owner).
    ClearPin { name: String },
    /// Change the language of an account's screens: en, ca, es, id, or
    /// `default` for the shop's default.
    SetLanguage {
        name: String,
        #[arg(value_parser = parse_lang_or_default)]
        lang: LangChoice,
    },
}

/// A language, or `default`: the shop's.
#[derive(Clone, Copy)]
struct LangChoice(Option<steward_core::Lang>);

fn parse_lang_or_default(s: &str) -> Result<LangChoice, String> {
    if s == "default" {
        return Ok(LangChoice(None));
    }
    consent::parse_lang(s).map(|l| LangChoice(Some(l)))
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain and anchor.
    Verify,
    /// Who did what, to which customer, why, touching which fields; newest
    /// first (owner, auditor).
    Log(crm::LogArgs),
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Lock an idle session after this many seconds (5–3600).
    Autolock { seconds: u32 },
    /// Close the vault when the app has stayed locked this many minutes
    /// (1–1440): its key then leaves memory until the next sign-in.
    CloseAfterLock { minutes: u32 },
    /// The currency purchases are recorded in (ISO 4217, e.g. EUR, IDR).
    Currency { code: String },
    /// The language of the staff screens for accounts that chose none
    /// (en, ca, es, id).
    Language {
        #[arg(value_parser = consent::parse_lang)]
        lang: steward_core::Lang,
    },
    /// How many different customers the searches of one manager or staff
    /// account may show within an hour (1–1000; the owner is not limited).
    SearchLimit { customers: u32 },
    /// Let users unlock and switch at the till with a PIN while the app has
    /// the vault open (`on`), or not (`off`: every PIN is removed).
    QuickSwitch {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// The folder `backup now` writes to when given none (it must exist).
    BackupFolder { folder: PathBuf },
    /// Where the shop operates (ES, ID or EU), which picks the defaults
    /// of the record-keeping rules; --apply-defaults also sets them.
    Jurisdiction {
        code: String,
        #[arg(long)]
        apply_defaults: bool,
    },
    /// The contact line and jurisdiction shown on notices and receipts.
    Shop {
        /// How customers reach the shop about their data (address, e-mail).
        #[arg(long)]
        contact: String,
        /// ES, ID or EU.
        #[arg(long)]
        jurisdiction: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| "expected one of: owner, manager, staff, marketing, auditor".to_owned())
}

/// A failure with its exit code and one line for stderr.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match e.kind() {
            ErrorKind::NotPermitted => 3,
            ErrorKind::Credentials | ErrorKind::SessionLost => 4,
            ErrorKind::VaultUnavailable => 5,
            _ => 1,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure {
            code: 1,
            message: format!("{e:#}"),
        }
    }
}

pub(crate) fn fail(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    // A panic is a bug; say so in one line rather than with a backtrace.
    std::panic::set_hook(Box::new(|_| {
        eprintln!("steward: internal error (this is a bug; nothing further was changed)");
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("steward: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn vault_path(cli: &Cli) -> Result<PathBuf, Failure> {
    match &cli.vault {
        Some(p) => Ok(p.clone()),
        None => default_location()
            .ok_or_else(|| fail("no per-user data folder on this system; pass --vault PATH")),
    }
}

thread_local! {
    /// The warnings already printed, so each is said once per run.
    static WARNED: RefCell<BTreeSet<Warning>> = const { RefCell::new(BTreeSet::new()) };
}

/// Prints a warning about a change that was saved, on stderr, once per run.
/// It does not change the exit code: the change stands.
pub(crate) fn warn(w: Warning) {
    if WARNED.with(|seen| seen.borrow_mut().insert(w)) {
        eprintln!("steward: warning: {w}");
    }
}

/// Logs the session out, then says what the shop should know about the
/// vault (an audit anchor still lagging after the last change).
fn logout(vault: &mut Vault, session: Session) -> Result<(), Failure> {
    let res = vault.logout(session);
    vault.warnings().into_iter().for_each(warn);
    Ok(res?)
}

/// Opens the vault by signing the `--user` in: their passphrase and this
/// computer's keyring together open it (neither does alone).
fn login(cli: &Cli, secrets: &mut Secrets) -> Result<(Vault, Session), Failure> {
    let user = cli
        .user
        .as_deref()
        .ok_or_else(|| fail("this command needs --user USERNAME"))?;
    let closed = ClosedVault::take(&vault_path(cli)?)?;
    let passphrase = secrets.passphrase(&format!("Passphrase for {user}: "))?;
    Ok(closed.sign_in(&OsKeyring, user, &passphrase)?)
}

/// The unattended commands sign nobody in: a `--user` is a mistake to say.
fn no_user(cli: &Cli) -> Result<(), Failure> {
    match cli.user {
        Some(_) => Err(fail("--unattended signs nobody in: leave out --user")),
        None => Ok(()),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let mut secrets = Secrets::new(cli.passphrase_stdin);
    match &cli.command {
        Command::Init { shop, owner } => {
            let path = vault_path(&cli)?;
            let passphrase =
                secrets.new_passphrase(&format!("Choose a passphrase for {owner}: "))?;
            let (vault, recovery_key) = Vault::create(&path, &OsKeyring, shop, owner, &passphrase)?;
            if cli.json {
                print_json(&serde_json::json!({
                    "vault": vault.path(),
                    "vaultId": vault.vault_id(),
                    "recoveryKey": recovery_key.as_str(),
                }));
            } else {
                println!("Created the vault at {}", vault.path().display());
                println!("It opens with a user's passphrase on this computer (its keyring holds the other half).");
                println!();
                println!("RECOVERY KEY (shown only this once; print it or write it down and keep it safe):");
                println!();
                println!("    {}", recovery_key.as_str());
                println!();
                println!(
                    "With it, `steward recover` opens this vault on another computer or after the"
                );
                println!("keyring lost its key, and lets an owner set a new passphrase.");
            }
        }
        Command::Status if cli.user.is_none() => {
            let closed = ClosedVault::take(&vault_path(&cli)?)?;
            let c = closed.cover(&OsKeyring)?;
            if cli.json {
                print_json(&c);
            } else {
                println!("vault: {}", c.path.display());
                println!("vault id: {}", c.vault_id);
                match (&c.shop_name, &c.receipt_key) {
                    (Some(shop), Some(key)) => {
                        println!("shop: {shop}");
                        println!("receipt signing key: {key}");
                        println!(
                            "users who can sign in on this computer: {}",
                            c.sign_in_slots
                        );
                        println!(
                            "unattended schedule: {}",
                            if c.unattended_schedule { "on" } else { "off" }
                        );
                    }
                    _ => println!("made by an older Steward: the owner's next sign-in updates it"),
                }
                println!("(counts need a sign-in: steward --user NAME status)");
            }
        }
        Command::Status => {
            let (mut vault, session) = login(&cli, &mut secrets)?;
            let s = vault.status()?;
            logout(&mut vault, session)?;
            if cli.json {
                print_json(&s);
            } else {
                println!("vault: {}", s.path.display());
                println!("vault id: {}", s.vault_id);
                println!("schema version: {}", s.schema_version);
                println!("shop: {}", s.shop_name);
                println!("users: {} ({} active)", s.users, s.active_users);
                println!("audit entries: {}", s.audit_entries);
                println!("customers: {}", s.customers);
                println!("consent records: {}", s.consent_records);
                println!("receipt signing key: {}", s.receipt_key);
            }
        }
        Command::Recover {
            recovery_key_stdin,
            reset_passphrase,
        } => {
            let path = vault_path(&cli)?;
            let typed = if *recovery_key_stdin {
                secrets.read_stdin_line("recovery key")?
            } else {
                secrets.prompt_hidden("Recovery key: ")?
            };
            let key = RecoveryKey::parse(&typed)?;
            let mut vault = Vault::recover(&path, &OsKeyring, &key)?;
            if vault.keyring_restored() {
                println!("This computer's keyring can open the vault again, with each user's passphrase.");
            } else {
                println!(
                    "The recovery key opens the vault, but the system keyring is not available, so"
                );
                println!("nothing could be stored: start and unlock the keyring, then run recover again.");
            }
            let mut secrets = Secrets::new(cli.passphrase_stdin || *recovery_key_stdin);
            if let Some(owner) = reset_passphrase {
                let passphrase =
                    secrets.new_passphrase(&format!("New passphrase for {owner}: "))?;
                vault.reset_owner_passphrase(owner, &passphrase)?;
                println!("The new passphrase is set.");
            } else if let Some(user) = cli.user.as_deref() {
                let passphrase = secrets.passphrase(&format!("Passphrase for {user}: "))?;
                let session = vault.login(user, &passphrase)?;
                logout(&mut vault, session)?;
                println!("{user} can sign in on this computer.");
            } else if vault.sign_in_slots() == Some(0) {
                println!("Nobody can sign in on this computer yet: run `steward --user NAME recover` once.");
            }
        }
        Command::Users(cmd) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            match cmd {
                UsersCommand::Add { name, role, lang } => {
                    let initial =
                        secrets.new_passphrase(&format!("Initial passphrase for {name}: "))?;
                    let u = vault.add_user_speaking(&mut session, name, *role, &initial, *lang)?;
                    output(cli.json, &u, || {
                        format!(
                            "Added {} as {}; they choose their own passphrase at first login.",
                            u.username, u.role
                        )
                    });
                }
                UsersCommand::List => {
                    let users = vault.list_users(&mut session)?;
                    output(cli.json, &users, || {
                        let mut out = format!(
                            "{:<24} {:<10} {:<9} {}",
                            "USERNAME", "ROLE", "LANGUAGE", "STATUS"
                        );
                        for u in &users {
                            let status = match (u.disabled, u.must_change_passphrase) {
                                (true, _) => "disabled",
                                (false, true) => "active (must set passphrase)",
                                (false, false) => "active",
                            };
                            let lang = u.language.map_or("default", |l| l.code());
                            out += &format!(
                                "\n{:<24} {:<10} {:<9} {}",
                                u.username, u.role, lang, status
                            );
                        }
                        out
                    });
                }
                UsersCommand::Disable { name } => {
                    let u = vault.disable_user(&mut session, name)?;
                    output(cli.json, &u, || format!("Disabled {}.", u.username));
                }
                UsersCommand::SetPin => {
                    let passphrase = secrets.passphrase("Your passphrase again: ")?;
                    let pin = steward_core::Pin::new(
                        secrets
                            .new_passphrase("New PIN (4 to 8 digits): ")?
                            .as_str()
                            .to_owned(),
                    );
                    vault.set_own_pin(&mut session, &passphrase, &pin)?;
                    output(cli.json, &serde_json::json!({ "pinSet": true }), || {
                        "Your PIN is set: use it to unlock or switch at the till while Steward is open.".to_owned()
                    });
                }
                UsersCommand::ClearPin { name } => {
                    vault.clear_pin(&mut session, name)?;
                    output(cli.json, &serde_json::json!({ "pinCleared": name }), || {
                        format!("{name}'s PIN is removed.")
                    });
                }
                UsersCommand::SetRole { name, role } => {
                    let u = vault.set_role(&mut session, name, *role)?;
                    output(cli.json, &u, || {
                        format!("{} is now {}.", u.username, u.role)
                    });
                }
                UsersCommand::SetLanguage { name, lang } => {
                    let u = vault.set_user_language(&mut session, name, lang.0)?;
                    output(cli.json, &u, || match u.language {
                        Some(l) => format!("{}'s screens now speak {l}.", u.username),
                        None => format!("{}'s screens now speak the shop's language.", u.username),
                    });
                }
            }
            logout(&mut vault, session)?;
        }
        Command::Audit(AuditCommand::Verify) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let verdict = vault.verify_audit_log(&mut session)?;
            logout(&mut vault, session)?;
            output(cli.json, &verdict, || verdict.message.clone());
            if !verdict.intact {
                return Err(Failure {
                    code: 1,
                    message: "the audit log is not intact".into(),
                });
            }
        }
        Command::Settings(SettingsCommand::Autolock { seconds }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            vault.set_autolock_seconds(&mut session, *seconds)?;
            logout(&mut vault, session)?;
            println!("Idle sessions now lock after {seconds} seconds.");
        }
        Command::Settings(SettingsCommand::CloseAfterLock { minutes }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            vault.set_close_after_locked_minutes(&mut session, *minutes)?;
            logout(&mut vault, session)?;
            println!("A locked Steward now closes the vault after {minutes} minutes.");
        }
        Command::Settings(SettingsCommand::Currency { code }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let code = vault.set_currency(&mut session, code)?;
            logout(&mut vault, session)?;
            output(cli.json, &serde_json::json!({ "currency": code }), || {
                format!("Purchases are now recorded in {code}.")
            });
        }
        Command::Settings(SettingsCommand::QuickSwitch { state }) => {
            let on = state == "on";
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            vault.set_quick_switch(&mut session, on)?;
            logout(&mut vault, session)?;
            output(cli.json, &serde_json::json!({ "quickSwitch": on }), || {
                if on {
                    "Quick switch is on: each user may set a PIN (`users set-pin`).".to_owned()
                } else {
                    "Quick switch is off: every PIN was removed.".to_owned()
                }
            });
        }
        Command::Settings(SettingsCommand::Language { lang }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            vault.set_staff_language(&mut session, *lang)?;
            logout(&mut vault, session)?;
            output(
                cli.json,
                &serde_json::json!({ "staffLanguage": lang }),
                || format!("Staff screens now speak {lang}, unless a user chose another language."),
            );
        }
        Command::Settings(SettingsCommand::SearchLimit { customers }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            vault.set_search_limit_per_hour(&mut session, *customers)?;
            logout(&mut vault, session)?;
            output(
                cli.json,
                &serde_json::json!({ "searchLimitPerHour": customers }),
                || {
                    format!(
                        "The searches of each manager and staff account may now show {customers} different customers an hour."
                    )
                },
            );
        }
        Command::Settings(SettingsCommand::Shop {
            contact,
            jurisdiction,
        }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let profile = vault.set_shop_profile(&mut session, contact, jurisdiction)?;
            logout(&mut vault, session)?;
            output(cli.json, &profile, || {
                "Saved. Notices and receipts now show these details.".to_owned()
            });
        }
        Command::Settings(SettingsCommand::Jurisdiction {
            code,
            apply_defaults,
        }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = record_keeping::jurisdiction(
                cli.json,
                &mut vault,
                &mut session,
                code,
                *apply_defaults,
            );
            logout(&mut vault, session)?;
            res?;
        }
        Command::Settings(SettingsCommand::BackupFolder { folder }) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = vault.set_backup_folder(&mut session, Some(folder));
            logout(&mut vault, session)?;
            res?;
            println!("Backups go to that folder unless told otherwise.");
        }
        Command::Backup(backup::BackupCommand::Restore {
            file,
            recovery_key_stdin: true,
            ..
        }) => {
            backup::restore_new(cli.json, &vault_path(&cli)?, &mut secrets, file)?;
        }
        Command::Retire(args) => {
            let user = cli
                .user
                .as_deref()
                .ok_or_else(|| fail("this command needs --user USERNAME"))?;
            retire::retire(cli.json, &vault_path(&cli)?, user, &mut secrets, args)?;
        }
        Command::Retention(retention::RetentionCommand::Run {
            unattended: true,
            dry_run,
        }) => {
            no_user(&cli)?;
            unattended::retention(cli.json, &vault_path(&cli)?, *dry_run)?;
        }
        Command::Backup(backup::BackupCommand::Now {
            unattended: true, ..
        }) => {
            no_user(&cli)?;
            unattended::backup(cli.json, &vault_path(&cli)?)?;
        }
        Command::Backup(cmd) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = backup::backup(cli.json, &mut vault, &mut session, &mut secrets, cmd);
            logout(&mut vault, session)?;
            res?;
        }
        Command::Export(cmd) => {
            export::verify(cli.json, &mut secrets, cmd, cli.vault.as_deref())?;
        }
        Command::Customers(consent::CustomersCommand::Export(args)) => {
            export::check_out(args)?;
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = export::export(cli.json, &mut vault, &mut session, &mut secrets, args);
            logout(&mut vault, session)?;
            res?;
        }
        Command::Customers(consent::CustomersCommand::Erase(args)) => {
            erasure::check(args)?;
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = erasure::erase(cli.json, &mut vault, &mut session, args);
            logout(&mut vault, session)?;
            res?;
        }
        Command::ResidueScan => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = erasure::residue_scan(cli.json, &mut vault, &mut session, &mut secrets);
            logout(&mut vault, session)?;
            res?;
        }
        Command::Retention(cmd) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = retention::retention(cli.json, &mut vault, &mut session, cmd);
            logout(&mut vault, session)?;
            res?;
        }
        Command::Erasures => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = erasure::erasures(cli.json, &mut vault, &mut session);
            logout(&mut vault, session)?;
            res?;
        }
        Command::Receipt(consent::ReceiptCommand::Verify { file, key }) => {
            consent::verify(cli.json, file, cli.vault.as_deref(), key.as_deref())?;
        }
        Command::Purposes(_)
        | Command::Purchases(_)
        | Command::Notes(_)
        | Command::Tasks(_)
        | Command::Audience { .. }
        | Command::Audit(AuditCommand::Log(_))
        | Command::Fields(_)
        | Command::Notice(_)
        | Command::Customers(_)
        | Command::Consent(_)
        | Command::Recipients(_)
        | Command::Invitations(_)
        | Command::Receipt(_) => {
            let (mut vault, mut session) = login(&cli, &mut secrets)?;
            let res = match &cli.command {
                Command::Purposes(c) => consent::purposes(cli.json, &mut vault, &mut session, c),
                Command::Fields(c) => consent::fields(cli.json, &mut vault, &mut session, c),
                Command::Notice(c) => consent::notice(cli.json, &mut vault, &mut session, c),
                Command::Customers(c) => consent::customers(cli.json, &mut vault, &mut session, c),
                Command::Purchases(c) => crm::purchases(cli.json, &mut vault, &mut session, c),
                Command::Notes(c) => crm::notes(cli.json, &mut vault, &mut session, c),
                Command::Tasks(c) => crm::tasks(cli.json, &mut vault, &mut session, c),
                Command::Audience { purpose, offset } => {
                    crm::audience(cli.json, &mut vault, &mut session, purpose, *offset)
                }
                Command::Audit(AuditCommand::Log(args)) => {
                    crm::log(cli.json, &mut vault, &mut session, args)
                }
                Command::Consent(c) => consent::consent(cli.json, &mut vault, &mut session, c),
                Command::Recipients(c) => {
                    recipients::recipients(cli.json, &mut vault, &mut session, c)
                }
                Command::Invitations(c) => {
                    invitations::invitations(cli.json, &mut vault, &mut session, c)
                }
                Command::Receipt(consent::ReceiptCommand::CheckCode { code }) => {
                    consent::check_code(cli.json, &mut vault, &mut session, code)
                }
                Command::Receipt(consent::ReceiptCommand::Reprint {
                    receipt_id,
                    out,
                    pdf,
                }) => consent::reprint(
                    &mut vault,
                    &mut session,
                    receipt_id,
                    out.as_deref(),
                    pdf.as_deref(),
                ),
                _ => Ok(()),
            };
            logout(&mut vault, session)?;
            res?;
        }
        Command::Passwd => {
            let user = cli
                .user
                .as_deref()
                .ok_or_else(|| fail("this command needs --user USERNAME"))?;
            let closed = ClosedVault::take(&vault_path(&cli)?)?;
            let current = secrets.passphrase(&format!("Current passphrase for {user}: "))?;
            let (mut vault, mut session) = closed.sign_in(&OsKeyring, user, &current)?;
            let replacement: Passphrase = secrets.new_passphrase("New passphrase: ")?;
            vault.change_own_passphrase(&mut session, &current, &replacement)?;
            logout(&mut vault, session)?;
            println!("Passphrase changed.");
        }
    }
    Ok(())
}

pub(crate) fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    // Invariant: our result types serialize (strings, numbers, bools).
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("results serialize")
    );
}

pub(crate) fn output<T: serde::Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: impl FnOnce() -> String,
) {
    if json {
        print_json(value);
    } else {
        println!("{}", text());
    }
}
