//! Notices about scheduled maintenance: a desktop notification when a run
//! failed or runs were missed, and, where set, an email (problems, and if
//! asked a report after every run). Root's scheduled runs cannot reach a
//! user's desktop or keychain, so notices are sent from the administrator's
//! session: the app while it is open, and a user service the package starts
//! whenever root publishes its schedule. Each notice is sent once: it is
//! claimed in the user's store before it goes out.

use super::jobs::{JobOutcome, JobStatus, MISSED_ALERT};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the mail server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "MailSecurity")]
pub enum Security {
    /// A plain connection made secure before anything is sent (port 587).
    StartTls,
    /// A secure connection from the start (port 465).
    Tls,
}

/// Where email notices go and how they are sent. The password is not
/// here: it is in the Credentials vault under `password_name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "EmailSettings")]
pub struct Email {
    pub server: String,
    pub port: u16,
    pub security: Security,
    /// The account name the server knows.
    pub username: String,
    /// The Credentials vault entry that holds the account's password.
    pub password_name: String,
    pub from: String,
    pub to: Vec<String>,
    /// Also a report after every finished run, not only problems.
    pub every_run: bool,
}

/// What the administrator wants to be told, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "NoticeSettings")]
pub struct Settings {
    /// Desktop notifications for failed and missed runs.
    pub desktop: bool,
    pub email: Option<Email>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            desktop: true,
            email: None,
        }
    }
}

const MAX_RECIPIENTS: usize = 20;
const MAX_FIELD: usize = 254;

fn refuse(message: String, hint: &str) -> Error {
    Error::invalid_input(message, hint)
}

/// A host name or address as a mail server is named: letters, digits,
/// dots, dashes (and colons for an IPv6 address).
fn is_server_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_FIELD
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !s.starts_with(['-', '.'])
}

/// An email address as mail servers accept it.
pub fn is_address(s: &str) -> bool {
    s.len() <= MAX_FIELD && s.parse::<lettre::Address>().is_ok()
}

impl Email {
    /// Trims the fields and refuses what could not be sent.
    pub fn checked(mut self) -> Result<Email> {
        self.server = self.server.trim().to_ascii_lowercase();
        self.username = self.username.trim().to_string();
        self.password_name = self.password_name.trim().to_string();
        self.from = self.from.trim().to_string();
        self.to = self
            .to
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if !is_server_name(&self.server) {
            return Err(refuse(
                format!("\"{}\" is not a mail server's name.", self.server),
                "Give the server's name as your email provider names it, for example smtp.example.com.",
            ));
        }
        if self.port == 0 {
            return Err(refuse(
                "The mail server's port cannot be 0.".into(),
                "Use 587 for STARTTLS or 465 for TLS, unless your provider says otherwise.",
            ));
        }
        if self.username.is_empty() || self.username.len() > MAX_FIELD {
            return Err(refuse(
                "The mail account's user name is missing or too long.".into(),
                "Give the name you sign in to the mail server with, often your email address.",
            ));
        }
        if !is_address(&self.from) {
            return Err(refuse(
                format!("\"{}\" is not an email address to send from.", self.from),
                "Give an address like office@example.com.",
            ));
        }
        if self.to.is_empty() || self.to.len() > MAX_RECIPIENTS {
            return Err(refuse(
                format!("Email notices need between 1 and {MAX_RECIPIENTS} addresses to go to."),
                "Give the address or addresses that should receive them, separated by commas.",
            ));
        }
        if let Some(bad) = self.to.iter().find(|t| !is_address(t)) {
            return Err(refuse(
                format!("\"{bad}\" is not an email address."),
                "Give addresses like boss@example.com, separated by commas.",
            ));
        }
        if self.password_name.is_empty() {
            return Err(refuse(
                "The mail account's password is missing.".into(),
                "Give the password; Shipshape keeps it in your keychain.",
            ));
        }
        Ok(self)
    }
}

