//! Scheduled maintenance: jobs with a recurrence in plain words, an
//! optional maintenance window and, for patching, a restart policy; which
//! job is due now, missed runs caught up once, and what a window too short
//! for a run does. Everything here is a pure function of the jobs, their
//! runs, the time and the time zone, so tests drive it with a fake clock;
//! `run_due` (root, from the systemd timer) is the one place that acts.

use crate::{Error, Result};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobKind {
    /// Look for waiting updates (downloads fresh package lists).
    UpdateCheck,
    /// Install security updates.
    SecurityPatching,
    /// Install every waiting update.
    AllUpdates,
    /// Run the security check.
    SecurityScan,
    /// Back up every backup set up, by its plan.
    Backup,
    /// Prove the newest backups can be restored.
    RestoreTest,
}

impl JobKind {
    pub fn describe(self) -> &'static str {
        match self {
            JobKind::UpdateCheck => "Check for updates",
            JobKind::SecurityPatching => "Install security updates",
            JobKind::AllUpdates => "Install all updates",
            JobKind::SecurityScan => "Check security settings",
            JobKind::Backup => "Back up files",
            JobKind::RestoreTest => "Test restoring backups",
        }
    }

    /// Patching waits for its window after a missed run; checks and scans
    /// catch up at the next chance (start-up).
    pub fn changes_the_computer(self) -> bool {
        matches!(self, JobKind::SecurityPatching | JobKind::AllUpdates)
    }

    /// How long a run is taken to last before there is any history.
    fn first_estimate(self) -> Duration {
        match self {
            JobKind::UpdateCheck | JobKind::SecurityScan => Duration::minutes(5),
            JobKind::SecurityPatching | JobKind::AllUpdates | JobKind::RestoreTest => {
                Duration::minutes(30)
            }
            JobKind::Backup => Duration::minutes(60),
        }
    }
}

/// When a job runs, in the computer's local time. Times are "HH:MM".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "every")]
#[ts(export)]
pub enum Recurrence {
    Day {
        at: String,
    },
    /// Days as "mon" … "sun".
    Week {
        days: Vec<String>,
        at: String,
    },
    /// Day 1 to 28, so every month has it.
    Month {
        day: u8,
        at: String,
    },
}

/// Only between `from` and `to` (local "HH:MM"); `to` before `from`
/// means the window runs over midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Window {
    pub from: String,
    pub to: String,
}

/// What patching does about a restart the updates need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RestartPolicy {
    Never,
    AskMe,
    /// Inside the window, when nobody is logged in at the screen.
    WhenNobodyIsAtTheScreen,
}

/// A scheduled job as the administrator set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Job {
    pub kind: JobKind,
    pub recurrence: Recurrence,
    pub window: Option<Window>,
    pub restart: RestartPolicy,
    pub paused: bool,
}

const DAYS: [(&str, Weekday, &str); 7] = [
    ("mon", Weekday::Mon, "Monday"),
    ("tue", Weekday::Tue, "Tuesday"),
    ("wed", Weekday::Wed, "Wednesday"),
    ("thu", Weekday::Thu, "Thursday"),
    ("fri", Weekday::Fri, "Friday"),
    ("sat", Weekday::Sat, "Saturday"),
    ("sun", Weekday::Sun, "Sunday"),
];

/// Reads "HH:MM" (24-hour).
pub fn time_of_day(text: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        Error::invalid_input(
            format!("\"{text}\" is not a time of day."),
            "Write it as HH:MM on the 24-hour clock, for example 02:30.",
        )
    })
}

fn weekday(name: &str) -> Result<Weekday> {
    DAYS.iter()
        .find(|(short, _, long)| {
            name.eq_ignore_ascii_case(short) || name.eq_ignore_ascii_case(long)
        })
        .map(|(_, d, _)| *d)
        .ok_or_else(|| {
            Error::invalid_input(
                format!("\"{name}\" is not a day of the week."),
                "Use mon, tue, wed, thu, fri, sat or sun.",
            )
        })
}

impl Recurrence {
    /// Refuses a recurrence that could never run or is not understood.
    pub fn checked(self) -> Result<Recurrence> {
        match &self {
            Recurrence::Day { at } => {
                time_of_day(at)?;
            }
            Recurrence::Week { days, at } => {
                time_of_day(at)?;
                if days.is_empty() {
                    return Err(Error::invalid_input(
                        "A weekly job needs at least one day.",
                        "Choose the days it runs on, for example tue,thu.",
                    ));
                }
                for d in days {
                    weekday(d)?;
                }
            }
            Recurrence::Month { day, at } => {
                time_of_day(at)?;
                if !(1..=28).contains(day) {
                    return Err(Error::invalid_input(
                        format!("Day {day} is not in every month."),
                        "Choose a day from 1 to 28.",
                    ));
                }
            }
        }
        Ok(self)
    }

