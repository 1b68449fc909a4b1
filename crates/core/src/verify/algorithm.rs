//! The digest algorithms Shipshape knows, and which of them prove anything.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Algorithm {
    Sha256,
    Sha512,
    Blake3,
    /// Only to compare with a published value; broken for tamper-proofing.
    Sha1,
    /// Only to compare with a published value; broken for tamper-proofing.
    Md5,
}

impl Algorithm {
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Sha256,
        Algorithm::Sha512,
        Algorithm::Blake3,
        Algorithm::Sha1,
        Algorithm::Md5,
    ];

    /// The name used on the command line and in BSD-style lists' tags.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
            Algorithm::Blake3 => "blake3",
            Algorithm::Sha1 => "sha1",
            Algorithm::Md5 => "md5",
        }
    }

    /// How the algorithm is written for people: "SHA-256".
    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
            Algorithm::Blake3 => "BLAKE3",
            Algorithm::Sha1 => "SHA-1",
            Algorithm::Md5 => "MD5",
        }
    }

    /// Length of the digest in hex digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 | Algorithm::Blake3 => 64,
            Algorithm::Sha512 => 128,
            Algorithm::Sha1 => 40,
            Algorithm::Md5 => 32,
        }
    }

    /// SHA-1 and MD5 can be forged: a match says the download was not
    /// damaged, not that nobody tampered with it.
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Sha1 | Algorithm::Md5)
    }

    /// Parses a name as users and list tags write it: "sha256", "SHA256",
    /// "SHA-256", "b3", "BLAKE3".
    pub fn parse(s: &str) -> Result<Self> {
        let norm: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match norm.as_str() {
            "sha256" => Ok(Algorithm::Sha256),
            "sha512" => Ok(Algorithm::Sha512),
            "blake3" | "b3" => Ok(Algorithm::Blake3),
            "sha1" => Ok(Algorithm::Sha1),
            "md5" => Ok(Algorithm::Md5),
            _ => Err(Error::invalid_input(
                format!("\"{s}\" is not a hash algorithm Shipshape knows."),
                "Use sha256, sha512 or blake3.",
            )),
        }
    }

    /// The algorithms whose digests have `len` hex digits. SHA-256 and
    /// BLAKE3 share 64, so a bare 64-digit digest is ambiguous.
    pub fn by_hex_len(len: usize) -> Vec<Algorithm> {
        Self::ALL
            .into_iter()
            .filter(|a| a.hex_len() == len)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_lengths_are_right() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::parse(a.name()).ok(), Some(a));
            assert_eq!(Algorithm::parse(a.label()).ok(), Some(a));
        }
        assert_eq!(
            Algorithm::by_hex_len(64),
            vec![Algorithm::Sha256, Algorithm::Blake3]
        );
        assert_eq!(Algorithm::by_hex_len(128), vec![Algorithm::Sha512]);
        assert!(Algorithm::parse("crc32").is_err());
    }
}
