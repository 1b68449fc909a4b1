//! `shipshape backup` to a restic REST server: the real `rclone serve
//! restic` (an implementation of restic's REST protocol) the test starts
//! on 127.0.0.1 with an account, a password full of URL characters and a
//! self-signed certificate openssl makes, and the real restic. The
//! certificate is trusted only when the fingerprint given is the one
//! openssl prints for it; the password is kept sealed and never appears
//! in Shipshape's files or restic's arguments; backups are made, listed,
//! tested and restored through the server, and restic itself reads them
//! there. Faults: a place holding a password, a wrong password, another
//! certificate, a server without encryption addressed with https and the
//! reverse, a stopped server.

use crate::backup::{NAME, fixture, json, listed, restic_reaching, root_run, root_run_with, tree};
use crate::keyring::keyring_test;
use crate::served::{Served, certificate, free_port};
use crate::util::TestDir;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The server account's password: every character a URL gives meaning to.
const LOGIN: &str = "s3cr:t@/x %y#?&";

/// `rclone serve restic` on 127.0.0.1: serves the repositories in `data`
/// on `port`, over https with the certificate `tls` (certificate, key)
/// when given, to the account `office` with `LOGIN`.
fn rest_server(data: &Path, tls: Option<&(PathBuf, PathBuf)>, port: u16, log: &Path) -> Served {
    let mut command = Command::new("rclone");
    command
        .args(["serve", "restic", "--config", "/dev/null"])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(["--user", "office", "--pass", LOGIN]);
    if let Some((cert, key)) = tls {
        command.arg("--cert").arg(cert).arg("--key").arg(key);
    }
    command.arg(data);
    Served::start(&mut command, "rclone serve restic", port, log)
}

/// The certificate's fingerprint as openssl prints it: `AB:CD:…`.
fn fingerprint(cert: &Path) -> String {
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(cert)
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    said.trim().split_once('=').unwrap().1.to_string()
}

/// The real restic, reaching the server itself with the password in the
/// address and the certificate given.
fn peer(repo: &str, cert: &Path, password: &str, args: &[&str]) -> std::process::Output {
    let cache = cert.with_file_name("peer-cache");
    let reach = [
        OsStr::new("--repo"),
        OsStr::new(repo),
        OsStr::new("--cacert"),
        cert.as_os_str(),
        OsStr::new("--cache-dir"),
        cache.as_os_str(),
    ];
    restic_reaching(&reach, password, args)
}

/// Every file under `root` holding `needle`, by name.
fn holding(root: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                todo.push(path);
            } else if meta.is_file()
                && std::fs::read(&path)
                    .unwrap()
                    .windows(needle.len())
                    .any(|w| w == needle)
            {
                found.push(path);
            }
        }
    }
    found
}

