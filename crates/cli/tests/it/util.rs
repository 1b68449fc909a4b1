//! Running the built `shipshape` in a temporary folder.

use serde_json::Value;
use shipshape_core::audit::{self, Actor, NewEntry, Source};
use shipshape_core::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder with a data folder `<tmp>/data` (created by the
/// first command) and a fake home `<tmp>/home`, so that no test ever
/// touches the real user's data.
#[derive(Debug)]
pub struct TestDir {
    tmp: tempfile::TempDir,
    data: PathBuf,
}

impl TestDir {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("home")).unwrap();
        std::fs::create_dir(tmp.path().join("tmp")).unwrap();
        let data = tmp.path().join("data");
        TestDir { tmp, data }
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn data(&self) -> &Path {
        &self.data
    }

    pub fn db_path(&self) -> PathBuf {
        self.data.join("shipshape.db")
    }

    /// `shipshape` with a clean environment and no data folder given.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipshape"));
        cmd.current_dir(self.root())
            .env_remove("SHIPSHAPE_DATA_DIR")
            .env_remove("XDG_DATA_HOME")
            .env("HOME", self.root().join("home"))
            // Its own temporary files (ssh-agent sockets, scratch folders)
            // where a test can count them, and gone with the test.
            .env("TMPDIR", self.root().join("tmp"))
            .env("NO_COLOR", "1");
        cmd
    }

    /// `shipshape --data-dir <data> ARGS...`
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.bare();
        cmd.arg("--data-dir").arg(&self.data).args(args);
        cmd
    }

    /// Runs `shipshape --data-dir <data> ARGS...` to the end.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().unwrap())
    }

    /// Opens the store in-process, as the app would.
    pub fn store(&self) -> Store {
        Store::open(&self.data, chrono::Utc::now()).unwrap().0
    }

    /// Appends `n` entries in-process.
    pub fn append(&self, n: u32) {
        let store = self.store();
        for i in 0..n {
            append_one(&store, i);
        }
    }

    /// `audit list --json`, parsed.
    pub fn list(&self) -> Vec<Value> {
        let run = self.run(&["audit", "list", "--json"]);
        run.success();
        match serde_json::from_str(&run.stdout).unwrap() {
            Value::Array(entries) => entries,
            other => panic!("not a list: {other}"),
        }
    }

    /// A raw connection to the database, for tampering.
    pub fn raw(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.db_path()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn
    }
}

pub fn append_one(store: &Store, i: u32) {
    let actor = Actor {
        user: "tester".into(),
        source: Source::App,
    };
    audit::append(
        store,
        chrono::Utc::now(),
        &actor,
        NewEntry::ok(
            "check.run",
            &format!("item-{i}"),
            serde_json::json!({ "i": i }),
        ),
    )
    .unwrap();
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Run {
            code: out.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Run {
    /// Asserts exit code `code`, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n{self:#?}");
        self
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        self.code(0)
    }

    /// Asserts a usage or I/O error: exit 2 and one line on stderr starting
    /// "shipshape:", nothing on stdout.
    #[track_caller]
    pub fn fails_with(&self, needle: &str) -> &Self {
        self.code(2);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr\n{self:#?}");
        assert!(lines[0].starts_with("shipshape: "), "{self:#?}");
        assert!(lines[0].contains(needle), "{needle:?} not in {self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        self
    }
}
