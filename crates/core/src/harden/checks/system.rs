//! The rest of the system: logging and audit, time, boot loader, disk
//! encryption, the desktop login, integrity and malware tools, compilers
//! and login banners.

use super::{any_enabled, by_rule, modes, parse, with_dropins};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Os, Outcome, Role, Severity};
use crate::harden::target::Target;
use std::os::unix::fs::MetadataExt;

const GRUB: Applies = Applies::needs(&["boot/grub/grub.cfg", "boot/grub2/grub.cfg"]);
const GNOME_DESKTOP: Applies = Applies {
    os: Os::Any,
    role: Role::Desktop,
    needs: &["usr/sbin/gdm3", "usr/sbin/gdm", "usr/bin/gnome-shell"],
};
const GDM: Applies = Applies {
    os: Os::Any,
    role: Role::Desktop,
    needs: &["usr/sbin/gdm3", "usr/sbin/gdm"],
};
const LIGHTDM: Applies = Applies {
    os: Os::Any,
    role: Role::Desktop,
    needs: &["usr/sbin/lightdm"],
};
const JOURNALD: Applies = Applies::needs(&[
    "usr/lib/systemd/systemd-journald",
    "lib/systemd/systemd-journald",
]);
const AUDITD: Applies = Applies::needs(&["usr/sbin/auditd", "sbin/auditd"]);

