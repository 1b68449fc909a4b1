//! Backups on a restic REST server (restic's rest-server, `rclone serve
//! restic`, a NAS's backup service): a place written
//! `rest:https://USER@HOST[:PORT]/path` (or `http://`). The server's
//! password is never part of the place: the administrator gives it once,
//! and root keeps it sealed with this computer's credential key, like its
//! own key to each backup (`sealed`). Over https, root trusts only the
//! certificate the administrator confirmed by its fingerprint (as ssh
//! trusts a host key), handed to restic with `--cacert`: a self-signed
//! certificate works, and a server that shows another is refused. restic
//! gets the address with the password in its environment, never in its
//! arguments, which anyone on the computer may read.

use super::location::{plain, port_number};
use super::sealed;
use crate::audit::{self, Actor, NewEntry};
use crate::figures::capitalised;
use crate::program::Run;
use crate::store::Store;
use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::time::Duration;
use ts_rs::TS;
use zeroize::Zeroizing;

const OPENSSL: &str = "/usr/bin/openssl";

/// How long a look at the server's certificate may take.
const LIMIT: Duration = Duration::from_secs(30);

/// How the way to write a place is told when one is refused.
const FORM: &str = "Write it as rest:https://USER@HOST:PORT/folder, for example rest:https://office@nas.local:8000/backups; leave out USER@ when the server asks for no password, and use http:// only for a server without encryption.";

/// A place on a restic REST server. Made only by `parse`, so every part
/// is one restic reads as meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rest {
    encrypted: bool,
    user: Option<String>,
    host: String,
    port: u16,
    path: String,
}

fn refused(text: &str, why: &str) -> Error {
    Error::invalid_input(
        format!(
            "\u{201c}{}\u{201d} is not a backup server Shipshape can use: {why}.",
            redacted(text)
        ),
        FORM,
    )
}

/// `text` with whatever stands between an account's name and `@` (a
/// password) left out, so it is never shown or kept.
fn redacted(text: &str) -> String {
    let Some(start) = text.find("://").map(|at| at + 3) else {
        return text.to_string();
    };
    // No place Shipshape takes has `@` in its folder: up to the last one
    // may be the password, whatever `/` it holds.
    let Some(at) = text[start..].rfind('@').map(|at| start + at) else {
        return text.to_string();
    };
    match text[start..at].find(':') {
        Some(colon) => format!("{}:\u{2026}{}", &text[..start + colon], &text[at..]),
        None => text.to_string(),
    }
}

impl Rest {
    /// Reads `rest:https://USER@HOST[:PORT]/path`. Refused: a password in
    /// the place (it would be kept and shown), anything but plain names,
    /// a port outside 1 to 65535, a path that climbs with `..`, queries
    /// and fragments.
    pub fn parse(text: &str) -> Result<Rest> {
        let Some(url) = text.strip_prefix("rest:") else {
            return Err(refused(text, "it does not start with rest:"));
        };
        let (encrypted, body) = if let Some(body) = url.strip_prefix("https://") {
            (true, body)
        } else if let Some(body) = url.strip_prefix("http://") {
            (false, body)
        } else {
            return Err(refused(text, "it does not go on with https:// or http://"));
        };
        let (authority, path) = match body.find('/') {
            Some(at) => body.split_at(at),
            None => (body, ""),
        };
        let (user, server) = match authority.rsplit_once('@') {
            Some((user, server)) => (Some(user), server),
            None => (None, authority),
        };
        if user.is_some_and(|u| u.contains(':')) {
            return Err(Error::invalid_input(
                format!(
                    "\u{201c}{}\u{201d} has the server's password in it, where it would be kept and shown.",
                    redacted(text)
                ),
                "Write the place without it (rest:https://USER@HOST:PORT/folder) and give the password when Shipshape asks for it: it is kept sealed, readable only by the administrator on this computer.",
            ));
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'`\\%?#".contains(c))
        {
            return Err(refused(
                text,
                "it has a space, a quote, a backslash, %, ? or #, which restic would read differently",
            ));
        }
        if let Some(user) = user
            && (user.len() > 64 || !plain(user, "._-"))
        {
            return Err(refused(
                text,
                &format!("\u{201c}{user}\u{201d} is not an account name"),
            ));
        }
        if server.starts_with('[') {
            return Err(refused(
                text,
                "IPv6 addresses are not taken; give the server's name or IPv4 address",
            ));
        }
        let (host, port) = match server.split_once(':') {
            Some((host, port)) => {
                let Some(number) = port_number(port) else {
                    return Err(refused(
                        text,
                        &format!("\u{201c}{port}\u{201d} is not a port number (1 to 65535)"),
                    ));
                };
                (host, number)
            }
            None => (server, if encrypted { 443 } else { 80 }),
        };
        if host.len() > 253 || !plain(host, ".-") {
            return Err(refused(
                text,
                &format!("\u{201c}{host}\u{201d} is not a server's name or address"),
            ));
        }
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.iter().any(|p| !plain(p, "._-")) {
            return Err(refused(
                text,
                "its folder has a part that is not a plain name (or climbs with \"..\")",
            ));
        }
        Ok(Rest {
            encrypted,
            user: user.map(String::from),
            host: host.to_ascii_lowercase(),
            port,
            path: parts.join("/"),
        })
    }

    /// Whether the server is reached over https.
    pub fn encrypted(&self) -> bool {
        self.encrypted
    }

    /// The account on the server, when it asks for one.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn scheme(&self) -> &'static str {
        if self.encrypted { "https" } else { "http" }
    }

