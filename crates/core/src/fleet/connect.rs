//! Reaching the office's computers: ssh with nothing of anyone's settings
//! (`-F none`), the console's key through its own agent, strict checking
//! against the fleet's known_hosts and only the ED25519 key pinned there,
//! no questions (`BatchMode`), a short connect timeout so a computer that
//! is off is said quickly, and a shared connection per computer
//! (`ControlMaster`) closed when the work ends. Only Shipshape commands
//! are sent; `serve` on the other side refuses anything else.

use super::computers::{self, Computer};
use super::key::Agent;
use super::report::{self, Details, Report};
use super::rollout::Change;
use super::serve::{self, Applied};
use super::setup;
use crate::install::deploy::GateResult;
use crate::install::plan::Gate;
use crate::program::Run;
use crate::ssh::{self, KEY_TYPE, Peer, SSH};
use crate::{Error, ErrorCode, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one computer may take to answer a check.
const LIMIT: Duration = Duration::from_secs(60);
/// How long a change may take there: a package installed or undone by
/// the package manager, a package file sent first, Shipshape set up.
const CHANGE_LIMIT: Duration = Duration::from_secs(30 * 60);

/// What the console asks a computer for its report.
pub const REPORT: &[&str] = &["shipshape", "fleet", "report", "--json"];

/// The console at work: its agent and the fleet's known_hosts.
#[derive(Debug)]
pub struct Console {
    agent: Agent,
    known_hosts: PathBuf,
    public_key: PathBuf,
}

impl Console {
    pub fn new(agent: Agent, data_dir: &Path) -> Console {
        Console {
            agent,
            known_hosts: computers::known_hosts(data_dir),
            public_key: super::key::ConsoleKey::in_data(data_dir).public_file(),
        }
    }

    fn options(&self) -> Vec<String> {
        let control = self.agent.folder().join("%C");
        vec![
            "-F".into(),
            "none".into(),
            "-o".into(),
            format!("IdentityAgent={}", self.agent.socket().display()),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-i".into(),
            self.public_key.display().to_string(),
            "-o".into(),
            format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-o".into(),
            "GlobalKnownHostsFile=none".into(),
            "-o".into(),
            "StrictHostKeyChecking=yes".into(),
            "-o".into(),
            "UpdateHostKeys=no".into(),
            "-o".into(),
            format!("HostKeyAlgorithms={KEY_TYPE}"),
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            "ConnectTimeout=5".into(),
            "-o".into(),
            "ControlMaster=auto".into(),
            "-o".into(),
            format!("ControlPath={}", control.display()),
            "-o".into(),
            "ControlPersist=30".into(),
        ]
    }

    /// Runs `command` (Shipshape's own words) on `peer`; what it printed.
    pub fn run(&self, peer: &Peer, command: &[&str]) -> Result<String> {
        self.run_giving(peer, command, None, LIMIT)
    }

    /// `run`, with `input` on the command's standard input, for at most `limit`.
    fn run_giving(
        &self,
        peer: &Peer,
        command: &[&str],
        input: Option<std::sync::Arc<[u8]>>,
        limit: Duration,
    ) -> Result<String> {
        let out = self.send(peer, command, input, limit)?;
        if out.success() {
            return Ok(out.stdout);
        }
        Err(failure(peer, &out.stderr).unwrap_or_else(|| {
            Error::new(
                ErrorCode::Io,
                format!("{} did not answer as Shipshape does: {}", peer.named(), last_line(&out.stderr)),
                "Check that Shipshape is installed there and that the key's line was added as shown when it was enrolled.",
            )
        }))
    }

    /// Sets Shipshape up on `peer` (reached as root through its setting-up
    /// line): `setup::script` with the package on its standard input;
    /// what `prepare` printed there.
    pub fn set_up(&self, peer: &Peer, package: &setup::Package, key_line: &str) -> Result<String> {
        let script = setup::script(&package.sha256, key_line);
        let out = self.send(
            peer,
            &[script.as_str()],
            Some(package.bytes.clone()),
            CHANGE_LIMIT,
        )?;
        if out.success() {
            return Ok(out.stdout);
        }
        if out.stderr.contains("Permission denied (publickey") {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!(
                    "{} refused the console's key for root: its setting-up line is not in ~root/.ssh/authorized_keys there, or its time is over. Nothing was sent.",
                    peer.named()
                ),
                format!(
                    "Look at {} again (Add a computer) for a new setting-up line, add it to ~root/.ssh/authorized_keys there, and set it up while it works.",
                    peer.host
                ),
            ));
        }
        if let Some(e) = failure(peer, &out.stderr) {
            return Err(e);
        }
        // What apt or Shipshape there said last about why, if anything.
        let apt = out
            .stderr
            .lines()
            .rev()
            .find_map(|l| {
                l.strip_prefix("E: ")
                    .map(|e| format!(" apt said: {e}"))
                    .or_else(|| {
                        l.strip_prefix("shipshape: ")
                            .map(|e| format!(" It said: {e}"))
                    })
            })
            .unwrap_or_default();
        Err(match setup::said(&out.stderr) {
            Some(words) => Error::new(
                ErrorCode::Io,
                format!("Shipshape was not set up on {}: {words}{apt}", peer.named()),
                "Nothing was enrolled. Put right what it says there, then set it up again while the setting-up line works.",
            ),
            None => Error::new(
                ErrorCode::Io,
                format!(
                    "Shipshape was not set up on {}: {}",
                    peer.named(),
                    last_line(&out.stderr)
                ),
                format!(
                    "Check that the setting-up line is in ~root/.ssh/authorized_keys on {} and still works, then set it up again.",
                    peer.host
                ),
            ),
        })
    }

    /// Runs `command` on `peer` with `input`, for at most `limit`; what
    /// ssh gave back.
    fn send(
        &self,
        peer: &Peer,
        command: &[&str],
        input: Option<std::sync::Arc<[u8]>>,
        limit: Duration,
    ) -> Result<crate::program::Finished> {
        let mut args = self.options();
        args.extend([
            "-p".into(),
            peer.port.to_string(),
            format!("{}@{}", peer.user, peer.host),
            "--".into(),
        ]);
        args.extend(command.iter().map(|w| w.to_string()));
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut run = Run::new(SSH, &words, limit)
            .env("SSH_AUTH_SOCK", self.agent.socket().display().to_string());
        if let Some(bytes) = input {
            run = run.input_shared(bytes);
        }
        run.finish()
            .map_err(|e| ssh::ssh_failed("start ssh", &e.to_string()))
    }

    /// Asks `c` for its report.
    pub fn report(&self, c: &Computer) -> Result<Report> {
        let peer = c.peer()?;
        let text = self.run(&peer, REPORT)?;
        report::read(&text, &c.name)
    }

    /// Asks `c` for its report and what it counts (its screen here).
    pub fn details(&self, c: &Computer) -> Result<Details> {
        let text = self.run(&c.peer()?, &["shipshape", "fleet", "details", "--json"])?;
        report::read_details(&text, &c.name)
    }

    /// Asks `c` to make `change` (a roll-out's part there); a package
    /// file's bytes (`file`) are sent with it.
    pub fn apply(
        &self,
        c: &Computer,
        change: &Change,
        file: Option<std::sync::Arc<[u8]>>,
    ) -> Result<Applied> {
        let words = change.command();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let said = self.run_giving(&c.peer()?, &words, file, CHANGE_LIMIT)?;
        serve::read_applied(&said, &c.name)
    }

    /// Asks `c` to check a plan's `gates` there, for changes begun at
    /// `since`; one result for each.
    pub fn gates(&self, c: &Computer, gates: &[Gate], since: &str) -> Result<Vec<GateResult>> {
        let input = serde_json::to_vec(gates)
            .map_err(|e| Error::internal(format!("The health gates could not be written: {e}")))?;
        let words = ["shipshape", "fleet", "gates", since, "--json"];
        let said = self.run_giving(&c.peer()?, &words, Some(input.into()), LIMIT)?;
        serve::read_gates(&said, &c.name, gates)
    }

    /// Asks `c` to undo its run `run` (a roll-out taken back there).
    pub fn undo(&self, c: &Computer, run: i64) -> Result<Applied> {
        let run = run.to_string();
        let words = ["shipshape", "fleet", "undo", run.as_str(), "--json"];
        let said = self.run_giving(&c.peer()?, &words, None, CHANGE_LIMIT)?;
        serve::read_applied(&said, &c.name)
    }

    /// Closes the shared connection to `peer`, if one is open.
    pub fn close(&self, peer: &Peer) {
        let mut args = self.options();
        args.extend([
            "-O".into(),
            "exit".into(),
            "-p".into(),
            peer.port.to_string(),
            format!("{}@{}", peer.user, peer.host),
        ]);
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = Run::new(SSH, &words, Duration::from_secs(10)).finish();
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("it ended without a word")
        .trim()
        .to_string()
}

