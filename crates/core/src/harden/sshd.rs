//! The SSH server's settings as sshd itself reads them: keywords in any
//! case, `Key value` or `Key=value` with any whitespace, `Include` with
//! globs (relative to /etc/ssh, sorted, nested), `Match` blocks, and the
//! first value winning. An Include loop is reported, never followed.

use super::check::{Evidence, Outcome};
use super::target::Target;

/// sshd refuses deeper nesting than this.
const MAX_DEPTH: usize = 16;
/// The main settings file, relative to the root.
pub const MAIN: &str = "etc/ssh/sshd_config";

/// One setting line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower case: keywords are not case-sensitive.
    pub keyword: String,
    pub value: String,
    /// The file, relative to the root.
    pub file: String,
    pub line: usize,
    pub text: String,
    /// The `Match` condition this line sits under, if any.
    pub matched: Option<String>,
}

impl Directive {
    pub fn evidence(&self) -> Evidence {
        let text = match &self.matched {
            Some(m) => format!("{} (inside \"Match {m}\")", self.text),
            None => self.text.clone(),
        };
        Evidence::file(&self.file, Some(self.line), &text)
    }
}

/// What makes the configuration unsound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A file includes itself, directly or through others.
    IncludeLoop(Evidence),
    /// Includes nested deeper than sshd accepts.
    TooDeep(Evidence),
    /// An Include names a file (no wildcard) that does not exist.
    MissingInclude(Evidence),
}

#[derive(Debug, Clone, Default)]
pub struct SshdConfig {
    pub directives: Vec<Directive>,
    pub problems: Vec<Problem>,
}

impl SshdConfig {
    /// Reads /etc/ssh/sshd_config and everything it includes; `None` when
    /// there is no server configuration.
    pub fn load(host: &Target) -> Result<Option<SshdConfig>, Outcome> {
        if host.read(MAIN)?.is_none() {
            return Ok(None);
        }
        let mut config = SshdConfig::default();
        let mut stack = Vec::new();
        config.read_file(host, MAIN, None, &mut stack)?;
        Ok(Some(config))
    }

    fn read_file(
        &mut self,
        host: &Target,
        rel: &str,
        matched: Option<String>,
        stack: &mut Vec<String>,
    ) -> Result<(), Outcome> {
        let Some(text) = host.read(rel)? else {
            return Ok(());
        };
        stack.push(rel.to_string());
        let mut matched = matched;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (keyword, rest) = split_keyword(line);
            let keyword = keyword.to_ascii_lowercase();
            let value = words(rest).join(" ");
            match keyword.as_str() {
                "match" => matched = Some(value),
                "include" => {
                    for pattern in words(rest) {
                        self.include(host, &pattern, rel, i + 1, line, &matched, stack)?;
                    }
                }
                _ => self.directives.push(Directive {
                    keyword,
                    value,
                    file: rel.to_string(),
                    line: i + 1,
                    text: line.to_string(),
                    matched: matched.clone(),
                }),
            }
        }
        stack.pop();
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn include(
        &mut self,
        host: &Target,
        pattern: &str,
        from: &str,
        line: usize,
        text: &str,
        matched: &Option<String>,
        stack: &mut Vec<String>,
    ) -> Result<(), Outcome> {
        let here = Evidence::file(from, Some(line), text);
        let pattern = match pattern.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("etc/ssh/{pattern}"),
        };
        let files = if pattern.contains(['*', '?', '[']) {
            glob(host, &pattern)
        } else if host.exists(&pattern) {
            vec![pattern.clone()]
        } else {
            self.problems.push(Problem::MissingInclude(here));
            return Ok(());
        };
        for file in files {
            if stack.contains(&file) {
                self.problems.push(Problem::IncludeLoop(here.clone()));
                continue;
            }
            if stack.len() >= MAX_DEPTH {
                self.problems.push(Problem::TooDeep(here.clone()));
                continue;
            }
            self.read_file(host, &file, matched.clone(), stack)?;
        }
        Ok(())
    }

    /// The value sshd uses for every connection: the first one outside a
    /// Match block.
    pub fn global(&self, keyword: &str) -> Option<&Directive> {
        self.directives
            .iter()
            .find(|d| d.matched.is_none() && d.keyword == keyword)
    }

    /// Every global line of a keyword sshd takes many times, such as Port.
    pub fn globals<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> {
        self.directives
            .iter()
            .filter(move |d| d.matched.is_none() && d.keyword == keyword)
    }

    /// Values set inside Match blocks, which apply to some connections.
    pub fn in_matches<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Directive> {
        self.directives
            .iter()
            .filter(move |d| d.matched.is_some() && d.keyword == keyword)
    }

    /// Later global lines that sshd ignores because an earlier line set
    /// the same keyword to something else: (the line in effect, the
    /// ignored one).
    pub fn ignored_duplicates(&self) -> Vec<(&Directive, &Directive)> {
        let mut out = Vec::new();
        for (i, d) in self.directives.iter().enumerate() {
            if d.matched.is_some() || MULTI_VALUED.contains(&d.keyword.as_str()) {
                continue;
            }
            if let Some(first) = self.directives[..i]
                .iter()
                .find(|e| e.matched.is_none() && e.keyword == d.keyword)
                && !first.value.eq_ignore_ascii_case(&d.value)
            {
                out.push((first, d));
            }
        }
        out
    }
}

