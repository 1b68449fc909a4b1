//! The change record of an installation: what was installed, from where,
//! how it was proven, every step with its time and result, what changed,
//! and whether it was undone. A printable page for the office's files, or
//! JSON for other programs; saving it is in the activity log.

use super::Trust;
use super::deploy::{Deployment, Status};
use super::plan::{Approval, Part};
use crate::audit::{self, Actor, NewEntry};
use crate::harden::report::ReportFormat;
use crate::html::escape;
use crate::maintain::updates::{RunKind, RunOutcome, RunStep, UpdateRun};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// Where a record was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordSaved {
    pub path: String,
    pub format: ReportFormat,
    /// The number of what was saved: an installation, a deployment or an
    /// access review.
    #[ts(type = "number")]
    pub run: i64,
}

const STYLE: &str = "body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.45;color:#111}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}code,pre,.mono{font-family:monospace}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ccc;vertical-align:top}\
.failed{color:#b00;font-weight:bold}.warn{border-left:4px solid #b00;padding-left:.8em;color:#b00}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em}dt{color:#555}dd{margin:0;word-break:break-word}\
pre{background:#f3f3f3;padding:.6em;white-space:pre-wrap}";

/// How the installation went in, in a few words.
fn method(run: &UpdateRun) -> &'static str {
    match run.kind {
        RunKind::InstallFile => "Direct: a package file replaced the installed version",
        RunKind::InstallPackage => {
            "Direct: a package from this computer's signed package sources replaced the installed version"
        }
        RunKind::InstallProgram => "Parallel: a folder of its own, beside the versions there",
        RunKind::ProgramSwitch => "Parallel: another installed version put in use",
        _ => "Through the package manager",
    }
}

fn outcome_words(run: &UpdateRun) -> &'static str {
    match run.outcome {
        RunOutcome::Done => "Done",
        RunOutcome::Failed => "Failed",
        RunOutcome::Running => "Not finished",
        RunOutcome::Undone => "Undone",
    }
}

fn time(stamp: &str) -> String {
    DateTime::parse_from_rfc3339(stamp)
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.to_string())
}

/// Steps with their times and results, as a table under a heading.
fn steps_table(steps: &[RunStep]) -> String {
    let mut table =
        String::from("<h2>Steps</h2><table><tr><th>When</th><th>What</th><th>Result</th></tr>");
    for s in steps {
        table.push_str(&format!(
            "<tr><td class=\"mono\">{}</td><td>{}</td><td{}>{}</td></tr>",
            time(&s.time),
            escape(&s.what),
            if s.ok { "" } else { " class=\"failed\"" },
            if s.ok { "Done" } else { "Failed" }
        ));
    }
    table.push_str("</table>");
    table
}

