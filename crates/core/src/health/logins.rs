//! Failed logins over SSH in the last hour, from the system journal or,
//! where there is none, /var/log/auth.log. A source that could not be read
//! is reported, so "no failed logins" never hides "could not look".

use super::Host;
use crate::host::{SSHD_JOURNAL, filled};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use ts_rs::TS;

/// At most this many attempts are kept per sample, the newest ones.
const KEEP: usize = 200;
/// Only the end of a log file is read: an hour of it fits many times over.
const TAIL_BYTES: u64 = 4 * 1024 * 1024;
const AUTH_LOGS: [&str; 2] = ["/var/log/auth.log", "/var/log/secure"];

/// One failed attempt to log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FailedLogin {
    pub time: DateTime<Utc>,
    /// The account name tried (it may not exist).
    pub user: String,
    /// Where the attempt came from.
    pub address: String,
}

/// The failed logins of the last hour and where they were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FailedLogins {
    /// "the system journal" or the log file read; `None` when nothing could
    /// be read.
    pub source: Option<String>,
    /// Sources that could not be read, and why.
    pub unreadable: Vec<String>,
    /// How many attempts failed in the hour.
    pub count: u32,
    /// The newest attempts (at most 200), oldest first.
    pub attempts: Vec<FailedLogin>,
}

impl FailedLogins {
    /// Attempts at or after `since`, counted per address, most first.
    pub fn by_address(&self, since: DateTime<Utc>) -> Vec<(String, u32)> {
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for a in self.attempts.iter().filter(|a| a.time >= since) {
            *counts.entry(&a.address).or_default() += 1;
        }
        let mut list: Vec<(String, u32)> = counts
            .into_iter()
            .map(|(a, n)| (a.to_string(), n))
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    }
}

/// The failed logins between `now` minus one hour and `now`.
pub fn last_hour(host: &Host, now: DateTime<Utc>) -> FailedLogins {
    let since = now - Duration::hours(1);
    let mut unreadable = Vec::new();
    if has_journal(host) {
        match from_journal(host, since) {
            Ok(lines) => return collect("the system journal", unreadable, lines, since, now),
            Err(why) => unreadable.push(format!("the system journal: {why}")),
        }
    } else {
        unreadable.push("the system journal: there is none on this computer".into());
    }
    let mut some_log_unreadable = false;
    for log in AUTH_LOGS {
        match tail(host, log) {
            Ok(text) => {
                let lines = text.lines().filter_map(|l| auth_log_line(l, now)).collect();
                return collect(log, unreadable, lines, since, now);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                some_log_unreadable = true;
                unreadable.push(format!("{log}: {e}"));
            }
        }
    }
    if !some_log_unreadable {
        unreadable.push(format!("{}: it does not exist", AUTH_LOGS[0]));
    }
    FailedLogins {
        source: None,
        unreadable,
        count: 0,
        attempts: Vec::new(),
    }
}

fn has_journal(host: &Host) -> bool {
    ["/var/log/journal", "/run/log/journal"].iter().any(|dir| {
        std::fs::read_dir(host.path(dir)).is_ok_and(|mut entries| entries.next().is_some())
    })
}

/// sshd's messages since `since` as (time, message).
fn from_journal(host: &Host, since: DateTime<Utc>) -> Result<Vec<(DateTime<Utc>, String)>, String> {
    let since = format!("@{}", since.timestamp());
    let out = host
        .run(&filled(SSHD_JOURNAL, &since))
        .map_err(|e| format!("journalctl could not run ({e})"))?;
    if !out.success() {
        return Err(format!("journalctl failed ({})", out.stderr.trim()));
    }
    Ok(out.stdout.lines().filter_map(journal_line).collect())
}

fn journal_line(line: &str) -> Option<(DateTime<Utc>, String)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let micros: i64 = v.get("__REALTIME_TIMESTAMP")?.as_str()?.parse().ok()?;
    let time = Utc.timestamp_micros(micros).single()?;
    // The journal gives a message that is not UTF-8 as an array of bytes.
    let message = match v.get("MESSAGE")? {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(bytes) => {
            let bytes: Vec<u8> = bytes
                .iter()
                .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => return None,
    };
    Some((time, message))
}

fn tail(host: &Host, log: &str) -> std::io::Result<String> {
    // A regular file only: a FIFO in the log's place must not hang a reading.
    let (mut file, meta) = host.open(log, true)?;
    let len = meta.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    // A log still growing is read only as far as the tail's size.
    file.take(TAIL_BYTES).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // A cut first line is dropped.
    Ok(match (start > 0, text.split_once('\n')) {
        (true, Some((_, rest))) => rest.to_string(),
        _ => text,
    })
}

/// An sshd line of a syslog file: "2026-11-24T09:30:01.123456+00:00 host
/// sshd[12]: message", or the traditional "Nov 24 09:30:01 host sshd[12]:
/// message", whose time is the computer's local time in the current year.
fn auth_log_line(line: &str, now: DateTime<Utc>) -> Option<(DateTime<Utc>, String)> {
    let (time, rest) = match line.split_once(' ') {
        Some((first, rest)) if first.contains('T') => (
            DateTime::parse_from_rfc3339(first)
                .ok()?
                .with_timezone(&Utc),
            rest,
        ),
        _ => {
            let stamp = line.get(..15)?;
            let naive = NaiveDateTime::parse_from_str(
                &format!("{} {stamp}", now.year()),
                "%Y %b %e %H:%M:%S",
            )
            .ok()?;
            let time = chrono::Local
                .from_local_datetime(&naive)
                .earliest()?
                .with_timezone(&Utc);
            (time, line.get(16..)?)
        }
    };
    let (_host, rest) = rest.split_once(' ')?;
    let (program, message) = rest.split_once(": ")?;
    let program = program.split('[').next()?;
    (program == "sshd" || program == "sshd-session").then(|| (time, message.to_string()))
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Password,
    InvalidUser,
}

