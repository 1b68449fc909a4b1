//! An access review: every person's account, every administrator right
//! and every SSH key is a line the reviewer decides (keep, remove, not
//! sure) with a reason; the finished review is signed off by name and
//! then never changes. A review left halfway is picked up again, never
//! half signed. Each review says what changed since the last signed one.

use super::access::{self, Inventory, PasswordState};
use crate::audit::{self, Actor, NewEntry};
use crate::json_rows;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the reviewer decided for a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Decision {
    Keep,
    Remove,
    NotSure,
}

impl Decision {
    pub fn parse(s: &str) -> Result<Decision> {
        match s.trim() {
            "keep" => Ok(Decision::Keep),
            "remove" => Ok(Decision::Remove),
            "not-sure" | "not_sure" => Ok(Decision::NotSure),
            other => Err(Error::invalid_input(
                format!("\"{other}\" is not a decision."),
                "Decide keep, remove or not-sure.",
            )),
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Decision::Keep => "Keep",
            Decision::Remove => "Remove",
            Decision::NotSure => "Not sure",
        }
    }
}

/// What a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LineKind {
    /// A person's account that can log in.
    Account,
    /// A right to act as administrator.
    Admin,
    /// An SSH key that may log in.
    Key,
}

/// One thing the reviewer decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "ReviewLine")]
pub struct Line {
    /// Stable from one review to the next: "account:sam",
    /// "admin:sam:It is in the sudo group.", "key:sam:SHA256:…".
    pub id: String,
    pub account: String,
    pub kind: LineKind,
    /// What it is, in plain words.
    pub what: String,
    /// The facts behind it: password, last login, where a right comes from.
    pub facts: String,
    /// Not in the last signed review.
    pub new: bool,
    pub decision: Option<Decision>,
    pub reason: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// The reviewer's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignOff {
    /// The reviewer's name as they signed.
    pub name: String,
    /// The account that signed.
    pub by: String,
    pub time: String,
}

/// One access review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AccessReview")]
pub struct Review {
    #[ts(type = "number")]
    pub id: i64,
    pub computer: String,
    pub started: String,
    pub by: String,
    pub lines: Vec<Line>,
    /// Lines of the last signed review that are gone now, in words.
    pub gone: Vec<String>,
    /// What could not be read for it.
    pub problems: Vec<String>,
    pub signed: Option<SignOff>,
}

impl Review {
    pub fn undecided(&self) -> usize {
        self.lines.iter().filter(|l| l.decision.is_none()).count()
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn password_words(p: PasswordState) -> &'static str {
    match p {
        PasswordState::Set => "password set",
        PasswordState::Locked => "password locked",
        PasswordState::Empty => "NO password needed",
        PasswordState::None => "no password",
        PasswordState::Unknown => "password state unknown (run as administrator)",
    }
}

/// The lines of a review of `inventory`.
pub fn lines(inventory: &Inventory) -> Vec<Line> {
    let mut lines = Vec::new();
    let line = |id: String, account: &str, kind, what: String, facts: String| Line {
        id,
        account: account.to_string(),
        kind,
        what,
        facts,
        new: false,
        decision: None,
        reason: String::new(),
        decided_by: None,
        decided_at: None,
    };
    for a in access::reviewed(inventory) {
        if a.human {
            let last = a.last_login.as_deref().unwrap_or("never");
            let mut facts = format!("{}; last login: {last}", password_words(a.password));
            if a.dormant {
                facts.push_str(&format!(
                    "; not used for {} days or more",
                    inventory.dormant_days
                ));
            }
            if a.password_expired {
                facts.push_str("; password past its maximum age");
            }
            lines.push(line(
                format!("account:{}", a.name),
                &a.name,
                LineKind::Account,
                format!("{} (UID {}) can log in", a.name, a.uid),
                facts,
            ));
        }
        for why in &a.admin {
            lines.push(line(
                format!("admin:{}:{why}", a.name),
                &a.name,
                LineKind::Admin,
                format!("{} may act as administrator", a.name),
                why.clone(),
            ));
        }
        for k in &a.keys {
            let mut facts = format!("{} line {}", k.file, k.line);
            if !k.options.is_empty() {
                facts.push_str(&format!("; only with {}", k.options.join(", ")));
            }
            lines.push(line(
                format!("key:{}:{}", a.name, k.fingerprint),
                &a.name,
                LineKind::Key,
                format!(
                    "An SSH key may log in as {}: {} {} {}",
                    a.name, k.kind, k.fingerprint, k.comment
                )
                .trim_end()
                .to_string(),
                facts,
            ));
        }
    }
    lines
}

const TABLE: &str = "access_reviews";
const WHAT: &str = "access reviews";

/// Every review, newest first.
pub fn history(store: &Store) -> Result<Vec<Review>> {
    Ok(json_rows::all::<Review>(store, TABLE, WHAT)?
        .into_iter()
        .map(|(id, r)| Review { id, ..r })
        .collect())
}

/// Review `id`.
pub fn get(store: &Store, id: i64) -> Result<Review> {
    json_rows::one::<Review>(store, TABLE, WHAT, id)?
        .map(|r| Review { id, ..r })
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("There is no access review {id}."),
                "Run shipshape access history to see the reviews and their numbers.",
            )
        })
}