/// The record as a printable page.
pub fn html(run: &UpdateRun, computer: &str, by: &str, now: DateTime<Utc>) -> String {
    let unverified = run.asked.contains("NOT verified");
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Installation record {id}</title><style>{STYLE}</style></head><body>\
<h1>Installation record: {what}</h1>\
<p><strong class=\"{class}\">{outcome}.</strong> {message}</p>",
        id = run.id,
        what = escape(&run.asked),
        class = if run.outcome == RunOutcome::Failed {
            "failed"
        } else {
            ""
        },
        outcome = outcome_words(run),
        message = escape(&run.message),
    );
    if unverified {
        page.push_str("<p class=\"warn\">This file was installed WITHOUT proof that it is the one its publisher released: the risk was accepted, for the reason given above.</p>");
    }
    page.push_str(&format!(
        "<dl><dt>Computer</dt><dd>{computer}</dd><dt>Method</dt><dd>{method}</dd>\
<dt>Started</dt><dd>{started}</dd><dt>Finished</dt><dd>{finished}</dd>\
<dt>Number</dt><dd>{id}{admin}</dd>{undone}</dl>",
        computer = escape(computer),
        method = method(run),
        started = time(&run.started),
        finished = run
            .finished
            .as_deref()
            .map(time)
            .unwrap_or_else(|| "not yet".into()),
        id = run.id,
        admin = run
            .admin_run
            .map(|n| format!(" (the administrator's record {n})"))
            .unwrap_or_default(),
        undone = run
            .undone_by
            .map(|n| format!("<dt>Undone</dt><dd>by run {n}</dd>"))
            .unwrap_or_default(),
    ));
    if !run.steps.is_empty() {
        page.push_str(&steps_table(&run.steps));
    }
    if !run.packages.is_empty() {
        page.push_str(
            "<h2>What changed</h2><table><tr><th>Name</th><th>Before</th><th>After</th></tr>",
        );
        for p in &run.packages {
            page.push_str(&format!(
                "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.name),
                escape(p.old_version.as_deref().unwrap_or("not installed")),
                escape(p.new_version.as_deref().unwrap_or("not installed")),
            ));
        }
        page.push_str("</table>");
    }
    if !run.hardening.is_empty() {
        page.push_str(
            "<h2>After installing</h2><table><tr><th>What was found</th><th>What was done</th></tr>",
        );
        for h in &run.hardening {
            let answer = match &h.answer {
                Some(a) => format!(
                    "{} <small>({}, {})</small>",
                    escape(&a.words),
                    escape(&a.by),
                    time(&a.time)
                ),
                None => "<span class=\"failed\">Not answered yet</span>".into(),
            };
            page.push_str(&format!(
                "<tr><td>{}</td><td>{answer}</td></tr>",
                escape(&h.what)
            ));
        }
        page.push_str("</table>");
    }
    if !run.log_tail.is_empty() {
        page.push_str(&format!(
            "<h2>What the package manager said last</h2><pre>{}</pre>",
            escape(&run.log_tail)
        ));
    }
    page.push_str(&format!(
        "<p><small>Saved by {} on {} with Shipshape.</small></p></body></html>\n",
        escape(by),
        now.format("%Y-%m-%d %H:%M UTC")
    ));
    page
}

/// The record as JSON: the run as kept, with the computer and the time.
pub fn json(run: &UpdateRun, computer: &str, now: DateTime<Utc>) -> Result<String> {
    serde_json::to_string_pretty(&serde_json::json!({
        "record": "installation",
        "computer": computer,
        "saved": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "method": method(run),
        "run": run,
    }))
    .map_err(|e| Error::internal(e.to_string()))
}

/// Saves the record of `run` (an installation) at `path` in `format`,
/// and notes it in the activity log.
pub fn save(
    store: &crate::store::Store,
    run: &UpdateRun,
    format: ReportFormat,
    path: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<RecordSaved> {
    if !run.kind.is_installation() {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!(
                "Run {} is not an installation, so it has no change record.",
                run.id
            ),
            "Run shipshape installs list to see the installations and their numbers.",
        ));
    }
    let computer = crate::computer::hostname();
    let text = match format {
        ReportFormat::Html => html(run, &computer, &actor.user, now),
        ReportFormat::Json => json(run, &computer, now)?,
        ReportFormat::Csv => return Err(not_a_spreadsheet("An installation's")),
    };
    let details = serde_json::json!({ "run": run.id, "format": format.as_str() });
    let path = written(store, path, &text, "install.record", details, actor, now)?;
    Ok(RecordSaved {
        path,
        format,
        run: run.id,
    })
}

/// Refuses a record as CSV: `what` ("An installation's") record is a page
/// or JSON.
fn not_a_spreadsheet(what: &str) -> Error {
    Error::invalid_input(
        format!("{what} record is a web page (HTML) or JSON, not a spreadsheet."),
        "Save it as HTML to print it, or as JSON for another program.",
    )
}

/// Writes `text` at `path` and notes it (or its failure) in the activity
/// log as `action`; the path written.
fn written(
    store: &crate::store::Store,
    path: &Path,
    text: &str,
    action: &str,
    details: serde_json::Value,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    let target = path.display().to_string();
    let result = crate::atomic_file::write(path, text.as_bytes());
    let entry = match &result {
        Ok(()) => NewEntry::ok(action, &target, details),
        Err(e) => NewEntry::failed(action, &target, &e.message, details),
    };
    audit::append(store, now, actor, entry)?;
    result.map(|()| target)
}

