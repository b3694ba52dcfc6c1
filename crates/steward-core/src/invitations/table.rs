//! The tables `invitation` and `invitation_policy`: the only SQL on them.
//! Decides nothing: who may import, find, open or erase an invitation is
//! decided by the callers (`invitations`, `crm::find`, `rights`,
//! `retention`).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::time::{format_ts, parse_ts};

/// One invitation's values, checked by the customer catalog's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Values {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

/// One invitation as stored.
pub(crate) struct Stored {
    pub values: Values,
    pub imported_at: DateTime<Utc>,
}

/// The words of `text` as the till's search compares them: lower case,
/// accents dropped, each word after one space (`" nuria puig"`), so that
/// `LIKE '% nur%'` finds a word by its beginning.
pub(crate) fn search_key(text: &str) -> String {
    let lower = text.to_lowercase();
    // Plain ASCII has no accents to drop (most names on most lists).
    let folded: String = if lower.is_ascii() {
        lower
    } else {
        lower
            .nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .collect()
    };
    let mut key = String::with_capacity(folded.len() + 4);
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        key.push(' ');
        key.push_str(word);
    }
    key
}

/// Stores one invitation (`now` as [`format_ts`] writes it: an import
/// formats it once); returns its number.
pub(crate) fn insert(conn: &Connection, values: &Values, now: &str, by: i64) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO invitation
             (name, email, phone, notes, name_key, email_key, imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            values.name,
            values.email,
            values.phone,
            values.notes,
            search_key(&values.name),
            values.email.as_ref().map(|e| e.to_lowercase()),
            now,
            by,
        ])
    })
    .map_err(Error::db("store the invitations"))?;
    Ok(conn.last_insert_rowid())
}

/// The e-mail addresses (lower case) and phone numbers of every waiting
/// invitation, to refuse a second one for the same person.
pub(crate) fn contacts(conn: &Connection) -> Result<(HashSet<String>, HashSet<String>)> {
    let mut emails = HashSet::new();
    let mut phones = HashSet::new();
    let mut stmt = conn
        .prepare_cached("SELECT email_key, phone FROM invitation")
        .map_err(Error::db("read the invitations"))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })
        .map_err(Error::db("read the invitations"))?;
    for row in rows {
        let (email, phone) = row.map_err(Error::db("read the invitations"))?;
        emails.extend(email);
        phones.extend(phone);
    }
    Ok((emails, phones))
}

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    let at: String = r.get(4)?;
    Ok(Stored {
        values: Values {
            name: r.get(0)?,
            email: r.get(1)?,
            phone: r.get(2)?,
            notes: r.get(3)?,
        },
        imported_at: parse_ts(&at).unwrap_or_default(),
    })
}

const SELECT: &str = "SELECT name, email, phone, notes, imported_at FROM invitation";

/// One invitation, if it is still waiting.
pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], stored).optional())
        .map_err(Error::db("read the invitation"))
}

