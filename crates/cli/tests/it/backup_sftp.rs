//! `shipshape backup` to another computer over SSH: a real OpenSSH server
//! the test starts on 127.0.0.1 (a throwaway host key, its own
//! authorized_keys, file transfer only) and the real restic. The host
//! key is shown and trusted only when the fingerprint given is the one
//! offered; root's key gets in with the line Shipshape gives; backups are
//! made, listed, tested and restored over SFTP, and restic itself reads
//! the folder they went to. Faults: a changed host key, root's key
//! refused, a missing folder, a stopped server.

use crate::backup::{NAME, fixture, json, listed, peer, root_run, root_run_with, tree};
use crate::keyring::keyring_test;
use crate::served::{Served, free_port};
use crate::util::TestDir;
use serde_json::Value;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A real SSH server on 127.0.0.1: `/usr/sbin/sshd` in the foreground on
/// `port` with `host_key`, letting root in with the keys in
/// `folder`/authorized_keys, file transfer only.
fn start_sshd(folder: &Path, host_key: &Path, port: u16) -> Served {
    // sshd's privilege separation folder is built into it; a computer
    // whose own SSH server never ran may not have it.
    std::fs::create_dir_all("/run/sshd").unwrap();
    let config = folder.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\n\
             ListenAddress 127.0.0.1\n\
             HostKey {key}\n\
             AuthorizedKeysFile {folder}/authorized_keys\n\
             StrictModes no\n\
             PidFile {folder}/sshd.pid\n\
             UsePAM no\n\
             PasswordAuthentication no\n\
             KbdInteractiveAuthentication no\n\
             Subsystem sftp internal-sftp\n\
             AllowUsers root\n\
             PermitRootLogin prohibit-password\n",
            key = host_key.display(),
            folder = folder.display(),
        ),
    )
    .unwrap();
    let mut command = Command::new("/usr/sbin/sshd");
    command.args(["-D", "-e", "-f"]).arg(&config);
    Served::start(&mut command, "sshd", port, &folder.join("sshd.log"))
}

/// A new ED25519 key pair at `path` (and `path`.pub).
fn new_key(path: &Path) -> PathBuf {
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
    path.to_path_buf()
}

/// The fingerprint of a key pair's public half, as ssh-keygen shows it.
fn fingerprint(key: &Path) -> String {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o7777
}

