//! The office's credentials: each secret in the OS keychain, what it is for
//! in the database.
//!
//! The two never disagree: every change writes one, then the other, and
//! undoes the first when the second fails. A crash between the two leaves an
//! orphan that [`Vault::check`] finds and repairs at the next start.

pub mod generate;
pub mod keychain;
pub mod secret;

pub use generate::{Recipe, Strength, generate, strength};
pub use keychain::Keychain;
pub use secret::{MAX_SECRET_BYTES, Secret};

use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use keychain::{ATTR_KIND, ATTR_LOGIN, ATTR_NAME, ATTR_URL};
use rand::Rng;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use ts_rs::TS;

/// What a credential is for; it decides the icon and the suggested rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Kind {
    Password,
    ApiToken,
    SshPassphrase,
    WiFi,
    Email,
    BackupRepository,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Password,
        Kind::ApiToken,
        Kind::SshPassphrase,
        Kind::WiFi,
        Kind::Email,
        Kind::BackupRepository,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Password => "password",
            Kind::ApiToken => "api_token",
            Kind::SshPassphrase => "ssh_passphrase",
            Kind::WiFi => "wi_fi",
            Kind::Email => "email",
            Kind::BackupRepository => "backup_repository",
            Kind::Other => "other",
        }
    }

    /// Accepts the stored name and the friendlier spellings people type
    /// (`wifi`, `api-token`).
    pub fn parse(input: &str) -> Result<Kind> {
        let wanted = input.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let wanted = match wanted.as_str() {
            "wifi" => "wi_fi",
            "token" => "api_token",
            "ssh" => "ssh_passphrase",
            "backup" => "backup_repository",
            other => other,
        };
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                Error::invalid_input(
                    format!("\"{input}\" is not a kind of credential Shipshape knows."),
                    "Use one of: password, api_token, ssh_passphrase, wi_fi, email, backup_repository, other.",
                )
            })
    }
}

/// Whether a credential's secret is due for a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Rotation {
    /// No interval is set.
    NotScheduled,
    Current,
    /// Due within a week.
    Due,
    Overdue,
}

/// How long before its date a rotation shows as due.
const DUE_SOON_DAYS: i64 = 7;

/// A credential as listed: everything but the secret.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Credential {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub username: String,
    /// The host or web address it logs in to.
    pub url: String,
    pub notes: String,
    pub created: String,
    pub last_rotated: String,
    /// How often the secret should change, in days.
    pub rotate_days: Option<u32>,
    pub rotation: Rotation,
    /// When the next change is due.
    pub due: Option<String>,
}

/// What the user types about a credential, when adding or editing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Details {
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub rotate_days: Option<u32>,
}

const MAX_NAME: usize = 100;
const MAX_FIELD: usize = 500;
const MAX_NOTES: usize = 4000;
const MAX_ROTATE_DAYS: u32 = 3650;

impl Details {
    /// Trims the fields and refuses what the list could not show.
    fn checked(mut self) -> Result<Details> {
        self.name = self.name.trim().to_string();
        self.username = self.username.trim().to_string();
        self.url = self.url.trim().to_string();
        if self.name.is_empty() {
            return Err(Error::invalid_input(
                "The credential has no name.",
                "Give it a name you will recognise, such as \"Office Wi-Fi\" or \"Backup repository\".",
            ));
        }
        if self.name.chars().count() > MAX_NAME || self.name.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                format!("A name must be 1 to {MAX_NAME} printable characters on one line."),
                "Shorten the name; put longer descriptions in the notes.",
            ));
        }
        for (field, value) in [("username", &self.username), ("address", &self.url)] {
            if value.chars().count() > MAX_FIELD || value.chars().any(char::is_control) {
                return Err(Error::invalid_input(
                    format!(
                        "The {field} must be at most {MAX_FIELD} printable characters on one line."
                    ),
                    "Shorten it; put longer descriptions in the notes.",
                ));
            }
        }
        if self.notes.chars().count() > MAX_NOTES {
            return Err(Error::invalid_input(
                format!("The notes are longer than {MAX_NOTES} characters."),
                "Shorten them. Never put the secret itself in the notes: they are not kept in the keychain.",
            ));
        }
        if let Some(days) = self.rotate_days
            && !(1..=MAX_ROTATE_DAYS).contains(&days)
        {
            return Err(Error::invalid_input(
                format!("A rotation every {days} days is not possible."),
                format!("Choose from 1 to {MAX_ROTATE_DAYS} days, or no reminder."),
            ));
        }
        Ok(self)
    }

    fn label(&self) -> String {
        format!("Shipshape: {}", self.name)
    }

    fn attributes(&self) -> HashMap<&str, &str> {
        HashMap::from([
            (ATTR_NAME, self.name.as_str()),
            (ATTR_KIND, self.kind.as_str()),
            (ATTR_LOGIN, self.username.as_str()),
            (ATTR_URL, self.url.as_str()),
        ])
    }
}

