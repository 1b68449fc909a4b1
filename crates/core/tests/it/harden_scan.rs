//! Whole scans: faults never drop a check, the score, the history and the
//! reports.

use super::harden_fixture::{Root, TODAY};
use super::util::{TestDir, actor, all, t0};
use shipshape_core::ErrorCode;
use shipshape_core::harden::check::{Area, Finding, Severity, Status};
use shipshape_core::harden::report::{self, ReportFormat};
use shipshape_core::harden::target::Target;
use shipshape_core::harden::{self, Scan, history, score};
use shipshape_core::host::{FixtureRunner, Host};

fn find<'a>(scan: &'a Scan, id: &str) -> &'a Finding {
    scan.checks.iter().find(|f| f.id == id).unwrap()
}

fn full(root: &Root) -> Scan {
    harden::scan(&root.host(), None, t0()).unwrap()
}

#[test]
fn a_normal_user_sees_needs_admin_rights_and_the_scan_carries_on() {
    let root = Root::hardened();
    let host = root.host().with_facts(|f| f.as_root = false);
    let scan = harden::scan(&host, None, t0()).unwrap();
    assert_eq!(scan.checks.len(), harden::catalogue().len());
    let f = find(&scan, "accounts.empty_password");
    assert_eq!(f.status, Status::NeedsAdmin, "{f:?}");
    assert_eq!(f.evidence[0].source, "/etc/shadow");
    assert!(f.evidence[0].text.contains("cannot read"));
    assert!(f.detail.contains("administrator"));
    // sshd_config is 0600 too; files every user may read are still judged.
    assert_eq!(find(&scan, "ssh.root_login").status, Status::NeedsAdmin);
    assert_eq!(find(&scan, "accounts.extra_uid0").status, Status::Pass);
    assert_eq!(find(&scan, "kernel.aslr").status, Status::Pass);
    // The walk skips folders a normal user could not list (cron.d is 0700)
    // and says so instead of passing.
    let f = find(&scan, "files.world_writable_files");
    assert_eq!(f.status, Status::NeedsAdmin, "{f:?}");
    assert!(f.evidence[0].text.contains("could not be read"), "{f:?}");
    // Unknowns are left out of the score, not counted as failures.
    assert!(scan.counts.needs_admin >= 3);
    assert_eq!(scan.counts.fail, 0);
    assert_eq!(scan.score, 100);
    assert!(!scan.as_admin);
}

#[test]
fn an_unreadable_file_is_an_error_with_evidence_and_others_still_run() {
    let root = Root::hardened();
    // A link pointing at itself cannot be read, not even by root.
    root.remove("etc/shadow").link("etc/shadow", "/etc/shadow");
    let scan = full(&root);
    let f = find(&scan, "accounts.empty_password");
    assert_eq!(f.status, Status::Error, "{f:?}");
    assert_eq!(f.evidence[0].source, "/etc/shadow");
    assert_eq!(find(&scan, "accounts.extra_uid0").status, Status::Pass);
    assert_eq!(scan.checks.len(), harden::catalogue().len());
    assert_eq!(scan.score, 100, "errors are not counted");
}

#[test]
fn absolute_links_resolve_inside_the_root() {
    let root = Root::hardened();
    root.file_mode("srv/ssh/real_config", "PermitRootLogin yes\n", 0o600)
        .remove("etc/ssh/sshd_config")
        .link("etc/ssh/sshd_config", "/srv/ssh/real_config");
    let f = harden::scan(&root.host(), Some("ssh.root_login"), t0())
        .unwrap()
        .checks
        .remove(0);
    assert_eq!(
        f.status,
        Status::Fail,
        "read this root's file, not the scanning computer's"
    );
}

#[test]
fn parent_links_cannot_climb_out_of_the_root() {
    let root = Root::hardened();
    root.file_mode("srv/x", "PermitRootLogin yes\n", 0o600)
        .remove("etc/ssh/sshd_config")
        .link("etc/ssh/sshd_config", "../../../../../../../srv/x");
    let f = harden::scan(&root.host(), Some("ssh.root_login"), t0())
        .unwrap()
        .checks
        .remove(0);
    assert_eq!(f.status, Status::Fail, "{f:?}");
}

