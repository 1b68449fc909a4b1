//! After installing: what the new software switched on or left open that
//! an administrator should look at. Root looks right after a package is
//! installed (it can read every package's files) and keeps the list in the
//! installation's record: services the package makes start with the
//! computer, network ports that began listening, settings that hold a
//! well-known default password, and files holding a password the package
//! set up. Each is then answered one by one: kept as it is, or switched
//! off (through the Security screen's service fix, with undo), or its
//! password replaced by one kept in the keychain.

use crate::admin::safe_path;
use crate::admin::state::RootState;
use crate::atomic_file;
use crate::audit::{self, Actor, NewEntry};
use crate::harden::fix::switch_off;
use crate::harden::target::Target;
use crate::host_file;
use crate::maintain::updates::{self, UpdateRun};
use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What root found after an installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, rename = "HardeningFound")]
pub enum Found {
    /// A service of the package that starts with the computer or runs now.
    Service {
        unit: String,
        starts_at_boot: bool,
        running: bool,
    },
    /// A network socket that began listening during the installation:
    /// "tcp 0.0.0.0:8080 (python3)".
    Port { socket: String },
    /// A setting in the package's files whose value is a well-known
    /// default password ("admin_password = admin").
    DefaultPassword { file: String, key: String },
    /// A file holding a password the package set up, such as its first
    /// administrator's.
    PasswordFile { file: String },
    /// A password the package asks for while it is set up (a debconf
    /// question); installed without questions, it was left empty or at
    /// its default.
    PasswordQuestion { question: String },
    /// Sample, demo or test content of the package where a web server
    /// serves it ("/var/www/html/examples").
    SampleData { path: String },
}

/// One thing to look at after an installation, and how it was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Hardening {
    /// Stable within the installation: "service:NAME.service",
    /// "password:/etc/FILE:KEY".
    pub id: String,
    /// The package it belongs to; empty for a port no package is known for.
    pub package: String,
    /// What was found, in plain words.
    pub what: String,
    /// Why it matters and what to do.
    pub why: String,
    pub found: Found,
    pub answer: Option<Answer>,
}

/// How an item was answered, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "HardeningAnswer")]
pub struct Answer {
    pub time: String,
    pub by: String,
    /// Whether something was changed (false: kept as it was).
    pub done: bool,
    /// What was done, in plain words.
    pub words: String,
    /// The change in the Security screen's list, for a switched-off service.
    #[ts(type = "number | null")]
    pub change: Option<i64>,
}

/// Values that are someone's documented default password, not a choice.
const DEFAULT_PASSWORDS: &[&str] = &[
    "admin",
    "password",
    "changeme",
    "change_me",
    "changeit",
    "secret",
    "default",
    "root",
    "123456",
    "12345678",
    "admin123",
    "letmein",
    "guest",
    "pass",
];

/// Files the best-known server packages keep a set-up password in,
/// beside those found by name.
const KNOWN_PASSWORD_FILES: &[(&str, &str)] =
    &[("jenkins", "/var/lib/jenkins/secrets/initialAdminPassword")];

/// A settings file larger than this is not searched for passwords.
const MAX_SETTINGS: u64 = 256 * 1024;
/// A password file is short; a larger one is something else.
const MAX_PASSWORD_FILE: u64 = 4096;
/// How deep below a package's own folders password files are looked for.
const SEARCH_DEPTH: usize = 3;

/// Looks at what `packages` brought on the computer whose files are under
/// `root`, with the sockets that began listening (`opened`, in words).
pub fn look(root: &Path, packages: &[String], opened: &[String]) -> Vec<Hardening> {
    let host = Target::new(root, 0);
    let mut found = Vec::new();
    for package in packages {
        let files = package_files(root, package);
        for unit in units(&files) {
            let starts_at_boot = !switch_off::boot_links(&host, &unit).is_empty();
            let running =
                host.is_live() && crate::harden::fix::service::running(&unit).unwrap_or(false);
            if starts_at_boot || running {
                found.push(service(package, unit, starts_at_boot, running));
            }
        }
        for (file, key) in default_passwords(root, package, &files) {
            found.push(default_password(package, file, key));
        }
        for file in password_files(root, package, &files) {
            found.push(password_file(package, file));
        }
        for question in password_questions(root, package) {
            found.push(password_question(package, question));
        }
        for path in sample_data(root, &files) {
            found.push(sample_data_item(package, path));
        }
    }
    found.extend(opened.iter().map(|socket| Hardening {
        id: format!("port:{socket}"),
        package: String::new(),
        what: format!("Began listening on the network: {socket}"),
        why: "Other computers may be able to reach it. Keep it if the office uses it; otherwise switch off the service that opened it.".into(),
        found: Found::Port {
            socket: socket.clone(),
        },
        answer: None,
    }));
    found
}

