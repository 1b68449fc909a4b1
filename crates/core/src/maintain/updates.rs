//! Waiting updates, installing them, and going back.
//!
//! `check` asks apt what an upgrade would do (read-only, no root, no
//! refresh unless asked). `apply` runs as root: it refuses while the
//! package manager is half-way through an earlier run, checks free space,
//! keeps the installed version of every package it will change (apt's
//! cache, else downloaded again, else rebuilt with dpkg-repack) in root's
//! state, then installs, and records each package's old and new version.
//! `undo` puts the kept versions back and holds them there until the
//! administrator releases them.

use super::apt::{self, Apt, Planned};
use super::kept_config::{self, ConfigKept};
use crate::admin::state::RootState;
use crate::audit::{self, Actor, NewEntry};
use crate::progress::{Cancel, Progress};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// One waiting update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Update {
    pub name: String,
    pub arch: String,
    /// `None` for a package an update brings in new.
    pub installed: Option<String>,
    pub candidate: String,
    /// Offered by the distribution's security suite.
    pub security: bool,
    /// apt's "Label:Version/Suite" for each source offering it.
    pub sources: Vec<String>,
    #[ts(type = "number")]
    pub download_bytes: u64,
    #[ts(type = "number")]
    pub installed_kib: u64,
    /// The package's one-line description.
    pub summary: String,
    /// The kernel, firmware, the C library, systemd or D-Bus: only a
    /// restart puts such an update to work.
    pub needs_restart: bool,
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Waiting {
    /// Security updates first, then by name.
    pub updates: Vec<Update>,
    /// Held back by apt: they would remove or hold something.
    pub kept_back: Vec<String>,
    /// Held at their version by the administrator (`apt-mark hold`).
    pub held: Vec<String>,
    /// Deferred by Ubuntu's phased updates; never forced.
    pub phased: Vec<String>,
    /// Whether the package lists were refreshed first.
    pub refreshed: bool,
}

impl Waiting {
    pub fn security(&self) -> usize {
        self.updates.iter().filter(|u| u.security).count()
    }

    /// The verdict in plain words.
    pub fn headline(&self) -> String {
        match (self.updates.len(), self.security()) {
            (0, _) => "This computer is up to date.".into(),
            (n, 0) => format!(
                "{n} {} waiting; none fixes a security problem.",
                plural(n, "update is", "updates are")
            ),
            (n, s) if s == n => format!(
                "{n} security {} waiting.",
                plural(n, "update is", "updates are")
            ),
            (n, s) => format!(
                "{s} security {} and {} other {} waiting.",
                plural(s, "update", "updates"),
                n - s,
                plural(n - s, "update are", "updates are")
            ),
        }
    }
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Which updates to install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "packages")]
#[ts(export)]
pub enum Choice {
    Security,
    All,
    Chosen(Vec<String>),
}

impl Choice {
    /// Refuses a choice naming something that is not a package name.
    pub fn checked(self) -> Result<Choice> {
        if let Choice::Chosen(names) = &self {
            if names.is_empty() {
                return Err(Error::invalid_input(
                    "No package was named.",
                    "Name the packages to update, or choose --security or --all.",
                ));
            }
            if let Some(bad) = names.iter().find(|n| !apt::is_package_name(n)) {
                return Err(Error::invalid_input(
                    format!("\"{bad}\" is not a package name."),
                    "Package names are lower-case letters, digits and + - . (see shipshape updates check).",
                ));
            }
        }
        Ok(self)
    }

    fn describe(&self) -> String {
        match self {
            Choice::Security => "security updates".into(),
            Choice::All => "all updates".into(),
            Choice::Chosen(names) => names.join(", "),
        }
    }
}

