//! One verification from start to verdict: what the user asked to compare
//! with, the signature that vouches for it, the file's digest, the words.
//! The app and the CLI both call [`run`].

use super::file::{self, FileDigests};
use super::signature::{self, MinisignPublicKey, PublicKeys, SignatureCheck, SignatureProblem};
use super::verdict::{self, FileVerdict, Safety, Voucher};
use super::{Algorithm, history, publishers, staging, sums};
use crate::audit::Actor;
use crate::progress::{Cancel, Progress};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What to compare the file with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Method {
    /// A checksum the user pasted.
    Checksum { algorithm: Algorithm, hex: String },
    /// A checksum list naming the file, optionally signed (a detached
    /// signature, or the list itself clearsigned).
    List {
        list: String,
        algorithm: Option<Algorithm>,
        #[serde(flatten)]
        signed: Signed,
    },
    /// A signature over the file itself (OpenPGP `.sig`/`.asc` or `.minisig`).
    Signature {
        signature: String,
        #[serde(flatten)]
        signed: SignedBy,
    },
}

/// Who must have signed: a key file, or a pinned publisher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Signed {
    /// A detached signature over the list.
    pub signature: Option<String>,
    /// An OpenPGP key file or keyring, or a minisign public key file.
    pub key: Option<String>,
    /// A pinned publisher's name.
    pub publisher: Option<String>,
}

/// Who must have signed a file's own signature. Separate from [`Signed`]
/// because that one's `signature` field would collide with the variant's
/// (the generated TypeScript declared `signature` twice).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignedBy {
    /// An OpenPGP key file or keyring, or a minisign public key file.
    pub key: Option<String>,
    /// A pinned publisher's name.
    pub publisher: Option<String>,
}

