//! Installing software the way a careful administrator would: only the
//! bytes that were verified, with a preview in plain words before
//! anything changes, and everything put back when it fails.
//!
//! - `deb` — what a `.deb` is and what it would place on this computer,
//!   read before it is installed;
//! - `direct` — root's installation of a `.deb`: staged from what the
//!   asking account itself can read, re-hashed before use, the old
//!   version kept, and a failure rolled back and held;
//! - `named` — a package by name from this computer's signed package
//!   sources, previewed and installed the same way;
//! - `program` — a tarball or an AppImage into `/opt/<name>/<version>`,
//!   beside the versions there, with `current` switched atomically;
//! - `record` — an installation's change record, as a printable page or
//!   JSON;
//! - `ports` — what listens on the network before and after installing.

pub mod deb;
pub mod deploy;
pub mod direct;
pub mod harden;
pub mod held_back;
pub mod menu;
pub mod named;
pub mod plan;
pub mod ports;
pub mod program;
pub mod record;

use crate::maintain::apt::{self, Apt};
use crate::progress::{Cancel, Progress};
use crate::verify::hash::Digest;
use crate::verify::{Algorithm, staging};
use crate::{Error, ErrorCode, Result};
use deb::Deb;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Why the file is trusted: its checksum, as Verify proved it against its
/// publisher's checksum list or signature (a strong kind: SHA-256,
/// SHA-512 or BLAKE3), or the administrator's recorded acceptance of the
/// risk of installing it unverified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "by", rename_all = "snake_case")]
#[ts(export)]
pub enum Trust {
    Digest { algorithm: Algorithm, hex: String },
    RiskAccepted { reason: String },
}

impl Trust {
    /// The checksum kinds the file is hashed with: the trusted one, and
    /// SHA-256 for the record.
    fn algorithms(&self) -> Vec<Algorithm> {
        match self {
            Trust::Digest { algorithm, .. } if *algorithm != Algorithm::Sha256 => {
                vec![Algorithm::Sha256, *algorithm]
            }
            _ => vec![Algorithm::Sha256],
        }
    }
}

/// What is asked: this `.deb` file, trusted so, and whether an older
/// version than the installed one may replace it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebAsk {
    pub file: String,
    pub trust: Trust,
    #[serde(default)]
    pub allow_downgrade: bool,
    /// Installed packages the preview said would change: their versions
    /// are kept first, so the installation can be undone. Only a hint:
    /// what changed is read from dpkg before and after.
    #[serde(default)]
    pub keep: Vec<String>,
}

impl Trust {
    /// Refuses a trust that proves nothing: a checksum of a broken kind
    /// or of the wrong length, a risk accepted without a reason.
    pub fn checked(self) -> Result<Trust> {
        match &self {
            Trust::Digest { algorithm, .. } if algorithm.is_weak() => {
                return Err(Error::invalid_input(
                    format!(
                        "A {} checksum cannot prove a file was not swapped: that kind is broken.",
                        algorithm.label()
                    ),
                    "Verify the file with SHA-256, SHA-512 or BLAKE3, or a signature.",
                ));
            }
            Trust::Digest { algorithm, hex }
                if hex.len() != algorithm.hex_len()
                    || !hex.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                return Err(Error::invalid_input(
                    format!(
                        "A {} checksum is {} hexadecimal characters.",
                        algorithm.label(),
                        algorithm.hex_len()
                    ),
                    "Copy it from the Verify screen or the publisher's checksum list.",
                ));
            }
            Trust::RiskAccepted { reason } if reason.trim().is_empty() => {
                return Err(Error::invalid_input(
                    "Installing a file that was not verified needs a reason, and none was given.",
                    "Verify the file first, or say why it is installed unverified.",
                ));
            }
            _ => {}
        }
        Ok(match self {
            Trust::Digest { algorithm, hex } => Trust::Digest {
                algorithm,
                hex: hex.to_ascii_lowercase(),
            },
            Trust::RiskAccepted { reason } => Trust::RiskAccepted {
                reason: reason.trim().to_string(),
            },
        })
    }
}

/// Refuses a file given by a relative path.
fn full_path(file: &str) -> Result<()> {
    if Path::new(file).is_absolute() {
        return Ok(());
    }
    Err(Error::invalid_input(
        format!("{file} is not a full path."),
        "Give the file's full path, starting with /.",
    ))
}

