//! Signature checks against signatures made by the real tools: GnuPG (in a
//! throw-away GNUPGHOME) and minisign. Both must be installed (`gpg`,
//! `minisign`); a missing tool fails the test rather than skipping it.

use chrono::{DateTime, Duration, Utc};
use shipshape_core::ErrorCode;
use shipshape_core::verify::signature::{
    MinisignPublicKey, PublicKeys, SignatureCheck, SignatureProblem, SignatureProblemReason as R,
    SignatureScheme, verify_clearsigned, verify_detached, verify_minisign,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// 2020-09-13 12:26:40 UTC: "then", for keys and signatures made in the past.
const T0: i64 = 1_600_000_000;
const DAY: i64 = 86_400;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// A GnuPG home of its own; its agent is stopped on drop.
struct Gpg {
    home: tempfile::TempDir,
}

impl Gpg {
    fn new() -> Self {
        let home = tempfile::Builder::new().prefix("gpg").tempdir().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Gpg { home }
    }

    fn dir(&self) -> &Path {
        self.home.path()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Runs gpg non-interactively; optionally at a faked time. Panics with
    /// gpg's own words on failure.
    fn run_at(&self, faked: Option<i64>, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
        let mut cmd = Command::new("gpg");
        cmd.env("GNUPGHOME", self.dir())
            .args(["--no-tty", "--yes", "--pinentry-mode", "loopback"])
            .args(["--passphrase", ""]);
        if stdin.is_none() {
            cmd.arg("--batch");
        }
        let faked_arg;
        if let Some(t) = faked {
            faked_arg = format!("{t}!");
            cmd.args(["--faked-system-time", &faked_arg]);
        }
        cmd.args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .expect("gpg is needed for these tests: install it (apt-get install gnupg)");
        if let Some(input) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn run(&self, args: &[&str]) -> Vec<u8> {
        self.run_at(None, args, None)
    }

    /// Generates a key and returns its fingerprint.
    fn gen_key(
        &self,
        uid: &str,
        algo: &str,
        usage: &str,
        expire: &str,
        faked: Option<i64>,
    ) -> String {
        self.run_at(faked, &["--quick-gen-key", uid, algo, usage, expire], None);
        self.fingerprint(uid)
    }

    fn fingerprint(&self, who: &str) -> String {
        let out = self.run(&["--with-colons", "--list-keys", who]);
        let text = String::from_utf8(out).unwrap();
        text.lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    }

    /// The fingerprints of the key's subkeys, in order.
    fn subkey_fingerprints(&self, who: &str) -> Vec<String> {
        let out = self.run(&["--with-colons", "--list-keys", who]);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        lines
            .windows(2)
            .filter(|w| w[0].starts_with("sub:") && w[1].starts_with("fpr:"))
            .map(|w| w[1].split(':').nth(9).unwrap().to_string())
            .collect()
    }

    fn export(&self, who: &[&str], armor: bool) -> Vec<u8> {
        let mut args = vec!["--export"];
        if armor {
            args.insert(0, "--armor");
        }
        args.extend_from_slice(who);
        let out = self.run(&args);
        assert!(!out.is_empty(), "gpg exported nothing for {who:?}");
        out
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// A detached signature over `data` by `who`, with extra gpg options.
    fn sign_with(&self, who: &str, data: &[u8], extra: &[&str], faked: Option<i64>) -> Vec<u8> {
        let file = self.write("data.bin", data);
        let sig = self.path("data.sig");
        let mut args = vec!["-u", who, "--detach-sign", "-o", sig.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(file.to_str().unwrap());
        self.run_at(faked, &args, None);
        std::fs::read(sig).unwrap()
    }

    fn sign(&self, who: &str, data: &[u8]) -> Vec<u8> {
        self.sign_with(who, data, &[], None)
    }

    fn clearsign(&self, who: &[&str], text: &str) -> Vec<u8> {
        let file = self.write("doc.txt", text.as_bytes());
        let out = self.path("doc.txt.asc");
        let mut args = Vec::new();
        for w in who {
            args.extend_from_slice(&["-u", w]);
        }
        args.extend_from_slice(&[
            "--clearsign",
            "-o",
            out.to_str().unwrap(),
            file.to_str().unwrap(),
        ]);
        self.run(&args);
        std::fs::read(out).unwrap()
    }

    /// Imports the revocation certificate gpg wrote when it made the key.
    fn import_stored_revocation(&self, fpr: &str) {
        let rev = self.path(&format!("openpgp-revocs.d/{fpr}.rev"));
        let text = std::fs::read_to_string(rev).unwrap();
        // gpg guards the certificate against accidental import with a ':'.
        let cert = text.replace(
            ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
            "-----BEGIN PGP PUBLIC KEY BLOCK-----",
        );
        let file = self.write("rev.asc", cert.as_bytes());
        self.run(&["--import", file.to_str().unwrap()]);
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.dir())
            .args(["--kill", "gpg-agent"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn keys(bytes: &[u8]) -> PublicKeys {
    PublicKeys::from_bytes(bytes).unwrap()
}

fn detached(data: &[u8], sig: &[u8], keys: &PublicKeys, now: DateTime<Utc>) -> SignatureCheck {
    verify_detached(&mut &data[..], sig, keys, now).unwrap()
}

/// The one problem of an invalid check, or a panic naming what happened.
#[track_caller]
fn problem_of(check: &SignatureCheck) -> &SignatureProblem {
    assert!(!check.is_valid(), "expected invalid, got {check:#?}");
    check.problem().unwrap()
}

#[track_caller]
fn assert_reason(check: &SignatureCheck, reason: R) {
    let p = problem_of(check);
    assert_eq!(p.reason, reason, "{p:#?}");
    assert!(!p.message.is_empty() && !p.hint.is_empty() && !p.detail.is_empty());
}

const DATA: &[u8] = b"pretend this is an installer\x00\x01\x02\r\n binary \xff bytes\n";

#[test]
fn binary_detached_signature_is_valid_and_names_the_signer() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Alice Publisher <alice@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let before = Utc::now() - Duration::seconds(2);
    let sig = gpg.sign(&fpr, DATA);
    let after = Utc::now() + Duration::seconds(2);
    assert_ne!(sig[0] & 0x80, 0, "binary signature expected");
    let keys = keys(&gpg.export(&[&fpr], false));

    let check = detached(DATA, &sig, &keys, Utc::now());
    assert!(check.is_valid(), "{check:#?}");
    let signer = &check.signers()[0];
    assert_eq!(signer.scheme, SignatureScheme::OpenPgp);
    assert_eq!(signer.fingerprint, fpr);
    assert_eq!(signer.fingerprint.len(), 40);
    assert_eq!(signer.fingerprint, signer.fingerprint.to_uppercase());
    assert_eq!(signer.signing_key_id, fpr[24..]);
    assert_eq!(signer.signing_key_fingerprint, fpr);
    assert_eq!(
        signer.user_ids,
        vec!["Alice Publisher <alice@example.org>".to_string()]
    );
    let signed_at = signer.signed_at.unwrap();
    assert!(before <= signed_at && signed_at <= after, "{signed_at}");
    assert_eq!(check.signer_fingerprints(), vec![fpr.as_str()]);
    assert!(check.problems().is_empty());

    let info = keys.describe();
    assert_eq!(info.len(), 1);
    assert_eq!(info[0].fingerprint, fpr);
    assert_eq!(info[0].expires, None);
    assert!(!info[0].revoked);
}

#[test]
fn armoured_signature_and_armoured_key_are_valid() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Armoured <armour@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let sig = gpg.sign_with(&fpr, DATA, &["--armor"], None);
    assert!(sig.starts_with(b"-----BEGIN PGP SIGNATURE-----"));
    let armoured_key = gpg.export(&[&fpr], true);
    assert!(armoured_key.starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    let check = detached(DATA, &sig, &keys(&armoured_key), Utc::now());
    assert_eq!(check.signer_fingerprints(), vec![fpr.as_str()]);
}

#[test]
fn rsa_keys_verify_too() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Rsa <rsa@example.org>", "rsa2048", "sign", "never", None);
    let sig = gpg.sign(&fpr, DATA);
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now());
    assert_eq!(check.signer_fingerprints(), vec![fpr.as_str()]);
}

/// A reader that hands out a few bytes at a time, so line ends and hash
/// input straddle every possible chunk boundary.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn text_mode_signature_verifies_read_in_tiny_chunks_and_rejects_changed_text() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Text <text@example.org>", "ed25519", "sign", "never", None);
    // A lone CR is no line end to GnuPG; it stays as it is.
    let text = b"line one\r\nline two\nline three\rstill three\nlast line without end";
    let sig = gpg.sign_with(&fpr, text, &["--textmode"], None);
    let keys = keys(&gpg.export(&[&fpr], false));
    for step in [1, 2, 3, 7] {
        let check = verify_detached(&mut Trickle(text, step), &sig, &keys, Utc::now()).unwrap();
        assert!(check.is_valid(), "step {step}: {check:#?}");
    }
    // A text signature does not care about the line-end style...
    let lf = b"line one\nline two\r\nline three\rstill three\r\nlast line without end";
    assert!(detached(lf, &sig, &keys, Utc::now()).is_valid());
    // ...but it does about the words.
    let changed = b"line one\nline 2\nline three\rstill three\nlast line without end";
    assert_reason(&detached(changed, &sig, &keys, Utc::now()), R::BadSignature);
}

#[test]
fn a_large_file_is_streamed() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Big <big@example.org>", "ed25519", "sign", "never", None);
    let big: Vec<u8> = (0..(8u32 << 20))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let sig = gpg.sign(&fpr, &big);
    let keys = keys(&gpg.export(&[&fpr], false));
    let check = verify_detached(&mut Trickle(&big, 100_003), &sig, &keys, Utc::now()).unwrap();
    assert!(check.is_valid(), "{check:#?}");
}

#[test]
fn keyrings_with_several_keys_binary_and_armoured() {
    let gpg = Gpg::new();
    let a = gpg.gen_key(
        "Alpha <alpha@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let b = gpg.gen_key("Beta <beta@example.org>", "ed25519", "sign", "never", None);
    let sig_a = gpg.sign(&a, DATA);
    let sig_b = gpg.sign(&b, DATA);

    let binary = keys(&gpg.export(&[&a, &b], false));
    assert_eq!(binary.fingerprints(), vec![a.clone(), b.clone()]);
    assert_eq!(binary.len(), 2);

    // Two armour blocks, one after the other, with a note between them.
    let mut two_blocks = gpg.export(&[&a], true);
    two_blocks.extend_from_slice(b"\nThe second key:\n\n");
    two_blocks.extend_from_slice(&gpg.export(&[&b], true));
    let armoured = keys(&two_blocks);
    assert_eq!(armoured.fingerprints(), vec![a.clone(), b.clone()]);
    let users: Vec<Vec<String>> = armoured
        .describe()
        .into_iter()
        .map(|k| k.user_ids)
        .collect();
    assert_eq!(
        users,
        vec![
            vec!["Alpha <alpha@example.org>".to_string()],
            vec!["Beta <beta@example.org>".to_string()]
        ]
    );

    for ring in [&binary, &armoured] {
        assert_eq!(
            detached(DATA, &sig_a, ring, Utc::now()).signer_fingerprints(),
            vec![a.as_str()]
        );
        assert_eq!(
            detached(DATA, &sig_b, ring, Utc::now()).signer_fingerprints(),
            vec![b.as_str()]
        );
    }

    // One signature file holding both signatures.
    let mut both = sig_a.clone();
    both.extend_from_slice(&sig_b);
    let check = detached(DATA, &both, &binary, Utc::now());
    assert_eq!(check.signer_fingerprints(), vec![a.as_str(), b.as_str()]);
    // With only one of the keys, that one vouches and the other is noted.
    let only_b = keys(&gpg.export(&[&b], false));
    let check = detached(DATA, &both, &only_b, Utc::now());
    assert_eq!(check.signer_fingerprints(), vec![b.as_str()]);
    assert_eq!(check.problems().len(), 1);
    assert_eq!(check.problems()[0].reason, R::UnknownSigner);
}

#[test]
fn a_signing_subkey_is_reported_with_its_primary_key() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Sub <sub@example.org>", "ed25519", "cert", "never", None);
    gpg.run(&["--quick-add-key", &fpr, "ed25519", "sign", "never"]);
    let subkeys = gpg.subkey_fingerprints(&fpr);
    assert_eq!(subkeys.len(), 1);
    let sig = gpg.sign(&fpr, DATA);
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now());
    assert!(check.is_valid(), "{check:#?}");
    let signer = &check.signers()[0];
    assert_eq!(signer.fingerprint, fpr);
    assert_eq!(signer.signing_key_fingerprint, subkeys[0]);
    assert_eq!(signer.signing_key_id, subkeys[0][24..]);
    assert_ne!(signer.signing_key_id, fpr[24..]);
}

/// Someone binds the publisher's signing subkey to a key of their own, to
/// pass the publisher's signatures off as theirs. Without the subkey's back
/// signature (which only the subkey's owner can make) that must not work.
#[test]
fn a_signing_subkey_claimed_by_another_key_is_rejected() {
    use pgp::composed::{Deserializable, SignedPublicKey, SignedPublicSubKey, SignedSecretKey};
    use pgp::crypto::hash::HashAlgorithm;
    use pgp::packet::{KeyFlags, SignatureConfig, SignatureType, Subpacket, SubpacketData};
    use pgp::ser::Serialize;
    use pgp::types::{KeyDetails, Password, Timestamp};

    let gpg = Gpg::new();
    let victim = gpg.gen_key(
        "Publisher <pub@example.org>",
        "ed25519",
        "cert",
        "never",
        None,
    );
    gpg.run(&["--quick-add-key", &victim, "ed25519", "sign", "never"]);
    let thief = gpg.gen_key(
        "Thief <thief@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    // Signed after the thief's key exists: a signature older than the
    // claiming key would be refused for its date, not for the claim.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let sig = gpg.sign(&victim, DATA);

    let victim_pub = SignedPublicKey::from_bytes(&gpg.export(&[&victim], false)[..]).unwrap();
    let thief_secret =
        SignedSecretKey::from_bytes(&gpg.run(&["--export-secret-keys", &thief])[..]).unwrap();
    let thief_pub = SignedPublicKey::from_bytes(&gpg.export(&[&thief], false)[..]).unwrap();
    let stolen = victim_pub.public_subkeys[0].key.clone();

    let mut config = SignatureConfig::v4(
        SignatureType::SubkeyBinding,
        thief_secret.primary_key.algorithm(),
        HashAlgorithm::Sha256,
    );
    let mut flags = KeyFlags::default();
    flags.set_sign(true);
    config.hashed_subpackets = vec![
        Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::now())).unwrap(),
        Subpacket::regular(SubpacketData::KeyFlags(flags)).unwrap(),
        Subpacket::regular(SubpacketData::IssuerFingerprint(thief_pub.fingerprint())).unwrap(),
    ];
    let binding = config
        .sign_subkey_binding(
            &thief_secret.primary_key,
            thief_secret.primary_key.public_key(),
            &Password::empty(),
            &stolen,
        )
        .unwrap();
    let mut forged = thief_pub.clone();
    forged
        .public_subkeys
        .push(SignedPublicSubKey::new(stolen, vec![binding]));
    let forged = keys(&forged.to_bytes().unwrap());

    let check = detached(DATA, &sig, &forged, Utc::now());
    assert_reason(&check, R::KeyCannotSign);
    assert_eq!(problem_of(&check).key.as_deref(), Some(thief.as_str()));
    // The real owner's key still vouches for it.
    let real = keys(&gpg.export(&[&victim], false));
    assert_eq!(
        detached(DATA, &sig, &real, Utc::now()).signer_fingerprints(),
        vec![victim.as_str()]
    );
}

#[test]
fn wrong_key_is_an_unknown_signer_named_by_fingerprint() {
    let gpg = Gpg::new();
    let a = gpg.gen_key(
        "Signer <signer@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let b = gpg.gen_key(
        "Other <other@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let sig = gpg.sign(&a, DATA);
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&b], false)), Utc::now());
    assert_reason(&check, R::UnknownSigner);
    let p = problem_of(&check);
    assert_eq!(p.key.as_deref(), Some(a.as_str()));
    assert!(p.message.contains(&a), "{}", p.message);
    assert!(p.detail.contains(&a[24..]), "{}", p.detail);
}

