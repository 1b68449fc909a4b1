//! End-of-life dates: the operating system's from distro-info-data (the
//! CSV files Debian and Ubuntu ship in /usr/share/distro-info), other
//! products' from a snapshot of endoflife.date's data shipped with
//! Shipshape, or a newer one the administrator imported. Every date says
//! where it came from.

use super::deb_version;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The snapshot shipped with Shipshape (refreshed by
/// tools/endoflife-snapshot.py; endoflife.date's MIT licence beside it).
const SHIPPED: &str = include_str!("../../data/endoflife.json");

/// How long before the end a date is worth a warning.
pub const WARN_DAYS: i64 = 180;

/// The operating system's support, from distro-info-data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OsLife {
    /// "Debian 12 (Bookworm)".
    pub name: String,
    /// When its regular security support ends (or ended); `None` when no
    /// date is announced yet.
    pub ends: Option<String>,
    /// Free longer support after that, where there is one: "Debian LTS"
    /// and its end.
    pub longer: Option<Support>,
    /// Paid support after that: "Freexian ELTS", "Ubuntu Pro (ESM)".
    pub paid: Option<Support>,
    /// "distro-info-data, /usr/share/distro-info/debian.csv".
    pub source: String,
    /// The file's line for this release, as evidence.
    pub line: String,
}

/// How the system's support stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SupportLevel {
    Supported,
    /// Free support ends within `WARN_DAYS`, or only longer support is left.
    Ending,
    Ended,
    /// No dates are known for this system.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "SupportPeriod")]
pub struct Support {
    pub name: String,
    pub ends: String,
}

impl OsLife {
    /// The last day of free security support: the longer support's end,
    /// else the regular one's.
    pub fn last_free_day(&self) -> Option<NaiveDate> {
        self.longer
            .as_ref()
            .map(|s| s.ends.as_str())
            .or(self.ends.as_deref())
            .and_then(date)
    }

    /// How the support stands on `today`.
    pub fn level(&self, today: NaiveDate) -> SupportLevel {
        let Some(last) = self.last_free_day() else {
            return SupportLevel::Supported;
        };
        let regular_over = self
            .ends
            .as_deref()
            .and_then(date)
            .is_some_and(|d| d < today);
        if last < today {
            SupportLevel::Ended
        } else if (last - today).num_days() <= WARN_DAYS || regular_over {
            SupportLevel::Ending
        } else {
            SupportLevel::Supported
        }
    }

    /// The verdict in plain words, counted from `today`.
    pub fn words(&self, today: NaiveDate) -> String {
        let Some(regular) = self.ends.as_deref().and_then(date) else {
            return format!("{} has no end of support announced yet.", self.name);
        };
        let mut said = if regular < today {
            format!(
                "{}'s regular security support ended on {regular}.",
                self.name
            )
        } else {
            format!(
                "{}'s regular security support ends on {regular}, in {}.",
                self.name,
                days((regular - today).num_days())
            )
        };
        if let Some(longer) = &self.longer
            && let Some(end) = date(&longer.ends)
        {
            said.push_str(&if end < today {
                format!(" {} ended too, on {end}.", longer.name)
            } else if regular < today {
                format!(
                    " {} gives security updates for most packages until {end}, in {}.",
                    longer.name,
                    days((end - today).num_days())
                )
            } else {
                format!(" {} follows, until {end}.", longer.name)
            });
        }
        if let Some(paid) = &self.paid
            && self.last_free_day().is_some_and(|d| d < today)
        {
            said.push_str(&format!(
                " Paid support ({}) runs until {}.",
                paid.name, paid.ends
            ));
        }
        said
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// What os-release says: `ID`, `VERSION_ID` and `VERSION_CODENAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsRelease {
    pub id: String,
    pub version_id: String,
    pub codename: String,
    pub pretty: String,
}

pub fn os_release(text: &str) -> OsRelease {
    let mut os = OsRelease::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        match key.trim() {
            "ID" => os.id = value,
            "VERSION_ID" => os.version_id = value,
            "VERSION_CODENAME" => os.codename = value,
            "PRETTY_NAME" => os.pretty = value,
            _ => {}
        }
    }
    os
}

