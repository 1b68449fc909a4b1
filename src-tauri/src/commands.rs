//! Tauri commands: parse input, call core, map the result. Errors cross as
//! core's `{ code, message, hint }`.

use crate::dialog::SaveAs;
use crate::jobs::Throttled;
use crate::state::AppState;
use shipshape_core::admin;
use shipshape_core::admin::public::AdminPage;
use shipshape_core::api::backup::{RecoverySheet, RestoreWhere, Restored};
use shipshape_core::api::schedule::Change as ScheduleChange;
use shipshape_core::api::{self, Session};
use shipshape_core::audit::{self, Actor, ExportFormat, ExportSummary, Filter, Page, Verdict};
use shipshape_core::backup::board::BackupBoard;
use shipshape_core::backup::browse::Entry;
use shipshape_core::backup::estimate::Estimate;
use shipshape_core::backup::remote::HostKey;
use shipshape_core::backup::rest::Server as BackupServer;
use shipshape_core::backup::{BackupRun, Plan, Repository};
use shipshape_core::computer::{self, ComputerFacts};
use shipshape_core::fleet::ansible::Export as AnsibleExport;
use shipshape_core::fleet::computers::{Computer as FleetComputer, Enrolment};
use shipshape_core::fleet::report::Details as FleetDetails;
use shipshape_core::fleet::rollout::{Rollout, RolloutPlan};
use shipshape_core::fleet::setup::SetUp;
use shipshape_core::govern::access::Inventory as AccessInventory;
use shipshape_core::govern::eol::EolSource;
use shipshape_core::govern::inventory::Inventory as SoftwareInventory;
use shipshape_core::govern::retire::RetirePreview;
use shipshape_core::govern::review::{self, Decision, Review};
use shipshape_core::govern::tickets::{LinkKind, Move, NewTicket, Ticket};
use shipshape_core::harden::accepted::{self, Acceptance};
use shipshape_core::harden::fix::change::Change;
use shipshape_core::harden::fix::{self, Preview};
use shipshape_core::harden::history::PastScan;
use shipshape_core::harden::report::{ReportFormat, ReportSummary};
use shipshape_core::harden::{self, Scan};
use shipshape_core::health::alerts::{self, Alert, Rule, RuleChange, RuleKind};
use shipshape_core::health::baseline::BaselineDiff;
use shipshape_core::health::history::History;
use shipshape_core::health::watch::{self, Overview};
use shipshape_core::install::deploy::{self, Deployment};
use shipshape_core::install::named::{Found, PackageAsk, PackagePreview};
use shipshape_core::install::plan::Plan as DeploymentPlan;
use shipshape_core::install::program::{ProgramAsk, ProgramPreview};
use shipshape_core::install::record::RecordSaved;
use shipshape_core::install::{DebAsk, DebPreview};
use shipshape_core::maintain::jobs::{JobStatus, ScheduledRun};
use shipshape_core::maintain::notify::Settings as NoticeSettings;
use shipshape_core::maintain::updates::{Choice, UpdateRun, Waiting};
use shipshape_core::progress::{Cancel, JobProgress};
use shipshape_core::store::StoreStatus;
use shipshape_core::vault::{
    self, CheckReport, Credential, Details, Recipe, Secret, Strength, Use, Vault,
};
use shipshape_core::verify::history::{self, PastVerification};
use shipshape_core::verify::publishers::{self, PinPreview, Publisher};
use shipshape_core::verify::request::{self, Suggestions, VerifyRequest};
use shipshape_core::verify::verdict::FileVerdict;
use shipshape_core::{Error, ErrorCode};
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State, WebviewWindow};

fn blocking_failed(e: impl std::fmt::Display) -> Error {
    Error::internal(format!("A background task failed: {e}"))
}

#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> StoreStatus {
    state.status()
}

#[tauri::command]
pub async fn computer_facts() -> Result<ComputerFacts, Error> {
    tauri::async_runtime::spawn_blocking(computer::read)
        .await
        .map_err(blocking_failed)?
}

/// A page of the user's activity, newest first, older than entry `before`.
#[tauri::command]
pub async fn audit_page(
    state: State<'_, AppState>,
    filter: Filter,
    before: Option<u32>,
) -> Result<Page, Error> {
    with_store(state, move |store| audit::page(store, &filter, before)).await
}

/// A page of what was done with administrator rights, from root's
/// published log; `None` before the first such change.
#[tauri::command]
pub async fn admin_activity(
    filter: Filter,
    before: Option<u32>,
) -> Result<Option<AdminPage>, Error> {
    tauri::async_runtime::spawn_blocking(move || api::records::admin_page(&filter, before))
        .await
        .map_err(blocking_failed)?
}

/// A typed export path: given, and absolute (the app's working folder means
/// nothing to the user).
fn export_path(typed: &str, example: &str) -> Result<PathBuf, Error> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::invalid_input(
            "No file was given to export to.",
            format!("Choose a file, or type a full path such as /home/you/{example}."),
        ));
    }
    let path = PathBuf::from(typed);
    if !path.is_absolute() {
        return Err(Error::invalid_input(
            format!("{} is not a full path.", path.display()),
            format!("Type a path that starts with /, such as /home/you/{example}."),
        ));
    }
    Ok(path)
}

#[tauri::command(async)]
pub fn audit_export(
    state: State<'_, AppState>,
    filter: Filter,
    format: ExportFormat,
    path: String,
) -> Result<ExportSummary, Error> {
    let path = export_path(&path, "activity.csv")?;
    audit::export(
        &*state.store()?,
        chrono::Utc::now(),
        &state.actor,
        &filter,
        format,
        &path,
    )
}

