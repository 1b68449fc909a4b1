//! Progress reporting and cancellation for long-running work.
//!
//! Core reports as often as is natural for the work (per entry, per chunk);
//! adapters decide how often to show it (the app throttles its events).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cancel flag shared between the task and whoever may stop it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag itself, for a signal handler to set (Ctrl-C at the CLI).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }

    /// `Err(Cancelled)` once cancelled, for use with `?` inside loops.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::cancelled())
        } else {
            Ok(())
        }
    }
}

/// Receives `done` out of `total` units of work.
pub trait Progress: Sync {
    fn report(&self, done: u64, total: u64);
}

/// For callers that do not show progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _done: u64, _total: u64) {}
}

impl<F: Fn(u64, u64) + Sync> Progress for F {
    fn report(&self, done: u64, total: u64) {
        self(done, total)
    }
}

/// Sent to the UI while a long-running task works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JobProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}
