//! The office's computers for both shells: enrol one (its host key's
//! fingerprint shown, then confirmed), list and remove them, and check
//! them all at once, each computer's report kept with when it was seen;
//! roll a change out to them ring by ring, go on, roll it back; and the
//! other side's part: make the change here, or undo it.

use super::Session;
use crate::Result;
use crate::audit::NewEntry;
use crate::fleet::ansible;
use crate::fleet::computers::{self, Computer, Enrolment};
use crate::fleet::connect::Console;
use crate::fleet::key::ConsoleKey;
use crate::fleet::prepare;
use crate::fleet::report::{self, Report};
use crate::fleet::rollout::{
    self, Change, Part as RolloutPart, PartState, Rollout, RolloutPlan, Status as RolloutStatus,
};
use crate::fleet::serve::{Applied, Outcome};
use crate::fleet::setup::{self, SetUp};
use crate::install::named::{self, PackageAsk};
use crate::maintain::apt::Apt;
use crate::maintain::updates::{Choice, RunOutcome, UpdateRun};
use crate::progress::{Cancel, Progress};
use crate::vault::Keychain;
use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

fn key(s: Session<'_>) -> ConsoleKey {
    ConsoleKey::in_data(s.store.data_dir())
}

/// The line to add on each computer (the console's key is made on first use).
pub fn key_line(s: Session<'_>, keychain: &Keychain, now: DateTime<Utc>) -> Result<String> {
    let key = key(s);
    key.make_once(s.store, keychain, s.actor, now)?;
    key.authorized_line()
}

/// What enrolling `address` needs the administrator to see.
pub fn look(
    s: Session<'_>,
    keychain: &Keychain,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    computers::parse_address(address)?;
    let line = key_line(s, keychain, now)?;
    computers::look(address, line, &key(s).public_line()?, now)
}

/// Sets Shipshape up on a computer that does not have it yet, reached as
/// root through its setting-up line (see `fleet::setup`), then enrols it
/// as the console's own account there and checks it. Nothing is kept
/// when it fails: not the host key, not the computer.
pub fn set_up(
    s: Session<'_>,
    keychain: &Keychain,
    asked: &SetUp,
    now: DateTime<Utc>,
) -> Result<Computer> {
    let peer = computers::parse_address(&asked.address)?;
    if peer.user != "root" {
        return Err(crate::Error::invalid_input(
            "Setting Shipshape up there needs root's login: its setting-up line goes into root's authorized_keys.",
            "Write the address as root@HOST, or root@HOST:PORT.",
        ));
    }
    let package = setup::checked_package(std::path::Path::new(&asked.package), &asked.sha256)?;
    let line = prepare::checked_line(&key_line(s, keychain, now)?)?;
    let account = crate::ssh::Peer {
        user: prepare::ACCOUNT.to_string(),
        ..peer.clone()
    };
    // What enrolling will check, checked before anything changes there.
    crate::ssh::checked_fingerprint(&asked.fingerprint)?;
    computers::checked_name(&asked.name, &peer)?;
    computers::room_for(s.store, &computers::shown(&account))?;
    let data_dir = s.store.data_dir();
    let known = computers::pinned(data_dir, &peer)?;
    computers::trust(data_dir, &peer, &asked.fingerprint)?;
    let made = key(s)
        .agent(s.store, keychain, s.actor, now)
        .and_then(|agent| {
            let console = Console::new(agent, data_dir);
            let said = console.set_up(&peer, &package, &line);
            console.close(&peer);
            said
        })
        .and_then(|text| {
            serde_json::from_str::<prepare::Prepared>(text.trim()).map_err(|_| {
                crate::Error::new(
                    crate::ErrorCode::Io,
                    format!("{} installed the package but did not say it made the console's account.", peer.named()),
                    format!("On {}, run: sudo shipshape fleet prepare --key '{line}'; then add it as {}@{}.", peer.host, prepare::ACCOUNT, peer.host),
                )
            })
        });
    let made = match made {
        Ok(made) => made,
        Err(e) => {
            // Nothing kept: the host key pinned for it is forgotten and
            // the attempt logged; what failed is what is said, even when
            // these fail too.
            if !known {
                let _ = computers::forget(data_dir, &peer);
            }
            let details =
                serde_json::json!({ "version": package.version, "sha256": package.sha256 });
            let _ = crate::audit::append(
                s.store,
                now,
                s.actor,
                NewEntry::failed("fleet.setup", &computers::shown(&peer), &e.message, details),
            );
            return Err(e);
        }
    };
    let details = serde_json::json!({
        "version": package.version,
        "sha256": package.sha256,
        "account": made.account,
        "rule": made.rule,
    });
    crate::audit::append(
        s.store,
        now,
        s.actor,
        NewEntry::ok("fleet.setup", &computers::shown(&peer), details),
    )?;
    enrol(
        s,
        keychain,
        &computers::shown(&account),
        &asked.name,
        &asked.fingerprint,
        now,
    )
}

