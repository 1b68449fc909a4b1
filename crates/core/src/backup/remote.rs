//! Backups on another computer, over SSH's file transfer (SFTP): a place
//! written `sftp:USER@HOST[:PORT]:/folder`. Root connects with a key of
//! its own (made on first use in its state, `ssh/id_ed25519`) and only to
//! a computer whose host key the administrator confirmed, kept in its own
//! `ssh/known_hosts`. Nothing of anyone's SSH settings, agent or known
//! hosts is read: ssh runs with `-F none`, the key alone, strict checking
//! and no questions. Confirming works like ssh's first contact: the
//! administrator sees the fingerprint the other computer shows now
//! (`host_key`), compares it with what that computer shows for itself,
//! and hands it back (`trust`), which pins the key only if it is still
//! the one offered.

use super::location::port_number;
use crate::audit::{self, Actor, NewEntry};
use crate::program::Run;
use crate::ssh::{
    KEY_TYPE, LIMIT, Offered, Peer, SSH, SSH_KEYGEN, fingerprint, known_key, ssh_failed,
    unreachable, with_known,
};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// How the way to write a place is told when one is refused.
const FORM: &str = "Write it as sftp:USER@HOST:/folder, or sftp:USER@HOST:PORT:/folder for another port than 22, for example sftp:backup@nas.local:/srv/backups.";

/// A folder on another computer, reached over SSH as one of its accounts.
/// Made only by `parse`, so every part is one restic and ssh read as meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sftp {
    peer: Peer,
    path: String,
}

fn refused(text: &str, why: &str) -> Error {
    Error::invalid_input(
        format!(
            "\u{201c}{text}\u{201d} is not a folder on another computer Shipshape can use: {why}."
        ),
        FORM,
    )
}

impl Sftp {
    /// Reads `sftp:USER@HOST[:PORT]:/folder`. Refused: spaces, quotes and
    /// backslashes (restic splits ssh's command line on them), an account
    /// or computer name that is not plain (one starting with `-` would be
    /// read by ssh as an option), a port outside 1 to 65535, a folder that
    /// is not a full path.
    pub fn parse(text: &str) -> Result<Sftp> {
        let Some(body) = text.strip_prefix("sftp:") else {
            return Err(refused(text, "it does not start with sftp:"));
        };
        if body.starts_with("//") {
            return Err(refused(text, "the sftp://… form is not taken"));
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'`\\".contains(c))
        {
            return Err(refused(
                text,
                "it has a space, a quote or a backslash, which ssh and restic would read differently",
            ));
        }
        let Some((user, rest)) = body.split_once('@') else {
            return Err(refused(
                text,
                "it does not say which account to use on the other computer (USER@)",
            ));
        };
        if !crate::ssh::plain_account(user) {
            return Err(refused(
                text,
                &format!("\u{201c}{user}\u{201d} is not an account name"),
            ));
        }
        if rest.starts_with('[') {
            return Err(refused(
                text,
                "IPv6 addresses are not taken; give the computer's name or IPv4 address",
            ));
        }
        let Some((host, tail)) = rest.split_once(':') else {
            return Err(refused(text, "it does not say which folder (:/folder)"));
        };
        if !crate::ssh::plain_host(host) {
            return Err(refused(
                text,
                &format!("\u{201c}{host}\u{201d} is not a computer's name or address"),
            ));
        }
        let (port, path) = match tail.split_once(':') {
            Some((port, path)) if !tail.starts_with('/') => {
                let Some(number) = port_number(port) else {
                    return Err(refused(
                        text,
                        &format!("\u{201c}{port}\u{201d} is not a port number (1 to 65535)"),
                    ));
                };
                (number, path)
            }
            _ => (22, tail),
        };
        if !path.starts_with('/') {
            return Err(refused(
                text,
                &format!("the folder \u{201c}{path}\u{201d} is not a full path starting with /"),
            ));
        }
        if path.split('/').any(|c| c == "..") {
            return Err(refused(text, "the folder's path climbs with \"..\""));
        }
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return Err(refused(
                text,
                "/ itself cannot hold a backup; give a folder in it",
            ));
        }
        Ok(Sftp {
            peer: Peer {
                user: user.to_string(),
                host: host.to_ascii_lowercase(),
                port,
            },
            path: path.to_string(),
        })
    }

    pub fn user(&self) -> &str {
        &self.peer.user
    }

    pub fn host(&self) -> &str {
        &self.peer.host
    }

