//! apt and dpkg, run for Shipshape: always non-interactive, with the
//! administrator's changed configuration files kept, a bounded wait for
//! the package manager's lock, and what they print read as data. Only the
//! programs and options written here are run; package names come from
//! apt's own answers or are checked against Debian's rules for names.

use crate::program::{Finished, Run};
use crate::{Error, ErrorCode, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a read of apt's state may take.
const READ_LIMIT: Duration = Duration::from_secs(120);
/// How long installing may take before it is stopped.
const INSTALL_LIMIT: Duration = Duration::from_secs(3 * 3600);
/// How long apt waits for another program to let go of its lock.
pub const LOCK_WAIT_SECONDS: u64 = 60;

/// How apt is reached: this computer's configuration, or (in builds made
/// for tests) the apt configuration file named by `SHIPSHAPE_APT_CONFIG`,
/// which points apt at a local signed archive made by the test.
#[derive(Debug, Clone, Default)]
pub struct Apt {
    config: Option<PathBuf>,
}

impl Apt {
    pub fn this_computer() -> Apt {
        Apt {
            config: crate::test_settings::path("SHIPSHAPE_APT_CONFIG"),
        }
    }

    fn run<'a>(&'a self, program: &'a str, args: &'a [&'a str], limit: Duration) -> Run<'a> {
        let mut run = Run::new(program, args, limit)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .env("APT_LISTCHANGES_FRONTEND", "none")
            // needrestart only lists; Shipshape says what needs a restart.
            .env("NEEDRESTART_MODE", "l");
        if let Some(config) = &self.config {
            run = run.env("APT_CONFIG", config.display().to_string());
        }
        run
    }

    fn read(&self, program: &str, args: &[&str]) -> Result<Finished> {
        let out = self
            .run(program, args, READ_LIMIT)
            .finish()
            .map_err(|e| not_run(program, &e))?;
        if out.code != Some(0) {
            return Err(failed(program, &out));
        }
        Ok(out)
    }

    /// What `apt-get upgrade` would do, without doing it (no root needed).
    pub fn simulate_upgrade(&self) -> Result<String> {
        let out = self.read(
            "apt-get",
            &[
                "-s",
                "-q",
                "-o",
                "Debug::NoLocking=1",
                "--with-new-pkgs",
                "upgrade",
            ],
        )?;
        Ok(out.stdout)
    }

    /// Downloads fresh package lists from the configured sources.
    pub fn refresh(&self) -> Result<()> {
        let args = ["update", "-q", "-o", &lock_wait()];
        let out = self
            .run("apt-get", &args, READ_LIMIT * 5)
            .finish()
            .map_err(|e| not_run("apt-get", &e))?;
        if out.code != Some(0) || out.stdout.contains("\nErr:") || out.stdout.starts_with("Err:") {
            return Err(Error::new(
                ErrorCode::Io,
                "The package lists could not be refreshed, so nothing was changed.",
                format!(
                    "Check the network connection and the package sources, then try again. apt said: {}",
                    last_lines(&format!("{}\n{}", out.stdout, out.stderr))
                ),
            ));
        }
        Ok(())
    }

    /// What `apt-get upgrade` would download: one line per package file,
    /// "'URI' name_version_arch.deb SIZE HASH" (no root needed).
    pub fn download_list(&self) -> Result<String> {
        let out = self.read(
            "apt-get",
            &[
                "--print-uris",
                "-qq",
                "-o",
                "Debug::NoLocking=1",
                "--with-new-pkgs",
                "upgrade",
            ],
        )?;
        Ok(out.stdout)
    }

    /// What dpkg knows of every installed package: name, hold, one-line
    /// description and installed size, as `parse_installed_facts` reads.
    pub fn installed_facts(&self) -> Result<String> {
        let out = self.read(
            "dpkg-query",
            &[
                "-W",
                "-f",
                "${binary:Package}\\t${Status}\\t${Installed-Size}\\t${binary:Summary}\\n",
            ],
        )?;
        Ok(out.stdout)
    }

    /// What `dpkg --audit` finds half-installed or half-configured; empty
    /// when the package manager is consistent.
    pub fn audit(&self) -> Result<String> {
        let out = self
            .run("dpkg", &["--audit"], READ_LIMIT)
            .finish()
            .map_err(|e| not_run("dpkg", &e))?;
        Ok(out.stdout.trim().to_string())
    }

    /// The installed version of each package ("name:arch" → version).
    pub fn installed(&self, names: &[String]) -> Result<Vec<(String, String)>> {
        let mut args = vec![
            "-W",
            "-f",
            "${binary:Package} ${Version} ${db:Status-Abbrev}\\n",
        ];
        args.extend(names.iter().map(String::as_str));
        let out = self
            .run("dpkg-query", &args, READ_LIMIT)
            .finish()
            .map_err(|e| not_run("dpkg-query", &e))?;
        Ok(out
            .stdout
            .lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let (name, version, status) = (f.next()?, f.next()?, f.next()?);
                status
                    .starts_with("ii")
                    .then(|| (name.to_string(), version.to_string()))
            })
            .collect())
    }

    /// Every package dpkg knows of in any state but "not installed", by
    /// name (with ":arch" for a foreign one, as dpkg writes it).
    pub fn present(&self) -> Result<std::collections::BTreeMap<String, Present>> {
        let out = self.read(
            "dpkg-query",
            &[
                "-W",
                "-f",
                "${binary:Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n",
            ],
        )?;
        Ok(parse_present(&out.stdout))
    }

    /// What `apt-cache policy` says of `name` (a checked package name):
    /// the installed version, the candidate and the sources that offer
    /// each version. Empty when no source knows the name.
    pub fn policy(&self, name: &str) -> Result<String> {
        Ok(self.read("apt-cache", &["policy", "--", name])?.stdout)
    }

    /// `apt-cache policy` of several checked package names at once.
    pub fn policies(&self, names: &[String]) -> Result<String> {
        let mut args = vec!["policy", "--"];
        args.extend(names.iter().map(String::as_str));
        Ok(self.read("apt-cache", &args)?.stdout)
    }

    /// `apt-cache policy` alone: every package source with its release
    /// fields (`o=Debian`, `a=stable`…).
    pub fn sources(&self) -> Result<String> {
        Ok(self.read("apt-cache", &["policy"])?.stdout)
    }

    /// The package list's entry for `name` at `version`: its description,
    /// maintainer and size, as the signed source publishes them.
    pub fn entry(&self, name: &str, version: &str) -> Result<String> {
        let pinned = format!("{name}={version}");
        Ok(self
            .read("apt-cache", &["show", "--no-all-versions", "--", &pinned])?
            .stdout)
    }

    /// The packages whose names contain `word` (letters, digits and
    /// `+-.` only: apt reads it as a pattern), with their summaries.
    pub fn search(&self, word: &str) -> Result<String> {
        Ok(self
            .read("apt-cache", &["search", "--names-only", "--", word])?
            .stdout)
    }

    /// The architecture dpkg installed `name` for ("all", "amd64").
    pub fn architecture(&self, name: &str) -> Option<String> {
        let out = self
            .read("dpkg-query", &["-W", "-f", "${Architecture}", "--", name])
            .ok()?;
        Some(out.stdout.trim().to_string()).filter(|a| !a.is_empty())
    }

    /// A fingerprint of everything a check's answer depends on: the
    /// installed packages (dpkg's status), the package lists, the sources,
    /// preferences and apt's settings (each file's name, size and time of
    /// change). Equal fingerprints mean apt would answer the same.
    pub fn state_fingerprint(&self) -> Result<String> {
        let out = self.read(
            "apt-config",
            &[
                "shell",
                "A",
                "Dir::State::Lists/d",
                "B",
                "Dir::State::status/f",
                "C",
                "Dir::Etc::sourcelist/f",
                "D",
                "Dir::Etc::sourceparts/d",
                "E",
                "Dir::Etc::preferencesparts/d",
                "F",
                "Dir::Etc::parts/d",
                "G",
                "Dir::State::extended_states/f",
                "H",
                "Dir::Etc::preferences/f",
            ],
        )?;
        use sha2::{Digest, Sha256};
        use std::os::unix::fs::MetadataExt;
        let mut hash = Sha256::new();
        let mut stamp = |path: &Path| {
            if let Ok(m) = std::fs::symlink_metadata(path) {
                hash.update(format!(
                    "{}|{}|{}|{}\n",
                    path.display(),
                    m.len(),
                    m.mtime(),
                    m.mtime_nsec()
                ));
            }
        };
        if let Some(config) = &self.config {
            stamp(config);
        }
        for line in out.stdout.lines() {
            let Some(path) = line
                .split_once("='")
                .and_then(|(_, p)| p.strip_suffix('\''))
            else {
                continue;
            };
            let path = Path::new(path);
            stamp(path);
            if let Ok(entries) = std::fs::read_dir(path) {
                let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                names.sort();
                names.iter().for_each(|p| stamp(p));
            }
        }
        Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Where apt keeps the packages it downloaded.
    pub fn archives(&self) -> Result<PathBuf> {
        let out = self.read("apt-config", &["shell", "DIR", "Dir::Cache::archives/d"])?;
        let dir = out
            .stdout
            .trim()
            .strip_prefix("DIR='")
            .and_then(|d| d.strip_suffix('\''))
            .unwrap_or("/var/cache/apt/archives/");
        Ok(PathBuf::from(dir))
    }

    /// Downloads each "name=version" into `folder`; fails as a whole
    /// when one of them is offered by no source.
    pub fn download_into(&self, folder: &Path, wanted: &[String]) -> Result<()> {
        let mut args = vec!["download", "-q", "--"];
        args.extend(wanted.iter().map(String::as_str));
        let out = self
            .run("apt-get", &args, READ_LIMIT)
            .in_folder(folder)
            .finish()
            .map_err(|e| not_run("apt-get", &e))?;
        if out.code != Some(0) {
            return Err(failed("apt-get download", &out));
        }
        Ok(())
    }

    /// Rebuilds the installed package `name` as a .deb in `folder`.
    pub fn repack_into(&self, folder: &Path, name: &str) -> Result<()> {
        let out = self
            .run("dpkg-repack", &[name], READ_LIMIT)
            .in_folder(folder)
            .finish()
            .map_err(|e| not_run("dpkg-repack", &e))?;
        if out.code != Some(0) {
            return Err(failed("dpkg-repack", &out));
        }
        Ok(())
    }

    /// Installs: `apt-get install` with `targets` (package names, or
    /// paths of .deb files) as `mode` allows, handing apt's status lines
    /// to `status` as they come. Answers what apt printed, whatever its
    /// end. apt checks the sources' signatures as it always does: no
    /// option here weakens that.
    pub fn install(
        &self,
        targets: &[String],
        mode: InstallMode,
        status: impl FnMut(&str),
    ) -> Result<Finished> {
        let lock = lock_wait();
        let mut args = vec![
            "install",
            "-y",
            "-q",
            "-o",
            &lock,
            "-o",
            "Dpkg::Options::=--force-confdef",
            "-o",
            "Dpkg::Options::=--force-confold",
            "-o",
            "APT::Status-Fd=1",
            "-o",
            "Dpkg::Use-Pty=0",
        ];
        match mode {
            InstallMode::OnlyUpgrade => args.push("--only-upgrade"),
            InstallMode::AllowDowngrades => args.push("--allow-downgrades"),
            InstallMode::New => {}
        }
        args.push("--");
        args.extend(targets.iter().map(String::as_str));
        self.run("apt-get", &args, INSTALL_LIMIT)
            .finish_with_lines(status)
            .map_err(|e| not_run("apt-get", &e))
    }

    /// The services still running libraries an update replaced, from
    /// `needrestart -b` where needrestart is installed (nothing otherwise).
    pub fn services_on_old_libraries(&self) -> Vec<String> {
        let Ok(out) = self
            .run("needrestart", &["-b", "-r", "l"], READ_LIMIT)
            .finish()
        else {
            return Vec::new();
        };
        parse_needrestart(&out.stdout)
    }

    /// Finishes what an interrupted run left half-done.
    pub fn repair(&self) -> Result<Finished> {
        self.run(
            "dpkg",
            &["--configure", "-a", "--force-confdef", "--force-confold"],
            INSTALL_LIMIT,
        )
        .finish()
        .map_err(|e| not_run("dpkg", &e))
    }

    /// What `apt-get install` of `targets` (package names or .deb paths)
    /// would do, without doing it (no root needed). Answers apt's output
    /// whatever its end: a plan it cannot make is said there.
    pub fn simulate_install(&self, targets: &[String]) -> Result<Finished> {
        let mut args = vec!["install", "-s", "-q", "--"];
        args.extend(targets.iter().map(String::as_str));
        self.run("apt-get", &args, READ_LIMIT)
            .finish()
            .map_err(|e| not_run("apt-get", &e))
    }

    /// Removes packages with their configuration files: how an
    /// installation that failed takes away what it brought in new.
    pub fn purge(&self, names: &[String]) -> Result<Finished> {
        let lock = lock_wait();
        let mut args = vec!["purge", "-y", "-q", "-o", &lock, "--"];
        args.extend(names.iter().map(String::as_str));
        self.run("apt-get", &args, INSTALL_LIMIT)
            .finish()
            .map_err(|e| not_run("apt-get", &e))
    }

    /// Removes `names` (their configuration files stay, so putting a kept
    /// copy back restores them as they were).
    pub fn remove(&self, names: &[String]) -> Result<Finished> {
        let lock = lock_wait();
        let mut args = vec!["remove", "-y", "-q", "-o", &lock, "--"];
        args.extend(names.iter().map(String::as_str));
        self.run("apt-get", &args, INSTALL_LIMIT)
            .finish()
            .map_err(|e| not_run("apt-get", &e))
    }

    /// What removing `names` would remove, without doing it ("Remv NAME
    /// [VERSION]" lines; no root needed).
    pub fn simulate_remove(&self, names: &[String]) -> Result<String> {
        let mut args = vec!["-s", "-q", "-o", "Debug::NoLocking=1", "remove", "--"];
        args.extend(names.iter().map(String::as_str));
        Ok(self.read("apt-get", &args)?.stdout)
    }

    /// What `apt-get autoremove` would remove, without doing it.
    pub fn simulate_autoremove(&self) -> Result<String> {
        Ok(self
            .read(
                "apt-get",
                &["-s", "-q", "-o", "Debug::NoLocking=1", "autoremove"],
            )?
            .stdout)
    }

    /// Every installed package as `apt list --installed` shows it: name,
    /// the sources that offer its version, version, architecture and
    /// flags ("local" when no configured source offers it at all).
    pub fn list_installed(&self) -> Result<String> {
        Ok(self
            .read(
                "apt",
                &[
                    "list",
                    "--installed",
                    "-q",
                    "-o",
                    "apt::cmd::disable-script-warning=true",
                ],
            )?
            .stdout)
    }

    /// Whether version `a` is older than version `b`, by dpkg's rules.
    pub fn older(&self, a: &str, b: &str) -> bool {
        self.run("dpkg", &["--compare-versions", a, "lt", b], READ_LIMIT)
            .finish()
            .is_ok_and(|out| out.code == Some(0))
    }

    /// The architectures dpkg installs packages for: its own first, then
    /// any foreign ones added.
    pub fn architectures(&self) -> Result<Vec<String>> {
        let native = self.read("dpkg", &["--print-architecture"])?;
        let foreign = self.read("dpkg", &["--print-foreign-architectures"])?;
        Ok(native
            .stdout
            .split_whitespace()
            .chain(foreign.stdout.split_whitespace())
            .map(str::to_string)
            .collect())
    }

    /// Holds (or releases) packages at their version.
    pub fn hold(&self, names: &[String], hold: bool) -> Result<()> {
        let mut args = vec![if hold { "hold" } else { "unhold" }, "--"];
        args.extend(names.iter().map(String::as_str));
        self.read("apt-mark", &args).map(|_| ())
    }
}

/// One package as dpkg holds it: its version, architecture, and whether
/// it is fully installed ("ii", or "hi" when held).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    pub version: String,
    pub arch: String,
    pub installed: bool,
    /// dpkg's two-letter state ("ii", "iF", "rc"…).
    pub state: String,
}

