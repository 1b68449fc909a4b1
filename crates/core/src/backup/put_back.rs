//! Restoring a file or folder to where it belongs, or into another folder.
//! Reading the backup needs root; writing where a person keeps files must
//! not be done as root, or a link planted there could turn root's write
//! against the system. So it goes in two steps:
//! - `stage` (root): restic restores the item into root's private work
//!   folder, and it is copied, with `tar` running as the account that
//!   asked (`setpriv`), into a new hidden folder beside the destination;
//! - `place` (that account): what is at the destination is moved aside as
//!   "NAME (before restore DATE)", and the restored item is renamed into
//!   place. Nothing is overwritten.

use super::restic::Restic;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Local, Utc};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The account the restored files are written as, when it is not root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writer {
    pub uid: u32,
    pub gid: u32,
}

/// The hidden folder's name prefix, beside the destination.
const STAGING: &str = ".shipshape-restore-";

fn random_suffix() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 6];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A command with a plain environment, as `program` starts them.
fn plain(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LC_ALL", "C");
    cmd
}

/// `program` run as `writer` (or as root when there is none).
pub(super) fn as_writer(writer: Option<Writer>, program: &str) -> Command {
    match writer {
        None => plain(program),
        Some(w) => {
            let mut cmd = plain("/usr/bin/setpriv");
            cmd.arg(format!("--reuid={}", w.uid))
                .arg(format!("--regid={}", w.gid))
                .arg("--init-groups")
                .arg("--")
                .arg(program);
            cmd
        }
    }
}

fn failed_to(doing: &str, why: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("The restored files could not be {doing}: {why}."),
        "Check there is room on the disk and that you may write there, or restore to another folder.",
    )
}

/// Removes `folder` and all in it, as `writer` (or as root when there is
/// none).
pub fn remove_as(writer: Option<Writer>, staging: &Path) {
    let _ = as_writer(writer, "/bin/rm")
        .arg("-rf")
        .arg("--")
        .arg(staging)
        .status();
}

/// Restores `path` of `snapshot` and copies it, as `writer`, into a new
/// hidden folder in `parent`; answers that folder. Without a writer the
/// files are written as root, which `parent` must then be safe for.
pub fn stage(
    r: &Restic<'_>,
    work: &Path,
    snapshot: &str,
    path: &str,
    parent: &Path,
    writer: Option<Writer>,
    cancel: &crate::progress::Cancel,
) -> Result<PathBuf> {
    let snapshot = super::browse::checked_snapshot(snapshot)?;
    let path = super::browse::checked_inside(path)?;
    let meta = std::fs::symlink_metadata(parent).map_err(|e| Error::io("look at", parent, &e))?;
    if !meta.is_dir() {
        return Err(Error::invalid_input(
            format!("{} is not a folder to restore into.", parent.display()),
            "Choose a folder that exists.",
        ));
    }
    if writer.is_none() {
        crate::admin::safe_path::check(parent)?;
    }
    let inside = work.join(format!("restore-{}", random_suffix()));
    let result = (|| {
        let target = inside.to_string_lossy().into_owned();
        let include = super::restic::include_exactly(path);
        r.ok(
            &["restore", snapshot, "--target", &target, &include],
            Some(cancel),
        )?;
        let item = inside.join(path.trim_start_matches('/'));
        if std::fs::symlink_metadata(&item).is_err() {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("{path} is not in snapshot {snapshot}."),
                "Browse the snapshot again and choose what is listed.",
            ));
        }
        if cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        let staging = parent.join(format!("{STAGING}{}", random_suffix()));
        let made = as_writer(writer, "/bin/mkdir")
            .arg("-m")
            .arg("700")
            .arg("--")
            .arg(&staging)
            .stderr(Stdio::null())
            .status()
            .map_err(|e| failed_to("written", e))?;
        if !made.success() {
            return Err(Error::new(
                ErrorCode::NeedsAdmin,
                format!(
                    "You may not write in {}, so nothing was restored there.",
                    parent.display()
                ),
                "Restore to another folder, one of your own.",
            ));
        }
        copy(&item, &staging, writer).inspect_err(|_| remove_as(writer, &staging))?;
        Ok(staging)
    })();
    let _ = std::fs::remove_dir_all(&inside);
    result
}

