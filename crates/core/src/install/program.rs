//! Programs that come as a tarball (`.tar.gz`, `.tar.xz`, `.tar.zst`) or
//! an AppImage, installed beside each other under `/opt/<name>/<version>`
//! with `/opt/<name>/current` pointing at the one in use ("parallel": the
//! earlier version stays, and switching back is one atomic rename of the
//! link). A tarball is read entry by entry before anything is written,
//! and refused whole when one entry would land outside its folder: an
//! absolute path, a `..`, a link pointing out, a file written through a
//! link, a device. Root writes only into a folder it made itself.

use super::Trust;
use crate::admin::state::RootState;
use crate::audit::Actor;
use crate::maintain::updates::{
    BUSY, PackageChange, RunKind, RunOutcome, UpdateRun, after_settled, cut_here, history, new_run,
    record, save,
};
use crate::progress::{Cancel, Progress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use ts_rs::TS;

/// What is asked: this file, trusted so, under this name and version
/// (guessed from the file's name when not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProgramAsk {
    pub file: String,
    pub trust: Trust,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// How the program is packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProgramKind {
    Tarball,
    AppImage,
}

/// Everything installing the program would do, said before it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProgramPreview {
    pub headline: String,
    pub ask: ProgramAsk,
    pub sha256: String,
    pub kind: ProgramKind,
    pub name: String,
    pub version: String,
    /// Where it would be: `/opt/<name>/<version>`.
    pub folder: String,
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub size: u64,
    /// Programs it holds (executable files at its top or in `bin/`).
    pub programs: Vec<String>,
    /// The versions of it installed here already, and the one in use.
    pub installed: Vec<String>,
    pub current: Option<String>,
}

/// The file's kind from its name.
fn kind_of(file: &str) -> Option<(ProgramKind, Option<&'static str>, usize)> {
    let lower = file.to_ascii_lowercase();
    [
        (".tar.gz", Some("gzip")),
        (".tgz", Some("gzip")),
        (".tar.xz", Some("xz")),
        (".txz", Some("xz")),
        (".tar.zst", Some("zstd")),
        (".tzst", Some("zstd")),
        (".appimage", None),
    ]
    .into_iter()
    .find(|(end, _)| lower.ends_with(end))
    .map(|(end, unpack)| {
        let kind = if unpack.is_some() {
            ProgramKind::Tarball
        } else {
            ProgramKind::AppImage
        };
        (kind, unpack, end.len())
    })
}

/// Whether Shipshape installs files of this name as programs into /opt.
pub fn is_program_file(file: &str) -> bool {
    kind_of(file).is_some()
}

fn is_name(n: &str) -> bool {
    (2..=64).contains(&n.len())
        && n.as_bytes()[0].is_ascii_alphanumeric()
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-._".contains(&b))
}

fn is_version(v: &str) -> bool {
    (1..=64).contains(&v.len())
        && v.as_bytes()[0].is_ascii_alphanumeric()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-._~".contains(&b))
}

/// The program's name and version from its file's name:
/// "Obsidian-1.5.3.AppImage" is obsidian 1.5.3, "node-v20.11.0-linux-x64.tar.xz"
/// is node v20.11.0.
pub fn guess(file_name: &str) -> Option<(String, String)> {
    let (_, _, end) = kind_of(file_name)?;
    let stem = &file_name[..file_name.len() - end];
    let parts: Vec<&str> = stem.split(['-', '_']).collect();
    let at = parts.iter().position(|p| {
        let p = p.strip_prefix('v').unwrap_or(p);
        p.as_bytes().first().is_some_and(u8::is_ascii_digit)
    })?;
    let name = parts[..at].join("-").to_ascii_lowercase();
    let version = parts[at].to_string();
    (is_name(&name) && is_version(&version)).then_some((name, version))
}

impl ProgramAsk {
    /// Refuses what can never be installed before anything is read, and
    /// settles the name and version.
    pub fn checked(self) -> Result<(ProgramAsk, String, String)> {
        super::full_path(&self.file)?;
        let trust = self.trust.clone().checked()?;
        let file_name = Path::new(&self.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if kind_of(&file_name).is_none() {
            return Err(Error::invalid_input(
                format!("{file_name} is not a program Shipshape installs into /opt."),
                "Choose a .tar.gz, .tar.xz or .tar.zst tarball, or an AppImage.",
            ));
        }
        let guessed = guess(&file_name);
        let name = self
            .name
            .clone()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .or_else(|| guessed.as_ref().map(|g| g.0.clone()));
        let version = self
            .version
            .clone()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .or_else(|| guessed.as_ref().map(|g| g.1.clone()));
        let (Some(name), Some(version)) = (name, version) else {
            return Err(Error::invalid_input(
                format!("Shipshape cannot tell the program's name and version from {file_name}."),
                "Give them (--name and --program-version on the command line).",
            ));
        };
        if !is_name(&name) || !is_version(&version) || version == "current" {
            return Err(Error::invalid_input(
                format!("\"{name}\" {version} cannot name a folder in /opt."),
                "A name is lower-case letters, digits and + - . _; a version letters, digits and + - . _ ~.",
            ));
        }
        Ok((ProgramAsk { trust, ..self }, name, version))
    }
}

/// One entry of a tarball: its path in the archive, what it writes, and
/// its size.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    from: PathBuf,
    entry: Entry,
    size: u64,
}

