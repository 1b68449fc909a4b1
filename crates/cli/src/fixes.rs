//! `shipshape fix`, `undo`, `changes`, `accept`, `accepted`, and the
//! hidden `helper` that pkexec runs: fixes with a preview, a backup and
//! undo, and accepted risks.

use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::admin::door::Request;
use shipshape_core::api::{self, Session};
use shipshape_core::backup::Location;
use shipshape_core::backup::remote::Sftp;
use shipshape_core::backup::rest::Rest;
use shipshape_core::harden::accepted;
use shipshape_core::harden::check::Status;
use shipshape_core::harden::fix::change::{Change, ChangeKind};
use shipshape_core::harden::fix::{FixOutcome, Preview};
use shipshape_core::maintain::schedule::Job;
use shipshape_core::maintain::updates::Choice;
use shipshape_core::{Error, test_settings};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// The check to fix (e.g. ssh.x11_forwarding)
    id: String,
    /// Fix the system in this folder instead of this computer (a mounted disk, a test fixture)
    #[arg(long, value_name = "DIR", default_value = "/")]
    root: PathBuf,
    /// Only show what would change
    #[arg(long)]
    dry_run: bool,
    /// When the fix needs a program that is not installed (ufw for the firewall), install it from the signed package sources first
    #[arg(long, conflicts_with = "dry_run")]
    install_missing: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct UndoArgs {
    /// The change's number (see shipshape changes)
    change: i64,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ChangesArgs {
    /// How many changes to show, newest first
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The check whose finding is accepted (e.g. services.cups)
    id: String,
    /// Why the risk is accepted
    #[arg(long, required_unless_present = "withdraw")]
    reason: Option<String>,
    /// The last day the acceptance holds (YYYY-MM-DD, within a year)
    #[arg(long, value_name = "DATE", required_unless_present = "withdraw")]
    until: Option<String>,
    /// End the acceptance: the finding counts again
    #[arg(long, conflicts_with_all = ["reason", "until"])]
    withdraw: bool,
}

#[derive(Debug, clap::Args)]
pub struct AcceptedArgs {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct HelperArgs {
    /// Builds made for tests only: a test setting, NAME=VALUE
    #[arg(long, value_name = "NAME=VALUE")]
    test_setting: Vec<String>,
    #[command(subcommand)]
    request: Helper,
}

#[derive(Debug, clap::Subcommand)]
pub enum Helper {
    /// Show what fixing one known check on this computer would change
    Preview {
        id: String,
    },
    /// Fix one known check on this computer
    Fix {
        id: String,
        /// The digest of the preview the user agreed to
        #[arg(long)]
        seen: Option<String>,
    },
    /// Undo one change by number
    Undo {
        change: i64,
    },
    /// Download fresh package lists
    UpdatesRefresh,
    /// Install waiting updates: --security, --all, or packages named
    UpdatesApply {
        #[arg(long, conflicts_with_all = ["all", "packages"])]
        security: bool,
        #[arg(long, conflicts_with = "packages")]
        all: bool,
        packages: Vec<String>,
    },
    /// Put back what an update run (root's number) replaced
    UpdatesUndo {
        run: i64,
        /// Also put back the configuration kept before the run
        #[arg(long)]
        config: bool,
    },
    /// Finish an interrupted installation
    UpdatesRepair,
    /// Install a package a fix needs (only those Shipshape lists)
    InstallNeeded {
        package: String,
    },
    /// Install a tarball or an AppImage into /opt, read as the account that asked
    InstallProgram {
        /// ALGORITHM:HEX
        #[arg(long, required_unless_present = "accept_risk")]
        checksum: Option<String>,
        #[arg(long, conflicts_with = "checksum")]
        accept_risk: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        program_version: Option<String>,
        file: String,
    },
    /// Put another installed version of a program in /opt in use
    ProgramSwitch {
        name: String,
        version: String,
    },
    /// Install a package by name from this computer's signed sources
    InstallPackage {
        /// An installed package whose version to keep first
        #[arg(long)]
        keep: Vec<String>,
        name: String,
    },
    /// Install a .deb file, read as the account that asked
    InstallDeb {
        /// ALGORITHM:HEX
        #[arg(long, required_unless_present = "accept_risk")]
        checksum: Option<String>,
        #[arg(long, conflicts_with = "checksum")]
        accept_risk: Option<String>,
        #[arg(long)]
        allow_downgrade: bool,
        /// An installed package whose version to keep first
        #[arg(long)]
        keep: Vec<String>,
        file: String,
    },
    /// Move sample content an installation (root's number) found into a copy
    InstallSample {
        run: i64,
        item: String,
    },
    /// Act on a password an installation (root's number) left
    InstallPassword {
        run: i64,
        /// Read a password file
        #[arg(long, conflicts_with_all = ["remove", "replace"], required_unless_present_any = ["remove", "replace"])]
        take: bool,
        /// Remove a password file whose content has this SHA-256
        #[arg(long, value_name = "SHA256", conflicts_with = "replace")]
        remove: Option<String>,
        /// Replace a default password with the one on standard input
        #[arg(long)]
        replace: bool,
        item: String,
    },
    /// Read this computer's accounts
    AccessInventory,
    /// Remove outdated packages on the retire list
    Retire {
        #[arg(required = true, num_args = 1..)]
        packages: Vec<String>,
    },
    /// Add a scheduled job (its settings as JSON)
    ScheduleAdd {
        job: String,
    },
    /// Change a scheduled job's settings (as JSON)
    ScheduleEdit {
        id: i64,
        job: String,
    },
    ScheduleRemove {
        id: i64,
    },
    SchedulePause {
        id: i64,
    },
    ScheduleResume {
        id: i64,
    },
    /// Run a scheduled job now
    ScheduleRun {
        id: i64,
    },
    /// Set up a backup (its plan as JSON; the office's password on standard input)
    BackupInit {
        #[arg(long)]
        name: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        trust_host_key: Option<String>,
        #[arg(long)]
        plan: String,
    },
    /// Connect a backup made elsewhere (its plan as JSON; its password on standard input)
    BackupConnect {
        #[arg(long)]
        name: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        trust_host_key: Option<String>,
        #[arg(long)]
        plan: String,
    },
    /// Show another computer's host key and root's key to add there; trust that host key when given
    BackupHostKey {
        #[arg(long)]
        to: String,
        #[arg(long)]
        trust_host_key: Option<String>,
    },
    /// Show a backup server's certificate; trust it when given; keep its account's password (on standard input) with --login
    BackupServer {
        #[arg(long)]
        to: String,
        #[arg(long)]
        trust_certificate: Option<String>,
        #[arg(long)]
        login: bool,
    },
    /// Back up now
    BackupRun {
        #[arg(long)]
        repo: Option<String>,
    },
    /// Stop using a backup
    BackupRemove {
        #[arg(long)]
        repo: String,
    },
    /// A folder's entries in a snapshot
    BackupBrowse {
        #[arg(long)]
        repo: String,
        #[arg(long)]
        snapshot: String,
        #[arg(long)]
        folder: String,
    },
    /// Find by name in a snapshot
    BackupFind {
        #[arg(long)]
        repo: String,
        #[arg(long)]
        snapshot: String,
        #[arg(long)]
        words: String,
    },
    /// Restore a path of a snapshot to DEST (written as the account that asked where it may change the folder)
    BackupRestore {
        #[arg(long)]
        repo: String,
        #[arg(long)]
        snapshot: String,
        #[arg(long)]
        path: String,
        #[arg(long)]
        dest: PathBuf,
    },
    /// Test restoring the newest backup
    BackupTest {
        #[arg(long)]
        repo: Option<String>,
    },
    /// Check a backup, reading part N/T of its data when given
    BackupCheck {
        #[arg(long)]
        repo: Option<String>,
        #[arg(long)]
        read_data: Option<String>,
    },
    /// Forget old snapshots of a backup
    BackupForget {
        #[arg(long)]
        repo: Option<String>,
        #[arg(long)]
        keep_daily: u32,
        #[arg(long)]
        keep_weekly: u32,
        #[arg(long)]
        keep_monthly: u32,
    },
}

fn folder(root: &Path) -> Result<PathBuf, Error> {
    root.canonicalize()
        .ok()
        .filter(|r| r.is_dir())
        .ok_or_else(|| {
            Error::invalid_input(
                format!("{} is not a folder.", root.display()),
                "Give the folder that holds the system to fix, or leave out --root to fix this computer.",
            )
        })
}

pub fn fix(args: FixArgs, ctx: &Context) -> Result<Verdict, Error> {
    let root = folder(&args.root)?;
    let now = Utc::now();
    let preview = match api::fixes::preview(&root, &args.id, now) {
        Err(e) if e.package.is_some() && args.install_missing => {
            let store = ctx.open_store()?;
            let actor = ctx.actor();
            let session = Session {
                store: &store,
                actor: &actor,
            };
            let installed = api::fixes::install_and_preview(session, &root, &args.id, now)?;
            if !args.json {
                println!("{}", installed.run.message);
            }
            installed.preview
        }
        other => other?,
    };
    if args.dry_run {
        if args.json {
            print_json(&preview)?;
        } else {
            print_preview(&preview);
            println!("Nothing was changed (dry run).");
        }
        return Ok(Verdict::Ok);
    }
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let session = Session {
        store: &store,
        actor: &actor,
    };
    let outcome = api::fixes::apply(session, &root, &args.id, &preview.digest(), now)?;
    if args.json {
        print_json(&outcome)?;
    } else {
        print_preview(&preview);
        print_outcome(&outcome);
    }
    Ok(verdict(&outcome))
}

pub fn undo(args: UndoArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let session = Session {
        store: &store,
        actor: &actor,
    };
    let outcome = api::fixes::undo(session, args.change, Utc::now())?;
    if args.json {
        print_json(&outcome)?;
    } else {
        print_outcome(&outcome);
    }
    Ok(Verdict::Ok)
}

/// Exit 1 when the check still fails after the fix.
fn verdict(outcome: &FixOutcome) -> Verdict {
    if matches!(outcome.recheck.status, Status::Fail | Status::Warning) {
        Verdict::Negative
    } else {
        Verdict::Ok
    }
}

/// Shows what a change would do (JSON with `json`) and refuses it, since
/// it was not asked with --yes; `doing` names it: "Removing".
pub(crate) fn only_shown(p: &Preview, json: bool, doing: &str) -> Result<Verdict, Error> {
    if json {
        print_json(p)?;
    } else {
        print_preview(p);
    }
    Err(Error::invalid_input(
        format!("{doing} changes this computer, so it is done only when asked with --yes."),
        "Read what would change above, then run the same command with --yes.",
    ))
}

pub(crate) fn print_preview(p: &Preview) {
    println!("Fix: {} [{}]", p.title, p.check_id);
    for s in &p.steps {
        println!();
        println!("  {}", s.summary);
        if !s.command.is_empty() {
            println!("    $ {}", s.command);
        }
        for line in s.diff.lines() {
            println!("    {line}");
        }
    }
    for n in &p.notes {
        println!();
        println!("  Note: {n}");
    }
    println!();
}

fn print_outcome(o: &FixOutcome) {
    let c = &o.change;
    match c.kind {
        ChangeKind::Fix => println!(
            "Changed (change {}). To turn it back: shipshape undo {}",
            c.id, c.id
        ),
        ChangeKind::Undo => println!(
            "Turned back change {} (change {}). To apply it again: shipshape undo {}",
            c.undoes.unwrap_or_default(),
            c.id,
            c.id
        ),
    }
    let detail = o.recheck.detail.trim_end_matches('.');
    let verdict = match (o.recheck.status, c.kind) {
        (Status::Pass, _) => "The check now passes".to_string(),
        (Status::Fail | Status::Warning, ChangeKind::Fix) => {
            format!("The check still finds a problem: {detail}")
        }
        (Status::Fail | Status::Warning, ChangeKind::Undo) => {
            format!("As before the fix, the check finds: {detail}")
        }
        _ => format!("The check now says: {detail}"),
    };
    println!("{verdict}.");
}

pub fn changes(args: ChangesArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let list = api::fixes::changes(&store, args.limit)?;
    if args.json {
        print_json(&list)?;
        return Ok(Verdict::Ok);
    }
    if list.is_empty() {
        println!("No fixes were made yet.");
    }
    for c in &list {
        println!("{:>4}  {}  {}", c.id, c.time, describe(c));
    }
    Ok(Verdict::Ok)
}

fn describe(c: &Change) -> String {
    let what = match c.kind {
        ChangeKind::Fix => format!("fixed \"{}\" [{}]", c.title, c.check_id),
        ChangeKind::Undo => format!(
            "undid change {} ({})",
            c.undoes.unwrap_or_default(),
            c.check_id
        ),
    };
    let files: Vec<String> = c.steps.iter().map(|s| s.target()).collect();
    let undone = c
        .undone_by
        .map(|u| format!(" (undone by change {u})"))
        .unwrap_or_default();
    format!("{what}: {}{undone}", files.join(", "))
}

pub fn accept(args: AcceptArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let now = Utc::now();
    if args.withdraw {
        accepted::withdraw(&store, &args.id, &ctx.actor(), now)?;
        println!("{} counts again in the score.", args.id);
        return Ok(Verdict::Ok);
    }
    let a = accepted::accept(
        &store,
        &args.id,
        args.reason.as_deref().unwrap_or_default(),
        args.until.as_deref().unwrap_or_default(),
        &ctx.actor(),
        now,
    )?;
    println!("Accepted {} until {}: {}", a.check_id, a.until, a.reason);
    Ok(Verdict::Ok)
}

pub fn accepted(args: AcceptedArgs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let list = accepted::list(&store)?;
    if args.json {
        print_json(&list)?;
        return Ok(Verdict::Ok);
    }
    if list.is_empty() {
        println!("No risks are accepted.");
    }
    let today = Utc::now().date_naive();
    for a in &list {
        let state = if a.holds(today) { "until" } else { "expired" };
        println!(
            "{}  {state} {}  {} (by {})",
            a.check_id, a.until, a.reason, a.actor
        );
    }
    Ok(Verdict::Ok)
}

/// The pkexec side: one request, answered in JSON on stdout. It opens
/// nothing of the user's: no data folder, no settings.
/// A job the helper was handed: JSON that must read as a job.
fn job_from(text: &str) -> Result<Job, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::invalid_input(
            format!("The scheduled job could not be read: {e}."),
            "Add it again from the app or with shipshape schedule add.",
        )
    })
}

