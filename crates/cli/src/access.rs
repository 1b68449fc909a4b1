//! `shipshape access`: who can use this computer, and the access review
//! that decides, line by line, who keeps which right, signed off by name.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api;
use shipshape_core::govern::access::PasswordState;
use shipshape_core::govern::review::{self, Decision, Review};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every account: people and the system's own, administrator rights, keys, passwords, last logins
    List {
        /// Read as the administrator (through pkexec): password states and everyone's keys
        #[arg(long)]
        as_admin: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Start an access review, or go on with the one not signed off yet
    Review {
        #[arg(long)]
        as_admin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Decide one line of a review: keep, remove or not-sure (remove and not-sure need --reason)
    Decide {
        review: i64,
        /// The line's id, as shipshape access review lists it
        line: String,
        decision: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Sign a review off, once every line is decided; it never changes after
    SignOff {
        review: i64,
        /// Your name, as you sign
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Carry out a line decided "remove": lock the account, take it out of an administrators' group or a sudo rule of its own, or take a key away (shows the change first; --yes makes it, with undo)
    Remove {
        review: i64,
        line: String,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// The reviews, newest first
    History {
        #[arg(long)]
        json: bool,
    },
    /// Save a review for an auditor: a printable page (HTML), CSV or JSON
    Export {
        review: i64,
        file: PathBuf,
        /// html, csv or json (by default, from the file's name)
        #[arg(long)]
        format: Option<String>,
    },
}

pub fn run(command: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    match command {
        Command::List { as_admin, json } => list(as_admin, json, now),
        Command::Review { as_admin, json } => show(
            &ctx.session(|s| api::access::review(s, as_admin, now))?,
            json,
        ),
        Command::Decide {
            review,
            line,
            decision,
            reason,
            json,
        } => {
            let decision = Decision::parse(&decision)?;
            show(
                &ctx.session(|s| api::access::decide(s, review, &line, decision, &reason, now))?,
                json,
            )
        }
        Command::SignOff { review, name, json } => show(
            &ctx.session(|s| api::access::sign_off(s, review, &name, now))?,
            json,
        ),
        Command::Remove {
            review,
            line,
            yes,
            json,
        } => ctx.session(|s| {
            let preview = api::access::remove_preview(s, review, &line, now)?;
            if !yes {
                return crate::fixes::only_shown(&preview, json, "Removing");
            }
            let done = api::access::remove(s, review, &line, &preview.digest(), now)?;
            if json {
                print_json(&done)?;
            } else {
                println!(
                    "{}: {} Undo it with: shipshape undo {}",
                    done.change.title, done.recheck.detail, done.change.id
                );
            }
            Ok(Verdict::Ok)
        }),
        Command::History { json } => {
            let all = ctx.session(|s| review::history(s.store))?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!("No access review yet. Start one with shipshape access review.");
            } else {
                for r in &all {
                    let state = match &r.signed {
                        Some(sign) => format!("signed off by {} on {}", sign.name, sign.time),
                        None => format!("not signed off: {} line(s) undecided", r.undecided()),
                    };
                    println!(
                        "{:>4}  {}  {} lines, {state}",
                        r.id,
                        r.started,
                        r.lines.len()
                    );
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Export {
            review,
            file,
            format,
        } => {
            let (format, path) = crate::install::record_target(&file, format.as_deref())?;
            let saved = ctx.session(|s| api::access::export(s, review, format, &path, now))?;
            println!("Access review {review} is at {}.", saved.path);
            Ok(Verdict::Ok)
        }
    }
}

/// Prints every account.
fn list(as_admin: bool, json: bool, now: chrono::DateTime<Utc>) -> Result<Verdict, Error> {
    let inv = api::access::inventory(as_admin, now)?;
    if json {
        print_json(&inv)?;
    } else {
        for a in &inv.accounts {
            let who = if a.human { "person" } else { "system" };
            let admin = if a.admin.is_empty() {
                ""
            } else {
                ", administrator"
            };
            println!(
                "{:<16} UID {:<6} {who}{admin}; {}; last login {}{}; {} key(s)",
                a.name,
                a.uid,
                password_words(a.password),
                a.last_login.as_deref().unwrap_or("never"),
                if a.dormant { " (dormant)" } else { "" },
                a.keys.len()
            );
        }
        for p in &inv.problems {
            println!("Note: {p}");
        }
    }
    Ok(Verdict::Ok)
}

fn password_words(p: PasswordState) -> &'static str {
    match p {
        PasswordState::Set => "password set",
        PasswordState::Locked => "password locked",
        PasswordState::Empty => "NO PASSWORD NEEDED",
        PasswordState::None => "no password",
        PasswordState::Unknown => "password unknown (--as-admin)",
    }
}

fn show(r: &Review, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(r)?;
        return Ok(Verdict::Ok);
    }
    match &r.signed {
        Some(s) => println!(
            "Access review {} of {}, signed off by {} on {}.",
            r.id, r.computer, s.name, s.time
        ),
        None => println!(
            "Access review {} of {}: {} of {} line(s) decided.",
            r.id,
            r.computer,
            r.lines.len() - r.undecided(),
            r.lines.len()
        ),
    }
    for l in &r.lines {
        let decided = match l.decision {
            Some(d) if l.reason.is_empty() => d.words().to_string(),
            Some(d) => format!("{}: {}", d.words(), l.reason),
            None => "not decided".into(),
        };
        println!("  [{}]{} {}", l.id, if l.new { " NEW" } else { "" }, l.what);
        println!("      {} — {decided}", l.facts);
    }
    for g in &r.gone {
        println!("  Gone since the last review: {g}");
    }
    for p in &r.problems {
        println!("  Note: {p}");
    }
    if r.signed.is_none() {
        println!(
            "Decide with: shipshape access decide {} LINE keep|remove|not-sure [--reason R]; then shipshape access sign-off {} --name \"YOUR NAME\".",
            r.id, r.id
        );
    }
    Ok(Verdict::Ok)
}
