//! The office's computers as the console keeps them: each an account on a
//! computer reached over SSH, with the fingerprint of the host key the
//! administrator confirmed at enrolment (the key itself is in the fleet's
//! own known_hosts), when it was last seen, and its last report. Enrolling
//! works like ssh's first contact, but nothing is trusted on first sight:
//! the fingerprint the computer offers now is shown, compared by the
//! administrator with what that computer shows for itself, and handed
//! back; it is pinned only if it is still the one offered.

use super::report::Report;
use crate::audit::{self, Actor, NewEntry};
use crate::json_rows;
use crate::ssh::{self, Peer};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

const TABLE: &str = "computers";
const WHAT: &str = "office's computers";

/// At most this many computers: the office sizes Shipshape is made for.
pub const MOST: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetComputer")]
pub struct Computer {
    #[ts(type = "number")]
    pub id: i64,
    /// What the office calls it: "Reception PC".
    pub name: String,
    /// `USER@HOST` or `USER@HOST:PORT`.
    pub address: String,
    pub fingerprint: String,
    pub enrolled: String,
    pub by: String,
    pub last_seen: Option<String>,
    pub report: Option<Report>,
    /// Why the last check did not get through, in plain words.
    pub problem: Option<String>,
}

impl Computer {
    pub fn peer(&self) -> Result<Peer> {
        parse_address(&self.address)
    }

    /// What asking it gave: its report and when it was seen, or why it
    /// was not reached (the report it gave before is kept).
    pub fn answered(&mut self, answer: Result<&Report, &crate::Error>, now: DateTime<Utc>) {
        match answer {
            Ok(report) => {
                self.report = Some(report.clone());
                self.last_seen = Some(stamp(now));
                self.problem = None;
            }
            Err(e) => self.problem = Some(format!("{} {}", e.message, e.hint)),
        }
    }

    /// A computer as enrolled, for unit tests of what uses the list.
    #[cfg(test)]
    pub(crate) fn for_tests(id: i64, name: &str, address: &str) -> Computer {
        Computer {
            id,
            name: name.into(),
            address: address.into(),
            fingerprint: String::new(),
            enrolled: String::new(),
            by: String::new(),
            last_seen: None,
            report: None,
            problem: None,
        }
    }
}

/// What enrolling a computer needs the administrator to see: the host
/// key's fingerprint it offers now, and the line to add there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "FleetEnrolment")]
pub struct Enrolment {
    pub address: String,
    pub fingerprint: String,
    /// The console's key, allowed to run only `shipshape fleet serve`.
    pub key_line: String,
    /// Where to add `key_line` on that computer.
    pub add_to: String,
    /// Or what to run there as root: the console's own account
    /// (`shipshape-fleet`), whose sudo rights reach only Shipshape's helper.
    pub prepare: String,
    /// Or, where Shipshape is not installed yet, the line for root's
    /// authorized_keys that lets the console set it up for a short while,
    pub setup_line: String,
    /// and how long, in words ("for one hour").
    pub setup_for: String,
}

const FORM: &str = "Write it as USER@HOST, or USER@HOST:PORT for another port than 22, for example shipshape@reception.local.";

