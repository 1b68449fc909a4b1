//! Hardening checks: what makes this computer unsafe, in plain words.
//!
//! Checks are declared as data (`check::Check`) in `checks`, one module per
//! area, and run over a `Target` (core's `Host`: a filesystem root and a
//! read-only program runner; and a few facts), so every check is tested against fixture
//! folders. A scan runs them on all cores and never drops one: a check
//! that cannot read what it needs says so (needs admin rights, or an error
//! with the reason as evidence), and the others carry on.

pub mod accepted;
pub mod check;
pub mod checks;
pub mod fix;
pub mod history;
pub mod parse;
pub mod report;
pub mod score;
pub mod sockets;
pub mod sshd;
pub mod sshd_access;
pub mod target;
pub mod walk;

use crate::progress::{Cancel, NoProgress, Progress};
use crate::{Error, Result};
use check::{Check, Finding, Outcome, Severity, Status};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};
use target::Target;
use ts_rs::TS;

/// How many of the costliest findings "why this score" lists.
pub(crate) const WHY_TOP: usize = 5;

/// One scan of one computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Scan {
    /// UTC, RFC 3339.
    pub time: String,
    /// The computer's name.
    pub computer: String,
    /// The operating system, e.g. "Debian GNU/Linux 12 (bookworm)".
    pub system: String,
    /// The folder scanned: "/" for this computer.
    pub root: String,
    /// Whether the scan could read everything (ran as administrator).
    pub as_admin: bool,
    /// 0–100 over the checks that could be judged.
    pub score: u32,
    /// Why this score: the findings costing the most points.
    pub costs: Vec<score::Cost>,
    pub counts: score::Counts,
    pub checks: Vec<Finding>,
}

impl Scan {
    /// A high or critical check failed: the CLI's exit 1.
    /// The findings with one of `statuses`, in catalogue order.
    pub fn with_status(&self, statuses: &[Status]) -> Vec<&Finding> {
        self.checks
            .iter()
            .filter(|f| statuses.contains(&f.status))
            .collect()
    }

    pub fn has_serious_failure(&self) -> bool {
        self.checks
            .iter()
            .any(|f| f.status == Status::Fail && f.severity <= Severity::High)
    }
}

/// Every check Shipshape knows, in the order they are shown.
pub fn catalogue() -> Vec<&'static Check> {
    checks::all()
}

/// Runs every check (or only `only`, by id) over `host`.
pub fn scan(host: &Target, only: Option<&str>, now: DateTime<Utc>) -> Result<Scan> {
    scan_with(host, only, now, &NoProgress, &Cancel::new())
}

/// `scan`, reporting the checks done out of all, and stopping (with
/// `cancelled`) when `cancel` is set: checks not yet started are skipped.
pub fn scan_with(
    host: &Target,
    only: Option<&str>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Scan> {
    let all = catalogue();
    let chosen: Vec<&Check> = match only {
        None => all,
        Some(id) => {
            let found: Vec<&Check> = all.into_iter().filter(|c| c.id == id).collect();
            if found.is_empty() {
                return Err(Error::invalid_input(
                    format!("There is no check called \"{id}\"."),
                    "Run the scan without --check to see every check's id.",
                ));
            }
            found
        }
    };
    let findings = run_all(host, &chosen, progress, cancel);
    cancel.check()?;
    let (score, costs) = score::score(&findings, WHY_TOP);
    let facts = host.facts();
    Ok(Scan {
        time: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        computer: facts.hostname.clone(),
        system: facts.os_name.clone(),
        root: host.root().display().to_string(),
        as_admin: facts.as_root,
        score,
        counts: score::Counts::of(&findings),
        costs,
        checks: findings,
    })
}

/// Runs the checks on a few threads, keeping their order. Checks read
/// files and wait for commands, so several at once finish sooner.
fn run_all(
    host: &Target,
    checks: &[&Check],
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Vec<Finding> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let total = checks.len() as u64;
    progress.report(0, total);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(2, 8)
        .min(checks.len().max(1));
    let mut results: Vec<(usize, Finding)> = Vec::with_capacity(checks.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while !cancel.is_cancelled() {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(check) = checks.get(i) else { break };
                        mine.push((i, run_one(host, check)));
                        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                        progress.report(finished as u64, total);
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            if let Ok(mine) = h.join() {
                results.extend(mine);
            }
        }
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, f)| f).collect()
}

fn run_one(host: &Target, check: &Check) -> Finding {
    let outcome = match check.applies.excludes(host) {
        Some(reason) => Outcome::not_applicable(reason),
        None => {
            let run = std::panic::AssertUnwindSafe(|| (check.run)(host));
            match std::panic::catch_unwind(run) {
                Ok(Ok(o) | Err(o)) => o,
                Err(_) => Outcome::error(
                    "This check stopped because of a fault in Shipshape; the other checks ran.",
                ),
            }
        }
    };
    Finding {
        id: check.id.to_string(),
        area: check.area,
        title: check.title.to_string(),
        severity: check.severity,
        status: outcome.status,
        why: check.why.to_string(),
        detail: outcome.detail,
        evidence: outcome.evidence,
        remediation: check.remediation.to_string(),
        fixable: fix::has_fix(check.id),
        references: check.references(),
        accepted: None,
    }
}