/// One entry of a tarball, as it will be written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Folder(PathBuf),
    File { path: PathBuf, executable: bool },
    Link { path: PathBuf, target: PathBuf },
    HardLink { path: PathBuf, target: PathBuf },
}

/// A path inside the archive as a plain relative path, or None when it
/// would leave it ("/", "..").
fn inside(raw: &Path) -> Option<PathBuf> {
    let mut clean = PathBuf::new();
    for c in raw.components() {
        match c {
            Component::Normal(n) => clean.push(n),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!clean.as_os_str().is_empty()).then_some(clean)
}

/// Whether a link at `path` pointing to `target` stays inside.
fn link_stays_inside(path: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut depth = path.components().count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

fn escapes(path: &str) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "The archive holds {path}, which would land outside the program's folder, so nothing of it was installed."
        ),
        "An archive built to write elsewhere is unsafe: ask its publisher, or install another build.",
    )
}

/// Reads a tar stream into the entries it would write, refusing it whole
/// when one of them would leave its folder. A single top folder (as most
/// release tarballs have) is left out.
fn entries(reader: impl Read) -> Result<Vec<Item>> {
    let mut archive = tar::Archive::new(reader);
    let mut out = Vec::new();
    let mut links = BTreeSet::new();
    let damaged = |e: std::io::Error| {
        Error::invalid_input(
            format!("The archive could not be read: {e}."),
            "Download it again; it may be damaged.",
        )
    };
    for entry in archive.entries().map_err(damaged)? {
        let entry = entry.map_err(damaged)?;
        let raw = entry.path().map_err(damaged)?.into_owned();
        let shown = raw.display().to_string();
        let Some(path) = inside(&raw) else {
            if raw.components().all(|c| c == Component::CurDir) {
                continue;
            }
            return Err(escapes(&shown));
        };
        // Nothing is written through a link the archive itself made.
        if path.ancestors().skip(1).any(|a| links.contains(a)) {
            return Err(escapes(&shown));
        }
        let kind = entry.header().entry_type();
        let link_target = || -> Result<PathBuf> {
            entry
                .link_name()
                .map_err(damaged)?
                .map(|t| t.into_owned())
                .ok_or_else(|| escapes(&shown))
        };
        let made = match kind {
            tar::EntryType::Directory => Entry::Folder(path.clone()),
            tar::EntryType::Regular | tar::EntryType::Continuous => Entry::File {
                executable: entry.header().mode().map_err(damaged)? & 0o111 != 0,
                path: path.clone(),
            },
            tar::EntryType::Symlink => {
                let target = link_target()?;
                if !link_stays_inside(&path, &target) {
                    return Err(escapes(&format!("{shown} → {}", target.display())));
                }
                links.insert(path.clone());
                Entry::Link {
                    path: path.clone(),
                    target,
                }
            }
            tar::EntryType::Link => {
                let target = inside(&link_target()?).ok_or_else(|| escapes(&shown))?;
                Entry::HardLink {
                    path: path.clone(),
                    target,
                }
            }
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => continue,
            _ => {
                return Err(Error::invalid_input(
                    format!(
                        "The archive holds {shown}, a device or pipe, which a program never needs, so nothing of it was installed."
                    ),
                    "Ask its publisher for an ordinary build.",
                ));
            }
        };
        out.push(Item {
            from: path,
            entry: made,
            size: entry.size(),
        });
    }
    Ok(strip_top(out))
}

fn path_of(e: &Entry) -> &Path {
    match e {
        Entry::Folder(p)
        | Entry::File { path: p, .. }
        | Entry::Link { path: p, .. }
        | Entry::HardLink { path: p, .. } => p,
    }
}

