//! `shipshape scan`, `report` and `history`: the security checks.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{self, Session};
use shipshape_core::harden::check::{Finding, Severity, Status};
use shipshape_core::harden::report::{self, ReportFormat};
use shipshape_core::harden::{Scan, history};
use shipshape_core::progress::{Cancel, NoProgress};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Scan the system in this folder instead of this computer (a mounted disk, a test fixture)
    #[arg(long, value_name = "DIR", default_value = "/")]
    root: PathBuf,
    /// Run only this check (e.g. ssh.root_login); such a scan is not kept in the history
    #[arg(long, value_name = "ID")]
    check: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// File format
    #[arg(long, value_parser = ["html", "json", "csv"])]
    format: String,
    /// File to write (replaced if it exists)
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// How many past scans to show, newest first
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn scan(args: ScanArgs, ctx: &Context) -> Result<Verdict, Error> {
    // An absolute, link-free root: "." or "/./" still means this computer,
    // and the history names the same folder the same way.
    let root = args
        .root
        .canonicalize()
        .ok()
        .filter(|r| r.is_dir())
        .ok_or_else(|| {
            Error::invalid_input(
                format!("{} is not a folder.", args.root.display()),
                "Give the folder that holds the system to scan, or leave out --root to scan this computer.",
            )
        })?;
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let session = Session {
        store: &store,
        actor: &actor,
    };
    let scan = api::security::scan(
        session,
        &root,
        args.check.as_deref(),
        Utc::now(),
        &NoProgress,
        &Cancel::new(),
    )?;
    if args.json {
        print_json(&scan)?;
    } else {
        print_scan(&scan);
    }
    Ok(if scan.has_serious_failure() {
        Verdict::Negative
    } else {
        Verdict::Ok
    })
}

fn heading(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical: fix these today",
        Severity::High => "High: fix these this week",
        Severity::Medium => "Medium: plan these",
        Severity::Low => "Low: when you have time",
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Fail => "Needs fixing",
        Status::Warning => "Worth a look",
        Status::NeedsAdmin => "Needs administrator rights",
        Status::Error => "Could not check",
        Status::Pass => "OK",
        Status::NotApplicable => "Does not apply",
        Status::Accepted => "Accepted risk",
    }
}

fn print_finding(f: &Finding) {
    println!("  {}: {}", label(f.status), f.title);
    println!("    {}", f.detail);
    if matches!(f.status, Status::Fail | Status::Warning) {
        println!("    What to do: {}", f.remediation);
        if f.fixable {
            println!("    Shipshape can fix this: shipshape fix {}", f.id);
        }
    }
    if let Some(a) = &f.accepted {
        println!(
            "    Accepted until {} by {}: {}",
            a.until, a.actor, a.reason
        );
    }
    for e in f.evidence.iter().take(3) {
        match e.line {
            Some(n) => println!("    {}:{n}: {}", e.source, e.text),
            None => println!("    {}: {}", e.source, e.text),
        }
    }
    if f.evidence.len() > 3 {
        println!("    … {} more (see --json)", f.evidence.len() - 3);
    }
    println!("    [{}]", f.id);
}

fn print_scan(scan: &Scan) {
    let name = if scan.computer.is_empty() {
        "this computer"
    } else {
        &scan.computer
    };
    println!("Security score {}/100 for {name}", scan.score);
    if !scan.system.is_empty() {
        println!("{}", scan.system);
    }
    if !scan.costs.is_empty() {
        println!();
        println!("Why this score:");
        for c in &scan.costs {
            println!("  -{} points  {}", c.points, c.title);
        }
    }
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let group: Vec<&Finding> = scan
            .checks
            .iter()
            .filter(|f| f.severity == sev && matches!(f.status, Status::Fail | Status::Warning))
            .collect();
        if group.is_empty() {
            continue;
        }
        println!();
        println!("{}", heading(sev));
        for f in group {
            print_finding(f);
        }
    }
    let unknown = scan.with_status(&[Status::NeedsAdmin, Status::Error]);
    if !unknown.is_empty() {
        println!();
        println!("Could not be checked");
        for f in unknown {
            print_finding(f);
        }
    }
    let accepted = scan.with_status(&[Status::Accepted]);
    if !accepted.is_empty() {
        println!();
        println!("Accepted risks");
        for f in accepted {
            print_finding(f);
        }
    }
    let c = &scan.counts;
    println!();
    println!(
        "{} passed, {} need fixing, {} worth a look, {} accepted, {} could not be checked, {} do not apply.",
        c.pass,
        c.fail,
        c.warning,
        c.accepted,
        c.needs_admin + c.error,
        c.not_applicable
    );
    if !scan.as_admin {
        println!("Run as administrator (sudo) to check everything.");
    }
}

pub fn report(args: ReportArgs, ctx: &Context) -> Result<Verdict, Error> {
    let format = ReportFormat::parse(&args.format)?;
    let store = ctx.open_store()?;
    let summary = report::export(&store, Utc::now(), &ctx.actor(), format, &args.file)?;
    println!(
        "Wrote the report of the scan from {} (score {}) to {}.",
        summary.scan_time, summary.score, summary.path
    );
    Ok(Verdict::Ok)
}

pub fn history(args: HistoryArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let past = history::history(&store, args.limit)?;
    if args.json {
        print_json(&past)?;
        return Ok(Verdict::Ok);
    }
    if past.is_empty() {
        println!("No scans yet. Run shipshape scan to check this computer.");
        return Ok(Verdict::Ok);
    }
    for p in past {
        println!(
            "{}  score {:>3}  {} failing  {}",
            p.time, p.score, p.failed, p.root
        );
    }
    Ok(Verdict::Ok)
}
