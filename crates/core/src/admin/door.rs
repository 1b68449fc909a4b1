//! The one privileged entry point. Whatever needs root, a normal user's
//! app or CLI asks `pkexec` (which asks for the administrator's password,
//! once for a while: `auth_admin_keep`) to run Shipshape's own `helper`
//! with one request: preview a known fix (when a file it reads is root's
//! alone), make it as previewed, or undo a change by root's number. The
//! helper takes nothing else: no paths, no commands, no data folder. It
//! answers in JSON; while it works it reports progress on its standard
//! error, and a "cancel" line on its standard input stops it where
//! stopping is safe.

use crate::progress::{Cancel, NoProgress, Progress};
use crate::{Error, ErrorCode, Result};
use serde::de::DeserializeOwned;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the helper may be asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// What fixing a check would change (read-only).
    Preview(String),
    /// Fix a check; `seen` is the digest of the preview the user agreed
    /// to, so a plan that changed since is refused.
    Fix {
        id: String,
        seen: Option<String>,
    },
    Undo(i64),
    /// Download fresh package lists.
    UpdatesRefresh,
    /// Install waiting updates.
    UpdatesApply(crate::maintain::updates::Choice),
    /// Put back what an update run (root's number) replaced.
    /// An update run to undo (root's number), and whether to put back the
    /// configuration kept before it too.
    UpdatesUndo {
        run: i64,
        config: bool,
    },
    /// Finish an interrupted installation.
    UpdatesRepair,
    /// Install a package a fix needs: one `maintain::needed` lists.
    InstallNeeded(String),
    /// Install a `.deb` file, read with the rights of the account that
    /// asks, only if it carries the verified checksum (or the risk of an
    /// unverified one was accepted, with its reason).
    InstallDeb(crate::install::DebAsk),
    /// Install a package by name from this computer's signed sources.
    InstallPackage(crate::install::named::PackageAsk),
    /// Install a tarball or an AppImage into /opt, read with the rights
    /// of the account that asks, as `InstallDeb` is.
    InstallProgram(crate::install::program::ProgramAsk),
    /// Put another installed version of a program in /opt in use.
    ProgramSwitch {
        name: String,
        version: String,
    },
    /// Act on a password an installation (root's number) left: read a
    /// password file, remove it, or replace a default password with one
    /// given on standard input.
    InstallPassword {
        run: i64,
        item: String,
        act: crate::install::harden::PasswordAct,
    },
    /// Move sample content an installation (root's number) found where
    /// it is served into a copy in root's private folder.
    InstallSample {
        run: i64,
        item: String,
    },
    /// Read this computer's accounts (read-only).
    AccessInventory,
    /// Remove outdated packages on root's own retire list.
    Retire(Vec<String>),
    ScheduleAdd(crate::maintain::schedule::Job),
    ScheduleEdit(i64, crate::maintain::schedule::Job),
    ScheduleRemove(i64),
    SchedulePause(i64, bool),
    /// Run a scheduled job now.
    ScheduleRun(i64),
    /// Set up a backup; the office's password comes on standard input.
    /// For another computer, `trust` is the fingerprint of its host key
    /// the administrator confirmed.
    BackupInit {
        name: String,
        to: crate::backup::Location,
        trust: Option<String>,
        plan: crate::backup::Plan,
    },
    /// Connect a backup made elsewhere; its password comes on standard input.
    BackupConnect {
        name: String,
        to: crate::backup::Location,
        trust: Option<String>,
        plan: crate::backup::Plan,
    },
    /// Another computer's host key and root's key to add there; with
    /// `trust`, trust that host key.
    BackupHostKey {
        to: crate::backup::remote::Sftp,
        trust: Option<String>,
    },
    /// A REST server's certificate; with `trust`, trust that certificate;
    /// with `login`, keep its account's password (on standard input).
    BackupServer {
        to: crate::backup::rest::Rest,
        trust: Option<String>,
        login: bool,
    },
    /// Back up now (the only backup when no name is given).
    BackupRun(Option<String>),
    /// Test restoring the newest backup.
    BackupTest(Option<String>),
    /// Stop using a backup (the repository stays).
    BackupRemove(String),
    /// A folder's entries in a snapshot.
    BackupBrowse {
        name: String,
        snapshot: String,
        folder: String,
    },
    /// What in a snapshot has a name holding the words.
    BackupFind {
        name: String,
        snapshot: String,
        words: String,
    },
    /// Restore a path of a snapshot to `dest`: by root where only root may
    /// change the folder, else written as the account that asked.
    BackupRestore {
        name: String,
        snapshot: String,
        path: String,
        dest: PathBuf,
    },
    BackupCheck {
        name: Option<String>,
        read: Option<(u32, u32)>,
    },
    BackupForget {
        name: Option<String>,
        keep: crate::backup::Retention,
    },
}

