//! `hash`, `verify`, `check`, `sig verify` and `publishers` against real
//! peers: coreutils, b3sum, gpg and minisign.

use crate::util::TestDir;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tool(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn installer() -> Vec<u8> {
    (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect()
}

/// A GnuPG home with one signing key, stopped when dropped.
struct Gpg {
    home: tempfile::TempDir,
}

impl Gpg {
    fn new(uid: &str) -> Self {
        let home = tempfile::tempdir().unwrap();
        let g = Gpg { home };
        g.run(&[
            "--batch",
            "--passphrase",
            "",
            "--pinentry-mode",
            "loopback",
            "--quick-gen-key",
            uid,
            "ed25519",
            "sign",
            "1y",
        ]);
        g
    }

    fn run(&self, args: &[&str]) -> Vec<u8> {
        let out = Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(["--quiet", "--batch", "--yes"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn export(&self, to: &Path) {
        let key = self.run(&["--armor", "--export"]);
        std::fs::write(to, key).unwrap();
    }

    fn fingerprint(&self) -> String {
        let out = String::from_utf8(self.run(&["--with-colons", "--fingerprint"])).unwrap();
        out.lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "gpg-agent"])
            .status();
    }
}

#[test]
fn hash_output_is_accepted_by_sha256sum_and_b3sum() {
    let t = TestDir::new();
    let dir = t.root();
    write(dir, "setup.bin", &installer());
    write(dir, "back\\slash name.txt", b"odd name\n");
    let out = t
        .cmd(&["hash", "setup.bin", "back\\slash name.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    write(dir, "ours.sha256", &out.stdout);
    tool(dir, "sha256sum", &["--check", "--strict", "ours.sha256"]);
    let b3 = t
        .cmd(&["hash", "--algo", "blake3", "setup.bin"])
        .output()
        .unwrap();
    write(dir, "ours.b3", &b3.stdout);
    tool(dir, "b3sum", &["--check", "ours.b3"]);
    let ours = String::from_utf8(b3.stdout).unwrap();
    assert_eq!(ours, tool(dir, "b3sum", &["setup.bin"]));
}

#[test]
fn empty_files_are_hashed_and_checked_like_sha256sum_does() {
    let t = TestDir::new();
    let dir = t.root();
    write(dir, "empty.txt", b"");
    write(dir, "notes.txt", b"release notes\n");
    let sha = t.run(&["hash", "empty.txt", "notes.txt"]);
    sha.success();
    assert_eq!(
        sha.stdout,
        tool(dir, "sha256sum", &["empty.txt", "notes.txt"])
    );
    let b3 = t.run(&["hash", "--algo", "blake3", "empty.txt"]);
    b3.success();
    assert_eq!(b3.stdout, tool(dir, "b3sum", &["empty.txt"]));
    write(dir, "SHA256SUMS", sha.stdout.as_bytes());
    let check = t.run(&["check", "SHA256SUMS"]);
    check.success();
    assert!(
        check.stdout.ends_with("2 verified, 0 failed, 0 missing\n"),
        "{}",
        check.stdout
    );
}

#[test]
fn verify_against_pasted_checksums() {
    let t = TestDir::new();
    let file = write(t.root(), "setup.bin", &installer());
    let f = file.to_str().unwrap();
    let sha256 = tool(t.root(), "sha256sum", &["setup.bin"])[..64].to_string();
    let ok = t.run(&["verify", f, "--sha256", &sha256.to_uppercase()]);
    ok.success();
    assert!(
        ok.stdout
            .starts_with("Safe to install: setup.bin matches the SHA-256 checksum you gave."),
        "{}",
        ok.stdout
    );
    let b3 = tool(t.root(), "b3sum", &["setup.bin"])[..64].to_string();
    t.run(&["verify", f, "--blake3", &b3]).success();
    let md5 = tool(t.root(), "md5sum", &["setup.bin"])[..32].to_string();
    let weak = t.run(&["verify", f, "--md5", &md5]);
    weak.code(1);
    assert!(
        weak.stdout.contains("not proof against tampering"),
        "{}",
        weak.stdout
    );
    let mut other = sha256.clone().into_bytes();
    other[0] = if other[0] == b'a' { b'b' } else { b'a' };
    let bad = t.run(&[
        "verify",
        f,
        "--sha256",
        std::str::from_utf8(&other).unwrap(),
    ]);
    bad.code(1);
    assert!(bad.stdout.starts_with("Do not install"), "{}", bad.stdout);
    // Every verification is recorded.
    let actions: Vec<String> = t
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["verify.file"; 4]);
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_2() {
    let t = TestDir::new();
    let dir = t.root();
    let file = write(dir, "setup.bin", &installer());
    write(dir, "empty.bin", b"");
    let f = file.to_str().unwrap();
    let a64 = "a".repeat(64);
    let a128 = "a".repeat(128);
    let z64 = "z".repeat(64);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["verify", "missing.bin", "--sha256", &a64],
            "does not exist",
        ),
        (vec!["verify", ".", "--sha256", &a64], "is a folder"),
        (vec!["verify", "empty.bin", "--sha256", &a64], "is empty"),
        (
            vec!["verify", f, "--sha256", "abc"],
            "64 hexadecimal digits; this one has 3",
        ),
        (
            vec!["verify", f, "--sha256", &z64],
            "not a hexadecimal digit",
        ),
        (vec!["verify", f, "--sha256", &a128], "SHA-512"),
        (vec!["verify", f], "Nothing to compare"),
    ];
    for (args, says) in cases {
        let run = t.run(&args);
        run.code(2);
        assert!(
            run.stderr.starts_with("shipshape: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    }
}

#[test]
fn checksum_lists_name_the_file_once() {
    let t = TestDir::new();
    let dir = t.root();
    let file = write(dir, "setup.bin", &installer());
    let f = file.to_str().unwrap();
    let sums = tool(dir, "sha256sum", &["setup.bin"]);
    write(dir, "SHA256SUMS", sums.as_bytes());
    t.run(&["verify", f, "--sums", "SHA256SUMS"]).success();

    write(
        dir,
        "OTHER.sha256",
        format!("{}  other.bin\n", "a".repeat(64)).as_bytes(),
    );
    let missing = t.run(&["verify", f, "--sums", "OTHER.sha256"]);
    missing.code(2);
    assert!(
        missing.stderr.contains("does not list setup.bin"),
        "{}",
        missing.stderr
    );

    let twice = format!("{sums}{}  setup.bin\n", "b".repeat(64));
    write(dir, "TWICE.sha256", twice.as_bytes());
    let conflict = t.run(&["verify", f, "--sums", "TWICE.sha256"]);
    conflict.code(2);
    assert!(
        conflict.stderr.contains("line 1") && conflict.stderr.contains("line 2"),
        "{}",
        conflict.stderr
    );

    let mut long = vec![b'a'; 10 << 20];
    long.push(b'\n');
    write(dir, "LONG.sha256", &long);
    let long_line = t.run(&["verify", f, "--sums", "LONG.sha256"]);
    long_line.code(2);
    assert!(
        long_line.stderr.len() < 1000,
        "short message for a 10 MB line"
    );

    write(
        dir,
        "B3SUMS.txt",
        format!("{}  setup.bin\n", "c".repeat(64)).as_bytes(),
    );
    write(
        dir,
        "digests.txt",
        format!("{}  setup.bin\n", "c".repeat(64)).as_bytes(),
    );
    let ambiguous = t.run(&["verify", f, "--sums", "digests.txt"]);
    ambiguous.code(2);
    assert!(
        ambiguous.stderr.contains("SHA-256 or BLAKE3"),
        "{}",
        ambiguous.stderr
    );
    t.run(&["verify", f, "--sums", "B3SUMS.txt"]).code(1);
}

#[test]
fn check_reports_verified_failed_and_missing_like_sha256sum() {
    let t = TestDir::new();
    let dir = t.root();
    std::fs::create_dir(dir.join("sub")).unwrap();
    for i in 0..12 {
        write(
            dir,
            &format!("sub/f{i}.bin"),
            format!("file {i}").as_bytes(),
        );
    }
    // A non-UTF-8 name, as Linux allows.
    let latin1 = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9.bin"));
    std::fs::write(&latin1, b"latin-1").unwrap();
    let out = Command::new("sha256sum")
        .current_dir(dir)
        .arg("--")
        .args(
            std::fs::read_dir(dir.join("sub"))
                .unwrap()
                .map(|e| PathBuf::from("sub").join(e.unwrap().file_name())),
        )
        .arg(std::ffi::OsStr::from_bytes(b"caf\xe9.bin"))
        .output()
        .unwrap();
    write(dir, "SHA256SUMS", &out.stdout);
    let run = t.run(&["check", "SHA256SUMS"]);
    run.success();
    assert!(
        run.stdout.ends_with("13 verified, 0 failed, 0 missing\n"),
        "{}",
        run.stdout
    );
    write(dir, "sub/f3.bin", b"changed");
    std::fs::remove_file(dir.join("sub/f4.bin")).unwrap();
    let run = t.run(&["check", "SHA256SUMS"]);
    run.code(1);
    assert!(
        run.stdout.ends_with("11 verified, 1 failed, 1 missing\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("sub/f3.bin: FAILED"), "{}", run.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "SHA256SUMS", "--json"]).stdout).unwrap();
    assert_eq!(json["missing"], 1);

    write(
        dir,
        "EVIL.sha256",
        format!("{}  ../outside.bin\n", "a".repeat(64)).as_bytes(),
    );
    let evil = t.run(&["check", "EVIL.sha256"]);
    evil.code(2);
    assert!(
        evil.stderr.contains("Line 1") && evil.stderr.contains("outside"),
        "{}",
        evil.stderr
    );
}

#[test]
fn a_symlink_says_where_it_points_and_the_target_is_checked() {
    let t = TestDir::new();
    let dir = t.root();
    write(dir, "real.bin", &installer());
    std::os::unix::fs::symlink(dir.join("real.bin"), dir.join("link.bin")).unwrap();
    let sha = tool(dir, "sha256sum", &["real.bin"])[..64].to_string();
    let run = t.run(&["verify", "link.bin", "--sha256", &sha]);
    run.success();
    assert!(
        run.stdout.contains("a link to") && run.stdout.contains("real.bin"),
        "{}",
        run.stdout
    );
    std::os::unix::fs::symlink(dir.join("gone.bin"), dir.join("dangling.bin")).unwrap();
    let dangling = t.run(&["verify", "dangling.bin", "--sha256", &sha]);
    dangling.code(2);
    assert!(
        dangling.stderr.contains("is a link to") && dangling.stderr.contains("does not exist"),
        "{}",
        dangling.stderr
    );
}

#[test]
fn signed_lists_and_trusted_publishers() {
    let t = TestDir::new();
    let dir = t.root();
    let gpg = Gpg::new("Acme Releases <rel@acme.test>");
    let mallory = Gpg::new("Mallory <m@evil.test>");
    gpg.export(&dir.join("acme.asc"));
    mallory.export(&dir.join("mallory.asc"));
    let file = write(dir, "setup.bin", &installer());
    let f = file.to_str().unwrap();
    write(
        dir,
        "SHA256SUMS",
        tool(dir, "sha256sum", &["setup.bin"]).as_bytes(),
    );
    let list = dir.join("SHA256SUMS");
    let l = list.to_str().unwrap();
    gpg.run(&[
        "--armor",
        "--detach-sign",
        "--output",
        dir.join("SHA256SUMS.asc").to_str().unwrap(),
        l,
    ]);
    gpg.run(&[
        "--clearsign",
        "--output",
        dir.join("InRelease").to_str().unwrap(),
        l,
    ]);
    mallory.run(&[
        "--armor",
        "--detach-sign",
        "--output",
        dir.join("evil.asc").to_str().unwrap(),
        l,
    ]);

    // A valid signature from a key not pinned yet: not verified, and why.
    let unpinned = t.run(&[
        "verify",
        f,
        "--sums",
        "SHA256SUMS",
        "--sig",
        "SHA256SUMS.asc",
        "--key",
        "acme.asc",
    ]);
    unpinned.code(1);
    assert!(
        unpinned
            .stdout
            .contains("not one of your trusted publishers"),
        "{}",
        unpinned.stdout
    );

    let added = t.run(&["publishers", "add", "Acme", "acme.asc"]);
    added.success();
    assert!(
        added.stdout.contains(&gpg.fingerprint()),
        "{}",
        added.stdout
    );
    let ok = t.run(&[
        "verify",
        f,
        "--sums",
        "SHA256SUMS",
        "--sig",
        "SHA256SUMS.asc",
        "--publisher",
        "Acme",
    ]);
    ok.success();
    assert!(ok.stdout.contains("signed by Acme"), "{}", ok.stdout);
    // A pinned key named by a key file is recognised too.
    t.run(&[
        "verify",
        f,
        "--sums",
        "SHA256SUMS",
        "--sig",
        "SHA256SUMS.asc",
        "--key",
        "acme.asc",
    ])
    .success();
    // Clearsigned, as apt publishes InRelease.
    t.run(&[
        "check",
        "InRelease",
        "--algo",
        "sha256",
        "--publisher",
        "Acme",
    ])
    .success();

    // Signed by someone else: refused, naming the problem.
    let wrong = t.run(&[
        "verify",
        f,
        "--sums",
        "SHA256SUMS",
        "--sig",
        "evil.asc",
        "--publisher",
        "Acme",
    ]);
    wrong.code(1);
    assert!(
        wrong
            .stdout
            .starts_with("Do not install: the signature on SHA256SUMS"),
        "{}",
        wrong.stdout
    );

    // The list changed after signing.
    let mut changed = std::fs::read(&list).unwrap();
    changed[0] = if changed[0] == b'0' { b'1' } else { b'0' };
    write(dir, "SHA256SUMS", &changed);
    let tampered = t.run(&[
        "verify",
        f,
        "--sums",
        "SHA256SUMS",
        "--sig",
        "SHA256SUMS.asc",
        "--publisher",
        "Acme",
    ]);
    tampered.code(1);

    // Damaged armour and garbage.
    let mut armour = std::fs::read_to_string(dir.join("SHA256SUMS.asc")).unwrap();
    let i = armour.find("\n\n").map(|i| i + 5).unwrap_or(40);
    armour.replace_range(i..i + 1, "*");
    write(dir, "damaged.asc", armour.as_bytes());
    t.run(&[
        "sig",
        "verify",
        l,
        "--sig",
        "damaged.asc",
        "--key",
        "acme.asc",
    ])
    .code(1);
    write(dir, "garbage.asc", b"not a signature at all");
    let garbage = t.run(&[
        "sig",
        "verify",
        l,
        "--sig",
        "garbage.asc",
        "--key",
        "acme.asc",
    ]);
    garbage.code(1);
    assert!(
        garbage.stdout.contains("Bad signature"),
        "{}",
        garbage.stdout
    );

    // The publisher's key changes: refused loudly unless replaced.
    let changed_key = t.run(&["publishers", "add", "Acme", "mallory.asc"]);
    changed_key.code(2);
    assert!(
        changed_key.stderr.contains("KEY HAS CHANGED"),
        "{}",
        changed_key.stderr
    );
    t.run(&["publishers", "add", "Acme", "mallory.asc", "--replace"])
        .success();
    t.run(&["publishers", "remove", "Acme"]).success();
    t.run(&["publishers", "remove", "Acme"]).code(2);
    let actions: Vec<String> = t
        .list()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"publisher.pin".to_string())
            && actions.contains(&"publisher.unpin".to_string())
    );
}

#[test]
fn minisign_signatures() {
    let t = TestDir::new();
    let dir = t.root();
    let file = write(dir, "setup.bin", &installer());
    let f = file.to_str().unwrap();
    tool(
        dir,
        "minisign",
        &["-G", "-W", "-p", "key.pub", "-s", "key.sec"],
    );
    tool(dir, "minisign", &["-S", "-s", "key.sec", "-m", "setup.bin"]);
    let ok = t.run(&[
        "verify",
        f,
        "--sig",
        "setup.bin.minisig",
        "--minisign-key",
        "key.pub",
    ]);
    // Valid, but a minisign key cannot be pinned as a publisher yet: caution.
    assert!(ok.stdout.contains("signature is valid"), "{}", ok.stdout);
    let mut bytes = installer();
    bytes[1000] ^= 1;
    write(dir, "setup.bin", &bytes);
    let bad = t.run(&[
        "verify",
        f,
        "--sig",
        "setup.bin.minisig",
        "--minisign-key",
        "key.pub",
    ]);
    bad.code(1);
    assert!(bad.stdout.starts_with("Do not install"), "{}", bad.stdout);
}
