//! What the app holds while it runs: the data folder, the open store (or why
//! it could not be opened) and the running jobs.

use crate::clipboard::SecretClipboard;
use crate::jobs::Jobs;
use shipshape_core::api::{self, Session};
use shipshape_core::audit::{Actor, Source};
use shipshape_core::health::Host;
use shipshape_core::health::baseline::{Anomaly, BaselineDiff};
use shipshape_core::health::watch;
use shipshape_core::store::{self, Recovery, Store, StoreStatus};
use shipshape_core::vault::{self, CheckReport, Keychain, Vault};
use shipshape_core::{Error, ErrorCode};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// The window property that carries the stored Overview (ui/src/lib/ipc).
const STORED_OVERVIEW: &str = "__SHIPSHAPE_STORED_OVERVIEW__";

#[derive(Debug)]
pub struct AppState {
    pub data_dir: Option<PathBuf>,
    store: Result<Mutex<Store>, Error>,
    recovery: Option<Recovery>,
    pub jobs: Jobs,
    pub actor: Actor,
    /// Connected on first use, so the app starts without a keychain.
    keychain: Mutex<Option<Keychain>>,
    pub clipboard: SecretClipboard,
    /// What the start-up credentials check repaired, until the Credentials
    /// screen has shown it.
    startup_repairs: Mutex<CheckReport>,
    /// Changes since the accepted baseline, as last compared.
    anomalies: Mutex<Vec<Anomaly>>,
}

impl AppState {
    /// Opens the store in `SHIPSHAPE_DATA_DIR`, or the OS data folder.
    pub fn load() -> Self {
        let actor = Actor::current(Source::App);
        let data_dir = match std::env::var_os("SHIPSHAPE_DATA_DIR") {
            Some(d) if !d.is_empty() => Ok(PathBuf::from(d)),
            _ => store::default_data_dir(),
        };
        let (data_dir, store, recovery) = match data_dir {
            Err(e) => (None, Err(e), None),
            Ok(dir) => match api::records::open(&dir, &actor, chrono::Utc::now()) {
                Ok((store, recovery)) => (Some(dir), Ok(Mutex::new(store)), recovery),
                Err(e) => (Some(dir), Err(e), None),
            },
        };
        AppState {
            data_dir,
            store,
            recovery,
            jobs: Jobs::default(),
            actor,
            keychain: Mutex::new(None),
            clipboard: SecretClipboard::default(),
            startup_repairs: Mutex::new(CheckReport::default()),
            anomalies: Mutex::new(Vec::new()),
        }
    }

    /// The OS keychain, connecting on first use. A failure is not kept, so
    /// starting the keyring service and trying again works.
    pub fn keychain(&self) -> Result<Keychain, Error> {
        let mut cached = self.keychain.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = cached.as_ref() {
            return Ok(k.clone());
        }
        let k = Keychain::system()?;
        *cached = Some(k.clone());
        Ok(k)
    }

    /// The start-up check: when this data folder has credentials, make the
    /// records and the keychain agree (see `vault::Vault::check`). Without
    /// credentials it does nothing, so no unlock prompt greets a user who
    /// never stored one.
    pub fn check_credentials_at_start(&self) {
        let Ok(store) = self.open_second_store() else {
            return;
        };
        let now = chrono::Utc::now();
        if vault::list(&store, now).map_or(true, |l| l.is_empty()) {
            return;
        }
        let report = self
            .keychain()
            .and_then(|k| Vault::new(&store, &k, &self.actor).check(now));
        match report {
            Ok(report) => {
                *self
                    .startup_repairs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = report
            }
            // The Credentials screen runs the check again and shows why.
            Err(e) => eprintln!(
                "Shipshape could not check your credentials at start: {}",
                e.message
            ),
        }
    }

    /// A script that hands the window the Overview as stored, so its first
    /// paint needs no round trip; `None` when there is nothing stored.
    /// The figures are this computer's health, no secrets.
    pub fn stored_overview_script(&self) -> Option<String> {
        let overview = watch::overview(&*self.store().ok()?, &[], chrono::Utc::now()).ok()?;
        overview.sample.as_ref()?;
        let json = serde_json::to_string(&overview).ok()?;
        Some(format!("window.{STORED_OVERVIEW} = {json};"))
    }

    pub fn anomalies(&self) -> Vec<Anomaly> {
        self.anomalies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Compares this computer with the accepted baseline and keeps the
    /// anomalies for the Overview; `None` when no baseline was accepted.
    pub fn compare_baseline(&self, store: &Store) -> Result<Option<BaselineDiff>, Error> {
        let diff = api::baseline::check(store, &Host::this_computer())?;
        *self.anomalies.lock().unwrap_or_else(|p| p.into_inner()) = diff
            .as_ref()
            .map(|d| d.anomalies.clone())
            .unwrap_or_default();
        Ok(diff)
    }

    /// `compare_baseline` for the background sampler, which carries on
    /// when it fails.
    pub fn refresh_anomalies(&self, store: &Store) {
        if let Err(e) = self.compare_baseline(store) {
            eprintln!(
                "Shipshape could not compare with the baseline: {}",
                e.message
            );
        }
    }

    /// Accepts this computer as it is now; nothing is left to report.
    pub fn accept_baseline(&self, store: &Store) -> Result<BaselineDiff, Error> {
        let session = Session {
            store,
            actor: &self.actor,
        };
        let accepted = api::baseline::accept(session, &Host::this_computer(), chrono::Utc::now())?;
        self.anomalies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        Ok(BaselineDiff {
            accepted: accepted.time,
            anomalies: Vec::new(),
        })
    }

    /// What the start-up check repaired, once.
    pub fn take_startup_repairs(&self) -> CheckReport {
        std::mem::take(
            &mut *self
                .startup_repairs
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    pub fn status(&self) -> StoreStatus {
        StoreStatus {
            data_dir: self.data_dir.as_ref().map(|d| d.display().to_string()),
            store_error: self.store.as_ref().err().cloned(),
            recovery: self.recovery.clone(),
        }
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, Error> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        // A panic while holding the lock leaves the connection usable:
        // every write is its own transaction.
        Ok(store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// A second connection for long work, so the screens stay responsive.
    pub fn open_second_store(&self) -> Result<Store, Error> {
        self.store.as_ref().map_err(Clone::clone)?;
        let dir = self.data_dir.as_ref().ok_or_else(|| {
            Error::new(
                ErrorCode::StoreUnavailable,
                "Shipshape has no data folder.",
                "Set HOME or SHIPSHAPE_DATA_DIR and start Shipshape again.",
            )
        })?;
        Store::open(dir, chrono::Utc::now()).map(|(store, _)| store)
    }
}
