//! Root reading or changing a file in a folder another account owns (an
//! `authorized_keys` in a home folder) does so with that account's rights
//! only. Whatever links the account plants or swaps in there, the kernel
//! then refuses what the account itself may not do: root never writes a
//! file of root's or of another account through such a folder.
//!
//! Linux keeps user and group ids per thread, so the work runs on a thread
//! of its own that takes the account's ids and ends with the work; the
//! rest of the process stays root.

use crate::{Error, ErrorCode, Result};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path};

/// The account whose folder a path goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub uid: u32,
    pub gid: u32,
}

/// The owner of the first folder (or link) on the way from `root` to
/// `rel` that root does not own; `None` when root owns every one. Links in
/// root's own folders are followed inside `root`, as root made them; the
/// file's own name is not looked at, since root's folder decides who may
/// swap it. A folder that does not exist ends the way: nobody but root can
/// make one inside root's folders.
pub fn owner_on_the_way(root: &Path, rel: &str) -> io::Result<Option<Owner>> {
    let rel = Path::new(rel.trim_start_matches('/'));
    let mut todo: VecDeque<OsString> = rel
        .parent()
        .map(|p| {
            p.components()
                .filter_map(|c| match c {
                    Component::Normal(n) => Some(n.to_os_string()),
                    Component::ParentDir => Some(OsString::from("..")),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut here = root.to_path_buf();
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        if part == ".." {
            if here != root {
                here.pop();
            }
            continue;
        }
        let next = here.join(&part);
        let meta = match std::fs::symlink_metadata(&next) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if meta.uid() != 0 {
            return Ok(Some(Owner {
                uid: meta.uid(),
                gid: meta.gid(),
            }));
        }
        if meta.file_type().is_symlink() {
            hops += 1;
            if hops > 40 {
                return Err(io::Error::from_raw_os_error(40)); // ELOOP
            }
            let target = std::fs::read_link(&next)?;
            if target.is_absolute() {
                here = root.to_path_buf();
            }
            for c in target.components().rev() {
                match c {
                    Component::Normal(n) => todo.push_front(n.to_os_string()),
                    Component::ParentDir => todo.push_front(OsString::from("..")),
                    _ => {}
                }
            }
            continue;
        }
        here = next;
    }
    Ok(None)
}

/// Runs `work` on `rel` under `root` (shown as `shown` in errors): as the
/// owner of a folder on its way when root runs it and another account
/// owns one, else as this process. An account that may not do it makes
/// the error say so, not "needs an administrator".
pub fn on<T: Send>(
    root: &Path,
    rel: &str,
    shown: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let owner =
        owner_on_the_way(root, rel).map_err(|e| Error::io("look at", &root.join(rel), &e))?;
    match owner {
        Some(owner) if rustix::process::geteuid().is_root() => as_owner(owner, shown, work),
        _ => work(),
    }
}

fn as_owner<T: Send>(
    owner: Owner,
    shown: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(move || {
                become_owner(owner).map_err(|e| {
                    Error::internal(format!(
                        "Shipshape could not take the rights of account {} to reach {shown}: {e}",
                        owner.uid
                    ))
                })?;
                let hint = "Shipshape reaches it with the rights of the account that owns the folder, never more. Look at the folder and its links by hand: they may point somewhere that account may not change.";
                work().map_err(|e| match e.code {
                    ErrorCode::NeedsAdmin => Error::invalid_input(
                        format!(
                            "{shown} is in a folder another account owns, and that account may not change it, so Shipshape did not either."
                        ),
                        hint,
                    ),
                    ErrorCode::Io => Error::new(ErrorCode::Io, e.message, hint),
                    _ => e,
                })
            })
            .join()
            .unwrap_or_else(|_| {
                Err(Error::internal(format!(
                    "Shipshape stopped while it was reaching {shown}."
                )))
            })
    })
}

/// This thread takes `owner`'s ids and no other groups; root's rights are
/// gone from it for good.
fn become_owner(owner: Owner) -> io::Result<()> {
    use rustix::process::{Gid, Uid};
    use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
    let gid = Gid::from_raw(owner.gid);
    let uid = Uid::from_raw(owner.uid);
    set_thread_groups(&[])?;
    set_thread_res_gid(gid, gid, gid)?;
    set_thread_res_uid(uid, uid, uid)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::{PermissionsExt, chown, symlink};

    /// A root with `home/sam` owned by 4242, a link to it in root's
    /// folders, and a folder of root's.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all(root.join("home/sam/.ssh")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        symlink("/home", root.join("users")).unwrap();
        if rustix::process::geteuid().is_root() {
            chown(root.join("home/sam"), Some(4242), Some(4343)).unwrap();
            chown(root.join("home/sam/.ssh"), Some(4242), Some(4343)).unwrap();
        }
        dir
    }

    #[test]
    fn the_first_folder_root_does_not_own_names_the_account() {
        if !rustix::process::geteuid().is_root() {
            return;
        }
        let dir = fixture();
        let root = dir.path();
        let sam = Some(Owner {
            uid: 4242,
            gid: 4343,
        });
        assert_eq!(
            owner_on_the_way(root, "home/sam/.ssh/authorized_keys").unwrap(),
            sam
        );
        // Through root's own link, inside the root.
        assert_eq!(
            owner_on_the_way(root, "users/sam/.ssh/authorized_keys").unwrap(),
            sam
        );
        assert_eq!(owner_on_the_way(root, "etc/shadow").unwrap(), None);
        // The file's own folder is root's: its name is not looked at.
        assert_eq!(owner_on_the_way(root, "home/sam").unwrap(), None);
        assert_eq!(owner_on_the_way(root, "nowhere/at/all").unwrap(), None);
    }

    #[test]
    fn a_link_the_account_planted_is_not_followed_with_roots_rights() {
        if !rustix::process::geteuid().is_root() {
            return;
        }
        let dir = fixture();
        let root = dir.path().to_path_buf();
        std::fs::write(root.join("etc/secret"), "root's\n").unwrap();
        std::fs::set_permissions(
            root.join("etc/secret"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        std::fs::remove_dir(root.join("home/sam/.ssh")).unwrap();
        symlink(root.join("etc"), root.join("home/sam/.ssh")).unwrap();
        let path = root.join("home/sam/.ssh/secret");
        let read = on(&root, "home/sam/.ssh/secret", "~sam/.ssh/secret", || {
            std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, &e))
        });
        assert!(read.is_err(), "{read:?}");
        let written = on(&root, "home/sam/.ssh/secret", "~sam/.ssh/secret", || {
            crate::atomic_file::write(&path, b"changed\n")
        });
        assert!(written.is_err());
        assert_eq!(
            std::fs::read_to_string(root.join("etc/secret")).unwrap(),
            "root's\n"
        );
        // Root's own thread keeps its rights.
        assert!(std::fs::read_to_string(root.join("etc/secret")).is_ok());
    }

    #[test]
    fn the_accounts_own_file_is_changed_and_stays_its_own() {
        if !rustix::process::geteuid().is_root() {
            return;
        }
        let dir = fixture();
        let root = dir.path().to_path_buf();
        let path = root.join("home/sam/.ssh/authorized_keys");
        on(&root, "home/sam/.ssh/authorized_keys", "keys", || {
            crate::atomic_file::write(&path, b"ssh-ed25519 AAAA\n")
        })
        .unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (4242, 4343));
    }
}
