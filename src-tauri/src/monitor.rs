//! The background sampler: a tokio task that takes a turn of the watch every
//! few seconds (sample, history, forecast, alerts; see `core::health::watch`),
//! tells the window, and raises a desktop notification for each new alert.
//! The blocking work (reading /proc, SQLite) runs on a blocking thread.

use crate::state::AppState;
use chrono::Utc;
use shipshape_core::health::alerts::Alert;
use shipshape_core::health::{Host, Sampler, watch};
use shipshape_core::store::Store;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

/// How often the app samples this computer.
const INTERVAL: Duration = Duration::from_secs(5);
/// Test-only: end-to-end tests sample every second with this many seconds.
const INTERVAL_ENV: &str = "SHIPSHAPE_SAMPLE_SECONDS";
/// The first reading waits this long: the window paints from the stored
/// reading meanwhile, without competing for the processor, and CPU use (a
/// difference between two readings) has settled by then.
const FIRST_TURN: Duration = Duration::from_secs(3);
/// Every this many turns (an hour at 5 s) the baseline is compared again,
/// for the Overview's sentence.
const BASELINE_EVERY: u32 = 720;
/// The first comparison waits this many turns (30 s at 5 s): checksumming
/// the system files at once would compete with the window's first paint.
const BASELINE_FIRST: u32 = 6;

fn interval() -> Duration {
    shipshape_core::test_settings::number(INTERVAL_ENV)
        .filter(|s| (1..=600).contains(s))
        .map(Duration::from_secs)
        .unwrap_or(INTERVAL)
}

/// The event the window listens to; its payload is the new `Overview`.
pub const HEALTH_EVENT: &str = "health";

/// Starts the sampler for the life of the app. Without a store there is
/// nothing to keep, and the Overview says why.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let store = match state.open_second_store() {
            Ok(s) => s,
            Err(_) => return,
        };
        let sampler = match Sampler::new(Host::this_computer(), Utc::now()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Shipshape cannot watch this computer: {}", e.message);
                return;
            }
        };
        let every = interval();
        tokio::time::sleep(FIRST_TURN).await;
        let mut held = Some((store, sampler));
        let mut turns: u32 = 0;
        loop {
            let Some((store, sampler)) = held.take() else {
                return;
            };
            let app2 = app.clone();
            let check_baseline = turns % BASELINE_EVERY == BASELINE_FIRST;
            let done = tauri::async_runtime::spawn_blocking(move || {
                let mut sampler = sampler;
                let raised = one_turn(&app2, &store, &mut sampler, check_baseline);
                (store, sampler, raised)
            })
            .await;
            let Ok((store, sampler, raised)) = done else {
                return;
            };
            for alert in raised {
                notify(&app, &alert);
            }
            held = Some((store, sampler));
            turns = turns.wrapping_add(1);
            tokio::time::sleep(every).await;
        }
    });
}

/// One turn; returns the alerts it raised. A failed turn (a busy database)
/// is reported and the next one tried.
fn one_turn(
    app: &AppHandle,
    store: &Store,
    sampler: &mut Sampler,
    check_baseline: bool,
) -> Vec<Alert> {
    let state = app.state::<AppState>();
    if check_baseline {
        state.refresh_anomalies(store);
    }
    let turn = match watch::turn(store, &state.actor, sampler, Utc::now()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("Shipshape could not take a reading: {}", e.message);
            return Vec::new();
        }
    };
    if let Ok(overview) = watch::overview(store, &state.anomalies(), chrono::Utc::now()) {
        let _ = app.emit(HEALTH_EVENT, overview);
    }
    turn.changes.raised
}

/// A desktop notification; where no notification service runs (a bare
/// session), the alert still shows in the window and the log.
fn notify(app: &AppHandle, alert: &Alert) {
    let shown = app
        .notification()
        .builder()
        .title(&alert.title)
        .body(&alert.advice)
        .show();
    if let Err(e) = shown {
        eprintln!("Shipshape could not show a notification: {e}");
    }
}
