//! Accounts and passwords: who can log in, how passwords are kept, who
//! may act as administrator.

use super::{Account, accounts, shadow};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Os, Outcome, Severity};
use crate::harden::parse;
use crate::harden::target::Target;

pub const CHECKS: &[Check] = &[
    Check {
        id: "accounts.empty_password",
        area: Area::Accounts,
        title: "An account has no password",
        why: "Anyone can log in to an account without a password, from the keyboard and often over the network. It is the easiest way in for an intruder.",
        severity: Severity::Critical,
        applies: Applies::ALWAYS,
        cis: "7.2.2",
        lynis: "AUTH-9283",
        remediation: "Set a password for the account (passwd NAME) or lock it (passwd -l NAME).",
        run: empty_password,
    },
    Check {
        id: "accounts.extra_uid0",
        area: Area::Accounts,
        title: "Another account has full administrator rights",
        why: "Every account with user number 0 is the administrator (root), whatever its name. A second one is a classic hidden way back in.",
        severity: Severity::Critical,
        applies: Applies::ALWAYS,
        cis: "5.4.2.1",
        lynis: "AUTH-9204",
        remediation: "Give the account its own user number, or remove it if nobody knows why it exists.",
        run: extra_uid0,
    },
    Check {
        id: "accounts.shadowed",
        area: Area::Accounts,
        title: "A password is stored where every user can read it",
        why: "/etc/passwd can be read by every account. A password hash kept there can be guessed offline at leisure.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "7.2.1",
        lynis: "AUTH-9228",
        remediation: "Run pwconv to move the passwords into /etc/shadow.",
        run: shadowed,
    },
    Check {
        id: "accounts.duplicate_uid",
        area: Area::Accounts,
        title: "Two accounts share a user number",
        why: "Accounts with the same user number are the same user to the system: each can read and change the other's files, and logs cannot tell them apart.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "7.2.5",
        lynis: "AUTH-9208",
        remediation: "Give each account its own user number (usermod -u) and fix the owner of its files.",
        run: duplicate_uid,
    },
    Check {
        id: "accounts.root_password",
        area: Area::Accounts,
        title: "The administrator account (root) has a password you can log in with",
        why: "A usable root password is one more password to guess, shared by everyone who knows it. Personal accounts with sudo leave a record of who did what.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "5.4.2.4",
        lynis: "",
        remediation: "Give administrators sudo rights on their own accounts, then lock root's password with passwd -l root.",
        run: root_password,
    },
    Check {
        id: "accounts.hashing",
        area: Area::Accounts,
        title: "New passwords are stored with a weak method",
        why: "Passwords are stored as hashes. Old methods (MD5, DES) can be cracked in minutes once someone copies the password file.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/login.defs"]),
        cis: "5.4.1.4",
        lynis: "AUTH-9229",
        remediation: "Set ENCRYPT_METHOD YESCRYPT (or SHA512) in /etc/login.defs, then change the passwords.",
        run: hashing,
    },
    Check {
        id: "accounts.hashing_rounds",
        area: Area::Accounts,
        title: "Passwords are hashed with too few rounds",
        why: "More rounds make each guess slower for someone trying to crack a copied password file, at no cost to you.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/login.defs"]),
        cis: "",
        lynis: "AUTH-9230",
        remediation: "Set SHA_CRYPT_MIN_ROUNDS 5000 (or more) in /etc/login.defs, or use YESCRYPT.",
        run: hashing_rounds,
    },
    Check {
        id: "accounts.max_days",
        area: Area::Accounts,
        title: "Passwords never have to be changed",
        why: "A password that leaked years ago still works if it never expires.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/login.defs"]),
        cis: "5.4.1.1",
        lynis: "AUTH-9286",
        remediation: "Set PASS_MAX_DAYS 365 (or less) in /etc/login.defs, and chage --maxdays 365 for existing accounts.",
        run: max_days,
    },
    Check {
        id: "accounts.min_days",
        area: Area::Accounts,
        title: "A new password can be changed back at once",
        why: "Without a minimum age, someone forced to change a password can switch straight back to the old one.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/login.defs"]),
        cis: "5.4.1.2",
        lynis: "AUTH-9286",
        remediation: "Set PASS_MIN_DAYS 1 in /etc/login.defs.",
        run: min_days,
    },
    Check {
        id: "accounts.warn_age",
        area: Area::Accounts,
        title: "Nobody is warned before a password expires",
        why: "A warning a week ahead lets people choose a good new password instead of being locked out.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/login.defs"]),
        cis: "5.4.1.3",
        lynis: "",
        remediation: "Set PASS_WARN_AGE 7 in /etc/login.defs.",
        run: warn_age,
    },
    Check {
        id: "accounts.umask",
        area: Area::Accounts,
        title: "New files can be read by every user",
        why: "The default file mask decides who can read the files people create. A loose one lets every account read everyone's documents.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "5.4.3.3",
        lynis: "AUTH-9328",
        remediation: "Set UMASK 027 in /etc/login.defs and remove looser umask lines from /etc/profile.",
        run: umask,
    },
    Check {
        id: "accounts.password_quality",
        area: Area::Accounts,
        title: "Weak passwords are accepted",
        why: "Without a quality check, people pick short or common passwords that are guessed in seconds.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/pam.d"]),
        cis: "5.3.2.3",
        lynis: "AUTH-9262",
        remediation: "Install libpam-pwquality (Debian/Ubuntu); it adds pam_pwquality to common-password.",
        run: password_quality,
    },
    Check {
        id: "accounts.nullok",
        area: Area::Accounts,
        title: "Logging in with an empty password is allowed",
        why: "The nullok option lets an account with an empty password log in. One such account is then open to anyone.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/pam.d"]),
        cis: "5.3.3.4.1",
        lynis: "",
        remediation: "Remove nullok from the pam_unix lines in /etc/pam.d/common-auth (system-auth on Fedora).",
        run: nullok,
    },
    Check {
        id: "accounts.lockout",
        area: Area::Accounts,
        title: "Passwords can be guessed without limit",
        why: "Without a lockout after failed tries, a program can try thousands of passwords against an account.",
        severity: Severity::Medium,
        applies: Applies::needs(&["etc/pam.d"]),
        cis: "5.3.2.2",
        lynis: "",
        remediation: "Enable pam_faillock (Debian 12: pam-auth-update; Fedora: authselect enable-feature with-faillock).",
        run: lockout,
    },
    Check {
        id: "accounts.sudo_nopasswd",
        area: Area::Accounts,
        title: "Someone can act as administrator without a password",
        why: "With NOPASSWD, anything that runs as that user (a bad download, a browser exploit) becomes administrator silently.",
        severity: Severity::High,
        applies: Applies::needs(&["etc/sudoers"]),
        cis: "5.2.4",
        lynis: "AUTH-9252",
        remediation: "Remove NOPASSWD from /etc/sudoers and /etc/sudoers.d (edit with visudo).",
        run: sudo_nopasswd,
    },
    Check {
        id: "accounts.sudo_pty",
        area: Area::Accounts,
        title: "Administrator commands do not run in their own terminal",
        why: "Without use_pty, a program started with sudo can keep running and type into your terminal after sudo ends.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/sudoers"]),
        cis: "5.2.2",
        lynis: "",
        remediation: "Add \"Defaults use_pty\" with visudo.",
        run: sudo_pty,
    },
    Check {
        id: "accounts.su_restricted",
        area: Area::Accounts,
        title: "Any user can try to become administrator with su",
        why: "Limiting su to one group means a stolen ordinary account cannot even try root's password.",
        severity: Severity::Low,
        applies: Applies::needs(&["etc/pam.d/su"]),
        cis: "5.2.7",
        lynis: "",
        remediation: "Uncomment the pam_wheel.so line in /etc/pam.d/su and create an empty group for it.",
        run: su_restricted,
    },
    Check {
        id: "accounts.system_shells",
        area: Area::Accounts,
        title: "A service account can log in",
        why: "Accounts for services (www-data, daemon) should never open a shell. A login shell turns a hacked service into a working account.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "5.4.2.7",
        lynis: "",
        remediation: "Set the shell of service accounts to /usr/sbin/nologin (usermod -s /usr/sbin/nologin NAME).",
        run: system_shells,
    },
    Check {
        id: "accounts.locked_with_shell",
        area: Area::Accounts,
        title: "A locked account still has a login shell",
        why: "A locked password does not stop SSH keys. An account meant to be closed should not have a shell either.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "5.4.2.8",
        lynis: "",
        remediation: "Set the shell of locked accounts to /usr/sbin/nologin, or remove accounts nobody uses.",
        run: locked_with_shell,
    },
    Check {
        id: "accounts.stale_password",
        area: Area::Accounts,
        title: "A password has not been changed for over a year",
        why: "Old passwords are more likely to have leaked, and old accounts are often forgotten ones.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "",
        lynis: "AUTH-9288",
        remediation: "Ask the person to change the password, or lock accounts nobody uses (passwd -l NAME).",
        run: stale_password,
    },
    Check {
        id: "accounts.inactive_lock",
        area: Area::Accounts,
        title: "Accounts stay open after their password expires",
        why: "An account whose password expired months ago belongs to nobody, but still opens with that password until it is locked.",
        severity: Severity::Low,
        applies: Applies {
            os: Os::Any,
            role: crate::harden::check::Role::Any,
            needs: &["etc/default/useradd"],
        },
        cis: "5.4.1.5",
        lynis: "",
        remediation: "Set INACTIVE=45 in /etc/default/useradd (useradd -D -f 45).",
        run: inactive_lock,
    },
];

