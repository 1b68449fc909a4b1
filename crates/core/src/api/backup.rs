//! Backups for both shells: setting one up (its password made by the
//! Credentials generator and kept only in the keychain), running it,
//! listing, restoring, checking, forgetting and the restore test. The
//! password is read from the vault for each run, recorded as used by
//! "backups".

use super::Session;
use crate::Result;
use crate::backup::{self, BackupRun, Repository, Retention, restic::Snapshot};
use crate::progress::{Cancel, Progress};
use crate::vault::{self, Details, Keychain, Kind, Recipe, Secret, Vault};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// What the vault records as the password's user.
const USED_BY: &str = "backups";

/// Words, easy to read out and to write on a recovery sheet: 7 of 7,776
/// (over 90 bits).
const PASSWORD: Recipe = Recipe::Words { count: 7 };

/// Sets up a backup called `name` in `folder`: a new password, kept in the
/// vault as "Backup: NAME", then the repository. When the repository
/// cannot be made, the password is taken out of the vault again.
pub fn init(
    s: Session<'_>,
    keychain: &Keychain,
    name: &str,
    folder: &Path,
    now: DateTime<Utc>,
) -> Result<Repository> {
    let vault = Vault::new(s.store, keychain, s.actor);
    let password = vault::generate(&PASSWORD)?;
    let password_name = backup::password_name(name.trim());
    let credential = vault.add(
        now,
        Details {
            name: password_name.clone(),
            kind: Kind::BackupRepository,
            username: String::new(),
            url: folder.display().to_string(),
            notes: "Without this password the backup cannot be read. Keep it on the recovery sheet, away from the computer.".into(),
            rotate_days: None,
        },
        &password,
    )?;
    let made = backup::init(
        s.store,
        s.actor,
        name,
        folder,
        &password,
        &password_name,
        now,
    );
    if made.is_err() {
        let _ = vault.remove(now, &credential.id);
    }
    made
}

fn password(
    s: Session<'_>,
    keychain: &Keychain,
    repo: &Repository,
    now: DateTime<Utc>,
) -> Result<Secret> {
    Vault::new(s.store, keychain, s.actor).use_secret(now, &repo.password_name, USED_BY)
}

/// The backups set up, each with its snapshots.
pub fn list(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<(Repository, Vec<Snapshot>)>> {
    let repos = match name {
        Some(_) => vec![backup::repository(s.store, name)?],
        None => backup::repositories(s.store)?,
    };
    repos
        .into_iter()
        .map(|r| {
            let pw = password(s, keychain, &r, now)?;
            let snaps = backup::snapshots(s.store, &r, &pw)?;
            Ok((r, snaps))
        })
        .collect()
}

/// Backs up `paths` into the backup `name`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    paths: &[PathBuf],
    excludes: &[String],
    progress: &dyn Progress,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let repo = backup::repository(s.store, name)?;
    let pw = password(s, keychain, &repo, now)?;
    backup::backup(
        s.store, s.actor, &repo, &pw, paths, excludes, progress, cancel, now,
    )
}

/// Restores `snapshot` (or only the path `only` in it) into `target`.
#[allow(clippy::too_many_arguments)]
pub fn restore(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    snapshot: &str,
    only: Option<&str>,
    target: &Path,
    cancel: &Cancel,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let repo = backup::repository(s.store, name)?;
    let pw = password(s, keychain, &repo, now)?;
    backup::restore(
        s.store, s.actor, &repo, &pw, snapshot, only, target, cancel, now,
    )
}

/// Checks the backup, reading part `read` (n of t) of its data when given.
pub fn check(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    read: Option<(u32, u32)>,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let repo = backup::repository(s.store, name)?;
    let pw = password(s, keychain, &repo, now)?;
    backup::check(s.store, s.actor, &repo, &pw, read, now)
}

/// Forgets the snapshots `keep` does not keep.
pub fn forget(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    keep: Retention,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let repo = backup::repository(s.store, name)?;
    let pw = password(s, keychain, &repo, now)?;
    backup::forget(s.store, s.actor, &repo, &pw, keep, now)
}

/// The restore test of the newest backup.
pub fn restore_test(
    s: Session<'_>,
    keychain: &Keychain,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<BackupRun> {
    let repo = backup::repository(s.store, name)?;
    let pw = password(s, keychain, &repo, now)?;
    backup::restore_test(s.store, s.actor, &repo, &pw, now)
}
