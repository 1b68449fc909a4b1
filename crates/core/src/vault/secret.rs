//! A secret in memory: wrapped so it cannot be printed, serialized or left
//! behind by accident.

use crate::{Error, Result};
use std::fmt;
use zeroize::{ZeroizeOnDrop, Zeroizing};

/// The longest secret accepted. Passwords, tokens and passphrases fit with
/// room to spare; a longer value is almost always a pasted file.
pub const MAX_SECRET_BYTES: usize = 8 * 1024;

/// A password, token or passphrase.
///
/// `Debug` prints `Secret(redacted)`; there is no `Serialize`, `Display` or
/// `Clone`; the bytes are overwritten with zeros when it is dropped. The
/// only way out is [`Secret::expose`], so every use is easy to find.
pub struct Secret(Zeroizing<String>);

// `Zeroizing` wipes the string when it drops, so the secret is wiped too.
impl ZeroizeOnDrop for Secret {}

impl Secret {
    /// Accepts a secret typed, pasted or generated, refusing what a keychain
    /// or a login form would mangle. The refused input is zeroized too.
    pub fn new(value: String) -> Result<Secret> {
        let value = Zeroizing::new(value);
        if value.is_empty() {
            return Err(Error::invalid_input(
                "The secret is empty.",
                "Type or paste the password, or generate one.",
            ));
        }
        if value.len() > MAX_SECRET_BYTES {
            return Err(Error::invalid_input(
                format!(
                    "The secret is {} bytes long; the limit is {MAX_SECRET_BYTES} bytes.",
                    value.len()
                ),
                "Store passwords, tokens and passphrases here. Keep files such as private keys in their own place and store only their passphrase.",
            ));
        }
        if let Some(c) = value.chars().find(|c| matches!(c, '\n' | '\r' | '\0')) {
            let what = match c {
                '\0' => "a NUL character",
                _ => "a line break",
            };
            return Err(Error::invalid_input(
                format!(
                    "The secret contains {what}, which keychains and login forms do not keep reliably."
                ),
                "Remove it and try again. When piping a secret in, send exactly one line.",
            ));
        }
        Ok(Secret(value))
    }

    /// Rebuilds a secret read back from the keychain.
    pub(crate) fn from_keychain(bytes: Vec<u8>) -> Result<Secret> {
        let bytes = Zeroizing::new(bytes);
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::invalid_input(
                "This keychain item does not hold text, so Shipshape cannot show it.",
                "Open it in your keychain's own manager (Passwords and Keys).",
            )
        })?;
        Ok(Secret(Zeroizing::new(text.to_owned())))
    }

    /// The secret itself. Call only to hand it to the keychain, the
    /// clipboard, a terminal the user asked to see it on, or the strength
    /// estimate.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use static_assertions::{assert_impl_all, assert_not_impl_any};

    // The wrapper's promises, checked by the compiler.
    assert_not_impl_any!(Secret: serde::Serialize, Clone, fmt::Display, Copy);
    assert_impl_all!(Secret: ZeroizeOnDrop, Send, Sync);

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("hunter2-canary".into()).unwrap();
        let printed = format!("{s:?} {:#?}", s);
        assert!(!printed.contains("hunter2"), "{printed}");
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
    }

    #[test]
    fn zeroize_wipes_the_bytes() {
        // Dropping runs the same `zeroize` that this calls by hand; reading
        // freed memory to watch it happen would need unsafe code.
        let mut inner = Zeroizing::new(String::from("wipe-me"));
        zeroize::Zeroize::zeroize(&mut *inner);
        assert!(inner.is_empty());
        let s = Secret::new("abc".into()).unwrap();
        assert_eq!(s.expose(), "abc");
    }

    #[test]
    fn refuses_what_a_keychain_would_mangle() {
        for (input, says) in [
            ("", "empty"),
            ("two\nlines", "line break"),
            ("cr\rhere", "line break"),
            ("nul\0here", "NUL"),
        ] {
            let e = Secret::new(input.into()).unwrap_err();
            assert!(e.message.contains(says), "{input:?}: {}", e.message);
            assert!(!e.message.contains(input) || input.is_empty());
        }
        let big = "x".repeat(1024 * 1024);
        let e = Secret::new(big).unwrap_err();
        assert!(e.message.contains("1048576 bytes"), "{}", e.message);
        assert!(e.message.contains("8192"), "{}", e.message);
        assert!(Secret::new("x".repeat(MAX_SECRET_BYTES)).is_ok());
    }

    #[test]
    fn keychain_bytes_must_be_text() {
        assert!(Secret::from_keychain(vec![0xff, 0xfe]).is_err());
        assert_eq!(
            Secret::from_keychain(b"ok".to_vec()).unwrap().expose(),
            "ok"
        );
    }
}
