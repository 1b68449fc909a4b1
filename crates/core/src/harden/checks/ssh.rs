//! The SSH server, judged by its settings as sshd reads them.

use super::{by_rule, modes};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Outcome, Severity};
use crate::harden::sshd::{Directive, Problem, SshdConfig};
use crate::harden::target::Target;

/// The SSH server is installed.
const SSHD: Applies = Applies::needs(&["usr/sbin/sshd", "etc/ssh/sshd_config"]);

pub const CHECKS: &[Check] = &[
    Check {
        id: "ssh.config_sound",
        area: Area::Ssh,
        title: "The SSH server's settings are contradictory or broken",
        why: "An Include loop stops the SSH server from starting. A setting written twice with different values is confusing: sshd uses the first one, which may not be the one you changed.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "",
        lynis: "SSH-7408",
        remediation: "Remove the Include loop or the repeated setting, then check with sshd -t.",
        run: config_sound,
    },
    Check {
        id: "ssh.root_login",
        area: Area::Ssh,
        title: "Root can log in over SSH",
        why: "Root is the one account name every attacker knows. Logging in as yourself and then using sudo leaves a record of who did what.",
        severity: Severity::High,
        applies: SSHD,
        cis: "5.1.20",
        lynis: "SSH-7408",
        remediation: "Set PermitRootLogin no in /etc/ssh/sshd_config (after making sure another administrator account can log in).",
        run: root_login,
    },
    Check {
        id: "ssh.password_auth",
        area: Area::Ssh,
        title: "SSH accepts passwords",
        why: "Computers reachable over SSH receive password guesses all day. Keys cannot be guessed.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "",
        lynis: "SSH-7408",
        remediation: "Set up SSH keys for everyone who logs in, then set PasswordAuthentication no.",
        run: password_auth,
    },
    Check {
        id: "ssh.empty_passwords",
        area: Area::Ssh,
        title: "SSH lets accounts without a password log in",
        why: "With PermitEmptyPasswords on, any account without a password is open to the whole network.",
        severity: Severity::Critical,
        applies: SSHD,
        cis: "5.1.19",
        lynis: "SSH-7408",
        remediation: "Set PermitEmptyPasswords no in /etc/ssh/sshd_config.",
        run: empty_passwords,
    },
    Check {
        id: "ssh.x11_forwarding",
        area: Area::Ssh,
        title: "SSH passes graphical programs through",
        why: "X11 forwarding lets a hacked server watch the keyboard and screen of the person connecting. Few people need it.",
        severity: Severity::Low,
        applies: SSHD,
        cis: "5.1.8",
        lynis: "SSH-7408",
        remediation: "Set X11Forwarding no in /etc/ssh/sshd_config.",
        run: x11_forwarding,
    },
    Check {
        id: "ssh.max_auth_tries",
        area: Area::Ssh,
        title: "SSH allows many password tries per connection",
        why: "Each connection may try several passwords. Fewer tries slow down guessing and make it show in the logs.",
        severity: Severity::Low,
        applies: SSHD,
        cis: "5.1.16",
        lynis: "SSH-7408",
        remediation: "Set MaxAuthTries 4 in /etc/ssh/sshd_config.",
        run: max_auth_tries,
    },
    Check {
        id: "ssh.ciphers",
        area: Area::Ssh,
        title: "SSH allows weak encryption",
        why: "Old ciphers (CBC modes, 3DES, RC4) have known weaknesses that can expose parts of a session.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.6",
        lynis: "SSH-7408",
        remediation: "Remove the weak ciphers from the Ciphers line, or delete the line to use OpenSSH's safe defaults.",
        run: ciphers,
    },
    Check {
        id: "ssh.macs",
        area: Area::Ssh,
        title: "SSH allows weak integrity checks",
        why: "MD5- and SHA-1-based message checks, and shortened ones, are weaker protection against tampering with a session.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.15",
        lynis: "SSH-7408",
        remediation: "Remove the weak entries from the MACs line, or delete the line to use OpenSSH's safe defaults.",
        run: macs,
    },
    Check {
        id: "ssh.kex",
        area: Area::Ssh,
        title: "SSH allows weak key exchange",
        why: "Key exchange with SHA-1 or small Diffie-Hellman groups can be broken by a well-funded attacker and later decrypt recorded sessions.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.12",
        lynis: "SSH-7408",
        remediation: "Remove the weak entries from the KexAlgorithms line, or delete the line to use OpenSSH's safe defaults.",
        run: kex,
    },
    Check {
        id: "ssh.hostbased",
        area: Area::Ssh,
        title: "SSH trusts other computers instead of people",
        why: "Host-based login lets anyone on a trusted computer in without their own password or key.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.10",
        lynis: "SSH-7408",
        remediation: "Set HostbasedAuthentication no in /etc/ssh/sshd_config.",
        run: hostbased,
    },
    Check {
        id: "ssh.ignore_rhosts",
        area: Area::Ssh,
        title: "SSH reads old .rhosts trust files",
        why: ".rhosts files let users open their account to other computers without a password.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.11",
        lynis: "SSH-7408",
        remediation: "Set IgnoreRhosts yes in /etc/ssh/sshd_config.",
        run: ignore_rhosts,
    },
    Check {
        id: "ssh.user_environment",
        area: Area::Ssh,
        title: "SSH lets users change the server's environment",
        why: "PermitUserEnvironment can let a user slip settings past restrictions, such as a forced command.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.21",
        lynis: "SSH-7408",
        remediation: "Set PermitUserEnvironment no in /etc/ssh/sshd_config.",
        run: user_environment,
    },
    Check {
        id: "ssh.login_grace",
        area: Area::Ssh,
        title: "SSH waits long for a login",
        why: "A long login window lets attackers hold many half-open connections and crowd out real users.",
        severity: Severity::Low,
        applies: SSHD,
        cis: "5.1.13",
        lynis: "SSH-7408",
        remediation: "Set LoginGraceTime 60 in /etc/ssh/sshd_config.",
        run: login_grace,
    },
    Check {
        id: "ssh.log_level",
        area: Area::Ssh,
        title: "SSH logins are not logged",
        why: "Without login records you cannot tell who got in, or that someone is trying.",
        severity: Severity::Low,
        applies: SSHD,
        cis: "5.1.14",
        lynis: "SSH-7408",
        remediation: "Set LogLevel INFO (or VERBOSE) in /etc/ssh/sshd_config.",
        run: log_level,
    },
    Check {
        id: "ssh.config_permissions",
        area: Area::Ssh,
        title: "Other users can read or change the SSH server's settings",
        why: "Whoever can change sshd_config decides who may log in. Reading it tells an attacker how the server is set up.",
        severity: Severity::Medium,
        applies: SSHD,
        cis: "5.1.1",
        lynis: "",
        remediation: "chown root:root /etc/ssh/sshd_config && chmod 600 /etc/ssh/sshd_config",
        run: config_permissions,
    },
    Check {
        id: "ssh.host_keys",
        area: Area::Ssh,
        title: "The server's secret SSH keys can be read by others",
        why: "Anyone holding a copy of a host's private key can impersonate the server and read the passwords people type into it.",
        severity: Severity::High,
        applies: SSHD,
        cis: "5.1.2",
        lynis: "",
        remediation: "chmod 600 /etc/ssh/ssh_host_*_key (owner root).",
        run: host_keys,
    },
];

