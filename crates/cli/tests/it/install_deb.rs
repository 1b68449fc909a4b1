//! `shipshape install FILE.deb` with the real dpkg and apt, as root:
//! packages built here with `dpkg-deb`, a dependency offered by a local
//! signed archive, two versions of each. Previewed, installed, upgraded
//! with the old version kept, undone; a failing set-up script rolled
//! back and held; a swapped file, another architecture, a downgrade, a
//! missing dependency and a file that is no package refused before
//! anything changes; killed at each step and inside its set-up script; a
//! new package's services held back while dpkg runs. Everything installed
//! is purged afterwards, even when a test fails.

use crate::updates::{Archive, dpkg_turn, json, version_of};
use crate::util::{Run, TestDir};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const APP: &str = "shipshape-test-app";
const NEED: &str = "shipshape-test-needed";
const FAILS: &str = "shipshape-test-fails";

/// Builds NAME at VERSION as a .deb in `dir`: a unit file, a
/// configuration file, a postinst (`postinst` as its body, or one that
/// succeeds), and `control` added to its control file.
fn build(dir: &Path, name: &str, version: &str, control: &str, postinst: Option<&str>) -> PathBuf {
    build_with(dir, name, version, control, postinst, "port=8080\n", &[])
}

/// `build`, with `conf` as its configuration file and `more` control
/// files (a postrm, debconf templates), by name and content.
pub fn build_with(
    dir: &Path,
    name: &str,
    version: &str,
    control: &str,
    postinst: Option<&str>,
    conf: &str,
    more: &[(&str, &str)],
) -> PathBuf {
    let src = dir.join(format!("src-{name}-{version}"));
    for sub in ["DEBIAN", "lib/systemd/system", "etc", "usr/share/doc"] {
        std::fs::create_dir_all(src.join(sub)).unwrap();
    }
    std::fs::write(
        src.join("DEBIAN/control"),
        format!(
            "Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Shipshape tests <tests@example.invalid>\nInstalled-Size: 8\nDescription: what the install tests install\n{control}"
        ),
    )
    .unwrap();
    std::fs::write(src.join("DEBIAN/conffiles"), format!("/etc/{name}.conf\n")).unwrap();
    std::fs::write(src.join(format!("etc/{name}.conf")), conf).unwrap();
    std::fs::write(
        src.join(format!("lib/systemd/system/{name}.service")),
        "[Service]\nExecStart=/bin/true\n",
    )
    .unwrap();
    std::fs::write(src.join("usr/share/doc").join(name), format!("{version}\n")).unwrap();
    let control_files = [("postinst", postinst.unwrap_or("#!/bin/sh\nexit 0\n"))]
        .into_iter()
        .chain(more.iter().copied());
    // A name starting with "/" is a file the package installs there;
    // others are control files.
    for (which, body) in control_files {
        let file = match which.strip_prefix('/') {
            Some(path) => src.join(path),
            None => src.join("DEBIAN").join(which),
        };
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
        let mode = if body.starts_with("#!") { 0o755 } else { 0o644 };
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let deb = dir.join(format!("{name}_{version}_all.deb"));
    let out = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-b"])
        .arg(&src)
        .arg(&deb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    deb
}

fn digest_by(program: &str, file: &Path) -> String {
    let out = Command::new(program).arg(file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace().next().unwrap().to_string()
}

pub fn sha256(file: &Path) -> String {
    digest_by("sha256sum", file)
}

pub fn install(dir: &TestDir, archive: &Archive, state: &Path, file: &Path, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(&["install"]);
    cmd.arg(file)
        .args(args)
        .env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", state);
    Run::from(cmd.output().unwrap())
}

fn updates(dir: &TestDir, archive: &Archive, state: &Path, args: &[&str]) -> Run {
    crate::updates::updates(dir, archive, state, args)
}

fn audit_clean() -> bool {
    Command::new("dpkg")
        .arg("--audit")
        .output()
        .unwrap()
        .stdout
        .is_empty()
}

fn held(name: &str) -> bool {
    let out = Command::new("apt-mark").arg("showhold").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l == name)
}

/// A signed archive offering NEED, APP's dependency, and apt's lists of it.
fn archive_with_needed(dir: &TestDir) -> Archive {
    let mut archive = Archive::empty(dir.root());
    archive.package(NEED, "1.0", "main", None, &[]);
    archive.index(true);
    assert!(archive.read_into_apt());
    for name in [APP, NEED, FAILS] {
        archive.purge_after(name);
    }
    archive
}

#[test]
fn a_verified_deb_is_previewed_installed_upgraded_and_undone() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive_with_needed(&dir);
    let v1 = build(dir.root(), APP, "1.0", &format!("Depends: {NEED}\n"), None);
    let sum = sha256(&v1);

    // The preview changes nothing and says what would.
    let seen = install(
        &dir,
        &archive,
        &state,
        &v1,
        &["--sha256", &sum, "--dry-run", "--json"],
    );
    seen.success();
    let p = json(&seen);
    assert_eq!(p["deb"]["package"], APP);
    assert_eq!(p["deb"]["version"], "1.0");
    assert_eq!(p["change"], "new");
    assert_eq!(p["sha256"], sum);
    assert_eq!(p["deb"]["scripts"][0]["name"], "postinst");
    assert_eq!(p["deb"]["conffiles"][0], format!("/etc/{APP}.conf"));
    assert_eq!(
        p["deb"]["services"][0],
        format!("/lib/systemd/system/{APP}.service")
    );
    let steps: Vec<&str> = p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(steps.contains(&APP) && steps.contains(&NEED), "{steps:?}");
    assert_eq!(version_of(APP), None);

    // Without --yes, the preview only.
    let asked = install(&dir, &archive, &state, &v1, &["--sha256", &sum]);
    asked.code(2);
    assert!(
        asked.stderr.contains("--yes") && asked.stdout.contains("would be installed"),
        "{asked:?}"
    );
    assert_eq!(version_of(APP), None);

    let done = install(
        &dir,
        &archive,
        &state,
        &v1,
        &["--sha256", &sum, "--yes", "--json"],
    );
    done.success();
    let first = json(&done);
    assert_eq!(first["kind"], "install_file");
    assert_eq!(first["outcome"], "done");
    assert!(first["asked"].as_str().unwrap().contains(&sum), "{first}");
    assert_eq!(version_of(APP).as_deref(), Some("1.0"));
    assert_eq!(version_of(NEED).as_deref(), Some("1.0"));

    // 2.0 replaces it, verified with SHA-512; 1.0 is kept to go back to.
    let v2 = build(dir.root(), APP, "2.0", &format!("Depends: {NEED}\n"), None);
    let sha512 = digest_by("sha512sum", &v2);
    let up = install(
        &dir,
        &archive,
        &state,
        &v2,
        &["--sha512", &sha512, "--yes", "--json"],
    );
    up.success();
    let second = json(&up);
    let app = second["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == APP)
        .unwrap()
        .clone();
    assert_eq!(
        (app["old_version"].as_str(), app["undo_copy"].as_bool()),
        (Some("1.0"), Some(true))
    );
    assert_eq!(version_of(APP).as_deref(), Some("2.0"));

    // Undo the upgrade: 1.0 back, held; undo the first: all it brought gone.
    // Undo takes the run's number in the user's own history.
    let number = |run: &serde_json::Value| run["id"].as_i64().unwrap().to_string();
    updates(&dir, &archive, &state, &["undo", &number(&second)]).success();
    assert_eq!(version_of(APP).as_deref(), Some("1.0"));
    assert!(held(APP));
    Command::new("apt-mark")
        .args(["unhold", APP])
        .output()
        .unwrap();
    // The list shows both; undoing the first takes away all it brought.
    let listed = json(&Run::from(
        dir.cmd(&["installs", "list", "--json"]).output().unwrap(),
    ));
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    Run::from(
        dir.cmd(&["installs", "show", &number(&first)])
            .output()
            .unwrap(),
    )
    .success();
    let mut undo = dir.cmd(&["installs", "undo", &number(&first), "--json"]);
    undo.env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state);
    let gone = Run::from(undo.output().unwrap());
    gone.success();
    assert_eq!(version_of(APP), None);
    assert_eq!(version_of(NEED), None);
    assert!(
        json(&gone)["message"].as_str().unwrap().contains("removed"),
        "{gone:?}"
    );
    assert!(audit_clean());
}

#[test]
fn a_failing_set_up_script_is_rolled_back_to_the_old_version_and_held() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive_with_needed(&dir);
    let broken = Some("#!/bin/sh\necho 'set-up failed on purpose' >&2\nexit 1\n");

    // New and failing: nothing of it stays.
    let fresh = build(dir.root(), FAILS, "1.0", "", broken);
    let failed = install(
        &dir,
        &archive,
        &state,
        &fresh,
        &["--sha256", &sha256(&fresh), "--yes", "--json"],
    );
    failed.code(1);
    let run = json(&failed);
    assert_eq!(run["outcome"], "failed");
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains("(postinst) failed") && message.contains("removed again"),
        "{message}"
    );
    assert_eq!(version_of(FAILS), None);
    assert!(audit_clean());

    // 1.0 works; 2.0 fails: 1.0 comes back, configured and held.
    let good = build(dir.root(), FAILS, "1.0", "", None);
    install(
        &dir,
        &archive,
        &state,
        &good,
        &["--sha256", &sha256(&good), "--yes"],
    )
    .success();
    let bad = build(dir.root(), FAILS, "2.0", "", broken);
    let failed = install(
        &dir,
        &archive,
        &state,
        &bad,
        &["--sha256", &sha256(&bad), "--yes", "--json"],
    );
    failed.code(1);
    let message = json(&failed)["message"].as_str().unwrap().to_string();
    assert!(message.contains("put back and held"), "{message}");
    assert_eq!(version_of(FAILS).as_deref(), Some("1.0"));
    assert!(held(FAILS));
    assert!(audit_clean());
}