    pub fn port(&self) -> u16 {
        self.peer.port
    }

    /// The account and computer it is reached as.
    pub fn peer(&self) -> &Peer {
        &self.peer
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// As kept and shown: the port only when it is not 22.
    pub fn shown(&self) -> String {
        let Peer { user, host, port } = &self.peer;
        match port {
            22 => format!("sftp:{user}@{host}:{}", self.path),
            port => format!("sftp:{user}@{host}:{port}:{}", self.path),
        }
    }

    /// The repository as restic is given it; the port goes in the command
    /// that starts ssh (`RootSsh::command`).
    pub fn restic_repo(&self) -> String {
        format!("sftp:{}@{}:{}", self.peer.user, self.peer.host, self.path)
    }

    /// How a known_hosts file names this computer.
    fn known_as(&self) -> String {
        self.peer.known_as()
    }

    /// The computer in words: its name, and the port when not 22.
    fn named(&self) -> String {
        self.peer.named()
    }
}

/// What the administrator needs to set up a backup on another computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupHostKey")]
pub struct HostKey {
    /// The place, as kept and shown.
    pub location: String,
    /// The fingerprint of the host key (ED25519) the other computer
    /// offers now, as `ssh-keygen -lf` shows it: `SHA256:…`.
    pub fingerprint: String,
    /// The fingerprint of the host key Shipshape trusts for that computer,
    /// when it trusts one; a different one from `fingerprint` means its
    /// identity changed.
    pub trusted: Option<String>,
    /// The line that lets Shipshape in on the other computer: root's
    /// public key, allowed file transfer and nothing else.
    pub root_key: String,
    /// The file to add `root_key` to there.
    pub add_to: String,
}

/// Root's own SSH key and the host keys it trusts, in `ssh` of its state.
#[derive(Debug, Clone)]
pub struct RootSsh {
    folder: PathBuf,
}

impl RootSsh {
    /// The key and known hosts under root's state folder `state`.
    pub fn in_state(state: &Path) -> RootSsh {
        RootSsh {
            folder: state.join("ssh"),
        }
    }

    pub fn key_file(&self) -> PathBuf {
        self.folder.join("id_ed25519")
    }

    pub fn known_hosts(&self) -> PathBuf {
        self.folder.join("known_hosts")
    }

