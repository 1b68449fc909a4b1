//! What software this computer runs, how long each piece is supported,
//! and what is worth retiring: packages no source offers any more,
//! software past its end of life, kernels beyond the running one and one
//! before it, and packages nothing needs. Built from what the package
//! manager says (read into `Facts` first, so a test gives the same
//! answers as text) and the end-of-life dates of `eol`.

use super::deb_version;
use super::eol::{self, EolSource, Life, OsLife, Snapshot, SupportLevel};
use crate::host::Host;
use crate::maintain::apt::Apt;
use crate::maintain::rpm::{self, Rpm};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use ts_rs::TS;

/// The package manager whose database lists the installed software.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "PackageManager")]
pub enum Manager {
    /// dpkg and apt: Debian, Ubuntu. Shipshape can remove packages.
    #[default]
    Apt,
    /// rpm and dnf: Fedora, the RHEL family. Shipshape lists; removing is
    /// left to dnf, whose command is given.
    Rpm,
}

/// What the inventory is built from, as the package manager said it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub manager: Manager,
    /// /etc/os-release.
    pub os_release: String,
    /// distro-info-data's CSV for this system's family, and where it is.
    pub distro_info: Option<String>,
    pub distro_info_file: String,
    /// `apt list --installed`, or rpm's list (`rpm::Rpm::installed`).
    pub installed: String,
    /// `apt-get -s autoremove`, or `dnf repoquery --unneeded`; `None` when
    /// the package manager could not answer.
    pub autoremove: Option<String>,
    /// rpm systems only: `dnf repoquery --extras` (installed, offered by
    /// no source) and `--upgrades`, `None` when dnf could not answer.
    pub extras: Option<String>,
    pub upgrades: Option<String>,
    /// The running kernel's release (`uname -r`).
    pub kernel: String,
    /// Programs Shipshape installed into /opt: name, versions, the one in use.
    pub programs: Vec<Program>,
    /// Packages on the end-of-life list whose installed version comes from
    /// the distribution's own sources (origin "Debian" or "Ubuntu"): the
    /// distribution keeps fixing them while the system is supported.
    pub from_system: BTreeSet<String>,
    /// What could not be read, in plain words.
    pub problems: Vec<String>,
}

/// The software on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SoftwareInventory")]
pub struct Inventory {
    /// The operating system's name and support, or why it is not known.
    pub os_name: String,
    pub os_life: Option<OsLife>,
    pub os_problem: Option<String>,
    /// The verdict on the operating system's support, in plain words, and
    /// how it stands.
    pub os_words: String,
    pub os_level: SupportLevel,
    pub kernel: String,
    pub manager: Manager,
    pub packages: Vec<Package>,
    pub programs: Vec<Program>,
    /// Where the other products' dates come from.
    pub eol_source: EolSource,
    pub retire: Vec<Retire>,
    pub problems: Vec<String>,
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "InventoryPackage")]
pub struct Package {
    /// With ":arch" for a package of a foreign architecture.
    pub name: String,
    pub version: String,
    pub arch: String,
    /// No configured package source offers it any more.
    pub no_source: bool,
    /// Installed only because another package needs it.
    pub automatic: bool,
    /// The newer version a source offers, when there is one.
    pub upgradable_to: Option<String>,
    /// Its product's end of life, where the end-of-life list knows it.
    pub life: Option<Life>,
}

/// A program Shipshape installed into /opt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "InventoryProgram")]
pub struct Program {
    pub name: String,
    pub versions: Vec<String>,
    pub current: Option<String>,
}

/// Why something is on the retire list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RetireWhy {
    /// The operating system's free security support has ended or ends soon.
    OsEndOfLife,
    /// The product's support ended: no more security fixes.
    EndOfLife,
    /// No configured source offers the package any more.
    NoSource,
    /// A kernel older than the running one and the one before it.
    OldKernel,
    /// Nothing needs it any more (`apt autoremove` would remove it).
    Unneeded,
}

