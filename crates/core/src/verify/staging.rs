//! Staging: the download is copied into a private folder while it is
//! hashed, so the bytes installed later are exactly the bytes verified.

use super::Algorithm;
use super::file::{self, FileDigests};
use super::hash::hash_stream;
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use std::fs::{self, DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The staging folder inside a data folder.
pub fn staging_root(data_dir: &Path) -> PathBuf {
    data_dir.join("staging")
}

/// Removes the folder it guards unless disarmed: cancelled or failed
/// staging leaves nothing behind.
struct Cleanup(Option<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Copies `file` into a new private folder under `root` (mode 0700) while
/// hashing it. Returns the staged copy (read-only) and the digests of
/// exactly its bytes.
pub fn stage(
    file: &Path,
    root: &Path,
    algorithms: &[Algorithm],
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(PathBuf, FileDigests)> {
    let mut opened = file::open(file)?;
    let name = file.file_name().ok_or_else(|| {
        Error::invalid_input(
            format!("{} has no file name.", file.display()),
            "Choose a file.",
        )
    })?;
    let size = opened.size;
    let (staged, digests, read) = stage_stream(
        &mut opened.file,
        name,
        size,
        root,
        algorithms,
        progress,
        cancel,
    )?;
    if let Err(e) = opened.check_unchanged(read) {
        discard(&staged);
        return Err(e);
    }
    Ok((
        staged,
        FileDigests {
            path: file.display().to_string(),
            link_target: opened
                .link_target
                .as_deref()
                .map(|p| p.display().to_string()),
            size,
            digests,
        },
    ))
}

/// `stage` for bytes that come from `reader` (`size` of them expected, 0
/// when unknown), kept as `name`: the staged copy, its digests and how
/// many bytes were read.
pub fn stage_stream(
    reader: &mut (dyn std::io::Read + Send),
    name: &std::ffi::OsStr,
    size: u64,
    root: &Path,
    algorithms: &[Algorithm],
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<(PathBuf, Vec<super::hash::Digest>, u64)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let private = |dir: &Path| {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io("create the staging folder", dir, &e))
    };
    private(root)?;
    let folder = root.join(format!(
        "{}-{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S"),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    private(&folder)?;
    // The mode is set again in case the umask or an existing folder differs.
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io("protect", &folder, &e))?;
    let mut cleanup = Cleanup(Some(folder.clone()));
    let staged = folder.join(name);
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&staged)
        .map_err(|e| Error::io("create", &staged, &e))?;
    let (digests, read) = hash_stream(reader, algorithms, size, progress, cancel, &mut |bytes| {
        out.write_all(bytes)
            .map_err(|e| Error::io("write", &staged, &e))
    })?;
    out.sync_all()
        .map_err(|e| Error::io("flush", &staged, &e))?;
    fs::set_permissions(&staged, fs::Permissions::from_mode(0o400))
        .map_err(|e| Error::io("protect", &staged, &e))?;
    cleanup.0 = None;
    Ok((staged, digests, read))
}

/// Removes a staged copy and its private folder.
pub fn discard(staged: &Path) {
    if let Some(folder) = staged.parent() {
        let _ = fs::remove_dir_all(folder);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use crate::verify::hash::hash_bytes;

    #[test]
    fn the_staged_copy_is_private_read_only_and_byte_identical() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("setup.bin");
        let bytes: Vec<u8> = (0..9_000_000u32).map(|i| (i % 253) as u8).collect();
        fs::write(&src, &bytes).unwrap();
        let root = tmp.path().join("staging");
        let (staged, digests) = stage(
            &src,
            &root,
            &[Algorithm::Sha256],
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(fs::read(&staged).unwrap(), bytes);
        assert_eq!(
            digests.digests[0].hex,
            hash_bytes(&bytes, Algorithm::Sha256)
        );
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(staged.parent().unwrap()), 0o700);
        assert_eq!(mode(&staged), 0o400);
        discard(&staged);
        assert_eq!(fs::read_dir(&root).unwrap().count(), 0);
    }

    #[test]
    fn cancelling_midway_leaves_nothing_staged() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("big.bin");
        fs::write(&src, vec![7u8; 20 << 20]).unwrap();
        let root = tmp.path().join("staging");
        let cancel = Cancel::new();
        let stop_after_first_chunk = |done: u64, _total: u64| {
            if done > 0 {
                cancel.cancel();
            }
        };
        let err = stage(
            &src,
            &root,
            &[Algorithm::Sha256],
            &stop_after_first_chunk,
            &cancel,
        )
        .unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::Cancelled);
        assert_eq!(
            fs::read_dir(&root).unwrap().count(),
            0,
            "no staged leftovers"
        );
    }
}
