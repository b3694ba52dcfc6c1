//! The owner's view of the purposes (Settings → What customers are asked):
//! each purpose as customers read it in one language of the current notice,
//! beside how it is configured, which languages still carry a copied text,
//! and how many customers agree to it now; and, before a purpose is added
//! or changed, what saving would do — found by saving it in a transaction
//! that is rolled back, through the same checks and steps as
//! `consent::purposes`, so the words shown cannot drift from what happens.
//!
//! It changes nothing: the rehearsal's rows and audit entries are rolled
//! back with it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::consent::ledger;
use crate::consent::notices::{read_notice, NoticePurpose};
use crate::consent::purpose_checks::{check_change, check_new};
use crate::consent::purposes::{
    apply_change, insert_purpose, load_purposes, purpose, NewPurpose, Purpose, PurposeChange,
    RetentionClock,
};
use crate::error::Result;
use crate::language::Lang;
use crate::people::Session;
use crate::permissions::Action;
use crate::records::customer;
use crate::retention::due::all_due;
use crate::store::{Tx, Vault};

/// The purposes as the owner reviews them, in form order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposesOverview {
    /// The language `shown` is worded in.
    pub lang: Lang,
    /// The notice version customers read now.
    pub notice_version: i64,
    pub purposes: Vec<PurposeOverview>,
}

/// One purpose: its settings, and what customers read about it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeOverview {
    #[serde(flatten)]
    pub purpose: Purpose,
    /// As the current notice words it in the overview's language (its
    /// fields switched on, with their names, and how long data is kept
    /// from when); `None` for a retired purpose, which the notice no
    /// longer lists.
    pub shown: Option<NoticePurpose>,
    /// Languages whose name and description are word for word another
    /// language's: a copy (a new purpose gets the first text in every
    /// language) not yet translated.
    pub untranslated: Vec<Lang>,
    /// Customers who agree to it now; only for the roles that see the
    /// dashboard's counts (owner, manager).
    pub holders: Option<u64>,
}

/// What saving a new purpose or a change would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEffects {
    pub purpose: String,
    /// A new purpose rather than a change.
    pub adds: bool,
    /// Required for membership (membership itself).
    pub required: bool,
    /// The notice version customers read now.
    pub notice_version: i64,
    /// The version saving publishes; `None` when customers would read the
    /// same notice.
    pub publishes_version: Option<i64>,
    /// Customers who agree to the purpose now.
    pub holders: u64,
    /// Fields (switched on) the purpose would list that it does not now:
    /// its current holders agreed without them, so their values are kept
    /// only once a customer agrees again under the new notice.
    pub fields_added: Vec<String>,
    /// Fields the purpose would no longer list.
    pub fields_removed: Vec<String>,
    /// Customers whose values saving erases (no agreement covers them any
    /// more), and which fields.
    pub erases_from_customers: u64,
    pub erased_fields: Vec<String>,
    /// The retention period after saving, and what starts it.
    pub retention_days: u32,
    pub retention_clock: RetentionClock,
    pub retention_changed: bool,
    /// Agreements to this purpose whose period the change ends now (they
    /// were not over before): the next retention run ends them, or, for
    /// membership, erases those customers (unless held or restricted).
    pub ends_now: u64,
    /// Whether the purpose is offered after saving.
    pub active: bool,
    /// Languages whose text saving changes (a new purpose: every language).
    pub texts_changed: Vec<Lang>,
}

/// Languages whose text is the same as another language's.
fn untranslated(p: &Purpose) -> Vec<Lang> {
    p.texts
        .iter()
        .filter(|(lang, text)| p.texts.iter().any(|(l, t)| l != *lang && t == *text))
        .map(|(lang, _)| *lang)
        .collect()
}

