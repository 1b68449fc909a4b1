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

/// A key as [`PublicKeys::describe`] shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PgpKeyInfo {
    /// Primary key fingerprint, uppercase hex.
    pub fingerprint: String,
    pub user_ids: Vec<String>,
    pub created: DateTime<Utc>,
    /// When the primary key expires (or expired); `None` if never.
    pub expires: Option<DateTime<Utc>>,
    /// Whether the key carries a valid revocation.
    pub revoked: bool,
}

// ---------------------------------------------------------------------------
// OpenPGP keys
// ---------------------------------------------------------------------------

/// OpenPGP public keys read from a key file or a keyring: binary or
/// ASCII-armoured, one key or many, several armour blocks allowed.
#[derive(Debug, Clone)]
pub struct PublicKeys {
    keys: Vec<KeyEntry>,
}

/// A key with its self-signatures already checked.
#[derive(Debug, Clone)]
struct KeyEntry {
    key: SignedPublicKey,
    fingerprint: String,
    user_ids: Vec<String>,
    created: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
    /// The newest self-signature allows signing, or gives no key flags
    /// (then any use the algorithm allows).
    can_sign: bool,
    revocation: Option<Revocation>,
    subkeys: Vec<SubkeyEntry>,
}

#[derive(Debug, Clone)]
struct SubkeyEntry {
    created: DateTime<Utc>,
    /// A valid binding signature exists.
    bound: bool,
    /// Bound, allowed to sign by its flags, and cross-certified (back signature).
    can_sign: bool,
    expires: Option<DateTime<Utc>>,
    revocation: Option<Revocation>,
}

#[derive(Debug, Clone)]
struct Revocation {
    at: DateTime<Utc>,
    /// Compromised or no reason: every signature is suspect. Otherwise
    /// (superseded, retired) only signatures made after `at`.
    hard: bool,
    reason: String,
}

impl Revocation {
    fn applies_to(&self, signed_at: DateTime<Utc>) -> bool {
        self.hard || signed_at >= self.at
    }
}

impl PublicKeys {
    /// Reads a key file or keyring. Fails with [`ErrorCode::InvalidInput`]
    /// when the bytes hold no usable public key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::parse(bytes).map_err(|p| Error::invalid_input(p.message, p.hint))
    }

    /// Like [`Self::from_bytes`], with the failure as a [`SignatureProblem`]
    /// (reason `not_a_key_file` or `damaged_armour`).
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, SignatureProblem> {
        let mut keys = Vec::new();
        match split_openpgp(bytes).map_err(|d| damaged_key_armour(&d))? {
            Some(OpenPgpInput::Binary(bin)) => keys.extend(keys_from_packets(bin)?),
            Some(OpenPgpInput::Armoured(blocks)) => {
                for block in blocks {
                    let (typ, bin) = dearmor(block).map_err(|d| damaged_key_armour(&d))?;
                    match typ {
                        BlockType::PublicKey | BlockType::File => {
                            keys.extend(keys_from_packets(&bin)?)
                        }
                        BlockType::PrivateKey => return Err(secret_key_problem()),
                        other => {
                            return Err(not_a_key(
                                &format!("armour block is \"{other}\", not a public key block"),
                                what_it_is(other),
                            ));
                        }
                    }
                }
            }
            None => {
                let looks_minisign = std::str::from_utf8(bytes)
                    .map(|t| {
                        let t = t.trim_start();
                        t.starts_with("untrusted comment:") || t.starts_with("RW")
                    })
                    .unwrap_or(false);
                let what = if looks_minisign {
                    "This is a minisign public key, not an OpenPGP key."
                } else {
                    "This file is not an OpenPGP public key."
                };
                return Err(not_a_key("no OpenPGP packets or armour found", what));
            }
        }
        if keys.is_empty() {
            return Err(not_a_key(
                "no public key packets",
                "This file contains no OpenPGP public key.",
            ));
        }
        // The same key may come twice (a keyring and a refreshed copy
        // concatenated): merge the copies, so a revocation or a new
        // self-signature on either counts, as gpg does on import.
        let mut merged: Vec<SignedPublicKey> = Vec::new();
        for key in keys {
            let fpr = key.primary_key.fingerprint();
            match merged
                .iter_mut()
                .find(|k| k.primary_key.fingerprint() == fpr)
            {
                Some(existing) => merge_key(existing, key),
                None => {
                    // Merging into an empty copy also joins a subkey or user
                    // id listed twice within the key.
                    let mut fresh = SignedPublicKey {
                        primary_key: key.primary_key.clone(),
                        details: SignedKeyDetails::new(
                            Vec::new(),
                            Vec::new(),
                            Vec::new(),
                            Vec::new(),
                        ),
                        public_subkeys: Vec::new(),
                    };
                    merge_key(&mut fresh, key);
                    merged.push(fresh);
                }
            }
        }
        Ok(Self {
            keys: merged.into_iter().map(KeyEntry::new).collect(),
        })
    }

    /// The primary key fingerprints, uppercase hex, in file order.
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.fingerprint.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// What each key says about itself (self-signatures checked).
    pub fn describe(&self) -> Vec<PgpKeyInfo> {
        self.keys
            .iter()
            .map(|k| PgpKeyInfo {
                fingerprint: k.fingerprint.clone(),
                user_ids: k.user_ids.clone(),
                created: k.created,
                expires: k.expires,
                revoked: k.revocation.is_some(),
            })
            .collect()
    }
}

/// Adds `other`'s signatures, user ids and subkeys to `into` (same primary
/// key), joining user ids and subkeys that are already there.
fn merge_key(into: &mut SignedPublicKey, other: SignedPublicKey) {
    let details = other.details;
    into.details
        .revocation_signatures
        .extend(details.revocation_signatures);
    into.details
        .direct_signatures
        .extend(details.direct_signatures);
    into.details.user_attributes.extend(details.user_attributes);
    for user in details.users {
        match into.details.users.iter_mut().find(|u| u.id == user.id) {
            Some(existing) => existing.signatures.extend(user.signatures),
            None => into.details.users.push(user),
        }
    }
    for sub in other.public_subkeys {
        let fpr = sub.key.fingerprint();
        match into
            .public_subkeys
            .iter_mut()
            .find(|s| s.key.fingerprint() == fpr)
        {
            Some(existing) => existing.signatures.extend(sub.signatures),
            None => into.public_subkeys.push(sub),
        }
    }
}