#[test]
fn one_changed_byte_is_a_bad_signature() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Tamper <tamper@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let sig = gpg.sign(&fpr, DATA);
    let keys = keys(&gpg.export(&[&fpr], false));
    let mut changed = DATA.to_vec();
    changed[5] ^= 0x01;
    let check = detached(&changed, &sig, &keys, Utc::now());
    assert_reason(&check, R::BadSignature);
    assert_eq!(problem_of(&check).key.as_deref(), Some(fpr.as_str()));
    // One byte more, or one fewer, too.
    let mut longer = DATA.to_vec();
    longer.push(b'\n');
    assert_reason(&detached(&longer, &sig, &keys, Utc::now()), R::BadSignature);
    assert_reason(
        &detached(&DATA[1..], &sig, &keys, Utc::now()),
        R::BadSignature,
    );
}

#[test]
fn a_changed_signature_value_is_a_bad_signature() {
    for algo in ["ed25519", "rsa2048"] {
        let gpg = Gpg::new();
        let fpr = gpg.gen_key("Forged <forged@example.org>", algo, "sign", "never", None);
        let keys = keys(&gpg.export(&[&fpr], false));
        let mut sig = gpg.sign(&fpr, DATA);
        // The packet ends with the signature value itself; the hashed part,
        // and so the digest's first two bytes, stay as they were.
        let last = sig.len() - 5;
        sig[last] ^= 0x40;
        let check = detached(DATA, &sig, &keys, Utc::now());
        assert_reason(&check, R::BadSignature);
    }
}

