//! `shipshape info`: the Overview facts.

use crate::{Verdict, print_json, show};
use shipshape_core::{Error, computer};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON (memory and disk in bytes)
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<Verdict, Error> {
    let facts = computer::read()?;
    if args.json {
        print_json(&facts)?;
        return Ok(Verdict::Ok);
    }
    println!("Computer   {}", facts.hostname);
    println!("System     {} {}", facts.os_name, facts.os_version);
    println!("Kernel     {}", facts.kernel);
    println!("Up for     {}", show::duration(facts.uptime_seconds));
    println!("Processor  {} ({} cores)", facts.cpu_model, facts.cpu_cores);
    println!(
        "Memory     {} of {} used",
        show::bytes(facts.memory_used_bytes),
        show::bytes(facts.memory_total_bytes)
    );
    for d in &facts.disks {
        println!(
            "Disk       {}: {} of {} used ({})",
            d.mount_point,
            show::bytes(d.used_bytes),
            show::bytes(d.total_bytes),
            d.file_system
        );
    }
    Ok(Verdict::Ok)
}
