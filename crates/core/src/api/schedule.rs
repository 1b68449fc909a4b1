//! Scheduled maintenance for both shells and for the systemd timer. The
//! jobs live in root's state: root changes them directly; a user's app or
//! CLI asks the helper, and reads the list root publishes after every
//! change and every run (it holds no secret).

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self, public};
use crate::audit::{self, Actor, NewEntry, Source};
use crate::maintain::apt::Apt;
use crate::maintain::jobs::{self, DueResult, JobStatus, ScheduledRun, Work};
use crate::maintain::schedule::{self, Job, JobKind, Restart};
use crate::maintain::updates::{self, Choice, RunOutcome};
use crate::progress::{Cancel, NoProgress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Local, Utc};

/// A change to the schedule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export, rename = "ScheduleChange")]
pub enum Change {
    Add {
        job: Job,
    },
    Edit {
        #[ts(type = "number")]
        id: i64,
        job: Job,
    },
    Remove {
        #[ts(type = "number")]
        id: i64,
    },
    Pause {
        #[ts(type = "number")]
        id: i64,
        paused: bool,
    },
}

/// The real work of each job, as root on this computer.
struct OnThisComputer<'a> {
    state: &'a RootState,
    actor: &'a Actor,
    /// Started by someone ("run now"): it never waits for a better moment.
    by_hand: bool,
}

impl Work for OnThisComputer<'_> {
    fn run(&self, job: &Job, now: DateTime<Utc>) -> Result<String> {
        // The run is on record as running: published now, an open app
        // shows it live.
        publish(self.state, now);
        let apt = Apt::this_computer();
        let install = |choice: Choice| {
            updates::apply(
                &apt,
                self.state,
                choice,
                self.actor,
                now,
                &NoProgress,
                &Cancel::new(),
            )
        };
        // A run cut off earlier (a power cut) left packages half
        // installed: this run finishes them first, then goes on.
        let repaired_then = |choice: Choice| match install(choice.clone()) {
            Err(e) if e.code == ErrorCode::Conflict && apt.audit().is_ok_and(|a| !a.is_empty()) => {
                let repair = updates::repair(&apt, self.state, self.actor, now)?;
                if repair.outcome == RunOutcome::Failed {
                    return Err(Error::new(ErrorCode::Io, repair.message, repair.log_tail));
                }
                install(choice).map(|mut run| {
                    run.message = format!("{} {}", repair.message, run.message);
                    run
                })
            }
            other => other,
        };
        let patch = |choice: Choice| match repaired_then(choice) {
            Ok(run) if run.outcome == RunOutcome::Failed => {
                Err(Error::new(ErrorCode::Io, run.message, run.log_tail))
            }
            Ok(run) => Ok(format!(
                "{} {}",
                run.message,
                self.restart_if_due(job, run.restart_needed, now)
            )
            .trim()
            .to_string()),
            Err(e) if e.code == ErrorCode::NotFound => Ok(e.message),
            Err(e) => Err(e),
        };
        match job.kind {
            JobKind::UpdateCheck => {
                apt.refresh()?;
                Ok(updates::check(&apt, false)?.headline())
            }
            JobKind::SecurityPatching => patch(Choice::Security),
            JobKind::AllUpdates => patch(Choice::All),
            JobKind::SecurityScan => {
                let host = super::host(&admin::this_computer(), now);
                let scan = crate::harden::scan(&host, None, now)?;
                crate::harden::history::record(&self.state.store, now, self.actor, &scan, true)?;
                Ok(format!("Security score {} of 100.", scan.score))
            }
            JobKind::Backup => {
                if !self.by_hand {
                    crate::maintain::conditions::wait_here("The scheduled backup")?;
                }
                super::backup::scheduled(self.state, self.actor, false, now)
            }
            JobKind::RestoreTest => super::backup::scheduled(self.state, self.actor, true, now),
        }
    }
}

impl OnThisComputer<'_> {
    /// Restarts the computer when the job's policy says so now, or says
    /// what is left for the administrator. Builds made for tests never
    /// restart the computer they run on: they say they would.
    fn restart_if_due(&self, job: &Job, needed: bool, now: DateTime<Utc>) -> String {
        let host = super::host(&admin::this_computer(), now);
        let at_the_screen = host.run(&["who"]).is_some_and(|out| {
            out.stdout
                .lines()
                .any(crate::harden::fix::guard::at_the_screen)
        });
        match schedule::restart(job, needed, at_the_screen, now, &Local) {
            Restart::No => String::new(),
            Restart::Ask(words) => words,
            Restart::Now if cfg!(debug_assertions) => {
                "A restart is needed and nobody is at the screen: a build made for tests does not restart.".into()
            }
            Restart::Now => match crate::program::run("systemctl", &["reboot"], std::time::Duration::from_secs(60)) {
                Ok(out) if out.code == Some(0) => "A restart was needed and nobody was at the screen: restarting now.".into(),
                _ => "A restart is needed, and restarting failed: restart at a quiet moment.".into(),
            },
        }
    }
}

/// Said when a scheduled run is already going.
const BUSY: &str =
    "Scheduled maintenance is running on this computer right now, so this run was not started.";

