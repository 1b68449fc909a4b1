//! Fixes with a safety net: a preview of the exact change, a backup of
//! every file touched, an atomic write that keeps owner and mode, the check
//! run again, and undo (which can itself be undone).
//!
//! A fix is planned from what is on disk now (`remedy`), shown as a
//! `Preview`, then carried out as a `Change`: a list of steps, each with the
//! state before and after. Undo is the same change turned around, so fix,
//! undo and undo of undo share one code path (`apply`), and each step first
//! checks that the file is still as the change left it, so a file edited
//! since is shown as a conflict, never overwritten.

pub mod auto_updates;
pub mod backup;
pub mod change;
pub mod edit;
pub mod guard;
pub mod layered;
pub mod remedy;
pub mod service;
pub mod ufw;
pub mod write;

use super::check::{Finding, Status};
use super::target::Target;
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use backup::Backups;
use change::{Change, ChangeKind, FileState, Step};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// One step of a fix as the preview dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PreviewStep {
    /// The file or kernel setting, as the user knows it: "/etc/ssh/sshd_config".
    pub target: String,
    /// What happens, in plain words: "Change 1 line", "Only root may read it".
    pub summary: String,
    /// A unified diff for a file's content; empty when only its
    /// permissions change.
    pub diff: String,
    /// The equivalent command, for a change of permissions or a kernel setting.
    pub command: String,
}

/// What a fix would change, before anything is changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Preview {
    pub check_id: String,
    pub title: String,
    pub steps: Vec<PreviewStep>,
    /// Things to know before applying: what the lockout guard found, what
    /// needs a restart to take effect.
    pub notes: Vec<String>,
}

impl Preview {
    /// A fingerprint of exactly what the preview shows (SHA-256 of its
    /// JSON): applying with it refuses when the plan changed since.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        change::checksum(&json)
    }
}

/// What a fix or an undo did, and the check's verdict afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FixOutcome {
    pub change: Change,
    /// The check run again after the change.
    pub recheck: Finding,
}

pub use remedy::fixable_ids;

/// Whether `check_id` has an automated fix.
pub fn has_fix(check_id: &str) -> bool {
    remedy::find(check_id).is_some()
}

/// Plans the fix of `check_id` on `host` and shows it, changing nothing.
pub fn preview(host: &Target, check_id: &str) -> Result<Preview> {
    let planned = plan(host, check_id)?;
    Ok(planned.preview)
}

struct Planned {
    preview: Preview,
    steps: Vec<Step>,
    /// New contents, keyed by checksum, to back up before any write.
    blobs: Vec<Vec<u8>>,
}

fn plan(host: &Target, check_id: &str) -> Result<Planned> {
    let check = super::catalogue()
        .into_iter()
        .find(|c| c.id == check_id)
        .ok_or_else(|| {
            Error::invalid_input(
                format!("There is no check called \"{check_id}\"."),
                "Run shipshape scan to see every check's id.",
            )
        })?;
    let Some(remedy) = remedy::find(check_id) else {
        return Err(Error::invalid_input(
            format!("Shipshape has no automatic fix for \"{}\".", check.title),
            format!("What to do by hand: {}", check.remediation),
        ));
    };
    let finding = run_check(host, check_id)?;
    if finding.status == Status::NeedsAdmin {
        return Err(Error::new(
            ErrorCode::NeedsAdmin,
            format!("Only an administrator can look at this: {}", finding.detail),
            "Run the fix as an administrator: it asks for the administrator's password.",
        ));
    }
    if !matches!(finding.status, Status::Fail | Status::Warning) {
        return Err(Error::invalid_input(
            format!("Nothing to fix: {}", finding.detail),
            "Run the scan again to see what still needs attention.",
        ));
    }
    let mut notes = guard::check(host, check_id)?;
    let edits = remedy.plan(host, check_id)?;
    if edits.is_empty() {
        return Err(Error::invalid_input(
            format!(
                "Shipshape found nothing it can change for \"{}\".",
                check.title
            ),
            format!("What to do by hand: {}", check.remediation),
        ));
    }
    notes.extend(remedy.note().map(str::to_string));
    let mut steps = Vec::new();
    let mut shown = Vec::new();
    let mut blobs = Vec::new();
    for e in edits {
        shown.push(e.preview());
        if let Some(bytes) = e.after_bytes() {
            blobs.push(bytes.to_vec());
        }
        if let Some(bytes) = e.before_bytes() {
            blobs.push(bytes.to_vec());
        }
        steps.push(e.into_step());
    }
    Ok(Planned {
        preview: Preview {
            check_id: check.id.to_string(),
            title: check.title.to_string(),
            steps: shown,
            notes,
        },
        steps,
        blobs,
    })
}

