//! Whether the SSH server lets an account in, and how: the settings that
//! apply to that account as sshd applies them (the first value in a
//! `Match` block that names the account, else the first global line),
//! `DenyUsers`, `AllowUsers`, `DenyGroups`, `AllowGroups`,
//! `PubkeyAuthentication`, `PasswordAuthentication` and
//! `AuthorizedKeysFile`.
//!
//! The lockout guard proves a way in that works from anywhere: a `Match`
//! on where the connection comes from (Address, Host, LocalPort, …) may or
//! may not apply, so the answer holds only when it holds both ways, and a
//! `USER@HOST` pattern allows nobody for certain but denies its user.

use super::sshd::{SshdConfig, wildcard};

/// An account as the SSH server sees it.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub uid: String,
    /// Absolute, as in /etc/passwd.
    pub home: String,
    /// Its primary and supplementary groups, by name.
    pub groups: Vec<String>,
}

/// How sshd would treat a login by one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The setting that refuses the account whatever it offers.
    pub refused_by: Option<String>,
    /// Key logins are on for this account.
    pub keys: bool,
    /// Where sshd looks for its keys, relative to the root.
    pub key_files: Vec<String>,
    /// Password logins are on for this account.
    pub passwords: bool,
}

/// What sshd does for `account` (with no configuration: its defaults).
pub fn access(config: Option<&SshdConfig>, account: &Account) -> Access {
    let empty = SshdConfig::default();
    let config = config.unwrap_or(&empty);
    let wherever = evaluate(config, account, true);
    let somewhere = evaluate(config, account, false);
    Access {
        refused_by: wherever.refused_by.clone().or(somewhere.refused_by.clone()),
        keys: wherever.keys && somewhere.keys,
        key_files: wherever
            .key_files
            .into_iter()
            .filter(|f| somewhere.key_files.contains(f))
            .collect(),
        passwords: wherever.passwords && somewhere.passwords,
    }
}

/// sshd's answer when Match conditions on the connection's origin hold
/// (`origin_matches`) or do not.
fn evaluate(config: &SshdConfig, account: &Account, origin_matches: bool) -> Access {
    let value = |keyword: &str| setting(config, keyword, account, origin_matches);
    let on = |keyword: &str, default: bool| {
        value(keyword).map_or(default, |(v, _)| !v.eq_ignore_ascii_case("no"))
    };
    Access {
        refused_by: refusal(config, account, origin_matches),
        keys: on("pubkeyauthentication", true),
        key_files: key_files(value("authorizedkeysfile").map(|(v, _)| v), account),
        passwords: on("passwordauthentication", true),
    }
}

/// The value of `keyword` for this account and where it was set.
fn setting(
    config: &SshdConfig,
    keyword: &str,
    account: &Account,
    origin_matches: bool,
) -> Option<(String, String)> {
    let applies = |m: &Option<String>| {
        m.as_deref()
            .is_some_and(|cond| condition_holds(cond, account, origin_matches))
    };
    let found = config
        .directives
        .iter()
        .find(|d| d.keyword == keyword && applies(&d.matched))
        .or_else(|| config.global(keyword))?;
    Some((found.value.clone(), where_set(found)))
}

fn where_set(d: &super::sshd::Directive) -> String {
    format!("{}:{} \"{}\"", d.file, d.line, d.text)
}

/// Whether a `Match` condition holds for this account: every criterion
/// must (User and Group by the account; the connection's origin as
/// `origin_matches` says).
fn condition_holds(cond: &str, account: &Account, origin_matches: bool) -> bool {
    let words: Vec<&str> = cond.split_whitespace().collect();
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("all")) {
        return true;
    }
    words.chunks(2).all(|pair| {
        let (criterion, patterns) = (pair[0].to_ascii_lowercase(), pair.get(1).copied());
        let patterns = patterns.unwrap_or_default();
        match criterion.as_str() {
            "user" => list_matches(patterns, &account.name),
            "group" => account.groups.iter().any(|g| list_matches(patterns, g)),
            _ => origin_matches,
        }
    })
}

/// An sshd pattern list: comma-separated wildcards; a `!` match refuses.
fn list_matches(list: &str, name: &str) -> bool {
    let mut hit = false;
    for p in list.split(',') {
        if let Some(negated) = p.strip_prefix('!') {
            if wildcard(negated, name) {
                return false;
            }
        } else if wildcard(p, name) {
            hit = true;
        }
    }
    hit
}

/// The Allow and Deny lines that keep this account out, in sshd's order.
fn refusal(config: &SshdConfig, account: &Account, origin_matches: bool) -> Option<String> {
    let lines = |keyword: &str| -> Vec<(Vec<String>, String)> {
        let in_match = config.directives.iter().find(|d| {
            d.keyword == keyword
                && d.matched
                    .as_deref()
                    .is_some_and(|c| condition_holds(c, account, origin_matches))
        });
        let chosen: Vec<&super::sshd::Directive> = match in_match {
            Some(d) => vec![d],
            None => config.globals(keyword).collect(),
        };
        chosen
            .into_iter()
            .map(|d| {
                let patterns = d.value.split_whitespace().map(str::to_string).collect();
                (patterns, where_set(d))
            })
            .collect()
    };
    // A Deny line refuses when a pattern matches; Allow lines, when none does.
    let verdict = |keyword: &str, deny: bool, hit: &dyn Fn(&str) -> bool| {
        let found = lines(keyword);
        let matched = found
            .iter()
            .find(|(patterns, _)| patterns.iter().any(|p| hit(p)));
        match (deny, matched) {
            (true, Some((_, at))) => Some(at.clone()),
            (false, None) => found.first().map(|(_, at)| at.clone()),
            _ => None,
        }
    };
    // A USER@HOST pattern denies its user (from somewhere) but allows no
    // one for certain.
    let user_denied = |p: &str| wildcard(p.split_once('@').map_or(p, |(u, _)| u), &account.name);
    let user_allowed = |p: &str| !p.contains('@') && wildcard(p, &account.name);
    let in_group = |p: &str| account.groups.iter().any(|g| wildcard(p, g));
    verdict("denyusers", true, &user_denied)
        .or_else(|| verdict("allowusers", false, &user_allowed))
        .or_else(|| verdict("denygroups", true, &in_group))
        .or_else(|| verdict("allowgroups", false, &in_group))
}

/// The key files sshd reads for this account, relative to the root:
/// `%h` is the home folder, `%u` the name, `%U` the number, `%%` a percent
/// sign; a path that is not absolute is inside the home folder.
fn key_files(value: Option<String>, account: &Account) -> Vec<String> {
    let value = value.unwrap_or_else(|| ".ssh/authorized_keys .ssh/authorized_keys2".into());
    if value.eq_ignore_ascii_case("none") {
        return Vec::new();
    }
    value
        .split_whitespace()
        .map(|p| {
            let expanded = p
                .replace("%%", "\u{0}")
                .replace("%h", &account.home)
                .replace("%u", &account.name)
                .replace("%U", &account.uid)
                .replace('\u{0}', "%");
            if expanded.starts_with('/') {
                expanded
            } else {
                format!("{}/{expanded}", account.home.trim_end_matches('/'))
            }
        })
        .map(|p| p.trim_start_matches('/').to_string())
        .collect()
}
