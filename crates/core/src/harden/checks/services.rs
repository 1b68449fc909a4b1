//! Services and open ports: what listens on the network, and services an
//! office computer rarely needs or that send passwords in the clear.

use super::{any_enabled, parse};
use crate::harden::check::{Applies, Area, Check, Checked, Evidence, Os, Outcome, Role, Severity};
use crate::harden::sockets::Socket;
use crate::harden::target::Target;

const fn server_with(needs: &'static [&'static str]) -> Applies {
    Applies {
        os: Os::Any,
        role: Role::Server,
        needs,
    }
}

pub const CHECKS: &[Check] = &[
    Check {
        id: "services.listening",
        area: Area::Services,
        title: "Risky services can be reached from the network",
        why: "Every program that listens on the network is a door. Some (file sharing, databases, old remote-login services) are common targets and rarely need to be open to the whole network.",
        severity: Severity::Medium,
        applies: Applies::needs(&["proc/net/tcp"]),
        cis: "2.1.22",
        lynis: "NETW-3012",
        remediation: "Stop what you do not need, or make it listen on 127.0.0.1 only, and let the firewall allow just the rest.",
        run: listening,
    },
    Check {
        id: "services.telnet",
        area: Area::Services,
        title: "A telnet server is running",
        why: "Telnet sends passwords and everything typed as plain text that anyone on the network can read.",
        severity: Severity::High,
        applies: Applies::needs(&[
            "usr/sbin/in.telnetd",
            "usr/sbin/telnetd",
            "usr/sbin/inetd",
            "usr/sbin/xinetd",
        ]),
        cis: "",
        lynis: "INSE-8312",
        remediation: "Remove it (apt purge telnetd) and use SSH instead.",
        run: telnet,
    },
    Check {
        id: "services.ftp",
        area: Area::Services,
        title: "An FTP server is running",
        why: "FTP sends passwords and files unencrypted. SFTP (part of SSH) does the same job safely.",
        severity: Severity::High,
        applies: Applies::needs(&["usr/sbin/vsftpd", "usr/sbin/proftpd", "usr/sbin/pure-ftpd"]),
        cis: "2.1.6",
        lynis: "",
        remediation: "Stop and disable the FTP server (systemctl disable --now vsftpd) and use SFTP.",
        run: ftp,
    },
    Check {
        id: "services.rsh",
        area: Area::Services,
        title: "Old remote-login services (rsh, rlogin, rexec) are running",
        why: "These services trust the network blindly and send passwords in the clear. They were replaced by SSH decades ago.",
        severity: Severity::High,
        applies: Applies::needs(&[
            "usr/sbin/in.rshd",
            "usr/sbin/in.rlogind",
            "usr/sbin/in.rexecd",
        ]),
        cis: "",
        lynis: "INSE-8302",
        remediation: "Remove them: apt purge rsh-server rsh-redone-server.",
        run: rsh,
    },
    Check {
        id: "services.tftp",
        area: Area::Services,
        title: "A TFTP server is running",
        why: "TFTP hands out files to anyone who asks, without any password.",
        severity: Severity::Medium,
        applies: Applies::needs(&["usr/sbin/in.tftpd", "usr/sbin/tftpd"]),
        cis: "2.1.16",
        lynis: "INSE-8320",
        remediation: "Stop and disable it (systemctl disable --now tftpd-hpa) unless you boot devices over the network.",
        run: tftp,
    },
    Check {
        id: "services.avahi",
        area: Area::Services,
        title: "This server announces itself on the network",
        why: "Avahi tells every device nearby which services this computer offers. A server does not need to advertise itself.",
        severity: Severity::Medium,
        applies: server_with(&["usr/sbin/avahi-daemon"]),
        cis: "2.1.2",
        lynis: "",
        remediation: "systemctl disable --now avahi-daemon.socket avahi-daemon.service",
        run: avahi,
    },
    Check {
        id: "services.cups",
        area: Area::Services,
        title: "A print service runs on this server",
        why: "The print service has had serious holes and is rarely needed on a server.",
        severity: Severity::Low,
        applies: server_with(&["usr/sbin/cupsd"]),
        cis: "2.1.11",
        lynis: "PRNT-2304",
        remediation: "systemctl disable --now cups.socket cups.service, or apt purge cups if nobody prints from here.",
        run: cups,
    },
    Check {
        id: "services.rpcbind",
        area: Area::Services,
        title: "The RPC port mapper is running",
        why: "rpcbind is only needed for NFS file sharing and tells anyone which RPC services exist here.",
        severity: Severity::Medium,
        applies: Applies::needs(&["usr/sbin/rpcbind", "sbin/rpcbind"]),
        cis: "2.1.12",
        lynis: "STRG-1902",
        remediation: "systemctl disable --now rpcbind.socket rpcbind.service unless you use NFS.",
        run: rpcbind,
    },
    Check {
        id: "services.nfs",
        area: Area::Services,
        title: "An NFS file server is running",
        why: "NFS shares folders by trusting the network address of the asker. A wrong export line opens files to everyone.",
        severity: Severity::Medium,
        applies: Applies::needs(&["usr/sbin/rpc.nfsd"]),
        cis: "2.1.9",
        lynis: "STRG-1920",
        remediation: "systemctl disable --now nfs-server unless this computer shares folders over NFS.",
        run: nfs,
    },
    Check {
        id: "services.nis",
        area: Area::Services,
        title: "A NIS directory server is running",
        why: "NIS hands out account details, including password hashes, to anyone on the network who asks.",
        severity: Severity::Medium,
        applies: Applies::needs(&["usr/sbin/ypserv"]),
        cis: "2.1.10",
        lynis: "INSE-8316",
        remediation: "Remove it (apt purge nis) and use a directory service with encryption.",
        run: nis,
    },
    Check {
        id: "services.snmp_public",
        area: Area::Services,
        title: "The network monitoring service uses the well-known password \"public\"",
        why: "SNMP with community \"public\" or \"private\" lets anyone read (or change) details of this computer.",
        severity: Severity::High,
        applies: Applies::needs(&["usr/sbin/snmpd", "etc/snmp/snmpd.conf"]),
        cis: "2.1.15",
        lynis: "SNMP-3306",
        remediation: "Replace the community in /etc/snmp/snmpd.conf with a long random one, or use SNMPv3 users; disable snmpd if nobody monitors this computer.",
        run: snmp_public,
    },
    Check {
        id: "services.mail_local",
        area: Area::Services,
        title: "The mail server accepts connections from the network",
        why: "A computer's own mail service only needs to deliver local messages. Open to the network, it can be abused to send spam.",
        severity: Severity::Medium,
        applies: Applies::needs(&["usr/sbin/sendmail", "usr/sbin/postfix", "usr/sbin/exim4"]),
        cis: "2.1.21",
        lynis: "",
        remediation: "Make the mail service listen on 127.0.0.1 only (postfix: inet_interfaces = loopback-only).",
        run: mail_local,
    },
];

