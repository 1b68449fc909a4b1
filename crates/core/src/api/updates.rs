//! Updates for both shells: which wait, installing them, undoing a run
//! and repairing an interrupted one, and installing a package a fix needs. Changing packages needs root: as
//! root it is done here, otherwise through the helper; either way root's
//! records hold the run and the user's history keeps a copy.

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self};
use crate::audit::{Actor, NewEntry, Source};
use crate::maintain::apt::Apt;
use crate::maintain::updates::{self, Choice, UpdateRun, Waiting};
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// The waiting updates; with `refresh`, the package lists are downloaded
/// first (with administrator rights) and the check is in the activity log.
/// Without, it reads what apt already knows, as often as a screen asks,
/// and records nothing.
pub fn check(s: Session<'_>, refresh: bool, now: DateTime<Utc>) -> Result<Waiting> {
    if refresh {
        if admin::running_as_root() {
            Apt::this_computer().refresh()?;
        } else {
            door::run::<serde_json::Value>(Request::UpdatesRefresh)?;
        }
    }
    let mut waiting = updates::check_kept(s.store, &Apt::this_computer())?;
    waiting.refreshed = refresh;
    if refresh {
        crate::audit::append(
            s.store,
            now,
            s.actor,
            NewEntry::ok(
                "updates.check",
                "this computer",
                serde_json::json!({
                    "waiting": waiting.updates.len(),
                    "security": waiting.security(),
                }),
            ),
        )?;
    }
    Ok(waiting)
}

/// Installs `choice`'s updates, with `progress` and `cancel` as root and
/// through the helper alike.
pub fn apply(
    s: Session<'_>,
    choice: Choice,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let choice = choice.checked()?;
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = updates::apply(
                &Apt::this_computer(),
                &state,
                choice.clone(),
                s.actor,
                now,
                progress,
                cancel,
            );
            published(&state, now, run)
        })
    } else {
        door::run_showing(Request::UpdatesApply(choice.clone()), progress, cancel)
    };
    mirrored(s, now, "updates.apply", answered)
}

/// Puts back what the user's run `id` replaced, and with `config` the
/// configuration files it changed, from the backup kept before it.
pub fn undo(s: Session<'_>, id: i64, config: bool, now: DateTime<Utc>) -> Result<UpdateRun> {
    let run = updates::run_numbered(s.store, id)?;
    let Some(admin_run) = run.admin_run else {
        return Err(Error::invalid_input(
            format!("Run {id} is not in the administrator's own records, so it cannot be undone."),
            "Install the earlier versions by hand with apt-get install NAME=VERSION.",
        ));
    };
    if let Some(by) = run.undone_by {
        return Err(Error::invalid_input(
            format!("Run {id} was already undone by run {by}."),
            "Nothing needs doing.",
        ));
    }
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let undone = updates::undo(
                &Apt::this_computer(),
                &state,
                admin_run,
                config,
                s.actor,
                now,
            );
            published(&state, now, undone)
        })
    } else {
        door::run(Request::UpdatesUndo {
            run: admin_run,
            config,
        })
    };
    mirrored(s, now, "updates.undo", answered)
}

/// Finishes an interrupted installation.
pub fn repair(s: Session<'_>, now: DateTime<Utc>) -> Result<UpdateRun> {
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = updates::repair(&Apt::this_computer(), &state, s.actor, now);
            published(&state, now, run)
        })
    } else {
        door::run(Request::UpdatesRepair)
    };
    mirrored(s, now, "updates.repair", answered)
}

/// Installs `name`, a package a fix needs (see `maintain::needed`).
pub fn install_needed(s: Session<'_>, name: &str, now: DateTime<Utc>) -> Result<UpdateRun> {
    let answered = if admin::running_as_root() {
        RootState::open(now).and_then(|state| {
            let run = updates::install_needed(&Apt::this_computer(), &state, name, s.actor, now);
            published(&state, now, run)
        })
    } else {
        door::run(Request::InstallNeeded(name.to_string()))
    };
    mirrored(s, now, "updates.install", answered)
}

/// The user's update history, newest first.
pub fn history(s: Session<'_>) -> Result<Vec<UpdateRun>> {
    updates::history(s.store)
}

/// Root's log is published after each request, whatever its end.
pub(super) fn published<T>(
    state: &RootState,
    now: DateTime<Utc>,
    answered: Result<T>,
) -> Result<T> {
    if let Err(e) = state.publish(now) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    answered
}

/// Keeps root's answer in the user's own history, or records the refusal.
pub(super) fn mirrored(
    s: Session<'_>,
    now: DateTime<Utc>,
    action: &str,
    answered: Result<UpdateRun>,
) -> Result<UpdateRun> {
    match answered {
        Ok(run) => updates::mirror(s.store, now, s.actor, &run, action),
        Err(e) => {
            let entry = NewEntry::failed(
                action,
                "this computer",
                &e.message,
                serde_json::json!({ "code": e.code }),
            );
            if let Err(not_recorded) = crate::audit::append(s.store, now, s.actor, entry) {
                eprintln!("shipshape: {} {}", not_recorded.message, not_recorded.hint);
            }
            Err(e)
        }
    }
}

/// The helper's side: one checked update request, as root.
pub fn serve(request: Request, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let mut actor = Actor::current(Source::Helper);
    if let Some(user) = door::requester() {
        actor.user = user;
    }
    let apt = Apt::this_computer();
    let state = RootState::open(now)?;
    let answer = match request {
        Request::UpdatesRefresh => apt
            .refresh()
            .map(|()| serde_json::json!({ "refreshed": true })),
        Request::UpdatesApply(choice) => updates::apply(
            &apt,
            &state,
            choice,
            &actor,
            now,
            &door::ReportToDoor,
            &door::cancel_from_door(),
        )
        .and_then(to_json),
        Request::UpdatesUndo { run, config } => {
            updates::undo(&apt, &state, run, config, &actor, now).and_then(to_json)
        }
        Request::UpdatesRepair => updates::repair(&apt, &state, &actor, now).and_then(to_json),
        Request::InstallNeeded(name) => {
            updates::install_needed(&apt, &state, &name, &actor, now).and_then(to_json)
        }
        _ => Err(Error::internal("Not an update request.")),
    };
    if let Err(e) = state.publish(now) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    answer
}

fn to_json(run: UpdateRun) -> Result<serde_json::Value> {
    serde_json::to_value(run)
        .map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
}
