//! Backups for both shells and for the systemd timer. Backups are root's:
//! root reads every file, runs them when nobody is logged in, and keeps
//! them in its records. Setting one up makes the office's password with
//! the Credentials generator and keeps it only in the keychain; root gets
//! it once (through the helper's standard input) to add it as the
//! recovery key, and opens the repository with its own sealed key
//! (`backup::sealed`). A user's app or CLI asks the helper for every run,
//! and reads the board root publishes after each. A backup on another
//! computer is reached with root's own SSH key once the administrator
//! confirmed that computer's host key (`backup::remote`); one on a REST
//! server once they confirmed its certificate and gave its account's
//! password (`backup::rest`).

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::{RootPaths, RootState};
use crate::admin::{self};
use crate::audit::Actor;
use crate::backup::board::{self, BackupBoard};
use crate::backup::browse::Entry;
use crate::backup::estimate::Estimate;
use crate::backup::remote::{self, HostKey, RootSsh, Sftp};
use crate::backup::rest::{self, Rest, RootRest};
use crate::backup::restic::Snapshot;
use crate::backup::sealed::SealedKeys;
use crate::backup::{
    self, BackupOutcome, BackupRun, Location, NewRepository, Plan, Repository, Retention,
};
use crate::progress::{Cancel, NoProgress, Progress};
use crate::vault::{self, Details, Keychain, Kind, Recipe, Secret, Vault};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// What the vault records as the password's user.
const USED_BY: &str = "backups";

/// Words, easy to read out and to write on a recovery sheet: 7 of 7,776
/// (over 90 bits).
const PASSWORD: Recipe = Recipe::Words { count: 7 };

/// Said when a backup is already running.
const BUSY: &str = "A backup is running on this computer right now, so this one was not started.";

/// What is usually backed up: home folders and /etc, without caches.
pub fn defaults() -> Plan {
    Plan::usual()
}

/// How a backup comes to Shipshape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// A new repository, with a new password.
    Made,
    /// One made elsewhere, opened with its password.
    Connected,
}

/// How much `plan` would back up, counted with this account's rights.
pub fn estimate(plan: &Plan, progress: &dyn Progress, cancel: &Cancel) -> Result<Estimate> {
    backup::estimate::estimate(&plan.clone().checked()?, progress, cancel)
}

/// Where a backup goes, as the administrator gave it: `to` (a folder's
/// full path, or `sftp:USER@HOST[:PORT]:/folder`), and for another
/// computer the fingerprint of its host key they confirmed, if they did.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    pub to: &'a str,
    pub trust_host_key: Option<&'a str>,
}

impl Destination<'_> {
    /// The place, and the confirmed fingerprint in its one form; a
    /// fingerprint is taken only for another computer.
    fn checked(self) -> Result<(Location, Option<String>)> {
        let to = Location::parse(self.to)?;
        let trust = self
            .trust_host_key
            .map(crate::ssh::checked_fingerprint)
            .transpose()?;
        if trust.is_some() && !matches!(to, Location::Sftp(_)) {
            return Err(Error::invalid_input(
                format!("{to} is not reached over SSH, so it has no host key to trust."),
                "Leave out --trust-host-key: it is only for a backup on another computer (sftp:USER@HOST:/folder). A backup server's certificate is trusted with shipshape backup server --trust-certificate.",
            ));
        }
        Ok((to, trust))
    }
}

/// Sets up a backup called `name` at `to` backing up `plan`: a new
/// password, kept in the vault as "Backup: NAME", then the repository,
/// made by root. When the repository cannot be made, the password is
/// taken out of the vault again.
pub fn init(
    s: Session<'_>,
    keychain: &Keychain,
    name: &str,
    to: Destination<'_>,
    plan: Plan,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let password = vault::generate(&PASSWORD)?;
    set_up(s, keychain, Setup::Made, name, to, plan, &password, now)
}

/// Connects a backup made elsewhere (by restic, or by Shipshape on another
/// computer) at `to`, opened with `password`, which is kept in the vault
/// as "Backup: NAME".
pub fn connect(
    s: Session<'_>,
    keychain: &Keychain,
    name: &str,
    to: Destination<'_>,
    plan: Plan,
    password: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    set_up(s, keychain, Setup::Connected, name, to, plan, password, now)
}

