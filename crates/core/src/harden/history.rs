//! Past scans: each full scan kept in the store for the score's trend and
//! the report, and every scan written to the audit log.

use super::Scan;
use super::check::Status;
use crate::audit::{self, Actor, NewEntry};
use crate::health::summary::LastCheck;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One past scan, as the trend shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PastScan {
    #[ts(type = "number")]
    pub id: i64,
    pub time: String,
    pub root: String,
    pub score: u32,
    /// How many checks failed.
    pub failed: u32,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} past scans: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

/// Records a scan in the audit log and, when it ran every check, keeps it
/// for the trend and the report (a single-check scan would distort both).
pub fn record(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    scan: &Scan,
    full: bool,
) -> Result<()> {
    let results = if full {
        Some(serde_json::to_string(scan).map_err(|e| Error::internal(e.to_string()))?)
    } else {
        None
    };
    let failing: Vec<&str> = scan
        .checks
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.id.as_str())
        .collect();
    let details = serde_json::json!({
        "score": scan.score,
        "checks": scan.checks.len(),
        "counts": scan.counts,
        "failing": failing,
        "kept": full,
    });
    audit::append_with(store, now, actor, |tx| {
        if let Some(results) = results {
            tx.execute(
                "INSERT INTO security_scans (time, root, score, failed, results) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![scan.time, scan.root, scan.score, scan.counts.fail, results],
            )
            .map_err(|e| sql_error("save", e))?;
        }
        Ok(((), NewEntry::ok("security.scan", &scan.root, details)))
    })?;
    Ok(())
}

/// Past full scans, newest first.
pub fn history(store: &Store, limit: u32) -> Result<Vec<PastScan>> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT id, time, root, score, failed FROM security_scans ORDER BY id DESC LIMIT ?1",
        )
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([limit], |r| {
            Ok(PastScan {
                id: r.get(0)?,
                time: r.get(1)?,
                root: r.get(2)?,
                score: r.get(3)?,
                failed: r.get(4)?,
            })
        })
        .map_err(|e| sql_error("read", e))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| sql_error("read", e))
}

/// The newest full scan, or `None` before the first one, with the risks
/// accepted as of `now` shown as accepted.
pub fn latest(store: &Store, now: DateTime<Utc>) -> Result<Option<Scan>> {
    let json: Option<String> = store
        .conn()
        .query_row(
            "SELECT results FROM security_scans ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    parsed(store, json, now)
}

/// What the newest full scan of `root` says for the Overview's sentence:
/// never checked, or how old the check is and how many security updates it
/// found waiting (unless that risk was accepted).
pub fn last_check(store: &Store, root: &str, now: DateTime<Utc>) -> Result<LastCheck> {
    let json: Option<String> = store
        .conn()
        .query_row(
            "SELECT results FROM security_scans WHERE root = ?1 ORDER BY id DESC LIMIT 1",
            [root],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    let Some(scan) = parsed(store, json, now)? else {
        return Ok(LastCheck::Never);
    };
    let age_days = DateTime::parse_from_rfc3339(&scan.time)
        .map(|t| (now - t.with_timezone(&Utc)).num_days())
        .unwrap_or(i64::MAX);
    let updates_waiting = scan
        .checks
        .iter()
        .find(|f| f.id == PENDING_SECURITY && f.status == Status::Fail)
        .map_or(0, |f| waiting_count(&f.detail));
    Ok(LastCheck::Done {
        age_days,
        updates_waiting,
    })
}

const PENDING_SECURITY: &str = "updates.pending_security";

/// The count the waiting-updates finding starts with ("85 security
/// update(s) are waiting: …"); a failed finding means at least one.
fn waiting_count(detail: &str) -> u32 {
    let digits: String = detail.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(1).max(1)
}

fn parsed(store: &Store, json: Option<String>, now: DateTime<Utc>) -> Result<Option<Scan>> {
    let Some(text) = json else { return Ok(None) };
    let mut scan: Scan = serde_json::from_str(&text).map_err(|e| {
        Error::new(
            ErrorCode::StoreCorrupt,
            format!("The latest scan in the store cannot be read: {e}."),
            "Run a new scan with shipshape scan.",
        )
    })?;
    super::accepted::mark_from(store, &mut scan, now)?;
    Ok(Some(scan))
}
