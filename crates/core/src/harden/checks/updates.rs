//! Security updates: installed automatically, none waiting, no restart
//! left pending.

use super::{any_enabled, parse};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Os, Outcome, Role, Severity};
use crate::harden::target::{OsFamily, Target};
use crate::host::{APT_SECURITY_SIMULATION, DNF_SECURITY_UPDATES};

const DEBIAN: Applies = Applies {
    os: Os::Debian,
    role: Role::Any,
    needs: &[],
};

pub const CHECKS: &[Check] = &[
    Check {
        id: "updates.automatic",
        area: Area::Updates,
        title: "Security updates are not installed automatically",
        why: "Most break-ins use holes that were fixed weeks earlier. Automatic security updates close them without anyone having to remember.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "1.2.2.1",
        lynis: "PKGS-7420",
        remediation: "Debian/Ubuntu: apt install unattended-upgrades, then dpkg-reconfigure -plow unattended-upgrades. Fedora: dnf install dnf-automatic and enable dnf-automatic-install.timer.",
        run: automatic,
    },
    Check {
        id: "updates.pending_security",
        area: Area::Updates,
        title: "Security updates are waiting to be installed",
        why: "Each waiting security update is a known hole that attackers already have instructions for.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "1.2.2.1",
        lynis: "PKGS-7392",
        remediation: "Install them now: apt update && apt upgrade (Fedora: dnf upgrade --security).",
        run: pending_security,
    },
    Check {
        id: "updates.reboot_required",
        area: Area::Updates,
        title: "Updates are waiting for a restart",
        why: "Some updates (the kernel, system libraries) only protect you after the computer restarts.",
        severity: Severity::Medium,
        applies: DEBIAN,
        cis: "",
        lynis: "KRNL-5830",
        remediation: "Restart the computer at a quiet moment.",
        run: reboot_required,
    },
    Check {
        id: "updates.security_source",
        area: Area::Updates,
        title: "This computer does not get security updates",
        why: "Security fixes come from a separate update source. Without it, no amount of updating installs them.",
        severity: Severity::High,
        applies: DEBIAN,
        cis: "1.2.1.2",
        lynis: "PKGS-7388",
        remediation: "Add your release's security source (for Debian 12: bookworm-security) to /etc/apt/sources.list.d.",
        run: security_source,
    },
    Check {
        id: "updates.os_end_of_life",
        area: Area::Updates,
        title: "The operating system reaches its end of life",
        why: "When a release's support ends, its security holes are no longer fixed: every update check passes while the computer falls further behind.",
        severity: Severity::High,
        applies: Applies::needs(&[
            "usr/share/distro-info/debian.csv",
            "usr/share/distro-info/ubuntu.csv",
            "etc/fedora-release",
            "etc/redhat-release",
        ]),
        cis: "",
        lynis: "",
        remediation: "Upgrade to the next release before the date (after a backup): for Debian, follow the release notes' upgrade chapter; for Ubuntu, do-release-upgrade.",
        run: os_end_of_life,
    },
];

