//! Services on this computer, through systemctl: whether one runs now, and
//! stopping, starting or restarting it. Used only when the root is "/"; on a fixture
//! or a mounted disk only the links that start a service at boot change.

use crate::{Error, ErrorCode, Result};
use std::process::{Command, Stdio};

fn systemctl(args: &[&str]) -> Result<std::process::Output> {
    Command::new("systemctl")
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("systemctl could not be started: {e}."),
                "Services can be changed only on a computer that uses systemd.",
            )
        })
}

/// Whether `unit` runs now.
pub fn running(unit: &str) -> Result<bool> {
    Ok(systemctl(&["is-active", "--quiet", "--", unit])?
        .status
        .success())
}

/// Starts or stops `unit`.
pub fn set_running(unit: &str, on: bool) -> Result<()> {
    act(if on { "start" } else { "stop" }, unit)
}

/// Restarts `unit` (or, with `reload`, tells it to read its settings
/// again), so it uses the files a fix changed.
pub fn restart(unit: &str, reload: bool) -> Result<()> {
    act(if reload { "reload" } else { "restart" }, unit)
}

fn act(verb: &str, unit: &str) -> Result<()> {
    // "--": a unit name is never read as an option.
    let out = systemctl(&[verb, "--", unit])?;
    if out.status.success() {
        return Ok(());
    }
    let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let code = if why.contains("Access denied") || why.contains("authentication") {
        ErrorCode::NeedsAdmin
    } else {
        ErrorCode::Io
    };
    Err(Error::new(
        code,
        format!("systemctl {verb} {unit} failed: {why}"),
        "Run the fix as an administrator, or look at the service with systemctl status.",
    ))
}

/// Tells systemd the boot-time links changed. A failure only delays that
/// until the next restart, so it is not an error.
pub fn reload() {
    let _ = systemctl(&["daemon-reload"]);
}
