//! Services a newly installed package would start wait until its
//! installation succeeded. Debian's and Ubuntu's maintainer scripts start
//! services through `invoke-rc.d` or `deb-systemd-invoke`, which first ask
//! `/usr/sbin/policy-rc.d`; its answer 101 ("action forbidden") to a
//! `start` holds it back, while stops and restarts go ahead, so an
//! upgraded service never keeps running its old program (upgrades are not
//! held at all). Root writes that file only where there is none, never
//! replacing the administrator's or a container's own (which decides
//! already), for the package manager's run alone, and takes it away
//! after. A run cut off meanwhile leaves it; the next run settles that
//! (`release_left_over`). Once the installation succeeded, the services
//! the package set to start with the computer are started
//! (`start_after`); after a failure, nothing of it ever ran.

use crate::{Error, Result};
use rustix::fs::{Mode, OFlags};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The whole of the file root writes: any other content is not ours.
/// invoke-rc.d asks with the service and its actions ("start", or several
/// as one word list).
const SCRIPT: &str = "#!/bin/sh\n# Shipshape: services wait until an installation succeeded.\ncase \" $2 \" in *\" start \"*) exit 101 ;; esac\nexit 0\n";

/// `/usr/sbin/policy-rc.d`; in builds made for tests, `SHIPSHAPE_POLICY_RC_D`.
fn path() -> PathBuf {
    crate::test_settings::path("SHIPSHAPE_POLICY_RC_D")
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/policy-rc.d"))
}

/// Services held back for as long as this lives.
#[derive(Debug)]
pub enum Hold {
    /// Root's own file, taken away when the hold is dropped.
    Ours(PathBuf),
    /// This computer has its own policy-rc.d, which decides; left as it is.
    Theirs(PathBuf),
}

impl Hold {
    /// Holds services back while the package manager runs.
    pub fn begin() -> Result<Hold> {
        let path = path();
        let made = rustix::fs::open(
            &path,
            OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::WRONLY | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o755),
        );
        match made {
            Ok(fd) => {
                let mut file = std::fs::File::from(fd);
                let written = file
                    .write_all(SCRIPT.as_bytes())
                    .and_then(|()| file.sync_all());
                if let Err(e) = written {
                    // Made a moment ago, in a folder only root may change.
                    let _ = std::fs::remove_file(&path);
                    return Err(Error::io("write", &path, &e));
                }
                Ok(Hold::Ours(path))
            }
            Err(rustix::io::Errno::EXIST) => Ok(Hold::Theirs(path)),
            Err(e) => Err(Error::io("make", &path, &e.into())),
        }
    }

    /// The step's words.
    pub fn words(&self) -> String {
        match self {
            Hold::Ours(_) => {
                "Services the package would start were held back while the package manager ran"
                    .into()
            }
            Hold::Theirs(path) => format!(
                "This computer's own {} decides which services a package may start; it was left as it is",
                path.display()
            ),
        }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if let Hold::Ours(path) = self {
            let _ = remove_ours(path);
        }
    }
}

/// Removes the file at `path` if it is exactly root's own script.
fn remove_ours(path: &Path) -> std::io::Result<bool> {
    let text = match crate::host_file::read_text(path, false) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if text != SCRIPT {
        return Ok(false);
    }
    std::fs::remove_file(path)?;
    Ok(true)
}

/// Takes away a hold a cut-off run left; the sentence says so.
pub fn release_left_over() -> Option<String> {
    let path = path();
    matches!(remove_ours(&path), Ok(true)).then(|| {
        format!(
            "The hold on starting services it had put in {} was taken away.",
            path.display()
        )
    })
}

/// Starts `units` (services the package set to start with the computer)
/// once its installation succeeded: a sentence for each, in a step's words
/// and whether it went well. Without a running service manager nothing
/// starts now; they start with the computer.
pub fn start_after(units: &[String]) -> Vec<(bool, String)> {
    if units.is_empty() {
        return Vec::new();
    }
    if !Path::new("/run/systemd/system").is_dir() {
        return vec![(
            true,
            format!(
                "{} start with the computer; no service manager runs here to start them now",
                units.join(", ")
            ),
        )];
    }
    units
        .iter()
        .map(
            |unit| match crate::harden::fix::service::set_running(unit, true) {
                Ok(()) => (
                    true,
                    format!("Started {unit} once the installation succeeded"),
                ),
                Err(e) => (false, format!("{unit} did not start: {}", e.message)),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_roots_own_script_is_taken_away() {
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("policy-rc.d");
        std::fs::write(&ours, SCRIPT).unwrap();
        assert!(remove_ours(&ours).unwrap());
        assert!(!ours.exists());
        assert!(!remove_ours(&ours).unwrap(), "nothing there");
        std::fs::write(&ours, "#!/bin/sh\nexit 101\n").unwrap();
        assert!(!remove_ours(&ours).unwrap());
        assert!(ours.exists(), "a container's own is kept");
        std::fs::remove_file(&ours).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &ours).unwrap();
        assert!(remove_ours(&ours).is_err(), "a link is not followed");
        assert!(ours.symlink_metadata().is_ok());
    }
}