#[allow(clippy::too_many_arguments)]
fn set_up(
    s: Session<'_>,
    keychain: &Keychain,
    how: Setup,
    name: &str,
    to: Destination<'_>,
    plan: Plan,
    password: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let plan = plan.checked()?;
    let (to, trust) = to.checked()?;
    let vault = Vault::new(s.store, keychain, s.actor);
    let password_name = backup::password_name(name.trim());
    let credential = vault.add(
        now,
        Details {
            name: password_name.clone(),
            kind: Kind::BackupRepository,
            username: String::new(),
            url: to.shown(),
            notes: "Without this password the backup cannot be read. Keep it on the recovery sheet, away from the computer.".into(),
            rotate_days: None,
        },
        password,
    )?;
    let new = NewRepository {
        name: name.trim().to_string(),
        to,
        plan,
        password_name,
    };
    let made = if admin::running_as_root() {
        set_up_as_root(s.actor, how, new, trust.as_deref(), password, now)
    } else {
        let (name, to, plan) = (new.name, new.to, new.plan);
        let request = match how {
            Setup::Made => Request::BackupInit {
                name,
                to,
                trust,
                plan,
            },
            Setup::Connected => Request::BackupConnect {
                name,
                to,
                trust,
                plan,
            },
        };
        door::run_giving(request, password)
    };
    if made.is_err() {
        let _ = vault.remove(now, &credential.id);
    }
    made
}

fn set_up_as_root(
    actor: &Actor,
    how: Setup,
    new: NewRepository,
    trust: Option<&str>,
    office: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let state = RootState::open(now)?;
    let made = made_as_root(&state, actor, how, new, trust, office, now);
    publish(&state, now, Listing::All);
    made
}

fn made_as_root(
    state: &RootState,
    actor: &Actor,
    how: Setup,
    new: NewRepository,
    trust: Option<&str>,
    office: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    match &new.to {
        Location::Sftp(to) => {
            let ssh = RootSsh::in_state(&state.paths.state);
            remote::ready(&state.store, actor, &ssh, to, trust, now)?;
        }
        Location::Rest(to) => rest::ready(&RootRest::in_state(&state.paths.state), to)?,
        Location::Folder(_) => {}
    }
    let keys = SealedKeys::in_state(&state.paths.state)?;
    let (token, own) = keys.make()?;
    let made = match how {
        Setup::Made => backup::init(&state.store, actor, new, (&token, &own), office, now),
        Setup::Connected => backup::connect(&state.store, actor, new, (&token, &own), office, now),
    };
    if made.is_err() {
        keys.remove(&token);
    }
    made
}