/// Enrols `address` once `confirmed` is the fingerprint it offers, then
/// checks it: a computer whose key line is not added yet is kept, with
/// what to do.
pub fn enrol(
    s: Session<'_>,
    keychain: &Keychain,
    address: &str,
    name: &str,
    confirmed: &str,
    now: DateTime<Utc>,
) -> Result<Computer> {
    key_line(s, keychain, now)?;
    let c = computers::enrol(
        s.store,
        s.store.data_dir(),
        address,
        name,
        confirmed,
        s.actor,
        now,
    )?;
    let checked = check(
        s,
        keychain,
        Some(std::slice::from_ref(&c.id)),
        now,
        &crate::progress::NoProgress,
        &Cancel::new(),
    )?;
    Ok(checked.into_iter().next().unwrap_or(c))
}

pub fn list(s: Session<'_>) -> Result<Vec<Computer>> {
    computers::list(s.store)
}

pub fn remove(s: Session<'_>, id: i64, now: DateTime<Utc>) -> Result<Computer> {
    computers::remove(s.store, s.store.data_dir(), id, s.actor, now)
}

/// Computer `id`'s report and what it counts, asked now; its report and
/// when it was seen are kept as a check keeps them.
pub fn details(
    s: Session<'_>,
    keychain: &Keychain,
    id: i64,
    now: DateTime<Utc>,
) -> Result<report::Details> {
    let mut c = computers::get(s.store, id)?;
    let agent = key(s).agent(s.store, keychain, s.actor, now)?;
    let console = Console::new(agent, s.store.data_dir());
    let answer = console.details(&c);
    if let Ok(peer) = c.peer() {
        console.close(&peer);
    }
    c.answered(answer.as_ref().map(|d| &d.report), now);
    computers::save_check(s.store, &c)?;
    answer
}

/// This computer's report and what it counts (`shipshape fleet details`).
pub fn details_here(s: Session<'_>, now: DateTime<Utc>) -> Result<report::Details> {
    report::details(s.store, s.actor, now)
}

/// This computer's own report (what `shipshape fleet report` prints).
pub fn report_here(s: Session<'_>, now: DateTime<Utc>) -> Result<Report> {
    report::here(s.store, s.actor, now)
}

/// Checks the computers `only` names (all when `None`) at once, one
/// thread each; each one's report, or why it could not be reached, is
/// kept with it. `progress` counts computers answered.
pub fn check(
    s: Session<'_>,
    keychain: &Keychain,
    only: Option<&[i64]>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Vec<Computer>> {
    let mut all = computers::list(s.store)?;
    if let Some(ids) = only {
        all.retain(|c| ids.contains(&c.id));
    }
    if all.is_empty() {
        return Ok(all);
    }
    cancel.check()?;
    let agent = key(s).agent(s.store, keychain, s.actor, now)?;
    let console = Console::new(agent, s.store.data_dir());
    let total = all.len() as u64;
    let done = AtomicU64::new(0);
    let answers: Vec<Result<Report>> = std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .iter()
            .map(|c| {
                let console = &console;
                let done = &done;
                scope.spawn(move || {
                    let answer = if cancel.is_cancelled() {
                        Err(crate::Error::new(
                            crate::ErrorCode::Cancelled,
                            "Not checked: the check was cancelled.",
                            "Check again.",
                        ))
                    } else {
                        console.report(c)
                    };
                    if let Ok(peer) = c.peer() {
                        console.close(&peer);
                    }
                    progress.report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    answer
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(crate::Error::internal(
                        "A computer's check stopped unexpectedly.",
                    ))
                })
            })
            .collect()
    });
    for (c, answer) in all.iter_mut().zip(answers) {
        c.answered(answer.as_ref(), now);
        computers::save_check(s.store, c)?;
    }
    Ok(all)
}

/// The other side of a roll-out: makes `change` on this computer (as root,
/// or through the helper) and says how it went. A package already at the
/// version its sources offer, or no security update waiting, is there
/// already; a failure is an answer too, with the run it left.
pub fn apply_here(s: Session<'_>, change: &Change, now: DateTime<Utc>) -> Result<Applied> {
    let mut answer = apply_change(s, change, now)?;
    if answer.outcome == Outcome::Done {
        // Its own gate: nothing went wrong in the system since it began.
        let since = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        answer.gates.push(crate::install::deploy::check(
            s.store,
            &crate::install::plan::Gate::NoNewJournalErrors,
            &since,
            Utc::now(),
        ));
    }
    Ok(answer)
}

