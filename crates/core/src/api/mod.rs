//! The one API both shells call. The CLI's subcommands and the app's
//! commands parse their input, call a function here and show its answer;
//! the orchestration (which door a change goes through, what is recorded
//! where) lives here once.

pub mod fixes;
pub mod records;
pub mod schedule;
pub mod updates;

use crate::audit::Actor;
use crate::store::Store;

/// Who is asking, with their own records.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    pub store: &'a Store,
    pub actor: &'a Actor,
}