#[test]
fn sudo_rules_in_included_files_count() {
    for directive in ["@include /etc/sudoers.local", "#include /etc/sudoers.local"] {
        let root = Root::hardened();
        root.file_mode(
            "etc/sudoers",
            &format!("Defaults use_pty\nroot ALL=(ALL:ALL) ALL\n{directive}\n"),
            0o440,
        )
        .file_mode("etc/sudoers.local", "bob ALL=(ALL) NOPASSWD: ALL\n", 0o440);
        let f = harden::scan(&root.host(), Some("accounts.sudo_nopasswd"), t0())
            .unwrap()
            .checks
            .remove(0);
        assert_eq!(f.status, Status::Fail, "{directive}: {f:?}");
        assert_eq!(f.evidence[0].source, "/etc/sudoers.local");
    }
}

#[test]
fn malformed_account_lines_are_skipped_not_fatal() {
    let root = Root::hardened();
    root.append("etc/passwd", "garbage line without colons")
        .append("etc/passwd", "short:x:1")
        .append("etc/passwd", "::::::");
    let scan = full(&root);
    assert_eq!(find(&scan, "accounts.extra_uid0").status, Status::Pass);
    assert_eq!(find(&scan, "accounts.system_shells").status, Status::Pass);
}

#[test]
fn an_empty_folder_gets_a_verdict_for_every_check() {
    let root = Root::empty();
    let scan = full(&root);
    assert_eq!(scan.checks.len(), harden::catalogue().len());
    let f = find(&scan, "accounts.extra_uid0");
    assert_eq!(f.status, Status::Error);
    assert!(f.detail.contains("/etc/passwd"));
    assert_eq!(find(&scan, "ssh.root_login").status, Status::NotApplicable);
    assert_eq!(
        find(&scan, "updates.pending_security").status,
        Status::NotApplicable
    );
}

#[test]
fn commands_are_not_run_for_a_folder_that_is_not_this_computer() {
    let mut root = Root::hardened();
    root.apt_output("");
    let host = Target::new(root.path(), TODAY);
    assert!(!host.is_live());
    let f = harden::scan(&host, Some("updates.pending_security"), t0())
        .unwrap()
        .checks
        .remove(0);
    assert_eq!(f.status, Status::NotApplicable);
}

#[test]
fn a_fixture_runner_answers_only_what_it_was_given() {
    let runner = FixtureRunner::new().with("ufw status verbose", "Status: active\n");
    let root = Root::hardened();
    let host = Target::on(
        Host::new(root.path().to_path_buf(), Box::new(runner)),
        TODAY,
    );
    assert!(host.run(&["ufw", "status", "verbose"]).is_some());
    assert!(host.run(&["rm", "-rf", "/"]).is_none());
}

#[test]
fn desktops_and_servers_get_their_own_checks() {
    let root = Root::hardened();
    root.program("usr/sbin/avahi-daemon");
    let server = full(&root);
    assert_eq!(
        find(&server, "desktop.autologin").status,
        Status::NotApplicable
    );
    assert_eq!(find(&server, "services.avahi").status, Status::Pass);
    root.desktop();
    let desktop = full(&root);
    assert_eq!(find(&desktop, "desktop.autologin").status, Status::Pass);
    assert_eq!(
        find(&desktop, "services.avahi").status,
        Status::NotApplicable
    );
}

