//! Writing files so that a reader sees the old content or the new, never half.

use crate::{Error, Result};
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Tells apart the temporary files of writes running at once in one process.
static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` through a temporary file in the same folder:
/// write, fsync, rename, fsync the folder. An existing file keeps its mode.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::invalid_input(
            format!("{} is a folder, not a file.", path.display()),
            "Choose a file name inside the folder.",
        ));
    }
    let name = path.file_name().ok_or_else(|| {
        Error::invalid_input(
            format!("{} has no file name.", path.display()),
            "Give a file name.",
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = File::create(&tmp).map_err(|e| Error::io("create", &tmp, &e))?;
        file.write_all(bytes)
            .map_err(|e| Error::io("write", &tmp, &e))?;
        if let Ok(meta) = fs::metadata(path) {
            let mode = meta.permissions().mode();
            fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io("set permissions on", &tmp, &e))?;
        }
        file.sync_all().map_err(|e| Error::io("flush", &tmp, &e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io("replace", path, &e))?;
        // The rename is durable only once the folder entry is on disk.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
