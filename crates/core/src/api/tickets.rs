//! Incidents for both shells: opened by hand or in one click from a
//! finding, an alert, a failed run or a change, carrying its evidence and
//! a starting priority from how much it matters; each link read again when
//! shown, so one whose record is gone, or an alert that cleared, says so.

use super::Session;
use crate::govern::tickets::{self, Level, Link, LinkKind, Move, NewTicket, Ticket};
use crate::harden::check::{Severity, Status};
use crate::health::alerts::{self, RuleKind};
use crate::health::baseline::{Anomaly, AnomalyKind};
use crate::maintain::updates::{self, RunOutcome};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// Every ticket, newest first, its links read again.
pub fn list(s: Session<'_>, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
    let mut all = tickets::list(s.store)?;
    for t in &mut all {
        fresh_links(s, t, now);
    }
    Ok(all)
}

pub fn show(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::get(s.store, id)?;
    fresh_links(s, &mut t, now);
    Ok(t)
}

pub fn open(s: Session<'_>, new: NewTicket, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::open(s.store, new, s.actor, now)?;
    fresh_links(s, &mut t, now);
    Ok(t)
}

/// Opens a ticket about one thing (`kind` and its `id`), with its title,
/// its evidence and a starting priority from how much it matters.
pub fn open_from(s: Session<'_>, kind: LinkKind, id: &str, now: DateTime<Utc>) -> Result<Ticket> {
    let (link, impact, urgency) = look_up(s, kind, id, now)?;
    let new = NewTicket {
        title: link.title.clone(),
        what: link.evidence.clone(),
        impact,
        urgency,
        links: vec![link],
    };
    open(s, new, now)
}

pub fn note(s: Session<'_>, id: i64, text: &str, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::note(s.store, id, text, s.actor, now)?;
    fresh_links(s, &mut t, now);
    Ok(t)
}

pub fn set_status(s: Session<'_>, id: i64, to: Move, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::set_status(s.store, id, to, s.actor, now)?;
    fresh_links(s, &mut t, now);
    Ok(t)
}

/// Links ticket `id` to `kind` `item`, which must be in the records now.
pub fn link(
    s: Session<'_>,
    id: i64,
    kind: LinkKind,
    item: &str,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (found, _, _) = look_up(s, kind, item, now)?;
    let mut t = tickets::link(s.store, id, found, s.actor, now)?;
    fresh_links(s, &mut t, now);
    Ok(t)
}

/// Marks each link whose record is gone, and each alert that cleared.
fn fresh_links(s: Session<'_>, t: &mut Ticket, now: DateTime<Utc>) {
    for l in &mut t.links {
        match look_up(s, l.kind, &l.id, now) {
            Ok((found, _, _)) => {
                l.gone = false;
                l.cleared = found.cleared;
            }
            // An anomaly is not a record: not seen any more, it has cleared.
            Err(_) if l.kind == LinkKind::Anomaly => {
                l.gone = false;
                l.cleared = true;
            }
            Err(_) => l.gone = true,
        }
    }
}

/// How a link names an anomaly: its kind and subject, "new_listener:8080".
pub fn anomaly_id(a: &Anomaly) -> String {
    let kind = serde_json::to_value(a.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!("{kind}:{}", a.subject)
}

fn number(kind: LinkKind, id: &str) -> Result<i64> {
    id.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        Error::invalid_input(
            format!("\"{id}\" is not a number of a {}.", kind.as_str()),
            "Give its number as the list shows it.",
        )
    })
}

