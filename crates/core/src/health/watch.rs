//! One turn of the watch (sample, keep, forecast, check the rules) and the
//! Overview built from what is stored: the same for the app's background
//! sampler and `shipshape monitor`.

use super::alerts::{self, Alert, AlertChanges};
use super::baseline::Anomaly;
use super::forecast::{self, DiskForecast};
use super::history;
use super::sample::{Sample, Sampler};
use super::summary::{HealthSummary, summarize};
use crate::Result;
use crate::audit::Actor;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

/// What one turn found.
#[derive(Debug, Clone)]
pub struct Turn {
    pub sample: Sample,
    pub forecasts: Vec<DiskForecast>,
    pub changes: AlertChanges,
}

/// Samples the computer, keeps the sample in the history, forecasts the
/// disks and raises or clears alerts (audited).
pub fn turn(
    store: &Store,
    actor: &Actor,
    sampler: &mut Sampler,
    now: DateTime<Utc>,
) -> Result<Turn> {
    let sample = sampler.sample(now)?;
    history::record(store, &sample)?;
    let forecasts = forecast::disks(store, &sample)?;
    let changes = alerts::check(store, now, actor, &sample, &forecasts)?;
    Ok(Turn {
        sample,
        forecasts,
        changes,
    })
}

/// The Overview screen's data, all from the store: it paints at once from
/// the latest stored sample, before the next one is taken.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    /// The latest sample; `None` before the first one was stored.
    pub sample: Option<Sample>,
    /// The plain sentence on top, from open alerts and anomalies.
    pub summary: HealthSummary,
    pub alerts: Vec<Alert>,
    pub forecasts: Vec<DiskForecast>,
    /// Changes since the accepted baseline, as last checked.
    pub anomalies: Vec<Anomaly>,
}

/// Builds the Overview from the store, the anomalies last found and the
/// latest security check of this computer.
/// What the schedule root last published says needs attention; nothing
/// when there is no schedule yet or it cannot be read.
fn maintenance_items() -> Vec<String> {
    let public = crate::admin::state::RootPaths::locate().public;
    crate::admin::public::read_roots(&public, crate::maintain::jobs::PUBLISHED)
        .ok()
        .flatten()
        .and_then(|bytes| crate::maintain::jobs::published(&bytes).ok())
        .map(|jobs| crate::maintain::jobs::attention_items(&jobs))
        .unwrap_or_default()
}

pub fn overview(store: &Store, anomalies: &[Anomaly], now: DateTime<Utc>) -> Result<Overview> {
    let sample = history::latest(store)?;
    let root = crate::admin::this_computer().display().to_string();
    let check = crate::harden::history::last_check(store, &root, now)?;
    let alerts = alerts::open(store)?;
    let forecasts = match &sample {
        Some(s) => forecast::disks(store, s)?,
        None => Vec::new(),
    };
    let mut due = maintenance_items();
    due.extend(crate::govern::review::overdue(store, now)?);
    due.extend(crate::govern::tickets::summary(
        &crate::govern::tickets::list(store)?,
        now.date_naive(),
    ));
    Ok(Overview {
        summary: summarize(&due, &alerts, anomalies, check),
        sample,
        alerts,
        forecasts,
        anomalies: anomalies.to_vec(),
    })
}