fn service(package: &str, unit: String, starts_at_boot: bool, running: bool) -> Hardening {
    let what = match (starts_at_boot, running) {
        (true, true) => format!("{unit} runs now and starts with the computer"),
        (true, false) => format!("{unit} starts with the computer"),
        _ => format!("{unit} runs now"),
    };
    Hardening {
        id: format!("service:{unit}"),
        package: package.to_string(),
        what,
        why: format!(
            "{package} switched this service on. If the office does not use it, switch it off: one program fewer that can be attacked. Undo is in the Security screen's changes."
        ),
        found: Found::Service {
            unit,
            starts_at_boot,
            running,
        },
        answer: None,
    }
}

fn default_password(package: &str, file: String, key: String) -> Hardening {
    Hardening {
        id: format!("password:{file}:{key}"),
        package: package.to_string(),
        what: format!("{file} sets {key} to a well-known default password"),
        why: "Anyone who knows the program knows this password. Replace it with a new one, kept in Credentials.".into(),
        found: Found::DefaultPassword { file, key },
        answer: None,
    }
}

fn password_file(package: &str, file: String) -> Hardening {
    Hardening {
        id: format!("password-file:{file}"),
        package: package.to_string(),
        what: format!("{file} holds a password {package} set up"),
        why: "A password left in a file can be read by anyone who gets a copy of the disk or its backups. Keep it in Credentials and remove the file; change it in the program when you first log in.".into(),
        found: Found::PasswordFile { file },
        answer: None,
    }
}

fn password_question(package: &str, question: String) -> Hardening {
    Hardening {
        id: format!("password-question:{question}"),
        package: package.to_string(),
        what: format!("{package} asks for a password while it is set up ({question})"),
        why: format!(
            "Installed without questions, that password is empty or the package's default. Make a new one, kept in Credentials, and set it: sudo dpkg-reconfigure {package}."
        ),
        found: Found::PasswordQuestion { question },
        answer: None,
    }
}

/// The debconf questions of type password in `package`'s templates.
fn password_questions(root: &Path, package: &str) -> Vec<String> {
    let info = root.join("var/lib/dpkg/info");
    let text =
        host_file::read_text(&info.join(format!("{package}.templates")), false).unwrap_or_default();
    let mut found = Vec::new();
    // Templates are RFC 822 stanzas: "Template: NAME" then "Type: TYPE".
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        if let (Some(name), Some(kind)) = (field("Template:"), field("Type:"))
            && kind == "password"
        {
            found.push(name);
        }
    }
    found
}

/// The files dpkg lists for `package` ("/lib/systemd/system/x.service").
fn package_files(root: &Path, package: &str) -> Vec<String> {
    let info = root.join("var/lib/dpkg/info");
    let text = std::fs::read_dir(&info)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| {
            *n == format!("{package}.list")
                || n.starts_with(&format!("{package}:")) && n.ends_with(".list")
        })
        .and_then(|n| host_file::read_text(&info.join(n), false).ok())
        .unwrap_or_default();
    text.lines().map(str::to_string).collect()
}

/// The services, sockets and timers among a package's files.
fn units(files: &[String]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            f.starts_with("/lib/systemd/system/") || f.starts_with("/usr/lib/systemd/system/")
        })
        .filter_map(|f| f.rsplit('/').next())
        .filter(|name| switch_off::unit_of(&switch_off::check_id(name)).is_some())
        .filter(|name| !name.contains("@."))
        .map(str::to_string)
        .collect()
}

/// `path` (absolute, as dpkg lists it) under `root`.
fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// The settings among a package's files (under /etc) that give a
/// password-like key a well-known default value.
fn default_passwords(root: &Path, package: &str, files: &[String]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for file in files.iter().filter(|f| f.starts_with("/etc/")) {
        let Ok((handle, meta)) = host_file::open_regular(&under(root, file), false) else {
            continue;
        };
        if meta.len() > MAX_SETTINGS {
            continue;
        }
        let Ok(bytes) = host_file::read_capped(handle, &meta) else {
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(setting) = Setting::read(line)
                && setting.is_default(package)
            {
                found.push((file.clone(), setting.key.to_string()));
            }
        }
    }
    found.dedup();
    found
}

