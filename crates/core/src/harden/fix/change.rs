//! Changes made by fixes and undos, kept in the store: each step with the
//! state of its target before and after, so it can be turned around.

use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use ts_rs::TS;

/// A file as a step found or left it: its content (by checksum) and who
/// may use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileState {
    /// SHA-256 of the content, lower-case hex; the backup's name.
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Permission bits, e.g. 0o640.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl FileState {
    /// The state of the file at `path`; `None` when there is none. A
    /// symbolic link is refused: a fix never writes through one.
    pub fn read(path: &Path) -> Result<Option<FileState>> {
        Ok(FileState::read_with_content(path)?.map(|(state, _)| state))
    }

    /// `read`, with the content it hashed (empty for a folder).
    pub fn read_with_content(path: &Path) -> Result<Option<(FileState, Vec<u8>)>> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(unreadable(path, &e)),
        };
        if meta.file_type().is_symlink() {
            return Err(Error::invalid_input(
                format!(
                    "{} is a symbolic link, so Shipshape will not change it.",
                    path.display()
                ),
                "Change the file it points to by hand.",
            ));
        }
        let (sha256, bytes) = if meta.is_dir() {
            (String::new(), Vec::new())
        } else {
            // Only a regular file, never through a link swapped in since,
            // and within the cap: a FIFO or /dev/zero put in its place
            // neither hangs nor fills root's memory.
            let bytes = crate::host_file::open_regular(path, false)
                .and_then(|(file, meta)| crate::host_file::read_capped(file, &meta))
                .map_err(|e| unreadable(path, &e))?;
            (checksum(&bytes), bytes)
        };
        let state = FileState {
            sha256,
            size: meta.len(),
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
        };
        Ok(Some((state, bytes)))
    }

    pub fn same_content(&self, other: &FileState) -> bool {
        self.sha256 == other.sha256
    }
}

/// A file a fix cannot read: one only root may read says so, so the fix
/// can be asked for again with administrator rights.
fn unreadable(path: &Path, e: &io::Error) -> Error {
    if e.kind() == io::ErrorKind::PermissionDenied {
        return Error::new(
            ErrorCode::NeedsAdmin,
            format!("Only an administrator may read {}.", path.display()),
            "Run the fix as an administrator: it asks for the administrator's password.",
        );
    }
    Error::io("read", path, e)
}

pub fn checksum(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One thing a change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Step {
    /// A file (or folder) under the root: `path` is relative to it. `None`
    /// means the file did not exist (a fix that creates a file).
    File {
        path: String,
        before: Option<FileState>,
        after: Option<FileState>,
    },
    /// A live kernel setting under /proc/sys, relative to the root.
    Kernel {
        path: String,
        before: String,
        after: String,
    },
    /// A symbolic link that starts a service at boot (in a `.wants` or
    /// `.requires` folder under etc/systemd/system): its target, or `None`
    /// when there is no link.
    Link {
        path: String,
        before: Option<String>,
        after: Option<String>,
    },
    /// Whether a service runs now, on this computer only.
    Running {
        unit: String,
        before: bool,
        after: bool,
    },
    /// A service restarted on this computer so that it reads the files the
    /// other steps changed; with `reload`, only told to read them again
    /// (systemctl reload: the SSH server checks its settings first and keeps
    /// its connections). It runs after the other steps, whichever way the
    /// change goes, and is its own reverse.
    Restart {
        unit: String,
        #[serde(default)]
        reload: bool,
    },
}

impl Step {
    /// The same step, the other way round.
    pub fn reversed(&self) -> Step {
        match self {
            Step::File {
                path,
                before,
                after,
            } => Step::File {
                path: path.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Step::Kernel {
                path,
                before,
                after,
            } => Step::Kernel {
                path: path.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Step::Link {
                path,
                before,
                after,
            } => Step::Link {
                path: path.clone(),
                before: after.clone(),
                after: before.clone(),
            },
            Step::Running {
                unit,
                before,
                after,
            } => Step::Running {
                unit: unit.clone(),
                before: *after,
                after: *before,
            },
            Step::Restart { unit, reload } => Step::Restart {
                unit: unit.clone(),
                reload: *reload,
            },
        }
    }

    /// What the step touched, as the user knows it.
    pub fn target(&self) -> String {
        match self {
            Step::File { path, .. } | Step::Link { path, .. } => format!("/{path}"),
            Step::Kernel { path, .. } => setting_name(path),
            Step::Running { unit, .. } | Step::Restart { unit, .. } => unit.clone(),
        }
    }
}

/// "proc/sys/kernel/kptr_restrict" as sysctl names it: "kernel.kptr_restrict".
pub fn setting_name(rel: &str) -> String {
    rel.trim_start_matches("proc/sys/").replace('/', ".")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeKind {
    Fix,
    Undo,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Fix => "fix",
            ChangeKind::Undo => "undo",
        }
    }
}

/// A fix or an undo, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Change {
    /// The number the CLI's `undo` takes.
    #[ts(type = "number")]
    pub id: i64,
    pub time: String,
    pub actor: String,
    pub check_id: String,
    /// The check's title, as it was when the change was made.
    pub title: String,
    /// The folder the change was made in: "/" for this computer.
    pub root: String,
    pub kind: ChangeKind,
    /// For an undo, the change it turned around.
    #[ts(type = "number | null")]
    pub undoes: Option<i64>,
    /// The undo that turned this change around, if any.
    #[ts(type = "number | null")]
    pub undone_by: Option<i64>,
    /// For a change to this computer, its number in the administrator's
    /// own records (/var/lib/shipshape): the record an undo replays.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub admin_change: Option<i64>,
    pub steps: Vec<Step>,
}

fn sql_error(doing: &str, e: rusqlite::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not {doing} the list of changes: {e}."),
        "Try again; if it persists, check the disk.",
    )
}

