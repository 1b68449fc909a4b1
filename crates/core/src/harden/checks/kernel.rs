//! The kernel's live settings (from /proc/sys), core dumps, kernel modules
//! that are better off, and mandatory access control.

use super::{SysctlRule, Want, parse, sysctl_rule, with_dropins};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Outcome, Severity};
use crate::harden::target::{OsFamily, Target};

/// A check over live kernel settings, declared in one line.
macro_rules! sysctl_check {
    ($id:literal, $title:literal, $why:literal, $sev:ident, $cis:literal, $lynis:literal, $fix:literal) => {
        Check {
            id: $id,
            area: Area::Kernel,
            title: $title,
            why: $why,
            severity: Severity::$sev,
            applies: Applies::needs(&["proc/sys"]),
            cis: $cis,
            lynis: $lynis,
            remediation: $fix,
            run: |h| sysctl_rule(h, $id),
        }
    };
}

/// A check that a kernel module is kept out.
macro_rules! module_check {
    ($id:literal, $title:literal, $why:literal, $sev:ident, $cis:literal, $lynis:literal, $module:literal, $run:ident) => {
        Check {
            id: $id,
            area: Area::Kernel,
            title: $title,
            why: $why,
            severity: Severity::$sev,
            applies: Applies::ALWAYS,
            cis: $cis,
            lynis: $lynis,
            remediation: concat!(
                "Create /etc/modprobe.d/",
                $module,
                ".conf with the lines \"install ",
                $module,
                " /bin/false\" and \"blacklist ",
                $module,
                "\"."
            ),
            run: $run,
        }
    };
}

/// What each kernel-settings check wants, by its /proc/sys key, and the
/// value its fix sets: the check and its fix both follow this table.
pub(crate) const SYSCTL_RULES: &[SysctlRule] = &[
    SysctlRule {
        check: "kernel.aslr",
        settings: &[("kernel/randomize_va_space", Want::Eq(2), 2)],
    },
    SysctlRule {
        check: "kernel.kptr_restrict",
        settings: &[("kernel/kptr_restrict", Want::AtLeast(1), 1)],
    },
    SysctlRule {
        check: "kernel.dmesg_restrict",
        settings: &[("kernel/dmesg_restrict", Want::Eq(1), 1)],
    },
    SysctlRule {
        check: "kernel.ptrace_scope",
        settings: &[("kernel/yama/ptrace_scope", Want::AtLeast(1), 1)],
    },
    SysctlRule {
        check: "kernel.protected_links",
        settings: &[
            ("fs/protected_hardlinks", Want::Eq(1), 1),
            ("fs/protected_symlinks", Want::Eq(1), 1),
        ],
    },
    SysctlRule {
        check: "kernel.protected_fifos",
        settings: &[
            ("fs/protected_fifos", Want::AtLeast(1), 1),
            ("fs/protected_regular", Want::AtLeast(1), 2),
        ],
    },
    SysctlRule {
        check: "kernel.unprivileged_bpf",
        settings: &[("kernel/unprivileged_bpf_disabled", Want::AtLeast(1), 1)],
    },
    SysctlRule {
        check: "kernel.suid_dumpable",
        settings: &[("fs/suid_dumpable", Want::Eq(0), 0)],
    },
    SysctlRule {
        check: "network.rp_filter",
        settings: &[
            ("net/ipv4/conf/all/rp_filter", Want::Eq(1), 1),
            ("net/ipv4/conf/default/rp_filter", Want::Eq(1), 1),
        ],
    },
    SysctlRule {
        check: "network.accept_redirects",
        settings: &[
            ("net/ipv4/conf/all/accept_redirects", Want::Eq(0), 0),
            ("net/ipv4/conf/default/accept_redirects", Want::Eq(0), 0),
            ("net/ipv6/conf/all/accept_redirects", Want::Eq(0), 0),
            ("net/ipv6/conf/default/accept_redirects", Want::Eq(0), 0),
        ],
    },
    SysctlRule {
        check: "network.secure_redirects",
        settings: &[
            ("net/ipv4/conf/all/secure_redirects", Want::Eq(0), 0),
            ("net/ipv4/conf/default/secure_redirects", Want::Eq(0), 0),
        ],
    },
    SysctlRule {
        check: "network.send_redirects",
        settings: &[
            ("net/ipv4/conf/all/send_redirects", Want::Eq(0), 0),
            ("net/ipv4/conf/default/send_redirects", Want::Eq(0), 0),
        ],
    },
    SysctlRule {
        check: "network.source_route",
        settings: &[
            ("net/ipv4/conf/all/accept_source_route", Want::Eq(0), 0),
            ("net/ipv4/conf/default/accept_source_route", Want::Eq(0), 0),
            ("net/ipv6/conf/all/accept_source_route", Want::Eq(0), 0),
            ("net/ipv6/conf/default/accept_source_route", Want::Eq(0), 0),
        ],
    },
    SysctlRule {
        check: "network.syncookies",
        settings: &[("net/ipv4/tcp_syncookies", Want::Eq(1), 1)],
    },
    SysctlRule {
        check: "network.ip_forward",
        settings: &[
            ("net/ipv4/ip_forward", Want::Eq(0), 0),
            ("net/ipv6/conf/all/forwarding", Want::Eq(0), 0),
        ],
    },
    SysctlRule {
        check: "network.icmp_broadcasts",
        settings: &[("net/ipv4/icmp_echo_ignore_broadcasts", Want::Eq(1), 1)],
    },
    SysctlRule {
        check: "network.log_martians",
        settings: &[
            ("net/ipv4/conf/all/log_martians", Want::Eq(1), 1),
            ("net/ipv4/conf/default/log_martians", Want::Eq(1), 1),
        ],
    },
];

