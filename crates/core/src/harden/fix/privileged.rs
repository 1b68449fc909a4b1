//! The one privileged entry point. A fix on this computer needs root; a
//! normal user's app or CLI asks `pkexec` (which asks for the
//! administrator's password) to run Shipshape's own `helper` with one
//! request: preview a known fix (when a file it reads is root's alone),
//! make it as previewed, or undo a change by number. The helper takes
//! nothing else: no paths, no commands.

use super::backup::Backups;
use super::change::Change;
use crate::{Error, ErrorCode, Result};
use serde::de::DeserializeOwned;
use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the helper may be asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// What fixing a check would change (read-only).
    Preview(String),
    /// Fix a check; `seen` is the digest of the preview the user agreed
    /// to, so a plan that changed since is refused.
    Fix {
        id: String,
        seen: Option<String>,
    },
    Undo(i64),
}

/// Whether `s` looks like a preview digest: SHA-256 in lower-case hex.
fn is_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Request {
    /// Refuses anything but a fix Shipshape knows (with, at most, a
    /// preview digest), or a change number.
    pub fn checked(self) -> Result<Request> {
        match &self {
            Request::Preview(id) | Request::Fix { id, .. } if !super::has_fix(id) => {
                Err(Error::invalid_input(
                    format!("\"{id}\" is not a fix Shipshape knows."),
                    "Run shipshape scan to see which checks can be fixed.",
                ))
            }
            Request::Fix {
                seen: Some(digest), ..
            } if !is_digest(digest) => Err(Error::invalid_input(
                format!("\"{digest}\" is not a preview's digest."),
                "Open the fix's preview again, then apply it from there.",
            )),
            Request::Undo(n) if *n <= 0 => Err(Error::invalid_input(
                format!("{n} is not a change number."),
                "Run shipshape changes to see the changes and their numbers.",
            )),
            _ => Ok(self),
        }
    }

    fn args(&self) -> Vec<OsString> {
        match self {
            Request::Preview(id) => vec!["preview".into(), id.into()],
            Request::Fix { id, seen } => {
                let mut args: Vec<OsString> = vec!["fix".into(), id.into()];
                if let Some(digest) = seen {
                    args.extend(["--seen".into(), digest.into()]);
                }
                args
            }
            Request::Undo(n) => vec!["undo".into(), n.to_string().into()],
        }
    }
}

/// Whether changing `root` needs the helper: it is this computer and we
/// are not root.
pub fn needs_helper(root: &Path) -> bool {
    root == Path::new("/") && !rustix::process::geteuid().is_root()
}

/// Runs `request` through pkexec and Shipshape's helper (`exe`), which
/// keeps its records in `data_dir`, and reads its answer: a `Preview` for
/// a preview, a `FixOutcome` for a fix or an undo.
pub fn run<T: DeserializeOwned>(exe: &Path, data_dir: &Path, request: Request) -> Result<T> {
    run_through(Path::new("pkexec"), exe, data_dir, request)
}

