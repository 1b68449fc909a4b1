//! Anomalies against an accepted baseline: what listens on the network,
//! who is an administrator, which programs run with their owner's rights
//! (set-user-ID and set-group-ID files), and the checksums of system
//! programs and files (file integrity monitoring).
//!
//! The user accepts a snapshot when the computer is as it should be (and
//! again after a legitimate update); later snapshots are compared with it.
//! Everything is read under the host's root folder and no link is
//! followed: a link is recorded as a link, with its target.

use super::sockets::{self, Protocol};
use super::{Host, system};
use crate::audit::{self, Actor, NewEntry};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Groups whose members may act as root (Debian's sudo, Red Hat's wheel,
/// older Ubuntu's admin).
const ADMIN_GROUPS: [&str; 3] = ["sudo", "wheel", "admin"];
/// Ports the kernel hands out to programs that did not ask for one.
const EPHEMERAL_DEFAULT: (u16, u16) = (32768, 60999);

/// Where to look. Paths are absolute, read under the host's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BaselineConfig {
    /// Folders searched (with their subfolders) for set-user-ID and
    /// set-group-ID files.
    pub special_file_dirs: Vec<String>,
    /// Files, and folders with their subfolders, whose checksums are kept.
    pub checksum_paths: Vec<String>,
}

impl Default for BaselineConfig {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        BaselineConfig {
            special_file_dirs: list(&[
                "/usr/bin",
                "/usr/sbin",
                "/usr/local/bin",
                "/usr/local/sbin",
                "/usr/lib",
                "/usr/libexec",
                "/bin",
                "/sbin",
                "/opt",
            ]),
            checksum_paths: list(&[
                "/usr/bin",
                "/usr/sbin",
                "/bin",
                "/sbin",
                "/etc/passwd",
                "/etc/shadow",
                "/etc/sudoers",
            ]),
        }
    }
}

/// A program listening on the network.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Listener {
    pub protocol: Protocol,
    pub port: u16,
    /// `None` when the owner could not be seen.
    pub program: Option<String>,
    /// A port the kernel picked (not chosen by the program): it changes on
    /// every start, so only the program is compared.
    pub temporary_port: bool,
}

/// An account that can act as root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Administrator {
    pub user: String,
    /// "member of sudo", "user ID 0".
    pub because: Vec<String>,
}

/// A program that runs with its owner's or group's rights.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SpecialFile {
    pub path: String,
    pub setuid: bool,
    pub setgid: bool,
    pub owner_uid: u32,
}

/// What a checksummed path held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum FileState {
    File {
        blake3: String,
        /// Permission bits, e.g. 0o755 as 493.
        mode: u32,
    },
    Link {
        target: String,
    },
    /// Could not be read (not root, for /etc/shadow): compared with nothing.
    Unreadable {
        reason: String,
    },
}

/// Everything a baseline compares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Snapshot {
    pub listening: Vec<Listener>,
    pub administrators: Vec<Administrator>,
    pub special_files: Vec<SpecialFile>,
    /// Path → what it held, sorted by path.
    pub files: BTreeMap<String, FileState>,
}

/// The accepted baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Accepted {
    pub time: DateTime<Utc>,
    /// Who accepted it.
    pub actor: String,
    pub snapshot: Snapshot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AnomalyKind {
    NewListener,
    NewAdministrator,
    NewSpecialFile,
    ChangedFile,
    NewFile,
    RemovedFile,
}

/// One difference from the baseline, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    /// The port, user or path concerned.
    pub subject: String,
    /// What changed: "A new program listens on port 8080: python3".
    pub what: String,
    /// For the one-sentence summary: "a new program listens on port 8080".
    pub short: String,
    /// What to do about it.
    pub advice: String,
}

/// The comparison of this computer with its baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BaselineDiff {
    /// When the baseline was accepted.
    pub accepted: DateTime<Utc>,
    pub anomalies: Vec<Anomaly>,
}

