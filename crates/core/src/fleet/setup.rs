//! Setting Shipshape up, from the console, on an office computer that does
//! not have it yet. The administrator adds the console's setting-up line to
//! root's `authorized_keys` there once: it lets the console's key in for one
//! hour (`expiry-time`), with no terminal and no forwarding (`restrict`).
//! The console checks the package file before anything is sent (the SHA-256
//! the administrator gave, and that it is Shipshape's own package), pins the
//! host key once its fingerprint is confirmed, and sends the package on
//! ssh's standard input to a fixed script: it is staged in a private folder,
//! hashed again there and installed with apt (what it needs comes from that
//! computer's own signed sources) only if it arrived unchanged; then
//! `shipshape fleet prepare` makes the console's own account there. The
//! computer is enrolled as that account; root's line stops working by
//! itself within the hour.

use super::rollout::{MOST_FILE_BYTES, is_sha256};
use crate::install::deb;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// How long root's setting-up line lets the console in.
const SETUP_HOURS: i64 = 1;
/// On an SSH server older than 9.1, which reads only a local date or time
/// there, the line works until the start of the day after tomorrow (its
/// own time zone unknown here): one to two days.
const SETUP_DAYS_OLDER: i64 = 2;
/// The package Shipshape is released as.
const PACKAGE: &str = "shipshape";
/// How the script marks what it says for the administrator.
const SAID: &str = "shipshape-setup: ";

/// The line for root's `authorized_keys` that lets the console's key
/// (`public_line`, "ssh-ed25519 KEY COMMENT") in for a short while from
/// `now`, as the SSH server `server` (its greeting's software) reads it;
/// and how long, in words.
pub fn setup_line(public_line: &str, server: Option<&str>, now: DateTime<Utc>) -> (String, String) {
    let (expiry, words) = if server.is_some_and(crate::ssh::reads_utc_expiry) {
        let until = now + chrono::Duration::hours(SETUP_HOURS);
        (
            until.format("%Y%m%d%H%MZ").to_string(),
            "for one hour".to_string(),
        )
    } else {
        let until = (now + chrono::Duration::days(SETUP_DAYS_OLDER)).date_naive();
        (
            until.format("%Y%m%d").to_string(),
            format!(
                "until {} begins (its SSH server is older than 9.1, which cannot be given an hour)",
                until.format("%-d %B %Y")
            ),
        )
    };
    (
        format!("restrict,expiry-time=\"{expiry}\" {}", public_line.trim()),
        words,
    )
}

/// What setting Shipshape up on a computer takes: its address as root
/// (its setting-up line added there), what the office calls it, the host
/// key fingerprint the administrator confirmed, and the package file with
/// its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetSetUp")]
pub struct SetUp {
    pub address: String,
    pub name: String,
    pub fingerprint: String,
    pub package: String,
    pub sha256: String,
}

/// Shipshape's package file, checked on the console.
#[derive(Debug)]
pub struct Package {
    pub bytes: Arc<[u8]>,
    pub version: String,
    pub sha256: String,
}