/// The thing `kind` `id` names, as a link with its evidence, and the
/// impact and urgency a ticket about it starts with.
fn look_up(
    s: Session<'_>,
    kind: LinkKind,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Link, Level, Level)> {
    let link = |title: String, evidence: String, cleared: bool| Link {
        kind,
        id: id.to_string(),
        title,
        evidence,
        linked: String::new(),
        gone: false,
        cleared,
    };
    match kind {
        LinkKind::Finding => {
            let scan = crate::harden::history::latest(s.store, now)?;
            let finding = scan
                .and_then(|scan| scan.checks.into_iter().find(|f| f.id == id))
                .ok_or_else(|| {
                    Error::new(
                        crate::ErrorCode::NotFound,
                        format!("The last security scan has no check \"{id}\"."),
                        "Run a scan, then open the incident from its finding.",
                    )
                })?;
            let (impact, urgency) = match finding.severity {
                Severity::Critical => (Level::High, Level::High),
                Severity::High => (Level::High, Level::Medium),
                Severity::Medium => (Level::Medium, Level::Medium),
                Severity::Low => (Level::Low, Level::Low),
            };
            let evidence: Vec<String> = finding
                .evidence
                .iter()
                .map(|e| format!("{}: {}", e.source, e.text))
                .collect();
            let fixed = finding.status == Status::Pass;
            Ok((
                link(
                    finding.title.clone(),
                    format!("{} {}", finding.detail, evidence.join("; "))
                        .trim()
                        .to_string(),
                    fixed,
                ),
                impact,
                urgency,
            ))
        }
        LinkKind::Alert => {
            let alert = alerts::get(s.store, number(kind, id)?)?;
            let (impact, urgency) = match alert.rule {
                RuleKind::FailedLogins | RuleKind::DiskFull => (Level::High, Level::High),
                _ => (Level::Medium, Level::High),
            };
            Ok((
                link(
                    alert.title.clone(),
                    format!(
                        "Raised {}. {}",
                        alert.raised.format("%Y-%m-%d %H:%M"),
                        alert.advice
                    ),
                    alert.cleared.is_some(),
                ),
                impact,
                urgency,
            ))
        }
        LinkKind::Change => {
            let change = crate::harden::fix::change::get(s.store, number(kind, id)?)?;
            Ok((
                link(
                    format!("Change {}: {}", change.id, change.title),
                    format!("Made by {} on {}.", change.actor, change.time),
                    false,
                ),
                Level::Medium,
                Level::Medium,
            ))
        }
        LinkKind::Run => {
            let run = updates::run_numbered(s.store, number(kind, id)?)?;
            let failed = run.outcome == RunOutcome::Failed;
            Ok((
                link(
                    format!(
                        "Run {} ({}) {}",
                        run.id,
                        run.asked,
                        if failed { "failed" } else { "ended" }
                    ),
                    format!("{} {}", run.message, run.log_tail)
                        .trim()
                        .to_string(),
                    false,
                ),
                if failed { Level::High } else { Level::Medium },
                if failed { Level::Medium } else { Level::Low },
            ))
        }
        LinkKind::Anomaly => {
            let host = crate::health::Host::this_computer();
            let diff = super::baseline::check(s.store, &host)?;
            let anomaly = diff
                .into_iter()
                .flat_map(|d| d.anomalies)
                .find(|a| anomaly_id(a) == id)
                .ok_or_else(|| {
                    Error::new(
                        crate::ErrorCode::NotFound,
                        format!(
                            "This computer shows no difference \"{id}\" from its baseline now."
                        ),
                        "Open the incident from the Overview's list of differences.",
                    )
                })?;
            let (impact, urgency) = match anomaly.kind {
                AnomalyKind::NewAdministrator => (Level::High, Level::High),
                AnomalyKind::NewListener | AnomalyKind::NewSpecialFile => {
                    (Level::High, Level::Medium)
                }
                _ => (Level::Medium, Level::Medium),
            };
            Ok((
                link(anomaly.what.clone(), anomaly.advice.clone(), false),
                impact,
                urgency,
            ))
        }
        LinkKind::Deployment => {
            let d = crate::install::deploy::get(s.store, number(kind, id)?)?;
            Ok((
                link(
                    format!("Deployment {} of {}", d.id, d.plan.name),
                    d.message.clone(),
                    false,
                ),
                Level::Medium,
                Level::Medium,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anomaly_is_named_by_its_kind_and_subject() {
        let a = Anomaly {
            kind: AnomalyKind::NewListener,
            subject: "8080".into(),
            what: String::new(),
            short: String::new(),
            advice: String::new(),
        };
        assert_eq!(anomaly_id(&a), "new_listener:8080");
    }
}
