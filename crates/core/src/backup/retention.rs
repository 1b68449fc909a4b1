//! Which snapshots a retention rule would forget, worked out as restic's
//! `forget` does (per computer and set of paths, newest first, one kept
//! per day, ISO week and month while each count lasts, in the time zone
//! each snapshot was taken in). Used only to skip running `forget` when
//! it would forget nothing; restic itself still decides what goes.

use super::Retention;
use super::restic::Snapshot;
use chrono::{DateTime, Datelike, FixedOffset};
use std::collections::BTreeMap;

/// The computer and the sorted paths: restic's groups.
type Group = (String, Vec<String>);

/// A rule's count, and the bucket (day, week, month) a time falls in.
type Rule = (u32, fn(&DateTime<FixedOffset>) -> i64);

/// The ids of the snapshots `keep` would forget.
pub fn forgotten(snapshots: &[Snapshot], keep: Retention) -> Vec<String> {
    let mut groups: BTreeMap<Group, Vec<(DateTime<FixedOffset>, &str)>> = BTreeMap::new();
    for s in snapshots {
        let Ok(time) = DateTime::parse_from_rfc3339(&s.time) else {
            continue;
        };
        let mut paths = s.paths.clone();
        paths.sort();
        groups
            .entry((s.hostname.clone(), paths))
            .or_default()
            .push((time, &s.id));
    }
    let mut gone = Vec::new();
    for (_, mut group) in groups {
        group.sort_by_key(|g| std::cmp::Reverse(g.0));
        let rules: [Rule; 3] = [
            (keep.daily, |t| {
                i64::from(t.year()) * 10_000 + i64::from(t.month()) * 100 + i64::from(t.day())
            }),
            (keep.weekly, |t| {
                let w = t.iso_week();
                i64::from(w.year()) * 100 + i64::from(w.week())
            }),
            (keep.monthly, |t| {
                i64::from(t.year()) * 100 + i64::from(t.month())
            }),
        ];
        let mut left: Vec<u32> = rules.iter().map(|(n, _)| *n).collect();
        let mut last: Vec<Option<i64>> = vec![None; rules.len()];
        for (time, id) in group {
            let mut kept = false;
            for (i, (_, bucket)) in rules.iter().enumerate() {
                let b = bucket(&time);
                if left[i] > 0 && last[i] != Some(b) {
                    kept = true;
                    last[i] = Some(b);
                    left[i] -= 1;
                }
            }
            if !kept {
                gone.push(id.to_string());
            }
        }
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(id: &str, time: &str) -> Snapshot {
        Snapshot {
            id: id.into(),
            short_id: id.into(),
            time: time.into(),
            paths: vec!["/home".into()],
            hostname: "office-pc".into(),
        }
    }

    #[test]
    fn a_second_backup_the_same_day_forgets_the_first_only_when_daily_is_full() {
        let keep = Retention {
            daily: 7,
            weekly: 4,
            monthly: 12,
        };
        let two = [
            snap("a", "2026-12-04T09:00:00+01:00"),
            snap("b", "2026-12-04T18:00:00+01:00"),
        ];
        // The morning one is the day's older: no rule keeps it.
        assert_eq!(forgotten(&two, keep), ["a"]);
        let days: Vec<Snapshot> = (1..=5)
            .map(|d| snap(&format!("d{d}"), &format!("2026-12-0{d}T01:30:00Z")))
            .collect();
        assert!(forgotten(&days, keep).is_empty(), "five days, seven kept");
    }

    #[test]
    fn weeks_and_months_keep_older_ones_as_restic_does() {
        let keep = Retention {
            daily: 1,
            weekly: 1,
            monthly: 2,
        };
        let s = [
            snap("today", "2026-12-04T01:30:00Z"),
            snap("yesterday", "2026-12-03T01:30:00Z"),
            snap("last-week", "2026-11-26T01:30:00Z"),
            snap("last-month", "2026-11-10T01:30:00Z"),
            snap("older", "2026-10-10T01:30:00Z"),
        ];
        // today: daily, weekly, monthly (December). yesterday: same day?
        // no, but daily is used up; same week and month: forgotten.
        // last-week: monthly (November). The rest: nothing left to keep them.
        assert_eq!(forgotten(&s, keep), ["yesterday", "last-month", "older"]);
    }

    #[test]
    fn each_computer_and_set_of_paths_is_its_own_group() {
        let keep = Retention {
            daily: 1,
            weekly: 0,
            monthly: 0,
        };
        let mut other = snap("other", "2026-12-04T01:00:00Z");
        other.paths = vec!["/etc".into()];
        let s = [snap("home", "2026-12-04T02:00:00Z"), other];
        assert!(forgotten(&s, keep).is_empty());
    }
}
