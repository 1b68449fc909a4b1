//! Copying a secret to the clipboard, and taking it off again after a while.
//!
//! The secret never crosses to the web view for this: the app reads it from
//! the keychain and hands it to the system clipboard itself.

#[cfg(target_os = "linux")]
use arboard::SetExtLinux;
use shipshape_core::vault::Secret;
use shipshape_core::{Error, ErrorCode};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// Test-only: end-to-end tests shorten the wait with this many seconds.
const CLEAR_AFTER_ENV: &str = "SHIPSHAPE_CLIPBOARD_CLEAR_SECONDS";

#[derive(Default)]
pub struct SecretClipboard {
    /// The clipboard we own (on X11 the contents live as long as it does)
    /// and which copy it holds, so a later copy's timer wins.
    held: Arc<Mutex<Option<(arboard::Clipboard, u64)>>>,
    copies: Mutex<u64>,
}

impl std::fmt::Debug for SecretClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretClipboard")
    }
}

fn unavailable(e: arboard::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Shipshape could not use the clipboard: {e}."),
        "Reveal the secret instead and type it, or try again.",
    )
}

fn clear_after() -> Duration {
    shipshape_core::test_settings::number(CLEAR_AFTER_ENV)
        .map(Duration::from_secs)
        .unwrap_or(CLEAR_AFTER)
}

impl SecretClipboard {
    /// Puts `secret` on the clipboard, marked for clipboard managers not to
    /// keep, and clears it after [`CLEAR_AFTER`] unless the user copied
    /// something else meanwhile.
    pub fn copy(&self, secret: &Secret) -> Result<Duration, Error> {
        let mut clipboard = arboard::Clipboard::new().map_err(unavailable)?;
        let set = clipboard.set();
        #[cfg(target_os = "linux")]
        let set = set.exclude_from_history();
        set.text(secret.expose().to_owned()).map_err(unavailable)?;
        let copy = {
            let mut copies = self.copies.lock().unwrap_or_else(|p| p.into_inner());
            *copies += 1;
            *copies
        };
        let fingerprint = blake3::hash(secret.expose().as_bytes());
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = Some((clipboard, copy));
        let held = Arc::clone(&self.held);
        let wait = clear_after();
        std::thread::spawn(move || {
            std::thread::sleep(wait);
            let mut held = held.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((mut clipboard, _)) = held.take_if(|(_, c)| *c == copy) {
                let ours = clipboard
                    .get_text()
                    .is_ok_and(|now| blake3::hash(now.as_bytes()) == fingerprint);
                if ours {
                    let _ = clipboard.clear();
                }
            }
        });
        Ok(wait)
    }
}