/// Leaves out a single top folder every entry is in.
fn strip_top(items: Vec<Item>) -> Vec<Item> {
    let tops: BTreeSet<_> = items
        .iter()
        .filter_map(|i| path_of(&i.entry).components().next())
        .collect();
    // One top folder, with or without an entry of its own, holding all.
    let under_top = items.iter().all(|i| {
        path_of(&i.entry).components().count() > 1
            || matches!(&i.entry, Entry::Folder(p) if p.components().count() == 1)
    });
    let holds_any = items
        .iter()
        .any(|i| path_of(&i.entry).components().count() > 1);
    if tops.len() != 1 || !under_top || !holds_any {
        return items;
    }
    let strip = |p: &Path| -> PathBuf { p.components().skip(1).collect() };
    items
        .into_iter()
        .filter(|i| path_of(&i.entry).components().count() > 1)
        .map(|i| {
            let entry = match i.entry {
                Entry::Folder(p) => Entry::Folder(strip(&p)),
                Entry::File { path, executable } => Entry::File {
                    path: strip(&path),
                    executable,
                },
                Entry::Link { path, target } => Entry::Link {
                    path: strip(&path),
                    target,
                },
                Entry::HardLink { path, target } => Entry::HardLink {
                    path: strip(&path),
                    target: strip(&target),
                },
            };
            Item { entry, ..i }
        })
        .collect()
}

/// The tarball's bytes uncompressed, from the standard tool for its kind.
fn unpacked(file: &Path, tool: &str) -> Result<std::process::Child> {
    Command::new(tool)
        .args(["-dc", "--"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorCode::NeedsPackage,
                format!("{tool} could not be started: {e}."),
                format!(
                    "Install {tool} (sudo apt install {}).",
                    if tool == "xz" { "xz-utils" } else { tool }
                ),
            )
        })
}

/// What a tarball would write, read through its decompressor.
fn tarball(file: &Path, tool: &str) -> Result<Vec<Item>> {
    let mut child = unpacked(file, tool)?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::internal("no output from the decompressor"))?;
    let read = entries(stdout);
    let _ = child.kill();
    let status = child.wait().map_err(|e| Error::io("read", file, &e))?;
    let read = read?;
    if read.is_empty() && !status.success() {
        return Err(Error::invalid_input(
            format!(
                "{} is not an archive Shipshape can read: {tool} could not unpack it.",
                file.display()
            ),
            "Download it again; it may be damaged or of another kind.",
        ));
    }
    if !read.iter().any(|i| !matches!(i.entry, Entry::Folder(_))) {
        return Err(Error::invalid_input(
            format!(
                "{} holds no files, so there is nothing to install.",
                file.display()
            ),
            "Download it again, or ask its publisher for the program itself.",
        ));
    }
    Ok(read)
}

/// Whether the file is an AppImage: an ELF program marked "AI" type 2.
fn is_appimage(file: &Path) -> Result<bool> {
    let mut head = [0u8; 11];
    let mut f = std::fs::File::open(file).map_err(|e| Error::io("open", file, &e))?;
    Ok(f.read_exact(&mut head).is_ok() && &head[..4] == b"\x7fELF" && &head[8..11] == b"AI\x02")
}

/// What the file holds, read before anything changes.
struct Contents {
    kind: ProgramKind,
    items: Vec<Item>,
}

impl Contents {
    fn size(&self) -> u64 {
        self.items.iter().map(|i| i.size).sum()
    }
}

fn read(file: &Path) -> Result<Contents> {
    let name = file.to_string_lossy();
    match kind_of(&name) {
        Some((ProgramKind::Tarball, Some(tool), _)) => Ok(Contents {
            kind: ProgramKind::Tarball,
            items: tarball(file, tool)?,
        }),
        Some((ProgramKind::AppImage, ..)) if is_appimage(file)? => {
            let size = std::fs::metadata(file)
                .map_err(|e| Error::io("read", file, &e))?
                .len();
            let path = PathBuf::from("AppImage");
            Ok(Contents {
                kind: ProgramKind::AppImage,
                items: vec![Item {
                    from: path.clone(),
                    entry: Entry::File {
                        path,
                        executable: true,
                    },
                    size,
                }],
            })
        }
        Some((ProgramKind::AppImage, ..)) => Err(Error::invalid_input(
            format!(
                "{} is not an AppImage: it does not start as one does.",
                file.display()
            ),
            "Download it again; it may be damaged or of another kind.",
        )),
        _ => Err(Error::invalid_input(
            format!("{name} is not a program Shipshape installs into /opt."),
            "Choose a .tar.gz, .tar.xz or .tar.zst tarball, or an AppImage.",
        )),
    }
}

/// Where programs go: /opt, or (in builds made for tests) `SHIPSHAPE_OPT_DIR`.
pub fn opt_root() -> PathBuf {
    crate::test_settings::path("SHIPSHAPE_OPT_DIR").unwrap_or_else(|| PathBuf::from("/opt"))
}

/// The versions installed under `root/name`, and the one `current` names.
pub fn installed(root: &Path, name: &str) -> (Vec<String>, Option<String>) {
    let folder = root.join(name);
    let mut versions: Vec<String> = std::fs::read_dir(&folder)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    let current = std::fs::read_link(folder.join("current"))
        .ok()
        .map(|t| t.to_string_lossy().into_owned());
    (versions, current)
}

