//! minisign signatures and public keys (Ed25519, legacy and prehashed).

use super::*;

/// A minisign public key: the `minisign.pub` file (`untrusted comment: …`
/// then the key), or the bare base64 key (`RW…`).
#[derive(Debug, Clone)]
pub struct MinisignPublicKey {
    pub(super) key: minisign_verify::PublicKey,
    pub(super) key_id: String,
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
pub(super) fn minisign_key_id(bytes: &[u8]) -> String {
    let mut le = [0u8; 8];
    for (to, from) in le.iter_mut().zip(bytes) {
        *to = *from;
    }
    format!("{:X}", u64::from_le_bytes(le))
}

/// Legacy (non-prehashed) minisign signatures sign the whole file with plain
/// Ed25519, which `minisign-verify` can only check in memory.
pub(super) const MINISIGN_LEGACY_LIMIT: u64 = 1 << 30;

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
pub(super) fn minisign_timestamp(comment: &str) -> Option<DateTime<Utc>> {
    comment
        .split(['\t', ' '])
        .find_map(|part| part.strip_prefix("timestamp:"))
        .and_then(|n| n.parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

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
}
