//! Alerts: rules with thresholds and durations, raised when a condition
//! has held for its rule's duration and cleared when it ends.
//!
//! Hysteresis keeps one condition to one alert: an alert clears only when
//! the figure is back a little on the safe side of the threshold, so a
//! disk hovering at 90 % does not raise and clear every few seconds. A
//! condition seen but not yet held long enough is kept in the store, so a
//! restart does not start the count again. Every raise, clear,
//! acknowledgement and rule change is written to the audit log.

use super::Sample;
use super::forecast::{self, DiskForecast};
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

/// Failed logins are counted over this window.
pub const LOGIN_WINDOW_MINUTES: i64 = 10;
/// A condition not looked at for longer than this (the sampler was
/// stopped) starts its duration again: nobody saw it hold meanwhile.
const GAP_MINUTES: i64 = 10;
/// The longest duration a rule may ask for.
const MAX_DURATION_SECONDS: u64 = 24 * 3600;

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RuleKind {
    /// A disk is fuller than the threshold (percent used).
    DiskFull,
    /// Memory available to new programs is below the threshold (percent).
    MemoryPressure,
    /// The 1-minute load is above the threshold times the number of cores.
    SustainedLoad,
    /// Pages swapped in and out per second are above the threshold.
    SwapThrashing,
    /// A disk will be full within the threshold (days) at its rate.
    DiskFullSoon,
    /// At least the threshold of failed logins in 10 minutes.
    FailedLogins,
}

impl RuleKind {
    pub const ALL: [RuleKind; 6] = [
        RuleKind::DiskFull,
        RuleKind::MemoryPressure,
        RuleKind::SustainedLoad,
        RuleKind::SwapThrashing,
        RuleKind::DiskFullSoon,
        RuleKind::FailedLogins,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::DiskFull => "disk_full",
            RuleKind::MemoryPressure => "memory_pressure",
            RuleKind::SustainedLoad => "sustained_load",
            RuleKind::SwapThrashing => "swap_thrashing",
            RuleKind::DiskFullSoon => "disk_full_soon",
            RuleKind::FailedLogins => "failed_logins",
        }
    }

    /// The rule's id as stored and typed ("disk_full"; "disk-full" too).
    pub fn parse(s: &str) -> Result<Self> {
        let wanted = s.trim().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Error::invalid_input(
                    format!("There is no alert rule called \"{s}\"."),
                    format!("Use one of: {}.", names.join(", ")),
                )
            })
    }

    /// The shipped threshold and duration (seconds).
    fn default_setting(self) -> (f64, u64) {
        match self {
            RuleKind::DiskFull => (90.0, 60),
            RuleKind::MemoryPressure => (10.0, 300),
            RuleKind::SustainedLoad => (2.0, 900),
            RuleKind::SwapThrashing => (500.0, 120),
            RuleKind::DiskFullSoon => (7.0, 600),
            RuleKind::FailedLogins => (5.0, 0),
        }
    }

    fn name(self) -> &'static str {
        match self {
            RuleKind::DiskFull => "Disk almost full",
            RuleKind::MemoryPressure => "Running out of memory",
            RuleKind::SustainedLoad => "Very busy for a long time",
            RuleKind::SwapThrashing => "Heavy swapping",
            RuleKind::DiskFullSoon => "Disk filling up",
            RuleKind::FailedLogins => "Burst of failed logins",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            RuleKind::DiskFull => "% used",
            RuleKind::MemoryPressure => "% available",
            RuleKind::SustainedLoad => "× cores",
            RuleKind::SwapThrashing => "pages per second",
            RuleKind::DiskFullSoon => "days",
            RuleKind::FailedLogins => "failed logins in 10 minutes",
        }
    }

    fn describe(self, t: f64) -> String {
        match self {
            RuleKind::DiskFull => format!("A disk is more than {t} % full."),
            RuleKind::MemoryPressure => {
                format!("Less than {t} % of memory is left for new programs.")
            }
            RuleKind::SustainedLoad => {
                format!("More than {t} programs per core are running or waiting.")
            }
            RuleKind::SwapThrashing => {
                format!("More than {t} pages a second move between memory and disk.")
            }
            RuleKind::DiskFullSoon => {
                format!("A disk will be full within {t} days at the rate it is filling.")
            }
            RuleKind::FailedLogins => {
                format!("At least {t} logins failed within 10 minutes.")
            }
        }
    }

    /// Whether `value` crosses the threshold into trouble.
    fn raises(self, value: f64, t: f64) -> bool {
        match self {
            RuleKind::MemoryPressure | RuleKind::DiskFullSoon => value < t,
            RuleKind::FailedLogins => value >= t,
            _ => value > t,
        }
    }

    /// Whether `value` is far enough back on the safe side to clear: a
    /// little past the threshold, so a figure hovering at it does not flap.
    fn clears(self, value: f64, t: f64) -> bool {
        match self {
            RuleKind::DiskFull => value < t - 2.0,
            RuleKind::MemoryPressure => value > t + 2.0,
            RuleKind::SustainedLoad => value < t * 0.9,
            RuleKind::SwapThrashing => value < t * 0.8,
            RuleKind::DiskFullSoon => value > t + 1.0,
            RuleKind::FailedLogins => value < t * 0.6,
        }
    }

    fn check_threshold(self, t: f64) -> Result<()> {
        let ok = t.is_finite()
            && match self {
                RuleKind::DiskFull | RuleKind::MemoryPressure => t > 0.0 && t < 100.0,
                RuleKind::FailedLogins => t >= 1.0,
                _ => t > 0.0,
            };
        if ok {
            Ok(())
        } else {
            let range = match self {
                RuleKind::DiskFull | RuleKind::MemoryPressure => "between 0 and 100",
                RuleKind::FailedLogins => "1 or more",
                _ => "above 0",
            };
            Err(Error::invalid_input(
                format!("{t} is not a threshold for \"{}\".", self.name()),
                format!("Give a number {range} ({}).", self.unit()),
            ))
        }
    }
}