/// Reads `present`'s lines; packages dpkg knows only as "not installed"
/// ("un", "pn") are left out.
pub fn parse_present(text: &str) -> std::collections::BTreeMap<String, Present> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (name, version, arch, status) = (f.next()?, f.next()?, f.next()?, f.next()?);
            let state: String = status.trim().chars().take(2).collect();
            (state.len() == 2 && !state.ends_with('n')).then(|| {
                (
                    name.to_string(),
                    Present {
                        version: version.to_string(),
                        arch: arch.to_string(),
                        installed: state.ends_with('i'),
                        state,
                    },
                )
            })
        })
        .collect()
}

/// What an installation may do to the packages it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallMode {
    /// Upgrade installed packages only, never bring one in.
    OnlyUpgrade,
    /// Put back earlier versions (an undo).
    AllowDowngrades,
    /// Bring in a package that is not installed.
    New,
}

/// How long apt waits for the lock: `LOCK_WAIT_SECONDS`, or (in builds
/// made for tests) `SHIPSHAPE_APT_LOCK_SECONDS`.
pub fn lock_wait_seconds() -> u64 {
    crate::test_settings::number("SHIPSHAPE_APT_LOCK_SECONDS").unwrap_or(LOCK_WAIT_SECONDS)
}

fn lock_wait() -> String {
    format!("DPkg::Lock::Timeout={}", lock_wait_seconds())
}