/// Opens the native save dialog; `None` when the user closed it.
#[tauri::command]
pub async fn choose_export_file(
    app: AppHandle,
    window: WebviewWindow,
    format: ExportFormat,
) -> Result<Option<String>, Error> {
    let name = format!(
        "shipshape-activity-{}.{}",
        chrono::Utc::now().format("%Y-%m-%d"),
        format.as_str()
    );
    let save_as = SaveAs {
        title: "Export activity",
        label: match format {
            ExportFormat::Csv => "Spreadsheet (CSV)",
            ExportFormat::Json => "JSON",
        },
        extension: format.as_str(),
    };
    let chosen = crate::dialog::choose_save_path(app, window, save_as, name).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// Checks the whole hash chain as job `job`, with progress and cancel.
#[tauri::command]
pub async fn verify_audit_log(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Verdict, Error> {
    let guard = state.jobs.start(&job)?;
    let cancel = guard.cancel.clone();
    let store = state.open_second_store()?;
    let result = tauri::async_runtime::spawn_blocking(move || {
        audit::verify(&store, &Throttled::new(progress), &cancel)
    })
    .await
    .map_err(blocking_failed)?;
    drop(guard);
    result
}

#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job: String) -> Result<(), Error> {
    match state.jobs.cancel(&job) {
        // Finished between the click and the call: nothing left to stop.
        Err(e) if e.code == ErrorCode::NotFound => Ok(()),
        other => other,
    }
}

/// Checks a download as job `job`, with progress and cancel; the verdict is
/// kept in the history and the audit log.
#[tauri::command]
pub async fn verify_file(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    request: VerifyRequest,
) -> Result<FileVerdict, Error> {
    let guard = state.jobs.start(&job)?;
    let cancel = guard.cancel.clone();
    let store = state.open_second_store()?;
    let actor = state.actor.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        request::run(
            &store,
            &actor,
            chrono::Utc::now(),
            &request,
            &Throttled::new(progress),
            &cancel,
        )
    })
    .await
    .map_err(blocking_failed)?;
    drop(guard);
    result
}

#[tauri::command]
pub async fn verify_suggestions(file: String) -> Result<Suggestions, Error> {
    tauri::async_runtime::spawn_blocking(move || request::suggest(std::path::Path::new(&file)))
        .await
        .map_err(blocking_failed)?
}

#[tauri::command(async)]
pub fn verify_history(state: State<'_, AppState>) -> Result<Vec<PastVerification>, Error> {
    history::recent(&*state.store()?, 50)
}

/// Opens the native file chooser; `None` when the user closed it.
#[tauri::command]
pub async fn choose_file(
    app: AppHandle,
    window: WebviewWindow,
    title: String,
) -> Result<Option<String>, Error> {
    let chosen = crate::dialog::choose_open_path(app, window, title).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

#[tauri::command(async)]
pub fn publishers_list(state: State<'_, AppState>) -> Result<Vec<Publisher>, Error> {
    publishers::list(&*state.store()?)
}

fn read_key_file(path: &str) -> Result<Vec<u8>, Error> {
    let path = std::path::Path::new(path);
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read the key file", path, &e))?;
    if !meta.is_file() || meta.len() > 16 << 20 {
        return Err(Error::invalid_input(
            format!("{} is not a key file.", path.display()),
            "Choose the publisher's public key file (often ending in .asc or .gpg).",
        ));
    }
    std::fs::read(path).map_err(|e| Error::io("read the key file", path, &e))
}

/// Shows the key's fingerprint before anything is pinned.
#[tauri::command(async)]
pub fn publisher_preview(
    state: State<'_, AppState>,
    name: String,
    key_file: String,
) -> Result<PinPreview, Error> {
    publishers::preview(&*state.store()?, &name, &read_key_file(&key_file)?)
}

#[tauri::command(async)]
pub fn publisher_pin(
    state: State<'_, AppState>,
    name: String,
    key_file: String,
    replace: bool,
) -> Result<Publisher, Error> {
    let key = read_key_file(&key_file)?;
    publishers::add(
        &*state.store()?,
        chrono::Utc::now(),
        &state.actor,
        &name,
        &key,
        replace,
    )
}

#[tauri::command(async)]
pub fn publisher_remove(state: State<'_, AppState>, name: String) -> Result<(), Error> {
    publishers::remove(&*state.store()?, chrono::Utc::now(), &state.actor, &name)
}

/// Runs `work` with a store connection and the keychain off the main
/// thread: keychain calls wait on D-Bus, and a prompt may be showing.
async fn with_vault<T: Send + 'static>(
    state: State<'_, AppState>,
    work: impl FnOnce(&Vault<'_>) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let store = state.open_second_store()?;
    let keychain = state.keychain()?;
    let actor = state.actor.clone();
    tauri::async_runtime::spawn_blocking(move || work(&Vault::new(&store, &keychain, &actor)))
        .await
        .map_err(blocking_failed)?
}

#[tauri::command(async)]
pub fn vault_list(state: State<'_, AppState>) -> Result<Vec<Credential>, Error> {
    vault::list(&*state.store()?, chrono::Utc::now())
}

/// The start-up check's repairs (once) and a fresh check's.
#[tauri::command]
pub async fn vault_check(state: State<'_, AppState>) -> Result<CheckReport, Error> {
    let mut report = state.take_startup_repairs();
    let now = with_vault(state, |v| v.check(chrono::Utc::now())).await?;
    report.restored.extend(now.restored);
    report.removed.extend(now.removed);
    Ok(report)
}

#[tauri::command]
pub async fn vault_add(
    state: State<'_, AppState>,
    details: Details,
    secret: String,
) -> Result<Credential, Error> {
    let secret = Secret::new(secret)?;
    with_vault(state, move |v| v.add(chrono::Utc::now(), details, &secret)).await
}

#[tauri::command]
pub async fn vault_edit(
    state: State<'_, AppState>,
    id: String,
    details: Details,
) -> Result<Credential, Error> {
    with_vault(state, move |v| v.edit(chrono::Utc::now(), &id, details)).await
}

/// The one command that returns a secret: the user clicked Reveal.
#[tauri::command]
pub async fn vault_reveal(state: State<'_, AppState>, id: String) -> Result<String, Error> {
    let secret = with_vault(state, move |v| {
        v.secret(chrono::Utc::now(), &id, Use::Reveal)
    })
    .await?;
    Ok(secret.expose().to_owned())
}

#[tauri::command]
pub async fn vault_copy(state: State<'_, AppState>, id: String) -> Result<(), Error> {
    let secret = with_vault(state.clone(), move |v| {
        v.secret(chrono::Utc::now(), &id, Use::Copy)
    })
    .await?;
    state.clipboard.copy(&secret).map(|_| ())
}

#[tauri::command]
pub async fn vault_rotate(
    state: State<'_, AppState>,
    id: String,
    secret: String,
) -> Result<Credential, Error> {
    let secret = Secret::new(secret)?;
    with_vault(state, move |v| v.rotate(chrono::Utc::now(), &id, &secret)).await
}

#[tauri::command]
pub async fn vault_delete(state: State<'_, AppState>, id: String) -> Result<(), Error> {
    with_vault(state, move |v| v.remove(chrono::Utc::now(), &id)).await
}

#[tauri::command]
pub fn vault_generate(recipe: Recipe) -> Result<String, Error> {
    vault::generate(&recipe).map(|s| s.expose().to_owned())
}

/// An empty field has no strength to show; any other text is estimated as
/// typed, before the rules for storing it apply.
#[tauri::command(async)]
pub fn vault_strength(secret: String, context: Vec<String>) -> Result<Strength, Error> {
    let secret = Secret::new(secret)?;
    let context: Vec<&str> = context.iter().map(String::as_str).collect();
    Ok(vault::strength(&secret, &context))
}

/// Runs `work` with a second store connection on a blocking thread.
async fn with_store<T: Send + 'static>(
    state: State<'_, AppState>,
    work: impl FnOnce(&shipshape_core::store::Store) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let store = state.open_second_store()?;
    tauri::async_runtime::spawn_blocking(move || work(&store))
        .await
        .map_err(blocking_failed)?
}