/// Reads everything a baseline compares from `host`.
pub fn snapshot(host: &Host, config: &BaselineConfig) -> Snapshot {
    let (low, high) = host
        .read("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| {
            let mut parts = t.split_whitespace().map(|p| p.parse::<u16>().ok());
            Some((parts.next()??, parts.next()??))
        })
        .unwrap_or(EPHEMERAL_DEFAULT);
    let listening: BTreeSet<Listener> = sockets::listening(host)
        .into_iter()
        .map(|s| Listener {
            protocol: s.protocol,
            temporary_port: (low..=high).contains(&s.port),
            port: s.port,
            program: s.program,
        })
        .collect();
    let mut special = BTreeSet::new();
    for dir in &config.special_file_dirs {
        walk(host, Path::new(dir), WALK_LIMIT, &mut |path, meta| {
            let mode = meta.permissions().mode();
            if meta.is_file() && mode & 0o6000 != 0 {
                special.insert(SpecialFile {
                    path: path.display().to_string(),
                    setuid: mode & 0o4000 != 0,
                    setgid: mode & 0o2000 != 0,
                    owner_uid: meta.uid(),
                });
            }
        });
    }
    let mut files = BTreeMap::new();
    let mut to_hash = Vec::new();
    for path in &config.checksum_paths {
        let complete = walk(host, Path::new(path), WALK_LIMIT, &mut |path, meta| {
            let name = path.display().to_string();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(host.path(path))
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                files.insert(name, FileState::Link { target });
            } else if meta.is_file() {
                to_hash.push((name, meta.permissions().mode() & 0o7777));
            }
        });
        if !complete {
            let reason = format!(
                "more than {WALK_LIMIT} files and folders are below it; only the first were checked"
            );
            files.insert(path.clone(), FileState::Unreadable { reason });
        }
    }
    let hashes = hash_all(host, &to_hash);
    for ((name, mode), hash) in to_hash.into_iter().zip(hashes) {
        let state = match hash {
            Ok(blake3) => FileState::File { blake3, mode },
            Err(reason) => FileState::Unreadable { reason },
        };
        files.insert(name, state);
    }
    Snapshot {
        listening: listening.into_iter().collect(),
        administrators: administrators(host),
        special_files: special.into_iter().collect(),
        files,
    }
}

/// Open flags for `hash_file`, as rustix names them.
mod libc_flags {
    pub const NONBLOCK: i32 = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    pub const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
}

/// Kernel and device file systems: their "files" are endless, change every
/// second or act when read, so they are never watched or walked.
const PSEUDO_FOLDERS: &[&str] = &["/proc", "/sys", "/dev", "/run"];

/// Where kernel file systems are mounted on the system under the root,
/// from its mount table.
fn kernel_mounts(host: &Host) -> Vec<PathBuf> {
    system::mountinfo(&host.read("/proc/self/mountinfo").unwrap_or_default())
        .into_iter()
        .filter(|m| system::is_kernel(&m.file_system))
        .map(|m| PathBuf::from(m.mount_point))
        .collect()
}

/// Whether `path` (absolute, as seen from the root) is on a kernel or
/// device file system: in one of their usual folders, or below a mount
/// of one.
fn on_kernel_file_system(path: &Path, kernel_mounts: &[PathBuf]) -> bool {
    PSEUDO_FOLDERS
        .iter()
        .map(Path::new)
        .chain(kernel_mounts.iter().map(PathBuf::as_path))
        .any(|p| path.starts_with(p))
}

/// The most entries one walk visits: a watched folder holding a whole
/// disk's worth of files must not hold the baseline for hours.
const WALK_LIMIT: usize = 500_000;

/// Calls `visit` with the absolute path (as seen from the root) and the
/// metadata of `start` and everything below it, in name order, never
/// following links and never entering a kernel or device file system
/// mounted inside. What cannot be read is skipped. False when it stopped
/// after `limit` entries.
fn walk(
    host: &Host,
    start: &Path,
    limit: usize,
    visit: &mut dyn FnMut(&Path, &std::fs::Metadata),
) -> bool {
    let kernel_mounts = kernel_mounts(host);
    let mut stack = vec![start.to_path_buf()];
    let mut seen = 0usize;
    while let Some(path) = stack.pop() {
        seen += 1;
        if seen > limit {
            return false;
        }
        let Ok(meta) = std::fs::symlink_metadata(host.path(&path)) else {
            continue;
        };
        if meta.is_dir() {
            if on_kernel_file_system(&path, &kernel_mounts) {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(host.path(&path)) {
                let mut names: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| path.join(e.file_name()))
                    .collect();
                names.sort();
                stack.extend(names.into_iter().rev());
            }
        } else {
            visit(&path, &meta);
        }
    }
    true
}

