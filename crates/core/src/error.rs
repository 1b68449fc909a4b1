//! The one error shape that crosses every boundary: `{ code, message, hint }`.
//!
//! `message` says what went wrong and why, `hint` what to do next. Callers
//! (the UI, the CLI's exit code) branch on `code`, never on the text.

use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure this is. Add a code only when a consumer acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The input was not acceptable (a bad date, an unknown format, a folder where a file was expected).
    InvalidInput,
    /// Reading or writing a file failed.
    Io,
    /// The database file is damaged; it was moved aside.
    StoreCorrupt,
    /// The database was written by a newer Shipshape.
    StoreTooNew,
    /// The data folder or database cannot be opened (permissions, not a folder).
    StoreUnavailable,
    /// The user cancelled a long-running task.
    Cancelled,
    /// A file changed while it was being read; its digest means nothing.
    FileChanged,
    /// A trusted publisher's key differs from the one pinned.
    KeyChanged,
    /// The OS keychain is locked; the user has to unlock it.
    KeychainLocked,
    /// No OS keychain service answers (none running, no session bus).
    KeychainUnavailable,
    /// What the user referred to (a file, a task) does not exist (any more).
    NotFound,
    /// A file changed since Shipshape last wrote or previewed it, so it was
    /// left alone rather than overwritten.
    Conflict,
    /// The change could lock the administrator out of this computer, so
    /// it was refused.
    WouldLockOut,
    /// Only an administrator may make this change.
    NeedsAdmin,
    /// A program the action needs is not installed; `Error::package`
    /// names the package Shipshape can install for it.
    NeedsPackage,
    /// Scheduled work waits for a better moment (on battery, a metered
    /// connection); it starts by itself later.
    NotNow,
    /// A bug or an unexpected state; the message carries the detail.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
    /// With `NeedsPackage`: the package to install, one of
    /// `maintain::needed::PACKAGES`, so a shell can offer to install it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub package: Option<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
            package: None,
        }
    }

    /// The action needs `package`, which is not installed.
    pub fn needs_package(
        package: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            package: Some(package.to_string()),
            ..Self::new(ErrorCode::NeedsPackage, message, hint)
        }
    }

    pub fn invalid_input(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message, hint)
    }

    pub fn cancelled() -> Self {
        Self::new(
            ErrorCode::Cancelled,
            "The task was cancelled.",
            "Nothing was changed. Start it again when you are ready.",
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            ErrorCode::Internal,
            message,
            "This is a fault in Shipshape. Try again; if it persists, report it with the Activity export.",
        )
    }

    /// An I/O failure while `doing` something with `path`, in plain words.
    pub fn io(doing: &str, path: &Path, err: &std::io::Error) -> Self {
        let path = path.display();
        let (why, hint) = match err.kind() {
            std::io::ErrorKind::NotFound => (
                "it does not exist".to_string(),
                format!("Check the path {path} and try again."),
            ),
            std::io::ErrorKind::PermissionDenied => (
                "permission was denied".to_string(),
                format!("Check that your account may use {path}, or choose another location."),
            ),
            std::io::ErrorKind::IsADirectory => (
                "it is a folder, not a file".to_string(),
                "Choose a file name inside the folder.".to_string(),
            ),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => (
                "the disk is full".to_string(),
                "Free some disk space and try again.".to_string(),
            ),
            _ => (
                err.to_string(),
                format!("Check the path {path} and try again."),
            ),
        };
        Self::new(
            ErrorCode::Io,
            format!("Could not {doing} {path}: {why}."),
            hint,
        )
    }
}
