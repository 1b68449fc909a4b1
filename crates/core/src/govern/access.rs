//! Who can use this computer: every account (people told apart from the
//! system's own by login.defs' UID range and their shell), who may act as
//! administrator (the sudo, wheel and admin groups, sudo rules, polkit's
//! administrator rules), each account's SSH keys, its password's state and
//! age, its last login, and which accounts have not been used for long.
//! Read from a root folder, so a test or a mounted disk is read the same.

use super::keys::{self, Key};
use super::sudoers::{self, Who};
use crate::host::Host;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A password's state, from /etc/shadow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PasswordState {
    /// A password is set and not locked.
    Set,
    /// Locked ("!" in /etc/shadow): it cannot be used to log in.
    Locked,
    /// No password is needed: anyone can log in as this account.
    Empty,
    /// No password was ever set ("*"): only keys or sudo reach it.
    None,
    /// /etc/shadow could not be read (it is root's alone).
    Unknown,
}

/// One account, as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub home: String,
    pub shell: String,
    /// A person's account (not one of the system's own).
    pub human: bool,
    /// Every group it is in, its own first.
    pub groups: Vec<String>,
    /// Why it may act as administrator, each in plain words with where
    /// it comes from; empty when it may not.
    pub admin: Vec<String>,
    pub password: PasswordState,
    /// When the password last changed (a day, YYYY-MM-DD).
    pub password_changed: Option<String>,
    /// The password is past its maximum age.
    pub password_expired: bool,
    pub last_login: Option<String>,
    /// A person's account not used for `dormant_days` or more (or never).
    pub dormant: bool,
    pub keys: Vec<Key>,
}

/// Everything the review reads, with what could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AccessInventory")]
pub struct Inventory {
    pub time: String,
    pub accounts: Vec<Account>,
    /// Beyond this many days without a login, a person's account is dormant.
    pub dormant_days: u32,
    /// Lines or files that could not be read, in plain words.
    pub problems: Vec<String>,
}

/// CIS Control 5.3: disable dormant accounts after 45 days.
pub const DORMANT_DAYS: u32 = 45;

/// The groups whose members may act as administrator on Debian, Ubuntu
/// and Fedora, through sudo's and polkit's own defaults.
const ADMIN_GROUPS: &[&str] = &["sudo", "wheel", "admin"];

struct Passwd {
    name: String,
    uid: u32,
    gid: u32,
    home: String,
    shell: String,
}

/// Reads the accounts of the system under `host`'s root at `now`.
pub fn inventory(host: &Host, now: DateTime<Utc>) -> Inventory {
    let mut problems = Vec::new();
    let mut read = |rel: &str| match host.read(rel) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(format!("/{rel} could not be read: {e}."));
            None
        }
    };
    let passwd = read("etc/passwd").unwrap_or_default();
    let group = read("etc/group").unwrap_or_default();
    let shadow = host.read("etc/shadow").ok();
    let defs = host.read("etc/login.defs").unwrap_or_default();
    let (uid_min, uid_max) = uid_range(&defs);

    let mut users = Vec::new();
    for (n, line) in passwd.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        match (
            f.len(),
            f.first(),
            f.get(2).and_then(|u| u.parse().ok()),
            f.get(3).and_then(|g| g.parse().ok()),
        ) {
            (7, Some(name), Some(uid), Some(gid)) if !name.is_empty() => users.push(Passwd {
                name: name.to_string(),
                uid,
                gid,
                home: f[5].to_string(),
                shell: f[6].to_string(),
            }),
            _ => problems.push(format!(
                "/etc/passwd line {} is not an account: it was left out.",
                n + 1
            )),
        }
    }
    let (groups_of, group_names) = groups(&group, &mut problems);
    let shadows = shadow
        .as_deref()
        .map(|t| parse_shadow(t, &mut problems))
        .unwrap_or_default();
    let (grants, sudo_problems) = sudoers::read(host);
    problems.extend(sudo_problems);
    let polkit = polkit_admins(host);
    let logins = last_logins(host, &users, &mut problems);
    let today = now.date_naive();

    let mut accounts = Vec::new();
    for u in &users {
        let own = group_names.get(&u.gid).cloned();
        let mut groups: Vec<String> = own.into_iter().collect();
        for g in groups_of.get(&u.name).into_iter().flatten() {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
        let names = |who: &Who| match who {
            Who::User(n) => *n == u.name,
            Who::Group(g) => groups.contains(g),
            Who::Everyone => true,
        };
        let mut admin = Vec::new();
        if u.uid == 0 {
            admin.push("It is the administrator account (root).".to_string());
        }
        for g in groups.iter().filter(|g| ADMIN_GROUPS.contains(&g.as_str())) {
            admin.push(format!("It is in the {g} group."));
        }
        for grant in grants.iter().filter(|g| names(&g.who)) {
            admin.push(format!(
                "sudo rule in {} line {}: {}",
                grant.file, grant.line, grant.rule
            ));
        }
        for (_, file) in polkit.iter().filter(|(who, _)| names(who)) {
            admin.push(format!("polkit administrator rule in {file}."));
        }
        let login_shell = !["nologin", "false", "sync", "halt", "shutdown"]
            .iter()
            .any(|s| u.shell.ends_with(s));
        let human = u.uid == 0 || ((uid_min..=uid_max).contains(&u.uid) && login_shell);
        let line = shadows.get(&u.name);
        let password = match (line, shadow.is_some()) {
            (Some(s), _) => s.state,
            // Readable, but no line: no password was ever set.
            (None, true) => PasswordState::None,
            (None, false) => PasswordState::Unknown,
        };
        let expired = line
            .and_then(|s| Some((s.changed_day?, s.max_days?)))
            .is_some_and(|(day, max)| day + chrono::Days::new(max) < today);
        let last = logins.get(&u.name).copied();
        let keys = if human {
            authorized_keys(host, u, &mut problems)
        } else {
            Vec::new()
        };
        let way_in =
            matches!(password, PasswordState::Set | PasswordState::Empty) || !keys.is_empty();
        let dormant =
            human && way_in && last.is_none_or(|t| (now - t).num_days() >= i64::from(DORMANT_DAYS));
        accounts.push(Account {
            name: u.name.clone(),
            uid: u.uid,
            home: u.home.clone(),
            shell: u.shell.clone(),
            human,
            groups,
            admin,
            password,
            password_changed: line
                .and_then(|s| s.changed_day)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            password_expired: expired,
            last_login: last.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            dormant,
            keys,
        });
    }
    Inventory {
        time: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        accounts,
        dormant_days: DORMANT_DAYS,
        problems,
    }
}

