//! Incidents for both shells: opened by hand or in one click from a
//! finding, an alert, a failed run or a change, carrying its evidence and
//! a starting priority from how much it matters; each link read again when
//! shown, so one whose record is gone, or an alert that cleared, says so.

use super::Session;
use crate::govern::tickets::{self, Level, Link, LinkKind, Move, NewTicket, Ticket};
use crate::harden::Scan;
use crate::harden::check::{Severity, Status};
use crate::health::alerts::{self, RuleKind};
use crate::health::baseline::{Anomaly, AnomalyKind};
use crate::maintain::updates::{self, RunOutcome};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::cell::OnceCell;

/// Every ticket, newest first, its links read again.
pub fn list(s: Session<'_>, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
    let mut all = tickets::list(s.store)?;
    let records = Records::new(s, now);
    for t in &mut all {
        records.fresh_links(t);
    }
    Ok(all)
}

pub fn show(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::get(s.store, id)?;
    Records::new(s, now).fresh_links(&mut t);
    Ok(t)
}

pub fn open(s: Session<'_>, new: NewTicket, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::open(s.store, new, s.actor, now)?;
    Records::new(s, now).fresh_links(&mut t);
    Ok(t)
}

/// Opens a ticket about one thing (`kind` and its `id`), with its title,
/// its evidence and a starting priority from how much it matters.
pub fn open_from(s: Session<'_>, kind: LinkKind, id: &str, now: DateTime<Utc>) -> Result<Ticket> {
    let (link, impact, urgency) = Records::new(s, now).look_up(kind, id)?;
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
    Records::new(s, now).fresh_links(&mut t);
    Ok(t)
}

pub fn set_status(s: Session<'_>, id: i64, to: Move, now: DateTime<Utc>) -> Result<Ticket> {
    let mut t = tickets::set_status(s.store, id, to, s.actor, now)?;
    Records::new(s, now).fresh_links(&mut t);
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
    let (found, _, _) = Records::new(s, now).look_up(kind, item)?;
    let mut t = tickets::link(s.store, id, found, s.actor, now)?;
    Records::new(s, now).fresh_links(&mut t);
    Ok(t)
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

/// What links are looked up in, each read at most once per answer: the
/// latest scan, and (only when an anomaly is linked) the baseline's
/// differences, which read the computer.
struct Records<'a> {
    s: Session<'a>,
    now: DateTime<Utc>,
    scan: OnceCell<Option<Scan>>,
    anomalies: OnceCell<Vec<Anomaly>>,
}

impl<'a> Records<'a> {
    fn new(s: Session<'a>, now: DateTime<Utc>) -> Records<'a> {
        Records {
            s,
            now,
            scan: OnceCell::new(),
            anomalies: OnceCell::new(),
        }
    }

    fn scan(&self) -> Result<Option<&Scan>> {
        if self.scan.get().is_none() {
            let _ = self
                .scan
                .set(crate::harden::history::latest(self.s.store, self.now)?);
        }
        Ok(self.scan.get().and_then(Option::as_ref))
    }

    fn anomalies(&self) -> Result<&[Anomaly]> {
        if self.anomalies.get().is_none() {
            let host = crate::health::Host::this_computer();
            let diff = super::baseline::check(self.s.store, &host)?;
            let _ = self
                .anomalies
                .set(diff.map(|d| d.anomalies).unwrap_or_default());
        }
        Ok(self.anomalies.get().map_or(&[], Vec::as_slice))
    }

    /// Marks each link whose record is gone, and each alert that cleared.
    fn fresh_links(&self, t: &mut Ticket) {
        for l in &mut t.links {
            match self.look_up(l.kind, &l.id) {
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

    /// The thing `kind` `id` names, as a link with its evidence, and the
    /// impact and urgency a ticket about it starts with.
    fn look_up(&self, kind: LinkKind, id: &str) -> Result<(Link, Level, Level)> {
        let s = self.s;
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
                let finding = self
                    .scan()?
                    .and_then(|scan| scan.checks.iter().find(|f| f.id == id))
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
                let anomaly = self
                    .anomalies()?
                    .iter()
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
