//! `shipshape access` on this computer, as root, against the system's own
//! tools: two accounts made for the test (one in the sudo group, with an
//! SSH key made by ssh-keygen), their facts compared with `getent
//! passwd`, `id -nG` and `ssh-keygen -lf`; then a review decided, refused
//! while undecided, signed off, refused after, and exported; its removals
//! carried out, a key's with the account's own rights. The accounts are
//! removed afterwards, even when the test fails. Tests that change the
//! system's accounts take turns with those that install packages, whose
//! scripts may change them too.

use crate::updates::{dpkg_turn, json};
use crate::util::TestDir;
use serde_json::Value;
use std::process::Command;

/// Accounts made for the test, removed when dropped.
struct Accounts(Vec<String>);

impl Drop for Accounts {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("userdel").args(["-r", name]).output();
        }
    }
}

/// A file of sudo rules made for the test, removed when dropped.
struct SudoRules(String);

impl SudoRules {
    fn new(name: &str, text: &str) -> SudoRules {
        let path = format!("/etc/sudoers.d/{name}");
        assert!(
            !std::path::Path::new(&path).exists(),
            "{path} is there already; the test would take it away"
        );
        let made = SudoRules(path);
        std::fs::write(&made.0, text).unwrap();
        sh("chmod", &["440", &made.0]);
        made
    }
}

