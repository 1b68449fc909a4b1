//! This computer's health: what it is doing now (`sample`), what it did
//! (`history`), what needs attention (`alerts`, `forecast`, `baseline`) and
//! the one sentence that says so (`summary`).
//!
//! Everything here reads the computer through a `Host` (a root folder and a
//! command runner) and takes the time as a value, so tests point it at
//! fixture folders, fake commands and a fake clock.

pub mod alerts;
pub mod baseline;
pub mod forecast;
pub mod history;
pub mod logins;
pub mod sample;
pub mod sockets;
pub mod summary;
mod system;
pub mod watch;

pub use crate::host::{Host, Runner, SystemRunner};
pub use sample::{Sample, Sampler};
