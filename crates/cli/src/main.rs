//! `shipshape`: every Shipshape capability from the command line.
//!
//! A thin adapter: parse the arguments, call core, print the result, map it
//! to an exit code. 0 ok, 1 a negative verdict, 2 a usage or I/O error.

mod access;
mod alerts;
mod audit;
mod backup;
mod baseline;
mod fixes;
mod fleet;
mod health;
mod incident;
mod info;
mod install;
mod inventory;
mod monitor;
mod notify;
mod plan;
mod schedule;
mod security;
mod show;
mod updates;
mod vault;
mod verify;

use clap::{Parser, Subcommand};
use shipshape_core::audit::{Actor, Source};
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
    /// Show this computer's health now: CPU, load, memory, disks, network, listening programs
    Health(health::Args),
    /// Open alerts (exit 1 when there are any); acknowledge them; edit the rules
    Alerts(alerts::Args),
    /// Watch this computer: sample, keep history, raise and clear alerts until Ctrl-C
    Monitor(monitor::Args),
    /// Accept this computer's listening programs, administrators and system files, or list changes since
    #[command(subcommand)]
    Baseline(baseline::Command),
    /// The office's credentials, kept in this computer's keychain
    #[command(subcommand)]
    Vault(vault::Command),
    /// Check this computer's security settings and give it a score
    Scan(security::ScanArgs),
    /// Write the latest scan as an HTML, JSON or CSV report
    Report(security::ReportArgs),
    /// List past scans and their scores, newest first
    History(security::HistoryArgs),
    /// Fix a failing check: shows the change, backs up, applies, checks again
    Fix(fixes::FixArgs),
    /// Turn back a fix (or an undo) by its change number
    Undo(fixes::UndoArgs),
    /// List the changes made by fixes and undos, newest first
    Changes(fixes::ChangesArgs),
    /// Accept a finding as a risk until a date, with a reason (or --withdraw)
    Accept(fixes::AcceptArgs),
    /// List the accepted risks
    Accepted(fixes::AcceptedArgs),
    /// Waiting updates: check, install (with undo), history, undo, repair
    #[command(subcommand)]
    Updates(updates::Command),
    /// Scheduled maintenance: update checks, patching and scans
    #[command(subcommand)]
    Schedule(schedule::Command),
    /// Run what the schedule says is due (the systemd timer runs this)
    #[command(subcommand)]
    Maintain(schedule::MaintainCommand),
    /// How you are told about maintenance: desktop notices and email
    #[command(subcommand)]
    Notify(notify::Command),
    /// Backups in restic's format, the password kept in the keychain
    #[command(subcommand)]
    Backup(backup::Command),
    /// Install a verified .deb file: preview, old version kept, rolled back if it fails
    Install(install::Args),
    /// The package files installed: list, show, undo
    #[command(subcommand)]
    Installs(install::Installs),
    /// Deployments of plans: list, show, approve the next stage, check a pilot, roll back, repeat
    #[command(subcommand)]
    Plan(plan::Command),
    /// Who can use this computer, and access reviews signed off by name
    #[command(subcommand)]
    Access(access::Command),
    /// The software installed, its end-of-life dates, and what to retire
    Inventory(inventory::Args),
    /// Incidents and maintenance tickets: open, note, move through their statuses, link
    #[command(subcommand)]
    Incident(incident::Command),
    /// The office's computers over SSH: enrol, list, check all at once
    #[command(subcommand)]
    Fleet(fleet::Command),
    /// Used by pkexec: make one known fix or undo with administrator rights
    #[command(hide = true)]
    Helper(fixes::HelperArgs),
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
        Command::Health(args) => health::run(args),
        Command::Alerts(args) => alerts::run(args, &ctx),
        Command::Monitor(args) => monitor::run(args, &ctx),
        Command::Baseline(cmd) => baseline::run(cmd, &ctx),
        Command::Vault(cmd) => vault::run(cmd, &ctx),
        Command::Scan(args) => security::scan(args, &ctx),
        Command::Report(args) => security::report(args, &ctx),
        Command::History(args) => security::history(args, &ctx),
        Command::Fix(args) => fixes::fix(args, &ctx),
        Command::Undo(args) => fixes::undo(args, &ctx),
        Command::Changes(args) => fixes::changes(args, &ctx),
        Command::Accept(args) => fixes::accept(args, &ctx),
        Command::Accepted(args) => fixes::accepted(args, &ctx),
        Command::Updates(cmd) => updates::run(cmd, &ctx),
        Command::Schedule(cmd) => schedule::run(cmd, &ctx),
        Command::Maintain(cmd) => schedule::maintain(cmd),
        Command::Notify(cmd) => notify::run(cmd, &ctx),
        Command::Backup(cmd) => backup::run(cmd, &ctx),
        Command::Install(args) => install::run(args, &ctx),
        Command::Installs(cmd) => install::installs(cmd, &ctx),
        Command::Plan(cmd) => plan::run(cmd, &ctx),
        Command::Access(cmd) => access::run(cmd, &ctx),
        Command::Inventory(args) => inventory::run(args, &ctx),
        Command::Incident(cmd) => incident::run(cmd, &ctx),
        Command::Fleet(cmd) => fleet::run(cmd, &ctx),
        Command::Helper(args) => fixes::helper(args),
    }
}

