//! `shipshape alerts`: open alerts, acknowledging them, and the rules.

use crate::{Context, Verdict, print_json};
use shipshape_core::Error;
use shipshape_core::health::alerts::{self, Alert, Rule, RuleChange, RuleKind};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Print the open alerts as JSON (exit 1 when there are any)
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Mark an alert as seen (it stays open until its condition ends)
    Ack {
        /// The alert's number, as `shipshape alerts` lists it
        id: i64,
    },
    /// List the rules with their thresholds and durations
    Rules {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Change a rule's threshold, duration or switch
    Set(SetArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// The rule: disk_full, memory_pressure, sustained_load, swap_thrashing, disk_full_soon, failed_logins
    rule: String,
    /// The new threshold, in the rule's unit (see `shipshape alerts rules`)
    #[arg(long)]
    threshold: Option<f64>,
    /// How long the condition must hold before the alert is raised
    #[arg(long = "for", value_name = "SECS")]
    duration: Option<u64>,
    /// Turn the rule on
    #[arg(long, conflicts_with = "off")]
    on: bool,
    /// Turn the rule off (its open alerts clear at the next sample)
    #[arg(long)]
    off: bool,
}

pub fn run(args: Args, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let now = chrono::Utc::now();
    match args.command {
        None => {
            let open = alerts::open(&store)?;
            if args.json {
                print_json(&open)?;
            } else if open.is_empty() {
                println!("No open alerts.");
            } else {
                for a in &open {
                    print_alert(a);
                }
            }
            Ok(if open.is_empty() {
                Verdict::Ok
            } else {
                Verdict::Negative
            })
        }
        Some(Command::Ack { id }) => {
            let a = alerts::acknowledge(&store, now, &ctx.actor(), id)?;
            println!("Acknowledged alert {}: {}", a.id, a.title);
            Ok(Verdict::Ok)
        }
        Some(Command::Rules { json }) => {
            let rules = alerts::rules(&store)?;
            if json {
                print_json(&rules)?;
            } else {
                for r in &rules {
                    print_rule(r);
                }
            }
            Ok(Verdict::Ok)
        }
        Some(Command::Set(set)) => {
            let kind = RuleKind::parse(&set.rule)?;
            let change = RuleChange {
                threshold: set.threshold,
                duration_seconds: set.duration,
                enabled: match (set.on, set.off) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
            };
            let rule = alerts::set_rule(&store, now, &ctx.actor(), kind, &change)?;
            print_rule(&rule);
            Ok(Verdict::Ok)
        }
    }
}

fn print_alert(a: &Alert) {
    let seen = match &a.acknowledged_by {
        Some(who) => format!(" (acknowledged by {who})"),
        None => String::new(),
    };
    println!(
        "{:>4}  {}  {}{seen}",
        a.id,
        a.raised.format("%Y-%m-%d %H:%M"),
        a.title
    );
    println!("      {}", a.advice);
}

fn print_rule(r: &Rule) {
    println!(
        "{:<16} {:<4} {} {} for {} s  {}",
        r.kind.as_str(),
        if r.enabled { "on" } else { "off" },
        r.threshold,
        r.unit,
        r.duration_seconds,
        r.description
    );
}
