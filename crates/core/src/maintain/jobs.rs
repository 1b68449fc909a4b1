//! Scheduled jobs kept in root's store, their runs, and `run_due`, which
//! the systemd timer starts as root: every due job runs once (a missed one
//! is caught up once), a job outside its window is carried to it, and each
//! run is in the history and the activity log. A job that failed, or
//! missed several runs in a row, is flagged for the Overview.

use super::schedule::{self, Decision, Job};
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// After this many missed runs in a row a job needs attention.
pub const MISSED_ALERT: u32 = 3;

/// The published summary's name in root's public folder.
pub const PUBLISHED: &str = "schedule.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobOutcome {
    Running,
    Done,
    Failed,
    /// Stopped by a power cut or a kill before it finished; the job is due
    /// again as if it had not run.
    CutOff,
    /// Not started now (on battery, a metered connection); the job is due
    /// again at the timer's next look.
    Waiting,
}

/// One run of a scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScheduledRun {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub job: i64,
    pub started: String,
    pub finished: Option<String>,
    pub outcome: JobOutcome,
    pub message: String,
}

/// A job with what the administrator needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JobStatus {
    #[ts(type = "number")]
    pub id: i64,
    /// `None` when the stored row could not be read (it is skipped, and
    /// `attention` says so).
    pub job: Option<Job>,
    /// In plain words.
    pub description: String,
    pub next_run: Option<String>,
    pub last_run: Option<ScheduledRun>,
    /// Occurrences that passed without a run since the last one.
    pub missed: u32,
    /// Why it is carried to a later time, when it is.
    pub waiting: Option<String>,
    /// What needs the administrator: a failed run, runs missed, a broken row.
    pub attention: Option<String>,
}

/// What `run_due` did with one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DueResult {
    #[ts(type = "number")]
    pub job: i64,
    pub description: String,
    /// The run, when it ran.
    pub run: Option<ScheduledRun>,
    /// Why it did not run now, when it was due.
    pub carried: Option<String>,
}

/// Does the work of a job; the real one installs and scans, tests count.
pub trait Work {
    /// Runs `job` and says what it did in plain words.
    fn run(&self, job: &Job, now: DateTime<Utc>) -> Result<String>;
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn sql(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("Could not {doing} the schedule: {e}."),
        "Try again; if it keeps failing, check the disk.",
    )
}

fn not_found(id: i64) -> Error {
    Error::new(
        ErrorCode::NotFound,
        format!("There is no scheduled job {id}."),
        "Run shipshape schedule list to see the jobs and their numbers.",
    )
}

/// A stored job: its number, when it was made, and the job or why its row
/// cannot be read.
type Row = (i64, String, std::result::Result<Job, String>);

fn rows(store: &Store) -> Result<Vec<Row>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, created, job FROM schedule_jobs ORDER BY id")
        .map_err(|e| sql("read", e))?;
    let found = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| sql("read", e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| sql("read", e))?;
    Ok(found
        .into_iter()
        .map(|(id, created, text)| {
            let job = serde_json::from_str::<Job>(&text)
                .map_err(|e| e.to_string())
                .and_then(|j| j.checked().map_err(|e| e.message));
            (id, created, job)
        })
        .collect())
}

fn job(store: &Store, id: i64) -> Result<(String, Job)> {
    let (_, created, job) = rows(store)?
        .into_iter()
        .find(|(i, _, _)| *i == id)
        .ok_or_else(|| not_found(id))?;
    let job = job.map_err(|why| {
        Error::new(
            ErrorCode::Conflict,
            format!("Scheduled job {id} could not be read ({why})."),
            format!("Remove it (shipshape schedule remove {id}) and add it again."),
        )
    })?;
    Ok((created, job))
}

fn runs(store: &Store, job: i64) -> Result<Vec<ScheduledRun>> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT id, job, started, finished, outcome, message FROM schedule_runs WHERE job = ?1 ORDER BY id",
        )
        .map_err(|e| sql("read", e))?;
    let found = stmt
        .query_map([job], |r| {
            Ok(ScheduledRun {
                id: r.get(0)?,
                job: r.get(1)?,
                started: r.get(2)?,
                finished: r.get(3)?,
                outcome: match r.get::<_, String>(4)?.as_str() {
                    "done" => JobOutcome::Done,
                    "running" => JobOutcome::Running,
                    "cut_off" => JobOutcome::CutOff,
                    "waiting" => JobOutcome::Waiting,
                    _ => JobOutcome::Failed,
                },
                message: r.get(5)?,
            })
        })
        .map_err(|e| sql("read", e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| sql("read", e))?;
    Ok(found)
}