/// A rule as the user sees and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rule {
    pub kind: RuleKind,
    /// "Disk almost full".
    pub name: String,
    /// What raises it, with the threshold filled in.
    pub description: String,
    /// What the threshold counts: "% used", "days"…
    pub unit: String,
    pub threshold: f64,
    /// How long the condition must hold before the alert is raised.
    #[ts(type = "number")]
    pub duration_seconds: u64,
    pub enabled: bool,
    /// Whether threshold, duration and switch are as shipped.
    pub is_default: bool,
}

impl Rule {
    fn new(kind: RuleKind, threshold: f64, duration_seconds: u64, enabled: bool) -> Self {
        let (t, d) = kind.default_setting();
        Rule {
            kind,
            name: kind.name().into(),
            description: kind.describe(threshold),
            unit: kind.unit().into(),
            threshold,
            duration_seconds,
            enabled,
            is_default: threshold == t && duration_seconds == d && enabled,
        }
    }

    /// The rule as shipped.
    pub fn default_for(kind: RuleKind) -> Self {
        let (t, d) = kind.default_setting();
        Self::new(kind, t, d, true)
    }
}

/// What to change in a rule; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct RuleChange {
    pub threshold: Option<f64>,
    #[ts(type = "number", optional)]
    pub duration_seconds: Option<u64>,
    pub enabled: Option<bool>,
}

/// A raised alert, open until it clears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Alert {
    #[ts(type = "number")]
    pub id: i64,
    pub rule: RuleKind,
    /// The disk's mount point for disk rules; "" otherwise.
    pub subject: String,
    /// The figure that raised it, in the rule's unit.
    pub value: f64,
    /// "Your disk / is almost full (93 %)".
    pub title: String,
    /// For the one-sentence summary: "the disk / is almost full".
    pub short: String,
    /// What to do about it.
    pub advice: String,
    pub raised: DateTime<Utc>,
    pub cleared: Option<DateTime<Utc>>,
    pub acknowledged: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

/// A condition seen but not yet held for its rule's duration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PendingAlert {
    pub rule: RuleKind,
    pub subject: String,
    /// When it was first seen.
    pub since: DateTime<Utc>,
    /// When it was last seen holding.
    pub last_seen: DateTime<Utc>,
}

