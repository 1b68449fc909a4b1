//! `shipshape updates apply` cut off at each step, as a power cut would stop
//! it: killed after the run is on record, after the old versions are kept,
//! after apt finished but before the verdict is written (the test setting
//! SHIPSHAPE_CUT_AT makes the program kill itself there), and with dpkg in
//! the middle of a package's set-up script (the whole process group killed
//! from outside). The next run closes the cut-off one in the records,
//! saying what it left; what dpkg left half installed is refused until a
//! repair finishes it, which the next scheduled patching does by itself
//! before it installs; then everything is installed and consistent.

use crate::updates::{Archive, TOOL, dpkg_turn, json, updates, version_of};
use crate::util::{Run, TestDir};
use rustix::process::{Pid, Signal, kill_process, kill_process_group};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SLOW: &str = "shipshape-test-slow";

/// A run in a process group of its own, killed whole (the run, apt, dpkg
/// and the set-up script) when asked or when the test ends.
struct Group(Option<Child>);

impl Group {
    fn start(cmd: &mut Command) -> Group {
        Group(Some(cmd.process_group(0).spawn().unwrap()))
    }

    fn pid(&self) -> Pid {
        Pid::from_child(self.0.as_ref().unwrap())
    }

    fn running(&mut self) -> bool {
        matches!(self.0.as_mut().map(Child::try_wait), Some(Ok(None)))
    }

    /// Sends `signal` to the whole group, while its leader is unreaped
    /// (so its id cannot have been reused).
    fn signal(&mut self, signal: Signal) {
        if self.running() {
            let _ = kill_process_group(self.pid(), signal);
        }
    }

    /// Kills the run and everything it started (apt and dpkg run in a
    /// group of their own), as a power cut would stop them all.
    fn kill(&mut self) {
        if self.running() {
            let leader = self.pid().as_raw_nonzero().get();
            // Stopped first, so nothing forks while the tree is read.
            let tree = descendants(leader);
            for pid in &tree {
                let _ = kill_process(*pid, Signal::STOP);
            }
            for pid in descendants(leader).iter().chain(&tree) {
                let _ = kill_process(*pid, Signal::KILL);
            }
            self.signal(Signal::KILL);
        }
        if let Some(child) = self.0.as_mut() {
            let _ = child.wait();
        }
    }

    /// Waits for the run to end, with what it printed.
    fn output(mut self) -> std::process::Output {
        self.0.take().unwrap().wait_with_output().unwrap()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every process below `leader`, read from /proc by parent.
fn descendants(leader: i32) -> Vec<Pid> {
    let parents: Vec<(i32, i32)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // After the command's name in parentheses: state, then parent.
            let after = &stat[stat.rfind(')')? + 2..];
            let parent = after.split(' ').nth(1)?.parse().ok()?;
            Some((pid, parent))
        })
        .collect();
    let mut found = vec![leader];
    let mut i = 0;
    while i < found.len() {
        let of = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == of)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found
        .into_iter()
        .skip(1)
        .filter_map(Pid::from_raw)
        .collect()
}

fn audit_is_clean() -> bool {
    let out = Command::new("dpkg").arg("--audit").output().unwrap();
    out.stdout.is_empty()
}

/// A set-up script that, the first time, says it started (`MARKS/started`)
/// and waits to be killed; once `MARKS/again` exists it finishes at once.
pub fn waits_once(marks: &std::path::Path) -> String {
    format!(
        "#!/bin/sh\nif [ ! -e {m}/again ]; then touch {m}/started; sleep 120; fi\nexit 0\n",
        m = marks.display()
    )
}

/// Runs `cmd` in a group of its own and kills the whole group (the run,
/// apt, dpkg and the script) once a `waits_once` set-up script started.
pub fn killed_in_set_up_script(cmd: &mut Command, marks: &std::path::Path) {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut run = Group::start(cmd);
    let started = Instant::now();
    while !marks.join("started").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the set-up script never started"
        );
        assert!(run.running(), "the run ended before its set-up script");
        std::thread::sleep(Duration::from_millis(100));
    }
    run.kill();
}

/// Root's activity entries closing cut-off runs, newest first, with the
/// words each says.
pub fn cut_off(dir: &TestDir, state: &std::path::Path) -> Vec<String> {
    let mut cmd = dir.cmd(&["audit", "list", "--admin", "--json"]);
    cmd.env("SHIPSHAPE_STATE_DIR", state);
    let entries = json(&Run::from(cmd.output().unwrap()));
    let mut said: Vec<String> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "updates.cut_off")
        .map(|e| {
            assert_eq!(e["outcome"], "failed", "{e}");
            e["reason"].as_str().unwrap().to_string()
        })
        .collect();
    said.reverse();
    said
}