    /// Makes root's key unless it exists (0600, in a 0700 folder); `true`
    /// when it was made now. Made under a temporary name and linked into
    /// place, so a run at the same moment never finds half a key, and two
    /// never replace each other's.
    fn make_key(&self) -> Result<bool> {
        crate::ssh::private_folder(&self.folder)?;
        let key = self.key_file();
        if std::fs::symlink_metadata(&key).is_ok() {
            return Ok(false);
        }
        let new = self
            .folder
            .join(format!("id_ed25519.new-{}", std::process::id()));
        let mut new_pub = new.clone().into_os_string();
        new_pub.push(".pub");
        let new_pub = PathBuf::from(new_pub);
        let _ = std::fs::remove_file(&new);
        let _ = std::fs::remove_file(&new_pub);
        let comment = format!("shipshape-backup@{}", plain_hostname());
        let new_arg = new.to_string_lossy().into_owned();
        let args = [
            "-q", "-t", "ed25519", "-N", "", "-C", &comment, "-f", &new_arg,
        ];
        let out = Run::new(SSH_KEYGEN, &args, LIMIT)
            .finish()
            .map_err(|e| ssh_failed("make its SSH key", &e.to_string()))?;
        if !out.success() {
            let _ = std::fs::remove_file(&new);
            return Err(ssh_failed("make its SSH key", out.stderr.trim()));
        }
        let linked = std::fs::hard_link(&new, &key);
        let _ = std::fs::remove_file(&new);
        match linked {
            Ok(()) => {
                std::fs::rename(&new_pub, key.with_extension("pub"))
                    .map_err(|e| Error::io("keep", &new_pub, &e))?;
                Ok(true)
            }
            // Another run made it first: theirs is the key.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&new_pub);
                Ok(false)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&new_pub);
                Err(Error::io("keep", &key, &e))
            }
        }
    }

    /// Makes root's key on first use, recording that it was made.
    pub fn make_key_once(&self, store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        if self.make_key()? {
            let fingerprint = fingerprint(&self.public_line()?)?;
            audit::append(
                store,
                now,
                actor,
                NewEntry::ok(
                    "backup.ssh_key",
                    &self.key_file().to_string_lossy(),
                    serde_json::json!({ "fingerprint": fingerprint }),
                ),
            )?;
        }
        Ok(())
    }

    /// Root's public key as one line: `ssh-ed25519 BASE64 comment`.
    pub fn public_line(&self) -> Result<String> {
        let key = self.key_file();
        if std::fs::symlink_metadata(&key).is_err() {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!(
                    "Shipshape's own SSH key for backups on other computers is missing ({}).",
                    key.display()
                ),
                "Make a new one with shipshape backup host-key --to sftp:USER@HOST:/folder, and add the line it shows on the other computer.",
            ));
        }
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap_or_default();
        let line = public.trim();
        if line.starts_with(KEY_TYPE) {
            return Ok(line.to_string());
        }
        let key_arg = key.to_string_lossy().into_owned();
        let out = Run::new(SSH_KEYGEN, &["-y", "-f", &key_arg], LIMIT)
            .finish()
            .map_err(|e| ssh_failed("read its SSH key", &e.to_string()))?;
        if !out.success() {
            return Err(ssh_failed("read its SSH key", out.stderr.trim()));
        }
        Ok(out.stdout.trim().to_string())
    }

    /// The line to add on the other computer: root's key, limited to file
    /// transfer (no shell, no forwarding), which is all a backup needs.
    pub fn authorized_line(&self) -> Result<String> {
        Ok(format!(
            "restrict,command=\"internal-sftp\" {}",
            self.public_line()?
        ))
    }

    /// The command restic starts ssh with (its `sftp.command`). restic
    /// splits it into words at spaces, quotes and backslashes, with no
    /// shell, and ssh expands `%` in file names: a key or known hosts path
    /// with any of those is refused rather than misread.
    pub fn command(&self, to: &Sftp) -> Result<String> {
        let key = self.key_file();
        self.public_line()?;
        let known = self.known_hosts();
        for path in [&key, &known] {
            let text = path.to_str().unwrap_or(" ");
            if text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'\\%".contains(c))
            {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "Shipshape's SSH key is kept at {}, whose path has a space, a quote, a backslash or %, which restic cannot hand to ssh.",
                        path.display()
                    ),
                    "Keep Shipshape's administrator state in a folder whose path has none of them (it is /var/lib/shipshape unless a test moved it).",
                ));
            }
        }
        Ok(format!(
            "{SSH} -F none -i {key} -o IdentitiesOnly=yes -o IdentityAgent=none -o UserKnownHostsFile={known} -o GlobalKnownHostsFile=none -o StrictHostKeyChecking=yes -o UpdateHostKeys=no -o HostKeyAlgorithms={KEY_TYPE} -o BatchMode=yes -o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=4 -p {port} {user}@{host} -s sftp",
            key = key.display(),
            known = known.display(),
            port = to.peer.port,
            user = to.peer.user,
            host = to.peer.host,
        ))
    }

    /// Why ssh cannot start file transfer with `to`, found by starting it
    /// as restic does (with nothing to transfer): restic 0.14 may end
    /// before it passes on what ssh said. `None` when ssh got through, or
    /// said nothing known.
    pub(crate) fn diagnose(&self, to: &Sftp) -> Option<Error> {
        let command = self.command(to).ok()?;
        let words: Vec<&str> = command.split_whitespace().collect();
        let (program, args) = words.split_first()?;
        let out = Run::new(program, args, LIMIT).finish().ok()?;
        if out.success() {
            return None;
        }
        failure(self, to, &out.stderr)
    }

    /// The host key trusted for `to`'s computer, if any (`ssh-ed25519 BASE64`).
    fn trusted_key(&self, to: &Sftp) -> Result<Option<String>> {
        Ok(known_key(&self.read_known()?, &to.known_as()))
    }

    /// Whether a host key is trusted for `to`'s computer.
    pub fn trusts(&self, to: &Sftp) -> Result<bool> {
        Ok(self.trusted_key(to)?.is_some())
    }

    fn read_known(&self) -> Result<String> {
        crate::ssh::read_known(&self.known_hosts())
    }
}

/// The host name for a key's comment: plain characters only.
fn plain_hostname() -> String {
    let name: String = crate::computer::hostname()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-".contains(*c))
        .collect();
    if name.is_empty() {
        "this-computer".into()
    } else {
        name
    }
}

/// The other computer's ED25519 host key, as `ssh-keyscan` hears it now.
fn offered(to: &Sftp) -> Result<Offered> {
    crate::ssh::offered(&to.peer)
}

