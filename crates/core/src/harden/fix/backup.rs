//! The backups of files touched by fixes: one file per content, named by
//! its SHA-256, so the same content is kept once and a damaged backup is
//! caught before it is ever restored.

use super::change::checksum;
use crate::{Error, ErrorCode, Result};
use std::fs::{self, DirBuilder};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Room left over after the backups, so a fix never fills the disk.
const SPARE: u64 = 1024 * 1024;

/// The backups folder. Only its owner may read it: it holds copies of
/// files such as /etc/shadow.
#[derive(Debug, Clone)]
pub struct Backups {
    dir: PathBuf,
}

impl Backups {
    /// The backups folder inside the data folder, created if needed. As
    /// root it must be root's own folder: copies of /etc/shadow never go
    /// where a normal user could have placed a folder of theirs.
    pub fn open(data_dir: &Path) -> Result<Backups> {
        let dir = data_dir.join("backups");
        if !dir.is_dir() {
            DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&dir)
                .map_err(|e| Error::io("create", &dir, &e))?;
        }
        let meta = fs::symlink_metadata(&dir).map_err(|e| Error::io("read", &dir, &e))?;
        let me = rustix::process::geteuid().as_raw();
        if meta.file_type().is_symlink() || meta.uid() != me || meta.mode() & 0o077 != 0 {
            return Err(Error::invalid_input(
                format!(
                    "{} is not a private folder of this account, so no backups are kept there.",
                    dir.display()
                ),
                "Move it aside (Shipshape makes a new one), then try again.",
            ));
        }
        Ok(Backups { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(sha256)
    }

    /// Keeps every content in `blobs`; returns the checksums that were new
    /// (to `forget` if the fix does not go ahead). Refused, with nothing
    /// kept, when the disk lacks room for them.
    pub fn keep_all(&self, blobs: &[Vec<u8>]) -> Result<Vec<String>> {
        let mut new: Vec<(String, &[u8])> = Vec::new();
        for b in blobs {
            let sha = checksum(b);
            if !new.iter().any(|(s, _)| *s == sha) && !self.is_kept(&sha) {
                new.push((sha, b));
            }
        }
        let needed: u64 = new.iter().map(|(_, b)| b.len() as u64).sum::<u64>() + SPARE;
        let free = rustix::fs::statvfs(&self.dir)
            .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
            .map_err(|e| Error::io("check the free space of", &self.dir, &e.into()))?;
        if free < needed {
            return Err(no_space(&self.dir, needed, free));
        }
        let mut written = Vec::new();
        for (sha, bytes) in &new {
            if let Err(e) = self.write(sha, bytes) {
                self.forget(&written);
                return Err(e);
            }
            written.push(sha.clone());
        }
        Ok(written)
    }

    /// Whether a sound backup of `sha256` is kept.
    fn is_kept(&self, sha256: &str) -> bool {
        fs::read(self.path(sha256)).is_ok_and(|b| checksum(&b) == sha256)
    }

    fn write(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let options = crate::atomic_file::Options {
            mode: Some(0o600),
            owner: None,
        };
        crate::atomic_file::write_io(&self.path(sha256), bytes, options).map_err(|f| {
            match f.err.kind() {
                // A full disk is "no room for the backup", with what to do.
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                    no_space(&self.dir, 0, 0)
                }
                _ => f.into_error(),
            }
        })
    }

    /// Removes backups written for a fix that did not go ahead.
    pub fn forget(&self, sha256s: &[String]) {
        for sha in sha256s {
            let _ = fs::remove_file(self.path(sha));
        }
    }

    /// The content with checksum `sha256`, checked before it is used.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path(sha256);
        let bytes = fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::new(
                ErrorCode::NotFound,
                format!("The backup {} is missing.", path.display()),
                "Without it this change cannot be turned back; restore the file from your own backups.",
            ),
            _ => Error::io("read the backup", &path, &e),
        })?;
        if checksum(&bytes) != sha256 {
            return Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "The backup {} is damaged: its checksum does not match.",
                    path.display()
                ),
                "It was not used. Restore the file from your own backups.",
            ));
        }
        Ok(bytes)
    }
}

fn no_space(dir: &Path, needed: u64, free: u64) -> Error {
    let amounts = if needed > 0 {
        format!(
            " (it needs {} KiB, {} KiB are free)",
            needed / 1024,
            free / 1024
        )
    } else {
        String::new()
    };
    Error::new(
        ErrorCode::Io,
        format!("There is no room to back up the files first{amounts}, so nothing was changed."),
        format!(
            "Free some space on the disk that holds {}, then try again.",
            dir.display()
        ),
    )
}
