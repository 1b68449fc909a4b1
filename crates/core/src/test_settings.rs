//! Settings that exist only in builds made for tests (debug builds): a
//! fixture folder in place of "/", a private state folder for root, a
//! faster sampler. A release build a user installs reads none of them, so
//! nothing in a user's environment can point Shipshape elsewhere.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Mutex;

/// Settings given on the command line (the helper's `--test-setting`,
/// since pkexec clears the environment); they win over the environment.
static GIVEN: Mutex<Vec<(String, OsString)>> = Mutex::new(Vec::new());

/// The value of the test setting `name`; always `None` in a release build.
pub fn var(name: &str) -> Option<OsString> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let given = GIVEN
        .lock()
        .ok()
        .and_then(|g| g.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()));
    given
        .or_else(|| std::env::var_os(name))
        .filter(|v| !v.is_empty())
}

/// Takes `NAME=VALUE` as a test setting; refused in a release build.
pub fn give(pair: &str) -> crate::Result<()> {
    let refuse = || {
        crate::Error::invalid_input(
            format!("\"{pair}\" is not a test setting this build takes."),
            "Test settings exist only in builds made for tests.",
        )
    };
    let (name, value) = pair.split_once('=').ok_or_else(refuse)?;
    if !cfg!(debug_assertions) || !name.starts_with("SHIPSHAPE_") {
        return Err(refuse());
    }
    if let Ok(mut given) = GIVEN.lock() {
        given.push((name.to_string(), OsString::from(value)));
    }
    Ok(())
}

/// A test setting that names a folder.
pub fn path(name: &str) -> Option<PathBuf> {
    var(name).map(PathBuf::from)
}

/// A test setting that is a number.
pub fn number(name: &str) -> Option<u64> {
    var(name)?.to_str()?.trim().parse().ok()
}