/// `with_store`, for work that records as the app's user.
async fn with_session<T: Send + 'static>(
    state: State<'_, AppState>,
    work: impl FnOnce(Session<'_>) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let actor = state.actor.clone();
    with_store(state, move |store| {
        work(Session {
            store,
            actor: &actor,
        })
    })
    .await
}

/// Runs `work` as job `job` off the main thread, with the user's session,
/// its progress sent to `progress` and the job's Cancel.
async fn session_job<T: Send + 'static>(
    state: State<'_, AppState>,
    job: &str,
    progress: Channel<JobProgress>,
    work: impl FnOnce(Session<'_>, &Throttled, &Cancel) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let actor = state.actor.clone();
    let store = state.open_second_store()?;
    background_job(state, job, progress, move |progress, cancel| {
        let session = Session {
            store: &store,
            actor: &actor,
        };
        work(session, progress, cancel)
    })
    .await
}

/// Off the main thread, which is busy drawing the window at start.
#[tauri::command]
pub async fn health_overview(state: State<'_, AppState>) -> Result<Overview, Error> {
    let anomalies = state.anomalies();
    with_store(state, move |store| {
        watch::overview(store, &anomalies, chrono::Utc::now())
    })
    .await
}

/// The last `hours` hours of history.
#[tauri::command]
pub async fn health_history(state: State<'_, AppState>, hours: u32) -> Result<History, Error> {
    if !(1..=24 * 30).contains(&hours) {
        return Err(Error::invalid_input(
            format!("{hours} hours of history is not kept."),
            "Choose from 1 hour to 30 days.",
        ));
    }
    let to = chrono::Utc::now();
    let from = to - chrono::Duration::hours(i64::from(hours));
    with_store(state, move |store| {
        shipshape_core::health::history::series(store, from, to)
    })
    .await
}

#[tauri::command(async)]
pub fn alerts_recent(state: State<'_, AppState>) -> Result<Vec<Alert>, Error> {
    alerts::recent(&*state.store()?, 50)
}

#[tauri::command(async)]
pub fn alert_acknowledge(state: State<'_, AppState>, id: i64) -> Result<Alert, Error> {
    alerts::acknowledge(&*state.store()?, chrono::Utc::now(), &state.actor, id)
}

#[tauri::command(async)]
pub fn alert_rules(state: State<'_, AppState>) -> Result<Vec<Rule>, Error> {
    alerts::rules(&*state.store()?)
}

#[tauri::command(async)]
pub fn alert_rule_set(
    state: State<'_, AppState>,
    kind: RuleKind,
    change: RuleChange,
) -> Result<Rule, Error> {
    alerts::set_rule(
        &*state.store()?,
        chrono::Utc::now(),
        &state.actor,
        kind,
        &change,
    )
}