/// Something worth retiring, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Retire {
    /// The package's name (with ":arch" where dpkg writes one), or "os".
    pub id: String,
    pub why: RetireWhy,
    pub version: String,
    /// Why, in plain words.
    pub what: String,
    /// What to do about it.
    pub todo: String,
    /// Whether Shipshape can remove it through the package manager.
    pub removable: bool,
}

/// The inventory from `facts`, with product dates from `snapshot`.
pub fn build(facts: &Facts, snapshot: &Snapshot, source: EolSource, today: NaiveDate) -> Inventory {
    let os = eol::os_release(&facts.os_release);
    // Systems distro-info-data does not cover take the list in use (an
    // imported one too).
    let life = match eol::listed_system(&os.id) {
        Some(product) => eol::listed_os_life(&os, product, snapshot, &source.words),
        None => eol::os_life(&os, facts.distro_info.as_deref(), &facts.distro_info_file),
    };
    let (os_life, os_problem) = match life {
        Ok(l) => (Some(l), None),
        Err(e) => (None, Some(e)),
    };
    let os_name = os_life
        .as_ref()
        .map(|l| l.name.clone())
        .or_else(|| Some(os.pretty.clone()).filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "This operating system".into());
    let os_words = match (&os_life, &os_problem) {
        (Some(l), _) => l.words(today),
        (None, Some(p)) => format!("The end of {os_name}'s support is not known: {p}"),
        (None, None) => String::new(),
    };
    let rpm_list = match facts.manager {
        Manager::Apt => Vec::new(),
        Manager::Rpm => rpm::parse_installed(&facts.installed),
    };
    let mut packages = match facts.manager {
        Manager::Apt => parse_installed(&facts.installed),
        Manager::Rpm => rpm_packages(&rpm_list, facts),
    };
    let family = family_origin(&os.id).unwrap_or("the distribution");
    let apt = facts.manager == Manager::Apt;
    // What to do ends with dnf's command where Shipshape does not remove.
    let todo = |what: String, name: &str| {
        if apt {
            what
        } else {
            format!("{what} With dnf: sudo dnf remove {name}")
        }
    };
    let system_until = os_life
        .as_ref()
        .and_then(|l| l.last_free_day())
        .map(|d| format!(" (until {d})"))
        .unwrap_or_default();
    for p in &mut packages {
        p.life = eol::life_of(snapshot, &source.words, &p.name, &p.version, today).map(|mut l| {
            if facts.from_system.contains(&p.name) {
                l.kept_by = Some(family.to_string());
                if l.ended {
                    l.note = Some(format!(
                        "Its makers stopped supporting {}, but this is {family}'s own package: {family} keeps fixing its security holes for as long as {os_name} is supported{system_until}.",
                        l.product
                    ));
                }
            }
            l
        });
    }
    let mut retire = Vec::new();
    if let Some(life) = &os_life
        && let Some(last) = life.last_free_day()
        && (last - today).num_days() <= eol::WARN_DAYS
    {
        retire.push(Retire {
            id: "os".into(),
            why: RetireWhy::OsEndOfLife,
            version: os.version_id.clone(),
            what: life.words(today),
            todo: format!(
                "Upgrade to the next release of {} (after a backup), or replace the computer's system.",
                os_name.split(' ').next().unwrap_or("the system")
            ),
            removable: false,
        });
    }
    for p in &packages {
        if let Some(life) = p.life.as_ref().filter(|l| l.ended && l.kept_by.is_none()) {
            let when = life
                .ends
                .as_deref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default();
            retire.push(Retire {
                id: p.name.clone(),
                why: RetireWhy::EndOfLife,
                version: p.version.clone(),
                what: format!(
                    "{} reached its end of life{when}: it gets no more security fixes ({}).",
                    life.product, life.source
                ),
                todo: todo(
                    format!(
                        "Move what uses it to a supported release of {}, then remove {}.",
                        life.product
                            .rsplit_once(' ')
                            .map_or(life.product.as_str(), |(l, _)| l),
                        p.name
                    ),
                    &p.name,
                ),
                removable: apt,
            });
        }
    }
    for p in packages.iter().filter(|p| p.no_source) {
        retire.push(Retire {
            id: p.name.clone(),
            why: RetireWhy::NoSource,
            version: p.version.clone(),
            what: format!(
                "No package source of this computer offers {} any more, so it gets no updates.",
                p.name
            ),
            todo: todo("Remove it if nobody uses it; otherwise find where it now comes from (a newer release's name, the vendor's source).".into(), &p.name),
            removable: apt,
        });
    }
    let kernels = match facts.manager {
        Manager::Apt => old_kernels(&packages, &facts.kernel),
        Manager::Rpm => rpm::old_kernels(&rpm_list, &facts.kernel),
    };
    for (name, version) in kernels {
        retire.push(Retire {
            id: name.clone(),
            why: RetireWhy::OldKernel,
            version,
            what: format!(
                "An older kernel, beside the running one ({}) and the one kept before it to fall back to.",
                facts.kernel
            ),
            todo: todo("Remove it to free space in /boot.".into(), &name),
            removable: apt,
        });
    }
    for (name, version) in facts
        .autoremove
        .as_deref()
        .map(|text| match facts.manager {
            Manager::Apt => removals(text),
            Manager::Rpm => rpm::parse_pairs(text),
        })
        .unwrap_or_default()
    {
        retire.push(Retire {
            id: name.clone(),
            why: RetireWhy::Unneeded,
            version,
            what: format!("Nothing installed needs {name} any more."),
            todo: if apt {
                "Remove it (apt autoremove would).".into()
            } else {
                "Remove it: sudo dnf autoremove removes every package nothing needs.".into()
            },
            removable: apt,
        });
    }
    // Each package once, for its weightiest reason.
    let mut seen = std::collections::HashSet::new();
    retire.sort_by_key(|r| r.why);
    retire.retain(|r| seen.insert(r.id.clone()));
    Inventory {
        os_level: os_life
            .as_ref()
            .map_or(SupportLevel::Unknown, |l| l.level(today)),
        os_name,
        os_life,
        os_problem,
        os_words,
        kernel: facts.kernel.clone(),
        manager: facts.manager,
        packages,
        programs: facts.programs.clone(),
        eol_source: source,
        retire,
        problems: facts.problems.clone(),
    }
}