fn save(
    store: &Store,
    now: DateTime<Utc>,
    actor: &Actor,
    r: &mut Review,
    entry: NewEntry,
) -> Result<()> {
    let (id, _) = audit::append_with(store, now, actor, |tx| {
        let id = json_rows::put(tx, TABLE, WHAT, r.id, &r.started, &*r)?;
        let mut entry = entry;
        if let Some(details) = entry.details.as_object_mut() {
            details.insert("review".into(), id.into());
        }
        Ok((id, entry))
    })?;
    r.id = id;
    Ok(())
}

/// How often an access review is due: quarterly.
pub const REVIEW_DAYS: i64 = 91;

/// When the review after the last signed one is overdue, in words for
/// the Overview; nothing before the first review, or while one is due.
pub fn overdue(store: &Store, now: DateTime<Utc>) -> Result<Option<String>> {
    let last = history(store)?.into_iter().find_map(|r| r.signed);
    Ok(last.and_then(|s| {
        let signed = DateTime::parse_from_rfc3339(&s.time)
            .ok()?
            .with_timezone(&Utc);
        (now - signed > chrono::Duration::days(REVIEW_DAYS)).then(|| {
            format!(
                "the access review is overdue (the last was signed off on {})",
                signed.format("%Y-%m-%d")
            )
        })
    }))
}

/// The review not signed yet, to go on with; else a new one of
/// `inventory`, marked with what changed since the last signed review.
pub fn start(
    store: &Store,
    inventory: &Inventory,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Review> {
    let all = history(store)?;
    if let Some(open) = all.iter().find(|r| r.signed.is_none()) {
        return Ok(open.clone());
    }
    let mut lines = lines(inventory);
    let last = all.iter().find(|r| r.signed.is_some());
    let gone = match last {
        Some(last) => {
            for l in &mut lines {
                l.new = !last.lines.iter().any(|p| p.id == l.id);
            }
            last.lines
                .iter()
                .filter(|p| !lines.iter().any(|l| l.id == p.id))
                .map(|p| format!("{} ({})", p.what, p.facts))
                .collect()
        }
        None => Vec::new(),
    };
    let mut r = Review {
        id: 0,
        computer: crate::computer::hostname(),
        started: stamp(now),
        by: actor.user.clone(),
        lines,
        gone,
        problems: inventory.problems.clone(),
        signed: None,
    };
    let details = serde_json::json!({ "lines": r.lines.len(), "gone": r.gone.len() });
    save(
        store,
        now,
        actor,
        &mut r,
        NewEntry::ok("access.review", "access review", details),
    )?;
    Ok(r)
}

fn open(store: &Store, id: i64) -> Result<Review> {
    let r = get(store, id)?;
    if let Some(s) = &r.signed {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "Access review {id} was signed off by {} on {}; it does not change any more.",
                s.name, s.time
            ),
            "Start the next review to record new decisions: shipshape access review.",
        ));
    }
    Ok(r)
}

/// Decides line `line` of review `id`. Removing, or not being sure, needs
/// a reason.
pub fn decide(
    store: &Store,
    id: i64,
    line: &str,
    decision: Decision,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Review> {
    let mut r = open(store, id)?;
    let reason = reason.trim();
    if decision != Decision::Keep && reason.is_empty() {
        return Err(Error::invalid_input(
            format!(
                "\"{}\" needs a reason, so the record says why.",
                decision.words()
            ),
            "Say why, for example \"left the office in May\".",
        ));
    }
    if reason.chars().count() > 500 || reason.contains(['\n', '\r']) {
        return Err(Error::invalid_input(
            "A reason is one line of at most 500 characters.",
            "Shorten it.",
        ));
    }
    let Some(l) = r.lines.iter_mut().find(|l| l.id == line) else {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("Access review {id} has no line \"{line}\"."),
            "Run shipshape access review to see its lines.",
        ));
    };
    l.decision = Some(decision);
    l.reason = reason.to_string();
    l.decided_by = Some(actor.user.clone());
    l.decided_at = Some(stamp(now));
    let details = serde_json::json!({ "line": line, "decision": decision, "reason": reason });
    save(
        store,
        now,
        actor,
        &mut r,
        NewEntry::ok("access.decide", line, details),
    )?;
    Ok(r)
}

