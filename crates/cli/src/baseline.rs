//! `shipshape baseline`: accept this computer as it is, and list what has
//! changed since.

use crate::{Context, Verdict, print_json};
use shipshape_core::api::{self, Session};
use shipshape_core::health::Host;
use shipshape_core::health::baseline;
use shipshape_core::store::Store;
use shipshape_core::{Error, ErrorCode};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Take this computer as it is now as the baseline (after checking it is as it should be)
    Accept,
    /// List what changed since the baseline was accepted (exit 1 when anything did)
    Diff {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Keep checksums of another file or folder (takes effect at the next accept)
    Watch { path: String },
    /// Stop keeping checksums of a file or folder (takes effect at the next accept)
    Unwatch { path: String },
    /// List the files and folders whose checksums the baseline keeps
    Paths {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command, ctx: &Context) -> Result<Verdict, Error> {
    let store = ctx.open_store()?;
    match cmd {
        Command::Accept => accept(&store, ctx),
        Command::Diff { json } => diff(&store, json),
        Command::Watch { path } => watch(&store, ctx, &path, true),
        Command::Unwatch { path } => watch(&store, ctx, &path, false),
        Command::Paths { json } => paths(&store, json),
    }
}

fn accept(store: &Store, ctx: &Context) -> Result<Verdict, Error> {
    let actor = ctx.actor();
    let session = Session {
        store,
        actor: &actor,
    };
    let snapshot =
        api::baseline::accept(session, &Host::this_computer(), chrono::Utc::now())?.snapshot;
    println!(
        "Accepted: {} listening programs, {} administrators, {} programs with raised rights, {} system files.",
        snapshot.listening.len(),
        snapshot.administrators.len(),
        snapshot.special_files.len(),
        snapshot.files.len()
    );
    Ok(Verdict::Ok)
}

fn diff(store: &Store, json: bool) -> Result<Verdict, Error> {
    let diff = api::baseline::check(store, &Host::this_computer())?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            "No baseline has been accepted yet.",
            "Run `shipshape baseline accept` once this computer is as it should be.",
        )
    })?;
    if json {
        print_json(&diff)?;
    } else if diff.anomalies.is_empty() {
        println!(
            "Nothing changed since the baseline of {}.",
            diff.accepted.format("%Y-%m-%d %H:%M UTC")
        );
    } else {
        for a in &diff.anomalies {
            println!("{}", a.what);
            println!("    {}", a.advice);
        }
    }
    Ok(if diff.anomalies.is_empty() {
        Verdict::Ok
    } else {
        Verdict::Negative
    })
}

fn watch(store: &Store, ctx: &Context, path: &str, watch: bool) -> Result<Verdict, Error> {
    let config = baseline::set_watched(
        store,
        &Host::this_computer(),
        chrono::Utc::now(),
        &ctx.actor(),
        path,
        watch,
    )?;
    println!(
        "The baseline now keeps checksums of {} paths. Accept the baseline again (shipshape baseline accept) to start from them.",
        config.checksum_paths.len()
    );
    Ok(Verdict::Ok)
}

fn paths(store: &Store, json: bool) -> Result<Verdict, Error> {
    let watched = baseline::watched(store)?;
    if json {
        print_json(&watched.checksum_paths)?;
    } else {
        for p in &watched.checksum_paths {
            println!("{p}");
        }
    }
    Ok(Verdict::Ok)
}
