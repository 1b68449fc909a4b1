//! The fixes Shipshape can make, declared as data by check id. A check
//! without an entry here has remediation text only: it is fixed by hand.

use super::auto_updates;
use super::edit::{self, Edit};
use super::layered::{self, AddTo, Setting};
use super::ufw::{self, Goal};
use crate::harden::check::Status;
use crate::harden::checks::{
    self, PERMISSION_RULES, PermissionRule, SYSCTL_RULES, Want, names_system, umask_ok,
    weak_algorithm,
};
use crate::harden::sshd::{self, SshdConfig};
use crate::harden::target::Target;
use crate::{Error, ErrorCode, Result};
use std::collections::BTreeMap;

/// How a check is fixed.
#[derive(Debug)]
pub enum Remedy {
    /// An SSH server setting, everywhere sshd would read it.
    Sshd {
        keyword: &'static str,
        value: &'static str,
    },
    /// An SSH server algorithm list (Ciphers, MACs, KexAlgorithms) with
    /// its weak entries taken out, everywhere sshd would read it.
    SshdAlgorithms { keyword: &'static str },
    /// A "KEY value" line (login.defs).
    Word {
        file: &'static str,
        key: &'static str,
        value: &'static str,
    },
    /// A "KEY=value" line (/etc/default files).
    Assignment {
        file: &'static str,
        key: &'static str,
        value: &'static str,
    },
    /// Kernel settings, by the check's row of `checks::SYSCTL_RULES`:
    /// live, and in /etc/sysctl.d so they last.
    Sysctl,
    /// Owner, group and mode of files, per the check's own rule.
    Permissions,
    /// Services switched off: their boot-time links removed and, on this
    /// computer, stopped.
    Services(&'static [&'static str]),
    /// A login message that names the system: the lines that do are taken
    /// out, and a message left empty gets `notice`, if any.
    Banner {
        file: &'static str,
        notice: Option<&'static str>,
    },
    /// The ufw firewall brought to a goal, with SSH kept open.
    Firewall(Goal),
    /// unattended-upgrades switched on (Debian and Ubuntu).
    AutomaticUpdates,
    /// New files private to their owner and group (umask 027), in
    /// login.defs and the shell's profile files.
    Umask,
    /// No memory dumps: a hard core limit of 0 for everyone, and
    /// systemd-coredump (where installed) storing none.
    CoreDumps,
}

/// What a login prompt says instead of the system's name and version.
const NOTICE: &str = "Authorised use only. Activity on this computer may be monitored.";

/// Where kernel settings made by fixes are kept.
pub const SYSCTL_FILE: &str = "etc/sysctl.d/60-shipshape.conf";
const LOGIN_DEFS: &str = "etc/login.defs";

const fn sshd(keyword: &'static str, value: &'static str) -> Remedy {
    Remedy::Sshd { keyword, value }
}

const fn defs(key: &'static str, value: &'static str) -> Remedy {
    Remedy::Word {
        file: LOGIN_DEFS,
        key,
        value,
    }
}

