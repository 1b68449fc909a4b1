//! The office's computers for both shells: enrol one (its host key's
//! fingerprint shown, then confirmed), list and remove them, and check
//! them all at once, each computer's report kept with when it was seen.

use super::Session;
use crate::Result;
use crate::fleet::computers::{self, Computer, Enrolment};
use crate::fleet::connect::Console;
use crate::fleet::key::ConsoleKey;
use crate::fleet::report::{self, Report};
use crate::progress::{Cancel, Progress};
use crate::vault::Keychain;
use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

fn key(s: Session<'_>) -> ConsoleKey {
    ConsoleKey::in_data(s.store.data_dir())
}

/// The line to add on each computer (the console's key is made on first use).
pub fn key_line(s: Session<'_>, keychain: &Keychain, now: DateTime<Utc>) -> Result<String> {
    let key = key(s);
    key.make_once(s.store, keychain, s.actor, now)?;
    key.authorized_line()
}

/// What enrolling `address` needs the administrator to see.
pub fn look(
    s: Session<'_>,
    keychain: &Keychain,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    computers::parse_address(address)?;
    let line = key_line(s, keychain, now)?;
    computers::look(address, line)
}

/// Enrols `address` once `confirmed` is the fingerprint it offers, then
/// checks it: a computer whose key line is not added yet is kept, with
/// what to do.
pub fn enrol(
    s: Session<'_>,
    keychain: &Keychain,
    address: &str,
    name: &str,
    confirmed: &str,
    now: DateTime<Utc>,
) -> Result<Computer> {
    key_line(s, keychain, now)?;
    let c = computers::enrol(
        s.store,
        s.store.data_dir(),
        address,
        name,
        confirmed,
        s.actor,
        now,
    )?;
    let checked = check(
        s,
        keychain,
        Some(std::slice::from_ref(&c.id)),
        now,
        &crate::progress::NoProgress,
        &Cancel::new(),
    )?;
    Ok(checked.into_iter().next().unwrap_or(c))
}

pub fn list(s: Session<'_>) -> Result<Vec<Computer>> {
    computers::list(s.store)
}

pub fn remove(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Computer> {
    computers::remove(s.store, s.store.data_dir(), id, s.actor, now)
}

/// This computer's own report (what `shipshape fleet report` prints).
pub fn report_here(s: Session<'_>, now: DateTime<Utc>) -> Result<Report> {
    report::here(s.store, s.actor, now)
}

/// Checks the computers `only` names (all when `None`) at once, one
/// thread each; each one's report, or why it could not be reached, is
/// kept with it. `progress` counts computers answered.
pub fn check(
    s: Session<'_>,
    keychain: &Keychain,
    only: Option<&[i64]>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Vec<Computer>> {
    let mut all = computers::list(s.store)?;
    if let Some(ids) = only {
        all.retain(|c| ids.contains(&c.id));
    }
    if all.is_empty() {
        return Ok(all);
    }
    cancel.check()?;
    let agent = key(s).agent(s.store, keychain, s.actor, now)?;
    let console = Console::new(agent, s.store.data_dir());
    let total = all.len() as u64;
    let done = AtomicU64::new(0);
    let answers: Vec<Result<Report>> = std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .iter()
            .map(|c| {
                let console = &console;
                let done = &done;
                scope.spawn(move || {
                    let answer = if cancel.is_cancelled() {
                        Err(crate::Error::new(
                            crate::ErrorCode::Cancelled,
                            "Not checked: the check was cancelled.",
                            "Check again.",
                        ))
                    } else {
                        console.report(c)
                    };
                    if let Ok(peer) = c.peer() {
                        console.close(&peer);
                    }
                    progress.report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    answer
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(crate::Error::internal(
                        "A computer's check stopped unexpectedly.",
                    ))
                })
            })
            .collect()
    });
    let seen = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    for (c, answer) in all.iter_mut().zip(answers) {
        match answer {
            Ok(report) => {
                c.report = Some(report);
                c.last_seen = Some(seen.clone());
                c.problem = None;
            }
            Err(e) => c.problem = Some(format!("{} {}", e.message, e.hint)),
        }
        computers::save_check(s.store, c)?;
    }
    Ok(all)
}
