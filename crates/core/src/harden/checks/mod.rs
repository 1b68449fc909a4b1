//! The checks, one module per area, and what they share: reading
//! accounts, sysctl values, file modes, services and kernel modules.

mod accounts;
pub(crate) use accounts::umask_ok;
mod files;
mod firewall;
mod kernel;
mod services;
mod ssh;
pub(crate) use ssh::weak as weak_algorithm;
mod system;
pub(crate) use system::names_system;
mod updates;

use super::check::{Check, Checked, Evidence, Outcome};
use super::parse;
use super::target::Target;
use std::os::unix::fs::MetadataExt;

pub fn all() -> Vec<&'static Check> {
    [
        accounts::CHECKS,
        ssh::CHECKS,
        firewall::CHECKS,
        updates::CHECKS,
        services::CHECKS,
        files::CHECKS,
        kernel::CHECKS,
        system::CHECKS,
    ]
    .iter()
    .flat_map(|c| c.iter())
    .collect()
}

/// A line of /etc/passwd.
#[derive(Debug, Clone)]
struct Account {
    name: String,
    password: String,
    uid: u32,
    home: String,
    shell: String,
    line: usize,
    text: String,
}

impl Account {
    /// A shell someone can log in with (not nologin, false and the like).
    fn can_log_in(&self) -> bool {
        let base = self.shell.rsplit('/').next().unwrap_or("");
        !self.shell.is_empty()
            && !matches!(base, "nologin" | "false" | "sync" | "shutdown" | "halt")
    }

    /// A person's account rather than one for a service.
    fn is_person(&self) -> bool {
        self.uid >= 1000 && self.uid != 65534
    }
}

fn accounts(h: &Target) -> Result<Vec<Account>, Outcome> {
    let Some(text) = h.read("etc/passwd")? else {
        return Err(Outcome::error(
            "There is no /etc/passwd: the list of accounts is missing.",
        ));
    };
    Ok(parse::lines(&text)
        .filter_map(|(n, l)| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 7).then(|| Account {
                name: f[0].to_string(),
                password: f[1].to_string(),
                uid: f[2].parse().unwrap_or(u32::MAX),
                home: f[5].to_string(),
                shell: f[6].to_string(),
                line: n,
                text: l.to_string(),
            })
        })
        .collect())
}

/// A line of /etc/shadow.
#[derive(Debug, Clone)]
struct Shadow {
    name: String,
    hash: String,
    /// Days since 1970 of the last password change.
    changed: Option<i64>,
    line: usize,
}

impl Shadow {
    /// The password cannot be used ("!" or "*" in front, or "*" alone).
    fn locked(&self) -> bool {
        self.hash.starts_with('!') || self.hash.starts_with('*')
    }

    /// Shown without the hash: never put a password hash in evidence.
    fn shown(&self) -> String {
        let state = if self.hash.is_empty() {
            "(empty)"
        } else if self.locked() {
            "(locked)"
        } else {
            "(hash hidden)"
        };
        format!("{}:{state}:…", self.name)
    }
}

fn shadow(h: &Target) -> Result<Vec<Shadow>, Outcome> {
    let Some(text) = h.read("etc/shadow")? else {
        return Err(Outcome::error(
            "There is no /etc/shadow: passwords are not stored the usual way.",
        ));
    };
    Ok(parse::lines(&text)
        .filter_map(|(n, l)| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 3).then(|| Shadow {
                name: f[0].to_string(),
                hash: f[1].to_string(),
                changed: f[2].parse().ok(),
                line: n,
            })
        })
        .collect())
}

/// What a kernel setting must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    Eq(i64),
    AtLeast(i64),
}

/// A kernel-settings check: the settings it wants, each with the value its
/// fix sets (one the check accepts).
#[derive(Debug)]
pub(crate) struct SysctlRule {
    pub check: &'static str,
    pub settings: &'static [(&'static str, Want, i64)],
}

pub(crate) use kernel::SYSCTL_RULES;