/// BLAKE3 of each file, on every core; a failure is kept as its reason.
fn hash_all(host: &Host, files: &[(String, u32)]) -> Vec<std::result::Result<String, String>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<std::result::Result<String, String>>>> =
        Mutex::new(vec![None; files.len()]);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, _)) = files.get(i) else { break };
                    let result = hash_file(&host.path(name)).map_err(|e| e.to_string());
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not read".into())))
        .collect()
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    // A file swapped for a FIFO or a device since the walk must not block
    // the baseline: opened without waiting, and only a plain file is read.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc_flags::NONBLOCK | libc_flags::NOFOLLOW)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("it is no longer a plain file"));
    }
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// Members of the administrator groups (listed, or by their primary
/// group) and every account with user ID 0.
fn administrators(host: &Host) -> Vec<Administrator> {
    let passwd = host.read("/etc/passwd").unwrap_or_default();
    let group = host.read("/etc/group").unwrap_or_default();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let accounts: Vec<Vec<&str>> = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .filter(|f| f.len() >= 4)
        .collect();
    for f in &accounts {
        if f[2] == "0" {
            found
                .entry(f[0].into())
                .or_default()
                .insert("user ID 0".into());
        }
    }
    for line in group.lines() {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 4 || !ADMIN_GROUPS.contains(&f[0]) {
            continue;
        }
        let because = format!("member of {}", f[0]);
        let listed = f[3].split(',').map(str::trim).filter(|m| !m.is_empty());
        let primary = accounts.iter().filter(|a| a[3] == f[2]).map(|a| a[0]);
        for user in listed.chain(primary) {
            found
                .entry(user.into())
                .or_default()
                .insert(because.clone());
        }
    }
    found
        .into_iter()
        .map(|(user, because)| Administrator {
            user,
            because: because.into_iter().collect(),
        })
        .collect()
}

/// How `new` differs from the accepted `old`, in plain words. Only what
/// could be a threat is told: a port closed or an administrator removed
/// is not an anomaly.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Anomaly> {
    let mut out = Vec::new();
    let key = |l: &Listener| {
        (
            l.protocol,
            (!l.temporary_port).then_some(l.port),
            l.program.clone(),
        )
    };
    let known: BTreeSet<_> = old.listening.iter().map(key).collect();
    let mut told = BTreeSet::new();
    for l in &new.listening {
        if known.contains(&key(l)) || !told.insert(key(l)) {
            continue;
        }
        let proto = l.protocol.as_str();
        let (what, short) = match (&l.program, l.temporary_port) {
            (Some(p), false) => (
                format!("A new program listens on port {} ({proto}): {p}", l.port),
                format!("a new program listens on port {}", l.port),
            ),
            (Some(p), true) => (
                format!(
                    "A new program listens on the network: {p} ({proto} port {}, picked by the system)",
                    l.port
                ),
                format!("{p} listens on the network"),
            ),
            (None, _) => (
                format!(
                    "Something new listens on port {} ({proto}); Shipshape could not see which program (run it as administrator to see)",
                    l.port
                ),
                format!("something new listens on port {}", l.port),
            ),
        };
        out.push(Anomaly {
            kind: AnomalyKind::NewListener,
            subject: format!("{proto}/{}", l.port),
            what,
            short,
            advice: "If you did not install or start this, stop the program and find out where it came from: other computers can reach a program that listens on the network. If it is expected, accept the new baseline.".into(),
        });
    }
    let admins: BTreeSet<&str> = old.administrators.iter().map(|a| a.user.as_str()).collect();
    for a in new
        .administrators
        .iter()
        .filter(|a| !admins.contains(a.user.as_str()))
    {
        out.push(Anomaly {
            kind: AnomalyKind::NewAdministrator,
            subject: a.user.clone(),
            what: format!("A new administrator: {} ({})", a.user, a.because.join(", ")),
            short: format!("{} became an administrator", a.user),
            advice: format!("An administrator can change anything on this computer. If you did not make {} one, remove them from the group (for example `gpasswd -d {} sudo`) and change their password.", a.user, a.user),
        });
    }
    let special: BTreeMap<&str, &SpecialFile> = old
        .special_files
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    for s in &new.special_files {
        let gained = match special.get(s.path.as_str()) {
            None => true,
            Some(o) => (s.setuid && !o.setuid) || (s.setgid && !o.setgid),
        };
        if !gained {
            continue;
        }
        let how = match (s.setuid, s.setgid) {
            (true, true) => "its owner's and group's rights",
            (true, false) => "its owner's rights",
            _ => "its group's rights",
        };
        out.push(Anomaly {
            kind: AnomalyKind::NewSpecialFile,
            subject: s.path.clone(),
            what: format!("A program can now run with {how}: {} (owner user ID {})", s.path, s.owner_uid),
            short: format!("{} runs with raised rights", s.path),
            advice: format!("Such programs are a classic way to become administrator. If you did not install it, remove the bit (`chmod u-s,g-s {}`) or the file.", s.path),
        });
    }
    for (path, state) in &new.files {
        match (old.files.get(path), state) {
            (None, _) => out.push(file_anomaly(
                AnomalyKind::NewFile,
                path,
                format!("A new system file: {path}"),
            )),
            (Some(FileState::Unreadable { .. }), _) | (_, FileState::Unreadable { .. }) => {}
            (Some(before), now) if before != now => {
                let how = match (before, now) {
                    (FileState::Link { target: a }, FileState::Link { target: b }) => {
                        format!("now points to {b} (was {a})")
                    }
                    (FileState::File { blake3: a, .. }, FileState::File { blake3: b, mode })
                        if a == b =>
                    {
                        format!("its permissions changed to {mode:o}")
                    }
                    _ => "its contents differ from the accepted baseline".into(),
                };
                out.push(file_anomaly(
                    AnomalyKind::ChangedFile,
                    path,
                    format!("A system file changed: {path} ({how})"),
                ));
            }
            _ => {}
        }
    }
    for path in old.files.keys().filter(|p| !new.files.contains_key(*p)) {
        out.push(file_anomaly(
            AnomalyKind::RemovedFile,
            path,
            format!("A system file was removed: {path}"),
        ));
    }
    out
}