/// UID_MIN and UID_MAX from login.defs (1000 and 60000 when unset).
fn uid_range(defs: &str) -> (u32, u32) {
    let value = |key: &str, default: u32| {
        defs.lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some(key)).then(|| w.next()?.parse().ok())?
            })
            .next_back()
            .unwrap_or(default)
    };
    (value("UID_MIN", 1000), value("UID_MAX", 60000))
}

/// Members of each group (by account), and each group's name by number.
fn groups(
    text: &str,
    problems: &mut Vec<String>,
) -> (BTreeMap<String, Vec<String>>, BTreeMap<u32, String>) {
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split(':').collect();
        let (4, Some(gid)) = (f.len(), f.get(2).and_then(|g| g.parse::<u32>().ok())) else {
            problems.push(format!(
                "/etc/group line {} is not a group: it was left out.",
                n + 1
            ));
            continue;
        };
        names.insert(gid, f[0].to_string());
        for m in f[3].split(',').map(str::trim).filter(|m| !m.is_empty()) {
            members
                .entry(m.to_string())
                .or_default()
                .push(f[0].to_string());
        }
    }
    (members, names)
}

struct Shadow {
    state: PasswordState,
    changed_day: Option<NaiveDate>,
    max_days: Option<u64>,
}

fn parse_shadow(text: &str, problems: &mut Vec<String>) -> BTreeMap<String, Shadow> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(n, line)| {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() < 5 || f[0].is_empty() {
                problems.push(format!(
                    "/etc/shadow line {} is not an account's password entry: it was left out.",
                    n + 1
                ));
                return None;
            }
            let hash = f[1];
            let state = if hash.is_empty() {
                PasswordState::Empty
            } else if hash.starts_with('!') {
                PasswordState::Locked
            } else if hash.starts_with('*') {
                PasswordState::None
            } else {
                PasswordState::Set
            };
            let changed_day = f[2]
                .parse::<u64>()
                .ok()
                .filter(|d| *d > 0)
                .and_then(|d| epoch.checked_add_days(chrono::Days::new(d)));
            let max_days = f[4].parse::<u64>().ok().filter(|d| *d < 99_999);
            Some((
                f[0].to_string(),
                Shadow {
                    state,
                    changed_day,
                    max_days,
                },
            ))
        })
        .collect()
}