/// Whether `s` looks like a preview digest: SHA-256 in lower-case hex.
fn is_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Request {
    /// Refuses anything but a fix Shipshape knows (with, at most, a
    /// preview digest), or a change number.
    pub fn checked(self) -> Result<Request> {
        match &self {
            Request::Preview(id) | Request::Fix { id, .. } if !crate::harden::fix::has_fix(id) => {
                Err(Error::invalid_input(
                    format!("\"{id}\" is not a fix Shipshape knows."),
                    "Run shipshape scan to see which checks can be fixed.",
                ))
            }
            Request::Fix {
                seen: Some(digest), ..
            } if !is_digest(digest) => Err(Error::invalid_input(
                format!("\"{digest}\" is not a preview's digest."),
                "Open the fix's preview again, then apply it from there.",
            )),
            Request::Undo(n) if *n <= 0 => Err(Error::invalid_input(
                format!("{n} is not a change number."),
                "Run shipshape changes to see the changes and their numbers.",
            )),
            Request::UpdatesUndo { run: n, .. } if *n <= 0 => Err(Error::invalid_input(
                format!("{n} is not an update run's number."),
                "Run shipshape updates history to see the runs and their numbers.",
            )),
            Request::UpdatesApply(choice) => Ok(Request::UpdatesApply(choice.clone().checked()?)),
            Request::InstallNeeded(name) => {
                crate::maintain::needed::find(name).map(|_| self.clone())
            }
            Request::InstallDeb(ask) => Ok(Request::InstallDeb(ask.clone().checked()?)),
            Request::InstallPackage(ask) => Ok(Request::InstallPackage(ask.clone().checked()?)),
            Request::InstallProgram(ask) => {
                let (ask, name, version) = ask.clone().checked()?;
                Ok(Request::InstallProgram(
                    crate::install::program::ProgramAsk {
                        name: Some(name),
                        version: Some(version),
                        ..ask
                    },
                ))
            }
            Request::ProgramSwitch { name, version } => {
                crate::install::program::check_switch(name, version).map(|()| self.clone())
            }
            Request::InstallPassword { run, .. } | Request::InstallSample { run, .. }
                if *run <= 0 =>
            {
                Err(Error::invalid_input(
                    format!("{run} is not an installation's number."),
                    "Run shipshape installs list to see the installations and their numbers.",
                ))
            }
            Request::InstallPassword { item, .. } | Request::InstallSample { item, .. }
                if item.is_empty() || item.len() > 4096 || item.contains('\0') =>
            {
                Err(Error::invalid_input(
                    "That is not something an installation found.",
                    "Run shipshape installs harden RUN to see what it found.",
                ))
            }
            Request::InstallPassword {
                act: crate::install::harden::PasswordAct::Remove { seen },
                ..
            } if !is_digest(seen) => Err(Error::invalid_input(
                format!("\"{seen}\" is not a SHA-256 digest."),
                "Read the password file again, then remove it.",
            )),
            Request::Retire(names) => Ok(Request::Retire(crate::govern::retire::checked(names)?)),
            Request::ScheduleAdd(job) => Ok(Request::ScheduleAdd(job.clone().checked()?)),
            Request::ScheduleEdit(id, job) if *id > 0 => {
                Ok(Request::ScheduleEdit(*id, job.clone().checked()?))
            }
            Request::ScheduleEdit(n, _)
            | Request::ScheduleRemove(n)
            | Request::SchedulePause(n, _)
            | Request::ScheduleRun(n)
                if *n <= 0 =>
            {
                Err(Error::invalid_input(
                    format!("{n} is not a scheduled job's number."),
                    "Run shipshape schedule list to see the jobs and their numbers.",
                ))
            }
            Request::BackupInit {
                name,
                to,
                trust,
                plan,
            } => Ok(Request::BackupInit {
                name: crate::backup::checked_name(name)?,
                to: crate::backup::Location::parse(&to.shown())?,
                trust: checked_trust(trust)?,
                plan: plan.clone().checked()?,
            }),
            Request::BackupConnect {
                name,
                to,
                trust,
                plan,
            } => Ok(Request::BackupConnect {
                name: crate::backup::checked_name(name)?,
                to: crate::backup::Location::parse(&to.shown())?,
                trust: checked_trust(trust)?,
                plan: plan.clone().checked()?,
            }),
            Request::BackupBrowse {
                name,
                snapshot,
                folder: inside,
            }
            | Request::BackupRestore {
                name,
                snapshot,
                path: inside,
                ..
            } => {
                crate::backup::checked_name(name)?;
                crate::backup::browse::checked_snapshot(snapshot)?;
                crate::backup::browse::checked_inside(inside)?;
                if let Request::BackupRestore { dest, .. } = &self {
                    crate::backup::absolute(dest, "restore to")?;
                }
                Ok(self)
            }
            Request::BackupRemove(name) => crate::backup::checked_name(name).map(|_| self),
            Request::BackupFind { name, snapshot, .. } => {
                crate::backup::checked_name(name)?;
                crate::backup::browse::checked_snapshot(snapshot)?;
                Ok(self)
            }
            Request::BackupHostKey { to, trust } => Ok(Request::BackupHostKey {
                to: to.clone(),
                trust: checked_trust(trust)?,
            }),
            Request::BackupServer { to, trust, login } => Ok(Request::BackupServer {
                to: crate::backup::rest::Rest::parse(&to.shown())?,
                trust: trust
                    .as_deref()
                    .map(crate::backup::rest::checked_fingerprint)
                    .transpose()?,
                login: *login,
            }),
            Request::BackupRun(Some(name))
            | Request::BackupTest(Some(name))
            | Request::BackupCheck {
                name: Some(name), ..
            }
            | Request::BackupForget {
                name: Some(name), ..
            } => crate::backup::checked_name(name).map(|_| self),
            _ => Ok(self),
        }
    }

    fn args(&self) -> Vec<OsString> {
        match self {
            Request::Preview(id) => vec!["preview".into(), id.into()],
            Request::Fix { id, seen } => {
                let mut args: Vec<OsString> = vec!["fix".into(), id.into()];
                if let Some(digest) = seen {
                    args.extend(["--seen".into(), digest.into()]);
                }
                args
            }
            Request::Undo(n) => vec!["undo".into(), n.to_string().into()],
            Request::UpdatesRefresh => vec!["updates-refresh".into()],
            Request::UpdatesApply(choice) => {
                use crate::maintain::updates::Choice;
                let mut args: Vec<OsString> = vec!["updates-apply".into()];
                match choice {
                    Choice::Security => args.push("--security".into()),
                    Choice::All => args.push("--all".into()),
                    Choice::Chosen(names) => {
                        args.push("--".into());
                        args.extend(names.iter().map(OsString::from));
                    }
                }
                args
            }
            Request::UpdatesUndo { run, config } => {
                let mut args: Vec<OsString> = vec!["updates-undo".into(), run.to_string().into()];
                if *config {
                    args.push("--config".into());
                }
                args
            }
            Request::UpdatesRepair => vec!["updates-repair".into()],
            Request::InstallNeeded(name) => vec!["install-needed".into(), name.into()],
            Request::InstallDeb(ask) => {
                let mut args: Vec<OsString> = vec!["install-deb".into()];
                trust_args(&mut args, &ask.trust);
                if ask.allow_downgrade {
                    args.push("--allow-downgrade".into());
                }
                for name in &ask.keep {
                    args.extend(["--keep".into(), name.into()]);
                }
                args.extend(["--".into(), (&ask.file).into()]);
                args
            }
            Request::InstallProgram(ask) => {
                let mut args: Vec<OsString> = vec!["install-program".into()];
                trust_args(&mut args, &ask.trust);
                for (option, value) in [("--name", &ask.name), ("--program-version", &ask.version)]
                {
                    if let Some(value) = value {
                        args.extend([option.into(), value.into()]);
                    }
                }
                args.extend(["--".into(), (&ask.file).into()]);
                args
            }
            Request::ProgramSwitch { name, version } => vec![
                "program-switch".into(),
                "--".into(),
                name.into(),
                version.into(),
            ],
            Request::InstallPackage(ask) => {
                let mut args: Vec<OsString> = vec!["install-package".into()];
                for name in &ask.keep {
                    args.extend(["--keep".into(), name.into()]);
                }
                args.extend(["--".into(), (&ask.name).into()]);
                args
            }
            Request::InstallPassword { run, item, act } => {
                use crate::install::harden::PasswordAct;
                let mut args: Vec<OsString> =
                    vec!["install-password".into(), run.to_string().into()];
                match act {
                    PasswordAct::Take => args.push("--take".into()),
                    PasswordAct::Remove { seen } => args.extend(["--remove".into(), seen.into()]),
                    PasswordAct::Replace => args.push("--replace".into()),
                }
                args.extend(["--".into(), item.into()]);
                args
            }
            Request::InstallSample { run, item } => vec![
                "install-sample".into(),
                run.to_string().into(),
                "--".into(),
                item.into(),
            ],
            Request::AccessInventory => vec!["access-inventory".into()],
            Request::Retire(names) => {
                let mut args: Vec<OsString> = vec!["retire".into(), "--".into()];
                args.extend(names.iter().map(OsString::from));
                args
            }
            Request::ScheduleAdd(job) => vec!["schedule-add".into(), job_json(job).into()],
            Request::ScheduleEdit(id, job) => vec![
                "schedule-edit".into(),
                id.to_string().into(),
                job_json(job).into(),
            ],
            Request::ScheduleRemove(id) => vec!["schedule-remove".into(), id.to_string().into()],
            Request::SchedulePause(id, true) => {
                vec!["schedule-pause".into(), id.to_string().into()]
            }
            Request::SchedulePause(id, false) => {
                vec!["schedule-resume".into(), id.to_string().into()]
            }
            Request::ScheduleRun(id) => vec!["schedule-run".into(), id.to_string().into()],
            Request::BackupInit {
                name,
                to,
                trust,
                plan,
            } => setup_args("backup-init", name, to, trust, plan),
            Request::BackupConnect {
                name,
                to,
                trust,
                plan,
            } => setup_args("backup-connect", name, to, trust, plan),
            Request::BackupHostKey { to, trust } => {
                let mut args: Vec<OsString> =
                    vec!["backup-host-key".into(), "--to".into(), to.shown().into()];
                with_trust(&mut args, trust);
                args
            }
            Request::BackupServer { to, trust, login } => {
                let mut args: Vec<OsString> =
                    vec!["backup-server".into(), "--to".into(), to.shown().into()];
                if let Some(fingerprint) = trust {
                    args.extend(["--trust-certificate".into(), fingerprint.into()]);
                }
                if *login {
                    args.push("--login".into());
                }
                args
            }
            Request::BackupRun(name) => with_repo("backup-run", name),
            Request::BackupTest(name) => with_repo("backup-test", name),
            Request::BackupRemove(name) => {
                vec!["backup-remove".into(), "--repo".into(), name.into()]
            }
            Request::BackupBrowse {
                name,
                snapshot,
                folder,
            } => vec![
                "backup-browse".into(),
                "--repo".into(),
                name.into(),
                "--snapshot".into(),
                snapshot.into(),
                "--folder".into(),
                folder.into(),
            ],
            Request::BackupFind {
                name,
                snapshot,
                words,
            } => vec![
                "backup-find".into(),
                "--repo".into(),
                name.into(),
                "--snapshot".into(),
                snapshot.into(),
                "--words".into(),
                words.into(),
            ],
            Request::BackupRestore {
                name,
                snapshot,
                path,
                dest,
            } => vec![
                "backup-restore".into(),
                "--repo".into(),
                name.into(),
                "--snapshot".into(),
                snapshot.into(),
                "--path".into(),
                path.into(),
                "--dest".into(),
                dest.into(),
            ],
            Request::BackupCheck { name, read } => {
                let mut args = with_repo("backup-check", name);
                if let Some((n, of)) = read {
                    args.extend(["--read-data".into(), format!("{n}/{of}").into()]);
                }
                args
            }
            Request::BackupForget { name, keep } => {
                let mut args = with_repo("backup-forget", name);
                for (flag, n) in [
                    ("--keep-daily", keep.daily),
                    ("--keep-weekly", keep.weekly),
                    ("--keep-monthly", keep.monthly),
                ] {
                    args.extend([flag.into(), n.to_string().into()]);
                }
                args
            }
        }
    }
}

