//! A desktop notification through the session's notification service
//! (org.freedesktop.Notifications), which every Linux desktop runs.

use crate::{Error, ErrorCode, Result};
use std::collections::HashMap;
use zbus::zvariant::Value;

/// Shows `title` and `body`; a problem is marked urgent, so it stays until
/// it is read.
pub fn show(title: &str, body: &str, problem: bool) -> Result<()> {
    let unavailable = |e: zbus::Error| {
        Error::new(
            ErrorCode::Io,
            format!("The desktop notification could not be shown: {e}."),
            "Desktop notices need a desktop session; the Overview and email still tell you.",
        )
    };
    let bus = zbus::blocking::Connection::session().map_err(unavailable)?;
    let urgency: u8 = if problem { 2 } else { 1 };
    let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
    hints.insert("urgency", Value::U8(urgency));
    bus.call_method(
        Some("org.freedesktop.Notifications"),
        "/org/freedesktop/Notifications",
        Some("org.freedesktop.Notifications"),
        "Notify",
        &(
            "Shipshape",
            0u32,
            "dialog-warning",
            title,
            body,
            Vec::<&str>::new(),
            hints,
            -1i32,
        ),
    )
    .map_err(unavailable)?;
    Ok(())
}
