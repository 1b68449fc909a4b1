//! rpm and dnf, read for the software inventory of Fedora and the RHEL
//! family: which packages are installed (rpm's database), and, where dnf
//! is there to ask, which no source offers, which have updates and which
//! nothing needs. Only reads: nothing here changes a package.

use super::apt::failed;
use crate::govern::deb_version;
use crate::program::Run;
use crate::{Error, ErrorCode, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a read of rpm's or dnf's state may take.
const READ_LIMIT: Duration = Duration::from_secs(120);

/// One line per installed package: name, epoch, version-release,
/// architecture, install time (seconds), vendor.
const QUERY_FORMAT: &str =
    "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{INSTALLTIME}\\t%{VENDOR}\\n";

/// Where rpm keeps its database, newest layout first (Fedora 36 and
/// later link /var/lib/rpm to it).
const DATABASES: [&str; 2] = ["usr/lib/sysimage/rpm", "var/lib/rpm"];

/// The rpm database of the system at a root.
#[derive(Debug, Clone)]
pub struct Rpm {
    root: PathBuf,
    /// The database folder, as rpm names it inside the root ("/var/lib/rpm").
    database: String,
}

impl Rpm {
    /// The system at `root` when its packages are rpm's: it has an rpm
    /// database and no dpkg one (Debian can carry rpm as a tool).
    pub fn of(root: &Path) -> Option<Rpm> {
        if root.join("var/lib/dpkg/status").exists() {
            return None;
        }
        let database = DATABASES.iter().find(|d| {
            ["rpmdb.sqlite", "Packages", "Packages.db"]
                .iter()
                .any(|f| root.join(d).join(f).is_file())
        })?;
        Some(Rpm {
            root: root.to_path_buf(),
            database: format!("/{database}"),
        })
    }

    /// Every installed package, as `QUERY_FORMAT` writes it.
    pub fn installed(&self) -> Result<String> {
        let root = self.root.display().to_string();
        let mut args = vec!["--dbpath", &self.database, "-qa", "--qf", QUERY_FORMAT];
        if self.root != Path::new("/") {
            args.splice(0..0, ["--root", root.as_str()]);
        }
        let out = Run::new("rpm", &args, READ_LIMIT)
            .finish()
            .map_err(|e| not_run("rpm", &e))?;
        if out.code != Some(0) {
            return Err(failed("rpm", &out));
        }
        Ok(out.stdout)
    }

    /// dnf's list of installed packages `which` ("--extras", "--upgrades",
    /// "--unneeded") from its cached metadata, as "name|evr" lines; `None`
    /// when it cannot be asked: dnf is not installed, or the system is not
    /// the running one (dnf reads the running system's sources).
    pub fn dnf_query(&self, which: &str) -> Option<Result<String>> {
        if self.root != Path::new("/") {
            return None;
        }
        let args = ["-q", "-C", "repoquery", which, "--qf", "%{name}|%{evr}\\n"];
        match Run::new("dnf", &args, READ_LIMIT).finish() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(Err(not_run("dnf", &e))),
            Ok(out) if out.code == Some(0) => Some(Ok(out.stdout)),
            Ok(out) => Some(Err(failed("dnf", &out))),
        }
    }
}

/// One installed package as rpm lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: String,
    /// "version-release", with "epoch:" before it when the epoch is not 0.
    pub version: String,
    pub arch: String,
    pub installed_at: i64,
    pub vendor: String,
}

/// Reads `Rpm::installed`'s lines; rpm's pseudo-packages for imported
/// signing keys (gpg-pubkey) are not software and are left out.
pub fn parse_installed(text: &str) -> Vec<Installed> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [name, epoch, version, arch, time, vendor] = f.as_slice() else {
                return None;
            };
            if name.is_empty() || *name == "gpg-pubkey" {
                return None;
            }
            let version = match *epoch {
                "0" | "" => version.to_string(),
                e => format!("{e}:{version}"),
            };
            Some(Installed {
                name: name.to_string(),
                version,
                arch: arch.to_string(),
                installed_at: time.parse().unwrap_or(0),
                vendor: if *vendor == "(none)" {
                    String::new()
                } else {
                    vendor.to_string()
                },
            })
        })
        .collect()
}

/// "name|evr" lines of a dnf query (dnf 4 may print its "\n" as written).
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('\n')
        .flat_map(|l| l.split("\\n"))
        .filter_map(|l| {
            let (name, evr) = l.trim().split_once('|')?;
            (!name.is_empty()).then(|| (name.to_string(), evr.to_string()))
        })
        .collect()
}

/// The names of a dnf query's answer.
pub fn names(text: &str) -> BTreeSet<String> {
    parse_pairs(text).into_iter().map(|(n, _)| n).collect()
}