/// A host key's fingerprint, in its one form (see `ssh::checked_fingerprint`).
fn checked_trust(trust: &Option<String>) -> Result<Option<String>> {
    trust
        .as_deref()
        .map(crate::ssh::checked_fingerprint)
        .transpose()
}

/// Setting a backup up: its name, place, the host key confirmed, and its
/// plan (as JSON).
fn setup_args(
    verb: &str,
    name: &str,
    to: &crate::backup::Location,
    trust: &Option<String>,
    plan: &crate::backup::Plan,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        verb.into(),
        "--name".into(),
        name.into(),
        "--to".into(),
        to.shown().into(),
    ];
    with_trust(&mut args, trust);
    args.extend([
        "--plan".into(),
        serde_json::to_string(plan).unwrap_or_default().into(),
    ]);
    args
}

/// The fingerprint of a host key the administrator confirmed, when given.
fn with_trust(args: &mut Vec<OsString>, trust: &Option<String>) {
    if let Some(fingerprint) = trust {
        args.extend(["--trust-host-key".into(), fingerprint.into()]);
    }
}

/// A backup verb, naming its backup when one is named.
fn with_repo(verb: &str, name: &Option<String>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![verb.into()];
    if let Some(name) = name {
        args.extend(["--repo".into(), name.into()]);
    }
    args
}