pub const REMEDIES: &[(&str, Remedy)] = &[
    ("ssh.root_login", sshd("PermitRootLogin", "no")),
    ("ssh.password_auth", sshd("PasswordAuthentication", "no")),
    ("ssh.empty_passwords", sshd("PermitEmptyPasswords", "no")),
    ("ssh.x11_forwarding", sshd("X11Forwarding", "no")),
    ("ssh.max_auth_tries", sshd("MaxAuthTries", "4")),
    ("ssh.hostbased", sshd("HostbasedAuthentication", "no")),
    ("ssh.ignore_rhosts", sshd("IgnoreRhosts", "yes")),
    ("ssh.user_environment", sshd("PermitUserEnvironment", "no")),
    ("ssh.login_grace", sshd("LoginGraceTime", "60")),
    ("ssh.log_level", sshd("LogLevel", "INFO")),
    ("ssh.config_permissions", Remedy::Permissions),
    ("ssh.ciphers", Remedy::SshdAlgorithms { keyword: "Ciphers" }),
    ("ssh.macs", Remedy::SshdAlgorithms { keyword: "MACs" }),
    (
        "ssh.kex",
        Remedy::SshdAlgorithms {
            keyword: "KexAlgorithms",
        },
    ),
    ("accounts.hashing", defs("ENCRYPT_METHOD", "YESCRYPT")),
    (
        "accounts.hashing_rounds",
        defs("SHA_CRYPT_MIN_ROUNDS", "5000"),
    ),
    ("accounts.max_days", defs("PASS_MAX_DAYS", "365")),
    ("accounts.min_days", defs("PASS_MIN_DAYS", "1")),
    ("accounts.warn_age", defs("PASS_WARN_AGE", "7")),
    (
        "accounts.inactive_lock",
        Remedy::Assignment {
            file: "etc/default/useradd",
            key: "INACTIVE",
            value: "45",
        },
    ),
    ("files.passwd", Remedy::Permissions),
    ("files.group", Remedy::Permissions),
    ("files.shadow", Remedy::Permissions),
    ("files.gshadow", Remedy::Permissions),
    ("files.crontab", Remedy::Permissions),
    ("files.cron_folders", Remedy::Permissions),
    ("banners.permissions", Remedy::Permissions),
    (
        "banners.issue",
        Remedy::Banner {
            file: "etc/issue",
            notice: Some(NOTICE),
        },
    ),
    (
        "banners.issue_net",
        Remedy::Banner {
            file: "etc/issue.net",
            notice: Some(NOTICE),
        },
    ),
    (
        "banners.motd",
        Remedy::Banner {
            file: "etc/motd",
            notice: None,
        },
    ),
    ("firewall.active", Remedy::Firewall(Goal::DenyIncoming)),
    (
        "firewall.default_deny",
        Remedy::Firewall(Goal::DenyIncoming),
    ),
    ("firewall.ufw_ipv6", Remedy::Firewall(Goal::Ipv6)),
    ("updates.automatic", Remedy::AutomaticUpdates),
    ("accounts.umask", Remedy::Umask),
    ("kernel.core_dumps", Remedy::CoreDumps),
    (
        "services.ftp",
        Remedy::Services(&["vsftpd.service", "proftpd.service", "pure-ftpd.service"]),
    ),
    (
        "services.rsh",
        Remedy::Services(&["rsh.socket", "rlogin.socket", "rexec.socket"]),
    ),
    (
        "services.tftp",
        Remedy::Services(&["tftpd-hpa.service", "tftp.socket", "tftp.service"]),
    ),
    (
        "services.avahi",
        Remedy::Services(&["avahi-daemon.socket", "avahi-daemon.service"]),
    ),
    (
        "services.rpcbind",
        Remedy::Services(&["rpcbind.socket", "rpcbind.service"]),
    ),
    (
        "services.nfs",
        Remedy::Services(&["nfs-server.service", "nfs-kernel-server.service"]),
    ),
];

/// Every check with a kernel-settings rule is fixed by that rule.
static SYSCTL: Remedy = Remedy::Sysctl;

pub fn find(check_id: &str) -> Option<&'static Remedy> {
    REMEDIES
        .iter()
        .find(|(id, _)| *id == check_id)
        .map(|(_, r)| r)
        .or_else(|| {
            SYSCTL_RULES
                .iter()
                .any(|r| r.check == check_id)
                .then_some(&SYSCTL)
        })
}

/// The check ids Shipshape can fix.
pub fn fixable_ids() -> Vec<&'static str> {
    REMEDIES
        .iter()
        .map(|(id, _)| *id)
        .chain(SYSCTL_RULES.iter().map(|r| r.check))
        .collect()
}

fn permission_rule(check_id: &str) -> Result<&'static PermissionRule> {
    PERMISSION_RULES
        .iter()
        .find(|r| r.check == check_id)
        .ok_or_else(|| Error::internal(format!("No permission rule for {check_id}.")))
}

