//! Reading a `.deb` before it is installed: what it is, and what it would
//! do to this computer. The archive's outer layer (ar) is read here; its
//! two tarballs are handed over uncompressed by `dpkg-deb`, so the bytes
//! read are the ones dpkg itself would unpack, and they are read as data
//! by the `tar` crate: nothing is ever unpacked to disk.

use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use ts_rs::TS;

/// A maintainer script the package carries: dpkg runs it as root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Script {
    /// preinst, postinst, prerm, postrm or config.
    pub name: String,
    /// When dpkg runs it, in plain words.
    pub when: String,
    #[ts(type = "number")]
    pub lines: u64,
}

/// What a `.deb` is and what installing it would place on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Deb {
    pub package: String,
    pub version: String,
    pub architecture: String,
    /// The Maintainer field: who built the package.
    pub maintainer: String,
    /// The first line of the description.
    pub summary: String,
    pub homepage: Option<String>,
    /// Depends and Pre-Depends, as written.
    pub depends: String,
    /// What dpkg says it takes on disk, in bytes.
    #[ts(type = "number")]
    pub installed_size: u64,
    pub scripts: Vec<Script>,
    /// Configuration files dpkg keeps the administrator's changes to.
    pub conffiles: Vec<String>,
    /// systemd units it ships (services, sockets, timers).
    pub services: Vec<String>,
    /// Package sources it adds to apt.
    pub sources: Vec<String>,
    /// Keys apt would trust for package signatures.
    pub keys: Vec<String>,
    /// Jobs it adds to cron.
    pub cron: Vec<String>,
    /// Programs that run with their owner's rights (setuid or setgid).
    pub privileged: Vec<String>,
    /// Files and links it places.
    #[ts(type = "number")]
    pub files: u64,
}

/// Reads the `.deb` at `file` (an absolute path).
pub fn read(file: &Path) -> Result<Deb> {
    check_outer(file)?;
    let mut deb = control(file)?;
    contents(file, &mut deb)?;
    Ok(deb)
}

fn not_a_package(file: &Path, why: &str) -> Error {
    Error::invalid_input(
        format!("{} is not a Debian package: {why}.", file.display()),
        "Choose the .deb file the publisher released; if it was downloaded, download it again.",
    )
}

/// The ar layer: "!<arch>", then debian-binary saying format 2, then the
/// control and data tarballs, as dpkg requires.
fn check_outer(file: &Path) -> Result<()> {
    let mut f = std::fs::File::open(file).map_err(|e| Error::io("open", file, &e))?;
    let mut head = [0u8; 8 + 60 + 4];
    f.read_exact(&mut head)
        .map_err(|_| not_a_package(file, "it is too short"))?;
    if &head[..8] != b"!<arch>\n" {
        return Err(not_a_package(file, "it does not start as one"));
    }
    let header = &head[8..68];
    let name = String::from_utf8_lossy(&header[..16]);
    if name.trim_end().trim_end_matches('/') != "debian-binary" || &header[58..60] != b"`\n" {
        return Err(not_a_package(file, "its first part is not debian-binary"));
    }
    if &head[68..70] != b"2." {
        return Err(not_a_package(
            file,
            "it is in a format other than 2.0, the one dpkg reads",
        ));
    }
    Ok(())
}

/// `dpkg-deb --ctrl-tarfile` or `--fsys-tarfile`: the tarball read entry
/// by entry as dpkg-deb hands it over.
fn tarball(
    file: &Path,
    which: &str,
    mut each: impl FnMut(&mut tar::Entry<'_, &mut std::process::ChildStdout>) -> Result<()>,
) -> Result<()> {
    let mut child = Command::new("dpkg-deb")
        .arg(which)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorCode::NeedsPackage,
                format!("dpkg-deb could not be started: {e}."),
                "Install dpkg (it is part of every Debian and Ubuntu system).",
            )
        })?;
    let mut out = child
        .stdout
        .take()
        .ok_or_else(|| Error::internal("dpkg-deb has no output"))?;
    let read = (|| -> Result<()> {
        let mut archive = tar::Archive::new(&mut out);
        let entries = archive
            .entries()
            .map_err(|_| not_a_package(file, "its contents cannot be read"))?;
        for entry in entries {
            let mut entry = entry.map_err(|_| not_a_package(file, "its contents are damaged"))?;
            each(&mut entry)?;
        }
        Ok(())
    })();
    // Whatever is left is drained so dpkg-deb ends, and its verdict read.
    let _ = std::io::copy(&mut out, &mut std::io::sink());
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child
        .wait()
        .map_err(|e| Error::io("wait for dpkg-deb on", file, &e))?;
    if !status.success() {
        let why = err
            .lines()
            .last()
            .unwrap_or("dpkg-deb could not read it")
            .trim();
        let why = why.strip_prefix("dpkg-deb: error: ").unwrap_or(why);
        return Err(not_a_package(file, why.trim_end_matches('.')));
    }
    read
}

/// The path of a tarball entry without its leading "./".
fn entry_path<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let trimmed = raw.trim_start_matches("./").trim_start_matches('/');
    trimmed.to_string()
}

fn script_when(name: &str) -> Option<&'static str> {
    Some(match name {
        "preinst" => "before its files are unpacked",
        "postinst" => "after its files are unpacked, to set it up",
        "prerm" => "before it is removed or replaced",
        "postrm" => "after it is removed or replaced",
        "config" => "to ask its set-up questions",
        _ => return None,
    })
}