pub const CHECKS: &[Check] = &[
    Check {
        id: "logging.journal_persistent",
        area: Area::Logging,
        title: "The system log is lost at every restart",
        why: "When something goes wrong, the log is where you find out what happened. A log kept only in memory is gone after a restart, often just when you need it.",
        severity: Severity::Medium,
        applies: JOURNALD,
        cis: "6.1.2.4",
        lynis: "LOGG-2136",
        remediation: "Set Storage=persistent in /etc/systemd/journald.conf (or create /var/log/journal) and restart systemd-journald.",
        run: journal_persistent,
    },
    Check {
        id: "logging.rsyslog_permissions",
        area: Area::Logging,
        title: "New log files can be read by every user",
        why: "Logs record logins, errors and sometimes mistyped passwords. Only administrators should read them.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/rsyslog.conf"]),
        cis: "6.1.3.4",
        lynis: "",
        remediation: "Set $FileCreateMode 0640 in /etc/rsyslog.conf and restart rsyslog.",
        run: rsyslog_permissions,
    },
    Check {
        id: "logging.auditd",
        area: Area::Logging,
        title: "Security events are not audited",
        why: "The audit service records who changed accounts, sudo rules and system files. Without it, a break-in can go unseen.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "6.2.1.2",
        lynis: "ACCT-9628",
        remediation: "apt install auditd audispd-plugins, then systemctl enable --now auditd.",
        run: auditd,
    },
    Check {
        id: "logging.audit_rules",
        area: Area::Logging,
        title: "The audit service watches nothing",
        why: "auditd only records what its rules ask for. Without rules it runs but records nothing useful.",
        severity: Severity::Low,
        applies: AUDITD,
        cis: "6.2.3",
        lynis: "ACCT-9630",
        remediation: "Add rules under /etc/audit/rules.d/ (for example watch /etc/passwd, /etc/shadow and /etc/sudoers) and run augenrules --load.",
        run: audit_rules,
    },
    Check {
        id: "logging.logrotate",
        area: Area::Logging,
        title: "Old logs are never cleaned up",
        why: "Without rotation, logs grow until the disk is full, and a full disk stops logging (and often the computer).",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "6.1.3.8",
        lynis: "LOGG-2146",
        remediation: "apt install logrotate.",
        run: logrotate,
    },
    Check {
        id: "logging.process_accounting",
        area: Area::Logging,
        title: "Commands people run are not recorded",
        why: "Process accounting keeps a short record of every command run, which helps to work out what happened after an incident.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "ACCT-9622",
        remediation: "apt install acct (Fedora: dnf install psacct && systemctl enable --now psacct).",
        run: process_accounting,
    },
    Check {
        id: "time.sync",
        area: Area::Time,
        title: "The clock is not kept in sync",
        why: "A wrong clock breaks secure websites and updates, and makes logs useless for working out what happened when.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "2.3.1.1",
        lynis: "TIME-3104",
        remediation: "systemctl enable --now systemd-timesyncd (or install chrony).",
        run: time_sync,
    },
    Check {
        id: "time.single",
        area: Area::Time,
        title: "Two clock services fight over the time",
        why: "Two time services adjusting the clock at once make it jump back and forth.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "2.3.1.1",
        lynis: "",
        remediation: "Keep one: systemctl disable --now the others (chrony, ntp, systemd-timesyncd).",
        run: time_single,
    },
    Check {
        id: "boot.grub_permissions",
        area: Area::Boot,
        title: "Other users can read the boot loader's settings",
        why: "The boot loader's settings can include its password hash and show how the computer starts.",
        severity: Severity::Medium,
        applies: GRUB,
        cis: "1.4.2",
        lynis: "BOOT-5184",
        remediation: "chown root:root /boot/grub/grub.cfg && chmod 600 /boot/grub/grub.cfg",
        run: grub_permissions,
    },
    Check {
        id: "boot.grub_password",
        area: Area::Boot,
        title: "Anyone at the keyboard can change how the computer starts",
        why: "Without a boot loader password, someone at the computer can start it in a mode that skips every password.",
        severity: Severity::Low,
        applies: GRUB,
        cis: "1.4.1",
        lynis: "BOOT-5122",
        remediation: "Create a password with grub-mkpasswd-pbkdf2, add \"set superusers\" and \"password_pbkdf2\" to /etc/grub.d/40_custom, run update-grub.",
        run: grub_password,
    },
    Check {
        id: "encryption.disk",
        area: Area::Encryption,
        title: "The disk is not encrypted",
        why: "If the computer or its disk is stolen, everything on an unencrypted disk can be read without any password.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "CRYP-7930",
        remediation: "Encryption is chosen when installing the system: plan a reinstall with \"encrypted LVM\", after a backup.",
        run: disk_encryption,
    },
    Check {
        id: "desktop.autologin",
        area: Area::Desktop,
        title: "The computer logs someone in without a password",
        why: "With automatic login, anyone who switches the computer on gets that person's files, email and saved passwords.",
        severity: Severity::High,
        applies: Applies::role(Role::Desktop),
        cis: "",
        lynis: "",
        remediation: "Turn off automatic login (GNOME: Settings › Users; or remove AutomaticLoginEnable from /etc/gdm3/custom.conf).",
        run: autologin,
    },
    Check {
        id: "desktop.screen_lock",
        area: Area::Desktop,
        title: "The screen does not lock itself",
        why: "A computer left unlocked lets anyone walking past use it as you.",
        severity: Severity::Medium,
        applies: GNOME_DESKTOP,
        cis: "1.7.4",
        lynis: "",
        remediation: "Set lock-enabled=true and idle-delay=uint32 300 for everyone in /etc/dconf/db/local.d/00-screensaver, then run dconf update.",
        run: screen_lock,
    },
    Check {
        id: "desktop.xdmcp",
        area: Area::Desktop,
        title: "The login screen can be opened over the network",
        why: "XDMCP sends the whole login session, passwords included, unencrypted over the network.",
        severity: Severity::High,
        applies: GDM,
        cis: "1.7.10",
        lynis: "",
        remediation: "Remove the Enable=true line from the [xdmcp] section of /etc/gdm3/custom.conf.",
        run: xdmcp,
    },
    Check {
        id: "desktop.guest",
        area: Area::Desktop,
        title: "Anyone can log in as a guest",
        why: "A guest session gives anyone at the keyboard a working account on the office network.",
        severity: Severity::Medium,
        applies: LIGHTDM,
        cis: "",
        lynis: "",
        remediation: "Set allow-guest=false in /etc/lightdm/lightdm.conf.",
        run: guest,
    },
    Check {
        id: "integrity.aide",
        area: Area::Integrity,
        title: "Changes to system files would go unnoticed",
        why: "A file-integrity checker (AIDE) notices when programs or settings are changed, a common sign of a break-in.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "6.3.1",
        lynis: "FINT-4350",
        remediation: "apt install aide aide-common && aideinit.",
        run: aide,
    },
    Check {
        id: "integrity.debsums",
        area: Area::Integrity,
        title: "Installed programs cannot be compared with the originals",
        why: "debsums compares installed files with the checksums the packages shipped, showing tampered programs.",
        severity: Severity::Low,
        applies: Applies {
            os: Os::Debian,
            role: Role::Any,
            needs: &[],
        },
        cis: "",
        lynis: "PKGS-7370",
        remediation: "apt install debsums.",
        run: debsums,
    },
    Check {
        id: "integrity.rootkit",
        area: Area::Integrity,
        title: "No rootkit scanner is installed",
        why: "Rootkits hide an intruder's programs. A scanner such as rkhunter or chkrootkit looks for the known ones.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "MALW-3276",
        remediation: "apt install rkhunter (or chkrootkit).",
        run: rootkit,
    },
    Check {
        id: "integrity.antivirus",
        area: Area::Integrity,
        title: "No virus scanner keeps up to date",
        why: "Files shared in an office (email attachments, USB sticks) can carry malware for the Windows computers too. ClamAV finds the known ones if its signatures are fresh.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "MALW-3280",
        remediation: "apt install clamav clamav-freshclam.",
        run: antivirus,
    },
    Check {
        id: "hardening.compilers",
        area: Area::Integrity,
        title: "Every user can build programs",
        why: "An intruder who gets into an ordinary account can compile an attack tool right here if compilers are open to all.",
        severity: Severity::Low,
        applies: Applies::needs(&["usr/bin/gcc", "usr/bin/cc", "usr/bin/clang", "usr/bin/as"]),
        cis: "",
        lynis: "HRDN-7222",
        remediation: "If nobody builds software here, remove the compilers; otherwise limit them to a group: chgrp dev FILE && chmod o-rx FILE.",
        run: compilers,
    },
    Check {
        id: "banners.issue",
        area: Area::Banners,
        title: "The login screen tells everyone which system this is",
        why: "Showing the exact system and version before login saves an attacker the trouble of finding out which holes to try.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/issue"]),
        cis: "1.6.2",
        lynis: "BANN-7126",
        remediation: "Replace /etc/issue with a short notice such as \"Authorised use only.\"",
        run: issue,
    },
    Check {
        id: "banners.issue_net",
        area: Area::Banners,
        title: "The network login banner tells everyone which system this is",
        why: "/etc/issue.net is shown to people connecting over the network, before they log in.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/issue.net"]),
        cis: "1.6.3",
        lynis: "BANN-7130",
        remediation: "Replace /etc/issue.net with a short notice such as \"Authorised use only.\"",
        run: issue_net,
    },
    Check {
        id: "banners.motd",
        area: Area::Banners,
        title: "The welcome message tells which system this is",
        why: "The message of the day is shown after login; naming the exact system helps someone in a stolen account pick the next step.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/motd"]),
        cis: "1.6.1",
        lynis: "",
        remediation: "Remove the system name and version from /etc/motd.",
        run: motd,
    },
    Check {
        id: "banners.permissions",
        area: Area::Banners,
        title: "Other users can change the login messages",
        why: "Whoever can change the login messages can show false instructions to everyone who logs in.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/issue", "etc/issue.net", "etc/motd"]),
        cis: "1.6.4",
        lynis: "",
        remediation: "chown root:root /etc/issue /etc/issue.net /etc/motd && chmod 644 /etc/issue /etc/issue.net /etc/motd",
        run: banner_permissions,
    },
];