fn empty_password(h: &Target) -> Checked {
    let entries = shadow(h)?;
    let empty: Vec<Evidence> = entries
        .iter()
        .filter(|s| s.hash.is_empty())
        .map(|s| Evidence::file("etc/shadow", Some(s.line), &s.shown()))
        .collect();
    if empty.is_empty() {
        return Ok(Outcome::pass("Every account has a password or is locked."));
    }
    Ok(Outcome::fail(format!("{} account(s) have no password.", empty.len())).with_all(empty))
}

fn extra_uid0(h: &Target) -> Checked {
    let extra: Vec<Evidence> = accounts(h)?
        .iter()
        .filter(|a| a.uid == 0 && a.name != "root")
        .map(|a| Evidence::file("etc/passwd", Some(a.line), &a.text))
        .collect();
    if extra.is_empty() {
        return Ok(Outcome::pass("Only root has user number 0."));
    }
    Ok(Outcome::fail("Another account besides root has user number 0.").with_all(extra))
}

fn shadowed(h: &Target) -> Checked {
    let bad: Vec<Evidence> = accounts(h)?
        .iter()
        .filter(|a| a.password != "x" && a.password != "*" && a.password != "!")
        .map(|a| {
            let shown = format!("{}:(not x):{}", a.name, a.uid);
            Evidence::file("etc/passwd", Some(a.line), &shown)
        })
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::pass(
            "Passwords are kept in /etc/shadow, which only root reads.",
        ));
    }
    Ok(Outcome::fail("Some accounts keep their password in /etc/passwd.").with_all(bad))
}

