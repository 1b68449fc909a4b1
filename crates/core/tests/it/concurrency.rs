//! Several stores on one folder at once, as the app, the CLI and the
//! scheduler would have.

use crate::util::{TestDir, all, at, t0};
use serde_json::json;
use shipshape_core::audit::{self, Actor, NewEntry, Source, Verdict};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

#[test]
fn four_writers_on_a_fresh_folder_keep_the_chain_whole() {
    const WRITERS: u32 = 4;
    const EACH: u32 = 50;
    let dir = TestDir::new();
    let data = dir.data().to_path_buf();
    let start = Arc::new(Barrier::new(WRITERS as usize));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let data = data.clone();
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                // Every writer also races to create and migrate the database.
                let (store, recovery) = Store::open(&data, t0()).unwrap();
                assert!(recovery.is_none());
                let who = Actor {
                    user: format!("writer-{w}"),
                    source: Source::Scheduler,
                };
                for i in 0..EACH {
                    audit::append(
                        &store,
                        at(i64::from(i)),
                        &who,
                        NewEntry::ok("test.write", &format!("{w}/{i}"), json!({ "i": i })),
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }

    let store = dir.open();
    let entries = all(&store);
    assert_eq!(entries.len(), (WRITERS * EACH) as usize);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq as usize, i + 1);
    }
    // Each writer's entries are all there, in the order it wrote them.
    for w in 0..WRITERS {
        let mine: Vec<String> = entries
            .iter()
            .filter(|e| e.actor == format!("writer-{w}"))
            .map(|e| e.target.clone())
            .collect();
        let expected: Vec<String> = (0..EACH).map(|i| format!("{w}/{i}")).collect();
        assert_eq!(mine, expected);
    }
    assert_eq!(
        audit::verify(&store, &NoProgress, &Cancel::new()).unwrap(),
        Verdict::Intact {
            entries: WRITERS * EACH
        }
    );
}

#[test]
fn listing_and_verifying_while_another_store_appends() {
    const APPENDS: u32 = 150;
    let dir = TestDir::new();
    let store = dir.open();
    crate::util::fill(&store, 5);
    let done = Arc::new(AtomicBool::new(false));

    let writer = {
        let data = dir.data().to_path_buf();
        let done = Arc::clone(&done);
        thread::spawn(move || {
            let (store, _) = Store::open(&data, t0()).unwrap();
            for i in 0..APPENDS {
                audit::append(&store, t0(), &crate::util::actor(), crate::util::sample(i)).unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };

    let mut last_len = 5;
    let mut last_verified = 5;
    let mut rounds = 0;
    loop {
        let finished = done.load(Ordering::SeqCst);
        let entries = all(&store);
        assert!(entries.len() >= last_len, "entries disappeared");
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e.seq as usize, i + 1, "a gap in the listing");
        }
        last_len = entries.len();
        match audit::verify(&store, &NoProgress, &Cancel::new()).unwrap() {
            Verdict::Intact { entries } => {
                assert!(entries >= last_verified);
                last_verified = entries;
            }
            tampered => panic!("after {rounds} rounds, at {last_len} entries: {tampered:?}"),
        }
        rounds += 1;
        if finished {
            break;
        }
    }
    writer.join().unwrap();
    assert_eq!(last_verified, 5 + APPENDS);
    assert!(rounds > 1, "the reader never overlapped the writer");
}
