//! Installing a package by name from this computer's package sources.
//! Their signed package lists are the proof: apt checks every file it
//! downloads against the list the source signed, so nothing here needs a
//! checksum from the administrator. The preview downloads the package as
//! the account that asks and reads it as a package file is read, so the
//! same scripts, services and files are shown before anything changes.

use super::direct::{Target, carry_out};
use super::{Change, PackageStep, deb};
use crate::admin::state::RootState;
use crate::audit::Actor;
use crate::maintain::apt::{self, Apt};
use crate::maintain::updates::{BUSY, RunKind, UpdateRun, consistent, new_run, settle_cut_off};
use crate::progress::{Cancel, Progress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// What is asked: the package of this name, at the version the sources
/// offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackageAsk {
    pub name: String,
    /// Installed packages the preview said would change: their versions
    /// are kept first, so the installation can be undone.
    #[serde(default)]
    pub keep: Vec<String>,
}

impl PackageAsk {
    /// Refuses a name apt could read as anything but a package name.
    pub fn checked(self) -> Result<PackageAsk> {
        let name = self.name.trim().to_string();
        if let Some(bad) = std::iter::once(&name)
            .chain(&self.keep)
            .find(|n| !apt::is_package_name(n))
        {
            return Err(Error::invalid_input(
                format!("\"{bad}\" is not a package name."),
                "Package names are lower-case letters, digits and + - . (for example ufw or libreoffice-writer).",
            ));
        }
        Ok(PackageAsk { name, ..self })
    }
}

/// A version a source offers, and the source, as apt names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub installed: Option<String>,
    pub version: String,
    pub source: String,
}

/// Reads `apt-cache policy`: the installed version, the candidate and
/// the first source that offers it. `None` when no source offers one
/// (an unknown name, or a package only dpkg's own records know).
pub fn parse_policy(text: &str) -> Option<Offer> {
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(|v| v.trim().to_string())
            .filter(|v| v != "(none)" && !v.is_empty())
    };
    let candidate = field("Candidate:")?;
    let mut lines = text.lines().skip_while(|l| l.trim() != "Version table:");
    lines.next()?;
    let mut at_candidate = false;
    for line in lines {
        let trimmed = line.trim();
        let version_line = line.starts_with(" *** ") || !line.starts_with("        ");
        if version_line {
            let version = trimmed.trim_start_matches("***").split_whitespace().next();
            at_candidate = version == Some(candidate.as_str());
            continue;
        }
        if !at_candidate {
            continue;
        }
        let source = trimmed
            .split_once(' ')
            .map_or(trimmed, |(_, s)| s)
            .trim()
            .trim_end_matches("Packages")
            .trim();
        if source != "/var/lib/dpkg/status" && !source.is_empty() {
            return Some(Offer {
                installed: field("Installed:"),
                version: candidate,
                source: source.to_string(),
            });
        }
    }
    None
}

/// One package a search of the sources found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Found {
    pub name: String,
    pub summary: String,
}

/// How many packages a search answers at most.
const FOUND_LIMIT: usize = 30;

/// Reads `apt-cache search`'s "name - summary" lines, names that start
/// with `word` first.
pub fn parse_search(text: &str, word: &str) -> Vec<Found> {
    let mut found: Vec<Found> = text
        .lines()
        .filter_map(|l| {
            let (name, summary) = l.split_once(" - ")?;
            Some(Found {
                name: name.trim().to_string(),
                summary: summary.trim().to_string(),
            })
        })
        .collect();
    found.sort_by_key(|f| (!f.name.starts_with(word), f.name.len(), f.name.clone()));
    found.truncate(FOUND_LIMIT);
    found
}

/// The packages of this computer's sources whose names contain `word`.
pub fn search(apt: &Apt, word: &str) -> Result<Vec<Found>> {
    let word = word.trim().to_ascii_lowercase();
    if word.len() < 2
        || !word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Err(Error::invalid_input(
            format!("\"{word}\" cannot be searched for."),
            "Type at least two letters or digits of the package's name.",
        ));
    }
    Ok(parse_search(&apt.search(&word)?, &word))
}

