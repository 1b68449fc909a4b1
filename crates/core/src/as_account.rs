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

/// The account whose folder a path goes through, as /etc/passwd and
/// /etc/group under the root name it: its own group and the groups it is
/// in, never the folder's group, which may be any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
}

/// A folder that accounts other than its owner may change: a group's
/// other than root's may write in it, or everyone may.
fn others_may_write(meta: &std::fs::Metadata) -> bool {
    let mode = meta.mode();
    mode & 0o002 != 0 || (mode & 0o020 != 0 && meta.gid() != 0)
}

/// The owner (user ID) of the first folder (or link) on the way from
/// `root` to `rel` that root does not own; `None` when root owns every
/// one. Links in root's own folders are followed inside `root`, as root
/// made them; the file's own name is not looked at, since root's folder
/// decides who may swap it. A folder that does not exist ends the way:
/// nobody but root can make one inside root's folders. A folder of root's
/// that others may write in is refused, unless it is sticky (as /tmp),
/// where they cannot move root's entries; a missing entry there is
/// refused too, since anyone could make it.
pub fn owner_on_the_way(root: &Path, rel: &str) -> Result<Option<u32>> {
    let shown = format!("/{}", rel.trim_start_matches('/'));
    let refused = |folder: &Path| {
        Error::invalid_input(
            format!(
                "{} can be changed by accounts other than root, so Shipshape will not reach {shown} through it with administrator rights.",
                folder.display()
            ),
            "Make the folder writable by root alone (chmod go-w), or make the change by hand.",
        )
    };
    let looked = |e: io::Error, at: &Path| Error::io("look at", at, &e);
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
    // Whether `here` is a sticky folder others may write in.
    let mut shared = false;
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
            Err(e) if e.kind() == io::ErrorKind::NotFound && shared => {
                return Err(refused(&here));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(looked(e, &next)),
        };
        if meta.uid() != 0 {
            return Ok(Some(meta.uid()));
        }
        if meta.file_type().is_symlink() {
            hops += 1;
            if hops > 40 {
                return Err(looked(io::Error::from_raw_os_error(40), &next)); // ELOOP
            }
            let target = std::fs::read_link(&next).map_err(|e| looked(e, &next))?;
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
        shared = others_may_write(&meta);
        if shared && meta.mode() & 0o1000 == 0 {
            return Err(refused(&next));
        }
        here = next;
    }
    Ok(None)
}

/// The account with user ID `uid` in `root`'s /etc/passwd, with the
/// groups /etc/group puts it in.
fn account(root: &Path, uid: u32, shown: &str) -> Result<Owner> {
    let read = |rel: &str| {
        let path = root.join(rel);
        crate::host_file::read_text(&path, false).map_err(|e| Error::io("read", &path, &e))
    };
    let passwd = read("etc/passwd")?;
    let (name, gid) = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .filter(|f| f.len() == 7 && f[2].parse() == Ok(uid))
        .find_map(|f| Some((f[0].to_string(), f[3].parse::<u32>().ok()?)))
        .ok_or_else(|| {
            Error::invalid_input(
                format!(
                    "{shown} is in a folder of user ID {uid}, which is no account in /etc/passwd, so Shipshape will not reach it."
                ),
                "Give the folder to its account (chown), or make the change by hand.",
            )
        })?;
    let groups = read("etc/group")
        .unwrap_or_default()
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .filter(|f| f.len() == 4 && f[3].split(',').any(|m| m == name))
        .filter_map(|f| f[2].parse().ok())
        .collect();
    Ok(Owner { uid, gid, groups })
}

/// Runs `work` on `rel` under `root` (shown as `shown` in errors): as the
/// account owning a folder on its way when root runs it and another
/// account owns one, else as this process. An account that may not do it
/// makes the error say so, not "needs an administrator".
pub fn on<T: Send>(
    root: &Path,
    rel: &str,
    shown: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    match owner_on_the_way(root, rel)? {
        Some(uid) if rustix::process::geteuid().is_root() => {
            as_owner(&account(root, uid, shown)?, shown, work)
        }
        _ => work(),
    }
}

/// Runs `work` on a thread with the user ID `uid`, the group ID `gid` and
/// no other groups: as a program started with `setpriv --reuid --regid
/// --clear-groups` runs.
pub fn as_ids<T: Send>(
    uid: u32,
    gid: u32,
    shown: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    let owner = Owner {
        uid,
        gid,
        groups: Vec::new(),
    };
    as_owner(&owner, shown, work)
}