/// A job as the helper takes it: one JSON argument, read back into a
/// `Job` and checked by the helper before anything is done.
/// How a file is trusted, as the helper's options say it.
fn trust_args(args: &mut Vec<OsString>, trust: &crate::install::Trust) {
    use crate::install::Trust;
    match trust {
        Trust::Digest { algorithm, hex } => {
            args.extend([
                "--checksum".into(),
                format!("{}:{hex}", algorithm.name()).into(),
            ]);
        }
        Trust::RiskAccepted { reason } => {
            args.extend(["--accept-risk".into(), reason.into()]);
        }
    }
}

fn job_json(job: &crate::maintain::schedule::Job) -> String {
    serde_json::to_string(job).unwrap_or_default()
}

/// Whether changing `root` needs the helper: it is this computer and we
/// are not root.
pub fn needs_helper(root: &Path) -> bool {
    super::is_this_computer(root) && !super::running_as_root()
}

/// Test settings the helper is handed as arguments in builds made for
/// tests, since pkexec clears the environment. Release builds pass none
/// and their helper takes none.
const FORWARDED: &[&str] = &[
    "SHIPSHAPE_SCAN_ROOT",
    "SHIPSHAPE_STATE_DIR",
    "SHIPSHAPE_APT_CONFIG",
    "SHIPSHAPE_APT_LOCK_SECONDS",
    "SHIPSHAPE_OPT_DIR",
    "SHIPSHAPE_MENU_DIR",
    "SHIPSHAPE_POLICY_RC_D",
    "SHIPSHAPE_CREDENTIAL_SECRET",
    "SHIPSHAPE_BACKUP_STALL_SECONDS",
];

