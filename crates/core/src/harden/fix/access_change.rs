//! What an access review's "remove" changes, as Security fixes (preview,
//! backup, undo): locking an account (its password no longer works and
//! the account has expired, so no login works, not even with a key),
//! taking it out of an administrators' group, taking an SSH key out of
//! its `authorized_keys`, or turning a sudo rule of its own into a comment.
//! Their check ids name the account (and group, key or rule):
//! `access-lock:NAME`, `access-ungroup:NAME:GROUP`,
//! `access-unkey:NAME:SHA256:…`, `access-unsudo:NAME:LINE:FILE`. A rule's
//! file is only ever one sudo itself reads, found again by reading them.
//!
//! An account's key files are in folders it owns, so they are read and
//! written with that account's rights only (`as_account`).

use super::edit::Edit;
use crate::harden::check::{Area, Evidence, Finding, Severity, Status};
use crate::harden::target::Target;
use crate::{Error, Result};

/// A change an access review can ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessChange {
    Lock {
        account: String,
    },
    Ungroup {
        account: String,
        group: String,
    },
    /// Every line of the account's key files that holds the key with this
    /// fingerprint ("SHA256:…", as `ssh-keygen -lf` prints it).
    Unkey {
        account: String,
        fingerprint: String,
    },
    /// The sudo rule at `file` line `line` (as `govern::sudoers` finds
    /// it), which must name this account alone.
    Unsudo {
        account: String,
        file: String,
        line: u32,
    },
}

/// Account and group names as useradd accepts them: never a path, an
/// option or a line of a file.
fn is_name(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
}

impl AccessChange {
    /// The change a check id names, when its names are names.
    pub fn of(check_id: &str) -> Option<AccessChange> {
        if let Some(account) = check_id.strip_prefix("access-lock:") {
            return is_name(account).then(|| AccessChange::Lock {
                account: account.to_string(),
            });
        }
        if let Some(rest) = check_id.strip_prefix("access-unsudo:") {
            let (account, rest) = rest.split_once(':')?;
            let (line, file) = rest.split_once(':')?;
            let line: u32 = line.parse().ok().filter(|n| *n > 0)?;
            let sudoers = file.starts_with("/etc/sudoers")
                && !file.split('/').any(|part| part == "..")
                && !file.chars().any(char::is_control);
            return (is_name(account) && sudoers).then(|| AccessChange::Unsudo {
                account: account.to_string(),
                file: file.to_string(),
                line,
            });
        }
        if let Some(rest) = check_id.strip_prefix("access-unkey:") {
            let (account, fingerprint) = rest.split_once(':')?;
            return (is_name(account) && is_fingerprint(fingerprint)).then(|| {
                AccessChange::Unkey {
                    account: account.to_string(),
                    fingerprint: fingerprint.to_string(),
                }
            });
        }
        let (account, group) = check_id.strip_prefix("access-ungroup:")?.split_once(':')?;
        (is_name(account) && is_name(group)).then(|| AccessChange::Ungroup {
            account: account.to_string(),
            group: group.to_string(),
        })
    }

    pub fn check_id(&self) -> String {
        match self {
            AccessChange::Lock { account } => format!("access-lock:{account}"),
            AccessChange::Ungroup { account, group } => format!("access-ungroup:{account}:{group}"),
            AccessChange::Unkey {
                account,
                fingerprint,
            } => format!("access-unkey:{account}:{fingerprint}"),
            AccessChange::Unsudo {
                account,
                file,
                line,
            } => format!("access-unsudo:{account}:{line}:{file}"),
        }
    }

    pub fn title(&self) -> String {
        match self {
            AccessChange::Lock { account } => format!("Lock the account {account}"),
            AccessChange::Ungroup { account, group } => {
                format!("Take {account} out of the {group} group")
            }
            AccessChange::Unkey {
                account,
                fingerprint,
            } => format!("Take the SSH key {fingerprint} away from {account}"),
            AccessChange::Unsudo {
                account,
                file,
                line,
            } => format!("Take away {account}'s sudo rule in {file} line {line}"),
        }
    }

