//! Carrying out one step: a file written whole through a temporary file
//! and a rename (a reader, or a crash, sees the old file or the new one,
//! never half of one), with its owner and mode set before it takes the
//! file's place; permissions changed in place; a kernel setting written.

use super::backup::Backups;
use super::change::{FileState, Step};
use crate::harden::target::Target;
use crate::{Error, ErrorCode, Result};
use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

pub fn step(root: &Path, backups: &Backups, step: &Step) -> Result<()> {
    match step {
        Step::File {
            path,
            before,
            after,
        } => {
            // The content comes from root's own backups, read before the
            // write may take an account's rights.
            let content = match (before, after) {
                (Some(b), Some(a)) if b.same_content(a) => None,
                (_, Some(a)) => Some(backups.get(&a.sha256)?),
                (_, None) => None,
            };
            crate::as_account::on(root, path, &Target::shown(path), || {
                let target = under(root, path)?;
                match (after, content) {
                    (None, _) => {
                        fs::remove_file(&target).map_err(|e| refused("remove", &target, &e))
                    }
                    (Some(a), None) => permissions(&target, a),
                    (Some(a), Some(bytes)) => put(&target, &bytes, a),
                }
            })
        }
        Step::Kernel { path, after, .. } => {
            let target = under(root, path)?;
            fs::write(&target, format!("{}\n", after.trim()))
                .map_err(|e| refused("change the kernel setting", &target, &e))
        }
        Step::Link { path, after, .. } => {
            let link = under(root, path)?;
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

/// Where `rel` is under `root`, links in its folders resolved inside the
/// root (the last name is never followed): a write goes exactly where the
/// scan read.
pub fn under(root: &Path, rel: &str) -> Result<std::path::PathBuf> {
    crate::host::resolve_in(root, rel, false).map_err(|e| Error::io("find", &root.join(rel), &e))
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

/// New owner and mode for the file or folder at `path`, opened without
/// following a link and without waiting on a FIFO; nothing else is
/// changed in place.
fn permissions(path: &Path, state: &FileState) -> Result<()> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| refused("open", path, &e.into()))?;
    let file = File::from(fd);
    let meta = file.metadata().map_err(|e| refused("open", path, &e))?;
    if !(meta.is_file() || meta.is_dir()) {
        return Err(Error::invalid_input(
            format!(
                "{} is neither a file nor a folder now, so Shipshape left it alone.",
                path.display()
            ),
            "Look at it by hand.",
        ));
    }
    owner(&file, path, state)
}

/// Writes `bytes` as `path` with the owner and mode of `state`, through
/// the one atomic writer.
fn put(path: &Path, bytes: &[u8], state: &FileState) -> Result<()> {
    let options = crate::atomic_file::Options {
        mode: Some(state.mode),
        owner: Some((state.uid, state.gid)),
    };
    crate::atomic_file::write_io(path, bytes, options)
        .map_err(|f| refused(f.doing, &f.path, &f.err))
}