/// Everything installing a package by name would change, said before
/// anything does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PackagePreview {
    /// The verdict in plain words: what would be installed, from where.
    pub headline: String,
    pub ask: PackageAsk,
    /// The package source that offers it, as apt names it.
    pub source: String,
    pub deb: deb::Deb,
    pub installed: Option<String>,
    pub change: Change,
    /// What the package manager would add, upgrade or remove (from its
    /// simulation), this package included.
    pub steps: Vec<PackageStep>,
}

/// Whether `name` is installed at the version this computer's sources
/// offer; refused when no source offers it.
pub fn up_to_date(apt: &Apt, name: &str) -> Result<bool> {
    match offered(apt, name) {
        Ok(_) => Ok(false),
        Err(e) if e.code == ErrorCode::Conflict => Ok(true),
        Err(e) => Err(e),
    }
}

/// What the sources offer for `name`, judged against what is installed:
/// refused when none offers it, or when nothing newer than the installed
/// version is offered.
fn offered(apt: &Apt, name: &str) -> Result<(Offer, Change)> {
    let offer = parse_policy(&apt.policy(name)?).ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("No package source of this computer offers a package named {name}."),
            "Check the spelling, or search for it; a program from elsewhere is installed from its package file.",
        )
    })?;
    let change = match &offer.installed {
        None => Change::New,
        Some(old) if apt.older(old, &offer.version) => Change::Upgrade,
        Some(old) => {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "{name} {old} is installed, and the package sources offer nothing newer, so nothing would change."
                ),
                "Nothing needs doing; updates arrive on the Maintenance screen.",
            ));
        }
    };
    Ok((offer, change))
}

/// The preview of installing `ask`, made by the account that asks.
pub fn preview(
    apt: &Apt,
    ask: PackageAsk,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<PackagePreview> {
    let ask = ask.checked()?;
    let (offer, change) = offered(apt, &ask.name)?;
    cancel.check()?;
    let pinned = format!("{}={}", ask.name, offer.version);
    let steps = super::simulated(apt, &pinned, &ask.name)?;
    progress.report(1, 3);
    cancel.check()?;
    let deb = downloaded(apt, &pinned)?;
    progress.report(3, 3);
    let others = match steps.iter().filter(|s| s.name != ask.name).count() {
        0 => String::new(),
        1 => ", with 1 other package".into(),
        n => format!(", with {n} other packages"),
    };
    let what = match &offer.installed {
        Some(old) => format!(
            "{} would be upgraded from {old} to {}",
            ask.name, offer.version
        ),
        None => format!("{} {} would be installed", ask.name, offer.version),
    };
    Ok(PackagePreview {
        headline: format!(
            "{what} from {}{others}; apt checks it against that source's signed package list.",
            offer.source
        ),
        ask,
        source: offer.source,
        deb,
        installed: offer.installed,
        change,
        steps,
    })
}

/// Downloads `pinned` ("name=version") into a private folder of its own,
/// reads it as a package file, and removes it again.
fn downloaded(apt: &Apt, pinned: &str) -> Result<deb::Deb> {
    let folder = Scratch::new()?;
    apt.download_into(&folder.0, &[pinned.to_string()])?;
    let file = std::fs::read_dir(&folder.0)
        .map_err(|e| Error::io("read", &folder.0, &e))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Io,
                format!("apt downloaded no package file for {pinned}."),
                "Refresh the package lists (shipshape updates check), then try again.",
            )
        })?;
    deb::read(&file)
}