keyring_test! {
    fn backups_go_to_a_rest_server_once_its_certificate_is_confirmed() {
        let dir = TestDir::new();
        let src = dir.root().join("src");
        fixture(&src);
        let server_folder = dir.root().join("server");
        let data = server_folder.join("data");
        std::fs::create_dir_all(&data).unwrap();
        let tls = certificate(&server_folder, "cert");
        let other_tls = certificate(&server_folder, "other");
        let (right, wrong) = (fingerprint(&tls.0), fingerprint(&other_tls.0));
        let log = server_folder.join("rclone.log");
        let port = free_port();
        let mut server = Some(rest_server(&data, Some(&tls), port, &log));
        let place = format!("rest:https://office@127.0.0.1:{port}/office");
        let with_path = |args: &[&str]| -> Vec<String> {
            let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            all.extend(["--path".into(), src.to_str().unwrap().into()]);
            all
        };
        let run = |args: Vec<String>| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            root_run(&dir, &args)
        };
        let give_login = |args: &[&str], login: &str| root_run_with(&dir, args, format!("{login}\n").as_bytes());

        // A certificate made out for another name: refused before anything
        // is trusted, since restic would refuse it whatever is pinned.
        let elsewhere = server_folder.join("elsewhere");
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2", "-subj", "/CN=nas.example"])
            .args(["-addext", "subjectAltName=DNS:nas.example", "-keyout"])
            .arg(elsewhere.with_extension("key"))
            .arg("-out")
            .arg(elsewhere.with_extension("pem"))
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        let other_port = free_port();
        let named = (elsewhere.with_extension("pem"), elsewhere.with_extension("key"));
        let misnamed = rest_server(&data, Some(&named), other_port, &server_folder.join("misnamed.log"));
        let misplaced = format!("rest:https://office@127.0.0.1:{other_port}/office");
        give_login(&["backup", "server", "--to", &misplaced, "--trust-certificate", &fingerprint(&named.0), "--ask-password"], LOGIN)
            .fails_with("is made out for another name than the one written in the place");
        assert!(!dir.root().join(format!("state/private/rest/127.0.0.1_{other_port}.pem")).exists());
        drop(misnamed);

        // Places restic could misread, or holding the password, are refused.
        let refused = root_run(&dir, &["backup", "server", "--to", &format!("rest:https://office:{LOGIN}@127.0.0.1:{port}/office")]);
        refused.fails_with("has the server's password in it");
        assert!(!refused.stderr.contains("s3cr") && !refused.stderr.contains("%y#"), "{refused:?}");
        root_run(&dir, &["backup", "server", "--to", &format!("rest:https://127.0.0.1:{port}/../etc")])
            .fails_with("climbs");
        run(with_path(&["backup", "init", "--to", "rest:ftp://127.0.0.1/x"])).fails_with("https:// or http://");

        // The certificate shown is the server's; nothing is trusted or kept yet.
        let shown = root_run(&dir, &["backup", "server", "--to", &place, "--json"]);
        shown.code(1);
        let shown = json(&shown);
        assert_eq!(shown["fingerprint"], right.as_str(), "{shown}");
        assert_eq!(shown["trusted"], Value::Null, "{shown}");
        assert_eq!((shown["login_kept"].as_bool(), shown["ready"].as_bool()), (Some(false), Some(false)), "{shown}");
        let said = root_run(&dir, &["backup", "server", "--to", &place]);
        assert!(said.stdout.contains(&format!("--trust-certificate {right} --ask-password")), "{said:?}");

        // Not confirmed: refused, and no password is left in the vault.
        run(with_path(&["backup", "init", "--to", &place, "--name", NAME]))
            .fails_with("does not know the backup server 127.0.0.1");
        let vault: Value = json(&dir.run(&["vault", "list", "--json"]));
        assert_eq!(vault.as_array().unwrap().len(), 0, "{vault}");
        // A fingerprint that is not the one shown: refused, nothing trusted.
        give_login(&["backup", "server", "--to", &place, "--trust-certificate", &wrong, "--ask-password"], LOGIN)
            .fails_with(&format!("not {wrong}, so Shipshape does not trust it"));
        let rest_state = dir.root().join("state/private/rest");
        assert!(!rest_state.join(format!("127.0.0.1_{port}.pem")).exists());
        // A host key's fingerprint is not a certificate's.
        root_run(&dir, &["backup", "server", "--to", &place, "--trust-certificate", "SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s"])
            .fails_with("is not a certificate's SHA-256 fingerprint");
        // Trusted with a wrong password: the server's refusal is said.
        give_login(&["backup", "server", "--to", &place, "--trust-certificate", &right.to_lowercase(), "--ask-password"], "not it")
            .fails_with("refused the password of the account office");
        assert!(rest_state.join(format!("127.0.0.1_{port}.pem")).is_file());
        // The refused password is not kept: a look again asks for one.
        let again = root_run(&dir, &["backup", "server", "--to", &place, "--json"]);
        again.code(1);
        let again = json(&again);
        assert_eq!((again["login_kept"].as_bool(), again["ready"].as_bool()), (Some(false), Some(false)), "{again}");
        // A password for a place that names no account changes nothing.
        give_login(&["backup", "server", "--to", &format!("rest:https://127.0.0.1:{port}/x"), "--ask-password"], LOGIN)
            .fails_with("names no account");

        // The right password: the server lets Shipshape in; nothing is there yet.
        let ready = give_login(&["backup", "server", "--to", &place, "--ask-password", "--json"], LOGIN);
        ready.success();
        let ready = json(&ready);
        assert_eq!((ready["trusted"].as_str(), ready["ready"].as_bool(), ready["has_backup"].as_bool()), (Some(right.as_str()), Some(true), Some(false)), "{ready}");
        let said = root_run(&dir, &["backup", "server", "--to", &place]);
        said.success();
        assert!(said.stdout.starts_with(&format!("Shipshape trusts the server's certificate, {right}.")), "{said:?}");
        assert!(said.stdout.contains(&format!("shipshape backup init --to {place}")), "{said:?}");

        // A host key is no use for a backup server.
        run(with_path(&["backup", "init", "--to", &place, "--trust-host-key", "SHA256:NCvqoHtHnmaT7CKKc+oni+ku3qvj7AQK5aranoUx98s"]))
            .fails_with("has no host key to trust");

        // Set up, backed up, listed, tested, checked through the server.
        let init = run(with_path(&["backup", "init", "--to", &place, "--name", NAME]));
        init.success();
        assert!(init.stdout.contains(&place), "{init:?}");
        assert!(data.join("office/config").is_file());
        let password = dir.run(&["vault", "get", &format!("Backup: {NAME}"), "--stdout"]);
        password.success();
        let password = password.stdout.trim_end().to_string();
        let ran = json(&root_run(&dir, &["backup", "run", "--json"]));
        assert_eq!(ran["outcome"], "done", "{ran}");
        let snapshot = ran["snapshot"].as_str().unwrap().to_string();
        let board = json(&root_run(&dir, &["backup", "list", "--json"]));
        assert_eq!(board["backups"][0]["repository"]["folder"], place.as_str(), "{board}");
        assert_eq!(board["backups"][0]["snapshots"][0]["short_id"], snapshot.as_str(), "{board}");
        let tested = root_run(&dir, &["backup", "test-restore"]);
        tested.success();
        assert!(tested.stdout.starts_with("The restore test passed"), "{tested:?}");
        root_run(&dir, &["backup", "check"]).success();

        // restic itself reads it through the server and restores it byte for byte.
        let login_in_url: String = LOGIN.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        let url = format!("rest:https://office:{login_in_url}@127.0.0.1:{port}/office/");
        let snaps = listed(&peer(&url, &tls.0, &password, &["snapshots", "--json"]));
        assert_eq!(snaps[0]["short_id"], snapshot.as_str(), "{snaps}");
        let back = dir.root().join("back");
        peer(&url, &tls.0, &password, &["restore", &snapshot, "--target", back.to_str().unwrap()]);
        assert_eq!(tree(&back.join(src.strip_prefix("/").unwrap())), tree(&src));

        // The server's password is in none of Shipshape's files, readable or sealed.
        assert_eq!(holding(&dir.root().join("state"), LOGIN.as_bytes()), Vec::<PathBuf>::new());
        assert_eq!(holding(&dir.root().join("state"), login_in_url.as_bytes()), Vec::<PathBuf>::new());
        let published = std::fs::read_to_string(dir.root().join("state/public/activity.json")).unwrap();
        assert!(published.contains("backup.trust_server") && published.contains("backup.server_password"), "{published}");

        drop(server.take());
        server = Some(rest_server(&data, Some(&other_tls), port, &log));
        // Another certificate at the same address: refused loudly, nothing sent.
        root_run(&dir, &["backup", "run"]).fails_with("showed another certificate than the one Shipshape trusts");
        let changed = root_run(&dir, &["backup", "server", "--to", &place]);
        changed.code(1);
        assert!(changed.stdout.starts_with("Warning: the server shows another certificate"), "{changed:?}");
        assert!(changed.stdout.contains(&right) && changed.stdout.contains(&wrong), "{changed:?}");
        let snaps = listed(&peer(&url, &other_tls.0, &password, &["snapshots", "--json"]));
        assert_eq!(snaps.as_array().unwrap().len(), 1, "{snaps}");
        // The administrator confirms the new certificate: it replaces the old.
        let trusted = json(&root_run(&dir, &["backup", "server", "--to", &place, "--trust-certificate", &wrong, "--json"]));
        assert_eq!((trusted["trusted"].as_str(), trusted["has_backup"].as_bool()), (Some(wrong.as_str()), Some(true)), "{trusted}");
        root_run(&dir, &["backup", "run"]).success();

        // A backup restic made on the server, connected with its password.
        let by_restic = format!("rest:https://office:{login_in_url}@127.0.0.1:{port}/by-restic/");
        peer(&by_restic, &other_tls.0, &password, &["init"]);
        let connect = with_path(&["backup", "connect", "--to", &format!("rest:https://office@127.0.0.1:{port}/by-restic"), "--name", "Made by restic"]);
        let connect: Vec<&str> = connect.iter().map(String::as_str).collect();
        root_run_with(&dir, &connect, format!("{password}\n").as_bytes()).success();
        root_run(&dir, &["backup", "run", "--repo", "Made by restic"]).success();
        let keys = listed(&peer(&by_restic, &other_tls.0, &password, &["key", "list", "--json"]));
        assert_eq!(keys.as_array().unwrap().len(), 2, "root's key added: {keys}");

        // The same server without encryption: https is said to be wrong, and
        // http works with the password kept for the http account.
        drop(server.take());
        server = Some(rest_server(&data, None, port, &log));
        root_run(&dir, &["backup", "run", "--repo", NAME]).fails_with("does not use encryption (https)");
        let plain = format!("rest:http://office@127.0.0.1:{port}/plain");
        give_login(&["backup", "server", "--to", &plain, "--trust-certificate", &right, "--ask-password"], LOGIN)
            .fails_with("has no certificate to trust");
        let said = give_login(&["backup", "server", "--to", &plain, "--ask-password"], LOGIN);
        said.success();
        assert!(said.stdout.starts_with("The server is reached without encryption (http)"), "{said:?}");
        run(with_path(&["backup", "init", "--to", &plain, "--name", "Plain"])).success();
        root_run(&dir, &["backup", "run", "--repo", "Plain"]).success();

        // The server stopped: it cannot be reached.
        drop(server.take());
        root_run(&dir, &["backup", "run", "--repo", "Plain"])
            .fails_with(&format!("cannot reach the backup server 127.0.0.1 (port {port}) (connection refused)"));
        root_run(&dir, &["backup", "server", "--to", &place])
            .fails_with(&format!("cannot reach the backup server 127.0.0.1 (port {port})"));
    }
}
