//! Answering what an installation switched on or left open, for both
//! shells: keep it, switch a service off (the Security screen's fix, so it
//! is in the changes with Undo), move a password into the keychain, or
//! move sample content out of where it is served, keeping a copy.
//! Each answer is kept in the installation's record in the user's history,
//! so its change record says what was done and what was declined.

use super::Session;
use crate::admin::door::{self, Request};
use crate::admin::state::RootState;
use crate::admin::{self};
use crate::audit::{self, NewEntry};
use crate::harden::fix::{Preview, switch_off};
use crate::install::harden::{
    self, Answer, Found, Hardening, PasswordAct, PasswordDone, SampleDone,
};
use crate::maintain::updates::{self, UpdateRun};
use crate::vault::{Details, Keychain, Kind, Recipe, Secret, Vault, generate};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Installation `run` of this account's history and its item `item`,
/// not answered yet.
fn open_item(s: Session<'_>, run: i64, item: &str) -> Result<(UpdateRun, Hardening)> {
    let found = super::install::installation(s, run)?;
    let hardening = harden::item_of(&found, item)?;
    if let Some(answer) = &hardening.answer {
        return Err(Error::invalid_input(
            format!("This was answered already: {}.", answer.words),
            "Undo a switched-off service from the Security screen's changes.",
        ));
    }
    Ok((found, hardening))
}

/// Keeps `answer` for item `item` of `run`, with its entry in the log.
fn answered(
    s: Session<'_>,
    mut run: UpdateRun,
    item: &str,
    answer: Answer,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    if let Some(h) = run.hardening.iter_mut().find(|h| h.id == item) {
        h.answer = Some(answer.clone());
    }
    let details = serde_json::json!({
        "run": run.id,
        "done": answer.done,
        "words": answer.words,
        "change": answer.change,
    });
    audit::append_with(s.store, now, s.actor, |tx| {
        updates::save(tx, &run)?;
        Ok(((), NewEntry::ok("install.harden", item, details)))
    })?;
    Ok(run)
}

fn answer(s: Session<'_>, now: DateTime<Utc>, done: bool, words: String) -> Answer {
    Answer {
        time: harden::stamp(now),
        by: s.actor.user.clone(),
        done,
        words,
        change: None,
    }
}

/// Leaves item `item` as it is: the record says it was looked at and kept.
pub fn keep(s: Session<'_>, run: i64, item: &str, now: DateTime<Utc>) -> Result<UpdateRun> {
    let (found, _) = open_item(s, run, item)?;
    let kept = answer(s, now, false, "Kept as it is".into());
    answered(s, found, item, kept, now)
}

/// The unit a service item names.
fn unit(h: &Hardening) -> Result<&str> {
    match &h.found {
        Found::Service { unit, .. } => Ok(unit),
        _ => Err(Error::invalid_input(
            format!("\"{}\" is not a service.", h.id),
            "Only a service can be switched off; keep the others, or answer them their own way.",
        )),
    }
}

/// What switching off the service of item `item` would change.
pub fn switch_off_preview(
    s: Session<'_>,
    run: i64,
    item: &str,
    now: DateTime<Utc>,
) -> Result<Preview> {
    let (_, h) = open_item(s, run, item)?;
    super::fixes::preview(Path::new("/"), &switch_off::check_id(unit(&h)?), now)
}

/// Switches off the service of item `item` as previewed (`seen`: the
/// preview's digest), through the Security screen's fix.
pub fn switch_off(
    s: Session<'_>,
    run: i64,
    item: &str,
    seen: &str,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let (found, h) = open_item(s, run, item)?;
    let unit = unit(&h)?;
    let outcome = super::fixes::apply(s, Path::new("/"), &switch_off::check_id(unit), seen, now)?;
    let mut done = answer(
        s,
        now,
        true,
        format!(
            "Switched off {unit} (change {} in the Security screen's changes, where Undo is)",
            outcome.change.id
        ),
    );
    done.change = Some(outcome.change.id);
    answered(s, found, item, done, now)
}

