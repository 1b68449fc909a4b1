//! Opening the file to check: say plainly what is wrong with it (missing, a
//! folder, empty, a link), and notice when it changes while being read.

use super::Algorithm;
use super::hash::{Digest, hash_stream};
use crate::progress::{Cancel, Progress};
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, Metadata};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// A file's digests and what was learned about the file on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileDigests {
    /// The path as given.
    pub path: String,
    /// Where the path pointed, when it was a symbolic link.
    pub link_target: Option<String>,
    #[ts(type = "number")]
    pub size: u64,
    pub digests: Vec<Digest>,
}

/// An open regular file with the metadata it had when opened.
#[derive(Debug)]
pub struct OpenedFile {
    pub file: File,
    pub path: PathBuf,
    pub link_target: Option<PathBuf>,
    pub size: u64,
    stamp: Stamp,
}

/// What tells us the file did not change under us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
    inode: u64,
}

impl Stamp {
    fn of(m: &Metadata) -> Self {
        Stamp {
            size: m.len(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
            inode: m.ino(),
        }
    }
}

fn show(path: &Path) -> String {
    path.display().to_string()
}

/// Opens `path` for checking. A link is followed and its target reported.
pub fn open(path: &Path) -> Result<OpenedFile> {
    let link_meta = fs::symlink_metadata(path).map_err(|e| not_readable(path, &e))?;
    let link_target = if link_meta.file_type().is_symlink() {
        let target = fs::read_link(path).map_err(|e| not_readable(path, &e))?;
        let resolved = fs::canonicalize(path).map_err(|_| {
            Error::invalid_input(
                format!(
                    "{} is a link to {}, which does not exist.",
                    show(path),
                    show(&target)
                ),
                "Check the file the link should point to, or choose the installer itself.",
            )
        })?;
        Some(resolved)
    } else {
        None
    };
    let meta = fs::metadata(path).map_err(|e| not_readable(path, &e))?;
    if meta.is_dir() {
        return Err(Error::invalid_input(
            format!("{} is a folder, not a file.", show(path)),
            "Choose the installer file inside the folder.",
        ));
    }
    if !meta.is_file() {
        return Err(Error::invalid_input(
            format!(
                "{} is not a regular file (it is a device, pipe or socket).",
                show(path)
            ),
            "Choose the downloaded installer file.",
        ));
    }
    let file = File::open(path).map_err(|e| not_readable(path, &e))?;
    let opened = file.metadata().map_err(|e| not_readable(path, &e))?;
    Ok(OpenedFile {
        file,
        path: path.to_path_buf(),
        link_target,
        size: opened.len(),
        stamp: Stamp::of(&opened),
    })
}

/// Opens a download about to be verified. Unlike hashing (`sha256sum` hashes
/// an empty file, and release folders list them), an empty installer is
/// refused: it is almost always a download that failed.
pub fn open_download(path: &Path) -> Result<OpenedFile> {
    let opened = open(path)?;
    if opened.size == 0 {
        return Err(Error::invalid_input(
            format!("{} is empty (0 bytes).", show(path)),
            "The download probably failed. Download the installer again.",
        ));
    }
    Ok(opened)
}

fn not_readable(path: &Path, e: &std::io::Error) -> Error {
    let mut err = Error::io("read", path, e);
    if e.kind() == std::io::ErrorKind::NotFound {
        err.code = ErrorCode::NotFound;
    }
    err
}

impl OpenedFile {
    /// Fails when the file was changed, replaced or resized since `open`, or
    /// when fewer or more bytes were read than it had.
    pub fn check_unchanged(&self, bytes_read: u64) -> Result<()> {
        let now_open = self.file.metadata().map(|m| Stamp::of(&m)).ok();
        let now_path = fs::metadata(&self.path).map(|m| Stamp::of(&m)).ok();
        if bytes_read != self.size || now_open != Some(self.stamp) || now_path != Some(self.stamp) {
            return Err(Error::new(
                ErrorCode::FileChanged,
                format!(
                    "{} changed while Shipshape was reading it, so the result cannot be trusted.",
                    show(&self.path)
                ),
                "Wait until the download has finished, then check the file again.",
            ));
        }
        Ok(())
    }
}

/// Hashes a file with every algorithm in one pass, refusing a result when
/// the file changed meanwhile.
pub fn hash_file(
    path: &Path,
    algorithms: &[Algorithm],
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<FileDigests> {
    let mut opened = open(path)?;
    let size = opened.size;
    let (digests, read) = hash_stream(
        &mut opened.file,
        algorithms,
        size,
        progress,
        cancel,
        &mut |_| Ok(()),
    )?;
    opened.check_unchanged(read)?;
    Ok(FileDigests {
        path: show(path),
        link_target: opened.link_target.as_deref().map(show),
        size,
        digests,
    })
}

/// Hashing with nobody watching a progress bar. BLAKE3 alone then reads
/// the file through a memory map, window by window, with every core at
/// once, as `b3sum` does (about twice as fast as streaming it); everything
/// else streams.
fn hash_file_batch(path: &Path, algorithms: &[Algorithm], cancel: &Cancel) -> Result<FileDigests> {
    if algorithms != [Algorithm::Blake3] {
        return hash_file(path, algorithms, &crate::progress::NoProgress, cancel);
    }
    let opened = open(path)?;
    let mut hasher = blake3::Hasher::new();
    super::mapped::for_each_window(&opened.file, path, opened.size, &mut |window| {
        cancel.check()?;
        hasher.update_rayon(window);
        Ok(())
    })?;
    opened.check_unchanged(opened.size)?;
    Ok(FileDigests {
        path: show(path),
        link_target: opened.link_target.as_deref().map(show),
        size: opened.size,
        digests: vec![super::hash::Digest {
            algorithm: Algorithm::Blake3,
            hex: hasher.finalize().to_hex().to_string(),
        }],
    })
}

/// Hashes many files at once, one per core, keeping the input order in the
/// result. Each file succeeds or fails on its own.
pub fn hash_many(
    paths: &[PathBuf],
    algorithms: &[Algorithm],
    cancel: &Cancel,
) -> Vec<Result<FileDigests>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(paths.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<FileDigests>>>> =
        Mutex::new((0..paths.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let result = hash_file_batch(path, algorithms, cancel);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::internal("A file was skipped."))))
        .collect()
}
