//! Security scans for both shells: run the checks, show the risks the
//! user accepted as accepted, and keep the scan in the history and the
//! activity log.

use super::{Session, host};
use crate::Result;
use crate::harden::{self, Scan, accepted, history};
use crate::progress::{Cancel, Progress};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Scans the system in `root` (every check, or only `only`), reporting
/// progress and stopping at `cancel`. The acceptances in the user's store
/// are applied before the scan is recorded, so the history and the
/// activity log hold the score the user sees. Only a full scan is kept in
/// the history: a single check would distort the trend and the report.
pub fn scan(
    s: Session<'_>,
    root: &Path,
    only: Option<&str>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Scan> {
    let mut scan = harden::scan_with(&host(root, now), only, now, progress, cancel)?;
    accepted::mark_from(s.store, &mut scan, now)?;
    history::record(s.store, now, s.actor, &scan, only.is_none())?;
    Ok(scan)
}
