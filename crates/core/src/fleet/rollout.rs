//! A roll-out: one change (a package from each computer's signed sources,
//! or the waiting security updates) carried to the office's computers in
//! rings: a pilot ring of one or two computers, then waves (a share of
//! the rest each), with a soak time and health gates between rings, the
//! administrator's approval (or going on by itself after the soak), and a
//! halt once a ring's failures pass a threshold; a halted roll-out can be
//! rolled back on the computers already done. This module keeps the
//! record and decides what comes next; `api::fleet` reaches the
//! computers.

use super::computers::Computer;
use crate::audit::{self, Actor, NewEntry};
use crate::install::Trust;
use crate::install::plan::{Approval, Gate, Part as PlanPart, Plan as DeploymentPlan};
use crate::json_rows;
use crate::maintain::apt;
use crate::maintain::updates::RunStep;
use crate::store::Store;
use crate::verify::algorithm::Algorithm;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a roll-out changes on each computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "RolloutChange")]
pub enum Change {
    /// Install (or bring up to date) a package from the computer's own
    /// signed package sources.
    Package { name: String },
    /// Install the security updates waiting there.
    SecurityUpdates,
    /// Install a package file (.deb) on this console, copied to each
    /// computer and installed there only if it arrives with this SHA-256.
    File { path: String, sha256: String },
    /// A deployment plan of several stages (from Install), carried out on
    /// each computer stage by stage: each stage's packages and package
    /// files, then the plan's health gates checked there before the next
    /// stage; a failure there puts back what the plan installed there.
    Plan {
        name: String,
        stages: Vec<PlanStage>,
        gates: Vec<Gate>,
    },
}

/// One stage of a plan rolled out: packages and package files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RolloutStage")]
pub struct PlanStage {
    pub name: String,
    pub changes: Vec<Change>,
}