fn armoured_sig(gpg: &Gpg, fpr: &str) -> String {
    String::from_utf8(gpg.sign_with(fpr, DATA, &["--armor"], None)).unwrap()
}

#[test]
fn damaged_armour_is_reported_as_such() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Armour <armour@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let keys = keys(&gpg.export(&[&fpr], false));
    let sig = armoured_sig(&gpg, &fpr);
    let lines: Vec<&str> = sig.lines().collect();
    let crc_index = lines
        .iter()
        .position(|l| l.starts_with('='))
        .expect("gpg 2.2 writes a CRC line");
    let body_index = crc_index - 1;

    // A flipped base64 character in the body.
    let mut flipped: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let body = flipped[body_index].clone().into_bytes();
    let mut body2 = body.clone();
    body2[2] = if body[2] == b'A' { b'B' } else { b'A' };
    flipped[body_index] = String::from_utf8(body2).unwrap();
    let check = detached(DATA, flipped.join("\n").as_bytes(), &keys, Utc::now());
    assert_reason(&check, R::DamagedArmour);

    // A changed CRC line.
    let mut bad_crc: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let crc = bad_crc[crc_index].clone().into_bytes();
    let mut crc2 = crc.clone();
    crc2[3] = if crc[3] == b'A' { b'B' } else { b'A' };
    bad_crc[crc_index] = String::from_utf8(crc2).unwrap();
    assert_reason(
        &detached(DATA, bad_crc.join("\n").as_bytes(), &keys, Utc::now()),
        R::DamagedArmour,
    );

    // A character that is not base64 at all.
    let mut not_b64: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    not_b64[body_index].replace_range(1..2, "!");
    assert_reason(
        &detached(DATA, not_b64.join("\n").as_bytes(), &keys, Utc::now()),
        R::DamagedArmour,
    );

    // Cut short: half the armour, no END line.
    let half = &sig.as_bytes()[..sig.len() / 2];
    assert_reason(&detached(DATA, half, &keys, Utc::now()), R::DamagedArmour);
    // Cut short: the body ends early but the END line is there.
    let mut cut: Vec<&str> = lines.clone();
    cut.remove(body_index);
    assert_reason(
        &detached(DATA, cut.join("\n").as_bytes(), &keys, Utc::now()),
        R::DamagedArmour,
    );

    // Without its CRC line the armour is still valid (RFC 9580: optional).
    let mut no_crc = lines.clone();
    no_crc.remove(crc_index);
    assert!(detached(DATA, no_crc.join("\n").as_bytes(), &keys, Utc::now()).is_valid());
}

