//! Schema migrations keyed on `PRAGMA user_version`: each is its SQL and,
//! where existing rows need filling in, a data step registered next to it
//! (the list is `schema::MIGRATIONS`). A migration and its data step run in
//! one transaction with the time from the vault's clock.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::error::{Error, Result};

/// A migration's data step: fills in existing rows, at the given time.
pub(crate) type DataStep = fn(&Connection, DateTime<Utc>) -> Result<()>;

/// One schema change: its SQL, and the function that brings existing rows
/// in line with it (run in the same transaction, after the SQL).
pub(crate) struct Migration {
    pub sql: &'static str,
    pub data: Option<DataStep>,
}

/// Applies the migrations this vault has not seen yet, each in a transaction.
pub(super) fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
    now: DateTime<Utc>,
) -> Result<()> {
    let supported = migrations.len() as i64;
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::db("read the schema version"))?;
    if current > supported {
        return Err(Error::NewerSchema {
            found: current,
            supported,
        });
    }
    for (i, migration) in migrations.iter().enumerate().skip(current as usize) {
        let tx = conn
            .transaction()
            .map_err(Error::db("start a schema migration"))?;
        tx.execute_batch(migration.sql)
            .map_err(Error::db("apply a schema migration"))?;
        if let Some(data) = migration.data {
            data(&tx, now)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(Error::db("record the schema version"))?;
        tx.commit()
            .map_err(Error::db("commit a schema migration"))?;
    }
    Ok(())
}
