//! `shipshape updates` with the real apt and dpkg, as root, against a
//! local signed archive made here: an ordinary suite and a security suite,
//! packages at two versions. What the tests install is purged afterwards,
//! even when they fail; the archive, its key and apt's lists live in the
//! test's own folder, handed to Shipshape through the test setting
//! `SHIPSHAPE_APT_CONFIG`.

use crate::util::{Run, TestDir};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// dpkg has one lock: the tests that install (or change the system's
/// accounts, as package scripts do) take turns, also with those
/// that run again in a private keychain session, in another process: the
/// turn is a lock on a file, held until the answer is dropped.
pub fn dpkg_turn() -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::env::temp_dir().join("shipshape-tests-dpkg.lock"))
        .unwrap();
    file.lock().unwrap();
    file
}

pub const TOOL: &str = "shipshape-test-tool";
const DATA: &str = "shipshape-test-data";
const BROKEN: &str = "shipshape-test-broken";

fn sh(program: &str, args: &[&str], dir: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A local signed archive with two flat suites and an apt configuration
/// that reads only them; the packages it installs are purged on drop.
pub struct Archive {
    pub dir: PathBuf,
    pub config: PathBuf,
    installed: Vec<&'static str>,
}

impl Archive {
    /// The archive the update tests use: a tool at 1.0 and, in the
    /// security suite, 1.1; data and a package whose set-up fails at 1.1.
    pub fn new(dir: &Path) -> Archive {
        let archive = Archive::empty(dir);
        archive.package(TOOL, "1.0", "main", None, &[]);
        archive.package(TOOL, "1.1", "security", None, &[]);
        archive.package(DATA, "1.1", "main", None, &[]);
        archive.package(
            BROKEN,
            "1.1",
            "main",
            Some("#!/bin/sh\necho 'set-up failed on purpose' >&2\nexit 1\n"),
            &[],
        );
        archive.index(true);
        archive
    }

    /// An archive with no packages yet, its key, and apt's configuration:
    /// add packages, then `index` it.
    pub fn empty(dir: &Path) -> Archive {
        let dir = dir.join("apt");
        for sub in [
            "build",
            "main",
            "security",
            "lists/partial",
            "cache/archives/partial",
            "none",
            "gnupg",
        ] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        // apt reads the archive as its own `_apt` user.
        let mut at = dir.clone();
        while at != Path::new("/") {
            let mode = std::fs::metadata(&at).unwrap().permissions().mode();
            std::fs::set_permissions(&at, std::fs::Permissions::from_mode(mode | 0o755)).unwrap();
            at.pop();
        }
        std::fs::set_permissions(dir.join("gnupg"), std::fs::Permissions::from_mode(0o700))
            .unwrap();
        let archive = Archive {
            config: dir.join("apt.conf"),
            dir,
            installed: Vec::new(),
        };
        archive.gpg(&[
            "--passphrase",
            "",
            "--quick-gen-key",
            "Shipshape Test Archive <archive@example.invalid>",
            "ed25519",
            "sign",
            "never",
        ]);
        let key = Command::new("gpg")
            .args(["--batch", "--homedir", "gnupg", "--export"])
            .current_dir(&archive.dir)
            .output()
            .unwrap()
            .stdout;
        std::fs::write(archive.dir.join("key.gpg"), key).unwrap();
        let d = archive.dir.display();
        std::fs::write(
            archive.dir.join("sources.list"),
            format!(
                "deb [signed-by={d}/key.gpg] file:{d}/main ./\ndeb [signed-by={d}/key.gpg] file:{d}/security ./\n"
            ),
        )
        .unwrap();
        std::fs::write(
            &archive.config,
            format!(
                "Dir::Etc::SourceList \"{d}/sources.list\";\nDir::Etc::SourceParts \"{d}/none\";\nDir::Etc::PreferencesParts \"{d}/none\";\nDir::Etc::Preferences \"{d}/none/preferences\";\nDir::State::Lists \"{d}/lists\";\nDir::Cache \"{d}/cache\";\nDir::Cache::archives \"{d}/cache/archives/\";\nAPT::Get::List-Cleanup \"0\";\n"
            ),
        )
        .unwrap();
        archive
    }

    fn gpg(&self, args: &[&str]) -> String {
        let mut all = vec!["--batch", "--quiet", "--homedir", "gnupg"];
        all.extend(args);
        sh("gpg", &all, &self.dir)
    }

    /// Writes both suites' package lists and release files, signed with
    /// the archive's key, or (`signed` false) not signed at all, which apt
    /// must refuse.
    pub fn index(&self, signed: bool) {
        let suites = [
            ("main", "shipshape-test"),
            ("security", "shipshape-test-security"),
        ];
        for (folder, suite) in suites {
            let d = self.dir.join(folder);
            let packages = sh("apt-ftparchive", &["packages", "."], &d);
            std::fs::write(d.join("Packages"), packages).unwrap();
            let release = sh(
                "apt-ftparchive",
                &[
                    "-o",
                    "APT::FTPArchive::Release::Origin=Shipshape",
                    "-o",
                    "APT::FTPArchive::Release::Label=Shipshape-Test",
                    "-o",
                    &format!("APT::FTPArchive::Release::Suite={suite}"),
                    "-o",
                    &format!("APT::FTPArchive::Release::Codename={suite}"),
                    "release",
                    ".",
                ],
                &d,
            );
            std::fs::write(d.join("Release"), release).unwrap();
            if signed {
                self.gpg(&[
                    "--clearsign",
                    "-o",
                    &format!("{folder}/InRelease"),
                    &format!("{folder}/Release"),
                ]);
            }
        }
    }

    /// Reads the archive into apt's lists under its configuration; answers
    /// whether apt took it (an unsigned one it does not).
    pub fn read_into_apt(&self) -> bool {
        Command::new("apt-get")
            .args(["update", "-q"])
            .env("APT_CONFIG", &self.config)
            .output()
            .unwrap()
            .status
            .success()
    }

    /// NAME is purged when the archive is dropped, even after a failure.
    pub fn purge_after(&mut self, name: &'static str) {
        self.installed.push(name);
    }

    /// Builds NAME at VERSION into the suite folder, or (with "build"
    /// for the folder) only into `build/`, to install by hand; `programs`
    /// are extra files (absolute path, content) installed executable.
    pub fn package(
        &self,
        name: &str,
        version: &str,
        folder: &str,
        postinst: Option<&str>,
        programs: &[(&Path, &str)],
    ) -> PathBuf {
        let src = self.dir.join("build").join(format!("{name}-{version}"));
        std::fs::create_dir_all(src.join("DEBIAN")).unwrap();
        std::fs::create_dir_all(src.join("usr/share").join(name)).unwrap();
        std::fs::write(
            src.join("usr/share").join(name).join("VERSION"),
            format!("{version}\n"),
        )
        .unwrap();
        std::fs::write(
            src.join("DEBIAN/control"),
            format!(
                "Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Shipshape tests <tests@example.invalid>\nDescription: what the update tests install\n"
            ),
        )
        .unwrap();
        let scripts = postinst.map(|p| (src.join("DEBIAN/postinst"), p));
        let programs = programs
            .iter()
            .map(|(path, text)| (src.join(path.strip_prefix("/").unwrap_or(path)), *text));
        for (p, text) in scripts.into_iter().chain(programs) {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let deb = self
            .dir
            .join(folder)
            .join(format!("{name}_{version}_all.deb"));
        sh(
            "dpkg-deb",
            &[
                "--root-owner-group",
                "-b",
                src.to_str().unwrap(),
                deb.to_str().unwrap(),
            ],
            &self.dir,
        );
        deb
    }

    /// Installs NAME 1.0 from a file of its own (not in the archive).
    pub fn install_old(&mut self, name: &'static str) {
        self.installed.push(name);
        let deb = self.package(name, "1.0", "build", None, &[]);
        sh("dpkg", &["-i", deb.to_str().unwrap()], &self.dir);
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        if self.installed.is_empty() {
            return;
        }
        let _ = Command::new("apt-mark")
            .arg("unhold")
            .args(&self.installed)
            .output();
        let _ = Command::new("dpkg")
            .arg("--purge")
            .args(&self.installed)
            .output();
    }
}

pub fn version_of(name: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version} ${db:Status-Abbrev}", name])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (version, status) = text.split_once(' ')?;
    // "ii" installed, "hi" installed and held.
    (status.as_bytes().get(1) == Some(&b'i')).then(|| version.to_string())
}

pub fn updates(dir: &TestDir, archive: &Archive, state: &Path, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(&["updates"]);
    cmd.args(args)
        .env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", state);
    Run::from(cmd.output().unwrap())
}

pub fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

#[test]
fn updates_are_checked_installed_undone_and_repaired_with_the_real_apt() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let mut archive = Archive::new(dir.root());
    archive.install_old(TOOL);
    archive.install_old(DATA);
    archive.install_old(BROKEN);

    // No refresh unless asked: apt knows nothing of the archive yet.
    let quiet = updates(&dir, &archive, &state, &["check", "--json"]);
    quiet.success();
    assert_eq!(
        json(&quiet)["updates"].as_array().unwrap().len(),
        0,
        "{quiet:?}"
    );
    let check = updates(&dir, &archive, &state, &["check", "--refresh", "--json"]);
    assert_eq!(check.code, 1, "security updates wait: {check:?}");
    let waiting = json(&check);
    let list = waiting["updates"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, [TOOL, BROKEN, DATA], "security first, then by name");
    assert_eq!(list[0]["security"], true);
    assert_eq!(list[0]["installed"], "1.0");
    assert_eq!(list[0]["candidate"], "1.1");
    assert!(list[0]["download_bytes"].as_u64().unwrap() > 0, "{list:?}");
    assert_eq!(list[1]["security"], false);
    let plain = updates(&dir, &archive, &state, &["check"]);
    assert!(
        plain
            .stdout
            .starts_with("1 security update and 2 other updates are waiting."),
        "{plain:?}"
    );

    // Bad input: nothing changes.
    for (args, says) in [
        (&["apply", "--security"][..], "--yes"),
        (&["apply", "--yes"][..], "Say which updates"),
        (&["apply", "--yes", "--", "-o"][..], "not a package name"),
        (&["apply", "--yes", "vim"][..], "no waiting update"),
        (&["undo", "999"][..], "no update run 999"),
    ] {
        let refused = updates(&dir, &archive, &state, args);
        refused.code(2).fails_with(says);
    }
    assert_eq!(version_of(TOOL).as_deref(), Some("1.0"));

    // Security only: the tool moves, the others stay.
    let applied = updates(
        &dir,
        &archive,
        &state,
        &["apply", "--security", "--yes", "--json"],
    );
    applied.success();
    let run = json(&applied);
    assert_eq!(run["outcome"], "done", "{run}");
    assert_eq!(run["packages"][0]["old_version"], "1.0");
    assert_eq!(run["packages"][0]["new_version"], "1.1");
    assert_eq!(
        run["packages"][0]["undo_copy"], true,
        "downloaded again from the archive"
    );
    assert_eq!(version_of(TOOL).as_deref(), Some("1.1"));
    assert_eq!(version_of(DATA).as_deref(), Some("1.0"));
    let first = run["id"].as_i64().unwrap();
    // The kept check is not answered again once dpkg's state changed.
    let after = json(&updates(&dir, &archive, &state, &["check", "--json"]));
    let names: Vec<&str> = after["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [BROKEN, DATA], "{after}");

    // The package manager busy: the run waits a while, then says who holds
    // the lock, and changes nothing.
    let mut holder = Command::new("python3")
        .args([
            "-c",
            "import fcntl, sys, time\nf = open('/var/lib/dpkg/lock-frontend', 'w')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(120)\n",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut said,
    )
    .unwrap();
    assert_eq!(said, "locked\n");
    let mut busy = dir.cmd(&["updates", "apply", DATA, "--yes", "--json"]);
    busy.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state)
        .env("SHIPSHAPE_APT_LOCK_SECONDS", "2");
    let busy = Run::from(busy.output().unwrap());
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(busy.code, 1, "{busy:?}");
    let said = json(&busy);
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains(&format!("python3, process {}", holder.id())),
        "{said}"
    );
    assert_eq!(version_of(DATA).as_deref(), Some("1.0"));

    // A package whose old version is in no archive is rebuilt to keep it.
    let data = json(&updates(
        &dir,
        &archive,
        &state,
        &["apply", DATA, "--yes", "--json"],
    ));
    assert_eq!(
        data["packages"][0]["undo_copy"], true,
        "rebuilt with dpkg-repack: {data}"
    );
    assert_eq!(version_of(DATA).as_deref(), Some("1.1"));

    // A set-up script that fails: the run says so and is recorded.
    let broken = updates(
        &dir,
        &archive,
        &state,
        &["apply", BROKEN, "--yes", "--json"],
    );
    assert_eq!(broken.code, 1, "{broken:?}");
    let said = json(&broken);
    assert_eq!(said["outcome"], "failed");
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .contains("set-up script failed"),
        "{said}"
    );
    assert!(
        said["log_tail"].as_str().unwrap().contains(BROKEN),
        "{said}"
    );
    let repair = updates(&dir, &archive, &state, &["repair", "--json"]);
    assert_eq!(
        json(&repair)["outcome"],
        "failed",
        "the script still fails: {repair:?}"
    );
    let refused = updates(&dir, &archive, &state, &["apply", "--all", "--yes"]);
    refused.code(2).fails_with("half installed");

    let history = json(&updates(&dir, &archive, &state, &["history", "--json"]));
    let runs = history.as_array().unwrap();
    let kinds: Vec<(&str, &str)> = runs
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("repair", "failed"),
            ("apply", "failed"),
            ("apply", "done"),
            ("apply", "failed"),
            ("apply", "done")
        ]
    );

    // Undo puts the kept version back and holds it; the broken run too.
    let broken_run = runs[1]["id"].as_i64().unwrap();
    let undone = json(&updates(
        &dir,
        &archive,
        &state,
        &["undo", &broken_run.to_string(), "--json"],
    ));
    assert_eq!(undone["outcome"], "done", "{undone}");
    assert_eq!(version_of(BROKEN).as_deref(), Some("1.0"));
    let undone = updates(&dir, &archive, &state, &["undo", &first.to_string()]);
    undone.success();
    assert!(undone.stdout.contains("held there"), "{undone:?}");
    assert_eq!(version_of(TOOL).as_deref(), Some("1.0"));
    let held = sh("apt-mark", &["showhold"], dir.root());
    assert!(held.lines().any(|l| l == TOOL), "{held}");
    updates(&dir, &archive, &state, &["undo", &first.to_string()])
        .code(2)
        .fails_with("already undone");
    // Held: not offered for --all, refused by name.
    updates(&dir, &archive, &state, &["apply", TOOL, "--yes"])
        .code(2)
        .fails_with("held");

    // Every check, install, undo and repair is in the user's log.
    let actions: Vec<String> = dir
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .filter(|a| a.starts_with("updates."))
        .collect();
    for action in [
        "updates.check",
        "updates.apply",
        "updates.undo",
        "updates.repair",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

/// Through the door (pkexec and the helper, as a normal account's app
/// goes): the helper's progress arrives while it works, and a cancel
/// reaches it and stops the run before anything is installed.
#[test]
fn through_the_helper_progress_arrives_and_cancel_stops_the_run() {
    use shipshape_core::admin::door::{Request, run_with_progress};
    use shipshape_core::maintain::updates::{Choice, UpdateRun};
    use shipshape_core::progress::Cancel;
    use shipshape_core::{Error, ErrorCode};

    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let mut archive = Archive::new(dir.root());
    archive.install_old(TOOL);
    archive.install_old(DATA);
    updates(&dir, &archive, &state, &["check", "--refresh"]).code(1);
    // The settings the real door forwards to the helper through pkexec.
    let settings = format!(
        "SHIPSHAPE_APT_CONFIG='{}' SHIPSHAPE_STATE_DIR='{}'",
        archive.config.display(),
        state.display()
    );
    let pkexec = crate::helper::fake_pkexec_with(&dir, 65534, None, &settings);
    let exe = Path::new(env!("CARGO_BIN_EXE_shipshape"));
    let both = || Request::UpdatesApply(Choice::Chosen(vec![TOOL.into(), DATA.into()]));

    let cancel = Cancel::new();
    cancel.cancel();
    let stopped: Result<UpdateRun, Error> =
        run_with_progress(&pkexec, exe, both(), &|_: u64, _: u64| {}, &cancel);
    assert_eq!(stopped.unwrap_err().code, ErrorCode::Cancelled);
    assert_eq!(version_of(TOOL).as_deref(), Some("1.0"));

    let seen = std::sync::Mutex::new(Vec::new());
    let record = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let run: UpdateRun = run_with_progress(&pkexec, exe, both(), &record, &Cancel::new()).unwrap();
    assert_eq!(run.message, "2 updates were installed.");
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.iter().all(|&(_, total)| total == 4), "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "in order: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&(4, 4)), "{seen:?}");
    assert_eq!(version_of(TOOL).as_deref(), Some("1.1"));
}