impl Remedy {
    /// What to tell the user before applying.
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Remedy::Sshd { .. } => Some(
                "On Debian and Ubuntu a running SSH server is reloaded, which checks the settings first; connections already open are not affected. Elsewhere, reload it yourself (systemctl reload sshd).",
            ),
            Remedy::SshdAlgorithms { .. } => Some(
                "On Debian and Ubuntu a running SSH server is reloaded, which checks the settings first. SSH programs from before about 2015 that know only the weak methods will no longer connect.",
            ),
            Remedy::Word { .. } | Remedy::Assignment { .. } => Some(
                "This applies to passwords and accounts from now on; existing ones keep their settings until they change.",
            ),
            Remedy::Sysctl => {
                Some("The kernel uses the new setting at once, and again after every restart.")
            }
            Remedy::Permissions => None,
            Remedy::Services(_) => Some(
                "Undo starts the service again and lets it start with the computer, as before.",
            ),
            Remedy::Umask => Some(
                "New files and folders are private to their owner and group from the next login on; files that exist keep their permissions.",
            ),
            Remedy::CoreDumps => {
                Some("From the next login on, a crashing program leaves no memory dump behind.")
            }
            Remedy::AutomaticUpdates => Some(
                "apt then fetches the package lists and installs security updates once a day, by itself.",
            ),
            Remedy::Banner { .. } => Some(
                "Only the paragraphs that name the system or its version are taken out; the rest of the message stays.",
            ),
            Remedy::Firewall(_) => Some(
                "Connections from the network to other programs on this computer are refused unless a firewall rule allows them (sudo ufw allow PORT). Connections already open stay open.",
            ),
        }
    }

    /// The edits that fix `check_id` on `host`, from what is there now.
    pub fn plan(&self, host: &Target, check_id: &str) -> Result<Vec<Edit>> {
        match self {
            Remedy::Sshd { keyword, value } => {
                with_sshd_reload(host, sshd_edits(host, keyword, value)?)
            }
            Remedy::SshdAlgorithms { keyword } => {
                with_sshd_reload(host, sshd_algorithm_edits(host, keyword)?)
            }
            Remedy::Word { file, key, value } => {
                Ok(Edit::text(host, file, |t| edit::set_word(t, key, value))?
                    .into_iter()
                    .collect())
            }
            Remedy::Assignment { file, key, value } => {
                Ok(
                    Edit::text(host, file, |t| edit::set_assignment(t, key, value))?
                        .into_iter()
                        .collect(),
                )
            }
            Remedy::Sysctl => {
                let rule = SYSCTL_RULES
                    .iter()
                    .find(|r| r.check == check_id)
                    .ok_or_else(|| Error::internal(format!("No kernel rule for {check_id}.")))?;
                sysctl_edits(host, rule.settings)
            }
            Remedy::Services(units) => service_edits(host, units),
            Remedy::Firewall(goal) => ufw::edits(host, *goal),
            Remedy::AutomaticUpdates => auto_updates::edits(host),
            Remedy::Umask => layered::edits(
                host,
                &UMASK_FILES.map(str::to_string),
                UMASK,
                AddTo {
                    file: LOGIN_DEFS,
                    header: "",
                },
            ),
            Remedy::CoreDumps => core_dump_edits(host),
            Remedy::Banner { file, notice } => Ok(Edit::text(host, file, |text| {
                without_system_name(text, |l| names_system(host, l), *notice)
            })?
            .into_iter()
            .collect()),
            Remedy::Permissions => {
                let rule = permission_rule(check_id)?;
                let groups = (rule.groups)(host);
                let mut edits = Vec::new();
                for rel in (rule.paths)(host) {
                    let Some(meta) = host.meta(&rel).map_err(|o| {
                        Error::invalid_input(o.detail, "Check the file, then try again.")
                    })?
                    else {
                        continue;
                    };
                    use std::os::unix::fs::MetadataExt;
                    let gid = if groups.contains(&meta.gid()) {
                        meta.gid()
                    } else {
                        *groups.last().unwrap_or(&0)
                    };
                    let mode = meta.mode() & 0o7777 & !rule.forbidden;
                    edits.extend(Edit::permissions(host, &rel, mode, 0, gid)?);
                }
                Ok(edits)
            }
        }
    }
}

