//! What a computer says about itself for the office's grid: its security
//! score (from a scan of the last quarter of an hour, else one run now),
//! security updates waiting, its last backup and
//! restore test, open alerts, its system's support, its last access review
//! and open incidents. Built from what that computer keeps, quickly, so
//! checking twenty computers at once stays within seconds.

use crate::audit::Actor;
use crate::govern::eol::SupportLevel;
use crate::harden::check::Status;
use crate::store::Store;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A full scan younger than this is the report's, so checking every
/// computer again soon after is quick; an older one is run again.
pub const FRESH_MINUTES: i64 = 15;

/// Longest report read from another computer.
pub const MOST_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetReport")]
pub struct Report {
    pub computer: String,
    pub system: String,
    pub version: String,
    pub made: String,
    /// 0–100, from the last full security scan (run for the report
    /// unless one ran in the last `FRESH_MINUTES`).
    pub score: Option<u32>,
    /// When that scan ran.
    pub scanned: Option<String>,
    /// Checks failed or warned in that scan.
    pub findings: usize,
    pub security_updates: Option<usize>,
    pub updates: Option<usize>,
    /// When the last backup finished and how it went, in words.
    pub last_backup: Option<String>,
    pub last_backup_ok: Option<bool>,
    /// The last restore test, in words, and whether it passed.
    pub restore_test: Option<String>,
    pub restore_test_ok: Option<bool>,
    pub open_alerts: usize,
    /// The system's support in words, and whether it is ending (within
    /// 180 days, or only longer support left) or over.
    pub support: String,
    pub support_level: SupportLevel,
    /// When the last access review was signed off (YYYY-MM-DD).
    pub last_review: Option<String>,
    pub review_overdue: bool,
    pub open_incidents: usize,
}

/// Longest details read from another computer.
pub const MOST_DETAIL_BYTES: usize = 4 * 1024 * 1024;

/// What a computer says about itself for its own screen on the console:
/// its report, and behind each count what it counts. Shown as words, never
/// acted on: a fix or an update is made at that computer, or by a roll-out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetDetails")]
pub struct Details {
    pub report: Report,
    /// The scan's checks that failed or warned.
    pub findings: Vec<crate::harden::check::Finding>,
    /// The updates waiting (apt's last check kept).
    pub updates: Vec<crate::maintain::updates::Update>,
    pub alerts: Vec<crate::health::alerts::Alert>,
}

