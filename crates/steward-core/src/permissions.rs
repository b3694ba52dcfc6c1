//! Roles, actions and the permission matrix: the single place that decides
//! which role may do what. Every core operation asks [`is_allowed`] (through
//! `Vault::authorize`) before touching anything; the UI and the CLI never
//! decide on their own.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a person does in the shop, which decides what they may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the shop: everything, including users and settings.
    Owner,
    /// Runs the floor: customer records, corrections, reports; no users or keys.
    Manager,
    /// Serves customers at the till.
    Staff,
    /// Runs campaigns for customers who agreed to marketing.
    Marketing,
    /// Checks the records (audit log, consent ledger) without contact data.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Manager,
        Role::Staff,
        Role::Marketing,
        Role::Auditor,
    ];

    /// The stable lowercase id used in the database, the CLI and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Staff => "staff",
            Role::Marketing => "marketing",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a role id as written by [`Role::as_str`].
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Reading a role from the vault fails on an unknown id rather than guessing
/// one: a damaged or tampered row must not grant anything.
impl rusqlite::types::FromSql for Role {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Role::parse(value.as_str()?).ok_or(rusqlite::types::FromSqlError::InvalidType)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a session can ask the core to do. Later capabilities add their
/// actions here, and a row to the matrix below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the home screen: shop name and one's own role.
    ViewHome,
    /// Change one's own passphrase.
    ChangeOwnPassphrase,
    /// Choose the language of one's own screens.
    ChooseOwnLanguage,
    /// List the shop's user accounts and their roles.
    ListUsers,
    /// Add users, disable them, change their roles.
    ManageUsers,
    /// Change shop-wide settings (e.g. the auto-lock delay).
    ChangeSettings,
    /// Check the audit log's hash chain.
    VerifyAuditLog,
    /// Read the privacy notice (the text customers are shown).
    ViewNotice,
    /// Set up purposes, switch catalog fields on and off, edit the shop's
    /// contact details shown in notices.
    ManagePurposes,
    /// Record a customer's consent decisions: joining, granting, withdrawing.
    RecordConsent,
    /// See a customer's consent history (pseudonymous: no contact data).
    ViewConsentHistory,
    /// Show or print a consent receipt again.
    ViewReceipt,
    /// Find customers by name, phone, e-mail or loyalty number. What a hit
    /// shows depends on the role (see `access::scope`).
    SearchCustomers,
    /// Open a customer's profile, for a stated purpose of access.
    ViewCustomer,
    /// Correct a customer's recorded data and tags.
    EditCustomer,
    /// Record a purchase at the till.
    RecordPurchase,
    /// Add a note about an interaction with a customer.
    AddNote,
    /// Add follow-up tasks for a customer and tick them off.
    ManageTasks,
    /// Spend a customer's loyalty points.
    RedeemPoints,
    /// List the customers who agreed to a marketing purpose, with only the
    /// data that purpose covers.
    ViewAudience,
    /// Read and filter the access log.
    ViewAccessLog,
    /// Keep the register of recipients, hand data over to them, and see
    /// who received a customer's data.
    ManageRecipients,
    /// Restrict a customer's record (kept but not used, Art. 18) and lift
    /// the restriction.
    RestrictCustomer,
    /// Record a customer's objection to marketing (Art. 21): withdraws
    /// every marketing purpose they agree to, in one act.
    ObjectToMarketing,
    /// Make a copy of everything held about a customer, for that customer
    /// (their right of access and to portability).
    ExportForCustomer,
    /// Erase everything held about a customer at their request (Art. 17).
    EraseCustomer,
    /// Read every page of the vault for a text (a residue check).
    ScanForResidue,
    /// Read the destruction records (what was erased, when, why; no
    /// customer data).
    ViewDestructionRecords,
    /// Place and lift legal holds (data kept for a dispute or a claim).
    ManageLegalHold,
    /// Run the retention schedule now (it also runs by itself).
    RunRetention,
    /// See what the retention schedule will erase soon, and what it did.
    ViewRetention,
    /// Switch the unattended schedule (an OS timer runs retention and the
    /// scheduled backup with no one signed in) on or off, and see whether
    /// it is on.
    ManageUnattendedSchedule,
    /// See the record-keeping rules (how long sales records, the access
    /// log and destruction records are kept) and the sales totals.
    ViewRecordKeeping,
    /// Change the record-keeping rules and the shop's jurisdiction.
    ManageRecordKeeping,
    /// Make an encrypted backup of the whole vault (and delete backups
    /// older than the longest retention period).
    MakeBackup,
    /// List the vault's backups and verify one.
    VerifyBackups,
    /// Replace the vault's data with a backup's.
    RestoreBackup,
    /// Retire this computer: destroy the vault, its keys and the keyring
    /// entry for good (crypto-erase), with a destruction certificate.
    RetireComputer,
    /// See the dashboard: counts of members, sign-ups, consents, purchases
    /// and spend per week, and the birthdays this week of customers who
    /// agreed to the birthday offer.
    ViewDashboard,
    /// Import a list of people from a spreadsheet as invitations (never as
    /// customers), after a preview of what it holds.
    ImportInvitations,
    /// Find an invitation at the till, open it to pre-fill the consent
    /// form, and erase it when the person refuses.
    ServeInvitations,
    /// See how many invitations wait and when the next ones expire.
    ViewInvitationCounts,
}