/// A private folder of the asking account's, removed when done.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        use std::os::unix::fs::DirBuilderExt;
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "shipshape-package-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Never an existing folder: someone else may have made it.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|e| Error::io("create", &dir, &e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Installs `ask` as root and records the run (kind `InstallPackage`)
/// in root's update history. The version is the one root's apt offers
/// now; Cancel stops it until the package manager starts.
pub fn install(
    apt: &Apt,
    state: &RootState,
    ask: PackageAsk,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let ask = ask.checked()?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    consistent(apt)?;
    let (offer, change) = offered(apt, &ask.name)?;
    let arch = architecture(apt, &ask.name, &offer.version);
    let target = Target {
        package: &ask.name,
        version: &offer.version,
        arch: &arch,
        installed: offer.installed.clone(),
        change,
        keep: &ask.keep,
        apt_target: format!("{}={}", ask.name, offer.version),
    };
    let asked = format!(
        "{} {} from {} (signed package source)",
        ask.name, offer.version, offer.source
    );
    let mut run = new_run(RunKind::InstallPackage, asked, now);
    run.step(
        true,
        format!(
            "{} offers {} {}; apt checks it against that source's signed package list",
            offer.source, ask.name, offer.version
        ),
    );
    carry_out(
        apt,
        state,
        actor,
        now,
        &settled,
        run,
        &target,
        || Ok("apt downloads it and checks it against the signed list"),
        progress,
        cancel,
    )
}

/// The architecture the source's entry names for `name` at `version`.
fn architecture(apt: &Apt, name: &str, version: &str) -> String {
    apt.entry(name, version)
        .ok()
        .and_then(|e| {
            e.lines()
                .find_map(|l| l.strip_prefix("Architecture:"))
                .map(|a| a.trim().to_string())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const POLICY: &str = "shipshape-e2e-tool:
  Installed: 1.0
  Candidate: 1.1
  Version table:
     1.1 500
        500 file:/tmp/a/security ./ Packages
 *** 1.0 500
        500 file:/tmp/a/main ./ Packages
        100 /var/lib/dpkg/status
";

    #[test]
    fn the_candidate_and_its_source_are_read_from_the_policy() {
        let offer = parse_policy(POLICY).unwrap();
        assert_eq!(offer.installed.as_deref(), Some("1.0"));
        assert_eq!(offer.version, "1.1");
        assert_eq!(offer.source, "file:/tmp/a/security ./");
        let debian = "ufw:
  Installed: (none)
  Candidate: 0.36.2-1
  Version table:
     0.36.2-1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
";
        let offer = parse_policy(debian).unwrap();
        assert_eq!(offer.installed, None);
        assert_eq!(
            offer.source,
            "http://deb.debian.org/debian bookworm/main amd64"
        );
    }

    #[test]
    fn nothing_is_offered_for_an_unknown_name_or_a_package_only_dpkg_knows() {
        assert_eq!(parse_policy(""), None);
        let none = "app:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n";
        assert_eq!(parse_policy(none), None);
        let local = "app:
  Installed: 2.0
  Candidate: 2.0
  Version table:
 *** 2.0 100
        100 /var/lib/dpkg/status
";
        assert_eq!(parse_policy(local), None);
    }

    #[test]
    fn a_search_puts_names_that_start_with_the_word_first() {
        let found = parse_search(
            "libufw-dev - headers\ngufw - graphical firewall\nufw - program for managing a Netfilter firewall\nbroken line\n",
            "ufw",
        );
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["ufw", "gufw", "libufw-dev"]);
        assert_eq!(
            found[0].summary,
            "program for managing a Netfilter firewall"
        );
    }

    #[test]
    fn names_apt_could_read_as_options_or_patterns_are_refused() {
        for bad in ["-o", "ufw*", "Ufw", "a", "ufw;rm", "../x"] {
            let err = PackageAsk {
                name: bad.into(),
                keep: vec![],
            }
            .checked()
            .unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
        }
        let err = PackageAsk {
            name: "ufw".into(),
            keep: vec!["--purge".into()],
        }
        .checked()
        .unwrap_err();
        assert!(err.message.contains("--purge"));
        assert!(search(&Apt::default(), "*").is_err());
    }
}
