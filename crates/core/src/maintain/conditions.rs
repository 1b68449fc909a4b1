//! When scheduled work should wait: a laptop on battery below a
//! threshold, or a metered connection (a phone's hotspot, a mobile data
//! plan). A scheduled backup then waits and says why, and runs at the
//! timer's next look once the reason is gone; work someone starts by hand
//! never waits.

use crate::{Error, ErrorCode, Result};
use std::path::Path;

/// Below this charge, on battery, a scheduled backup waits.
pub const LOW_BATTERY: u32 = 30;

/// What the power supplies say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Power {
    /// No mains adapter is online (or the battery says it discharges).
    pub on_battery: bool,
    /// The lowest charge of the batteries, in percent.
    pub charge: Option<u32>,
}

fn read(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name))
        .ok()
        .map(|s| s.trim().to_string())
}

/// The power supplies under `sys` (`/sys` on a computer); `None` when
/// there is no battery, as on a desktop.
pub fn power(sys: &Path) -> Option<Power> {
    let supplies = std::fs::read_dir(sys.join("class/power_supply")).ok()?;
    let mut mains_online = None;
    let mut discharging = false;
    let mut charge: Option<u32> = None;
    let mut battery = false;
    for supply in supplies.flatten() {
        let dir = supply.path();
        match read(&dir, "type").as_deref() {
            Some("Mains") | Some("USB") => {
                let online = read(&dir, "online").as_deref() == Some("1");
                mains_online = Some(mains_online.unwrap_or(false) || online);
            }
            Some("Battery") => {
                // A device's battery (a mouse) is not the computer's.
                if read(&dir, "scope").as_deref() == Some("Device") {
                    continue;
                }
                battery = true;
                discharging |= read(&dir, "status").as_deref() == Some("Discharging");
                if let Some(c) = read(&dir, "capacity").and_then(|c| c.parse().ok()) {
                    charge = Some(charge.map_or(c, |l: u32| l.min(c)));
                }
            }
            _ => {}
        }
    }
    battery.then_some(Power {
        on_battery: mains_online == Some(false) || (mains_online.is_none() && discharging),
        charge,
    })
}

/// NetworkManager's word for a metered connection (1 yes, 3 guessed yes).
pub fn metered_word(value: u32) -> bool {
    matches!(value, 1 | 3)
}

/// Whether NetworkManager says this computer's connection is metered;
/// `false` where NetworkManager does not run.
pub fn metered() -> bool {
    zbus::blocking::Connection::system().is_ok_and(|bus| metered_on(&bus))
}

/// Whether NetworkManager on `bus` says the connection is metered;
/// `false` when it is not there or does not answer.
pub fn metered_on(bus: &zbus::blocking::Connection) -> bool {
    let asked = || -> zbus::Result<u32> {
        let nm = zbus::blocking::Proxy::new(
            bus,
            "org.freedesktop.NetworkManager",
            "/org/freedesktop/NetworkManager",
            "org.freedesktop.NetworkManager",
        )?;
        nm.get_property::<u32>("Metered")
    };
    asked().is_ok_and(metered_word)
}

/// Refuses to start scheduled work now, saying why, when `power` is on
/// battery below `LOW_BATTERY` or the connection is `metered`.
pub fn wait_for(power: Option<Power>, metered: bool, what: &str) -> Result<()> {
    if let Some(Power {
        on_battery: true,
        charge: Some(c),
    }) = power
        && c < LOW_BATTERY
    {
        return Err(Error::new(
            ErrorCode::NotNow,
            format!("{what} waits: this computer is on battery at {c} %."),
            "It starts by itself once the computer is plugged in; or start it by hand now.",
        ));
    }
    if metered {
        return Err(Error::new(
            ErrorCode::NotNow,
            format!("{what} waits: this computer's connection is metered."),
            "It starts by itself on an unmetered connection; or start it by hand now.",
        ));
    }
    Ok(())
}

/// `wait_for` on this computer (or the test setting's fixture for /sys).
pub fn wait_here(what: &str) -> Result<()> {
    let sys = crate::test_settings::path("SHIPSHAPE_SYS_ROOT")
        .unwrap_or_else(|| std::path::PathBuf::from("/sys"));
    wait_for(power(&sys), metered(), what)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn supply(sys: &Path, name: &str, files: &[(&str, &str)]) {
        let dir = sys.join("class/power_supply").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (f, v) in files {
            std::fs::write(dir.join(f), format!("{v}\n")).unwrap();
        }
    }

    #[test]
    fn a_laptop_unplugged_and_low_waits_plugged_in_it_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let sys = dir.path();
        assert_eq!(power(sys), None, "no supplies: a desktop");
        supply(sys, "AC", &[("type", "Mains"), ("online", "0")]);
        supply(
            sys,
            "BAT0",
            &[
                ("type", "Battery"),
                ("status", "Discharging"),
                ("capacity", "18"),
            ],
        );
        supply(
            sys,
            "hidpp_battery_0",
            &[("type", "Battery"), ("scope", "Device"), ("capacity", "5")],
        );
        let p = power(sys).unwrap();
        assert_eq!(
            p,
            Power {
                on_battery: true,
                charge: Some(18)
            }
        );
        let e = wait_for(Some(p), false, "The backup").unwrap_err();
        assert_eq!(e.code, ErrorCode::NotNow);
        assert!(e.message.contains("on battery at 18 %"), "{e:?}");

        supply(sys, "AC", &[("type", "Mains"), ("online", "1")]);
        let p = power(sys).unwrap();
        assert!(!p.on_battery);
        assert!(wait_for(Some(p), false, "The backup").is_ok());
        assert!(
            wait_for(
                Some(Power {
                    on_battery: true,
                    charge: Some(80)
                }),
                false,
                "x"
            )
            .is_ok()
        );
    }

    #[test]
    fn a_metered_connection_waits() {
        assert!(metered_word(1) && metered_word(3));
        assert!(!metered_word(0) && !metered_word(2) && !metered_word(4));
        let e = wait_for(None, true, "The backup").unwrap_err();
        assert!(e.message.contains("metered"), "{e:?}");
    }
}