pub const CHECKS: &[Check] = &[
    sysctl_check!(
        "kernel.aslr",
        "Memory layout randomisation is off",
        "Randomising where programs live in memory makes most memory bugs much harder to exploit.",
        High,
        "1.5.1",
        "KRNL-6000",
        "Set kernel.randomize_va_space = 2 in /etc/sysctl.d/60-shipshape.conf and run sysctl --system."
    ),
    sysctl_check!(
        "kernel.kptr_restrict",
        "Kernel memory addresses are visible to users",
        "Knowing where the kernel sits in memory is the first step of many kernel attacks.",
        Medium,
        "",
        "KRNL-6000",
        "Set kernel.kptr_restrict = 1 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.dmesg_restrict",
        "Any user can read the kernel's log",
        "The kernel log reveals hardware, addresses and errors that help an attacker.",
        Low,
        "",
        "KRNL-6000",
        "Set kernel.dmesg_restrict = 1 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.ptrace_scope",
        "Programs can spy on other programs of the same user",
        "Without a ptrace limit, one compromised program can read passwords out of your browser or SSH agent.",
        Medium,
        "1.5.2",
        "KRNL-6000",
        "Set kernel.yama.ptrace_scope = 1 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.protected_links",
        "Link tricks in shared folders are not blocked",
        "Protected hard and symbolic links stop a classic attack where a user plants a link in /tmp for a privileged program to follow.",
        Medium,
        "",
        "KRNL-6000",
        "Set fs.protected_hardlinks = 1 and fs.protected_symlinks = 1 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.protected_fifos",
        "Files planted in shared folders are not blocked",
        "Protected FIFOs and regular files stop privileged programs from writing into files another user planted in /tmp.",
        Low,
        "",
        "KRNL-6000",
        "Set fs.protected_fifos = 1 and fs.protected_regular = 2 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.unprivileged_bpf",
        "Any user can load programs into the kernel (BPF)",
        "Unprivileged BPF has been behind several ways for ordinary users to become administrator.",
        Medium,
        "",
        "KRNL-6000",
        "Set kernel.unprivileged_bpf_disabled = 1 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "kernel.suid_dumpable",
        "Programs with raised rights can leave memory dumps",
        "A crash dump of a privileged program can contain password hashes and keys.",
        Medium,
        "1.5.3",
        "KRNL-5820",
        "Set fs.suid_dumpable = 0 in /etc/sysctl.d/60-shipshape.conf."
    ),
    sysctl_check!(
        "network.rp_filter",
        "Forged network addresses are not filtered",
        "Reverse-path filtering drops packets that claim to come from somewhere they cannot, a common trick in attacks.",
        Low,
        "3.3.7",
        "KRNL-6000",
        "Set net.ipv4.conf.all.rp_filter = 1 and net.ipv4.conf.default.rp_filter = 1."
    ),
    sysctl_check!(
        "network.accept_redirects",
        "The network can quietly reroute this computer's traffic",
        "Accepting ICMP redirects lets anyone on the local network send your traffic through their machine.",
        Medium,
        "3.3.5",
        "KRNL-6000",
        "Set net.ipv4.conf.all.accept_redirects = 0 (and default, and the IPv6 equivalents)."
    ),
    sysctl_check!(
        "network.secure_redirects",
        "Redirects from gateways are accepted",
        "Even redirects that claim to come from a gateway can be forged on the local network.",
        Low,
        "3.3.6",
        "KRNL-6000",
        "Set net.ipv4.conf.all.secure_redirects = 0 and net.ipv4.conf.default.secure_redirects = 0."
    ),
    sysctl_check!(
        "network.send_redirects",
        "This computer tells others how to route traffic",
        "Only routers should send redirects; a computer that does can be used to mislead others.",
        Medium,
        "3.3.2",
        "KRNL-6000",
        "Set net.ipv4.conf.all.send_redirects = 0 and net.ipv4.conf.default.send_redirects = 0."
    ),
    sysctl_check!(
        "network.source_route",
        "Packets may choose their own route to this computer",
        "Source-routed packets can slip past firewalls by dictating their path.",
        Medium,
        "3.3.8",
        "KRNL-6000",
        "Set net.ipv4.conf.all.accept_source_route = 0 (and default, and IPv6)."
    ),
    sysctl_check!(
        "network.syncookies",
        "This computer is easy to flood with half-open connections",
        "SYN cookies keep the computer reachable during a flood of fake connection attempts.",
        Medium,
        "3.3.10",
        "KRNL-6000",
        "Set net.ipv4.tcp_syncookies = 1."
    ),
    sysctl_check!(
        "network.ip_forward",
        "This computer forwards traffic like a router",
        "Forwarding lets traffic pass through this computer between networks, which can bypass the office's firewall. Container tools switch it on.",
        Medium,
        "3.3.1",
        "KRNL-6000",
        "Unless this computer is a router or runs containers, set net.ipv4.ip_forward = 0 and net.ipv6.conf.all.forwarding = 0."
    ),
    sysctl_check!(
        "network.icmp_broadcasts",
        "This computer answers pings sent to a whole network",
        "Answering broadcast pings can be used to flood others with replies.",
        Low,
        "3.3.4",
        "KRNL-6000",
        "Set net.ipv4.icmp_echo_ignore_broadcasts = 1."
    ),
    sysctl_check!(
        "network.log_martians",
        "Impossible network packets are not logged",
        "Logging packets with impossible addresses shows when someone is probing or spoofing.",
        Low,
        "3.3.9",
        "KRNL-6000",
        "Set net.ipv4.conf.all.log_martians = 1 and net.ipv4.conf.default.log_martians = 1."
    ),
    Check {
        id: "kernel.core_dumps",
        area: Area::Kernel,
        title: "Crashing programs can leave memory dumps on disk",
        why: "A memory dump can hold passwords, keys and documents that were open, readable long after the crash.",
        severity: Severity::Low,
        applies: Applies::ALWAYS,
        cis: "1.5.3",
        lynis: "KRNL-5820",
        remediation: "Add \"* hard core 0\" to /etc/security/limits.d/60-shipshape.conf (and Storage=none in /etc/systemd/coredump.conf if systemd-coredump is installed).",
        run: core_dumps,
    },
    module_check!(
        "kernel.dccp",
        "The DCCP network protocol can be loaded",
        "DCCP is almost never used and has had serious holes. A protocol nobody uses should not be loadable.",
        Low,
        "3.2.1",
        "NETW-3200",
        "dccp",
        dccp
    ),
    module_check!(
        "kernel.sctp",
        "The SCTP network protocol can be loaded",
        "SCTP is rarely used on office computers and has had serious holes.",
        Low,
        "3.2.4",
        "NETW-3200",
        "sctp",
        sctp
    ),
    module_check!(
        "kernel.rds",
        "The RDS network protocol can be loaded",
        "RDS is meant for clusters and has had holes that let users become administrator.",
        Low,
        "3.2.3",
        "NETW-3200",
        "rds",
        rds
    ),
    module_check!(
        "kernel.tipc",
        "The TIPC network protocol can be loaded",
        "TIPC is meant for clusters and has had remotely exploitable holes.",
        Low,
        "3.2.2",
        "NETW-3200",
        "tipc",
        tipc
    ),
    module_check!(
        "kernel.usb_storage",
        "USB memory sticks can be used",
        "USB sticks are an easy way to carry data out or bring malware in. On a server nobody should need them.",
        Low,
        "1.1.1.9",
        "USB-1000",
        "usb-storage",
        usb_storage
    ),
    module_check!(
        "kernel.firewire",
        "FireWire storage can be used",
        "FireWire devices can read the computer's memory directly, and are rarely used today.",
        Low,
        "",
        "STRG-1846",
        "firewire-core",
        firewire
    ),
    Check {
        id: "kernel.mac",
        area: Area::Kernel,
        title: "Programs are not confined (AppArmor or SELinux is off)",
        why: "AppArmor and SELinux limit what each program may touch, so a hacked program cannot reach everything its user can.",
        severity: Severity::Medium,
        applies: Applies::ALWAYS,
        cis: "1.3.1.2",
        lynis: "MACF-6208",
        remediation: "Debian/Ubuntu: apt install apparmor apparmor-utils and keep apparmor=1 on the kernel command line. Fedora: set SELINUX=enforcing in /etc/selinux/config.",
        run: mac,
    },
];

