//! OpenSSH, run for Shipshape: the other computer's host key as it offers
//! it now, fingerprints as `ssh-keygen -lf` shows them, and known_hosts
//! files of Shipshape's own (one line per computer, replaced when the
//! administrator confirms a new key). Backups to another computer
//! (`backup::remote`) and the office's computers (`fleet`) both reach
//! other computers this way; nothing of anyone's SSH settings is read.

use crate::program::Run;
use crate::{Error, ErrorCode, Result};
use base64::Engine;
use std::time::Duration;

/// The programs, by full path: a folder early in `PATH` must not choose them.
pub const SSH: &str = "/usr/bin/ssh";
pub const SSH_KEYGEN: &str = "/usr/bin/ssh-keygen";
const SSH_KEYSCAN: &str = "/usr/bin/ssh-keyscan";

/// How long a look at the other computer, or making a key, may take.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The one kind of host key trusted: every current OpenSSH server has one.
pub const KEY_TYPE: &str = "ssh-ed25519";

/// An account on another computer, reached over SSH. Its parts are
/// checked by whoever makes one (`plain_account`, `plain_host`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Peer {
    pub user: String,
    pub host: String,
    pub port: u16,
}

impl Peer {
    /// How a known_hosts file names this computer: `host`, or
    /// `[host]:port` for another port than 22, as ssh looks it up.
    pub fn known_as(&self) -> String {
        match self.port {
            22 => self.host.clone(),
            port => format!("[{}]:{port}", self.host),
        }
    }

    /// The computer in words: its name, and the port when not 22.
    pub fn named(&self) -> String {
        match self.port {
            22 => self.host.clone(),
            port => format!("{} (port {port})", self.host),
        }
    }
}

/// Letters, digits and `extra` only, not starting with `-` (which ssh
/// would read as an option) or `.`.
pub fn plain(text: &str, extra: &str) -> bool {
    !text.is_empty()
        && !text.starts_with(['-', '.'])
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

/// Whether `user` is an account name ssh takes as meant.
pub fn plain_account(user: &str) -> bool {
    user.len() <= 32 && plain(user, "._-")
}

/// Whether `host` is a computer's name or IPv4 address ssh takes as meant.
pub fn plain_host(host: &str) -> bool {
    host.len() <= 253 && plain(host, ".-_")
}

/// A host key the other computer offered: `ssh-ed25519 BASE64`, and its
/// fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub key: String,
    pub fingerprint: String,
    /// The server's software, as its greeting names it ("OpenSSH_9.2p1").
    pub server: Option<String>,
}

/// Whether `server` (a greeting's software) is OpenSSH 9.1 or newer,
/// which reads a UTC time ("…Z") in authorized_keys' `expiry-time`.
pub fn reads_utc_expiry(server: &str) -> bool {
    let Some(version) = server.strip_prefix("OpenSSH_") else {
        return false;
    };
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor) >= (9, 1)
}

pub fn ssh_failed(doing: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Shipshape could not {doing}: {why}."),
        "Check that OpenSSH's client is installed (sudo apt install openssh-client), then try again.",
    )
}

/// Makes `folder` (for keys and known hosts) if needed, 0700 whatever it
/// was, refusing one another account could change.
pub fn private_folder(folder: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    crate::admin::safe_path::check(folder)?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|e| Error::io("create", folder, &e))?;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io("protect", folder, &e))
}

/// A known_hosts file of Shipshape's own; empty when there is none yet.
pub fn read_known(path: &std::path::Path) -> Result<String> {
    match crate::host_file::read_text(path, false) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io("read", path, &e)),
    }
}

/// Refuses (`KeyChanged`) when `peer` offers another host key than the
/// one whose fingerprint the administrator `confirmed`.
pub fn confirmed(peer: &Peer, offered: &Offered, confirmed: &str) -> Result<()> {
    if offered.fingerprint == confirmed {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::KeyChanged,
        format!(
            "{} offers the host key {}, not {confirmed}, so Shipshape does not trust it.",
            peer.named(),
            offered.fingerprint
        ),
        format!(
            "Compare again with what {} shows for itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). If it shows {confirmed}, another computer may be answering in its place: do not go on.",
            peer.host
        ),
    ))
}

