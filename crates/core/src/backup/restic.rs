//! The one adapter to the `restic` program, which keeps the backups in its
//! own format (so any restic can read them). Arguments are built from
//! checked values only, after `--` where a path could look like an option;
//! the password goes in on standard input, never in the arguments or the
//! environment; the cache and temporary files live in private folders;
//! what restic prints with `--json` is read as data, and the rest of its
//! errors by their words (restic 0.14 exits 1 for every fatal error). A
//! backup on another computer is reached through ssh with root's own key
//! and trusted host keys (`remote::RootSsh::command`), and what ssh says
//! is told in plain words too.

use super::location::Location;
use super::remote::{self, RootSsh};
use super::rest::{self as rest_server, RootRest};
use crate::program::{Finished, Run};
use crate::progress::Cancel;
use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use ts_rs::TS;
use zeroize::Zeroizing;

/// restic by its full path: a folder early in `PATH` must not choose it.
const RESTIC: &str = "/usr/bin/restic";

/// A backup of a large folder may take hours; a check with all data read too.
pub const LONG: Duration = Duration::from_secs(24 * 3600);

/// How long restic may take to clean up after being asked to stop
/// (it finishes the uploads in flight and removes its lock).
const GRACE: Duration = Duration::from_secs(120);

/// One repository, opened with its password.
#[derive(Debug)]
pub struct Restic<'a> {
    pub repo: &'a Location,
    pub password: &'a Secret,
    /// Private folder for restic's cache and temporary files.
    pub work: PathBuf,
    /// Root's SSH key and the host keys it trusts, for a backup on
    /// another computer.
    pub ssh: RootSsh,
    /// The REST servers' certificates and passwords root keeps.
    pub rest: RootRest,
    /// How long one run may take before it is stopped.
    pub limit: Duration,
}

/// One progress line of `backup --json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub percent_done: f64,
    #[serde(default)]
    pub total_files: u64,
    #[serde(default)]
    pub files_done: u64,
    #[serde(default)]
    pub total_bytes: u64,
    #[serde(default)]
    pub bytes_done: u64,
    #[serde(default)]
    pub seconds_remaining: Option<u64>,
}

/// The summary line of `backup --json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Summary {
    #[serde(default)]
    pub files_new: u64,
    #[serde(default)]
    pub files_changed: u64,
    #[serde(default)]
    pub files_unmodified: u64,
    #[serde(default)]
    pub data_added: u64,
    #[serde(default)]
    pub total_files_processed: u64,
    #[serde(default)]
    pub total_bytes_processed: u64,
    #[serde(default)]
    pub snapshot_id: String,
}

/// What a line of `backup --json` says.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Status(Status),
    Summary(Summary),
    /// A file that could not be read, and why.
    Unreadable(String, String),
}

/// restic's `--include` for exactly `path`: restic reads the value as a
/// pattern (`*`, `?`, `[…]`, `\` in each part), so those are escaped and
/// a file named `notes[1].txt` is not mistaken for `notes1.txt`.
pub fn include_exactly(path: &str) -> String {
    let mut escaped = String::with_capacity(path.len() + 10);
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("--include={escaped}")
}

/// Reads one line of `backup --json`; `None` for anything else.
pub fn parse_line(line: &str) -> Option<Line> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    match v.get("message_type")?.as_str()? {
        "status" => serde_json::from_value(v).ok().map(Line::Status),
        "summary" => serde_json::from_value(v).ok().map(Line::Summary),
        "error" => {
            let item = v.get("item").and_then(|i| i.as_str()).unwrap_or_default();
            let why = v
                .pointer("/error/Err")
                .map(|e| match e.as_u64() {
                    Some(13) => "permission denied".to_string(),
                    Some(2) => "it disappeared while being read".to_string(),
                    _ => e.to_string(),
                })
                .unwrap_or_else(|| "it could not be read".into());
            Some(Line::Unreadable(item.to_string(), why))
        }
        _ => None,
    }
}

/// A snapshot, as `snapshots --json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupSnapshot")]
pub struct Snapshot {
    pub id: String,
    pub short_id: String,
    pub time: String,
    pub paths: Vec<String>,
    pub hostname: String,
}

/// A file in a snapshot, as `ls --json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Node {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub mtime: String,
}

/// Reads `ls --json`: the snapshot's line first, then one per file.
pub fn parse_ls(out: &str) -> Vec<Node> {
    out.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.get("struct_type").and_then(|t| t.as_str()) == Some("node"))
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect()
}