impl Drop for SudoRules {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sh(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn accounts_rights_and_keys_match_the_system_and_a_review_is_signed_off() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let tag = std::process::id() % 100_000;
    let (admin, clerk) = (format!("ssra{tag}"), format!("ssrc{tag}"));
    let _made = Accounts(vec![admin.clone(), clerk.clone()]);
    for name in [&admin, &clerk] {
        sh("useradd", &["-m", "-s", "/bin/bash", name]);
    }
    sh("usermod", &["-aG", "sudo", &admin]);
    let rules = SudoRules::new(&admin, &format!("{admin} ALL=(ALL) /usr/bin/true\n"));
    let ssh = format!("/home/{admin}/.ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    let public = public_key(std::path::Path::new(&ssh), "admin@laptop");
    std::fs::write(format!("{ssh}/authorized_keys"), format!("no-pty {public}")).unwrap();

    let listed = dir.run(&["access", "list", "--json"]);
    listed.success();
    let inv = json(&listed);
    let accounts = inv["accounts"].as_array().unwrap();
    let names: Vec<&str> = accounts
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    let system: Vec<String> = sh("getent", &["passwd"])
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(names, system);
    let get = |n: &str| -> &Value { accounts.iter().find(|a| a["name"] == n).unwrap() };
    for name in [&admin, &clerk] {
        let mut ours: Vec<&str> = get(name)["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        let id = sh("id", &["-nG", name]);
        let mut theirs: Vec<&str> = id.split_whitespace().collect();
        ours.sort_unstable();
        theirs.sort_unstable();
        assert_eq!(ours, theirs, "{name}");
        assert_eq!(get(name)["human"], true);
        // A new account has never logged in, and a locked password ("!").
        assert_eq!(get(name)["password"], "locked");
        assert_eq!(get(name)["last_login"], Value::Null);
    }
    assert!(
        get(&admin)["admin"][0]
            .as_str()
            .unwrap()
            .contains("sudo group")
    );
    assert_eq!(get(&clerk)["admin"].as_array().unwrap().len(), 0);
    let fingerprint = sh("ssh-keygen", &["-lf", &format!("{ssh}/admin@laptop.pub")]);
    let key = &get(&admin)["keys"][0];
    assert_eq!(
        key["fingerprint"],
        fingerprint.split_whitespace().nth(1).unwrap()
    );
    assert_eq!(key["comment"], "admin@laptop");
    assert_eq!(key["options"][0], "no-pty");

    // A review: every line decided, or it is not signed.
    let started = dir.run(&["access", "review", "--json"]);
    started.success();
    let review = json(&started);
    let id = review["id"].as_i64().unwrap().to_string();
    let lines: Vec<String> = review["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let key_line = format!("key:{admin}:{}", key["fingerprint"].as_str().unwrap());
    assert!(
        lines.contains(&format!("account:{clerk}")) && lines.contains(&key_line),
        "{lines:?}"
    );
    dir.run(&["access", "sign-off", &id, "--name", "Maria Rossi"])
        .fails_with("not decided yet");
    dir.run(&[
        "access",
        "decide",
        &id,
        &format!("account:{clerk}"),
        "remove",
    ])
    .fails_with("needs a reason");
    dir.run(&["access", "decide", &id, "account:nobody-here", "keep"])
        .fails_with("has no line");
    dir.run(&["access", "decide", &id, &key_line, "maybe"])
        .fails_with("not a decision");
    let admin_right = format!("admin:{admin}:It is in the sudo group.");
    let sudo_right = format!(
        "admin:{admin}:sudo rule in {} line 1: {admin} ALL=(ALL) /usr/bin/true",
        rules.0
    );
    assert!(lines.contains(&sudo_right), "{lines:?}");
    for line in &lines {
        let (decision, reason) = if *line == format!("account:{clerk}") {
            ("remove", "left the office in May")
        } else if *line == admin_right || *line == sudo_right {
            ("remove", "no longer looks after the computers")
        } else {
            ("keep", "")
        };
        dir.run(&["access", "decide", &id, line, decision, "--reason", reason])
            .success();
    }
    // Picked up again, not started anew, until it is signed.
    assert_eq!(
        json(&dir.run(&["access", "review", "--json"]))["id"],
        review["id"]
    );
    let signed = dir.run(&["access", "sign-off", &id, "--name", "Maria Rossi", "--json"]);
    signed.success();
    assert_eq!(json(&signed)["signed"]["name"], "Maria Rossi");
    dir.run(&[
        "access", "decide", &id, &key_line, "remove", "--reason", "x",
    ])
    .fails_with("does not change any more");

    // The removals are carried out as Security fixes, with undo.
    let shadow = |name: &str| sh("getent", &["shadow", name]);
    dir.run(&["access", "remove", &id, &key_line])
        .fails_with("was not decided");
    dir.run(&["access", "remove", &id, &format!("account:{clerk}")])
        .code(2);
    assert!(
        !shadow(&clerk).contains(":1:"),
        "nothing changed without --yes"
    );
    let locked = dir.run(&[
        "access",
        "remove",
        &id,
        &format!("account:{clerk}"),
        "--yes",
        "--json",
    ]);
    locked.success();
    let fields: Vec<String> = shadow(&clerk)
        .trim()
        .split(':')
        .map(str::to_string)
        .collect();
    assert!(fields[1].starts_with('!') && fields[7] == "1", "{fields:?}");
    dir.run(&["access", "remove", &id, &admin_right, "--yes"])
        .success();
    assert!(
        !sh("id", &["-nG", &admin])
            .split_whitespace()
            .any(|g| g == "sudo")
    );
    assert!(sh("sudo", &["-l", "-U", &admin]).contains("/usr/bin/true"));
    let unsudo = dir.run(&["access", "remove", &id, &sudo_right, "--yes", "--json"]);
    unsudo.success();
    assert!(
        !sh("sudo", &["-l", "-U", &admin]).contains("/usr/bin/true"),
        "sudo reads the rule no more"
    );
    sh("visudo", &["-c"]);
    let unsudo = json(&unsudo)["change"]["id"].as_i64().unwrap().to_string();
    dir.run(&["undo", &unsudo]).success();
    assert_eq!(
        std::fs::read_to_string(&rules.0).unwrap(),
        format!("{admin} ALL=(ALL) /usr/bin/true\n")
    );
    let change = json(&locked)["change"]["id"].as_i64().unwrap().to_string();
    dir.run(&["undo", &change]).success();
    assert_eq!(
        shadow(&clerk).trim().split(':').nth(7),
        Some(""),
        "Undo unlocked it"
    );

    let csv = dir.root().join("review.csv");
    dir.run(&["access", "export", &id, csv.to_str().unwrap()])
        .success();
    let table = std::fs::read_to_string(&csv).unwrap();
    assert!(
        table.lines().any(
            |l| l.contains(&format!("account:{clerk}")) && l.contains("left the office in May")
        ),
        "{table}"
    );
    let page = dir.root().join("review.html");
    dir.run(&["access", "export", &id, page.to_str().unwrap()])
        .success();
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("Signed off by Maria Rossi")
    );
    let history = dir.run(&["access", "history"]);
    assert!(
        history.stdout.contains("signed off by Maria Rossi"),
        "{history:?}"
    );
    let log = dir.run(&["audit", "list", "--json", "--action", "access.sign_off"]);
    assert!(log.stdout.contains("Maria Rossi"), "{log:?}");
}

/// An `authorized_keys` the account owns, holding `keys` (public key lines).
fn owned_keys(account: &str, keys: &[&str]) -> String {
    let ssh = format!("/home/{account}/.ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    std::fs::write(format!("{ssh}/authorized_keys"), keys.concat()).unwrap();
    sh("chown", &["-R", &format!("{account}:{account}"), &ssh]);
    sh("chmod", &["700", &ssh]);
    format!("{ssh}/authorized_keys")
}

fn public_key(folder: &std::path::Path, name: &str) -> String {
    let path = folder.join(name);
    sh(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            name,
            "-f",
            path.to_str().unwrap(),
        ],
    );
    std::fs::read_to_string(path.with_extension("pub")).unwrap()
}

/// The fingerprints `ssh-keygen -lf` reads in `file`.
fn fingerprints(file: &str) -> Vec<String> {
    let out = Command::new("ssh-keygen")
        .args(["-lf", file])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
        .collect()
}

#[test]
fn a_key_decided_remove_is_taken_away_with_the_accounts_own_rights_and_undone() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let tag = std::process::id() % 100_000;
    let user = format!("ssrk{tag}");
    let _made = Accounts(vec![user.clone()]);
    sh("useradd", &["-m", "-s", "/bin/bash", &user]);
    let keys = dir.root().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let (old, laptop) = (public_key(&keys, "old"), public_key(&keys, "laptop"));
    let file = owned_keys(&user, &[&format!("no-pty {old}"), &laptop]);
    let [gone, kept] = [&keys.join("old.pub"), &keys.join("laptop.pub")]
        .map(|k| fingerprints(k.to_str().unwrap()).remove(0));

    let review = json(&dir.run(&["access", "review", "--json"]));
    let id = review["id"].as_i64().unwrap().to_string();
    let key_line = format!("key:{user}:{gone}");
    for line in review["lines"].as_array().unwrap() {
        let line = line["id"].as_str().unwrap();
        let (decision, reason) = if line == key_line {
            ("remove", "the old laptop was sold")
        } else {
            ("keep", "")
        };
        dir.run(&["access", "decide", &id, line, decision, "--reason", reason])
            .success();
    }
    dir.run(&["access", "sign-off", &id, "--name", "Maria Rossi"])
        .success();

    // The account swaps its folder for a link to one only root may read
    // (as /root/.ssh), holding the same key: root's file is neither read
    // nor changed, as sshd, which reads keys as the account, would not.
    let roots = dir.root().join("roots");
    std::fs::create_dir_all(&roots).unwrap();
    sh("chmod", &["700", roots.to_str().unwrap()]);
    std::fs::write(roots.join("authorized_keys"), &old).unwrap();
    let ssh = format!("/home/{user}/.ssh");
    let aside = format!("/home/{user}/.ssh-aside");
    std::fs::rename(&ssh, &aside).unwrap();
    std::os::unix::fs::symlink(&roots, &ssh).unwrap();
    dir.run(&["access", "remove", &id, &key_line, "--yes"])
        .fails_with("rights of the account that owns the folder");
    let listed = json(&dir.run(&["access", "list", "--json"]));
    let theirs = listed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == user.as_str())
        .unwrap();
    assert_eq!(
        theirs["keys"],
        serde_json::json!([]),
        "root's key is not shown as theirs"
    );
    assert!(
        listed["problems"]
            .to_string()
            .contains(&format!("{ssh}/authorized_keys could not be read")),
        "{listed}"
    );
    assert_eq!(
        std::fs::read_to_string(roots.join("authorized_keys")).unwrap(),
        old
    );
    std::fs::remove_file(&ssh).unwrap();
    std::fs::rename(&aside, &ssh).unwrap();

    dir.run(&["access", "remove", &id, &key_line]).code(2);
    assert_eq!(
        fingerprints(&file),
        [gone.clone(), kept.clone()],
        "not without --yes"
    );
    let removed = dir.run(&["access", "remove", &id, &key_line, "--yes", "--json"]);
    removed.success();
    assert_eq!(fingerprints(&file), std::slice::from_ref(&kept));
    let meta = std::fs::metadata(&file).unwrap();
    let owner = sh("id", &["-u", &user]);
    assert_eq!(
        std::os::unix::fs::MetadataExt::uid(&meta).to_string(),
        owner.trim(),
        "still the account's own file"
    );
    dir.run(&["access", "remove", &id, &key_line, "--yes"])
        .fails_with("Nothing to do");

    let change = json(&removed)["change"]["id"].as_i64().unwrap().to_string();
    dir.run(&["undo", &change]).success();
    assert_eq!(fingerprints(&file), [gone, kept], "Undo put it back");
}
