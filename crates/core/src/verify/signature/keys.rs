//! OpenPGP public keys: reading a key file, checking every self-signature,
//! subkey binding and revocation, and what a key may sign and when.

use super::*;

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
    pub(super) keys: Vec<KeyEntry>,
}

/// A key with its self-signatures already checked.
#[derive(Debug, Clone)]
pub(super) struct KeyEntry {
    pub(super) key: SignedPublicKey,
    pub(super) fingerprint: String,
    pub(super) user_ids: Vec<String>,
    pub(super) created: DateTime<Utc>,
    pub(super) expires: Option<DateTime<Utc>>,
    /// The newest self-signature allows signing, or gives no key flags
    /// (then any use the algorithm allows).
    pub(super) can_sign: bool,
    pub(super) revocation: Option<Revocation>,
    pub(super) subkeys: Vec<SubkeyEntry>,
}

#[derive(Debug, Clone)]
pub(super) struct SubkeyEntry {
    pub(super) created: DateTime<Utc>,
    /// A valid binding signature exists.
    pub(super) bound: bool,
    /// Bound, allowed to sign by its flags, and cross-certified (back signature).
    pub(super) can_sign: bool,
    pub(super) expires: Option<DateTime<Utc>>,
    pub(super) revocation: Option<Revocation>,
}

#[derive(Debug, Clone)]
pub(super) struct Revocation {
    pub(super) at: DateTime<Utc>,
    /// Compromised or no reason: every signature is suspect. Otherwise
    /// (superseded, retired) only signatures made after `at`.
    pub(super) hard: bool,
    pub(super) reason: String,
}

impl Revocation {
    pub(super) fn applies_to(&self, signed_at: DateTime<Utc>) -> bool {
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
pub(super) fn merge_key(into: &mut SignedPublicKey, other: SignedPublicKey) {
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

pub(super) fn keys_from_packets(
    bin: &[u8],
) -> std::result::Result<Vec<SignedPublicKey>, SignatureProblem> {
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

pub(super) fn not_a_key(detail: &str, message: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::NotAKeyFile,
        message,
        "Choose the publisher's OpenPGP public key file (often KEYS, .asc, .gpg or .pub).",
        detail,
        None,
    )
}

pub(super) fn secret_key_problem() -> SignatureProblem {
    problem(
        SignatureProblemReason::NotAKeyFile,
        "This is a secret (private) key, not a public key. Keep it private and do not share it.",
        "Choose the publisher's public key instead.",
        "secret key packets found",
        None,
    )
}

pub(super) fn damaged_key_armour(detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::DamagedArmour,
        "The key file is damaged: its text encoding (ASCII armour) does not decode.",
        "Download the publisher's key again.",
        detail,
        None,
    )
}

pub(super) fn what_it_is(typ: BlockType) -> &'static str {
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
    pub(super) fn new(key: SignedPublicKey) -> Self {
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

    pub(super) fn name(&self) -> String {
        match self.user_ids.first() {
            Some(uid) => format!("\"{uid}\" ({})", self.fingerprint),
            None => self.fingerprint.clone(),
        }
    }
}

/// Key flags, when present, must allow signing.
pub(super) fn flags_allow_signing(sig: &Signature) -> bool {
    let has_flags = sig.config().is_some_and(|c| {
        c.hashed_subpackets()
            .any(|p| matches!(p.data, SubpacketData::KeyFlags(_)))
    });
    !has_flags || sig.key_flags().sign()
}

pub(super) fn expiry(created: DateTime<Utc>, sig: &Signature) -> Option<DateTime<Utc>> {
    let secs = std::time::Duration::from(sig.key_expiration_time()?).as_secs();
    (secs > 0).then(|| created + chrono::Duration::seconds(secs as i64))
}

/// The revocation that counts: a hard one if any, else the earliest soft one.
pub(super) fn revocation_from<'a>(sigs: impl Iterator<Item = &'a Signature>) -> Option<Revocation> {
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