/// One `key = value` (or `key: value`) line of a settings file.
struct Setting<'a> {
    key: &'a str,
    /// Where the value starts and ends in the line, quotes left out.
    value: std::ops::Range<usize>,
    line: &'a str,
}

impl<'a> Setting<'a> {
    fn read(line: &'a str) -> Option<Setting<'a>> {
        let body = line.trim_start();
        if body.starts_with(['#', ';', '/']) {
            return None;
        }
        let at = body.find(['=', ':'])?;
        let key = body[..at].trim();
        let lower = key.to_ascii_lowercase();
        let keyish = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !keyish || !(lower.contains("pass") || lower.contains("pwd")) {
            return None;
        }
        let start_of_body = line.len() - body.len();
        let after = &body[at + 1..];
        let value_text = after.trim();
        let lead = after.len() - after.trim_start().len();
        let mut start = start_of_body + at + 1 + lead;
        let mut end = start + value_text.len();
        let quoted = value_text.len() >= 2
            && (value_text.starts_with('"') && value_text.ends_with('"')
                || value_text.starts_with('\'') && value_text.ends_with('\''));
        if quoted {
            start += 1;
            end -= 1;
        }
        Some(Setting {
            key,
            value: start..end,
            line,
        })
    }

    fn value(&self) -> &str {
        &self.line[self.value.clone()]
    }

    fn is_default(&self, package: &str) -> bool {
        let value = self.value().to_ascii_lowercase();
        DEFAULT_PASSWORDS.contains(&value.as_str()) || value == package.to_ascii_lowercase()
    }

    /// The line with `new` in place of the value.
    fn with(&self, new: &str) -> String {
        format!(
            "{}{new}{}",
            &self.line[..self.value.start],
            &self.line[self.value.end..]
        )
    }
}

fn sample_data_item(package: &str, path: String) -> Hardening {
    let what = if is_demo_database(&path) {
        format!("A demo database the program may load: {path}")
    } else {
        format!("Sample content where a web server serves it: {path}")
    };
    Hardening {
        id: format!("sample:{path}"),
        package: package.to_string(),
        what,
        why: "Examples, demos and test pages tell anyone who finds them what runs here, and often have known holes. Remove them unless the office uses them; a copy is kept.".into(),
        found: Found::SampleData { path },
        answer: None,
    }
}

/// Folders web servers serve from in Debian and Ubuntu's packages; a
/// Java server's `webapps` folder wherever it is.
const SERVED: &[&str] = &["/var/www/", "/srv/", "/usr/share/nginx/html/"];

/// Names (before any extension) of sample, demo and test content.
const SAMPLE_NAMES: &[&str] = &[
    "example", "examples", "sample", "samples", "demo", "demos", "test", "tests", "testing",
];

/// Endings of database files and dumps a program loads.
const DATABASE_ENDINGS: &[&str] = &[".db", ".sqlite", ".sqlite3", ".sql", ".sql.gz"];

/// A demo database the package brings for its program to load: a
/// database file or dump under /var/lib or /usr/share whose name begins
/// with a sample word ("demo.sqlite", "sample-data.sql").
fn is_demo_database(file: &str) -> bool {
    let name = file
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let first = name.split(['.', '-', '_']).next().unwrap_or_default();
    ["/var/lib/", "/usr/share/"]
        .iter()
        .any(|t| file.starts_with(t))
        && DATABASE_ENDINGS.iter().any(|e| name.ends_with(e))
        && SAMPLE_NAMES.contains(&first)
}

/// The outermost folders or files among a package's `files` that are
/// served and named as samples, and its demo databases, as they are now
/// (links are not taken).
fn sample_data(root: &Path, files: &[String]) -> Vec<String> {
    let mut found: Vec<String> = files
        .iter()
        .filter(|f| is_demo_database(f))
        .cloned()
        .collect();
    for file in files {
        let top = SERVED
            .iter()
            .find(|t| file.starts_with(*t))
            .map(|t| t.len())
            .or_else(|| file.find("/webapps/").map(|at| at + "/webapps/".len()));
        let Some(top) = top else {
            continue;
        };
        let mut end = top;
        for part in file[top..].split('/') {
            end += part.len();
            let stem = part
                .split('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if SAMPLE_NAMES.contains(&stem.as_str()) {
                found.push(file[..end].to_string());
                break;
            }
            end += 1;
        }
    }
    found.sort();
    found.dedup();
    let inside_another = |p: &String, all: &[String]| {
        all.iter()
            .any(|q| q != p && p.starts_with(&format!("{q}/")))
    };
    let all = found.clone();
    found
        .into_iter()
        .filter(|p| !inside_another(p, &all))
        .filter(|p| {
            std::fs::symlink_metadata(under(root, p)).is_ok_and(|m| !m.file_type().is_symlink())
        })
        .collect()
}

/// Files that, by their name, hold a password the package set up: in the
/// package's own folders under /etc, /var/lib, /srv and /opt (made by the
/// package or its set-up script), and the known ones.
fn password_files(root: &Path, package: &str, files: &[String]) -> Vec<String> {
    let own = |f: &str| {
        ["/etc/", "/var/lib/", "/srv/", "/opt/"].iter().any(|top| {
            f.strip_prefix(top)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        })
    };
    let mut folders: Vec<String> = files.iter().filter(|f| own(f)).cloned().collect();
    folders.extend([format!("/var/lib/{package}"), format!("/etc/{package}")]);
    folders.sort();
    folders.dedup();
    let mut found: Vec<String> = KNOWN_PASSWORD_FILES
        .iter()
        .filter(|(p, _)| *p == package)
        .map(|(_, f)| f.to_string())
        .filter(|f| is_password_file(&under(root, f)))
        .collect();
    for folder in folders {
        walk(root, &folder, SEARCH_DEPTH, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

fn walk(root: &Path, folder: &str, depth: usize, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(under(root, folder)) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{}/{name}", folder.trim_end_matches('/'));
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth > 1 {
            walk(root, &path, depth - 1, found);
        } else if kind.is_file() && named_like_password(&name) && is_password_file(&entry.path()) {
            found.push(path);
        }
    }
}

fn named_like_password(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password")
        && ["initial", "default", "admin", "first"]
            .iter()
            .any(|w| n.contains(w))
}

fn is_password_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.is_file() && (1..=MAX_PASSWORD_FILE).contains(&m.len()))
}

/// What root is asked to do with a password an installation left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum PasswordAct {
    /// Read a password file, to keep its password in the keychain.
    Take,
    /// Remove a password file whose content (SHA-256) is still `seen`.
    Remove { seen: String },
    /// Put a new password (given on standard input) in place of a default one.
    Replace,
}

