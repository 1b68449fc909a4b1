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
use crate::updates::json;
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
        let bin = env!("CARGO_BIN_EXE_shipshape");
        let data = self.folder.join("data");
        let line = line.replace(
            "command=\"shipshape fleet serve\"",
            &format!(
                "command=\"{bin} --data-dir {} fleet serve\"",
                data.display()
            ),
        );
        std::fs::write(self.folder.join("authorized_keys"), format!("{line}\n")).expect("written");
    }

    fn start(&self, host_key: &str) -> Served {
        std::fs::create_dir_all("/run/sshd").expect("sshd's folder");
        let config = self.folder.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {folder}/{host_key}\n\
                 AuthorizedKeysFile {folder}/authorized_keys\nStrictModes no\n\
                 PidFile {folder}/sshd.pid\nUsePAM no\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nAllowUsers root\n\
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

/// How many ssh-agents of Shipshape's run now.
fn agents_left() -> usize {
    let out = Command::new("pgrep")
        .args(["-f", "shipshape-agent-"])
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
        let agents_before = agents_left();

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
        assert_eq!(agents_left(), agents_before, "an agent was left running");
    }
}
