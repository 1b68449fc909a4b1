//! What a check or a fix looks at: core's `Host` (a filesystem root and
//! the read-only program runner) with what harden knows on top: a few
//! facts about the computer, today's date, and what a scan reads once and
//! shares (the file walk, the listening sockets). A test points it at a
//! fixture folder and gives it canned program output; nothing else in
//! `harden` touches the OS.

use super::check::{Evidence, Outcome};
use super::sockets::{self, Socket};
use super::walk::{self, Inventory};
use crate::host::Host;
use crate::host_file;
use crate::program::Finished;
use std::fs::Metadata;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// The computer under check.
#[derive(Debug)]
pub struct Target {
    host: Host,
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

impl Target {
    /// The computer at `root`: the running system's programs when `root`
    /// is "/", none otherwise. `today` is days since 1970-01-01.
    pub fn new(root: &Path, today: i64) -> Target {
        Target::on(Host::at(root), today)
    }

    pub fn on(host: Host, today: i64) -> Target {
        let mut target = Target {
            host,
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
        target.facts = target.read_facts();
        target
    }

    /// Changes the facts, e.g. to scan a fixture as a desktop or as a
    /// normal user.
    pub fn with_facts(mut self, change: impl FnOnce(&mut Facts)) -> Target {
        change(&mut self.facts);
        self.emulate_user = !self.facts.as_root && rustix::process::geteuid().is_root();
        self
    }

    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    pub fn root(&self) -> &Path {
        self.host.root()
    }

    pub fn today(&self) -> i64 {
        self.today
    }

    /// Whether this target is the running system.
    pub fn is_live(&self) -> bool {
        self.host.is_live()
    }

    /// A program's output; `None` when it could not be run here.
    pub fn run(&self, argv: &[&str]) -> Option<Finished> {
        self.host.run(argv).ok()
    }

    pub fn apt_upgrade_from(&self, sources: &str) -> Option<Finished> {
        self.host.apt_upgrade_from(sources).ok()
    }

    /// How a path under the root is shown to the user: "/etc/shadow".
    pub fn shown(rel: &str) -> String {
        format!("/{}", rel.trim_start_matches('/'))
    }

    fn refusal(&self, rel: &str, err: &io::Error) -> Outcome {
        let shown = Target::shown(rel);
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
            let (file, meta) = self.host.open(rel, follow_last)?;
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
        match self.host.resolve(rel, true).and_then(std::fs::metadata) {
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
            let path = self.host.resolve(rel, true)?;
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
        let path = self.host.resolve(rel, false).ok()?;
        std::fs::read_link(path).ok()
    }

    /// The files and folders of the system paths, walked once per scan
    /// and shared by the checks that need them.
    pub fn inventory(&self) -> &Inventory {
        self.inventory
            .get_or_init(|| walk::walk(self.root(), self.emulate_user))
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
