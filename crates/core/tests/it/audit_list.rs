//! Appending and listing entries, filters and time parsing.

use crate::util::{TestDir, actor, all, fill, t0};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use shipshape_core::ErrorCode;
use shipshape_core::audit::{self, Actor, Filter, NewEntry, Outcome, Source};
use shipshape_core::store::Store;

fn seqs(store: &Store, filter: Filter) -> Vec<u32> {
    audit::list(store, &filter)
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect()
}

#[test]
fn entries_get_consecutive_places_and_the_clocks_time() {
    let dir = TestDir::new();
    let store = dir.open();
    let written = fill(&store, 5);
    for (i, e) in written.iter().enumerate() {
        assert_eq!(e.seq as usize, i + 1);
    }
    assert_eq!(written[0].time, "2026-11-24T09:31:00.000Z");
    assert_eq!(written[4].time, "2026-11-24T09:35:00.000Z");

    // A clock given in another zone is stored as UTC, with milliseconds.
    let offset = chrono::FixedOffset::east_opt(2 * 3600).unwrap();
    let local = offset
        .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
        + chrono::Duration::milliseconds(7);
    let e = audit::append(&store, local, &actor(), NewEntry::ok("x.y", "t", json!({}))).unwrap();
    assert_eq!(e.seq, 6);
    assert_eq!(e.time, "2026-11-24T10:00:00.007Z");
    assert!(DateTime::parse_from_rfc3339(&e.time).is_ok());

    let listed = all(&store);
    assert_eq!(listed.len(), 6);
    assert_eq!(&listed[..5], &written[..]);
    assert_eq!(listed[5], e);
}

#[test]
fn entries_keep_everything_they_were_given() {
    let dir = TestDir::new();
    let store = dir.open();
    let who = Actor {
        user: "bob".into(),
        source: Source::Scheduler,
    };
    let details = json!({ "b": [1, 2.5, "three"], "a": { "nested": null }, "unicode": "héllo ✓" });
    let e = audit::append(
        &store,
        t0(),
        &who,
        NewEntry::failed(
            "install.verify",
            "/opt/x.deb",
            "bad signature",
            details.clone(),
        ),
    )
    .unwrap();
    assert_eq!(e.actor, "bob");
    assert_eq!(e.source, Source::Scheduler);
    assert_eq!(e.outcome, Outcome::Failed);
    assert_eq!(e.reason.as_deref(), Some("bad signature"));
    assert_eq!(e.details, details);
    assert_eq!(e.hash.len(), 64);
    assert_eq!(all(&store), vec![e]);
}

