//! A deployment: one carrying-out of a plan, kept in the user's records
//! with each stage's installations, the health gates checked after it and
//! who approved going on; its status says what it waits for. The steps
//! themselves (installing through root, undoing) are `api::deploy`'s.

use super::plan::{Gate, Plan};
use crate::audit::{self, Actor, NewEntry};
use crate::json_rows;
use crate::maintain::updates::RunStep;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use ts_rs::TS;

/// Where a deployment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "DeploymentStatus")]
pub enum Status {
    /// Installing a stage now.
    Running,
    /// Waiting for the administrator: to go on to the next stage, or to
    /// promote a pilot.
    Waiting,
    /// A pilot being watched until `soak_until`.
    Soaking,
    Done,
    /// Stopped by a failed installation or gate; what it installed was put back.
    Halted,
    /// Taken back on request.
    RolledBack,
}

/// A gate as checked once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GateResult {
    pub gate: Gate,
    pub passed: bool,
    /// What was found, in plain words.
    pub words: String,
    pub time: String,
}

/// Who let the deployment go on, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Approved {
    pub by: String,
    pub time: String,
}

/// A stage carried out: the installations it made (numbers in the user's
/// history), its gates, and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StageDone {
    pub name: String,
    #[ts(type = "number[]")]
    pub runs: Vec<i64>,
    pub gates: Vec<GateResult>,
    pub approved: Option<Approved>,
}

/// One deployment of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Deployment {
    #[ts(type = "number")]
    pub id: i64,
    pub plan: Plan,
    pub by: String,
    pub started: String,
    pub finished: Option<String>,
    pub status: Status,
    /// The verdict in plain words.
    pub message: String,
    pub stages: Vec<StageDone>,
    /// A pilot is watched until then.
    pub soak_until: Option<String>,
    /// The deployment this one repeats.
    #[ts(type = "number | null")]
    pub repeats: Option<i64>,
    /// Everything that happened, in order, for the change record.
    pub steps: Vec<RunStep>,
}

impl Deployment {
    pub fn new(plan: Plan, by: &str, repeats: Option<i64>, now: DateTime<Utc>) -> Deployment {
        Deployment {
            id: 0,
            plan,
            by: by.to_string(),
            started: stamp(now),
            finished: None,
            status: Status::Running,
            message: String::new(),
            stages: Vec::new(),
            soak_until: None,
            repeats,
            steps: Vec::new(),
        }
    }

    /// Notes a step just ended, at the clock's time (a stage's
    /// installations take minutes; each step says when it ended).
    pub fn step(&mut self, ok: bool, what: impl Into<String>) {
        self.steps.push(RunStep {
            time: stamp(Utc::now()),
            what: what.into(),
            ok,
        });
    }

    /// Every installation it made, in the order made.
    pub fn runs(&self) -> Vec<i64> {
        self.stages.iter().flat_map(|s| s.runs.clone()).collect()
    }

    /// Whether it has ended (nothing more happens without a new deployment).
    pub fn ended(&self) -> bool {
        matches!(
            self.status,
            Status::Done | Status::Halted | Status::RolledBack
        )
    }
}

pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const TABLE: &str = "deployments";
const WHAT: &str = "deployments";

/// Keeps `d` (a new one gets its number) with an entry `action` in the
/// activity log, in one transaction.
pub fn save(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    d: &mut Deployment,
    action: &str,
) -> Result<()> {
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = json_rows::put(tx, TABLE, WHAT, d.id, &d.started, &*d)?;
        let details = serde_json::json!({
            "deployment": id,
            "plan": d.plan.name,
            "method": d.plan.method,
            "status": d.status,
            "runs": d.runs(),
            "message": d.message,
        });
        let entry = if d.status == Status::Halted {
            NewEntry::failed(action, &d.plan.name, &d.message, details)
        } else {
            NewEntry::ok(action, &d.plan.name, details)
        };
        Ok((id, entry))
    })?;
    d.id = id;
    Ok(())
}

/// Every deployment, newest first.
pub fn list(store: &Store) -> Result<Vec<Deployment>> {
    Ok(json_rows::all::<Deployment>(store, TABLE, WHAT)?
        .into_iter()
        .map(|(id, d)| Deployment { id, ..d })
        .collect())
}

