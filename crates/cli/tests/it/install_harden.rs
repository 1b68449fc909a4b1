//! After installing, with the real dpkg and a real keychain: a package
//! whose set-up script makes its service start with the computer and
//! leaves a first password in a file, and whose settings carry a default
//! password. Root finds all three; the service is switched off (and back
//! with the Security screen's Undo), the default password is replaced by
//! a generated one kept in Credentials, the password file is kept there
//! and removed, and a file another account could swap is left alone. Its
//! example pages, where a web server serves them, are moved into a copy
//! root keeps.
//! Everything installed is purged afterwards, even when the test fails.

use crate::install_deb::{build_with, install, sha256};
use crate::keyring::{found_in_folder, keyring_test};
use crate::updates::{Archive, dpkg_turn, json};
use crate::util::{Run, TestDir};
use std::path::Path;

const SERVER: &str = "shipshape-test-server";
const FIRST: &str = "5e7c0de-first-login";

fn postinst() -> String {
    format!(
        "#!/bin/sh\nset -e\nmkdir -p /etc/systemd/system/multi-user.target.wants\nln -sf /lib/systemd/system/{SERVER}.service /etc/systemd/system/multi-user.target.wants/{SERVER}.service\nmkdir -p /var/lib/{SERVER}/secrets\necho {FIRST} > /var/lib/{SERVER}/secrets/initialAdminPassword\nchmod 600 /var/lib/{SERVER}/secrets/initialAdminPassword\n"
    )
}

fn postrm() -> String {
    format!(
        "#!/bin/sh\nrm -f /etc/systemd/system/multi-user.target.wants/{SERVER}.service\nrm -rf /var/lib/{SERVER}\n"
    )
}

