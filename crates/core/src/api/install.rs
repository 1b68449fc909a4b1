//! Installing a package file for both shells: the preview, made by the
//! account that asks, and the installation, made by root (directly, or
//! through the helper), kept in root's update history and mirrored into
//! the user's.

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self};
use crate::audit::{Actor, Source};
use crate::harden::report::ReportFormat;
use crate::install::named::{self, Found, PackageAsk, PackagePreview};
use crate::install::program::{self, ProgramAsk, ProgramPreview};
use crate::install::record::RecordSaved;
use crate::install::{self, DebAsk, DebPreview};
use crate::maintain::apt::Apt;
use crate::maintain::updates::UpdateRun;
use crate::progress::{Cancel, NoProgress, Progress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// What installing `ask` would change; nothing changes.
pub fn preview(ask: DebAsk, progress: &dyn Progress, cancel: &Cancel) -> Result<DebPreview> {
    install::preview(&Apt::this_computer(), ask, progress, cancel)
}

/// Installs `ask` ("direct": it replaces the installed version), with
/// progress and Cancel as root and through the helper alike.
pub fn deb(
    s: Session<'_>,
    ask: DebAsk,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let ask = ask.checked()?;
    let request = Request::InstallDeb(ask.clone());
    installed(
        s,
        now,
        "install.deb",
        request,
        progress,
        cancel,
        |apt, state| {
            install::direct::install(apt, state, ask, None, s.actor, now, progress, cancel)
        },
    )
}

/// Runs `as_root` when Shipshape is root, else `request` through the
/// helper; the run is kept in root's history and mirrored into the user's.
fn installed(
    s: Session<'_>,
    now: DateTime<Utc>,
    action: &str,
    request: Request,
    progress: &dyn Progress,
    cancel: &Cancel,
    as_root: impl FnOnce(&Apt, &RootState) -> Result<UpdateRun>,
) -> Result<UpdateRun> {
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = as_root(&Apt::this_computer(), &state);
            super::updates::published(&state, now, run)
        })
    } else {
        door::run_showing(request, progress, cancel)
    };
    super::updates::mirrored(s, now, action, answered)
}

/// What installing the package named in `ask` from this computer's
/// sources would change; nothing changes.
pub fn package_preview(
    ask: PackageAsk,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<PackagePreview> {
    named::preview(&Apt::this_computer(), ask, progress, cancel)
}

/// The packages of this computer's sources whose names contain `word`.
pub fn search(word: &str) -> Result<Vec<Found>> {
    named::search(&Apt::this_computer(), word)
}

/// Installs the package named in `ask` from this computer's sources,
/// as root or through the helper.
pub fn package(
    s: Session<'_>,
    ask: PackageAsk,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let ask = ask.checked()?;
    let request = Request::InstallPackage(ask.clone());
    installed(
        s,
        now,
        "install.package",
        request,
        progress,
        cancel,
        |apt, state| named::install(apt, state, ask, s.actor, now, progress, cancel),
    )
}

/// What installing a tarball or an AppImage into /opt would do; nothing
/// changes.
pub fn program_preview(
    ask: ProgramAsk,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<ProgramPreview> {
    program::preview(ask, progress, cancel)
}

/// Installs a tarball or an AppImage into /opt, as root or through the
/// helper.
pub fn program(
    s: Session<'_>,
    ask: ProgramAsk,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let (ask, name, version) = ask.checked()?;
    let ask = ProgramAsk {
        name: Some(name),
        version: Some(version),
        ..ask
    };
    let request = Request::InstallProgram(ask.clone());
    installed(
        s,
        now,
        "install.program",
        request,
        progress,
        cancel,
        |_, state| program::install(state, ask, None, s.actor, now, progress, cancel),
    )
}

/// Puts another installed version of a program in /opt in use.
pub fn switch(s: Session<'_>, name: &str, version: &str, now: DateTime<Utc>) -> Result<UpdateRun> {
    program::check_switch(name, version)?;
    let request = Request::ProgramSwitch {
        name: name.to_string(),
        version: version.to_string(),
    };
    installed(
        s,
        now,
        "install.switch",
        request,
        &NoProgress,
        &Cancel::new(),
        |_, state| program::switch(state, name, version, s.actor, now),
    )
}

/// Saves the change record of installation `run` (its number in this
/// account's history) at `path`.
pub fn record(
    s: Session<'_>,
    run: i64,
    format: ReportFormat,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<RecordSaved> {
    let found = installation(s, run)?;
    install::record::save(s.store, &found, format, path, s.actor, now)
}

/// Installation `run` of this account's history.
pub fn installation(s: Session<'_>, run: i64) -> Result<UpdateRun> {
    super::updates::history(s)?
        .into_iter()
        .find(|r| r.id == run && r.kind.is_installation())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("Installation {run} is not in this account's list."),
                "Run shipshape installs list to see the installations and their numbers.",
            )
        })
}

/// The helper's side: install a package file as root, reading it with
/// the rights of the account pkexec runs the helper for; or a package by
/// name from this computer's sources.
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    // A new password comes first on standard input: it is read before
    // Cancel's watch begins reading there.
    let new = match &request {
        Request::InstallPassword {
            act: install::harden::PasswordAct::Replace,
            ..
        } => Some(door::secret_from_door()?),
        _ => None,
    };
    let state = RootState::open(now)?;
    let apt = Apt::this_computer();
    let (progress, cancel) = (door::ReportToDoor, door::cancel_from_door());
    let answer_run = match request {
        Request::InstallDeb(ask) => {
            let as_uid = door::requester_ids().map(|(uid, _)| uid);
            install::direct::install(&apt, &state, ask, as_uid, &actor, now, &progress, &cancel)
        }
        Request::InstallPackage(ask) => {
            named::install(&apt, &state, ask, &actor, now, &progress, &cancel)
        }
        Request::InstallProgram(ask) => {
            let as_uid = door::requester_ids().map(|(uid, _)| uid);
            program::install(&state, ask, as_uid, &actor, now, &progress, &cancel)
        }
        Request::ProgramSwitch { name, version } => {
            program::switch(&state, &name, &version, &actor, now)
        }
        Request::InstallSample { run, item } => {
            let done = install::harden::sample(&state, run, &item, &actor, now);
            return answer(&state, now, done);
        }
        Request::InstallPassword { run, item, act } => {
            let done =
                install::harden::password(&state, run, &item, act, new.as_ref(), &actor, now);
            return answer(&state, now, done);
        }
        _ => Err(Error::internal("Not an installation request.")),
    };
    answer(&state, now, answer_run)
}

/// The helper's answer as JSON, after root's log is published.
fn answer<T: serde::Serialize>(
    state: &RootState,
    now: DateTime<Utc>,
    done: Result<T>,
) -> Result<serde_json::Value> {
    super::updates::published(state, now, done).and_then(|v| {
        serde_json::to_value(v)
            .map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
    })
}
