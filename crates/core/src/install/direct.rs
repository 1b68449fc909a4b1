//! Root's installation of a `.deb` ("direct": the new version replaces
//! the installed one). The file is staged from what the asking account
//! can read, must carry the verified checksum (or a recorded acceptance
//! of the risk), and is hashed again just before the package manager is
//! given it. The installed version is kept first; when installing fails,
//! what it brought in new is removed and the kept version is put back and
//! held, so the next update does not bring the failure back.

use super::{Change, DebAsk, Trust, deb};
use crate::admin::state::RootState;
use crate::audit::Actor;
use crate::maintain::apt::Present;
use crate::maintain::apt::{self, Apt};
use crate::maintain::updates::{
    self, BUSY, PackageChange, RunKind, RunOutcome, UpdateRun, after_settled, consistent, cut_here,
    keep_version, new_run, private_folder, record, run_folder, save, settle_cut_off,
};
use crate::progress::{Cancel, Progress};
use crate::verify::{Algorithm, file::hash_file};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Installs `ask` as root and records the run (kind `InstallFile`) in
/// root's update history; `as_uid` is the account that asked, whose
/// rights the file is read with. Cancel stops it until the package
/// manager starts.
#[allow(clippy::too_many_arguments)]
pub fn install(
    apt: &Apt,
    state: &RootState,
    ask: DebAsk,
    as_uid: Option<u32>,
    actor: &Actor,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let ask = ask.checked()?;
    let _turn = state.take_turn("updates", BUSY)?;
    let settled = settle_cut_off(apt, state, actor, now)?;
    consistent(apt)?;
    let staged = super::staged_proven(state, &ask.file, &ask.trust, as_uid, progress, cancel)?;
    let sha256 = staged.digests[0].hex.clone();
    let deb = deb::read(&staged.path)?;
    let (installed, change) = super::judged(apt, &deb, ask.allow_downgrade)?;
    // apt takes the staged copy by a name it recognises as a package file.
    let named = staged.path.with_file_name(format!("{}.deb", deb.package));
    std::fs::rename(&staged.path, &named).map_err(|e| Error::io("name", &staged.path, &e))?;
    cancel.check()?;
    let target = Target {
        package: &deb.package,
        version: &deb.version,
        arch: &deb.architecture,
        installed,
        change,
        keep: &ask.keep,
        apt_target: named.display().to_string(),
    };
    let mut run = new_run(RunKind::InstallFile, asked(&ask, &sha256), now);
    run.step(true, super::staged_words(&ask.trust));
    run.step(
        true,
        format!(
            "Read the package: {} {} for {} computers, built by {}",
            deb.package,
            deb.version,
            deb.architecture,
            if deb.maintainer.is_empty() {
                "someone it does not name"
            } else {
                &deb.maintainer
            }
        ),
    );
    // The bytes given to dpkg are hashed once more, from root's own copy.
    let again = || {
        let again = hash_file(&named, &[Algorithm::Sha256], progress, cancel)?;
        if again.digests[0].hex == sha256 {
            return Ok("Checked the copy's checksum once more, just before installing it");
        }
        Err(Error::new(
            ErrorCode::FileChanged,
            "The staged copy changed before it was installed, so nothing was installed.",
            "Try again; if it happens again, check the disk.",
        ))
    };
    let run = carry_out(
        apt, state, actor, now, &settled, run, &target, again, progress, cancel,
    );
    drop(staged);
    run
}

/// What root installs, and how it stands against what is installed.
pub(super) struct Target<'a> {
    pub package: &'a str,
    pub version: &'a str,
    pub arch: &'a str,
    pub installed: Option<String>,
    pub change: Change,
    /// Installed packages the asker's preview said would change.
    pub keep: &'a [String],
    /// What apt is given: a package file's path, or `name=version`.
    pub apt_target: String,
}

