//! Anomalies against an accepted baseline, over fixture folders.

use crate::health_fixture::Fixture;
use crate::util::{TestDir, actor, t0};
use shipshape_core::audit::{self, Filter};
use shipshape_core::health::baseline::{self, AnomalyKind, BaselineConfig, FileState};
use shipshape_core::host::FixtureRunner;
use std::os::unix::fs::PermissionsExt;

const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const SSHD: &str = "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0\n";
const PYTHON: &str = "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0\n";
const UDP_HEADER: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";

fn udp_on(port: u16) -> String {
    format!(
        "{UDP_HEADER}   5: 00000000:{port:04X} 00000000:0000 07 00000000:00000000 00:00000000 00000000   0        0 333 2 0000000000000000 0\n"
    )
}

fn chmod(f: &Fixture, path: &str, mode: u32) {
    std::fs::set_permissions(f.path(path), std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A small, healthy computer: sshd on 22, a browser on a temporary UDP
/// port, alice in sudo, passwd set-user-ID.
pub fn computer() -> Fixture {
    let f = Fixture::new();
    f.write("/proc/net/tcp", &format!("{TCP_HEADER}{SSHD}"))
        .write("/proc/net/udp", &udp_on(40000))
        .write("/proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n")
        .write("/proc/100/comm", "sshd\n")
        .link("/proc/100/fd/3", "socket:[111]")
        .write("/proc/200/comm", "python3\n")
        .link("/proc/200/fd/3", "socket:[222]")
        .write("/proc/300/comm", "firefox\n")
        .link("/proc/300/fd/9", "socket:[333]")
        .write(
            "/etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n",
        )
        .write("/etc/group", "root:x:0:\nsudo:x:27:alice\nbob:x:1001:\n")
        .write("/etc/shadow", "root:!:19000::::::\n")
        .write("/etc/sudoers", "%sudo ALL=(ALL:ALL) ALL\n")
        .write("/usr/bin/ls", "ls program")
        .write("/usr/bin/passwd", "passwd program")
        .write("/usr/sbin/useradd", "useradd program")
        .write("/usr/bin/empty", "")
        .link("/usr/bin/vi", "/etc/alternatives/vi")
        .link("/bin", "usr/bin");
    chmod(&f, "/usr/bin/passwd", 0o4755);
    f
}

fn snap(f: &Fixture) -> baseline::Snapshot {
    baseline::snapshot(&f.host(FixtureRunner::new()), &BaselineConfig::default())
}

#[test]
fn a_snapshot_holds_listeners_admins_special_files_and_checksums() {
    let f = computer();
    let s = snap(&f);
    let listeners: Vec<(u16, Option<&str>, bool)> = s
        .listening
        .iter()
        .map(|l| (l.port, l.program.as_deref(), l.temporary_port))
        .collect();
    assert_eq!(
        listeners,
        vec![(22, Some("sshd"), false), (40000, Some("firefox"), true)]
    );
    let admins: Vec<(&str, Vec<String>)> = s
        .administrators
        .iter()
        .map(|a| (a.user.as_str(), a.because.clone()))
        .collect();
    assert_eq!(
        admins,
        vec![
            ("alice", vec!["member of sudo".to_string()]),
            ("root", vec!["user ID 0".to_string()]),
        ]
    );
    assert_eq!(s.special_files.len(), 1);
    assert_eq!(s.special_files[0].path, "/usr/bin/passwd");
    assert!(s.special_files[0].setuid && !s.special_files[0].setgid);
    let paths: Vec<&str> = s.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "/bin",
            "/etc/passwd",
            "/etc/shadow",
            "/etc/sudoers",
            "/usr/bin/empty",
            "/usr/bin/ls",
            "/usr/bin/passwd",
            "/usr/bin/vi",
            "/usr/sbin/useradd"
        ]
    );
    // Links are recorded, not followed, even to places outside.
    assert_eq!(
        s.files["/bin"],
        FileState::Link {
            target: "usr/bin".into()
        }
    );
    assert_eq!(
        s.files["/usr/bin/vi"],
        FileState::Link {
            target: "/etc/alternatives/vi".into()
        }
    );
    assert_eq!(
        s.files["/usr/bin/ls"],
        FileState::File {
            blake3: blake3::hash(b"ls program").to_hex().to_string(),
            mode: 0o644
        }
    );
}