    /// Whether it is still to be done on `host`: the account unlocked, or
    /// still in the group.
    fn to_do(&self, host: &Target) -> Result<bool> {
        Ok(match self {
            AccessChange::Lock { account } => {
                let shadow = read(host, "etc/shadow")?;
                let line = shadow_line(&shadow, account)
                    .ok_or_else(|| no_account(account, "/etc/shadow"))?;
                let f: Vec<&str> = line.split(':').collect();
                !(f[1].starts_with('!') && f.get(7) == Some(&"1"))
            }
            AccessChange::Ungroup { account, group } => {
                let groups = read(host, "etc/group")?;
                members(&groups, group).is_some_and(|m| m.contains(&account.as_str()))
            }
            AccessChange::Unkey {
                account,
                fingerprint,
            } => key_files(host, account)?
                .iter()
                .any(|(_, text)| !key_lines(text, fingerprint).is_empty()),
            AccessChange::Unsudo { .. } => self.sudo_rule(host)?,
        })
    }

    /// Whether it is done, as a check would say it.
    pub fn finding(&self, host: &Target) -> Result<Finding> {
        let to_do = self.to_do(host)?;
        let (file, detail) = match self {
            AccessChange::Unsudo {
                account,
                file,
                line,
            } => (
                file.as_str(),
                if to_do {
                    format!("{file} line {line} lets {account} act as administrator.")
                } else {
                    format!("sudo reads no rule for {account} at {file} line {line}.")
                },
            ),
            AccessChange::Unkey {
                account,
                fingerprint,
            } => (
                "~/.ssh/authorized_keys",
                if to_do {
                    format!("The key {fingerprint} may log in as {account}.")
                } else {
                    format!("No key file of {account} holds the key {fingerprint}.")
                },
            ),
            AccessChange::Lock { account } => (
                "/etc/shadow",
                if to_do {
                    format!("{account} can still log in.")
                } else {
                    format!("{account} is locked and has expired.")
                },
            ),
            AccessChange::Ungroup { account, group } => (
                "/etc/group",
                if to_do {
                    format!("{account} is in the {group} group.")
                } else {
                    format!("{account} is not in the {group} group.")
                },
            ),
        };
        Ok(Finding {
            id: self.check_id(),
            area: Area::Accounts,
            title: self.title(),
            severity: Severity::Medium,
            status: if to_do { Status::Warning } else { Status::Pass },
            why: "An access review decided to remove it: an account or right nobody needs is a way in for whoever finds it.".into(),
            detail,
            evidence: vec![Evidence {
                source: file.into(),
                line: None,
                text: String::new(),
            }],
            remediation: match self {
                AccessChange::Lock { account } => format!("usermod --lock --expiredate 1 {account}"),
                AccessChange::Ungroup { account, group } => format!("gpasswd --delete {account} {group}"),
                AccessChange::Unkey { account, fingerprint } => format!(
                    "Delete the line of the key {fingerprint} from ~{account}/.ssh/authorized_keys."
                ),
                AccessChange::Unsudo { file, line, .. } => {
                    format!("Delete line {line} of {file} with sudo visudo -f {file}.")
                }
            },
            fixable: true,
            references: vec!["CIS Control 5.3".into()],
            accepted: None,
        })
    }