fn journal_persistent(h: &Target) -> Checked {
    let files = with_dropins(
        h,
        "etc/systemd/journald.conf",
        "etc/systemd/journald.conf.d",
    )?;
    let storage = files.iter().rev().find_map(|(rel, text)| {
        parse::ini_setting(text, "journal", "Storage").map(|s| {
            (
                s.value.to_ascii_lowercase(),
                Evidence::file(rel, Some(s.line), &s.text),
            )
        })
    });
    let folder = h.exists("var/log/journal");
    match storage {
        Some((v, ev)) if v == "persistent" => {
            Ok(Outcome::pass("The system log is kept on disk.").with(ev))
        }
        Some((v, ev)) if v == "volatile" || v == "none" => Ok(Outcome::fail(format!(
            "The system log is set to \"{v}\": lost at restart."
        ))
        .with(ev)),
        other => {
            let ev = other.map(|(_, e)| e);
            if folder {
                Ok(
                    Outcome::pass("The system log is kept on disk (/var/log/journal exists).")
                        .with_all(ev),
                )
            } else {
                Ok(Outcome::fail(
                    "The system log is kept in memory only (/var/log/journal does not exist).",
                )
                .with_all(ev))
            }
        }
    }
}

fn rsyslog_permissions(h: &Target) -> Checked {
    let files = with_dropins(h, "etc/rsyslog.conf", "etc/rsyslog.d")?;
    let mode = files.iter().rev().find_map(|(rel, text)| {
        parse::find_line(text, |l| l.starts_with("$FileCreateMode"))
            .map(|(n, l)| (l.to_string(), Evidence::file(rel, Some(n), l)))
    });
    let Some((line, ev)) = mode else {
        return Ok(Outcome::fail(
            "rsyslog creates log files readable by everyone (no $FileCreateMode).",
        ));
    };
    let value = line.split_whitespace().nth(1).unwrap_or("");
    match u32::from_str_radix(value, 8) {
        Ok(m) if m & 0o137 == 0 => {
            Ok(Outcome::pass("New log files are readable by administrators only.").with(ev))
        }
        _ => Ok(Outcome::fail("New log files are readable by every user.").with(ev)),
    }
}

