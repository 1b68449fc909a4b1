//! `shipshape backup init|run|list|restore|check|forget|test-restore`:
//! backups in restic's format, the password kept in the keychain.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{self, Session};
use shipshape_core::backup::{BackupOutcome, BackupRun, Retention};
use shipshape_core::progress::{NoProgress, Progress};
use shipshape_core::vault::Keychain;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Set up a backup in an empty or new folder (a USB disk, a mounted share)
    Init {
        /// Where the backup goes
        #[arg(long, value_name = "FOLDER")]
        to: PathBuf,
        /// Its name, in plain words
        #[arg(long, default_value = "Backup")]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Back up folders or files now (exit 1 when some could not be read)
    Run {
        /// Full paths of what to back up
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Leave out what matches, e.g. --exclude '.cache' --exclude '*.tmp'
        #[arg(long)]
        exclude: Vec<String>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// The backups and their snapshots
    List {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Restore a snapshot (or one path in it) into a new or empty folder
    Restore {
        /// The snapshot's id (see shipshape backup list), or latest
        snapshot: String,
        /// The folder to restore into (never one with files in it)
        #[arg(long, value_name = "FOLDER")]
        to: PathBuf,
        /// Only this file or folder of the snapshot (its full path)
        #[arg(long, value_name = "PATH")]
        only: Option<String>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Check the backup is sound (exit 1 when it is damaged)
    Check {
        /// Also read back part N of T of the stored data, e.g. 1/5 (1/1: all)
        #[arg(long, value_name = "N/T")]
        read_data: Option<String>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Forget old snapshots by a retention rule and free their space
    Forget {
        #[arg(long, default_value_t = 7)]
        keep_daily: u32,
        #[arg(long, default_value_t = 4)]
        keep_weekly: u32,
        #[arg(long, default_value_t = 12)]
        keep_monthly: u32,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Prove the newest backup can be restored (exit 1 when it cannot)
    TestRestore {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
}

/// Which backup, when there is more than one.
#[derive(Debug, clap::Args)]
pub struct Which {
    /// The backup's name (see shipshape backup list)
    #[arg(long = "repo", value_name = "NAME")]
    name: Option<String>,
}

fn part(text: &str) -> Result<(u32, u32), Error> {
    text.split_once('/')
        .and_then(|(n, t)| Some((n.trim().parse().ok()?, t.trim().parse().ok()?)))
        .ok_or_else(|| {
            Error::invalid_input(
                format!("\"{text}\" is not a part like 1/5."),
                "Give N/T: part N of T of the stored data (1/1 reads it all).",
            )
        })
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let now = Utc::now();
    let keychain = Keychain::system()?;
    match cmd {
        Command::Init { to, name, json } => {
            let repo = api::backup::init(s, &keychain, &name, &to, now)?;
            if json {
                print_json(&repo)?;
            } else {
                println!(
                    "A backup called \u{201c}{}\u{201d} was set up at {}.",
                    repo.name, repo.folder
                );
                println!(
                    "Its password is in Credentials as \u{201c}{}\u{201d}. Without it the backup cannot be read:",
                    repo.password_name
                );
                println!(
                    "write it on a recovery sheet and keep that away from the computer (shipshape vault get \"{}\").",
                    repo.password_name
                );
            }
            Ok(Verdict::Ok)
        }
        Command::Run {
            paths,
            exclude,
            which,
            json,
        } => {
            let cancel = crate::stop_on_ctrl_c()?;
            let on_terminal = !json && std::io::stderr().is_terminal();
            let shown = |done: u64, total: u64| {
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\rBacking up: {} of {}. ",
                    crate::show::bytes(done),
                    crate::show::bytes(total)
                );
                let _ = err.flush();
            };
            let progress: &dyn Progress = if on_terminal { &shown } else { &NoProgress };
            let run = api::backup::run(
                s,
                &keychain,
                which.name.as_deref(),
                &paths,
                &exclude,
                progress,
                &cancel,
                now,
            );
            if on_terminal {
                eprintln!();
            }
            show(&run?, json)
        }
        Command::List { which, json } => {
            let all = api::backup::list(s, &keychain, which.name.as_deref(), now)?;
            if json {
                let value: Vec<serde_json::Value> = all
                    .iter()
                    .map(|(r, snaps)| serde_json::json!({ "repository": r, "snapshots": snaps }))
                    .collect();
                print_json(&value)?;
            } else if all.is_empty() {
                println!("No backup is set up yet. Set one up: shipshape backup init --to FOLDER");
            } else {
                for (r, snaps) in &all {
                    println!("{} at {}: {} snapshots", r.name, r.folder, snaps.len());
                    for snap in snaps {
                        println!(
                            "  {}  {}  {}",
                            snap.short_id,
                            snap.time,
                            snap.paths.join(", ")
                        );
                    }
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Restore {
            snapshot,
            to,
            only,
            which,
            json,
        } => {
            let cancel = crate::stop_on_ctrl_c()?;
            let run = api::backup::restore(
                s,
                &keychain,
                which.name.as_deref(),
                &snapshot,
                only.as_deref(),
                &to,
                &cancel,
                now,
            )?;
            show(&run, json)
        }
        Command::Check {
            read_data,
            which,
            json,
        } => {
            let read = read_data.as_deref().map(part).transpose()?;
            let run = api::backup::check(s, &keychain, which.name.as_deref(), read, now)?;
            show(&run, json)
        }
        Command::Forget {
            keep_daily,
            keep_weekly,
            keep_monthly,
            which,
            json,
        } => {
            let keep = Retention {
                daily: keep_daily,
                weekly: keep_weekly,
                monthly: keep_monthly,
            };
            let run = api::backup::forget(s, &keychain, which.name.as_deref(), keep, now)?;
            show(&run, json)
        }
        Command::TestRestore { which, json } => {
            let run = api::backup::restore_test(s, &keychain, which.name.as_deref(), now)?;
            show(&run, json)
        }
    }
}

fn show(run: &BackupRun, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(run)?;
    } else {
        println!("{}", run.message);
    }
    Ok(match run.outcome {
        BackupOutcome::Done => Verdict::Ok,
        _ => Verdict::Negative,
    })
}