/// Something the administrator is told about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Notice {
    /// Names it once: the same run or missed streak is never told twice.
    pub key: String,
    pub title: String,
    pub body: String,
    /// A failed run or missed runs (not a report of a run that went well).
    pub problem: bool,
}

fn at_local<Tz: TimeZone>(stamp: &str, tz: &Tz) -> Option<String>
where
    Tz::Offset: std::fmt::Display,
{
    let t = DateTime::parse_from_rfc3339(stamp).ok()?.with_timezone(tz);
    Some(t.format("%H:%M on %-d %B").to_string())
}

/// The notices `jobs` call for, about runs that ended after `since`, in
/// plain words naming `computer`.
pub fn notices<Tz: TimeZone>(
    jobs: &[JobStatus],
    computer: &str,
    since: DateTime<Utc>,
    tz: &Tz,
) -> Vec<Notice>
where
    Tz::Offset: std::fmt::Display,
{
    let mut found = Vec::new();
    for status in jobs {
        let Some(job) = &status.job else { continue };
        let what = job.kind.describe();
        if let Some(run) = &status.last_run {
            let ended = run
                .finished
                .as_deref()
                .and_then(|f| DateTime::parse_from_rfc3339(f).ok())
                .map(|t| t.with_timezone(&Utc));
            let when = run.finished.as_deref().and_then(|f| at_local(f, tz));
            if let (Some(ended), Some(when)) = (ended, when)
                && ended >= since
            {
                match run.outcome {
                    JobOutcome::Failed => found.push(Notice {
                        key: format!("run:{}", run.id),
                        title: format!("\u{201c}{what}\u{201d} failed on {computer}"),
                        body: format!(
                            "The run at {when} failed: {} Open Shipshape's Maintenance screen to see what happened and run it again.",
                            run.message
                        ),
                        problem: true,
                    }),
                    JobOutcome::Done => found.push(Notice {
                        key: format!("run:{}", run.id),
                        title: format!("\u{201c}{what}\u{201d} ran on {computer}"),
                        body: format!("On {computer} at {when}: {}", run.message),
                        problem: false,
                    }),
                    JobOutcome::CutOff => found.push(Notice {
                        key: format!("run:{}", run.id),
                        title: format!("\u{201c}{what}\u{201d} was cut off on {computer}"),
                        body: format!(
                            "The run that started before {when} was cut off before it finished, most likely because {computer} lost power or was turned off. It runs again at its next chance."
                        ),
                        problem: true,
                    }),
                    JobOutcome::Running | JobOutcome::Waiting => {}
                }
            }
        }
        if status.missed >= MISSED_ALERT && !job.paused {
            let streak = status.last_run.as_ref().map_or(0, |r| r.id);
            found.push(Notice {
                key: format!("missed:{}:{streak}", status.id),
                title: format!("\u{201c}{what}\u{201d} has not run on {computer}"),
                body: format!(
                    "It missed {} runs in a row, most likely because {computer} was off or asleep at those times. It runs once at the next chance; check its schedule in Shipshape's Maintenance screen.",
                    status.missed
                ),
                problem: true,
            });
        }
    }
    found
}

/// Where a notice goes under `settings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub desktop: bool,
    pub email: bool,
}

pub fn channels(settings: &Settings, notice: &Notice) -> Channels {
    Channels {
        desktop: settings.desktop && notice.problem,
        email: settings
            .email
            .as_ref()
            .is_some_and(|e| notice.problem || e.every_run),
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn sql(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("Could not {doing} the notice settings: {e}."),
        "Try again; if it keeps failing, check the disk.",
    )
}

/// The settings and the time notices start from; the defaults, from
/// `now`, when none were saved (old runs are never announced).
pub fn settings(store: &Store, now: DateTime<Utc>) -> Result<(Settings, DateTime<Utc>)> {
    let row: Option<(String, String)> = store
        .conn()
        .query_row(
            "SELECT settings, since FROM notice_settings WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(sql("read", e)),
        })?;
    let Some((json, since)) = row else {
        let defaults = Settings::default();
        store
            .conn()
            .execute(
                "INSERT OR IGNORE INTO notice_settings (id, settings, since) VALUES (1, ?1, ?2)",
                rusqlite::params![to_json(&defaults)?, stamp(now)],
            )
            .map_err(|e| sql("write", e))?;
        return Ok((defaults, now));
    };
    let since = DateTime::parse_from_rfc3339(&since)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    match serde_json::from_str(&json) {
        Ok(s) => Ok((s, since)),
        Err(e) => Err(Error::new(
            ErrorCode::Conflict,
            format!("The saved notice settings could not be read: {e}."),
            "Save the notice settings again in the Maintenance screen or with shipshape notify.",
        )),
    }
}