fn as_owner<T: Send>(
    owner: &Owner,
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
                let hint = "Shipshape reaches it with the rights of the account that owns the folder, never more. Look at the folder and its links by hand: they may point somewhere that account may not reach.";
                work().map_err(|e| match e.code {
                    ErrorCode::NeedsAdmin => Error::invalid_input(
                        format!(
                            "{shown} is in a folder another account owns, and that account may not change it there, so Shipshape did not either."
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

/// This thread takes `owner`'s ids and groups; root's rights are gone from
/// it for good, which is checked: no capability may be left.
fn become_owner(owner: &Owner) -> io::Result<()> {
    use rustix::process::{Gid, Uid};
    use rustix::thread::{set_thread_groups, set_thread_res_gid, set_thread_res_uid};
    let gid = Gid::from_raw(owner.gid);
    let uid = Uid::from_raw(owner.uid);
    let groups: Vec<Gid> = owner.groups.iter().map(|g| Gid::from_raw(*g)).collect();
    set_thread_groups(&groups)?;
    set_thread_res_gid(gid, gid, gid)?;
    set_thread_res_uid(uid, uid, uid)?;
    let left = rustix::thread::capabilities(None)?;
    if !left.effective.is_empty() || !left.permitted.is_empty() {
        return Err(io::Error::other("administrator capabilities were left"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::{PermissionsExt, chown, symlink};

    fn is_root() -> bool {
        rustix::process::geteuid().is_root()
    }

    /// A root with `home/sam` owned by sam (4242, in group 4343 and 4444),
    /// a link to it in root's folders, and a folder of root's.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all(root.join("home/sam/.ssh")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(
            root.join("etc/passwd"),
            "root:x:0:0::/root:/bin/sh\nsam:x:4242:4343::/home/sam:/bin/sh\n",
        )
        .unwrap();
        std::fs::write(
            root.join("etc/group"),
            "root:x:0:\nsam:x:4343:\noffice:x:4444:kim,sam\nshadow:x:42:\n",
        )
        .unwrap();
        symlink("/home", root.join("users")).unwrap();
        if is_root() {
            // The folder's group is one sam is not in.
            chown(root.join("home/sam"), Some(4242), Some(42)).unwrap();
            chown(root.join("home/sam/.ssh"), Some(4242), Some(4343)).unwrap();
        }
        dir
    }

    #[test]
    fn the_first_folder_root_does_not_own_names_the_account() {
        if !is_root() {
            return;
        }
        let dir = fixture();
        let root = dir.path();
        let found = owner_on_the_way(root, "home/sam/.ssh/authorized_keys").unwrap();
        assert_eq!(found, Some(4242));
        // Through root's own link, inside the root.
        assert_eq!(
            owner_on_the_way(root, "users/sam/.ssh/authorized_keys").unwrap(),
            Some(4242)
        );
        assert_eq!(owner_on_the_way(root, "etc/shadow").unwrap(), None);
        // The file's own folder is root's: its name is not looked at.
        assert_eq!(owner_on_the_way(root, "home/sam").unwrap(), None);
        assert_eq!(owner_on_the_way(root, "nowhere/at/all").unwrap(), None);
        // Its own groups, not the folder's.
        assert_eq!(
            account(root, 4242, "x").unwrap(),
            Owner {
                uid: 4242,
                gid: 4343,
                groups: vec![4444]
            }
        );
        let unknown = account(root, 777, "/srv/x").unwrap_err();
        assert!(unknown.message.contains("no account"), "{unknown:?}");
    }

    #[test]
    fn a_folder_of_roots_others_may_write_in_is_refused_unless_sticky() {
        if !is_root() {
            return;
        }
        let dir = fixture();
        let root = dir.path();
        std::fs::create_dir_all(root.join("var/www/site")).unwrap();
        std::fs::set_permissions(root.join("var/www"), std::fs::Permissions::from_mode(0o777))
            .unwrap();
        let refused = owner_on_the_way(root, "var/www/site/index.html").unwrap_err();
        assert!(
            refused
                .message
                .contains("can be changed by accounts other than root")
        );
        // Sticky: root's entries stay root's; a missing one anyone could make.
        std::fs::set_permissions(
            root.join("var/www"),
            std::fs::Permissions::from_mode(0o1777),
        )
        .unwrap();
        assert_eq!(
            owner_on_the_way(root, "var/www/site/index.html").unwrap(),
            None
        );
        assert!(owner_on_the_way(root, "var/www/other/index.html").is_err());
        // Writable by root's own group only: root's.
        std::fs::set_permissions(root.join("var/www"), std::fs::Permissions::from_mode(0o775))
            .unwrap();
        assert_eq!(
            owner_on_the_way(root, "var/www/site/index.html").unwrap(),
            None
        );
    }

    #[test]
    fn a_link_the_account_planted_is_not_followed_with_roots_rights() {
        if !is_root() {
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
        if !is_root() {
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
