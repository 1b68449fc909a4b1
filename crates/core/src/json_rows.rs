//! Tables that keep one JSON record per row (`id`, `started`, `record`):
//! deployments and access reviews. A row that no longer reads (edited by
//! hand) is skipped, never fatal. Table names are this crate's constants.

use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use rusqlite::OptionalExtension;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A database failure reading or writing `what`, in words.
pub fn sql(what: &str, doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("Could not {doing} the {what}: {e}."),
        "Try again; if it keeps failing, check the disk.",
    )
}

/// Every row of `table`, newest first, with its number. `what` names the
/// records in an error ("deployments").
pub fn all<T: DeserializeOwned>(store: &Store, table: &str, what: &str) -> Result<Vec<(i64, T)>> {
    let mut stmt = store
        .conn()
        .prepare(&format!("SELECT id, record FROM {table} ORDER BY id DESC"))
        .map_err(|e| sql(what, "read", e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(|e| sql(what, "read", e))?;
    let mut found = Vec::new();
    for row in rows {
        let (id, record) = row.map_err(|e| sql(what, "read", e))?;
        if let Ok(value) = serde_json::from_str(&record) {
            found.push((id, value));
        }
    }
    Ok(found)
}

/// Row `id` of `table`, if it is there and reads.
pub fn one<T: DeserializeOwned>(
    store: &Store,
    table: &str,
    what: &str,
    id: i64,
) -> Result<Option<T>> {
    let record: Option<String> = store
        .conn()
        .query_row(
            &format!("SELECT record FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql(what, "read", e))?;
    Ok(record.and_then(|r| serde_json::from_str(&r).ok()))
}

/// Writes `value` as row `id` of `table` (a new row when `id` is 0,
/// started at `started`); its number.
pub fn put<T: Serialize>(
    tx: &rusqlite::Connection,
    table: &str,
    what: &str,
    id: i64,
    started: &str,
    value: &T,
) -> Result<i64> {
    let record = serde_json::to_string(value).map_err(|e| Error::internal(e.to_string()))?;
    if id > 0 {
        tx.execute(
            &format!("UPDATE {table} SET record = ?1 WHERE id = ?2"),
            rusqlite::params![record, id],
        )
        .map_err(|e| sql(what, "write", e))?;
        return Ok(id);
    }
    tx.execute(
        &format!("INSERT INTO {table} (started, record) VALUES (?1, ?2)"),
        rusqlite::params![started, record],
    )
    .map_err(|e| sql(what, "write", e))?;
    Ok(tx.last_insert_rowid())
}