/// Who polkit's own rules make an administrator: `unix-group:` and
/// `unix-user:` in rules that call `addAdminRule`, and the old
/// `AdminIdentities=` setting; each with its file.
fn polkit_admins(host: &Host) -> Vec<(Who, String)> {
    let mut found = Vec::new();
    let mut named = |text: &str, file: &str| {
        for word in text.split(['"', '\'', ';', ',', ' ', '\n', '[', ']', '=']) {
            if let Some(g) = word.strip_prefix("unix-group:") {
                found.push((Who::Group(g.to_string()), file.to_string()));
            } else if let Some(u) = word.strip_prefix("unix-user:") {
                found.push((Who::User(u.to_string()), file.to_string()));
            }
        }
    };
    for dir in ["etc/polkit-1/rules.d", "usr/share/polkit-1/rules.d"] {
        let Ok(entries) = std::fs::read_dir(host.path(format!("/{dir}"))) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rules"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{dir}/{name}");
            if let Ok(text) = host.read(&rel)
                && text.contains("addAdminRule")
            {
                let start = text.find("addAdminRule").unwrap_or(0);
                named(&text[start..], &format!("/{rel}"));
            }
        }
    }
    let Ok(entries) = std::fs::read_dir(host.path("/etc/polkit-1/localauthority.conf.d")) else {
        return found;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let rel = format!(
            "etc/polkit-1/localauthority.conf.d/{}",
            e.file_name().to_string_lossy()
        );
        if let Ok(text) = host.read(&rel) {
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("AdminIdentities"))
            {
                named(line, &format!("/{rel}"));
            }
        }
    }
    found
}

