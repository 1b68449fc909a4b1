//! `shipshape backup` against the real restic, both ways: what Shipshape
//! backs up, restic lists, checks and restores byte for byte with modes,
//! links and odd names kept; what restic backs up, Shipshape restores.
//! Root runs them with its own sealed key; the office's password goes
//! through a private gnome-keyring. Faults: root's key taken away (and the
//! backup connected again with its password), a wrong password, a
//! missing repository, a damaged pack, a repository in the format of a
//! newer restic, a folder that is not empty or that another account owns.

use crate::keyring::{found_in_folder, keyring_test};
use crate::util::{Run, TestDir};
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(crate) const NAME: &str = "Office disk";

/// What a folder holds: each path with its kind, mode and content (or
/// link target).
pub(crate) fn tree(root: &Path) -> BTreeMap<PathBuf, (String, u32, Vec<u8>)> {
    let mut found = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let mode = meta.mode() & 0o7777;
            let item = if meta.file_type().is_symlink() {
                (
                    "link".into(),
                    0,
                    std::fs::read_link(&path)
                        .unwrap()
                        .as_os_str()
                        .as_bytes()
                        .to_vec(),
                )
            } else if meta.is_dir() {
                todo.push(path.clone());
                ("dir".into(), mode, Vec::new())
            } else {
                ("file".into(), mode, std::fs::read(&path).unwrap())
            };
            found.insert(rel, item);
        }
    }
    found
}

/// Files with odd names, modes, an empty file, a link, a hard link, a
/// sparse file and some bytes that do not compress.
pub(crate) fn fixture(root: &Path) {
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("plain.txt"), "hello\n").unwrap();
    std::fs::write(root.join("with space"), "x").unwrap();
    std::fs::write(root.join("new\nline"), "y").unwrap();
    std::fs::write(root.join(OsStr::from_bytes(b"bad\xffname")), "z").unwrap();
    std::fs::write(root.join("empty"), "").unwrap();
    std::os::unix::fs::symlink("plain.txt", root.join("link")).unwrap();
    std::fs::hard_link(root.join("plain.txt"), root.join("sub/hard")).unwrap();
    let secret = root.join("sub/private");
    std::fs::write(&secret, "only mine").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let script = root.join("sub/run.sh");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let sparse = std::fs::File::create(root.join("sparse")).unwrap();
    sparse.set_len(1 << 20).unwrap();
    let mut noise = std::fs::File::create(root.join("sub/noise")).unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..512 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    noise.write_all(&bytes).unwrap();
}

/// The real restic, run by the test itself, the password on its input.
pub(crate) fn peer(repo: &Path, password: &str, args: &[&str]) -> std::process::Output {
    let cache = repo.parent().unwrap().join("peer-cache");
    let reach = [
        OsStr::new("--repo"),
        repo.as_os_str(),
        OsStr::new("--cache-dir"),
        cache.as_os_str(),
    ];
    restic_reaching(&reach, password, args)
}

