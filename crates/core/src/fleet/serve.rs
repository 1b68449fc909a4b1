//! The other side: the console's key may run only `shipshape fleet
//! serve` (its authorized_keys line says so), which reads what the
//! console asked (`SSH_ORIGINAL_COMMAND`) and answers only the Shipshape
//! commands listed here, word for word, their one argument checked (a
//! package name by Debian's rules, a run by its number); anything else is
//! refused and nothing runs. What a change did comes back as `Applied`.

use super::rollout::Change;
use crate::install::deploy::GateResult;
use crate::install::plan::Gate;
use crate::maintain::apt;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the console may ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// `shipshape fleet report --json`.
    Report,
    /// `shipshape fleet details --json`: the report and what it counts.
    Details,
    /// `shipshape fleet apply package NAME --json` or
    /// `shipshape fleet apply security-updates --json`.
    Apply(Change),
    /// `shipshape fleet apply file SHA256 --json`, the package file's bytes
    /// on standard input: installed only if they have this SHA-256.
    ApplyFile(String),
    /// `shipshape fleet undo RUN --json`: take back a run a roll-out made.
    Undo(i64),
    /// `shipshape fleet gates SINCE --json`, a plan's health gates (JSON)
    /// on standard input: checked here for changes begun at SINCE.
    Gates(String),
}

/// What `original` (the command the console sent) asks, if it is allowed.
pub fn asked(original: Option<&str>) -> Result<Asked> {
    let Some(original) = original else {
        return Err(Error::invalid_input(
            "Nothing was asked: this runs only for Shipshape's console, over SSH.",
            "Run shipshape fleet check on the console instead.",
        ));
    };
    let words: Vec<&str> = original.split(' ').collect();
    let found = match words.as_slice() {
        ["shipshape", "fleet", "report", "--json"] => Some(Asked::Report),
        ["shipshape", "fleet", "details", "--json"] => Some(Asked::Details),
        ["shipshape", "fleet", "apply", "security-updates", "--json"] => {
            Some(Asked::Apply(Change::SecurityUpdates))
        }
        ["shipshape", "fleet", "apply", "package", name, "--json"]
            if apt::is_package_name(name) =>
        {
            Some(Asked::Apply(Change::Package {
                name: name.to_string(),
            }))
        }
        ["shipshape", "fleet", "apply", "file", hex, "--json"]
            if super::rollout::is_sha256(hex) =>
        {
            Some(Asked::ApplyFile(hex.to_string()))
        }
        ["shipshape", "fleet", "gates", since, "--json"]
            if since
                .bytes()
                .all(|b| b.is_ascii_digit() || b"TZ:-".contains(&b))
                && chrono::DateTime::parse_from_rfc3339(since).is_ok() =>
        {
            Some(Asked::Gates(since.to_string()))
        }
        ["shipshape", "fleet", "undo", run, "--json"] => run
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0 && run.bytes().all(|b| b.is_ascii_digit()))
            .map(Asked::Undo),
        _ => None,
    };
    found.ok_or_else(|| {
        let shown: String = original.chars().take(200).collect();
        Error::invalid_input(
            format!("\u{201c}{shown}\u{201d} is not something Shipshape's console may ask here."),
            "Only Shipshape's own commands are answered; update Shipshape here if the console is newer.",
        )
    })
}

/// How a change went on a computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "AppliedOutcome")]
pub enum Outcome {
    Done,
    /// It was there already: nothing changed.
    AlreadyThere,
    /// It failed, and what it began was put back.
    Failed,
}

/// A computer's answer to a change or an undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Applied {
    pub outcome: Outcome,
    /// The run it made, by its number in that computer's history.
    #[ts(type = "number | null")]
    pub run: Option<i64>,
    /// What happened, in plain words.
    pub words: String,
    /// The health gates that computer checked itself after a change that
    /// was made (no new error in its system journal since it began).
    #[serde(default)]
    pub gates: Vec<crate::install::deploy::GateResult>,
}

/// Longest answer read, and longest words kept from it.
const MOST_BYTES: usize = 64 * 1024;
const MOST_WORDS: usize = 600;

fn unreadable(from: &str, why: &str) -> Error {
    Error::invalid_input(
        format!("{from} answered something Shipshape cannot read: {why}."),
        "Check that the same version of Shipshape is installed there.",
    )
}

/// JSON another computer sent (at most `MOST_BYTES`), read as `T`.
fn read_json<T: serde::de::DeserializeOwned>(text: &str, from: &str) -> Result<T> {
    if text.len() > MOST_BYTES {
        return Err(unreadable(from, &format!("{} bytes", text.len())));
    }
    serde_json::from_str(text).map_err(|e| unreadable(from, &e.to_string()))
}

/// The gates another computer checked for `asked` gates, read as data:
/// one result for each gate asked, in order, each about that gate.
pub fn read_gates(text: &str, from: &str, asked: &[Gate]) -> Result<Vec<GateResult>> {
    let bad = |why: &str| unreadable(from, why);
    let mut results: Vec<GateResult> = read_json(text, from)?;
    if results.len() != asked.len() || results.iter().zip(asked).any(|(r, g)| r.gate != *g) {
        return Err(bad("not the gates it was asked to check"));
    }
    for r in &mut results {
        r.words = r
            .words
            .chars()
            .filter(|c| !c.is_control())
            .take(MOST_WORDS)
            .collect();
    }
    Ok(results)
}

