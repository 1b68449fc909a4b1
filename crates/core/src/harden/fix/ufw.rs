//! The ufw firewall: switched on, refusing incoming connections unless
//! allowed, and covering IPv6, always keeping the SSH server reachable.
//!
//! ufw keeps its state in files: `ENABLED` in /etc/ufw/ufw.conf, the
//! default policies and `IPV6` in /etc/default/ufw, and the user's rules in
//! /etc/ufw/user.rules and user6.rules, each rule as a "### tuple ###"
//! comment and its iptables line. A fix edits those files the way `ufw
//! allow`, `ufw default deny incoming` and `ufw enable` write them, so
//! backup, preview and undo work as for any file; on this computer ufw is
//! then restarted to load them.

use super::edit::{self, Edit};
use crate::harden::check::Status;
use crate::harden::checks::any_enabled;
use crate::harden::parse;
use crate::harden::sshd::SshdConfig;
use crate::harden::target::Target;
use crate::{Error, ErrorCode, Result};

const CONF: &str = "etc/ufw/ufw.conf";
const DEFAULTS: &str = "etc/default/ufw";
const UNIT: &str = "ufw.service";
const START_RULES: &str = "### RULES ###";
const END_RULES: &str = "### END RULES ###";

/// A rules file with its chain and what "from anywhere" is called there.
struct Rules {
    file: &'static str,
    chain: &'static str,
    anywhere: &'static str,
}

const IPV4: Rules = Rules {
    file: "etc/ufw/user.rules",
    chain: "ufw-user-input",
    anywhere: "0.0.0.0/0",
};
const IPV6: Rules = Rules {
    file: "etc/ufw/user6.rules",
    chain: "ufw6-user-input",
    anywhere: "::/0",
};

/// What a firewall fix sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// ufw on, refusing incoming connections unless allowed.
    DenyIncoming,
    /// ufw filtering IPv6 as well as IPv4.
    Ipv6,
}

/// The TCP ports the SSH server listens on: its Port lines (22 when
/// there are none), any port a ListenAddress names ("0.0.0.0:2222",
/// "[::]:2222"), and the ports of the SSH sessions open now. `None` when there is no SSH server. Settings only root may
/// read are `needs_admin`; settings that cannot be read otherwise are an
/// error, since the port would only be a guess.
pub fn ssh_ports(host: &Target) -> Result<Option<Vec<u16>>> {
    let sessions = crate::health::sockets::ssh_session_ports_under(host.root());
    let config = match SshdConfig::load(host) {
        Ok(Some(c)) => c,
        Ok(None) => return Ok((!sessions.is_empty()).then_some(sessions)),
        Err(o) if o.status == Status::NeedsAdmin => {
            return Err(Error::new(
                ErrorCode::NeedsAdmin,
                o.detail,
                "Run the fix as an administrator, so Shipshape can read which port the SSH server uses.",
            ));
        }
        Err(o) => {
            return Err(Error::invalid_input(
                format!(
                    "The SSH server's settings could not be read, so Shipshape cannot tell which port to keep open: {}",
                    o.detail
                ),
                "Fix them first (sudo sshd -t shows what is wrong), then try again.",
            ));
        }
    };
    let mut ports: Vec<u16> = config
        .globals("port")
        .filter_map(|d| d.value.parse().ok())
        .collect();
    if ports.is_empty() {
        ports.push(22);
    }
    ports.extend(
        config
            .globals("listenaddress")
            .filter_map(|d| listen_port(&d.value)),
    );
    ports.extend(sessions);
    ports.sort_unstable();
    ports.dedup();
    Ok(Some(ports))
}

/// The port in a ListenAddress value, when it names one.
fn listen_port(value: &str) -> Option<u16> {
    let address = value.split_whitespace().next()?;
    let port = match address.strip_prefix('[') {
        Some(v6) => v6.split_once("]:")?.1,
        None if address.matches(':').count() == 1 => address.split_once(':')?.1,
        None => return None,
    };
    port.parse().ok()
}