/// What the administrator needs to trust the computer `to` is on: its host
/// key's fingerprint now, the one trusted (if any), and root's key to add
/// there. Root's key is made on first use.
pub fn host_key(
    store: &Store,
    actor: &Actor,
    ssh: &RootSsh,
    to: &Sftp,
    now: DateTime<Utc>,
) -> Result<HostKey> {
    ssh.make_key_once(store, actor, now)?;
    let offered = offered(to)?;
    answer(ssh, to, &offered)
}

fn answer(ssh: &RootSsh, to: &Sftp, offered: &Offered) -> Result<HostKey> {
    let trusted = match ssh.trusted_key(to)? {
        Some(key) if key == offered.key => Some(offered.fingerprint.clone()),
        Some(key) => Some(fingerprint(&key)?),
        None => None,
    };
    Ok(HostKey {
        location: to.shown(),
        fingerprint: offered.fingerprint.clone(),
        trusted,
        root_key: ssh.authorized_line()?,
        add_to: format!("~{}/.ssh/authorized_keys", to.peer.user),
    })
}

/// Trusts the host key of `to`'s computer whose fingerprint the
/// administrator confirmed, if it is the one that computer offers now;
/// refused (`KeyChanged`) when it is not. A key trusted before for that
/// computer is replaced: confirming the new one is the administrator's
/// word that the change is known. Recorded when anything changed.
pub fn trust(
    store: &Store,
    actor: &Actor,
    ssh: &RootSsh,
    to: &Sftp,
    confirmed: &str,
    now: DateTime<Utc>,
) -> Result<HostKey> {
    let confirmed = crate::ssh::checked_fingerprint(confirmed)?;
    ssh.make_key_once(store, actor, now)?;
    let offered = offered(to)?;
    crate::ssh::confirmed(&to.peer, &offered, &confirmed)?;
    let text = ssh.read_known()?;
    let before = known_key(&text, &to.known_as());
    if before.as_deref() != Some(offered.key.as_str()) {
        let replaced = before.as_deref().map(fingerprint).transpose()?;
        crate::atomic_file::write_with(
            &ssh.known_hosts(),
            with_known(&text, &to.known_as(), &offered.key).as_bytes(),
            crate::atomic_file::Options {
                mode: Some(0o600),
                owner: None,
            },
        )?;
        audit::append(
            store,
            now,
            actor,
            NewEntry::ok(
                "backup.trust_host",
                &to.known_as(),
                serde_json::json!({
                    "fingerprint": offered.fingerprint,
                    "replaced": replaced,
                }),
            ),
        )?;
    }
    answer(ssh, to, &offered)
}

/// Makes sure root can connect to `to`: its key made, and the other
/// computer's host key trusted, with `confirmed` when given (see
/// `trust`); refused when none is trusted and none was confirmed.
pub fn ready(
    store: &Store,
    actor: &Actor,
    ssh: &RootSsh,
    to: &Sftp,
    confirmed: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(confirmed) = confirmed {
        return trust(store, actor, ssh, to, confirmed, now).map(|_| ());
    }
    ssh.make_key_once(store, actor, now)?;
    if ssh.trusts(to)? {
        return Ok(());
    }
    Err(not_trusted(to))
}

/// No host key is trusted for `to`'s computer yet.
pub(crate) fn not_trusted(to: &Sftp) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "Shipshape does not know {}'s identity (its host key) yet, so it did not connect.",
            to.named()
        ),
        format!(
            "See its fingerprint with shipshape backup host-key --to {}, compare it with what {} shows for itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then give it with --trust-host-key.",
            to.shown(),
            to.peer.host
        ),
    )
}

