//! The computer a scan looks at: a filesystem root, a read-only command
//! runner and a few facts. A test points a `Host` at a fixture folder and
//! gives it canned command output; nothing else in `harden` touches the OS.

use super::check::{Evidence, Outcome};
use super::sockets::{self, Socket};
use super::walk::{self, Inventory};
use crate::host_file;
use std::collections::{HashMap, VecDeque};
use std::fs::Metadata;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Which family of Linux systems the computer belongs to, from os-release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsFamily {
    /// Debian, Ubuntu and their derivatives.
    Debian,
    /// Fedora, RHEL, CentOS, Rocky, Alma.
    Fedora,
    Other,
}

/// What a scan knows about the computer before it runs any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub os_family: OsFamily,
    /// `ID` from os-release, e.g. "debian".
    pub os_id: String,
    /// `VERSION_ID`, e.g. "12".
    pub os_version: String,
    /// `PRETTY_NAME`, e.g. "Debian GNU/Linux 12 (bookworm)".
    pub os_name: String,
    pub hostname: String,
    /// A display manager is installed: people sit at this computer.
    pub desktop: bool,
    /// The scan runs with administrator rights and may read everything.
    pub as_root: bool,
}

/// The output of a finished command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    pub status: i32,
    pub stdout: String,
}

/// Runs the few read-only commands a scan needs. `None` means the command
/// could not be run here (not installed, not allowed, or no live system).
pub trait Runner: Send + Sync + std::fmt::Debug {
    fn run(&self, argv: &[&str]) -> Option<CommandOutput>;

    /// `apt-get -s -q upgrade` reading only `sources` (one-line apt
    /// sources, "deb URI SUITE COMPONENTS..."): given just the security sources, apt
    /// reads their small lists instead of the whole archive's, which takes
    /// a tenth of the time, and lists exactly the security updates.
    fn apt_upgrade_from(&self, sources: &str) -> Option<CommandOutput>;
}

/// How the security-only simulation is shown in evidence and keyed in a
/// `FixtureRunner`.
pub const APT_SECURITY_SIMULATION: &[&str] =
    &["apt-get", "-s", "-q", "upgrade", "(security sources only)"];

/// The only commands the real runner starts. Each one only reads: a scan
/// must never change the computer, and the runner never takes a command
/// from anywhere else.
const READ_ONLY_COMMANDS: &[&[&str]] = &[
    &["ufw", "status", "verbose"],
    &["nft", "list", "ruleset"],
    &["iptables", "-S", "INPUT"],
    &["who"],
    DNF_SECURITY_UPDATES,
];

/// Fedora's waiting security updates, from dnf's cached metadata only
/// (`-C`): a scan never downloads anything.
pub const DNF_SECURITY_UPDATES: &[&str] = &[
    "dnf",
    "-C",
    "-q",
    "updateinfo",
    "list",
    "--security",
    "--available",
];

/// Runs allow-listed commands on this computer with a plain environment.
#[derive(Debug, Default)]
pub struct SystemRunner;

impl SystemRunner {
    /// Runs a command to its end, or stops it after `limit`
    /// (a package manager waiting on a lock must not hang the scan).
    fn spawn(program: &str, args: &[&str], limit: Duration) -> Option<CommandOutput> {
        let out = crate::program::run(program, args, limit).ok()?;
        Some(CommandOutput {
            status: out.code.unwrap_or(-1),
            stdout: out.stdout,
        })
    }
}

/// How long a scan waits for one command.
const COMMAND_TIME_LIMIT: Duration = Duration::from_secs(30);

impl Runner for SystemRunner {
    fn run(&self, argv: &[&str]) -> Option<CommandOutput> {
        if !READ_ONLY_COMMANDS.contains(&argv) {
            return None;
        }
        let (program, args) = argv.split_first()?;
        Self::spawn(program, args, COMMAND_TIME_LIMIT)
    }

