//! Trusted publishers: a name pinned to one OpenPGP key. Verdicts then say
//! "signed by <publisher>", and a publisher whose key changes is never
//! accepted quietly.

use super::signature::PublicKeys;
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Publisher {
    pub name: String,
    /// The pinned primary key's fingerprint, uppercase hex.
    pub fingerprint: String,
    pub user_ids: Vec<String>,
    pub added: String,
}

/// What pinning would do, shown to the user before it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PinPreview {
    pub name: String,
    pub fingerprint: String,
    pub user_ids: Vec<String>,
    /// The fingerprint pinned now under this name, when it differs: the
    /// publisher's key changed, which needs an explicit decision.
    pub replaces: Option<String>,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} trusted publishers: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "A publisher needs a name of 1 to 100 printable characters.",
            "Use the publisher's own name, such as \"Debian\" or \"Mozilla\".",
        ));
    }
    Ok(name)
}

/// Reads the key file and says what pinning it under `name` would do.
pub fn preview(store: &Store, name: &str, key_file: &[u8]) -> Result<PinPreview> {
    let name = check_name(name)?;
    let keys = PublicKeys::from_bytes(key_file)?;
    let described = keys.describe();
    let [key] = described.as_slice() else {
        return Err(Error::invalid_input(
            format!(
                "The key file holds {} keys ({}); a publisher is pinned to exactly one.",
                described.len(),
                keys.fingerprints().join(", ")
            ),
            "Export only the publisher's signing key, or ask the publisher which one signs releases.",
        ));
    };
    let current = get(store, name)?;
    Ok(PinPreview {
        name: name.to_string(),
        fingerprint: key.fingerprint.clone(),
        user_ids: key.user_ids.clone(),
        replaces: current
            .map(|p| p.fingerprint)
            .filter(|f| *f != key.fingerprint),
    })
}

/// Pins the key. Replacing a different key already pinned under `name`
/// needs `replace`: a changed key is how a hijacked release would look.
pub fn add(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    name: &str,
    key_file: &[u8],
    replace: bool,
) -> Result<Publisher> {
    let preview = preview(store, name, key_file)?;
    if let Some(old) = &preview.replaces
        && !replace
    {
        return Err(Error::new(
            ErrorCode::KeyChanged,
            format!(
                "{} is already pinned to key {old}; this key is {}. A publisher's key rarely changes, and a changed key is how a hijacked release looks.",
                preview.name, preview.fingerprint
            ),
            "Confirm the new key on the publisher's own website (an announcement of the key change). Only then replace it (--replace).",
        ));
    }
    let added = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let user_ids =
        serde_json::to_string(&preview.user_ids).map_err(|e| Error::internal(e.to_string()))?;
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT INTO publishers (name, fingerprint, user_ids, key, added) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(name) DO UPDATE SET fingerprint = ?2, user_ids = ?3, key = ?4, added = ?5",
            params![preview.name, preview.fingerprint, user_ids, key_file, added],
        )
        .map_err(|e| sql_error("save", e))?;
        let details = serde_json::json!({
            "fingerprint": preview.fingerprint,
            "user_ids": preview.user_ids,
            "replaced": preview.replaces,
        });
        Ok(((), NewEntry::ok("publisher.pin", &preview.name, details)))
    })?;
    Ok(Publisher {
        name: preview.name,
        fingerprint: preview.fingerprint,
        user_ids: preview.user_ids,
        added,
    })
}

pub fn remove(store: &Store, now: DateTime<Utc>, actor: &Actor, name: &str) -> Result<()> {
    let existing = get(store, name)?.ok_or_else(|| not_pinned(name))?;
    audit::append_with(store, now, actor, |tx| {
        tx.execute("DELETE FROM publishers WHERE name = ?1", [&existing.name])
            .map_err(|e| sql_error("remove from", e))?;
        let details = serde_json::json!({ "fingerprint": existing.fingerprint });
        Ok(((), NewEntry::ok("publisher.unpin", &existing.name, details)))
    })?;
    Ok(())
}

fn not_pinned(name: &str) -> Error {
    Error::new(
        ErrorCode::NotFound,
        format!("No publisher called \"{name}\" is pinned."),
        "See the pinned publishers with `shipshape publishers list`, or pin one with `shipshape publishers add NAME KEYFILE`.",
    )
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Publisher> {
    let user_ids: String = r.get(2)?;
    Ok(Publisher {
        name: r.get(0)?,
        fingerprint: r.get(1)?,
        user_ids: serde_json::from_str(&user_ids).unwrap_or_default(),
        added: r.get(3)?,
    })
}

pub fn list(store: &Store) -> Result<Vec<Publisher>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name, fingerprint, user_ids, added FROM publishers ORDER BY name")
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt.query_map([], row).map_err(|e| sql_error("read", e))?;
    rows.map(|r| r.map_err(|e| sql_error("read", e))).collect()
}

pub fn get(store: &Store, name: &str) -> Result<Option<Publisher>> {
    store
        .conn()
        .query_row(
            "SELECT name, fingerprint, user_ids, added FROM publishers WHERE name = ?1",
            [name.trim()],
            row,
        )
        .optional()
        .map_err(|e| sql_error("read", e))
}

/// The publisher pinned to `fingerprint`, if any.
pub fn by_fingerprint(store: &Store, fingerprint: &str) -> Result<Option<Publisher>> {
    store
        .conn()
        .query_row(
            "SELECT name, fingerprint, user_ids, added FROM publishers WHERE fingerprint = ?1",
            [fingerprint],
            row,
        )
        .optional()
        .map_err(|e| sql_error("read", e))
}

/// The pinned key of `name`, to check signatures against.
pub fn keys_of(store: &Store, name: &str) -> Result<(Publisher, PublicKeys)> {
    let publisher = get(store, name)?.ok_or_else(|| not_pinned(name))?;
    let key: Vec<u8> = store
        .conn()
        .query_row(
            "SELECT key FROM publishers WHERE name = ?1",
            [&publisher.name],
            |r| r.get(0),
        )
        .map_err(|e| sql_error("read", e))?;
    Ok((publisher, PublicKeys::from_bytes(&key)?))
}
