//! Alerts with a fake clock and fake samples: durations, hysteresis,
//! restarts, acknowledgement, rule edits and the audit trail.

use crate::util::{TestDir, actor, t0};
use chrono::{DateTime, Duration, Utc};
use shipshape_core::ErrorCode;
use shipshape_core::audit::{self, Filter};
use shipshape_core::health::Sample;
use shipshape_core::health::alerts::{self, RuleChange, RuleKind};
use shipshape_core::health::forecast::DiskForecast;
use shipshape_core::health::logins::FailedLogin;
use shipshape_core::health::sample::Disk;
use shipshape_core::store::Store;

fn secs(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n)
}

/// A calm computer: 4 cores, half the memory free, a half-full disk.
fn calm(time: DateTime<Utc>) -> Sample {
    let mut s = Sample {
        time,
        ..Sample::default()
    };
    s.cpu.cores = 4;
    s.load.one = 0.5;
    s.memory.total_bytes = 1000;
    s.memory.available_bytes = 500;
    s.memory.used_bytes = 500;
    s.disks.push(Disk {
        mount_point: "/".into(),
        used_percent: 50.0,
        used_bytes: 50,
        free_bytes: 50,
        total_bytes: 100,
        ..Disk::default()
    });
    s
}

fn memory_left(time: DateTime<Utc>, percent: u64) -> Sample {
    let mut s = calm(time);
    s.memory.available_bytes = percent * 10;
    s.memory.used_bytes = 1000 - percent * 10;
    s
}

fn disk_at(time: DateTime<Utc>, percent: f64) -> Sample {
    let mut s = calm(time);
    s.disks[0].used_percent = percent;
    s
}

fn check(store: &Store, sample: &Sample) -> alerts::AlertChanges {
    alerts::check(store, sample.time, &actor(), sample, &[]).unwrap()
}

fn audited(store: &Store, action: &str) -> usize {
    let filter = Filter {
        action: Some(action.into()),
        ..Filter::default()
    };
    audit::list(store, &filter).unwrap().len()
}

#[test]
fn memory_pressure_is_raised_only_after_its_duration() {
    let dir = TestDir::new();
    let store = dir.open();
    assert!(check(&store, &memory_left(secs(0), 5)).raised.is_empty());
    assert_eq!(alerts::pending(&store).unwrap().len(), 1);
    assert!(check(&store, &memory_left(secs(150), 6)).raised.is_empty());
    assert!(check(&store, &memory_left(secs(295), 5)).raised.is_empty());
    let changes = check(&store, &memory_left(secs(300), 4));
    assert_eq!(changes.raised.len(), 1);
    let alert = &changes.raised[0];
    assert_eq!(alert.rule, RuleKind::MemoryPressure);
    assert_eq!(
        alert.title,
        "Your computer is running out of memory (4 % left)"
    );
    assert_eq!(alert.short, "memory is running out");
    assert!(!alert.advice.is_empty());
    assert_eq!(alert.raised, secs(300));
    assert!(alerts::pending(&store).unwrap().is_empty());
    assert_eq!(audited(&store, "alert.raise"), 1);
}

#[test]
fn one_condition_raises_one_alert_which_clears_with_hysteresis() {
    let dir = TestDir::new();
    let store = dir.open();
    check(&store, &disk_at(secs(0), 93.0));
    let raised = check(&store, &disk_at(secs(60), 93.4)).raised;
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].title, "Your disk / is almost full (93 %)");
    assert_eq!(raised[0].short, "the disk / is almost full");
    assert_eq!(raised[0].subject, "/");
    // Still full, and hovering just under the threshold: still one alert.
    for (i, p) in [95.0, 91.0, 89.5, 88.5, 92.0].into_iter().enumerate() {
        let c = check(&store, &disk_at(secs(65 + 5 * i as i64), p));
        assert!(c.raised.is_empty() && c.cleared.is_empty(), "at {p} %");
        assert_eq!(alerts::open(&store).unwrap().len(), 1);
    }
    // Clearly below (threshold minus 2): cleared.
    let cleared = check(&store, &disk_at(secs(200), 87.0)).cleared;
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0].cleared, Some(secs(200)));
    assert!(alerts::open(&store).unwrap().is_empty());
    assert_eq!(audited(&store, "alert.clear"), 1);

    // The condition comes back: a new alert, after the duration again.
    assert!(check(&store, &disk_at(secs(300), 95.0)).raised.is_empty());
    let again = check(&store, &disk_at(secs(360), 95.0)).raised;
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].id, raised[0].id);
    assert_eq!(alerts::recent(&store, 10).unwrap().len(), 2);
    assert_eq!(audited(&store, "alert.raise"), 2);
}