fn programs_in(items: &[Item], kind: ProgramKind, name: &str) -> Vec<String> {
    if kind == ProgramKind::AppImage {
        return vec![format!("{name}.AppImage")];
    }
    items
        .iter()
        .filter_map(|i| match &i.entry {
            Entry::File {
                path,
                executable: true,
            } if path.components().count() == 1
                || (path.components().count() == 2 && path.starts_with("bin")) =>
            {
                Some(path.display().to_string())
            }
            _ => None,
        })
        .collect()
}

/// The preview of installing `ask`, made by the account that asks.
pub fn preview(
    ask: ProgramAsk,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<ProgramPreview> {
    let (ask, name, version) = ask.checked()?;
    let file = PathBuf::from(&ask.file);
    let digests = crate::verify::file::hash_file(&file, &ask.trust.algorithms(), progress, cancel)?;
    super::matches_trust(&ask.file, &ask.trust, &digests.digests)?;
    let contents = read(&file)?;
    let root = opt_root();
    let (installed, current) = installed(&root, &name);
    if installed.contains(&version) {
        return Err(already(&name, &version, &root));
    }
    let folder = root.join(&name).join(&version).display().to_string();
    let beside = match &current {
        Some(c) => format!("; {c} stays beside it, and switching back is one click"),
        None => String::new(),
    };
    let trust = match &ask.trust {
        Trust::Digest { .. } => "its checksum matches the verified one",
        Trust::RiskAccepted { .. } => "it was NOT verified: the risk was accepted",
    };
    Ok(ProgramPreview {
        headline: format!("{name} {version} would be installed in {folder}{beside}; {trust}."),
        sha256: digests.digests[0].hex.clone(),
        kind: contents.kind,
        files: contents
            .items
            .iter()
            .filter(|i| !matches!(i.entry, Entry::Folder(_)))
            .count() as u64,
        size: contents.size(),
        programs: programs_in(&contents.items, contents.kind, &name),
        folder,
        installed,
        current,
        name,
        version,
        ask,
    })
}

fn already(name: &str, version: &str, root: &Path) -> Error {
    Error::new(
        ErrorCode::Conflict,
        format!(
            "{name} {version} is installed in {} already, so nothing was changed.",
            root.join(name).join(version).display()
        ),
        format!("Switch to it with: shipshape installs switch {name} {version}"),
    )
}

/// A folder root may write into: a real folder (no link), root's, that
/// no one else may write to. Made when missing.
fn roots_folder(path: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() && m.uid() == 0 && m.mode() & 0o022 == 0 => Ok(()),
        Ok(_) => Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not a folder only the administrator may change, so Shipshape installs nothing there.",
                path.display()
            ),
            "Someone else could change what is installed there: move it away, then try again.",
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::DirBuilder::new()
            .mode(0o755)
            .create(path)
            .map_err(|e| Error::io("create", path, &e)),
        Err(e) => Err(Error::io("read", path, &e)),
    }
}

/// Writes `items` from the tar stream into `dest`, a fresh folder root
/// made; every path was checked by `entries` first, from this same copy.
fn write_tarball(reader: impl Read, dest: &Path, items: &[Item]) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let by_path: std::collections::BTreeMap<&Path, &Entry> =
        items.iter().map(|i| (i.from.as_path(), &i.entry)).collect();
    let damaged = |e: std::io::Error| {
        Error::invalid_input(
            format!("The archive could not be read: {e}."),
            "Download it again; it may be damaged.",
        )
    };
    let folder = |at: &Path| {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(at)
            .map_err(|e| Error::io("create", at, &e))
    };
    let mut archive = tar::Archive::new(reader);
    let mut written = 0usize;
    for entry in archive.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let raw = entry.path().map_err(damaged)?.into_owned();
        let Some(wanted) = inside(&raw).and_then(|p| by_path.get(p.as_path()).copied()) else {
            continue;
        };
        let at = dest.join(path_of(wanted));
        if let Some(parent) = at.parent() {
            folder(parent)?;
        }
        match wanted {
            Entry::Folder(_) => folder(&at)?,
            Entry::File { executable, .. } => {
                let mut out = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(if *executable { 0o755 } else { 0o644 })
                    .open(&at)
                    .map_err(|e| Error::io("write", &at, &e))?;
                std::io::copy(&mut entry, &mut out).map_err(|e| Error::io("write", &at, &e))?;
            }
            Entry::Link { target, .. } => {
                std::os::unix::fs::symlink(target, &at).map_err(|e| Error::io("link", &at, &e))?;
            }
            Entry::HardLink { target, .. } => {
                std::fs::hard_link(dest.join(target), &at)
                    .map_err(|e| Error::io("link", &at, &e))?;
            }
        }
        written += 1;
    }
    if written != items.len() {
        return Err(Error::new(
            ErrorCode::FileChanged,
            "The archive read differently the second time, so nothing of it was installed.",
            "Try again; if it happens again, check the disk.",
        ));
    }
    Ok(())
}

