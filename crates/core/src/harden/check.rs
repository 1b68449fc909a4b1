//! What a check is (declared as data) and what it finds.

use super::target::{OsFamily, Target};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How much a failing check matters. Ordered from the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// Points at stake in the score.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Critical => 10,
            Severity::High => 5,
            Severity::Medium => 2,
            Severity::Low => 1,
        }
    }
}

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Status {
    Pass,
    Fail,
    /// Not wrong, but worth a look: counts half in the score.
    Warning,
    /// Does not apply to this computer (the software is not installed, a
    /// desktop-only check on a server).
    NotApplicable,
    /// Only an administrator can read what the check needs.
    NeedsAdmin,
    /// The check could not reach a verdict; the evidence says why.
    Error,
    /// Failed or warned, but the user accepted the risk until a date.
    Accepted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warning => "warning",
            Status::NotApplicable => "not_applicable",
            Status::NeedsAdmin => "needs_admin",
            Status::Error => "error",
            Status::Accepted => "accepted",
        }
    }
}

/// The part of the computer a check looks at, for grouping on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Area {
    Accounts,
    Ssh,
    Firewall,
    Updates,
    Services,
    Files,
    Kernel,
    Logging,
    Time,
    Boot,
    Encryption,
    Desktop,
    Integrity,
    Banners,
}

/// What a verdict rests on: a line of a file, or a command and its output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Evidence {
    /// A file ("/etc/ssh/sshd_config") or a command ("apt-get -s upgrade").
    pub source: String,
    /// The line in the file, from 1.
    pub line: Option<u32>,
    /// The line itself, or an excerpt of the output.
    pub text: String,
}

impl Evidence {
    /// `rel` is a path under the scan's root.
    pub fn file(rel: &str, line: Option<usize>, text: &str) -> Self {
        Evidence {
            source: Target::shown(rel),
            line: line.map(|l| l as u32),
            text: excerpt(text),
        }
    }

    pub fn command(argv: &[&str], output: &str) -> Self {
        Evidence {
            source: argv.join(" "),
            line: None,
            text: excerpt(output),
        }
    }
}

/// Keeps evidence short enough to read: long outputs are cut.
fn excerpt(text: &str) -> String {
    const MAX: usize = 600;
    let text = text.trim_end();
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// What a check function returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// What was found, in a sentence: "Root can log in with a password."
    pub detail: String,
    pub evidence: Vec<Evidence>,
}

impl Outcome {
    fn new(status: Status, detail: impl Into<String>) -> Self {
        Outcome {
            status,
            detail: detail.into(),
            evidence: Vec::new(),
        }
    }

    pub fn pass(detail: impl Into<String>) -> Self {
        Self::new(Status::Pass, detail)
    }

    pub fn fail(detail: impl Into<String>) -> Self {
        Self::new(Status::Fail, detail)
    }

    pub fn warning(detail: impl Into<String>) -> Self {
        Self::new(Status::Warning, detail)
    }

    pub fn not_applicable(detail: impl Into<String>) -> Self {
        Self::new(Status::NotApplicable, detail)
    }

    pub fn needs_admin(detail: impl Into<String>) -> Self {
        Self::new(Status::NeedsAdmin, detail)
    }

    pub fn error(detail: impl Into<String>) -> Self {
        Self::new(Status::Error, detail)
    }

    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    pub fn with_all(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

/// A check's answer. `Err` carries an outcome that ended the check early
/// (a file it needs could not be read), so checks can use `?`.
pub type Checked = Result<Outcome, Outcome>;

/// Which operating systems a check knows how to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Any,
    Debian,
    Fedora,
}

/// Which kind of computer a check is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Any,
    /// A computer people sit at (a display manager is installed).
    Desktop,
    /// A computer without a display manager.
    Server,
}

/// When a check applies: the OS, the role, and software that must be
/// present (any one of these paths under the root).
#[derive(Debug, Clone, Copy)]
pub struct Applies {
    pub os: Os,
    pub role: Role,
    pub needs: &'static [&'static str],
}

impl Applies {
    pub const ALWAYS: Applies = Applies {
        os: Os::Any,
        role: Role::Any,
        needs: &[],
    };

    pub const fn needs(needs: &'static [&'static str]) -> Applies {
        Applies {
            os: Os::Any,
            role: Role::Any,
            needs,
        }
    }

    pub const fn role(role: Role) -> Applies {
        Applies {
            os: Os::Any,
            role,
            needs: &[],
        }
    }

    /// Why the check does not apply to `host`, or `None` when it does.
    pub fn excludes(&self, host: &Target) -> Option<String> {
        let facts = host.facts();
        let os_ok = match self.os {
            Os::Any => true,
            Os::Debian => facts.os_family == OsFamily::Debian,
            Os::Fedora => facts.os_family == OsFamily::Fedora,
        };
        if !os_ok {
            return Some("This check is for another kind of Linux system.".into());
        }
        match (self.role, facts.desktop) {
            (Role::Desktop, false) => {
                return Some("This computer has no desktop login screen.".into());
            }
            (Role::Server, true) => {
                return Some("This check is for computers without a desktop.".into());
            }
            _ => {}
        }
        if !self.needs.is_empty() && host.first_existing(self.needs).is_none() {
            return Some("The software this check looks at is not installed.".into());
        }
        None
    }
}

/// One hardening check, declared as data around its test function.
#[derive(Debug)]
pub struct Check {
    /// Stable identifier: "ssh.root_login".
    pub id: &'static str,
    pub area: Area,
    /// What is wrong when it fails, in plain words.
    pub title: &'static str,
    /// Why it matters, one to three plain sentences.
    pub why: &'static str,
    pub severity: Severity,
    pub applies: Applies,
    /// Section of the CIS Debian Linux 12 Benchmark (v1.1.0), or "".
    pub cis: &'static str,
    /// The matching Lynis control, or "".
    pub lynis: &'static str,
    /// What to do, in plain words.
    pub remediation: &'static str,
    pub run: fn(&Target) -> Checked,
}

impl Check {
    pub fn references(&self) -> Vec<String> {
        let mut refs = Vec::new();
        if !self.cis.is_empty() {
            refs.push(format!("CIS Debian 12 {}", self.cis));
        }
        if !self.lynis.is_empty() {
            refs.push(format!("Lynis {}", self.lynis));
        }
        refs
    }
}

/// One check's result in a scan, as shown and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub id: String,
    pub area: Area,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub why: String,
    /// What was found on this computer.
    pub detail: String,
    pub evidence: Vec<Evidence>,
    pub remediation: String,
    pub fixable: bool,
    pub references: Vec<String>,
    /// Set when the user accepted this risk; `status` is then `Accepted`.
    #[serde(default)]
    pub accepted: Option<super::accepted::Accepted>,
}
