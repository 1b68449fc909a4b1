//! `shipshape baseline`: accept this computer as it is, and list what has
//! changed since.

use crate::{Context, Verdict, print_json};
use shipshape_core::health::Host;
use shipshape_core::health::baseline;
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
    /// Keep checksums of another file or folder (takes effect at the next accept)
    Watch { path: String },
    /// Stop keeping checksums of a file or folder (takes effect at the next accept)
    Unwatch { path: String },
    /// List the files and folders whose checksums the baseline keeps
    Paths {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let watched = baseline::watched(&store)?;
    let change = match &cmd {
        Command::Watch { path } => Some((path, true)),
        Command::Unwatch { path } => Some((path, false)),
        _ => None,
    };
    if let Some((path, watch)) = change {
        let config = baseline::set_watched(
            &store,
            &Host::this_computer(),
            chrono::Utc::now(),
            &ctx.actor(),
            path,
            watch,
        )?;
        println!(
            "The baseline now keeps checksums of {} paths. Accept the baseline again (shipshape baseline accept) to start from them.",
            config.checksum_paths.len()
        );
        return Ok(Verdict::Ok);
    }
    if let Command::Paths { json } = cmd {
        if json {
            print_json(&watched.checksum_paths)?;
        } else {
            for p in &watched.checksum_paths {
                println!("{p}");
            }
        }
        return Ok(Verdict::Ok);
    }
    let snapshot = baseline::snapshot(&Host::this_computer(), &watched);
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
        Command::Watch { .. } | Command::Unwatch { .. } | Command::Paths { .. } => Ok(Verdict::Ok),
    }
}