/// Packages whose update works only after a restart.
fn needs_restart(name: &str) -> bool {
    [
        "linux-image",
        "linux-firmware",
        "firmware-",
        "intel-microcode",
        "amd64-microcode",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || ["libc6", "systemd", "dbus", "dbus-daemon"].contains(&name)
}

/// The waiting updates. Reads only what apt already knows unless
/// `refresh`, which downloads the package lists first (root only).
pub fn check(apt: &Apt, refresh: bool) -> Result<Waiting> {
    if refresh {
        apt.refresh()?;
    }
    // The two runs of apt's resolver are independent: side by side they
    // take the time of the slower one.
    let (simulated, sizes) = std::thread::scope(|scope| {
        let sizes = scope.spawn(|| apt.download_list());
        let simulated = apt.simulate_upgrade();
        let sizes = sizes
            .join()
            .unwrap_or_else(|_| Err(Error::internal("Reading the download sizes failed.")));
        (simulated, sizes)
    });
    let sim = apt::parse_simulation(&simulated?);
    let sizes = apt::parse_download_sizes(&sizes?);
    let facts = apt::parse_installed_facts(&apt.installed_facts()?);
    let fact = |p: &Planned| {
        let with_arch = format!("{}:{}", p.name, p.arch);
        facts
            .iter()
            .find(|(n, _)| *n == p.name || *n == with_arch)
            .map(|(_, f)| f.clone())
            .unwrap_or_default()
    };
    let mut updates: Vec<Update> = sim
        .planned
        .iter()
        .map(|p: &Planned| {
            let f = fact(p);
            Update {
                name: p.name.clone(),
                arch: p.arch.clone(),
                installed: p.installed.clone(),
                candidate: p.candidate.clone(),
                security: p.is_security(),
                sources: p.sources.clone(),
                download_bytes: sizes
                    .iter()
                    .find(|(n, _)| *n == p.name)
                    .map_or(0, |(_, s)| *s),
                installed_kib: f.installed_kib,
                summary: f.summary,
                needs_restart: needs_restart(&p.name),
            }
        })
        .collect();
    updates.sort_by(|a, b| b.security.cmp(&a.security).then(a.name.cmp(&b.name)));
    let held: Vec<String> = facts
        .iter()
        .filter(|(_, f)| f.held)
        .map(|(n, _)| n.split(':').next().unwrap_or(n).to_string())
        .collect();
    let kept_back = sim
        .kept_back
        .into_iter()
        .filter(|n| !held.contains(n))
        .collect();
    Ok(Waiting {
        updates,
        kept_back,
        held,
        phased: sim.phased,
        refreshed: refresh,
    })
}

/// `check`, answered from the store while apt's state (the installed
/// packages, the lists, the sources and settings) has not changed since
/// the check kept there; any change, or a fingerprint that cannot be made,
/// checks afresh.
pub fn check_kept(store: &Store, apt: &Apt) -> Result<Waiting> {
    let Ok(fingerprint) = apt.state_fingerprint() else {
        return check(apt, false);
    };
    let kept: Option<String> = store
        .conn()
        .query_row(
            "SELECT waiting FROM update_check WHERE fingerprint = ?1",
            [&fingerprint],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql("read", e))?;
    if let Some(waiting) = kept.and_then(|k| serde_json::from_str(&k).ok()) {
        return Ok(waiting);
    }
    let waiting = check(apt, false)?;
    let text = serde_json::to_string(&waiting).map_err(|e| Error::internal(e.to_string()))?;
    store
        .conn()
        .execute(
            "INSERT OR REPLACE INTO update_check (id, fingerprint, waiting) VALUES (1, ?1, ?2)",
            rusqlite::params![fingerprint, text],
        )
        .map_err(|e| sql("write", e))?;
    Ok(waiting)
}

/// One package a run changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackageChange {
    pub name: String,
    pub arch: String,
    /// `None` when the run brought the package in new.
    pub old_version: Option<String>,
    /// The version installed after the run (`None`: not installed).
    pub new_version: Option<String>,
    /// Whether a copy of the old version is kept to go back to.
    pub undo_copy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunOutcome {
    /// Still running, or cut off (a power cut): the next run repairs.
    Running,
    Done,
    Failed,
    Undone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RunKind {
    Apply,
    Undo,
    Repair,
    /// A package a fix needs, brought in new (`install_needed`).
    Install,
    /// A package file, verified, installed from the Install screen
    /// (`install::direct`).
    InstallFile,
    /// A package from this computer's signed package sources, installed
    /// by name from the Install screen (`install::named`).
    InstallPackage,
    /// A program (tarball or AppImage) installed into /opt beside its
    /// other versions (`install::program`).
    InstallProgram,
    /// Another installed version of a program in /opt put in use.
    ProgramSwitch,
    /// Outdated packages removed from the Office screen's retire list
    /// (`govern::retire`); undone by putting the kept copies back.
    Retire,
}

impl RunKind {
    /// Whether the run installed software asked for on the Install
    /// screen: it is undone by taking away what it brought in.
    pub fn is_installation(self) -> bool {
        matches!(
            self,
            RunKind::InstallFile
                | RunKind::InstallPackage
                | RunKind::InstallProgram
                | RunKind::ProgramSwitch
        )
    }
}

/// One run of the package manager, as kept in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UpdateRun {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: RunKind,
    /// What was asked: "security updates", "all updates", names.
    pub asked: String,
    pub started: String,
    pub finished: Option<String>,
    pub outcome: RunOutcome,
    /// The verdict in plain words.
    pub message: String,
    pub packages: Vec<PackageChange>,
    pub restart_needed: bool,
    /// Services still running the libraries an update replaced (as
    /// needrestart names them, where it is installed): restart them, or
    /// the computer.
    #[serde(default)]
    pub old_libraries: Vec<String>,
    /// After an installation: the security check of waiting security
    /// updates, run again, in plain words.
    #[serde(default)]
    pub recheck: Option<String>,
    /// For an installation: /etc and the package lists backed up just
    /// before it, and the configuration files it changed.
    #[serde(default)]
    pub before: Option<ConfigKept>,
    /// For an undo: the configuration files it put back as they were.
    #[serde(default)]
    pub config_put_back: Vec<String>,
    /// For an undo: the run it undid; for an apply: the undo that undid it.
    #[ts(type = "number | null")]
    pub undoes: Option<i64>,
    #[ts(type = "number | null")]
    pub undone_by: Option<i64>,
    /// In the user's history: the run's number in root's records.
    #[ts(type = "number | null")]
    pub admin_run: Option<i64>,
    /// The end of what the package manager printed.
    pub log_tail: String,
    /// For an installation from the Install screen: each step as it
    /// happened, for its change record.
    #[serde(default)]
    pub steps: Vec<RunStep>,
    /// For a package installed from the Install screen: what it switched
    /// on or left open, found by root right after, and how each was
    /// answered.
    #[serde(default)]
    pub hardening: Vec<crate::install::harden::Hardening>,
}

/// One step of an installation, when it ended and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunStep {
    pub time: String,
    /// What was done, in plain words.
    pub what: String,
    pub ok: bool,
}

