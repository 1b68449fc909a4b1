//! What the computer did: a compact series per metric in the store, raw
//! figures for a day and 5-minute averages for a month, older points
//! deleted as new ones come, so the history stays the same size however
//! long Shipshape runs. The latest full sample is kept too, so the Overview
//! paints at once after a start.

use super::Sample;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// Raw points are kept this long (seconds).
pub const RAW_KEEP: i64 = 24 * 3600;
/// 5-minute averages are kept this long (seconds).
pub const AVERAGE_KEEP: i64 = 30 * 24 * 3600;
/// The width of one average (seconds).
pub const AVERAGE_STEP: i64 = 300;
/// A chart needs no more points than it has pixels: a query returns at
/// most about this many per series, averaging neighbours together.
const MAX_POINTS: i64 = 1000;
/// The steps a query may average over (seconds): round numbers on a chart.
const STEPS: [i64; 14] = [
    1, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400,
];

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Metric {
    /// All cores together, 0 to 100.
    CpuPercent,
    MemoryUsedBytes,
    SwapUsedBytes,
    /// The 1-minute load average.
    Load1,
    /// One series per disk; the subject is its mount point.
    DiskUsedBytes,
    /// One series per interface; the subject is its name.
    NetRxBytesPerSecond,
    NetTxBytesPerSecond,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::CpuPercent,
        Metric::MemoryUsedBytes,
        Metric::SwapUsedBytes,
        Metric::Load1,
        Metric::DiskUsedBytes,
        Metric::NetRxBytesPerSecond,
        Metric::NetTxBytesPerSecond,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::CpuPercent => "cpu_percent",
            Metric::MemoryUsedBytes => "memory_used_bytes",
            Metric::SwapUsedBytes => "swap_used_bytes",
            Metric::Load1 => "load1",
            Metric::DiskUsedBytes => "disk_used_bytes",
            Metric::NetRxBytesPerSecond => "net_rx_bytes_per_second",
            Metric::NetTxBytesPerSecond => "net_tx_bytes_per_second",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// One metric about one subject over time, in columns as charts take them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Series {
    pub metric: Metric,
    /// The disk's mount point or the interface's name; "" for the computer.
    pub subject: String,
    /// Unix seconds (UTC), the start of each averaged step, ascending.
    #[ts(type = "Array<number>")]
    pub times: Vec<i64>,
    pub values: Vec<f64>,
}

/// Every series between two times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct History {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// How many seconds each point averages (1: raw samples).
    pub step_seconds: u32,
    pub series: Vec<Series>,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the health history: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

/// The figures of a sample that are kept over time.
fn figures_of(sample: &Sample) -> Vec<(Metric, &str, f64)> {
    let mut out = vec![
        (Metric::CpuPercent, "", f64::from(sample.cpu.total_percent)),
        (Metric::MemoryUsedBytes, "", sample.memory.used_bytes as f64),
        (Metric::SwapUsedBytes, "", sample.swap.used_bytes as f64),
        (Metric::Load1, "", sample.load.one),
    ];
    for d in &sample.disks {
        out.push((Metric::DiskUsedBytes, &d.mount_point, d.used_bytes as f64));
    }
    for i in &sample.network {
        if let Some(rx) = i.rx_bytes_per_second {
            out.push((Metric::NetRxBytesPerSecond, &i.name, rx));
        }
        if let Some(tx) = i.tx_bytes_per_second {
            out.push((Metric::NetTxBytesPerSecond, &i.name, tx));
        }
    }
    out
}

