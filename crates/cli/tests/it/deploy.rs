//! Deployment plans with the real apt and dpkg, as root: a server and its
//! client from a local signed archive installed in two stages, the second
//! waiting for approval and a health gate (a port the test listens on)
//! between them; rolled back and repeated; a gate that fails halts the
//! deployment and takes back what it installed; a pilot watched, then
//! promoted. Plans that cannot be carried out are refused before anything
//! changes. Everything installed is purged afterwards, even when a test
//! fails.

use crate::updates::{Archive, dpkg_turn, json, version_of};
use crate::util::{Run, TestDir};
use serde_json::{Value, json as object};
use std::path::Path;

const SERVER: &str = "shipshape-test-deploy-server";
const CLIENT: &str = "shipshape-test-deploy-client";

fn shipshape(dir: &TestDir, archive: &Archive, state: &Path, args: &[&str], minute: u32) -> Run {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", state)
        .env("SHIPSHAPE_SOAK_MINUTE_SECONDS", minute.to_string());
    Run::from(cmd.output().unwrap())
}

fn archive(dir: &TestDir) -> Archive {
    let mut archive = Archive::empty(dir.root());
    for name in [SERVER, CLIENT] {
        archive.package(name, "1.0", "main", None, &[]);
    }
    archive.index(true);
    assert!(archive.read_into_apt());
    archive.purge_after(SERVER);
    archive.purge_after(CLIENT);
    archive
}

fn package(name: &str) -> Value {
    object!({ "kind": "package", "name": name })
}

/// A phased plan: the server, then the client, with a check that `port`
/// answers after each stage.
fn phased(port: u16) -> Value {
    object!({
        "name": "Office server and client",
        "method": "phased",
        "stages": [
            { "name": "Server", "parts": [package(SERVER)] },
            { "name": "Client", "parts": [package(CLIENT)] },
        ],
        "gates": [{ "kind": "port_answers", "port": port }],
        "approval": "ask",
    })
}

fn write(dir: &TestDir, name: &str, plan: &Value) -> String {
    let path = dir.root().join(name);
    std::fs::write(&path, plan.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn a_phased_plan_waits_for_approval_between_stages_and_is_rolled_back_and_repeated() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive(&dir);
    let listening = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listening.local_addr().unwrap().port();
    let plan = write(&dir, "plan.json", &phased(port));
    let run = |args: &[&str]| shipshape(&dir, &archive, &state, args, 60);

    // Without --yes, the plan is shown and nothing changes.
    let shown = run(&["install", "--plan", &plan, "--dry-run"]);
    shown.success();
    assert!(shown.stdout.contains("Stage 2, Client"), "{shown:?}");
    assert!(
        shown.stdout.contains(&format!("port {port} answers")),
        "{shown:?}"
    );
    run(&["install", "--plan", &plan]).code(2);
    assert_eq!(version_of(SERVER), None);

    let started = run(&["install", "--plan", &plan, "--yes", "--json"]);
    started.success();
    let d = json(&started);
    assert_eq!(d["status"], "waiting", "{d}");
    assert_eq!(d["stages"][0]["gates"][0]["passed"], true);
    assert_eq!(version_of(SERVER).as_deref(), Some("1.0"));
    assert_eq!(version_of(CLIENT), None, "the second stage waits");
    let id = d["id"].as_i64().unwrap().to_string();
    run(&["plan", "check", &id]).fails_with("not being watched");

    let approved = run(&["plan", "approve", &id, "--json"]);
    approved.success();
    let d = json(&approved);
    assert_eq!(d["status"], "done", "{d}");
    assert_eq!(d["stages"][0]["approved"]["by"], "root");
    assert_eq!(version_of(CLIENT).as_deref(), Some("1.0"));
    run(&["plan", "approve", &id]).fails_with("waits for no approval");

    let shown = run(&["plan", "show", &id]);
    shown.success();
    assert!(
        shown.stdout.contains("Stage 1, Server: installations"),
        "{shown:?}"
    );
    assert!(shown.stdout.contains("approved by root"), "{shown:?}");

    // Its record names the plan, each stage's check and who approved.
    let page = dir.root().join("deployment.html");
    run(&["plan", "record", &id, page.to_str().unwrap()]).success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Deployment record: Office server and client"),
        "{html}"
    );
    assert!(
        html.contains(&format!("Passed: Port {port} answers.")),
        "{html}"
    );
    assert!(html.contains("Approved by root"), "{html}");
    assert!(
        html.contains("(signed package source): shipshape-test-deploy-server 1.0 is installed."),
        "{html}"
    );
    let data = dir.root().join("deployment.json");
    run(&["plan", "record", &id, data.to_str().unwrap()]).success();
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    assert_eq!(data["deployment"]["plan"]["method"], "phased");
    assert_eq!(data["installations"].as_array().unwrap().len(), 2);

    let back = run(&["plan", "rollback", &id, "--json"]);
    back.success();
    assert_eq!(json(&back)["status"], "rolled_back");
    assert_eq!(version_of(SERVER), None);
    assert_eq!(version_of(CLIENT), None);
    run(&["plan", "rollback", &id]).fails_with("already taken back");

    // The same plan again, from the deployment that kept it.
    let again = run(&["plan", "repeat", &id, "--yes", "--json"]);
    again.success();
    let d = json(&again);
    assert_eq!(d["repeats"].as_i64().unwrap().to_string(), id);
    assert_eq!(d["status"], "waiting");
    assert_eq!(version_of(SERVER).as_deref(), Some("1.0"));
    let again_id = d["id"].as_i64().unwrap().to_string();
    run(&["plan", "rollback", &again_id]).success();
    assert_eq!(version_of(SERVER), None);

    let listed = run(&["plan", "list", "--json"]);
    assert_eq!(json(&listed).as_array().unwrap().len(), 2);
    let log = run(&["audit", "list", "--json", "--action", "deploy.approve"]);
    assert!(log.stdout.contains("Office server and client"), "{log:?}");
}