fn auditd(h: &Target) -> Checked {
    if h.first_existing(&["usr/sbin/auditd", "sbin/auditd"])
        .is_none()
    {
        return Ok(Outcome::fail(
            "The audit service (auditd) is not installed.",
        ));
    }
    match any_enabled(h, &["auditd.service"]) {
        Some(ev) => Ok(Outcome::pass("The audit service runs at boot.").with(ev)),
        None => Ok(Outcome::fail(
            "The audit service is installed but does not start at boot.",
        )),
    }
}

fn audit_rules(h: &Target) -> Checked {
    let mut rules = Vec::new();
    let mut files = vec!["etc/audit/audit.rules".to_string()];
    files.extend(
        h.list("etc/audit/rules.d")?
            .into_iter()
            .filter(|n| n.ends_with(".rules"))
            .map(|n| format!("etc/audit/rules.d/{n}")),
    );
    for rel in &files {
        let Some(text) = h.read(rel)? else { continue };
        for (n, l) in parse::lines(&text) {
            if l.starts_with("-w") || l.starts_with("-a") {
                rules.push(Evidence::file(rel, Some(n), l));
            }
        }
    }
    if rules.is_empty() {
        return Ok(Outcome::fail("The audit service has no rules."));
    }
    let count = rules.len();
    rules.truncate(5);
    Ok(Outcome::pass(format!("The audit service has {count} rule(s).")).with_all(rules))
}

fn logrotate(h: &Target) -> Checked {
    if h.first_existing(&["usr/sbin/logrotate", "sbin/logrotate"])
        .is_none()
    {
        return Ok(Outcome::fail("logrotate is not installed."));
    }
    if !h.exists("etc/logrotate.conf") {
        return Ok(Outcome::fail(
            "logrotate is installed but has no /etc/logrotate.conf.",
        ));
    }
    Ok(Outcome::pass("Old logs are rotated."))
}

fn process_accounting(h: &Target) -> Checked {
    if h.first_existing(&["usr/sbin/accton", "sbin/accton"])
        .is_none()
    {
        return Ok(Outcome::fail("Process accounting is not installed."));
    }
    match any_enabled(h, &["acct.service", "psacct.service"]) {
        Some(ev) => Ok(Outcome::pass("Commands are recorded by process accounting.").with(ev)),
        None => Ok(Outcome::fail(
            "Process accounting is installed but not switched on.",
        )),
    }
}

const TIME_UNITS: &[&str] = &[
    "systemd-timesyncd.service",
    "chrony.service",
    "chronyd.service",
    "ntp.service",
    "ntpd.service",
    "ntpsec.service",
    "openntpd.service",
];