/// What a till search asks of the invitations.
pub(crate) enum Wanted<'a> {
    /// A whole e-mail address, lower case.
    Email(&'a str),
    /// A phone number's digits, with or without the country code.
    Number(&'a str),
    /// Words (at least three letters or digits each), every one the
    /// beginning of a word of the name.
    Words(&'a [String]),
}

/// The invitations imported from `since` on matching `wanted` (at most
/// `limit`), by number, with their names, in the order of their names.
pub(crate) fn matching(
    conn: &Connection,
    wanted: &Wanted<'_>,
    since: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(i64, String)>> {
    let err = Error::db("search the invitations");
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let since = format_ts(since);
    let collect = |mut s: rusqlite::CachedStatement<'_>, p: &[&dyn rusqlite::ToSql]| {
        s.query_map(p, |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()
    };
    match wanted {
        Wanted::Email(email) => conn
            .prepare_cached(
                "SELECT id, name FROM invitation WHERE email_key = ?1 AND imported_at >= ?3
                 ORDER BY name_key LIMIT ?2",
            )
            .and_then(|s| collect(s, &[email, &limit, &since]))
            .map_err(err),
        // The number whole, or without its first one to three digits (the
        // country code), as the customers' index keeps it (`phone_terms`).
        Wanted::Number(digits) => conn
            .prepare_cached(
                "SELECT id, name FROM invitation
                 WHERE imported_at >= ?3
                   AND (phone = '+' || ?1
                    OR (length(phone) > 7 AND substr(phone, 3) = ?1)
                    OR (length(phone) > 8 AND substr(phone, 4) = ?1)
                    OR (length(phone) > 9 AND substr(phone, 5) = ?1))
                 ORDER BY name_key LIMIT ?2",
            )
            .and_then(|s| collect(s, &[digits, &limit, &since]))
            .map_err(err),
        Wanted::Words(words) => {
            // Words hold only letters and digits (the search's own
            // parsing), so no LIKE wildcard can come from what was typed.
            let patterns: Vec<String> = words
                .iter()
                .map(|w| format!("%{}%", search_key(w)))
                .filter(|p| p.len() > 2)
                .collect();
            if patterns.is_empty() {
                return Ok(Vec::new());
            }
            let clauses: Vec<String> = (0..patterns.len())
                .map(|i| format!("name_key LIKE ?{}", i + 3))
                .collect();
            let sql = format!(
                "SELECT id, name FROM invitation WHERE imported_at >= ?2 AND {}
                 ORDER BY name_key LIMIT ?1",
                clauses.join(" AND ")
            );
            let mut p: Vec<&dyn rusqlite::ToSql> = vec![&limit, &since];
            p.extend(patterns.iter().map(|x| x as &dyn rusqlite::ToSql));
            conn.prepare_cached(&sql)
                .and_then(|s| collect(s, &p))
                .map_err(err)
        }
    }
}

/// Erases one invitation (`secure_delete` zeroes its bytes); whether it
/// was there.
pub(crate) fn delete(conn: &Connection, id: i64) -> Result<bool> {
    conn.prepare_cached("DELETE FROM invitation WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map(|n| n > 0)
        .map_err(Error::db("erase the invitation"))
}

/// The values of the invitations imported before `cutoff` (or of one
/// invitation), for the residue check after they are erased: kept in
/// memory only, wiped on drop.
pub(crate) fn values_before(
    conn: &Connection,
    cutoff: DateTime<Utc>,
) -> Result<Vec<Zeroizing<String>>> {
    let mut stmt = conn
        .prepare_cached(&format!("{SELECT} WHERE imported_at < ?1"))
        .map_err(Error::db("read the invitations"))?;
    let rows = stmt
        .query_map([format_ts(cutoff)], stored)
        .map_err(Error::db("read the invitations"))?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(values_of(
            row.map_err(Error::db("read the invitations"))?.values,
        ));
    }
    Ok(out)
}

/// An invitation's values, each on its own, to look for after erasing it.
pub(crate) fn values_of(v: Values) -> Vec<Zeroizing<String>> {
    [Some(v.name), v.email, v.phone, v.notes]
        .into_iter()
        .flatten()
        .map(Zeroizing::new)
        .collect()
}

/// Erases the invitations imported before `cutoff`; how many went.
pub(crate) fn delete_before(conn: &Connection, cutoff: DateTime<Utc>) -> Result<u64> {
    conn.prepare_cached("DELETE FROM invitation WHERE imported_at < ?1")
        .and_then(|mut s| s.execute([format_ts(cutoff)]))
        .map(|n| n as u64)
        .map_err(Error::db("erase expired invitations"))
}

/// How many invitations wait, and when the oldest was imported.
pub(crate) fn waiting(conn: &Connection) -> Result<(u64, Option<DateTime<Utc>>)> {
    conn.query_row(
        "SELECT count(*), min(imported_at) FROM invitation",
        [],
        |r| {
            let n: i64 = r.get(0)?;
            let oldest: Option<String> = r.get(1)?;
            Ok((n.max(0) as u64, oldest.as_deref().and_then(parse_ts)))
        },
    )
    .map_err(Error::db("count the invitations"))
}

/// How many invitations were imported before `cutoff`.
pub(crate) fn count_before(conn: &Connection, cutoff: DateTime<Utc>) -> Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM invitation WHERE imported_at < ?1")
        .and_then(|mut s| s.query_row([format_ts(cutoff)], |r| r.get::<_, i64>(0)))
        .map(|n| n.max(0) as u64)
        .map_err(Error::db("count the invitations"))
}

/// Whether any invitation's values contain `text` (a residue check's
/// "still held for someone").
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM invitation
         WHERE instr(name, ?1) > 0 OR instr(name_key, ?1) > 0 OR instr(email, ?1) > 0
            OR instr(email_key, ?1) > 0 OR instr(phone, ?1) > 0 OR instr(notes, ?1) > 0
         LIMIT 1",
    )
    .and_then(|mut s| s.exists([text]))
    .map_err(Error::db("look for a text in the invitations"))
}

/// How long an invitation waits, in days (the owner's setting).
pub(crate) fn expire_after_days(conn: &Connection) -> Result<u32> {
    conn.query_row(
        "SELECT expire_after_days FROM invitation_policy WHERE id = 1",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|d| u32::try_from(d).unwrap_or(90))
    .map_err(Error::db("read the invitation settings"))
}

/// Sets how long an invitation waits.
pub(crate) fn set_expire_after_days(conn: &Connection, days: u32) -> Result<()> {
    conn.execute(
        "UPDATE invitation_policy SET expire_after_days = ?1 WHERE id = 1",
        [days],
    )
    .map_err(Error::db("change the invitation settings"))?;
    Ok(())
}

/// Before when an invitation must have been imported to have expired at
/// `now`.
pub(crate) fn expiry_cutoff(conn: &Connection, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    Ok(now - Duration::days(i64::from(expire_after_days(conn)?)))
}
