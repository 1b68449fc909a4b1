//! `shipshape backup host-key|server|init|connect|run|list|restore|check|forget|test-restore|sheet`:
//! backups in restic's format, in a folder or on another computer over
//! SSH, run by root, the office's password kept in the keychain.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::api::backup::Destination;
use shipshape_core::api::backup::RestoreWhere;
use shipshape_core::api::{self, Session};
use shipshape_core::backup::browse::Entry;
use shipshape_core::backup::remote::HostKey;
use shipshape_core::backup::rest::Server;
use shipshape_core::backup::{BackupOutcome, BackupRun, Plan, Retention};
use shipshape_core::progress::{NoProgress, Progress};
use shipshape_core::vault::Keychain;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show another computer's host key to compare, and Shipshape's key to add there (exit 1 when its key changed)
    HostKey {
        /// The folder on the other computer: sftp:USER@HOST[:PORT]:/FOLDER
        #[arg(long, value_name = "SFTP")]
        to: String,
        /// Trust its host key: the fingerprint you compared (SHA256:…)
        #[arg(long, value_name = "FINGERPRINT")]
        trust_host_key: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show a restic REST server's certificate to compare; trust it, and keep its account's password (exit 1 when its certificate changed)
    Server {
        /// The folder on the server: rest:https://USER@HOST[:PORT]/FOLDER (or http:// without encryption)
        #[arg(long, value_name = "REST")]
        to: String,
        /// Trust its certificate: the SHA-256 fingerprint you compared (as openssl x509 -fingerprint -sha256 prints it)
        #[arg(long, value_name = "FINGERPRINT")]
        trust_certificate: Option<String>,
        /// Keep the server account's password, read from standard input (or asked for on a terminal)
        #[arg(long)]
        ask_password: bool,
        #[arg(long)]
        json: bool,
    },
    /// Set up a backup in an empty or new folder only the administrator can change, on another computer over SSH, or on a backup server
    Init {
        /// Where the backup goes: a folder, sftp:USER@HOST[:PORT]:/FOLDER on another computer, or rest:https://USER@HOST[:PORT]/FOLDER on a backup server (see backup server)
        #[arg(long, value_name = "PLACE")]
        to: String,
        /// For another computer: trust its host key, the fingerprint you compared (see backup host-key)
        #[arg(long, value_name = "FINGERPRINT")]
        trust_host_key: Option<String>,
        /// Its name, in plain words
        #[arg(long, default_value = "Backup")]
        name: String,
        /// What to back up (full paths; the home folders and /etc unless given)
        #[arg(long = "path", value_name = "PATH")]
        paths: Vec<String>,
        /// Also leave out what matches, e.g. --exclude '*.tmp' (caches and trash always are)
        #[arg(long)]
        exclude: Vec<String>,
        #[command(flatten)]
        keep: Keep,
        /// Do not back up /etc and the package list into it before each installation of updates (done by default, so undoing updates can put the configuration back)
        #[arg(long)]
        not_before_updates: bool,
        #[arg(long)]
        json: bool,
    },
    /// Connect a backup made elsewhere (by restic, or on another computer); its password on standard input
    Connect {
        /// Where it is: a folder, sftp:USER@HOST[:PORT]:/FOLDER on another computer, or rest:https://USER@HOST[:PORT]/FOLDER on a backup server
        #[arg(long, value_name = "PLACE")]
        to: String,
        /// For another computer: trust its host key, the fingerprint you compared (see backup host-key)
        #[arg(long, value_name = "FINGERPRINT")]
        trust_host_key: Option<String>,
        /// Its name, in plain words
        #[arg(long, default_value = "Backup")]
        name: String,
        /// What to back up into it (full paths; the home folders and /etc unless given)
        #[arg(long = "path", value_name = "PATH")]
        paths: Vec<String>,
        /// Also leave out what matches (caches and trash always are)
        #[arg(long)]
        exclude: Vec<String>,
        #[command(flatten)]
        keep: Keep,
        /// Do not back up /etc and the package list into it before each installation of updates (done by default, so undoing updates can put the configuration back)
        #[arg(long)]
        not_before_updates: bool,
        #[arg(long)]
        json: bool,
    },
    /// Back up now, by the backup's plan (exit 1 when some files could not be read)
    Run {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// The backups and their snapshots
    List {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Restore a file or folder to its place (what is there is kept beside it), or into a folder
    Restore {
        /// The snapshot's id (see shipshape backup list)
        snapshot: String,
        /// The file or folder in the snapshot, by its full path (see shipshape backup browse)
        path: String,
        /// Into this folder instead of its place
        #[arg(long, value_name = "FOLDER")]
        to: Option<PathBuf>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// List a folder of a snapshot
    Browse {
        /// The snapshot's id (see shipshape backup list)
        snapshot: String,
        /// The folder, by its full path
        #[arg(default_value = "/")]
        folder: String,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Find files in a snapshot by part of their name
    Find {
        /// The snapshot's id (see shipshape backup list)
        snapshot: String,
        /// Part of the name, any case (* and ? as wildcards)
        words: String,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Stop using a backup: Shipshape forgets it and its key; the backup itself stays
    Remove {
        #[command(flatten)]
        which: Which,
    },
    /// Check the backup is sound (exit 1 when it is damaged)
    Check {
        /// Also read back part N of T of the stored data, e.g. 1/5 (1/1: all)
        #[arg(long, value_name = "N/T")]
        read_data: Option<String>,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Forget old snapshots by a retention rule and free their space
    Forget {
        #[command(flatten)]
        keep: Keep,
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Prove the newest backup can be restored (exit 1 when it cannot)
    TestRestore {
        #[command(flatten)]
        which: Which,
        #[arg(long)]
        json: bool,
    },
    /// Save the recovery sheet (the password and how to restore with restic) as a web page
    Sheet {
        /// The file to write (made readable by you alone)
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
        #[command(flatten)]
        which: Which,
    },
}

/// How many snapshots to keep.
#[derive(Debug, clap::Args)]
pub struct Keep {
    #[arg(long, default_value_t = 7)]
    keep_daily: u32,
    #[arg(long, default_value_t = 4)]
    keep_weekly: u32,
    #[arg(long, default_value_t = 12)]
    keep_monthly: u32,
}

impl Keep {
    fn retention(&self) -> Retention {
        Retention {
            daily: self.keep_daily,
            weekly: self.keep_weekly,
            monthly: self.keep_monthly,
        }
    }
}

/// Which backup, when there is more than one.
#[derive(Debug, clap::Args)]
pub struct Which {
    /// The backup's name (see shipshape backup list)
    #[arg(long = "repo", value_name = "NAME")]
    name: Option<String>,
}

pub fn part(text: &str) -> Result<(u32, u32), Error> {
    text.split_once('/')
        .and_then(|(n, t)| Some((n.trim().parse().ok()?, t.trim().parse().ok()?)))
        .ok_or_else(|| {
            Error::invalid_input(
                format!("\"{text}\" is not a part like 1/5."),
                "Give N/T: part N of T of the stored data (1/1 reads it all).",
            )
        })
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let actor = ctx.actor();
    let now = Utc::now();
    match cmd {
        Command::HostKey {
            to,
            trust_host_key,
            json,
        } => {
            let key = api::backup::host_key(&to, trust_host_key.as_deref(), &actor, now)?;
            let changed = key.trusted.as_ref().is_some_and(|t| *t != key.fingerprint);
            if json {
                print_json(&key)?;
            } else {
                said_host_key(&key, trust_host_key.is_some());
            }
            Ok(if changed {
                Verdict::Negative
            } else {
                Verdict::Ok
            })
        }
        Command::Server {
            to,
            trust_certificate,
            ask_password,
            json,
        } => {
            let login = ask_password
                .then(|| crate::vault::ask_secret("The server account's password"))
                .transpose()?;
            let server = api::backup::server(
                &to,
                trust_certificate.as_deref(),
                login.as_ref(),
                &actor,
                now,
            )?;
            let changed = server.trusted.is_some() && server.trusted != server.fingerprint;
            if json {
                print_json(&server)?;
            } else {
                said_server(&server);
            }
            Ok(if changed || !server.ready {
                Verdict::Negative
            } else {
                Verdict::Ok
            })
        }
        Command::Init {
            to,
            trust_host_key,
            name,
            paths,
            exclude,
            keep,
            not_before_updates,
            json,
        } => {
            let mut plan = plan_of(paths, exclude, &keep);
            plan.before_updates = !not_before_updates;
            let keychain = Keychain::system()?;
            let to = Destination {
                to: &to,
                trust_host_key: trust_host_key.as_deref(),
            };
            let repo = with_session(ctx, &actor, |s| {
                api::backup::init(s, &keychain, &name, to, plan, now)
            })?;
            said_set_up(&repo, json)
        }
        Command::Connect {
            to,
            trust_host_key,
            name,
            paths,
            exclude,
            keep,
            not_before_updates,
            json,
        } => {
            let mut plan = plan_of(paths, exclude, &keep);
            plan.before_updates = !not_before_updates;
            let keychain = Keychain::system()?;
            let password = crate::vault::ask_secret("The backup's password")?;
            let to = Destination {
                to: &to,
                trust_host_key: trust_host_key.as_deref(),
            };
            let repo = with_session(ctx, &actor, |s| {
                api::backup::connect(s, &keychain, &name, to, plan, &password, now)
            })?;
            said_set_up(&repo, json)
        }
        Command::Run { which, json } => {
            let cancel = crate::stop_on_ctrl_c()?;
            let on_terminal = !json && std::io::stderr().is_terminal();
            let shown = |done: u64, total: u64| {
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\rBacking up: {} of {}. ",
                    crate::show::bytes(done),
                    crate::show::bytes(total)
                );
                let _ = err.flush();
            };
            let progress: &dyn Progress = if on_terminal { &shown } else { &NoProgress };
            let run = api::backup::run(which.name.as_deref(), progress, &cancel, &actor, now);
            if on_terminal {
                eprintln!();
            }
            show(&run?, json)
        }
        Command::List { which, json } => {
            let mut board = api::backup::board(true, now)?;
            if let Some(name) = &which.name {
                board
                    .backups
                    .retain(|b| b.repository.name.eq_ignore_ascii_case(name.trim()));
            }
            if json {
                print_json(&board)?;
            } else if board.backups.is_empty() {
                println!("No backup is set up yet. Set one up: shipshape backup init --to FOLDER");
            } else {
                for b in &board.backups {
                    let r = &b.repository;
                    println!(
                        "{} at {}: {} snapshots, backing up {}",
                        r.name,
                        r.folder,
                        b.snapshots.len(),
                        r.plan.paths.join(", ")
                    );
                    for snap in &b.snapshots {
                        println!(
                            "  {}  {}  {}",
                            snap.short_id,
                            snap.time,
                            snap.paths.join(", ")
                        );
                    }
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Restore {
            snapshot,
            path,
            to,
            which,
            json,
        } => {
            let name = named(which, now)?;
            let cancel = crate::stop_on_ctrl_c()?;
            let to = match to {
                Some(folder) => RestoreWhere::Folder {
                    folder: std::path::absolute(&folder)
                        .map_err(|e| Error::io("find", &folder, &e))?
                        .to_string_lossy()
                        .into_owned(),
                },
                None => RestoreWhere::Place,
            };
            let restored =
                api::backup::restore_to(&name, &snapshot, &path, to, &cancel, &actor, now)?;
            if json {
                print_json(&restored)?;
            } else {
                println!("Restored {}.", restored.restored);
                if let Some(kept) = &restored.kept {
                    println!("What was there is kept as {kept}.");
                }
            }
            Ok(Verdict::Ok)
        }
        Command::Browse {
            snapshot,
            folder,
            which,
            json,
        } => {
            let entries = api::backup::browse(&named(which, now)?, &snapshot, &folder, now)?;
            listed_entries(&entries, json)
        }
        Command::Find {
            snapshot,
            words,
            which,
            json,
        } => {
            let entries = api::backup::find(&named(which, now)?, &snapshot, &words, now)?;
            listed_entries(&entries, json)
        }
        Command::Remove { which } => {
            let repo = api::backup::remove(&named(which, now)?, &actor, now)?;
            println!(
                "Shipshape no longer uses the backup \u{201c}{}\u{201d}. The backup itself is still at {}; restic reads it with the password on its recovery sheet.",
                repo.name, repo.folder
            );
            Ok(Verdict::Ok)
        }
        Command::Check {
            read_data,
            which,
            json,
        } => {
            let read = read_data.as_deref().map(part).transpose()?;
            let run = api::backup::check(which.name.as_deref(), read, &actor, now)?;
            show(&run, json)
        }
        Command::Forget { keep, which, json } => {
            let run = api::backup::forget(which.name.as_deref(), keep.retention(), &actor, now)?;
            show(&run, json)
        }
        Command::TestRestore { which, json } => {
            let cancel = crate::stop_on_ctrl_c()?;
            let run = api::backup::restore_test(
                which.name.as_deref(),
                &NoProgress,
                &cancel,
                &actor,
                now,
            )?;
            show(&run, json)
        }
        Command::Sheet { to, which } => {
            let name = named(which, now)?;
            let keychain = Keychain::system()?;
            let to = std::path::absolute(&to).map_err(|e| Error::io("find", &to, &e))?;
            with_session(ctx, &actor, |s| {
                api::backup::save_recovery_sheet(s, &keychain, &name, &to, now)
            })?;
            println!(
                "The recovery sheet was saved as {}. Print it, keep it away from the computer, then delete the file.",
                to.display()
            );
            Ok(Verdict::Ok)
        }
    }
}

/// The plan given on the command line: the usual one, with what was said.
fn plan_of(paths: Vec<String>, exclude: Vec<String>, keep: &Keep) -> Plan {
    let mut plan = Plan::usual();
    if !paths.is_empty() {
        plan.paths = paths;
    }
    plan.excludes.extend(exclude);
    plan.retention = keep.retention();
    plan
}

/// Runs `f` with the user's store open.
fn with_session<T>(
    ctx: &Context,
    actor: &shipshape_core::audit::Actor,
    f: impl FnOnce(Session<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let store = ctx.open_store()?;
    f(Session {
        store: &store,
        actor,
    })
}

fn said_set_up(repo: &shipshape_core::backup::Repository, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(repo)?;
    } else {
        println!(
            "A backup called \u{201c}{}\u{201d} was set up at {}, backing up {}.",
            repo.name,
            repo.folder,
            repo.plan.paths.join(", ")
        );
        println!(
            "Its password is in Credentials as \u{201c}{}\u{201d}. Without it the backup cannot be read:",
            repo.password_name
        );
        println!(
            "save the recovery sheet and keep it away from the computer: shipshape backup sheet --to FILE"
        );
    }
    Ok(Verdict::Ok)
}

/// The backup named, or the only one.
fn named(which: Which, now: chrono::DateTime<Utc>) -> Result<String, Error> {
    match which.name {
        Some(n) => Ok(n),
        None => only_backup(now),
    }
}

fn listed_entries(entries: &[Entry], json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(&entries)?;
    } else if entries.is_empty() {
        println!("Nothing there.");
    } else {
        for e in entries {
            let size = if e.kind == "dir" {
                "folder".to_string()
            } else {
                crate::show::bytes(e.size)
            };
            println!("{size:>10}  {}", e.path);
        }
    }
    Ok(Verdict::Ok)
}

/// Another computer's host key, whether it is trusted, and root's key to
/// add there.
fn said_host_key(key: &HostKey, trusting: bool) {
    match &key.trusted {
        Some(trusted) if *trusted == key.fingerprint && trusting => println!(
            "Shipshape now trusts the other computer's host key, {}.",
            key.fingerprint
        ),
        Some(trusted) if *trusted == key.fingerprint => println!(
            "Shipshape already trusts the other computer's host key, {}.",
            key.fingerprint
        ),
        Some(trusted) => {
            println!(
                "Warning: the other computer answered with another host key than the one Shipshape trusts."
            );
            println!("  It offers now:        {}", key.fingerprint);
            println!("  Shipshape trusts:     {trusted}");
            println!(
                "Another computer may be answering in its place. Do not go on unless you know why it changed"
            );
            println!("(it was reinstalled, or its SSH server replaced); then compare as below.");
        }
        None => {
            println!("The other computer's host key (ED25519) has the fingerprint:");
            println!("  {}", key.fingerprint);
        }
    }
    if key.trusted.as_ref() != Some(&key.fingerprint) {
        println!(
            "On that computer, check it shows the same: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
        );
        println!(
            "If it does, trust it: shipshape backup init --to {} --trust-host-key {}",
            key.location, key.fingerprint
        );
        println!("(or connect, or host-key, with the same --trust-host-key).");
    }
    println!();
    println!(
        "Shipshape connects with its own key. On that computer, add this line to {}:",
        key.add_to
    );
    println!("{}", key.root_key);
}

/// A backup server's certificate, whether it is trusted, and what is
/// still needed before a backup can go there.
fn said_server(server: &Server) {
    match (&server.fingerprint, &server.trusted) {
        (Some(now), Some(trusted)) if now == trusted => {
            println!("Shipshape trusts the server's certificate, {now}.");
        }
        (Some(now), Some(trusted)) => {
            println!(
                "Warning: the server shows another certificate than the one Shipshape trusts."
            );
            println!("  It shows now:         {now}");
            println!("  Shipshape trusts:     {trusted}");
            println!(
                "Another computer may be answering in its place. Do not go on unless you know why it changed."
            );
        }
        (Some(now), None) => {
            println!("The server's certificate has the SHA-256 fingerprint:");
            println!("  {now}");
        }
        (None, _) => println!(
            "The server is reached without encryption (http): its account's password crosses the network readable. The backup itself is encrypted."
        ),
    }
    if let Some(now) = &server.fingerprint
        && server.trusted.as_ref() != Some(now)
    {
        println!(
            "On the server, check it shows the same: openssl x509 -noout -fingerprint -sha256 -in CERTIFICATE"
        );
        println!(
            "If it does, trust it: shipshape backup server --to {} --trust-certificate {now}{}",
            server.location,
            if server.user.is_some() && !server.login_kept {
                " --ask-password"
            } else {
                ""
            }
        );
    } else if let (Some(user), false) = (&server.user, server.login_kept) {
        println!(
            "Give the password of the account {user}: shipshape backup server --to {} --ask-password",
            server.location
        );
    }
    if server.ready {
        if server.has_backup {
            println!(
                "The server let Shipshape in, and a backup is there already: add it with shipshape backup connect --to {}",
                server.location
            );
        } else {
            println!(
                "The server let Shipshape in. Set the backup up with shipshape backup init --to {}",
                server.location
            );
        }
    }
}

/// The name of the only backup; refused when there is none or several.
fn only_backup(now: chrono::DateTime<Utc>) -> Result<String, Error> {
    let board = api::backup::board(false, now)?;
    match board.backups.as_slice() {
        [one] => Ok(one.repository.name.clone()),
        [] => Err(Error::new(
            shipshape_core::ErrorCode::NotFound,
            "No backup is set up yet.",
            "Set one up: shipshape backup init --to FOLDER",
        )),
        _ => Err(Error::invalid_input(
            "There is more than one backup; say which.",
            "Add --repo NAME (see shipshape backup list).",
        )),
    }
}

fn show(run: &BackupRun, json: bool) -> Result<Verdict, Error> {
    if json {
        print_json(run)?;
    } else {
        println!("{}", run.message);
    }
    Ok(match run.outcome {
        BackupOutcome::Done => Verdict::Ok,
        _ => Verdict::Negative,
    })
}
