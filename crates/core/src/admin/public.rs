//! Root's activity log, published for the user's app: the newest entries
//! of root's tamper-evident log (which never hold a secret), written by
//! root into a folder every account may read, so the Activity screen shows
//! what was done with administrator rights without asking for a password.

use crate::audit::{self, Entry, Filter, Page, Verdict};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use ts_rs::TS;

/// The published file's name inside the public folder.
pub const FILE: &str = "activity.json";

/// How many of root's newest entries are published.
const KEPT: u32 = 2000;

/// The largest published file the user's side reads.
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// The file as root writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Published {
    /// Root's newest entries, oldest first.
    entries: Vec<Entry>,
    /// The hash the first of them links to.
    first_prev_hash: String,
    written: String,
}

/// Root's log as the user's app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdminActivity {
    /// Newest first, like the user's own list.
    pub entries: Vec<Entry>,
    pub chain: Verdict,
    /// When root last published it.
    pub written: String,
}

/// One page of root's log, as the Activity screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdminPage {
    pub page: Page,
    /// The chain of everything published, not only this page.
    pub chain: Verdict,
    pub written: String,
}

impl AdminActivity {
    /// The entries matching `filter`, newest first, a page at a time.
    pub fn page(&self, filter: &Filter, before: Option<u32>) -> Result<AdminPage> {
        Ok(AdminPage {
            page: audit::page_of(&self.searchable()?, filter, before)?,
            chain: self.chain.clone(),
            written: self.written.clone(),
        })
    }

    /// Every entry matching `filter`, oldest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Entry>> {
        audit::list_of(&self.searchable()?, filter)
    }

    /// A private in-memory copy of the published entries, so root's log is
    /// searched by the very queries that search the user's own.
    fn searchable(&self) -> Result<rusqlite::Connection> {
        let failed = |e: rusqlite::Error| {
            Error::internal(format!("root's activity could not be searched: {e}"))
        };
        let conn = rusqlite::Connection::open_in_memory().map_err(failed)?;
        conn.execute_batch(crate::store::AUDIT_LOG_SCHEMA)
            .map_err(failed)?;
        for e in &self.entries {
            // Each entry's link was checked when the file was read.
            audit::insert_row(&conn, e, "").map_err(failed)?;
        }
        Ok(conn)
    }
}

/// Writes root's newest entries into `dir` (root's, world-readable).
pub fn publish(store: &Store, dir: &Path, now: DateTime<Utc>) -> Result<()> {
    let (entries, first_prev_hash) = audit::newest_with_link(store, KEPT)?;
    let published = Published {
        entries,
        first_prev_hash,
        written: now.to_rfc3339_opts(SecondsFormat::Secs, true),
    };
    let json = serde_json::to_vec(&published).map_err(|e| Error::internal(e.to_string()))?;
    publish_file(dir, FILE, &json)
}

/// Root's published log in `dir`; `None` when nothing was done with
/// administrator rights yet. A file that is not root's is refused: only
/// root's own words are shown as root's.
pub fn read(dir: &Path) -> Result<Option<AdminActivity>> {
    let Some(bytes) = read_roots(dir, FILE)? else {
        return Ok(None);
    };
    let published: Published = serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(
            ErrorCode::Conflict,
            format!("The administrator's activity record could not be read: {e}."),
            "Shipshape writes a new one with its next change made with administrator rights.",
        )
    })?;
    let chain = check(&published);
    let mut entries = published.entries;
    entries.reverse();
    Ok(Some(AdminActivity {
        entries,
        chain,
        written: published.written,
    }))
}

/// A file root published in `dir`; `None` when there is none yet. A file
/// that is not root's (or in a folder not root's), or is too large, is
/// refused: only root's own words are shown as root's.
pub fn read_roots(dir: &Path, name: &str) -> Result<Option<Vec<u8>>> {
    let path = dir.join(name);
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(
            rustix::fs::OFlags::NOFOLLOW.bits() as i32 | rustix::fs::OFlags::NONBLOCK.bits() as i32,
        )
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", &path, &e)),
    };
    let meta = file.metadata().map_err(|e| Error::io("read", &path, &e))?;
    let root_owned = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.uid() == 0);
    if !meta.is_file() || meta.uid() != 0 || !root_owned(dir) || meta.len() > MAX_BYTES {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not a record written by the administrator, so it is not shown.",
                path.display()
            ),
            "Ask the administrator to look at it; Shipshape writes a new one with its next change.",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", &path, &e))?;
    Ok(Some(bytes))
}

/// Writes `bytes` as root's published file `name` in `dir`.
pub fn publish_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let options = crate::atomic_file::Options {
        mode: Some(0o644),
        owner: Some((0, 0)),
    };
    crate::atomic_file::write_with(&dir.join(name), bytes, options)
}

/// Walks the published entries: each must hash to its recorded hash from
/// the one before, with no number missing.
fn check(p: &Published) -> Verdict {
    let mut prev = p.first_prev_hash.as_str();
    let first = p.entries.first().map_or(1, |e| e.seq);
    for (expected_seq, e) in (first..).zip(&p.entries) {
        if e.seq != expected_seq {
            return Verdict::Tampered {
                entry: expected_seq,
                problem: format!("entry {expected_seq} is missing"),
            };
        }
        if audit::chain_hash(prev, e) != e.hash {
            return Verdict::Tampered {
                entry: e.seq,
                problem: format!("entry {} was changed after it was written", e.seq),
            };
        }
        prev = &e.hash;
    }
    Verdict::Intact {
        entries: p.entries.len() as u32,
    }
}
