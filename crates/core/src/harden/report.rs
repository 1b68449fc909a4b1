//! Reports of the latest scan: an HTML page a person would print, JSON for
//! programs and CSV for spreadsheets, written atomically and recorded.

use super::Scan;
use super::check::{Finding, Severity, Status};
use super::history;
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result, atomic_file};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use std::path::Path;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFormat {
    Html,
    Json,
    Csv,
}

impl ReportFormat {
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "html" => Ok(ReportFormat::Html),
            "json" => Ok(ReportFormat::Json),
            "csv" => Ok(ReportFormat::Csv),
            other => Err(Error::invalid_input(
                format!("\"{other}\" is not a report format."),
                "Use html, json or csv.",
            )),
        }
    }

    /// The format a file's name says (`.json`, `.csv`); a page otherwise.
    pub fn from_extension(file: &Path) -> Self {
        match file.extension().and_then(|e| e.to_str()) {
            Some("json") => ReportFormat::Json,
            Some("csv") => ReportFormat::Csv,
            _ => ReportFormat::Html,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReportSummary {
    pub path: String,
    pub format: ReportFormat,
    /// When the reported scan ran.
    pub scan_time: String,
    pub score: u32,
}

/// The scan as a report in `format`; `now` is the generation time.
pub fn render(scan: &Scan, format: ReportFormat, now: DateTime<Utc>) -> Result<String> {
    match format {
        ReportFormat::Json => {
            serde_json::to_string_pretty(scan).map_err(|e| Error::internal(e.to_string()))
        }
        ReportFormat::Csv => csv(scan),
        ReportFormat::Html => Ok(html(scan, now)),
    }
}

/// Writes a report of the latest full scan to `path` atomically, then
/// records the export (a failed one too).
pub fn export(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    format: ReportFormat,
    path: &Path,
) -> Result<ReportSummary> {
    let result = (|| -> Result<ReportSummary> {
        let scan = history::latest(store, now)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "There is no scan to report on yet.",
                "Run shipshape scan first, then export the report.",
            )
        })?;
        let text = render(&scan, format, now)?;
        atomic_file::write(path, text.as_bytes())?;
        Ok(ReportSummary {
            path: path.display().to_string(),
            format,
            scan_time: scan.time,
            score: scan.score,
        })
    })();
    let target = path.display().to_string();
    let details = serde_json::json!({ "format": format.as_str() });
    match &result {
        Ok(summary) => {
            let mut details = details;
            details["scan_time"] = summary.scan_time.clone().into();
            details["score"] = summary.score.into();
            audit::append(
                store,
                now,
                actor,
                NewEntry::ok("security.report", &target, details),
            )?;
        }
        Err(e) => {
            audit::append(
                store,
                now,
                actor,
                NewEntry::failed("security.report", &target, &e.message, details),
            )?;
        }
    }
    result
}

/// A spreadsheet runs a cell starting with = + - @ as a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn evidence_text(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|e| match e.line {
            Some(n) => format!("{}:{n}: {}", e.source, e.text),
            None => format!("{}: {}", e.source, e.text),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn csv(scan: &Scan) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::internal(format!("Could not write CSV: {e}"));
    w.write_record([
        "id",
        "title",
        "severity",
        "status",
        "detail",
        "why",
        "evidence",
        "remediation",
        "fixable",
        "references",
        "accepted",
    ])
    .map_err(failed)?;
    for f in &scan.checks {
        w.write_record([
            f.id.as_str(),
            &cell(&f.title),
            f.severity.as_str(),
            f.status.as_str(),
            &cell(&f.detail),
            &cell(&f.why),
            &cell(&evidence_text(f)),
            &cell(&f.remediation),
            if f.fixable { "yes" } else { "no" },
            &f.references.join("; "),
            &f.accepted
                .as_ref()
                .map(|a| cell(&format!("until {} by {}: {}", a.until, a.actor, a.reason)))
                .unwrap_or_default(),
        ])
        .map_err(failed)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::internal(e.to_string()))
}

fn severity_heading(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical: fix these today",
        Severity::High => "High: fix these this week",
        Severity::Medium => "Medium: plan these",
        Severity::Low => "Low: when you have time",
    }
}