/// Keywords sshd accepts many times, each adding to the list.
const MULTI_VALUED: &[&str] = &[
    "hostkey",
    "listenaddress",
    "port",
    "acceptenv",
    "subsystem",
    "allowusers",
    "denyusers",
    "allowgroups",
    "denygroups",
    "hostcertificate",
    "setenv",
    "permitopen",
    "permitlisten",
    "authorizedkeysfile",
];

/// "Keyword value", "Keyword=value", "Keyword = value", tabs allowed.
fn split_keyword(line: &str) -> (&str, &str) {
    let end = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let (keyword, rest) = line.split_at(end);
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    (keyword, rest)
}

/// The arguments: split on whitespace, double quotes grouping, a word
/// starting with '#' ending the line.
fn words(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in rest.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '#' if !quoted && !started => break,
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(current);
    }
    out
}

/// Files matching a glob under the root, sorted as sshd sorts them.
fn glob(host: &Target, pattern: &str) -> Vec<String> {
    let mut found = vec![String::new()];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for base in &found {
            let join = |name: &str| {
                if base.is_empty() {
                    name.to_string()
                } else {
                    format!("{base}/{name}")
                }
            };
            if part.contains(['*', '?', '[']) {
                for name in host.list(base).unwrap_or_default() {
                    if !name.starts_with('.') && wildcard(part, &name) {
                        next.push(join(&name));
                    }
                }
            } else {
                next.push(join(part));
            }
        }
        found = next;
    }
    let mut files: Vec<String> = found
        .into_iter()
        .filter(|f| matches!(host.meta(f), Ok(Some(m)) if m.is_file()))
        .collect();
    files.sort();
    files
}

/// Shell wildcards: `*`, `?` and `[abc]` / `[a-z]` / `[!x]`.
pub(crate) fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => {
                let Some(close) = p.iter().position(|&c| c == ']') else {
                    return n.first() == Some(&'[') && go(&p[1..], &n[1..]);
                };
                let Some(&c) = n.first() else { return false };
                let set = &p[1..close];
                let (negate, set) = match set.first() {
                    Some('!') | Some('^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[close + 1..], &n[1..])
            }
            Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
        }
    }
    go(&p, &n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_values_split_like_sshd() {
        assert_eq!(
            split_keyword("PermitRootLogin\tno"),
            ("PermitRootLogin", "no")
        );
        assert_eq!(
            split_keyword("permitrootlogin=yes"),
            ("permitrootlogin", "yes")
        );
        assert_eq!(
            split_keyword("X11Forwarding = yes  "),
            ("X11Forwarding", "yes  ")
        );
        assert_eq!(words("\"a b\" c # comment"), vec!["a b", "c"]);
    }

    #[test]
    fn wildcards_match_like_the_shell() {
        assert!(wildcard("*.conf", "10-x.conf"));
        assert!(!wildcard("*.conf", "x.conf.bak"));
        assert!(wildcard("[0-9]?-*", "50-cloud"));
        assert!(!wildcard("[!0-9]*", "50-cloud"));
    }
}
