//! A backup folder that belongs to an account: a USB disk the desktop
//! mounted for the person who plugged it in (how FAT, exFAT and NTFS disks
//! are mounted, under /media/NAME), or a folder of their own. Root must
//! not write there itself, or a link that account planted could turn
//! root's writes against the system. So restic reaches the folder the way
//! it reaches another computer, over SFTP, but to an `sftp-server` running
//! here as that account (`setpriv`): every file of the backup is read and
//! written with that account's rights, and root only reads what it backs
//! up and encrypts it.

use super::put_back::Writer;
use crate::{Error, Result};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Where Debian and Ubuntu keep OpenSSH's SFTP server.
const SFTP_SERVER: &str = "/usr/lib/openssh/sftp-server";

/// The account that owns `folder` (or, for a folder still to be made,
/// the nearest folder above it that exists), with its own primary group,
/// when it is not root and neither its group nor others may write there.
/// `None` otherwise: root's, open to others, a link, or an account with
/// root's group.
pub fn owner(folder: &Path) -> Option<Writer> {
    let mut at = folder;
    let meta = loop {
        match std::fs::symlink_metadata(at) {
            Ok(meta) => break meta,
            Err(_) => at = at.parent()?,
        }
    };
    let shared = meta.mode() & 0o022 != 0;
    if !meta.is_dir() || meta.uid() == 0 || shared {
        return None;
    }
    let (uid, gid) = crate::admin::door::account_ids(meta.uid())?;
    (gid != 0).then_some(Writer { uid, gid })
}

/// Whether `folder` holds anything, looked at as `writer` (or as root,
/// for a folder only root may change); a folder that is not there holds
/// nothing.
pub fn has_entries(folder: &Path, writer: Option<Writer>) -> Result<bool> {
    let Some(writer) = writer else {
        return match std::fs::read_dir(folder) {
            Ok(mut entries) => Ok(entries.next().is_some()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io("read", folder, &e)),
        };
    };
    let out = super::put_back::as_writer(Some(writer), "/usr/bin/find")
        .arg(folder)
        .args(["-mindepth", "1", "-maxdepth", "1", "-print", "-quit"])
        .output()
        .map_err(|e| Error::io("read", folder, &e))?;
    Ok(!out.stdout.is_empty())
}

/// restic's option starting the SFTP server as `writer`, with an empty
/// environment: restic's own may hold a password (the current one while
/// a key is added), and that account may read its process's environment.
pub fn sftp_command(writer: Writer) -> String {
    format!(
        "sftp.command=/usr/bin/env -i /usr/bin/setpriv --reuid={} --regid={} --clear-groups -- {SFTP_SERVER}",
        writer.uid, writer.gid
    )
}

/// The repository as restic's SFTP backend takes it; the host is not
/// used, since the command says what to start.
pub fn restic_repo(folder: &str) -> String {
    format!("sftp:this-computer:{folder}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_owner_is_the_account_whose_folder_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        let writer = owner(&theirs.join("backup/new")).unwrap();
        assert_eq!((writer.uid, writer.gid), (65534, 65534));
        assert_eq!(
            sftp_command(writer),
            "sftp.command=/usr/bin/env -i /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/lib/openssh/sftp-server"
        );
        // Root's own folder, and one its group or everyone may write in,
        // have no such owner.
        assert_eq!(owner(dir.path()), None);
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o770)).unwrap();
        assert_eq!(owner(&theirs), None);
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert_eq!(owner(&theirs), None);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&theirs, &link).unwrap();
        assert_eq!(owner(&link), None);
    }
}