#[test]
fn garbage_truncated_and_wrong_kind_signatures_are_malformed() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Garbage <garbage@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let key_bytes = gpg.export(&[&fpr], false);
    let keys = keys(&key_bytes);
    let sig = gpg.sign(&fpr, DATA);

    let garbage: Vec<u8> = (0..200u32).map(|i| 0x80 | (i * 37 % 127) as u8).collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random binary", garbage),
        ("plain text", b"this is not a signature\n".to_vec()),
        ("empty", Vec::new()),
        ("truncated binary", sig[..sig.len() / 2].to_vec()),
        ("truncated to the header", sig[..3].to_vec()),
        ("a public key", key_bytes.clone()),
        ("an armoured public key", gpg.export(&[&fpr], true)),
        ("a clearsigned document", gpg.clearsign(&[&fpr], "hello\n")),
    ];
    for (what, bytes) in cases {
        let check = detached(DATA, &bytes, &keys, Utc::now());
        let p = problem_of(&check);
        assert_eq!(p.reason, R::MalformedSignature, "{what}: {p:#?}");
    }
}

#[test]
fn a_signature_that_is_not_over_data_is_malformed() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Kind <kind@example.org>", "ed25519", "sign", "never", None);
    let keys = keys(&gpg.export(&[&fpr], false));
    // gpg's stored revocation certificate is a lone key-revocation
    // signature; dressed up as a detached signature it must not pass.
    let rev = std::fs::read_to_string(gpg.path(&format!("openpgp-revocs.d/{fpr}.rev"))).unwrap();
    let dressed = rev
        .replace(
            ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
            "-----BEGIN PGP SIGNATURE-----",
        )
        .replace(
            "-----END PGP PUBLIC KEY BLOCK-----",
            "-----END PGP SIGNATURE-----",
        );
    let check = detached(DATA, dressed.as_bytes(), &keys, Utc::now());
    assert_reason(&check, R::MalformedSignature);
    assert!(
        problem_of(&check).detail.contains("KeyRevocation"),
        "{:?}",
        problem_of(&check)
    );
}