/// Why a secret left the keychain, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    /// Shown on screen or printed to a terminal.
    Reveal,
    /// Put on the clipboard.
    Copy,
    /// Handed to another part of Shipshape (alert mail, backups, installs).
    By(String),
}

/// What the start-up check found and repaired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CheckReport {
    /// Secrets found in the keychain without a record; the record was
    /// rebuilt from the item's attributes.
    pub restored: Vec<String>,
    /// Records whose secret is gone from the keychain; they were removed.
    pub removed: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.restored.is_empty() && self.removed.is_empty()
    }

    pub fn summary(&self) -> String {
        if self.is_clean() {
            return "Your credentials and your keychain agree.".into();
        }
        let mut parts = Vec::new();
        if !self.restored.is_empty() {
            parts.push(format!(
                "restored the record of {} found only in your keychain",
                self.restored.join(", ")
            ));
        }
        if !self.removed.is_empty() {
            parts.push(format!(
                "removed {} whose secret is no longer in your keychain",
                self.removed.join(", ")
            ));
        }
        format!("Shipshape {}.", parts.join("; and "))
    }
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} your credentials' records: {e}."),
        "Nothing was changed in your keychain. Try again; if it persists, check the disk.",
    )
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn random_id() -> String {
    let bytes: [u8; 8] = rand::rng().random();
    hex::encode(bytes)
}

fn rotation(
    last_rotated: &str,
    days: Option<u32>,
    now: DateTime<Utc>,
) -> (Rotation, Option<String>) {
    let Some(days) = days else {
        return (Rotation::NotScheduled, None);
    };
    let Ok(last) = DateTime::parse_from_rfc3339(last_rotated) else {
        return (Rotation::Overdue, None);
    };
    let due = last.with_timezone(&Utc) + Duration::days(i64::from(days));
    let status = if now >= due {
        Rotation::Overdue
    } else if now + Duration::days(DUE_SOON_DAYS) >= due {
        Rotation::Due
    } else {
        Rotation::Current
    };
    (status, Some(stamp(due)))
}

const COLUMNS: &str = "id, name, kind, username, url, notes, created, last_rotated, rotate_days";

fn row(r: &rusqlite::Row<'_>, now: DateTime<Utc>) -> rusqlite::Result<Credential> {
    let kind: String = r.get(2)?;
    let last_rotated: String = r.get(7)?;
    let rotate_days: Option<u32> = r.get(8)?;
    let (rotation, due) = rotation(&last_rotated, rotate_days, now);
    Ok(Credential {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Other),
        username: r.get(3)?,
        url: r.get(4)?,
        notes: r.get(5)?,
        created: r.get(6)?,
        last_rotated,
        rotate_days,
        rotation,
        due,
    })
}

/// Every credential, by name. Needs only the database, so the list shows
/// even while the keychain is locked.
pub fn list(store: &Store, now: DateTime<Utc>) -> Result<Vec<Credential>> {
    let mut stmt = store
        .conn()
        .prepare(&format!(
            "SELECT {COLUMNS} FROM credentials ORDER BY name COLLATE NOCASE"
        ))
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([], |r| row(r, now))
        .map_err(|e| sql_error("read", e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| sql_error("read", e))
}

fn get(store: &Store, id: &str, now: DateTime<Utc>) -> Result<Credential> {
    store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM credentials WHERE id = ?1"),
            [id],
            |r| row(r, now),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "That credential does not exist any more.",
                "It may have been deleted from another window or the command line. Reload the list.",
            )
        })
}

