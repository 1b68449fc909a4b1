//! The administrator helper (what pkexec runs) and the door to it: root
//! keeps its own records, never touches what the user can write, and
//! replays only its own records.

use crate::security::forwarding;
use crate::util::{Run, TestDir};
use serde_json::Value;
use shipshape_core::ErrorCode;
use shipshape_core::admin::door::{Request, run_with};
use shipshape_core::harden::fix::{FixOutcome, Preview};
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every name Shipshape's data folder has held, where a user could plant
/// a link for root to follow.
const DATA_FOLDER_NAMES: &[&str] = &[
    "shipshape.db",
    "shipshape.db-wal",
    "shipshape.db-shm",
    "shipshape.db-journal",
    "audit.head",
    "audit.lock",
    ".audit.head.tmp-1-0",
    "backups",
    "staging",
    "shipshape.db.corrupt-20261201T000000Z",
];

/// A canary's name, content, mode, owner and change time.
type Snapshot = BTreeMap<String, (Vec<u8>, u32, u32, i64, i64)>;

fn snapshot(dir: &Path) -> Snapshot {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            let bytes = if m.is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            let name = e.file_name().to_string_lossy().into_owned();
            (
                name,
                (bytes, m.mode(), m.uid(), m.mtime_nsec(), m.ctime_nsec()),
            )
        })
        .collect()
}

/// A root-run helper for the user 65534 over the fixture `scan_root`,
/// with root's state in `state` and the given environment.
struct Helper<'a> {
    dir: &'a TestDir,
    scan_root: PathBuf,
    state: PathBuf,
}

impl Helper<'_> {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.dir.bare();
        cmd.arg("helper")
            .args(args)
            .env("PKEXEC_UID", "65534")
            .env("SHIPSHAPE_SCAN_ROOT", &self.scan_root)
            .env("SHIPSHAPE_STATE_DIR", &self.state);
        cmd
    }

    fn run(&self, args: &[&str]) -> (Run, Value) {
        let run = Run::from(self.cmd(args).output().unwrap());
        let answer = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"));
        (run, answer)
    }
}

fn private_state(dir: &TestDir) -> PathBuf {
    let state = dir.root().join("state");
    std::fs::create_dir(&state).unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
    state
}