/// Points `root/name/current` at `version`, atomically: a new link
/// renamed over the old one.
fn point_current(folder: &Path, version: Option<&str>) -> Result<()> {
    let link = folder.join("current");
    let Some(version) = version else {
        return match std::fs::remove_file(&link) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io("remove", &link, &e))
            }
            _ => Ok(()),
        };
    };
    let fresh = folder.join(format!(".current-{}", std::process::id()));
    let _ = std::fs::remove_file(&fresh);
    std::os::unix::fs::symlink(version, &fresh).map_err(|e| Error::io("link", &fresh, &e))?;
    std::fs::rename(&fresh, &link).map_err(|e| Error::io("switch", &link, &e))
}

/// Removes what a cut-off run began writing in `folder`: unfinished
/// copies and links (root's own folder, checked first).
fn sweep(folder: &Path) {
    if roots_folder(folder).is_err() {
        return;
    }
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && (name.contains(".partial-") || name.starts_with(".current-")) {
            let path = entry.path();
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
}

/// Closes each program run a power cut or a kill left "running" (called
/// holding the turn, so none is still going): what it began writing is
/// removed, a version it wrote but did not put in use is taken away
/// again, and the run is recorded saying so. Answers the sentences for
/// the next run's verdict.
fn settle(state: &RootState, actor: &Actor, now: DateTime<Utc>) -> Result<String> {
    let root = opt_root();
    let mut said = Vec::new();
    for mut run in history(&state.store)?.into_iter().filter(|r| {
        r.outcome == RunOutcome::Running
            && matches!(r.kind, RunKind::InstallProgram | RunKind::ProgramSwitch)
    }) {
        let Some(p) = run.packages.first().cloned() else {
            continue;
        };
        let folder = root.join(&p.name);
        sweep(&folder);
        let (_, current) = installed(&root, &p.name);
        let finished = current.is_some() && current == p.new_version;
        if !finished
            && run.kind == RunKind::InstallProgram
            && let Some(new) = &p.new_version
        {
            let at = folder.join(new);
            if roots_folder(&folder).is_ok() && at.is_dir() {
                let _ = std::fs::remove_dir_all(&at);
            }
        }
        let in_use = current.as_deref().map_or_else(
            || "nothing of it".to_string(),
            |c| format!("{} {c}", p.name),
        );
        run.packages[0].new_version = current.clone();
        run.outcome = if finished {
            RunOutcome::Done
        } else {
            RunOutcome::Failed
        };
        run.message = if finished {
            format!(
                "This run was cut off, most likely by a power cut or a forced stop, after it had finished: {in_use} is in use."
            )
        } else {
            format!(
                "This run was cut off before it finished, most likely by a power cut or a forced stop. What it had begun writing was removed; {in_use} is in use, as before."
            )
        };
        run.step(finished, "Closed after it was cut off");
        record(&state.store, now, actor, &mut run, "updates.cut_off")?;
        said.push(format!(
            "Run {} ({}) had been cut off before it finished; it is closed.",
            run.id, run.asked
        ));
    }
    Ok(said.join(" "))
}

/// Installs `ask` as root into /opt (or the test folder), recorded as a
/// run of kind `install_program`; `as_uid` is the account that asked.
#[allow(clippy::too_many_arguments)]
pub fn install(
    state: &RootState,
    ask: ProgramAsk,
    as_uid: Option<u32>,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let (ask, name, version) = ask.checked()?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle(state, actor, now)?;
    let proven = super::staged_proven(state, &ask.file, &ask.trust, as_uid, progress, cancel)?;
    let staged = proven.path.clone();
    let contents = read(&staged)?;
    let root = opt_root();
    roots_folder(&root)?;
    let folder = root.join(&name);
    roots_folder(&folder)?;
    let (versions, current) = installed(&root, &name);
    if versions.contains(&version) {
        return Err(already(&name, &version, &root));
    }
    cancel.check()?;
    let mut run = UpdateRun {
        message: format!("Installing {name} {version}…"),
        packages: vec![PackageChange {
            name: name.clone(),
            arch: String::new(),
            old_version: current.clone(),
            new_version: Some(version.clone()),
            undo_copy: current.is_some(),
        }],
        ..new_run(
            RunKind::InstallProgram,
            asked(&ask, &proven.digests[0].hex, &folder, &version),
            now,
        )
    };
    run.step(true, super::staged_words(&ask.trust));
    run.step(
        true,
        match contents.kind {
            ProgramKind::AppImage => "Read the file: an AppImage".to_string(),
            ProgramKind::Tarball => format!(
                "Read the archive: {} entries, none of them leaving the program's folder",
                contents.items.len()
            ),
        },
    );
    run.id = save(state.store.conn(), &run)?;
    cut_here("program-recorded");
    sweep(&folder);
    use std::os::unix::fs::DirBuilderExt;
    let partial = folder.join(format!(".{version}.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::DirBuilder::new()
        .mode(0o755)
        .create(&partial)
        .map_err(|e| Error::io("create", &partial, &e))?;
    let written = match contents.kind {
        ProgramKind::AppImage => {
            let at = partial.join(format!("{name}.AppImage"));
            std::fs::copy(&staged, &at)
                .map_err(|e| Error::io("write", &at, &e))
                .and_then(|_| set_mode(&at, 0o755))
        }
        ProgramKind::Tarball => {
            let tool = kind_of(&staged.to_string_lossy())
                .and_then(|(_, t, _)| t)
                .unwrap_or("gzip");
            unpacked(&staged, tool).and_then(|mut child| {
                let out = child
                    .stdout
                    .take()
                    .ok_or_else(|| Error::internal("no output from the decompressor"));
                let written = out.and_then(|o| write_tarball(o, &partial, &contents.items));
                let _ = child.kill();
                let _ = child.wait();
                written
            })
        }
    };
    let finished = written.and_then(|()| {
        cut_here("program-written");
        let at = folder.join(&version);
        std::fs::rename(&partial, &at).map_err(|e| Error::io("move", &at, &e))?;
        cut_here("program-moved");
        point_current(&folder, Some(&version))
    });
    if let Err(e) = finished {
        run.step(false, e.message.clone());
        let _ = std::fs::remove_dir_all(&partial);
        let _ = std::fs::remove_dir_all(folder.join(&version));
        let _ = point_current(&folder, current.as_deref());
        run.outcome = RunOutcome::Failed;
        run.packages[0].new_version = current.clone();
        run.message = format!(
            "Installing {name} {version} failed, so what it wrote was removed and nothing else changed: {}",
            e.message
        );
        run.message = after_settled(&settled, std::mem::take(&mut run.message));
        record(&state.store, now, actor, &mut run, "install.program")?;
        return Ok(run);
    }
    run.step(
        true,
        format!(
            "Wrote it into {}, and pointed {}/current at it",
            folder.join(&version).display(),
            folder.display()
        ),
    );
    let (ok, words) = menu_step(&name);
    run.step(ok, words);
    run.outcome = RunOutcome::Done;
    run.message = match &current {
        Some(old) => format!(
            "{name} {version} is installed in {} and in use ({}/current); {old} stays beside it: switch back with shipshape installs switch {name} {old}.",
            folder.join(&version).display(),
            folder.display()
        ),
        None => format!(
            "{name} {version} is installed in {} and in use ({}/current).",
            folder.join(&version).display(),
            folder.display()
        ),
    };
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, "install.program")?;
    Ok(run)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io("protect", path, &e))
}

fn asked(ask: &ProgramAsk, sha256: &str, folder: &Path, version: &str) -> String {
    let name = Path::new(&ask.file)
        .file_name()
        .map_or_else(|| ask.file.clone(), |n| n.to_string_lossy().into_owned());
    let into = folder.join(version).display().to_string();
    match &ask.trust {
        Trust::Digest { .. } => format!("{name} (verified, SHA-256 {sha256}) into {into}"),
        Trust::RiskAccepted { reason } => {
            format!("{name} (NOT verified, SHA-256 {sha256}; risk accepted: {reason}) into {into}")
        }
    }
}

/// Refuses a name or version that cannot be one folder in /opt.
pub fn check_switch(name: &str, version: &str) -> Result<()> {
    if is_name(name) && is_version(version) && version != "current" {
        return Ok(());
    }
    Err(Error::invalid_input(
        format!("\"{name}\" {version} is not a program's name and version."),
        "Run shipshape installs list to see the programs installed.",
    ))
}

/// Points `/opt/<name>/current` at another installed version, as root,
/// and records it.
pub fn switch(
    state: &RootState,
    name: &str,
    version: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<UpdateRun> {
    check_switch(name, version)?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle(state, actor, now)?;
    let root = opt_root();
    let folder = root.join(name);
    roots_folder(&root)?;
    let (versions, current) = installed(&root, name);
    if !versions.iter().any(|v| v == version) {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("{name} {version} is not installed in {}.", folder.display()),
            if versions.is_empty() {
                "Install it first.".to_string()
            } else {
                format!("Installed there: {}.", versions.join(", "))
            },
        ));
    }
    if current.as_deref() == Some(version) {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("{name} {version} is the one in use already, so nothing was changed."),
            "Nothing needs doing.",
        ));
    }
    roots_folder(&folder)?;
    point_current(&folder, Some(version))?;
    let mut run = UpdateRun {
        outcome: RunOutcome::Done,
        message: format!(
            "{name} {version} is in use again ({}/current){}.",
            folder.display(),
            current
                .as_ref()
                .map(|c| format!("; {c} stays beside it"))
                .unwrap_or_default()
        ),
        packages: vec![PackageChange {
            name: name.to_string(),
            arch: String::new(),
            old_version: current,
            new_version: Some(version.to_string()),
            undo_copy: true,
        }],
        ..new_run(RunKind::ProgramSwitch, format!("{name} {version}"), now)
    };
    let (ok, words) = menu_step(name);
    run.step(ok, words);
    run.message = after_settled(&settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, "install.switch")?;
    Ok(run)
}