/// A password file's content, for the asking account's keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taken {
    pub password: String,
    pub sha256: String,
}

/// What root did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordDone {
    /// The file's password, for `Take`.
    pub taken: Option<Taken>,
    /// In plain words.
    pub words: String,
}

/// Acts, as root, on password item `item` of installation `run` (root's
/// number): only an item root itself found, on a file no other account
/// can change, still as root found it.
pub fn password(
    state: &RootState,
    run: i64,
    item: &str,
    act: PasswordAct,
    new: Option<&Secret>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<PasswordDone> {
    let found = item_of(&updates::run_numbered(&state.store, run)?, item)?;
    let done = match (&found.found, &act) {
        (Found::PasswordFile { file }, PasswordAct::Take) => take(Path::new(file)),
        (Found::PasswordFile { file }, PasswordAct::Remove { seen }) => {
            remove(Path::new(file), seen)
        }
        (Found::DefaultPassword { file, key }, PasswordAct::Replace) => {
            let new = new.ok_or_else(|| {
                Error::invalid_input(
                    "No new password was given.",
                    "Shipshape makes one and passes it on; try again.",
                )
            })?;
            replace(Path::new(file), key, &found.package, new)
        }
        _ => Err(Error::invalid_input(
            format!("\"{item}\" cannot be answered that way."),
            "Look at the installation again with shipshape installs harden.",
        )),
    };
    let what = match &act {
        PasswordAct::Take => "read",
        PasswordAct::Remove { .. } => "removed",
        PasswordAct::Replace => "replaced",
    };
    // The entry names the file and what was done, never a password.
    let logged = done.as_ref().map(|d| d.words.as_str());
    log_answer(state, (run, item), what, logged, actor, now)?;
    done
}

/// Root's entry for its answer to item `item` of installation `run`: what
/// was done, in words, or why it failed.
fn log_answer(
    state: &RootState,
    (run, item): (i64, &str),
    act: &str,
    done: std::result::Result<&str, &Error>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let words = done.unwrap_or_default();
    let details = serde_json::json!({ "run": run, "item": item, "act": act, "words": words });
    let entry = match done {
        Ok(_) => NewEntry::ok("install.harden", item, details),
        Err(e) => NewEntry::failed("install.harden", item, &e.message, details),
    };
    audit::append(&state.store, now, actor, entry).map(drop)
}

/// What root did with sample content: where its copy is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleDone {
    pub copy: String,
    /// In plain words.
    pub words: String,
}

