//! The lockout guard: a fix that could lock the administrator out first
//! proves another way in exists, or is refused with the reason.

use super::ufw;
use crate::harden::check::{Outcome, Status};
use crate::harden::parse;
use crate::harden::sshd::SshdConfig;
use crate::harden::sshd_access::{self, Access, Account};
use crate::harden::target::Target;
use crate::{Error, ErrorCode, Result};

/// Notes for the preview when the way in is proven; an error when not.
pub fn check(host: &Target, check_id: &str) -> Result<Vec<String>> {
    match check_id {
        "ssh.root_login" => root_login(host),
        "ssh.password_auth" => password_auth(host),
        "firewall.active" | "firewall.default_deny" | "firewall.ufw_ipv6" => firewall(host),
        _ => Ok(Vec::new()),
    }
}

/// An account that may become root, and how the SSH server treats it.
#[derive(Debug)]
struct Admin {
    name: String,
    /// It has a key where sshd looks, and sshd takes keys from it.
    has_key: bool,
    /// It has a password, and sshd takes passwords from it.
    has_password: bool,
    /// The setting that keeps it out of SSH altogether.
    refused_by: Option<String>,
}

const ADMIN_GROUPS: &[&str] = &["sudo", "wheel", "admin"];

/// Why the guard could not read a file it needed (the first such file),
/// so "no way in found" is not claimed from what was not seen.
type Unsure = Option<Outcome>;

/// A read's text; a file that could not be read is noted in `unsure`.
fn or_note(read: std::result::Result<Option<String>, Outcome>, unsure: &mut Unsure) -> String {
    match read {
        Ok(text) => text.unwrap_or_default(),
        Err(why) => {
            unsure.get_or_insert(why);
            String::new()
        }
    }
}

/// The accounts in /etc/passwd with the groups each is in, by name.
fn accounts(host: &Target) -> Vec<(Account, String)> {
    let passwd = host.read_quiet("etc/passwd").unwrap_or_default();
    let group = host.read_quiet("etc/group").unwrap_or_default();
    let groups: Vec<Vec<&str>> = parse::lines(&group)
        .map(|(_, l)| l.split(':').collect::<Vec<_>>())
        .filter(|f| f.len() >= 4)
        .collect();
    parse::lines(&passwd)
        .map(|(_, l)| l.split(':').collect::<Vec<_>>())
        .filter(|f| f.len() >= 7)
        .map(|f| {
            let (name, uid, gid, home, shell) = (f[0], f[2], f[3], f[5], f[6]);
            let member_of = groups
                .iter()
                .filter(|g| g[2] == gid || g[3].split(',').any(|m| m == name))
                .map(|g| g[0].to_string())
                .collect();
            let account = Account {
                name: name.to_string(),
                uid: uid.to_string(),
                home: home.to_string(),
                groups: member_of,
            };
            (account, shell.to_string())
        })
        .collect()
}

/// The accounts that may become root and can log in; `unsure` when some
/// of what proves it (/etc/shadow, a home folder's keys) could not be read.
fn admins(host: &Target, sshd: Option<&SshdConfig>, unsure: &mut Unsure) -> Vec<Admin> {
    let shadow = or_note(host.read("etc/shadow"), unsure);
    let mut found = Vec::new();
    for (account, shell) in accounts(host) {
        let is_admin = account
            .groups
            .iter()
            .any(|g| ADMIN_GROUPS.contains(&g.as_str()));
        if account.uid == "0" || !is_admin || shell.ends_with("nologin") || shell.ends_with("false")
        {
            continue;
        }
        let access = sshd_access::access(sshd, &account);
        found.push(Admin {
            has_key: access.refused_by.is_none() && access.keys && has_key(host, &access, unsure),
            has_password: access.refused_by.is_none()
                && access.passwords
                && has_password(&shadow, &account.name),
            refused_by: access.refused_by,
            name: account.name,
        });
    }
    found
}

/// A key in one of the files sshd reads for the account. The account
/// writes these files, so a link there is not followed and a FIFO or a
/// device is not read: such a file leaves the answer unsure.
fn has_key(host: &Target, access: &Access, unsure: &mut Unsure) -> bool {
    access.key_files.iter().any(|rel| {
        parse::lines(&or_note(host.read_unfollowed(rel), unsure))
            .any(|(_, l)| l.contains("ssh-") || l.contains("ecdsa-") || l.contains("sk-"))
    })
}