/// A part of a plan and what proves it, for the record.
fn part_words(part: &Part) -> (String, String, bool) {
    let proof = |trust: &Trust| match trust {
        Trust::Digest { algorithm, hex } => (format!("{} {hex}", algorithm.label()), false),
        Trust::RiskAccepted { reason } => (format!("NOT verified; risk accepted: {reason}"), true),
    };
    match part {
        Part::File(ask) => {
            let (p, red) = proof(&ask.trust);
            (ask.file.clone(), p, red)
        }
        Part::Program(ask) => {
            let (p, red) = proof(&ask.trust);
            (ask.file.clone(), p, red)
        }
        Part::Package(ask) => (
            ask.name.clone(),
            "this computer's signed package sources".into(),
            false,
        ),
    }
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::Running => "Not finished",
        Status::Waiting => "Waiting for approval",
        Status::Soaking => "Being watched",
        Status::Done => "Done",
        Status::Halted => "Stopped",
        Status::RolledBack => "Rolled back",
    }
}

/// A deployment's record as a printable page: its plan and every part's
/// proof, each stage's installations (`runs`, from the user's history),
/// health checks and approval, and every step.
pub fn deployment_html(
    d: &Deployment,
    runs: &[UpdateRun],
    computer: &str,
    by: &str,
    now: DateTime<Utc>,
) -> String {
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Deployment record {id}</title><style>{STYLE}</style></head><body>\
<h1>Deployment record: {name}</h1>\
<p><strong class=\"{class}\">{status}.</strong> {message}</p>\
<dl><dt>Computer</dt><dd>{computer}</dd><dt>Method</dt><dd>{method}</dd>\
<dt>Started</dt><dd>{started} by {starter}</dd><dt>Finished</dt><dd>{finished}</dd><dt>Number</dt><dd>{id}{repeats}</dd></dl>",
        id = d.id,
        name = escape(&d.plan.name),
        class = if d.status == Status::Halted {
            "failed"
        } else {
            ""
        },
        status = status_words(d.status),
        message = escape(&d.message),
        computer = escape(computer),
        method = escape(d.plan.method.words()),
        started = time(&d.started),
        starter = escape(&d.by),
        finished = d
            .finished
            .as_deref()
            .map(time)
            .unwrap_or_else(|| "not yet".into()),
        repeats = d
            .repeats
            .map(|n| format!(" (repeats deployment {n})"))
            .unwrap_or_default(),
    );
    page.push_str("<h2>The plan</h2><table><tr><th>Stage</th><th>What</th><th>Proven by</th></tr>");
    for stage in &d.plan.stages {
        for part in &stage.parts {
            let (what, proof, red) = part_words(part);
            page.push_str(&format!(
                "<tr><td>{}</td><td class=\"mono\">{}</td><td{}>{}</td></tr>",
                escape(&stage.name),
                escape(&what),
                if red { " class=\"failed\"" } else { "" },
                escape(&proof)
            ));
        }
    }
    page.push_str("</table>");
    let gates: Vec<String> = d.plan.gates.iter().map(|g| escape(&g.words())).collect();
    page.push_str(&format!(
        "<p>Health checks after each stage: {}. Next stage: {}.{}</p>",
        if gates.is_empty() {
            "none".into()
        } else {
            gates.join("; ")
        },
        match d.plan.approval {
            Approval::Ask => "after the administrator's approval",
            Approval::Automatic => "by itself once the checks pass",
        },
        if d.plan.soak_minutes > 0 {
            format!(" The pilot is watched for {} minutes.", d.plan.soak_minutes)
        } else {
            String::new()
        }
    ));
    for (stage, done) in d.plan.stages.iter().zip(&d.stages) {
        page.push_str(&format!("<h2>Stage: {}</h2><ul>", escape(&stage.name)));
        for id in &done.runs {
            let said = runs
                .iter()
                .find(|r| r.id == *id)
                .map(|r| format!("{}: {}", r.asked, r.message))
                .unwrap_or_else(|| "not in this account's history".into());
            page.push_str(&format!("<li>Installation {id}: {}</li>", escape(&said)));
        }
        for g in &done.gates {
            page.push_str(&format!(
                "<li{}>{} {}: {}</li>",
                if g.passed { "" } else { " class=\"failed\"" },
                time(&g.time),
                if g.passed { "Passed" } else { "FAILED" },
                escape(&g.words)
            ));
        }
        if let Some(a) = &done.approved {
            page.push_str(&format!(
                "<li>Approved by {} at {}</li>",
                escape(&a.by),
                time(&a.time)
            ));
        }
        page.push_str("</ul>");
    }
    page.push_str(&steps_table(&d.steps));
    page.push_str(&format!(
        "<p><small>Saved by {} on {} with Shipshape.</small></p></body></html>\n",
        escape(by),
        now.format("%Y-%m-%d %H:%M UTC")
    ));
    page
}

