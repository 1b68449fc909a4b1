//! New secrets, and how strong a secret is.

use super::secret::Secret;
use crate::{Error, Result};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const MIN_LENGTH: u32 = 8;
pub const MAX_LENGTH: u32 = 128;
pub const MIN_WORDS: u32 = 3;
pub const MAX_WORDS: u32 = 12;

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";
/// Symbols that survive shells, URLs in config files and most login forms:
/// no quotes, backslashes, spaces or brackets.
const SYMBOLS: &str = "!#$%&*+-=?@^_~";

/// How to make a new secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum Recipe {
    /// Random characters from the chosen classes, at least one of each.
    Characters {
        length: u32,
        lower: bool,
        upper: bool,
        digits: bool,
        symbols: bool,
    },
    /// Words from the EFF long list (7,776 words, 12.9 bits each), joined by
    /// hyphens: easy to type and to read out over the phone.
    Words { count: u32 },
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe::Characters {
            length: 20,
            lower: true,
            upper: true,
            digits: true,
            symbols: true,
        }
    }
}

/// Makes a secret from the operating system's random source (through
/// `rand`'s thread generator, a CSPRNG reseeded from the OS).
pub fn generate(recipe: &Recipe) -> Result<Secret> {
    let mut rng = rand::rng();
    match *recipe {
        Recipe::Characters {
            length,
            lower,
            upper,
            digits,
            symbols,
        } => {
            if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
                return Err(Error::invalid_input(
                    format!("A length of {length} is not offered."),
                    format!(
                        "Choose a length from {MIN_LENGTH} to {MAX_LENGTH}; 20 or more is a good default."
                    ),
                ));
            }
            let classes: Vec<&[u8]> = [
                (lower, LOWER),
                (upper, UPPER),
                (digits, DIGITS),
                (symbols, SYMBOLS),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, set)| set.as_bytes())
            .collect();
            if classes.is_empty() {
                return Err(Error::invalid_input(
                    "No kind of character is chosen.",
                    "Tick at least one of lower case, upper case, digits and symbols.",
                ));
            }
            let all: Vec<u8> = classes.concat();
            // Drawing again until every chosen class appears keeps the
            // result uniform over all acceptable secrets.
            loop {
                let bytes: Vec<u8> = (0..length)
                    .map(|_| all[rng.random_range(0..all.len())])
                    .collect();
                if classes
                    .iter()
                    .all(|set| bytes.iter().any(|b| set.contains(b)))
                {
                    let text = String::from_utf8(bytes)
                        .map_err(|e| Error::internal(format!("generated text: {e}")))?;
                    return Secret::new(text);
                }
            }
        }
        Recipe::Words { count } => {
            if !(MIN_WORDS..=MAX_WORDS).contains(&count) {
                return Err(Error::invalid_input(
                    format!("{count} words is not offered."),
                    format!("Choose from {MIN_WORDS} to {MAX_WORDS} words; 6 is a good default."),
                ));
            }
            let words: Vec<&str> = (0..count)
                .filter_map(|_| eff_wordlist::large::LIST.choose(&mut rng).map(|(_, w)| *w))
                .collect();
            Secret::new(words.join("-"))
        }
    }
}

/// How hard a secret would be to guess, in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Strength {
    /// 0 (guessed at once) to 4 (very hard to guess).
    pub score: u8,
    /// "Very weak" … "Very strong".
    pub label: String,
    /// How long an attacker holding a stolen, slowly-hashed copy would need:
    /// "about 4 months", "centuries".
    pub time_to_crack: String,
    /// What makes it weak, when something does.
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
}

/// How much of a secret zxcvbn looks at (its authors' own limit).
pub const STRENGTH_TESTED_CHARS: usize = 100;

/// Estimates strength with zxcvbn, penalising secrets built from `context`
/// (the credential's name, username and address).
/// At most this many context words are given to the strength estimate.
const STRENGTH_CONTEXT_WORDS: usize = 8;

