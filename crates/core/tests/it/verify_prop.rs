//! Any single changed byte in the file, the checksum list or the signature
//! is caught: the verdict is never "safe".

use crate::util::TestDir;
use proptest::prelude::*;
use shipshape_core::audit::{Actor, Source};
use shipshape_core::progress::{Cancel, NoProgress};
use shipshape_core::verify::publishers;
use shipshape_core::verify::request::{self, Method, Signed, VerifyRequest};
use shipshape_core::verify::verdict::Safety;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One signed release, made once with the real gpg: the installer, its
/// SHA256SUMS, the detached signature and the publisher's key.
struct Release {
    _gnupg: tempfile::TempDir,
    installer: Vec<u8>,
    list: Vec<u8>,
    signature: Vec<u8>,
    key: Vec<u8>,
}

fn gpg(home: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--quiet", "--batch", "--yes"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "gpg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        gpg(
            h,
            &[
                "--passphrase",
                "",
                "--pinentry-mode",
                "loopback",
                "--quick-gen-key",
                "Acme <rel@acme.test>",
                "ed25519",
                "sign",
                "1y",
            ],
        );
        let installer: Vec<u8> = (0..50_000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
            .collect();
        let sha = shipshape_core::verify::hash::hash_bytes(
            &installer,
            shipshape_core::verify::Algorithm::Sha256,
        );
        let list = format!("{sha}  setup.bin\n{}  other.bin\n", "0".repeat(64)).into_bytes();
        std::fs::write(h.join("SHA256SUMS"), &list).unwrap();
        let signature = gpg(
            h,
            &[
                "--detach-sign",
                "--output",
                "-",
                h.join("SHA256SUMS").to_str().unwrap(),
            ],
        );
        let key = gpg(h, &["--export"]);
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", h)
            .args(["--kill", "gpg-agent"])
            .status();
        Release {
            _gnupg: home,
            installer,
            list,
            signature,
            key,
        }
    })
}

/// Verifies the release laid out in a fresh folder, with `edit` applied to
/// one of its files first. `None` when the input was refused outright.
fn verdict_after(edit: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>, &mut Vec<u8>)) -> Option<Safety> {
    let r = release();
    let t = TestDir::new();
    let (mut installer, mut list, mut signature) =
        (r.installer.clone(), r.list.clone(), r.signature.clone());
    edit(&mut installer, &mut list, &mut signature);
    let put = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = t.root().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let file = put("setup.bin", &installer);
    let list_path = put("SHA256SUMS", &list);
    let sig = put("SHA256SUMS.sig", &signature);
    let store = t.open();
    let actor = Actor {
        user: "tester".into(),
        source: Source::App,
    };
    publishers::add(&store, chrono::Utc::now(), &actor, "Acme", &r.key, false).unwrap();
    let req = VerifyRequest {
        file: file.display().to_string(),
        method: Method::List {
            list: list_path.display().to_string(),
            algorithm: None,
            signed: Signed {
                signature: Some(sig.display().to_string()),
                key: None,
                publisher: Some("Acme".into()),
            },
        },
        stage: false,
    };
    request::run(
        &store,
        &actor,
        chrono::Utc::now(),
        &req,
        &NoProgress,
        &Cancel::new(),
    )
    .ok()
    .map(|v| v.safety)
}

#[test]
fn the_untouched_release_is_safe() {
    assert_eq!(verdict_after(|_, _, _| {}), Some(Safety::Safe));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn a_changed_byte_in_the_installer_is_caught(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let v = verdict_after(|f, _, _| { let i = at.index(f.len()); f[i] ^= 1 << bit; });
        prop_assert_ne!(v, Some(Safety::Safe));
    }

    #[test]
    fn a_changed_byte_in_the_list_is_caught(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let v = verdict_after(|_, l, _| { let i = at.index(l.len()); l[i] ^= 1 << bit; });
        prop_assert_ne!(v, Some(Safety::Safe));
    }

    #[test]
    fn a_changed_byte_in_the_signature_is_caught(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let v = verdict_after(|_, _, s| { let i = at.index(s.len()); s[i] ^= 1 << bit; });
        prop_assert_ne!(v, Some(Safety::Safe));
    }
}