impl UpdateRun {
    /// Notes a step just ended, at the clock's time.
    pub(crate) fn step(&mut self, ok: bool, what: impl Into<String>) {
        self.steps.push(RunStep {
            time: stamp(Utc::now()),
            what: what.into(),
            ok,
        });
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn sql(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::StoreUnavailable,
        format!("Could not {doing} the update history: {e}."),
        "Try again; if it keeps failing, check the disk.",
    )
}

/// Every run in `store`, newest first.
pub fn history(store: &Store) -> Result<Vec<UpdateRun>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, admin_run, record FROM update_runs ORDER BY id DESC")
        .map_err(|e| sql("read", e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| sql("read", e))?;
    let mut runs = Vec::new();
    for row in rows {
        let (id, admin_run, record) = row.map_err(|e| sql("read", e))?;
        // A row that does not read (edited by hand) is skipped, not fatal.
        if let Ok(mut run) = serde_json::from_str::<UpdateRun>(&record) {
            run.id = id;
            run.admin_run = admin_run;
            runs.push(run);
        }
    }
    Ok(runs)
}

/// One run by number.
pub fn run_numbered(store: &Store, id: i64) -> Result<UpdateRun> {
    history(store)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no update run {id}."),
                "Run shipshape updates history to see the runs and their numbers.",
            )
        })
}

pub(crate) fn save(conn: &rusqlite::Connection, run: &UpdateRun) -> Result<i64> {
    let record = serde_json::to_string(run).map_err(|e| Error::internal(e.to_string()))?;
    if run.id > 0 {
        conn.execute(
            "UPDATE update_runs SET record = ?1, admin_run = ?2 WHERE id = ?3",
            rusqlite::params![record, run.admin_run, run.id],
        )
        .map_err(|e| sql("write", e))?;
        return Ok(run.id);
    }
    conn.execute(
        "INSERT INTO update_runs (started, admin_run, record) VALUES (?1, ?2, ?3)",
        rusqlite::params![run.started, run.admin_run, record],
    )
    .map_err(|e| sql("write", e))?;
    Ok(conn.last_insert_rowid())
}

/// Records a finished run and its audit entry in one transaction.
pub(crate) fn record(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    run: &mut UpdateRun,
    action: &str,
) -> Result<()> {
    run.finished = Some(stamp(now));
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = save(tx, run)?;
        let details = serde_json::json!({
            "run": id,
            "asked": run.asked,
            "packages": run.packages,
            "restart_needed": run.restart_needed,
            "undoes": run.undoes,
            "admin_run": run.admin_run,
        });
        let entry = match run.outcome {
            RunOutcome::Failed => NewEntry::failed(action, &run.asked, &run.message, details),
            _ => NewEntry::ok(action, &run.asked, details),
        };
        Ok((id, entry))
    })?;
    run.id = id;
    Ok(())
}

/// Keeps a copy in the user's own history of a run root made, with its
/// audit entry, in one transaction.
pub fn mirror(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    answered: &UpdateRun,
    action: &str,
) -> Result<UpdateRun> {
    let mut run = answered.clone();
    run.admin_run = Some(answered.id);
    run.id = 0;
    let mine = |admin: Option<i64>| -> Result<Option<i64>> {
        let Some(admin) = admin else { return Ok(None) };
        store
            .conn()
            .query_row(
                "SELECT id FROM update_runs WHERE admin_run = ?1",
                [admin],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| sql("read", e))
    };
    run.undoes = mine(answered.undoes)?;
    run.undone_by = None;
    let finished = answered.finished.clone();
    record(store, now, actor, &mut run, action)?;
    run.finished = finished;
    if let Some(undone) = run.undoes {
        let mut earlier = run_numbered(store, undone)?;
        earlier.undone_by = Some(run.id);
        earlier.outcome = RunOutcome::Undone;
        save(store.conn(), &earlier)?;
    }
    Ok(run)
}

/// Free bytes for an unprivileged writer on the file system holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    let st = rustix::fs::statvfs(path).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

/// Refuses when the downloads or the installed files would not fit.
fn enough_space(apt: &Apt, chosen: &[Update]) -> Result<()> {
    let download: u64 = chosen.iter().map(|u| u.download_bytes).sum();
    let installed: u64 = chosen.iter().map(|u| u.installed_kib * 1024).sum();
    let margin = 64 * 1024 * 1024;
    let checks = [
        (apt.archives()?, download + margin, "the downloads"),
        (
            PathBuf::from("/usr"),
            installed + margin,
            "the updated programs",
        ),
    ];
    for (place, needed, what) in checks {
        if let Some(free) = free_bytes(&place)
            && free < needed
        {
            return Err(Error::new(
                ErrorCode::Io,
                format!(
                    "There is not enough free disk space for {what}: {} MB needed at {}, {} MB free. Nothing was changed.",
                    needed / 1_000_000,
                    place.display(),
                    free / 1_000_000
                ),
                "Free some space (for example sudo apt-get clean, or empty the rubbish bin), then try again.",
            ));
        }
    }
    Ok(())
}

/// Refuses while an earlier run is half done.
pub(crate) fn consistent(apt: &Apt) -> Result<()> {
    let audit = apt.audit()?;
    if audit.is_empty() {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Conflict,
        "An earlier installation was interrupted, so some packages are half installed. Nothing was changed.",
        format!(
            "Repair it first: shipshape updates repair (or Repair on the Maintenance screen). dpkg says: {}",
            apt::last_lines(&audit)
        ),
    ))
}

/// The updates `choice` selects from `waiting`.
fn chosen(waiting: &Waiting, choice: &Choice) -> Result<Vec<Update>> {
    Ok(match choice {
        Choice::Security => waiting
            .updates
            .iter()
            .filter(|u| u.security)
            .cloned()
            .collect(),
        Choice::All => waiting.updates.clone(),
        Choice::Chosen(names) => {
            let mut picked = Vec::new();
            for name in names {
                if waiting.held.contains(name) {
                    return Err(Error::new(
                        ErrorCode::Conflict,
                        format!("{name} is held at its version, so Shipshape does not update it."),
                        format!(
                            "Release the hold first (sudo apt-mark unhold {name}), then try again."
                        ),
                    ));
                }
                match waiting.updates.iter().find(|u| &u.name == name) {
                    Some(u) => picked.push(u.clone()),
                    None => {
                        return Err(Error::invalid_input(
                            format!("{name} has no waiting update."),
                            "Run shipshape updates check to see which updates wait.",
                        ));
                    }
                }
            }
            picked
        }
    })
}

