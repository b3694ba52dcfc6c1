//! The shop's own record (table `shop`, one row): its name, the contact
//! line and jurisdiction customers read in notices and receipts, the
//! currency the till records amounts in, the staff screens' default
//! language, the auto-lock delay, how long a
//! locked app keeps the vault open and the hourly search limit. It holds no
//! personal data. This module owns the table's SQL and knows nothing of
//! sessions: who may change what is decided by `people::settings` and
//! `consent::notices`, which call it.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::language::Lang;
use crate::store::Vault;
use crate::time::format_ts;

/// The shop's details shown in notices and on receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopProfile {
    pub name: String,
    /// How customers reach the shop about their data (address, e-mail...).
    pub contact: String,
    /// Where the shop operates: `ES`, `ID` or `EU` (`record_keeping`'s
    /// `Jurisdiction`), which picks the record-keeping defaults.
    pub jurisdiction: String,
}

impl ShopProfile {
    /// The contact line customers are told to use: the shop's name until
    /// the owner enters one.
    pub fn contact_or_name(&self) -> &str {
        if self.contact.trim().is_empty() {
            &self.name
        } else {
            &self.contact
        }
    }
}

pub(crate) fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 100
        || name.chars().any(char::is_control)
        || crate::catalog::has_direction_control(name)
    {
        return Err(Error::InvalidInput {
            field: "shop name",
            reason: "use 1 to 100 printable characters",
        });
    }
    Ok(name.to_owned())
}

/// Writes the shop's row when the vault is set up.
pub(crate) fn insert(
    conn: &Connection,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO shop (id, name, created_at) VALUES (1, ?1, ?2)",
        params![name, format_ts(now)],
    )
    .map_err(Error::db("save the shop"))?;
    Ok(())
}

pub(crate) fn name(conn: &Connection) -> Result<String> {
    conn.query_row("SELECT name FROM shop WHERE id = 1", [], |r| r.get(0))
        .map_err(Error::db("read the shop name"))
}

pub(crate) fn currency(conn: &Connection) -> Result<String> {
    conn.prepare_cached("SELECT currency FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the shop's currency"))
}

pub(crate) fn autolock_seconds(conn: &Connection) -> Result<u32> {
    conn.prepare_cached("SELECT autolock_seconds FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the auto-lock setting"))
}

/// The language of the staff screens for accounts that chose none.
pub(crate) fn staff_language(conn: &Connection) -> Result<Lang> {
    conn.prepare_cached("SELECT staff_language FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the shop's language"))
}

pub(crate) fn set_staff_language(conn: &Connection, lang: Lang) -> Result<()> {
    conn.execute(
        "UPDATE shop SET staff_language = ?1 WHERE id = 1",
        [lang.code()],
    )
    .map_err(Error::db("change a setting"))?;
    Ok(())
}

pub(crate) fn search_limit_per_hour(conn: &Connection) -> Result<u32> {
    conn.prepare_cached("SELECT search_limit_per_hour FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the search limit"))
}

pub(crate) fn set_search_limit_per_hour(conn: &Connection, limit: u32) -> Result<()> {
    conn.execute(
        "UPDATE shop SET search_limit_per_hour = ?1 WHERE id = 1",
        [limit],
    )
    .map_err(Error::db("change a setting"))?;
    Ok(())
}

pub(crate) fn close_after_locked_minutes(conn: &Connection) -> Result<u32> {
    conn.prepare_cached("SELECT close_after_locked_minutes FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the close-after-lock setting"))
}

pub(crate) fn set_close_after_locked_minutes(conn: &Connection, minutes: u32) -> Result<()> {
    conn.execute(
        "UPDATE shop SET close_after_locked_minutes = ?1 WHERE id = 1",
        [minutes],
    )
    .map_err(Error::db("change a setting"))?;
    Ok(())
}