/// The real restic with `reach` (how it reaches the repository) first.
pub(crate) fn restic_reaching(
    reach: &[&OsStr],
    password: &str,
    args: &[&str],
) -> std::process::Output {
    let mut child = Command::new("restic")
        .args(reach)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("restic is installed (make deps)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "restic {args:?}: {out:?}");
    out
}

/// `shipshape` as root, with root's state and the key that seals root's
/// backup keys in the test's folder.
pub(crate) fn as_root(dir: &TestDir, args: &[&str]) -> Command {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_STATE_DIR", dir.root().join("state"))
        .env(
            "SHIPSHAPE_CREDENTIAL_SECRET",
            dir.root().join("host.secret"),
        );
    cmd
}

pub(crate) fn root_run(dir: &TestDir, args: &[&str]) -> Run {
    Run::from(as_root(dir, args).output().unwrap())
}

/// `root_run` with `input` on standard input.
pub(crate) fn root_run_with(dir: &TestDir, args: &[&str], input: &[u8]) -> Run {
    let mut child = as_root(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    Run::from(child.wait_with_output().unwrap())
}

pub(crate) fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

/// The JSON list restic printed (after its password line).
pub(crate) fn listed(out: &std::process::Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with('[')).unwrap();
    serde_json::from_str(line).unwrap()
}

keyring_test! {
    fn backups_are_restic_repositories_both_ways_and_faults_are_said() {
        let dir = TestDir::new();
        // A snapshot's tree holds the folders above the one backed up too.
        // Other tests make folders in /tmp all the time, so the files live
        // where nothing else writes: then an unchanged backup has the tree
        // of the one before it.
        let quiet = tempfile::Builder::new()
            .prefix("backup-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let src = quiet.path().join("src");
        let repo = dir.root().join("disk/backup");
        fixture(&src);

        // A folder with something in it is refused, and no password is left behind.
        let full = dir.root().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("x"), "x").unwrap();
        root_run(&dir, &["backup", "init", "--to", full.to_str().unwrap(), "--name", NAME])
            .code(2)
            .fails_with("is not empty");
        // A folder everyone may write in is refused: anyone could swap it
        // for a link.
        let shared = dir.root().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        root_run(&dir, &["backup", "init", "--to", shared.join("backup").to_str().unwrap(), "--name", NAME])
            .code(2)
            .fails_with("cannot hold a backup made with administrator rights");
        let theirs_folder = dir.root().join("theirs");
        std::fs::create_dir(&theirs_folder).unwrap();
        std::os::unix::fs::chown(&theirs_folder, Some(65534), Some(65534)).unwrap();
        let vault: Value = json(&dir.run(&["vault", "list", "--json"]));
        assert_eq!(vault.as_array().unwrap().len(), 0, "{vault}");

        let init = root_run(&dir, &["backup", "init", "--to", repo.to_str().unwrap(), "--name", NAME, "--path", src.to_str().unwrap(), "--exclude", "*.tmp"]);
        init.success();
        assert!(init.stdout.contains("Without it the backup cannot be read"), "{init:?}");
        let password = dir.run(&["vault", "get", &format!("Backup: {NAME}"), "--stdout"]);
        password.success();
        let password = password.stdout.trim_end().to_string();
        assert_eq!(password.split('-').count(), 7, "seven words");
        assert!(found_in_folder(dir.data(), password.as_bytes()).is_empty());
        assert!(found_in_folder(&dir.root().join("state"), password.as_bytes()).is_empty());
        // Two keys: the office's password and root's own.
        let keys = listed(&peer(&repo, &password, &["key", "list", "--json"]));
        assert_eq!(keys.as_array().unwrap().len(), 2, "{keys}");
        // Root's random key asks scrypt for little work (it is opened on
        // every run); the office's password keeps restic's own stretching.
        let mut work: Vec<u64> = std::fs::read_dir(repo.join("keys"))
            .unwrap()
            .map(|k| serde_json::from_slice::<Value>(&std::fs::read(k.unwrap().path()).unwrap()).unwrap()["N"].as_u64().unwrap())
            .collect();
        work.sort_unstable();
        assert!(work[0] == 4096 && work[1] >= 16384, "{work:?}");

        // Shipshape backs up; restic lists, checks and restores it.
        let ran = root_run(&dir, &["backup", "run", "--json"]);
        ran.success();
        let ran = json(&ran);
        assert_eq!(ran["outcome"], "done", "{ran}");
        let snapshot = ran["snapshot"].as_str().unwrap().to_string();
        let snaps = listed(&peer(&repo, &password, &["snapshots", "--json"]));
        assert_eq!(snaps[0]["short_id"], snapshot.as_str(), "{snaps}");
        peer(&repo, &password, &["check", "--read-data"]);
        let by_restic = dir.root().join("by-restic");
        peer(&repo, &password, &["restore", &snapshot, "--target", by_restic.to_str().unwrap()]);
        let inside = |root: &Path| root.join(src.strip_prefix("/").unwrap());
        assert_eq!(tree(&inside(&by_restic)), tree(&src), "restic restores what Shipshape backed up");

        // restic backs up; Shipshape lists and restores it.
        let other = dir.root().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("made-by-restic"), "from restic").unwrap();
        peer(&repo, &password, &["backup", other.to_str().unwrap()]);
        let list = json(&root_run(&dir, &["backup", "list", "--json"]));
        let theirs = list["backups"][0]["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["paths"][0] == other.to_str().unwrap())
            .unwrap()["short_id"]
            .as_str()
            .unwrap()
            .to_string();
        let back = dir.root().join("back");
        std::fs::create_dir(&back).unwrap();
        let other_path = other.to_str().unwrap();
        root_run(&dir, &["backup", "restore", &theirs, other_path, "--to", back.to_str().unwrap()]).success();
        assert_eq!(tree(&back.join("other")), tree(&other));
        // Browsing and finding by name.
        let listed_there = json(&root_run(&dir, &["backup", "browse", &snapshot, src.join("sub").to_str().unwrap(), "--json"]));
        let names: Vec<&str> = listed_there.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["hard", "noise", "private", "run.sh"], "{listed_there}");
        let found = json(&root_run(&dir, &["backup", "find", &snapshot, "PRIV", "--json"]));
        assert_eq!(found[0]["path"], src.join("sub/private").to_str().unwrap(), "{found}");
        root_run(&dir, &["backup", "find", &snapshot, "../etc"]).code(2).fails_with("cannot be searched for");
        root_run(&dir, &["backup", "browse", "latest", "/"]).code(2).fails_with("is not a snapshot");
        // To its place: never over what is there, which is kept beside it.
        let plain = src.join("plain.txt");
        std::fs::remove_file(&plain).unwrap();
        std::fs::write(&plain, "edited since\n").unwrap();
        let restored = json(&root_run(&dir, &["backup", "restore", &snapshot, plain.to_str().unwrap(), "--json"]));
        assert_eq!(std::fs::read_to_string(&plain).unwrap(), "hello\n");
        let kept = restored["kept"].as_str().unwrap();
        assert!(kept.contains("plain (before restore "), "{restored}");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "edited since\n");
        std::fs::remove_file(kept).unwrap();
        std::fs::remove_file(&plain).unwrap();
        std::fs::hard_link(src.join("sub/hard"), &plain).unwrap();
        // Something not in the snapshot, and a folder root may not write in.
        root_run(&dir, &["backup", "restore", &snapshot, "/nowhere/at/all", "--to", back.to_str().unwrap()])
            .code(2)
            .fails_with("is not in snapshot");
        root_run(&dir, &["backup", "restore", &snapshot, plain.to_str().unwrap(), "--to", theirs_folder.to_str().unwrap()])
            .code(2)
            .fails_with("is not safe for administrator rights");
        // Scheduled: a daily backup and a weekly restore test, run now as
        // the timer would.
        root_run(&dir, &["schedule", "add", "--job", "backup", "--at", "01:30"]).success();
        root_run(&dir, &["schedule", "add", "--job", "restore-test", "--every", "week", "--days", "sun", "--at", "03:00"]).success();
        let scheduled = root_run(&dir, &["schedule", "run", "1", "--json"]);
        scheduled.success();
        assert!(scheduled.stdout.contains("backed up"), "{scheduled:?}");
        let tested = root_run(&dir, &["schedule", "run", "2", "--json"]);
        assert!(tested.stdout.contains("The restore test passed"), "{tested:?}");

        // The restore test and a full read pass.
        let tested = root_run(&dir, &["backup", "test-restore"]);
        tested.success();
        assert!(tested.stdout.starts_with("The restore test passed"), "{tested:?}");
        root_run(&dir, &["backup", "check", "--read-data", "1/1"]).success();

        // A file backed up once, then gone: the daily rule forgets the
        // snapshot that held it after the next backup, and prunes it.
        std::fs::write(src.join("once.txt"), "held by one snapshot only\n").unwrap();
        root_run(&dir, &["backup", "run"]).success();
        std::fs::remove_file(src.join("once.txt")).unwrap();
        let again = root_run(&dir, &["backup", "run"]);
        again.success();
        assert!(again.stdout.contains("1 forgotten and their space freed"), "{again:?}");
        // Unchanged: the snapshot forgotten has the new one's tree, so
        // there is nothing to prune.
        let unchanged = root_run(&dir, &["backup", "run"]);
        assert!(unchanged.stdout.contains("1 forgotten (they held nothing"), "{unchanged:?}");

        // Forget keeps what restic itself would keep.
        let would = listed(&peer(&repo, &password, &["forget", "--dry-run", "--json", "--keep-daily=1", "--keep-weekly=0", "--keep-monthly=0"]));
        let would_keep: Vec<&str> = would
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["keep"].as_array().unwrap().iter().map(|s| s["short_id"].as_str().unwrap()))
            .collect();
        root_run(&dir, &["backup", "forget", "--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0"]).success();
        let left = listed(&peer(&repo, &password, &["snapshots", "--json"]));
        let mut left: Vec<&str> = left.as_array().unwrap().iter().map(|s| s["short_id"].as_str().unwrap()).collect();
        let mut would_keep = would_keep;
        left.sort_unstable();
        would_keep.sort_unstable();
        assert_eq!(left, would_keep);
        // What only the forgotten snapshots held was pruned: restic finds
        // nothing more to free.
        let pruned = peer(&repo, &password, &["prune", "--dry-run"]);
        let said = String::from_utf8_lossy(&pruned.stdout);
        assert!(said.contains("total prune:           0 blobs"), "{said}");

        // A damaged pack: the check and the restore test fail loudly.
        let pack = std::fs::read_dir(repo.join("data"))
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
            .map(|f| f.unwrap().path())
            .max_by_key(|p| std::fs::metadata(p).unwrap().len())
            .unwrap();
        let mut bytes = std::fs::read(&pack).unwrap();
        bytes[100] ^= 0xff;
        std::fs::set_permissions(&pack, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&pack, bytes).unwrap();
        let checked = root_run(&dir, &["backup", "check", "--read-data", "1/1"]);
        checked.code(1);
        assert!(checked.stdout.contains("is damaged"), "{checked:?}");
        // The outcome is on root's board.
        let board = json(&root_run(&dir, &["backup", "list", "--json"]));
        assert_eq!(board["runs"][0]["kind"], "check", "{board}");
        assert_eq!(board["runs"][0]["outcome"], "failed", "{board}");
        assert_eq!(board["backups"][0]["last_test"]["outcome"], "done", "{board}");
        std::fs::remove_dir_all(&repo).unwrap();

        // A backup restic made: a wrong password is refused, the right one connects it.
        std::fs::create_dir(&repo).unwrap();
        peer(&repo, &password, &["init"]);
        peer(&repo, &password, &["backup", other.to_str().unwrap()]);
        let connect = ["backup", "connect", "--to", repo.to_str().unwrap(), "--name", "Made by restic", "--path", src.to_str().unwrap()];
        root_run_with(&dir, &connect, b"not-the-password\n")
            .code(2)
            .fails_with("does not open the backup");
        root_run_with(&dir, &connect, format!("{password}\n").as_bytes()).success();
        root_run(&dir, &["backup", "run", "--repo", "Made by restic"]).success();

        // Root's key taken away with restic: said plainly, and connecting
        // again with the recovery password mends it.
        let keys = listed(&peer(&repo, &password, &["key", "list", "--json"]));
        let roots = keys.as_array().unwrap().iter().find(|k| k["current"] == false).unwrap()["id"].as_str().unwrap().to_string();
        peer(&repo, &password, &["key", "remove", &roots]);
        root_run(&dir, &["backup", "run", "--repo", "Made by restic"])
            .code(2)
            .fails_with("does not open it");

        // A missing repository.
        std::fs::rename(&repo, dir.root().join("unplugged")).unwrap();
        root_run(&dir, &["backup", "run", "--repo", "Made by restic"]).code(2).fails_with("There is no backup at");

        // One made by a newer restic, in a format this one cannot read:
        // said so, and neither it nor the vault changed.
        let newer = dir.root().join("newer");
        std::fs::create_dir(&newer).unwrap();
        peer(&newer, &password, &["init"]);
        let mut future = Command::new("/usr/bin/python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/newer_restic.py"))
            .arg(&newer)
            .arg("3")
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        future.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        assert!(future.wait().unwrap().success());
        let config = std::fs::read(newer.join("config")).unwrap();
        let connect = ["backup", "connect", "--to", newer.to_str().unwrap(), "--name", "Newer", "--path", src.to_str().unwrap()];
        root_run_with(&dir, &connect, format!("{password}\n").as_bytes())
            .code(2)
            .fails_with("was made by a newer version of restic (its format is version 3)");
        assert_eq!(std::fs::read(newer.join("config")).unwrap(), config);
        let vault: Value = json(&dir.run(&["vault", "list", "--json"]));
        assert!(!vault.to_string().contains("Backup: Newer"), "{vault}");
    }
}

