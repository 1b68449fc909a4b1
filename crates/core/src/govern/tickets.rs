//! Incidents and maintenance tickets: what happened, on which computer,
//! how much it matters (priority from impact and urgency), who is
//! handling it and how far they got. Status moves open → in work → on
//! hold (with a reason and a reminder date) → resolved (with what was
//! done, and what would stop it happening again) → closed. Each ticket
//! links the findings, alerts, changes and runs it concerns, with their
//! evidence copied in at linking time, so a link to something deleted
//! since still says what it was. Every step is in the ticket's timeline
//! and the activity log.

use crate::audit::{self, Actor, NewEntry};
use crate::json_rows;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

const TABLE: &str = "tickets";
const WHAT: &str = "incidents";
/// Longest title and text accepted, in characters.
const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 10_000;

/// How much something is affected (impact) or how soon it must be
/// handled (urgency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "TicketLevel")]
pub enum Level {
    High,
    Medium,
    Low,
}

impl Level {
    pub fn parse(s: &str) -> Result<Level> {
        match s {
            "high" => Ok(Level::High),
            "medium" => Ok(Level::Medium),
            "low" => Ok(Level::Low),
            _ => Err(Error::invalid_input(
                format!("\"{s}\" is not a level."),
                "Use high, medium or low.",
            )),
        }
    }
}

/// What to handle first, from impact and urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "TicketPriority")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

/// The usual impact × urgency matrix: both high is critical; one high and
/// one medium is high; both medium, or high with low, is medium; the
/// rest is low.
pub fn priority(impact: Level, urgency: Level) -> Priority {
    use Level::*;
    match (impact, urgency) {
        (High, High) => Priority::Critical,
        (High, Medium) | (Medium, High) => Priority::High,
        (Medium, Medium) | (High, Low) | (Low, High) => Priority::Medium,
        _ => Priority::Low,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TicketStatus {
    Open,
    InWork,
    OnHold,
    Resolved,
    Closed,
}

impl TicketStatus {
    pub fn words(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::InWork => "in work",
            TicketStatus::OnHold => "on hold",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<TicketStatus> {
        match s {
            "open" => Ok(TicketStatus::Open),
            "in-work" | "in_work" => Ok(TicketStatus::InWork),
            "on-hold" | "on_hold" => Ok(TicketStatus::OnHold),
            "resolved" => Ok(TicketStatus::Resolved),
            "closed" => Ok(TicketStatus::Closed),
            _ => Err(Error::invalid_input(
                format!("\"{s}\" is not a ticket status."),
                "Use open, in-work, on-hold, resolved or closed.",
            )),
        }
    }

    /// Still needs someone: not resolved or closed.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TicketStatus::Open | TicketStatus::InWork | TicketStatus::OnHold
        )
    }
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "TicketLinkKind")]
pub enum LinkKind {
    /// A security check's finding (its check id).
    Finding,
    /// A health alert (its number).
    Alert,
    /// A change made by a fix (its number).
    Change,
    /// An update run, installation or removal (its number).
    Run,
    /// A deployment of a plan (its number).
    Deployment,
    /// A difference from the accepted baseline ("new_listener:8080": its
    /// kind and subject).
    Anomaly,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Finding => "finding",
            LinkKind::Alert => "alert",
            LinkKind::Change => "change",
            LinkKind::Run => "run",
            LinkKind::Deployment => "deployment",
            LinkKind::Anomaly => "anomaly",
        }
    }

    pub fn parse(s: &str) -> Result<LinkKind> {
        match s {
            "finding" => Ok(LinkKind::Finding),
            "alert" => Ok(LinkKind::Alert),
            "change" => Ok(LinkKind::Change),
            "run" => Ok(LinkKind::Run),
            "deployment" => Ok(LinkKind::Deployment),
            "anomaly" => Ok(LinkKind::Anomaly),
            _ => Err(Error::invalid_input(
                format!("\"{s}\" is not something a ticket links to."),
                "Use finding:CHECK-ID, alert:N, change:N, run:N, deployment:N or anomaly:KIND:SUBJECT.",
            )),
        }
    }
}