/// Moves sample item `item` of installation `run` (root's number) out of
/// where it is served into a copy in root's private folder: only an item
/// root itself found, in folders no other account can change.
pub fn sample(
    state: &RootState,
    run: i64,
    item: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<SampleDone> {
    let found = item_of(&updates::run_numbered(&state.store, run)?, item)?;
    let done = match &found.found {
        Found::SampleData { path } => {
            let copies = state
                .paths
                .state
                .join("sample-data")
                .join(format!("{run}-{}", now.format("%Y%m%dT%H%M%S")));
            move_aside(Path::new(path), &copies)
        }
        _ => Err(Error::invalid_input(
            format!("\"{item}\" is not sample content."),
            "Look at the installation again with shipshape installs harden.",
        )),
    };
    let logged = done.as_ref().map(|d| d.words.as_str());
    log_answer(state, (run, item), "moved aside", logged, actor, now)?;
    done
}

/// Renames `path` into `copies` (made 0700): one step that follows no
/// link inside it, so what is moved is what was checked.
fn move_aside(path: &Path, copies: &Path) -> Result<SampleDone> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::invalid_input(
                format!("{} is not there any more.", path.display()),
                "Nothing to remove; keep the item to close it.",
            ));
        }
        Err(e) => return Err(Error::io("look at", path, &e)),
        Ok(_) => {}
    }
    safe_path::check(path).map_err(|e| {
        Error::new(
            e.code,
            e.message,
            format!(
                "Another account could change it, so Shipshape will not move it with administrator rights. Look at {} yourself.",
                path.display()
            ),
        )
    })?;
    let name = path.file_name().ok_or_else(|| {
        Error::invalid_input(
            format!("{} names no file or folder.", path.display()),
            "Look at the installation again.",
        )
    })?;
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(copies)
        .map_err(|e| Error::io("make the folder", copies, &e))?;
    let copy = copies.join(name);
    std::fs::rename(path, &copy).map_err(|e| {
        if e.raw_os_error() == Some(18) {
            // EXDEV: a rename cannot cross disks, and root copies no tree
            // another account may have written into.
            return Error::invalid_input(
                format!(
                    "{} is on another disk than Shipshape's folder for copies ({}), so it was left where it is.",
                    path.display(),
                    copies.display()
                ),
                "Move it yourself to where the web server does not serve it, or keep it.",
            );
        }
        Error::io("move", path, &e)
    })?;
    Ok(SampleDone {
        words: format!(
            "Moved {} away from where it is served; a copy is kept in {} (to put it back: sudo mv {} {})",
            path.display(),
            copy.display(),
            copy.display(),
            path.display()
        ),
        copy: copy.display().to_string(),
    })
}

/// Item `item` of `run`, which must be an installation.
pub fn item_of(run: &UpdateRun, item: &str) -> Result<Hardening> {
    run.hardening
        .iter()
        .find(|h| h.id == item)
        .cloned()
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("Installation {} found nothing called \"{item}\".", run.id),
                "Run shipshape installs harden RUN to see what it found.",
            )
        })
}

/// Reads `file` for root's use: only where no other account could have
/// put something else in its place.
fn read_trusted(file: &Path, limit: u64) -> Result<Vec<u8>> {
    safe_path::check(file).map_err(|e| {
        Error::new(
            e.code,
            e.message,
            format!(
                "Another account could change it, so Shipshape will not act on it with administrator rights. Look at {} yourself.",
                file.display()
            ),
        )
    })?;
    let (handle, meta) =
        host_file::open_regular(file, false).map_err(|e| Error::io("read", file, &e))?;
    if meta.len() > limit {
        return Err(Error::invalid_input(
            format!("{} is larger than a password file.", file.display()),
            "Look at it yourself; Shipshape leaves it as it is.",
        ));
    }
    host_file::read_capped(handle, &meta).map_err(|e| Error::io("read", file, &e))
}