/// Whether restic left a lock in the repository.
fn locks(repo: &Path) -> usize {
    std::fs::read_dir(repo.join("locks")).map_or(0, |d| d.count())
}

/// Waits until the run holds its lock and has worked a moment, so it is
/// surely under way (restic 0.14 stopped in the very first moment after
/// taking its lock can leave it behind).
fn under_way(repo: &Path, child: &mut std::process::Child) {
    let started = std::time::Instant::now();
    while locks(repo) == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the backup ended before it took its lock"
        );
        assert!(
            started.elapsed().as_secs() < 60,
            "the backup never took its lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the backup ended too soon to be stopped"
    );
}

keyring_test! {
    fn a_cancelled_or_killed_backup_leaves_the_repository_sound() {
        use std::os::unix::process::CommandExt;
        let dir = TestDir::new();
        let repo = dir.root().join("backup");
        let src = dir.root().join("src");
        std::fs::create_dir(&src).unwrap();
        // Big enough to take a while: bytes that do not compress.
        let status = Command::new("dd")
            .args(["if=/dev/urandom", "bs=1M", "count=512", "status=none"])
            .arg(format!("of={}", src.join("big").display()))
            .status()
            .unwrap();
        assert!(status.success());
        root_run(&dir, &["backup", "init", "--to", repo.to_str().unwrap(), "--path", src.to_str().unwrap()]).success();
        let password = dir.run(&["vault", "get", "Backup: Backup", "--stdout"]);
        let password = password.stdout.trim_end().to_string();
        let start = || {
            let mut cmd = as_root(&dir, &["backup", "run"]);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
            cmd.spawn().unwrap()
        };

        // Ctrl-C (SIGINT to the group, as a terminal sends it): restic
        // cleans up, the run is on record as cancelled.
        let mut child = start();
        under_way(&repo, &mut child);
        let group = format!("-{}", child.id());
        assert!(Command::new("kill").args(["-s", "INT", "--", &group]).status().unwrap().success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{out:?}");
        assert_eq!(locks(&repo), 0, "restic removed its lock");
        peer(&repo, &password, &["check"]);
        let board = json(&root_run(&dir, &["backup", "list", "--json"]));
        assert_eq!(board["runs"][0]["outcome"], "cancelled", "{board}");

        // Killed outright with restic (a power cut): a stale lock stays,
        // the next check clears it, and the next backup completes.
        let mut child = start();
        under_way(&repo, &mut child);
        assert!(Command::new("kill").args(["-s", "KILL", "--", &group_of(&child)]).status().unwrap().success());
        let _ = child.wait();
        let theirs = format!("restic --repo {}", repo.display());
        let found = Command::new("pgrep").args(["-f", &theirs]).output().unwrap();
        let pids: Vec<String> = String::from_utf8_lossy(&found.stdout)
            .split_whitespace()
            .map(String::from)
            .collect();
        assert!(!pids.is_empty(), "restic runs on");
        let _ = Command::new("kill").arg("-KILL").args(&pids).status();
        // Gone for good (reaped, not a zombie), as after a power cut.
        let started = std::time::Instant::now();
        while pids.iter().any(|p| Path::new("/proc").join(p).exists()) {
            assert!(started.elapsed().as_secs() < 30, "restic did not go away");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(locks(&repo), 1, "the killed run left its lock");
        root_run(&dir, &["backup", "check"]).success();
        assert_eq!(locks(&repo), 0, "the stale lock was cleared");
        root_run(&dir, &["backup", "run"]).success();
        peer(&repo, &password, &["check"]);

        // A file written to all along the run is named as changed while
        // backed up, and never sampled for the restore test.
        let busy = src.join("busy.log");
        std::fs::write(&busy, "start\n").unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (busy, stop) = (busy.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut f = std::fs::OpenOptions::new().append(true).open(&busy).unwrap();
                    f.write_all(b"more\n").unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            })
        };
        let ran = root_run(&dir, &["backup", "run", "--json"]);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.join().unwrap();
        ran.success();
        let ran = json(&ran);
        assert_eq!(ran["changed"][0], busy.to_str().unwrap(), "{ran}");
        assert!(ran["message"].as_str().unwrap().contains("changed while they were backed up"), "{ran}");
    }
}