/// apt's name for a package file: "name_version_arch.deb", the epoch's
/// colon written "%3a".
pub(crate) fn deb_name(name: &str, version: &str, arch: &str) -> String {
    format!("{name}_{}_{arch}.deb", version.replace(':', "%3a"))
}

/// The file name of `u`'s installed version, as apt names it.
fn old_deb(u: &Update) -> Option<String> {
    u.installed
        .as_ref()
        .map(|old| deb_name(&u.name, old, &u.arch))
}

/// Keeps the installed version of `u` in `folder` (already there from the
/// batch download, or from apt's cache, a download, or rebuilt); answers
/// whether it did.
fn keep_old(apt: &Apt, archives: &Path, folder: &Path, u: &Update) -> bool {
    let Some(old) = &u.installed else {
        return false;
    };
    keep_version(apt, archives, folder, &u.name, old, &u.arch)
}

/// Keeps version `old` of the installed package `name` in `folder`, as
/// `keep_old` does; answers whether it did.
pub(crate) fn keep_version(
    apt: &Apt,
    archives: &Path,
    folder: &Path,
    name_of: &str,
    old: &str,
    arch: &str,
) -> bool {
    let name = deb_name(name_of, old, arch);
    let target = folder.join(&name);
    if target.is_file() || std::fs::copy(archives.join(&name), &target).is_ok() {
        return true;
    }
    let wanted = format!("{name_of}={old}");
    if apt
        .download_into(folder, std::slice::from_ref(&wanted))
        .is_ok()
        && target.is_file()
    {
        return true;
    }
    apt.repack_into(folder, name_of).is_ok()
        && std::fs::read_dir(folder).is_ok_and(|d| {
            d.flatten().any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{name_of}_"))
            })
        })
}

/// Where root keeps the old versions of run `id`'s packages.
pub(crate) fn run_folder(state: &RootState, id: i64) -> PathBuf {
    state.paths.state.join("updates").join(id.to_string())
}

pub(crate) fn private_folder(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io("create", dir, &e))
}

/// Said when another run holds the turn to change packages.
pub(crate) const BUSY: &str =
    "Another installation is running on this computer right now, so nothing was changed.";

/// Builds made for tests stop dead at `step` when SHIPSHAPE_CUT_AT names
/// it, killed as a power cut would stop them.
pub(crate) fn cut_here(step: &str) {
    if crate::test_settings::var("SHIPSHAPE_CUT_AT").is_some_and(|v| v == step) {
        let _ =
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    }
}