#[test]
fn accept_then_clean_then_every_kind_of_anomaly() {
    let f = computer();
    let dir = TestDir::new();
    let store = dir.open();
    assert_eq!(baseline::diff(&store, &snap(&f)).unwrap(), None);
    baseline::accept(&store, t0(), &actor(), &snap(&f)).unwrap();
    let accepted = baseline::accepted(&store).unwrap().unwrap();
    assert_eq!((accepted.time, accepted.actor.as_str()), (t0(), "alice"));
    let filter = Filter {
        action: Some("baseline.accept".into()),
        ..Filter::default()
    };
    assert_eq!(audit::list(&store, &filter).unwrap().len(), 1);

    let clean = baseline::diff(&store, &snap(&f)).unwrap().unwrap();
    assert_eq!(clean.accepted, t0());
    assert!(clean.anomalies.is_empty(), "{:?}", clean.anomalies);

    // The browser picked another temporary port: nothing new.
    f.write("/proc/net/udp", &udp_on(45000));
    assert!(
        baseline::diff(&store, &snap(&f))
            .unwrap()
            .unwrap()
            .anomalies
            .is_empty()
    );

    // A new port, a new admin, a new set-user-ID file, a changed program,
    // a removed one, a link pointing elsewhere and a new file.
    f.write("/proc/net/tcp", &format!("{TCP_HEADER}{SSHD}{PYTHON}"))
        .write(
            "/etc/group",
            "root:x:0:\nsudo:x:27:alice,bob\nbob:x:1001:\n",
        )
        .write("/usr/local/bin/helper", "anything");
    chmod(&f, "/usr/local/bin/helper", 0o4755);
    f.write("/usr/bin/ls", "ls program, altered");
    std::fs::remove_file(f.path("/usr/sbin/useradd")).unwrap();
    std::fs::remove_file(f.path("/usr/bin/vi")).unwrap();
    f.link("/usr/bin/vi", "/tmp/evil")
        .write("/usr/bin/newtool", "new");
    chmod(&f, "/etc/sudoers", 0o666);

    let anomalies = baseline::diff(&store, &snap(&f))
        .unwrap()
        .unwrap()
        .anomalies;
    let found: Vec<(AnomalyKind, &str, &str)> = anomalies
        .iter()
        .map(|a| (a.kind, a.subject.as_str(), a.what.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                AnomalyKind::NewListener,
                "tcp/8080",
                "A new program listens on port 8080 (tcp): python3"
            ),
            (
                AnomalyKind::NewAdministrator,
                "bob",
                "A new administrator: bob (member of sudo)"
            ),
            (
                AnomalyKind::NewSpecialFile,
                "/usr/local/bin/helper",
                "A program can now run with its owner's rights: /usr/local/bin/helper (owner user ID 0)"
            ),
            (
                AnomalyKind::ChangedFile,
                "/etc/sudoers",
                "A system file changed: /etc/sudoers (its permissions changed to 666)"
            ),
            (
                AnomalyKind::ChangedFile,
                "/usr/bin/ls",
                "A system file changed: /usr/bin/ls (its contents differ from the accepted baseline)"
            ),
            (
                AnomalyKind::NewFile,
                "/usr/bin/newtool",
                "A new system file: /usr/bin/newtool"
            ),
            (
                AnomalyKind::ChangedFile,
                "/usr/bin/vi",
                "A system file changed: /usr/bin/vi (now points to /tmp/evil (was /etc/alternatives/vi))"
            ),
            (
                AnomalyKind::RemovedFile,
                "/usr/sbin/useradd",
                "A system file was removed: /usr/sbin/useradd"
            ),
        ]
    );
    assert!(
        anomalies
            .iter()
            .all(|a| !a.advice.is_empty() && !a.short.is_empty())
    );
    assert_eq!(anomalies[0].short, "a new program listens on port 8080");

    // After a legitimate change, accepting again makes it clean.
    baseline::accept(&store, t0(), &actor(), &snap(&f)).unwrap();
    assert!(
        baseline::diff(&store, &snap(&f))
            .unwrap()
            .unwrap()
            .anomalies
            .is_empty()
    );
}