impl Action {
    pub const ALL: [Action; 42] = [
        Action::ViewHome,
        Action::ChangeOwnPassphrase,
        Action::ChooseOwnLanguage,
        Action::ListUsers,
        Action::ManageUsers,
        Action::ChangeSettings,
        Action::VerifyAuditLog,
        Action::ViewNotice,
        Action::ManagePurposes,
        Action::RecordConsent,
        Action::ViewConsentHistory,
        Action::ViewReceipt,
        Action::SearchCustomers,
        Action::ViewCustomer,
        Action::EditCustomer,
        Action::RecordPurchase,
        Action::AddNote,
        Action::ManageTasks,
        Action::RedeemPoints,
        Action::ViewAudience,
        Action::ViewAccessLog,
        Action::ManageRecipients,
        Action::RestrictCustomer,
        Action::ObjectToMarketing,
        Action::ExportForCustomer,
        Action::EraseCustomer,
        Action::ScanForResidue,
        Action::ViewDestructionRecords,
        Action::ManageLegalHold,
        Action::RunRetention,
        Action::ViewRetention,
        Action::ManageUnattendedSchedule,
        Action::ViewRecordKeeping,
        Action::ManageRecordKeeping,
        Action::MakeBackup,
        Action::VerifyBackups,
        Action::RestoreBackup,
        Action::RetireComputer,
        Action::ViewDashboard,
        Action::ImportInvitations,
        Action::ServeInvitations,
        Action::ViewInvitationCounts,
    ];

    /// What a session in customer mode (the screen handed to a customer)
    /// may still do: read the notice, fill in the form, see the receipt.
    pub fn allowed_in_customer_mode(self) -> bool {
        matches!(
            self,
            Action::ViewHome | Action::ViewNotice | Action::RecordConsent | Action::ViewReceipt
        )
    }

