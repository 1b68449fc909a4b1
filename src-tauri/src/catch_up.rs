//! While the app is open, roll-outs go on by themselves when their next
//! step is due (a soak over, computers that were off tried again, a ring
//! the app was closed in): a look every few minutes, on a blocking thread,
//! through the same `api::fleet::rollouts_due` as `shipshape fleet rollout
//! continue --due`. A roll-out waiting for approval waits for a person.

use crate::state::AppState;
use shipshape_core::api::{self, Session};
use shipshape_core::progress::Cancel;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// How often the app looks.
const EVERY: Duration = Duration::from_secs(300);
/// The first look waits for the window to settle.
const FIRST: Duration = Duration::from_secs(60);

pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST).await;
        loop {
            let app = app.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || look(&app)).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// One look; what fails is in the roll-out's own record, and tried again
/// at the next look.
fn look(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Ok(store) = state.open_second_store() else {
        return;
    };
    let session = Session {
        store: &store,
        actor: &state.actor,
    };
    let due = api::fleet::rollouts(session).map(|all| {
        let retry = shipshape_core::fleet::rollout::retry_wait();
        all.iter().any(|r| r.due(chrono::Utc::now(), retry))
    });
    // The keychain is asked only when there is something to do.
    if !due.unwrap_or(false) {
        return;
    }
    if let Ok(keychain) = state.keychain() {
        let _ = api::fleet::rollouts_due(session, &keychain, chrono::Utc::now(), &Cancel::new());
    }
}