fn not_run(program: &str, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        return Error::new(
            ErrorCode::NotFound,
            format!("{program} is not installed on this computer."),
            "Shipshape installs updates with apt, on Debian and Ubuntu.",
        );
    }
    Error::new(
        ErrorCode::Io,
        format!("{program} could not be run: {e}."),
        "Try again; if it keeps failing, run it in a terminal to see why.",
    )
}

/// A program that ran and failed, with the last of what it said.
pub(crate) fn failed(program: &str, out: &Finished) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("{program} failed."),
        format!(
            "It said: {}",
            last_lines(&format!("{}\n{}", out.stdout, out.stderr))
        ),
    )
}

/// The last few lines of what a program printed, for an error's hint.
pub fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines[lines.len().saturating_sub(4)..].join(" / ")
}

/// Which program holds the package manager's lock, from apt's message
/// ("… is held by process 1234 (unattended-upgr)").
pub fn lock_holder(text: &str) -> Option<String> {
    let at = text.find("held by process ")?;
    let rest = &text[at + "held by process ".len()..];
    let (pid, rest) = rest.split_once(' ')?;
    let name = rest
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|(n, _)| n.to_string());
    let program = match name.as_deref() {
        Some(n) if n.starts_with("unattended-upgr") => {
            "automatic updates (unattended-upgrades)".to_string()
        }
        Some("packagekitd") => "the software centre (packagekitd)".to_string(),
        Some(n) => n.to_string(),
        None => "another program".to_string(),
    };
    Some(format!("{program}, process {pid}"))
}

