//! Who can read and change the files that matter: account and password
//! files, sudo rules, scheduled jobs, home folders, and the system folders
//! (world-writable places, programs that run with raised rights).

use super::{accounts, by_rule, modes, parse};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Outcome, Severity};
use crate::harden::target::Target;
use std::os::unix::fs::MetadataExt;

pub const CHECKS: &[Check] = &[
    Check {
        id: "files.passwd",
        area: Area::Files,
        title: "The account list can be changed by others",
        why: "Whoever can write /etc/passwd can make themselves administrator.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "7.1.1",
        lynis: "FILE-7524",
        remediation: "chown root:root /etc/passwd /etc/passwd- && chmod 644 /etc/passwd /etc/passwd-",
        run: passwd,
    },
    Check {
        id: "files.group",
        area: Area::Files,
        title: "The group list can be changed by others",
        why: "Whoever can write /etc/group can add themselves to the administrators' group.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "7.1.3",
        lynis: "FILE-7524",
        remediation: "chown root:root /etc/group /etc/group- && chmod 644 /etc/group /etc/group-",
        run: group,
    },
    Check {
        id: "files.shadow",
        area: Area::Files,
        title: "The password file can be read by others",
        why: "/etc/shadow holds every password's hash. A copy lets someone crack the passwords at leisure.",
        severity: Severity::Critical,
        applies: Applies::needs(&["etc/shadow"]),
        cis: "7.1.5",
        lynis: "FILE-7524",
        remediation: "chown root:shadow /etc/shadow /etc/shadow- && chmod 640 /etc/shadow /etc/shadow-",
        run: shadow,
    },
    Check {
        id: "files.gshadow",
        area: Area::Files,
        title: "The group password file can be read by others",
        why: "/etc/gshadow holds group passwords and the list of group administrators.",
        severity: Severity::High,
        applies: Applies::needs(&["etc/gshadow"]),
        cis: "7.1.7",
        lynis: "FILE-7524",
        remediation: "chown root:shadow /etc/gshadow /etc/gshadow- && chmod 640 /etc/gshadow /etc/gshadow-",
        run: gshadow,
    },
    Check {
        id: "files.sudoers",
        area: Area::Files,
        title: "The administrator rules can be changed by others",
        why: "The sudo rules decide who may act as administrator. Anyone who can edit them can give themselves that power.",
        severity: Severity::High,
        applies: Applies::needs(&["etc/sudoers"]),
        cis: "",
        lynis: "AUTH-9250",
        remediation: "chown root:root /etc/sudoers /etc/sudoers.d/* && chmod 440 /etc/sudoers /etc/sudoers.d/*",
        run: sudoers,
    },
    Check {
        id: "files.crontab",
        area: Area::Files,
        title: "The system's scheduled jobs can be read or changed by others",
        why: "Jobs in /etc/crontab run as administrator. Reading them shows what runs when; changing them runs anything as root.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/crontab"]),
        cis: "2.4.1.2",
        lynis: "SCHD-7704",
        remediation: "chown root:root /etc/crontab && chmod 600 /etc/crontab",
        run: crontab,
    },
    Check {
        id: "files.cron_folders",
        area: Area::Files,
        title: "Folders of scheduled jobs are open to others",
        why: "A job added to /etc/cron.daily or /etc/cron.d runs as administrator.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/cron.d", "etc/cron.daily", "etc/cron.hourly"]),
        cis: "2.4.1.3",
        lynis: "SCHD-7704",
        remediation: "chown root:root /etc/cron.{hourly,daily,weekly,monthly,d} && chmod 700 /etc/cron.{hourly,daily,weekly,monthly,d}",
        run: cron_folders,
    },
    Check {
        id: "files.world_writable_folders",
        area: Area::Files,
        title: "System folders anyone can change",
        why: "In a folder anyone can write to without the sticky bit, any user can delete or replace another's files, including programs and settings.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "7.1.11",
        lynis: "FILE-6362",
        remediation: "Add the sticky bit (chmod +t FOLDER) or remove write access for others (chmod o-w FOLDER).",
        run: world_writable_folders,
    },
    Check {
        id: "files.world_writable_files",
        area: Area::Files,
        title: "System files anyone can change",
        why: "A system file every user can change can be used to run code as someone else, or to hide tracks.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "7.1.11",
        lynis: "FILE-7524",
        remediation: "Remove write access for others: chmod o-w FILE.",
        run: world_writable_files,
    },
    Check {
        id: "files.suid",
        area: Area::Files,
        title: "Unusual programs run with raised rights",
        why: "SUID and SGID programs run with their owner's rights, usually root. Each one is a way to become administrator if it has a bug; unknown ones may have been planted.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "7.1.13",
        lynis: "FILE-7524",
        remediation: "Check where each unusual program comes from (dpkg -S PATH). Remove the bit from those you do not need: chmod u-s,g-s PATH.",
        run: suid,
    },
    Check {
        id: "files.tmp_sticky",
        area: Area::Files,
        title: "Users can delete each other's temporary files",
        why: "/tmp is shared by everyone. Without the sticky bit one user can delete or replace another's files there, a classic way to attack programs.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "FILE-6362",
        remediation: "chmod 1777 /tmp /var/tmp",
        run: tmp_sticky,
    },
    Check {
        id: "files.homes",
        area: Area::Files,
        title: "People's home folders are open to other users",
        why: "Home folders hold documents, browser data and SSH keys. Other accounts on the computer should not read them, and never change them.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "7.2.9",
        lynis: "HOME-9304",
        remediation: "chmod 750 /home/NAME for each person (chmod 700 for more privacy).",
        run: homes,
    },
    Check {
        id: "files.setuid_writable",
        area: Area::Files,
        title: "A program with raised rights can be changed by others",
        why: "A SUID program others can write to is a direct way to become administrator.",
        severity: Severity::Critical,
        applies: Applies::ALWAYS,
        cis: "7.1.13",
        lynis: "",
        remediation: "chmod go-w on each listed program, then find out how it became writable.",
        run: setuid_writable,
    },
];

