//! The accounts of the people who use the shop computer (table
//! `user_account`): username, role, passphrase hash, the login back-off and
//! whether the account is disabled, and the language of its screens. This module owns the table's SQL; the
//! rules (who may add or change an account, how a login works) are in
//! `users` and `session`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::language::Lang;
use crate::permissions::Role;
use crate::time::{format_ts, parse_ts};

/// A user account as the owner sees it in the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_passphrase: bool,
    pub created_at: String,
    /// The language this account's screens use; `None`: the shop's default.
    pub language: Option<Lang>,
}

pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub passphrase_hash: String,
    pub must_change_passphrase: bool,
    pub disabled: bool,
    pub failed_logins: u32,
    pub retry_not_before: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "id, role, passphrase_hash, must_change_passphrase, disabled, \
     failed_logins, retry_not_before, username";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    let retry: Option<String> = r.get(6)?;
    Ok(UserRow {
        id: r.get(0)?,
        role: r.get(1)?,
        passphrase_hash: r.get(2)?,
        must_change_passphrase: r.get(3)?,
        disabled: r.get(4)?,
        failed_logins: r.get(5)?,
        retry_not_before: retry.as_deref().and_then(parse_ts),
        username: r.get(7)?,
    })
}

const SUMMARY_COLUMNS: &str =
    "username, role, disabled, must_change_passphrase, created_at, language";

fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserSummary> {
    Ok(UserSummary {
        username: r.get(0)?,
        role: r.get(1)?,
        disabled: r.get(2)?,
        must_change_passphrase: r.get(3)?,
        created_at: r.get(4)?,
        language: r.get(5)?,
    })
}

pub(crate) fn validate_username(name: &str) -> Result<String> {
    let name = name.trim();
    let bad = |reason| Error::InvalidInput {
        field: "username",
        reason,
    };
    if name.is_empty() || name.chars().count() > 64 {
        return Err(bad("use 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(bad("use letters, digits, '.', '_' or '-' only"));
    }
    Ok(name.to_owned())
}

/// Whether `username` could be mistaken for an existing account's name:
/// the same after case folding and Unicode's confusable mapping (a Cyrillic
/// `о` for a Latin `o`, a `0` for an `O`...), so nobody can add a look-alike
/// of the owner's account.
pub(crate) fn looks_taken(conn: &Connection, username: &str) -> Result<bool> {
    let wanted = skeleton_of(username);
    Ok(list(conn)?
        .iter()
        .any(|u| skeleton_of(&u.username) == wanted))
}

fn skeleton_of(name: &str) -> String {
    unicode_security::skeleton(&name.to_lowercase())
        .collect::<String>()
        .to_lowercase()
}

pub(crate) fn find(conn: &Connection, username: &str) -> Result<Option<UserRow>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM user_account WHERE username = ?1"),
        [username.trim()],
        user_row,
    )
    .optional()
    .map_err(Error::db("look up an account"))
}

/// The passphrase hash (PHC string) an account holds now.
pub(crate) fn passphrase_hash_of(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT passphrase_hash FROM user_account WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .map_err(Error::db("look up an account"))
}

pub(crate) fn by_id(conn: &Connection, id: i64) -> Result<Option<UserRow>> {
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM user_account WHERE id = ?1"
    ))
    .and_then(|mut s| s.query_row([id], user_row).optional())
    .map_err(Error::db("look up an account"))
}

/// The id of the account with this username, or `UserNotFound`.
pub(crate) fn id_of(conn: &Connection, username: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM user_account WHERE username = ?1",
        [username.trim()],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("look up an account"))?
    .ok_or(Error::UserNotFound)
}

/// How a record names who made it: the username, or `user:<id>` once the
/// account is gone.
pub(crate) fn display_name(conn: &Connection, id: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT username FROM user_account WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get::<_, String>(0)).optional())
        .map_err(Error::db("look up an account"))?
        .unwrap_or_else(|| format!("user:{id}")))
}

/// Adds an account; returns its id.
pub(crate) fn insert(
    conn: &Connection,
    username: &str,
    role: Role,
    passphrase_hash: &str,
    must_change_passphrase: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO user_account (username, role, passphrase_hash, must_change_passphrase, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![username, role.as_str(), passphrase_hash, must_change_passphrase, format_ts(now)],
    )
    .map_err(Error::db("add an account"))?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn record_failed_login(
    conn: &Connection,
    id: i64,
    failures: u32,
    retry_not_before: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET failed_logins = ?1, retry_not_before = ?2 WHERE id = ?3",
        params![failures, format_ts(retry_not_before), id],
    )
    .map_err(Error::db("record a failed login"))?;
    Ok(())
}

/// After a sign-in with the passphrase: no back-off, and the PIN works
/// again (it stops after five wrong ones in a row).
pub(crate) fn clear_failed_logins(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET failed_logins = 0, retry_not_before = NULL, pin_failures = 0
         WHERE id = ?1",
        [id],
    )
    .map_err(Error::db("record a login"))?;
    Ok(())
}

