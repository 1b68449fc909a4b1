//! Backups in restic's format: a repository in a folder (a USB disk, a
//! mounted share) or on another computer over SSH (`remote`), with two keys, the office's password kept only in the
//! keychain (the vault makes it; it is on the recovery sheet) and root's
//! own sealed key (`sealed`) for runs nobody is logged in for. Backups of
//! a plan (what, what not, how many to keep) with progress and Cancel,
//! the snapshots, restoring a snapshot or a file into an empty folder
//! (never over what is there), checking the repository, forgetting old
//! snapshots by the plan's retention, and a restore test that proves
//! files come back as they were backed up. Every run is recorded with its
//! activity entry; `restic` does the work; root publishes the outcome
//! (`board`) for the screens.

pub mod board;
pub mod browse;
pub mod estimate;
pub mod location;
pub mod owned_folder;
pub mod put_back;
pub mod quick_key;
pub mod remote;
pub mod rest;
pub mod restic;
pub mod retention;
pub mod sealed;
pub mod sheet;

use crate::audit::{self, Actor, NewEntry};
use crate::progress::{Cancel, Progress};
use crate::store::Store;
use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
pub use location::Location;
use remote::RootSsh;
use restic::{Line, Restic, Snapshot};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// A backup repository Shipshape knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupRepository")]
pub struct Repository {
    pub name: String,
    /// Where it is, as shown: a folder's full path, or
    /// `sftp:USER@HOST[:PORT]:/folder` on another computer.
    pub folder: String,
    /// The Credentials entry holding its password.
    pub password_name: String,
    pub created: String,
    pub plan: Plan,
    /// Names root's sealed key to it (`sealed`); not shown.
    #[serde(skip)]
    #[ts(skip)]
    pub key: String,
}

/// What a backup backs up, leaves out and keeps.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupPlan")]
pub struct Plan {
    /// Full paths of folders and files.
    #[serde(default)]
    pub paths: Vec<String>,
    /// restic's patterns: a name anywhere (`.cache`, `*.tmp`), or a full path.
    #[serde(default)]
    pub excludes: Vec<String>,
    #[serde(default)]
    pub retention: Retention,
    /// Before each installation of updates, /etc and the list of installed
    /// packages are backed up into this backup, so undoing the updates can
    /// put the configuration back too (`maintain::kept_config`).
    #[serde(default)]
    pub before_updates: bool,
}

/// What is left out unless the administrator says otherwise: caches,
/// trash and what a project rebuilds.
pub const LEFT_OUT: [&str; 3] = [".cache", "Trash", "node_modules"];

impl Plan {
    /// The home folders and the system's settings (/etc), without caches
    /// and trash, keeping 7 daily, 4 weekly and 12 monthly snapshots.
    pub fn usual() -> Plan {
        let mut paths = vec!["/home".to_string(), "/etc".to_string()];
        if Path::new("/root").is_dir() {
            paths.push("/root".into());
        }
        Plan {
            paths,
            excludes: LEFT_OUT.iter().map(|s| s.to_string()).collect(),
            retention: Retention::default(),
            before_updates: true,
        }
    }

    /// Refuses a plan restic could misread: no path, a path that is not
    /// full, a line break, an empty pattern, keeping nothing.
    pub fn checked(self) -> Result<Plan> {
        if self.paths.is_empty() {
            return Err(Error::invalid_input(
                "Nothing is chosen to back up.",
                "Choose one or more folders, for example /home and /etc.",
            ));
        }
        for p in &self.paths {
            if !p.starts_with('/') || p.contains('\n') || p.split('/').any(|c| c == "..") {
                return Err(Error::invalid_input(
                    format!("\"{p}\" is not a full path to back up."),
                    "Give full paths, starting with /, like /home or /srv/shared.",
                ));
            }
        }
        for x in &self.excludes {
            if x.trim().is_empty() || x.contains('\n') {
                return Err(Error::invalid_input(
                    format!("\"{x}\" is not a pattern to leave out."),
                    "Give patterns like *.tmp, .cache or /home/*/Downloads.",
                ));
            }
        }
        let keep = self.retention;
        if keep.daily + keep.weekly + keep.monthly == 0 {
            return Err(Error::invalid_input(
                "Keeping no snapshot at all would forget every backup.",
                "Keep at least one: for example 7 daily, 4 weekly and 12 monthly.",
            ));
        }
        Ok(self)
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupKind {
    Init,
    Backup,
    Restore,
    Check,
    Forget,
    RestoreTest,
    /// /etc and the package lists, before an installation of updates.
    BeforeUpdates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupOutcome {
    Done,
    /// Done, but some files could not be read (listed).
    Partial,
    Failed,
    Cancelled,
}

/// One run, as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupRun {
    #[ts(type = "number")]
    pub id: i64,
    pub repository: String,
    pub kind: BackupKind,
    pub started: String,
    pub finished: String,
    pub outcome: BackupOutcome,
    /// The verdict in plain words.
    pub message: String,
    pub snapshot: Option<String>,
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub bytes_added: u64,
    /// Files that could not be read, with why.
    pub unreadable: Vec<String>,
    /// Files that changed while they were backed up (the first
    /// `MOST_CHANGED`): their copy may be of a moment between two states.
    #[serde(default)]
    pub changed: Vec<String>,
}

/// How many files changed while backing up are named.
const MOST_CHANGED: usize = 50;

/// How many snapshots to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Retention {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// How many files a restore test brings back.
const SAMPLE: usize = 10;

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn sql(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("Could not {doing} the backup records: {e}."),
        "Try again; if it keeps failing, check the disk.",
    )
}

/// The Credentials entry a repository's password is kept under.
pub fn password_name(name: &str) -> String {
    format!("Backup: {name}")
}

/// A repository's name: short, plain words.
pub(crate) fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 60
        || name.chars().any(|c| c.is_control() || c == '/')
    {
        return Err(Error::invalid_input(
            format!("\"{name}\" cannot name a backup."),
            "Use a short name in plain words, like \"Office USB disk\".",
        ));
    }
    Ok(name.to_string())
}