/// The check `id` by its row of `SYSCTL_RULES`.
fn sysctl_rule(h: &Target, id: &str) -> Checked {
    let Some(rule) = SYSCTL_RULES.iter().find(|r| r.check == id) else {
        return Ok(Outcome::error(format!("The rule for {id} is missing.")));
    };
    sysctl(h, rule.settings)
}

impl Want {
    pub(crate) fn ok(self, v: i64) -> bool {
        match self {
            Want::Eq(e) => v == e,
            Want::AtLeast(e) => v >= e,
        }
    }

    fn describe(self) -> String {
        match self {
            Want::Eq(e) => format!("{e}"),
            Want::AtLeast(e) => format!("{e} or more"),
        }
    }
}

/// Judges live kernel settings read from /proc/sys (dots as slashes:
/// "kernel/randomize_va_space"). A setting the kernel does not have is
/// passed over; when none exist the check does not apply.
fn sysctl(h: &Target, wanted: &[(&str, Want, i64)]) -> Checked {
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for (key, want, _) in wanted {
        let rel = format!("proc/sys/{key}");
        let Some(text) = h.read(&rel)? else { continue };
        let value = text.trim();
        let name = key.replace('/', ".");
        let ev = Evidence::file(&rel, None, &format!("{name} = {value}"));
        match value.parse::<i64>() {
            Ok(v) if want.ok(v) => good.push(ev),
            _ => bad.push((
                ev,
                format!("{name} is {value}, should be {}", want.describe()),
            )),
        }
    }
    if bad.is_empty() && good.is_empty() {
        return Ok(Outcome::not_applicable(
            "This kernel does not have this setting.",
        ));
    }
    if bad.is_empty() {
        return Ok(Outcome::pass("The kernel is set safely.").with_all(good));
    }
    let detail = bad
        .iter()
        .map(|(_, d)| d.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    Ok(Outcome::fail(format!("{detail}.")).with_all(bad.into_iter().map(|(e, _)| e)))
}

/// What a permissions check looks at: its files, the mode bits they must
/// not have, and the groups that may own them (the owner must be root).
/// The check and its fix both follow it.
#[derive(Debug)]
pub struct PermissionRule {
    pub check: &'static str,
    pub paths: fn(&Target) -> Vec<String>,
    pub forbidden: u32,
    pub groups: fn(&Target) -> Vec<u32>,
}

fn only_root(_: &Target) -> Vec<u32> {
    vec![0]
}

fn fixed(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

pub const PERMISSION_RULES: &[PermissionRule] = &[
    PermissionRule {
        check: "files.passwd",
        paths: |_| fixed(&["etc/passwd", "etc/passwd-"]),
        forbidden: 0o133,
        groups: only_root,
    },
    PermissionRule {
        check: "files.group",
        paths: |_| fixed(&["etc/group", "etc/group-"]),
        forbidden: 0o133,
        groups: only_root,
    },
    PermissionRule {
        check: "files.shadow",
        paths: |_| fixed(&["etc/shadow", "etc/shadow-"]),
        forbidden: 0o137,
        groups: files::shadow_groups,
    },
    PermissionRule {
        check: "files.gshadow",
        paths: |_| fixed(&["etc/gshadow", "etc/gshadow-"]),
        forbidden: 0o137,
        groups: files::shadow_groups,
    },
    PermissionRule {
        check: "files.crontab",
        paths: |_| fixed(&["etc/crontab"]),
        forbidden: 0o077,
        groups: only_root,
    },
    PermissionRule {
        check: "files.cron_folders",
        paths: |_| {
            fixed(&[
                "etc/cron.hourly",
                "etc/cron.daily",
                "etc/cron.weekly",
                "etc/cron.monthly",
                "etc/cron.d",
            ])
        },
        forbidden: 0o077,
        groups: only_root,
    },
    PermissionRule {
        check: "ssh.config_permissions",
        paths: |_| fixed(&["etc/ssh/sshd_config"]),
        forbidden: 0o077,
        groups: only_root,
    },
    PermissionRule {
        check: "banners.permissions",
        paths: |_| fixed(&["etc/issue", "etc/issue.net", "etc/motd"]),
        forbidden: 0o133,
        groups: only_root,
    },
];

/// Runs the permissions check `id` by its rule.
fn by_rule(h: &Target, id: &str) -> Checked {
    let Some(rule) = PERMISSION_RULES.iter().find(|r| r.check == id) else {
        return Ok(Outcome::error(format!("The rule for {id} is missing.")));
    };
    let paths = (rule.paths)(h);
    let rels: Vec<&str> = paths.iter().map(String::as_str).collect();
    modes(h, &rels, rule.forbidden, &(rule.groups)(h))
}

/// Files whose mode must not give `forbidden` bits, owned by root. Missing
/// files are passed over; when none exist the check does not apply.
fn modes(h: &Target, rels: &[&str], forbidden: u32, groups: &[u32]) -> Checked {
    let mut bad = Vec::new();
    let mut seen = 0;
    for rel in rels {
        let Some(meta) = h.meta(rel)? else { continue };
        seen += 1;
        let mode = meta.mode() & 0o7777;
        let text = format!(
            "mode {mode:04o}, owner uid {}, group gid {}",
            meta.uid(),
            meta.gid()
        );
        if mode & forbidden != 0 || meta.uid() != 0 || !groups.contains(&meta.gid()) {
            bad.push(Evidence::file(rel, None, &text));
        }
    }
    if seen == 0 {
        return Ok(Outcome::not_applicable(
            "The files this check looks at do not exist.",
        ));
    }
    if bad.is_empty() {
        Ok(Outcome::pass(
            "Only the right accounts can change or read these files.",
        ))
    } else {
        let names: Vec<&str> = bad.iter().map(|e| e.source.as_str()).collect();
        Ok(
            Outcome::fail(format!("Too many accounts can reach {}.", names.join(", ")))
                .with_all(bad),
        )
    }
}

/// Whether a systemd unit starts at boot: a link to it in a `.wants` or
/// `.requires` folder under /etc/systemd/system, and not masked.
fn enabled(h: &Target, unit: &str) -> Option<Evidence> {
    let base = "etc/systemd/system";
    if let Some(target) = h.link_target(&format!("{base}/{unit}"))
        && target == std::path::Path::new("/dev/null")
    {
        return None;
    }
    let folders = h.list(base).unwrap_or_default();
    folders
        .iter()
        .filter(|f| f.ends_with(".wants") || f.ends_with(".requires"))
        .find_map(|f| {
            let rel = format!("{base}/{f}/{unit}");
            h.link_target(&rel)
                .map(|t| Evidence::file(&rel, None, &format!("enabled: link to {}", t.display())))
        })
}

/// The first of `units` that is enabled.
pub(crate) fn any_enabled(h: &Target, units: &[&str]) -> Option<Evidence> {
    units.iter().find_map(|u| enabled(h, u))
}

/// The main file, then the `*.conf` files of its drop-in folder in the
/// order they are read (sorted): a check and the fix of its setting read
/// the same files.
pub(crate) fn dropin_files(h: &Target, main: &str, folder: &str) -> Result<Vec<String>, Outcome> {
    let mut files = vec![main.to_string()];
    files.extend(
        h.list(folder)?
            .into_iter()
            .filter(|n| n.ends_with(".conf"))
            .map(|n| format!("{folder}/{n}")),
    );
    Ok(files)
}

/// Lines of the files in a drop-in folder (`*.conf`, sorted), each with
/// its file, after the main file.
fn with_dropins(h: &Target, main: &str, folder: &str) -> Result<Vec<(String, String)>, Outcome> {
    let mut out = Vec::new();
    for rel in dropin_files(h, main, folder)? {
        if let Some(t) = h.read(&rel)? {
            out.push((rel, t));
        }
    }
    Ok(out)
}
