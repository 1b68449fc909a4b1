//! Making an office computer ready for the console, run there once as
//! root (`sudo shipshape fleet prepare --key 'LINE'`): an account of its
//! own, `shipshape-fleet`, that can log in only with the console's key and
//! only to run `shipshape fleet serve`, and whose sudo rights reach
//! Shipshape's helper and nothing else. Root writes only into folders it
//! made and owns: the account's home, its `.ssh` and `authorized_keys` are
//! root's (so the account cannot change which key may log in; the console's
//! line is the only one), it reads the system journal (`systemd-journal`,
//! where there is one) for the roll-outs' journal gate, and only
//! its Shipshape data folder is the account's. The sudo rule is checked
//! with `visudo` before it is put in place. `--remove` takes it all away.

use crate::program::{self, Finished};
use crate::ssh;
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;
use ts_rs::TS;

pub const ACCOUNT: &str = "shipshape-fleet";
pub const HOME: &str = "/var/lib/shipshape-fleet";
pub const SUDOERS: &str = "/etc/sudoers.d/shipshape-fleet";
/// What the console's key may run, as its line says.
const FORCED: &str = "restrict,command=\"shipshape fleet serve\" ";

const LIMIT: Duration = Duration::from_secs(60);

/// What was made ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetPrepared")]
pub struct Prepared {
    pub account: String,
    pub authorized_keys: String,
    pub data_dir: String,
    pub sudoers: String,
    /// The one sudo rule, as written.
    pub rule: String,
}

/// Where `prepare` writes, so tests can point it elsewhere.
#[derive(Debug, Clone)]
pub struct Places {
    pub home: PathBuf,
    pub sudoers: PathBuf,
}

impl Places {
    pub fn system() -> Places {
        Places {
            home: PathBuf::from(HOME),
            sudoers: PathBuf::from(SUDOERS),
        }
    }

    fn authorized_keys(&self) -> PathBuf {
        self.home.join(".ssh/authorized_keys")
    }

    /// The account's Shipshape data folder, where `dirs` finds it from HOME.
    pub fn data_dir(&self) -> PathBuf {
        self.home.join(".local/share/shipshape")
    }
}

/// The console's line, checked to be exactly the shape `fleet key` gives
/// (the forced command, an ED25519 key, a plain comment), and written
/// again from its parts.
pub fn checked_line(line: &str) -> Result<String> {
    let bad = || {
        Error::invalid_input(
            "That is not the line Shipshape's console shows for its key.",
            "Copy the whole line from the console (Computers, Add a computer, or shipshape fleet key), starting with restrict,command=.",
        )
    };
    let rest = line.trim().strip_prefix(FORCED).ok_or_else(bad)?;
    let mut words = rest.split(' ');
    let (Some(kind), Some(key)) = (words.next(), words.next()) else {
        return Err(bad());
    };
    let comment: Vec<&str> = words.collect();
    let plain_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b));
    let plain_comment = comment
        .iter()
        .all(|w| ssh::plain(w, "@.-_:") && !w.is_empty());
    if kind != ssh::KEY_TYPE || !plain_key || !plain_comment {
        return Err(bad());
    }
    ssh::fingerprint(&format!("{kind} {key}"))?;
    let mut out = format!("{FORCED}{kind} {key}");
    for w in comment {
        out.push(' ');
        out.push_str(w);
    }
    Ok(out)
}