/// An absolute folder, as given.
pub(crate) fn absolute(path: &Path, what: &str) -> Result<PathBuf> {
    if !path.is_absolute() || path.to_str().is_none() {
        return Err(Error::invalid_input(
            format!("{} is not a full path to {what}.", path.display()),
            "Give the full path, starting with /, in plain text.",
        ));
    }
    Ok(path.to_path_buf())
}

/// The repositories, by name.
pub fn repositories(store: &Store) -> Result<Vec<Repository>> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT name, folder, password_name, created, plan, key FROM backup_repos ORDER BY name",
        )
        .map_err(|e| sql("read", e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Repository {
                name: r.get(0)?,
                folder: r.get(1)?,
                password_name: r.get(2)?,
                created: r.get(3)?,
                plan: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                key: r.get(5)?,
            })
        })
        .map_err(|e| sql("read", e))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(|e| sql("read", e))
}

/// One repository by name; the only one when no name is given.
pub fn repository(store: &Store, name: Option<&str>) -> Result<Repository> {
    let all = repositories(store)?;
    let found = match name {
        Some(n) => all
            .into_iter()
            .find(|r| r.name.eq_ignore_ascii_case(n.trim())),
        None if all.len() == 1 => all.into_iter().next(),
        None if all.is_empty() => {
            return Err(Error::new(
                ErrorCode::NotFound,
                "No backup is set up yet.",
                "Set one up: shipshape backup init --to FOLDER",
            ));
        }
        None => {
            return Err(Error::invalid_input(
                "There is more than one backup; say which.",
                "Add --repo NAME (see shipshape backup list).",
            ));
        }
    };
    found.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!(
                "There is no backup called \u{201c}{}\u{201d}.",
                name.unwrap_or_default()
            ),
            "See the backups with shipshape backup list.",
        )
    })
}

/// The history of runs, newest first.
pub fn history(store: &Store) -> Result<Vec<BackupRun>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, record FROM backup_runs ORDER BY id DESC")
        .map_err(|e| sql("read", e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(|e| sql("read", e))?;
    let mut runs = Vec::new();
    for row in rows {
        let (id, record) = row.map_err(|e| sql("read", e))?;
        if let Ok(mut run) = serde_json::from_str::<BackupRun>(&record) {
            run.id = id;
            runs.push(run);
        }
    }
    Ok(runs)
}

fn new_run(repo: &Repository, kind: BackupKind, now: DateTime<Utc>) -> BackupRun {
    BackupRun {
        id: 0,
        repository: repo.name.clone(),
        kind,
        started: stamp(now),
        finished: stamp(now),
        outcome: BackupOutcome::Failed,
        message: String::new(),
        snapshot: None,
        files: 0,
        bytes: 0,
        bytes_added: 0,
        unreadable: Vec::new(),
        changed: Vec::new(),
    }
}

/// Records a run and its activity entry in one transaction.
fn record(store: &Store, actor: &Actor, run: &mut BackupRun) -> Result<()> {
    run.finished = stamp(Utc::now());
    let now = Utc::now();
    let action = format!(
        "backup.{}",
        serde_json::to_value(run.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    );
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let record = serde_json::to_string(&*run).map_err(|e| Error::internal(e.to_string()))?;
        tx.execute(
            "INSERT INTO backup_runs (repo, started, record) VALUES (?1, ?2, ?3)",
            rusqlite::params![run.repository, run.started, record],
        )
        .map_err(|e| sql("write", e))?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({
            "run": id,
            "snapshot": run.snapshot,
            "files": run.files,
            "bytes_added": run.bytes_added,
            "unreadable": run.unreadable.len(),
        });
        let entry = match run.outcome {
            BackupOutcome::Failed | BackupOutcome::Cancelled => {
                NewEntry::failed(&action, &run.repository, &run.message, details)
            }
            _ => NewEntry::ok(&action, &run.repository, details),
        };
        Ok((id, entry))
    })?;
    run.id = id;
    Ok(())
}

/// A failed run put on record; answers its error (or, should the record
/// fail, that failure).
fn failed(store: &Store, actor: &Actor, mut run: BackupRun, e: Error) -> Error {
    run.outcome = if e.code == ErrorCode::Cancelled {
        BackupOutcome::Cancelled
    } else {
        BackupOutcome::Failed
    };
    run.message = format!("{} {}", e.message, e.hint);
    match record(store, actor, &mut run) {
        Ok(()) => e,
        Err(not_recorded) => not_recorded,
    }
}

/// What restic's check said was wrong with the stored data.
fn damage_lines(out: &crate::program::Finished) -> Vec<&str> {
    out.stdout
        .lines()
        .chain(out.stderr.lines())
        .filter(|l| l.contains("does not match") || l.contains("error") || l.contains("damaged"))
        .collect()
}

/// A run whose verdict is negative (damage found), on record and answered
/// as a verdict, not an error.
fn found_wrong(
    store: &Store,
    actor: &Actor,
    mut run: BackupRun,
    message: String,
) -> Result<BackupRun> {
    run.outcome = BackupOutcome::Failed;
    run.message = message;
    record(store, actor, &mut run)?;
    Ok(run)
}

/// A backup killed (a power cut) leaves its lock behind, which would stop
/// a check or a prune; restic removes only the locks of processes that
/// are gone, so a run still going keeps its own.
fn clear_stale_locks(r: &Restic<'_>) {
    let _ = r.ok(&["unlock"], None);
}

/// Where restic keeps its cache and temporary files for this data folder.
fn work_folder(store: &Store) -> PathBuf {
    store.data_dir().join("backup-work")
}

/// restic for `repo`. The store is root's, in root's state folder, which
/// also holds root's SSH key and trusted host keys.
fn restic<'a>(store: &Store, repo: &'a Location, password: &'a Secret) -> Restic<'a> {
    Restic {
        repo,
        password,
        work: work_folder(store),
        ssh: RootSsh::in_state(store.data_dir()),
        rest: rest::RootRest::in_state(store.data_dir()),
        limit: restic::LONG,
    }
}