/// The key a known_hosts text gives `known_as`: the last plain line for it.
pub fn known_key(text: &str, known_as: &str) -> Option<String> {
    text.lines()
        .rev()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (names, kind, blob) = (words.next()?, words.next()?, words.next()?);
            (names.split(',').any(|n| n == known_as) && kind == KEY_TYPE)
                .then(|| format!("{kind} {blob}"))
        })
        .next()
}

/// `text` with `known_as`'s lines replaced by one for `key`.
pub fn with_known(text: &str, known_as: &str, key: &str) -> String {
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_none_or(|names| !names.split(',').any(|n| n == known_as))
        })
        .collect();
    let line = format!("{known_as} {key}");
    lines.push(&line);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `text` without `known_as`'s lines.
pub fn without_known(text: &str, known_as: &str) -> String {
    text.lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_none_or(|names| !names.split(',').any(|n| n == known_as))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A fingerprint as `ssh-keygen -lf` shows it: `SHA256:` and 43 base64
/// characters. Taken with or without the `SHA256:` and the `=` padding.
pub fn checked_fingerprint(text: &str) -> Result<String> {
    let bare = text.trim();
    let bare = bare.strip_prefix("SHA256:").unwrap_or(bare);
    let bare = bare.trim_end_matches('=');
    if bare.len() != 43
        || !bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
    {
        return Err(Error::invalid_input(
            format!("\u{201c}{text}\u{201d} is not a host key's fingerprint."),
            "Give it as Shipshape or ssh-keygen -lf shows it, like SHA256:ZtBRcQ0BHw9XfJ6Kup9yBpRr1wqQ2KlKHvE2NpsyHrs.",
        ));
    }
    Ok(format!("SHA256:{bare}"))
}

/// The fingerprint of a public key line, by `ssh-keygen -lf -`.
pub fn fingerprint(key: &str) -> Result<String> {
    let out = Run::new(SSH_KEYGEN, &["-l", "-E", "sha256", "-f", "-"], LIMIT)
        .input(format!("{key}\n").into_bytes())
        .finish()
        .map_err(|e| ssh_failed("read a key's fingerprint", &e.to_string()))?;
    out.stdout
        .split_whitespace()
        .nth(1)
        .filter(|f| f.starts_with("SHA256:") && out.success())
        .map(String::from)
        .ok_or_else(|| ssh_failed("read a key's fingerprint", out.stderr.trim()))
}

/// The other computer cannot be reached, and what was heard.
pub fn unreachable(peer: &Peer, why: &str) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Shipshape cannot reach {} ({why}).", peer.named()),
        format!(
            "Check that {} is switched on and connected to the network, and that its SSH server runs on port {}; then try again.",
            peer.host, peer.port
        ),
    )
}

/// What ssh says when it cannot reach the other computer, in its words.
pub const UNREACHABLE: [&str; 9] = [
    "Connection refused",
    "Connection timed out",
    "No route to host",
    "Network is unreachable",
    "Could not resolve hostname",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Connection closed by",
    "Connection reset by",
];