#[test]
fn what_cannot_be_installed_safely_is_refused_before_anything_changes() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let archive = archive_with_needed(&dir);
    let app = build(dir.root(), APP, "1.0", "", None);
    let sum = sha256(&app);

    // Another file's checksum: Verify's verdict refuses it.
    let other = build(dir.root(), APP, "1.1", "", None);
    install(&dir, &archive, &state, &other, &["--sha256", &sum, "--yes"])
        .code(2)
        .fails_with("does not match the SHA-256 checksum you gave. Shipshape did not install it.");
    // Swapped between the check and root's copy: root refuses it, without
    // saying the checksum it read.
    let mut helper = dir.cmd(&["helper", "install-deb", "--checksum"]);
    helper
        .arg(format!("sha256:{sum}"))
        .arg("--")
        .arg(&other)
        .env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state);
    let refused = Run::from(helper.output().unwrap());
    assert_ne!(refused.code, 0);
    assert!(
        refused.stdout.contains("is not the file that was verified"),
        "{refused:?}"
    );
    assert!(!refused.stdout.contains(&sha256(&other)), "{refused:?}");
    // No trust at all, a bad checksum, a risk without reason.
    install(&dir, &archive, &state, &app, &["--yes"]).code(2);
    install(&dir, &archive, &state, &app, &["--sha256", "abc", "--yes"])
        .code(2)
        .fails_with("64 hexadecimal");
    install(
        &dir,
        &archive,
        &state,
        &app,
        &["--accept-risk", " ", "--yes"],
    )
    .code(2)
    .fails_with("needs a reason");
    // Not a package; missing; a folder.
    let text = dir.root().join("notes.deb");
    std::fs::write(&text, "not a package\n").unwrap();
    install(
        &dir,
        &archive,
        &state,
        &text,
        &["--sha256", &sha256(&text), "--dry-run"],
    )
    .code(2)
    .fails_with("is not a Debian package");
    install(
        &dir,
        &archive,
        &state,
        &dir.root().join("gone.deb"),
        &["--sha256", &sum, "--dry-run"],
    )
    .code(2);
    // Another architecture.
    let foreign = build(dir.root(), APP, "1.2", "", None);
    let src = dir.root().join(format!("src-{APP}-1.2"));
    let control = std::fs::read_to_string(src.join("DEBIAN/control")).unwrap();
    std::fs::write(
        src.join("DEBIAN/control"),
        control.replace("Architecture: all", "Architecture: s390x"),
    )
    .unwrap();
    let s390x = dir.root().join("app_s390x.deb");
    assert!(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "-b"])
            .arg(&src)
            .arg(&s390x)
            .output()
            .unwrap()
            .status
            .success()
    );
    std::fs::remove_file(foreign).ok();
    install(
        &dir,
        &archive,
        &state,
        &s390x,
        &["--sha256", &sha256(&s390x), "--dry-run"],
    )
    .code(2)
    .fails_with("built for s390x computers");
    // A dependency no source offers.
    let needy = build(
        dir.root(),
        APP,
        "1.3",
        "Depends: shipshape-test-nowhere\n",
        None,
    );
    // The preview says so; asked to install anyway, root records that
    // nothing changed.
    install(
        &dir,
        &archive,
        &state,
        &needy,
        &["--sha256", &sha256(&needy), "--dry-run"],
    )
    .code(2)
    .fails_with("none of this computer's package sources offers");
    let refused = install(
        &dir,
        &archive,
        &state,
        &needy,
        &["--sha256", &sha256(&needy), "--yes", "--json"],
    );
    refused.code(1);
    let run = json(&refused);
    let message = run["message"].as_str().unwrap();
    assert!(
        message.contains("nothing was changed")
            && message.contains("none of this computer's package sources offers"),
        "{message}"
    );
    assert_eq!(run["packages"], serde_json::json!([]));
    assert_eq!(version_of(APP), None);

    // A downgrade only when asked for.
    install(
        &dir,
        &archive,
        &state,
        &other,
        &["--sha256", &sha256(&other), "--yes"],
    )
    .success();
    install(&dir, &archive, &state, &app, &["--sha256", &sum, "--yes"])
        .code(2)
        .fails_with("older than the 1.1 installed");
    assert_eq!(version_of(APP).as_deref(), Some("1.1"));
    install(
        &dir,
        &archive,
        &state,
        &app,
        &["--sha256", &sum, "--yes", "--allow-downgrade"],
    )
    .success();
    assert_eq!(version_of(APP).as_deref(), Some("1.0"));

    // Unverified, with a reason: installed, and the record says so.
    let risky = install(
        &dir,
        &archive,
        &state,
        &other,
        &["--accept-risk", "a test build", "--yes", "--json"],
    );
    risky.success();
    assert!(
        json(&risky)["asked"]
            .as_str()
            .unwrap()
            .contains("NOT verified"),
        "{risky:?}"
    );
    // Nothing staged is left in root's folder.
    let staging = state.join("install-staging");
    assert!(std::fs::read_dir(&staging).map_or(true, |d| d.count() == 0));
    assert!(audit_clean());
}