/// Undoes run `original` of a program: `current` back to the version it
/// replaced (or none), and the version it installed removed.
pub(crate) fn undo(original: &UpdateRun, now: DateTime<Utc>) -> Result<UpdateRun> {
    let p = original
        .packages
        .first()
        .ok_or_else(|| Error::internal(format!("Run {} names no program.", original.id)))?;
    let root = opt_root();
    let folder = root.join(&p.name);
    roots_folder(&root)?;
    roots_folder(&folder)?;
    let (versions, _) = installed(&root, &p.name);
    let back = p.old_version.clone().filter(|o| versions.contains(o));
    point_current(&folder, back.as_deref())?;
    let switched = original.kind == RunKind::ProgramSwitch;
    if let Some(new) = p.new_version.as_ref().filter(|_| !switched) {
        let at = folder.join(new);
        if at.exists() {
            std::fs::remove_dir_all(&at).map_err(|e| Error::io("remove", &at, &e))?;
        }
    }
    if back.is_none() && installed(&root, &p.name).0.is_empty() {
        let _ = std::fs::remove_dir(&folder);
    }
    let message = match &back {
        Some(old) => format!("{} {old} is in use again.", p.name),
        None => format!("{} is removed, as before run {}.", p.name, original.id),
    };
    let mut run = UpdateRun {
        outcome: RunOutcome::Done,
        message,
        packages: vec![PackageChange {
            name: p.name.clone(),
            arch: String::new(),
            old_version: p.new_version.clone(),
            new_version: back,
            undo_copy: false,
        }],
        undoes: Some(original.id),
        ..new_run(RunKind::Undo, format!("undo run {}", original.id), now)
    };
    let (ok, words) = menu_step(&p.name);
    run.step(ok, words);
    Ok(run)
}