/// The system's free security support, from distro-info-data (or the
/// end-of-life list for Fedora and the RHEL family): passed when
/// more than `eol::WARN_DAYS` remain, a warning within them or when only
/// longer (LTS) support is left, failed once it has all ended.
fn os_end_of_life(h: &Target) -> Checked {
    use crate::govern::eol;
    let os = eol::os_release(
        &h.read("etc/os-release")?
            .or(h.read("usr/lib/os-release")?)
            .unwrap_or_default(),
    );
    let listed = eol::listed_system(&os.id).is_some();
    if !listed && !matches!(os.id.as_str(), "debian" | "ubuntu") {
        return Ok(Outcome::not_applicable(
            "Shipshape knows the support dates of Debian, Ubuntu, Fedora and the Red Hat Enterprise Linux family only.",
        ));
    }
    // Debian and Ubuntu's dates are in distro-info-data; the others' in
    // the end-of-life list, shown with the system's os-release.
    let rel = if listed {
        "etc/os-release".to_string()
    } else {
        format!("usr/share/distro-info/{}.csv", os.id)
    };
    let shown = Target::shown(&rel);
    let csv = if listed { None } else { h.read(&rel)? };
    let life = eol::os_life(&os, csv.as_deref(), &shown).map_err(Outcome::error)?;
    let today = chrono::DateTime::from_timestamp(h.today() * 86_400, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let words = life.words(today);
    let evidence = Evidence::file(&rel, None, &life.line);
    Ok(match life.level(today) {
        eol::SupportLevel::Ended => Outcome::fail(words),
        eol::SupportLevel::Ending => Outcome::warning(words),
        eol::SupportLevel::Supported | eol::SupportLevel::Unknown => Outcome::pass(words),
    }
    .with(evidence))
}

fn automatic(h: &Target) -> Checked {
    if h.facts().os_family == OsFamily::Fedora {
        return Ok(
            match any_enabled(
                h,
                &[
                    "dnf-automatic-install.timer",
                    "dnf-automatic.timer",
                    "dnf5-automatic.timer",
                ],
            ) {
                Some(e) => {
                    Outcome::pass("Updates are installed automatically by dnf-automatic.").with(e)
                }
                None => Outcome::fail("dnf-automatic is not switched on."),
            },
        );
    }
    if !h.exists("usr/bin/unattended-upgrade") {
        return Ok(Outcome::fail("unattended-upgrades is not installed."));
    }
    let mut setting = None;
    for name in h.list("etc/apt/apt.conf.d")? {
        let rel = format!("etc/apt/apt.conf.d/{name}");
        let Some(text) = h.read(&rel)? else { continue };
        for (n, l) in parse::lines(&text) {
            if l.starts_with("//") {
                continue;
            }
            if l.contains("APT::Periodic::Unattended-Upgrade") {
                let on = l.contains("\"1\"") || l.contains("\"true\"");
                setting = Some((on, Evidence::file(&rel, Some(n), l)));
            }
        }
    }
    match setting {
        Some((true, ev)) => {
            Ok(Outcome::pass("Security updates are installed automatically.").with(ev))
        }
        Some((false, ev)) => {
            Ok(Outcome::fail("unattended-upgrades is installed but switched off.").with(ev))
        }
        None => Ok(Outcome::fail(
            "unattended-upgrades is installed but never runs (APT::Periodic::Unattended-Upgrade is not set).",
        )),
    }
}

/// The security sources among the system's apt sources, as one-line
/// entries ("deb [options] URI SUITE COMPONENTS"), with the lines they
/// came from. deb822 stanzas are converted; a stanza listing several
/// suites keeps only its security ones.
fn security_sources(h: &Target) -> Result<(Vec<String>, Vec<Evidence>), Outcome> {
    let mut files = vec!["etc/apt/sources.list".to_string()];
    for name in h.list("etc/apt/sources.list.d")? {
        if name.ends_with(".list") || name.ends_with(".sources") {
            files.push(format!("etc/apt/sources.list.d/{name}"));
        }
    }
    let is_security = |suite: &str| suite.ends_with("-security") || suite.ends_with("/updates");
    let mut entries = Vec::new();
    let mut evidence = Vec::new();
    for rel in &files {
        let Some(text) = h.read(rel)? else { continue };
        if rel.ends_with(".sources") {
            for (line, stanza) in stanzas(&text) {
                let field = |key: &str| {
                    stanza.iter().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim()
                            .eq_ignore_ascii_case(key)
                            .then(|| v.trim().to_string())
                    })
                };
                let types = field("Types").unwrap_or_default();
                if !types.split_whitespace().any(|t| t == "deb")
                    || field("Enabled").is_some_and(|e| e.eq_ignore_ascii_case("no"))
                {
                    continue;
                }
                let suites: Vec<String> = field("Suites")
                    .unwrap_or_default()
                    .split_whitespace()
                    .filter(|s| is_security(s))
                    .map(str::to_string)
                    .collect();
                if suites.is_empty() {
                    continue;
                }
                let options = field("Signed-By")
                    .filter(|s| !s.is_empty() && !s.starts_with("-----"))
                    .map(|k| format!("[signed-by={k}] "))
                    .unwrap_or_default();
                let components = field("Components").unwrap_or_default();
                for uri in field("URIs").unwrap_or_default().split_whitespace() {
                    for suite in &suites {
                        entries.push(format!("deb {options}{uri} {suite} {components}"));
                    }
                }
                evidence.push(Evidence::file(rel, Some(line), &stanza.join(" | ")));
            }
        } else {
            for (n, l) in parse::lines(&text) {
                let words: Vec<&str> = l.split_whitespace().collect();
                if words.first() != Some(&"deb") {
                    continue;
                }
                // "deb [opts] URI SUITE COMPONENTS": the suite follows the URI.
                let rest: Vec<&str> = if words.get(1).is_some_and(|w| w.starts_with('[')) {
                    let close = words.iter().position(|w| w.ends_with(']')).unwrap_or(1);
                    words[close + 1..].to_vec()
                } else {
                    words[1..].to_vec()
                };
                if rest.get(1).is_some_and(|s| is_security(s)) {
                    entries.push(l.to_string());
                    evidence.push(Evidence::file(rel, Some(n), l));
                }
            }
        }
    }
    Ok((entries, evidence))
}