/// Why an administrator with a key or password still cannot log in, for
/// the refusal's message.
fn kept_out(admins: &[Admin]) -> String {
    admins
        .iter()
        .find_map(|a| {
            a.refused_by
                .as_ref()
                .map(|at| format!(" (the SSH server keeps {} out: {at})", a.name))
        })
        .unwrap_or_default()
}

/// What the guard says when it could not read everything that proves a
/// way in. A normal user is sent to the administrator, who looks instead
/// (the helper makes the preview), so the preview never depends on who
/// asked. What the administrator cannot read either (a key file that is a
/// FIFO, a device or a link) is named, and the fix waits until it is sorted.
fn unsure_error(why: Outcome) -> Error {
    if why.status == Status::NeedsAdmin {
        return Error::new(
            ErrorCode::NeedsAdmin,
            "Only an administrator can see whether another way in stays open (the password file and other people's SSH keys are theirs to read).",
            "Run the fix as an administrator: it asks for the administrator's password.",
        );
    }
    Error::new(
        ErrorCode::Io,
        format!(
            "{} So Shipshape cannot tell whether another way in stays open.",
            why.detail
        ),
        "Make that file a plain file (or remove it), then try again.",
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

fn sshd_config(host: &Target) -> Option<SshdConfig> {
    SshdConfig::load(host).ok().flatten()
}

fn lockout(message: String, hint: &str) -> Error {
    Error::new(ErrorCode::WouldLockOut, message, hint)
}

fn root_login(host: &Target) -> Result<Vec<String>> {
    let sshd = sshd_config(host);
    let mut unsure = None;
    let admins = admins(host, sshd.as_ref(), &mut unsure);
    if let Some(why) = unsure {
        return Err(unsure_error(why));
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
            admins.iter().find(|a| a.has_password).map(|a| {
                format!(
                    "{} can log in with a password and become root with sudo.",
                    a.name
                )
            })
        });
    match way_in {
        Some(how) => Ok(vec![format!("Another way in stays open: {how}")]),
        None => Err(lockout(
            format!(
                "No other administrator account can log in over SSH{}, so turning off root's login could lock you out of this computer.",
                kept_out(&admins)
            ),
            "First give an account in the sudo group an SSH key (ssh-copy-id) or a password, check that it can log in, then try again.",
        )),
    }
}

fn password_auth(host: &Target) -> Result<Vec<String>> {
    let sshd = sshd_config(host);
    let mut unsure = None;
    let admins = admins(host, sshd.as_ref(), &mut unsure);
    let root_keys = accounts(host)
        .into_iter()
        .find(|(a, _)| a.name == "root")
        .is_some_and(|(root, _)| {
            let access = sshd_access::access(sshd.as_ref(), &root);
            let permitted = sshd
                .as_ref()
                .and_then(|c| c.global("permitrootlogin"))
                .is_none_or(|d| !d.value.eq_ignore_ascii_case("no"));
            permitted
                && access.refused_by.is_none()
                && access.keys
                && has_key(host, &access, &mut unsure)
        });
    if let Some(why) = unsure {
        return Err(unsure_error(why));
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
        format!(
            "No administrator has an SSH key the SSH server accepts{}, so turning off password logins could lock you out of this computer.",
            kept_out(&admins)
        ),
        "Add your public key to an administrator account (ssh-copy-id), check that you can log in with it, then try again.",
    ))
}

/// Who is connected to this computer over the network now, from the
/// system: under pkexec this program's environment says nothing about where
/// the asking user sits, so the asker (pkexec's `PKEXEC_UID`, else the
/// account running this) is looked for among `who`'s remote logins. An
/// open session of the SSH server that `who` does not list is someone too:
/// a firewall that cuts them off is a lockout whoever they are.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OverSsh {
    Nobody,
    TheAsker,
    Others(Vec<String>),
}