/// Brings the menu entries of program `name` up to date with what is
/// installed: the step it is in the run. A menu that cannot be written
/// does not undo what was installed; the step says why.
fn menu_step(name: &str) -> (bool, String) {
    let menu = super::menu::menu_dir();
    match super::menu::refresh(&opt_root(), &menu, name) {
        Ok(files) if files.is_empty() => (
            true,
            format!("No menu entry for {name}: no program to start was found in it"),
        ),
        Ok(files) => (
            true,
            format!("Menu entries in {}: {}", menu.display(), files.join(", ")),
        ),
        Err(e) => (
            false,
            format!(
                "The menu entries could not be written: {} {}",
                e.message, e.hint
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn tar_of(add: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        add(&mut b);
        b.into_inner().unwrap()
    }

    fn header(kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(mode);
        h
    }

    fn raw_path(h: &mut tar::Header, path: &str) {
        // Written as bytes: the builder itself refuses "..", an archive
        // made elsewhere need not.
        let name = &mut h.as_old_mut().name;
        name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_cksum();
    }

    #[test]
    fn names_and_versions_are_guessed_from_file_names() {
        assert_eq!(
            guess("Obsidian-1.5.3.AppImage"),
            Some(("obsidian".into(), "1.5.3".into()))
        );
        assert_eq!(
            guess("node-v20.11.0-linux-x64.tar.xz"),
            Some(("node".into(), "v20.11.0".into()))
        );
        assert_eq!(
            guess("my_tool_2.0.tar.zst"),
            Some(("my-tool".into(), "2.0".into()))
        );
        assert_eq!(guess("tool.tar.gz"), None);
        assert_eq!(guess("tool-1.0.zip"), None);
    }

    #[test]
    fn a_release_tarball_is_read_without_its_top_folder() {
        let data = tar_of(|b| {
            let mut h = header(tar::EntryType::Directory, 0, 0o755);
            b.append_data(&mut h, "tool-1.0/", std::io::empty())
                .unwrap();
            let mut h = header(tar::EntryType::Regular, 3, 0o755);
            b.append_data(&mut h, "tool-1.0/tool", &b"run"[..]).unwrap();
            let mut h = header(tar::EntryType::Regular, 2, 0o644);
            b.append_data(&mut h, "tool-1.0/share/readme", &b"hi"[..])
                .unwrap();
            let mut h = header(tar::EntryType::Symlink, 0, 0o777);
            b.append_link(&mut h, "tool-1.0/bin", "share").unwrap();
        });
        let read = entries(&data[..]).unwrap();
        let paths: Vec<String> = read
            .iter()
            .map(|i| path_of(&i.entry).display().to_string())
            .collect();
        assert_eq!(paths, ["tool", "share/readme", "bin"]);
        assert_eq!(programs_in(&read, ProgramKind::Tarball, "tool"), ["tool"]);
    }

    #[test]
    fn a_top_folder_without_an_entry_of_its_own_is_left_out_too() {
        let data = tar_of(|b| {
            let mut h = header(tar::EntryType::Regular, 3, 0o755);
            b.append_data(&mut h, "tool-2.0/bin/tool", &b"run"[..])
                .unwrap();
            let mut h = header(tar::EntryType::Regular, 2, 0o644);
            b.append_data(&mut h, "tool-2.0/README", &b"hi"[..])
                .unwrap();
        });
        let read = entries(&data[..]).unwrap();
        let paths: Vec<String> = read
            .iter()
            .map(|i| path_of(&i.entry).display().to_string())
            .collect();
        assert_eq!(paths, ["bin/tool", "README"]);
        let flat = tar_of(|b| {
            let mut h = header(tar::EntryType::Regular, 3, 0o755);
            b.append_data(&mut h, "tool", &b"run"[..]).unwrap();
        });
        let read = entries(&flat[..]).unwrap();
        assert_eq!(path_of(&read[0].entry), Path::new("tool"));
    }

    #[test]
    fn entries_that_would_leave_the_folder_refuse_the_whole_archive() {
        let dotdot = tar_of(|b| {
            let mut h = header(tar::EntryType::Regular, 1, 0o644);
            raw_path(&mut h, "app/../../etc/cron.d/x");
            b.append(&h, &b"x"[..]).unwrap();
        });
        let absolute = tar_of(|b| {
            let mut h = header(tar::EntryType::Regular, 1, 0o644);
            raw_path(&mut h, "/etc/passwd");
            b.append(&h, &b"x"[..]).unwrap();
        });
        let link_out = tar_of(|b| {
            let mut h = header(tar::EntryType::Symlink, 0, 0o777);
            b.append_link(&mut h, "app/etc", "../../../etc").unwrap();
        });
        let absolute_link = tar_of(|b| {
            let mut h = header(tar::EntryType::Symlink, 0, 0o777);
            b.append_link(&mut h, "app/etc", "/etc").unwrap();
        });
        let through_link = tar_of(|b| {
            let mut h = header(tar::EntryType::Symlink, 0, 0o777);
            b.append_link(&mut h, "app/data", "share").unwrap();
            let mut h = header(tar::EntryType::Regular, 1, 0o644);
            b.append_data(&mut h, "app/data/x", &b"x"[..]).unwrap();
        });
        let device = tar_of(|b| {
            let mut h = header(tar::EntryType::Char, 0, 0o644);
            b.append_data(&mut h, "app/null", std::io::empty()).unwrap();
        });
        for (what, data) in [
            ("..", dotdot),
            ("absolute", absolute),
            ("link out", link_out),
            ("absolute link", absolute_link),
            ("through a link", through_link),
            ("device", device),
        ] {
            let err = entries(&data[..]).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{what}");
            assert!(
                err.message.contains("nothing of it was installed"),
                "{what}: {}",
                err.message
            );
        }
    }

    #[test]
    fn links_inside_the_folder_are_kept() {
        assert!(link_stays_inside(Path::new("a/b/link"), Path::new("../c")));
        assert!(link_stays_inside(Path::new("link"), Path::new("./c")));
        assert!(!link_stays_inside(Path::new("link"), Path::new("../c")));
        assert!(!link_stays_inside(
            Path::new("a/link"),
            Path::new("x/../../../c")
        ));
    }

    #[test]
    fn only_names_and_versions_that_make_one_folder_are_taken() {
        let ask = |name: &str, version: &str| ProgramAsk {
            file: "/tmp/tool-1.0.tar.gz".into(),
            trust: Trust::RiskAccepted {
                reason: "test".into(),
            },
            name: Some(name.into()),
            version: Some(version.into()),
        };
        assert!(ask("tool", "1.0").checked().is_ok());
        for (n, v) in [
            ("../etc", "1"),
            ("tool", "../x"),
            ("tool", "current"),
            ("Tool/x", "1"),
            ("tool", "1/2"),
        ] {
            assert!(ask(n, v).checked().is_err(), "{n} {v}");
        }
        let unknown = ProgramAsk {
            file: "/tmp/tool.tar.gz".into(),
            trust: Trust::RiskAccepted {
                reason: "test".into(),
            },
            name: None,
            version: None,
        };
        assert!(
            unknown
                .checked()
                .unwrap_err()
                .message
                .contains("cannot tell")
        );
    }
}