#[test]
fn an_unknown_check_id_is_refused() {
    let root = Root::hardened();
    let e = harden::scan(&root.host(), Some("ssh.nope"), t0()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

fn finding(id: &str, severity: Severity, status: Status) -> Finding {
    Finding {
        id: id.into(),
        area: Area::Accounts,
        title: format!("title of {id}"),
        severity,
        status,
        why: String::new(),
        detail: String::new(),
        evidence: Vec::new(),
        remediation: String::new(),
        fixable: false,
        references: Vec::new(),
        accepted: None,
    }
}

#[test]
fn the_score_weighs_severity_and_ignores_unknowns() {
    let findings = vec![
        finding("a", Severity::Critical, Status::Fail),
        finding("b", Severity::High, Status::Warning),
        finding("c", Severity::Medium, Status::Pass),
        finding("d", Severity::Low, Status::Pass),
        finding("e", Severity::Critical, Status::NotApplicable),
        finding("f", Severity::Critical, Status::NeedsAdmin),
        finding("g", Severity::Critical, Status::Error),
    ];
    // Possible 10+5+2+1 = 18; lost 10 + 2.5.
    let (s, costs) = score::score(&findings, 5);
    assert_eq!(s, 31);
    assert_eq!(costs.len(), 2);
    assert_eq!(costs[0].id, "a");
    assert_eq!(costs[0].points, 55.6);
    assert_eq!(costs[1].id, "b");
    assert_eq!(costs[1].points, 13.9);
    assert_eq!(score::score(&[], 5).0, 100);
}

#[test]
fn a_serious_failure_is_a_high_or_critical_fail() {
    let root = Root::hardened();
    root.sysctl("kernel/dmesg_restrict", "0");
    assert!(
        !full(&root).has_serious_failure(),
        "a low failure is not serious"
    );
    root.sysctl("kernel/randomize_va_space", "0");
    let scan = full(&root);
    assert!(scan.has_serious_failure());
    assert_eq!(scan.costs[0].id, "kernel.aslr");
}

#[test]
fn full_scans_are_kept_and_every_scan_is_audited() {
    let dir = TestDir::new();
    let store = dir.open();
    assert!(history::latest(&store, t0()).unwrap().is_none());
    let root = Root::hardened();
    let first = full(&root);
    history::record(&store, t0(), &actor(), &first, true).unwrap();
    root.sysctl("kernel/randomize_va_space", "0");
    let second = full(&root);
    history::record(&store, t0(), &actor(), &second, true).unwrap();
    let one = harden::scan(&root.host(), Some("kernel.aslr"), t0()).unwrap();
    history::record(&store, t0(), &actor(), &one, false).unwrap();

    let past = history::history(&store, 10).unwrap();
    assert_eq!(past.len(), 2, "a single-check scan is not kept");
    assert_eq!(past[0].score, second.score);
    assert_eq!(past[0].failed, 1);
    assert_eq!(past[1].score, 100);
    assert_eq!(history::latest(&store, t0()).unwrap().unwrap(), second);

    let entries = all(&store);
    assert_eq!(entries.len(), 3);
    assert!(entries.iter().all(|e| e.action == "security.scan"));
    assert_eq!(
        entries[1].details["failing"],
        serde_json::json!(["kernel.aslr"])
    );
    assert_eq!(entries[2].details["kept"], false);
}

#[test]
fn reports_are_written_atomically_and_recorded() {
    let dir = TestDir::new();
    let store = dir.open();
    let out = dir.root().join("report.html");
    let e = report::export(&store, t0(), &actor(), ReportFormat::Html, &out).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(!out.exists());

    let root = Root::hardened();
    root.file("etc/issue", "<script>alert(1)</script> Debian\n");
    root.file("etc/hostname", "front-desk & co\n");
    let scan = full(&root);
    history::record(&store, t0(), &actor(), &scan, true).unwrap();

    let summary = report::export(&store, t0(), &actor(), ReportFormat::Html, &out).unwrap();
    assert_eq!(summary.score, scan.score);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("front-desk &amp; co"));
    assert!(html.contains(&format!("<span class=\"score\">{}</span>", scan.score)));
    assert!(html.contains("&lt;script&gt;"), "evidence is escaped");
    assert!(!html.contains("<script>"));
    assert!(html.contains("<details>"), "evidence is folded");
    assert!(html.contains("Low: when you have time"));
    assert!(
        !html.contains("src="),
        "self-contained: nothing loaded from elsewhere"
    );

    let json_path = dir.root().join("report.json");
    report::export(&store, t0(), &actor(), ReportFormat::Json, &json_path).unwrap();
    let back: Scan = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(back, scan);

    let csv_path = dir.root().join("report.csv");
    report::export(&store, t0(), &actor(), ReportFormat::Csv, &csv_path).unwrap();
    let mut rows = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["id", "title", "severity", "status"]);
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), scan.checks.len());
    let issue = records.iter().find(|r| &r[0] == "banners.issue").unwrap();
    assert_eq!(&issue[3], "fail");

    let entries = all(&store);
    let reports: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "security.report")
        .collect();
    assert_eq!(reports.len(), 4);
    assert_eq!(reports[0].outcome, shipshape_core::audit::Outcome::Failed);
    assert_eq!(reports[1].details["format"], "html");
}