/// What a user rule does to incoming TCP connections from anywhere on a
/// port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allows,
    Refuses,
}

/// The verdict of the first rule in `text` about `port` (ufw goes by the
/// first matching rule).
fn verdict(text: &str, port: u16) -> Option<Verdict> {
    // Rules are comments to iptables, so every line is read as it is.
    text.lines().find_map(|l| {
        let words: Vec<&str> = l
            .trim()
            .strip_prefix("### tuple ###")?
            .split_whitespace()
            // A rule's comment comes last, hex-encoded.
            .filter(|w| !w.starts_with("comment="))
            .collect();
        // action proto dport dst sport src [app-dst app-src] direction, the
        // direction "in", or "in_eth0" for one interface.
        let [action, proto, dport, _dst, _sport, src, ..] = words[..] else {
            return None;
        };
        let direction = words.last()?;
        let every_interface = *direction == "in";
        let inbound = every_interface || direction.starts_with("in_");
        let from_anywhere = src == "0.0.0.0/0" || src == "::/0";
        let tcp = proto == "tcp" || proto == "any";
        if !(inbound && from_anywhere && tcp && covers(dport, port)) {
            return None;
        }
        // A refusal on one interface may be the one an SSH session uses; an
        // allowance on one interface does not keep SSH open everywhere.
        if action.starts_with("deny") || action.starts_with("reject") {
            Some(Verdict::Refuses)
        } else if every_interface && (action.starts_with("allow") || action.starts_with("limit")) {
            Some(Verdict::Allows)
        } else {
            None
        }
    })
}

/// Whether a ufw port field ("22", "80,443", "6000:6007", "any") covers `port`.
fn covers(field: &str, port: u16) -> bool {
    field == "any"
        || field.split(',').any(|part| match part.split_once(':') {
            Some((a, b)) => {
                matches!((a.parse::<u16>(), b.parse::<u16>()), (Ok(a), Ok(b)) if (a..=b).contains(&port))
            }
            None => part.parse() == Ok(port),
        })
}

/// The SSH ports a user rule refuses, in either rules file.
pub fn refused_ports(host: &Target, ports: &[u16]) -> Vec<u16> {
    let texts: Vec<String> = [IPV4.file, IPV6.file]
        .iter()
        .filter_map(|f| host.read_quiet(f))
        .collect();
    ports
        .iter()
        .copied()
        .filter(|p| {
            texts
                .iter()
                .any(|t| verdict(t, *p) == Some(Verdict::Refuses))
        })
        .collect()
}

/// `text` with rules allowing TCP `ports` from anywhere, as `ufw allow
/// PORT/tcp` writes them: at the end of the user's rules. A file ufw has
/// never written a rule to (as the package installs it) has no "### END
/// RULES ###" yet, so the rules go right after "### RULES ###".
fn allow(text: &str, rules: &Rules, ports: &[u16]) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = match lines.iter().position(|l| l.trim() == END_RULES) {
        Some(end) => end,
        None => lines.iter().position(|l| l.trim() == START_RULES)? + 1,
    };
    let mut block = Vec::new();
    if at > 0 && !lines[at - 1].trim().is_empty() {
        block.push(String::new());
    }
    for port in ports {
        block.push(format!(
            "### tuple ### allow tcp {port} {any} any {any} in",
            any = rules.anywhere
        ));
        block.push(format!(
            "-A {} -p tcp --dport {port} -j ACCEPT",
            rules.chain
        ));
        block.push(String::new());
    }
    lines.splice(at..at, block);
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

fn refuse_other_firewall(host: &Target) -> Result<()> {
    let others = [
        "nftables.service",
        "firewalld.service",
        "netfilter-persistent.service",
        "iptables.service",
    ];
    match others.iter().find(|u| any_enabled(host, &[u]).is_some()) {
        Some(unit) => Err(Error::invalid_input(
            format!(
                "Another firewall ({unit}) starts with this computer, so Shipshape will not switch on ufw beside it."
            ),
            "Change that firewall's own settings by hand, or switch it off before using ufw.",
        )),
        None => Ok(()),
    }
}