/// A login message without the paragraphs that name the system (a line
/// alone would leave half a sentence), or `notice` when nothing is left.
fn without_system_name(text: &str, names: impl Fn(&str) -> bool, notice: Option<&str>) -> String {
    let mut kept = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if !line.trim().is_empty() {
            paragraph.push(line);
            continue;
        }
        if !paragraph.is_empty() && !paragraph.iter().any(|l| names(l)) {
            kept.push(paragraph.join("\n"));
        }
        paragraph.clear();
    }
    match (kept.is_empty(), notice) {
        (true, Some(n)) => format!("{n}\n"),
        (true, None) => String::new(),
        (false, _) => format!("{}\n", kept.join("\n\n")),
    }
}

/// Where a default umask is set: login.defs (for pam_umask) and the
/// shell's profile files.
const UMASK_FILES: [&str; 3] = [LOGIN_DEFS, "etc/profile", "etc/bash.bashrc"];

const UMASK: &[Setting] = &[
    Setting {
        sets: |l| l.split_whitespace().next() == Some("UMASK"),
        safe: |l| l.split_whitespace().nth(1).and_then(umask_ok) == Some(true),
        line: "UMASK\t027",
        add: true,
    },
    Setting {
        sets: |l| {
            l.split_whitespace().next() == Some("umask") && l.split_whitespace().nth(1).is_some()
        },
        safe: |l| l.split_whitespace().nth(1).and_then(umask_ok) == Some(true),
        line: "umask 027",
        add: false,
    },
];

const HARD_CORE_ZERO: &[Setting] = &[Setting {
    sets: |l| l.split_whitespace().take(3).eq(["*", "hard", "core"]),
    safe: |l| l.split_whitespace().nth(3) == Some("0"),
    line: "*\thard\tcore\t0",
    add: true,
}];

const STORAGE_NONE: &[Setting] = &[Setting {
    sets: |l| {
        l.split_once('=')
            .is_some_and(|(k, _)| k.trim() == "Storage")
    },
    safe: |l| l.split_once('=').is_some_and(|(_, v)| v.trim() == "none"),
    line: "Storage=none",
    add: true,
}];

/// The files that set a layered setting, as its check reads them; a folder
/// only root may list sends the preview to the administrator.
fn dropin_files(host: &Target, main: &str, folder: &str) -> Result<Vec<String>> {
    checks::dropin_files(host, main, folder).map_err(|o| {
        let code = if o.status == Status::NeedsAdmin {
            ErrorCode::NeedsAdmin
        } else {
            ErrorCode::Io
        };
        Error::new(
            code,
            o.detail,
            "Run the fix as an administrator, or check the folder, then try again.",
        )
    })
}

fn core_dump_edits(host: &Target) -> Result<Vec<Edit>> {
    let limits = dropin_files(host, "etc/security/limits.conf", "etc/security/limits.d")?;
    let mut edits = layered::edits(
        host,
        &limits,
        HARD_CORE_ZERO,
        AddTo {
            file: "etc/security/limits.d/60-shipshape.conf",
            header: "# Limits set by Shipshape's security fixes.\n",
        },
    )?;
    let stored = host.exists("usr/lib/systemd/systemd-coredump")
        || host.exists("lib/systemd/systemd-coredump");
    if stored {
        let files = dropin_files(
            host,
            "etc/systemd/coredump.conf",
            "etc/systemd/coredump.conf.d",
        )?;
        edits.extend(layered::edits(
            host,
            &files,
            STORAGE_NONE,
            AddTo {
                file: "etc/systemd/coredump.conf.d/60-shipshape.conf",
                header: "[Coredump]\n",
            },
        )?);
    }
    Ok(edits)
}