/// Finds a credential by its name, ignoring case.
pub fn find(store: &Store, name: &str, now: DateTime<Utc>) -> Result<Credential> {
    store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM credentials WHERE name = ?1"),
            [name.trim()],
            |r| row(r, now),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no credential named \"{}\".", name.trim()),
                "Check the name with `shipshape vault list`.",
            )
        })
}

/// This data folder's mark on its keychain items, made on first use. Two
/// data folders sharing one keychain never touch each other's items.
fn vault_id(store: &Store) -> Result<String> {
    let conn = store.conn();
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = 'vault_id'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    if let Some(id) = existing {
        return Ok(id);
    }
    conn.execute(
        "INSERT OR IGNORE INTO vault_meta (key, value) VALUES ('vault_id', ?1)",
        [random_id()],
    )
    .map_err(|e| sql_error("save", e))?;
    conn.query_row(
        "SELECT value FROM vault_meta WHERE key = 'vault_id'",
        [],
        |r| r.get(0),
    )
    .map_err(|e| sql_error("read", e))
}

fn duplicate(name: &str) -> Error {
    Error::invalid_input(
        format!("A credential named \"{name}\" already exists."),
        "Choose another name, or rotate the existing one to change its secret.",
    )
}

/// The credentials of one data folder, in one keychain, changed by one actor.
#[derive(Debug)]
pub struct Vault<'a> {
    store: &'a Store,
    keychain: &'a Keychain,
    actor: &'a Actor,
}

impl<'a> Vault<'a> {
    pub fn new(store: &'a Store, keychain: &'a Keychain, actor: &'a Actor) -> Self {
        Vault {
            store,
            keychain,
            actor,
        }
    }

    fn account(&self, id: &str) -> Result<String> {
        Ok(format!("{}:{id}", vault_id(self.store)?))
    }

    fn record(
        &self,
        now: DateTime<Utc>,
        action: &str,
        target: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        audit::append(
            self.store,
            now,
            self.actor,
            NewEntry::ok(action, target, details),
        )
        .map(|_| ())
    }

    /// Changes the records with `write` and records `action` in one
    /// transaction, so a record never changes without its entry.
    fn save(
        &self,
        now: DateTime<Utc>,
        doing: &str,
        write: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<usize>,
        entry: NewEntry,
    ) -> Result<()> {
        audit::append_with(self.store, now, self.actor, |tx| {
            write(tx).map_err(|e| sql_error(doing, e))?;
            Ok(((), entry))
        })
        .map(|_| ())
    }

    fn name_taken(&self, name: &str, except: Option<&str>) -> Result<bool> {
        let other: Option<String> = self
            .store
            .conn()
            .query_row("SELECT id FROM credentials WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| sql_error("read", e))?;
        Ok(other.is_some_and(|id| Some(id.as_str()) != except))
    }

    /// Stores a new credential: the secret in the keychain first, then its
    /// record; the keychain item is removed again when the record fails.
    pub fn add(&self, now: DateTime<Utc>, details: Details, secret: &Secret) -> Result<Credential> {
        let details = details.checked()?;
        if self.name_taken(&details.name, None)? {
            return Err(duplicate(&details.name));
        }
        let id = random_id();
        let account = self.account(&id)?;
        self.keychain
            .create(&account, &details.label(), &details.attributes(), secret)?;
        let saved = self.save(
            now,
            "save",
            |tx| {
                tx.execute(
                    "INSERT INTO credentials (id, name, kind, username, url, notes, created, last_rotated, rotate_days)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                    params![
                        id,
                        details.name,
                        details.kind.as_str(),
                        details.username,
                        details.url,
                        details.notes,
                        stamp(now),
                        details.rotate_days
                    ],
                )
            },
            NewEntry::ok(
                "vault.add",
                &details.name,
                json!({ "kind": details.kind, "username": details.username, "url": details.url }),
            ),
        );
        if let Err(e) = saved {
            let _ = self.keychain.delete(&account);
            return Err(e);
        }
        get(self.store, &id, now)
    }

