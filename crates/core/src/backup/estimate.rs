//! How much a plan would back up, before the first run: the files and
//! bytes under its paths, leaving out what its patterns match, counted
//! without following links. Folders this account cannot read are counted
//! as unreadable (root's backup will read them), so the figure is a floor.

use super::Plan;
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use rustix::fs::{Mode, OFlags};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupEstimate")]
pub struct Estimate {
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Folders and files this account could not look into.
    #[ts(type = "number")]
    pub unreadable: u64,
}

/// Whether `text` matches `pattern`, where `*` stands for any run of
/// characters but `/`, and `?` for one character but `/`.
fn matches(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            matches(&pattern[1..], text)
                || (text.first().is_some_and(|&c| c != b'/') && matches(pattern, &text[1..]))
        }
        (Some(b'?'), Some(&c)) if c != b'/' => matches(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => matches(&pattern[1..], &text[1..]),
        _ => false,
    }
}

/// Whether restic would leave `path` out by `pattern`: a pattern with a
/// `/` is matched against the path from its start, one without against
/// the name.
pub fn left_out(pattern: &str, path: &Path) -> bool {
    let p = pattern.trim_end_matches('/').as_bytes();
    if p.contains(&b'/') {
        let full = path.as_os_str().as_bytes();
        // A pattern matching a folder leaves out what is inside it.
        (0..=full.len())
            .filter(|&i| i == full.len() || full[i] == b'/')
            .any(|i| matches(p, &full[..i]))
    } else {
        path.file_name()
            .is_some_and(|name| matches(p, name.as_bytes()))
    }
}

/// Walks what `plan` backs up as restic does: links are not followed,
/// what its patterns match and `skip` (the repository itself) are left
/// out. Each entry that is not a folder goes to `visit`, which answers
/// whether to go on. Answers how many folders could not be read.
pub fn walk(
    plan: &Plan,
    skip: Option<&Path>,
    mut visit: impl FnMut(&Path, &std::fs::Metadata) -> bool,
) -> u64 {
    let mut unreadable = 0;
    let mut todo: Vec<PathBuf> = plan.paths.iter().map(PathBuf::from).collect();
    while let Some(path) = todo.pop() {
        if skip.is_some_and(|s| path.starts_with(s))
            || plan.excludes.iter().any(|x| left_out(x, &path))
        {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() {
            if !visit(&path, &meta) {
                break;
            }
            continue;
        }
        match open_untouched(&path, OFlags::DIRECTORY).and_then(|dir| names_in(&dir)) {
            Ok(names) => todo.extend(names.into_iter().map(|name| path.join(name))),
            Err(_) => unreadable += 1,
        }
    }
    unreadable
}

/// Opens `path` to read if it is a folder (`kind` `O_DIRECTORY`) or a
/// regular file (`kind` empty), without changing its time of last access
/// where this account may (it owns the file, or is root). restic reads
/// that way too and keeps that time in the snapshot: a look that changed
/// it would make the next snapshot of unchanged files differ from this
/// one by those times alone. Root looks into folders other accounts own,
/// which may swap a folder on the way for a link: the entry is first
/// taken without being opened (`O_PATH`), and only opened once it is seen
/// to be what was asked, so a device is never opened.
pub fn open_untouched(path: &Path, kind: OFlags) -> io::Result<File> {
    let held = rustix::fs::open(
        path,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let stat = rustix::fs::fstat(&held)?;
    let file_type = rustix::fs::FileType::from_raw_mode(stat.st_mode);
    let wanted = if kind.contains(OFlags::DIRECTORY) {
        rustix::fs::FileType::Directory
    } else {
        rustix::fs::FileType::RegularFile
    };
    if file_type != wanted {
        return Err(io::Error::other("it is not what it was a moment ago"));
    }
    // Opened again through the entry held, whatever its path is now.
    let again = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&held));
    let flags = kind | OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY;
    match rustix::fs::open(again.as_str(), flags | OFlags::NOATIME, Mode::empty()) {
        Err(rustix::io::Errno::PERM) => rustix::fs::open(again.as_str(), flags, Mode::empty()),
        opened => opened,
    }
    .map(File::from)
    .map_err(io::Error::from)
}

/// The names in an opened folder, without `.` and `..`.
fn names_in(dir: &File) -> io::Result<Vec<std::ffi::OsString>> {
    let mut names = Vec::new();
    for entry in rustix::fs::Dir::read_from(dir)? {
        let name = entry?.file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            names.push(std::ffi::OsStr::from_bytes(&name).to_os_string());
        }
    }
    Ok(names)
}