    fn at(&self) -> NaiveTime {
        let (Recurrence::Day { at } | Recurrence::Week { at, .. } | Recurrence::Month { at, .. }) =
            self;
        time_of_day(at).unwrap_or(NaiveTime::MIN)
    }

    fn on(&self, date: NaiveDate) -> bool {
        match self {
            Recurrence::Day { .. } => true,
            Recurrence::Week { days, .. } => days
                .iter()
                .any(|d| weekday(d).is_ok_and(|w| w == date.weekday())),
            Recurrence::Month { day, .. } => date.day() == u32::from(*day),
        }
    }

    /// In plain words: "Every Tuesday and Thursday at 12:30".
    pub fn describe(&self) -> String {
        let at = self.at().format("%H:%M");
        match self {
            Recurrence::Day { .. } => format!("Every day at {at}"),
            Recurrence::Week { days, .. } => {
                let mut names: Vec<(usize, &str)> = days
                    .iter()
                    .filter_map(|d| {
                        let w = weekday(d).ok()?;
                        DAYS.iter()
                            .position(|(_, x, _)| *x == w)
                            .map(|i| (i, DAYS[i].2))
                    })
                    .collect();
                names.sort();
                names.dedup();
                let names: Vec<&str> = names.into_iter().map(|(_, n)| n).collect();
                let list = match names.as_slice() {
                    [] => String::new(),
                    [one] => (*one).to_string(),
                    [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                };
                if names.len() == 7 {
                    format!("Every day at {at}")
                } else {
                    format!("Every {list} at {at}")
                }
            }
            Recurrence::Month { day, .. } => {
                let suffix = match day {
                    1 | 21 => "st",
                    2 | 22 => "nd",
                    3 | 23 => "rd",
                    _ => "th",
                };
                format!("Every month on the {day}{suffix} at {at}")
            }
        }
    }

    /// The same moments as a systemd calendar expression, so
    /// `systemd-analyze calendar` can check them.
    pub fn on_calendar(&self) -> String {
        let at = self.at().format("%H:%M:00");
        match self {
            Recurrence::Day { .. } => format!("*-*-* {at}"),
            Recurrence::Week { days, .. } => {
                let names: Vec<&str> = DAYS
                    .iter()
                    .filter(|(_, w, _)| days.iter().any(|d| weekday(d).is_ok_and(|x| x == *w)))
                    .map(|(s, _, _)| *s)
                    .collect();
                let names: Vec<String> = names
                    .iter()
                    .map(|s| crate::figures::capitalised(s))
                    .collect();
                format!("{} *-*-* {at}", names.join(","))
            }
            Recurrence::Month { day, .. } => format!("*-*-{day:02} {at}"),
        }
    }

    /// When the recurrence fires on `date` in `tz`. A time skipped by a
    /// change to summer time runs when the clock has moved on (02:30
    /// becomes 03:30); a time that happens twice runs the first time.
    fn moment<Tz: TimeZone>(&self, date: NaiveDate, tz: &Tz) -> DateTime<Utc> {
        local_moment(date, self.at(), tz)
    }

    /// Every moment the job fires after `after`, up to and including
    /// `until`, oldest first (at most a year and a half of days are
    /// looked at).
    pub fn between<Tz: TimeZone>(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        tz: &Tz,
    ) -> Vec<DateTime<Utc>> {
        let mut date = after.with_timezone(tz).date_naive();
        let last = until.with_timezone(tz).date_naive();
        let mut found = Vec::new();
        for _ in 0..550 {
            if date > last {
                break;
            }
            if self.on(date) {
                let m = self.moment(date, tz);
                if m > after && m <= until {
                    found.push(m);
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        found
    }

    /// The first moment after `after`.
    pub fn next<Tz: TimeZone>(&self, after: DateTime<Utc>, tz: &Tz) -> Option<DateTime<Utc>> {
        self.between(after, after + Duration::days(400), tz)
            .into_iter()
            .next()
    }
}

fn local_moment<Tz: TimeZone>(date: NaiveDate, at: NaiveTime, tz: &Tz) -> DateTime<Utc> {
    let naive = date.and_time(at);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In the hour the clock skipped: the same time an hour on.
            let later = naive + Duration::hours(1);
            match tz.from_local_datetime(&later) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => Utc.from_utc_datetime(&naive),
            }
        }
    }
}

impl Window {
    pub fn checked(self) -> Result<Window> {
        let (from, to) = (time_of_day(&self.from)?, time_of_day(&self.to)?);
        if from == to {
            return Err(Error::invalid_input(
                "A maintenance window must not start and end at the same time.",
                "Give a window such as 02:00 to 04:00, or none for any time.",
            ));
        }
        Ok(self)
    }