/// Deployment `id`.
pub fn get(store: &Store, id: i64) -> Result<Deployment> {
    json_rows::one::<Deployment>(store, TABLE, WHAT, id)?
        .map(|d| Deployment { id, ..d })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no deployment {id}."),
                "Run shipshape plan list to see the deployments and their numbers.",
            )
        })
}

/// How long a port may take to answer.
const PORT_WAIT: Duration = Duration::from_secs(3);

/// Checks `gate` now, for a deployment that began at `since`.
pub fn check(store: &Store, gate: &Gate, since: &str, now: DateTime<Utc>) -> GateResult {
    let (passed, words) = match gate {
        Gate::ServiceRunning { unit } => match crate::harden::fix::service::running(unit) {
            Ok(true) => (true, format!("{unit} runs.")),
            Ok(false) => (false, format!("{unit} does not run.")),
            Err(e) => (
                false,
                format!("Whether {unit} runs could not be told: {}", e.message),
            ),
        },
        Gate::PortAnswers { port } => {
            let at = SocketAddr::from(([127, 0, 0, 1], *port));
            match TcpStream::connect_timeout(&at, PORT_WAIT) {
                Ok(_) => (true, format!("Port {port} answers.")),
                Err(e) => (false, format!("Port {port} does not answer: {e}.")),
            }
        }
        Gate::NoNewJournalErrors => journal_errors(since),
        Gate::NoNewAlerts => match new_alerts(store, since) {
            Ok(0) => (true, "Shipshape raised no new alert.".into()),
            Ok(n) => (
                false,
                format!("Shipshape raised {n} new alert(s); see the Overview."),
            ),
            Err(e) => (
                false,
                format!("The alerts could not be read: {}", e.message),
            ),
        },
    };
    GateResult {
        gate: gate.clone(),
        passed,
        words,
        time: stamp(now),
    }
}

fn new_alerts(store: &Store, since: &str) -> Result<i64> {
    let since = DateTime::parse_from_rfc3339(since)
        .map(|t| {
            t.with_timezone(&Utc)
                .to_rfc3339_opts(SecondsFormat::Millis, true)
        })
        .unwrap_or_else(|_| since.to_string());
    store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM alerts WHERE raised >= ?1",
            [since],
            |r| r.get(0),
        )
        .map_err(|e| json_rows::sql("alerts", "read", e))
}

/// Errors the system journal holds since `since` (journalctl; a computer
/// without a journal has none).
fn journal_errors(since: &str) -> (bool, String) {
    let Ok(t) = DateTime::parse_from_rfc3339(since) else {
        return (
            false,
            "The deployment's start time could not be read.".into(),
        );
    };
    let from = format!("--since=@{}", t.timestamp());
    let out = crate::program::run(
        "journalctl",
        &["-p", "err", "-q", "--no-pager", "-o", "cat", &from],
        Duration::from_secs(30),
    );
    match out {
        Ok(out) if out.code == Some(0) => {
            let lines: Vec<&str> = out
                .stdout
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect();
            match lines.len() {
                0 => (true, "The system journal holds no new error.".into()),
                n => (
                    false,
                    format!(
                        "The system journal holds {n} new error(s), the last: {}",
                        lines[n - 1]
                    ),
                ),
            }
        }
        Ok(out) => (
            false,
            format!(
                "The system journal could not be read: {}",
                out.stderr.trim()
            ),
        ),
        Err(e) => (false, format!("The system journal could not be read: {e}.")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_port_gate_passes_only_while_something_answers() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), Utc::now()).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let now = Utc::now();
        assert!(check(&store, &Gate::PortAnswers { port }, &stamp(now), now).passed);
        drop(listener);
        let gone = check(&store, &Gate::PortAnswers { port }, &stamp(now), now);
        assert!(!gone.passed);
        assert!(
            gone.words
                .starts_with(&format!("Port {port} does not answer")),
            "{}",
            gone.words
        );
        assert!(check(&store, &Gate::NoNewAlerts, &stamp(now), now).passed);
    }
}
