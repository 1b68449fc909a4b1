//! The tamper-evident audit log.
//!
//! Every state-changing action appends an entry. Entries form a hash chain:
//! each entry's SHA-256 covers the previous entry's hash and the entry's own
//! canonical content (its place in the chain included). The newest entry's
//! place and hash are also written to a small file beside the database, so
//! that cutting entries off the end is caught too.

use crate::progress::{Cancel, Progress};
use crate::store::Store;
use crate::{Error, ErrorCode, Result, atomic_file};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::path::Path;
use ts_rs::TS;

/// The head record: the newest entry's place and hash.
pub const HEAD_FILE: &str = "audit.head";
/// Serialises appends across processes (the app and the CLI).
const LOCK_FILE: &str = "audit.lock";
/// The "previous hash" of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who started an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Source {
    App,
    Cli,
    Scheduler,
    /// The administrator helper, run through pkexec for the user named.
    Helper,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::App => "app",
            Source::Cli => "cli",
            Source::Scheduler => "scheduler",
            Source::Helper => "helper",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "app" => Some(Source::App),
            "cli" => Some(Source::Cli),
            "scheduler" => Some(Source::Scheduler),
            "helper" => Some(Source::Helper),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    Ok,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Outcome::Ok),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// Who acted and from where; the OS user is read once by the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub source: Source,
}

impl Actor {
    /// The OS user running this process.
    pub fn current(source: Source) -> Self {
        let user = whoami::username().unwrap_or_else(|_| "unknown user".into());
        Actor { user, source }
    }
}

/// An action about to be recorded. Never put a secret in `details`.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub action: String,
    pub target: String,
    pub outcome: Outcome,
    /// Why it failed; `None` when it succeeded.
    pub reason: Option<String>,
    pub details: Value,
}

impl NewEntry {
    pub fn ok(action: &str, target: &str, details: Value) -> Self {
        NewEntry {
            action: action.into(),
            target: target.into(),
            outcome: Outcome::Ok,
            reason: None,
            details,
        }
    }

    pub fn failed(action: &str, target: &str, reason: &str, details: Value) -> Self {
        NewEntry {
            action: action.into(),
            target: target.into(),
            outcome: Outcome::Failed,
            reason: Some(reason.into()),
            details,
        }
    }
}

/// A recorded entry, as listed and exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Entry {
    /// Place in the chain, from 1.
    pub seq: u32,
    /// UTC, RFC 3339 with milliseconds.
    pub time: String,
    pub actor: String,
    pub source: Source,
    pub action: String,
    pub target: String,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub details: Value,
    pub hash: String,
}

/// Which entries to list or export. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct Filter {
    /// Entries at or after this UTC time (RFC 3339 or YYYY-MM-DD).
    pub since: Option<String>,
    /// Entries before this UTC time (RFC 3339 or YYYY-MM-DD).
    pub until: Option<String>,
    /// Action name, or a prefix ending in '.' ("audit." matches "audit.export").
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Words found anywhere in actor, action, target, reason or details.
    pub text: Option<String>,
}

/// Parses a user-given time as UTC: RFC 3339, or a date meaning its midnight.
pub fn parse_time(input: &str) -> Result<DateTime<Utc>> {
    let input = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(input) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(input, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(t.and_utc());
    }
    Err(Error::invalid_input(
        format!("\"{input}\" is not a time Shipshape understands."),
        "Use a date like 2026-11-24 or a time like 2026-11-24T09:30:00Z.",
    ))
}

fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The content an entry's hash covers, as canonical JSON (keys sorted, no
/// spaces), so the same entry always hashes the same.
fn canonical_content(e: &Entry) -> String {
    let content = serde_json::json!({
        "seq": e.seq,
        "time": e.time,
        "actor": e.actor,
        "source": e.source.as_str(),
        "action": e.action,
        "target": e.target,
        "outcome": e.outcome.as_str(),
        "reason": e.reason,
        "details": e.details,
    });
    canonical_json(&content)
}

