//! A security scan through the one API: the checks, the accepted risks
//! and what is recorded, over a fixture root.

use super::harden_fixture::Root;
use super::util::{TestDir, actor, all, t0};
use shipshape_core::ErrorCode;
use shipshape_core::api::{self, Session};
use shipshape_core::audit::Entry;
use shipshape_core::harden::check::Status;
use shipshape_core::harden::{Scan, accepted, history};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::store::Store;
use std::sync::Mutex;

fn scans(store: &Store) -> Vec<Entry> {
    all(store)
        .into_iter()
        .filter(|e| e.action == "security.scan")
        .collect()
}

fn scan(store: &Store, root: &Root, only: Option<&str>) -> Scan {
    let who = actor();
    let session = Session { store, actor: &who };
    api::security::scan(
        session,
        root.path(),
        only,
        t0(),
        &NoProgress,
        &Cancel::new(),
    )
    .unwrap()
}

#[test]
fn a_scan_applies_accepted_risks_and_is_kept_and_audited_once() {
    let dir = TestDir::new();
    let store = dir.open();
    let root = Root::hardened();
    root.sysctl("kernel/randomize_va_space", "0");
    accepted::accept(
        &store,
        "kernel.aslr",
        "the old database needs it",
        "2027-01-31",
        &actor(),
        t0(),
    )
    .unwrap();

    let scan = scan(&store, &root, None);
    let aslr = scan.checks.iter().find(|f| f.id == "kernel.aslr").unwrap();
    assert_eq!(aslr.status, Status::Accepted);
    assert_eq!(aslr.accepted.as_ref().unwrap().found, Status::Fail);
    assert_eq!(scan.counts.accepted, 1);
    assert_eq!(scan.root, root.path().display().to_string());

    let past = history::history(&store, 10).unwrap();
    assert_eq!(past.len(), 1);
    assert_eq!(
        (past[0].score, past[0].failed),
        (scan.score, scan.counts.fail)
    );
    assert_eq!(history::latest(&store, t0()).unwrap().unwrap(), scan);

    let recorded = scans(&store);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].actor, "alice");
    assert_eq!(recorded[0].target, scan.root);
    assert_eq!(recorded[0].details["score"], scan.score);
    assert_eq!(recorded[0].details["kept"], true);
    let failing = recorded[0].details["failing"].as_array().unwrap();
    assert!(
        !failing.iter().any(|id| id == "kernel.aslr"),
        "an accepted risk is not recorded as failing: {failing:?}"
    );
}

#[test]
fn a_single_check_is_audited_but_not_kept() {
    let dir = TestDir::new();
    let store = dir.open();
    let root = Root::hardened();
    let one = scan(&store, &root, Some("kernel.aslr"));
    assert_eq!(one.checks.len(), 1);
    assert!(history::history(&store, 10).unwrap().is_empty());
    let recorded = scans(&store);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].details["kept"], false);
}

#[test]
fn progress_reaches_the_caller_and_a_cancelled_scan_records_nothing() {
    let dir = TestDir::new();
    let store = dir.open();
    let root = Root::hardened();
    let who = actor();
    let session = Session {
        store: &store,
        actor: &who,
    };
    let seen = Mutex::new(Vec::new());
    let report = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let done =
        api::security::scan(session, root.path(), None, t0(), &report, &Cancel::new()).unwrap();
    let total = done.checks.len() as u64;
    assert_eq!(seen.into_inner().unwrap().last(), Some(&(total, total)));

    let cancel = Cancel::new();
    cancel.cancel();
    let err =
        api::security::scan(session, root.path(), None, t0(), &NoProgress, &cancel).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert_eq!(history::history(&store, 10).unwrap().len(), 1);
    assert_eq!(scans(&store).len(), 1);
}
