//! The one plain sentence on top of the Overview: "All good", or "2 things
//! need attention: the disk / is almost full; 3 failed logins from
//! 10.0.0.7", from the open alerts, the anomalies and the latest security
//! check. All is never good on a computer whose security was not checked
//! this week, or that has security updates waiting.

use super::alerts::Alert;
use super::baseline::{Anomaly, AnomalyKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// At most this many things are named in the sentence; the rest are counted.
const NAMED: usize = 3;

/// A security check older than this many days no longer says the computer
/// is fine.
pub const CHECK_FRESH_DAYS: i64 = 7;

/// What the latest security check of this computer says, as far as the
/// sentence needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastCheck {
    Never,
    Done {
        age_days: i64,
        /// Security updates the check found waiting.
        updates_waiting: u32,
    },
}

impl LastCheck {
    fn items(self) -> Vec<String> {
        match self {
            LastCheck::Never => vec!["the security of this computer was never checked".into()],
            LastCheck::Done {
                age_days,
                updates_waiting,
            } => {
                let mut items = Vec::new();
                match updates_waiting {
                    0 => {}
                    1 => items.push("1 security update is waiting".to_string()),
                    n => items.push(format!("{n} security updates are waiting")),
                }
                if age_days > CHECK_FRESH_DAYS {
                    items.push(format!("the last security check was {age_days} days ago"));
                }
                items
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HealthStatus {
    AllGood,
    NeedsAttention,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HealthSummary {
    pub status: HealthStatus,
    pub sentence: String,
    /// Each thing that needs attention, in the sentence's words.
    pub items: Vec<String>,
}

/// The sentence for these open alerts, anomalies, the latest security
/// check and what scheduled maintenance needs (missed or failed runs, in
/// short words). Changes to several system files (an update not yet
/// accepted, often) count as one thing.
pub fn summarize(
    maintenance: &[String],
    open_alerts: &[Alert],
    anomalies: &[Anomaly],
    check: LastCheck,
) -> HealthSummary {
    let mut items: Vec<String> = open_alerts.iter().map(|a| a.short.clone()).collect();
    let is_file = |a: &&Anomaly| {
        matches!(
            a.kind,
            AnomalyKind::ChangedFile | AnomalyKind::NewFile | AnomalyKind::RemovedFile
        )
    };
    let files: Vec<&Anomaly> = anomalies.iter().filter(is_file).collect();
    items.extend(
        anomalies
            .iter()
            .filter(|a| !is_file(a))
            .map(|a| a.short.clone()),
    );
    match files.as_slice() {
        [] => {}
        [one] => items.push(one.short.clone()),
        many => items.push(format!("{} system files changed", many.len())),
    }
    items.extend(check.items());
    items.extend(maintenance.iter().cloned());
    let sentence = match items.len() {
        0 => "All good".to_string(),
        n => {
            let mut named = items[..n.min(NAMED)].join("; ");
            if n > NAMED {
                named.push_str(&format!("; and {} more", n - NAMED));
            }
            let things = if n == 1 {
                "1 thing needs".to_string()
            } else {
                format!("{n} things need")
            };
            format!("{things} attention: {named}")
        }
    };
    HealthSummary {
        status: if items.is_empty() {
            HealthStatus::AllGood
        } else {
            HealthStatus::NeedsAttention
        },
        sentence,
        items,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::health::alerts::RuleKind;

    fn alert(short: &str) -> Alert {
        Alert {
            id: 1,
            rule: RuleKind::DiskFull,
            subject: "/".into(),
            value: 93.0,
            title: String::new(),
            short: short.into(),
            advice: String::new(),
            raised: chrono::DateTime::default(),
            cleared: None,
            acknowledged: None,
            acknowledged_by: None,
        }
    }

    fn anomaly(kind: AnomalyKind, short: &str) -> Anomaly {
        Anomaly {
            kind,
            subject: String::new(),
            what: String::new(),
            short: short.into(),
            advice: String::new(),
        }
    }

    const FRESH: LastCheck = LastCheck::Done {
        age_days: 0,
        updates_waiting: 0,
    };

    #[test]
    fn all_good_when_nothing_is_open() {
        let s = summarize(&[], &[], &[], FRESH);
        assert_eq!(s.status, HealthStatus::AllGood);
        assert_eq!(s.sentence, "All good");
        assert!(s.items.is_empty());
    }

    #[test]
    fn things_are_counted_and_named() {
        let s = summarize(
            &[],
            &[
                alert("the disk / is almost full"),
                alert("3 failed logins from 10.0.0.7"),
            ],
            &[],
            FRESH,
        );
        assert_eq!(s.status, HealthStatus::NeedsAttention);
        assert_eq!(
            s.sentence,
            "2 things need attention: the disk / is almost full; 3 failed logins from 10.0.0.7"
        );
        let one = summarize(
            &[],
            &[],
            &[anomaly(
                AnomalyKind::NewAdministrator,
                "bob became an administrator",
            )],
            FRESH,
        );
        assert_eq!(
            one.sentence,
            "1 thing needs attention: bob became an administrator"
        );
    }

    #[test]
    fn many_changed_files_are_one_thing_and_long_lists_are_cut() {
        let s = summarize(
            &[],
            &[alert("memory is running out")],
            &[
                anomaly(AnomalyKind::ChangedFile, "/usr/bin/ls changed"),
                anomaly(
                    AnomalyKind::NewListener,
                    "a new program listens on port 8080",
                ),
                anomaly(AnomalyKind::RemovedFile, "/usr/bin/x was removed"),
                anomaly(
                    AnomalyKind::NewSpecialFile,
                    "/tmp/x runs with raised rights",
                ),
            ],
            FRESH,
        );
        assert_eq!(
            s.items,
            vec![
                "memory is running out",
                "a new program listens on port 8080",
                "/tmp/x runs with raised rights",
                "2 system files changed"
            ]
        );
        assert_eq!(
            s.sentence,
            "4 things need attention: memory is running out; a new program listens on port 8080; /tmp/x runs with raised rights; and 1 more"
        );
    }

    #[test]
    fn missed_or_failed_maintenance_is_not_all_good() {
        let s = summarize(
            &["the last run of \u{201c}Install security updates\u{201d} failed".into()],
            &[],
            &[],
            FRESH,
        );
        assert_eq!(s.status, HealthStatus::NeedsAttention);
        assert!(
            s.sentence.contains("Install security updates"),
            "{}",
            s.sentence
        );
    }

    #[test]
    fn never_checked_stale_or_updates_waiting_is_not_all_good() {
        let never = summarize(&[], &[], &[], LastCheck::Never);
        assert_eq!(never.status, HealthStatus::NeedsAttention);
        assert_eq!(
            never.sentence,
            "1 thing needs attention: the security of this computer was never checked"
        );
        let waiting = summarize(
            &[],
            &[],
            &[],
            LastCheck::Done {
                age_days: 2,
                updates_waiting: 85,
            },
        );
        assert_eq!(
            waiting.sentence,
            "1 thing needs attention: 85 security updates are waiting"
        );
        let stale = summarize(
            &[],
            &[],
            &[],
            LastCheck::Done {
                age_days: 8,
                updates_waiting: 1,
            },
        );
        assert_eq!(
            stale.items,
            vec![
                "1 security update is waiting",
                "the last security check was 8 days ago"
            ]
        );
        let week_old = summarize(
            &[],
            &[],
            &[],
            LastCheck::Done {
                age_days: CHECK_FRESH_DAYS,
                updates_waiting: 0,
            },
        );
        assert_eq!(week_old.status, HealthStatus::AllGood);
    }
}