    fn apt_upgrade_from(&self, sources: &str) -> Option<CommandOutput> {
        // A private folder (0700, random name) holding only the given
        // sources; apt reads nothing else from it and it is removed after.
        let dir = std::path::Path::new("/tmp").join(format!(
            "shipshape-apt-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&dir).ok()?;
        let out = std::fs::write(dir.join("security.list"), sources)
            .ok()
            .and_then(|()| {
                let parts = format!("Dir::Etc::SourceParts={}", dir.display());
                Self::spawn(
                    "apt-get",
                    &[
                        "-s",
                        "-q",
                        "-o",
                        "Dir::Etc::SourceList=/dev/null",
                        "-o",
                        &parts,
                        "upgrade",
                    ],
                    COMMAND_TIME_LIMIT,
                )
            });
        let _ = std::fs::remove_dir_all(&dir);
        out
    }
}

/// Canned outputs for tests and for scanning a folder that is not the
/// running system (whose commands would describe another computer).
#[derive(Debug, Default)]
pub struct FixtureRunner {
    outputs: HashMap<String, CommandOutput>,
}

impl FixtureRunner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers `argv` (joined by spaces) with `stdout` and exit status 0.
    pub fn with(mut self, argv: &str, stdout: &str) -> Self {
        self.outputs.insert(
            argv.to_string(),
            CommandOutput {
                status: 0,
                stdout: stdout.to_string(),
            },
        );
        self
    }
}

impl Runner for FixtureRunner {
    fn run(&self, argv: &[&str]) -> Option<CommandOutput> {
        self.outputs.get(&argv.join(" ")).cloned()
    }

    fn apt_upgrade_from(&self, _sources: &str) -> Option<CommandOutput> {
        self.run(APT_SECURITY_SIMULATION)
    }
}

/// The computer under scan.
#[derive(Debug)]
pub struct Host {
    root: PathBuf,
    runner: Box<dyn Runner>,
    facts: Facts,
    /// Days since 1970-01-01, for password ages in /etc/shadow.
    today: i64,
    /// This process is root but the facts say otherwise: a test (or a
    /// preview) wants to see what a normal user would see, so file modes
    /// decide what is readable, as they would for that user.
    emulate_user: bool,
    inventory: OnceLock<Inventory>,
    sockets: OnceLock<Vec<Socket>>,
}

impl Host {
    /// The computer at `root`: the running system's commands when `root`
    /// is "/", none otherwise. `today` is days since 1970-01-01.
    pub fn new(root: &Path, today: i64) -> Host {
        let runner: Box<dyn Runner> = if root == Path::new("/") {
            Box::new(SystemRunner)
        } else {
            Box::new(FixtureRunner::new())
        };
        Host::with_runner(root, runner, today)
    }

    pub fn with_runner(root: &Path, runner: Box<dyn Runner>, today: i64) -> Host {
        let mut host = Host {
            root: root.to_path_buf(),
            runner,
            facts: Facts {
                os_family: OsFamily::Other,
                os_id: String::new(),
                os_version: String::new(),
                os_name: String::new(),
                hostname: String::new(),
                desktop: false,
                as_root: rustix::process::geteuid().is_root(),
            },
            today,
            emulate_user: false,
            inventory: OnceLock::new(),
            sockets: OnceLock::new(),
        };
        host.facts = host.read_facts();
        host
    }

    /// Changes the facts, e.g. to scan a fixture as a desktop or as a
    /// normal user.
    pub fn with_facts(mut self, change: impl FnOnce(&mut Facts)) -> Host {
        change(&mut self.facts);
        self.emulate_user = !self.facts.as_root && rustix::process::geteuid().is_root();
        self
    }

    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn today(&self) -> i64 {
        self.today
    }

    /// Whether this host runs commands against the live system.
    pub fn is_live(&self) -> bool {
        self.root == Path::new("/")
    }

    pub fn run(&self, argv: &[&str]) -> Option<CommandOutput> {
        self.runner.run(argv)
    }

    pub fn apt_upgrade_from(&self, sources: &str) -> Option<CommandOutput> {
        self.runner.apt_upgrade_from(sources)
    }

    /// How a path under the root is shown to the user: "/etc/shadow".
    pub fn shown(rel: &str) -> String {
        format!("/{}", rel.trim_start_matches('/'))
    }

    /// The real path of `rel` with symbolic links resolved inside the
    /// root, so an absolute link in a fixture or a mounted disk never
    /// reaches out to the scanning computer's own files.
    pub fn path(&self, rel: &str) -> io::Result<PathBuf> {
        self.resolve(rel, true)
    }

