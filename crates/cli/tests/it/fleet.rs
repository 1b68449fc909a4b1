//! `shipshape fleet` with two "computers" the test starts: real OpenSSH
//! servers on 127.0.0.1, each with its own host key, its own
//! authorized_keys and its own Shipshape data, answering through
//! `shipshape fleet serve` only. A computer is enrolled once its host key's
//! fingerprint is confirmed (a wrong one is refused, nothing pinned); the
//! console's key is made with its passphrase in the keychain and is
//! never readable without it; both computers are checked at once; a
//! changed host key is refused loudly, a computer that is down is said so,
//! and the other one is still checked. Servers and agents are stopped by
//! their process ids.

use crate::keyring::keyring_test;
use crate::served::{Served, free_port};
use crate::updates::{Archive, dpkg_turn, json, version_of};
use crate::util::TestDir;
use serde_json::Value;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A computer of the office: a folder with its host key, its
/// authorized_keys and its Shipshape data, served by sshd on `port`.
struct Computer {
    folder: PathBuf,
    port: u16,
}

impl Computer {
    fn new(root: &Path, name: &str) -> Computer {
        let folder = root.join(name);
        std::fs::create_dir_all(folder.join("data")).expect("a folder");
        for key in ["host_key", "other_host_key"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(folder.join(key))
                .status()
                .expect("ssh-keygen runs");
            assert!(made.success());
        }
        Computer {
            folder,
            port: free_port(),
        }
    }

    fn address(&self) -> String {
        format!("root@127.0.0.1:{}", self.port)
    }

    fn address_of(&self, user: &str) -> String {
        format!("{user}@127.0.0.1:{}", self.port)
    }

    fn fingerprint(&self, key: &str) -> String {
        let out = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(self.folder.join(format!("{key}.pub")))
            .output()
            .expect("ssh-keygen runs");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .nth(1)
            .expect("a fingerprint")
            .to_string()
    }

    /// The console's line, its command pointed at this build and this
    /// computer's data (the package installs /usr/bin/shipshape).
    fn allow(&self, line: &str) {
        self.allow_with(line, &[]);
    }

    /// `allow`, with test settings for this computer's Shipshape (its apt
    /// archive, its own administrator's records).
    fn allow_with(&self, line: &str, settings: &[(&str, &Path)]) {
        let bin = env!("CARGO_BIN_EXE_shipshape");
        let data = self.folder.join("data");
        let env: String = settings
            .iter()
            .map(|(k, v)| format!("{k}={} ", v.display()))
            .collect();
        let line = line.replace(
            "command=\"shipshape fleet serve\"",
            &format!(
                "command=\"env {env}{bin} --data-dir {} fleet serve\"",
                data.display()
            ),
        );
        std::fs::write(self.folder.join("authorized_keys"), format!("{line}\n")).expect("written");
    }

    fn start(&self, host_key: &str) -> Served {
        self.start_for(host_key, "root")
    }

    /// Served for the account `user` only.
    fn start_for(&self, host_key: &str, user: &str) -> Served {
        let keys = format!("{}/authorized_keys", self.folder.display());
        self.serve(host_key, user, &keys)
    }

    /// Served for root, whose keys are in the folder's `root_keys`, and
    /// for the console's own account, whose keys are in its home.
    fn start_for_setting_up(&self) -> Served {
        let keys = format!("{}/%u_keys .ssh/authorized_keys", self.folder.display());
        self.serve("host_key", "root shipshape-fleet", &keys)
    }

    fn serve(&self, host_key: &str, users: &str, keys: &str) -> Served {
        std::fs::create_dir_all("/run/sshd").expect("sshd's folder");
        let config = self.folder.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {folder}/{host_key}\n\
                 AuthorizedKeysFile {keys}\nStrictModes no\n\
                 PidFile {folder}/sshd.pid\nUsePAM no\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nAllowUsers {users}\n\
                 PermitRootLogin prohibit-password\n",
                port = self.port,
                folder = self.folder.display(),
            ),
        )
        .expect("written");
        let mut command = Command::new("/usr/sbin/sshd");
        command.args(["-D", "-e", "-f"]).arg(&config);
        Served::start(
            &mut command,
            "sshd",
            self.port,
            &self.folder.join("sshd.log"),
        )
    }
}

/// How many ssh-agents of Shipshape's run now for `dir`'s commands.
fn agents_left(dir: &TestDir) -> usize {
    let mine = format!("{}/tmp/shipshape-agent-", dir.root().display());
    let out = Command::new("pgrep")
        .args(["-f", &mine])
        .output()
        .expect("pgrep runs");
    String::from_utf8_lossy(&out.stdout).lines().count()
}