fn keys_from_packets(bin: &[u8]) -> std::result::Result<Vec<SignedPublicKey>, SignatureProblem> {
    let mut packets = Vec::new();
    for res in PacketParser::new(bin) {
        match res {
            Ok(Packet::Marker(_) | Packet::Padding(_) | Packet::Trust(_)) => {}
            Ok(Packet::SecretKey(_) | Packet::SecretSubkey(_)) => {
                return Err(secret_key_problem());
            }
            Ok(packet) => packets.push(packet),
            // Packets of a version or kind this library does not know
            // (judged safe to skip by the parser itself).
            Err(pgp::errors::Error::Unsupported { .. }) => {}
            Err(e) => {
                return Err(not_a_key(
                    &format!("packet parse error: {e}"),
                    "The key file is damaged or cut short.",
                ));
            }
        }
    }
    match packets.first() {
        None => return Ok(Vec::new()),
        Some(Packet::PublicKey(_)) => {}
        Some(Packet::Signature(_)) => {
            return Err(not_a_key(
                "first packet is a signature",
                "This is a signature, not a public key.",
            ));
        }
        Some(other) => {
            return Err(not_a_key(
                &format!("first packet is {:?}", other.tag()),
                "This file is not an OpenPGP public key.",
            ));
        }
    }
    SignedPublicKey::from_packets(packets.into_iter().map(Ok).peekable())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            not_a_key(
                &format!("key structure: {e}"),
                "The key file is damaged: its packets do not form a public key.",
            )
        })
}

fn not_a_key(detail: &str, message: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::NotAKeyFile,
        message,
        "Choose the publisher's OpenPGP public key file (often KEYS, .asc, .gpg or .pub).",
        detail,
        None,
    )
}

fn secret_key_problem() -> SignatureProblem {
    problem(
        SignatureProblemReason::NotAKeyFile,
        "This is a secret (private) key, not a public key. Keep it private and do not share it.",
        "Choose the publisher's public key instead.",
        "secret key packets found",
        None,
    )
}

fn damaged_key_armour(detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::DamagedArmour,
        "The key file is damaged: its text encoding (ASCII armour) does not decode.",
        "Download the publisher's key again.",
        detail,
        None,
    )
}

fn what_it_is(typ: BlockType) -> &'static str {
    match typ {
        BlockType::Signature => "This is a signature, not a public key.",
        BlockType::CleartextMessage => "This is a signed document, not a public key.",
        BlockType::Message | BlockType::MultiPartMessage(..) => {
            "This is an OpenPGP message, not a public key."
        }
        _ => "This file is not an OpenPGP public key.",
    }
}

impl KeyEntry {
    fn new(key: SignedPublicKey) -> Self {
        let primary = &key.primary_key;
        let created = time(primary.created_at());

        // Valid self-signatures: user id certifications and direct-key
        // signatures. The newest one speaks for the key.
        let mut user_ids = Vec::new();
        let mut self_sigs: Vec<&Signature> = Vec::new();
        for user in &key.details.users {
            let mut valid: Vec<&Signature> = user
                .signatures
                .iter()
                .filter(|s| {
                    s.verify_certification(primary, Tag::UserId, &user.id)
                        .is_ok()
                })
                .collect();
            valid.sort_by_key(|s| s.created().map(Timestamp::as_secs));
            let Some(newest) = valid.last() else { continue };
            if newest.typ() == Some(SignatureType::CertRevocation) {
                continue;
            }
            user_ids.push(String::from_utf8_lossy(user.id.id()).into_owned());
            self_sigs.extend(
                valid
                    .iter()
                    .filter(|s| s.typ() != Some(SignatureType::CertRevocation)),
            );
        }
        self_sigs.extend(
            key.details
                .direct_signatures
                .iter()
                .filter(|s| s.typ() == Some(SignatureType::Key) && s.verify_key(primary).is_ok()),
        );
        let newest = self_sigs
            .iter()
            .max_by_key(|s| s.created().map(Timestamp::as_secs))
            .copied();

        let mut expires = newest.and_then(|s| expiry(created, s));
        if let Some(days) = primary.legacy_v3_expiration_days().filter(|d| *d > 0) {
            expires = Some(created + chrono::Duration::days(i64::from(days)));
        }
        let can_sign = newest.is_none_or(flags_allow_signing);

        let revocation = revocation_from(
            key.details
                .revocation_signatures
                .iter()
                .chain(&key.details.direct_signatures)
                .filter(|s| {
                    s.typ() == Some(SignatureType::KeyRevocation) && s.verify_key(primary).is_ok()
                }),
        );

        let subkeys = key
            .public_subkeys
            .iter()
            .map(|sub| {
                let mut bindings: Vec<&Signature> = sub
                    .signatures
                    .iter()
                    .filter(|s| {
                        s.typ() == Some(SignatureType::SubkeyBinding)
                            && s.verify_subkey_binding(primary, &sub.key).is_ok()
                    })
                    .collect();
                bindings.sort_by_key(|s| s.created().map(Timestamp::as_secs));
                let binding = bindings.last().copied();
                let sub_created = time(sub.key.created_at());
                let can_sign = binding.is_some_and(|b| {
                    flags_allow_signing(b)
                        && b.embedded_signature().is_some_and(|back| {
                            back.verify_primary_key_binding(&sub.key, primary).is_ok()
                        })
                });
                let revocation = revocation_from(sub.signatures.iter().filter(|s| {
                    s.typ() == Some(SignatureType::SubkeyRevocation)
                        && s.verify_subkey_binding(primary, &sub.key).is_ok()
                }));
                SubkeyEntry {
                    created: sub_created,
                    bound: binding.is_some(),
                    can_sign,
                    expires: binding.and_then(|b| expiry(sub_created, b)),
                    revocation,
                }
            })
            .collect();

        Self {
            fingerprint: fingerprint_hex(&primary.fingerprint()),
            user_ids,
            created,
            expires,
            can_sign,
            revocation,
            subkeys,
            key,
        }
    }

    fn name(&self) -> String {
        match self.user_ids.first() {
            Some(uid) => format!("\"{uid}\" ({})", self.fingerprint),
            None => self.fingerprint.clone(),
        }
    }
}

/// Key flags, when present, must allow signing.
fn flags_allow_signing(sig: &Signature) -> bool {
    let has_flags = sig.config().is_some_and(|c| {
        c.hashed_subpackets()
            .any(|p| matches!(p.data, SubpacketData::KeyFlags(_)))
    });
    !has_flags || sig.key_flags().sign()
}

