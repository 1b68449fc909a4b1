//! The baseline through the one API: accept a fixture computer as it is,
//! with the user's watched paths, and compare with it later.

use super::health_baseline::computer;
use super::health_fixture::Fixture;
use super::util::{TestDir, actor, all, t0};
use shipshape_core::api::{self, Session};
use shipshape_core::health::baseline::{self, AnomalyKind, BaselineConfig};
use shipshape_core::host::FixtureRunner;
use shipshape_core::store::Store;

/// The fixture computer and an empty data folder with its store open.
fn bench() -> (Fixture, TestDir, Store) {
    let dir = TestDir::new();
    let store = dir.open();
    (computer(), dir, store)
}

#[test]
fn accepting_records_one_entry_and_a_later_check_compares_with_it() {
    let (f, _dir, store) = bench();
    let host = f.host(FixtureRunner::new());
    let who = actor();
    let session = Session {
        store: &store,
        actor: &who,
    };
    assert_eq!(api::baseline::check(&store, &host).unwrap(), None);

    let accepted = api::baseline::accept(session, &host, t0()).unwrap();
    assert_eq!((accepted.time, accepted.actor.as_str()), (t0(), "alice"));
    assert_eq!(
        accepted.snapshot,
        baseline::snapshot(&host, &BaselineConfig::default())
    );
    assert_eq!(baseline::accepted(&store).unwrap().unwrap(), accepted);
    let entries = all(&store);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "baseline.accept");
    assert_eq!(entries[0].actor, "alice");
    assert_eq!(entries[0].details["files"], accepted.snapshot.files.len());

    let clean = api::baseline::check(&store, &host).unwrap().unwrap();
    assert_eq!(clean.accepted, t0());
    assert!(clean.anomalies.is_empty(), "{:?}", clean.anomalies);

    f.write("/usr/bin/ls", "ls program, altered");
    let changed = api::baseline::check(&store, &host).unwrap().unwrap();
    let kinds: Vec<AnomalyKind> = changed.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::ChangedFile]);
    assert_eq!(all(&store).len(), 1, "a check records nothing");
}

#[test]
fn accept_and_check_read_the_users_watched_paths() {
    let (f, _dir, store) = bench();
    f.write("/opt/app/bin/run", "app");
    let host = f.host(FixtureRunner::new());
    let who = actor();
    let session = Session {
        store: &store,
        actor: &who,
    };
    baseline::set_watched(&store, &host, t0(), &who, "/opt/app/bin", true).unwrap();
    let accepted = api::baseline::accept(session, &host, t0()).unwrap();
    assert!(accepted.snapshot.files.contains_key("/opt/app/bin/run"));

    f.write("/opt/app/bin/run", "app, altered");
    let changed = api::baseline::check(&store, &host).unwrap().unwrap();
    let what: Vec<(AnomalyKind, &str)> = changed
        .anomalies
        .iter()
        .map(|a| (a.kind, a.subject.as_str()))
        .collect();
    assert_eq!(what, [(AnomalyKind::ChangedFile, "/opt/app/bin/run")]);
}
