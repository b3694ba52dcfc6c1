//! Erasing a customer as a whole (GDPR Art. 17), walking the register of
//! customer data: every table whose `Erasure` is `Delete` or
//! `CascadeFrom` loses the customer's rows in one transaction, together
//! with the signed withdrawal of every purpose they agreed to (their
//! erasure confirmation), a tombstone and a destruction record. Then the
//! journal is folded back and emptied, and every page of the vault is read
//! back decrypted to check that none of the erased values is still there;
//! if one is (old bytes SQLite left in the gap of a page it rebuilt, which
//! `secure_delete` never zeroes), the file is rewritten and read again.
//! The destruction record keeps what that check found.
//!
//! What stays, and why (the register's `Kept`): the consent ledger and the
//! receipts (proof of what was decided, naming the customer by a random id
//! only), the audit log and the disclosures (who accessed or received
//! what, never a value). Where the shop's law keeps sales records
//! (`record_keeping`), the customer's purchases are copied first into the
//! bookkeeping table without them (day, total, currency), then go with the
//! record like everything else.

use std::collections::BTreeMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::audit::{AuditEvent, Outcome, Subject};
use crate::consent::acts::checked_signature;
use crate::consent::once::{FormSeen, OwnedFormMark};
use crate::consent::receipts::{FormMark, Receipt};
use crate::consent::record::{record_decisions, Act};
use crate::consent::{
    ledger, CollectionMethod, Decision, IdentityCheck, Recorded, Signature, Withdrawal,
};
use crate::error::{Error, Result, Warning};
use crate::language::Lang;
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id::MEMBERSHIP;
use crate::record_keeping;
use crate::records::erasure::{self as tombstones, DestructionRecord, NewRecord, Residue};
use crate::records::{
    bookkeeping, customer, fields, legal_hold, loyalty, notes, recipients, restriction, search,
    signatures, tasks,
};
use crate::register::{self, CustomerKey, Erasure, REGISTER};
use crate::store::{pages, Tx, Vault};

/// The ground for erasing a customer's data (GDPR Art. 17(1)), as a word:
/// the destruction record and the tombstone keep this, never typed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErasureGround {
    /// The customer asked for their data to be erased.
    CustomerRequest,
    /// The customer withdrew their membership (Art. 17(1)(b)).
    ConsentWithdrawn,
    /// The customer objected and nothing overrides it (Art. 17(1)(c)).
    Objection,
    /// The data is no longer needed for what it was collected for (a).
    NoLongerNeeded,
    /// The data was processed unlawfully (d).
    Unlawful,
    /// A law requires the erasure (e).
    LegalObligation,
}

impl ErasureGround {
    pub const ALL: [ErasureGround; 6] = [
        ErasureGround::CustomerRequest,
        ErasureGround::ConsentWithdrawn,
        ErasureGround::Objection,
        ErasureGround::NoLongerNeeded,
        ErasureGround::Unlawful,
        ErasureGround::LegalObligation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErasureGround::CustomerRequest => "customer-request",
            ErasureGround::ConsentWithdrawn => "consent-withdrawn",
            ErasureGround::Objection => "objection",
            ErasureGround::NoLongerNeeded => "no-longer-needed",
            ErasureGround::Unlawful => "unlawful",
            ErasureGround::LegalObligation => "legal-obligation",
        }
    }

    /// Parses one of the words of [`ErasureGround::as_str`].
    pub fn parse(s: &str) -> Result<ErasureGround> {
        ErasureGround::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or(Error::InvalidInput {
                field: "reason",
                reason: "say customer-request, consent-withdrawn, objection, no-longer-needed, unlawful or legal-obligation",
            })
    }
}

/// A customer's request to erase everything held about them, as staff
/// took it: how it was made, how their identity was checked.
#[derive(Debug, Clone)]
pub struct ErasureRequest {
    /// The confirmation's language; `None` for the customer's own.
    pub lang: Option<Lang>,
    pub ground: ErasureGround,
    pub method: CollectionMethod,
    pub identity_check: IdentityCheck,
    /// Required when the request is signed on the screen.
    pub signature: Option<Signature>,
}

/// What an erasure did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Erased {
    /// The erased customer's number (never given to anyone else).
    pub customer_id: i64,
    /// The signed withdrawal of every purpose: the customer's erasure
    /// confirmation.
    pub receipt: Receipt,
    /// The catalog fields whose values were erased.
    pub erased_fields: Vec<String>,
    pub destruction_record: DestructionRecord,
    /// How many recipients received some of the customer's data and must
    /// now be told (Art. 19).
    pub recipients_to_tell: usize,
    pub warnings: Vec<Warning>,
}