/// Packs figures as (series id: u32, value: f64) pairs, little-endian.
fn pack(figures: &[(u32, f64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(figures.len() * 12);
    for (id, value) in figures {
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out
}

/// The pairs `pack` made; a cut-off tail is ignored.
fn unpack(bytes: &[u8]) -> impl Iterator<Item = (u32, f64)> + '_ {
    bytes.chunks_exact(12).map(|c| {
        let mut id = [0u8; 4];
        let mut value = [0u8; 8];
        id.copy_from_slice(&c[..4]);
        value.copy_from_slice(&c[4..]);
        (u32::from_le_bytes(id), f64::from_le_bytes(value))
    })
}

/// Averages per series over rows of packed figures. A series missing
/// from some rows is averaged over the rows that have it.
#[derive(Debug, Default)]
struct Averager {
    sums: BTreeMap<u32, (f64, u32)>,
}

impl Averager {
    fn add(&mut self, figures: &[u8]) {
        for (id, value) in unpack(figures) {
            let slot = self.sums.entry(id).or_insert((0.0, 0));
            slot.0 += value;
            slot.1 += 1;
        }
    }

    fn averages(&self) -> Vec<(u32, f64)> {
        self.sums
            .iter()
            .map(|(id, (sum, n))| (*id, sum / f64::from(*n)))
            .collect()
    }
}

/// Keeps a sample: its figures as a raw row (and in the current 5-minute
/// average), the sample itself as the latest, and deletes what is too old.
pub fn record(store: &Store, sample: &Sample) -> Result<()> {
    let time = sample.time.timestamp();
    let json = serde_json::to_string(sample).map_err(|e| Error::internal(e.to_string()))?;
    let conn = store.conn();
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|e| sql_error("write to", e))?;
    let write = || -> rusqlite::Result<()> {
        let mut series_id = tx.prepare_cached(
            "INSERT INTO health_series (metric, subject) VALUES (?1, ?2)
             ON CONFLICT (metric, subject) DO UPDATE SET metric = metric RETURNING id",
        )?;
        let mut figures = Vec::new();
        for (metric, subject, value) in figures_of(sample) {
            if value.is_finite() {
                let id: u32 =
                    series_id.query_row(params![metric.as_str(), subject], |r| r.get(0))?;
                figures.push((id, value));
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO health_points (time, figures) VALUES (?1, ?2)",
            params![time, pack(&figures)],
        )?;
        let bucket = time - time.rem_euclid(AVERAGE_STEP);
        let mut average = Averager::default();
        {
            let mut rows = tx.prepare_cached(
                "SELECT figures FROM health_points WHERE time >= ?1 AND time < ?2",
            )?;
            let mut rows = rows.query(params![bucket, bucket + AVERAGE_STEP])?;
            while let Some(row) = rows.next()? {
                average.add(row.get_ref(0)?.as_blob()?);
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO health_points_5min (time, figures) VALUES (?1, ?2)",
            params![bucket, pack(&average.averages())],
        )?;
        tx.execute(
            "DELETE FROM health_points WHERE time < ?1",
            [time - RAW_KEEP],
        )?;
        let expired = tx.execute(
            "DELETE FROM health_points_5min WHERE time < ?1",
            [time - AVERAGE_KEEP],
        )?;
        // A disk or interface gone for a month leaves no name behind.
        if expired > 0 {
            let mut used = BTreeSet::new();
            let mut rows = tx.prepare("SELECT figures FROM health_points_5min")?;
            let mut rows = rows.query([])?;
            while let Some(row) = rows.next()? {
                used.extend(unpack(row.get_ref(0)?.as_blob()?).map(|(id, _)| id));
            }
            let mut ids = tx.prepare("SELECT id FROM health_series")?;
            let gone: Vec<u32> = ids
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<u32>>>()?
                .into_iter()
                .filter(|id| !used.contains(id))
                .collect();
            for id in gone {
                tx.execute("DELETE FROM health_series WHERE id = ?1", [id])?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO health_latest (id, time, sample) VALUES (1, ?1, ?2)",
            params![
                sample.time.to_rfc3339_opts(SecondsFormat::Millis, true),
                json
            ],
        )?;
        Ok(())
    };
    write().map_err(|e| sql_error("write to", e))?;
    tx.commit().map_err(|e| sql_error("write to", e))
}

/// The newest sample kept, if any (and if this version can read it).
pub fn latest(store: &Store) -> Result<Option<Sample>> {
    let json: Option<String> = store
        .conn()
        .query_row("SELECT sample FROM health_latest WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| sql_error("read", e))?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Every series between `from` and `to`. A range within the last day of
/// raw rows is read from them, a longer or older one from the 5-minute
/// averages; either way neighbouring points are averaged so that each
/// series has at most about 1000.
pub fn series(store: &Store, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<History> {
    let (start, end) = (from.timestamp(), to.timestamp());
    if end < start {
        return Err(Error::invalid_input(
            "The history range ends before it starts.",
            "Give the earlier time first.",
        ));
    }
    let conn = store.conn();
    let newest_raw: Option<i64> = conn
        .query_row("SELECT max(time) FROM health_points", [], |r| r.get(0))
        .map_err(|e| sql_error("read", e))?;
    let raw = end - start <= RAW_KEEP && newest_raw.is_some_and(|n| start >= n - RAW_KEEP);
    let (table, least) = if raw {
        ("health_points", 1)
    } else {
        ("health_points_5min", AVERAGE_STEP)
    };
    let wanted = (end - start) / MAX_POINTS;
    let step = STEPS
        .into_iter()
        .find(|s| *s >= wanted.max(least))
        .unwrap_or(86400);

    // Series id → its steps so far, in time order: (step start, sum, count).
    let mut steps: BTreeMap<u32, Vec<(i64, f64, u32)>> = BTreeMap::new();
    let mut read = || -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(&format!(
            "SELECT time, figures FROM {table} WHERE time >= ?1 AND time <= ?2 ORDER BY time"
        ))?;
        let mut rows = stmt.query(params![start, end])?;
        while let Some(row) = rows.next()? {
            let time: i64 = row.get(0)?;
            let at = time - time.rem_euclid(step);
            for (id, value) in unpack(row.get_ref(1)?.as_blob()?) {
                let list = steps.entry(id).or_default();
                match list.last_mut() {
                    Some(last) if last.0 == at => {
                        last.1 += value;
                        last.2 += 1;
                    }
                    _ => list.push((at, value, 1)),
                }
            }
        }
        Ok(())
    };
    read().map_err(|e| sql_error("read", e))?;

    let names = series_names(store)?;
    let mut series: Vec<Series> = steps
        .into_iter()
        .filter_map(|(id, list)| {
            // A metric from a newer version is left out.
            let (metric, subject) = names.get(&id)?.clone();
            Some(Series {
                metric,
                subject,
                times: list.iter().map(|s| s.0).collect(),
                values: list.iter().map(|s| s.1 / f64::from(s.2)).collect(),
            })
        })
        .collect();
    series.sort_by(|a, b| (a.metric.as_str(), &a.subject).cmp(&(b.metric.as_str(), &b.subject)));
    Ok(History {
        from,
        to,
        step_seconds: step as u32,
        series,
    })
}

/// Series id → (metric, subject), for the metrics this version knows.
fn series_names(store: &Store) -> Result<BTreeMap<u32, (Metric, String)>> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT id, metric, subject FROM health_series")
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| sql_error("read", e))?;
    let mut names = BTreeMap::new();
    for row in rows {
        let (id, metric, subject) = row.map_err(|e| sql_error("read", e))?;
        if let Some(metric) = Metric::parse(&metric) {
            names.insert(id, (metric, subject));
        }
    }
    Ok(names)
}

/// The 5-minute averages of one series at or after `since`: (unix
/// seconds of the step's start, value), oldest first. The current step is
/// included, averaged so far.
pub fn averages(
    store: &Store,
    metric: Metric,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, f64)>> {
    let conn = store.conn();
    let id: Option<u32> = conn
        .query_row(
            "SELECT id FROM health_series WHERE metric = ?1 AND subject = ?2",
            params![metric.as_str(), subject],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    let Some(id) = id else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut read = || -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(
            "SELECT time, figures FROM health_points_5min WHERE time >= ?1 ORDER BY time",
        )?;
        let mut rows = stmt.query([since.timestamp()])?;
        while let Some(row) = rows.next()? {
            let time: i64 = row.get(0)?;
            if let Some((_, v)) = unpack(row.get_ref(1)?.as_blob()?).find(|(i, _)| *i == id) {
                out.push((time, v));
            }
        }
        Ok(())
    };
    read().map_err(|e| sql_error("read", e))?;
    Ok(out)
}