fn core_dumps(h: &Target) -> Checked {
    let files = with_dropins(h, "etc/security/limits.conf", "etc/security/limits.d")?;
    let mut hard_zero = None;
    for (rel, text) in &files {
        for (n, l) in parse::lines(text) {
            let w: Vec<&str> = l.split_whitespace().collect();
            if w.len() >= 4 && w[0] == "*" && w[1] == "hard" && w[2] == "core" {
                hard_zero = Some((w[3] == "0", Evidence::file(rel, Some(n), l)));
            }
        }
    }
    let coredump = with_dropins(
        h,
        "etc/systemd/coredump.conf",
        "etc/systemd/coredump.conf.d",
    )?;
    let stored =
        h.exists("usr/lib/systemd/systemd-coredump") || h.exists("lib/systemd/systemd-coredump");
    let storage_none = coredump.iter().rev().find_map(|(rel, text)| {
        parse::ini_setting(text, "coredump", "Storage").map(|s| {
            (
                s.value == "none",
                Evidence::file(rel, Some(s.line), &s.text),
            )
        })
    });
    let mut evidence = Vec::new();
    match hard_zero {
        Some((true, ev)) => evidence.push(ev),
        Some((false, ev)) => {
            return Ok(Outcome::fail("Programs are allowed to leave memory dumps.").with(ev));
        }
        None => {
            return Ok(Outcome::fail(
                "No limit stops programs leaving memory dumps (\"* hard core 0\" is missing).",
            ));
        }
    }
    if stored {
        match storage_none {
            Some((true, ev)) => evidence.push(ev),
            Some((false, ev)) => {
                return Ok(Outcome::fail("systemd-coredump still stores memory dumps.")
                    .with_all(evidence)
                    .with(ev));
            }
            None => {
                return Ok(Outcome::warning(
                    "systemd-coredump may still store memory dumps (Storage=none is not set).",
                )
                .with_all(evidence));
            }
        }
    }
    Ok(Outcome::pass("Crashing programs leave no memory dumps.").with_all(evidence))
}

