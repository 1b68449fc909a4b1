//! Switching off a service an installation brought: the Security screen's
//! fix for a risky service (boot links removed, the service stopped, both
//! undone in one click), for a unit the installation names rather than a
//! check. Its check id is `installed-service:` followed by the unit, so
//! the preview, the change list and undo are the same as every fix's.

use super::edit::Edit;
use crate::harden::check::{Area, Evidence, Finding, Severity, Status};
use crate::harden::target::Target;
use crate::{Error, Result};

const PREFIX: &str = "installed-service:";

/// The check id of switching `unit` off.
pub fn check_id(unit: &str) -> String {
    format!("{PREFIX}{unit}")
}

/// The unit a switch-off check id names, when it is a unit name systemd
/// could have: letters, digits and `@._:-`, a service, socket or timer,
/// never a path or an option.
pub fn unit_of(check_id: &str) -> Option<&str> {
    let unit = check_id.strip_prefix(PREFIX)?;
    let (stem, kind) = unit.rsplit_once('.')?;
    let fits = (1..=128).contains(&unit.len())
        && matches!(kind, "service" | "socket" | "timer")
        && !stem.is_empty()
        && !unit.starts_with(['-', '.'])
        && !unit.contains("..")
        && unit
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@._:-".contains(&b));
    fits.then_some(unit)
}

/// The folder whose `.wants` and `.requires` folders start services at boot.
const UNIT_LINKS: &str = "etc/systemd/system";

/// The links that start `unit` with the computer, relative to the root.
pub fn boot_links(host: &Target, unit: &str) -> Vec<String> {
    host.list(UNIT_LINKS)
        .unwrap_or_default()
        .iter()
        .filter(|f| f.ends_with(".wants") || f.ends_with(".requires"))
        .map(|f| format!("{UNIT_LINKS}/{f}/{unit}"))
        .filter(|rel| host.link_target(rel).is_some())
        .collect()
}

/// Whether `unit` starts with the computer or runs now: a warning until it
/// is switched off.
pub fn finding(host: &Target, check_id: &str, unit: &str) -> Result<Finding> {
    let links = boot_links(host, unit);
    let running = host.is_live() && super::service::running(unit)?;
    let on = !links.is_empty() || running;
    let detail = match (links.is_empty(), running) {
        (false, true) => format!("{unit} runs now and starts with the computer."),
        (false, false) => format!("{unit} starts with the computer."),
        (true, true) => format!("{unit} runs now, but does not start with the computer."),
        (true, false) => format!("{unit} is switched off."),
    };
    Ok(Finding {
        id: check_id.to_string(),
        area: Area::Services,
        title: format!("{unit}, which an installation brought, is switched off"),
        severity: Severity::Low,
        status: if on { Status::Warning } else { Status::Pass },
        why: "A service nobody uses is one more program that can be attacked, and it uses memory and time at start-up.".into(),
        detail,
        evidence: links
            .into_iter()
            .map(|rel| Evidence {
                source: format!("/{rel}"),
                line: None,
                text: "starts it with the computer".into(),
            })
            .collect(),
        remediation: format!("Switch it off: systemctl disable --now {unit}"),
        fixable: true,
        references: Vec::new(),
        accepted: None,
    })
}

/// What switching `unit` off changes: the same steps as the fix for a
/// risky service.
pub fn plan(host: &Target, unit: &str) -> Result<Vec<Edit>> {
    let edits = super::remedy::service_edits(host, &[unit])?;
    if edits.is_empty() {
        return Err(Error::invalid_input(
            format!("{unit} is already switched off."),
            "Nothing needs doing; look at the installation again to see what is left.",
        ));
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unit_names_are_accepted() {
        assert_eq!(
            unit_of("installed-service:shipshape-test-app.service"),
            Some("shipshape-test-app.service")
        );
        assert_eq!(
            unit_of("installed-service:getty@tty1.service"),
            Some("getty@tty1.service")
        );
        for bad in [
            "installed-service:",
            "installed-service:.service",
            "installed-service:../../etc/passwd.service",
            "installed-service:a/b.service",
            "installed-service:--now.service",
            "installed-service:ssh",
            "installed-service:ssh.mount",
            "installed-service:a b.service",
            "services.ftp",
        ] {
            assert_eq!(unit_of(bad), None, "{bad}");
        }
    }
}