    fn default_port(&self) -> bool {
        self.port == if self.encrypted { 443 } else { 80 }
    }

    /// The server and account, without the folder: one password and one
    /// certificate serve every folder on it.
    fn account(&self) -> String {
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        format!("{}://{user}{}:{}", self.scheme(), self.host, self.port)
    }

    /// As kept and shown: the port only when not the usual one.
    pub fn shown(&self) -> String {
        let user = self
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default();
        let port = if self.default_port() {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!(
            "rest:{}://{user}{}{port}/{}",
            self.scheme(),
            self.host,
            self.path
        )
    }

    /// The place as restic takes it, with the server's password
    /// (percent-encoded) when it asks for one.
    pub(crate) fn restic_repo(&self, login: Option<&Secret>) -> Zeroizing<String> {
        let user = match (&self.user, login) {
            (Some(user), Some(login)) => format!("{user}:{}@", encoded(login.expose())),
            (Some(user), None) => format!("{user}@"),
            (None, _) => String::new(),
        };
        let path = if self.path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.path)
        };
        Zeroizing::new(format!(
            "rest:{}://{user}{}:{}/{path}",
            self.scheme(),
            self.host,
            self.port
        ))
    }

    /// The server in words: its name, and the port when not the usual one.
    fn named(&self) -> String {
        if self.default_port() {
            format!("the backup server {}", self.host)
        } else {
            format!("the backup server {} (port {})", self.host, self.port)
        }
    }
}

/// Every byte but letters, digits and `-._~` as `%XX`: a password holding
/// `@`, `:` or `/` must not end the account part of the address.
fn encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What the administrator needs to set up a backup on a REST server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupServer")]
pub struct Server {
    /// The place, as kept and shown.
    pub location: String,
    /// Whether the connection is encrypted (https).
    pub encrypted: bool,
    /// The SHA-256 fingerprint of the certificate the server shows now,
    /// as `openssl x509 -noout -fingerprint -sha256` prints it.
    pub fingerprint: Option<String>,
    /// The fingerprint of the certificate Shipshape trusts for it, when it
    /// trusts one; another than `fingerprint` means it changed.
    pub trusted: Option<String>,
    /// The account the server asks for, if any.
    pub user: Option<String>,
    /// Whether root keeps a password for that account.
    pub login_kept: bool,
    /// Whether the server let Shipshape in: certificate trusted, password
    /// right. Said only when it was tried.
    pub ready: bool,
    /// Whether a backup is there already (connect it rather than make one).
    pub has_backup: bool,
}