    fn resolve(&self, rel: &str, follow_last: bool) -> io::Result<PathBuf> {
        resolve_in(&self.root, rel, follow_last)
    }

    fn refusal(&self, rel: &str, err: &io::Error) -> Outcome {
        let shown = Host::shown(rel);
        if err.kind() == io::ErrorKind::PermissionDenied && !self.facts.as_root {
            Outcome::needs_admin(format!(
                "Only an administrator can read {shown}, so this could not be checked."
            ))
            .with(Evidence::file(rel, None, &format!("cannot read: {err}")))
        } else {
            Outcome::error(format!("Could not read {shown}: {err}.")).with(Evidence::file(
                rel,
                None,
                &format!("cannot read: {err}"),
            ))
        }
    }

    /// Refuses what a normal user could not read, when emulating one.
    fn emulated_denial(&self, meta: &Metadata, bits: u32) -> Option<io::Error> {
        (self.emulate_user && meta.mode() & bits != bits)
            .then(|| io::Error::from(io::ErrorKind::PermissionDenied))
    }

    /// A text file's content; `Ok(None)` when it does not exist. An
    /// unreadable file (no rights, not a regular file, too large) is an
    /// outcome (needs admin rights, or an error) with the reason as
    /// evidence.
    pub fn read(&self, rel: &str) -> Result<Option<String>, Outcome> {
        self.read_text(rel, true)
    }

    /// Like `read`, but a final symbolic link is refused rather than
    /// followed: for files another account may write, such as a user's
    /// authorized_keys, which root must not let point it elsewhere.
    pub fn read_unfollowed(&self, rel: &str) -> Result<Option<String>, Outcome> {
        self.read_text(rel, false)
    }

    fn read_text(&self, rel: &str, follow_last: bool) -> Result<Option<String>, Outcome> {
        let read = || -> io::Result<String> {
            let path = self.resolve(rel, follow_last)?;
            // Inside a fixture or mounted root the links are already
            // resolved within it; the kernel must not follow one again.
            let (file, meta) = host_file::open_regular(&path, follow_last && self.is_live())?;
            if let Some(e) = self.emulated_denial(&meta, 0o004) {
                return Err(e);
            }
            let bytes = host_file::read_capped(file, &meta)?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        };
        match read() {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.refusal(rel, &e)),
        }
    }

    /// Like `read`, but a missing or unreadable file is just `None`: for
    /// optional extras (a drop-in folder's files) whose absence is normal.
    pub fn read_quiet(&self, rel: &str) -> Option<String> {
        self.read(rel).ok().flatten()
    }

    /// The metadata of `rel`, links followed inside the root.
    pub fn meta(&self, rel: &str) -> Result<Option<Metadata>, Outcome> {
        match self.path(rel).and_then(std::fs::metadata) {
            Ok(m) => Ok(Some(m)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.refusal(rel, &e)),
        }
    }

    pub fn exists(&self, rel: &str) -> bool {
        matches!(self.meta(rel), Ok(Some(_)))
    }

