//! Shared helpers: a temporary data folder, a fixed clock, a raw connection
//! for tampering and an independent re-implementation of the hash scheme.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shipshape_core::audit::{self, Actor, Entry, Filter, NewEntry, Source, Verdict};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::store::{DATABASE_FILE, Store};
use std::path::{Path, PathBuf};

/// A temporary folder; the data folder is `<tmp>/data` and does not exist
/// until a store is opened on it.
#[derive(Debug)]
pub struct TestDir {
    tmp: tempfile::TempDir,
    data: PathBuf,
}

impl TestDir {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        TestDir { tmp, data }
    }

    /// The temporary folder itself, for files outside the data folder.
    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// The data folder handed to `Store::open`.
    pub fn data(&self) -> &Path {
        &self.data
    }

    pub fn db_path(&self) -> PathBuf {
        self.data.join(DATABASE_FILE)
    }

    pub fn head_path(&self) -> PathBuf {
        self.data.join(audit::HEAD_FILE)
    }

    /// Opens the store, asserting that no recovery was needed.
    pub fn open(&self) -> Store {
        let (store, recovery) = Store::open(&self.data, t0()).unwrap();
        assert!(recovery.is_none(), "unexpected recovery: {recovery:?}");
        store
    }

    /// A raw connection to the database, for looking underneath and tampering.
    pub fn raw(&self) -> Connection {
        let conn = Connection::open(self.db_path()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn
    }

    /// Runs one statement on a raw connection and returns the rows changed.
    pub fn exec(&self, sql: &str, params: impl rusqlite::Params) -> usize {
        self.raw().execute(sql, params).unwrap()
    }

    /// Makes every audit entry fail to write, inside its transaction, as a
    /// full disk would; `allow_audit_entries` ends that. For proving that a
    /// change whose entry cannot be written is not made either.
    pub fn refuse_audit_entries(&self) {
        self.raw()
            .execute_batch(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
            )
            .unwrap();
    }

    pub fn allow_audit_entries(&self) {
        self.raw()
            .execute_batch("DROP TRIGGER refuse_audit")
            .unwrap();
    }

    /// Names of the files in the data folder, sorted.
    pub fn files(&self) -> Vec<String> {
        files_in(&self.data)
    }
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The fixed "now" of the tests: 2026-11-24T09:30:00Z.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
}

/// `t0` plus some minutes.
pub fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

pub fn actor() -> Actor {
    Actor {
        user: "alice".into(),
        source: Source::App,
    }
}

/// The `i`-th entry of a varied log: different actions, targets, outcomes,
/// reasons and nested details.
pub fn sample(i: u32) -> NewEntry {
    let details = json!({
        "n": i,
        "nested": { "z": [1, 2, { "b": true, "a": null }], "a": "x" },
        "note": format!("entry number {i}"),
    });
    match i % 3 {
        0 => NewEntry::failed(
            "install.verify",
            &format!("/opt/pkg-{i}.deb"),
            "signature mismatch",
            details,
        ),
        1 => NewEntry::ok("check.run", &format!("firewall-{i}"), details),
        _ => NewEntry::ok("audit.export", &format!("/tmp/export-{i}.csv"), details),
    }
}

/// Appends `n` sample entries, one a minute from `t0`, and returns them.
pub fn fill(store: &Store, n: u32) -> Vec<Entry> {
    (1..=n)
        .map(|i| audit::append(store, at(i64::from(i)), &actor(), sample(i)).unwrap())
        .collect()
}

pub fn all(store: &Store) -> Vec<Entry> {
    audit::list(store, &Filter::default()).unwrap()
}

pub fn verify(store: &Store) -> Verdict {
    audit::verify(store, &NoProgress, &Cancel::new()).unwrap()
}

/// The entry a Tampered verdict names, and its problem; panics on Intact.
pub fn tampered(verdict: &Verdict) -> (u32, &str) {
    match verdict {
        Verdict::Tampered { entry, problem } => (*entry, problem.as_str()),
        Verdict::Intact { .. } => panic!("tampering was not detected: {verdict:?}"),
    }
}

/// JSON with object keys sorted at every level and no spaces, written
/// independently of the code under test.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// The documented scheme: sha256(prev_hash + "\n" + canonical JSON of the
/// entry's content, its seq included).
pub fn chain_hash(prev_hash: &str, e: &Entry) -> String {
    let content = json!({
        "seq": e.seq,
        "time": e.time,
        "actor": e.actor,
        "source": e.source.as_str(),
        "action": e.action,
        "target": e.target,
        "outcome": e.outcome.as_str(),
        "reason": e.reason,
        "details": e.details,
    });
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical(&content).as_bytes());
    hex::encode(h.finalize())
}

/// The stored prev_hash of entry `seq`.
pub fn prev_hash_of(dir: &TestDir, seq: u32) -> String {
    dir.raw()
        .query_row(
            "SELECT prev_hash FROM audit_log WHERE seq = ?1",
            [seq],
            |r| r.get(0),
        )
        .unwrap()
}

/// Recomputes entry `seq`'s hash from its (possibly edited) stored content
/// and stores it, as a forger who knows the scheme would.
pub fn rehash(dir: &TestDir, store: &Store, seq: u32) -> String {
    let entry = all(store).into_iter().find(|e| e.seq == seq).unwrap();
    let hash = chain_hash(&prev_hash_of(dir, seq), &entry);
    dir.exec(
        "UPDATE audit_log SET hash = ?1 WHERE seq = ?2",
        rusqlite::params![hash, seq],
    );
    hash
}

/// Set inside the private mount namespace, where the test body runs.
const IN_PRIVATE_MOUNTS: &str = "SHIPSHAPE_TEST_PRIVATE_MOUNTS";

/// Runs `body` again in this test binary inside a private mount namespace
/// (`unshare`), where it may mount a small tmpfs that vanishes with it;
/// a normal user gets a user namespace for it. `path` is the test's path as
/// `module_path!()::name` gives it.
pub fn in_private_mounts(path: &str, body: impl FnOnce()) {
    if std::env::var_os(IN_PRIVATE_MOUNTS).is_some() {
        return body();
    }
    let test = path.split_once("::").map_or(path, |(_, rest)| rest);
    let mut unshare = std::process::Command::new("unshare");
    if !rustix::process::geteuid().is_root() {
        unshare.arg("--map-root-user");
    }
    let out = unshare
        .args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(IN_PRIVATE_MOUNTS, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "inside the private namespace:\n{text}"
    );
    assert!(text.contains("1 passed"), "the test did not run:\n{text}");
}
