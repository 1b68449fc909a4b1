//! The firewall: ufw, nftables, iptables or firewalld, judged from their
//! saved settings and, when run as administrator on this computer, from
//! the rules the kernel actually has.

use super::{any_enabled, parse};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Outcome, Severity};
use crate::harden::target::Target;

pub const CHECKS: &[Check] = &[
    Check {
        id: "firewall.active",
        area: Area::Firewall,
        title: "No firewall is switched on",
        why: "A firewall decides which connections from the network may reach this computer. Without one, every program that listens is reachable.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "4.1.1",
        lynis: "FIRE-4590",
        remediation: "Install and switch on a firewall: apt install ufw, then ufw allow ssh (if you use it) and ufw enable.",
        run: active,
    },
    Check {
        id: "firewall.default_deny",
        area: Area::Firewall,
        title: "The firewall lets unknown connections in",
        why: "A firewall should refuse incoming connections unless you allowed them. Allowing everything by default makes it a firewall in name only.",
        severity: Severity::High,
        applies: Applies::ALWAYS,
        cis: "4.2.7",
        lynis: "FIRE-4508",
        remediation: "Make incoming connections denied by default (ufw default deny incoming), allowing only what you need.",
        run: default_deny,
    },
    Check {
        id: "firewall.ufw_ipv6",
        area: Area::Firewall,
        title: "The firewall does not cover IPv6",
        why: "Most networks carry IPv6 too. A firewall for IPv4 only leaves the same programs reachable over IPv6.",
        severity: Severity::Low,
        applies: Applies::needs(&["usr/sbin/ufw"]),
        cis: "",
        lynis: "",
        remediation: "Set IPV6=yes in /etc/default/ufw and reload ufw.",
        run: ufw_ipv6,
    },
];

/// What a firewall's settings say.
struct State {
    active: Vec<Evidence>,
    deny: Vec<Evidence>,
    allow: Vec<Evidence>,
    /// A firewall that is installed but switched off.
    off: Vec<Evidence>,
}

