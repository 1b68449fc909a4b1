//! `shipshape health`: one sample of this computer.

use crate::{Verdict, print_json, show};
use shipshape_core::Error;
use shipshape_core::health::{Host, Sample, Sampler};
use std::time::Duration;

/// CPU use and rates are measured over this pause between two readings.
pub const SETTLE: Duration = Duration::from_millis(500);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON: the sample with memory, swap and disks in bytes (field names are stable)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<Verdict, Error> {
    let mut sampler = Sampler::new(Host::this_computer(), chrono::Utc::now())?;
    std::thread::sleep(SETTLE);
    let sample = sampler.sample(chrono::Utc::now())?;
    if args.json {
        print_json(&sample)?;
    } else {
        print(&sample);
    }
    Ok(Verdict::Ok)
}

fn rate(bytes_per_second: Option<f64>) -> String {
    match bytes_per_second {
        Some(r) => format!("{}/s", show::bytes(r as u64)),
        None => "-".into(),
    }
}

fn print(s: &Sample) {
    println!(
        "CPU          {:.0} % ({} cores)",
        s.cpu.total_percent, s.cpu.cores
    );
    println!(
        "Load         {:.2} {:.2} {:.2} (1, 5, 15 minutes)",
        s.load.one, s.load.five, s.load.fifteen
    );
    println!(
        "Memory       {} of {} used, {} available",
        show::bytes(s.memory.used_bytes),
        show::bytes(s.memory.total_bytes),
        show::bytes(s.memory.available_bytes)
    );
    if s.swap.total_bytes == 0 {
        println!("Swap         none");
    } else {
        println!(
            "Swap         {} of {} used",
            show::bytes(s.swap.used_bytes),
            show::bytes(s.swap.total_bytes)
        );
    }
    for d in &s.disks {
        println!(
            "Disk         {}: {} of {} used ({:.0} %), {} free, {}",
            d.mount_point,
            show::bytes(d.used_bytes),
            show::bytes(d.total_bytes),
            d.used_percent,
            show::bytes(d.free_bytes),
            d.file_system
        );
    }
    for i in &s.network {
        println!(
            "Network      {}: {} in, {} out",
            i.name,
            rate(i.rx_bytes_per_second),
            rate(i.tx_bytes_per_second)
        );
    }
    println!("Up for       {}", show::duration(s.uptime_seconds));
    if s.reboot.required {
        println!("Restart      needed ({})", s.reboot.packages.join(", "));
    } else {
        println!("Restart      not needed");
    }
    for u in &s.users {
        match &u.from {
            Some(from) => println!("Logged in    {} on {} from {}", u.name, u.terminal, from),
            None => println!("Logged in    {} on {}", u.name, u.terminal),
        }
    }
    for t in &s.temperatures {
        println!("Temperature  {}: {:.0} °C", t.label, t.celsius);
    }
    for b in &s.batteries {
        match b.percent {
            Some(p) => println!("Battery      {}: {p:.0} %, {}", b.name, b.status),
            None => println!("Battery      {}: {}", b.name, b.status),
        }
    }
    for sock in &s.sockets {
        let address = if sock.address.contains(':') {
            format!("[{}]", sock.address)
        } else {
            sock.address.clone()
        };
        println!(
            "Listening    {} {}:{} {}",
            sock.protocol.as_str(),
            address,
            sock.port,
            sock.program.as_deref().unwrap_or("(program unknown)")
        );
    }
    for p in &s.top_cpu {
        println!(
            "Busiest      {} ({}): {:.0} % CPU",
            p.name, p.pid, p.cpu_percent
        );
    }
    for p in &s.top_memory {
        println!(
            "Largest      {} ({}): {}",
            p.name,
            p.pid,
            show::bytes(p.memory_bytes)
        );
    }
    match &s.failed_logins.source {
        Some(source) => println!(
            "Failed logins {} in the last hour (from {source})",
            s.failed_logins.count
        ),
        None => println!(
            "Failed logins unknown: {}",
            s.failed_logins.unreadable.join("; ")
        ),
    }
    for p in &s.problems {
        println!("Not read     {p}");
    }
}