/// Whether `name` may be a Debian package name (with an optional
/// ":arch"): lower-case letters, digits and `+-.`, starting with a letter
/// or digit. Nothing else reaches apt's command line.
pub fn is_package_name(name: &str) -> bool {
    let (base, arch) = match name.split_once(':') {
        Some((b, a)) => (b, Some(a)),
        None => (name, None),
    };
    let ok = |s: &str, extra: &[u8]| {
        s.len() >= 2
            && s.len() <= 128
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || extra.contains(&b))
    };
    ok(base, b"+-.") && arch.is_none_or(|a| ok(a, b"-"))
}

/// One package apt would install or upgrade, from a simulation's `Inst`
/// line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub name: String,
    pub arch: String,
    /// `None` for a package new to this computer (a new dependency).
    pub installed: Option<String>,
    pub candidate: String,
    /// Where the new version comes from: "Label:Version/Suite" for each
    /// source that offers it.
    pub sources: Vec<String>,
}

impl Planned {
    /// A security update: offered by the distribution's security suite
    /// (Debian's "Debian-Security", any "-security" suite: Debian's
    /// bookworm-security, Ubuntu's noble-security).
    pub fn is_security(&self) -> bool {
        self.sources.iter().any(|s| is_security_source(s))
    }
}

/// Whether one release string of apt's ("Label:Version/Suite") is a
/// security suite.
pub fn is_security_source(release: &str) -> bool {
    let (label, rest) = release.split_once(':').unwrap_or(("", release));
    let suite = rest.rsplit('/').next().unwrap_or(rest);
    label == "Debian-Security" || suite.ends_with("-security")
}