fn duplicate_uid(h: &Target) -> Checked {
    let list = accounts(h)?;
    let mut dup = Vec::new();
    for (i, a) in list.iter().enumerate() {
        if list[..i].iter().any(|b| b.uid == a.uid) {
            dup.push(Evidence::file("etc/passwd", Some(a.line), &a.text));
        }
    }
    if dup.is_empty() {
        return Ok(Outcome::pass("Every account has its own user number."));
    }
    Ok(Outcome::fail("Some accounts share a user number.").with_all(dup))
}

fn root_password(h: &Target) -> Checked {
    let entries = shadow(h)?;
    let Some(root) = entries.iter().find(|s| s.name == "root") else {
        return Ok(Outcome::pass("There is no root password entry."));
    };
    let ev = Evidence::file("etc/shadow", Some(root.line), &root.shown());
    if root.locked() {
        Ok(Outcome::pass("Root's password is locked; administrators use sudo.").with(ev))
    } else {
        Ok(Outcome::warning("Root has a password that can be used to log in.").with(ev))
    }
}

fn login_defs(h: &Target) -> Result<String, Outcome> {
    Ok(h.read("etc/login.defs")?.unwrap_or_default())
}

fn hashing(h: &Target) -> Checked {
    let text = login_defs(h)?;
    let Some(s) = parse::word_setting(&text, "ENCRYPT_METHOD") else {
        return Ok(Outcome::warning(
            "login.defs does not say how to store passwords, so the system default is used.",
        ));
    };
    let ev = Evidence::file("etc/login.defs", Some(s.line), &s.text);
    match s.value.to_ascii_uppercase().as_str() {
        "SHA512" | "YESCRYPT" => {
            Ok(Outcome::pass(format!("Passwords are stored with {}.", s.value)).with(ev))
        }
        "SHA256" => Ok(Outcome::warning(
            "Passwords are stored with SHA256; SHA512 or YESCRYPT is stronger.",
        )
        .with(ev)),
        other => Ok(Outcome::fail(format!(
            "Passwords are stored with {other}, which is easy to crack."
        ))
        .with(ev)),
    }
}