    /// The window `now` is in, as (start, end); `None` outside it.
    pub fn around<Tz: TimeZone>(
        &self,
        now: DateTime<Utc>,
        tz: &Tz,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (from, to) = (time_of_day(&self.from).ok()?, time_of_day(&self.to).ok()?);
        let today = now.with_timezone(tz).date_naive();
        // The window that started today, or (over midnight) yesterday.
        for start_day in [today, today.pred_opt()?] {
            let start = local_moment(start_day, from, tz);
            let end_day = if to > from {
                start_day
            } else {
                start_day.succ_opt()?
            };
            let end = local_moment(end_day, to, tz);
            if start <= now && now < end {
                return Some((start, end));
            }
        }
        None
    }

    /// When the next window opens after `now`.
    pub fn next_opening<Tz: TimeZone>(&self, now: DateTime<Utc>, tz: &Tz) -> Option<DateTime<Utc>> {
        Recurrence::Day {
            at: self.from.clone(),
        }
        .next(now, tz)
    }

    pub fn describe(&self) -> String {
        format!("only between {} and {}", self.from, self.to)
    }
}

impl Job {
    /// Refuses a job whose times cannot be read.
    pub fn checked(self) -> Result<Job> {
        Ok(Job {
            recurrence: self.recurrence.checked()?,
            window: self.window.map(Window::checked).transpose()?,
            ..self
        })
    }

    /// "Install security updates: every Tuesday at 02:00, only between
    /// 02:00 and 04:00".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: {}",
            self.kind.describe(),
            lower_first(&self.recurrence.describe())
        );
        if let Some(w) = &self.window {
            s.push_str(", ");
            s.push_str(&w.describe());
        }
        if self.paused {
            s.push_str(" (paused)");
        }
        s
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// What to do about a job now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Start it now; `missed` earlier occurrences passed without a run
    /// (they are not run again: one catch-up stands for them all).
    Run { missed: u32 },
    /// It is due, but not now: outside its window, or the window closes
    /// before a run would end. Carried to `until`.
    Carry {
        until: DateTime<Utc>,
        why: String,
        missed: u32,
    },
    /// Not due; the next occurrence.
    Idle { next: Option<DateTime<Utc>> },
}

/// Decides about `job` at `now`: `since` is when it last started (or was
/// created), `estimate` how long its runs take (from past runs, or a
/// first guess).
pub fn decide<Tz: TimeZone>(
    job: &Job,
    since: DateTime<Utc>,
    estimate: Option<Duration>,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Decision {
    if job.paused {
        return Decision::Idle { next: None };
    }
    // A clock set back makes `since` lie in the future: count from now.
    let since = since.min(now);
    let due = job.recurrence.between(since, now, tz);
    let Some(_) = due.last() else {
        return Decision::Idle {
            next: job.recurrence.next(now, tz),
        };
    };
    let missed = due.len().saturating_sub(1) as u32;
    let Some(window) = &job.window else {
        return Decision::Run { missed };
    };
    let estimate = estimate.unwrap_or_else(|| job.kind.first_estimate());
    match window.around(now, tz) {
        Some((_, end)) if now + estimate <= end => Decision::Run { missed },
        Some((_, end)) => Decision::Carry {
            until: window.next_opening(end, tz).unwrap_or(end),
            why: format!(
                "A run takes about {} minutes and the window closes at {}: it waits for the next window.",
                estimate.num_minutes().max(1),
                window.to
            ),
            missed,
        },
        None => Decision::Carry {
            until: window.next_opening(now, tz).unwrap_or(now),
            why: format!("It runs {}: it waits for the window.", window.describe()),
            missed,
        },
    }
}

/// What a patching run does about a restart its updates need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restart {
    /// Nothing needs a restart, or the policy is never to.
    No,
    /// Restart the computer now.
    Now,
    /// Tell the administrator, in these words.
    Ask(String),
}