fn take(file: &Path) -> Result<PasswordDone> {
    let bytes = read_trusted(file, MAX_PASSWORD_FILE)?;
    let password = String::from_utf8(bytes.clone())
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && !t.contains('\n'))
        .ok_or_else(|| {
            Error::invalid_input(
                format!("{} does not hold one line of text.", file.display()),
                "Look at it yourself; Shipshape leaves it as it is.",
            )
        })?;
    Ok(PasswordDone {
        taken: Some(Taken {
            password,
            sha256: crate::harden::fix::change::checksum(&bytes),
        }),
        words: format!("Read the password in {}", file.display()),
    })
}

fn remove(file: &Path, seen: &str) -> Result<PasswordDone> {
    let bytes = read_trusted(file, MAX_PASSWORD_FILE)?;
    if crate::harden::fix::change::checksum(&bytes) != seen {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} changed since its password was kept, so it was not removed.",
                file.display()
            ),
            "Look at the installation again and keep the password it holds now.",
        ));
    }
    std::fs::remove_file(file).map_err(|e| Error::io("remove", file, &e))?;
    Ok(PasswordDone {
        taken: None,
        words: format!("Removed {}", file.display()),
    })
}

fn replace(file: &Path, key: &str, package: &str, new: &Secret) -> Result<PasswordDone> {
    let value = new.expose();
    if value.contains(['\n', '\r', '"', '\'', '#', ';']) || value.trim() != value {
        return Err(Error::invalid_input(
            "The new password holds a character settings files read otherwise.",
            "Make one from letters, digits and the symbols Shipshape's generator uses.",
        ));
    }
    let bytes = read_trusted(file, MAX_SETTINGS)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::invalid_input(
            format!("{} is not text.", file.display()),
            "Change the password in it yourself.",
        )
    })?;
    let mut replaced = 0;
    let lines: Vec<String> = text
        .split_inclusive('\n')
        .map(|line| {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            match Setting::read(body) {
                Some(s) if s.key == key && s.is_default(package) => {
                    replaced += 1;
                    format!("{}{end}", s.with(value))
                }
                _ => line.to_string(),
            }
        })
        .collect();
    if replaced == 0 {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} no longer sets {key} to a default password, so nothing was changed.",
                file.display()
            ),
            "Look at the installation again: the password may have been changed already.",
        ));
    }
    let meta = std::fs::symlink_metadata(file).map_err(|e| Error::io("look at", file, &e))?;
    let options = atomic_file::Options {
        mode: Some(meta.mode() & 0o7777),
        owner: Some((meta.uid(), meta.gid())),
    };
    atomic_file::write_with(file, lines.concat().as_bytes(), options)?;
    Ok(PasswordDone {
        taken: None,
        words: format!(
            "Replaced the default password of {key} in {}; restart {package} for it to take effect",
            file.display()
        ),
    })
}

