//! `atomic_file::write`: replaces content whole, keeps the mode, leaves no
//! temporary files.

use crate::util::{TestDir, files_in};
use shipshape_core::ErrorCode;
use shipshape_core::atomic_file;
use std::fs;
use std::os::unix::fs::PermissionsExt;

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn writes_a_new_file() {
    let dir = TestDir::new();
    let path = dir.root().join("new.txt");
    atomic_file::write(&path, b"hello").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"hello");
    assert_eq!(files_in(dir.root()), ["new.txt"]);
}

#[test]
fn replacing_a_file_keeps_its_mode_and_leaves_no_temp_files() {
    let dir = TestDir::new();
    for wanted in [0o640, 0o600, 0o755] {
        let path = dir.root().join("report.csv");
        fs::write(&path, b"old content that is longer than the new").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(wanted)).unwrap();
        atomic_file::write(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), wanted, "mode {wanted:o} was not kept");
        assert_eq!(files_in(dir.root()), ["report.csv"]);
    }
}

#[test]
fn replacing_a_file_makes_a_new_inode_so_readers_see_old_or_new() {
    use std::os::unix::fs::MetadataExt;
    let dir = TestDir::new();
    let path = dir.root().join("f");
    fs::write(&path, b"old").unwrap();
    let reader = fs::File::open(&path).unwrap();
    let before = fs::metadata(&path).unwrap().ino();
    atomic_file::write(&path, b"new").unwrap();
    assert_ne!(fs::metadata(&path).unwrap().ino(), before);
    // A reader that opened the old file still reads the old content whole.
    let mut old = String::new();
    std::io::Read::read_to_string(&mut &reader, &mut old).unwrap();
    assert_eq!(old, "old");
}

#[test]
fn a_folder_is_refused_and_nothing_is_left_behind() {
    let dir = TestDir::new();
    let folder = dir.root().join("folder");
    fs::create_dir(&folder).unwrap();
    let err = atomic_file::write(&folder, b"x").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert_eq!(files_in(dir.root()), ["folder"]);
    assert!(files_in(&folder).is_empty());
}

#[test]
fn a_missing_folder_is_an_io_error_and_nothing_is_left_behind() {
    let dir = TestDir::new();
    let path = dir.root().join("missing/out.json");
    let err = atomic_file::write(&path, b"x").unwrap_err();
    assert_eq!(err.code, ErrorCode::Io, "{err:?}");
    assert!(err.message.contains("does not exist"), "{}", err.message);
    assert!(files_in(dir.root()).is_empty());
}

#[test]
fn threads_writing_one_file_at_once_each_write_whole() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 50;
    let dir = TestDir::new();
    let path = dir.root().join("shared.json");
    // Each thread writes its own letter, enough of it to take a while.
    let content = |t: usize| vec![b'a' + t as u8; 256 * 1024];
    let start = std::sync::Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (path, start) = (&path, &start);
            s.spawn(move || {
                start.wait();
                for _ in 0..ROUNDS {
                    atomic_file::write(path, &content(t)).unwrap();
                    let now = fs::read(path).unwrap();
                    assert!(
                        (0..THREADS).any(|u| now == content(u)),
                        "a reader saw a mixed or partial file"
                    );
                }
            });
        }
    });
    assert_eq!(files_in(dir.root()), ["shared.json"]);
}
