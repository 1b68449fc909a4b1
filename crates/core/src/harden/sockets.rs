//! Listening network sockets from /proc/net under the root, with the
//! program behind each one when this process may see it.

use super::target::Target;
use crate::health::sockets::{Protocol, listening_under};
use std::net::IpAddr;

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

/// The listening sockets under the host's root, as the health pillar reads
/// them (one parser of /proc/net for the whole app).
pub fn read(host: &Target) -> Vec<Socket> {
    let mut sockets: Vec<Socket> = listening_under(host.root())
        .into_iter()
        .map(|s| {
            let ip = s.address.parse::<IpAddr>().ok();
            let v6 = matches!(ip, Some(IpAddr::V6(_)));
            let loopback = match ip {
                Some(IpAddr::V4(v4)) => v4.is_loopback(),
                Some(IpAddr::V6(v6)) => {
                    v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
                }
                None => false,
            };
            let proto = match (s.protocol, v6) {
                (Protocol::Tcp, false) => "tcp",
                (Protocol::Tcp, true) => "tcp6",
                (Protocol::Udp, false) => "udp",
                (Protocol::Udp, true) => "udp6",
            };
            Socket {
                proto,
                address: s.address,
                port: s.port,
                loopback,
                program: s.program,
            }
        })
        .collect();
    sockets.sort_by(|a, b| (a.port, a.proto).cmp(&(b.port, b.proto)));
    sockets.dedup_by(|a, b| a.port == b.port && a.proto == b.proto && a.address == b.address);
    sockets
}