/// `now` as an answer's time.
pub fn stamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn settings_with_default_passwords_are_read_and_replaced_in_place() {
        let s = Setting::read("  admin_password = \"admin\"  ").unwrap();
        assert_eq!((s.key, s.value()), ("admin_password", "admin"));
        assert!(s.is_default("grafana"));
        assert_eq!(s.with("N3w-pass"), "  admin_password = \"N3w-pass\"  ");
        let s = Setting::read("db.pass: shop").unwrap();
        assert!(s.is_default("shop"));
        assert_eq!(s.with("x"), "db.pass: x");
        assert!(
            !Setting::read("password = Correct-Horse-9")
                .unwrap()
                .is_default("app")
        );
        for not_a_setting in [
            "# password = admin",
            "port = 8080",
            "; pass=admin",
            "pass word = admin",
        ] {
            assert!(
                Setting::read(not_a_setting).is_none_or(|s| !s.is_default("app")),
                "{not_a_setting}"
            );
        }
    }

    #[test]
    fn password_files_are_known_by_name() {
        for yes in [
            "initialAdminPassword",
            "default_password.txt",
            "admin-password",
        ] {
            assert!(named_like_password(yes), "{yes}");
        }
        for no in ["passwd", "htpasswd", "password-policy.conf", "README"] {
            assert!(!named_like_password(no), "{no}");
        }
    }

    #[test]
    fn sample_content_is_moved_into_a_private_copy_only_from_folders_root_alone_may_change() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("www");
        std::fs::create_dir_all(served.join("examples")).unwrap();
        std::fs::write(served.join("examples/index.html"), "demo\n").unwrap();
        let copies = dir.path().join("copies/7-20261205T100000");
        let done = move_aside(&served.join("examples"), &copies).unwrap();
        assert_eq!(done.copy, copies.join("examples").display().to_string());
        assert!(!served.join("examples").exists());
        assert_eq!(
            std::fs::read_to_string(copies.join("examples/index.html")).unwrap(),
            "demo\n"
        );
        let mode = std::fs::metadata(&copies).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(
            move_aside(&served.join("examples"), &copies)
                .unwrap_err()
                .message
                .contains("not there any more")
        );
        // Where another account may write, it is left alone.
        std::fs::create_dir_all(served.join("demo")).unwrap();
        std::fs::set_permissions(&served, std::fs::Permissions::from_mode(0o777)).unwrap();
        let refused = move_aside(&served.join("demo"), &copies).unwrap_err();
        assert!(
            refused.hint.contains("Another account could change it"),
            "{refused:?}"
        );
        assert!(served.join("demo").exists());
    }

    #[test]
    fn a_package_s_services_passwords_and_password_files_are_found_under_a_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "var/lib/dpkg/info/shop.list",
            "/.\n/etc\n/etc/shop\n/etc/shop/shop.conf\n/lib/systemd/system/shop.service\n/lib/systemd/system/shop-idle.service\n/lib/systemd/system/shop@.service\n/var/www/shop\n/var/www/shop/index.html\n/var/www/shop/Examples\n/var/www/shop/Examples/hello.php\n/var/www/shop/tests/gone.html\n/var/www/shop/latest\n/var/lib/tomcat9/webapps/demo.war\n/usr/share/doc/shop/examples/shop.conf\n/var/lib/shop/demo.sqlite\n/usr/share/shop/sample-data.sql.gz\n/usr/share/shop/samples.txt\n/var/lib/shop/shop.db\n",
        );
        write("var/www/shop/index.html", "shop\n");
        write("var/www/shop/Examples/hello.php", "<?php phpinfo();\n");
        write("var/lib/tomcat9/webapps/demo.war", "PK\n");
        write("usr/share/doc/shop/examples/shop.conf", "port = 1\n");
        for db in [
            "var/lib/shop/demo.sqlite",
            "usr/share/shop/sample-data.sql.gz",
            "usr/share/shop/samples.txt",
            "var/lib/shop/shop.db",
        ] {
            write(db, "data\n");
        }
        // A link the package did not leave as a folder is not taken.
        std::os::unix::fs::symlink("/etc", root.join("var/www/shop/latest")).unwrap();
        write(
            "etc/shop/shop.conf",
            "port = 8080\nadmin_password = admin\nuser_password = S3cret-Chosen\n",
        );
        write("var/lib/shop/secrets/initialAdminPassword", "4f1c2d\n");
        write("var/lib/shop/passwd", "not this\n");
        write("lib/systemd/system/shop.service", "[Service]\n");
        write(
            "var/lib/dpkg/info/shop.templates",
            "Template: shop/admin-password\nType: password\nDescription: The administrator's password\n\nTemplate: shop/port\nType: string\nDescription: Port\n",
        );
        std::fs::create_dir_all(root.join("etc/systemd/system/multi-user.target.wants")).unwrap();
        std::os::unix::fs::symlink(
            "/lib/systemd/system/shop.service",
            root.join("etc/systemd/system/multi-user.target.wants/shop.service"),
        )
        .unwrap();
        let found = look(root, &["shop".into()], &["tcp 0.0.0.0:8080 (shop)".into()]);
        let ids: Vec<&str> = found.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "service:shop.service",
                "password:/etc/shop/shop.conf:admin_password",
                "password-file:/var/lib/shop/secrets/initialAdminPassword",
                "password-question:shop/admin-password",
                "sample:/usr/share/shop/sample-data.sql.gz",
                "sample:/var/lib/shop/demo.sqlite",
                "sample:/var/lib/tomcat9/webapps/demo.war",
                "sample:/var/www/shop/Examples",
                "port:tcp 0.0.0.0:8080 (shop)",
            ]
        );
        assert!(look(root, &["other".into()], &[]).is_empty());
    }
}