/// Reads this computer (or the system at `root`) as `build` needs it:
/// os-release and distro-info-data from the files, the packages from apt.
/// What cannot be read is said in `problems`, and the rest still read.
pub fn gather(root: &Path, apt: &Apt, programs: Vec<Program>, snapshot: &Snapshot) -> Facts {
    let host = Host::at(root);
    let mut problems = Vec::new();
    let os_release = host
        .read("etc/os-release")
        .or_else(|_| host.read("usr/lib/os-release"))
        .unwrap_or_default();
    let id = eol::os_release(&os_release).id;
    let rel = format!("usr/share/distro-info/{id}.csv");
    let distro_info = host.read(&rel).ok();
    let kernel = host
        .read("proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_string())
        .unwrap_or_default();
    if let Some(rpm) = Rpm::of(root) {
        return Facts {
            distro_info_file: format!("/{rel}"),
            distro_info,
            kernel,
            programs,
            ..gather_rpm(&rpm, &id, os_release, snapshot)
        };
    }
    let installed = apt.list_installed().unwrap_or_else(|e| {
        problems.push(format!(
            "The installed packages could not be listed: {} {}",
            e.message, e.hint
        ));
        String::new()
    });
    let autoremove = apt
        .simulate_autoremove()
        .map_err(|e| {
            problems.push(format!(
                "What apt autoremove would remove could not be asked: {} {}",
                e.message, e.hint
            ))
        })
        .ok();
    let family = family_origin(&id);
    // Only the few packages a product names are asked about.
    let listed: Vec<String> = parse_installed(&installed)
        .into_iter()
        .filter(|p| eol::product_of(snapshot, &p.name).is_some())
        .map(|p| p.name)
        .collect();
    let from_system = match (family, listed.is_empty()) {
        (Some(family), false) => match (apt.sources(), apt.policies(&listed)) {
            (Ok(all), Ok(policies)) => installed_from(&policies, &sources_of(&all, family)),
            (Err(e), _) | (_, Err(e)) => {
                problems.push(format!(
                    "Where the packages come from could not be asked: {} {}",
                    e.message, e.hint
                ));
                BTreeSet::new()
            }
        },
        _ => BTreeSet::new(),
    };
    Facts {
        from_system,
        os_release,
        distro_info,
        distro_info_file: format!("/{rel}"),
        installed,
        autoremove,
        kernel,
        programs,
        problems,
        ..Facts::default()
    }
}

/// The rpm side of `gather`: rpm's list, and dnf's answers where dnf can
/// be asked. The distribution's own packages are those its vendor built.
fn gather_rpm(rpm: &Rpm, os_id: &str, os_release: String, snapshot: &Snapshot) -> Facts {
    let mut problems = Vec::new();
    let installed = rpm.installed().unwrap_or_else(|e| {
        problems.push(format!(
            "The installed packages could not be listed: {} {}",
            e.message, e.hint
        ));
        String::new()
    });
    let mut ask = |which: &str, what: &str| match rpm.dnf_query(which) {
        Some(Ok(text)) => Some(text),
        Some(Err(e)) => {
            problems.push(format!(
                "{what} could not be asked of dnf: {} {}",
                e.message, e.hint
            ));
            None
        }
        None => None,
    };
    let extras = ask("--extras", "Which packages no source offers");
    let upgrades = ask("--upgrades", "Which packages have updates");
    let autoremove = ask("--unneeded", "Which packages nothing needs");
    if extras.is_none() && upgrades.is_none() && autoremove.is_none() && problems.is_empty() {
        problems.push(
            "dnf could not be asked, so which packages no source offers, which have updates and which nothing needs are not shown.".into(),
        );
    }
    let from_system = match rpm::vendor_of(os_id) {
        Some((vendor, _)) => rpm::parse_installed(&installed)
            .into_iter()
            .filter(|p| p.vendor == vendor && eol::product_of(snapshot, &p.name).is_some())
            .map(|p| p.name)
            .collect(),
        None => BTreeSet::new(),
    };
    Facts {
        manager: Manager::Rpm,
        os_release,
        installed,
        autoremove,
        extras,
        upgrades,
        from_system,
        problems,
        ..Facts::default()
    }
}

/// rpm's packages as the inventory shows them, with dnf's answers.
fn rpm_packages(list: &[rpm::Installed], facts: &Facts) -> Vec<Package> {
    let extras = facts.extras.as_deref().map(rpm::names).unwrap_or_default();
    let upgrades = facts
        .upgrades
        .as_deref()
        .map(rpm::upgrades)
        .unwrap_or_default();
    list.iter()
        .map(|p| Package {
            name: p.name.clone(),
            version: p.version.clone(),
            arch: p.arch.clone(),
            no_source: extras.contains(&p.name),
            automatic: false,
            upgradable_to: upgrades.get(&p.name).cloned(),
            life: None,
        })
        .collect()
}

/// The distribution whose own packages the system carries: for Debian and
/// Ubuntu the origin of their sources' Release files, for the rpm family
/// the distribution whose vendor built them.
fn family_origin(os_id: &str) -> Option<&'static str> {
    match os_id {
        "debian" => Some("Debian"),
        "ubuntu" => Some("Ubuntu"),
        other => rpm::vendor_of(other).map(|(_, family)| family),
    }
}