    /// Changes what is known about a credential (not its secret).
    pub fn edit(&self, now: DateTime<Utc>, id: &str, details: Details) -> Result<Credential> {
        let details = details.checked()?;
        let old = get(self.store, id, now)?;
        if self.name_taken(&details.name, Some(id))? {
            return Err(duplicate(&details.name));
        }
        let account = self.account(id)?;
        self.keychain
            .update(&account, &details.label(), &details.attributes())?;
        let saved = self.save(
            now,
            "save",
            |tx| {
                tx.execute(
                    "UPDATE credentials SET name = ?2, kind = ?3, username = ?4, url = ?5, notes = ?6, rotate_days = ?7
                     WHERE id = ?1",
                    params![
                        id,
                        details.name,
                        details.kind.as_str(),
                        details.username,
                        details.url,
                        details.notes,
                        details.rotate_days
                    ],
                )
            },
            NewEntry::ok(
                "vault.edit",
                &details.name,
                json!({ "was": old.name, "kind": details.kind, "username": details.username, "url": details.url, "rotate_days": details.rotate_days }),
            ),
        );
        if let Err(e) = saved {
            let previous = Details {
                name: old.name,
                kind: old.kind,
                username: old.username,
                url: old.url,
                notes: old.notes,
                rotate_days: old.rotate_days,
            };
            let _ = self
                .keychain
                .update(&account, &previous.label(), &previous.attributes());
            return Err(e);
        }
        get(self.store, id, now)
    }

    /// Reads the secret out of the keychain, recording who took it and why.
    pub fn secret(&self, now: DateTime<Utc>, id: &str, purpose: Use) -> Result<Secret> {
        let credential = get(self.store, id, now)?;
        let secret = self.keychain.read(&self.account(id)?)?;
        let (action, details) = match purpose {
            Use::Reveal => ("vault.reveal", json!({})),
            Use::Copy => ("vault.copy", json!({})),
            Use::By(by) => ("vault.use", json!({ "by": by })),
        };
        self.record(now, action, &credential.name, details)?;
        Ok(secret)
    }

    /// Replaces the secret and records the date, putting the old secret back
    /// when the record cannot be saved.
    pub fn rotate(&self, now: DateTime<Utc>, id: &str, secret: &Secret) -> Result<Credential> {
        let credential = get(self.store, id, now)?;
        let account = self.account(id)?;
        let old = self.keychain.read(&account)?;
        self.keychain.replace(&account, secret)?;
        let saved = self.save(
            now,
            "save",
            |tx| {
                tx.execute(
                    "UPDATE credentials SET last_rotated = ?2 WHERE id = ?1",
                    params![id, stamp(now)],
                )
            },
            NewEntry::ok(
                "vault.rotate",
                &credential.name,
                json!({ "previous_rotation": credential.last_rotated }),
            ),
        );
        if let Err(e) = saved {
            let _ = self.keychain.replace(&account, &old);
            return Err(e);
        }
        get(self.store, id, now)
    }

    /// Deletes the secret from the keychain and then the record. A record
    /// that cannot be removed is left whole, secret and all.
    pub fn remove(&self, now: DateTime<Utc>, id: &str) -> Result<()> {
        let credential = get(self.store, id, now)?;
        let account = self.account(id)?;
        // Kept in memory until the record is gone, to put back on failure.
        let old = self.keychain.read(&account)?;
        self.keychain.delete(&account)?;
        let saved = self.save(
            now,
            "remove",
            |tx| tx.execute("DELETE FROM credentials WHERE id = ?1", [id]),
            NewEntry::ok(
                "vault.delete",
                &credential.name,
                json!({ "kind": credential.kind }),
            ),
        );
        if let Err(e) = saved {
            let details = Details {
                name: credential.name,
                kind: credential.kind,
                username: credential.username,
                url: credential.url,
                notes: credential.notes,
                rotate_days: credential.rotate_days,
            };
            let _ = self
                .keychain
                .create(&account, &details.label(), &details.attributes(), &old);
            return Err(e);
        }
        Ok(())
    }

    /// For the other parts of Shipshape: the secret stored under `name`,
    /// recorded as used by `by` (for example "alerts.smtp").
    pub fn use_secret(&self, now: DateTime<Utc>, name: &str, by: &str) -> Result<Secret> {
        let credential = find(self.store, name, now)?;
        self.secret(now, &credential.id, Use::By(by.to_string()))
    }

    /// For the other parts of Shipshape: stores `secret` under the name in
    /// `details`, adding the credential or rotating the one already there
    /// (an installer's default password replaced by a generated one).
    pub fn put(&self, now: DateTime<Utc>, details: Details, secret: &Secret) -> Result<Credential> {
        match find(self.store, &details.name, now) {
            Ok(existing) => self.rotate(now, &existing.id, secret),
            Err(e) if e.code == ErrorCode::NotFound => self.add(now, details, secret),
            Err(e) => Err(e),
        }
    }

