//! A deployment plan: what to install, by which method, in which stages,
//! what must hold between stages (the health gates), whether a person
//! approves each next stage, and how long a pilot is watched. It is a
//! saved object, written as JSON (`shipshape install --plan PLAN.json`),
//! kept with every deployment made from it, and repeated as it is; the
//! Fleet only adds the computers it runs on.

use super::DebAsk;
use super::named::PackageAsk;
use super::program::ProgramAsk;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the software goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "InstallMethod")]
pub enum Method {
    /// Replace the installed version.
    Direct,
    /// The new version beside the old one, then switched to (programs in /opt).
    Parallel,
    /// Several parts in stages, with health gates and approval between them.
    Phased,
    /// First on pilot computers (this one), watched for a while, then
    /// promoted or rolled back.
    Pilot,
}

impl Method {
    /// The method in one sentence, as the user is told.
    pub fn words(self) -> &'static str {
        match self {
            Method::Direct => "Direct: the new version replaces the installed one.",
            Method::Parallel => {
                "Parallel: the new version goes in beside the old one, and you switch between them."
            }
            Method::Phased => {
                "Phased: the parts go in stage by stage; each next stage waits until the health checks pass and, if you ask, your approval."
            }
            Method::Pilot => {
                "Pilot: it goes first on the pilot computer and is watched for a while; then you promote it or roll it back."
            }
        }
    }

    pub fn parse(s: &str) -> Result<Method> {
        match s.trim() {
            "direct" => Ok(Method::Direct),
            "parallel" => Ok(Method::Parallel),
            "phased" => Ok(Method::Phased),
            "pilot" => Ok(Method::Pilot),
            other => Err(Error::invalid_input(
                format!("\"{other}\" is not a way to install."),
                "Use direct, parallel, phased or pilot.",
            )),
        }
    }
}

/// One thing a stage installs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "PlanPart")]
pub enum Part {
    /// A `.deb` file, with what proves it.
    File(DebAsk),
    /// A package by name from this computer's signed sources.
    Package(PackageAsk),
    /// A tarball or an AppImage into /opt.
    Program(ProgramAsk),
}

impl Part {
    /// What it is, in a few words: the file's name or the package's.
    pub fn label(&self) -> String {
        let file_name = |f: &str| f.rsplit('/').next().unwrap_or(f).to_string();
        match self {
            Part::File(ask) => file_name(&ask.file),
            Part::Package(ask) => ask.name.clone(),
            Part::Program(ask) => file_name(&ask.file),
        }
    }

    fn checked(self) -> Result<Part> {
        Ok(match self {
            Part::File(ask) => Part::File(ask.checked()?),
            Part::Package(ask) => Part::Package(ask.checked()?),
            Part::Program(ask) => {
                let (ask, name, version) = ask.checked()?;
                Part::Program(ProgramAsk {
                    name: Some(name),
                    version: Some(version),
                    ..ask
                })
            }
        })
    }
}

/// Parts installed together, before the gates are checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "PlanStage")]
pub struct Stage {
    pub name: String,
    pub parts: Vec<Part>,
}

/// What must hold after a stage for the deployment to go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "HealthGate")]
pub enum Gate {
    /// A service runs (systemd says it is active).
    ServiceRunning { unit: String },
    /// Something answers on this computer's port (TCP, on 127.0.0.1).
    PortAnswers { port: u16 },
    /// The system journal holds no new error since the deployment began.
    NoNewJournalErrors,
    /// Shipshape raised no new alert since the deployment began.
    NoNewAlerts,
}

impl Gate {
    pub fn words(&self) -> String {
        match self {
            Gate::ServiceRunning { unit } => format!("{unit} runs"),
            Gate::PortAnswers { port } => format!("port {port} answers"),
            Gate::NoNewJournalErrors => "no new errors in the system journal".into(),
            Gate::NoNewAlerts => "no new alerts".into(),
        }
    }
}

/// Who lets a deployment go on after a stage (or promotes a pilot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Approval {
    /// It waits for the administrator.
    Ask,
    /// It goes on by itself once the gates pass.
    Automatic,
}