/// Ports whose services should not face the network, with plain names.
const RISKY_PORTS: &[(u16, &str)] = &[
    (21, "FTP"),
    (23, "telnet"),
    (69, "TFTP"),
    (111, "RPC port mapper"),
    (139, "Windows file sharing (NetBIOS)"),
    (161, "SNMP"),
    (445, "Windows file sharing (SMB)"),
    (512, "rexec"),
    (513, "rlogin"),
    (514, "rsh"),
    (2049, "NFS"),
    (3306, "MySQL/MariaDB database"),
    (5432, "PostgreSQL database"),
    (5900, "VNC remote desktop"),
    (6379, "Redis database"),
    (11211, "memcached"),
    (27017, "MongoDB database"),
];

fn open_to_network(h: &Target) -> impl Iterator<Item = &Socket> {
    h.sockets().iter().filter(|s| !s.loopback)
}

fn socket_evidence(s: &Socket) -> Evidence {
    let file = format!("proc/net/{}", s.proto);
    Evidence::file(&file, None, &s.describe())
}

fn listening(h: &Target) -> Checked {
    let all: Vec<&Socket> = open_to_network(h).collect();
    let risky: Vec<Evidence> = all
        .iter()
        .filter_map(|s| {
            RISKY_PORTS
                .iter()
                .find(|(p, _)| *p == s.port)
                .map(|(_, name)| {
                    let mut e = socket_evidence(s);
                    e.text = format!("{} ({name})", e.text);
                    e
                })
        })
        .collect();
    if !risky.is_empty() {
        return Ok(Outcome::fail(format!(
            "{} risky service(s) can be reached from the network.",
            risky.len()
        ))
        .with_all(risky));
    }
    let inventory: Vec<Evidence> = all.iter().map(|s| socket_evidence(s)).collect();
    Ok(Outcome::pass(format!(
        "{} service(s) listen on the network; none is a commonly attacked one.",
        inventory.len()
    ))
    .with_all(inventory))
}

/// A service that should be off: fails when a unit is enabled or one of
/// its ports is open to the network.
fn off(h: &Target, name: &str, units: &[&str], ports: &[u16]) -> Checked {
    let mut evidence: Vec<Evidence> = units.iter().filter_map(|u| super::enabled(h, u)).collect();
    evidence.extend(
        open_to_network(h)
            .filter(|s| ports.contains(&s.port))
            .map(socket_evidence),
    );
    if evidence.is_empty() {
        return Ok(Outcome::pass(format!(
            "{name} is installed but switched off."
        )));
    }
    Ok(Outcome::fail(format!("{name} is switched on.")).with_all(evidence))
}