fn status_words(s: Status) -> &'static str {
    match s {
        Status::Pass => "OK",
        Status::Fail => "Needs fixing",
        Status::Warning => "Worth a look",
        Status::NotApplicable => "Does not apply",
        Status::NeedsAdmin => "Needs administrator rights",
        Status::Error => "Could not check",
        Status::Accepted => "Accepted risk",
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d232a;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.25rem}\
h3{font-size:1rem;margin:1rem 0 .25rem}.meta{color:#4a5560}.score{font-size:2.5rem;font-weight:700}\
.finding{border:1px solid #ccd;border-left:6px solid #888;border-radius:4px;padding:.5rem 1rem;margin:.75rem 0;break-inside:avoid}\
.fail{border-left-color:#b3261e}.warning{border-left-color:#9a6700}.badge{font-size:.85rem;font-weight:600}\
details{margin:.25rem 0}summary{cursor:pointer}pre{white-space:pre-wrap;background:#f4f5f7;padding:.5rem;font-size:.85rem}\
ul.plain{padding-left:1.2rem}@media print{details{display:block}details>*{display:block}summary{display:none}}";

fn html(scan: &Scan, now: DateTime<Utc>) -> String {
    let mut h = String::new();
    let computer = if scan.computer.is_empty() {
        "this computer"
    } else {
        scan.computer.as_str()
    };
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Security report for {c}</title><style>{STYLE}</style></head><body>",
        c = crate::html::escape(computer)
    );
    let _ = write!(
        h,
        "<h1>Security report for {c}</h1><p class=\"meta\">{sys}{folder}. Scanned {scanned}; report made {made}.{admin}</p>",
        c = crate::html::escape(computer),
        sys = crate::html::escape(if scan.system.is_empty() {
            "Unknown system"
        } else {
            &scan.system
        }),
        scanned = crate::html::escape(&scan.time),
        made = crate::html::escape(&now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        folder = if scan.root == "/" {
            String::new()
        } else {
            format!(", found in the folder {}", crate::html::escape(&scan.root))
        },
        admin = if scan.as_admin {
            ""
        } else {
            " The scan ran without administrator rights, so some checks could not look everywhere."
        },
    );
    let c = &scan.counts;
    let _ = write!(
        h,
        "<p><span class=\"score\">{}</span> out of 100</p><p>{} checks passed, {} need fixing, {} are worth a look, {} are accepted risks. {} did not apply to this computer and {} could not be checked.</p>",
        scan.score,
        c.pass,
        c.fail,
        c.warning,
        c.accepted,
        c.not_applicable,
        c.needs_admin + c.error
    );
    if !scan.costs.is_empty() {
        h.push_str("<h2>Why this score</h2><p>These findings cost the most points:</p><ul class=\"plain\">");
        for cost in &scan.costs {
            let _ = write!(
                h,
                "<li>{} ({} points)</li>",
                crate::html::escape(&cost.title),
                cost.points
            );
        }
        h.push_str("</ul>");
    }
    let attention = scan.with_status(&[Status::Fail, Status::Warning]);
    h.push_str("<h2>What needs attention</h2>");
    if attention.is_empty() {
        h.push_str("<p>Nothing. Every check that applies to this computer passed.</p>");
    }
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let group: Vec<&&Finding> = attention.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        let _ = write!(h, "<h3>{}</h3>", severity_heading(sev));
        for f in group {
            finding_html(&mut h, f);
        }
    }
    let unknown = scan.with_status(&[Status::NeedsAdmin, Status::Error]);
    if !unknown.is_empty() {
        h.push_str("<h2>What could not be checked</h2>");
        for f in unknown {
            finding_html(&mut h, f);
        }
    }
    let accepted = scan.with_status(&[Status::Accepted]);
    if !accepted.is_empty() {
        h.push_str("<h2>Accepted risks</h2><p>Findings someone decided to live with for now; each counts again after its date.</p>");
        for f in accepted {
            finding_html(&mut h, f);
        }
    }
    h.push_str("<h2>What is fine</h2><ul class=\"plain\">");
    for f in scan.checks.iter().filter(|f| f.status == Status::Pass) {
        let _ = write!(h, "<li>{}</li>", crate::html::escape(&f.detail));
    }
    h.push_str("</ul></body></html>\n");
    h
}

fn finding_html(h: &mut String, f: &Finding) {
    let class = match f.status {
        Status::Fail => "finding fail",
        Status::Warning => "finding warning",
        _ => "finding",
    };
    let _ = write!(
        h,
        "<div class=\"{class}\"><p><strong>{title}</strong><br><span class=\"badge\">{status}</span> · {detail}</p><p>{why}</p><p><strong>What to do:</strong> {fix}</p>",
        title = crate::html::escape(&f.title),
        status = status_words(f.status),
        detail = crate::html::escape(&f.detail),
        why = crate::html::escape(&f.why),
        fix = crate::html::escape(&f.remediation),
    );
    if let Some(a) = &f.accepted {
        let _ = write!(
            h,
            "<p><strong>Accepted</strong> by {} until {}: {}</p>",
            crate::html::escape(&a.actor),
            crate::html::escape(&a.until),
            crate::html::escape(&a.reason)
        );
    }
    if !f.evidence.is_empty() || !f.references.is_empty() {
        let _ = write!(
            h,
            "<details><summary>Technical details</summary><p>Check {}",
            crate::html::escape(&f.id)
        );
        if !f.references.is_empty() {
            let _ = write!(h, " · {}", crate::html::escape(&f.references.join(", ")));
        }
        h.push_str("</p>");
        if !f.evidence.is_empty() {
            let _ = write!(h, "<pre>{}</pre>", crate::html::escape(&evidence_text(f)));
        }
        h.push_str("</details>");
    }
    h.push_str("</div>");
}