/// The certificates root trusts and the server passwords it keeps, in
/// `rest` of its state.
#[derive(Debug, Clone)]
pub struct RootRest {
    folder: PathBuf,
}

/// A certificate the server showed, and its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Offered {
    pem: String,
    fingerprint: String,
}

fn tls_failed(why: &str) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Shipshape could not read the backup server's certificate: {why}."),
        "Check that OpenSSL is installed (sudo apt install openssl), then try again.",
    )
}

impl RootRest {
    /// The certificates and passwords under root's state folder `state`.
    pub fn in_state(state: &Path) -> RootRest {
        RootRest {
            folder: state.join("rest"),
        }
    }

    fn made(&self) -> Result<&Path> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        crate::admin::safe_path::check(&self.folder)?;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.folder)
            .map_err(|e| Error::io("create", &self.folder, &e))?;
        std::fs::set_permissions(&self.folder, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("protect", &self.folder, &e))?;
        Ok(&self.folder)
    }

    /// The trusted certificate of `to`'s server: one per name and port
    /// (plain characters only, by `parse`).
    pub fn certificate_file(&self, to: &Rest) -> PathBuf {
        self.folder.join(format!("{}_{}.pem", to.host, to.port))
    }

    /// The sealed password's file and name, from a digest of the server
    /// and account, never the account's words.
    fn login_file(&self, to: &Rest) -> (PathBuf, String) {
        let digest = blake3::hash(to.account().as_bytes()).to_hex();
        let token = &digest.as_str()[..16];
        (
            self.folder.join(format!("{token}.cred")),
            format!("shipshape-rest-{token}"),
        )
    }

    /// The fingerprint of the certificate trusted for `to`'s server;
    /// none without encryption.
    pub fn trusted(&self, to: &Rest) -> Result<Option<String>> {
        if !to.encrypted {
            return Ok(None);
        }
        let file = self.certificate_file(to);
        match crate::host_file::read_text(&file, false) {
            Ok(pem) => fingerprint(&pem).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("read", &file, &e)),
        }
    }

    /// The server's password root keeps for `to`'s account; `None` when
    /// the server asks for none.
    pub fn login(&self, to: &Rest) -> Result<Option<Secret>> {
        if to.user.is_none() {
            return Ok(None);
        }
        let (file, name) = self.login_file(to);
        if !file.is_file() {
            return Err(no_login(to));
        }
        sealed::unseal(&file, &name).map(Some)
    }

    fn login_kept(&self, to: &Rest) -> bool {
        to.user.is_some() && self.login_file(to).0.is_file()
    }

    fn keep_login(&self, to: &Rest, login: &Secret) -> Result<()> {
        self.made()?;
        let (file, name) = self.login_file(to);
        sealed::seal(&file, &name, login)
    }

    /// Forgets the password kept for `to`'s account (one the server refused).
    pub fn forget_login(&self, to: &Rest) {
        let _ = std::fs::remove_file(self.login_file(to).0);
    }

    fn keep_certificate(&self, to: &Rest, pem: &str) -> Result<()> {
        self.made()?;
        crate::atomic_file::write_with(
            &self.certificate_file(to),
            pem.as_bytes(),
            crate::atomic_file::Options {
                mode: Some(0o600),
                owner: None,
            },
        )
    }

    /// The place with the password for restic's environment, and for
    /// https the certificate file for `--cacert`: refused until the
    /// certificate is trusted and the password kept.
    pub(crate) fn for_restic(&self, to: &Rest) -> Result<(Zeroizing<String>, Option<PathBuf>)> {
        let certificate = if to.encrypted {
            if self.trusted(to)?.is_none() {
                return Err(not_trusted(to));
            }
            Some(self.certificate_file(to))
        } else {
            None
        };
        let login = self.login(to)?;
        Ok((to.restic_repo(login.as_ref()), certificate))
    }
}

