//! The one SQLite database in the data folder: WAL, versioned migrations,
//! safe to share between the app and the CLI at the same time.

use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode as SqlCode, OpenFlags};
use serde::Serialize;
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use ts_rs::TS;

pub const DATABASE_FILE: &str = "shipshape.db";

/// The activity log's table, for reading a log that is not this store's
/// (root's published one) with the same queries.
pub(crate) const AUDIT_LOG_SCHEMA: &str = MIGRATIONS[0];

/// Each entry moves the schema one version forward. Never edit a released
/// entry: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the audit log. `seq` is the entry's place in the hash chain.
    "CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        time      TEXT NOT NULL,
        actor     TEXT NOT NULL,
        source    TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT NOT NULL,
        outcome   TEXT NOT NULL,
        reason    TEXT,
        details   TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE INDEX audit_log_time ON audit_log(time);
    CREATE INDEX audit_log_action ON audit_log(action);",
    // 2: past verifications of downloaded files.
    "CREATE TABLE verifications (
        id      INTEGER PRIMARY KEY,
        time    TEXT NOT NULL,
        file    TEXT NOT NULL,
        safety  TEXT NOT NULL,
        verdict TEXT NOT NULL
    );
    CREATE INDEX verifications_time ON verifications(time);",
    // 3: trusted publishers, each pinned to one OpenPGP key.
    "CREATE TABLE publishers (
        name        TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        user_ids    TEXT NOT NULL,
        key         BLOB NOT NULL,
        added       TEXT NOT NULL
    );",
    // 4: credentials. The secret itself lives only in the OS keychain; this
    // is what the list shows. `vault_id` tells this folder's keychain items
    // from another folder's sharing the same keychain.
    "CREATE TABLE vault_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE credentials (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind          TEXT NOT NULL,
        username      TEXT NOT NULL,
        url           TEXT NOT NULL,
        notes         TEXT NOT NULL,
        created       TEXT NOT NULL,
        last_rotated  TEXT NOT NULL,
        rotate_days   INTEGER
    );",
    // 5: health history. Each series (a metric about a subject: a disk, an
    // interface, or "" for the whole computer) is named once. A row holds
    // one moment's figures, packed as (series id: u32, value: f64) pairs in
    // little-endian: raw rows every sample kept 24 h, 5-minute averages
    // kept 30 days. A 30-day chart reads 8640 rows, not one per figure.
    // The latest full sample paints the Overview at once after a start.
    "CREATE TABLE health_series (
        id      INTEGER PRIMARY KEY,
        metric  TEXT NOT NULL,
        subject TEXT NOT NULL,
        UNIQUE (metric, subject)
    );
    CREATE TABLE health_points (
        time    INTEGER PRIMARY KEY,
        figures BLOB NOT NULL
    );
    CREATE TABLE health_points_5min (
        time    INTEGER PRIMARY KEY,
        figures BLOB NOT NULL
    );
    CREATE TABLE health_latest (
        id     INTEGER PRIMARY KEY CHECK (id = 1),
        time   TEXT NOT NULL,
        sample TEXT NOT NULL
    );",
    // 6: alerts. Rules the user changed (defaults live in the code);
    // conditions seen but not yet held for their rule's duration; alerts
    // raised, at most one open per rule and subject.
    "CREATE TABLE alert_rules (
        rule             TEXT PRIMARY KEY,
        threshold        REAL NOT NULL,
        duration_seconds INTEGER NOT NULL,
        enabled          INTEGER NOT NULL
    );
    CREATE TABLE alert_pending (
        rule      TEXT NOT NULL,
        subject   TEXT NOT NULL,
        since     TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (rule, subject)
    );
    CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        rule            TEXT NOT NULL,
        subject         TEXT NOT NULL,
        value           REAL NOT NULL,
        title           TEXT NOT NULL,
        short           TEXT NOT NULL,
        advice          TEXT NOT NULL,
        raised          TEXT NOT NULL,
        cleared         TEXT,
        acknowledged    TEXT,
        acknowledged_by TEXT
    );
    CREATE UNIQUE INDEX alerts_open ON alerts(rule, subject) WHERE cleared IS NULL;
    CREATE INDEX alerts_raised ON alerts(raised);",
    // 7: the accepted baseline that anomalies are measured against.
    "CREATE TABLE baseline (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        accepted TEXT NOT NULL,
        actor    TEXT NOT NULL,
        snapshot TEXT NOT NULL
    );",
    // 8: security scans, for the score's trend and the latest report.
    // `results` is the whole scan as JSON (checks, evidence, score).
    "CREATE TABLE security_scans (
        id      INTEGER PRIMARY KEY,
        time    TEXT NOT NULL,
        root    TEXT NOT NULL,
        score   INTEGER NOT NULL,
        failed  INTEGER NOT NULL,
        results TEXT NOT NULL
    );
    CREATE INDEX security_scans_time ON security_scans(time);",
    // 9: what the baseline watches, when the user changed it (the defaults
    // live in the code).
    "CREATE TABLE baseline_config (
        id     INTEGER PRIMARY KEY CHECK (id = 1),
        config TEXT NOT NULL
    );",
    // 10: changes made by security fixes and their undos. `steps` is JSON:
    // each file's state before and after (content by checksum; the content
    // itself is in the backups folder), or a kernel setting's values.
    "CREATE TABLE security_changes (
        id        INTEGER PRIMARY KEY,
        time      TEXT NOT NULL,
        actor     TEXT NOT NULL,
        check_id  TEXT NOT NULL,
        title     TEXT NOT NULL,
        root      TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN ('fix', 'undo')),
        undoes    INTEGER REFERENCES security_changes(id),
        undone_by INTEGER REFERENCES security_changes(id),
        steps     TEXT NOT NULL
    );",
    // 11: findings accepted as a risk, with a reason, until a date.
    "CREATE TABLE security_accepted (
        check_id TEXT PRIMARY KEY,
        reason   TEXT NOT NULL,
        until    TEXT NOT NULL,
        actor    TEXT NOT NULL,
        time     TEXT NOT NULL
    );",
    // 12: a change to this computer made with administrator rights names
    // its number in root's own records, which its undo replays.
    "ALTER TABLE security_changes ADD COLUMN admin_change INTEGER;",
    // 13: update runs: what was installed, from which version to which,
    // and what undoing it needs. `record` is the run as JSON; in the
    // user's store `admin_run` is its number in root's own records.
    "CREATE TABLE update_runs (
        id        INTEGER PRIMARY KEY,
        started   TEXT NOT NULL,
        admin_run INTEGER,
        record    TEXT NOT NULL
    );",
    // 14: scheduled jobs (`job` is the job as JSON) and their runs.
    "CREATE TABLE schedule_jobs (
        id      INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        job     TEXT NOT NULL
    );
    CREATE TABLE schedule_runs (
        id       INTEGER PRIMARY KEY,
        job      INTEGER NOT NULL,
        started  TEXT NOT NULL,
        finished TEXT,
        outcome  TEXT NOT NULL,
        message  TEXT NOT NULL
    );",
    // 15: the newest update check, kept with the fingerprint of apt's
    // state it was made from; it is answered again while apt's state is
    // unchanged.
    "CREATE TABLE update_check (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        waiting     TEXT NOT NULL
    );",
    // 16: how the administrator wants to be told about maintenance, the
    // time notices start from, and each notice sent (sent once).
    "CREATE TABLE notice_settings (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        settings TEXT NOT NULL,
        since    TEXT NOT NULL
    );
    CREATE TABLE notices_sent (
        key  TEXT PRIMARY KEY,
        sent TEXT NOT NULL
    );",
    // 17: backup repositories (the password is in the keychain, under
    // `password_name`), their runs (`record` as JSON), and the files each
    // backup's restore test brings back, with their digest at backup time.
    "CREATE TABLE backup_repos (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        folder        TEXT NOT NULL,
        password_name TEXT NOT NULL,
        created       TEXT NOT NULL
    );
    CREATE TABLE backup_runs (
        id      INTEGER PRIMARY KEY,
        repo    TEXT NOT NULL,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );
    CREATE TABLE backup_samples (
        repo     TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        path     TEXT NOT NULL,
        size     INTEGER NOT NULL,
        digest   TEXT NOT NULL,
        PRIMARY KEY (repo, snapshot, path)
    );",
    // 18: what each backup backs up and keeps (`plan`, JSON), and the
    // token naming root's sealed key to it (`backup::sealed`).
    "ALTER TABLE backup_repos ADD COLUMN plan TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE backup_repos ADD COLUMN key TEXT NOT NULL DEFAULT '';",
    // 19: deployments of plans (`install::deploy::Deployment`, JSON), each
    // with its plan, stages, gates and approvals.
    "CREATE TABLE deployments (
        id      INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );",
    // 20: access reviews (`govern::review::Review`, JSON): lines,
    // decisions and the sign-off, never changed once signed.
    "CREATE TABLE access_reviews (
        id      INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );",
    // 21: incidents and maintenance tickets (`govern::tickets::Ticket`,
    // JSON): status, links with their evidence, and the timeline.
    "CREATE TABLE tickets (
        id      INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );",
    // 22: the office's computers (`fleet::computers::Computer`, JSON):
    // address, the confirmed host key's fingerprint, last report.
    "CREATE TABLE computers (
        id      INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );",
    // 23: roll-outs to the office's computers (`fleet::rollout::Rollout`,
    // JSON): the plan, its rings with each computer's part, the steps.
    "CREATE TABLE rollouts (
        id      INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        record  TEXT NOT NULL
    );",
];