#[test]
fn sha1_signatures_are_rejected_as_weak() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Weak <weak@example.org>", "rsa2048", "sign", "never", None);
    let sig = gpg.sign_with(&fpr, DATA, &["--digest-algo", "SHA1"], None);
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now());
    assert_reason(&check, R::WeakAlgorithm);
    assert!(
        problem_of(&check).message.contains("SHA1"),
        "{:?}",
        problem_of(&check).message
    );
}

#[test]
fn a_key_that_expired_after_signing_is_rejected_now_but_not_back_then() {
    let gpg = Gpg::new();
    // Made on T0, valid for 30 days; the signature is from day 1.
    let fpr = gpg.gen_key(
        "Expiring <exp@example.org>",
        "ed25519",
        "sign",
        "seconds=2592000",
        Some(T0),
    );
    let sig = gpg.sign_with(&fpr, DATA, &[], Some(T0 + DAY));
    let keys = keys(&gpg.export(&[&fpr], false));
    assert_eq!(keys.describe()[0].expires, Some(at(T0 + 30 * DAY)));

    let check = detached(DATA, &sig, &keys, Utc::now());
    assert_reason(&check, R::KeyExpired);
    let p = problem_of(&check);
    assert!(p.message.contains("2020-10-13"), "{}", p.message);
    assert!(
        p.message.contains("the signature was made on 2020-09-14"),
        "{}",
        p.message
    );

    // Judged on day 2, all was well.
    let check = detached(DATA, &sig, &keys, at(T0 + 2 * DAY));
    assert!(check.is_valid(), "{check:#?}");
    assert_eq!(check.signers()[0].signed_at, Some(at(T0 + DAY)));
}

#[test]
fn a_key_that_had_expired_before_the_signature_was_made_is_rejected() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Lapsed <lapsed@example.org>",
        "ed25519",
        "sign",
        "never",
        Some(T0),
    );
    // Signed on day 10; later the owner dates a new self-signature on day 1
    // that lets the key expire on day 2.
    let sig = gpg.sign_with(&fpr, DATA, &[], Some(T0 + 10 * DAY));
    gpg.run_at(
        Some(T0 + DAY),
        &["--quick-set-expire", &fpr, "seconds=86400"],
        None,
    );
    let keys = keys(&gpg.export(&[&fpr], false));
    assert_eq!(keys.describe()[0].expires, Some(at(T0 + 2 * DAY)));
    // Even judged on day 10 itself.
    for now in [at(T0 + 10 * DAY), Utc::now()] {
        let check = detached(DATA, &sig, &keys, now);
        assert_reason(&check, R::KeyExpired);
        let message = &problem_of(&check).message;
        assert!(
            message.contains("before this signature was made"),
            "{message}"
        );
    }
}

#[test]
fn a_revoked_key_is_rejected() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Revoked <revoked@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let sig = gpg.sign(&fpr, DATA);
    let before = keys(&gpg.export(&[&fpr], false));
    assert!(detached(DATA, &sig, &before, Utc::now()).is_valid());

    let old_copy = gpg.export(&[&fpr], false);
    gpg.import_stored_revocation(&fpr);
    let new_copy = gpg.export(&[&fpr], false);
    let after = keys(&new_copy);
    assert!(after.describe()[0].revoked);
    let check = detached(DATA, &sig, &after, Utc::now());
    assert_reason(&check, R::KeyRevoked);
    assert_eq!(problem_of(&check).key.as_deref(), Some(fpr.as_str()));

    // A keyring holding an old copy of the key and the revoked one, in
    // either order, is one revoked key.
    for ring in [
        [&old_copy[..], &new_copy[..]],
        [&new_copy[..], &old_copy[..]],
    ] {
        let ring = keys(&ring.concat());
        assert_eq!(ring.fingerprints(), vec![fpr.clone()]);
        assert_reason(&detached(DATA, &sig, &ring, Utc::now()), R::KeyRevoked);
    }
}

