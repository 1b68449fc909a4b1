//! The lockout guard: a fix that could lock the administrator out first
//! proves another way in exists, or is refused with the reason.

use super::ufw;
use crate::harden::host::Host;
use crate::harden::parse;
use crate::harden::sshd::SshdConfig;
use crate::{Error, ErrorCode, Result};

/// Notes for the preview when the way in is proven; an error when not.
pub fn check(host: &Host, check_id: &str) -> Result<Vec<String>> {
    match check_id {
        "ssh.root_login" => root_login(host),
        "ssh.password_auth" => password_auth(host),
        "firewall.active" | "firewall.default_deny" | "firewall.ufw_ipv6" => firewall(host),
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

/// Reads a file the guard needs; notes in `unsure` when it may not be
/// read, so "no way in found" is not claimed from what was not seen.
fn read_or_note(host: &Host, rel: &str, unsure: &mut bool) -> String {
    match host.read(rel) {
        Ok(text) => text.unwrap_or_default(),
        Err(_) => {
            *unsure = true;
            String::new()
        }
    }
}

/// The accounts that may become root and can log in; `unsure` when some
/// of what proves it (/etc/shadow, a home folder's keys) could not be read.
fn admins(host: &Host, unsure: &mut bool) -> Vec<Admin> {
    let passwd = host.read_quiet("etc/passwd").unwrap_or_default();
    let group = host.read_quiet("etc/group").unwrap_or_default();
    let shadow = read_or_note(host, "etc/shadow", unsure);
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
            has_key: has_key(host, home, unsure),
            has_password: has_password(&shadow, name),
        });
    }
    found
}

fn has_key(host: &Host, home: &str, unsure: &mut bool) -> bool {
    let rel = format!("{}/.ssh/authorized_keys", home.trim_matches('/'));
    parse::lines(&read_or_note(host, &rel, unsure))
        .any(|(_, l)| l.contains("ssh-") || l.contains("ecdsa-") || l.contains("sk-"))
}

/// What the guard says when it could not read everything that proves a
/// way in: the administrator looks instead (the helper makes the preview),
/// so the preview never depends on who asked.
fn needs_admin() -> Error {
    Error::new(
        ErrorCode::NeedsAdmin,
        "Only an administrator can see whether another way in stays open (the password file and other people's SSH keys are theirs to read).",
        "Run the fix as an administrator: it asks for the administrator's password.",
    )
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
    let mut unsure = false;
    let admins = admins(host, &mut unsure);
    if unsure {
        return Err(needs_admin());
    }
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
    let mut unsure = false;
    let admins = admins(host, &mut unsure);
    let root_keys = setting(host, "permitrootlogin", "prohibit-password") != "no"
        && has_key(host, "root", &mut unsure);
    if unsure {
        return Err(needs_admin());
    }
    if let Some(a) = admins.iter().find(|a| a.has_key) {
        return Ok(vec![format!(
            "Another way in stays open: {} can log in with an SSH key and become root with sudo.",
            a.name
        )]);
    }
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

/// Whether someone is connected to this computer over the network now:
/// this program runs in an SSH session, or `who` lists a remote login.
fn connected_over_ssh(host: &Host) -> bool {
    let here = host.is_live() && std::env::var_os("SSH_CONNECTION").is_some_and(|v| !v.is_empty());
    here || host
        .run(&["who"])
        .is_some_and(|out| out.stdout.lines().any(remote_login))
}

/// A `who` line ends with where the login came from, in brackets: a
/// display (":0") or a terminal multiplexer is local, anything else remote.
fn remote_login(line: &str) -> bool {
    let Some(from) = line
        .trim_end()
        .strip_suffix(')')
        .and_then(|l| l.split_once('('))
        .map(|(_, from)| from)
    else {
        return false;
    };
    !from.is_empty()
        && !from.starts_with(':')
        && !from.starts_with("tmux")
        && !from.starts_with("screen")
}

fn firewall(host: &Host) -> Result<Vec<String>> {
    let over_ssh = connected_over_ssh(host);
    let Some(ports) = ufw::ssh_ports(host)? else {
        if over_ssh {
            return Err(lockout(
                "You are connected over SSH, but Shipshape found no SSH server settings here to keep its port open, so switching the firewall on could cut you off.".into(),
                "Allow the port you connect through first (sudo ufw allow PORT/tcp), or make this fix at the computer itself.",
            ));
        }
        return Ok(Vec::new());
    };
    let shown = ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let refused = ufw::refused_ports(host, &ports);
    if refused.is_empty() {
        return Ok(vec![format!(
            "Another way in stays open: SSH (port {shown}) stays allowed through the firewall."
        )]);
    }
    let refused = refused
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if over_ssh {
        return Err(lockout(
            format!(
                "A firewall rule refuses SSH (port {refused}) and you are connected over SSH, so switching the firewall on would cut you off."
            ),
            "Remove that rule first (sudo ufw status numbered, then sudo ufw delete NUMBER), then try again.",
        ));
    }
    Ok(vec![format!(
        "A firewall rule refuses SSH (port {refused}), so nobody will reach this computer over SSH once the firewall is on."
    )])
}

#[cfg(test)]
mod tests {
    use super::remote_login;

    #[test]
    fn who_lines_from_the_network_are_remote() {
        assert!(remote_login(
            "alice    pts/0        2026-11-25 06:00 (10.0.0.7)"
        ));
        assert!(remote_login(
            "bob      pts/1        2026-11-25 06:01 (laptop.office.lan)"
        ));
        assert!(!remote_login("alice    tty7         2026-11-25 06:00 (:0)"));
        assert!(!remote_login(
            "alice    pts/2        2026-11-25 06:02 (tmux(1234).%0)"
        ));
        assert!(!remote_login("alice    seat0        2026-11-25 06:00"));
        assert!(!remote_login("alice    pts/3        2026-11-25 06:00 ()"));
    }
}
