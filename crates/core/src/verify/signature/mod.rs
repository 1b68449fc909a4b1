//! Checking OpenPGP and minisign signatures over a publisher's files.
//!
//! Three questions, three functions:
//! - [`verify_detached`]: does this `.sig` / `.asc` file vouch for these bytes?
//!   The bytes are streamed once, in chunks; a 4 GiB installer is never held
//!   in memory.
//! - [`verify_clearsigned`]: is this clearsigned document (an apt `InRelease`,
//!   a signed `SHA256SUMS`) signed, and by whom? It returns the signed text,
//!   only when the check passed, so a checksum list is parsed from exactly
//!   what was signed.
//! - [`verify_minisign`]: does this `.minisig` vouch for these bytes?
//!
//! A signature that does not check out is a verdict, not an error:
//! [`SignatureCheck::Invalid`] with one [`SignatureProblem`] per signature,
//! each with a machine-readable [`SignatureProblemReason`]. `Err` is kept for
//! when no verdict is possible: the file being checked cannot be read, or the
//! key file is not a key ([`PublicKeys::from_bytes`]; [`PublicKeys::parse`]
//! gives the same failure as a [`SignatureProblem`]).
//!
//! # Policy
//!
//! - **Expiry is checked twice**: a key that had expired when the signature
//!   was made, or that has expired by `now`, is rejected
//!   ([`SignatureProblemReason::KeyExpired`]; the message says which). The
//!   signature's creation time is written by the signer, so anyone who gets
//!   hold of an old, expired (and often less carefully guarded) key could
//!   date a fresh signature in the past; checking at `now` too closes that.
//!   This is what apt does (gpgv's `EXPKEYSIG` fails a repository). The
//!   publisher fixes it by extending the key's expiry and handing out the
//!   refreshed key, which then verifies old and new signatures alike.
//! - **Revocation**: a key revoked as compromised, or without a reason, is
//!   rejected whenever the signature was made. A key revoked as "superseded"
//!   or "retired" keeps its signatures made before the revocation; later ones
//!   are rejected. The same holds for a revoked signing subkey.
//! - The key's validity comes from its newest valid self-signature; every
//!   self-signature, subkey binding (with the signing subkey's back
//!   signature) and revocation is checked cryptographically when the key file
//!   is read, so a stripped or forged binding cannot lend a subkey the
//!   publisher's name.
//! - Data signatures with MD5, SHA-1 or RIPEMD-160 are rejected
//!   ([`SignatureProblemReason::WeakAlgorithm`]), as apt and current gpg do.
//! - ASCII armour is decoded strictly: a CRC-24 line that does not match is
//!   damaged armour. (An armour block without a CRC line is accepted, as
//!   RFC 9580 makes the line optional.)

use crate::{Error, ErrorCode, Result};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use pgp::armor::{BlockType, Dearmor, DearmorOptions};
use pgp::composed::{CleartextSignedMessage, Deserializable, SignedKeyDetails, SignedPublicKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{
    Packet, PacketParser, PacketTrait, RevocationCode, Signature, SignatureConfig, SignatureType,
    SignatureVersionSpecific, SubpacketData,
};
use pgp::types::{KeyDetails, KeyVersion, Tag, Timestamp, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::Read;
use ts_rs::TS;

mod armour;
mod keys;
mod minisign;
mod openpgp;

use armour::*;
use keys::*;
use openpgp::*;

pub use keys::{PgpKeyInfo, PublicKeys};
pub use minisign::{MinisignPublicKey, verify_minisign};
pub use openpgp::{ClearsignedCheck, verify_clearsigned, verify_detached};

/// Why a signature was not accepted. Consumers branch on this, never on the
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignatureProblemReason {
    /// The signed bytes are not the bytes checked: the file (or the signed
    /// text) was changed, or the signature belongs to another file.
    BadSignature,
    /// The signing key (or signing subkey) was revoked by its owner.
    KeyRevoked,
    /// The signing key (or subkey) had expired when the signature was made,
    /// or has expired since.
    KeyExpired,
    /// The signing key (or subkey) was created after the signature claims to
    /// have been made.
    KeyNotYetValid,
    /// The signature carries its own expiry date, and it has passed.
    SignatureExpired,
    /// The key that made the signature may not sign: a subkey for encryption
    /// only, or a subkey not properly bound to the publisher's key.
    KeyCannotSign,
    /// The signature uses a broken hash algorithm (MD5, SHA-1, RIPEMD-160).
    WeakAlgorithm,
    /// The signature was made by a key that is not among the given keys.
    UnknownSigner,
    /// The ASCII armour is damaged: a bad CRC, bad base64, or cut short.
    DamagedArmour,
    /// The signature file is truncated, garbage, or not a signature at all.
    MalformedSignature,
    /// The key file is not an (OpenPGP or minisign) public key.
    NotAKeyFile,
}

/// One signature that did not check out, in plain words and in detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignatureProblem {
    pub reason: SignatureProblemReason,
    /// What went wrong, in plain words.
    pub message: String,
    /// What to do next.
    pub hint: String,
    /// Technical detail for the Activity log and support.
    pub detail: String,
    /// The key the signature names: the primary key fingerprint when the
    /// key is among those given, otherwise the issuer fingerprint or key id
    /// written in the signature. `None` when the signature names no key or
    /// could not be read.
    pub key: Option<String>,
}

/// Which signature system vouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignatureScheme {
    OpenPgp,
    Minisign,
}

