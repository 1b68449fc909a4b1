//! Scheduled jobs in a real store with a fake clock: due jobs run once,
//! missed runs are caught up once and flagged, windows carry a run,
//! failures and unreadable rows are said, never fatal.

use crate::util::TestDir;
use chrono::{DateTime, Utc};
use shipshape_core::audit::{Actor, Source};
use shipshape_core::maintain::jobs::{self, JobOutcome, Work};
use shipshape_core::maintain::schedule::{Job, JobKind, Recurrence, RestartPolicy, Window};
use shipshape_core::{Error, Result};
use std::cell::RefCell;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Counts what it is asked to do; fails when told to.
#[derive(Default)]
struct Counting {
    done: RefCell<Vec<JobKind>>,
    fail: bool,
}

impl Work for Counting {
    fn run(&self, job: &Job, _now: DateTime<Utc>) -> Result<String> {
        let kind = job.kind;
        self.done.borrow_mut().push(kind);
        if self.fail {
            return Err(Error::invalid_input(
                "The package source failed.",
                "It is tried again next time.",
            ));
        }
        Ok(format!("{kind:?} done"))
    }
}

fn daily(kind: JobKind, time: &str, window: Option<(&str, &str)>) -> Job {
    Job {
        kind,
        recurrence: Recurrence::Day { at: time.into() },
        window: window.map(|(f, t)| Window {
            from: f.into(),
            to: t.into(),
        }),
        restart: RestartPolicy::Never,
        paused: false,
    }
}

fn actor() -> Actor {
    Actor {
        user: "root".into(),
        source: Source::Scheduler,
    }
}

#[test]
fn a_due_job_runs_once_and_is_recorded() {
    let dir = TestDir::new();
    let store = dir.open();
    let id = jobs::add(
        &store,
        at("2026-12-01T12:00:00Z"),
        &actor(),
        daily(JobKind::UpdateCheck, "06:00", None),
    )
    .unwrap();
    let listed = jobs::list(&store, at("2026-12-01T12:00:00Z"), &Utc).unwrap();
    assert_eq!(
        listed[0].description,
        "Check for updates: every day at 06:00"
    );
    assert_eq!(listed[0].next_run.as_deref(), Some("2026-12-02T06:00:00Z"));

    let work = Counting::default();
    // Before it is due: nothing.
    assert!(
        jobs::run_due(&store, &work, &actor(), at("2026-12-02T05:59:00Z"), &Utc)
            .unwrap()
            .is_empty()
    );
    let ran = jobs::run_due(&store, &work, &actor(), at("2026-12-02T06:00:00Z"), &Utc).unwrap();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].run.as_ref().unwrap().outcome, JobOutcome::Done);
    // The timer fires again a few minutes later: not run twice.
    assert!(
        jobs::run_due(&store, &work, &actor(), at("2026-12-02T06:05:00Z"), &Utc)
            .unwrap()
            .is_empty()
    );
    assert_eq!(work.done.borrow().as_slice(), [JobKind::UpdateCheck]);

    let actions: Vec<String> = shipshape_core::audit::list(&store, &Default::default())
        .unwrap()
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(actions, ["schedule.add", "schedule.run"]);
    assert_eq!(id, listed[0].id);
}

#[test]
fn missed_runs_are_caught_up_once_and_flagged() {
    let dir = TestDir::new();
    let store = dir.open();
    jobs::add(
        &store,
        at("2026-12-01T00:00:00Z"),
        &actor(),
        daily(JobKind::SecurityScan, "03:00", None),
    )
    .unwrap();
    // Off for five nights: the newest is run, four count as missed.
    let now = at("2026-12-05T09:00:00Z");
    let listed = jobs::list(&store, now, &Utc).unwrap();
    assert_eq!(listed[0].missed, 4);
    assert!(
        listed[0]
            .attention
            .as_deref()
            .unwrap()
            .contains("missed 4 runs"),
        "{listed:?}"
    );
    assert_eq!(
        jobs::attention_items(&listed),
        ["\u{201c}Check security settings\u{201d} missed 4 runs"]
    );
    let work = Counting::default();
    let ran = jobs::run_due(&store, &work, &actor(), now, &Utc).unwrap();
    assert_eq!(ran.len(), 1, "one catch-up for all the missed runs");
    assert_eq!(work.done.borrow().len(), 1);
    let listed = jobs::list(&store, now, &Utc).unwrap();
    assert_eq!(listed[0].missed, 0);
    assert_eq!(listed[0].attention, None);
}