/// What `forget --json` kept and removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgot {
    pub kept: Vec<String>,
    pub removed: Vec<String>,
    /// Whether a snapshot removed had a tree no kept one has: only then
    /// can a prune free any space. (A backup of unchanged files has the
    /// tree of the one before it.) Also when restic's answer could not be
    /// read: a prune then runs, to be safe.
    pub frees_space: bool,
    /// Whether restic's answer was read.
    pub read: bool,
}

/// What `forget --json` kept and removed, by snapshot id and tree.
pub fn parse_forget(out: &str) -> Forgot {
    let parsed: Option<Vec<serde_json::Value>> = out
        .lines()
        .any(|l| l.trim_start().starts_with('['))
        .then(|| serde_json::from_str(json_list(out)).ok())
        .flatten();
    let read = parsed.is_some();
    let groups = parsed.unwrap_or_default();
    let field = |key: &str, what: &str| -> Vec<String> {
        groups
            .iter()
            .filter_map(|g| g.get(key).and_then(|k| k.as_array()))
            .flatten()
            .filter_map(|s| s.get(what).and_then(|v| v.as_str()).map(String::from))
            .collect()
    };
    let kept_trees = field("keep", "tree");
    let removed = field("remove", "id");
    // A removed snapshot whose tree is not said frees space, to be safe.
    let removed_count = groups
        .iter()
        .filter_map(|g| g.get("remove").and_then(|k| k.as_array()))
        .map(Vec::len)
        .sum::<usize>();
    let removed_trees = field("remove", "tree");
    let frees_space = !read
        || removed_trees.len() < removed_count
        || removed_trees.iter().any(|t| !kept_trees.contains(t));
    Forgot {
        kept: field("keep", "id"),
        removed,
        frees_space,
        read,
    }
}

/// The JSON list restic printed: it says "reading repository password
/// from stdin" on standard output first.
pub fn json_list(out: &str) -> &str {
    out.lines()
        .find(|l| l.trim_start().starts_with('['))
        .unwrap_or("[]")
}

/// How restic reaches a repository: the place (for a REST server with
/// its password, so given in restic's environment, which only the account
/// running it may read, never in its arguments) and the options it needs.
struct Reach {
    repo: Zeroizing<String>,
    secret_repo: bool,
    options: Vec<String>,
}

/// restic's last words, for an error's details.
fn last_words(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(4)..].join(" / ")
}

