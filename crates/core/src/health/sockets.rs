//! Every listening socket and the program behind it, read from /proc the
//! way `ss -ltnup` does: TCP sockets in the LISTEN state and UDP sockets
//! that are bound but not connected.
//!
//! A socket whose owner cannot be seen (another user's process when not
//! root) is still listed, with no program: hiding it would hide exactly
//! what an administrator wants to see.

use super::Host;
use crate::host::under;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// A process holding a listening socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SocketProcess {
    pub pid: u32,
    /// The short name the kernel keeps (/proc/PID/comm), as `ss` shows it.
    pub name: String,
    /// The program file, when it can be read.
    pub exe: Option<String>,
}

/// One listening socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Socket {
    pub protocol: Protocol,
    /// The local address: "0.0.0.0" or "::" means every address.
    pub address: String,
    pub port: u16,
    /// The kernel's socket inode, which ties the socket to its processes.
    #[ts(type = "number")]
    pub inode: u64,
    /// The name of the first process holding it; `None` when no owner
    /// could be read.
    pub program: Option<String>,
    /// Every process holding it, by pid (a server and its workers share one).
    pub processes: Vec<SocketProcess>,
}

/// The files to read and the state that means "listening" in each.
const TABLES: [(&str, Protocol, &str); 4] = [
    ("/proc/net/tcp", Protocol::Tcp, "0A"),
    ("/proc/net/tcp6", Protocol::Tcp, "0A"),
    ("/proc/net/udp", Protocol::Udp, "07"),
    ("/proc/net/udp6", Protocol::Udp, "07"),
];

/// Every listening socket, sorted by protocol, port and address. A table
/// that does not exist (IPv6 turned off) contributes nothing.
pub fn listening(host: &Host) -> Vec<Socket> {
    listening_under(host.root())
}

/// `listening` for the system under `root`; the security checks read
/// their computer this way too.
pub fn listening_under(root: &Path) -> Vec<Socket> {
    let mut found = Vec::new();
    for (file, protocol, state) in TABLES {
        if let Ok(text) = std::fs::read_to_string(under(root, Path::new(file))) {
            found.extend(parse_table(&text, protocol, state));
        }
    }
    let owners = owners(root);
    let mut sockets: Vec<Socket> = found
        .into_iter()
        .map(|(protocol, address, port, inode)| {
            let processes = owners.get(&inode).cloned().unwrap_or_default();
            Socket {
                protocol,
                address: address.to_string(),
                port,
                inode,
                program: processes.first().map(|p| p.name.clone()),
                processes,
            }
        })
        .collect();
    sockets.sort_by(|a, b| {
        (a.protocol, a.port, &a.address, a.inode).cmp(&(b.protocol, b.port, &b.address, b.inode))
    });
    sockets
}

/// Rows of one /proc/net table in the given state: (protocol, address,
/// port, inode). Lines that do not parse are skipped.
/// The TCP state of an open connection in /proc/net/tcp.
const ESTABLISHED: &str = "01";

/// The server ports of the SSH sessions open on the system under `root`
/// now: established TCP connections held by the SSH server's processes
/// on a port something listens on (sshd itself, or systemd for a socket-
/// activated ssh.socket). Learned from /proc, not from this program's
/// environment (pkexec clears `SSH_CONNECTION`), so it sees every session,
/// whoever asked.
pub fn ssh_session_ports_under(root: &Path) -> Vec<u16> {
    let owners = owners(root);
    let sshd_holds = |inode: &u64| {
        owners
            .get(inode)
            .is_some_and(|ps| ps.iter().any(is_ssh_server))
    };
    let mut listening = Vec::new();
    let mut open = Vec::new();
    for (file, protocol, listen) in TABLES.iter().filter(|t| t.1 == Protocol::Tcp) {
        if let Ok(text) = std::fs::read_to_string(under(root, Path::new(file))) {
            listening.extend(parse_table(&text, *protocol, listen));
            open.extend(parse_table(&text, *protocol, ESTABLISHED));
        }
    }
    let ports: Vec<u16> = listening.iter().map(|(_, _, port, _)| *port).collect();
    // A connection sshd opened for a forwarded port is not a session.
    let mut sessions: Vec<u16> = open
        .iter()
        .filter(|(_, _, port, inode)| ports.contains(port) && sshd_holds(inode))
        .map(|(_, _, port, _)| *port)
        .collect();
    sessions.sort_unstable();
    sessions.dedup();
    sessions
}

/// OpenSSH's server: `sshd`, and since 9.8 `sshd-session` for each login.
fn is_ssh_server(p: &SocketProcess) -> bool {
    ["sshd", "sshd-session"].contains(&p.name.as_str())
}

fn parse_table(text: &str, protocol: Protocol, state: &str) -> Vec<(Protocol, IpAddr, u16, u64)> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
            if fields.len() < 10 || fields[3] != state {
                return None;
            }
            let (address, port) = parse_endpoint(fields[1])?;
            let inode = fields[9].parse().ok()?;
            Some((protocol, address, port, inode))
        })
        .collect()
}

