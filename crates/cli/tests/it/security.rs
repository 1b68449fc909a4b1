//! `shipshape scan`, `report` and `history` against fixture roots.

use crate::util::{Run, TestDir};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A small Debian root: accounts, an SSH server and a few kernel values.
pub fn fixture(dir: &TestDir) -> PathBuf {
    let root = dir.root().join("fixture");
    let put = |rel: &str, text: &str, mode: u32| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    put(
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
        0o644,
    );
    put("etc/hostname", "reception\n", 0o644);
    put(
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
        0o644,
    );
    put(
        "etc/shadow",
        "root:!:19000::::::\nalice:$y$x:20400::::::\n",
        0o640,
    );
    put("usr/sbin/sshd", "", 0o755);
    put(
        "etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
        0o600,
    );
    std::fs::create_dir_all(root.join("etc/ssh/sshd_config.d")).unwrap();
    put("proc/sys/kernel/randomize_va_space", "2\n", 0o644);
    put("proc/sys/kernel/dmesg_restrict", "1\n", 0o644);
    root
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn scan_json(dir: &TestDir, root: &Path, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["scan", "--root", root.to_str().unwrap(), "--json"];
    args.extend(extra);
    let run = dir.run(&args);
    let json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"));
    (run, json)
}

fn check<'a>(scan: &'a Value, id: &str) -> &'a Value {
    scan["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the scan"))
}

#[test]
fn scan_json_has_the_documented_shape() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    let (run, scan) = scan_json(&dir, &root, &[]);
    // No firewall, no automatic updates, no disk encryption: high failures.
    run.code(1);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let score = scan["score"].as_u64().unwrap();
    assert!(score <= 100);
    let checks = scan["checks"].as_array().unwrap();
    assert!(checks.len() >= 80, "{} checks", checks.len());
    for c in checks {
        for key in [
            "id",
            "title",
            "severity",
            "status",
            "why",
            "evidence",
            "remediation",
            "fixable",
            "references",
        ] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        assert!(
            ["critical", "high", "medium", "low"].contains(&c["severity"].as_str().unwrap()),
            "{c}"
        );
        assert!(
            [
                "pass",
                "fail",
                "warning",
                "not_applicable",
                "needs_admin",
                "error"
            ]
            .contains(&c["status"].as_str().unwrap()),
            "{c}"
        );
    }
    let root_login = check(&scan, "ssh.root_login");
    assert_eq!(root_login["status"], "pass");
    assert_eq!(root_login["title"], "Root can log in over SSH");
    assert_eq!(root_login["evidence"][0]["source"], "/etc/ssh/sshd_config");
    assert_eq!(root_login["evidence"][0]["line"], 2);
    let refs = root_login["references"].as_array().unwrap();
    assert!(refs.iter().any(|r| r == "CIS Debian 12 5.1.20"), "{refs:?}");
    assert!(refs.iter().any(|r| r == "Lynis SSH-7408"), "{refs:?}");
    assert_eq!(scan["computer"], "reception");
}

#[test]
fn exit_1_only_for_a_failing_high_or_critical_check() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    dir.run(&[
        "scan",
        "--root",
        root.to_str().unwrap(),
        "--check",
        "kernel.aslr",
    ])
    .success();
    write(&root, "proc/sys/kernel/dmesg_restrict", "0\n");
    let (run, scan) = scan_json(&dir, &root, &["--check", "kernel.dmesg_restrict"]);
    run.success();
    assert_eq!(scan["checks"][0]["status"], "fail");
    assert_eq!(scan["checks"].as_array().unwrap().len(), 1);
    write(&root, "proc/sys/kernel/randomize_va_space", "0\n");
    let run = dir.run(&[
        "scan",
        "--root",
        root.to_str().unwrap(),
        "--check",
        "kernel.aslr",
    ]);
    run.code(1);
    assert!(run.stdout.contains("High: fix these this week"), "{run:#?}");
    assert!(run.stdout.contains("Memory layout randomisation is off"));
}

#[test]
fn human_output_is_grouped_by_severity_in_plain_words() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    write(
        &root,
        "etc/ssh/sshd_config.d/10-local.conf",
        "PermitEmptyPasswords yes\n",
    );
    let run = dir.run(&["scan", "--root", root.to_str().unwrap()]);
    run.code(1);
    let out = &run.stdout;
    assert!(out.starts_with("Security score "), "{out}");
    assert!(out.contains("for reception"));
    assert!(out.contains("Why this score:"));
    let critical = out.find("Critical: fix these today").unwrap();
    let high = out.find("High: fix these this week").unwrap();
    let low = out.find("Low: when you have time").unwrap();
    assert!(critical < high && high < low, "{out}");
    assert!(out.contains("SSH lets accounts without a password log in"));
    assert!(out.contains("What to do: Set PermitEmptyPasswords no"));
    assert!(out.contains("/etc/ssh/sshd_config.d/10-local.conf:1: PermitEmptyPasswords yes"));
    assert!(out.contains("[ssh.empty_passwords]"));
}