/// `run`, through the given pkexec: tests stand in for the password dialog
/// there, the one part of this path that needs a person.
pub fn run_through<T: DeserializeOwned>(
    pkexec: &Path,
    exe: &Path,
    data_dir: &Path,
    request: Request,
) -> Result<T> {
    let request = request.checked()?;
    let output = Command::new(pkexec)
        .arg(exe)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("helper")
        .args(request.args())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::new(
                ErrorCode::NeedsAdmin,
                format!("Administrator rights are needed, and pkexec could not be started: {e}."),
                "Install policykit-1 (pkexec), or run the fix as an administrator: sudo shipshape fix …",
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // pkexec: 126 when the password dialog was dismissed, 127 when not authorised.
    match output.status.code() {
        Some(0) => serde_json::from_str(&stdout)
            .map_err(|e| Error::internal(format!("The helper's answer could not be read: {e}"))),
        Some(126) | Some(127) => Err(Error::new(
            ErrorCode::NeedsAdmin,
            "The administrator's password was not given, so nothing was changed.",
            "Try again and enter the administrator's password when asked.",
        )),
        _ => Err(serde_json::from_str::<Error>(&stdout).unwrap_or_else(|_| {
            Error::internal(format!(
                "The helper failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        })),
    }
}

/// In the helper: the user pkexec runs it for, by name from /etc/passwd
/// (or the number when it has none), so the activity log names who asked
/// and not root. `None` outside pkexec.
pub fn requester() -> Option<String> {
    let uid = std::env::var("PKEXEC_UID").ok()?;
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Some(user_named(&passwd, &uid).unwrap_or_else(|| format!("uid {uid}")))
}

/// The name of the account with number `uid` in a passwd file's text.
fn user_named(passwd: &str, uid: &str) -> Option<String> {
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2] == uid).then(|| f[0].to_string())
    })
}

/// The user pkexec runs the helper for; `None` outside pkexec.
fn requester_uid() -> Option<u32> {
    std::env::var("PKEXEC_UID").ok()?.parse().ok()
}

/// In the helper, before any work: the data folder must be a folder of the
/// user who asked (not a link, not someone else's), so a request cannot
/// point root at another place to write to or hand over.
pub fn check_data_dir(data_dir: &Path) -> Result<()> {
    let Some(uid) = requester_uid() else {
        return Ok(());
    };
    let owned = std::fs::symlink_metadata(data_dir)
        .is_ok_and(|m| m.is_dir() && !m.file_type().is_symlink() && m.uid() == uid);
    if owned {
        return Ok(());
    }
    Err(Error::invalid_input(
        format!(
            "{} is not a data folder of the user who asked, so the administrator helper will not use it.",
            data_dir.display()
        ),
        "Run Shipshape as yourself with its usual data folder, then try again.",
    ))
}

/// The files of the data folder the helper may write as root and then
/// hands back: the database and the activity log's lock.
const HANDED_BACK: &[&str] = &[
    crate::store::DATABASE_FILE,
    "shipshape.db-wal",
    "shipshape.db-shm",
    "shipshape.db-journal",
    "audit.lock",
];

/// In the helper, after its work: gives the database files back to the
/// user pkexec ran it for, so their app can still write them. Only those
/// names, only plain files with one link: nothing else in the folder
/// changes hands. The backups folder stays root's: it holds copies of
/// files such as /etc/shadow, and the helper's own record of each change.
pub fn hand_back(data_dir: &Path) {
    let Some(uid) = requester_uid() else {
        return;
    };
    let Ok(meta) = std::fs::metadata(data_dir) else {
        return;
    };
    let gid = if meta.uid() == uid { meta.gid() } else { uid };
    for name in HANDED_BACK {
        let path = data_dir.join(name);
        let plain = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_file() && m.nlink() == 1);
        if plain {
            let _ = std::os::unix::fs::lchown(&path, Some(uid), Some(gid));
        }
    }
}

/// The helper's own record of change `change`, kept where only root may
/// write (the backups folder): the database is the user's, so an undo
/// with administrator rights replays this record, never the database's.
fn record_path(backups: &Backups, change: i64) -> PathBuf {
    backups.dir().join(format!("change-{change}.json"))
}

/// In the helper, after a fix or an undo: keeps its record.
pub fn keep_record(backups: &Backups, change: &Change) -> Result<()> {
    let json = serde_json::to_vec(change).map_err(|e| Error::internal(e.to_string()))?;
    let path = record_path(backups, change.id);
    crate::atomic_file::write(&path, &json)
}

/// In the helper, before an undo: the change as the helper recorded it.
/// Refused when there is no such record, or it is not root's alone.
pub fn recorded(backups: &Backups, change: i64) -> Result<Change> {
    let path = record_path(backups, change);
    let refuse = || {
        Error::invalid_input(
            format!(
                "Change {change} has no record of the administrator helper, so it cannot be undone with administrator rights."
            ),
            format!(
                "Undo it as root (sudo shipshape undo {change}) if it was made as root, or look at the files by hand."
            ),
        )
    };
    let root_only = |p: &Path| {
        std::fs::symlink_metadata(p)
            .is_ok_and(|m| !m.file_type().is_symlink() && m.uid() == 0 && m.mode() & 0o022 == 0)
    };
    if !root_only(backups.dir()) || !root_only(&path) {
        return Err(refuse());
    }
    let bytes = std::fs::read(&path).map_err(|_| refuse())?;
    serde_json::from_slice(&bytes).map_err(|_| refuse())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_requester_is_named_from_passwd() {
        let passwd = "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";
        assert_eq!(user_named(passwd, "1000").as_deref(), Some("alice"));
        assert_eq!(user_named(passwd, "1001"), None);
    }

    #[test]
    fn the_helper_takes_only_known_fixes_and_change_numbers() {
        let fix = |id: &str, seen: Option<&str>| Request::Fix {
            id: id.into(),
            seen: seen.map(str::to_string),
        };
        assert!(fix("ssh.x11_forwarding", None).checked().is_ok());
        assert!(fix("ssh.x11_forwarding; rm -rf /", None).checked().is_err());
        assert!(fix("services.telnet", None).checked().is_err());
        let digest = "0123456789abcdef".repeat(4);
        assert!(fix("ssh.x11_forwarding", Some(&digest)).checked().is_ok());
        assert!(
            fix("ssh.x11_forwarding", Some("--root=/tmp"))
                .checked()
                .is_err()
        );
        assert!(
            fix("ssh.x11_forwarding", Some(&digest.to_uppercase()))
                .checked()
                .is_err()
        );
        assert!(Request::Preview("firewall.active".into()).checked().is_ok());
        assert!(Request::Preview("/etc/shadow".into()).checked().is_err());
        assert!(Request::Undo(0).checked().is_err());
        assert!(Request::Undo(3).checked().is_ok());
    }
}