/// The package files (" URI SUITE/COMPONENT ARCH Packages") whose release
/// has origin `family`, from `apt-cache policy` alone.
pub fn sources_of(policy: &str, family: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut file: Option<String> = None;
    for line in policy.lines() {
        let t = line.trim();
        if let Some(fields) = t.strip_prefix("release ") {
            if let Some(f) = &file
                && fields.split(',').any(|kv| kv == format!("o={family}"))
            {
                out.insert(f.clone());
            }
            continue;
        }
        file = t
            .split_once(' ')
            .filter(|(prio, rest)| prio.parse::<i32>().is_ok() && rest.contains(' '))
            .map(|(_, rest)| rest.to_string());
    }
    out
}

/// The packages of `apt-cache policy NAMES` whose installed version, or
/// the version that would replace it (an update not yet installed), one
/// of `sources` offers.
pub fn installed_from(policies: &str, sources: &HashSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut name = String::new();
    let mut candidate = String::new();
    let mut counts = false;
    for line in policies.lines() {
        if !line.starts_with(' ') {
            name = line.trim_end_matches(':').to_string();
            counts = false;
            continue;
        }
        let t = line.trim();
        if let Some(c) = t.strip_prefix("Candidate:") {
            candidate = c.trim().to_string();
            continue;
        }
        let t = t.strip_prefix("*** ").unwrap_or(t);
        let mut f = t.splitn(2, ' ');
        let (first, rest) = (f.next().unwrap_or(""), f.next().unwrap_or(""));
        let is_source =
            first.parse::<i32>().is_ok() && (rest.contains("://") || rest.starts_with('/'));
        if !is_source {
            // A version of the table begins: the installed one or the candidate counts.
            counts = line.starts_with(" *** ") || (!candidate.is_empty() && first == candidate);
            continue;
        }
        if counts && sources.contains(rest) {
            out.insert(name.clone());
        }
    }
    out
}