pub fn strength(secret: &Secret, context: &[&str]) -> Strength {
    // zxcvbn's matching grows much faster than the input: a long paste
    // would hold the screen. Past this many characters a secret is judged
    // by its start, which only makes the estimate more cautious.
    let tested: String = secret
        .expose()
        .chars()
        .take(STRENGTH_TESTED_CHARS)
        .collect();
    // The context (name, username, address) becomes zxcvbn's dictionary:
    // a few words of bounded length, for the same reason.
    let context: Vec<String> = context
        .iter()
        .take(STRENGTH_CONTEXT_WORDS)
        .map(|w| w.chars().take(STRENGTH_TESTED_CHARS).collect())
        .collect();
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(&tested, &context);
    let score = u8::from(estimate.score());
    let label = match score {
        0 => "Very weak",
        1 => "Weak",
        2 => "Fair",
        3 => "Strong",
        _ => "Very strong",
    };
    let feedback = estimate.feedback();
    Strength {
        score,
        label: label.into(),
        time_to_crack: phrase(
            &estimate
                .crack_times()
                .offline_slow_hashing_1e4_per_second()
                .to_string(),
        ),
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

/// "4 months" reads as "about 4 months"; "centuries" and "less than a
/// second" read as they are.
fn phrase(time: &str) -> String {
    if time.starts_with(|c: char| c.is_ascii_digit()) {
        format!("about {time}")
    } else {
        time.to_string()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chars(length: u32, lower: bool, upper: bool, digits: bool, symbols: bool) -> Recipe {
        Recipe::Characters {
            length,
            lower,
            upper,
            digits,
            symbols,
        }
    }

    #[test]
    fn characters_have_the_length_and_every_chosen_class() {
        for _ in 0..200 {
            let s = generate(&chars(8, true, true, true, true)).unwrap();
            let t = s.expose();
            assert_eq!(t.len(), 8);
            assert!(t.bytes().any(|b| b.is_ascii_lowercase()), "{t}");
            assert!(t.bytes().any(|b| b.is_ascii_uppercase()), "{t}");
            assert!(t.bytes().any(|b| b.is_ascii_digit()), "{t}");
            assert!(t.bytes().any(|b| SYMBOLS.as_bytes().contains(&b)), "{t}");
        }
        let digits = generate(&chars(12, false, false, true, false)).unwrap();
        assert!(digits.expose().bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn two_secrets_differ() {
        let a = generate(&Recipe::default()).unwrap();
        let b = generate(&Recipe::default()).unwrap();
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn words_come_from_the_list() {
        let s = generate(&Recipe::Words { count: 6 }).unwrap();
        let words: Vec<&str> = s.expose().split('-').collect();
        assert_eq!(words.len(), 6);
        for w in words {
            assert!(
                eff_wordlist::large::LIST.iter().any(|(_, x)| *x == w),
                "{w}"
            );
        }
    }

    #[test]
    fn out_of_range_recipes_are_refused_with_the_range() {
        let e = generate(&chars(7, true, true, true, true)).unwrap_err();
        assert!(e.hint.contains("8 to 128"), "{}", e.hint);
        assert!(generate(&chars(129, true, true, true, true)).is_err());
        let e = generate(&chars(20, false, false, false, false)).unwrap_err();
        assert!(e.message.contains("No kind of character"));
        assert!(generate(&Recipe::Words { count: 2 }).is_err());
        assert!(generate(&Recipe::Words { count: 13 }).is_err());
    }

    #[test]
    fn strength_separates_weak_from_strong_and_never_echoes() {
        let weak = strength(&Secret::new("password1".into()).unwrap(), &[]);
        assert!(weak.score <= 1, "{weak:?}");
        assert!(weak.warning.is_some());
        let strong = strength(&generate(&Recipe::default()).unwrap(), &[]);
        assert_eq!(strong.score, 4, "{strong:?}");
        assert_eq!(strong.label, "Very strong");
        assert_eq!(strong.time_to_crack, "centuries");
        assert_eq!(phrase("4 months"), "about 4 months");
        let named = strength(&Secret::new("acmeoffice".into()).unwrap(), &["acmeoffice"]);
        assert_eq!(named.score, 0, "{named:?}");
        let text = format!("{weak:?}{named:?}");
        assert!(!text.contains("password1") && !text.contains("acmeoffice"));
    }

    #[test]
    fn a_long_secret_is_judged_by_its_start() {
        // Secrets may be up to 8 KiB; past the tested length the rest is not read.
        let start = "correct horse battery staple ".repeat(4);
        let long = format!("{start}{}", "x".repeat(8000));
        let judged = strength(&Secret::new(long).unwrap(), &[]);
        let head: String = start.chars().take(STRENGTH_TESTED_CHARS).collect();
        assert_eq!(judged, strength(&Secret::new(head).unwrap(), &[]));
    }

    #[test]
    fn a_long_context_is_judged_by_its_first_words_and_their_start() {
        let secret = Secret::new("acmeoffice".into()).unwrap();
        let long_word = format!("acmeoffice{}", "y".repeat(10_000));
        let many: Vec<String> = (0..1_000).map(|i| format!("word{i}")).collect();
        let mut context: Vec<&str> = vec![&long_word];
        context.extend(many.iter().map(String::as_str));
        let judged = strength(&secret, &context);
        let head: String = long_word.chars().take(STRENGTH_TESTED_CHARS).collect();
        let kept: Vec<&str> = std::iter::once(head.as_str())
            .chain(
                many.iter()
                    .map(String::as_str)
                    .take(STRENGTH_CONTEXT_WORDS - 1),
            )
            .collect();
        assert_eq!(judged, strength(&secret, &kept));
    }
}