/// The support of the system `os` describes, from distro-info-data's CSV
/// for its family (`csv`, the file's text; `file`, where it was read).
/// `Err` says in plain words why it cannot be known.
/// Systems of the RHEL family and Fedora have no distro-info-data: their
/// dates come from the end-of-life list shipped with Shipshape instead.
pub fn os_life(os: &OsRelease, csv: Option<&str>, file: &str) -> Result<OsLife, String> {
    if let Some(product) = listed_system(&os.id) {
        let (list, source) = shipped();
        return listed_os_life(os, product, &list, &source.words);
    }
    let family = match os.id.as_str() {
        "debian" => "Debian",
        "ubuntu" => "Ubuntu",
        "" => return Err("/etc/os-release does not name the operating system.".into()),
        other => {
            return Err(format!(
                "Shipshape knows the support dates of Debian, Ubuntu, Fedora, Red Hat Enterprise Linux, AlmaLinux and Rocky Linux, not of \"{other}\"."
            ));
        }
    };
    let Some(csv) = csv else {
        return Err(format!(
            "{file} is missing, so the end of {family}'s support is not known here. Install the package distro-info-data."
        ));
    };
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| format!("{file} is empty."))?
        .split(',')
        .map(str::trim)
        .collect();
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (Some(version), Some(codename), Some(series), Some(eol)) = (
        column("version"),
        column("codename"),
        column("series"),
        column("eol"),
    ) else {
        return Err(format!(
            "{file} does not have the columns version, codename, series and eol: it is damaged. Reinstall distro-info-data."
        ));
    };
    let row = lines.map(|l| l.split(',').collect::<Vec<_>>()).find(|f| {
        let cell = |i: usize| f.get(i).map(|s| s.trim()).unwrap_or("");
        // Ubuntu's VERSION_ID is "22.04" while the CSV says "22.04 LTS".
        let v = cell(version);
        let same_version = !os.version_id.is_empty()
            && (v == os.version_id || v.split_whitespace().next() == Some(&os.version_id));
        same_version || (!os.codename.is_empty() && cell(series) == os.codename)
    });
    let Some(row) = row else {
        return Err(format!(
            "{file} does not list {} (version \"{}\", codename \"{}\"): distro-info-data is older than this system. Update it.",
            family, os.version_id, os.codename
        ));
    };
    let cell = |i: Option<usize>| {
        i.and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| date(s).is_some())
    };
    let version_text = row.get(version).map(|s| s.trim()).unwrap_or("");
    let name = if version_text.is_empty() {
        format!(
            "{family} {}",
            row.get(codename).map(|s| s.trim()).unwrap_or("")
        )
    } else {
        format!(
            "{family} {version_text} ({})",
            row.get(codename).map(|s| s.trim()).unwrap_or("")
        )
    };
    let (longer, paid) = if family == "Debian" {
        (
            cell(column("eol-lts")).map(|ends| Support {
                name: "Debian LTS".into(),
                ends,
            }),
            cell(column("eol-elts")).map(|ends| Support {
                name: "Freexian ELTS".into(),
                ends,
            }),
        )
    } else {
        (
            None,
            cell(column("eol-esm")).map(|ends| Support {
                name: "Ubuntu Pro (ESM)".into(),
                ends,
            }),
        )
    };
    // Ubuntu's LTS servers were once supported longer than desktops.
    let ends = cell(column("eol-server"))
        .filter(|_| family == "Ubuntu")
        .or_else(|| cell(Some(eol)));
    Ok(OsLife {
        name,
        ends,
        longer,
        paid,
        source: format!("distro-info-data, {file}"),
        line: row.join(","),
    })
}

/// The end-of-life list's product for a system distro-info-data does not
/// cover, by its os-release ID.
pub fn listed_system(id: &str) -> Option<&'static str> {
    match id {
        "fedora" => Some("fedora"),
        "rhel" => Some("rhel"),
        "almalinux" => Some("almalinux"),
        "rocky" => Some("rocky-linux"),
        _ => None,
    }
}