/// The plan's gates the console sends on standard input (at most
/// `MOST_BYTES`), read as data.
pub fn read_asked_gates(input: &mut dyn std::io::Read) -> Result<Vec<Gate>> {
    use std::io::Read;
    let mut text = String::new();
    input
        .take(MOST_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|e| {
            Error::invalid_input(
                format!("The health gates could not be read: {e}."),
                "Run it from Shipshape's console.",
            )
        })?;
    if text.len() > MOST_BYTES {
        return Err(Error::invalid_input(
            "More health gates were sent than a plan holds.",
            "Run it from Shipshape's console.",
        ));
    }
    serde_json::from_str(&text).map_err(|e| {
        Error::invalid_input(
            format!("The health gates sent are not a plan's: {e}."),
            "Run it from Shipshape's console.",
        )
    })
}

/// An answer another computer sent, read as data.
pub fn read_applied(text: &str, from: &str) -> Result<Applied> {
    let bad = |why: &str| unreadable(from, why);
    let mut a: Applied = read_json(text, from)?;
    if a.run.is_some_and(|r| r <= 0) {
        return Err(bad("a run numbered below 1"));
    }
    a.words = a
        .words
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(MOST_WORDS)
        .collect();
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plans_gates_are_asked_with_a_time_and_answered_one_for_each() {
        assert_eq!(
            asked(Some("shipshape fleet gates 2026-12-05T10:00:00Z --json")).expect("allowed"),
            Asked::Gates("2026-12-05T10:00:00Z".into())
        );
        for bad in [
            "shipshape fleet gates yesterday --json",
            "shipshape fleet gates 2026-12-05T10:00:00Z;reboot --json",
        ] {
            assert!(asked(Some(bad)).is_err(), "{bad}");
        }
        let asked_gates = [Gate::NoNewAlerts, Gate::PortAnswers { port: 80 }];
        let answer = |gates: &[Gate]| {
            serde_json::to_string(
                &gates
                    .iter()
                    .map(|g| GateResult {
                        gate: g.clone(),
                        passed: true,
                        words: "fine\u{1b}[31m".into(),
                        time: "2026-12-05T10:01:00Z".into(),
                    })
                    .collect::<Vec<_>>(),
            )
            .expect("json")
        };
        let read = read_gates(&answer(&asked_gates), "pc", &asked_gates).expect("read");
        assert_eq!(read[0].words, "fine[31m");
        // Another gate than asked, or one missing: not believed.
        assert!(read_gates(&answer(&asked_gates[..1]), "pc", &asked_gates).is_err());
        assert!(
            read_gates(
                &answer(&[Gate::NoNewJournalErrors, Gate::NoNewAlerts]),
                "pc",
                &asked_gates
            )
            .is_err()
        );
        let sent = serde_json::to_vec(&asked_gates).expect("json");
        assert_eq!(
            read_asked_gates(&mut sent.as_slice()).expect("read"),
            asked_gates
        );
        assert!(read_asked_gates(&mut &b"[{\"kind\":\"reboot\"}]"[..]).is_err());
    }

    #[test]
    fn only_the_listed_commands_are_answered() {
        assert_eq!(
            asked(Some("shipshape fleet report --json")).expect("allowed"),
            Asked::Report
        );
        assert_eq!(
            asked(Some("shipshape fleet details --json")).expect("allowed"),
            Asked::Details
        );
        assert_eq!(
            asked(Some("shipshape fleet apply package hello --json")).expect("allowed"),
            Asked::Apply(Change::Package {
                name: "hello".into()
            })
        );
        assert_eq!(
            asked(Some("shipshape fleet apply security-updates --json")).expect("allowed"),
            Asked::Apply(Change::SecurityUpdates)
        );
        let hex = "ab".repeat(32);
        assert_eq!(
            asked(Some(&format!("shipshape fleet apply file {hex} --json"))).expect("allowed"),
            Asked::ApplyFile(hex)
        );
        assert_eq!(
            asked(Some("shipshape fleet undo 12 --json")).expect("allowed"),
            Asked::Undo(12)
        );
        for bad in [
            "bash",
            "shipshape fleet report --json; rm -rf /",
            "shipshape vault show x",
            "shipshape  fleet report --json",
            "shipshape fleet apply package -oDpkg::Pre-Invoke=x --json",
            "shipshape fleet apply package Hello --json",
            "shipshape fleet apply package hello",
            "shipshape fleet undo -1 --json",
            "shipshape fleet apply file ABC --json",
            "shipshape fleet apply file /etc/shadow --json",
            "shipshape fleet undo +1 --json",
            "shipshape fleet undo 0 --json",
            "shipshape fleet undo 1 2 --json",
            "",
        ] {
            assert!(asked(Some(bad)).is_err(), "{bad}");
        }
        assert!(asked(None).is_err());
    }

    #[test]
    fn answers_are_read_as_data_and_bounded() {
        let a = read_applied(
            r#"{"outcome":"done","run":3,"words":"hello 1.0 installed\u001b[31m"}"#,
            "pc",
        )
        .expect("read");
        assert_eq!(a.outcome, Outcome::Done);
        assert_eq!(a.words, "hello 1.0 installed[31m");
        assert!(read_applied("<html>", "pc").is_err());
        assert!(read_applied(r#"{"outcome":"done","run":-2,"words":""}"#, "pc").is_err());
        assert!(read_applied(&"x".repeat(MOST_BYTES + 1), "pc").is_err());
    }
}
