//! The one way core reads a file from the computer it looks at. Root reads
//! files other accounts can write (an administrator's
//! `~/.ssh/authorized_keys`), so a read must never hang on a FIFO, never
//! stream a device like /dev/zero into memory and, when asked, never follow
//! a final symbolic link: only a regular file is read, and only up to
//! `MAX_READ` bytes.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use rustix::fs::{Mode, OFlags};

/// The largest file read whole: far beyond any settings file, log tail or
/// /proc table core reads, and small enough that a planted file cannot
/// exhaust memory.
pub const MAX_READ: u64 = 16 * 1024 * 1024;

/// Opens `path` for reading if it is a regular file. With `follow_last`
/// false a final symbolic link is refused, not followed. The returned
/// metadata is the opened file's own (fstat), so it describes what is read.
pub fn open_regular(path: &Path, follow_last: bool) -> io::Result<(File, Metadata)> {
    // Looking before opening keeps root from even opening a device (opening
    // some, like a watchdog, does something); the check after opening
    // catches a file swapped in between.
    let seen = if follow_last {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    refuse_irregular(&seen)?;
    // O_NONBLOCK: should a FIFO be swapped in after the look, opening it
    // returns at once instead of waiting for a writer.
    let mut flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    if !follow_last {
        flags |= OFlags::NOFOLLOW;
    }
    let file = File::from(rustix::fs::open(path, flags, Mode::empty())?);
    let meta = file.metadata()?;
    refuse_irregular(&meta)?;
    if (meta.dev(), meta.ino()) != (seen.dev(), seen.ino()) {
        return Err(io::Error::other("it changed while it was being opened"));
    }
    Ok((file, meta))
}

/// Reads an opened file to its end, refusing one larger than `MAX_READ`
/// (checked while reading too: /proc files say their size is 0).
pub fn read_capped(file: File, meta: &Metadata) -> io::Result<Vec<u8>> {
    if meta.len() > MAX_READ {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_READ + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_READ {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A regular file's text (invalid UTF-8 replaced), read within the cap.
pub fn read_text(path: &Path, follow_last: bool) -> io::Result<String> {
    let (file, meta) = open_regular(path, follow_last)?;
    let bytes = read_capped(file, &meta)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn refuse_irregular(meta: &Metadata) -> io::Result<()> {
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        "a symbolic link, which is not followed"
    } else if kind.is_dir() {
        "a folder, not a file"
    } else if kind.is_fifo() {
        "a FIFO (named pipe), not a regular file"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device, not a regular file"
    } else if kind.is_socket() {
        "a socket, not a regular file"
    } else {
        "not a regular file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}"),
    ))
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("it is larger than {} MiB", MAX_READ / (1024 * 1024)),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::os::unix::fs::symlink;

    fn refusal(path: &Path, follow_last: bool) -> String {
        read_text(path, follow_last).unwrap_err().to_string()
    }

    #[test]
    fn a_regular_file_is_read_and_a_link_followed_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys");
        std::fs::write(&file, "ssh-ed25519 AAAA\n").unwrap();
        let link = dir.path().join("link");
        symlink(&file, &link).unwrap();
        assert_eq!(read_text(&file, false).unwrap(), "ssh-ed25519 AAAA\n");
        assert_eq!(read_text(&link, true).unwrap(), "ssh-ed25519 AAAA\n");
        assert!(refusal(&link, false).contains("symbolic link"));
    }

    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let zero = dir.path().join("zero");
        symlink("/dev/zero", &zero).unwrap();
        assert!(refusal(&fifo, true).contains("FIFO"));
        assert!(refusal(&zero, true).contains("device"));
        assert!(refusal(Path::new("/dev/zero"), false).contains("device"));
        assert!(refusal(dir.path(), true).contains("folder"));
    }

    #[test]
    fn a_file_beyond_the_cap_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        File::create(&big).unwrap().set_len(MAX_READ + 1).unwrap();
        let err = read_text(&big, false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("16 MiB"), "{err}");
    }

    #[test]
    fn a_proc_file_that_says_it_is_empty_is_read() {
        let text = read_text(Path::new("/proc/self/status"), true).unwrap();
        assert!(text.contains("Name:"));
    }
}