/// Installs `target` as root, recorded as `run` (kind and what was
/// asked set): the versions it would replace are kept first, `ready`
/// makes the last check before the package manager starts, and a failure
/// is rolled back and held. What changed is root's own view of dpkg
/// before and after, never a plan someone else made; the asker's preview
/// only names packages whose installed versions are worth keeping first.
#[allow(clippy::too_many_arguments)]
pub(super) fn carry_out(
    apt: &Apt,
    state: &RootState,
    actor: &Actor,
    now: DateTime<Utc>,
    settled: &str,
    mut run: UpdateRun,
    target: &Target<'_>,
    ready: impl FnOnce() -> Result<&'static str>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<UpdateRun> {
    let before = apt.present()?;
    let action = action(run.kind);
    run.message = format!("Installing {} {}…", target.package, target.version);
    run.packages = vec![PackageChange {
        name: target.package.to_string(),
        arch: target.arch.to_string(),
        old_version: target.installed.clone(),
        new_version: Some(target.version.to_string()),
        undo_copy: false,
    }];
    // On record before anything changes: a power cut leaves a "running"
    // run the next one settles.
    run.id = save(state.store.conn(), &run)?;
    let folder = run_folder(state, run.id);
    private_folder(&folder)?;
    let archives = apt.archives()?;
    let mut kept = Vec::new();
    for name in std::iter::once(&target.package.to_string()).chain(target.keep) {
        if let Some(p) = before.get(name).filter(|p| p.installed)
            && keep_version(apt, &archives, &folder, name, &p.version, &p.arch)
        {
            kept.push(name.clone());
        }
    }
    run.packages[0].undo_copy = kept.iter().any(|k| k == target.package);
    run.step(
        true,
        if kept.is_empty() {
            "Nothing installed needed keeping first".to_string()
        } else {
            format!(
                "Kept the installed versions of {} to go back to",
                kept.join(", ")
            )
        },
    );
    save(state.store.conn(), &run)?;
    cut_here("install-kept");
    let checked = ready().and_then(|words| cancel.check().map(|()| words));
    if let Ok(words) = &checked {
        run.step(true, *words);
    }
    // Only a new package's services are held back: an upgraded one is
    // restarted as its scripts say, so its old program never keeps running.
    let hold = checked.and_then(|_| match target.change {
        Change::New => super::held_back::Hold::begin().map(Some),
        _ => Ok(None),
    });
    let hold = match hold {
        Ok(hold) => hold,
        Err(e) => {
            run.step(false, e.message.clone());
            run.outcome = RunOutcome::Failed;
            run.message = if e.code == ErrorCode::Cancelled {
                "Cancelled before anything was installed.".into()
            } else {
                e.message.clone()
            };
            record(&state.store, now, actor, &mut run, action)?;
            return Err(e);
        }
    };
    if let Some(hold) = &hold {
        run.step(true, hold.words());
    }
    let listening = super::ports::listening();
    let mode = if target.change == Change::Downgrade {
        apt::InstallMode::AllowDowngrades
    } else {
        apt::InstallMode::New
    };
    let out = apt.install(std::slice::from_ref(&target.apt_target), mode, |line| {
        if let Some((percent, _)) = apt::parse_status(line) {
            progress.report(percent.round() as u64, 100);
        }
    })?;
    cut_here("install-installed");
    let held = matches!(hold, Some(super::held_back::Hold::Ours(_)));
    drop(hold);
    let log = format!("{}\n{}", out.stdout, out.stderr);
    run.log_tail = apt::last_lines(&log);
    let after = apt.present()?;
    run.packages = changed(&before, &after, &kept);
    let worked = out.code == Some(0)
        && apt.audit()?.is_empty()
        && after
            .get(target.package)
            .is_some_and(|p| p.installed && p.version == target.version);
    run.step(
        worked,
        if worked {
            "The package manager installed it and set it up".to_string()
        } else {
            format!(
                "The package manager did not install it: {}",
                apt::last_lines(&log)
            )
        },
    );
    if worked {
        run.outcome = RunOutcome::Done;
        run.restart_needed = updates::restart_flag();
        run.message = format!(
            "{} {} is installed{}.",
            target.package,
            target.version,
            match &target.installed {
                Some(old) if target.change != Change::Reinstall =>
                    format!(", replacing {old}; the earlier version is kept to go back to"),
                _ => String::new(),
            }
        );
        let mut opened = Vec::new();
        if let (Some(before), Some(after)) = (listening, super::ports::listening()) {
            opened = super::ports::opened(&before, &after);
            if opened.is_empty() {
                run.step(true, "Nothing new listens on the network");
            } else {
                let list = opened.join(", ");
                run.step(true, format!("Began listening on the network: {list}"));
                run.message.push_str(&format!(
                    " It began listening on the network: {list}. If nothing should be reached there, switch it off."
                ));
            }
        }
        let brought: Vec<String> = run
            .packages
            .iter()
            .filter(|p| p.new_version.is_some())
            .map(|p| p.name.clone())
            .collect();
        run.hardening = super::harden::look(Path::new("/"), &brought, &opened);
        if held {
            // Held back above; a container's or the administrator's own
            // policy-rc.d decides for itself.
            let waiting: Vec<String> = run
                .hardening
                .iter()
                .filter_map(|h| match &h.found {
                    super::harden::Found::Service {
                        unit,
                        starts_at_boot: true,
                        running: false,
                    } => Some(unit.clone()),
                    _ => None,
                })
                .collect();
            for (ok, words) in super::held_back::start_after(&waiting) {
                run.step(ok, words);
            }
        }
        if !run.hardening.is_empty() {
            run.step(
                true,
                format!(
                    "Found {} to look at after installing: {}",
                    run.hardening.len(),
                    run.hardening
                        .iter()
                        .map(|h| h.what.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            );
        }
    } else if run.packages.is_empty() {
        // apt refused before dpkg ran: nothing changed, nothing to undo.
        run.outcome = RunOutcome::Failed;
        run.message = format!(
            "{} {} was not installed, and nothing was changed: {}",
            target.package,
            target.version,
            super::refusal(target.package, &log)
        );
    } else {
        run.outcome = RunOutcome::Failed;
        run.message = rolled_back(apt, &folder, target, &run.packages, &log);
        let back = !run.message.contains("could not all be put back");
        run.step(back, "Put back what was there before");
        let now_there = apt.present()?;
        for p in &mut run.packages {
            p.new_version = now_there
                .get(&p.name)
                .filter(|n| n.installed)
                .map(|n| n.version.clone());
        }
    }
    run.message = after_settled(settled, std::mem::take(&mut run.message));
    record(&state.store, now, actor, &mut run, action)?;
    Ok(run)
}

/// The activity log's name for the run's action.
fn action(kind: RunKind) -> &'static str {
    if kind == RunKind::InstallPackage {
        "install.package"
    } else {
        "install.deb"
    }
}

/// The packages that differ between `before` and `after` (name → what
/// dpkg holds), with whether a copy of the earlier version was kept.
fn changed(
    before: &BTreeMap<String, Present>,
    after: &BTreeMap<String, Present>,
    kept: &[String],
) -> Vec<PackageChange> {
    let installed = |m: &BTreeMap<String, Present>, name: &str| {
        m.get(name)
            .filter(|p| p.installed)
            .map(|p| p.version.clone())
    };
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|n| before.get(*n) != after.get(*n))
        .map(|n| PackageChange {
            name: n.clone(),
            arch: after
                .get(n)
                .or_else(|| before.get(n))
                .map(|p| p.arch.clone())
                .unwrap_or_default(),
            old_version: installed(before, n),
            new_version: installed(after, n),
            undo_copy: kept.contains(n),
        })
        .collect()
}