#[test]
fn patching_outside_its_window_is_carried_and_says_why() {
    let dir = TestDir::new();
    let store = dir.open();
    jobs::add(
        &store,
        at("2026-12-01T00:00:00Z"),
        &actor(),
        daily(JobKind::SecurityPatching, "02:00", Some(("02:00", "04:00"))),
    )
    .unwrap();
    let work = Counting::default();
    let ran = jobs::run_due(&store, &work, &actor(), at("2026-12-01T09:00:00Z"), &Utc).unwrap();
    assert_eq!(ran.len(), 1);
    assert!(ran[0].run.is_none());
    assert!(
        ran[0]
            .carried
            .as_deref()
            .unwrap()
            .contains("02:00 and 04:00"),
        "{ran:?}"
    );
    assert!(work.done.borrow().is_empty());
    let listed = jobs::list(&store, at("2026-12-01T09:00:00Z"), &Utc).unwrap();
    assert_eq!(listed[0].next_run.as_deref(), Some("2026-12-02T02:00:00Z"));
    // In the window it runs.
    let ran = jobs::run_due(&store, &work, &actor(), at("2026-12-02T02:01:00Z"), &Utc).unwrap();
    assert!(ran[0].run.is_some());
}

#[test]
fn a_failed_run_is_recorded_and_needs_attention() {
    let dir = TestDir::new();
    let store = dir.open();
    let id = jobs::add(
        &store,
        at("2026-12-01T00:00:00Z"),
        &actor(),
        daily(JobKind::UpdateCheck, "06:00", None),
    )
    .unwrap();
    let work = Counting {
        fail: true,
        ..Default::default()
    };
    let run = jobs::run_now(&store, &work, &actor(), id, at("2026-12-01T10:00:00Z")).unwrap();
    assert_eq!(run.outcome, JobOutcome::Failed);
    assert!(run.message.contains("package source failed"));
    let listed = jobs::list(&store, at("2026-12-01T10:00:00Z"), &Utc).unwrap();
    assert!(
        listed[0]
            .attention
            .as_deref()
            .unwrap()
            .starts_with("Its last run failed")
    );
    assert_eq!(
        jobs::attention_items(&listed),
        ["the last run of \u{201c}Check for updates\u{201d} failed"]
    );
    let entries = shipshape_core::audit::list(&store, &Default::default()).unwrap();
    assert_eq!(
        entries
            .last()
            .unwrap()
            .reason
            .as_deref()
            .map(|r| r.contains("package source failed")),
        Some(true)
    );
}

#[test]
fn a_run_cut_off_by_a_power_cut_is_due_again() {
    let dir = TestDir::new();
    let store = dir.open();
    let id = jobs::add(
        &store,
        at("2026-12-01T00:00:00Z"),
        &actor(),
        daily(JobKind::UpdateCheck, "06:00", None),
    )
    .unwrap();
    // Started at 06:00 and never finished.
    dir.exec(
        "INSERT INTO schedule_runs (job, started, outcome, message) VALUES (?1, '2026-12-01T06:00:00Z', 'running', '')",
        [id],
    );
    // Closed first, saying what happened, with its activity entry.
    let now = at("2026-12-01T08:00:00Z");
    assert_eq!(jobs::settle_cut_off(&store, now, &actor()).unwrap(), 1);
    let listed = jobs::list(&store, now, &Utc).unwrap();
    let last = listed[0].last_run.as_ref().unwrap();
    assert_eq!(last.outcome, JobOutcome::CutOff);
    assert!(
        last.message.contains("cut off before it finished"),
        "{last:?}"
    );
    assert_eq!(last.finished.as_deref(), Some("2026-12-01T08:00:00Z"));
    let log = shipshape_core::audit::list(&store, &Default::default()).unwrap();
    assert!(
        log.iter().any(|e| e.action == "schedule.cut_off"),
        "{log:?}"
    );
    assert_eq!(
        jobs::settle_cut_off(&store, now, &actor()).unwrap(),
        0,
        "once"
    );

    let work = Counting::default();
    let ran = jobs::run_due(&store, &work, &actor(), now, &Utc).unwrap();
    assert_eq!(ran.len(), 1, "{ran:?}");
    assert_eq!(work.done.borrow().len(), 1);
}

