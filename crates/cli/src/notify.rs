//! `shipshape notify`: how the administrator is told about maintenance
//! (desktop notices, email), a test message, and `deliver`, which the
//! user service runs whenever root publishes its schedule.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::{Session, notify};
use shipshape_core::maintain::notify::{Email, Security, Settings};
use shipshape_core::vault::Keychain;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show how you are told about maintenance
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Set up email notices (the password is asked for, or read from standard input)
    Email(EmailArgs),
    /// Switch desktop notices for failed and missed runs on or off
    Desktop {
        #[arg(value_enum)]
        state: OnOff,
    },
    /// Send a test message with the saved email settings
    TestEmail,
    /// Tell about finished, failed and missed runs not told yet
    Deliver {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Secure {
    Starttls,
    Tls,
}

#[derive(Debug, clap::Args)]
pub struct EmailArgs {
    /// Stop sending email notices
    #[arg(long, conflicts_with_all = ["server", "user", "from", "to"])]
    off: bool,
    /// The mail server, e.g. smtp.example.com
    #[arg(long, required_unless_present = "off")]
    server: Option<String>,
    /// The server's port (587 for STARTTLS, 465 for TLS)
    #[arg(long)]
    port: Option<u16>,
    #[arg(long, value_enum, default_value = "starttls")]
    security: Secure,
    /// The account name the server knows
    #[arg(long, required_unless_present = "off")]
    user: Option<String>,
    /// The address the notices come from
    #[arg(long, required_unless_present = "off")]
    from: Option<String>,
    /// Where the notices go, separated by commas
    #[arg(long, value_delimiter = ',', required_unless_present = "off")]
    to: Vec<String>,
    /// Use the password already saved in the vault under this name
    #[arg(long, value_name = "NAME")]
    password_from: Option<String>,
    /// Also send a report after every run, not only problems
    #[arg(long)]
    every_run: bool,
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let now = Utc::now();
    match cmd {
        Command::Show { json } => {
            let settings = notify::settings(s, now)?;
            if json {
                print_json(&settings)?;
            } else {
                show(&settings);
            }
            Ok(Verdict::Ok)
        }
        Command::Email(args) => {
            let mut settings = notify::settings(s, now)?;
            if args.off {
                settings.email = None;
                notify::save(s, Keychain::system, settings, None, now)?;
                println!("Email notices are off.");
                return Ok(Verdict::Ok);
            }
            let security = match args.security {
                Secure::Starttls => Security::StartTls,
                Secure::Tls => Security::Tls,
            };
            let default_port = match security {
                Security::StartTls => 587,
                Security::Tls => 465,
            };
            let email = Email {
                server: args.server.unwrap_or_default(),
                port: args.port.unwrap_or(default_port),
                security,
                username: args.user.unwrap_or_default(),
                password_name: args
                    .password_from
                    .clone()
                    .unwrap_or_else(|| notify::PASSWORD_NAME.into()),
                from: args.from.unwrap_or_default(),
                to: args.to,
                every_run: args.every_run,
            };
            // Checked before the password is asked for, so a typo costs
            // no typing.
            settings.email = Some(email.checked()?);
            let password = match args.password_from {
                Some(_) => None,
                None => Some(crate::vault::ask_secret("The mail account's password")?),
            };
            let saved = notify::save(s, Keychain::system, settings, password, now)?;
            show(&saved);
            println!("Send a test message with: shipshape notify test-email");
            Ok(Verdict::Ok)
        }
        Command::Desktop { state } => {
            let mut settings = notify::settings(s, now)?;
            settings.desktop = matches!(state, OnOff::On);
            let saved = notify::save(s, Keychain::system, settings, None, now)?;
            show(&saved);
            Ok(Verdict::Ok)
        }
        Command::TestEmail => {
            println!("{}", notify::test_email(s, &Keychain::system()?, now)?);
            Ok(Verdict::Ok)
        }
        Command::Deliver { json } => {
            let delivery = notify::deliver(s, Keychain::system, now)?;
            if json {
                print_json(&delivery)?;
            } else {
                for n in &delivery.told {
                    println!("Told: {}", n.title);
                }
                for why in &delivery.failed {
                    eprintln!("Not sent: {why}");
                }
                if delivery.told.is_empty() && delivery.failed.is_empty() {
                    println!("Nothing new to tell.");
                }
            }
            Ok(if delivery.failed.is_empty() {
                Verdict::Ok
            } else {
                Verdict::Negative
            })
        }
    }
}

fn show(settings: &Settings) {
    let desktop = if settings.desktop { "on" } else { "off" };
    println!("Desktop notices for failed and missed runs: {desktop}");
    match &settings.email {
        None => println!("Email notices: off"),
        Some(e) => {
            let security = match e.security {
                Security::StartTls => "STARTTLS",
                Security::Tls => "TLS",
            };
            let what = if e.every_run {
                "problems and a report after every run"
            } else {
                "problems only"
            };
            println!("Email notices: {what}, to {}", e.to.join(", "));
            println!(
                "  through {}:{} ({security}) as {}, from {}; password in the vault as \u{201c}{}\u{201d}",
                e.server, e.port, e.username, e.from, e.password_name
            );
        }
    }
}
