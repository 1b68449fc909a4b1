//! `shipshape alerts` and `shipshape monitor`: rules, raising through the
//! real sampler, acknowledging, stopping cleanly.

use crate::util::TestDir;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn rules_list_and_edit() {
    let dir = TestDir::new();
    let run = dir.run(&["alerts", "rules", "--json"]);
    run.success();
    let rules: Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "disk_full",
            "memory_pressure",
            "sustained_load",
            "swap_thrashing",
            "disk_full_soon",
            "failed_logins"
        ]
    );
    assert_eq!(rules[0]["threshold"], 90.0);
    assert_eq!(rules[0]["duration_seconds"], 60);
    assert_eq!(rules[0]["enabled"], true);

    dir.run(&[
        "alerts",
        "set",
        "memory-pressure",
        "--threshold",
        "20",
        "--for",
        "30",
        "--off",
    ])
    .success();
    let rules: Value =
        serde_json::from_str(&dir.run(&["alerts", "rules", "--json"]).stdout).unwrap();
    assert_eq!(rules[1]["threshold"], 20.0);
    assert_eq!(rules[1]["duration_seconds"], 30);
    assert_eq!(rules[1]["enabled"], false);
    assert_eq!(rules[1]["is_default"], false);

    dir.run(&["alerts", "set", "disk_full", "--threshold", "101"])
        .fails_with("not a threshold");
    dir.run(&["alerts", "set", "no_such_rule", "--threshold", "1"])
        .fails_with("no alert rule");
    dir.run(&["alerts", "ack", "42"])
        .fails_with("no alert number 42");
}

#[test]
fn no_open_alerts_is_exit_zero() {
    let dir = TestDir::new();
    let run = dir.run(&["alerts", "--json"]);
    run.success();
    assert_eq!(run.stdout.trim(), "[]");
    dir.run(&["alerts"]).success();
}

#[test]
fn monitor_raises_an_alert_that_can_be_acknowledged_and_stops_on_sigterm() {
    let dir = TestDir::new();
    // Every disk is fuller than 1 %: raised at the first sample.
    dir.run(&[
        "alerts",
        "set",
        "disk_full",
        "--threshold",
        "1",
        "--for",
        "0",
    ])
    .success();
    let mut child = dir
        .cmd(&["monitor", "--interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("raised")) {
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        seen.push(line);
    }
    assert!(
        seen[0].starts_with("Watching this computer every 1 s"),
        "{seen:?}"
    );
    assert!(seen.last().unwrap().contains("is almost full"), "{seen:?}");

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(
        rest.last().map(String::as_str),
        Some("Stopped."),
        "{rest:?}"
    );

    // The alert is open: exit 1, and it can be acknowledged.
    let run = dir.run(&["alerts", "--json"]);
    run.code(1);
    let open: Value = serde_json::from_str(&run.stdout).unwrap();
    let alert = &open.as_array().unwrap()[0];
    assert_eq!(alert["rule"], "disk_full");
    assert!(alert["acknowledged"].is_null());
    let id = alert["id"].as_i64().unwrap().to_string();
    dir.run(&["alerts", "ack", &id]).success();
    let open: Value = serde_json::from_str(&dir.run(&["alerts", "--json"]).stdout).unwrap();
    assert!(open[0]["acknowledged_by"].is_string());

    let actions: Vec<String> = dir
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(actions.contains(&"alert.raise".to_string()), "{actions:?}");
    assert!(actions.contains(&"alert.acknowledge".to_string()));

    // History was kept: the latest sample is stored.
    let samples: i64 = dir
        .raw()
        .query_row("SELECT count(*) FROM health_latest", [], |r| r.get(0))
        .unwrap();
    assert_eq!(samples, 1);
}