/// Moves the password of item `item` into the keychain: a default one is
/// replaced by a new generated password; a password file's password is
/// kept and the file removed.
pub fn password(
    s: Session<'_>,
    keychain: &Keychain,
    run: i64,
    item: &str,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let (found, h) = open_item(s, run, item)?;
    let admin_run = root_run(&found)?;
    let vault = Vault::new(s.store, keychain, s.actor);
    let words = match &h.found {
        Found::DefaultPassword { file, key } => {
            let new = new_password()?;
            let details = Details {
                name: credential_name(&h.package, key),
                kind: Kind::Password,
                username: key.clone(),
                url: file.clone(),
                notes: format!(
                    "Set by Shipshape in place of the default password in {file} after installing {}.",
                    h.package
                ),
                rotate_days: Some(90),
            };
            let credential = vault.add(now, details, &new)?;
            let done = as_root(admin_run, item, PasswordAct::Replace, Some(&new), s, now);
            match done {
                Ok(d) => format!(
                    "{}. The new password is in Credentials as \"{}\"",
                    d.words, credential.name
                ),
                Err(e) => {
                    // The file still holds the default: no password to keep.
                    let _ = vault.remove(now, &credential.id);
                    return Err(e);
                }
            }
        }
        Found::PasswordFile { file } => {
            let taken = as_root(admin_run, item, PasswordAct::Take, None, s, now)?
                .taken
                .ok_or_else(|| Error::internal("The administrator side read no password."))?;
            let secret = Secret::new(taken.password)?;
            let details = Details {
                name: credential_name(&h.package, "first password"),
                kind: Kind::Password,
                username: String::new(),
                url: file.clone(),
                notes: format!(
                    "Read from {file}, which {} set up and Shipshape then removed. Change it in the program when you first log in.",
                    h.package
                ),
                rotate_days: Some(7),
            };
            let credential = vault.add(now, details, &secret)?;
            let seen = PasswordAct::Remove { seen: taken.sha256 };
            as_root(admin_run, item, seen, None, s, now).map_err(|e| {
                Error::new(
                    e.code,
                    format!(
                        "The password is kept in Credentials as \"{}\", but {file} could not be removed: {}",
                        credential.name, e.message
                    ),
                    e.hint,
                )
            })?;
            format!(
                "Kept its password in Credentials as \"{}\" and removed {file}",
                credential.name
            )
        }
        Found::PasswordQuestion { question } => {
            let new = new_password()?;
            let details = Details {
                name: credential_name(&h.package, question.rsplit('/').next().unwrap_or(question)),
                kind: Kind::Password,
                username: String::new(),
                url: String::new(),
                notes: format!(
                    "Made by Shipshape for the question {question}; set it with: sudo dpkg-reconfigure {}.",
                    h.package
                ),
                rotate_days: Some(90),
            };
            let credential = vault.add(now, details, &new)?;
            format!(
                "A new password is in Credentials as \"{}\"; set it with sudo dpkg-reconfigure {}",
                credential.name, h.package
            )
        }
        _ => {
            return Err(Error::invalid_input(
                format!("\"{item}\" holds no password."),
                "Keep it, or switch off a service.",
            ));
        }
    };
    let done = answer(s, now, true, words);
    answered(s, found, item, done, now)
}

/// Moves the sample content of item `item` out of where a web server
/// serves it, into a copy root keeps; the answer says where.
pub fn remove_sample(
    s: Session<'_>,
    run: i64,
    item: &str,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    let (found, h) = open_item(s, run, item)?;
    if !matches!(h.found, Found::SampleData { .. }) {
        return Err(Error::invalid_input(
            format!("\"{item}\" is not sample content."),
            "Keep it, or answer it its own way.",
        ));
    }
    let admin_run = root_run(&found)?;
    let done: SampleDone = if admin::running_as_root() {
        let state = RootState::open(now)?;
        let done = harden::sample(&state, admin_run, item, s.actor, now);
        super::updates::published(&state, now, done)?
    } else {
        door::run(Request::InstallSample {
            run: admin_run,
            item: item.to_string(),
        })?
    };
    let answer = answer(s, now, true, done.words);
    answered(s, found, item, answer, now)
}

/// Root's number of installation `found`, which only an installation made
/// by Shipshape's administrator side has.
fn root_run(found: &UpdateRun) -> Result<i64> {
    found.admin_run.ok_or_else(|| {
        Error::invalid_input(
            format!(
                "Installation {} was not made with administrator rights.",
                found.id
            ),
            "Only an installation made by Shipshape's administrator side can be answered this way.",
        )
    })
}

/// A new password for a program's settings: letters and digits only, so
/// no settings file reads a character of it otherwise.
fn new_password() -> Result<Secret> {
    generate(&Recipe::Characters {
        length: 24,
        lower: true,
        upper: true,
        digits: true,
        symbols: false,
    })
}

/// The credential's name: "PACKAGE: WHAT", within the vault's limit.
fn credential_name(package: &str, what: &str) -> String {
    let name = format!("{package}: {what}");
    name.chars().take(100).collect()
}

/// Asks root (directly, or through the helper) to act on a password of
/// root's installation `admin_run`.
fn as_root(
    admin_run: i64,
    item: &str,
    act: PasswordAct,
    new: Option<&Secret>,
    s: Session<'_>,
    now: DateTime<Utc>,
) -> Result<PasswordDone> {
    if admin::running_as_root() {
        let state = RootState::open(now)?;
        let done = harden::password(&state, admin_run, item, act, new, s.actor, now);
        return super::updates::published(&state, now, done);
    }
    let request = Request::InstallPassword {
        run: admin_run,
        item: item.to_string(),
        act,
    };
    match new {
        Some(secret) => door::run_giving(request, secret),
        None => door::run(request),
    }
}