/// Compares this computer with the accepted baseline (about a second).
#[tauri::command]
pub async fn baseline_check(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<BaselineDiff>, Error> {
    with_store(state, move |store| {
        app.state::<AppState>().compare_baseline(store)
    })
    .await
}

#[tauri::command]
pub async fn baseline_accept(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<BaselineDiff, Error> {
    with_store(state, move |store| {
        app.state::<AppState>().accept_baseline(store)
    })
    .await
}

/// Scans this computer (about a second) and keeps the result, with
/// progress and Cancel like any long task.
#[tauri::command]
pub async fn security_scan(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Scan, Error> {
    let root = admin::this_computer();
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::security::scan(session, &root, None, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// The latest full scan, to show at once; `None` before the first.
#[tauri::command]
pub async fn security_latest(state: State<'_, AppState>) -> Result<Option<Scan>, Error> {
    with_store(state, |store| {
        harden::history::latest(store, chrono::Utc::now())
    })
    .await
}

/// Past scans, newest first, for the score's trend.
#[tauri::command(async)]
pub fn security_history(state: State<'_, AppState>) -> Result<Vec<PastScan>, Error> {
    harden::history::history(&*state.store()?, 60)
}

#[tauri::command(async)]
pub fn security_report(
    state: State<'_, AppState>,
    format: ReportFormat,
    path: String,
) -> Result<ReportSummary, Error> {
    let path = export_path(&path, "security-report.html")?;
    harden::report::export(
        &*state.store()?,
        chrono::Utc::now(),
        &state.actor,
        format,
        &path,
    )
}

/// What fixing `check_id` would change; nothing is changed. When a file
/// the fix reads is root's alone, the helper previews it (pkexec asks for
/// the administrator's password).
#[tauri::command]
pub async fn security_fix_preview(check_id: String) -> Result<Preview, Error> {
    tauri::async_runtime::spawn_blocking(move || {
        api::fixes::preview(&admin::this_computer(), &check_id, chrono::Utc::now())
    })
    .await
    .map_err(blocking_failed)?
}

/// Installs the package the fix for `check_id` needs (ufw for the
/// firewall) and previews the fix again: through pkexec and the helper
/// when not root.
#[tauri::command]
pub async fn security_fix_install(
    state: State<'_, AppState>,
    check_id: String,
) -> Result<api::fixes::Installed, Error> {
    with_session(state, move |session| {
        api::fixes::install_and_preview(
            session,
            &admin::this_computer(),
            &check_id,
            chrono::Utc::now(),
        )
    })
    .await
}

/// Fixes `check_id` as previewed in `seen`: through pkexec and the helper
/// when this computer needs administrator rights.
#[tauri::command]
pub async fn security_fix(
    state: State<'_, AppState>,
    check_id: String,
    seen: Preview,
) -> Result<fix::FixOutcome, Error> {
    let actor = state.actor.clone();
    with_store(state, move |store| {
        let session = Session {
            store,
            actor: &actor,
        };
        let root = admin::this_computer();
        api::fixes::apply(
            session,
            &root,
            &check_id,
            &seen.digest(),
            chrono::Utc::now(),
        )
    })
    .await
}

/// Turns back change `change` (a fix, or an undo).
#[tauri::command]
pub async fn security_undo(
    state: State<'_, AppState>,
    change: i64,
) -> Result<fix::FixOutcome, Error> {
    let actor = state.actor.clone();
    with_store(state, move |store| {
        let session = Session {
            store,
            actor: &actor,
        };
        api::fixes::undo(session, change, chrono::Utc::now())
    })
    .await
}

/// The changes made by fixes and undos, newest first.
#[tauri::command(async)]
pub fn security_changes(state: State<'_, AppState>) -> Result<Vec<Change>, Error> {
    api::fixes::changes(&*state.store()?, 50)
}

#[tauri::command(async)]
pub fn security_accept(
    state: State<'_, AppState>,
    check_id: String,
    reason: String,
    until: String,
) -> Result<Acceptance, Error> {
    accepted::accept(
        &*state.store()?,
        &check_id,
        &reason,
        &until,
        &state.actor,
        chrono::Utc::now(),
    )
}

#[tauri::command(async)]
pub fn security_withdraw(state: State<'_, AppState>, check_id: String) -> Result<(), Error> {
    accepted::withdraw(
        &*state.store()?,
        &check_id,
        &state.actor,
        chrono::Utc::now(),
    )
}

/// Every accepted risk, expired ones too.
#[tauri::command(async)]
pub fn security_accepted(state: State<'_, AppState>) -> Result<Vec<Acceptance>, Error> {
    accepted::list(&*state.store()?)
}

/// Opens the native save dialog for a report; `None` when the user closed it.
#[tauri::command]
pub async fn choose_report_file(
    app: AppHandle,
    window: WebviewWindow,
    format: ReportFormat,
) -> Result<Option<String>, Error> {
    let (label, extension) = match format {
        ReportFormat::Html => ("Web page (HTML)", "html"),
        ReportFormat::Json => ("JSON", "json"),
        ReportFormat::Csv => ("Spreadsheet (CSV)", "csv"),
    };
    let save_as = SaveAs {
        title: "Save the security report",
        label,
        extension,
    };
    let name = format!(
        "shipshape-security-{}.{extension}",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let chosen = crate::dialog::choose_save_path(app, window, save_as, name).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// The waiting updates, security first; `refresh` downloads fresh package
/// lists first (with the administrator's password).
#[tauri::command]
pub async fn updates_check(state: State<'_, AppState>, refresh: bool) -> Result<Waiting, Error> {
    with_session(state, move |session| {
        api::updates::check(session, refresh, chrono::Utc::now())
    })
    .await
}

/// Installs updates: a job with progress, cancellable until the package
/// manager starts.
#[tauri::command]
pub async fn updates_apply(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    choice: Choice,
) -> Result<UpdateRun, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::updates::apply(session, choice, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Every update run, newest first.
#[tauri::command]
pub async fn updates_history(state: State<'_, AppState>) -> Result<Vec<UpdateRun>, Error> {
    with_session(state, api::updates::history).await
}

/// Puts back the versions run `run` replaced, and holds them; with
/// `config`, the configuration files it changed too.
#[tauri::command]
pub async fn updates_undo(
    state: State<'_, AppState>,
    run: i64,
    config: bool,
) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::updates::undo(session, run, config, chrono::Utc::now())
    })
    .await
}

/// Finishes an interrupted installation.
#[tauri::command]
pub async fn updates_repair(state: State<'_, AppState>) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::updates::repair(session, chrono::Utc::now())
    })
    .await
}

/// What installing a package file would change, as job `job` (the file
/// is hashed, with progress and cancel); nothing changes.
#[tauri::command]
pub async fn install_preview(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: DebAsk,
) -> Result<DebPreview, Error> {
    background_job(state, &job, progress, move |progress, cancel| {
        api::install::preview(ask, progress, cancel)
    })
    .await
}

/// Runs `work` off the main thread as job `job`, its progress sent to
/// `progress` and the job's Cancel.
async fn background_job<T: Send + 'static>(
    state: State<'_, AppState>,
    job: &str,
    progress: Channel<JobProgress>,
    work: impl FnOnce(&Throttled, &Cancel) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let guard = state.jobs.start(job)?;
    let cancel = guard.cancel.clone();
    let result =
        tauri::async_runtime::spawn_blocking(move || work(&Throttled::new(progress), &cancel))
            .await
            .map_err(blocking_failed)?;
    drop(guard);
    result
}

/// Installs a package file (asks for the password): a job with progress,
/// cancellable until the package manager starts. A failed installation
/// is rolled back and answered as a run with outcome `failed`.
#[tauri::command]
pub async fn install_deb(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: DebAsk,
) -> Result<UpdateRun, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::install::deb(session, ask, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// The packages of this computer's package sources whose names contain
/// `word`.
#[tauri::command]
pub async fn install_search(word: String) -> Result<Vec<Found>, Error> {
    tauri::async_runtime::spawn_blocking(move || api::install::search(&word))
        .await
        .map_err(blocking_failed)?
}

/// What installing a package by name from this computer's sources would
/// change, as job `job` (the package is downloaded to read it); nothing
/// changes.
#[tauri::command]
pub async fn install_package_preview(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: PackageAsk,
) -> Result<PackagePreview, Error> {
    background_job(state, &job, progress, move |progress, cancel| {
        api::install::package_preview(ask, progress, cancel)
    })
    .await
}

/// Installs a package by name from this computer's sources (asks for the
/// password), as `install_deb` does a package file.
#[tauri::command]
pub async fn install_package(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: PackageAsk,
) -> Result<UpdateRun, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::install::package(session, ask, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// What installing a tarball or an AppImage into /opt would do, as job
/// `job` (the file is hashed and read); nothing changes.
#[tauri::command]
pub async fn install_program_preview(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: ProgramAsk,
) -> Result<ProgramPreview, Error> {
    background_job(state, &job, progress, move |progress, cancel| {
        api::install::program_preview(ask, progress, cancel)
    })
    .await
}

/// Installs a tarball or an AppImage into /opt (asks for the password),
/// as `install_deb` does a package file.
#[tauri::command]
pub async fn install_program(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    ask: ProgramAsk,
) -> Result<UpdateRun, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::install::program(session, ask, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Saves installation `run`'s change record at `path`.
#[tauri::command]
pub async fn install_record(
    state: State<'_, AppState>,
    run: i64,
    format: ReportFormat,
    path: String,
) -> Result<RecordSaved, Error> {
    let path = export_path(&path, "installation-record.html")?;
    with_session(state, move |session| {
        api::install::record(session, run, format, &path, chrono::Utc::now())
    })
    .await
}

/// Asks where to save an installation's change record.
#[tauri::command]
pub async fn choose_record_file(
    app: AppHandle,
    window: WebviewWindow,
    format: ReportFormat,
    run: i64,
    deployment: bool,
) -> Result<Option<String>, Error> {
    let (label, extension) = match format {
        ReportFormat::Json => ("JSON", "json"),
        _ => ("Web page (HTML)", "html"),
    };
    let (title, what) = if deployment {
        ("Save the deployment's record", "deployment")
    } else {
        ("Save the installation's record", "installation")
    };
    let save_as = SaveAs {
        title,
        label,
        extension,
    };
    let name = format!("shipshape-{what}-{run}.{extension}");
    let chosen = crate::dialog::choose_save_path(app, window, save_as, name).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// Puts another installed version of a program in /opt in use (asks for
/// the password).
#[tauri::command]
pub async fn install_switch(
    state: State<'_, AppState>,
    name: String,
    version: String,
) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::install::switch(session, &name, &version, chrono::Utc::now())
    })
    .await
}

/// Leaves item `item` of installation `run` as it is.
#[tauri::command]
pub async fn install_harden_keep(
    state: State<'_, AppState>,
    run: i64,
    item: String,
) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::harden_install::keep(session, run, &item, chrono::Utc::now())
    })
    .await
}

