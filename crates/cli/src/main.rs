//! `shipshape`: every Shipshape capability from the command line.
//!
//! A thin adapter: parse the arguments, call core, print the result, map it
//! to an exit code. 0 ok, 1 a negative verdict, 2 a usage or I/O error.

mod audit;
mod info;
mod security;
mod show;
mod verify;

use clap::{Parser, Subcommand};
use shipshape_core::audit::{Actor, NewEntry, Source};
use shipshape_core::store::Store;
use shipshape_core::{Error, ErrorCode};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "shipshape",
    version,
    about = "Keep this computer safe: verified installs, hardening, maintenance and a tamper-evident record.",
    after_help = "Exit codes: 0 ok, 1 a negative verdict (mismatch, tampered, failing check), 2 a usage or I/O error."
)]
struct Cli {
    /// Folder for Shipshape's database and records [default: ~/.local/share/shipshape]
    #[arg(long, global = true, value_name = "DIR", env = "SHIPSHAPE_DATA_DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show this computer's name, system, processor, memory and disks
    Info(info::Args),
    /// List, check and export the activity log
    #[command(subcommand)]
    Audit(audit::Command),
    /// Print checksums that sha256sum -c and b3sum -c accept
    Hash(verify::HashArgs),
    /// Check a download against its publisher's checksum or checksum list
    Verify(verify::VerifyArgs),
    /// Check every file a checksum list names, like sha256sum -c
    Check(verify::CheckArgs),
    /// Check OpenPGP signatures
    #[command(subcommand)]
    Sig(verify::SigCommand),
    /// Trusted publishers: names pinned to their signing keys
    #[command(subcommand)]
    Publishers(verify::PublishersCommand),
    /// Check this computer's security settings and give it a score
    Scan(security::ScanArgs),
    /// Write the latest scan as an HTML, JSON or CSV report
    Report(security::ReportArgs),
    /// List past scans and their scores, newest first
    History(security::HistoryArgs),
}

/// How a command ended, when it did not fail.
#[derive(Debug)]
pub enum Verdict {
    Ok,
    Negative,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Verdict::Ok) => ExitCode::SUCCESS,
        Ok(Verdict::Negative) => ExitCode::from(1),
        Err(e) => {
            eprintln!("shipshape: {} {}", e.message, e.hint);
            ExitCode::from(match e.code {
                ErrorCode::Cancelled => 130,
                _ => 2,
            })
        }
    }
}

fn run(cli: Cli) -> Result<Verdict, Error> {
    let ctx = Context {
        data_dir: cli.data_dir,
    };
    match cli.command {
        Command::Info(args) => info::run(args),
        Command::Audit(cmd) => audit::run(cmd, &ctx),
        Command::Hash(args) => verify::hash(args),
        Command::Verify(args) => verify::verify(args, &ctx),
        Command::Check(args) => verify::check(args, &ctx),
        Command::Sig(cmd) => verify::sig(cmd),
        Command::Publishers(cmd) => verify::publishers(cmd, &ctx),
        Command::Scan(args) => security::scan(args, &ctx),
        Command::Report(args) => security::report(args, &ctx),
        Command::History(args) => security::history(args, &ctx),
    }
}

/// What subcommands that touch the store need.
#[derive(Debug)]
pub struct Context {
    data_dir: Option<PathBuf>,
}

impl Context {
    pub fn actor(&self) -> Actor {
        Actor::current(Source::Cli)
    }

    /// Opens the store, telling the user (and the log) when a damaged
    /// database had to be moved aside.
    pub fn open_store(&self) -> Result<Store, Error> {
        let dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => shipshape_core::store::default_data_dir()?,
        };
        let (store, recovery) = Store::open(&dir, chrono::Utc::now())?;
        if let Some(r) = recovery {
            eprintln!("shipshape: note: {}", r.message());
            shipshape_core::audit::append(
                &store,
                chrono::Utc::now(),
                &self.actor(),
                NewEntry::ok(
                    "store.recover",
                    &r.moved_to,
                    serde_json::json!({ "reason": r.reason }),
                ),
            )?;
        }
        Ok(store)
    }
}

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}