/// Each account's last login: lastlog2's database where there is one,
/// else the classic /var/log/lastlog (one 292-byte record per UID).
fn last_logins(
    host: &Host,
    users: &[Passwd],
    problems: &mut Vec<String>,
) -> BTreeMap<String, DateTime<Utc>> {
    let mut found = BTreeMap::new();
    let db = host.path("/var/lib/lastlog/lastlog2.db");
    if db.exists() {
        let read = || -> rusqlite::Result<Vec<(String, i64)>> {
            let conn = rusqlite::Connection::open_with_flags(
                &db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            let mut stmt = conn.prepare("SELECT Name, Time FROM Lastlog2")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        match read() {
            Ok(rows) => {
                for (name, t) in rows {
                    if let Some(t) = DateTime::from_timestamp(t, 0).filter(|_| t > 0) {
                        found.insert(name, t);
                    }
                }
                return found;
            }
            Err(e) => problems.push(format!(
                "/var/lib/lastlog/lastlog2.db could not be read: {e}."
            )),
        }
    }
    const RECORD: u64 = 292;
    let Ok((file, meta)) = host.open("var/log/lastlog", false) else {
        problems.push("No record of logins was found (/var/log/lastlog or lastlog2): last logins are unknown.".into());
        return found;
    };
    use std::os::unix::fs::FileExt;
    for u in users {
        let at = u64::from(u.uid) * RECORD;
        if at + 4 > meta.len() {
            continue;
        }
        let mut time = [0u8; 4];
        if file.read_exact_at(&mut time, at).is_ok() {
            let t = i64::from(u32::from_le_bytes(time));
            if let Some(t) = DateTime::from_timestamp(t, 0).filter(|_| t > 0) {
                found.insert(u.name.clone(), t);
            }
        }
    }
    found
}

/// The keys that may log in as `u`: its `~/.ssh/authorized_keys` and
/// `authorized_keys2`, read without following a final link and with the
/// rights of the account that owns their folder, as sshd reads them: a
/// link it plants there never shows keys it may not read as its own.
fn authorized_keys(host: &Host, u: &Passwd, problems: &mut Vec<String>) -> Vec<Key> {
    let mut found = Vec::new();
    for name in ["authorized_keys", "authorized_keys2"] {
        let path = format!("{}/.ssh/{name}", u.home.trim_end_matches('/'));
        let rel = path.trim_start_matches('/');
        let read = crate::as_account::on(host.root(), rel, &path, || {
            let opened = host.open(rel, false);
            Ok(opened.and_then(|(file, meta)| crate::host_file::read_capped(file, &meta)))
        });
        let text = match read {
            Ok(Ok(b)) => String::from_utf8_lossy(&b).into_owned(),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Ok(Err(e)) => {
                problems.push(format!("{path} could not be read: {e}."));
                continue;
            }
            Err(e) => {
                problems.push(format!("{path} could not be read: {}", e.message));
                continue;
            }
        };
        let (keys, bad) = keys::parse(&path, &text);
        found.extend(keys);
        problems.extend(bad);
    }
    found
}

/// The people's accounts among `inventory`'s, and those who may act as
/// administrator: the lines a review decides.
pub fn reviewed(inventory: &Inventory) -> impl Iterator<Item = &Account> {
    inventory
        .accounts
        .iter()
        .filter(|a| a.human || !a.admin.is_empty() || !a.keys.is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A system with people, services, an empty and a locked password,
    /// sudo and polkit rights, a key, malformed lines and a lastlog.
    pub(crate) fn fixture(now: DateTime<Utc>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &[u8]| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "etc/passwd",
            b"root:x:0:0:root:/root:/bin/bash\n\
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
sam:x:1000:1000:Sam:/home/sam:/bin/bash\n\
kim:x:1001:1001:Kim:/home/kim:/bin/bash\n\
old:x:1002:1002:Old:/home/old:/bin/bash\n\
broken line\n\
svc:x:999:999::/var/lib/svc:/usr/sbin/nologin\n",
        );
        write(
            "etc/group",
            b"root:x:0:\nsudo:x:27:sam\nsam:x:1000:\nkim:x:1001:\nold:x:1002:\naccounts:x:1500:kim\nnot a group\n",
        );
        let day = (now.timestamp() / 86_400) as u64;
        write(
            "etc/shadow",
            format!(
                "root:!:{day}:0:99999:7:::\nsam:$y$j9T$abc:{day}:0:99999:7:::\nkim::{day}:0:99999:7:::\nold:$y$j9T$def:{}:0:30:7:::\nbroken\n",
                day - 100
            )
            .as_bytes(),
        );
        write("etc/login.defs", b"UID_MIN 1000\nUID_MAX 60000\n");
        write(
            "etc/sudoers",
            b"root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n%accounts ALL=/usr/bin/apt\n",
        );
        write(
            "etc/polkit-1/rules.d/50-admins.rules",
            b"polkit.addAdminRule(function(action, subject) { return [\"unix-group:sudo\", \"unix-user:kim\"]; });\n",
        );
        let mut blob = Vec::new();
        blob.extend(11u32.to_be_bytes());
        blob.extend(b"ssh-ed25519");
        blob.extend(32u32.to_be_bytes());
        blob.extend([7u8; 32]);
        use base64::Engine;
        let key = base64::engine::general_purpose::STANDARD.encode(blob);
        write(
            "home/sam/.ssh/authorized_keys",
            format!("from=\"10.0.0.0/8\" ssh-ed25519 {key} sam@laptop\nnot a key\n").as_bytes(),
        );
        // lastlog: sam logged in a day ago, kim 60 days ago.
        let mut lastlog = vec![0u8; 292 * 1002];
        let at = |uid: usize, t: i64, log: &mut Vec<u8>| {
            log[uid * 292..uid * 292 + 4].copy_from_slice(&(t as u32).to_le_bytes());
        };
        at(1000, now.timestamp() - 86_400, &mut lastlog);
        at(1001, now.timestamp() - 60 * 86_400, &mut lastlog);
        write("var/log/lastlog", &lastlog);
        dir
    }

    #[test]
    fn accounts_rights_keys_passwords_and_logins_are_read_and_bad_lines_named() {
        let now = Utc::now();
        let dir = fixture(now);
        let inv = inventory(&Host::at(dir.path()), now);
        let names: Vec<&str> = inv.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["root", "daemon", "sam", "kim", "old", "svc"]);
        let get = |n: &str| inv.accounts.iter().find(|a| a.name == n).unwrap();
        assert!(get("sam").human && !get("daemon").human && !get("svc").human && get("root").human);
        assert_eq!(get("sam").groups, ["sam", "sudo"]);
        assert_eq!(get("sam").admin.len(), 3, "{:?}", get("sam").admin);
        assert!(get("sam").admin[0].contains("sudo group"));
        assert!(
            get("kim")
                .admin
                .iter()
                .any(|a| a.contains("line 3: %accounts")),
            "{:?}",
            get("kim").admin
        );
        assert!(
            get("kim").admin.iter().any(|a| a.contains("polkit")),
            "{:?}",
            get("kim").admin
        );
        assert!(get("old").admin.is_empty());
        assert_eq!(get("root").password, PasswordState::Locked);
        assert_eq!(get("kim").password, PasswordState::Empty);
        assert_eq!(get("svc").password, PasswordState::None);
        assert!(get("old").password_expired && !get("sam").password_expired);
        assert_eq!(get("sam").keys.len(), 1);
        assert_eq!(get("sam").keys[0].options, ["from=\"10.0.0.0/8\""]);
        assert!(!get("sam").dormant);
        assert!(get("kim").dormant, "60 days since the last login");
        assert!(get("old").dormant, "never logged in");
        for bad in [
            "/etc/passwd line 6",
            "/etc/group line 7",
            "/etc/shadow line 5",
            "authorized_keys line 2",
        ] {
            assert!(
                inv.problems.iter().any(|p| p.contains(bad)),
                "{bad}: {:?}",
                inv.problems
            );
        }
        // Without /etc/shadow's content (not root) and without a lastlog.
        std::fs::remove_file(dir.path().join("etc/shadow")).unwrap();
        std::fs::remove_file(dir.path().join("var/log/lastlog")).unwrap();
        let inv = inventory(&Host::at(dir.path()), now);
        assert!(
            inv.accounts
                .iter()
                .all(|a| a.password == PasswordState::Unknown)
        );
        assert!(
            inv.problems
                .iter()
                .any(|p| p.contains("last logins are unknown")),
            "{:?}",
            inv.problems
        );
    }
}