#[test]
fn a_superseded_key_keeps_its_earlier_signatures_only() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Retired <retired@example.org>",
        "ed25519",
        "sign",
        "never",
        Some(T0),
    );
    let early = gpg.sign_with(&fpr, DATA, &[], Some(T0 + DAY));
    let late = gpg.sign_with(&fpr, DATA, &[], Some(T0 + 10 * DAY));
    // A revocation "key is superseded", dated day 5.
    let rev = gpg.path("soft.rev");
    gpg.run_at(
        Some(T0 + 5 * DAY),
        &[
            "--command-fd",
            "0",
            "-o",
            rev.to_str().unwrap(),
            "--gen-revoke",
            &fpr,
        ],
        Some(b"y\n2\nreplaced by our 2021 key\n\ny\n"),
    );
    gpg.run(&["--import", rev.to_str().unwrap()]);
    let keys = keys(&gpg.export(&[&fpr], false));
    assert!(keys.describe()[0].revoked);

    let check = detached(DATA, &early, &keys, Utc::now());
    assert!(check.is_valid(), "{check:#?}");
    let check = detached(DATA, &late, &keys, Utc::now());
    assert_reason(&check, R::KeyRevoked);
    assert!(
        problem_of(&check).message.contains("superseded"),
        "{:?}",
        problem_of(&check)
    );
}

#[test]
fn a_key_whose_owner_took_away_its_signing_use_is_rejected() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Usage <usage@example.org>",
        "ed25519",
        "sign",
        "never",
        Some(T0),
    );
    let sig = gpg.sign_with(&fpr, DATA, &[], Some(T0 + DAY));
    assert!(detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now()).is_valid());
    // A newer self-signature leaves the key for certifying only.
    gpg.run_at(
        Some(T0 + 2 * DAY),
        &["--expert", "--command-fd", "0", "--edit-key", &fpr],
        Some(b"change-usage\nS\nQ\nsave\n"),
    );
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now());
    assert_reason(&check, R::KeyCannotSign);
}

#[test]
fn a_signature_older_than_its_key_is_not_yet_valid() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Future <future@example.org>",
        "ed25519",
        "sign",
        "never",
        Some(T0 + 10 * DAY),
    );
    let sig = gpg.sign_with(&fpr, DATA, &["--ignore-time-conflict"], Some(T0));
    let check = detached(DATA, &sig, &keys(&gpg.export(&[&fpr], false)), Utc::now());
    assert_reason(&check, R::KeyNotYetValid);
}

#[test]
fn a_signature_past_its_own_expiry_is_rejected() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key(
        "Short <short@example.org>",
        "ed25519",
        "sign",
        "never",
        Some(T0),
    );
    let sig = gpg.sign_with(
        &fpr,
        DATA,
        &["--default-sig-expire", "seconds=3600"],
        Some(T0 + DAY),
    );
    let keys = keys(&gpg.export(&[&fpr], false));
    assert_reason(
        &detached(DATA, &sig, &keys, Utc::now()),
        R::SignatureExpired,
    );
    assert!(detached(DATA, &sig, &keys, at(T0 + DAY + 60)).is_valid());
}

const RELEASE: &str = "Origin: Example\nLabel: Example\nSuite: stable\n- a line that starts with a dash\n--- and another\nSHA256:\n 3f1c0e8b8a0e4f1b5c8a9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a 1234 main/binary-amd64/Packages\n";

#[test]
fn clearsigned_document_returns_exactly_the_signed_text() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Repo <repo@example.org>", "ed25519", "sign", "never", None);
    let doc = gpg.clearsign(&[&fpr], RELEASE);
    assert!(doc.starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----"));
    let keys = keys(&gpg.export(&[&fpr], false));
    let out = verify_clearsigned(&doc, &keys, Utc::now()).unwrap();
    assert_eq!(out.check.signer_fingerprints(), vec![fpr.as_str()]);
    let text = String::from_utf8(out.signed_text.unwrap()).unwrap();
    // gpg signs the text without its final line end.
    assert_eq!(text, RELEASE.trim_end_matches('\n'));
}

#[test]
fn clearsigned_document_with_two_signers() {
    let gpg = Gpg::new();
    let a = gpg.gen_key(
        "Archive A <a@example.org>",
        "ed25519",
        "sign",
        "never",
        None,
    );
    let b = gpg.gen_key(
        "Archive B <b@example.org>",
        "rsa2048",
        "sign",
        "never",
        None,
    );
    let c = gpg.gen_key("Stranger <c@example.org>", "ed25519", "sign", "never", None);
    let doc = gpg.clearsign(&[&a, &b], RELEASE);

    let both = keys(&gpg.export(&[&a, &b], false));
    let out = verify_clearsigned(&doc, &both, Utc::now()).unwrap();
    let mut signed = out.check.signer_fingerprints();
    signed.sort();
    let mut expected = vec![a.as_str(), b.as_str()];
    expected.sort();
    assert_eq!(signed, expected);
    assert!(out.signed_text.is_some());

    // Holding only B's key is enough; A's signature is noted as unknown.
    let only_b = keys(&gpg.export(&[&b], false));
    let out = verify_clearsigned(&doc, &only_b, Utc::now()).unwrap();
    assert_eq!(out.check.signer_fingerprints(), vec![b.as_str()]);
    assert_eq!(out.check.problems().len(), 1);
    assert_eq!(out.check.problems()[0].reason, R::UnknownSigner);
    assert_eq!(out.check.problems()[0].key.as_deref(), Some(a.as_str()));
    assert_eq!(
        String::from_utf8(out.signed_text.unwrap()).unwrap(),
        RELEASE.trim_end()
    );

    // Holding neither: two unknown signers, no text.
    let out = verify_clearsigned(&doc, &keys(&gpg.export(&[&c], false)), Utc::now()).unwrap();
    assert_reason(&out.check, R::UnknownSigner);
    assert_eq!(out.check.problems().len(), 2);
    assert!(out.signed_text.is_none());
}