#[test]
fn a_fedora_root_is_judged_with_its_own_tools() {
    let root = Root::hardened();
    root.file(
        "etc/os-release",
        "NAME=\"Fedora Linux\"\nVERSION_ID=41\nID=fedora\nPRETTY_NAME=\"Fedora Linux 41\"\n",
    )
    .file("etc/ufw/ufw.conf", "ENABLED=no\n")
    .enable("firewalld.service")
    .remove("usr/bin/unattended-upgrade")
    .link(
        "etc/systemd/system/timers.target.wants/dnf-automatic-install.timer",
        "/usr/lib/systemd/system/dnf-automatic-install.timer",
    )
    .remove("sys/module/apparmor")
    .file("sys/fs/selinux/enforce", "1\n")
    .remove("etc/pam.d/common-password")
    .file(
        "etc/pam.d/system-auth",
        "auth required pam_faillock.so preauth\npassword requisite pam_pwquality.so\n",
    );
    let scan = full(&root);
    for id in [
        "firewall.active",
        "firewall.default_deny",
        "updates.automatic",
        "kernel.mac",
        "accounts.password_quality",
    ] {
        assert_eq!(
            find(&scan, id).status,
            Status::Pass,
            "{:?}",
            find(&scan, id)
        );
    }
    for id in [
        "updates.pending_security",
        "updates.security_source",
        "integrity.debsums",
    ] {
        assert_eq!(find(&scan, id).status, Status::NotApplicable, "{id}");
    }
}

#[test]
fn a_hardened_desktop_scores_100_too() {
    let root = Root::hardened();
    root.desktop();
    let scan = full(&root);
    let bad: Vec<String> = scan
        .checks
        .iter()
        .filter(|f| !matches!(f.status, Status::Pass | Status::NotApplicable))
        .map(|f| format!("{} {:?}: {}", f.id, f.status, f.detail))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(find(&scan, "desktop.screen_lock").status, Status::Pass);
    assert_eq!(scan.score, 100);
}

#[test]
fn a_scan_reports_each_check_done_and_stops_when_cancelled() {
    use shipshape_core::ErrorCode;
    use shipshape_core::progress::Cancel;
    use std::sync::Mutex;
    let root = Root::hardened();
    let seen = Mutex::new(Vec::new());
    let report = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let scan = harden::scan_with(&root.host(), None, t0(), &report, &Cancel::new()).unwrap();
    let seen = seen.into_inner().unwrap();
    let total = scan.checks.len() as u64;
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.iter().map(|(d, _)| *d).max(), Some(total));
    assert_eq!(seen.len() as u64, total + 1);

    let cancel = Cancel::new();
    let stop = |done: u64, _total: u64| {
        if done >= 3 {
            cancel.cancel();
        }
    };
    let err = harden::scan_with(&root.host(), None, t0(), &stop, &cancel).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}

