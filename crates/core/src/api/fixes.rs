//! Fixes, undos and the list of changes, for both shells, and the
//! helper's side of the door.
//!
//! A change to this computer is always made and kept by root: through the
//! helper (pkexec) for a normal user, directly when already root. Root's
//! records (`admin::state`) are what an undo replays; the user's own store
//! gets a mirror of the change (with root's number in `admin_change`) and
//! an entry in their activity log saying what they asked and what root
//! answered. A change to another folder (a fixture, a mounted disk) is
//! made and kept by whoever asks, in their data folder.

use super::{Session, host};
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self, safe_path};
use crate::audit::{self, Actor, NewEntry, Source};
use crate::harden::fix::backup::Backups;
use crate::harden::fix::change::{self, Change, Step};
use crate::harden::fix::{self, FixOutcome, Preview};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// What fixing `check_id` in `root` would change; nothing is changed. When
/// a file the fix reads is root's alone, the helper previews it.
pub fn preview(root: &Path, check_id: &str, now: DateTime<Utc>) -> Result<Preview> {
    match fix::preview(&host(root, now), check_id) {
        Err(e) if e.code == ErrorCode::NeedsAdmin && door::needs_helper(root) => {
            door::run(Request::Preview(check_id.to_string()))
        }
        other => other,
    }
}

/// A package a fix needed, installed, and the fix's preview made again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Installed {
    pub run: crate::maintain::updates::UpdateRun,
    pub preview: Preview,
}

/// For a fix on this computer whose preview says a package it needs is
/// missing: installs that package (the name comes from the fix, not the
/// caller), records the run, and previews the fix again. A failed
/// installation is an error carrying the run's plain reason; the run
/// stays in the update history.
pub fn install_and_preview(
    s: Session<'_>,
    root: &Path,
    check_id: &str,
    now: DateTime<Utc>,
) -> Result<Installed> {
    let package = match preview(root, check_id, now) {
        Err(Error {
            package: Some(package),
            ..
        }) if admin::is_this_computer(root) => package,
        Err(e) => return Err(e),
        Ok(_) => {
            return Err(Error::invalid_input(
                format!("The fix for {check_id} needs nothing installed."),
                "Apply the fix as it is.",
            ));
        }
    };
    let run = super::updates::install_needed(s, &package, now)?;
    if run.outcome != crate::maintain::updates::RunOutcome::Done {
        return Err(Error::new(
            ErrorCode::Io,
            run.message.clone(),
            format!(
                "Nothing else was changed; the attempt is update run {} in the Maintenance history. apt said: {}",
                run.id, run.log_tail
            ),
        ));
    }
    let preview = preview(root, check_id, now)?;
    Ok(Installed { run, preview })
}

/// Fixes `check_id` in `root` as previewed (`seen`: the preview's digest).
pub fn apply(
    s: Session<'_>,
    root: &Path,
    check_id: &str,
    seen: &str,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    if !admin::is_this_computer(root) {
        let backups = own_backups(s, root)?;
        return fix::fix(
            s.store,
            &backups,
            &host(root, now),
            check_id,
            Some(seen),
            s.actor,
            now,
        );
    }
    let request = Request::Fix {
        id: check_id.to_string(),
        seen: Some(seen.to_string()),
    };
    let answered = if admin::running_as_root() {
        as_root(request, s.actor, now)
    } else {
        door::run(request)
    };
    mirror(s, "security.fix", check_id, answered, now)
}