/// The values to look for after the erasure, read before it: what the
/// customer typed or staff wrote about them, long enough not to match by
/// chance. Kept in memory only, and wiped after the check.
pub(crate) fn values_to_check(
    conn: &rusqlite::Connection,
    customer_id: i64,
) -> Result<Vec<Zeroizing<String>>> {
    let mut values: Vec<String> = fields::held(conn, customer_id)?.into_values().collect();
    values.extend(
        notes::recent(conn, customer_id, usize::MAX)?
            .into_iter()
            .map(|n| n.text),
    );
    values.extend(
        tasks::list(conn, customer_id, false)?
            .into_iter()
            .map(|t| t.title),
    );
    values.extend(restriction::get(conn, customer_id)?.and_then(|r| r.reason));
    values.extend(loyalty::account(conn, customer_id)?.map(|l| l.number));
    values.extend(legal_hold::get(conn, customer_id)?.map(|h| h.reason));
    values.extend(signatures::typed_names(conn, customer_id)?);
    let mut out: Vec<Zeroizing<String>> = Vec::new();
    for v in values {
        let v = Zeroizing::new(v);
        if v.chars().count() >= MIN_CHECKED_CHARS && !out.iter().any(|o| **o == *v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// The rows each table of the register would lose if the customer were
/// erased, counted before they go (the same reading the customer's export
/// makes); tables with none are left out.
pub(crate) fn rows_held(
    conn: &rusqlite::Connection,
    customer_id: i64,
    public_id: &str,
) -> Result<BTreeMap<String, u64>> {
    let key = CustomerKey {
        id: customer_id,
        public_id: public_id.to_owned(),
    };
    let mut rows: BTreeMap<String, u64> = BTreeMap::new();
    for h in REGISTER.iter().filter(|h| h.erasure != Erasure::Kept) {
        let n = (h.export)(conn, &key)?.len() as u64;
        if n > 0 {
            rows.insert(h.table.to_owned(), n);
        }
    }
    Ok(rows)
}

/// The erasure's writes, inside the caller's transaction, whoever asked
/// for it (the customer, or the retention schedule): the ledger rows of
/// `decisions` and the signed receipt, the notices owed to recipients, every
/// row the register erases, and the tombstone. Returns the receipt and how
/// many recipients must be told.
pub(crate) fn bury_customer(
    tx: &mut Tx<'_>,
    act: &Act<'_>,
    decisions: &[(String, Decision)],
    erased_fields: &[String],
    ground: &str,
) -> Result<(Receipt, usize)> {
    let receipt = record_decisions(tx, act, decisions, erased_fields)?;
    let customer_id = act.customer_id;
    let to_tell = recipients::queue_notices(tx.conn(), customer_id, "erased", None, tx.now)?;
    // Where the shop's law keeps sales records, the customer's purchases
    // stay as bookkeeping rows without them (the day, total and currency).
    if record_keeping::get(tx.conn(), record_keeping::Category::SalesRecords)?.keeps() {
        bookkeeping::keep_without_customer(tx.conn(), customer_id)?;
    }
    search::remove(tx.conn(), customer_id)?;
    customer::delete(tx.conn(), customer_id)?;
    tombstones::bury(tx.conn(), customer_id, act.customer_ref, ground, tx.now)?;
    Ok((receipt, to_tell))
}

/// The tables (with their indexes) that can hold the values an erasure
/// looks for afterwards: those `values_to_check` reads, and the search
/// index's shadow tables, which copy some of them. The residue check reads
/// every page of these, the free pages and the journal; the other tables
/// (purchases, the ledger, receipts, the audit log) never hold them.
const HOLD_CHECKED_VALUES: &[&str] = &[
    "customer_field",
    "customer_note",
    "customer_task",
    "customer_restriction",
    "loyalty_account",
    "legal_hold",
    "consent_signature",
    "customer_search_content",
    "customer_search_data",
    "customer_search_idx",
    "customer_search_docsize",
    "customer_search_config",
    // An invitation holds a name, contact details and notes until the
    // person joins (the same values then live in their record), refuses
    // or the invitation expires.
    "invitation",
];

/// Shorter values are not looked for after an erasure: they match other
/// customers' data and the vault's own words by chance.
const MIN_CHECKED_CHARS: usize = 5;

/// The forms a stored text can take in the vault: as typed, in lower case,
/// and folded as the search index keeps it (lower case, accents dropped).
pub(crate) fn stored_forms(text: &str) -> Vec<Vec<u8>> {
    let lower = text.to_lowercase();
    let folded: String = lower
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    let mut forms = vec![text.as_bytes().to_vec()];
    for f in [lower, folded] {
        if !forms.contains(&f.as_bytes().to_vec()) {
            forms.push(f.into_bytes());
        }
    }
    forms
}

/// Who erases, on which trigger and ground.
struct How<'a> {
    by: (i64, crate::Role),
    trigger: &'static str,
    ground: &'a str,
    /// What the audit entry gives as its reason.
    logged_as: &'static str,
}

impl Vault {
    /// Withdraws purposes at the customer's request. Withdrawing membership
    /// erases the whole record (no customer record exists without it: GDPR
    /// Art. 17(1)(b)), in one act whatever else was named, and its receipt
    /// is the erasure confirmation; any other purpose is withdrawn as
    /// `consent::acts` does, erasing the values no remaining purpose needs.
    /// A form sent twice is recorded once either way.
    pub fn withdraw_consent(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: Withdrawal,
    ) -> Result<Recorded> {
        self.authorize(session, Action::RecordConsent)?;
        if !request.purposes.iter().any(|p| p == MEMBERSHIP) {
            return self.withdraw_purposes(session, customer_id, request);
        }
        let mark = match self.withdrawal_seen(session, customer_id, &request)? {
            FormSeen::Recorded(again) => return Ok(again),
            FormSeen::New(mark) => mark,
        };
        let form = mark.as_ref().map(OwnedFormMark::as_mark);
        let erased = self.erase(
            session,
            customer_id,
            ErasureRequest {
                lang: request.lang,
                ground: ErasureGround::ConsentWithdrawn,
                method: request.method,
                identity_check: request.identity_check,
                signature: request.signature,
            },
            form.as_ref(),
        )?;
        Ok(Recorded {
            customer_id,
            receipt: erased.receipt,
            erased_fields: erased.erased_fields,
            warnings: erased.warnings,
            repeated: false,
        })
    }

    /// Erases everything held about a customer at their request (or when
    /// they withdraw membership): see the module's description. Owner and
    /// manager; allowed while the record is restricted. `CustomerNotFound`
    /// for a number that is not (or no longer) a customer.
    pub fn erase_customer(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: ErasureRequest,
    ) -> Result<Erased> {
        self.authorize(session, Action::EraseCustomer)?;
        self.erase(session, customer_id, request, None)
    }

    /// The erasure itself; the caller has authorized it (a withdrawal of
    /// membership comes here too, with its form's mark).
    pub(crate) fn erase(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        request: ErasureRequest,
        form: Option<&FormMark<'_>>,
    ) -> Result<Erased> {
        crate::consent::handover::check_act_for(session, Some(customer_id))?;
        legal_hold::ensure_not_held(&self.conn, customer_id)?;
        let ground = request.ground.as_str();
        let how = How {
            by: (session.user_id(), session.role()),
            trigger: "customer-request",
            ground,
            logged_as: ground,
        };
        self.erase_as(customer_id, request, form, how)
    }

    /// An erasure that already happened once, replayed on restored data (a
    /// backup made before it): the same erasure, written down as
    /// `restore-replay` with the original ground, by the person restoring.
    /// No legal hold stops it: the customer was erased, so no hold was in
    /// force then.
    pub(crate) fn replay_erasure(
        &mut self,
        by: (i64, crate::Role),
        customer_id: i64,
        ground: &str,
    ) -> Result<Erased> {
        let request = ErasureRequest {
            lang: None,
            ground: ErasureGround::CustomerRequest,
            // Carried over from the erasure recorded before the restore.
            method: CollectionMethod::Imported,
            identity_check: IdentityCheck::KnownCustomer,
            signature: None,
        };
        let how = How {
            by,
            trigger: "restore-replay",
            ground,
            logged_as: "restore-replay",
        };
        self.erase_as(customer_id, request, None, how)
    }

    fn erase_as(
        &mut self,
        customer_id: i64,
        request: ErasureRequest,
        form: Option<&FormMark<'_>>,
        how: How<'_>,
    ) -> Result<Erased> {
        let public_id = customer::public_id(&self.conn, customer_id)?;
        let signature = checked_signature(request.method, request.signature.as_ref())?;
        let lang = match request.lang {
            Some(l) => l,
            None => customer::lang(&self.conn, customer_id)?,
        };
        let notice = self.current_notice_for(lang, None)?;
        let granted = ledger::granted(&self.conn, &public_id)?;
        let decisions: Vec<(String, Decision)> = granted
            .iter()
            .map(|p| (p.clone(), Decision::Withdraw))
            .collect();
        let erased_fields = fields::held_keys(&self.conn, customer_id)?;
        let rows = rows_held(&self.conn, customer_id, &public_id)?;
        let mut values = values_to_check(&self.conn, customer_id)?;
        // The name typed to sign this very request is stored with its
        // receipt, then erased with the rest: looked for too.
        if let Some(Signature::Typed(typed)) = &request.signature {
            values.extend(typed.checked_name().ok().map(Zeroizing::new));
        }
        let (user_id, role) = how.by;
        let ground = how.ground;
        let (receipt, record_id, recipients_to_tell) = self.transact("erase a customer", |tx| {
            let (receipt, to_tell) = bury_customer(
                tx,
                &Act {
                    customer_id,
                    customer_ref: &public_id,
                    notice: &notice,
                    method: request.method,
                    identity_check: request.identity_check,
                    recorded_by: user_id,
                    signature: signature.as_ref(),
                    form,
                },
                &decisions,
                &erased_fields,
                ground,
            )?;
            let record_id = tombstones::record(
                tx.conn(),
                &NewRecord {
                    trigger: how.trigger,
                    ground,
                    by: Some((user_id, role)),
                    rows: &rows,
                    method: None,
                },
                tx.now,
            )?;
            tx.audit(
                AuditEvent::new("customer.erase", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(how.logged_as)
                    .touching(
                        erased_fields
                            .iter()
                            .filter_map(|k| crate::catalog::spec(k).ok().map(|s| s.key)),
                    ),
            )?;
            Ok((receipt, record_id, to_tell))
        })?;
        let mut warnings = self.warnings();
        let residue = self.check_erased(&values, "erase a customer", &mut warnings)?;
        drop(values);
        tombstones::set_residue(&self.conn, record_id, residue.0, residue.1)?;
        let destruction_record =
            tombstones::find(&self.conn, record_id)?.ok_or(Error::VaultDamaged {
                reason: "a destruction record just written cannot be read back",
            })?;
        Ok(Erased {
            customer_id,
            receipt,
            erased_fields,
            destruction_record,
            recipients_to_tell,
            warnings,
        })
    }

    /// Folds the journal back, empties it and reads the tables that held
    /// `values`; see [`Vault::scrub_residue`]. Returns the result and how
    /// many values were checked.
    /// The retention schedule checks a whole run's values this way too.
    pub(crate) fn check_erased(
        &self,
        values: &[Zeroizing<String>],
        op: &'static str,
        warnings: &mut Vec<Warning>,
    ) -> Result<(Residue, usize)> {
        if self.checkpoint_wal(op).is_err() {
            warnings.push(Warning::JournalNotCleared);
            return Ok((Residue::NotChecked, 0));
        }
        let values: Vec<&Zeroizing<String>> = values
            .iter()
            .filter(|v| v.chars().count() >= MIN_CHECKED_CHARS)
            .collect();
        Ok((self.scrub_residue(&values, op)?, values.len()))
    }

    /// Once the rows are deleted and the journal emptied: reads every
    /// page of the tables that can hold `values` (all at once), the free
    /// pages, the journal and shared memory, and if one is still there that
    /// no one holds any more,
    /// rewrites the file ([`Vault::rewrite_file`]) and reads it again.
    /// Every page, not only those the erasure changed: the bytes left in
    /// a page's gap by an earlier rebuild of it (`secure_delete` never
    /// zeroes them) can be on a page the erasure did not touch.
    pub(crate) fn scrub_residue(
        &self,
        values: &[&Zeroizing<String>],
        op: &'static str,
    ) -> Result<Residue> {
        if !self.residue_left(values)? {
            return Ok(Residue::Clean);
        }
        if self.rewrite_file(op).is_err() || self.residue_left(values)? {
            return Ok(Residue::Found);
        }
        Ok(Residue::Clean)
    }

    /// Whether any of `values` is in the vault's files but held by no one
    /// (a value another customer also has is theirs, not residue).
    fn residue_left(&self, values: &[&Zeroizing<String>]) -> Result<bool> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        for (i, value) in values.iter().enumerate() {
            for form in stored_forms(value) {
                patterns.push(form);
                owner.push(i);
            }
        }
        let roots = pages::tree_roots(&self.conn, HOLD_CHECKED_VALUES)?;
        let found = pages::scan_trees(self.path(), self.db_key(), &roots, &patterns);
        patterns.iter_mut().for_each(zeroize::Zeroize::zeroize);
        for pattern in found? {
            if !register::still_held(&self.conn, values[owner[pattern]])? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