/// JSON with object keys sorted at every level, whatever map order
/// serde_json was built with.
pub(crate) fn canonical_json(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

pub(crate) fn chain_hash(prev_hash: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical_content(e).as_bytes());
    hex::encode(h.finalize())
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Head {
    seq: u32,
    hash: String,
}

/// The head record as found on disk. It is only ever written whole, so
/// content that does not parse was put there from outside.
enum HeadRecord {
    Missing,
    Unreadable,
    Found(Head),
}

fn read_head(data_dir: &Path) -> Result<HeadRecord> {
    let path = data_dir.join(HEAD_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes)
            .map(HeadRecord::Found)
            .unwrap_or(HeadRecord::Unreadable)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HeadRecord::Missing),
        Err(e) => Err(Error::io("read", &path, &e)),
    }
}

fn write_head(data_dir: &Path, head: &Head) -> Result<()> {
    let bytes = serde_json::to_vec(head).map_err(|e| Error::internal(e.to_string()))?;
    atomic_file::write(&data_dir.join(HEAD_FILE), &bytes)
}

/// Holds the cross-process append lock until dropped.
struct AppendLock(File);

impl AppendLock {
    fn take(data_dir: &Path) -> Result<Self> {
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, &e))?;
        file.lock().map_err(|e| Error::io("lock", &path, &e))?;
        Ok(AppendLock(file))
    }
}

impl Drop for AppendLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the audit log: {e}."),
        "Try again; if it persists, check the disk and run `shipshape audit verify`.",
    )
}

/// Appends one entry and returns it as recorded.
pub fn append(store: &Store, now: DateTime<Utc>, actor: &Actor, new: NewEntry) -> Result<Entry> {
    append_with(store, now, actor, |_| Ok(((), new))).map(|((), entry)| entry)
}

/// Makes a state change and records it in one transaction: `change` runs
/// inside it and answers the entry that says what it did, so the change
/// and its entry are committed together or not at all.
pub(crate) fn append_with<T>(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    change: impl FnOnce(&rusqlite::Connection) -> Result<(T, NewEntry)>,
) -> Result<(T, Entry)> {
    let (made, entries) = append_all_with(store, now, actor, |conn| {
        change(conn).map(|(made, new)| (made, vec![new]))
    })?;
    let entry = entries
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("The audit log recorded no entry for a change."))?;
    Ok((made, entry))
}

/// `append_with` for a change that says what it did in several entries
/// (or none): they are chained in order and committed with the change.
pub(crate) fn append_all_with<T>(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    change: impl FnOnce(&rusqlite::Connection) -> Result<(T, Vec<NewEntry>)>,
) -> Result<(T, Vec<Entry>)> {
    // The lock spans the insert and the head write, so the head file always
    // names the newest committed entry even with several writers.
    let _lock = AppendLock::take(store.data_dir())?;
    let conn = store.conn();
    conn.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| sql_error("write to", e))?;
    let result = (|| {
        let (made, news) = change(conn)?;
        let last: Option<(u32, String)> = conn
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| sql_error("read", e))?;
        // Only a head record that names the newest entry moves on. When it
        // does not (entries cut off, the record deleted or altered), it is
        // left as it is, so later entries cannot hide what happened.
        let head_is_current = match (read_head(store.data_dir()), &last) {
            (Ok(HeadRecord::Missing), None) => true,
            (Ok(HeadRecord::Found(head)), Some((seq, hash))) => {
                head.seq == *seq && head.hash == *hash
            }
            _ => false,
        };
        let (mut seq, mut prev_hash) = match last {
            Some((seq, hash)) => (seq, hash),
            None => (0, GENESIS.to_string()),
        };
        let mut entries = Vec::with_capacity(news.len());
        for new in news {
            seq += 1;
            let mut entry = Entry {
                seq,
                time: format_time(now),
                actor: actor.user.clone(),
                source: actor.source,
                action: new.action,
                target: new.target,
                outcome: new.outcome,
                reason: new.reason,
                details: new.details,
                hash: String::new(),
            };
            entry.hash = chain_hash(&prev_hash, &entry);
            insert_row(conn, &entry, &prev_hash).map_err(|e| sql_error("write to", e))?;
            prev_hash = entry.hash.clone();
            entries.push(entry);
        }
        Ok((made, entries, head_is_current))
    })();
    let committed = result.and_then(|done| {
        conn.execute_batch("COMMIT")
            .map_err(|e| sql_error("write to", e))?;
        Ok(done)
    });
    match committed {
        Ok((made, entries, head_is_current)) => {
            if head_is_current && let Some(newest) = entries.last() {
                write_head(
                    store.data_dir(),
                    &Head {
                        seq: newest.seq,
                        hash: newest.hash.clone(),
                    },
                )?;
            }
            Ok((made, entries))
        }
        Err(e) => Err(rolled_back(conn, e)),
    }
}