/// What the record says was asked: the file, its checksum, and how it
/// was trusted.
fn asked(ask: &DebAsk, sha256: &str) -> String {
    let name = Path::new(&ask.file)
        .file_name()
        .map_or_else(|| ask.file.clone(), |n| n.to_string_lossy().into_owned());
    match &ask.trust {
        Trust::Digest { .. } => format!("{name} (verified, SHA-256 {sha256})"),
        Trust::RiskAccepted { reason } => {
            format!("{name} (NOT verified, SHA-256 {sha256}; risk accepted: {reason})")
        }
    }
}

/// After a failed installation: what it brought in new is removed, the
/// kept versions are put back and held. Answers the verdict in plain words.
fn rolled_back(
    apt: &Apt,
    folder: &Path,
    target: &Target<'_>,
    packages: &[PackageChange],
    log: &str,
) -> String {
    let why = failed_because(log);
    let new: Vec<String> = packages
        .iter()
        .filter(|p| p.old_version.is_none())
        .map(|p| p.name.clone())
        .collect();
    let kept: Vec<String> = std::fs::read_dir(folder)
        .map(|d| {
            d.flatten()
                .map(|e| e.path().display().to_string())
                .filter(|p| p.ends_with(".deb"))
                .collect()
        })
        .unwrap_or_default();
    let mut done = true;
    if !new.is_empty() {
        done &= apt.purge(&new).is_ok_and(|o| o.code == Some(0));
    }
    if !kept.is_empty() {
        done &= apt
            .install(&kept, apt::InstallMode::AllowDowngrades, |_| {})
            .is_ok_and(|o| o.code == Some(0));
        let back: Vec<String> = packages
            .iter()
            .filter(|p| p.old_version.is_some() && p.undo_copy)
            .map(|p| p.name.clone())
            .collect();
        done &= apt.hold(&back, true).is_ok();
    }
    let clean = apt.audit().is_ok_and(|a| a.is_empty());
    let back = if done && clean {
        if kept.is_empty() {
            "Everything it brought in was removed again; the computer is as it was.".to_string()
        } else {
            format!(
                "The earlier version was put back and held there, so the next update does not bring the failure back (release it with sudo apt-mark unhold {}).",
                target.package
            )
        }
    } else {
        "It could not all be put back: repair the package manager (shipshape updates repair), then look at the packages listed.".to_string()
    };
    format!(
        "Installing {} {} failed, so it was rolled back. {why} {back}",
        target.package, target.version
    )
}