/// The SSH server's unit on Debian and Ubuntu, whose reload runs `sshd -t`
/// before it signals the server: settings sshd would refuse fail the
/// reload and leave the server running as it was. Fedora's sshd.service
/// only signals, and a server given broken settings would stop, so it is
/// left to the administrator there.
const SSH_UNIT: &str = "ssh.service";

/// `edits`, then, on this computer with the SSH server running, a reload
/// so it uses them: connections already open stay, and a reload that
/// fails turns the change back.
fn with_sshd_reload(host: &Target, mut edits: Vec<Edit>) -> Result<Vec<Edit>> {
    if host.is_live() && !edits.is_empty() && super::service::running(SSH_UNIT)? {
        edits.push(Edit::Restart {
            unit: SSH_UNIT.to_string(),
            why: "so the SSH server uses the new settings",
            reload: true,
        });
    }
    Ok(edits)
}

fn sshd_config(host: &Target) -> Result<SshdConfig> {
    SshdConfig::load(host)
        .map_err(|o| {
            Error::invalid_input(o.detail, "Fix the SSH server's settings by hand first.")
        })?
        .ok_or_else(|| {
            Error::invalid_input(
                "The SSH server's settings file was not found.",
                "Install the SSH server, or run the scan again.",
            )
        })
}

/// The line an algorithm list becomes without its weak entries: the same
/// keyword and prefix ("+" adds to, "^" puts before OpenSSH's defaults)
/// with the strong entries left, or a comment when none is left, so
/// OpenSSH's safe defaults apply. `None` when nothing is weak.
fn without_weak(written: &str, lower: &str, value: &str) -> Option<String> {
    if value.starts_with('-') {
        return None;
    }
    let (prefix, list) = match value.chars().next() {
        Some(c @ ('+' | '^')) => (c.to_string(), &value[1..]),
        _ => (String::new(), value),
    };
    let names: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let strong: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !weak_algorithm(lower, n))
        .collect();
    if strong.len() == names.len() {
        return None;
    }
    Some(if strong.is_empty() {
        format!("# {written} {value} was here; OpenSSH's safe defaults apply instead.")
    } else {
        format!("{written} {prefix}{}", strong.join(","))
    })
}

fn sshd_algorithm_edits(host: &Target, keyword: &str) -> Result<Vec<Edit>> {
    let config = sshd_config(host)?;
    let lower = keyword.to_ascii_lowercase();
    let mut lines: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    // Every global line, not only the one in effect: commenting that one
    // out would bring the next into force.
    for d in config.globals(&lower).chain(config.in_matches(&lower)) {
        let written = d.text.split([' ', '\t', '=']).next().unwrap_or(keyword);
        if let Some(line) = without_weak(written, &lower, &d.value) {
            lines
                .entry(d.file.clone())
                .or_default()
                .push((d.line, line));
        }
    }
    let mut edits = Vec::new();
    for (file, changes) in lines {
        edits.extend(Edit::text(host, &file, |text| {
            changes.iter().fold(text.to_string(), |t, (n, line)| {
                edit::replace_line(&t, *n, line)
            })
        })?);
    }
    Ok(edits)
}

fn sshd_edits(host: &Target, keyword: &str, value: &str) -> Result<Vec<Edit>> {
    let config = sshd_config(host)?;
    let lower = keyword.to_ascii_lowercase();
    let line = format!("{keyword} {value}");
    let global = config.global(&lower);
    // Lines to rewrite, by file: the global one in effect, and those in
    // Match blocks that would override it for some connections.
    let mut lines: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for d in global.into_iter().chain(config.in_matches(&lower)) {
        if !d.value.eq_ignore_ascii_case(value) {
            lines.entry(d.file.clone()).or_default().push(d.line);
        }
    }
    let main = sshd::MAIN;
    if global.is_none() {
        lines.entry(main.to_string()).or_default();
    }
    let mut edits = Vec::new();
    for (file, numbers) in lines {
        let add_global = global.is_none() && file == main;
        let changed = Edit::text(host, &file, |text| {
            let mut t = numbers
                .iter()
                .fold(text.to_string(), |t, n| edit::replace_line(&t, *n, &line));
            if add_global {
                t = edit::add_sshd_global(&t, &line);
            }
            t
        })?;
        edits.extend(changed);
    }
    Ok(edits)
}