#[test]
fn fedora_lists_waiting_security_updates_from_dnf() {
    use shipshape_core::host::DNF_SECURITY_UPDATES;
    let root = Root::empty();
    root.file(
        "etc/os-release",
        "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=41\nPRETTY_NAME=\"Fedora Linux 41\"\n",
    );
    let key = DNF_SECURITY_UPDATES.join(" ");
    let waiting = "FEDORA-2026-1a2b3c4d5e Important/Sec. openssl-libs-1:3.2.4-1.fc41.x86_64\n\
                   FEDORA-2026-1a2b3c4d5e Important/Sec. openssl-1:3.2.4-1.fc41.x86_64\n\
                   FEDORA-2026-99aa88bb77 Moderate/Sec.  curl-8.9.1-3.fc41.x86_64\n";
    let run = |out: &str| {
        let host = Target::on(
            Host::new(
                root.path().to_path_buf(),
                Box::new(FixtureRunner::new().with(&key, out)),
            ),
            TODAY,
        );
        let scan = harden::scan(&host, Some("updates.pending_security"), t0()).unwrap();
        scan.checks.into_iter().next().unwrap()
    };
    let f = run(waiting);
    assert_eq!(f.status, Status::Fail, "{}", f.detail);
    assert!(
        f.detail
            .starts_with("3 security update(s) are waiting: openssl-libs"),
        "{}",
        f.detail
    );
    assert_eq!(f.evidence[0].source, key);
    assert!(f.remediation.contains("dnf upgrade --security"));
    let f = run("");
    assert_eq!(f.status, Status::Pass, "{}", f.detail);
    // Without dnf's answer (a folder, not the running system) it does not apply.
    let host = Target::new(root.path(), TODAY);
    let scan = harden::scan(&host, Some("updates.pending_security"), t0()).unwrap();
    assert_eq!(scan.checks[0].status, Status::NotApplicable);
}

#[test]
fn the_overview_learns_the_age_of_the_last_check_and_the_waiting_updates() {
    use shipshape_core::health::summary::LastCheck;
    use shipshape_core::host::DNF_SECURITY_UPDATES;
    let dir = TestDir::new();
    let store = dir.open();
    let root = Root::empty();
    let key = root.path().display().to_string();
    assert_eq!(
        history::last_check(&store, &key, t0()).unwrap(),
        LastCheck::Never
    );
    root.file(
        "etc/os-release",
        "NAME=\"Fedora Linux\"\nID=fedora\nVERSION_ID=41\nPRETTY_NAME=\"Fedora Linux 41\"\n",
    );
    let waiting = "FEDORA-2026-1a2b3c4d5e Important/Sec. openssl-libs-1:3.2.4-1.fc41.x86_64\n\
                   FEDORA-2026-99aa88bb77 Moderate/Sec.  curl-8.9.1-3.fc41.x86_64\n";
    let host = Target::on(
        Host::new(
            root.path().to_path_buf(),
            Box::new(FixtureRunner::new().with(&DNF_SECURITY_UPDATES.join(" "), waiting)),
        ),
        TODAY,
    );
    let scan = harden::scan(&host, None, t0()).unwrap();
    history::record(&store, t0(), &actor(), &scan, true).unwrap();
    assert_eq!(
        history::last_check(&store, &key, t0()).unwrap(),
        LastCheck::Done {
            age_days: 0,
            updates_waiting: 2
        }
    );
    let later = t0() + chrono::Duration::days(9);
    assert_eq!(
        history::last_check(&store, &key, later).unwrap(),
        LastCheck::Done {
            age_days: 9,
            updates_waiting: 2
        }
    );
    // An accepted risk is not named again.
    shipshape_core::harden::accepted::accept(
        &store,
        "updates.pending_security",
        "patched at the weekend",
        "2027-01-31",
        &actor(),
        t0(),
    )
    .unwrap();
    assert_eq!(
        history::last_check(&store, &key, t0()).unwrap(),
        LastCheck::Done {
            age_days: 0,
            updates_waiting: 0
        }
    );
    // Another folder's scan says nothing about this one.
    assert_eq!(
        history::last_check(&store, "/", t0()).unwrap(),
        LastCheck::Never
    );
}
