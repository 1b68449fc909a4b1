//! `shipshape plan`: deployments of plans (`shipshape install --plan`,
//! `--method pilot`): where each is, approving its next stage or
//! promoting a pilot, checking a pilot being watched, rolling one back,
//! and deploying the same plan again.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{self, Session};
use shipshape_core::install::deploy::{self, Deployment, Status};
use shipshape_core::install::plan::{Part, Plan};
use shipshape_core::progress::{Cancel, NoProgress};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The deployments, newest first
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// One deployment: its plan, each stage's installations and health checks, what it waits for
    Show {
        /// Its number (see shipshape plan list)
        deployment: i64,
        /// Print JSON (its `plan` is a plan file for shipshape install --plan)
        #[arg(long)]
        json: bool,
    },
    /// Go on to the next stage, or promote a pilot that was watched
    Approve {
        deployment: i64,
        #[arg(long)]
        json: bool,
    },
    /// Check a pilot being watched: its health checks now; once the watch is over, ready to promote
    Check {
        deployment: i64,
        #[arg(long)]
        json: bool,
    },
    /// Take back everything a deployment installed, newest first
    Rollback {
        deployment: i64,
        #[arg(long)]
        json: bool,
    },
    /// Save a deployment's record: a printable page (HTML) or JSON
    Record {
        deployment: i64,
        /// Where to save it
        file: std::path::PathBuf,
        /// html or json (by default, from the file's name)
        #[arg(long)]
        format: Option<String>,
    },
    /// Deploy the same plan again
    Repeat {
        deployment: i64,
        /// Deploy without asking
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let now = Utc::now();
    let cancel = crate::stop_on_ctrl_c()?;
    let (d, json) = match command {
        Command::List { json } => {
            let all = deploy::list(&store)?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!(
                    "No plan has been deployed yet. Deploy one with shipshape install --plan PLAN.json."
                );
            } else {
                for d in &all {
                    println!(
                        "{:>4}  {}  {}  {}",
                        d.id,
                        status_word(d.status),
                        d.plan.name,
                        d.message
                    );
                }
            }
            return Ok(Verdict::Ok);
        }
        Command::Show { deployment, json } => (deploy::get(&store, deployment)?, json),
        Command::Approve { deployment, json } => (
            api::deploy::approve(s, deployment, now, &NoProgress, &cancel)?,
            json,
        ),
        Command::Check { deployment, json } => (api::deploy::check(s, deployment, now)?, json),
        Command::Rollback { deployment, json } => {
            (api::deploy::roll_back(s, deployment, now)?, json)
        }
        Command::Record {
            deployment,
            file,
            format,
        } => {
            let (format, path) = crate::install::record_target(&file, format.as_deref())?;
            let saved = api::deploy::record(s, deployment, format, &path, now)?;
            println!(
                "The record of deployment {deployment} is at {}.",
                saved.path
            );
            return Ok(Verdict::Ok);
        }
        Command::Repeat {
            deployment,
            yes,
            json,
        } => {
            let plan = deploy::get(&store, deployment)?.plan;
            return deploying(ctx, plan, Some(deployment), yes, false, json, &cancel);
        }
    };
    show(&d, json)
}

/// Deploys `plan` (again, for a deployment it `repeats`) with --yes;
/// otherwise (and with --dry-run) shows it.
pub fn deploying(
    ctx: &Context,
    plan: Plan,
    repeats: Option<i64>,
    yes: bool,
    dry_run: bool,
    json: bool,
    cancel: &Cancel,
) -> Result<Verdict, Error> {
    if !yes {
        return shown_only(&plan, dry_run, json);
    }
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    show(
        &api::deploy::start(s, plan, repeats, Utc::now(), &NoProgress, cancel)?,
        json,
    )
}

fn shown_only(plan: &Plan, dry_run: bool, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(plan)?;
    } else {
        print_plan(plan);
    }
    if dry_run {
        return Ok(Verdict::Ok);
    }
    Err(Error::invalid_input(
        "Deploying changes this computer, so it is done only when asked with --yes.",
        "Read the plan above, then run the same command with --yes.",
    ))
}

fn print_plan(plan: &Plan) {
    println!("Plan: {}", plan.name);
    println!("  {}", plan.method.words());
    for (i, stage) in plan.stages.iter().enumerate() {
        let parts: Vec<String> = stage.parts.iter().map(Part::label).collect();
        println!("  Stage {}, {}: {}", i + 1, stage.name, parts.join(", "));
    }
    if !plan.gates.is_empty() {
        let gates: Vec<String> = plan.gates.iter().map(|g| g.words()).collect();
        println!("  Health checks after each stage: {}", gates.join("; "));
    }
    if plan.soak_minutes > 0 {
        println!(
            "  Watched for {} minutes before it is promoted.",
            plan.soak_minutes
        );
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Running => "running",
        Status::Waiting => "waiting",
        Status::Soaking => "watched",
        Status::Done => "done",
        Status::Halted => "halted",
        Status::RolledBack => "rolled back",
    }
}

/// Prints a deployment; a halted one ends the command with exit code 1.
fn show(d: &Deployment, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(d)?;
    } else {
        println!(
            "Deployment {}: {} ({})",
            d.id,
            d.plan.name,
            status_word(d.status)
        );
        println!("{}", d.message);
        for (i, stage) in d.plan.stages.iter().enumerate() {
            match d.stages.get(i) {
                Some(done) => {
                    let runs: Vec<String> = done.runs.iter().map(|r| r.to_string()).collect();
                    println!(
                        "  Stage {}, {}: installations {}",
                        i + 1,
                        stage.name,
                        runs.join(", ")
                    );
                    for g in &done.gates {
                        println!(
                            "    {} {}",
                            if g.passed { "passed:" } else { "FAILED:" },
                            g.words
                        );
                    }
                    if let Some(a) = &done.approved {
                        println!("    approved by {} at {}", a.by, a.time);
                    }
                }
                None => println!("  Stage {}, {}: not yet", i + 1, stage.name),
            }
        }
        match d.status {
            Status::Waiting => println!(
                "Next: shipshape plan approve {} (or plan rollback {}).",
                d.id, d.id
            ),
            Status::Soaking => println!(
                "Next: shipshape plan check {} (or plan rollback {}).",
                d.id, d.id
            ),
            _ => {}
        }
    }
    Ok(if d.status == Status::Halted {
        Verdict::Negative
    } else {
        Verdict::Ok
    })
}