keyring_test! {
    fn backups_go_to_another_computer_over_ssh_once_its_host_key_is_confirmed() {
        let dir = TestDir::new();
        let src = dir.root().join("src");
        fixture(&src);
        // The other computer: a folder here, served by sshd.
        let server = dir.root().join("server");
        std::fs::create_dir(&server).unwrap();
        let host_key = new_key(&server.join("host_key"));
        let other_host_key = new_key(&server.join("other_host_key"));
        let there = dir.root().join("there");
        let port = free_port();
        let mut sshd = Some(start_sshd(&server, &host_key, port));
        let place = format!("sftp:root@127.0.0.1:{port}:{}", there.join("office").display());
        let at = |args: &[&str]| -> Vec<String> {
            let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            all.extend(["--path".into(), src.to_str().unwrap().into()]);
            all
        };
        let run = |args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            root_run(&dir, &args)
        };

        // Places ssh or restic could misread are refused before anything is done.
        root_run(&dir, &["backup", "host-key", "--to", "sftp:root@127.0.0.1:/with space"])
            .fails_with("has a space");
        root_run(&dir, &["backup", "host-key", "--to", "sftp:root@127.0.0.1:99999:/srv"])
            .fails_with("not a port number");
        run(at(&["backup", "init", "--to", &format!("sftp:root@127.0.0.1:{port}:relative")]))
            .fails_with("not a full path");
        run(at(&["backup", "init", "--to", "sftp:-oProxyCommand=touch@127.0.0.1:/srv"]))
            .fails_with("is not an account name");

        // The host key shown is the server's; root's key is made once, kept private.
        let shown = json(&root_run(&dir, &["backup", "host-key", "--to", &place, "--json"]));
        assert_eq!(shown["fingerprint"], fingerprint(&host_key), "{shown}");
        assert_eq!(shown["trusted"], Value::Null, "{shown}");
        assert_eq!(shown["add_to"], "~root/.ssh/authorized_keys");
        let root_key = shown["root_key"].as_str().unwrap().to_string();
        assert!(root_key.starts_with("restrict,command=\"internal-sftp\" ssh-ed25519 "), "{root_key}");
        let ssh = dir.root().join("state/private/ssh");
        assert_eq!(mode(&ssh), 0o700);
        assert_eq!(mode(&ssh.join("id_ed25519")), 0o600);
        let said = root_run(&dir, &["backup", "host-key", "--to", &place]);
        said.success();
        assert!(said.stdout.contains(&fingerprint(&host_key)), "{said:?}");
        assert!(said.stdout.contains(&format!("--trust-host-key {}", fingerprint(&host_key))), "{said:?}");
        assert!(said.stdout.contains(&root_key), "the same key again: {said:?}");
        let authorized = server.join("authorized_keys");
        std::fs::write(&authorized, format!("{root_key}\n")).unwrap();

        // Not confirmed yet: refused, and no password is left in the vault.
        run(at(&["backup", "init", "--to", &place, "--name", NAME]))
            .fails_with(&format!("does not know 127.0.0.1 (port {port})'s identity"));
        // A fingerprint that is not the one offered: refused, nothing trusted.
        let wrong = fingerprint(&other_host_key);
        run(at(&["backup", "init", "--to", &place, "--name", NAME, "--trust-host-key", &wrong]))
            .fails_with(&format!("not {wrong}, so Shipshape does not trust it"));
        assert!(!ssh.join("known_hosts").exists());
        let vault: Value = json(&dir.run(&["vault", "list", "--json"]));
        assert_eq!(vault.as_array().unwrap().len(), 0, "{vault}");
        // A folder here has no host key to trust.
        let here = dir.root().join("here");
        run(at(&["backup", "init", "--to", here.to_str().unwrap(), "--trust-host-key", &wrong]))
            .fails_with("has no host key to trust");

        // Confirmed: the key is pinned, then the backup is made there.
        let right = fingerprint(&host_key);
        let init = run(at(&["backup", "init", "--to", &place, "--name", NAME, "--trust-host-key", &right]));
        init.success();
        assert!(init.stdout.contains(&place), "{init:?}");
        let known = std::fs::read_to_string(ssh.join("known_hosts")).unwrap();
        let offered = std::fs::read_to_string(host_key.with_extension("pub")).unwrap();
        let offered: Vec<&str> = offered.split_whitespace().take(2).collect();
        assert_eq!(known, format!("[127.0.0.1]:{port} {}\n", offered.join(" ")));
        assert!(there.join("office/config").is_file());
        let published = std::fs::read_to_string(dir.root().join("state/public/activity.json")).unwrap();
        assert!(published.contains("backup.ssh_key") && published.contains("backup.trust_host"));
        let password = dir.run(&["vault", "get", &format!("Backup: {NAME}"), "--stdout"]);
        password.success();
        let password = password.stdout.trim_end().to_string();

        // Backed up, listed and tested over SFTP; restic reads the folder itself.
        let ran = json(&root_run(&dir, &["backup", "run", "--json"]));
        assert_eq!(ran["outcome"], "done", "{ran}");
        let snapshot = ran["snapshot"].as_str().unwrap().to_string();
        let board = json(&root_run(&dir, &["backup", "list", "--json"]));
        assert_eq!(board["backups"][0]["repository"]["folder"], place.as_str(), "{board}");
        assert_eq!(board["backups"][0]["snapshots"][0]["short_id"], snapshot.as_str(), "{board}");
        let snaps = listed(&peer(&there.join("office"), &password, &["snapshots", "--json"]));
        assert_eq!(snaps[0]["short_id"], snapshot.as_str(), "{snaps}");
        let tested = root_run(&dir, &["backup", "test-restore"]);
        tested.success();
        assert!(tested.stdout.starts_with("The restore test passed"), "{tested:?}");
        root_run(&dir, &["backup", "check"]).success();
        let back = dir.root().join("back");
        peer(&there.join("office"), &password, &["restore", &snapshot, "--target", back.to_str().unwrap()]);
        assert_eq!(tree(&back.join(src.strip_prefix("/").unwrap())), tree(&src));

        // The folder gone from the other computer: said so.
        std::fs::rename(there.join("office"), there.join("moved")).unwrap();
        root_run(&dir, &["backup", "run"]).fails_with(&format!("There is no backup at {place}"));
        std::fs::rename(there.join("moved"), there.join("office")).unwrap();

        // Root's key no longer let in: said, with the line to add.
        std::fs::write(&authorized, "").unwrap();
        root_run(&dir, &["backup", "run"]).fails_with(&format!(
            "add this line to ~root/.ssh/authorized_keys: {root_key}"
        ));
        std::fs::write(&authorized, format!("{root_key}\n")).unwrap();

        // Another host key at the same address: refused loudly, nothing sent.
        drop(sshd.take());
        sshd = Some(start_sshd(&server, &other_host_key, port));
        root_run(&dir, &["backup", "run"]).fails_with("answered with another identity (host key)");
        let snaps = listed(&peer(&there.join("office"), &password, &["snapshots", "--json"]));
        assert_eq!(snaps.as_array().unwrap().len(), 1, "{snaps}");
        let changed = root_run(&dir, &["backup", "host-key", "--to", &place]);
        changed.code(1);
        assert!(changed.stdout.starts_with("Warning: the other computer answered with another host key"), "{changed:?}");
        assert!(changed.stdout.contains(&right) && changed.stdout.contains(&wrong), "{changed:?}");
        // The administrator confirms the new key (the computer was
        // reinstalled): it replaces the old one.
        let trusted = root_run(&dir, &["backup", "host-key", "--to", &place, "--trust-host-key", &wrong]);
        trusted.success();
        assert!(trusted.stdout.starts_with(&format!("Shipshape now trusts the other computer's host key, {wrong}.")), "{trusted:?}");
        let known = std::fs::read_to_string(ssh.join("known_hosts")).unwrap();
        assert_eq!(known.lines().count(), 1, "{known}");
        root_run(&dir, &["backup", "run"]).success();

        // A backup restic made on the other computer, connected over SFTP
        // with its password.
        let by_restic = there.join("by-restic");
        peer(&by_restic, &password, &["init"]);
        let connect = at(&[
            "backup", "connect", "--to",
            &format!("sftp:root@127.0.0.1:{port}:{}", by_restic.display()),
            "--name", "Made by restic", "--trust-host-key", &wrong,
        ]);
        let connect: Vec<&str> = connect.iter().map(String::as_str).collect();
        root_run_with(&dir, &connect, format!("{password}\n").as_bytes()).success();
        root_run(&dir, &["backup", "run", "--repo", "Made by restic"]).success();
        let keys = listed(&peer(&by_restic, &password, &["key", "list", "--json"]));
        assert_eq!(keys.as_array().unwrap().len(), 2, "root's key added: {keys}");

        // The server stopped: the other computer cannot be reached.
        drop(sshd.take());
        root_run(&dir, &["backup", "run", "--repo", NAME])
            .fails_with(&format!("cannot reach 127.0.0.1 (port {port}) (connection refused)"));
        root_run(&dir, &["backup", "host-key", "--to", &place])
            .fails_with(&format!("cannot reach 127.0.0.1 (port {port})"));
    }
}
