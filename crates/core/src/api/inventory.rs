//! The software inventory for both shells: what is installed and how long
//! it is supported (read as the user: apt and distro-info-data need no
//! rights), a newer end-of-life list imported, and outdated packages
//! removed as root, previewed first and undone like an update run.

use super::Session;
use super::updates::{mirrored, published};
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self};
use crate::audit::{Actor, NewEntry, Source};
use crate::govern::eol::{self, EolSource};
use crate::govern::inventory::{self, Inventory, Program};
use crate::govern::retire::{self, RetirePreview};
use crate::maintain::apt::Apt;
use crate::maintain::updates::{self, RunKind, RunOutcome, UpdateRun};
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Where the user's imported end-of-life list is kept.
fn imported(s: Session<'_>) -> PathBuf {
    s.store.data_dir().join("endoflife.json")
}

/// The programs Shipshape installed into /opt, from the user's history.
fn programs(s: Session<'_>) -> Result<Vec<Program>> {
    let mut names: Vec<String> = updates::history(s.store)?
        .into_iter()
        .filter(|r| r.kind == RunKind::InstallProgram && r.outcome != RunOutcome::Failed)
        .filter_map(|r| r.packages.first().map(|p| p.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    let root = crate::install::program::opt_root();
    Ok(names
        .into_iter()
        .filter_map(|name| {
            let (versions, current) = crate::install::program::installed(&root, &name);
            (!versions.is_empty()).then_some(Program {
                name,
                versions,
                current,
            })
        })
        .collect())
}

/// The software on this computer, its end-of-life dates and what to retire.
pub fn inventory(s: Session<'_>, now: DateTime<Utc>) -> Result<Inventory> {
    let (snapshot, source) = eol::snapshot(&imported(s));
    let facts = inventory::gather(
        &admin::this_computer(),
        &Apt::this_computer(),
        programs(s)?,
        &snapshot,
    );
    Ok(inventory::build(
        &facts,
        &snapshot,
        source,
        now.date_naive(),
    ))
}

/// Imports the end-of-life list at `from` (as tools/endoflife-snapshot.py
/// writes it) when it is valid and newer than the one in use; noted in
/// the activity log.
pub fn import_eol(s: Session<'_>, from: &Path, now: DateTime<Utc>) -> Result<EolSource> {
    let text = std::fs::read_to_string(from).map_err(|e| Error::io("read", from, &e))?;
    let fresh = eol::parse(&text).map_err(|why| {
        Error::invalid_input(
            format!(
                "{} is not an end-of-life list Shipshape can read: {why}.",
                from.display()
            ),
            "Make one with tools/endoflife-snapshot.py from a copy of endoflife.date's data.",
        )
    })?;
    let target = imported(s);
    let (current, _) = eol::snapshot(&target);
    if fresh.snapshot <= current.snapshot {
        return Err(Error::invalid_input(
            format!(
                "That list is of {}, not newer than the one in use ({}), so nothing was changed.",
                fresh.snapshot, current.snapshot
            ),
            "Import a list made from newer data.",
        ));
    }
    crate::atomic_file::write(&target, text.as_bytes())?;
    let (_, source) = eol::snapshot(&target);
    crate::audit::append(
        s.store,
        now,
        s.actor,
        NewEntry::ok(
            "inventory.import_eol",
            &from.display().to_string(),
            serde_json::json!({ "snapshot": source.snapshot }),
        ),
    )?;
    Ok(source)
}

/// What removing `names` from the retire list would do.
pub fn retire_preview(
    s: Session<'_>,
    names: &[String],
    now: DateTime<Utc>,
) -> Result<RetirePreview> {
    let inventory = inventory(s, now)?;
    retire::preview(&Apt::this_computer(), &inventory, names)
}

/// Removes `names` as root (through the helper unless Shipshape is root).
pub fn retire(
    s: Session<'_>,
    names: &[String],
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let names = retire::checked(names)?;
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = retire::carry_out(
                &Apt::this_computer(),
                &state,
                &names,
                s.actor,
                now,
                progress,
                cancel,
            );
            published(&state, now, run)
        })
    } else {
        door::run_showing(Request::Retire(names.clone()), progress, cancel)
    };
    mirrored(s, now, "retire.remove", answered)
}

/// The helper's side: a removal, as root.
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let Request::Retire(names) = request else {
        return Err(Error::internal("Not a removal request."));
    };
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    let state = RootState::open(now)?;
    let run = retire::carry_out(
        &Apt::this_computer(),
        &state,
        &names,
        &actor,
        now,
        &door::ReportToDoor,
        &door::cancel_from_door(),
    );
    let run = published(&state, now, run)?;
    serde_json::to_value(run)
        .map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
}
