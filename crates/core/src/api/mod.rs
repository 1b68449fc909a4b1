//! The one API both shells call. The CLI's subcommands and the app's
//! commands parse their input, call a function here and show its answer;
//! the orchestration (which door a change goes through, what is recorded
//! where) lives here once.

pub mod access;
pub mod backup;
pub mod baseline;
pub mod deploy;
pub mod fixes;
pub mod fleet;
pub mod harden_install;
pub mod install;
pub mod inventory;
pub mod notify;
pub mod records;
pub mod schedule;
pub mod security;
pub mod tickets;
pub mod updates;

use crate::audit::Actor;
use crate::harden::target::Target;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::path::Path;

/// Who is asking, with their own records.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub store: &'a Store,
    pub actor: &'a Actor,
}

/// The system in `root` as the security checks and fixes read it, with
/// `now`'s day for password ages.
fn host(root: &Path, now: DateTime<Utc>) -> Target {
    Target::new(root, now.timestamp().div_euclid(86_400))
}