fn hashing_rounds(h: &Target) -> Checked {
    let text = login_defs(h)?;
    let method = parse::word_setting(&text, "ENCRYPT_METHOD")
        .map(|s| s.value.to_ascii_uppercase())
        .unwrap_or_default();
    if method == "YESCRYPT" {
        return Ok(Outcome::pass("YESCRYPT sets its own cost."));
    }
    let Some(s) = parse::word_setting(&text, "SHA_CRYPT_MIN_ROUNDS") else {
        return Ok(Outcome::warning(
            "No minimum number of hashing rounds is set, so the lowest default (5000) applies.",
        ));
    };
    let ev = Evidence::file("etc/login.defs", Some(s.line), &s.text);
    match s.value.parse::<u64>() {
        Ok(n) if n >= 5000 => Ok(Outcome::pass(format!("At least {n} rounds are used.")).with(ev)),
        _ => Ok(Outcome::fail(format!("Only {} rounds are used.", s.value)).with(ev)),
    }
}

/// A number in login.defs judged by `ok`; `missing` is the verdict when
/// the setting is absent.
fn defs_number(h: &Target, key: &str, ok: fn(i64) -> bool, good: &str, bad: &str) -> Checked {
    let text = login_defs(h)?;
    let Some(s) = parse::word_setting(&text, key) else {
        return Ok(Outcome::fail(format!(
            "{key} is not set in /etc/login.defs. {bad}"
        )));
    };
    let ev = Evidence::file("etc/login.defs", Some(s.line), &s.text);
    match s.value.parse::<i64>() {
        Ok(n) if ok(n) => Ok(Outcome::pass(good.to_string()).with(ev)),
        _ => Ok(Outcome::fail(format!("{key} is {}. {bad}", s.value)).with(ev)),
    }
}

fn max_days(h: &Target) -> Checked {
    defs_number(
        h,
        "PASS_MAX_DAYS",
        |n| (1..=365).contains(&n),
        "Passwords expire within a year.",
        "Passwords do not expire within a year.",
    )
}

fn min_days(h: &Target) -> Checked {
    defs_number(
        h,
        "PASS_MIN_DAYS",
        |n| n >= 1,
        "A new password is kept at least a day.",
        "A new password can be changed back at once.",
    )
}

fn warn_age(h: &Target) -> Checked {
    defs_number(
        h,
        "PASS_WARN_AGE",
        |n| n >= 7,
        "People are warned a week before their password expires.",
        "People are warned less than a week ahead.",
    )
}

/// A umask value: the permission bits taken away from new files.
/// Whether a umask keeps new files from the group's changes and from
/// everyone else (027 or stricter); `None` when it is not octal.
pub(crate) fn umask_ok(value: &str) -> Option<bool> {
    let n = u32::from_str_radix(value.trim(), 8).ok()?;
    Some(n & 0o027 == 0o027)
}

fn umask(h: &Target) -> Checked {
    let mut evidence = Vec::new();
    let mut loose = Vec::new();
    if let Some(text) = h.read("etc/login.defs")?
        && let Some(s) = parse::word_setting(&text, "UMASK")
    {
        let ev = Evidence::file("etc/login.defs", Some(s.line), &s.text);
        if umask_ok(&s.value) == Some(false) {
            loose.push(ev);
        } else {
            evidence.push(ev);
        }
    }
    for rel in ["etc/profile", "etc/bash.bashrc"] {
        let Some(text) = h.read(rel)? else { continue };
        for (n, l) in parse::lines(&text) {
            let mut words = l.split_whitespace();
            if words.next() == Some("umask")
                && let Some(v) = words.next()
            {
                let ev = Evidence::file(rel, Some(n), l);
                if umask_ok(v) == Some(false) {
                    loose.push(ev);
                } else {
                    evidence.push(ev);
                }
            }
        }
    }
    if !loose.is_empty() {
        return Ok(Outcome::fail("New files are readable by every account.").with_all(loose));
    }
    if evidence.is_empty() {
        return Ok(Outcome::fail(
            "No default umask is set, so the loose default 022 applies.",
        ));
    }
    Ok(Outcome::pass("New files are private to their owner and group.").with_all(evidence))
}