/// What ssh said went wrong with `peer`, in plain words; `None` when it
/// was not about reaching the other computer.
pub fn failure(peer: &Peer, said: &str) -> Option<Error> {
    if said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || said.contains("has changed and you have requested strict checking")
    {
        return Some(Error::new(
            ErrorCode::KeyChanged,
            format!(
                "{} answered with another identity (host key) than the one confirmed when it was enrolled, so nothing was asked of it: another computer may be answering in its place.",
                peer.named()
            ),
            format!(
                "Do not go on unless you know why it changed (it was reinstalled, or its SSH server replaced). Then compare its new key on {} (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) with the one Shipshape shows, and enrol it again.",
                peer.host
            ),
        ));
    }
    if said.contains("Host key verification failed") {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "Shipshape does not know {}'s identity (its host key).",
                peer.named()
            ),
            "Enrol it again, confirming its fingerprint.",
        ));
    }
    if said.contains("Permission denied (publickey") {
        return Some(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} refused Shipshape's key for the account {}.",
                peer.named(),
                peer.user
            ),
            format!(
                "On {}, add the line shipshape fleet key shows to ~{}/.ssh/authorized_keys.",
                peer.host, peer.user
            ),
        ));
    }
    // Not reached is "not now" for the fleet: its work waits and is
    // tried again (`rollout`), not failed.
    ssh::UNREACHABLE
        .iter()
        .find(|w| said.contains(**w))
        .map(|why| Error {
            code: ErrorCode::NotNow,
            ..ssh::unreachable(peer, &why.to_lowercase())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_ssh_says_is_told_in_plain_words() {
        let peer = Peer {
            user: "shipshape".into(),
            host: "pc".into(),
            port: 2222,
        };
        let changed = failure(&peer, "Host key for [pc]:2222 has changed and you have requested strict checking.\nHost key verification failed.").expect("said");
        assert_eq!(changed.code, ErrorCode::KeyChanged);
        let refused = failure(&peer, "shipshape@pc: Permission denied (publickey).").expect("said");
        assert!(refused.message.contains("refused Shipshape's key"));
        let away = failure(
            &peer,
            "ssh: connect to host pc port 2222: Connection refused",
        )
        .expect("said");
        assert_eq!(
            away.message,
            "Shipshape cannot reach pc (port 2222) (connection refused)."
        );
        assert_eq!(away.code, ErrorCode::NotNow);
        assert!(failure(&peer, "shipshape: something else").is_none());
    }
}
