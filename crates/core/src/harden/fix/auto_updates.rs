//! Automatic security updates on Debian and Ubuntu: unattended-upgrades
//! switched on the way `dpkg-reconfigure unattended-upgrades` does it, by
//! the two APT::Periodic settings in /etc/apt/apt.conf.d (read in name
//! order, a later value winning).

use super::edit::Edit;
use super::layered::{self, AddTo, Setting};
use crate::harden::target::{OsFamily, Target};
use crate::{Error, Result};

const FOLDER: &str = "etc/apt/apt.conf.d";

/// "1" or "true" in quotes: the setting is on.
fn on(line: &str) -> bool {
    line.contains("\"1\"") || line.contains("\"true\"")
}

/// Fetch the package lists daily, and install security updates daily.
const SETTINGS: &[Setting] = &[
    Setting {
        sets: |l| l.starts_with("APT::Periodic::Update-Package-Lists"),
        safe: on,
        line: "APT::Periodic::Update-Package-Lists \"1\";",
        add: true,
    },
    Setting {
        sets: |l| l.starts_with("APT::Periodic::Unattended-Upgrade"),
        safe: on,
        line: "APT::Periodic::Unattended-Upgrade \"1\";",
        add: true,
    },
];

/// The edits that switch automatic security updates on.
pub fn edits(host: &Target) -> Result<Vec<Edit>> {
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
    let mut files: Vec<String> = host
        .list(FOLDER)
        .unwrap_or_default()
        .into_iter()
        .map(|n| format!("{FOLDER}/{n}"))
        .collect();
    files.sort();
    layered::edits(
        host,
        &files,
        SETTINGS,
        AddTo {
            file: "etc/apt/apt.conf.d/20auto-upgrades",
            header: "",
        },
    )
}
