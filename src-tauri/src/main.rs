//! The Shipshape desktop app: wires core into a Tauri window. Commands are
//! thin adapters (see `commands`); all domain logic lives in shipshape-core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod catch_up;
mod clipboard;
mod commands;
mod dialog;
mod jobs;
mod monitor;
mod rendering;
mod state;

use tauri::Manager;

/// Opens the main window as tauri.conf.json describes it, handing it the
/// stored Overview so it paints without waiting for a first command.
fn open_window(app: &tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .ok_or("tauri.conf.json has no main window")?
        .clone();
    let mut window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if let Some(script) = app.state::<state::AppState>().stored_overview_script() {
        window = window.initialization_script(script);
    }
    window.build()?;
    Ok(())
}

fn main() {
    rendering::without_compositing();
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
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .setup(|app| {
            open_window(app)?;
            monitor::start(app.handle().clone());
            catch_up::start(app.handle().clone());
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                handle
                    .state::<state::AppState>()
                    .check_credentials_at_start()
            });
            Ok(())
        })
        // Every `#[tauri::command]` in commands.rs, listed by build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Shipshape could not start its window: {e}");
            std::process::exit(1);
        });
}