keyring_test! {
    fn what_a_package_switched_on_is_switched_off_and_its_passwords_go_to_the_keychain() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let state = dir.root().join("state");
        let mut archive = Archive::empty(dir.root());
        archive.index(true);
        assert!(archive.read_into_apt());
        archive.purge_after(SERVER);
        let deb = build_with(
            dir.root(),
            SERVER,
            "1.0",
            "",
            Some(&postinst()),
            "port = 8080\nadmin_password = \"admin\"\n",
            &[
                ("postrm", &postrm()),
                ("templates", &format!("Template: {SERVER}/admin-password\nType: password\nDescription: The administrator's password\n")),
                (&format!("/var/www/{SERVER}/index.html"), "<h1>shop</h1>\n"),
                (&format!("/var/www/{SERVER}/examples/index.html"), "<h1>demo</h1>\n"),
            ],
        );
        let installed = install(&dir, &archive, &state, &deb, &["--sha256", &sha256(&deb), "--yes", "--json"]);
        installed.success();
        let run = json(&installed);
        let id = run["id"].as_i64().unwrap().to_string();
        let service = format!("service:{SERVER}.service");
        let conf = format!("/etc/{SERVER}.conf");
        let default = format!("password:{conf}:admin_password");
        let file = format!("/var/lib/{SERVER}/secrets/initialAdminPassword");
        let first = format!("password-file:{file}");
        // Ports other tests open meanwhile may be listed too; the
        // package's own findings come first.
        let found: Vec<&str> = run["hardening"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .filter(|id| !id.starts_with("port:"))
            .collect();
        let question = format!("password-question:{SERVER}/admin-password");
        let examples = format!("/var/www/{SERVER}/examples");
        let sample = format!("sample:{examples}");
        assert_eq!(found, [service.as_str(), &default, &first, &question, &sample]);

        let harden = |args: &[&str]| {
            let mut cmd = dir.cmd(&["installs", "harden", &id]);
            cmd.args(args).env("SHIPSHAPE_STATE_DIR", &state);
            Run::from(cmd.output().unwrap())
        };
        let listed = harden(&[]);
        listed.success();
        assert!(listed.stdout.contains("not answered yet"), "{listed:?}");
        assert!(
            listed.stdout.contains(&format!("shipshape installs harden {id} --switch-off '{service}'")),
            "{listed:?}"
        );

        // Sample content is moved out of where it is served, into a copy
        // in root's private folder.
        harden(&["--remove-sample", &default]).fails_with("is not sample content");
        harden(&["--remove-sample", &sample]).success();
        assert!(!Path::new(&examples).exists());
        assert!(Path::new(&format!("/var/www/{SERVER}/index.html")).exists(), "only the examples");
        let copies: Vec<_> = std::fs::read_dir(state.join("private/sample-data"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(
            std::fs::read_to_string(copies[0].join("examples/index.html")).unwrap(),
            "<h1>demo</h1>\n"
        );
        harden(&["--remove-sample", &sample]).fails_with("answered already");

        // Switching off shows the change first, and makes it only with --yes.
        let link = format!("/etc/systemd/system/multi-user.target.wants/{SERVER}.service");
        let link = Path::new(&link);
        harden(&["--switch-off", &service]).code(2);
        assert!(link.symlink_metadata().is_ok());
        harden(&["--switch-off", &default, "--yes"]).fails_with("is not a service");
        let off = harden(&["--switch-off", &service, "--yes", "--json"]);
        off.success();
        assert!(link.symlink_metadata().is_err(), "the boot link is gone");
        let answers = json(&off);
        let change = answers[0]["answer"]["change"].as_i64().unwrap().to_string();
        assert_eq!(answers[0]["answer"]["done"], true);
        harden(&["--switch-off", &service, "--yes"]).fails_with("answered already");
        let mut undo = dir.cmd(&["undo", &change]);
        undo.env("SHIPSHAPE_STATE_DIR", &state);
        Run::from(undo.output().unwrap()).success();
        assert!(link.symlink_metadata().is_ok(), "Undo made it start with the computer again");

        // The default password is replaced by a generated one, kept in
        // Credentials; the file keeps its other lines.
        harden(&["--password", &default]).success();
        let now = std::fs::read_to_string(&conf).unwrap();
        assert!(now.starts_with("port = 8080\nadmin_password = \""), "{now}");
        let new = now.lines().nth(1).unwrap().split('"').nth(1).unwrap().to_string();
        assert!(new.len() >= 20 && new != "admin", "{new}");
        let kept = dir.run(&["vault", "get", &format!("{SERVER}: admin_password"), "--stdout"]);
        kept.success();
        assert_eq!(kept.stdout.trim_end(), new);

        // A password file in a folder another account could change is left
        // alone, and nothing is kept.
        let secrets = Path::new(&file).parent().unwrap().to_path_buf();
        std::os::unix::fs::chown(&secrets, Some(65534), None).unwrap();
        let refused = harden(&["--password", &first]);
        std::os::unix::fs::chown(&secrets, Some(0), None).unwrap();
        refused.fails_with("another account");
        assert!(Path::new(&file).exists());
        dir.run(&["vault", "get", &format!("{SERVER}: first password"), "--stdout"]).code(2);

        // Otherwise its password goes to Credentials and the file goes.
        harden(&["--password", &first]).success();
        assert!(!Path::new(&file).exists());
        let kept = dir.run(&["vault", "get", &format!("{SERVER}: first password"), "--stdout"]);
        assert_eq!(kept.stdout.trim_end(), FIRST);

        // Asked for while it is set up: a new one is made and kept.
        harden(&["--password", &question]).success();
        let made = dir.run(&["vault", "get", &format!("{SERVER}: admin-password"), "--stdout"]);
        made.success();
        assert_eq!(made.stdout.trim_end().len(), 24);

        harden(&["--keep", "service:nothing-here.service"]).fails_with("found nothing called");
        let listed = harden(&[]);
        assert!(listed.stdout.contains("Switched off"), "{listed:?}");
        assert!(listed.stdout.contains("Kept its password in Credentials"), "{listed:?}");
        assert!(listed.stdout.contains("away from where it is served; a copy is kept in"), "{listed:?}");

        // The change record says what was done; no password is in
        // Shipshape's files or root's.
        let record = dir.root().join("record.json");
        dir.run(&["installs", "record", &id, record.to_str().unwrap()]).success();
        let text = std::fs::read_to_string(&record).unwrap();
        assert!(text.contains("Switched off"), "{text}");
        for secret in [new.as_str(), FIRST] {
            assert!(found_in_folder(dir.data(), secret.as_bytes()).is_empty());
            assert!(found_in_folder(&state, secret.as_bytes()).is_empty());
        }
    }
}
