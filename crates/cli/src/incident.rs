//! `shipshape incident`: incidents and maintenance tickets, opened by
//! hand or from a finding, an alert, a run or a change, moved through
//! their statuses with notes, each step in the activity log.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api;
use shipshape_core::govern::tickets::{
    self, Level, LinkKind, Move, NewTicket, Ticket, TicketStatus,
};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The incidents, newest first (only those of one status with --status)
    List {
        /// open, in-work, on-hold, resolved or closed
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Open an incident: by hand (--title), or about one thing (--from finding:CHECK-ID, alert:N, run:N, change:N, deployment:N)
    Open {
        #[arg(long, required_unless_present = "from")]
        title: Option<String>,
        /// What happened
        #[arg(long, default_value = "")]
        what: String,
        /// high, medium or low
        #[arg(long, default_value = "medium")]
        impact: String,
        /// high, medium or low
        #[arg(long, default_value = "medium")]
        urgency: String,
        #[arg(long, conflicts_with = "title")]
        from: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One incident with its links and timeline
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Add a note to an incident's timeline
    Note {
        id: i64,
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Move an incident: open, in-work, on-hold (--reason, --remind YYYY-MM-DD), resolved (--done, and --prevention: what would stop it happening again), closed
    Status {
        id: i64,
        status: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, default_value = "")]
        remind: String,
        #[arg(long, default_value = "")]
        done: String,
        #[arg(long, default_value = "")]
        prevention: String,
        #[arg(long)]
        json: bool,
    },
    /// Link an incident to what it concerns (KIND:ID, as for open --from)
    Link {
        id: i64,
        item: String,
        #[arg(long)]
        json: bool,
    },
}

/// "alert:4" → (Alert, "4").
fn item(text: &str) -> Result<(LinkKind, String), Error> {
    let (kind, id) = text.split_once(':').ok_or_else(|| {
        Error::invalid_input(
            format!("\"{text}\" does not say what it is."),
            "Write KIND:ID, for example alert:4 or finding:ssh.root_login.",
        )
    })?;
    Ok((LinkKind::parse(kind)?, id.to_string()))
}

pub fn run(command: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = Utc::now();
    ctx.session(|s| {
        let (ticket, json) = match command {
            Command::List { status, json } => {
                let wanted = status.as_deref().map(TicketStatus::parse).transpose()?;
                let all: Vec<Ticket> = api::tickets::list(s, now)?
                    .into_iter()
                    .filter(|t| wanted.is_none_or(|w| t.status == w))
                    .collect();
                if json {
                    print_json(&all)?;
                } else if all.is_empty() {
                    println!("No incidents.");
                } else {
                    for t in &all {
                        println!(
                            "{:>4}  {:<9} {:<8} {}",
                            t.id,
                            t.status.words(),
                            tickets::priority_words(t.priority),
                            t.title
                        );
                    }
                }
                return Ok(Verdict::Ok);
            }
            Command::Open {
                title,
                what,
                impact,
                urgency,
                from,
                json,
            } => {
                let t = match (from, title) {
                    (Some(from), _) => {
                        let (kind, id) = item(&from)?;
                        api::tickets::open_from(s, kind, &id, now)?
                    }
                    (None, Some(title)) => api::tickets::open(
                        s,
                        NewTicket {
                            title,
                            what,
                            impact: Level::parse(&impact)?,
                            urgency: Level::parse(&urgency)?,
                            links: Vec::new(),
                        },
                        now,
                    )?,
                    (None, None) => {
                        return Err(Error::invalid_input(
                            "An incident needs a title, or what it is about.",
                            "Add --title \"…\", or --from alert:N.",
                        ));
                    }
                };
                (t, json)
            }
            Command::Show { id, json } => (api::tickets::show(s, id, now)?, json),
            Command::Note { id, text, json } => (api::tickets::note(s, id, &text, now)?, json),
            Command::Status {
                id,
                status,
                reason,
                remind,
                done,
                prevention,
                json,
            } => {
                let to = match TicketStatus::parse(&status)? {
                    TicketStatus::Open => Move::Open,
                    TicketStatus::InWork => Move::InWork,
                    TicketStatus::OnHold => Move::OnHold { reason, remind },
                    TicketStatus::Resolved => Move::Resolved { done, prevention },
                    TicketStatus::Closed => Move::Closed,
                };
                (api::tickets::set_status(s, id, to, now)?, json)
            }
            Command::Link {
                id,
                item: text,
                json,
            } => {
                let (kind, item_id) = item(&text)?;
                (api::tickets::link(s, id, kind, &item_id, now)?, json)
            }
        };
        if json {
            print_json(&ticket)?;
        } else {
            print(&ticket);
        }
        Ok(Verdict::Ok)
    })
}

fn print(t: &Ticket) {
    println!(
        "Incident {}: {} — {}, priority {}",
        t.id,
        t.title,
        t.status.words(),
        tickets::priority_words(t.priority)
    );
    if !t.what.is_empty() {
        println!("  {}", t.what);
    }
    if let Some(h) = &t.hold {
        println!("  On hold: {} (reminder on {})", h.reason, h.remind);
    }
    for l in &t.links {
        let state = if l.gone {
            " (no longer in the records)"
        } else if l.cleared {
            " (cleared since)"
        } else {
            ""
        };
        println!("  Linked: {} {}: {}{state}", l.kind.as_str(), l.id, l.title);
    }
    for e in &t.timeline {
        println!("  {}  {}  {}", e.time, e.by, e.what);
    }
}