/// Something a ticket concerns, with its evidence as it was when linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TicketLink")]
pub struct Link {
    pub kind: LinkKind,
    pub id: String,
    pub title: String,
    pub evidence: String,
    pub linked: String,
    /// Read now, not stored: no longer in the records.
    #[serde(default)]
    pub gone: bool,
    /// Read now, not stored: an alert that has cleared since, a finding
    /// that passes now, an anomaly no longer seen.
    #[serde(default)]
    pub cleared: bool,
}

/// One step of a ticket's life, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TicketEvent")]
pub struct Event {
    pub time: String,
    pub by: String,
    pub what: String,
}

/// Why a ticket waits, and when to look at it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TicketHold")]
pub struct Hold {
    pub reason: String,
    /// "YYYY-MM-DD".
    pub remind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Ticket {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub what: String,
    pub computer: String,
    pub impact: Level,
    pub urgency: Level,
    pub priority: Priority,
    pub status: TicketStatus,
    pub hold: Option<Hold>,
    /// What was done, once resolved.
    pub resolution: Option<String>,
    /// What would stop it happening again, asked on resolving.
    pub prevention: Option<String>,
    pub links: Vec<Link>,
    pub timeline: Vec<Event>,
    pub opened: String,
    pub by: String,
    pub updated: String,
}

/// A ticket to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewTicket {
    pub title: String,
    pub what: String,
    pub impact: Level,
    pub urgency: Level,
    pub links: Vec<Link>,
}

/// A move to another status, with what that status needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "to", rename_all = "snake_case")]
#[ts(export, rename = "TicketMove")]
pub enum Move {
    Open,
    InWork,
    OnHold { reason: String, remind: String },
    Resolved { done: String, prevention: String },
    Closed,
}

impl Move {
    fn status(&self) -> TicketStatus {
        match self {
            Move::Open => TicketStatus::Open,
            Move::InWork => TicketStatus::InWork,
            Move::OnHold { .. } => TicketStatus::OnHold,
            Move::Resolved { .. } => TicketStatus::Resolved,
            Move::Closed => TicketStatus::Closed,
        }
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `text` trimmed, refused when empty or longer than `max`.
fn text(field: &str, value: &str, max: usize, needed: bool) -> Result<String> {
    let t = value.trim();
    if needed && t.is_empty() {
        return Err(Error::invalid_input(
            format!("The {field} is empty."),
            format!("Write the {field}."),
        ));
    }
    if t.chars().count() > max || t.contains('\0') {
        return Err(Error::invalid_input(
            format!("The {field} is longer than {max} characters."),
            "Shorten it; details go in a note.",
        ));
    }
    Ok(t.to_string())
}

/// Every ticket, newest first.
pub fn list(store: &Store) -> Result<Vec<Ticket>> {
    Ok(json_rows::all::<Ticket>(store, TABLE, WHAT)?
        .into_iter()
        .map(|(id, t)| Ticket { id, ..t })
        .collect())
}

/// Ticket `id`.
pub fn get(store: &Store, id: i64) -> Result<Ticket> {
    json_rows::one::<Ticket>(store, TABLE, WHAT, id)?
        .map(|t| Ticket { id, ..t })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no incident {id}."),
                "Run shipshape incident list to see the incidents and their numbers.",
            )
        })
}

fn save(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    t: &mut Ticket,
    action: &str,
) -> Result<()> {
    t.updated = stamp(now);
    let details = serde_json::json!({
        "status": t.status,
        "priority": t.priority,
        "last": t.timeline.last().map(|e| e.what.clone()),
    });
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = json_rows::put(tx, TABLE, WHAT, t.id, &t.opened, &*t)?;
        let mut details = details;
        if let Some(d) = details.as_object_mut() {
            d.insert("incident".into(), id.into());
        }
        Ok((id, NewEntry::ok(action, &t.title, details)))
    })?;
    t.id = id;
    Ok(())
}

fn event(t: &mut Ticket, actor: &Actor, now: DateTime<Utc>, what: String) {
    t.timeline.push(Event {
        time: stamp(now),
        by: actor.user.clone(),
        what,
    });
}