/// Turns back the transaction `cause` stopped. SQLite may have ended it
/// already (a failed COMMIT can roll back by itself). A rollback that fails
/// leaves the transaction open on this connection: nothing is saved, but
/// nothing more can be until the store is opened again, so the error says so.
fn rolled_back(conn: &rusqlite::Connection, cause: Error) -> Error {
    if conn.is_autocommit() {
        return cause;
    }
    match conn.execute_batch("ROLLBACK") {
        Ok(()) => cause,
        Err(e) => Error::new(
            ErrorCode::Io,
            format!(
                "{} Ending the unfinished change failed too ({e}): nothing was saved, and nothing more can be until Shipshape is started again.",
                cause.message
            ),
            "Close Shipshape and start it again, then run `shipshape audit verify`.",
        ),
    }
}

struct Row {
    entry: Entry,
    prev_hash: String,
    /// Set when a stored value could not be read back (edited to garbage).
    damaged: Option<String>,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let seq: u32 = r.get("seq")?;
    let source: String = r.get("source")?;
    let outcome: String = r.get("outcome")?;
    let details: String = r.get("details")?;
    let mut damaged = None;
    let source = Source::parse(&source).unwrap_or_else(|| {
        damaged = Some(format!("unknown source \"{source}\""));
        Source::App
    });
    let outcome = Outcome::parse(&outcome).unwrap_or_else(|| {
        damaged = Some(format!("unknown outcome \"{outcome}\""));
        Outcome::Failed
    });
    let details = serde_json::from_str(&details).unwrap_or_else(|_| {
        damaged = Some("details are not valid JSON".into());
        Value::String(details)
    });
    Ok(Row {
        entry: Entry {
            seq,
            time: r.get("time")?,
            actor: r.get("actor")?,
            source,
            action: r.get("action")?,
            target: r.get("target")?,
            outcome,
            reason: r.get("reason")?,
            details,
            hash: r.get("hash")?,
        },
        prev_hash: r.get("prev_hash")?,
        damaged,
    })
}

/// The newest `limit` entries, oldest first, with the hash the first of
/// them links to.
pub(crate) fn newest_with_link(store: &Store, limit: u32) -> Result<(Vec<Entry>, String)> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare("SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?1")
        .map_err(|e| sql_error("read", e))?;
    let mut rows = stmt
        .query_map([limit], read_row)
        .map_err(|e| sql_error("read", e))?
        .collect::<rusqlite::Result<Vec<Row>>>()
        .map_err(|e| sql_error("read", e))?;
    rows.reverse();
    let first_prev = rows
        .first()
        .map_or_else(|| GENESIS.to_string(), |r| r.prev_hash.clone());
    Ok((rows.into_iter().map(|r| r.entry).collect(), first_prev))
}

/// Entries matching `filter`, oldest first.
pub fn list(store: &Store, filter: &Filter) -> Result<Vec<Entry>> {
    list_of(store.conn(), filter)
}