/// Tries `to`'s server with a password that opens no backup: "no backup
/// here" or "wrong password" mean it let Shipshape in, the second that a
/// backup is there already (`Some(true)`); `None` that it refused the
/// account's password; another certificate, or no answer, is an error.
pub fn try_server(store: &Store, to: &rest::Rest) -> Result<Option<bool>> {
    let place = Location::Rest(to.clone());
    let probe = crate::vault::generate(&crate::vault::Recipe::Words { count: 7 })?;
    let r = Restic {
        limit: std::time::Duration::from_secs(120),
        ..restic(store, &place, &probe)
    };
    let out = r.run(&["cat", "config"], None, |_| {})?;
    if out.stderr.contains("(401)") {
        return Ok(None);
    }
    if let Some(e) = rest::failure(to, &out.stderr) {
        return Err(e);
    }
    if out.stderr.contains("wrong password") {
        return Ok(Some(true));
    }
    if out.stderr.contains("does not exist") {
        return Ok(Some(false));
    }
    Err(r.failure(&out, None))
}

/// How long the backup of /etc before updates may take: it must never
/// hold security updates back (a slow disk, a server that stopped
/// answering); past it, the updates go ahead without it.
const BEFORE_UPDATES_LIMIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Where a recorded repository is.
fn location(repo: &Repository) -> Result<Location> {
    Location::parse(&repo.folder)
}

/// A repository to make: where, called what, backing up what.
#[derive(Debug, Clone)]
pub struct NewRepository {
    pub name: String,
    pub to: Location,
    pub plan: Plan,
    /// The Credentials entry the office's password is kept under.
    pub password_name: String,
}

/// Refuses a folder no backup can be kept in safely: one open to
/// everyone, or one root owns but another account could swap for a link.
/// A folder of one account's own is taken: its files are written as that
/// account (`owned_folder`).
pub fn checked_folder(folder: &Path) -> Result<PathBuf> {
    let folder = absolute(folder, "a folder")?;
    if owned_folder::owner(&folder).is_none() {
        safe_for_root(&folder)?;
    }
    Ok(folder)
}

/// Refuses a folder root may not write in itself.
fn safe_for_root(folder: &Path) -> Result<()> {
    crate::admin::safe_path::check(folder).map_err(|e| {
        Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} cannot hold a backup made with administrator rights: {}",
                folder.display(),
                e.message
            ),
            "Choose a folder only the administrator can change, such as /var/backups/shipshape, or a disk plugged in and opened on the desktop.",
        )
    })
}

/// Makes a new repository opened by two keys: `own` (root's sealed key,
/// named by `token`) and `office` (the password on the recovery sheet),
/// and records it. The folder is made if missing and refused when it
/// holds anything.
pub fn init(
    store: &Store,
    actor: &Actor,
    new: NewRepository,
    (token, own): (&str, &Secret),
    office: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let (repo, to) = to_record(store, new, token, now)?;
    if let Some(folder) = to.folder()
        && owned_folder::has_entries(folder, owned_folder::owner(folder))?
    {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not empty, so no backup was made there.",
                folder.display()
            ),
            "Choose an empty folder, or a new one: Shipshape makes it.",
        ));
    }
    let r = restic(store, &to, office);
    let run = new_run(&repo, BackupKind::Init, now);
    let made = r
        .ok(&["init"], None)
        .map_err(|e| (e, false))
        .and_then(|_| give_own_key(store, &to, &r, own, now).map_err(|e| (e, true)));
    if let Err((e, initialised)) = made {
        return Err(failed(store, actor, run, half_made(&to, e, initialised)));
    }
    let message = format!(
        "A new backup was made at {}. Without its password it cannot be read: keep the recovery sheet safe.",
        repo.folder
    );
    kept(store, actor, repo, run, message)
}

/// Gives root's own key `own` to the backup `office` opens. In a folder,
/// that is a key file of Shipshape's asking little of scrypt
/// (`quick_key`), then checked by opening the backup with it and
/// remembered, so no run tries another key first; elsewhere it is
/// restic's `key add`.
fn give_own_key(
    store: &Store,
    to: &Location,
    office: &Restic<'_>,
    own: &Secret,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(folder) = to.folder() else {
        return office.add_key(own).map(drop);
    };
    let master = office.master_key()?;
    let created = now.to_rfc3339_opts(SecondsFormat::Nanos, true);
    let (name, bytes) = quick_key::key_file(&master, own.expose(), &created)?;
    quick_key::place(folder, &name, &bytes)?;
    let root = restic(store, to, own);
    let checked = root
        .remember_key(&name)
        .and_then(|()| root.ok(&["cat", "config"], None));
    let Err(e) = checked else {
        return Ok(());
    };
    let hint = match quick_key::take_back(folder, &name) {
        Ok(()) => {
            "Try again; if it fails again, keep the backup's details and report them.".to_string()
        }
        Err(left) => format!(
            "Remove {}/keys/{name} by hand ({}), then try again.",
            folder.display(),
            left.message
        ),
    };
    Err(Error::new(
        e.code,
        format!(
            "The key Shipshape made for itself did not open the backup at {} ({}), so it was taken out again.",
            folder.display(),
            e.message.trim_end_matches('.')
        ),
        hint,
    ))
}

/// Records a repository set up, with its run saying `message`.
fn kept(
    store: &Store,
    actor: &Actor,
    repo: Repository,
    mut run: BackupRun,
    message: String,
) -> Result<Repository> {
    let plan_json =
        serde_json::to_string(&repo.plan).map_err(|e| Error::internal(e.to_string()))?;
    store
        .conn()
        .execute(
            "INSERT INTO backup_repos (name, folder, password_name, created, plan, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![repo.name, repo.folder, repo.password_name, repo.created, plan_json, repo.key],
        )
        .map_err(|e| sql("write", e))?;
    run.outcome = BackupOutcome::Done;
    run.message = message;
    record(store, actor, &mut run)?;
    Ok(repo)
}

/// A repository made without root's own key is of no use to Shipshape and
/// must not be left for someone to trust: in a folder here, nothing but
/// its own files are there, so it goes; on another computer
/// (`initialised` there), the administrator is told.
fn half_made(to: &Location, e: Error, initialised: bool) -> Error {
    match to {
        Location::Folder(folder) => {
            // The folder was empty before: only restic's files are there.
            // Removed as its owner, or by root only where root alone may
            // change it.
            match owned_folder::owner(folder) {
                Some(writer) => put_back::remove_as(Some(writer), folder),
                None if safe_for_root(folder).is_ok() && folder.join("config").is_file() => {
                    put_back::remove_as(None, folder);
                }
                None => {}
            }
            e
        }
        Location::Sftp(_) | Location::Rest(_) if !initialised => e,
        Location::Sftp(remote) => Error::new(
            e.code,
            e.message,
            format!(
                "{} A backup without Shipshape's own key was left at {}: delete that folder on {} before trying again.",
                e.hint,
                remote.path(),
                remote.host()
            ),
        ),
        Location::Rest(server) => Error::new(
            e.code,
            e.message,
            format!(
                "{} A backup without Shipshape's own key was left at {}: delete it on the server before trying again.",
                e.hint,
                server.shown()
            ),
        ),
    }
}