/// Replaces an account's passphrase hash; `reset` also clears the back-off
/// (the recovery key's reset).
pub(crate) fn set_passphrase_hash(
    conn: &Connection,
    id: i64,
    hash: &str,
    reset: bool,
) -> Result<()> {
    let sql = if reset {
        "UPDATE user_account SET passphrase_hash = ?1, must_change_passphrase = 0,
         failed_logins = 0, retry_not_before = NULL WHERE id = ?2"
    } else {
        "UPDATE user_account SET passphrase_hash = ?1, must_change_passphrase = 0 WHERE id = ?2"
    };
    conn.execute(sql, params![hash, id])
        .map_err(Error::db("change a passphrase"))?;
    Ok(())
}

pub(crate) fn disable(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("UPDATE user_account SET disabled = 1 WHERE id = ?1", [id])
        .map_err(Error::db("disable an account"))?;
    Ok(())
}

/// Sets the language of an account's screens (`None`: the shop's default).
pub(crate) fn set_language(conn: &Connection, id: i64, language: Option<Lang>) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET language = ?1 WHERE id = ?2",
        params![language.map(Lang::code), id],
    )
    .map_err(Error::db("change an account's language"))?;
    Ok(())
}

/// The language an account chose for its screens, if any.
pub(crate) fn language_of(conn: &Connection, id: i64) -> Result<Option<Lang>> {
    conn.prepare_cached("SELECT language FROM user_account WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .map_err(Error::db("read an account's language"))
}

pub(crate) fn set_role(conn: &Connection, id: i64, role: Role) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET role = ?1 WHERE id = ?2",
        params![role.as_str(), id],
    )
    .map_err(Error::db("change a role"))?;
    Ok(())
}

/// All accounts, by username.
pub(crate) fn list(conn: &Connection) -> Result<Vec<UserSummary>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM user_account ORDER BY username COLLATE NOCASE"
        ))
        .map_err(Error::db("list accounts"))?;
    let users = stmt
        .query_map([], summary_row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(Error::db("list accounts"))?;
    Ok(users)
}

pub(crate) fn summary(conn: &Connection, username: &str) -> Result<UserSummary> {
    conn.query_row(
        &format!("SELECT {SUMMARY_COLUMNS} FROM user_account WHERE username = ?1"),
        [username],
        summary_row,
    )
    .optional()
    .map_err(Error::db("read an account"))?
    .ok_or(Error::UserNotFound)
}

/// The first active owner's account number: who acts for the shop when
/// the recovery key (the owner's) restores a vault with nobody signed in.
pub(crate) fn first_active_owner(conn: &Connection) -> Result<Option<i64>> {
    conn.query_row(
        "SELECT min(id) FROM user_account WHERE role = 'owner' AND disabled = 0",
        [],
        |r| r.get(0),
    )
    .map_err(Error::db("find the shop's owner"))
}

pub(crate) fn active_owner_count(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM user_account WHERE role = 'owner' AND disabled = 0",
        [],
        |r| r.get(0),
    )
    .map_err(Error::db("count owners"))
}

/// (all accounts, active accounts), for `steward status`.
pub(crate) fn counts(conn: &Connection) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT count(*), coalesce(sum(disabled = 0), 0) FROM user_account",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(Error::db("count records"))
}

/// An account's PIN hash (if it set one) and its wrong PINs in a row.
pub(crate) fn pin_of(conn: &Connection, id: i64) -> Result<(Option<String>, u32)> {
    conn.prepare_cached("SELECT pin_hash, pin_failures FROM user_account WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
        .map_err(Error::db("read a PIN"))
}

/// Sets (or, with `None`, removes) an account's PIN hash; either way the
/// count of wrong PINs starts again.
pub(crate) fn set_pin_hash(conn: &Connection, id: i64, hash: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET pin_hash = ?1, pin_failures = 0 WHERE id = ?2",
        params![hash, id],
    )
    .map_err(Error::db("set a PIN"))?;
    Ok(())
}

/// Removes every account's PIN (quick switch turned off).
pub(crate) fn clear_all_pins(conn: &Connection) -> Result<usize> {
    conn.execute(
        "UPDATE user_account SET pin_hash = NULL, pin_failures = 0 WHERE pin_hash IS NOT NULL",
        [],
    )
    .map_err(Error::db("remove the PINs"))
}

pub(crate) fn record_pin_failure(conn: &Connection, id: i64, failures: u32) -> Result<()> {
    conn.execute(
        "UPDATE user_account SET pin_failures = ?1 WHERE id = ?2",
        params![failures, id],
    )
    .map_err(Error::db("record a wrong PIN"))?;
    Ok(())
}

/// Who has a PIN, by username (for the owner's list of users).
pub(crate) fn with_pin(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT username FROM user_account WHERE pin_hash IS NOT NULL ORDER BY username",
        )
        .map_err(Error::db("list PINs"))?;
    let names = stmt
        .query_map([], |r| r.get(0))
        .and_then(Iterator::collect)
        .map_err(Error::db("list PINs"))?;
    Ok(names)
}