/// An alert to raise: everything but its id and times.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub rule: RuleKind,
    pub subject: String,
    pub value: f64,
    pub title: String,
    pub short: String,
    pub advice: String,
}

/// What one evaluation decided.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub raise: Vec<NewAlert>,
    /// Ids of open alerts to clear.
    pub clear: Vec<i64>,
    /// The conditions still waiting for their duration, all of them.
    pub pending: Vec<PendingAlert>,
}

/// What changed in the store after an evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AlertChanges {
    pub raised: Vec<Alert>,
    pub cleared: Vec<Alert>,
}

/// A rule's figure for one subject in a sample, with its words.
struct Reading {
    subject: String,
    value: f64,
    title: String,
    short: String,
    advice: String,
}

fn percent(part: u64, whole: u64) -> f64 {
    part as f64 * 100.0 / whole as f64
}

/// The figures a rule looks at in a sample. A subject without a reading
/// (a figure not known yet) leaves its alert as it is.
fn readings(
    kind: RuleKind,
    sample: &Sample,
    forecasts: &[DiskForecast],
    now: DateTime<Utc>,
) -> Vec<Reading> {
    match kind {
        RuleKind::DiskFull => sample
            .disks
            .iter()
            .map(|d| Reading {
                subject: d.mount_point.clone(),
                value: d.used_percent,
                title: format!(
                    "Your disk {} is almost full ({:.0} %)",
                    d.mount_point, d.used_percent
                ),
                short: format!("the disk {} is almost full", d.mount_point),
                advice: "Delete or move files you no longer need: old downloads, videos, backups and the trash are the usual places to start. When a disk fills up, programs stop saving their work.".into(),
            })
            .collect(),
        RuleKind::MemoryPressure if sample.memory.total_bytes > 0 => {
            let left = percent(sample.memory.available_bytes, sample.memory.total_bytes);
            vec![Reading {
                subject: String::new(),
                value: left,
                title: format!("Your computer is running out of memory ({left:.0} % left)"),
                short: "memory is running out".into(),
                advice: "Close programs and browser tabs you are not using, starting with the largest on the Overview. If this happens often, the computer needs more memory.".into(),
            }]
        }
        RuleKind::SustainedLoad if sample.cpu.cores > 0 => {
            let per_core = sample.load.one / f64::from(sample.cpu.cores);
            vec![Reading {
                subject: String::new(),
                value: per_core,
                title: format!(
                    "Your computer has been overloaded for a while (load {:.1} on {} cores)",
                    sample.load.one, sample.cpu.cores
                ),
                short: "the computer is overloaded".into(),
                advice: "Look at the busiest programs on the Overview and stop any you do not need, or move heavy work to a quieter time. Everything is slower until the load falls.".into(),
            }]
        }
        RuleKind::SwapThrashing => {
            let s = sample.swapping;
            match (s.in_pages_per_second, s.out_pages_per_second) {
                (Some(i), Some(o)) => vec![Reading {
                    subject: String::new(),
                    value: i + o,
                    title: format!(
                        "Your computer is short of memory and swapping heavily ({:.0} pages a second)",
                        i + o
                    ),
                    short: "the computer is swapping heavily".into(),
                    advice: "Close programs you are not using, starting with the largest on the Overview. If it keeps happening, the computer needs more memory.".into(),
                }],
                _ => Vec::new(),
            }
        }
        RuleKind::DiskFullSoon => sample
            .disks
            .iter()
            .map(|d| match forecasts.iter().find(|f| f.mount_point == d.mount_point) {
                Some(f) => Reading {
                    subject: d.mount_point.clone(),
                    value: f.days_left,
                    title: format!(
                        "Your disk {} will be full {} at this rate",
                        d.mount_point,
                        forecast::when(f.days_left)
                    ),
                    short: format!(
                        "the disk {} will be full {}",
                        d.mount_point,
                        forecast::when(f.days_left)
                    ),
                    advice: "Find what is filling it (often logs, downloads or backups) and clean it up or move it elsewhere before the disk is full.".into(),
                },
                // Not filling up: as safe as a disk gets.
                None => Reading {
                    subject: d.mount_point.clone(),
                    value: f64::MAX,
                    title: String::new(),
                    short: String::new(),
                    advice: String::new(),
                },
            })
            .collect(),
        RuleKind::FailedLogins => {
            let since = now - Duration::minutes(LOGIN_WINDOW_MINUTES);
            let by_address = sample.failed_logins.by_address(since);
            let count: u32 = by_address.iter().map(|(_, n)| n).sum();
            let from = match by_address.as_slice() {
                [] => String::new(),
                [(only, _)] => format!(" from {only}"),
                [(most, _), ..] => format!(" mostly from {most}"),
            };
            vec![Reading {
                subject: String::new(),
                value: f64::from(count),
                title: format!("{count} failed logins in {LOGIN_WINDOW_MINUTES} minutes{from}"),
                short: format!("{count} failed logins{from}"),
                advice: "Someone may be guessing passwords. If these were not you or a colleague, block the address in the firewall, and make sure remote logins use keys rather than passwords.".into(),
            }]
        }
        _ => Vec::new(),
    }
}