impl Restic<'_> {
    fn private_folder(&self, name: &str) -> Result<PathBuf> {
        use std::os::unix::fs::DirBuilderExt;
        let dir = self.work.join(name);
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| Error::io("create", &dir, &e))?;
        Ok(dir)
    }

    /// The file naming the key this password opens in this repository:
    /// restic otherwise tries the repository's keys in turn, each costing
    /// half a second of key derivation, and every backup has two. Named by
    /// a digest of the place and the password, never the password.
    fn hint_file(&self) -> Result<PathBuf> {
        let mut hasher = blake3::Hasher::new_derive_key("shipshape restic key hint");
        hasher.update(self.repo.shown().as_bytes());
        hasher.update(b"\0");
        hasher.update(self.password.expose().as_bytes());
        Ok(self
            .private_folder("key-hints")?
            .join(hasher.finalize().to_hex().as_str()))
    }

    /// The key this password opens, when it is remembered already.
    fn stored_hint(&self) -> Option<String> {
        std::fs::read_to_string(self.hint_file().ok()?).ok()
    }

    /// The id of the key this password opens, remembered after the first
    /// time it was asked for (`key list`, whose current key is this one)
    /// or when Shipshape wrote that key (`remember_key`).
    fn key_hint(&self, args: &[&str]) -> Option<String> {
        if let Some(id) = self.stored_hint() {
            return Some(id);
        }
        // Nothing to open yet, or the asking itself.
        if matches!(args.first(), Some(&"init" | &"key")) {
            return None;
        }
        let out = self
            .run_with_hint(&["key", "list", "--json"], None, |_| {}, None, None, None)
            .ok()
            .filter(Finished::success)?;
        let keys: Vec<serde_json::Value> = serde_json::from_str(json_list(&out.stdout)).ok()?;
        let id = keys
            .iter()
            .find(|k| k["current"] == true)?
            .get("id")?
            .as_str()
            .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))?
            .to_string();
        let _ = self.remember_key(&id);
        Some(id)
    }

    /// The repository as restic takes it, and for another computer or a
    /// folder another account owns the option that tells restic how to
    /// reach it (`owned_folder`).
    fn repo_args(&self) -> Result<Reach> {
        match self.repo {
            Location::Folder(folder) => {
                let name = folder.to_str().ok_or_else(|| {
                    Error::invalid_input(
                        format!(
                            "The backup folder {} has a name restic cannot take.",
                            folder.display()
                        ),
                        "Choose a folder whose name is plain text.",
                    )
                })?;
                // Decided once: a folder that is no account's own must be
                // one root alone may change, or restic does not run.
                match super::owned_folder::owner(folder) {
                    Some(writer) => Ok(Reach {
                        repo: Zeroizing::new(super::owned_folder::restic_repo(name)),
                        secret_repo: false,
                        options: vec!["-o".into(), super::owned_folder::sftp_command(writer)],
                    }),
                    None => super::safe_for_root(folder).map(|()| Reach {
                        repo: Zeroizing::new(name.to_string()),
                        secret_repo: false,
                        options: Vec::new(),
                    }),
                }
            }
            Location::Sftp(to) => Ok(Reach {
                repo: Zeroizing::new(to.restic_repo()),
                secret_repo: false,
                options: vec![
                    "-o".into(),
                    format!("sftp.command={}", self.ssh.command(to)?),
                ],
            }),
            Location::Rest(to) => {
                let (repo, certificate) = self.rest.for_restic(to)?;
                let options = match certificate {
                    Some(file) => vec!["--cacert".into(), file.to_string_lossy().into_owned()],
                    None => Vec::new(),
                };
                Ok(Reach {
                    repo,
                    secret_repo: true,
                    options,
                })
            }
        }
    }

    /// Runs restic with `args`, handing each output line to `line`.
    pub fn run(
        &self,
        args: &[&str],
        cancel: Option<&Cancel>,
        line: impl FnMut(&str),
    ) -> Result<Finished> {
        self.run_giving(args, cancel, line, None)
    }

    /// `run`, also asking restic to stop (as on Cancel) once `stop` is set.
    pub fn run_stopping(
        &self,
        args: &[&str],
        cancel: Option<&Cancel>,
        stop: &std::sync::atomic::AtomicBool,
        line: impl FnMut(&str),
    ) -> Result<Finished> {
        let hint = self.key_hint(args);
        self.run_with_hint(args, cancel, line, None, hint.as_deref(), Some(stop))
    }

    /// The repository's master key (`cat masterkey`), for a key file of
    /// Shipshape's. With the key this password opens if it is remembered,
    /// but not looked up: right after `init` there is one key, and
    /// looking costs a run.
    pub fn master_key(&self) -> Result<super::quick_key::MasterKey> {
        let hint = self.stored_hint();
        let mut out = self.run_with_hint(
            &["cat", "masterkey"],
            None,
            |_| {},
            None,
            hint.as_deref(),
            None,
        )?;
        let printed = Zeroizing::new(std::mem::take(&mut out.stdout));
        if !out.success() {
            return Err(self.failure(&out, None));
        }
        super::quick_key::MasterKey::from_printed(&printed)
    }

    /// Remembers `id` as the key this password opens.
    pub fn remember_key(&self, id: &str) -> Result<()> {
        let file = self.hint_file()?;
        crate::atomic_file::write(&file, id.as_bytes())
    }

    /// Adds `new` as another key to the repository.
    pub fn add_key(&self, new: &Secret) -> Result<Finished> {
        let out = self.run_giving(
            &["key", "add", "--new-password-file=/dev/stdin"],
            None,
            |_| {},
            Some(new),
        )?;
        if out.success() {
            return Ok(out);
        }
        Err(self.failure(&out, None))
    }

    /// `run`; with `new_key`, that goes on standard input and the
    /// repository's password in restic's environment instead, since
    /// restic reads both from one stream otherwise. Only the account
    /// running restic (root, for backups) may read its environment.
    fn run_giving(
        &self,
        args: &[&str],
        cancel: Option<&Cancel>,
        line: impl FnMut(&str),
        new_key: Option<&Secret>,
    ) -> Result<Finished> {
        let hint = self.key_hint(args);
        self.run_with_hint(args, cancel, line, new_key, hint.as_deref(), None)
    }

    /// `run_giving`, restic trying the key `hint` first, and asked to stop
    /// once `stop` is set.
    fn run_with_hint(
        &self,
        args: &[&str],
        cancel: Option<&Cancel>,
        line: impl FnMut(&str),
        new_key: Option<&Secret>,
        hint: Option<&str>,
        stop: Option<&std::sync::atomic::AtomicBool>,
    ) -> Result<Finished> {
        let cache = self.private_folder("cache")?;
        let tmp = self.private_folder("tmp")?;
        let cache = cache.to_string_lossy().into_owned();
        let reach = self.repo_args()?;
        let mut all: Vec<&str> = Vec::new();
        if !reach.secret_repo {
            all.extend(["--repo", reach.repo.as_str()]);
        }
        all.extend(["--cache-dir", &cache]);
        all.extend(reach.options.iter().map(String::as_str));
        let hint = hint.map(|id| format!("--key-hint={id}"));
        all.extend(hint.as_deref());
        all.extend_from_slice(args);
        let mut run = Run::new(RESTIC, &all, self.limit)
            .env("TMPDIR", tmp.to_string_lossy())
            .env("RESTIC_PROGRESS_FPS", "2");
        if reach.secret_repo {
            run = run.env("RESTIC_REPOSITORY", reach.repo.as_str());
        }
        let mut input = match new_key {
            Some(new) => {
                run = run.env("RESTIC_PASSWORD", self.password.expose());
                new.expose().as_bytes().to_vec()
            }
            None => self.password.expose().as_bytes().to_vec(),
        };
        input.push(b'\n');
        run = run.input(input);
        if let Some(c) = cancel {
            run = run.cancel(c, GRACE);
        }
        if let Some(stop) = stop {
            run = run.stop_when(stop);
        }
        run.finish_with_lines(line).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::new(
                    ErrorCode::NotFound,
                    "The restic program, which keeps the backups, is not installed.",
                    "Install it: sudo apt install restic",
                )
            } else {
                Error::new(
                    ErrorCode::Io,
                    format!("restic could not be run: {e}."),
                    "Try again; if it keeps failing, check that restic is installed.",
                )
            }
        })
    }

    /// `run`, with a failure turned into plain words.
    pub fn ok(&self, args: &[&str], cancel: Option<&Cancel>) -> Result<Finished> {
        let out = self.run(args, cancel, |_| {})?;
        if out.success() {
            return Ok(out);
        }
        Err(self.failure(&out, cancel))
    }

    /// What went wrong, in plain words, from restic's exit and its words.
    pub fn failure(&self, out: &Finished, cancel: Option<&Cancel>) -> Error {
        let said = &out.stderr;
        let folder = self.repo.shown();
        if cancel.is_some_and(Cancel::is_cancelled) {
            return Error::cancelled();
        }
        if let Location::Rest(to) = self.repo
            && let Some(e) = rest_server::failure(to, said)
        {
            return e;
        }
        if let Location::Sftp(to) = self.repo {
            let found = remote::failure(&self.ssh, to, said).or_else(|| {
                said.contains("unable to start the sftp session")
                    .then(|| self.ssh.diagnose(to))
                    .flatten()
            });
            if let Some(e) = found {
                return e;
            }
        }
        if said.contains("wrong password") {
            return Error::new(
                ErrorCode::InvalidInput,
                format!("The key to the backup at {folder} does not open it."),
                "Its keys were changed with restic, or another backup was put in its place. Connect it again with the password on its recovery sheet: shipshape backup connect.",
            );
        }
        if said.contains("Is there a repository at the following location")
            || said.contains("repository does not exist")
            || said.contains("unable to open config file")
        {
            let hint = match self.repo {
                Location::Folder(_) => "If it is on a disk, plug the disk in (and check it is mounted at the same place), then try again.".to_string(),
                Location::Sftp(to) => format!(
                    "Check that the folder {} is still there on {} (it may have been moved or deleted), then try again.",
                    to.path(),
                    to.host()
                ),
                Location::Rest(to) => format!(
                    "Check that the folder is still there on the server {} (it may have been moved or deleted), then try again.",
                    to.host()
                ),
            };
            return Error::new(
                ErrorCode::NotFound,
                format!("There is no backup at {folder}."),
                hint,
            );
        }
        if let Some(version) = said
            .split("unsupported repository version ")
            .nth(1)
            .and_then(|v| v.split_whitespace().next())
        {
            return Error::new(
                ErrorCode::Conflict,
                format!(
                    "The backup at {folder} was made by a newer version of restic (its format is version {version}), which the restic on this computer cannot read."
                ),
                "Nothing in it was changed. Read it with a newer restic, or install a newer restic here, then connect it again.",
            );
        }
        if said.contains("config file already exists") {
            return Error::new(
                ErrorCode::Conflict,
                format!("{folder} already holds a backup, so nothing was changed."),
                "Choose an empty folder, or add that backup to Shipshape with its password.",
            );
        }
        if said.contains("no space left on device") {
            return Error::new(
                ErrorCode::Io,
                format!("The disk holding {folder} is full."),
                "Free some space there or use a larger disk; the backup stays consistent and the next run goes on from here.",
            );
        }
        if said.contains("repository is already locked") || said.contains("unable to create lock") {
            return Error::new(
                ErrorCode::Conflict,
                format!("Another program is using the backup at {folder} right now."),
                "Wait for it to finish, then try again.",
            );
        }
        Error::new(
            ErrorCode::Io,
            format!("restic failed: {}", last_words(said)),
            "Try again; if it keeps failing, run shipshape backup check.",
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_include_names_exactly_one_path_whatever_its_characters() {
        assert_eq!(
            include_exactly("/etc/ssh/sshd_config"),
            "--include=/etc/ssh/sshd_config"
        );
        assert_eq!(
            include_exactly(r"/home/a/notes[1]*?\x"),
            r"--include=/home/a/notes\[1\]\*\?\\x"
        );
    }

    #[test]
    fn backup_lines_are_read_as_data() {
        let status = r#"{"message_type":"status","seconds_elapsed":1,"seconds_remaining":3,"percent_done":0.25,"total_files":8,"files_done":2,"total_bytes":4096,"bytes_done":1024}"#;
        assert_eq!(
            parse_line(status),
            Some(Line::Status(Status {
                percent_done: 0.25,
                total_files: 8,
                files_done: 2,
                total_bytes: 4096,
                bytes_done: 1024,
                seconds_remaining: Some(3),
            }))
        );
        let error = r#"{"message_type":"error","error":{"Op":"open","Path":"/x/secret","Err":13},"during":"archival","item":"/x/secret"}"#;
        assert_eq!(
            parse_line(error),
            Some(Line::Unreadable(
                "/x/secret".into(),
                "permission denied".into()
            ))
        );
        let summary = r#"{"message_type":"summary","files_new":3,"files_changed":0,"files_unmodified":0,"data_added":120,"total_files_processed":3,"total_bytes_processed":99,"snapshot_id":"abcd1234"}"#;
        let Some(Line::Summary(s)) = parse_line(summary) else {
            panic!("not a summary")
        };
        assert_eq!((s.files_new, s.snapshot_id.as_str()), (3, "abcd1234"));
        assert_eq!(parse_line("not json"), None);
    }

    #[test]
    fn ls_and_forget_are_read_as_data() {
        let ls = concat!(
            r#"{"time":"2026-12-04T10:00:00Z","paths":["/d"],"id":"s1","short_id":"s1","struct_type":"snapshot"}"#,
            "\n",
            r#"{"name":"a","type":"file","path":"/d/a","size":5,"mtime":"2026-12-04T09:00:00Z","struct_type":"node"}"#,
            "\n",
            r#"{"name":"d","type":"dir","path":"/d","mtime":"2026-12-04T09:00:00Z","struct_type":"node"}"#,
        );
        let nodes = parse_ls(ls);
        assert_eq!(nodes.len(), 2);
        assert_eq!((nodes[0].path.as_str(), nodes[0].size), ("/d/a", 5));
        let forget = r#"reading repository password from stdin
[{"tags":null,"host":"h","paths":["/d"],"keep":[{"id":"k1","tree":"t1"}],"remove":[{"id":"r1","tree":"t1"},{"id":"r2","tree":"t2"}],"reasons":[]}]"#;
        let forgot = parse_forget(forget);
        assert_eq!(forgot.kept, ["k1"]);
        assert_eq!(forgot.removed, ["r1", "r2"]);
        assert!(forgot.frees_space, "r2's tree is kept by none");
        let same = r#"[{"keep":[{"id":"k1","tree":"t1"}],"remove":[{"id":"r1","tree":"t1"}]},{"keep":[{"id":"k2","tree":"t2"}],"remove":null}]"#;
        assert!(
            !parse_forget(same).frees_space,
            "an unchanged backup frees nothing"
        );
        let unsaid = r#"[{"keep":[{"id":"k1","tree":"t1"}],"remove":[{"id":"r1"}]}]"#;
        assert!(parse_forget(unsaid).frees_space);
        let unread = parse_forget("reading repository password from stdin\n[{\"keep\": [");
        assert!(!unread.read && unread.frees_space);
        assert!(!parse_forget("").read);
    }
}