/// Module names treat '-' and '_' alike.
fn same_module(a: &str, b: &str) -> bool {
    a.replace('-', "_") == b.replace('-', "_")
}

/// A module is kept out when modprobe runs /bin/false (or true) instead
/// of loading it; "blacklist" alone only stops automatic loading.
fn module_off(h: &Target, names: &[&str]) -> Checked {
    if let Some(loaded) = h.read("proc/modules")? {
        for (n, l) in loaded.lines().enumerate() {
            let name = l.split_whitespace().next().unwrap_or("");
            if names.iter().any(|m| same_module(m, name)) {
                return Ok(
                    Outcome::fail(format!("The {name} module is loaded right now."))
                        .with(Evidence::file("proc/modules", Some(n + 1), l)),
                );
            }
        }
    }
    let mut install = None;
    let mut blacklist = None;
    for folder in [
        "etc/modprobe.d",
        "usr/lib/modprobe.d",
        "lib/modprobe.d",
        "run/modprobe.d",
    ] {
        for file in h.list(folder)? {
            if !file.ends_with(".conf") {
                continue;
            }
            let rel = format!("{folder}/{file}");
            let Some(text) = h.read(&rel)? else { continue };
            for (n, l) in parse::lines(&text) {
                let w: Vec<&str> = l.split_whitespace().collect();
                if w.len() >= 2 && names.iter().any(|m| same_module(m, w[1])) {
                    match w[0] {
                        "install"
                            if w.get(2)
                                .is_some_and(|c| c.ends_with("/false") || c.ends_with("/true")) =>
                        {
                            install = Some(Evidence::file(&rel, Some(n), l));
                        }
                        "blacklist" => blacklist = Some(Evidence::file(&rel, Some(n), l)),
                        _ => {}
                    }
                }
            }
        }
    }
    if let Some(ev) = install {
        return Ok(Outcome::pass("The module cannot be loaded.")
            .with(ev)
            .with_all(blacklist));
    }
    // Not built for this kernel at all: nothing to load.
    if let Some(release) = h.read_quiet("proc/sys/kernel/osrelease")
        && let Some(dep) = h.read_quiet(&format!("lib/modules/{}/modules.dep", release.trim()))
    {
        let present = dep.lines().any(|l| {
            let file = l.split(':').next().unwrap_or("");
            let base = file.rsplit('/').next().unwrap_or("");
            let stem = base.split(".ko").next().unwrap_or("");
            names.iter().any(|m| same_module(m, stem))
        });
        if !present {
            return Ok(Outcome::pass("This kernel does not include the module."));
        }
    }
    if let Some(ev) = blacklist {
        return Ok(Outcome::warning(
            "The module is blacklisted, which stops automatic loading but not a deliberate one.",
        )
        .with(ev));
    }
    Ok(Outcome::fail("Nothing stops the module from being loaded."))
}