/// What subcommands that touch the store need.
#[derive(Debug)]
pub struct Context {
    data_dir: Option<PathBuf>,
}

impl Context {
    pub fn data_dir(&self) -> Result<PathBuf, Error> {
        match &self.data_dir {
            Some(d) => Ok(d.clone()),
            None => shipshape_core::store::default_data_dir(),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::current(Source::Cli)
    }

    /// Runs `work` with this account's records.
    pub fn session<T>(
        &self,
        work: impl FnOnce(shipshape_core::api::Session<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let store = self.open_store()?;
        let actor = self.actor();
        work(shipshape_core::api::Session {
            store: &store,
            actor: &actor,
        })
    }

    /// Opens the store, telling the user (and the log) when a damaged
    /// database had to be moved aside.
    pub fn open_store(&self) -> Result<Store, Error> {
        let dir = self.data_dir()?;
        let (store, recovery) =
            shipshape_core::api::records::open(&dir, &self.actor(), chrono::Utc::now())?;
        if let Some(r) = recovery {
            eprintln!("shipshape: note: {}", r.message());
        }
        Ok(store)
    }
}

/// Long work's progress on a terminal's standard error, one line
/// rewritten in place ("Installing: step 3 of 8."); nothing when standard
/// error is not a terminal or the answer is JSON.
#[derive(Debug)]
pub struct TerminalSteps {
    shown: bool,
    words: fn(u64, u64) -> String,
}

impl TerminalSteps {
    pub fn new(json: bool, words: fn(u64, u64) -> String) -> TerminalSteps {
        use std::io::IsTerminal;
        TerminalSteps {
            shown: !json && std::io::stderr().is_terminal(),
            words,
        }
    }

    /// Ends the line, once the work is done.
    pub fn end(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

impl shipshape_core::progress::Progress for TerminalSteps {
    fn report(&self, done: u64, total: u64) {
        use std::io::Write;
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}", (self.words)(done, total));
            let _ = err.flush();
        }
    }
}

/// A Cancel that Ctrl-C (or SIGTERM) sets, so long work stops where
/// stopping is safe and says so, instead of dying half-way.
pub fn stop_on_ctrl_c() -> Result<shipshape_core::progress::Cancel, Error> {
    let cancel = shipshape_core::progress::Cancel::new();
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, cancel.flag()).map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("Could not listen for Ctrl-C: {e}."),
                "Try again; if it persists, report it.",
            )
        })?;
    }
    Ok(cancel)
}

pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}