fn expiry(created: DateTime<Utc>, sig: &Signature) -> Option<DateTime<Utc>> {
    let secs = std::time::Duration::from(sig.key_expiration_time()?).as_secs();
    (secs > 0).then(|| created + chrono::Duration::seconds(secs as i64))
}

/// The revocation that counts: a hard one if any, else the earliest soft one.
fn revocation_from<'a>(sigs: impl Iterator<Item = &'a Signature>) -> Option<Revocation> {
    let mut found: Option<Revocation> = None;
    for sig in sigs {
        let code = sig.revocation_reason_code();
        let hard = !matches!(
            code,
            Some(RevocationCode::KeySuperseded | RevocationCode::KeyRetired)
        );
        let text = sig
            .revocation_reason_string()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let reason = match code {
            Some(RevocationCode::KeySuperseded) => "superseded by another key",
            Some(RevocationCode::KeyCompromised) => "compromised",
            Some(RevocationCode::KeyRetired) => "no longer used",
            _ => "no reason given",
        };
        let reason = if text.trim().is_empty() {
            reason.to_string()
        } else {
            format!("{reason}: {}", text.trim())
        };
        let this = Revocation {
            at: sig.created().map(time).unwrap_or(DateTime::UNIX_EPOCH),
            hard,
            reason,
        };
        found = match found {
            None => Some(this),
            Some(prev) if prev.hard => Some(prev),
            Some(_) if this.hard => Some(this),
            Some(prev) if prev.at <= this.at => Some(prev),
            Some(_) => Some(this),
        };
    }
    found
}

// ---------------------------------------------------------------------------
// OpenPGP signatures
// ---------------------------------------------------------------------------

/// Checks an OpenPGP detached signature (binary or ASCII-armoured, one or
/// several signatures) over `data`, read once in chunks. Valid when at least
/// one signature is valid from one of `keys`.
///
/// `now` is the time the keys' expiry is judged against (see the module
/// documentation). Fails only when `data` cannot be read.
pub fn verify_detached(
    data: &mut dyn Read,
    signature: &[u8],
    keys: &PublicKeys,
    now: DateTime<Utc>,
) -> Result<SignatureCheck> {
    let signatures = match read_detached(signature) {
        Ok(sigs) => sigs,
        Err(problem) => return Ok(SignatureCheck::invalid(problem)),
    };
    check_signatures(&signatures, data, keys, now)
}

/// The outcome of [`verify_clearsigned`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearsignedCheck {
    pub check: SignatureCheck,
    /// The signed text, with `\n` line ends, exactly as the signature covers
    /// it (OpenPGP ignores trailing spaces on each line and the line-end
    /// style; dash-escaping is undone). `Some` only when `check` is valid.
    pub signed_text: Option<Vec<u8>>,
}

/// Checks a clearsigned document (`-----BEGIN PGP SIGNED MESSAGE-----`), as
/// apt repositories publish `InRelease`, with one or several signatures.
/// Valid when at least one signature is valid from one of `keys`; the
/// signers are listed, and the other signatures' problems kept.
pub fn verify_clearsigned(
    document: &[u8],
    keys: &PublicKeys,
    now: DateTime<Utc>,
) -> Result<ClearsignedCheck> {
    let invalid = |problem| ClearsignedCheck {
        check: SignatureCheck::invalid(problem),
        signed_text: None,
    };
    let Ok(text) = std::str::from_utf8(document) else {
        return Ok(invalid(malformed(
            "This is not a clearsigned document: it is not text.",
            "document is not valid UTF-8",
        )));
    };
    let text = text.trim_start();
    if !text.starts_with(CLEARSIGN_HEADER) {
        let message = if text.starts_with("-----BEGIN PGP SIGNATURE-----") {
            "This is a detached signature, not a clearsigned document. Check it against the file it signs."
        } else {
            "This is not a clearsigned document: it does not start with \"-----BEGIN PGP SIGNED MESSAGE-----\"."
        };
        return Ok(invalid(malformed(message, "missing cleartext header line")));
    }
    // Classify a damaged signature block ourselves (armour vs. packets)
    // before the cleartext parser, whose errors do not tell them apart.
    let Some(sig_start) = text.find("\n-----BEGIN PGP SIGNATURE-----") else {
        return Ok(invalid(no_signature(
            "The document is cut short: its signature block is missing.",
        )));
    };
    let signatures = match read_detached(&text.as_bytes()[sig_start + 1..]) {
        Ok(sigs) => sigs,
        Err(problem) => return Ok(invalid(problem)),
    };
    let message =
        match CleartextSignedMessage::from_armor_buf(text.as_bytes(), DearmorOptions::new()) {
            Ok((message, _headers)) => message,
            Err(e) => {
                return Ok(invalid(malformed(
                    "The clearsigned document is malformed.",
                    &format!("cleartext parse error: {e}"),
                )));
            }
        };
    let signed = message.signed_text();
    let check = check_signatures(&signatures, &mut signed.as_bytes(), keys, now)?;
    let signed_text = check
        .is_valid()
        .then(|| signed.replace("\r\n", "\n").into_bytes());
    Ok(ClearsignedCheck { check, signed_text })
}

const CLEARSIGN_HEADER: &str = "-----BEGIN PGP SIGNED MESSAGE-----";

/// The signatures of a detached signature file, or why there are none.
fn read_detached(bytes: &[u8]) -> std::result::Result<Vec<Signature>, SignatureProblem> {
    let mut signatures = Vec::new();
    match split_openpgp(bytes).map_err(|d| damaged_armour(&d))? {
        Some(OpenPgpInput::Binary(bin)) => signatures.extend(signatures_from_packets(bin)?),
        Some(OpenPgpInput::Armoured(blocks)) => {
            for block in blocks {
                let (typ, bin) = dearmor(block).map_err(|d| damaged_armour(&d))?;
                match typ {
                    BlockType::Signature | BlockType::File => {
                        signatures.extend(signatures_from_packets(&bin)?)
                    }
                    BlockType::CleartextMessage => {
                        return Err(malformed(
                            "This is a clearsigned document, not a detached signature. Check it as a signed document.",
                            "cleartext signed message",
                        ));
                    }
                    BlockType::PublicKey | BlockType::PrivateKey => {
                        return Err(malformed(
                            "This is a key, not a signature.",
                            &format!("armour block is \"{typ}\""),
                        ));
                    }
                    other => {
                        return Err(malformed(
                            "This is not a detached signature.",
                            &format!("armour block is \"{other}\""),
                        ));
                    }
                }
            }
        }
        None => {
            return Err(malformed(
                "This is not an OpenPGP signature file: it is neither binary OpenPGP data nor ASCII armour.",
                "no OpenPGP packets or armour found",
            ));
        }
    }
    if signatures.is_empty() {
        return Err(no_signature("The signature file contains no signature."));
    }
    Ok(signatures)
}