fn outcome_word(o: JobOutcome) -> &'static str {
    match o {
        JobOutcome::Running => "running",
        JobOutcome::Done => "done",
        JobOutcome::Failed => "failed",
        JobOutcome::CutOff => "cut_off",
        JobOutcome::Waiting => "waiting",
    }
}

/// Adds a job; answers its number.
pub fn add(store: &Store, now: DateTime<Utc>, actor: &Actor, job: Job) -> Result<i64> {
    let job = job.checked()?;
    let text = serde_json::to_string(&job).map_err(|e| Error::internal(e.to_string()))?;
    let description = job.describe();
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT INTO schedule_jobs (created, job) VALUES (?1, ?2)",
            rusqlite::params![stamp(now), text],
        )
        .map_err(|e| sql("write", e))?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({ "job": id, "schedule": job });
        Ok((id, NewEntry::ok("schedule.add", &description, details)))
    })?;
    Ok(id)
}

/// Replaces job `id`'s settings; its history stays.
pub fn edit(store: &Store, now: DateTime<Utc>, actor: &Actor, id: i64, job: Job) -> Result<()> {
    let job = job.checked()?;
    let text = serde_json::to_string(&job).map_err(|e| Error::internal(e.to_string()))?;
    let description = job.describe();
    audit::append_with(store, now, actor, |tx| {
        let n = tx
            .execute(
                "UPDATE schedule_jobs SET job = ?1 WHERE id = ?2",
                rusqlite::params![text, id],
            )
            .map_err(|e| sql("write", e))?;
        if n == 0 {
            return Err(not_found(id));
        }
        let details = serde_json::json!({ "job": id, "schedule": job });
        Ok(((), NewEntry::ok("schedule.edit", &description, details)))
    })?;
    Ok(())
}

/// Pauses or resumes job `id`.
pub fn pause(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    paused: bool,
) -> Result<()> {
    let (_, mut j) = job(store, id)?;
    j.paused = paused;
    edit(store, now, actor, id, j)
}

/// Removes job `id` and its history.
pub fn remove(store: &Store, now: DateTime<Utc>, actor: &Actor, id: i64) -> Result<()> {
    audit::append_with(store, now, actor, |tx| {
        let n = tx
            .execute("DELETE FROM schedule_jobs WHERE id = ?1", [id])
            .map_err(|e| sql("write", e))?;
        if n == 0 {
            return Err(not_found(id));
        }
        tx.execute("DELETE FROM schedule_runs WHERE job = ?1", [id])
            .map_err(|e| sql("write", e))?;
        let details = serde_json::json!({ "job": id });
        Ok((
            (),
            NewEntry::ok("schedule.remove", &format!("job {id}"), details),
        ))
    })?;
    Ok(())
}

/// Every job with its next run, last run and what needs attention.
pub fn list<Tz: TimeZone>(store: &Store, now: DateTime<Utc>, tz: &Tz) -> Result<Vec<JobStatus>> {
    let mut out = Vec::new();
    for (id, created, job) in rows(store)? {
        let job = match job {
            Ok(j) => j,
            Err(why) => {
                out.push(JobStatus {
                    id,
                    job: None,
                    description: format!("Scheduled job {id} (cannot be read)"),
                    next_run: None,
                    last_run: None,
                    missed: 0,
                    waiting: None,
                    attention: Some(format!(
                        "This job's stored settings could not be read ({why}), so it does not run. Remove it and add it again."
                    )),
                });
                continue;
            }
        };
        let history = runs(store, id)?;
        let last = history.last().cloned();
        let since = last
            .as_ref()
            .and_then(|r| parse_time(&r.started))
            .or_else(|| parse_time(&created))
            .unwrap_or(now);
        let decision = schedule::decide(&job, since, estimate(&history), now, tz);
        let (next_run, missed, waiting) = match &decision {
            Decision::Run { missed } => (Some(stamp(now)), *missed, None),
            Decision::Carry { until, why, missed } => {
                (Some(stamp(*until)), *missed, Some(why.clone()))
            }
            Decision::Idle { next } => (next.map(stamp), 0, None),
        };
        let attention = match &last {
            Some(r) if r.outcome == JobOutcome::Failed => {
                Some(format!("Its last run failed: {}", r.message))
            }
            _ if missed >= MISSED_ALERT => Some(format!(
                "It missed {missed} runs in a row: the computer was off or asleep at those times. Check that it is on during the schedule, or choose other times."
            )),
            _ => None,
        };
        out.push(JobStatus {
            id,
            description: job.describe(),
            job: Some(job),
            next_run,
            last_run: last,
            missed,
            waiting,
            attention,
        });
    }
    Ok(out)
}