fn control(file: &Path) -> Result<Deb> {
    let mut fields = String::new();
    let mut conffiles = String::new();
    let mut scripts = Vec::new();
    tarball(file, "--ctrl-tarfile", |entry| {
        let name = entry_path(entry);
        let mut text = String::new();
        let limit = 1 << 20;
        match name.as_str() {
            "control" | "conffiles" => {
                entry
                    .take(limit)
                    .read_to_string(&mut text)
                    .map_err(|_| not_a_package(file, "its control file is not text"))?;
                if name == "control" {
                    fields = text;
                } else {
                    conffiles = text;
                }
            }
            n => {
                if let Some(when) = script_when(n) {
                    let mut bytes = Vec::new();
                    let _ = entry.take(limit).read_to_end(&mut bytes);
                    scripts.push(Script {
                        name: n.to_string(),
                        when: when.to_string(),
                        lines: bytes.iter().filter(|b| **b == b'\n').count() as u64,
                    });
                }
            }
        }
        Ok(())
    })?;
    let field = |name: &str| field(&fields, name);
    let package = field("Package").ok_or_else(|| not_a_package(file, "it has no name"))?;
    if !crate::maintain::apt::is_package_name(&package) {
        return Err(not_a_package(file, "its name is not a valid package name"));
    }
    let version = field("Version").ok_or_else(|| not_a_package(file, "it has no version"))?;
    let architecture =
        field("Architecture").ok_or_else(|| not_a_package(file, "it names no architecture"))?;
    let depends = [field("Pre-Depends"), field("Depends")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    scripts.sort_by_key(|s| {
        ["preinst", "postinst", "prerm", "postrm", "config"]
            .iter()
            .position(|n| *n == s.name)
    });
    Ok(Deb {
        package,
        version,
        architecture,
        maintainer: field("Maintainer").unwrap_or_default(),
        summary: field("Description")
            .map(|d| d.lines().next().unwrap_or_default().to_string())
            .unwrap_or_default(),
        homepage: field("Homepage"),
        depends,
        installed_size: field("Installed-Size")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
            .saturating_mul(1024),
        scripts,
        conffiles: conffiles
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            // "remove-on-upgrade /etc/x" marks a file dpkg drops: still its.
            .map(|l| l.rsplit(' ').next().unwrap_or(l).to_string())
            .collect(),
        services: Vec::new(),
        sources: Vec::new(),
        keys: Vec::new(),
        cron: Vec::new(),
        privileged: Vec::new(),
        files: 0,
    })
}

/// The value of `name` in a control file: the first line, and for a
/// multi-line field the lines that follow (continuations start with a
/// space or tab).
fn field(control: &str, name: &str) -> Option<String> {
    let mut lines = control.lines();
    while let Some(line) = lines.next() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if line.starts_with([' ', '\t']) || !key.eq_ignore_ascii_case(name) {
            continue;
        }
        let mut text = value.trim().to_string();
        for more in lines.by_ref() {
            if !more.starts_with([' ', '\t']) {
                break;
            }
            text.push('\n');
            text.push_str(more.trim());
        }
        return Some(text);
    }
    None
}

fn contents(file: &Path, deb: &mut Deb) -> Result<()> {
    tarball(file, "--fsys-tarfile", |entry| {
        let path = entry_path(entry);
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_dir() || path.is_empty() {
            return Ok(());
        }
        deb.files += 1;
        let shown = format!("/{path}");
        let mode = header.mode().unwrap_or(0);
        if kind.is_file() && mode & 0o6000 != 0 {
            deb.privileged.push(shown.clone());
        }
        let unit = [
            "lib/systemd/system/",
            "usr/lib/systemd/system/",
            "etc/systemd/system/",
        ]
        .iter()
        .any(|d| path.starts_with(d))
            && [".service", ".socket", ".timer"]
                .iter()
                .any(|e| path.ends_with(e));
        if unit {
            deb.services.push(shown);
        } else if path.starts_with("etc/apt/sources.list.d/") {
            deb.sources.push(shown);
        } else if [
            "etc/apt/trusted.gpg.d/",
            "etc/apt/keyrings/",
            "usr/share/keyrings/",
        ]
        .iter()
        .any(|d| path.starts_with(d))
        {
            deb.keys.push(shown);
        } else if path.starts_with("etc/cron.") || path.starts_with("var/spool/cron/") {
            deb.cron.push(shown);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTROL: &str = "Package: office-app\nVersion: 2.1-1\nArchitecture: amd64\nMaintainer: Example <ex@example.org>\nDescription: An office app\n Longer text\n on two lines.\nDepends: libc6 (>= 2.36)\n";

    #[test]
    fn reads_single_and_continued_fields() {
        assert_eq!(field(CONTROL, "package").as_deref(), Some("office-app"));
        assert_eq!(
            field(CONTROL, "Description").as_deref(),
            Some("An office app\nLonger text\non two lines.")
        );
        assert_eq!(
            field(CONTROL, "Depends").as_deref(),
            Some("libc6 (>= 2.36)")
        );
        assert_eq!(field(CONTROL, "Homepage"), None);
    }

    #[test]
    fn a_continuation_line_is_never_a_field() {
        let control = "Package: a\nDescription: x\n Version: 9\nVersion: 1\n";
        assert_eq!(field(control, "Version").as_deref(), Some("1"));
    }
}
