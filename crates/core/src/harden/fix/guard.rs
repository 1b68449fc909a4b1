//! The lockout guard: a fix that could lock the administrator out first
//! proves another way in exists, or is refused with the reason.

use crate::harden::host::Host;
use crate::harden::parse;
use crate::harden::sshd::SshdConfig;
use crate::{Error, ErrorCode, Result};

/// Notes for the preview when the way in is proven; an error when not.
pub fn check(host: &Host, check_id: &str) -> Result<Vec<String>> {
    match check_id {
        "ssh.root_login" => root_login(host),
        "ssh.password_auth" => password_auth(host),
        _ => Ok(Vec::new()),
    }
}

/// An account that may become root and can log in.
#[derive(Debug)]
struct Admin {
    name: String,
    has_key: bool,
    has_password: bool,
}

const ADMIN_GROUPS: &[&str] = &["sudo", "wheel", "admin"];

fn admins(host: &Host) -> Vec<Admin> {
    let passwd = host.read_quiet("etc/passwd").unwrap_or_default();
    let group = host.read_quiet("etc/group").unwrap_or_default();
    let shadow = host.read_quiet("etc/shadow").unwrap_or_default();
    let mut admin_gids = Vec::new();
    let mut members: Vec<String> = Vec::new();
    for (_, l) in parse::lines(&group) {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() >= 4 && ADMIN_GROUPS.contains(&f[0]) {
            admin_gids.push(f[2].to_string());
            members.extend(
                f[3].split(',')
                    .filter(|m| !m.is_empty())
                    .map(str::to_string),
            );
        }
    }
    let mut found = Vec::new();
    for (_, l) in parse::lines(&passwd) {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 7 || f[2] == "0" {
            continue;
        }
        let (name, gid, home, shell) = (f[0], f[3], f[5], f[6]);
        let is_admin = members.iter().any(|m| m == name) || admin_gids.iter().any(|g| g == gid);
        if !is_admin || shell.ends_with("nologin") || shell.ends_with("false") {
            continue;
        }
        found.push(Admin {
            name: name.to_string(),
            has_key: has_key(host, home),
            has_password: has_password(&shadow, name),
        });
    }
    found
}

fn has_key(host: &Host, home: &str) -> bool {
    let rel = format!("{}/.ssh/authorized_keys", home.trim_matches('/'));
    host.read_quiet(&rel).is_some_and(|t| {
        parse::lines(&t)
            .any(|(_, l)| l.contains("ssh-") || l.contains("ecdsa-") || l.contains("sk-"))
    })
}

fn has_password(shadow: &str, name: &str) -> bool {
    parse::lines(shadow).any(|(_, l)| {
        let f: Vec<&str> = l.split(':').collect();
        f.len() >= 2
            && f[0] == name
            && !f[1].is_empty()
            && !f[1].starts_with('!')
            && !f[1].starts_with('*')
    })
}

fn setting(host: &Host, keyword: &str, default: &str) -> String {
    SshdConfig::load(host)
        .ok()
        .flatten()
        .and_then(|c| c.global(keyword).map(|d| d.value.to_ascii_lowercase()))
        .unwrap_or_else(|| default.to_string())
}

fn lockout(message: String, hint: &str) -> Error {
    Error::new(ErrorCode::WouldLockOut, message, hint)
}

fn root_login(host: &Host) -> Result<Vec<String>> {
    let passwords = setting(host, "passwordauthentication", "yes") != "no";
    let admins = admins(host);
    let way_in = admins
        .iter()
        .find(|a| a.has_key)
        .map(|a| {
            format!(
                "{} can log in with an SSH key and become root with sudo.",
                a.name
            )
        })
        .or_else(|| {
            admins
                .iter()
                .find(|a| passwords && a.has_password)
                .map(|a| {
                    format!(
                        "{} can log in with a password and become root with sudo.",
                        a.name
                    )
                })
        });
    match way_in {
        Some(how) => Ok(vec![format!("Another way in stays open: {how}")]),
        None => Err(lockout(
            "No other administrator account can log in over SSH, so turning off root's login could lock you out of this computer.".into(),
            "First give an account in the sudo group an SSH key (ssh-copy-id) or a password, check that it can log in, then try again.",
        )),
    }
}

fn password_auth(host: &Host) -> Result<Vec<String>> {
    let admins = admins(host);
    if let Some(a) = admins.iter().find(|a| a.has_key) {
        return Ok(vec![format!(
            "Another way in stays open: {} can log in with an SSH key and become root with sudo.",
            a.name
        )]);
    }
    let root_keys =
        setting(host, "permitrootlogin", "prohibit-password") != "no" && has_key(host, "root");
    if root_keys {
        return Ok(vec![
            "Another way in stays open: root can log in with an SSH key.".into(),
        ]);
    }
    Err(lockout(
        "No administrator has an SSH key, so turning off password logins could lock you out of this computer.".into(),
        "Add your public key to an administrator account (ssh-copy-id), check that you can log in with it, then try again.",
    ))
}
