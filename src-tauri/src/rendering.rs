//! How WebKitGTK draws the window: without GPU compositing. The Overview
//! has no animation that needs it, and where no GPU driver is at hand
//! (virtual machines, remote desktops) compositing falls back to software
//! OpenGL, which nearly doubles the web process's memory (`make bench`
//! measured 216 MiB against 118 MiB). A user who sets the variable keeps
//! their choice.

#![allow(unsafe_code)]

const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Must run first in `main`, before any thread starts.
pub fn without_compositing() {
    if std::env::var_os(VAR).is_none() {
        // SAFETY: called before any other thread exists, so nothing can read
        // the environment while it changes.
        unsafe { std::env::set_var(VAR, "1") };
    }
}
