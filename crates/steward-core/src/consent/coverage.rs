//! Which of a customer's field values their consents cover. One rule,
//! used when a value is written, read for a role's view, withdrawn and
//! when the shop changes what it collects: **a value is kept only while a
//! purpose the customer currently grants listed that field in the notice
//! version they agreed to, and the shop still lists it there and collects
//! it.** A value no agreement covers any more is erased.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::forms::ConsentState;
use super::ledger;
use super::notices::read_notice;
use super::purposes::{enabled_fields, load_purposes};
use crate::error::Result;
use crate::language::Lang;
use crate::records::{self, customer, fields};

/// The fields each granted purpose covered in the notice the customer
/// agreed to (a field added to a purpose later needs the consent renewed).
pub(crate) fn agreed_fields(
    conn: &Connection,
    lang: Lang,
    granted: &[ConsentState],
) -> Result<Vec<(String, BTreeSet<String>)>> {
    let mut notices = BTreeMap::new();
    agreed_fields_cached(conn, lang, granted, &mut notices)
}

/// [`agreed_fields`], reusing the notices already read in `cache`.
fn agreed_fields_cached(
    conn: &Connection,
    lang: Lang,
    granted: &[ConsentState],
    cache: &mut BTreeMap<i64, BTreeMap<String, BTreeSet<String>>>,
) -> Result<Vec<(String, BTreeSet<String>)>> {
    let mut out = Vec::new();
    for state in granted {
        if let Entry::Vacant(slot) = cache.entry(state.notice_version) {
            let notice = read_notice(conn, lang, Some(state.notice_version))?;
            let by_purpose = notice
                .body
                .purposes
                .iter()
                .map(|p| {
                    (
                        p.id.clone(),
                        p.fields.iter().map(|f| f.key.clone()).collect(),
                    )
                })
                .collect();
            slot.insert(by_purpose);
        }
        let fields = cache[&state.notice_version]
            .get(&state.purpose)
            .cloned()
            .unwrap_or_default();
        out.push((state.purpose.clone(), fields));
    }
    Ok(out)
}

/// What the shop lists and collects today: purpose → its switched-on fields.
fn configured_fields(conn: &Connection) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let enabled: BTreeSet<&str> = enabled_fields(conn)?.iter().map(|f| f.key).collect();
    Ok(load_purposes(conn)?
        .into_iter()
        .map(|p| {
            let fields = p
                .fields
                .into_iter()
                .filter(|f| enabled.contains(f.as_str()))
                .collect();
            (p.id, fields)
        })
        .collect())
}

/// The fields whose values may be kept for a customer granting `granted`.
fn kept_fields(
    agreed: &[(String, BTreeSet<String>)],
    configured: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    agreed
        .iter()
        .flat_map(|(purpose, fields)| {
            let now = configured.get(purpose);
            fields
                .iter()
                .filter(move |f| now.is_some_and(|n| n.contains(*f)))
                .cloned()
        })
        .collect()
}

/// Erases the customer's values that `granted` (their consents as they
/// will stand) no longer covers, and refreshes their search row. Returns
/// the keys erased, sorted.
pub(crate) fn erase_uncovered(
    conn: &Connection,
    customer_id: i64,
    granted: &[ConsentState],
) -> Result<Vec<String>> {
    let lang = customer::lang(conn, customer_id)?;
    let agreed = agreed_fields(conn, lang, granted)?;
    erase_beyond(
        conn,
        customer_id,
        &kept_fields(&agreed, &configured_fields(conn)?),
    )
}

fn erase_beyond(
    conn: &Connection,
    customer_id: i64,
    kept: &BTreeSet<String>,
) -> Result<Vec<String>> {
    let erased: Vec<String> = fields::held_keys(conn, customer_id)?
        .into_iter()
        .filter(|k| !kept.contains(k))
        .collect();
    for key in &erased {
        fields::remove(conn, customer_id, key)?;
    }
    if !erased.is_empty() {
        records::sync_search(conn, customer_id)?;
    }
    Ok(erased)
}

/// After the shop changed what it collects (a purpose's fields, a field
/// switched off): erases, for every customer, the values no agreement
/// covers any more. Returns the customers touched and the fields erased.
pub(crate) fn erase_uncovered_everywhere(
    conn: &Connection,
) -> Result<(Vec<i64>, BTreeSet<&'static str>)> {
    let configured = configured_fields(conn)?;
    let mut notices = BTreeMap::new();
    let mut touched = Vec::new();
    let mut erased_keys = BTreeSet::new();
    for (id, public_id) in customer::all(conn)? {
        let granted: Vec<ConsentState> = ledger::current_state(conn, &public_id)?
            .into_iter()
            .filter(|s| s.granted)
            .collect();
        let lang = customer::lang(conn, id)?;
        let agreed = agreed_fields_cached(conn, lang, &granted, &mut notices)?;
        let erased = erase_beyond(conn, id, &kept_fields(&agreed, &configured))?;
        if !erased.is_empty() {
            touched.push(id);
            erased_keys.extend(
                erased
                    .iter()
                    .filter_map(|k| crate::catalog::spec(k).ok().map(|s| s.key)),
            );
        }
    }
    Ok((touched, erased_keys))
}