/// deb822 stanzas: blocks separated by blank lines, comments dropped,
/// each with the line it starts on.
fn stanzas(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.is_empty() {
            if !current.is_empty() {
                out.push((start, std::mem::take(&mut current)));
            }
            continue;
        }
        if t.starts_with('#') {
            continue;
        }
        if current.is_empty() {
            start = i + 1;
        }
        current.push(t);
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// "Inst pkg [old] (new Debian-Security:12/stable-security [amd64])", and
/// the names apt kept back (they have a security update it could not
/// install without packages from other sources).
fn pending(output: &str) -> Vec<String> {
    let mut names: Vec<String> = output
        .lines()
        .filter(|l| l.starts_with("Inst "))
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect();
    let mut kept = false;
    for l in output.lines() {
        if l.starts_with("The following packages have been kept back") {
            kept = true;
        } else if kept && l.starts_with(' ') {
            names.extend(l.split_whitespace().map(str::to_string));
        } else {
            kept = false;
        }
    }
    names.sort();
    names.dedup();
    names
}

fn pending_security(h: &Target) -> Checked {
    match h.facts().os_family {
        OsFamily::Debian => pending_apt(h),
        OsFamily::Fedora => pending_dnf(h),
        OsFamily::Other => Ok(Outcome::not_applicable(
            "Waiting updates are checked on Debian, Ubuntu and Fedora.",
        )),
    }
}

/// Advisory ids as Fedora and its relatives name them.
const ADVISORY_PREFIXES: &[&str] = &["FEDORA-", "RHSA-", "ALSA-", "RLSA-", "CESA-"];

fn pending_dnf(h: &Target) -> Checked {
    let Some(out) = h.run(DNF_SECURITY_UPDATES) else {
        if !h.is_live() {
            return Ok(Outcome::not_applicable(
                "Waiting updates can only be checked on the running computer.",
            ));
        }
        return Ok(Outcome::error(
            "dnf could not be run to list waiting updates.",
        ));
    };
    if !out.success() {
        return Ok(Outcome::error(
            "dnf has no update information to read yet; run dnf makecache, then check again.",
        )
        .with(Evidence::command(DNF_SECURITY_UPDATES, &out.stdout)));
    }
    let mut names: Vec<&str> = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in out.stdout.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 3 && ADVISORY_PREFIXES.iter().any(|p| fields[0].starts_with(p)) {
            lines.push(line);
            let package = fields[fields.len() - 1];
            if !names.contains(&package) {
                names.push(package);
            }
        }
    }
    if names.is_empty() {
        return Ok(
            Outcome::pass("No security updates are waiting.").with(Evidence::command(
                DNF_SECURITY_UPDATES,
                "no security advisories",
            )),
        );
    }
    let more = if names.len() > 10 {
        format!(" and {} more", names.len() - 10)
    } else {
        String::new()
    };
    let shown = names
        .iter()
        .take(10)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Outcome::fail(format!(
        "{} security update(s) are waiting: {shown}{more}.",
        names.len()
    ))
    .with(Evidence::command(DNF_SECURITY_UPDATES, &lines.join("\n"))))
}

