//! The consent commands: purposes, fields, the notice, paper consent forms,
//! withdrawals, histories and receipts. Each parses its arguments, calls
//! the core (which applies exactly the same rules as the on-screen form)
//! and prints the result; receipts are written atomically and never over an
//! existing file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use steward_core::consent::receipts::parse_fingerprint;
use steward_core::PurposeText;
use steward_core::{
    verify_receipt_against, ClosedVault, CollectionMethod, ConsentForm, Error, FormId,
    IdentityCheck, Lang, LegalBasis, NewPurpose, Objection, OsKeyring, PurposeChange, Recorded,
    RestrictionCategory, RetentionClock, Session, Vault, Withdrawal,
};

use crate::{fail, output, print_json, warn, Failure};

#[derive(Subcommand)]
pub enum PurposesCommand {
    /// The purposes customers are asked about, with their fields and texts.
    List {
        /// Show the texts in this language.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Add a purpose (owner). Publishes a new notice version.
    Add(PurposeArgs),
    /// Change a purpose (owner). Publishes a new notice version if customers
    /// would read something different.
    Edit(PurposeArgs),
}

#[derive(Args)]
pub struct PurposeArgs {
    /// The purpose's id, e.g. `workshop-invitations`.
    pub id: String,
    /// The language of --name and --description.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    /// `consent` (the customer may refuse) or `legal-obligation` (a law
    /// requires the record). Only for `add`.
    #[arg(long, default_value = "consent")]
    pub legal_basis: String,
    /// How long its data is kept, in days.
    #[arg(long)]
    pub retention_days: Option<u32>,
    /// What starts that period: `consent` (the customer's latest
    /// agreement) or `last-visit` (the later of that and their last
    /// purchase). Only for `edit`; a new purpose counts from consent.
    #[arg(long)]
    pub retention_clock: Option<String>,
    /// A catalog field the purpose needs (repeat; replaces the list on edit).
    #[arg(long = "field", value_name = "FIELD")]
    pub fields: Vec<String>,
    /// Offer it on forms (`true`) or retire it (`false`). Only for `edit`.
    #[arg(long)]
    pub active: Option<bool>,
    /// A marketing purpose (`true`): the marketing role sees only customers
    /// who granted one, and only the fields it lists.
    #[arg(long)]
    pub marketing: Option<bool>,
}

#[derive(Subcommand)]
pub enum FieldsCommand {
    /// The field catalog: what each field is, whether the shop collects it,
    /// and which purposes use it.
    List,
    /// Start collecting a field (owner). Publishes a new notice version.
    Enable { key: String },
    /// Stop collecting a field (owner). Publishes a new notice version.
    Disable { key: String },
}

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Print the privacy notice customers are shown.
    Show {
        #[arg(long, value_parser = parse_lang)]
        lang: Lang,
        /// An earlier version (default: the current one).
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum CustomersCommand {
    /// Record a customer who filled in and signed the shop's consent form.
    /// Refused, with nothing stored, without the membership purpose, or with
    /// a field that no ticked purpose needs. Prints the new customer's id.
    Join(PaperForm),
    /// Find customers by name, phone, e-mail or loyalty number (at least
    /// three letters or digits; accents and case do not matter). Shows what
    /// your role may see of each hit.
    Search { query: String },
    /// A customer's profile as your role sees it, opened for a purpose of
    /// access (logged): serve-at-till, delivery, customer-request,
    /// complaint, follow-up or campaign.
    Show(crate::crm::ShowArgs),
    /// Correct a customer's recorded data (owner, manager).
    Correct(crate::crm::CorrectArgs),
    /// Restrict a customer's record (owner, manager): kept, but not found
    /// by staff, in no audience, and not changed until lifted.
    Restrict {
        /// The customer number.
        id: i64,
        /// Why: accuracy-contested, objection-pending, unlawful-but-kept or
        /// legal-claim.
        #[arg(long, value_parser = parse_category)]
        category: RestrictionCategory,
        /// What the customer said, in a few words (kept in the vault only,
        /// never in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Erase everything held about a customer at their request (owner,
    /// manager): their data, notes, tasks, tags, purchases, loyalty and
    /// signatures, with a destruction record and a residue check. The
    /// consent ledger and receipts (no contact data) and the audit log
    /// stay. Prints what was erased.
    Erase(crate::erasure::EraseArgs),
    /// Keep a customer's data for a dispute or a claim (owner): nothing of
    /// theirs is erased, on request or on schedule, until the hold is
    /// lifted. The reason stays in the vault, never in the audit log.
    Hold {
        /// The customer number.
        id: i64,
        /// Why, in a few words (at most 300 characters).
        #[arg(long)]
        reason: String,
    },
    /// Lift a customer's legal hold (owner).
    LiftHold {
        /// The customer number.
        id: i64,
    },
    /// Lift a customer's restriction (owner, manager).
    Unrestrict {
        /// The customer number.
        id: i64,
    },
    /// Record a customer's objection to marketing: withdraws every
    /// marketing purpose they agree to in one act, erases the data only
    /// those needed, and writes the receipt.
    Object {
        /// The customer number.
        id: i64,
        /// The receipt's language (default: the one the customer joined in).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        #[arg(long, default_value = "paper", value_parser = parse_method)]
        method: CollectionMethod,
        /// How the customer's identity was checked: id-document,
        /// known-customer, phone-code, email-code or self-declared.
        #[arg(long, value_parser = parse_check)]
        verified_by: IdentityCheck,
        #[command(flatten)]
        receipt: ReceiptFiles,
    },
    /// Everything held about a customer, for them, as one ZIP (owner,
    /// manager): pages to read and print, data.json and CSV files, their
    /// receipts, and a manifest signed with the shop's key. Logged.
    Export(crate::export::ExportArgs),
}

/// A consent form the customer filled in and signed on paper.
#[derive(Args)]
pub struct PaperForm {
    /// The language of the form the customer read.
    #[arg(long, value_parser = parse_lang)]
    lang: Lang,
    /// A purpose the customer ticked (repeat).
    #[arg(long = "purpose", value_name = "PURPOSE")]
    purposes: Vec<String>,
    /// A value the customer wrote, as `key=value` (repeat).
    #[arg(long = "field", value_name = "KEY=VALUE", value_parser = parse_field)]
    fields: Vec<(String, String)>,
    /// How the consent was given: `paper` or `imported`.
    #[arg(long, default_value = "paper", value_parser = parse_method)]
    method: CollectionMethod,
    /// How the customer's identity was checked: id-document,
    /// known-customer, phone-code, email-code or self-declared.
    #[arg(long, value_parser = parse_check)]
    verified_by: IdentityCheck,
    #[command(flatten)]
    form_id: FormIdArg,
    #[command(flatten)]
    receipt: ReceiptFiles,
}

/// The form's id, for scripts that retry.
#[derive(Args)]
pub struct FormIdArg {
    /// A random id for this form (e.g. from `uuidgen`), so that a script
    /// that runs it again after an interruption records it only once: a
    /// second run with the same id and the same answers prints the first
    /// run's result and records nothing; with other answers it is refused.
    #[arg(long = "form-id", value_name = "UUID", value_parser = parse_form_id)]
    form_id: Option<FormId>,
}

impl FormIdArg {
    fn get(&self) -> Option<FormId> {
        self.form_id.clone()
    }
}

impl PaperForm {
    /// The form as the core takes it, under the current notice (the one
    /// the shop prints its paper forms from).
    fn consent_form(
        &self,
        vault: &mut Vault,
        session: &mut Session,
    ) -> Result<ConsentForm, Failure> {
        Ok(ConsentForm {
            lang: self.lang,
            notice_version: vault.notice(session, self.lang, None)?.version,
            granted: self.purposes.clone(),
            fields: self.fields.clone(),
            method: self.method,
            identity_check: self.verified_by,
            signature: None,
            form_id: self.form_id.get(),
        })
    }
}

/// Where to write the receipt for the customer.
#[derive(Args)]
pub struct ReceiptFiles {
    /// Where to write the signed JSON receipt.
    #[arg(long, value_name = "FILE")]
    receipt_out: PathBuf,
    /// Also write the printable PDF receipt here.
    #[arg(long, value_name = "FILE")]
    receipt_pdf: Option<PathBuf>,
}

impl ReceiptFiles {
    /// Refuses, before anything is recorded, to write over a file or into
    /// a missing folder.
    fn check(&self) -> Result<(), Failure> {
        check_writable(&self.receipt_out)?;
        self.receipt_pdf.as_deref().map_or(Ok(()), check_writable)
    }

    fn write(
        &self,
        vault: &mut Vault,
        session: &mut Session,
        recorded: &Recorded,
    ) -> Result<(), Failure> {
        write_receipts(
            vault,
            session,
            recorded,
            &self.receipt_out,
            self.receipt_pdf.as_deref(),
        )
    }
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// Record more purposes a customer agreed to on paper (or renew ones
    /// already given), with the fields they need, and write the receipt.
    Grant {
        customer_id: i64,
        #[command(flatten)]
        form: PaperForm,
    },
    /// Withdraw purposes at the customer's request; erases the data only
    /// those purposes needed, and writes the receipt.
    Withdraw {
        customer_id: i64,
        /// A purpose to withdraw (repeat).
        #[arg(long = "purpose", value_name = "PURPOSE", required = true)]
        purposes: Vec<String>,
        /// The receipt's language (default: the one the customer joined in).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        #[arg(long, default_value = "paper", value_parser = parse_method)]
        method: CollectionMethod,
        #[arg(long, default_value = "self-declared", value_parser = parse_check)]
        verified_by: IdentityCheck,
        #[command(flatten)]
        form_id: FormIdArg,
        #[command(flatten)]
        receipt: ReceiptFiles,
    },
    /// The customer's consent decisions, from the ledger.
    History { customer_id: i64 },
}

#[derive(Subcommand)]
pub enum ReceiptCommand {
    /// Check a receipt (JSON or PDF). Alone it can only say the receipt is
    /// intact and which key signed it (exit 0). With the shop's key, from
    /// `--vault PATH` (the shop's vault; no login) or `--key FINGERPRINT`
    /// (as printed on the shop's notice): exit 0 and "valid, signed by the
    /// shop <name>" only if that key signed it. Otherwise exit 1 and why.
    Verify {
        file: PathBuf,
        /// The fingerprint of the shop's receipt key, as printed on its
        /// notice (spaces and letter case do not matter).
        #[arg(long, value_name = "FINGERPRINT", value_parser = parse_key)]
        key: Option<String>,
    },
    /// Check the code scanned from a printed receipt's QR code against the
    /// receipt this shop issued under that number.
    CheckCode { code: String },
    /// Write a stored receipt again, byte for byte.
    Reprint {
        receipt_id: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
    },
}

fn parse_key(s: &str) -> Result<String, String> {
    parse_fingerprint(s).map_err(|e| e.to_string())
}

pub fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).map_err(|e| e.to_string())
}

fn parse_method(s: &str) -> Result<CollectionMethod, String> {
    match CollectionMethod::parse(s) {
        Ok(CollectionMethod::InStoreForm) => {
            Err("the on-screen form is taken in the app, where the customer signs; use paper or imported".into())
        }
        Ok(m) => Ok(m),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_category(s: &str) -> Result<RestrictionCategory, String> {
    RestrictionCategory::parse(s).map_err(|e| e.to_string())
}

fn parse_form_id(s: &str) -> Result<FormId, String> {
    FormId::parse(s).map_err(|e| e.to_string())
}

fn parse_check(s: &str) -> Result<IdentityCheck, String> {
    IdentityCheck::parse(s).map_err(|e| e.to_string())
}

pub(crate) fn parse_field(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| "expected KEY=VALUE, e.g. email=nuria@example.cat".into())
}

/// Checks that a receipt can be written at `path` before anything is
/// recorded: an existing file is never replaced.
pub(crate) fn check_writable(path: &Path) -> Result<(), Failure> {
    if path.exists() {
        return Err(fail(format!(
            "{} already exists; choose another file name (nothing was recorded)",
            path.display()
        )));
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(d) = dir {
        if !d.is_dir() {
            return Err(fail(format!(
                "the folder {} does not exist (nothing was recorded)",
                d.display()
            )));
        }
    }
    Ok(())
}

/// Says on stderr the warnings a recorded decision came with (saved, but
/// the shop has something to do).
fn said_with(recorded: &Recorded) {
    recorded.warnings.iter().copied().for_each(warn);
}

/// The start of the sentence about a decision that an earlier run with the
/// same `--form-id` had recorded already.
fn already(recorded: &Recorded) -> &'static str {
    if recorded.repeated {
        "Already recorded by an earlier run of this form; nothing new was stored. "
    } else {
        ""
    }
}

fn write_receipts(
    vault: &mut Vault,
    session: &mut Session,
    recorded: &Recorded,
    json_out: &Path,
    pdf_out: Option<&Path>,
) -> Result<(), Failure> {
    let receipt_id = &recorded.receipt.receipt_id;
    let saved = steward_core::files::write_atomic(json_out, recorded.receipt.json.as_bytes())
        .and_then(|()| match pdf_out {
            Some(p) => vault
                .receipt_pdf(session, receipt_id)
                .and_then(|pdf| steward_core::files::write_atomic(p, &pdf)),
            None => Ok(()),
        });
    saved.map_err(|e| {
        fail(format!(
            "the decision was recorded, but the receipt could not be written ({e}); write it again with `steward receipt reprint {receipt_id} --out FILE`"
        ))
    })
}

pub fn purposes(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &PurposesCommand,
) -> Result<(), Failure> {
    let texts = |a: &PurposeArgs| -> BTreeMap<Lang, PurposeText> {
        match (&a.name, &a.description) {
            (Some(n), Some(d)) => BTreeMap::from([(
                a.lang,
                PurposeText {
                    name: n.clone(),
                    description: d.clone(),
                },
            )]),
            _ => BTreeMap::new(),
        }
    };
    let shown = match cmd {
        PurposesCommand::List { lang } => {
            let list = vault.list_purposes(session)?;
            return {
                output(json, &list, || {
                    let mut out = String::new();
                    for p in &list {
                        let text = p.texts.get(lang);
                        out += &format!(
                            "{:<18} {:<16} {:>5} days  {}{}\n    {}\n    fields: {}\n",
                            p.id,
                            p.legal_basis.as_str(),
                            p.retention_days,
                            text.map(|t| t.name.as_str()).unwrap_or(""),
                            if p.required {
                                " (required)"
                            } else if !p.active {
                                " (retired)"
                            } else {
                                ""
                            },
                            text.map(|t| t.description.as_str()).unwrap_or(""),
                            if p.fields.is_empty() {
                                "-".to_owned()
                            } else {
                                p.fields.join(", ")
                            },
                        );
                    }
                    out.trim_end().to_owned()
                });
                Ok(())
            };
        }
        PurposesCommand::Add(a) => {
            if a.name.is_none() || a.description.is_none() {
                return Err(fail("a new purpose needs --name and --description"));
            }
            vault.add_purpose(
                session,
                NewPurpose {
                    id: a.id.clone(),
                    legal_basis: LegalBasis::parse(&a.legal_basis)?,
                    retention_days: a.retention_days.unwrap_or(365),
                    fields: a.fields.clone(),
                    marketing: a.marketing.unwrap_or(false),
                    texts: texts(a),
                },
            )?
        }
        PurposesCommand::Edit(a) => {
            if a.name.is_some() != a.description.is_some() {
                return Err(fail("give --name and --description together"));
            }
            vault.edit_purpose(
                session,
                &a.id,
                PurposeChange {
                    retention_days: a.retention_days,
                    retention_clock: a
                        .retention_clock
                        .as_deref()
                        .map(RetentionClock::parse)
                        .transpose()?,
                    fields: (!a.fields.is_empty()).then(|| a.fields.clone()),
                    active: a.active,
                    marketing: a.marketing,
                    texts: texts(a),
                },
            )?
        }
    };
    let version = vault.notice(session, Lang::En, None)?.version;
    output(json, &shown, || {
        format!(
            "Saved purpose {}. The notice is now at version {version}.",
            shown.id
        )
    });
    Ok(())
}

pub fn fields(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &FieldsCommand,
) -> Result<(), Failure> {
    match cmd {
        FieldsCommand::List => {}
        FieldsCommand::Enable { key } => vault.set_field_enabled(session, key, true)?,
        FieldsCommand::Disable { key } => vault.set_field_enabled(session, key, false)?,
    }
    let list = vault.list_fields(session)?;
    output(json, &list, || {
        let mut out = format!(
            "{:<16} {:<9} {:<10} {}",
            "FIELD", "COLLECTED", "SENSITIVE", "USED BY"
        );
        for f in &list {
            out += &format!(
                "\n{:<16} {:<9} {:<10} {}",
                f.spec.key,
                if f.enabled { "yes" } else { "no" },
                if f.spec.spi_category.is_some() {
                    "yes"
                } else {
                    "no"
                },
                f.used_by.join(", ")
            );
        }
        out
    });
    Ok(())
}

pub fn notice(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &NoticeCommand,
) -> Result<(), Failure> {
    let NoticeCommand::Show { lang, version } = cmd;
    let n = vault.notice(session, *lang, *version)?;
    output(json, &n, || {
        let b = &n.body;
        let mut out = format!("{}\n\n{}\n", b.title, b.intro);
        for s in &b.sections {
            out += &format!("\n{}\n{}\n", s.heading, s.text);
        }
        for p in &b.purposes {
            let fields: Vec<&str> = p.fields.iter().map(|f| f.label.as_str()).collect();
            out += &format!(
                "\n* {} [{}]{}\n  {}\n  basis: {} · data: {} · kept: {}\n",
                p.name,
                p.id,
                if p.required { " (required)" } else { "" },
                p.description,
                p.legal_basis_text,
                if fields.is_empty() {
                    "-".to_owned()
                } else {
                    fields.join(", ")
                },
                p.retention_text,
            );
        }
        out += &format!(
            "\n(notice version {}, {}, published {}, sha256 {})",
            n.version, n.lang, n.published_at, n.sha256
        );
        out
    });
    Ok(())
}

pub fn customers(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &CustomersCommand,
) -> Result<(), Failure> {
    let paper = match cmd {
        CustomersCommand::Join(paper) => paper,
        CustomersCommand::Search { query } => {
            return crate::crm::search(json, vault, session, query)
        }
        CustomersCommand::Show(args) => return crate::crm::show(json, vault, session, args),
        CustomersCommand::Correct(args) => return crate::crm::correct(json, vault, session, args),
        CustomersCommand::Restrict {
            id,
            category,
            reason,
        } => {
            let r = vault.restrict_customer(session, *id, *category, reason.as_deref())?;
            output(json, &r, || {
                format!(
                    "Customer {id} restricted ({}) since {}: kept, but not used or changed until lifted.",
                    r.category.as_str(),
                    r.since
                )
            });
            return Ok(());
        }
        CustomersCommand::Unrestrict { id } => {
            vault.lift_restriction(session, *id)?;
            output(
                json,
                &serde_json::json!({ "customerId": id, "restricted": false }),
                || format!("Customer {id}'s restriction is lifted."),
            );
            return Ok(());
        }
        CustomersCommand::Object {
            id,
            lang,
            method,
            verified_by,
            receipt,
        } => {
            receipt.check()?;
            let recorded = vault.object_to_marketing(
                session,
                *id,
                Objection {
                    lang: *lang,
                    method: *method,
                    identity_check: *verified_by,
                    signature: None,
                },
            )?;
            receipt.write(vault, session, &recorded)?;
            let receipt_out = &receipt.receipt_out;
            output(json, &recorded, || {
                format!(
                    "Customer {id} objected to marketing: every marketing purpose withdrawn; receipt {} written to {}.",
                    recorded.receipt.receipt_id,
                    receipt_out.display()
                )
            });
            return Ok(());
        }
        // It reads a second secret after the sign-in, so `main` runs it.
        CustomersCommand::Export(_) => return Err(fail("the export runs from main")),
        CustomersCommand::Erase(args) => return crate::erasure::erase(json, vault, session, args),
        CustomersCommand::Hold { id, reason } => {
            let hold = vault.place_legal_hold(session, *id, reason)?;
            output(json, &hold, || {
                format!("Customer {id}'s data is kept under a legal hold until you lift it.")
            });
            return Ok(());
        }
        CustomersCommand::LiftHold { id } => {
            vault.lift_legal_hold(session, *id)?;
            output(
                json,
                &serde_json::json!({ "customerId": id, "held": false }),
                || format!("Customer {id}'s legal hold is lifted."),
            );
            return Ok(());
        }
    };
    paper.receipt.check()?;
    let form = paper.consent_form(vault, session)?;
    let recorded = vault.join_customer(session, form)?;
    said_with(&recorded);
    paper.receipt.write(vault, session, &recorded)?;
    let receipt_out = &paper.receipt.receipt_out;
    if json {
        print_json(&serde_json::json!({
            "customerId": recorded.customer_id,
            "receiptId": recorded.receipt.receipt_id,
            "receipt": receipt_out,
        }));
    } else {
        // The id alone on stdout, for scripts; the explanation on stderr.
        println!("{}", recorded.customer_id);
        eprintln!(
            "{}Customer {} joined; receipt {} written to {}.",
            already(&recorded),
            recorded.customer_id,
            recorded.receipt.receipt_id,
            receipt_out.display()
        );
    }
    Ok(())
}

pub fn consent(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    cmd: &ConsentCommand,
) -> Result<(), Failure> {
    match cmd {
        ConsentCommand::Grant { customer_id, form } => {
            form.receipt.check()?;
            let consent_form = form.consent_form(vault, session)?;
            let recorded = vault.grant_consent(session, *customer_id, consent_form)?;
            said_with(&recorded);
            form.receipt.write(vault, session, &recorded)?;
            let (purposes, receipt_out) = (&form.purposes, &form.receipt.receipt_out);
            output(json, &recorded, || {
                format!(
                    "{}Recorded: {}; receipt {} written to {}.",
                    already(&recorded),
                    purposes.join(", "),
                    recorded.receipt.receipt_id,
                    receipt_out.display()
                )
            });
        }
        ConsentCommand::Withdraw {
            customer_id,
            purposes,
            lang,
            method,
            verified_by,
            form_id,
            receipt,
        } => {
            receipt.check()?;
            let recorded = vault.withdraw_consent(
                session,
                *customer_id,
                Withdrawal {
                    lang: *lang,
                    purposes: purposes.clone(),
                    method: *method,
                    identity_check: *verified_by,
                    signature: None,
                    form_id: form_id.get(),
                },
            )?;
            said_with(&recorded);
            receipt.write(vault, session, &recorded)?;
            let receipt_out = &receipt.receipt_out;
            output(json, &recorded, || {
                let erased = if recorded.erased_fields.is_empty() {
                    "no field needed erasing".to_owned()
                } else {
                    format!("erased: {}", recorded.erased_fields.join(", "))
                };
                format!(
                    "{}Withdrawn: {} ({erased}); receipt {} written to {}.",
                    already(&recorded),
                    purposes.join(", "),
                    recorded.receipt.receipt_id,
                    receipt_out.display()
                )
            });
        }
        ConsentCommand::History { customer_id } => {
            let h = vault.consent_history(session, *customer_id)?;
            output(json, &h, || {
                let mut out = format!(
                    "customer {} ({})\n\nCURRENT\n",
                    h.customer_id, h.customer_ref
                );
                for c in &h.current {
                    out += &format!(
                        "  {:<18} {:<8} since {} (notice v{})\n",
                        c.purpose,
                        if c.granted { "granted" } else { "not" },
                        c.since,
                        c.notice_version
                    );
                }
                out += "\nLEDGER\n";
                for e in &h.entries {
                    out += &format!(
                        "  #{:<5} {} {:<8} {:<18} notice v{} {} {} by {} receipt {}\n",
                        e.seq,
                        e.at,
                        e.decision.as_str(),
                        e.purpose,
                        e.notice_version,
                        e.method,
                        e.identity_check,
                        e.recorded_by,
                        e.receipt_id
                    );
                }
                out.trim_end().to_owned()
            });
        }
    }
    Ok(())
}

/// `receipt verify`: checks a receipt file, against the shop's key when
/// `vault` (opened with the keyring, no login) or `key` gives it, and prints
/// what the core found, no more: "signed by the shop" only when the core
/// confirmed the key.
pub fn verify(
    json: bool,
    file: &Path,
    vault: Option<&Path>,
    key: Option<&str>,
) -> Result<(), Failure> {
    if vault.is_some() && key.is_some() {
        return Err(fail(
            "give the shop's key one way: --vault PATH or --key FINGERPRINT",
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| Failure {
        code: 1,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    let res = match vault {
        // The shop's fingerprint is read from beside the vault: no sign-in.
        Some(path) => {
            let cover = ClosedVault::take(path)?.cover(&OsKeyring)?;
            let shop_key = cover.receipt_key.ok_or_else(|| {
                fail("this vault was made by an older Steward: sign in once as its owner, then verify again")
            })?;
            verify_receipt_against(&bytes, Some(&shop_key))
        }
        None => verify_receipt_against(&bytes, key),
    };
    match res {
        Ok(v) => {
            output(json, &v, || {
                if v.shop_key_confirmed {
                    format!(
                        "valid, signed by the shop {}: receipt {} ({}), key {}",
                        v.shop, v.receipt_id, v.format, v.key_fingerprint
                    )
                } else {
                    format!(
                        "intact: receipt {} ({}) is exactly as signed by key {}\n\
                         not checked: whether this key is the shop's. Compare its fingerprint \
                         with the one printed on the shop's notice, or run again with \
                         --vault PATH (on the shop's computer) or --key FINGERPRINT.",
                        v.receipt_id, v.format, v.key_fingerprint
                    )
                }
            });
            Ok(())
        }
        Err(e @ (Error::ReceiptInvalid { .. } | Error::ReceiptNotSignedByShop { .. })) => {
            if json {
                let mut out = serde_json::json!({ "valid": false, "reason": e.to_string() });
                if let Error::ReceiptNotSignedByShop { found, expected } = &e {
                    out["keyFingerprint"] = found.as_str().into();
                    out["expectedKey"] = expected.as_str().into();
                }
                print_json(&out);
            }
            Err(Failure {
                code: 1,
                message: format!("invalid: {e}"),
            })
        }
        Err(e) => Err(e.into()),
    }
}

pub fn reprint(
    vault: &mut Vault,
    session: &mut Session,
    receipt_id: &str,
    out: Option<&Path>,
    pdf: Option<&Path>,
) -> Result<(), Failure> {
    if out.is_none() && pdf.is_none() {
        return Err(fail("give --out FILE.json and/or --pdf FILE.pdf"));
    }
    for p in out.iter().chain(pdf.iter()) {
        check_writable(p)?;
    }
    if let Some(p) = out {
        let r = vault.receipt(session, receipt_id)?;
        steward_core::files::write_atomic(p, r.json.as_bytes())?;
        eprintln!("Wrote {}.", p.display());
    }
    if let Some(p) = pdf {
        let bytes = vault.receipt_pdf(session, receipt_id)?;
        steward_core::files::write_atomic(p, &bytes)?;
        eprintln!("Wrote {}.", p.display());
    }
    Ok(())
}

/// `receipt check-code`: a printed receipt's QR code against the vault.
pub fn check_code(
    json: bool,
    vault: &mut Vault,
    session: &mut Session,
    code: &str,
) -> Result<(), Failure> {
    let v = vault.check_receipt_code(session, code)?;
    output(json, &v, || {
        format!(
            "genuine: receipt {} issued by {} (key {})",
            v.receipt_id, v.shop, v.key_fingerprint
        )
    });
    Ok(())
}