/// The loaded configuration, or the outcome that ends the check.
fn config(h: &Target) -> Result<SshdConfig, Outcome> {
    match SshdConfig::load(h)? {
        Some(c) => Ok(c),
        None => Err(Outcome::not_applicable(
            "There is no SSH server configuration file.",
        )),
    }
}

/// The configuration, refusing a verdict when sshd would not start.
fn sound_config(h: &Target) -> Result<SshdConfig, Outcome> {
    let c = config(h)?;
    let broken: Vec<Evidence> = c
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::IncludeLoop(e) | Problem::TooDeep(e) => Some(e.clone()),
            Problem::MissingInclude(_) => None,
        })
        .collect();
    if broken.is_empty() {
        Ok(c)
    } else {
        Err(Outcome::error(
            "The SSH server's settings include themselves in a loop, so sshd would refuse to start.",
        )
        .with_all(broken))
    }
}

fn config_sound(h: &Target) -> Checked {
    let c = config(h)?;
    let mut evidence = Vec::new();
    let mut loops = false;
    for p in &c.problems {
        match p {
            Problem::IncludeLoop(e) | Problem::TooDeep(e) => {
                loops = true;
                evidence.push(e.clone());
            }
            Problem::MissingInclude(e) => evidence.push(e.clone()),
        }
    }
    if loops {
        return Ok(Outcome::fail(
            "The settings include themselves in a loop; sshd would not start.",
        )
        .with_all(evidence));
    }
    let dups = c.ignored_duplicates();
    for (first, later) in &dups {
        evidence.push(first.evidence());
        evidence.push(later.evidence());
    }
    if evidence.is_empty() {
        return Ok(Outcome::pass(
            "Every setting is written once and every included file exists.",
        ));
    }
    Ok(Outcome::warning(
        "Some settings are written more than once (sshd uses the first) or name missing files.",
    )
    .with_all(evidence))
}

