//! Settings read from several files in order, where a later line wins:
//! apt.conf.d, limits.d, coredump.conf.d, the shell's profile files. A
//! fix there cannot just add one safe line (a later file would still win),
//! so every line that sets a setting unsafely is rewritten where it is,
//! and a setting that no file sets is added to one file of Shipshape's.

use super::edit::Edit;
use crate::harden::target::Target;
use crate::{Error, Result};
use std::collections::BTreeMap;

/// One setting, by how its lines look.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Whether a line (trimmed, not a comment) sets it.
    pub sets: fn(&str) -> bool,
    /// Whether such a line's value is already safe.
    pub safe: fn(&str) -> bool,
    /// The safe line that replaces an unsafe one.
    pub line: &'static str,
    /// Whether to add `line` to the default file when no file sets it.
    pub add: bool,
}

/// Where settings that no file sets are added.
#[derive(Debug, Clone, Copy)]
pub struct AddTo {
    pub file: &'static str,
    /// The first lines of the file when Shipshape creates it.
    pub header: &'static str,
}

fn comment(line: &str) -> bool {
    line.starts_with('#') || line.starts_with("//") || line.starts_with(';')
}

/// The words of a line before any trailing comment.
fn words(line: &str) -> usize {
    let code = line.split(" #").next().unwrap_or(line);
    let code = code.split(" //").next().unwrap_or(code);
    code.split_whitespace().count()
}

/// `text` with every unsafe line of `settings` made safe (keeping its
/// indentation and line ending), and which settings it sets. A line that
/// does more than set the setting (`umask 022; export X=1`) is not
/// rewritten: `Err` with its number, to be changed by hand.
fn made_safe(
    text: &str,
    settings: &[Setting],
) -> std::result::Result<(String, Vec<usize>), (usize, &'static str)> {
    let mut found = Vec::new();
    let mut out = String::with_capacity(text.len());
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let body = raw.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        let hit = (!trimmed.is_empty() && !comment(trimmed))
            .then(|| settings.iter().position(|s| (s.sets)(trimmed)))
            .flatten();
        match hit {
            Some(i) => {
                found.push(i);
                let setting = &settings[i];
                if (setting.safe)(trimmed) {
                    out.push_str(raw);
                } else if words(trimmed) > words(setting.line) {
                    return Err((n + 1, setting.line));
                } else {
                    let indent = &body[..body.len() - body.trim_start().len()];
                    out.push_str(indent);
                    out.push_str(setting.line);
                    out.push_str(&raw[body.len()..]);
                }
            }
            None => out.push_str(raw),
        }
    }
    Ok((out, found))
}

/// The edits that make `settings` safe across `files` (all of them that
/// exist), adding what no file sets to `add_to`.
pub fn edits(
    host: &Target,
    files: &[String],
    settings: &[Setting],
    add_to: AddTo,
) -> Result<Vec<Edit>> {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut found = Vec::new();
    for rel in files {
        let Some(text) = host.read_quiet(rel) else {
            continue;
        };
        let (new, hits) = made_safe(&text, settings).map_err(|(n, line)| {
            Error::invalid_input(
                format!(
                    "Line {n} of {} does more than set this, so Shipshape will not rewrite it.",
                    Target::shown(rel)
                ),
                format!("Change that line by hand to: {line}"),
            )
        })?;
        found.extend(hits);
        if new != text {
            texts.insert(rel.clone(), new);
        }
    }
    let missing: Vec<&Setting> = settings
        .iter()
        .enumerate()
        .filter(|(i, s)| s.add && !found.contains(i))
        .map(|(_, s)| s)
        .collect();
    if !missing.is_empty() {
        let mut text = match texts.get(add_to.file) {
            Some(t) => t.clone(),
            None => host
                .read_quiet(add_to.file)
                .unwrap_or_else(|| add_to.header.to_string()),
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for s in missing {
            text.push_str(s.line);
            text.push('\n');
        }
        texts.insert(add_to.file.to_string(), text);
    }
    let mut edits = Vec::new();
    for (rel, text) in texts {
        edits.extend(Edit::text(host, &rel, |_| text)?);
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: Setting = Setting {
        sets: |l| l.split_whitespace().take(3).eq(["*", "hard", "core"]),
        safe: |l| l.split_whitespace().nth(3) == Some("0"),
        line: "*    hard    core    0",
        add: true,
    };

    #[test]
    fn an_unsafe_line_is_rewritten_where_it_is_and_comments_stay() {
        let text = "# *    hard    core    unlimited\n  *    hard    core    unlimited\r\n@staff soft nproc 100\n";
        let (out, found) = made_safe(text, &[CORE]).unwrap_or_default();
        assert_eq!(
            out,
            "# *    hard    core    unlimited\n  *    hard    core    0\r\n@staff soft nproc 100\n"
        );
        assert_eq!(found, [0]);
    }

    #[test]
    fn a_safe_line_is_left_as_it_is() {
        let text = "*\thard\tcore\t0";
        assert_eq!(made_safe(text, &[CORE]), Ok((text.to_string(), vec![0])));
    }

    #[test]
    fn a_line_that_does_more_is_left_for_a_person() {
        const UMASK: Setting = Setting {
            sets: |l| l.split_whitespace().next() == Some("umask"),
            safe: |l| l.split_whitespace().nth(1) == Some("027"),
            line: "umask 027",
            add: false,
        };
        let text = "if true; then\n  umask 022; export LANG=C\nfi\n";
        assert_eq!(made_safe(text, &[UMASK]), Err((2, "umask 027")));
        let commented = "umask 022 # the old default\n";
        assert_eq!(
            made_safe(commented, &[UMASK]).map(|(t, _)| t),
            Ok("umask 027\n".to_string())
        );
    }
}