/// The support of `os` from product `product` of `list`: the cycle is the
/// major VERSION_ID ("9.4" is RHEL 9), its end the end of security
/// updates. There is no free longer support after it.
pub fn listed_os_life(
    os: &OsRelease,
    product: &str,
    list: &Snapshot,
    source: &str,
) -> Result<OsLife, String> {
    let Some(p) = list.products.iter().find(|p| p.id == product) else {
        return Err(format!(
            "The end-of-life list in use ({source}) has no dates for {product}. Import a list made by this Shipshape's tools/endoflife-snapshot.py."
        ));
    };
    let major = os.version_id.split('.').next().unwrap_or("");
    if major.is_empty() {
        return Err(format!(
            "/etc/os-release does not give {}'s version (VERSION_ID).",
            p.label
        ));
    }
    let Some(c) = p.cycles.iter().find(|c| c.cycle == major) else {
        return Err(format!(
            "The end-of-life list ({source}) does not know {} {major}: it is older than this system. Import a newer list.",
            p.label
        ));
    };
    let ends = match &c.eol {
        Eol::Date(d) => Some(d.clone()),
        // Ended on a day the list does not give: by the list's own date.
        Eol::Flag(true) => Some(list.snapshot.clone()),
        Eol::Flag(false) | Eol::Unknown => None,
    };
    Ok(OsLife {
        name: format!("{} {major}", p.label),
        line: format!(
            "{} {}: security updates until {}",
            p.label,
            c.cycle,
            ends.as_deref().unwrap_or("(no end announced)")
        ),
        ends,
        longer: None,
        paid: None,
        source: format!("{source}, {}", p.link),
    })
}

/// A snapshot of endoflife.date's data, as tools/endoflife-snapshot.py
/// writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Snapshot {
    pub format: u32,
    /// The date of the data, "YYYY-MM-DD".
    pub snapshot: String,
    pub products: Vec<Product>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: String,
    pub label: String,
    pub link: String,
    /// Package names; one `*` stands for one or more characters.
    pub packages: Vec<String>,
    pub cycle_from: CycleFrom,
    pub cycles: Vec<Cycle>,
}

/// How an installed package names its product's release cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleFrom {
    /// What the `*` matched in the package name ("3.11" of python3.11).
    Name,
    /// The version's first number ("18" of nodejs 18.19.0).
    Major,
    /// Its first two ("1.22" of nginx 1.22.1).
    #[serde(rename = "major.minor")]
    MajorMinor,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cycle {
    pub cycle: String,
    #[serde(default)]
    pub eol: Eol,
    #[serde(default)]
    pub latest: Option<String>,
}

/// A cycle's end: a date, ended with no date known, or none announced.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(untagged)]
pub enum Eol {
    Date(String),
    Flag(bool),
    #[default]
    Unknown,
}

/// Where the product dates come from: the shipped snapshot, or one the
/// administrator imported, and any trouble with the imported one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EolSource {
    /// "endoflife.date, snapshot of 2026-12-01 (shipped with Shipshape)".
    pub words: String,
    pub snapshot: String,
    pub imported: bool,
    /// An imported file that could not be used, and why.
    pub problem: Option<String>,
}

/// The snapshot to use: an imported one at `imported` when it can be read
/// and is newer than the shipped one, else the shipped one (with the
/// imported file's trouble said).
pub fn snapshot(imported: &Path) -> (Snapshot, EolSource) {
    let (shipped, source) = shipped();
    let shipped_source = |problem: Option<String>| EolSource {
        problem,
        ..source.clone()
    };
    let text = match std::fs::read_to_string(imported) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let source = shipped_source(None);
            return (shipped, source);
        }
        Err(e) => {
            let source = shipped_source(Some(format!(
                "The imported list at {} could not be read ({e}); the shipped one is used.",
                imported.display()
            )));
            return (shipped, source);
        }
    };
    match parse(&text) {
        Ok(s) if s.snapshot > shipped.snapshot => {
            let source = EolSource {
                words: format!("endoflife.date, snapshot of {} (imported)", s.snapshot),
                snapshot: s.snapshot.clone(),
                imported: true,
                problem: None,
            };
            (s, source)
        }
        Ok(s) => {
            let source = shipped_source(Some(format!(
                "The imported list ({}) is not newer than the shipped one, so the shipped one is used.",
                s.snapshot
            )));
            (shipped, source)
        }
        Err(e) => {
            let source = shipped_source(Some(format!(
                "The imported list at {} is damaged ({e}); the shipped one is used.",
                imported.display()
            )));
            (shipped, source)
        }
    }
}

/// The snapshot shipped with Shipshape, which root uses: an imported one
/// is the user's file.
pub fn shipped() -> (Snapshot, EolSource) {
    let shipped = parse(SHIPPED).expect("the shipped end-of-life snapshot is valid");
    let source = EolSource {
        words: format!(
            "endoflife.date, snapshot of {} (shipped with Shipshape)",
            shipped.snapshot
        ),
        snapshot: shipped.snapshot.clone(),
        imported: false,
        problem: None,
    };
    (shipped, source)
}