#[test]
fn a_pending_condition_survives_a_restart_but_not_a_long_gap() {
    let dir = TestDir::new();
    {
        let store = dir.open();
        check(&store, &memory_left(secs(0), 5));
    }
    {
        let store = dir.open();
        assert_eq!(check(&store, &memory_left(secs(300), 5)).raised.len(), 1);
    }
    let dir = TestDir::new();
    let store = dir.open();
    check(&store, &memory_left(secs(0), 5));
    // Nobody looked for 20 minutes: the count starts again.
    assert!(check(&store, &memory_left(secs(1200), 5)).raised.is_empty());
    assert_eq!(alerts::pending(&store).unwrap()[0].since, secs(1200));
    // A condition that lets go resets too.
    check(&store, &memory_left(secs(1300), 50));
    assert!(alerts::pending(&store).unwrap().is_empty());
}

#[test]
fn sustained_load_swapping_and_failed_logins() {
    let dir = TestDir::new();
    let store = dir.open();
    let mut busy = calm(secs(0));
    busy.load.one = 9.0;
    busy.swapping.in_pages_per_second = Some(400.0);
    busy.swapping.out_pages_per_second = Some(300.0);
    for (i, addr) in ["10.0.0.7", "10.0.0.7", "10.0.0.7", "10.0.0.8", "10.0.0.7"]
        .into_iter()
        .enumerate()
    {
        busy.failed_logins.attempts.push(FailedLogin {
            time: secs(-60 * i as i64),
            user: "root".into(),
            address: addr.into(),
        });
    }
    let first = check(&store, &busy);
    assert_eq!(first.raised.len(), 1, "logins need no duration: {first:?}");
    assert_eq!(
        first.raised[0].title,
        "5 failed logins in 10 minutes mostly from 10.0.0.7"
    );
    assert_eq!(
        first.raised[0].short,
        "5 failed logins mostly from 10.0.0.7"
    );

    busy.time = secs(120);
    let kinds: Vec<RuleKind> = check(&store, &busy).raised.iter().map(|a| a.rule).collect();
    assert_eq!(kinds, vec![RuleKind::SwapThrashing]);
    // Only two attempts left in the window: the burst is over.
    busy.time = secs(500);
    let c = check(&store, &busy);
    assert!(c.raised.is_empty());
    assert_eq!(c.cleared[0].rule, RuleKind::FailedLogins);
    busy.time = secs(900);
    let raised = check(&store, &busy).raised;
    assert_eq!(raised.len(), 1);
    assert_eq!(
        raised[0].title,
        "Your computer has been overloaded for a while (load 9.0 on 4 cores)"
    );

    let mut quiet = calm(secs(1200));
    quiet.swapping.in_pages_per_second = Some(0.0);
    quiet.swapping.out_pages_per_second = Some(0.0);
    quiet.failed_logins = busy.failed_logins.clone();
    assert_eq!(check(&store, &quiet).cleared.len(), 2);
}

#[test]
fn a_disk_full_soon_comes_from_the_forecast() {
    let dir = TestDir::new();
    let store = dir.open();
    let forecast = |days: f64| DiskForecast {
        mount_point: "/".into(),
        full_at: t0() + Duration::days(3),
        days_left: days,
        bytes_per_day: 1e9,
        sentence: String::new(),
    };
    let s = calm(secs(0));
    alerts::check(&store, secs(0), &actor(), &s, &[forecast(3.0)]).unwrap();
    let raised = alerts::check(&store, secs(600), &actor(), &s, &[forecast(3.0)])
        .unwrap()
        .raised;
    assert_eq!(raised.len(), 1);
    assert_eq!(
        raised[0].title,
        "Your disk / will be full in about 3 days at this rate"
    );
    // No longer filling: cleared.
    let cleared = alerts::check(&store, secs(700), &actor(), &s, &[])
        .unwrap()
        .cleared;
    assert_eq!(cleared.len(), 1);
}

#[test]
fn a_disk_that_is_gone_takes_its_alert_with_it() {
    let dir = TestDir::new();
    let store = dir.open();
    alerts::set_rule(
        &store,
        t0(),
        &actor(),
        RuleKind::DiskFull,
        &RuleChange {
            duration_seconds: Some(0),
            ..RuleChange::default()
        },
    )
    .unwrap();
    assert_eq!(check(&store, &disk_at(secs(0), 99.0)).raised.len(), 1);
    let mut unmounted = calm(secs(5));
    unmounted.disks.clear();
    assert_eq!(check(&store, &unmounted).cleared.len(), 1);
}