/// How long this job's finished runs took.
fn estimate(history: &[ScheduledRun]) -> Option<Duration> {
    let durations: Vec<Duration> = history
        .iter()
        .filter(|r| r.outcome == JobOutcome::Done)
        .filter_map(|r| Some(parse_time(r.finished.as_deref()?)? - parse_time(&r.started)?))
        .collect();
    schedule::estimate(&durations)
}

/// Runs job `id` now, whatever its schedule ("Run now").
pub fn run_now(
    store: &Store,
    work: &dyn Work,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<ScheduledRun> {
    let (_, j) = job(store, id)?;
    run_one(store, work, actor, id, &j, now)
}

fn run_one(
    store: &Store,
    work: &dyn Work,
    actor: &Actor,
    id: i64,
    j: &Job,
    now: DateTime<Utc>,
) -> Result<ScheduledRun> {
    store
        .conn()
        .execute(
            "INSERT INTO schedule_runs (job, started, outcome, message) VALUES (?1, ?2, 'running', '')",
            rusqlite::params![id, stamp(now)],
        )
        .map_err(|e| sql("write", e))?;
    let run_id = store.conn().last_insert_rowid();
    let result = work.run(j, now);
    // The work may take long: the end is stamped when it ends.
    let ended = Utc::now().max(now);
    let (outcome, message) = match result {
        Ok(m) => (JobOutcome::Done, m),
        Err(e) if e.code == ErrorCode::NotNow => {
            (JobOutcome::Waiting, format!("{} {}", e.message, e.hint))
        }
        Err(e) => (JobOutcome::Failed, format!("{} {}", e.message, e.hint)),
    };
    if outcome == JobOutcome::Waiting
        && let Some(run) = still_waiting(store, id, run_id, ended, &message)?
    {
        return Ok(run);
    }
    let description = j.describe();
    let (run, _) = audit::append_with(store, ended, actor, |tx| {
        tx.execute(
            "UPDATE schedule_runs SET finished = ?1, outcome = ?2, message = ?3 WHERE id = ?4",
            rusqlite::params![stamp(ended), outcome_word(outcome), message, run_id],
        )
        .map_err(|e| sql("write", e))?;
        let run = ScheduledRun {
            id: run_id,
            job: id,
            started: stamp(now),
            finished: Some(stamp(ended)),
            outcome,
            message: message.clone(),
        };
        let details = serde_json::json!({ "job": id, "run": run_id });
        let entry = match outcome {
            JobOutcome::Failed => NewEntry::failed("schedule.run", &description, &message, details),
            _ => NewEntry::ok("schedule.run", &description, details),
        };
        Ok((run, entry))
    })?;
    Ok(run)
}

/// A job that waited at the last look and waits again: that run is
/// brought up to date instead of a new one recorded every few minutes.
fn still_waiting(
    store: &Store,
    job: i64,
    run_id: i64,
    ended: DateTime<Utc>,
    message: &str,
) -> Result<Option<ScheduledRun>> {
    let conn = store.conn();
    let previous: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, outcome, started FROM schedule_runs WHERE job = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1",
            rusqlite::params![job, run_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok();
    let Some((id, _, started)) = previous.filter(|(_, o, _)| o == "waiting") else {
        return Ok(None);
    };
    conn.execute("DELETE FROM schedule_runs WHERE id = ?1", [run_id])
        .map_err(|e| sql("write", e))?;
    conn.execute(
        "UPDATE schedule_runs SET finished = ?1, message = ?2 WHERE id = ?3",
        rusqlite::params![stamp(ended), message, id],
    )
    .map_err(|e| sql("write", e))?;
    Ok(Some(ScheduledRun {
        id,
        job,
        started,
        finished: Some(stamp(ended)),
        outcome: JobOutcome::Waiting,
        message: message.to_string(),
    }))
}

/// Closes each run a power cut or a kill left "running" (only called while
/// holding the schedule's turn, so none of them is still going): cut off,
/// saying so, each with its activity entry. The job is due again at its
/// next chance as if it had not run.
pub fn settle_cut_off(store: &Store, now: DateTime<Utc>, actor: &Actor) -> Result<usize> {
    let cut: Vec<(i64, i64)> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT id, job FROM schedule_runs WHERE outcome = 'running' ORDER BY id")
            .map_err(|e| sql("read", e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sql("read", e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| sql("read", e))?
    };
    let message = "This run was cut off before it finished, most likely by a power cut or a forced stop. The job runs again at its next chance.";
    for (run, job) in &cut {
        audit::append_with(store, now, actor, |tx| {
            tx.execute(
                "UPDATE schedule_runs SET finished = ?1, outcome = 'cut_off', message = ?2 WHERE id = ?3",
                rusqlite::params![stamp(now), message, run],
            )
            .map_err(|e| sql("write", e))?;
            let details = serde_json::json!({ "job": job, "run": run });
            Ok((
                (),
                NewEntry::failed("schedule.cut_off", &format!("job {job}"), message, details),
            ))
        })?;
    }
    Ok(cut.len())
}

/// Runs every job that is due at `now`, once each; says what it did with
/// each job that was due. A run cut off (power cut) stays "running" in the
/// history and the job is due again at its next chance.
pub fn run_due<Tz: TimeZone>(
    store: &Store,
    work: &dyn Work,
    actor: &Actor,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Result<Vec<DueResult>> {
    let mut results = Vec::new();
    for status in list(store, now, tz)? {
        let Some(j) = status.job else { continue };
        if j.paused {
            continue;
        }
        let (created, _) = job(store, status.id)?;
        let history = runs(store, status.id)?;
        let since = history
            .iter()
            .rev()
            .find(|r| matches!(r.outcome, JobOutcome::Done | JobOutcome::Failed))
            .and_then(|r| parse_time(&r.started))
            .or_else(|| parse_time(&created))
            .unwrap_or(now);
        match schedule::decide(&j, since, estimate(&history), now, tz) {
            Decision::Run { .. } => {
                let run = run_one(store, work, actor, status.id, &j, now)?;
                results.push(DueResult {
                    job: status.id,
                    description: status.description,
                    run: Some(run),
                    carried: None,
                });
            }
            Decision::Carry { why, .. } => results.push(DueResult {
                job: status.id,
                description: status.description,
                run: None,
                carried: Some(why),
            }),
            Decision::Idle { .. } => {}
        }
    }
    Ok(results)
}

/// What needs attention among `jobs`, in short words for the Overview's
/// sentence.
pub fn attention_items(jobs: &[JobStatus]) -> Vec<String> {
    jobs.iter()
        .filter(|j| j.attention.is_some())
        .map(|j| match (&j.job, &j.last_run) {
            (None, _) => "a scheduled job cannot be read".to_string(),
            (Some(job), Some(run)) if run.outcome == JobOutcome::Failed => {
                format!(
                    "the last run of \u{201c}{}\u{201d} failed",
                    job.kind.describe()
                )
            }
            (Some(job), _) => format!(
                "\u{201c}{}\u{201d} missed {} runs",
                job.kind.describe(),
                j.missed
            ),
        })
        .collect()
}

/// The jobs as root publishes them for the user's app.
pub fn published(bytes: &[u8]) -> Result<Vec<JobStatus>> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::new(
            ErrorCode::Conflict,
            format!("The administrator's schedule record could not be read: {e}."),
            "Shipshape writes a new one at its next scheduled check.",
        )
    })
}