/// Why dpkg failed, from what apt printed, in plain words.
fn failed_because(log: &str) -> String {
    let script = [
        ("pre-installation script", "preinst", "before unpacking"),
        ("post-installation script", "postinst", "to set it up"),
        (
            "pre-removal script",
            "prerm",
            "before replacing the old version",
        ),
        (
            "post-removal script",
            "postrm",
            "after replacing the old version",
        ),
    ]
    .into_iter()
    .find(|(said, ..)| log.contains(said));
    match script {
        Some((_, name, when)) => format!("The script the package runs {when} ({name}) failed."),
        None => format!("The package manager said: {}", apt::last_lines(log)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::maintain::apt::parse_present;

    #[test]
    fn what_changed_is_read_from_dpkg_before_and_after() {
        let before = parse_present(
            "app\t1.0\tall\tii \nlibx\t2.0\tamd64\tii \nold\t0.9\tall\tii \nleft\t1\tall\trc \ngone\t1\tall\tun \n",
        );
        let after = parse_present(
            "app\t2.0\tall\tii \nlibx\t2.0\tamd64\tii \nnew\t1.4\tall\tiF \nleft\t1\tall\trc \n",
        );
        assert!(!before.contains_key("gone"), "not installed is not there");
        let changes = changed(&before, &after, &["app".to_string()]);
        let seen: Vec<(&str, Option<&str>, Option<&str>, bool)> = changes
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.old_version.as_deref(),
                    c.new_version.as_deref(),
                    c.undo_copy,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("app", Some("1.0"), Some("2.0"), true),
                // Half configured: there, but not installed.
                ("new", None, None, false),
                ("old", Some("0.9"), None, false),
            ]
        );
    }
}
