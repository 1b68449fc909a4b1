//! `audit::verify`: an intact chain passes; every kind of tampering is
//! caught and names the right entry. Tampering goes through a raw SQLite
//! connection on `<data>/shipshape.db`, as an attacker's would.

use crate::util::{TestDir, all, chain_hash, fill, prev_hash_of, rehash, tampered, verify};
use rusqlite::params;
use rusqlite::types::Value as Sql;
use serde_json::json;
use shipshape_core::ErrorCode;
use shipshape_core::audit::{self, Entry, Outcome, Source, Verdict};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::store::Store;
use std::sync::Mutex;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const N: u32 = 7;

/// A fresh folder with an intact log of `N` entries.
fn log() -> (TestDir, Store) {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, N);
    assert_eq!(verify(&store), Verdict::Intact { entries: N });
    (dir, store)
}

fn set(dir: &TestDir, seq: u32, column: &str, value: Sql) {
    let changed = dir.exec(
        &format!("UPDATE audit_log SET {column} = ?1 WHERE seq = ?2"),
        params![value, seq],
    );
    assert_eq!(changed, 1);
}

fn text(s: &str) -> Sql {
    Sql::Text(s.into())
}

#[test]
fn an_intact_log_is_intact() {
    let (_dir, store) = log();
    let verdict = verify(&store);
    assert_eq!(verdict, Verdict::Intact { entries: N });
    assert_eq!(
        verdict.summary(),
        "The activity log is intact: 7 entries, none changed."
    );
}

#[test]
fn an_empty_log_is_intact() {
    let dir = TestDir::new();
    let store = dir.open();
    assert_eq!(verify(&store), Verdict::Intact { entries: 0 });
    assert!(!dir.head_path().exists());
}

#[test]
fn a_single_entry_log_is_intact() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 1);
    let verdict = verify(&store);
    assert_eq!(verdict, Verdict::Intact { entries: 1 });
    assert!(verdict.summary().contains("1 entry,"));
}

#[test]
fn stored_hashes_follow_the_documented_scheme() {
    let (dir, store) = log();
    let entries = all(&store);
    let mut prev = GENESIS.to_string();
    for e in &entries {
        assert_eq!(prev_hash_of(&dir, e.seq), prev, "prev_hash of {}", e.seq);
        assert_eq!(chain_hash(&prev, e), e.hash, "hash of {}", e.seq);
        prev = e.hash.clone();
    }
    // The head record names the newest entry.
    let head: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.head_path()).unwrap()).unwrap();
    assert_eq!(head, json!({ "seq": N, "hash": prev }));
}