/// Publishes root's schedule for the user's side; a failure is said, not fatal.
fn publish(state: &RootState, now: DateTime<Utc>) {
    let written = jobs::list(&state.store, now, &Local)
        .and_then(|list| serde_json::to_vec(&list).map_err(|e| Error::internal(e.to_string())))
        .and_then(|bytes| public::publish_file(&state.paths.public, jobs::PUBLISHED, &bytes))
        .and_then(|()| state.publish(now));
    if let Err(e) = written {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
}

/// The jobs: root reads its own store; anyone else what root published.
pub fn list(now: DateTime<Utc>) -> Result<Vec<JobStatus>> {
    if admin::running_as_root() {
        let state = RootState::open(now)?;
        return jobs::list(&state.store, now, &Local);
    }
    match public::read_roots(
        &crate::admin::state::RootPaths::locate().public,
        jobs::PUBLISHED,
    )? {
        Some(bytes) => jobs::published(&bytes),
        None => Ok(Vec::new()),
    }
}

/// Changes the schedule, and records in the user's log what was asked.
pub fn change(s: Session<'_>, change: Change, now: DateTime<Utc>) -> Result<()> {
    let answered = if admin::running_as_root() {
        as_root(&change, s.actor, now).map(|_| ())
    } else {
        door::run::<serde_json::Value>(request(&change)).map(|_| ())
    };
    let (action, target) = describe(&change);
    let entry = match &answered {
        Ok(()) => NewEntry::ok(
            action,
            &target,
            serde_json::json!({ "made_by": "administrator" }),
        ),
        Err(e) => NewEntry::failed(
            action,
            &target,
            &e.message,
            serde_json::json!({ "code": e.code }),
        ),
    };
    audit::append(s.store, now, s.actor, entry)?;
    answered
}

/// Runs job `id` now.
pub fn run_now(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<ScheduledRun> {
    let answered = if admin::running_as_root() {
        run_now_as_root(id, s.actor, now)
    } else {
        door::run(Request::ScheduleRun(id))
    };
    let entry = match &answered {
        Ok(run) => NewEntry::ok(
            "schedule.run",
            &format!("job {id}"),
            serde_json::json!({ "made_by": "administrator", "outcome": run.outcome, "message": run.message }),
        ),
        Err(e) => NewEntry::failed(
            "schedule.run",
            &format!("job {id}"),
            &e.message,
            serde_json::json!({ "code": e.code }),
        ),
    };
    audit::append(s.store, now, s.actor, entry)?;
    answered
}

/// Runs job `id` now, as root, once no other scheduled run is going.
fn run_now_as_root(id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<ScheduledRun> {
    let state = RootState::open(now)?;
    let _turn = state.take_turn("schedule", BUSY)?;
    jobs::settle_cut_off(&state.store, now, actor)?;
    let run = jobs::run_now(
        &state.store,
        &OnThisComputer {
            state: &state,
            actor,
            by_hand: true,
        },
        actor,
        id,
        now,
    );
    publish(&state, now);
    run
}

/// What the systemd timer runs, as root: every due job, once.
pub fn run_due(now: DateTime<Utc>) -> Result<Vec<DueResult>> {
    let state = RootState::open(now)?;
    let actor = Actor::current(Source::Scheduler);
    let _turn = state.take_turn("schedule", BUSY)?;
    jobs::settle_cut_off(&state.store, now, &actor)?;
    let done = jobs::run_due(
        &state.store,
        &OnThisComputer {
            state: &state,
            actor: &actor,
            by_hand: false,
        },
        &actor,
        now,
        &Local,
    );
    publish(&state, now);
    done
}

fn as_root(change: &Change, actor: &Actor, now: DateTime<Utc>) -> Result<Option<i64>> {
    let state = RootState::open(now)?;
    let done = match change.clone() {
        Change::Add { job } => jobs::add(&state.store, now, actor, job).map(Some),
        Change::Edit { id, job } => jobs::edit(&state.store, now, actor, id, job).map(|()| None),
        Change::Remove { id } => jobs::remove(&state.store, now, actor, id).map(|()| None),
        Change::Pause { id, paused } => {
            jobs::pause(&state.store, now, actor, id, paused).map(|()| None)
        }
    };
    publish(&state, now);
    done
}

fn request(change: &Change) -> Request {
    match change.clone() {
        Change::Add { job } => Request::ScheduleAdd(job),
        Change::Edit { id, job } => Request::ScheduleEdit(id, job),
        Change::Remove { id } => Request::ScheduleRemove(id),
        Change::Pause { id, paused } => Request::SchedulePause(id, paused),
    }
}

fn describe(change: &Change) -> (&'static str, String) {
    match change {
        Change::Add { job } => ("schedule.add", job.describe()),
        Change::Edit { id, job } => ("schedule.edit", format!("job {id}: {}", job.describe())),
        Change::Remove { id } => ("schedule.remove", format!("job {id}")),
        Change::Pause { id, paused: true } => ("schedule.pause", format!("job {id}")),
        Change::Pause { id, paused: false } => ("schedule.resume", format!("job {id}")),
    }
}

/// The helper's side: one checked schedule request, as root.
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    let json =
        |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::internal(e.to_string()));
    match request {
        Request::ScheduleAdd(job) => {
            as_root(&Change::Add { job }, &actor, now).and_then(|id| json(serde_json::to_value(id)))
        }
        Request::ScheduleEdit(id, job) => as_root(&Change::Edit { id, job }, &actor, now)
            .and_then(|id| json(serde_json::to_value(id))),
        Request::ScheduleRemove(id) => as_root(&Change::Remove { id }, &actor, now)
            .and_then(|id| json(serde_json::to_value(id))),
        Request::SchedulePause(id, paused) => as_root(&Change::Pause { id, paused }, &actor, now)
            .and_then(|id| json(serde_json::to_value(id))),
        Request::ScheduleRun(id) => {
            run_now_as_root(id, &actor, now).and_then(|r| json(serde_json::to_value(r)))
        }
        _ => Err(Error::internal("Not a schedule request.")),
    }
}