fn time_sync(h: &Target) -> Checked {
    match any_enabled(h, TIME_UNITS) {
        Some(ev) => Ok(Outcome::pass("A time service keeps the clock right.").with(ev)),
        None => Ok(Outcome::fail("No time service is switched on.")),
    }
}

fn time_single(h: &Target) -> Checked {
    let on: Vec<Evidence> = TIME_UNITS
        .iter()
        .filter_map(|u| super::enabled(h, u))
        .collect();
    if on.len() > 1 {
        return Ok(
            Outcome::fail(format!("{} time services are switched on.", on.len())).with_all(on),
        );
    }
    Ok(Outcome::pass("At most one time service is switched on.").with_all(on))
}

fn grub_cfg(h: &Target) -> &'static str {
    h.first_existing(&["boot/grub/grub.cfg", "boot/grub2/grub.cfg"])
        .unwrap_or("boot/grub/grub.cfg")
}

fn grub_permissions(h: &Target) -> Checked {
    modes(h, &[grub_cfg(h)], 0o077, &[0])
}

fn grub_password(h: &Target) -> Checked {
    let cfg = grub_cfg(h);
    let mut files = vec![cfg.to_string(), "boot/grub2/user.cfg".to_string()];
    files.extend(
        h.list("etc/grub.d")?
            .into_iter()
            .map(|n| format!("etc/grub.d/{n}")),
    );
    let mut superusers = None;
    let mut password = None;
    for rel in &files {
        let Some(text) = h.read(rel)? else { continue };
        for (n, l) in parse::lines(&text) {
            if l.contains("set superusers") {
                superusers.get_or_insert_with(|| Evidence::file(rel, Some(n), l));
            }
            if l.starts_with("password_pbkdf2") || l.starts_with("GRUB2_PASSWORD") {
                let name = l.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                password.get_or_insert_with(|| {
                    Evidence::file(rel, Some(n), &format!("{name} (hash hidden)"))
                });
            }
        }
    }
    match (superusers, password) {
        (Some(s), Some(p)) => Ok(Outcome::pass(
            "The boot loader asks for a password to change how it starts.",
        )
        .with(s)
        .with(p)),
        (_, Some(p)) if cfg.contains("grub2") => {
            Ok(Outcome::pass("The boot loader has a password.").with(p))
        }
        _ => Ok(Outcome::fail("The boot loader has no password.")),
    }
}

fn disk_encryption(h: &Target) -> Checked {
    let mut evidence = Vec::new();
    for dm in h
        .list("sys/block")?
        .into_iter()
        .filter(|d| d.starts_with("dm-"))
    {
        let rel = format!("sys/block/{dm}/dm/uuid");
        if let Some(uuid) = h.read_quiet(&rel)
            && uuid.starts_with("CRYPT-")
        {
            evidence.push(Evidence::file(&rel, None, uuid.trim()));
        }
    }
    if let Some(text) = h.read("etc/crypttab")? {
        for (n, l) in parse::lines(&text) {
            evidence.push(Evidence::file("etc/crypttab", Some(n), l));
        }
    }
    if evidence.is_empty() {
        return Ok(Outcome::fail("No encrypted disk was found."));
    }
    Ok(Outcome::pass("The computer uses disk encryption.").with_all(evidence))
}

fn autologin(h: &Target) -> Checked {
    let mut found = Vec::new();
    for rel in [
        "etc/gdm3/custom.conf",
        "etc/gdm3/daemon.conf",
        "etc/gdm/custom.conf",
    ] {
        let Some(text) = h.read(rel)? else { continue };
        for key in ["AutomaticLoginEnable", "TimedLoginEnable"] {
            if let Some(s) = parse::ini_setting(&text, "daemon", key)
                && parse::truthy(&s.value)
            {
                found.push(Evidence::file(rel, Some(s.line), &s.text));
            }
        }
    }
    for (rel, text) in with_dropins(h, "etc/lightdm/lightdm.conf", "etc/lightdm/lightdm.conf.d")? {
        for (n, l) in parse::lines(&text) {
            if let Some(user) = l.strip_prefix("autologin-user")
                && !user.trim_start_matches([' ', '=']).trim().is_empty()
            {
                found.push(Evidence::file(&rel, Some(n), l));
            }
        }
    }
    for (rel, text) in with_dropins(h, "etc/sddm.conf", "etc/sddm.conf.d")? {
        if let Some(s) = parse::ini_setting(&text, "autologin", "User")
            && !s.value.is_empty()
        {
            found.push(Evidence::file(&rel, Some(s.line), &s.text));
        }
    }
    if found.is_empty() {
        return Ok(Outcome::pass("Everyone must log in with a password."));
    }
    Ok(
        Outcome::fail("Someone is logged in automatically when the computer starts.")
            .with_all(found),
    )
}

