//! `shipshape updates check|apply|history|undo|repair|install`: the
//! waiting updates, installing them with undo copies kept, going back, and
//! installing a package a fix needs.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{self, Session};
use shipshape_core::maintain::updates::{Choice, RunKind, RunOutcome, UpdateRun, Waiting};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the waiting updates, security first (exit 1 when security updates wait)
    Check {
        /// Download fresh package lists first (asks for the administrator's password)
        #[arg(long)]
        refresh: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Install updates: the security ones, all, or the packages named
    Apply {
        /// Only security updates
        #[arg(long, conflicts_with_all = ["all", "packages"])]
        security: bool,
        /// Every waiting update
        #[arg(long, conflicts_with = "packages")]
        all: bool,
        /// The packages to update
        packages: Vec<String>,
        /// Install without asking
        #[arg(long)]
        yes: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// List the update runs, newest first
    History {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Put back the versions an update run replaced, and hold them there
    Undo {
        /// The run's number (see shipshape updates history)
        run: i64,
        /// Also put back the configuration files the run changed, from the
        /// backup of /etc kept before it (only those not changed since)
        #[arg(long)]
        config: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Install a package a fix needs (only those, e.g. ufw for the firewall fix), from the signed package sources
    Install {
        /// The package (see the fix's message)
        package: String,
        /// Install without asking
        #[arg(long)]
        yes: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Finish an installation that was interrupted (dpkg --configure -a)
    Repair {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let now = Utc::now();
    match cmd {
        Command::Check { refresh, json } => {
            let waiting = api::updates::check(s, refresh, now)?;
            if json {
                print_json(&waiting)?;
            } else {
                print_waiting(&waiting);
            }
            Ok(if waiting.security() > 0 {
                Verdict::Negative
            } else {
                Verdict::Ok
            })
        }
        Command::Apply {
            security,
            all,
            packages,
            yes,
            json,
        } => {
            let choice = match (security, all) {
                (true, _) => Choice::Security,
                (_, true) => Choice::All,
                _ if packages.is_empty() => {
                    return Err(Error::invalid_input(
                        "Say which updates to install.",
                        "Use --security, --all, or name the packages (see shipshape updates check).",
                    ));
                }
                _ => Choice::Chosen(packages),
            }
            .checked()?;
            if !yes {
                return Err(Error::invalid_input(
                    "Installing updates changes this computer, so it is done only when asked with --yes.",
                    "See what would be installed with shipshape updates check, then add --yes.",
                ));
            }
            let cancel = crate::stop_on_ctrl_c()?;
            let steps = crate::TerminalSteps::new(json, |done, total| {
                format!("Installing: step {done} of {total}. ")
            });
            let run = api::updates::apply(s, choice, now, &steps, &cancel);
            steps.end();
            if cancel.is_cancelled() && run.is_ok() {
                eprintln!(
                    "shipshape: the package manager had started, so the run was finished rather than stopped half-way."
                );
            }
            show(&run?, json)
        }
        Command::History { json } => {
            let runs = api::updates::history(s)?;
            if json {
                print_json(&runs)?;
            } else if runs.is_empty() {
                println!("No updates have been installed with Shipshape yet.");
            } else {
                for r in &runs {
                    print_run_line(r);
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Undo { run, config, json } => {
            show(&api::updates::undo(s, run, config, now)?, json)
        }
        Command::Repair { json } => show(&api::updates::repair(s, now)?, json),
        Command::Install { package, yes, json } => {
            if !yes {
                return Err(Error::invalid_input(
                    format!(
                        "Installing {package} changes this computer, so it is done only when asked with --yes."
                    ),
                    "Add --yes to install it.",
                ));
            }
            show(&api::updates::install_needed(s, &package, now)?, json)
        }
    }
}

pub fn show(run: &UpdateRun, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(run)?;
    } else {
        println!("{}", run.message);
        for p in &run.packages {
            println!(
                "  {}  {} → {}",
                p.name,
                p.old_version.as_deref().unwrap_or("(new)"),
                p.new_version.as_deref().unwrap_or("(not installed)")
            );
        }
        let undoable = run.kind == RunKind::Apply
            || (run.kind.is_installation() && run.outcome == RunOutcome::Done);
        if undoable {
            let group = if run.kind.is_installation() {
                "installs"
            } else {
                "updates"
            };
            println!(
                "Run {}. Undo it with: shipshape {group} undo {}",
                run.id, run.id
            );
            let changed = run
                .before
                .as_ref()
                .filter(|k| k.snapshot.is_some())
                .map(|k| k.changed.as_slice())
                .unwrap_or_default();
            if !changed.is_empty() {
                println!("It changed these configuration files:");
                for c in changed {
                    println!("  {}", c.path);
                }
                println!(
                    "To put them back too when undoing: shipshape updates undo {} --config",
                    run.id
                );
            }
        } else {
            println!("Run {}.", run.id);
        }
    }
    Ok(if run.outcome == RunOutcome::Failed {
        Verdict::Negative
    } else {
        Verdict::Ok
    })
}

fn print_waiting(w: &Waiting) {
    println!("{}", w.headline());
    for u in &w.updates {
        println!(
            "  {}{}  {} → {}{}",
            if u.security { "[security] " } else { "" },
            u.name,
            u.installed.as_deref().unwrap_or("(new)"),
            u.candidate,
            if u.needs_restart {
                "  (restart needed)"
            } else {
                ""
            }
        );
    }
    for (what, names) in [
        ("Kept back (they would remove something)", &w.kept_back),
        ("Held at their version", &w.held),
        ("Deferred by phased updates", &w.phased),
    ] {
        if !names.is_empty() {
            println!("{what}: {}", names.join(", "));
        }
    }
    if w.security() > 0 {
        println!("Install them: shipshape updates apply --security --yes");
    }
}

pub fn print_run_line(r: &UpdateRun) {
    let outcome = match r.outcome {
        RunOutcome::Running => "running or cut off",
        RunOutcome::Done => "done",
        RunOutcome::Failed => "failed",
        RunOutcome::Undone => "undone",
    };
    println!(
        "{:>4}  {}  {:<20}  {:<8}  {}",
        r.id,
        &r.started[..16.min(r.started.len())],
        r.asked,
        outcome,
        r.message
    );
}