#[test]
fn filters_by_time_action_outcome_and_text() {
    let dir = TestDir::new();
    let store = dir.open();
    let add = |when: DateTime<Utc>, new: NewEntry| {
        audit::append(&store, when, &actor(), new).unwrap();
    };
    let day = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    add(
        day(23, 23),
        NewEntry::ok("audit.export", "/tmp/a.csv", json!({"format": "csv"})),
    );
    add(day(24, 0), NewEntry::ok("audit.verify", "log", json!({})));
    add(
        day(24, 9),
        NewEntry::failed(
            "install.verify",
            "/opt/firefox.deb",
            "bad signature",
            json!({"pkg": "firefox"}),
        ),
    );
    add(day(24, 18), NewEntry::ok("auditx", "lookalike", json!({})));
    add(
        day(25, 0),
        NewEntry::ok(
            "store.recover",
            "/data/shipshape.db.corrupt",
            json!({"reason": "not a database"}),
        ),
    );

    assert_eq!(seqs(&store, Filter::default()), [1, 2, 3, 4, 5]);

    // since is inclusive, until exclusive; a date means its midnight UTC.
    let since = |s: &str| Filter {
        since: Some(s.into()),
        ..Filter::default()
    };
    let until = |s: &str| Filter {
        until: Some(s.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, since("2026-11-24")), [2, 3, 4, 5]);
    assert_eq!(seqs(&store, until("2026-11-24")), [1]);
    assert_eq!(seqs(&store, until("2026-11-25")), [1, 2, 3, 4]);
    assert_eq!(seqs(&store, since("2026-11-24T09:00:00Z")), [3, 4, 5]);
    assert_eq!(seqs(&store, since("2026-11-24T09:00:00.001Z")), [4, 5]);
    // An offset is honoured: 11:00+02:00 is 09:00Z.
    assert_eq!(seqs(&store, since("2026-11-24T11:00:00+02:00")), [3, 4, 5]);
    assert_eq!(
        seqs(
            &store,
            Filter {
                since: Some("2026-11-24".into()),
                until: Some("2026-11-24T18:00:00Z".into()),
                ..Filter::default()
            }
        ),
        [2, 3]
    );

    // Exact action, or a prefix ending in '.'.
    let action = |s: &str| Filter {
        action: Some(s.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, action("audit.export")), [1]);
    assert_eq!(seqs(&store, action("audit.")), [1, 2]);
    assert_eq!(seqs(&store, action("audit")), Vec::<u32>::new());
    assert_eq!(seqs(&store, action("auditx")), [4]);
    assert_eq!(seqs(&store, action("audit.exp")), Vec::<u32>::new());

    let outcome = |o: Outcome| Filter {
        outcome: Some(o),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, outcome(Outcome::Failed)), [3]);
    assert_eq!(seqs(&store, outcome(Outcome::Ok)), [1, 2, 4, 5]);

    // Text is searched in actor, action, target, reason and details; every
    // word must be found, case-insensitively for ASCII.
    let text = |s: &str| Filter {
        text: Some(s.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, text("firefox")), [3]); // target and details
    assert_eq!(seqs(&store, text("SIGNATURE")), [3]); // reason
    assert_eq!(seqs(&store, text("csv")), [1]); // target and details
    assert_eq!(seqs(&store, text("not a database")), [5]); // details, all words
    assert_eq!(seqs(&store, text("lookalike")), [4]);
    assert_eq!(seqs(&store, text("alice")), [1, 2, 3, 4, 5]); // actor
    assert_eq!(seqs(&store, text("firefox csv")), Vec::<u32>::new());
    assert_eq!(seqs(&store, text("   ")), [1, 2, 3, 4, 5]);

    // Filters combine.
    assert_eq!(
        seqs(
            &store,
            Filter {
                since: Some("2026-11-24".into()),
                action: Some("audit.".into()),
                outcome: Some(Outcome::Ok),
                text: Some("log".into()),
                ..Filter::default()
            }
        ),
        [2]
    );

    // Empty strings match everything.
    assert_eq!(
        seqs(
            &store,
            Filter {
                since: Some(String::new()),
                until: Some(" ".into()),
                action: Some(String::new()),
                outcome: None,
                text: Some(String::new()),
            }
        ),
        [1, 2, 3, 4, 5]
    );
}

#[test]
fn like_wildcards_in_search_text_and_action_prefix_are_literal() {
    let dir = TestDir::new();
    let store = dir.open();
    for (action, target) in [
        ("disk.check", "100% full"),
        ("disk.check", "1000 files"),
        ("user.add", "a_b"),
        ("user.add", "axb"),
        ("my_app.run", "back\\slash"),
        ("myxapp.run", "backslash"),
    ] {
        audit::append(
            &store,
            t0(),
            &actor(),
            NewEntry::ok(action, target, json!({})),
        )
        .unwrap();
    }
    let text = |s: &str| Filter {
        text: Some(s.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, text("100%")), [1]);
    assert_eq!(seqs(&store, text("%")), [1]);
    assert_eq!(seqs(&store, text("a_b")), [3]);
    assert_eq!(seqs(&store, text("_")), [3, 5]);
    assert_eq!(seqs(&store, text("back\\slash")), [5]);
    let action = |s: &str| Filter {
        action: Some(s.into()),
        ..Filter::default()
    };
    assert_eq!(seqs(&store, action("my_app.")), [5]);
    assert_eq!(seqs(&store, action("%.")), Vec::<u32>::new());
    assert_eq!(seqs(&store, action("user.%")), Vec::<u32>::new());
}