/// Makes this computer ready for the console whose key line is `line`;
/// `helper` is the Shipshape program sudo may run (this one, as
/// `admin::door::program` found it safe to hand root).
pub fn prepare(line: &str, helper: &Path, places: &Places) -> Result<Prepared> {
    let line = checked_line(line)?;
    if !crate::admin::running_as_root() {
        return Err(Error::new(
            ErrorCode::NeedsAdmin,
            "Making this computer ready for the console needs administrator rights.",
            "Run it with sudo: sudo shipshape fleet prepare --key '…'",
        ));
    }
    let shown = helper.display().to_string();
    if !shown
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
    {
        return Err(Error::internal(format!(
            "Shipshape's program path {shown} cannot be written into a sudo rule."
        )));
    }
    let visudo = ["/usr/sbin/visudo", "/sbin/visudo"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NeedsPackage,
                "sudo is not installed here, and the console's account needs it to reach Shipshape's helper.",
                "Install it: apt install sudo",
            )
        })?;
    let (uid, gid) = account(places)?;
    root_folder(&places.home)?;
    root_folder(&places.home.join(".ssh"))?;
    root_folder(&places.home.join(".local"))?;
    root_folder(&places.home.join(".local/share"))?;
    let data = places.data_dir();
    match std::fs::symlink_metadata(&data) {
        Ok(m) if m.is_dir() && m.uid() == uid => {}
        Ok(_) => {
            return Err(Error::invalid_input(
                format!(
                    "{} is there but is not the account's folder.",
                    data.display()
                ),
                "Remove it, then prepare again.",
            ));
        }
        Err(_) => {
            std::fs::create_dir(&data).map_err(|e| Error::io("create", &data, &e))?;
            std::os::unix::fs::chown(&data, Some(uid), Some(gid))
                .map_err(|e| Error::io("hand over", &data, &e))?;
            std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io("protect", &data, &e))?;
        }
    }
    // This console's line alone: a key of an earlier console (a laptop
    // replaced, or stolen) loses its way in.
    let keys = places.authorized_keys();
    let text = format!("{line}\n");
    crate::atomic_file::write_with(
        &keys,
        text.as_bytes(),
        crate::atomic_file::Options {
            mode: Some(0o644),
            owner: Some((0, 0)),
        },
    )?;
    let rule = format!("{ACCOUNT} ALL=(root) NOPASSWD: {shown} helper *");
    let sudoers = format!(
        "# Written by shipshape fleet prepare: the console's account may run\n\
         # Shipshape's helper as root, and nothing else. Remove with\n\
         # shipshape fleet prepare --remove.\n{rule}\n"
    );
    let folder = places.sudoers.parent().unwrap_or(Path::new("/"));
    // sudo reads no file of sudoers.d whose name has a dot: the draft.
    let draft = folder.join(".shipshape-fleet.draft");
    crate::atomic_file::write_with(
        &draft,
        sudoers.as_bytes(),
        crate::atomic_file::Options {
            mode: Some(0o440),
            owner: Some((0, 0)),
        },
    )?;
    let checked = run(visudo, &["-c", "-q", "-f", &draft.display().to_string()]);
    if !checked.as_ref().is_ok_and(Finished::success) {
        let _ = std::fs::remove_file(&draft);
        return Err(Error::internal(format!(
            "visudo refused the sudo rule, so it was not put in place: {}",
            checked.map_or_else(|e| e.message, |o| o.stderr)
        )));
    }
    std::fs::rename(&draft, &places.sudoers)
        .map_err(|e| Error::io("put in place", &places.sudoers, &e))?;
    Ok(Prepared {
        account: ACCOUNT.into(),
        authorized_keys: keys.display().to_string(),
        data_dir: data.display().to_string(),
        sudoers: places.sudoers.display().to_string(),
        rule,
    })
}

/// Takes away what `prepare` made: the sudo rule, the account and its home.
pub fn remove(places: &Places) -> Result<()> {
    if !crate::admin::running_as_root() {
        return Err(Error::new(
            ErrorCode::NeedsAdmin,
            "Taking the console's account away needs administrator rights.",
            "Run it with sudo: sudo shipshape fleet prepare --remove",
        ));
    }
    match std::fs::remove_file(&places.sudoers) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io("remove", &places.sudoers, &e)),
    }
    if uid_of(ACCOUNT).is_some() {
        let out = run("userdel", &[ACCOUNT])?;
        if !out.success() {
            return Err(Error::internal(format!(
                "userdel did not remove {ACCOUNT}: {}",
                out.stderr.trim()
            )));
        }
    }
    // remove_dir_all does not follow links: only the home's own files go.
    match std::fs::remove_dir_all(&places.home) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io("remove", &places.home, &e)),
    }
}