pub(crate) fn list_of(conn: &rusqlite::Connection, filter: &Filter) -> Result<Vec<Entry>> {
    let (mut sql, args) = matching(filter)?;
    sql.push_str(" ORDER BY seq");
    query(conn, &sql, &args)
}

/// Writes `entry`, linked to `prev_hash`, as one row of `audit_log`.
pub(crate) fn insert_row(
    conn: &rusqlite::Connection,
    entry: &Entry,
    prev_hash: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (seq, time, actor, source, action, target, outcome, reason, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            entry.seq,
            entry.time,
            entry.actor,
            entry.source.as_str(),
            entry.action,
            entry.target,
            entry.outcome.as_str(),
            entry.reason,
            canonical_json(&entry.details),
            prev_hash,
            entry.hash,
        ],
    )?;
    Ok(())
}

/// How many entries one page of the Activity screen holds.
pub const PAGE_SIZE: u32 = 200;

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Page {
    pub entries: Vec<Entry>,
    /// Older entries match too: ask again with `before` set to the last
    /// entry's number.
    pub more: bool,
}

/// The newest `PAGE_SIZE` entries matching `filter`, older than entry
/// `before` when given.
pub fn page(store: &Store, filter: &Filter, before: Option<u32>) -> Result<Page> {
    page_of(store.conn(), filter, before)
}

pub(crate) fn page_of(
    conn: &rusqlite::Connection,
    filter: &Filter,
    before: Option<u32>,
) -> Result<Page> {
    let (mut sql, mut args) = matching(filter)?;
    if let Some(before) = before {
        args.push(before.to_string());
        sql.push_str(&format!(" AND seq < CAST(?{} AS INTEGER)", args.len()));
    }
    // One more than a page tells whether another page follows.
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", PAGE_SIZE + 1));
    let mut entries = query(conn, &sql, &args)?;
    let more = entries.len() > PAGE_SIZE as usize;
    entries.truncate(PAGE_SIZE as usize);
    Ok(Page { entries, more })
}

/// The query selecting what `filter` matches, and its arguments.
fn matching(filter: &Filter) -> Result<(String, Vec<String>)> {
    let mut sql = String::from("SELECT * FROM audit_log WHERE 1=1");
    let mut args: Vec<String> = Vec::new();
    if let Some(since) = nonempty(&filter.since) {
        args.push(format_time(parse_time(since)?));
        sql.push_str(&format!(" AND time >= ?{}", args.len()));
    }
    if let Some(until) = nonempty(&filter.until) {
        args.push(format_time(parse_time(until)?));
        sql.push_str(&format!(" AND time < ?{}", args.len()));
    }
    if let Some(action) = nonempty(&filter.action) {
        if action.ends_with('.') {
            args.push(format!("{}%", escape_like(action)));
            sql.push_str(&format!(" AND action LIKE ?{} ESCAPE '\\'", args.len()));
        } else {
            args.push(action.to_string());
            sql.push_str(&format!(" AND action = ?{}", args.len()));
        }
    }
    if let Some(outcome) = filter.outcome {
        args.push(outcome.as_str().to_string());
        sql.push_str(&format!(" AND outcome = ?{}", args.len()));
    }
    if let Some(text) = nonempty(&filter.text) {
        for word in text.split_whitespace() {
            args.push(format!("%{}%", escape_like(word)));
            let n = args.len();
            sql.push_str(&format!(
                " AND (actor LIKE ?{n} ESCAPE '\\' OR action LIKE ?{n} ESCAPE '\\' OR target LIKE ?{n} ESCAPE '\\' \
                 OR reason LIKE ?{n} ESCAPE '\\' OR details LIKE ?{n} ESCAPE '\\')"
            ));
        }
    }
    Ok((sql, args))
}

