//! Access reviews for both shells: the inventory of accounts (read by
//! root through the helper when asked, since /etc/shadow and other
//! people's keys are root's to read), then a review started or picked up
//! again, decided line by line, signed off and exported.

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::{self};
use crate::govern::access::{self, Inventory};
use crate::govern::review::{self, Decision, LineKind, Review};
use crate::harden::fix::access_change::AccessChange;
use crate::harden::fix::{FixOutcome, Preview};
use crate::harden::report::ReportFormat;
use crate::host::Host;
use crate::install::record::RecordSaved;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// The accounts of this computer; with `as_admin`, read by root (through
/// the helper unless Shipshape is root), so password states, and keys in
/// homes only their owners may read, are known.
pub fn inventory(as_admin: bool, now: DateTime<Utc>) -> Result<Inventory> {
    if as_admin && !admin::running_as_root() {
        return door::run(Request::AccessInventory);
    }
    Ok(access::inventory(&Host::at(&admin::this_computer()), now))
}

/// The review not signed off yet, or a new one of the accounts now.
pub fn review(s: Session<'_>, as_admin: bool, now: DateTime<Utc>) -> Result<Review> {
    let open = review::history(s.store)?
        .into_iter()
        .find(|r| r.signed.is_none());
    if let Some(open) = open {
        return Ok(open);
    }
    let inventory = inventory(as_admin, now)?;
    review::start(s.store, &inventory, s.actor, now)
}

pub fn decide(
    s: Session<'_>,
    id: i64,
    line: &str,
    decision: Decision,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Review> {
    review::decide(s.store, id, line, decision, reason, s.actor, now)
}

pub fn sign_off(s: Session<'_>, id: i64, name: &str, now: DateTime<Utc>) -> Result<Review> {
    review::sign_off(s.store, id, name, s.actor, now)
}

/// Saves review `id` at `path` as a printable page or CSV; noted in the
/// activity log.
pub fn export(
    s: Session<'_>,
    id: i64,
    format: ReportFormat,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<RecordSaved> {
    let r = review::get(s.store, id)?;
    let text = match format {
        ReportFormat::Html => review::html(&r),
        ReportFormat::Csv => review::csv(&r)?,
        ReportFormat::Json => {
            serde_json::to_string_pretty(&r).map_err(|e| Error::internal(e.to_string()))?
        }
    };
    let target = path.display().to_string();
    let written = crate::atomic_file::write(path, text.as_bytes());
    let details = serde_json::json!({ "review": id, "format": format.as_str() });
    let entry = match &written {
        Ok(()) => crate::audit::NewEntry::ok("access.export", &target, details),
        Err(e) => crate::audit::NewEntry::failed("access.export", &target, &e.message, details),
    };
    crate::audit::append(s.store, now, s.actor, entry)?;
    written.map(|()| RecordSaved {
        path: target,
        format,
        run: id,
    })
}

/// The helper's side: the inventory, read as root.
pub fn serve(now: DateTime<Utc>) -> Result<serde_json::Value> {
    serde_json::to_value(access::inventory(&Host::at(&admin::this_computer()), now))
        .map_err(|e| Error::internal(format!("The helper's answer could not be written: {e}")))
}

/// The Security fix that carries out line `line` of review `id`, decided
/// "remove": locking the account, taking it out of an administrators'
/// group or a sudo rule of its own, or taking a key away. Other rights
/// (polkit's, a rule shared with others) are removed by hand: the error
/// says where.
fn removal(s: Session<'_>, id: i64, line: &str) -> Result<String> {
    let r = review::get(s.store, id)?;
    let l = r.lines.iter().find(|l| l.id == line).ok_or_else(|| {
        Error::new(
            crate::ErrorCode::NotFound,
            format!("Access review {id} has no line \"{line}\"."),
            "Run shipshape access review to see its lines.",
        )
    })?;
    if l.decision != Some(Decision::Remove) {
        return Err(Error::invalid_input(
            format!("Line \"{line}\" was not decided \"remove\"."),
            "Decide it remove (with a reason) first.",
        ));
    }
    let by_hand = |what: String| {
        Err(Error::invalid_input(
            format!("Shipshape does not remove this itself: {what}"),
            "Change it by hand, then review again.",
        ))
    };
    match l.kind {
        LineKind::Account => Ok(AccessChange::Lock {
            account: l.account.clone(),
        }
        .check_id()),
        LineKind::Admin => match l
            .facts
            .strip_prefix("It is in the ")
            .and_then(|g| g.strip_suffix(" group."))
        {
            Some(group) => Ok(AccessChange::Ungroup {
                account: l.account.clone(),
                group: group.to_string(),
            }
            .check_id()),
            None => match sudo_rule(&l.account, &l.facts) {
                Some(change) => Ok(change.check_id()),
                None => by_hand(format!(
                    "{} (edit it with sudo visudo, or the file named).",
                    l.facts
                )),
            },
        },
        LineKind::Key => {
            match l
                .id
                .strip_prefix(&format!("key:{}:", l.account))
                .map(|fingerprint| AccessChange::Unkey {
                    account: l.account.clone(),
                    fingerprint: fingerprint.to_string(),
                }) {
                Some(change) => Ok(change.check_id()),
                None => by_hand(format!("the key is at {}; delete that line.", l.facts)),
            }
        }
    }
}

/// The sudo rule a line's facts name ("sudo rule in FILE line N: …"),
/// when that file is one Shipshape may change (`AccessChange::of` says).
fn sudo_rule(account: &str, facts: &str) -> Option<AccessChange> {
    let (file, rest) = facts.strip_prefix("sudo rule in ")?.split_once(" line ")?;
    let (line, _) = rest.split_once(':')?;
    AccessChange::of(&format!("access-unsudo:{account}:{line}:{file}"))
}

/// What carrying out line `line` (decided "remove") of review `id` would change.
pub fn remove_preview(s: Session<'_>, id: i64, line: &str, now: DateTime<Utc>) -> Result<Preview> {
    let check = removal(s, id, line)?;
    super::fixes::preview(&admin::this_computer(), &check, now)
}

/// Carries out line `line` of review `id` as previewed (`seen`: the
/// preview's digest), as a Security fix with undo.
pub fn remove(
    s: Session<'_>,
    id: i64,
    line: &str,
    seen: &str,
    now: DateTime<Utc>,
) -> Result<FixOutcome> {
    let check = removal(s, id, line)?;
    super::fixes::apply(s, &admin::this_computer(), &check, seen, now)
}