/// What an apt simulation says: what it would install, and what it
/// leaves: kept back (it would need removals or is held) and deferred by
/// Ubuntu's phased updates (never forced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulation {
    pub planned: Vec<Planned>,
    pub kept_back: Vec<String>,
    pub phased: Vec<String>,
}

/// Reads `apt-get -s upgrade`'s output.
pub fn parse_simulation(text: &str) -> Simulation {
    let mut sim = Simulation::default();
    let mut list: Option<&mut Vec<String>> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Inst ") {
            list = None;
            if let Some(p) = parse_inst(rest) {
                sim.planned.push(p);
            }
            continue;
        }
        if line.starts_with("The following packages have been kept back") {
            list = Some(&mut sim.kept_back);
            continue;
        }
        if line.starts_with("The following upgrades have been deferred due to phasing") {
            list = Some(&mut sim.phased);
            continue;
        }
        match (&mut list, line.starts_with(' ')) {
            (Some(names), true) => names.extend(line.split_whitespace().map(str::to_string)),
            _ => list = None,
        }
    }
    sim
}

/// "name [old] (new Label:Version/Suite, … [arch])", the old version
/// absent for a new package; anything else is not an Inst line we know.
fn parse_inst(rest: &str) -> Option<Planned> {
    let (name, rest) = rest.split_once(' ')?;
    let (installed, rest) = match rest.strip_prefix('[') {
        Some(r) => {
            let (old, r) = r.split_once("] ")?;
            (Some(old.to_string()), r)
        }
        None => (None, rest),
    };
    let inner = rest.strip_prefix('(')?;
    let inner = &inner[..inner.rfind(')')?];
    let (candidate, releases) = inner.split_once(' ')?;
    let open = releases.rfind(" [")?;
    let arch = releases[open + 2..].strip_suffix(']')?;
    let sources = releases[..open]
        .split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Some(Planned {
        name: name.to_string(),
        arch: arch.to_string(),
        installed,
        candidate: candidate.to_string(),
        sources,
    })
}

