//! Carrying out one step: a file written whole through a temporary file
//! and a rename (a reader, or a crash, sees the old file or the new one,
//! never half of one), with its owner and mode set before it takes the
//! file's place; permissions changed in place; a kernel setting written.

use super::backup::Backups;
use super::change::{FileState, Step};
use crate::{Error, ErrorCode, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

pub fn step(root: &Path, backups: &Backups, step: &Step) -> Result<()> {
    match step {
        Step::File {
            path,
            before,
            after,
        } => {
            let target = root.join(path);
            match (before, after) {
                (_, None) => fs::remove_file(&target).map_err(|e| refused("remove", &target, &e)),
                (Some(b), Some(a)) if b.same_content(a) => permissions(&target, a),
                (_, Some(a)) => put(&target, &backups.get(&a.sha256)?, a),
            }
        }
        Step::Kernel { path, after, .. } => {
            let target = root.join(path);
            fs::write(&target, format!("{}\n", after.trim()))
                .map_err(|e| refused("change the kernel setting", &target, &e))
        }
        Step::Link { path, after, .. } => {
            let link = root.join(path);
            match after {
                None => fs::remove_file(&link).map_err(|e| refused("remove", &link, &e)),
                Some(target) => std::os::unix::fs::symlink(target, &link)
                    .map_err(|e| refused("create the link", &link, &e)),
            }
        }
        Step::Running { unit, after, .. } => super::service::set_running(unit, *after),
        // Only this computer's services run; a fixture's files have none.
        Step::Restart { unit, reload } if root == Path::new("/") => {
            super::service::restart(unit, *reload)
        }
        Step::Restart { .. } => Ok(()),
    }
}

/// Where the link at `path` points; `None` when there is nothing there. A
/// file that is not a link is refused.
pub fn read_link(path: &Path) -> Result<Option<String>> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path, &e)),
        Ok(m) if !m.file_type().is_symlink() => Err(Error::invalid_input(
            format!(
                "{} is not a link, so Shipshape will not change it.",
                path.display()
            ),
            "Look at it by hand.",
        )),
        Ok(_) => fs::read_link(path)
            .map(|t| Some(t.to_string_lossy().into_owned()))
            .map_err(|e| Error::io("read", path, &e)),
    }
}

/// A kernel setting's value as /proc/sys shows it.
pub fn read_kernel(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| Error::io("read", path, &e))
}

/// An I/O failure; "permission denied" means the change needs an
/// administrator.
fn refused(doing: &str, path: &Path, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        return Error::new(
            ErrorCode::NeedsAdmin,
            format!("Only an administrator may change {}.", path.display()),
            "Run the fix as an administrator (sudo shipshape fix …), or from the app, which asks for the administrator's password.",
        );
    }
    Error::io(doing, path, e)
}

fn owner(file: &File, path: &Path, state: &FileState) -> Result<()> {
    std::os::unix::fs::fchown(file, Some(state.uid), Some(state.gid))
        .map_err(|e| refused("set the owner of", path, &e))?;
    file.set_permissions(fs::Permissions::from_mode(state.mode))
        .map_err(|e| refused("set the permissions of", path, &e))
}

fn permissions(path: &Path, state: &FileState) -> Result<()> {
    let file = File::open(path).map_err(|e| refused("open", path, &e))?;
    owner(&file, path, state)
}

/// Writes `bytes` as `path` with the owner and mode of `state`.
fn put(path: &Path, bytes: &[u8], state: &FileState) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.shipshape-{}-{}",
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| refused("write", path, &e))?;
        file.write_all(bytes)
            .map_err(|e| refused("write", path, &e))?;
        owner(&file, path, state)?;
        file.sync_all().map_err(|e| refused("write", path, &e))?;
        fs::rename(&tmp, path).map_err(|e| refused("replace", path, &e))?;
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