/// "Failed password for [invalid user] NAME from ADDRESS port PORT ssh2" or
/// "Invalid user NAME from ADDRESS port PORT". Returns kind, user, address, port.
fn parse_message(message: &str) -> Option<(Kind, String, String, String)> {
    let (kind, rest) = if let Some(rest) = message.strip_prefix("Failed password for ") {
        (
            Kind::Password,
            rest.strip_prefix("invalid user ").unwrap_or(rest),
        )
    } else {
        (Kind::InvalidUser, message.strip_prefix("Invalid user ")?)
    };
    // A user name may contain anything, " from " included: split at the last.
    let (user, rest) = rest.rsplit_once(" from ")?;
    let mut words = rest.split_whitespace();
    let address = words.next()?.to_string();
    let port = match (words.next(), words.next()) {
        (Some("port"), Some(p)) => p.to_string(),
        _ => String::new(),
    };
    Some((kind, user.to_string(), address, port))
}

/// Attempts in the window: every failed password, and every invalid user
/// that did not go on to a failed password (which would count it twice).
fn collect(
    source: &str,
    unreadable: Vec<String>,
    lines: Vec<(DateTime<Utc>, String)>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> FailedLogins {
    let parsed: Vec<(DateTime<Utc>, Kind, String, String, String)> = lines
        .into_iter()
        .filter(|(t, _)| *t >= since && *t <= now)
        .filter_map(|(t, m)| {
            let (kind, user, address, port) = parse_message(&m)?;
            Some((t, kind, user, address, port))
        })
        .collect();
    let tried_password: HashSet<(&str, &str, &str)> = parsed
        .iter()
        .filter(|p| p.1 == Kind::Password)
        .map(|p| (p.2.as_str(), p.3.as_str(), p.4.as_str()))
        .collect();
    let mut attempts: Vec<FailedLogin> = parsed
        .iter()
        .filter(|p| {
            p.1 == Kind::Password
                || !tried_password.contains(&(p.2.as_str(), p.3.as_str(), p.4.as_str()))
        })
        .map(|p| FailedLogin {
            time: p.0,
            user: p.2.clone(),
            address: p.3.clone(),
        })
        .collect();
    attempts.sort_by_key(|a| a.time);
    let count = attempts.len() as u32;
    let drop = attempts.len().saturating_sub(KEEP);
    attempts.drain(..drop);
    FailedLogins {
        source: Some(source.to_string()),
        unreadable,
        count,
        attempts,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn failed_password_and_invalid_user_lines() {
        assert_eq!(
            parse_message("Failed password for root from 10.0.0.7 port 5555 ssh2"),
            Some((
                Kind::Password,
                "root".into(),
                "10.0.0.7".into(),
                "5555".into()
            ))
        );
        assert_eq!(
            parse_message("Failed password for invalid user bob from ::1 port 22 ssh2"),
            Some((Kind::Password, "bob".into(), "::1".into(), "22".into()))
        );
        assert_eq!(
            parse_message("Invalid user a from b from 10.0.0.8 port 1"),
            Some((
                Kind::InvalidUser,
                "a from b".into(),
                "10.0.0.8".into(),
                "1".into()
            ))
        );
        assert_eq!(
            parse_message("Accepted publickey for alice from 10.0.0.1 port 2 ssh2"),
            None
        );
    }

    #[test]
    fn an_invalid_user_who_then_fails_a_password_counts_once() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 24, 9, 30, 0)
            .single()
            .unwrap_or_default();
        let t = now - Duration::minutes(5);
        let lines = vec![
            (t, "Invalid user bob from 10.0.0.7 port 5555".to_string()),
            (
                t,
                "Failed password for invalid user bob from 10.0.0.7 port 5555 ssh2".to_string(),
            ),
            (t, "Invalid user eve from 10.0.0.9 port 6666".to_string()),
            (
                now - Duration::hours(2),
                "Failed password for root from 10.0.0.7 port 1 ssh2".to_string(),
            ),
        ];
        let logins = collect("test", Vec::new(), lines, now - Duration::hours(1), now);
        assert_eq!(logins.count, 2);
        assert_eq!(
            logins.by_address(now - Duration::minutes(10)),
            vec![("10.0.0.7".to_string(), 1), ("10.0.0.9".to_string(), 1)]
        );
    }

    #[test]
    fn syslog_lines_of_sshd_only() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 24, 9, 30, 0)
            .single()
            .unwrap_or_default();
        let (time, message) = auth_log_line(
            "2026-11-24T09:29:01.123456+00:00 office sshd[812]: Failed password for root from 10.0.0.7 port 22 ssh2",
            now,
        )
        .unwrap();
        assert_eq!(
            time,
            now - Duration::seconds(59) + Duration::microseconds(123456)
        );
        assert!(message.starts_with("Failed password"));
        assert_eq!(
            auth_log_line(
                "2026-11-24T09:29:01+00:00 office sudo: alice : TTY=pts/0",
                now
            ),
            None
        );
        assert!(
            auth_log_line(
                "Nov 24 09:29:01 office sshd[812]: Invalid user x from 1.2.3.4 port 5",
                now
            )
            .is_some()
        );
    }
}