/// One installed package as dpkg knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstalledFacts {
    /// Held at its version (`apt-mark hold`).
    pub held: bool,
    pub installed_kib: u64,
    pub summary: String,
}

/// Reads `installed_facts`' lines ("name\tstatus\tsize\tsummary"); the
/// name has its ":arch" only where dpkg writes one.
pub fn parse_installed_facts(text: &str) -> Vec<(String, InstalledFacts)> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.splitn(4, '\t');
            let name = f.next()?.to_string();
            let status = f.next()?;
            let size = f.next()?.trim().parse().unwrap_or(0);
            let summary = f.next().unwrap_or_default().trim().to_string();
            Some((
                name,
                InstalledFacts {
                    held: status.split_whitespace().next() == Some("hold"),
                    installed_kib: size,
                    summary,
                },
            ))
        })
        .collect()
}

/// Reads `download_list`: each package's name and download size in bytes.
pub fn parse_download_sizes(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.rsplitn(4, ' ');
            let _hash = f.next()?;
            let size = f.next()?.parse().ok()?;
            let file = f.next()?;
            let name = file.split('_').next()?;
            Some((name.to_string(), size))
        })
        .collect()
}

/// Reads `needrestart -b`'s batch lines: "NEEDRESTART-SVC: name".
pub fn parse_needrestart(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("NEEDRESTART-SVC:"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// apt's progress line ("pmstatus:pkg:42.8571:Unpacking pkg (1.1)"), as
/// the percentage done and what it is doing.
pub fn parse_status(line: &str) -> Option<(f64, String)> {
    let rest = line
        .strip_prefix("pmstatus:")
        .or_else(|| line.strip_prefix("dlstatus:"))?;
    let mut parts = rest.splitn(3, ':');
    let _package = parts.next()?;
    let percent: f64 = parts.next()?.parse().ok()?;
    Some((percent, parts.next().unwrap_or_default().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As apt 2.6 (Debian 12) prints it, with a security update, an
    /// ordinary one, a new dependency, a kept-back and a phased package.
    const SIMULATION: &str = "Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages have been kept back:
  linux-image-amd64 shim-signed
The following upgrades have been deferred due to phasing:
  ubuntu-drivers-common
The following NEW packages will be installed:
  libnew1
The following packages will be upgraded:
  libssl3 openssl tzdata
3 upgraded, 1 newly installed, 0 to remove and 2 not upgraded.
Inst libssl3 [3.0.14-1~deb12u1] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])
Inst libnew1 (1.0-1 Debian:12.8/stable [amd64])
Inst openssl [3.0.14-1~deb12u1] (3.0.15-1~deb12u1 Debian:12.8/stable, Debian-Security:12/stable-security [amd64]) []
Inst tzdata [2024a-0+deb12u1] (2024b-0+deb12u1 Debian:12-updates/stable-updates [all])
Inst ubuntu-pkg [1.0] (1.1 Ubuntu:24.04/noble-security [amd64])
Conf libssl3 (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])
Conf tzdata (2024b-0+deb12u1 Debian:12-updates/stable-updates [all])
";

    #[test]
    fn a_simulation_is_read_with_origins_and_what_is_left() {
        let sim = parse_simulation(SIMULATION);
        let names: Vec<&str> = sim.planned.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["libssl3", "libnew1", "openssl", "tzdata", "ubuntu-pkg"]
        );
        let ssl = &sim.planned[0];
        assert_eq!(ssl.installed.as_deref(), Some("3.0.14-1~deb12u1"));
        assert_eq!(ssl.candidate, "3.0.15-1~deb12u1");
        assert_eq!(ssl.arch, "amd64");
        assert!(ssl.is_security());
        assert_eq!(sim.planned[1].installed, None);
        assert!(!sim.planned[1].is_security());
        assert!(sim.planned[2].is_security(), "offered by both suites");
        assert_eq!(sim.planned[2].sources.len(), 2);
        assert!(
            !sim.planned[3].is_security(),
            "stable-updates is not security"
        );
        assert_eq!(sim.planned[3].arch, "all");
        assert!(sim.planned[4].is_security(), "Ubuntu's -security pocket");
        assert_eq!(sim.kept_back, ["linux-image-amd64", "shim-signed"]);
        assert_eq!(sim.phased, ["ubuntu-drivers-common"]);
    }

    #[test]
    fn security_is_the_suite_not_a_look_alike() {
        assert!(is_security_source("Debian-Security:12/stable-security"));
        assert!(is_security_source("Debian:12/bookworm-security"));
        assert!(!is_security_source("Debian:12.8/stable"));
        assert!(!is_security_source("Vendor:1/security-tools"));
        assert!(!is_security_source("Ubuntu:24.04/noble-updates"));
    }

    #[test]
    fn sizes_holds_and_summaries_are_read() {
        let uris = "'http://deb.debian.org/debian/pool/main/b/bash/bash_5.2.15-2%2bb13_amd64.deb' bash_5.2.15-2+b13_amd64.deb 1490652 MD5Sum:f973a067908f9c7579d30deddd8301ed\n'file:/x/a.deb' libfoo_1%3a2.0_amd64.deb 70936 SHA256:00\n";
        assert_eq!(
            parse_download_sizes(uris),
            [
                ("bash".to_string(), 1_490_652),
                ("libfoo".to_string(), 70_936)
            ]
        );
        let dpkg = "openssl\tinstall ok installed\t2300\tSecure Sockets Layer toolkit - cryptographic utility\nfirefox-esr\thold ok installed\t251904\tMozilla Firefox web browser\nlibc6:amd64\tinstall ok installed\t12000\tGNU C Library: Shared libraries\n";
        let facts = parse_installed_facts(dpkg);
        assert_eq!(facts.len(), 3);
        assert!(!facts[0].1.held);
        assert!(facts[1].1.held);
        assert_eq!(facts[0].1.installed_kib, 2300);
        assert_eq!(facts[2].0, "libc6:amd64");
        assert_eq!(facts[2].1.summary, "GNU C Library: Shared libraries");
    }

    #[test]
    fn the_program_holding_the_lock_is_named() {
        let apt = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)";
        assert_eq!(
            lock_holder(apt).as_deref(),
            Some("automatic updates (unattended-upgrades), process 4242")
        );
        assert_eq!(
            lock_holder("… is held by process 77 (apt-get)").as_deref(),
            Some("apt-get, process 77")
        );
        assert_eq!(lock_holder("E: Unable to locate package x"), None);
    }

    #[test]
    fn only_debian_package_names_reach_apt() {
        for ok in [
            "openssl",
            "libssl3",
            "g++",
            "libc6:amd64",
            "linux-image-6.1.0-27-amd64",
        ] {
            assert!(is_package_name(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "-o",
            "--allow-unauthenticated",
            "Foo",
            "x;rm",
            "./x.deb",
            "a b",
            "/etc/passwd",
            "pkg:",
        ] {
            assert!(!is_package_name(bad), "{bad}");
        }
    }

    #[test]
    fn needrestart_names_the_services_on_old_libraries() {
        let batch = "NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-27-amd64\nNEEDRESTART-KSTA: 1\nNEEDRESTART-SVC: ssh.service\nNEEDRESTART-SVC: cron.service\n";
        assert_eq!(parse_needrestart(batch), ["ssh.service", "cron.service"]);
        assert!(parse_needrestart("").is_empty());
    }

    #[test]
    fn progress_lines_are_read() {
        assert_eq!(
            parse_status("pmstatus:openssl:42.8571:Unpacking openssl (amd64)"),
            Some((42.8571, "Unpacking openssl (amd64)".into()))
        );
        assert_eq!(parse_status("Setting up openssl"), None);
    }
}