/// Saves deployment `d`'s record (`runs`: its installations) at `path`.
pub fn save_deployment(
    store: &crate::store::Store,
    d: &Deployment,
    runs: &[UpdateRun],
    format: ReportFormat,
    path: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<RecordSaved> {
    let computer = crate::computer::hostname();
    let text = match format {
        ReportFormat::Html => deployment_html(d, runs, &computer, &actor.user, now),
        ReportFormat::Json => serde_json::to_string_pretty(&serde_json::json!({
            "record": "deployment",
            "computer": computer,
            "saved": now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "deployment": d,
            "installations": runs,
        }))
        .map_err(|e| Error::internal(e.to_string()))?,
        ReportFormat::Csv => return Err(not_a_spreadsheet("A deployment's")),
    };
    let details = serde_json::json!({ "deployment": d.id, "format": format.as_str() });
    let path = written(store, path, &text, "deploy.record", details, actor, now)?;
    Ok(RecordSaved {
        path,
        format,
        run: d.id,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::maintain::updates::PackageChange;

    fn run() -> UpdateRun {
        let mut run: UpdateRun = serde_json::from_value(serde_json::json!({
            "id": 7, "kind": "install_file", "asked": "app_2.0_all.deb (NOT verified, SHA-256 ab; risk accepted: <b>lab</b>)",
            "started": "2026-12-05T10:00:00.000Z", "finished": "2026-12-05T10:00:09.000Z", "outcome": "done",
            "message": "app 2.0 is installed.", "packages": [], "restart_needed": false,
            "undoes": null, "undone_by": null, "admin_run": 3, "log_tail": "Setting up app (2.0) ..."
        }))
        .unwrap();
        run.packages.push(PackageChange {
            name: "app".into(),
            arch: "all".into(),
            old_version: Some("1.0".into()),
            new_version: Some("2.0".into()),
            undo_copy: true,
        });
        run.steps.push(RunStep {
            time: "2026-12-05T10:00:08.000Z".into(),
            what: "The package manager installed it and set it up".into(),
            ok: true,
        });
        run
    }

    #[test]
    fn the_page_says_the_verdict_first_warns_of_no_proof_and_escapes_what_it_quotes() {
        let now = "2026-12-05T11:00:00Z".parse().unwrap();
        let page = html(&run(), "office-pc", "maria", now);
        let verdict = page.find("Done.").unwrap();
        assert!(verdict < page.find("<h2>Steps</h2>").unwrap());
        assert!(page.contains("WITHOUT proof"));
        assert!(page.contains("&lt;b&gt;lab&lt;/b&gt;"));
        assert!(!page.contains("<b>lab</b>"));
        assert!(page.contains("2026-12-05 10:00:08 UTC"));
        assert!(page.contains("<td class=\"mono\">app</td><td>1.0</td><td>2.0</td>"));
        assert!(page.contains("Direct: a package file"));
        let json: serde_json::Value =
            serde_json::from_str(&json(&run(), "office-pc", now).unwrap()).unwrap();
        assert_eq!(json["run"]["steps"][0]["ok"], true);
        assert_eq!(json["computer"], "office-pc");
    }
}
