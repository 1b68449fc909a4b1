//! Root's own key to a backup in a folder, written by Shipshape rather
//! than by `restic key add`. restic stretches each password with scrypt,
//! tuned when the key is made to take half a second, and pays that again
//! on every run: each backup, its retention, each restore test. Stretching
//! guards a password a person chose against guessing. Root's own key is
//! 32 random bytes (`sealed`), which no guessing reaches, so its key file
//! asks scrypt for little work. The file is the one restic itself writes
//! (the same JSON; scrypt; AES-256 in counter mode with Poly1305-AES over
//! the result), so any restic opens the backup with it. The office's
//! password keeps the key restic made, stretched as restic stretches it.

use crate::{Error, Result};
use aes::cipher::{BlockEncrypt, KeyInit, KeyIvInit, StreamCipher};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustix::fs::{AtFlags, Mode, OFlags, RenameFlags};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::Path;
use zeroize::Zeroizing;

/// scrypt's work for root's random key: N = 2^12, r = 8, p = 1 (4 MiB,
/// a few milliseconds). restic reads these from the file.
const LOG_N: u8 = 12;
const R: u32 = 8;
const P: u32 = 1;
/// restic's salt is 64 bytes, and it refuses another length.
const SALT: usize = 64;
const NONCE: usize = 16;
const TAG: usize = 16;

/// A repository's master key, as `restic cat masterkey` prints it: the
/// Poly1305-AES key (`k` for AES-128, `r` for Poly1305) and the AES-256
/// key, each in base64.
/// Read in place from restic's output, without copies of the key.
#[derive(Deserialize)]
struct Printed<'a> {
    #[serde(borrow)]
    mac: PrintedMac<'a>,
    encrypt: &'a str,
}

#[derive(Deserialize)]
struct PrintedMac<'a> {
    k: &'a str,
    r: &'a str,
}

/// A master key, checked: 16, 16 and 32 bytes.
pub struct MasterKey {
    mac_k: Zeroizing<Vec<u8>>,
    mac_r: Zeroizing<Vec<u8>>,
    encrypt: Zeroizing<Vec<u8>>,
}

/// Never shown: a master key opens the backup whatever its passwords.
impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(hidden)")
    }
}

fn unreadable() -> Error {
    Error::internal("restic printed a master key Shipshape cannot read.")
}

impl MasterKey {
    /// The key restic printed (its first `{` on: restic may say it reads
    /// the password before).
    pub fn from_printed(out: &str) -> Result<MasterKey> {
        let start = out.find('{').ok_or_else(unreadable)?;
        let printed: Printed = serde_json::from_str(&out[start..]).map_err(|_| unreadable())?;
        let bytes = |text: &str, len: usize| {
            Some(Zeroizing::new(STANDARD.decode(text).ok()?)).filter(|b| b.len() == len)
        };
        Ok(MasterKey {
            mac_k: bytes(printed.mac.k, 16).ok_or_else(unreadable)?,
            mac_r: bytes(printed.mac.r, 16).ok_or_else(unreadable)?,
            encrypt: bytes(printed.encrypt, 32).ok_or_else(unreadable)?,
        })
    }

