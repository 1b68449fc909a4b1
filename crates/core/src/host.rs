//! The computer core looks at: a filesystem root ("/" for this computer, a
//! fixture folder in tests, a mounted disk) and a runner for the few
//! read-only programs whose answers are not in a file. Health reads through
//! it; harden's `Target` adds what a scan knows on top. Reads are contained
//! in the root and bounded (`host_file`); programs run only from one
//! allow-list, through core's one program runner.

use crate::host_file;
use crate::program::{self, Finished};
use std::collections::{HashMap, VecDeque};
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Runs the few read-only programs core needs. An error means the program
/// could not be run here (not allowed, not installed, no canned answer).
pub trait Runner: Send + Sync + std::fmt::Debug {
    /// Runs `argv[0]` with the rest of `argv` as its arguments.
    fn run(&self, argv: &[&str]) -> io::Result<Finished>;

    /// `apt-get -s -q upgrade` reading only `sources` (one-line apt
    /// sources, "deb URI SUITE COMPONENTS..."): given just the security
    /// sources, apt reads their small lists instead of the whole archive's,
    /// which takes a tenth of the time, and lists exactly the security
    /// updates. A canned runner answers it as `APT_SECURITY_SIMULATION`.
    fn apt_upgrade_from(&self, _sources: &str) -> io::Result<Finished> {
        self.run(APT_SECURITY_SIMULATION)
    }
}

/// How the security-only simulation is shown in evidence and keyed in a
/// `FixtureRunner`.
pub const APT_SECURITY_SIMULATION: &[&str] =
    &["apt-get", "-s", "-q", "upgrade", "(security sources only)"];

/// In an allowed command line, one argument that is a value (a time, a
/// folder), never an option.
pub const VALUE: &str = "*";

/// The command line `shape` with its `VALUE` filled in by `value`.
pub fn filled<'a>(shape: &[&'a str], value: &'a str) -> Vec<&'a str> {
    shape
        .iter()
        .map(|a| if *a == VALUE { value } else { a })
        .collect()
}

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

/// sshd's newest journal messages since a time (`VALUE`: "@" and seconds
/// since 1970) as JSON; at most 5000, so a flood of failed logins never
/// makes one health reading read the whole journal.
pub const SSHD_JOURNAL: &[&str] = &[
    "journalctl",
    "-o",
    "json",
    "--no-pager",
    "-q",
    "--since",
    VALUE,
    "--lines",
    "5000",
    "SYSLOG_IDENTIFIER=sshd",
    "SYSLOG_IDENTIFIER=sshd-session",
];

/// The simulated upgrade behind `apt_upgrade_from`; `VALUE` is the private
/// folder holding the security sources.
const APT_SECURITY_UPGRADE: &[&str] = &[
    "apt-get",
    "-s",
    "-q",
    "-o",
    "Dir::Etc::SourceList=/dev/null",
    "-o",
    VALUE,
    "upgrade",
];

/// The only programs `SystemRunner` starts, each with why. Every one only
/// reads: nothing core looks at may change the computer, and no command
/// line comes from anywhere but this list.
const ALLOWED: &[(&[&str], &str)] = &[
    (
        &["ufw", "status", "verbose"],
        "the ufw firewall's state and rules, for the firewall checks",
    ),
    (
        &["nft", "list", "ruleset"],
        "the nftables rules, for the firewall checks where ufw is not used",
    ),
    (
        &["iptables", "-S", "INPUT"],
        "the iptables input rules, for the same checks on older systems",
    ),
    (
        &["who"],
        "who is logged in: health's users and the lockout guard's remote logins",
    ),
    (
        DNF_SECURITY_UPDATES,
        "Fedora's waiting security updates, from dnf's cache",
    ),
    (
        APT_SECURITY_UPGRADE,
        "Debian's waiting security updates: an upgrade simulated over the security sources",
    ),
    (SSHD_JOURNAL, "sshd's messages, for health's failed logins"),
];

/// How long one program may take: a package manager waiting on a lock or a
/// slow journal must not hang a scan or a health reading.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Whether `argv` is an allowed command line.
fn allowed(argv: &[&str]) -> bool {
    ALLOWED.iter().any(|(shape, _)| {
        shape.len() == argv.len()
            && shape.iter().zip(argv).all(|(want, got)| {
                if *want == VALUE {
                    !got.is_empty() && !got.starts_with('-')
                } else {
                    want == got
                }
            })
    })
}

/// Runs the allow-listed programs on this computer through core's one
/// program runner (a plain environment, a time limit, capped output).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRunner;

impl SystemRunner {
    fn start(argv: &[&str]) -> io::Result<Finished> {
        if !allowed(argv) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{} is not a program Shipshape reads from", argv.join(" ")),
            ));
        }
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        program::run(program, args, TIME_LIMIT)
    }
}

impl Runner for SystemRunner {
    fn run(&self, argv: &[&str]) -> io::Result<Finished> {
        Self::start(argv)
    }

    fn apt_upgrade_from(&self, sources: &str) -> io::Result<Finished> {
        // A private folder (0700, random name) holding only the given
        // sources; apt reads nothing else from it and it is removed after.
        let dir = Path::new("/tmp").join(format!(
            "shipshape-apt-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        let out = std::fs::write(dir.join("security.list"), sources).and_then(|()| {
            let parts = format!("Dir::Etc::SourceParts={}", dir.display());
            Self::start(&filled(APT_SECURITY_UPGRADE, &parts))
        });
        let _ = std::fs::remove_dir_all(&dir);
        out
    }
}

/// Canned outputs for tests and for a folder that is not the running
/// system (whose programs would describe another computer).
#[derive(Debug, Default)]
pub struct FixtureRunner {
    outputs: HashMap<String, Finished>,
}

