//! The verdict on one file, in plain words first and details after.

use super::Algorithm;
use super::file::FileDigests;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Safety {
    /// The file is the one the publisher described.
    Safe,
    /// It matches, but only by a weak algorithm: complete, not proven untouched.
    Caution,
    /// Do not install.
    Unsafe,
}

/// Who vouched for the expected digest, when a signature did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Voucher {
    /// A pinned publisher's name, or the key's user id.
    pub name: String,
    pub fingerprint: String,
    /// Whether the key is pinned as a trusted publisher.
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileVerdict {
    pub safety: Safety,
    /// One sentence: "Safe to install: …" or "Do not install: …".
    pub headline: String,
    /// What to do next.
    pub advice: String,
    pub file: String,
    pub link_target: Option<String>,
    #[ts(type = "number")]
    pub size: u64,
    pub algorithm: Algorithm,
    pub expected: String,
    pub actual: String,
    /// Where the expected digest came from, completing "the checksum …":
    /// "you gave", "in SHA256SUMS, line 4".
    pub source: String,
    pub vouched_by: Option<Voucher>,
    /// The private copy of exactly the bytes checked, when staging was
    /// asked for and the file was not refused.
    pub staged: Option<String>,
}

/// A digest the user typed or pasted, checked for shape.
pub fn parse_expected(algorithm: Algorithm, input: &str) -> Result<String> {
    let cleaned: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    // People paste "sha256:abc…" from container registries and release pages.
    let cleaned = match cleaned.split_once(':') {
        Some((prefix, rest)) if Algorithm::parse(prefix).ok() == Some(algorithm) => {
            rest.to_string()
        }
        _ => cleaned,
    };
    if cleaned.is_empty() {
        return Err(Error::invalid_input(
            format!("No {} checksum was given.", algorithm.label()),
            "Paste the checksum from the publisher's download page.",
        ));
    }
    if let Some(bad) = cleaned.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(Error::invalid_input(
            format!(
                "The {} checksum contains \"{bad}\", which is not a hexadecimal digit (0-9, a-f).",
                algorithm.label()
            ),
            "Copy the checksum again; it is a string of digits and the letters a to f.",
        ));
    }
    if cleaned.len() != algorithm.hex_len() {
        let others: Vec<&str> = Algorithm::by_hex_len(cleaned.len())
            .into_iter()
            .map(|a| a.label())
            .collect();
        let guess = if others.is_empty() {
            "Check that you copied all of it.".to_string()
        } else {
            format!(
                "That length fits {}: did you pick the wrong kind?",
                others.join(" or ")
            )
        };
        return Err(Error::invalid_input(
            format!(
                "A {} checksum has {} hexadecimal digits; this one has {}.",
                algorithm.label(),
                algorithm.hex_len(),
                cleaned.len()
            ),
            guess,
        ));
    }
    Ok(cleaned.to_ascii_lowercase())
}

/// Compares a file's digest with the expected one and words the result.
pub fn judge(
    file: &FileDigests,
    algorithm: Algorithm,
    expected: &str,
    source: &str,
    vouched_by: Option<Voucher>,
) -> Result<FileVerdict> {
    let actual = file
        .digests
        .iter()
        .find(|d| d.algorithm == algorithm)
        .map(|d| d.hex.clone())
        .ok_or_else(|| Error::internal(format!("{} was not computed.", algorithm.label())))?;
    let name = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&file.path)
        .to_string();
    let matches = actual.eq_ignore_ascii_case(expected);
    let by = match &vouched_by {
        Some(v) if v.pinned => format!(", signed by {}", v.name),
        Some(v) => format!(", signed by key {}", v.fingerprint),
        None => String::new(),
    };
    let (safety, headline, advice) = if !matches {
        (
            Safety::Unsafe,
            format!(
                "Do not install: {name} does not match the {} checksum {source}.",
                algorithm.label()
            ),
            "The file is damaged or was replaced. Delete it, download it again from the publisher's own site, and check it again. If it still does not match, do not install it and tell the publisher.".to_string(),
        )
    } else if algorithm.is_weak() {
        (
            Safety::Caution,
            format!(
                "Weak check only: {name} matches the {} checksum {source}, but {} is not proof against tampering.",
                algorithm.label(),
                algorithm.label()
            ),
            "The download is complete, but someone could have made a fake file with the same checksum. Look for a SHA-256 checksum or a signature from the publisher before installing.".to_string(),
        )
    } else {
        let advice = if vouched_by.as_ref().is_some_and(|v| v.pinned) {
            "The publisher's signature vouches for this file. You can install it.".to_string()
        } else if vouched_by.is_some() {
            "The signature is valid, but its key is not one of your trusted publishers. Pin the publisher's key once you have confirmed its fingerprint on their website.".to_string()
        } else {
            "Make sure the checksum came from the publisher's own website, not from the same place as the download.".to_string()
        };
        (
            Safety::Safe,
            format!(
                "Safe to install: {name} matches the {} checksum {source}{by}.",
                algorithm.label()
            ),
            advice,
        )
    };
    Ok(FileVerdict {
        safety,
        headline,
        advice,
        file: file.path.clone(),
        link_target: file.link_target.clone(),
        size: file.size,
        algorithm,
        expected: expected.to_ascii_lowercase(),
        actual,
        source: source.to_string(),
        vouched_by,
        staged: None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::verify::hash::Digest;

    fn digests(hex: &str) -> FileDigests {
        FileDigests {
            path: "/downloads/setup.exe".into(),
            link_target: None,
            size: 3,
            digests: vec![Digest {
                algorithm: Algorithm::Sha256,
                hex: hex.into(),
            }],
        }
    }

    #[test]
    fn pasted_checksums_are_cleaned_and_checked() {
        let hex = "AB".repeat(32);
        assert_eq!(
            parse_expected(Algorithm::Sha256, &format!(" sha256:{hex}\n")).unwrap(),
            "ab".repeat(32)
        );
        let short = parse_expected(Algorithm::Sha256, "abc").unwrap_err();
        assert!(short.message.contains("64"), "{}", short.message);
        let sha512 = parse_expected(Algorithm::Sha256, &"a".repeat(128)).unwrap_err();
        assert!(sha512.hint.contains("SHA-512"), "{}", sha512.hint);
        let not_hex = parse_expected(Algorithm::Sha256, &"g".repeat(64)).unwrap_err();
        assert!(not_hex.message.contains("\"g\""), "{}", not_hex.message);
        assert!(parse_expected(Algorithm::Sha256, "  ").is_err());
    }

    #[test]
    fn verdicts_say_what_to_do() {
        let good = "ab".repeat(32);
        let ok = judge(
            &digests(&good),
            Algorithm::Sha256,
            &good.to_uppercase(),
            "you gave",
            None,
        )
        .unwrap();
        assert_eq!(ok.safety, Safety::Safe);
        assert!(
            ok.headline
                .starts_with("Safe to install: setup.exe matches")
        );
        let bad = judge(
            &digests(&good),
            Algorithm::Sha256,
            &"cd".repeat(32),
            "in SHA256SUMS, line 2",
            None,
        )
        .unwrap();
        assert_eq!(bad.safety, Safety::Unsafe);
        assert!(bad.headline.starts_with("Do not install"));
        assert!(bad.headline.contains("in SHA256SUMS, line 2"));
    }
}