/// Reads and checks a snapshot; `Err` says what is wrong with it.
pub fn parse(text: &str) -> Result<Snapshot, String> {
    let s: Snapshot = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if s.format != 1 {
        return Err(format!(
            "it is in format {}, and this Shipshape reads format 1",
            s.format
        ));
    }
    if date(&s.snapshot).is_none() {
        return Err(format!(
            "its date \"{}\" is not a date (YYYY-MM-DD)",
            s.snapshot
        ));
    }
    for p in &s.products {
        if p.packages.iter().any(|n| n.matches('*').count() > 1) {
            return Err(format!("product {} has a name with two \"*\"", p.id));
        }
        for c in &p.cycles {
            if let Eol::Date(d) = &c.eol
                && date(d).is_none()
            {
                return Err(format!(
                    "product {} cycle {} ends on \"{d}\", which is not a date",
                    p.id, c.cycle
                ));
            }
        }
    }
    Ok(s)
}

/// The product of `s` that names package `name` ("name:arch" taken as
/// `name`), and what its `*` matched.
pub fn product_of<'a>(s: &'a Snapshot, name: &str) -> Option<(&'a Product, String)> {
    let name = name.split(':').next().unwrap_or(name);
    s.products.iter().find_map(|p| {
        p.packages
            .iter()
            .find_map(|pattern| star(pattern, name))
            .map(|matched| (p, matched))
    })
}

/// A product's life as it applies to one installed package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Life {
    /// "Python 3.11".
    pub product: String,
    pub cycle: String,
    /// The end of support, "YYYY-MM-DD"; `None` when none is announced
    /// or (with `ended`) when the date is not known.
    pub ends: Option<String>,
    pub ended: bool,
    pub link: String,
    /// "endoflife.date, snapshot of 2026-12-01".
    pub source: String,
    /// Something the reader should know: the installed version is newer
    /// than the snapshot knows, so its date may be out of date.
    pub note: Option<String>,
    /// The distribution whose own package this is ("Debian"): it keeps
    /// fixing it for as long as the system is supported, whatever the
    /// product's own end, so its end is not the one above.
    #[serde(default)]
    pub kept_by: Option<String>,
}

/// The life of package `name` at `version`, when a product of `s` names
/// it; `today` decides whether a dated end has passed.
pub fn life_of(
    s: &Snapshot,
    source: &str,
    name: &str,
    version: &str,
    today: NaiveDate,
) -> Option<Life> {
    let (p, matched) = product_of(s, name)?;
    // A product may name its cycles by one, two or three numbers, and
    // change its habit over time (Docker Engine 26.1, then 27): the
    // usual way first, then the others.
    let tries: Vec<String> = match p.cycle_from {
        CycleFrom::Name => vec![matched],
        CycleFrom::Major => [1, 2, 3]
            .iter()
            .filter_map(|n| numbers(version, *n))
            .collect(),
        CycleFrom::MajorMinor => [2, 1, 3]
            .iter()
            .filter_map(|n| numbers(version, *n))
            .collect(),
    };
    let cycle = tries.first()?.clone();
    let found = tries
        .iter()
        .find_map(|t| p.cycles.iter().find(|c| &c.cycle == t));
    let label = format!(
        "{} {}",
        p.label,
        found.map_or(cycle.as_str(), |c| c.cycle.as_str())
    );
    let Some(c) = found else {
        return Some(Life {
            product: label,
            cycle: cycle.clone(),
            ends: None,
            ended: false,
            link: p.link.clone(),
            source: source.to_string(),
            note: Some(format!(
                "The end-of-life list does not know {} {cycle}: it is older than this software. Import a newer list.",
                p.label
            )),
            kept_by: None,
        });
    };
    let upstream = version
        .split_once(':')
        .map_or(version, |(_, v)| v)
        .split(['-', '+', '~'])
        .next()
        .unwrap_or("");
    let note = c
            .latest
            .as_deref()
            .filter(|latest| deb_version::compare(upstream, latest).is_gt())
            .map(|latest| {
                format!(
                    "The installed {upstream} is newer than the list's latest {latest}: the list is older than this software."
                )
            });
    let (ends, ended) = match &c.eol {
        Eol::Date(d) => (Some(d.clone()), date(d).is_some_and(|d| d < today)),
        Eol::Flag(ended) => (None, *ended),
        Eol::Unknown => (None, false),
    };
    Some(Life {
        product: label,
        cycle: c.cycle.clone(),
        ends,
        ended,
        link: p.link.clone(),
        source: source.to_string(),
        note,
        kept_by: None,
    })
}