/// What switching off the service of item `item` would change.
#[tauri::command]
pub async fn install_harden_switch_off_preview(
    state: State<'_, AppState>,
    run: i64,
    item: String,
) -> Result<Preview, Error> {
    with_session(state, move |session| {
        api::harden_install::switch_off_preview(session, run, &item, chrono::Utc::now())
    })
    .await
}

/// Switches off the service of item `item` as previewed (asks for the
/// password).
#[tauri::command]
pub async fn install_harden_switch_off(
    state: State<'_, AppState>,
    run: i64,
    item: String,
    seen: Preview,
) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::harden_install::switch_off(session, run, &item, &seen.digest(), chrono::Utc::now())
    })
    .await
}

/// Moves the password of item `item` into the keychain (asks for the
/// password).
#[tauri::command]
pub async fn install_harden_password(
    state: State<'_, AppState>,
    run: i64,
    item: String,
) -> Result<UpdateRun, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::harden_install::password(session, &keychain, run, &item, chrono::Utc::now())
    })
    .await
}

/// Moves the sample content of item `item` out of where it is served,
/// keeping a copy (asks for the password).
#[tauri::command]
pub async fn install_harden_remove_sample(
    state: State<'_, AppState>,
    run: i64,
    item: String,
) -> Result<UpdateRun, Error> {
    with_session(state, move |session| {
        api::harden_install::remove_sample(session, run, &item, chrono::Utc::now())
    })
    .await
}

/// Saves deployment `id`'s record at `path`.
#[tauri::command]
pub async fn deploy_record(
    state: State<'_, AppState>,
    id: i64,
    format: ReportFormat,
    path: String,
) -> Result<RecordSaved, Error> {
    let path = export_path(&path, "deployment-record.html")?;
    with_session(state, move |session| {
        api::deploy::record(session, id, format, &path, chrono::Utc::now())
    })
    .await
}

/// This computer's accounts; with `as_admin`, read by root (asks for the
/// password).
#[tauri::command]
pub async fn access_inventory(as_admin: bool) -> Result<AccessInventory, Error> {
    tauri::async_runtime::spawn_blocking(move || {
        api::access::inventory(as_admin, chrono::Utc::now())
    })
    .await
    .map_err(blocking_failed)?
}

/// The access review not signed off yet, or a new one.
#[tauri::command]
pub async fn access_review(state: State<'_, AppState>, as_admin: bool) -> Result<Review, Error> {
    with_session(state, move |session| {
        api::access::review(session, as_admin, chrono::Utc::now())
    })
    .await
}

/// Decides line `line` of access review `id`.
#[tauri::command]
pub async fn access_decide(
    state: State<'_, AppState>,
    id: i64,
    line: String,
    decision: Decision,
    reason: String,
) -> Result<Review, Error> {
    with_session(state, move |session| {
        api::access::decide(session, id, &line, decision, &reason, chrono::Utc::now())
    })
    .await
}