/// Reads the package file at `path` when its SHA-256 is `sha256` and it
/// is Shipshape's own package; refused before anything is sent otherwise.
pub fn checked_package(path: &Path, sha256: &str) -> Result<Package> {
    let sha256 = sha256.trim().to_ascii_lowercase();
    if !is_sha256(&sha256) {
        return Err(Error::invalid_input(
            "A package file's SHA-256 is 64 hexadecimal digits.",
            "Copy it from the checksum list published with the release (SHA256SUMS).",
        ));
    }
    if !path.is_absolute() {
        return Err(Error::invalid_input(
            format!("{} is not a full path.", path.display()),
            "Give the package file's full path, starting with /.",
        ));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io("read", path, &e))?
        .len();
    if size > MOST_FILE_BYTES {
        return Err(Error::invalid_input(
            format!(
                "{} is {size} bytes, more than Shipshape's package ever is.",
                path.display()
            ),
            "Choose the shipshape_….deb file of the release.",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, &e))?;
    let got = hex::encode(sha2::Sha256::digest(&bytes));
    if got != sha256 {
        return Err(Error::new(
            crate::ErrorCode::FileChanged,
            format!(
                "{} has SHA-256 {got}, not the {sha256} given, so it was not sent.",
                path.display()
            ),
            "Check the SHA-256 against the release's checksum list; if the file was downloaded, download it again.",
        ));
    }
    // Its name is read from the bytes checked (and sent), copied into a
    // private file: the chosen one may be changed meanwhile.
    let copy = tempfile::Builder::new()
        .prefix("shipshape-setup-")
        .suffix(".deb")
        .tempfile()
        .map_err(|e| Error::io("create", &std::env::temp_dir(), &e))?;
    std::fs::write(copy.path(), &bytes).map_err(|e| Error::io("write", copy.path(), &e))?;
    let read = deb::read(copy.path()).map_err(|e| {
        Error::new(
            e.code,
            e.message.replace(
                &copy.path().display().to_string(),
                &path.display().to_string(),
            ),
            e.hint,
        )
    })?;
    if read.package != PACKAGE {
        return Err(Error::invalid_input(
            format!(
                "{} is the package {}, not Shipshape's.",
                path.display(),
                read.package
            ),
            "Choose the shipshape_….deb file of the release.",
        ));
    }
    Ok(Package {
        bytes: bytes.into(),
        version: read.version,
        sha256,
    })
}

/// The script root runs there: the package from standard input, hashed
/// again, installed with apt, then the console's account made for
/// `key_line` (checked by `prepare::checked_line`, so it holds no quote).
/// What it says for the administrator starts with `SAID`; what it prints
/// at the end is `prepare`'s JSON.
pub fn script(sha256: &str, key_line: &str) -> String {
    format!(
        r#"set -eu
umask 077
say() {{ echo "{SAID}$1" >&2; exit 3; }}
command -v apt-get >/dev/null || say "It has no apt: Shipshape's package is for Debian and Ubuntu."
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
head -c {most} >"$d/shipshape.deb"
echo "{sha256}  $d/shipshape.deb" | sha256sum --check --status - || say "The package file did not arrive unchanged, so it was not installed."
chmod 0755 "$d"
chmod 0644 "$d/shipshape.deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120 "$d/shipshape.deb" >&2 || say "apt could not install the package there."
/usr/bin/shipshape fleet prepare --key '{key_line}' --json || say "Shipshape was installed, but the console's account could not be made."
"#,
        most = MOST_FILE_BYTES + 1,
    )
}

/// What the script said for the administrator, else ssh's last line.
pub fn said(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix(SAID))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn roots_line_lets_the_key_in_for_an_hour_with_nothing_else() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 5, 23, 30, 0)
            .single()
            .expect("a time");
        let key = "ssh-ed25519 AAAAC3 shipshape@console\n";
        assert_eq!(
            setup_line(key, Some("OpenSSH_9.2p1"), now),
            (
                "restrict,expiry-time=\"202612060030Z\" ssh-ed25519 AAAAC3 shipshape@console"
                    .to_string(),
                "for one hour".to_string()
            )
        );
        // An older server reads no UTC time: a date, a day or two ahead.
        let (line, words) = setup_line(key, Some("OpenSSH_8.9p1"), now);
        assert!(
            line.starts_with("restrict,expiry-time=\"20261207\" ssh-ed25519 "),
            "{line}"
        );
        assert!(words.starts_with("until 7 December 2026 begins"), "{words}");
        assert!(setup_line(key, None, now).0.contains("\"20261207\""));
    }

    #[test]
    fn the_script_checks_what_arrived_before_apt_sees_it() {
        let sha = "a".repeat(64);
        let text = script(
            &sha,
            "restrict,command=\"shipshape fleet serve\" ssh-ed25519 K c",
        );
        let check = text.find("sha256sum --check").expect("a check");
        let install = text.find("apt-get install").expect("an install");
        assert!(check < install);
        assert!(text.contains(&format!("head -c {}", MOST_FILE_BYTES + 1)));
        assert!(
            text.contains("--key 'restrict,command=\"shipshape fleet serve\" ssh-ed25519 K c'")
        );
    }

    #[test]
    fn the_scripts_own_words_are_found_under_apts() {
        let err = "E: boom\nshipshape-setup: The package file did not arrive unchanged, so it was not installed.\n";
        assert_eq!(
            said(err).as_deref(),
            Some("The package file did not arrive unchanged, so it was not installed.")
        );
        assert_eq!(said("ssh: connect refused"), None);
    }

    #[test]
    fn a_package_file_is_refused_before_it_is_sent() {
        let dir = tempfile::tempdir().expect("a folder");
        let file = dir.path().join("x.deb");
        std::fs::write(&file, b"not a package").expect("written");
        let sha = hex::encode(sha2::Sha256::digest(b"not a package"));
        let e = checked_package(&file, "abc").expect_err("a short sum");
        assert!(e.message.contains("64 hexadecimal digits"), "{e:?}");
        let e = checked_package(Path::new("x.deb"), &sha).expect_err("a relative path");
        assert!(e.message.contains("not a full path"), "{e:?}");
        let e = checked_package(&file, &"0".repeat(64)).expect_err("another sum");
        assert_eq!(e.code, crate::ErrorCode::FileChanged);
        let e = checked_package(&file, &sha).expect_err("not a package");
        assert!(e.message.contains("is not a Debian package"), "{e:?}");
    }
}
