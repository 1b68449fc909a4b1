//! `shipshape baseline`: accept this computer, then see a new listener.

use crate::util::TestDir;
use serde_json::Value;

#[test]
fn diff_before_accept_says_what_to_do() {
    let dir = TestDir::new();
    dir.run(&["baseline", "diff"])
        .fails_with("shipshape baseline accept");
}

#[test]
fn accept_then_a_new_listener_is_an_anomaly() {
    let dir = TestDir::new();
    let run = dir.run(&["baseline", "accept"]);
    run.success();
    assert!(run.stdout.starts_with("Accepted: "), "{}", run.stdout);
    let actions: Vec<String> = dir
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["baseline.accept"]);

    // A port the program chose (not one the system picks, which only
    // counts by program).
    let listener = (20_000..20_500)
        .find_map(|p| std::net::TcpListener::bind(("127.0.0.1", p)).ok())
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let run = dir.run(&["baseline", "diff", "--json"]);
    run.code(1);
    let diff: Value = serde_json::from_str(&run.stdout).unwrap();
    let anomalies = diff["anomalies"].as_array().unwrap();
    let ours = anomalies
        .iter()
        .find(|a| a["subject"] == format!("tcp/{port}"))
        .unwrap_or_else(|| panic!("port {port} not in {diff}"));
    assert_eq!(ours["kind"], "new_listener");
    assert!(
        ours["what"]
            .as_str()
            .unwrap()
            .starts_with(&format!("A new program listens on port {port} (tcp): ")),
        "{ours}"
    );
    assert!(!ours["advice"].as_str().unwrap().is_empty());

    drop(listener);
    dir.run(&["baseline", "accept"]).success();
    let run = dir.run(&["baseline", "diff"]);
    if run.code == 0 {
        assert!(
            run.stdout
                .starts_with("Nothing changed since the baseline of ")
        );
    }
}

#[test]
fn watched_paths_are_added_listed_and_removed() {
    let dir = TestDir::new();
    let extra = dir.root().join("app");
    std::fs::create_dir(&extra).unwrap();
    let extra = extra.to_str().unwrap();
    dir.run(&["baseline", "watch", extra]).success();
    let paths: Vec<String> =
        serde_json::from_str(&dir.run(&["baseline", "paths", "--json"]).stdout).unwrap();
    assert!(paths.iter().any(|p| p == extra), "{paths:?}");
    assert!(
        paths.iter().any(|p| p == "/usr/bin"),
        "the defaults stay: {paths:?}"
    );
    dir.run(&["baseline", "watch", "relative/app"])
        .code(2)
        .fails_with("not a full path");
    dir.run(&["baseline", "unwatch", extra]).success();
    let paths: Vec<String> =
        serde_json::from_str(&dir.run(&["baseline", "paths", "--json"]).stdout).unwrap();
    assert!(!paths.iter().any(|p| p == extra));
}
