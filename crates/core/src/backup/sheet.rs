//! The recovery sheet: one printable page that lets anyone holding it
//! restore the office's files on any computer with plain restic, even
//! when this computer and Shipshape are gone.

use super::{Location, Repository};
use crate::html::escape;
use chrono::{DateTime, Utc};

const STYLE: &str = "body{font-family:sans-serif;max-width:44em;margin:2em auto;line-height:1.45;color:#111}\
h1{font-size:1.5em}code,.password{font-family:monospace}\
.password{font-size:1.4em;border:2px solid #111;padding:.6em;letter-spacing:.04em;word-break:break-all}\
.warn{border-left:4px solid #b00;padding-left:.8em}pre{background:#f3f3f3;padding:.6em;white-space:pre-wrap}";

/// Where the backup is, how to reach it, and the repository as restic
/// takes it on any computer (for another port than 22, restic's URL form,
/// whose `//` starts a full path).
fn whereabouts(repo: &Repository, computer: &str) -> (String, String, String) {
    let computer = escape(computer);
    match Location::parse(&repo.folder) {
        Ok(Location::Sftp(to)) => {
            let restic_repo = match to.port() {
                22 => to.restic_repo(),
                port => format!("sftp://{}@{}:{port}/{}", to.user(), to.host(), to.path()),
            };
            (
                format!(
                    "<code>{}</code> on the computer {}, reached over SSH as its account {}",
                    escape(to.path()),
                    escape(to.host()),
                    escape(to.user())
                ),
                format!(
                    "install restic (<code>sudo apt install restic</code>) on a computer whose SSH key {} accepts for the account {}, then:",
                    escape(to.host()),
                    escape(to.user())
                ),
                escape(&restic_repo),
            )
        }
        Ok(Location::Rest(to)) => (
            format!(
                "<code>{}</code>, a restic REST server{}",
                escape(&to.shown()),
                to.user()
                    .map(|u| format!(", reached as its account {}", escape(u)))
                    .unwrap_or_default()
            ),
            format!(
                "install restic (<code>sudo apt install restic</code>){}{}; then:",
                if to.user().is_some() {
                    ", write the server account's password after the account's name in the address below (<code>ACCOUNT:PASSWORD@</code>, each character other than a letter or digit written as % and its hexadecimal code, for example @ as %40)"
                } else {
                    ""
                },
                if to.encrypted() {
                    ", and add <code>--cacert</code> with the server's certificate if it is its own (self-signed)"
                } else {
                    ""
                }
            ),
            escape(&to.restic_repo(None)),
        ),
        _ => (
            format!(
                "<code>{}</code> on {computer}",
                escape(&shell_word(&repo.folder))
            ),
            "install restic (<code>sudo apt install restic</code>), connect the backup disk, then:"
                .into(),
            escape(&shell_word(&repo.folder)),
        ),
    }
}

/// The sheet for `repo` on `computer`, with its `password`.
pub fn html(repo: &Repository, computer: &str, password: &str, now: DateTime<Utc>) -> String {
    let (place, steps, folder) = whereabouts(repo, computer);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Recovery sheet: {name}</title><style>{STYLE}</style></head><body>\
<h1>Recovery sheet for the backup \u{201c}{name}\u{201d}</h1>\
<p>Made on {made} for the computer <strong>{computer}</strong>.</p>\
<p class=\"warn\"><strong>Without this password nobody can read the backup, not even you.</strong> \
Keep this sheet somewhere safe and away from the computer: a locked drawer, or with the office's other important papers. Anyone who has it and the backup disk can read the office's files.</p>\
<h2>The password</h2><p class=\"password\">{password}</p>\
<h2>Where the backup is</h2><p>{place}. It backs up the files of {computer}: {paths}.</p>\
<h2>Restoring without Shipshape</h2>\
<p>The backup is a restic repository. On any Debian or Ubuntu computer, {steps}</p>\
<pre>restic -r {folder} snapshots\nrestic -r {folder} restore latest --target /tmp/restored</pre>\
<p>Each command asks for the password above. The files come back under <code>/tmp/restored</code>, in their folders.</p>\
</body></html>",
        name = escape(&repo.name),
        made = now.format("%-d %B %Y"),
        computer = escape(computer),
        password = escape(password),
        paths = escape(&repo.plan.paths.join(", ")),
    )
}

/// `s` as one word for a shell: quoted unless it is plain.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::backup::{Plan, Retention};

    #[test]
    fn the_sheet_holds_the_password_and_plain_restic_commands_as_text() {
        let repo = Repository {
            name: "Office <disk>".into(),
            folder: "/var/backups/shipshape".into(),
            password_name: "Backup: Office".into(),
            created: String::new(),
            plan: Plan {
                paths: vec!["/home".into(), "/etc".into()],
                excludes: vec![],
                retention: Retention::default(),
                before_updates: false,
            },
            key: String::new(),
        };
        let page = html(&repo, "office-pc", "one-two-three", Utc::now());
        assert!(page.contains("one-two-three"));
        assert!(page.contains("restic -r /var/backups/shipshape restore latest"));
        assert!(page.contains("Office &lt;disk&gt;"));
        assert!(!page.contains("<disk>"));
        assert!(page.contains("/home, /etc"));
        assert_eq!(
            shell_word("/media/USB disk/it's"),
            "'/media/USB disk/it'\\''s'"
        );

        let elsewhere = Repository {
            folder: "sftp:backup@nas:2222:/srv/office".into(),
            ..repo.clone()
        };
        let page = html(&elsewhere, "office-pc", "one-two-three", Utc::now());
        assert!(
            page.contains("restic -r sftp://backup@nas:2222//srv/office restore latest"),
            "{page}"
        );
        assert!(page.contains("whose SSH key nas accepts for the account backup"));
        let on_22 = Repository {
            folder: "sftp:backup@nas:/srv/office".into(),
            ..repo
        };
        let page = html(&on_22, "office-pc", "one-two-three", Utc::now());
        assert!(page.contains("restic -r sftp:backup@nas:/srv/office snapshots"));
    }
}