/// The account's numbers, made first when missing: a system account no
/// password opens, the home given (made by `root_folder`, not useradd).
fn account(places: &Places) -> Result<(u32, u32)> {
    if uid_of(ACCOUNT).is_none() {
        let home = places.home.display().to_string();
        // The journal gate of a roll-out reads the whole system journal,
        // which only its readers' group may.
        let journal = group_exists("systemd-journal");
        let mut groups: Vec<&str> = Vec::new();
        if journal {
            groups.extend(["--groups", "systemd-journal"]);
        }
        let out = run(
            "useradd",
            &[
                groups.as_slice(),
                &[
                    "--system",
                    "--user-group",
                    "--no-create-home",
                    "--home-dir",
                    &home,
                    "--shell",
                    "/bin/sh",
                    "--comment",
                    "Shipshape console",
                    // No password can be given ("*"), yet the account is not
                    // locked ("!"), which sshd would refuse even for its key.
                    "--password",
                    "*",
                    ACCOUNT,
                ],
            ]
            .concat(),
        )?;
        if !out.success() {
            return Err(Error::internal(format!(
                "useradd did not make {ACCOUNT}: {}",
                out.stderr.trim()
            )));
        }
    }
    let uid = uid_of(ACCOUNT).ok_or_else(|| {
        Error::internal(format!("{ACCOUNT} is not in /etc/passwd after useradd."))
    })?;
    crate::admin::door::account_ids(uid)
        .ok_or_else(|| Error::internal(format!("{ACCOUNT} has no group in /etc/passwd.")))
}

fn group_exists(name: &str) -> bool {
    std::fs::read_to_string("/etc/group")
        .is_ok_and(|g| g.lines().any(|l| l.split(':').next() == Some(name)))
}

fn uid_of(name: &str) -> Option<u32> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| f[2].parse().ok())?
    })
}

/// A folder of root's, 0755: made when missing; refused when it is there
/// but is a link or someone else's.
fn root_folder(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() && m.uid() == 0 && m.mode() & 0o022 == 0 => Ok(()),
        Ok(_) => Err(Error::invalid_input(
            format!(
                "{} is there but is not a folder of root's that only root may change, so nothing was written into it.",
                path.display()
            ),
            "Remove it (or run shipshape fleet prepare --remove), then prepare again.",
        )),
        Err(_) => {
            std::fs::create_dir(path).map_err(|e| Error::io("create", path, &e))?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| Error::io("protect", path, &e))
        }
    }
}

fn run(program: &str, args: &[&str]) -> Result<Finished> {
    program::Run::new(program, args, LIMIT)
        .finish()
        .map_err(|e| Error::internal(format!("{program} could not be run: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtS1SgjLTW+QnY4kmyPGM3jPybDEjpO5UApxB4YyvKi";

    #[test]
    fn only_the_consoles_own_line_is_taken() {
        let good = format!("{FORCED}{KEY} shipshape-fleet@console");
        assert_eq!(checked_line(&format!("  {good}\n")).expect("taken"), good);
        for bad in [
            KEY.to_string(),
            format!("command=\"shipshape fleet serve\" {KEY}"),
            format!("restrict,command=\"bash\" {KEY}"),
            format!("{FORCED}ssh-rsa AAAAB3NzaC1yc2E"),
            format!("{FORCED}{KEY} x\nssh-ed25519 AAAA other"),
            format!("{FORCED}{KEY} \"quoted\""),
            format!("{FORCED}ssh-ed25519 not-base64!"),
            format!("{FORCED}ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBtS1Sgj"),
        ] {
            assert!(checked_line(&bad).is_err(), "{bad}");
        }
    }
}
