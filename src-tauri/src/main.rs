//! The Shipshape desktop app: wires core into a Tauri window. Commands are
//! thin adapters (see `commands`); all domain logic lives in shipshape-core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialog;
mod jobs;
mod state;

use tauri::Manager;

fn main() {
    let state = state::AppState::load();
    tauri::Builder::default()
        // First, so a second launch hands over to the running window and
        // exits before doing anything else.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::computer_facts,
            commands::audit_list,
            commands::audit_export,
            commands::choose_export_file,
            commands::verify_audit_log,
            commands::cancel_job,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Shipshape could not start its window: {e}");
            std::process::exit(1);
        });
}