/// Signs access review `id` off as `name`.
#[tauri::command]
pub async fn access_sign_off(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> Result<Review, Error> {
    with_session(state, move |session| {
        api::access::sign_off(session, id, &name, chrono::Utc::now())
    })
    .await
}

/// What carrying out line `line` (decided remove) of review `id` changes.
#[tauri::command]
pub async fn access_remove_preview(
    state: State<'_, AppState>,
    id: i64,
    line: String,
) -> Result<Preview, Error> {
    with_session(state, move |session| {
        api::access::remove_preview(session, id, &line, chrono::Utc::now())
    })
    .await
}

/// Carries out line `line` of review `id` exactly as `seen` previewed
/// (asks for the password).
#[tauri::command]
pub async fn access_remove(
    state: State<'_, AppState>,
    id: i64,
    line: String,
    seen: Preview,
) -> Result<fix::FixOutcome, Error> {
    with_session(state, move |session| {
        api::access::remove(session, id, &line, &seen.digest(), chrono::Utc::now())
    })
    .await
}

/// The access reviews, newest first.
#[tauri::command]
pub async fn access_history(state: State<'_, AppState>) -> Result<Vec<Review>, Error> {
    with_store(state, review::history).await
}

/// Saves access review `id` at `path` (a page, CSV or JSON).
#[tauri::command]
pub async fn access_export(
    state: State<'_, AppState>,
    id: i64,
    format: ReportFormat,
    path: String,
) -> Result<RecordSaved, Error> {
    let path = export_path(&path, "access-review.html")?;
    with_session(state, move |session| {
        api::access::export(session, id, format, &path, chrono::Utc::now())
    })
    .await
}

/// The software on this computer, its end-of-life dates and what to retire.
#[tauri::command]
pub async fn inventory(state: State<'_, AppState>) -> Result<SoftwareInventory, Error> {
    with_session(state, move |session| {
        api::inventory::inventory(session, chrono::Utc::now())
    })
    .await
}

/// Uses the end-of-life list at `path` from now on, when it is newer.
#[tauri::command]
pub async fn inventory_import_eol(
    state: State<'_, AppState>,
    path: String,
) -> Result<EolSource, Error> {
    with_session(state, move |session| {
        api::inventory::import_eol(session, std::path::Path::new(&path), chrono::Utc::now())
    })
    .await
}

/// What removing `names` from the retire list would do.
#[tauri::command]
pub async fn retire_preview(
    state: State<'_, AppState>,
    names: Vec<String>,
) -> Result<RetirePreview, Error> {
    with_session(state, move |session| {
        api::inventory::retire_preview(session, &names, chrono::Utc::now())
    })
    .await
}

/// Removes `names` (asks for the password), with progress and Cancel.
#[tauri::command]
pub async fn retire(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    names: Vec<String>,
) -> Result<UpdateRun, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::inventory::retire(session, &names, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// The incidents, newest first, their links read again.
#[tauri::command]
pub async fn tickets_list(state: State<'_, AppState>) -> Result<Vec<Ticket>, Error> {
    with_session(state, move |session| {
        api::tickets::list(session, chrono::Utc::now())
    })
    .await
}

/// Opens an incident by hand.
#[tauri::command]
pub async fn ticket_open(state: State<'_, AppState>, new: NewTicket) -> Result<Ticket, Error> {
    with_session(state, move |session| {
        api::tickets::open(session, new, chrono::Utc::now())
    })
    .await
}

/// Opens an incident about one finding, alert, run, change or deployment.
#[tauri::command]
pub async fn ticket_open_from(
    state: State<'_, AppState>,
    kind: LinkKind,
    id: String,
) -> Result<Ticket, Error> {
    with_session(state, move |session| {
        api::tickets::open_from(session, kind, &id, chrono::Utc::now())
    })
    .await
}

/// Adds a note to incident `id`.
#[tauri::command]
pub async fn ticket_note(
    state: State<'_, AppState>,
    id: i64,
    text: String,
) -> Result<Ticket, Error> {
    with_session(state, move |session| {
        api::tickets::note(session, id, &text, chrono::Utc::now())
    })
    .await
}

/// Links incident `id` to `kind` `item` (in the records now).
#[tauri::command]
pub async fn ticket_link(
    state: State<'_, AppState>,
    id: i64,
    kind: LinkKind,
    item: String,
) -> Result<Ticket, Error> {
    with_session(state, move |session| {
        api::tickets::link(session, id, kind, &item, chrono::Utc::now())
    })
    .await
}

/// Moves incident `id` to another status.
#[tauri::command]
pub async fn ticket_status(state: State<'_, AppState>, id: i64, to: Move) -> Result<Ticket, Error> {
    with_session(state, move |session| {
        api::tickets::set_status(session, id, to, chrono::Utc::now())
    })
    .await
}

/// The office's computers, with what their last check found.
#[tauri::command]
pub async fn fleet_list(state: State<'_, AppState>) -> Result<Vec<FleetComputer>, Error> {
    with_session(state, api::fleet::list).await
}

/// The host key `address` offers now and the line to add there (the
/// console's key is made on first use).
#[tauri::command]
pub async fn fleet_look(state: State<'_, AppState>, address: String) -> Result<Enrolment, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::fleet::look(session, &keychain, &address, chrono::Utc::now())
    })
    .await
}

/// Enrols `address` as `name` once `fingerprint` is the one it offers, then checks it.
#[tauri::command]
pub async fn fleet_enrol(
    state: State<'_, AppState>,
    address: String,
    name: String,
    fingerprint: String,
) -> Result<FleetComputer, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::fleet::enrol(
            session,
            &keychain,
            &address,
            &name,
            &fingerprint,
            chrono::Utc::now(),
        )
    })
    .await
}

/// The deployment plan saved at `path` as a roll-out's change.
#[tauri::command]
pub async fn rollout_plan_change(
    path: String,
) -> Result<shipshape_core::fleet::rollout::Change, Error> {
    tauri::async_runtime::spawn_blocking(move || {
        api::fleet::plan_change(std::path::Path::new(&path))
    })
    .await
    .map_err(|e| Error::internal(format!("Reading the plan stopped unexpectedly: {e}")))?
}

/// Sets Shipshape up on a computer that does not have it yet (reached as
/// root through its setting-up line), then enrols its own account there.
#[tauri::command]
pub async fn fleet_set_up(
    state: State<'_, AppState>,
    asked: SetUp,
) -> Result<FleetComputer, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::fleet::set_up(session, &keychain, &asked, chrono::Utc::now())
    })
    .await
}

/// Takes computer `id` off the list and forgets its host key.
#[tauri::command]
pub async fn fleet_remove(state: State<'_, AppState>, id: i64) -> Result<FleetComputer, Error> {
    with_session(state, move |session| {
        api::fleet::remove(session, id, chrono::Utc::now())
    })
    .await
}

/// Checks every computer at once, with progress (computers answered) and Cancel.
#[tauri::command]
pub async fn fleet_check(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Vec<FleetComputer>, Error> {
    let keychain = state.keychain()?;
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::fleet::check(
            session,
            &keychain,
            None,
            chrono::Utc::now(),
            progress,
            cancel,
        )
    })
    .await
}

/// Computer `id`'s report and what it counts, asked of it now.
#[tauri::command]
pub async fn fleet_details(state: State<'_, AppState>, id: i64) -> Result<FleetDetails, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::fleet::details(session, &keychain, id, chrono::Utc::now())
    })
    .await
}

/// The roll-outs, newest first.
#[tauri::command]
pub async fn rollouts(state: State<'_, AppState>) -> Result<Vec<Rollout>, Error> {
    with_session(state, api::fleet::rollouts).await
}

