//! `shipshape vault`: the office's credentials in the OS keychain.
//!
//! A secret never comes from the command line (it would land in the shell's
//! history and in `ps`): it is read from standard input or a hidden prompt,
//! and printed only to a terminal, or to a pipe when `--stdout` asks for it.

use crate::{Context, Verdict, print_json};
use shipshape_core::vault::{self, Details, Keychain, Kind, Recipe, Secret, Use, Vault};
use shipshape_core::{Error, ErrorCode};
use std::io::{IsTerminal, Read, Write};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List credentials and when each is due for a change (never the secrets)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Store a new credential; the secret is read from standard input or a hidden prompt
    Add {
        name: String,
        #[command(flatten)]
        about: About,
        /// Store a newly generated secret instead of reading one
        #[arg(long)]
        generate: bool,
        #[command(flatten)]
        recipe: RecipeArgs,
    },
    /// Change a credential's name, username, address, kind, notes or reminder
    Edit {
        name: String,
        /// The new name
        #[arg(long, value_name = "NEW")]
        rename: Option<String>,
        #[command(flatten)]
        about: About,
        /// Remove the rotation reminder
        #[arg(long, conflicts_with = "rotate_days")]
        no_reminder: bool,
    },
    /// Show a secret on the terminal (or write it to a pipe with --stdout)
    Get {
        name: String,
        /// Write the secret to standard output even when it is not a terminal
        #[arg(long)]
        stdout: bool,
    },
    /// Replace a secret and record today as its rotation date
    Rotate {
        name: String,
        /// Store a newly generated secret instead of reading one
        #[arg(long)]
        generate: bool,
        #[command(flatten)]
        recipe: RecipeArgs,
    },
    /// Delete a credential from the keychain and the list
    Rm {
        name: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Print a new random secret (nothing is stored)
    Generate {
        #[command(flatten)]
        recipe: RecipeArgs,
    },
    /// Make the list and the keychain agree again after a crash or outside change
    Check {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct About {
    /// The account's username
    #[arg(long, value_name = "U")]
    user: Option<String>,
    /// The host or web address it logs in to
    #[arg(long)]
    url: Option<String>,
    /// password, api_token, ssh_passphrase, wi_fi, email, backup_repository or other
    #[arg(long, value_name = "K")]
    kind: Option<String>,
    /// Notes (never the secret)
    #[arg(long)]
    notes: Option<String>,
    /// Remind to change the secret every N days
    #[arg(long, value_name = "N")]
    rotate_days: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub struct RecipeArgs {
    /// Random characters of this length (8–128; default 20)
    #[arg(long, value_name = "N", conflicts_with = "words")]
    length: Option<u32>,
    /// A passphrase of N words instead (3–12)
    #[arg(long, value_name = "N")]
    words: Option<u32>,
    /// Leave symbols out (for systems that refuse them)
    #[arg(long, conflicts_with = "words")]
    no_symbols: bool,
}

impl RecipeArgs {
    fn recipe(&self) -> Recipe {
        match self.words {
            Some(count) => Recipe::Words { count },
            None => Recipe::Characters {
                length: self.length.unwrap_or(20),
                lower: true,
                upper: true,
                digits: true,
                symbols: !self.no_symbols,
            },
        }
    }
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let now = chrono::Utc::now;
    match cmd {
        Command::Generate { recipe } => {
            let secret = vault::generate(&recipe.recipe())?;
            let strength = vault::strength(&secret, &[]);
            print_secret(&secret)?;
            eprintln!(
                "Strength: {} ({} to crack).",
                strength.label, strength.time_to_crack
            );
            Ok(Verdict::Ok)
        }
        Command::List { json } => {
            let store = ctx.open_store()?;
            let list = vault::list(&store, now())?;
            if json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("No credentials yet. Add one with: shipshape vault add NAME");
            } else {
                for c in &list {
                    println!("{}", line(c));
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Check { json } => {
            let store = ctx.open_store()?;
            let keychain = Keychain::system()?;
            let actor = ctx.actor();
            let report = Vault::new(&store, &keychain, &actor).check(now())?;
            if json {
                print_json(&report)?;
            } else {
                println!("{}", report.summary());
            }
            Ok(Verdict::Ok)
        }
        Command::Add {
            name,
            about,
            generate,
            recipe,
        } => {
            let details = Details {
                name,
                kind: about
                    .kind
                    .as_deref()
                    .map(Kind::parse)
                    .transpose()?
                    .unwrap_or(Kind::Password),
                username: about.user.unwrap_or_default(),
                url: about.url.unwrap_or_default(),
                notes: about.notes.unwrap_or_default(),
                rotate_days: about.rotate_days,
            };
            let store = ctx.open_store()?;
            // Before asking for the secret: a typo in the kind or a taken
            // name should not cost the user a typed password.
            if vault::find(&store, &details.name, now()).is_ok() {
                return Err(Error::invalid_input(
                    format!(
                        "A credential named \"{}\" already exists.",
                        details.name.trim()
                    ),
                    "Choose another name, or change its secret with `shipshape vault rotate`.",
                ));
            }
            let keychain = Keychain::system()?;
            let secret = obtain(
                generate,
                &recipe,
                &format!("Secret for {}", details.name.trim()),
            )?;
            let actor = ctx.actor();
            let context = [details.name.as_str(), details.username.as_str()];
            let strength = vault::strength(&secret, &context);
            let added = Vault::new(&store, &keychain, &actor).add(now(), details, &secret)?;
            println!("Added {} to your keychain.", added.name);
            println!(
                "Strength: {} ({} to crack).",
                strength.label, strength.time_to_crack
            );
            if let Some(w) = strength.warning {
                println!("Note: {w}");
            }
            Ok(Verdict::Ok)
        }
        Command::Edit {
            name,
            rename,
            about,
            no_reminder,
        } => {
            let store = ctx.open_store()?;
            let old = vault::find(&store, &name, now())?;
            let details = Details {
                name: rename.unwrap_or(old.name),
                kind: about
                    .kind
                    .as_deref()
                    .map(Kind::parse)
                    .transpose()?
                    .unwrap_or(old.kind),
                username: about.user.unwrap_or(old.username),
                url: about.url.unwrap_or(old.url),
                notes: about.notes.unwrap_or(old.notes),
                rotate_days: if no_reminder {
                    None
                } else {
                    about.rotate_days.or(old.rotate_days)
                },
            };
            let keychain = Keychain::system()?;
            let actor = ctx.actor();
            let edited = Vault::new(&store, &keychain, &actor).edit(now(), &old.id, details)?;
            println!("Saved {}.", edited.name);
            Ok(Verdict::Ok)
        }
        Command::Get { name, stdout } => {
            let out_is_terminal = std::io::stdout().is_terminal();
            if !out_is_terminal && !stdout {
                return Err(Error::invalid_input(
                    "Standard output is not a terminal, so the secret was not written to it.",
                    "Run it in a terminal to see the secret, or add --stdout to send it to a pipe or file on purpose.",
                ));
            }
            let store = ctx.open_store()?;
            let credential = vault::find(&store, &name, now())?;
            let keychain = Keychain::system()?;
            let actor = ctx.actor();
            let secret =
                Vault::new(&store, &keychain, &actor).secret(now(), &credential.id, Use::Reveal)?;
            print_secret(&secret)?;
            Ok(Verdict::Ok)
        }
        Command::Rotate {
            name,
            generate,
            recipe,
        } => {
            let store = ctx.open_store()?;
            let credential = vault::find(&store, &name, now())?;
            let keychain = Keychain::system()?;
            let secret = obtain(
                generate,
                &recipe,
                &format!("New secret for {}", credential.name),
            )?;
            let actor = ctx.actor();
            let rotated =
                Vault::new(&store, &keychain, &actor).rotate(now(), &credential.id, &secret)?;
            println!("Changed the secret of {}.", rotated.name);
            if let Some(due) = &rotated.due {
                println!("Next change due {}.", &due[..10]);
            }
            Ok(Verdict::Ok)
        }
        Command::Rm { name, yes } => {
            let store = ctx.open_store()?;
            let credential = vault::find(&store, &name, now())?;
            if !yes
                && !confirm(&format!(
                    "Delete {} from your keychain? This cannot be undone. [y/N] ",
                    credential.name
                ))?
            {
                println!("Kept {}.", credential.name);
                return Ok(Verdict::Ok);
            }
            let keychain = Keychain::system()?;
            let actor = ctx.actor();
            Vault::new(&store, &keychain, &actor).remove(now(), &credential.id)?;
            println!("Deleted {}.", credential.name);
            Ok(Verdict::Ok)
        }
    }
}

fn line(c: &vault::Credential) -> String {
    let rotation = match (c.rotation, &c.due) {
        (vault::Rotation::Overdue, Some(due)) => format!("change overdue since {}", &due[..10]),
        (vault::Rotation::Due, Some(due)) => format!("change due {}", &due[..10]),
        (vault::Rotation::Current, Some(due)) => format!("next change {}", &due[..10]),
        _ => "no reminder".to_string(),
    };
    let who = match (c.username.is_empty(), c.url.is_empty()) {
        (false, false) => format!("{} at {}", c.username, c.url),
        (false, true) => c.username.clone(),
        (true, false) => c.url.clone(),
        (true, true) => String::new(),
    };
    format!(
        "{:<28} {:<18} {:<32} {rotation}",
        c.name,
        c.kind.as_str(),
        who
    )
}

/// A new secret: generated, typed at a hidden prompt (twice), or one line
/// of standard input.
fn obtain(generate: bool, recipe: &RecipeArgs, prompt: &str) -> Result<Secret, Error> {
    if generate {
        return vault::generate(&recipe.recipe());
    }
    ask_secret(prompt)
}

/// A secret typed at a hidden prompt (twice), or one line of standard
/// input when there is no terminal.
pub fn ask_secret(prompt: &str) -> Result<Secret, Error> {
    if std::io::stdin().is_terminal() {
        let first = hidden(&format!("{prompt}: "))?;
        let again = hidden("Type it again: ")?;
        if first.expose() != again.expose() {
            return Err(Error::invalid_input(
                "The two entries differ.",
                "Run the command again and type the same secret twice.",
            ));
        }
        return Ok(first);
    }
    read_stdin()
}

fn hidden(prompt: &str) -> Result<Secret, Error> {
    let typed = rpassword::prompt_password(prompt).map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("Could not read the secret from the terminal: {e}."),
            "Pipe it in instead: printf '%s' \"$SECRET\" | shipshape vault add NAME",
        )
    })?;
    Secret::new(typed)
}

/// One line of standard input; the line's own ending is not part of it.
fn read_stdin() -> Result<Secret, Error> {
    let mut bytes = Vec::new();
    // One byte past the limit is enough to know it is too long.
    let limit = (vault::MAX_SECRET_BYTES + 3) as u64;
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", std::path::Path::new("standard input"), &e))?;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        Error::invalid_input(
            "The secret on standard input is not text.",
            "Send the password as UTF-8 text, on one line.",
        )
    })?;
    Secret::new(text)
}

fn print_secret(secret: &Secret) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", secret.expose())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("write to", std::path::Path::new("standard output"), &e))
}

fn confirm(question: &str) -> Result<bool, Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid_input(
            "Deleting a credential needs a confirmation, and there is no terminal to ask on.",
            "Add --yes to delete it without asking.",
        ));
    }
    eprint!("{question}");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Error::io("read", std::path::Path::new("standard input"), &e))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
