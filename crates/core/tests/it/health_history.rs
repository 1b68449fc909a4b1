//! Health history: points, averages, retention, the latest sample.

use crate::util::{TestDir, t0};
use chrono::{DateTime, Duration, Utc};
use shipshape_core::health::Sample;
use shipshape_core::health::history::{self, Metric};
use shipshape_core::health::sample::{Disk, NetworkInterface};

fn sample_at(time: DateTime<Utc>, cpu: f32, disk_used: u64) -> Sample {
    let mut s = Sample {
        time,
        ..Sample::default()
    };
    s.cpu.total_percent = cpu;
    s.memory.total_bytes = 1000;
    s.memory.used_bytes = 400;
    s.load.one = 0.5;
    s.disks.push(Disk {
        mount_point: "/home".into(),
        used_bytes: disk_used,
        total_bytes: 10_000,
        ..Disk::default()
    });
    s.network.push(NetworkInterface {
        name: "eth0".into(),
        rx_bytes_per_second: Some(100.0),
        tx_bytes_per_second: None,
        ..NetworkInterface::default()
    });
    s
}

fn count(dir: &TestDir, table: &str) -> i64 {
    dir.raw()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn points_are_kept_and_read_back_by_series() {
    let dir = TestDir::new();
    let store = dir.open();
    assert_eq!(history::latest(&store).unwrap(), None);
    for i in 0..120 {
        let cpu = if i % 2 == 0 { 10.0 } else { 30.0 };
        history::record(
            &store,
            &sample_at(t0() + Duration::seconds(5 * i), cpu, 1000 + i as u64),
        )
        .unwrap();
    }
    let h = history::series(&store, t0(), t0() + Duration::minutes(10)).unwrap();
    assert_eq!(
        h.step_seconds, 1,
        "ten minutes of raw points need no averaging"
    );
    let metrics: Vec<(Metric, &str)> = h
        .series
        .iter()
        .map(|s| (s.metric, s.subject.as_str()))
        .collect();
    assert_eq!(
        metrics,
        vec![
            (Metric::CpuPercent, ""),
            (Metric::DiskUsedBytes, "/home"),
            (Metric::Load1, ""),
            (Metric::MemoryUsedBytes, ""),
            (Metric::NetRxBytesPerSecond, "eth0"),
            (Metric::SwapUsedBytes, ""),
        ]
    );
    let cpu = &h.series[0];
    assert_eq!(cpu.times.len(), 120);
    assert_eq!(cpu.times[0], t0().timestamp());
    assert_eq!(cpu.values[..2], [10.0, 30.0]);

    // A day's range is averaged into steps: 10 s here, so 10 and 30 make 20.
    let day = history::series(&store, t0(), t0() + Duration::hours(24)).unwrap();
    assert_eq!(day.step_seconds, 120);
    assert!(
        day.series[0]
            .values
            .iter()
            .all(|v| (*v - 20.0).abs() < 1e-9)
    );

    // The 5-minute averages were kept along the way.
    let month =
        history::series(&store, t0() - Duration::days(29), t0() + Duration::days(1)).unwrap();
    assert!(month.step_seconds >= 300);
    assert_eq!(month.series[0].values, vec![20.0]);

    // The 5-minute averages of one series, for forecasts.
    let disk = history::averages(&store, Metric::DiskUsedBytes, "/home", t0()).unwrap();
    assert_eq!(
        disk,
        vec![(t0().timestamp(), 1029.5), (t0().timestamp() + 300, 1089.5)]
    );
    assert!(
        history::averages(&store, Metric::DiskUsedBytes, "/nope", t0())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_latest_sample_survives_a_restart() {
    let dir = TestDir::new();
    let last = sample_at(t0() + Duration::seconds(5), 42.0, 7);
    {
        let store = dir.open();
        history::record(&store, &sample_at(t0(), 1.0, 1)).unwrap();
        history::record(&store, &last).unwrap();
    }
    let store = dir.open();
    assert_eq!(history::latest(&store).unwrap(), Some(last));
    let h = history::series(&store, t0(), t0() + Duration::minutes(1)).unwrap();
    assert_eq!(h.series[0].values, vec![1.0, 42.0]);
}

#[test]
fn old_points_are_deleted_so_the_size_is_bounded() {
    let dir = TestDir::new();
    let store = dir.open();
    // Two days at one sample a minute.
    for i in 0..(2 * 24 * 60) {
        history::record(&store, &sample_at(t0() + Duration::minutes(i), 5.0, 1)).unwrap();
    }
    // One row per sample for a day, one per 5 minutes for the rest.
    assert_eq!(count(&dir, "health_points"), 24 * 60 + 1);
    assert_eq!(count(&dir, "health_points_5min"), 2 * 24 * 12);
    assert_eq!(count(&dir, "health_series"), 6);

    // A month later, only the newest sample's figures remain.
    let later = t0() + Duration::days(40);
    let mut s = sample_at(later, 5.0, 1);
    s.disks.clear();
    history::record(&store, &s).unwrap();
    assert_eq!(count(&dir, "health_points"), 1);
    assert_eq!(count(&dir, "health_points_5min"), 1);
    assert_eq!(
        count(&dir, "health_series"),
        5,
        "the gone disk's series is forgotten"
    );
}

#[test]
fn a_backwards_range_is_refused() {
    let dir = TestDir::new();
    let store = dir.open();
    let err = history::series(&store, t0(), t0() - Duration::hours(1)).unwrap_err();
    assert_eq!(err.code, shipshape_core::ErrorCode::InvalidInput);
}