impl From<&SignedBy> for Signed {
    fn from(by: &SignedBy) -> Self {
        Signed {
            signature: None,
            key: by.key.clone(),
            publisher: by.publisher.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyRequest {
    pub file: String,
    pub method: Method,
    /// Keep a private copy of exactly the bytes checked, to install from.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub stage: bool,
}

/// The keys a signature is checked against, and how they were chosen.
enum Keys {
    OpenPgp(PublicKeys, Option<publishers::Publisher>),
    Minisign(MinisignPublicKey),
}

fn read_small(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).map_err(|e| Error::io(&format!("read the {what}"), path, &e))?;
    if meta.is_dir() {
        return Err(Error::invalid_input(
            format!("{} is a folder, not a {what}.", path.display()),
            format!("Choose the {what} file itself."),
        ));
    }
    if meta.len() > limit {
        return Err(Error::invalid_input(
            format!(
                "{} is {} bytes, too big for a {what}.",
                path.display(),
                meta.len()
            ),
            format!("Check that you chose the {what}, not the download itself."),
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(&format!("read the {what}"), path, &e))
}

const KEY_LIMIT: u64 = 16 << 20;
const SIGNATURE_LIMIT: u64 = 1 << 20;

fn load_keys(store: &Store, signed: &Signed) -> Result<Keys> {
    match (&signed.key, &signed.publisher) {
        (Some(_), Some(_)) => Err(Error::invalid_input(
            "Give either a key file or a trusted publisher, not both.",
            "A pinned publisher already carries its key.",
        )),
        (None, Some(name)) => {
            let (publisher, keys) = publishers::keys_of(store, name)?;
            Ok(Keys::OpenPgp(keys, Some(publisher)))
        }
        (Some(path), None) => {
            let bytes = read_small(Path::new(path), "key file", KEY_LIMIT)?;
            if is_minisign_key(&bytes) {
                return MinisignPublicKey::from_bytes(&bytes).map(Keys::Minisign);
            }
            Ok(Keys::OpenPgp(PublicKeys::from_bytes(&bytes)?, None))
        }
        (None, None) => Err(Error::invalid_input(
            "A signature can only be checked against the publisher's key, and none was given.",
            "Choose the publisher's public key file, or a trusted publisher you pinned earlier.",
        )),
    }
}

fn is_minisign_key(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    last.starts_with("RW") && !text.contains("BEGIN PGP")
}

fn is_minisign_signature(bytes: &[u8]) -> bool {
    bytes.starts_with(b"untrusted comment:")
}

/// A valid signature's signer, in the words of the verdict. A key that is
/// pinned under a publisher's name is named by it.
fn voucher(
    store: &Store,
    check: &SignatureCheck,
    publisher: Option<&publishers::Publisher>,
) -> Result<Option<Voucher>> {
    let Some(signer) = check.signers().first() else {
        return Ok(None);
    };
    if let Some(p) = publisher {
        return Ok(Some(Voucher {
            name: p.name.clone(),
            fingerprint: signer.fingerprint.clone(),
            pinned: true,
        }));
    }
    if let Some(p) = publishers::by_fingerprint(store, &signer.fingerprint)? {
        return Ok(Some(Voucher {
            name: p.name,
            fingerprint: signer.fingerprint.clone(),
            pinned: true,
        }));
    }
    let name = signer
        .user_ids
        .first()
        .cloned()
        .unwrap_or_else(|| format!("key {}", signer.fingerprint));
    Ok(Some(Voucher {
        name,
        fingerprint: signer.fingerprint.clone(),
        pinned: false,
    }))
}

/// Checks a detached signature (OpenPGP or minisign) over `data`.
fn check_detached(
    data: &mut dyn std::io::Read,
    signature: &[u8],
    keys: &Keys,
    now: DateTime<Utc>,
) -> Result<SignatureCheck> {
    match keys {
        Keys::OpenPgp(keys, _) => {
            if is_minisign_signature(signature) {
                return Err(Error::invalid_input(
                    "This is a minisign signature, but the key given is an OpenPGP key.",
                    "Choose the publisher's minisign public key (a .pub file starting with RW…).",
                ));
            }
            signature::verify_detached(data, signature, keys, now)
        }
        Keys::Minisign(key) => signature::verify_minisign(data, signature, key),
    }
}

/// A verdict for a signature that did not check out.
fn refused(
    file: &FileDigests,
    algorithm: Algorithm,
    expected: &str,
    what: &str,
    problem: &SignatureProblem,
) -> FileVerdict {
    let name = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&file.path)
        .to_string();
    FileVerdict {
        safety: Safety::Unsafe,
        headline: format!(
            "Do not install: the signature on {what} does not check out. {}",
            problem.message
        ),
        advice: problem.hint.clone(),
        file: file.path.clone(),
        link_target: file.link_target.clone(),
        size: file.size,
        algorithm,
        expected: expected.to_string(),
        actual: file
            .digests
            .first()
            .map(|d| d.hex.clone())
            .unwrap_or_default(),
        source: format!("the signature on {what} ({}; {name})", problem.detail),
        vouched_by: None,
        staged: None,
    }
}

/// An unpinned key does not make a download safe: the user has not yet
/// confirmed whose key it is.
fn unpinned(mut v: FileVerdict) -> FileVerdict {
    if v.safety == Safety::Safe && v.vouched_by.as_ref().is_some_and(|b| !b.pinned) {
        let by = v
            .vouched_by
            .as_ref()
            .map(|b| b.fingerprint.clone())
            .unwrap_or_default();
        v.safety = Safety::Caution;
        v.headline = format!(
            "Confirm the publisher first: the file matches and the signature is valid, but key {by} is not one of your trusted publishers."
        );
        v.advice = "Compare this fingerprint with the one on the publisher's own website, then pin the key as a trusted publisher and check again.".into();
    }
    v
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The file's path as a list in `list_dir` names it.
pub fn name_in_list(file: &Path, list: &Path) -> Vec<u8> {
    let parent = |p: &Path| {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    };
    let abs = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    // The file's own folder, not its link target's: the list names the link.
    let file_abs = abs(parent(file)).join(file.file_name().unwrap_or_default());
    match file_abs.strip_prefix(abs(parent(list))) {
        Ok(rel) => rel.as_os_str().as_bytes().to_vec(),
        Err(_) => file.file_name().unwrap_or_default().as_bytes().to_vec(),
    }
}

/// A signed list's signature verdict, and the pinned publisher it was
/// checked against (when one was chosen).
pub type ListSignature = (SignatureCheck, Option<publishers::Publisher>);

/// Reads a checksum list and, when it is signed, checks the signature
/// first. Returns the list (parsed from exactly the signed bytes) and the
/// signature's verdict.
pub fn read_list(
    store: &Store,
    list_path: &Path,
    algorithm: Option<Algorithm>,
    signed: &Signed,
    now: DateTime<Utc>,
) -> Result<(sums::ChecksumList, Option<ListSignature>)> {
    let bytes = read_small(list_path, "checksum list", sums::MAX_LIST_BYTES as u64)?;
    let list_name = list_path.display().to_string();
    let clearsigned = bytes
        .trim_ascii_start()
        .starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----");
    let wants_signature = clearsigned
        || signed.signature.is_some()
        || signed.key.is_some()
        || signed.publisher.is_some();
    if !wants_signature {
        return Ok((sums::parse(&bytes, &list_name, algorithm)?, None));
    }
    let keys = load_keys(store, signed)?;
    let publisher = match &keys {
        Keys::OpenPgp(_, p) => p.clone(),
        Keys::Minisign(_) => None,
    };
    let (check, text) = if clearsigned {
        let Keys::OpenPgp(pgp, _) = &keys else {
            return Err(Error::invalid_input(
                "This list is OpenPGP-signed, but the key given is a minisign key.",
                "Choose the publisher's OpenPGP key.",
            ));
        };
        let checked = signature::verify_clearsigned(&bytes, pgp, now)?;
        (checked.check, checked.signed_text)
    } else {
        let Some(sig_path) = &signed.signature else {
            return Err(Error::invalid_input(
                format!(
                    "A key was given, but {list_name} is not signed and no signature file was given."
                ),
                "Choose the signature file next to the list (such as SHA256SUMS.asc, .gpg, .sig or .minisig).",
            ));
        };
        let sig = read_small(Path::new(sig_path), "signature", SIGNATURE_LIMIT)?;
        let check = check_detached(&mut bytes.as_slice(), &sig, &keys, now)?;
        let text = check.is_valid().then(|| bytes.clone());
        (check, text)
    };
    let list = match text {
        Some(t) => sums::parse(&t, &list_name, algorithm)?,
        None => sums::ChecksumList::default(),
    };
    Ok((list, Some((check, publisher))))
}

/// Runs one verification, keeps it in the history and the audit log, and
/// returns the verdict. `Err` only when no verdict is possible (the file
/// cannot be read, the input is unusable, the user cancelled).
pub fn run(
    store: &Store,
    actor: &Actor,
    now: DateTime<Utc>,
    request: &VerifyRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<FileVerdict> {
    let root = request
        .stage
        .then(|| staging::staging_root(store.data_dir()));
    let mut reader = Reader {
        staging_root: root.as_deref(),
        staged: None,
    };
    let result = judge(store, now, request, &mut reader, progress, cancel);
    let verdict = match result {
        Ok(mut v) => {
            match (&reader.staged, v.safety) {
                // Never keep bytes that did not pass.
                (Some(copy), Safety::Unsafe) => staging::discard(copy),
                (Some(copy), _) => v.staged = Some(copy.display().to_string()),
                (None, _) => {}
            }
            v
        }
        Err(e) => {
            if let Some(copy) = &reader.staged {
                staging::discard(copy);
            }
            return Err(e);
        }
    };
    history::record(store, now, actor, &verdict)?;
    Ok(verdict)
}

/// Reads the download once: straight, or into staging when asked.
struct Reader<'a> {
    staging_root: Option<&'a Path>,
    staged: Option<PathBuf>,
}

impl Reader<'_> {
    fn digests(
        &mut self,
        file: &Path,
        algorithms: &[Algorithm],
        progress: &dyn Progress,
        cancel: &Cancel,
    ) -> Result<FileDigests> {
        match self.staging_root {
            Some(root) => {
                let (copy, digests) = staging::stage(file, root, algorithms, progress, cancel)?;
                self.staged = Some(copy);
                Ok(digests)
            }
            None => file::hash_file(file, algorithms, progress, cancel),
        }
    }

    /// The bytes a signature must cover: the staged copy when there is one.
    fn checked_path<'p>(&'p self, file: &'p Path) -> &'p Path {
        self.staged.as_deref().unwrap_or(file)
    }
}

fn judge(
    store: &Store,
    now: DateTime<Utc>,
    request: &VerifyRequest,
    reader: &mut Reader<'_>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<FileVerdict> {
    let file_path = Path::new(&request.file);
    if request.file.trim().is_empty() {
        return Err(Error::invalid_input(
            "No file was chosen.",
            "Choose the downloaded installer.",
        ));
    }
    // Fail fast on a missing, empty or unusable download before any work.
    drop(file::open_download(file_path)?);
    match &request.method {
        Method::Checksum { algorithm, hex } => {
            let expected = verdict::parse_expected(*algorithm, hex)?;
            let digests = reader.digests(file_path, &[*algorithm], progress, cancel)?;
            verdict::judge(&digests, *algorithm, &expected, "you gave", None)
        }
        Method::List {
            list,
            algorithm,
            signed,
        } => {
            let list_path = Path::new(list);
            let (parsed, signature) = read_list(store, list_path, *algorithm, signed, now)?;
            let what = file_name(list_path);
            if let Some((check, _)) = &signature
                && let Some(problem) = check.problem()
            {
                let digests = reader.digests(file_path, &[Algorithm::Sha256], progress, cancel)?;
                return Ok(refused(&digests, Algorithm::Sha256, "", &what, problem));
            }
            let name = name_in_list(file_path, list_path);
            let entry = parsed.find(&name).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidInput,
                    format!("{what} does not list {}.", String::from_utf8_lossy(&name)),
                    "Check that this is the checksum list for this download (same version and edition).",
                )
            })?;
            let digests = reader.digests(file_path, &[entry.algorithm], progress, cancel)?;
            let by = match &signature {
                Some((check, publisher)) => voucher(store, check, publisher.as_ref())?,
                None => None,
            };
            let source = format!("in {what}, line {}", entry.line);
            verdict::judge(&digests, entry.algorithm, &entry.digest, &source, by).map(unpinned)
        }
        Method::Signature {
            signature: sig_path,
            signed,
        } => {
            let keys = load_keys(store, &Signed::from(signed))?;
            let sig = read_small(Path::new(sig_path), "signature", SIGNATURE_LIMIT)?;
            let digests = reader.digests(file_path, &[Algorithm::Sha256], progress, cancel)?;
            // The signature must cover the bytes that would be installed.
            let mut opened = file::open(reader.checked_path(file_path))?;
            let check = check_detached(&mut opened.file, &sig, &keys, now)?;
            // The signature read the file a second time: it must be the same file.
            opened.check_unchanged(digests.size)?;
            let what = file_name(Path::new(&request.file));
            if let Some(problem) = check.problem() {
                return Ok(refused(&digests, Algorithm::Sha256, "", &what, problem));
            }
            let publisher = match &keys {
                Keys::OpenPgp(_, p) => p.clone(),
                Keys::Minisign(_) => None,
            };
            let by = voucher(store, &check, publisher.as_ref())?;
            let actual = digests.digests[0].hex.clone();
            let source = format!("signed in {}", file_name(Path::new(sig_path)));
            verdict::judge(&digests, Algorithm::Sha256, &actual, &source, by).map(unpinned)
        }
    }
}