/// The global value of `keyword` (or its default), with every Match block
/// that sets it too. Returns (value, evidence of global line, match lines).
fn setting<'a>(c: &'a SshdConfig, keyword: &'a str) -> (Option<&'a Directive>, Vec<&'a Directive>) {
    (c.global(keyword), c.in_matches(keyword).collect())
}

/// A yes/no style setting judged by `bad` values; `default` when unset.
fn judge(
    h: &Target,
    keyword: &str,
    default: &str,
    bad: fn(&str) -> bool,
    good_text: &str,
    bad_text: &str,
) -> Checked {
    let c = sound_config(h)?;
    let (global, matches) = setting(&c, keyword);
    let value = global.map(|d| d.value.as_str()).unwrap_or(default);
    let mut evidence: Vec<Evidence> = global.map(|d| d.evidence()).into_iter().collect();
    if bad(&value.to_ascii_lowercase()) {
        let detail = match global {
            Some(_) => format!("{bad_text} ({keyword} {value})."),
            None => format!("{bad_text} ({keyword} is not set; the default is {default})."),
        };
        return Ok(Outcome::fail(detail).with_all(evidence));
    }
    let risky: Vec<Evidence> = matches
        .iter()
        .filter(|d| bad(&d.value.to_ascii_lowercase()))
        .map(|d| d.evidence())
        .collect();
    if !risky.is_empty() {
        evidence.extend(risky);
        return Ok(
            Outcome::warning(format!("{bad_text} for some connections (a Match block)."))
                .with_all(evidence),
        );
    }
    Ok(Outcome::pass(good_text.to_string()).with_all(evidence))
}

fn root_login(h: &Target) -> Checked {
    let c = sound_config(h)?;
    let (global, _) = setting(&c, "permitrootlogin");
    let value = global
        .map(|d| d.value.to_ascii_lowercase())
        .unwrap_or_else(|| "prohibit-password".into());
    let ev: Vec<Evidence> = global.map(|d| d.evidence()).into_iter().collect();
    match value.as_str() {
        "no" => judge(
            h,
            "permitrootlogin",
            "prohibit-password",
            |v| v != "no",
            "Root cannot log in over SSH.",
            "Root can log in over SSH",
        ),
        "prohibit-password" | "without-password" | "forced-commands-only" => Ok(Outcome::warning(
            "Root can log in over SSH with a key (not with a password).",
        )
        .with_all(ev)),
        _ => Ok(Outcome::fail("Root can log in over SSH with a password.").with_all(ev)),
    }
}

fn password_auth(h: &Target) -> Checked {
    judge(
        h,
        "passwordauthentication",
        "yes",
        |v| v != "no",
        "SSH accepts keys only.",
        "SSH accepts passwords",
    )
}

fn empty_passwords(h: &Target) -> Checked {
    judge(
        h,
        "permitemptypasswords",
        "no",
        |v| v == "yes",
        "SSH refuses accounts without a password.",
        "SSH lets accounts without a password in",
    )
}

fn x11_forwarding(h: &Target) -> Checked {
    judge(
        h,
        "x11forwarding",
        "no",
        |v| v == "yes",
        "Graphical programs are not passed through SSH.",
        "Graphical programs are passed through SSH",
    )
}

fn max_auth_tries(h: &Target) -> Checked {
    judge(
        h,
        "maxauthtries",
        "6",
        |v| v.parse::<u32>().map_or(true, |n| n > 4),
        "SSH allows at most 4 tries per connection.",
        "SSH allows more than 4 tries per connection",
    )
}

fn hostbased(h: &Target) -> Checked {
    judge(
        h,
        "hostbasedauthentication",
        "no",
        |v| v == "yes",
        "SSH does not trust whole computers.",
        "SSH trusts whole computers",
    )
}

fn ignore_rhosts(h: &Target) -> Checked {
    judge(
        h,
        "ignorerhosts",
        "yes",
        |v| v == "no",
        ".rhosts files are ignored.",
        ".rhosts files are read",
    )
}

fn user_environment(h: &Target) -> Checked {
    judge(
        h,
        "permituserenvironment",
        "no",
        |v| v != "no",
        "Users cannot change the server's environment.",
        "Users can change the server's environment",
    )
}

fn login_grace(h: &Target) -> Checked {
    judge(
        h,
        "logingracetime",
        "120",
        |v| seconds(v).is_none_or(|s| s == 0 || s > 60),
        "SSH waits at most a minute for a login.",
        "SSH waits more than a minute for a login",
    )
}

