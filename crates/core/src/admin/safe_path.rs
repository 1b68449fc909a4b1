//! Whether root may trust a path: no folder on the way to it can be
//! changed by another account, so nobody can swap a folder or plant a link
//! between root's check and root's use.

use crate::{Error, ErrorCode, Result};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// The sticky bit: in such a folder (like /tmp) only an entry's owner may
/// rename or remove it.
const STICKY: u32 = 0o1000;

/// Refuses `path` unless every part of it that exists, from "/" down, is
/// a real folder or file (no link) owned by root or by this account, and
/// writable by nobody else. A sticky folder such as /tmp may be on the
/// way, since others cannot move what is ours in it; it may not be `path`
/// itself.
pub fn check(path: &Path) -> Result<()> {
    let me = rustix::process::geteuid().as_raw();
    if !path.is_absolute() {
        return Err(unsafe_path(path, path, "it is not a full path"));
    }
    let mut here = PathBuf::from("/");
    let mut parts: Vec<PathBuf> = vec![here.clone()];
    for c in path.components() {
        match c {
            Component::Normal(n) => {
                here.push(n);
                parts.push(here.clone());
            }
            Component::ParentDir => {
                return Err(unsafe_path(path, path, "it climbs with \"..\""));
            }
            _ => {}
        }
    }
    let last = parts.len() - 1;
    let mut in_shared = false;
    for (i, part) in parts.iter().enumerate() {
        let meta = match std::fs::symlink_metadata(part) {
            Ok(m) => m,
            // Someone else could make it first in a shared folder.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && in_shared => {
                return Err(unsafe_path(
                    path,
                    part,
                    "it does not exist yet, in a shared folder",
                ));
            }
            // What does not exist yet will be made by us, inside what was checked.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("look at", part, &e)),
        };
        if meta.file_type().is_symlink() {
            return Err(unsafe_path(path, part, "it is a symbolic link"));
        }
        if meta.uid() != 0 && meta.uid() != me {
            return Err(unsafe_path(
                path,
                part,
                &format!("it belongs to another account (uid {})", meta.uid()),
            ));
        }
        let others_write = meta.mode() & 0o022 != 0;
        let sticky_on_the_way = meta.is_dir() && meta.mode() & STICKY != 0 && i < last;
        if others_write && !sticky_on_the_way {
            return Err(unsafe_path(path, part, "other accounts may change it"));
        }
        in_shared = others_write;
    }
    Ok(())
}

fn unsafe_path(path: &Path, part: &Path, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "{} is not safe for administrator rights: {} ({why}).",
            path.display(),
            part.display()
        ),
        "Use a folder that only root (or you, as root) can change, such as the default data folder.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_private_folder_is_safe_and_what_does_not_exist_yet_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        check(dir.path()).expect("a private temporary folder");
        check(&dir.path().join("not/yet")).expect("made later, inside");
    }

    #[test]
    fn links_shared_folders_and_relative_paths_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).expect("symlink");
        assert!(check(&link.join("data")).is_err());
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        assert!(check(&shared.join("data")).is_err());
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).expect("chmod");
        assert!(check(&shared).is_err(), "a sticky folder itself");
        assert!(
            check(&shared.join("data")).is_err(),
            "not made yet in a sticky folder"
        );
        std::fs::create_dir(shared.join("data")).expect("mkdir");
        assert!(
            check(&shared.join("data")).is_ok(),
            "ours inside a sticky folder"
        );
        assert!(check(Path::new("relative/data")).is_err());
        assert!(check(&dir.path().join("a/../b")).is_err());
    }
}