/// Services started by inetd or xinetd.
fn inetd(h: &Target, names: &[&str]) -> Result<Vec<Evidence>, Outcome> {
    let mut out = Vec::new();
    if let Some(text) = h.read("etc/inetd.conf")? {
        for (n, l) in parse::lines(&text) {
            if l.split_whitespace()
                .next()
                .is_some_and(|s| names.contains(&s))
            {
                out.push(Evidence::file("etc/inetd.conf", Some(n), l));
            }
        }
    }
    for file in h.list("etc/xinetd.d")? {
        if !names.contains(&file.as_str()) {
            continue;
        }
        let rel = format!("etc/xinetd.d/{file}");
        let text = h.read(&rel)?.unwrap_or_default();
        let disabled = parse::lines(&text).any(|(_, l)| {
            l.starts_with("disable") && l.split('=').nth(1).is_some_and(|v| v.trim() == "yes")
        });
        if !disabled {
            out.push(Evidence::file(&rel, None, "enabled (no \"disable = yes\")"));
        }
    }
    Ok(out)
}

fn with_inetd(
    h: &Target,
    name: &str,
    units: &[&str],
    ports: &[u16],
    inetd_names: &[&str],
) -> Checked {
    let via_inetd = inetd(h, inetd_names)?;
    let out = off(h, name, units, ports)?;
    if via_inetd.is_empty() {
        return Ok(out);
    }
    let mut evidence = out.evidence;
    evidence.extend(via_inetd);
    Ok(Outcome::fail(format!("{name} is switched on.")).with_all(evidence))
}

fn telnet(h: &Target) -> Checked {
    with_inetd(
        h,
        "The telnet server",
        &["telnet.socket", "inetutils-telnetd.service"],
        &[23],
        &["telnet"],
    )
}

fn ftp(h: &Target) -> Checked {
    with_inetd(
        h,
        "The FTP server",
        &["vsftpd.service", "proftpd.service", "pure-ftpd.service"],
        &[21],
        &["ftp"],
    )
}

fn rsh(h: &Target) -> Checked {
    with_inetd(
        h,
        "rsh/rlogin/rexec",
        &["rsh.socket", "rlogin.socket", "rexec.socket"],
        &[512, 513, 514],
        &["shell", "login", "exec", "rsh", "rlogin", "rexec"],
    )
}

fn tftp(h: &Target) -> Checked {
    with_inetd(
        h,
        "The TFTP server",
        &["tftpd-hpa.service", "tftp.socket", "tftp.service"],
        &[69],
        &["tftp"],
    )
}

fn avahi(h: &Target) -> Checked {
    off(
        h,
        "Avahi",
        &["avahi-daemon.service", "avahi-daemon.socket"],
        &[],
    )
}

fn cups(h: &Target) -> Checked {
    off(
        h,
        "The print service",
        &["cups.service", "cups.socket"],
        &[631],
    )
}

fn rpcbind(h: &Target) -> Checked {
    off(h, "rpcbind", &["rpcbind.service", "rpcbind.socket"], &[111])
}

fn nfs(h: &Target) -> Checked {
    off(
        h,
        "The NFS server",
        &["nfs-server.service", "nfs-kernel-server.service"],
        &[2049],
    )
}

fn nis(h: &Target) -> Checked {
    off(h, "The NIS server", &["ypserv.service", "nis.service"], &[])
}

fn snmp_public(h: &Target) -> Checked {
    let mut bad = Vec::new();
    let mut seen = false;
    for rel in ["etc/snmp/snmpd.conf", "etc/snmp/snmpd.conf.d/local.conf"] {
        let Some(text) = h.read(rel)? else { continue };
        seen = true;
        for (n, l) in parse::lines(&text) {
            let words: Vec<&str> = l.split_whitespace().collect();
            let community = match words.first().map(|w| w.to_ascii_lowercase()) {
                Some(k) if k.starts_with("rocommunity") || k.starts_with("rwcommunity") => {
                    words.get(1)
                }
                Some(k) if k == "com2sec" || k == "com2sec6" => words.get(3),
                _ => None,
            };
            if community.is_some_and(|c| matches!(*c, "public" | "private")) {
                bad.push(Evidence::file(rel, Some(n), l));
            }
        }
    }
    if !seen {
        return Ok(Outcome::pass(
            "SNMP has no configuration, so it answers nobody.",
        ));
    }
    if bad.is_empty() {
        return Ok(Outcome::pass("SNMP does not use a well-known community."));
    }
    if any_enabled(h, &["snmpd.service"]).is_none() {
        return Ok(Outcome::warning(
            "SNMP is switched off, but its settings use a well-known community.",
        )
        .with_all(bad));
    }
    Ok(Outcome::fail("SNMP answers to a well-known community name.").with_all(bad))
}

fn mail_local(h: &Target) -> Checked {
    let open: Vec<Evidence> = open_to_network(h)
        .filter(|s| matches!(s.port, 25 | 465 | 587))
        .map(socket_evidence)
        .collect();
    if open.is_empty() {
        return Ok(Outcome::pass("Mail is delivered locally only."));
    }
    Ok(Outcome::fail("The mail service accepts connections from the network.").with_all(open))
}