fn run_check(host: &Target, check_id: &str) -> Result<Finding> {
    let scan = super::scan(host, Some(check_id), Utc::now())?;
    scan.checks
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal(format!("The check {check_id} gave no result.")))
}

/// Fixes `check_id` on `host`: backs up, changes, records, audits, and
/// runs the check again. Any failure before the change is recorded puts
/// back what was already changed. `seen` is the preview the user agreed
/// to (its `digest`): when the computer changed since, nothing is done.
pub fn fix(
    store: &Store,
    backups: &Backups,
    host: &Target,
    check_id: &str,
    seen: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    let planned = match plan(host, check_id) {
        Ok(p) if seen.is_some_and(|s| s != p.preview.digest()) => Err(Error::new(
            ErrorCode::Conflict,
            "The computer changed since the preview, so nothing was done.",
            "Open the fix again to see what it would change now.",
        )),
        other => other,
    };
    let planned = match planned {
        Ok(p) => p,
        Err(e) => {
            refused(store, now, actor, "security.fix", check_id, &e);
            return Err(e);
        }
    };
    let stored = backups.keep_all(&planned.blobs)?;
    if let Err(e) = apply(host.root(), backups, &planned.steps) {
        backups.forget(&stored);
        refused(store, now, actor, "security.fix", check_id, &e);
        return Err(e);
    }
    let change = Change {
        id: 0,
        time: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        actor: actor.user.clone(),
        check_id: planned.preview.check_id.clone(),
        title: planned.preview.title.clone(),
        root: host.root().display().to_string(),
        kind: ChangeKind::Fix,
        undoes: None,
        undone_by: None,
        admin_change: None,
        steps: planned.steps,
    };
    record(store, backups, host, change, actor, now, "security.fix")
}

/// Undoes change `id` (a fix, or an undo: undoing an undo applies the fix
/// again). A file changed since is a conflict, and nothing is written.
pub fn undo(
    store: &Store,
    backups: &Backups,
    id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    undo_change(store, backups, change::get(store, id)?, actor, now)
}

/// Undoes `original`, a change as recorded in `store`.
fn undo_change(
    store: &Store,
    backups: &Backups,
    original: Change,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    let id = original.id;
    let undone_by = change::get(store, id)?.undone_by;
    if let Some(by) = undone_by.or(original.undone_by) {
        return Err(Error::invalid_input(
            format!("Change {id} was already undone by change {by}."),
            format!("To apply it again, undo change {by}."),
        ));
    }
    let host = Target::new(
        Path::new(&original.root),
        now.timestamp().div_euclid(86_400),
    );
    let steps: Vec<Step> = original.steps.iter().rev().map(Step::reversed).collect();
    if let Err(e) = apply(host.root(), backups, &steps) {
        refused(store, now, actor, "security.undo", &original.check_id, &e);
        return Err(e);
    }
    let change = Change {
        id: 0,
        time: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        actor: actor.user.clone(),
        check_id: original.check_id.clone(),
        title: original.title.clone(),
        root: original.root.clone(),
        kind: ChangeKind::Undo,
        undoes: Some(id),
        undone_by: None,
        admin_change: None,
        steps,
    };
    record(store, backups, &host, change, actor, now, "security.undo")
}

fn record(
    store: &Store,
    backups: &Backups,
    host: &Target,
    change: Change,
    actor: &Actor,
    now: DateTime<Utc>,
    action: &str,
) -> Result<FixOutcome> {
    let recheck = run_check(host, &change.check_id);
    let status = recheck.as_ref().map_or("error", |f| f.status.as_str());
    // The change and its entry are committed together: a change that is
    // kept is always in the activity log.
    let recorded = audit::append_with(store, now, actor, |tx| {
        let recorded = change::insert_in(tx, change.clone())?;
        let details = serde_json::json!({
            "change": recorded.id,
            "undoes": recorded.undoes,
            "root": recorded.root,
            "files": recorded.steps.iter().map(Step::target).collect::<Vec<_>>(),
            "recheck": status,
        });
        let entry = NewEntry::ok(action, &recorded.check_id, details);
        Ok((recorded, entry))
    });
    let recorded = match recorded {
        Ok((c, _)) => c,
        Err(e) => {
            // Without a record there would be no undo: put the files back.
            let back: Vec<Step> = change.steps.iter().rev().map(Step::reversed).collect();
            return Err(match apply(host.root(), backups, &back) {
                Ok(()) => e,
                Err(put_back) => not_put_back(store, now, actor, action, &change, &e, &put_back),
            });
        }
    };
    Ok(FixOutcome {
        change: recorded,
        recheck: recheck?,
    })
}