#[test]
fn unreadable_files_are_reported_and_the_scan_carries_on() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    // A folder where /etc/shadow should be: unreadable even for root.
    std::fs::remove_file(root.join("etc/shadow")).unwrap();
    std::fs::create_dir(root.join("etc/shadow")).unwrap();
    let (_, scan) = scan_json(&dir, &root, &[]);
    let f = check(&scan, "accounts.empty_password");
    assert_eq!(f["status"], "error", "{f}");
    assert_eq!(f["evidence"][0]["source"], "/etc/shadow");
    assert_eq!(check(&scan, "accounts.extra_uid0")["status"], "pass");
    let run = dir.run(&["scan", "--root", root.to_str().unwrap()]);
    assert!(run.stdout.contains("Could not be checked"), "{run:#?}");
    assert!(run.stdout.contains("Could not read /etc/shadow"));
}

#[test]
fn malformed_ssh_settings_are_judged_as_sshd_reads_them() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    // Odd case, '=' and tabs; a duplicate with another value (ignored).
    write(
        &root,
        "etc/ssh/sshd_config.d/10-local.conf",
        "permitrootlogin\t=\tYES\nPermitRootLogin no\n",
    );
    let (_, scan) = scan_json(&dir, &root, &[]);
    assert_eq!(check(&scan, "ssh.root_login")["status"], "fail");
    let sound = check(&scan, "ssh.config_sound");
    assert_eq!(sound["status"], "warning");
    assert_eq!(sound["evidence"][0]["line"], 1);
    assert_eq!(sound["evidence"][1]["line"], 2);

    // An Include loop: reported, never followed.
    write(
        &root,
        "etc/ssh/sshd_config.d/10-local.conf",
        "Include /etc/ssh/sshd_config\n",
    );
    let (_, scan) = scan_json(&dir, &root, &[]);
    let sound = check(&scan, "ssh.config_sound");
    assert_eq!(sound["status"], "fail");
    assert_eq!(
        sound["evidence"][0]["source"],
        "/etc/ssh/sshd_config.d/10-local.conf"
    );
    assert_eq!(check(&scan, "ssh.root_login")["status"], "error");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = TestDir::new();
    let missing = dir.root().join("no-such-folder");
    dir.run(&["scan", "--root", missing.to_str().unwrap()])
        .fails_with("is not a folder");
    let root = fixture(&dir);
    dir.run(&["scan", "--root", root.to_str().unwrap(), "--check", "nope"])
        .fails_with("There is no check called \"nope\"");
    let out = dir.root().join("r.txt");
    dir.run(&["report", "--format", "pdf", out.to_str().unwrap()])
        .code(2);
}

#[test]
fn history_keeps_full_scans_for_the_trend() {
    let dir = TestDir::new();
    let root = fixture(&dir);
    let r = root.to_str().unwrap();
    dir.run(&["history"]).success();
    assert!(dir.run(&["history"]).stdout.contains("No scans yet"));
    dir.run(&["scan", "--root", r]).code(1);
    write(&root, "proc/sys/kernel/randomize_va_space", "0\n");
    dir.run(&["scan", "--root", r]).code(1);
    dir.run(&["scan", "--root", r, "--check", "kernel.aslr"])
        .code(1);
    let run = dir.run(&["history", "--json"]);
    run.success();
    let past: Value = serde_json::from_str(&run.stdout).unwrap();
    let past = past.as_array().unwrap();
    assert_eq!(past.len(), 2, "{past:?}");
    assert!(
        past[0]["score"].as_u64() < past[1]["score"].as_u64(),
        "{past:?}"
    );
    assert_eq!(
        past[0]["root"],
        root.canonicalize().unwrap().to_str().unwrap()
    );
    let text = dir.run(&["history"]).stdout;
    assert_eq!(text.lines().count(), 2, "{text}");
    // Every scan, kept or not, is in the activity log.
    let scans = dir
        .list()
        .into_iter()
        .filter(|e| e["action"] == "security.scan")
        .count();
    assert_eq!(scans, 3);
}

#[test]
fn reports_export_the_latest_scan() {
    let dir = TestDir::new();
    let out = dir.root().join("report.html");
    dir.run(&["report", "--format", "html", out.to_str().unwrap()])
        .fails_with("There is no scan to report on yet.");
    let root = fixture(&dir);
    dir.run(&["scan", "--root", root.to_str().unwrap()]).code(1);
    let run = dir.run(&["report", "--format", "html", out.to_str().unwrap()]);
    run.success();
    assert!(run.stdout.contains("Wrote the report"), "{run:#?}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Security report for reception"));
    assert!(html.contains("What needs attention"));
    let json = dir.root().join("report.json");
    dir.run(&["report", "--format", "json", json.to_str().unwrap()])
        .success();
    let scan: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(scan["checks"].as_array().unwrap().len() >= 80);
    let csv = dir.root().join("report.csv");
    dir.run(&["report", "--format", "csv", csv.to_str().unwrap()])
        .success();
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("id,title,severity,status")
    );
    let actions: Vec<String> = dir
        .list()
        .into_iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "security.report").count(),
        4,
        "the refused export is recorded too: {actions:?}"
    );
}