/// Reads `USER@HOST[:PORT]`; refused: anything ssh could read as an
/// option, IPv6, a port outside 1 to 65535.
pub fn parse_address(text: &str) -> Result<Peer> {
    let refused = |why: &str| {
        Error::invalid_input(
            format!("\u{201c}{text}\u{201d} is not an address Shipshape can use: {why}."),
            FORM,
        )
    };
    let text = text.trim();
    let Some((user, rest)) = text.split_once('@') else {
        return Err(refused("it does not say which account to use (USER@)"));
    };
    if !ssh::plain_account(user) {
        return Err(refused(&format!(
            "\u{201c}{user}\u{201d} is not an account name"
        )));
    }
    if rest.starts_with('[') {
        return Err(refused(
            "IPv6 addresses are not taken; give the computer's name or IPv4 address",
        ));
    }
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => {
            let number = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0 && port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    refused(&format!(
                        "\u{201c}{port}\u{201d} is not a port number (1 to 65535)"
                    ))
                })?;
            (host, number)
        }
        None => (rest, 22),
    };
    if !ssh::plain_host(host) {
        return Err(refused(&format!(
            "\u{201c}{host}\u{201d} is not a computer's name or address"
        )));
    }
    Ok(Peer {
        user: user.to_string(),
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// How an address is kept and shown: the port only when it is not 22.
pub fn shown(peer: &Peer) -> String {
    match peer.port {
        22 => format!("{}@{}", peer.user, peer.host),
        port => format!("{}@{}:{port}", peer.user, peer.host),
    }
}

/// The fleet's own known_hosts, in the data folder.
pub fn known_hosts(data_dir: &Path) -> PathBuf {
    data_dir.join("fleet").join("known_hosts")
}

pub fn list(store: &Store) -> Result<Vec<Computer>> {
    let mut all: Vec<Computer> = json_rows::all::<Computer>(store, TABLE, WHAT)?
        .into_iter()
        .map(|(id, c)| Computer { id, ..c })
        .collect();
    all.sort_by_key(|c| c.id);
    Ok(all)
}

pub fn get(store: &Store, id: i64) -> Result<Computer> {
    json_rows::one::<Computer>(store, TABLE, WHAT, id)?
        .map(|c| Computer { id, ..c })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no computer {id} in the office's list."),
                "Run shipshape fleet list to see the computers and their numbers.",
            )
        })
}

/// Keeps what a check found for `c` (its report, or why it failed).
pub fn save_check(store: &Store, c: &Computer) -> Result<()> {
    json_rows::put(store.conn(), TABLE, WHAT, c.id, &c.enrolled, c)?;
    Ok(())
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The host key `address` offers now, and what to add there.
pub fn look(
    address: &str,
    key_line: String,
    public_line: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let peer = parse_address(address)?;
    let offered = ssh::offered(&peer)?;
    let (setup_line, setup_for) =
        super::setup::setup_line(public_line, offered.server.as_deref(), now);
    Ok(Enrolment {
        address: shown(&peer),
        fingerprint: offered.fingerprint,
        add_to: format!("~{}/.ssh/authorized_keys on {}", peer.user, peer.host),
        prepare: format!("sudo shipshape fleet prepare --key '{key_line}'"),
        key_line,
        setup_line,
        setup_for,
    })
}

/// Pins the host key `peer` offers now when `confirmed` is its
/// fingerprint (see `enrol`); the fingerprint pinned.
pub fn trust(data_dir: &Path, peer: &Peer, confirmed: &str) -> Result<String> {
    let confirmed = ssh::checked_fingerprint(confirmed)?;
    let offered = ssh::offered(peer)?;
    ssh::confirmed(peer, &offered, &confirmed)?;
    pin(data_dir, peer, &offered.key)?;
    Ok(offered.fingerprint)
}

/// Enrols `address` as `name` when `confirmed` is the fingerprint of the
/// host key it offers now: the key is pinned in the fleet's known_hosts
/// (replacing one pinned before for that address: confirming is the
/// administrator's word that the change is known), the computer kept, and
/// the enrolment in the activity log. Refused (`KeyChanged`) when the
/// computer offers another key.
pub fn enrol(
    store: &Store,
    data_dir: &Path,
    address: &str,
    name: &str,
    confirmed: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Computer> {
    let peer = parse_address(address)?;
    ssh::checked_fingerprint(confirmed)?;
    let name = checked_name(name, &peer)?;
    let address = shown(&peer);
    let existing = room_for(store, &address)?;
    let fingerprint = trust(data_dir, &peer, confirmed)?;
    let mut c = existing.unwrap_or(Computer {
        id: 0,
        name: name.clone(),
        address: address.clone(),
        fingerprint: String::new(),
        enrolled: stamp(now),
        by: actor.user.clone(),
        last_seen: None,
        report: None,
        problem: None,
    });
    let replaced =
        (!c.fingerprint.is_empty() && c.fingerprint != fingerprint).then(|| c.fingerprint.clone());
    c.name = name;
    c.fingerprint = fingerprint;
    c.problem = None;
    let details = serde_json::json!({ "fingerprint": c.fingerprint, "replaced": replaced });
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = json_rows::put(tx, TABLE, WHAT, c.id, &c.enrolled, &c)?;
        Ok((id, NewEntry::ok("fleet.enrol", &address, details)))
    })?;
    c.id = id;
    Ok(c)
}

