//! `shipshape incident`: an incident opened by hand, noted, held with a
//! reminder, resolved with what would stop it again and closed, each step
//! in its timeline and the activity log; one opened from a failed update
//! run carries its evidence; bad input (a past reminder, a close before
//! resolving, a link to nothing, an unknown status) is refused with
//! nothing changed; a link whose record was deleted since says so.

use crate::updates::json;
use crate::util::TestDir;

#[test]
fn an_incident_goes_from_open_to_closed_and_bad_moves_are_refused() {
    let dir = TestDir::new();
    let opened = dir.run(&[
        "incident",
        "open",
        "--title",
        "Backup disk full",
        "--what",
        "The nightly backup failed.",
        "--impact",
        "high",
        "--urgency",
        "high",
        "--json",
    ]);
    let t = json(opened.success());
    assert_eq!(
        (t["id"].as_i64(), t["priority"].as_str()),
        (Some(1), Some("critical"))
    );
    dir.run(&["incident", "note", "1", "Ordered a bigger disk."])
        .success();
    dir.run(&[
        "incident",
        "status",
        "1",
        "on-hold",
        "--reason",
        "waiting for the disk",
        "--remind",
        "2001-01-01",
    ])
    .fails_with("has passed");
    dir.run(&[
        "incident",
        "status",
        "1",
        "on-hold",
        "--remind",
        "2099-01-01",
    ])
    .fails_with("The reason for the hold is empty.");
    dir.run(&[
        "incident",
        "status",
        "1",
        "on-hold",
        "--reason",
        "waiting for the disk",
        "--remind",
        "2099-01-01",
    ])
    .success();
    dir.run(&["incident", "status", "1", "closed"])
        .fails_with("not resolved");
    dir.run(&["incident", "status", "1", "fixed"])
        .fails_with("\"fixed\" is not a ticket status.");
    dir.run(&["incident", "link", "1", "alert:99"])
        .fails_with("no alert number 99");
    dir.run(&["incident", "link", "1", "nonsense"])
        .fails_with("does not say what it is");
    dir.run(&["incident", "link", "1", "anomaly:new_listener:8080"])
        .fails_with("no difference \"new_listener:8080\" from its baseline");
    dir.run(&["incident", "open", "--from", "run:x"])
        .fails_with("\"x\" is not a number of a run.");
    dir.run(&[
        "incident",
        "status",
        "1",
        "resolved",
        "--done",
        "Replaced the disk.",
        "--prevention",
        "An alert at 80 % full.",
    ])
    .success();
    let closed = json(
        dir.run(&["incident", "status", "1", "closed", "--json"])
            .success(),
    );
    let steps: Vec<&str> = closed["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .map(|e| e["what"].as_str().expect("words"))
        .collect();
    assert_eq!(steps.len(), 5, "{steps:?}");
    assert!(
        steps[3].contains("To stop it happening again: An alert at 80 % full."),
        "{steps:?}"
    );
    let audit = dir.run(&["audit", "list", "--json"]);
    for action in ["incident.open", "incident.note", "incident.status"] {
        assert!(
            audit.stdout.contains(action),
            "{action} not in the activity log"
        );
    }
    dir.run(&["incident", "show", "7"])
        .fails_with("There is no incident 7.");
    let listed = json(
        dir.run(&["incident", "list", "--status", "closed", "--json"])
            .success(),
    );
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

#[test]
fn an_incident_from_a_failed_run_carries_its_evidence_and_says_when_the_run_is_gone() {
    let dir = TestDir::new();
    dir.run(&["incident", "list"]).success();
    let raw = dir.raw();
    let run = serde_json::json!({
        "id": 0, "kind": "apply", "asked": "security updates", "started": "2026-12-05T09:00:00Z",
        "finished": "2026-12-05T09:01:00Z", "outcome": "failed",
        "message": "Installing failed; the package manager is consistent.", "packages": [],
        "restart_needed": false, "undoes": null, "undone_by": null, "admin_run": 3,
        "log_tail": "E: Sub-process /usr/bin/dpkg returned an error code (1)"
    });
    raw.execute(
        "INSERT INTO update_runs (started, admin_run, record) VALUES (?1, 3, ?2)",
        rusqlite::params!["2026-12-05T09:00:00Z", run.to_string()],
    )
    .expect("a run on record");
    let t = json(
        dir.run(&["incident", "open", "--from", "run:1", "--json"])
            .success(),
    );
    assert_eq!(t["title"], "Run 1 (security updates) failed");
    assert!(
        t["what"]
            .as_str()
            .expect("words")
            .contains("dpkg returned an error code")
    );
    assert_eq!(t["priority"], "high");
    assert_eq!(t["links"][0]["gone"], false);
    raw.execute("DELETE FROM update_runs", []).expect("deleted");
    let shown = json(dir.run(&["incident", "show", "1", "--json"]).success());
    assert_eq!(shown["links"][0]["gone"], true);
    let text = dir.run(&["incident", "show", "1"]);
    assert!(
        text.stdout.contains("(no longer in the records)"),
        "{}",
        text.stdout
    );
}
