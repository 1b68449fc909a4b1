//! `shipshape schedule` and `maintain run-due` as root, with root's state
//! in the test's folder; the systemd units the package installs, checked
//! by systemd's own tools; recurrences checked against
//! `systemd-analyze calendar`.

use crate::updates::{Archive, dpkg_turn};
use crate::util::{Run, TestDir};
use chrono::{DateTime, Utc};
use serde_json::Value;
use shipshape_core::maintain::schedule::Recurrence;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

fn schedule(dir: &TestDir, state: &Path, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_STATE_DIR", state);
    Run::from(cmd.output().unwrap())
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

#[test]
fn jobs_are_added_listed_changed_run_and_removed() {
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let run = |args: &[&str]| schedule(&dir, &state, args);

    let empty = run(&["schedule", "list"]);
    empty.success();
    assert!(
        empty.stdout.starts_with("Nothing is scheduled."),
        "{empty:?}"
    );
    run(&[
        "schedule",
        "add",
        "--job",
        "security-patching",
        "--every",
        "week",
        "--days",
        "tue,thu",
        "--at",
        "02:00",
        "--window",
        "02:00-04:00",
        "--restart",
        "when-nobody-is-at-the-screen",
    ])
    .success();
    run(&["schedule", "add", "--job", "update-check", "--at", "06:30"]).success();
    let listed = json(&run(&["schedule", "list", "--json"]));
    let jobs = listed.as_array().unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(
        jobs[0]["description"],
        "Install security updates: every Tuesday and Thursday at 02:00, only between 02:00 and 04:00"
    );
    assert!(jobs[0]["next_run"].is_string());

    // Root publishes the list for the user's app: root's, readable by all.
    let published = state.join("public/schedule.json");
    let meta = std::fs::metadata(&published).unwrap();
    assert_eq!((meta.uid(), meta.mode() & 0o777), (0, 0o644));
    let text = std::fs::read_to_string(&published).unwrap();
    assert!(text.contains("every Tuesday and Thursday"), "{text}");

    // Bad input is refused with what to do; nothing changes.
    for (args, says) in [
        (
            &["schedule", "add", "--job", "update-check", "--at", "25:00"][..],
            "not a time of day",
        ),
        (
            &[
                "schedule",
                "add",
                "--job",
                "update-check",
                "--at",
                "02:00",
                "--window",
                "03:00-03:00",
            ][..],
            "same time",
        ),
        (
            &[
                "schedule",
                "add",
                "--job",
                "update-check",
                "--at",
                "02:00",
                "--window",
                "soon",
            ][..],
            "not a window",
        ),
        (
            &[
                "schedule",
                "add",
                "--job",
                "update-check",
                "--every",
                "week",
                "--at",
                "02:00",
            ][..],
            "at least one day",
        ),
        (
            &[
                "schedule",
                "add",
                "--job",
                "update-check",
                "--every",
                "month",
                "--day",
                "31",
                "--at",
                "02:00",
            ][..],
            "not in every month",
        ),
        (&["schedule", "remove", "99"][..], "no scheduled job 99"),
        (&["schedule", "pause", "0"][..], "no scheduled job 0"),
    ] {
        run(args).fails_with(says);
    }
    assert_eq!(
        json(&run(&["schedule", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    run(&["schedule", "pause", "2"]).success();
    assert!(run(&["schedule", "list"]).stdout.contains("(paused)"));
    run(&["schedule", "resume", "2"]).success();
    run(&[
        "schedule",
        "edit",
        "2",
        "--job",
        "security-scan",
        "--every",
        "month",
        "--day",
        "1",
        "--at",
        "05:00",
    ])
    .success();
    assert!(
        run(&["schedule", "list"])
            .stdout
            .contains("Check security settings: every month on the 1st at 05:00")
    );

    // Nothing was due: run-due says so.
    let due = run(&["maintain", "run-due", "--json"]);
    due.success();
    assert_eq!(json(&due), serde_json::json!([]));

    // A stored row that no longer reads is said, and the rest go on.
    let db = rusqlite::Connection::open(state.join("private/shipshape.db")).unwrap();
    db.execute(
        "UPDATE schedule_jobs SET job = '{\"kind\":' WHERE id = 1",
        [],
    )
    .unwrap();
    drop(db);
    let listed = run(&["schedule", "list"]);
    assert_eq!(listed.code, 1, "{listed:?}");
    assert!(listed.stdout.contains("could not be read"), "{listed:?}");
    run(&["maintain", "run-due"]).success();
    run(&["schedule", "remove", "1"]).success();

    let actions: Vec<String> = dir
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "schedule.add",
        "schedule.pause",
        "schedule.resume",
        "schedule.edit",
        "schedule.remove",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[test]
fn an_update_check_job_runs_now_against_the_real_apt() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = Archive::new(dir.root());
    let run = |args: &[&str]| {
        let mut cmd = dir.cmd(args);
        cmd.env("SHIPSHAPE_STATE_DIR", &state)
            .env("SHIPSHAPE_APT_CONFIG", &archive.config);
        Run::from(cmd.output().unwrap())
    };
    run(&["schedule", "add", "--job", "update-check", "--at", "06:00"]).success();
    let ran = run(&["schedule", "run", "1", "--json"]);
    ran.success();
    let ran = json(&ran);
    assert_eq!(ran["outcome"], "done", "{ran}");
    assert_eq!(ran["message"], "This computer is up to date.", "{ran}");
    let listed = json(&run(&["schedule", "list", "--json"]));
    assert_eq!(listed[0]["last_run"]["outcome"], "done");
    // Only what the test's archive lists is known to apt now.
    assert!(archive.dir.join("lists").read_dir().unwrap().count() > 1);
}

/// The units the package installs, checked by systemd itself, with the
/// service pointed at the built program.
#[test]
fn the_systemd_units_are_valid() {
    let dir = TestDir::new();
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging");
    let copy = |name: &str| {
        let text = std::fs::read_to_string(units.join(name)).unwrap();
        let text = text.replace("/usr/bin/shipshape", env!("CARGO_BIN_EXE_shipshape"));
        std::fs::write(dir.root().join(name), text).unwrap();
        dir.root().join(name)
    };
    // The user manager needs a runtime folder of its own to check units.
    let runtime = dir.root().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    for (manager, names) in [
        (
            "--system",
            ["shipshape-maintain.service", "shipshape-maintain.timer"],
        ),
        (
            "--user",
            ["shipshape-notify.service", "shipshape-notify.path"],
        ),
    ] {
        let out = Command::new("systemd-analyze")
            .args([manager, "verify", "--man=no"])
            .args(names.map(copy))
            .env("XDG_RUNTIME_DIR", &runtime)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        let problems: Vec<&str> = said.lines().filter(|l| l.contains("shipshape-")).collect();
        assert!(
            out.status.success() && problems.is_empty(),
            "{manager}: {said}"
        );
    }
}

/// Each recurrence's next moments, as systemd computes them for the same
/// calendar expression.
#[test]
fn recurrences_fire_when_systemd_says_they_do() {
    let recurrences = [
        Recurrence::Day { at: "02:30".into() },
        Recurrence::Week {
            days: vec!["tue".into(), "thu".into()],
            at: "12:30".into(),
        },
        Recurrence::Week {
            days: vec!["sun".into()],
            at: "00:05".into(),
        },
        Recurrence::Month {
            day: 28,
            at: "23:59".into(),
        },
    ];
    for r in recurrences {
        let expression = r.on_calendar();
        let out = Command::new("systemd-analyze")
            .args(["calendar", "--iterations=3", &expression])
            .env("TZ", "UTC")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{expression}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs: Vec<DateTime<Utc>> = text
            .lines()
            .filter_map(|l| {
                let (label, t) = l.trim().split_once(": ")?;
                (label == "Next elapse" || label.starts_with("Iter. #")).then_some(t)
            })
            .map(|t| {
                // "Sat 2026-12-05 02:30:00 UTC"
                let t = t.trim_end_matches(" UTC");
                let t = t.split_once(' ').map_or(t, |(_, rest)| rest);
                chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S")
                    .unwrap()
                    .and_utc()
            })
            .collect();
        assert_eq!(theirs.len(), 3, "{text}");
        let now = Utc::now();
        let ours: Vec<DateTime<Utc>> = r
            .between(now, now + chrono::Duration::days(100), &Utc)
            .into_iter()
            .take(3)
            .collect();
        assert_eq!(ours, theirs, "{expression}: {text}");
    }
}
