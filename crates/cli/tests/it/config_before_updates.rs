//! Before an installation of updates, /etc and the package lists go into
//! the backup whose plan asks for it; the run names the configuration
//! files the update changed, and its undo can put them back: with the
//! real apt, dpkg and restic, a package whose set-up script edits /etc.
//! What the test writes in /etc and installs is taken away afterwards,
//! even when it fails.

use crate::backup::{as_root, json, listed, peer, root_run};
use crate::keyring::keyring_test;
use crate::updates::{Archive, dpkg_turn, version_of};
use crate::util::{Run, TestDir};
use std::path::Path;

const SETTINGS: &str = "/etc/shipshape-test-settings.conf";
const OTHER: &str = "/etc/shipshape-test-other.conf";
const MADE: &str = "/etc/shipshape-test-made-by-update.conf";
const EDITS: &str = "shipshape-test-edits-settings";
const PLAIN: &str = "shipshape-test-plain";

/// Takes the test's files out of /etc, even after a failure.
struct EtcFiles;

impl Drop for EtcFiles {
    fn drop(&mut self) {
        for f in [SETTINGS, OTHER, MADE] {
            let _ = std::fs::remove_file(f);
        }
    }
}

fn updates(dir: &TestDir, archive: &Archive, args: &[&str]) -> Run {
    let mut cmd = as_root(dir, &["updates"]);
    cmd.args(args).env("SHIPSHAPE_APT_CONFIG", &archive.config);
    Run::from(cmd.output().unwrap())
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

keyring_test! {
    fn configuration_kept_before_updates_is_put_back_by_their_undo() {
        let _turn = dpkg_turn();
        let dir = TestDir::new();
        let _etc = EtcFiles;
        std::fs::write(SETTINGS, "limit = 10\n").unwrap();
        std::fs::write(OTHER, "colour = blue\n").unwrap();
        let mut archive = Archive::empty(dir.root());
        archive.package(
            EDITS,
            "1.1",
            "security",
            Some(&format!(
                "#!/bin/sh\nset -e\necho 'limit = 20' >> {SETTINGS}\necho 'colour = red' > {OTHER}\necho 'made = yes' > {MADE}\n"
            )),
            &[],
        );
        archive.package(PLAIN, "1.1", "main", None, &[]);
        archive.index(true);
        archive.install_old(EDITS);
        archive.install_old(PLAIN);
        updates(&dir, &archive, &["check", "--refresh"]).code(1);

        // No backup asks for it yet: the run keeps nothing, and its undo
        // cannot put back configuration; nothing changes.
        let plain = json(&updates(&dir, &archive, &["apply", PLAIN, "--yes", "--json"]));
        assert_eq!(plain["outcome"], "done", "{plain}");
        assert!(plain["before"].is_null(), "{plain}");
        let plain_run = plain["id"].as_i64().unwrap().to_string();
        updates(&dir, &archive, &["undo", &plain_run, "--config"])
            .code(2)
            .fails_with("kept no backup of the configuration");
        assert_eq!(version_of(PLAIN).as_deref(), Some("1.1"));

        let src = dir.root().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("letter.txt"), "dear office").unwrap();
        let repo = dir.root().join("disk/backup");
        root_run(&dir, &["backup", "init", "--to", repo.to_str().unwrap(), "--path", src.to_str().unwrap()]).success();

        // The installation: /etc and the package lists backed up first,
        // the files the set-up script touched named.
        let applied = updates(&dir, &archive, &["apply", "--security", "--yes"]);
        applied.success();
        assert!(applied.stdout.contains("It changed these configuration files:"), "{applied:?}");
        let history = json(&updates(&dir, &archive, &["history", "--json"]));
        let run = &history[0];
        assert_eq!(version_of(EDITS).as_deref(), Some("1.1"));
        let kept = &run["before"];
        assert!(kept["message"].as_str().unwrap().contains("were backed up into \"Backup\""), "{run}");
        let changed: Vec<(&str, &str)> = kept["changed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["path"].as_str().unwrap(), c["change"].as_str().unwrap()))
            .filter(|(p, _)| p.starts_with("/etc/shipshape-test"))
            .collect();
        assert_eq!(changed, [(MADE, "added"), (OTHER, "changed"), (SETTINGS, "changed")], "{kept}");

        // restic itself finds the snapshot by the run, with /etc as it was
        // and the package lists.
        let password = dir.run(&["vault", "get", "Backup: Backup", "--stdout"]);
        let password = password.stdout.trim_end().to_string();
        let admin_run = run["admin_run"].as_i64().unwrap();
        let tag = format!("--tag=before-update-run-{admin_run}");
        let snaps = listed(&peer(&repo, &password, &["snapshots", "--json", &tag]));
        assert_eq!(snaps.as_array().unwrap().len(), 1, "{snaps}");
        assert_eq!(snaps[0]["short_id"], kept["snapshot"], "{snaps} {kept}");
        assert_eq!(snaps[0]["paths"][0], "/etc", "{snaps}");
        let snapshot = kept["snapshot"].as_str().unwrap();
        let dumped = |path: &str| String::from_utf8(peer(&repo, &password, &["dump", snapshot, path]).stdout).unwrap();
        assert!(dumped(SETTINGS).ends_with("limit = 10\n"));
        let lists = Path::new(snaps[0]["paths"][1].as_str().unwrap());
        assert!(lists.ends_with("updates/package-lists"), "{snaps}");
        let selections = dumped(lists.join("dpkg-selections.txt").to_str().unwrap());
        assert!(selections.lines().any(|l| l.starts_with(EDITS) && l.ends_with("install")), "{selections}");
        assert!(dumped(lists.join("apt-manual.txt").to_str().unwrap()).lines().any(|l| l == EDITS));

        // The backup's disk unplugged: undo with the configuration is
        // refused before anything changes.
        let id = run["id"].as_i64().unwrap().to_string();
        let away = dir.root().join("disk/away");
        std::fs::rename(&repo, &away).unwrap();
        updates(&dir, &archive, &["undo", &id, "--config"])
            .code(2)
            .fails_with("cannot be read now, so nothing was undone");
        assert_eq!(version_of(EDITS).as_deref(), Some("1.1"));
        std::fs::rename(&away, &repo).unwrap();

        // The administrator edits one of them since; undo puts back only
        // the other, and keeps what it replaces.
        std::fs::write(OTHER, "colour = green\n").unwrap();
        let undone = json(&updates(&dir, &archive, &["undo", &id, "--config", "--json"]));
        assert_eq!(undone["outcome"], "done", "{undone}");
        assert_eq!(version_of(EDITS).as_deref(), Some("1.0"));
        assert_eq!(undone["config_put_back"], serde_json::json!([SETTINGS]), "{undone}");
        assert_eq!(read(SETTINGS), "limit = 10\n");
        assert_eq!(read(OTHER), "colour = green\n", "edited since: left alone");
        assert!(Path::new(MADE).exists(), "new with the run: left alone");
        let message = undone["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("Left as they are: {MADE} (new with the run), {OTHER} (changed since the run)")),
            "{message}"
        );
        let replaced = lists.with_file_name(format!("{admin_run}/config-before-undo{SETTINGS}"));
        assert_eq!(read(replaced), "limit = 10\nlimit = 20\n");
        let staged: Vec<_> = std::fs::read_dir("/etc")
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".shipshape-"))
            .collect();
        assert!(staged.is_empty(), "{staged:?}");
        // Undone once only.
        updates(&dir, &archive, &["undo", &id, "--config"]).code(2).fails_with("already undone");
    }
}
