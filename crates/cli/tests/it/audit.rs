//! `shipshape audit list | verify | export`.

use crate::util::TestDir;
use serde_json::{Value, json};

#[test]
fn verify_on_a_fresh_folder_is_intact() {
    let dir = TestDir::new();
    let run = dir.run(&["audit", "verify"]);
    run.success();
    assert_eq!(run.stdout.trim(), "The activity log is empty and intact.");
    assert!(run.stderr.is_empty(), "{run:#?}");
    assert!(dir.db_path().exists());

    let run = dir.run(&["audit", "verify", "--json"]);
    run.success();
    let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict, json!({ "status": "intact", "entries": 0 }));
}

#[test]
fn verify_counts_the_entries() {
    let dir = TestDir::new();
    dir.append(3);
    let run = dir.run(&["audit", "verify"]);
    run.success();
    assert!(run.stdout.contains("intact: 3 entries"), "{run:#?}");
}

#[test]
fn verify_after_tampering_exits_1_and_names_the_entry() {
    let dir = TestDir::new();
    dir.append(5);
    let changed = dir
        .raw()
        .execute(
            "UPDATE audit_log SET target = 'nothing to see' WHERE seq = 3",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);

    let run = dir.run(&["audit", "verify"]);
    run.code(1);
    assert!(run.stdout.contains("tampered with at entry 3"), "{run:#?}");
    assert!(run.stderr.is_empty(), "{run:#?}");

    let run = dir.run(&["audit", "verify", "--json"]);
    run.code(1);
    let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict["status"], "tampered");
    assert_eq!(verdict["entry"], 3);
    assert!(!verdict["problem"].as_str().unwrap().is_empty());
}

#[test]
fn verify_after_cutting_the_end_exits_1() {
    let dir = TestDir::new();
    dir.append(5);
    dir.raw()
        .execute("DELETE FROM audit_log WHERE seq >= 4", [])
        .unwrap();
    let run = dir.run(&["audit", "verify"]);
    run.code(1);
    assert!(run.stdout.contains("entry 4"), "{run:#?}");
}

#[test]
fn verify_after_removing_the_head_record_exits_1() {
    let dir = TestDir::new();
    dir.append(2);
    std::fs::remove_file(dir.data().join("audit.head")).unwrap();
    dir.run(&["audit", "verify"]).code(1);
}

#[test]
fn list_prints_entries_or_says_there_are_none() {
    let dir = TestDir::new();
    let run = dir.run(&["audit", "list"]);
    run.success();
    assert_eq!(run.stdout.trim(), "No entries match.");
    assert_eq!(dir.list(), Vec::<Value>::new());

    dir.append(2);
    let run = dir.run(&["audit", "list"]);
    run.success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run:#?}");
    assert!(lines[0].trim_start().starts_with("1 "), "{}", lines[0]);
    assert!(
        lines[0].contains("check.run") && lines[0].contains("item-0"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("item-1") && lines[1].ends_with("ok"),
        "{}",
        lines[1]
    );
}

#[test]
fn list_filters() {
    let dir = TestDir::new();
    dir.append(3);
    // A failed export (into a missing folder) gives a failed audit.export.
    dir.run(&["audit", "export", "--format", "csv", "missing/x.csv"])
        .code(2);
    let seqs = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["audit", "list", "--json"];
        all.extend_from_slice(args);
        let run = dir.run(&all);
        run.success();
        let entries: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
    };
    assert_eq!(seqs(&[]), [1, 2, 3, 4]);
    assert_eq!(seqs(&["--action", "audit."]), [4]);
    assert_eq!(seqs(&["--action", "check.run"]), [1, 2, 3]);
    assert_eq!(seqs(&["--outcome", "failed"]), [4]);
    assert_eq!(seqs(&["--outcome", "ok"]), [1, 2, 3]);
    assert_eq!(seqs(&["--search", "item-1"]), [2]);
    assert_eq!(
        seqs(&["--since", "2000-01-01", "--until", "2000-01-02"]),
        Vec::<u64>::new()
    );
    assert_eq!(seqs(&["--since", "2000-01-01T00:00:00Z"]), [1, 2, 3, 4]);

    // The text listing shows why it failed.
    let run = dir.run(&["audit", "list", "--outcome", "failed"]);
    run.success();
    assert!(run.stdout.contains("failed: Could not"), "{run:#?}");
}

#[test]
fn export_json_equals_the_listing_before_the_export() {
    let dir = TestDir::new();
    dir.append(4);
    dir.run(&["audit", "export", "--format", "csv", "first.csv"])
        .success();
    let file = dir.root().join("log.json");
    let run = dir.run(&[
        "audit",
        "export",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    run.success();
    assert!(run.stdout.contains("Exported 5 entries"), "{run:#?}");

    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut listed = dir.list();
    let last = listed.pop().unwrap();
    assert_eq!(exported, Value::Array(listed));

    assert_eq!(last["action"], "audit.export");
    assert_eq!(last["target"], file.display().to_string());
    assert_eq!(last["outcome"], "ok");
    assert_eq!(last["source"], "cli");
    assert_eq!(last["details"]["entries"], 5);
    assert_eq!(last["details"]["format"], "json");
    dir.run(&["audit", "verify"]).success();
}

#[test]
fn export_csv_writes_a_header_and_a_row_per_entry() {
    let dir = TestDir::new();
    dir.append(3);
    let run = dir.run(&[
        "audit",
        "export",
        "--format",
        "csv",
        "--action",
        "check.run",
        "out.csv",
    ]);
    run.success();
    let text = std::fs::read_to_string(dir.root().join("out.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "seq,time,actor,source,action,target,outcome,reason,details,hash"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].starts_with("1,"), "{}", lines[1]);
}

#[test]
fn export_in_an_unknown_format_is_a_usage_error() {
    let dir = TestDir::new();
    let run = dir.run(&["audit", "export", "--format", "xml", "out.xml"]);
    run.code(2);
    assert!(run.stderr.contains("xml"), "{run:#?}");
    assert!(!dir.root().join("out.xml").exists());
}

#[test]
fn export_into_a_missing_folder_exits_2_and_is_recorded() {
    let dir = TestDir::new();
    let run = dir.run(&[
        "audit",
        "export",
        "--format",
        "json",
        "no/such/dir/out.json",
    ]);
    run.fails_with("does not exist");
    let entries = dir.list();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "audit.export");
    assert_eq!(entries[0]["outcome"], "failed");
    assert!(!entries[0]["reason"].as_str().unwrap().is_empty());
}

#[test]
fn export_onto_a_folder_exits_2() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.root().join("folder")).unwrap();
    dir.run(&["audit", "export", "--format", "csv", "folder"])
        .fails_with("is a folder");
    assert_eq!(
        std::fs::read_dir(dir.root().join("folder"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn a_bad_time_is_a_one_line_usage_error() {
    let dir = TestDir::new();
    for args in [
        ["audit", "list", "--since", "yesterday-ish-junk"],
        ["audit", "list", "--until", "2026-02-30"],
    ] {
        dir.run(&args)
            .fails_with("is not a time Shipshape understands");
    }
}