/// The PAM files where passwords are checked, per family.
const PAM_PASSWORD: &[&str] = &[
    "etc/pam.d/common-password",
    "etc/pam.d/system-auth",
    "etc/pam.d/password-auth",
];
const PAM_AUTH: &[&str] = &[
    "etc/pam.d/common-auth",
    "etc/pam.d/system-auth",
    "etc/pam.d/password-auth",
];

/// Active lines of the PAM files that mention `module`.
fn pam_lines(h: &Target, files: &[&str], module: &str) -> Result<Vec<Evidence>, Outcome> {
    let mut out = Vec::new();
    for rel in files {
        let Some(text) = h.read(rel)? else { continue };
        for (n, l) in parse::lines(&text) {
            if l.contains(module) {
                out.push(Evidence::file(rel, Some(n), l));
            }
        }
    }
    Ok(out)
}

fn password_quality(h: &Target) -> Checked {
    let mut found = pam_lines(h, PAM_PASSWORD, "pam_pwquality.so")?;
    found.extend(pam_lines(h, PAM_PASSWORD, "pam_cracklib.so")?);
    found.extend(pam_lines(h, PAM_PASSWORD, "pam_passwdqc.so")?);
    if found.is_empty() {
        return Ok(Outcome::fail(
            "No password-quality module checks new passwords.",
        ));
    }
    Ok(Outcome::pass("New passwords are checked for quality.").with_all(found))
}

fn nullok(h: &Target) -> Checked {
    let lines: Vec<Evidence> = pam_lines(h, PAM_AUTH, "pam_unix.so")?
        .into_iter()
        .filter(|e| e.text.split_whitespace().any(|w| w == "nullok"))
        .collect();
    if lines.is_empty() {
        return Ok(Outcome::pass("Empty passwords are refused at login."));
    }
    Ok(Outcome::fail("Accounts with an empty password may log in.").with_all(lines))
}

fn lockout(h: &Target) -> Checked {
    let mut found = pam_lines(h, PAM_AUTH, "pam_faillock.so")?;
    found.extend(pam_lines(h, PAM_AUTH, "pam_tally2.so")?);
    if found.is_empty() {
        return Ok(Outcome::fail(
            "Nothing locks an account after repeated failed logins.",
        ));
    }
    Ok(Outcome::pass("Accounts are locked after repeated failed logins.").with_all(found))
}

/// The sudoers files sudo reads: the main file, files it includes
/// (`@include`, or the older `#include`), and the files of included
/// folders (names without '.' and not ending in '~', as sudo skips those).
fn sudoers(h: &Target) -> Result<Vec<(String, String)>, Outcome> {
    let mut files = Vec::new();
    let Some(main) = h.read("etc/sudoers")? else {
        return Ok(files);
    };
    let mut folders = Vec::new();
    let mut included = Vec::new();
    for l in main.lines() {
        let l = l.trim();
        let directive = |name: &str| {
            l.strip_prefix('@')
                .or_else(|| l.strip_prefix('#'))
                .and_then(|rest| rest.strip_prefix(name))
                .filter(|rest| rest.starts_with([' ', '\t']))
                .map(|rest| rest.trim().trim_start_matches('/').to_string())
        };
        if let Some(dir) = directive("includedir") {
            folders.push(dir);
        } else if let Some(file) = directive("include") {
            included.push(file);
        }
    }
    files.push(("etc/sudoers".to_string(), main));
    for rel in included {
        if let Some(text) = h.read(&rel)? {
            files.push((rel, text));
        }
    }
    for folder in folders {
        for name in h.list(&folder)? {
            if name.contains('.') || name.ends_with('~') {
                continue;
            }
            let rel = format!("{folder}/{name}");
            if let Some(text) = h.read(&rel)? {
                files.push((rel, text));
            }
        }
    }
    Ok(files)
}