/// "0100007F:0035" or a 32-digit IPv6 address, as the kernel prints them:
/// each 32-bit word in this machine's byte order.
fn parse_endpoint(field: &str) -> Option<(IpAddr, u16)> {
    let (addr, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |hex: &str| u32::from_str_radix(hex, 16).ok().map(u32::to_ne_bytes);
    let address = match addr.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(addr)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                chunk.copy_from_slice(&word(addr.get(i * 8..i * 8 + 8)?)?);
            }
            let v6 = Ipv6Addr::from(bytes);
            // An IPv4 address reached through an IPv6 socket reads as itself.
            match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(v6),
            }
        }
        _ => return None,
    };
    Some((address, port))
}

/// Socket inode → the processes holding it, from /proc/PID/fd links of the
/// form `socket:[INODE]`. Processes we may not look into are skipped.
fn owners(root: &Path) -> HashMap<u64, Vec<SocketProcess>> {
    let mut map: HashMap<u64, Vec<SocketProcess>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir(under(root, Path::new("/proc"))) else {
        return map;
    };
    let mut pids: Vec<u32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let proc_dir = under(root, Path::new(&format!("/proc/{pid}")));
        let Ok(fds) = std::fs::read_dir(proc_dir.join("fd")) else {
            continue;
        };
        let mut process = None;
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let Some(inode) = socket_inode(&target.to_string_lossy()) else {
                continue;
            };
            let process = process.get_or_insert_with(|| SocketProcess {
                pid,
                name: std::fs::read_to_string(proc_dir.join("comm"))
                    .map(|s| s.trim_end_matches('\n').to_string())
                    .unwrap_or_default(),
                exe: std::fs::read_link(proc_dir.join("exe"))
                    .ok()
                    .map(|p| p.display().to_string()),
            });
            let holders = map.entry(inode).or_default();
            if !holders.iter().any(|p| p.pid == pid) {
                holders.push(process.clone());
            }
        }
    }
    map
}

fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn endpoints_read_in_host_byte_order() {
        if cfg!(target_endian = "little") {
            assert_eq!(
                parse_endpoint("0100007F:1F90"),
                Some((IpAddr::V4(Ipv4Addr::LOCALHOST), 8080))
            );
            assert_eq!(
                parse_endpoint("00000000000000000000000001000000:0016"),
                Some((IpAddr::V6(Ipv6Addr::LOCALHOST), 22))
            );
            assert_eq!(
                parse_endpoint("0000000000000000FFFF00000100007F:0035"),
                Some((IpAddr::V4(Ipv4Addr::LOCALHOST), 53))
            );
        }
        assert_eq!(parse_endpoint("nonsense"), None);
    }

    #[test]
    fn ssh_sessions_are_sshds_open_connections_on_its_own_ports() {
        let root = tempfile::tempdir().unwrap();
        let put = |rel: &str, text: &str| {
            let p = root.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        let row = |local: &str, remote: &str, state: &str, inode: u32| {
            format!(
                "   0: {local} {remote} {state} 00000000:00000000 00:00000000 00000000     0        0 {inode} 1\n"
            )
        };
        put(
            "proc/net/tcp",
            &[
                header.to_string(),
                // sshd listens on 22, systemd on 2222 for ssh.socket, nginx on 80;
                // sessions on 2222 and 22, a port sshd forwards, a web visitor.
                row("00000000:0016", "00000000:0000", "0A", 100),
                row("00000000:08AE", "00000000:0000", "0A", 101),
                row("00000000:0050", "00000000:0000", "0A", 102),
                row("0100007F:08AE", "0200007F:C350", "01", 200),
                row("0100007F:0016", "0200007F:C352", "01", 201),
                row("0100007F:9C40", "0100007F:0050", "01", 300),
                row("0100007F:0050", "0200007F:C351", "01", 400),
            ]
            .concat(),
        );
        put("proc/1/comm", "systemd\n");
        put("proc/10/comm", "sshd\n");
        put("proc/11/comm", "nginx\n");
        put("proc/12/comm", "sshd-session\n");
        for pid in [1, 10, 11, 12] {
            std::fs::create_dir_all(root.path().join(format!("proc/{pid}/fd"))).unwrap();
        }
        for (pid, fd, inode) in [
            (1, 3, 101),
            (10, 3, 100),
            (10, 5, 200),
            (10, 6, 300),
            (11, 3, 102),
            (11, 4, 400),
            (12, 3, 201),
        ] {
            std::os::unix::fs::symlink(
                format!("socket:[{inode}]"),
                root.path().join(format!("proc/{pid}/fd/{fd}")),
            )
            .unwrap();
        }
        assert_eq!(ssh_session_ports_under(root.path()), vec![22, 2222]);
        // No SSH server process, no session.
        std::fs::write(root.path().join("proc/10/comm"), "bash\n").unwrap();
        std::fs::write(root.path().join("proc/12/comm"), "bash\n").unwrap();
        assert!(ssh_session_ports_under(root.path()).is_empty());
    }

    #[test]
    fn socket_links_name_their_inode() {
        assert_eq!(socket_inode("socket:[1598]"), Some(1598));
        assert_eq!(socket_inode("pipe:[1598]"), None);
        assert_eq!(socket_inode("/dev/null"), None);
    }
}
