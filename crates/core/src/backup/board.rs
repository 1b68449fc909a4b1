//! What root tells every account about the backups: each one with its
//! snapshots, its last backup and last restore test, and the recent runs.
//! Root writes it after every run into its public folder, so the screens
//! and the Overview read it without asking for a password. It holds no
//! secret, and the files a run could not read are only counted.

use super::restic::Snapshot;
use super::{BackupKind, BackupOutcome, BackupRun, Repository};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The file's name in root's public folder.
pub const PUBLISHED: &str = "backups.json";

/// How many recent runs the board carries.
const RECENT: usize = 50;

/// One backup, as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupStatus {
    pub repository: Repository,
    /// Newest first.
    pub snapshots: Vec<Snapshot>,
    pub last_backup: Option<BackupRun>,
    pub last_test: Option<BackupRun>,
}

/// Every backup and the recent runs (newest first); `published` is when
/// root wrote it, `None` when it never has.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupBoard {
    pub backups: Vec<BackupStatus>,
    pub runs: Vec<BackupRun>,
    pub published: Option<String>,
}

/// A run as every account may see it: the unreadable files counted, not named.
fn public(mut run: BackupRun) -> BackupRun {
    let n = run.unreadable.len();
    run.unreadable.clear();
    if n > 0 {
        run.unreadable.push(format!(
            "{n} files could not be read (names in the administrator's records)"
        ));
    }
    let changed = run.changed.len();
    run.changed.clear();
    if changed > 0 {
        run.changed.push(format!(
            "{changed} files changed while they were backed up (names in the administrator's records)"
        ));
    }
    run
}

/// The board from root's records; `snapshots` answers each repository's
/// snapshots, or `None` when they cannot be listed now (a disk unplugged),
/// in which case the last board's are kept.
pub fn compose(
    repos: Vec<Repository>,
    history: Vec<BackupRun>,
    last: &BackupBoard,
    snapshots: impl Fn(&Repository) -> Option<Vec<Snapshot>>,
    now: DateTime<Utc>,
) -> BackupBoard {
    let newest = |name: &str, kind: BackupKind| {
        history
            .iter()
            .find(|r| {
                r.repository == name && r.kind == kind && r.outcome != BackupOutcome::Cancelled
            })
            .cloned()
            .map(public)
    };
    let backups = repos
        .into_iter()
        .map(|repo| {
            let snapshots = snapshots(&repo).unwrap_or_else(|| {
                last.backups
                    .iter()
                    .find(|b| b.repository.name == repo.name)
                    .map(|b| b.snapshots.clone())
                    .unwrap_or_default()
            });
            BackupStatus {
                last_backup: newest(&repo.name, BackupKind::Backup),
                last_test: newest(&repo.name, BackupKind::RestoreTest),
                snapshots,
                repository: repo,
            }
        })
        .collect();
    BackupBoard {
        backups,
        runs: history.into_iter().take(RECENT).map(public).collect(),
        published: Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    }
}

/// Reads a board root published; an empty one when there is none.
pub fn read(public_folder: &Path) -> Result<BackupBoard> {
    match crate::admin::public::read_roots(public_folder, PUBLISHED)? {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::internal(format!(
                "Root's list of backups could not be read: {e}. Run a backup again to write it anew."
            ))
        }),
        None => Ok(BackupBoard::default()),
    }
}

/// Writes `board` where every account may read it.
pub fn write(public_folder: &Path, board: &BackupBoard) -> Result<()> {
    let bytes = serde_json::to_vec(board).map_err(|e| Error::internal(e.to_string()))?;
    crate::admin::public::publish_file(public_folder, PUBLISHED, &bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::backup::{Plan, Retention};

    fn repo(name: &str) -> Repository {
        Repository {
            name: name.into(),
            folder: "/var/backups/x".into(),
            password_name: format!("Backup: {name}"),
            created: "2026-12-01T00:00:00Z".into(),
            plan: Plan {
                paths: vec!["/home".into()],
                excludes: vec![],
                retention: Retention::default(),
                before_updates: false,
            },
            key: "0123456789abcdef".into(),
        }
    }

    fn run(id: i64, name: &str, kind: BackupKind, outcome: BackupOutcome) -> BackupRun {
        BackupRun {
            id,
            repository: name.into(),
            kind,
            started: format!("2026-12-0{id}T01:30:00Z"),
            finished: format!("2026-12-0{id}T01:31:00Z"),
            outcome,
            message: String::new(),
            snapshot: None,
            files: 1,
            bytes: 2,
            bytes_added: 1,
            unreadable: vec!["/home/ann/secret: permission denied".into()],
            changed: vec!["/home/ann/open.odt".into()],
        }
    }

    #[test]
    fn the_board_names_the_last_backup_and_test_and_hides_file_names() {
        let history = vec![
            run(4, "Office", BackupKind::Backup, BackupOutcome::Cancelled),
            run(3, "Office", BackupKind::RestoreTest, BackupOutcome::Failed),
            run(2, "Office", BackupKind::Backup, BackupOutcome::Partial),
            run(1, "Office", BackupKind::Backup, BackupOutcome::Done),
        ];
        let snap = Snapshot {
            id: "ab".repeat(32),
            short_id: "abababab".into(),
            time: "2026-12-02T01:30:00Z".into(),
            paths: vec!["/home".into()],
            hostname: "office-pc".into(),
        };
        let first = compose(
            vec![repo("Office")],
            history.clone(),
            &BackupBoard::default(),
            |_| Some(vec![snap.clone()]),
            Utc::now(),
        );
        let b = &first.backups[0];
        assert_eq!(
            b.last_backup.as_ref().unwrap().id,
            2,
            "a cancelled run is not the last backup"
        );
        assert_eq!(b.last_test.as_ref().unwrap().id, 3);
        assert_eq!(b.snapshots.len(), 1);
        let json = serde_json::to_string(&first).unwrap();
        assert!(!json.contains("/home/ann/secret"), "{json}");
        assert!(!json.contains("/home/ann/open.odt"), "{json}");
        assert!(
            !json.contains("0123456789abcdef"),
            "the key's token stays in root's records"
        );

        // The disk is unplugged: the last known snapshots stay on the board.
        let second = compose(vec![repo("Office")], history, &first, |_| None, Utc::now());
        assert_eq!(second.backups[0].snapshots, first.backups[0].snapshots);
    }

    #[test]
    fn a_missing_board_reads_as_no_backups() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), BackupBoard::default());
    }
}
