//! Installing a package file for both shells: the preview, made by the
//! account that asks, and the installation, made by root (directly, or
//! through the helper), kept in root's update history and mirrored into
//! the user's.

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self};
use crate::audit::{Actor, Source};
use crate::install::{self, DebAsk, DebPreview};
use crate::maintain::apt::Apt;
use crate::maintain::updates::UpdateRun;
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

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
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = install::direct::install(
                &Apt::this_computer(),
                &state,
                ask,
                None,
                s.actor,
                now,
                progress,
                cancel,
            );
            super::updates::published(&state, now, run)
        })
    } else {
        door::run_showing(Request::InstallDeb(ask), progress, cancel)
    };
    super::updates::mirrored(s, now, "install.deb", answered)
}

/// The helper's side: install a package file as root, reading it with
/// the rights of the account pkexec runs the helper for.
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let Request::InstallDeb(ask) = request else {
        return Err(Error::internal("Not an installation request."));
    };
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    let state = RootState::open(now)?;
    let as_uid = door::requester_ids().map(|(uid, _)| uid);
    let answer = install::direct::install(
        &Apt::this_computer(),
        &state,
        ask,
        as_uid,
        &actor,
        now,
        &door::ReportToDoor,
        &door::cancel_from_door(),
    )
    .and_then(|run| {
        serde_json::to_value(run)
            .map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
    });
    if let Err(e) = state.publish(now) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    answer
}