fn group_of(child: &std::process::Child) -> String {
    format!("-{}", child.id())
}

/// A small disk of its own (tmpfs), unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> SmallDisk {
        SmallDisk::mounted(
            at,
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ],
        )
    }

    /// `mount ARGS AT`.
    fn mounted(at: &Path, args: &[&str]) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount").args(args).arg(at).status().unwrap();
        assert!(ok.success(), "mount {args:?} (the test runs as root)");
        SmallDisk(at.to_path_buf())
    }

    fn grow(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

keyring_test! {
    fn a_disk_that_fills_up_mid_backup_is_said_and_the_next_run_goes_on_and_unreadable_files_are_named() {
        let dir = TestDir::new();
        let src = dir.root().join("src");
        std::fs::create_dir(&src).unwrap();
        let status = Command::new("dd")
            .args(["if=/dev/urandom", "bs=1M", "count=24", "status=none"])
            .arg(format!("of={}", src.join("big").display()))
            .status()
            .unwrap();
        assert!(status.success());
        let disk = SmallDisk::mount(&dir.root().join("disk"), "8m");
        let repo = disk.0.join("backup");
        root_run(&dir, &["backup", "init", "--to", repo.to_str().unwrap(), "--path", src.to_str().unwrap()]).success();
        let password = dir.run(&["vault", "get", "Backup: Backup", "--stdout"]);
        let password = password.stdout.trim_end().to_string();

        // restic 0.14 now and then stops making progress for good when the
        // disk fills up under it: stopped after a while, and said the same.
        let mut full = as_root(&dir, &["backup", "run"]);
        full.env("SHIPSHAPE_BACKUP_STALL_SECONDS", "15");
        Run::from(full.output().unwrap()).code(2).fails_with("is full");
        assert_eq!(locks(&repo), 0, "restic let go of the repository");
        disk.grow("64m");
        root_run(&dir, &["backup", "run"]).success();
        peer(&repo, &password, &["check", "--read-data"]);
        let board = json(&root_run(&dir, &["backup", "list", "--json"]));
        assert_eq!(board["runs"][0]["outcome"], "done", "{board}");
        assert_eq!(board["runs"][1]["outcome"], "failed", "{board}");

        // A file that cannot be read (root without its right to read
        // anything, as on a share that refuses root): named, and the rest
        // backed up.
        let locked = src.join("locked");
        std::fs::write(&locked, "not for root").unwrap();
        std::os::unix::fs::chown(&locked, Some(65534), Some(65534)).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::write(src.join("readable"), "for everyone").unwrap();
        let inner = as_root(&dir, &["backup", "run", "--json"]);
        let mut limited = Command::new("setpriv");
        limited
            .arg("--bounding-set=-dac_override,-dac_read_search")
            .arg("--")
            .arg(inner.get_program())
            .args(inner.get_args());
        for (key, value) in inner.get_envs() {
            if let Some(value) = value {
                limited.env(key, value);
            }
        }
        let partial = Run::from(limited.output().unwrap());
        partial.code(1);
        let partial = json(&partial);
        assert_eq!(partial["outcome"], "partial", "{partial}");
        assert_eq!(partial["unreadable"].as_array().unwrap().len(), 1, "{partial}");
        assert!(partial["unreadable"][0].as_str().unwrap().starts_with(locked.to_str().unwrap()), "{partial}");
        assert!(partial["message"].as_str().unwrap().contains("could not be read and are not in it"), "{partial}");
        let snapshot = partial["snapshot"].as_str().unwrap();
        let files = String::from_utf8(peer(&repo, &password, &["ls", snapshot]).stdout).unwrap();
        assert!(files.lines().any(|l| l == src.join("readable").to_str().unwrap()), "{files}");
        assert!(!files.lines().any(|l| l == locked.to_str().unwrap()), "{files}");
        drop(disk);
    }
}

/// An exFAT disk image on a loop device, mounted with the FUSE driver for
/// the account 65534 (as the desktop mounts a USB disk for the person who
/// plugged it in); unmounted and let go when dropped.
struct ExfatDisk {
    at: PathBuf,
    device: String,
}

impl ExfatDisk {
    fn mount(image: &Path, at: &Path) -> ExfatDisk {
        std::fs::File::create(image)
            .unwrap()
            .set_len(64 << 20)
            .unwrap();
        let made = Command::new("mkfs.exfat")
            .args(["-L", "OFFICE"])
            .arg(image)
            .output()
            .unwrap();
        assert!(made.status.success(), "{made:?}");
        let device = Command::new("losetup")
            .args(["--find", "--show"])
            .arg(image)
            .output()
            .unwrap();
        assert!(device.status.success(), "{device:?}");
        let disk = ExfatDisk {
            at: at.to_path_buf(),
            device: String::from_utf8(device.stdout).unwrap().trim().to_string(),
        };
        std::fs::create_dir_all(at).unwrap();
        let mounted = Command::new("mount.exfat-fuse")
            .args([
                "-o",
                "allow_other,uid=65534,gid=65534,umask=077",
                &disk.device,
            ])
            .arg(at)
            .output()
            .unwrap();
        assert!(mounted.status.success(), "{mounted:?}");
        disk
    }
}

impl Drop for ExfatDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
        let _ = Command::new("losetup").args(["-d", &self.device]).status();
    }
}

