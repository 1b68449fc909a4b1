//! `shipshape install FILE.tar.gz|FILE.AppImage` as root, into a test
//! folder standing for /opt: two versions side by side with `current`
//! switched, switched back and undone; an AppImage; and, refused before
//! anything is written, tarballs whose entries would leave their folder
//! (a `..`, an absolute path, a link out, a file through a link), a file
//! that is not what was verified, an AppImage that is not one, and a name
//! that cannot be guessed.

use crate::util::{Run, TestDir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn shipshape(dir: &TestDir, opt: &Path, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_OPT_DIR", opt)
        .env("SHIPSHAPE_MENU_DIR", menu(dir))
        .env("SHIPSHAPE_STATE_DIR", dir.root().join("state"));
    Run::from(cmd.output().unwrap())
}

/// The menu entries' folder for `dir`'s runs.
fn menu(dir: &TestDir) -> PathBuf {
    dir.root().join("applications")
}

fn sha256(file: &Path) -> String {
    let out = Command::new("sha256sum").arg(file).output().unwrap();
    String::from_utf8_lossy(&out.stdout)[..64].to_string()
}

/// A release tarball `NAME-VERSION.EXT` (tar's `FLAG` compresses it) with
/// a top folder, a program in bin/ and a link inside.
fn release(dir: &Path, name: &str, version: &str, flag: &str, ext: &str) -> PathBuf {
    let top = format!("{name}-{version}");
    let src = dir.join("src").join(&top);
    std::fs::create_dir_all(src.join("bin")).unwrap();
    std::fs::write(
        src.join("bin").join(name),
        format!("#!/bin/sh\necho {version}\n"),
    )
    .unwrap();
    Command::new("chmod")
        .arg("755")
        .arg(src.join("bin").join(name))
        .status()
        .unwrap();
    std::fs::write(src.join("VERSION"), format!("{version}\n")).unwrap();
    std::os::unix::fs::symlink("bin", src.join("programs")).unwrap();
    let file = dir.join(format!("{top}.{ext}"));
    let out = Command::new("tar")
        .arg(flag)
        .arg(&file)
        .arg("-C")
        .arg(dir.join("src"))
        .arg(&top)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    file
}

/// A gzip tarball made by Python's tarfile, which writes any member name.
fn crafted(dir: &Path, file: &str, members: &str) -> PathBuf {
    let path = dir.join(file);
    let script = format!(
        "import io, tarfile\nt = tarfile.open({path:?}, 'w:gz')\n{members}\nt.close()\n",
        path = path.display().to_string()
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    path
}

const FILE_MEMBER: &str = "def add(name, data=b'x', kind=tarfile.REGTYPE, link=''):\n    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data) if kind == tarfile.REGTYPE else 0\n    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)\n";

#[test]
fn versions_of_a_program_are_installed_side_by_side_switched_and_undone() {
    let dir = TestDir::new();
    let opt = dir.root().join("opt");
    let v1 = release(dir.root(), "tool", "1.0", "-czf", "tar.gz");
    let v2 = release(dir.root(), "tool", "2.0", "-cJf", "tar.xz");
    let sum1 = sha256(&v1);

    let preview = shipshape(
        &dir,
        &opt,
        &[
            "install",
            v1.to_str().unwrap(),
            "--sha256",
            &sum1,
            "--dry-run",
            "--json",
        ],
    );
    preview.success();
    let p: serde_json::Value = serde_json::from_str(&preview.stdout).unwrap();
    assert_eq!(p["name"], "tool");
    assert_eq!(p["version"], "1.0");
    assert_eq!(p["kind"], "tarball");
    assert_eq!(p["programs"], serde_json::json!(["bin/tool"]));
    assert!(!opt.join("tool").exists(), "the preview wrote nothing");

    shipshape(
        &dir,
        &opt,
        &["install", v1.to_str().unwrap(), "--sha256", &sum1, "--yes"],
    )
    .success();
    let tool = opt.join("tool");
    assert_eq!(
        std::fs::read_link(tool.join("current")).unwrap(),
        Path::new("1.0")
    );
    let out = Command::new(tool.join("current/bin/tool"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1.0\n");
    assert_eq!(
        std::fs::read_link(tool.join("1.0/programs")).unwrap(),
        Path::new("bin")
    );
    // In the menu: the version in use, started through `current`.
    let entries = || -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(menu(&dir))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    assert_eq!(entries(), vec!["shipshape-opt-tool.desktop"]);
    let entry = std::fs::read_to_string(menu(&dir).join("shipshape-opt-tool.desktop")).unwrap();
    assert!(
        entry.contains(&format!(
            "Exec={}\n",
            tool.join("current/bin/tool").display()
        )),
        "{entry}"
    );

    let second = shipshape(
        &dir,
        &opt,
        &[
            "install",
            v2.to_str().unwrap(),
            "--sha512",
            &"0".repeat(128),
            "--yes",
        ],
    );
    assert_ne!(second.code, 0);
    assert!(
        !tool.join("2.0").exists(),
        "a file that is not the verified one is not installed"
    );

    let second = shipshape(
        &dir,
        &opt,
        &[
            "install",
            v2.to_str().unwrap(),
            "--accept-risk",
            "a test build",
            "--yes",
            "--json",
        ],
    );
    second.success();
    let run: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    assert_eq!(run["kind"], "install_program");
    assert!(run["asked"].as_str().unwrap().contains("NOT verified"));
    assert_eq!(
        std::fs::read_link(tool.join("current")).unwrap(),
        Path::new("2.0")
    );
    assert!(
        tool.join("1.0/VERSION").exists(),
        "the earlier version stays"
    );
    // Both in the menu, each named with its version, beside the one in use.
    assert_eq!(
        entries(),
        vec![
            "shipshape-opt-tool-V1.0.desktop",
            "shipshape-opt-tool-V2.0.desktop",
            "shipshape-opt-tool.desktop"
        ]
    );
    let old = std::fs::read_to_string(menu(&dir).join("shipshape-opt-tool-V1.0.desktop")).unwrap();
    assert!(old.contains("Name=tool 1.0\n"), "{old}");

    let again = shipshape(
        &dir,
        &opt,
        &[
            "install",
            v2.to_str().unwrap(),
            "--accept-risk",
            "again",
            "--dry-run",
        ],
    );
    again.code(2);
    assert!(again.stderr.contains("is installed in"), "{again:?}");

    shipshape(&dir, &opt, &["installs", "switch", "tool", "1.0"]).success();
    assert_eq!(
        std::fs::read_link(tool.join("current")).unwrap(),
        Path::new("1.0")
    );
    let unknown = shipshape(&dir, &opt, &["installs", "switch", "tool", "3.0"]);
    unknown.code(2);
    assert!(
        unknown.stderr.contains("Installed there: 1.0, 2.0"),
        "{unknown:?}"
    );
    let escape = shipshape(&dir, &opt, &["installs", "switch", "tool", "../../etc"]);
    assert_ne!(escape.code, 0);

    let list = shipshape(&dir, &opt, &["installs", "list", "--json"]);
    list.success();
    let runs: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let ids: Vec<i64> = runs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // Newest first: the switch, then 2.0, then 1.0.
    assert_eq!(runs[0]["kind"], "program_switch");

    // The change record of 2.0, printable and as JSON, with every step.
    let page = dir.root().join("record.html");
    let id2 = ids[1].to_string();
    shipshape(
        &dir,
        &opt,
        &["installs", "record", &id2, page.to_str().unwrap()],
    )
    .success();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Installation record: tool-2.0.tar.xz (NOT verified"),
        "{html}"
    );
    assert!(html.contains("WITHOUT proof"));
    assert!(html.contains("Parallel: a folder of its own"));
    assert!(html.contains("Read the archive: "));
    assert!(html.contains("and pointed "));
    let data = dir.root().join("record.json");
    shipshape(
        &dir,
        &opt,
        &["installs", "record", &id2, data.to_str().unwrap()],
    )
    .success();
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    assert_eq!(record["run"]["id"], ids[1]);
    assert!(record["run"]["steps"].as_array().unwrap().len() >= 3);
    let csv = shipshape(
        &dir,
        &opt,
        &["installs", "record", &id2, "/tmp/x.csv", "--format", "csv"],
    );
    csv.code(2);
    assert!(csv.stderr.contains("not a spreadsheet"), "{csv:?}");
    let missing = shipshape(
        &dir,
        &opt,
        &["installs", "record", "999", page.to_str().unwrap()],
    );
    assert_ne!(missing.code, 0);
    assert!(
        missing
            .stderr
            .contains("Installation 999 is not in this account's list"),
        "{missing:?}"
    );
    let audit = shipshape(&dir, &opt, &["audit", "list", "--json"]);
    assert!(audit.stdout.contains("install.record"));
    shipshape(&dir, &opt, &["installs", "undo", &ids[1].to_string()]).success();
    assert!(!tool.join("2.0").exists(), "undoing 2.0 removes it");
    assert_eq!(entries(), vec!["shipshape-opt-tool.desktop"]);
    assert_eq!(
        std::fs::read_link(tool.join("current")).unwrap(),
        Path::new("1.0")
    );
    shipshape(&dir, &opt, &["installs", "undo", &ids[2].to_string()]).success();
    assert!(
        !tool.exists(),
        "undoing the first version removes the program"
    );
    assert_eq!(entries(), Vec::<String>::new(), "and its menu entry");
}

#[test]
fn an_appimage_is_installed_as_one_program() {
    let dir = TestDir::new();
    let opt = dir.root().join("opt");
    let image = dir.root().join("Viewer-3.1-x86_64.AppImage");
    let mut bytes = b"\x7fELF\x02\x01\x01\x00AI\x02".to_vec();
    bytes.extend([0u8; 64]);
    std::fs::write(&image, &bytes).unwrap();
    let run = shipshape(
        &dir,
        &opt,
        &[
            "install",
            image.to_str().unwrap(),
            "--sha256",
            &sha256(&image),
            "--yes",
            "--json",
        ],
    );
    run.success();
    let installed = opt.join("viewer/3.1/viewer.AppImage");
    assert_eq!(std::fs::read(&installed).unwrap(), bytes);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&installed).unwrap().permissions().mode() & 0o777,
        0o755
    );

    let fake = dir.root().join("Fake-1.0.AppImage");
    std::fs::write(&fake, b"#!/bin/sh\necho not an appimage\n").unwrap();
    let refused = shipshape(
        &dir,
        &opt,
        &[
            "install",
            fake.to_str().unwrap(),
            "--sha256",
            &sha256(&fake),
            "--dry-run",
        ],
    );
    refused.code(2);
    assert!(refused.stderr.contains("is not an AppImage"), "{refused:?}");
}

#[test]
fn tarballs_that_would_write_outside_their_folder_are_refused_whole() {
    let dir = TestDir::new();
    let opt = dir.root().join("opt");
    let cases = [
        (
            "dotdot-1.0.tar.gz",
            "add('app/ok')\nadd('app/../../escaped')",
        ),
        (
            "absolute-1.0.tar.gz",
            "add('app/ok')\nadd('/tmp/shipshape-escaped')",
        ),
        (
            "linkout-1.0.tar.gz",
            "add('app/etc', kind=tarfile.SYMTYPE, link='../../../etc')",
        ),
        (
            "through-1.0.tar.gz",
            "add('app/data', kind=tarfile.SYMTYPE, link='sub')\nadd('app/data/x')",
        ),
        ("device-1.0.tar.gz", "add('app/null', kind=tarfile.CHRTYPE)"),
    ];
    for (name, members) in cases {
        let file = crafted(dir.root(), name, &format!("{FILE_MEMBER}{members}"));
        let sum = sha256(&file);
        for step in ["--dry-run", "--yes"] {
            let refused = shipshape(
                &dir,
                &opt,
                &["install", file.to_str().unwrap(), "--sha256", &sum, step],
            );
            assert_ne!(refused.code, 0, "{name} {step}");
            assert!(
                refused.stderr.contains("nothing of it was installed"),
                "{name} {step}: {refused:?}"
            );
        }
        let program = name.split('-').next().unwrap();
        assert!(!opt.join(program).join("1.0").exists(), "{name}");
    }
    let empty = crafted(
        dir.root(),
        "empty-1.0.tar.gz",
        &format!("{FILE_MEMBER}add('app', kind=tarfile.DIRTYPE)"),
    );
    let garbage = dir.root().join("garbage-1.0.tar.xz");
    std::fs::write(&garbage, b"not an archive").unwrap();
    for (file, said) in [
        (&empty, "holds no files"),
        (&garbage, "is not an archive Shipshape can read"),
    ] {
        let refused = shipshape(
            &dir,
            &opt,
            &[
                "install",
                file.to_str().unwrap(),
                "--sha256",
                &sha256(file),
                "--dry-run",
            ],
        );
        refused.code(2);
        assert!(refused.stderr.contains(said), "{refused:?}");
    }
    assert!(!dir.root().join("escaped").exists());
    assert!(!Path::new("/tmp/shipshape-escaped").exists());

    let nameless = crafted(
        dir.root(),
        "program.tar.gz",
        &format!("{FILE_MEMBER}add('ok')"),
    );
    let sum = sha256(&nameless);
    let unnamed = shipshape(
        &dir,
        &opt,
        &[
            "install",
            nameless.to_str().unwrap(),
            "--sha256",
            &sum,
            "--dry-run",
        ],
    );
    unnamed.code(2);
    assert!(
        unnamed
            .stderr
            .contains("cannot tell the program's name and version"),
        "{unnamed:?}"
    );
    shipshape(
        &dir,
        &opt,
        &[
            "install",
            nameless.to_str().unwrap(),
            "--sha256",
            &sum,
            "--name",
            "program",
            "--program-version",
            "0.1",
            "--yes",
        ],
    )
    .success();
    assert!(opt.join("program/0.1/ok").exists());
}

#[test]
fn an_installation_cut_off_at_each_step_is_closed_and_cleared_by_the_next() {
    for step in ["program-recorded", "program-written", "program-moved"] {
        let dir = TestDir::new();
        let opt = dir.root().join("opt");
        let v1 = release(dir.root(), "tool", "1.0", "-czf", "tar.gz");
        let v2 = release(dir.root(), "tool", "2.0", "-czf", "tar.gz");
        let yes = |file: &Path| {
            vec![
                "install".to_string(),
                file.display().to_string(),
                "--sha256".into(),
                sha256(file),
                "--yes".into(),
                "--json".into(),
            ]
        };
        let args = yes(&v1);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        shipshape(&dir, &opt, &args).success();

        // Killed where the test setting says, as a power cut would stop it.
        let args2 = yes(&v2);
        let args2: Vec<&str> = args2.iter().map(String::as_str).collect();
        let mut cut = dir.cmd(&args2);
        cut.env("SHIPSHAPE_OPT_DIR", &opt)
            .env("SHIPSHAPE_MENU_DIR", menu(&dir))
            .env("SHIPSHAPE_STATE_DIR", dir.root().join("state"))
            .env("SHIPSHAPE_CUT_AT", step);
        let killed = cut.output().unwrap();
        assert_eq!(killed.status.code(), None, "{step}: {killed:?}");
        let tool = opt.join("tool");
        assert_eq!(
            std::fs::read_link(tool.join("current")).unwrap(),
            Path::new("1.0"),
            "{step}: the earlier version stays in use"
        );

        let again = shipshape(&dir, &opt, &args2);
        again.success();
        let run: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
        assert!(
            run["message"]
                .as_str()
                .unwrap()
                .contains("had been cut off"),
            "{step}: {run}"
        );
        let mut left: Vec<String> = std::fs::read_dir(&tool)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["1.0", "2.0", "current"],
            "{step}: nothing half written is left"
        );
        assert_eq!(
            std::fs::read_link(tool.join("current")).unwrap(),
            Path::new("2.0")
        );
        // Root's record of the cut-off run is closed, in root's own log.
        let admin = shipshape(
            &dir,
            &opt,
            &[
                "audit",
                "list",
                "--admin",
                "--json",
                "--action",
                "updates.cut_off",
            ],
        );
        admin.success();
        assert!(
            admin.stdout.contains("tool-2.0.tar.gz"),
            "{step}: {admin:?}"
        );
    }
}

/// A small disk for /opt, unmounted when the test ends, however.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(at)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        SmallDisk(at.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_version_in_use_and_nothing_half_written() {
    let dir = TestDir::new();
    let opt = dir.root().join("opt");
    let _disk = SmallDisk::mount(&opt, "512k");
    let v1 = release(dir.root(), "tool", "1.0", "-czf", "tar.gz");
    let big = dir.root().join("src/tool-2.0");
    std::fs::create_dir_all(&big).unwrap();
    let noise = Command::new("head")
        .args(["-c", "2097152", "/dev/urandom"])
        .output()
        .unwrap();
    std::fs::write(big.join("data"), noise.stdout).unwrap();
    let v2 = dir.root().join("tool-2.0.tar.gz");
    let out = Command::new("tar")
        .arg("-czf")
        .arg(&v2)
        .arg("-C")
        .arg(dir.root().join("src"))
        .arg("tool-2.0")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    shipshape(
        &dir,
        &opt,
        &[
            "install",
            v1.to_str().unwrap(),
            "--sha256",
            &sha256(&v1),
            "--yes",
        ],
    )
    .success();
    let full = shipshape(
        &dir,
        &opt,
        &[
            "install",
            v2.to_str().unwrap(),
            "--sha256",
            &sha256(&v2),
            "--yes",
            "--json",
        ],
    );
    full.code(1);
    let run: serde_json::Value = serde_json::from_str(&full.stdout).unwrap();
    assert_eq!(run["outcome"], "failed");
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("what it wrote was removed"),
        "{run}"
    );
    let tool = opt.join("tool");
    assert_eq!(
        std::fs::read_link(tool.join("current")).unwrap(),
        Path::new("1.0")
    );
    let mut left: Vec<String> = std::fs::read_dir(&tool)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["1.0", "current"]);
}
