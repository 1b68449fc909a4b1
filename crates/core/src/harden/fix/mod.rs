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

pub mod access_change;
pub mod auto_updates;
pub mod backup;
pub mod change;
pub mod edit;
pub mod guard;
pub mod layered;
pub mod remedy;
pub mod service;
pub mod switch_off;
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
        || switch_off::unit_of(check_id).is_some()
        || access_change::AccessChange::of(check_id).is_some()
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
    if let Some(unit) = switch_off::unit_of(check_id) {
        let preview = Preview {
            check_id: check_id.to_string(),
            title: format!("Switch off {unit}"),
            steps: Vec::new(),
            notes: vec![
                "Undo starts the service again and lets it start with the computer, as before."
                    .into(),
            ],
        };
        return planned(preview, switch_off::plan(host, unit)?);
    }
    if let Some(change) = access_change::AccessChange::of(check_id) {
        let preview = Preview {
            check_id: check_id.to_string(),
            title: change.title(),
            steps: Vec::new(),
            notes: vec![
                "Undo puts the file back as it was, so the account or right works again.".into(),
            ],
        };
        return planned(preview, change.plan(host)?);
    }
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
    let preview = Preview {
        check_id: check.id.to_string(),
        title: check.title.to_string(),
        steps: Vec::new(),
        notes,
    };
    planned(preview, edits)
}

/// The plan of `edits`, shown in `preview` (whose steps it fills in).
fn planned(mut preview: Preview, edits: Vec<edit::Edit>) -> Result<Planned> {
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
    preview.steps = shown;
    Ok(Planned {
        preview,
        steps,
        blobs,
    })
}

fn run_check(host: &Target, check_id: &str) -> Result<Finding> {
    if let Some(unit) = switch_off::unit_of(check_id) {
        return switch_off::finding(host, check_id, unit);
    }
    if let Some(change) = access_change::AccessChange::of(check_id) {
        return change.finding(host);
    }
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
    match planned {
        Ok(p) => carry_out(store, backups, host, p, actor, now),
        Err(e) => {
            refused(store, now, actor, "security.fix", check_id, &e);
            Err(e)
        }
    }
}

