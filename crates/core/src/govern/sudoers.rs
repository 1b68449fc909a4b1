//! Who may act as administrator through sudo: the rules of /etc/sudoers
//! and the files it includes (`@include`, `@includedir` and their older
//! `#` spellings), with `User_Alias` names expanded. Each rule is kept
//! with its file and line, so a review can show where a right comes from.

use crate::host::Host;
use std::collections::BTreeMap;

/// Who a rule names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    User(String),
    Group(String),
    Everyone,
}

/// One sudo rule for one account or group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub who: Who,
    /// The rule as written (continuations joined).
    pub rule: String,
    pub file: String,
    pub line: u32,
}

/// How deep includes may nest: sudo itself stops at 128; a loop stops here.
const MAX_DEPTH: usize = 8;

/// The grants of /etc/sudoers under `host`, and a sentence for each file
/// that could not be read or line that could not be understood.
pub fn read(host: &Host) -> (Vec<Grant>, Vec<String>) {
    let mut state = State::default();
    state.file(host, "/etc/sudoers", 0);
    let grants = state.resolve();
    (grants, state.problems)
}

#[derive(Default)]
struct State {
    aliases: BTreeMap<String, Vec<String>>,
    /// Rules by the names they start with, unresolved.
    rules: Vec<(Vec<String>, String, String, u32)>,
    problems: Vec<String>,
    read: std::collections::BTreeSet<String>,
}

impl State {
    fn file(&mut self, host: &Host, path: &str, depth: usize) {
        // A file included twice (by name and by its folder) counts once.
        if !self.read.insert(path.to_string()) {
            return;
        }
        if depth > MAX_DEPTH {
            self.problems.push(format!(
                "{path} is included too deeply (a loop?); it was not read."
            ));
            return;
        }
        let text = match host.read(path.trim_start_matches('/')) {
            Ok(t) => t,
            Err(e) if depth == 0 && e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.problems
                    .push(format!("{path} could not be read: {e}."));
                return;
            }
        };
        let folder = path.rsplit_once('/').map_or("/", |(f, _)| f).to_string();
        let mut joined = String::new();
        let mut start = 0;
        for (n, raw) in text.lines().enumerate() {
            if joined.is_empty() {
                start = n as u32 + 1;
            }
            if let Some(cont) = raw.strip_suffix('\\') {
                joined.push_str(cont);
                joined.push(' ');
                continue;
            }
            joined.push_str(raw);
            let line = std::mem::take(&mut joined);
            self.line(host, &folder, path, start, line.trim(), depth);
        }
    }

    fn line(
        &mut self,
        host: &Host,
        folder: &str,
        file: &str,
        number: u32,
        line: &str,
        depth: usize,
    ) {
        let include = |rest: &str| {
            let target = rest.trim().trim_matches('"');
            if target.starts_with('/') {
                target.to_string()
            } else {
                format!("{folder}/{target}")
            }
        };
        for (word, dir) in [
            ("@includedir ", true),
            ("#includedir ", true),
            ("@include ", false),
            ("#include ", false),
        ] {
            if let Some(rest) = line.strip_prefix(word) {
                let target = include(rest);
                if dir {
                    self.folder(host, &target, depth);
                } else {
                    self.file(host, &target, depth + 1);
                }
                return;
            }
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with("Defaults") {
            return;
        }
        for kind in ["Host_Alias", "Runas_Alias", "Cmnd_Alias", "Cmd_Alias"] {
            if line.starts_with(kind) {
                return;
            }
        }
        if let Some(rest) = line.strip_prefix("User_Alias") {
            // User_Alias NAME = a, b : OTHER = c
            for part in rest.split(':') {
                if let Some((name, members)) = part.split_once('=') {
                    self.aliases.insert(name.trim().to_string(), list(members));
                }
            }
            return;
        }
        // A rule: USERS HOSTS = (RUNAS) COMMANDS
        let Some(users) = line
            .split_whitespace()
            .next()
            .filter(|_| line.contains('='))
        else {
            self.problems.push(format!(
                "{file} line {number} is not a sudo rule Shipshape understands: {line}"
            ));
            return;
        };
        self.rules
            .push((list(users), line.to_string(), file.to_string(), number));
    }

    fn folder(&mut self, host: &Host, dir: &str, depth: usize) {
        let path = host.path(dir);
        let Ok(entries) = std::fs::read_dir(&path) else {
            return;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // sudo skips names with a dot or ending in "~" (editor copies, package leftovers).
            .filter(|n| !n.contains('.') && !n.ends_with('~'))
            .collect();
        names.sort();
        for name in names {
            self.file(host, &format!("{dir}/{name}"), depth + 1);
        }
    }

    fn resolve(&self) -> Vec<Grant> {
        let mut grants = Vec::new();
        for (names, rule, file, line) in &self.rules {
            let mut seen = Vec::new();
            for name in names {
                self.expand(name, &mut seen, 0);
            }
            for who in seen {
                grants.push(Grant {
                    who,
                    rule: rule.clone(),
                    file: file.clone(),
                    line: *line,
                });
            }
        }
        grants
    }

    fn expand(&self, name: &str, into: &mut Vec<Who>, depth: usize) {
        if name.starts_with('!') || depth > MAX_DEPTH {
            return;
        }
        let who = if name == "ALL" {
            Who::Everyone
        } else if let Some(group) = name.strip_prefix('%') {
            Who::Group(group.trim_start_matches(':').to_string())
        } else if let Some(members) = self.aliases.get(name) {
            for m in members {
                self.expand(m, into, depth + 1);
            }
            return;
        } else {
            Who::User(name.trim_start_matches('#').to_string())
        };
        if !into.contains(&who) {
            into.push(who);
        }
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rules_aliases_and_included_files_are_read_with_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "etc/sudoers",
            "Defaults env_reset\n# comment\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
        );
        write(
            "etc/sudoers.d/10-office",
            "User_Alias OFFICE = sam, %accounts, \\\n  !guest\nOFFICE ALL = /usr/bin/apt\n#include extra\n",
        );
        write(
            "etc/sudoers.d/extra",
            "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl\nthis is not a rule\n",
        );
        write("etc/sudoers.d/README.txt", "ignored ALL=(ALL) ALL\n");
        write("etc/sudoers.d/old~", "ignored ALL=(ALL) ALL\n");
        let (grants, problems) = read(&Host::at(dir.path()));
        let who: Vec<(Who, &str, u32)> = grants
            .iter()
            .map(|g| (g.who.clone(), g.file.as_str(), g.line))
            .collect();
        assert_eq!(
            who,
            [
                (Who::User("root".into()), "/etc/sudoers", 3),
                (Who::Group("sudo".into()), "/etc/sudoers", 4),
                (Who::User("sam".into()), "/etc/sudoers.d/10-office", 3),
                (Who::Group("accounts".into()), "/etc/sudoers.d/10-office", 3),
                (Who::User("deploy".into()), "/etc/sudoers.d/extra", 1),
            ]
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("extra line 2"), "{problems:?}");
        // Files that include each other are read once each.
        write("etc/sudoers", "@include /etc/sudoers.d/a\n");
        write(
            "etc/sudoers.d/a",
            "@include /etc/sudoers\nsam ALL=(ALL) ALL\n",
        );
        let (grants, problems) = read(&Host::at(dir.path()));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            grants
                .iter()
                .filter(|g| g.who == Who::User("sam".into()))
                .count(),
            1
        );
    }
}