#[test]
fn editing_any_field_of_an_entry_names_that_entry() {
    let k = 4; // sample(4) is an "ok" check.run entry without a reason
    let edits: Vec<(&str, Sql)> = vec![
        ("action", text("check.skipped")),
        ("target", text("firewall-40")),
        ("details", text(r#"{"n":40}"#)),
        (
            "details",
            text(
                r#"{"n":4,"nested":{"a":"x","z":[1,2,{"a":null,"b":false}]},"note":"entry number 4"}"#,
            ),
        ),
        ("time", text("2026-11-24T09:34:00.001Z")),
        ("time", text("2025-01-01T00:00:00.000Z")),
        ("actor", text("mallory")),
        ("actor", text("alice ")),
        ("source", text("cli")),
        ("outcome", text("failed")),
        ("reason", text("")),
        ("reason", text("made up")),
        ("hash", text(&"a".repeat(64))),
        ("prev_hash", text(GENESIS)),
    ];
    for (column, value) in edits {
        let (dir, store) = log();
        set(&dir, k, column, value.clone());
        let verdict = verify(&store);
        let (entry, problem) = tampered(&verdict);
        assert_eq!(entry, k, "{column} = {value:?}: {verdict:?}");
        assert!(!problem.is_empty());
        assert!(
            verdict.summary().contains("tampered with at entry 4"),
            "{}",
            verdict.summary()
        );
    }
}

#[test]
fn removing_a_reason_is_caught() {
    let (dir, store) = log();
    let k = 3; // sample(3) is a failed entry with a reason
    assert_eq!(all(&store)[2].outcome, Outcome::Failed);
    set(&dir, k, "reason", Sql::Null);
    assert_eq!(tampered(&verify(&store)).0, k);
}

#[test]
fn editing_the_first_or_the_last_entry_is_caught() {
    for k in [1, N] {
        let (dir, store) = log();
        set(&dir, k, "target", text("elsewhere"));
        let verdict = verify(&store);
        assert_eq!(
            tampered(&verdict),
            (k, "its content was edited after it was written.")
        );
    }
}

#[test]
fn editing_an_entry_and_recomputing_its_hash_breaks_the_link_to_the_next() {
    let (dir, store) = log();
    let k = 4;
    let old = all(&store)[3].hash.clone();
    set(&dir, k, "action", text("check.skipped"));
    let new = rehash(&dir, &store, k);
    assert_ne!(new, old);
    // Entry k is now self-consistent; the chain breaks at k + 1, whose
    // stored link still names k's original hash.
    let verdict = verify(&store);
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, k + 1, "{verdict:?}");
    assert!(problem.contains("does not follow entry 4"), "{problem}");
    assert!(problem.contains("edited"), "{problem}");
}

#[test]
fn editing_the_newest_entry_and_recomputing_its_hash_is_caught_by_the_head_record() {
    let (dir, store) = log();
    set(&dir, N, "details", text(r#"{"forged":true}"#));
    rehash(&dir, &store, N);
    let verdict = verify(&store);
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, N);
    assert!(problem.contains("newest entry"), "{problem}");
}

#[test]
fn rewriting_the_whole_chain_after_an_edit_is_caught_by_the_head_record() {
    let (dir, store) = log();
    set(&dir, 2, "actor", text("mallory"));
    for seq in 2..=N {
        if seq > 2 {
            let prev = all(&store)[seq as usize - 2].hash.clone();
            set(&dir, seq, "prev_hash", text(&prev));
        }
        rehash(&dir, &store, seq);
    }
    // Every link holds again; only the head record disagrees.
    let entries = all(&store);
    let mut prev = GENESIS.to_string();
    for e in &entries {
        assert_eq!(chain_hash(&prev, e), e.hash);
        prev = e.hash.clone();
    }
    let verdict = verify(&store);
    assert_eq!(tampered(&verdict).0, N, "{verdict:?}");
}

#[test]
fn copying_another_entrys_hash_is_caught() {
    let (dir, store) = log();
    let hash_of_2 = all(&store)[1].hash.clone();
    set(&dir, 5, "target", text("firewall-2"));
    set(&dir, 5, "hash", text(&hash_of_2));
    assert_eq!(tampered(&verify(&store)).0, 5);
}

#[test]
fn deleting_a_middle_entry_names_the_missing_one() {
    for k in [1, 2, 4, N - 1] {
        let (dir, store) = log();
        assert_eq!(dir.exec("DELETE FROM audit_log WHERE seq = ?1", [k]), 1);
        let verdict = verify(&store);
        let (entry, problem) = tampered(&verdict);
        assert_eq!(entry, k, "{verdict:?}");
        assert!(
            problem.contains(&format!("entry {k} is missing")),
            "{problem}"
        );
    }
}

#[test]
fn deleting_an_entry_and_renumbering_the_rest_is_caught() {
    let (dir, store) = log();
    dir.exec("DELETE FROM audit_log WHERE seq = 3", []);
    for seq in 4..=N {
        set(&dir, seq, "seq", Sql::Integer(i64::from(seq) - 1));
    }
    assert_eq!(tampered(&verify(&store)).0, 3);
}

#[test]
fn cutting_entries_off_the_end_is_caught() {
    for cut in [1, 3, N] {
        let (dir, store) = log();
        let removed = dir.exec("DELETE FROM audit_log WHERE seq > ?1", [N - cut]);
        assert_eq!(removed as u32, cut);
        let verdict = verify(&store);
        let (entry, problem) = tampered(&verdict);
        assert_eq!(entry, N - cut + 1, "{verdict:?}");
        assert!(problem.contains("cut off"), "{problem}");
    }
}

#[test]
fn later_entries_do_not_hide_a_cut_or_a_missing_head() {
    // Cut 3 off the end, or delete the head record; then Shipshape keeps
    // writing (fewer, as many, and more entries than were cut).
    for more in [1, 3, 5] {
        let (dir, store) = log();
        dir.exec("DELETE FROM audit_log WHERE seq > ?1", [N - 3]);
        fill(&store, more);
        tampered(&verify(&store));

        let (dir, store) = log();
        std::fs::remove_file(dir.head_path()).unwrap();
        fill(&store, more);
        tampered(&verify(&store));
    }
}

#[test]
fn a_missing_head_record_is_caught_while_entries_exist() {
    let (dir, store) = log();
    std::fs::remove_file(dir.head_path()).unwrap();
    let verdict = verify(&store);
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, N);
    assert!(problem.contains("audit.head"), "{problem}");
}

#[test]
fn an_unreadable_head_record_is_tampering_not_an_error() {
    let (dir, store) = log();
    std::fs::write(dir.head_path(), b"{\"seq\": \"seven\"").unwrap();
    let verdict = audit::verify(&store, &NoProgress, &Cancel::new());
    let verdict = verdict.expect("verify reports a verdict, not an error");
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, N);
    assert!(problem.contains("audit.head"), "{problem}");
}