fn file_anomaly(kind: AnomalyKind, path: &str, what: String) -> Anomaly {
    let short = match kind {
        AnomalyKind::NewFile => format!("{path} is new"),
        AnomalyKind::RemovedFile => format!("{path} was removed"),
        _ => format!("{path} changed"),
    };
    Anomaly {
        kind,
        subject: path.into(),
        what,
        short,
        advice: format!(
            "If no update was installed since the baseline was accepted, this may be tampering: reinstall the package that owns it (`dpkg -S {path}` names it) and have the computer checked. After a legitimate update, accept the new baseline."
        ),
    }
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the baseline: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

/// Makes `snapshot` the baseline and records that in the audit log.
pub fn accept(store: &Store, now: DateTime<Utc>, actor: &Actor, snapshot: &Snapshot) -> Result<()> {
    let json = serde_json::to_string(snapshot).map_err(|e| Error::internal(e.to_string()))?;
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT OR REPLACE INTO baseline (id, accepted, actor, snapshot) VALUES (1, ?1, ?2, ?3)",
            params![now.to_rfc3339_opts(SecondsFormat::Millis, true), actor.user, json],
        )
        .map_err(|e| sql_error("save", e))?;
        let details = serde_json::json!({
            "listening": snapshot.listening.len(),
            "administrators": snapshot.administrators.iter().map(|a| &a.user).collect::<Vec<_>>(),
            "special_files": snapshot.special_files.len(),
            "files": snapshot.files.len(),
        });
        Ok(((), NewEntry::ok("baseline.accept", "baseline", details)))
    })?;
    Ok(())
}

/// What the baseline watches: the user's choice, or the defaults.
pub fn watched(store: &Store) -> Result<BaselineConfig> {
    let json: Option<String> = store
        .conn()
        .query_row("SELECT config FROM baseline_config WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| sql_error("read", e))?;
    match json {
        None => Ok(BaselineConfig::default()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            Error::internal(format!(
                "The baseline's watched paths could not be read: {e}."
            ))
        }),
    }
}

