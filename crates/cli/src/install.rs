//! `shipshape install FILE.deb|PACKAGE`: what installing it would
//! change, then (with --yes) the installation, the earlier version kept
//! to go back to and everything put back when it fails.

use crate::verify::CompareArgs;
use crate::{Context, Verdict, print_json};
use chrono::Utc;
use shipshape_core::Error;
use shipshape_core::ErrorCode;
use shipshape_core::api::{self, Session};
use shipshape_core::harden::report::ReportFormat;
use shipshape_core::install::deb::Deb;
use shipshape_core::install::named::PackageAsk;
use shipshape_core::install::plan::{Method, Part, Plan};
use shipshape_core::install::program::{ProgramAsk, ProgramPreview, is_program_file};
use shipshape_core::install::{Change, DebAsk, DebPreview, PackageStep, Trust};
use shipshape_core::maintain::updates::UpdateRun;
use shipshape_core::progress::Cancel;
use shipshape_core::progress::{NoProgress, Progress};
use shipshape_core::verify::Algorithm;
use shipshape_core::verify::verdict::Safety;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A .deb file, or the name of a package this computer's package sources offer
    #[arg(
        value_name = "FILE|PACKAGE",
        required_unless_present = "plan",
        conflicts_with = "plan"
    )]
    what: Option<PathBuf>,
    /// direct (replace the installed version), parallel (a program beside the others) or pilot (watched, then promoted or rolled back); phased needs --plan
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
    /// For a pilot: how long it is watched before it may be promoted, in minutes
    #[arg(
        long,
        value_name = "MINUTES",
        default_value_t = 60,
        requires = "method"
    )]
    soak: u32,
    /// Deploy a saved plan (JSON: its stages, health checks, approval and watch)
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["method", "name", "program_version", "accept_risk", "allow_downgrade"])]
    plan: Option<PathBuf>,
    /// What proves it genuine, as for shipshape verify: checked first, and installed only when it is safe
    #[command(flatten)]
    compare: CompareArgs,
    /// Install it without proof, for this reason (recorded in red)
    #[arg(long, value_name = "REASON")]
    accept_risk: Option<String>,
    /// Allow a version older than the installed one
    #[arg(long)]
    allow_downgrade: bool,
    /// A program's name in /opt (guessed from a tarball's or AppImage's file name)
    #[arg(long)]
    name: Option<String>,
    /// A program's version, its folder in /opt/NAME (guessed from the file name)
    #[arg(long, value_name = "VERSION")]
    program_version: Option<String>,
    /// Only show what would change
    #[arg(long, conflicts_with = "yes")]
    dry_run: bool,
    /// Install without asking
    #[arg(long)]
    yes: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Installs {
    /// The package files and packages installed with Shipshape, newest first
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// One installation: the file, how it was proven, what changed
    Show {
        /// Its number (see shipshape installs list)
        run: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Save an installation's change record: a printable page (HTML) or JSON
    Record {
        /// Its number (see shipshape installs list)
        run: i64,
        /// Where to save it
        file: PathBuf,
        /// html or json (by default, from the file's name)
        #[arg(long)]
        format: Option<String>,
    },
    /// Put another installed version of a program in /opt in use (/opt/NAME/current)
    Switch {
        /// The program's name (its folder in /opt)
        name: String,
        /// The installed version to use
        version: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// What an installation switched on or left open (services, ports, default passwords, sample content), and answering each
    Harden {
        /// Its number (see shipshape installs list)
        run: i64,
        /// Leave this item as it is (its id, as listed)
        #[arg(long, value_name = "ITEM", conflicts_with_all = ["switch_off", "password", "remove_sample"])]
        keep: Option<String>,
        /// Switch off this service item (through the Security screen's fix, with undo); shows what would change, then asks for --yes
        #[arg(long, value_name = "ITEM", conflicts_with_all = ["password", "remove_sample"])]
        switch_off: Option<String>,
        /// Move this item's password into Credentials: a default one is replaced by a new generated one, a password file is kept and removed
        #[arg(long, value_name = "ITEM", conflicts_with = "remove_sample")]
        password: Option<String>,
        /// Move this sample content out of where it is served; a copy is kept in Shipshape's administrator folder
        #[arg(long, value_name = "ITEM")]
        remove_sample: Option<String>,
        /// Switch off without asking
        #[arg(long)]
        yes: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Take an installation back: earlier versions put back and held, what it brought in removed
    Undo {
        /// Its number (see shipshape installs list)
        run: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn installs(command: Installs, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let files = || -> Result<Vec<UpdateRun>, Error> {
        Ok(api::updates::history(s)?
            .into_iter()
            .filter(|r| r.kind.is_installation())
            .collect())
    };
    match command {
        Installs::List { json } => {
            let runs = files()?;
            if json {
                print_json(&runs)?;
            } else if runs.is_empty() {
                println!("Nothing has been installed with Shipshape yet.");
            } else {
                runs.iter().for_each(crate::updates::print_run_line);
            }
            Ok(Verdict::Ok)
        }
        Installs::Show { run, json } => {
            let found = api::install::installation(s, run)?;
            if !json {
                println!("{}", found.asked);
                if !found.log_tail.is_empty() {
                    println!("What the package manager said last:\n{}", found.log_tail);
                }
            }
            crate::updates::show(&found, json)
        }
        Installs::Record { run, file, format } => {
            let (format, path) = record_target(&file, format.as_deref())?;
            let saved = api::install::record(s, run, format, &path, Utc::now())?;
            println!("The record of installation {run} is at {}.", saved.path);
            Ok(Verdict::Ok)
        }
        Installs::Switch {
            name,
            version,
            json,
        } => crate::updates::show(&api::install::switch(s, &name, &version, Utc::now())?, json),
        Installs::Harden {
            run,
            keep,
            switch_off,
            password,
            remove_sample,
            yes,
            json,
        } => {
            use api::harden_install as harden;
            let now = Utc::now();
            let answered = if let Some(item) = keep {
                harden::keep(s, run, &item, now)?
            } else if let Some(item) = switch_off {
                let preview = harden::switch_off_preview(s, run, &item, now)?;
                if !yes {
                    return crate::fixes::only_shown(&preview, json, "Switching it off");
                }
                harden::switch_off(s, run, &item, &preview.digest(), now)?
            } else if let Some(item) = password {
                let keychain = shipshape_core::vault::Keychain::system()?;
                harden::password(s, &keychain, run, &item, now)?
            } else if let Some(item) = remove_sample {
                harden::remove_sample(s, run, &item, now)?
            } else {
                let found = api::install::installation(s, run)?;
                if json {
                    print_json(&found.hardening)?;
                } else {
                    print_hardening(&found);
                }
                return Ok(Verdict::Ok);
            };
            if json {
                print_json(&answered.hardening)?;
            } else {
                print_hardening(&answered);
            }
            Ok(Verdict::Ok)
        }
        Installs::Undo { run, json } => {
            api::install::installation(s, run)?;
            crate::updates::show(&api::updates::undo(s, run, false, Utc::now())?, json)
        }
    }
}

/// Where a record goes and in which format: as asked, else by the
/// file's name.
pub fn record_target(file: &Path, format: Option<&str>) -> Result<(ReportFormat, PathBuf), Error> {
    let format = match format {
        Some(f) => ReportFormat::parse(f)?,
        None => ReportFormat::from_extension(file),
    };
    let path = std::path::absolute(file).map_err(|e| Error::io("find", file, &e))?;
    Ok((format, path))
}

/// What an installation found to look at, each with its answer or the
/// commands that answer it.
fn print_hardening(run: &UpdateRun) {
    use shipshape_core::install::harden::Found;
    if run.hardening.is_empty() {
        println!(
            "Installation {} switched on no service, opened no port and left no default password or sample content that Shipshape found.",
            run.id
        );
        return;
    }
    let open = run.hardening.iter().filter(|h| h.answer.is_none()).count();
    println!(
        "Installation {} left {} to look at, {open} not answered yet:",
        run.id,
        run.hardening.len()
    );
    for h in &run.hardening {
        println!("  [{}] {}", h.id, h.what);
        match &h.answer {
            Some(a) => println!("      {} ({}, {})", a.words, a.by, a.time),
            None => {
                println!("      {}", h.why);
                let act = match h.found {
                    Found::Service { .. } => "--switch-off",
                    Found::DefaultPassword { .. }
                    | Found::PasswordFile { .. }
                    | Found::PasswordQuestion { .. } => "--password",
                    Found::SampleData { .. } => "--remove-sample",
                    Found::Port { .. } => "",
                };
                if !act.is_empty() {
                    println!(
                        "      shipshape installs harden {} {act} '{}'",
                        run.id, h.id
                    );
                }
                println!(
                    "      shipshape installs harden {} --keep '{}'",
                    run.id, h.id
                );
            }
        }
    }
}

/// How the file is trusted: a checksum written ALGORITHM:HEX, or an
/// accepted risk with its reason (the helper's two options).
pub fn trust(checksum: Option<&str>, accept_risk: Option<String>) -> Result<Trust, Error> {
    match (checksum, accept_risk) {
        (Some(checksum), None) => {
            let (algorithm, hex) = checksum.split_once(':').ok_or_else(|| {
                Error::invalid_input(
                    format!("\"{checksum}\" is not written ALGORITHM:HEX."),
                    "Write it like sha512:0f3c….",
                )
            })?;
            Ok(Trust::Digest {
                algorithm: Algorithm::parse(algorithm)?,
                hex: hex.to_string(),
            })
        }
        (None, Some(reason)) => Ok(Trust::RiskAccepted { reason }),
        _ => Err(Error::invalid_input(
            "Say how the file is trusted: its verified checksum, or that you accept the risk.",
            "Give the checksum, or --accept-risk REASON.",
        )),
    }
}

/// The file checked as Verify checks it (and kept in its history): its
/// checksum is the trust only when the verdict is "safe".
fn proven(
    file: &Path,
    compare: &CompareArgs,
    ctx: &Context,
    cancel: &Cancel,
) -> Result<Trust, Error> {
    let request = crate::verify::request(file, compare)?;
    let store = ctx.open_store()?;
    let v = shipshape_core::verify::request::run(
        &store,
        &ctx.actor(),
        Utc::now(),
        &request,
        &NoProgress,
        cancel,
    )?;
    if v.safety != Safety::Safe {
        return Err(Error::new(
            ErrorCode::FileChanged,
            format!("{} Shipshape did not install it.", v.headline),
            v.advice,
        ));
    }
    Ok(Trust::Digest {
        algorithm: v.algorithm,
        hex: v.actual,
    })
}

/// A package name, when `what` cannot be a file: no folder, no ".deb",
/// nothing of that name here.
fn package_name(what: &Path) -> Option<String> {
    let name = what.to_str()?;
    (what.components().count() == 1
        && !name.ends_with(".deb")
        && !is_program_file(name)
        && !what.exists())
    .then(|| name.to_string())
}

pub fn run(args: Args, ctx: &Context) -> Result<Verdict, Error> {
    let cancel = crate::stop_on_ctrl_c()?;
    let method = args.method.as_deref().map(Method::parse).transpose()?;
    let Some(what) = args.what.clone() else {
        let plan = args.plan.clone().unwrap_or_default();
        let text = std::fs::read_to_string(&plan).map_err(|e| Error::io("read", &plan, &e))?;
        let plan = Plan::from_json(&text)?;
        return crate::plan::deploying(ctx, plan, None, args.yes, args.dry_run, args.json, &cancel);
    };
    if method == Some(Method::Phased) {
        return Err(Error::invalid_input(
            "A phased deployment installs several parts in stages, so it needs a plan.",
            "Write the stages in a plan file and run shipshape install --plan PLAN.json.",
        ));
    }
    if let Some(name) = package_name(&what) {
        return by_name(name, args, ctx, &cancel);
    }
    let file = std::path::absolute(&what).map_err(|e| Error::io("find", &what, &e))?;
    if is_program_file(&file.to_string_lossy()) {
        return program(file, args, ctx, &cancel);
    }
    if method == Some(Method::Parallel) {
        return Err(Error::invalid_input(
            "A package file replaces the installed version; only a program in a tarball or an AppImage goes in beside it.",
            "Drop --method, or use --method pilot to watch it first.",
        ));
    }
    if args.name.is_some() || args.program_version.is_some() {
        return Err(Error::invalid_input(
            "--name and --program-version are for a program installed into /opt (a tarball or an AppImage).",
            "Drop them: a package file names itself.",
        ));
    }
    let trust = trust_for(&file, &args, ctx, &cancel)?;
    let ask = DebAsk {
        file: file.display().to_string(),
        trust,
        allow_downgrade: args.allow_downgrade,
        keep: Vec::new(),
    }
    .checked()?;
    if let Some(verdict) = piloted(Part::File(ask.clone()), &args, ctx, &cancel) {
        return verdict;
    }
    // With --yes, as with apt-get -y, nothing is asked: root checks the
    // file again and the run says what changed. Otherwise the preview.
    if !args.yes {
        let preview = api::install::preview(ask, &NoProgress, &cancel)?;
        return previewed(&preview, args.json, args.dry_run, print_preview);
    }
    installing(ctx, args.json, |s, progress| {
        api::install::deb(s, ask, Utc::now(), progress, &cancel)
    })
}

/// The trust given on the command line: --accept-risk, or the file
/// checked as Verify checks it.
fn trust_for(file: &Path, args: &Args, ctx: &Context, cancel: &Cancel) -> Result<Trust, Error> {
    match (&args.accept_risk, args.compare.given()) {
        (Some(_), true) => Err(Error::invalid_input(
            "Give either what proves the file genuine or --accept-risk, not both.",
            "Drop --accept-risk to install it checked.",
        )),
        (Some(reason), false) => Ok(Trust::RiskAccepted {
            reason: reason.clone(),
        }),
        (None, _) => proven(file, &args.compare, ctx, cancel),
    }
}

/// `install FILE.tar.gz|FILE.AppImage`: into /opt/NAME/VERSION.
fn program(file: PathBuf, args: Args, ctx: &Context, cancel: &Cancel) -> Result<Verdict, Error> {
    if args.allow_downgrade {
        return Err(Error::invalid_input(
            "--allow-downgrade is for a package file: a program's versions stay side by side in /opt.",
            "Drop it; switch between versions with shipshape installs switch.",
        ));
    }
    let trust = trust_for(&file, &args, ctx, cancel)?;
    let ask = ProgramAsk {
        file: file.display().to_string(),
        trust,
        name: args.name.clone(),
        version: args.program_version.clone(),
    };
    if args.method.as_deref() == Some("direct") {
        return Err(Error::invalid_input(
            "A program goes into /opt beside the versions there, never in place of one.",
            "Drop --method (parallel is how programs go in), or use --method pilot.",
        ));
    }
    if let Some(verdict) = piloted(Part::Program(ask.clone()), &args, ctx, cancel) {
        return verdict;
    }
    if !args.yes {
        let preview = api::install::program_preview(ask, &NoProgress, cancel)?;
        return previewed(&preview, args.json, args.dry_run, print_program);
    }
    installing(ctx, args.json, |s, progress| {
        api::install::program(s, ask, Utc::now(), progress, cancel)
    })
}

fn print_program(p: &ProgramPreview) {
    println!("{}", p.headline);
    println!("  SHA-256: {}", p.sha256);
    if let Trust::RiskAccepted { reason } = &p.ask.trust {
        println!("  NOT VERIFIED. Risk accepted because: {reason}");
    }
    println!(
        "  {} files, {}.",
        p.files,
        shipshape_core::figures::bytes(p.size)
    );
    if !p.programs.is_empty() {
        println!("  Programs in it: {}", p.programs.join(", "));
    }
    if !p.installed.is_empty() {
        println!(
            "  Installed there already: {} (in use: {}).",
            p.installed.join(", "),
            p.current.as_deref().unwrap_or("none")
        );
    }
}

/// `install PACKAGE`: from this computer's signed package sources.
fn by_name(name: String, args: Args, ctx: &Context, cancel: &Cancel) -> Result<Verdict, Error> {
    if args.compare.given()
        || args.accept_risk.is_some()
        || args.allow_downgrade
        || args.name.is_some()
        || args.program_version.is_some()
    {
        return Err(Error::invalid_input(
            format!(
                "{name} is installed from this computer's package sources, whose signatures prove it; checksums, --accept-risk and --allow-downgrade are for a package file."
            ),
            "Drop those options, or give the path of the .deb file.",
        ));
    }
    let ask = PackageAsk {
        name,
        keep: Vec::new(),
    }
    .checked()?;
    if args.method.as_deref() == Some("parallel") {
        return Err(Error::invalid_input(
            "A package replaces the installed version; only a program in a tarball or an AppImage goes in beside it.",
            "Drop --method, or use --method pilot to watch it first.",
        ));
    }
    if let Some(verdict) = piloted(Part::Package(ask.clone()), &args, ctx, cancel) {
        return verdict;
    }
    if !args.yes {
        let preview = api::install::package_preview(ask, &NoProgress, cancel)?;
        return previewed(&preview, args.json, args.dry_run, |p| {
            println!("{}", p.headline);
            print_package(&p.deb, &p.steps);
        });
    }
    installing(ctx, args.json, |s, progress| {
        api::install::package(s, ask, Utc::now(), progress, cancel)
    })
}

/// With --method pilot: `part` deployed as a pilot, watched for --soak
/// minutes; otherwise `None`, and it is installed as asked.
fn piloted(
    part: Part,
    args: &Args,
    ctx: &Context,
    cancel: &Cancel,
) -> Option<Result<Verdict, Error>> {
    if args.method.as_deref() != Some("pilot") {
        return None;
    }
    Some(
        Plan::single(part, Method::Pilot, args.soak).and_then(|plan| {
            crate::plan::deploying(ctx, plan, None, args.yes, args.dry_run, args.json, cancel)
        }),
    )
}

/// Prints `preview` (as JSON with `json`), then refuses unless only the
/// preview was asked for.
fn previewed<T: serde::Serialize>(
    preview: &T,
    json: bool,
    dry_run: bool,
    print: impl FnOnce(&T),
) -> Result<Verdict, Error> {
    if json {
        print_json(preview)?;
    } else {
        print(preview);
    }
    if dry_run {
        return Ok(Verdict::Ok);
    }
    Err(Error::invalid_input(
        "Installing changes this computer, so it is done only when asked with --yes.",
        "Read what would change above, then run the same command with --yes.",
    ))
}

/// Runs `install` with a percentage on the terminal (none for JSON or a
/// pipe), and shows the run it made.
fn installing(
    ctx: &Context,
    json: bool,
    install: impl FnOnce(Session<'_>, &dyn Progress) -> Result<UpdateRun, Error>,
) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    let actor = ctx.actor();
    let s = Session {
        store: &store,
        actor: &actor,
    };
    let on_terminal = !json && std::io::stderr().is_terminal();
    let percent = |done: u64, _total: u64| {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\rInstalling: {done} %. ");
        let _ = err.flush();
    };
    let progress: &dyn Progress = if on_terminal { &percent } else { &NoProgress };
    let run = install(s, progress);
    if on_terminal {
        eprintln!();
    }
    crate::updates::show(&run?, json)
}

fn print_preview(p: &DebPreview) {
    println!("{}", p.headline);
    println!("  SHA-256: {}", p.sha256);
    if let Trust::RiskAccepted { reason } = &p.ask.trust {
        println!("  NOT VERIFIED. Risk accepted because: {reason}");
    }
    if p.change == Change::Downgrade {
        println!("  This is an older version than the one installed.");
    }
    print_package(&p.deb, &p.steps);
}

/// What the package is, what the package manager would do, and what the
/// package brings.
fn print_package(d: &Deb, steps: &[PackageStep]) {
    println!(
        "  {} {} ({}): {}",
        d.package, d.version, d.architecture, d.summary
    );
    println!(
        "  Built by: {}",
        if d.maintainer.is_empty() {
            "(not said)"
        } else {
            &d.maintainer
        }
    );
    println!("The package manager would:");
    for s in steps {
        let what = match (&s.from, &s.to) {
            (None, Some(to)) => format!("add {to}"),
            (Some(from), Some(to)) if from == to => format!("install {to} again"),
            (Some(from), Some(to)) => format!("change {from} → {to}"),
            (Some(from), None) => format!("REMOVE {from}"),
            (None, None) => "change".to_string(),
        };
        println!("  {}: {what}", s.name);
    }
    for (title, items) in [
        (
            "Scripts it runs as root",
            d.scripts
                .iter()
                .map(|s| format!("{} ({} lines), {}", s.name, s.lines, s.when))
                .collect::<Vec<_>>(),
        ),
        ("Services it brings", d.services.clone()),
        ("Configuration files", d.conffiles.clone()),
        ("Package sources it adds", d.sources.clone()),
        ("Signing keys it adds for apt", d.keys.clone()),
        ("Scheduled jobs (cron) it adds", d.cron.clone()),
        ("Programs that run with raised rights", d.privileged.clone()),
    ] {
        if !items.is_empty() {
            println!("{title}:");
            for i in items {
                println!("  {i}");
            }
        }
    }
    println!(
        "  {} files, {} on disk.",
        d.files,
        shipshape_core::figures::bytes(d.installed_size)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_is_the_checksum_or_an_accepted_risk() {
        assert!(matches!(
            trust(Some("SHA-512:ab"), None),
            Ok(Trust::Digest {
                algorithm: Algorithm::Sha512,
                ..
            })
        ));
        assert!(matches!(
            trust(None, Some("lab".into())),
            Ok(Trust::RiskAccepted { .. })
        ));
        for wrong in ["ab", "sha3:ab"] {
            assert!(trust(Some(wrong), None).is_err(), "{wrong}");
        }
        assert!(trust(None, None).is_err());
    }
}