#[test]
fn bad_input_and_a_corrupt_row_are_said_and_skipped() {
    let dir = TestDir::new();
    let store = dir.open();
    let now = at("2026-12-01T00:00:00Z");
    let err = jobs::add(
        &store,
        now,
        &actor(),
        daily(JobKind::UpdateCheck, "25:00", None),
    )
    .unwrap_err();
    assert!(err.message.contains("not a time of day"), "{err:?}");
    assert!(
        jobs::edit(
            &store,
            now,
            &actor(),
            42,
            daily(JobKind::UpdateCheck, "06:00", None)
        )
        .unwrap_err()
        .message
        .contains("no scheduled job 42")
    );
    assert!(jobs::remove(&store, now, &actor(), 42).is_err());
    let good = jobs::add(
        &store,
        now,
        &actor(),
        daily(JobKind::UpdateCheck, "06:00", None),
    )
    .unwrap();
    dir.exec("INSERT INTO schedule_jobs (created, job) VALUES ('2026-12-01T00:00:00Z', '{\"kind\":\"nonsense\"}')", []);
    let listed = jobs::list(&store, at("2026-12-02T07:00:00Z"), &Utc).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[1].job.is_none());
    assert!(
        listed[1]
            .attention
            .as_deref()
            .unwrap()
            .contains("could not be read")
    );
    let work = Counting::default();
    let ran = jobs::run_due(&store, &work, &actor(), at("2026-12-02T07:00:00Z"), &Utc).unwrap();
    assert_eq!(ran.len(), 1, "only the readable job runs");
    assert!(
        jobs::run_now(&store, &work, &actor(), listed[1].id, now)
            .unwrap_err()
            .message
            .contains("could not be read")
    );

    // Paused: listed, never run; resumed: runs.
    jobs::pause(&store, now, &actor(), good, true).unwrap();
    assert!(
        jobs::run_due(&store, &work, &actor(), at("2026-12-03T07:00:00Z"), &Utc)
            .unwrap()
            .is_empty()
    );
    jobs::pause(&store, now, &actor(), good, false).unwrap();
    assert_eq!(
        jobs::run_due(&store, &work, &actor(), at("2026-12-03T07:00:00Z"), &Utc)
            .unwrap()
            .len(),
        1
    );
    jobs::remove(&store, now, &actor(), good).unwrap();
    assert_eq!(jobs::list(&store, now, &Utc).unwrap().len(), 1);
}

/// Waits (on battery) until told the computer is plugged in.
struct OnBattery {
    plugged_in: std::cell::Cell<bool>,
}

impl Work for OnBattery {
    fn run(&self, _job: &Job, _now: DateTime<Utc>) -> Result<String> {
        if self.plugged_in.get() {
            return Ok("Backed up.".into());
        }
        Err(Error::new(
            shipshape_core::ErrorCode::NotNow,
            "The scheduled backup waits: this computer is on battery at 18 %.",
            "It starts by itself once the computer is plugged in.",
        ))
    }
}

#[test]
fn a_job_that_waits_says_so_and_runs_at_the_next_look_once_it_may() {
    let dir = TestDir::new();
    let store = dir.open();
    jobs::add(
        &store,
        at("2026-12-01T12:00:00Z"),
        &actor(),
        daily(JobKind::Backup, "01:30", None),
    )
    .unwrap();
    let work = OnBattery {
        plugged_in: std::cell::Cell::new(false),
    };
    let first = jobs::run_due(&store, &work, &actor(), at("2026-12-02T01:30:00Z"), &Utc).unwrap();
    let run = first[0].run.as_ref().unwrap();
    assert_eq!(run.outcome, JobOutcome::Waiting);
    assert!(run.message.contains("on battery at 18 %"), "{run:?}");
    // Still on battery five minutes later: it waits again, and says so.
    let again = jobs::run_due(&store, &work, &actor(), at("2026-12-02T01:35:00Z"), &Utc).unwrap();
    let again = again[0].run.as_ref().unwrap();
    assert_eq!(again.outcome, JobOutcome::Waiting);
    assert_eq!(
        again.id, run.id,
        "one waiting run, brought up to date, not one every five minutes"
    );
    // Plugged in: it runs at the next look, then not again that day.
    work.plugged_in.set(true);
    let ran = jobs::run_due(&store, &work, &actor(), at("2026-12-02T07:40:00Z"), &Utc).unwrap();
    assert_eq!(ran[0].run.as_ref().unwrap().outcome, JobOutcome::Done);
    assert!(
        jobs::run_due(&store, &work, &actor(), at("2026-12-02T07:45:00Z"), &Utc)
            .unwrap()
            .is_empty()
    );
}
