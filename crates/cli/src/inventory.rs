//! `shipshape inventory`: the software on this computer, how long each
//! piece is supported, and what is worth retiring; a newer end-of-life
//! list imported; outdated packages removed (previewed, --yes to do it,
//! undone with shipshape updates undo).

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api;
use shipshape_core::govern::inventory::{Inventory, RetireWhy};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Only software with an end-of-life date
    #[arg(long)]
    eol: bool,
    /// Only what is worth retiring, with what to do
    #[arg(long)]
    retire: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Use a newer end-of-life list (made by tools/endoflife-snapshot.py)
    ImportEol { file: PathBuf },
    /// Remove packages on the retire list through the package manager (shows what would go; --yes removes, with undo)
    Remove {
        #[arg(required = true)]
        packages: Vec<String>,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    ctx.session(|s| {
    match args.command {
        Some(Command::ImportEol { file }) => {
            let source = api::inventory::import_eol(s, &file, now)?;
            println!("End-of-life dates now come from {}.", source.words);
            Ok(Verdict::Ok)
        }
        Some(Command::Remove {
            packages,
            yes,
            json,
        }) => {
            let preview = api::inventory::retire_preview(s, &packages, now)?;
            if let Some(refused) = &preview.refused {
                return Err(Error::invalid_input(
                    refused.clone(),
                    "Choose from shipshape inventory --retire, packages marked removable.",
                ));
            }
            if !yes {
                if json {
                    print_json(&preview)?;
                } else {
                    println!("{}", preview.words);
                    for r in &preview.removes {
                        println!("  remove {} {}", r.name, r.version);
                    }
                }
                return Err(Error::invalid_input(
                    "Removing packages changes this computer, so it is done only when asked with --yes.",
                    "Read what would be removed above, then run the same command with --yes.",
                ));
            }
            let cancel = crate::stop_on_ctrl_c()?;
            let steps = crate::TerminalSteps::new(json, |done, total| {
                format!("Removing: step {done} of {total}. ")
            });
            let run = api::inventory::retire(s, &packages, now, &steps, &cancel);
            steps.end();
            crate::updates::show(&run?, json)
        }
        None => {
            let inv = api::inventory::inventory(s, now)?;
            if args.json {
                print_json(&filtered(inv, args.eol, args.retire))?;
            } else {
                print(&inv, args.eol, args.retire);
            }
            Ok(Verdict::Ok)
        }
    }
    })
}

/// The inventory with only what `eol` and `retire` ask for.
fn filtered(mut inv: Inventory, eol: bool, retire: bool) -> Inventory {
    if eol || retire {
        inv.packages.retain(|p| eol && p.life.is_some());
        inv.programs.clear();
    }
    if eol && !retire {
        inv.retire.clear();
    }
    inv
}

fn print(inv: &Inventory, eol: bool, retire: bool) {
    let everything = !eol && !retire;
    println!("{}: {}", inv.os_name, inv.os_words);
    println!("Kernel {}.", inv.kernel);
    if everything {
        println!();
        println!("{} packages installed.", inv.packages.len());
        for p in &inv.packages {
            let source = if p.no_source {
                "  (no source offers it)"
            } else {
                ""
            };
            println!("  {:<40} {:<28} {}{source}", p.name, p.version, p.arch);
        }
        for p in &inv.programs {
            println!(
                "  {:<40} {:<28} program in /opt (in use: {})",
                p.name,
                p.versions.join(", "),
                p.current.as_deref().unwrap_or("none")
            );
        }
    }
    if eol || everything {
        println!();
        println!("End of life ({}):", inv.eol_source.words);
        if let Some(problem) = &inv.eol_source.problem {
            println!("  Note: {problem}");
        }
        let dated: Vec<_> = inv.packages.iter().filter(|p| p.life.is_some()).collect();
        if dated.is_empty() {
            println!("  None of the installed software is on the end-of-life list.");
        }
        for p in dated {
            let life = p.life.as_ref().expect("filtered");
            let when = match (&life.ends, life.ended) {
                (Some(d), true) => format!("ended on {d}"),
                (Some(d), false) => format!("supported until {d}"),
                (None, true) => "ended".to_string(),
                (None, false) => "no end announced".to_string(),
            };
            println!("  {:<28} {:<24} {when}", p.name, life.product);
            if let Some(note) = &life.note {
                println!("    Note: {note}");
            }
        }
    }
    if retire || everything {
        println!();
        if inv.retire.is_empty() {
            println!("Nothing to retire.");
        } else {
            println!("Worth retiring ({}):", inv.retire.len());
        }
        for r in &inv.retire {
            let why = match r.why {
                RetireWhy::OsEndOfLife => "system end of life",
                RetireWhy::EndOfLife => "end of life",
                RetireWhy::NoSource => "no source",
                RetireWhy::OldKernel => "old kernel",
                RetireWhy::Unneeded => "unneeded",
            };
            println!("  {:<36} {:<18} {}", r.id, why, r.what);
            println!(
                "    {}{}",
                r.todo,
                if r.removable {
                    format!(" (shipshape inventory remove {})", r.id)
                } else {
                    String::new()
                }
            );
        }
    }
    for p in &inv.problems {
        println!("Note: {p}");
    }
}