    /// The JSON restic keeps, encrypted, in a key file. Written into one
    /// buffer large enough from the start, so no copy is left behind.
    fn json(&self) -> Zeroizing<String> {
        let mut json = Zeroizing::new(String::with_capacity(128));
        json.push_str(r#"{"mac":{"k":""#);
        STANDARD.encode_string(&*self.mac_k, &mut json);
        json.push_str(r#"","r":""#);
        STANDARD.encode_string(&*self.mac_r, &mut json);
        json.push_str(r#""},"encrypt":""#);
        STANDARD.encode_string(&*self.encrypt, &mut json);
        json.push_str(r#""}"#);
        json
    }
}

/// A key file as restic writes and reads it.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    created: String,
    username: String,
    hostname: String,
    kdf: String,
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    data: String,
}

/// The 64 bytes scrypt derives from `secret`: the AES-256 key, then the
/// Poly1305-AES key as k then r.
fn user_key(secret: &str, salt: &[u8], log_n: u8, r: u32, p: u32) -> Result<Zeroizing<[u8; 64]>> {
    let params = scrypt::Params::new(log_n, r, p, 64)
        .map_err(|e| Error::internal(format!("scrypt's settings: {e}")))?;
    let mut key = Zeroizing::new([0u8; 64]);
    scrypt::scrypt(secret.as_bytes(), salt, &params, &mut *key)
        .map_err(|e| Error::internal(format!("scrypt: {e}")))?;
    Ok(key)
}

/// Poly1305-AES as restic computes it: Poly1305 keyed with `r` and the
/// nonce encrypted by AES-128 under `k`.
fn tag(k: &[u8], r: &[u8], nonce: &[u8; NONCE], message: &[u8]) -> [u8; TAG] {
    let mut s = aes::Block::clone_from_slice(nonce);
    aes::Aes128::new(aes::cipher::generic_array::GenericArray::from_slice(k)).encrypt_block(&mut s);
    let mut key = Zeroizing::new([0u8; 32]);
    key[..16].copy_from_slice(r);
    key[16..].copy_from_slice(&s);
    let mac = poly1305::Poly1305::new(poly1305::Key::from_slice(&*key));
    mac.compute_unpadded(message).into()
}

fn counter_mode(key: &[u8], nonce: &[u8; NONCE], data: &mut [u8]) {
    let mut cipher = ctr::Ctr128BE::<aes::Aes256>::new(key.into(), nonce.into());
    cipher.apply_keystream(data);
}

/// A new key file opening the repository of `master` with `secret`, and
/// its name in the repository (the SHA-256 of its bytes, as restic names
/// it).
pub fn key_file(master: &MasterKey, secret: &str, created: &str) -> Result<(String, Vec<u8>)> {
    use rand::RngCore;
    let mut salt = [0u8; SALT];
    rand::rng().fill_bytes(&mut salt);
    let mut nonce = [0u8; NONCE];
    // restic refuses a nonce of zeros.
    while nonce.iter().all(|&b| b == 0) {
        rand::rng().fill_bytes(&mut nonce);
    }
    let user = user_key(secret, &salt, LOG_N, R, P)?;
    let mut sealed = master.json().as_bytes().to_vec();
    counter_mode(&user[..32], &nonce, &mut sealed);
    let mac = tag(&user[32..48], &user[48..], &nonce, &sealed);
    let data = [&nonce[..], &sealed, &mac].concat();
    let file = KeyFile {
        created: created.to_string(),
        username: "root".into(),
        hostname: crate::computer::hostname(),
        kdf: "scrypt".into(),
        n: 1 << LOG_N,
        r: R,
        p: P,
        salt: STANDARD.encode(salt),
        data: STANDARD.encode(data),
    };
    let bytes = serde_json::to_vec(&file).map_err(|e| Error::internal(e.to_string()))?;
    let name = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    Ok((name, bytes))
}

/// Runs `work` as restic reaches the backup in `folder`: as the account
/// that owns the folder, with the ids restic's SFTP server takes there
/// (`owned_folder`), or as root where root alone may change it.
fn as_restic<T: Send>(
    folder: &Path,
    shown: &str,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    match super::owned_folder::owner(folder) {
        Some(writer) => crate::as_account::as_ids(writer.uid, writer.gid, shown, work),
        None => {
            super::safe_for_root(folder)?;
            work()
        }
    }
}

/// Fails only on an error other than "this disk cannot flush" (some
/// network and FUSE file systems say so), which restic ignores too.
fn flushed(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if !matches!(e.raw_os_error(), Some(22 | 95)) => Err(e), // EINVAL, EOPNOTSUPP
        _ => Ok(()),
    }
}

/// Writes the key file `name` into the backup in `folder` as restic
/// itself does: into a new file of another name first, then renamed
/// into `keys/` (never over a file there), so a full disk leaves no
/// half-written key that would stop restic from opening the backup. Done as the account restic
/// reaches the folder as (`as_restic`).
pub fn place(folder: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = folder.join("keys").join(name);
    as_restic(folder, &path.display().to_string(), || {
        written(folder, name, bytes).map_err(|e| Error::io("write", &path, &e))
    })
}

/// `place`'s work. Not `atomic_file`, which sets the mode on the open
/// file and fails when the disk cannot flush: restic gives the mode when
/// it creates a file, and ignores a disk that cannot flush, and a key
/// file must be written the way restic's own are on the same disk.
fn written(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let backup = crate::atomic_file::open_folder(folder)?;
    // restic gives every file the mode of the backup's config: 0400, or
    // 0440 where the backup's group may read it.
    let config = rustix::fs::statat(&backup, "config", AtFlags::SYMLINK_NOFOLLOW)?;
    let mode = if config.st_mode & 0o040 != 0 {
        0o440
    } else {
        0o400
    };
    let keys = crate::atomic_file::open_folder(&folder.join("keys"))?;
    let unique = format!("{name}-tmp-{:016x}", rand::random::<u64>());
    let file = rustix::fs::openat(
        &keys,
        unique.as_str(),
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(mode),
    )?;
    let mut file = std::fs::File::from(file);
    let done = file
        .write_all(bytes)
        .and_then(|()| flushed(file.sync_all()))
        .and_then(|()| Ok(renamed_new(&keys, &unique, name)?));
    if done.is_err() {
        let _ = rustix::fs::unlinkat(&keys, unique.as_str(), AtFlags::empty());
    }
    done?;
    flushed(rustix::fs::fsync(&keys).map_err(io::Error::from))
}

/// Renames `from` to `to` in `keys`, never over a file there. A file
/// system without that way (it answers EINVAL) gets a plain rename: `to`
/// is the digest of bytes with a fresh salt, so nothing is there.
fn renamed_new(keys: &OwnedFd, from: &str, to: &str) -> rustix::io::Result<()> {
    match rustix::fs::renameat_with(keys, from, keys, to, RenameFlags::NOREPLACE) {
        Err(rustix::io::Errno::INVAL) => rustix::fs::renameat(keys, from, keys, to),
        renamed => renamed,
    }
}

/// Removes the key file `name` that `place` wrote, as the same account:
/// one that did not open the backup is of no use in it.
pub fn take_back(folder: &Path, name: &str) -> Result<()> {
    let path = folder.join("keys").join(name);
    as_restic(folder, &path.display().to_string(), || {
        crate::atomic_file::open_folder(&folder.join("keys"))
            .and_then(|keys| Ok(rustix::fs::unlinkat(&keys, name, AtFlags::empty())?))
            .map_err(|e| Error::io("remove", &path, &e))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The master key a key file holds, opened with `secret`; `None` when the
    /// secret does not open it.
    fn opened(bytes: &[u8], secret: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let file: KeyFile = serde_json::from_slice(bytes).map_err(|_| unreadable())?;
        let log_n = (file.n.is_power_of_two() && file.n > 1)
            .then(|| file.n.trailing_zeros() as u8)
            .ok_or_else(unreadable)?;
        let salt = STANDARD.decode(&file.salt).map_err(|_| unreadable())?;
        let data = STANDARD.decode(&file.data).map_err(|_| unreadable())?;
        if file.kdf != "scrypt" || data.len() < NONCE + TAG {
            return Err(unreadable());
        }
        let user = user_key(secret, &salt, log_n, file.r, file.p)?;
        let (nonce, rest) = data.split_at(NONCE);
        let (sealed, mac) = rest.split_at(rest.len() - TAG);
        let nonce: &[u8; NONCE] = nonce.try_into().map_err(|_| unreadable())?;
        if tag(&user[32..48], &user[48..], nonce, sealed)[..] != *mac {
            return Ok(None);
        }
        let mut plain = Zeroizing::new(sealed.to_vec());
        counter_mode(&user[..32], nonce, &mut plain);
        Ok(Some(plain))
    }

    const PRINTED: &str = r#"reading repository password from stdin
{
  "mac": {
    "k": "AAECAwQFBgcICQoLDA0ODw==",
    "r": "EBESExQVFhcYGRobHB0eHw=="
  },
  "encrypt": "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
}"#;

    #[test]
    fn a_key_file_opens_with_its_secret_alone_and_holds_the_master_key() {
        let master = MasterKey::from_printed(PRINTED).unwrap();
        let (name, bytes) = key_file(&master, "root's secret", "2026-12-05T10:00:00Z").unwrap();
        assert_eq!(name.len(), 64);
        let held = opened(&bytes, "root's secret").unwrap().expect("opens");
        assert_eq!(&held[..], master.json().as_bytes());
        assert!(opened(&bytes, "another").unwrap().is_none());
        let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            (file["N"].as_u64(), file["r"].as_u64(), file["p"].as_u64()),
            (Some(4096), Some(8), Some(1))
        );
        // Two files for one secret differ: a fresh salt and nonce each.
        assert_ne!(key_file(&master, "root's secret", "x").unwrap().0, name);
    }

    #[test]
    fn a_master_key_printed_wrong_is_refused() {
        assert!(MasterKey::from_printed("").is_err());
        assert!(MasterKey::from_printed("{}").is_err());
        let short = PRINTED.replace("AAECAwQFBgcICQoLDA0ODw==", "AAEC");
        assert!(MasterKey::from_printed(&short).is_err());
        let not_base64 = PRINTED.replace("AAECAwQFBgcICQoLDA0ODw==", "%%%");
        assert!(MasterKey::from_printed(&not_base64).is_err());
    }

    /// The crypto is restic's own: a key file restic made opens here with
    /// its password, giving the master key `restic cat masterkey` prints.
    #[test]
    fn a_key_file_restic_made_opens_the_same_way() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let restic = |args: &[&str]| {
            let out = std::process::Command::new("/usr/bin/restic")
                .args(["--repo", repo.to_str().unwrap(), "--no-cache"])
                .args(args)
                .env("RESTIC_PASSWORD", "office words")
                .output()
                .expect("restic runs");
            assert!(out.status.success(), "{out:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        restic(&["init"]);
        let printed = restic(&["cat", "masterkey"]);
        let master = MasterKey::from_printed(&printed).unwrap();
        let made = std::fs::read_dir(repo.join("keys"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let held = opened(&std::fs::read(made).unwrap(), "office words")
            .unwrap()
            .expect("opens");
        let held: serde_json::Value = serde_json::from_slice(&held).unwrap();
        let json = master.json();
        let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(held, ours);

        // A key file of ours, placed in the folder, opens it for restic.
        let (name, bytes) = key_file(&master, "root's own", "2026-12-05T10:00:00Z").unwrap();
        place(&repo, &name, &bytes).unwrap();
        assert!(place(&repo, &name, &bytes).is_err(), "never replaced");
        let (spare, spare_bytes) = key_file(&master, "spare", "2026-12-05T10:00:00Z").unwrap();
        place(&repo, &spare, &spare_bytes).unwrap();
        let modes: Vec<(String, u32)> = std::fs::read_dir(repo.join("keys"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let mode =
                    std::os::unix::fs::PermissionsExt::mode(&e.metadata().unwrap().permissions());
                (e.file_name().into_string().unwrap(), mode & 0o777)
            })
            .collect();
        assert_eq!(
            modes.len(),
            3,
            "restic's, ours and the spare; nothing half-written: {modes:?}"
        );
        assert!(modes.iter().all(|(_, mode)| *mode == 0o400), "{modes:?}");
        take_back(&repo, &spare).unwrap();
        assert!(take_back(&repo, &spare).is_err(), "gone already");
        assert!(!repo.join("keys").join(&spare).exists());
        let out = std::process::Command::new("/usr/bin/restic")
            .args([
                "--repo",
                repo.to_str().unwrap(),
                "--no-cache",
                "--key-hint",
                &name,
                "key",
                "list",
                "--json",
            ])
            .env("RESTIC_PASSWORD", "root's own")
            .output()
            .expect("restic runs");
        assert!(out.status.success(), "{out:?}");
        let keys: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let current: Vec<&str> = keys
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["current"] == true)
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        assert_eq!(current, [&name[..8]], "restic shows a key's short id");
        assert_eq!(keys.as_array().unwrap().len(), 2);
    }
}
