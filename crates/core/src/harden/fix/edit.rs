//! What a fix changes, planned from what is on disk: the new text of a
//! file, new permissions, or a kernel setting's new value. Each edit shows
//! itself for the preview and becomes a step of the change.

use super::PreviewStep;
use super::change::{FileState, Step, checksum, setting_name};
use crate::harden::target::Target;
use crate::{Error, Result};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// A file's state together with its content.
#[derive(Debug, Clone)]
pub struct Content {
    pub state: FileState,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum Edit {
    File {
        rel: String,
        before: Option<Content>,
        after: Content,
    },
    Kernel {
        rel: String,
        before: String,
        after: String,
    },
    /// A boot-time link of `unit` removed.
    Unlink {
        rel: String,
        unit: String,
        target: String,
    },
    /// A boot-time link of `unit` added, pointing at its unit file.
    Link {
        rel: String,
        unit: String,
        target: String,
    },
    /// `unit` stopped now.
    Stop { unit: String },
    /// `unit` restarted (or, with `reload`, told to read its settings
    /// again) after the other edits, to use them.
    Restart {
        unit: String,
        why: &'static str,
        reload: bool,
    },
}

/// `rel`'s state and content, read with the rights of the account whose
/// folder it is in, if any (see `as_account`).
fn read(root: &Path, rel: &str) -> Result<Option<Content>> {
    crate::as_account::on(root, rel, &Target::shown(rel), || {
        Ok(
            FileState::read_with_content(&super::write::under(root, rel)?)?
                .map(|(state, bytes)| Content { state, bytes }),
        )
    })
}

impl Edit {
    /// `rel` with the text `change` makes of it (given "" for a file that
    /// does not exist yet); `None` when nothing would change. A new file
    /// gets mode 0644 and the owner of its folder.
    pub fn text(
        host: &Target,
        rel: &str,
        change: impl FnOnce(&str) -> String,
    ) -> Result<Option<Edit>> {
        let root = host.root();
        let before = read(root, rel)?;
        let old = match &before {
            Some(c) => String::from_utf8(c.bytes.clone()).map_err(|_| {
                Error::invalid_input(
                    format!(
                        "{} is not a text file, so Shipshape will not edit it.",
                        Target::shown(rel)
                    ),
                    "Change it by hand.",
                )
            })?,
            None => String::new(),
        };
        let new = change(&old);
        if before.is_some() && new == old {
            return Ok(None);
        }
        let (mode, uid, gid) = match &before {
            Some(c) => (c.state.mode, c.state.uid, c.state.gid),
            None => {
                let dir = super::write::under(root, rel)?;
                let dir = dir.parent().unwrap_or(root);
                let meta = std::fs::metadata(dir).map_err(|e| Error::io("read", dir, &e))?;
                (0o644, meta.uid(), meta.gid())
            }
        };
        let bytes = new.into_bytes();
        let after = Content {
            state: FileState {
                sha256: checksum(&bytes),
                size: bytes.len() as u64,
                mode,
                uid,
                gid,
            },
            bytes,
        };
        Ok(Some(Edit::File {
            rel: rel.to_string(),
            before,
            after,
        }))
    }

    /// New permissions for `rel`; `None` when it does not exist or already
    /// has them.
    pub fn permissions(
        host: &Target,
        rel: &str,
        mode: u32,
        uid: u32,
        gid: u32,
    ) -> Result<Option<Edit>> {
        let Some(before) = read(host.root(), rel)? else {
            return Ok(None);
        };
        let s = &before.state;
        if (s.mode, s.uid, s.gid) == (mode, uid, gid) {
            return Ok(None);
        }
        let after = Content {
            state: FileState {
                mode,
                uid,
                gid,
                ..before.state.clone()
            },
            bytes: before.bytes.clone(),
        };
        Ok(Some(Edit::File {
            rel: rel.to_string(),
            before: Some(before),
            after,
        }))
    }

    /// A live kernel setting under proc/sys; `None` when the kernel has no
    /// such setting or it already has `value`.
    pub fn kernel(host: &Target, rel: &str, value: i64) -> Result<Option<Edit>> {
        let path = host.root().join(rel);
        let Ok(before) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        let after = value.to_string();
        if before.trim() == after {
            return Ok(None);
        }
        Ok(Some(Edit::Kernel {
            rel: rel.to_string(),
            before: before.trim().to_string(),
            after,
        }))
    }

    pub fn after_bytes(&self) -> Option<&[u8]> {
        match self {
            Edit::File { after, .. } => Some(&after.bytes),
            _ => None,
        }
    }

    pub fn before_bytes(&self) -> Option<&[u8]> {
        match self {
            Edit::File {
                before: Some(b), ..
            } => Some(&b.bytes),
            _ => None,
        }
    }

