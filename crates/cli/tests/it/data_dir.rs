//! Where the data lives: --data-dir, SHIPSHAPE_DATA_DIR, the default, and
//! what happens when it is not usable.

use crate::util::{Run, TestDir};

#[test]
fn the_environment_variable_chooses_the_data_folder() {
    let dir = TestDir::new();
    let elsewhere = dir.root().join("from-env");
    let run = Run::from(
        dir.bare()
            .env("SHIPSHAPE_DATA_DIR", &elsewhere)
            .args(["audit", "export", "--format", "json", "x.json"])
            .output()
            .unwrap(),
    );
    run.success();
    assert!(elsewhere.join("shipshape.db").exists());
    assert!(!dir.data().exists());
    assert!(!dir.root().join("home/.local").exists());

    let run = Run::from(
        dir.bare()
            .env("SHIPSHAPE_DATA_DIR", &elsewhere)
            .args(["audit", "verify"])
            .output()
            .unwrap(),
    );
    run.success();
    assert!(run.stdout.contains("1 entry"), "{run:#?}");
}

#[test]
fn the_option_wins_over_the_environment_variable() {
    let dir = TestDir::new();
    let from_env = dir.root().join("from-env");
    let run = Run::from(
        dir.cmd(&["audit", "verify"])
            .env("SHIPSHAPE_DATA_DIR", &from_env)
            .output()
            .unwrap(),
    );
    run.success();
    assert!(dir.db_path().exists());
    assert!(!from_env.exists());
}

#[test]
fn without_either_the_data_folder_is_under_home() {
    let dir = TestDir::new();
    let run = Run::from(dir.bare().args(["audit", "verify"]).output().unwrap());
    run.success();
    assert!(
        dir.root()
            .join("home/.local/share/shipshape/shipshape.db")
            .exists()
    );
}

#[test]
fn a_data_folder_that_is_a_file_exits_2_with_a_clear_message() {
    let dir = TestDir::new();
    std::fs::write(dir.data(), b"not a folder").unwrap();
    for args in [["audit", "verify"], ["audit", "list"]] {
        dir.run(&args).fails_with("is a file, not a folder");
    }
    assert_eq!(std::fs::read(dir.data()).unwrap(), b"not a folder");
}

#[test]
fn a_garbage_database_is_moved_aside_with_a_note_and_recorded() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.data()).unwrap();
    let garbage = b"this is not an SQLite database, just some bytes".repeat(100);
    std::fs::write(dir.db_path(), &garbage).unwrap();

    let run = dir.run(&["audit", "verify"]);
    run.success();
    let note = run.stderr.trim();
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    assert!(note.starts_with("shipshape: note: "), "{run:#?}");
    assert!(run.stdout.contains("intact: 1 entry"), "{run:#?}");

    let moved: Vec<std::path::PathBuf> = std::fs::read_dir(dir.data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("shipshape.db.corrupt-")
        })
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    let moved = &moved[0];
    assert!(note.contains(&moved.display().to_string()), "{note}");
    assert_eq!(std::fs::read(moved).unwrap(), garbage);

    let entries = dir.list();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "store.recover");
    assert_eq!(entries[0]["target"], moved.display().to_string());
    assert_eq!(entries[0]["outcome"], "ok");
    assert!(!entries[0]["details"]["reason"].as_str().unwrap().is_empty());

    // Only once: the next run is quiet.
    let run = dir.run(&["audit", "verify"]);
    run.success();
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn a_database_from_a_newer_version_exits_2_and_is_kept() {
    let dir = TestDir::new();
    dir.append(1);
    dir.raw().pragma_update(None, "user_version", 42).unwrap();
    let before = std::fs::read(dir.db_path()).unwrap();
    dir.run(&["audit", "list"]).fails_with("newer version");
    assert_eq!(std::fs::read(dir.db_path()).unwrap(), before);
}
