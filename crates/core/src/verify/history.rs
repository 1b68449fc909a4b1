//! Past verifications: each one kept in the store and written to the
//! audit log.

use super::verdict::{FileVerdict, Safety};
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PastVerification {
    pub time: String,
    pub verdict: FileVerdict,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} past verifications: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

fn safety_name(s: Safety) -> &'static str {
    match s {
        Safety::Safe => "safe",
        Safety::Caution => "caution",
        Safety::Unsafe => "unsafe",
    }
}

/// Keeps the verdict and records it in the audit log.
pub fn record(store: &Store, now: DateTime<Utc>, actor: &Actor, v: &FileVerdict) -> Result<()> {
    let time = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let details = serde_json::to_value(v).map_err(|e| Error::internal(e.to_string()))?;
    let verdict = details.to_string();
    let entry = match v.safety {
        Safety::Unsafe => NewEntry::failed("verify.file", &v.file, &v.headline, details),
        _ => NewEntry::ok("verify.file", &v.file, details),
    };
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT INTO verifications (time, file, safety, verdict) VALUES (?1, ?2, ?3, ?4)",
            params![time, v.file, safety_name(v.safety), verdict],
        )
        .map_err(|e| sql_error("save", e))?;
        Ok(((), entry))
    })?;
    Ok(())
}

/// The newest verifications first.
pub fn recent(store: &Store, limit: u32) -> Result<Vec<PastVerification>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT time, verdict FROM verifications ORDER BY id DESC LIMIT ?1")
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(|e| sql_error("read", e))?;
    let mut out = Vec::new();
    for row in rows {
        let (time, verdict) = row.map_err(|e| sql_error("read", e))?;
        // A row from a future version with fields we do not know is skipped.
        if let Ok(verdict) = serde_json::from_str(&verdict) {
            out.push(PastVerification { time, verdict });
        }
    }
    Ok(out)
}
