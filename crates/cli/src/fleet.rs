//! `shipshape fleet`: the office's computers. `add` shows a computer's
//! host key fingerprint and the line to add there; with `--trust` (the
//! fingerprint, as that computer shows it for itself) it is enrolled and
//! checked. `check` asks every computer for its report at once. `report`
//! and `serve` are the other side: what a computer says about itself,
//! and the only command the console's key may run there; `apply` and
//! `undo` make (or take back) a roll-out's change on the computer they
//! run on. `rollout` carries a change to every computer ring by ring,
//! `run` to all at once, and `status` shows the roll-outs.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api;
use shipshape_core::fleet::computers::Computer;
use shipshape_core::fleet::prepare;
use shipshape_core::fleet::rollout::{Change, PartState, Rollout, RolloutPlan};
use shipshape_core::fleet::serve::{self, Applied, Asked};
use shipshape_core::fleet::setup::SetUp;
use shipshape_core::install::plan::Approval;
use shipshape_core::vault::Keychain;
use std::path::PathBuf;

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
        /// Where Shipshape is not installed yet: set it up there from this package file (ADDRESS is root@HOST, with the setting-up line added to root's authorized_keys), then enrol the console's own account
        #[arg(long, value_name = "FILE.deb", requires_all = ["trust", "sha256"])]
        install_shipshape: Option<PathBuf>,
        /// The package file's SHA-256, from the release's checksum list
        #[arg(long, requires = "install_shipshape")]
        sha256: Option<String>,
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
    /// This computer's report and what it counts (its findings, waiting updates and open alerts); with ID, computer ID's, asked now
    Details {
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Answers the console over SSH (the key's forced command); not for people
    #[command(hide = true)]
    Serve,
    /// On an office computer, as root: the console's own account, which logs in only with the console's key and may run only Shipshape's helper as root
    Prepare {
        /// The line the console shows for its key (shipshape fleet key)
        #[arg(long, required_unless_present = "remove", conflicts_with = "remove")]
        key: Option<String>,
        /// Take the account and its sudo rule away again
        #[arg(long)]
        remove: bool,
        #[arg(long)]
        json: bool,
    },
    /// Make a roll-out's change on this computer (what the console asks over SSH)
    Apply {
        #[command(subcommand)]
        what: ApplyWhat,
    },
    /// Take back this computer's run RUN, made by a roll-out
    Undo {
        run: i64,
        #[arg(long)]
        json: bool,
    },
    /// Carry a change to the office's computers ring by ring: a pilot, then waves
    Rollout {
        #[command(subcommand)]
        command: RolloutCommand,
    },
    /// Carry a change to every computer at once (a roll-out of one ring)
    Run {
        #[command(flatten)]
        change: ChangeArgs,
        #[arg(long)]
        json: bool,
    },
    /// Write a roll-out's plan as an Ansible inventory and playbook into DIR
    ExportAnsible {
        dir: std::path::PathBuf,
        #[command(flatten)]
        plan: PlanArgs,
        #[arg(long)]
        json: bool,
    },
    /// The roll-outs, or roll-out ID with every computer's part
    Status {
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum ApplyWhat {
    /// Install (or bring up to date) a package from this computer's signed sources
    Package {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Install the security updates waiting here
    SecurityUpdates {
        #[arg(long)]
        json: bool,
    },
    /// Install the package file given on standard input, only if it has this SHA-256
    File {
        sha256: String,
        #[arg(long)]
        json: bool,
    },
}

/// What a roll-out changes, and a package file's checksum.
#[derive(Debug, clap::Args)]
pub struct ChangeArgs {
    #[command(flatten)]
    what: WhatArgs,
    /// The package file's SHA-256, as its publisher lists it
    #[arg(long, requires = "file")]
    sha256: Option<String>,
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct WhatArgs {
    /// Install this package from each computer's signed sources
    #[arg(long)]
    package: Option<String>,
    /// Install the security updates waiting on each computer
    #[arg(long)]
    security_updates: bool,
    /// Copy this package file (.deb) to each computer and install it there
    #[arg(long, requires = "sha256")]
    file: Option<std::path::PathBuf>,
    /// Carry out this deployment plan (JSON, as Install saves it) on each computer, stage by stage
    #[arg(long, value_name = "PLAN.json")]
    plan: Option<std::path::PathBuf>,
}

impl ChangeArgs {
    fn change(self) -> Result<Change, Error> {
        if let Some(plan) = self.what.plan {
            return api::fleet::plan_change(&plan);
        }
        Ok(match (self.what.package, self.what.file) {
            (Some(name), _) => Change::Package { name },
            (None, Some(file)) => Change::File {
                path: std::path::absolute(&file)
                    .unwrap_or(file)
                    .display()
                    .to_string(),
                sha256: self.sha256.unwrap_or_default().to_ascii_lowercase(),
            },
            (None, None) => Change::SecurityUpdates,
        })
    }
}

/// A roll-out's plan, as `rollout start` and `export-ansible` take it.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    change: ChangeArgs,
    /// The pilot ring: one or two computers by number (shipshape fleet list)
    #[arg(long, value_delimiter = ',')]
    pilot: Vec<i64>,
    /// The other computers in waves, shares in % rising to 100
    #[arg(long, value_delimiter = ',', default_value = "25,100")]
    waves: Vec<u8>,
    /// Minutes each ring is watched before the next may begin
    #[arg(long, default_value_t = 0)]
    soak: u32,
    /// Halt when more than this % of a ring's computers fail (0: on the first)
    #[arg(long, default_value_t = 0)]
    halt_percent: u8,
    /// Go on to the next ring by itself after the soak, without asking
    #[arg(long)]
    automatic: bool,
}

impl PlanArgs {
    fn plan(self) -> Result<RolloutPlan, Error> {
        Ok(RolloutPlan {
            change: self.change.change()?,
            pilot: self.pilot,
            waves: self.waves,
            soak_minutes: self.soak,
            approval: if self.automatic {
                Approval::Automatic
            } else {
                Approval::Ask
            },
            halt_percent: self.halt_percent,
        })
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum RolloutCommand {
    /// Plan a roll-out and begin it with its first ring
    Start {
        #[command(flatten)]
        plan: PlanArgs,
        #[arg(long)]
        json: bool,
    },
    /// Go on with roll-out ID: after its soak, trying unreachable computers again
    Continue {
        #[arg(required_unless_present = "due")]
        id: Option<i64>,
        /// Instead: every roll-out whose next step is due by itself (for a timer)
        #[arg(long, conflicts_with_all = ["id", "approve"])]
        due: bool,
        /// Approve the next ring, where the plan asks for approval
        #[arg(long)]
        approve: bool,
        #[arg(long)]
        json: bool,
    },
    /// Take roll-out ID back on every computer it changed
    Rollback {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    ctx.session(|s| {
    match command {
        Command::Add {
            address,
            name,
            trust,
            install_shipshape,
            sha256,
            json,
        } => {
            let keychain = Keychain::system()?;
            match (trust, install_shipshape) {
                (Some(fingerprint), Some(package)) => {
                    let asked = SetUp {
                        address,
                        name,
                        fingerprint,
                        package: std::path::absolute(&package)
                            .unwrap_or(package)
                            .display()
                            .to_string(),
                        sha256: sha256.unwrap_or_default(),
                    };
                    if !json {
                        eprintln!("Sending the package and setting Shipshape up there; this can take a few minutes.");
                    }
                    let c = api::fleet::set_up(s, &keychain, &asked, now)?;
                    if json {
                        print_json(&c)?;
                    } else {
                        println!(
                            "Shipshape is set up on {}; it is enrolled as computer {} ({}).",
                            c.name, c.id, c.address
                        );
                        print_one(&c);
                    }
                    Ok(Verdict::Ok)
                }
                (None, _) => {
                    let e = api::fleet::look(s, &keychain, &address, now)?;
                    if json {
                        print_json(&e)?;
                    } else {
                        println!("{} offers the host key {}.", e.address, e.fingerprint);
                        println!(
                            "On that computer, check it shows the same: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
                        );
                        println!(
                            "Best, on that computer, once (an account of Shipshape's own whose sudo rights reach only its helper; then add it as shipshape-fleet@HOST):"
                        );
                        println!("{}", e.prepare);
                        println!("Or add this line to {}:", e.add_to);
                        println!("{}", e.key_line);
                        println!(
                            "Or, where Shipshape is not installed yet, add this line to ~root/.ssh/authorized_keys there (it works {}), then add it with --install-shipshape FILE.deb --sha256 HEX:",
                            e.setup_for
                        );
                        println!("{}", e.setup_line);
                        println!(
                            "Then: shipshape fleet add {address} --trust {}",
                            e.fingerprint
                        );
                    }
                    Ok(Verdict::Ok)
                }
                (Some(fingerprint), None) => {
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
            // Nobody is at this computer to give a password: the helper is
            // reached through the sudo rule `prepare` wrote.
            shipshape_core::admin::door::elevate_with_sudo();
            match serve::asked(std::env::var("SSH_ORIGINAL_COMMAND").ok().as_deref())? {
                Asked::Report => print_json(&api::fleet::report_here(s, now)?)?,
                Asked::Details => print_json(&api::fleet::details_here(s, now)?)?,
                Asked::Apply(change) => print_json(&api::fleet::apply_here(s, &change, now)?)?,
                Asked::ApplyFile(hex) => print_json(&api::fleet::apply_file_here(
                    s,
                    &hex,
                    &mut std::io::stdin().lock(),
                    now,
                )?)?,
                Asked::Undo(run) => print_json(&api::fleet::undo_here(s, run, now)?)?,
                Asked::Gates(since) => {
                    let gates = serve::read_asked_gates(&mut std::io::stdin().lock())?;
                    print_json(&api::fleet::gates_here(s, &gates, &since, now))?
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Details { id, json } => {
            let d = match id {
                Some(id) => api::fleet::details(s, &Keychain::system()?, id, now)?,
                None => api::fleet::details_here(s, now)?,
            };
            if json {
                print_json(&d)?;
            } else {
                let r = &d.report;
                println!("{} ({}), Shipshape {}", r.computer, r.system, r.version);
                println!(
                    "Security score {}; {} findings:",
                    r.score.map_or("unknown".into(), |n| n.to_string()),
                    d.findings.len()
                );
                for f in &d.findings {
                    println!("  {:?}  {}: {}", f.status, f.title, f.detail);
                }
                println!("{} updates waiting:", d.updates.len());
                for u in &d.updates {
                    let security = if u.security { " (security)" } else { "" };
                    println!("  {} {}{security}", u.name, u.candidate);
                }
                println!("{} open alerts:", d.alerts.len());
                for a in &d.alerts {
                    println!("  {}", a.title);
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Prepare { key, remove, json } => {
            let places = prepare::Places::system();
            match key {
                Some(line) if !remove => {
                    let helper = shipshape_core::admin::door::program()?;
                    let p = prepare::prepare(&line, &helper, &places)?;
                    if json {
                        print_json(&p)?;
                    } else {
                        println!(
                            "This computer is ready: the account {} logs in only with the console's key ({}) and may run only this as root: {}",
                            p.account, p.authorized_keys, p.rule
                        );
                        println!("On the console, add it as {}@THIS-COMPUTER.", p.account);
                    }
                }
                _ => {
                    prepare::remove(&places)?;
                    println!(
                        "The console's account {} and its sudo rule are gone.",
                        prepare::ACCOUNT
                    );
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Apply { what } => {
            let (change, json) = match what {
                ApplyWhat::Package { name, json } => (Change::Package { name }, json),
                ApplyWhat::SecurityUpdates { json } => (Change::SecurityUpdates, json),
                ApplyWhat::File { sha256, json } => {
                    if !shipshape_core::fleet::rollout::is_sha256(&sha256) {
                        return Err(Error::invalid_input(
                            format!("\u{201c}{sha256}\u{201d} is not a SHA-256 (64 lower-case hex digits)."),
                            "Give the package file's SHA-256 as its publisher lists it.",
                        ));
                    }
                    let mut input = std::io::stdin().lock();
                    return answered(
                        &api::fleet::apply_file_here(s, &sha256, &mut input, now)?,
                        json,
                    );
                }
            };
            answered(&api::fleet::apply_here(s, &change, now)?, json)
        }
        Command::Undo { run, json } => answered(&api::fleet::undo_here(s, run, now)?, json),
        Command::Rollout { command } => {
            let keychain = Keychain::system()?;
            let cancel = crate::stop_on_ctrl_c()?;
            let steps = crate::TerminalSteps::new(false, |done, total| {
                format!("{done} of {total} computers. ")
            });
            let (r, json) = match command {
                RolloutCommand::Start { plan, json } => (
                    api::fleet::rollout_start(s, &keychain, plan.plan()?, now, &steps, &cancel)?,
                    json,
                ),
                RolloutCommand::Continue {
                    id: None,
                    json,
                    ..
                } => {
                    let moved = api::fleet::rollouts_due(s, &keychain, now, &cancel)?;
                    if json {
                        print_json(&moved)?;
                    } else if moved.is_empty() {
                        println!("No roll-out has a step due.");
                    } else {
                        moved.iter().for_each(print_rollout);
                    }
                    return Ok(Verdict::Ok);
                }
                RolloutCommand::Continue {
                    id: Some(id),
                    approve,
                    json,
                    ..
                } => (
                    api::fleet::rollout_continue(s, &keychain, id, approve, now, &steps, &cancel)?,
                    json,
                ),
                RolloutCommand::Rollback { id, json } => (
                    api::fleet::rollout_rollback(s, &keychain, id, now, &steps, &cancel)?,
                    json,
                ),
            };
            steps.end();
            shown(&r, json)
        }
        Command::Run { change, json } => {
            let keychain = Keychain::system()?;
            let cancel = crate::stop_on_ctrl_c()?;
            let steps = crate::TerminalSteps::new(json, |done, total| {
                format!("{done} of {total} computers. ")
            });
            let plan = RolloutPlan {
                change: change.change()?,
                pilot: Vec::new(),
                waves: vec![100],
                soak_minutes: 0,
                approval: Approval::Automatic,
                halt_percent: 100,
            };
            let r = api::fleet::rollout_start(s, &keychain, plan, now, &steps, &cancel)?;
            steps.end();
            shown(&r, json)
        }
        Command::ExportAnsible { dir, plan, json } => {
            let dir = std::path::absolute(&dir).map_err(|e| Error::io("read", &dir, &e))?;
            let e = api::fleet::export_ansible(s, plan.plan()?, &dir, now)?;
            if json {
                print_json(&e)?;
            } else {
                let rings: Vec<String> = e.serial.iter().map(usize::to_string).collect();
                println!(
                    "Wrote {} for {} computers (rings of {}) into {}.",
                    e.files.join(", "),
                    e.computers,
                    rings.join(", "),
                    e.folder
                );
                println!("Run it with: {}", e.run);
            }
            Ok(Verdict::Ok)
        }
        Command::Status { id, json } => match id {
            Some(id) => {
                let r = api::fleet::rollout_get(s, id)?;
                if json {
                    print_json(&r)?;
                } else {
                    print_rollout(&r);
                }
                Ok(Verdict::Ok)
            }
            None => {
                let all = api::fleet::rollouts(s)?;
                if json {
                    print_json(&all)?;
                } else if all.is_empty() {
                    println!("No roll-outs yet. Start one with shipshape fleet rollout start.");
                } else {
                    for r in &all {
                        println!("{:>3}  {:<40} {}", r.id, r.plan.change.words(), r.message);
                    }
                }
                Ok(Verdict::Ok)
            }
        },
    }
    })
}

/// A computer's answer to a change, printed; negative when it failed.
fn answered(a: &Applied, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(a)?;
    } else {
        println!("{}", a.words);
    }
    Ok(match a.outcome {
        serve::Outcome::Failed => Verdict::Negative,
        _ => Verdict::Ok,
    })
}

/// A roll-out, printed; negative when halted or a computer failed.
fn shown(r: &Rollout, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(r)?;
    } else {
        print_rollout(r);
    }
    use shipshape_core::fleet::rollout::Status;
    // A roll-out taken back is the end asked for, whatever failed before.
    let failed = r.status != Status::RolledBack
        && r.rings
            .iter()
            .flat_map(|g| &g.parts)
            .any(|p| p.state == PartState::Failed);
    Ok(if failed || r.status == Status::Halted {
        Verdict::Negative
    } else {
        Verdict::Ok
    })
}

fn print_rollout(r: &Rollout) {
    println!("Roll-out {}: {}", r.id, r.plan.change.words());
    println!("{}", r.message);
    for ring in &r.rings {
        println!("  {}", ring.name);
        for p in &ring.parts {
            println!("    {:<20} {:?}: {}", p.name, p.state, p.words);
        }
    }
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