/// The other computer's ED25519 host key, as `ssh-keyscan` hears it now.
pub fn offered(peer: &Peer) -> Result<Offered> {
    let port = peer.port.to_string();
    let args = ["-T", "10", "-t", "ed25519", "-p", &port, "--", &peer.host];
    let out = Run::new(SSH_KEYSCAN, &args, LIMIT)
        .finish()
        .map_err(|e| ssh_failed("ask the other computer for its host key", &e.to_string()))?;
    let key = out.stdout.lines().find_map(|l| {
        let mut words = l.split_whitespace();
        let (_, kind, blob) = (words.next()?, words.next()?, words.next()?);
        let valid = base64::engine::general_purpose::STANDARD
            .decode(blob)
            .is_ok();
        (!l.starts_with('#') && kind == KEY_TYPE && valid).then(|| format!("{kind} {blob}"))
    });
    let Some(key) = key else {
        // ssh-keyscan prints the server's greeting as a comment when it
        // reached one.
        if out.stderr.lines().any(|l| l.starts_with("# ")) {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!(
                    "{} answered, but offers no ED25519 host key, the only kind Shipshape trusts.",
                    peer.named()
                ),
                format!(
                    "Every current OpenSSH server has one: on {}, run sudo ssh-keygen -A and restart its SSH server, then try again.",
                    peer.host
                ),
            ));
        }
        let why = out.stderr.trim();
        return Err(unreachable(
            peer,
            if why.is_empty() {
                "no SSH server answered"
            } else {
                why
            },
        ));
    };
    let fingerprint = fingerprint(&key)?;
    // ssh-keyscan prints the greeting as "# HOST:PORT SSH-2.0-SOFTWARE ...".
    let server = out.stderr.lines().find_map(|l| {
        let greeting = l.strip_prefix("# ")?.split_whitespace().nth(1)?;
        let software = greeting.strip_prefix("SSH-2.0-")?;
        software
            .bytes()
            .all(|b| b.is_ascii_graphic())
            .then(|| software.chars().take(64).collect())
    });
    Ok(Offered {
        key,
        fingerprint,
        server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_openssh_9_1_and_newer_reads_a_utc_expiry() {
        assert!(reads_utc_expiry("OpenSSH_9.2p1"));
        assert!(reads_utc_expiry("OpenSSH_9.1"));
        assert!(reads_utc_expiry("OpenSSH_10.0p2"));
        assert!(!reads_utc_expiry("OpenSSH_8.9p1"));
        assert!(!reads_utc_expiry("OpenSSH_9.0p1"));
        assert!(!reads_utc_expiry("dropbear_2022.83"));
    }

    #[test]
    fn a_computer_s_trusted_key_is_replaced_not_added_to() {
        let old = "ssh-ed25519 AAAAold";
        let text = format!("nas {old}\n[nas]:2222 ssh-ed25519 AAAAother\n");
        assert_eq!(known_key(&text, "nas").as_deref(), Some(old));
        assert_eq!(
            known_key(&text, "[nas]:2222").as_deref(),
            Some("ssh-ed25519 AAAAother")
        );
        assert_eq!(known_key(&text, "nas.local"), None);
        let text = with_known(&text, "nas", "ssh-ed25519 AAAAnew");
        assert_eq!(
            text,
            "[nas]:2222 ssh-ed25519 AAAAother\nnas ssh-ed25519 AAAAnew\n"
        );
        assert_eq!(with_known("", "h", "ssh-ed25519 K"), "h ssh-ed25519 K\n");
        assert_eq!(
            without_known(&text, "nas"),
            "[nas]:2222 ssh-ed25519 AAAAother\n"
        );
    }

    #[test]
    fn fingerprints_are_taken_as_ssh_keygen_shows_them() {
        let fp = "NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s";
        let want = format!("SHA256:{fp}");
        assert_eq!(checked_fingerprint(&want).expect("taken"), want);
        assert_eq!(checked_fingerprint(fp).expect("taken"), want);
        assert_eq!(
            checked_fingerprint(&format!(" {want}= ")).expect("taken"),
            want
        );
        for wrong in [
            "",
            "SHA256:",
            "MD5:aa:bb",
            &want[..want.len() - 1],
            "SHA256:--rm -rf /---------------------------------",
        ] {
            assert!(checked_fingerprint(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn names_and_hosts_ssh_could_misread_are_not_plain() {
        assert!(plain_account("backup") && plain_host("nas.local") && plain_host("127.0.0.2"));
        for bad in ["-oProxyCommand=x", "a b", "ho%st", "", "a;b"] {
            assert!(!plain_host(bad), "{bad}");
        }
        assert!(!plain_account(&"a".repeat(33)));
        let peer = Peer {
            user: "root".into(),
            host: "pc".into(),
            port: 2222,
        };
        assert_eq!(
            (peer.known_as(), peer.named()),
            ("[pc]:2222".into(), "pc (port 2222)".into())
        );
    }
}