/// The group number of `name` from /etc/group.
fn gid_of(h: &Target, name: &str) -> Option<u32> {
    let text = h.read_quiet("etc/group")?;
    parse::lines(&text).find_map(|(_, l)| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 3 && f[0] == name)
            .then(|| f[2].parse().ok())
            .flatten()
    })
}

fn passwd(h: &Target) -> Checked {
    by_rule(h, "files.passwd")
}

fn group(h: &Target) -> Checked {
    by_rule(h, "files.group")
}

/// Root's group, and "shadow" where it exists (Debian).
pub(super) fn shadow_groups(h: &Target) -> Vec<u32> {
    let mut groups = vec![0];
    groups.extend(gid_of(h, "shadow"));
    groups
}

fn shadow(h: &Target) -> Checked {
    by_rule(h, "files.shadow")
}

fn gshadow(h: &Target) -> Checked {
    by_rule(h, "files.gshadow")
}

fn sudoers(h: &Target) -> Checked {
    let mut rels = vec!["etc/sudoers".to_string()];
    rels.extend(
        h.list("etc/sudoers.d")?
            .into_iter()
            .map(|n| format!("etc/sudoers.d/{n}")),
    );
    let rels: Vec<&str> = rels.iter().map(String::as_str).collect();
    modes(h, &rels, 0o027, &[0])
}

fn crontab(h: &Target) -> Checked {
    by_rule(h, "files.crontab")
}

fn cron_folders(h: &Target) -> Checked {
    by_rule(h, "files.cron_folders")
}

/// Lists up to 20 paths as evidence.
fn listed(paths: &[String], note: &str) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = paths
        .iter()
        .take(20)
        .map(|p| Evidence::file(p, None, note))
        .collect();
    if paths.len() > 20 {
        out.push(Evidence {
            source: "…".into(),
            line: None,
            text: format!("and {} more", paths.len() - 20),
        });
    }
    out
}

fn unread_note(h: &Target) -> Option<Evidence> {
    let inv = h.inventory();
    (!inv.unreadable.is_empty()).then(|| Evidence {
        source: "system folders".into(),
        line: None,
        text: format!(
            "{} folder(s) could not be read, e.g. {}",
            inv.unreadable.len(),
            Target::shown(&inv.unreadable[0])
        ),
    })
}

fn walked(h: &Target, found: &[String], good: &str, bad: &str, note: &str) -> Checked {
    let inv = h.inventory();
    if !found.is_empty() {
        return Ok(Outcome::fail(format!("{} {bad}", found.len())).with_all(listed(found, note)));
    }
    if !inv.unreadable.is_empty() && !h.facts().as_root {
        return Ok(Outcome::needs_admin(format!(
            "{good} in the folders that could be read; some need administrator rights."
        ))
        .with_all(unread_note(h)));
    }
    Ok(
        Outcome::pass(format!("{good} ({} entries looked at).", inv.entries))
            .with_all(unread_note(h)),
    )
}

fn world_writable_folders(h: &Target) -> Checked {
    let found = h.inventory().open_folders.clone();
    walked(
        h,
        &found,
        "No system folder is open to everyone without the sticky bit",
        "system folder(s) can be changed by anyone.",
        "writable by everyone, no sticky bit",
    )
}

fn world_writable_files(h: &Target) -> Checked {
    let found = h.inventory().open_files.clone();
    walked(
        h,
        &found,
        "No system file can be changed by everyone",
        "system file(s) can be changed by anyone.",
        "writable by everyone",
    )
}