/// Adds `path` to the files and folders whose checksums the baseline keeps
/// (`watch`), or takes it off. Audited. The next accepted baseline uses it.
pub fn set_watched(
    store: &Store,
    host: &Host,
    now: DateTime<Utc>,
    actor: &Actor,
    path: &str,
    watch: bool,
) -> Result<BaselineConfig> {
    let path = path.trim().trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    if !path.starts_with('/') || path.split('/').any(|part| part == "..") {
        return Err(Error::invalid_input(
            format!("\"{path}\" is not a full path."),
            "Give a path that starts with /, such as /etc/ssh/sshd_config or /opt/app/bin.",
        ));
    }
    if path == "/" {
        return Err(Error::invalid_input(
            "Watching the whole disk would make every change an anomaly.",
            "Choose the folders of programs and settings that should change only when you update them.",
        ));
    }
    if watch && on_kernel_file_system(Path::new(path), &kernel_mounts(host)) {
        return Err(Error::invalid_input(
            format!(
                "{path} is made by the kernel as it is read, not kept on a disk, so its checksums would change all the time."
            ),
            "Watch the folders of programs and settings instead, such as /etc or /usr/local/bin.",
        ));
    }
    let mut config = watched(store)?;
    let present = config.checksum_paths.iter().any(|p| p == path);
    match (watch, present) {
        (true, true) | (false, false) => return Ok(config),
        (true, false) => {
            if std::fs::symlink_metadata(host.path(path)).is_err() {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!("{path} does not exist on this computer."),
                    "Check the spelling; a path is watched only once it exists.",
                ));
            }
            config.checksum_paths.push(path.to_string());
            config.checksum_paths.sort();
        }
        (false, true) => config.checksum_paths.retain(|p| p != path),
    }
    let json = serde_json::to_string(&config).map_err(|e| Error::internal(e.to_string()))?;
    let action = if watch {
        "baseline.watch"
    } else {
        "baseline.unwatch"
    };
    audit::append_with(store, now, actor, |tx| {
        tx.execute(
            "INSERT OR REPLACE INTO baseline_config (id, config) VALUES (1, ?1)",
            [json],
        )
        .map_err(|e| sql_error("save", e))?;
        Ok(((), NewEntry::ok(action, path, serde_json::json!({}))))
    })?;
    Ok(config)
}

/// The accepted baseline, if there is one.
pub fn accepted(store: &Store) -> Result<Option<Accepted>> {
    let row: Option<(String, String, String)> = store
        .conn()
        .query_row(
            "SELECT accepted, actor, snapshot FROM baseline WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    let Some((time, actor, json)) = row else {
        return Ok(None);
    };
    let time = DateTime::parse_from_rfc3339(&time)
        .map_err(|e| Error::internal(format!("The baseline's time does not read: {e}.")))?
        .with_timezone(&Utc);
    let snapshot = serde_json::from_str(&json).map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!("The accepted baseline could not be read: {e}."),
            "Accept the baseline again with `shipshape baseline accept`.",
        )
    })?;
    Ok(Some(Accepted {
        time,
        actor,
        snapshot,
    }))
}

/// This computer compared with the accepted baseline; `None` when none
/// has been accepted yet.
pub fn diff(store: &Store, current: &Snapshot) -> Result<Option<BaselineDiff>> {
    Ok(accepted(store)?.map(|a| BaselineDiff {
        accepted: a.time,
        anomalies: compare(&a.snapshot, current),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::host::SystemRunner;
    use std::path::PathBuf;

    #[test]
    fn a_walk_stops_at_its_limit_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("w")).unwrap();
        for name in ["a", "b", "c", "d"] {
            std::fs::write(dir.path().join("w").join(name), name).unwrap();
        }
        let host = Host::new(dir.path().to_path_buf(), Box::new(SystemRunner));
        let mut seen: Vec<PathBuf> = Vec::new();
        // The folder itself is the first of the three entries.
        let complete = walk(&host, Path::new("/w"), 3, &mut |p, _| seen.push(p.into()));
        assert!(!complete);
        assert_eq!(seen, [PathBuf::from("/w/a"), PathBuf::from("/w/b")]);
        seen.clear();
        assert!(walk(&host, Path::new("/w"), 10, &mut |p, _| seen.push(p.into())));
        assert_eq!(seen.len(), 4);
    }
}