/// System-wide GNOME settings from the dconf "local" database's key files.
fn dconf_setting(
    h: &Target,
    section: &str,
    key: &str,
) -> Result<Option<(String, Evidence)>, Outcome> {
    let mut found = None;
    for name in h.list("etc/dconf/db/local.d")? {
        let rel = format!("etc/dconf/db/local.d/{name}");
        if h.meta(&rel)?.is_some_and(|m| m.is_dir()) {
            continue;
        }
        let Some(text) = h.read(&rel)? else { continue };
        if let Some(s) = parse::ini_setting(&text, section, key) {
            found = Some((s.value.clone(), Evidence::file(&rel, Some(s.line), &s.text)));
        }
    }
    Ok(found)
}

fn screen_lock(h: &Target) -> Checked {
    let lock = dconf_setting(h, "org/gnome/desktop/screensaver", "lock-enabled")?;
    let idle = dconf_setting(h, "org/gnome/desktop/session", "idle-delay")?;
    if let Some((v, ev)) = &lock
        && !parse::truthy(v)
    {
        return Ok(Outcome::fail("The screen lock is switched off for everyone.").with(ev.clone()));
    }
    if let Some((v, ev)) = &idle {
        let secs: u64 = v.trim_start_matches("uint32").trim().parse().unwrap_or(0);
        if secs == 0 || secs > 900 {
            return Ok(Outcome::fail(
                "The screen never goes idle, or only after more than 15 minutes.",
            )
            .with(ev.clone()));
        }
    }
    match (lock, idle) {
        (Some((_, a)), Some((_, b))) => Ok(Outcome::pass(
            "The screen locks itself after at most 15 idle minutes.",
        )
        .with(a)
        .with(b)),
        (lock, idle) => Ok(Outcome::warning(
            "No screen lock is set for everyone; each person's own settings decide.",
        )
        .with_all(lock.map(|l| l.1))
        .with_all(idle.map(|i| i.1))),
    }
}

fn xdmcp(h: &Target) -> Checked {
    for rel in [
        "etc/gdm3/custom.conf",
        "etc/gdm3/daemon.conf",
        "etc/gdm/custom.conf",
    ] {
        let Some(text) = h.read(rel)? else { continue };
        if let Some(s) = parse::ini_setting(&text, "xdmcp", "Enable")
            && parse::truthy(&s.value)
        {
            return Ok(Outcome::fail("Remote logins over XDMCP are switched on.")
                .with(Evidence::file(rel, Some(s.line), &s.text)));
        }
    }
    Ok(Outcome::pass("Remote logins over XDMCP are off."))
}

fn guest(h: &Target) -> Checked {
    for (rel, text) in with_dropins(h, "etc/lightdm/lightdm.conf", "etc/lightdm/lightdm.conf.d")? {
        if let Some((n, l)) = parse::find_line(&text, |l| {
            l.starts_with("allow-guest") && l.split('=').nth(1).is_some_and(parse::truthy)
        }) {
            return Ok(
                Outcome::fail("Guest logins are allowed.").with(Evidence::file(&rel, Some(n), l)),
            );
        }
    }
    Ok(Outcome::pass("Guest logins are not allowed."))
}

