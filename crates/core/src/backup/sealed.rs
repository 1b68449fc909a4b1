//! Root's own key to each backup. Root's timer runs backups when nobody is
//! logged in, so it cannot ask the keychain for the office's password.
//! Instead each repository gets a second restic key, a random one of
//! root's, sealed by `systemd-creds` with this computer's credential key
//! (and its TPM where there is one): readable only by root on this
//! computer, useless on a stolen disk with a TPM, and revocable on its own
//! with `restic key remove`. The office's password stays in the keychain.

use crate::vault::Secret;
use crate::{Error, ErrorCode, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

const SYSTEMD_CREDS: &str = "/usr/bin/systemd-creds";
const LIMIT: Duration = Duration::from_secs(60);

/// The sealed keys, one file per repository, in root's private state.
#[derive(Debug, Clone)]
pub struct SealedKeys {
    folder: PathBuf,
}

/// A key file's name: 16 hex characters, never a user's words.
fn checked_token(token: &str) -> Result<&str> {
    if token.len() == 16 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(token)
    } else {
        Err(Error::internal(format!(
            "\"{token}\" does not name one of root's backup keys."
        )))
    }
}

/// The name sealed into the credential, so a key file renamed to stand in
/// for another repository's is refused by systemd-creds.
fn credential_name(token: &str) -> String {
    format!("shipshape-backup-{token}")
}

fn not_sealed(doing: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Shipshape could not {doing} its own key to the backup: {why}."),
        "Check that systemd-creds works (systemd 250 or newer) and that /var/lib/shipshape is intact; set the backup up again with its recovery password if the key is lost.",
    )
}

impl SealedKeys {
    /// The keys under root's state folder `state` (made 0700 if missing).
    pub fn in_state(state: &Path) -> Result<SealedKeys> {
        use std::os::unix::fs::DirBuilderExt;
        let folder = state.join("backup-keys");
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&folder)
            .map_err(|e| Error::io("create", &folder, &e))?;
        Ok(SealedKeys { folder })
    }

    fn file(&self, token: &str) -> Result<PathBuf> {
        Ok(self.folder.join(format!("{}.cred", checked_token(token)?)))
    }

    /// Makes a new random key, seals it, and answers it with the token
    /// that names it.
    pub fn make(&self) -> Result<(String, Secret)> {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let key = Secret::new(hex(&bytes))?;
        let mut name = [0u8; 8];
        rand::rng().fill_bytes(&mut name);
        let token = hex(&name);
        let file = self.file(&token)?;
        seal(&file, &credential_name(&token), &key)?;
        Ok((token, key))
    }

    /// The key `token` names, unsealed.
    pub fn open(&self, token: &str) -> Result<Secret> {
        let file = self.file(token)?;
        if !file.is_file() {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!(
                    "Shipshape's own key to this backup is missing ({}).",
                    file.display()
                ),
                "Set the backup up again with its recovery password: shipshape backup connect.",
            ));
        }
        unseal(&file, &credential_name(token))
    }

    /// Forgets the key `token` names.
    pub fn remove(&self, token: &str) {
        if let Ok(file) = self.file(token) {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Seals `secret` into `file` (0600) under the credential name `name`,
/// which opening must give again: a file copied in for another is refused.
pub(crate) fn seal(file: &Path, name: &str, secret: &Secret) -> Result<()> {
    // Sealed beside it, then renamed over it: a failure leaves the one
    // sealed before as it was.
    let mut new = file.as_os_str().to_owned();
    new.push(format!(".new-{}", std::process::id()));
    let new = PathBuf::from(new);
    let new_arg = new.to_string_lossy().into_owned();
    let name_arg = format!("--name={name}");
    let out = creds(&["encrypt", "--with-key=auto", &name_arg, "-", &new_arg])
        .input(secret.expose().as_bytes().to_vec())
        .finish()
        .map_err(|e| not_sealed("seal", &e.to_string()))?;
    if !out.success() {
        let _ = std::fs::remove_file(&new);
        return Err(not_sealed("seal", out.stderr.trim()));
    }
    use std::os::unix::fs::PermissionsExt;
    let placed = std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io("protect", &new, &e))
        .and_then(|()| std::fs::rename(&new, file).map_err(|e| Error::io("keep", file, &e)));
    if placed.is_err() {
        let _ = std::fs::remove_file(&new);
    }
    placed
}

/// What `seal` sealed into `file` under `name`.
pub(crate) fn unseal(file: &Path, name: &str) -> Result<Secret> {
    let file_arg = file.to_string_lossy().into_owned();
    let name_arg = format!("--name={name}");
    let out = creds(&["decrypt", &name_arg, &file_arg, "-"])
        .finish()
        .map_err(|e| not_sealed("unseal", &e.to_string()))?;
    if !out.success() {
        return Err(not_sealed("unseal", out.stderr.trim()));
    }
    // Exactly what was sealed: a password may end in a space.
    let text = out.stdout.strip_suffix('\n').unwrap_or(&out.stdout);
    Secret::new(text.to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// systemd-creds, with the test setting that puts its host key in a test's
/// folder (so tests never touch the machine's own).
fn creds<'a>(args: &'a [&'a str]) -> crate::program::Run<'a> {
    let run = crate::program::Run::new(SYSTEMD_CREDS, args, LIMIT);
    match crate::test_settings::var("SHIPSHAPE_CREDENTIAL_SECRET") {
        Some(path) => run.env(
            "SYSTEMD_CREDENTIAL_SECRET",
            path.to_string_lossy().into_owned(),
        ),
        None => run,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_plain_tokens_name_a_key_file() {
        assert!(checked_token("0123456789abcdef").is_ok());
        assert!(checked_token("../../etc/shadow").is_err());
        assert!(checked_token("0123456789abcde").is_err());
        assert!(checked_token("0123456789abcdeg").is_err());
    }

    #[test]
    fn a_key_is_sealed_and_opened_only_under_its_own_name() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("host.secret");
        crate::test_settings::give(&format!("SHIPSHAPE_CREDENTIAL_SECRET={}", secret.display()))
            .unwrap();
        let keys = SealedKeys::in_state(dir.path()).unwrap();
        let (token, key) = keys.make().unwrap();
        assert_eq!(key.expose().len(), 64);
        let sealed = std::fs::read(keys.file(&token).unwrap()).unwrap();
        assert!(
            !sealed
                .windows(key.expose().len())
                .any(|w| w == key.expose().as_bytes()),
            "the key file holds the key sealed, not as it is"
        );
        assert_eq!(keys.open(&token).unwrap().expose(), key.expose());

        // Another repository's key file put in its place is refused.
        let (other, _) = keys.make().unwrap();
        std::fs::copy(keys.file(&other).unwrap(), keys.file(&token).unwrap()).unwrap();
        let e = keys.open(&token).unwrap_err();
        assert!(e.message.contains("could not unseal"), "{e:?}");

        keys.remove(&token);
        let e = keys.open(&token).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
}