fn query(conn: &rusqlite::Connection, sql: &str, args: &[String]) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(sql).map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), read_row)
        .map_err(|e| sql_error("read", e))?;
    rows.map(|r| r.map(|row| row.entry).map_err(|e| sql_error("read", e)))
        .collect()
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export)]
pub enum Verdict {
    /// Every entry links to the one before and the head record matches.
    Intact { entries: u32 },
    /// The first problem found, in plain words.
    Tampered {
        /// The first entry that is wrong, or where the log was cut.
        entry: u32,
        problem: String,
    },
}

impl Verdict {
    pub fn summary(&self) -> String {
        match self {
            Verdict::Intact { entries: 0 } => "The activity log is empty and intact.".into(),
            Verdict::Intact { entries: 1 } => {
                "The activity log is intact: 1 entry, none changed.".into()
            }
            Verdict::Intact { entries } => {
                format!("The activity log is intact: {entries} entries, none changed.")
            }
            Verdict::Tampered { entry, problem } => {
                format!("The activity log was tampered with at entry {entry}: {problem}")
            }
        }
    }
}

/// Walks the whole chain, reporting progress per entry; stops at the first
/// problem.
pub fn verify(store: &Store, progress: &dyn Progress, cancel: &Cancel) -> Result<Verdict> {
    let conn = store.conn();
    // The database and the head record must be read as of the same moment:
    // hold the append lock while the read transaction takes its snapshot
    // (at its first read) and the head is read, so that no append can fall
    // in between. The walk itself then runs without the lock.
    let lock = AppendLock::take(store.data_dir())?;
    // One read transaction: a concurrent append must not show up half-way.
    conn.execute_batch("BEGIN DEFERRED")
        .map_err(|e| sql_error("read", e))?;
    let result = (|| {
        let total: i64 = conn
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .map_err(|e| sql_error("read", e))?;
        let total = total as u64;
        let head = read_head(store.data_dir())?;
        drop(lock);
        let mut stmt = conn
            .prepare("SELECT * FROM audit_log ORDER BY seq")
            .map_err(|e| sql_error("read", e))?;
        let mut rows = stmt.query([]).map_err(|e| sql_error("read", e))?;
        let mut expected_seq: u32 = 1;
        let mut prev_hash = GENESIS.to_string();
        let mut done = 0u64;
        while let Some(r) = rows.next().map_err(|e| sql_error("read", e))? {
            cancel.check()?;
            // Reading a row fails only on a value of the wrong type (a blob
            // for a text, a negative place): something edited it.
            let row = match read_row(r) {
                Ok(row) => row,
                Err(e) => {
                    return Ok(Verdict::Tampered {
                        entry: expected_seq,
                        problem: format!("it was edited (a stored value has the wrong type: {e})."),
                    });
                }
            };
            let e = &row.entry;
            if e.seq != expected_seq {
                let problem = if e.seq > expected_seq {
                    format!(
                        "entry {expected_seq} is missing; the next entry found is {}.",
                        e.seq
                    )
                } else {
                    format!(
                        "entry {} appears where entry {expected_seq} belongs.",
                        e.seq
                    )
                };
                return Ok(Verdict::Tampered {
                    entry: expected_seq,
                    problem,
                });
            }
            if let Some(why) = &row.damaged {
                return Ok(Verdict::Tampered {
                    entry: e.seq,
                    problem: format!("it was edited ({why})."),
                });
            }
            if row.prev_hash != prev_hash {
                return Ok(Verdict::Tampered {
                    entry: e.seq,
                    problem: format!(
                        "it does not follow entry {}: an entry before it was edited, removed, inserted or moved.",
                        e.seq.saturating_sub(1)
                    ),
                });
            }
            if chain_hash(&row.prev_hash, e) != e.hash {
                return Ok(Verdict::Tampered {
                    entry: e.seq,
                    problem: "its content was edited after it was written.".into(),
                });
            }
            prev_hash = e.hash.clone();
            expected_seq += 1;
            done += 1;
            progress.report(done, total);
        }
        let last = expected_seq - 1;
        Ok(match head {
            HeadRecord::Missing if last == 0 => Verdict::Intact { entries: 0 },
            HeadRecord::Unreadable => Verdict::Tampered {
                entry: last.max(1),
                problem: format!(
                    "the record of the newest entry ({HEAD_FILE}) was changed outside Shipshape and cannot be read, so entries may have been cut off the end."
                ),
            },
            HeadRecord::Missing => Verdict::Tampered {
                entry: last,
                problem: format!(
                    "the record of the newest entry ({HEAD_FILE}) is missing, so entries may have been cut off the end."
                ),
            },
            HeadRecord::Found(h) if h.seq > last => Verdict::Tampered {
                entry: last + 1,
                problem: format!(
                    "the log ends at entry {last} but entries up to {} were written: the newest entries were cut off.",
                    h.seq
                ),
            },
            HeadRecord::Found(h) if h.seq < last => Verdict::Tampered {
                entry: h.seq + 1,
                problem: format!(
                    "entries after {} were added outside Shipshape (the log now ends at entry {last}).",
                    h.seq
                ),
            },
            HeadRecord::Found(h) if h.hash != prev_hash => Verdict::Tampered {
                entry: last,
                problem: "the newest entry is not the one Shipshape wrote.".into(),
            },
            HeadRecord::Found(_) => Verdict::Intact { entries: last },
        })
    })();
    let _ = conn.execute_batch("COMMIT");
    result
}

