//! Property: whatever single field of whatever entry is edited, verify
//! does not call the log intact.

use crate::util::{TestDir, fill};
use proptest::prelude::*;
use rusqlite::types::Value as Sql;
use shipshape_core::audit::{self, Verdict};
use shipshape_core::progress::{Cancel, NoProgress};

#[derive(Debug, Clone, Copy)]
enum Field {
    Seq,
    Time,
    Actor,
    Source,
    Action,
    Target,
    Outcome,
    Reason,
    Details,
    PrevHash,
    Hash,
}

const FIELDS: [Field; 11] = [
    Field::Seq,
    Field::Time,
    Field::Actor,
    Field::Source,
    Field::Action,
    Field::Target,
    Field::Outcome,
    Field::Reason,
    Field::Details,
    Field::PrevHash,
    Field::Hash,
];

impl Field {
    fn column(self) -> &'static str {
        match self {
            Field::Seq => "seq",
            Field::Time => "time",
            Field::Actor => "actor",
            Field::Source => "source",
            Field::Action => "action",
            Field::Target => "target",
            Field::Outcome => "outcome",
            Field::Reason => "reason",
            Field::Details => "details",
            Field::PrevHash => "prev_hash",
            Field::Hash => "hash",
        }
    }
}

/// A new value for `field` that differs in meaning from `old`, made from
/// the random `word` and `pick`.
fn edited(field: Field, old: &Sql, word: &str, pick: usize, n: u32) -> Sql {
    let old_text = match old {
        Sql::Text(s) => Some(s.as_str()),
        _ => None,
    };
    let differ = |s: String| {
        if Some(s.as_str()) == old_text {
            Sql::Text(format!("{s}!"))
        } else {
            Sql::Text(s)
        }
    };
    let one_of = |options: &[&str]| {
        let options: Vec<&str> = options
            .iter()
            .copied()
            .filter(|o| Some(*o) != old_text)
            .collect();
        Sql::Text(options[pick % options.len()].to_string())
    };
    match field {
        // Another place in the chain (places are unique, so one that is
        // free): zero, negative, or beyond the end.
        Field::Seq => {
            let free = [
                0,
                -1,
                i64::from(n) + 1 + (pick % 5) as i64,
                i64::from(n) + 100,
            ];
            Sql::Integer(free[pick % free.len()])
        }
        Field::Source => one_of(&["app", "cli", "scheduler", "", "root", "App"]),
        Field::Outcome => one_of(&["ok", "failed", "", "OK", "unknown"]),
        Field::Reason => match (old, pick % 2) {
            (Sql::Text(_), 0) => Sql::Null,
            _ => differ(word.to_string()),
        },
        Field::Details => match pick % 3 {
            0 => Sql::Text(serde_json::json!({ "edited": word }).to_string()),
            1 => Sql::Text(word.to_string()),
            _ => Sql::Text(format!("[{}]", serde_json::Value::String(word.into()))),
        },
        Field::PrevHash | Field::Hash => {
            use sha2::Digest;
            differ(hex::encode(sha2::Sha256::digest(word.as_bytes())))
        }
        Field::Time | Field::Actor | Field::Action | Field::Target => match pick % 4 {
            0 => differ(word.to_string()),
            1 => differ(format!("{}{word}", old_text.unwrap_or_default())),
            2 => differ(old_text.unwrap_or_default().to_uppercase()),
            // The same bytes, stored as a blob instead of text.
            _ => Sql::Blob(old_text.unwrap_or_default().as_bytes().to_vec()),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_single_field_edit_is_detected(
        n in 1u32..=30,
        at in any::<prop::sample::Index>(),
        field in prop::sample::select(&FIELDS[..]),
        word in "[a-zA-Z0-9 =%_.:{}\"-]{0,16}",
        pick in any::<usize>(),
    ) {
        let dir = TestDir::new();
        let store = dir.open();
        fill(&store, n);
        let k = at.index(n as usize) as u32 + 1;
        let column = field.column();
        let conn = dir.raw();
        let old: Sql = conn
            .query_row(&format!("SELECT {column} FROM audit_log WHERE seq = ?1"), [k], |r| r.get(0))
            .unwrap();
        let new = edited(field, &old, &word, pick, n);
        prop_assume!(new != old);
        let changed = conn
            .execute(
                &format!("UPDATE audit_log SET {column} = ?1 WHERE seq = ?2"),
                rusqlite::params![new, k],
            )
            .unwrap();
        prop_assert_eq!(changed, 1);

        let verdict = audit::verify(&store, &NoProgress, &Cancel::new());
        match verdict {
            Ok(Verdict::Tampered { entry, problem }) => {
                // The edited entry is named, except when it was renumbered
                // to the front: then the chain is already wrong at entry 1.
                let expected = match (field, &new) {
                    (Field::Seq, Sql::Integer(s)) if *s < 1 => 1,
                    _ => k,
                };
                prop_assert_eq!(entry, expected, "{}: {}", column, problem);
                prop_assert!(!problem.is_empty());
            }
            other => prop_assert!(
                false,
                "editing {} of entry {}/{} from {:?} to {:?} gave {:?}",
                column, k, n, old, new, other
            ),
        }
    }
}