#[test]
fn a_head_record_naming_another_hash_is_caught() {
    let (dir, store) = log();
    let forged = json!({ "seq": N, "hash": "b".repeat(64) });
    std::fs::write(dir.head_path(), forged.to_string()).unwrap();
    assert_eq!(tampered(&verify(&store)).0, N);
}

#[test]
fn an_old_head_record_is_caught() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 5);
    let old_head = std::fs::read(dir.head_path()).unwrap();
    audit::append(
        &store,
        crate::util::t0(),
        &crate::util::actor(),
        crate::util::sample(6),
    )
    .unwrap();
    std::fs::write(dir.head_path(), old_head).unwrap();
    let verdict = verify(&store);
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, 6);
    assert!(problem.contains("added outside Shipshape"), "{problem}");
}

/// Swaps everything but `seq` between two rows.
fn swap_content(dir: &TestDir, a: u32, b: u32) {
    const COLUMNS: &str =
        "time, actor, source, action, target, outcome, reason, details, prev_hash, hash";
    let conn = dir.raw();
    let read = |seq: u32| -> Vec<Sql> {
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM audit_log WHERE seq = ?1"),
            [seq],
            |r| (0..10).map(|i| r.get::<_, Sql>(i)).collect(),
        )
        .unwrap()
    };
    let (row_a, row_b) = (read(a), read(b));
    let write = |seq: u32, row: Vec<Sql>| {
        let mut values = row;
        values.push(Sql::Integer(seq.into()));
        let changed = conn
            .execute(
                "UPDATE audit_log SET time = ?1, actor = ?2, source = ?3, action = ?4, target = ?5, \
                 outcome = ?6, reason = ?7, details = ?8, prev_hash = ?9, hash = ?10 WHERE seq = ?11",
                rusqlite::params_from_iter(values),
            )
            .unwrap();
        assert_eq!(changed, 1);
    };
    write(a, row_b);
    write(b, row_a);
}

#[test]
fn reordering_entries_is_caught() {
    for (a, b) in [(3, 6), (4, 5), (1, 2), (N - 1, N)] {
        let (dir, store) = log();
        swap_content(&dir, a, b);
        let verdict = verify(&store);
        assert_eq!(tampered(&verdict).0, a, "swap {a} and {b}: {verdict:?}");
    }
}

#[test]
fn renumbering_entries_to_reorder_them_is_caught() {
    let (dir, store) = log();
    set(&dir, 3, "seq", Sql::Integer(1000));
    set(&dir, 6, "seq", Sql::Integer(3));
    set(&dir, 1000, "seq", Sql::Integer(6));
    assert_eq!(tampered(&verify(&store)).0, 3);
}