    /// Makes the records and the keychain agree after a crash or an outside
    /// change: a keychain item of ours without a record gets its record back
    /// (from the item's attributes), a record without its item is removed.
    /// Both are reported and audited. A locked keychain is an error, never
    /// taken for an empty one.
    pub fn check(&self, now: DateTime<Utc>) -> Result<CheckReport> {
        let prefix = format!("{}:", vault_id(self.store)?);
        let items = self.keychain.items(&prefix)?;
        let records = list(self.store, now)?;
        let mut report = CheckReport::default();
        for item in &items {
            let id = &item.account[prefix.len()..];
            if records.iter().any(|r| r.id == id) {
                continue;
            }
            let attr = |k: &str| item.attributes.get(k).cloned().unwrap_or_default();
            let mut name = attr(ATTR_NAME);
            if name.trim().is_empty() {
                name = format!("Recovered {id}");
            }
            if self.name_taken(&name, None)? {
                name = format!("{name} (recovered)");
            }
            self.save(
                now,
                "repair",
                |tx| {
                    tx.execute(
                        "INSERT INTO credentials (id, name, kind, username, url, notes, created, last_rotated, rotate_days)
                         VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?6, NULL)",
                        params![
                            id,
                            name,
                            Kind::parse(&attr(ATTR_KIND)).unwrap_or(Kind::Other).as_str(),
                            attr(ATTR_LOGIN),
                            attr(ATTR_URL),
                            stamp(now)
                        ],
                    )
                },
                NewEntry::ok("vault.repair", &name, json!({ "restored_record": true })),
            )?;
            report.restored.push(name);
        }
        for record in records {
            let account = format!("{prefix}{}", record.id);
            if items.iter().any(|i| i.account == account) {
                continue;
            }
            self.save(
                now,
                "repair",
                |tx| tx.execute("DELETE FROM credentials WHERE id = ?1", [&record.id]),
                NewEntry::ok(
                    "vault.repair",
                    &record.name,
                    json!({ "removed_record": true }),
                ),
            )?;
            report.removed.push(record.name);
        }
        Ok(report)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_what_people_type() {
        assert_eq!(Kind::parse("wifi").unwrap(), Kind::WiFi);
        assert_eq!(Kind::parse("Wi-Fi").unwrap(), Kind::WiFi);
        assert_eq!(Kind::parse("api-token").unwrap(), Kind::ApiToken);
        assert_eq!(Kind::parse("backup").unwrap(), Kind::BackupRepository);
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()).unwrap(), k);
        }
        let e = Kind::parse("banana").unwrap_err();
        assert!(e.hint.contains("password"));
    }

    #[test]
    fn rotation_is_due_a_week_ahead_and_overdue_after() {
        let last = "2026-01-01T00:00:00.000Z";
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            rotation(last, None, at("2030-01-01T00:00:00Z")).0,
            Rotation::NotScheduled
        );
        assert_eq!(
            rotation(last, Some(30), at("2026-01-20T00:00:00Z")).0,
            Rotation::Current
        );
        let (status, due) = rotation(last, Some(30), at("2026-01-25T00:00:00Z"));
        assert_eq!(status, Rotation::Due);
        assert_eq!(due.unwrap(), "2026-01-31T00:00:00.000Z");
        assert_eq!(
            rotation(last, Some(30), at("2026-01-31T00:00:00Z")).0,
            Rotation::Overdue
        );
    }

    #[test]
    fn details_are_trimmed_and_checked() {
        let d = |name: &str| Details {
            name: name.into(),
            kind: Kind::Password,
            username: " admin ".into(),
            url: String::new(),
            notes: String::new(),
            rotate_days: None,
        };
        let ok = d("  Router  ").checked().unwrap();
        assert_eq!(ok.name, "Router");
        assert_eq!(ok.username, "admin");
        assert!(d("   ").checked().unwrap_err().message.contains("no name"));
        assert!(d("two\nlines").checked().is_err());
        assert!(d(&"n".repeat(101)).checked().is_err());
        let mut bad_days = d("x");
        bad_days.rotate_days = Some(0);
        assert!(bad_days.checked().is_err());
    }
}