/// How long a writer waits for another process (the app or the CLI) to
/// finish its write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Told to the user when a damaged database was moved aside at start.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Recovery {
    /// Where the damaged database now is.
    pub moved_to: String,
    /// What SQLite said about it.
    pub reason: String,
}

impl Recovery {
    pub fn message(&self) -> String {
        format!(
            "Your Shipshape database was damaged, so a new one was started. The damaged file was kept at {}.",
            self.moved_to
        )
    }
}

/// Where the app keeps its data and whether the store opened, for the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StoreStatus {
    pub data_dir: Option<String>,
    /// Why the store could not be opened; the screens that need it say so.
    pub store_error: Option<Error>,
    /// Set when a damaged database was moved aside at start.
    pub recovery: Option<Recovery>,
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    data_dir: PathBuf,
}

/// The data folder a user gets when none is given: `$XDG_DATA_HOME/shipshape`
/// on Linux.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("shipshape"))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::StoreUnavailable,
                "Could not find your data folder: neither XDG_DATA_HOME nor HOME is set.",
                "Set HOME, or choose a folder with --data-dir (SHIPSHAPE_DATA_DIR for the app).",
            )
        })
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`. A damaged
    /// database is moved aside under a timestamped name, never deleted, and
    /// reported in the returned `Recovery`.
    pub fn open(data_dir: &Path, now: DateTime<Utc>) -> Result<(Store, Option<Recovery>)> {
        prepare_folder(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        match Self::open_file(&path, data_dir) {
            Ok(store) => Ok((store, None)),
            Err(OpenError::Damaged(reason)) => {
                let moved_to = move_aside(data_dir, now)?;
                let store = Self::open_file(&path, data_dir).map_err(OpenError::into_error)?;
                Ok((
                    store,
                    Some(Recovery {
                        moved_to: moved_to.display().to_string(),
                        reason,
                    }),
                ))
            }
            Err(other) => Err(other.into_error()),
        }
    }

    fn open_file(path: &Path, data_dir: &Path) -> Result<Store, OpenError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| OpenError::classify(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| OpenError::classify(path, e))?;
        let setup = (|| {
            set_wal(&conn)?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
            Ok::<_, rusqlite::Error>(check)
        })();
        match setup {
            Ok(check) if check == "ok" => {}
            Ok(check) => return Err(OpenError::Damaged(check)),
            Err(e) => return Err(OpenError::classify(path, e)),
        }
        let store = Store {
            conn,
            data_dir: data_dir.to_path_buf(),
        };
        store.migrate(path)?;
        Ok(store)
    }

    fn migrate(&self, path: &Path) -> Result<(), OpenError> {
        let known = MIGRATIONS.len() as i64;
        // IMMEDIATE: two processes opening a new folder at once must not
        // both apply the same migration.
        let run = || -> rusqlite::Result<Option<i64>> {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version > known {
                self.conn.execute_batch("ROLLBACK")?;
                return Ok(Some(version));
            }
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                self.conn.execute_batch(sql)?;
                self.conn
                    .pragma_update(None, "user_version", (i + 1) as i64)?;
            }
            self.conn.execute_batch("COMMIT")?;
            Ok(None)
        };
        match run() {
            Ok(None) => Ok(()),
            Ok(Some(version)) => Err(OpenError::Fatal(Error::new(
                ErrorCode::StoreTooNew,
                format!(
                    "The database {} was made by a newer version of Shipshape (schema {version}; this version knows up to {known}).",
                    path.display()
                ),
                "Install the newer Shipshape again, or choose another folder with --data-dir.",
            ))),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(OpenError::classify(path, e))
            }
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Switches the database to WAL. Switching a new database needs it alone
/// for a moment, and SQLite answers "busy" at once, without waiting out the
/// busy timeout, when another process is opening it too: so wait here.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(SqlCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

enum OpenError {
    Damaged(String),
    Fatal(Error),
}

impl OpenError {
    fn classify(path: &Path, e: rusqlite::Error) -> Self {
        let code = e.sqlite_error_code();
        match code {
            Some(SqlCode::NotADatabase | SqlCode::DatabaseCorrupt) => {
                OpenError::Damaged(e.to_string())
            }
            Some(SqlCode::CannotOpen | SqlCode::PermissionDenied | SqlCode::ReadOnly) => {
                OpenError::Fatal(Error::new(
                    ErrorCode::StoreUnavailable,
                    format!("Could not open the database {}: {e}.", path.display()),
                    "Check that your account owns the data folder and its files, or choose another folder with --data-dir.",
                ))
            }
            _ => OpenError::Fatal(Error::new(
                ErrorCode::StoreUnavailable,
                format!("Could not open the database {}: {e}.", path.display()),
                "Close other programs using it and try again, or choose another folder with --data-dir.",
            )),
        }
    }

    fn into_error(self) -> Error {
        match self {
            OpenError::Damaged(reason) => Error::new(
                ErrorCode::StoreCorrupt,
                format!("The database is damaged ({reason}) even after starting a new one."),
                "Check the disk for errors, or choose another folder with --data-dir.",
            ),
            OpenError::Fatal(e) => e,
        }
    }
}

fn prepare_folder(data_dir: &Path) -> Result<()> {
    if data_dir.exists() && !data_dir.is_dir() {
        return Err(Error::new(
            ErrorCode::StoreUnavailable,
            format!(
                "The data folder {} is a file, not a folder.",
                data_dir.display()
            ),
            "Move that file away, or choose another folder with --data-dir.",
        ));
    }
    // Private: the database and audit log describe this computer's weak spots.
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data_dir)
        .map_err(|e| {
            let mut err = Error::io("create the data folder", data_dir, &e);
            err.code = ErrorCode::StoreUnavailable;
            err
        })
}

/// Moves the database, its WAL and shared-memory files, and the audit head
/// record aside under one timestamped suffix. Returns the database's new path.
fn move_aside(data_dir: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
    let suffix = format!("corrupt-{}", now.format("%Y%m%dT%H%M%SZ"));
    let mut moved_db = None;
    for name in [
        DATABASE_FILE.to_string(),
        format!("{DATABASE_FILE}-wal"),
        format!("{DATABASE_FILE}-shm"),
        crate::audit::HEAD_FILE.to_string(),
    ] {
        let from = data_dir.join(&name);
        if !from.exists() {
            continue;
        }
        let mut to = data_dir.join(format!("{name}.{suffix}"));
        let mut n = 1;
        while to.exists() {
            to = data_dir.join(format!("{name}.{suffix}-{n}"));
            n += 1;
        }
        fs::rename(&from, &to).map_err(|e| Error::io("move aside", &from, &e))?;
        if name == DATABASE_FILE {
            moved_db = Some(to);
        }
    }
    moved_db
        .ok_or_else(|| Error::internal("The damaged database disappeared while being moved aside."))
}
