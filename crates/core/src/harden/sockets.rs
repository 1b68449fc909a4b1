//! Listening network sockets from /proc/net under the root, with the
//! program behind each one when this process may see it.

use super::host::Host;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A socket waiting for connections (TCP) or datagrams (UDP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// "tcp", "tcp6", "udp" or "udp6".
    pub proto: &'static str,
    pub address: String,
    pub port: u16,
    /// Reachable from this computer only (127.0.0.1, ::1).
    pub loopback: bool,
    /// The program's name, when known.
    pub program: Option<String>,
    inode: u64,
}

impl Socket {
    /// "0.0.0.0:22/tcp sshd".
    pub fn describe(&self) -> String {
        let address = if self.address.contains(':') {
            format!("[{}]", self.address)
        } else {
            self.address.clone()
        };
        let program = self.program.as_deref().unwrap_or("(program not known)");
        format!("{address}:{}/{} {program}", self.port, self.proto)
    }
}

pub fn read(host: &Host) -> Vec<Socket> {
    let mut sockets = Vec::new();
    for proto in ["tcp", "tcp6", "udp", "udp6"] {
        let Some(text) = host.read_quiet(&format!("proc/net/{proto}")) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 {
                continue;
            }
            let listening = if proto.starts_with("tcp") {
                f[3] == "0A"
            } else {
                f[3] == "07" && f[2].ends_with(":0000")
            };
            if !listening {
                continue;
            }
            let Some((addr, port)) = f[1].split_once(':') else {
                continue;
            };
            let Ok(port) = u16::from_str_radix(port, 16) else {
                continue;
            };
            let Some((address, loopback)) = address(addr) else {
                continue;
            };
            sockets.push(Socket {
                proto,
                address,
                port,
                loopback,
                program: None,
                inode: f[9].parse().unwrap_or(0),
            });
        }
    }
    let owners = owners(host);
    for s in &mut sockets {
        s.program = owners.get(&s.inode).cloned();
    }
    sockets.sort_by(|a, b| (a.port, a.proto).cmp(&(b.port, b.proto)));
    sockets.dedup_by(|a, b| a.port == b.port && a.proto == b.proto && a.address == b.address);
    sockets
}

/// /proc/net writes addresses as hex words in the machine's byte order.
fn address(hex: &str) -> Option<(String, bool)> {
    match hex.len() {
        8 => {
            let n = u32::from_str_radix(hex, 16).ok()?;
            let ip4 = Ipv4Addr::from(n.to_le_bytes());
            Some((ip4.to_string(), ip4.is_loopback()))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                let word = u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).ok()?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
            }
            let ip = Ipv6Addr::from(bytes);
            let loopback =
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback());
            Some((ip.to_string(), loopback))
        }
        _ => None,
    }
}

/// Socket inode → program name, from /proc/<pid>/fd links.
fn owners(host: &Host) -> HashMap<u64, String> {
    let mut map = HashMap::new();
    let Ok(pids) = host.list("proc") else {
        return map;
    };
    for pid in pids
        .iter()
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        let Ok(fds) = host.list(&format!("proc/{pid}/fd")) else {
            continue;
        };
        let mut name = None;
        for fd in fds {
            let Some(target) = host.link_target(&format!("proc/{pid}/fd/{fd}")) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse::<u64>().ok())
            {
                let program = name.get_or_insert_with(|| {
                    host.read_quiet(&format!("proc/{pid}/comm"))
                        .map(|c| c.trim().to_string())
                        .unwrap_or_else(|| format!("process {pid}"))
                });
                map.insert(inode, program.clone());
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_addresses_decode() {
        assert_eq!(address("0100007F"), Some(("127.0.0.1".into(), true)));
        assert_eq!(address("00000000"), Some(("0.0.0.0".into(), false)));
        assert_eq!(
            address("00000000000000000000000001000000"),
            Some(("::1".into(), true))
        );
    }
}