/// Where systemd keeps the links that start services at boot.
const UNIT_LINKS: &str = "etc/systemd/system";

pub(super) fn service_edits(host: &Target, units: &[&str]) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    if host.is_live() {
        for unit in units {
            if super::service::running(unit)? {
                edits.push(Edit::Stop {
                    unit: unit.to_string(),
                });
            }
        }
    }
    let folders = host.list(UNIT_LINKS).unwrap_or_default();
    for folder in folders
        .iter()
        .filter(|f| f.ends_with(".wants") || f.ends_with(".requires"))
    {
        for unit in units {
            let rel = format!("{UNIT_LINKS}/{folder}/{unit}");
            if let Some(target) = super::write::read_link(&host.root().join(&rel))? {
                edits.push(Edit::Unlink {
                    rel,
                    unit: unit.to_string(),
                    target,
                });
            }
        }
    }
    Ok(edits)
}

fn sysctl_edits(host: &Target, settings: &[(&str, Want, i64)]) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    let mut kept = Vec::new();
    for (key, _, value) in settings {
        let rel = format!("proc/sys/{key}");
        if !host.root().join(&rel).exists() {
            continue;
        }
        kept.push((key.replace('/', "."), *value));
        edits.extend(Edit::kernel(host, &rel, *value)?);
    }
    let persistent = Edit::text(host, SYSCTL_FILE, |text| {
        kept.iter().fold(text.to_string(), |t, (name, value)| {
            edit::set_sysctl(&t, name, *value)
        })
    })?;
    edits.extend(persistent);
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::{SYSCTL_RULES, without_system_name, without_weak};

    #[test]
    fn every_kernel_fix_sets_a_value_its_check_accepts() {
        for rule in SYSCTL_RULES {
            for (key, want, value) in rule.settings {
                assert!(want.ok(*value), "{}: {key} = {value}", rule.check);
            }
        }
    }

    #[test]
    fn a_login_message_loses_the_paragraphs_that_name_the_system() {
        let debian = |l: &str| l.contains("Debian");
        let motd = "\nThe programs included with the Debian GNU/Linux system are free software;\nthe exact terms are in /usr/share/doc.\n\nBackups run at 22:00. Ask Sam before restarting.\n\nDebian GNU/Linux comes with ABSOLUTELY NO WARRANTY.\n";
        assert_eq!(
            without_system_name(motd, debian, None),
            "Backups run at 22:00. Ask Sam before restarting.\n"
        );
        assert_eq!(
            without_system_name(
                "Debian GNU/Linux 12 \\n \\l\n\n",
                debian,
                Some("Authorised use only.")
            ),
            "Authorised use only.\n"
        );
        assert_eq!(
            without_system_name("Welcome to Debian!\n", debian, None),
            ""
        );
    }

    #[test]
    fn weak_algorithms_are_taken_out_of_a_list() {
        assert_eq!(
            without_weak(
                "Ciphers",
                "ciphers",
                "aes256-gcm@openssh.com,aes128-cbc,3des-cbc"
            )
            .as_deref(),
            Some("Ciphers aes256-gcm@openssh.com")
        );
        assert_eq!(
            without_weak("MACs", "macs", "+hmac-sha1,hmac-sha2-512").as_deref(),
            Some("MACs +hmac-sha2-512")
        );
        assert_eq!(
            without_weak(
                "kexalgorithms",
                "kexalgorithms",
                "diffie-hellman-group1-sha1"
            )
            .as_deref(),
            Some(
                "# kexalgorithms diffie-hellman-group1-sha1 was here; OpenSSH's safe defaults apply instead."
            )
        );
        assert_eq!(without_weak("Ciphers", "ciphers", "-aes128-cbc"), None);
        assert_eq!(
            without_weak("Ciphers", "ciphers", "chacha20-poly1305@openssh.com"),
            None
        );
    }
}