/// What the administrator needs to set up a backup on the computer `to`
/// names (`sftp:USER@HOST[:PORT]:/folder`): the fingerprint of its host
/// key now, the one trusted for it, and root's key to add there. With
/// `trust_host_key`, the fingerprint they confirmed, that host key is
/// trusted (refused when the computer offers another now). As root
/// directly, otherwise through the helper: root's key is root's.
pub fn host_key(
    to: &str,
    trust_host_key: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<HostKey> {
    let to = Sftp::parse(to)?;
    let trust = trust_host_key
        .map(crate::ssh::checked_fingerprint)
        .transpose()?;
    if !admin::running_as_root() {
        return door::run(Request::BackupHostKey { to, trust });
    }
    let state = RootState::open(now)?;
    let ssh = RootSsh::in_state(&state.paths.state);
    let answer = match trust {
        Some(fingerprint) => remote::trust(&state.store, actor, &ssh, &to, &fingerprint, now),
        None => remote::host_key(&state.store, actor, &ssh, &to, now),
    };
    if let Err(e) = state.publish(now) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    answer
}

/// What the administrator needs to set up a backup on the REST server
/// `to` names (`rest:https://USER@HOST[:PORT]/folder`): the fingerprint of
/// the certificate it shows now and the one trusted. With
/// `trust_certificate`, the fingerprint they confirmed, that certificate
/// is trusted; with `login`, the account's password is kept sealed for
/// root. Once both are there, the server is tried with them: a wrong
/// password or another certificate is said, and a backup already there
/// too. As root directly, otherwise through the helper.
pub fn server(
    to: &str,
    trust_certificate: Option<&str>,
    login: Option<&Secret>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<rest::Server> {
    let to = Rest::parse(to)?;
    let trust = trust_certificate
        .map(rest::checked_fingerprint)
        .transpose()?;
    if !admin::running_as_root() {
        let request = Request::BackupServer {
            to,
            trust,
            login: login.is_some(),
        };
        return match login {
            Some(login) => door::run_giving(request, login),
            None => door::run(request),
        };
    }
    let state = RootState::open(now)?;
    let keep = RootRest::in_state(&state.paths.state);
    let answer = if trust.is_some() || login.is_some() {
        rest::trust(
            &state.store,
            actor,
            &keep,
            &to,
            trust.as_deref(),
            login,
            now,
        )
    } else {
        rest::server(&keep, &to)
    }
    .and_then(|answer| tried(&state, &to, answer, login.is_some()));
    if let Err(e) = state.publish(now) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    answer
}

/// `answer` with whether the server let Shipshape in, once the
/// certificate it shows is the one trusted and the password is kept
/// (before, not tried: a changed certificate is shown, not an error). A
/// password refused is an error when `given` now, and then not kept;
/// one kept before and refused now is said as not ready, so it can be
/// given again.
fn tried(
    state: &RootState,
    to: &Rest,
    mut answer: rest::Server,
    given: bool,
) -> Result<rest::Server> {
    let keep = RootRest::in_state(&state.paths.state);
    let shows_trusted = answer.fingerprint == answer.trusted;
    if !shows_trusted || rest::ready(&keep, to).is_err() {
        return Ok(answer);
    }
    match backup::try_server(&state.store, to)? {
        Some(has_backup) => {
            answer.has_backup = has_backup;
            answer.ready = true;
        }
        None if given => {
            keep.forget_login(to);
            return Err(rest::password_refused(to));
        }
        None => {}
    }
    Ok(answer)
}

/// Every backup with its snapshots and last runs. With `anew`, root
/// lists the snapshots afresh (a restic run per backup) and publishes
/// them; otherwise, and for anyone else, it is what root published after
/// its last run (as root, listed now when it published none).
pub fn board(anew: bool, now: DateTime<Utc>) -> Result<BackupBoard> {
    if admin::running_as_root() {
        let state = RootState::open(now)?;
        if !anew
            && let Ok(published) = board::read(&state.paths.public)
            && !published.backups.is_empty()
        {
            return Ok(published);
        }
        return Ok(publish(&state, now, Listing::All));
    }
    board::read(&RootPaths::locate().public)
}

/// One backup by name (the only one when no name is given), with root's
/// key to it.
fn opened(state: &RootState, name: Option<&str>) -> Result<(Repository, Secret)> {
    let repo = backup::repository(&state.store, name)?;
    let key = SealedKeys::in_state(&state.paths.state)?.open(&repo.key)?;
    Ok((repo, key))
}

/// Which snapshots the board lists anew: listing them costs a run of
/// restic per backup, so after a run that made or forgot none the last
/// board's are kept.
enum Listing {
    /// Every backup's, from restic.
    All,
    /// The last board's.
    Kept,
    /// The last board's, but these for this backup.
    These(String, Vec<Snapshot>),
}

/// Writes the board from root's records, listing snapshots as `listing`
/// says; a failure to write is said, not fatal.
fn publish(state: &RootState, now: DateTime<Utc>, listing: Listing) -> BackupBoard {
    let last = board::read(&state.paths.public).unwrap_or_default();
    let keys = SealedKeys::in_state(&state.paths.state).ok();
    let composed = backup::repositories(&state.store)
        .and_then(|repos| Ok((repos, backup::history(&state.store)?)))
        .map(|(repos, history)| {
            board::compose(
                repos,
                history,
                &last,
                |repo| match &listing {
                    Listing::All => {
                        let key = keys.as_ref()?.open(&repo.key).ok()?;
                        backup::snapshots(&state.store, repo, &key).ok()
                    }
                    Listing::These(name, list) if *name == repo.name => Some(list.clone()),
                    _ => None,
                },
                now,
            )
        });
    let board = match composed {
        Ok(b) => b,
        Err(e) => {
            eprintln!("shipshape: {} {}", e.message, e.hint);
            return last;
        }
    };
    if let Err(e) = board::write(&state.paths.public, &board).and_then(|()| state.publish(now)) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    board
}

/// Backs up `name` by its plan, then forgets what its retention does not
/// keep. With progress and Cancel, as root and through the helper alike.
pub fn run(
    name: Option<&str>,
    progress: &dyn Progress,
    cancel: &Cancel,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    if !admin::running_as_root() {
        return door::run_showing(Request::BackupRun(name.map(String::from)), progress, cancel);
    }
    let state = RootState::open(now)?;
    match backed_up(&state, name, actor, progress, cancel, now) {
        Ok((run, listing)) => {
            publish(&state, now, listing);
            Ok(run)
        }
        Err(e) => {
            publish(&state, now, Listing::Kept);
            Err(e)
        }
    }
}

/// Backs up and forgets; answers the run and how the board lists the
/// snapshots now.
fn backed_up(
    state: &RootState,
    name: Option<&str>,
    actor: &Actor,
    progress: &dyn Progress,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Result<(BackupRun, Listing)> {
    let _turn = state.take_turn("backup", BUSY)?;
    let (repo, key) = opened(state, name)?;
    let before = board::read(&state.paths.public)
        .ok()
        .and_then(|b| {
            b.backups
                .into_iter()
                .find(|b| b.repository.name == repo.name)
        })
        .map(|b| b.snapshots);
    // While the backed-up files are looked over, old snapshots are
    // forgotten: only after a backup that worked, so a failing disk never
    // costs the last good ones, and restic is asked only when its rule
    // would forget something.
    let store = &state.store;
    let (mut run, (listed, forgot)) =
        backup::backup(store, actor, &repo, &key, progress, cancel, now, |run| {
            let (Some(id), Some(mut known)) = (run.snapshot.clone(), before) else {
                return (None, None);
            };
            known.insert(0, made_snapshot(&repo, run, id));
            let worked = matches!(run.outcome, BackupOutcome::Done | BackupOutcome::Partial);
            if !worked || backup::retention::forgotten(&known, repo.plan.retention).is_empty() {
                return (Some(known), None);
            }
            let forgot = backup::forget_unrecorded(store, &repo, &key, repo.plan.retention, now);
            (Some(known), Some(forgot))
        })?;
    if run.snapshot.is_none() {
        return Ok((run, Listing::Kept));
    }
    let Some(mut known) = listed else {
        return Ok((run, Listing::All));
    };
    match forgot.map(|f| backup::forgotten_on_record(store, actor, f)) {
        None => {}
        Some(Ok((forgot, gone))) => {
            run.message = format!("{} {}", run.message, forgot.message);
            known.retain(|s| {
                !gone
                    .iter()
                    .any(|g| g.starts_with(&s.id) || s.id.starts_with(g.as_str()))
            });
        }
        Some(Err(e)) => {
            run.message = format!(
                "{} Old snapshots could not be forgotten: {}",
                run.message, e.message
            );
        }
    }
    Ok((run, Listing::These(repo.name.clone(), known)))
}

/// The snapshot `run` made, as the board lists it.
fn made_snapshot(repo: &Repository, run: &BackupRun, id: String) -> Snapshot {
    Snapshot {
        short_id: id.chars().take(8).collect(),
        id,
        time: run.started.clone(),
        paths: repo
            .plan
            .paths
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .cloned()
            .collect(),
        hostname: crate::computer::hostname(),
    }
}

/// Where a restored file or folder goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "to", rename_all = "snake_case")]
#[ts(export)]
pub enum RestoreWhere {
    /// Where it was, what is there now kept beside it.
    Place,
    /// Into this folder.
    Folder { folder: String },
}

/// A restore: its run, where the item is now, and where what was there
/// before was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Restored {
    pub run: BackupRun,
    pub restored: String,
    pub kept: Option<String>,
}

/// What root's side of a restore answers: its run, and the hidden folder
/// holding the item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Staged {
    pub run: BackupRun,
    pub staging: std::path::PathBuf,
}

/// The entries directly inside `folder` in `snapshot` of backup `name`.
pub fn browse(name: &str, snapshot: &str, folder: &str, now: DateTime<Utc>) -> Result<Vec<Entry>> {
    if !admin::running_as_root() {
        return door::run(Request::BackupBrowse {
            name: name.into(),
            snapshot: snapshot.into(),
            folder: folder.into(),
        });
    }
    let state = RootState::open(now)?;
    let (repo, key) = opened(&state, Some(name))?;
    backup::browse(&state.store, &repo, &key, snapshot, folder)
}

/// What in `snapshot` of backup `name` has a name holding `words`.
pub fn find(name: &str, snapshot: &str, words: &str, now: DateTime<Utc>) -> Result<Vec<Entry>> {
    if !admin::running_as_root() {
        return door::run(Request::BackupFind {
            name: name.into(),
            snapshot: snapshot.into(),
            words: words.into(),
        });
    }
    let state = RootState::open(now)?;
    let (repo, key) = opened(&state, Some(name))?;
    backup::find(&state.store, &repo, &key, snapshot, words)
}

/// Restores `path` of `snapshot` to its place or into a folder, never
/// over anything: what is there is kept beside it. Root reads the backup;
/// the files are written by this account (`backup::put_back`).
pub fn restore_to(
    name: &str,
    snapshot: &str,
    path: &str,
    to: RestoreWhere,
    cancel: &Cancel,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Restored> {
    let path = backup::browse::checked_inside(path)?;
    let item = Path::new(path);
    let dest = match &to {
        RestoreWhere::Place => item.to_path_buf(),
        RestoreWhere::Folder { folder } => {
            let folder = backup::absolute(Path::new(folder.trim()), "restore into")?;
            match item.file_name() {
                Some(n) => folder.join(n),
                None => folder,
            }
        }
    };
    let step = if admin::running_as_root() {
        restore_as_root(name, snapshot, path, &dest, None, cancel, actor, now)?
    } else {
        door::run_showing(
            Request::BackupRestore {
                name: name.into(),
                snapshot: snapshot.into(),
                path: path.into(),
                dest: dest.clone(),
            },
            &NoProgress,
            cancel,
        )?
    };
    let staged = match step {
        RestoreStep::Placed(done) => return Ok(done),
        RestoreStep::Staged(staged) => staged,
    };
    match backup::put_back::place(&staged.staging, &dest, now) {
        Ok(kept) => Ok(Restored {
            run: staged.run,
            restored: dest.to_string_lossy().into_owned(),
            kept: kept.map(|k| k.to_string_lossy().into_owned()),
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged.staging);
            Err(e)
        }
    }
}

/// How far root's side of a restore went: all the way, in a folder only
/// root may change (like /etc); or staged for the account that asked to
/// put in place, in a folder of its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreStep {
    Placed(Restored),
    Staged(Staged),
}

/// Root's side of a restore to `dest`: where only root may change the
/// folder, root restores and places it; elsewhere the files are written
/// by `requester`, and placed by it after.
#[allow(clippy::too_many_arguments)]
fn restore_as_root(
    name: &str,
    snapshot: &str,
    path: &str,
    dest: &Path,
    requester: Option<backup::put_back::Writer>,
    cancel: &Cancel,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<RestoreStep> {
    let parent = dest.parent().unwrap_or(Path::new("/"));
    let roots = crate::admin::safe_path::check(parent);
    let writer = match (roots, requester) {
        (Ok(()), _) => None,
        (Err(_), Some(w)) => Some(w),
        (Err(e), None) => {
            return Err(Error::new(
                e.code,
                e.message,
                "Restore it as the account whose folder it is (without sudo), or into a folder only root may change.",
            ));
        }
    };
    let staged = stage_as_root(name, snapshot, path, parent, writer, cancel, actor, now)?;
    if writer.is_some() {
        return Ok(RestoreStep::Staged(staged));
    }
    match backup::put_back::place(&staged.staging, dest, now) {
        Ok(kept) => Ok(RestoreStep::Placed(Restored {
            run: staged.run,
            restored: dest.to_string_lossy().into_owned(),
            kept: kept.map(|k| k.to_string_lossy().into_owned()),
        })),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged.staging);
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn stage_as_root(
    name: &str,
    snapshot: &str,
    path: &str,
    parent: &Path,
    writer: Option<backup::put_back::Writer>,
    cancel: &Cancel,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Staged> {
    let state = RootState::open(now)?;
    let staged = opened(&state, Some(name)).and_then(|(repo, key)| {
        backup::stage_restore(
            &state.store,
            actor,
            &repo,
            &key,
            snapshot,
            path,
            parent,
            writer,
            cancel,
            now,
        )
    });
    publish(&state, now, Listing::Kept);
    let (run, staging) = staged?;
    Ok(Staged { run, staging })
}

/// Stops using backup `name` (the repository stays where it is) and
/// forgets root's key to it.
pub fn remove(name: &str, actor: &Actor, now: DateTime<Utc>) -> Result<Repository> {
    if !admin::running_as_root() {
        return door::run(Request::BackupRemove(name.into()));
    }
    let state = RootState::open(now)?;
    let repo = backup::remove(&state.store, actor, name, now)?;
    SealedKeys::in_state(&state.paths.state)?.remove(&repo.key);
    publish(&state, now, Listing::Kept);
    Ok(repo)
}

/// Checks the backup, reading part `read` (n of t) of its data when given.
pub fn check(
    name: Option<&str>,
    read: Option<(u32, u32)>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    if !admin::running_as_root() {
        return door::run(Request::BackupCheck {
            name: name.map(String::from),
            read,
        });
    }
    let state = RootState::open(now)?;
    let run = opened(&state, name)
        .and_then(|(repo, key)| backup::check(&state.store, actor, &repo, &key, read, now));
    publish(&state, now, Listing::Kept);
    run
}

/// Forgets the snapshots `keep` does not keep, and frees their space.
pub fn forget(
    name: Option<&str>,
    keep: Retention,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    if !admin::running_as_root() {
        return door::run(Request::BackupForget {
            name: name.map(String::from),
            keep,
        });
    }
    let state = RootState::open(now)?;
    let run = opened(&state, name)
        .and_then(|(repo, key)| backup::forget(&state.store, actor, &repo, &key, keep, now));
    publish(&state, now, Listing::All);
    run
}

/// The restore test of the newest backup.
pub fn restore_test(
    name: Option<&str>,
    progress: &dyn Progress,
    cancel: &Cancel,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    if !admin::running_as_root() {
        return door::run_showing(
            Request::BackupTest(name.map(String::from)),
            progress,
            cancel,
        );
    }
    let state = RootState::open(now)?;
    let run = tested(&state, name, actor, now);
    publish(&state, now, Listing::Kept);
    run
}

fn tested(
    state: &RootState,
    name: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let _turn = state.take_turn("backup", BUSY)?;
    let (repo, key) = opened(state, name)?;
    backup::restore_test(&state.store, actor, &repo, &key, now)
}

/// The scheduled jobs' work, as root: every backup, or every restore
/// test, one after another; one failing does not stop the others. The
/// answer is the verdict of all, an error when any failed.
pub fn scheduled(
    state: &RootState,
    actor: &Actor,
    test: bool,
    now: DateTime<Utc>,
) -> Result<String> {
    let repos = backup::repositories(&state.store)?;
    if repos.is_empty() {
        return Err(Error::new(
            ErrorCode::NotFound,
            "No backup is set up, so there was nothing to back up.",
            "Set one up on the Backups screen, or remove this job.",
        ));
    }
    let mut said = Vec::new();
    let mut failed = Vec::new();
    for repo in &repos {
        let name = Some(repo.name.as_str());
        let done = if test {
            tested(state, name, actor, now)
        } else {
            backed_up(state, name, actor, &NoProgress, &Cancel::new(), now).map(|(run, _)| run)
        };
        match done {
            Ok(run) if run.outcome == BackupOutcome::Failed => {
                failed.push(format!("{}: {}", repo.name, run.message))
            }
            Ok(run) => said.push(format!("{}: {}", repo.name, run.message)),
            Err(e) => failed.push(format!("{}: {}", repo.name, e.message)),
        }
    }
    publish(state, now, Listing::All);
    if failed.is_empty() {
        Ok(said.join(" "))
    } else {
        Err(Error::new(
            ErrorCode::Io,
            failed.join(" "),
            "Open the Backups screen for what went wrong and what to do.",
        ))
    }
}

/// The helper's side: one backup request, as root.
pub fn serve(request: Request, actor: &Actor, now: DateTime<Utc>) -> Result<serde_json::Value> {
    let json =
        |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::internal(e.to_string()));
    let progress = door::ReportToDoor;
    let how = if matches!(request, Request::BackupInit { .. }) {
        Setup::Made
    } else {
        Setup::Connected
    };
    match request {
        Request::BackupInit {
            name,
            to,
            trust,
            plan,
        }
        | Request::BackupConnect {
            name,
            to,
            trust,
            plan,
        } => {
            let office = door::secret_from_door()?;
            let new = NewRepository {
                password_name: backup::password_name(&name),
                name,
                to,
                plan,
            };
            json(serde_json::to_value(set_up_as_root(
                actor,
                how,
                new,
                trust.as_deref(),
                &office,
                now,
            )?))
        }
        Request::BackupServer { to, trust, login } => {
            let login = login.then(door::secret_from_door).transpose()?;
            json(serde_json::to_value(server(
                &to.shown(),
                trust.as_deref(),
                login.as_ref(),
                actor,
                now,
            )?))
        }
        Request::BackupHostKey { to, trust } => json(serde_json::to_value(host_key(
            &to.shown(),
            trust.as_deref(),
            actor,
            now,
        )?)),
        Request::BackupRun(name) => json(serde_json::to_value(run(
            name.as_deref(),
            &progress,
            &door::cancel_from_door(),
            actor,
            now,
        )?)),
        Request::BackupTest(name) => json(serde_json::to_value(restore_test(
            name.as_deref(),
            &progress,
            &Cancel::new(),
            actor,
            now,
        )?)),
        Request::BackupRemove(name) => json(serde_json::to_value(remove(&name, actor, now)?)),
        Request::BackupBrowse {
            name,
            snapshot,
            folder,
        } => json(serde_json::to_value(browse(
            &name, &snapshot, &folder, now,
        )?)),
        Request::BackupFind {
            name,
            snapshot,
            words,
        } => json(serde_json::to_value(find(&name, &snapshot, &words, now)?)),
        Request::BackupRestore {
            name,
            snapshot,
            path,
            dest,
        } => {
            // Where another account could change the folder, the files are
            // written as the account that asked, never as root.
            let requester = door::requester_ids()
                .filter(|(uid, _)| *uid != 0)
                .map(|(uid, gid)| backup::put_back::Writer { uid, gid });
            json(serde_json::to_value(restore_as_root(
                &name,
                &snapshot,
                &path,
                &dest,
                requester,
                &door::cancel_from_door(),
                actor,
                now,
            )?))
        }
        Request::BackupCheck { name, read } => json(serde_json::to_value(check(
            name.as_deref(),
            read,
            actor,
            now,
        )?)),
        Request::BackupForget { name, keep } => json(serde_json::to_value(forget(
            name.as_deref(),
            keep,
            actor,
            now,
        )?)),
        _ => Err(Error::internal("Not a backup request.")),
    }
}

/// The sheet to print or save when a backup is set up: where the backup
/// is, its password, and how to restore it with plain restic on any
/// computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecoverySheet {
    pub html: String,
    pub password: String,
}

/// The recovery sheet of the backup `name`; reading the password is
/// recorded in the vault like any other use.
pub fn recovery_sheet(
    s: Session<'_>,
    keychain: &Keychain,
    name: &str,
    now: DateTime<Utc>,
) -> Result<RecoverySheet> {
    let b = board(false, now)?;
    let repo = b
        .backups
        .into_iter()
        .map(|b| b.repository)
        .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no backup called \u{201c}{name}\u{201d}."),
                "See the backups on the Backups screen or with shipshape backup list.",
            )
        })?;
    let password =
        Vault::new(s.store, keychain, s.actor).use_secret(now, &repo.password_name, USED_BY)?;
    let computer = crate::computer::hostname();
    Ok(RecoverySheet {
        html: backup::sheet::html(&repo, &computer, password.expose(), now),
        password: password.expose().to_string(),
    })
}

/// Writes the recovery sheet of the backup `name` to `path`, readable by
/// this account alone.
pub fn save_recovery_sheet(
    s: Session<'_>,
    keychain: &Keychain,
    name: &str,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    if !path.is_absolute() {
        return Err(Error::invalid_input(
            format!(
                "{} is not a full path to save the sheet as.",
                path.display()
            ),
            "Choose where to save it with the Save dialog, or give a full path.",
        ));
    }
    let sheet = recovery_sheet(s, keychain, name, now)?;
    crate::atomic_file::write_with(
        path,
        sheet.html.as_bytes(),
        crate::atomic_file::Options {
            mode: Some(0o600),
            owner: None,
        },
    )
}