    /// The edits that make it.
    pub fn plan(&self, host: &Target) -> Result<Vec<Edit>> {
        if !self.to_do(host)? {
            return Err(Error::invalid_input(
                format!("Nothing to do: {}", self.finding(host)?.detail),
                "Look at the access review again.",
            ));
        }
        let edits = match self {
            AccessChange::Lock { account } => Edit::text(host, "etc/shadow", |text| {
                map_lines(text, |line| {
                    let mut f: Vec<String> = line.split(':').map(str::to_string).collect();
                    if f.first().map(String::as_str) != Some(account.as_str()) || f.len() < 8 {
                        return line.to_string();
                    }
                    if !f[1].starts_with('!') {
                        f[1] = format!("!{}", f[1]);
                    }
                    // Expired since 2 January 1970: no login at all.
                    f[7] = "1".into();
                    f.join(":")
                })
            })?
            .into_iter()
            .collect(),
            AccessChange::Ungroup { account, group } => {
                let mut edits: Vec<Edit> = Vec::new();
                for (rel, members_at) in [("etc/group", 3), ("etc/gshadow", 3)] {
                    if rel == "etc/gshadow" && !host.root().join(rel).exists() {
                        continue;
                    }
                    let edit = Edit::text(host, rel, |text| {
                        map_lines(text, |line| {
                            let mut f: Vec<String> = line.split(':').map(str::to_string).collect();
                            if f.first().map(String::as_str) != Some(group.as_str())
                                || f.len() <= members_at
                            {
                                return line.to_string();
                            }
                            let kept: Vec<&str> = f[members_at]
                                .split(',')
                                .filter(|m| !m.is_empty() && *m != account)
                                .collect();
                            f[members_at] = kept.join(",");
                            f.join(":")
                        })
                    })?;
                    edits.extend(edit);
                }
                edits
            }
            AccessChange::Unkey {
                account,
                fingerprint,
            } => {
                let mut edits: Vec<Edit> = Vec::new();
                for (rel, text) in key_files(host, account)? {
                    if key_lines(&text, fingerprint).is_empty() {
                        continue;
                    }
                    edits.extend(Edit::text(host, &rel, |now| {
                        // The lines are found again in the text the edit
                        // read, which is what it writes back.
                        let gone = key_lines(now, fingerprint);
                        now.split_inclusive('\n')
                            .enumerate()
                            .filter(|(n, _)| !gone.contains(&(*n as u32 + 1)))
                            .map(|(_, l)| l)
                            .collect()
                    })?);
                }
                edits
            }
            AccessChange::Unsudo {
                account,
                file,
                line,
            } => Edit::text(host, file.trim_start_matches('/'), |text| {
                text.split_inclusive('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i + 1 == *line as usize {
                            format!("# Taken away from {account} by an access review: {l}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect()
            })?
            .into_iter()
            .collect(),
        };
        Ok(edits)
    }
}

fn read(host: &Target, rel: &str) -> Result<String> {
    std::fs::read_to_string(host.root().join(rel))
        .map_err(|e| Error::io("read", &host.root().join(rel), &e))
}

impl AccessChange {
    /// Whether sudo reads the rule an `Unsudo` names, for this account,
    /// now. A rule that also names others, through an alias, or over
    /// several lines is refused: turning its line into a comment would
    /// change more than this account's right.
    fn sudo_rule(&self, host: &Target) -> Result<bool> {
        let AccessChange::Unsudo {
            account,
            file,
            line,
        } = self
        else {
            return Ok(false);
        };
        use crate::govern::sudoers::Who;
        let (grants, _) = crate::govern::sudoers::read(&crate::host::Host::at(host.root()));
        let here: Vec<_> = grants
            .into_iter()
            .filter(|g| g.file == *file && g.line == *line)
            .collect();
        let Some(grant) = here.first() else {
            return Ok(false);
        };
        let by_hand = |why: &str| {
            Err(Error::invalid_input(
                format!(
                    "The sudo rule in {file} line {line} {why}, so Shipshape does not change it: {}",
                    grant.rule
                ),
                format!(
                    "Change it by hand with sudo visudo -f {file}, so that others keep their rights."
                ),
            ))
        };
        if here.iter().any(|g| g.who != Who::User(account.clone())) {
            return by_hand(&format!("gives others than {account} a right too"));
        }
        let text = read(host, file.trim_start_matches('/'))?;
        let lines: Vec<&str> = text.lines().collect();
        let n = *line as usize;
        let physical = lines.get(n - 1).copied().unwrap_or_default();
        let continued = physical.trim_end().ends_with('\\')
            || (n >= 2 && lines[n - 2].trim_end().ends_with('\\'));
        // The account's name, then blanks, then no comma: sudo reads
        // "sam ,kim" as a list of two.
        let alone = physical
            .trim_start()
            .strip_prefix(account.as_str())
            .is_some_and(|rest| {
                rest.starts_with([' ', '\t']) && !rest.trim_start().starts_with(',')
            });
        if continued || !alone {
            return by_hand(&format!("does not name {account} alone on one line"));
        }
        Ok(true)
    }
}

/// A fingerprint as `ssh-keygen -lf` prints it: SHA-256, base64 without
/// padding (43 characters).
fn is_fingerprint(s: &str) -> bool {
    s.strip_prefix("SHA256:").is_some_and(|b| {
        b.len() == 43
            && b.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
    })
}

/// The key files of `account` sshd reads by default, under its home
/// folder in /etc/passwd, each with its text; read as the account.
fn key_files(host: &Target, account: &str) -> Result<Vec<(String, String)>> {
    let passwd = read(host, "etc/passwd")?;
    let home = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() == 7 && f[0] == account)
        .map(|f| f[5].trim_matches('/').to_string())
        .ok_or_else(|| no_account(account, "/etc/passwd"))?;
    let mut found = Vec::new();
    for name in ["authorized_keys", "authorized_keys2"] {
        let rel = if home.is_empty() {
            format!(".ssh/{name}")
        } else {
            format!("{home}/.ssh/{name}")
        };
        let root = host.root();
        let text = crate::as_account::on(root, &rel, &Target::shown(&rel), || {
            let path = super::write::under(root, &rel)?;
            match crate::host_file::read_text(&path, false) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::io("read", &path, &e)),
            }
        })?;
        if let Some(text) = text {
            found.push((rel, text));
        }
    }
    Ok(found)
}