/// Closes each run a power cut or a kill left "running" in root's records
/// (only called while holding the turn, so none of them is still going):
/// it is recorded as failed, saying what it left, and the sentences are
/// answered for the next run's verdict.
pub(crate) fn settle_cut_off(
    apt: &Apt,
    state: &RootState,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String> {
    // A program's runs in /opt are settled by `install::program`.
    let cut: Vec<UpdateRun> = history(&state.store)?
        .into_iter()
        .filter(|r| r.outcome == RunOutcome::Running)
        .filter(|r| !matches!(r.kind, RunKind::InstallProgram | RunKind::ProgramSwitch))
        .collect();
    if cut.is_empty() {
        return Ok(String::new());
    }
    let half_done = !apt.audit()?.is_empty();
    let mut said = Vec::new();
    for mut run in cut {
        let names: Vec<String> = run.packages.iter().map(|p| p.name.clone()).collect();
        let installed = apt.installed(&names)?;
        let mut moved = 0;
        for p in &mut run.packages {
            let now_there = installed
                .iter()
                .find(|(n, _)| *n == p.name || n.split(':').next() == Some(p.name.as_str()))
                .map(|(_, v)| v.clone());
            if now_there.is_some() && now_there != p.old_version {
                moved += 1;
            }
            p.new_version = now_there;
        }
        let left = if half_done {
            "Some packages were left half installed; a repair finishes them.".to_string()
        } else if run.packages.is_empty() {
            "Nothing was left half done.".to_string()
        } else {
            format!(
                "Nothing was left half done: {moved} of {} {} changed before it stopped.",
                run.packages.len(),
                plural(run.packages.len(), "package", "packages")
            )
        };
        run.outcome = RunOutcome::Failed;
        run.message = format!(
            "This run was cut off before it finished, most likely by a power cut or a forced stop. {left}"
        );
        record(&state.store, now, actor, &mut run, "updates.cut_off")?;
        said.push(format!(
            "Run {} ({}) had been cut off before it finished; it is closed as failed.",
            run.id, run.asked
        ));
    }
    said.extend(crate::install::held_back::release_left_over());
    Ok(said.join(" "))
}

/// `message`, after what the settling of cut-off runs said.
pub(crate) fn after_settled(settled: &str, message: String) -> String {
    if settled.is_empty() {
        message
    } else {
        format!("{message} {settled}")
    }
}

pub(crate) fn restart_flag() -> bool {
    Path::new("/run/reboot-required").exists()
}

/// Installs `choice`'s updates, as root, recording the run in root's
/// state; a run that fails part-way is answered (and recorded) with
/// outcome `Failed`, saying why and what state it left. Stops at `cancel` until the package manager starts; from then
/// on stopping would leave packages half installed, so it runs to its end.
pub fn apply(
    apt: &Apt,
    state: &RootState,
    choice: Choice,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let choice = choice.checked()?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    consistent(apt)?;
    let waiting = check(apt, false)?;
    let picked = chosen(&waiting, &choice)?;
    if picked.is_empty() {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!(
                "No {} are waiting, so nothing was changed.",
                choice.describe()
            ),
            "Run shipshape updates check --refresh to look for new updates.",
        ));
    }
    enough_space(apt, &picked)?;
    cancel.check()?;
    let mut run = UpdateRun {
        message: "Installing…".into(),
        packages: picked
            .iter()
            .map(|u| PackageChange {
                name: u.name.clone(),
                arch: u.arch.clone(),
                old_version: u.installed.clone(),
                new_version: Some(u.candidate.clone()),
                undo_copy: false,
            })
            .collect(),
        ..new_run(RunKind::Apply, choice.describe(), now)
    };
    // The run is on record before anything changes: a power cut leaves a
    // "running" run the next one sees.
    run.id = save(state.store.conn(), &run)?;
    cut_here("recorded");
    let folder = run_folder(state, run.id);
    private_folder(&folder)?;
    let archives = apt.archives()?;
    let total = picked.len() as u64 * 2;
    // Most old versions are still offered by a source: one download for
    // them all; whatever it misses is kept one by one below.
    let wanted: Vec<String> = picked
        .iter()
        .filter(|u| !archives.join(old_deb(u).unwrap_or_default()).is_file())
        .filter_map(|u| u.installed.as_ref().map(|old| format!("{}={old}", u.name)))
        .collect();
    if !wanted.is_empty() {
        let _ = apt.download_into(&folder, &wanted);
    }
    for (i, u) in picked.iter().enumerate() {
        if let Err(e) = cancel.check() {
            return cancelled_before(state, now, actor, run, e);
        }
        run.packages[i].undo_copy = keep_old(apt, &archives, &folder, u);
        progress.report(i as u64 + 1, total);
    }
    // The configuration as it is now, kept in a backup where one asks for
    // it, and looked at to name what the installation changes.
    let etc_before = kept_config::wanted(state).then(kept_config::look_at_etc);
    if etc_before.is_some() {
        let lists = state.paths.state.join("updates").join("package-lists");
        run.before = kept_config::keep(state, &lists, run.id, actor, cancel, now);
        if let Err(e) = cancel.check() {
            return cancelled_before(state, now, actor, run, e);
        }
    }
    cut_here("kept");
    let names: Vec<String> = picked.iter().map(|u| u.name.clone()).collect();
    let half = picked.len() as u64;
    // dpkg's own progress fills the second half; apt's download progress
    // starts from 0 again, so it is not shown as going back.
    let reached = std::sync::atomic::AtomicU64::new(half);
    let out = apt.install(&names, apt::InstallMode::OnlyUpgrade, |line| {
        if line.starts_with("pmstatus:")
            && let Some((percent, _)) = apt::parse_status(line)
        {
            let step = half + (percent / 100.0 * half as f64) as u64;
            let before = reached.fetch_max(step, std::sync::atomic::Ordering::Relaxed);
            if step > before {
                progress.report(step, total);
            }
        }
    })?;
    progress.report(total, total);
    cut_here("installed");
    let log = format!("{}\n{}", out.stdout, out.stderr);
    run.log_tail = apt::last_lines(&log);
    let installed = apt.installed(&names)?;
    for p in &mut run.packages {
        p.new_version = installed
            .iter()
            .find(|(n, _)| *n == p.name || n.split(':').next() == Some(p.name.as_str()))
            .map(|(_, v)| v.clone());
    }
    if let (Some(before), Some(kept)) = (&etc_before, &mut run.before) {
        kept.changed = kept_config::changed(before, &kept_config::look_at_etc());
    }
    run.old_libraries = apt.services_on_old_libraries();
    run.restart_needed = restart_flag() || picked.iter().any(|u| u.needs_restart);
    run.recheck = recheck_waiting(now);
    let all_new = picked
        .iter()
        .zip(&run.packages)
        .all(|(u, p)| p.new_version.as_deref() == Some(u.candidate.as_str()));
    if out.code == Some(0) && all_new {
        run.outcome = RunOutcome::Done;
        run.message = format!(
            "{} {} installed.{}",
            picked.len(),
            plural(picked.len(), "update was", "updates were"),
            if run.restart_needed {
                " A restart is needed to finish."
            } else {
                ""
            }
        );
    } else {
        run.outcome = RunOutcome::Failed;
        run.message = failure_message(apt, &log);
    }
    if let Some(kept) = &run.before {
        run.message = format!("{} {}", run.message, kept.message);
    }
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    // A failed run is a verdict with its record, not an error: its
    // history entry is what the administrator undoes or repairs from.
    record(&state.store, now, actor, &mut run, "updates.apply")?;
    Ok(run)
}

/// A run cancelled before the package manager started, put on record.
fn cancelled_before(
    state: &RootState,
    now: DateTime<Utc>,
    actor: &Actor,
    mut run: UpdateRun,
    e: Error,
) -> Result<UpdateRun> {
    run.outcome = RunOutcome::Failed;
    run.message = "Cancelled before anything was installed; nothing was changed.".into();
    record(&state.store, now, actor, &mut run, "updates.apply")?;
    Err(e)
}

