//! Carrying out a deployment plan, for both shells: each stage's parts
//! installed through the same path as the Install screen's, the health
//! gates checked after it, then (as the plan says) a pause for the
//! administrator's approval, the next stage, or for a pilot a watch of
//! `soak_minutes` before it is promoted. A failed installation or gate
//! halts it and everything it installed is undone, newest first.

use super::Session;
use crate::harden::report::ReportFormat;
use crate::install::deploy::{self, Approved, Deployment, StageDone, Status};
use crate::install::plan::{Method, Part, Plan};
use crate::install::record::RecordSaved;
use crate::maintain::updates::{RunOutcome, UpdateRun};
use crate::progress::{Cancel, Progress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Starts a deployment of `plan` (a repeat of deployment `repeats`, when
/// given) and carries it out as far as it goes without the administrator.
pub fn start(
    s: Session<'_>,
    plan: Plan,
    repeats: Option<i64>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Deployment> {
    let plan = plan.checked()?;
    let mut d = Deployment::new(plan, &s.actor.user, repeats, now);
    d.step(true, format!("Began: {}", d.plan.method.words()));
    deploy::save(s.store, now, s.actor, &mut d, "deploy.start")?;
    go_on(s, d, now, progress, cancel)
}

/// Deploys again what deployment `id` deployed, by the same plan.
pub fn repeat(
    s: Session<'_>,
    id: i64,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Deployment> {
    let earlier = deploy::get(s.store, id)?;
    start(s, earlier.plan, Some(id), now, progress, cancel)
}

/// Installs one part, as the Install screen does.
fn install(
    s: Session<'_>,
    part: &Part,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    match part {
        Part::File(ask) => super::install::deb(s, ask.clone(), now, progress, cancel),
        Part::Package(ask) => super::install::package(s, ask.clone(), now, progress, cancel),
        Part::Program(ask) => super::install::program(s, ask.clone(), now, progress, cancel),
    }
}

/// Carries out the stages not done yet, until one waits for the
/// administrator, a pilot is watched, or all are done.
fn go_on(
    s: Session<'_>,
    mut d: Deployment,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Deployment> {
    while d.stages.len() < d.plan.stages.len() {
        let stage = d.plan.stages[d.stages.len()].clone();
        let mut done = StageDone {
            name: stage.name.clone(),
            runs: Vec::new(),
            gates: Vec::new(),
            approved: None,
        };
        for part in &stage.parts {
            let why = match install(s, part, now, progress, cancel) {
                Ok(run) if run.outcome == RunOutcome::Done => {
                    d.step(true, format!("{}: {}", stage.name, run.message));
                    done.runs.push(run.id);
                    continue;
                }
                Ok(run) => run.message,
                Err(e) => e.message,
            };
            d.step(false, format!("{}: {why}", stage.name));
            d.stages.push(done);
            let why = format!("{} was not installed: {why}", part.label());
            return halt(s, d, why, now);
        }
        done.gates = d
            .plan
            .gates
            .iter()
            .map(|g| deploy::check(s.store, g, &d.started, now))
            .collect();
        let failed: Vec<String> = done
            .gates
            .iter()
            .filter(|g| !g.passed)
            .map(|g| g.words.clone())
            .collect();
        for g in &done.gates {
            d.step(
                g.passed,
                format!("Health check after {}: {}", stage.name, g.words),
            );
        }
        d.stages.push(done);
        if !failed.is_empty() {
            return halt(
                s,
                d,
                format!(
                    "A health check failed after {}: {}",
                    stage.name,
                    failed.join(" ")
                ),
                now,
            );
        }
        let more = d.stages.len() < d.plan.stages.len();
        if more && d.plan.approval == crate::install::plan::Approval::Ask {
            d.status = Status::Waiting;
            d.message = format!(
                "{} is installed and its health checks passed. The next stage, {}, waits for your approval.",
                stage.name,
                d.plan.stages[d.stages.len()].name
            );
            d.step(true, "Waiting for approval of the next stage");
            deploy::save(s.store, now, s.actor, &mut d, "deploy.stage")?;
            return Ok(d);
        }
    }
    if d.plan.method == Method::Pilot {
        let until = now + soak(d.plan.soak_minutes);
        d.status = Status::Soaking;
        d.soak_until = Some(deploy::stamp(until));
        d.message = format!(
            "It is installed on the pilot computer and watched until {}; then you promote it or roll it back.",
            deploy::stamp(until)
        );
        d.step(true, "Watching the pilot");
        deploy::save(s.store, now, s.actor, &mut d, "deploy.stage")?;
        return Ok(d);
    }
    finish(
        s,
        d,
        now,
        "Every stage is installed and its health checks passed.",
    )
}

/// How long a pilot is watched. Builds made for tests may count a minute
/// as fewer seconds (`SHIPSHAPE_SOAK_MINUTE_SECONDS`), so a test need not
/// wait; a release build always counts 60.
fn soak(minutes: u32) -> chrono::Duration {
    let minute = crate::test_settings::var("SHIPSHAPE_SOAK_MINUTE_SECONDS")
        .and_then(|v| v.to_str().and_then(|v| v.parse::<i64>().ok()))
        .filter(|s| (1..=60).contains(s))
        .unwrap_or(60);
    chrono::Duration::seconds(i64::from(minutes) * minute)
}

fn finish(
    s: Session<'_>,
    mut d: Deployment,
    now: DateTime<Utc>,
    words: &str,
) -> Result<Deployment> {
    d.status = Status::Done;
    d.finished = Some(deploy::stamp(now));
    d.message = words.to_string();
    d.step(true, words);
    deploy::save(s.store, now, s.actor, &mut d, "deploy.done")?;
    Ok(d)
}

/// Stops `d` for `why` and undoes what it installed, newest first.
fn halt(s: Session<'_>, mut d: Deployment, why: String, now: DateTime<Utc>) -> Result<Deployment> {
    let left = undo_all(s, &mut d, now);
    d.status = Status::Halted;
    d.finished = Some(deploy::stamp(now));
    d.message = match left {
        None => format!("{why} The deployment stopped, and what it had installed was taken back."),
        Some(left) => format!("{why} The deployment stopped, but {left}"),
    };
    deploy::save(s.store, now, s.actor, &mut d, "deploy.halt")?;
    Ok(d)
}

/// Undoes every installation of `d` not undone yet, newest first; says
/// what could not be undone.
fn undo_all(s: Session<'_>, d: &mut Deployment, now: DateTime<Utc>) -> Option<String> {
    let mut failed = Vec::new();
    for run in d.runs().into_iter().rev() {
        let undone = crate::maintain::updates::run_numbered(s.store, run)
            .is_ok_and(|r| r.undone_by.is_some());
        if undone {
            continue;
        }
        match super::updates::undo(s, run, false, now) {
            Ok(u) if u.outcome == RunOutcome::Done => {
                d.step(true, format!("Took back installation {run}: {}", u.message));
            }
            Ok(u) => {
                d.step(
                    false,
                    format!("Installation {run} was not taken back: {}", u.message),
                );
                failed.push(run);
            }
            Err(e) => {
                d.step(
                    false,
                    format!("Installation {run} was not taken back: {}", e.message),
                );
                failed.push(run);
            }
        }
    }
    (!failed.is_empty()).then(|| {
        format!(
            "these installations could not be taken back: {}; undo them from the Install screen's list.",
            failed.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Lets deployment `id` go on: the next stage, or a watched pilot promoted.
pub fn approve(
    s: Session<'_>,
    id: i64,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Deployment> {
    let mut d = deploy::get(s.store, id)?;
    if d.status != Status::Waiting {
        return Err(Error::invalid_input(
            format!("Deployment {id} waits for no approval: {}", d.message),
            match d.status {
                Status::Soaking => {
                    "Wait until the pilot has been watched, then check it: shipshape plan check N."
                }
                _ => "Run shipshape plan show N to see where it is.",
            },
        ));
    }
    let approved = Approved {
        by: s.actor.user.clone(),
        time: deploy::stamp(now),
    };
    if let Some(last) = d.stages.last_mut() {
        last.approved = Some(approved);
    }
    d.status = Status::Running;
    if d.stages.len() == d.plan.stages.len() {
        d.step(true, format!("Promoted by {}", s.actor.user));
        return finish(s, d, now, "The pilot went well and was promoted.");
    }
    d.step(true, format!("Next stage approved by {}", s.actor.user));
    deploy::save(s.store, now, s.actor, &mut d, "deploy.approve")?;
    go_on(s, d, now, progress, cancel)
}

/// Checks a watched pilot: its gates now; when the watch is over and they
/// pass, it waits for promotion (or is promoted, when the plan says so).
/// A failed gate rolls it back at once.
pub fn check(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Deployment> {
    let mut d = deploy::get(s.store, id)?;
    if d.status != Status::Soaking {
        return Err(Error::invalid_input(
            format!("Deployment {id} is not being watched: {}", d.message),
            "Only a pilot is watched; run shipshape plan show N to see where this one is.",
        ));
    }
    let results: Vec<_> = d
        .plan
        .gates
        .iter()
        .map(|g| deploy::check(s.store, g, &d.started, now))
        .collect();
    for g in &results {
        d.step(g.passed, format!("Health check of the pilot: {}", g.words));
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|g| !g.passed)
        .map(|g| g.words.clone())
        .collect();
    if let Some(last) = d.stages.last_mut() {
        last.gates.extend(results);
    }
    if !failed.is_empty() {
        return halt(
            s,
            d,
            format!("A health check of the pilot failed: {}", failed.join(" ")),
            now,
        );
    }
    let until = d
        .soak_until
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    if until.is_some_and(|u| now < u) {
        d.message = format!(
            "All is well so far; the pilot is watched until {}.",
            d.soak_until.clone().unwrap_or_default()
        );
        deploy::save(s.store, now, s.actor, &mut d, "deploy.check")?;
        return Ok(d);
    }
    if d.plan.approval == crate::install::plan::Approval::Automatic {
        return finish(
            s,
            d,
            now,
            "The pilot was watched, its health checks passed, and it was promoted.",
        );
    }
    d.status = Status::Waiting;
    d.message =
        "The pilot was watched and its health checks passed. Promote it, or roll it back.".into();
    d.step(true, "Waiting for promotion");
    deploy::save(s.store, now, s.actor, &mut d, "deploy.check")?;
    Ok(d)
}

/// Takes back everything deployment `id` installed, newest first.
pub fn roll_back(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Deployment> {
    let mut d = deploy::get(s.store, id)?;
    if matches!(d.status, Status::Halted | Status::RolledBack) {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("Deployment {id} was already taken back: {}", d.message),
            "Nothing is left to roll back.",
        ));
    }
    let left = undo_all(s, &mut d, now);
    d.status = Status::RolledBack;
    d.finished = Some(deploy::stamp(now));
    d.message = match &left {
        None => format!(
            "Rolled back by {}: what it installed was taken back.",
            s.actor.user
        ),
        Some(left) => format!("Rolled back by {}, but {left}", s.actor.user),
    };
    deploy::save(s.store, now, s.actor, &mut d, "deploy.rollback")?;
    Ok(d)
}

/// Saves deployment `id`'s record (its plan, stages, checks, approvals,
/// steps and installations) at `path`.
pub fn record(
    s: Session<'_>,
    id: i64,
    format: ReportFormat,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<RecordSaved> {
    let d = deploy::get(s.store, id)?;
    let ids = d.runs();
    let runs: Vec<UpdateRun> = super::updates::history(s)?
        .into_iter()
        .filter(|r| ids.contains(&r.id))
        .collect();
    crate::install::record::save_deployment(s.store, &d, &runs, format, path, s.actor, now)
}
