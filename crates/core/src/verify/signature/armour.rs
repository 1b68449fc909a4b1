//! ASCII armour: finding the blocks in a file, decoding them strictly
//! (a CRC-24 that does not match is damaged armour).

use super::*;

/// Binary OpenPGP data, or the armour blocks found in text.
pub(super) enum OpenPgpInput<'a> {
    Binary(&'a [u8]),
    Armoured(Vec<&'a [u8]>),
}

/// Tells binary OpenPGP from armour, and cuts the armour into blocks
/// (`-----BEGIN PGP …` to `-----END PGP …`). Text around the blocks is
/// ignored, as gpg does. `Ok(None)` when it is neither. `Err` when a block
/// has no end line.
pub(super) fn split_openpgp(bytes: &[u8]) -> std::result::Result<Option<OpenPgpInput<'_>>, String> {
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
pub(super) fn dearmor(block: &[u8]) -> std::result::Result<(BlockType, Vec<u8>), String> {
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
pub(super) fn crc24(data: &[u8]) -> u32 {
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

    #[test]
    fn crc24_matches_the_rfc_reference() {
        // RFC 4880's CRC-24 of the empty input is its initial value.
        assert_eq!(crc24(b""), 0x00B7_04CE);
        // "123456789" is the usual check input; CRC-24/OPENPGP gives 21CF02.
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }
}