#[test]
fn a_failing_health_gate_halts_the_deployment_and_takes_back_what_it_installed() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive(&dir);
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let plan = write(&dir, "plan.json", &phased(port));
    let halted = shipshape(
        &dir,
        &archive,
        &state,
        &["install", "--plan", &plan, "--yes", "--json"],
        60,
    );
    halted.code(1);
    let d = json(&halted);
    assert_eq!(d["status"], "halted");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("Port {port} does not answer")),
        "{message}"
    );
    assert!(message.contains("taken back"), "{message}");
    assert_eq!(version_of(SERVER), None, "the server was taken back");
    assert_eq!(version_of(CLIENT), None, "the client never went in");
}

#[test]
fn a_pilot_is_watched_then_promoted() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive(&dir);
    // A minute lasts a second here, so the watch ends soon.
    let run = |args: &[&str]| shipshape(&dir, &archive, &state, args, 1);
    let started = run(&[
        "install", SERVER, "--method", "pilot", "--soak", "2", "--yes", "--json",
    ]);
    started.success();
    let d = json(&started);
    assert_eq!(d["status"], "soaking", "{d}");
    assert_eq!(d["plan"]["gates"][0]["kind"], "no_new_alerts");
    assert_eq!(version_of(SERVER).as_deref(), Some("1.0"));
    let id = d["id"].as_i64().unwrap().to_string();
    run(&["plan", "approve", &id]).fails_with("waits for no approval");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let checked = run(&["plan", "check", &id, "--json"]);
    checked.success();
    assert_eq!(json(&checked)["status"], "waiting", "{checked:?}");
    let promoted = run(&["plan", "approve", &id, "--json"]);
    promoted.success();
    let d = json(&promoted);
    assert_eq!(d["status"], "done");
    assert!(d["message"].as_str().unwrap().contains("promoted"), "{d}");
    run(&["plan", "rollback", &id]).success();
    assert_eq!(version_of(SERVER), None);
}

#[test]
fn plans_that_cannot_be_carried_out_are_refused_before_anything_changes() {
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = Archive::empty(dir.root());
    let run = |args: &[&str]| shipshape(&dir, &archive, &state, args, 60);
    let one_stage = object!({
        "name": "Only one", "method": "phased", "approval": "ask",
        "stages": [{ "name": "All", "parts": [package(SERVER)] }],
    });
    let plan = write(&dir, "one.json", &one_stage);
    run(&["install", "--plan", &plan, "--yes"]).fails_with("at least two stages");
    let plan = write(&dir, "broken.json", &object!({ "name": "x" }));
    run(&["install", "--plan", &plan, "--yes"]).fails_with("could not be read");
    run(&["install", "--plan", "/nonexistent/plan.json", "--yes"])
        .fails_with("/nonexistent/plan.json");
    run(&["install", SERVER, "--method", "phased", "--yes"]).fails_with("needs a plan");
    run(&["install", SERVER, "--method", "parallel", "--yes"]).fails_with("beside it");
    run(&["install", SERVER, "--method", "sideways", "--yes"]).fails_with("not a way to install");
    run(&["plan", "show", "7"]).fails_with("no deployment 7");
    run(&["plan", "list"]).success();
    assert_eq!(version_of(SERVER), None);
}