/// What `*` in `pattern` matched in `name`, or "" for an exact match.
fn star(pattern: &str, name: &str) -> Option<String> {
    match pattern.split_once('*') {
        None => (pattern == name).then(String::new),
        Some((head, tail)) => {
            let middle = name.strip_prefix(head)?.strip_suffix(tail)?;
            (!middle.is_empty()).then(|| middle.to_string())
        }
    }
}

/// The first `n` numbers of a package version, epoch left out:
/// "5:7.0.15-1" → "7.0".
fn numbers(version: &str, n: usize) -> Option<String> {
    let v = version.split_once(':').map_or(version, |(_, v)| v);
    let parts: Vec<&str> = v
        .split(|c: char| !c.is_ascii_digit())
        .take(n)
        .filter(|p| !p.is_empty())
        .collect();
    (parts.len() == n).then(|| parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = "version,codename,series,created,release,eol,eol-lts,eol-elts
11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31,2031-06-30
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30
13,Trixie,trixie,2023-06-10,2025-08-09,2028-08-09,2030-06-30,2035-06-30
14,Forky,forky,2025-08-09
";
    const UBUNTU: &str = "version,codename,series,created,release,eol,eol-server,eol-esm,eol-legacy
22.04 LTS,Jammy Jellyfish,jammy,2021-10-14,2022-04-21,2027-06-01,2027-06-01,2032-04-21,2037-04-21
24.10,Oracular Oriole,oracular,2024-04-25,2024-10-10,2025-07-10
";

    fn day(s: &str) -> NaiveDate {
        date(s).expect("present")
    }

    fn debian(version: &str, codename: &str) -> OsRelease {
        OsRelease {
            id: "debian".into(),
            version_id: version.into(),
            codename: codename.into(),
            pretty: String::new(),
        }
    }

    #[test]
    fn debian_12_after_its_regular_support_is_in_lts() {
        let life = os_life(&debian("12", "bookworm"), Some(DEBIAN), "debian.csv").expect("present");
        assert_eq!(life.name, "Debian 12 (Bookworm)");
        assert_eq!(life.ends.as_deref(), Some("2026-07-11"));
        assert_eq!(life.last_free_day(), Some(day("2028-06-30")));
        let words = life.words(day("2026-12-05"));
        assert!(words.contains("ended on 2026-07-11"), "{words}");
        assert!(
            words.contains("Debian LTS gives security updates"),
            "{words}"
        );
        assert!(words.contains("in 573 days"), "{words}");
        assert!(!words.contains("Paid"), "{words}");
        assert_eq!(life.level(day("2026-12-05")), SupportLevel::Ending);
        assert_eq!(life.level(day("2025-01-05")), SupportLevel::Supported);
        assert_eq!(life.level(day("2028-03-01")), SupportLevel::Ending);
        assert_eq!(life.level(day("2029-01-01")), SupportLevel::Ended);
        assert!(
            life.line.starts_with("12,Bookworm,bookworm,"),
            "{}",
            life.line
        );
        let later = life.words(day("2029-01-01"));
        assert!(later.contains("Debian LTS ended too"), "{later}");
        assert!(later.contains("Freexian ELTS"), "{later}");
    }

    #[test]
    fn testing_is_found_by_codename_and_has_no_date_yet() {
        let life = os_life(&debian("", "forky"), Some(DEBIAN), "debian.csv").expect("present");
        assert_eq!(life.ends, None);
        assert!(life.words(day("2026-12-05")).contains("no end of support"));
    }

    #[test]
    fn ubuntu_lts_version_matches_and_esm_is_paid() {
        let os = OsRelease {
            id: "ubuntu".into(),
            version_id: "22.04".into(),
            codename: "jammy".into(),
            pretty: String::new(),
        };
        let life = os_life(&os, Some(UBUNTU), "ubuntu.csv").expect("present");
        assert_eq!(life.name, "Ubuntu 22.04 LTS (Jammy Jellyfish)");
        assert_eq!(life.ends.as_deref(), Some("2027-06-01"));
        assert_eq!(life.longer, None);
        assert_eq!(life.paid.as_ref().expect("present").ends, "2032-04-21");
        let words = life.words(day("2026-12-05"));
        assert!(words.contains("ends on 2027-06-01, in 178 days"), "{words}");
    }

    #[test]
    fn unknown_systems_and_missing_or_damaged_files_say_why() {
        let arch = OsRelease {
            id: "arch".into(),
            ..OsRelease::default()
        };
        assert!(
            os_life(&arch, Some(DEBIAN), "x")
                .expect_err("refused")
                .contains("not of \"arch\"")
        );
        let fedora = OsRelease {
            id: "fedora".into(),
            ..OsRelease::default()
        };
        let err = os_life(&fedora, None, "x").expect_err("refused");
        assert!(err.contains("VERSION_ID"), "{err}");
        let err = os_life(
            &debian("12", "bookworm"),
            None,
            "/usr/share/distro-info/debian.csv",
        )
        .expect_err("refused");
        assert!(err.contains("distro-info-data"), "{err}");
        let err =
            os_life(&debian("12", "bookworm"), Some("garbage\n1,2"), "d.csv").expect_err("refused");
        assert!(err.contains("damaged"), "{err}");
        let err = os_life(&debian("19", "nineteen"), Some(DEBIAN), "d.csv").expect_err("refused");
        assert!(err.contains("older than this system"), "{err}");
    }

    #[test]
    fn fedora_and_the_rhel_family_take_their_dates_from_the_list() {
        let os = |id: &str, v: &str| OsRelease {
            id: id.into(),
            version_id: v.into(),
            ..OsRelease::default()
        };
        let life = os_life(&os("rocky", "9.4"), None, "unused").expect("listed");
        assert_eq!(life.name, "Rocky Linux 9");
        assert_eq!(life.ends.as_deref(), Some("2032-05-31"));
        assert!(life.source.starts_with("endoflife.date, snapshot of"));
        assert!(life.source.ends_with("/rocky-linux"), "{}", life.source);
        let fedora = os_life(&os("fedora", "39"), None, "unused").expect("listed");
        assert_eq!(fedora.level(day("2026-12-05")), SupportLevel::Ended);
        assert!(
            fedora
                .words(day("2026-12-05"))
                .contains("Fedora Linux 39's regular security support ended on 2024-11-26")
        );
        let err = os_life(&os("almalinux", "99"), None, "unused").expect_err("unknown");
        assert!(err.contains("does not know AlmaLinux 99"), "{err}");
        let empty = Snapshot {
            format: 1,
            snapshot: "2026-01-01".into(),
            products: Vec::new(),
        };
        let err =
            listed_os_life(&os("rhel", "9.4"), "rhel", &empty, "an import").expect_err("none");
        assert!(err.contains("has no dates for rhel"), "{err}");
    }

    #[test]
    fn reads_os_release() {
        let os = os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n# comment\n",
        );
        assert_eq!(os.id, "debian");
        assert_eq!(os.version_id, "12");
        assert_eq!(os.codename, "bookworm");
    }

    const SNAPSHOT: &str = r#"{"format":1,"snapshot":"2026-11-01","source":"endoflife.date (MIT licence)","products":[
      {"id":"python","label":"Python","link":"https://endoflife.date/python","packages":["python3.11","python3.7","python3.14"],"cycle_from":"major.minor",
       "cycles":[{"cycle":"3.11","release":"2022-10-24","eol":"2027-10-31","latest":"3.11.10"},{"cycle":"3.7","eol":"2023-06-27"}]},
      {"id":"java","label":"Java","link":"https://endoflife.date/eclipse-temurin","packages":["openjdk-*-jre-headless"],"cycle_from":"name",
       "cycles":[{"cycle":"17","eol":"2027-10-31"}]},
      {"id":"docker-engine","label":"Docker Engine","link":"https://endoflife.date/docker-engine","packages":["docker-ce"],"cycle_from":"major.minor",
       "cycles":[{"cycle":"28","eol":false},{"cycle":"26.1","eol":"2025-01-01"}]},
      {"id":"nodejs","label":"Node.js","link":"https://endoflife.date/nodejs","packages":["nodejs"],"cycle_from":"major",
       "cycles":[{"cycle":"18","eol":"2025-04-30","latest":"18.20.5"}]},
      {"id":"redis","label":"Redis","link":"https://endoflife.date/redis","packages":["redis-server"],"cycle_from":"major.minor",
       "cycles":[{"cycle":"7.0","eol":true}]}]}"#;

    #[test]
    fn matches_packages_to_cycles() {
        let s = parse(SNAPSHOT).expect("present");
        let today = day("2026-12-05");
        let py = life_of(&s, "src", "python3.11", "3.11.2-6+deb12u4", today).expect("present");
        assert_eq!(
            (py.product.as_str(), py.ends.as_deref(), py.ended),
            ("Python 3.11", Some("2027-10-31"), false)
        );
        assert_eq!(py.note, None);
        let old = life_of(&s, "src", "python3.7", "3.7.3-2", today).expect("present");
        assert!(old.ended);
        let node =
            life_of(&s, "src", "nodejs:amd64", "18.19.0+dfsg-6~deb12u2", today).expect("present");
        assert_eq!((node.cycle.as_str(), node.ended), ("18", true));
        let redis =
            life_of(&s, "src", "redis-server", "5:7.0.15-1~deb12u1", today).expect("present");
        assert_eq!(
            (redis.cycle.as_str(), redis.ended, redis.ends),
            ("7.0", true, None)
        );
        assert!(life_of(&s, "src", "python3", "3.11.2-1", today).is_none());
        let java =
            life_of(&s, "src", "openjdk-17-jre-headless", "17.0.13+11-2", today).expect("present");
        assert_eq!((java.cycle.as_str(), java.ended), ("17", false));
        // Docker Engine's cycles went from two numbers to one.
        let docker = life_of(
            &s,
            "src",
            "docker-ce",
            "5:28.5.2-1~debian.12~bookworm",
            today,
        )
        .expect("present");
        assert_eq!((docker.cycle.as_str(), docker.note), ("28", None));
        let old_docker = life_of(&s, "src", "docker-ce", "5:26.1.4-1", today).expect("present");
        assert_eq!(
            (old_docker.cycle.as_str(), old_docker.ended),
            ("26.1", true)
        );
        assert!(life_of(&s, "src", "bash", "5.2", today).is_none());
    }

    #[test]
    fn a_snapshot_older_than_the_software_says_so() {
        let s = parse(SNAPSHOT).expect("present");
        let today = day("2026-12-05");
        let unknown = life_of(&s, "src", "python3.14", "3.14.0-1", today).expect("present");
        assert!(
            unknown
                .note
                .expect("present")
                .contains("older than this software")
        );
        assert_eq!(unknown.ends, None);
        let newer = life_of(&s, "src", "nodejs", "18.21.0-1", today).expect("present");
        assert!(
            newer
                .note
                .expect("present")
                .contains("newer than the list's latest 18.20.5")
        );
    }

    #[test]
    fn damaged_snapshots_are_refused_with_the_reason() {
        assert!(parse("{").is_err());
        assert!(
            parse(r#"{"format":2,"snapshot":"2026-01-01","products":[]}"#)
                .expect_err("refused")
                .contains("format 2")
        );
        assert!(
            parse(r#"{"format":1,"snapshot":"soon","products":[]}"#)
                .expect_err("refused")
                .contains("not a date")
        );
        let bad_day = SNAPSHOT.replace("2027-10-31", "someday");
        assert!(
            parse(&bad_day)
                .expect_err("refused")
                .contains("python cycle 3.11")
        );
    }

    #[test]
    fn the_shipped_snapshot_is_valid_and_an_import_replaces_it_only_when_newer() {
        let shipped = parse(SHIPPED).expect("present");
        let today = day("2026-12-05");
        let py =
            life_of(&shipped, "src", "python3.11", "3.11.2-6+deb12u4", today).expect("present");
        assert_eq!(py.cycle, "3.11");
        let dir = tempfile::tempdir().expect("present");
        let file = dir.path().join("endoflife.json");
        let (shipped, source) = snapshot(&file);
        assert!(!shipped.products.is_empty());
        assert!(!source.imported && source.problem.is_none());
        std::fs::write(&file, "{ not json").expect("present");
        let (_, source) = snapshot(&file);
        assert!(source.problem.expect("present").contains("damaged"));
        std::fs::write(&file, SNAPSHOT.replace("2026-11-01", "2000-01-01")).expect("present");
        let (_, source) = snapshot(&file);
        assert!(source.problem.expect("present").contains("not newer"));
        std::fs::write(&file, SNAPSHOT.replace("2026-11-01", "2099-01-01")).expect("present");
        let (s, source) = snapshot(&file);
        assert!(source.imported);
        assert_eq!(s.snapshot, "2099-01-01");
    }
}