/// Set in `shipshape fleet serve`: there nobody sits at the computer to
/// give a password, so the helper is reached with `sudo -n` through the
/// rule `shipshape fleet prepare` wrote (the fleet account may run the
/// helper, and nothing else).
static BY_SUDO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on in this process, the helper is reached with sudo, not pkexec.
pub fn elevate_with_sudo() {
    BY_SUDO.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// sudo by its full path, as pkexec.
pub const SUDO: &str = "/usr/bin/sudo";

/// What asks for administrator rights in this process: pkexec, or sudo
/// for the console's account on an office computer.
fn elevator() -> &'static Path {
    if BY_SUDO.load(std::sync::atomic::Ordering::Relaxed) {
        Path::new(SUDO)
    } else {
        Path::new(PKEXEC)
    }
}

/// Runs `request` through pkexec (or sudo, see `elevate_with_sudo`) and
/// Shipshape's helper, and reads its answer: a `Preview` for a preview, a
/// `FixOutcome` for a fix or an undo.
pub fn run<T: DeserializeOwned>(request: Request) -> Result<T> {
    run_with(elevator(), &program()?, request)
}

/// `run`, showing the helper's progress and passing on a cancel.
pub fn run_showing<T: DeserializeOwned>(
    request: Request,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<T> {
    run_with_progress(elevator(), &program()?, request, progress, cancel)
}

/// How the helper's progress lines begin on its standard error.
const PROGRESS: &str = "shipshape-progress ";

/// The helper's side of progress: each report is a line on standard
/// error, which the door reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportToDoor;

impl Progress for ReportToDoor {
    fn report(&self, done: u64, total: u64) {
        eprintln!("{PROGRESS}{done} {total}");
    }
}

/// The helper's side of a secret the door hands over: the first line of
/// its standard input, read before anything else is.
pub fn secret_from_door() -> Result<crate::vault::Secret> {
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Error::internal(format!("The password could not be read from the app: {e}"))
    })?;
    crate::vault::Secret::new(line.trim_end_matches('\n').to_string())
}

/// The helper's side of Cancel: set when the door writes "cancel" on the
/// helper's standard input. Anything else there is ignored.
pub fn cancel_from_door() -> Cancel {
    let cancel = Cancel::new();
    let set = cancel.clone();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(l) if l.trim() == "cancel" => {
                    set.cancel();
                    return;
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    });
    cancel
}

/// A progress line from the helper, as (done, total).
fn progress_line(line: &str) -> Option<(u64, u64)> {
    let (done, total) = line.strip_prefix(PROGRESS)?.split_once(' ')?;
    Some((done.trim().parse().ok()?, total.trim().parse().ok()?))
}

/// pkexec by its full path: a folder early in the user's `PATH` must not
/// choose which program asks for the administrator's password.
const PKEXEC: &str = "/usr/bin/pkexec";

/// `run`, through the given pkexec and helper program: tests stand in for
/// the password dialog there.
pub fn run_with<T: DeserializeOwned>(pkexec: &Path, program: &Path, request: Request) -> Result<T> {
    run_with_progress(pkexec, program, request, &NoProgress, &Cancel::new())
}

/// `run`, handing the helper `secret` as the first line of its standard
/// input: never in its arguments, which every account can read.
pub fn run_giving<T: DeserializeOwned>(
    request: Request,
    secret: &crate::vault::Secret,
) -> Result<T> {
    exchange(
        elevator(),
        &program()?,
        request,
        &NoProgress,
        &Cancel::new(),
        Some(secret),
    )
}

