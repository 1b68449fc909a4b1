//! The configuration kept before an installation of updates, so that
//! undoing the updates can put it back too.
//!
//! When a backup's plan says so (`Plan::before_updates`), root backs up
//! /etc and the lists of installed packages into it just before the
//! package manager runs, tagged with the update run. It also takes a
//! digest of every file in /etc before and after, so the run's record
//! names the configuration files the update changed, added or removed.
//! Undo, when asked, restores those files from the snapshot, but only the
//! ones still as the update left them: a file edited since is the
//! administrator's, and stays. What a restored file replaces is kept in
//! root's state beside the undo run.

use crate::admin::state::RootState;
use crate::audit::Actor;
use crate::backup::{self, Repository, sealed::SealedKeys};
use crate::progress::Cancel;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The system's configuration folder.
const ETC: &str = "/etc";

/// A configuration file's first 64 MiB are enough to tell it changed.
const MOST_READ: u64 = 64 << 20;

/// What undo never puts back: the accounts (restoring them would drop an
/// account a package added while its files stay), and what makes this
/// computer itself.
const NEVER_PUT_BACK: [&str; 12] = [
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/passwd-",
    "/etc/shadow-",
    "/etc/group-",
    "/etc/gshadow-",
    "/etc/subuid",
    "/etc/subgid",
    "/etc/machine-id",
    "/etc/hostname",
];

/// How an update changed a configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConfigChange {
    Changed,
    Added,
    Removed,
}

/// One configuration file an update run changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChangedConfig {
    pub path: String,
    pub change: ConfigChange,
    /// The digest of what the run left (`None`: removed), to tell whether
    /// it was edited since.
    pub left: Option<String>,
}

/// What was kept before an update run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConfigKept {
    /// The backup it went into.
    pub backup: String,
    /// Its snapshot; `None` when the backup failed.
    pub snapshot: Option<String>,
    /// In plain words: kept where, or why not.
    pub message: String,
    /// The configuration files the run changed, added or removed.
    pub changed: Vec<ChangedConfig>,
}

/// Every file and link under a folder, by path, with a digest of its
/// content (or link target).
pub type Look = BTreeMap<PathBuf, String>;

/// Looks at every file and link in /etc.
pub fn look_at_etc() -> Look {
    look(Path::new(ETC))
}

/// Looks at every file and link under `root`, not following links.
pub fn look(root: &Path) -> Look {
    let mut found = Look::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                // Restores stage at the top; that is not configuration.
                let staging = dir == root
                    && path
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(STAGING));
                if !staging {
                    todo.push(path);
                }
            } else if let Some(digest) = digest(&path, kind) {
                found.insert(path, digest);
            }
        }
    }
    found
}

fn digest(path: &Path, kind: std::fs::FileType) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    let mut hasher = blake3::Hasher::new();
    if kind.is_symlink() {
        hasher.update(b"link:");
        hasher.update(std::fs::read_link(path).ok()?.as_os_str().as_bytes());
    } else if kind.is_file() {
        hasher.update(b"file:");
        // Not through a link, and never waiting on a pipe swapped in since
        // the folder was read.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits() as i32)
            .open(path)
            .ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        std::io::copy(&mut std::io::Read::take(file, MOST_READ), &mut hasher).ok()?;
    } else {
        return None;
    }
    Some(hasher.finalize().to_hex().to_string())
}