/// The largest package file a roll-out copies: each computer's copy is
/// held in memory while it is sent.
pub const MOST_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Whether `hex` is a SHA-256 as Shipshape writes it: 64 lower-case hex digits.
pub fn is_sha256(hex: &str) -> bool {
    hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Change {
    pub fn words(&self) -> String {
        match self {
            Change::Package { name } => format!("install {name}"),
            Change::SecurityUpdates => "install the security updates".into(),
            Change::File { path, .. } => format!(
                "install the package file {}",
                path.rsplit('/').next().unwrap_or(path)
            ),
            Change::Plan { name, stages, .. } => {
                let parts: usize = stages.iter().map(|s| s.changes.len()).sum();
                format!(
                    "carry out the plan \u{201c}{name}\u{201d} ({parts} part(s) in {} stage(s))",
                    stages.len()
                )
            }
        }
    }

    /// A deployment plan from Install as a roll-out's change: its stages'
    /// packages and package files (each proved by its SHA-256, which the
    /// other computers check again), and its health gates. Refused: a
    /// program for /opt, or a file proved otherwise.
    pub fn from_deployment(plan: &DeploymentPlan) -> Result<Change> {
        let mut stages = Vec::new();
        for stage in &plan.stages {
            let mut changes = Vec::new();
            for part in &stage.parts {
                changes.push(match part {
                    PlanPart::Package(ask) => Change::Package {
                        name: ask.name.clone(),
                    },
                    PlanPart::File(ask) => match &ask.trust {
                        Trust::Digest {
                            algorithm: Algorithm::Sha256,
                            hex,
                        } => Change::File {
                            path: ask.file.clone(),
                            sha256: hex.to_ascii_lowercase(),
                        },
                        _ => {
                            return Err(Error::invalid_input(
                                format!("The plan's file {} is not proved by a SHA-256, and a roll-out sends a package file only with one (each computer checks it again).", part.label()),
                                "In the plan, give the file's SHA-256 from its publisher's checksum list.",
                            ));
                        }
                    },
                    PlanPart::Program(_) => {
                        return Err(Error::invalid_input(
                            format!("The plan's program {} goes into /opt on this computer only; a roll-out carries packages and package files (.deb).", part.label()),
                            "Install the program here from the Install screen, or roll out a package of it.",
                        ));
                    }
                });
            }
            stages.push(PlanStage {
                name: stage.name.clone(),
                changes,
            });
        }
        let change = Change::Plan {
            name: plan.name.clone(),
            stages,
            gates: plan.gates.clone(),
        };
        change.checked()?;
        Ok(change)
    }

    /// What each computer is asked, stage by stage: a plan's stages, or
    /// this one change as a stage of its own.
    pub fn stages(&self) -> Vec<Vec<&Change>> {
        match self {
            Change::Plan { stages, .. } => {
                stages.iter().map(|s| s.changes.iter().collect()).collect()
            }
            single => vec![vec![single]],
        }
    }

    /// The package files it sends: (path, SHA-256) in order.
    pub fn files(&self) -> Vec<(&str, &str)> {
        self.stages()
            .into_iter()
            .flatten()
            .filter_map(|c| match c {
                Change::File { path, sha256 } => Some((path.as_str(), sha256.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The words the console sends for one change of `stages`;
    /// `shipshape fleet serve` there answers only these. A plan is sent
    /// change by change, so it has no words of its own.
    pub fn command(&self) -> Vec<String> {
        let mut words: Vec<String> = ["shipshape", "fleet", "apply"].map(String::from).to_vec();
        match self {
            Change::Package { name } => words.extend(["package".into(), name.clone()]),
            Change::SecurityUpdates => words.push("security-updates".into()),
            // The file's bytes follow on the command's standard input.
            Change::File { sha256, .. } => words.extend(["file".into(), sha256.clone()]),
            Change::Plan { .. } => return Vec::new(),
        }
        words.push("--json".into());
        words
    }

    /// Refuses a change that cannot be sent: a package name or a file
    /// not as Shipshape takes them; a plan that is empty, too big, or
    /// holds anything but packages and package files.
    fn checked(&self) -> Result<()> {
        match self {
            Change::Package { name } if !apt::is_package_name(name) => Err(Error::invalid_input(
                format!("\u{201c}{name}\u{201d} is not a package name."),
                "Package names are lower-case letters, digits and + - . (for example hello).",
            )),
            Change::File { sha256, .. } if !is_sha256(sha256) => Err(Error::invalid_input(
                "A package file is rolled out only with its SHA-256, 64 hex digits.",
                "Give the checksum its publisher lists (the Verify screen checks it), in lower case.",
            )),
            Change::File { path, .. } if !path.starts_with('/') || !path.ends_with(".deb") => {
                Err(Error::invalid_input(
                    format!(
                        "\u{201c}{path}\u{201d} is not the full path of a package file (.deb)."
                    ),
                    "Give the whole path, for example /home/you/Downloads/app_1.0_amd64.deb.",
                ))
            }
            Change::Plan {
                name,
                stages,
                gates,
            } => {
                let parts: usize = stages.iter().map(|s| s.changes.len()).sum();
                // Its name is written into an Ansible playbook: no line
                // break of any kind, and no braces Ansible would template.
                if name.trim().is_empty()
                    || name.chars().count() > 100
                    || name
                        .chars()
                        .any(|c| c.is_control() || "\u{2028}\u{2029}{}".contains(c))
                {
                    return Err(Error::invalid_input(
                        "A plan needs a name of one line, at most 100 characters, without braces.",
                        "Name it after what it installs, for example \"Office app 2.0\".",
                    ));
                }
                if stages.is_empty()
                    || stages.len() > MAX_PLAN_STAGES
                    || stages.iter().any(|s| s.changes.is_empty())
                    || parts > MAX_PLAN_PARTS
                    || gates.len() > MAX_PLAN_GATES
                {
                    return Err(Error::invalid_input(
                        format!(
                            "The plan \u{201c}{name}\u{201d} has an empty stage, or more than {MAX_PLAN_STAGES} stages, {MAX_PLAN_PARTS} parts or {MAX_PLAN_GATES} gates."
                        ),
                        "Give each stage at least one part, and split a bigger plan in two.",
                    ));
                }
                for c in stages.iter().flat_map(|s| &s.changes) {
                    if !matches!(c, Change::Package { .. } | Change::File { .. }) {
                        return Err(Error::invalid_input(
                            format!(
                                "The plan \u{201c}{name}\u{201d} holds a change a roll-out does not carry inside a plan: {}.",
                                c.words()
                            ),
                            "A plan rolled out installs packages from the computers' sources and package files (.deb); roll the security updates out on their own.",
                        ));
                    }
                    c.checked()?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// How a roll-out goes: who is first, how the rest follow, and when it stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RolloutPlan")]
pub struct RolloutPlan {
    pub change: Change,
    /// The pilot ring: one or two computers (by number), or none.
    #[ts(type = "number[]")]
    pub pilot: Vec<i64>,
    /// The other computers in waves, each a share (in %) of them counted
    /// from the start and rising, the last 100: [25, 100] is a quarter,
    /// then the rest.
    pub waves: Vec<u8>,
    /// How long a ring is watched before the next one may begin.
    pub soak_minutes: u32,
    pub approval: Approval,
    /// A ring halts the roll-out when more than this share (in %) of its
    /// computers failed: 0 halts on the first failure.
    pub halt_percent: u8,
}

const MAX_PILOT: usize = 2;
const MAX_PLAN_STAGES: usize = 20;
const MAX_PLAN_PARTS: usize = 50;
const MAX_PLAN_GATES: usize = 10;
const MAX_WAVES: usize = 10;
const MAX_SOAK_MINUTES: u32 = 7 * 24 * 60;

impl RolloutPlan {
    /// Refuses a plan that cannot be carried out, before anything is asked
    /// of any computer.
    pub fn checked(self) -> Result<RolloutPlan> {
        let bad = |what: &str, hint: &str| Err(Error::invalid_input(what, hint));
        self.change.checked()?;
        if self.pilot.len() > MAX_PILOT {
            return bad(
                "A pilot ring is one or two computers.",
                "Choose the one or two computers whose users will notice a problem first.",
            );
        }
        let mut pilot = self.pilot.clone();
        pilot.sort_unstable();
        pilot.dedup();
        if pilot.len() != self.pilot.len() {
            return bad(
                "A computer is named twice in the pilot ring.",
                "Name each pilot computer once.",
            );
        }
        if self.waves.is_empty()
            || self.waves.len() > MAX_WAVES
            || self.waves.windows(2).any(|w| w[0] >= w[1])
            || self.waves.first().is_some_and(|w| *w == 0)
            || self.waves.last() != Some(&100)
        {
            return bad(
                "Waves are shares of the other computers, rising and ending at 100 (at most ten).",
                "For example 25,100: a quarter first, then the rest; or 100 for all at once.",
            );
        }
        if self.soak_minutes > MAX_SOAK_MINUTES {
            return bad(
                "A soak time is at most a week (10080 minutes).",
                "Watch the pilot for hours or days, then go on.",
            );
        }
        if self.halt_percent > 100 {
            return bad(
                "The halt threshold is a share of a ring's computers, 0 to 100 %.",
                "0 halts on the first failure; 50 lets up to half of a ring fail.",
            );
        }
        Ok(self)
    }
}

/// How a computer's part stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "RolloutPartState")]
pub enum PartState {
    /// Its ring has not begun.
    Waiting,
    /// Its ring began, but it could not be reached: tried again when the
    /// roll-out goes on.
    Unreachable,
    /// Changed, and healthy after.
    Done,
    /// It had the change already: nothing was done.
    AlreadyThere,
    /// The change failed there (and was put back there), or a health gate
    /// failed after it.
    Failed,
    /// Its change was taken back.
    RolledBack,
}

/// One computer's part in a roll-out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RolloutPart")]
pub struct Part {
    #[ts(type = "number")]
    pub computer: i64,
    pub name: String,
    pub state: PartState,
    /// The run it made there (its number in that computer's history);
    /// a plan's last.
    #[ts(type = "number | null")]
    pub run: Option<i64>,
    /// Every run a plan made there, in order.
    #[serde(default)]
    #[ts(type = "number[]")]
    pub runs: Vec<i64>,
    /// When a plan began there: its gates count what came after.
    #[serde(default)]
    pub began: Option<String>,
    /// What happened, in plain words.
    pub words: String,
    /// The security score and open alerts before the change, to compare.
    pub score_before: Option<u32>,
    pub alerts_before: Option<usize>,
}

impl Part {
    /// Whether it changed that computer (so a rollback has something to undo).
    pub fn changed(&self) -> bool {
        self.run.is_some() && matches!(self.state, PartState::Done | PartState::Failed)
    }

    /// The runs to undo to take it back, newest first.
    pub fn to_undo(&self) -> Vec<i64> {
        let mut runs = if self.runs.is_empty() {
            self.run.into_iter().collect()
        } else {
            self.runs.clone()
        };
        runs.reverse();
        runs
    }
}

/// A ring: the pilot, or a wave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RolloutRing")]
pub struct Ring {
    pub name: String,
    pub parts: Vec<Part>,
    pub finished: Option<String>,
    /// Who let the next ring begin, and when.
    pub approved_by: Option<String>,
}

impl Ring {
    fn failed(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| p.state == PartState::Failed)
            .count()
    }
}

/// Where a roll-out is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "RolloutStatus")]
pub enum Status {
    /// A ring is being carried out, or can be (go on).
    Running,
    /// Some computers of the current ring could not be reached; going on
    /// tries them again.
    Unreachable,
    /// A ring is watched until `soak_until`.
    Soaking,
    /// Waiting for the administrator's approval to begin the next ring.
    Waiting,
    Done,
    /// Stopped: a ring's failures passed the threshold.
    Halted,
    /// Taken back on the computers that were done.
    RolledBack,
}

/// One roll-out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rollout {
    #[ts(type = "number")]
    pub id: i64,
    pub plan: RolloutPlan,
    pub by: String,
    pub started: String,
    pub finished: Option<String>,
    pub status: Status,
    /// The verdict in plain words.
    pub message: String,
    pub rings: Vec<Ring>,
    /// The ring being carried out (or the next one, while soaking or waiting).
    pub current: usize,
    pub soak_until: Option<String>,
    /// Everything that happened, in order: the roll-out's change record.
    pub steps: Vec<RunStep>,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Rollout {
    /// A roll-out of `plan` over `computers` (the office's, enrolled):
    /// the pilot ring first, then the others by name in waves.
    pub fn new(
        plan: RolloutPlan,
        computers: &[Computer],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Rollout> {
        let plan = plan.checked()?;
        if computers.is_empty() {
            return Err(Error::invalid_input(
                "There are no computers to roll out to.",
                "Add the office's computers on the Computers screen first (shipshape fleet add).",
            ));
        }
        let part = |c: &Computer| Part {
            computer: c.id,
            name: c.name.clone(),
            state: PartState::Waiting,
            run: None,
            runs: Vec::new(),
            began: None,
            words: "Not begun.".into(),
            score_before: None,
            alerts_before: None,
        };
        let mut rings = Vec::new();
        let mut pilot = Vec::new();
        for id in &plan.pilot {
            let c = computers.iter().find(|c| c.id == *id).ok_or_else(|| {
                Error::new(
                    ErrorCode::NotFound,
                    format!("There is no computer {id} to be a pilot."),
                    "Run shipshape fleet list to see the computers and their numbers.",
                )
            })?;
            pilot.push(part(c));
        }
        if !pilot.is_empty() {
            rings.push(Ring {
                name: "Pilot".into(),
                parts: pilot,
                finished: None,
                approved_by: None,
            });
        }
        let mut rest: Vec<&Computer> = computers
            .iter()
            .filter(|c| !plan.pilot.contains(&c.id))
            .collect();
        rest.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let mut taken = 0;
        for (i, share) in plan.waves.iter().enumerate() {
            let until = (rest.len() * usize::from(*share)).div_ceil(100);
            if until > taken {
                rings.push(Ring {
                    name: format!("Wave {}", i + 1),
                    parts: rest[taken..until].iter().map(|c| part(c)).collect(),
                    finished: None,
                    approved_by: None,
                });
                taken = until;
            }
        }
        let mut r = Rollout {
            id: 0,
            by: by.to_string(),
            started: stamp(now),
            finished: None,
            status: Status::Running,
            message: String::new(),
            rings,
            current: 0,
            soak_until: None,
            steps: Vec::new(),
            plan,
        };
        r.message = format!(
            "Ready to {} on {} computers in {} rings.",
            r.plan.change.words(),
            r.rings.iter().map(|g| g.parts.len()).sum::<usize>(),
            r.rings.len()
        );
        r.step(true, format!("Planned: {}", r.message), now);
        Ok(r)
    }

    /// Halts it with `why`, noted as its last step.
    pub fn halt(&mut self, why: String, now: DateTime<Utc>) {
        self.status = Status::Halted;
        self.finished = Some(stamp(now));
        self.message = why;
        self.step(false, self.message.clone(), now);
    }

    /// Whether it is soaking and the soak is over at `now`.
    pub fn soak_over(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Soaking
            && self
                .soak_until
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t <= now)
    }

    /// The soak is over (and its ring passed its gates again): the next
    /// ring waits for approval, or may begin.
    pub fn end_soak(&mut self, now: DateTime<Utc>) {
        let next = self
            .rings
            .get(self.current)
            .map_or_else(String::new, |r| r.name.clone());
        self.soak_until = None;
        if self.plan.approval == Approval::Ask {
            self.status = Status::Waiting;
            self.message = format!(
                "The watch is over and the ring before passed its health gates again; {next} waits for your approval."
            );
        } else {
            self.status = Status::Running;
            self.message = format!(
                "The watch is over and the ring before passed its health gates again; {next} begins."
            );
        }
        self.step(true, self.message.clone(), now);
    }

    pub fn step(&mut self, ok: bool, what: impl Into<String>, now: DateTime<Utc>) {
        self.steps.push(RunStep {
            time: stamp(now),
            what: what.into(),
            ok,
        });
    }

    pub fn ended(&self) -> bool {
        matches!(
            self.status,
            Status::Done | Status::Halted | Status::RolledBack
        )
    }

    /// Whether the current ring may be carried out now; `Err` says why not
    /// (soaking, waiting for approval, ended). `approve` is the
    /// administrator letting the next ring begin.
    pub fn may_go_on(&mut self, approve: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        let refuse = |what: String, hint: &str| Err(Error::new(ErrorCode::Conflict, what, hint));
        if self.ended() {
            return refuse(
                format!("Roll-out {} has ended: {}", self.id, self.message),
                "Start a new roll-out to change the computers again.",
            );
        }
        if self.status == Status::Soaking {
            if !self.soak_over(now) {
                let until = self.soak_until.clone().unwrap_or_default();
                return refuse(
                    format!(
                        "The {} ring is watched until {until} before the next one begins.",
                        self.previous_ring_name()
                    ),
                    "Go on after that time; the health gates are checked again then.",
                );
            }
            self.end_soak(now);
        }
        if self.status == Status::Waiting {
            let Some(by) = approve else {
                return refuse(
                    format!(
                        "The next ring ({}) waits for your approval.",
                        self.rings.get(self.current).map_or("", |r| r.name.as_str())
                    ),
                    "Approve it to go on (shipshape fleet rollout continue N --approve).",
                );
            };
            if let Some(prev) = self
                .current
                .checked_sub(1)
                .and_then(|i| self.rings.get_mut(i))
            {
                prev.approved_by = Some(by.to_string());
            }
            self.step(true, format!("Approved by {by}"), now);
            self.status = Status::Running;
        }
        Ok(())
    }

    fn previous_ring_name(&self) -> String {
        self.current
            .checked_sub(1)
            .and_then(|i| self.rings.get(i))
            .map_or_else(|| "last".into(), |r| r.name.clone())
    }

    /// The ring just carried out is judged: halted when its failures pass
    /// the threshold, waiting for its unreachable computers, else on to
    /// the next ring (after the soak and approval) or done.
    pub fn judge_ring(&mut self, now: DateTime<Utc>) {
        let Some(ring) = self.rings.get(self.current) else {
            return;
        };
        let (name, total, failed) = (ring.name.clone(), ring.parts.len(), ring.failed());
        let unreachable = ring
            .parts
            .iter()
            .filter(|p| p.state == PartState::Unreachable)
            .count();
        if failed * 100 > total * usize::from(self.plan.halt_percent) {
            self.halt(
                format!(
                    "Halted: {failed} of {total} computers in the {name} ring failed, more than the {} % allowed. The rings after it were not begun; roll back the computers already done, or look into the failure.",
                    self.plan.halt_percent
                ),
                now,
            );
            return;
        }
        if unreachable > 0 {
            self.status = Status::Unreachable;
            self.message = format!(
                "{unreachable} of {total} computers in the {name} ring could not be reached; go on to try them again (the next ring waits for them)."
            );
            self.step(false, self.message.clone(), now);
            return;
        }
        if let Some(r) = self.rings.get_mut(self.current) {
            r.finished = Some(stamp(now));
        }
        self.current += 1;
        if self.current >= self.rings.len() {
            self.status = Status::Done;
            self.finished = Some(stamp(now));
            let failed: usize = self.rings.iter().map(Ring::failed).sum();
            self.message = if failed == 0 {
                format!("Done: {} on every computer.", self.plan.change.words())
            } else {
                format!(
                    "Done, with {failed} computer(s) failed (within the threshold): see each computer's part."
                )
            };
            self.step(failed == 0, self.message.clone(), now);
            return;
        }
        let next = self.rings[self.current].name.clone();
        if self.plan.soak_minutes > 0 {
            let until = now + Duration::minutes(i64::from(self.plan.soak_minutes));
            self.status = Status::Soaking;
            self.soak_until = Some(stamp(until));
            self.message = format!(
                "The {name} ring is done and watched until {}; then {next} may begin.",
                stamp(until)
            );
        } else if self.plan.approval == Approval::Ask {
            self.status = Status::Waiting;
            self.message = format!("The {name} ring is done; {next} waits for your approval.");
        } else {
            self.status = Status::Running;
            self.message = format!("The {name} ring is done; {next} begins.");
        }
        self.step(true, self.message.clone(), now);
    }

    /// After a rollback was tried on every changed computer.
    pub fn judge_rollback(&mut self, now: DateTime<Utc>) {
        let left: Vec<String> = self
            .rings
            .iter()
            .flat_map(|r| &r.parts)
            .filter(|p| p.changed())
            .map(|p| p.name.clone())
            .collect();
        if left.is_empty() {
            self.status = Status::RolledBack;
            self.finished = Some(stamp(now));
            self.message =
                "Rolled back: the change was taken back on every computer it reached.".into();
            self.step(true, self.message.clone(), now);
        } else {
            self.message = format!(
                "Not rolled back yet on {}: try again once they can be reached.",
                left.join(", ")
            );
            self.step(false, self.message.clone(), now);
        }
    }
}

/// How long computers that could not be reached wait before a roll-out
/// tries them again by itself: ten minutes (tests may shorten it with
/// `SHIPSHAPE_FLEET_RETRY_SECONDS`).
pub fn retry_wait() -> Duration {
    crate::test_settings::number("SHIPSHAPE_FLEET_RETRY_SECONDS")
        .and_then(|s| i64::try_from(s).ok())
        .map_or(Duration::minutes(10), Duration::seconds)
}

impl Rollout {
    /// Whether going on by itself is due at `now`: a soak that is over, an
    /// unreachable ring whose last try is `retry` old, or a ring that was
    /// being carried out when the console stopped.
    pub fn due(&self, now: DateTime<Utc>, retry: Duration) -> bool {
        let passed = |t: Option<&str>, wait: Duration| {
            t.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| now.signed_duration_since(t) >= wait)
        };
        match self.status {
            Status::Running => true,
            Status::Soaking => passed(self.soak_until.as_deref(), Duration::zero()),
            Status::Unreachable => passed(self.steps.last().map(|s| s.time.as_str()), retry),
            Status::Waiting | Status::Done | Status::Halted | Status::RolledBack => false,
        }
    }
}

/// The console's one turn at roll-outs, held while one is carried out or
/// rolled back, so the app's catching up and the command line never do
/// one twice at once; refused while another has it.
pub fn take_turn(data_dir: &std::path::Path) -> Result<crate::admin::state::Turn> {
    let folder = data_dir.join("fleet");
    crate::ssh::private_folder(&folder)?;
    crate::admin::state::Turn::take(
        &folder.join("rollouts.lock"),
        "A roll-out is being carried out now.",
        "Wait for it to finish (the Computers screen shows it), then try again.",
    )
}

const TABLE: &str = "rollouts";
const WHAT: &str = "roll-outs";

/// Keeps `r` (a new one gets its number) with an entry `action` in the
/// console's activity log, in one transaction.
pub fn save(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    r: &mut Rollout,
    action: &str,
) -> Result<()> {
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = json_rows::put(tx, TABLE, WHAT, r.id, &r.started, &*r)?;
        let details = serde_json::json!({
            "rollout": id,
            "change": r.plan.change,
            "status": r.status,
            "message": r.message,
        });
        let target = format!("roll-out {id}");
        let entry = if matches!(r.status, Status::Halted) {
            NewEntry::failed(action, &target, &r.message, details)
        } else {
            NewEntry::ok(action, &target, details)
        };
        Ok((id, entry))
    })?;
    r.id = id;
    Ok(())
}

/// Every roll-out, newest first.
pub fn list(store: &Store) -> Result<Vec<Rollout>> {
    Ok(json_rows::all::<Rollout>(store, TABLE, WHAT)?
        .into_iter()
        .map(|(id, r)| Rollout { id, ..r })
        .collect())
}

pub fn get(store: &Store, id: i64) -> Result<Rollout> {
    json_rows::one::<Rollout>(store, TABLE, WHAT, id)?
        .map(|r| Rollout { id, ..r })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no roll-out {id}."),
                "Run shipshape fleet status to see the roll-outs and their numbers.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn computer(id: i64, name: &str) -> Computer {
        Computer::for_tests(id, name, &format!("root@{name}"))
    }

    fn office() -> Vec<Computer> {
        ["a", "b", "c", "d", "e", "f"]
            .iter()
            .enumerate()
            .map(|(i, n)| computer(i as i64 + 1, n))
            .collect()
    }

    fn plan() -> RolloutPlan {
        RolloutPlan {
            change: Change::Package {
                name: "hello".into(),
            },
            pilot: vec![3],
            waves: vec![25, 100],
            soak_minutes: 0,
            approval: Approval::Automatic,
            halt_percent: 0,
        }
    }

    fn names(r: &Rollout) -> Vec<Vec<&str>> {
        r.rings
            .iter()
            .map(|g| g.parts.iter().map(|p| p.name.as_str()).collect())
            .collect()
    }

    #[test]
    fn the_pilot_goes_first_then_the_rest_in_waves() {
        let r = Rollout::new(plan(), &office(), "admin", Utc::now()).expect("planned");
        assert_eq!(
            names(&r),
            vec![vec!["c"], vec!["a", "b"], vec!["d", "e", "f"]]
        );
        assert_eq!(r.rings[1].name, "Wave 1");
        let all = Rollout::new(
            RolloutPlan {
                pilot: vec![],
                waves: vec![100],
                ..plan()
            },
            &office(),
            "admin",
            Utc::now(),
        )
        .expect("planned");
        assert_eq!(names(&all).len(), 1);
        assert_eq!(
            Change::Package {
                name: "hello".into()
            }
            .command(),
            ["shipshape", "fleet", "apply", "package", "hello", "--json"]
        );
    }

    #[test]
    fn a_deployment_plan_is_checked_before_anything_is_sent() {
        let package = |name: &str| Change::Package { name: name.into() };
        let with = |changes: Vec<Change>| Change::Plan {
            name: "Office app".into(),
            stages: vec![
                PlanStage {
                    name: "Server".into(),
                    changes: vec![package("office-server")],
                },
                PlanStage {
                    name: "Client".into(),
                    changes,
                },
            ],
            gates: vec![Gate::NoNewAlerts],
        };
        let plan = with(vec![Change::File {
            path: "/tmp/client_1.0_all.deb".into(),
            sha256: "a".repeat(64),
        }]);
        plan.checked().expect("a plan of packages and files");
        assert_eq!(
            plan.stages().iter().map(Vec::len).collect::<Vec<_>>(),
            vec![1, 1]
        );
        assert_eq!(
            plan.files(),
            vec![("/tmp/client_1.0_all.deb", "a".repeat(64).as_str())]
        );
        assert!(plan.words().contains("2 part(s) in 2 stage(s)"));
        let refused = |c: Change| c.checked().expect_err("refused").message;
        assert!(refused(with(Vec::new())).contains("an empty stage"));
        assert!(
            refused(with(vec![Change::SecurityUpdates])).contains("does not carry inside a plan")
        );
        assert!(refused(with(vec![plan.clone()])).contains("does not carry inside a plan"));
        assert!(refused(with(vec![package("x;y")])).contains("not a package name"));
        let mut unnamed = plan.clone();
        if let Change::Plan { name, .. } = &mut unnamed {
            *name = " ".into();
        }
        assert!(refused(unnamed.clone()).contains("needs a name"));
        for bad in ["App\u{2028}- hosts: all", "App {{ lookup('pipe', 'id') }}"] {
            if let Change::Plan { name, .. } = &mut unnamed {
                *name = bad.into();
            }
            assert!(refused(unnamed.clone()).contains("without braces"), "{bad}");
        }
    }

    #[test]
    fn bad_plans_are_refused_with_the_reason() {
        let refused = |p: RolloutPlan| {
            Rollout::new(p, &office(), "admin", Utc::now())
                .expect_err("refused")
                .message
        };
        assert!(
            refused(RolloutPlan {
                pilot: vec![1, 2, 3],
                ..plan()
            })
            .contains("one or two")
        );
        assert!(
            refused(RolloutPlan {
                pilot: vec![2, 2],
                ..plan()
            })
            .contains("twice")
        );
        assert!(
            refused(RolloutPlan {
                pilot: vec![99],
                ..plan()
            })
            .contains("no computer 99")
        );
        for waves in [vec![], vec![50], vec![50, 50, 100], vec![0, 100]] {
            assert!(refused(RolloutPlan { waves, ..plan() }).contains("rising"));
        }
        assert!(
            refused(RolloutPlan {
                halt_percent: 101,
                ..plan()
            })
            .contains("0 to 100")
        );
        assert!(
            refused(RolloutPlan {
                soak_minutes: 20_000,
                ..plan()
            })
            .contains("a week")
        );
        let bad_name = RolloutPlan {
            change: Change::Package {
                name: "x; rm -rf /".into(),
            },
            ..plan()
        };
        assert!(refused(bad_name).contains("not a package name"));
        assert!(
            Rollout::new(plan(), &[], "admin", Utc::now())
                .expect_err("no computers")
                .message
                .contains("no computers")
        );
    }

    #[test]
    fn a_failed_pilot_halts_and_later_rings_are_not_begun() {
        let now = Utc::now();
        let mut r = Rollout::new(plan(), &office(), "admin", now).expect("planned");
        r.rings[0].parts[0].state = PartState::Failed;
        r.judge_ring(now);
        assert_eq!(r.status, Status::Halted);
        assert!(
            r.message
                .contains("1 of 1 computers in the Pilot ring failed")
        );
        assert!(r.may_go_on(Some("admin"), now).is_err());
    }

    #[test]
    fn soak_then_approval_then_the_next_ring() {
        let now = Utc::now();
        let mut r = Rollout::new(
            RolloutPlan {
                soak_minutes: 60,
                approval: Approval::Ask,
                halt_percent: 50,
                ..plan()
            },
            &office(),
            "admin",
            now,
        )
        .expect("planned");
        r.rings[0].parts[0].state = PartState::Done;
        r.judge_ring(now);
        assert_eq!(r.status, Status::Soaking);
        let early = r.may_go_on(Some("admin"), now).expect_err("soaking");
        assert!(early.message.contains("watched until"), "{}", early.message);
        let later = now + Duration::minutes(61);
        let asks = r.may_go_on(None, later).expect_err("approval");
        assert!(asks.message.contains("waits for your approval"));
        assert_eq!(r.status, Status::Waiting);
        r.may_go_on(Some("admin"), later).expect("approved");
        assert_eq!(r.rings[0].approved_by.as_deref(), Some("admin"));
        // One of two failed in the wave: within 50 %, so it goes on.
        r.rings[1].parts[0].state = PartState::Failed;
        r.rings[1].parts[1].state = PartState::Done;
        r.judge_ring(later);
        assert_eq!(r.status, Status::Soaking);
        assert_eq!(r.current, 2);
    }

    #[test]
    fn unreachable_computers_hold_the_ring_until_reached() {
        let now = Utc::now();
        let mut r = Rollout::new(plan(), &office(), "admin", now).expect("planned");
        r.rings[0].parts[0].state = PartState::Unreachable;
        r.judge_ring(now);
        assert_eq!(r.status, Status::Unreachable);
        assert_eq!(r.current, 0);
        r.may_go_on(None, now).expect("it may try again");
        r.rings[0].parts[0].state = PartState::Done;
        r.judge_ring(now);
        assert_eq!(r.current, 1);
        assert_eq!(r.status, Status::Running);
    }

    #[test]
    fn it_goes_on_by_itself_after_a_soak_or_a_while_for_unreachable_computers() {
        let now = Utc::now();
        let mut r = Rollout::new(
            RolloutPlan {
                soak_minutes: 30,
                ..plan()
            },
            &office(),
            "admin",
            now,
        )
        .expect("planned");
        r.rings[0].parts[0].state = PartState::Done;
        r.judge_ring(now);
        let retry = Duration::minutes(10);
        assert!(!r.due(now, retry));
        assert!(r.due(now + Duration::minutes(31), retry));
        r.status = Status::Unreachable;
        r.step(false, "not reached", now);
        assert!(!r.due(now + Duration::minutes(5), retry));
        assert!(r.due(now + retry, retry));
        r.status = Status::Waiting;
        assert!(
            !r.due(now + Duration::days(1), retry),
            "approval is a person's"
        );
    }

    #[test]
    fn one_turn_at_a_time() {
        let dir = tempfile::tempdir().expect("a folder");
        let held = take_turn(dir.path()).expect("first");
        assert_eq!(
            take_turn(dir.path()).expect_err("busy").code,
            ErrorCode::Conflict
        );
        drop(held);
        take_turn(dir.path()).expect("free again");
    }

    #[test]
    fn a_rollback_ends_only_when_every_changed_computer_is_back() {
        let now = Utc::now();
        let mut r = Rollout::new(plan(), &office(), "admin", now).expect("planned");
        r.rings[0].parts[0].state = PartState::Done;
        r.rings[0].parts[0].run = Some(4);
        r.judge_rollback(now);
        assert!(r.message.contains("Not rolled back yet on c"));
        r.rings[0].parts[0].state = PartState::RolledBack;
        r.judge_rollback(now);
        assert_eq!(r.status, Status::RolledBack);
    }
}