fn apply_change(s: Session<'_>, change: &Change, now: DateTime<Utc>) -> Result<Applied> {
    let (progress, cancel) = (&crate::progress::NoProgress, &Cancel::new());
    let run = match change {
        // The console sends a plan change by change; `serve` never asks one whole.
        Change::Plan { .. } => {
            return Ok(Applied {
                outcome: Outcome::Failed,
                run: None,
                words: "A plan is carried out here change by change, as the console sends them."
                    .into(),
                gates: Vec::new(),
            });
        }
        Change::Package { name } => {
            match named::up_to_date(&Apt::this_computer(), name) {
                Ok(true) => {
                    return Ok(Applied {
                        outcome: Outcome::AlreadyThere,
                        run: None,
                        words: format!("{name} is installed at the version its sources offer."),
                        gates: Vec::new(),
                    });
                }
                Ok(false) => {}
                // Not offered here, apt not answering: this computer's failure, said.
                Err(e) => return Ok(applied(Err(e))),
            }
            let ask = PackageAsk {
                name: name.clone(),
                keep: Vec::new(),
            };
            super::install::package(s, ask, now, progress, cancel)
        }
        Change::File { path, sha256 } => {
            let deb = match crate::install::deb::read(std::path::Path::new(path)) {
                Ok(deb) => deb,
                Err(e) => return Ok(applied(Err(e))),
            };
            let installed = Apt::this_computer().installed(std::slice::from_ref(&deb.package))?;
            if installed.iter().any(|(name, version)| {
                name.split(':').next() == Some(deb.package.as_str()) && *version == deb.version
            }) {
                return Ok(Applied {
                    outcome: Outcome::AlreadyThere,
                    run: None,
                    words: format!("{} {} is installed already.", deb.package, deb.version),
                    gates: Vec::new(),
                });
            }
            let ask = crate::install::DebAsk {
                file: path.clone(),
                trust: crate::install::Trust::Digest {
                    algorithm: crate::verify::algorithm::Algorithm::Sha256,
                    hex: sha256.clone(),
                },
                allow_downgrade: false,
                keep: Vec::new(),
            };
            super::install::deb(s, ask, now, progress, cancel)
        }
        Change::SecurityUpdates => {
            let asked = super::updates::apply(s, Choice::Security, now, progress, cancel);
            if let Err(e) = &asked
                && e.code == crate::ErrorCode::NotFound
            {
                return Ok(Applied {
                    outcome: Outcome::AlreadyThere,
                    run: None,
                    words: e.message.clone(),
                    gates: Vec::new(),
                });
            }
            asked
        }
    };
    Ok(applied(run))
}