/// What ssh (through restic) said went wrong with `to`, in plain words;
/// `None` when it was not about reaching the other computer.
pub(crate) fn failure(ssh: &RootSsh, to: &Sftp, said: &str) -> Option<Error> {
    let host = &to.peer.host;
    if said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || said.contains("has changed and you have requested strict checking")
    {
        return Some(Error::new(
            ErrorCode::KeyChanged,
            format!(
                "{} answered with another identity (host key) than the one Shipshape trusts, so nothing was sent to it: another computer may be answering in its place.",
                to.named()
            ),
            format!(
                "Do not go on unless you know why it changed (it was reinstalled, or its SSH server replaced). Then compare its new key on {host} (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) with shipshape backup host-key --to {}, and trust it with --trust-host-key.",
                to.shown()
            ),
        ));
    }
    if said.contains("Host key verification failed") {
        return Some(not_trusted(to));
    }
    if said.contains("Permission denied (publickey") {
        let line = ssh
            .authorized_line()
            .unwrap_or_else(|_| "the line shipshape backup host-key shows".into());
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} refused Shipshape's key for the account {}.",
                to.named(),
                to.peer.user
            ),
            format!(
                "On {host}, add this line to ~{}/.ssh/authorized_keys: {line}",
                to.peer.user
            ),
        ));
    }
    if let Some(why) = crate::ssh::UNREACHABLE.iter().find(|w| said.contains(**w)) {
        return Some(unreachable(&to.peer, &why.to_lowercase()));
    }
    if said.contains("subsystem request failed") {
        return Some(Error::new(
            ErrorCode::Io,
            format!(
                "{}'s SSH server does not offer file transfer (SFTP).",
                to.named()
            ),
            format!(
                "On {host}, turn it on in /etc/ssh/sshd_config (Subsystem sftp internal-sftp) and restart the SSH server."
            ),
        ));
    }
    if said.contains("SSH_FX_PERMISSION_DENIED") {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "The account {} on {} may not write in {}.",
                to.peer.user,
                to.named(),
                to.path
            ),
            format!(
                "On {host}, give {} that folder (sudo chown -R {} {}), or choose a folder it owns.",
                to.peer.user, to.peer.user, to.path
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_place_on_another_computer_is_read_and_shown_back() {
        let s = Sftp::parse("sftp:backup@NAS.local:/srv/office/").unwrap();
        assert_eq!(
            (s.user(), s.host(), s.port(), s.path()),
            ("backup", "nas.local", 22, "/srv/office")
        );
        assert_eq!(s.shown(), "sftp:backup@nas.local:/srv/office");
        assert_eq!(s.known_as(), "nas.local");
        let s = Sftp::parse("sftp:root@127.0.0.1:2222:/srv/b").unwrap();
        assert_eq!(s.port(), 2222);
        assert_eq!(s.shown(), "sftp:root@127.0.0.1:2222:/srv/b");
        assert_eq!(s.restic_repo(), "sftp:root@127.0.0.1:/srv/b");
        assert_eq!(s.known_as(), "[127.0.0.1]:2222");
        assert_eq!(Sftp::parse(&s.shown()).unwrap(), s);
    }

    #[test]
    fn places_ssh_or_restic_could_misread_are_refused() {
        for (text, why) in [
            ("sftp:root@host:/with space", "a space"),
            ("sftp:root@host:/it's", "a quote"),
            ("sftp:root@host:/a\\b", "a backslash"),
            ("sftp:root@host:/a\"b", "a quote"),
            ("sftp:host:/srv", "which account"),
            ("sftp:-oProxyCommand=x@host:/srv", "not an account name"),
            ("sftp:root@-oProxyCommand=x:/srv", "not a computer's name"),
            ("sftp:root@host", "which folder"),
            ("sftp:root@host:srv/b", "not a full path"),
            ("sftp:root@host:22:srv/b", "not a full path"),
            ("sftp:root@host:70000:/srv", "not a port number"),
            ("sftp:root@host:0:/srv", "not a port number"),
            ("sftp:root@host:+22:/srv", "not a port number"),
            ("sftp:root@host:/srv/../etc", "climbs"),
            ("sftp:root@host:/", "/ itself"),
            ("sftp:root@[::1]:/srv", "IPv6"),
            ("sftp://root@host:22//srv", "sftp://"),
            ("sftp:root@ho%st:/srv", "not a computer's name"),
        ] {
            let e = Sftp::parse(text).unwrap_err();
            assert!(e.message.contains(why), "{text}: {e:?}");
            assert_eq!(e.hint, FORM);
            assert_eq!(e.code, ErrorCode::InvalidInput);
        }
    }

    #[test]
    fn restic_gets_an_ssh_command_of_plain_words_with_root_s_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let ssh = RootSsh::in_state(dir.path());
        let to = Sftp::parse("sftp:backup@nas:2222:/srv/b").unwrap();
        let e = ssh.command(&to).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "no key yet: {e:?}");
        assert!(ssh.make_key().unwrap());
        assert!(!ssh.make_key().unwrap(), "made once");
        use std::os::unix::fs::MetadataExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode(&ssh.key_file()), 0o600);
        assert_eq!(mode(&ssh.folder), 0o700);
        let line = ssh.public_line().unwrap();
        assert!(line.starts_with("ssh-ed25519 "), "{line}");
        assert!(line.ends_with(&format!("shipshape-backup@{}", plain_hostname())));
        assert_eq!(
            ssh.authorized_line().unwrap(),
            format!("restrict,command=\"internal-sftp\" {line}")
        );
        let command = ssh.command(&to).unwrap();
        let words: Vec<&str> = command.split_whitespace().collect();
        let key = ssh.key_file();
        let known = format!("UserKnownHostsFile={}", ssh.known_hosts().display());
        assert_eq!(
            words[..5],
            ["/usr/bin/ssh", "-F", "none", "-i", key.to_str().unwrap()]
        );
        for option in [
            known.as_str(),
            "StrictHostKeyChecking=yes",
            "BatchMode=yes",
            "IdentitiesOnly=yes",
            "GlobalKnownHostsFile=none",
        ] {
            assert!(words.contains(&option), "{option} in {command}");
        }
        assert_eq!(
            words[words.len() - 5..],
            ["-p", "2222", "backup@nas", "-s", "sftp"]
        );

        let spaced = dir.path().join("a state");
        let ssh = RootSsh::in_state(&spaced);
        ssh.make_key().unwrap();
        let e = ssh.command(&to).unwrap_err();
        assert!(e.message.contains("cannot hand to ssh"), "{e:?}");
    }

    #[test]
    fn root_s_key_fingerprint_is_the_one_ssh_keygen_shows() {
        let dir = tempfile::tempdir().unwrap();
        let ssh = RootSsh::in_state(dir.path());
        ssh.make_key().unwrap();
        let line = ssh.public_line().unwrap();
        let out = std::process::Command::new(SSH_KEYGEN)
            .arg("-lf")
            .arg(ssh.key_file().with_extension("pub"))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            said.split_whitespace().nth(1),
            Some(fingerprint(&line).unwrap().as_str())
        );
    }

    #[test]
    fn what_ssh_says_through_restic_is_told_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let ssh = RootSsh::in_state(dir.path());
        ssh.make_key().unwrap();
        let to = Sftp::parse("sftp:backup@nas:2222:/srv/b").unwrap();
        let said = |text: &str| failure(&ssh, &to, text).unwrap();

        let changed = said(
            "subprocess /usr/bin/ssh: @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n\
             subprocess /usr/bin/ssh: Host key for [nas]:2222 has changed and you have requested strict checking.\n\
             subprocess /usr/bin/ssh: Host key verification failed.\n\
             Fatal: unable to open repository at sftp:backup@nas:/srv/b: unable to start the sftp session, error: EOF",
        );
        assert_eq!(changed.code, ErrorCode::KeyChanged);
        assert!(changed.message.contains("another identity"), "{changed:?}");
        assert!(changed.hint.contains("--trust-host-key"), "{changed:?}");

        let unknown = said(
            "subprocess /usr/bin/ssh: No ED25519 host key is known for [nas]:2222 and you have requested strict checking.\n\
             subprocess /usr/bin/ssh: Host key verification failed.",
        );
        assert!(
            unknown
                .message
                .contains("does not know nas (port 2222)'s identity"),
            "{unknown:?}"
        );
        assert!(
            unknown
                .hint
                .contains("shipshape backup host-key --to sftp:backup@nas:2222:/srv/b")
        );

        let refused =
            said("subprocess /usr/bin/ssh: backup@nas: Permission denied (publickey,password).");
        assert!(
            refused
                .message
                .contains("refused Shipshape's key for the account backup")
        );
        assert!(
            refused.hint.contains("add this line to ~backup/.ssh/authorized_keys: restrict,command=\"internal-sftp\" ssh-ed25519 "),
            "{refused:?}"
        );

        let away =
            said("subprocess /usr/bin/ssh: ssh: connect to host nas port 2222: Connection refused");
        assert_eq!(
            away.message,
            "Shipshape cannot reach nas (port 2222) (connection refused)."
        );
        assert_eq!(away.code, ErrorCode::Io);

        let denied = said(
            r#"Fatal: create repository at sftp:backup@nas:/srv/b failed: sftp: "Permission denied" (SSH_FX_PERMISSION_DENIED)"#,
        );
        assert!(
            denied.message.contains("may not write in /srv/b"),
            "{denied:?}"
        );

        assert!(failure(&ssh, &to, "Fatal: wrong password or no key found").is_none());
    }
}