#[test]
fn a_run_cut_off_at_each_step_is_explained_and_the_next_run_finishes() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let marks = dir.root().join("marks");
    std::fs::create_dir(&marks).unwrap();
    let mut archive = Archive::empty(dir.root());
    let postinst = waits_once(&marks);
    archive.package(TOOL, "1.1", "security", None, &[]);
    archive.package(SLOW, "1.1", "security", Some(&postinst), &[]);
    archive.index(true);
    archive.install_old(TOOL);
    archive.install_old(SLOW);
    updates(&dir, &archive, &state, &["check", "--refresh"]).code(1);

    for (n, step) in ["recorded", "kept", "installed"].into_iter().enumerate() {
        let mut cmd = dir.cmd(&["updates", "apply", TOOL, "--yes", "--json"]);
        cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
            .env("SHIPSHAPE_STATE_DIR", &state)
            .env("SHIPSHAPE_CUT_AT", step);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), None, "killed at {step}: {out:?}");
        assert!(
            audit_is_clean(),
            "nothing is half installed after a cut at {step}"
        );
        let moved = step == "installed";
        assert_eq!(
            version_of(TOOL).as_deref(),
            Some(if moved { "1.1" } else { "1.0" })
        );

        // The next run closes the cut-off one, then does its own work.
        let next = updates(&dir, &archive, &state, &["apply", TOOL, "--yes", "--json"]);
        if moved {
            next.code(2).fails_with("has no waiting update");
        } else {
            next.success();
            let run = json(&next);
            assert_eq!(run["outcome"], "done", "{run}");
            assert!(
                run["message"]
                    .as_str()
                    .unwrap()
                    .contains("had been cut off before it finished"),
                "{run}"
            );
        }
        assert_eq!(version_of(TOOL).as_deref(), Some("1.1"));
        let cut = cut_off(&dir, &state);
        assert_eq!(cut.len(), n + 1, "{cut:?}");
        let words = &cut[0];
        assert!(words.contains("cut off before it finished"), "{words}");
        let changed = if moved {
            "1 of 1 package changed"
        } else {
            "0 of 1 package changed"
        };
        assert!(words.contains(changed), "{words}");
        // Back to the old version for the next step.
        archive.install_old(TOOL);
    }

    // Inside dpkg: the set-up script runs when the whole group is killed.
    let mut cmd = dir.cmd(&["updates", "apply", SLOW, "--yes"]);
    cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state);
    killed_in_set_up_script(&mut cmd, &marks);
    assert!(!audit_is_clean(), "dpkg was stopped half way");
    assert_eq!(version_of(SLOW), None, "not fully installed");

    // Refused with what to do, the cut-off run explained.
    let refused = updates(&dir, &archive, &state, &["apply", "--all", "--yes"]);
    refused.code(2).fails_with("half installed");
    let cut = cut_off(&dir, &state);
    assert_eq!(cut.len(), 4, "{cut:?}");
    assert!(
        cut[0].contains("left half installed; a repair finishes them"),
        "{cut:?}"
    );

    // The next scheduled patching repairs first, then installs.
    std::fs::write(marks.join("again"), "").unwrap();
    let schedule = |args: &[&str]| {
        let mut cmd = dir.cmd(args);
        cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
            .env("SHIPSHAPE_STATE_DIR", &state);
        Run::from(cmd.output().unwrap())
    };
    schedule(&[
        "schedule",
        "add",
        "--job",
        "security-patching",
        "--at",
        "02:00",
    ])
    .success();
    let ran = schedule(&["schedule", "run", "1", "--json"]);
    ran.success();
    let ran = json(&ran);
    assert_eq!(ran["outcome"], "done", "{ran}");
    let words = ran["message"].as_str().unwrap();
    assert!(
        words.starts_with("The interrupted installation was finished"),
        "{words}"
    );
    assert!(words.contains("1 update was installed."), "{words}");
    assert!(audit_is_clean());
    assert_eq!(version_of(SLOW).as_deref(), Some("1.1"));
    assert_eq!(version_of(TOOL).as_deref(), Some("1.1"));
}

/// Ctrl-C at the terminal while dpkg sets a package up (the signal goes to
/// the whole foreground group): apt and dpkg are in a group of their own,
/// so the run finishes, and says why it did not stop.
#[test]
fn ctrl_c_while_dpkg_works_lets_the_run_finish() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let marks = dir.root().join("marks");
    std::fs::create_dir(&marks).unwrap();
    let mut archive = Archive::empty(dir.root());
    let postinst = format!(
        "#!/bin/sh\ntouch {m}/started\nsleep 3\ntouch {m}/finished\nexit 0\n",
        m = marks.display()
    );
    archive.package(SLOW, "1.1", "security", Some(&postinst), &[]);
    archive.index(true);
    archive.install_old(SLOW);
    updates(&dir, &archive, &state, &["check", "--refresh"]).code(1);

    let mut cmd = dir.cmd(&["updates", "apply", SLOW, "--yes", "--json"]);
    cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut run = Group::start(&mut cmd);
    let started = Instant::now();
    while !marks.join("started").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the set-up script never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    run.signal(Signal::INT);
    let said = Run::from(run.output());
    said.success();
    assert!(
        said.stderr
            .contains("the run was finished rather than stopped half-way"),
        "{said:?}"
    );
    assert_eq!(json(&said)["outcome"], "done");
    assert!(
        marks.join("finished").exists(),
        "the set-up script ran to its end"
    );
    assert!(audit_is_clean());
    assert_eq!(version_of(SLOW).as_deref(), Some("1.1"));
}
