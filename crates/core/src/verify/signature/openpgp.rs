//! OpenPGP signatures: detached and clearsigned, checked against the keys,
//! with the data streamed once through every hash the signatures need.

use super::*;

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

pub(super) const CLEARSIGN_HEADER: &str = "-----BEGIN PGP SIGNED MESSAGE-----";

/// The signatures of a detached signature file, or why there are none.
pub(super) fn read_detached(bytes: &[u8]) -> std::result::Result<Vec<Signature>, SignatureProblem> {
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

pub(super) fn signatures_from_packets(
    bin: &[u8],
) -> std::result::Result<Vec<Signature>, SignatureProblem> {
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

pub(super) fn malformed(message: &str, detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::MalformedSignature,
        message,
        "Download the signature file again from the publisher; make sure it is the signature, not the file or the key.",
        detail,
        None,
    )
}

pub(super) fn no_signature(message: &str) -> SignatureProblem {
    malformed(message, "no signature packets")
}

pub(super) fn damaged_armour(detail: &str) -> SignatureProblem {
    problem(
        SignatureProblemReason::DamagedArmour,
        "The signature file is damaged: its text encoding (ASCII armour) does not decode.",
        "Download the signature file again; it was changed or cut short on the way.",
        detail,
        None,
    )
}

/// A signature waiting for its data: its candidate keys are known.
pub(super) struct Pending<'a> {
    pub(super) sig: &'a Signature,
    pub(super) config: &'a SignatureConfig,
    pub(super) candidates: Vec<Candidate<'a>>,
    pub(super) hasher: Option<DataHasher>,
    pub(super) hash_error: Option<String>,
}

#[derive(Clone, Copy)]
pub(super) struct Candidate<'a> {
    pub(super) entry: &'a KeyEntry,
    /// `None` for the primary key, else the subkey's index.
    pub(super) subkey: Option<usize>,
}

impl Candidate<'_> {
    pub(super) fn key_id(&self) -> String {
        match self.subkey {
            None => key_id_hex(&self.entry.key.primary_key.legacy_key_id()),
            Some(i) => key_id_hex(&self.entry.key.public_subkeys[i].key.legacy_key_id()),
        }
    }

    pub(super) fn fingerprint(&self) -> String {
        match self.subkey {
            None => self.entry.fingerprint.clone(),
            Some(i) => fingerprint_hex(&self.entry.key.public_subkeys[i].key.fingerprint()),
        }
    }

    pub(super) fn version(&self) -> KeyVersion {
        match self.subkey {
            None => self.entry.key.primary_key.version(),
            Some(i) => self.entry.key.public_subkeys[i].key.version(),
        }
    }

    pub(super) fn verify(
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
pub(super) fn check_signatures(
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
pub(super) fn prepare<'a>(
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
pub(super) fn finish(
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

pub(super) fn crypto_check(
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

pub(super) fn bad_signature(candidate: &Candidate<'_>, detail: &str) -> SignatureProblem {
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

pub(super) fn validity_problem(
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
pub(super) struct DataHasher {
    /// Binary: the data as it is. Text: GnuPG's reading.
    pub(super) hasher: Box<dyn digest::DynDigest + Send>,
    /// Text only: the RFC 9580 reading.
    pub(super) any_break: Option<Box<dyn digest::DynDigest + Send>>,
    pub(super) prev_was_cr: bool,
    pub(super) scratch: Vec<u8>,
}

impl DataHasher {
    pub(super) fn new(config: &SignatureConfig) -> pgp::errors::Result<Self> {
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

    pub(super) fn update(&mut self, chunk: &[u8]) {
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
    pub(super) fn finish(
        self,
        config: &SignatureConfig,
    ) -> std::result::Result<Vec<Vec<u8>>, String> {
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