/// File formats for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            other => Err(Error::invalid_input(
                format!("\"{other}\" is not an export format."),
                "Use csv or json.",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    pub path: String,
    pub entries: u32,
    pub format: ExportFormat,
}

/// Entries as JSON: the same text `shipshape audit list --json` prints.
pub fn to_json(entries: &[Entry]) -> Result<String> {
    serde_json::to_string_pretty(entries).map_err(|e| Error::internal(e.to_string()))
}

/// Entries as CSV with a header row; details as compact JSON.
pub fn to_csv(entries: &[Entry]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::internal(format!("Could not write CSV: {e}"));
    w.write_record([
        "seq", "time", "actor", "source", "action", "target", "outcome", "reason", "details",
        "hash",
    ])
    .map_err(failed)?;
    for e in entries {
        w.write_record([
            e.seq.to_string().as_str(),
            &e.time,
            &neutralise_formula(&e.actor),
            e.source.as_str(),
            &neutralise_formula(&e.action),
            &neutralise_formula(&e.target),
            e.outcome.as_str(),
            &neutralise_formula(e.reason.as_deref().unwrap_or("")),
            &neutralise_formula(&canonical_json(&e.details)),
            &e.hash,
        ])
        .map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::internal(e.to_string()))
}

/// A spreadsheet would run a cell starting with = + - @ as a formula;
/// a leading apostrophe keeps it text.
fn neutralise_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Writes the entries matching `filter` to `path` atomically, then records
/// the export itself in the log (a failed export is recorded too).
pub fn export(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    filter: &Filter,
    format: ExportFormat,
    path: &Path,
) -> Result<ExportSummary> {
    let result = (|| -> Result<ExportSummary> {
        let entries = list(store, filter)?;
        let text = match format {
            ExportFormat::Csv => to_csv(&entries)?,
            ExportFormat::Json => to_json(&entries)?,
        };
        atomic_file::write(path, text.as_bytes())?;
        Ok(ExportSummary {
            path: path.display().to_string(),
            entries: entries.len() as u32,
            format,
        })
    })();
    let target = path.display().to_string();
    let details = serde_json::json!({ "format": format.as_str(), "filter": filter });
    match &result {
        Ok(summary) => {
            let mut details = details;
            details["entries"] = summary.entries.into();
            append(
                store,
                now,
                actor,
                NewEntry::ok("audit.export", &target, details),
            )?;
        }
        Err(e) => {
            append(
                store,
                now,
                actor,
                NewEntry::failed("audit.export", &target, &e.message, details),
            )?;
        }
    }
    result
}