/// Plans a roll-out and begins it, with progress (computers done) and Cancel.
#[tauri::command]
pub async fn rollout_start(
    state: State<'_, AppState>,
    plan: RolloutPlan,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Rollout, Error> {
    let keychain = state.keychain()?;
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::fleet::rollout_start(
            session,
            &keychain,
            plan,
            chrono::Utc::now(),
            progress,
            cancel,
        )
    })
    .await
}

/// Goes on with roll-out `id` (approving its next ring with `approve`).
#[tauri::command]
pub async fn rollout_continue(
    state: State<'_, AppState>,
    id: i64,
    approve: bool,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Rollout, Error> {
    let keychain = state.keychain()?;
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::fleet::rollout_continue(
            session,
            &keychain,
            id,
            approve,
            chrono::Utc::now(),
            progress,
            cancel,
        )
    })
    .await
}

/// Takes roll-out `id` back on the computers it changed.
#[tauri::command]
pub async fn rollout_rollback(
    state: State<'_, AppState>,
    id: i64,
    job: String,
    progress: Channel<JobProgress>,
) -> Result<Rollout, Error> {
    let keychain = state.keychain()?;
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::fleet::rollout_rollback(session, &keychain, id, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Writes `plan` as an Ansible inventory and playbook into `folder`.
#[tauri::command]
pub async fn fleet_export_ansible(
    state: State<'_, AppState>,
    plan: RolloutPlan,
    folder: String,
) -> Result<AnsibleExport, Error> {
    with_session(state, move |session| {
        api::fleet::export_ansible(
            session,
            plan,
            std::path::Path::new(&folder),
            chrono::Utc::now(),
        )
    })
    .await
}

/// Asks where to save access review `id`.
#[tauri::command]
pub async fn choose_review_file(
    app: AppHandle,
    window: WebviewWindow,
    format: ReportFormat,
    id: i64,
) -> Result<Option<String>, Error> {
    let (label, extension) = match format {
        ReportFormat::Json => ("JSON", "json"),
        ReportFormat::Csv => ("Spreadsheet (CSV)", "csv"),
        ReportFormat::Html => ("Web page (HTML)", "html"),
    };
    let save_as = SaveAs {
        title: "Save the access review",
        label,
        extension,
    };
    let name = format!("shipshape-access-review-{id}.{extension}");
    let chosen = crate::dialog::choose_save_path(app, window, save_as, name).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// The deployments of plans, newest first.
#[tauri::command]
pub async fn deploy_list(state: State<'_, AppState>) -> Result<Vec<Deployment>, Error> {
    with_store(state, deploy::list).await
}

/// Reads the deployment plan in file `path` and checks it; nothing is
/// installed.
#[tauri::command]
pub async fn deploy_plan_file(path: String) -> Result<DeploymentPlan, Error> {
    tauri::async_runtime::spawn_blocking(move || {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::io("read", std::path::Path::new(&path), &e))?;
        DeploymentPlan::from_json(&text)
    })
    .await
    .map_err(blocking_failed)?
}

/// Deploys `plan` as job `job` (asks for the password), as far as it goes
/// without the administrator.
#[tauri::command]
pub async fn deploy_start(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    plan: DeploymentPlan,
) -> Result<Deployment, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::deploy::start(session, plan, None, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Deploys again, as job `job`, the plan of deployment `id`.
#[tauri::command]
pub async fn deploy_repeat(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    id: i64,
) -> Result<Deployment, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::deploy::repeat(session, id, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Approves deployment `id`'s next stage (installed as job `job`) or
/// promotes its pilot.
#[tauri::command]
pub async fn deploy_approve(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    id: i64,
) -> Result<Deployment, Error> {
    session_job(state, &job, progress, move |session, progress, cancel| {
        api::deploy::approve(session, id, chrono::Utc::now(), progress, cancel)
    })
    .await
}

/// Checks the pilot of deployment `id` now.
#[tauri::command]
pub async fn deploy_check(state: State<'_, AppState>, id: i64) -> Result<Deployment, Error> {
    with_session(state, move |session| {
        api::deploy::check(session, id, chrono::Utc::now())
    })
    .await
}

/// Takes back everything deployment `id` installed (asks for the password).
#[tauri::command]
pub async fn deploy_rollback(state: State<'_, AppState>, id: i64) -> Result<Deployment, Error> {
    with_session(state, move |session| {
        api::deploy::roll_back(session, id, chrono::Utc::now())
    })
    .await
}

/// The scheduled jobs with their next and last runs.
#[tauri::command(async)]
pub fn schedule_list() -> Result<Vec<JobStatus>, Error> {
    api::schedule::list(chrono::Utc::now())
}

/// Adds, edits, pauses, resumes or removes a job (with the administrator's password).
#[tauri::command]
pub async fn schedule_change(
    state: State<'_, AppState>,
    change: ScheduleChange,
) -> Result<(), Error> {
    with_session(state, move |session| {
        api::schedule::change(session, change, chrono::Utc::now())
    })
    .await
}

/// Runs job `id` now, whatever its schedule.
#[tauri::command]
pub async fn schedule_run(state: State<'_, AppState>, id: i64) -> Result<ScheduledRun, Error> {
    with_session(state, move |session| {
        api::schedule::run_now(session, id, chrono::Utc::now())
    })
    .await
}

/// How the administrator is told about maintenance.
#[tauri::command]
pub async fn notify_settings(state: State<'_, AppState>) -> Result<NoticeSettings, Error> {
    with_session(state, move |session| {
        api::notify::settings(session, chrono::Utc::now())
    })
    .await
}

/// Saves the notice settings; a `password` typed goes to the keychain.
#[tauri::command]
pub async fn notify_save(
    state: State<'_, AppState>,
    settings: NoticeSettings,
    password: Option<String>,
) -> Result<NoticeSettings, Error> {
    let password = password
        .filter(|p| !p.is_empty())
        .map(Secret::new)
        .transpose()?;
    // Connected only to keep a password: saving the rest needs no keychain.
    let keychain = password.as_ref().map(|_| state.keychain()).transpose()?;
    with_session(state, move |session| {
        let keychain =
            move || keychain.ok_or_else(|| Error::internal("The keychain was not connected."));
        api::notify::save(session, keychain, settings, password, chrono::Utc::now())
    })
    .await
}

/// Sends a test message with the saved email settings.
#[tauri::command]
pub async fn notify_test_email(state: State<'_, AppState>) -> Result<String, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::notify::test_email(session, &keychain, chrono::Utc::now())
    })
    .await
}

/// Runs `work` as the job `job` the UI chose: off the main thread, with its
/// Cancel and the app's actor, registered until it ends.
async fn as_job<T: Send + 'static>(
    state: State<'_, AppState>,
    job: &str,
    work: impl FnOnce(&Cancel, &Actor) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let guard = state.jobs.start(job)?;
    let cancel = guard.cancel.clone();
    let actor = state.actor.clone();
    let result = tauri::async_runtime::spawn_blocking(move || work(&cancel, &actor))
        .await
        .map_err(blocking_failed)?;
    drop(guard);
    result
}

/// Every backup with its snapshots and last runs, as root last published
/// them: no password is asked.
#[tauri::command(async)]
pub fn backup_board() -> Result<BackupBoard, Error> {
    api::backup::board(false, chrono::Utc::now())
}

/// What a new backup backs up unless the administrator chooses otherwise.
#[tauri::command(async)]
pub fn backup_defaults() -> Result<Plan, Error> {
    Ok(api::backup::defaults())
}

/// How much `plan` would back up: a job with progress and Cancel.
#[tauri::command]
pub async fn backup_estimate(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    plan: Plan,
) -> Result<Estimate, Error> {
    as_job(state, &job, move |cancel, _| {
        api::backup::estimate(&plan, &Throttled::new(progress), cancel)
    })
    .await
}

/// Sets up a backup (with the administrator's password); its own password
/// is made and kept in the keychain.
#[tauri::command]
pub async fn backup_init(
    state: State<'_, AppState>,
    name: String,
    folder: String,
    plan: Plan,
    trust: Option<String>,
) -> Result<Repository, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::backup::init(
            session,
            &keychain,
            &name,
            api::backup::Destination {
                to: &folder,
                trust_host_key: trust.as_deref(),
            },
            plan,
            chrono::Utc::now(),
        )
    })
    .await
}