const OTHER: &str = "shipshape-test-other";

#[test]
fn an_installation_cut_off_at_each_step_is_explained_by_the_next_one() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let mut archive = archive_with_needed(&dir);
    archive.purge_after(OTHER);
    let v1 = build(dir.root(), APP, "1.0", &format!("Depends: {NEED}\n"), None);
    let sum = sha256(&v1);
    let other = build(dir.root(), OTHER, "1.0", "", None);
    let other_sum = sha256(&other);
    // Killed after the old versions are kept, and after the package
    // manager finished but before the verdict is written, as a power cut
    // would stop it (the test setting SHIPSHAPE_CUT_AT).
    for step in ["install-kept", "install-installed"] {
        let mut cmd = dir.cmd(&["install"]);
        cmd.arg(&v1)
            .args(["--sha256", &sum, "--yes", "--json"])
            .env("SHIPSHAPE_APT_CONFIG", &archive.config)
            .env("SHIPSHAPE_STATE_DIR", &state)
            .env("SHIPSHAPE_CUT_AT", step);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), None, "killed at {step}: {out:?}");
        assert!(
            audit_clean(),
            "nothing is half installed after a cut at {step}"
        );
        let moved = step == "install-installed";
        assert_eq!(version_of(APP).as_deref(), moved.then_some("1.0"), "{step}");

        // The next installation closes the cut-off one in the records,
        // says so first, then does its own work.
        let next = install(
            &dir,
            &archive,
            &state,
            &other,
            &["--sha256", &other_sum, "--yes", "--json"],
        );
        next.success();
        let said = json(&next)["message"].as_str().unwrap().to_string();
        assert!(
            said.contains("had been cut off before it finished; it is closed as failed"),
            "{said}"
        );
        let closed = crate::power_cut::cut_off(&dir, &state);
        let last = closed.first().unwrap();
        let changed = if moved {
            "1 of 1 package changed"
        } else {
            "0 of 1 package changed"
        };
        assert!(
            last.contains("cut off before it finished") && last.contains(changed),
            "{step}: {last}"
        );
        let listed = json(&Run::from(
            dir.cmd(&["installs", "list", "--json"])
                .env("SHIPSHAPE_STATE_DIR", &state)
                .output()
                .unwrap(),
        ));
        assert!(
            listed.to_string().contains("cut off before it finished"),
            "{listed}"
        );
        let purged = Command::new("dpkg")
            .args(["--purge", APP, NEED, OTHER])
            .output()
            .unwrap();
        assert!(purged.status.success(), "{purged:?}");
    }
}