/// One file of a checked list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListedResult {
    pub file: String,
    pub status: ListedStatus,
    pub algorithm: Algorithm,
    pub expected: String,
    pub actual: Option<String>,
    /// Why it could not be checked, in plain words.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ListedStatus {
    Verified,
    Failed,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListCheck {
    pub list: String,
    pub verified: u32,
    pub failed: u32,
    pub missing: u32,
    /// Who signed the list, when it was signed and the signature is valid.
    pub vouched_by: Option<Voucher>,
    /// Why the list's signature was refused; then no file was checked.
    pub signature_problem: Option<SignatureProblem>,
    pub files: Vec<ListedResult>,
}

impl ListCheck {
    pub fn all_verified(&self) -> bool {
        self.signature_problem.is_none() && self.failed == 0 && self.missing == 0
    }
}

/// Like `sha256sum -c`: every file the list names, relative to its folder,
/// several at once. A signed list is checked first; a bad signature stops
/// everything. Recorded in the audit log.
pub fn check_list(
    store: &Store,
    actor: &Actor,
    now: DateTime<Utc>,
    list_path: &Path,
    algorithm: Option<Algorithm>,
    signed: &Signed,
    cancel: &Cancel,
) -> Result<ListCheck> {
    let (parsed, signature) = read_list(store, list_path, algorithm, signed, now)?;
    let mut result = ListCheck {
        list: list_path.display().to_string(),
        verified: 0,
        failed: 0,
        missing: 0,
        vouched_by: None,
        signature_problem: None,
        files: Vec::new(),
    };
    if let Some((check, publisher)) = &signature {
        result.signature_problem = check.problem().cloned();
        result.vouched_by = voucher(store, check, publisher.as_ref())?;
    }
    if result.signature_problem.is_none() {
        let dir = list_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let paths: Vec<PathBuf> = parsed
            .entries
            .iter()
            .map(|e| dir.join(std::ffi::OsStr::from_bytes(&e.name)))
            .collect();
        let mut algorithms: Vec<Algorithm> = parsed.entries.iter().map(|e| e.algorithm).collect();
        algorithms.sort();
        algorithms.dedup();
        let hashed = file::hash_many(&paths, &algorithms, cancel);
        for (entry, outcome) in parsed.entries.iter().zip(hashed) {
            let (status, actual, problem) = match outcome {
                Ok(d) => {
                    let actual = d
                        .digests
                        .iter()
                        .find(|x| x.algorithm == entry.algorithm)
                        .map(|x| x.hex.clone());
                    if actual.as_deref() == Some(entry.digest.as_str()) {
                        (ListedStatus::Verified, actual, None)
                    } else {
                        (ListedStatus::Failed, actual, None)
                    }
                }
                Err(e) if e.code == ErrorCode::Cancelled => return Err(e),
                Err(e) if e.code == ErrorCode::NotFound => {
                    (ListedStatus::Missing, None, Some(e.message))
                }
                Err(e) => (ListedStatus::Failed, None, Some(e.message)),
            };
            match status {
                ListedStatus::Verified => result.verified += 1,
                ListedStatus::Failed => result.failed += 1,
                ListedStatus::Missing => result.missing += 1,
            }
            result.files.push(ListedResult {
                file: entry.display(),
                status,
                algorithm: entry.algorithm,
                expected: entry.digest.clone(),
                actual,
                problem,
            });
        }
    }
    let details = serde_json::json!({
        "verified": result.verified,
        "failed": result.failed,
        "missing": result.missing,
        "signed_by": result.vouched_by,
        "signature_problem": result.signature_problem.as_ref().map(|p| p.reason),
    });
    let entry = if result.all_verified() {
        crate::audit::NewEntry::ok("verify.list", &result.list, details)
    } else {
        let reason = match &result.signature_problem {
            Some(p) => format!("the signature does not check out: {}", p.message),
            None => format!("{} failed, {} missing", result.failed, result.missing),
        };
        crate::audit::NewEntry::failed("verify.list", &result.list, &reason, details)
    };
    crate::audit::append(store, now, actor, entry)?;
    Ok(result)
}

