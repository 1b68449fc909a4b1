//! `shipshape baseline`: accept this computer as it is, and list what has
//! changed since.

use crate::{Context, Verdict, print_json};
use shipshape_core::health::Host;
use shipshape_core::health::baseline::{self, BaselineConfig};
use shipshape_core::{Error, ErrorCode};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Take this computer as it is now as the baseline (after checking it is as it should be)
    Accept,
    /// List what changed since the baseline was accepted (exit 1 when anything did)
    Diff {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let snapshot = baseline::snapshot(&Host::this_computer(), &BaselineConfig::default());
    match cmd {
        Command::Accept => {
            baseline::accept(&store, chrono::Utc::now(), &ctx.actor(), &snapshot)?;
            println!(
                "Accepted: {} listening programs, {} administrators, {} programs with raised rights, {} system files.",
                snapshot.listening.len(),
                snapshot.administrators.len(),
                snapshot.special_files.len(),
                snapshot.files.len()
            );
            Ok(Verdict::Ok)
        }
        Command::Diff { json } => {
            let diff = baseline::diff(&store, &snapshot)?.ok_or_else(|| {
                Error::new(
                    ErrorCode::NotFound,
                    "No baseline has been accepted yet.",
                    "Run `shipshape baseline accept` once this computer is as it should be.",
                )
            })?;
            if json {
                print_json(&diff)?;
            } else if diff.anomalies.is_empty() {
                println!(
                    "Nothing changed since the baseline of {}.",
                    diff.accepted.format("%Y-%m-%d %H:%M UTC")
                );
            } else {
                for a in &diff.anomalies {
                    println!("{}", a.what);
                    println!("    {}", a.advice);
                }
            }
            Ok(if diff.anomalies.is_empty() {
                Verdict::Ok
            } else {
                Verdict::Negative
            })
        }
    }
}