/// Killed with dpkg in the middle of the package's set-up script (the
/// whole process group, as a power cut stops everything): the next
/// installation is refused until a repair finishes what dpkg left, the
/// cut-off run closed in the records with what it left; after the repair
/// the package is installed and dpkg is consistent.
#[test]
fn an_installation_killed_in_its_set_up_script_is_refused_until_a_repair_finishes_it() {
    use crate::power_cut::{killed_in_set_up_script, waits_once};
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let marks = dir.root().join("marks");
    std::fs::create_dir(&marks).unwrap();
    let mut archive = archive_with_needed(&dir);
    archive.purge_after(OTHER);
    let postinst = waits_once(&marks);
    let v1 = build(
        dir.root(),
        APP,
        "1.0",
        &format!("Depends: {NEED}\n"),
        Some(&postinst),
    );
    let sum = sha256(&v1);
    let mut cmd = dir.cmd(&["install"]);
    cmd.arg(&v1)
        .args(["--sha256", &sum, "--yes"])
        .env("SHIPSHAPE_APT_CONFIG", &archive.config)
        .env("SHIPSHAPE_STATE_DIR", &state);
    killed_in_set_up_script(&mut cmd, &marks);
    assert!(!audit_clean(), "dpkg was stopped half way");
    assert_eq!(version_of(APP), None, "not fully installed");

    // Refused with what to do; the cut-off run explained.
    let other = build(dir.root(), OTHER, "1.0", "", None);
    let other_sum = sha256(&other);
    install(
        &dir,
        &archive,
        &state,
        &other,
        &["--sha256", &other_sum, "--yes"],
    )
    .fails_with("half installed");
    assert_eq!(version_of(OTHER), None, "nothing else was installed");
    let closed = crate::power_cut::cut_off(&dir, &state);
    assert!(
        closed[0].contains("left half installed; a repair finishes them"),
        "{closed:?}"
    );

    // A repair finishes it; then the next installation goes ahead.
    std::fs::write(marks.join("again"), "").unwrap();
    updates(&dir, &archive, &state, &["repair", "--json"]).success();
    assert!(audit_clean(), "dpkg is consistent again");
    assert_eq!(version_of(APP).as_deref(), Some("1.0"));
    install(
        &dir,
        &archive,
        &state,
        &other,
        &["--sha256", &other_sum, "--yes"],
    )
    .success();
    assert_eq!(version_of(OTHER).as_deref(), Some("1.0"));
}