/// Who made a valid signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifiedSigner {
    pub scheme: SignatureScheme,
    /// OpenPGP: the primary key's fingerprint, uppercase hex (40 characters
    /// for a v4 key). minisign: the key id, 16 uppercase hex characters, as
    /// minisign prints it.
    pub fingerprint: String,
    /// The key id (16 uppercase hex characters) of the key that made the
    /// signature: a signing subkey's, or the primary key's.
    pub signing_key_id: String,
    /// The full fingerprint of the key that made the signature.
    pub signing_key_fingerprint: String,
    /// The key's user ids ("Name <email>") that carry a valid
    /// self-signature. Empty for minisign.
    pub user_ids: Vec<String>,
    /// When the signature was made. minisign: from the trusted comment's
    /// `timestamp:`, when there is one.
    pub signed_at: Option<DateTime<Utc>>,
    /// minisign's trusted comment (signed along with the file).
    pub trusted_comment: Option<String>,
}

/// The verdict on a signature file, or on a document carrying several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "verdict", rename_all = "snake_case")]
#[ts(export)]
pub enum SignatureCheck {
    /// At least one signature is valid, from one of the given keys.
    /// `problems` lists the signatures that did not check out: normal for a
    /// document signed by several keys when you hold only some of them.
    Valid {
        signers: Vec<VerifiedSigner>,
        problems: Vec<SignatureProblem>,
    },
    /// No valid signature. One problem per signature (or one for the whole
    /// file when it could not be read), the most telling first; never empty.
    Invalid { problems: Vec<SignatureProblem> },
}

impl SignatureCheck {
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }

    /// The valid signers; empty when invalid.
    pub fn signers(&self) -> &[VerifiedSigner] {
        match self {
            Self::Valid { signers, .. } => signers,
            Self::Invalid { .. } => &[],
        }
    }

    /// The primary fingerprints of the keys that signed validly.
    pub fn signer_fingerprints(&self) -> Vec<&str> {
        self.signers()
            .iter()
            .map(|s| s.fingerprint.as_str())
            .collect()
    }

    /// Why the check failed (the most telling problem); `None` when valid.
    pub fn problem(&self) -> Option<&SignatureProblem> {
        match self {
            Self::Valid { .. } => None,
            Self::Invalid { problems } => problems.first(),
        }
    }

    /// Every signature that did not check out, valid or not overall.
    pub fn problems(&self) -> &[SignatureProblem] {
        match self {
            Self::Valid { problems, .. } | Self::Invalid { problems } => problems,
        }
    }

    fn invalid(problem: SignatureProblem) -> Self {
        Self::Invalid {
            problems: vec![problem],
        }
    }

    fn from_outcomes(outcomes: Vec<std::result::Result<VerifiedSigner, SignatureProblem>>) -> Self {
        let mut signers = Vec::new();
        let mut problems = Vec::new();
        for outcome in outcomes {
            match outcome {
                Ok(signer) => signers.push(signer),
                Err(problem) => problems.push(problem),
            }
        }
        problems.sort_by_key(|p| rank(p.reason));
        if signers.is_empty() {
            if problems.is_empty() {
                problems.push(no_signature("The signature file contains no signature."));
            }
            Self::Invalid { problems }
        } else {
            Self::Valid { signers, problems }
        }
    }
}

