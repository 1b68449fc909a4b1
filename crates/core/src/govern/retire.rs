//! Removing what the inventory says is worth retiring, through the
//! package manager: previewed first (an apt simulation; refused when it
//! would take anything else with it), the removed versions kept so the
//! run can be undone like an update run, and the run in the change
//! history. Root decides from its own reading of the computer: a name
//! is removed only when root's own retire list holds it.

use super::eol;
use super::inventory::{self, Inventory, Retire};
use crate::admin::state::RootState;
use crate::audit::Actor;
use crate::maintain::apt::{self, Apt};
use crate::maintain::updates::{self, PackageChange, RunKind, RunOutcome, UpdateRun};
use crate::progress::{Cancel, Progress};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// At most this many packages in one removal.
const MOST: usize = 200;

/// What removing the chosen packages would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetirePreview {
    pub asked: Vec<String>,
    /// Every package the package manager would remove, with its version.
    pub removes: Vec<Removed>,
    /// Why it cannot be done as asked, when it cannot.
    pub refused: Option<String>,
    /// The plan in plain words.
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "RetireRemoved")]
pub struct Removed {
    pub name: String,
    pub version: String,
    /// One of the packages asked for (the others would go with them).
    pub asked: bool,
}

/// Refuses anything but a list of package names.
pub fn checked(names: &[String]) -> Result<Vec<String>> {
    if names.is_empty() {
        return Err(Error::invalid_input(
            "No package was chosen, so nothing was removed.",
            "Choose packages from the retire list (shipshape inventory --retire).",
        ));
    }
    if names.len() > MOST {
        return Err(Error::invalid_input(
            format!(
                "{} packages were chosen; at most {MOST} are removed at once.",
                names.len()
            ),
            "Remove them in smaller groups.",
        ));
    }
    let mut out = Vec::new();
    for n in names {
        let base = n.split_once(':').map_or(n.as_str(), |(b, _)| b);
        if !apt::is_package_name(base) || n.matches(':').count() > 1 {
            return Err(Error::invalid_input(
                format!("\"{n}\" is not a package name."),
                "Use the names the retire list shows.",
            ));
        }
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    Ok(out)
}

/// What removing `names` would do, checked against the retire list
/// `inventory` gives: every name must be on it, removable, and the package
/// manager must take nothing else with them.
pub fn preview(apt: &Apt, inventory: &Inventory, names: &[String]) -> Result<RetirePreview> {
    let names = checked(names)?;
    if let Some(refused) = not_on_list(&inventory.retire, &names) {
        return Ok(RetirePreview {
            asked: names,
            removes: Vec::new(),
            words: refused.clone(),
            refused: Some(refused),
        });
    }
    let simulated = apt.simulate_remove(&names)?;
    let removes: Vec<Removed> = inventory::removals(&simulated)
        .into_iter()
        .map(|(name, version)| Removed {
            asked: is_asked(&names, &name),
            name,
            version,
        })
        .collect();
    let others: Vec<String> = removes
        .iter()
        .filter(|r| !r.asked)
        .map(|r| r.name.clone())
        .collect();
    let refused = if !others.is_empty() {
        Some(format!(
            "Removing {} would also remove {}, which {} still installed for a reason; nothing is removed this way.",
            names.join(", "),
            others.join(", "),
            if others.len() == 1 { "is" } else { "are" }
        ))
    } else if removes.is_empty() {
        Some(
            "The package manager would remove nothing: these packages are not installed any more."
                .into(),
        )
    } else {
        None
    };
    let words = refused.clone().unwrap_or_else(|| {
        format!(
            "{} {} removed through the package manager. Settings stay, and a copy of each package is kept first, so the removal can be undone.",
            removes.len(),
            if removes.len() == 1 { "package would be" } else { "packages would be" }
        )
    });
    Ok(RetirePreview {
        asked: names,
        removes,
        refused,
        words,
    })
}

/// apt names a foreign architecture's package "name:arch", as the
/// inventory does, and a native one by its name alone.
fn is_asked(names: &[String], removed: &str) -> bool {
    names.iter().any(|n| n == removed)
}

/// Why `names` cannot be removed from `list`, if they cannot.
fn not_on_list(list: &[Retire], names: &[String]) -> Option<String> {
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !list.iter().any(|r| r.removable && &r.id == *n))
        .map(String::as_str)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} {} not on the retire list, so Shipshape does not remove {}.",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" }
        )
    })
}

/// The retire list root sees: this computer read by root, with the
/// end-of-life list shipped with Shipshape (an imported one is the
/// user's file, which root does not trust).
fn roots_inventory(apt: &Apt, now: DateTime<Utc>) -> Inventory {
    let (snapshot, source) = eol::shipped();
    let facts = inventory::gather(&crate::admin::this_computer(), apt, Vec::new(), &snapshot);
    inventory::build(&facts, &snapshot, source, now.date_naive())
}