impl DebAsk {
    /// Refuses what can never be installed before anything is read: a
    /// relative path, a trust that proves nothing, a name to keep that is
    /// not a package's.
    pub fn checked(self) -> Result<DebAsk> {
        full_path(&self.file)?;
        let trust = self.trust.clone().checked()?;
        if let Some(bad) = self
            .keep
            .iter()
            .find(|n| !crate::maintain::apt::is_package_name(n))
        {
            return Err(Error::invalid_input(
                format!("\"{bad}\" is not a package name."),
                "Preview the installation again.",
            ));
        }
        Ok(DebAsk { trust, ..self })
    }
}

/// How the package relates to what is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VersionChange")]
pub enum Change {
    New,
    Upgrade,
    Reinstall,
    Downgrade,
}

/// One package the package manager would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackageStep {
    pub name: String,
    /// The version there now (`None`: not installed).
    pub from: Option<String>,
    /// The version after (`None`: removed).
    pub to: Option<String>,
}

/// Everything that would change, said before anything does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DebPreview {
    /// The verdict in plain words: what would be installed, and whether
    /// it was proven genuine.
    pub headline: String,
    pub ask: DebAsk,
    /// The file's SHA-256, as read now.
    pub sha256: String,
    pub deb: Deb,
    pub installed: Option<String>,
    pub change: Change,
    /// What the package manager would add, upgrade or remove (from its
    /// simulation), this package included.
    pub steps: Vec<PackageStep>,
}

impl DebPreview {
    fn sentence(&self) -> String {
        let d = &self.deb;
        let what = match (self.change, &self.installed) {
            (Change::New, _) | (_, None) => {
                format!("{} {} would be installed", d.package, d.version)
            }
            (Change::Upgrade, Some(old)) => format!(
                "{} would be upgraded from {old} to {}",
                d.package, d.version
            ),
            (Change::Reinstall, _) => {
                format!("{} {} would be installed again", d.package, d.version)
            }
            (Change::Downgrade, Some(old)) => format!(
                "{} would be taken back from {old} to the older {}",
                d.package, d.version
            ),
        };
        let others = self.steps.iter().filter(|s| s.name != d.package).count();
        let others = match others {
            0 => String::new(),
            1 => ", with 1 other package".into(),
            n => format!(", with {n} other packages"),
        };
        let trust = match &self.ask.trust {
            Trust::Digest { .. } => "its checksum matches the verified one".to_string(),
            Trust::RiskAccepted { .. } => "it was NOT verified: the risk was accepted".to_string(),
        };
        format!("{what}{others}; {trust}.")
    }
}

/// The architectures a package may name: this computer's, and "all".
fn fits(arch: &str, ours: &[String]) -> bool {
    arch == "all" || ours.iter().any(|a| a == arch)
}

/// Reads `deb` against what is installed: refuses a package for another
/// architecture, or an older version unless `allow_downgrade`.
fn judged(apt: &Apt, deb: &Deb, allow_downgrade: bool) -> Result<(Option<String>, Change)> {
    let ours = apt.architectures()?;
    if !fits(&deb.architecture, &ours) {
        return Err(Error::invalid_input(
            format!(
                "{} {} is built for {} computers, and this one is {}.",
                deb.package,
                deb.version,
                deb.architecture,
                ours.join(" and ")
            ),
            format!(
                "Download the {} version from the publisher.",
                ours.first().map_or("matching", String::as_str)
            ),
        ));
    }
    let installed = apt
        .installed(std::slice::from_ref(&deb.package))?
        .into_iter()
        .find(|(n, _)| n.split(':').next() == Some(deb.package.as_str()))
        .map(|(_, v)| v);
    let change = match &installed {
        None => Change::New,
        Some(old) if *old == deb.version => Change::Reinstall,
        Some(old) if apt.older(&deb.version, old) => Change::Downgrade,
        Some(_) => Change::Upgrade,
    };
    if change == Change::Downgrade && !allow_downgrade {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} {} is older than the {} installed, so nothing was changed.",
                deb.package,
                deb.version,
                installed.clone().unwrap_or_default()
            ),
            "Install the newer version instead; to go back on purpose, allow the downgrade (--allow-downgrade).",
        ));
    }
    Ok((installed, change))
}