/// Counts what `plan` would back up; progress counts files, its total
/// unknown until the end.
pub fn estimate(plan: &Plan, progress: &dyn Progress, cancel: &Cancel) -> Result<Estimate> {
    let mut found = Estimate::default();
    found.unreadable = walk(plan, None, |_, meta| {
        found.files += 1;
        // Allocated blocks, so a sparse file counts what it holds.
        found.bytes += meta.len().min(meta.blocks() * 512);
        if found.files % 1000 == 0 {
            progress.report(found.files, 0);
        }
        !cancel.is_cancelled()
    });
    if cancel.is_cancelled() {
        return Err(Error::cancelled());
    }
    progress.report(found.files, found.files);
    Ok(found)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::backup::Retention;
    use crate::progress::NoProgress;

    #[test]
    fn patterns_match_as_restic_reads_them() {
        assert!(left_out(".cache", Path::new("/home/ann/.cache")));
        assert!(!left_out(".cache", Path::new("/home/ann/.cache-not")));
        assert!(left_out("*.tmp", Path::new("/srv/a.tmp")));
        assert!(left_out(
            "/home/*/Downloads",
            Path::new("/home/ann/Downloads")
        ));
        assert!(left_out(
            "/home/*/Downloads",
            Path::new("/home/ann/Downloads/x.iso")
        ));
        assert!(!left_out(
            "/home/*/Downloads",
            Path::new("/home/ann/Documents")
        ));
        assert!(!left_out(
            "/home/*/Downloads",
            Path::new("/home/ann/x/Downloads")
        ));
    }

    #[test]
    fn the_estimate_counts_what_is_kept_and_skips_what_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::create_dir_all(root.join(".cache")).unwrap();
        std::fs::write(root.join("docs/a"), vec![1u8; 10_000]).unwrap();
        std::fs::write(root.join("docs/b.tmp"), vec![1u8; 10_000]).unwrap();
        std::fs::write(root.join(".cache/big"), vec![1u8; 100_000]).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
        let plan = Plan {
            paths: vec![root.to_string_lossy().into_owned()],
            excludes: vec![".cache".into(), "*.tmp".into()],
            retention: Retention::default(),
            before_updates: false,
        };
        let got = estimate(&plan, &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(
            got.files, 2,
            "a and the link; not b.tmp, not .cache, not /etc"
        );
        assert!((10_000..20_000).contains(&got.bytes), "{got:?}");

        let cancel = Cancel::new();
        cancel.cancel();
        assert!(estimate(&plan, &NoProgress, &cancel).is_err());
    }

    #[test]
    fn a_look_leaves_the_time_of_last_access_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("docs");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("a"), "a").unwrap();
        // Read last before it was changed: any plain read would move it.
        let long_ago =
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let times = std::fs::FileTimes::new().set_accessed(long_ago);
        for path in [&folder, &folder.join("a")] {
            File::open(path).unwrap().set_times(times).unwrap();
        }
        let plan = Plan {
            paths: vec![folder.to_string_lossy().into_owned()],
            excludes: Vec::new(),
            retention: Retention::default(),
            before_updates: false,
        };
        let mut seen = Vec::new();
        walk(&plan, None, |path, _| {
            seen.push(path.to_path_buf());
            true
        });
        assert_eq!(seen, [folder.join("a")]);
        let mut read = String::new();
        io::Read::read_to_string(
            &mut open_untouched(&folder.join("a"), OFlags::empty()).unwrap(),
            &mut read,
        )
        .unwrap();
        assert_eq!(read, "a");
        for path in [&folder, &folder.join("a")] {
            let accessed = std::fs::metadata(path).unwrap().accessed().unwrap();
            assert_eq!(accessed, long_ago, "{}", path.display());
        }
        assert!(open_untouched(&dir.path().join("none"), OFlags::empty()).is_err());
        // Only what was asked for is opened: no link, no device, no folder
        // taken for a file.
        std::os::unix::fs::symlink(folder.join("a"), dir.path().join("link")).unwrap();
        assert!(open_untouched(&dir.path().join("link"), OFlags::empty()).is_err());
        assert!(open_untouched(Path::new("/dev/null"), OFlags::empty()).is_err());
        assert!(open_untouched(&folder, OFlags::empty()).is_err());
        assert!(open_untouched(&folder.join("a"), OFlags::DIRECTORY).is_err());
    }
}
