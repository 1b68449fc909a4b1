//! Listening sockets: from fixture /proc folders, and against `ss` on this
//! computer.

use crate::health_fixture::Fixture;
use shipshape_core::health::Host;
use shipshape_core::health::sockets::{self, Protocol};
use shipshape_core::host::FixtureRunner;
use std::collections::BTreeSet;

const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:0019 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0
";
const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
";
const UDP: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  10: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 222 2 0000000000000000 0
  11: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 666 2 0000000000000000 0
";

fn fixture() -> Fixture {
    let f = Fixture::new();
    f.write("/proc/net/tcp", TCP)
        .write("/proc/net/tcp6", TCP6)
        .write("/proc/net/udp", UDP)
        // nginx and its worker share socket 111; the master also has 555.
        .write("/proc/100/comm", "nginx\n")
        .link("/proc/100/exe", "/usr/sbin/nginx")
        .link("/proc/100/fd/0", "/dev/null")
        .link("/proc/100/fd/6", "socket:[111]")
        .link("/proc/100/fd/7", "socket:[555]")
        .write("/proc/101/comm", "nginx\n")
        .link("/proc/101/fd/6", "socket:[111]")
        .write("/proc/200/comm", "systemd-resolve\n")
        .link("/proc/200/fd/12", "socket:[222]")
        .link("/proc/200/fd/13", "pipe:[999]");
    // Socket 333's owner cannot be looked into: no fd folder.
    f.write("/proc/300/comm", "exim4\n");
    f
}

#[test]
fn fixture_sockets_are_listed_with_their_programs() {
    let f = fixture();
    let list = sockets::listening(&f.host(FixtureRunner::new()));
    type Row<'a> = (Protocol, String, u16, Option<&'a str>, Vec<u32>);
    let summary: Vec<Row> = list
        .iter()
        .map(|s| {
            (
                s.protocol,
                s.address.clone(),
                s.port,
                s.program.as_deref(),
                s.processes.iter().map(|p| p.pid).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Protocol::Tcp, "::".into(), 22, Some("nginx"), vec![100]),
            (Protocol::Tcp, "127.0.0.1".into(), 25, None, vec![]),
            (
                Protocol::Tcp,
                "0.0.0.0".into(),
                8080,
                Some("nginx"),
                vec![100, 101]
            ),
            (
                Protocol::Udp,
                "127.0.0.53".into(),
                53,
                Some("systemd-resolve"),
                vec![200]
            ),
        ]
    );
    let nginx = &list[2].processes[0];
    assert_eq!(nginx.exe.as_deref(), Some("/usr/sbin/nginx"));
    assert_eq!(list[2].inode, 111);
    assert_eq!(list[2].processes[1].exe, None);
}

#[test]
fn missing_tables_mean_no_sockets_not_an_error() {
    let f = Fixture::new();
    assert!(sockets::listening(&f.host(FixtureRunner::new())).is_empty());
}

/// (protocol, port, programs) as `ss -ltnupH` shows them.
fn from_ss() -> BTreeSet<(String, u16, BTreeSet<String>)> {
    let out = std::process::Command::new("ss")
        .args(["-ltnupH"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = fields[4].rsplit(':').next().unwrap().parse().unwrap();
            let mut programs = BTreeSet::new();
            if let Some(users) = line.split_once("users:(").map(|(_, u)| u) {
                for part in users.split("(\"").skip(1) {
                    programs.insert(part.split('"').next().unwrap().to_string());
                }
            }
            (fields[0].to_string(), port, programs)
        })
        .collect()
}

fn from_shipshape() -> BTreeSet<(String, u16, BTreeSet<String>)> {
    sockets::listening(&Host::this_computer())
        .into_iter()
        .map(|s| {
            (
                s.protocol.as_str().to_string(),
                s.port,
                s.processes.into_iter().map(|p| p.name).collect(),
            )
        })
        .collect()
}

#[test]
fn the_same_sockets_and_programs_as_ss() {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp6 = std::net::TcpListener::bind("[::1]:0").ok();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let ours = tcp.local_addr().unwrap().port();
    // Other tests open and close sockets meanwhile: agree within a few tries.
    let mut last = None;
    for _ in 0..10 {
        let (a, b) = (from_shipshape(), from_ss());
        if a == b {
            let me = a
                .iter()
                .find(|(p, port, _)| p == "tcp" && *port == ours)
                .unwrap();
            assert!(!me.2.is_empty(), "our own listener has no program: {me:?}");
            assert!(
                a.iter()
                    .any(|(p, port, _)| p == "udp" && *port == udp.local_addr().unwrap().port())
            );
            drop(tcp6);
            return;
        }
        last = Some((a, b));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("shipshape and ss disagree: {last:#?}");
}
