//! The metered-connection check against a D-Bus service, as it asks
//! NetworkManager: a private bus (`dbus-daemon`) and a stand-in for
//! NetworkManager on it (`network_manager.py`, the one property read),
//! both started here and stopped by their process ids.

use shipshape_core::maintain::conditions::metered_on;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Processes stopped when the test ends, however it ends.
struct Started(Vec<Child>);

impl Drop for Started {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The first line `child` prints.
fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim().to_string()
}

#[test]
fn a_metered_connection_is_read_from_network_manager() {
    let dir = tempfile::tempdir().unwrap();
    let mut started = Started(Vec::new());
    let mut bus = Command::new("dbus-daemon")
        .args([
            "--config-file=/usr/share/dbus-1/session.conf",
            "--nofork",
            "--print-address=1",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon is installed (make deps)");
    let address = first_line(&mut bus);
    started.0.push(bus);
    let connect = || {
        zbus::blocking::connection::Builder::address(address.as_str())
            .unwrap()
            .build()
            .unwrap()
    };

    // No NetworkManager on the bus: not metered.
    assert!(!metered_on(&connect()));

    let value = dir.path().join("metered");
    std::fs::write(&value, "1").unwrap();
    let mut nm = Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/network_manager.py"))
        .arg(&address)
        .arg(&value)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(first_line(&mut nm), "ready");
    started.0.push(nm);
    for (said, metered) in [
        ("1", true),
        ("3", true),
        ("2", false),
        ("4", false),
        ("0", false),
    ] {
        std::fs::write(&value, said).unwrap();
        assert_eq!(metered_on(&connect()), metered, "Metered = {said}");
    }
}
