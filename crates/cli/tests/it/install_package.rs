//! `shipshape install PACKAGE` with the real apt and dpkg, as root: a
//! package offered by a local signed archive is previewed (its scripts
//! read from the downloaded file), installed with what it needs, listed
//! and undone; one whose set-up fails is rolled back; a name no signed
//! source offers, a name apt could read as an option, and a file's
//! proof options given for a package are refused before anything
//! changes. Everything installed is purged afterwards, even when a test
//! fails.

use crate::updates::{Archive, dpkg_turn, json, version_of};
use crate::util::{Run, TestDir};
use std::path::Path;
use std::process::Command;

const APP: &str = "shipshape-test-named";
const FAILS: &str = "shipshape-test-named-fails";

fn shipshape(dir: &TestDir, archive: &Archive, state: &Path, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", state);
    Run::from(cmd.output().unwrap())
}

/// An archive offering APP and FAILS, `signed` or not, read into apt's
/// lists (an unsigned one is refused by apt there).
fn archive(dir: &TestDir, signed: bool) -> Archive {
    let mut archive = Archive::empty(dir.root());
    archive.package(APP, "1.0", "main", Some("#!/bin/sh\nexit 0\n"), &[]);
    archive.package(
        FAILS,
        "1.0",
        "main",
        Some("#!/bin/sh\necho 'set-up failed on purpose' >&2\nexit 1\n"),
        &[],
    );
    archive.index(signed);
    archive.read_into_apt();
    archive.purge_after(APP);
    archive.purge_after(FAILS);
    archive
}

#[test]
fn a_package_by_name_is_previewed_installed_listed_and_undone() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive(&dir, true);

    let preview = shipshape(
        &dir,
        &archive,
        &state,
        &["install", APP, "--dry-run", "--json"],
    );
    preview.success();
    let preview = json(&preview);
    let headline = preview["headline"].as_str().unwrap();
    assert!(
        headline.starts_with(&format!("{APP} 1.0 would be installed from file:")),
        "{headline}"
    );
    assert!(headline.contains("signed package list"), "{headline}");
    assert_eq!(preview["change"], "new");
    assert_eq!(preview["deb"]["package"], APP);
    assert_eq!(preview["deb"]["scripts"][0]["name"], "postinst");
    assert_eq!(version_of(APP), None, "the preview installed nothing");

    let asked = shipshape(&dir, &archive, &state, &["install", APP]);
    asked.code(2);
    assert!(
        asked.stderr.contains("only when asked with --yes"),
        "{asked:?}"
    );
    assert_eq!(version_of(APP), None);

    let run = shipshape(&dir, &archive, &state, &["install", APP, "--yes", "--json"]);
    run.success();
    let run = json(&run);
    assert_eq!(run["kind"], "install_package");
    assert_eq!(run["outcome"], "done");
    assert!(
        run["asked"]
            .as_str()
            .unwrap()
            .contains("(signed package source)")
    );
    assert_eq!(version_of(APP).as_deref(), Some("1.0"));
    let id = run["id"].as_i64().unwrap().to_string();

    let again = shipshape(&dir, &archive, &state, &["install", APP, "--dry-run"]);
    again.code(2);
    assert!(again.stderr.contains("offer nothing newer"), "{again:?}");

    let list = shipshape(&dir, &archive, &state, &["installs", "list", "--json"]);
    list.success();
    assert_eq!(json(&list)[0]["kind"], "install_package");
    let undo = shipshape(&dir, &archive, &state, &["installs", "undo", &id]);
    undo.success();
    assert_eq!(version_of(APP), None, "{undo:?}");
}

#[test]
fn a_package_whose_set_up_fails_is_taken_away_again() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive(&dir, true);
    let failed = shipshape(
        &dir,
        &archive,
        &state,
        &["install", FAILS, "--yes", "--json"],
    );
    failed.code(1);
    let run = json(&failed);
    assert_eq!(run["outcome"], "failed");
    let message = run["message"].as_str().unwrap();
    assert!(message.contains("(postinst) failed"), "{message}");
    assert!(message.contains("the computer is as it was"), "{message}");
    assert_eq!(version_of(FAILS), None);
    let audit = Command::new("dpkg").arg("--audit").output().unwrap();
    assert!(audit.stdout.is_empty(), "{audit:?}");
}

#[test]
fn names_no_signed_source_offers_and_wrong_options_are_refused() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    // apt refuses a source whose package list is not signed: what it
    // offers is offered by no source at all.
    let unsigned = archive(&dir, false);
    let refused = shipshape(&dir, &unsigned, &state, &["install", APP, "--dry-run"]);
    refused.code(2);
    assert!(
        refused.stderr.contains(&format!(
            "No package source of this computer offers a package named {APP}"
        )),
        "{refused:?}"
    );
    let refused = shipshape(&dir, &unsigned, &state, &["install", APP, "--yes"]);
    assert_ne!(refused.code, 0);
    assert_eq!(version_of(APP), None);

    let option = shipshape(&dir, &unsigned, &state, &["install", "--", "-o"]);
    option.code(2);
    assert!(
        option.stderr.contains("\"-o\" is not a package name"),
        "{option:?}"
    );
    let proof = shipshape(
        &dir,
        &unsigned,
        &state,
        &["install", APP, "--sha256", &"ab".repeat(32)],
    );
    proof.code(2);
    assert!(
        proof.stderr.contains("whose signatures prove it"),
        "{proof:?}"
    );
}

/// Stops, by the process id it wrote, the listener a package started.
struct Listener(std::path::PathBuf);

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(&self.0)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
}

#[test]
fn the_record_names_the_network_port_a_package_began_listening_on() {
    const LISTENS: &str = "shipshape-test-named-listens";
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let pidfile = dir.root().join("listener.pid");
    let _listener = Listener(pidfile.clone());
    let mut archive = Archive::empty(dir.root());
    // The set-up script starts a server on loopback, detached from dpkg's
    // output, as a package's service would be started.
    let script = format!(
        "#!/bin/sh\nsetsid python3 -c 'import os, socket, time\ns = socket.socket()\ns.bind((\"127.0.0.1\", 0))\ns.listen()\nopen(\"{}\", \"w\").write(str(os.getpid()))\ntime.sleep(600)' </dev/null >/dev/null 2>&1 &\nfor i in $(seq 50); do [ -s '{}' ] && break; sleep 0.1; done\n",
        pidfile.display(),
        pidfile.display()
    );
    archive.package(LISTENS, "1.0", "main", Some(&script), &[]);
    archive.index(true);
    assert!(archive.read_into_apt());
    archive.purge_after(LISTENS);
    let run = shipshape(
        &dir,
        &archive,
        &state,
        &["install", LISTENS, "--yes", "--json"],
    );
    run.success();
    let run = json(&run);
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains("It began listening on the network: tcp 127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("(python3)"), "{message}");
    let steps = run["steps"].as_array().unwrap();
    assert!(
        steps.iter().any(|s| s["what"]
            .as_str()
            .unwrap()
            .starts_with("Began listening on the network")),
        "{steps:?}"
    );
}
