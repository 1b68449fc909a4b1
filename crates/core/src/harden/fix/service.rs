//! Services on this computer, through systemctl: whether one runs now, and
//! stopping, starting or restarting it. Used only when the root is "/"; on a fixture
//! or a mounted disk only the links that start a service at boot change.

use crate::program::{self, Finished};
use crate::{Error, ErrorCode, Result};
use std::time::Duration;

/// How long one systemctl call may take: stopping or restarting a service
/// waits for it (systemd's own default stop time-out is 90 s), but a hung
/// systemd must not hang the fix.
const TIME_LIMIT: Duration = Duration::from_secs(90);

fn systemctl(args: &[&str]) -> Result<Finished> {
    program::run("systemctl", args, TIME_LIMIT).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut {
            Error::new(
                ErrorCode::Io,
                format!(
                    "systemctl {} did not finish within {} s, so Shipshape stopped waiting for it.",
                    args.join(" "),
                    TIME_LIMIT.as_secs()
                ),
                "Look at the service with systemctl status: systemd may still be carrying out the request.",
            )
        } else {
            Error::new(
                ErrorCode::Io,
                format!("systemctl could not be started: {e}."),
                "Services can be changed only on a computer that uses systemd.",
            )
        }
    })
}

/// Whether `unit` runs now.
pub fn running(unit: &str) -> Result<bool> {
    Ok(systemctl(&["is-active", "--quiet", "--", unit])?.code == Some(0))
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
    if out.code == Some(0) {
        return Ok(());
    }
    let why = out.stderr.trim();
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_unit_that_does_not_exist_does_not_run() {
        // Through the one program runner: whether or not systemd is up,
        // systemctl answers and the answer is "not running".
        assert_eq!(
            super::running("shipshape-no-such-unit.service").ok(),
            Some(false)
        );
    }
}