#[test]
fn unreadable_files_and_unseen_owners_are_not_anomalies_of_their_own() {
    let f = computer();
    let mut before = snap(&f);
    before.files.insert(
        "/etc/shadow".into(),
        FileState::Unreadable {
            reason: "permission denied".into(),
        },
    );
    assert!(baseline::compare(&before, &snap(&f)).is_empty());

    // A new socket whose owner cannot be seen is still told.
    f.write(
        "/proc/net/tcp",
        &format!("{TCP_HEADER}{SSHD}{}", PYTHON.replace(" 222 ", " 999 ")),
    );
    let anomalies = baseline::compare(&snap(&computer()), &snap(&f));
    assert_eq!(anomalies.len(), 1);
    assert!(
        anomalies[0]
            .what
            .starts_with("Something new listens on port 8080"),
        "{anomalies:?}"
    );
}

#[test]
fn the_watched_paths_are_the_users_to_change_and_survive_a_restart() {
    let f = computer();
    f.write("/opt/app/bin/server", "server program");
    let dir = TestDir::new();
    let store = dir.open();
    let host = f.host(FixtureRunner::new());
    assert_eq!(
        baseline::watched(&store).unwrap(),
        BaselineConfig::default()
    );

    let config =
        baseline::set_watched(&store, &host, t0(), &actor(), "/opt/app/bin/", true).unwrap();
    assert!(config.checksum_paths.contains(&"/opt/app/bin".to_string()));
    // Accepted with the new path, a changed program under it is an anomaly.
    baseline::accept(&store, t0(), &actor(), &baseline::snapshot(&host, &config)).unwrap();
    f.write("/opt/app/bin/server", "tampered program");
    drop(store);
    let store = dir.open();
    let watched = baseline::watched(&store).unwrap();
    let diff = baseline::diff(&store, &baseline::snapshot(&host, &watched))
        .unwrap()
        .unwrap();
    assert!(
        diff.anomalies
            .iter()
            .any(|a| a.subject == "/opt/app/bin/server"),
        "{:?}",
        diff.anomalies
    );

    let missing =
        baseline::set_watched(&store, &host, t0(), &actor(), "/opt/nothing", true).unwrap_err();
    assert_eq!(missing.code, shipshape_core::ErrorCode::NotFound);
    for bad in ["relative/path", "/", "/opt/../etc"] {
        let e = baseline::set_watched(&store, &host, t0(), &actor(), bad, true).unwrap_err();
        assert_eq!(e.code, shipshape_core::ErrorCode::InvalidInput, "{bad}");
    }
    // Kernel and device file systems are never watched, even when present.
    for pseudo in ["/proc", "/proc/1", "/sys/kernel", "/dev", "/run/user"] {
        f.write(&format!("{pseudo}/file"), "changes as it is read");
        let e = baseline::set_watched(&store, &host, t0(), &actor(), pseudo, true).unwrap_err();
        assert_eq!(e.code, shipshape_core::ErrorCode::InvalidInput, "{pseudo}");
        assert!(e.message.contains("made by the kernel"), "{}", e.message);
    }
    // A kernel file system mounted anywhere else is found in the mount table.
    f.write("/srv/sysview/file", "changes as it is read");
    f.write(
        "/proc/self/mountinfo",
        "22 1 0:21 / /srv/sysview rw,nosuid - sysfs sysfs rw\n",
    );
    let e = baseline::set_watched(&store, &host, t0(), &actor(), "/srv/sysview", true).unwrap_err();
    assert_eq!(e.code, shipshape_core::ErrorCode::InvalidInput);
    let config =
        baseline::set_watched(&store, &host, t0(), &actor(), "/opt/app/bin", false).unwrap();
    assert!(!config.checksum_paths.contains(&"/opt/app/bin".to_string()));
    let actions: Vec<String> = crate::util::all(&store)
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("baseline."))
            .count(),
        3,
        "{actions:?}"
    );
}

#[test]
fn a_baseline_change_whose_entry_cannot_be_written_is_not_made() {
    let f = computer();
    f.write("/opt/app/bin/server", "server program");
    let dir = TestDir::new();
    let store = dir.open();
    let host = f.host(FixtureRunner::new());
    dir.refuse_audit_entries();
    let e = baseline::accept(&store, t0(), &actor(), &snap(&f)).unwrap_err();
    assert!(e.message.contains("disk I/O error"), "{}", e.message);
    assert!(baseline::accepted(&store).unwrap().is_none());
    baseline::set_watched(&store, &host, t0(), &actor(), "/opt/app/bin", true).unwrap_err();
    assert_eq!(
        baseline::watched(&store).unwrap(),
        BaselineConfig::default()
    );
    dir.allow_audit_entries();
    assert!(crate::util::all(&store).is_empty());
}
