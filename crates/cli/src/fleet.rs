//! `shipshape fleet`: the office's computers. `add` shows a computer's
//! host key fingerprint and the line to add there; with `--trust` (the
//! fingerprint, as that computer shows it for itself) it is enrolled and
//! checked. `check` asks every computer for its report at once. `report`
//! and `serve` are the other side: what a computer says about itself,
//! and the only command the console's key may run there.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api;
use shipshape_core::fleet::computers::Computer;
use shipshape_core::fleet::serve::{self, Asked};
use shipshape_core::vault::Keychain;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Enrol a computer: without --trust, shows its host key's fingerprint and the line to add there
    Add {
        /// USER@HOST or USER@HOST:PORT
        address: String,
        /// What the office calls it ("Reception PC"); its host name by default
        #[arg(long, default_value = "")]
        name: String,
        /// The fingerprint that computer shows for itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)
        #[arg(long)]
        trust: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Take a computer off the list and forget its host key
    Remove { id: i64 },
    /// The computers, with what their last check found
    List {
        #[arg(long)]
        json: bool,
    },
    /// Ask every computer (or those named) for its report, all at once
    Check {
        ids: Vec<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The line to add to ~USER/.ssh/authorized_keys on each computer
    Key,
    /// This computer's report, as the console reads it
    Report {
        #[arg(long)]
        json: bool,
    },
    /// Answers the console over SSH (the key's forced command); not for people
    #[command(hide = true)]
    Serve,
}

pub fn run(command: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    ctx.session(|s| {
    match command {
        Command::Add {
            address,
            name,
            trust,
            json,
        } => {
            let keychain = Keychain::system()?;
            match trust {
                None => {
                    let e = api::fleet::look(s, &keychain, &address, now)?;
                    if json {
                        print_json(&e)?;
                    } else {
                        println!("{} offers the host key {}.", e.address, e.fingerprint);
                        println!(
                            "On that computer, check it shows the same: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
                        );
                        println!("Add this line to {}:", e.add_to);
                        println!("{}", e.key_line);
                        println!(
                            "Then: shipshape fleet add {address} --trust {}",
                            e.fingerprint
                        );
                    }
                    Ok(Verdict::Ok)
                }
                Some(fingerprint) => {
                    let c = api::fleet::enrol(s, &keychain, &address, &name, &fingerprint, now)?;
                    if json {
                        print_json(&c)?;
                    } else {
                        println!(
                            "{} ({}) is enrolled as computer {}.",
                            c.name, c.address, c.id
                        );
                        print_one(&c);
                    }
                    Ok(Verdict::Ok)
                }
            }
        }
        Command::Remove { id } => {
            let c = api::fleet::remove(s, id, now)?;
            println!(
                "{} ({}) is off the list; its host key is forgotten.",
                c.name, c.address
            );
            Ok(Verdict::Ok)
        }
        Command::List { json } => {
            let all = api::fleet::list(s)?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!("No computers yet. Add one with shipshape fleet add USER@HOST.");
            } else {
                all.iter().for_each(print_one);
            }
            Ok(Verdict::Ok)
        }
        Command::Check { ids, json } => {
            let keychain = Keychain::system()?;
            let cancel = crate::stop_on_ctrl_c()?;
            let steps = crate::TerminalSteps::new(json, |done, total| {
                format!("Checked {done} of {total} computers. ")
            });
            let only = (!ids.is_empty()).then_some(ids.as_slice());
            let all = api::fleet::check(s, &keychain, only, now, &steps, &cancel)?;
            steps.end();
            if json {
                print_json(&all)?;
            } else {
                all.iter().for_each(print_one);
            }
            Ok(if all.iter().any(|c| c.problem.is_some()) {
                Verdict::Negative
            } else {
                Verdict::Ok
            })
        }
        Command::Key => {
            let keychain = Keychain::system()?;
            println!("{}", api::fleet::key_line(s, &keychain, now)?);
            Ok(Verdict::Ok)
        }
        Command::Report { json } => {
            let r = api::fleet::report_here(s, now)?;
            if json {
                print_json(&r)?;
            } else {
                println!("{} ({}), Shipshape {}", r.computer, r.system, r.version);
                println!(
                    "Security score {}; {} findings.",
                    r.score.map_or("unknown".into(), |n| n.to_string()),
                    r.findings
                );
                println!("{}", r.support);
            }
            Ok(Verdict::Ok)
        }
        Command::Serve => {
            match serve::asked(std::env::var("SSH_ORIGINAL_COMMAND").ok().as_deref())? {
                Asked::Report => {
                    print_json(&api::fleet::report_here(s, now)?)?;
                    Ok(Verdict::Ok)
                }
            }
        }
    }
    })
}

fn print_one(c: &Computer) {
    let seen = c.last_seen.as_deref().unwrap_or("never");
    println!(
        "{:>3}  {:<20} {:<28} last seen {seen}",
        c.id, c.name, c.address
    );
    if let Some(problem) = &c.problem {
        println!("     Not reached: {problem}");
    }
    if let Some(r) = &c.report {
        let updates = r
            .security_updates
            .map_or("unknown".into(), |n| n.to_string());
        println!(
            "     score {}, {} security updates waiting, {} open alerts, {} open incidents; {}",
            r.score.map_or("unknown".into(), |n| n.to_string()),
            updates,
            r.open_alerts,
            r.open_incidents,
            r.support
        );
    }
}