impl OverSsh {
    fn of(host: &Target) -> Self {
        let remote: Vec<String> = host
            .run(&["who"])
            .map(|out| {
                out.stdout
                    .lines()
                    .filter(|l| remote_login(l))
                    .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let asker = crate::admin::door::requester().or_else(crate::admin::this_account);
        let sessions = !crate::health::sockets::ssh_session_ports_under(host.root()).is_empty();
        Self::judged(&remote, asker.as_deref(), sessions)
    }

    fn judged(remote: &[String], asker: Option<&str>, sessions: bool) -> Self {
        if asker.is_some_and(|a| remote.iter().any(|r| r == a)) {
            return OverSsh::TheAsker;
        }
        let mut others: Vec<String> = remote.to_vec();
        others.sort();
        others.dedup();
        if others.is_empty() && sessions {
            others.push("someone".into());
        }
        if others.is_empty() {
            OverSsh::Nobody
        } else {
            OverSsh::Others(others)
        }
    }

    /// "you are" or "alice and bob are", for a sentence; `None` for nobody.
    fn who(&self) -> Option<String> {
        match self {
            OverSsh::Nobody => None,
            OverSsh::TheAsker => Some("you are".into()),
            OverSsh::Others(names) => Some(format!(
                "{} {}",
                names.join(" and "),
                if names.len() == 1 { "is" } else { "are" }
            )),
        }
    }
}

/// Whether a `who` line is a login at the computer itself: a seat, a
/// virtual console or a local display, not a network login or a
/// terminal inside another session.
pub fn at_the_screen(line: &str) -> bool {
    let mut fields = line.split_whitespace();
    let (Some(_), Some(terminal)) = (fields.next(), fields.next()) else {
        return false;
    };
    let from = line
        .trim_end()
        .strip_suffix(')')
        .and_then(|l| l.rsplit_once('('))
        .map(|(_, f)| f);
    terminal.starts_with("seat")
        || terminal.starts_with("tty")
        || from.is_some_and(|f| f.starts_with(':'))
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

fn firewall(host: &Target) -> Result<Vec<String>> {
    let over_ssh = OverSsh::of(host).who();
    let Some(ports) = ufw::ssh_ports(host)? else {
        if let Some(who) = over_ssh {
            return Err(lockout(
                format!(
                    "{} connected over SSH, but Shipshape found no SSH server settings here to keep its port open, so switching the firewall on could cut {} off.",
                    crate::figures::capitalised(&who),
                    if who == "you are" { "you" } else { "them" }
                ),
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
    if let Some(who) = over_ssh {
        let whom = if who == "you are" { "you" } else { "them" };
        return Err(lockout(
            format!(
                "A firewall rule refuses SSH (port {refused}) and {who} connected over SSH, so switching the firewall on would cut {whom} off."
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
    use super::{OverSsh, remote_login};

    #[test]
    fn the_asker_is_told_apart_from_others_connected_over_ssh() {
        let remote = ["bob".to_string(), "alice".to_string(), "bob".to_string()];
        assert_eq!(
            OverSsh::judged(&remote, Some("alice"), true),
            OverSsh::TheAsker
        );
        let others = OverSsh::judged(&remote, Some("carol"), false);
        assert_eq!(others.who().as_deref(), Some("alice and bob are"));
        assert_eq!(
            OverSsh::judged(&remote[..1], None, false).who().as_deref(),
            Some("bob is")
        );
        assert_eq!(
            OverSsh::judged(&[], Some("alice"), true).who().as_deref(),
            Some("someone is")
        );
        assert_eq!(OverSsh::judged(&[], Some("alice"), false), OverSsh::Nobody);
    }

    #[test]
    fn who_lines_at_the_computer_itself_are_at_the_screen() {
        use super::at_the_screen;
        assert!(at_the_screen("alice    tty7         2026-11-25 06:00 (:0)"));
        assert!(at_the_screen("alice    seat0        2026-11-25 06:00"));
        assert!(at_the_screen("bob      tty1         2026-11-25 06:00"));
        assert!(!at_the_screen(
            "alice    pts/0        2026-11-25 06:00 (10.0.0.7)"
        ));
        assert!(!at_the_screen(
            "alice    pts/2        2026-11-25 06:02 (tmux(1234).%0)"
        ));
        assert!(!at_the_screen(""));
    }

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