#[test]
fn a_forged_entry_appended_at_the_end_is_caught() {
    let (dir, store) = log();
    let last = all(&store).pop().unwrap();
    let mut forged = Entry {
        seq: N + 1,
        time: "2026-11-24T10:00:00.000Z".into(),
        actor: "alice".into(),
        source: Source::App,
        action: "check.run".into(),
        target: "firewall".into(),
        outcome: Outcome::Ok,
        reason: None,
        details: json!({}),
        hash: String::new(),
    };
    // A perfectly chained forgery: only the head record gives it away.
    forged.hash = chain_hash(&last.hash, &forged);
    dir.exec(
        "INSERT INTO audit_log (seq, time, actor, source, action, target, outcome, reason, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, 'app', ?4, ?5, 'ok', NULL, '{}', ?6, ?7)",
        params![forged.seq, forged.time, forged.actor, forged.action, forged.target, last.hash, forged.hash],
    );
    let verdict = verify(&store);
    let (entry, problem) = tampered(&verdict);
    assert_eq!(entry, N + 1, "{verdict:?}");
    assert!(problem.contains("added outside Shipshape"), "{problem}");
}

#[test]
fn a_forged_entry_with_a_made_up_place_is_caught() {
    let (dir, store) = log();
    dir.exec(
        "INSERT INTO audit_log SELECT 100, time, actor, source, action, target, outcome, reason, details, prev_hash, hash
         FROM audit_log WHERE seq = ?1",
        [N],
    );
    let verdict = verify(&store);
    assert_eq!(tampered(&verdict).0, N + 1, "{verdict:?}");
}

#[test]
fn garbage_in_a_column_is_caught() {
    let cases: [(&str, Sql, &str); 5] = [
        ("outcome", text("maybe"), "unknown outcome"),
        ("outcome", text(""), "unknown outcome"),
        ("source", text("root-shell"), "unknown source"),
        ("details", text("{not json"), "not valid JSON"),
        ("details", text(""), "not valid JSON"),
    ];
    for (column, value, why) in cases {
        let (dir, store) = log();
        set(&dir, 5, column, value.clone());
        let verdict = verify(&store);
        let (entry, problem) = tampered(&verdict);
        assert_eq!(entry, 5, "{column} = {value:?}: {verdict:?}");
        assert!(problem.contains(why), "{column} = {value:?}: {problem}");
        // Listing still works, so the user can look at the damage.
        assert_eq!(all(&store).len(), N as usize);
    }
}

#[test]
fn a_value_of_the_wrong_type_is_tampering_not_an_error() {
    let cases: [(u32, &str, Sql); 5] = [
        (5, "time", Sql::Blob(b"2026-11-24".to_vec())),
        (5, "actor", Sql::Blob(vec![0xff, 0xfe])),
        (5, "hash", Sql::Blob(vec![0; 32])),
        (5, "details", Sql::Blob(b"{}".to_vec())),
        (5, "seq", Sql::Integer(-5)),
    ];
    for (k, column, value) in cases {
        let (dir, store) = log();
        set(&dir, k, column, value.clone());
        let verdict = audit::verify(&store, &NoProgress, &Cancel::new());
        let verdict = verdict.unwrap_or_else(|e| panic!("{column} = {value:?}: {e:?}"));
        assert!(
            matches!(verdict, Verdict::Tampered { .. }),
            "{column} = {value:?}: {verdict:?}"
        );
    }
}

#[test]
fn cancelling_before_the_start_stops_with_cancelled() {
    let (_dir, store) = log();
    let cancel = Cancel::new();
    cancel.cancel();
    let err = audit::verify(&store, &NoProgress, &cancel).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    // The store is still usable afterwards.
    assert_eq!(verify(&store), Verdict::Intact { entries: N });
}

#[test]
fn cancelling_half_way_stops_with_cancelled() {
    let (_dir, store) = log();
    let cancel = Cancel::new();
    let seen = Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| {
        seen.lock().unwrap().push((done, total));
        if done == 3 {
            cancel.cancel();
        }
    };
    let err = audit::verify(&store, &progress, &cancel).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert_eq!(*seen.lock().unwrap(), [(1, 7), (2, 7), (3, 7)]);
    assert_eq!(verify(&store), Verdict::Intact { entries: N });
}

#[test]
fn progress_counts_every_entry() {
    let (_dir, store) = log();
    let seen = Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
    let verdict = audit::verify(&store, &progress, &Cancel::new()).unwrap();
    assert_eq!(verdict, Verdict::Intact { entries: N });
    let expected: Vec<(u64, u64)> = (1..=u64::from(N)).map(|d| (d, u64::from(N))).collect();
    assert_eq!(*seen.lock().unwrap(), expected);
}