/// The recovery sheet of backup `name`, with its password.
#[tauri::command]
pub async fn backup_recovery_sheet(
    state: State<'_, AppState>,
    name: String,
) -> Result<RecoverySheet, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::backup::recovery_sheet(session, &keychain, &name, chrono::Utc::now())
    })
    .await
}

/// Backs up `name` now: a job with progress and Cancel.
#[tauri::command]
pub async fn backup_run(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    name: String,
) -> Result<BackupRun, Error> {
    as_job(state, &job, move |cancel, actor| {
        api::backup::run(
            Some(&name),
            &Throttled::new(progress),
            cancel,
            actor,
            chrono::Utc::now(),
        )
    })
    .await
}

/// Tests restoring the newest backup of `name`: a job with progress.
#[tauri::command]
pub async fn backup_test(
    state: State<'_, AppState>,
    job: String,
    progress: Channel<JobProgress>,
    name: String,
) -> Result<BackupRun, Error> {
    as_job(state, &job, move |cancel, actor| {
        api::backup::restore_test(
            Some(&name),
            &Throttled::new(progress),
            cancel,
            actor,
            chrono::Utc::now(),
        )
    })
    .await
}

/// Opens the native save dialog for a recovery sheet; `None` when the user
/// closed it.
#[tauri::command]
pub async fn choose_recovery_sheet_file(
    app: AppHandle,
    window: WebviewWindow,
    name: String,
) -> Result<Option<String>, Error> {
    let save_as = SaveAs {
        title: "Save the recovery sheet",
        label: "Web page (HTML)",
        extension: "html",
    };
    let plain: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let file = format!("recovery-sheet-{plain}.html");
    let chosen = crate::dialog::choose_save_path(app, window, save_as, file).await?;
    Ok(chosen.map(|p| p.display().to_string()))
}

/// Saves backup `name`'s recovery sheet as `path`; answers the path written.
#[tauri::command]
pub async fn backup_recovery_sheet_save(
    state: State<'_, AppState>,
    name: String,
    path: String,
) -> Result<String, Error> {
    let keychain = state.keychain()?;
    with_session(state, move |session| {
        api::backup::save_recovery_sheet(
            session,
            &keychain,
            &name,
            std::path::Path::new(&path),
            chrono::Utc::now(),
        )
        .map(|()| path)
    })
    .await
}

/// The entries directly inside `folder` in `snapshot` of backup `name`.
#[tauri::command(async)]
pub fn backup_browse(name: String, snapshot: String, folder: String) -> Result<Vec<Entry>, Error> {
    api::backup::browse(&name, &snapshot, &folder, chrono::Utc::now())
}

/// What in `snapshot` of backup `name` has a name holding `pattern`.
#[tauri::command(async)]
pub fn backup_find(name: String, snapshot: String, pattern: String) -> Result<Vec<Entry>, Error> {
    api::backup::find(&name, &snapshot, &pattern, chrono::Utc::now())
}

/// Restores `path` of `snapshot` to its place or into a folder: a job
/// that can be cancelled; nothing is overwritten.
#[tauri::command]
pub async fn backup_restore(
    state: State<'_, AppState>,
    job: String,
    name: String,
    snapshot: String,
    path: String,
    to: RestoreWhere,
) -> Result<Restored, Error> {
    as_job(state, &job, move |cancel, actor| {
        api::backup::restore_to(
            &name,
            &snapshot,
            &path,
            to,
            cancel,
            actor,
            chrono::Utc::now(),
        )
    })
    .await
}

/// A backup server's certificate to compare and whether Shipshape trusts
/// it; with `trust` (the fingerprint the administrator compared) that
/// certificate is trusted, and with `password` the server account's
/// password is kept sealed for the administrator; then the server is
/// tried. Only the look changes nothing.
#[tauri::command]
pub async fn backup_server(
    state: State<'_, AppState>,
    to: String,
    trust: Option<String>,
    password: Option<String>,
) -> Result<BackupServer, Error> {
    let login = password.map(Secret::new).transpose()?;
    with_session(state, move |session| {
        api::backup::server(
            &to,
            trust.as_deref(),
            login.as_ref(),
            session.actor,
            chrono::Utc::now(),
        )
    })
    .await
}

/// Another computer's host key to compare, whether Shipshape trusts it, and
/// the line to add there so root's key may store backups (read-only: this
/// trusts nothing).
#[tauri::command]
pub async fn backup_host_key(state: State<'_, AppState>, to: String) -> Result<HostKey, Error> {
    with_session(state, move |session| {
        api::backup::host_key(&to, None, session.actor, chrono::Utc::now())
    })
    .await
}
