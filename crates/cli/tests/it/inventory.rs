//! `shipshape inventory` on this computer, against the system's own
//! tools: the installed packages are dpkg's, the system's support is
//! distro-info-data's; a newer end-of-life list is imported, and bad ones
//! (missing, damaged, older) are refused with the reason; a damaged list
//! in the data folder falls back to the shipped one, saying so; a package
//! not on the retire list, or not a package name, is never removed.

use crate::updates::{dpkg_turn, json};
use crate::util::TestDir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The snapshot shipped in the binary, dated far ahead so it is newer.
fn newer_list() -> String {
    let shipped = include_str!("../../../core/data/endoflife.json");
    let date = shipped
        .split("\"snapshot\": \"")
        .nth(1)
        .and_then(|r| r.get(..10))
        .expect("the shipped list has a date");
    shipped.replacen(date, "2099-01-01", 1)
}

#[test]
fn the_inventory_lists_what_dpkg_has_installed_and_the_systems_support() {
    // Counted against dpkg's own list: no other test installs meanwhile.
    let _turn = dpkg_turn();
    let dir = TestDir::new();
    let run = dir.run(&["inventory", "--json"]);
    run.success();
    let inv = json(&run);
    let dpkg = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Abbrev}\\n"])
        .output()
        .expect("dpkg-query runs");
    let installed = String::from_utf8_lossy(&dpkg.stdout)
        .lines()
        .filter(|l| l.starts_with("ii") || l.starts_with("hi"))
        .count();
    let packages = inv["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), installed, "{}", run.stdout.len());
    let os = std::fs::read_to_string("/etc/os-release").expect("os-release");
    if os.contains("ID=debian") || os.contains("ID=ubuntu") {
        let source = inv["os_life"]["source"].as_str().expect("a source");
        assert!(source.starts_with("distro-info-data"), "{source}");
        assert!(inv["os_words"].as_str().expect("words").contains("support"));
    }
    assert!(
        inv["eol_source"]["words"]
            .as_str()
            .expect("words")
            .contains("shipped with Shipshape")
    );
    let text = dir.run(&["inventory", "--retire"]);
    text.success();
    assert!(
        text.stdout.contains("Nothing to retire.") || text.stdout.contains("Worth retiring"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_newer_list_is_imported_and_bad_ones_are_refused() {
    let dir = TestDir::new();
    let file = dir.root().join("list.json");
    dir.run(&["inventory", "import-eol", &file.display().to_string()])
        .fails_with("Could not read");
    std::fs::write(&file, "{ \"format\": 1, ").expect("write");
    dir.run(&["inventory", "import-eol", &file.display().to_string()])
        .fails_with("is not an end-of-life list Shipshape can read");
    std::fs::write(&file, newer_list().replacen("2099-01-01", "2001-01-01", 1)).expect("write");
    dir.run(&["inventory", "import-eol", &file.display().to_string()])
        .fails_with("not newer than the one in use");
    std::fs::write(&file, newer_list()).expect("write");
    let imported = dir.run(&["inventory", "import-eol", &file.display().to_string()]);
    imported.success();
    assert!(
        imported
            .stdout
            .contains("snapshot of 2099-01-01 (imported)"),
        "{}",
        imported.stdout
    );
    let inv = json(dir.run(&["inventory", "--eol", "--json"]).success());
    assert_eq!(inv["eol_source"]["imported"], true);
    // Damaged in the data folder since: the shipped list is used, and said.
    std::fs::write(dir.data().join("endoflife.json"), "[]").expect("write");
    let inv = json(dir.run(&["inventory", "--eol", "--json"]).success());
    assert_eq!(inv["eol_source"]["imported"], false);
    let problem = inv["eol_source"]["problem"]
        .as_str()
        .expect("a problem said");
    assert!(problem.contains("damaged"), "{problem}");
    let audit = dir.run(&["audit", "list", "--json"]);
    assert!(
        audit.stdout.contains("inventory.import_eol"),
        "{}",
        audit.stdout
    );
}

#[test]
fn only_packages_on_the_retire_list_are_removed() {
    let dir = TestDir::new();
    dir.run(&["inventory", "remove", "Bad_Name"])
        .fails_with("\"Bad_Name\" is not a package name.");
    dir.run(&["inventory", "remove", "dpkg", "--yes"])
        .fails_with("dpkg is not on the retire list");
    let version = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Abbrev}", "dpkg"])
        .output()
        .expect("dpkg-query runs");
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("ii"));
}

/// One package made with rpmbuild: name, epoch, version-release, vendor.
fn rpm_package(top: &Path, name: &str, epoch: u32, version: &str, vendor: &str) -> PathBuf {
    let (v, release) = version.split_once('-').expect("version-release");
    let spec = top.join(format!("{name}-{version}.spec"));
    std::fs::write(
        &spec,
        format!(
            "Name: {name}\nEpoch: {epoch}\nVersion: {v}\nRelease: {release}\nSummary: made by a test\nLicense: MIT\nVendor: {vendor}\nBuildArch: noarch\n%description\nmade by a test\n%files\n"
        ),
    )
    .expect("spec written");
    let out = Command::new("rpmbuild")
        .args(["-bb", "--quiet", "--define"])
        .arg(format!("_topdir {}", top.display()))
        .arg("--define")
        .arg(format!("_rpmdir {}", top.join("out").display()))
        .arg(&spec)
        .output()
        .expect("rpmbuild runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    top.join("out/noarch")
        .join(format!("{name}-{version}.noarch.rpm"))
}

fn rpm(root: &Path, args: &[&str]) -> String {
    let out = Command::new("rpm")
        .arg("--root")
        .arg(root)
        .args(["--dbpath", "/var/lib/rpm"])
        .args(args)
        .output()
        .expect("rpm runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_rocky_linux_system_is_read_from_its_own_rpm_database() {
    let dir = TestDir::new();
    let root = dir.root().join("rocky");
    let top = dir.root().join("rpmbuild");
    for folder in ["etc", "proc/sys/kernel", "var/lib/rpm"] {
        std::fs::create_dir_all(root.join(folder)).expect("folder");
    }
    std::fs::create_dir_all(&top).expect("folder");
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"9.4\"\nPRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\n",
    )
    .expect("os-release");
    std::fs::write(
        root.join("proc/sys/kernel/osrelease"),
        "5.14.0-3.el9.noarch\n",
    )
    .expect("kernel");
    rpm(&root, &["--initdb"]);
    let rocky = "Rocky Enterprise Software Foundation";
    let made = [
        rpm_package(&top, "nodejs", 1, "16.20.2-8.el9", rocky),
        rpm_package(&top, "httpd", 0, "2.2.34-1", "Example Corp"),
        rpm_package(&top, "kernel-core", 0, "5.14.0-1.el9", rocky),
        rpm_package(&top, "kernel-core", 0, "5.14.0-2.el9", rocky),
        rpm_package(&top, "kernel-core", 0, "5.14.0-3.el9", rocky),
    ];
    for file in &made {
        let file = file.display().to_string();
        rpm(
            &root,
            &["-i", "--justdb", "--nodeps", "--nosignature", &file],
        );
    }

    let mut cmd = dir.cmd(&["inventory", "--json"]);
    cmd.env("SHIPSHAPE_SCAN_ROOT", &root);
    let run = crate::util::Run::from(cmd.output().expect("runs"));
    run.success();
    let inv = json(&run);
    assert_eq!(inv["manager"], "rpm");
    let listed = rpm(&root, &["-qa"]).lines().count();
    let packages = inv["packages"].as_array().expect("packages");
    assert_eq!(packages.len(), listed);
    assert_eq!(inv["os_name"], "Rocky Linux 9");
    assert_eq!(inv["os_level"], "supported");
    let node = packages
        .iter()
        .find(|p| p["name"] == "nodejs")
        .expect("nodejs listed");
    assert_eq!(node["version"], "1:16.20.2-8.el9");
    assert_eq!(node["life"]["kept_by"], "Rocky Linux");
    let retire: Vec<(String, String, bool)> = inv["retire"]
        .as_array()
        .expect("retire list")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or("").to_string(),
                r["why"].as_str().unwrap_or("").to_string(),
                r["removable"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        retire,
        vec![
            ("httpd".into(), "end_of_life".into(), false),
            (
                "kernel-core-5.14.0-1.el9".into(),
                "old_kernel".into(),
                false
            ),
        ]
    );
    let problems = inv["problems"].to_string();
    assert!(problems.contains("dnf could not be asked"), "{problems}");

    let mut cmd = dir.cmd(&["inventory", "--retire"]);
    cmd.env("SHIPSHAPE_SCAN_ROOT", &root);
    let text = crate::util::Run::from(cmd.output().expect("runs"));
    text.success();
    assert!(
        text.stdout.contains("sudo dnf remove httpd"),
        "{}",
        text.stdout
    );
}
