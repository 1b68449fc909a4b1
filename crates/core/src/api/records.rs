//! Opening the user's records: the store in their data folder, with a
//! damaged database moved aside and that recovery recorded.

use crate::audit::{self, Actor, NewEntry};
use crate::store::{Recovery, Store};
use crate::{Result, admin};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Opens the store in `data_dir`. As root the folder must be one no other
/// account can change (root never opens what a user could have planted).
/// A recovery is recorded in the new store's activity log and returned so
/// the shell can tell the user.
pub fn open(
    data_dir: &Path,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Store, Option<Recovery>)> {
    if admin::running_as_root() {
        admin::safe_path::check(data_dir)?;
    }
    let (store, recovery) = Store::open(data_dir, now)?;
    if let Some(r) = &recovery {
        audit::append(
            &store,
            now,
            actor,
            NewEntry::ok(
                "store.recover",
                &r.moved_to,
                serde_json::json!({ "reason": r.reason }),
            ),
        )?;
    }
    Ok((store, recovery))
}

/// What root did, from root's published log; `None` before root's first
/// change.
pub fn admin_activity() -> Result<Option<admin::public::AdminActivity>> {
    admin::public::read(&admin::state::RootPaths::locate().public)
}

/// One page of root's published log matching `filter`, newest first.
pub fn admin_page(
    filter: &audit::Filter,
    before: Option<u32>,
) -> Result<Option<admin::public::AdminPage>> {
    admin_activity()?
        .map(|a| a.page(filter, before))
        .transpose()
}