fn aide(h: &Target) -> Checked {
    if h.first_existing(&["usr/bin/aide", "usr/sbin/aide"])
        .is_none()
    {
        return Ok(Outcome::fail("AIDE is not installed."));
    }
    match h.first_existing(&["var/lib/aide/aide.db", "var/lib/aide/aide.db.gz"]) {
        Some(db) => Ok(
            Outcome::pass("AIDE keeps a record of system files.").with(Evidence::file(
                db,
                None,
                "database present",
            )),
        ),
        None => Ok(Outcome::warning(
            "AIDE is installed but has no database yet (run aideinit).",
        )),
    }
}

fn debsums(h: &Target) -> Checked {
    if h.exists("usr/bin/debsums") {
        return Ok(Outcome::pass("debsums is installed."));
    }
    Ok(Outcome::fail("debsums is not installed."))
}

fn rootkit(h: &Target) -> Checked {
    match h.first_existing(&["usr/bin/rkhunter", "usr/sbin/chkrootkit"]) {
        Some(p) => Ok(
            Outcome::pass("A rootkit scanner is installed.").with(Evidence::file(
                p,
                None,
                "installed",
            )),
        ),
        None => Ok(Outcome::fail(
            "Neither rkhunter nor chkrootkit is installed.",
        )),
    }
}

fn antivirus(h: &Target) -> Checked {
    if !h.exists("usr/bin/clamscan") && !h.exists("usr/sbin/clamd") {
        return Ok(Outcome::fail("No virus scanner is installed."));
    }
    match any_enabled(h, &["clamav-freshclam.service", "clamav-freshclam.timer"]) {
        Some(ev) => {
            Ok(Outcome::pass("ClamAV is installed and keeps its signatures fresh.").with(ev))
        }
        None => Ok(Outcome::warning(
            "ClamAV is installed but its signatures are not updated automatically.",
        )),
    }
}

fn compilers(h: &Target) -> Checked {
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for rel in [
        "usr/bin/gcc",
        "usr/bin/cc",
        "usr/bin/g++",
        "usr/bin/c++",
        "usr/bin/clang",
        "usr/bin/as",
        "usr/bin/tcc",
    ] {
        let Some(meta) = h.meta(rel)? else { continue };
        let mode = meta.mode() & 0o7777;
        let ev = Evidence::file(
            rel,
            None,
            &format!("mode {mode:04o} (after following links)"),
        );
        if mode & 0o001 != 0 {
            open.push(ev);
        } else {
            closed.push(ev);
        }
    }
    if open.is_empty() {
        return Ok(Outcome::pass("Compilers are limited to some users.").with_all(closed));
    }
    Ok(Outcome::fail("Every user can run the compilers.").with_all(open))
}

/// Login messages that name the system: agetty escapes (\s \r \v \m) or
/// the system's own name.
/// Whether a login message's line names this system or its version: the
/// system's name, or an escape that getty replaces with it.
pub(crate) fn names_system(h: &Target, line: &str) -> bool {
    let facts = h.facts();
    let mut names: Vec<String> = vec![facts.os_id.to_ascii_lowercase()];
    names.extend(
        facts
            .os_name
            .split_whitespace()
            .next()
            .map(|w| w.to_ascii_lowercase()),
    );
    names.retain(|n| n.len() > 2);
    let lower = line.to_ascii_lowercase();
    let escape = ["\\s", "\\r", "\\v", "\\m"]
        .iter()
        .any(|e| line.contains(e));
    escape || names.iter().any(|n| lower.contains(n.as_str()))
}

fn banner(h: &Target, rel: &str) -> Checked {
    let Some(text) = h.read(rel)? else {
        return Ok(Outcome::pass("There is no such message."));
    };
    for (i, l) in text.lines().enumerate() {
        if names_system(h, l) {
            return Ok(
                Outcome::fail("The message names this system or its version.")
                    .with(Evidence::file(rel, Some(i + 1), l)),
            );
        }
    }
    Ok(Outcome::pass("The message does not name the system."))
}

fn issue(h: &Target) -> Checked {
    banner(h, "etc/issue")
}

fn issue_net(h: &Target) -> Checked {
    banner(h, "etc/issue.net")
}

fn motd(h: &Target) -> Checked {
    banner(h, "etc/motd")
}

fn banner_permissions(h: &Target) -> Checked {
    by_rule(h, "banners.permissions")
}