#[test]
fn alerts_are_acknowledged_once_and_audited() {
    let dir = TestDir::new();
    let store = dir.open();
    check(&store, &disk_at(secs(0), 99.0));
    let alert = check(&store, &disk_at(secs(60), 99.0)).raised.remove(0);
    let acked = alerts::acknowledge(&store, secs(70), &actor(), alert.id).unwrap();
    assert_eq!(acked.acknowledged, Some(secs(70)));
    assert_eq!(acked.acknowledged_by.as_deref(), Some("alice"));
    // Acknowledged is still open until the disk is fixed.
    assert_eq!(alerts::open(&store).unwrap().len(), 1);
    let again = alerts::acknowledge(&store, secs(80), &actor(), alert.id).unwrap();
    assert_eq!(again.acknowledged, Some(secs(70)));
    assert_eq!(audited(&store, "alert.acknowledge"), 1);
    let err = alerts::acknowledge(&store, secs(80), &actor(), 999).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn an_alert_change_whose_entry_cannot_be_written_is_not_made() {
    let dir = TestDir::new();
    let store = dir.open();
    check(&store, &disk_at(secs(0), 99.0));
    dir.refuse_audit_entries();
    // A turn with nothing to record still keeps its pending condition.
    check(&store, &disk_at(secs(30), 99.0));
    let raising = disk_at(secs(60), 99.0);
    let e = alerts::check(&store, raising.time, &actor(), &raising, &[]).unwrap_err();
    assert!(e.message.contains("disk I/O error"), "{}", e.message);
    assert!(alerts::recent(&store, 10).unwrap().is_empty());
    assert_eq!(alerts::pending(&store).unwrap().len(), 1, "pending kept");

    let off = RuleChange {
        threshold: None,
        duration_seconds: None,
        enabled: Some(false),
    };
    alerts::set_rule(&store, secs(61), &actor(), RuleKind::DiskFull, &off).unwrap_err();
    assert!(alerts::rules(&store).unwrap().iter().all(|r| r.is_default));

    dir.allow_audit_entries();
    let alert = check(&store, &raising).raised.remove(0);
    dir.refuse_audit_entries();
    alerts::acknowledge(&store, secs(70), &actor(), alert.id).unwrap_err();
    assert_eq!(alerts::get(&store, alert.id).unwrap().acknowledged, None);
    assert_eq!(audited(&store, "alert."), 1);
}

#[test]
fn rules_have_defaults_and_can_be_edited() {
    let dir = TestDir::new();
    let store = dir.open();
    let rules = alerts::rules(&store).unwrap();
    assert_eq!(rules.len(), 6);
    assert!(rules.iter().all(|r| r.enabled && r.is_default));
    let disk = &rules[0];
    assert_eq!(
        (disk.kind, disk.threshold, disk.duration_seconds),
        (RuleKind::DiskFull, 90.0, 60)
    );
    assert_eq!(disk.description, "A disk is more than 90 % full.");

    let changed = alerts::set_rule(
        &store,
        t0(),
        &actor(),
        RuleKind::DiskFull,
        &RuleChange {
            threshold: Some(40.0),
            duration_seconds: Some(0),
            enabled: None,
        },
    )
    .unwrap();
    assert_eq!(changed.threshold, 40.0);
    assert!(!changed.is_default);
    assert_eq!(alerts::rules(&store).unwrap()[0], changed);
    // A tiny threshold raises at once.
    assert_eq!(check(&store, &calm(secs(0))).raised.len(), 1);

    // Turning the rule off ends its alert.
    alerts::set_rule(
        &store,
        t0(),
        &actor(),
        RuleKind::DiskFull,
        &RuleChange {
            enabled: Some(false),
            ..RuleChange::default()
        },
    )
    .unwrap();
    assert_eq!(check(&store, &calm(secs(5))).cleared.len(), 1);
    assert_eq!(audited(&store, "alert.rule.set"), 2);

    for bad in [0.0, 100.0, f64::NAN] {
        let err = alerts::set_rule(
            &store,
            t0(),
            &actor(),
            RuleKind::DiskFull,
            &RuleChange {
                threshold: Some(bad),
                ..RuleChange::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
    let err = alerts::set_rule(
        &store,
        t0(),
        &actor(),
        RuleKind::MemoryPressure,
        &RuleChange {
            duration_seconds: Some(100_000),
            ..RuleChange::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(RuleKind::parse("disk-full").unwrap(), RuleKind::DiskFull);
    assert_eq!(
        RuleKind::parse("nope").unwrap_err().code,
        ErrorCode::InvalidInput
    );
}