fn pending_apt(h: &Target) -> Checked {
    let (entries, _) = security_sources(h)?;
    if entries.is_empty() {
        return Ok(Outcome::not_applicable(
            "There is no security source to get updates from (see the check on update sources).",
        ));
    }
    let Some(out) = h.apt_upgrade_from(&(entries.join("\n") + "\n")) else {
        if !h.is_live() {
            return Ok(Outcome::not_applicable(
                "Waiting updates can only be checked on the running computer.",
            ));
        }
        return Ok(Outcome::error(
            "apt-get could not be run to list waiting updates.",
        ));
    };
    if !out.success() {
        return Ok(Outcome::error("apt-get could not list waiting updates.")
            .with(Evidence::command(APT_SECURITY_SIMULATION, &out.stdout)));
    }
    let names = pending(&out.stdout);
    if names.is_empty() {
        return Ok(Outcome::pass("No security updates are waiting.")
            .with(Evidence::command(APT_SECURITY_SIMULATION, "0 upgraded")));
    }
    let shown = names
        .iter()
        .take(10)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if names.len() > 10 {
        format!(" and {} more", names.len() - 10)
    } else {
        String::new()
    };
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("Inst "))
        .collect();
    Ok(Outcome::fail(format!(
        "{} security update(s) are waiting: {shown}{more}.",
        names.len()
    ))
    .with(Evidence::command(
        APT_SECURITY_SIMULATION,
        &lines.join("\n"),
    )))
}

fn reboot_required(h: &Target) -> Checked {
    let Some(rel) = h.first_existing(&["run/reboot-required", "var/run/reboot-required"]) else {
        return Ok(Outcome::pass("No update is waiting for a restart."));
    };
    let pkgs = h.read_quiet(&format!("{rel}.pkgs")).unwrap_or_default();
    let list: Vec<&str> = pkgs
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = if list.is_empty() {
        "present".to_string()
    } else {
        format!("packages: {}", list.join(", "))
    };
    Ok(
        Outcome::warning("The computer needs a restart to finish installing updates.")
            .with(Evidence::file(rel, None, &text)),
    )
}

fn security_source(h: &Target) -> Checked {
    let (entries, evidence) = security_sources(h)?;
    if entries.is_empty() {
        return Ok(Outcome::fail(
            "None of the update sources is a security source.",
        ));
    }
    Ok(Outcome::pass("Security updates are among the update sources.").with_all(evidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_and_kept_back_packages_count() {
        let out = "Reading package lists...\n\
                   The following packages have been kept back:\n  linux-image-amd64 openssl\n\
                   The following packages will be upgraded:\n  libssl3\n\
                   Inst libssl3 [3.0.1] (3.0.2 Debian-Security:12/oldstable-security [amd64]) []\n\
                   Conf libssl3 (3.0.2 Debian-Security:12/oldstable-security [amd64])\n";
        assert_eq!(
            pending(out),
            vec!["libssl3", "linux-image-amd64", "openssl"]
        );
    }

    #[test]
    fn deb822_stanzas_split_on_blank_lines() {
        let text = "# c\nTypes: deb\nSuites: a\n\n\nTypes: deb\nSuites: b-security\n";
        let s = stanzas(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[1], (6, vec!["Types: deb", "Suites: b-security"]));
    }
}