/// The edits that reach `goal`, keeping every SSH port allowed.
pub fn edits(host: &Target, goal: Goal) -> Result<Vec<Edit>> {
    if !host.exists("usr/sbin/ufw") {
        return Err(Error::needs_package(
            "ufw",
            "The firewall program ufw is not installed, so Shipshape cannot switch it on yet.",
            "Shipshape can install it from your distribution's signed package sources, then continue with the fix: run the same shipshape fix command with --install-missing, or choose Install ufw and continue in the app.",
        ));
    }
    refuse_other_firewall(host)?;
    let mut edits = Vec::new();
    let files: &[&Rules] = match goal {
        Goal::DenyIncoming => {
            edits.extend(Edit::text(host, DEFAULTS, |t| {
                edit::set_assignment(t, "DEFAULT_INPUT_POLICY", "\"DROP\"")
            })?);
            edits.extend(Edit::text(host, CONF, |t| {
                edit::set_assignment(t, "ENABLED", "yes")
            })?);
            let ipv6 = host
                .read_quiet(DEFAULTS)
                .and_then(|t| parse::ini_setting(&t, "", "IPV6"))
                .is_some_and(|s| parse::truthy(&s.value));
            if ipv6 { &[&IPV4, &IPV6] } else { &[&IPV4] }
        }
        Goal::Ipv6 => {
            edits.extend(Edit::text(host, DEFAULTS, |t| {
                edit::set_assignment(t, "IPV6", "yes")
            })?);
            &[&IPV6]
        }
    };
    let ports = ssh_ports(host)?.unwrap_or_default();
    for rules in files {
        edits.extend(allow_ssh(host, rules, &ports)?);
    }
    if goal == Goal::DenyIncoming {
        edits.extend(start_at_boot(host)?);
    }
    // Restarted even when no file changes: a firewall switched on in its
    // files may still not be running.
    if host.is_live() {
        edits.push(Edit::Restart {
            unit: UNIT.to_string(),
            why: "so the firewall uses its new settings",
            reload: false,
        });
    }
    Ok(edits)
}

/// Where systemd starts ufw.service from at boot (its WantedBy).
const BOOT_LINK: &str = "etc/systemd/system/multi-user.target.wants/ufw.service";

/// The link that starts ufw.service with the computer, when it is not
/// there: ENABLED=yes is read only by a ufw.service that runs. A masked
/// unit is someone's decision, so the fix says so instead.
fn start_at_boot(host: &Target) -> Result<Option<Edit>> {
    if host
        .link_target(&format!("etc/systemd/system/{UNIT}"))
        .is_some_and(|t| t == std::path::Path::new("/dev/null"))
    {
        return Err(Error::invalid_input(
            "ufw.service is masked, so the firewall would never start.",
            "Unmask it first (sudo systemctl unmask ufw), then try the fix again.",
        ));
    }
    let unit_file = [
        "usr/lib/systemd/system/ufw.service",
        "lib/systemd/system/ufw.service",
    ]
    .into_iter()
    .find(|f| host.exists(f));
    let wants = BOOT_LINK.rsplit_once('/').map_or("", |(folder, _)| folder);
    match unit_file {
        Some(file) if any_enabled(host, &[UNIT]).is_none() && host.exists(wants) => {
            Ok(Some(Edit::Link {
                rel: BOOT_LINK.to_string(),
                unit: UNIT.to_string(),
                target: format!("/{file}"),
            }))
        }
        _ => Ok(None),
    }
}