/// The security check of waiting security updates, run again on this
/// computer after an installation, as "passed: …" or "still failing: …".
fn recheck_waiting(now: DateTime<Utc>) -> Option<String> {
    let target = crate::harden::target::Target::new(
        &crate::admin::this_computer(),
        now.timestamp().div_euclid(86_400),
    );
    let scan = crate::harden::scan(&target, Some("updates.pending_security"), now).ok()?;
    let finding = scan.checks.first()?;
    let words = match finding.status {
        crate::harden::check::Status::Pass => "passed",
        crate::harden::check::Status::Fail | crate::harden::check::Status::Warning => {
            "still failing"
        }
        _ => "not decided",
    };
    Some(format!(
        "The security check \"{}\" {words}: {}",
        finding.title, finding.detail
    ))
}

/// Why a run failed, in plain words, and what state it left.
pub(crate) fn failure_message(apt: &Apt, log: &str) -> String {
    if let Some(holder) = apt::lock_holder(log) {
        return format!(
            "The package manager was busy ({holder}) for more than {} seconds, so nothing was installed. It will be tried again.",
            apt::lock_wait_seconds()
        );
    }
    if log.contains("Failed to fetch") || log.contains("Temporary failure resolving") {
        return "The updates could not be downloaded (no network, or the package source failed), so nothing was installed. It will be tried again.".into();
    }
    match apt.audit() {
        Ok(a) if !a.is_empty() => "Installing stopped part-way: a package's own set-up script failed, and some packages are half installed. Repair them (shipshape updates repair), or undo this run.".into(),
        _ => "Installing failed; the package manager is consistent. The packages that changed are listed with their versions.".into(),
    }
}

/// Puts back the versions run `id` replaced and holds them there, as
/// root, from root's own record of that run.
pub fn undo(
    apt: &Apt,
    state: &RootState,
    id: i64,
    config: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    let mut original = run_numbered(&state.store, id).map_err(|_| {
        Error::new(
            ErrorCode::NotFound,
            format!("Update run {id} was not made with administrator rights on this computer, so there is nothing of it to undo."),
            "Run shipshape updates history to see the runs Shipshape made, and undo one of those.",
        )
    })?;
    if !(matches!(original.kind, RunKind::Apply | RunKind::Retire)
        || original.kind.is_installation())
    {
        return Err(Error::invalid_input(
            format!(
                "Run {id} is not an installation of updates or of a package file, nor a removal."
            ),
            "Only a run that installed updates or a package file, or removed outdated packages, can be undone.",
        ));
    }
    if original.kind == RunKind::Retire && original.outcome != RunOutcome::Done {
        return Err(Error::invalid_input(
            format!("Run {id} did not remove its packages, so there is nothing of it to undo."),
            "Look at the package manager's state with shipshape inventory.",
        ));
    }
    if original.kind.is_installation() && original.outcome != RunOutcome::Done {
        return Err(Error::invalid_input(
            format!("Run {id} did not install its package, so there is nothing of it to undo."),
            "A failed installation was already rolled back when it failed.",
        ));
    }
    if let Some(by) = original.undone_by {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("Run {id} was already undone by run {by}."),
            "Nothing needs doing.",
        ));
    }
    if matches!(
        original.kind,
        RunKind::InstallProgram | RunKind::ProgramSwitch
    ) {
        let mut run = crate::install::program::undo(&original, now)?;
        run.message = after_settled(&settled, std::mem::take(&mut run.message));
        record(&state.store, now, actor, &mut run, "updates.undo")?;
        original.undone_by = Some(run.id);
        original.outcome = RunOutcome::Undone;
        save(state.store.conn(), &original)?;
        return Ok(run);
    }
    // What of the configuration goes back is settled before anything
    // changes: the earlier versions' own set-up may touch the same files.
    let config = if config {
        let (kept, back, left) = config_to_put_back(&original)?;
        kept_config::reachable(state, &kept)?;
        Some((kept, back, left))
    } else {
        None
    };
    // No consistency check here: putting back the kept versions is also
    // how a run whose set-up script failed is repaired.
    let folder = run_folder(state, id);
    let mut files = Vec::new();
    let mut back = Vec::new();
    for p in original
        .packages
        .iter()
        .filter(|p| p.old_version.is_some() && p.undo_copy)
    {
        let prefix = format!("{}_", p.name);
        let found = std::fs::read_dir(&folder)
            .map_err(|e| Error::io("read", &folder, &e))?
            .flatten()
            .map(|e| e.path())
            .find(|f| {
                f.file_name().is_some_and(|n| {
                    n.to_string_lossy().starts_with(&prefix)
                        && n.to_string_lossy().ends_with(".deb")
                })
            });
        match found {
            Some(f) => {
                files.push(f.display().to_string());
                back.push(p.clone());
            }
            None => {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!(
                        "The kept copy of {} {} is gone, so run {id} cannot be undone.",
                        p.name,
                        p.old_version.clone().unwrap_or_default()
                    ),
                    format!(
                        "Install that version by hand (sudo apt-get install {}=VERSION).",
                        p.name
                    ),
                ));
            }
        }
    }
    // A package file's installation also brought packages in new: they go.
    let brought: Vec<PackageChange> = original
        .packages
        .iter()
        .filter(|p| {
            original.kind.is_installation() && p.old_version.is_none() && p.new_version.is_some()
        })
        .cloned()
        .collect();
    if back.is_empty() && brought.is_empty() {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("Run {id} kept no copies of the versions it replaced, so it cannot be undone."),
            "Install the earlier versions by hand with apt-get install NAME=VERSION.",
        ));
    }
    let mut said = String::new();
    if !files.is_empty() {
        let out = apt.install(&files, apt::InstallMode::AllowDowngrades, |_| {})?;
        said = format!("{}\n{}", out.stdout, out.stderr);
        if out.code != Some(0) {
            said.push_str("\nE: the earlier versions were not installed");
        }
    }
    if !brought.is_empty() {
        let names: Vec<String> = brought.iter().map(|p| p.name.clone()).collect();
        let out = apt.purge(&names)?;
        said.push_str(&format!("\n{}\n{}", out.stdout, out.stderr));
    }
    let names: Vec<String> = back.iter().map(|p| p.name.clone()).collect();
    let all: Vec<String> = back
        .iter()
        .chain(&brought)
        .map(|p| p.name.clone())
        .collect();
    let installed = apt.installed(&all)?;
    let mut run = UpdateRun {
        outcome: RunOutcome::Done,
        packages: back
            .iter()
            .chain(&brought)
            .map(|p| PackageChange {
                name: p.name.clone(),
                arch: p.arch.clone(),
                old_version: p.new_version.clone(),
                new_version: installed
                    .iter()
                    .find(|(n, _)| n.split(':').next() == Some(p.name.as_str()))
                    .map(|(_, v)| v.clone()),
                undo_copy: false,
            })
            .collect(),
        restart_needed: restart_flag(),
        undoes: Some(id),
        log_tail: apt::last_lines(&said),
        ..new_run(RunKind::Undo, format!("undo run {id}"), now)
    };
    let all_back = back
        .iter()
        .chain(&brought)
        .zip(&run.packages)
        .all(|(b, r)| r.new_version == b.old_version);
    if !all_back {
        run.outcome = RunOutcome::Failed;
        run.message = format!(
            "The earlier versions could not all be put back. {}",
            failure_message(apt, &said)
        );
        record(&state.store, now, actor, &mut run, "updates.undo")?;
        return Err(Error::new(
            ErrorCode::Io,
            run.message.clone(),
            format!("apt said: {}", run.log_tail),
        ));
    }
    let mut message = Vec::new();
    if original.kind == RunKind::Retire {
        // Put back as they were: nothing newer is waiting to replace them.
        message.push(format!(
            "{} installed again, as before run {id}.",
            names.join(", ")
        ));
    } else if !names.is_empty() {
        apt.hold(&names, true)?;
        message.push(format!(
            "{} put back to the earlier {} and held there; release the hold when a fixed update comes (sudo apt-mark unhold {}).",
            names.join(", "),
            plural(names.len(), "version", "versions"),
            names.join(" ")
        ));
    }
    if !brought.is_empty() {
        let gone: Vec<String> = brought.iter().map(|p| p.name.clone()).collect();
        message.push(format!("{} removed, as before run {id}.", gone.join(", ")));
    }
    run.message = message.join(" ");
    if let Some((kept, paths, left)) = config {
        let keep_in = run_folder(state, id).join("config-before-undo");
        run.message = match kept_config::put_back(state, &kept, &paths, &keep_in, actor, now) {
            Ok(done) => {
                let said = config_said(id, &done, &left, &keep_in);
                run.config_put_back = done.back;
                format!("{} {said}", run.message)
            }
            Err(e) => format!(
                "{} The configuration could not be put back: {} {}",
                run.message, e.message, e.hint
            ),
        };
    }
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, "updates.undo")?;
    original.undone_by = Some(run.id);
    original.outcome = RunOutcome::Undone;
    save(state.store.conn(), &original)?;
    Ok(run)
}