    pub fn into_step(self) -> Step {
        match self {
            Edit::File { rel, before, after } => Step::File {
                path: rel,
                before: before.map(|c| c.state),
                after: Some(after.state),
            },
            Edit::Kernel { rel, before, after } => Step::Kernel {
                path: rel,
                before,
                after,
            },
            Edit::Unlink { rel, target, .. } => Step::Link {
                path: rel,
                before: Some(target),
                after: None,
            },
            Edit::Link { rel, target, .. } => Step::Link {
                path: rel,
                before: None,
                after: Some(target),
            },
            Edit::Stop { unit } => Step::Running {
                unit,
                before: true,
                after: false,
            },
            Edit::Restart { unit, reload, .. } => Step::Restart { unit, reload },
        }
    }

    pub fn preview(&self) -> PreviewStep {
        match self {
            Edit::File { rel, before, after } => file_preview(rel, before.as_ref(), after),
            Edit::Kernel { rel, before, after } => {
                let name = setting_name(rel);
                PreviewStep {
                    target: name.clone(),
                    summary: format!(
                        "Set {name} to {after} (it is {before} now), and keep it after a restart."
                    ),
                    diff: String::new(),
                    command: format!("sysctl -w {name}={after}"),
                }
            }
            Edit::Unlink { rel, unit, .. } => PreviewStep {
                target: Target::shown(rel),
                summary: format!("Stop {unit} from starting when the computer starts."),
                diff: String::new(),
                command: format!("systemctl disable {unit}"),
            },
            Edit::Link { rel, unit, .. } => PreviewStep {
                target: Target::shown(rel),
                summary: format!("Start {unit} when the computer starts."),
                diff: String::new(),
                command: format!("systemctl enable {unit}"),
            },
            Edit::Stop { unit } => PreviewStep {
                target: unit.clone(),
                summary: format!("Stop {unit} now."),
                diff: String::new(),
                command: format!("systemctl stop {unit}"),
            },
            Edit::Restart { unit, why, reload } => {
                let verb = if *reload { "reload" } else { "restart" };
                PreviewStep {
                    target: unit.clone(),
                    summary: format!(
                        "{} {unit} {why}.",
                        if *reload { "Reload" } else { "Restart" }
                    ),
                    diff: String::new(),
                    command: format!("systemctl {verb} {unit}"),
                }
            }
        }
    }
}

fn file_preview(rel: &str, before: Option<&Content>, after: &Content) -> PreviewStep {
    let shown = Target::shown(rel);
    let content_changes = before.is_none_or(|b| b.bytes != after.bytes);
    let (summary, diff) = if content_changes {
        let old = before
            .map(|b| String::from_utf8_lossy(&b.bytes).into_owned())
            .unwrap_or_default();
        let new = String::from_utf8_lossy(&after.bytes).into_owned();
        let diff = similar::TextDiff::from_lines(&old, &new);
        let changed = diff
            .iter_all_changes()
            .filter(|c| c.tag() != similar::ChangeTag::Equal)
            .count();
        let summary = match before {
            None => format!("Create {shown}."),
            Some(_) => format!("Change {} in {shown}.", plural(changed, "line")),
        };
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{shown} (now)"),
                &format!("{shown} (after the fix)"),
            )
            .to_string();
        (summary, text)
    } else {
        (String::new(), String::new())
    };
    let mut command = Vec::new();
    let mut words = vec![summary];
    if let Some(b) = before {
        let (s, a) = (&b.state, &after.state);
        if (s.uid, s.gid) != (a.uid, a.gid) {
            command.push(format!("chown {}:{} {shown}", a.uid, a.gid));
            words.push(format!(
                "Give {shown} to owner {} and group {} (now {} and {}).",
                a.uid, a.gid, s.uid, s.gid
            ));
        }
        if s.mode != a.mode {
            command.push(format!("chmod {:04o} {shown}", a.mode));
            words.push(format!(
                "Set the permissions of {shown} to {} (now {}).",
                mode_words(a.mode),
                mode_words(s.mode)
            ));
        }
    }
    PreviewStep {
        target: shown,
        summary: words
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        diff,
        command: command.join(" && "),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "0640: the owner reads and writes, the group reads, others nothing".
pub fn mode_words(mode: u32) -> String {
    fn who(bits: u32) -> &'static str {
        match (bits & 4 != 0, bits & 2 != 0) {
            (true, true) => "read and change",
            (true, false) => "read",
            (false, true) => "change",
            (false, false) => "nothing",
        }
    }
    format!(
        "{mode:04o}: the owner may {}, the group {}, others {}",
        who(mode >> 6),
        who(mode >> 3),
        who(mode)
    )
}

/// The text split into lines, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Whether a line is a setting (not blank, not a comment).
fn active(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// `text` with line `n` (from 1) replaced by `new` (without its ending),
/// keeping the line's indentation and ending.
pub fn replace_line(text: &str, n: usize, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    for (i, l) in lines(text).into_iter().enumerate() {
        if i + 1 == n {
            let indent: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            let ending = if l.ends_with("\r\n") {
                "\r\n"
            } else if l.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            out.push_str(&indent);
            out.push_str(new);
            out.push_str(ending);
        } else {
            out.push_str(l);
        }
    }
    out
}

/// `text` with every setting line that `is_key` picks replaced by `line`,
/// or `line` added at the end when there is none. Every line is changed,
/// not only the one in effect, so no reader is left with the old value.
fn set_everywhere(text: &str, is_key: impl Fn(&str) -> bool, line: &str) -> String {
    let found: Vec<usize> = lines(text)
        .iter()
        .enumerate()
        .filter(|(_, l)| active(l) && is_key(l.trim()))
        .map(|(i, _)| i + 1)
        .collect();
    if found.is_empty() {
        return format!("{}{line}\n", with_newline(text));
    }
    found
        .into_iter()
        .fold(text.to_string(), |t, n| replace_line(&t, n, line))
}

/// Sets a "KEY value" setting (login.defs).
pub fn set_word(text: &str, key: &str, value: &str) -> String {
    set_everywhere(
        text,
        |l| l.split_whitespace().next() == Some(key),
        &format!("{key}\t{value}"),
    )
}

/// Sets a "KEY=value" setting (shell-style defaults files).
pub fn set_assignment(text: &str, key: &str, value: &str) -> String {
    set_everywhere(
        text,
        |l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key),
        &format!("{key}={value}"),
    )
}

/// Sets "name = value" in a sysctl.d file.
pub fn set_sysctl(text: &str, name: &str, value: i64) -> String {
    let text = if text.is_empty() {
        "# Kernel settings made by Shipshape's security fixes.\n"
    } else {
        text
    };
    set_everywhere(
        text,
        |l| l.split_once('=').is_some_and(|(k, _)| k.trim() == name),
        &format!("{name} = {value}"),
    )
}

/// Adds a global sshd setting to the main file: before the first Match
/// block (whose lines apply only to some connections), or at the end.
pub fn add_sshd_global(text: &str, line: &str) -> String {
    let all = lines(text);
    let first_match = all.iter().position(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("match"))
    });
    match first_match {
        Some(i) => {
            let mut out: String = all[..i].concat();
            out = with_newline(&out);
            out.push_str(line);
            out.push('\n');
            out.push_str(&all[i..].concat());
            out
        }
        None => format!("{}{line}\n", with_newline(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_and_a_restart_show_their_own_command_and_step() {
        let reload = Edit::Restart {
            unit: "ssh.service".into(),
            why: "so the SSH server uses the new settings",
            reload: true,
        };
        let shown = reload.preview();
        assert_eq!(shown.command, "systemctl reload ssh.service");
        assert_eq!(
            shown.summary,
            "Reload ssh.service so the SSH server uses the new settings."
        );
        let step = reload.into_step();
        assert_eq!(step.reversed(), step, "a reload is its own reverse");
        let restart = Edit::Restart {
            unit: "ufw.service".into(),
            why: "so the firewall uses its new settings",
            reload: false,
        };
        assert_eq!(restart.preview().command, "systemctl restart ufw.service");
    }

    #[test]
    fn a_word_setting_changes_every_line_that_sets_it() {
        let text = "# comment\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS 0\nPASS_MAX_DAYS 500\n";
        assert_eq!(
            set_word(text, "PASS_MAX_DAYS", "365"),
            "# comment\nPASS_MAX_DAYS\t365\nPASS_MIN_DAYS 0\nPASS_MAX_DAYS\t365\n"
        );
    }

    #[test]
    fn a_missing_setting_is_added_even_without_a_final_newline() {
        assert_eq!(
            set_word("UMASK 022", "PASS_WARN_AGE", "7"),
            "UMASK 022\nPASS_WARN_AGE\t7\n"
        );
        assert_eq!(set_assignment("", "INACTIVE", "45"), "INACTIVE=45\n");
        assert_eq!(
            set_assignment("# INACTIVE=-1\nSHELL=/bin/sh\n", "INACTIVE", "45"),
            "# INACTIVE=-1\nSHELL=/bin/sh\nINACTIVE=45\n"
        );
    }

    #[test]
    fn replacing_keeps_indentation_and_line_endings() {
        assert_eq!(replace_line("a\r\n\tX 1\r\nb", 2, "X 2"), "a\r\n\tX 2\r\nb");
        assert_eq!(replace_line("a\nlast", 2, "new"), "a\nnew");
    }

    #[test]
    fn sshd_globals_go_before_the_first_match_block() {
        let text = "Port 22\nmatch User bob\n  X11Forwarding yes\n";
        assert_eq!(
            add_sshd_global(text, "PermitRootLogin no"),
            "Port 22\nPermitRootLogin no\nmatch User bob\n  X11Forwarding yes\n"
        );
        assert_eq!(add_sshd_global("Port 22", "A b"), "Port 22\nA b\n");
    }

    #[test]
    fn sysctl_files_get_a_heading_once() {
        let one = set_sysctl("", "kernel.kptr_restrict", 1);
        assert_eq!(
            one,
            "# Kernel settings made by Shipshape's security fixes.\nkernel.kptr_restrict = 1\n"
        );
        let two = set_sysctl(&one, "kernel.kptr_restrict", 2);
        assert!(two.ends_with("kernel.kptr_restrict = 2\n"));
        assert_eq!(two.lines().count(), 2);
    }

    #[test]
    fn modes_read_as_words() {
        assert_eq!(
            mode_words(0o640),
            "0640: the owner may read and change, the group read, others nothing"
        );
    }
}