/// What apt's simulation of installing `target` would change; a plan it
/// cannot make (a dependency no source offers) is refused in its words.
fn simulated(apt: &Apt, target: &str, package: &str) -> Result<Vec<PackageStep>> {
    let out = apt.simulate_install(&[target.to_string()])?;
    if out.code != Some(0) {
        let log = format!("{}\n{}", out.stdout, out.stderr);
        let code = if unmet(&log).is_empty() {
            ErrorCode::Io
        } else {
            ErrorCode::NeedsPackage
        };
        let said = refusal(package, &log);
        return Err(Error::new(
            code,
            if code == ErrorCode::Io {
                crate::figures::capitalised(&said)
            } else {
                said
            },
            "Install what it needs first, or add the publisher's package source, then try again.",
        ));
    }
    let sim = apt::parse_simulation(&out.stdout);
    let mut steps: Vec<PackageStep> = sim
        .planned
        .into_iter()
        .map(|p| PackageStep {
            name: p.name,
            from: p.installed,
            to: Some(p.candidate),
        })
        .collect();
    steps.extend(out.stdout.lines().filter_map(|l| {
        let rest = l.strip_prefix("Remv ")?;
        let (name, version) = match rest.split_once(" [") {
            Some((n, v)) => (n, v.split(']').next().map(str::to_string)),
            None => (rest.trim(), None),
        };
        Some(PackageStep {
            name: name.to_string(),
            from: version,
            to: None,
        })
    }));
    Ok(steps)
}

/// apt's lines about dependencies it cannot meet.
fn unmet(log: &str) -> Vec<&str> {
    log.lines()
        .map(str::trim)
        .filter(|l| {
            l.contains(": Depends:")
                || l.contains(": PreDepends:")
                || l.contains(" Conflicts:")
                || l.contains(" Breaks:")
        })
        .collect()
}

/// Why apt would not install `package`, in plain words, from what it
/// printed.
fn refusal(package: &str, log: &str) -> String {
    let lines = unmet(log);
    if lines.is_empty() {
        format!(
            "the package manager cannot install {package}. apt said: {}",
            apt::last_lines(log)
        )
    } else {
        format!(
            "{package} needs packages that none of this computer's package sources offers: {}.",
            lines.join("; ")
        )
    }
}

/// The preview of installing `ask`, made by the account that asks: the
/// file is hashed as that account reads it, and must match its trust.
pub fn preview(
    apt: &Apt,
    ask: DebAsk,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<DebPreview> {
    let ask = ask.checked()?;
    let file = PathBuf::from(&ask.file);
    let digests = crate::verify::file::hash_file(&file, &ask.trust.algorithms(), progress, cancel)?;
    matches_trust(&ask.file, &ask.trust, &digests.digests)?;
    let sha256 = digests.digests[0].hex.clone();
    let deb = deb::read(&file)?;
    let (installed, change) = judged(apt, &deb, ask.allow_downgrade)?;
    let target = apt_target(&file)?;
    let steps = simulated(apt, &target.display().to_string(), &deb.package)?;
    let mut preview = DebPreview {
        headline: String::new(),
        ask,
        sha256,
        deb,
        installed,
        change,
        steps,
    };
    preview.headline = preview.sentence();
    Ok(preview)
}

/// apt takes a package file only by a path ending in ".deb".
fn apt_target(file: &Path) -> Result<PathBuf> {
    if file.extension().is_some_and(|e| e == "deb") {
        Ok(file.to_path_buf())
    } else {
        Err(Error::invalid_input(
            format!(
                "{} does not end in .deb, so the package manager will not take it.",
                file.display()
            ),
            "Rename it to end in .deb, then try again.",
        ))
    }
}

/// Refuses a file whose checksum (among `read`) is not the verified one.
/// The digest read is never said: root may be the one reading it.
fn matches_trust(file: &str, trust: &Trust, read: &[Digest]) -> Result<()> {
    match trust {
        Trust::Digest { algorithm, hex }
            if !read
                .iter()
                .any(|d| d.algorithm == *algorithm && d.hex == *hex) =>
        {
            Err(Error::new(
                ErrorCode::FileChanged,
                format!(
                    "{file} is not the file that was verified: its checksum is different, so nothing was installed."
                ),
                "It may have been replaced or damaged since. Download it again and verify it before installing.",
            ))
        }
        _ => Ok(()),
    }
}

/// The change record's first step: the file copied and proven.
fn staged_words(trust: &Trust) -> String {
    match trust {
        Trust::Digest { algorithm, .. } => format!(
            "Copied the file into the administrator's private folder, reading it as the account that asked; its {} checksum matches the verified one",
            algorithm.label()
        ),
        Trust::RiskAccepted { reason } => format!(
            "Copied the file into the administrator's private folder, reading it as the account that asked; it was NOT verified (risk accepted: {reason})"
        ),
    }
}

/// A file root staged and matched to its trust: the copy and its private
/// folder go when this is dropped, however the installation ends.
pub(crate) struct Staged {
    pub path: PathBuf,
    /// SHA-256 first.
    pub digests: Vec<Digest>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        staging::discard(&self.path);
    }
}

