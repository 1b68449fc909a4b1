//! Where a backup is kept: a folder on this computer (a USB disk, a mounted
//! share), or a folder on another computer reached over SSH
//! (`sftp:USER@HOST[:PORT]:/folder`, see `remote`), or on a restic REST
//! server (`rest:https://USER@HOST[:PORT]/folder`, see `rest`). Kept and shown as the
//! words the administrator typed, parsed again wherever it is used.

use super::remote::Sftp;
use super::rest::Rest;
use crate::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

/// A backup's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A full path on this computer.
    Folder(PathBuf),
    /// A folder on another computer, over SSH.
    Sftp(Sftp),
    /// A folder on a restic REST server.
    Rest(Rest),
}

impl Location {
    /// Reads a place as typed: `sftp:…` for another computer, `rest:…`
    /// for a backup server, else the full path of a folder here.
    pub fn parse(text: &str) -> Result<Location> {
        if text.starts_with("sftp:") {
            return Sftp::parse(text).map(Location::Sftp);
        }
        if text.starts_with("rest:") {
            return Rest::parse(text).map(Location::Rest);
        }
        if !text.starts_with('/') {
            return Err(Error::invalid_input(
                format!(
                    "\u{201c}{text}\u{201d} is neither the full path of a folder nor a folder on another computer or backup server."
                ),
                "Give a folder's full path, like /var/backups/shipshape, a folder on another computer over SSH: sftp:USER@HOST:/folder (sftp:USER@HOST:PORT:/folder for another port), or a restic REST server: rest:https://USER@HOST:PORT/folder.",
            ));
        }
        super::absolute(Path::new(text), "a folder").map(Location::Folder)
    }

    /// The folder on this computer, when it is one.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            Location::Folder(f) => Some(f),
            Location::Sftp(_) | Location::Rest(_) => None,
        }
    }

    /// As kept and shown; `parse` reads it back to the same place.
    pub fn shown(&self) -> String {
        match self {
            Location::Folder(f) => f.to_string_lossy().into_owned(),
            Location::Sftp(s) => s.shown(),
            Location::Rest(r) => r.shown(),
        }
    }
}

pub(super) use crate::ssh::plain;

/// A port number, 1 to 65535, in plain digits.
pub(super) fn port_number(text: &str) -> Option<u16> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p > 0 && text.bytes().all(|b| b.is_ascii_digit()))
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_folder_or_another_computer_is_read_and_shown_back() {
        let here = Location::parse("/var/backups/shipshape").unwrap();
        assert_eq!(here.folder(), Some(Path::new("/var/backups/shipshape")));
        assert_eq!(here.to_string(), "/var/backups/shipshape");
        let there = Location::parse("sftp:backup@nas.local:2222:/srv/office").unwrap();
        assert_eq!(there.folder(), None);
        assert_eq!(Location::parse(&there.shown()).unwrap(), there);
        let server = Location::parse("rest:https://office@nas:8000/b").unwrap();
        assert_eq!(Location::parse(&server.shown()).unwrap(), server);
        for wrong in ["backups", "backup@nas:/srv", "", "./here"] {
            let e = Location::parse(wrong).unwrap_err();
            assert!(e.hint.contains("sftp:USER@HOST:/folder"), "{wrong}: {e:?}");
        }
    }
}