    /// The stable id written to the audit log and shown in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewHome => "view home",
            Action::ChangeOwnPassphrase => "change own passphrase",
            Action::ChooseOwnLanguage => "choose the language of one's screens",
            Action::ListUsers => "list users",
            Action::ManageUsers => "manage users",
            Action::ChangeSettings => "change settings",
            Action::VerifyAuditLog => "verify the audit log",
            Action::ViewNotice => "read the privacy notice",
            Action::ManagePurposes => "change purposes, fields or the notice",
            Action::RecordConsent => "record consent decisions",
            Action::ViewConsentHistory => "see consent histories",
            Action::ViewReceipt => "show consent receipts",
            Action::SearchCustomers => "search customers",
            Action::ViewCustomer => "open customer profiles",
            Action::EditCustomer => "correct customer records",
            Action::RecordPurchase => "record purchases",
            Action::AddNote => "add notes",
            Action::ManageTasks => "manage follow-up tasks",
            Action::RedeemPoints => "redeem loyalty points",
            Action::ViewAudience => "list marketing audiences",
            Action::ViewAccessLog => "read the access log",
            Action::ManageRecipients => "manage recipients and hand data over",
            Action::RestrictCustomer => "restrict customer records",
            Action::ObjectToMarketing => "record objections to marketing",
            Action::ExportForCustomer => "export a customer's data for them",
            Action::EraseCustomer => "erase customers",
            Action::ScanForResidue => "check the vault for residue",
            Action::ViewDestructionRecords => "read the destruction records",
            Action::ManageLegalHold => "place and lift legal holds",
            Action::RunRetention => "run the retention schedule",
            Action::ViewRetention => "see what the retention schedule will erase",
            Action::ManageUnattendedSchedule => "switch the unattended schedule on or off",
            Action::ViewRecordKeeping => "see the record-keeping rules",
            Action::ManageRecordKeeping => "change the record-keeping rules",
            Action::MakeBackup => "make backups",
            Action::VerifyBackups => "list and verify backups",
            Action::RestoreBackup => "restore a backup",
            Action::RetireComputer => "retire this computer",
            Action::ViewDashboard => "see the dashboard",
            Action::ImportInvitations => "import invitations",
            Action::ServeInvitations => "find, open and refuse invitations",
            Action::ViewInvitationCounts => "see how many invitations wait",
        }
    }
}

impl Action {
    /// The label of this action in the audit log (e.g. when it is refused).
    pub fn audit_label(self) -> &'static str {
        match self {
            Action::ViewHome => "home.view",
            Action::ChangeOwnPassphrase => "user.change_passphrase",
            Action::ChooseOwnLanguage => "user.set_language",
            Action::ListUsers => "user.list",
            Action::ManageUsers => "user.manage",
            Action::ChangeSettings => "settings.change",
            Action::VerifyAuditLog => "audit.verify",
            Action::ViewNotice => "notice.view",
            Action::ManagePurposes => "purposes.manage",
            Action::RecordConsent => "consent.record",
            Action::ViewConsentHistory => "consent.history",
            Action::ViewReceipt => "receipt.view",
            Action::SearchCustomers => "customer.search",
            Action::ViewCustomer => "customer.view",
            Action::EditCustomer => "customer.correct",
            Action::RecordPurchase => "purchase.add",
            Action::AddNote => "note.add",
            Action::ManageTasks => "task.manage",
            Action::RedeemPoints => "loyalty.redeem",
            Action::ViewAudience => "marketing.audience",
            Action::ViewAccessLog => "audit.read",
            Action::ManageRecipients => "recipient.manage",
            Action::RestrictCustomer => "customer.restrict",
            Action::ObjectToMarketing => "marketing.object",
            Action::ExportForCustomer => "customer.export",
            Action::EraseCustomer => "customer.erase",
            Action::ScanForResidue => "vault.residue_scan",
            Action::ViewDestructionRecords => "destruction.read",
            Action::ManageLegalHold => "customer.legal_hold",
            Action::RunRetention => "retention.run",
            Action::ViewRetention => "retention.view",
            Action::ManageUnattendedSchedule => "retention.schedule",
            Action::ViewRecordKeeping => "record_keeping.view",
            Action::ManageRecordKeeping => "record_keeping.manage",
            Action::MakeBackup => "backup.make",
            Action::VerifyBackups => "backup.verify",
            Action::RestoreBackup => "backup.restore",
            Action::RetireComputer => "computer.retire",
            Action::ViewDashboard => "dashboard.view",
            Action::ImportInvitations => "invitation.import",
            Action::ServeInvitations => "invitation.serve",
            Action::ViewInvitationCounts => "invitation.status",
        }
    }
}