/// The other side of a roll-out of a package file: its bytes read from
/// `input` into a private folder of this account's (at most
/// `MOST_FILE_BYTES`), installed only when they have SHA-256 `sha256`, as
/// a file verified here would be; the copy is gone after.
pub fn apply_file_here(
    s: Session<'_>,
    sha256: &str,
    input: &mut dyn std::io::Read,
    now: DateTime<Utc>,
) -> Result<Applied> {
    use sha2::Digest;
    use std::io::{Read, Write};
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::Builder::new()
        .prefix("shipshape-rollout-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map_err(|e| crate::Error::io("create", &std::env::temp_dir(), &e))?;
    let path = folder.path().join("package.deb");
    let mut out =
        std::fs::File::create(&path).map_err(|e| crate::Error::io("create", &path, &e))?;
    let mut hash = sha2::Sha256::new();
    let mut limited = input.take(rollout::MOST_FILE_BYTES + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = limited
            .read(&mut buf)
            .map_err(|e| crate::Error::io("read", &path, &e))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hash.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(|e| crate::Error::io("write", &path, &e))?;
    }
    drop(out);
    let got = hex::encode(hash.finalize());
    if total > rollout::MOST_FILE_BYTES || got != sha256 {
        return Ok(Applied {
            outcome: Outcome::Failed,
            run: None,
            words: format!(
                "The package file arrived with SHA-256 {got} ({total} bytes), not {sha256}, so it was not installed."
            ),
            gates: Vec::new(),
        });
    }
    let change = Change::File {
        path: path.display().to_string(),
        sha256: sha256.to_string(),
    };
    apply_here(s, &change, now)
}

/// The other side of a plan's stage: checks its `gates` here for changes
/// begun at `since`.
pub fn gates_here(
    s: Session<'_>,
    gates: &[crate::install::plan::Gate],
    since: &str,
    now: DateTime<Utc>,
) -> Vec<crate::install::deploy::GateResult> {
    gates
        .iter()
        .map(|g| crate::install::deploy::check(s.store, g, since, now))
        .collect()
}

/// The other side of a rollback: undoes this computer's run `run`; one
/// undone already (a rollback asked again) is said to be back.
pub fn undo_here(s: Session<'_>, run: i64, now: DateTime<Utc>) -> Result<Applied> {
    if let Ok(done) = crate::maintain::updates::run_numbered(s.store, run)
        && let Some(by) = done.undone_by
    {
        return Ok(Applied {
            outcome: Outcome::Done,
            run: Some(by),
            words: format!("Run {run} was undone already, by run {by}."),
            gates: Vec::new(),
        });
    }
    Ok(applied(super::updates::undo(s, run, false, now)))
}

fn applied(run: Result<UpdateRun>) -> Applied {
    match run {
        Ok(run) => Applied {
            outcome: if run.outcome == RunOutcome::Done {
                Outcome::Done
            } else {
                Outcome::Failed
            },
            run: Some(run.id),
            words: run.message,
            gates: Vec::new(),
        },
        Err(e) => Applied {
            outcome: Outcome::Failed,
            run: None,
            words: format!("{} {}", e.message, e.hint),
            gates: Vec::new(),
        },
    }
}

/// The deployment plan saved as JSON at `path` (as Install writes and
/// reads them), as a roll-out's change.
pub fn plan_change(path: &std::path::Path) -> Result<Change> {
    const MOST: u64 = 1024 * 1024;
    let size = std::fs::metadata(path)
        .map_err(|e| crate::Error::io("read", path, &e))?
        .len();
    if size > MOST {
        return Err(crate::Error::invalid_input(
            format!(
                "{} is {size} bytes, more than a deployment plan ever is.",
                path.display()
            ),
            "Choose the plan's JSON file (shipshape plan show N --json writes one).",
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io("read", path, &e))?;
    Change::from_deployment(&crate::install::plan::Plan::from_json(&text)?)
}

pub fn rollouts(s: Session<'_>) -> Result<Vec<Rollout>> {
    rollout::list(s.store)
}

pub fn rollout_get(s: Session<'_>, id: i64) -> Result<Rollout> {
    rollout::get(s.store, id)
}

/// Plans a roll-out of `plan` over the enrolled computers and begins it.
pub fn rollout_start(
    s: Session<'_>,
    keychain: &Keychain,
    plan: RolloutPlan,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Rollout> {
    let mut r = Rollout::new(plan, &computers::list(s.store)?, &s.actor.user, now)?;
    files(&r.plan.change)?;
    rollout::save(s.store, now, s.actor, &mut r, "fleet.rollout.start")?;
    carry_on(s, keychain, r, None, now, progress, cancel)
}

/// Goes on with roll-out `id`: after its soak, with the administrator's
/// approval where the plan asks for it, trying unreachable computers
/// again.
pub fn rollout_continue(
    s: Session<'_>,
    keychain: &Keychain,
    id: i64,
    approve: bool,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Rollout> {
    let r = rollout::get(s.store, id)?;
    let by = approve.then_some(s.actor.user.as_str());
    carry_on(s, keychain, r, by, now, progress, cancel)
}

/// Goes on with every roll-out whose next step is due by itself (a soak
/// over, unreachable computers to try again, a ring the console stopped
/// in): what the app does while it is open, and `shipshape fleet rollout
/// continue --due` from a timer. Those it went on with; one that is busy
/// or fails is left for the next time, its reason in its record.
pub fn rollouts_due(
    s: Session<'_>,
    keychain: &Keychain,
    now: DateTime<Utc>,
    cancel: &Cancel,
) -> Result<Vec<Rollout>> {
    let mut moved = Vec::new();
    let retry = rollout::retry_wait();
    for r in rollout::list(s.store)?
        .into_iter()
        .filter(|r| r.due(now, retry))
    {
        cancel.check()?;
        let id = r.id;
        match carry_on(
            s,
            keychain,
            r,
            None,
            now,
            &crate::progress::NoProgress,
            cancel,
        ) {
            Ok(r) => moved.push(r),
            Err(e) if e.code == crate::ErrorCode::Cancelled => return Err(e),
            Err(_) => moved.push(rollout::get(s.store, id)?),
        }
    }
    Ok(moved)
}

/// Rings one after another while the roll-out may go on by itself.
fn carry_on(
    s: Session<'_>,
    keychain: &Keychain,
    mut r: Rollout,
    approve: Option<&str>,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Rollout> {
    let _turn = rollout::take_turn(s.store.data_dir())?;
    // Read again under the turn: another may have moved it meanwhile.
    if r.id > 0 {
        r = rollout::get(s.store, r.id)?;
    }
    let all = computers::list(s.store)?;
    let mut console = None;
    if r.soak_over(now) {
        // The gates again when the watch is over, before anything else
        // (approval included): the ring soaked is judged anew.
        let agent = key(s).agent(s.store, keychain, s.actor, now)?;
        let c = console.insert(Console::new(agent, s.store.data_dir()));
        if let Some(prev) = r.current.checked_sub(1) {
            recheck(c, &all, &mut r, prev, now);
        }
        if r.status == RolloutStatus::Halted {
            rollout::save(s.store, Utc::now(), s.actor, &mut r, "fleet.rollout.halt")?;
            return Ok(r);
        }
        r.end_soak(now);
        rollout::save(s.store, Utc::now(), s.actor, &mut r, "fleet.rollout.soaked")?;
    }
    r.may_go_on(approve, now)?;
    let console = match console {
        Some(c) => c,
        None => Console::new(
            key(s).agent(s.store, keychain, s.actor, now)?,
            s.store.data_dir(),
        ),
    };
    while matches!(
        r.status,
        RolloutStatus::Running | RolloutStatus::Unreachable
    ) && r.current < r.rings.len()
    {
        cancel.check()?;
        let ring = r.current;
        let name = r.rings[ring].name.clone();
        // Read and checked again for each ring: a file may have changed.
        let files = match files(&r.plan.change) {
            Ok(files) => files,
            Err(e) => {
                r.halt(
                    format!("Halted before the {name} ring: {} {}", e.message, e.hint),
                    Utc::now(),
                );
                rollout::save(s.store, Utc::now(), s.actor, &mut r, "fleet.rollout.halt")?;
                return Ok(r);
            }
        };
        r.step(true, format!("The {name} ring begins"), Utc::now());
        let office = Office {
            console: &console,
            all: &all,
        };
        carry_out_ring(s, &office, &mut r, ring, &files, progress, cancel)?;
        r.judge_ring(Utc::now());
        let action = if r.status == RolloutStatus::Halted {
            "fleet.rollout.halt"
        } else {
            "fleet.rollout.ring"
        };
        rollout::save(s.store, Utc::now(), s.actor, &mut r, action)?;
        if r.status != RolloutStatus::Running {
            break;
        }
    }
    Ok(r)
}

/// Carries out ring `ring` on its computers not yet done, at once.
/// The console at work and the computers it knows.
struct Office<'a> {
    console: &'a Console,
    all: &'a [Computer],
}

fn carry_out_ring(
    s: Session<'_>,
    office: &Office<'_>,
    r: &mut Rollout,
    ring: usize,
    files: &Files,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<()> {
    let change = r.plan.change.clone();
    let todo: Vec<usize> = r.rings[ring]
        .parts
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.state, PartState::Waiting | PartState::Unreachable))
        .map(|(i, _)| i)
        .collect();
    let total = todo.len() as u64;
    let done = AtomicU64::new(0);
    let parts: Vec<(usize, RolloutPart)> = std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .iter()
            .map(|i| {
                let mut part = r.rings[ring].parts[*i].clone();
                let (change, done) = (&change, &done);
                let computer = office.all.iter().find(|c| c.id == part.computer);
                scope.spawn(move || {
                    match computer {
                        None => {
                            part.state = PartState::Failed;
                            part.words = "It was taken off the list of computers.".into();
                        }
                        Some(_) if cancel.is_cancelled() => {}
                        Some(c) => carry_out_part(office.console, c, change, files, &mut part),
                    }
                    if let Ok(peer) = computer.map_or_else(
                        || Err(crate::Error::internal("no computer")),
                        Computer::peer,
                    ) {
                        office.console.close(&peer);
                    }
                    progress.report(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    (*i, part)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    for (i, part) in parts {
        let details = serde_json::json!({
            "rollout": r.id,
            "ring": r.rings[ring].name,
            "state": part.state,
            "run": part.run,
            "runs": part.runs,
            "words": part.words,
        });
        let entry = match part.state {
            PartState::Failed => {
                NewEntry::failed("fleet.rollout.part", &part.name, &part.words, details)
            }
            _ => NewEntry::ok("fleet.rollout.part", &part.name, details),
        };
        crate::audit::append(s.store, Utc::now(), s.actor, entry)?;
        r.step(
            part.state != PartState::Failed,
            format!("{}: {}", part.name, part.words),
            Utc::now(),
        );
        r.rings[ring].parts[i] = part;
    }
    Ok(())
}

/// The package files a roll-out sends, by path: read once on the console
/// for every computer of a ring.
type Files = Vec<(String, std::sync::Arc<[u8]>)>;

/// The package files of `change`, each read on the console and checked
/// against the SHA-256 the roll-out was given.
fn files(change: &Change) -> Result<Files> {
    let wanted = change.files();
    // Each computer's connection shares one copy; a plan's files together
    // are held at most as one file may be.
    let mut total: u64 = 0;
    for (path, _) in &wanted {
        let file = std::path::Path::new(path);
        total += std::fs::metadata(file)
            .map_err(|e| crate::Error::io("read", file, &e))?
            .len();
    }
    if wanted.len() > 1 && total > rollout::MOST_FILE_BYTES {
        return Err(crate::Error::invalid_input(
            format!(
                "The plan's package files come to {total} bytes together, more than a roll-out copies (256 MiB)."
            ),
            "Put the larger ones in a package source the computers use, and name them in the plan instead.",
        ));
    }
    wanted
        .into_iter()
        .map(|(path, sha256)| Ok((path.to_string(), file_bytes(path, sha256)?.into())))
        .collect()
}

fn file_bytes(path: &str, sha256: &str) -> Result<Vec<u8>> {
    use sha2::Digest;
    let file = std::path::Path::new(path);
    let size = std::fs::metadata(file)
        .map_err(|e| crate::Error::io("read", file, &e))?
        .len();
    if size > rollout::MOST_FILE_BYTES {
        return Err(crate::Error::invalid_input(
            format!("{path} is {size} bytes, more than a roll-out copies (256 MiB)."),
            "Put it in a package source the computers use, and roll it out by its name.",
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| crate::Error::io("read", file, &e))?;
    let got = hex::encode(sha2::Sha256::digest(&bytes));
    if got != sha256 {
        return Err(crate::Error::new(
            crate::ErrorCode::FileChanged,
            format!("{path} does not have the SHA-256 the roll-out was given: it has {got}."),
            "Check the file against its publisher's checksum (the Verify screen does), then start again with the right one.",
        ));
    }
    Ok(bytes)
}

/// One computer's part: its report before, the change, and the health
/// gates after (the change succeeded; the security score did not drop; no
/// new alert).
fn carry_out_part(
    console: &Console,
    c: &Computer,
    change: &Change,
    files: &Files,
    part: &mut RolloutPart,
) {
    let before = match console.report(c) {
        Ok(report) => report,
        Err(e) => {
            part.state = if e.code == crate::ErrorCode::NotNow {
                PartState::Unreachable
            } else {
                PartState::Failed
            };
            part.words = format!("{} {}", e.message, e.hint);
            return;
        }
    };
    part.score_before = before.score;
    part.alerts_before = Some(before.open_alerts);
    if let Change::Plan { gates, .. } = change {
        return carry_out_plan(console, c, change, gates, files, part);
    }
    let applied = match console.apply(c, change, file_of(change, files)) {
        Ok(a) => a,
        Err(e) => {
            part.state = PartState::Failed;
            part.words = format!("{} {}", e.message, e.hint);
            return;
        }
    };
    // A failed change was put back there: nothing of it to undo.
    part.run = applied.run.filter(|_| applied.outcome != Outcome::Failed);
    match applied.outcome {
        Outcome::AlreadyThere => {
            part.state = PartState::AlreadyThere;
            part.words = applied.words;
        }
        Outcome::Failed => {
            part.state = PartState::Failed;
            part.words = format!("The change failed there: {}", applied.words);
        }
        Outcome::Done => match applied.gates.iter().find(|g| !g.passed) {
            Some(g) => {
                part.state = PartState::Failed;
                part.words = format!(
                    "Changed ({}), but a health gate failed there: {}",
                    applied.words, g.words
                );
            }
            None => gates(console, c, part, &applied.words),
        },
    }
}

/// The bytes to send with `change`: a package file's, read on the console.
fn file_of(change: &Change, files: &Files) -> Option<std::sync::Arc<[u8]>> {
    let Change::File { path, .. } = change else {
        return None;
    };
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, b)| b.clone())
}

/// A plan's part on `c`: stage by stage, each change sent on its own,
/// then the plan's gates checked there before the next stage. A failure
/// puts back there what the plan installed there, newest first; what
/// could not be put back stays in the part for a rollback. At the end,
/// the roll-out's own gates (score, alerts) as for one change.
fn carry_out_plan(
    console: &Console,
    c: &Computer,
    change: &Change,
    plan_gates: &[crate::install::plan::Gate],
    files: &Files,
    part: &mut RolloutPart,
) {
    let since = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    part.began = Some(since.clone());
    let stages = change.stages();
    let mut runs: Vec<i64> = Vec::new();
    let mut said: Vec<String> = Vec::new();
    for (n, stage) in stages.iter().enumerate() {
        let stage_no = n + 1;
        for step in stage {
            let failed = match console.apply(c, step, file_of(step, files)) {
                Err(e) => Some(format!("{} {}", e.message, e.hint)),
                Ok(a) => {
                    if a.outcome == Outcome::Done
                        && let Some(run) = a.run
                    {
                        runs.push(run);
                    }
                    match (a.outcome, a.gates.iter().find(|g| !g.passed)) {
                        (Outcome::Failed, _) => Some(a.words),
                        (_, Some(g)) => {
                            Some(format!("{} but a health gate failed: {}", a.words, g.words))
                        }
                        _ => {
                            said.push(a.words);
                            None
                        }
                    }
                }
            };
            if let Some(why) = failed {
                let what = format!("Stage {stage_no}, {}, failed there: {why}", step.words());
                return put_back(console, c, runs, what, part);
            }
        }
        if !plan_gates.is_empty() {
            if let Some(why) = gate_failed(console, c, plan_gates, &since) {
                let what = format!("After stage {stage_no}, a health gate failed there: {why}");
                return put_back(console, c, runs, what, part);
            }
            said.push(format!("Stage {stage_no}: its health gates passed."));
        }
    }
    part.run = runs.last().copied();
    if runs.is_empty() {
        part.state = PartState::AlreadyThere;
        part.words = format!(
            "Everything in the plan was there already. {}",
            said.join(" ")
        );
        return;
    }
    part.runs = runs;
    gates(console, c, part, &said.join(" "));
}

/// Why the first of a plan's `gates` failed on `c` for changes begun at
/// `since` (or why they could not be checked); `None` when all passed.
fn gate_failed(
    console: &Console,
    c: &Computer,
    gates: &[crate::install::plan::Gate],
    since: &str,
) -> Option<String> {
    match console.gates(c, gates, since) {
        Err(e) => Some(format!("{} {}", e.message, e.hint)),
        Ok(results) => results.into_iter().find(|g| !g.passed).map(|g| g.words),
    }
}

/// Undoes `runs` on `c`, newest first, after `what` failed: the part
/// failed, keeping the runs that could not be undone.
fn put_back(
    console: &Console,
    c: &Computer,
    mut runs: Vec<i64>,
    what: String,
    part: &mut RolloutPart,
) {
    part.state = PartState::Failed;
    // Newest first, stopping at the first that cannot be undone: an older
    // stage is not taken away from under a newer one still there.
    while let Some(run) = runs.pop() {
        if !matches!(console.undo(c, run), Ok(a) if a.outcome == Outcome::Done) {
            runs.push(run);
            break;
        }
    }
    part.words = if runs.is_empty() {
        format!("{what} What the plan installed there was put back.")
    } else {
        format!("{what} Runs {runs:?} there could not be put back; a rollback tries again.")
    };
    part.run = runs.last().copied();
    part.runs = runs;
}

/// The health gates on `c` after its change, against its part's "before".
fn gates(console: &Console, c: &Computer, part: &mut RolloutPart, done: &str) {
    match console.report(c) {
        Err(e) => {
            part.state = PartState::Failed;
            part.words = format!(
                "Changed ({done}), but it did not answer after: {}",
                e.message
            );
        }
        Ok(after) => {
            let mut bad = Vec::new();
            if let (Some(b), Some(a)) = (part.score_before, after.score)
                && a < b
            {
                bad.push(format!("its security score dropped from {b} to {a}"));
            }
            if let Some(b) = part.alerts_before
                && after.open_alerts > b
            {
                bad.push(format!("{} new alert(s)", after.open_alerts - b));
            }
            if bad.is_empty() {
                part.state = PartState::Done;
                part.words = format!(
                    "{done} Healthy after: security score {}, no new alert.",
                    after.score.map_or("unknown".into(), |n| n.to_string())
                );
            } else {
                part.state = PartState::Failed;
                part.words = format!(
                    "Changed ({done}), but a health gate failed: {}.",
                    bad.join(" and ")
                );
            }
        }
    }
}

/// Ring `ring`'s computers done are checked again after the soak; a ring
/// whose failures now pass the threshold halts the roll-out.
fn recheck(console: &Console, all: &[Computer], r: &mut Rollout, ring: usize, now: DateTime<Utc>) {
    for part in r.rings[ring]
        .parts
        .iter_mut()
        .filter(|p| p.state == PartState::Done)
    {
        if let Some(c) = all.iter().find(|c| c.id == part.computer) {
            gates(console, c, part, "After the soak:");
            if let Change::Plan { gates: asked, .. } = &r.plan.change
                && !asked.is_empty()
                && part.state == PartState::Done
            {
                let since = part.began.clone().unwrap_or_else(|| r.started.clone());
                if let Some(why) = gate_failed(console, c, asked, &since) {
                    part.state = PartState::Failed;
                    part.words =
                        format!("After the soak, a health gate of the plan failed there: {why}");
                }
            }
        }
    }
    let (total, failed) = (
        r.rings[ring].parts.len(),
        r.rings[ring]
            .parts
            .iter()
            .filter(|p| p.state == PartState::Failed)
            .count(),
    );
    if failed * 100 > total * usize::from(r.plan.halt_percent) {
        let name = r.rings[ring].name.clone();
        r.halt(
            format!("Halted after the soak: {failed} of {total} computers in the {name} ring failed their health gates."),
            now,
        );
    }
}

/// Undoes `runs` (newest first) on `c` for a rollback: the part rolled
/// back when every one is; those left stay for the next rollback.
fn undo_all(
    console: &Console,
    c: &Computer,
    part: &mut RolloutPart,
    runs: &[i64],
) -> (bool, String) {
    let mut said = Vec::new();
    for (n, run) in runs.iter().enumerate() {
        let failed = match console.undo(c, *run) {
            Ok(a) if a.outcome == Outcome::Done => {
                said.push(format!("run {run} there undone: {}", a.words));
                None
            }
            Ok(a) => Some(a.words),
            Err(e) => Some(format!("{} {}", e.message, e.hint)),
        };
        if let Some(why) = failed {
            // Those not undone yet stay, oldest first, for the next try.
            let mut left: Vec<i64> = runs[n..].to_vec();
            left.reverse();
            part.run = left.last().copied();
            if !part.runs.is_empty() {
                part.runs = left;
            }
            return (false, format!("Could not be rolled back: {why}"));
        }
    }
    part.state = PartState::RolledBack;
    (true, format!("Rolled back ({}).", said.join("; ")))
}

/// Takes roll-out `id` back on every computer it changed, newest ring
/// first; a computer that cannot be reached keeps its part, to be tried
/// again.
pub fn rollout_rollback(
    s: Session<'_>,
    keychain: &Keychain,
    id: i64,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Rollout> {
    let _turn = rollout::take_turn(s.store.data_dir())?;
    let mut r = rollout::get(s.store, id)?;
    if matches!(r.status, RolloutStatus::RolledBack) {
        return Err(crate::Error::new(
            crate::ErrorCode::Conflict,
            format!("Roll-out {id} was rolled back already."),
            "Nothing needs doing.",
        ));
    }
    let agent = key(s).agent(s.store, keychain, s.actor, now)?;
    let console = Console::new(agent, s.store.data_dir());
    let all = computers::list(s.store)?;
    let changed: Vec<(usize, usize)> = (0..r.rings.len())
        .rev()
        .flat_map(|g| {
            let parts = &r.rings[g].parts;
            (0..parts.len())
                .filter(move |i| parts[*i].changed())
                .map(move |i| (g, i))
        })
        .collect();
    let total = changed.len() as u64;
    r.status = RolloutStatus::Halted;
    r.step(true, "Rollback begins", now);
    for (n, (g, i)) in changed.into_iter().enumerate() {
        // Stopped between computers: what was done is kept below.
        if cancel.is_cancelled() {
            break;
        }
        let part = &mut r.rings[g].parts[i];
        let Some(c) = all.iter().find(|c| c.id == part.computer) else {
            continue;
        };
        let runs = part.to_undo();
        let run = runs.first().copied().unwrap_or_default();
        let (ok, words) = undo_all(&console, c, part, &runs);
        if let Ok(peer) = c.peer() {
            console.close(&peer);
        }
        part.words = words.clone();
        let name = part.name.clone();
        let details =
            serde_json::json!({ "rollout": r.id, "run": run, "runs": runs, "words": words });
        let entry = if ok {
            NewEntry::ok("fleet.rollout.rollback", &name, details)
        } else {
            NewEntry::failed("fleet.rollout.rollback", &name, &words, details)
        };
        crate::audit::append(s.store, Utc::now(), s.actor, entry)?;
        r.step(ok, format!("{name}: {words}"), Utc::now());
        progress.report(n as u64 + 1, total);
    }
    r.judge_rollback(Utc::now());
    rollout::save(
        s.store,
        Utc::now(),
        s.actor,
        &mut r,
        "fleet.rollout.rollback",
    )?;
    Ok(r)
}

/// Writes `plan` over the enrolled computers as an Ansible inventory and
/// playbook into `folder`; noted in the activity log.
pub fn export_ansible(
    s: Session<'_>,
    plan: RolloutPlan,
    folder: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<ansible::Export> {
    let all = computers::list(s.store)?;
    let known = ansible::known_hosts_text(s.store.data_dir());
    let e = ansible::export(&all, &known, plan, folder, &s.actor.user)?;
    crate::audit::append(
        s.store,
        now,
        s.actor,
        NewEntry::ok(
            "fleet.export_ansible",
            &e.folder,
            serde_json::json!({ "computers": e.computers, "serial": e.serial }),
        ),
    )?;
    Ok(e)
}