fn dccp(h: &Target) -> Checked {
    module_off(h, &["dccp"])
}

fn sctp(h: &Target) -> Checked {
    module_off(h, &["sctp"])
}

fn rds(h: &Target) -> Checked {
    module_off(h, &["rds"])
}

fn tipc(h: &Target) -> Checked {
    module_off(h, &["tipc"])
}

fn usb_storage(h: &Target) -> Checked {
    module_off(h, &["usb-storage"])
}

fn firewire(h: &Target) -> Checked {
    module_off(h, &["firewire-core", "firewire-ohci", "firewire-sbp2"])
}

fn mac(h: &Target) -> Checked {
    if let Some(v) = h.read("sys/module/apparmor/parameters/enabled")? {
        let ev = Evidence::file("sys/module/apparmor/parameters/enabled", None, v.trim());
        if v.trim() == "Y" {
            return Ok(Outcome::pass("AppArmor confines programs.").with(ev));
        }
        if h.facts().os_family != OsFamily::Fedora {
            return Ok(Outcome::fail("AppArmor is built in but switched off.").with(ev));
        }
    }
    if let Some(v) = h.read("sys/fs/selinux/enforce")? {
        let ev = Evidence::file("sys/fs/selinux/enforce", None, v.trim());
        return Ok(if v.trim() == "1" {
            Outcome::pass("SELinux confines programs.").with(ev)
        } else {
            Outcome::fail("SELinux is only warning, not enforcing.").with(ev)
        });
    }
    Ok(Outcome::fail("Neither AppArmor nor SELinux is active."))
}