/// What changed between two looks, by path.
pub fn changed(before: &Look, after: &Look) -> Vec<ChangedConfig> {
    let mut found = Vec::new();
    for (path, was) in before {
        let change = match after.get(path) {
            Some(now) if now == was => continue,
            Some(_) => ConfigChange::Changed,
            None => ConfigChange::Removed,
        };
        found.push(ChangedConfig {
            path: path.to_string_lossy().into_owned(),
            change,
            left: after.get(path).cloned(),
        });
    }
    for (path, now) in after {
        if !before.contains_key(path) {
            found.push(ChangedConfig {
                path: path.to_string_lossy().into_owned(),
                change: ConfigChange::Added,
                left: Some(now.clone()),
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The backup configuration goes into before updates: the first whose
/// plan asks for it.
fn chosen_backup(state: &RootState) -> Result<Option<Repository>> {
    Ok(backup::repositories(&state.store)?
        .into_iter()
        .find(|r| r.plan.before_updates))
}

/// Whether any backup keeps the configuration before updates.
pub fn wanted(state: &RootState) -> bool {
    chosen_backup(state).is_ok_and(|r| r.is_some())
}

/// Writes the lists of installed packages into `folder`: dpkg's
/// selections (`dpkg --set-selections` takes them back) and the packages
/// installed by choice rather than as a dependency.
fn write_package_lists(folder: &Path) -> Result<()> {
    let lists: [(&str, &[&str]); 2] = [
        ("dpkg-selections.txt", &["dpkg", "--get-selections", "*"]),
        ("apt-manual.txt", &["apt-mark", "showmanual"]),
    ];
    for (name, command) in lists {
        let out = std::process::Command::new(command[0])
            .args(&command[1..])
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| {
                Error::new(
                    ErrorCode::Io,
                    format!("{} could not be run: {e}.", command.join(" ")),
                    "Check that dpkg and apt are installed.",
                )
            })?;
        if !out.status.success() {
            return Err(Error::new(
                ErrorCode::Io,
                format!(
                    "{} failed: {}",
                    command.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
                "Check the package manager with dpkg --audit.",
            ));
        }
        let file = folder.join(name);
        std::fs::write(&file, &out.stdout).map_err(|e| Error::io("write", &file, &e))?;
    }
    Ok(())
}

/// Backs up /etc and the package lists (written into `lists`, in root's
/// state: one folder for every run, so restic's retention sees one series
/// of snapshots) into the backup chosen for update run `run`;
/// `None` when no backup asks for it. A failure is said in the answer,
/// not returned: the updates are installed all the same.
pub fn keep(
    state: &RootState,
    lists: &Path,
    run: i64,
    actor: &Actor,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Option<ConfigKept> {
    let repo = match chosen_backup(state) {
        Ok(Some(repo)) => repo,
        Ok(None) => return None,
        Err(e) => {
            return Some(ConfigKept {
                backup: String::new(),
                snapshot: None,
                message: not_kept(&e),
                changed: Vec::new(),
            });
        }
    };
    let made = std::fs::create_dir_all(lists)
        .map_err(|e| Error::io("make", lists, &e))
        .and_then(|()| write_package_lists(lists))
        .and_then(|()| SealedKeys::in_state(&state.paths.state)?.open(&repo.key))
        .and_then(|key| {
            backup::before_updates(&state.store, actor, &repo, &key, lists, run, cancel, now)
        });
    Some(match made {
        Ok(done) => {
            let snapshot = done.snapshot.unwrap_or_default();
            ConfigKept {
                message: format!(
                    "Before installing, /etc and the list of installed packages were backed up into \"{}\" (snapshot {}).",
                    repo.name,
                    &snapshot[..snapshot.len().min(8)]
                ),
                backup: repo.name,
                snapshot: Some(snapshot),
                changed: Vec::new(),
            }
        }
        Err(e) => ConfigKept {
            message: not_kept(&e),
            backup: repo.name,
            snapshot: None,
            changed: Vec::new(),
        },
    })
}

fn not_kept(e: &Error) -> String {
    format!(
        "/etc and the list of installed packages could not be backed up before installing ({}); the updates were installed all the same, but undoing them cannot put the configuration back.",
        e.message.trim_end_matches('.')
    )
}

/// Why undo leaves a configuration file as it is, in plain words.
fn left_because(c: &ChangedConfig) -> Option<&'static str> {
    let path = Path::new(&c.path);
    if c.change == ConfigChange::Added {
        return Some("new with the run");
    }
    if NEVER_PUT_BACK.contains(&c.path.as_str()) || c.path.starts_with("/etc/ssh/ssh_host_") {
        return Some("accounts and this computer's identity are never put back");
    }
    if c.path.contains('\n') {
        return Some("a name with a line break");
    }
    let now = std::fs::symlink_metadata(path)
        .ok()
        .and_then(|m| digest(path, m.file_type()));
    (now != c.left).then_some("changed since the run")
}

/// The files of `kept` that undo would put back: those still as the run
/// left them. Answers them, and those left alone with why ("PATH (why)"):
/// changed since, new with the run (the earlier version of their package
/// takes care of those), accounts or this computer's identity.
pub fn to_put_back(kept: &ConfigKept) -> (Vec<String>, Vec<String>) {
    let mut back = Vec::new();
    let mut left = Vec::new();
    for c in &kept.changed {
        match left_because(c) {
            None => back.push(c.path.clone()),
            Some(why) => left.push(format!("{} ({why})", c.path)),
        }
    }
    (back, left)
}

/// Refuses before anything changes when `kept`'s backup cannot be read
/// now (a disk unplugged, a computer away).
pub fn reachable(state: &RootState, kept: &ConfigKept) -> Result<()> {
    let Some(snapshot) = &kept.snapshot else {
        return Ok(());
    };
    let repo = backup::repository(&state.store, Some(&kept.backup))?;
    let key = SealedKeys::in_state(&state.paths.state)?.open(&repo.key)?;
    backup::has_snapshot(&state.store, &repo, &key, snapshot).map_err(|e| {
        Error::new(
            e.code,
            format!(
                "The backup \"{}\" that holds the configuration from before the run cannot be read now, so nothing was undone: {}",
                kept.backup, e.message
            ),
            "Plug its disk in (or make its computer reachable) and undo again, or undo without putting back the configuration.",
        )
    })
}

/// What putting back the configuration did.
#[derive(Debug, Default)]
pub struct PutBack {
    pub back: Vec<String>,
    /// "PATH (why)".
    pub failed: Vec<String>,
}

/// The prefix of the hidden folder a restore stages in, inside /etc.
const STAGING: &str = ".shipshape-config-";

/// Restores `paths` (from `to_put_back`) from `kept`'s snapshot into
/// place, one by one, keeping what each replaces under `keep_in`. A file
/// whose folder another account may change is not put back: root would
/// follow a link planted there. Answers what was put back and what not.
pub fn put_back(
    state: &RootState,
    kept: &ConfigKept,
    paths: &[String],
    keep_in: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PutBack> {
    let Some(snapshot) = &kept.snapshot else {
        return Ok(PutBack::default());
    };
    let repo = backup::repository(&state.store, Some(&kept.backup))?;
    let key = SealedKeys::in_state(&state.paths.state)?.open(&repo.key)?;
    // Staged inside /etc, so each file is renamed into place on the same
    // disk; /etc is root's, so nobody else can reach into the folder.
    let staging = Path::new(ETC).join(format!("{STAGING}{}", std::process::id()));
    make_private(&staging)?;
    let result = (|| {
        backup::restore_into(
            &state.store,
            actor,
            &repo,
            &key,
            snapshot,
            paths,
            &staging,
            now,
        )?;
        let mut done = PutBack::default();
        for path in paths {
            let staged = staging.join(path.trim_start_matches('/'));
            if std::fs::symlink_metadata(&staged).is_err() {
                done.failed.push(format!("{path} (not in the backup)"));
                continue;
            }
            match place(&staged, Path::new(path), keep_in) {
                Ok(()) => done.back.push(path.clone()),
                Err(e) => done
                    .failed
                    .push(format!("{path} ({})", e.message.trim_end_matches('.'))),
            }
        }
        Ok(done)
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// Puts `staged` at `dest`, what is there kept under `keep_in`; only in
/// a folder root alone may change.
fn place(staged: &Path, dest: &Path, keep_in: &Path) -> Result<()> {
    let parent = dest.parent().unwrap_or(Path::new(ETC));
    crate::admin::safe_path::check(parent)?;
    set_aside(dest, keep_in)?;
    std::fs::create_dir_all(parent).map_err(|e| Error::io("make", parent, &e))?;
    std::fs::rename(staged, dest).map_err(|e| Error::io("put back", dest, &e))
}

fn make_private(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io("make", dir, &e))
}

/// Copies what is at `dest` (a file or a link) under `keep_in`, by its
/// full path.
fn set_aside(dest: &Path, keep_in: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(dest) else {
        return Ok(());
    };
    let copy = keep_in.join(dest.strip_prefix("/").unwrap_or(dest));
    if let Some(parent) = copy.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("make", parent, &e))?;
    }
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(dest).map_err(|e| Error::io("read", dest, &e))?;
        let _ = std::fs::remove_file(&copy);
        std::os::unix::fs::symlink(target, &copy).map_err(|e| Error::io("write", &copy, &e))
    } else {
        std::fs::copy(dest, &copy)
            .map(|_| ())
            .map_err(|e| Error::io("copy", dest, &e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn changes_between_two_looks_are_named_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("same"), "a").unwrap();
        std::fs::write(root.join("edited"), "a").unwrap();
        std::fs::write(root.join("sub/gone"), "a").unwrap();
        std::os::unix::fs::symlink("same", root.join("link")).unwrap();
        std::fs::create_dir(root.join(format!("{STAGING}1"))).unwrap();
        let before = look(root);
        assert_eq!(before.len(), 4, "{before:?}");
        std::fs::write(root.join("edited"), "b").unwrap();
        std::fs::remove_file(root.join("sub/gone")).unwrap();
        std::fs::write(root.join("sub/new"), "n").unwrap();
        std::fs::remove_file(root.join("link")).unwrap();
        std::os::unix::fs::symlink("edited", root.join("link")).unwrap();
        std::fs::write(root.join(format!("{STAGING}1/staged")), "x").unwrap();
        let found = changed(&before, &look(root));
        let named: Vec<(String, ConfigChange, bool)> = found
            .iter()
            .map(|c| {
                (
                    c.path
                        .strip_prefix(&root.to_string_lossy().into_owned())
                        .unwrap()
                        .to_string(),
                    c.change,
                    c.left.is_some(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("/edited".to_string(), ConfigChange::Changed, true),
                ("/link".to_string(), ConfigChange::Changed, true),
                ("/sub/gone".to_string(), ConfigChange::Removed, false),
                ("/sub/new".to_string(), ConfigChange::Added, true),
            ]
        );
    }

    #[test]
    fn only_files_still_as_the_update_left_them_are_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("left"), "as the update left it").unwrap();
        std::fs::write(root.join("edited"), "as the update left it").unwrap();
        std::fs::write(root.join("new"), "new with the update").unwrap();
        let before = look(root);
        let mut kept = ConfigKept {
            backup: "Office".into(),
            snapshot: Some("abc".into()),
            message: String::new(),
            changed: changed(&Look::new(), &before),
        };
        for c in &mut kept.changed {
            if !c.path.ends_with("/new") {
                c.change = ConfigChange::Changed;
            }
        }
        kept.changed.push(ChangedConfig {
            path: root.join("removed").to_string_lossy().into_owned(),
            change: ConfigChange::Removed,
            left: None,
        });
        std::fs::write(root.join("edited"), "edited by the administrator since").unwrap();
        let (back, left) = to_put_back(&kept);
        let name = |p: &String| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(
            back.iter().map(name).collect::<Vec<_>>(),
            ["left", "removed"]
        );
        assert_eq!(
            left.iter().map(name).collect::<Vec<_>>(),
            ["edited (changed since the run)", "new (new with the run)"]
        );
        let account = ChangedConfig {
            path: "/etc/passwd".into(),
            change: ConfigChange::Changed,
            left: None,
        };
        assert_eq!(
            left_because(&account),
            Some("accounts and this computer's identity are never put back")
        );
    }
}