/// A change that could not be recorded and then not be turned back: the
/// files are left changed, which the user is told and the log keeps.
fn not_put_back(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    change: &Change,
    cause: &Error,
    put_back: &Error,
) -> Error {
    let files: Vec<String> = change.steps.iter().map(Step::target).collect();
    let message = format!(
        "The change could not be recorded ({}), and turning it back failed too ({}), so these are left changed: {}.",
        cause.message,
        put_back.message,
        files.join(", ")
    );
    let e = Error::new(
        ErrorCode::Io,
        message,
        "Compare those files with the preview and put them back by hand; the activity log lists them.",
    );
    refused(store, now, actor, action, &change.check_id, &e);
    e
}

/// Records in the activity log that `action` on `id` was refused or failed.
pub(crate) fn refused(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    action: &str,
    id: &str,
    e: &Error,
) {
    let _ = audit::append(
        store,
        now,
        actor,
        NewEntry::failed(
            action,
            id,
            &e.message,
            serde_json::json!({ "code": e.code }),
        ),
    );
}

/// Carries out `steps` in order. Each step first checks that its target is
/// in the state the step expects; on any failure the steps already done
/// are turned back, so nothing is left half-changed.
///
/// Restarts (and reloads) come last, whichever way the change goes: a
/// service restarted before its files are written (or put back) would read
/// the wrong ones.
/// When a restart fails, the other steps are turned back and the service
/// restarted again, so it runs with the files it had.
pub fn apply(root: &Path, backups: &Backups, steps: &[Step]) -> Result<()> {
    let (restarts, steps): (Vec<&Step>, Vec<&Step>) = steps
        .iter()
        .partition(|s| matches!(s, Step::Restart { .. }));
    let mut result = Ok(());
    let mut done = 0;
    for step in &steps {
        let made = conflict(root, step).and_then(|()| write::step(root, backups, step));
        if let Err(e) = made {
            result = Err(e);
            break;
        }
        done += 1;
    }
    if result.is_ok()
        && let Err(e) = restarts
            .iter()
            .try_for_each(|s| write::step(root, backups, s))
    {
        result = Err(e);
    }
    if result.is_err() {
        for earlier in steps[..done].iter().rev() {
            let _ = write::step(root, backups, &earlier.reversed());
        }
        if done == steps.len() {
            for restart in &restarts {
                let _ = write::step(root, backups, restart);
            }
        }
    }
    let links_changed = steps.iter().any(|s| matches!(s, Step::Link { .. }));
    if links_changed && root == Path::new("/") {
        service::reload();
    }
    result
}

/// A step may run only when its target is as the step expects.
fn conflict(root: &Path, step: &Step) -> Result<()> {
    match step {
        Step::File { path, before, .. } => {
            let now = FileState::read(&write::under(root, path)?)?;
            if now.as_ref() != before.as_ref() {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} was changed after Shipshape last changed it, so it was left alone.",
                        Target::shown(path)
                    ),
                    "Compare the file with the preview, make the change by hand, or run the scan again and fix from there.",
                ));
            }
        }
        Step::Kernel { path, before, .. } => {
            let now = write::read_kernel(&write::under(root, path)?)?;
            if now.trim() != before.trim() {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!(
                        "The kernel setting {} is now {}, not {} as Shipshape left it, so it was left alone.",
                        change::setting_name(path),
                        now.trim(),
                        before.trim()
                    ),
                    "Run the scan again and decide from there.",
                ));
            }
        }
        Step::Link { path, before, .. } => {
            let now = write::read_link(&write::under(root, path)?)?;
            if now != *before {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} was changed after Shipshape last changed it, so it was left alone.",
                        Target::shown(path)
                    ),
                    "Run the scan again and decide from there.",
                ));
            }
        }
        // A restart expects nothing: it only makes a service read again.
        Step::Restart { .. } => {}
        Step::Running { unit, before, .. } => {
            if service::running(unit)? != *before {
                let now = if *before { "stopped" } else { "running" };
                return Err(Error::new(
                    ErrorCode::Conflict,
                    format!("{unit} is {now} now, not as Shipshape left it, so it was left alone."),
                    format!("Start or stop {unit} by hand (systemctl), or run the scan again."),
                ));
            }
        }
    }
    Ok(())
}
