//! `shipshape audit`: list, verify and export the activity log.

use crate::{Context, Verdict, print_json};
use shipshape_core::audit::{self, ExportFormat, Filter, Outcome};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::{Error, api};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List entries, oldest first
    List(ListArgs),
    /// Check that no entry was edited, removed, inserted, reordered or cut off
    Verify(VerifyArgs),
    /// Write entries to a CSV or JSON file (the export is itself logged)
    Export(ExportArgs),
}

#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// Only entries at or after this UTC time (2026-11-24 or 2026-11-24T09:30:00Z)
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only entries before this UTC time
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Only this action, or actions starting with a prefix ending in '.' (audit.)
    #[arg(long)]
    action: Option<String>,
    /// Only entries with this outcome
    #[arg(long, value_parser = ["ok", "failed"])]
    outcome: Option<String>,
    /// Only entries containing these words
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
}

impl FilterArgs {
    fn into_filter(self) -> Filter {
        Filter {
            since: self.since,
            until: self.until,
            action: self.action,
            outcome: self.outcome.map(|o| {
                if o == "ok" {
                    Outcome::Ok
                } else {
                    Outcome::Failed
                }
            }),
            text: self.search,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// List what was done with administrator rights (root's own log)
    #[arg(long)]
    admin: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Check root's own log (the part published for every account to read)
    #[arg(long)]
    admin: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// File format
    #[arg(long, value_parser = ["csv", "json"])]
    format: String,
    /// File to write (replaced if it exists)
    file: PathBuf,
    #[command(flatten)]
    filter: FilterArgs,
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    match cmd {
        Command::List(args) => {
            let filter = args.filter.into_filter();
            let entries = if args.admin {
                match api::records::admin_activity()? {
                    Some(activity) => activity.list(&filter)?,
                    None => Vec::new(),
                }
            } else {
                audit::list(&ctx.open_store()?, &filter)?
            };
            if args.json {
                println!("{}", audit::to_json(&entries)?);
            } else if entries.is_empty() {
                println!("No entries match.");
            } else {
                for e in &entries {
                    let outcome = match (&e.outcome, &e.reason) {
                        (Outcome::Ok, _) => "ok".to_string(),
                        (Outcome::Failed, Some(r)) => format!("failed: {r}"),
                        (Outcome::Failed, None) => "failed".to_string(),
                    };
                    println!(
                        "{:>5}  {}  {:<10} {:<4} {:<20} {}  {}",
                        e.seq,
                        e.time,
                        e.actor,
                        e.source.as_str(),
                        e.action,
                        e.target,
                        outcome
                    );
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Verify(args) => {
            let verdict = if args.admin {
                match api::records::admin_activity()? {
                    Some(activity) => activity.chain,
                    None => audit::Verdict::Intact { entries: 0 },
                }
            } else {
                audit::verify(&ctx.open_store()?, &NoProgress, &Cancel::new())?
            };
            if args.json {
                print_json(&verdict)?;
            } else if args.admin {
                println!("Administrator's record: {}", verdict.summary());
            } else {
                println!("{}", verdict.summary());
            }
            Ok(match verdict {
                audit::Verdict::Intact { .. } => Verdict::Ok,
                audit::Verdict::Tampered { .. } => Verdict::Negative,
            })
        }
        Command::Export(args) => {
            let store = ctx.open_store()?;
            let format = ExportFormat::parse(&args.format)?;
            let summary = audit::export(
                &store,
                chrono::Utc::now(),
                &ctx.actor(),
                &args.filter.into_filter(),
                format,
                &args.file,
            )?;
            println!("Exported {} entries to {}.", summary.entries, summary.path);
            Ok(Verdict::Ok)
        }
    }
}