/// `tar` as root reading `item`, into `tar` as `writer` writing `into`.
fn copy(item: &Path, into: &Path, writer: Option<Writer>) -> Result<()> {
    let (from, name) = match (item.parent(), item.file_name()) {
        (Some(p), Some(n)) => (p, n),
        _ => return Err(Error::internal("A restored item has no name.")),
    };
    let mut reader = plain("/bin/tar")
        .arg("-C")
        .arg(from)
        .args(["-cf", "-", "--"])
        .arg(name)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failed_to("read", e))?;
    let Some(out) = reader.stdout.take() else {
        return Err(failed_to("read", "tar gave no output"));
    };
    let written = as_writer(writer, "/bin/tar")
        .arg("-C")
        .arg(into)
        .args(["-xpf", "-"])
        .stdin(Stdio::from(out))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let read = reader.wait();
    let written = written.map_err(|e| failed_to("written", e))?;
    if !written.status.success() {
        let said = String::from_utf8_lossy(&written.stderr);
        return Err(failed_to("written", said.trim()));
    }
    match read {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(failed_to("read", status)),
        Err(e) => Err(failed_to("read", e)),
    }
}

/// Where the item now at `dest` is kept: "NAME (before restore DATE)",
/// before a file's extension; a number is added while that name is taken.
fn kept_name(dest: &Path, is_dir: bool, now: DateTime<Utc>) -> PathBuf {
    let stamp = now.with_timezone(&Local).format("%Y-%m-%d %H.%M");
    let name = dest.file_name().unwrap_or(OsStr::new("restored"));
    let bytes = name.as_bytes();
    let split = if is_dir {
        None
    } else {
        bytes.iter().rposition(|&b| b == b'.').filter(|&i| i > 0)
    };
    let (stem, ext) = match split {
        Some(i) => (&bytes[..i], &bytes[i..]),
        None => (bytes, &b""[..]),
    };
    let at = |n: u32| {
        let mut made = stem.to_vec();
        made.extend_from_slice(format!(" (before restore {stamp}").as_bytes());
        if n > 1 {
            made.extend_from_slice(format!(" {n}").as_bytes());
        }
        made.push(b')');
        made.extend_from_slice(ext);
        dest.with_file_name(OsStr::from_bytes(&made))
    };
    (1..)
        .map(at)
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| at(1))
}

/// Moves the item `stage` put in `staging` to `dest`, keeping what is
/// there beside it; answers where the old one was kept. Run as the
/// account the files belong to.
pub fn place(staging: &Path, dest: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    let name = dest.file_name().ok_or_else(|| {
        Error::invalid_input(
            "There is nothing to restore to at /.",
            "Choose a file or folder inside it.",
        )
    })?;
    let staged = staging.join(name);
    let kept = match std::fs::symlink_metadata(dest) {
        Ok(meta) => {
            let kept = kept_name(dest, meta.is_dir(), now);
            std::fs::rename(dest, &kept).map_err(|e| Error::io("move aside", dest, &e))?;
            Some(kept)
        }
        Err(_) => None,
    };
    if let Err(e) = std::fs::rename(&staged, dest) {
        if let Some(k) = &kept {
            let _ = std::fs::rename(k, dest);
        }
        return Err(Error::io("put back", dest, &e));
    }
    let _ = std::fs::remove_dir(staging);
    Ok(kept)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn what_is_there_is_kept_beside_the_restored_one() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("offer.txt");
        std::fs::write(&dest, "today's").unwrap();
        let staging = dir.path().join(".shipshape-restore-x");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("offer.txt"), "backed up").unwrap();
        let now = at("2026-12-04T18:45:00Z");
        let kept = place(&staging, &dest, now).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "backed up");
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "today's");
        let kept_name = kept.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            kept_name.starts_with("offer (before restore 2026-12-04 "),
            "{kept_name}"
        );
        assert!(kept_name.ends_with(").txt"), "{kept_name}");
        assert!(!staging.exists(), "the hidden folder is gone");

        // Again: the second old copy gets a number, nothing is overwritten.
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("offer.txt"), "again").unwrap();
        let second = place(&staging, &dest, now).unwrap().unwrap();
        assert_ne!(second, kept);
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "today's");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "backed up");
    }

    #[test]
    fn a_folder_keeps_its_whole_name_and_nothing_there_means_nothing_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("letters.2026");
        let staging = dir.path().join(".shipshape-restore-y");
        std::fs::create_dir_all(staging.join("letters.2026")).unwrap();
        assert_eq!(place(&staging, &dest, Utc::now()).unwrap(), None);
        assert!(dest.is_dir());
        let old = kept_name(&dest, true, at("2026-12-04T18:45:00Z"));
        assert!(
            old.to_string_lossy()
                .contains("letters.2026 (before restore"),
            "{old:?}"
        );
    }
}