/// Records `change` (an undo also marks the change it undid) inside the
/// caller's transaction, and returns it with its number.
pub(crate) fn insert_in(tx: &rusqlite::Connection, mut change: Change) -> Result<Change> {
    let steps = serde_json::to_string(&change.steps).map_err(|e| Error::internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO security_changes (time, actor, check_id, title, root, kind, undoes, steps, admin_change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            change.time,
            change.actor,
            change.check_id,
            change.title,
            change.root,
            change.kind.as_str(),
            change.undoes,
            steps,
            change.admin_change
        ],
    )
    .map_err(|e| sql_error("save", e))?;
    change.id = tx.last_insert_rowid();
    if let Some(undone) = change.undoes {
        tx.execute(
            "UPDATE security_changes SET undone_by = ?1 WHERE id = ?2 AND undone_by IS NULL",
            params![change.id, undone],
        )
        .map_err(|e| sql_error("save", e))?;
    }
    Ok(change)
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Change, String)> {
    let kind: String = row.get(6)?;
    Ok((
        Change {
            id: row.get(0)?,
            time: row.get(1)?,
            actor: row.get(2)?,
            check_id: row.get(3)?,
            title: row.get(4)?,
            root: row.get(5)?,
            kind: if kind == "undo" {
                ChangeKind::Undo
            } else {
                ChangeKind::Fix
            },
            undoes: row.get(7)?,
            undone_by: row.get(8)?,
            admin_change: row.get(10)?,
            steps: Vec::new(),
        },
        row.get(9)?,
    ))
}

fn with_steps((mut change, steps): (Change, String)) -> Result<Change> {
    change.steps = serde_json::from_str(&steps)
        .map_err(|e| Error::internal(format!("Change {} is stored damaged: {e}", change.id)))?;
    Ok(change)
}

const COLUMNS: &str =
    "id, time, actor, check_id, title, root, kind, undoes, undone_by, steps, admin_change";

/// Change `id`, or a clear error when there is none.
pub fn get(store: &Store, id: i64) -> Result<Change> {
    let row = store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM security_changes WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()
        .map_err(|e| sql_error("read", e))?;
    match row {
        Some(r) => with_steps(r),
        None => Err(Error::new(
            ErrorCode::NotFound,
            format!("There is no change number {id}."),
            "Run shipshape changes to see the changes and their numbers.",
        )),
    }
}

/// The number of the change that mirrors change `admin_change` of root's
/// records, if any.
pub fn mirroring(store: &Store, admin_change: i64) -> Result<Option<i64>> {
    store
        .conn()
        .query_row(
            "SELECT id FROM security_changes WHERE admin_change = ?1",
            [admin_change],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| sql_error("read", e))
}

/// The latest changes, newest first.
pub fn list(store: &Store, limit: u32) -> Result<Vec<Change>> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM security_changes ORDER BY id DESC LIMIT ?1"
        ))
        .map_err(|e| sql_error("read", e))?;
    let rows = stmt
        .query_map([limit], from_row)
        .map_err(|e| sql_error("read", e))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| sql_error("read", e))?;
    rows.into_iter().map(with_steps).collect()
}
