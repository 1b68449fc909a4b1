//! `shipshape monitor`: the headless sampler. Samples the computer,
//! keeps the history, checks the alert rules and prints each alert raised
//! or cleared, until Ctrl-C or SIGTERM.

use crate::{Context, Verdict, health};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::health::{Host, Sampler, watch};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How often the stop flag is looked at while waiting.
const POLL: Duration = Duration::from_millis(100);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds between samples (at most 600: alert durations count only conditions looked at every 10 minutes)
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    interval: u64,
}

/// Waits `how_long`, or less if asked to stop. Returns whether to stop.
fn wait(stop: &AtomicBool, how_long: Duration) -> bool {
    let until = Instant::now() + how_long;
    while Instant::now() < until {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
    }
    stop.load(Ordering::Relaxed)
}

pub fn run(args: Args, ctx: &Context) -> Result<Verdict, Error> {
    let stop = crate::stop_on_ctrl_c()?.flag();
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let mut sampler = Sampler::new(Host::this_computer(), Utc::now())?;
    println!(
        "Watching this computer every {} s. Press Ctrl-C to stop.",
        args.interval
    );
    let mut stopped = wait(&stop, health::SETTLE);
    while !stopped {
        let started = Instant::now();
        // One bad sample (a busy database, say) does not end the watch.
        if let Err(e) = once(&store, &actor, &mut sampler) {
            eprintln!("shipshape: {} {}", e.message, e.hint);
        }
        let interval = Duration::from_secs(args.interval);
        stopped = wait(&stop, interval.saturating_sub(started.elapsed()));
    }
    println!("Stopped.");
    Ok(Verdict::Ok)
}

fn once(
    store: &shipshape_core::store::Store,
    actor: &shipshape_core::audit::Actor,
    sampler: &mut Sampler,
) -> Result<(), Error> {
    let now = Utc::now();
    let turn = watch::turn(store, actor, sampler, now)?;
    let time = now.format("%Y-%m-%d %H:%M:%S");
    for a in &turn.changes.raised {
        println!("{time}  raised   {:>4}  {}", a.id, a.title);
    }
    for a in &turn.changes.cleared {
        println!("{time}  cleared  {:>4}  {}", a.id, a.title);
    }
    Ok(())
}