/// Whether staff may unlock and switch users with a PIN while the vault is open.
pub(crate) fn quick_switch(conn: &Connection) -> Result<bool> {
    conn.prepare_cached("SELECT quick_switch FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the quick-switch setting"))
}

pub(crate) fn set_quick_switch(conn: &Connection, on: bool) -> Result<()> {
    conn.execute("UPDATE shop SET quick_switch = ?1 WHERE id = 1", [on])
        .map_err(Error::db("change a setting"))?;
    Ok(())
}

/// The folder the owner keeps backups in, if they set one.
pub(crate) fn backup_folder(conn: &Connection) -> Result<Option<String>> {
    conn.prepare_cached("SELECT backup_folder FROM shop WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(Error::db("read the backup folder setting"))
}

pub(crate) fn set_backup_folder(conn: &Connection, folder: Option<&str>) -> Result<()> {
    conn.execute("UPDATE shop SET backup_folder = ?1 WHERE id = 1", [folder])
        .map_err(Error::db("change a setting"))?;
    Ok(())
}

pub(crate) fn profile(conn: &Connection) -> Result<ShopProfile> {
    conn.query_row(
        "SELECT name, contact, jurisdiction FROM shop WHERE id = 1",
        [],
        |r| {
            Ok(ShopProfile {
                name: r.get(0)?,
                contact: r.get(1)?,
                jurisdiction: r.get(2)?,
            })
        },
    )
    .map_err(Error::db("read the shop's details"))
}

pub(crate) fn set_autolock_seconds(conn: &Connection, seconds: u32) -> Result<()> {
    conn.execute(
        "UPDATE shop SET autolock_seconds = ?1 WHERE id = 1",
        [seconds],
    )
    .map_err(Error::db("change a setting"))?;
    Ok(())
}

pub(crate) fn set_currency(conn: &Connection, code: &str) -> Result<()> {
    conn.execute("UPDATE shop SET currency = ?1 WHERE id = 1", [code])
        .map_err(Error::db("change a setting"))?;
    Ok(())
}

pub(crate) fn set_contact(conn: &Connection, contact: &str, jurisdiction: &str) -> Result<()> {
    conn.execute(
        "UPDATE shop SET contact = ?1, jurisdiction = ?2 WHERE id = 1",
        params![contact, jurisdiction],
    )
    .map_err(Error::db("change the shop's details"))?;
    Ok(())
}

pub(crate) fn set_jurisdiction(conn: &Connection, jurisdiction: &str) -> Result<()> {
    conn.execute(
        "UPDATE shop SET jurisdiction = ?1 WHERE id = 1",
        [jurisdiction],
    )
    .map_err(Error::db("change the jurisdiction"))?;
    Ok(())
}

impl Vault {
    /// The shop's name (shown on the login screen, so readable without login).
    pub fn shop_name(&self) -> Result<String> {
        name(&self.conn)
    }

    /// The currency the till records amounts in (ISO 4217, e.g. `EUR`).
    pub fn currency(&self) -> Result<String> {
        currency(&self.conn)
    }

    /// The language of the staff screens for accounts that chose none (a
    /// shop setting, `en` until the owner changes it).
    pub fn staff_language(&self) -> Result<Lang> {
        staff_language(&self.conn)
    }

    /// The auto-lock delay in seconds (a shop setting, default 5 minutes).
    pub fn autolock_seconds(&self) -> Result<u32> {
        autolock_seconds(&self.conn)
    }

    /// The most different customers the searches of one manager or staff
    /// account may show within an hour (a shop setting, default 60).
    pub fn search_limit_per_hour(&self) -> Result<u32> {
        search_limit_per_hour(&self.conn)
    }

    /// How long the app may stay locked before it closes the vault (a shop
    /// setting, default 15 minutes): after that the key and the decrypted
    /// pages leave memory and the next sign-in opens the vault anew.
    pub fn close_after_locked_minutes(&self) -> Result<u32> {
        close_after_locked_minutes(&self.conn)
    }
}
