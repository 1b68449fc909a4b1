//! A real Secret Service for tests: each keychain test runs again inside a
//! private D-Bus session with its own unlocked gnome-keyring, in a throwaway
//! HOME, so the user's own keychain is never touched and plain `cargo test`
//! needs no set-up. Shared with the CLI's tests.

use std::path::Path;
use std::process::Command;

/// Set inside the private session, where the test body runs.
const INSIDE: &str = "SHIPSHAPE_TEST_KEYRING";

/// The password the test keyring is created and unlocked with.
pub const KEYRING_PASSWORD: &str = "test-keyring";

/// Runs `body` inside a private session with an unlocked keychain. `path`
/// is the test's path as `module_path!()::name` gives it.
pub fn in_keyring(path: &str, body: impl FnOnce()) {
    if std::env::var_os(INSIDE).is_some() {
        return body();
    }
    // The binary's own crate name leads the module path; the harness
    // knows tests without it.
    let test = path.split_once("::").map_or(path, |(_, rest)| rest);
    let home = tempfile::tempdir().unwrap();
    let runtime = home.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let script = format!(
        "printf %s '{KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$@\""
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script, "sh"])
        .arg(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("dbus-run-session runs (make deps installs dbus and gnome-keyring)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test} in a private keychain:\n{stdout}\n{stderr}"
    );
}

/// A `#[test]` whose body runs with a private, unlocked keychain.
macro_rules! keyring_test {
    ($(#[$meta:meta])* fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::keyring::in_keyring(concat!(module_path!(), "::", stringify!($name)), || $body)
        }
    };
}
pub(crate) use keyring_test;

/// `secret-tool` with its arguments; its standard output.
pub fn secret_tool(args: &[&str]) -> String {
    let out = Command::new("secret-tool").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Locks the login keyring, as the screen locker or a timeout would.
pub fn lock_keychain() {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--dest=org.freedesktop.secrets",
            "--type=method_call",
            "--print-reply",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether `needle` occurs in any file under `dir`.
pub fn found_in_folder(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            hits.extend(found_in_folder(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            hits.push(path.display().to_string());
        }
    }
    hits
}