/// The numbers (from 1) of the lines of `text` that hold the key with
/// `fingerprint`, whatever their options or comment.
fn key_lines(text: &str, fingerprint: &str) -> Vec<u32> {
    crate::govern::keys::parse("", text)
        .0
        .into_iter()
        .filter(|k| k.fingerprint == fingerprint)
        .map(|k| k.line)
        .collect()
}

fn no_account(account: &str, file: &str) -> Error {
    Error::invalid_input(
        format!("There is no account {account} in {file}."),
        "Look at the access review again: the account may be gone already.",
    )
}

fn shadow_line<'a>(text: &'a str, account: &str) -> Option<&'a str> {
    text.lines().find(|l| l.split(':').next() == Some(account))
}

fn members<'a>(text: &'a str, group: &str) -> Option<Vec<&'a str>> {
    text.lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() == 4 && f[0] == group)
        .map(|f| f[3].split(',').filter(|m| !m.is_empty()).collect())
}

/// `text` with each line changed by `change`, line endings kept.
fn map_lines(text: &str, change: impl Fn(&str) -> String) -> String {
    text.split_inclusive('\n')
        .map(|l| match l.strip_suffix('\n') {
            Some(body) => format!("{}\n", change(body)),
            None => change(l),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn put(root: &std::path::Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn only_account_and_group_names_are_taken() {
        assert_eq!(
            AccessChange::of("access-ungroup:sam:sudo"),
            Some(AccessChange::Ungroup {
                account: "sam".into(),
                group: "sudo".into()
            })
        );
        assert_eq!(
            AccessChange::of("access-lock:old"),
            Some(AccessChange::Lock {
                account: "old".into()
            })
        );
        for bad in [
            "access-lock:",
            "access-lock:../x",
            "access-lock:-o",
            "access-lock:Sam",
            "access-ungroup:sam",
            "access-ungroup:sam:a:b",
            "access-unkey:sam",
            "access-unkey:sam:MD5:ab",
            "access-unkey:sam:SHA256:short",
            "access-unkey:sam:SHA256:../../../../../../../../../../../../etc/shadow",
            "ssh.root",
        ] {
            assert_eq!(AccessChange::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn taking_a_key_away_removes_each_line_that_holds_it_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| put(dir.path(), rel, text);
        let blob = |seed: u8| {
            let mut b = vec![0, 0, 0, 11];
            b.extend_from_slice(b"ssh-ed25519");
            b.extend_from_slice(&[0, 0, 0, 32]);
            b.extend_from_slice(&[seed; 32]);
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b)
        };
        let (gone, kept) = (blob(1), blob(2));
        write(
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nsam:x:1000:1000::/home/sam:/bin/bash\n",
        );
        write(
            "home/sam/.ssh/authorized_keys",
            &format!(
                "# laptop\nssh-ed25519 {gone} sam@old\nssh-ed25519 {kept} sam@new\nfrom=\"10.0.0.1,10.0.0.2\",no-pty ssh-ed25519 {gone} again\n"
            ),
        );
        write(
            "home/sam/.ssh/authorized_keys2",
            &format!("ssh-ed25519 {gone}\n"),
        );
        let fingerprint = crate::govern::keys::parse("", &format!("ssh-ed25519 {gone}"))
            .0
            .remove(0)
            .fingerprint;
        let host = Target::new(dir.path(), 20000);
        let unkey = AccessChange::of(&format!("access-unkey:sam:{fingerprint}")).unwrap();
        assert_eq!(unkey.finding(&host).unwrap().status, Status::Warning);
        let edits = unkey.plan(&host).unwrap();
        let after: Vec<String> = edits
            .iter()
            .map(|e| String::from_utf8(e.after_bytes().unwrap().to_vec()).unwrap())
            .collect();
        assert_eq!(
            after,
            [
                format!("# laptop\nssh-ed25519 {kept} sam@new\n"),
                String::new()
            ]
        );
        std::fs::write(dir.path().join("home/sam/.ssh/authorized_keys"), &after[0]).unwrap();
        std::fs::remove_file(dir.path().join("home/sam/.ssh/authorized_keys2")).unwrap();
        assert_eq!(unkey.finding(&host).unwrap().status, Status::Pass);
        assert!(
            unkey
                .plan(&host)
                .unwrap_err()
                .message
                .contains("Nothing to do")
        );
        let nobody = AccessChange::of(&format!("access-unkey:kim:{fingerprint}")).unwrap();
        assert!(
            nobody
                .plan(&host)
                .unwrap_err()
                .message
                .contains("no account kim in /etc/passwd")
        );
    }

    #[test]
    fn a_sudo_rule_of_the_account_alone_becomes_a_comment_and_a_shared_one_is_left_to_a_person() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| put(dir.path(), rel, text);
        write(
            "etc/sudoers",
            "Defaults env_reset\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
        );
        write(
            "etc/sudoers.d/office",
            "sam ALL=(ALL) ALL\nsam,kim ALL=(ALL) /usr/bin/apt\nkim ALL=(ALL) \\\n  /usr/bin/systemctl\nsam ,kim ALL=(ALL) /usr/bin/du\n",
        );
        let host = Target::new(dir.path(), 20000);
        let own = AccessChange::of("access-unsudo:sam:1:/etc/sudoers.d/office").unwrap();
        assert_eq!(own.finding(&host).unwrap().status, Status::Warning);
        let edits = own.plan(&host).unwrap();
        assert_eq!(
            String::from_utf8(edits[0].after_bytes().unwrap().to_vec()).unwrap(),
            "# Taken away from sam by an access review: sam ALL=(ALL) ALL\nsam,kim ALL=(ALL) /usr/bin/apt\nkim ALL=(ALL) \\\n  /usr/bin/systemctl\nsam ,kim ALL=(ALL) /usr/bin/du\n"
        );
        let shared = AccessChange::of("access-unsudo:sam:2:/etc/sudoers.d/office").unwrap();
        let refused = shared.plan(&host).unwrap_err();
        assert!(
            refused
                .message
                .contains("gives others than sam a right too"),
            "{refused:?}"
        );
        // sudo reads "sam ,kim" as a list of two.
        let spaced = AccessChange::of("access-unsudo:sam:5:/etc/sudoers.d/office").unwrap();
        let refused = spaced.plan(&host).unwrap_err();
        assert!(
            refused.message.contains("does not name sam alone"),
            "{refused:?}"
        );
        // A group's rule that gives sam the right is left to a person,
        // never called done.
        let group = AccessChange::of("access-unsudo:sam:2:/etc/sudoers").unwrap();
        assert!(group.finding(&host).is_err());
        assert!(group.plan(&host).is_err());
        let continued = AccessChange::of("access-unsudo:kim:3:/etc/sudoers.d/office").unwrap();
        assert!(continued.plan(&host).is_err());
        // No rule of sam's there: nothing to do.
        let elsewhere = AccessChange::of("access-unsudo:sam:1:/etc/sudoers").unwrap();
        assert_eq!(elsewhere.finding(&host).unwrap().status, Status::Pass);
        for bad in [
            "access-unsudo:sam:1:/etc/passwd",
            "access-unsudo:sam:0:/etc/sudoers",
            "access-unsudo:sam:x:/etc/sudoers",
            "access-unsudo:sam:1:/etc/sudoers.d/../shadow",
            "access-unsudo:sam:1",
        ] {
            assert_eq!(AccessChange::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn locking_and_leaving_a_group_change_only_that_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/shadow"),
            "root:!:19000:0:99999:7:::\nold:$y$abc:19000:0:99999:7:::\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("etc/group"),
            "sudo:x:27:sam,old,kim\nold:x:1002:\n",
        )
        .unwrap();
        let host = Target::new(dir.path(), 20000);
        let lock = AccessChange::of("access-lock:old").unwrap();
        assert_eq!(lock.finding(&host).unwrap().status, Status::Warning);
        let edits = lock.plan(&host).unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(
            String::from_utf8(edits[0].after_bytes().unwrap().to_vec()).unwrap(),
            "root:!:19000:0:99999:7:::\nold:!$y$abc:19000:0:99999:7::1:\n"
        );
        let ungroup = AccessChange::of("access-ungroup:old:sudo").unwrap();
        let edits = ungroup.plan(&host).unwrap();
        assert_eq!(
            String::from_utf8(edits[0].after_bytes().unwrap().to_vec()).unwrap(),
            "sudo:x:27:sam,kim\nold:x:1002:\n"
        );
        let gone = AccessChange::of("access-lock:nobody").unwrap();
        assert!(
            gone.plan(&host)
                .unwrap_err()
                .message
                .contains("no account nobody")
        );
        let not_member = AccessChange::of("access-ungroup:kim:old").unwrap();
        assert!(
            not_member
                .plan(&host)
                .unwrap_err()
                .message
                .contains("Nothing to do")
        );
    }
}
