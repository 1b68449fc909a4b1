//! The Shipshape desktop app: wires core into a Tauri window. Commands are
//! thin adapters (see `commands`); all domain logic lives in shipshape-core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

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
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                handle
                    .state::<state::AppState>()
                    .check_credentials_at_start()
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::computer_facts,
            commands::audit_list,
            commands::audit_export,
            commands::choose_export_file,
            commands::verify_audit_log,
            commands::cancel_job,
            commands::verify_file,
            commands::verify_suggestions,
            commands::verify_history,
            commands::choose_file,
            commands::publishers_list,
            commands::publisher_preview,
            commands::publisher_pin,
            commands::publisher_remove,
            commands::vault_list,
            commands::vault_check,
            commands::vault_add,
            commands::vault_edit,
            commands::vault_reveal,
            commands::vault_copy,
            commands::vault_rotate,
            commands::vault_delete,
            commands::vault_generate,
            commands::vault_strength,
            commands::health_overview,
            commands::health_history,
            commands::alerts_recent,
            commands::alert_acknowledge,
            commands::alert_rules,
            commands::alert_rule_set,
            commands::baseline_check,
            commands::baseline_accept,
            commands::security_scan,
            commands::security_latest,
            commands::security_history,
            commands::security_report,
            commands::security_fix_preview,
            commands::security_fix,
            commands::security_undo,
            commands::security_changes,
            commands::security_accept,
            commands::security_withdraw,
            commands::security_accepted,
            commands::choose_report_file,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Shipshape could not start its window: {e}");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    // The command list lives in four files the compiler cannot tie together:
    // the handler list, the permission manifest, the window's capability and
    // the isolation hook's allow-list. They must agree.
    const MAIN: &str = include_str!("main.rs");
    const BUILD: &str = include_str!("../build.rs");
    const CAPABILITY: &str = include_str!("../capabilities/main.json");
    const ISOLATION: &str = include_str!("../../ui/isolation/index.js");

    fn quoted_between(text: &str, start: &str, end: &str, quote: char) -> BTreeSet<String> {
        let from = text.find(start).map(|i| i + start.len()).unwrap_or(0);
        let to = text[from..]
            .find(end)
            .map(|i| from + i)
            .unwrap_or(text.len());
        text[from..to]
            .split(quote)
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_list_of_commands_agrees() {
        let handlers: BTreeSet<String> = MAIN
            .lines()
            .filter_map(|l| l.trim().strip_prefix("commands::"))
            .map(|l| l.trim_end_matches(',').to_string())
            .collect();
        let manifest = quoted_between(BUILD, "COMMANDS: &[&str] = &[", "];", '"');
        let granted: BTreeSet<String> = quoted_between(CAPABILITY, "\"permissions\"", "]", '"')
            .into_iter()
            .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect();
        let isolation = quoted_between(ISOLATION, "new Set([", "])", '\'');
        assert!(!handlers.is_empty());
        assert_eq!(handlers, manifest, "build.rs COMMANDS");
        assert_eq!(handlers, granted, "capabilities/main.json");
        assert_eq!(handlers, isolation, "ui/isolation/index.js");
    }
}
