//! The one way Shipshape writes a file, so that a reader sees the old
//! content or the new, never half, and a planted link cannot redirect it.
//!
//! Everything happens through a handle on the target's folder: the
//! temporary file is created in it with `O_CREAT|O_EXCL|O_NOFOLLOW` (a
//! name someone planted there is never opened), its owner and mode are set
//! on the open file, it is flushed, renamed within the folder, and the
//! folder is flushed so the rename survives a crash. Callers that must not
//! leave a root (a fixture, a mounted disk) resolve the folder inside it
//! first and pass the resolved folder.

use crate::{Error, Result};
use rustix::fs::{AtFlags, Mode, OFlags};
use std::ffi::OsStr;
use std::fs::File;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Tells apart the temporary files of writes running at once in one process.
static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// Who the written file belongs to and who may use it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Permission bits; `None` keeps those of the file being replaced
    /// (0600 for a new file, whatever the umask).
    pub mode: Option<u32>,
    /// Owner and group; `None` leaves them to the writing account.
    pub owner: Option<(u32, u32)>,
}

/// Writes `bytes` to `path`; an existing file keeps its mode.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, bytes, Options::default())
}

/// Writes `bytes` to `path` with the owner and mode in `options`.
pub fn write_with(path: &Path, bytes: &[u8], options: Options) -> Result<()> {
    write_io(path, bytes, options).map_err(Failure::into_error)
}

/// What went wrong in a write, for callers that tell the user more than
/// `Error::io` does (a full disk, a file only root may change).
#[derive(Debug)]
pub struct Failure {
    pub doing: &'static str,
    pub path: PathBuf,
    pub err: std::io::Error,
}

impl Failure {
    pub fn into_error(self) -> Error {
        if self.err.kind() == std::io::ErrorKind::IsADirectory {
            return Error::invalid_input(
                format!("{} is a folder, not a file.", self.path.display()),
                "Choose a file name inside the folder.",
            );
        }
        Error::io(self.doing, &self.path, &self.err)
    }
}

fn failed(doing: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Failure {
    let path = path.to_path_buf();
    move |err| Failure { doing, path, err }
}

/// `write_with`, answering with what failed.
pub fn write_io(path: &Path, bytes: &[u8], options: Options) -> std::result::Result<(), Failure> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(Failure {
            doing: "write",
            path: path.to_path_buf(),
            err: std::io::ErrorKind::IsADirectory.into(),
        });
    };
    let folder = open_folder(dir).map_err(failed("open the folder", dir))?;
    write_in(&folder, dir, name, bytes, options)
}

/// A handle on the folder `dir`; the folder itself may not be a link.
pub fn open_folder(dir: &Path) -> std::io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        dir,
        OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Writes `name` inside the open folder `folder` (shown as `dir`).
pub fn write_in(
    folder: &OwnedFd,
    dir: &Path,
    name: &OsStr,
    bytes: &[u8],
    options: Options,
) -> std::result::Result<(), Failure> {
    let shown = dir.join(name);
    let existing = rustix::fs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).ok();
    let kind = existing
        .as_ref()
        .map(|s| rustix::fs::FileType::from_raw_mode(s.st_mode));
    if kind.is_some_and(|k| k.is_dir()) {
        return Err(Failure {
            doing: "write",
            path: shown,
            err: std::io::ErrorKind::IsADirectory.into(),
        });
    }
    let mode = options.mode.unwrap_or_else(|| match (&existing, kind) {
        (Some(s), Some(k)) if k.is_file() => s.st_mode & 0o7777,
        _ => 0o600,
    });
    let tmp = format!(
        ".{}.tmp-{}-{}-{:016x}",
        name.to_string_lossy(),
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed),
        rand::random::<u64>()
    );
    let fd = rustix::fs::openat(
        folder,
        tmp.as_str(),
        OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|e| failed("create", &dir.join(&tmp))(e.into()))?;
    let result = (|| {
        let mut file = File::from(fd);
        file.write_all(bytes).map_err(failed("write", &shown))?;
        if let Some((uid, gid)) = options.owner {
            rustix::fs::fchown(
                &file,
                Some(rustix::fs::Uid::from_raw(uid)),
                Some(rustix::fs::Gid::from_raw(gid)),
            )
            .map_err(|e| failed("set the owner of", &shown)(e.into()))?;
        }
        // After fchown, which clears set-ID bits.
        rustix::fs::fchmod(&file, Mode::from_raw_mode(mode))
            .map_err(|e| failed("set permissions on", &shown)(e.into()))?;
        file.sync_all().map_err(failed("flush", &shown))?;
        rustix::fs::renameat(folder, tmp.as_str(), folder, name)
            .map_err(|e| failed("replace", &shown)(e.into()))?;
        // The rename is durable only once the folder entry is on disk.
        let _ = rustix::fs::fsync(folder);
        Ok(())
    })();
    if result.is_err() {
        let _ = rustix::fs::unlinkat(folder, tmp.as_str(), AtFlags::empty());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_new_file_is_private_whatever_the_umask() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("new.json");
        write(&path, b"{}").expect("atomic write");
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!(meta.mode() & 0o7777, 0o600);
        write_with(
            &path,
            b"{}",
            Options {
                mode: Some(0o644),
                owner: None,
            },
        )
        .expect("atomic write");
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!(meta.mode() & 0o7777, 0o644);
    }

    #[test]
    fn a_link_as_the_folder_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        let link = dir.path().join("folder");
        std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
        assert!(write(&link.join("x"), b"bytes").is_err());
        assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
    }

    #[test]
    fn a_link_at_the_target_is_replaced_never_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let canary = dir.path().join("canary");
        std::fs::write(&canary, "keep").expect("write");
        let path = dir.path().join("file");
        std::os::unix::fs::symlink(&canary, &path).expect("symlink");
        write(&path, b"new").expect("atomic write");
        assert_eq!(std::fs::read_to_string(&canary).expect("read"), "keep");
        assert!(
            !std::fs::symlink_metadata(&path)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
    }
}