/// The newest version a dnf `--upgrades` answer offers, by name.
pub fn upgrades(text: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, evr) in parse_pairs(text) {
        let newer = out
            .get(&name)
            .is_none_or(|have| deb_version::compare(&evr, have).is_gt());
        if newer {
            out.insert(name, evr);
        }
    }
    out
}

/// The kernel packages beyond the running one (`uname -r`: version,
/// release and architecture) and the newest other, oldest first, as
/// "name-version" (how dnf names one of several installed versions) and
/// version.
pub fn old_kernels(installed: &[Installed], running: &str) -> Vec<(String, String)> {
    // Fedora and RHEL 8 on split a kernel into kernel and kernel-core (and
    // modules): one name is counted, the one that holds the kernel, so two
    // packages of one version never read as two kernels.
    let name = if installed.iter().any(|p| p.name == "kernel-core") {
        "kernel-core"
    } else {
        "kernel"
    };
    let mut kernels: Vec<&Installed> = installed
        .iter()
        .filter(|p| p.name == name)
        .filter(|p| format!("{}.{}", p.version, p.arch) != running && p.version != running)
        .collect();
    // Newest first: the last installed, then the higher version.
    kernels.sort_by(|a, b| {
        b.installed_at
            .cmp(&a.installed_at)
            .then_with(|| deb_version::compare(&b.version, &a.version))
    });
    kernels
        .into_iter()
        .skip(1)
        .rev()
        .map(|p| (format!("{}-{}", p.name, p.version), p.version.clone()))
        .collect()
}

/// The vendor the system's own packages carry, and the distribution's
/// name, for an os-release ID of the RHEL family or Fedora.
pub fn vendor_of(os_id: &str) -> Option<(&'static str, &'static str)> {
    match os_id {
        "fedora" => Some(("Fedora Project", "Fedora")),
        "rhel" => Some(("Red Hat, Inc.", "Red Hat")),
        "almalinux" => Some(("AlmaLinux", "AlmaLinux")),
        "rocky" => Some(("Rocky Enterprise Software Foundation", "Rocky Linux")),
        _ => None,
    }
}

fn not_run(program: &str, e: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("{program} could not be run: {e}."),
        "Try again; if it keeps failing, run it in a terminal to see why.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str =
        "bash\t0\t5.1.8-9.el9\tx86_64\t1700000000\tRocky Enterprise Software Foundation
gpg-pubkey\t0\t350d275d-6279464b\t(none)\t1700000000\t(none)
nodejs\t1\t16.20.2-8.el9_4\tx86_64\t1700000100\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-1.el9\tx86_64\t1700000000\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-3.el9\tx86_64\t1700000300\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-2.el9\tx86_64\t1700000200\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-0.el9\tx86_64\t1700000000\tRocky Enterprise Software Foundation
kernel\t0\t5.14.0-3.el9\tx86_64\t1700000300\tRocky Enterprise Software Foundation
kernel\t0\t5.14.0-1.el9\tx86_64\t1700000000\tRocky Enterprise Software Foundation
local-tool\t0\t1.0-1\tnoarch\t1700000000\t(none)
broken line
";

    #[test]
    fn reads_installed_packages_with_their_epochs() {
        let p = parse_installed(LIST);
        assert_eq!(p.len(), 9, "{p:?}");
        assert_eq!(p[0].name, "bash");
        assert_eq!(p[1].version, "1:16.20.2-8.el9_4");
        assert_eq!(p[8].vendor, "");
        assert!(p.iter().all(|p| p.name != "gpg-pubkey"));
    }

    #[test]
    fn keeps_the_running_kernel_and_the_newest_other() {
        let p = parse_installed(LIST);
        let old = old_kernels(&p, "5.14.0-2.el9.x86_64");
        assert_eq!(
            old,
            vec![
                (
                    "kernel-core-5.14.0-0.el9".to_string(),
                    "5.14.0-0.el9".into()
                ),
                (
                    "kernel-core-5.14.0-1.el9".to_string(),
                    "5.14.0-1.el9".into()
                )
            ]
        );
    }

    #[test]
    fn reads_dnf_answers_either_way_it_ends_lines() {
        let text = "nodejs|1:16.20.2-8.el9_4\\nnodejs|1:18.19.0-1.el9\\nbash|5.1.8-10.el9\n\n";
        assert_eq!(
            upgrades(text).get("nodejs").map(String::as_str),
            Some("1:18.19.0-1.el9")
        );
        assert_eq!(
            names("a|1\nb|2\nno bar\n"),
            ["a", "b"].into_iter().map(String::from).collect()
        );
    }
}