impl Action {
    /// Whether a session opened with a PIN is refused this action: a PIN
    /// is for serving customers at the till; managing the shop's people,
    /// settings, promises and records, and erasing or handing out
    /// customers' data, asks for the passphrase.
    pub fn needs_passphrase(self) -> bool {
        matches!(
            self,
            Action::ManageUsers
                | Action::ChangeSettings
                | Action::ManagePurposes
                | Action::ManageRecipients
                | Action::ExportForCustomer
                | Action::EraseCustomer
                | Action::ScanForResidue
                | Action::ManageLegalHold
                | Action::RunRetention
                | Action::RestoreBackup
                | Action::RetireComputer
                | Action::ManageUnattendedSchedule
                | Action::ManageRecordKeeping
                | Action::ImportInvitations
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The permission matrix. One row per action, the roles allowed to take it.
///
/// Why each row is as it is:
/// - everyone sees the home screen, may change their own passphrase and
///   choose the language of their own screens;
/// - only the owner manages accounts and settings (a manager runs the floor,
///   not the keys: issue "roles" in ARCHITECTURE.md);
/// - the auditor may list accounts and verify the audit log, because reading
///   the log means knowing which account did what; the owner may too;
/// - the notice is public: everyone may read it;
/// - only the owner decides what the shop collects and why (purposes and
///   fields are the shop's promises to its customers);
/// - whoever serves customers (owner, manager, staff) records their consent
///   decisions and reprints receipts; marketing does not, since its job is
///   to use consents, not to collect them;
/// - consent histories and receipts name customers only by a random id, so
///   the auditor may read them to check the records;
/// - the shop floor (owner, manager, staff) finds customers, opens their
///   profile, records purchases, notes and tasks and redeems points: that is
///   serving them. Marketing may open the profile of a customer who agreed
///   to marketing (the core shows it only the marketing data) but does not
///   search: it works from audiences of consenting customers. The auditor
///   sees customers only as numbers in the logs and never opens a profile;
/// - correcting a record (and tagging it) is for the owner and the manager:
///   staff report a correction rather than make it;
/// - only marketing, and the owner, list audiences: bulk lists are nobody
///   else's task;
/// - the access log is for the owner and the auditor;
/// - only the owner binds recipients by agreement and hands them data: a
///   disclosure outside the shop is the owner's decision;
/// - restricting a record (and lifting it) is for the owner and the
///   manager, who handle requests and complaints, like corrections;
/// - an objection to marketing is a withdrawal: whoever records consent
///   decisions records it.
/// - the copy of everything held about a customer, made at their request,
///   is for those who handle customers' requests: the owner and the
///   manager (the full record is theirs to see anyway).
/// - a backup holds everything, but encrypted under a key that only this
///   vault's key or the owner's recovery key opens: the owner and the
///   manager (who may close the shop at night) make them; whoever checks
///   the records (owner, manager, auditor) may list and verify them;
///   replacing the vault's data with a backup's is the owner's alone;
/// - how long the shop keeps records for its own obligations (and which
///   law's defaults it starts from) is the owner's decision, like the
///   purposes; the auditor reads the rules to check them.
/// - retiring this computer destroys the vault for good: the owner's alone,
///   with their passphrase typed again and a typed confirmation;
/// - the unattended schedule puts a second way to the database key in this
///   computer's keyring (see `keys::schedule`): only the owner, who holds
///   the keys, decides to make that trade;
/// - the dashboard is for those who run the shop (owner, manager): counts
///   over all customers, plus the week's birthdays of those who agreed to
///   the birthday offer, names included, which their full view holds
///   anyway. Staff serve one customer at a time; marketing works from
///   audiences; the auditor checks records, not the shop's trade.
/// - importing a list of people who have not agreed to anything yet is
///   the owner's decision alone (she answers for holding it); whoever
///   serves customers at the till finds an invitation, opens it to
///   pre-fill the consent form and erases it when the person refuses;
///   how many wait and when they go (counts only) is for those who run
///   the shop, owner and manager. Marketing never sees invitations: nobody
///   on the list agreed to marketing; the auditor has no need of the names.
const MATRIX: &[(Action, &[Role])] = &[
    (Action::ViewHome, &Role::ALL),
    (Action::ChangeOwnPassphrase, &Role::ALL),
    (Action::ChooseOwnLanguage, &Role::ALL),
    (Action::ListUsers, &[Role::Owner, Role::Auditor]),
    (Action::ManageUsers, &[Role::Owner]),
    (Action::ChangeSettings, &[Role::Owner]),
    (Action::VerifyAuditLog, &[Role::Owner, Role::Auditor]),
    (Action::ViewNotice, &Role::ALL),
    (Action::ManagePurposes, &[Role::Owner]),
    (
        Action::RecordConsent,
        &[Role::Owner, Role::Manager, Role::Staff],
    ),
    (
        Action::ViewConsentHistory,
        &[Role::Owner, Role::Manager, Role::Staff, Role::Auditor],
    ),
    (
        Action::ViewReceipt,
        &[Role::Owner, Role::Manager, Role::Staff, Role::Auditor],
    ),
    (Action::SearchCustomers, SHOP_FLOOR),
    (
        Action::ViewCustomer,
        &[Role::Owner, Role::Manager, Role::Staff, Role::Marketing],
    ),
    (Action::EditCustomer, &[Role::Owner, Role::Manager]),
    (Action::RecordPurchase, SHOP_FLOOR),
    (Action::AddNote, SHOP_FLOOR),
    (Action::ManageTasks, SHOP_FLOOR),
    (Action::RedeemPoints, SHOP_FLOOR),
    (Action::ViewAudience, &[Role::Owner, Role::Marketing]),
    (Action::ViewAccessLog, &[Role::Owner, Role::Auditor]),
    (Action::ManageRecipients, &[Role::Owner]),
    (Action::RestrictCustomer, &[Role::Owner, Role::Manager]),
    (Action::ObjectToMarketing, SHOP_FLOOR),
    (Action::ExportForCustomer, &[Role::Owner, Role::Manager]),
    (Action::EraseCustomer, &[Role::Owner, Role::Manager]),
    (Action::ScanForResidue, &[Role::Owner, Role::Auditor]),
    (
        Action::ViewDestructionRecords,
        &[Role::Owner, Role::Auditor],
    ),
    (Action::ManageLegalHold, &[Role::Owner]),
    (Action::RunRetention, &[Role::Owner]),
    (Action::ViewRetention, &[Role::Owner, Role::Auditor]),
    (Action::ManageUnattendedSchedule, &[Role::Owner]),
    (Action::ViewRecordKeeping, &[Role::Owner, Role::Auditor]),
    (Action::ManageRecordKeeping, &[Role::Owner]),
    (Action::MakeBackup, &[Role::Owner, Role::Manager]),
    (
        Action::VerifyBackups,
        &[Role::Owner, Role::Manager, Role::Auditor],
    ),
    (Action::RestoreBackup, &[Role::Owner]),
    (Action::RetireComputer, &[Role::Owner]),
    (Action::ViewDashboard, &[Role::Owner, Role::Manager]),
    (Action::ImportInvitations, &[Role::Owner]),
    (Action::ServeInvitations, SHOP_FLOOR),
    (Action::ViewInvitationCounts, &[Role::Owner, Role::Manager]),
];

/// The roles that serve customers in the shop.
const SHOP_FLOOR: &[Role] = &[Role::Owner, Role::Manager, Role::Staff];

/// Whether `role` may take `action`, according to the matrix.
pub fn is_allowed(role: Role, action: Action) -> bool {
    MATRIX
        .iter()
        .find(|(a, _)| *a == action)
        .is_some_and(|(_, roles)| roles.contains(&role))
}

/// Every action `role` may take, for a UI that shows only what it can use
/// (the core still checks each call).
pub fn allowed_actions(role: Role) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| is_allowed(role, *a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row_in_the_matrix() {
        for action in Action::ALL {
            let rows = MATRIX.iter().filter(|(a, _)| *a == action).count();
            assert_eq!(rows, 1, "{action}");
        }
        assert_eq!(MATRIX.len(), Action::ALL.len());
    }

    #[test]
    fn role_ids_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
