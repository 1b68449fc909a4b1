//! Looking inside a snapshot: one folder's entries, or the files whose
//! names match what the administrator typed. Read with root's key; what
//! comes back is restic's JSON, read as data.

use super::restic::{self, Restic};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The most matches a search shows.
const MOST_FOUND: usize = 200;

/// A file or folder in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupEntry")]
pub struct Entry {
    pub name: String,
    pub path: String,
    /// restic's word: "file", "dir", "symlink"…
    pub kind: String,
    #[ts(type = "number")]
    pub size: u64,
    pub mtime: String,
}

fn entry(node: restic::Node) -> Entry {
    Entry {
        name: Path::new(&node.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| node.path.clone()),
        path: node.path,
        kind: node.kind,
        size: node.size,
        mtime: node.mtime,
    }
}

/// A snapshot's id: hexadecimal, as `backup list` shows it (short or whole).
pub fn checked_snapshot(snapshot: &str) -> Result<&str> {
    if (8..=64).contains(&snapshot.len()) && snapshot.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(snapshot)
    } else {
        Err(Error::invalid_input(
            format!("\"{snapshot}\" is not a snapshot."),
            "Give a snapshot's id from shipshape backup list.",
        ))
    }
}

/// A full path inside a snapshot.
pub fn checked_inside(path: &str) -> Result<&str> {
    if path.starts_with('/')
        && !path.contains('\n')
        && !path.split('/').any(|c| c == ".." || c == ".")
    {
        Ok(path)
    } else {
        Err(Error::invalid_input(
            format!("\"{path}\" is not a full path inside the backup."),
            "Give the full path as the backup lists it, starting with /.",
        ))
    }
}

/// The entries directly inside `folder` in `snapshot`, folders first.
pub fn folder(r: &Restic<'_>, snapshot: &str, folder: &str) -> Result<Vec<Entry>> {
    let snapshot = checked_snapshot(snapshot)?;
    let folder = checked_inside(folder)?;
    let out = r.ok(&["ls", "--json", snapshot, "--", folder], None)?;
    let inside = Path::new(folder);
    let mut entries: Vec<Entry> = restic::parse_ls(&out.stdout)
        .into_iter()
        .filter(|n| Path::new(&n.path).parent() == Some(inside))
        .map(entry)
        .collect();
    entries.sort_by(|a, b| {
        (a.kind != "dir", a.name.to_lowercase()).cmp(&(b.kind != "dir", b.name.to_lowercase()))
    });
    Ok(entries)
}

/// The files and folders in `snapshot` whose name holds `words` (any
/// case; `*` and `?` as wildcards), at most `MOST_FOUND`.
pub fn find(r: &Restic<'_>, snapshot: &str, words: &str) -> Result<Vec<Entry>> {
    let snapshot = checked_snapshot(snapshot)?;
    let words = words.trim();
    if words.is_empty()
        || words.chars().count() > 100
        || words.contains(['/', '\n', '[', ']', '\\'])
    {
        return Err(Error::invalid_input(
            format!("\"{words}\" cannot be searched for."),
            "Type part of a file's name, like invoice or .pdf (no / in it).",
        ));
    }
    let pattern = format!("*{words}*");
    let out = r.ok(
        &[
            "find",
            "--json",
            "--ignore-case",
            "--snapshot",
            snapshot,
            "--",
            &pattern,
        ],
        None,
    )?;
    #[derive(Deserialize)]
    struct Found {
        #[serde(default)]
        matches: Vec<restic::Node>,
    }
    let found: Vec<Found> = serde_json::from_str(restic::json_list(&out.stdout))
        .map_err(|e| Error::internal(format!("restic's search could not be read: {e}")))?;
    Ok(found
        .into_iter()
        .flat_map(|f| f.matches)
        .take(MOST_FOUND)
        .map(entry)
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_snapshot_ids_and_full_paths_reach_restic() {
        assert!(checked_snapshot("cbd17b95").is_ok());
        assert!(checked_snapshot("latest").is_err());
        assert!(checked_snapshot("--password-file=/etc/shadow").is_err());
        assert!(checked_inside("/home/ann/letters").is_ok());
        assert!(checked_inside("home").is_err());
        assert!(checked_inside("/home/../etc").is_err());
        assert!(checked_inside("/a\nb").is_err());
    }

    #[test]
    fn an_entry_is_named_by_its_last_part() {
        let node: restic::Node = serde_json::from_str(
            r#"{"name":"f.txt","type":"file","path":"/tmp/rk/src/a/b/f.txt","size":2,"mtime":"2026-12-04T18:35:45Z"}"#,
        )
        .unwrap();
        let e = entry(node);
        assert_eq!(e.name, "f.txt");
        assert_eq!(e.kind, "file");
    }
}