fn to_json(settings: &Settings) -> Result<String> {
    serde_json::to_string(settings).map_err(|e| Error::internal(e.to_string()))
}

/// Saves `settings` inside the caller's transaction; the time notices
/// start from is kept.
pub fn save(conn: &rusqlite::Connection, settings: &Settings, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO notice_settings (id, settings, since) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET settings = excluded.settings",
        rusqlite::params![to_json(settings)?, stamp(now)],
    )
    .map_err(|e| sql("save", e))?;
    Ok(())
}

/// Claims `key` for sending; false when it was sent (or is being sent)
/// already, by the app or the user service.
pub fn claim(store: &Store, key: &str, now: DateTime<Utc>) -> Result<bool> {
    let changed = store
        .conn()
        .execute(
            "INSERT OR IGNORE INTO notices_sent (key, sent) VALUES (?1, ?2)",
            rusqlite::params![key, stamp(now)],
        )
        .map_err(|e| sql("write", e))?;
    Ok(changed == 1)
}

/// Gives a claim back after every channel failed, so the next delivery
/// tries again.
pub fn release(store: &Store, key: &str) -> Result<()> {
    store
        .conn()
        .execute("DELETE FROM notices_sent WHERE key = ?1", [key])
        .map_err(|e| sql("write", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::maintain::jobs::ScheduledRun;
    use crate::maintain::schedule::{Job, JobKind, Recurrence, RestartPolicy};

    fn email() -> Email {
        Email {
            server: " SMTP.Example.com ".into(),
            port: 587,
            security: Security::StartTls,
            username: "office@example.com".into(),
            password_name: "Email notices".into(),
            from: "office@example.com".into(),
            to: vec!["boss@example.com".into(), " ".into()],
            every_run: false,
        }
    }

    fn status(outcome: JobOutcome, finished: &str, missed: u32) -> JobStatus {
        JobStatus {
            id: 4,
            job: Some(Job {
                kind: JobKind::SecurityPatching,
                recurrence: Recurrence::Day { at: "02:00".into() },
                window: None,
                restart: RestartPolicy::Never,
                paused: false,
            }),
            description: String::new(),
            next_run: None,
            last_run: Some(ScheduledRun {
                id: 9,
                job: 4,
                started: finished.into(),
                finished: Some(finished.into()),
                outcome,
                message: "3 security updates were installed. A restart is needed.".into(),
            }),
            missed,
            waiting: None,
            attention: None,
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn settings_are_trimmed_and_bad_ones_refused_in_plain_words() {
        let ok = email().checked().unwrap();
        assert_eq!(ok.server, "smtp.example.com");
        assert_eq!(ok.to, vec!["boss@example.com".to_string()]);
        type Spoil = fn(&mut Email);
        let bad: [(Spoil, &str); 6] = [
            (|e| e.server = "smtp example.com".into(), "mail server"),
            (|e| e.server = "-x".into(), "mail server"),
            (|e| e.port = 0, "port"),
            (|e| e.from = "office".into(), "send from"),
            (
                |e| e.to = vec!["boss@example.com".into(), "nobody".into()],
                "\"nobody\"",
            ),
            (|e| e.to = vec![], "between 1 and 20"),
        ];
        for (spoil, words) in bad {
            let mut e = email();
            spoil(&mut e);
            let err = e.checked().unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput);
            assert!(err.message.contains(words), "{}", err.message);
        }
    }

    #[test]
    fn a_finished_run_is_told_once_in_plain_words_and_old_runs_never() {
        let since = t("2026-12-01T00:00:00Z");
        let done = status(JobOutcome::Done, "2026-12-02T02:14:00Z", 0);
        let found = notices(std::slice::from_ref(&done), "office-pc", since, &Utc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "run:9");
        assert!(!found[0].problem);
        assert_eq!(
            found[0].body,
            "On office-pc at 02:14 on 2 December: 3 security updates were installed. A restart is needed."
        );
        let later = t("2026-12-03T00:00:00Z");
        assert!(notices(&[done], "office-pc", later, &Utc).is_empty());

        let failed = status(JobOutcome::Failed, "2026-12-02T02:14:00Z", 0);
        let found = notices(&[failed], "office-pc", since, &Utc);
        assert!(found[0].problem);
        assert!(found[0].title.contains("failed on office-pc"));
    }

    #[test]
    fn missed_runs_are_told_once_per_streak_and_not_for_a_paused_job() {
        let since = t("2026-12-05T00:00:00Z");
        let mut missing = status(JobOutcome::Done, "2026-12-02T02:14:00Z", MISSED_ALERT);
        let found = notices(std::slice::from_ref(&missing), "office-pc", since, &Utc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "missed:4:9");
        assert!(found[0].body.contains("missed 3 runs in a row"));
        missing.missed = MISSED_ALERT - 1;
        assert!(notices(std::slice::from_ref(&missing), "office-pc", since, &Utc).is_empty());
        missing.missed = MISSED_ALERT;
        if let Some(j) = missing.job.as_mut() {
            j.paused = true;
        }
        assert!(notices(&[missing], "office-pc", since, &Utc).is_empty());
    }

    #[test]
    fn desktop_tells_only_problems_and_email_reports_when_asked() {
        let problem = Notice {
            key: "k".into(),
            title: String::new(),
            body: String::new(),
            problem: true,
        };
        let report = Notice {
            problem: false,
            ..problem.clone()
        };
        let mut settings = Settings::default();
        assert_eq!(
            channels(&settings, &problem),
            Channels {
                desktop: true,
                email: false
            }
        );
        assert!(!channels(&settings, &report).desktop);
        settings.email = Some(email());
        assert!(channels(&settings, &problem).email);
        assert!(!channels(&settings, &report).email);
        if let Some(e) = settings.email.as_mut() {
            e.every_run = true;
        }
        assert!(channels(&settings, &report).email);
    }

    #[test]
    fn a_notice_is_claimed_once_and_given_back_after_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), t("2026-12-01T00:00:00Z")).unwrap();
        let now = t("2026-12-02T03:00:00Z");
        let (defaults, since) = settings(&store, now).unwrap();
        assert_eq!(defaults, Settings::default());
        assert_eq!(since, now);
        assert!(claim(&store, "run:9", now).unwrap());
        assert!(!claim(&store, "run:9", now).unwrap());
        release(&store, "run:9").unwrap();
        assert!(claim(&store, "run:9", now).unwrap());
    }

    #[test]
    fn saving_keeps_the_start_time_and_a_damaged_row_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), t("2026-12-01T00:00:00Z")).unwrap();
        let first = t("2026-12-02T03:00:00Z");
        settings(&store, first).unwrap();
        let wanted = Settings {
            desktop: false,
            email: Some(email().checked().unwrap()),
        };
        save(store.conn(), &wanted, t("2026-12-03T03:00:00Z")).unwrap();
        assert_eq!(settings(&store, first).unwrap(), (wanted, first));
        store
            .conn()
            .execute("UPDATE notice_settings SET settings = '{'", [])
            .unwrap();
        let err = settings(&store, first).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
    }
}