/// The steps' words of an installation's JSON.
fn steps(run: &serde_json::Value) -> Vec<String> {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["what"].as_str().unwrap().to_string())
        .collect()
}

/// Services a new package would start wait until it installed well: its
/// set-up script asks policy-rc.d (as invoke-rc.d does, by its path) and
/// is refused while the package manager runs; the hold is gone after,
/// whether the installation worked, failed, or was cut off (then the next
/// run takes it away). A policy-rc.d the computer has already is left as it is. The
/// test setting SHIPSHAPE_POLICY_RC_D stands for /usr/sbin/policy-rc.d,
/// which this machine's container has already.
#[test]
fn services_a_package_would_start_wait_until_its_installation_succeeded() {
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let state = dir.root().join("state");
    let policy = dir.root().join("policy-rc.d");
    let asked = dir.root().join("asked");
    let mut archive = archive_with_needed(&dir);
    archive.purge_after(OTHER);
    // Each set-up adds a line: its version, and policy-rc.d's answer.
    let postinst = |version: &str, fails: bool| {
        format!(
            "#!/bin/sh\n{p} {APP}.service start && echo {version} started >>{a} || echo \"{version} refused $?\" >>{a}\nmkdir -p /etc/systemd/system/multi-user.target.wants\nln -sf /lib/systemd/system/{APP}.service /etc/systemd/system/multi-user.target.wants/{APP}.service\n{}\n",
            if fails { "exit 1" } else { "exit 0" },
            a = asked.display(),
            p = policy.display()
        )
    };
    let postrm =
        format!("#!/bin/sh\nrm -f /etc/systemd/system/multi-user.target.wants/{APP}.service\n");
    let deb = |version: &str, fails: bool| {
        build_with(
            dir.root(),
            APP,
            version,
            &format!("Depends: {NEED}\n"),
            Some(&postinst(version, fails)),
            "port=8080\n",
            &[("postrm", &postrm)],
        )
    };
    let command = |file: &Path| {
        let mut cmd = dir.cmd(&["install"]);
        cmd.arg(file)
            .args(["--sha256", &sha256(file), "--yes", "--json"])
            .env("SHIPSHAPE_APT_CONFIG", &archive.config)
            .env("SHIPSHAPE_STATE_DIR", &state)
            .env("SHIPSHAPE_POLICY_RC_D", &policy);
        cmd
    };
    let run = |file: &Path| Run::from(command(file).output().unwrap());

    // Held back while dpkg ran, released after; started once it worked
    // (here no service manager runs, which the step says).
    let v1 = deb("1.0", false);
    let done = run(&v1);
    done.success();
    let answers = || std::fs::read_to_string(&asked).unwrap();
    assert_eq!(answers(), "1.0 refused 101\n");
    assert!(!policy.exists(), "the hold is gone");
    let said = steps(&json(&done));
    assert!(
        said.iter()
            .any(|s| s.starts_with("Services the package would start were held back")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|s| s.contains(&format!("{APP}.service start with the computer"))),
        "{said:?}"
    );

    // A new package whose set-up fails is taken out again; nothing of it
    // ran, and the hold is gone.
    let purge = || {
        let purged = Command::new("dpkg")
            .args(["--purge", APP])
            .output()
            .unwrap();
        assert!(purged.status.success(), "{purged:?}");
    };
    purge();
    let v2 = deb("2.0", true);
    run(&v2).code(1);
    assert_eq!(answers().lines().nth(1), Some("2.0 refused 101"));
    assert!(!policy.exists());
    assert_eq!(version_of(APP), None);

    // Cut off after the package manager finished: the next run takes the
    // hold away and says so.
    let cut = command(&v1)
        .env("SHIPSHAPE_CUT_AT", "install-installed")
        .output()
        .unwrap();
    assert_eq!(cut.status.code(), None, "killed: {cut:?}");
    assert!(policy.exists(), "left by the cut-off run");
    let other = build(dir.root(), OTHER, "1.0", "", None);
    let next = run(&other);
    next.success();
    let message = json(&next)["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("The hold on starting services"),
        "{message}"
    );
    assert!(!policy.exists());

    // The computer's own policy-rc.d decides, and is left as it is.
    let theirs = "#!/bin/sh\nexit 0\n";
    std::fs::write(&policy, theirs).unwrap();
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o755)).unwrap();
    purge();
    let kept = run(&v1);
    kept.success();
    assert!(answers().ends_with("1.0 started\n"), "{}", answers());
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), theirs);
    assert!(
        steps(&json(&kept))
            .iter()
            .any(|s| s.starts_with("This computer's own")),
        "{kept:?}"
    );

    // An upgrade is not held: its scripts restart what they stopped, so
    // the old program never keeps running.
    std::fs::remove_file(&policy).unwrap();
    let upgraded = run(&deb("3.0", false));
    upgraded.success();
    assert!(
        answers().ends_with("3.0 refused 127\n"),
        "no hold was asked: {}",
        answers()
    );
    assert!(
        !steps(&json(&upgraded))
            .iter()
            .any(|s| s.contains("held back")),
        "{upgraded:?}"
    );
}