/// A fingerprint as `openssl x509 -fingerprint -sha256` shows it: 32
/// bytes in upper-case hex, parted by colons. Taken with or without its
/// `sha256 Fingerprint=` and colons, in either case.
pub fn checked_fingerprint(text: &str) -> Result<String> {
    let bare = text.trim();
    let bare = bare
        .split_once('=')
        .filter(|(label, _)| label.to_ascii_lowercase().contains("fingerprint"))
        .map_or(bare, |(_, value)| value);
    let bare = bare.strip_prefix("SHA256:").unwrap_or(bare);
    let hex: String = bare.chars().filter(|c| *c != ':').collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid_input(
            format!("\u{201c}{text}\u{201d} is not a certificate's SHA-256 fingerprint."),
            "Give it as shipshape backup server shows it, 32 pairs of hexadecimal digits like 25:7B:32:…, or as openssl x509 -noout -fingerprint -sha256 -in CERTIFICATE prints it on the server.",
        ));
    }
    Ok(colons(&hex.to_ascii_uppercase()))
}

fn colons(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// The SHA-256 fingerprint of the first certificate in `pem`.
fn fingerprint(pem: &str) -> Result<String> {
    let der = first_certificate(pem)
        .and_then(|b64| {
            let joined: String = b64.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .ok()
        })
        .ok_or_else(|| tls_failed("what it holds is not a certificate"))?;
    let digest = sha2::Sha256::digest(&der);
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    Ok(colons(&hex))
}

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The base64 body of the first certificate in `text`, its markers at
/// the start of a line: a server's name printed before it cannot pass
/// for one.
fn first_certificate(text: &str) -> Option<&str> {
    let start = if text.starts_with(BEGIN) {
        BEGIN.len()
    } else {
        text.find(&format!("\n{BEGIN}"))? + 1 + BEGIN.len()
    };
    let len = text[start..].find(&format!("\n{END}"))?;
    Some(&text[start..start + len + 1])
}

/// The certificate the server shows now (the first one it sends), read
/// with `openssl s_client`; nothing of it is trusted here.
fn offered(to: &Rest) -> Result<Offered> {
    let connect = format!("{}:{}", to.host, to.port);
    let mut args = vec!["s_client", "-connect", &connect, "-showcerts"];
    // A name, not an address, is what the server picks its certificate by.
    if to.host.parse::<std::net::Ipv4Addr>().is_err() {
        args.extend(["-servername", &to.host]);
    }
    let out = Run::new(OPENSSL, &args, LIMIT)
        .input(Vec::new())
        .finish()
        .map_err(|e| tls_failed(&e.to_string()))?;
    if let Some(body) = first_certificate(&out.stdout) {
        let pem = format!("{BEGIN}{body}{END}\n");
        let fingerprint = fingerprint(&pem)?;
        return Ok(Offered { pem, fingerprint });
    }
    let said = format!("{}\n{}", out.stderr, out.stdout);
    if let Some(e) = unreachable_in(to, &said) {
        return Err(e);
    }
    Err(Error::new(
        ErrorCode::InvalidInput,
        format!(
            "{} answered, but not with an encrypted connection (https).",
            capitalised(&to.named())
        ),
        format!(
            "Check the port, and whether the server uses https at all; if it does not, write the place with http:// ({}).",
            to.shown().replacen("https://", "http://", 1)
        ),
    ))
}

/// The server cannot be reached, if that is what `said` tells.
fn unreachable_in(to: &Rest, said: &str) -> Option<Error> {
    const UNREACHABLE: [(&str, &str); 10] = [
        ("onnection refused", "connection refused"),
        ("timed out", "no answer"),
        ("i/o timeout", "no answer"),
        ("handshake timeout", "no answer"),
        ("deadline exceeded", "no answer"),
        ("No route to host", "no route to it"),
        ("Network is unreachable", "network unreachable"),
        ("no such host", "unknown name"),
        ("Name or service not known", "unknown name"),
        ("Temporary failure in name resolution", "unknown name"),
    ];
    let (_, why) = UNREACHABLE.iter().find(|(w, _)| said.contains(w))?;
    Some(Error::new(
        ErrorCode::Io,
        format!("Shipshape cannot reach {} ({why}).", to.named()),
        format!(
            "Check that {} is switched on and connected to the network, and that its backup service listens on port {}; then try again.",
            to.host, to.port
        ),
    ))
}

fn no_login(to: &Rest) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "Shipshape has no password for the account {} on {}.",
            to.user.as_deref().unwrap_or_default(),
            to.named()
        ),
        format!(
            "Give it with shipshape backup server --to {} (it reads the password from standard input), or in the Backups wizard.",
            to.shown()
        ),
    )
}