/// Every path under `root` whose owner is not `uid`.
fn not_owned_by(root: &Path, uid: u32) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(at) = todo.pop() {
        let meta = std::fs::symlink_metadata(&at).unwrap();
        if meta.uid() != uid {
            found.push(at.clone());
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&at).unwrap().map(|e| e.unwrap().path()));
        }
    }
    found
}

keyring_test! {
    fn a_disk_mounted_for_a_person_is_written_by_that_person_never_by_root() {
        let dir = TestDir::new();
        let src = dir.root().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("letter.txt"), "dear office").unwrap();

        // A disk of the person's own (a tmpfs that is theirs, as the
        // desktop mounts one): every file of the backup is theirs.
        let theirs = SmallDisk::mounted(
            &dir.root().join("media/person/OWN"),
            &["-t", "tmpfs", "-o", "size=64m,mode=0700,uid=65534,gid=65534", "tmpfs"],
        );
        let repo = theirs.0.join("backup");
        root_run(&dir, &["backup", "init", "--to", repo.to_str().unwrap(), "--name", "Own disk", "--path", src.to_str().unwrap()]).success();
        let ran = json(&root_run(&dir, &["backup", "run", "--repo", "Own disk", "--json"]));
        assert_eq!(ran["outcome"], "done", "{ran}");
        assert_eq!(not_owned_by(&repo, 65534), Vec::<PathBuf>::new());
        let password = dir.run(&["vault", "get", "Backup: Own disk", "--stdout"]);
        let password = password.stdout.trim_end().to_string();
        peer(&repo, &password, &["check", "--read-data"]);
        let tested = root_run(&dir, &["backup", "test-restore", "--repo", "Own disk"]);
        assert!(tested.stdout.starts_with("The restore test passed"), "{tested:?}");

        // A link planted there to a folder only root may write in is
        // followed by that person's rights, not root's: the run fails and
        // nothing is written through it.
        let root_only = dir.root().join("root-only");
        std::fs::create_dir(&root_only).unwrap();
        std::fs::set_permissions(&root_only, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::rename(repo.join("snapshots"), theirs.0.join("kept-snapshots")).unwrap();
        std::os::unix::fs::symlink(&root_only, repo.join("snapshots")).unwrap();
        std::fs::write(src.join("second.txt"), "another").unwrap();
        root_run(&dir, &["backup", "run", "--repo", "Own disk"]).code(2);
        assert_eq!(std::fs::read_dir(&root_only).unwrap().count(), 0);
        drop(theirs);

        // An exFAT disk, as most USB disks come, mounted for the person.
        let fat = ExfatDisk::mount(&dir.root().join("fat.img"), &dir.root().join("media/person/OFFICE"));
        let on_fat = fat.at.join("backup");
        root_run(&dir, &["backup", "init", "--to", on_fat.to_str().unwrap(), "--name", "FAT disk", "--path", src.to_str().unwrap()]).success();
        let ran = json(&root_run(&dir, &["backup", "run", "--repo", "FAT disk", "--json"]));
        assert_eq!(ran["outcome"], "done", "{ran}");
        let back = dir.root().join("back");
        std::fs::create_dir(&back).unwrap();
        let letter = src.join("letter.txt");
        let snapshot = ran["snapshot"].as_str().unwrap();
        root_run(&dir, &["backup", "restore", snapshot, letter.to_str().unwrap(), "--repo", "FAT disk", "--to", back.to_str().unwrap()]).success();
        assert_eq!(std::fs::read_to_string(back.join("letter.txt")).unwrap(), "dear office");
        drop(fat);
    }
}