#[test]
fn a_changed_clearsigned_document_is_a_bad_signature_and_gives_no_text() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Repo <repo@example.org>", "ed25519", "sign", "never", None);
    let keys = keys(&gpg.export(&[&fpr], false));
    let doc = String::from_utf8(gpg.clearsign(&[&fpr], RELEASE)).unwrap();
    let changed = doc.replace(" 1234 main", " 1235 main");
    assert_ne!(doc, changed);
    let out = verify_clearsigned(changed.as_bytes(), &keys, Utc::now()).unwrap();
    assert_reason(&out.check, R::BadSignature);
    assert!(out.signed_text.is_none());

    // Trailing spaces and CRLF line ends are not part of what is signed.
    let reformatted = doc
        .replace("Suite: stable\n", "Suite: stable   \n")
        .replace('\n', "\r\n");
    let out = verify_clearsigned(reformatted.as_bytes(), &keys, Utc::now()).unwrap();
    assert!(out.check.is_valid(), "{:#?}", out.check);
    assert_eq!(
        String::from_utf8(out.signed_text.unwrap()).unwrap(),
        RELEASE.trim_end()
    );

    // A damaged signature block, a missing one, and a detached signature.
    let crc_line = doc.lines().find(|l| l.starts_with('=')).unwrap();
    let mut bad_crc = crc_line.to_string();
    bad_crc.replace_range(2..3, if &crc_line[2..3] == "A" { "B" } else { "A" });
    let damaged = doc.replace(crc_line, &bad_crc);
    assert_reason(
        &verify_clearsigned(damaged.as_bytes(), &keys, Utc::now())
            .unwrap()
            .check,
        R::DamagedArmour,
    );
    let cut = &doc[..doc.find("-----BEGIN PGP SIGNATURE-----").unwrap()];
    assert_reason(
        &verify_clearsigned(cut.as_bytes(), &keys, Utc::now())
            .unwrap()
            .check,
        R::MalformedSignature,
    );
    let detached_sig = gpg.sign_with(&fpr, DATA, &["--armor"], None);
    assert_reason(
        &verify_clearsigned(&detached_sig, &keys, Utc::now())
            .unwrap()
            .check,
        R::MalformedSignature,
    );
    assert_reason(
        &verify_clearsigned(RELEASE.as_bytes(), &keys, Utc::now())
            .unwrap()
            .check,
        R::MalformedSignature,
    );
}

#[test]
fn key_files_that_are_not_public_keys() {
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Keys <keys@example.org>", "ed25519", "sign", "never", None);
    let sig = gpg.sign(&fpr, DATA);

    let p = PublicKeys::parse(&sig).unwrap_err();
    assert_eq!(p.reason, R::NotAKeyFile);
    assert!(p.message.contains("signature"), "{}", p.message);

    let secret = gpg.run(&["--export-secret-keys", &fpr]);
    let p = PublicKeys::parse(&secret).unwrap_err();
    assert_eq!(p.reason, R::NotAKeyFile);
    assert!(p.message.contains("secret"), "{}", p.message);

    let armoured = String::from_utf8(gpg.export(&[&fpr], true)).unwrap();
    let crc_line = armoured.lines().find(|l| l.starts_with('=')).unwrap();
    let mut bad_crc = crc_line.to_string();
    bad_crc.replace_range(2..3, if &crc_line[2..3] == "A" { "B" } else { "A" });
    let p = PublicKeys::parse(armoured.replace(crc_line, &bad_crc).as_bytes()).unwrap_err();
    assert_eq!(p.reason, R::DamagedArmour);

    let binary = gpg.export(&[&fpr], false);
    let p = PublicKeys::parse(&binary[..binary.len() / 2]).unwrap_err();
    assert_eq!(p.reason, R::NotAKeyFile);

    for junk in [&b"hello"[..], b"", b"\x00\x00\x00\x20\x01\x01KBXf"] {
        let e = PublicKeys::from_bytes(junk).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(!e.message.is_empty() && !e.hint.is_empty());
    }
}