/// Decides what to raise and clear, from the new sample, the rules, the
/// open alerts, the conditions pending and the time. Pure: nothing is read
/// or written.
pub fn evaluate(
    sample: &Sample,
    forecasts: &[DiskForecast],
    rules: &[Rule],
    open: &[Alert],
    pending: &[PendingAlert],
    now: DateTime<Utc>,
) -> Decision {
    let mut decision = Decision::default();
    for rule in rules {
        let open_of_rule = || open.iter().filter(|a| a.rule == rule.kind);
        if !rule.enabled {
            // Turning a rule off ends its alerts.
            decision.clear.extend(open_of_rule().map(|a| a.id));
            continue;
        }
        let readings = readings(rule.kind, sample, forecasts, now);
        for r in &readings {
            let is_open = open_of_rule().find(|a| a.subject == r.subject);
            if rule.kind.raises(r.value, rule.threshold) {
                if is_open.is_some() {
                    continue;
                }
                let since = pending
                    .iter()
                    .find(|p| p.rule == rule.kind && p.subject == r.subject)
                    .filter(|p| now - p.last_seen <= Duration::minutes(GAP_MINUTES))
                    .map_or(now, |p| p.since);
                let held = (now - since).num_seconds().max(0) as u64;
                if held >= rule.duration_seconds {
                    decision.raise.push(NewAlert {
                        rule: rule.kind,
                        subject: r.subject.clone(),
                        value: r.value,
                        title: r.title.clone(),
                        short: r.short.clone(),
                        advice: r.advice.clone(),
                    });
                } else {
                    decision.pending.push(PendingAlert {
                        rule: rule.kind,
                        subject: r.subject.clone(),
                        since,
                        last_seen: now,
                    });
                }
            } else if let Some(alert) = is_open
                && rule.kind.clears(r.value, rule.threshold)
            {
                decision.clear.push(alert.id);
            }
        }
        // A disk that is gone takes its alerts with it.
        if matches!(rule.kind, RuleKind::DiskFull | RuleKind::DiskFullSoon) {
            decision.clear.extend(
                open_of_rule()
                    .filter(|a| !sample.disks.iter().any(|d| d.mount_point == a.subject))
                    .map(|a| a.id),
            );
        }
    }
    decision
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the alerts: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_stamp(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn parse_kind(s: &str) -> rusqlite::Result<RuleKind> {
    RuleKind::parse(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

const ALERT_COLUMNS: &str = "id, rule, subject, value, title, short, advice, raised, cleared, acknowledged, acknowledged_by";

fn alert_from_row(r: &rusqlite::Row) -> rusqlite::Result<Alert> {
    let optional_time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        r.get::<_, Option<String>>(i)?
            .map(|s| parse_stamp(&s))
            .transpose()
    };
    Ok(Alert {
        id: r.get(0)?,
        rule: parse_kind(&r.get::<_, String>(1)?)?,
        subject: r.get(2)?,
        value: r.get(3)?,
        title: r.get(4)?,
        short: r.get(5)?,
        advice: r.get(6)?,
        raised: parse_stamp(&r.get::<_, String>(7)?)?,
        cleared: optional_time(8)?,
        acknowledged: optional_time(9)?,
        acknowledged_by: r.get(10)?,
    })
}

fn query_alerts(store: &Store, filter: &str, limit: u32) -> Result<Vec<Alert>> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts {filter} ORDER BY id DESC LIMIT ?1");
    let mut stmt = store
        .conn()
        .prepare(&sql)
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([limit], alert_from_row)
        .map_err(|e| sql_error("read", e))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|e| sql_error("read", e))
}

/// The alerts not cleared yet, newest first.
pub fn open(store: &Store) -> Result<Vec<Alert>> {
    query_alerts(store, "WHERE cleared IS NULL", u32::MAX)
}

/// The newest alerts, open or cleared.
pub fn recent(store: &Store, limit: u32) -> Result<Vec<Alert>> {
    query_alerts(store, "", limit)
}

/// One alert by id.
pub fn get(store: &Store, id: i64) -> Result<Alert> {
    get_in(store.conn(), id)
}

/// `get` on `conn`, so a change can read what it just wrote before it
/// commits.
fn get_in(conn: &Connection, id: i64) -> Result<Alert> {
    conn.query_row(
        &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"),
        [id],
        alert_from_row,
    )
    .optional()
    .map_err(|e| sql_error("read", e))?
    .ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("There is no alert number {id}."),
            "List the alerts with `shipshape alerts` to see their numbers.",
        )
    })
}