fn signatures_from_packets(bin: &[u8]) -> std::result::Result<Vec<Signature>, SignatureProblem> {
    let mut signatures = Vec::new();
    // Written back, the packets must give exactly the bytes read: OpenPGP
    // leaves some bytes outside the signed data (MPI bit counts, the
    // unhashed area), and a signature with any byte changed is refused.
    let mut rewritten = Vec::with_capacity(bin.len());
    for res in PacketParser::new(bin) {
        if let Ok(packet) = &res {
            use pgp::ser::Serialize as _;
            if packet.to_writer(&mut rewritten).is_err() {
                return Err(malformed(
                    "The signature is damaged.",
                    "packet cannot be written back",
                ));
            }
        }
        match res {
            Ok(Packet::Signature(sig)) => signatures.push(sig),
            Ok(Packet::Marker(_) | Packet::Padding(_)) => {}
            Ok(Packet::PublicKey(_) | Packet::SecretKey(_)) => {
                return Err(malformed("This is a key, not a signature.", "key packet"));
            }
            Ok(other) => {
                return Err(malformed(
                    "This is not a detached signature.",
                    &format!("unexpected {:?} packet", other.tag()),
                ));
            }
            Err(e) => {
                return Err(malformed(
                    "The signature is damaged or cut short.",
                    &format!("packet parse error: {e}"),
                ));
            }
        }
    }
    if rewritten != bin {
        return Err(malformed(
            "The signature file was altered: it is not in the form its signer wrote it.",
            "packets are not canonically encoded (MPI bit counts or lengths changed, or bytes added)",
        ));
    }
    Ok(signatures)
}

fn malformed(message: &str, detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::MalformedSignature,
        message,
        "Download the signature file again from the publisher; make sure it is the signature, not the file or the key.",
        detail,
        None,
    )
}

fn no_signature(message: &str) -> SignatureProblem {
    malformed(message, "no signature packets")
}

fn damaged_armour(detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::DamagedArmour,
        "The signature file is damaged: its text encoding (ASCII armour) does not decode.",
        "Download the signature file again; it was changed or cut short on the way.",
        detail,
        None,
    )
}

/// Binary OpenPGP data, or the armour blocks found in text.
enum OpenPgpInput<'a> {
    Binary(&'a [u8]),
    Armoured(Vec<&'a [u8]>),
}

/// Tells binary OpenPGP from armour, and cuts the armour into blocks
/// (`-----BEGIN PGP …` to `-----END PGP …`). Text around the blocks is
/// ignored, as gpg does. `Ok(None)` when it is neither. `Err` when a block
/// has no end line.
fn split_openpgp(bytes: &[u8]) -> std::result::Result<Option<OpenPgpInput<'_>>, String> {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else { return Ok(None) };
    if bytes[first] & 0x80 != 0 {
        return Ok(Some(OpenPgpInput::Binary(&bytes[first..])));
    }
    let mut blocks = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i + 1);
        let line = bytes[pos..end].trim_ascii();
        match start {
            None if line.starts_with(b"-----BEGIN PGP ") => {
                if line.starts_with(CLEARSIGN_HEADER.as_bytes()) {
                    // A cleartext document has no END line of its own; hand
                    // it on whole so the caller can name it.
                    blocks.push(&bytes[pos..]);
                    return Ok(Some(OpenPgpInput::Armoured(blocks)));
                }
                start = Some(pos);
            }
            Some(s) if line.starts_with(b"-----END PGP ") => {
                blocks.push(&bytes[s..end]);
                start = None;
            }
            _ => {}
        }
        pos = end;
    }
    if start.is_some() {
        return Err("armour block has no END line (cut short)".to_string());
    }
    Ok((!blocks.is_empty()).then_some(OpenPgpInput::Armoured(blocks)))
}

/// Decodes one armour block, checking its CRC-24 when it has one.
fn dearmor(block: &[u8]) -> std::result::Result<(BlockType, Vec<u8>), String> {
    if block.starts_with(CLEARSIGN_HEADER.as_bytes()) {
        return Ok((BlockType::CleartextMessage, Vec::new()));
    }
    // pgp 0.21's own CRC-24 check (`enable_crc24_check`) fails every block
    // (it updates a copy of its hasher), so the checksum is checked here.
    let mut dearmor = Dearmor::with_options(block, DearmorOptions::new());
    let mut out = Vec::new();
    dearmor
        .read_to_end(&mut out)
        .map_err(|e| format!("armour: {e}"))?;
    let typ = dearmor
        .typ
        .ok_or_else(|| "armour: no block type".to_string())?;
    if let Some(expected) = dearmor.checksum {
        let actual = crc24(&out);
        if expected != u64::from(actual) {
            return Err(format!(
                "armour: CRC-24 mismatch: the armour says {expected:06X}, the data gives {actual:06X}"
            ));
        }
    }
    Ok((typ, out))
}

/// The armour checksum (RFC 9580, 6.1).
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00B7_04CE;
    for &byte in data {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4CFB;
            }
        }
    }
    crc & 0x00FF_FFFF
}

/// A signature waiting for its data: its candidate keys are known.
struct Pending<'a> {
    sig: &'a Signature,
    config: &'a SignatureConfig,
    candidates: Vec<Candidate<'a>>,
    hasher: Option<DataHasher>,
    hash_error: Option<String>,
}

#[derive(Clone, Copy)]
struct Candidate<'a> {
    entry: &'a KeyEntry,
    /// `None` for the primary key, else the subkey's index.
    subkey: Option<usize>,
}

impl Candidate<'_> {
    fn key_id(&self) -> String {
        match self.subkey {
            None => key_id_hex(&self.entry.key.primary_key.legacy_key_id()),
            Some(i) => key_id_hex(&self.entry.key.public_subkeys[i].key.legacy_key_id()),
        }
    }

    fn fingerprint(&self) -> String {
        match self.subkey {
            None => self.entry.fingerprint.clone(),
            Some(i) => fingerprint_hex(&self.entry.key.public_subkeys[i].key.fingerprint()),
        }
    }

    fn version(&self) -> KeyVersion {
        match self.subkey {
            None => self.entry.key.primary_key.version(),
            Some(i) => self.entry.key.public_subkeys[i].key.version(),
        }
    }

    fn verify(
        &self,
        hash: HashAlgorithm,
        digest: &[u8],
        sig: &pgp::types::SignatureBytes,
    ) -> pgp::errors::Result<()> {
        match self.subkey {
            None => self.entry.key.primary_key.verify(hash, digest, sig),
            Some(i) => self.entry.key.public_subkeys[i]
                .key
                .verify(hash, digest, sig),
        }
    }
}