#[test]
fn scan_help_names_its_options() {
    let dir = TestDir::new();
    let help = dir.run(&["scan", "--help"]);
    help.success();
    for word in ["--root", "--check", "--json"] {
        assert!(help.stdout.contains(word), "{word}: {help:#?}");
    }
    let help = dir.run(&["report", "--help"]);
    assert!(help.stdout.contains("html, json, csv"), "{help:#?}");
}

/// The fixture with X11 forwarding on: one failing, fixable check.
pub fn forwarding(dir: &TestDir) -> PathBuf {
    let root = fixture(dir);
    write(
        &root,
        "etc/ssh/sshd_config.d/10-local.conf",
        "X11Forwarding yes\n",
    );
    root
}

#[test]
fn fix_dry_run_shows_the_diff_and_changes_nothing() {
    let dir = TestDir::new();
    let root = forwarding(&dir);
    let file = root.join("etc/ssh/sshd_config.d/10-local.conf");
    let run = dir.run(&[
        "fix",
        "ssh.x11_forwarding",
        "--root",
        root.to_str().unwrap(),
        "--dry-run",
    ]);
    run.success();
    assert!(run.stdout.contains("-X11Forwarding yes"), "{}", run.stdout);
    assert!(run.stdout.contains("+X11Forwarding no"), "{}", run.stdout);
    assert!(run.stdout.contains("Nothing was changed"), "{}", run.stdout);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding yes\n"
    );
}

#[test]
fn fix_then_undo_then_undo_the_undo() {
    let dir = TestDir::new();
    let root = forwarding(&dir);
    let r = root.to_str().unwrap();
    let file = root.join("etc/ssh/sshd_config.d/10-local.conf");
    let run = dir.run(&["fix", "ssh.x11_forwarding", "--root", r]);
    run.success();
    assert!(run.stdout.contains("Changed (change 1)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("The check now passes"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding no\n"
    );
    let (_, scan) = scan_json(&dir, &root, &[]);
    assert_eq!(check(&scan, "ssh.x11_forwarding")["status"], "pass");

    let run = dir.run(&["undo", "1"]);
    run.success();
    assert!(
        run.stdout.contains("Turned back change 1 (change 2)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding yes\n"
    );
    dir.run(&["undo", "1"])
        .code(2)
        .fails_with("already undone by change 2");

    dir.run(&["undo", "2"]).success();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding no\n"
    );
    let changes: Value = serde_json::from_str(&dir.run(&["changes", "--json"]).stdout).unwrap();
    let kinds: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["undo", "undo", "fix"]);
    let text = dir.run(&["changes"]).stdout;
    assert!(text.contains("undone by change 2"), "{text}");
}

#[test]
fn fix_refuses_bad_requests_with_a_reason() {
    let dir = TestDir::new();
    let root = forwarding(&dir);
    let r = root.to_str().unwrap();
    dir.run(&["fix", "no.such", "--root", r])
        .code(2)
        .fails_with("no check called");
    dir.run(&["fix", "kernel.aslr", "--root", r])
        .code(2)
        .fails_with("Nothing to fix");
    dir.run(&["fix", "ssh.x11_forwarding", "--root", "/no/such/folder"])
        .code(2)
        .fails_with("is not a folder");
    dir.run(&["undo", "7"])
        .code(2)
        .fails_with("no change number 7");
    dir.run(&["undo", "seven"]).code(2);
}

#[test]
fn an_accepted_risk_shows_as_accepted_in_the_scan() {
    let dir = TestDir::new();
    let root = forwarding(&dir);
    let until = (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    dir.run(&[
        "accept",
        "ssh.x11_forwarding",
        "--reason",
        "CAD viewer",
        "--until",
        "yesterday",
    ])
    .code(2)
    .fails_with("is not a date");
    dir.run(&["accept", "ssh.x11_forwarding", "--until", &until])
        .code(2);
    dir.run(&[
        "accept",
        "ssh.x11_forwarding",
        "--reason",
        "CAD viewer",
        "--until",
        &until,
    ])
    .success();
    let (_, scan) = scan_json(&dir, &root, &[]);
    let f = check(&scan, "ssh.x11_forwarding");
    assert_eq!(f["status"], "accepted");
    assert_eq!(f["accepted"]["reason"], "CAD viewer");
    assert_eq!(f["accepted"]["found"], "fail");
    let listed = dir.run(&["accepted"]).stdout;
    assert!(
        listed.contains(&format!("ssh.x11_forwarding  until {until}  CAD viewer")),
        "{listed}"
    );
    dir.run(&["accept", "ssh.x11_forwarding", "--withdraw"])
        .success();
    let (_, scan) = scan_json(&dir, &root, &[]);
    assert_eq!(check(&scan, "ssh.x11_forwarding")["status"], "fail");
}
