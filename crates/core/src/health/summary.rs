//! The one plain sentence on top of the Overview: "All good", or "2 things
//! need attention: the disk / is almost full; 3 failed logins from
//! 10.0.0.7", from the open alerts and the anomalies.

use super::alerts::Alert;
use super::baseline::{Anomaly, AnomalyKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// At most this many things are named in the sentence; the rest are counted.
const NAMED: usize = 3;

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

/// The sentence for these open alerts and anomalies. Changes to several
/// system files (an update not yet accepted, often) count as one thing.
pub fn summarize(open_alerts: &[Alert], anomalies: &[Anomaly]) -> HealthSummary {
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

    #[test]
    fn all_good_when_nothing_is_open() {
        let s = summarize(&[], &[]);
        assert_eq!(s.status, HealthStatus::AllGood);
        assert_eq!(s.sentence, "All good");
        assert!(s.items.is_empty());
    }

    #[test]
    fn things_are_counted_and_named() {
        let s = summarize(
            &[
                alert("the disk / is almost full"),
                alert("3 failed logins from 10.0.0.7"),
            ],
            &[],
        );
        assert_eq!(s.status, HealthStatus::NeedsAttention);
        assert_eq!(
            s.sentence,
            "2 things need attention: the disk / is almost full; 3 failed logins from 10.0.0.7"
        );
        let one = summarize(
            &[],
            &[anomaly(
                AnomalyKind::NewAdministrator,
                "bob became an administrator",
            )],
        );
        assert_eq!(
            one.sentence,
            "1 thing needs attention: bob became an administrator"
        );
    }

    #[test]
    fn many_changed_files_are_one_thing_and_long_lists_are_cut() {
        let s = summarize(
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
}
