//! Servers a test starts on 127.0.0.1 (sshd, a REST server), stopped by
//! their process id when dropped so a failing test never leaves one
//! running, and the self-signed certificates they show.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server the test started, listening on its port.
pub struct Served {
    child: Child,
}

impl Served {
    /// Starts `command` (`what`, for messages), its errors into `log`, and
    /// waits until it listens on 127.0.0.1:`port`.
    pub fn start(command: &mut Command, what: &str, port: u16, log: &Path) -> Served {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("{what} could not start (make deps installs it): {e}"));
        let mut served = Served { child };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let said = std::fs::read_to_string(log).unwrap();
            assert!(
                served.child.try_wait().unwrap().is_none(),
                "{what} stopped: {said}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{what} never listened: {said}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let _ = self.child.wait();
    }
}

/// A self-signed certificate for localhost and 127.0.0.1, and its key:
/// `folder`/`name`.pem and `folder`/`name`.key.
pub fn certificate(folder: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        folder.join(format!("{name}.pem")),
        folder.join(format!("{name}.key")),
    );
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2"])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (cert, key)
}