/// This computer's report, from `store` (the account's records) and what
/// any account may read (the scan, apt's kept check, root's published
/// backup board, distro-info-data).
pub fn here(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<Report> {
    Ok(details(store, actor, now)?.report)
}

/// This computer's report and what it counts.
pub fn details(store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<Details> {
    let root = crate::admin::this_computer();
    let target = crate::harden::target::Target::new(&root, now.timestamp().div_euclid(86_400));
    let recent = crate::harden::history::latest(store, now)?.filter(|s| {
        s.root == root.display().to_string()
            && DateTime::parse_from_rfc3339(&s.time).is_ok_and(|t| {
                now.signed_duration_since(t) < chrono::Duration::minutes(FRESH_MINUTES)
            })
    });
    let scan = match recent {
        Some(scan) => scan,
        None => {
            let scan = crate::harden::scan(&target, None, now)?;
            crate::harden::history::record(store, now, actor, &scan, true)?;
            scan
        }
    };
    let findings = scan
        .checks
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warning))
        .count();
    let waiting =
        crate::maintain::updates::check_kept(store, &crate::maintain::apt::Apt::this_computer())
            .ok();
    let board = crate::backup::board::read(&crate::admin::state::RootPaths::locate().public)
        .unwrap_or_default();
    let newest =
        |pick: fn(&crate::backup::board::BackupStatus) -> Option<&crate::backup::BackupRun>| {
            board
                .backups
                .iter()
                .filter_map(pick)
                .max_by(|a, b| a.finished.cmp(&b.finished))
                .cloned()
        };
    let backup = newest(|b| b.last_backup.as_ref());
    let test = newest(|b| b.last_test.as_ref());
    let ok = |r: &crate::backup::BackupRun| r.outcome == crate::backup::BackupOutcome::Done;
    let (support, support_level) = support(&target, now);
    let last_review = crate::govern::review::history(store)?
        .into_iter()
        .find_map(|r| {
            r.signed
                .map(|s| s.time.chars().take(10).collect::<String>())
        });
    let tickets = crate::govern::tickets::list(store)?;
    let alerts = crate::health::alerts::open(store)?;
    let report = Report {
        computer: scan.computer.clone(),
        system: scan.system.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        made: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        score: Some(scan.score),
        scanned: Some(scan.time.clone()),
        findings,
        security_updates: waiting.as_ref().map(|w| w.security()),
        updates: waiting.as_ref().map(|w| w.updates.len()),
        last_backup: backup
            .as_ref()
            .map(|r| format!("{}: {}", r.finished, r.message)),
        last_backup_ok: backup.as_ref().map(ok),
        restore_test: test
            .as_ref()
            .map(|r| format!("{}: {}", r.finished, r.message)),
        restore_test_ok: test.as_ref().map(ok),
        open_alerts: alerts.len(),
        support,
        support_level,
        last_review,
        review_overdue: crate::govern::review::overdue(store, now)?.is_some(),
        open_incidents: tickets.iter().filter(|t| t.status.is_active()).count(),
    };
    Ok(Details {
        report,
        findings: scan
            .checks
            .into_iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Warning))
            .collect(),
        updates: waiting.map(|w| w.updates).unwrap_or_default(),
        alerts,
    })
}

/// Details another computer sent, read as data of that shape and size.
pub fn read_details(text: &str, from: &str) -> Result<Details> {
    bounded(text, from, MOST_DETAIL_BYTES, "its details")
}

/// The system's support from distro-info-data, in words and as a level.
fn support(target: &crate::harden::target::Target, now: DateTime<Utc>) -> (String, SupportLevel) {
    use crate::govern::eol;
    let os = eol::os_release(
        &target
            .read_quiet("etc/os-release")
            .or_else(|| target.read_quiet("usr/lib/os-release"))
            .unwrap_or_default(),
    );
    let rel = format!("usr/share/distro-info/{}.csv", os.id);
    let csv = target.read_quiet(&rel);
    let today = now.date_naive();
    match eol::os_life(&os, csv.as_deref(), &format!("/{rel}")) {
        Ok(life) => (life.words(today), life.level(today)),
        Err(why) => (why, SupportLevel::Unknown),
    }
}

/// A report another computer sent, read as data: JSON of this shape and
/// size, nothing else.
pub fn read(text: &str, from: &str) -> Result<Report> {
    bounded(text, from, MOST_BYTES, "a report")
}

/// JSON of type `T` from `from`, at most `most` bytes; `what` names it.
fn bounded<T: serde::de::DeserializeOwned>(
    text: &str,
    from: &str,
    most: usize,
    what: &str,
) -> Result<T> {
    if text.len() > most {
        return Err(Error::invalid_input(
            format!(
                "{from} sent {} bytes, more than {what} ever is.",
                text.len()
            ),
            "Check that Shipshape on that computer is a version this console knows.",
        ));
    }
    serde_json::from_str(text.trim()).map_err(|e| {
        Error::invalid_input(
            format!("{from} did not send {what} Shipshape can read ({e})."),
            "Install the same version of Shipshape there, then check it again.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_report_is_read_from_another_computer() {
        assert!(read("<script>alert(1)</script>", "pc").is_err());
        assert!(read(&" ".repeat(MOST_BYTES + 1), "pc").is_err());
        assert!(
            read("{\"computer\": \"pc\"}", "pc")
                .expect_err("incomplete")
                .message
                .contains("did not send a report")
        );
    }
}