/// What the office calls `peer`: `name` trimmed, its host name when
/// none is given; refused when longer than 100 plain characters.
pub fn checked_name(name: &str, peer: &Peer) -> Result<String> {
    let name = name.trim();
    let name = if name.is_empty() {
        peer.host.clone()
    } else {
        name.to_string()
    };
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "A computer's name is at most 100 plain characters.",
            "Give a shorter name, such as \"Reception PC\".",
        ));
    }
    Ok(name)
}

/// The computer enrolled at `address` already, if any; refused when it is
/// a new one and the office has the most computers Shipshape looks after.
pub fn room_for(store: &Store, address: &str) -> Result<Option<Computer>> {
    let all = list(store)?;
    let existing = all.iter().find(|c| c.address == address).cloned();
    if existing.is_none() && all.len() >= MOST {
        return Err(Error::invalid_input(
            format!("The office already has {MOST} computers, the most Shipshape looks after."),
            "Remove one you no longer use first.",
        ));
    }
    Ok(existing)
}

/// Writes `key` as the one trusted for `peer` in the fleet's known_hosts.
fn pin(data_dir: &Path, peer: &Peer, key: &str) -> Result<()> {
    let path = known_hosts(data_dir);
    let text = ssh::read_known(&path)?;
    let folder = path.parent().unwrap_or(data_dir);
    ssh::private_folder(folder)?;
    crate::atomic_file::write_with(
        &path,
        ssh::with_known(&text, &peer.known_as(), key).as_bytes(),
        crate::atomic_file::Options {
            mode: Some(0o600),
            owner: None,
        },
    )
}

/// Whether a host key is pinned for `peer`.
pub fn pinned(data_dir: &Path, peer: &Peer) -> Result<bool> {
    let text = ssh::read_known(&known_hosts(data_dir))?;
    Ok(ssh::known_key(&text, &peer.known_as()).is_some())
}

/// Forgets the host key pinned for `peer`, if one is.
pub fn forget(data_dir: &Path, peer: &Peer) -> Result<()> {
    let path = known_hosts(data_dir);
    let text = ssh::read_known(&path)?;
    if ssh::known_key(&text, &peer.known_as()).is_none() {
        return Ok(());
    }
    crate::atomic_file::write_with(
        &path,
        ssh::without_known(&text, &peer.known_as()).as_bytes(),
        crate::atomic_file::Options {
            mode: Some(0o600),
            owner: None,
        },
    )
}

/// Takes computer `id` off the list and forgets its host key.
pub fn remove(
    store: &Store,
    data_dir: &Path,
    id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Computer> {
    let c = get(store, id)?;
    forget(data_dir, &c.peer()?)?;
    audit::append_with(store, now, actor, |tx| {
        tx.execute(&format!("DELETE FROM {TABLE} WHERE id = ?1"), [id])
            .map_err(|e| json_rows::sql(WHAT, "change", e))?;
        Ok((
            (),
            NewEntry::ok(
                "fleet.remove",
                &c.address,
                serde_json::json!({ "computer": id }),
            ),
        ))
    })?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_ssh_could_misread_are_refused() {
        let p = parse_address("shipshape@Reception.local").expect("taken");
        assert_eq!(
            (p.user.as_str(), p.host.as_str(), p.port),
            ("shipshape", "reception.local", 22)
        );
        assert_eq!(
            shown(&parse_address("root@127.0.0.2:2222").expect("taken")),
            "root@127.0.0.2:2222"
        );
        for (bad, why) in [
            ("reception", "which account"),
            ("-oProxyCommand=x@host", "not an account name"),
            ("root@-oProxyCommand=x", "not a computer's name"),
            ("root@host:0", "not a port number"),
            ("root@host:+22", "not a port number"),
            ("root@host:70000", "not a port number"),
            ("root@[::1]", "IPv6"),
            ("root@ho st", "not a computer's name"),
        ] {
            let e = parse_address(bad).expect_err("refused");
            assert!(e.message.contains(why), "{bad}: {e:?}");
        }
    }
}
