//! Accepted risks: a finding the user decided to live with, for a reason,
//! until a date. Until then it shows as accepted, not failed, and costs no
//! points; after that date it counts again. Every acceptance is audited.

use super::Scan;
use super::check::Status;
use super::score;
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The longest an acceptance may last: a risk is looked at again within a year.
const MAX_DAYS: i64 = 366;
/// The longest reason kept.
const MAX_REASON: usize = 500;

/// A finding accepted as a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Acceptance {
    pub check_id: String,
    pub reason: String,
    /// The last day it holds, "YYYY-MM-DD".
    pub until: String,
    /// Who accepted it, and when (UTC, RFC 3339).
    pub actor: String,
    pub time: String,
}

impl Acceptance {
    /// Whether it still holds on `today`.
    pub fn holds(&self, today: NaiveDate) -> bool {
        NaiveDate::parse_from_str(&self.until, "%Y-%m-%d").is_ok_and(|u| u >= today)
    }
}

/// What an accepted finding carries: the acceptance, and what the check
/// really found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Accepted {
    pub reason: String,
    pub until: String,
    pub actor: String,
    /// The check's own verdict (fail or warning).
    pub found: Status,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the accepted risks: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

/// Accepts the finding of `check_id` until the date `until` (YYYY-MM-DD,
/// after today, within a year), for `reason`.
pub fn accept(
    store: &Store,
    check_id: &str,
    reason: &str,
    until: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Acceptance> {
    if !super::catalogue().iter().any(|c| c.id == check_id) {
        return Err(Error::invalid_input(
            format!("There is no check called \"{check_id}\"."),
            "Run shipshape scan to see every check's id.",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid_input(
            "Say why this risk is accepted.",
            "Write the reason, for example \"the printer needs it until it is replaced\".",
        ));
    }
    if reason.chars().count() > MAX_REASON || reason.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(
            format!("The reason must be one line of at most {MAX_REASON} characters."),
            "Shorten the reason.",
        ));
    }
    let date = NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid_input(
            format!("\"{until}\" is not a date."),
            "Give the last day the acceptance holds as YYYY-MM-DD, for example 2027-03-31.",
        )
    })?;
    let today = now.date_naive();
    if date < today {
        return Err(Error::invalid_input(
            format!("{date} has already passed."),
            "Give a day from today on.",
        ));
    }
    if (date - today).num_days() > MAX_DAYS {
        return Err(Error::invalid_input(
            format!("{date} is more than a year away."),
            "Accept the risk for at most a year, then look at it again.",
        ));
    }
    let acceptance = Acceptance {
        check_id: check_id.to_string(),
        reason: reason.to_string(),
        until: date.format("%Y-%m-%d").to_string(),
        actor: actor.user.clone(),
        time: now.to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT INTO security_accepted (check_id, reason, until, actor, time)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(check_id) DO UPDATE SET reason = ?2, until = ?3, actor = ?4, time = ?5",
            params![
                acceptance.check_id,
                acceptance.reason,
                acceptance.until,
                acceptance.actor,
                acceptance.time
            ],
        )
        .map_err(|e| sql_error("save", e))?;
        let details = serde_json::json!({ "reason": acceptance.reason, "until": acceptance.until });
        Ok(((), NewEntry::ok("security.accept", check_id, details)))
    })?;
    Ok(acceptance)
}

/// Ends the acceptance of `check_id`: the finding counts again.
pub fn withdraw(store: &Store, check_id: &str, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    audit::append_with(store, now, actor, |tx| {
        let removed = tx
            .execute(
                "DELETE FROM security_accepted WHERE check_id = ?1",
                [check_id],
            )
            .map_err(|e| sql_error("change", e))?;
        if removed == 0 {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("\"{check_id}\" is not an accepted risk."),
                "Run shipshape accepted to see the accepted risks.",
            ));
        }
        let entry = NewEntry::ok("security.withdraw", check_id, serde_json::json!({}));
        Ok(((), entry))
    })?;
    Ok(())
}

/// Every acceptance, expired ones too, soonest to end first.
pub fn list(store: &Store) -> Result<Vec<Acceptance>> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare(
            "SELECT check_id, reason, until, actor, time FROM security_accepted ORDER BY until, check_id",
        )
        .map_err(|e| sql_error("read", e))?;
    stmt.query_map([], |r| {
        Ok(Acceptance {
            check_id: r.get(0)?,
            reason: r.get(1)?,
            until: r.get(2)?,
            actor: r.get(3)?,
            time: r.get(4)?,
        })
    })
    .map_err(|e| sql_error("read", e))?
    .collect::<rusqlite::Result<Vec<_>>>()
    .map_err(|e| sql_error("read", e))
}

/// Shows the findings accepted on `today` as accepted (and others as the
/// check found them), and scores again.
pub fn mark(scan: &mut Scan, accepted: &[Acceptance], today: NaiveDate) {
    for f in &mut scan.checks {
        if let Some(a) = f.accepted.take() {
            f.status = a.found;
        }
        let holding = accepted
            .iter()
            .find(|a| a.check_id == f.id && a.holds(today));
        if let Some(a) = holding
            && matches!(f.status, Status::Fail | Status::Warning)
        {
            f.accepted = Some(Accepted {
                reason: a.reason.clone(),
                until: a.until.clone(),
                actor: a.actor.clone(),
                found: f.status,
            });
            f.status = Status::Accepted;
        }
    }
    let (points, costs) = score::score(&scan.checks, super::WHY_TOP);
    scan.score = points;
    scan.costs = costs;
    scan.counts = score::Counts::of(&scan.checks);
}

/// `mark` with the acceptances in `store`.
pub fn mark_from(store: &Store, scan: &mut Scan, now: DateTime<Utc>) -> Result<()> {
    let all = list(store)?;
    mark(scan, &all, now.date_naive());
    Ok(())
}