/// No certificate is trusted for `to`'s server yet.
fn not_trusted(to: &Rest) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "Shipshape does not know {}'s certificate yet, so it did not connect.",
            to.named()
        ),
        format!(
            "See its fingerprint with shipshape backup server --to {}, compare it with what the server shows for itself (openssl x509 -noout -fingerprint -sha256 -in its certificate), then give it with --trust-certificate.",
            to.shown()
        ),
    )
}

/// What restic said went wrong with the server, in plain words; `None`
/// when it was not about reaching it.
pub(crate) fn failure(to: &Rest, said: &str) -> Option<Error> {
    if let Some(e) = certificate_unfit(to, said) {
        return Some(e);
    }
    if said.contains("x509:") {
        return Some(Error::new(
            ErrorCode::KeyChanged,
            format!(
                "{} showed another certificate than the one Shipshape trusts, so nothing was sent to it: another computer may be answering in its place.",
                capitalised(&to.named())
            ),
            format!(
                "Do not go on unless you know why it changed (its certificate was renewed or the server replaced). Then compare its new fingerprint with shipshape backup server --to {}, and trust it with --trust-certificate.",
                to.shown()
            ),
        ));
    }
    if said.contains("(401)") {
        return Some(match &to.user {
            Some(_) => password_refused(to),
            None => Error::new(
                ErrorCode::InvalidInput,
                format!(
                    "{} asks for an account and password.",
                    capitalised(&to.named())
                ),
                "Write the place with the account (rest:https://USER@HOST:PORT/folder) and give its password.",
            ),
        });
    }
    if said.contains("(403)") {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} does not let the account {} use /{}.",
                capitalised(&to.named()),
                to.user.as_deref().unwrap_or("(none)"),
                to.path
            ),
            "A server with private folders gives each account the folder named after it: use rest:…/ACCOUNT, or ask whoever runs the server.",
        ));
    }
    if !to.encrypted && (said.contains("(400)") || said.contains("malformed HTTP response")) {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} did not understand the request: it may expect https rather than http.",
                capitalised(&to.named())
            ),
            format!(
                "Write the place with https:// ({}) and confirm its certificate.",
                to.shown().replacen("http://", "https://", 1)
            ),
        ));
    }
    if said.contains("server gave HTTP response to HTTPS client") {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} does not use encryption (https).",
                capitalised(&to.named())
            ),
            format!(
                "Write the place with http:// ({}), knowing that its password then crosses the network readable; the backup itself stays encrypted.",
                to.shown().replacen("https://", "http://", 1)
            ),
        ));
    }
    unreachable_in(to, said)
}

/// A certificate restic refused for what it says, not for who signed it:
/// it does not name the server as written, names it only in its
/// subject's common name (Go accepts only the alternative names), or is
/// out of date.
fn certificate_unfit(to: &Rest, said: &str) -> Option<Error> {
    let why = if said.contains("legacy Common Name") {
        "names the server only in its subject, which restic no longer reads (it needs a subject alternative name)"
    } else if said.contains("is valid for")
        || said.contains("doesn't contain any IP SANs")
        || said.contains("not valid for any names")
    {
        "is made out for another name than the one written in the place"
    } else if said.contains("has expired or is not yet valid") {
        "is out of date (expired, or not valid yet)"
    } else {
        return None;
    };
    Some(Error::new(
        ErrorCode::InvalidInput,
        format!(
            "The certificate of {} {why}, so restic refuses it.",
            to.named()
        ),
        format!(
            "Write the place with the name the certificate is made out for, or give the server a certificate for {} that is valid now (with it as a subject alternative name), then trust it again.",
            to.host
        ),
    ))
}

