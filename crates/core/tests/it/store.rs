//! Opening, reopening and recovering the store.

use crate::util::{TestDir, all, fill, t0, verify};
use shipshape_core::ErrorCode;
use shipshape_core::audit::{self, Verdict};
use shipshape_core::store::Store;
use std::os::unix::fs::PermissionsExt;

#[test]
fn opens_a_fresh_folder_private_and_in_wal_mode() {
    let dir = TestDir::new();
    let nested = dir.root().join("a/b/data");
    assert!(!nested.exists());

    let (store, recovery) = Store::open(&nested, t0()).unwrap();
    assert!(recovery.is_none());
    assert_eq!(store.data_dir(), nested.as_path());
    assert!(nested.is_dir());
    let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "data folder mode is {mode:o}");

    let conn = rusqlite::Connection::open(nested.join("shipshape.db")).unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version >= 1, "no migration ran (user_version {version})");
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);

    assert!(all(&store).is_empty());
    assert_eq!(verify(&store), Verdict::Intact { entries: 0 });
}

#[test]
fn opening_an_existing_folder_keeps_its_mode() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.data()).unwrap();
    std::fs::set_permissions(dir.data(), std::fs::Permissions::from_mode(0o750)).unwrap();
    let _store = dir.open();
    let mode = std::fs::metadata(dir.data()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750);
}

#[test]
fn reopening_keeps_the_data() {
    let dir = TestDir::new();
    let written = {
        let store = dir.open();
        fill(&store, 5)
    };
    let store = dir.open();
    assert_eq!(all(&store), written);
    assert_eq!(verify(&store), Verdict::Intact { entries: 5 });

    // And the chain goes on where it stopped.
    let next = audit::append(&store, t0(), &crate::util::actor(), crate::util::sample(6)).unwrap();
    assert_eq!(next.seq, 6);
    assert_eq!(verify(&store), Verdict::Intact { entries: 6 });
}

#[test]
fn two_stores_on_one_folder_see_each_others_entries() {
    let dir = TestDir::new();
    let a = dir.open();
    let b = dir.open();
    fill(&a, 2);
    assert_eq!(all(&b).len(), 2);
    let e = audit::append(&b, t0(), &crate::util::actor(), crate::util::sample(3)).unwrap();
    assert_eq!(e.seq, 3);
    assert_eq!(verify(&a), Verdict::Intact { entries: 3 });
}

#[test]
fn a_garbage_database_is_moved_aside_intact_and_a_fresh_one_started() {
    let dir = TestDir::new();
    {
        let store = dir.open();
        fill(&store, 3);
    }
    assert!(dir.head_path().exists());
    let garbage: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(dir.db_path(), &garbage).unwrap();

    let (store, recovery) = Store::open(dir.data(), t0()).unwrap();
    let recovery = recovery.expect("a recovery is reported");
    let moved = dir.data().join("shipshape.db.corrupt-20261124T093000Z");
    assert_eq!(recovery.moved_to, moved.display().to_string());
    assert!(!recovery.reason.is_empty());
    assert!(recovery.message().contains(&recovery.moved_to));
    assert_eq!(
        std::fs::read(&moved).unwrap(),
        garbage,
        "moved file changed"
    );

    // The head record of the old chain went aside with it, so the new log
    // starts clean rather than looking cut off.
    assert!(
        dir.data()
            .join("audit.head.corrupt-20261124T093000Z")
            .exists()
    );
    assert_eq!(verify(&store), Verdict::Intact { entries: 0 });
    fill(&store, 2);
    assert_eq!(all(&store).len(), 2);
    assert_eq!(verify(&store), Verdict::Intact { entries: 2 });
    drop(store);

    // Reopening the new database is uneventful.
    let store = dir.open();
    assert_eq!(verify(&store), Verdict::Intact { entries: 2 });
}

#[test]
fn a_second_recovery_in_the_same_second_does_not_overwrite_the_first() {
    let dir = TestDir::new();
    std::fs::create_dir(dir.data()).unwrap();
    std::fs::write(dir.db_path(), b"first garbage, not a database at all....").unwrap();
    let (_, first) = Store::open(dir.data(), t0()).unwrap();
    std::fs::write(dir.db_path(), b"second garbage, not a database either...").unwrap();
    let (_, second) = Store::open(dir.data(), t0()).unwrap();

    let first = first.unwrap().moved_to;
    let second = second.unwrap().moved_to;
    assert_ne!(first, second);
    assert!(second.ends_with("shipshape.db.corrupt-20261124T093000Z-1"));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        b"first garbage, not a database at all...."
    );
    assert_eq!(
        std::fs::read(&second).unwrap(),
        b"second garbage, not a database either..."
    );
}

#[test]
fn a_database_with_damaged_pages_is_moved_aside() {
    let dir = TestDir::new();
    {
        let store = dir.open();
        fill(&store, 50);
    }
    // Keep SQLite's header and the schema page, scribble over the rest.
    let mut bytes = std::fs::read(dir.db_path()).unwrap();
    let page: usize = u16::from_be_bytes([bytes[16], bytes[17]]).into();
    assert!(bytes.len() > 2 * page);
    for (i, b) in bytes[page..].iter_mut().enumerate() {
        *b = (i % 253) as u8 ^ 0x5a;
    }
    std::fs::write(dir.db_path(), &bytes).unwrap();

    let (store, recovery) = Store::open(dir.data(), t0()).unwrap();
    let recovery = recovery.expect("damaged pages are noticed at open");
    assert_eq!(std::fs::read(&recovery.moved_to).unwrap(), bytes);
    assert_eq!(verify(&store), Verdict::Intact { entries: 0 });
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = TestDir::new();
    {
        let store = dir.open();
        fill(&store, 2);
    }
    dir.raw().pragma_update(None, "user_version", 99).unwrap();
    let before_files = dir.files();
    let before = std::fs::read(dir.db_path()).unwrap();

    let err = Store::open(dir.data(), t0()).unwrap_err();
    assert_eq!(err.code, ErrorCode::StoreTooNew, "{err:?}");
    assert!(err.message.contains("99"), "{}", err.message);
    assert!(!err.hint.is_empty());

    assert_eq!(std::fs::read(dir.db_path()).unwrap(), before);
    assert_eq!(dir.files(), before_files, "files were added or moved");
    let conn = dir.raw();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn a_data_folder_that_is_a_file_is_unavailable() {
    let dir = TestDir::new();
    std::fs::write(dir.data(), b"just a file").unwrap();
    let err = Store::open(dir.data(), t0()).unwrap_err();
    assert_eq!(err.code, ErrorCode::StoreUnavailable, "{err:?}");
    assert!(err.message.contains("is a file"), "{}", err.message);
    assert_eq!(std::fs::read(dir.data()).unwrap(), b"just a file");
}

#[test]
fn a_data_folder_below_a_file_is_unavailable() {
    let dir = TestDir::new();
    std::fs::write(dir.data(), b"just a file").unwrap();
    let err = Store::open(&dir.data().join("inside"), t0()).unwrap_err();
    assert_eq!(err.code, ErrorCode::StoreUnavailable, "{err:?}");
}
