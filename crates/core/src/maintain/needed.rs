//! The packages a fix may need and Shipshape may install for it. Root
//! installs only these, each for a reason the administrator is shown: a
//! name a user passes is checked against this list, never handed to apt
//! as it came.

use crate::{Error, Result};

/// A package some fix needs, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needed {
    pub name: &'static str,
    pub reason: &'static str,
}

pub const PACKAGES: &[Needed] = &[Needed {
    name: "ufw",
    reason: "the firewall fix switches on the ufw firewall",
}];

/// The listed package named `name`, or a refusal.
pub fn find(name: &str) -> Result<&'static Needed> {
    PACKAGES.iter().find(|n| n.name == name).ok_or_else(|| {
        let names: Vec<&str> = PACKAGES.iter().map(|n| n.name).collect();
        Error::invalid_input(
            format!("Shipshape installs only the packages its fixes need, and \"{name}\" is not one of them."),
            format!(
                "Install other software with the system's own tools (sudo apt install NAME). Shipshape can install: {}.",
                names.join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_listed_packages_are_found() {
        assert_eq!(find("ufw").unwrap().name, "ufw");
        for bad in ["vim", "ufw ", "-o", "ufw=0.1", "../ufw.deb", ""] {
            let refused = find(bad).unwrap_err();
            assert!(refused.message.contains("not one of them"), "{refused:?}");
        }
        assert!(
            PACKAGES
                .iter()
                .all(|n| super::super::apt::is_package_name(n.name) && !n.reason.is_empty())
        );
    }
}