keyring_test! {
    fn computers_are_enrolled_by_fingerprint_and_checked_at_once() {
        let dir = TestDir::new();
        let a = Computer::new(dir.root(), "reception");
        let b = Computer::new(dir.root(), "office");
        let mut a_server = Some(a.start("host_key"));
        let _b_server = b.start("host_key");
        let agents_before = agents_left(&dir);

        // Addresses ssh could misread are refused before anything is done.
        dir.run(&["fleet", "add", "root@-oProxyCommand=x"]).fails_with("not a computer's name");
        dir.run(&["fleet", "add", "reception"]).fails_with("which account");

        // The host key shown is the computer's; the console's key is made,
        // its passphrase in the keychain, the key unreadable without it.
        let shown = json(dir.run(&["fleet", "add", &a.address(), "--json"]).success());
        assert_eq!(shown["fingerprint"], a.fingerprint("host_key"), "{shown}");
        let line = shown["key_line"].as_str().expect("a line").to_string();
        assert!(line.starts_with("restrict,command=\"shipshape fleet serve\" ssh-ed25519 "), "{line}");
        let key = dir.data().join("fleet/id_ed25519");
        assert_eq!(std::fs::metadata(&key).expect("a key").mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(dir.data().join("fleet")).expect("a folder").mode() & 0o777, 0o700);
        let open = Command::new("ssh-keygen").args(["-y", "-P", "", "-f"]).arg(&key).output().expect("runs");
        assert!(!open.status.success(), "the key opens without its passphrase");
        let credentials = dir.run(&["vault", "list", "--json"]);
        assert!(credentials.stdout.contains("Shipshape: office computers key"), "{credentials:?}");

        // A fingerprint that is not the one offered: refused, nothing pinned.
        let wrong = a.fingerprint("other_host_key");
        dir.run(&["fleet", "add", &a.address(), "--trust", &wrong])
            .fails_with(&format!("not {wrong}, so Shipshape does not trust it"));
        assert!(!dir.data().join("fleet/known_hosts").exists());
        let none = json(dir.run(&["fleet", "list", "--json"]).success());
        assert_eq!(none, Value::Array(Vec::new()));

        // Enrolled before its key line is there: kept, with what to do.
        let early = json(dir.run(&["fleet", "add", &a.address(), "--name", "Reception PC", "--trust", &a.fingerprint("host_key"), "--json"]).success());
        assert!(early["problem"].as_str().expect("a problem").contains("refused Shipshape's key"), "{early}");
        a.allow(&line);
        b.allow(&line);
        let b_shown = json(dir.run(&["fleet", "add", &b.address(), "--json"]).success());
        let b_enrolled = json(dir.run(&["fleet", "add", &b.address(), "--name", "Office PC", "--trust", b_shown["fingerprint"].as_str().expect("a fingerprint"), "--json"]).success());
        assert_eq!(b_enrolled["problem"], Value::Null, "{b_enrolled}");
        assert!(b_enrolled["report"]["score"].as_u64().is_some(), "{b_enrolled}");

        // Both at once.
        let checked = json(dir.run(&["fleet", "check", "--json"]).success());
        let all = checked.as_array().expect("a list");
        assert_eq!(all.len(), 2);
        for c in all {
            assert_eq!(c["problem"], Value::Null, "{c}");
            assert!(c["last_seen"].is_string(), "{c}");
            assert_eq!(c["report"]["version"], env!("CARGO_PKG_VERSION"));
        }
        assert_eq!(all[0]["name"], "Reception PC");

        // One computer's screen, read from it now: what its counts count.
        let details = json(dir.run(&["fleet", "details", "2", "--json"]).success());
        let findings = details["findings"].as_array().expect("findings");
        assert_eq!(findings.len() as u64, details["report"]["findings"].as_u64().expect("a count"), "{details}");
        assert!(findings.iter().all(|f| f["status"] == "fail" || f["status"] == "warning"));
        assert!(details["updates"].is_array() && details["alerts"].is_array());
        dir.run(&["fleet", "details", "9"]).fails_with("no computer 9");

        // Another identity answers for the reception PC: refused loudly;
        // the office PC is still checked.
        drop(a_server.take());
        a_server = Some(a.start("other_host_key"));
        let changed = dir.run(&["fleet", "check", "--json"]);
        changed.code(1);
        let all = json(&changed);
        let problem = all[0]["problem"].as_str().expect("a problem");
        assert!(problem.contains("another identity"), "{problem}");
        assert_eq!(all[1]["problem"], Value::Null);

        // Down: said so, with when it was last seen kept.
        drop(a_server.take());
        let down = json(dir.run(&["fleet", "check", "1", "--json"]).code(1));
        assert!(down[0]["problem"].as_str().expect("a problem").contains("cannot reach"), "{down}");
        assert!(down[0]["last_seen"].is_string());

        // The other side answers only what it allows.
        let asked = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["--data-dir"])
            .arg(b.folder.join("data"))
            .args(["fleet", "serve"])
            .env("SSH_ORIGINAL_COMMAND", "shipshape vault list --json")
            .output()
            .expect("runs");
        assert!(!asked.status.success());
        assert!(String::from_utf8_lossy(&asked.stderr).contains("is not something Shipshape's console may ask"));

        // Removed: its host key is forgotten.
        dir.run(&["fleet", "remove", "1"]).success();
        let known = std::fs::read_to_string(dir.data().join("fleet/known_hosts")).expect("known hosts");
        assert!(!known.contains(&format!("[127.0.0.1]:{}", a.port)), "{known}");
        assert!(known.contains(&format!("[127.0.0.1]:{}", b.port)), "{known}");
        let audit = dir.run(&["audit", "list", "--json"]);
        for action in ["fleet.key", "fleet.enrol", "fleet.remove"] {
            assert!(audit.stdout.contains(action), "{action}");
        }
        assert_eq!(agents_left(&dir), agents_before, "an agent was left running");
    }
}

const GOOD: &str = "shipshape-test-rollout";
const FAILS: &str = "shipshape-test-rollout-fails";

