//! Shipshape's domain logic.
//!
//! Everything here is reachable from both the desktop app and the `shipshape`
//! command-line tool. Nothing here knows about Tauri or the UI: the outside
//! world comes in as values (a data folder, the current time, an actor).

pub mod admin;
pub mod api;
pub mod as_account;
pub mod atomic_file;
pub mod audit;
pub mod backup;
pub mod computer;
pub mod error;
pub mod figures;
pub mod fleet;
pub mod govern;
pub mod harden;
pub mod health;
pub mod host;
pub mod host_file;
pub mod html;
pub mod install;
pub mod json_rows;
pub mod maintain;
pub mod program;
pub mod progress;
pub mod ssh;
pub mod store;
pub mod test_settings;
pub mod vault;
pub mod verify;

pub use error::{Error, ErrorCode, Result};