/// SUID/SGID programs a Debian, Ubuntu or Fedora system ships with.
const EXPECTED_SPECIAL: &[&str] = &[
    "at",
    "chage",
    "chfn",
    "chsh",
    "crontab",
    "dbus-daemon-launch-helper",
    "dotlockfile",
    "expiry",
    "fusermount",
    "fusermount3",
    "gpasswd",
    "mount",
    "mount.cifs",
    "mount.nfs",
    "newgrp",
    "newgidmap",
    "newuidmap",
    "ntfs-3g",
    "pam_timestamp_check",
    "passwd",
    "ping",
    "pkexec",
    "polkit-agent-helper-1",
    "pppd",
    "procmail",
    "sg",
    "snap-confine",
    "ssh-agent",
    "ssh-keysign",
    "su",
    "sudo",
    "sudoedit",
    "umount",
    "unix_chkpwd",
    "utempter",
    "wall",
    "write",
    "write.ul",
    "Xorg.wrap",
    "chromium-sandbox",
    "chrome-sandbox",
    "userhelper",
    "usernetctl",
    "staprun",
    "lockdev",
    "mlocate",
    "plocate",
    "locate",
    "bsd-write",
    "dmcrypt-get-device",
    "vmware-user-suid-wrapper",
    "spice-client-glib-usb-acl-helper",
    "grub2-set-bootflag",
    "lppasswd",
    "exim4",
    "mail-lock",
    "mail-unlock",
    "mail-touchlock",
    "kismet_cap_linux_wifi",
];

fn suid(h: &Target) -> Checked {
    let inv = h.inventory();
    let odd: Vec<Evidence> = inv
        .special
        .iter()
        .filter(|s| {
            let name = s.path.rsplit('/').next().unwrap_or("");
            !EXPECTED_SPECIAL.contains(&name)
        })
        .map(|s| Evidence::file(&s.path, None, &format!("mode {:04o}", s.mode)))
        .collect();
    if odd.is_empty() {
        return Ok(Outcome::pass(format!(
            "All {} programs with raised rights are ones the system ships with.",
            inv.special.len()
        )));
    }
    Ok(Outcome::warning(format!(
        "{} of {} programs with raised rights are not on the usual list.",
        odd.len(),
        inv.special.len()
    ))
    .with_all(odd))
}

fn setuid_writable(h: &Target) -> Checked {
    let inv = h.inventory();
    let bad: Vec<Evidence> = inv
        .special
        .iter()
        .filter_map(|s| {
            let meta = h.meta(&s.path).ok().flatten()?;
            (meta.mode() & 0o022 != 0).then(|| {
                Evidence::file(&s.path, None, &format!("mode {:04o}", meta.mode() & 0o7777))
            })
        })
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::pass(
            "No program with raised rights can be changed by others.",
        ));
    }
    Ok(Outcome::fail("Programs with raised rights can be changed by others.").with_all(bad))
}

fn tmp_sticky(h: &Target) -> Checked {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for rel in ["tmp", "var/tmp"] {
        let Some(meta) = h.meta(rel)? else { continue };
        let mode = meta.mode() & 0o7777;
        let ev = Evidence::file(rel, None, &format!("mode {mode:04o}"));
        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
            bad.push(ev);
        } else {
            good.push(ev);
        }
    }
    if bad.is_empty() {
        return Ok(Outcome::pass("Temporary folders protect each user's files.").with_all(good));
    }
    Ok(Outcome::fail("A shared temporary folder lacks the sticky bit.").with_all(bad))
}

fn homes(h: &Target) -> Checked {
    let list = accounts(h)?;
    let mut writable = Vec::new();
    let mut readable = Vec::new();
    let mut checked = 0;
    for a in list.iter().filter(|a| a.is_person() && a.can_log_in()) {
        let rel = a.home.trim_start_matches('/');
        if rel.is_empty() {
            continue;
        }
        let Some(meta) = h.meta(rel)? else { continue };
        if !meta.is_dir() {
            continue;
        }
        checked += 1;
        let mode = meta.mode() & 0o7777;
        let ev = Evidence::file(rel, None, &format!("{}: mode {mode:04o}", a.name));
        if mode & 0o022 != 0 {
            writable.push(ev);
        } else if mode & 0o007 != 0 {
            readable.push(ev);
        }
    }
    if !writable.is_empty() {
        return Ok(
            Outcome::fail("Other accounts can change files in someone's home folder.")
                .with_all(writable),
        );
    }
    if !readable.is_empty() {
        return Ok(
            Outcome::warning("Other accounts can look into someone's home folder.")
                .with_all(readable),
        );
    }
    if checked == 0 {
        return Ok(Outcome::not_applicable(
            "There are no personal accounts with home folders.",
        ));
    }
    Ok(Outcome::pass(format!(
        "All {checked} home folder(s) are private."
    )))
}
