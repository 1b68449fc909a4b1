//! `make bench`: how long the Overview's 30-day chart query takes on a full
//! history (30 days of 5-minute averages and 24 hours of 5-second points,
//! as the app's sampler leaves it), against a temporary store.

use chrono::{Duration, Utc};
use shipshape_core::health::{Host, Sampler, history};
use shipshape_core::store::Store;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let now = Utc::now();
    let (store, _) = Store::open(dir.path(), now)?;
    // A real sample of this computer, replayed at earlier times.
    let mut sampler = Sampler::new(Host::this_computer(), now)?;
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut sample = sampler.sample(now)?;
    let start = now - Duration::days(30);
    let fill = Instant::now();
    let mut t = start;
    while t < now - Duration::days(1) {
        sample.time = t;
        history::record(&store, &sample)?;
        t += Duration::minutes(5);
    }
    while t < now {
        sample.time = t;
        history::record(&store, &sample)?;
        t += Duration::seconds(5);
    }
    eprintln!(
        "filled 30 days of history in {:.1} s",
        fill.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    let mut points = 0;
    for _ in 0..21 {
        let began = Instant::now();
        let h = history::series(&store, start, now)?;
        times.push(began.elapsed().as_secs_f64() * 1000.0);
        points = h.series.iter().map(|s| s.values.len()).sum::<usize>();
    }
    times.sort_by(f64::total_cmp);
    let mut day = Vec::new();
    for _ in 0..21 {
        let began = Instant::now();
        history::series(&store, now - Duration::days(1), now)?;
        day.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    day.sort_by(f64::total_cmp);
    println!("| History query | Median of 21 | Target |");
    println!("|---|---|---|");
    println!(
        "| 30 days ({points} points over {} series) | {:.1} ms | 50 ms |",
        history::series(&store, start, now)?.series.len(),
        times[10]
    );
    println!("| 24 hours (5-second points) | {:.1} ms | — |", day[10]);
    Ok(())
}
