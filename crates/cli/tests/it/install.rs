//! A package a fix needs, installed by Shipshape with the real apt from a
//! local signed archive (`shipshape fix --install-missing`, `shipshape
//! updates install`), and refused when it is not on Shipshape's list or
//! its archive is not signed. The archive offers a stand-in named `ufw`
//! whose one file is the fixture's `usr/sbin/ufw`, so installing it
//! changes nothing of this computer's own; it is offered, and purged
//! afterwards, only when the real ufw is not installed here.

use crate::security::fixture;
use crate::updates::{Archive, dpkg_turn, json, updates, version_of};
use crate::util::{Run, TestDir};
use std::path::{Path, PathBuf};

const UFW: &str = "ufw";

/// The security fixture with ufw's settings as its package leaves them,
/// but no ufw program: the firewall fix needs the package.
fn without_ufw(dir: &TestDir) -> PathBuf {
    let root = fixture(dir);
    let rules = "*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n:ufw-user-forward - [0:0]\n### RULES ###\nCOMMIT\n";
    for (rel, text) in [
        ("etc/ufw/ufw.conf", "ENABLED=no\nLOGLEVEL=low\n".to_string()),
        (
            "etc/default/ufw",
            "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n"
                .to_string(),
        ),
        ("etc/ufw/user.rules", rules.to_string()),
        ("etc/ufw/user6.rules", rules.replace("ufw-", "ufw6-")),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    root
}

/// A test folder with the fixture computer and root's state folder.
fn computer() -> (TestDir, PathBuf, PathBuf) {
    let dir = TestDir::new();
    let root = without_ufw(&dir);
    let state = dir.root().join("state");
    (dir, root, state)
}

/// The archive, offering the stand-in ufw unless the real one is here.
fn archive(dir: &TestDir, root: &Path, signed: bool) -> Archive {
    let mut archive = Archive::empty(dir.root());
    if version_of(UFW).is_none() {
        let program = root.join("usr/sbin/ufw");
        archive.package(
            UFW,
            "1.0",
            "main",
            None,
            &[(&program, "#!/bin/sh\necho 'a stand-in for ufw'\n")],
        );
        archive.purge_after(UFW);
    }
    archive.index(signed);
    archive
}

fn fix(dir: &TestDir, archive: &Archive, root: &Path, state: &Path, extra: &[&str]) -> Run {
    let mut cmd = dir.cmd(&["fix", "firewall.active", "--root", root.to_str().unwrap()]);
    cmd.args(extra)
        .env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", state)
        .env("SHIPSHAPE_SCAN_ROOT", root);
    Run::from(cmd.output().unwrap())
}

#[test]
fn a_package_a_fix_needs_is_installed_from_the_signed_archive_then_the_fix_goes_on() {
    let _turn = dpkg_turn();
    let (dir, root, state) = computer();
    let ours = version_of(UFW).is_none();
    let archive = archive(&dir, &root, true);

    // The fix says what is missing and how Shipshape installs it.
    let missing = fix(&dir, &archive, &root, &state, &[]);
    missing.fails_with("ufw is not installed");
    assert!(missing.stderr.contains("--install-missing"), "{missing:?}");

    // Only what a fix needs, and only when asked.
    updates(&dir, &archive, &state, &["install", "vim", "--yes"]).fails_with("not one of them");
    updates(&dir, &archive, &state, &["install", UFW]).fails_with("--yes");
    if !ours {
        updates(&dir, &archive, &state, &["install", UFW, "--yes"])
            .code(2)
            .fails_with("already installed");
        return;
    }

    let fixed = fix(&dir, &archive, &root, &state, &["--install-missing"]);
    fixed.success();
    assert!(fixed.stdout.contains("ufw 1.0 was installed"), "{fixed:?}");
    assert!(fixed.stdout.contains("Changed (change 1)"), "{fixed:?}");
    assert_eq!(version_of(UFW).as_deref(), Some("1.0"));
    assert!(root.join("usr/sbin/ufw").is_file());
    assert_eq!(
        std::fs::read_to_string(root.join("etc/ufw/ufw.conf")).unwrap(),
        "ENABLED=yes\nLOGLEVEL=low\n"
    );

    // The installation is a run in the update history, with its version.
    let history = json(&updates(&dir, &archive, &state, &["history", "--json"]));
    let run = &history[0];
    assert_eq!(run["kind"], "install", "{history}");
    assert_eq!(run["outcome"], "done", "{history}");
    assert_eq!(run["asked"], UFW);
    assert_eq!(run["packages"][0]["name"], UFW);
    assert_eq!(run["packages"][0]["old_version"], serde_json::Value::Null);
    assert_eq!(run["packages"][0]["new_version"], "1.0");
    updates(
        &dir,
        &archive,
        &state,
        &["undo", &run["id"].as_i64().unwrap().to_string()],
    )
    .code(2)
    .fails_with("not an installation of updates");
    updates(&dir, &archive, &state, &["install", UFW, "--yes"]).fails_with("already installed");
    let actions: Vec<String> = dir
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for action in ["updates.install", "security.fix"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[test]
fn a_package_from_an_unsigned_archive_is_not_installed() {
    let _turn = dpkg_turn();
    let (dir, root, state) = computer();
    if version_of(UFW).is_some() {
        updates(
            &dir,
            &Archive::empty(dir.root()),
            &state,
            &["install", UFW, "--yes"],
        )
        .fails_with("already installed");
        return;
    }
    let archive = archive(&dir, &root, false);
    let refused = updates(&dir, &archive, &state, &["install", UFW, "--yes", "--json"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    let run = json(&refused);
    assert_eq!(run["outcome"], "failed", "{run}");
    assert!(
        run["message"].as_str().unwrap().contains("signature"),
        "{run}"
    );
    assert!(run["log_tail"].as_str().unwrap().contains(UFW), "{run}");
    assert_eq!(version_of(UFW), None);
    assert!(!root.join("usr/sbin/ufw").exists());
    // The fix through it is refused the same way, and changes nothing.
    let fixed = fix(&dir, &archive, &root, &state, &["--install-missing"]);
    fixed.fails_with("signature");
    assert_eq!(
        std::fs::read_to_string(root.join("etc/ufw/ufw.conf")).unwrap(),
        "ENABLED=no\nLOGLEVEL=low\n"
    );
}