/// Which problem to lead with when several signatures failed.
fn rank(reason: SignatureProblemReason) -> u8 {
    use SignatureProblemReason as R;
    match reason {
        R::BadSignature => 0,
        R::KeyRevoked => 1,
        R::KeyExpired => 2,
        R::KeyNotYetValid => 3,
        R::SignatureExpired => 4,
        R::KeyCannotSign => 5,
        R::WeakAlgorithm => 6,
        R::UnknownSigner => 7,
        R::MalformedSignature => 8,
        R::DamagedArmour => 9,
        R::NotAKeyFile => 10,
    }
}

fn problem(
    reason: SignatureProblemReason,
    message: &str,
    hint: &str,
    detail: &str,
    key: Option<String>,
) -> SignatureProblem {
    SignatureProblem {
        reason,
        message: message.to_string(),
        hint: hint.to_string(),
        detail: detail.to_string(),
        key,
    }
}

/// Feeds `data` to `f` in 64 KiB chunks.
fn read_chunks(data: &mut dyn Read, mut f: impl FnMut(&[u8])) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match data.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                f(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(&e)),
        }
    }
}

/// A reader may stop the check with an [`Error`] of its own (wrapped in an
/// `io::Error`), e.g. [`Error::cancelled`]; it is passed on as it is.
fn read_error(e: &std::io::Error) -> Error {
    if let Some(own) = e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        return own.clone();
    }
    Error::new(
        ErrorCode::Io,
        format!("Could not read the file being checked: {e}."),
        "Check that the file is still there and readable, then try again.",
    )
}

fn time(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::from(t.as_secs()), 0).unwrap_or(DateTime::UNIX_EPOCH)
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn fingerprint_hex(fp: &pgp::types::Fingerprint) -> String {
    hex::encode_upper(fp.as_bytes())
}

fn key_id_hex(id: &pgp::types::KeyId) -> String {
    hex::encode_upper(id.as_ref())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn digests(config: &SignatureConfig, parts: &[&[u8]], text: bool) -> Vec<Vec<u8>> {
        let mut h = DataHasher::new(config).unwrap();
        if !text {
            h.any_break = None;
        }
        for part in parts {
            h.update(part);
        }
        h.finish(config).unwrap()
    }

    #[test]
    fn text_mode_hashing_reads_line_ends_as_gnupg_and_rfc_9580_do_across_chunks() {
        let config = SignatureConfig::v4(
            SignatureType::Text,
            pgp::crypto::public_key::PublicKeyAlgorithm::EdDSALegacy,
            HashAlgorithm::Sha256,
        );
        let input = b"a\r\nb\nc\rd\r\n\n";
        let gnupg = digests(&config, &[b"a\r\nb\r\nc\rd\r\n\r\n"], false);
        let rfc = digests(&config, &[b"a\r\nb\r\nc\r\nd\r\n\r\n"], false);
        assert_ne!(gnupg, rfc);
        let expected = vec![gnupg[0].clone(), rfc[0].clone()];
        assert_eq!(digests(&config, &[input], true), expected);
        // Split at every point, so a CR LF straddles two chunks.
        for cut in 0..input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(
                digests(&config, &[head, tail], true),
                expected,
                "cut at {cut}"
            );
        }
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(digests(&config, &bytewise, true), expected);
    }

    #[test]
    fn garbage_key_files_are_not_key_files() {
        let p = PublicKeys::parse(b"hello world").unwrap_err();
        assert_eq!(p.reason, SignatureProblemReason::NotAKeyFile);
        let p = PublicKeys::parse(b"untrusted comment: minisign public key 1234\nRWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\n").unwrap_err();
        assert!(p.message.contains("minisign"), "{}", p.message);
        let e = PublicKeys::from_bytes(&[0x99, 0x00, 0x05, 1, 2]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn problems_serialise_in_snake_case() {
        let json = serde_json::to_string(&SignatureProblemReason::KeyNotYetValid).unwrap();
        assert_eq!(json, "\"key_not_yet_valid\"");
        let check = SignatureCheck::invalid(malformed("m", "d"));
        let json = serde_json::to_value(&check).unwrap();
        assert_eq!(json["verdict"], "invalid");
        assert_eq!(json["problems"][0]["reason"], "malformed_signature");
    }
}