/// The edit that allows SSH on `ports` in `rules`, leaving out a port a
/// rule already decides about.
fn allow_ssh(host: &Target, rules: &Rules, ports: &[u16]) -> Result<Option<Edit>> {
    // Only root may read ufw's rules: a normal user is told so, not that
    // the file is missing.
    let text = host
        .read(rules.file)
        .map_err(|o| {
            Error::new(
                ErrorCode::NeedsAdmin,
                o.detail,
                "Run the fix as an administrator (sudo shipshape fix ID), so Shipshape can read the firewall's rules.",
            )
        })?
        .unwrap_or_default();
    let needed: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| verdict(&text, *p).is_none())
        .collect();
    if needed.is_empty() {
        return Ok(None);
    }
    if !text.lines().any(|l| l.trim() == START_RULES) {
        let port = needed[0];
        return Err(Error::invalid_input(
            format!(
                "{} is missing or not as ufw writes it, so Shipshape cannot keep SSH (port {port}) open.",
                Target::shown(rules.file)
            ),
            format!("Allow SSH first (sudo ufw allow {port}/tcp), then try the fix again."),
        ));
    }
    Edit::text(host, rules.file, |t| {
        allow(t, rules, &needed).unwrap_or_else(|| t.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKELETON: &str =
        "*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n### END RULES ###\n\nCOMMIT\n";

    #[test]
    fn an_allow_rule_is_written_as_ufw_writes_it() {
        let out = allow(SKELETON, &IPV4, &[22]).unwrap_or_default();
        assert_eq!(
            out,
            "*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n\n### END RULES ###\n\nCOMMIT\n"
        );
        assert_eq!(verdict(&out, 22), Some(Verdict::Allows));
        assert_eq!(verdict(&out, 2222), None);
    }

    #[test]
    fn the_first_rule_about_a_port_decides() {
        let text = "### tuple ### deny any 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n";
        assert_eq!(verdict(text, 22), Some(Verdict::Refuses));
        let limited = "### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in\n";
        assert_eq!(verdict(limited, 22), Some(Verdict::Allows));
        let one_address = "### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.7 in\n";
        assert_eq!(verdict(one_address, 22), None);
        let outbound = "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 out\n";
        assert_eq!(verdict(outbound, 22), None);
        let commented = "### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=78\n";
        assert_eq!(verdict(commented, 22), Some(Verdict::Refuses));
        let one_interface = "### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0\n";
        assert_eq!(verdict(one_interface, 22), Some(Verdict::Refuses));
        let allowed_on_one = "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0\n";
        assert_eq!(verdict(allowed_on_one, 22), None);
    }

    #[test]
    fn a_listen_address_may_name_its_port() {
        assert_eq!(listen_port("0.0.0.0:2222"), Some(2222));
        assert_eq!(listen_port("[::]:2222"), Some(2222));
        assert_eq!(listen_port("192.168.1.5:22 rdomain office"), Some(22));
        assert_eq!(listen_port("192.168.1.5"), None);
        assert_eq!(listen_port("::1"), None);
        assert_eq!(listen_port("[::1]"), None);
    }

    #[test]
    fn port_fields_cover_lists_and_ranges() {
        assert!(covers("80,443,22", 22));
        assert!(covers("2200:2300", 2222));
        assert!(covers("any", 22));
        assert!(!covers("80,443", 22));
        assert!(!covers("2300:2200", 2222));
        assert!(!covers("x:y", 22));
    }

    #[test]
    fn a_rule_goes_after_the_start_marker_in_a_file_as_installed() {
        let installed = "*filter\n:ufw6-user-input - [0:0]\n### RULES ###\nCOMMIT\n";
        assert_eq!(
            allow(installed, &IPV6, &[22, 2222]).as_deref(),
            Some(
                "*filter\n:ufw6-user-input - [0:0]\n### RULES ###\n\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n-A ufw6-user-input -p tcp --dport 22 -j ACCEPT\n\n### tuple ### allow tcp 2222 ::/0 any ::/0 in\n-A ufw6-user-input -p tcp --dport 2222 -j ACCEPT\n\nCOMMIT\n"
            )
        );
    }

    #[test]
    fn a_file_without_ufw_markers_is_left_alone() {
        assert_eq!(allow("*filter\nCOMMIT\n", &IPV4, &[22]), None);
    }
}