#[test]
fn no_helper_request_touches_what_the_user_can_write() {
    let dir = TestDir::new();
    let canaries = dir.root().join("canaries");
    std::fs::create_dir(&canaries).unwrap();
    // The user's data folder, with a link at every name it ever held...
    let planted = dir.root().join("planted");
    std::fs::create_dir(&planted).unwrap();
    for name in DATA_FOLDER_NAMES {
        let canary = canaries.join(format!("canary-{}", name.trim_start_matches('.')));
        std::fs::write(&canary, "canary\n").unwrap();
        std::fs::set_permissions(&canary, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink(&canary, planted.join(name)).unwrap();
    }
    // ...a missing target, for root to create...
    std::os::unix::fs::symlink(canaries.join("created"), planted.join("backups-new")).unwrap();
    // ...and the default data folder itself a link to the canaries.
    let share = dir.root().join("home/.local/share");
    std::fs::create_dir_all(&share).unwrap();
    std::os::unix::fs::symlink(&canaries, share.join("shipshape")).unwrap();
    std::os::unix::fs::chown(&planted, Some(65534), Some(65534)).unwrap();
    let before = snapshot(&canaries);

    let helper = Helper {
        dir: &dir,
        scan_root: forwarding(&dir),
        state: private_state(&dir),
    };
    let env_data = |mut cmd: Command, data: &Path| {
        cmd.env("SHIPSHAPE_DATA_DIR", data)
            .env("XDG_DATA_HOME", data);
        Run::from(cmd.output().unwrap())
    };
    // apt reads an empty source list here: the update requests change no
    // package, and dpkg takes turns with the update tests.
    let _turn = crate::updates::dpkg_turn();
    let apt = dir.root().join("apt");
    std::fs::create_dir_all(apt.join("lists/partial")).unwrap();
    std::fs::create_dir_all(apt.join("cache/archives/partial")).unwrap();
    std::fs::write(apt.join("sources.list"), "").unwrap();
    let a = apt.display();
    std::fs::write(
        apt.join("apt.conf"),
        format!("Dir::Etc::SourceList \"{a}/sources.list\";\nDir::Etc::SourceParts \"{a}/none\";\nDir::State::Lists \"{a}/lists\";\nDir::Cache \"{a}/cache\";\n"),
    )
    .unwrap();
    let job = r#"{"kind":"update_check","recurrence":{"every":"day","at":"06:00"},"window":null,"restart":"never","paused":false}"#;
    let requests: [&[&str]; 18] = [
        &["preview", "ssh.x11_forwarding"],
        &["fix", "ssh.x11_forwarding", "--seen", &"0".repeat(64)],
        &["fix", "ssh.x11_forwarding"],
        &["undo", "1"],
        &["undo", "999"],
        &["fix", "no.such"],
        &["preview", "kernel.kptr_restrict"],
        &["updates-refresh"],
        &["updates-apply", "--security"],
        &["updates-undo", "1"],
        &["updates-repair"],
        &["install-needed", "ufw"],
        &["schedule-add", job],
        &["schedule-edit", "1", job],
        &["schedule-pause", "1"],
        &["schedule-resume", "1"],
        &["schedule-run", "1"],
        &["schedule-remove", "1"],
    ];
    for data in [&planted, &share.join("shipshape")] {
        for args in requests {
            let mut cmd = helper.cmd(args);
            cmd.env("SHIPSHAPE_APT_CONFIG", apt.join("apt.conf"));
            let run = env_data(cmd, data);
            assert!(
                serde_json::from_str::<Value>(&run.stdout).is_ok(),
                "{args:?} answers in JSON: {run:#?}"
            );
        }
    }
    assert_eq!(
        snapshot(&canaries),
        before,
        "a canary was created or changed"
    );
    for name in DATA_FOLDER_NAMES {
        let m = std::fs::symlink_metadata(planted.join(name)).unwrap();
        assert!(m.file_type().is_symlink(), "{name} was replaced");
    }
}

#[test]
fn the_helper_keeps_its_records_in_roots_folder_and_publishes_its_log() {
    let dir = TestDir::new();
    let helper = Helper {
        dir: &dir,
        scan_root: forwarding(&dir),
        state: private_state(&dir),
    };
    let file = helper.scan_root.join("etc/ssh/sshd_config.d/10-local.conf");
    let (run, preview) = helper.run(&["preview", "ssh.x11_forwarding"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let preview: Preview = serde_json::from_value(preview).unwrap();
    let (run, stale) = helper.run(&["fix", "ssh.x11_forwarding", "--seen", &"0".repeat(64)]);
    assert_eq!(run.code, 2);
    assert_eq!(stale["code"], "conflict", "{stale}");
    let (run, fixed) = helper.run(&["fix", "ssh.x11_forwarding", "--seen", &preview.digest()]);
    assert_eq!(run.code, 0, "{run:#?}");
    let fixed: FixOutcome = serde_json::from_value(fixed).unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding no\n"
    );

    let private = helper.state.join("private");
    let m = std::fs::symlink_metadata(&private).unwrap();
    assert_eq!((m.uid(), m.mode() & 0o7777), (0, 0o700));
    assert!(private.join("shipshape.db").is_file());
    let published = helper.state.join("public/activity.json");
    let m = std::fs::metadata(&published).unwrap();
    assert_eq!((m.uid(), m.mode() & 0o7777), (0, 0o644));
    let log: Value = serde_json::from_slice(&std::fs::read(&published).unwrap()).unwrap();
    let entries = log["entries"].as_array().unwrap();
    let fix = entries
        .iter()
        .find(|e| e["action"] == "security.fix" && e["outcome"] == "ok");
    let fix = fix.expect("the fix is in root's log");
    assert_eq!(fix["actor"], "nobody", "the user who asked: {fix}");
    assert_eq!(fix["source"], "helper");

    // Root's own record is what an undo replays; one it never made is refused.
    let (run, refused) = helper.run(&["undo", "999"]);
    assert_eq!(run.code, 2);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("was not made with administrator rights"),
        "{refused}"
    );
    let (run, _) = helper.run(&["undo", &fixed.change.id.to_string()]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding yes\n"
    );

    // Any account reads root's log, searched like its own, and checks it.
    let admin_log = |args: &[&str]| {
        let mut cmd = dir.cmd(args);
        cmd.env("SHIPSHAPE_STATE_DIR", &helper.state);
        Run::from(cmd.output().unwrap())
    };
    let run = admin_log(&[
        "audit",
        "list",
        "--admin",
        "--json",
        "--action",
        "security.",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let actions: Vec<(&str, &str)> = listed
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    // The stale attempt is root's record too.
    assert_eq!(
        actions,
        [
            ("security.fix", "failed"),
            ("security.fix", "ok"),
            ("security.undo", "ok")
        ],
        "{listed:?}"
    );
    let run = admin_log(&["audit", "verify", "--admin"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("Administrator's record: The activity log is intact"),
        "{run:#?}"
    );

    // An entry changed after root published it is caught...
    let text = std::fs::read_to_string(&published).unwrap();
    std::fs::write(&published, text.replacen("\"nobody\"", "\"mallory\"", 1)).unwrap();
    let run = admin_log(&["audit", "verify", "--admin", "--json"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict["status"], "tampered", "{verdict}");
    // ...and a record any account could have written is not shown as root's.
    std::os::unix::fs::chown(&published, Some(65534), None).unwrap();
    let run = admin_log(&["audit", "list", "--admin"]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr
            .contains("is not a record written by the administrator"),
        "{run:#?}"
    );
}

#[test]
fn the_helper_takes_only_known_requests() {
    let dir = TestDir::new();
    let helper = Helper {
        dir: &dir,
        scan_root: forwarding(&dir),
        state: private_state(&dir),
    };
    for bad in [
        vec!["fix", "no.such"],
        vec!["fix", "ssh.x11_forwarding; rm -rf /"],
        vec!["undo", "0"],
        vec!["preview", "/etc/shadow"],
        vec!["fix", "ssh.x11_forwarding", "--seen", "abc"],
        // Root installs only what a fix needs, by its plain name.
        vec!["install-needed", "vim"],
        vec!["install-needed", "ufw=0.1"],
        vec!["install-needed", "--", "--allow-unauthenticated"],
        vec!["install-needed", "./ufw.deb"],
        vec![
            "--test-setting",
            "PATH=/tmp",
            "preview",
            "ssh.x11_forwarding",
        ],
    ] {
        let (run, answer) = helper.run(&bad);
        assert_eq!(run.code, 2, "{bad:?}: {run:#?}");
        assert_eq!(answer["code"], "invalid_input", "{bad:?}: {answer}");
    }
    let run = Run::from(helper.cmd(&["run", "/bin/sh"]).output().unwrap());
    assert_eq!(run.code, 2, "{run:#?}");
}

/// A stand-in for pkexec: the administrator said yes (it runs the helper
/// as the test's own root, for the user `uid`, as pkexec would) or, with
/// `answer` 126, dismissed the password dialog.
pub fn fake_pkexec(dir: &TestDir, uid: u32, answer: Option<i32>) -> PathBuf {
    fake_pkexec_with(dir, uid, answer, "")
}

/// `fake_pkexec`, running the helper with `settings` ("NAME=VALUE ...")
/// in its environment: the test settings the real door would forward.
pub fn fake_pkexec_with(dir: &TestDir, uid: u32, answer: Option<i32>, settings: &str) -> PathBuf {
    let path = dir
        .root()
        .join(format!("pkexec-{uid}-{}", answer.unwrap_or(0)));
    let body = match answer {
        Some(code) => format!("#!/bin/sh\nexit {code}\n"),
        None => format!("#!/bin/sh\nPKEXEC_UID={uid} {settings} exec \"$@\"\n"),
    };
    // Written by another process: a file this process had open for
    // writing may still be open in a child another test thread forked,
    // and running it then fails with "Text file busy".
    let written = Command::new("sh")
        .args([
            "-c",
            "printf '%s' \"$1\" > \"$2\" && chmod 0755 \"$2\"",
            "sh",
        ])
        .arg(&body)
        .arg(&path)
        .status()
        .unwrap();
    assert!(written.success());
    path
}

#[test]
fn the_door_reads_the_helpers_answers_and_a_dismissed_password() {
    let dir = TestDir::new();
    let exe = Path::new(env!("CARGO_BIN_EXE_shipshape"));
    let yes = fake_pkexec(&dir, 65534, None);
    let refused: Result<FixOutcome, _> = run_with(
        &yes,
        exe,
        Request::Fix {
            id: "no.such".into(),
            seen: None,
        },
    );
    assert_eq!(refused.unwrap_err().code, ErrorCode::InvalidInput);
    let no = fake_pkexec(&dir, 65534, Some(126));
    let dismissed: Result<FixOutcome, _> = run_with(&no, exe, Request::Undo(1));
    let e = dismissed.unwrap_err();
    assert_eq!(e.code, ErrorCode::NeedsAdmin);
    assert!(
        e.message.contains("password was not given"),
        "{}",
        e.message
    );
}

#[test]
fn as_root_a_change_to_this_computer_is_kept_in_roots_records_and_mirrored() {
    let dir = TestDir::new();
    let scan_root = forwarding(&dir);
    let state = private_state(&dir);
    let file = scan_root.join("etc/ssh/sshd_config.d/10-local.conf");
    let this_computer = |args: &[&str]| {
        let mut cmd = dir.cmd(args);
        cmd.env("SHIPSHAPE_SCAN_ROOT", &scan_root)
            .env("SHIPSHAPE_STATE_DIR", &state);
        Run::from(cmd.output().unwrap())
    };
    let r = scan_root.to_str().unwrap();
    this_computer(&["fix", "ssh.x11_forwarding", "--root", r]).success();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding no\n"
    );
    let changes: Value =
        serde_json::from_str(&this_computer(&["changes", "--json"]).stdout).unwrap();
    assert_eq!(changes[0]["admin_change"], 1, "{changes}");
    // The user's database says the change was somewhere else: the undo
    // still replays root's own record, and the other place is untouched.
    let canary = dir.root().join("canary");
    std::fs::create_dir_all(canary.join("etc/ssh/sshd_config.d")).unwrap();
    let canary_file = canary.join("etc/ssh/sshd_config.d/10-local.conf");
    std::fs::write(&canary_file, "X11Forwarding no\n").unwrap();
    dir.raw()
        .execute(
            "UPDATE security_changes SET root = ?1 WHERE id = 1",
            [scan_root.to_str().unwrap()],
        )
        .unwrap();
    let steps: String = dir
        .raw()
        .query_row("SELECT steps FROM security_changes WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    dir.raw()
        .execute(
            "UPDATE security_changes SET steps = ?1 WHERE id = 1",
            [steps.replace(
                "10-local.conf",
                "../../../../canary/etc/ssh/sshd_config.d/10-local.conf",
            )],
        )
        .unwrap();
    this_computer(&["undo", "1"]).success();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "X11Forwarding yes\n"
    );
    assert_eq!(
        std::fs::read_to_string(&canary_file).unwrap(),
        "X11Forwarding no\n"
    );
    // A change to this computer that root has no record of is refused.
    dir.raw()
        .execute(
            "INSERT INTO security_changes (time, actor, check_id, title, root, kind, steps)
             VALUES ('2026-12-01T00:00:00Z', 'mallory', 'ssh.x11_forwarding', 'X', ?1, 'fix', '[]')",
            [scan_root.to_str().unwrap()],
        )
        .unwrap();
    this_computer(&["undo", "3"])
        .code(2)
        .fails_with("not in the administrator's own records");
}

#[test]
fn as_root_a_data_folder_others_can_change_is_refused() {
    let dir = TestDir::new();
    let shared = dir.root().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let data = shared.join("data");
    let run = Run::from(
        dir.bare()
            .arg("--data-dir")
            .arg(&data)
            .args(["changes"])
            .output()
            .unwrap(),
    );
    run.code(2).fails_with("not safe for administrator rights");
    assert!(!data.exists());
}
