//! When a disk will be full at the rate it has been filling: a straight
//! line fitted by least squares through the last day of its used bytes
//! (the 5-minute averages, so a forecast per sample stays cheap).
//! No forecast when the disk is not filling, when it would take more than
//! a year, or when there is too little history to tell.

use super::Sample;
use super::history::{self, Metric};
use crate::Result;
use crate::store::Store;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The history a forecast looks at.
pub const WINDOW_HOURS: i64 = 24;
/// Fewer points than this, or points spanning less time, say too little.
const MIN_POINTS: usize = 6;
const MIN_SPAN_SECONDS: i64 = 3600;
/// Further away than this is "not filling up" for anyone's purposes.
const HORIZON_DAYS: f64 = 365.0;

/// A disk that will be full at this rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiskForecast {
    pub mount_point: String,
    /// When it will be full at this rate.
    pub full_at: DateTime<Utc>,
    /// Days from now until then (0 when it is full already).
    pub days_left: f64,
    /// How fast it fills.
    pub bytes_per_day: f64,
    /// "/home full in about 9 days at this rate".
    pub sentence: String,
}

/// A forecast from (unix seconds, used bytes) points for a disk of which
/// users can fill `capacity_bytes`.
pub fn disk_full(
    mount_point: &str,
    points: &[(i64, f64)],
    capacity_bytes: u64,
    now: DateTime<Utc>,
) -> Option<DiskForecast> {
    let first = points.first()?.0;
    let last = points.last()?.0;
    if points.len() < MIN_POINTS || last - first < MIN_SPAN_SECONDS {
        return None;
    }
    // Least squares on times relative to the first point, for precision.
    let n = points.len() as f64;
    let xs = points.iter().map(|(t, _)| (t - first) as f64);
    let mean_x = xs.clone().sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, y)| y).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, (_, y)) in xs.zip(points) {
        sxy += (x - mean_x) * (y - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    if sxx == 0.0 {
        return None;
    }
    let per_second = sxy / sxx;
    if per_second <= 0.0 || !per_second.is_finite() {
        return None;
    }
    let now_x = (now.timestamp() - first) as f64;
    let used_now = mean_y + per_second * (now_x - mean_x);
    let seconds_left = ((capacity_bytes as f64 - used_now) / per_second).max(0.0);
    let days_left = seconds_left / 86_400.0;
    if days_left > HORIZON_DAYS {
        return None;
    }
    Some(DiskForecast {
        mount_point: mount_point.to_string(),
        full_at: now + Duration::seconds(seconds_left as i64),
        days_left,
        bytes_per_day: per_second * 86_400.0,
        sentence: if seconds_left < 1800.0 {
            format!("{mount_point} is full")
        } else {
            format!("{mount_point} full {} at this rate", when(days_left))
        },
    })
}

/// "in about 9 days", "in about 5 hours".
pub fn when(days: f64) -> String {
    let hours = (days * 24.0).round() as u64;
    match hours {
        0 | 1 => "in about an hour".into(),
        h if h < 36 => format!("in about {h} hours"),
        _ => format!("in about {} days", days.round() as u64),
    }
}

/// A forecast for every disk of `sample` that is filling up, from the
/// history before it.
pub fn disks(store: &Store, sample: &Sample) -> Result<Vec<DiskForecast>> {
    let since = sample.time - Duration::hours(WINDOW_HOURS);
    let mut out = Vec::new();
    for d in &sample.disks {
        let points = history::averages(store, Metric::DiskUsedBytes, &d.mount_point, since)?;
        if let Some(f) = disk_full(
            &d.mount_point,
            &points,
            d.used_bytes + d.free_bytes,
            sample.time,
        ) {
            out.push(f);
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
    }

    /// A day of points every 10 minutes ending now, `per_day` bytes a day.
    fn filling(start: f64, per_day: f64) -> Vec<(i64, f64)> {
        (0..=144)
            .map(|i| {
                let t = now().timestamp() - 86_400 + i * 600;
                (t, start + per_day * i as f64 / 144.0)
            })
            .collect()
    }

    #[test]
    fn a_steadily_filling_disk_gets_a_date() {
        // 100 GB left, filling by 10 GB a day (with some noise): ten days.
        let mut points = filling(800e9, 10e9);
        for (i, p) in points.iter_mut().enumerate() {
            p.1 += if i % 2 == 0 { 1e8 } else { -1e8 };
        }
        let f = disk_full("/home", &points, 920_000_000_000, now()).unwrap();
        assert!((f.days_left - 11.0).abs() < 0.1, "{f:?}");
        assert!((f.bytes_per_day - 10e9).abs() < 1e8, "{f:?}");
        assert_eq!(f.sentence, "/home full in about 11 days at this rate");
        assert!((f.full_at - now() - Duration::days(11)).num_hours().abs() <= 2);
    }

    #[test]
    fn flat_shrinking_or_short_histories_have_none() {
        assert_eq!(
            disk_full("/", &filling(5e9, 0.0), 10_000_000_000, now()),
            None
        );
        assert_eq!(
            disk_full("/", &filling(5e9, -1e9), 10_000_000_000, now()),
            None
        );
        // A year and more away is not worth saying.
        assert_eq!(
            disk_full("/", &filling(1e9, 1e6), 10_000_000_000, now()),
            None
        );
        let short: Vec<(i64, f64)> = filling(5e9, 1e9).into_iter().rev().take(5).rev().collect();
        assert_eq!(disk_full("/", &short, 10_000_000_000, now()), None);
        assert_eq!(disk_full("/", &[], 10_000_000_000, now()), None);
    }

    #[test]
    fn a_full_disk_is_full_now() {
        let f = disk_full("/", &filling(9e9, 2e9), 10_000_000_000, now()).unwrap();
        assert_eq!(f.days_left, 0.0);
        assert_eq!(f.sentence, "/ is full");
    }

    #[test]
    fn hours_and_days_in_words() {
        assert_eq!(when(0.5), "in about 12 hours");
        assert_eq!(when(1.0 / 24.0), "in about an hour");
        assert_eq!(when(9.2), "in about 9 days");
    }
}
