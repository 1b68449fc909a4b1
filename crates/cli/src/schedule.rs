//! `shipshape schedule list|add|edit|remove|pause|resume|run` and
//! `shipshape maintain run-due`: scheduled maintenance.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::schedule::{self, Change};
use shipshape_core::api::{self, Session};
use shipshape_core::maintain::jobs::{JobOutcome, JobStatus, ScheduledRun};
use shipshape_core::maintain::schedule::{Job, JobKind, Recurrence, RestartPolicy, Window};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    UpdateCheck,
    SecurityPatching,
    AllUpdates,
    SecurityScan,
    Backup,
    RestoreTest,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Every {
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Restart {
    Never,
    AskMe,
    WhenNobodyIsAtTheScreen,
}

/// A job's settings on the command line.
#[derive(Debug, clap::Args)]
pub struct JobArgs {
    /// What the job does
    #[arg(long, value_enum)]
    job: Kind,
    /// How often it runs
    #[arg(long, value_enum, default_value = "day")]
    every: Every,
    /// The time of day it runs, HH:MM
    #[arg(long)]
    at: String,
    /// With --every week: the days, e.g. tue,thu
    #[arg(long, value_delimiter = ',')]
    days: Vec<String>,
    /// With --every month: the day of the month, 1 to 28
    #[arg(long, default_value_t = 1)]
    day: u8,
    /// Only inside this window, e.g. 02:00-04:00
    #[arg(long)]
    window: Option<String>,
    /// After patching, when a restart is needed
    #[arg(long, value_enum, default_value = "ask-me")]
    restart: Restart,
}

impl JobArgs {
    fn job(self) -> Result<Job, Error> {
        let recurrence = match self.every {
            Every::Day => Recurrence::Day { at: self.at },
            Every::Week => Recurrence::Week {
                days: self.days,
                at: self.at,
            },
            Every::Month => Recurrence::Month {
                day: self.day,
                at: self.at,
            },
        };
        let window = match self.window {
            None => None,
            Some(w) => {
                let (from, to) = w.split_once('-').ok_or_else(|| {
                    Error::invalid_input(
                        format!("\"{w}\" is not a window."),
                        "Write it as FROM-TO, for example 02:00-04:00.",
                    )
                })?;
                Some(Window {
                    from: from.trim().into(),
                    to: to.trim().into(),
                })
            }
        };
        Job {
            kind: match self.job {
                Kind::UpdateCheck => JobKind::UpdateCheck,
                Kind::SecurityPatching => JobKind::SecurityPatching,
                Kind::AllUpdates => JobKind::AllUpdates,
                Kind::SecurityScan => JobKind::SecurityScan,
                Kind::Backup => JobKind::Backup,
                Kind::RestoreTest => JobKind::RestoreTest,
            },
            recurrence,
            window,
            restart: match self.restart {
                Restart::Never => RestartPolicy::Never,
                Restart::AskMe => RestartPolicy::AskMe,
                Restart::WhenNobodyIsAtTheScreen => RestartPolicy::WhenNobodyIsAtTheScreen,
            },
            paused: false,
        }
        .checked()
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the jobs with their next and last runs (exit 1 when one needs attention)
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Add a job
    Add(JobArgs),
    /// Change a job's settings
    Edit {
        /// The job's number (see shipshape schedule list)
        id: i64,
        #[command(flatten)]
        settings: JobArgs,
    },
    /// Remove a job and its history
    Remove { id: i64 },
    /// Stop a job from running until it is resumed
    Pause { id: i64 },
    /// Let a paused job run again
    Resume { id: i64 },
    /// Run a job now, whatever its schedule
    Run {
        id: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum MaintainCommand {
    /// Run every scheduled job that is due (the systemd timer runs this as root)
    RunDue {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    if let Command::List { json } = cmd {
        let jobs = schedule::list(now)?;
        if json {
            print_json(&jobs)?;
        } else if jobs.is_empty() {
            println!(
                "Nothing is scheduled. Add a job, for example: shipshape schedule add --job security-patching --at 02:00 --window 02:00-04:00"
            );
        } else {
            jobs.iter().for_each(print_job);
        }
        return Ok(if jobs.iter().any(|j| j.attention.is_some()) {
            Verdict::Negative
        } else {
            Verdict::Ok
        });
    }
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let change = match cmd {
        Command::List { .. } => return Ok(Verdict::Ok),
        Command::Run { id, json } => {
            let run = api::schedule::run_now(s, id, now)?;
            if json {
                print_json(&run)?;
            } else {
                print_run(&run);
            }
            return Ok(if run.outcome == JobOutcome::Failed {
                Verdict::Negative
            } else {
                Verdict::Ok
            });
        }
        Command::Add(settings) => Change::Add {
            job: settings.job()?,
        },
        Command::Edit { id, settings } => Change::Edit {
            id,
            job: settings.job()?,
        },
        Command::Remove { id } => Change::Remove { id },
        Command::Pause { id } => Change::Pause { id, paused: true },
        Command::Resume { id } => Change::Pause { id, paused: false },
    };
    schedule::change(s, change, now)?;
    println!("Done. See the schedule with: shipshape schedule list");
    Ok(Verdict::Ok)
}

pub fn maintain(cmd: MaintainCommand) -> Result<Verdict, Error> {
    let MaintainCommand::RunDue { json } = cmd;
    let done = schedule::run_due(Utc::now())?;
    if json {
        print_json(&done)?;
    } else if done.is_empty() {
        println!("Nothing is due.");
    }
    let mut failed = false;
    for d in &done {
        if json {
            break;
        }
        match (&d.run, &d.carried) {
            (Some(run), _) => {
                println!("{}", d.description);
                print_run(run);
            }
            (None, Some(why)) => println!("{}: not now. {why}", d.description),
            (None, None) => {}
        }
    }
    for d in &done {
        failed |= d
            .run
            .as_ref()
            .is_some_and(|r| r.outcome == JobOutcome::Failed);
    }
    Ok(if failed {
        Verdict::Negative
    } else {
        Verdict::Ok
    })
}

fn print_job(j: &JobStatus) {
    println!("{:>3}  {}", j.id, j.description);
    if let Some(next) = &j.next_run {
        println!("     next: {next}");
    }
    if let Some(last) = &j.last_run {
        println!("     last: {} ({})", last.started, outcome(last.outcome));
    }
    if let Some(why) = &j.waiting {
        println!("     waiting: {why}");
    }
    if let Some(what) = &j.attention {
        println!("     needs attention: {what}");
    }
}

fn outcome(o: JobOutcome) -> &'static str {
    match o {
        JobOutcome::Running => "running",
        JobOutcome::CutOff => "cut off",
        JobOutcome::Waiting => "waiting",
        JobOutcome::Done => "done",
        JobOutcome::Failed => "failed",
    }
}

fn print_run(run: &ScheduledRun) {
    println!("  {} — {}", outcome(run.outcome), run.message);
}
