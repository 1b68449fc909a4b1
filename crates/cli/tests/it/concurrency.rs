//! Several `shipshape` processes and an in-process writer (the app) on one
//! data folder at once.

use crate::util::{Run, TestDir, append_one};
use serde_json::Value;
use std::process::{Child, Stdio};

fn spawn(dir: &TestDir, args: &[&str]) -> Child {
    dir.cmd(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> Run {
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn exports_and_verifies_run_while_the_app_appends() {
    const SEED: u32 = 5;
    const APPENDS: u32 = 40;
    const EXPORTS: usize = 4;
    let dir = TestDir::new();
    dir.append(SEED);
    let store = dir.store();

    let files: Vec<String> = (0..EXPORTS)
        .map(|i| {
            dir.root()
                .join(format!("export-{i}.json"))
                .display()
                .to_string()
        })
        .collect();
    let exports: Vec<Child> = files
        .iter()
        .map(|f| spawn(&dir, &["audit", "export", "--format", "json", f]))
        .collect();
    let mut verifies = Vec::new();
    for i in 0..APPENDS {
        append_one(&store, 100 + i);
        if i % 8 == 0 {
            verifies.push(spawn(&dir, &["audit", "verify", "--json"]));
        }
    }

    for child in exports {
        let run = finish(child);
        run.success();
        assert!(run.stderr.is_empty(), "{run:#?}");
    }
    for child in verifies {
        let run = finish(child);
        run.success();
        let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(verdict["status"], "intact", "{run:#?}");
    }

    let total = u64::from(SEED + APPENDS) + EXPORTS as u64;
    let run = dir.run(&["audit", "verify", "--json"]);
    run.success();
    let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict["entries"], total, "{run:#?}");

    let entries = dir.list();
    assert_eq!(entries.len() as u64, total);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"], i as u64 + 1);
    }
    let exports_logged = entries
        .iter()
        .filter(|e| e["action"] == "audit.export" && e["outcome"] == "ok")
        .count();
    assert_eq!(exports_logged, EXPORTS);

    // Each file is a consistent snapshot: the log's first entries, whole.
    for f in &files {
        let exported: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        assert!(exported.len() >= SEED as usize, "{f}");
        assert_eq!(&entries[..exported.len()], &exported[..], "{f}");
    }
}

#[test]
fn processes_starting_on_a_fresh_folder_at_once_all_succeed() {
    const PROCESSES: usize = 4;
    let dir = TestDir::new();
    let children: Vec<Child> = (0..PROCESSES)
        .map(|i| {
            let file = format!("fresh-{i}.csv");
            spawn(&dir, &["audit", "export", "--format", "csv", &file])
        })
        .collect();
    for child in children {
        finish(child).success();
    }
    let run = dir.run(&["audit", "verify"]);
    run.success();
    assert!(
        run.stdout.contains(&format!("intact: {PROCESSES} entries")),
        "{run:#?}"
    );
}
