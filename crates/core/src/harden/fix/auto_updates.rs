//! Automatic security updates on Debian and Ubuntu: unattended-upgrades
//! switched on the way `dpkg-reconfigure unattended-upgrades` does it, by
//! the two APT::Periodic settings in /etc/apt/apt.conf.d.
//!
//! apt reads the files of apt.conf.d in name order and a later value wins,
//! so every line that switches a setting off is turned on, wherever it is;
//! a setting found nowhere is added to 20auto-upgrades.

use super::edit::Edit;
use crate::harden::host::{Host, OsFamily};
use crate::{Error, Result};
use std::collections::BTreeMap;

const FOLDER: &str = "etc/apt/apt.conf.d";
const AUTO_UPGRADES: &str = "etc/apt/apt.conf.d/20auto-upgrades";
/// Fetch the package lists daily, and install security updates daily.
const SETTINGS: &[&str] = &[
    "APT::Periodic::Update-Package-Lists",
    "APT::Periodic::Unattended-Upgrade",
];

/// Whether `line` sets `key` (not in a comment).
fn sets(line: &str, key: &str) -> bool {
    let l = line.trim();
    !l.starts_with("//") && !l.starts_with('#') && l.starts_with(key)
}

/// `line` with its value set to "1", keeping everything around it.
fn switched_on(line: &str) -> String {
    let Some(open) = line.find('"') else {
        return line.to_string();
    };
    let Some(close) = line[open + 1..].find('"').map(|i| open + 1 + i) else {
        return line.to_string();
    };
    format!("{}\"1\"{}", &line[..open], &line[close + 1..])
}

/// `text` with every line that sets one of `SETTINGS` switched on, and
/// which of them it sets.
fn switch_on(text: &str) -> (String, Vec<&'static str>) {
    let mut found = Vec::new();
    let mut out: Vec<String> = text
        .lines()
        .map(|l| match SETTINGS.iter().find(|k| sets(l, k)) {
            Some(key) => {
                found.push(*key);
                switched_on(l)
            }
            None => l.to_string(),
        })
        .collect();
    if text.ends_with('\n') || text.is_empty() {
        out.push(String::new());
    }
    (out.join("\n"), found)
}

/// The edits that switch automatic security updates on.
pub fn edits(host: &Host) -> Result<Vec<Edit>> {
    if host.facts().os_family == OsFamily::Fedora {
        return Err(Error::invalid_input(
            "Shipshape switches on automatic updates only on Debian and Ubuntu so far.",
            "Install dnf-automatic and enable dnf-automatic-install.timer (sudo systemctl enable --now dnf-automatic-install.timer).",
        ));
    }
    if !host.exists("usr/bin/unattended-upgrade") {
        return Err(Error::invalid_input(
            "unattended-upgrades is not installed, so there is nothing to switch on.",
            "Install it (sudo apt install unattended-upgrades), then try the fix again.",
        ));
    }
    let mut names = host.list(FOLDER).unwrap_or_default();
    names.sort();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut found = Vec::new();
    for name in names {
        let rel = format!("{FOLDER}/{name}");
        let Some(text) = host.read_quiet(&rel) else {
            continue;
        };
        let (new, keys) = switch_on(&text);
        found.extend(keys);
        if new != text {
            texts.insert(rel, new);
        }
    }
    let missing: Vec<&str> = SETTINGS
        .iter()
        .copied()
        .filter(|k| !found.contains(k))
        .collect();
    if !missing.is_empty() {
        let current = match texts.get(AUTO_UPGRADES) {
            Some(t) => t.clone(),
            None => host.read_quiet(AUTO_UPGRADES).unwrap_or_default(),
        };
        let mut text = current;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for key in missing {
            text.push_str(&format!("{key} \"1\";\n"));
        }
        texts.insert(AUTO_UPGRADES.to_string(), text);
    }
    let mut edits = Vec::new();
    for (rel, text) in texts {
        edits.extend(Edit::text(host, &rel, |_| text)?);
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_is_switched_on_where_it_is_keeping_the_rest_of_the_line() {
        assert_eq!(
            switched_on("APT::Periodic::Unattended-Upgrade \"0\"; // off for now"),
            "APT::Periodic::Unattended-Upgrade \"1\"; // off for now"
        );
        assert_eq!(
            switched_on("  APT::Periodic::Update-Package-Lists \"false\";"),
            "  APT::Periodic::Update-Package-Lists \"1\";"
        );
        assert_eq!(
            switched_on("APT::Periodic::Unattended-Upgrade"),
            "APT::Periodic::Unattended-Upgrade"
        );
    }

    #[test]
    fn comments_are_left_alone() {
        let text = "// APT::Periodic::Unattended-Upgrade \"0\";\n# APT::Periodic::Update-Package-Lists \"0\";\n";
        assert_eq!(switch_on(text), (text.to_string(), Vec::new()));
    }

    #[test]
    fn a_file_without_a_last_line_break_keeps_it_that_way() {
        let (out, found) = switch_on("APT::Periodic::Unattended-Upgrade \"0\";");
        assert_eq!(out, "APT::Periodic::Unattended-Upgrade \"1\";");
        assert_eq!(found, ["APT::Periodic::Unattended-Upgrade"]);
    }
}