/// Reads `apt list --installed`: "name/suites version arch [flags]".
pub fn parse_installed(text: &str) -> Vec<Package> {
    let mut by_name: BTreeMap<String, Vec<Package>> = BTreeMap::new();
    for line in text.lines() {
        let Some((head, flags)) = line.split_once(" [") else {
            continue;
        };
        let mut f = head.split_whitespace();
        let (Some(name_suites), Some(version), Some(arch)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let Some((name, _suites)) = name_suites.split_once('/') else {
            continue;
        };
        let flags: Vec<&str> = flags
            .trim_end_matches(']')
            .split(',')
            .map(str::trim)
            .collect();
        if !flags.contains(&"installed") && !flags.contains(&"automatic") {
            continue;
        }
        by_name.entry(name.to_string()).or_default().push(Package {
            name: name.to_string(),
            version: version.to_string(),
            arch: arch.to_string(),
            no_source: flags.contains(&"local"),
            automatic: flags.contains(&"automatic"),
            upgradable_to: flags
                .iter()
                .find_map(|f| f.strip_prefix("upgradable to: "))
                .map(str::to_string),
            life: None,
        });
    }
    // A package installed for two architectures is named with ":arch"
    // for the one that is not all or the first, as dpkg does.
    by_name
        .into_values()
        .flat_map(|mut same| {
            if same.len() > 1 {
                for p in same.iter_mut().skip(1) {
                    p.name = format!("{}:{}", p.name, p.arch);
                }
            }
            same
        })
        .collect()
}

/// "Remv NAME [VERSION]" lines of an apt simulation.
pub fn removals(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("Remv ")?;
            let (name, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            let version = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|(v, _)| v.to_string())
                .unwrap_or_default();
            Some((name.to_string(), version))
        })
        .collect()
}