/// `run_with`, reading the helper's progress as it comes and writing
/// "cancel" to it once `cancel` is set.
pub fn run_with_progress<T: DeserializeOwned>(
    pkexec: &Path,
    program: &Path,
    request: Request,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<T> {
    exchange(pkexec, program, request, progress, cancel, None)
}

fn exchange<T: DeserializeOwned>(
    pkexec: &Path,
    program: &Path,
    request: Request,
    progress: &dyn Progress,
    cancel: &Cancel,
    secret: Option<&crate::vault::Secret>,
) -> Result<T> {
    let request = request.checked()?;
    let mut args: Vec<OsString> = vec![program.into(), "helper".into()];
    for name in FORWARDED {
        if let Some(value) = crate::test_settings::var(name) {
            let mut pair = OsString::from(format!("{name}="));
            pair.push(value);
            args.extend(["--test-setting".into(), pair]);
        }
    }
    args.extend(request.args());
    let by_sudo = pkexec == Path::new(SUDO);
    if by_sudo {
        // Never a password prompt: the rule allows it, or it is refused.
        args.insert(0, "-n".into());
    }
    let mut child = Command::new(pkexec)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::new(
                ErrorCode::NeedsAdmin,
                format!("Administrator rights are needed, and pkexec could not be started: {e}."),
                "Install pkexec (sudo apt install pkexec), or run the fix as an administrator: sudo shipshape fix …",
            )
        })?;
    let mut to_helper = child.stdin.take();
    if let (Some(secret), Some(stdin)) = (secret, to_helper.as_mut()) {
        let mut line = zeroize::Zeroizing::new(secret.expose().as_bytes().to_vec());
        line.push(b'\n');
        let _ = stdin.write_all(&line);
    }
    let (answer, said, status) = std::thread::scope(|scope| {
        let mut out = child.stdout.take();
        let answer = scope.spawn(move || {
            let mut bytes = Vec::new();
            if let Some(out) = out.as_mut() {
                let _ = out.read_to_end(&mut bytes);
            }
            bytes
        });
        let err = child.stderr.take();
        let said = scope.spawn(move || {
            let mut said = String::new();
            if let Some(err) = err {
                for line in BufReader::new(err)
                    .lines()
                    .map_while(std::result::Result::ok)
                {
                    match progress_line(&line) {
                        Some((done, total)) => progress.report(done, total),
                        None => {
                            said.push_str(&line);
                            said.push('\n');
                        }
                    }
                }
            }
            said
        });
        let status = loop {
            if cancel.is_cancelled()
                && let Some(mut stdin) = to_helper.take()
            {
                let _ = stdin.write_all(b"cancel\n");
            }
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
                Err(e) => break Err(e),
            }
        };
        (
            answer.join().unwrap_or_default(),
            said.join().unwrap_or_default(),
            status,
        )
    });
    let status =
        status.map_err(|e| Error::internal(format!("The helper could not be waited for: {e}")))?;
    let stdout = String::from_utf8_lossy(&answer);
    // pkexec: 126 when the password dialog was dismissed, 127 when not authorised.
    match status.code() {
        Some(0) => serde_json::from_str(&stdout)
            .map_err(|e| Error::internal(format!("The helper's answer could not be read: {e}"))),
        Some(126) | Some(127) => Err(Error::new(
            ErrorCode::NeedsAdmin,
            "The administrator's password was not given, so nothing was changed.",
            "Try again and enter the administrator's password when asked.",
        )),
        _ if by_sudo && stdout.trim().is_empty() && said.contains("sudo:") => Err(Error::new(
            ErrorCode::NeedsAdmin,
            format!(
                "This account may not run Shipshape's helper as root here, so nothing was changed ({}).",
                said.trim()
            ),
            "On this computer, run: sudo shipshape fleet prepare --key 'LINE' with the line the console shows, and enrol it as shipshape-fleet@HOST.",
        )),
        _ => Err(serde_json::from_str::<Error>(&stdout)
            .unwrap_or_else(|_| Error::internal(format!("The helper failed: {}", said.trim())))),
    }
}

/// The helper program: the `shipshape` command itself, or the one beside
/// the app. Refused unless root owns it and only root may change it (and
/// the folders it is in): administrator rights are never given to a
/// program another account could have replaced.
pub fn program() -> Result<PathBuf> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::internal(format!("Cannot find Shipshape's own program: {e}")))?;
    let program = if exe.file_name().is_some_and(|n| n == "shipshape") {
        exe
    } else {
        exe.parent()
            .map(|dir| dir.join("shipshape"))
            .ok_or_else(|| Error::internal("Shipshape's own program has no folder."))?
    };
    installed_safely(&program)?;
    Ok(program)
}

fn installed_safely(program: &Path) -> Result<()> {
    let how = "Install Shipshape from its package (sudo apt install ./shipshape_*.deb), which puts the helper at /usr/bin/shipshape, owned by root.";
    let meta = std::fs::symlink_metadata(program).map_err(|_| {
        Error::new(
            ErrorCode::NeedsAdmin,
            format!(
                "Administrator rights are needed, and Shipshape's helper {} is missing.",
                program.display()
            ),
            how,
        )
    })?;
    let problem = if !meta.is_file() {
        Some("it is not a plain file".to_string())
    } else if meta.uid() != 0 {
        Some(format!("it belongs to uid {}, not root", meta.uid()))
    } else if meta.mode() & 0o022 != 0 {
        Some("accounts other than root may change it".to_string())
    } else {
        program
            .parent()
            .and_then(|dir| super::safe_path::check(dir).err())
            .map(|e| e.message)
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(Error::new(
            ErrorCode::NeedsAdmin,
            format!(
                "Shipshape will not run {} with administrator rights: {why}.",
                program.display()
            ),
            how,
        )),
    }
}

/// The account that started the helper, by number: pkexec's, or sudo's
/// (which sets it itself and drops any the caller gave).
fn requester_uid() -> Option<String> {
    std::env::var("PKEXEC_UID")
        .or_else(|_| std::env::var("SUDO_UID"))
        .ok()
}

/// In the helper: the user pkexec (or sudo) runs it for, by name from
/// /etc/passwd (or the number when it has none), so the activity log names
/// who asked and not root. `None` outside pkexec and sudo.
pub fn requester() -> Option<String> {
    let uid = requester_uid()?;
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Some(user_named(&passwd, &uid).unwrap_or_else(|| format!("uid {uid}")))
}

/// The account that asked, by number with its group, from pkexec and the
/// passwd file; `None` when pkexec did not start this process.
pub fn requester_ids() -> Option<(u32, u32)> {
    account_ids(requester_uid()?.parse().ok()?)
}

