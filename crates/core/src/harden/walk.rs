//! One walk over the system folders, shared by the checks that look for
//! SUID/SGID programs and world-writable places. It stays on each folder's
//! own disk (like `find -xdev`), never follows links, skips container
//! storage (other systems' files) and spreads the folders over the cores.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where programs and system data live. Home folders, /proc, /sys, /dev
/// and /run are not walked: they are checked by other means or are not
/// files at all.
const SYSTEM_FOLDERS: &[&str] = &["usr", "etc", "var", "opt", "srv", "boot", "tmp"];

/// Container images and volumes: their files belong to other systems.
const SKIPPED: &[&str] = &[
    "var/lib/docker",
    "var/lib/containers",
    "var/lib/lxc",
    "var/lib/lxd",
];

/// A program that runs with its owner's (SUID) or group's (SGID) rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Special {
    /// Relative to the root.
    pub path: String,
    pub mode: u32,
}

/// What the walk found, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub special: Vec<Special>,
    /// Folders anyone may write to, without the sticky bit that stops
    /// users deleting each other's files.
    pub open_folders: Vec<String>,
    /// Files anyone may change.
    pub open_files: Vec<String>,
    /// Folders that could not be read (their content was not checked).
    pub unreadable: Vec<String>,
    /// How many entries were looked at.
    pub entries: usize,
}

struct Work {
    queue: Mutex<Vec<(PathBuf, u64)>>,
    busy: AtomicUsize,
}

/// Walks the system folders under `root`. With `as_user`, a folder a
/// normal user could not list (no read and search bits for others) counts
/// as unreadable, as it would for that user, even when this process is root.
pub fn walk(root: &Path, as_user: bool) -> Inventory {
    let root = root.to_path_buf();
    let skipped: Vec<PathBuf> = SKIPPED.iter().map(|s| root.join(s)).collect();
    let mut starts = Vec::new();
    for folder in SYSTEM_FOLDERS {
        let path = root.join(folder);
        // A link (merged /usr) is walked through its target.
        if let Ok(meta) = std::fs::symlink_metadata(&path)
            && meta.is_dir()
        {
            starts.push((path, meta.dev()));
        }
    }
    let work = Work {
        queue: Mutex::new(starts),
        busy: AtomicUsize::new(0),
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    let mut parts: Vec<Inventory> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| worker(&work, &root, &skipped, as_user)))
            .collect();
        for h in handles {
            if let Ok(part) = h.join() {
                parts.push(part);
            }
        }
    });
    let mut all = Inventory::default();
    for p in parts {
        all.special.extend(p.special);
        all.open_folders.extend(p.open_folders);
        all.open_files.extend(p.open_files);
        all.unreadable.extend(p.unreadable);
        all.entries += p.entries;
    }
    all.special.sort_by(|a, b| a.path.cmp(&b.path));
    all.open_folders.sort();
    all.open_files.sort();
    all.unreadable.sort();
    all
}

fn worker(work: &Work, root: &Path, skipped: &[PathBuf], as_user: bool) -> Inventory {
    let mut found = Inventory::default();
    let rel = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    loop {
        let next = {
            let mut queue = work.queue.lock().unwrap_or_else(|e| e.into_inner());
            let next = queue.pop();
            if next.is_some() {
                // Counted while the queue is locked, so an idle worker
                // never sees "empty and nobody busy" in between.
                work.busy.fetch_add(1, Ordering::SeqCst);
            }
            next
        };
        let Some((dir, dev)) = next else {
            if work.busy.load(Ordering::SeqCst) == 0 {
                return found;
            }
            std::thread::yield_now();
            continue;
        };
        let mut children = Vec::new();
        let closed = as_user
            && std::fs::metadata(&dir).is_ok_and(|m| m.permissions().mode() & 0o005 != 0o005);
        let listing = if closed {
            Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied))
        } else {
            std::fs::read_dir(&dir)
        };
        match listing {
            Err(_) => found.unreadable.push(rel(&dir)),
            Ok(entries) => {
                for entry in entries.flatten() {
                    found.entries += 1;
                    let Ok(meta) = entry.metadata() else { continue };
                    let mode = meta.permissions().mode();
                    let path = entry.path();
                    if meta.is_dir() {
                        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
                            found.open_folders.push(rel(&path));
                        }
                        if meta.dev() == dev && !skipped.contains(&path) {
                            children.push((path, dev));
                        }
                    } else if meta.is_file() {
                        if mode & 0o6000 != 0 {
                            found.special.push(Special {
                                path: rel(&path),
                                mode: mode & 0o7777,
                            });
                        }
                        if mode & 0o002 != 0 {
                            found.open_files.push(rel(&path));
                        }
                    }
                }
            }
        }
        if !children.is_empty() {
            let mut queue = work.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.extend(children);
        }
        work.busy.fetch_sub(1, Ordering::SeqCst);
    }
}