/// Signs review `id` off as `name`: only once every line is decided, and
/// never again after.
pub fn sign_off(
    store: &Store,
    id: i64,
    name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Review> {
    let mut r = open(store, id)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains(char::is_control) {
        return Err(Error::invalid_input(
            "Sign with your name, on one line.",
            "For example --name \"Maria Rossi\".",
        ));
    }
    let left = r.undecided();
    if left > 0 {
        return Err(Error::invalid_input(
            format!(
                "{left} line(s) of access review {id} are not decided yet, so it cannot be signed off."
            ),
            "Decide every line (keep, remove or not sure), then sign it off.",
        ));
    }
    r.signed = Some(SignOff {
        name: name.to_string(),
        by: actor.user.clone(),
        time: stamp(now),
    });
    let remove = r
        .lines
        .iter()
        .filter(|l| l.decision == Some(Decision::Remove))
        .count();
    let unsure = r
        .lines
        .iter()
        .filter(|l| l.decision == Some(Decision::NotSure))
        .count();
    let details = serde_json::json!({
        "name": name,
        "lines": r.lines.len(),
        "remove": remove,
        "not_sure": unsure,
        "record": crate::harden::fix::change::checksum(serde_json::to_string(&r.lines).unwrap_or_default().as_bytes()),
    });
    save(
        store,
        now,
        actor,
        &mut r,
        NewEntry::ok("access.sign_off", "access review", details),
    )?;
    Ok(r)
}

/// The review as CSV, for an auditor: one row per line.
pub fn csv(r: &Review) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let bad = |e: csv::Error| Error::internal(e.to_string());
    w.write_record([
        "review",
        "computer",
        "line",
        "account",
        "kind",
        "what",
        "facts",
        "new",
        "decision",
        "reason",
        "decided_by",
        "decided_at",
        "signed_by",
        "signed_at",
    ])
    .map_err(bad)?;
    for l in &r.lines {
        let kind = match l.kind {
            LineKind::Account => "account",
            LineKind::Admin => "administrator right",
            LineKind::Key => "ssh key",
        };
        w.write_record([
            r.id.to_string().as_str(),
            &r.computer,
            &l.id,
            &l.account,
            kind,
            &l.what,
            &l.facts,
            if l.new { "yes" } else { "" },
            l.decision.map(Decision::words).unwrap_or(""),
            &l.reason,
            l.decided_by.as_deref().unwrap_or(""),
            l.decided_at.as_deref().unwrap_or(""),
            r.signed.as_ref().map(|s| s.name.as_str()).unwrap_or(""),
            r.signed.as_ref().map(|s| s.time.as_str()).unwrap_or(""),
        ])
        .map_err(bad)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::internal(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The review as a printable page.
pub fn html(r: &Review) -> String {
    use crate::html::escape;
    let mut page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Access review {id}</title>\
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}}table{{border-collapse:collapse;width:100%}}\
th,td{{text-align:left;padding:.3em .5em;border-bottom:1px solid #ccc;vertical-align:top}}.remove{{color:#b00;font-weight:bold}}</style></head><body>\
<h1>Access review {id}: {computer}</h1><p>Started {started} by {by}. {signed}</p>",
        id = r.id,
        computer = escape(&r.computer),
        started = escape(&r.started),
        by = escape(&r.by),
        signed = match &r.signed {
            Some(s) => format!(
                "Signed off by {} ({}) on {}.",
                escape(&s.name),
                escape(&s.by),
                escape(&s.time)
            ),
            None => format!("NOT signed off yet: {} line(s) undecided.", r.undecided()),
        },
    );
    page.push_str("<table><tr><th>What</th><th>Facts</th><th>Decision</th><th>Reason</th></tr>");
    for l in &r.lines {
        page.push_str(&format!(
            "<tr><td>{}{}</td><td>{}</td><td{}>{}</td><td>{}</td></tr>",
            escape(&l.what),
            if l.new {
                " <em>(new since the last review)</em>"
            } else {
                ""
            },
            escape(&l.facts),
            if l.decision == Some(Decision::Remove) {
                " class=\"remove\""
            } else {
                ""
            },
            l.decision.map(Decision::words).unwrap_or("not decided"),
            escape(&l.reason)
        ));
    }
    page.push_str("</table>");
    if !r.gone.is_empty() {
        page.push_str("<h2>Gone since the last review</h2><ul>");
        for g in &r.gone {
            page.push_str(&format!("<li>{}</li>", escape(g)));
        }
        page.push_str("</ul>");
    }
    if !r.problems.is_empty() {
        page.push_str("<h2>What could not be read</h2><ul>");
        for p in &r.problems {
            page.push_str(&format!("<li>{}</li>", escape(p)));
        }
        page.push_str("</ul>");
    }
    page.push_str("</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::audit::Source;
    use crate::host::Host;

    #[test]
    fn a_review_is_decided_line_by_line_signed_once_and_compared_with_the_last() {
        let now = Utc::now();
        let dir = super::super::access::tests::fixture(now);
        let data = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(data.path(), now).unwrap();
        let actor = Actor {
            user: "maria".into(),
            source: Source::Cli,
        };
        let inv = access::inventory(&Host::at(dir.path()), now);
        let r = start(&store, &inv, &actor, now).unwrap();
        let ids: Vec<&str> = r.lines.iter().map(|l| l.id.as_str()).collect();
        assert!(ids.contains(&"account:sam") && ids.contains(&"account:kim"));
        assert!(ids.iter().any(|i| i.starts_with("key:sam:SHA256:")));
        assert!(!ids.contains(&"account:daemon"));
        // Interrupted halfway: starting again picks the same review up.
        decide(&store, r.id, "account:sam", Decision::Keep, "", &actor, now).unwrap();
        let again = start(&store, &inv, &actor, now).unwrap();
        assert_eq!(again.id, r.id);
        assert_eq!(
            again.lines[ids.iter().position(|i| *i == "account:sam").unwrap()].decision,
            Some(Decision::Keep)
        );

        let e = decide(
            &store,
            r.id,
            "account:old",
            Decision::Remove,
            " ",
            &actor,
            now,
        )
        .unwrap_err();
        assert!(e.message.contains("needs a reason"));
        let e = decide(
            &store,
            r.id,
            "account:nobody",
            Decision::Keep,
            "",
            &actor,
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
        let e = sign_off(&store, r.id, "Maria Rossi", &actor, now).unwrap_err();
        assert!(e.message.contains("not decided yet"), "{}", e.message);
        for l in &r.lines {
            let (d, why) = if l.account == "old" {
                (Decision::Remove, "left in May")
            } else {
                (Decision::Keep, "")
            };
            decide(&store, r.id, &l.id, d, why, &actor, now).unwrap();
        }
        assert!(
            sign_off(&store, r.id, "", &actor, now)
                .unwrap_err()
                .message
                .contains("name")
        );
        let signed = sign_off(&store, r.id, "Maria Rossi", &actor, now).unwrap();
        assert_eq!(signed.signed.as_ref().unwrap().name, "Maria Rossi");
        // Signed: never changed again.
        let e = decide(
            &store,
            r.id,
            "account:sam",
            Decision::Remove,
            "x",
            &actor,
            now,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert_eq!(get(&store, r.id).unwrap(), signed);
        let table = csv(&signed).unwrap();
        assert!(table.lines().any(|l| l.contains("account:old")
            && l.contains("Remove")
            && l.contains("left in May")));
        assert!(html(&signed).contains("Signed off by Maria Rossi"));

        // The next review: old is gone, a new key is new.
        std::fs::write(
            dir.path().join("etc/passwd"),
            std::fs::read_to_string(dir.path().join("etc/passwd"))
                .unwrap()
                .replace("old:x:1002:1002:Old:/home/old:/bin/bash\n", ""),
        )
        .unwrap();
        let next = start(
            &store,
            &access::inventory(&Host::at(dir.path()), now),
            &actor,
            now,
        )
        .unwrap();
        assert_ne!(next.id, r.id);
        assert!(
            next.gone
                .iter()
                .any(|g| g.starts_with("old (UID 1002) can log in")),
            "{:?}",
            next.gone
        );
        assert!(next.lines.iter().all(|l| !l.new));
        assert_eq!(history(&store).unwrap().len(), 2);
        // Due again a quarter after the sign-off.
        assert_eq!(overdue(&store, now).unwrap(), None);
        let later = now + chrono::Duration::days(REVIEW_DAYS + 1);
        let due = overdue(&store, later).unwrap().unwrap();
        assert!(due.starts_with("the access review is overdue"), "{due}");
    }
}