fn sudo_nopasswd(h: &Target) -> Checked {
    let mut found = Vec::new();
    for (rel, text) in sudoers(h)? {
        for (n, l) in parse::lines(&text) {
            if l.contains("NOPASSWD") && !l.starts_with("Defaults") {
                found.push(Evidence::file(&rel, Some(n), l));
            }
        }
    }
    if found.is_empty() {
        return Ok(Outcome::pass(
            "Everyone must give a password to act as administrator.",
        ));
    }
    Ok(Outcome::fail("Some accounts can act as administrator without a password.").with_all(found))
}

fn sudo_pty(h: &Target) -> Checked {
    for (rel, text) in sudoers(h)? {
        for (n, l) in parse::lines(&text) {
            if l.starts_with("Defaults") && l.contains("use_pty") && !l.contains("!use_pty") {
                return Ok(Outcome::pass("sudo runs commands in their own terminal.")
                    .with(Evidence::file(&rel, Some(n), l)));
            }
        }
    }
    Ok(Outcome::fail(
        "sudo is not told to use its own terminal (use_pty).",
    ))
}

fn su_restricted(h: &Target) -> Checked {
    let text = h.read("etc/pam.d/su")?.unwrap_or_default();
    match parse::find_line(&text, |l| {
        l.contains("pam_wheel.so") && l.starts_with("auth")
    }) {
        Some((n, l)) => Ok(
            Outcome::pass("Only one group may use su.").with(Evidence::file(
                "etc/pam.d/su",
                Some(n),
                l,
            )),
        ),
        None => Ok(Outcome::fail("Every account may try su.")),
    }
}

fn account_evidence(a: &Account) -> Evidence {
    Evidence::file("etc/passwd", Some(a.line), &a.text)
}

fn system_shells(h: &Target) -> Checked {
    let bad: Vec<Evidence> = accounts(h)?
        .iter()
        .filter(|a| a.uid != 0 && !a.is_person() && a.can_log_in())
        .map(account_evidence)
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::pass("No service account has a login shell."));
    }
    Ok(Outcome::fail(format!(
        "{} service account(s) have a login shell.",
        bad.len()
    ))
    .with_all(bad))
}

fn locked_with_shell(h: &Target) -> Checked {
    let list = accounts(h)?;
    let entries = shadow(h)?;
    let bad: Vec<Evidence> = list
        .iter()
        .filter(|a| a.is_person() && a.can_log_in())
        .filter(|a| entries.iter().any(|s| s.name == a.name && s.locked()))
        .map(account_evidence)
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::pass("No locked account keeps a login shell."));
    }
    Ok(Outcome::warning("Some locked accounts still have a login shell.").with_all(bad))
}

fn stale_password(h: &Target) -> Checked {
    let list = accounts(h)?;
    let entries = shadow(h)?;
    let today = h.today();
    let bad: Vec<Evidence> = entries
        .iter()
        .filter(|s| !s.locked() && !s.hash.is_empty())
        .filter(|s| list.iter().any(|a| a.name == s.name && a.is_person()))
        .filter(|s| matches!(s.changed, Some(d) if d > 0 && today - d > 365))
        .map(|s| {
            let days = today - s.changed.unwrap_or(today);
            Evidence::file(
                "etc/shadow",
                Some(s.line),
                &format!("{} (changed {days} days ago)", s.shown()),
            )
        })
        .collect();
    if bad.is_empty() {
        return Ok(Outcome::pass(
            "Every password in use was changed within the last year.",
        ));
    }
    Ok(Outcome::warning("Some passwords are more than a year old.").with_all(bad))
}

fn inactive_lock(h: &Target) -> Checked {
    let text = h.read("etc/default/useradd")?.unwrap_or_default();
    let Some((n, l)) = parse::find_line(&text, |l| l.starts_with("INACTIVE=")) else {
        return Ok(Outcome::fail(
            "Expired accounts are never locked (no INACTIVE setting).",
        ));
    };
    let ev = Evidence::file("etc/default/useradd", Some(n), l);
    match l.trim_start_matches("INACTIVE=").trim().parse::<i64>() {
        Ok(d) if (0..=45).contains(&d) => {
            Ok(Outcome::pass(format!("Expired accounts lock after {d} days.")).with(ev))
        }
        _ => Ok(
            Outcome::fail("Expired accounts are never locked, or only after a long time.").with(ev),
        ),
    }
}