/// Customers (with a record) who agree to each purpose now.
fn holder_counts(conn: &rusqlite::Connection) -> Result<BTreeMap<String, u64>> {
    let customers: BTreeSet<String> = customer::all(conn)?.into_iter().map(|(_, p)| p).collect();
    let mut counts = BTreeMap::new();
    for (who, purpose, _) in ledger::agreements(conn)? {
        if customers.contains(&who) {
            *counts.entry(purpose).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Agreements to `id` whose period is over now.
fn over_now(tx: &Tx<'_>, id: &str) -> Result<BTreeSet<i64>> {
    Ok(all_due(tx.conn(), tx.now)?
        .into_iter()
        .filter(|d| d.ended.contains_key(id))
        .map(|d| d.customer_id)
        .collect())
}

/// Compares the purpose before (`None`: new) and after a rehearsed save.
fn effects(
    tx: &Tx<'_>,
    before: Option<&Purpose>,
    after: &Purpose,
    version_before: i64,
    saved: &crate::consent::purposes::Saved,
    ends_now: u64,
) -> Result<ChangeEffects> {
    let on: BTreeSet<&str> = crate::consent::purposes::enabled_fields(tx.conn())?
        .iter()
        .map(|f| f.key)
        .collect();
    let listed = |p: Option<&Purpose>| -> BTreeSet<String> {
        p.map(|p| {
            p.fields
                .iter()
                .filter(|f| on.contains(f.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    };
    let (old, new) = (listed(before), listed(Some(after)));
    let holders = ledger::holders(tx.conn(), &after.id)?.len() as u64;
    Ok(ChangeEffects {
        purpose: after.id.clone(),
        adds: before.is_none(),
        required: after.required,
        notice_version: version_before,
        publishes_version: (saved.notice_version != version_before).then_some(saved.notice_version),
        holders,
        fields_added: new.difference(&old).cloned().collect(),
        fields_removed: old.difference(&new).cloned().collect(),
        erases_from_customers: saved.erased_customers.len() as u64,
        erased_fields: saved.erased_fields.iter().map(|f| f.to_string()).collect(),
        retention_days: after.retention_days,
        retention_clock: after.retention_clock,
        retention_changed: before.is_some_and(|b| {
            b.retention_days != after.retention_days || b.retention_clock != after.retention_clock
        }),
        ends_now,
        active: after.active,
        texts_changed: Lang::ALL
            .into_iter()
            .filter(|l| before.is_none_or(|b| b.texts.get(l) != after.texts.get(l)))
            .collect(),
    })
}

impl Vault {
    /// The purposes as customers read them in `lang`, beside their
    /// settings. Everyone who may read the notice; the counts of who
    /// agrees only for those who see the dashboard, never in customer mode.
    pub fn purposes_overview(
        &mut self,
        session: &mut Session,
        lang: Lang,
    ) -> Result<PurposesOverview> {
        self.authorize(session, Action::ViewNotice)?;
        // As the session may use them now: not on a screen handed to a customer.
        let counts = session
            .allowed_actions()
            .contains(&Action::ViewDashboard)
            .then(|| holder_counts(&self.conn))
            .transpose()?;
        let notice = read_notice(&self.conn, lang, None)?;
        let purposes = load_purposes(&self.conn)?
            .into_iter()
            .map(|p| PurposeOverview {
                shown: notice.body.purpose(&p.id).cloned(),
                untranslated: untranslated(&p),
                holders: counts.as_ref().map(|c| c.get(&p.id).copied().unwrap_or(0)),
                purpose: p,
            })
            .collect();
        Ok(PurposesOverview {
            lang,
            notice_version: notice.version,
            purposes,
        })
    }

    /// What [`Vault::add_purpose`] would do with `new`, without doing it.
    /// Owner; refused as adding it would be.
    pub fn preview_new_purpose(
        &mut self,
        session: &mut Session,
        new: NewPurpose,
    ) -> Result<ChangeEffects> {
        self.authorize(session, Action::ManagePurposes)?;
        let new = check_new(&new)?;
        let version_before = read_notice(&self.conn, Lang::En, None)?.version;
        let actor: &Session = session;
        self.rehearse("preview a new purpose", |tx| {
            let saved = insert_purpose(tx, actor, &new)?;
            let after = purpose(tx.conn(), &new.id)?;
            effects(tx, None, &after, version_before, &saved, 0)
        })
    }

    /// What [`Vault::edit_purpose`] would do with `change`, without doing
    /// it. Owner; refused as the change would be.
    pub fn preview_purpose_change(
        &mut self,
        session: &mut Session,
        id: &str,
        change: PurposeChange,
    ) -> Result<ChangeEffects> {
        self.authorize(session, Action::ManagePurposes)?;
        let before = purpose(&self.conn, id)?;
        let change = check_change(&before, &change)?;
        let version_before = read_notice(&self.conn, Lang::En, None)?.version;
        let actor: &Session = session;
        self.rehearse("preview a purpose change", |tx| {
            let over_before = over_now(tx, id)?;
            let saved = apply_change(tx, actor, id, &change)?;
            let after = purpose(tx.conn(), id)?;
            let ends_now = over_now(tx, id)?.difference(&over_before).count() as u64;
            effects(tx, Some(&before), &after, version_before, &saved, ends_now)
        })
    }
}