/// The conditions waiting for their rule's duration.
pub fn pending(store: &Store) -> Result<Vec<PendingAlert>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT rule, subject, since, last_seen FROM alert_pending ORDER BY rule, subject")
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(PendingAlert {
                rule: parse_kind(&r.get::<_, String>(0)?)?,
                subject: r.get(1)?,
                since: parse_stamp(&r.get::<_, String>(2)?)?,
                last_seen: parse_stamp(&r.get::<_, String>(3)?)?,
            })
        })
        .map_err(|e| sql_error("read", e))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|e| sql_error("read", e))
}

/// Every rule: the shipped defaults with the user's changes.
pub fn rules(store: &Store) -> Result<Vec<Rule>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT threshold, duration_seconds, enabled FROM alert_rules WHERE rule = ?1")
        .map_err(|e| sql_error("read", e))?;
    RuleKind::ALL
        .into_iter()
        .map(|kind| {
            let changed = stmt
                .query_row([kind.as_str()], |r| {
                    Ok((
                        r.get::<_, f64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, bool>(2)?,
                    ))
                })
                .optional()
                .map_err(|e| sql_error("read", e))?;
            Ok(match changed {
                Some((t, d, on)) => Rule::new(kind, t, d.max(0) as u64, on),
                None => Rule::default_for(kind),
            })
        })
        .collect()
}

/// Changes one rule and records the change.
pub fn set_rule(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    kind: RuleKind,
    change: &RuleChange,
) -> Result<Rule> {
    let current = rules(store)?
        .into_iter()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| Rule::default_for(kind));
    let threshold = change.threshold.unwrap_or(current.threshold);
    kind.check_threshold(threshold)?;
    let duration = change.duration_seconds.unwrap_or(current.duration_seconds);
    if duration > MAX_DURATION_SECONDS {
        return Err(Error::invalid_input(
            format!("{duration} seconds is longer than a day."),
            "Give a duration of at most 86400 seconds.",
        ));
    }
    let enabled = change.enabled.unwrap_or(current.enabled);
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT OR REPLACE INTO alert_rules (rule, threshold, duration_seconds, enabled)
             VALUES (?1, ?2, ?3, ?4)",
            params![kind.as_str(), threshold, duration as i64, enabled],
        )
        .map_err(|e| sql_error("save", e))?;
        let details = json!({
            "before": { "threshold": current.threshold, "duration_seconds": current.duration_seconds, "enabled": current.enabled },
            "after": { "threshold": threshold, "duration_seconds": duration, "enabled": enabled },
        });
        Ok(((), NewEntry::ok("alert.rule.set", kind.as_str(), details)))
    })?;
    Ok(Rule::new(kind, threshold, duration, enabled))
}

