//! Notices about maintenance for both shells and the user service: the
//! settings, a test message, and `deliver`, which tells the administrator
//! about root's finished, failed and missed runs (each once, on each
//! channel). The mail password is read from the Credentials vault only
//! when an email goes out.

use super::Session;
use crate::audit::{self, NewEntry};
use crate::computer;
use crate::maintain::notify::{self, Email, Notice, Settings};
use crate::maintain::{desktop, email};
use crate::vault::{self, Details, Keychain, Kind, Secret, Vault};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use ts_rs::TS;

/// The vault entry a password given with the settings is kept under.
pub const PASSWORD_NAME: &str = "Email notices";

/// What the vault records as the password's user.
const USED_BY: &str = "maintenance notices";

/// What one delivery told, and what could not be sent.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "NoticeDelivery")]
pub struct Delivery {
    pub told: Vec<Notice>,
    /// Why a notice could not go out; it is tried again next time.
    pub failed: Vec<String>,
}

/// The saved settings (the defaults when none were saved).
pub fn settings(s: Session<'_>, now: DateTime<Utc>) -> Result<Settings> {
    notify::settings(s.store, now).map(|(settings, _)| settings)
}

fn describe(settings: &Settings) -> String {
    let desktop = if settings.desktop { "on" } else { "off" };
    match &settings.email {
        Some(e) => format!(
            "desktop notices {desktop}; email to {} through {}:{}",
            e.to.join(", "),
            e.server,
            e.port
        ),
        None => format!("desktop notices {desktop}; no email"),
    }
}

/// Saves `settings`. With `password`, the mail account's password is
/// kept in the vault (added, or rotated when it is there) under
/// [`PASSWORD_NAME`]; without, the vault entry the settings name must
/// exist. `keychain` is opened only to keep a password.
pub fn save(
    s: Session<'_>,
    keychain: impl FnOnce() -> Result<Keychain>,
    mut settings: Settings,
    password: Option<Secret>,
    now: DateTime<Utc>,
) -> Result<Settings> {
    if let Some(mut e) = settings.email.take() {
        if password.is_some() {
            e.password_name = PASSWORD_NAME.to_string();
        }
        let e = e.checked()?;
        match &password {
            Some(secret) => {
                Vault::new(s.store, &keychain()?, s.actor).put(
                    now,
                    Details {
                        name: PASSWORD_NAME.into(),
                        kind: Kind::Email,
                        username: e.username.clone(),
                        url: e.server.clone(),
                        notes: "Used by Shipshape to send maintenance notices.".into(),
                        rotate_days: None,
                    },
                    secret,
                )?;
            }
            None => {
                vault::find(s.store, &e.password_name, now).map_err(|err| {
                    if err.code == ErrorCode::NotFound {
                        Error::invalid_input(
                            format!(
                                "There is no saved password called \u{201c}{}\u{201d}.",
                                e.password_name
                            ),
                            "Give the mail account's password; Shipshape keeps it in your keychain.",
                        )
                    } else {
                        err
                    }
                })?;
            }
        }
        settings.email = Some(e);
    }
    let target = describe(&settings);
    audit::append_with(s.store, now, s.actor, |conn| {
        notify::save(conn, &settings, now)?;
        Ok((
            (),
            NewEntry::ok("notify.settings", &target, serde_json::json!({})),
        ))
    })?;
    Ok(settings)
}

/// Sends one email with the saved settings and the vault's password, and
/// records it in the activity log.
fn send(
    s: Session<'_>,
    keychain: &Keychain,
    e: &Email,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let password =
        Vault::new(s.store, keychain, s.actor).use_secret(now, &e.password_name, USED_BY)?;
    let sent = email::send(e, &password, subject, body);
    let details = serde_json::json!({ "to": e.to, "server": e.server });
    let entry = match &sent {
        Ok(()) => NewEntry::ok("notify.email", subject, details),
        Err(err) => NewEntry::failed("notify.email", subject, &err.message, details),
    };
    audit::append(s.store, now, s.actor, entry)?;
    sent
}

fn no_email() -> Error {
    Error::new(
        ErrorCode::NotFound,
        "Email notices are not set up.",
        "Set the mail server, account and addresses first (Maintenance > Notices, or shipshape notify email).",
    )
}

/// Sends a test message with the saved settings; says to whom.
pub fn test_email(s: Session<'_>, keychain: &Keychain, now: DateTime<Utc>) -> Result<String> {
    let settings = settings(s, now)?;
    let e = settings.email.ok_or_else(no_email)?;
    let computer = computer::hostname();
    let reports = if e.every_run {
        ", and a report after every run"
    } else {
        ""
    };
    send(
        s,
        keychain,
        &e,
        &format!("Shipshape test message from {computer}"),
        &format!(
            "This is a test message from Shipshape on {computer}.\n\nEmail notices work: you will get one when scheduled maintenance fails or misses its time{reports}."
        ),
        now,
    )?;
    Ok(format!("A test message was sent to {}.", e.to.join(", ")))
}

/// Tells the administrator what root's scheduled runs came to since the
/// last delivery. `keychain` is opened only when an email goes out, so
/// desktop notices work without one.
pub fn deliver(
    s: Session<'_>,
    keychain: impl Fn() -> Result<Keychain>,
    now: DateTime<Utc>,
) -> Result<Delivery> {
    let (settings, since) = notify::settings(s.store, now)?;
    let jobs = super::schedule::list(now)?;
    let computer = computer::hostname();
    let mut delivery = Delivery {
        told: Vec::new(),
        failed: Vec::new(),
    };
    let mut opened: Option<Keychain> = None;
    for n in notify::notices(&jobs, &computer, since, &Local) {
        let ways = notify::channels(&settings, &n);
        let mut told = false;
        if ways.desktop && notify::claim(s.store, &format!("desktop:{}", n.key), now)? {
            match desktop::show(&n.title, &n.body, n.problem) {
                Ok(()) => told = true,
                Err(e) => {
                    notify::release(s.store, &format!("desktop:{}", n.key))?;
                    delivery.failed.push(format!("{} {}", e.message, e.hint));
                }
            }
        }
        if let Some(e) = settings.email.as_ref().filter(|_| ways.email)
            && notify::claim(s.store, &format!("email:{}", n.key), now)?
        {
            let sent = match &opened {
                Some(k) => send(s, k, e, &n.title, &n.body, now),
                None => keychain().and_then(|k| {
                    let sent = send(s, &k, e, &n.title, &n.body, now);
                    opened = Some(k);
                    sent
                }),
            };
            match sent {
                Ok(()) => told = true,
                Err(err) => {
                    notify::release(s.store, &format!("email:{}", n.key))?;
                    delivery
                        .failed
                        .push(format!("{} {}", err.message, err.hint));
                }
            }
        }
        if told {
            delivery.told.push(n);
        }
    }
    Ok(delivery)
}