/// sshd time values: "90", "2m", "1m30s".
fn seconds(v: &str) -> Option<u64> {
    let mut total = 0;
    let mut num = String::new();
    for c in v.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        total += n * match c {
            's' | 'S' => 1,
            'm' | 'M' => 60,
            'h' | 'H' => 3600,
            'd' | 'D' => 86400,
            'w' | 'W' => 604800,
            _ => return None,
        };
    }
    if !num.is_empty() {
        total += num.parse::<u64>().ok()?;
    }
    Some(total)
}

fn log_level(h: &Target) -> Checked {
    judge(
        h,
        "loglevel",
        "INFO",
        |v| matches!(v, "quiet" | "fatal" | "error"),
        "SSH logins are logged.",
        "SSH logins are not logged",
    )
}

/// Weak algorithms, by list keyword (lower case: "ciphers", "macs",
/// "kexalgorithms").
pub(crate) fn weak(keyword: &str, name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    match keyword {
        "ciphers" => {
            n.ends_with("-cbc")
                || n.contains("arcfour")
                || n.contains("3des")
                || n.contains("lysator")
        }
        "macs" => {
            n.contains("md5")
                || n.contains("-96")
                || n.contains("ripemd")
                || n.starts_with("umac-64")
                || n.starts_with("hmac-sha1")
        }
        _ => {
            n.ends_with("-sha1")
                || n.contains("group1-")
                || n.contains("sha1-")
                || n.contains("group-exchange-sha1")
        }
    }
}

/// Ciphers, MACs and key exchange lists: "-x" only removes from the safe
/// defaults; a plain list or "+x"/"^x" adds what it names.
fn algorithms(h: &Target, keyword: &str, what: &str) -> Checked {
    let c = sound_config(h)?;
    let (global, matches) = setting(&c, keyword);
    let mut lines: Vec<&Directive> = global.into_iter().collect();
    lines.extend(matches);
    if lines.is_empty() {
        return Ok(Outcome::pass(format!(
            "SSH uses OpenSSH's default {what}, which are safe."
        )));
    }
    let mut bad_names = Vec::new();
    let mut evidence = Vec::new();
    for d in lines {
        evidence.push(d.evidence());
        if d.value.starts_with('-') {
            continue;
        }
        let list = d.value.trim_start_matches(['+', '^']);
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if weak(keyword, name) && !bad_names.contains(&name.to_string()) {
                bad_names.push(name.to_string());
            }
        }
    }
    if bad_names.is_empty() {
        return Ok(Outcome::pass(format!("Only strong {what} are allowed.")).with_all(evidence));
    }
    Ok(Outcome::fail(format!(
        "Weak {what} are allowed: {}.",
        bad_names.join(", ")
    ))
    .with_all(evidence))
}

fn ciphers(h: &Target) -> Checked {
    algorithms(h, "ciphers", "ciphers")
}

fn macs(h: &Target) -> Checked {
    algorithms(h, "macs", "integrity checks (MACs)")
}

fn kex(h: &Target) -> Checked {
    algorithms(h, "kexalgorithms", "key exchange methods")
}

fn config_permissions(h: &Target) -> Checked {
    by_rule(h, "ssh.config_permissions")
}

fn host_keys(h: &Target) -> Checked {
    let keys: Vec<String> = h
        .list("etc/ssh")?
        .into_iter()
        .filter(|n| n.starts_with("ssh_host_") && n.ends_with("_key"))
        .map(|n| format!("etc/ssh/{n}"))
        .collect();
    if keys.is_empty() {
        return Ok(Outcome::not_applicable(
            "This computer has no SSH host keys yet.",
        ));
    }
    let rels: Vec<&str> = keys.iter().map(String::as_str).collect();
    // Some systems let the ssh_keys group read host keys (mode 0640).
    let mut out = modes(h, &rels, 0o037, &[0])?;
    if out.status == crate::harden::check::Status::Pass {
        out.detail = "Only root can read the server's secret keys.".into();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sshd_times_read_like_sshd() {
        assert_eq!(seconds("90"), Some(90));
        assert_eq!(seconds("2m"), Some(120));
        assert_eq!(seconds("1m30s"), Some(90));
        assert_eq!(seconds("x"), None);
    }

    #[test]
    fn weak_algorithms_are_named() {
        assert!(weak("ciphers", "aes128-cbc"));
        assert!(!weak("ciphers", "chacha20-poly1305@openssh.com"));
        assert!(weak("macs", "hmac-sha1"));
        assert!(!weak("macs", "hmac-sha2-256-etm@openssh.com"));
        assert!(weak("kexalgorithms", "diffie-hellman-group14-sha1"));
        assert!(!weak("kexalgorithms", "curve25519-sha256"));
    }
}