/// What undoing `original` puts back of the configuration: its kept
/// backup, the files still as the run left them, and those left alone.
/// Refused when there is nothing to put back, before anything changes.
fn config_to_put_back(original: &UpdateRun) -> Result<(ConfigKept, Vec<String>, Vec<String>)> {
    let id = original.id;
    let Some(kept) = original.before.clone().filter(|k| k.snapshot.is_some()) else {
        return Err(Error::invalid_input(
            format!("Run {id} kept no backup of the configuration, so it cannot be put back."),
            "Undo it without putting back the configuration; a backup whose plan asks for it keeps /etc before each later installation.",
        ));
    };
    let (back, left) = kept_config::to_put_back(&kept);
    if back.is_empty() {
        return Err(Error::invalid_input(
            if kept.changed.is_empty() {
                format!("Run {id} changed no configuration file, so there is none to put back.")
            } else {
                format!(
                    "None of the configuration files run {id} changed can be put back: {}.",
                    left.join(", ")
                )
            },
            "Undo it without putting back the configuration.",
        ));
    }
    Ok((kept, back, left))
}

/// What putting back the configuration did, in plain words.
fn config_said(id: i64, done: &kept_config::PutBack, left: &[String], keep_in: &Path) -> String {
    let back = &done.back;
    let mut said = if back.is_empty() {
        "No configuration file was put back.".to_string()
    } else {
        format!(
            "{} {} put back as {} before run {id} ({}); what {} replaced is kept in {}.",
            back.len(),
            plural(
                back.len(),
                "configuration file was",
                "configuration files were"
            ),
            plural(back.len(), "it was", "they were"),
            back.join(", "),
            plural(back.len(), "it", "they"),
            keep_in.display()
        )
    };
    if !done.failed.is_empty() {
        said.push_str(&format!(" Not put back: {}.", done.failed.join(", ")));
    }
    if !left.is_empty() {
        said.push_str(&format!(" Left as they are: {}.", left.join(", ")));
    }
    said
}

/// A run of `kind` asked as `asked`, not yet on record and nothing in it.
pub(crate) fn new_run(kind: RunKind, asked: String, now: DateTime<Utc>) -> UpdateRun {
    UpdateRun {
        id: 0,
        kind,
        asked,
        started: stamp(now),
        finished: None,
        outcome: RunOutcome::Running,
        message: String::new(),
        packages: Vec::new(),
        restart_needed: false,
        old_libraries: Vec::new(),
        recheck: None,
        before: None,
        config_put_back: Vec::new(),
        undoes: None,
        undone_by: None,
        admin_run: None,
        log_tail: String::new(),
        steps: Vec::new(),
        hardening: Vec::new(),
    }
}