/// Opens a ticket.
pub fn open(store: &Store, new: NewTicket, actor: &Actor, now: DateTime<Utc>) -> Result<Ticket> {
    let title = text("title", &new.title, TITLE_MAX, true)?;
    let what = text("description", &new.what, TEXT_MAX, false)?;
    let mut t = Ticket {
        id: 0,
        title,
        what,
        computer: crate::computer::hostname(),
        impact: new.impact,
        urgency: new.urgency,
        priority: priority(new.impact, new.urgency),
        status: TicketStatus::Open,
        hold: None,
        resolution: None,
        prevention: None,
        links: Vec::new(),
        timeline: Vec::new(),
        opened: stamp(now),
        by: actor.user.clone(),
        updated: stamp(now),
    };
    let opened = format!(
        "Opened, priority {} (impact {}, urgency {}).",
        priority_words(t.priority),
        level_words(t.impact),
        level_words(t.urgency)
    );
    event(&mut t, actor, now, opened);
    for link in new.links {
        add_link(&mut t, link, actor, now)?;
    }
    save(store, now, actor, &mut t, "incident.open")?;
    Ok(t)
}

pub fn priority_words(p: Priority) -> &'static str {
    match p {
        Priority::Critical => "critical",
        Priority::High => "high",
        Priority::Medium => "medium",
        Priority::Low => "low",
    }
}

fn level_words(l: Level) -> &'static str {
    match l {
        Level::High => "high",
        Level::Medium => "medium",
        Level::Low => "low",
    }
}

/// Adds a note to ticket `id`'s timeline.
pub fn note(
    store: &Store,
    id: i64,
    note: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let note = text("note", note, TEXT_MAX, true)?;
    let mut t = get(store, id)?;
    event(&mut t, actor, now, format!("Note: {note}"));
    save(store, now, actor, &mut t, "incident.note")?;
    Ok(t)
}

/// Moves ticket `id` to another status, with what that status needs: a
/// hold its reason and a reminder date not in the past; a resolution what
/// was done. A closed ticket only opens again.
pub fn set_status(
    store: &Store,
    id: i64,
    to: Move,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let mut t = get(store, id)?;
    let from = t.status;
    let target = to.status();
    if from == target && !matches!(to, Move::OnHold { .. }) {
        return Err(Error::invalid_input(
            format!("Incident {id} is already {}.", from.words()),
            "Choose another status.",
        ));
    }
    if from == TicketStatus::Closed && target != TicketStatus::Open {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("Incident {id} is closed."),
            "Open it again first, if it needs more work.",
        ));
    }
    if target == TicketStatus::Closed && from != TicketStatus::Resolved {
        return Err(Error::invalid_input(
            format!(
                "Incident {id} is {}, not resolved, so it cannot be closed.",
                from.words()
            ),
            "Resolve it first, saying what was done.",
        ));
    }
    let mut said = format!("Status: {} → {}.", from.words(), target.words());
    match &to {
        Move::OnHold { reason, remind } => {
            let reason = text("reason for the hold", reason, TEXT_MAX, true)?;
            let day = NaiveDate::parse_from_str(remind.trim(), "%Y-%m-%d").map_err(|_| {
                Error::invalid_input(
                    format!("\"{remind}\" is not a date."),
                    "Give the reminder date as YYYY-MM-DD.",
                )
            })?;
            if day < now.date_naive() {
                return Err(Error::invalid_input(
                    format!("The reminder date {day} has passed."),
                    "Choose today or a later day.",
                ));
            }
            said = format!("{said} Why: {reason}. Reminder on {day}.");
            t.hold = Some(Hold {
                reason,
                remind: day.to_string(),
            });
        }
        Move::Resolved { done, prevention } => {
            let done = text("account of what was done", done, TEXT_MAX, true)?;
            let prevention = text("answer", prevention, TEXT_MAX, false)?;
            said = format!("{said} Done: {done}");
            if !prevention.is_empty() {
                said = format!("{said} To stop it happening again: {prevention}");
            }
            t.resolution = Some(done);
            t.prevention = Some(prevention).filter(|p| !p.is_empty());
            t.hold = None;
        }
        Move::Open | Move::InWork => t.hold = None,
        Move::Closed => {}
    }
    t.status = target;
    event(&mut t, actor, now, said);
    save(store, now, actor, &mut t, "incident.status")?;
    Ok(t)
}