/// Evaluates a new sample against the rules and keeps the outcome: new
/// alerts raised, ended ones cleared, pending conditions saved, each raise
/// and clear written to the audit log. `forecasts` are the disk forecasts
/// for this sample (`forecast::disks`).
pub fn check(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    sample: &Sample,
    forecasts: &[DiskForecast],
) -> Result<AlertChanges> {
    let rules = rules(store)?;
    let open_before = open(store)?;
    let pending_before = pending(store)?;
    let decision = evaluate(
        sample,
        forecasts,
        &rules,
        &open_before,
        &pending_before,
        now,
    );

    let write = |tx: &Connection| -> rusqlite::Result<(Vec<i64>, Vec<i64>)> {
        let mut raised = Vec::new();
        for a in &decision.raise {
            tx.execute(
                "INSERT INTO alerts (rule, subject, value, title, short, advice, raised)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    a.rule.as_str(),
                    a.subject,
                    a.value,
                    a.title,
                    a.short,
                    a.advice,
                    stamp(now)
                ],
            )?;
            raised.push(tx.last_insert_rowid());
        }
        let mut cleared = Vec::new();
        for id in &decision.clear {
            if tx.execute(
                "UPDATE alerts SET cleared = ?2 WHERE id = ?1 AND cleared IS NULL",
                params![id, stamp(now)],
            )? > 0
            {
                cleared.push(*id);
            }
        }
        tx.execute("DELETE FROM alert_pending", [])?;
        for p in &decision.pending {
            tx.execute(
                "INSERT INTO alert_pending (rule, subject, since, last_seen) VALUES (?1, ?2, ?3, ?4)",
                params![p.rule.as_str(), p.subject, stamp(p.since), stamp(p.last_seen)],
            )?;
        }
        Ok((raised, cleared))
    };
    // Each raise and clear is committed with its entry; a turn that only
    // moves pending conditions commits with no entry.
    let (changes, _) = audit::append_all_with(store, now, actor, |tx| {
        let (raised_ids, cleared_ids) = write(tx).map_err(|e| sql_error("save", e))?;
        let read = |ids: Vec<i64>| -> Result<Vec<Alert>> {
            ids.into_iter().map(|id| get_in(tx, id)).collect()
        };
        let changes = AlertChanges {
            raised: read(raised_ids)?,
            cleared: read(cleared_ids)?,
        };
        let entries = changes
            .raised
            .iter()
            .map(|a| NewEntry::ok("alert.raise", &target(a), details(a)))
            .chain(
                changes
                    .cleared
                    .iter()
                    .map(|a| NewEntry::ok("alert.clear", &target(a), details(a))),
            )
            .collect();
        Ok((changes, entries))
    })?;
    Ok(changes)
}

/// Marks an alert as seen by `actor`. Acknowledging twice changes nothing.
pub fn acknowledge(store: &Store, now: DateTime<Utc>, actor: &Actor, id: i64) -> Result<Alert> {
    let alert = get(store, id)?;
    if alert.acknowledged.is_some() {
        return Ok(alert);
    }
    let (alert, _) = audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "UPDATE alerts SET acknowledged = ?2, acknowledged_by = ?3 WHERE id = ?1",
            params![id, stamp(now), actor.user],
        )
        .map_err(|e| sql_error("save", e))?;
        let alert = get_in(tx, id)?;
        let entry = NewEntry::ok("alert.acknowledge", &target(&alert), details(&alert));
        Ok((alert, entry))
    })?;
    Ok(alert)
}

fn target(a: &Alert) -> String {
    if a.subject.is_empty() {
        a.rule.as_str().to_string()
    } else {
        format!("{} {}", a.rule.as_str(), a.subject)
    }
}

fn details(a: &Alert) -> serde_json::Value {
    json!({ "id": a.id, "rule": a.rule.as_str(), "subject": a.subject, "value": a.value, "title": a.title })
}