impl FixtureRunner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers `argv` (joined by spaces) with `stdout` and exit status 0. A
    /// program's name alone answers it whatever its arguments (journalctl's
    /// change with the time).
    pub fn with(mut self, argv: &str, stdout: &str) -> Self {
        self.outputs.insert(
            argv.to_string(),
            Finished {
                code: Some(0),
                stdout: stdout.to_string(),
                stderr: String::new(),
            },
        );
        self
    }
}

impl Runner for FixtureRunner {
    fn run(&self, argv: &[&str]) -> io::Result<Finished> {
        self.outputs
            .get(&argv.join(" "))
            .or_else(|| argv.first().and_then(|p| self.outputs.get(*p)))
            .cloned()
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no answer for {} here", argv.join(" ")),
                )
            })
    }
}

/// A computer: its files under `root` and its programs through `runner`.
#[derive(Debug)]
pub struct Host {
    root: PathBuf,
    runner: Box<dyn Runner>,
}

impl Host {
    /// This computer: files under "/", its real programs.
    pub fn this_computer() -> Host {
        Host::new(PathBuf::from("/"), Box::new(SystemRunner))
    }

    /// The computer at `root`: this computer's programs when `root` is "/",
    /// none otherwise.
    pub fn at(root: &Path) -> Host {
        if root == Path::new("/") {
            Host::this_computer()
        } else {
            Host::new(root.to_path_buf(), Box::new(FixtureRunner::new()))
        }
    }

    pub fn new(root: PathBuf, runner: Box<dyn Runner>) -> Host {
        Host { root, runner }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this host is the running system.
    pub fn is_live(&self) -> bool {
        self.root == Path::new("/")
    }

    /// `absolute` (like "/proc/meminfo") joined under the root as it is, no
    /// link resolved: for a walk that looks at each entry itself (lstat,
    /// readlink) and never follows one.
    pub fn path(&self, absolute: impl AsRef<Path>) -> PathBuf {
        under(&self.root, absolute.as_ref())
    }

    /// The real path of `rel` with symbolic links resolved inside the root
    /// (the last one only when `follow_last`), so an absolute link in a
    /// fixture or a mounted disk never reaches the scanning computer's own
    /// files.
    pub fn resolve(&self, rel: &str, follow_last: bool) -> io::Result<PathBuf> {
        resolve_in(&self.root, rel, follow_last)
    }

    /// Opens `rel` if it is a regular file, resolved inside the root; with
    /// `follow_last` false a final link is refused (for files another
    /// account writes). The metadata is the opened file's own.
    pub fn open(&self, rel: &str, follow_last: bool) -> io::Result<(File, Metadata)> {
        let path = self.resolve(rel, follow_last)?;
        // Inside a fixture or mounted root the links are already resolved
        // within it; the kernel must not follow one again.
        host_file::open_regular(&path, follow_last && self.is_live())
    }

    /// A text file's content, links followed inside the root: a regular
    /// file only, read within core's cap, so a FIFO or a device never
    /// hangs a reading.
    pub fn read(&self, rel: &str) -> io::Result<String> {
        let (file, meta) = self.open(rel, true)?;
        let bytes = host_file::read_capped(file, &meta)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    pub fn run(&self, argv: &[&str]) -> io::Result<Finished> {
        self.runner.run(argv)
    }

    pub fn apt_upgrade_from(&self, sources: &str) -> io::Result<Finished> {
        self.runner.apt_upgrade_from(sources)
    }
}

/// `absolute` under `root`: `Path::join` would replace the root instead.
pub(crate) fn under(root: &Path, absolute: &Path) -> PathBuf {
    let relative = absolute.strip_prefix("/").unwrap_or(absolute);
    if relative.as_os_str().is_empty() {
        root.to_path_buf()
    } else {
        root.join(relative)
    }
}

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
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_listed_programs_run_and_a_value_is_never_an_option() {
        let refused = |argv: &[&str]| {
            SystemRunner.run(argv).unwrap_err().kind() == io::ErrorKind::PermissionDenied
        };
        assert!(refused(&["echo", "hi"]));
        assert!(refused(&["who", "-a"]));
        assert!(refused(&[]));
        assert!(allowed(&filled(SSHD_JOURNAL, "@1764000000")));
        assert!(!allowed(&filled(SSHD_JOURNAL, "--vacuum-size=1")));
        assert!(!allowed(&filled(SSHD_JOURNAL, "")));
    }

    #[test]
    fn absolute_paths_stay_under_the_root() {
        let root = Path::new("/tmp/fixture");
        assert_eq!(
            under(root, Path::new("/proc/meminfo")),
            Path::new("/tmp/fixture/proc/meminfo")
        );
        assert_eq!(under(root, Path::new("/")), root);
        assert_eq!(under(Path::new("/"), Path::new("/etc")), Path::new("/etc"));
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("var/log")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.path().join("var/log/auth.log"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let host = Host::at(dir.path());
        let err = host.read("/var/log/auth.log").unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(Host::this_computer().read("/dev/zero").is_err());
    }

    #[test]
    fn a_fixture_runner_answers_by_command_line_or_by_program() {
        let runner = FixtureRunner::new()
            .with("ufw status verbose", "Status: active\n")
            .with("journalctl", "{}\n");
        assert!(runner.run(&["ufw", "status", "verbose"]).is_ok());
        assert!(runner.run(&["ufw", "disable"]).is_err());
        assert_eq!(runner.run(SSHD_JOURNAL).unwrap().stdout, "{}\n");
        assert!(runner.apt_upgrade_from("deb x y z\n").is_err());
    }
}