/// The parts' states of a roll-out, ring by ring.
fn states(r: &Value) -> Vec<Vec<String>> {
    r["rings"]
        .as_array()
        .expect("rings")
        .iter()
        .map(|g| {
            g["parts"]
                .as_array()
                .expect("parts")
                .iter()
                .map(|p| {
                    format!(
                        "{}:{}",
                        p["name"].as_str().unwrap_or(""),
                        p["state"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .collect()
}

fn audit_of(c: &Computer) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .arg("--data-dir")
        .arg(c.folder.join("data"))
        .args(["audit", "list", "--json"])
        .output()
        .expect("runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A local signed archive offering GOOD and FAILS, both purged after.
fn rollout_archive(dir: &TestDir) -> Archive {
    let mut archive = Archive::empty(dir.root());
    archive.package(GOOD, "1.0", "main", Some("#!/bin/sh\nexit 0\n"), &[]);
    archive.package(
        FAILS,
        "1.0",
        "main",
        Some("#!/bin/sh\necho 'set-up failed on purpose' >&2\nexit 1\n"),
        &[],
    );
    archive.index(true);
    archive.read_into_apt();
    archive.purge_after(GOOD);
    archive.purge_after(FAILS);
    archive
}

/// Enrols `office` with the console's key `line` (and any further
/// lines), each computer's Shipshape reading `archive` and keeping its own
/// administrator's records.
fn enrol_all(dir: &TestDir, office: &[Computer], archive: &Archive, lines: &str) {
    for c in office {
        let state = c.folder.join("state");
        c.allow_with(
            lines,
            &[
                ("SHIPSHAPE_APT_CONFIG", &archive.config),
                ("SHIPSHAPE_STATE_DIR", &state),
            ],
        );
        let name = c
            .folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a name")
            .to_string();
        dir.run(&[
            "fleet",
            "add",
            &c.address(),
            "--name",
            &name,
            "--trust",
            &c.fingerprint("host_key"),
            "--json",
        ])
        .success();
    }
}

/// The console's key line, as `fleet add` shows it (the key made then).
fn console_line(dir: &TestDir, c: &Computer) -> String {
    json(dir.run(&["fleet", "add", &c.address(), "--json"]).success())["key_line"]
        .as_str()
        .expect("a line")
        .to_string()
}

keyring_test! {
    fn a_package_rolls_out_pilot_first_halts_on_a_failed_pilot_and_rolls_back() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let archive = rollout_archive(&dir);
        let agents_before = agents_left(&dir);

        // Three computers, each with its own records and administrator's state.
        let office: Vec<Computer> = ["pilot", "front", "back"].iter().map(|n| Computer::new(dir.root(), n)).collect();
        let mut servers: Vec<Option<Served>> = office.iter().map(|c| Some(c.start("host_key"))).collect();
        let line = console_line(&dir, &office[0]);
        enrol_all(&dir, &office, &archive, &line);

        // Plans that cannot be carried out are refused before anything is asked.
        dir.run(&["fleet", "rollout", "start", "--package", "x;y", "--pilot", "1"]).fails_with("not a package name");
        dir.run(&["fleet", "rollout", "start", "--package", GOOD, "--pilot", "1,2,3"]).fails_with("one or two computers");
        dir.run(&["fleet", "rollout", "start", "--package", GOOD, "--pilot", "1", "--waves", "50"]).fails_with("rising and ending at 100");
        dir.run(&["fleet", "rollout", "start", "--package", GOOD, "--pilot", "9"]).fails_with("no computer 9");
        dir.run(&["fleet", "rollout", "continue", "7"]).fails_with("no roll-out 7");

        // A pilot that fails halts the roll-out: its set-up was put back
        // there, and the other computers were never asked.
        let halted = dir.run(&["fleet", "rollout", "start", "--package", FAILS, "--pilot", "1", "--waves", "100", "--json"]);
        halted.code(1);
        let halted = json(&halted);
        assert_eq!(halted["status"], "halted", "{halted}");
        assert_eq!(states(&halted), vec![vec!["pilot:failed"], vec!["back:waiting", "front:waiting"]]);
        assert!(halted["message"].as_str().expect("words").contains("1 of 1 computers in the Pilot ring failed"), "{halted}");
        assert_eq!(version_of(FAILS), None);
        for c in &office[1..] {
            assert!(!audit_of(c).contains("install.package"), "a computer after the pilot was asked");
        }
        dir.run(&["fleet", "rollout", "continue", "1", "--approve"]).fails_with("has ended");
        // Its failed pilot was put back there: a rollback has nothing to ask.
        let nothing = json(dir.run(&["fleet", "rollout", "rollback", "1", "--json"]).success());
        assert_eq!(nothing["status"], "rolled_back", "{nothing}");

        // Pilot first, then it waits for approval; a computer that is down
        // during the wave waits and catches up once it is back.
        let started = json(dir.run(&["fleet", "rollout", "start", "--package", GOOD, "--pilot", "1", "--waves", "100", "--json"]).success());
        assert_eq!(started["status"], "waiting", "{started}");
        assert_eq!(states(&started)[0], vec!["pilot:done"]);
        assert_eq!(version_of(GOOD).as_deref(), Some("1.0"));
        let id = started["id"].as_i64().expect("a number").to_string();
        dir.run(&["fleet", "rollout", "continue", &id]).fails_with("waits for your approval");
        drop(servers[2].take());
        let wave = json(dir.run(&["fleet", "rollout", "continue", &id, "--approve", "--json"]).success());
        assert_eq!(wave["status"], "unreachable", "{wave}");
        // The same machine serves all three, so the wave finds it there already.
        assert_eq!(states(&wave)[1], vec!["back:unreachable", "front:already_there"]);
        servers[2] = Some(office[2].start("host_key"));
        // Not yet due by itself (ten minutes after the last try)...
        let none = json(dir.run(&["fleet", "rollout", "continue", "--due", "--json"]).success());
        assert_eq!(none, Value::Array(Vec::new()));
        // ...then caught up by itself, as the app and a timer do.
        let mut due = dir.cmd(&["fleet", "rollout", "continue", "--due", "--json"]);
        due.env("SHIPSHAPE_FLEET_RETRY_SECONDS", "0");
        let caught = json(&crate::util::Run::from(due.output().expect("runs")));
        let done = caught[0].clone();
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(states(&done)[1], vec!["back:already_there", "front:already_there"]);
        assert_eq!(done["rings"][0]["approved_by"], whoami());
        assert!(audit_of(&office[0]).contains("install.package"), "the pilot's own log has its part");

        // Rolled back where it changed something: the pilot.
        let back = json(dir.run(&["fleet", "rollout", "rollback", &id, "--json"]).success());
        assert_eq!(back["status"], "rolled_back", "{back}");
        assert_eq!(states(&back)[0], vec!["pilot:rolled_back"]);
        assert_eq!(version_of(GOOD), None);
        dir.run(&["fleet", "rollout", "rollback", &id]).fails_with("rolled back already");

        let all = json(dir.run(&["fleet", "status", "--json"]).success());
        assert_eq!(all[1]["status"], "rolled_back");
        assert_eq!(all.as_array().expect("a list").len(), 2);
        let text = dir.run(&["fleet", "status", &id]).success().stdout.clone();
        assert!(text.contains("Rolled back"), "{text}");
        let audit = dir.run(&["audit", "list", "--json"]);
        for action in ["fleet.rollout.start", "fleet.rollout.part", "fleet.rollout.halt", "fleet.rollout.rollback"] {
            assert!(audit.stdout.contains(action), "{action}");
        }
        drop(servers);
        assert_eq!(agents_left(&dir), agents_before, "an agent was left running");
    }
}

/// Runs the exported playbook with plain ansible-playbook and `key`.
fn ansible_playbook(folder: &Path, key: &Path) -> (bool, String) {
    let out = Command::new("ansible-playbook")
        .arg("-i")
        .arg(folder.join("inventory.ini"))
        .arg(folder.join("playbook.yml"))
        .arg("--private-key")
        .arg(key)
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_LOCAL_TEMP", folder.join(".ansible-tmp"))
        .output()
        .expect("ansible-playbook runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

keyring_test! {
    fn the_ansible_export_runs_the_same_rings_with_ansible_playbook() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let archive = rollout_archive(&dir);

        // The office's own key for Ansible, allowed the same forced command.
        let key = dir.root().join("ansible_key");
        let made = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(&key).status().expect("ssh-keygen runs");
        assert!(made.success());
        let public = std::fs::read_to_string(key.with_extension("pub")).expect("a public key");
        let office: Vec<Computer> = ["pilot", "back"].iter().map(|n| Computer::new(dir.root(), n)).collect();
        let _servers: Vec<Served> = office.iter().map(|c| c.start("host_key")).collect();
        let line = console_line(&dir, &office[0]);
        let both = format!("{line}\nrestrict,command=\"shipshape fleet serve\" {}", public.trim());
        enrol_all(&dir, &office, &archive, &both);

        let spaced = dir.root().join("my playbooks");
        dir.run(&["fleet", "export-ansible", spaced.to_str().expect("a path"), "--package", GOOD, "--pilot", "1"])
            .fails_with("without spaces or quotes");

        // The pilot fails: Ansible stops there, as the roll-out would.
        let fails = dir.root().join("ansible-fails");
        let written = json(dir.run(&["fleet", "export-ansible", fails.to_str().expect("a path"), "--package", FAILS, "--pilot", "1", "--waves", "100", "--json"]).success());
        assert_eq!(written["serial"], serde_json::json!([1, 1]));
        let (ok, said) = ansible_playbook(&fails, &key);
        assert!(!ok, "{said}");
        assert!(said.contains("fatal: [pilot-1]"), "{said}");
        // Its own answer, in JSON: the change failed there and was put back.
        assert!(said.contains(r#""rc": 0"#), "{said}");
        assert!(said.contains(r#"\"outcome\": \"failed\""#), "{said}");
        assert!(said.contains("so it was rolled back"), "{said}");
        assert!(!said.contains("back-2"), "the second ring ran: {said}");
        assert_eq!(version_of(FAILS), None);
        assert!(!audit_of(&office[1]).contains("install.package"));

        // The package: the pilot changed, the other had it already.
        let good = dir.root().join("ansible-good");
        dir.run(&["fleet", "export-ansible", good.to_str().expect("a path"), "--package", GOOD, "--pilot", "1", "--waves", "100"]).success();
        let (ok, said) = ansible_playbook(&good, &key);
        assert!(ok, "{said}");
        assert_eq!(version_of(GOOD).as_deref(), Some("1.0"));
        let recap: Vec<&str> = said.lines().filter(|l| l.contains("unreachable=")).collect();
        assert!(recap.iter().any(|l| l.starts_with("pilot-1") && l.contains("changed=1")), "{said}");
        assert!(recap.iter().any(|l| l.starts_with("back-2") && l.contains("changed=0") && l.contains("failed=0")), "{said}");
        assert!(audit_of(&office[0]).contains("install.package"));

        // Written once: a second export into the same folder is refused.
        dir.run(&["fleet", "export-ansible", good.to_str().expect("a path"), "--package", GOOD])
            .fails_with("already holds");
        assert!(dir.run(&["audit", "list", "--json"]).stdout.contains("fleet.export_ansible"));
    }
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The console's account made by `fleet prepare`, taken away after the
/// test even when it fails; the test refuses to begin where one is
/// already, so it never takes away a real one.
struct PreparedAccount;

impl PreparedAccount {
    fn guard() -> PreparedAccount {
        let there = Command::new("getent")
            .args(["passwd", "shipshape-fleet"])
            .status()
            .expect("getent runs");
        assert!(
            !there.success(),
            "this computer has a shipshape-fleet account; the test would take it away"
        );
        PreparedAccount
    }
}

impl Drop for PreparedAccount {
    fn drop(&mut self) {
        let _ = Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["fleet", "prepare", "--remove"])
            .output();
        let _ = Command::new("userdel").arg("shipshape-fleet").output();
        let _ = std::fs::remove_file("/etc/sudoers.d/shipshape-fleet");
        let _ = std::fs::remove_dir_all("/var/lib/shipshape-fleet");
    }
}

fn as_fleet_account(args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "shipshape-fleet", "--"])
        .args(args)
        .output()
        .expect("runuser runs")
}

keyring_test! {
    fn a_prepared_computer_is_changed_through_a_sudo_rule_that_reaches_only_the_helper() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let archive = rollout_archive(&dir);
        let _account = PreparedAccount::guard();
        let bin = env!("CARGO_BIN_EXE_shipshape");

        // Only the console's own line is taken; nothing is made before.
        dir.run(&["fleet", "prepare", "--key", "ssh-ed25519 AAAA me@home"]).fails_with("not the line Shipshape's console shows");
        assert!(Command::new("getent").args(["passwd", "shipshape-fleet"]).status().is_ok_and(|s| !s.success()));

        let line = dir.run(&["fleet", "key"]).success().stdout.trim().to_string();
        let made = json(dir.run(&["fleet", "prepare", "--key", &line, "--json"]).success());
        assert_eq!(made["rule"], format!("shipshape-fleet ALL=(root) NOPASSWD: {bin} helper *"));
        let sudoers = std::fs::metadata("/etc/sudoers.d/shipshape-fleet").expect("the rule");
        assert_eq!(sudoers.mode() & 0o777, 0o440);
        let keys = std::fs::read_to_string("/var/lib/shipshape-fleet/.ssh/authorized_keys").expect("the key");
        assert_eq!(keys, format!("{line}\n"));
        assert_eq!(std::fs::metadata("/var/lib/shipshape-fleet/.ssh/authorized_keys").expect("the key").uid(), 0);
        // Prepared twice: the same, the key not added again.
        dir.run(&["fleet", "prepare", "--key", &line]).success();
        assert_eq!(std::fs::read_to_string("/var/lib/shipshape-fleet/.ssh/authorized_keys").expect("the key"), keys);
        // The rule reaches the helper, and nothing else.
        assert!(!as_fleet_account(&["sudo", "-n", "/bin/true"]).status.success());
        assert!(!as_fleet_account(&["sudo", "-n", bin, "vault", "list"]).status.success());

        // The computer, reached as that account; its Shipshape keeps its
        // records in the account's own folder.
        let desk = Computer::new(dir.root(), "desk");
        let data = "/var/lib/shipshape-fleet/.local/share/shipshape";
        let state = desk.folder.join("state");
        let settings = format!("SHIPSHAPE_APT_CONFIG={} SHIPSHAPE_STATE_DIR={}", archive.config.display(), state.display());
        std::fs::write(
            desk.folder.join("authorized_keys"),
            format!("{}\n", line.replace("command=\"shipshape fleet serve\"", &format!("command=\"env {settings} {bin} --data-dir {data} fleet serve\""))),
        )
        .expect("written");
        let _server = desk.start_for("host_key", "shipshape-fleet");
        dir.run(&["fleet", "add", &desk.address_of("shipshape-fleet"), "--name", "Desk", "--trust", &desk.fingerprint("host_key"), "--json"]).success();

        let done = json(dir.run(&["fleet", "run", "--package", GOOD, "--json"]).success());
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(version_of(GOOD).as_deref(), Some("1.0"));
        // Its own log, read as the account (root opens no folder another account may change).
        let remote_log = as_fleet_account(&[bin, "--data-dir", data, "audit", "list", "--json"]);
        assert!(String::from_utf8_lossy(&remote_log.stdout).contains("install.package"), "{remote_log:?}");
        let back = json(dir.run(&["fleet", "rollout", "rollback", "1", "--json"]).success());
        assert_eq!(back["status"], "rolled_back", "{back}");
        assert_eq!(version_of(GOOD), None);

        // Without the rule, the computer says so and nothing changes.
        std::fs::remove_file("/etc/sudoers.d/shipshape-fleet").expect("removed");
        let refused = dir.run(&["fleet", "run", "--package", GOOD, "--json"]);
        refused.code(1);
        let refused = json(&refused);
        let words = refused["rings"][0]["parts"][0]["words"].as_str().expect("words");
        assert!(words.contains("may not run Shipshape's helper as root"), "{refused}");
        assert_eq!(version_of(GOOD), None);

        dir.run(&["fleet", "prepare", "--remove"]).success();
        assert!(Command::new("getent").args(["passwd", "shipshape-fleet"]).status().is_ok_and(|s| !s.success()));
        assert!(!Path::new("/var/lib/shipshape-fleet").exists());
    }
}

const FILE_PACKAGE: &str = "shipshape-test-rollout-file";

keyring_test! {
    fn a_package_file_is_copied_checked_and_installed_pilot_first() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let mut archive = rollout_archive(&dir);
        let deb = archive.package(FILE_PACKAGE, "1.0", "build", Some("#!/bin/sh\nexit 0\n"), &[]);
        archive.purge_after(FILE_PACKAGE);
        let bytes = std::fs::read(&deb).expect("the package file");
        let summed = Command::new("sha256sum").arg(&deb).output().expect("sha256sum runs");
        let hex = String::from_utf8_lossy(&summed.stdout)
            .split_whitespace()
            .next()
            .expect("a checksum")
            .to_string();
        let office: Vec<Computer> = ["pilot", "back"].iter().map(|n| Computer::new(dir.root(), n)).collect();
        let _servers: Vec<Served> = office.iter().map(|c| c.start("host_key")).collect();
        let line = console_line(&dir, &office[0]);
        enrol_all(&dir, &office, &archive, &line);
        let path = deb.to_str().expect("a path");

        // A checksum the file does not have: refused before anything is sent.
        let wrong = "0".repeat(64);
        dir.run(&["fleet", "rollout", "start", "--file", path, "--sha256", &wrong, "--pilot", "1"])
            .fails_with("does not have the SHA-256 the roll-out was given");
        dir.run(&["fleet", "rollout", "start", "--file", path, "--sha256", "abc", "--pilot", "1"])
            .fails_with("only with its SHA-256");
        dir.run(&["fleet", "export-ansible", dir.root().join("play").to_str().expect("a path"), "--file", path, "--sha256", &hex])
            .fails_with("not a package file");
        assert_eq!(version_of(FILE_PACKAGE), None);

        // Copied to each computer, checked there, installed on the pilot
        // first; the other had it by then (one machine serves both).
        let done = json(dir.run(&["fleet", "rollout", "start", "--file", path, "--sha256", &hex, "--pilot", "1", "--waves", "100", "--automatic", "--json"]).success());
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(states(&done), vec![vec!["pilot:done"], vec!["back:already_there"]]);
        assert_eq!(version_of(FILE_PACKAGE).as_deref(), Some("1.0"));

        // Bytes that are not the file's, as if damaged on the way: not installed.
        let mut serve = Command::new(env!("CARGO_BIN_EXE_shipshape"));
        serve
            .arg("--data-dir")
            .arg(office[1].folder.join("data"))
            .args(["fleet", "serve"])
            .env("SSH_ORIGINAL_COMMAND", format!("shipshape fleet apply file {hex} --json"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = serve.spawn().expect("runs");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("its input");
            stdin.write_all(&bytes[..bytes.len() / 2]).expect("written");
        }
        let out = child.wait_with_output().expect("ends");
        let answer: Value = serde_json::from_slice(&out.stdout).expect("an answer");
        assert_eq!(answer["outcome"], "failed", "{answer}");
        assert!(answer["words"].as_str().expect("words").contains("so it was not installed"), "{answer}");

        let back = json(dir.run(&["fleet", "rollout", "rollback", "1", "--json"]).success());
        assert_eq!(back["status"], "rolled_back", "{back}");
        assert_eq!(version_of(FILE_PACKAGE), None);
    }
}

/// Shipshape's package, built in the test from this build's program
/// (stripped, as the release's is), purged after the test even when it
/// fails; `named` other than "shipshape" for a package that is not it.
struct ShipshapePackage {
    file: PathBuf,
    sha256: String,
}

impl ShipshapePackage {
    fn build(folder: &Path, named: &str) -> ShipshapePackage {
        let src = folder.join(format!("{named}-build"));
        std::fs::create_dir_all(src.join("DEBIAN")).expect("a folder");
        std::fs::create_dir_all(src.join("usr/bin")).expect("a folder");
        let arch = Command::new("dpkg")
            .arg("--print-architecture")
            .output()
            .expect("dpkg runs");
        let control = format!(
            "Package: {named}\nVersion: 0.0.1~test\nArchitecture: {}\nMaintainer: Shipshape tests <tests@example.invalid>\nDescription: Shipshape, as the fleet set-up test builds it\n",
            String::from_utf8_lossy(&arch.stdout).trim()
        );
        std::fs::write(src.join("DEBIAN/control"), control).expect("written");
        let stripped = Command::new("objcopy")
            .arg("--strip-debug")
            .arg(env!("CARGO_BIN_EXE_shipshape"))
            .arg(src.join("usr/bin/shipshape"))
            .status()
            .expect("objcopy runs");
        assert!(stripped.success());
        let file = folder.join(format!("{named}_0.0.1~test.deb"));
        let built = Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zgzip", "-z1", "-b"])
            .arg(&src)
            .arg(&file)
            .output()
            .expect("dpkg-deb runs");
        assert!(built.status.success(), "{built:?}");
        let summed = Command::new("sha256sum")
            .arg(&file)
            .output()
            .expect("sha256sum runs");
        let sha256 = String::from_utf8_lossy(&summed.stdout)[..64].to_string();
        ShipshapePackage { file, sha256 }
    }

    fn path(&self) -> &str {
        self.file.to_str().expect("a plain path")
    }
}

/// Purges the package `shipshape` after the test, when it is the test's
/// own (never a Shipshape installed here before).
struct PurgedAfter;

impl Drop for PurgedAfter {
    fn drop(&mut self) {
        if version_of("shipshape").as_deref() == Some("0.0.1~test") {
            let _ = Command::new("dpkg").args(["--purge", "shipshape"]).output();
        }
    }
}

keyring_test! {
    fn shipshape_is_set_up_from_the_console_where_it_is_not_installed_and_enrolled_as_its_own_account() {
        let _turn = dpkg_turn();
        // The machine's own Shipshape is never replaced by the test's.
        assert_eq!(version_of("shipshape"), None, "Shipshape's package is installed here; the test would replace it");
        let dir = TestDir::new();
        let _account = PreparedAccount::guard();
        let _purged = PurgedAfter;
        let package = ShipshapePackage::build(dir.root(), "shipshape");
        let other = ShipshapePackage::build(dir.root(), "shipshape-other");
        let desk = Computer::new(dir.root(), "desk");
        let _server = desk.start_for_setting_up();
        let fingerprint = desk.fingerprint("host_key");
        let root = desk.address();
        let set_up = |address: &str, file: &str, sha256: &str| {
            dir.run(&["fleet", "add", address, "--name", "Desk", "--trust", &fingerprint, "--install-shipshape", file, "--sha256", sha256, "--json"])
        };
        let nothing_kept = || {
            assert_eq!(json(dir.run(&["fleet", "list", "--json"]).success()), Value::Array(Vec::new()));
            let known = std::fs::read_to_string(dir.data().join("fleet/known_hosts")).unwrap_or_default();
            assert!(!known.contains(&desk.port.to_string()), "{known}");
            assert_eq!(version_of("shipshape"), None);
        };

        // The line for root works for an hour and allows no terminal.
        let shown = json(dir.run(&["fleet", "add", &root, "--json"]).success());
        let setup_line = shown["setup_line"].as_str().expect("a line").to_string();
        // (This machine's OpenSSH is 9.1 or newer, so it is given an hour in UTC.)
        assert!(setup_line.starts_with("restrict,expiry-time=\"") && setup_line.contains("Z\" ssh-ed25519 "), "{setup_line}");
        assert_eq!(shown["setup_for"], "for one hour");
        let key_line = shown["key_line"].as_str().expect("a line").to_string();

        // Bad input is refused before anything is sent.
        set_up(&desk.address_of("shipshape-fleet"), package.path(), &package.sha256).fails_with("needs root's login");
        set_up(&root, package.path(), &"0".repeat(64)).fails_with("not the 0000");
        set_up(&root, package.path(), "abc").fails_with("64 hexadecimal digits");
        set_up(&root, other.path(), &other.sha256).fails_with("is the package shipshape-other, not Shipshape's");
        dir.run(&["fleet", "add", &root, "--trust", &fingerprint, "--install-shipshape", package.path()]).code(2);
        nothing_kept();

        // Without root's line, or with one whose hour is over: refused
        // there, nothing kept here, the attempt in the activity log.
        set_up(&root, package.path(), &package.sha256).fails_with("refused the console's key for root");
        nothing_kept();
        let public = &setup_line[setup_line.find("ssh-ed25519").expect("the key")..];
        std::fs::write(desk.folder.join("root_keys"), format!("restrict,expiry-time=\"200001010000Z\" {public}\n")).expect("written");
        set_up(&root, package.path(), &package.sha256).fails_with("refused the console's key for root");
        nothing_kept();
        let log = dir.run(&["audit", "list", "--json"]).success().stdout.clone();
        assert!(log.contains("fleet.setup"), "{log}");

        // With it: the package is sent, checked there and installed; the
        // console's account is made there with only the console's line,
        // and the computer is enrolled as that account and answers.
        std::fs::write(desk.folder.join("root_keys"), format!("{setup_line}\n")).expect("written");
        let enrolled = json(set_up(&root, package.path(), &package.sha256).success());
        assert_eq!(enrolled["address"], desk.address_of("shipshape-fleet"), "{enrolled}");
        assert_eq!(enrolled["problem"], Value::Null, "{enrolled}");
        assert!(enrolled["report"]["score"].is_number(), "{enrolled}");
        assert_eq!(version_of("shipshape").as_deref(), Some("0.0.1~test"));
        let keys = std::fs::read_to_string("/var/lib/shipshape-fleet/.ssh/authorized_keys").expect("the key");
        assert_eq!(keys, format!("{key_line}\n"));
        let rule = std::fs::read_to_string("/etc/sudoers.d/shipshape-fleet").expect("the rule");
        assert!(rule.contains("shipshape-fleet ALL=(root) NOPASSWD: /usr/bin/shipshape helper *"), "{rule}");
        let listed = json(dir.run(&["fleet", "list", "--json"]).success());
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
        let log = dir.run(&["audit", "list", "--json"]).success().stdout.clone();
        assert!(log.contains(&package.sha256), "{log}");
        // Checked again later, through the account alone.
        dir.run(&["fleet", "check", "--json"]).success();
        assert_eq!(agents_left(&dir), 0);
    }
}

/// A deployment plan as Install saves it, written into the test folder.
fn plan_file(dir: &TestDir, name: &str, plan: &Value) -> String {
    let path = dir.root().join(name);
    std::fs::write(&path, plan.to_string()).expect("written");
    path.display().to_string()
}

fn sha256_of(file: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(file)
        .output()
        .expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout)[..64].to_string()
}

const PLAN_FILE_PACKAGE: &str = "shipshape-test-rollout-plan-file";

keyring_test! {
    fn a_deployment_plan_rolls_out_stage_by_stage_with_its_gates_and_is_put_back_when_a_stage_fails() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let mut archive = rollout_archive(&dir);
        let deb = archive.package(PLAN_FILE_PACKAGE, "1.0", "build", Some("#!/bin/sh\nexit 0\n"), &[]);
        archive.purge_after(PLAN_FILE_PACKAGE);
        let sha256 = sha256_of(&deb);
        let office: Vec<Computer> = ["pilot", "front"].iter().map(|n| Computer::new(dir.root(), n)).collect();
        let _servers: Vec<Served> = office.iter().map(|c| c.start("host_key")).collect();
        let line = console_line(&dir, &office[0]);
        enrol_all(&dir, &office, &archive, &line);
        // What the plan's gate asks to answer, on each computer (this one).
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let open = listener.local_addr().expect("an address").port();
        let closed = free_port();
        let file_part = serde_json::json!({
            "kind": "file", "file": deb.display().to_string(),
            "trust": { "by": "digest", "algorithm": "sha256", "hex": sha256 },
        });
        let plan = |name: &str, second: Value, port: u16| serde_json::json!({
            "name": name, "method": "phased", "approval": "automatic",
            "stages": [
                { "name": "Server", "parts": [{ "kind": "package", "name": GOOD }] },
                { "name": "Client", "parts": [second] },
            ],
            "gates": [{ "kind": "port_answers", "port": port }],
        });
        let start = |file: &str| {
            dir.run(&["fleet", "rollout", "start", "--plan", file, "--pilot", "1", "--waves", "100", "--automatic", "--json"])
        };

        // Plans a roll-out cannot carry are refused before anything is asked.
        let program = plan_file(&dir, "program.json", &plan("With a program", serde_json::json!({
            "kind": "program", "file": "/tmp/office-tool-1.0.tar.gz", "trust": { "by": "digest", "algorithm": "sha256", "hex": sha256 },
        }), open));
        start(&program).fails_with("goes into /opt on this computer only");
        let unproved = plan_file(&dir, "unproved.json", &plan("Unproved", serde_json::json!({
            "kind": "file", "file": deb.display().to_string(), "trust": { "by": "risk_accepted", "reason": "testing" },
        }), open));
        start(&unproved).fails_with("not proved by a SHA-256");
        start(&dir.root().join("none.json").display().to_string()).fails_with("none.json");
        let good = plan_file(&dir, "good.json", &plan("Office app 2.0", file_part.clone(), open));
        dir.run(&["fleet", "export-ansible", &dir.root().join("ansible").display().to_string(), "--plan", &good])
            .fails_with("not a package file");

        // A gate that fails after the first stage: what the plan installed
        // on the pilot is put back there, and the roll-out halts.
        let gated = plan_file(&dir, "gated.json", &plan("Office app 2.0", file_part.clone(), closed));
        let halted = json(start(&gated).code(1));
        assert_eq!(halted["status"], "halted", "{halted}");
        assert_eq!(states(&halted)[0], vec!["pilot:failed"]);
        let words = halted["rings"][0]["parts"][0]["words"].as_str().expect("words");
        assert!(words.contains("After stage 1, a health gate failed there") && words.contains("was put back"), "{words}");
        assert_eq!(version_of(GOOD), None);
        assert_eq!(version_of(PLAN_FILE_PACKAGE), None);

        // A second stage that fails: the first stage is put back there too.
        let failing = plan_file(&dir, "failing.json", &plan("Office app 2.1", serde_json::json!({ "kind": "package", "name": FAILS }), open));
        let halted = json(start(&failing).code(1));
        let words = halted["rings"][0]["parts"][0]["words"].as_str().expect("words");
        assert!(words.contains("Stage 2, install shipshape-test-rollout-fails, failed there") && words.contains("was put back"), "{words}");
        assert_eq!(version_of(GOOD), None);
        assert_eq!(version_of(FAILS), None);

        // The whole plan, pilot first then the rest: both stages there,
        // its gates passed after each; one change record; rolled back whole.
        let done = json(start(&good).success());
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(states(&done), vec![vec!["pilot:done"], vec!["front:already_there"]]);
        let pilot = &done["rings"][0]["parts"][0];
        assert_eq!(pilot["runs"].as_array().map(Vec::len), Some(2), "{pilot}");
        assert!(pilot["words"].as_str().expect("words").contains("Stage 2: its health gates passed."), "{pilot}");
        assert_eq!(version_of(GOOD).as_deref(), Some("1.0"));
        assert_eq!(version_of(PLAN_FILE_PACKAGE).as_deref(), Some("1.0"));
        let id = done["id"].as_i64().expect("a number").to_string();
        let back = json(dir.run(&["fleet", "rollout", "rollback", &id, "--json"]).success());
        assert_eq!(states(&back)[0], vec!["pilot:rolled_back"]);
        assert_eq!(version_of(GOOD), None);
        assert_eq!(version_of(PLAN_FILE_PACKAGE), None);

        // Watched for a minute after the pilot: its gates are checked
        // there again when the soak is over, and one that fails by then
        // halts the roll-out before the next ring.
        let soaking = json(dir.run(&["fleet", "rollout", "start", "--plan", &good, "--pilot", "1", "--waves", "100", "--soak", "1", "--json"]).success());
        assert_eq!(soaking["status"], "soaking", "{soaking}");
        drop(listener);
        std::thread::sleep(std::time::Duration::from_secs(61));
        let id = soaking["id"].as_i64().expect("a number").to_string();
        let halted = json(dir.run(&["fleet", "rollout", "continue", &id, "--json"]).code(1));
        assert_eq!(halted["status"], "halted", "{halted}");
        assert_eq!(states(&halted), vec![vec!["pilot:failed"], vec!["front:waiting"]]);
        let words = halted["rings"][0]["parts"][0]["words"].as_str().expect("words");
        assert!(words.contains("After the soak, a health gate of the plan failed there"), "{words}");
        dir.run(&["fleet", "rollout", "rollback", &id]).success();
        assert_eq!(version_of(GOOD), None);
    }
}