/// What the wizard found next to the file, to propose instead of asking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Suggestions {
    /// Checksum lists in the file's folder (SHA256SUMS, setup.exe.sha256, …).
    pub lists: Vec<String>,
    /// Detached signatures for those lists or for the file.
    pub signatures: Vec<String>,
    /// Public key files (.asc with a key, .pub, .key, KEYS).
    pub keys: Vec<String>,
}

fn looks_like_list(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let exact = [
        "sha256sums",
        "sha512sums",
        "b3sums",
        "blake3sums",
        "sha1sums",
        "md5sums",
        "checksums",
        "sums",
    ];
    let stem = lower.trim_end_matches(".txt");
    exact.contains(&stem)
        || [
            ".sha256",
            ".sha512",
            ".b3",
            ".blake3",
            ".sha256sum",
            ".sha512sum",
            ".sha1",
            ".md5",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || (lower.contains("checksum") && !lower.ends_with(".asc") && !lower.ends_with(".sig"))
}

fn looks_like_signature(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".asc", ".sig", ".gpg", ".minisig", ".sign"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn holds_public_key(path: &Path) -> bool {
    let Ok(bytes) = read_small(path, "key file", KEY_LIMIT) else {
        return false;
    };
    bytes
        .windows(31)
        .any(|w| w == b"BEGIN PGP PUBLIC KEY BLOCK-----")
        || is_minisign_key(&bytes)
}

/// Looks in the file's folder for checksum lists, signatures and keys.
pub fn suggest(file: &Path) -> Result<Suggestions> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("look in", dir, &e))?;
    let mut found = Suggestions::default();
    for entry in entries.flatten().take(10_000) {
        let path = entry.path();
        if path == file || !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let shown = path.display().to_string();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".pub")
            || lower.ends_with(".key")
            || lower == "keys"
            || (lower.ends_with(".asc") && holds_public_key(&path))
        {
            found.keys.push(shown);
        } else if looks_like_signature(&name) {
            found.signatures.push(shown);
        } else if looks_like_list(&name) {
            found.lists.push(shown);
        }
    }
    found.lists.sort();
    found.signatures.sort();
    found.keys.sort();
    Ok(found)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_as_the_window_sends_them() {
        let sig: VerifyRequest = serde_json::from_str(
            r#"{"file":"/d/setup.bin","method":{"kind":"signature","signature":"/d/setup.bin.sig","key":null,"publisher":"Acme"}}"#,
        )
        .unwrap();
        assert_eq!(
            sig.method,
            Method::Signature {
                signature: "/d/setup.bin.sig".into(),
                signed: SignedBy {
                    key: None,
                    publisher: Some("Acme".into())
                },
            }
        );
        let list: VerifyRequest = serde_json::from_str(
            r#"{"file":"/d/setup.bin","method":{"kind":"list","list":"/d/SHA256SUMS","algorithm":null,"signature":"/d/SHA256SUMS.asc","key":"/d/k.asc","publisher":null}}"#,
        )
        .unwrap();
        assert_eq!(
            list.method,
            Method::List {
                list: "/d/SHA256SUMS".into(),
                algorithm: None,
                signed: Signed {
                    signature: Some("/d/SHA256SUMS.asc".into()),
                    key: Some("/d/k.asc".into()),
                    publisher: None
                },
            }
        );
    }
}