/// Installs `name`, a package a fix needs (one of `needed::PACKAGES`), as
/// root, from this computer's package sources. apt checks their
/// signatures as always, so a package from a source it cannot verify is
/// not installed. The run is recorded like an update run, its one package
/// with no old version; a failure is a recorded verdict too.
pub fn install_needed(
    apt: &Apt,
    state: &RootState,
    name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let needed = super::needed::find(name)?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    let names = vec![needed.name.to_string()];
    if let Some((_, version)) = apt.installed(&names)?.into_iter().next() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("{name} {version} is already installed, so nothing was changed."),
            "Run the fix again.",
        ));
    }
    consistent(apt)?;
    let mut run = new_run(RunKind::Install, needed.name.to_string(), now);
    run.message = format!("Installing {name}…");
    run.id = save(state.store.conn(), &run)?;
    // Fresh lists first, as `apt update && apt install` would; a source
    // that cannot be reached matters only when the install then fails.
    let refreshed = apt.refresh();
    let out = apt.install(&names, apt::InstallMode::New, |_| {})?;
    let log = format!("{}\n{}", out.stdout, out.stderr);
    run.log_tail = apt::last_lines(&log);
    let version = apt.installed(&names)?.into_iter().next().map(|(_, v)| v);
    run.packages = vec![PackageChange {
        name: needed.name.to_string(),
        arch: apt.architecture(name).unwrap_or_default(),
        old_version: None,
        new_version: version.clone(),
        undo_copy: false,
    }];
    match version {
        Some(v) if out.code == Some(0) => {
            run.outcome = RunOutcome::Done;
            run.message = format!(
                "{name} {v} was installed from this computer's package sources, its signature checked. It is needed because {}.",
                needed.reason
            );
        }
        _ => {
            run.outcome = RunOutcome::Failed;
            run.message = if log.contains("Unable to locate package")
                || log.contains("has no installation candidate")
            {
                let lists = refreshed
                    .err()
                    .map(|e| format!(" The package lists were not refreshed: {}", e.hint))
                    .unwrap_or_default();
                format!(
                    "{name} is offered by none of this computer's package sources whose signature apt could check, so nothing was installed.{lists}"
                )
            } else {
                failure_message(apt, &log)
            };
        }
    }
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, "updates.install")?;
    Ok(run)
}

/// Finishes what an interrupted run left half done (`dpkg --configure
/// -a`), as root, and records it.
pub fn repair(
    apt: &Apt,
    state: &RootState,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    let before = apt.audit()?;
    let out = apt.repair()?;
    let after = apt.audit()?;
    let mut run = UpdateRun {
        outcome: if out.code == Some(0) && after.is_empty() { RunOutcome::Done } else { RunOutcome::Failed },
        message: match (before.is_empty(), after.is_empty()) {
            (true, true) => "Nothing needed repairing: the package manager is consistent.".into(),
            (false, true) => "The interrupted installation was finished; the package manager is consistent again.".into(),
            _ => format!("Some packages are still half installed: {}", apt::last_lines(&after)),
        },
        restart_needed: restart_flag(),
        log_tail: apt::last_lines(&format!("{}\n{}", out.stdout, out.stderr)),
        ..new_run(RunKind::Repair, "repair".into(), now)
    };
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, "updates.repair")?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn update(name: &str, security: bool) -> Update {
        Update {
            name: name.into(),
            arch: "amd64".into(),
            installed: Some("1.0".into()),
            candidate: "1.1".into(),
            security,
            sources: Vec::new(),
            download_bytes: 0,
            installed_kib: 0,
            summary: String::new(),
            needs_restart: false,
        }
    }

    #[test]
    fn the_headline_counts_security_first() {
        let mut w = Waiting::default();
        assert_eq!(w.headline(), "This computer is up to date.");
        w.updates = vec![update("a", true)];
        assert_eq!(w.headline(), "1 security update is waiting.");
        w.updates.push(update("b", false));
        w.updates.push(update("c", false));
        assert_eq!(
            w.headline(),
            "1 security update and 2 other updates are waiting."
        );
        w.updates.remove(0);
        assert_eq!(
            w.headline(),
            "2 updates are waiting; none fixes a security problem."
        );
    }

    #[test]
    fn a_choice_takes_only_waiting_unheld_packages() {
        let w = Waiting {
            updates: vec![update("openssl", true), update("tzdata", false)],
            held: vec!["firefox-esr".into()],
            ..Waiting::default()
        };
        assert_eq!(chosen(&w, &Choice::Security).unwrap().len(), 1);
        assert_eq!(chosen(&w, &Choice::All).unwrap().len(), 2);
        let held = chosen(&w, &Choice::Chosen(vec!["firefox-esr".into()])).unwrap_err();
        assert_eq!(held.code, ErrorCode::Conflict);
        let none = chosen(&w, &Choice::Chosen(vec!["vim".into()])).unwrap_err();
        assert!(none.message.contains("no waiting update"), "{none:?}");
        assert!(Choice::Chosen(vec!["-o".into()]).checked().is_err());
        assert!(Choice::Chosen(vec![]).checked().is_err());
    }

    #[test]
    fn kept_files_are_named_as_apt_names_them() {
        assert_eq!(
            deb_name("openssl", "1:3.0.15-1", "amd64"),
            "openssl_1%3a3.0.15-1_amd64.deb"
        );
        assert!(needs_restart("linux-image-6.1.0-27-amd64"));
        assert!(needs_restart("libc6"));
        assert!(!needs_restart("openssl"));
    }
}
