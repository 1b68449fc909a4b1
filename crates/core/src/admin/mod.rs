//! Administrator rights: the one door to root, and root's own state.
//!
//! The window and the CLI run as the user. Whatever needs root goes
//! through `door`: pkexec runs Shipshape's own `helper` with one known
//! request and its arguments checked, never a command or a path. Root
//! keeps everything it needs in `state` (`/var/lib/shipshape`, root's
//! alone): its store and tamper-evident log, the records undo replays and
//! the backups of changed files. Root never opens, creates or follows
//! anything under a folder another user can write (`safe_path`); the
//! user's side learns what root did from the helper's JSON answer and from
//! `public`, a world-readable copy of root's log without secrets.

pub mod door;
pub mod public;
pub mod safe_path;
pub mod state;

use std::path::{Path, PathBuf};

/// The folder that stands for this computer: "/" (or, in builds made for
/// tests, the fixture folder in `SHIPSHAPE_SCAN_ROOT`).
pub fn this_computer() -> PathBuf {
    crate::test_settings::path("SHIPSHAPE_SCAN_ROOT").unwrap_or_else(|| PathBuf::from("/"))
}

/// Whether `root` is this computer, whose changes need root's records.
pub fn is_this_computer(root: &Path) -> bool {
    root == this_computer()
}

/// The name of the account this process runs as, from /etc/passwd.
pub fn this_account() -> Option<String> {
    let uid = rustix::process::getuid().as_raw().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    door::user_named(&passwd, &uid)
}

/// Whether this process runs as root.
pub fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}