/// Removes `names` as root: only names on root's own retire list, only
/// when the package manager would remove exactly them; each removed
/// version is kept first so the run can be undone. A run that fails after
/// the package manager started is a recorded verdict, not an error.
pub fn carry_out(
    apt: &Apt,
    state: &RootState,
    names: &[String],
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let names = checked(names)?;
    let _turn = state.take_turn("updates", updates::BUSY)?;
    let settled = updates::settle_cut_off(apt, state, actor, now)?;
    updates::consistent(apt)?;
    let inventory = roots_inventory(apt, now);
    let plan = preview(apt, &inventory, &names)?;
    if let Some(refused) = plan.refused {
        return Err(Error::new(
            ErrorCode::Conflict,
            refused,
            "Look at the retire list again (shipshape inventory --retire) and choose from it.",
        ));
    }
    cancel.check()?;
    let mut run = UpdateRun {
        message: "Removing…".into(),
        packages: plan
            .removes
            .iter()
            .map(|r| PackageChange {
                name: r.name.clone(),
                arch: inventory
                    .packages
                    .iter()
                    .find(|p| p.name == r.name)
                    .map(|p| p.arch.clone())
                    .unwrap_or_default(),
                old_version: Some(r.version.clone()),
                new_version: None,
                undo_copy: false,
            })
            .collect(),
        ..updates::new_run(RunKind::Retire, names.join(", "), now)
    };
    run.id = updates::save(state.store.conn(), &run)?;
    let folder = updates::run_folder(state, run.id);
    updates::private_folder(&folder)?;
    let archives = apt.archives()?;
    let total = run.packages.len() as u64 + 1;
    for (i, p) in run.packages.iter_mut().enumerate() {
        if let Err(e) = cancel.check() {
            run.outcome = RunOutcome::Failed;
            run.message = "Cancelled before anything was removed; nothing was changed.".into();
            updates::record(&state.store, now, actor, &mut run, "retire.remove")?;
            return Err(e);
        }
        let old = p.old_version.clone().unwrap_or_default();
        p.undo_copy = updates::keep_version(apt, &archives, &folder, &p.name, &old, &p.arch);
        progress.report(i as u64 + 1, total);
    }
    let out = apt.remove(&names)?;
    progress.report(total, total);
    let log = format!("{}\n{}", out.stdout, out.stderr);
    run.log_tail = apt::last_lines(&log);
    let all: Vec<String> = run.packages.iter().map(|p| p.name.clone()).collect();
    let left = apt.installed(&all)?;
    for p in &mut run.packages {
        p.new_version = left
            .iter()
            .find(|(n, _)| *n == p.name || n.split(':').next() == Some(p.name.as_str()))
            .map(|(_, v)| v.clone());
    }
    let gone = run.packages.iter().all(|p| p.new_version.is_none());
    if out.code == Some(0) && gone {
        run.outcome = RunOutcome::Done;
        let uncopied: Vec<&str> = run
            .packages
            .iter()
            .filter(|p| !p.undo_copy)
            .map(|p| p.name.as_str())
            .collect();
        run.message = format!(
            "{} removed; {}",
            all.join(", "),
            if uncopied.is_empty() {
                "a copy of each is kept, so the removal can be undone.".to_string()
            } else {
                format!(
                    "no copy of {} could be kept, so undoing cannot put {} back.",
                    uncopied.join(", "),
                    if uncopied.len() == 1 { "it" } else { "them" }
                )
            }
        );
    } else {
        run.outcome = RunOutcome::Failed;
        run.message = updates::failure_message(apt, &log);
    }
    run.message = updates::after_settled(&settled, std::mem::take(&mut run.message));
    updates::record(&state.store, now, actor, &mut run, "retire.remove")?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_package_name() {
        assert!(checked(&[]).is_err());
        for bad in ["-y", "../x", "a b", "x:y:z", "Upper"] {
            assert!(checked(&[bad.to_string()]).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..=MOST).map(|i| format!("p{i}")).collect();
        assert!(checked(&many).is_err());
        assert_eq!(
            checked(&["libc6:i386".into(), "libc6:i386".into()]).expect("present"),
            vec!["libc6:i386".to_string()]
        );
    }

    #[test]
    fn only_removable_items_of_the_list_are_allowed() {
        let item = |id: &str, removable| Retire {
            id: id.into(),
            why: inventory::RetireWhy::Unneeded,
            version: "1".into(),
            what: String::new(),
            todo: String::new(),
            removable,
        };
        let list = [item("libfoo1", true), item("os", false)];
        assert_eq!(not_on_list(&list, &["libfoo1".into()]), None);
        assert!(not_on_list(&list, &["os".into()]).is_some());
        let said = not_on_list(&list, &["bash".into(), "libfoo1".into()]).expect("present");
        assert!(said.starts_with("bash is not on the retire list"), "{said}");
    }
}