#[test]
fn a_bad_time_in_a_filter_is_invalid_input() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 1);
    for filter in [
        Filter {
            since: Some("yesterday".into()),
            ..Filter::default()
        },
        Filter {
            until: Some("2026-13-01".into()),
            ..Filter::default()
        },
    ] {
        let err = audit::list(&store, &filter).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    }
}

#[test]
fn parse_time_accepts_rfc3339_and_dates() {
    let utc = |y, mo, d, h, mi, s| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
    assert_eq!(
        audit::parse_time("2026-11-24T09:30:00Z").unwrap(),
        utc(2026, 11, 24, 9, 30, 0)
    );
    assert_eq!(
        audit::parse_time("2026-11-24T09:30:00+02:00").unwrap(),
        utc(2026, 11, 24, 7, 30, 0)
    );
    assert_eq!(
        audit::parse_time("2026-11-24T01:00:00-03:00").unwrap(),
        utc(2026, 11, 24, 4, 0, 0)
    );
    assert_eq!(
        audit::parse_time("2026-11-24T09:30:00.250Z").unwrap(),
        utc(2026, 11, 24, 9, 30, 0) + chrono::Duration::milliseconds(250)
    );
    assert_eq!(
        audit::parse_time("2026-11-24").unwrap(),
        utc(2026, 11, 24, 0, 0, 0)
    );
    assert_eq!(
        audit::parse_time("  2024-02-29 ").unwrap(),
        utc(2024, 2, 29, 0, 0, 0)
    );
}

#[test]
fn parse_time_rejects_junk_as_invalid_input() {
    for junk in [
        "",
        "yesterday",
        "now",
        "2026-13-01",
        "2025-02-29",
        "2026-11-24T25:00:00Z",
        "24/11/2026",
        "2026-11-24T09:30:00",
        "1732440600",
        "2026-11-24Z",
    ] {
        let err = audit::parse_time(junk).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{junk:?}: {err:?}");
        assert!(
            err.message.contains(junk.trim()),
            "{junk:?}: {}",
            err.message
        );
        assert!(!err.hint.is_empty());
    }
}

#[test]
fn pages_run_newest_first_and_say_when_older_entries_follow() {
    let dir = TestDir::new();
    let store = dir.open();
    let total = audit::PAGE_SIZE * 2 + 5;
    for i in 0..total {
        let outcome = if i % 2 == 0 { "ok" } else { "odd" };
        audit::append(
            &store,
            t0(),
            &actor(),
            NewEntry::ok("x.y", outcome, json!({})),
        )
        .unwrap();
    }
    let first = audit::page(&store, &Filter::default(), None).unwrap();
    assert_eq!(first.entries.len(), audit::PAGE_SIZE as usize);
    assert_eq!(first.entries[0].seq, total);
    assert!(first.more);
    let last_seen = first.entries.last().unwrap().seq;
    let second = audit::page(&store, &Filter::default(), Some(last_seen)).unwrap();
    assert_eq!(second.entries[0].seq, last_seen - 1);
    assert!(second.more);
    let third = audit::page(
        &store,
        &Filter::default(),
        Some(second.entries.last().unwrap().seq),
    )
    .unwrap();
    assert_eq!(third.entries.len(), 5);
    assert_eq!(third.entries.last().unwrap().seq, 1);
    assert!(!third.more, "nothing older than the first entry");

    // A filter pages over what it matches, not over the whole log.
    let odd = Filter {
        text: Some("odd".into()),
        ..Filter::default()
    };
    let page = audit::page(&store, &odd, None).unwrap();
    assert_eq!(page.entries.len(), audit::PAGE_SIZE as usize);
    assert!(page.entries.iter().all(|e| e.target == "odd"));
    let rest = audit::page(&store, &odd, Some(page.entries.last().unwrap().seq)).unwrap();
    assert_eq!(
        page.entries.len() + rest.entries.len(),
        (total / 2) as usize
    );
    assert!(!rest.more);

    // A bad time is the same clear error as for the full list.
    let bad = Filter {
        since: Some("yesterday".into()),
        ..Filter::default()
    };
    let err = audit::page(&store, &bad, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}