/// Refuses a certificate restic would refuse whatever is pinned: out of
/// date, or not made out for the server's name or address as written.
fn check_fits(to: &Rest, pem: &str) -> Result<()> {
    let check = if to.host.parse::<std::net::Ipv4Addr>().is_ok() {
        "-checkip"
    } else {
        "-checkhost"
    };
    // One question each: openssl answers -checkend alone when given more.
    let ask = |args: &[&str]| {
        Run::new(OPENSSL, args, LIMIT)
            .input(pem.as_bytes().to_vec())
            .finish()
            .map_err(|e| tls_failed(&e.to_string()))
    };
    let valid = ask(&["x509", "-noout", "-checkend", "0"])?;
    let named = ask(&["x509", "-noout", check, &to.host])?;
    let why = if !valid.success() {
        "is out of date (expired)"
    } else if named.stdout.contains("does NOT match") || !named.stdout.contains("does match") {
        "is made out for another name than the one written in the place"
    } else {
        return Ok(());
    };
    Err(Error::new(
        ErrorCode::InvalidInput,
        format!(
            "The certificate of {} {why}, so restic would refuse it: nothing was trusted.",
            to.named()
        ),
        format!(
            "Write the place with the name the certificate is made out for, or give the server a certificate for {} that is valid now, then try again.",
            to.host
        ),
    ))
}

/// The server refused the password of `to`'s account.
pub(crate) fn password_refused(to: &Rest) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "{} refused the password of the account {}.",
            capitalised(&to.named()),
            to.user.as_deref().unwrap_or_default()
        ),
        format!(
            "Give the right one with shipshape backup server --to {} --ask-password, or in the Backups wizard.",
            to.shown()
        ),
    )
}

/// What the administrator needs to trust `to`'s server: the fingerprint
/// of the certificate it shows now (over https) and the one trusted, and
/// whether a password is kept.
pub fn server(rest: &RootRest, to: &Rest) -> Result<Server> {
    let offered = if to.encrypted {
        Some(offered(to)?)
    } else {
        None
    };
    answer(rest, to, offered.as_ref())
}

fn answer(rest: &RootRest, to: &Rest, offered: Option<&Offered>) -> Result<Server> {
    Ok(Server {
        location: to.shown(),
        encrypted: to.encrypted,
        fingerprint: offered.map(|o| o.fingerprint.clone()),
        trusted: rest.trusted(to)?,
        user: to.user.clone(),
        login_kept: rest.login_kept(to),
        ready: false,
        has_backup: false,
    })
}

/// Trusts `to`'s server: over https the certificate it shows now, only if
/// its fingerprint is `confirmed`; the account's password `login` kept
/// sealed. Each is recorded in the activity log (never the password).
pub fn trust(
    store: &Store,
    actor: &Actor,
    rest: &RootRest,
    to: &Rest,
    confirmed: Option<&str>,
    login: Option<&Secret>,
    now: DateTime<Utc>,
) -> Result<Server> {
    if login.is_some() && to.user.is_none() {
        return Err(Error::invalid_input(
            format!("{} names no account, so a password has no use.", to.shown()),
            "Write the place with the account the password is for: rest:https://USER@HOST:PORT/folder.",
        ));
    }
    let offered = match (to.encrypted, confirmed) {
        (false, Some(_)) => {
            return Err(Error::invalid_input(
                format!(
                    "{} is reached without encryption (http://), so it has no certificate to trust.",
                    to.shown()
                ),
                "Leave out --trust-certificate, or write the place with https:// if the server has a certificate.",
            ));
        }
        (false, None) => None,
        (true, _) => Some(offered(to)?),
    };
    if let (Some(offered), Some(confirmed)) = (&offered, confirmed) {
        let confirmed = checked_fingerprint(confirmed)?;
        if offered.fingerprint != confirmed {
            return Err(Error::new(
                ErrorCode::KeyChanged,
                format!(
                    "{} shows the certificate {}, not {confirmed}, so Shipshape does not trust it.",
                    capitalised(&to.named()),
                    offered.fingerprint
                ),
                "Compare again with what the server shows for itself. If it shows the fingerprint you gave, another computer may be answering in its place: do not go on.",
            ));
        }
        check_fits(to, &offered.pem)?;
        let before = rest.trusted(to)?;
        if before.as_deref() != Some(offered.fingerprint.as_str()) {
            rest.keep_certificate(to, &offered.pem)?;
            audit::append(
                store,
                now,
                actor,
                NewEntry::ok(
                    "backup.trust_server",
                    &format!("{}:{}", to.host, to.port),
                    serde_json::json!({ "fingerprint": offered.fingerprint, "replaced": before }),
                ),
            )?;
        }
    }
    if let Some(login) = login {
        rest.keep_login(to, login)?;
        audit::append(
            store,
            now,
            actor,
            NewEntry::ok(
                "backup.server_password",
                &to.account(),
                serde_json::json!({}),
            ),
        )?;
    }
    answer(rest, to, offered.as_ref())
}