    /// The first of `rels` that exists.
    pub fn first_existing<'a>(&self, rels: &[&'a str]) -> Option<&'a str> {
        rels.iter().copied().find(|r| self.exists(r))
    }

    /// The names in folder `rel`, sorted; empty when it does not exist.
    pub fn list(&self, rel: &str) -> Result<Vec<String>, Outcome> {
        let list = || -> io::Result<Vec<String>> {
            let path = self.path(rel)?;
            let meta = std::fs::metadata(&path)?;
            if let Some(e) = self.emulated_denial(&meta, 0o005) {
                return Err(e);
            }
            let mut names: Vec<String> = std::fs::read_dir(&path)?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            Ok(names)
        };
        match list() {
            Ok(names) => Ok(names),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.refusal(rel, &e)),
        }
    }

    /// Where symbolic link `rel` points, unresolved; `None` for a file
    /// that is not a link or does not exist.
    pub fn link_target(&self, rel: &str) -> Option<PathBuf> {
        let path = self.resolve(rel, false).ok()?;
        std::fs::read_link(path).ok()
    }

    /// The files and folders of the system paths, walked once per scan
    /// and shared by the checks that need them.
    pub fn inventory(&self) -> &Inventory {
        self.inventory
            .get_or_init(|| walk::walk(&self.root, self.emulate_user))
    }

    /// The listening sockets, read once per scan.
    pub fn sockets(&self) -> &[Socket] {
        self.sockets.get_or_init(|| sockets::read(self))
    }

    fn read_facts(&self) -> Facts {
        let release = self
            .read_quiet("etc/os-release")
            .or_else(|| self.read_quiet("usr/lib/os-release"))
            .unwrap_or_default();
        let field = |key: &str| {
            release
                .lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_string())
                .unwrap_or_default()
        };
        let id = field("ID");
        let like = field("ID_LIKE");
        let family_of = |s: &str| {
            s.split_whitespace().find_map(|w| match w {
                "debian" | "ubuntu" => Some(OsFamily::Debian),
                "fedora" | "rhel" | "centos" => Some(OsFamily::Fedora),
                _ => None,
            })
        };
        let os_family = family_of(&id)
            .or_else(|| family_of(&like))
            .unwrap_or(OsFamily::Other);
        let hostname = self
            .read_quiet("etc/hostname")
            .or_else(|| self.read_quiet("proc/sys/kernel/hostname"))
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        let desktop = DISPLAY_MANAGERS.iter().any(|p| self.exists(p));
        Facts {
            os_family,
            os_id: id,
            os_version: field("VERSION_ID"),
            os_name: field("PRETTY_NAME"),
            hostname,
            desktop,
            as_root: self.facts.as_root,
        }
    }
}

/// A display manager's program: its presence makes a computer a desktop.
const DISPLAY_MANAGERS: &[&str] = &[
    "usr/sbin/gdm3",
    "usr/sbin/gdm",
    "usr/sbin/lightdm",
    "usr/bin/sddm",
    "usr/sbin/sddm",
    "usr/bin/xdm",
    "usr/sbin/lxdm",
    "etc/systemd/system/display-manager.service",
];

/// The real path of `rel` under `root` with symbolic links resolved inside
/// `root` (the last one only when `follow_last`), so neither a read nor a
/// write through a link in a parent folder leaves it. On "/" the path is
/// taken as it is.
pub fn resolve_in(root: &Path, rel: &str, follow_last: bool) -> io::Result<PathBuf> {
    let rel = rel.trim_start_matches('/');
    if root == Path::new("/") {
        return Ok(Path::new("/").join(rel));
    }
    let mut todo: VecDeque<PathBuf> = Path::new(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(PathBuf::from(n)),
            Component::ParentDir => Some(PathBuf::from("..")),
            _ => None,
        })
        .collect();
    let mut done: Vec<PathBuf> = Vec::new();
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        if part == Path::new("..") {
            done.pop();
            continue;
        }
        let mut here = root.to_path_buf();
        here.extend(&done);
        here.push(&part);
        let is_last = todo.is_empty();
        match std::fs::symlink_metadata(&here) {
            Ok(m) if m.file_type().is_symlink() && (follow_last || !is_last) => {
                hops += 1;
                if hops > 40 {
                    return Err(io::Error::from_raw_os_error(40)); // ELOOP
                }
                let target = std::fs::read_link(&here)?;
                if target.is_absolute() {
                    done.clear();
                }
                for c in target.components().rev() {
                    match c {
                        Component::Normal(n) => todo.push_front(PathBuf::from(n)),
                        Component::ParentDir => todo.push_front(PathBuf::from("..")),
                        _ => {}
                    }
                }
            }
            _ => done.push(part),
        }
    }
    let mut out = root.to_path_buf();
    out.extend(&done);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_takes_too_long_is_stopped() {
        let start = std::time::Instant::now();
        let out = SystemRunner::spawn("sleep", &["5"], Duration::from_millis(100));
        assert!(out.is_none());
        assert!(start.elapsed() < Duration::from_secs(2));
        let out = SystemRunner::spawn("echo", &["hello"], Duration::from_secs(5));
        assert_eq!(out.map(|o| o.stdout), Some("hello\n".to_string()));
    }

    #[test]
    fn only_listed_commands_run() {
        assert!(SystemRunner.run(&["echo", "hi"]).is_none());
    }
}