/// Checks each signature against `keys`, hashing `data` once for all.
fn check_signatures(
    signatures: &[Signature],
    data: &mut dyn Read,
    keys: &PublicKeys,
    now: DateTime<Utc>,
) -> Result<SignatureCheck> {
    let mut outcomes = Vec::new();
    let mut pending = Vec::new();
    for sig in signatures {
        match prepare(sig, keys) {
            Ok(p) => pending.push(p),
            Err(problem) => outcomes.push(Err(problem)),
        }
    }
    if !pending.is_empty() {
        read_chunks(data, |chunk| {
            for p in &mut pending {
                if let Some(h) = &mut p.hasher {
                    h.update(chunk);
                }
            }
        })?;
        for p in pending {
            outcomes.push(finish(p, now));
        }
    }
    Ok(SignatureCheck::from_outcomes(outcomes))
}

/// Everything that can be judged before reading the data.
fn prepare<'a>(
    sig: &'a Signature,
    keys: &'a PublicKeys,
) -> std::result::Result<Pending<'a>, SignatureProblem> {
    let Some(config) = sig.config() else {
        return Err(malformed(
            "The signature uses a version of OpenPGP that Shipshape cannot read.",
            &format!("unsupported signature version {:?}", sig.version()),
        ));
    };
    // Outside the signed part a data signature carries only hints of who
    // signed; anything else there could be changed without breaking the
    // signature, so it is refused.
    if let Some(other) = config.unhashed_subpackets().find(|p| {
        p.is_critical
            || !matches!(
                p.data,
                SubpacketData::IssuerKeyId(_) | SubpacketData::IssuerFingerprint(_)
            )
    }) {
        return Err(malformed(
            "The signature carries unsigned extra data, so it may have been altered.",
            &format!("unhashed subpacket {:?}", other.typ()),
        ));
    }
    if !matches!(config.typ, SignatureType::Binary | SignatureType::Text) {
        return Err(malformed(
            "This is not a signature over a file (it certifies a key or something else).",
            &format!("signature type {:?}", config.typ),
        ));
    }
    if sig.created().is_none() {
        return Err(malformed(
            "The signature has no creation time, so it cannot be checked.",
            "missing signature creation time subpacket",
        ));
    }
    let issuer_fps = sig.issuer_fingerprint();
    let issuer_ids = sig.issuer_key_id();
    let mut candidates = Vec::new();
    for entry in &keys.keys {
        let primary = &entry.key.primary_key;
        let components = std::iter::once((None, primary.fingerprint(), primary.legacy_key_id()))
            .chain(
                entry
                    .key
                    .public_subkeys
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (Some(i), s.key.fingerprint(), s.key.legacy_key_id())),
            );
        for (subkey, fp, id) in components {
            // Every issuer the signature names must be this key: a key id
            // in the unsigned area that disagrees with the signed
            // fingerprint means the signature was altered.
            let matches =
                issuer_fps.iter().all(|f| **f == fp) && issuer_ids.iter().all(|i| **i == id);
            if matches {
                candidates.push(Candidate { entry, subkey });
            }
        }
    }
    if candidates.is_empty() {
        let issuer = issuer_fps
            .first()
            .map(|f| fingerprint_hex(f))
            .or_else(|| issuer_ids.first().map(|i| key_id_hex(i)));
        let named = issuer
            .clone()
            .unwrap_or_else(|| "an unnamed key".to_string());
        let given = keys.fingerprints().join(", ");
        return Err(problem(
            SignatureProblemReason::UnknownSigner,
            &format!("The signature was made by key {named}, which is not among the keys given."),
            "Check that you have the publisher's right key; a key from the publisher's website or an earlier release should match.",
            &format!(
                "issuer fingerprints [{}], issuer key ids [{}]; keys given [{given}]",
                issuer_fps
                    .iter()
                    .map(|f| fingerprint_hex(f))
                    .collect::<Vec<_>>()
                    .join(", "),
                issuer_ids
                    .iter()
                    .map(|i| key_id_hex(i))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            issuer,
        ));
    }
    if matches!(
        config.hash_alg,
        HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Ripemd160
    ) {
        return Err(problem(
            SignatureProblemReason::WeakAlgorithm,
            &format!(
                "The signature uses {}, a hash algorithm that is broken: a file could be forged to match it.",
                config.hash_alg
            ),
            "Ask the publisher for a signature made with SHA-256 or stronger.",
            &format!("hash algorithm {:?}", config.hash_alg),
            Some(candidates[0].entry.fingerprint.clone()),
        ));
    }
    let (hasher, hash_error) = match DataHasher::new(config) {
        Ok(h) => (Some(h), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(Pending {
        sig,
        config,
        candidates,
        hasher,
        hash_error,
    })
}

/// The cryptographic check, then the key's validity at signing time and now.
fn finish(
    p: Pending<'_>,
    now: DateTime<Utc>,
) -> std::result::Result<VerifiedSigner, SignatureProblem> {
    let Pending {
        sig,
        config,
        candidates,
        hasher,
        hash_error,
    } = p;
    let digests = match (hasher, hash_error) {
        (Some(h), _) => h.finish(config),
        (None, Some(e)) => Err(e),
        (None, None) => Err("no hasher".to_string()),
    };
    let digests = match digests {
        Ok(d) => d,
        Err(e) => {
            return Err(malformed(
                "The signature uses an algorithm Shipshape does not support.",
                &format!("hashing: {e}"),
            ));
        }
    };
    let signed_at = sig.created().map(time).unwrap_or(DateTime::UNIX_EPOCH);
    let mut problems = Vec::new();
    for candidate in &candidates {
        if let Err(detail) = crypto_check(sig, config, &digests, candidate) {
            problems.push(bad_signature(candidate, &detail));
            continue;
        }
        match validity_problem(sig, candidate, signed_at, now) {
            None => {
                return Ok(VerifiedSigner {
                    scheme: SignatureScheme::OpenPgp,
                    fingerprint: candidate.entry.fingerprint.clone(),
                    signing_key_id: candidate.key_id(),
                    signing_key_fingerprint: candidate.fingerprint(),
                    user_ids: candidate.entry.user_ids.clone(),
                    signed_at: Some(signed_at),
                    trusted_comment: None,
                });
            }
            Some(problem) => problems.push(problem),
        }
    }
    problems.sort_by_key(|p| {
        // A key that did make the signature tells more than one that did not.
        (
            p.reason == SignatureProblemReason::BadSignature,
            rank(p.reason),
        )
    });
    Err(problems.swap_remove(0))
}

fn crypto_check(
    sig: &Signature,
    config: &SignatureConfig,
    digests: &[Vec<u8>],
    candidate: &Candidate<'_>,
) -> std::result::Result<(), String> {
    let key_v6 = candidate.version() == KeyVersion::V6;
    let sig_v6 = matches!(config.version_specific, SignatureVersionSpecific::V6 { .. });
    if key_v6 != sig_v6 {
        return Err(format!(
            "signature version {:?} does not match key version {:?}",
            sig.version(),
            candidate.version()
        ));
    }
    let (Some(bytes), Some(prefix)) = (sig.signature(), sig.signed_hash_value()) else {
        return Err("signature of unknown version".to_string());
    };
    let mut error = "no digest".to_string();
    for digest in digests {
        if digest.len() < 2 || digest[..2] != prefix {
            error = "digest prefix does not match the signed hash value".to_string();
            continue;
        }
        match candidate.verify(config.hash_alg, digest, bytes) {
            Ok(()) => return Ok(()),
            Err(e) => error = e.to_string(),
        }
    }
    Err(error)
}

fn bad_signature(candidate: &Candidate<'_>, detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::BadSignature,
        &format!(
            "The signature by {} does not match this file: the file was changed after it was signed, or the signature is for another file.",
            candidate.entry.name()
        ),
        "Do not install it. Download the file and its signature again from the publisher.",
        &format!("signing key {}: {detail}", candidate.key_id()),
        Some(candidate.entry.fingerprint.clone()),
    )
}

fn validity_problem(
    sig: &Signature,
    candidate: &Candidate<'_>,
    signed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<SignatureProblem> {
    let entry = candidate.entry;
    let who = entry.name();
    let fpr = Some(entry.fingerprint.clone());
    let key_id = candidate.key_id();
    let sub = candidate.subkey.map(|i| &entry.subkeys[i]);

    let revoked = |rev: &Revocation, what: &str| {
        problem(
            SignatureProblemReason::KeyRevoked,
            &format!(
                "The {what} of {who} was revoked by its owner on {} ({}).",
                day(rev.at),
                rev.reason
            ),
            "Do not trust this signature. Get the publisher's current key and a new signature.",
            &format!(
                "signing key {key_id}; {} revocation at {}; signature made {}",
                if rev.hard { "hard" } else { "soft" },
                rev.at.to_rfc3339(),
                signed_at.to_rfc3339()
            ),
            fpr.clone(),
        )
    };
    if let Some(rev) = entry
        .revocation
        .as_ref()
        .filter(|r| r.applies_to(signed_at))
    {
        return Some(revoked(rev, "key"));
    }
    if let Some(rev) = sub
        .and_then(|s| s.revocation.as_ref())
        .filter(|r| r.applies_to(signed_at))
    {
        return Some(revoked(rev, "signing subkey"));
    }

    let not_yet = |created: DateTime<Utc>, what: &str| {
        problem(
            SignatureProblemReason::KeyNotYetValid,
            &format!(
                "The signature claims to be made on {}, before the {what} of {who} existed (created {}).",
                day(signed_at),
                day(created)
            ),
            "The signature's date is wrong or it was forged. Ask the publisher for a new signature.",
            &format!(
                "signing key {key_id} created {}; signature made {}",
                created.to_rfc3339(),
                signed_at.to_rfc3339()
            ),
            fpr.clone(),
        )
    };
    if entry.created > signed_at {
        return Some(not_yet(entry.created, "key"));
    }
    if let Some(s) = sub.filter(|s| s.created > signed_at) {
        return Some(not_yet(s.created, "signing subkey"));
    }

    let cannot_sign = |message: String, detail: &str| {
        problem(
            SignatureProblemReason::KeyCannotSign,
            &message,
            "Do not trust this signature. Ask the publisher which key signs their releases.",
            &format!("signing key {key_id}: {detail}"),
            fpr.clone(),
        )
    };
    match sub {
        None if !entry.can_sign => {
            return Some(cannot_sign(
                format!(
                    "The signature was made by the main key of {who}, which its owner does not allow to sign files."
                ),
                "primary key flags lack the signing flag",
            ));
        }
        Some(s) if !s.bound => {
            return Some(cannot_sign(
                format!(
                    "The signature was made by a subkey that is not properly attached to {who}."
                ),
                "no valid subkey binding signature",
            ));
        }
        Some(s) if !s.can_sign => {
            return Some(cannot_sign(
                format!(
                    "The signature was made by a subkey of {who} that is not allowed to sign (it is for encryption only, or lacks its cross-certification)."
                ),
                "subkey binding lacks the signing flag or a valid back signature",
            ));
        }
        _ => {}
    }

    let expired = |expires: DateTime<Utc>, what: &str| {
        let message = if expires <= signed_at {
            format!(
                "The {what} of {who} had expired on {}, before this signature was made on {}.",
                day(expires),
                day(signed_at)
            )
        } else {
            format!(
                "The {what} of {who} expired on {} (the signature was made on {}). Shipshape does not accept signatures from expired keys: an old key could be used to sign with a date in the past.",
                day(expires),
                day(signed_at)
            )
        };
        problem(
            SignatureProblemReason::KeyExpired,
            &message,
            "Get the publisher's current key (an expired key is often renewed) and check again.",
            &format!(
                "signing key {key_id} expires {}; signature made {}; now {}",
                expires.to_rfc3339(),
                signed_at.to_rfc3339(),
                now.to_rfc3339()
            ),
            fpr.clone(),
        )
    };
    if let Some(expires) = entry.expires.filter(|e| *e <= signed_at || *e <= now) {
        return Some(expired(expires, "key"));
    }
    if let Some(expires) = sub
        .and_then(|s| s.expires)
        .filter(|e| *e <= signed_at || *e <= now)
    {
        return Some(expired(expires, "signing subkey"));
    }

    if let Some(valid_for) = sig
        .signature_expiration_time()
        .map(|d| std::time::Duration::from(d).as_secs())
        .filter(|s| *s > 0)
    {
        let until = signed_at + chrono::Duration::seconds(valid_for as i64);
        if until <= now {
            return Some(problem(
                SignatureProblemReason::SignatureExpired,
                &format!(
                    "The signature by {who} was only valid until {}.",
                    day(until)
                ),
                "Ask the publisher for a current signature.",
                &format!(
                    "signature made {}, expires {}; now {}",
                    signed_at.to_rfc3339(),
                    until.to_rfc3339(),
                    now.to_rfc3339()
                ),
                fpr,
            ));
        }
    }
    None
}

/// Hashes the signed data the way one signature needs it: salted for v6,
/// line ends made CRLF for a text signature.
///
/// "Line ends made CRLF" is read two ways: GnuPG turns only a bare LF into
/// CR LF (a lone CR stays), RFC 9580 implementations (rPGP, Sequoia) also
/// turn a lone CR into CR LF. A text signature is checked against both
/// digests; they differ only for text with lone CRs.
struct DataHasher {
    /// Binary: the data as it is. Text: GnuPG's reading.
    hasher: Box<dyn digest::DynDigest + Send>,
    /// Text only: the RFC 9580 reading.
    any_break: Option<Box<dyn digest::DynDigest + Send>>,
    prev_was_cr: bool,
    scratch: Vec<u8>,
}

impl DataHasher {
    fn new(config: &SignatureConfig) -> pgp::errors::Result<Self> {
        let new = || -> pgp::errors::Result<Box<dyn digest::DynDigest + Send>> {
            let mut hasher = config.hash_alg.new_hasher()?;
            if let SignatureVersionSpecific::V6 { salt } = &config.version_specific {
                hasher.update(salt);
            }
            Ok(hasher)
        };
        Ok(Self {
            hasher: new()?,
            any_break: if config.typ == SignatureType::Text {
                Some(new()?)
            } else {
                None
            },
            prev_was_cr: false,
            scratch: Vec::new(),
        })
    }

    fn update(&mut self, chunk: &[u8]) {
        let Some(any_break) = &mut self.any_break else {
            self.hasher.update(chunk);
            return;
        };
        let scratch = &mut self.scratch;
        // GnuPG: a LF not preceded by CR becomes CR LF.
        scratch.clear();
        let mut prev_was_cr = self.prev_was_cr;
        for &b in chunk {
            if b == b'\n' && !prev_was_cr {
                scratch.push(b'\r');
            }
            scratch.push(b);
            prev_was_cr = b == b'\r';
        }
        self.hasher.update(scratch);
        // RFC 9580: CR LF, lone CR and lone LF all become CR LF.
        scratch.clear();
        let mut prev_was_cr = self.prev_was_cr;
        for &b in chunk {
            match b {
                b'\r' => scratch.extend_from_slice(b"\r\n"),
                b'\n' if prev_was_cr => {}
                b'\n' => scratch.extend_from_slice(b"\r\n"),
                _ => scratch.push(b),
            }
            prev_was_cr = b == b'\r';
        }
        any_break.update(scratch);
        self.prev_was_cr = prev_was_cr;
    }

    /// One digest for a binary signature, two for a text signature.
    fn finish(self, config: &SignatureConfig) -> std::result::Result<Vec<Vec<u8>>, String> {
        std::iter::once(self.hasher)
            .chain(self.any_break)
            .map(|mut hasher| {
                let len = config
                    .hash_signature_data(&mut hasher)
                    .map_err(|e| e.to_string())?;
                let trailer = config.trailer(len).map_err(|e| e.to_string())?;
                hasher.update(&trailer);
                Ok(hasher.finalize().to_vec())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------
// minisign
// ---------------------------------------------------------------------------

/// A minisign public key: the `minisign.pub` file (`untrusted comment: …`
/// then the key), or the bare base64 key (`RW…`).
#[derive(Debug, Clone)]
pub struct MinisignPublicKey {
    key: minisign_verify::PublicKey,
    key_id: String,
}

impl MinisignPublicKey {
    /// Fails with [`ErrorCode::InvalidInput`] when the bytes are not a
    /// minisign public key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::parse(bytes).map_err(|p| Error::invalid_input(p.message, p.hint))
    }

    /// Like [`Self::from_bytes`], with the failure as a [`SignatureProblem`]
    /// (reason `not_a_key_file`).
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, SignatureProblem> {
        let not_key = |detail: &str| {
            problem(
                SignatureProblemReason::NotAKeyFile,
                "This is not a minisign public key.",
                "Choose the publisher's minisign public key: a line starting with \"RW\", or the minisign.pub file.",
                detail,
                None,
            )
        };
        let text = std::str::from_utf8(bytes).map_err(|_| not_key("not UTF-8 text"))?;
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let mut line = lines.next().ok_or_else(|| not_key("empty"))?;
        if line.starts_with("untrusted comment:") {
            line = lines
                .next()
                .ok_or_else(|| not_key("comment line without a key line"))?;
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(line)
            .map_err(|e| not_key(&format!("key line is not base64: {e}")))?;
        if raw.len() != 42 || &raw[..2] != b"Ed" {
            return Err(not_key(&format!(
                "decoded key has {} bytes and algorithm {:?}; expected 42 bytes and \"Ed\"",
                raw.len(),
                raw.get(..2)
            )));
        }
        let key = minisign_verify::PublicKey::from_base64(line)
            .map_err(|e| not_key(&format!("minisign: {e}")))?;
        Ok(Self {
            key,
            key_id: minisign_key_id(&raw[2..10]),
        })
    }

    /// The key id as minisign prints it (16 uppercase hex characters).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

/// minisign prints the 8 key-id bytes as one little-endian number.
/// Like minisign, without zero padding: a key id whose top byte is below
/// 0x10 prints with fewer than 16 digits.
fn minisign_key_id(bytes: &[u8]) -> String {
    let mut le = [0u8; 8];
    for (to, from) in le.iter_mut().zip(bytes) {
        *to = *from;
    }
    format!("{:X}", u64::from_le_bytes(le))
}

/// Legacy (non-prehashed) minisign signatures sign the whole file with plain
/// Ed25519, which `minisign-verify` can only check in memory.
const MINISIGN_LEGACY_LIMIT: u64 = 1 << 30;

/// Checks a `.minisig` signature over `data`. Prehashed signatures (the
/// default since minisign 0.8) are streamed; legacy ones are read into
/// memory, up to 1 GiB. Fails only when `data` cannot be read or is too
/// large for a legacy signature.
pub fn verify_minisign(
    data: &mut dyn Read,
    signature: &[u8],
    key: &MinisignPublicKey,
) -> Result<SignatureCheck> {
    let bad_file = |message: &str, detail: &str| {
        SignatureCheck::invalid(problem(
            SignatureProblemReason::MalformedSignature,
            message,
            "Download the .minisig file again from the publisher.",
            detail,
            None,
        ))
    };
    let Ok(text) = std::str::from_utf8(signature) else {
        return Ok(bad_file(
            "This is not a minisign signature: it is not text.",
            "signature is not UTF-8",
        ));
    };
    let text = text.trim_start();
    let sig = match minisign_verify::Signature::decode(text) {
        Ok(sig) => sig,
        Err(minisign_verify::Error::UnsupportedAlgorithm) => {
            return Ok(bad_file(
                "The minisign signature uses an algorithm Shipshape does not know.",
                "unsupported signature algorithm",
            ));
        }
        Err(e) => {
            return Ok(bad_file(
                "The minisign signature is damaged, cut short, or not a minisign signature.",
                &format!("minisign: {e}"),
            ));
        }
    };
    // The signature line: 2 bytes algorithm, 8 bytes key id, 64 bytes signature
    // (already validated by decode).
    let raw = text
        .lines()
        .nth(1)
        .and_then(|l| {
            base64::engine::general_purpose::STANDARD
                .decode(l.trim())
                .ok()
        })
        .unwrap_or_default();
    if raw.len() != 74 {
        return Ok(bad_file(
            "The minisign signature is damaged.",
            "signature line does not decode to 74 bytes",
        ));
    }
    let sig_key_id = minisign_key_id(&raw[2..10]);
    if sig_key_id != key.key_id {
        return Ok(SignatureCheck::invalid(problem(
            SignatureProblemReason::UnknownSigner,
            &format!(
                "The signature was made by minisign key {sig_key_id}, not by the key given ({}).",
                key.key_id
            ),
            "Check that you have the publisher's right minisign key.",
            &format!("signature key id {sig_key_id}; key id given {}", key.key_id),
            Some(sig_key_id),
        )));
    }
    let prehashed = &raw[..2] == b"ED";
    let outcome = if prehashed {
        let mut verifier = key
            .key
            .verify_stream(&sig)
            .map_err(|e| Error::internal(format!("minisign stream setup: {e}")))?;
        read_chunks(data, |chunk| verifier.update(chunk))?;
        verifier.finalize()
    } else {
        let mut bytes = Vec::new();
        data.take(MINISIGN_LEGACY_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| read_error(&e))?;
        if bytes.len() as u64 > MINISIGN_LEGACY_LIMIT {
            return Err(Error::invalid_input(
                "This is a legacy minisign signature, which Shipshape can only check for files up to 1 GiB.",
                "Ask the publisher for a current (prehashed) minisign signature.",
            ));
        }
        key.key.verify(&bytes, &sig, true)
    };
    let comment = sig.trusted_comment().to_string();
    match outcome {
        Ok(()) => Ok(SignatureCheck::Valid {
            signers: vec![VerifiedSigner {
                scheme: SignatureScheme::Minisign,
                fingerprint: key.key_id.clone(),
                signing_key_id: key.key_id.clone(),
                signing_key_fingerprint: key.key_id.clone(),
                user_ids: Vec::new(),
                signed_at: minisign_timestamp(&comment),
                trusted_comment: Some(comment),
            }],
            problems: Vec::new(),
        }),
        Err(e) => Ok(SignatureCheck::invalid(problem(
            SignatureProblemReason::BadSignature,
            &format!(
                "The minisign signature by key {} does not match this file: the file (or the signature's trusted comment) was changed, or the signature is for another file.",
                key.key_id
            ),
            "Do not install it. Download the file and its signature again from the publisher.",
            &format!(
                "minisign {}: {e}",
                if prehashed { "prehashed" } else { "legacy" }
            ),
            Some(key.key_id.clone()),
        ))),
    }
}

/// `timestamp:1633700835\tfile:…` → the time, when present.
fn minisign_timestamp(comment: &str) -> Option<DateTime<Utc>> {
    comment
        .split(['\t', ' '])
        .find_map(|part| part.strip_prefix("timestamp:"))
        .and_then(|n| n.parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

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

    #[test]
    fn armour_splitting_finds_blocks_and_ignores_text_around_them() {
        let input = b"hello\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\nbye\n-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n-----END PGP PUBLIC KEY BLOCK-----\n";
        let Some(OpenPgpInput::Armoured(blocks)) = split_openpgp(input).unwrap() else {
            panic!("expected armour");
        };
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].starts_with(b"-----BEGIN PGP SIGNATURE-----"));
        assert!(blocks[0].ends_with(b"-----END PGP SIGNATURE-----\n"));
        assert!(blocks[1].starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    }

    #[test]
    fn armour_without_end_line_is_damaged() {
        let err = split_openpgp(b"-----BEGIN PGP SIGNATURE-----\n\nAAAA\n")
            .err()
            .unwrap();
        assert!(err.contains("END"), "{err}");
    }

    #[test]
    fn plain_text_and_empty_input_are_not_openpgp() {
        assert!(split_openpgp(b"just some words\n").unwrap().is_none());
        assert!(split_openpgp(b"  \n").unwrap().is_none());
        assert!(split_openpgp(b"").unwrap().is_none());
    }

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
    fn crc24_matches_the_rfc_reference() {
        // RFC 4880's CRC-24 of the empty input is its initial value.
        assert_eq!(crc24(b""), 0x00B7_04CE);
        // "123456789" is the usual check input; CRC-24/OPENPGP gives 21CF02.
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }

    #[test]
    fn minisign_key_ids_print_as_minisign_does() {
        assert_eq!(
            minisign_key_id(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xAB]),
            "AB07060504030201"
        );
        assert_eq!(
            minisign_key_id(&[0xDE, 0xD4, 0x2A, 0x4E, 0x24, 0x05, 0xA0, 0x0C]),
            "CA005244E2AD4DE"
        );
    }

    #[test]
    fn minisign_timestamp_is_read_from_the_trusted_comment() {
        let t = minisign_timestamp("timestamp:1633700835\tfile:test\tprehashed").unwrap();
        assert_eq!(t.timestamp(), 1_633_700_835);
        assert!(minisign_timestamp("no time here").is_none());
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