/// Refused unless root can reach `to`: its certificate trusted (https)
/// and its password kept (when it names an account).
pub fn ready(rest: &RootRest, to: &Rest) -> Result<()> {
    rest.for_restic(to).map(|_| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_place_on_a_server_is_read_and_shown_back() {
        let r = Rest::parse("rest:https://office@NAS.local:8000/backups/main/").unwrap();
        assert!(r.encrypted());
        assert_eq!(
            (r.user(), r.host(), r.port()),
            (Some("office"), "nas.local", 8000)
        );
        assert_eq!(r.shown(), "rest:https://office@nas.local:8000/backups/main");
        assert_eq!(Rest::parse(&r.shown()).unwrap(), r);
        assert_eq!(r.account(), "https://office@nas.local:8000");
        let login = Secret::new("p@ss:w/rd %x".into()).unwrap();
        assert_eq!(
            r.restic_repo(Some(&login)).as_str(),
            "rest:https://office:p%40ss%3Aw%2Frd%20%25x@nas.local:8000/backups/main/"
        );
        let open = Rest::parse("rest:http://127.0.0.1").unwrap();
        assert_eq!((open.port(), open.user()), (80, None));
        assert_eq!(open.shown(), "rest:http://127.0.0.1/");
        assert_eq!(open.restic_repo(None).as_str(), "rest:http://127.0.0.1:80/");
        let usual = Rest::parse("rest:https://nas:443/b").unwrap();
        assert_eq!(usual.shown(), "rest:https://nas/b");
    }

    #[test]
    fn places_restic_could_misread_or_that_hold_a_password_are_refused() {
        for (text, why) in [
            ("rest:ftp://nas/b", "https:// or http://"),
            ("rest:nas:8000/b", "https:// or http://"),
            ("rest:https://nas/with space", "a space"),
            ("rest:https://nas/b?x=1", "a space"),
            ("rest:https://nas/b%2e%2e", "a space"),
            ("rest:https://-o@nas/b", "not an account name"),
            ("rest:https://nas:0/b", "not a port number"),
            ("rest:https://nas:99999/b", "not a port number"),
            ("rest:https://nas:+1/b", "not a port number"),
            ("rest:https://[::1]:8000/b", "IPv6"),
            ("rest:https://na_s/b", "not a server's name"),
            ("rest:https:///b", "not a server's name"),
            ("rest:https://nas/../etc", "climbs"),
            ("rest:https://nas/a/.hidden", "climbs"),
        ] {
            let e = Rest::parse(text).unwrap_err();
            assert!(e.message.contains(why), "{text}: {e:?}");
            assert_eq!(e.hint, FORM);
        }
        let e = Rest::parse("rest:https://office:s3cret%40x@nas/b").unwrap_err();
        assert!(
            e.message.contains("has the server's password in it"),
            "{e:?}"
        );
        assert!(!e.message.contains("s3cret"), "{e:?}");
        assert_eq!(
            redacted("rest:https://office:p/w@x@nas:8000/b"),
            "rest:https://office:\u{2026}@nas:8000/b"
        );
        assert_eq!(
            redacted("rest:https://office@nas/b"),
            "rest:https://office@nas/b"
        );
        assert!(e.hint.contains("kept sealed"), "{e:?}");
    }

    #[test]
    fn fingerprints_are_taken_as_openssl_prints_them() {
        let want = "25:7B:32:96:A6:A6:FA:E0:50:A3:2E:00:02:41:0A:B7:1A:59:3A:02:06:4B:F0:FF:D9:19:F9:6B:6B:F3:D1:D8";
        for given in [
            want.to_string(),
            format!("sha256 Fingerprint={want}"),
            format!("SHA256 Fingerprint={}", want.to_lowercase()),
            want.replace(':', ""),
            format!(" {} ", want.to_lowercase().replace(':', "")),
        ] {
            assert_eq!(checked_fingerprint(&given).unwrap(), want, "{given}");
        }
        for wrong in [
            "",
            "25:7B",
            &want[..want.len() - 1],
            "SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s",
        ] {
            assert!(checked_fingerprint(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_certificate_s_fingerprint_is_openssl_s() {
        let dir = tempfile::tempdir().unwrap();
        let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
        let made = std::process::Command::new(OPENSSL)
            .args(["req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "1"])
            .args(["-subj", "/CN=nas", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        let said = std::process::Command::new(OPENSSL)
            .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
            .arg(&cert)
            .output()
            .unwrap();
        let said = String::from_utf8(said.stdout).unwrap();
        let pem = std::fs::read_to_string(&cert).unwrap();
        assert_eq!(
            fingerprint(&pem).unwrap(),
            checked_fingerprint(&said).unwrap()
        );
        assert!(fingerprint("no certificate here").is_err());
    }

    #[test]
    fn what_restic_says_of_the_server_is_told_in_plain_words() {
        let to = Rest::parse("rest:https://office@nas:8000/b").unwrap();
        let said = |text: &str| failure(&to, text).unwrap();
        let changed = said(
            "Fatal: unable to open config file: client.Head: Head \"https://office:***@nas:8000/b/config\": x509: certificate signed by unknown authority",
        );
        assert_eq!(changed.code, ErrorCode::KeyChanged);
        assert!(changed.hint.contains("--trust-certificate"), "{changed:?}");
        let refused = said(
            "Fatal: unable to open config file: unexpected HTTP response (401): 401 Unauthorized",
        );
        assert!(
            refused
                .message
                .contains("refused the password of the account office"),
            "{refused:?}"
        );
        let away = said("client.Head: dial tcp 10.0.0.9:8000: connect: connection refused");
        assert_eq!(
            away.message,
            "Shipshape cannot reach the backup server nas (port 8000) (connection refused)."
        );
        let plain = Rest::parse("rest:http://nas:8000/b").unwrap();
        let e = failure(&plain, "unexpected HTTP response (400): 400 Bad Request").unwrap();
        assert!(e.hint.contains("rest:https://nas:8000/b"), "{e:?}");
        assert!(failure(&to, "Fatal: wrong password or no key found").is_none());
        let named = said("x509: certificate is valid for nas.local, not nas");
        assert!(
            named.message.contains("made out for another name"),
            "{named:?}"
        );
        assert_eq!(named.code, ErrorCode::InvalidInput);
        let old = said("x509: certificate has expired or is not yet valid: current time");
        assert!(old.message.contains("out of date"), "{old:?}");
        let timeout = said("dial tcp 10.0.0.9:8000: i/o timeout");
        assert!(timeout.message.contains("(no answer)"), "{timeout:?}");
        let shown = format!(
            "depth=0 CN = {BEGIN}AAAA{END}\n---\nCertificate chain\n{BEGIN}\nQUJD\n{END}\n"
        );
        assert_eq!(first_certificate(&shown), Some("\nQUJD\n"));
    }
}