/// Turns back change `id` of the user's list (a fix, or an undo).
pub fn undo(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<FixOutcome> {
    let original = change::get(s.store, id)?;
    if !admin::is_this_computer(Path::new(&original.root)) {
        let backups = own_backups(s, Path::new(&original.root))?;
        return fix::undo(s.store, &backups, id, s.actor, now);
    }
    if let Some(by) = original.undone_by {
        return Err(Error::invalid_input(
            format!("Change {id} was already undone by change {by}."),
            format!("To apply it again, undo change {by}."),
        ));
    }
    let Some(admin_change) = original.admin_change else {
        let files: Vec<String> = original.steps.iter().map(Step::target).collect();
        return Err(Error::invalid_input(
            format!(
                "Change {id} is not in the administrator's own records, so it cannot be undone with administrator rights."
            ),
            format!(
                "It was recorded by an earlier version of Shipshape. Compare these with the change's preview and put them back by hand: {}.",
                files.join(", ")
            ),
        ));
    };
    let request = Request::Undo(admin_change);
    let answered = if admin::running_as_root() {
        as_root(request, s.actor, now)
    } else {
        door::run(request)
    };
    mirror(s, "security.undo", &original.check_id, answered, now)
}

/// The changes made by fixes and undos, newest first.
pub fn changes(store: &crate::store::Store, limit: u32) -> Result<Vec<Change>> {
    change::list(store, limit)
}

/// The backups folder of the asking account's data folder, for a change
/// to `root`; as root, only for a folder no other account can change.
fn own_backups(s: Session<'_>, root: &Path) -> Result<Backups> {
    if admin::running_as_root() {
        safe_path::check(root)?;
    }
    Backups::open(s.store.data_dir())
}

/// Records in the user's store what root answered: the change, mirrored
/// with root's number, and its entry, in one transaction; or the refusal.
fn mirror(
    s: Session<'_>,
    action: &str,
    check_id: &str,
    answered: Result<FixOutcome>,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    let outcome = match answered {
        Ok(o) => o,
        Err(e) => {
            fix::refused(s.store, now, s.actor, action, check_id, &e);
            return Err(e);
        }
    };
    let admin_change = outcome.change.id;
    let undoes = match outcome.change.undoes {
        Some(n) => change::mirroring(s.store, n)?,
        None => None,
    };
    let mut mirrored = outcome.change.clone();
    mirrored.admin_change = Some(admin_change);
    mirrored.undoes = undoes;
    mirrored.undone_by = None;
    let recheck = outcome.recheck.status.as_str();
    let (recorded, _) = audit::append_with(s.store, now, s.actor, |tx| {
        let recorded = change::insert_in(tx, mirrored)?;
        let details = serde_json::json!({
            "change": recorded.id,
            "undoes": recorded.undoes,
            "admin_change": admin_change,
            "root": recorded.root,
            "files": recorded.steps.iter().map(Step::target).collect::<Vec<_>>(),
            "recheck": recheck,
            "made_by": "administrator",
        });
        Ok((recorded, NewEntry::ok(action, check_id, details)))
    })?;
    Ok(FixOutcome {
        change: recorded,
        recheck: outcome.recheck,
    })
}

/// Carries out `request` as root, in root's own records, and publishes
/// root's log. Used by the helper and by a CLI already run as root.
fn as_root(request: Request, actor: &Actor, now: DateTime<Utc>) -> Result<FixOutcome> {
    let state = RootState::open(now)?;
    let host = host(&admin::this_computer(), now);
    let result = match request {
        Request::Fix { id, seen } => fix::fix(
            &state.store,
            &state.backups,
            &host,
            &id,
            seen.as_deref(),
            actor,
            now,
        ),
        Request::Undo(n) => match change::get(&state.store, n) {
            Ok(_) => fix::undo(&state.store, &state.backups, n, actor, now),
            Err(e) if e.code == ErrorCode::NotFound => Err(Error::invalid_input(
                format!(
                    "Change {n} was not made with administrator rights, so the administrator will not undo it."
                ),
                "Undo it from the list of changes as the user who made it (shipshape changes, then shipshape undo N).",
            )),
            Err(e) => Err(e),
        },
        _ => Err(Error::internal(
            "Only fixes and their undos are kept as changes.",
        )),
    };
    if let Err(e) = state.publish(now) {
        eprintln!(
            "shipshape: the administrator's activity record was not updated: {}",
            e.message
        );
    }
    result
}

/// The helper's side of the door: one checked request, as root, for the
/// user pkexec names. Its answer is JSON (a preview, or a fix outcome).
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let request = request.checked()?;
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    let to_json = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
    };
    match request {
        Request::UpdatesRefresh
        | Request::UpdatesApply(_)
        | Request::UpdatesUndo { .. }
        | Request::UpdatesRepair
        | Request::InstallNeeded(_) => super::updates::serve(request, now),
        Request::InstallDeb(_)
        | Request::InstallPackage(_)
        | Request::InstallProgram(_)
        | Request::ProgramSwitch { .. }
        | Request::InstallPassword { .. }
        | Request::InstallSample { .. } => super::install::serve(request, now),
        Request::ScheduleAdd(_)
        | Request::ScheduleEdit(..)
        | Request::ScheduleRemove(_)
        | Request::SchedulePause(..)
        | Request::ScheduleRun(_) => super::schedule::serve(request, now),
        Request::BackupInit { .. }
        | Request::BackupConnect { .. }
        | Request::BackupHostKey { .. }
        | Request::BackupServer { .. }
        | Request::BackupRun(_)
        | Request::BackupTest(_)
        | Request::BackupRemove(_)
        | Request::BackupBrowse { .. }
        | Request::BackupFind { .. }
        | Request::BackupRestore { .. }
        | Request::BackupCheck { .. }
        | Request::BackupForget { .. } => super::backup::serve(request, &actor, now),
        // Read-only: no records are opened.
        Request::AccessInventory => super::access::serve(now),
        Request::Retire(_) => super::inventory::serve(request, now),
        Request::Preview(id) => {
            let preview = fix::preview(&host(&admin::this_computer(), now), &id)?;
            to_json(serde_json::to_value(preview))
        }
        other => to_json(serde_json::to_value(as_root(other, &actor, now)?)),
    }
}