/// Decides about a restart after patching: `needed` (the updates need
/// one), `at_the_screen` (someone is logged in at the computer itself).
pub fn restart<Tz: TimeZone>(
    job: &Job,
    needed: bool,
    at_the_screen: bool,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Restart {
    if !needed || !job.kind.changes_the_computer() {
        return Restart::No;
    }
    match job.restart {
        RestartPolicy::Never => Restart::No,
        RestartPolicy::AskMe => {
            Restart::Ask("A restart is needed to finish the updates: restart at a quiet moment.".into())
        }
        RestartPolicy::WhenNobodyIsAtTheScreen if at_the_screen => Restart::Ask(
            "A restart is needed to finish the updates, but someone is logged in at the screen, so it was left for you: restart at a quiet moment.".into(),
        ),
        RestartPolicy::WhenNobodyIsAtTheScreen => match &job.window {
            Some(w) if w.around(now, tz).is_none() => Restart::Ask(format!(
                "A restart is needed to finish the updates; the maintenance window ({}) had closed, so it was left for you.",
                w.describe()
            )),
            _ => Restart::Now,
        },
    }
}

/// How long a job's runs take: the average of the last few, in whole
/// minutes rounded up.
pub fn estimate(durations: &[Duration]) -> Option<Duration> {
    let recent: Vec<&Duration> = durations.iter().rev().take(5).collect();
    if recent.is_empty() {
        return None;
    }
    let total: i64 = recent.iter().map(|d| d.num_seconds().max(0)).sum();
    let average = total / recent.len() as i64;
    Some(Duration::minutes((average + 59) / 60))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use chrono::FixedOffset;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn weekly(days: &[&str], at: &str) -> Recurrence {
        Recurrence::Week {
            days: days.iter().map(|d| d.to_string()).collect(),
            at: at.into(),
        }
    }

    fn job(recurrence: Recurrence, window: Option<(&str, &str)>) -> Job {
        Job {
            kind: JobKind::SecurityPatching,
            recurrence,
            window: window.map(|(f, t)| Window {
                from: f.into(),
                to: t.into(),
            }),
            restart: RestartPolicy::WhenNobodyIsAtTheScreen,
            paused: false,
        }
    }

    #[test]
    fn recurrences_read_in_plain_words() {
        assert_eq!(
            weekly(&["thu", "tue"], "12:30").describe(),
            "Every Tuesday and Thursday at 12:30"
        );
        assert_eq!(
            weekly(&["mon", "wed", "fri"], "08:05").describe(),
            "Every Monday, Wednesday and Friday at 08:05"
        );
        assert_eq!(
            Recurrence::Day { at: "02:00".into() }.describe(),
            "Every day at 02:00"
        );
        assert_eq!(
            Recurrence::Month {
                day: 1,
                at: "03:00".into()
            }
            .describe(),
            "Every month on the 1st at 03:00"
        );
        let j = job(weekly(&["tue"], "02:00"), Some(("02:00", "04:00")));
        assert_eq!(
            j.describe(),
            "Install security updates: every Tuesday at 02:00, only between 02:00 and 04:00"
        );
    }

    #[test]
    fn bad_times_days_and_windows_are_refused() {
        for bad in ["25:00", "2pm", "", "12:60"] {
            assert!(
                Recurrence::Day { at: bad.into() }.checked().is_err(),
                "{bad}"
            );
        }
        assert!(weekly(&[], "02:00").checked().is_err());
        assert!(weekly(&["funday"], "02:00").checked().is_err());
        assert!(
            Recurrence::Month {
                day: 31,
                at: "02:00".into()
            }
            .checked()
            .is_err()
        );
        assert!(
            job(weekly(&["tue"], "02:00"), Some(("03:00", "03:00")))
                .checked()
                .is_err()
        );
        assert!(
            job(weekly(&["Tuesday"], "02:00"), Some(("22:00", "04:00")))
                .checked()
                .is_ok()
        );
    }

    #[test]
    fn a_missed_run_is_caught_up_once_not_once_per_miss() {
        let tz = Utc;
        let daily = job(Recurrence::Day { at: "03:00".into() }, None);
        // Off for three nights: one run now, three missed.
        let d = decide(
            &daily,
            utc("2026-12-01T03:30:00Z"),
            None,
            utc("2026-12-04T09:00:00Z"),
            &tz,
        );
        assert_eq!(d, Decision::Run { missed: 2 });
        // Ran last night: nothing until tomorrow 03:00.
        let d = decide(
            &daily,
            utc("2026-12-04T03:00:00Z"),
            None,
            utc("2026-12-04T09:00:00Z"),
            &tz,
        );
        assert_eq!(
            d,
            Decision::Idle {
                next: Some(utc("2026-12-05T03:00:00Z"))
            }
        );
        // Paused: never due.
        let mut paused = daily.clone();
        paused.paused = true;
        assert_eq!(
            decide(
                &paused,
                utc("2026-11-01T00:00:00Z"),
                None,
                utc("2026-12-04T09:00:00Z"),
                &tz
            ),
            Decision::Idle { next: None }
        );
    }

    #[test]
    fn patching_waits_for_its_window_and_for_room_in_it() {
        let tz = Utc;
        let nightly = job(
            Recurrence::Day { at: "02:00".into() },
            Some(("02:00", "04:00")),
        );
        let since = utc("2026-12-02T02:00:00Z");
        // The computer was off at 02:00 and woke at 09:00: carried to tonight.
        match decide(&nightly, since, None, utc("2026-12-03T09:00:00Z"), &tz) {
            Decision::Carry { until, .. } => assert_eq!(until, utc("2026-12-04T02:00:00Z")),
            other => panic!("{other:?}"),
        }
        // Inside the window with room: run.
        assert_eq!(
            decide(&nightly, since, None, utc("2026-12-03T02:05:00Z"), &tz),
            Decision::Run { missed: 0 }
        );
        // At 03:45 a run of about 30 minutes would end after 04:00.
        match decide(&nightly, since, None, utc("2026-12-03T03:45:00Z"), &tz) {
            Decision::Carry { until, why, .. } => {
                assert_eq!(until, utc("2026-12-04T02:00:00Z"));
                assert!(why.contains("30 minutes"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        // Past runs that took 10 minutes leave room.
        let est = estimate(&[Duration::minutes(9), Duration::seconds(600)]);
        assert_eq!(est, Some(Duration::minutes(10)));
        assert_eq!(
            decide(&nightly, since, est, utc("2026-12-03T03:45:00Z"), &tz),
            Decision::Run { missed: 0 }
        );
        // A run longer than the whole window still waits, and says why.
        match decide(
            &nightly,
            since,
            Some(Duration::hours(3)),
            utc("2026-12-03T02:00:00Z"),
            &tz,
        ) {
            Decision::Carry { why, .. } => assert!(why.contains("180 minutes"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_restart_follows_the_policy_the_window_and_who_is_at_the_screen() {
        let tz = Utc;
        let mut j = job(
            Recurrence::Day { at: "02:00".into() },
            Some(("02:00", "04:00")),
        );
        let in_window = utc("2026-12-04T02:30:00Z");
        assert_eq!(restart(&j, false, false, in_window, &tz), Restart::No);
        assert_eq!(restart(&j, true, false, in_window, &tz), Restart::Now);
        assert!(
            matches!(restart(&j, true, true, in_window, &tz), Restart::Ask(w) if w.contains("someone is logged in"))
        );
        assert!(
            matches!(restart(&j, true, false, utc("2026-12-04T05:00:00Z"), &tz), Restart::Ask(w) if w.contains("window"))
        );
        j.restart = RestartPolicy::AskMe;
        assert!(matches!(
            restart(&j, true, false, in_window, &tz),
            Restart::Ask(_)
        ));
        j.restart = RestartPolicy::Never;
        assert_eq!(restart(&j, true, false, in_window, &tz), Restart::No);
        j.restart = RestartPolicy::WhenNobodyIsAtTheScreen;
        j.kind = JobKind::SecurityScan;
        assert_eq!(restart(&j, true, false, in_window, &tz), Restart::No);
    }

    #[test]
    fn a_window_over_midnight() {
        let tz = Utc;
        let w = Window {
            from: "22:00".into(),
            to: "04:00".into(),
        };
        assert!(w.around(utc("2026-12-03T23:00:00Z"), &tz).is_some());
        let (start, end) = w.around(utc("2026-12-04T01:00:00Z"), &tz).unwrap();
        assert_eq!(
            (start, end),
            (utc("2026-12-03T22:00:00Z"), utc("2026-12-04T04:00:00Z"))
        );
        assert!(w.around(utc("2026-12-04T12:00:00Z"), &tz).is_none());
    }

    #[test]
    fn two_jobs_due_together_both_run() {
        let tz = Utc;
        let check = Job {
            kind: JobKind::UpdateCheck,
            ..job(Recurrence::Day { at: "06:00".into() }, None)
        };
        let scan = Job {
            kind: JobKind::SecurityScan,
            ..job(weekly(&["fri"], "06:00"), None)
        };
        let since = utc("2026-12-03T07:00:00Z");
        let now = utc("2026-12-04T06:00:00Z"); // a Friday
        assert_eq!(
            decide(&check, since, None, now, &tz),
            Decision::Run { missed: 0 }
        );
        assert_eq!(
            decide(&scan, since, None, now, &tz),
            Decision::Run { missed: 0 }
        );
    }

    #[test]
    fn a_clock_jump_neither_runs_twice_nor_skips() {
        let tz = Utc;
        let daily = job(Recurrence::Day { at: "03:00".into() }, None);
        // The clock was set back a day after a run: not due again.
        let ran = utc("2026-12-04T03:00:00Z");
        assert!(matches!(
            decide(&daily, ran, None, utc("2026-12-03T10:00:00Z"), &tz),
            Decision::Idle { .. }
        ));
        // The clock jumped forward a week: one run, the rest missed.
        assert_eq!(
            decide(&daily, ran, None, utc("2026-12-11T10:00:00Z"), &tz),
            Decision::Run { missed: 6 }
        );
    }

    #[test]
    fn daylight_saving_changes_neither_skip_nor_double_a_run() {
        // A zone that moves its clocks like central Europe's: +1 in
        // winter, +2 in summer, changing at 01:00 UTC on the last Sunday
        // of March and October.
        #[derive(Debug, Clone, Copy)]
        struct Cet;
        impl Cet {
            fn summer(utc: chrono::NaiveDateTime) -> bool {
                let y = utc.year();
                let last_sunday = |m: u32| {
                    let mut d = NaiveDate::from_ymd_opt(y, m, 31).unwrap();
                    while d.weekday() != Weekday::Sun {
                        d = d.pred_opt().unwrap();
                    }
                    d.and_hms_opt(1, 0, 0).unwrap()
                };
                utc >= last_sunday(3) && utc < last_sunday(10)
            }
        }
        impl TimeZone for Cet {
            type Offset = FixedOffset;
            fn from_offset(_: &FixedOffset) -> Self {
                Cet
            }
            fn offset_from_local_date(&self, _: &NaiveDate) -> LocalResult<FixedOffset> {
                LocalResult::None
            }
            fn offset_from_local_datetime(
                &self,
                local: &chrono::NaiveDateTime,
            ) -> LocalResult<FixedOffset> {
                let winter = FixedOffset::east_opt(3600).unwrap();
                let summer = FixedOffset::east_opt(7200).unwrap();
                let as_winter = Cet::summer(*local - Duration::hours(1));
                let as_summer = Cet::summer(*local - Duration::hours(2));
                match (as_winter, as_summer) {
                    (false, false) => LocalResult::Single(winter),
                    (true, true) => LocalResult::Single(summer),
                    (false, true) => LocalResult::Ambiguous(summer, winter),
                    (true, false) => LocalResult::None,
                }
            }
            fn offset_from_utc_date(&self, _: &NaiveDate) -> FixedOffset {
                FixedOffset::east_opt(3600).unwrap()
            }
            fn offset_from_utc_datetime(&self, utc: &chrono::NaiveDateTime) -> FixedOffset {
                FixedOffset::east_opt(if Cet::summer(*utc) { 7200 } else { 3600 }).unwrap()
            }
        }
        // 02:30 does not exist on 29 March 2026: it runs at 03:30 summer time, once.
        let daily = Recurrence::Day { at: "02:30".into() };
        let runs = daily.between(
            utc("2026-03-28T12:00:00Z"),
            utc("2026-03-30T12:00:00Z"),
            &Cet,
        );
        assert_eq!(
            runs,
            [utc("2026-03-29T01:30:00Z"), utc("2026-03-30T00:30:00Z")]
        );
        // 02:30 happens twice on 25 October 2026: it runs the first time only.
        let runs = daily.between(
            utc("2026-10-24T12:00:00Z"),
            utc("2026-10-26T12:00:00Z"),
            &Cet,
        );
        assert_eq!(
            runs,
            [utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")]
        );
    }
}