/// Kernel packages ("linux-image-" and a release) beyond the running one
/// and the newest other, oldest first.
fn old_kernels(packages: &[Package], running: &str) -> Vec<(String, String)> {
    let mut kernels: Vec<&Package> = packages
        .iter()
        .filter(|p| {
            p.name
                .strip_prefix("linux-image-")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .filter(|p| p.name != format!("linux-image-{running}"))
        .collect();
    kernels.sort_by(|a, b| deb_version::compare(&b.version, &a.version));
    kernels
        .into_iter()
        .skip(1)
        .rev()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALLED: &str = "Listing...
bash/stable,now 5.2.15-2+b7 amd64 [installed]
python3.11/stable,now 3.11.2-6+deb12u4 amd64 [installed,automatic]
python3.7/now 3.7.3-2+deb10u7 amd64 [installed,local]
perl/stable,now 5.36.0-7+deb12u1 amd64 [installed]
libc6/stable,now 2.36-9+deb12u9 amd64 [installed]
libc6/stable,now 2.36-9+deb12u9 i386 [installed]
linux-image-6.1.0-25-amd64/now 6.1.106-3 amd64 [installed,local]
linux-image-6.1.0-26-amd64/stable,now 6.1.112-1 amd64 [installed,automatic]
linux-image-6.1.0-27-amd64/stable,now 6.1.115-1 amd64 [installed,automatic]
linux-image-6.1.0-28-amd64/stable,now 6.1.119-1 amd64 [installed,automatic]
linux-image-amd64/stable,now 6.1.119-1 amd64 [installed]
appstream/now 0.16.1-2 amd64 [installed,upgradable to: 0.16.1-2+b1]
broken line without brackets
odd/x 1.0 [installed]
";
    const AUTOREMOVE: &str = "NOTE: This is only a simulation!
Reading package lists...
Remv linux-image-6.1.0-26-amd64 [6.1.112-1]
Remv libfoo1 [1.0-1]
";
    const DISTRO: &str = "version,codename,series,created,release,eol,eol-lts,eol-elts
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30
";
    const SNAPSHOT: &str = r#"{"format":1,"snapshot":"2026-11-01","source":"x","products":[
      {"id":"python","label":"Python","link":"https://endoflife.date/python","packages":["python3.11","python3.7"],"cycle_from":"major.minor",
       "cycles":[{"cycle":"3.11","eol":"2027-10-31"},{"cycle":"3.7","eol":"2023-06-27"}]},
      {"id":"perl","label":"Perl","link":"https://endoflife.date/perl","packages":["perl"],"cycle_from":"major.minor",
       "cycles":[{"cycle":"5.36","eol":"2025-05-27"}]}]}"#;
    const SOURCES: &str = "Package files:
 100 /var/lib/dpkg/status
     release a=now
 500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
     release v=12,o=Debian,a=oldstable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64
     origin deb.debian.org
 500 https://deb.nodesource.com/node_20.x nodistro/main amd64 Packages
     release o=Node Source,a=nodistro,n=nodistro,l=Node Source,c=main,b=amd64
     origin deb.nodesource.com
Pinned packages:
";
    const POLICIES: &str = "perl:
  Installed: 5.36.0-7+deb12u4
  Candidate: 5.36.0-7+deb12u4
  Version table:
 *** 5.36.0-7+deb12u4 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
        100 /var/lib/dpkg/status
nodejs:
  Installed: 20.20.2-1nodesource1
  Candidate: 20.20.2-1nodesource1
  Version table:
 *** 20.20.2-1nodesource1 500
        500 https://deb.nodesource.com/node_20.x nodistro/main amd64 Packages
        100 /var/lib/dpkg/status
     18.20.4+dfsg-1~deb12u3 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
";

    fn facts() -> Facts {
        Facts {
            os_release: "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n".into(),
            distro_info: Some(DISTRO.into()),
            distro_info_file: "/usr/share/distro-info/debian.csv".into(),
            installed: INSTALLED.into(),
            autoremove: Some(AUTOREMOVE.into()),
            kernel: "6.1.0-27-amd64".into(),
            programs: Vec::new(),
            from_system: BTreeSet::from(["perl".to_string()]),
            ..Facts::default()
        }
    }

    fn source() -> EolSource {
        EolSource {
            words: "endoflife.date, snapshot of 2026-11-01".into(),
            snapshot: "2026-11-01".into(),
            imported: false,
            problem: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).expect("present")
    }

    #[test]
    fn an_rpm_system_is_listed_and_its_removals_left_to_dnf() {
        const RPM: &str =
            "nodejs\t1\t16.20.2-8.el9_4\tx86_64\t1700000100\tRocky Enterprise Software Foundation
httpd\t0\t2.2.34-1\tx86_64\t1700000100\tExample Corp
old-tool\t0\t1.0-1\tnoarch\t1700000000\t(none)
kernel-core\t0\t5.14.0-1.el9\tx86_64\t1700000000\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-2.el9\tx86_64\t1700000200\tRocky Enterprise Software Foundation
kernel-core\t0\t5.14.0-3.el9\tx86_64\t1700000300\tRocky Enterprise Software Foundation
";
        let (snapshot, source) = eol::shipped();
        let facts = Facts {
            manager: Manager::Rpm,
            os_release: "ID=\"rocky\"\nVERSION_ID=\"9.4\"\n".into(),
            installed: RPM.into(),
            kernel: "5.14.0-3.el9.x86_64".into(),
            extras: Some("old-tool|1.0-1\n".into()),
            upgrades: Some("nodejs|1:16.20.2-9.el9_5\n".into()),
            autoremove: Some("old-tool|1.0-1\n".into()),
            from_system: ["nodejs".to_string()].into(),
            ..Facts::default()
        };
        let inv = build(&facts, &snapshot, source, today());
        assert_eq!(inv.manager, Manager::Rpm);
        assert_eq!(inv.os_name, "Rocky Linux 9");
        assert_eq!(inv.os_level, SupportLevel::Supported);
        let node = inv
            .packages
            .iter()
            .find(|p| p.name == "nodejs")
            .expect("listed");
        assert_eq!(node.version, "1:16.20.2-8.el9_4");
        assert_eq!(node.upgradable_to.as_deref(), Some("1:16.20.2-9.el9_5"));
        let life = node.life.as_ref().expect("Node.js is on the list");
        assert_eq!(life.kept_by.as_deref(), Some("Rocky Linux"));
        let why: Vec<(&str, RetireWhy)> =
            inv.retire.iter().map(|r| (r.id.as_str(), r.why)).collect();
        assert_eq!(
            why,
            vec![
                ("httpd", RetireWhy::EndOfLife),
                ("old-tool", RetireWhy::NoSource),
                ("kernel-core-5.14.0-1.el9", RetireWhy::OldKernel),
            ]
        );
        assert!(inv.retire.iter().all(|r| !r.removable));
        let httpd = &inv.retire[0];
        assert!(
            httpd.todo.ends_with("With dnf: sudo dnf remove httpd"),
            "{}",
            httpd.todo
        );
    }

    #[test]
    fn lists_packages_with_their_flags() {
        let p = parse_installed(INSTALLED);
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert!(
            names.contains(&"libc6") && names.contains(&"libc6:i386"),
            "{names:?}"
        );
        // A line without an architecture is not a package apt lists.
        assert!(!names.contains(&"odd"), "{names:?}");
        let old = p.iter().find(|p| p.name == "python3.7").expect("present");
        assert!(old.no_source && !old.automatic);
        let app = p.iter().find(|p| p.name == "appstream").expect("present");
        assert_eq!(app.upgradable_to.as_deref(), Some("0.16.1-2+b1"));
        assert!(!names.contains(&"broken"));
    }

    #[test]
    fn the_retire_list_gives_each_package_once_for_its_weightiest_reason() {
        let s = eol::parse(SNAPSHOT).expect("present");
        let inv = build(&facts(), &s, source(), today());
        assert_eq!(inv.os_name, "Debian 12 (Bookworm)");
        assert!(inv.os_words.contains("Debian LTS"), "{}", inv.os_words);
        let why = |id: &str| inv.retire.iter().find(|r| r.id == id).map(|r| r.why);
        assert_eq!(why("python3.7"), Some(RetireWhy::EndOfLife));
        assert_eq!(why("linux-image-6.1.0-25-amd64"), Some(RetireWhy::NoSource));
        assert_eq!(
            why("linux-image-6.1.0-26-amd64"),
            Some(RetireWhy::OldKernel)
        );
        assert_eq!(why("libfoo1"), Some(RetireWhy::Unneeded));
        // The running kernel and the newest other one stay.
        assert_eq!(why("linux-image-6.1.0-27-amd64"), None);
        assert_eq!(why("linux-image-6.1.0-28-amd64"), None);
        assert_eq!(why("linux-image-amd64"), None);
        assert_eq!(why("python3.11"), None);
        // LTS runs to 2028: the system is not yet on the list.
        assert_eq!(why("os"), None);
        let ids: Vec<&str> = inv.retire.iter().map(|r| r.id.as_str()).collect();
        let unique: std::collections::HashSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        let py = inv
            .packages
            .iter()
            .find(|p| p.name == "python3.11")
            .expect("present");
        assert_eq!(
            py.life.as_ref().expect("present").ends.as_deref(),
            Some("2027-10-31")
        );
    }

    #[test]
    fn a_system_near_its_end_is_the_first_thing_to_retire() {
        let s = eol::parse(SNAPSHOT).expect("present");
        let late = NaiveDate::from_ymd_opt(2028, 3, 1).expect("present");
        let inv = build(&facts(), &s, source(), late);
        let first = &inv.retire[0];
        assert_eq!(
            (first.id.as_str(), first.why, first.removable),
            ("os", RetireWhy::OsEndOfLife, false)
        );
        assert!(
            first.todo.contains("Upgrade to the next release of Debian"),
            "{}",
            first.todo
        );
    }

    #[test]
    fn a_missing_distro_info_is_said_not_hidden() {
        let s = eol::parse(SNAPSHOT).expect("present");
        let mut f = facts();
        f.distro_info = None;
        f.os_release
            .push_str("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        let inv = build(&f, &s, source(), today());
        assert_eq!(inv.os_name, "Debian GNU/Linux 12 (bookworm)");
        assert!(
            inv.os_words.contains("distro-info-data"),
            "{}",
            inv.os_words
        );
    }

    #[test]
    fn the_distributions_own_packages_are_kept_past_their_makers_end() {
        let system = sources_of(SOURCES, "Debian");
        assert_eq!(system.len(), 1, "{system:?}");
        let from = installed_from(POLICIES, &system);
        let newer = "openssl:
  Installed: 3.0.19-1~deb12u2
  Candidate: 3.0.22-1~deb12u2
  Version table:
     3.0.22-1~deb12u2 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 3.0.19-1~deb12u2 100
        100 /var/lib/dpkg/status
";
        assert_eq!(
            installed_from(newer, &system),
            BTreeSet::from(["openssl".to_string()])
        );
        // nodejs's Debian version is in the table, but not the one installed.
        assert_eq!(from, BTreeSet::from(["perl".to_string()]));
        let s = eol::parse(SNAPSHOT).expect("present");
        let inv = build(&facts(), &s, source(), today());
        assert!(!inv.retire.iter().any(|r| r.id == "perl"));
        let perl = inv
            .packages
            .iter()
            .find(|p| p.name == "perl")
            .expect("present");
        let life = perl.life.as_ref().expect("present");
        assert_eq!(life.kept_by.as_deref(), Some("Debian"));
        let note = life.note.as_deref().expect("present");
        assert!(
            note.contains("Debian keeps fixing") && note.contains("until 2028-06-30"),
            "{note}"
        );
    }

    #[test]
    fn reads_removals() {
        assert_eq!(
            removals(AUTOREMOVE),
            vec![
                (
                    "linux-image-6.1.0-26-amd64".to_string(),
                    "6.1.112-1".to_string()
                ),
                ("libfoo1".to_string(), "1.0-1".to_string())
            ]
        );
    }
}