/// Refuses a name already taken.
fn unique(store: &Store, name: &str) -> Result<()> {
    if repositories(store)?
        .iter()
        .any(|r| r.name.eq_ignore_ascii_case(name))
    {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("There is already a backup called \u{201c}{name}\u{201d}."),
            "Choose another name.",
        ));
    }
    Ok(())
}

/// The record of a repository to set up, checked: its name (not taken),
/// plan and place.
fn to_record(
    store: &Store,
    new: NewRepository,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(Repository, Location)> {
    let name = checked_name(&new.name)?;
    let plan = new.plan.checked()?;
    let to = checked_location(new.to)?;
    unique(store, &name)?;
    let repo = Repository {
        name,
        folder: to.shown(),
        password_name: new.password_name,
        created: stamp(now),
        plan,
        key: token.to_string(),
    };
    Ok((repo, to))
}

/// A folder here must be one root may write in (`checked_folder`); root
/// reaches another computer only once its host key is trusted.
fn checked_location(to: Location) -> Result<Location> {
    match to {
        Location::Folder(folder) => checked_folder(&folder).map(Location::Folder),
        remote => Ok(remote),
    }
}

/// Adds a backup made elsewhere (by restic, or by Shipshape on another
/// computer): opened with the office's password `office`, then given
/// root's key (`own`, named by `token`), and recorded.
pub fn connect(
    store: &Store,
    actor: &Actor,
    new: NewRepository,
    (token, own): (&str, &Secret),
    office: &Secret,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let (repo, to) = to_record(store, new, token, now)?;
    let run = new_run(&repo, BackupKind::Init, now);
    let r = restic(store, &to, office);
    let opened = r.ok(&["snapshots", "--json"], None).map_err(|e| {
        if e.code == ErrorCode::InvalidInput {
            Error::invalid_input(
                format!("The password does not open the backup at {}.", repo.folder),
                "Give the password from its recovery sheet, exactly as written.",
            )
        } else {
            e
        }
    });
    if let Err(e) = opened.and_then(|_| give_own_key(store, &to, &r, own, now)) {
        return Err(failed(store, actor, run, e));
    }
    let message = format!(
        "The backup at {} was connected; Shipshape now backs up into it and tests it.",
        repo.folder
    );
    kept(store, actor, repo, run, message)
}

/// Backs up what `repo`'s plan says, leaving out what it excludes and the
/// repository itself. Once restic made the snapshot, the backed-up files
/// are looked over (which changed meanwhile, a sample's digests for the
/// restore test) while `meanwhile` runs with the run as restic left it:
/// the next restic run (forgetting old snapshots) need not wait for that
/// walk. `meanwhile` is not run when the backup failed.
#[allow(clippy::too_many_arguments)]
pub fn backup<T>(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    progress: &dyn Progress,
    cancel: &Cancel,
    now: DateTime<Utc>,
    meanwhile: impl FnOnce(&BackupRun) -> T,
) -> Result<(BackupRun, T)> {
    let run = new_run(repo, BackupKind::Backup, now);
    let plan = repo.plan.clone().checked()?;
    let mut sources = Vec::new();
    for p in &plan.paths {
        if std::fs::symlink_metadata(p).is_ok() {
            sources.push(p.clone());
        }
    }
    if sources.is_empty() {
        return Err(failed(
            store,
            actor,
            run,
            Error::new(
                ErrorCode::NotFound,
                format!(
                    "None of what this backup backs up exists ({}), so nothing was backed up.",
                    plan.paths.join(", ")
                ),
                "Check the folders chosen for the backup.",
            ),
        ));
    }
    let started = std::time::SystemTime::now();
    let what = Sources {
        paths: sources,
        excludes: &plan.excludes,
        tags: Vec::new(),
        limit: restic::LONG,
    };
    let (mut run, snapshot) =
        restic_backup(store, actor, repo, password, run, what, progress, cancel)?;
    let (looked, sample, done) = std::thread::scope(|scope| {
        let looking = scope.spawn(|| {
            let looked = look_after(repo, started);
            let sample = digests(&looked.sample);
            (looked, sample)
        });
        let done = meanwhile(&run);
        let (looked, sample) = looking.join().unwrap_or_default();
        (looked, sample, done)
    });
    run.changed = looked.changed;
    if !run.changed.is_empty() {
        let more = looked.changed_count.saturating_sub(run.changed.len());
        run.message = format!(
            "{} {} files changed while they were backed up, so their copy may be between two states: {}{}.",
            run.message,
            looked.changed_count,
            run.changed.join("; "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    record(store, actor, &mut run)?;
    // The files a later restore test brings back, with what they held now.
    if let Err(e) = keep_sample(store, repo, &snapshot, sample) {
        eprintln!("shipshape: {} {}", e.message, e.hint);
    }
    Ok((run, done))
}

/// How long restic may report the same progress before it is taken as
/// stuck: restic 0.14 sometimes stops making progress for good, still
/// printing its status, when the disk fills up under it. Past restic's own
/// retries of a failing write (15 minutes). Builds made for tests take
/// `SHIPSHAPE_BACKUP_STALL_SECONDS`.
const STALL: std::time::Duration = std::time::Duration::from_secs(20 * 60);

/// Watches restic's progress lines for one that stopped changing.
struct Stall {
    limit: std::time::Duration,
    last: Option<(u64, u64, u64, u64)>,
    since: std::time::Instant,
}

impl Stall {
    fn new() -> Stall {
        Stall {
            limit: crate::test_settings::number("SHIPSHAPE_BACKUP_STALL_SECONDS")
                .map(std::time::Duration::from_secs)
                .unwrap_or(STALL),
            last: None,
            since: std::time::Instant::now(),
        }
    }

    /// Whether, with `line`, restic has shown the same progress for
    /// longer than the limit; anything but a status line is progress.
    fn stuck(&mut self, line: Option<&Line>) -> bool {
        let now = match line {
            Some(Line::Status(s)) => {
                Some((s.files_done, s.bytes_done, s.total_files, s.total_bytes))
            }
            _ => None,
        };
        if now.is_none() || now != self.last {
            self.last = now;
            self.since = std::time::Instant::now();
            return false;
        }
        self.since.elapsed() > self.limit
    }
}

/// Whether the disk holding the backup in a folder has no room left.
/// Looked at when restic is found stuck, before it is stopped: stopping,
/// restic removes the pack file it was writing, which frees room again.
fn disk_full(to: &Location) -> bool {
    to.folder().is_some_and(|folder| {
        rustix::fs::statvfs(folder)
            .is_ok_and(|st| st.f_bavail.saturating_mul(st.f_frsize) < 1 << 20)
    })
}

/// restic was stopped because it made no progress: said as a full disk
/// when its disk was `full` then.
fn stalled_error(to: &Location, full: bool, limit: std::time::Duration) -> Error {
    if full {
        return Error::new(
            ErrorCode::Io,
            format!("The disk holding {to} is full."),
            "Free some space there or use a larger disk; the backup stays consistent and the next run goes on from here.",
        );
    }
    Error::new(
        ErrorCode::Io,
        format!(
            "restic made no progress for {} minutes, so it was stopped.",
            limit.as_secs().div_ceil(60)
        ),
        format!(
            "Check that {to} can still be written to (a disk unplugged or full, a server that stopped answering), then back up again: the next run goes on from here."
        ),
    )
}

/// What one `restic backup` takes.
struct Sources<'a> {
    /// Full paths that exist.
    paths: Vec<String>,
    excludes: &'a [String],
    tags: Vec<String>,
    limit: std::time::Duration,
}

/// Runs `restic backup` of `what` into `repo` (never the repository
/// itself), filling `run` from restic's summary; answers it (not yet on
/// record) with the new snapshot's id. A failure is put on record.
#[allow(clippy::too_many_arguments)]
fn restic_backup(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    mut run: BackupRun,
    what: Sources<'_>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(BackupRun, String)> {
    let to = location(repo)?;
    let mut args: Vec<String> = vec!["backup".into(), "--json".into()];
    let itself = to.folder().map(|f| f.to_string_lossy().into_owned());
    for x in what.excludes.iter().chain(itself.as_ref()) {
        args.push(format!("--exclude={x}"));
    }
    for t in &what.tags {
        args.push(format!("--tag={t}"));
    }
    args.push("--".into());
    args.extend(what.paths);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = Restic {
        limit: what.limit,
        ..restic(store, &to, password)
    };
    let mut summary = None;
    let stalled = std::sync::atomic::AtomicBool::new(false);
    let mut watch = Stall::new();
    // Whether the disk was full when restic was found stuck.
    let mut stuck_full = None;
    let out = r.run_stopping(&args, Some(cancel), &stalled, |line| {
        let status = restic::parse_line(line);
        if stuck_full.is_none() && watch.stuck(status.as_ref()) {
            stuck_full = Some(disk_full(&to));
            stalled.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        match status {
            Some(Line::Status(s)) => progress.report(s.bytes_done, s.total_bytes.max(s.bytes_done)),
            Some(Line::Summary(s)) => summary = Some(s),
            _ => {}
        }
    });
    let out = match out {
        Ok(out) => out,
        Err(e) => return Err(failed(store, actor, run, e)),
    };
    if let Some(full) = stuck_full
        && summary.is_none()
    {
        let e = stalled_error(&to, full, watch.limit);
        return Err(failed(store, actor, run, e));
    }
    // 3: the snapshot was made, some files could not be read.
    let (Some(s), Some(0 | 3)) = (summary, out.code) else {
        let e = r.failure(&out, Some(cancel));
        return Err(failed(store, actor, run, e));
    };
    // restic writes what it could not read on its error output.
    let mut unreadable: Vec<String> = out
        .stderr
        .lines()
        .filter_map(|line| match restic::parse_line(line) {
            Some(Line::Unreadable(path, why)) => Some(format!("{path}: {why}")),
            _ => None,
        })
        .collect();
    if out.code == Some(3) && unreadable.is_empty() {
        unreadable.push("some files (restic did not name them): they could not be read".into());
    }
    run.snapshot = Some(s.snapshot_id.clone());
    run.files = s.total_files_processed;
    run.bytes = s.total_bytes_processed;
    run.bytes_added = s.data_added;
    run.unreadable = unreadable;
    run.outcome = if run.unreadable.is_empty() {
        BackupOutcome::Done
    } else {
        BackupOutcome::Partial
    };
    run.message = format!(
        "{} files ({}) backed up, {} new or changed; {} added to the backup.{}",
        run.files,
        crate::figures::bytes(run.bytes),
        s.files_new + s.files_changed,
        crate::figures::bytes(run.bytes_added),
        if run.unreadable.is_empty() {
            String::new()
        } else {
            format!(
                " {} could not be read and are not in it: {}",
                run.unreadable.len(),
                run.unreadable.join("; ")
            )
        }
    );
    Ok((run, s.snapshot_id))
}

/// The tag of the snapshot kept before update run `run`.
pub fn before_updates_tag(run: i64) -> String {
    format!("before-update-run-{run}")
}

/// Backs up /etc and `lists` (the package lists, in root's state) into
/// `repo` before update run `update_run`, tagged with it; answers the run,
/// on record, with its snapshot.
#[allow(clippy::too_many_arguments)]
pub fn before_updates(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    lists: &Path,
    update_run: i64,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let run = new_run(repo, BackupKind::BeforeUpdates, now);
    let what = Sources {
        paths: vec!["/etc".into(), lists.to_string_lossy().into_owned()],
        excludes: &[],
        tags: vec![
            "shipshape-before-updates".into(),
            before_updates_tag(update_run),
        ],
        limit: BEFORE_UPDATES_LIMIT,
    };
    let (mut run, _) = restic_backup(
        store,
        actor,
        repo,
        password,
        run,
        what,
        &crate::progress::NoProgress,
        cancel,
    )?;
    run.message = format!(
        "Before update run {update_run}, /etc and the list of installed packages: {}",
        run.message
    );
    record(store, actor, &mut run)?;
    Ok(run)
}

/// What a look over the backed-up files after a backup finds.
#[derive(Default)]
struct LookAfter {
    /// The first `MOST_CHANGED` files changed since the backup started.
    changed: Vec<String>,
    changed_count: usize,
    /// Up to `SAMPLE` files unchanged since before it started, drawn at
    /// random among all of them, with their size and time.
    sample: Vec<(PathBuf, u64, std::time::SystemTime)>,
}

/// Walks what `repo`'s plan backs up (as restic did, leaving out what it
/// excludes and the repository itself): which files changed since
/// `started`, and a random sample of those that did not.
fn look_after(repo: &Repository, started: std::time::SystemTime) -> LookAfter {
    use rand::Rng;
    let mut rng = rand::rng();
    let mut found = LookAfter {
        changed: Vec::new(),
        changed_count: 0,
        sample: Vec::new(),
    };
    let mut seen = 0usize;
    estimate::walk(&repo.plan, Some(Path::new(&repo.folder)), |path, meta| {
        let Ok(changed) = meta.modified() else {
            return true;
        };
        if !meta.is_file() {
            return true;
        }
        if changed >= started {
            found.changed_count += 1;
            if found.changed.len() < MOST_CHANGED {
                found.changed.push(path.to_string_lossy().into_owned());
            }
            return true;
        }
        // restic 0.14 names what is not UTF-8 in its own way: not sampled.
        if path.to_str().is_none() {
            return true;
        }
        // Reservoir sampling: each file has the same chance, one pass.
        seen += 1;
        if found.sample.len() < SAMPLE {
            found.sample.push((path.to_path_buf(), meta.len(), changed));
        } else {
            let at = rng.random_range(0..seen);
            if at < SAMPLE {
                found.sample[at] = (path.to_path_buf(), meta.len(), changed);
            }
        }
        true
    });
    found
}

/// The digest of each `sample` file, with its path and size; a file that
/// changed meanwhile, or cannot be read, is left out.
fn digests(sample: &[(PathBuf, u64, std::time::SystemTime)]) -> Vec<(PathBuf, u64, String)> {
    sample
        .iter()
        .filter_map(|(path, size, changed)| {
            let digest = digest_of(path).ok()?;
            let still = std::fs::symlink_metadata(path)
                .is_ok_and(|m| m.len() == *size && m.modified().ok() == Some(*changed));
            still.then(|| (path.clone(), *size, digest))
        })
        .collect()
}

/// Keeps the digest of each `sample` file for the restore test.
fn keep_sample(
    store: &Store,
    repo: &Repository,
    snapshot: &str,
    sample: Vec<(PathBuf, u64, String)>,
) -> Result<()> {
    let conn = store.conn();
    for (path, size, digest) in sample {
        conn.execute(
            "INSERT OR REPLACE INTO backup_samples (repo, snapshot, path, size, digest) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![repo.name, snapshot, path.to_str(), size as i64, digest],
        )
        .map_err(|e| sql("write", e))?;
    }
    Ok(())
}

fn digest_of(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut file = estimate::open_untouched(path, rustix::fs::OFlags::empty())?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Refuses when `snapshot` cannot be read in `repo` now: the repository
/// is not there, or the snapshot was forgotten.
pub fn has_snapshot(
    store: &Store,
    repo: &Repository,
    password: &Secret,
    snapshot: &str,
) -> Result<()> {
    let snapshot = browse::checked_snapshot(snapshot)?;
    let to = location(repo)?;
    let out = restic(store, &to, password).ok(&["snapshots", "--json", snapshot], None)?;
    let found: Vec<Snapshot> =
        serde_json::from_str(restic::json_list(&out.stdout)).map_err(|e| {
            Error::internal(format!("restic's list of snapshots could not be read: {e}"))
        })?;
    if found.is_empty() {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!(
                "Snapshot {snapshot} is no longer in the backup {}: its retention forgot it.",
                repo.name
            ),
            "Restore the files you need from a later snapshot: shipshape backup browse.",
        ));
    }
    Ok(())
}

/// The snapshots in `repo`, newest first.
pub fn snapshots(store: &Store, repo: &Repository, password: &Secret) -> Result<Vec<Snapshot>> {
    let to = location(repo)?;
    let out = restic(store, &to, password).ok(&["snapshots", "--json"], None)?;
    let mut list: Vec<Snapshot> =
        serde_json::from_str(restic::json_list(&out.stdout)).map_err(|e| {
            Error::internal(format!("restic's list of snapshots could not be read: {e}"))
        })?;
    list.sort_by(|a, b| b.time.cmp(&a.time));
    Ok(list)
}

/// Checks the repository's structure, and with `read` (n, of) reads that
/// part of the stored data too.
pub fn check(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    read: Option<(u32, u32)>,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let mut run = new_run(repo, BackupKind::Check, now);
    let subset;
    let mut args = vec!["check"];
    if let Some((n, of)) = read {
        if n == 0 || of == 0 || n > of {
            return Err(Error::invalid_input(
                format!("{n} of {of} is not a part of the data."),
                "Give a part like 1/5: the first fifth of the stored data.",
            ));
        }
        subset = format!("--read-data-subset={n}/{of}");
        args.push(&subset);
    }
    let to = location(repo)?;
    let r = restic(store, &to, password);
    clear_stale_locks(&r);
    let out = match r.run(&args, None, |_| {}) {
        Ok(out) => out,
        Err(e) => return Err(failed(store, actor, run, e)),
    };
    if out.success() {
        run.outcome = BackupOutcome::Done;
        run.message = match read {
            Some((n, of)) => format!(
                "The backup is sound: its structure, and part {n} of {of} of its stored data read back, are as they should be."
            ),
            None => "The backup's structure is sound.".into(),
        };
        record(store, actor, &mut run)?;
        return Ok(run);
    }
    let e = r.failure(&out, None);
    if e.code != ErrorCode::Io {
        return Err(failed(store, actor, run, e));
    }
    let damage = damage_lines(&out);
    if damage.is_empty() {
        return Err(failed(store, actor, run, e));
    }
    found_wrong(
        store,
        actor,
        run,
        format!(
            "The backup at {} is damaged: {}. Make a new backup to another disk soon; the damaged parts cannot be restored.",
            repo.folder,
            damage.join(" / ")
        ),
    )
}

/// Forgets the snapshots `keep` does not keep, and frees their space.
pub fn forget(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    keep: Retention,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    forget_saying(store, actor, repo, password, keep, now).map(|(run, _)| run)
}

/// `forget`, answering also the ids of the snapshots forgotten.
pub fn forget_saying(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    keep: Retention,
    now: DateTime<Utc>,
) -> Result<(BackupRun, Vec<String>)> {
    if keep.daily + keep.weekly + keep.monthly == 0 {
        return Err(Error::invalid_input(
            "Keeping no snapshot at all would forget every backup.",
            "Keep at least one: for example 7 daily, 4 weekly and 12 monthly.",
        ));
    }
    forgotten_on_record(
        store,
        actor,
        forget_unrecorded(store, repo, password, keep, now),
    )
}

/// A forget run as `forget_unrecorded` left it, now on record.
pub fn forgotten_on_record(
    store: &Store,
    actor: &Actor,
    (mut run, forgot): (BackupRun, Result<Vec<String>>),
) -> Result<(BackupRun, Vec<String>)> {
    match forgot {
        Ok(removed) => {
            record(store, actor, &mut run)?;
            Ok((run, removed))
        }
        Err(e) => Err(failed(store, actor, run, e)),
    }
}

/// Forgets what `keep` does not keep, then prunes when that can free
/// space (a snapshot forgotten had data no kept one has: not so for the
/// earlier backups of unchanged files), not yet on record: the run, and
/// the ids of the snapshots forgotten or why nothing was. `keep` keeps at
/// least one snapshot (`Plan::checked`).
pub fn forget_unrecorded(
    store: &Store,
    repo: &Repository,
    password: &Secret,
    keep: Retention,
    now: DateTime<Utc>,
) -> (BackupRun, Result<Vec<String>>) {
    let mut run = new_run(repo, BackupKind::Forget, now);
    let (d, w, m) = (
        format!("--keep-daily={}", keep.daily),
        format!("--keep-weekly={}", keep.weekly),
        format!("--keep-monthly={}", keep.monthly),
    );
    let to = match location(repo) {
        Ok(to) => to,
        Err(e) => return (run, Err(e)),
    };
    let r = restic(store, &to, password);
    // A lock a killed run left stops a forget or a prune: cleared, then
    // once more.
    let unlocked = |args: &[&str]| match r.ok(args, None) {
        Err(e) if e.code == ErrorCode::Conflict => {
            clear_stale_locks(&r);
            r.ok(args, None)
        }
        other => other,
    };
    let forgot = match unlocked(&["forget", "--json", &d, &w, &m]) {
        Ok(out) => restic::parse_forget(&out.stdout),
        Err(e) => return (run, Err(e)),
    };
    run.outcome = BackupOutcome::Done;
    let prune = forgot.frees_space && (!forgot.removed.is_empty() || !forgot.read);
    let freed = match prune.then(|| unlocked(&["prune"])) {
        Some(Err(e)) => {
            // The snapshots are forgotten all the same; what they alone
            // held stays until a later prune.
            run.outcome = BackupOutcome::Partial;
            format!(
                "; their space could not be freed yet: {} The next forget that frees space prunes it",
                e.message
            )
        }
        Some(Ok(_)) if !forgot.removed.is_empty() => " and their space freed".to_string(),
        _ if forgot.removed.is_empty() => String::new(),
        _ => " (they held nothing the kept ones do not, so there was no space to free)".to_string(),
    };
    run.message = format!(
        "{} snapshots kept ({} daily, {} weekly, {} monthly); {} forgotten{freed}.",
        forgot.kept.len(),
        keep.daily,
        keep.weekly,
        keep.monthly,
        forgot.removed.len()
    );
    (run, Ok(forgot.removed))
}

/// Proves the latest sampled backup can be restored: its sampled files are
/// restored into a private folder and compared byte for byte (by digest)
/// with what they held at backup time, and part `turn` of 5 of the stored
/// data is read back and checked.
pub fn restore_test(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let mut run = new_run(repo, BackupKind::RestoreTest, now);
    let latest: Option<String> = store
        .conn()
        .query_row(
            "SELECT snapshot FROM backup_samples WHERE repo = ?1 ORDER BY rowid DESC LIMIT 1",
            [&repo.name],
            |r| r.get(0),
        )
        .ok();
    let Some(snapshot) = latest else {
        return Err(Error::new(
            ErrorCode::NotFound,
            "There is no backup to test yet.",
            "Run a backup first: shipshape backup run PATH…",
        ));
    };
    let samples: Vec<(String, String)> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT path, digest FROM backup_samples WHERE repo = ?1 AND snapshot = ?2 ORDER BY path")
            .map_err(|e| sql("read", e))?;
        let rows = stmt
            .query_map([&repo.name, &snapshot], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sql("read", e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| sql("read", e))?
    };
    let work = work_folder(store).join(format!("restore-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let target = work.to_string_lossy().into_owned();
    let includes: Vec<String> = samples
        .iter()
        .map(|(p, _)| restic::include_exactly(p))
        .collect();
    let mut args = vec!["restore", snapshot.as_str(), "--target", &target];
    args.extend(includes.iter().map(String::as_str));
    let to = location(repo)?;
    let r = restic(store, &to, password);
    let restored = r.ok(&args, None);
    let mut problems = Vec::new();
    if let Err(e) = &restored {
        problems.push(format!("restoring failed: {}", e.message));
    }
    for (path, digest) in &samples {
        let back = work.join(path.trim_start_matches('/'));
        match digest_of(&back) {
            Ok(d) if &d == digest => {}
            Ok(_) => problems.push(format!("{path} came back different")),
            Err(_) => problems.push(format!("{path} did not come back")),
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    let turn = history(store)?
        .iter()
        .filter(|h| h.kind == BackupKind::RestoreTest && h.repository == repo.name)
        .count() as u32
        % 5
        + 1;
    let subset = format!("--read-data-subset={turn}/5");
    let checked = r.run(&["check", &subset], None, |_| {});
    match checked {
        Ok(out) if out.success() => {}
        Ok(out) => problems.push(format!(
            "part {turn} of 5 of the stored data is damaged: {}",
            damage_lines(&out).join(" / ")
        )),
        Err(e) => problems.push(e.message),
    }
    run.snapshot = Some(snapshot.clone());
    run.files = samples.len() as u64;
    if problems.is_empty() {
        run.outcome = BackupOutcome::Done;
        run.message = format!(
            "The restore test passed: {} files of snapshot {} came back exactly as they were backed up, and part {turn} of 5 of the stored data read back sound.",
            samples.len(),
            &snapshot[..snapshot.len().min(8)]
        );
        record(store, actor, &mut run)?;
        Ok(run)
    } else {
        found_wrong(
            store,
            actor,
            run,
            format!(
                "The restore test failed: {}. The backup cannot be trusted: make a new one to another disk, and run shipshape backup check --read-data 1/1.",
                problems.join("; ")
            ),
        )
    }
}

/// Restores `paths` of `snapshot` into `target`, a folder only root may
/// change, owners and modes kept; records the run.
#[allow(clippy::too_many_arguments)]
pub fn restore_into(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    snapshot: &str,
    paths: &[String],
    target: &Path,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let mut run = new_run(repo, BackupKind::Restore, now);
    let snapshot = browse::checked_snapshot(snapshot)?;
    let at = location(repo)?;
    let mut args = vec![
        "restore".to_string(),
        snapshot.to_string(),
        "--target".into(),
        target.to_string_lossy().into_owned(),
    ];
    for p in paths {
        args.push(restic::include_exactly(browse::checked_inside(p)?));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Err(e) = restic(store, &at, password).ok(&args, None) {
        return Err(failed(store, actor, run, e));
    }
    run.snapshot = Some(snapshot.to_string());
    run.files = paths.len() as u64;
    run.outcome = BackupOutcome::Done;
    run.message = format!(
        "{} restored from snapshot {}.",
        paths.join(", "),
        &snapshot[..snapshot.len().min(8)]
    );
    record(store, actor, &mut run)?;
    Ok(run)
}

/// The entries directly inside `folder` in `snapshot`.
pub fn browse(
    store: &Store,
    repo: &Repository,
    password: &Secret,
    snapshot: &str,
    folder: &str,
) -> Result<Vec<browse::Entry>> {
    let at = location(repo)?;
    browse::folder(&restic(store, &at, password), snapshot, folder)
}

/// What in `snapshot` has a name holding `words`.
pub fn find(
    store: &Store,
    repo: &Repository,
    password: &Secret,
    snapshot: &str,
    words: &str,
) -> Result<Vec<browse::Entry>> {
    let at = location(repo)?;
    browse::find(&restic(store, &at, password), snapshot, words)
}

/// Brings `path` of `snapshot` back into a new hidden folder in `parent`,
/// written as `writer` (`put_back::stage`), and records the run.
#[allow(clippy::too_many_arguments)]
pub fn stage_restore(
    store: &Store,
    actor: &Actor,
    repo: &Repository,
    password: &Secret,
    snapshot: &str,
    path: &str,
    parent: &Path,
    writer: Option<put_back::Writer>,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Result<(BackupRun, PathBuf)> {
    let mut run = new_run(repo, BackupKind::Restore, now);
    let at = location(repo)?;
    let r = restic(store, &at, password);
    match put_back::stage(
        &r,
        &work_folder(store),
        snapshot,
        path,
        parent,
        writer,
        cancel,
    ) {
        Ok(staging) => {
            run.snapshot = Some(snapshot.to_string());
            run.outcome = BackupOutcome::Done;
            run.message = format!(
                "{path} was restored from snapshot {} into {}.",
                &snapshot[..snapshot.len().min(8)],
                parent.display()
            );
            record(store, actor, &mut run)?;
            Ok((run, staging))
        }
        Err(e) => Err(failed(store, actor, run, e)),
    }
}

/// Stops using backup `name`: Shipshape forgets it, its runs stay in the
/// history; the repository itself is left as it is (restic reads it with
/// its password). Answers what it was, so root's key can go too.
pub fn remove(store: &Store, actor: &Actor, name: &str, now: DateTime<Utc>) -> Result<Repository> {
    let repo = repository(store, Some(name))?;
    audit::append_with(store, now, actor, |tx| {
        tx.execute("DELETE FROM backup_repos WHERE name = ?1", [&repo.name])
            .map_err(|e| sql("write", e))?;
        tx.execute("DELETE FROM backup_samples WHERE repo = ?1", [&repo.name])
            .map_err(|e| sql("write", e))?;
        Ok((
            (),
            NewEntry::ok(
                "backup.remove",
                &repo.name,
                serde_json::json!({ "folder": repo.folder }),
            ),
        ))
    })?;
    Ok(repo)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn status(files: u64, bytes: u64) -> Line {
        Line::Status(restic::Status {
            files_done: files,
            bytes_done: bytes,
            total_files: 10,
            total_bytes: 1000,
            ..Default::default()
        })
    }

    #[test]
    fn restic_is_stuck_only_when_the_same_progress_lasts_past_the_limit() {
        let mut watch = Stall {
            limit: std::time::Duration::ZERO,
            last: None,
            since: std::time::Instant::now(),
        };
        assert!(!watch.stuck(Some(&status(1, 100))), "new progress");
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(
            watch.stuck(Some(&status(1, 100))),
            "the same, past the limit"
        );
        assert!(!watch.stuck(Some(&status(1, 200))), "moving again");
        assert!(!watch.stuck(None), "another line is progress");
        watch.limit = std::time::Duration::from_secs(3600);
        assert!(!watch.stuck(Some(&status(1, 200))));
        assert!(!watch.stuck(Some(&status(1, 200))), "within the limit");
    }

    #[test]
    fn a_stuck_restic_with_room_on_its_disk_is_said_to_have_stopped_making_progress() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Location::Folder(dir.path().to_path_buf());
        assert!(!disk_full(&folder));
        let e = stalled_error(&folder, false, std::time::Duration::from_secs(1200));
        assert_eq!(
            e.message,
            "restic made no progress for 20 minutes, so it was stopped."
        );
        assert!(e.hint.contains("the next run goes on from here"), "{e:?}");
    }
}