/// The account numbered `uid` and its primary group, from /etc/passwd.
pub fn account_ids(uid: u32) -> Option<(u32, u32)> {
    let uid = uid.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[2] == uid).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// The name of the account with number `uid` in a passwd file's text.
pub(super) fn user_named(passwd: &str, uid: &str) -> Option<String> {
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2] == uid).then(|| f[0].to_string())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_a_helper_that_root_alone_may_change_is_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("shipshape");
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let root = crate::admin::running_as_root();
        // Run as root (as make test does), the file is root's and allowed;
        // run as anyone else, it is theirs and refused.
        assert_eq!(installed_safely(&program).is_ok(), root);
        if root {
            std::os::unix::fs::chown(&program, Some(1000), None).unwrap();
            let theirs = installed_safely(&program).unwrap_err();
            assert!(theirs.message.contains("uid 1000, not root"), "{theirs:?}");
            std::os::unix::fs::chown(&program, Some(0), None).unwrap();
        }
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o775)).unwrap();
        let writable = installed_safely(&program).unwrap_err();
        assert!(writable.message.contains("may change it"), "{writable:?}");
        assert_eq!(writable.code, ErrorCode::NeedsAdmin);
        assert!(writable.hint.contains("apt install"), "{writable:?}");

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&program, &link).unwrap();
        assert!(
            installed_safely(&link)
                .unwrap_err()
                .message
                .contains("not a plain file")
        );
        let missing = installed_safely(&dir.path().join("gone")).unwrap_err();
        assert!(missing.message.contains("is missing"), "{missing:?}");
    }

    #[test]
    fn the_requester_is_named_from_passwd() {
        let passwd = "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";
        assert_eq!(user_named(passwd, "1000").as_deref(), Some("alice"));
        assert_eq!(user_named(passwd, "1001"), None);
    }

    #[test]
    fn the_helper_takes_only_known_fixes_and_change_numbers() {
        let fix = |id: &str, seen: Option<&str>| Request::Fix {
            id: id.into(),
            seen: seen.map(str::to_string),
        };
        assert!(fix("ssh.x11_forwarding", None).checked().is_ok());
        assert!(fix("ssh.x11_forwarding; rm -rf /", None).checked().is_err());
        assert!(fix("services.telnet", None).checked().is_err());
        let digest = "0123456789abcdef".repeat(4);
        assert!(fix("ssh.x11_forwarding", Some(&digest)).checked().is_ok());
        assert!(
            fix("ssh.x11_forwarding", Some("--root=/tmp"))
                .checked()
                .is_err()
        );
        assert!(
            fix("ssh.x11_forwarding", Some(&digest.to_uppercase()))
                .checked()
                .is_err()
        );
        assert!(Request::Preview("firewall.active".into()).checked().is_ok());
        assert!(Request::Preview("/etc/shadow".into()).checked().is_err());
        assert!(Request::Undo(0).checked().is_err());
        use crate::maintain::updates::Choice;
        let chosen = |names: &[&str]| {
            Request::UpdatesApply(Choice::Chosen(
                names.iter().map(|n| n.to_string()).collect(),
            ))
        };
        assert!(chosen(&["openssl", "libc6:amd64"]).checked().is_ok());
        assert!(
            chosen(&["-o", "APT::Get::AllowUnauthenticated=1"])
                .checked()
                .is_err()
        );
        assert!(chosen(&["./evil.deb"]).checked().is_err());
        assert!(
            Request::UpdatesUndo {
                run: -1,
                config: false
            }
            .checked()
            .is_err()
        );
        assert_eq!(
            Request::UpdatesUndo {
                run: 3,
                config: true
            }
            .args(),
            ["updates-undo", "3", "--config"].map(OsString::from)
        );
        assert_eq!(
            chosen(&["openssl"]).args(),
            ["updates-apply", "--", "openssl"].map(OsString::from)
        );
        assert!(Request::Undo(3).checked().is_ok());
        let install = |name: &str| Request::InstallNeeded(name.into());
        assert_eq!(
            install("ufw").checked().unwrap().args(),
            ["install-needed", "ufw"].map(OsString::from)
        );
        for refused in ["vim", "ufw/stable", "--allow-unauthenticated", "./ufw.deb"] {
            assert!(install(refused).checked().is_err(), "{refused}");
        }
        let by_name = |name: &str| {
            Request::InstallPackage(crate::install::named::PackageAsk {
                name: name.into(),
                keep: vec!["libfoo1".into()],
            })
        };
        assert_eq!(
            by_name(" vim ").checked().unwrap().args(),
            ["install-package", "--keep", "libfoo1", "--", "vim"].map(OsString::from)
        );
        for refused in [
            "--allow-unauthenticated",
            "./ufw.deb",
            "ufw/stable",
            "vim=1.0",
        ] {
            assert!(by_name(refused).checked().is_err(), "{refused}");
        }
        let program = Request::InstallProgram(crate::install::program::ProgramAsk {
            file: "/home/a/tool-1.0.tar.gz".into(),
            trust: crate::install::Trust::RiskAccepted {
                reason: "lab".into(),
            },
            name: None,
            version: None,
        });
        assert_eq!(
            program.checked().unwrap().args(),
            [
                "install-program",
                "--accept-risk",
                "lab",
                "--name",
                "tool",
                "--program-version",
                "1.0",
                "--",
                "/home/a/tool-1.0.tar.gz"
            ]
            .map(OsString::from)
        );
        let switch = |version: &str| Request::ProgramSwitch {
            name: "tool".into(),
            version: version.into(),
        };
        assert_eq!(
            switch("1.0").checked().unwrap().args(),
            ["program-switch", "--", "tool", "1.0"].map(OsString::from)
        );
        assert!(switch("../etc").checked().is_err());
    }

    #[test]
    fn a_package_file_reaches_the_helper_after_its_options_and_only_with_a_trust() {
        use crate::install::{DebAsk, Trust};
        let ask = |file: &str, trust: Trust| {
            Request::InstallDeb(DebAsk {
                file: file.into(),
                trust,
                allow_downgrade: true,
                keep: vec!["libfoo1".into()],
            })
        };
        let sha256 = |hex: String| Trust::Digest {
            algorithm: crate::verify::Algorithm::Sha256,
            hex,
        };
        let digest = sha256("AB".repeat(32));
        assert_eq!(
            ask("/home/a/--app.deb", digest.clone())
                .checked()
                .unwrap()
                .args(),
            [
                "install-deb",
                "--checksum",
                &format!("sha256:{}", "ab".repeat(32)),
                "--allow-downgrade",
                "--keep",
                "libfoo1",
                "--",
                "/home/a/--app.deb"
            ]
            .map(OsString::from)
        );
        let risk = Trust::RiskAccepted {
            reason: " a test build ".into(),
        };
        assert_eq!(
            ask("/tmp/app.deb", risk).checked().unwrap().args()[1..3],
            ["--accept-risk", "a test build"].map(OsString::from)
        );
        for (file, trust) in [
            ("app.deb", digest.clone()),
            ("/tmp/app.deb", sha256("ab".into())),
            ("/tmp/app.deb", sha256("g".repeat(64))),
            (
                "/tmp/app.deb",
                Trust::Digest {
                    algorithm: crate::verify::Algorithm::Md5,
                    hex: "a".repeat(32),
                },
            ),
            (
                "/tmp/app.deb",
                Trust::RiskAccepted {
                    reason: "  ".into(),
                },
            ),
        ] {
            assert!(
                ask(file, trust.clone()).checked().is_err(),
                "{file} {trust:?}"
            );
        }
    }

    #[test]
    fn a_backup_elsewhere_reaches_the_helper_as_a_checked_place_and_fingerprint() {
        use crate::backup::remote::Sftp;
        use crate::backup::{Location, Plan};
        let to = Sftp::parse("sftp:backup@nas:2222:/srv/office").unwrap();
        let fingerprint = format!("SHA256:{}", "a".repeat(43));
        let plan = Plan {
            paths: vec!["/home".into()],
            ..Plan::default()
        };
        let init = Request::BackupInit {
            name: "Office".into(),
            to: Location::Sftp(to.clone()),
            trust: Some(fingerprint.clone()),
            plan: plan.clone(),
        };
        let args = init.checked().unwrap().args();
        assert_eq!(
            args[..7],
            [
                "backup-init",
                "--name",
                "Office",
                "--to",
                "sftp:backup@nas:2222:/srv/office",
                "--trust-host-key",
                fingerprint.as_str()
            ]
            .map(OsString::from)
        );
        let host_key = |trust: Option<&str>| Request::BackupHostKey {
            to: to.clone(),
            trust: trust.map(String::from),
        };
        assert_eq!(
            host_key(None).checked().unwrap().args(),
            [
                "backup-host-key",
                "--to",
                "sftp:backup@nas:2222:/srv/office"
            ]
            .map(OsString::from)
        );
        for refused in ["--rm", "SHA256:short", "SHA256:aaa; rm -rf /"] {
            assert!(host_key(Some(refused)).checked().is_err(), "{refused}");
        }
        let server = |trust: Option<&str>| Request::BackupServer {
            to: crate::backup::rest::Rest::parse("rest:https://office@nas:8000/b").unwrap(),
            trust: trust.map(String::from),
            login: true,
        };
        let fingerprint = "25:7B:32:96:A6:A6:FA:E0:50:A3:2E:00:02:41:0A:B7:1A:59:3A:02:06:4B:F0:FF:D9:19:F9:6B:6B:F3:D1:D8";
        assert_eq!(
            server(Some(&fingerprint.to_lowercase()))
                .checked()
                .unwrap()
                .args(),
            [
                "backup-server",
                "--to",
                "rest:https://office@nas:8000/b",
                "--trust-certificate",
                fingerprint,
                "--login"
            ]
            .map(OsString::from)
        );
        for refused in ["--rm", "25:7B", "aa; rm -rf /"] {
            assert!(server(Some(refused)).checked().is_err(), "{refused}");
        }
        let relative = Request::BackupConnect {
            name: "Office".into(),
            to: Location::Folder(PathBuf::from("relative/folder")),
            trust: None,
            plan,
        };
        assert!(relative.checked().is_err());
    }
}