fn state(h: &Target) -> Result<State, Outcome> {
    let mut s = State {
        active: Vec::new(),
        deny: Vec::new(),
        allow: Vec::new(),
        off: Vec::new(),
    };
    let live = h.is_live() && h.facts().as_root;
    // ufw
    let ufw_status = if live {
        h.run(&["ufw", "status", "verbose"])
    } else {
        None
    };
    if let Some(out) = ufw_status {
        let argv = ["ufw", "status", "verbose"];
        if out.stdout.contains("Status: active") {
            s.active.push(Evidence::command(&argv, &out.stdout));
            if let Some(l) = out.stdout.lines().find(|l| l.starts_with("Default:")) {
                if l.contains("deny (incoming)") || l.contains("reject (incoming)") {
                    s.deny.push(Evidence::command(&argv, l));
                } else {
                    s.allow.push(Evidence::command(&argv, l));
                }
            }
        } else {
            s.off.push(Evidence::command(&argv, &out.stdout));
        }
    } else if let Some(conf) = h.read("etc/ufw/ufw.conf")?
        && let Some(e) = parse::ini_setting(&conf, "", "ENABLED")
    {
        let ev = Evidence::file("etc/ufw/ufw.conf", Some(e.line), &e.text);
        if parse::truthy(&e.value) {
            s.active.push(ev);
            let defaults = h.read("etc/default/ufw")?.unwrap_or_default();
            if let Some(p) = parse::ini_setting(&defaults, "", "DEFAULT_INPUT_POLICY") {
                let ev = Evidence::file("etc/default/ufw", Some(p.line), &p.text);
                if matches!(p.value.as_str(), "DROP" | "REJECT") {
                    s.deny.push(ev);
                } else {
                    s.allow.push(ev);
                }
            }
        } else {
            s.off.push(ev);
        }
    }
    // nftables
    let nft = if live {
        h.run(&["nft", "list", "ruleset"])
    } else {
        None
    };
    let (nft_source, nft_text) = match nft {
        Some(out) => (Some(vec!["nft", "list", "ruleset"]), Some(out.stdout)),
        None if any_enabled(h, &["nftables.service"]).is_some() => {
            (None, h.read("etc/nftables.conf")?)
        }
        None => (None, None),
    };
    if let Some(text) = nft_text {
        let evidence = |line: Option<usize>, t: &str| match &nft_source {
            Some(argv) => Evidence::command(argv, t),
            None => Evidence::file("etc/nftables.conf", line, t),
        };
        let mut in_input = false;
        for (n, l) in parse::lines(&text) {
            if l.contains("hook input") {
                in_input = true;
                s.active.push(evidence(Some(n), l));
                if l.contains("policy drop") {
                    s.deny.push(evidence(Some(n), l));
                } else if l.contains("policy accept") {
                    s.allow.push(evidence(Some(n), l));
                }
            } else if in_input && l.starts_with("policy") {
                in_input = false;
                if l.contains("drop") {
                    s.deny.push(evidence(Some(n), l));
                } else {
                    s.allow.push(evidence(Some(n), l));
                }
            }
        }
    }
    // iptables
    let ipt = if live {
        h.run(&["iptables", "-S", "INPUT"])
    } else {
        None
    };
    if let Some(out) = ipt {
        let argv = ["iptables", "-S", "INPUT"];
        let rules = out.stdout.lines().filter(|l| l.starts_with("-A")).count();
        if out.stdout.contains("-P INPUT DROP") {
            s.active.push(Evidence::command(&argv, &out.stdout));
            s.deny.push(Evidence::command(&argv, "-P INPUT DROP"));
        } else if rules > 0 {
            s.active.push(Evidence::command(&argv, &out.stdout));
        }
    } else if any_enabled(h, &["netfilter-persistent.service", "iptables.service"]).is_some() {
        for rel in ["etc/iptables/rules.v4", "etc/sysconfig/iptables"] {
            let Some(text) = h.read(rel)? else { continue };
            if let Some((n, l)) = parse::find_line(&text, |l| l.starts_with(":INPUT")) {
                s.active.push(Evidence::file(rel, Some(n), l));
                if l.starts_with(":INPUT DROP") {
                    s.deny.push(Evidence::file(rel, Some(n), l));
                } else {
                    s.allow.push(Evidence::file(rel, Some(n), l));
                }
            }
        }
    }
    // firewalld: its zones refuse what they do not list.
    if let Some(e) = any_enabled(h, &["firewalld.service"]) {
        s.active.push(e.clone());
        s.deny.push(e);
    }
    Ok(s)
}

fn active(h: &Target) -> Checked {
    let s = state(h)?;
    if s.active.is_empty() {
        return Ok(Outcome::fail("No firewall is switched on.").with_all(s.off));
    }
    Ok(Outcome::pass("A firewall is switched on.").with_all(s.active))
}

fn default_deny(h: &Target) -> Checked {
    let s = state(h)?;
    if s.active.is_empty() {
        return Ok(
            Outcome::fail("There is no firewall, so every connection is let in.").with_all(s.off),
        );
    }
    if !s.allow.is_empty() {
        return Ok(
            Outcome::fail("The firewall lets incoming connections in by default.")
                .with_all(s.allow),
        );
    }
    if s.deny.is_empty() {
        return Ok(Outcome::warning(
            "A firewall is on, but Shipshape could not see what it does with unknown connections.",
        )
        .with_all(s.active));
    }
    Ok(Outcome::pass("Incoming connections are refused unless allowed.").with_all(s.deny))
}

fn ufw_ipv6(h: &Target) -> Checked {
    let text = h.read("etc/default/ufw")?.unwrap_or_default();
    match parse::ini_setting(&text, "", "IPV6") {
        Some(s) if parse::truthy(&s.value) => Ok(Outcome::pass("The firewall covers IPv6.")
            .with(Evidence::file("etc/default/ufw", Some(s.line), &s.text))),
        Some(s) => Ok(
            Outcome::fail("The firewall covers IPv4 only.").with(Evidence::file(
                "etc/default/ufw",
                Some(s.line),
                &s.text,
            )),
        ),
        None => Ok(Outcome::fail(
            "The firewall's IPv6 setting is missing, so IPv6 is not covered.",
        )),
    }
}