/// `stage_for` into root's installation staging folder, refused unless
/// the copy carries the trusted checksum.
pub(crate) fn staged_proven(
    state: &crate::admin::state::RootState,
    file: &str,
    trust: &Trust,
    as_uid: Option<u32>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Staged> {
    let root = state.paths.state.join("install-staging");
    let (path, digests) = stage_for(file, trust, as_uid, &root, progress, cancel)?;
    let staged = Staged { path, digests };
    matches_trust(file, trust, &staged.digests)?;
    Ok(staged)
}

/// Copies `ask.file` into root's private staging folder while hashing
/// it, reading it with the rights of the account that asked (`as_uid`),
/// never root's: a path the asker gives cannot make root read a file the
/// asker could not. Answers the staged copy and its digests, SHA-256
/// first.
pub fn stage_for(
    file_given: &str,
    trust: &Trust,
    as_uid: Option<u32>,
    root: &Path,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(PathBuf, Vec<Digest>)> {
    let file = Path::new(file_given);
    let name = file.file_name().ok_or_else(|| {
        Error::invalid_input(
            format!("{} has no file name.", file_given),
            "Choose a .deb file.",
        )
    })?;
    let Some(uid) = as_uid.filter(|u| *u != 0) else {
        let (staged, d) = staging::stage(file, root, &trust.algorithms(), progress, cancel)?;
        return Ok((staged, d.digests));
    };
    let (uid, gid) = crate::admin::door::account_ids(uid).ok_or_else(|| {
        Error::new(
            ErrorCode::NeedsAdmin,
            format!("The account numbered {uid} that asked is not on this computer."),
            "Ask again from your own account.",
        )
    })?;
    // setpriv runs cat as the asker, with their groups; `--` keeps the
    // path from being read as an option.
    let mut child = std::process::Command::new("setpriv")
        .args([
            format!("--reuid={uid}"),
            format!("--regid={gid}"),
            "--init-groups".into(),
            "--".into(),
            "cat".into(),
            "--".into(),
        ])
        .arg(file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorCode::NeedsPackage,
                format!("setpriv could not be started: {e}."),
                "Install util-linux.",
            )
        })?;
    let mut out = child
        .stdout
        .take()
        .ok_or_else(|| Error::internal("setpriv has no output"))?;
    let staged = staging::stage_stream(
        &mut out,
        name,
        0,
        root,
        &trust.algorithms(),
        progress,
        cancel,
    );
    drop(out);
    let mut said = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut said);
    }
    let status = child.wait().map_err(|e| Error::io("read", file, &e))?;
    let (staged, digests, read) = staged?;
    if status.success() && read == 0 {
        staging::discard(&staged);
        return Err(Error::invalid_input(
            format!("{} is empty.", file_given),
            "Download it again; a package file is never empty.",
        ));
    }
    if !status.success() {
        staging::discard(&staged);
        let why = said
            .lines()
            .last()
            .unwrap_or_default()
            .rsplit(": ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        return Err(Error::invalid_input(
            format!(
                "{} could not be read by the account that asked{}.",
                file_given,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(": {why}")
                }
            ),
            "Choose a .deb file your own account can read, for example in your Downloads folder.",
        ));
    }
    Ok((staged, digests))
}