/// A backup's plan the helper was handed: JSON that must read as a plan.
fn plan_from(text: &str) -> Result<shipshape_core::backup::Plan, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::invalid_input(
            format!("The backup's plan could not be read: {e}."),
            "Set the backup up again from the app or with shipshape backup init.",
        )
    })
}

pub fn helper(args: HelperArgs) -> Result<Verdict, Error> {
    // A Ctrl-C at the user's terminal reaches this root process too; the
    // user's side passes it on as a "cancel" line, so root's run stops
    // only where stopping is safe, never half-way through dpkg.
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGQUIT] {
        let _ = signal_hook::flag::register(
            signal,
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        );
    }
    let request = (|| {
        Ok(match args.request {
            Helper::Preview { id } => Request::Preview(id),
            Helper::Fix { id, seen } => Request::Fix { id, seen },
            Helper::Undo { change } => Request::Undo(change),
            Helper::UpdatesRefresh => Request::UpdatesRefresh,
            Helper::UpdatesApply {
                security,
                all,
                packages,
            } => Request::UpdatesApply(match (security, all) {
                (true, _) => Choice::Security,
                (_, true) => Choice::All,
                _ => Choice::Chosen(packages),
            }),
            Helper::UpdatesUndo { run, config } => Request::UpdatesUndo { run, config },
            Helper::UpdatesRepair => Request::UpdatesRepair,
            Helper::InstallNeeded { package } => Request::InstallNeeded(package),
            Helper::InstallDeb {
                checksum,
                accept_risk,
                allow_downgrade,
                keep,
                file,
            } => Request::InstallDeb(shipshape_core::install::DebAsk {
                file,
                trust: crate::install::trust(checksum.as_deref(), accept_risk)?,
                allow_downgrade,
                keep,
            }),
            Helper::InstallProgram {
                checksum,
                accept_risk,
                name,
                program_version,
                file,
            } => Request::InstallProgram(shipshape_core::install::program::ProgramAsk {
                file,
                trust: crate::install::trust(checksum.as_deref(), accept_risk)?,
                name,
                version: program_version,
            }),
            Helper::ProgramSwitch { name, version } => Request::ProgramSwitch { name, version },
            Helper::InstallPackage { keep, name } => {
                Request::InstallPackage(shipshape_core::install::named::PackageAsk { name, keep })
            }
            Helper::InstallPassword {
                run,
                take,
                remove,
                replace,
                item,
            } => {
                use shipshape_core::install::harden::PasswordAct;
                let act = match (take, remove, replace) {
                    (true, _, _) => PasswordAct::Take,
                    (_, Some(seen), _) => PasswordAct::Remove { seen },
                    _ => PasswordAct::Replace,
                };
                Request::InstallPassword { run, item, act }
            }
            Helper::InstallSample { run, item } => Request::InstallSample { run, item },
            Helper::AccessInventory => Request::AccessInventory,
            Helper::Retire { packages } => Request::Retire(packages),
            Helper::ScheduleAdd { job } => Request::ScheduleAdd(job_from(&job)?),
            Helper::ScheduleEdit { id, job } => Request::ScheduleEdit(id, job_from(&job)?),
            Helper::ScheduleRemove { id } => Request::ScheduleRemove(id),
            Helper::SchedulePause { id } => Request::SchedulePause(id, true),
            Helper::ScheduleResume { id } => Request::SchedulePause(id, false),
            Helper::ScheduleRun { id } => Request::ScheduleRun(id),
            Helper::BackupInit {
                name,
                to,
                trust_host_key,
                plan,
            } => Request::BackupInit {
                name,
                to: Location::parse(&to)?,
                trust: trust_host_key,
                plan: plan_from(&plan)?,
            },
            Helper::BackupConnect {
                name,
                to,
                trust_host_key,
                plan,
            } => Request::BackupConnect {
                name,
                to: Location::parse(&to)?,
                trust: trust_host_key,
                plan: plan_from(&plan)?,
            },
            Helper::BackupHostKey { to, trust_host_key } => Request::BackupHostKey {
                to: Sftp::parse(&to)?,
                trust: trust_host_key,
            },
            Helper::BackupServer {
                to,
                trust_certificate,
                login,
            } => Request::BackupServer {
                to: Rest::parse(&to)?,
                trust: trust_certificate,
                login,
            },
            Helper::BackupRun { repo } => Request::BackupRun(repo),
            Helper::BackupTest { repo } => Request::BackupTest(repo),
            Helper::BackupRemove { repo } => Request::BackupRemove(repo),
            Helper::BackupBrowse {
                repo,
                snapshot,
                folder,
            } => Request::BackupBrowse {
                name: repo,
                snapshot,
                folder,
            },
            Helper::BackupFind {
                repo,
                snapshot,
                words,
            } => Request::BackupFind {
                name: repo,
                snapshot,
                words,
            },
            Helper::BackupRestore {
                repo,
                snapshot,
                path,
                dest,
            } => Request::BackupRestore {
                name: repo,
                snapshot,
                path,
                dest,
            },
            Helper::BackupCheck { repo, read_data } => Request::BackupCheck {
                name: repo,
                read: read_data.as_deref().map(crate::backup::part).transpose()?,
            },
            Helper::BackupForget {
                repo,
                keep_daily,
                keep_weekly,
                keep_monthly,
            } => Request::BackupForget {
                name: repo,
                keep: shipshape_core::backup::Retention {
                    daily: keep_daily,
                    weekly: keep_weekly,
                    monthly: keep_monthly,
                },
            },
        })
    })();
    let answer = args
        .test_setting
        .iter()
        .try_for_each(|pair| test_settings::give(pair))
        .and(request)
        .and_then(|request| api::fixes::serve(request, Utc::now()));
    match answer {
        Ok(value) => {
            print_json(&value)?;
            Ok(Verdict::Ok)
        }
        Err(e) => {
            print_json(&e)?;
            Err(e)
        }
    }
}