#[test]
fn the_reader_failing_is_an_error_not_a_verdict() {
    struct Failing(Option<shipshape_core::Error>);
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(match self.0.take() {
                Some(own) => std::io::Error::other(own),
                None => std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
            })
        }
    }
    let gpg = Gpg::new();
    let fpr = gpg.gen_key("Io <io@example.org>", "ed25519", "sign", "never", None);
    let sig = gpg.sign(&fpr, DATA);
    let keys = keys(&gpg.export(&[&fpr], false));
    let e = verify_detached(&mut Failing(None), &sig, &keys, Utc::now()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Io);
    // A reader may cancel the check with an error of Shipshape's own.
    let e = verify_detached(
        &mut Failing(Some(shipshape_core::Error::cancelled())),
        &sig,
        &keys,
        Utc::now(),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
}

// ---------------------------------------------------------------------------
// minisign
// ---------------------------------------------------------------------------

struct Minisign {
    dir: tempfile::TempDir,
}

impl Minisign {
    /// A new key pair without a password.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let m = Minisign { dir };
        m.run(&["-G", "-W", "-p", "pub", "-s", "sec"]);
        m
    }

    fn run(&self, args: &[&str]) {
        let out = Command::new("minisign")
            .current_dir(self.dir.path())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("minisign is needed for these tests: install it (apt-get install minisign)");
        assert!(
            out.status.success(),
            "minisign {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn public_key_file(&self) -> Vec<u8> {
        std::fs::read(self.dir.path().join("pub")).unwrap()
    }

    fn sign(&self, data: &[u8], extra: &[&str]) -> Vec<u8> {
        std::fs::write(self.dir.path().join("file"), data).unwrap();
        let mut args = vec!["-S", "-s", "sec", "-m", "file", "-x", "file.minisig"];
        args.extend_from_slice(extra);
        self.run(&args);
        std::fs::read(self.dir.path().join("file.minisig")).unwrap()
    }
}

fn mverify(data: &[u8], sig: &[u8], key: &MinisignPublicKey) -> SignatureCheck {
    verify_minisign(&mut &data[..], sig, key).unwrap()
}

#[test]
fn minisign_prehashed_and_legacy_signatures_verify() {
    let m = Minisign::new();
    let pub_file = String::from_utf8(m.public_key_file()).unwrap();
    let key = MinisignPublicKey::from_bytes(pub_file.as_bytes()).unwrap();
    // minisign names the key id in the comment line of its public key file.
    assert!(
        pub_file.lines().next().unwrap().ends_with(key.key_id()),
        "{pub_file}"
    );
    // The bare key string works as well.
    let bare = MinisignPublicKey::from_bytes(pub_file.lines().nth(1).unwrap().as_bytes()).unwrap();
    assert_eq!(bare.key_id(), key.key_id());

    let prehashed = m.sign(DATA, &["-t", "release 1.2.3"]);
    assert!(
        String::from_utf8_lossy(&prehashed)
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("RU")
    );
    let legacy = m.sign(DATA, &["-l"]);
    assert!(
        String::from_utf8_lossy(&legacy)
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("RW")
    );

    let check = verify_minisign(&mut Trickle(DATA, 5), &prehashed, &key).unwrap();
    assert!(check.is_valid(), "{check:#?}");
    let signer = &check.signers()[0];
    assert_eq!(signer.scheme, SignatureScheme::Minisign);
    assert_eq!(signer.fingerprint, key.key_id());
    assert_eq!(signer.trusted_comment.as_deref(), Some("release 1.2.3"));

    let check = mverify(DATA, &legacy, &bare);
    assert!(check.is_valid(), "{check:#?}");
    let signed_at = check.signers()[0].signed_at.unwrap();
    assert!(
        (Utc::now() - signed_at).num_seconds().abs() < 120,
        "{signed_at}"
    );
}

#[test]
fn minisign_rejects_changed_files_comments_wrong_keys_and_garbage() {
    let m = Minisign::new();
    let other = Minisign::new();
    let key = MinisignPublicKey::from_bytes(&m.public_key_file()).unwrap();
    let other_key = MinisignPublicKey::from_bytes(&other.public_key_file()).unwrap();
    let mut changed = DATA.to_vec();
    changed[0] ^= 0x20;

    for extra in [&[][..], &["-l"][..]] {
        let sig = m.sign(DATA, extra);
        assert!(mverify(DATA, &sig, &key).is_valid());
        assert_reason(&mverify(&changed, &sig, &key), R::BadSignature);

        let check = mverify(DATA, &sig, &other_key);
        assert_reason(&check, R::UnknownSigner);
        assert_eq!(problem_of(&check).key.as_deref(), Some(key.key_id()));

        // The trusted comment is signed too.
        let text = String::from_utf8(sig.clone()).unwrap();
        let forged = text.replacen("\ntrusted comment: ", "\ntrusted comment: approved ", 1);
        assert_ne!(forged, text);
        assert_reason(&mverify(DATA, forged.as_bytes(), &key), R::BadSignature);

        // Truncated (the global signature line is gone) and garbage.
        let truncated: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
        assert_reason(
            &mverify(DATA, truncated.as_bytes(), &key),
            R::MalformedSignature,
        );
    }
    assert_reason(
        &mverify(DATA, b"not a signature at all", &key),
        R::MalformedSignature,
    );
    assert_reason(
        &mverify(DATA, &[0xff, 0xfe, 0x00], &key),
        R::MalformedSignature,
    );

    let p = MinisignPublicKey::parse(b"untrusted comment: x\nnot base64!!\n").unwrap_err();
    assert_eq!(p.reason, R::NotAKeyFile);
    let e = MinisignPublicKey::from_bytes(b"").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}
