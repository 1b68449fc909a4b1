//! The baseline for both shells: compare a computer with the accepted
//! baseline, and accept it as it is now.

use super::Session;
use crate::Result;
use crate::health::Host;
use crate::health::baseline::{self, Accepted, BaselineDiff};
use crate::store::Store;
use chrono::{DateTime, Utc};

/// `host` compared with the accepted baseline, reading the paths the user
/// chose to watch; `None` when no baseline has been accepted yet.
pub fn check(store: &Store, host: &Host) -> Result<Option<BaselineDiff>> {
    let snapshot = baseline::snapshot(host, &baseline::watched(store)?);
    baseline::diff(store, &snapshot)
}

/// Takes `host` as it is now, with the paths the user chose to watch, as
/// the baseline; recorded in the activity log (`baseline.accept`).
pub fn accept(s: Session<'_>, host: &Host, now: DateTime<Utc>) -> Result<Accepted> {
    let snapshot = baseline::snapshot(host, &baseline::watched(s.store)?);
    baseline::accept(s.store, now, s.actor, &snapshot)?;
    Ok(Accepted {
        time: now,
        actor: s.actor.user.clone(),
        snapshot,
    })
}