/// The longest pilot watch: a week.
const MAX_SOAK_MINUTES: u32 = 7 * 24 * 60;
const MAX_STAGES: usize = 20;
const MAX_PARTS: usize = 50;
const MAX_NAME: usize = 100;

/// A deployment plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "DeploymentPlan")]
pub struct Plan {
    pub name: String,
    pub method: Method,
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub gates: Vec<Gate>,
    pub approval: Approval,
    /// For a pilot: how long it is watched before it may be promoted.
    #[serde(default)]
    pub soak_minutes: u32,
}

impl Plan {
    /// A plan of one part, by `method` (direct, parallel or pilot).
    pub fn single(part: Part, method: Method, soak_minutes: u32) -> Result<Plan> {
        Plan {
            name: part.label(),
            method,
            stages: vec![Stage {
                name: "Install".into(),
                parts: vec![part],
            }],
            gates: if method == Method::Pilot {
                vec![Gate::NoNewAlerts]
            } else {
                Vec::new()
            },
            approval: Approval::Ask,
            soak_minutes,
        }
        .checked()
    }

    /// Refuses a plan that cannot be carried out as its method says, before
    /// anything is installed.
    pub fn checked(self) -> Result<Plan> {
        let bad = |what: String, hint: &str| Err(Error::invalid_input(what, hint));
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.contains(char::is_control) {
            return bad(
                "A plan needs a name of one line, at most 100 characters.".into(),
                "Name it after what it installs, for example \"Office app 2.0\".",
            );
        }
        let parts: usize = self.stages.iter().map(|s| s.parts.len()).sum();
        if self.stages.is_empty() || self.stages.iter().any(|s| s.parts.is_empty()) {
            return bad(
                "Every stage of a plan must install something, and a plan needs at least one stage.".into(),
                "Add the files or packages to each stage, or take out the empty one.",
            );
        }
        if self.stages.len() > MAX_STAGES || parts > MAX_PARTS {
            return bad(
                format!("A plan holds at most {MAX_STAGES} stages and {MAX_PARTS} parts."),
                "Split it into several plans.",
            );
        }
        match self.method {
            Method::Phased if self.stages.len() < 2 => {
                return bad(
                    "A phased plan installs in at least two stages.".into(),
                    "Add a second stage, or install it directly.",
                );
            }
            Method::Direct | Method::Parallel | Method::Pilot if self.stages.len() != 1 => {
                return bad(
                    format!(
                        "A {} plan installs in one stage; this one has {}.",
                        self.method_name(),
                        self.stages.len()
                    ),
                    "Use the phased method for stages.",
                );
            }
            Method::Parallel
                if self.stages[0]
                    .parts
                    .iter()
                    .any(|p| !matches!(p, Part::Program(_))) =>
            {
                return bad(
                    "Only programs in tarballs and AppImages can go in beside the installed version.".into(),
                    "Install a package file or a package directly.",
                );
            }
            _ => {}
        }
        if self.method == Method::Pilot && !(1..=MAX_SOAK_MINUTES).contains(&self.soak_minutes) {
            return bad(
                "A pilot is watched for between 1 minute and a week.".into(),
                "Give soak_minutes, for example 60 for an hour.",
            );
        }
        if self.method != Method::Pilot && self.soak_minutes != 0 {
            return bad(
                "Only a pilot is watched for a while before it is promoted.".into(),
                "Leave soak_minutes out, or use the pilot method.",
            );
        }
        for gate in &self.gates {
            if let Gate::ServiceRunning { unit } = gate
                && crate::harden::fix::switch_off::unit_of(
                    &crate::harden::fix::switch_off::check_id(unit),
                )
                .is_none()
            {
                return bad(
                    format!("\"{unit}\" is not a service's name."),
                    "Name the service as systemd does, for example nginx.service.",
                );
            }
            if let Gate::PortAnswers { port: 0 } = gate {
                return bad(
                    "Port 0 is not a port.".into(),
                    "Give the port the service listens on.",
                );
            }
        }
        let stages = self
            .stages
            .into_iter()
            .map(|s| {
                Ok(Stage {
                    name: s.name.trim().chars().take(MAX_NAME).collect(),
                    parts: s
                        .parts
                        .into_iter()
                        .map(Part::checked)
                        .collect::<Result<_>>()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Plan {
            name,
            stages,
            ..self
        })
    }

    fn method_name(&self) -> &'static str {
        match self.method {
            Method::Direct => "direct",
            Method::Parallel => "parallel",
            Method::Phased => "phased",
            Method::Pilot => "pilot",
        }
    }

    /// Reads a plan written as JSON, and checks it.
    pub fn from_json(text: &str) -> Result<Plan> {
        let plan: Plan = serde_json::from_str(text).map_err(|e| {
            Error::invalid_input(
                format!("The plan could not be read: {e}."),
                "Write it as JSON: name, method, stages (each with a name and parts), gates, approval, soak_minutes; shipshape plan show N --json prints one.",
            )
        })?;
        plan.checked()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::install::Trust;
    use crate::verify::Algorithm;

    fn file(name: &str) -> Part {
        Part::File(DebAsk {
            file: format!("/srv/{name}"),
            trust: Trust::Digest {
                algorithm: Algorithm::Sha256,
                hex: "AB".repeat(32),
            },
            allow_downgrade: false,
            keep: Vec::new(),
        })
    }

    fn phased(stages: Vec<Vec<Part>>) -> Plan {
        Plan {
            name: "Office app".into(),
            method: Method::Phased,
            stages: stages
                .into_iter()
                .enumerate()
                .map(|(i, parts)| Stage {
                    name: format!("Stage {}", i + 1),
                    parts,
                })
                .collect(),
            gates: vec![Gate::PortAnswers { port: 8080 }],
            approval: Approval::Ask,
            soak_minutes: 0,
        }
    }

    #[test]
    fn a_plan_is_checked_against_its_method_before_anything_is_installed() {
        let ok = phased(vec![vec![file("server.deb")], vec![file("client.deb")]])
            .checked()
            .unwrap();
        // Checksums are kept as root compares them.
        let Part::File(ask) = &ok.stages[0].parts[0] else {
            panic!()
        };
        assert_eq!(
            ask.trust,
            Trust::Digest {
                algorithm: Algorithm::Sha256,
                hex: "ab".repeat(32)
            }
        );
        let refused = |p: Plan, words: &str| {
            let e = p.checked().unwrap_err();
            assert!(e.message.contains(words), "{} lacks {words}", e.message);
        };
        refused(phased(vec![vec![file("a.deb")]]), "at least two stages");
        refused(
            phased(vec![vec![file("a.deb")], vec![]]),
            "must install something",
        );
        refused(
            Plan {
                method: Method::Direct,
                ..phased(vec![vec![file("a.deb")], vec![file("b.deb")]])
            },
            "one stage",
        );
        refused(
            Plan {
                method: Method::Parallel,
                ..phased(vec![vec![file("a.deb")]])
            },
            "beside",
        );
        refused(
            Plan {
                method: Method::Pilot,
                ..phased(vec![vec![file("a.deb")]])
            },
            "between 1 minute",
        );
        refused(
            Plan {
                soak_minutes: 5,
                ..phased(vec![vec![file("a.deb")], vec![file("b.deb")]])
            },
            "Only a pilot",
        );
        refused(
            Plan {
                name: " ".into(),
                ..phased(vec![vec![file("a.deb")], vec![file("b.deb")]])
            },
            "name",
        );
        let mut bad_gate = phased(vec![vec![file("a.deb")], vec![file("b.deb")]]);
        bad_gate.gates = vec![Gate::ServiceRunning {
            unit: "../x.service".into(),
        }];
        refused(bad_gate, "not a service");
        let relative = Part::File(DebAsk {
            file: "a.deb".into(),
            ..match file("a.deb") {
                Part::File(a) => a,
                _ => unreachable!(),
            }
        });
        refused(
            phased(vec![vec![relative], vec![file("b.deb")]]),
            "full path",
        );
        let pilot = Plan::single(file("a.deb"), Method::Pilot, 60).unwrap();
        assert_eq!(pilot.gates, [Gate::NoNewAlerts]);
        assert!(
            Plan::from_json("{\"name\": 1}")
                .unwrap_err()
                .message
                .contains("could not be read")
        );
        let again = Plan::from_json(&serde_json::to_string(&ok).unwrap()).unwrap();
        assert_eq!(again, ok);
    }
}