fn add_link(t: &mut Ticket, link: Link, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    if t.links
        .iter()
        .any(|l| l.kind == link.kind && l.id == link.id)
    {
        return Err(Error::invalid_input(
            format!(
                "Incident {} is already linked to {} {}.",
                t.id,
                link.kind.as_str(),
                link.id
            ),
            "Nothing needs doing.",
        ));
    }
    event(
        t,
        actor,
        now,
        format!(
            "Linked to {} {}: {}",
            link.kind.as_str(),
            link.id,
            link.title
        ),
    );
    t.links.push(Link {
        linked: stamp(now),
        gone: false,
        cleared: false,
        ..link
    });
    Ok(())
}

/// Links ticket `id` to `link` (its evidence as it is now).
pub fn link(
    store: &Store,
    id: i64,
    link: Link,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let mut t = get(store, id)?;
    add_link(&mut t, link, actor, now)?;
    save(store, now, actor, &mut t, "incident.link")?;
    Ok(t)
}

/// The Overview's words on tickets: how many are open, in work and on
/// hold, and which holds' reminders have come; `None` when none is active.
pub fn summary(tickets: &[Ticket], today: NaiveDate) -> Option<String> {
    let count = |s: TicketStatus| tickets.iter().filter(|t| t.status == s).count();
    let (open, work, hold) = (
        count(TicketStatus::Open),
        count(TicketStatus::InWork),
        count(TicketStatus::OnHold),
    );
    if open + work + hold == 0 {
        return None;
    }
    let mut parts = Vec::new();
    for (n, words) in [(open, "open"), (work, "in work"), (hold, "on hold")] {
        if n > 0 {
            parts.push(format!("{n} {words}"));
        }
    }
    let due = tickets
        .iter()
        .filter(|t| t.status == TicketStatus::OnHold)
        .filter(|t| {
            t.hold
                .as_ref()
                .and_then(|h| NaiveDate::parse_from_str(&h.remind, "%Y-%m-%d").ok())
                .is_some_and(|d| d <= today)
        })
        .count();
    let mut said = format!(
        "{} {} ({})",
        open + work + hold,
        if open + work + hold == 1 {
            "incident is not resolved"
        } else {
            "incidents are not resolved"
        },
        parts.join(", ")
    );
    if due > 0 {
        said.push_str(&format!(
            "; {due} on hold {} its reminder",
            if due == 1 {
                "has reached"
            } else {
                "have reached"
            }
        ));
    }
    Some(said)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Source;

    fn actor() -> Actor {
        Actor {
            user: "maria".into(),
            source: Source::Cli,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("a time")
            .with_timezone(&Utc)
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("a folder");
        let (store, _) = Store::open(dir.path(), at("2026-12-05T08:00:00Z")).expect("a store");
        (dir, store)
    }

    fn new(title: &str) -> NewTicket {
        NewTicket {
            title: title.into(),
            what: "The backup disk was full.".into(),
            impact: Level::High,
            urgency: Level::Medium,
            links: Vec::new(),
        }
    }

    #[test]
    fn priority_follows_impact_and_urgency() {
        assert_eq!(priority(Level::High, Level::High), Priority::Critical);
        assert_eq!(priority(Level::Medium, Level::High), Priority::High);
        assert_eq!(priority(Level::High, Level::Low), Priority::Medium);
        assert_eq!(priority(Level::Low, Level::Medium), Priority::Low);
    }

    #[test]
    fn a_ticket_goes_through_its_life_with_each_step_in_its_timeline() {
        let (_dir, store) = store();
        let now = at("2026-12-05T09:00:00Z");
        let t = open(&store, new("Backup failed"), &actor(), now).expect("opened");
        assert_eq!(
            (t.id, t.priority, t.status),
            (1, Priority::High, TicketStatus::Open)
        );
        let t = note(&store, 1, "Ordered a bigger disk.", &actor(), now).expect("noted");
        let hold = Move::OnHold {
            reason: "waiting for the disk".into(),
            remind: "2026-12-10".into(),
        };
        let t2 = set_status(&store, t.id, hold, &actor(), now).expect("held");
        assert_eq!(
            t2.hold.as_ref().map(|h| h.remind.as_str()),
            Some("2026-12-10")
        );
        let closed = set_status(&store, 1, Move::Closed, &actor(), now);
        assert!(
            closed
                .expect_err("refused")
                .message
                .contains("not resolved")
        );
        let done = Move::Resolved {
            done: "Replaced the disk; the backup ran.".into(),
            prevention: "A disk-full alert on the backup disk.".into(),
        };
        let t3 = set_status(&store, 1, done, &actor(), now).expect("resolved");
        assert_eq!(t3.hold, None);
        assert_eq!(
            t3.prevention.as_deref(),
            Some("A disk-full alert on the backup disk.")
        );
        let t4 = set_status(&store, 1, Move::Closed, &actor(), now).expect("closed");
        let again = set_status(&store, 1, Move::InWork, &actor(), now);
        assert!(again.expect_err("refused").message.contains("closed"));
        let steps: Vec<&str> = t4.timeline.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(steps.len(), 5, "{steps:?}");
        assert!(steps[1].starts_with("Note: Ordered"));
        assert!(steps[2].contains("open → on hold") && steps[2].contains("Reminder on 2026-12-10"));
        assert!(steps[4].contains("resolved → closed"));
        assert_eq!(get(&store, 1).expect("read").timeline, t4.timeline);
    }

    #[test]
    fn bad_input_is_refused_with_nothing_changed() {
        let (_dir, store) = store();
        let now = at("2026-12-05T09:00:00Z");
        assert!(open(&store, new("   "), &actor(), now).is_err());
        assert!(open(&store, new(&"x".repeat(TITLE_MAX + 1)), &actor(), now).is_err());
        open(&store, new("Disk full"), &actor(), now).expect("opened");
        let past = Move::OnHold {
            reason: "later".into(),
            remind: "2026-12-01".into(),
        };
        assert!(
            set_status(&store, 1, past, &actor(), now)
                .expect_err("refused")
                .message
                .contains("has passed")
        );
        let no_date = Move::OnHold {
            reason: "later".into(),
            remind: "next week".into(),
        };
        assert!(set_status(&store, 1, no_date, &actor(), now).is_err());
        let no_reason = Move::OnHold {
            reason: " ".into(),
            remind: "2026-12-09".into(),
        };
        assert!(set_status(&store, 1, no_reason, &actor(), now).is_err());
        let nothing_done = Move::Resolved {
            done: "".into(),
            prevention: "".into(),
        };
        assert!(set_status(&store, 1, nothing_done, &actor(), now).is_err());
        assert!(note(&store, 1, "", &actor(), now).is_err());
        assert!(
            get(&store, 7)
                .expect_err("none")
                .message
                .contains("no incident 7")
        );
        let t = get(&store, 1).expect("read");
        assert_eq!((t.status, t.timeline.len()), (TicketStatus::Open, 1));
    }

    #[test]
    fn the_summary_counts_what_is_not_resolved_and_reminders_due() {
        let (_dir, store) = store();
        let now = at("2026-12-05T09:00:00Z");
        assert_eq!(summary(&[], now.date_naive()), None);
        open(&store, new("One"), &actor(), now).expect("opened");
        open(&store, new("Two"), &actor(), now).expect("opened");
        let hold = Move::OnHold {
            reason: "parts".into(),
            remind: "2026-12-06".into(),
        };
        set_status(&store, 2, hold, &actor(), now).expect("held");
        let all = list(&store).expect("listed");
        let today = summary(&all, now.date_naive()).expect("said");
        assert_eq!(today, "2 incidents are not resolved (1 open, 1 on hold)");
        let later = summary(&all, at("2026-12-06T08:00:00Z").date_naive()).expect("said");
        assert!(
            later.ends_with("1 on hold has reached its reminder"),
            "{later}"
        );
    }
}
