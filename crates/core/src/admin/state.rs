//! Root's own state: `/var/lib/shipshape`, root's alone (0700). It holds
//! root's store with its tamper-evident log, the record of every change
//! made with administrator rights (which is what an undo replays) and the
//! backups of the files those changes touched. Nothing here is read from,
//! or written to, a place another account can change.

use super::safe_path;
use crate::harden::fix::backup::Backups;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::fs::DirBuilder;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Where root keeps its state, and where it publishes its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootPaths {
    /// Root's private folder (0700).
    pub state: PathBuf,
    /// A folder every account may read (0755), holding `public::FILE`.
    pub public: PathBuf,
}

impl RootPaths {
    /// `/var/lib/shipshape` and `/var/log/shipshape`; in builds made for
    /// tests, `private` and `public` inside `SHIPSHAPE_STATE_DIR`.
    pub fn locate() -> RootPaths {
        match crate::test_settings::path("SHIPSHAPE_STATE_DIR") {
            Some(dir) => RootPaths {
                state: dir.join("private"),
                public: dir.join("public"),
            },
            None => RootPaths {
                state: PathBuf::from("/var/lib/shipshape"),
                public: PathBuf::from("/var/log/shipshape"),
            },
        }
    }
}

/// Root's store and backups, opened only as root.
#[derive(Debug)]
pub struct RootState {
    pub store: Store,
    pub backups: Backups,
    pub paths: RootPaths,
}

/// Held while one run of a kind (installing packages, scheduled jobs)
/// works, so a run still "running" in the records while nobody holds it
/// was cut off (a power cut, a kill). The lock goes with the file when the
/// turn is dropped.
#[derive(Debug)]
pub struct Turn {
    _held: std::fs::File,
}

impl Turn {
    /// Locks the file at `path` (made when missing, never through a link)
    /// for as long as the turn is held; refused with `busy` and `hint`
    /// while another process holds it.
    pub fn take(path: &Path, busy: &str, hint: &str) -> Result<Turn> {
        use rustix::fs::{FlockOperation, flock};
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
            .open(path)
            .map_err(|e| Error::io("open", path, &e))?;
        flock(&file, FlockOperation::NonBlockingLockExclusive)
            .map_err(|_| Error::new(ErrorCode::Conflict, busy, hint))?;
        Ok(Turn { _held: file })
    }
}

impl RootState {
    /// Takes the one turn for `kind`; refused, saying `busy`, while another
    /// run holds it.
    pub fn take_turn(&self, kind: &str, busy: &str) -> Result<Turn> {
        Turn::take(
            &self.paths.state.join(format!("{kind}.lock")),
            busy,
            "Wait for it to finish (the Maintenance screen shows it), then try again.",
        )
    }

    /// Opens root's state, making its folders on first use. Refused unless
    /// this process is root and every folder on the way is root's alone.
    pub fn open(now: DateTime<Utc>) -> Result<RootState> {
        let paths = RootPaths::locate();
        if !super::running_as_root() {
            return Err(Error::new(
                ErrorCode::NeedsAdmin,
                "Only the administrator may open Shipshape's administrator records.",
                "Make the change from the app or with shipshape fix, which ask for the administrator's password.",
            ));
        }
        private_folder(&paths.state, 0o700)?;
        private_folder(&paths.public, 0o755)?;
        let (store, _recovery) = Store::open(&paths.state, now)?;
        let backups = Backups::open(&paths.state)?;
        Ok(RootState {
            store,
            backups,
            paths,
        })
    }

    /// Publishes root's log where the user's app can read it.
    pub fn publish(&self, now: DateTime<Utc>) -> Result<()> {
        super::public::publish(&self.store, &self.paths.public, now)
    }
}

/// Makes `dir` (root's, `mode`) or checks the one there: a real folder,
/// root's, on a path nobody else can change; its mode is set to `mode`.
fn private_folder(dir: &Path, mode: u32) -> Result<()> {
    safe_path::check(dir)?;
    match DirBuilder::new().recursive(true).mode(mode).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::io("create", dir, &e)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io("look at", dir, &e))?;
    if !meta.is_dir() || meta.uid() != 0 {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            format!(
                "{} is not a folder of root's, so Shipshape keeps no administrator records there.",
                dir.display()
            ),
            "Move it aside as root (Shipshape makes a new one), then try again.",
        ));
    }
    if meta.mode() & 0o7777 != mode {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set permissions on", dir, &e))?;
    }
    Ok(())
}
