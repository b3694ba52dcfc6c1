//! The one error type of the core. Every variant is something a person can act
//! on; its message says what happened and what to do next, and never contains
//! personal data (no customer or user names, no values), so it is safe to show,
//! print or log anywhere.

use std::path::PathBuf;

use crate::permissions::{Action, Role};

/// What kind of failure an error is, for the callers that handle whole
/// kinds the same way: the CLI's exit code, the app's return to the login
/// screen. One classification, read by all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The role may not do this (or not yet: a passphrase change is due,
    /// the hourly search limit is reached).
    NotPermitted,
    /// Wrong or refused credentials: log in (again) or wait.
    Credentials,
    /// The session is over (locked); the person must log in again.
    SessionLost,
    /// The vault cannot be opened: missing, foreign, damaged, locked by
    /// another window, or its key cannot be had.
    VaultUnavailable,
    /// Something typed or asked for was refused; nothing was changed.
    InvalidInput,
    /// Anything else (a full disk, a database or file error).
    Other,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotPermitted => "not_permitted",
            ErrorKind::Credentials => "credentials",
            ErrorKind::SessionLost => "session_lost",
            ErrorKind::VaultUnavailable => "vault_unavailable",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Other => "other",
        }
    }
}

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a core call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Setup was asked to create a vault where one already exists.
    #[error("a vault already exists at {0}; open it, or choose another path")]
    VaultExists(PathBuf),

    /// There is no vault file at the path: the shop has not been set up yet.
    #[error("no vault at {0}; run setup first (`steward init`)")]
    NoVault(PathBuf),

    /// The file is not a Steward vault (plain SQLite, random bytes, empty, a
    /// database of another program...). `reason` says which.
    #[error("this file is not a Steward vault: {reason}")]
    NotAVault { reason: &'static str },

    /// The file is a Steward vault but damaged (truncated or corrupt pages).
    #[error("the vault file is damaged ({reason}); restore it from a backup")]
    VaultDamaged { reason: &'static str },

    /// The vault was written by a newer Steward.
    #[error("this vault was written by a newer version of Steward (schema {found}, this version understands up to {supported}); install the newer version")]
    NewerSchema { found: i64, supported: i64 },

    /// Another Steward window or command already has this vault open.
    #[error("this vault is already open in another window or command; close it first")]
    AlreadyOpen,

    /// The OS keyring has no key for this vault (e.g. a new computer).
    #[error("the key for this vault is not in this computer's keyring; open it with the recovery key (`steward recover`)")]
    KeyMissing,

    /// The OS keyring could not be reached (service not running or locked).
    #[error("the system keyring is not available ({detail}); log in to your desktop session or start and unlock the keyring, or open the vault with the recovery key (`steward recover`)")]
    KeyringUnavailable { detail: String },

    /// The keyring holds a key for this vault id, but it does not open it.
    #[error("the key stored in the keyring does not open this vault; open it with the recovery key (`steward recover`)")]
    WrongKey,

    /// The recovery key does not unwrap this vault's key.
    #[error("that recovery key does not open this vault; check it and try again")]
    WrongRecoveryKey,

    /// The sign-in file beside the vault (its key slots) fails its check:
    /// changed outside Steward, or damaged.
    #[error("the sign-in file beside the vault ({0}) was changed outside Steward or is damaged; open the vault with the recovery key (`steward recover`)")]
    KeySlotsDamaged(PathBuf),

    /// An unattended run was asked for, but the owner has not switched the
    /// unattended schedule on for this vault on this computer (no schedule
    /// slot, or no schedule secret in this keyring).
    #[error("the unattended schedule is not switched on for this vault on this computer; the owner can switch it on with `steward --user OWNER retention schedule enable`")]
    ScheduleNotEnabled,

    /// The recovery file next to the vault is missing or unreadable.
    #[error("the recovery file next to the vault is missing or damaged ({0})")]
    RecoveryFileMissing(PathBuf),

    /// Username or passphrase is wrong. Deliberately does not say which.
    #[error("wrong username or passphrase")]
    WrongCredentials,

    /// Too many failed logins for this account; wait before trying again.
    #[error("too many failed attempts; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },

    /// Quick switch is off for the shop, this account has no PIN, or the
    /// vault was closed (a PIN never opens it): sign in with the passphrase.
    #[error("a PIN cannot be used now; sign in with your passphrase")]
    PinNotAvailable,

    /// Five wrong PINs in a row: this account's PIN works again after a
    /// sign-in with the passphrase.
    #[error("too many wrong PINs; sign in with your passphrase")]
    PinBlocked,

    /// A PIN the shop does not accept (too short, too long, not digits, or
    /// too easy to guess).
    #[error("this PIN is not accepted: {0}")]
    WeakPin(&'static str),

    /// A session opened with a PIN may serve customers, not change the
    /// shop: this action needs a sign-in with the passphrase.
    #[error("to {action}, sign in with your passphrase (a PIN is for the till)")]
    PassphraseNeeded { action: Action },

    /// The account has been disabled by the owner.
    #[error("this account is disabled; ask the shop owner")]
    AccountDisabled,

    /// The user must choose their own passphrase before doing anything else.
    #[error("choose your own passphrase before continuing")]
    PassphraseChangeRequired,

    /// A new passphrase does not meet the minimum.
    #[error("passphrase too weak: {0}")]
    WeakPassphrase(&'static str),

    /// The acting role may not perform this action.
    #[error("your role ({role}) may not {action}")]
    Forbidden { action: Action, role: Role },

    /// The screen is handed to a customer; only the consent form works until
    /// a staff member logs in again.
    #[error("the screen is in customer mode; a staff member must log in to leave it")]
    CustomerMode,

    /// In customer mode, a consent act or receipt about another customer
    /// than the one the screen was handed over for.
    #[error("the screen was handed over for another customer; a staff member must log in and hand it over again")]
    HandedToAnotherCustomer,

    /// The session was locked after inactivity or by the user; log in again.
    #[error("the session is locked; log in again")]
    SessionLocked,

    /// A username is already taken.
    #[error("that username is already taken")]
    UserExists,

    /// No user with that username.
    #[error("no such user")]
    UserNotFound,

    /// The change would leave the shop without an active owner.
    #[error("the shop must keep at least one active owner")]
    LastOwner,

    /// An input failed validation; `field` names the input, never its value.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        field: &'static str,
        reason: &'static str,
    },

    /// A customer record, a field or a use of data needs a consent the
    /// customer has not given. `purpose` is the purpose's id.
    #[error("the customer has not agreed to the purpose '{purpose}' (or agreed before it covered this data); ask them first: nothing was stored")]
    ConsentMissing { purpose: String },

    /// A value was given for a field that no purpose the customer agreed to
    /// needs.
    #[error("no purpose the customer agreed to needs the field '{field}'; leave it empty or ask the customer about a purpose that uses it. Nothing was stored")]
    FieldNotConsented { field: String },

    /// A value was given for a field the shop has switched off.
    #[error("the shop does not collect '{field}' (switched off in settings); nothing was stored")]
    FieldDisabled { field: String },

    /// Something that looks like a payment card number was typed into a field.
    #[error("the field '{field}' seems to contain a payment card number; Steward never stores card numbers. Remove it and try again")]
    CardNumberRefused { field: &'static str },

    /// The notice shown on a form is no longer the current one.
    #[error("the notice changed while the form was open (version {shown} was shown, {current} is current); show the form to the customer again")]
    NoticeOutdated { shown: i64, current: i64 },

    /// A grant or renewal would change a value already recorded, which only
    /// a role that corrects records may do. `field` is the catalog key.
    #[error("the customer's '{field}' is already recorded with another value; only an owner or a manager may correct it (nothing was stored). Leave it as recorded, or ask them to correct it")]
    ValueAlreadyRecorded { field: &'static str },

    /// The customer did not sign the on-screen form.
    #[error("the customer has not signed the form; nothing was stored")]
    SignatureRequired,

    /// The customer typed their name to sign but did not confirm that it
    /// is their signature.
    #[error("the customer typed their name but did not confirm that it is their signature; ask them to tick the confirmation, or to sign by drawing. Nothing was stored")]
    SignatureNotConfirmed,

    /// The name typed as a signature was refused (`reason` says why and
    /// never quotes it).
    #[error("the name typed as the customer's signature was refused ({reason}); ask them to type their name again. Nothing was stored")]
    TypedSignatureInvalid { reason: &'static str },

    /// No purpose with that id.
    #[error("there is no purpose '{purpose}'; `steward purposes list` shows the shop's purposes")]
    PurposeNotFound { purpose: String },

    /// A purpose with that id already exists.
    #[error("a purpose '{purpose}' already exists; edit it instead")]
    PurposeExists { purpose: String },

    /// There is nothing to withdraw: the purpose is not currently granted.
    #[error(
        "the customer has not currently agreed to '{purpose}', so there is nothing to withdraw"
    )]
    NotConsented { purpose: String },

    /// No recipient in force has that number.
    #[error("there is no recipient with that number (it may have been removed)")]
    RecipientNotFound,

    /// A consent form with this id was already recorded, with other
    /// answers than this submission: nothing new was stored. Its receipt
    /// (a random number, not personal) shows what was saved.
    #[error("this form was already recorded (receipt {receipt_id}) with other answers; nothing new was stored. The receipt shows what was saved; to change anything, start a new form")]
    FormAlreadyRecorded { receipt_id: String },

    /// No customer with that id.
    #[error("there is no customer with that number")]
    CustomerNotFound,

    /// The customer's record is restricted (kept but not used): it cannot
    /// be changed or used until an owner or a manager lifts the
    /// restriction. Withdrawing consent and erasure still work.
    #[error("this customer's record is restricted: it is kept but may not be used or changed; nothing was changed. An owner or a manager can lift the restriction when its reason is resolved")]
    CustomerRestricted,

    /// The customer's data is kept for a dispute or a claim (a legal hold):
    /// it cannot be erased until the owner lifts the hold.
    #[error("this customer's data is kept under a legal hold (a dispute or a claim), so it cannot be erased now; nothing was changed. The owner can lift the hold when it is resolved")]
    UnderLegalHold,

    /// Lifting a legal hold on a customer who has none.
    #[error("this customer is not under a legal hold; nothing was changed")]
    NotHeld,

    /// Lifting a restriction on a customer who has none.
    #[error("this customer's record is not restricted; nothing was changed")]
    NotRestricted,

    /// No receipt with that id.
    #[error("there is no receipt with that number")]
    ReceiptNotFound,

    /// A receipt file failed verification; `reason` says why.
    #[error("the receipt is not valid: {reason}")]
    ReceiptInvalid { reason: String },

    /// A receipt is intact but was signed by a key that is not the shop's
    /// (both fingerprints, which are public): the shop did not sign it,
    /// whatever shop it names. Same `code()` as any other invalid receipt.
    #[error("signed by key {found}, which is not this shop's key ({expected})")]
    ReceiptNotSignedByShop { found: String, expected: String },

    /// A search query too short to find someone rather than list people.
    #[error("type at least {min} letters or digits of a name, phone number, e-mail address or loyalty number")]
    QueryTooShort { min: usize },

    /// The searches of this account have shown as many different customers
    /// within an hour as the shop allows (`limit`), so every search is
    /// refused until `retry_after_mins` minutes from now; the owner sees an
    /// alert. Holds counts only, never a customer or a query.
    #[error("your searches have shown {limit} different customers within an hour, the most this shop allows, so searching is paused for your account: try again in {retry_after_mins} minutes. The shop owner has been told; ask them if you need to find someone now")]
    SearchLimitReached { limit: u32, retry_after_mins: i64 },

    /// The role may not open a profile for that purpose of access.
    #[error("your role ({role}) may not open a customer's profile for '{purpose}'")]
    PurposeNotAllowed { purpose: &'static str, role: Role },

    /// Redeeming more points than the customer has.
    #[error("the customer has {balance} points, fewer than that; nothing was changed")]
    NotEnoughPoints { balance: i64 },

    /// No task with that number for this customer.
    #[error("there is no such task for this customer")]
    TaskNotFound,

    /// A change that erased data was saved, but the write-ahead log (the
    /// vault's journal) still holds older pages with the erased values:
    /// another program has the vault file open, so the log could not be
    /// emptied. Closing that program and then Steward finishes the job.
    #[error("the change was saved, but the erased data could not yet be cleared from the vault's journal because another program is using the vault file; close other programs that use it (a backup or sync tool, a database viewer), then close Steward and open it again to finish clearing it")]
    JournalNotCleared,

    /// A file the user asked Steward to write already exists: Steward never
    /// writes over a file. (The path is the user's choice and may say
    /// whom it is about, so it is not repeated here.)
    #[error(
        "a file with that name already exists there; choose another name: nothing was written"
    )]
    FileExists,

    /// A customer's export (its ZIP, manifest or a file in it) failed
    /// verification; `reason` says why.
    #[error("the export is not valid: {reason}")]
    ExportInvalid { reason: String },

    /// A file given as a backup is not one, is damaged, or fails its
    /// checks; `reason` says which. Nothing was changed.
    #[error("the backup is not valid: {reason}; nothing was changed")]
    BackupInvalid { reason: &'static str },

    /// The backup was made of another shop's vault: this vault's key does
    /// not open it. Nothing was changed.
    #[error("this backup was made of another vault, which this vault's key does not open; nothing was changed. To set that shop up on this computer, restore it into an empty folder with its recovery key")]
    BackupOfAnotherVault,

    /// `backup now` without a folder: none was given and the owner has
    /// not set one.
    #[error("no backup folder: give one with --to FOLDER, or have the owner set one (`steward settings backup-folder FOLDER`)")]
    NoBackupFolder,

    /// Retiring this computer was asked for without the typed confirmation
    /// word (`RETIRE`). Nothing was destroyed.
    #[error("not confirmed: type RETIRE to retire this computer; nothing was destroyed")]
    RetirementNotConfirmed,

    /// No invitation with that number: the person joined, refused, or
    /// their invitation expired.
    #[error("there is no such invitation (the person may have joined or refused, or the invitation expired); search again")]
    InvitationNotFound,

    /// A file to import cannot be read as a list at all (not UTF-8 text,
    /// rows of different lengths, no header row, a line too long...).
    /// `reason` says which; `row` is the spreadsheet row where it was
    /// found, if known. Nothing was stored.
    #[error("the file cannot be imported{}: {reason}. Nothing was stored", at_row(*.row))]
    ImportFileInvalid {
        reason: &'static str,
        row: Option<u64>,
    },

    /// The disk is full; nothing was changed.
    #[error("the disk is full; nothing was saved. Free some space and try again")]
    DiskFull,

    /// A database operation failed for another reason.
    #[error("database error while trying to {op}: {source}")]
    Database {
        op: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// A file operation failed.
    #[error("file error while trying to {op}: {source}")]
    Io {
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// Something a person should know about a change that *was* saved: not an
/// error (nothing needs doing again, and a retry would record the change
/// twice), but something the shop should see. Like errors, its message
/// never contains personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// The change was saved, but the audit anchor next to the vault
    /// (`PATH.audit-head`) could not be updated (a full disk, the file held
    /// by another program). The next change brings it up to date; until
    /// then, entries cut off the log's end would go unnoticed.
    #[error("the change was saved, but the audit log's anchor next to the vault file could not be updated (is the disk full, or another program holding the file?); the next change brings it up to date")]
    AuditAnchorPending,

    /// The change erased data and was saved, but the vault's journal could
    /// not be emptied of the older pages (see [`Error::JournalNotCleared`]).
    #[error("the change was saved, but the erased data could not yet be cleared from the vault's journal because another program is using the vault file; close other programs that use it (a backup or sync tool, a database viewer), then close Steward and open it again to finish clearing it")]
    JournalNotCleared,
}

impl Warning {
    /// A stable, machine-readable code for the UI and scripts.
    pub fn code(self) -> &'static str {
        match self {
            Warning::AuditAnchorPending => "audit_anchor_pending",
            Warning::JournalNotCleared => "journal_not_cleared",
        }
    }
}

impl serde::Serialize for Warning {
    /// A warning leaves the core as its code.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// " (row N)" for an error about a spreadsheet row, else nothing.
fn at_row(row: Option<u64>) -> String {
    row.map(|r| format!(" (row {r})")).unwrap_or_default()
}

impl Error {
    /// A stable, machine-readable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Error::VaultExists(_) => "vault_exists",
            Error::NoVault(_) => "no_vault",
            Error::NotAVault { .. } => "not_a_vault",
            Error::VaultDamaged { .. } => "vault_damaged",
            Error::NewerSchema { .. } => "newer_schema",
            Error::AlreadyOpen => "already_open",
            Error::KeyMissing => "key_missing",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::WrongKey => "wrong_key",
            Error::WrongRecoveryKey => "wrong_recovery_key",
            Error::RecoveryFileMissing(_) => "recovery_file_missing",
            Error::KeySlotsDamaged(_) => "key_slots_damaged",
            Error::ScheduleNotEnabled => "schedule_not_enabled",
            Error::WrongCredentials => "wrong_credentials",
            Error::TooManyAttempts { .. } => "too_many_attempts",
            Error::AccountDisabled => "account_disabled",
            Error::PinNotAvailable => "pin_not_available",
            Error::PinBlocked => "pin_blocked",
            Error::WeakPin(_) => "weak_pin",
            Error::PassphraseNeeded { .. } => "passphrase_needed",
            Error::PassphraseChangeRequired => "passphrase_change_required",
            Error::WeakPassphrase(_) => "weak_passphrase",
            Error::Forbidden { .. } => "forbidden",
            Error::CustomerMode => "customer_mode",
            Error::HandedToAnotherCustomer => "handed_to_another_customer",
            Error::SessionLocked => "session_locked",
            Error::UserExists => "user_exists",
            Error::UserNotFound => "user_not_found",
            Error::LastOwner => "last_owner",
            Error::InvalidInput { .. } => "invalid_input",
            Error::ConsentMissing { .. } => "consent_missing",
            Error::FieldNotConsented { .. } => "field_not_consented",
            Error::FieldDisabled { .. } => "field_disabled",
            Error::CardNumberRefused { .. } => "card_number_refused",
            Error::NoticeOutdated { .. } => "notice_outdated",
            Error::ValueAlreadyRecorded { .. } => "value_already_recorded",
            Error::SignatureRequired => "signature_required",
            Error::SignatureNotConfirmed => "signature_not_confirmed",
            Error::TypedSignatureInvalid { .. } => "typed_signature_invalid",
            Error::PurposeNotFound { .. } => "purpose_not_found",
            Error::PurposeExists { .. } => "purpose_exists",
            Error::NotConsented { .. } => "not_consented",
            Error::FormAlreadyRecorded { .. } => "form_already_recorded",
            Error::RecipientNotFound => "recipient_not_found",
            Error::CustomerNotFound => "customer_not_found",
            Error::CustomerRestricted => "customer_restricted",
            Error::NotRestricted => "not_restricted",
            Error::UnderLegalHold => "under_legal_hold",
            Error::NotHeld => "not_held",
            Error::ReceiptNotFound => "receipt_not_found",
            Error::ReceiptInvalid { .. } | Error::ReceiptNotSignedByShop { .. } => {
                "receipt_invalid"
            }
            Error::QueryTooShort { .. } => "query_too_short",
            Error::SearchLimitReached { .. } => "search_limit_reached",
            Error::PurposeNotAllowed { .. } => "purpose_not_allowed",
            Error::NotEnoughPoints { .. } => "not_enough_points",
            Error::TaskNotFound => "task_not_found",
            Error::JournalNotCleared => "journal_not_cleared",
            Error::FileExists => "file_exists",
            Error::ExportInvalid { .. } => "export_invalid",
            Error::BackupInvalid { .. } => "backup_invalid",
            Error::BackupOfAnotherVault => "backup_of_another_vault",
            Error::NoBackupFolder => "no_backup_folder",
            Error::RetirementNotConfirmed => "retirement_not_confirmed",
            Error::InvitationNotFound => "invitation_not_found",
            Error::ImportFileInvalid { .. } => "import_file_invalid",
            Error::DiskFull => "disk_full",
            Error::Database { .. } | Error::Io { .. } => "internal",
        }
    }

    /// The kind of failure, for handling whole kinds alike.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Forbidden { .. }
            | Error::PurposeNotAllowed { .. }
            | Error::PassphraseChangeRequired
            | Error::CustomerMode
            | Error::HandedToAnotherCustomer
            | Error::ValueAlreadyRecorded { .. }
            | Error::CustomerRestricted
            | Error::UnderLegalHold
            | Error::SearchLimitReached { .. } => ErrorKind::NotPermitted,
            Error::WrongCredentials
            | Error::TooManyAttempts { .. }
            | Error::AccountDisabled
            | Error::PinNotAvailable
            | Error::PinBlocked => ErrorKind::Credentials,
            Error::PassphraseNeeded { .. } => ErrorKind::NotPermitted,
            Error::SessionLocked => ErrorKind::SessionLost,
            Error::NoVault(_)
            | Error::NotAVault { .. }
            | Error::VaultDamaged { .. }
            | Error::NewerSchema { .. }
            | Error::AlreadyOpen
            | Error::KeyMissing
            | Error::KeyringUnavailable { .. }
            | Error::WrongKey
            | Error::WrongRecoveryKey
            | Error::RecoveryFileMissing(_)
            | Error::KeySlotsDamaged(_)
            | Error::ScheduleNotEnabled => ErrorKind::VaultUnavailable,
            Error::DiskFull
            | Error::JournalNotCleared
            | Error::Database { .. }
            | Error::Io { .. }
            | Error::VaultExists(_) => ErrorKind::Other,
            _ => ErrorKind::InvalidInput,
        }
    }

    /// The input field an error is about (a catalog key or an input name),
    /// so a form can point at it. Never a value.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. }
            | Error::CardNumberRefused { field }
            | Error::ValueAlreadyRecorded { field } => Some(field),
            Error::FieldNotConsented { field } | Error::FieldDisabled { field } => Some(field),
            Error::SignatureNotConfirmed => Some("signatureConfirmed"),
            Error::TypedSignatureInvalid { .. } => Some("typedName"),
            _ => None,
        }
    }

    /// Wraps a database error, recognising a full disk.
    pub(crate) fn db(op: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
        move |source| {
            if let rusqlite::Error::SqliteFailure(e, _) = &source {
                if e.code == rusqlite::ErrorCode::DiskFull {
                    return Error::DiskFull;
                }
            }
            Error::Database { op, source }
        }
    }

    /// Wraps a file error, recognising a full disk.
    pub(crate) fn io(op: &'static str) -> impl FnOnce(std::io::Error) -> Error {
        move |source| {
            if source.kind() == std::io::ErrorKind::StorageFull {
                return Error::DiskFull;
            }
            Error::Io { op, source }
        }
    }
}