/// Backs up, changes and records what `plan` found to do. The new backups
/// are removed again only when every change was put back: they are what a
/// file left changed is repaired from.
fn carry_out(
    store: &Store,
    backups: &Backups,
    host: &Target,
    planned: Planned,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    let log = Log::new(store, backups, actor, now, "security.fix");
    let stored = backups.keep_all(&planned.blobs)?;
    if let Err(s) = apply(host.root(), backups, &planned.steps) {
        if s.not_put_back.is_empty() {
            backups.forget(&stored);
        }
        return Err(log.stopped(&planned.preview.check_id, s));
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
    log.record(host, change)
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
    let log = Log::new(store, backups, actor, now, "security.undo");
    let steps: Vec<Step> = original.steps.iter().rev().map(Step::reversed).collect();
    if let Err(s) = apply(host.root(), backups, &steps) {
        return Err(log.stopped(&original.check_id, s));
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
    log.record(&host, change)
}

/// Where a fix or an undo is told: the store and its activity log, the
/// backups a file left changed is repaired from, who acts and when, and
/// the action's name in the log.
struct Log<'a> {
    store: &'a Store,
    backups: &'a Backups,
    actor: &'a Actor,
    now: DateTime<Utc>,
    action: &'static str,
}

impl<'a> Log<'a> {
    fn new(
        store: &'a Store,
        backups: &'a Backups,
        actor: &'a Actor,
        now: DateTime<Utc>,
        action: &'static str,
    ) -> Self {
        Log {
            store,
            backups,
            actor,
            now,
            action,
        }
    }

    /// Keeps `change`, made on `host`, with its entry, and runs its check
    /// again.
    fn record(&self, host: &Target, change: Change) -> Result<FixOutcome> {
        let recheck = run_check(host, &change.check_id);
        let status = recheck.as_ref().map_or("error", |f| f.status.as_str());
        // The change and its entry are committed together: a change that is
        // kept is always in the activity log.
        let recorded = audit::append_with(self.store, self.now, self.actor, |tx| {
            let recorded = change::insert_in(tx, change.clone())?;
            let details = serde_json::json!({
                "change": recorded.id,
                "undoes": recorded.undoes,
                "root": recorded.root,
                "files": recorded.steps.iter().map(Step::target).collect::<Vec<_>>(),
                "recheck": status,
            });
            let entry = NewEntry::ok(self.action, &recorded.check_id, details);
            Ok((recorded, entry))
        });
        let recorded = match recorded {
            Ok((c, _)) => c,
            Err(e) => {
                // Without a record there would be no undo: put the files back.
                let back: Vec<Step> = change.steps.iter().rev().map(Step::reversed).collect();
                return Err(match apply(host.root(), self.backups, &back) {
                    Ok(()) => e,
                    Err(s) => self.not_put_back(
                        &change.check_id,
                        format!(
                            "The change could not be recorded ({}), and turning it back failed too ({})",
                            e.message, s.cause.message
                        ),
                        change.steps.iter().map(Step::target).collect(),
                    ),
                });
            }
        };
        Ok(FixOutcome {
            change: recorded,
            recheck: recheck?,
        })
    }

    /// Reports a change on `id` that `apply` stopped: as refused when
    /// everything it did was turned back, else naming what is left changed.
    fn stopped(&self, id: &str, s: Stopped) -> Error {
        if s.not_put_back.is_empty() {
            refused(self.store, self.now, self.actor, self.action, id, &s.cause);
            return s.cause;
        }
        let why: Vec<String> = s
            .not_put_back
            .iter()
            .map(|(target, e)| format!("{target}: {}", e.message))
            .collect();
        self.not_put_back(
            id,
            format!(
                "The change stopped ({}), and turning back what it had done failed too ({})",
                s.cause.message,
                why.join("; ")
            ),
            s.not_put_back
                .into_iter()
                .map(|(target, _)| target)
                .collect(),
        )
    }

    /// A change on `id` that could not be turned back: `what` says why, and
    /// `left` is what stays changed. The user is told, and the log keeps
    /// the list; when the log cannot be written either, the error says so.
    fn not_put_back(&self, id: &str, what: String, left: Vec<String>) -> Error {
        let message = format!("{what}, so these are left changed: {}.", left.join(", "));
        let details = serde_json::json!({ "code": ErrorCode::Io, "left_changed": left });
        let entry = NewEntry::failed(self.action, id, &message, details);
        let message = match audit::append(self.store, self.now, self.actor, entry) {
            Ok(_) => message,
            Err(e) => format!(
                "{message} The activity log could not record this: {}",
                e.message
            ),
        };
        Error::new(
            ErrorCode::Io,
            message,
            format!(
                "Compare them with the preview and put them back by hand; the backups Shipshape kept, named by SHA-256, are in {}.",
                self.backups.dir().display()
            ),
        )
    }
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

/// Why `apply` stopped, and what it then could not turn back.
#[derive(Debug)]
pub struct Stopped {
    /// The failure that stopped the change.
    pub cause: Error,
    /// Each step that could not be turned back, by target, with why: these
    /// are left changed.
    pub not_put_back: Vec<(String, Error)>,
}

/// Carries out `steps` in order. Each step first checks that its target is
/// in the state the step expects; on any failure the steps already done
/// are turned back, so nothing is left half-changed, and a step that cannot
/// be turned back is named in the answer rather than passed over.
///
/// Restarts (and reloads) come last, whichever way the change goes: a
/// service restarted before its files are written (or put back) would read
/// the wrong ones.
/// When a restart fails, the other steps are turned back and the service
/// restarted again, so it runs with the files it had.
pub fn apply(root: &Path, backups: &Backups, steps: &[Step]) -> std::result::Result<(), Stopped> {
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
    let mut not_put_back = Vec::new();
    if result.is_err() {
        let mut put_back = |step: &Step| {
            if let Err(e) = write::step(root, backups, step) {
                not_put_back.push((step.target(), e));
            }
        };
        for earlier in steps[..done].iter().rev() {
            put_back(&earlier.reversed());
        }
        if done == steps.len() {
            for restart in &restarts {
                put_back(restart);
            }
        }
    }
    let links_changed = steps.iter().any(|s| matches!(s, Step::Link { .. }));
    if links_changed && root == Path::new("/") {
        service::reload();
    }
    result.map_err(|cause| Stopped {
        cause,
        not_put_back,
    })
}

/// A step may run only when its target is as the step expects.
fn conflict(root: &Path, step: &Step) -> Result<()> {
    match step {
        Step::File { path, before, .. } => {
            let now = crate::as_account::on(root, path, &Target::shown(path), || {
                FileState::read(&write::under(root, path)?)
            })?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::audit::{Filter, Outcome, Source};
    use change::checksum;

    const FIRST_BEFORE: &[u8] = b"first, as found\n";
    const FIRST_AFTER: &[u8] = b"first, fixed\n";
    const SECOND_BEFORE: &[u8] = b"second, as found\n";
    const SECOND_AFTER: &[u8] = b"second, fixed\n";

    /// A fixture root with two files, and a fix planned for both. The
    /// second file is edited after planning, so the fix stops at it and
    /// turns the first one back.
    struct Bench {
        tmp: tempfile::TempDir,
        store: Store,
        backups: Backups,
    }

    impl Bench {
        fn new() -> Bench {
            let tmp = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(tmp.path().join("root/etc")).unwrap();
            let (store, _) = Store::open(&tmp.path().join("data"), Utc::now()).unwrap();
            let backups = Backups::open(&tmp.path().join("data")).unwrap();
            Bench {
                tmp,
                store,
                backups,
            }
        }

        fn root(&self) -> std::path::PathBuf {
            self.tmp.path().join("root")
        }

        /// The planned fix; without `first_backup` the first file's content
        /// as found has no backup, so it cannot be put back.
        fn fix(&self, first_backup: bool) -> Result<FixOutcome> {
            let step = |name: &str, before: &[u8], after: &[u8]| {
                let path = self.root().join("etc").join(name);
                std::fs::write(&path, before).unwrap();
                let found = FileState::read(&path).unwrap().unwrap();
                let fixed = FileState {
                    sha256: checksum(after),
                    size: after.len() as u64,
                    ..found.clone()
                };
                Step::File {
                    path: format!("etc/{name}"),
                    before: Some(found),
                    after: Some(fixed),
                }
            };
            let steps = vec![
                step("first.conf", FIRST_BEFORE, FIRST_AFTER),
                step("second.conf", SECOND_BEFORE, SECOND_AFTER),
            ];
            std::fs::write(self.root().join("etc/second.conf"), "edited by hand\n").unwrap();
            let mut blobs = vec![FIRST_AFTER.to_vec(), SECOND_AFTER.to_vec()];
            blobs.push(SECOND_BEFORE.to_vec());
            if first_backup {
                blobs.push(FIRST_BEFORE.to_vec());
            }
            let planned = Planned {
                preview: Preview {
                    check_id: "files.example".into(),
                    title: "Example".into(),
                    steps: Vec::new(),
                    notes: Vec::new(),
                },
                steps,
                blobs,
            };
            let actor = Actor {
                user: "alice".into(),
                source: Source::Cli,
            };
            let host = Target::new(&self.root(), 0);
            carry_out(
                &self.store,
                &self.backups,
                &host,
                planned,
                &actor,
                Utc::now(),
            )
        }

        fn first(&self) -> Vec<u8> {
            std::fs::read(self.root().join("etc/first.conf")).unwrap()
        }

        fn kept(&self, content: &[u8]) -> bool {
            self.backups.get(&checksum(content)).is_ok()
        }
    }

    #[test]
    fn a_fix_turned_back_whole_is_refused_and_its_new_backups_removed() {
        let bench = Bench::new();
        let e = bench.fix(true).unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
        assert_eq!(bench.first(), FIRST_BEFORE);
        assert!(!bench.kept(FIRST_AFTER) && !bench.kept(SECOND_AFTER));
    }

    #[test]
    fn a_fix_that_cannot_be_turned_back_names_what_is_left_changed_logs_it_and_keeps_its_backups() {
        let bench = Bench::new();
        let e = bench.fix(false).unwrap_err();
        assert_eq!(e.code, ErrorCode::Io);
        assert!(
            e.message.contains("left changed: /etc/first.conf.")
                && e.message.contains("second.conf was changed after")
                && e.message.contains("backup"),
            "{}",
            e.message
        );
        assert!(
            e.hint.contains(&bench.backups.dir().display().to_string()),
            "{}",
            e.hint
        );
        assert_eq!(bench.first(), FIRST_AFTER);
        let log = audit::list(&bench.store, &Filter::default()).unwrap();
        let [entry] = log.as_slice() else {
            panic!("one entry expected: {log:?}");
        };
        assert_eq!(
            (entry.action.as_str(), entry.outcome),
            ("security.fix", Outcome::Failed)
        );
        assert_eq!(entry.reason.as_deref(), Some(e.message.as_str()));
        assert_eq!(
            entry.details["left_changed"],
            serde_json::json!(["/etc/first.conf"])
        );
        assert!(bench.kept(FIRST_AFTER) && bench.kept(SECOND_AFTER));
    }
}
